"""Statutory dates of one case: a needs assessment, an annual review, a re-assessment, a tribunal order, a conceded
appeal, a transfer between councils.

Every date goes through :func:`qactl.rubric.milestones.due_of`, the function ``qactl score`` judges audits with, so
``timeline`` and ``score`` can never disagree. The needs assessment and the annual review take their steps from the
rubric that audits them (``ehcna-file``, ``annual-review``); the other processes, which no rubric audits, are
tables of steps below, each a due rule with its citation. Dates the regulations add to a rubric's (the 15 days for
representations on a draft, reg 13(1) and 22(2)(c), "beginning with the day on which the draft plan was served",
so served + 14) are due rules too.

Warnings: a draft whose 15 days end after the 20-week limit, and advice asked of a school inside the reg 10(4)(a)
window (from a week before a closure of 4 weeks or more to a week before it reopens), found from a schedule's term
dates, which are typical dates unless the council has put in its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, NamedTuple

from qactl.errors import UsageError
from qactl.rubric.milestones import describe_due, describe_rule, due_of
from qactl.rubric.models import Condition, Due, FieldType, Milestone, Rubric, reason_key

TIMELINE_KIND = "qactl.timeline"

#: The 15 days for representations on a draft plan or proposed amendments: "beginning with the day on which the
#: draft plan was served" (SEND Regs reg 13(1)(a), 22(2)(c)), so the day served is the first of the 15.
REPRESENTATIONS = Due(from_="served", days=15, starting_with=True)
#: IPSEA: a draft issued by 14 weeks leaves room for the 15 days and the consultation of schools inside 20 weeks.
DRAFT_BY = Due(from_="received", weeks=14)
#: The reg 10(4)(a) window around a school closure of 4 weeks or more: from a week before the first day closed to a
#: week before the day it reopens.
WINDOW_OPENS = Due(from_="closed", days=-7)
WINDOW_CLOSES = Due(from_="reopens", days=-7)
#: A school or college consulted on being named in a plan "should" answer within 15 days (CoP 9.83): guidance.
CONSULTATION = Due(from_="consulted", days=15)
CLOSURE_WEEKS = 4


@dataclass(frozen=True)
class Dated:
    """One date of the timeline."""

    id: str
    what: str
    date: date | None  # None: it counts from a date not given (``needs`` says which)
    rule: str  # the rule in words, for people
    source: str  # "rubric <id>" or "regulation"
    counts_from: str = ""
    needs: str = ""
    kind: str = "statutory"  # statutory or target
    citation: str = ""


@dataclass
class Timeline:
    process: str
    rubric: dict[str, str] | None
    start: dict[str, str]  # {"field": id, "date": ISO}
    dates: list[Dated] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        from qactl import __version__

        return {
            "kind": TIMELINE_KIND,
            "format": 2,
            "qactl": __version__,
            "process": self.process,
            "rubric": self.rubric,
            "start": self.start,
            "dates": [{**asdict(d), "date": d.date.isoformat() if d.date else None} for d in self.dates],
            "warnings": self.warnings,
            "notes": self.notes,
        }

    def date_of(self, did: str) -> date | None:
        return next((d.date for d in self.dates if d.id == did), None)


# ---------------------------------------------------------------- processes of a rubric


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
    starts = list(dict.fromkeys(r.from_ for m in rubric.milestones for r in m.rules if r.from_))

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


def _needs(rubric: Rubric, m: Milestone, known: dict[str, Any], seen: frozenset[str] = frozenset()) -> str:
    """The first value a milestone's due date needs and does not have (following milestones it counts from)."""
    by_id = {x.id: x for x in rubric.milestones}
    for rule in m.rules:
        for c in [rule.when] if rule.when is not None else []:
            for sub in c.subjects():
                if sub.field is not None and known.get(sub.field) in (None, ""):
                    return sub.field
    for start in m.starts():
        if known.get(start) is not None:
            continue
        if start in by_id and start not in seen:
            deeper = _needs(rubric, by_id[start], known, seen | {m.id})
            if deeper:
                return deeper
            continue
        return start
    return ""


