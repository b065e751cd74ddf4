"""The fast path of scoring: what ``qactl score`` runs, proven equal to the rule.

The rule itself, one step at a time, is :mod:`qactl.scoring.reference` (docs/score.md in code). This module gives
the same audit for every row, byte for byte once encoded (tests/scoring/test_equivalence.py generates rubrics and
rows and checks it), at national scale: each column is read through one memo of raw cell → what it gives (its
answer, its problem, its result dict and its weighted points as an exact integer: answers repeat, so nearly every
cell is one dictionary look-up), conditions are remembered on the values they read, and section sums are integers
(every weight × points scaled by the rubric's :func:`~qactl.scoring.common.unit_of`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from fractions import Fraction
from typing import Any, NamedTuple

from qactl.privacy import make_ref, redact
from qactl.results import Audit, ErrorRecord, Shared
from qactl.rubric.conditions import holds
from qactl.rubric.milestones import DueDates, judge, match_reasons, yes_no
from qactl.rubric.models import Ending, FieldType, Item, Milestone, Role, Rubric, reason_key
from qactl.scoring.cells import Answer, cell_text, date_cell, is_blank, normalise_text
from qactl.scoring.codes import FindingCode
from qactl.scoring.common import (  # noqa: F401  (re-exported: the names other modules and tests import from here)
    FORMS_RESPONDENT,
    FORMS_TIMES,
    SECTION_OF_KIND,
    XLSX_CELL_MAX,
    Context,
    Refused,
    RowAccountingError,
    Tally,
    as_fraction,
    blank_message,
    dob_after_audit,
    error_record,
    future,
    item_max,
    kind_of,
    known_of,
    note_reason,
    percent_half_up,
    private_findings,
    round_half_up,
    unit_of,
)
from qactl.scoring.mapping import ColumnMap
from qactl.scoring.reference import Reading, audit_date
from qactl.sheets.reader import excel_error_of

_MEMO_MAX = 1 << 16  # distinct raw values remembered per column
_NOT_APPLICABLE = {
    "status": "not_applicable",
    "days_late": None,
    "reason": None,
    "excused_under": None,
    "reason_check": None,
}


class _Missing(Enum):
    """Not in the memo (``None`` is a memoised value: a condition that cannot be decided)."""

    MISSING = 0


_MISSING = _Missing.MISSING


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

    def __call__(
        self, fields: dict[str, Any], labels: dict[str, str | None], audit_date: date | None, **ctx: Any
    ) -> bool | None:
        if self.direct:
            return holds(self.cond, fields, labels, audit_date, **ctx)
        key = (
            audit_date if self.dated else None,
            *[fields.get(f) for f in self.fields],
            *[labels.get(i) for i in self.items],
        )
        try:
            hit: bool | None | _Missing = self.memo.get(key, _MISSING)
        except TypeError:  # a value that cannot be a key
            return holds(self.cond, fields, labels, audit_date)
        if hit is _MISSING:
            hit = holds(self.cond, fields, labels, audit_date)
            if len(self.memo) < _MEMO_MAX:
                self.memo[key] = hit
        return hit


class AnswerEntry:
    """What one raw cell of an item gives, built once per distinct value of its column and shared by every audit that
    has it (nothing downstream mutates the result dicts)."""

    __slots__ = ("answer", "problem", "label", "counted", "uncounted", "weighted")

    def __init__(self, answer: Answer | None, problem: tuple[str, str] | None, iid: str, top: float) -> None:
        self.answer, self.problem = answer, problem
        self.label = answer.label if answer is not None else None
        self.uncounted = Shared.of(
            {"answer": self.label, "points": None, "max": top, "applies": False}, (self.label, None)
        )
        if answer is None or answer.na or answer.weighted is None:  # weighted is None only for N/A
            self.counted, self.weighted = None, 0
        else:
            self.counted = Shared.of(
                {"answer": self.label, "points": answer.points, "max": top, "applies": True},
                (self.label, answer.points),
            )
            self.weighted = answer.weighted


class ItemColumn:
    """One item and its column: its parser, the memo of raw cell → :class:`AnswerEntry`, its weighted maximum."""

    __slots__ = (
        "k",
        "item",
        "id",
        "col",
        "parse",
        "memo",
        "top",
        "wmax",
        "section",
        "conditional",
        "required",
    )

    def __init__(self, k: int, item, col: int | None, ctx: Context) -> None:
        self.k, self.item, self.id, self.col = k, item, item.id, col
        rubric, unit = ctx.rubric, ctx.unit
        self.parse = ctx.parsers[item.id]
        self.memo: dict[Any, AnswerEntry] = {}
        self.top = item_max(rubric, item)
        self.wmax = int(as_fraction(item.weight) * as_fraction(self.top) * unit)
        self.section, self.conditional, self.required = (
            item.section,
            item.applies_if is not None,
            item.required,
        )

    def entry(self, raw: Any) -> AnswerEntry:
        """The entry of one raw cell: from the memo, else parsed (and remembered when it is text or blank)."""
        if raw is None or type(raw) is str:
            hit = self.memo.get(raw)
            if hit is not None:
                return hit
        answer, problem = self.parse(raw)
        hit = AnswerEntry(answer, problem, self.id, self.top)
        if (raw is None or type(raw) is str) and len(self.memo) < _MEMO_MAX:
            self.memo[raw] = hit
        return hit


class FieldColumn:
    """One field and its column: its parser and, for a date, a memo of raw cell → (value, problem)."""

    __slots__ = ("field", "id", "col", "parse", "memo", "required")

    def __init__(self, f, col: int | None, ctx: Context) -> None:
        self.field, self.id, self.col, self.required = f, f.id, col, f.required
        self.parse = ctx.parsers[f.id]
        self.memo: dict[Any, tuple] | None = {} if f.type == FieldType.date else None

    def read(self, raw: Any) -> tuple[Any, tuple[str, str] | None]:
        memo = self.memo
        if memo is None or not (raw is None or type(raw) is str):
            return self.parse(raw)
        hit = memo.get(raw)
        if hit is None:
            hit = self.parse(raw)
            if len(memo) < _MEMO_MAX:
                memo[raw] = hit
        return hit


class ItemPlan(NamedTuple):
    """What the row loop reads of one item's column, unpacked by name."""

    column: ItemColumn
    id: str
    col: int | None
    memo: dict[Any, AnswerEntry]
    conditional: bool
    required: bool
    section: str
    wmax: int


