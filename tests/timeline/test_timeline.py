"""Statutory dates of `qactl timeline`, checked against the regulations (DOMAIN.md §1, §2) and the rubric's milestones."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qactl import timeline
from qactl.cli import app
from qactl.errors import UsageError
from qactl.rubric.loader import load_rubric
from qactl.rubric.milestones import due_dates

HERE = Path(__file__).parent
EHCNA = HERE / "ehcna-fixture.yaml"
REVIEW = HERE / "annual-review-fixture.yaml"
runner = CliRunner()


def test_ehcna_dates_are_the_regulations_weeks_after_receipt():
    t = timeline.ehcna(load_rubric(EHCNA), date(2025, 3, 3))
    got = {d.id: d.date for d in t.dates}
    # SEND Regs 5(1), 13(2); DOMAIN §1.4 convention: due = received + 7 × weeks.
    assert got["decision_to_assess"] == date(2025, 4, 14)
    assert got["advice_received"] == date(2025, 5, 26)
    assert got["decision_to_issue"] == date(2025, 6, 9)
    assert got["draft_plan"] == date(2025, 6, 23)
    assert got["final_plan"] == date(2025, 7, 21)
    # reg 13(1): 15 days beginning with the day served: last day = served + 14
    assert got["draft_representations_end"] == date(2025, 6, 23)  # draft assumed at 14 weeks (IPSEA): 9 June + 14


def test_domain_worked_example_1_september_2025():
    # DOMAIN §1.4: request 1 Sep 2025 -> 6 wks 13 Oct 2025, 16 wks 22 Dec 2025, 20 wks 19 Jan 2026
    got = {d.id: d.date for d in timeline.ehcna(load_rubric(EHCNA), date(2025, 9, 1)).dates}
    assert (got["decision_to_assess"], got["draft_plan"], got["final_plan"]) == (date(2025, 10, 13), date(2025, 12, 22), date(2026, 1, 19))


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
    t = timeline.annual_review(load_rubric(REVIEW), date(2025, 6, 10), amendment_notice=date(2025, 7, 1), known={"plan_issued": date(2024, 9, 1)})
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
    r = runner.invoke(app, ["timeline", "ehcna", "--received", "2025-03-03", "--rubric", str(EHCNA), "--json"])
    doc = json.loads(r.output)
    assert doc["kind"] == "qactl.timeline"
    assert {d["id"]: d["date"] for d in doc["dates"]}["final_plan"] == "2025-07-21"


def _qactl(*args):
    return subprocess.run([sys.executable, "-m", "qactl", *args], capture_output=True, text=True)


def test_cli_bad_date_and_no_milestones_exit_2():
    r = _qactl("timeline", "ehcna", "--received", "04/23/2025", "--rubric", str(EHCNA))
    assert r.returncode == 2 and "US-style" in r.stderr and "Traceback" not in r.stderr
    r = _qactl("timeline", "ehcna", "--received", "2025-03-03", "--rubric", str(HERE.parent / "data" / "mini.yaml"))
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