def milestone_dates(rubric: Rubric, known: dict[str, Any]) -> list[Dated]:
    """Every milestone of the rubric as a dated line, computed by the scoring code itself."""
    from qactl.rubric.milestones import due_dates

    dues = due_dates(rubric, dict(known))
    out = []
    for m in rubric.milestones:
        d = dues.get(m.id)
        applied = due_of(m.due, {**known, **_dates(dues, known)})[1] if len(m.rules) > 1 else None
        rule = describe_rule(rubric, applied) if applied is not None else describe_due(rubric, m)
        if m.applies_if is not None:
            rule += " (where it applies)"
        out.append(
            Dated(
                m.id,
                m.text,
                d,
                rule,
                f"rubric {rubric.id}",
                counts_from=m.rules[0].from_ or m.rules[0].year or "",
                needs="" if d is not None else _needs(rubric, m, known),
                kind=m.kind or "",
                citation=m.citation or "",
            )
        )
    return out


def _late_given(rubric: Rubric, t: Timeline, known: dict[str, Any]) -> None:
    """Warn about each date given that is after its own due date (a meeting or a decision already late)."""
    for d in t.dates:
        given = known.get(d.id)
        if isinstance(given, date) and d.date is not None and given > d.date:
            t.warnings.append(
                f"{d.what} on {_d(given)} is {(given - d.date).days} day(s) after its due date, {_d(d.date)} "
                f"({d.citation or 'local target'})."
            )


def _dates(dues: dict[str, date | None], known: dict[str, Any]) -> dict[str, date]:
    return {k: v for k, v in dues.items() if v is not None and known.get(k) is None}


def _rubric_ref(rubric: Rubric) -> dict[str, str]:
    return {"id": rubric.id, "version": rubric.version, "title": rubric.title}


def _check_known(rubric: Rubric, known: dict[str, Any]) -> None:
    for fid in known:
        f = rubric.field(fid)
        if f is None or f.type != FieldType.date:
            dates = [x.id for x in rubric.fields if x.type == FieldType.date]
            raise UsageError(
                f"--known {fid}=…: the rubric {rubric.id!r} has no date field {fid!r}. Its date fields: {', '.join(dates) or 'none'}."
            )


class _Limit(NamedTuple):
    """A statutory line of the timeline that has a date."""

    id: str
    name: str  # its citation, else its id
    date: date


def _final_limit(rubric: Rubric, t: Timeline) -> _Limit | None:
    """The statutory line the whole process must meet: ``final_plan``, else the latest statutory date."""
    lines = [
        _Limit(d.id, d.citation or d.id, d.date)
        for d in t.dates
        if d.source.startswith("rubric") and d.kind == "statutory" and d.date is not None
    ]
    return next((x for x in lines if x.id == "final_plan"), None) or max(
        lines, key=lambda x: x.date, default=None
    )


