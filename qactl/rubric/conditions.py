"""Evaluating ``applies_if``, due rules' ``when`` and limit conditions. Conditions are data; nothing is ever
evaluated as code."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from qactl.dates import age_on
from qactl.rubric.models import Condition, norm_answer

BREACH = ("late", "missing")


def holds(
    cond: Condition,
    fields: Mapping[str, Any],
    answers: Mapping[str, str | None],
    audit_date: date | None,
    *,
    statuses: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    applying: Mapping[str, bool] | None = None,
    sections: Mapping[str, str] | None = None,
) -> bool | None:
    """Whether a condition holds for one audit; ``None`` when it cannot be told (a date missing).

    ``fields`` holds parsed field values (dates as ``date``); ``answers`` the canonical label of each item's answer;
    ``applying`` whether each item applies (``items`` conditions count only those); ``sections`` each item's
    section; ``statuses`` and ``kinds`` each milestone's status and kind (``milestone`` and ``breach``).
    """

    def part(c: Condition) -> bool | None:  # a condition within this one, on the same audit
        return holds(
            c,
            fields,
            answers,
            audit_date,
            statuses=statuses,
            kinds=kinds,
            applying=applying,
            sections=sections,
        )

    if cond.all is not None:
        results = [part(c) for c in cond.all]
        return False if False in results else (None if None in results else True)
    if cond.any is not None:
        results = [part(c) for c in cond.any]
        return True if True in results else (None if None in results else False)
    if cond.not_ is not None:
        r = part(cond.not_)
        return None if r is None else not r
    if cond.breach is not None:
        if statuses is None:
            return None
        kinds = kinds or {}
        return any(
            st in BREACH and (cond.breach == "any" or kinds.get(mid) == cond.breach)
            for mid, st in statuses.items()
        )
    if cond.milestone is not None:
        if statuses is None:
            return None
        return _test(cond, statuses.get(cond.milestone))
    if cond.items is not None:
        applying = applying or {}
        if cond.items == "all":
            chosen = list(answers)
        else:
            names = set(cond.items)
            chosen = [i for i in answers if i in names or (sections or {}).get(i) in names]
        return any(
            applying.get(i, True) and answers.get(i) is not None and _test(cond, answers.get(i))
            for i in chosen
        )
    if cond.field is not None:
        value = fields.get(cond.field)
    else:
        value = answers.get(cond.item) if cond.item is not None else None
    if cond.age_at_least is not None or cond.age_below is not None:
        if not isinstance(value, date) or audit_date is None:
            return None
        age = age_on(value, audit_date)
        if cond.age_at_least is not None and age < cond.age_at_least:
            return False
        return not (cond.age_below is not None and age >= cond.age_below)
    if cond.at_least is not None or cond.below is not None:
        number = _number(value)
        if number is None:
            return None
        if cond.at_least is not None and number < cond.at_least:
            return False
        return not (cond.below is not None and number >= cond.below)
    return _test(cond, value)


def _test(cond: Condition, value: Any) -> bool | None:
    blank = value is None or str(value).strip() == ""
    if cond.answered is not None:
        return (not blank) == cond.answered
    text = "" if blank else norm_answer(value.isoformat() if isinstance(value, date) else value)
    want = cond.equals if cond.equals is not None else cond.answer
    if want is not None:
        return text == norm_answer(want)
    if cond.in_ is not None:
        return text in {norm_answer(w) for w in cond.in_}
    if cond.not_in is not None:
        return text not in {norm_answer(w) for w in cond.not_in}
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def describe(rubric: Any, cond: Condition) -> str:
    """A condition in words, for people: ``"Date of birth" aged 14 or over on the audit date``."""
    if cond.all is not None:
        return " and ".join(describe(rubric, c) for c in cond.all)
    if cond.any is not None:
        return " or ".join(describe(rubric, c) for c in cond.any)
    if cond.not_ is not None:
        return f"not ({describe(rubric, cond.not_)})"
    if cond.breach is not None:
        what = {"statutory": "a statutory time limit", "target": "a local target", "any": "a time limit"}[
            cond.breach
        ]
        return f"{what} is missed (late, or due with no date) without an exception the law allows"
    if cond.milestone is not None:
        m = rubric.milestone(cond.milestone)
        name = m.text if m else cond.milestone
        want = cond.equals or cond.answer
        statuses = [want] if want else (cond.in_ or [])
        return f'the date "{name}" is ' + " or ".join(s.replace("_", " ") for s in statuses)
    if cond.items is not None:
        which = "any question" if cond.items == "all" else "any of " + ", ".join(cond.items)
        want = cond.equals if cond.equals is not None else cond.answer
        return f"{which} is answered " + (want if want is not None else " or ".join(cond.in_ or []))
    if cond.field is not None:
        f = rubric.field(cond.field)
        name = f.text if f else cond.field
    else:
        i = rubric.item(cond.item or "")
        name = i.text if i else str(cond.item)
    parts = []
    if cond.age_at_least is not None:
        parts.append(f"aged {cond.age_at_least} or over on the audit date")
    if cond.age_below is not None:
        parts.append(f"under {cond.age_below} on the audit date")
    if cond.at_least is not None:
        parts.append(f"is {cond.at_least:g} or more")
    if cond.below is not None:
        parts.append(f"is below {cond.below:g}")
    want = cond.equals if cond.equals is not None else cond.answer
    if want is not None:
        parts.append(f"is {want}")
    if cond.in_ is not None:
        parts.append("is one of " + ", ".join(cond.in_))
    if cond.not_in is not None:
        parts.append("is none of " + ", ".join(cond.not_in))
    if cond.answered is not None:
        parts.append("is filled in" if cond.answered else "is blank")
    return f'"{name}" ' + " and ".join(parts)
