"""Timeliness: the one definition of "on time" that every figure of qactl is counted by.

Pure functions over plain data. From a scored file's header (its rubric ``schema``) and its audits, count each
milestone and each kind of milestone (``statutory``: a limit set by law; ``target``: a local target) by status:

========================  =====================================================================================
``on_time``               the date is on or before the due date
``late``                  after the due date (``days_late`` says by how much), no exception the law allows
``missing``               due by the audit date, no date given: counted as not on time
``exception``             late (or missing) with an exception the limit's regulation allows: **excused**
``not_due``               not yet due on the audit date
``not_applicable``        the step does not apply (a condition, or a process that ended lawfully before it)
``unknown``               the due date cannot be worked out (a start date missing)
========================  =====================================================================================

The **rate** of a milestone or a kind is ``100 × on_time / (on_time + late + missing)``, rounded half up to one
decimal: excused dates are **out of the denominator**, as the national SEN2 figures count 20-week timeliness
"excluding exceptions". ``rate_with_exceptions`` counts them in (as not on time), SEN2's other figure. Statutory
limits and local targets are always counted apart: a local target is never excused and never mixed into the
statutory rate.

Only audits with status ``scored`` count (an audit in error or a duplicate submission does not). A milestone of
the schema that an audit lacks counts as ``unknown``.

Scored files of format 1 (qactl 0.1) have no kinds and excused every late date with the audit's one reason: their
milestones are counted, with ``kind`` ``None``; the statutory and target figures stay empty and ``comparable`` is
false, with a note saying why.

Use :class:`Tally` to count audits as they stream (``add`` each audit, or ``add_file`` a header and its audits;
files of one rubric add up), then :meth:`Tally.result`; or :func:`timeliness` for one file at once.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypedDict

Kind = Literal["statutory", "target"]
KINDS: tuple[Kind, ...] = ("statutory", "target")
STATUSES = ("on_time", "late", "missing", "exception", "not_due", "not_applicable", "unknown")
#: The statuses of the denominator: due, and not excused.
COUNTED = ("on_time", "late", "missing")
#: Statuses that are a breach of the limit (late, or due with no date), unless excused.
BREACH = ("late", "missing")
#: Scored files of this format (qactl 0.1) have no kinds, and one reason excused every late date.
LEGACY_FORMAT = 1
CURRENT_FORMAT = 2


class Figures(TypedDict):
    """Counts by status, and the rates. ``due`` = on_time + late + missing (the denominator)."""

    due: int
    on_time: int
    late: int
    missing: int
    exception: int
    not_due: int
    not_applicable: int
    unknown: int
    rate: float | None  # 100 × on_time / due, one decimal, half up; None when nothing was due
    rate_with_exceptions: float | None  # 100 × on_time / (due + exception)
    days_late_median: float | None  # over the late dates whose days late are known
    days_late_max: int | None
    reasons_applied: dict[str, int]  # reason id → dates it excused
    reasons_refused: (
        int  # late or missing dates whose reason is not an exception this limit allows (or none at all)
    )


class MilestoneFigures(Figures):
    id: str
    text: str
    kind: Kind | None  # None: a format-1 file, which did not say
    citation: str | None
    limit: str | None


class KindFigures(Figures):
    kind: Kind
    milestones: list[str]  # the ids of the milestones of this kind
    audits: int  # audits with at least one milestone of this kind due or excused
    audits_breached: int  # audits with at least one late or missing milestone of this kind
    audits_all_on_time: int  # audits with at least one due, and every one due on time


class Timeliness(TypedDict):
    format: int
    comparable: bool  # False: a format-1 file (no kinds; one reason excused every date), not to compare
    audits: int  # scored audits counted
    milestones: list[MilestoneFigures]
    statutory: KindFigures
    target: KindFigures
    notes: list[str]


def rate(part: int, whole: int) -> float | None:
    """``100 × part / whole`` to one decimal, half up, in whole numbers (no float drift); ``None`` when whole is 0."""
    if whole <= 0:
        return None
    return ((2000 * part + whole) // (2 * whole)) / 10


class _Counts:
    __slots__ = ("status", "days", "applied", "refused")

    def __init__(self) -> None:
        self.status: Counter[str] = Counter()
        self.days: list[int] = []
        self.applied: Counter[str] = Counter()
        self.refused = 0

    def add(self, result: Mapping[str, Any]) -> str:
        st = result.get("status")
        st = st if st in STATUSES else "unknown"
        self.status[st] += 1
        if st == "late":
            d = result.get("days_late")
            if isinstance(d, int) and not isinstance(d, bool):
                self.days.append(d)
        if st == "exception":
            reason = result.get("reason")
            self.applied[str(reason) if reason else "unspecified"] += 1
        elif st in BREACH and result.get("reason_check") in ("not_allowed", "unrecognised"):
            self.refused += 1
        return st

    def merge(self, other: _Counts) -> None:
        self.status.update(other.status)
        self.days.extend(other.days)
        self.applied.update(other.applied)
        self.refused += other.refused

    def figures(self) -> Figures:
        c = self.status
        due = c["on_time"] + c["late"] + c["missing"]
        return {
            "due": due,
            "on_time": c["on_time"],
            "late": c["late"],
            "missing": c["missing"],
            "exception": c["exception"],
            "not_due": c["not_due"],
            "not_applicable": c["not_applicable"],
            "unknown": c["unknown"],
            "rate": rate(c["on_time"], due),
            "rate_with_exceptions": rate(c["on_time"], due + c["exception"]),
            "days_late_median": float(statistics.median(self.days)) if self.days else None,
            "days_late_max": max(self.days) if self.days else None,
            "reasons_applied": dict(sorted(self.applied.items())),
            "reasons_refused": self.refused,
        }


class Tally:
    """Timeliness counted over any number of audits of one rubric (one schema), as they stream past."""

    def __init__(self, schema: Mapping[str, Any] | None, fmt: int | None = None) -> None:
        """``schema``: the scored file's ``schema``; ``fmt``: its ``format`` (None: this qactl's own)."""
        self.format = LEGACY_FORMAT if fmt == LEGACY_FORMAT else None
        milestones = [
            m for m in (schema or {}).get("milestones") or [] if isinstance(m, Mapping) and m.get("id")
        ]
        self.milestones = milestones
        self.kind_of: dict[str, Kind | None] = {}
        for m in milestones:
            k = m.get("kind")
            self.kind_of[str(m["id"])] = k if (self.format is None and k in KINDS) else None
        self.per_milestone: dict[str, _Counts] = {str(m["id"]): _Counts() for m in milestones}
        self.audits = 0
        self.kind_audits: dict[Kind, Counter[str]] = {k: Counter() for k in KINDS}

    def add_file(self, header: Mapping[str, Any], audits: Iterable[Mapping[str, Any]]) -> None:
        """Every audit of one scored file (its header is only read for its format)."""
        if header.get("format", LEGACY_FORMAT) == LEGACY_FORMAT and self.format is None:
            self.format = LEGACY_FORMAT
            self.kind_of = dict.fromkeys(self.kind_of)
        for a in audits:
            self.add(a)

    def add(self, audit: Mapping[str, Any]) -> None:
        """One audit: counted only when scored."""
        if audit.get("status") != "scored":
            return
        self.audits += 1
        results = audit.get("milestones")
        results = results if isinstance(results, Mapping) else {}
        due = dict.fromkeys(KINDS, 0)
        breached = dict.fromkeys(KINDS, False)
        touched = dict.fromkeys(KINDS, False)
        for mid, counts in self.per_milestone.items():
            r = results.get(mid)
            st = counts.add(r if isinstance(r, Mapping) else {})
            kind = self.kind_of[mid]
            if kind is None:
                continue
            if st in COUNTED:
                due[kind] += 1
                touched[kind] = True
                breached[kind] = breached[kind] or st in BREACH
            elif st == "exception":
                touched[kind] = True
        for k in KINDS:
            if touched[k]:
                self.kind_audits[k]["audits"] += 1
            if breached[k]:
                self.kind_audits[k]["breached"] += 1
            elif due[k]:
                self.kind_audits[k]["all_on_time"] += 1

    def result(self) -> Timeliness:
        out: list[MilestoneFigures] = []
        by_kind = {k: _Counts() for k in KINDS}
        for m in self.milestones:
            mid = str(m["id"])
            counts = self.per_milestone[mid]
            kind = self.kind_of[mid]
            if kind is not None:
                by_kind[kind].merge(counts)
            out.append(
                {
                    "id": mid,
                    "text": str(m.get("text") or mid),
                    "kind": kind,
                    "citation": m.get("citation") if kind is not None else None,
                    "limit": m.get("limit"),
                    **counts.figures(),
                }
            )
        kinds: dict[Kind, KindFigures] = {}
        for k in KINDS:
            a = self.kind_audits[k]
            kinds[k] = {
                "kind": k,
                "milestones": [str(m["id"]) for m in self.milestones if self.kind_of[str(m["id"])] == k],
                "audits": a["audits"],
                "audits_breached": a["breached"],
                "audits_all_on_time": a["all_on_time"],
                **by_kind[k].figures(),
            }
        notes = []
        comparable = self.format is None
        if not comparable and self.milestones:
            notes.append(
                "Scored by an earlier qactl (format 1): its dates are not split into statutory limits and local "
                "targets, and one reason excused every late date, so its timeliness is not compared. Score the "
                "export again with this version to compare it."
            )
        return {
            "format": self.format or CURRENT_FORMAT,
            "comparable": comparable,
            "audits": self.audits,
            "milestones": out,
            "statutory": kinds["statutory"],
            "target": kinds["target"],
            "notes": notes,
        }


def timeliness(header: Mapping[str, Any], audits: Iterable[Mapping[str, Any]]) -> Timeliness:
    """The timeliness of one scored file: its header (with ``schema`` and ``format``) and its audits."""
    schema = header.get("schema")
    t = Tally(schema if isinstance(schema, Mapping) else None, header.get("format", LEGACY_FORMAT))
    for a in audits:
        t.add(a)
    return t.result()
