"""Dates as England writes them: day first, Excel serials and datetimes, and statutory arithmetic.

Pure functions, shared by scoring, allocation, timelines and schedules so that they never disagree.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

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
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?)?$")
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
        d, mon, y = m.groups()
        mo = _MONTHS.get(mon.lower())
        if mo:
            return _make(int(y), mo, int(d), text)
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
    """The statutory due date: start plus 7 × weeks + days (a date on the due date is on time)."""
    d = add_months(start, months) if months else start
    return d + timedelta(days=7 * weeks + days)


def age_on(dob: date, on: date) -> int:
    """Age in whole years on a date (a child born 29 February turns a year older on 1 March)."""
    years = on.year - dob.year
    if (on.month, on.day) < (dob.month, dob.day):
        years -= 1
    return years
