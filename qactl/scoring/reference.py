"""The score rule of docs/score.md, in code: the reference scorer, the specification the fast one is proven equal to.

One function per step, in the order docs/score.md gives them::

    read the row → the audit date → dates that cannot be true → for each item: applies? → points
    → milestones → sections → overall → limits → grade → the ref, comments and fields kept → duplicate?

Scores are exact: ``score = 100 × Σ(weight × points) / Σ(weight × maximum points)`` over the items that apply, summed
as fractions, rounded to one decimal place half up (86.25 → 86.3). Nothing is remembered from one row to the next
but the tally and the rows seen (for duplicates), and nothing is made fast. :class:`qactl.scoring.score.Scorer`
(what ``qactl score`` runs) must give the same audit for every row, byte for byte once encoded:
tests/scoring/test_equivalence.py generates rubrics and rows and checks it. What is not a rule of scoring but
bookkeeping or wording (the tally, messages, what redaction is given) lives in :mod:`qactl.scoring.common`, used by
both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from qactl.errors import Finding
from qactl.privacy import make_ref, redact
from qactl.results import AnswerResult, Audit
from qactl.rubric.conditions import holds
from qactl.rubric.milestones import due_dates, judge, match_reasons, yes_no
from qactl.rubric.models import Ending, Item, Role, reason_key
from qactl.scoring.cells import Answer, cell_text, date_cell, is_blank, normalise_text
from qactl.scoring.codes import FindingCode
from qactl.scoring.common import (
    FORMS_TIMES,
    SECTION_OF_KIND,
    XLSX_CELL_MAX,
    Context,
    Refused,
    as_fraction,
    blank_message,
    dob_after_audit,
    error_record,
    future,
    item_max,
    kind_of,
    known_of,
    note_reason,
    private_findings,
    round_half_up,
)
from qactl.sheets.reader import excel_error_of


@dataclass(frozen=True)
class ItemScore:
    """One item of one audit: the answer read, whether it counts, and its weighted points as exact fractions."""

    id: str
    section: str
    label: (
        str | None
    )  # the answer's label (labels joined by "; " for a multi item); None when blank or unreadable
    points: float | None  # the scale's points for the answer when it counts, else None
    max: float
    applies: bool  # counted: answered, not N/A, and its applies_if not false
    earned: Fraction  # weight × points when it counts, else 0
    possible: Fraction  # weight × maximum points when it counts, else 0

    def result(self) -> AnswerResult:
        return {
            "answer": self.label,
            "points": self.points if self.applies else None,
            "max": self.max,
            "applies": self.applies,
        }


@dataclass
class SectionSum:
    earned: Fraction = Fraction(0)
    possible: Fraction = Fraction(0)


@dataclass(slots=True)
class Reading:
    """One data row as read: its values, the problems found so far, the fields parsed and the audit date (the fast
    path's row too: it keeps there what the row's text is redacted of, built once)."""

    row: int
    values: list[Any]
    findings: list[Finding] = field(default_factory=list)
    fields: dict[str, Any] = field(
        default_factory=dict
    )  # parsed; an implausible date set to None once checked
    doubtful: list[str] = field(
        default_factory=list
    )  # fields with a value and a problem: kept for the ref only
    forms: dict[str, Any] = field(default_factory=dict)
    audit_date: date | None = None
    known: Any = None

    def problem(self, ctx: Context, c: int, target: str, raw: Any, code: str, message: str) -> None:
        self.findings.append(
            Finding(
                ctx.cell_ref(self.row, c), ctx.cmap.headers[c], target, cell_text(raw)[:200], message, code
            )
        )


# ---------------------------------------------------------------- read the row


def read_fields(ctx: Context, r: Reading) -> None:
    """Each field parsed (an Excel error, a bad date or NHS number is a problem in its cell; a required one blank too)."""
    for f in ctx.rubric.fields:
        c = ctx.col.get(f.id)
        if c is None:
            r.fields[f.id] = None
            continue
        raw = r.values[c]
        value, prob = ctx.parsers[f.id](raw)
        if prob:
            r.problem(ctx, c, f.id, raw, *prob)
            if value is not None:
                r.doubtful.append(f.id)
        elif value is None and f.required:
            r.problem(ctx, c, f.id, raw, FindingCode.BLANK, f"{f.text!r} is required but blank")
        r.fields[f.id] = value
    for c, key in ctx.cmap.forms.items():
        raw = r.values[c]
        if key in FORMS_TIMES and isinstance(raw, datetime):
            r.forms[key] = raw.isoformat(sep=" ")
        else:
            r.forms[key] = None if is_blank(raw) else cell_text(raw)


def audit_date(ctx: Context, r: Reading) -> date:
    """``--audit-date``, else the rubric's audit_date field, else Forms' completion time, else today; never in the future."""
    if ctx.audit_date is not None:
        return ctx.audit_date
    fid = ctx.rubric.audit_date
    if fid and fid not in r.doubtful and r.fields.get(fid) is not None:
        when = r.fields[fid]
        if when <= ctx.latest:
            return when
        c = ctx.col[fid]
        r.problem(
            ctx, c, fid, r.values[c], FindingCode.FUTURE_AUDIT_DATE, future(ctx.today, "audit date", when)
        )
        r.doubtful.append(fid)
    done = ctx.cmap.forms_column("completion_time")
    if done is not None:
        raw = r.values[done]
        when, prob = date_cell(raw)
        if prob:
            r.problem(ctx, done, "completion_time", raw, *prob)
        elif when is not None and when > ctx.latest:
            r.problem(
                ctx,
                done,
                "completion_time",
                raw,
                FindingCode.FUTURE_AUDIT_DATE,
                future(ctx.today, "completion time", when),
            )
        elif when is not None:
            return when
    return ctx.today


def plausible_dates(ctx: Context, r: Reading) -> None:
    """A date of birth in the future or after the audit date is an error in its cell, and drives no condition."""
    for f in ctx.rubric.fields:
        c = ctx.col.get(f.id)
        dob = r.fields.get(f.id)
        if c is None or f.role != Role.dob or not isinstance(dob, date) or f.id in r.doubtful:
            continue
        if dob > ctx.today:
            r.problem(
                ctx, c, f.id, r.values[c], FindingCode.DOB_IN_FUTURE, future(ctx.today, "date of birth", dob)
            )
            r.doubtful.append(f.id)
        elif r.audit_date is not None and dob > r.audit_date:
            r.problem(
                ctx, c, f.id, r.values[c], FindingCode.DOB_AFTER_AUDIT, dob_after_audit(dob, r.audit_date)
            )
            r.doubtful.append(f.id)


# ---------------------------------------------------------------- items: applies? → points


def answer_of(ctx: Context, item: Item, r: Reading) -> Answer | None:
    """The answer of one item's cell (a problem in the cell when it is not one of the scale's)."""
    c = ctx.col.get(item.id)
    raw = None if c is None else r.values[c]
    answer, prob = ctx.parsers[item.id](raw)
    if prob and c is not None:  # no column: a blank, never a problem
        r.problem(ctx, c, item.id, raw, *prob)
    return answer


def applies(item: Item, r: Reading, labels: dict[str, str | None]) -> bool:
    """An item counts unless its ``applies_if`` is false (a condition that cannot be told, a date missing, applies)."""
    return item.applies_if is None or holds(item.applies_if, r.fields, labels, r.audit_date) is not False


def points(ctx: Context, item: Item, answer: Answer | None, applying: bool) -> ItemScore:
    """Weight × points over weight × maximum: counted when answered, not N/A, and applying."""
    top = item_max(ctx.rubric, item)
    label = answer.label if answer is not None else None
    if answer is None or answer.points is None or not applying:
        return ItemScore(item.id, item.section, label, None, top, False, Fraction(0), Fraction(0))
    weight = as_fraction(item.weight)
    return ItemScore(
        item.id,
        item.section,
        label,
        answer.points,
        top,
        True,
        weight * as_fraction(answer.points),
        weight * as_fraction(top),
    )


def score_items(ctx: Context, r: Reading) -> list[ItemScore]:
    """Every item, in rubric order; a required item left blank (and applying) is an error, after the answers' own."""
    answers = {i.id: answer_of(ctx, i, r) for i in ctx.rubric.items}
    labels = {iid: (a.label if a is not None else None) for iid, a in answers.items()}
    scores, blanks = [], []
    for item in ctx.rubric.items:
        applying = applies(item, r, labels)
        scores.append(points(ctx, item, answers[item.id], applying))
        c = ctx.col.get(item.id)
        if (
            answers[item.id] is None
            and applying
            and item.required
            and c is not None
            and is_blank(r.values[c])
        ):
            blanks.append((item, c))
    for item, c in blanks:
        r.problem(ctx, c, item.id, r.values[c], FindingCode.BLANK, blank_message(ctx.rubric, item))
    return scores


