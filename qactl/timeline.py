"""Statutory dates of a needs assessment or an annual review, from a rubric's own milestones.

The dates come from :func:`qactl.rubric.milestones.due_dates` run on the rubric that audits the
process (``ehcna-file``, ``annual-review``), so ``qactl timeline`` and ``qactl score`` can never
disagree. Only what a rubric cannot express as "start + weeks" is computed here, from the
regulations (DOMAIN.md §1.1.7, §2.4): the 15-day window for representations on a draft plan
(reg 13(1) / 22(2)(c): "at least 15 days, beginning with the day on which the draft plan was served",
so the last day is the service date + 14) and the phase-transfer deadlines of reg 18(1).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from qactl.errors import UsageError
from qactl.rubric.models import FieldType, Rubric

TIMELINE_KIND = "qactl.timeline"


@dataclass(frozen=True)
class Dated:
    """One date of the timeline."""

    id: str
    what: str
    date: date | None  # None: it counts from a date not given (``needs`` says which)
    rule: str  # the statutory rule, for people
    source: str  # "rubric <id>" or "regulation"
    counts_from: str = ""
    needs: str = ""


@dataclass
class Timeline:
    process: str
    rubric: dict[str, str]
    start: dict[str, str]  # {"field": id, "date": ISO}
    dates: list[Dated] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        from qactl import __version__

        return {
            "kind": TIMELINE_KIND,
            "format": 1,
            "qactl": __version__,
            "process": self.process,
            "rubric": self.rubric,
            "start": self.start,
            "dates": [{**asdict(d), "date": d.date.isoformat() if d.date else None} for d in self.dates],
            "notes": self.notes,
        }


def start_field(rubric: Rubric, words: tuple[str, ...]) -> str:
    """The date the rubric's milestones count from that ``words`` name (e.g. "received", "meeting").

    It may be a date field (``request_received``) or a milestone others count from (an annual review's
    ``review_meeting``: its actual date then stands in for its due date, as in scoring). Refuses a rubric
    with no milestones.
    """
    if not rubric.milestones:
        raise UsageError(
            f"The rubric {rubric.id!r} has no milestones, so it gives no statutory dates. "
            "Use a rubric with `milestones:` (see `qactl rubrics show`)."
        )
    by_id = {m.id: m for m in rubric.milestones}
    starts = list(dict.fromkeys(m.due.from_ for m in rubric.milestones))

    def label(x: str) -> str:
        thing = rubric.field(x) or by_id.get(x)
        return f"{x} {thing.text if thing else ''}".casefold()

    for s in starts:
        if any(w in label(s) for w in words):
            return s
    roots = [s for s in starts if s not in by_id]
    if len(roots) == 1:
        return roots[0]
    raise UsageError(
        f"The rubric {rubric.id!r} counts its milestones from {', '.join(starts)}, and none of them is the "
        f"{' / '.join(words)} date. Use a rubric whose milestones count from it."
    )


def _rule_of(m) -> str:
    d = m.due
    parts = []
    for n, unit in ((d.months, "month"), (d.weeks, "week"), (d.days, "day")):
        if n:
            parts.append(f"{abs(n)} {unit}{'s' if abs(n) != 1 else ''}")
    sign = "before" if 7 * d.weeks + d.days + 30 * d.months < 0 else "after"
    return f"{' '.join(parts)} {sign} {d.from_}"


def milestone_dates(rubric: Rubric, known: dict[str, date]) -> list[Dated]:
    """Every milestone of the rubric as a dated line, computed by the scoring code itself."""
    from qactl.rubric.milestones import due_dates

    dues = due_dates(rubric, dict(known))
    milestone_ids = {m.id for m in rubric.milestones}
    out = []
    for m in rubric.milestones:
        d = dues.get(m.id)
        needs = ""
        if d is None:
            # follow the chain to the field that is missing
            start = m.due.from_
            seen = set()
            by_id = {x.id: x for x in rubric.milestones}
            while start in milestone_ids and start not in seen:
                seen.add(start)
                start = by_id[start].due.from_
            needs = start
        rule = m.limit or _rule_of(m)
        if m.applies_if is not None:
            rule += " (where it applies)"
        out.append(Dated(m.id, m.text, d, rule, f"rubric {rubric.id}", counts_from=m.due.from_, needs=needs))
    return out


def _rubric_ref(rubric: Rubric) -> dict[str, str]:
    return {"id": rubric.id, "version": rubric.version, "title": rubric.title}


def _check_known(rubric: Rubric, known: dict[str, date]) -> None:
    for fid in known:
        f = rubric.field(fid)
        if f is None or f.type != FieldType.date:
            dates = [x.id for x in rubric.fields if x.type == FieldType.date]
            raise UsageError(f"--known {fid}=…: the rubric {rubric.id!r} has no date field {fid!r}. Its date fields: {', '.join(dates) or 'none'}.")


def ehcna(rubric: Rubric, received: date, *, draft: date | None = None, known: dict[str, date] | None = None) -> Timeline:
    """The statutory dates of an EHC needs assessment, from the date the request was received (DOMAIN §1.1)."""
    known = dict(known or {})
    _check_known(rubric, known)
    root = start_field(rubric, ("receiv", "request"))
    known[root] = received
    t = Timeline("ehcna", _rubric_ref(rubric), {"field": root, "date": received.isoformat()})
    t.dates = milestone_dates(rubric, known)
    # The 15-day window for representations on the draft (reg 13(1)): service day is day 1.
    served, how = draft, "draft issued"
    if served is None:
        # No statutory date for the draft itself; IPSEA: it should go out within 14 weeks so that the
        # 15 days and the consultation of schools fit inside the 20 (DOMAIN §1.1.9).
        served, how = received + timedelta(weeks=14), "draft issued at 14 weeks (IPSEA guidance)"
    t.dates.append(
        Dated(
            "draft_representations_end",
            "Last day for representations on the draft plan (15 days, the day it is served counting as day 1)",
            served + timedelta(days=14),
            "reg 13(1): at least 15 days beginning with the day the draft is served",
            "regulation",
            counts_from=how,
        )
    )
    if draft is None:
        t.notes.append("The 15-day window assumes the draft goes out at 14 weeks, as IPSEA advises; give --draft DATE for the real one.")
    t.dates.sort(key=_order)
    _needs_note(t)
    return t


def annual_review(
    rubric: Rubric,
    meeting: date,
    *,
    transfer_year: int | None = None,
    amendment_notice: date | None = None,
    known: dict[str, date] | None = None,
) -> Timeline:
    """The statutory dates around an annual review meeting (DOMAIN §2.2–§2.4)."""
    known = dict(known or {})
    _check_known(rubric, known)
    root = start_field(rubric, ("meeting",))
    known[root] = meeting
    t = Timeline("annual-review", _rubric_ref(rubric), {"field": root, "date": meeting.isoformat()})
    if amendment_notice is not None:
        # The actual notice date replaces its due date, as in scoring (milestones count from what happened).
        notice = _amendment_notice(rubric)
        if notice is None:
            t.notes.append("The rubric has no milestone for the amendment notice; --amendment-notice was not used.")
        else:
            known[notice] = amendment_notice
    t.dates = milestone_dates(rubric, known)
    t.dates.append(
        Dated(
            "amended_plan_latest",
            "Final amended plan issued, at the latest (4-week decision + 8 weeks)",
            meeting + timedelta(weeks=12),
            "reg 22(3) with R(L, M, P) v Devon CC [2022]: at most 12 weeks after the meeting",
            "regulation",
            counts_from=root,
        )
    )
    if amendment_notice is not None:
        t.dates.append(
            Dated(
                "amendment_representations_end",
                "Last day for representations on the proposed amendments (15 days, the day served counting as day 1)",
                amendment_notice + timedelta(days=14),
                "reg 22(2)(c): at least 15 days beginning with the day the notice is served",
                "regulation",
                counts_from="amendment notice",
            )
        )
    if transfer_year is not None:
        t.dates.append(
            Dated(
                "phase_transfer",
                "Plan reviewed and amended, naming the next school (transfer between school phases): before this date",
                date(transfer_year, 2, 15),
                "reg 18(1)(b): before 15 February of the year of transfer",
                "regulation",
            )
        )
        t.dates.append(
            Dated(
                "phase_transfer_post16",
                "Plan reviewed and amended, naming the post-16 institution (secondary to post-16): before this date",
                date(transfer_year, 3, 31),
                "reg 18(1)(a): before 31 March of the year of transfer",
                "regulation",
            )
        )
    t.dates.sort(key=_order)
    _needs_note(t)
    return t


def _amendment_notice(rubric: Rubric) -> str | None:
    """The milestone the amended plan counts from: an amendment-notice milestone, else the one the
    amended plan's own due date counts from (the 4-week decision, which sets out the proposed amendments)."""
    def text(m) -> str:
        return f"{m.id} {m.text}".casefold()

    ids = {m.id for m in rubric.milestones}
    for m in rubric.milestones:
        if "amend" in text(m) and "notice" in text(m):
            return m.id
    for m in rubric.milestones:
        if "amended" in text(m) and m.due.from_ in ids:
            return m.due.from_
    return None


def _needs_note(t: Timeline) -> None:
    needs = list(dict.fromkeys(d.needs for d in t.dates if d.needs))
    if needs:
        t.notes.append("Some dates count from a date not given: add " + ", ".join(f"--known {n}=DATE" for n in needs) + ".")


def _order(d: Dated) -> tuple:
    return (d.date is None, d.date or date.max)
