"""A file audit with statutory milestones, recognised exceptions and compliance grading."""

from __future__ import annotations

from datetime import datetime

from scoring_helpers import EHCNA, forms_prefix, write_xlsx
from typer.testing import CliRunner

from qactl.cli import app
from qactl.results import read_scored

HEADERS = [
    "ID",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Name of Child",
    "DOB",
    "UPN",
    "Allocated Officer",
    "Date EHCNA request received",
    "Reason for any variance",
    "Request acknowledged to the family",
    "(6 weeks) Decision to assess letter date",
    "Advice received (12 weeks)",
    "Decision to issue date (14 weeks)",
    "(20 weeks) Final date",
]
FEB = datetime(2026, 2, 1, 12, 0)


def row(n, name, when, dates, reason=None, upn="B801200005001", ack="Yes"):
    return [
        *forms_prefix(n, when),
        name,
        "01/02/2015",
        upn,
        "Officer Testname",
        "01/09/2025",
        reason,
        ack,
        *dates,
    ]


ROWS = [
    row(1, "Testchild One", FEB, ["10/10/2025", "20/11/2025", "01/12/2025", "19/01/2026"]),
    row(2, "Testchild Two", FEB, ["10/10/2025", "20/11/2025", "01/12/2025", "30/01/2026"]),
    row(
        3,
        "Testchild Three",
        FEB,
        ["10/10/2025", "20/11/2025", "01/12/2025", "30/01/2026"],
        reason="exceptional personal circumstances; other",
    ),
    row(4, "Testchild Four", datetime(2025, 11, 1, 9, 0), ["10/10/2025", None, None, None]),
    row(5, "Testchild Five", FEB, [None, "20/11/2025", "01/12/2025", None], ack="No"),
    row(
        6, "Testchild Six", FEB, ["10/10/2025", "20/11/2025", "01/12/2025", "19/01/2026"], upn="A801200005001"
    ),
]


def score(tmp_path, *extra):
    src = write_xlsx(tmp_path / "ehcna.xlsx", HEADERS, ROWS)
    out = tmp_path / "ehcna.json"
    r = CliRunner().invoke(
        app, ["score", str(EHCNA), str(src), "-o", str(out), *extra], catch_exceptions=False
    )
    return r, read_scored(out)["audits"]


def test_milestones_exceptions_and_compliance(tmp_path):
    r, audits = score(tmp_path)
    a = {x["row"]: x for x in audits}
    assert a[2]["milestones"]["final_plan"] == {
        "due": "2026-01-19",
        "actual": "2026-01-19",
        "status": "on_time",
        "days_late": 0,
        "kind": "statutory",
        "citation": "SEND Regs reg 13(2)",
        "reason": None,
        "excused_under": None,
        "reason_check": None,
    }
    assert a[2]["score"] == 100.0 and a[2]["grade"] == "Compliant"
    assert (
        a[3]["milestones"]["final_plan"]["status"] == "late"
        and a[3]["milestones"]["final_plan"]["days_late"] == 11
    )
    assert a[3]["score"] == 80.0 and a[3]["grade"] == "Partly compliant"
    # statutory limits and local targets in sections of their own: decision on time, final plan late; targets on time
    assert a[3]["sections"]["Statutory time limits"] == {"score": 50.0, "grade": "Not compliant"}
    assert a[3]["sections"]["Local targets"] == {"score": 100.0, "grade": "Compliant"}
    # a recognised reason, one of several ';'-separated answers, any case: an exception, out of the denominator
    final = a[4]["milestones"]["final_plan"]
    assert (final["status"], final["reason"], final["reason_check"], final["excused_under"]) == (
        "exception",
        "exceptional_personal_circumstances",
        "applied",
        "SEND Regs reg 13(2)",
    )
    assert a[4]["score"] == 100.0
    # audited on 1 November: later milestones are not yet due and leave the denominator
    assert [
        a[5]["milestones"][m]["status"] for m in ("decision_to_assess", "advice_received", "final_plan")
    ] == ["on_time", "not_due", "not_due"]
    assert a[5]["score"] == 100.0
    # missing dates past due count 0; acknowledged No: 2 of 5
    assert a[6]["milestones"]["decision_to_assess"]["status"] == "missing"
    assert a[6]["milestones"]["decision_to_assess"]["days_late"] == 111
    assert a[6]["score"] == 40.0 and a[6]["grade"] == "Not compliant"
    # a UPN with a wrong check letter
    assert (
        a[7]["status"] == "error"
        and a[7]["errors"][0]["cell"] == "Sheet1!H7"
        and a[7]["errors"][0]["code"] == "upn_check_letter"
    )
    assert r.exit_code == 1


def test_audit_date_option_applies_to_every_row(tmp_path):
    _, audits = score(tmp_path, "--audit-date", "2025-11-01")
    assert (
        audits[0]["milestones"]["final_plan"]["status"] == "on_time"
    )  # a date given is judged, whenever audited
    assert audits[4]["milestones"]["final_plan"]["status"] == "not_due"