# ---------------------------------------------------------------- milestones


def milestone_dates(ctx: Context, r: Reading) -> dict[str, date | None]:
    """Each milestone's date as given (a cell that is not a date is a problem, and no date)."""
    actual: dict[str, date | None] = {}
    for m in ctx.rubric.milestones:
        c = ctx.col.get(m.id)
        raw = None if c is None else r.values[c]
        d, prob = date_cell(raw)
        if prob and c is not None:
            r.problem(ctx, c, m.id, raw, *prob)
            d = None
        actual[m.id] = d
    return actual


def reason_for(ctx: Context, m, r: Reading) -> tuple[str | None, Any]:
    """The reason given for one date: its own reason field when it has one with text, else the audit's one reason field."""
    own = ctx.col.get(m.reason) is not None and m.reason or None
    text = r.fields.get(own) if own else None
    if text is None or not str(text).strip():
        shared = (
            ctx.rubric.exceptions.field
            if ctx.rubric.exceptions and ctx.rubric.exceptions.field in ctx.col
            else None
        )
        own, text = shared, (r.fields.get(shared) if shared else None)
    return own, text


def judge_milestones(
    ctx: Context, r: Reading, labels: dict[str, str | None]
) -> tuple[dict[str, Any], list[Refused], Ending | None]:
    """Each milestone's result (due, actual, status…), the late dates whose reason did not excuse them, and the outcome."""
    if not ctx.rubric.milestones:
        return {}, [], None
    actual = milestone_dates(ctx, r)
    known = {**r.fields, **{k: v for k, v in actual.items() if v is not None}}
    dues = due_dates(ctx.rubric, known, r.audit_date)
    ending: Ending | None = None
    if ctx.rubric.outcomes is not None:
        said = r.fields.get(ctx.rubric.outcomes.field)
        ends = {reason_key(w): e for e in ctx.rubric.outcomes.ends for w in (e.answer, *e.aliases)}
        ending = ends.get(reason_key(said)) if said not in (None, "") else None
    results: dict[str, Any] = {}  # a MilestoneResult each: judge()'s keys after the four set here
    refused: list[Refused] = []
    for m in ctx.rubric.milestones:
        if ending is not None and m.id in ending.not_applicable:
            res = {
                "status": "not_applicable",
                "days_late": None,
                "reason": None,
                "excused_under": None,
                "reason_check": None,
                "ended_by": ending.answer,
            }
        elif m.applies_if is not None and holds(m.applies_if, r.fields, labels, r.audit_date) is False:
            res = {
                "status": "not_applicable",
                "days_late": None,
                "reason": None,
                "excused_under": None,
                "reason_check": None,
            }
        else:
            own, text = reason_for(ctx, m, r)
            ids, unknown = (
                ([], [])
                if text is None
                else match_reasons(ctx.reasons, normalise_text(text) if type(text) is str else text)
            )
            answer = yes_no(r.fields.get(m.on_time_field)) if m.on_time_field else None
            res = judge(
                m,
                dues[m.id],
                actual[m.id],
                r.audit_date,
                reasons=ids,
                reason_given=bool(ids or unknown),
                on_time_answer=answer,
            )
            if res["basis"] == "dates":
                del res["basis"]
            if res["reason_check"] in ("unrecognised", "not_allowed"):
                refused.append(Refused(res["reason_check"], own, text, m))
        results[m.id] = {
            "due": _iso(dues[m.id]),
            "actual": _iso(actual[m.id]),
            "kind": m.kind,
            "citation": m.citation,
            **res,
        }
    return results, refused, ending