def ehcna(
    rubric: Rubric,
    received: date,
    *,
    draft: date | None = None,
    known: dict[str, date] | None = None,
    advice_requested: Sequence[date] = (),
    terms: Terms | None = None,
    consulted: date | None = None,
) -> Timeline:
    """The statutory dates of an EHC needs assessment, from the date the LA received the request."""
    known = dict(known or {})
    _check_known(rubric, known)
    root = start_field(rubric, ("receiv", "request"))
    known[root] = received
    t = Timeline("ehcna", _rubric_ref(rubric), {"field": root, "date": received.isoformat()})
    t.dates = milestone_dates(rubric, known)
    served, how = draft, "draft issued"
    if served is None:
        served, how = due_of(DRAFT_BY, {"received": received})[0], "draft issued at 14 weeks (IPSEA guidance)"
        t.notes.append(
            "The 15-day window assumes the draft goes out at 14 weeks, as IPSEA advises; give --draft DATE for the real one."
        )
    window = Dated(
        "draft_representations_end",
        "Last day for representations on the draft plan (15 days, the day it is served counting as day 1)",
        due_of(REPRESENTATIONS, {"served": served})[0],
        "reg 13(1): at least 15 days beginning with the day the draft is served",
        "regulation",
        counts_from=how,
        citation="SEND Regulations 2014 reg 13(1)",
    )
    t.dates.append(window)
    final = _final_limit(rubric, t)
    if final is not None and window.date is not None and window.date > final.date:
        t.warnings.append(
            f"The 15 days for representations on the draft end on {_d(window.date)}, after the {final.name} limit "
            f"({_d(final.date)}): the final plan cannot be issued in time unless the family answers sooner. "
            "Issue the draft by " + _d(_shift(final.date, -14)) + " at the latest."
        )
    elif final is not None and window.date == final.date:
        t.notes.append(
            f"The 15 days for representations end on {_d(window.date)}, the last day of the {final.name} limit: no day is left to consider them."
        )
    if consulted is not None:
        answer = Dated(
            "school_response",
            "School or college consulted on being named: its answer",
            due_of(CONSULTATION, {"consulted": consulted})[0],
            "15 days from the consultation (guidance: 'should')",
            "guidance",
            counts_from="consulted",
            kind="guidance",
            citation="SEND Code of Practice 2015 para 9.83",
        )
        t.dates.append(answer)
        if final is not None and answer.date is not None and answer.date > final.date:
            t.warnings.append(
                f"A school consulted on {_d(consulted)} should answer by {_d(answer.date)}, after the {final.name} "
                f"limit ({_d(final.date)}): consult earlier."
            )
    for asked in advice_requested:
        t.warnings += school_closure_warnings(asked, terms)
    if advice_requested and terms is None:
        t.notes.append(
            "No term dates to check the advice requests against: give --schedule FILE with your council's terms."
        )
    t.dates.sort(key=_order)
    _needs_note(t)
    return t


def _shift(d: date, days: int) -> date:
    shifted = due_of(Due(from_="d", days=days), {"d": d})[0]
    assert shifted is not None  # the one date the rule counts from is given
    return shifted


def annual_review(
    rubric: Rubric,
    meeting: date,
    *,
    transfer: str | None = None,
    transfer_year: int | None = None,
    transfer_date: date | None = None,
    decision: date | None = None,
    amendment_notice: date | None = None,
    known: dict[str, date] | None = None,
) -> Timeline:
    """The statutory dates around an annual review meeting: the rubric's milestones, with the meeting's date, the
    decision's and the phase transfer's when given."""
    known_: dict[str, Any] = dict(known or {})
    _check_known(rubric, known_)
    root = start_field(rubric, ("meeting",))
    known_[root] = meeting
    t = Timeline("annual-review", _rubric_ref(rubric), {"field": root, "date": meeting.isoformat()})
    notice = decision or amendment_notice
    if notice is not None:
        mid = _decision_milestone(rubric)
        if mid is None:
            t.notes.append(
                "The rubric has no milestone for the LA's decision or the amendment notice; --decision was not used."
            )
        else:
            known_[mid] = notice  # what happened replaces its due date, as in scoring
    if transfer is not None or transfer_year is not None or transfer_date is not None:
        _phase_transfer(rubric, t, known_, transfer, transfer_year, transfer_date)
    t.dates = milestone_dates(rubric, known_)
    _late_given(rubric, t, known_)
    if notice is not None:
        t.dates.append(
            Dated(
                "amendment_representations_end",
                "Last day for representations on the proposed amendments (15 days, the day served counting as day 1)",
                due_of(REPRESENTATIONS, {"served": notice})[0],
                "reg 22(2)(c): at least 15 days beginning with the day the notice is served",
                "regulation",
                counts_from="amendment notice",
                citation="SEND Regulations 2014 reg 22(2)(c)",
            )
        )
    t.dates.sort(key=_order)
    found = _transfer_milestone(rubric)
    hints = {found[1]: "--transfer KIND with --transfer-year YEAR (or --transfer-date DATE)"} if found else {}
    if found and found[2]:
        hints[found[2]] = "--transfer-date DATE"
    _needs_note(t, option_of=lambda n: hints.get(n, f"--known {n}=DATE"))
    return t


