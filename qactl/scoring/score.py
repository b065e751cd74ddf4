"""Scoring one audit row: the score rule, sections, grade bands and limits, milestones, duplicates.

``score = 100 × Σ(weight × points) / Σ(weight × maximum points)`` over the items that apply, computed
exactly (weight × points scaled to whole numbers, summed as integers, divided as fractions) and rounded to
one decimal place **half up** (86.25 → 86.3, as a person rounds, not Python's half-to-even). Not applicable answers, items whose ``applies_if`` is false (the
answer is kept, ``applies`` false) and blank optional items are out of the denominator.

With ``grading.section_weights`` the overall score is ``Σ w_s × section% / Σ w_s`` over the sections that
have an applicable criterion (a section not listed weighs 1), each section% unrounded. With
``method: compliance`` each milestone is one more criterion worth 1, in the section "Statutory time limits" or
"Local targets" by its kind: on time = 1, late or missing = 0; excused (an exception its limit allows), not yet
due, unknown and not applicable are out. The grade is the first band whose ``min`` the score reaches (with
``method: rag``, the first band whose red and amber counts the answers do not exceed), then capped by every
limit that fires. Milestones are judged by :mod:`qactl.rubric.milestones` (due dates, reasons per limit,
outcomes that end a process lawfully).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from qactl import clock
from qactl.dates import format_date
from qactl.errors import Finding
from qactl.privacy import NOTHING, Known, RefMaker, mask, mask_message, redact
from qactl.results import Audit, Shared, Summary
from qactl.rubric.conditions import holds
from qactl.rubric.milestones import DueDates, judge, match_reasons, reason_table, yes_no
from qactl.rubric.models import STATUTORY_SECTION, TARGET_SECTION, FieldType, Item, Role, Rubric, reason_key
from qactl.scoring.cells import cell_text, date_cell, field_parser, is_blank, item_parser, normalise_text
from qactl.scoring.mapping import ColumnMap
from qactl.sheets.reader import excel_error_of

TIMELINESS = STATUTORY_SECTION  # qactl 0.1 had one "Timeliness" section; now statutory limits and local targets apart
SECTION_OF_KIND = {"statutory": STATUTORY_SECTION, "target": TARGET_SECTION}
_MEMO_MAX = 1 << 16  # distinct raw values remembered per column
_FORMS_TIMES = frozenset(("start_time", "completion_time", "last_modified_time"))
_FORMS_RESPONDENT = ("respondent", "respondent_email")  # who filled the form in: the auditor, part of an audit's identity
XLSX_CELL_MAX = 32_767  # characters in one cell of an .xlsx (Excel's limit): longer text is cut in the .xlsx output only
_TENTH = Decimal("0.1")


def round_half_up(value: Decimal | Fraction) -> float:
    """One decimal place, half up (``Decimal.quantize`` with ``ROUND_HALF_UP``; a Fraction exactly)."""
    if isinstance(value, Fraction):
        return math.floor(value * 10 + Fraction(1, 2)) / 10
    return float(value.quantize(_TENTH, rounding=ROUND_HALF_UP))


def percent_half_up(num: int, den: int) -> float:
    """``100 × num / den`` rounded half up to one decimal, in integers (num, den ≥ 0, den > 0)."""
    return ((2000 * num + den) // (2 * den)) / 10


def unit_of(rubric: Rubric) -> int:
    """The power of ten that makes every weight × points of the rubric a whole number (1 for whole points)."""
    places = 0
    for i in rubric.items:
        w = Decimal(repr(float(i.weight)))
        s = rubric.scales[i.scale]
        for v in [*(c.points for c in s.choices), s.max_points, i.max_points or 0, sum(c.points for c in s.choices if c.points > 0)]:
            places = max(places, -(w * Decimal(repr(float(v)))).normalize().as_tuple().exponent)
    return 10 ** min(places, 9)


_DECIMALS: dict[float, Decimal] = {}


def _d(x: float) -> Decimal:
    """A float of the rubric (points, weights) as the Decimal it was written as (``0.1`` → ``Decimal('0.1')``); cached."""
    d = _DECIMALS.get(x)
    if d is None:
        d = _DECIMALS[x] = Decimal(repr(x)) if isinstance(x, float) else Decimal(x)
    return d


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
    missing_since: list[str] = field(default_factory=list)  # questions added since the form was made: no column

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
        out: dict[str, Any] = {
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
        notes = [self.accounting()]
        if self.duplicates:
            notes.append(f"{self.duplicates} row(s) repeat an earlier submission (same child, same auditor, same answers) and are not counted.")
        if self.blank_rows:
            notes.append(f"{self.blank_rows} blank row(s) skipped: they are not audits.")
        if self.header_rows:
            notes.append(f"{self.header_rows} row(s) repeat the header row (pasted twice?) and are skipped: they are not audits.")
        if self.long_cells:
            notes.append(f"{self.long_cells} cell(s) hold more than {XLSX_CELL_MAX:,} characters, the most an Excel cell can hold: "
                         "an .xlsx output cuts them there and says so in the cell; the .json, .jsonl and .csv outputs keep the whole text.")
        if self.unrecognised:
            notes.append(f"{self.unrecognised} late date(s) give a reason that is none of the recognised exceptions, so they count as "
                         f"late ({'; '.join(self.unrecognised_examples)}). If one is a recognised exception written another way, "
                         "choose it from the list (or add the spelling to the reason's aliases in the rubric).")
        if self.not_allowed:
            notes.append(f"{self.not_allowed} late date(s) give an exception that their time limit does not allow (a local target "
                         f"allows none), so they count as late ({'; '.join(self.not_allowed_examples)}).")
        if self.missing_since:
            notes.append("The export has no column for " + "; ".join(self.missing_since) + ": questions added to the rubric "
                         "after this form was made. They are left out of these audits' scores; add them to the form.")
        out["notes"] = notes
        return out  # type: ignore[return-value]

    def accounting(self) -> str:
        """Every row read, and what it became: the sentence the summary and the command show."""
        parts = [f"{self.scored} scored", f"{self.with_errors} with errors"]
        parts += [f"{n} {what}" for n, what in ((self.duplicates, "duplicate(s)"), (self.blank_rows, "blank"),
                                                  (self.header_rows, "repeated header(s)")) if n]
        return f"Every row accounted for: {self.data_rows} row(s) read = " + " + ".join(parts) + "."


class RowAccountingError(AssertionError):
    """A row lost or counted twice: a bug in qactl, never the input's fault (so not a QactlError)."""


