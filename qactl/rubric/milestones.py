"""Milestones: due dates, and whether each date met its limit. One piece of code for `score` and `timeline`.

:func:`due_of` is the one function every due date of qactl goes through, whoever asks: ``score`` for each audit,
``timeline`` for each line it prints (its own regulation-derived dates included), ``make_exports`` for the demo.
It applies a milestone's due rules (the first alternative whose ``when`` holds) to the dates and values known,
through :func:`qactl.dates.period_end` and :func:`qactl.dates.fixed_date`. A milestone that counts from an earlier
one counts from the date it really happened when known, else from its due date.

:func:`judge` says whether a date met its limit: on time (on or before the due date), late, missing (due by the
audit date, no date), not yet due, or excused: late with a reason the limit's regulation allows (the milestone's
``excused_by``; a local target admits none). A reason that the limit does not allow, or that is not a recognised
reason at all, is kept in the result (``reason_check``), never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any, Literal

from qactl.dates import fixed_date, period_end
from qactl.rubric.conditions import describe, holds
from qactl.rubric.models import Due, Exceptions, Milestone, Rubric, parse_day_month, reason_key

Status = Literal["on_time", "late", "missing", "not_due", "exception", "not_applicable", "unknown"]


@cache
def _day_month(text: str) -> tuple[int, int]:
    return parse_day_month(text)


def _year(value: Any) -> int | None:
    if isinstance(value, date):
        return value.year
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1900 <= value <= 2200 else None
    if isinstance(value, str) and value.strip().isdigit():
        return _year(int(value.strip()))
    return None


def rule_date(rule: Due, known: Mapping[str, Any]) -> date | None:
    """The last day on time under one due rule (``when`` aside), or ``None`` when a date it needs is unknown."""
    if rule.date is not None:
        year = _year(known.get(rule.year or ""))
        if year is None:
            return None
        day, month = _day_month(rule.date)
        result = fixed_date(day, month, year, before=rule.before)
    else:
        start = known.get(rule.from_ or "")
        if not isinstance(start, date):
            return None
        result = period_end(
            start,
            weeks=rule.weeks,
            days=rule.days,
            months=rule.months,
            working_days=rule.working_days,
            starting_with=rule.starting_with,
        )
    if rule.at_latest is not None:
        cap = rule_date(rule.at_latest, known)
        if cap is not None and cap < result:
            result = cap
    if rule.not_before is not None:
        floor = rule_date(rule.not_before, known)
        if floor is not None and floor > result:
            result = floor
    return result


def due_of(
    rules: Due | Iterable[Due], known: Mapping[str, Any], audit_date: date | None = None
) -> tuple[date | None, Due | None]:
    """The due date under the first rule whose ``when`` holds (a rule without ``when`` always does), and that rule.

    ``known``: the values a rule may read, by id: date fields and milestones' actual dates as ``date``, other
    fields as parsed. ``(None, rule)`` when a date the rule needs is unknown; ``(None, None)`` when no rule applies
    or which one applies cannot be told.
    """
    for rule in [rules] if isinstance(rules, Due) else rules:
        if rule.when is not None:
            applies = holds(rule.when, known, {}, audit_date)
            if applies is None:
                return None, None
            if not applies:
                continue
        return rule_date(rule, known), rule
    return None, None


class DueDates:
    """The due dates of a rubric's milestones, worked out through :func:`due_of`; built once per rubric.

    A milestone whose start is another milestone with no actual date counts from that one's due date. Each
    milestone's due date is remembered on the values it reads (its starts, years and the fields its ``when``
    conditions test), so a scorer working through thousands of audits computes each distinct case once.
    """

    def __init__(self, rubric: Rubric) -> None:
        self.milestones = list(rubric.milestones)
        self.by_id = {m.id: m for m in self.milestones}
        self.starts = {m.id: tuple(m.starts()) for m in self.milestones}
        reads: dict[str, tuple[str, ...]] = {}
        for m in self.milestones:
            tested = [
                c.field
                for r in m.rules
                if r.when is not None
                for c in r.when.subjects()
                if c.field is not None
            ]
            reads[m.id] = tuple(dict.fromkeys([*self.starts[m.id], *tested]))
        self.reads = reads
        self.ages = {
            m.id: any(
                c.age_at_least is not None or c.age_below is not None
                for r in m.rules
                if r.when is not None
                for c in r.when.subjects()
            )
            for m in self.milestones
        }
        self.memo: dict[str, dict[tuple, date | None]] = {m.id: {} for m in self.milestones}

    def __call__(self, known: Mapping[str, Any], audit_date: date | None = None) -> dict[str, date | None]:
        out: dict[str, date | None] = {}
        view = dict(known)
        by_id = self.by_id

        def due(m: Milestone, seen: tuple[str, ...] = ()) -> date | None:
            if m.id in out:
                return out[m.id]
            for start in self.starts[m.id]:
                if view.get(start) is None and start in by_id and start not in seen and start != m.id:
                    d = due(by_id[start], (*seen, m.id))
                    if d is not None and known.get(start) is None:
                        view[start] = d
            key = (audit_date if self.ages[m.id] else None, *[view.get(x) for x in self.reads[m.id]])
            memo = self.memo[m.id]
            try:
                result = memo[key]
            except KeyError:
                result = memo[key] = due_of(m.due, view, audit_date)[0]
                if len(memo) > 1 << 16:
                    memo.clear()
            except TypeError:  # a value that cannot be a key
                result = due_of(m.due, view, audit_date)[0]
            out[m.id] = result
            return result

        for m in self.milestones:
            due(m)
        return out


def due_dates(
    rubric: Rubric, known: Mapping[str, Any], audit_date: date | None = None
) -> dict[str, date | None]:
    """Due date of every milestone of a rubric, from the known values (fields, and milestones' actual dates by id).

    A milestone whose start is another milestone with no actual date counts from that one's due date.
    """
    return DueDates(rubric)(known, audit_date)


def match_reasons(table: Mapping[str, str], text: Any) -> tuple[list[str], list[str]]:
    """The recognised reasons in a reason cell (``;``-separated answers allowed), and the parts recognised as none.

    Matched as answers are: the reason's id, label or an alias, ignoring case, spacing, punctuation and the
    regulation cited in brackets ("Exceptional personal circumstances" is "Exceptional personal circumstances
    (reg 10(4)(c))").
    ``table``: :func:`reason_table` of the rubric's exceptions.
    """
    if text is None or not str(text).strip():
        return [], []
    found: list[str] = []
    unknown: list[str] = []
    for part in str(text).split(";"):
        if not part.strip():
            continue
        rid = table.get(reason_key(part))
        if rid is None:
            unknown.append(part.strip())
        elif rid not in found:
            found.append(rid)
    return found, unknown


def reason_table(exceptions: Exceptions | None) -> dict[str, str]:
    """Every way of writing each recognised reason (as :func:`qactl.rubric.models.reason_key`) → its id."""
    table: dict[str, str] = {}
    for r in exceptions.reasons if exceptions else []:
        for word in (r.id.replace("_", " "), r.label, *r.aliases):
            table.setdefault(reason_key(word), r.id)
    return table


def judge(
    m: Milestone,
    due: date | None,
    actual: date | None,
    audit_date: date | None,
    *,
    reasons: Sequence[str] = (),
    reason_given: bool = False,
    on_time_answer: bool | None = None,
) -> dict[str, Any]:
    """Whether one date met its limit: ``{"status", "days_late", "reason", "excused_under", "reason_check", "basis"}``.

    ``reasons``: the recognised reasons given for this step (ids, in the order written); ``reason_given``: whether
    anything was written as a reason; ``on_time_answer``: a Yes/No answer saying whether it was on time (the
    milestone's ``on_time_field``), read when the dates cannot tell.

    ``reason_check``: ``None`` (on time, or no reason given), ``"applied"`` (excused under ``excused_under``),
    ``"not_allowed"`` (a recognised reason this limit does not allow; a local target allows none) or
    ``"unrecognised"`` (a statutory limit's reason that is none of the recognised ones; a local target's reason
    in words of one's own is just an explanation). ``basis``: ``"dates"``, or ``"answer"`` when
    the Yes/No answer decided.
    """
    basis = "dates"
    status: Status
    late: int | None
    if due is None:
        if on_time_answer is None:
            return _result("unknown", None)
        status, late, basis = ("on_time" if on_time_answer else "late"), None, "answer"
    elif actual is not None:
        late = (actual - due).days
        status = "on_time" if late <= 0 else "late"
        if late <= 0:
            late = 0
    elif audit_date is not None and audit_date <= due:
        return _result("not_due", None)
    elif on_time_answer is not None:
        status, late, basis = ("on_time" if on_time_answer else "late"), None, "answer"
    else:
        status, late = "missing", (audit_date - due).days if audit_date else None
    if status == "on_time":
        return _result(status, late, basis=basis)
    for rid in reasons:
        if rid in m.excused_by:
            return _result(
                "exception",
                late,
                reason=rid,
                excused_under=m.excused_by[rid] or m.citation,
                check="applied",
                basis=basis,
            )
    if reasons:
        return _result(status, late, reason=reasons[0], check="not_allowed", basis=basis)
    # a reason in words of one's own explains a late local target (nothing excuses one); for a statutory limit it
    # is flagged, so a recognised exception written another way is seen, not silently dropped
    unrecognised = reason_given and m.kind == "statutory"
    return _result(status, late, check="unrecognised" if unrecognised else None, basis=basis)


def _result(
    status: Status,
    days_late: int | None,
    *,
    reason: str | None = None,
    excused_under: str | None = None,
    check: str | None = None,
    basis: str = "dates",
) -> dict[str, Any]:
    return {
        "status": status,
        "days_late": days_late,
        "reason": reason,
        "excused_under": excused_under,
        "reason_check": check,
        "basis": basis,
    }


def yes_no(value: Any) -> bool | None:
    """A Yes/No answer as True/False (``None`` when blank or neither)."""
    if value is None:
        return None
    word = reason_key(value)
    if word in ("yes", "y", "true", "met", "on time"):
        return True
    if word in ("no", "n", "false", "not met", "late"):
        return False
    return None


def _period_words(rule: Due) -> str:
    parts = []
    for n, unit in (
        (rule.months, "month"),
        (rule.weeks, "week"),
        (rule.days, "day"),
        (rule.working_days, "working day"),
    ):
        if n:
            parts.append(f"{abs(n)} {unit}{'s' if abs(n) != 1 else ''}")
    return " ".join(parts) or "0 days"


def describe_rule(rubric: Rubric, rule: Due) -> str:
    """One due rule in words: "12 months starting with \"Date of the last review\"", "before 15 February of the
    year of \"Date of the transfer\"", "8 weeks after \"Decision\", and at the latest 12 weeks after \"Meeting\""."""
    if rule.rule:
        text = rule.rule
    elif rule.date is not None:
        text = f"{'before' if rule.before else 'on or before'} {rule.date} of the year of {_name(rubric, rule.year)}"
    elif rule.starting_with:
        text = f"within the {_period_words(rule)} starting with {_name(rubric, rule.from_)}"
    else:
        backwards = rule.weeks < 0 or rule.days < 0 or rule.months < 0 or rule.working_days < 0
        if not (rule.weeks or rule.days or rule.months or rule.working_days):
            text = f"on {_name(rubric, rule.from_)}"
        else:
            text = f"{_period_words(rule)} {'before' if backwards else 'after'} {_name(rubric, rule.from_)}"
    if rule.at_latest is not None:
        text += ", and at the latest " + describe_rule(rubric, rule.at_latest)
    if rule.not_before is not None:
        text += ", and not before " + describe_rule(rubric, rule.not_before)
    return text


def describe_due(rubric: Rubric, m: Milestone) -> str:
    """When a milestone is due, in words, with each alternative's condition."""
    rules = m.rules
    if len(rules) == 1 and rules[0].when is None:
        return describe_rule(rubric, rules[0])
    out = []
    for r in rules:
        out.append(
            describe_rule(rubric, r)
            + (f" when {describe(rubric, r.when)}" if r.when is not None else " otherwise")
        )
    return "; ".join(out)


def _name(rubric: Rubric, ref: str | None) -> str:
    f = rubric.field(ref or "")
    if f is not None:
        return f'"{f.text}"'
    m = rubric.milestone(ref or "")
    return f'"{m.text}"' if m is not None else str(ref)


__all__ = [
    "DueDates",
    "describe_due",
    "describe_rule",
    "due_dates",
    "due_of",
    "judge",
    "match_reasons",
    "reason_key",
    "reason_table",
    "rule_date",
    "yes_no",
]
