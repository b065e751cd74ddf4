"""Evaluating ``applies_if`` and limit conditions. Conditions are data; nothing is ever evaluated as code."""

from __future__ import annotations

from datetime import date
from typing import Any

from qactl.dates import age_on
from qactl.rubric.models import Condition, norm_answer


def holds(cond: Condition, fields: dict[str, Any], answers: dict[str, str | None], audit_date: date | None) -> bool | None:
    """Whether a condition holds for one audit; ``None`` when it cannot be told (a date missing).

    ``fields`` holds parsed field values (dates as ``date``); ``answers`` the canonical label of each item's answer.
    """
    if cond.all is not None:
        results = [holds(c, fields, answers, audit_date) for c in cond.all]
        return False if False in results else (None if None in results else True)
    if cond.any is not None:
        results = [holds(c, fields, answers, audit_date) for c in cond.any]
        return True if True in results else (None if None in results else False)
    if cond.not_ is not None:
        r = holds(cond.not_, fields, answers, audit_date)
        return None if r is None else not r
    value = fields.get(cond.field) if cond.field is not None else answers.get(cond.item)  # type: ignore[arg-type]
    if cond.age_at_least is not None or cond.age_below is not None:
        if not isinstance(value, date) or audit_date is None:
            return None
        age = age_on(value, audit_date)
        if cond.age_at_least is not None and age < cond.age_at_least:
            return False
        return not (cond.age_below is not None and age >= cond.age_below)
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
