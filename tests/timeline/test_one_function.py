"""`score` and `timeline` work out every date through one function (qactl.rubric.milestones.due_of): for random dates,
the due date a scored audit carries is the date `qactl timeline` prints, and both equal the law's arithmetic worked
out here independently."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from qactl.dates import bank_holidays
from qactl.rubric.loader import builtin_dir, load_rubric
from qactl.scoring.mapping import map_columns
from qactl.scoring.score import Scorer
from qactl.statutory import timeline

EHCNA = load_rubric(builtin_dir() / "ehcna-file.yaml")
REVIEW = load_rubric(builtin_dir() / "annual-review.yaml")
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


def scored_dues(rubric, values: dict[str, object]) -> dict[str, str | None]:
    """The due date of every milestone in the audit `score` makes of one row holding ``values`` (by header)."""
    heads = [c.text for c in rubric.columns()]  # a blank form's columns, the given ones filled in
    cmap = map_columns(rubric, heads)
    scorer = Scorer(
        rubric, cmap, sheet="Sheet1", key=b"k", audit_date=date(2040, 1, 1), today=date(2040, 1, 1)
    )
    row = [values.get(h) for h in heads]
    audit = scorer.audit(2, [v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in row])
    return {mid: m["due"] for mid, m in audit["milestones"].items()}


def twelve_months_starting_with(d: date) -> date:
    """The last day of the 12 months starting with ``d``: the day before the same date a year on (1 March for 29 February)."""
    try:
        nxt = date(d.year + 1, d.month, d.day)
    except ValueError:
        nxt = date(d.year + 1, 3, 1)
    return nxt - timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(received=days)
def test_ehcna_score_and_timeline_agree_and_follow_the_regulations(received):
    shown = {d.id: d.date for d in timeline.ehcna(EHCNA, received).dates}
    scored = scored_dues(EHCNA, {"Date Received": received})
    for m in EHCNA.milestones:
        assert scored[m.id] == shown[m.id].isoformat(), m.id
    # weeks from receipt: the day of receipt not counted, N weeks end on the same weekday (reg 5(1), 10(1), 13(2))
    weeks = {
        "decision_to_assess": 6,
        "advice_received": 12,
        "decision_to_issue": 14,
        "no_plan_notice": 16,
        "draft_consultation": 16,
        "final_plan": 20,
    }
    for mid, n in weeks.items():
        assert shown[mid] == received + timedelta(days=7 * n) and shown[mid].weekday() == received.weekday()
    # 15 days beginning with the day the draft is served (14 weeks by default): served + 14 (reg 13(1))
    assert shown["draft_representations_end"] == received + timedelta(days=7 * 14 + 14)


@settings(max_examples=200, deadline=None)
@given(
    last=days,
    meeting_gap=st.integers(200, 500),
    decision_gap=st.integers(0, 90),
    kind=st.sampled_from(["school", "post16", "post16-move"]),
    transfer_gap=st.integers(100, 500),
)
def test_annual_review_score_and_timeline_agree(last, meeting_gap, decision_gap, kind, transfer_gap):
    meeting = last + timedelta(days=meeting_gap)
    decision = meeting + timedelta(days=decision_gap)
    transfer = meeting + timedelta(days=transfer_gap)
    choice = {
        "school": "Primary to secondary school",
        "post16": "Secondary school to post-16 institution",
        "post16-move": "Post-16 institution to another, at another time of year",
    }[kind]
    t = timeline.annual_review(
        REVIEW, meeting, decision=decision, known={"last_review": last}, transfer=kind, transfer_date=transfer
    )
    shown = {d.id: d.date for d in t.dates}
    scored = scored_dues(
        REVIEW,
        {
            "Date the plan was issued or last reviewed": last,
            "Date of the annual review meeting": meeting,
            "Date the local authority's decision was notified": decision,
            "Local authority decision after the review": "Amend",
            "Transfer between phases within the next 12 months": choice,
            "Date of the transfer (first day at the next school or setting)": transfer,
        },
    )
    for m in REVIEW.milestones:
        if m.id != "review_meeting":  # the meeting's own due date counts from the last review; checked below
            assert scored[m.id] == shown[m.id].isoformat(), m.id
    assert (
        shown["review_meeting"]
        == twelve_months_starting_with(last)
        == date.fromisoformat(scored["review_meeting"])
    )
    # the earlier of decision + 8 weeks (reg 22(3)) and meeting + 12 weeks (Devon)
    assert shown["amended_plan"] == min(decision + timedelta(weeks=8), meeting + timedelta(weeks=12))
    # reg 18: before 15 February / 31 March of the year of transfer, or 5 months before a post-16 move
    expected = {"school": date(transfer.year, 2, 14), "post16": date(transfer.year, 3, 30)}.get(kind)
    if expected is None:
        m = transfer.month - 5
        y = transfer.year + (m - 1) // 12
        m = (m - 1) % 12 + 1
        day = transfer.day
        while True:
            try:
                expected = date(y, m, day)
                break
            except ValueError:
                day -= 1
    assert shown["phase_transfer_amended"] == expected


@settings(max_examples=200, deadline=None)
@given(start=days)
def test_processes_without_a_rubric_follow_their_regulations(start):
    def dates(name, **given):
        return {d.id: d.date for d in timeline.process(name, given).dates}

    assert dates("reassessment", notified=start)["plan_finalised"] == start + timedelta(weeks=14)
    assert dates("tribunal-plan", order=start) == {
        "draft_issued": start + timedelta(weeks=5),
        "plan_issued": start + timedelta(weeks=11),
    }
    assert dates("tribunal-school", order=start)["amended_plan"] == start + timedelta(weeks=2)
    assert dates("conceded-content", notified=start)["amended_plan"] == start + timedelta(weeks=5)
    moved = dates("transfer", moved=start + timedelta(days=30), aware=start)
    # reg 15(2): on the day of the move, unless the council learned of it fewer than 15 working days before
    fifteen, d = 0, start
    while fifteen < 15:
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in bank_holidays(d.year):
            fifteen += 1
    assert moved["plan_transferred"] == max(start + timedelta(days=30), d)
    assert moved["family_told"] == moved["plan_transferred"] + timedelta(weeks=6)


def test_the_12_months_of_a_leap_day():
    # 12 months starting with 29/02/2024: the next 12 months would start on 01/03/2025, so these end 28/02/2025
    t = timeline.annual_review(REVIEW, date(2025, 2, 20), known={"last_review": date(2024, 2, 29)})
    assert t.date_of("review_meeting") == date(2025, 2, 28)
    t = timeline.annual_review(REVIEW, date(2025, 3, 1), known={"last_review": date(2024, 3, 10)})
    assert t.date_of("review_meeting") == date(2025, 3, 9)
