"""What both scorers share that is not a rule of scoring: the run's context, the tally and its notes, exact rounding,
the messages of the checks, and what an audit's text is redacted of.

:mod:`qactl.scoring.reference` (the rule, step by step) and :mod:`qactl.scoring.score` (the fast path) both use these,
so a message or a note is written once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from qactl import clock
from qactl.dates import format_date
from qactl.errors import Finding
from qactl.privacy import NOTHING, Known, mask, mask_message, redact
from qactl.results import ErrorRecord, Summary
from qactl.rubric.milestones import reason_table
from qactl.rubric.models import STATUTORY_SECTION, TARGET_SECTION, FieldType, Item, Milestone, Rubric
from qactl.scoring.cells import cell_text, field_parser, is_blank, item_parser
from qactl.scoring.mapping import ColumnMap
from qactl.sheets.reader import cell_ref

SECTION_OF_KIND = {"statutory": STATUTORY_SECTION, "target": TARGET_SECTION}


def error_record(f: Finding) -> ErrorRecord:
    """A finding as the scored file keeps it (its ``target`` is the record's ``item``)."""
    return {
        "cell": f.cell,
        "column": f.column,
        "item": f.target,
        "value": f.value,
        "code": f.code,
        "message": f.message,
    }


def kind_of(m: Milestone) -> str:
    """A milestone's kind, ``statutory`` or ``target``: the rubric loader refuses a milestone without one."""
    if m.kind is None:
        raise AssertionError(f"milestone {m.id!r} has no kind: its rubric was not validated")
    return m.kind


FORMS_TIMES = frozenset(("start_time", "completion_time", "last_modified_time"))
FORMS_RESPONDENT = (
    "respondent",
    "respondent_email",
)  # who filled the form in: the auditor, part of an audit's identity
XLSX_CELL_MAX = (
    32_767  # characters in one cell of an .xlsx (Excel's limit): longer text is cut in the .xlsx output only
)
_TENTH = Decimal("0.1")


# ---------------------------------------------------------------- exact arithmetic


def round_half_up(value: Decimal | Fraction) -> float:
    """One decimal place, half up (``Decimal.quantize`` with ``ROUND_HALF_UP``; a Fraction exactly)."""
    if isinstance(value, Fraction):
        return math.floor(value * 10 + Fraction(1, 2)) / 10
    return float(value.quantize(_TENTH, rounding=ROUND_HALF_UP))


def percent_half_up(num: int, den: int) -> float:
    """``100 × num / den`` rounded half up to one decimal, in integers (num, den ≥ 0, den > 0)."""
    return ((2000 * num + den) // (2 * den)) / 10


def as_fraction(x: float) -> Fraction:
    """A number of the rubric (points, weights) as the decimal it was written as (``0.1`` is one tenth, exactly)."""
    return Fraction(Decimal(repr(float(x))))


def item_max(rubric: Rubric, item: Item) -> float:
    """An item's maximum points: its scale's top; for a multi item its cap, else the sum of the positive points."""
    scale = rubric.scales[item.scale]
    if not item.multi:
        return scale.max_points
    return (
        item.max_points
        if item.max_points is not None
        else sum(c.points for c in scale.choices if c.points > 0)
    )


def unit_of(rubric: Rubric) -> int:
    """The power of ten that makes every weight × points of the rubric a whole number (1 for whole points)."""
    places = 0
    for i in rubric.items:
        w = Decimal(repr(float(i.weight)))
        s = rubric.scales[i.scale]
        for v in [
            *(c.points for c in s.choices),
            s.max_points,
            i.max_points or 0,
            sum(c.points for c in s.choices if c.points > 0),
        ]:
            exponent = (w * Decimal(repr(float(v)))).normalize().as_tuple().exponent
            if isinstance(exponent, int):  # not NaN or Infinity, which a validated rubric cannot hold
                places = max(places, -exponent)
    return 10 ** min(places, 9)


# ---------------------------------------------------------------- messages


def future(today: date, what: str, when: date) -> str:
    return (
        f"the {what} {format_date(when)} is in the future (today is {format_date(today)}): "
        "check the year; qactl scores audits that have happened"
    )


def dob_after_audit(dob: date, audit_date: date) -> str:
    return (
        f"the date of birth {format_date(dob)} is after the audit date {format_date(audit_date)}: the child cannot be "
        "born after the audit; check the year"
    )


def blank_message(rubric: Rubric, item: Item) -> str:
    scale = rubric.scales[item.scale]
    words = [c.label for c in scale.choices] + ([scale.na.label] if item.allow_na and scale.na else [])
    expected = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return "this question is required but blank; expected " + expected


# ---------------------------------------------------------------- the tally


@dataclass
class Tally:
    """What the summary needs, accumulated as the audits stream past."""

    data_rows: int = 0  # every row of the sheet after the header, as read
    rows: int = 0  # audits: scored, with errors or duplicates
    scored: int = 0
    with_errors: int = 0
    duplicates: int = 0
    blank_rows: int = 0
    header_rows: int = 0  # the header row pasted again among the data
    long_cells: int = 0  # cells longer than an .xlsx cell can hold
    grades: dict[str, int] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # the rubric's grades, best first
    unrecognised: int = 0  # late dates whose reason is none of the recognised ones
    unrecognised_examples: list[str] = field(default_factory=list)
    not_allowed: int = 0  # late dates whose recognised reason their limit does not allow
    not_allowed_examples: list[str] = field(default_factory=list)
    missing_since: list[str] = field(
        default_factory=list
    )  # questions added since the form was made: no column

    def check(self) -> None:
        """Row accounting, the invariant every output rests on: each data row read is exactly one audit (scored, with
        errors or a duplicate), blank row or repeated header row. Raises if a row was lost or counted twice."""
        audits = self.scored + self.with_errors + self.duplicates
        if audits != self.rows or self.rows + self.blank_rows + self.header_rows != self.data_rows:
            raise RowAccountingError(
                f"row accounting failed: {self.data_rows} rows read, but {self.scored} scored + {self.with_errors} with errors + "
                f"{self.duplicates} duplicates + {self.blank_rows} blank + {self.header_rows} repeated headers"
            )

    def summary(self, extra_columns: list[str]) -> Summary:
        self.check()
        out: Summary = {
            "rows": self.rows,
            "scored": self.scored,
            "with_errors": self.with_errors,
            "grades": {g: self.grades[g] for g in self.order if g in self.grades},
            "duplicates": self.duplicates,
            "blank_rows": self.blank_rows,
            "header_rows": self.header_rows,
            "data_rows": self.data_rows,
            "ignored_columns": extra_columns,
        }
        out["notes"] = self.notes()
        return out

    def notes(self) -> list[str]:
        notes = [self.accounting()]
        if self.duplicates:
            notes.append(
                f"{self.duplicates} row(s) repeat an earlier submission (same child, same auditor, same answers) and are not counted."
            )
        if self.blank_rows:
            notes.append(f"{self.blank_rows} blank row(s) skipped: they are not audits.")
        if self.header_rows:
            notes.append(
                f"{self.header_rows} row(s) repeat the header row (pasted twice?) and are skipped: they are not audits."
            )
        if self.long_cells:
            notes.append(
                f"{self.long_cells} cell(s) hold more than {XLSX_CELL_MAX:,} characters, the most an Excel cell can hold: "
                "an .xlsx output cuts them there and says so in the cell; the .json, .jsonl and .csv outputs keep the whole text."
            )
        if self.unrecognised:
            notes.append(
                f"{self.unrecognised} late date(s) give a reason that is none of the recognised exceptions, so they count as "
                f"late ({'; '.join(self.unrecognised_examples)}). If one is a recognised exception written another way, "
                "choose it from the list (or add the spelling to the reason's aliases in the rubric)."
            )
        if self.not_allowed:
            notes.append(
                f"{self.not_allowed} late date(s) give an exception that their time limit does not allow (a local target "
                f"allows none), so they count as late ({'; '.join(self.not_allowed_examples)})."
            )
        if self.missing_since:
            notes.append(
                "The export has no column for "
                + "; ".join(self.missing_since)
                + ": questions added to the rubric "
                "after this form was made. They are left out of these audits' scores; add them to the form."
            )
        return notes

    def accounting(self) -> str:
        """Every row read, and what it became: the sentence the summary and the command show."""
        parts = [f"{self.scored} scored", f"{self.with_errors} with errors"]
        parts += [
            f"{n} {what}"
            for n, what in (
                (self.duplicates, "duplicate(s)"),
                (self.blank_rows, "blank"),
                (self.header_rows, "repeated header(s)"),
            )
            if n
        ]
        return f"Every row accounted for: {self.data_rows} row(s) read = " + " + ".join(parts) + "."


class RowAccountingError(AssertionError):
    """A row lost or counted twice: a bug in qactl, never the input's fault (so not a QactlError)."""


# ---------------------------------------------------------------- the run's context


@dataclass
class Context:
    """One rubric and one export's columns, with the run's options: what every step of scoring reads."""

    rubric: Rubric
    cmap: ColumnMap
    sheet: str
    key: bytes
    audit_date: date | None  # --audit-date
    include_pii: bool
    today: date
    col: dict[str, int]  # target id → column
    unit: int
    tally: Tally
    reasons: dict[str, str]  # every spelling of a recognised reason → its id
    free_fields: frozenset[
        str
    ]  # free-text fields that are not pii but may name the child (a reason): redacted too
    pii_plan: list[
        tuple[str, int | None, FieldType]
    ]  # what text is redacted of: each pii field, its column and type
    probe: (
        tuple[int, str] | None
    )  # a column whose header no answer can be, to spot the header row pasted again
    parsers: dict[str, Any]  # field or item id → its cell parser (qactl.scoring.cells), built once

    @classmethod
    def build(
        cls,
        rubric: Rubric,
        cmap: ColumnMap,
        *,
        sheet: str,
        key: bytes,
        audit_date: date | None = None,
        include_pii: bool = False,
        today: date | None = None,
    ) -> Context:
        col = {t.id: c for c, t in cmap.targets.items()}
        tally = Tally(order=[b.grade for b in rubric.grading.bands])
        tally.missing_since = [
            f"{i.text!r} (added in version {i.since})" for i in rubric.items if i.since and i.id not in col
        ]
        probe = next((c for c in sorted(cmap.targets) if cmap.headers[c]), None)
        unit = unit_of(rubric)
        return cls(
            rubric,
            cmap,
            sheet,
            key,
            audit_date,
            include_pii,
            today or clock.today(),
            col,
            unit,
            tally,
            reason_table(rubric.exceptions),
            frozenset(
                f.id for f in rubric.fields if not f.pii and f.role == "reason" and f.type == FieldType.text
            ),
            [(f.id, col.get(f.id), f.type) for f in rubric.fields if f.pii],
            (probe, cmap.headers[probe]) if probe is not None else None,
            {
                **{f.id: field_parser(f) for f in rubric.fields},
                **{i.id: item_parser(i, rubric.scales[i.scale], unit) for i in rubric.items},
            },
        )

    @property
    def latest(self) -> date:
        """An audit date after this is in the future (a day's grace for time zones)."""
        return self.today + timedelta(days=1)

    def cell_ref(self, row: int, c: int) -> str:
        return cell_ref(self.sheet, row, c)

    def is_header(self, values: list[Any]) -> bool:
        """Whether a row repeats the header row (most of its non-empty headers, cell for cell)."""
        if self.probe is None:
            return False
        c, text = self.probe
        v = values[c]
        if type(v) is not str or v.strip() != text:
            return False
        headers = self.cmap.headers
        named = [k for k, h in enumerate(headers) if h]
        same = sum(1 for k in named if cell_text(values[k]) == headers[k])
        return same * 5 >= len(named) * 4


class Refused(NamedTuple):
    """A late date whose reason did not excuse it: for the run's notes."""

    check: str  # "unrecognised" or "not_allowed"
    field: str | None  # the field the reason was read from
    text: Any  # the reason as written
    milestone: Any


def note_reason(ctx: Context, row: int, refused: Refused) -> None:
    """Count a late date whose reason did not excuse it, keeping three examples (cell, what was written) for the notes."""
    check, field_id, text, m = refused
    t = ctx.tally
    c = ctx.col.get(field_id) if field_id else None
    where = ctx.cell_ref(row, c) if c is not None else f"row {row}"
    if check == "unrecognised":
        t.unrecognised += 1
        if len(t.unrecognised_examples) < 3:
            t.unrecognised_examples.append(f"{where} {str(text).strip()[:60]!r}")
    else:
        t.not_allowed += 1
        if len(t.not_allowed_examples) < 3:
            limit = "a local target" if m.kind == "target" else (m.citation or m.id)
            t.not_allowed_examples.append(f"{where}: {m.text[:40]!r}, {limit}")


# ---------------------------------------------------------------- what an audit's text is redacted of


def known_of(ctx: Context, parsed: dict[str, Any], values: list[Any]) -> Known:
    """What this audit's text is redacted of: its pii fields' values (as read, or as written when unreadable)."""
    names: list[Any] = []
    numbers: list[Any] = []
    dobs: list[date] = []
    literals: list[str] = []
    for fid, c, ftype in ctx.pii_plan:
        v = parsed.get(fid)
        if v is None:
            raw = None if c is None else values[c]
            if not is_blank(
                raw
            ):  # written but unreadable (a mistyped NHS number, 31/02/2015): taken out as written
                literals.append(cell_text(raw))
                if ftype is FieldType.nhs_number:
                    numbers.append(cell_text(raw))
        elif ftype is FieldType.date:
            dobs.append(v)
        elif ftype is FieldType.nhs_number:
            numbers.append(v)
        elif ftype is FieldType.text:
            names.append(v)
        else:
            literals.append(str(v))
    if not (names or numbers or dobs or literals):
        return NOTHING
    return Known.of(names, numbers, dobs, literals)


def private_findings(ctx: Context, findings: list[Finding], known: Known) -> None:
    """Error records without --include-pii: a pii field's value masked (its shape kept: what to fix is still
    clear), any other value and message redacted of the audit's child."""
    types = {fid: ftype for fid, _, ftype in ctx.pii_plan}
    for f in findings:
        ftype = types.get(f.target)
        if ftype is not None:
            letters = ftype is FieldType.date  # a month's name is not personal, and its typo is what to fix
            f.message = mask_message(f.message, f.value, letters=letters)
            f.value = mask(f.value, letters=letters)
        else:
            f.value, f.message = redact(f.value, known), redact(f.message, known)