def _decision_milestone(rubric: Rubric) -> str | None:
    """The milestone the amended plan counts from: an amendment-notice milestone, else the one the amended plan's
    due date counts from (the 4-week decision, which sets out the proposed amendments)."""

    def text(m) -> str:
        return f"{m.id} {m.text}".casefold()

    ids = {m.id for m in rubric.milestones}
    for m in rubric.milestones:
        if "amend" in text(m) and "notice" in text(m) and "not" not in text(m).split():
            return m.id
    for m in rubric.milestones:
        start = m.rules[0].from_
        if "amended" in text(m) and start in ids:
            return start
    return None


#: ``--transfer`` shortcuts: words that pick the choice of the rubric's transfer field.
TRANSFER_SHORTCUTS = {
    "school": ("secondary school", "junior school", "middle school", "to school"),  # before 15 February
    "post16": ("secondary school to post 16",),  # before 31 March
    "post16-move": ("post 16 institution to another",),  # at least 5 months before
}


def _transfer_milestone(rubric: Rubric) -> tuple[Milestone, str, str | None] | None:
    """The phase-transfer milestone, the field its alternatives test, and the field giving its year or date."""
    for m in rubric.milestones:
        tested = [s.field for r in m.rules if r.when is not None for s in r.when.subjects() if s.field]
        if tested:
            dates = [x for r in m.rules for x in (r.year, r.from_) if x and rubric.field(x) is not None]
            return m, tested[0], (dates[0] if dates else None)
    return None


def _phase_transfer(
    rubric: Rubric,
    t: Timeline,
    known: dict[str, Any],
    transfer: str | None,
    year: int | None,
    when: date | None,
) -> None:
    found = _transfer_milestone(rubric)
    if found is None:
        t.notes.append("The rubric has no phase-transfer milestone; --transfer was not used.")
        return
    m, kind_field, date_field = found
    f = rubric.field(kind_field)
    choices = [c for c in (f.choices if f and f.choices else []) if reason_key(c) != "no"]
    if transfer is None:
        raise UsageError(
            "Say which kind of phase transfer with --transfer: the deadlines differ (reg 18): "
            "school (before 15 February), post16 (secondary school to post-16: before 31 March), "
            "post16-move (between post-16 institutions at another time: at least 5 months before)"
            + (f"; or one of: {'; '.join(choices)}" if choices else "")
            + "."
        )
    choice = _choose(transfer, choices)
    known[kind_field] = choice
    if date_field is None:
        return
    if when is not None:
        known[date_field] = when
    elif year is not None:
        wants_date = any(
            r.from_ == date_field
            for r in m.rules
            if r.when is not None and _holds_for(r.when, kind_field, choice)
        )
        if wants_date:
            raise UsageError(
                f"--transfer {transfer!r}: the deadline counts back from the day of the transfer (reg 18(2)); give --transfer-date DATE."
            )
        known[date_field] = date(year, 9, 1)
        t.notes.append(
            f"The transfer is taken to be in {year}; only its year matters for this deadline (reg 18(1))."
        )
    else:
        raise UsageError("Give --transfer-year YEAR (or --transfer-date DATE) with --transfer.")


def _holds_for(when: Condition, field_id: str, value: str) -> bool:
    from qactl.rubric.conditions import holds

    return holds(when, {field_id: value}, {}, None) is True


