"""The Practice Improvement Plan workbook: written, edited in Excel, read back, tracked."""

from __future__ import annotations

import datetime as dt

import pytest

from qactl.errors import ConfigError, OutputError
from qactl.triangulation.actions import (
    Action,
    Suggestion,
    action_id,
    findings_from,
    plan,
    progress,
    read_actions,
    suggest_actions,
    write_actions,
)

A1 = Action(
    id=action_id("theme:timeliness"),
    action="Weekly tracker of cases at 14 weeks",
    owner="SENSTART manager",
    due=dt.date(2026, 3, 31),
    status="In progress",
    source="theme:timeliness",
    baseline=42.0,
    round="2025 Autumn",
)
A2 = Action(
    id=action_id("eps-advice:smart_outcomes"),
    action="=SUM(A1) SMART outcomes workshop",
    source="eps-advice:smart_outcomes",
    baseline=60.0,
    round="2025 Autumn",
)


def test_write_then_read_gives_the_same_actions(tmp_path):
    path = tmp_path / "plan.xlsx"
    write_actions(path, [A1, A2], written=dt.date(2025, 11, 3))
    assert read_actions(path) == [A1, A2]


def test_the_workbook_has_a_status_drop_down_real_dates_and_no_formulas(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "plan.xlsx"
    write_actions(path, [A1, A2], written=dt.date(2025, 11, 3))
    wb = load_workbook(path)
    assert wb.sheetnames == ["Actions", "About"]
    ws = wb["Actions"]
    assert [c.value for c in ws[1]] == [
        "ID",
        "Action",
        "Owner",
        "Due",
        "Status",
        "Finding",
        "Baseline %",
        "Round",
        "Notes",
        "Finding key (for qactl: do not change)",
    ]
    # the finding in words; its key, for the next round, in a hidden column
    assert (
        ws["F2"].value == "Theme: Timeliness"
        and ws["F3"].value == "Quality assurance of psychological advice: Outcomes are SMART"
    )
    assert ws["J3"].value == "eps-advice:smart_outcomes" and ws.column_dimensions["J"].hidden
    assert ws["D2"].value == dt.datetime(2026, 3, 31) and ws["D2"].number_format == "dd/mm/yyyy"
    assert ws["B3"].data_type == "s" and ws["B3"].value.startswith("=SUM")
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert (
        lists and lists[0].formula1 == '"Not started,In progress,Complete,Overdue"' and "E2" in lists[0].sqref
    )


def test_ids_are_stable_and_derived_from_the_finding():
    assert action_id("theme:timeliness") == action_id(" Theme:Timeliness ") == A1.id
    assert action_id("theme:timeliness") != action_id("theme:jargon")
    assert A1.id.startswith("PIP-") and len(A1.id) == 10


def test_a_plan_edited_by_hand_is_read(tmp_path, workbook):
    path = workbook(
        tmp_path / "edited.xlsx",
        {
            "Actions": [
                ["ID", "Action", "Owner", "Due", "Status", "Source finding", "Baseline %", "Round", "Notes"],
                [
                    A1.id,
                    A1.action,
                    "New owner",
                    dt.datetime(2026, 4, 30),
                    "done",
                    "theme:timeliness",
                    42,
                    "2025 Autumn",
                    "tracker live",
                ],
                [None, None, None, None, None, None, None, None, None],
                [None, "A row added in Excel", None, "30/06/2026", None, None, None, None, None],
            ]
        },
    )
    a, b = read_actions(path)
    assert (a.owner, a.due, a.status, a.notes, a.baseline) == (
        "New owner",
        dt.date(2026, 4, 30),
        "Complete",
        "tracker live",
        42.0,
    )
    assert (
        b.status == "Not started"
        and b.due == dt.date(2026, 6, 30)
        and b.id == action_id("A row added in Excel")
    )


def test_bad_status_and_due_date_name_their_cells(tmp_path, workbook):
    path = workbook(
        tmp_path / "edited.xlsx",
        {
            "Actions": [
                ["ID", "Action", "Owner", "Due", "Status"],
                ["PIP-1", "One", None, "31/03/2026", "In progres"],
                ["PIP-2", "Two", None, "03/31/2026", "Complete"],
                ["PIP-3", "Three", None, None, "Finished?"],
            ]
        },
    )
    with pytest.raises(ConfigError) as e:
        read_actions(path)
    msgs = [p.message for p in e.value.problems]
    assert (
        msgs[0]
        == "Actions!E2: unknown status 'In progres' (did you mean 'In progress'?); use Not started, In progress, Complete, Overdue"
    )
    assert msgs[1].startswith(
        "Actions!D3: the due date is not a date: '03/31/2026' looks like a US-style date"
    )
    assert msgs[2].startswith("Actions!E4: unknown status 'Finished?'")
    assert len(msgs) == 3


def test_duplicate_ids_are_an_error(tmp_path, workbook):
    path = workbook(
        tmp_path / "edited.xlsx", {"Actions": [["ID", "Action"], ["PIP-1", "One"], ["PIP-1", "Two"]]}
    )
    with pytest.raises(
        ConfigError, match=r"Actions!A3: the ID 'PIP-1' is used again \(first at Actions!A2\)"
    ):
        read_actions(path)


def test_progress_shows_the_change_since_the_baseline():
    done = A2.model_copy(update={"status": "Complete"})
    out = progress(
        [A1, done], {"theme:timeliness": 55.5, "eps-advice:smart_outcomes": 58.0}, today=dt.date(2026, 1, 10)
    )
    assert [(p.status, p.current, p.change, p.trend) for p in out] == [
        ("In progress", 55.5, 13.5, "improved"),
        ("Complete", 58.0, -2.0, "no change"),
    ]
    assert out[0].summary == "In progress; theme:timeliness 42% → 55.5% (+13.5 points: improved)."


def test_progress_overdue_declined_and_not_measured():
    out = progress([A1, A2], {"theme:timeliness": 30.0}, today=dt.date(2026, 4, 1))
    assert (out[0].status, out[0].trend, out[0].change) == ("Overdue", "declined", -12.0)
    assert out[0].summary.startswith("Overdue (due 31/03/2026);")
    assert (out[1].status, out[1].trend) == ("Not started", "not measured")  # no due date: never overdue


def test_plan_keeps_earlier_actions_and_adds_new_findings_once():
    suggestions = [
        Suggestion(source="theme:timeliness", action="Another idea", baseline=40.0),
        Suggestion(source="theme:jargon", action="Plain-English check of drafts", baseline=48.0),
        Suggestion(source="theme:jargon", action="Duplicate", baseline=48.0),
    ]
    out = plan([A1], suggestions, "2026 Spring")
    assert out[0] == A1
    assert [(a.source, a.action, a.round, a.status) for a in out[1:]] == [
        ("theme:jargon", "Plain-English check of drafts", "2026 Spring", "Not started")
    ]


def test_findings_from_theme_results():
    results = {
        "audit": {
            "timeliness": {
                "audits": 4,
                "percent_met": 50.0,
                "criteria": [
                    {
                        "rubric": "health-advice",
                        "item": "six_weeks",
                        "text": "",
                        "answers": 4,
                        "percent_met": 50.0,
                    }
                ],
            }
        },
        "family": {
            "timeliness": {
                "audits": 9,
                "percent_met": 22.2,
                "criteria": [
                    {
                        "rubric": "family-feedback",
                        "item": "on_time",
                        "text": "",
                        "answers": 9,
                        "percent_met": 22.2,
                    }
                ],
            }
        },
    }
    assert findings_from(results) == {
        "theme:timeliness": 50.0,
        "health-advice:six_weeks": 50.0,
        "family-feedback:on_time": 22.2,
    }
    del results["audit"]
    assert findings_from(results)["theme:timeliness"] == 22.2  # no audit: the family view stands in


def test_suggestions_from_triangulation_feed_the_next_plan():
    from qactl.triangulation.verdicts import triangulate

    r = lambda n, p: {"audits": n, "percent_met": p, "criteria": []}  # noqa: E731
    views = triangulate(
        {
            "audit": {"timeliness": r(12, 40.0), "jargon": r(12, 90.0), "voice_of_child": r(12, 85.0)},
            "family": {"timeliness": r(20, 10.0), "jargon": r(20, 30.0), "voice_of_child": r(20, 80.0)},
        },
        None,
    )
    got = suggest_actions(views)
    assert [(s.source, s.baseline) for s in got] == [("theme:jargon", 90.0), ("theme:timeliness", 40.0)]
    assert got[1].action.startswith("Timeliness: the sources agree this is a concern.")
    new = plan([A1], got, "2026 Spring")
    assert [a.source for a in new] == ["theme:timeliness", "theme:jargon"]  # timeliness already has an action


def test_nothing_is_written_on_failure(tmp_path):
    path = tmp_path / "plan.xlsx"
    with pytest.raises(ValueError, match="two actions share the id"):
        write_actions(path, [A1, A1])
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(OutputError, match="does not exist"):
        write_actions(tmp_path / "missing" / "plan.xlsx", [A1])


def test_round_two_reads_the_previous_plan_and_shows_progress(root):
    previous = read_actions(root / "examples" / "actions-previous.xlsx")
    assert len(previous) == 5 and {a.round for a in previous} == {"2025 Summer"}
    out = progress(
        previous, {"theme:timeliness": 45.0, "family-feedback:on_time": 20.8}, today=dt.date(2025, 11, 3)
    )
    by_source = {p.action.source: p for p in out}
    assert (by_source["theme:timeliness"].status, by_source["theme:timeliness"].change) == ("Overdue", 7.0)
    assert by_source["family-feedback:on_time"].trend == "declined"
    assert by_source["theme:voice_of_child"].trend == "not measured"
