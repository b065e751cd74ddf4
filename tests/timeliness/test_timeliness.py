"""The one definition of timeliness (qactl.statutory.timeliness): statutory limits and local targets counted apart, exceptions out
of the statutory denominator as the national SEN2 figures count, and format-1 files not compared."""

from __future__ import annotations

from qactl.statutory.timeliness import Tally, rate, timeliness

SCHEMA = {
    "milestones": [
        {
            "id": "decision",
            "text": "Decision to assess",
            "kind": "statutory",
            "citation": "SEND Regulations 2014 reg 5(1)",
            "limit": "6 weeks",
        },
        {
            "id": "advice",
            "text": "Advice received",
            "kind": "target",
            "citation": None,
            "limit": "Local target: 12 weeks",
        },
        {
            "id": "final",
            "text": "Final plan",
            "kind": "statutory",
            "citation": "SEND Regulations 2014 reg 13(2)",
            "limit": "20 weeks",
        },
    ]
}


def ms(status, days_late=None, **extra):
    return {"due": None, "actual": None, "status": status, "days_late": days_late, **extra}


def audit(decision, advice, final, status="scored"):
    return {
        "row": 2,
        "status": status,
        "milestones": {"decision": decision, "advice": advice, "final": final},
    }


AUDITS = [
    # 1: everything on time
    audit(ms("on_time", 0), ms("on_time", 0), ms("on_time", 0)),
    # 2: final plan one day late (a breach of reg 13(2)); a late local target too
    audit(ms("on_time", 0), ms("late", 9), ms("late", 1)),
    # 3: final plan late with an exception the limit allows: excused, out of the statutory denominator
    audit(ms("on_time", 0), ms("on_time", 0), ms("exception", 11, reason="personal_circumstances")),
    # 4: the decision due with no date (missing); the rest not yet due
    audit(ms("missing", 30), ms("not_due"), ms("not_due")),
    # 5: a decision not to assess, made in time: the later steps do not apply
    audit(ms("on_time", 0), ms("not_applicable"), ms("not_applicable")),
    # 6: late with a reason the limit does not allow: a breach, and the refused reason counted
    audit(
        ms("late", 36, reason="early_years_closed", reason_check="not_allowed"),
        ms("on_time", 0),
        ms("on_time", 0),
    ),
    # not counted: an audit in error and a duplicate submission
    audit(ms("late", 5), ms("late", 5), ms("late", 5), status="error"),
    audit(ms("on_time", 0), ms("on_time", 0), ms("on_time", 0), status="duplicate"),
]


def test_statutory_rate_excludes_exceptions_and_targets_are_apart():
    t = timeliness({"format": 2, "schema": SCHEMA}, AUDITS)
    assert t["audits"] == 6 and t["comparable"] is True and t["notes"] == []
    s = t["statutory"]
    # statutory dates: decision on time in 1,2,3,5 (4) + late in 6 + missing in 4; final on time in 1,6, late in 2,
    # excused in 3, not due in 4, not applicable in 5.
    assert (s["on_time"], s["late"], s["missing"], s["exception"], s["not_due"], s["not_applicable"]) == (
        6,
        2,
        1,
        1,
        1,
        1,
    )
    assert s["due"] == 9
    assert (
        s["rate"] == 66.7
    )  # 6 of 9: the excused final plan is out of the denominator (SEN2 "excluding exceptions")
    assert s["rate_with_exceptions"] == 60.0  # 6 of 10
    assert s["milestones"] == ["decision", "final"]
    # audits: 4 breached (missing decision), 2 (late final), 6 (late decision); all on time: 1, 3, 5
    assert (s["audits"], s["audits_breached"], s["audits_all_on_time"]) == (6, 3, 3)
    assert s["reasons_applied"] == {"personal_circumstances": 1} and s["reasons_refused"] == 1
    assert (
        s["days_late_median"] == 18.5 and s["days_late_max"] == 36
    )  # late by 1 and 36 (a missing date has no days late)
    g = t["target"]
    # advice (a local target): on time in 1, 3, 6; late in 2 (a reason never excuses a target); not due in 4; n/a in 5
    assert (g["on_time"], g["late"], g["due"], g["rate"], g["exception"], g["not_due"]) == (
        3,
        1,
        4,
        75.0,
        0,
        1,
    )
    assert g["milestones"] == ["advice"]


def test_per_milestone_figures():
    t = timeliness({"format": 2, "schema": SCHEMA}, AUDITS)
    by = {m["id"]: m for m in t["milestones"]}
    final = by["final"]
    assert (final["kind"], final["citation"]) == ("statutory", "SEND Regulations 2014 reg 13(2)")
    assert (final["due"], final["on_time"], final["late"], final["exception"], final["rate"]) == (
        3,
        2,
        1,
        1,
        66.7,
    )
    assert final["days_late_median"] == 1.0
    decision = by["decision"]
    assert (decision["due"], decision["on_time"], decision["missing"], decision["rate"]) == (6, 4, 1, 66.7)
    assert by["advice"]["kind"] == "target" and by["advice"]["rate"] == 75.0


def test_an_audit_without_a_milestone_counts_it_unknown():
    t = timeliness({"format": 2, "schema": SCHEMA}, [{"status": "scored", "milestones": {}}])
    assert [m["unknown"] for m in t["milestones"]] == [1, 1, 1]
    assert t["statutory"]["rate"] is None and t["statutory"]["audits"] == 0


def test_files_of_one_rubric_add_up():
    tally = Tally(SCHEMA)
    tally.add_file({"format": 2}, AUDITS[:3])
    tally.add_file({"format": 2}, AUDITS[3:])
    assert tally.result() == timeliness({"format": 2, "schema": SCHEMA}, AUDITS)


def test_format_1_files_are_counted_but_not_compared():
    old_schema = {
        "milestones": [{"id": m["id"], "text": m["text"], "limit": m["limit"]} for m in SCHEMA["milestones"]]
    }
    t = timeliness({"schema": old_schema}, AUDITS)  # no "format": version 1
    assert t["format"] == 1 and t["comparable"] is False
    assert "not compared" in t["notes"][0]
    assert all(m["kind"] is None for m in t["milestones"])
    assert t["statutory"]["due"] == 0 and t["target"]["due"] == 0
    assert {m["id"]: m["on_time"] for m in t["milestones"]} == {"decision": 4, "advice": 3, "final": 2}
    # one format-1 file among current ones makes the whole tally not comparable
    tally = Tally(SCHEMA)
    tally.add_file({"format": 2}, AUDITS[:2])
    tally.add_file({"format": 1}, AUDITS[2:])
    assert tally.result()["comparable"] is False


def test_rate_rounds_half_up_in_whole_numbers():
    assert rate(1, 8) == 12.5
    assert rate(1, 16) == 6.3  # 6.25 → 6.3, as a person rounds
    assert rate(2, 3) == 66.7 and rate(1, 3) == 33.3
    assert rate(0, 0) is None and rate(5, 5) == 100.0
