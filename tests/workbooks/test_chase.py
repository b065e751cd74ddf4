"""`qactl chase`: who has not returned their audits, from the allocation and the scored returns."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from book_checks import fits_to_width, junk, repeated_rows
from example_round import DEMO_ALLOCATE

from qactl.chase import chase

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
OCT_22 = (
    "1761091200"  # 22 October 2025, 00:00 UTC: three weeks into the autumn round, a week before the due date
)


@pytest.fixture
def round_(tmp_path, qactl, monkeypatch):
    """The example round: its allocation and the EHCP quality returns scored so far."""
    alloc = tmp_path / "allocation.json"
    code, _, err = qactl(
        "allocate",
        *DEMO_ALLOCATE,
        "-o",
        alloc,
    )
    assert code == 0, err
    returns = tmp_path / "ehcp-quality.json"
    assert qactl(
        "score",
        "ehcp-quality",
        EXAMPLES / "exports" / "ehcp-quality.xlsx",
        "--round",
        "2025 Autumn",
        "-o",
        returns,
        "-q",
    )[0] in (0, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", OCT_22)
    return alloc, returns


def _expected(alloc: Path) -> dict[str, list[str]]:
    """Outstanding plans by auditor, worked out plainly: every allocated (plan, auditor) whose auditor has not sent a
    form naming that plan. In the example every return names its plan and its auditor (Forms' Name column)."""
    doc = json.loads(alloc.read_text())
    names = {a["id"]: a["name"] for a in doc["auditors"]}
    ws = openpyxl.load_workbook(EXAMPLES / "exports" / "ehcp-quality.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    plan_col = next(i for i, h in enumerate(rows[0]) if "Plan ID" in str(h))
    sent = {
        (r[plan_col], r[4]) for r in rows[1:]
    }  # the duplicate submission repeats a pair: a set ignores it
    out: dict[str, list[str]] = {}
    for x in doc["assignments"]:
        if (x["plan_id"], names[x["auditor_id"]]) not in sent:
            out.setdefault(names[x["auditor_id"]], []).append(x["plan_id"])
    return out


def test_the_example_round_names_everyone_with_audits_outstanding(round_, tmp_path, qactl):
    alloc, returns = round_
    out, merge = tmp_path / "chase.xlsx", tmp_path / "chase.csv"
    code, _, err = qactl("chase", returns, "--allocation", alloc, "-o", out, "--mail-merge", merge)
    assert code == 0, err
    expected = _expected(alloc)
    assert len(expected) == 21 and sum(map(len, expected.values())) == 21
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Chase", "Outstanding plans", "Unmatched returns", "About"]
    ws = wb["Chase"]
    assert ws["A1"].value == "Returns for the 2025 Autumn round on Wednesday 22 October 2025"
    assert (
        ws["A2"].value
        == "31 of 52 audits returned; 21 outstanding from 21 auditors. Due Wednesday 29 October 2025, in 7 days."
    )
    assert ws["A3"].value == "2 returns could not be matched to the allocation: see Unmatched returns."
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert rows[0] == (
        "Auditor",
        "Service",
        "Outstanding",
        "Plans still to come",
        "Allocated",
        "Returned",
        "With errors to fix",
        "Email",
    )
    owing = {r[0]: r for r in rows[1:] if r[2]}
    assert set(owing) == set(expected)
    for name, plans in expected.items():
        assert owing[name][2] == len(plans) and [p.split(" ")[0] for p in owing[name][3].split("; ")] == plans
    assert owing["Tom Ashdown"][3] == "EHCP-0126 (Millbrook Primary, KS2)" and owing["Tom Ashdown"][5] == 1
    assert (
        owing["Tom Ashdown"][6] == 1
    )  # his EHCP-0007 came back with a typo in an answer: returned, with an error to fix
    for name in expected:
        assert name in err  # and on the terminal
    unmatched = list(wb["Unmatched returns"].iter_rows(min_row=2, values_only=True))
    assert [(u[1], u[2], u[3]) for u in unmatched] == [
        (33, "EHCP-0150", "Priya Hallam"),
        (34, "EHCP-007", "Tom Ashdown"),
    ]
    assert unmatched[0][4].startswith("Plan EHCP-0150 is not in this allocation")
    out_plans = list(wb["Outstanding plans"].iter_rows(min_row=2, values_only=True))
    assert len(out_plans) == 21 and all(r[6] == datetime(2025, 10, 29) for r in out_plans)
    assert junk(wb) == []
    for sheet in wb.worksheets:
        assert fits_to_width(sheet), sheet.title
    assert repeated_rows(ws) == "5:5"
    with merge.open(encoding="utf-8-sig", newline="") as f:
        reminders = {r["Name"]: r for r in csv.DictReader(f)}
    assert set(reminders) == set(expected)
    g = reminders["Tom Ashdown"]
    assert g["First name"] == "Tom" and g["Email"] == "tom.ashdown@wexcombe.example" and g["Days left"] == "7"
    assert g["Reminder"] == (
        "Dear Tom, a reminder that 1 of your 2 audits for the 2025 Autumn round is still to come: "
        "EHCP-0126 (Millbrook Primary, KS2). It is due on Wednesday 29 October 2025, in 7 days. "
        "Please use the form Quality of an EHC plan (sections A to K). Thank you."
    )


def test_after_the_due_date_the_reminder_says_how_late(round_, monkeypatch):
    monkeypatch.setenv(
        "SOURCE_DATE_EPOCH", str(1761091200 + 9 * 86400)
    )  # 31 October 2025: two days after 29 October
    from qactl.chase.output import reminder

    c = chase(round_[0], [round_[1]])
    assert c.days_left == -2
    aisha = next(p for p in c.people if p.name == "Aisha Rahman")
    assert "It was due on Wednesday 29 October 2025, 2 days ago." in reminder(c, aisha)


def test_chase_never_writes_over_an_input(round_, qactl, tmp_path):
    alloc, returns = round_
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("id,name,email\nA01,Priya Hallam,priya@example.org\n", encoding="utf-8")
    before = cohort.read_bytes()
    code, _, err = qactl(
        "chase",
        returns,
        "--allocation",
        alloc,
        "--cohort",
        cohort,
        "-o",
        tmp_path / "c.xlsx",
        "--mail-merge",
        cohort,
    )
    assert code == 2 and "it is the input" in err and "inputs are never modified" in " ".join(err.split())
    assert cohort.read_bytes() == before and not (tmp_path / "c.xlsx").exists()
    code, _, err = qactl("chase", returns, "--allocation", alloc, "-o", returns)
    assert code == 2 and "give a name ending in .xlsx" in err


# ---- the matching rules, on small scored files written by hand ----


def _scored(path: Path, rubric: str, audits: list[dict], *, plan: bool = True) -> Path:
    fields = [{"id": "auditor", "text": "Person completing audit", "role": "auditor", "pii": False}]
    if plan:
        fields.append({"id": "plan_id", "text": "Plan ID", "role": "plan_id", "pii": False})
    doc = {
        "kind": "qactl.scored",
        "format": 1,
        "qactl": "test",
        "rubric": {"id": rubric, "version": "1", "title": rubric},
        "round": "2025 Autumn",
        "source": {"file": "x.xlsx", "sheet": "S", "sha256": "0"},
        "schema": {
            "fields": fields,
            "items": [],
            "sections": [],
            "grades": [],
            "milestones": [],
            "comments": [],
        },
        "audits": [
            {
                "row": k + 2,
                "ref": None,
                "status": a.get("status", "scored"),
                "score": None,
                "grade": None,
                "sections": {},
                "answers": {},
                "milestones": {},
                "fields": a["fields"],
                "comments": {},
                "errors": [],
            }
            for k, a in enumerate(audits)
        ],
        "summary": {"rows": len(audits), "scored": len(audits), "with_errors": 0, "grades": {}},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _allocation(path: Path, rubric: str | None = "ehcp-quality") -> Path:
    doc = {
        "kind": "qactl.allocation",
        "format": 1,
        "qactl": "test",
        "round": "2025 Autumn",
        "seed": 1,
        "due": "2025-10-29",
        "options": {"rubric": rubric} if rubric else {},
        "inputs": [],
        "assignments": [
            {"plan_id": "P1", "auditor_id": "A", "role": "primary"},
            {"plan_id": "P1", "auditor_id": "B", "role": "moderation"},
            {"plan_id": "P2", "auditor_id": "A", "role": "primary"},
            {"plan_id": "P3", "auditor_id": "C", "role": "primary"},
        ],
        "sample": [{"plan_id": p, "setting": "Elm Primary", "key_stage": "KS2"} for p in ("P1", "P2", "P3")],
        "auditors": [
            {"id": "A", "name": "Ann Audit", "email": "ann@example.org"},
            {"id": "B", "name": "Dr Bob Second", "email": "bob@example.org"},
            {"id": "C", "name": "Cat Third", "email": "cat@example.org"},
        ],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _owing(c) -> dict[str, list[str]]:
    return {p.id: [o.plan_id for o in p.outstanding_plans()] for p in c.owing()}


def test_one_return_of_a_two_auditor_plan_that_names_neither_is_listed_not_guessed(tmp_path):
    alloc = _allocation(tmp_path / "a.json")
    s = _scored(
        tmp_path / "r.json",
        "ehcp-quality",
        [
            {"fields": {"plan_id": "P1", "auditor": "Someone Else"}},
            {"fields": {"plan_id": "p2 ", "auditor": "ANN AUDIT"}},
        ],
    )
    c = chase(alloc, [s])
    assert _owing(c) == {"A": ["P1"], "B": ["P1"], "C": ["P3"]}  # P2 matched despite case and spaces
    assert [u.why for u in c.unmatched] == [
        "Plan P1 has 2 auditors and this return does not say which of them sent it (it names Someone Else, who is not in the cohort)."
    ]


def test_two_returns_of_a_two_auditor_plan_count_for_both_and_a_named_auditor_is_placed_by_email(tmp_path):
    alloc = _allocation(tmp_path / "a.json")
    s = _scored(
        tmp_path / "r.json",
        "ehcp-quality",
        [
            {"fields": {"plan_id": "P1", "auditor": "X"}},
            {"fields": {"plan_id": "P1", "auditor": "Y"}},
            {
                "fields": {"plan_id": "P3", "auditor": "Ann Audit"}
            },  # Ann was not given P3: not counted for Cat
            {"fields": {"plan_id": "P2", "respondent_email": "ANN@example.org"}},
            {"fields": {"plan_id": "P2", "auditor": "Ann Audit"}, "status": "duplicate"},
        ],
    )
    c = chase(alloc, [s])
    assert _owing(c) == {"C": ["P3"]}
    assert [u.why for u in c.unmatched] == ["Returned by Ann Audit, who was not given plan P3."]


def test_without_a_plan_id_returns_count_by_the_auditor_named_up_to_their_audits(tmp_path):
    alloc = _allocation(tmp_path / "a.json", rubric=None)
    s = _scored(
        tmp_path / "r.json",
        "eps-advice",
        [
            {"fields": {"auditor": "Bob Second"}},
            {"fields": {"auditor": "Bob Second"}},  # Dr Bob Second has one audit
            {"fields": {"respondent": "Ann Audit"}},
            {"fields": {"auditor": "Nobody Known"}},
        ],
        plan=False,
    )
    c = chase(alloc, [s])
    assert c.by == "the auditor's name or email"
    people = {p.id: p for p in c.people}
    assert (people["A"].returned, people["A"].outstanding) == (1, 1) and people["B"].outstanding == 0
    assert people["C"].outstanding == 1
    assert [u.row for u in c.unmatched] == [3, 5]
    assert "More returns from Dr Bob Second than the 1 audits given." in c.unmatched[0].why


def test_an_allocation_that_names_no_audit_counts_the_one_whose_returns_name_its_plans(tmp_path):
    alloc = _allocation(tmp_path / "a.json", rubric=None)
    other = _scored(tmp_path / "eps.json", "eps-advice", [{"fields": {"auditor": "Ann Audit"}}], plan=False)
    mine = _scored(
        tmp_path / "r.json", "ehcp-quality", [{"fields": {"plan_id": "P3", "auditor": "Cat Third"}}]
    )
    c = chase(alloc, [other, mine])
    assert c.rubric == "ehcp-quality" and _owing(c) == {"A": ["P1", "P2"], "B": ["P1"]}
    from qactl.errors import InputError

    two = _scored(tmp_path / "h.json", "health-advice", [{"fields": {"auditor": "Ann Audit"}}], plan=False)
    with pytest.raises(InputError, match="say which with --rubric ID"):
        chase(alloc, [other, two])
    assert chase(alloc, [other, two], rubric="eps-advice").by == "the auditor's name or email"


def test_returns_of_another_audit_are_not_counted(tmp_path):
    alloc = _allocation(tmp_path / "a.json")
    other = _scored(
        tmp_path / "eps.json", "eps-advice", [{"fields": {"plan_id": "P1", "auditor": "Ann Audit"}}]
    )
    from qactl.errors import InputError

    with pytest.raises(InputError, match="None of the scored files is of the audit this allocation is for"):
        chase(alloc, [other])
    mine = _scored(
        tmp_path / "r.json", "ehcp-quality", [{"fields": {"plan_id": "P3", "auditor": "Cat Third"}}]
    )
    c = chase(alloc, [other, mine])
    assert c.notes == ["Not counted, as returns of audits other than ehcp-quality: eps.json."]
    assert _owing(c) == {"A": ["P1", "P2"], "B": ["P1"]}
