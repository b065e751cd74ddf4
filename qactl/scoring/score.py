"""Scoring one audit row: the SPEC §4 rule, sections, grade bands and limits, milestones, duplicates.

``score = 100 × Σ(weight × points) / Σ(weight × maximum points)`` over the items that apply, computed
exactly (weight × points scaled to whole numbers, summed as integers, divided as fractions) and rounded to
one decimal place **half up** (86.25 → 86.3, as a person rounds, not Python's half-to-even). Not applicable answers, items whose ``applies_if`` is false (the
answer is kept, ``applies`` false) and blank optional items are out of the denominator.

With ``grading.section_weights`` the overall score is ``Σ w_s × section% / Σ w_s`` over the sections that
have an applicable criterion (a section not listed weighs 1), each section% unrounded. With
``method: compliance`` each milestone is one more criterion worth 1 in the section ``Timeliness``:
on time = 1, late or missing = 0; exceptions, not yet due, unknown and not applicable are out.
The grade is the first band whose ``min`` the score reaches, then capped by every limit that fires.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from qactl import clock
from qactl.errors import Finding
from qactl.privacy import NOTHING, Known, RefMaker, mask, mask_message, redact
from qactl.results import Audit, Shared, Summary
from qactl.rubric.conditions import holds
from qactl.rubric.milestones import due_dates, status
from qactl.rubric.models import FieldType, Item, Rubric, norm_answer
from qactl.scoring.cells import cell_text, date_cell, field_parser, is_blank, item_parser
from qactl.scoring.mapping import ColumnMap

TIMELINESS = "Timeliness"
_MEMO_MAX = 1 << 16  # distinct raw values remembered per column
_FORMS_TIMES = frozenset(("start_time", "completion_time", "last_modified_time"))
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

    rows: int = 0
    scored: int = 0
    with_errors: int = 0
    duplicates: int = 0
    blank_rows: int = 0
    grades: dict[str, int] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # the rubric's grades, best first

    def summary(self, extra_columns: list[str]) -> Summary:
        out: dict[str, Any] = {
            "rows": self.rows,
            "scored": self.scored,
            "with_errors": self.with_errors,
            "grades": {g: self.grades[g] for g in self.order if g in self.grades},
            "duplicates": self.duplicates,
            "blank_rows": self.blank_rows,
            "ignored_columns": extra_columns,
        }
        notes = []
        if self.duplicates:
            notes.append(f"{self.duplicates} row(s) repeat an earlier submission (same child, same answers) and are not counted.")
        if self.blank_rows:
            notes.append(f"{self.blank_rows} blank row(s) skipped: they are not audits.")
        out["notes"] = notes
        return out  # type: ignore[return-value]


_MISSING = object()


class MemoCondition:
    """``holds(cond, …)`` remembered on the values the condition reads (its fields, its items' labels, and the audit
    date when it has an age): a limit or ``applies_if`` is evaluated once per distinct combination, not once per row."""

    __slots__ = ("cond", "dated", "fields", "items", "memo")

    def __init__(self, cond: Any) -> None:
        fields: list[str] = []
        items: list[str] = []
        ages: list[bool] = []

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

        walk(cond)
        self.cond, self.fields, self.items = cond, tuple(dict.fromkeys(fields)), tuple(dict.fromkeys(items))
        self.dated = bool(ages)  # only an age reads the audit date
        self.memo: dict[tuple, bool | None] = {}

    def __call__(self, fields: dict[str, Any], labels: dict[str, str | None], audit_date: date | None) -> bool | None:
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
        self.section_order = [*rubric.sections, *([TIMELINESS] if TIMELINESS not in rubric.sections else [])]
        self.milestone_cols = [(m, col.get(m.id)) for m in rubric.milestones]
        self.comment_cols = [(c, col.get(c.id)) for c in rubric.comments]
        self.forms_cols = list(cmap.forms.items())
        self.completion_col = cmap.forms_column("completion_time")
        self.extra_cols = list(cmap.extra.items())
        self.target_cols = sorted(cmap.targets)
        self.exceptions = rubric.exceptions
        self.reasons = {norm_answer(r) for r in rubric.exceptions.reasons} if rubric.exceptions else set()
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

    def audit(self, row: int, values: list[Any]) -> Audit | None:
        """The audit of one data row, or ``None`` for a fully blank row (not an audit)."""
        for v in values:
            if v is not None and (type(v) is not str or v.strip()):
                break
        else:
            self.tally.blank_rows += 1
            return None
        if len(values) < self.width:
            values = [*values, *([None] * (self.width - len(values)))]

        def cell(c: int | None) -> Any:
            return None if c is None else values[c]

        findings: list[Finding] = []

        def problem(c: int, target: str, raw: Any, code: str, message: str) -> None:
            findings.append(Finding(self.cell_ref(self.sheet, row, c), self.cmap.headers[c], target, cell_text(raw)[:200], message, code))

        # fields
        parsed: dict[str, Any] = {}
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

        # audit date: --audit-date, the rubric's audit_date field, Forms completion time, today
        audit_date = self.fixed_date
        if audit_date is None and self.rubric.audit_date:
            audit_date = parsed.get(self.rubric.audit_date)
        if audit_date is None and self.completion_col is not None:
            audit_date, prob = date_cell(cell(self.completion_col))
            if prob:
                problem(self.completion_col, "completion_time", cell(self.completion_col), *prob)
        if audit_date is None:
            audit_date = self.today

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
        if self.milestone_cols:
            known: dict[str, date | None] = {k: v for k, v in parsed.items() if isinstance(v, date)}
            actual: dict[str, date | None] = {}
            for m, c in self.milestone_cols:
                raw = cell(c)
                d, prob = date_cell(raw)
                if prob and c is not None:
                    problem(c, m.id, raw, *prob)
                actual[m.id] = d
                if d is not None:
                    known[m.id] = d
            dues = due_dates(self.rubric, known)
            excepted = self._excepted(parsed)
            for m, _ in self.milestone_cols:
                if m.applies_if is not None and self._applies[m.id](parsed, labels, audit_date) is False:
                    st, late = "not_applicable", None
                else:
                    st, late = status(dues[m.id], actual[m.id], audit_date, excepted=excepted)
                milestones[m.id] = {"due": _iso(dues[m.id]), "actual": _iso(actual[m.id]), "status": st, "days_late": late}
                if self.compliance and st in ("on_time", "late", "missing"):
                    sec_num[TIMELINESS] = sec_num.get(TIMELINESS, 0) + (self.unit if st == "on_time" else 0)
                    sec_den[TIMELINESS] = sec_den.get(TIMELINESS, 0) + self.unit

        # ref, comments, fields kept; without --include-pii, comments redacted of the audit's own child
        ref = self._ref([parsed.get(i) for i in self.rubric.identify])
        private = not self.include_pii
        known: Known | None = None  # built on the first text that needs it
        comments: dict[str, str] = {}
        for cm, c in self.comment_cols:
            raw = cell(c)
            if not is_blank(raw):
                if cm.pii and private:
                    continue  # a comment the rubric marks pii (a contact's name and number) leaves no output
                text = cell_text(raw)
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
            if v is None and not is_blank(cell(c)):
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
        self.tally.rows += 1
        dup_of = self._duplicate(ref, values, row)
        if dup_of is not None:
            audit["status"] = "duplicate"
            audit["duplicate_of"] = dup_of
            self.tally.duplicates += 1
            return audit  # type: ignore[return-value]
        if findings:
            audit["status"] = "error"
            self.tally.with_errors += 1
            return audit  # type: ignore[return-value]
        self._grade(audit, sec_num, sec_den, parsed, labels, audit_date)
        self.tally.scored += 1
        if audit["grade"] is not None:
            self.tally.grades[audit["grade"]] = self.tally.grades.get(audit["grade"], 0) + 1
        return audit  # type: ignore[return-value]

    # ---- helpers ----
    def _grade(self, audit: dict, num: dict[str, int], den: dict[str, int], parsed, labels, audit_date) -> None:
        grading = self.rubric.grading
        used: list[str] = []
        sections = audit["sections"]
        memo = self._section_memo
        for s in self.section_order:
            if den.get(s):
                used.append(s)
                sc = percent_half_up(num[s], den[s])
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
        grade = self._grade_of.get(score)
        if grade is None:
            grade = self._grade_of[score] = grading.grade_for(score)
        for cond, max_grade in self._limits:
            if cond(parsed, labels, audit_date) and self.grade_rank[grade] < self.grade_rank[max_grade]:
                grade = max_grade
        audit["score"], audit["grade"] = score, grade

    def _excepted(self, parsed: dict[str, Any]) -> bool:
        if not self.exceptions:
            return False
        v = parsed.get(self.exceptions.field)
        if v is None:
            return False
        parts = {norm_answer(p) for p in str(v).split(";") if p.strip()}
        return bool(parts & self.reasons)

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
        # Python's 64-bit tuple hash: a false match needs a collision (about 1 in 10^8 at 600,000 rows)
        key = hash((ref, *[values[c] for c in self.target_cols]))
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
