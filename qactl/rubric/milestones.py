"""Statutory milestones: due dates and on-time status. One piece of code for `score` and `timeline`.

A milestone is due ``from`` a date field or an earlier milestone, plus weeks, days or months
(negative: before, as with "invitations at least 2 weeks before the meeting"). A milestone that
counts from an earlier one counts from the date it really happened when known, else from its due date.
A date on the due date is on time.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from qactl.dates import offset
from qactl.rubric.models import Milestone, Rubric

Status = Literal["on_time", "late", "missing", "not_due", "exception", "not_applicable", "unknown"]


def due_dates(rubric: Rubric, known: dict[str, date | None]) -> dict[str, date | None]:
    """Due date of every milestone, from the known dates (date fields and actual milestone dates by id).

    A milestone whose start is unknown gets ``None``.
    """
    out: dict[str, date | None] = {}
    by_id = {m.id: m for m in rubric.milestones}

    def due(m: Milestone, seen: tuple[str, ...] = ()) -> date | None:
        if m.id in out:
            return out[m.id]
        start_id = m.due.from_
        start = known.get(start_id)
        if start is None and start_id in by_id and start_id not in seen:
            start = due(by_id[start_id], (*seen, m.id))
        result = None if start is None else offset(start, weeks=m.due.weeks, days=m.due.days, months=m.due.months)
        out[m.id] = result
        return result

    for m in rubric.milestones:
        due(m)
    return out


def status(due: date | None, actual: date | None, audit_date: date | None, *, excepted: bool = False) -> tuple[Status, int | None]:
    """``(status, days_late)`` of one milestone. ``excepted``: the audit gives a recognised reason for lateness."""
    if due is None:
        return "unknown", None
    if actual is not None:
        late = (actual - due).days
        if late <= 0:
            return "on_time", 0
        return ("exception" if excepted else "late"), late
    if audit_date is not None and audit_date <= due:
        return "not_due", None
    if excepted:
        return "exception", None
    late = (audit_date - due).days if audit_date else None
    return "missing", late
