"""Dates as England writes them: day first, Excel serials and datetimes, and statutory arithmetic.

Pure functions, shared by scoring, allocation, timelines and schedules so that they never disagree.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import cache

_EXCEL_EPOCH = date(1899, 12, 30)
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_NUMERIC = re.compile(
    r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?)?$"
)
_WORDY = re.compile(r"^(?:[A-Za-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})$")


class DateParseError(ValueError):
    """A value that is not a date; the message says what was expected."""


def parse_date(value: object) -> date:
    """Read a date day-first: ``03/04/2025`` is 3 April 2025.

    Accepts ``date``/``datetime`` objects (as spreadsheet readers give them), Excel serial numbers,
    ISO ``2025-04-03``, ``3/4/25``, ``3 April 2025`` and ``Thu 3 Apr 2025``. A month above 12 in the
    second place (``04/23/2025``, written the American way) is refused, not guessed.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise DateParseError("expected a date, found TRUE/FALSE")
    if isinstance(value, int | float):
        return from_excel_serial(value)
    text = str(value).strip()
    if not text:
        raise DateParseError("expected a date, found an empty cell")
    m = _NUMERIC.match(text)
    if m:
        a, b, c = m.groups()
        if len(a) == 4:  # ISO: year first
            y, mo, d = int(a), int(b), int(c)
        else:
            d, mo, y = int(a), int(b), int(c)
            if len(c) == 2:
                y += 2000 if y < 70 else 1900
            elif len(c) != 4:
                raise DateParseError(f"expected a date as DD/MM/YYYY, found {text!r}")
            if mo > 12 and d <= 12:
                raise DateParseError(
                    f"{text!r} looks like a US-style date (month first); write it day first, as {mo:02d}/{d:02d}/{y}"
                )
        return _make(y, mo, d, text)
    m = _WORDY.match(text)
    if m:
        day, month_name, year = m.groups()
        month = _MONTHS.get(month_name.lower())
        if month:
            return _make(int(year), month, int(day), text)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return from_excel_serial(float(text))
    raise DateParseError(f"expected a date as DD/MM/YYYY, found {text!r}")


def _make(y: int, mo: int, d: int, text: str) -> date:
    try:
        return date(y, mo, d)
    except ValueError:
        raise DateParseError(f"{text!r} is not a real date") from None


def from_excel_serial(serial: float) -> date:
    """An Excel date serial (days since 1899-12-30, the 1900 system) as a date."""
    if not 1 <= serial < 2958466:
        raise DateParseError(f"expected a date, found the number {serial:g}")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def format_date(d: date | None) -> str:
    """Day-first for people: ``21/07/2025``."""
    return "" if d is None else d.strftime("%d/%m/%Y")


def add_months(d: date, months: int) -> date:
    """Calendar months later (or earlier), clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    m0 = d.month - 1 + months
    y, m = d.year + m0 // 12, m0 % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def offset(start: date, *, weeks: int = 0, days: int = 0, months: int = 0) -> date:
    """Start plus calendar months, then 7 × weeks + days (negative: before)."""
    d = add_months(start, months) if months else start
    return d + timedelta(days=7 * weeks + days)


def period_end(
    start: date,
    *,
    weeks: int = 0,
    days: int = 0,
    months: int = 0,
    working_days: int = 0,
    starting_with: bool = False,
) -> date:
    """The last day of a statutory period: the one rule every due date of qactl goes through.

    * "within N weeks of receiving a request": the day of receipt is not counted, so the period ends on the same
      weekday N weeks later, ``start + 7N days`` (a request received Monday 1 September 2025 → 6 weeks end Monday
      13 October 2025);
    * ``starting_with``: a period "starting with" (or "beginning with") a day includes that day, so it ends the day
      before the next period would start: 12 months starting with 10/03/2024 end on 09/03/2025 (Children and
      Families Act 2014 s.44(1)); 15 days beginning with 02/06/2025 end on 16/06/2025 (SEND Regs reg 13(1));
    * months are calendar months, clamped to the month's last day (31 January + 1 month = 28 or 29 February);
    * ``working_days``: Monday to Friday, England and Wales bank holidays excluded (:func:`bank_holidays`);
    * negative numbers count back: "at least 2 weeks before the meeting" ends ``meeting − 14 days``.
    """
    if working_days:
        return add_working_days(start, working_days)
    end = offset(start, weeks=weeks, days=days, months=months)
    if not starting_with:
        return end
    if months and add_months(start, months).day != start.day:
        # no such day in that month (12 months starting with 29/02/2024): the next period would start on the 1st
        # of the month after, so this one ends on the last day of the month, 28/02/2025
        return end
    return end - timedelta(days=1)


def fixed_date(day: int, month: int, year: int, *, before: bool = False) -> date:
    """A fixed date of a year; ``before``: the law says *before* it, so the last day on time is the day before
    (reg 18(1): before 15 February → 14 February). 29 February in a year without it is 28 February."""
    try:
        d = date(year, month, day)
    except ValueError:
        d = date(year, month, 28)
    return d - timedelta(days=1) if before else d


def _easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    return date(year, month, (h + ell - 7 * m + 114) % 31 + 1)


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays of a year, from the rules (Banking and Financial Dealings Act 1971 Sch 1,
    the annual proclamations, Christmas Day and Good Friday), with substitute days for weekends.

    One-off holidays proclaimed for an occasion (a jubilee, a coronation, a state funeral) are not included: the
    working days around them come out one day short.
    """

    def monday_on_or_before(d: date) -> date:
        return d - timedelta(days=d.weekday())

    def substitute(d: date, taken: set[date]) -> date:
        while d.weekday() >= 5 or d in taken:
            d += timedelta(days=1)
        return d

    out: set[date] = set()
    out.add(substitute(date(year, 1, 1), out))
    easter = _easter(year)
    out |= {easter - timedelta(days=2), easter + timedelta(days=1)}
    first_may = date(year, 5, 1)
    out.add(first_may + timedelta(days=(7 - first_may.weekday()) % 7))  # first Monday in May
    out.add(monday_on_or_before(date(year, 5, 31)))  # last Monday in May
    out.add(monday_on_or_before(date(year, 8, 31)))  # last Monday in August
    christmas = substitute(date(year, 12, 25), out)
    out.add(christmas)
    out.add(substitute(date(year, 12, 26), out))
    return frozenset(out)


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (before, when negative): Monday to Friday, not a bank holiday."""
    step = 1 if n >= 0 else -1
    d, left = start, abs(n)
    while left:
        d += timedelta(days=step)
        if d.weekday() < 5 and d not in bank_holidays(d.year):
            left -= 1
    return d


def age_on(dob: date, on: date) -> int:
    """Age in whole years on a date (a child born 29 February turns a year older on 1 March)."""
    years = on.year - dob.year
    if (on.month, on.day) < (dob.month, dob.day):
        years -= 1
    return years