_MISSING = object()


class MemoCondition:
    """``holds(cond, …)`` remembered on the values the condition reads (its fields, its items' labels, and the audit
    date when it has an age): a limit or ``applies_if`` is evaluated once per distinct combination, not once per row."""

    __slots__ = ("cond", "dated", "direct", "fields", "items", "memo")

    def __init__(self, cond: Any) -> None:
        fields: list[str] = []
        items: list[str] = []
        ages: list[bool] = []
        wide: list[bool] = []

        def walk(c: Any) -> None:
            for sub in [*(c.all or ()), *(c.any or ())]:
                walk(sub)
            if c.not_ is not None:
                walk(c.not_)
            if c.field is not None:
                fields.append(c.field)
            if c.item is not None:
                items.append(c.item)
            if c.age_at_least is not None or c.age_below is not None:
                ages.append(True)
            if c.items is not None or c.milestone is not None or c.breach is not None:
                wide.append(True)

        walk(cond)
        self.cond, self.fields, self.items = cond, tuple(dict.fromkeys(fields)), tuple(dict.fromkeys(items))
        self.dated = bool(ages)  # only an age reads the audit date
        self.direct = bool(wide)  # reads every item or every date: not worth remembering
        self.memo: dict[tuple, bool | None] = {}

    def __call__(self, fields: dict[str, Any], labels: dict[str, str | None], audit_date: date | None, **ctx: Any) -> bool | None:
        if self.direct:
            return holds(self.cond, fields, labels, audit_date, **ctx)
        key = (audit_date if self.dated else None, *[fields.get(f) for f in self.fields], *[labels.get(i) for i in self.items])
        try:
            hit = self.memo.get(key, _MISSING)
        except TypeError:  # a value that cannot be a key
            return holds(self.cond, fields, labels, audit_date)
        if hit is _MISSING:
            hit = holds(self.cond, fields, labels, audit_date)
            if len(self.memo) < _MEMO_MAX:
                self.memo[key] = hit
        return hit