# ---------------------------------------------------------------- sections → overall → limits → grade


def sections(ctx: Context, items: list[ItemScore], milestones: dict[str, dict]) -> dict[str, SectionSum]:
    """Each section's sums over its items that count; with ``method: compliance`` each judged date is one more
    criterion worth 1 in "Statutory time limits" or "Local targets" (on time 1; late or missing 0; others out)."""
    sums: dict[str, SectionSum] = {}
    for s in items:
        if s.applies:
            total = sums.setdefault(s.section, SectionSum())
            total.earned += s.earned
            total.possible += s.possible
    if ctx.rubric.grading.method == "compliance":
        for m in ctx.rubric.milestones:
            status = milestones[m.id]["status"]
            if status in ("on_time", "late", "missing"):
                total = sums.setdefault(SECTION_OF_KIND[kind_of(m)], SectionSum())
                total.earned += 1 if status == "on_time" else 0
                total.possible += 1
    order = [*ctx.rubric.sections, *ctx.rubric.milestone_sections]
    return {name: sums[name] for name in order if name in sums and sums[name].possible}


def rag_counts(ctx: Context, items: list[ItemScore]) -> dict[str | None, tuple[int, int]]:
    """Red (the bottom of the scale) and amber (between bottom and top) answers that count, per section and overall."""
    counts: dict[str | None, list[int]] = {None: [0, 0]}
    for s in items:
        if not s.applies or s.points is None:  # an answer that counts has points
            continue
        scale = ctx.rubric.scales[next(i.scale for i in ctx.rubric.items if i.id == s.id)]
        k = 0 if s.points <= scale.min_points else (1 if s.points < scale.max_points else None)
        if k is not None:
            counts[None][k] += 1
            counts.setdefault(s.section, [0, 0])[k] += 1
    return {key: (c[0], c[1]) for key, c in counts.items()}