def _choose(word: str, choices: list[str]) -> str:
    key = reason_key(word)
    exact = [c for c in choices if reason_key(c) == key]
    if exact:
        return exact[0]
    shortcut = TRANSFER_SHORTCUTS.get(word.strip().casefold().replace("_", "-"))
    if shortcut is not None:
        for hint in shortcut:
            hits = [c for c in choices if hint in reason_key(c)]
            if hits:
                return hits[0]
    hits = [c for c in choices if key and key in reason_key(c)]
    if len(hits) == 1:
        return hits[0]
    raise UsageError(
        f"--transfer {word!r}: say school, post16 or post16-move"
        + (f", or one of: {'; '.join(choices)}" if choices else "")
        + "."
    )


# ---------------------------------------------------------------- processes no rubric audits


@dataclass(frozen=True)
class Step:
    """One step of a process: its due rule (counting from the process's dates or earlier steps) and its citation."""

    id: str
    what: str
    due: Due
    citation: str
    rule: str
    exceptions: str = ""  # the exceptions the regulation allows, for people


@dataclass(frozen=True)
class Process:
    name: str
    title: str
    starts: dict[str, str]  # the dates it counts from: id → what, for people
    steps: tuple[Step, ...]
    notes: tuple[str, ...] = ()


_R44 = "SEND Regulations 2014 reg 44(2) (paragraph as summarised by IPSEA and HMCTS; unconfirmed)"
_R45 = "SEND Regulations 2014 reg 45 as substituted by the SEND (Amendment) Regulations 2015 reg 8"
_ASSESS_NOTE = "Either a decision not to make a plan (10 weeks) or the plan itself (14 weeks) ends the process: whichever applies."