class Scorer:
    """Built once per rubric and export (parsers per column), then called once per row."""

    def __init__(self, rubric: Rubric, cmap: ColumnMap, *, sheet: str, key: bytes,
                 audit_date: date | None = None, include_pii: bool = False, today: date | None = None) -> None:
        from qactl.sheets.reader import cell_ref

        self.rubric, self.cmap, self.sheet = rubric, cmap, sheet
        self.key, self.fixed_date, self.include_pii = key, audit_date, include_pii
        self._ref = RefMaker(key)
        # what comments and error records are redacted of: the audit's pii fields (qactl.privacy.redact)
        col_of = {t.id: c for c, t in cmap.targets.items()}
        self._pii_plan = [(f.id, col_of.get(f.id), f.type) for f in rubric.fields if f.pii]
        self._pii_types = {f.id: f.type for f in rubric.fields if f.pii}
        # free-text fields that are not pii but may name the child (the reason for a late milestone): redacted too
        self._free_fields = frozenset(f.id for f in rubric.fields if not f.pii and f.role == "reason" and f.type == FieldType.text)
        self.today = today or clock.today()
        self.cell_ref = cell_ref
        self.width = len(cmap.headers)
        self.tally = Tally(order=[b.grade for b in rubric.grading.bands])
        self._seen: dict[int, int] = {}
        col = {t.id: c for c, t in cmap.targets.items()}
        self.field_cols = [(f, col.get(f.id), field_parser(f)) for f in rubric.fields]
        self.unit = unit_of(rubric)
        self.item_cols = [(i, col.get(i.id), item_parser(i, rubric.scales[i.scale], self.unit), rubric.scales[i.scale]) for i in rubric.items]
        self.item_max = {i.id: (i.max_points if i.multi and i.max_points is not None else
                                (sum(c.points for c in s.choices if c.points > 0) if i.multi else s.max_points))
                         for i, _, _, s in self.item_cols}
        self.item_wmax = {i.id: int(_d(float(i.weight)) * _d(float(self.item_max[i.id])) * self.unit) for i in rubric.items}
        self.section_order = [*rubric.sections, *rubric.milestone_sections]
        self.milestone_cols = [(m, col.get(m.id)) for m in rubric.milestones]
        # reasons: each milestone's own reason field when its column is there, else the audit's one reason field
        self.reason_table = reason_table(rubric.exceptions)
        self.audit_reason = rubric.exceptions.field if rubric.exceptions and rubric.exceptions.field in col else None
        self.own_reason = {m.id: m.reason for m in rubric.milestones if m.reason and m.reason in col}
        self._reasons_memo: dict[Any, tuple[list[str], list[str]]] = {}
        self.outcome_field = rubric.outcomes.field if rubric.outcomes else None
        self.endings = {reason_key(w): e for e in (rubric.outcomes.ends if rubric.outcomes else []) for w in (e.answer, *e.aliases)}
        self.kinds = {m.id: m.kind for m in rubric.milestones}
        self.due_dates = DueDates(rubric)
        self.rag = rubric.grading.method == "rag"
        self.rag_of = {i.id: (i.section, rubric.scales[i.scale].min_points, rubric.scales[i.scale].max_points) for i in rubric.items}
        self.item_sections = {i.id: i.section for i in rubric.items}
        self.wide_limits = any(c.items is not None for lim in rubric.grading.limits for c in lim.if_.subjects())
        self.col = col
        missing_since = [i for i in rubric.items if i.since and i.id not in col]
        if missing_since:
            self.tally.missing_since = [f"{i.text!r} (added in version {i.since})" for i in missing_since]
        self.comment_cols = [(c, col.get(c.id)) for c in rubric.comments]
        self.forms_cols = list(cmap.forms.items())
        self.completion_col = cmap.forms_column("completion_time")
        self.extra_cols = list(cmap.extra.items())
        self.target_cols = sorted(cmap.targets)
        self.weights = rubric.grading.section_weights
        self.compliance = rubric.grading.method == "compliance"
        self._section_memo: dict[tuple[str, float], Shared] = {}  # (section, score) → its result; at most 1,001 per section
        self.grade_rank = {b.grade: k for k, b in enumerate(rubric.grading.bands)}
        self._grade_of: dict[float, str] = {}  # score → band; at most 1,001 scores
        self._applies = {i.id: MemoCondition(i.applies_if) for i in rubric.items if i.applies_if is not None}
        self._applies.update({m.id: MemoCondition(m.applies_if) for m in rubric.milestones if m.applies_if is not None})
        self._limits = [(MemoCondition(lim.if_), lim.max_grade) for lim in rubric.grading.limits]
        # per column, built once: the parser, a memo of raw cell → result, and what the row loop needs of the item
        self.item_plan = [(i, c, parse, {}, self.item_max[i.id], self.item_wmax[i.id], i.section, i.applies_if is not None, i.required)
                          for i, c, parse, _ in self.item_cols]
        self.blank_message = {i.id: "this question is required but blank; expected " + _or(rubric.scales[i.scale], i.allow_na)
                              for i in rubric.items}
        self.field_plan = [(f, c, parse, {} if f.type == FieldType.date else None) for f, c, parse in self.field_cols]
        # plausibility: dates of birth, and the audit date's own column
        self.dob_cols = [(f.id, c) for f, c, _ in self.field_cols if c is not None and f.role == Role.dob and f.type == FieldType.date]
        self.audit_date_col = col.get(rubric.audit_date) if rubric.audit_date else None
        self.latest = self.today + timedelta(days=1)  # an audit date after this is in the future (a day's grace for time zones)
        # an audit's identity for duplicates: the child (ref), every answer and field, and who filled the form in
        self.respondent_cols = [c for c, k in cmap.forms.items() if k in _FORMS_RESPONDENT]
        # the header row pasted among the data: probed on one column whose header is text no answer can be
        probe = next((c for c in sorted(cmap.targets) if cmap.headers[c]), None)
        self._probe = (probe, cmap.headers[probe]) if probe is not None else None

    # ---- one row ----
    def _item_entry(self, k: int, raw: Any) -> tuple:
        """What one raw cell of item ``k`` gives, memoised per column (answers repeat: most cells are one dict look-up).

        ``(answer, problem, label, result_if_applies, result_if_not, weighted)``; the result dicts are built once per
        distinct answer and shared by every audit that gave it (nothing downstream mutates them).
        """
        item, c, parse, memo, top = self.item_plan[k][:5]
        ans, prob = parse(raw)
        iid = item.id
        if ans is None:
            entry = (None, prob, None, None, Shared.of(iid, {"answer": None, "points": None, "max": top, "applies": False}, (None, None)), 0)
        else:
            label = ans.label
            out = Shared.of(iid, {"answer": label, "points": None, "max": top, "applies": False}, (label, None))
            if ans.na:
                entry = (ans, prob, label, None, out, 0)
            else:
                entry = (ans, prob, label, Shared.of(iid, {"answer": label, "points": ans.points, "max": top, "applies": True}, (label, ans.points)),
                         out, ans.weighted)
        if (raw is None or type(raw) is str) and len(memo) < _MEMO_MAX:
            memo[raw] = entry
        return entry

    def _is_header(self, values: list[Any]) -> bool:
        """Whether a row repeats the header row (most of its non-empty headers, cell for cell)."""
        c, text = self._probe  # type: ignore[misc]
        v = values[c]
        if type(v) is not str or v.strip() != text:
            return False
        headers = self.cmap.headers
        named = [k for k, h in enumerate(headers) if h]
        same = sum(1 for k in named if cell_text(values[k]) == headers[k])
        return same * 5 >= len(named) * 4

    def audit(self, row: int, values: list[Any]) -> Audit | None:
        """The audit of one data row, or ``None`` for a fully blank row or a repeat of the header row (not audits).

        Every call is one data row read, and ends in exactly one of the tally's counts (:meth:`Tally.check`).
        """
        self.tally.data_rows += 1
        for v in values:
            if v is not None and (type(v) is not str or v.strip()):
                break
        else:
            self.tally.blank_rows += 1
            return None
        if len(values) < self.width:
            values = [*values, *([None] * (self.width - len(values)))]
        if self._probe is not None and self._is_header(values):
            self.tally.header_rows += 1
            return None

        def cell(c: int | None) -> Any:
            return None if c is None else values[c]

        findings: list[Finding] = []

        def problem(c: int, target: str, raw: Any, code: str, message: str) -> None:
            findings.append(Finding(self.cell_ref(self.sheet, row, c), self.cmap.headers[c], target, cell_text(raw)[:200], message, code))

        # fields
        parsed: dict[str, Any] = {}
        doubtful: list[str] = []  # fields with a value and a problem: kept for the ref, used for nothing else
        for f, c, parse, memo in self.field_plan:
            if c is None:
                parsed[f.id] = None
                continue
            raw = values[c]
            hit = memo.get(raw) if memo is not None and (type(raw) is str or raw is None) else None
            if hit is None:
                hit = parse(raw)
                if memo is not None and (type(raw) is str or raw is None) and len(memo) < _MEMO_MAX:
                    memo[raw] = hit
            value, prob = hit
            if prob:
                problem(c, f.id, raw, *prob)
                if value is not None:
                    doubtful.append(f.id)
            elif value is None and f.required:
                problem(c, f.id, raw, "blank", f"{f.text!r} is required but blank")
            parsed[f.id] = value
        forms: dict[str, Any] = {}
        for c, key in self.forms_cols:
            raw = values[c]
            if key in _FORMS_TIMES:
                forms[key] = raw.isoformat(sep=" ") if isinstance(raw, datetime) else (None if is_blank(raw) else cell_text(raw))
            else:
                forms[key] = None if raw is None or (type(raw) is str and not raw.strip()) else cell_text(raw)

        # audit date: --audit-date, the rubric's audit_date field, Forms completion time, today; never in the future
        audit_date = self.fixed_date
        if audit_date is None and self.rubric.audit_date and self.rubric.audit_date not in doubtful:
            audit_date = parsed.get(self.rubric.audit_date)
            if audit_date is not None and audit_date > self.latest:
                c = self.audit_date_col
                problem(c, self.rubric.audit_date, values[c], "future_audit_date", self._future("audit date", audit_date))
                doubtful.append(self.rubric.audit_date)
                audit_date = None
        if audit_date is None and self.completion_col is not None:
            raw = cell(self.completion_col)
            audit_date, prob = date_cell(raw)
            if prob:
                problem(self.completion_col, "completion_time", raw, *prob)
                audit_date = None
            elif audit_date is not None and audit_date > self.latest:
                problem(self.completion_col, "completion_time", raw, "future_audit_date", self._future("completion time", audit_date))
                audit_date = None
        if audit_date is None:
            audit_date = self.today
        for fid, c in self.dob_cols:
            dob = parsed.get(fid)
            if dob is None or fid in doubtful:
                continue
            if dob > self.today:
                problem(c, fid, values[c], "dob_in_future", self._future("date of birth", dob))
                doubtful.append(fid)
            elif dob > audit_date:
                problem(c, fid, values[c], "dob_after_audit", f"the date of birth {format_date(dob)} is after the audit date "
                        f"{format_date(audit_date)}: the child cannot be born after the audit; check the year")
                doubtful.append(fid)
        ident = [parsed.get(i) for i in self.rubric.identify]  # as read: refs never depend on these checks
        for fid in doubtful:
            parsed[fid] = None  # an implausible date drives no condition (an age of 125 makes no 14+ item apply)

        # items: one look-up per cell; items with an applies_if wait until every label is known
        answers: dict[str, Any] = {}
        labels: dict[str, str | None] = {}
        sec_num: dict[str, int] = {}
        sec_den: dict[str, int] = {}
        blanks: list[tuple[int, int, Item, Any]] = []  # required items left blank: reported after the answers' problems
        conditional: list[tuple[int, Any, tuple]] = []
        item_entry = self._item_entry
        for k, (item, c, _, memo, _, wmax, sec, cond, required) in enumerate(self.item_plan):
            raw = None if c is None else values[c]
            e = memo.get(raw) if raw is None or type(raw) is str else None
            if e is None:
                e = item_entry(k, raw)
            iid = item.id
            if e[1]:
                problem(c, iid, raw, *e[1])  # type: ignore[arg-type]
            labels[iid] = e[2]
            if cond:
                answers[iid] = None  # keeps the item order; filled below
                conditional.append((k, raw, e))
                continue
            yes = e[3]
            if yes is None:
                if e[0] is None and required and c is not None and is_blank(raw):
                    blanks.append((k, c, item, raw))
                answers[iid] = e[4]
                continue
            answers[iid] = yes
            if sec in sec_num:
                sec_num[sec] += e[5]
                sec_den[sec] += wmax
            else:
                sec_num[sec] = e[5]
                sec_den[sec] = wmax
        for k, raw, e in conditional:
            item, c, _, _, _, wmax, sec, _, required = self.item_plan[k]
            applies = self._applies[item.id](parsed, labels, audit_date) is not False
            if e[0] is None:
                if applies and required and c is not None and is_blank(raw):
                    blanks.append((k, c, item, raw))
                answers[item.id] = e[4]
            elif e[3] is None or not applies:
                answers[item.id] = e[4]
            else:
                answers[item.id] = e[3]
                sec_num[sec] = sec_num.get(sec, 0) + e[5]
                sec_den[sec] = sec_den.get(sec, 0) + wmax
        if blanks:
            blanks.sort(key=lambda b: b[0])
            for _, c, item, raw in blanks:
                problem(c, item.id, raw, "blank", self.blank_message[item.id])

        # milestones
        milestones: dict[str, Any] = {}
        statuses: dict[str, str] = {}
        refused: list[tuple] = []  # late dates whose reason did not excuse them, for the notes (not for duplicates)
        ending = None
        if self.milestone_cols:
            known: dict[str, Any] = dict(parsed)
            actual: dict[str, date | None] = {}
            for m, c in self.milestone_cols:
                raw = cell(c)
                d, prob = date_cell(raw)
                if prob and c is not None:
                    problem(c, m.id, raw, *prob)
                    d = None
                actual[m.id] = d
                if d is not None:
                    known[m.id] = d
            dues = self.due_dates(known, audit_date)
            if self.outcome_field is not None:
                said = parsed.get(self.outcome_field)
                ending = self.endings.get(reason_key(said)) if said not in (None, "") else None
            shared_reason = parsed.get(self.audit_reason) if self.audit_reason else None
            for m, _ in self.milestone_cols:
                mid = m.id
                if ending is not None and mid in ending.not_applicable:
                    r = {"status": "not_applicable", "days_late": None, "reason": None, "excused_under": None, "reason_check": None,
                         "ended_by": ending.answer}
                elif m.applies_if is not None and self._applies[mid](parsed, labels, audit_date) is False:
                    r = {"status": "not_applicable", "days_late": None, "reason": None, "excused_under": None, "reason_check": None}
                else:
                    own = self.own_reason.get(mid)
                    text = parsed.get(own) if own is not None else None
                    if text is None or not str(text).strip():
                        own, text = self.audit_reason, shared_reason
                    ids, unknown = self._reasons(text)
                    answer = yes_no(parsed.get(m.on_time_field)) if m.on_time_field else None
                    r = judge(m, dues[mid], actual[mid], audit_date, reasons=ids, reason_given=bool(ids or unknown), on_time_answer=answer)
                    if r["basis"] == "dates":
                        del r["basis"]
                    check = r["reason_check"]
                    if check in ("unrecognised", "not_allowed"):
                        refused.append((check, own, text, m))
                st = r["status"]
                statuses[mid] = st
                milestones[mid] = {"due": _iso(dues[mid]), "actual": _iso(actual[mid]), "kind": m.kind, "citation": m.citation, **r}
                if self.compliance and st in ("on_time", "late", "missing"):
                    sec = SECTION_OF_KIND[m.kind]
                    sec_num[sec] = sec_num.get(sec, 0) + (self.unit if st == "on_time" else 0)
                    sec_den[sec] = sec_den.get(sec, 0) + self.unit

        # ref, comments, fields kept; without --include-pii, comments redacted of the audit's own child
        ref = self._ref(ident)
        private = not self.include_pii
        known: Known | None = None  # built on the first text that needs it
        comments: dict[str, str] = {}
        for cm, c in self.comment_cols:
            raw = cell(c)
            if not is_blank(raw):
                err = excel_error_of(raw)
                if err is not None:
                    problem(c, cm.id, raw, *err.problem())  # type: ignore[arg-type]
                    continue
                if cm.pii and private:
                    continue  # a comment the rubric marks pii (a contact's name and number) leaves no output
                text = cell_text(raw)
                if len(text) > XLSX_CELL_MAX:
                    self.tally.long_cells += 1
                if private:
                    if known is None:
                        known = self._known(parsed, values)
                    text = redact(text, known)
                comments[cm.id] = text
        fields_out: dict[str, Any] = {}
        for f, c, _ in self.field_cols:
            if c is None or (f.pii and private):
                continue
            v = parsed[f.id]
            if (v is None or f.id in doubtful) and not is_blank(cell(c)):
                v = cell_text(cell(c))  # keep what was written, even when it did not parse
            if private and v and f.id in self._free_fields:
                if known is None:
                    known = self._known(parsed, values)
                v = redact(v, known)
            fields_out[f.id] = v.isoformat() if isinstance(v, date) else v
        for key, v in forms.items():
            fields_out[key] = v
        if self.include_pii:
            for c, header in self.extra_cols:
                if not is_blank(cell(c)):
                    fields_out[header] = cell_text(cell(c))

        if findings and private:
            self._private(findings, known or self._known(parsed, values))
        audit: dict[str, Any] = {
            "row": row, "ref": ref, "status": "scored", "score": None, "grade": None,
            "audit_date": audit_date.isoformat(), "sections": {}, "answers": answers,
            "milestones": milestones, "fields": fields_out, "comments": comments,
            "errors": [f.as_dict() for f in findings],
        }
        if self.outcome_field is not None:
            audit["outcome"] = ending.answer if ending is not None else None
        self.tally.rows += 1
        dup_of = self._duplicate(ref, values, row)
        for check, own, text, m in refused if dup_of is None else ():
            self._note_reason(check, row, own, text, m)
        if dup_of is not None:
            audit["status"] = "duplicate"
            audit["duplicate_of"] = dup_of
            self.tally.duplicates += 1
            return audit  # type: ignore[return-value]
        if findings:
            audit["status"] = "error"
            self.tally.with_errors += 1
            return audit  # type: ignore[return-value]
        self._grade(audit, sec_num, sec_den, parsed, labels, audit_date, statuses)
        self.tally.scored += 1
        if audit["grade"] is not None:
            self.tally.grades[audit["grade"]] = self.tally.grades.get(audit["grade"], 0) + 1
        return audit  # type: ignore[return-value]

    # ---- helpers ----
    def _grade(self, audit: dict, num: dict[str, int], den: dict[str, int], parsed, labels, audit_date, statuses) -> None:
        grading = self.rubric.grading
        used: list[str] = []
        sections = audit["sections"]
        memo = self._section_memo
        rag = self._rag_counts(audit["answers"]) if self.rag else None
        for s in self.section_order:
            if den.get(s):
                used.append(s)
                sc = percent_half_up(num[s], den[s])
                if rag is not None:
                    red, amber = rag.get(s, (0, 0))
                    d = Shared.of(s, {"score": sc, "grade": grading.grade_for_rag(red, amber)})
                else:
                    d = memo.get((s, sc))
                    if d is None:
                        d = memo[(s, sc)] = Shared.of(s, {"score": sc, "grade": grading.grade_for(sc)})
                sections[s] = d
        if not used:
            return
        if self.weights:
            ws = {s: Fraction(Decimal(repr(float(self.weights.get(s, 1.0))))) for s in used}
            wsum = sum(ws.values())
            if not wsum:
                return
            score = round_half_up(sum(ws[s] * Fraction(100 * num[s], den[s]) for s in used) / wsum)
        else:
            score = percent_half_up(sum(num[s] for s in used), sum(den[s] for s in used))
        if rag is not None:
            red, amber = rag.get(None, (0, 0))
            grade = grading.grade_for_rag(red, amber)
        else:
            grade = self._grade_of.get(score)
            if grade is None:
                grade = self._grade_of[score] = grading.grade_for(score)
        if self._limits:
            applying = {iid: a["applies"] for iid, a in audit["answers"].items()} if self.wide_limits else None
            for cond, max_grade in self._limits:
                if (cond(parsed, labels, audit_date, statuses=statuses, kinds=self.kinds, applying=applying, sections=self.item_sections)
                        and self.grade_rank[grade] < self.grade_rank[max_grade]):
                    grade = max_grade
        audit["score"], audit["grade"] = score, grade

    def _rag_counts(self, answers: dict[str, Any]) -> dict[str | None, tuple[int, int]]:
        """Red (the bottom of the scale) and amber (between bottom and top) answers that count, per section and
        overall (key ``None``)."""
        counts: dict[str | None, list[int]] = {None: [0, 0]}
        for iid, a in answers.items():
            pts = a.get("points")
            if pts is None or not a.get("applies"):
                continue
            section, low, high = self.rag_of[iid]
            k = 0 if pts <= low else (1 if pts < high else None)
            if k is None:
                continue
            counts[None][k] += 1
            counts.setdefault(section, [0, 0])[k] += 1
        return {s: (c[0], c[1]) for s, c in counts.items()}

    def _reasons(self, text: Any) -> tuple[list[str], list[str]]:
        if text is None:
            return [], []
        hit = self._reasons_memo.get(text)
        if hit is None:
            hit = match_reasons(self.reason_table, normalise_text(text) if type(text) is str else text)  # as the cell shows
            if len(self._reasons_memo) < _MEMO_MAX:
                self._reasons_memo[text] = hit
        return hit

    def _note_reason(self, check: str, row: int, field_id: str | None, text: Any, m) -> None:
        """Count a late date whose reason did not excuse it, keeping three examples (cell, what was written) for the notes."""
        t = self.tally
        c = self.col.get(field_id) if field_id else None
        where = self.cell_ref(self.sheet, row, c) if c is not None else f"row {row}"
        if check == "unrecognised":
            t.unrecognised += 1
            if len(t.unrecognised_examples) < 3:
                t.unrecognised_examples.append(f"{where} {str(text).strip()[:60]!r}")
        else:
            t.not_allowed += 1
            if len(t.not_allowed_examples) < 3:
                limit = "a local target" if m.kind == "target" else (m.citation or m.id)
                t.not_allowed_examples.append(f"{where}: {m.text[:40]!r}, {limit}")

    def _future(self, what: str, when: date) -> str:
        return (f"the {what} {format_date(when)} is in the future (today is {format_date(self.today)}): "
                "check the year; qactl scores audits that have happened")

    def _known(self, parsed: dict[str, Any], values: list[Any]) -> Known:
        """What this audit's text is redacted of: its pii fields' values (as read, or as written when unreadable)."""
        names: list[Any] = []
        numbers: list[Any] = []
        dobs: list[date] = []
        literals: list[str] = []
        for fid, c, ftype in self._pii_plan:
            v = parsed.get(fid)
            if v is None:
                raw = None if c is None else values[c]
                if not is_blank(raw):  # written but unreadable (a mistyped NHS number, 31/02/2015): taken out as written
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

    def _private(self, findings: list[Finding], known: Known) -> None:
        """Error records without --include-pii: a pii field's value masked (its shape kept: what to fix is still
        clear), any other value and message redacted of the audit's child."""
        for f in findings:
            ftype = self._pii_types.get(f.target)
            if ftype is not None:
                letters = ftype is FieldType.date  # a month's name is not personal, and its typo is what to fix
                f.message = mask_message(f.message, f.value, letters=letters)
                f.value = mask(f.value, letters=letters)
            else:
                f.value, f.message = redact(f.value, known), redact(f.message, known)

    def _duplicate(self, ref: str | None, values: list[Any], row: int) -> int | None:
        # Python's 64-bit tuple hash: a false match needs a collision (about 1 in 10^8 at 600,000 rows). The key holds who
        # filled the form in (Forms' Name and Email; an auditor field is among the targets): two auditors giving the same
        # answers about one child are two audits (moderation), not a resubmission.
        key = hash((ref, *[values[c] for c in self.target_cols], *[values[c] for c in self.respondent_cols]))
        first = self._seen.get(key)
        if first is None:
            self._seen[key] = row
            return None
        return first


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _or(scale, allow_na: bool) -> str:
    words = [c.label for c in scale.choices] + ([scale.na.label] if allow_na and scale.na else [])
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