def section_results(ctx: Context, sums: dict[str, SectionSum], rag) -> dict[str, dict]:
    """Each section's score (the rule within it, rounded half up) and grade (its band, or its own red/amber count)."""
    grading = ctx.rubric.grading
    out = {}
    for name, s in sums.items():
        score = round_half_up(100 * s.earned / s.possible)
        grade = grading.grade_for_rag(*rag.get(name, (0, 0))) if rag is not None else grading.grade_for(score)
        out[name] = {"score": score, "grade": grade}
    return out


def overall(ctx: Context, sums: dict[str, SectionSum]) -> float | None:
    """The rule over every item that counts; with ``section_weights``, Σ w_s × section% / Σ w_s (sections unrounded)."""
    weights = ctx.rubric.grading.section_weights
    if not weights:
        return round_half_up(
            100 * sum((s.earned for s in sums.values()), Fraction(0)) / sum(s.possible for s in sums.values())
        )
    w = {name: as_fraction(weights.get(name, 1.0)) for name in sums}
    if not sum(w.values()):
        return None
    return round_half_up(
        sum((w[name] * 100 * s.earned / s.possible for name, s in sums.items()), Fraction(0))
        / sum(w.values(), Fraction(0))
    )


def limited(
    ctx: Context, grade: str, r: Reading, labels, items: list[ItemScore], milestones: dict[str, dict]
) -> str:
    """The grade capped by every limit whose condition holds."""
    rank = {b.grade: k for k, b in enumerate(ctx.rubric.grading.bands)}
    statuses = {mid: m["status"] for mid, m in milestones.items()}
    kinds = {m.id: kind_of(m) for m in ctx.rubric.milestones}
    applying = {s.id: s.applies for s in items}
    item_sections = {i.id: i.section for i in ctx.rubric.items}
    for lim in ctx.rubric.grading.limits:
        if (
            holds(
                lim.if_,
                r.fields,
                labels,
                r.audit_date,
                statuses=statuses,
                kinds=kinds,
                applying=applying,
                sections=item_sections,
            )
            and rank[grade] < rank[lim.max_grade]
        ):
            grade = lim.max_grade
    return grade


def grade(
    ctx: Context, r: Reading, labels, items: list[ItemScore], milestones: dict[str, dict]
) -> tuple[dict, float | None, str | None]:
    """Sections, then the overall score and its grade: the first band it reaches (or the red/amber rating), then limits."""
    sums = sections(ctx, items, milestones)
    rag = rag_counts(ctx, items) if ctx.rubric.grading.method == "rag" else None
    results = section_results(ctx, sums, rag)
    if not sums:
        return results, None, None
    score = overall(ctx, sums)
    if score is None:
        return results, None, None
    band = (
        ctx.rubric.grading.grade_for_rag(*rag[None])
        if rag is not None
        else ctx.rubric.grading.grade_for(score)
    )
    return results, score, limited(ctx, band, r, labels, items, milestones)


# ---------------------------------------------------------------- what the audit keeps


def comments(ctx: Context, r: Reading) -> dict[str, str]:
    """Each comment as written; without --include-pii a pii comment is left out and the rest redacted of the child."""
    out: dict[str, str] = {}
    private = not ctx.include_pii
    for cm in ctx.rubric.comments:
        c = ctx.col.get(cm.id)
        raw = None if c is None else r.values[c]
        if is_blank(raw):
            continue
        err = excel_error_of(raw)
        if err is not None and c is not None:  # no column: blank, never an error value
            r.problem(ctx, c, cm.id, raw, *err.problem())
            continue
        if cm.pii and private:
            continue
        text = cell_text(raw)
        if len(text) > XLSX_CELL_MAX:
            ctx.tally.long_cells += 1
        out[cm.id] = redact(text, known_of(ctx, r.fields, r.values)) if private else text
    return out