class Sums:
    """Each section's weighted points and weighted maximum, in integers (× the rubric's unit)."""

    __slots__ = ("num", "den")

    def __init__(self) -> None:
        self.num: dict[str, int] = {}
        self.den: dict[str, int] = {}

    def add(self, section: str, num: int, den: int) -> None:
        if section in self.den:
            self.num[section] += num
            self.den[section] += den
        else:
            self.num[section] = num
            self.den[section] = den


class Scorer:
    """Built once per rubric and export (a plan per column), then called once per row: :meth:`audit`."""

    def __init__(
        self,
        rubric: Rubric,
        cmap: ColumnMap,
        *,
        sheet: str,
        key: bytes,
        audit_date: date | None = None,
        include_pii: bool = False,
        today: date | None = None,
    ) -> None:
        self.ctx = ctx = Context.build(
            rubric, cmap, sheet=sheet, key=key, audit_date=audit_date, include_pii=include_pii, today=today
        )
        self.rubric, self.cmap, self.tally, self.today = rubric, cmap, ctx.tally, ctx.today
        self.include_pii, self.private, self.key = include_pii, not include_pii, key
        col = ctx.col
        self.width = len(cmap.headers)
        self.fields = [FieldColumn(f, col.get(f.id), ctx) for f in rubric.fields]
        self.items = [ItemColumn(k, i, col.get(i.id), ctx) for k, i in enumerate(rubric.items)]
        self.item_plan = [
            ItemPlan(ic, ic.id, ic.col, ic.memo, ic.conditional, ic.required, ic.section, ic.wmax)
            for ic in self.items
        ]
        self.field_plan = [(fc, fc.id, fc.col, fc.memo) for fc in self.fields]
        self.blank_message = {i.id: blank_message(rubric, i) for i in rubric.items}
        self.forms_cols = list(cmap.forms.items())
        self.dob_cols = [
            (f.id, c.col)
            for c, f in ((c, c.field) for c in self.fields)
            if c.col is not None and f.role == Role.dob and f.type == FieldType.date
        ]
        self.comment_cols = [(c, col.get(c.id)) for c in rubric.comments]
        self.extra_cols = list(cmap.extra.items())
        # an audit's identity for duplicates: the child (ref), every answer and field, and who filled the form in
        self.identity_cols = sorted(cmap.targets) + [
            c for c, k in cmap.forms.items() if k in FORMS_RESPONDENT
        ]
        self._seen: dict[int, int] = {}
        conditional: list[Item | Milestone] = [*rubric.items, *rubric.milestones]
        self._applies = {x.id: MemoCondition(x.applies_if) for x in conditional if x.applies_if is not None}
        self._limits = [(MemoCondition(lim.if_), lim.max_grade) for lim in rubric.grading.limits]
        self._milestones_init(rubric, col)
        self._grading_init(rubric)

    def _milestones_init(self, rubric: Rubric, col: dict[str, int]) -> None:
        self.milestone_cols = [(m, col.get(m.id)) for m in rubric.milestones]
        # reasons: each milestone's own reason field when its column is there, else the audit's one reason field
        self.audit_reason = (
            rubric.exceptions.field if rubric.exceptions and rubric.exceptions.field in col else None
        )
        self.own_reason = {m.id: m.reason for m in rubric.milestones if m.reason and m.reason in col}
        self._reasons_memo: dict[Any, tuple[list[str], list[str]]] = {}
        self.outcome_field = rubric.outcomes.field if rubric.outcomes else None
        self.endings = {
            reason_key(w): e
            for e in (rubric.outcomes.ends if rubric.outcomes else [])
            for w in (e.answer, *e.aliases)
        }
        self.kinds = {m.id: kind_of(m) for m in rubric.milestones}
        self.due_dates = DueDates(rubric)

    def _grading_init(self, rubric: Rubric) -> None:
        grading = rubric.grading
        self.grading, self.weights = grading, grading.section_weights
        self.compliance, self.rag = grading.method == "compliance", grading.method == "rag"
        self.section_order = [*rubric.sections, *rubric.milestone_sections]
        self.section_weight = {s: as_fraction(self.weights.get(s, 1.0)) for s in self.section_order}
        self.rag_of = {
            i.id: (i.section, rubric.scales[i.scale].min_points, rubric.scales[i.scale].max_points)
            for i in rubric.items
        }
        self.item_sections = {i.id: i.section for i in rubric.items}
        self.wide_limits = any(c.items is not None for lim in grading.limits for c in lim.if_.subjects())
        self.grade_rank = {b.grade: k for k, b in enumerate(grading.bands)}
        self._section_memo: dict[
            tuple[str, float], Shared
        ] = {}  # (section, score) → its result; at most 1,001 per section
        self._grade_of: dict[float, str] = {}  # score → band; at most 1,001 scores

    # ---- one row
    def audit(self, row: int, values: list[Any]) -> Audit | None:
        """The audit of one data row, or ``None`` for a fully blank row or a repeat of the header row (not audits).

        Every call is one data row read, and ends in exactly one of the tally's counts (:meth:`Tally.check`).
        """
        tally = self.tally
        tally.data_rows += 1
        for v in values:
            if v is not None and (type(v) is not str or v.strip()):
                break
        else:
            tally.blank_rows += 1
            return None
        if len(values) < self.width:
            values = [*values, *([None] * (self.width - len(values)))]
        if self.ctx.is_header(values):
            tally.header_rows += 1
            return None
        r = Reading(row, values)
        ident = self._read_fields(r)
        answers, labels, sums = self._items(r)
        milestones, statuses, refused, ending = self._milestones(r, labels, sums)
        comments = self._comments(r)
        audit: Audit = {
            "row": row,
            "ref": make_ref(self.key, ident),
            "status": "scored",
            "score": None,
            "grade": None,
            "audit_date": r.audit_date.isoformat() if r.audit_date else None,  # set by _read_fields
            "sections": {},
            "answers": answers,
            "milestones": milestones,
            "fields": self._fields_kept(r),
            "comments": comments,
            "errors": self._errors(r),
        }
        if self.outcome_field is not None:
            audit["outcome"] = ending.answer if ending is not None else None
        tally.rows += 1
        return self._finish(audit, r, refused, sums, labels, statuses)

    def _finish(self, audit: Audit, r: Reading, refused: list, sums: Sums, labels, statuses) -> Audit:
        """A duplicate of an earlier row, an audit with errors, or scored and graded."""
        tally = self.tally
        dup_of = self._duplicate(audit["ref"], r.values, r.row)
        if dup_of is not None:
            audit["status"], audit["duplicate_of"] = "duplicate", dup_of
            tally.duplicates += 1
            return audit
        for late in refused:
            note_reason(self.ctx, r.row, late)
        if r.findings:
            audit["status"] = "error"
            tally.with_errors += 1
            return audit
        self._grade(audit, sums, r.fields, labels, r.audit_date, statuses)
        tally.scored += 1
        if audit["grade"] is not None:
            tally.grades[audit["grade"]] = tally.grades.get(audit["grade"], 0) + 1
        return audit

    # ---- fields, the audit date, dates that cannot be true
    def _read_fields(self, r: Reading) -> list[Any]:
        """Fields parsed, the audit date, plausibility; returns the identify values as read (refs never depend on the
        checks), then sets every doubtful field to None (an implausible date drives no condition)."""
        values, parsed, doubtful = r.values, r.fields, r.doubtful
        for fc, fid, c, memo in self.field_plan:
            if c is None:
                parsed[fid] = None
                continue
            raw = values[c]
            hit = memo.get(raw) if memo is not None and (raw is None or type(raw) is str) else None
            value, prob = hit if hit is not None else fc.read(raw)
            if prob:
                r.problem(self.ctx, c, fid, raw, *prob)
                if value is not None:
                    doubtful.append(fid)
            elif value is None and fc.required:
                r.problem(
                    self.ctx, c, fid, raw, FindingCode.BLANK, f"{fc.field.text!r} is required but blank"
                )
            parsed[fid] = value
        r.audit_date = audit_date(self.ctx, r)
        for fid, c in self.dob_cols:
            dob = parsed.get(fid)
            if dob is None or fid in doubtful:
                continue
            if dob > self.today:
                r.problem(
                    self.ctx,
                    c,
                    fid,
                    values[c],
                    FindingCode.DOB_IN_FUTURE,
                    future(self.today, "date of birth", dob),
                )
                doubtful.append(fid)
            elif dob > r.audit_date:
                r.problem(
                    self.ctx,
                    c,
                    fid,
                    values[c],
                    FindingCode.DOB_AFTER_AUDIT,
                    dob_after_audit(dob, r.audit_date),
                )
                doubtful.append(fid)
        ident = [parsed.get(i) for i in self.rubric.identify]
        for fid in doubtful:
            parsed[fid] = None
        return ident

    # ---- items
    def _items(self, r: Reading) -> tuple[dict[str, Any], dict[str, str | None], Sums]:
        """Each item's result and label, and the section sums; items with an applies_if wait until every label is known.
        A required item left blank is an error after the answers' own problems."""
        values = r.values
        answers: dict[str, Any] = {}
        labels: dict[str, str | None] = {}
        sums = Sums()
        num, den = sums.num, sums.den
        blanks: list[ItemColumn] = []
        conditional: list[tuple[ItemColumn, AnswerEntry]] = []
        for ic, iid, c, memo, cond, required, section, wmax in self.item_plan:
            raw = None if c is None else values[c]
            e = memo.get(raw) if raw is None or type(raw) is str else None
            if e is None:
                e = ic.entry(raw)
            if e.problem and c is not None:  # no column: a blank, never a problem
                r.problem(self.ctx, c, iid, raw, *e.problem)
            labels[iid] = e.label
            if cond:
                answers[iid] = None  # keeps the item order; filled below
                conditional.append((ic, e))
            elif e.counted is None:
                if e.answer is None and required and c is not None and is_blank(raw):
                    blanks.append(ic)
                answers[iid] = e.uncounted
            else:
                answers[iid] = e.counted
                if section in den:
                    num[section] += e.weighted
                    den[section] += wmax
                else:
                    num[section] = e.weighted
                    den[section] = wmax
        for ic, e in conditional:
            applies = self._applies[ic.id](r.fields, labels, r.audit_date) is not False
            if (
                e.answer is None
                and applies
                and ic.required
                and ic.col is not None
                and is_blank(values[ic.col])
            ):
                blanks.append(ic)
            if e.counted is None or not applies:
                answers[ic.id] = e.uncounted
            else:
                answers[ic.id] = e.counted
                sums.add(ic.section, e.weighted, ic.wmax)
        if blanks:
            blanks.sort(key=lambda ic: ic.k)
            for ic in blanks:
                if ic.col is not None:  # blanks are cells of a column
                    r.problem(
                        self.ctx, ic.col, ic.id, values[ic.col], FindingCode.BLANK, self.blank_message[ic.id]
                    )
        return answers, labels, sums

    # ---- milestones
    def _milestones(
        self, r: Reading, labels, sums: Sums
    ) -> tuple[dict[str, Any], dict[str, str], list[Refused], Ending | None]:
        """Each milestone judged; with compliance grading each judged date is one more criterion in its kind's section."""
        milestones: dict[str, Any] = {}
        statuses: dict[str, str] = {}
        refused: list[
            Refused
        ] = []  # late dates whose reason did not excuse them, for the notes (not for duplicates)
        if not self.milestone_cols:
            return milestones, statuses, refused, None
        parsed = r.fields
        known: dict[str, Any] = dict(parsed)
        actual: dict[str, date | None] = {}
        for m, c in self.milestone_cols:
            raw = None if c is None else r.values[c]
            d, prob = date_cell(raw)
            if prob and c is not None:
                r.problem(self.ctx, c, m.id, raw, *prob)
                d = None
            actual[m.id] = d
            if d is not None:
                known[m.id] = d
        dues = self.due_dates(known, r.audit_date)
        ending = None
        if self.outcome_field is not None:
            said = parsed.get(self.outcome_field)
            ending = self.endings.get(reason_key(said)) if said not in (None, "") else None
        for m, _ in self.milestone_cols:
            res = self._judge(m, r, labels, dues[m.id], actual[m.id], ending, refused)
            st = statuses[m.id] = res["status"]
            milestones[m.id] = {
                "due": _iso(dues[m.id]),
                "actual": _iso(actual[m.id]),
                "kind": m.kind,
                "citation": m.citation,
                **res,
            }
            if self.compliance and st in ("on_time", "late", "missing"):
                sums.add(SECTION_OF_KIND[kind_of(m)], self.ctx.unit if st == "on_time" else 0, self.ctx.unit)
        return milestones, statuses, refused, ending

    def _judge(
        self, m, r: Reading, labels, due: date | None, actual: date | None, ending, refused: list
    ) -> dict[str, Any]:
        """One milestone's status: ended lawfully, not applicable, or judged against its due date with its reason."""
        if ending is not None and m.id in ending.not_applicable:
            return {**_NOT_APPLICABLE, "ended_by": ending.answer}
        if m.applies_if is not None and self._applies[m.id](r.fields, labels, r.audit_date) is False:
            return dict(_NOT_APPLICABLE)
        parsed = r.fields
        own = self.own_reason.get(m.id)
        text = parsed.get(own) if own is not None else None
        if text is None or not str(text).strip():
            own = self.audit_reason
            text = parsed.get(own) if own else None
        ids, unknown = self._reasons(text)
        answer = yes_no(parsed.get(m.on_time_field)) if m.on_time_field else None
        res = judge(
            m,
            due,
            actual,
            r.audit_date,
            reasons=ids,
            reason_given=bool(ids or unknown),
            on_time_answer=answer,
        )
        if res["basis"] == "dates":
            del res["basis"]
        if res["reason_check"] in ("unrecognised", "not_allowed"):
            refused.append(Refused(res["reason_check"], own, text, m))
        return res

    def _reasons(self, text: Any) -> tuple[list[str], list[str]]:
        if text is None:
            return [], []
        hit = self._reasons_memo.get(text)
        if hit is None:
            hit = match_reasons(
                self.ctx.reasons, normalise_text(text) if type(text) is str else text
            )  # as the cell shows
            if len(self._reasons_memo) < _MEMO_MAX:
                self._reasons_memo[text] = hit
        return hit

    # ---- what the audit keeps: comments, fields, errors (without --include-pii, redacted of the audit's child)
    def _known(self, r: Reading):
        known = r.known
        if known is None:
            known = r.known = known_of(self.ctx, r.fields, r.values)
        return known

    def _comments(self, r: Reading) -> dict[str, str]:
        comments: dict[str, str] = {}
        private = self.private
        for cm, c in self.comment_cols:
            raw = None if c is None else r.values[c]
            if is_blank(raw):
                continue
            err = excel_error_of(raw)
            if err is not None and c is not None:  # no column: blank, never an error value
                r.problem(self.ctx, c, cm.id, raw, *err.problem())
                continue
            if cm.pii and private:
                continue  # a comment the rubric marks pii (a contact's name and number) leaves no output
            text = cell_text(raw)
            if len(text) > XLSX_CELL_MAX:
                self.tally.long_cells += 1
            comments[cm.id] = redact(text, self._known(r)) if private else text
        return comments

    def _fields_kept(self, r: Reading) -> dict[str, Any]:
        private, values, parsed = self.private, r.values, r.fields
        out: dict[str, Any] = {}
        free = self.ctx.free_fields
        for fc in self.fields:
            c = fc.col
            if c is None or (fc.field.pii and private):
                continue
            v = parsed[fc.id]
            if (v is None or fc.id in r.doubtful) and not is_blank(values[c]):
                v = cell_text(values[c])  # keep what was written, even when it did not parse
            if private and v and fc.id in free:
                v = redact(v, self._known(r))
            out[fc.id] = v.isoformat() if isinstance(v, date) else v
        for c, key in self.forms_cols:
            raw = values[c]
            if key in FORMS_TIMES and isinstance(raw, datetime):
                out[key] = raw.isoformat(sep=" ")
            else:
                out[key] = None if raw is None or (type(raw) is str and not raw.strip()) else cell_text(raw)
        if self.include_pii:
            for c, header in self.extra_cols:
                if not is_blank(values[c]):
                    out[header] = cell_text(values[c])
        return out

    def _errors(self, r: Reading) -> list[ErrorRecord]:
        if r.findings and self.private:
            private_findings(self.ctx, r.findings, self._known(r))
        return [error_record(f) for f in r.findings]

    # ---- sections → overall → limits → grade
    def _grade(self, audit: Audit, sums: Sums, parsed, labels, audit_date, statuses) -> None:
        grading, num, den = self.grading, sums.num, sums.den
        rag = self._rag_counts(audit["answers"]) if self.rag else None
        used = [s for s in self.section_order if den.get(s)]
        # Shared results (built once, SectionResult's keys) go in as they are
        sections: dict[str, Any] = audit["sections"]
        memo = self._section_memo
        for s in used:
            score = percent_half_up(num[s], den[s])
            sections[s] = (rag is None and memo.get((s, score))) or self._section(s, score, rag)
        if not used:
            return
        if self.weights:
            ws = {s: self.section_weight[s] for s in used}
            wsum = sum(ws.values())
            if not wsum:
                return
            score = round_half_up(sum(ws[s] * Fraction(100 * num[s], den[s]) for s in used) / wsum)
        else:
            score = percent_half_up(sum(num[s] for s in used), sum(den[s] for s in used))
        if rag is not None:
            grade = grading.grade_for_rag(*rag.get(None, (0, 0)))
        else:
            cached = self._grade_of.get(score)
            if cached is None:
                cached = self._grade_of[score] = grading.grade_for(score)
            grade = cached
        if self._limits:
            applying = (
                {iid: a["applies"] for iid, a in audit["answers"].items()} if self.wide_limits else None
            )
            for cond, max_grade in self._limits:
                if (
                    cond(
                        parsed,
                        labels,
                        audit_date,
                        statuses=statuses,
                        kinds=self.kinds,
                        applying=applying,
                        sections=self.item_sections,
                    )
                    and self.grade_rank[grade] < self.grade_rank[max_grade]
                ):
                    grade = max_grade
        audit["score"], audit["grade"] = score, grade

    def _section(self, s: str, score: float, rag) -> Shared:
        if rag is not None:
            return Shared.of({"score": score, "grade": self.grading.grade_for_rag(*rag.get(s, (0, 0)))})
        d = self._section_memo.get((s, score))
        if d is None:
            d = self._section_memo[(s, score)] = Shared.of(
                {"score": score, "grade": self.grading.grade_for(score)}
            )
        return d

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

    def _duplicate(self, ref: str | None, values: list[Any], row: int) -> int | None:
        # Python's 64-bit tuple hash: a false match needs a collision (about 1 in 10^8 at 600,000 rows). The key holds who
        # filled the form in (Forms' Name and Email; an auditor field is among the targets): two auditors giving the same
        # answers about one child are two audits (moderation), not a resubmission.
        key = hash((ref, *[values[c] for c in self.identity_cols]))
        first = self._seen.get(key)
        if first is None:
            self._seen[key] = row
            return None
        return first


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