PROCESSES: dict[str, Process] = {
    "reassessment": Process(
        "reassessment",
        "Re-assessment of an EHC plan",
        {
            "notified": "the LA notified its decision to re-assess (reg 25(1)) or decided to re-assess (CAFA s.44(3))"
        },
        (
            Step(
                "plan_finalised",
                "Amended or replacement plan finalised and sent",
                Due(from_="notified", weeks=14),
                "SEND Regulations 2014 reg 27(2)",
                "14 weeks from the notification or decision to re-assess",
                exceptions="reg 27(3)(a)-(d): a school or early years provider closed for 4 weeks or more, exceptional personal circumstances, absence from the area for 4 weeks or more",
            ),
        ),
    ),
    "tribunal-assess": Process(
        "tribunal-assess",
        "Tribunal order: carry out an EHC needs assessment",
        {"order": "the date of the Tribunal's order"},
        (
            Step(
                "notify_will_assess",
                "Parent or young person told the LA will assess",
                Due(from_="order", weeks=2),
                _R44,
                "2 weeks from the order",
            ),
            Step(
                "no_plan_decision",
                "Decision not to make a plan notified (if that is the outcome)",
                Due(from_="order", weeks=10),
                _R44,
                "10 weeks from the order",
            ),
            Step(
                "plan_issued",
                "EHC plan issued (if one is made)",
                Due(from_="order", weeks=14),
                _R44,
                "14 weeks from the order",
            ),
        ),
        (_ASSESS_NOTE,),
    ),
    "tribunal-plan": Process(
        "tribunal-plan",
        "Tribunal order: make and maintain a plan",
        {"order": "the date of the Tribunal's order"},
        (
            Step(
                "draft_issued",
                "Draft plan issued",
                Due(from_="order", weeks=5),
                _R44,
                "5 weeks from the order",
            ),
            Step(
                "plan_issued",
                "Final plan issued",
                Due(from_="order", weeks=11),
                _R44,
                "11 weeks from the order",
            ),
        ),
    ),
    "tribunal-amend": Process(
        "tribunal-amend",
        "Tribunal order: amend the plan's content",
        {"order": "the date of the Tribunal's order"},
        (
            Step(
                "amended_plan",
                "Amended plan issued",
                Due(from_="order", weeks=5),
                "SEND Regulations 2014 reg 44(2)(e)",
                "5 weeks from the order",
            ),
        ),
    ),
    "tribunal-school": Process(
        "tribunal-school",
        "Tribunal order: change only the school or institution named",
        {"order": "the date of the Tribunal's order"},
        (
            Step(
                "amended_plan",
                "Amended plan naming the school issued",
                Due(from_="order", weeks=2),
                "SEND Regulations 2014 reg 44(2)(f)",
                "2 weeks from the order",
            ),
        ),
    ),
    "tribunal-maintain": Process(
        "tribunal-maintain",
        "Tribunal order: continue to maintain the plan (not cease it)",
        {"order": "the date of the Tribunal's order"},
        (
            Step(
                "maintained",
                "Plan maintained: at once",
                Due(from_="order", days=0),
                _R44,
                "immediately, from the order",
            ),
        ),
    ),
    "conceded-assess": Process(
        "conceded-assess",
        "Appeal against a refusal to assess, not opposed by the LA",
        {"notified": "the LA told the Tribunal it would not oppose the appeal"},
        (
            Step(
                "notify_will_assess",
                "Parent or young person told the LA will assess",
                Due(from_="notified", weeks=2),
                f"{_R45}: reg 45(3)",
                "2 weeks from telling the Tribunal",
            ),
            Step(
                "no_plan_decision",
                "Decision not to make a plan notified (if that is the outcome)",
                Due(from_="notified", weeks=10),
                f"{_R45}: reg 45(3A)(a)",
                "10 weeks",
            ),
            Step(
                "plan_issued",
                "EHC plan issued (if one is made)",
                Due(from_="notified", weeks=14),
                f"{_R45}: reg 45(3A)(b)",
                "14 weeks",
            ),
        ),
        (
            _ASSESS_NOTE,
            "The 10 and 14 weeks are counted here from the day the LA told the Tribunal; check the regulation's wording for your case.",
        ),
    ),
    "conceded-content": Process(
        "conceded-content",
        "Appeal against a plan's content, not opposed by the LA",
        {"notified": "the LA told the Tribunal it would not oppose the appeal"},
        (
            Step(
                "amended_plan",
                "Amended plan issued",
                Due(from_="notified", weeks=5),
                f"{_R45}: reg 45(4)",
                "5 weeks from telling the Tribunal",
            ),
        ),
    ),
    "transfer": Process(
        "transfer",
        "Transfer of a plan to another council (the family moves)",
        {
            "moved": "the day the child or young person moved",
            "aware": "the day the old council learned of the move",
            "last_review": "the day the plan was made or last reviewed",
        },
        (
            Step(
                "plan_transferred",
                "Old council transfers the plan to the new one",
                Due(from_="moved", days=0, not_before=Due(from_="aware", working_days=15)),
                "SEND Regulations 2014 reg 15(2)",
                "on the day of the move; within 15 working days of learning of it, if that was less than 15 working days before",
            ),
            Step(
                "family_told",
                "New council tells the family the plan has transferred, whether it will re-assess and when it will review",
                Due(from_="plan_transferred", weeks=6),
                "SEND Regulations 2014 reg 15(4)",
                "6 weeks from the transfer",
            ),
            Step(
                "transferred_plan_reviewed",
                "New council reviews the transferred plan, at the latest",
                Due(
                    from_="last_review",
                    months=12,
                    starting_with=True,
                    not_before=Due(from_="plan_transferred", months=3),
                ),
                "SEND Regulations 2014 reg 15(5) (its second limb, 3 months, as commonly cited; unconfirmed)",
                "the later of: 12 months from the plan or its last review; 3 months from the transfer",
            ),
        ),
        (
            "Working days: Monday to Friday, not England and Wales bank holidays (worked out from the rules; one-off holidays are not known).",
        ),
    ),
}


