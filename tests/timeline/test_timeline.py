"""Statutory dates of `qactl timeline`, checked against the regulations (SEND Regulations 2014: the needs assessment and plan, regs 4–13; reviews, regs 18–20) and the rubric's milestones."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qactl.cli import app
from qactl.errors import UsageError
from qactl.rubric.loader import load_rubric
from qactl.rubric.milestones import due_dates
from qactl.statutory import timeline

HERE = Path(__file__).parent
EHCNA = HERE / "ehcna-fixture.yaml"
REVIEW = HERE / "annual-review-fixture.yaml"
runner = CliRunner()


def test_ehcna_dates_are_the_regulations_weeks_after_receipt():
    t = timeline.ehcna(load_rubric(EHCNA), date(2025, 3, 3))
    got = {d.id: d.date for d in t.dates}
    # SEND Regs 5(1), 13(2) count "weeks" from receipt, unqualified, so calendar weeks; the last day on time is
    # received + 7 × weeks (docs/rubrics.md; no source defines the arithmetic: that convention is unconfirmed).
    assert got["decision_to_assess"] == date(2025, 4, 14)
    assert got["advice_received"] == date(2025, 5, 26)
    assert got["decision_to_issue"] == date(2025, 6, 9)
    assert got["draft_plan"] == date(2025, 6, 23)
    assert got["final_plan"] == date(2025, 7, 21)
    # reg 13(1): 15 days beginning with the day served: last day = served + 14
    assert got["draft_representations_end"] == date(
        2025, 6, 23
    )  # draft assumed at 14 weeks (IPSEA): 9 June + 14


def test_worked_example_1_september_2025():
    # Worked by hand, received + 7 × weeks: request 1 Sep 2025 -> 6 wks 13 Oct 2025, 16 wks 22 Dec 2025, 20 wks 19 Jan 2026
    got = {d.id: d.date for d in timeline.ehcna(load_rubric(EHCNA), date(2025, 9, 1)).dates}
    assert (got["decision_to_assess"], got["draft_plan"], got["final_plan"]) == (
        date(2025, 10, 13),
        date(2025, 12, 22),
        date(2026, 1, 19),
    )


def test_timeline_agrees_with_the_milestones_score_uses():
    rubric = load_rubric(EHCNA)
    received = date(2025, 3, 3)
    scoring = due_dates(rubric, {"request_received": received})
    shown = {d.id: d.date for d in timeline.ehcna(rubric, received).dates}
    for m in rubric.milestones:
        assert shown[m.id] == scoring[m.id], m.id
    weeks = {m.id: m.due.weeks for m in rubric.milestones}
    assert sorted(weeks.values()) == [6, 12, 14, 16, 20]


def test_given_draft_date_sets_the_window():
    t = timeline.ehcna(load_rubric(EHCNA), date(2025, 3, 3), draft=date(2025, 6, 2))
    assert {d.id: d.date for d in t.dates}["draft_representations_end"] == date(2025, 6, 16)
    assert t.notes == []


def test_annual_review_dates():
    t = timeline.annual_review(load_rubric(REVIEW), date(2025, 6, 10))
    got = {d.id: d.date for d in t.dates}
    assert got["invitations_sent"] == got["advice_circulated"] == date(2025, 5, 27)
    assert got["report_sent"] == date(2025, 6, 24)
    assert got["decision_notified"] == date(2025, 7, 8)
    # the notice of amendments is due at 4 weeks (8 July): + 8 weeks = 2 September, the same day as the meeting +
    # 12 weeks (R (L, M and P) v Devon CC): the cap does not bite when the notice is on time
    assert got["amended_plan"] == date(2025, 9, 2)
    review = next(d for d in t.dates if d.id == "review_held")
    assert review.date is None and review.needs == "plan_issued"


def test_annual_review_actual_amendment_notice_moves_the_final_plan_up_to_the_devon_cap():
    # notice on 1 July (a week early): 1 July + 8 weeks = 26 August, before meeting + 12 weeks (2 September)
    t = timeline.annual_review(
        load_rubric(REVIEW),
        date(2025, 6, 10),
        amendment_notice=date(2025, 7, 1),
        known={"plan_issued": date(2024, 9, 1)},
    )
    got = {d.id: d.date for d in t.dates}
    assert got["amended_plan"] == date(2025, 8, 26)
    assert got["amendment_representations_end"] == date(2025, 7, 15)  # 15 days beginning with 1 July
    # the 12 months starting with 01/09/2024 end on 31/08/2025 (CAFA s.44(1)), not on the anniversary
    assert got["review_held"] == date(2025, 8, 31)
    # a late notice (29 July): 29 July + 8 weeks = 23 September, capped at meeting + 12 weeks = 2 September
    late = timeline.annual_review(load_rubric(REVIEW), date(2025, 6, 10), amendment_notice=date(2025, 7, 29))
    assert {d.id: d.date for d in late.dates}["amended_plan"] == date(2025, 9, 2)


def test_rubric_without_milestones_is_refused():
    with pytest.raises(UsageError, match="has no milestones"):
        timeline.ehcna(load_rubric(HERE.parent / "data" / "mini.yaml"), date(2025, 3, 3))


def test_cli_ehcna_table_and_json():
    r = runner.invoke(app, ["timeline", "ehcna", "--received", "03/03/2025", "--rubric", str(EHCNA)])
    assert r.exit_code == 0, r.output
    assert "21/07/2025" in r.output
    r = runner.invoke(
        app, ["timeline", "ehcna", "--received", "2025-03-03", "--rubric", str(EHCNA), "--json"]
    )
    doc = json.loads(r.output)
    assert doc["kind"] == "qactl.timeline"  # the file kind of qactl 0.1, unchanged by the move of the module
    assert {d["id"]: d["date"] for d in doc["dates"]}["final_plan"] == "2025-07-21"


def _qactl(*args):
    from inprocess import qactl

    return qactl(*args)


def test_cli_bad_date_and_no_milestones_exit_2():
    r = _qactl("timeline", "ehcna", "--received", "04/23/2025", "--rubric", str(EHCNA))
    assert r.returncode == 2 and "US-style" in r.stderr and "Traceback" not in r.stderr
    r = _qactl(
        "timeline", "ehcna", "--received", "2025-03-03", "--rubric", str(HERE.parent / "data" / "mini.yaml")
    )
    assert r.returncode == 2 and "no milestones" in r.stderr


def _builtin(name: str):
    from qactl.rubric.loader import resolve

    for candidate in (name, name.replace("-", "_")):
        try:
            return resolve(candidate).rubric
        except (UsageError, FileNotFoundError):
            continue
    pytest.skip(f"the built-in {name} rubric is not in this checkout yet")


def test_builtin_ehcna_rubric_agrees_with_the_regulations():
    """Runs once the built-in ehcna-file rubric is merged: its milestones give the statutory 6/12/14/16/20 weeks."""
    rubric = _builtin("ehcna-file")
    t = timeline.ehcna(rubric, date(2025, 3, 3))
    dates = {d.date for d in t.dates if d.source.startswith("rubric")}
    assert date(2025, 7, 21) in dates  # 20 weeks: final plan (reg 13(2))
    assert date(2025, 4, 14) in dates  # 6 weeks: decision to assess (reg 5(1))
    scoring = due_dates(rubric, {t.start["field"]: date(2025, 3, 3)})
    assert {d.id: d.date for d in t.dates if d.source.startswith("rubric")} == scoring


def test_meeting_as_a_milestone():
    rubric = load_rubric(HERE / "annual-review-meeting-milestone.yaml")
    t = timeline.annual_review(rubric, date(2025, 6, 10), amendment_notice=date(2025, 7, 1))
    assert t.start == {"field": "review_meeting", "date": "2025-06-10"}
    got = {d.id: d for d in t.dates}
    assert got["invitations_sent"].date == date(2025, 5, 27)
    assert got["decision_notified"].date == date(2025, 7, 8)
    # the actual notice (1 July) replaces the decision's due date for the amended plan: 1 July + 8 weeks
    assert got["amended_plan"].date == date(2025, 8, 26)
    assert got["review_meeting"].date is None and got["review_meeting"].needs == "last_review"
    t = timeline.annual_review(rubric, date(2025, 6, 10), known={"last_review": date(2024, 7, 1)})
    assert {d.id: d.date for d in t.dates}["review_meeting"] == date(2025, 7, 1)


# ---------------------------------------------------------------- the built-in rubrics and the new processes


def test_a_draft_whose_15_days_run_past_20_weeks_is_warned_about():
    rubric = load_rubric(HERE.parents[1] / "rubrics" / "ehcna-file.yaml")
    # received 01/09/2025: 20 weeks end 19/01/2026; a draft served 08/01/2026 has its 15 days end 22/01/2026
    t = timeline.ehcna(rubric, date(2025, 9, 1), draft=date(2026, 1, 8))
    assert t.date_of("draft_representations_end") == date(2026, 1, 22)
    assert (
        len(t.warnings) == 1
        and "end on 22/01/2026, after the SEND Regulations 2014 reg 13(2) limit (19/01/2026)" in t.warnings[0]
    )
    assert "Issue the draft by 05/01/2026 at the latest" in t.warnings[0]  # 05/01 + 14 = 19/01
    assert timeline.ehcna(rubric, date(2025, 9, 1), draft=date(2026, 1, 5)).warnings == []


def test_advice_asked_of_a_school_inside_the_reg_10_4_a_window_is_warned_about():
    from qactl.schedule import load_schedule

    rubric = load_rubric(HERE.parents[1] / "rubrics" / "ehcna-file.yaml")
    terms = timeline.closures([load_schedule(HERE.parents[1] / "schedules" / "wolverhampton.yaml")])
    summer = next(c for c in terms if c.closed == date(2025, 7, 23))
    # summer term ends 22/07/2025, closed from 23/07, reopening 03/09/2025: the window runs from 16/07 to 27/08/2025
    assert (summer.reopens, summer.typical) == (date(2025, 9, 3), True)
    assert all(
        (c.reopens - c.closed).days >= 28 for c in terms
    )  # half terms and 2-week holidays are not closures
    inside = timeline.ehcna(rubric, date(2025, 6, 2), advice_requested=[date(2025, 7, 16)], terms=terms)
    assert len(inside.warnings) == 1
    w = inside.warnings[0]
    assert "from 16/07/2025 to 27/08/2025" in w and "reg 10(4)(a)" in w and "typical term dates" in w
    for outside in (date(2025, 7, 15), date(2025, 8, 28)):
        assert (
            timeline.ehcna(rubric, date(2025, 6, 2), advice_requested=[outside], terms=terms).warnings == []
        )


def test_annual_review_asks_which_phase_transfer():
    rubric = load_rubric(HERE.parents[1] / "rubrics" / "annual-review.yaml")
    with pytest.raises(UsageError, match="Say which kind of phase transfer with --transfer"):
        timeline.annual_review(rubric, date(2025, 10, 15), transfer_year=2026)
    school = timeline.annual_review(rubric, date(2025, 10, 15), transfer="school", transfer_year=2026)
    post16 = timeline.annual_review(rubric, date(2025, 10, 15), transfer="post16", transfer_year=2026)
    assert school.date_of("phase_transfer_amended") == date(2026, 2, 14)  # before 15 February (reg 18(1)(b))
    assert post16.date_of("phase_transfer_amended") == date(2026, 3, 30)  # before 31 March (reg 18(1)(a))
    # only the date that applies is printed: never both 15 February and 31 March
    assert [d.id for d in school.dates].count("phase_transfer_amended") == 1 and not any(
        "post16" in d.id for d in school.dates
    )
    with pytest.raises(UsageError, match="give --transfer-date DATE"):
        timeline.annual_review(rubric, date(2025, 10, 15), transfer="post16-move", transfer_year=2026)
    move = timeline.annual_review(
        rubric, date(2025, 10, 15), transfer="post16-move", transfer_date=date(2027, 1, 15)
    )
    assert move.date_of("phase_transfer_amended") == date(2026, 8, 15)  # at least 5 months before (reg 18(2))
    with pytest.raises(UsageError, match="say school, post16 or post16-move"):
        timeline.annual_review(rubric, date(2025, 10, 15), transfer="university", transfer_year=2026)


def test_annual_review_decision_not_to_amend_and_a_late_meeting():
    rubric = load_rubric(HERE.parents[1] / "rubrics" / "annual-review.yaml")
    t = timeline.annual_review(
        rubric, date(2025, 3, 10), decision=date(2025, 4, 1), known={"last_review": date(2024, 3, 10)}
    )
    assert t.date_of("no_amend_notice") == date(
        2025, 5, 27
    )  # 8 weeks after the notice of 01/04/2025 (reg 22(4))
    assert t.date_of("review_meeting") == date(2025, 3, 9)
    assert any("on 10/03/2025 is 1 day(s) after its due date, 09/03/2025" in w for w in t.warnings)


def test_processes_on_the_command_line():
    cases = [
        (["reassessment", "--notified", "03/03/2025"], {"plan_finalised": "2025-06-09"}),
        (
            ["tribunal-order", "--order", "assess", "--date", "03/03/2025"],
            {
                "notify_will_assess": "2025-03-17",
                "no_plan_decision": "2025-05-12",
                "plan_issued": "2025-06-09",
            },
        ),
        (["tribunal-order", "--order", "amend", "--date", "03/03/2025"], {"amended_plan": "2025-04-07"}),
        (["tribunal-order", "--order", "maintain", "--date", "03/03/2025"], {"maintained": "2025-03-03"}),
        (
            ["conceded-appeal", "--appeal", "assess", "--notified", "03/03/2025"],
            {
                "notify_will_assess": "2025-03-17",
                "no_plan_decision": "2025-05-12",
                "plan_issued": "2025-06-09",
            },
        ),
        # learned of the move on Thursday 28/08/2025, 2 working days before it: 15 working days on = Thursday 18/09/2025
        (
            ["transfer", "--moved", "01/09/2025", "--aware", "28/08/2025"],
            {"plan_transferred": "2025-09-18", "family_told": "2025-10-30"},
        ),
    ]
    for args, want in cases:
        r = runner.invoke(app, ["timeline", *args, "--json"])
        assert r.exit_code == 0, r.output
        doc = json.loads(r.output)
        got = {d["id"]: d["date"] for d in doc["dates"]}
        assert {k: got[k] for k in want} == want, args
        assert all(d["citation"] for d in doc["dates"])
    r = _qactl("timeline", "tribunal-order", "--order", "appeal", "--date", "03/03/2025")
    assert (
        r.returncode == 2
        and "one of assess, plan, amend, school, maintain" in r.stderr
        and "Traceback" not in r.stderr
    )
    r = runner.invoke(app, ["timeline", "transfer", "--moved", "01/09/2025", "--json"])
    doc = json.loads(r.output)
    review = next(d for d in doc["dates"] if d["id"] == "transferred_plan_reviewed")
    assert review["date"] is None and review["needs"] == "last_review"
    assert any("--last-review DATE" in n for n in doc["notes"])


def test_a_school_consulted_should_answer_within_15_days():
    rubric = load_rubric(HERE.parents[1] / "rubrics" / "ehcna-file.yaml")
    # consulted 02/01/2026: should answer by 17/01/2026 (CoP 9.83, guidance); 20 weeks end 19/01/2026
    t = timeline.ehcna(rubric, date(2025, 9, 1), draft=date(2025, 12, 1), consulted=date(2026, 1, 2))
    line = next(d for d in t.dates if d.id == "school_response")
    assert (line.date, line.kind, line.citation) == (
        date(2026, 1, 17),
        "guidance",
        "SEND Code of Practice 2015 para 9.83",
    )
    assert t.warnings == []
    late = timeline.ehcna(rubric, date(2025, 9, 1), draft=date(2025, 12, 1), consulted=date(2026, 1, 10))
    assert any(
        "should answer by 25/01/2026, after the SEND Regulations 2014 reg 13(2) limit (19/01/2026)" in w
        for w in late.warnings
    )
