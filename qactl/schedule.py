"""The QA calendar: activities with recurrence rules in YAML, expanded into dated occurrences, and iCalendar.

A schedule file (``schedules/*.yaml``) holds the activities (what, who, when, outcome) and the school
terms and bank holidays their rules count from: term dates vary by council and school (DOMAIN.md §8.2),
so they live in the file, never in the code.

Rules (``when:``), exactly one of:

* ``every: month`` (``day``, ``interval``: every N months counted from January);
* ``every: year`` with ``months: [october, march, june]`` (three times a year in named months; one month: annual);
* ``every: term`` / ``every: half_term`` with ``at: start | end`` (termly: once in each of the three terms;
  half-termly: six times a year);
* ``after: ACTIVITY`` with ``weeks``/``days``: follows each occurrence of another activity;
* ``dates: [...]``: a timetable of given dates.

``weeks``/``days`` shift any rule's dates; ``from``/``until`` bound when the activity runs. A date on
a weekend or bank holiday moves to the next working day (the previous one for ``at: end``), unless
``working_days: false``.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic import Field as PydField

from qactl.errors import ConfigError, Problem, UsageError

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class HalfTerm(_Model):
    """The half-term holiday inside a term (first and last day of the break)."""

    start: date
    end: date


class Term(_Model):
    start: date
    end: date
    half_term: HalfTerm | None = None

    @model_validator(mode="after")
    def _order(self) -> Term:
        if self.end < self.start:
            raise ValueError(f"the term ends ({self.end}) before it starts ({self.start})")
        h = self.half_term
        if h and not (self.start < h.start <= h.end < self.end):
            raise ValueError(
                f"the half-term break {h.start}..{h.end} is not inside the term {self.start}..{self.end}"
            )
        return self


class SchoolYear(_Model):
    year: str = PydField(pattern=r"^\d{4}/\d{2}$", description="as 2025/26")
    autumn: Term
    spring: Term
    summer: Term

    def terms(self) -> list[tuple[str, Term]]:
        return [
            (f"Autumn {self.year}", self.autumn),
            (f"Spring {self.year}", self.spring),
            (f"Summer {self.year}", self.summer),
        ]


class Terms(_Model):
    note: str = "Typical dates for England: replace them with your council's own term dates."
    typical: bool = True
    years: list[SchoolYear] = []


class When(_Model):
    """A recurrence rule. See the module docstring."""

    every: Literal["month", "term", "half_term", "year"] | None = None
    after: str | None = None
    dates: list[date] | None = None
    months: list[int] | None = None
    day: int | Literal["last"] = 1
    interval: int = PydField(default=1, ge=1, le=12)
    at: Literal["start", "end"] = "start"
    weeks: int = 0
    days: int = 0
    from_: date | None = PydField(default=None, alias="from")
    until: date | None = None
    working_days: bool = True

    @field_validator("months", mode="before")
    @classmethod
    def _month_names(cls, v: object) -> object:
        if not isinstance(v, list):
            return v
        out = []
        for m in v:
            if isinstance(m, str) and not m.strip().isdigit():
                n = _MONTHS.get(m.strip().lower())
                if n is None:
                    from difflib import get_close_matches

                    near = get_close_matches(m.strip().lower(), [k for k in _MONTHS if len(k) > 4], n=1)
                    raise ValueError(
                        f"{m!r} is not a month" + (f" (did you mean {near[0]!r}?)" if near else "")
                    )
                out.append(n)
            else:
                out.append(int(m))
        return out

    @model_validator(mode="after")
    def _one_rule(self) -> When:
        kinds = [k for k in ("every", "after", "dates") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "`when` needs exactly one of: every (month, term, half_term, year), after (an activity id) or dates"
            )
        if self.every == "year" and not self.months:
            raise ValueError("`every: year` needs `months`, e.g. [october, march, june]")
        if self.months and self.every != "year":
            raise ValueError("`months` goes with `every: year`")
        for m in self.months or []:
            if not 1 <= m <= 12:
                raise ValueError(f"month {m} is not between 1 and 12")
        if isinstance(self.day, int) and not 1 <= self.day <= 31:
            raise ValueError(f"`day` is a day of the month (1 to 31, or last), found {self.day}")
        return self

    def _shift(self) -> str:
        n = 7 * self.weeks + self.days
        if not n:
            return ""
        amount = (
            f"{abs(n) // 7} week{'s' if abs(n) != 7 else ''}"
            if n % 7 == 0
            else f"{abs(n)} day{'s' if abs(n) != 1 else ''}"
        )
        return f"{amount} {'after' if n > 0 else 'before'}"

    def describe(self) -> str:
        """The rule in words, for the table and the calendar entry."""
        shift = self._shift()
        if self.every == "month":
            base = "monthly" if self.interval == 1 else f"every {self.interval} months"
            return base + (f", {shift} day {self.day}" if shift else "")
        if self.every == "year":
            names = ", ".join(calendar.month_name[m] for m in self.months or [])
            n = len(self.months or [])
            base = {1: "annual", 2: "twice a year", 3: "three times a year"}.get(n, f"{n} times a year")
            return f"{base} ({names})" + (f", {shift}" if shift else "")
        if self.every in ("term", "half_term"):
            base = "termly" if self.every == "term" else "half-termly"
            where = f"the {'half-term' if self.every == 'half_term' else 'term'} {self.at}"
            return f"{base}, {shift} {where}" if shift else f"{base}, at {where}"
        if self.after:
            return f"{shift or 'on the day of'} each {self.after}"
        return "timetable"


class Activity(_Model):
    id: str = PydField(pattern=r"^[a-z][a-z0-9_]*$")
    what: str
    who: str = ""
    when: When
    outcome: str = ""
    detail: str = ""
    command: str = ""  # the qactl command that serves it, if any


class Schedule(_Model):
    title: str
    source: str = ""
    note: str = ""
    terms: Terms = Terms()
    bank_holidays: list[date] = []
    activities: list[Activity] = PydField(min_length=1)

    @model_validator(mode="after")
    def _refs(self) -> Schedule:
        problems: list[str] = []
        ids = [a.id for a in self.activities]
        for a in self.activities:
            if ids.count(a.id) > 1 and a.id not in [
                p.split("'")[1] for p in problems if p.startswith("duplicate")
            ]:
                problems.append(f"duplicate activity id '{a.id}'")
            if a.when.after is not None:
                if a.when.after not in ids:
                    from difflib import get_close_matches

                    near = get_close_matches(a.when.after, ids, n=1)
                    problems.append(
                        f"activity '{a.id}' follows '{a.when.after}', which is not an activity"
                        + (f" (did you mean `{near[0]}`?)" if near else "")
                    )
            if a.when.every in ("term", "half_term") and not self.terms.years:
                problems.append(f"activity '{a.id}' is {a.when.every}ly but the file has no `terms:`")
            if a.when.every == "half_term":
                missing = [y.year for y in self.terms.years for _, t in y.terms() if t.half_term is None]
                if missing:
                    problems.append(
                        f"activity '{a.id}' is half-termly but some terms of {', '.join(sorted(set(missing)))} have no half_term"
                    )
        # cycles among `after`
        by_id = {a.id: a for a in self.activities}
        for a in self.activities:
            seen, cur = [a.id], a
            while cur.when.after and cur.when.after in by_id:
                cur = by_id[cur.when.after]
                if cur.id in seen:
                    problems.append(
                        f"activity '{a.id}' follows itself through {' -> '.join([*seen, cur.id])}"
                    )
                    break
                seen.append(cur.id)
        if problems:
            raise ValueError("\n".join(dict.fromkeys(problems)))
        return self


@dataclass(frozen=True)
class Occurrence:
    date: date
    activity: str
    what: str
    who: str
    outcome: str
    rule: str
    file: str
    detail: str = ""
    command: str = ""

    @property
    def uid(self) -> str:
        """Stable across exports: the same activity on the same date is the same event (re-import updates it)."""
        return f"{self.activity}-{self.date:%Y%m%d}@qactl"


@dataclass
class Calendar:
    start: date
    end: date
    occurrences: list[Occurrence]
    notes: list[str]
    files: list[str]
    titles: list[str]


# ---------------------------------------------------------------- loading


def load_schedule(path: Path) -> Schedule:
    """Load and validate a schedule file; every problem is located as file:line:column."""
    from qactl.yamlio import load_yaml, validate

    root = load_yaml(path, ConfigError)
    if not isinstance(root, dict):
        raise ConfigError(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    "a schedule is a YAML mapping with title, terms, bank_holidays and activities",
                )
            ]
        )
    return validate(Schedule, root, str(path), ConfigError)


def default_files(cwd: Path | None = None) -> list[Path]:
    """``./schedules/*.yaml`` when the current folder has them, else the built-in schedules."""
    local = (cwd or Path.cwd()) / "schedules"
    files = sorted(local.glob("*.y*ml")) if local.is_dir() else []
    if files:
        return files
    from qactl.paths import data_dir

    try:
        return sorted(data_dir("schedules").glob("*.y*ml"))
    except FileNotFoundError:
        return []


# ---------------------------------------------------------------- expanding


def _clamp_day(y: int, m: int, day: int | str) -> date:
    last = calendar.monthrange(y, m)[1]
    return date(y, m, last if day == "last" else min(int(day), last))


def _months_between(start: date, end: date):
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        yield y, m
        m += 1
        if m > 12:
            y, m = y + 1, 1


def _working(d: date, holidays: set[date], backward: bool) -> date:
    step = timedelta(days=-1 if backward else 1)
    while d.weekday() >= 5 or d in holidays:
        d += step
    return d


def _anchors(s: Schedule, a: Activity, start: date, end: date, depth: int = 0) -> list[date]:
    """Dates of an activity's rule (before working-day adjustment) that may fall in [start, end]."""
    w = a.when
    shift = timedelta(days=7 * w.weeks + w.days)
    lo, hi = start - shift - timedelta(days=7), end - shift + timedelta(days=7)
    out: list[date] = []
    if w.dates is not None:
        return list(w.dates)
    if w.every == "month":
        for y, m in _months_between(lo, hi):
            if (m - 1) % w.interval == 0:
                out.append(_clamp_day(y, m, w.day))
    elif w.every == "year":
        for y in range(lo.year, hi.year + 1):
            out += [_clamp_day(y, m, w.day) for m in w.months or []]
    elif w.every == "term":
        for sy in s.terms.years:
            for _, t in sy.terms():
                out.append(t.start if w.at == "start" else t.end)
    elif w.every == "half_term":
        for sy in s.terms.years:
            for _, t in sy.terms():
                h = t.half_term
                assert h is not None  # checked when loading
                if w.at == "start":
                    out += [t.start, h.end + timedelta(days=1)]
                else:
                    out += [h.start - timedelta(days=1), t.end]
    elif w.after:
        other = next(x for x in s.activities if x.id == w.after)
        return [o + shift for o in _dates_of(s, other, lo, hi, depth + 1)]
    return [d + shift for d in out]


def _dates_of(s: Schedule, a: Activity, start: date, end: date, depth: int = 0) -> list[date]:
    holidays = set(s.bank_holidays)
    out = set()
    for d in _anchors(s, a, start, end, depth):
        if a.when.working_days:
            backward = (a.when.at == "end" and a.when.every in ("term", "half_term")) or a.when.day == "last"
            d = _working(d, holidays, backward=backward)
        if a.when.from_ and d < a.when.from_ or a.when.until and d > a.when.until:
            continue
        if start <= d <= end:
            out.add(d)
    return sorted(out)


def _term_span(s: Schedule) -> tuple[date, date] | None:
    terms = [t for y in s.terms.years for _, t in y.terms()]
    if not terms:
        return None
    return min(t.start for t in terms), max(t.end for t in terms)


def expand(schedules: list[tuple[str, Schedule]], start: date, end: date) -> Calendar:
    """Every occurrence of every activity in [start, end], by date then file order."""
    if end < start:
        raise UsageError(f"--to {end:%d/%m/%Y} is before --from {start:%d/%m/%Y}.")
    if (end - start).days > 366 * 5:
        raise UsageError("Show at most five years at a time (--from/--to).")
    seen: dict[str, str] = {}
    occ: list[tuple[date, int, Occurrence]] = []
    notes: list[str] = []
    n = 0
    for name, s in schedules:
        for a in s.activities:
            if a.id in seen:
                raise ConfigError(
                    [
                        Problem(
                            name,
                            None,
                            None,
                            f"the activity id '{a.id}' is also used in {seen[a.id]}; ids must be unique across schedule files",
                        )
                    ]
                )
            seen[a.id] = name
            rule = a.when.describe()
            if a.when.after:
                followed = next(x for x in s.activities if x.id == a.when.after)
                rule = f"{a.when._shift() or 'on the day of'} each {followed.what}"
            for d in _dates_of(s, a, start, end):
                occ.append(
                    (d, n, Occurrence(d, a.id, a.what, a.who, a.outcome, rule, name, a.detail, a.command))
                )
            n += 1
        span = _term_span(s)
        termly = [a.id for a in s.activities if a.when.every in ("term", "half_term")]
        if termly and span and (start < span[0] or end > span[1]):
            notes.append(
                f"{name} has term dates from {span[0]:%d/%m/%Y} to {span[1]:%d/%m/%Y} only; termly activities "
                f"({', '.join(termly)}) are not shown outside them. Add the school years to its `terms:`."
            )
        if s.terms.years and s.terms.typical and termly:
            notes.append(f"{name}: {s.terms.note}")
    occ.sort(key=lambda x: (x[0], x[1]))
    return Calendar(
        start, end, [o for _, _, o in occ], notes, [n for n, _ in schedules], [s.title for _, s in schedules]
    )


def calendar_for(files: list[Path] | None, start: date, end: date) -> Calendar:
    """Load the schedule files (default: ./schedules/, else the built-in ones) and expand them."""
    paths = list(files) if files else default_files()
    if not paths:
        raise UsageError("No schedule files: give one with --file, or put .yaml files in ./schedules/.")
    return expand([(str(p), load_schedule(Path(p))) for p in paths], start, end)


# ---------------------------------------------------------------- iCalendar (RFC 5545)


def _escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets (RFC 5545 §3.1); continuation lines start with a space. Never splits a UTF-8 character."""
    out, cur, size = [], "", 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(cur)
            cur, size = " ", 1
        cur += ch
        size += n
    out.append(cur)
    return out


def to_ics(cal: Calendar, *, stamp: datetime | None = None, name: str = "SEND QA calendar") -> str:
    """The occurrences as an iCalendar document: all-day events, CRLF line endings, folded lines, stable UIDs."""
    from qactl import clock

    stamp = (stamp or clock.now()).astimezone(UTC)
    dtstamp = stamp.strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//qactl//SEND quality assurance calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for o in cal.occurrences:
        parts = (
            f"Who: {o.who}" if o.who else "",
            f"When: {o.rule}",
            o.detail,
            f"Outcome: {o.outcome}" if o.outcome else "",
            f"With: {o.command}" if o.command else "",
        )
        description = "\n".join(x for x in parts if x)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{o.uid}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{o.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{o.date + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(o.what)}",
            f"DESCRIPTION:{_escape(description)}",
            f"CATEGORIES:{_escape('SEND QA')}",
            "TRANSP:TRANSPARENT",
            "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE",
            "SEQUENCE:0",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))


def write_ics(
    cal: Calendar, target: Path, *, stamp: datetime | None = None, inputs: Iterable[Path | None] = ()
) -> None:
    from qactl.sheets.writer import atomic_output

    text = to_ics(cal, stamp=stamp)
    with atomic_output(target, inputs=inputs, option="-o") as tmp:
        tmp.write_bytes(text.encode("utf-8"))