def process(name: str, dates: dict[str, date]) -> Timeline:
    """The dates of a process that no rubric audits (``PROCESSES``), from the dates given."""
    p = PROCESSES.get(name)
    if p is None:
        raise UsageError(f"No process {name!r}: one of {', '.join(PROCESSES)}.")
    first = next(iter(p.starts))
    if dates.get(first) is None:
        raise UsageError(f"{p.title}: give the date {p.starts[first]}.")
    t = Timeline(name, None, {"field": first, "date": dates[first].isoformat()})
    known: dict[str, Any] = {k: v for k, v in dates.items() if v is not None}
    for s in p.steps:
        d = due_of(s.due, known)[0]
        if d is not None and s.id not in known:
            known[s.id] = d  # later steps count from this one's due date, as milestones do
        rule = s.rule + (f"; exceptions: {s.exceptions}" if s.exceptions else "")
        needs = "" if d is not None else next((x for x in s.due.starts() if known.get(x) is None), "")
        t.dates.append(
            Dated(
                s.id,
                s.what,
                d,
                rule,
                "regulation",
                counts_from=s.due.from_ or "",
                needs=needs,
                citation=s.citation,
            )
        )
    t.notes += list(p.notes)
    if name == "transfer" and dates.get("aware") is None:
        t.notes.append(
            "Without --aware, the plan is due on the day of the move (the council learned of it in good time)."
        )
    t.dates.sort(key=_order)
    _needs_note(t, option_of=lambda n: f"--{n.replace('_', '-')} DATE")
    return t


# ---------------------------------------------------------------- school closures (reg 10(4)(a), reg 5(4)(a))


@dataclass(frozen=True)
class Closure:
    closed: date  # the first day closed
    reopens: date
    typical: bool


Terms = list[Closure]


def closures(schedules: list[Any]) -> Terms:
    """The closures of 4 weeks or more between the terms of schedules (``qactl.schedule.Schedule``)."""
    out: list[Closure] = []
    for s in schedules:
        terms = sorted((t for y in s.terms.years for _, t in y.terms()), key=lambda t: t.start)
        for a, b in zip(terms, terms[1:], strict=False):
            first = _shift(a.end, 1)
            if (b.start - first).days >= 7 * CLOSURE_WEEKS:
                out.append(Closure(first, b.start, s.terms.typical))
    return out


def school_closure_warnings(asked: date, terms: Terms | None) -> list[str]:
    """A warning when advice asked of a school on ``asked`` falls in the reg 10(4)(a) window of a closure."""
    out = []
    for c in terms or []:
        opens = due_of(WINDOW_OPENS, {"closed": c.closed})[0]
        closes = due_of(WINDOW_CLOSES, {"reopens": c.reopens})[0]
        # both are given dates shifted by a number of days, so never unknown
        if opens is not None and closes is not None and opens <= asked <= closes:
            typical = (
                " These are the schedule's typical term dates for England, not the school's own: check the school's dates."
                if c.typical
                else ""
            )
            out.append(
                f"Advice was asked of a school on {_d(asked)}, inside the reg 10(4)(a) window of the closure from {_d(c.closed)} "
                f"(reopening {_d(c.reopens)}): from {_d(opens)} to {_d(closes)}. If the closure made it impractical, the 16- and "
                f"20-week limits may be missed lawfully (reg 10(4)(a), 13(3)), and the 6-week decision (reg 5(4)(a)); the LA must "
                f"still act as soon as practicable.{typical}"
            )
    return out


# ---------------------------------------------------------------- helpers


def _d(d: date | None) -> str:
    from qactl.dates import format_date

    return format_date(d)


def _needs_note(t: Timeline, option_of=lambda n: f"--known {n}=DATE") -> None:
    needs = list(dict.fromkeys(d.needs for d in t.dates if d.needs))
    if needs:
        t.notes.append(
            "Some dates count from a date not given: add " + ", ".join(option_of(n) for n in needs) + "."
        )


def _order(d: Dated) -> tuple:
    return (d.date is None, d.date or date.max)