def fields_kept(ctx: Context, r: Reading) -> dict[str, Any]:
    """The fields kept in the output (pii only with --include-pii; a value that did not read, as written), Forms'
    columns, and with --include-pii the export's other columns under their headers."""
    private = not ctx.include_pii
    out: dict[str, Any] = {}
    for f in ctx.rubric.fields:
        c = ctx.col.get(f.id)
        if c is None or (f.pii and private):
            continue
        v = r.fields[f.id]
        if (v is None or f.id in r.doubtful) and not is_blank(r.values[c]):
            v = cell_text(r.values[c])
        if private and v and f.id in ctx.free_fields:
            v = redact(v, known_of(ctx, r.fields, r.values))
        out[f.id] = v.isoformat() if isinstance(v, date) else v
    out.update(r.forms)
    if ctx.include_pii:
        out.update(
            {
                header: cell_text(r.values[c])
                for c, header in ctx.cmap.extra.items()
                if not is_blank(r.values[c])
            }
        )
    return out


# ---------------------------------------------------------------- one row


class ReferenceScorer:
    """The same interface as :class:`qactl.scoring.score.Scorer`: built once per rubric and export, called per row."""

    def __init__(
        self,
        rubric,
        cmap,
        *,
        sheet: str,
        key: bytes,
        audit_date: date | None = None,
        include_pii: bool = False,
        today: date | None = None,
    ) -> None:
        self.ctx = Context.build(
            rubric, cmap, sheet=sheet, key=key, audit_date=audit_date, include_pii=include_pii, today=today
        )
        self.tally = self.ctx.tally
        self.seen: dict[tuple, int] = {}

    def audit(self, row: int, values: list[Any]) -> Audit | None:
        ctx, tally = self.ctx, self.tally
        tally.data_rows += 1
        if all(is_blank(v) for v in values):
            tally.blank_rows += 1
            return None
        values = [*values, *([None] * (len(ctx.cmap.headers) - len(values)))]
        if ctx.is_header(values):
            tally.header_rows += 1
            return None
        r = Reading(row, values)
        read_fields(ctx, r)
        r.audit_date = audit_date(ctx, r)
        plausible_dates(ctx, r)
        identity = [r.fields.get(i) for i in ctx.rubric.identify]  # as read: refs never depend on the checks
        for fid in r.doubtful:
            r.fields[fid] = None
        items = score_items(ctx, r)
        labels = {s.id: s.label for s in items}
        milestones, refused, ending = judge_milestones(ctx, r, labels)
        ref = make_ref(ctx.key, identity)
        kept = comments(ctx, r)
        if r.findings and not ctx.include_pii:
            private_findings(ctx, r.findings, known_of(ctx, r.fields, r.values))
        audit: Audit = {
            "row": row,
            "ref": ref,
            "status": "scored",
            "score": None,
            "grade": None,
            "audit_date": r.audit_date.isoformat(),
            "sections": {},
            "answers": {s.id: s.result() for s in items},
            "milestones": milestones,
            "fields": fields_kept(ctx, r),
            "comments": kept,
            "errors": [error_record(f) for f in r.findings],
        }
        if ctx.rubric.outcomes is not None:
            audit["outcome"] = ending.answer if ending is not None else None
        tally.rows += 1
        return self._finish(audit, r, labels, items, milestones, refused)

    def _finish(self, audit: Audit, r: Reading, labels, items, milestones, refused) -> Audit:
        """A duplicate of an earlier row, an audit with errors, or scored and graded."""
        ctx, tally = self.ctx, self.tally
        cols = sorted(ctx.cmap.targets) + [
            c for c, k in ctx.cmap.forms.items() if k in ("respondent", "respondent_email")
        ]
        key = (audit["ref"], *[r.values[c] for c in cols])
        first = self.seen.get(key)
        if first is None:
            self.seen[key] = r.row
        else:
            audit["status"], audit["duplicate_of"] = "duplicate", first
            tally.duplicates += 1
            return audit
        for late in refused:
            note_reason(ctx, r.row, late)
        if r.findings:
            audit["status"] = "error"
            tally.with_errors += 1
            return audit
        audit["sections"], audit["score"], audit["grade"] = grade(ctx, r, labels, items, milestones)
        tally.scored += 1
        if audit["grade"] is not None:
            tally.grades[audit["grade"]] = tally.grades.get(audit["grade"], 0) + 1
        return audit


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
