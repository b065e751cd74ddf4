"""The health advice audit: a Windows-1252 CSV, N/A on conditional items, NHS numbers, text that looks like a formula."""

from __future__ import annotations

import csv
import json

from openpyxl import load_workbook
from scoring_helpers import HEALTH, write_csv
from typer.testing import CliRunner

from qactl.cli import app
from qactl.results import read_scored
from qactl.rubric.loader import load_rubric

RUBRIC = load_rubric(HEALTH)
HEADERS = [
    "ID",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "1) Identifier- NHS Number",
    "2) Team- who is the advice from",
    "3) 6-week KPI- was the advice returned within 6 weeks.",
    *[f"{n}) {i.text}" for n, i in enumerate(RUBRIC.items, start=4)],
    "18) Please share comments to improve or good practice to share.",
]
HYPER = '=HYPERLINK("http://example.invalid","click")'


def rows():
    t = "14/10/2025 10:00"
    return [
        [
            1,
            t,
            t,
            "a@example.org",
            "Auditor Testperson",
            "999 000 0018",
            "Community paediatrics",
            "Yes",
            "Yes",
            "yes",
            "N/A",
            "n/a",
            "Partly",
            "No",
            "Yes",
            "Café visit noted for 999 000 0018; résumé of needs clear",
        ],
        [
            2,
            t,
            t,
            "a@example.org",
            "Auditor Testperson",
            "9990000026",
            "CAMHS",
            "No",
            "Yes",
            "Partly",
            "Yes",
            "Yes",
            "Yes",
            None,
            "Partially",
            HYPER,
        ],
        [
            3,
            t,
            t,
            "a@example.org",
            "Auditor Testperson",
            "999 000 0019",
            "Therapies",
            "Yes",
            "Yes",
            "Yes",
            "Yes",
            "Yes",
            "Yes",
            "Yes",
            "Yes",
            "Wrong check digit above",
        ],
        [
            4,
            t,
            t,
            "a@example.org",
            "Auditor Testperson",
            "9990000034",
            "Therapies",
            "Yes",
            "N/A",
            "Yes",
            "Yes",
            "Yes",
            "Yes",
            "Yes",
            "Yes",
            None,
        ],
    ]


def make(tmp_path):
    return write_csv(tmp_path / "health.csv", HEADERS, rows(), encoding="cp1252")


def run(args):
    return CliRunner().invoke(app, args, catch_exceptions=False)


def test_windows_1252_csv_scores_with_na_out_of_the_denominator(tmp_path):
    out = tmp_path / "health.json"
    r = run(["score", str(HEALTH), str(make(tmp_path)), "-o", str(out)])
    assert r.exit_code == 1  # rows 4 and 5 have errors
    audits = read_scored(out)["audits"]
    a = audits[0]
    # demographics 2, language 2, diagnosis N/A, impact N/A, priorities 1, non_sen 0, smart 2 × weight 2 = 9 of 2+2+2+2+4 = 12
    assert a["answers"]["diagnosis"] == {"answer": "N/A", "points": None, "max": 2, "applies": False}
    assert a["score"] == 75.0 and a["grade"] == "Good"
    # blank optional item: out of the denominator; 2+1+2+2+2+ 1×2 = 11 of 14
    assert audits[1]["answers"]["non_sen"]["applies"] is False
    assert audits[1]["score"] == 78.6
    assert audits[1]["comments"]["comments"] == HYPER
    # a wrong NHS check digit is an error naming the cell
    bad = audits[2]["errors"]
    assert (
        audits[2]["status"] == "error"
        and bad[0]["cell"] == "health.csv!F4"
        and bad[0]["code"] == "nhs_check_digit"
    )
    # N/A where the item does not allow it
    assert (
        audits[3]["errors"][0]["code"] == "na_not_allowed"
        and audits[3]["errors"][0]["cell"] == "health.csv!I5"
    )


def test_accents_and_redaction_of_the_nhs_number_in_comments(tmp_path):
    out = tmp_path / "health.json"
    run(["score", str(HEALTH), str(make(tmp_path)), "-o", str(out)])
    text = out.read_text(encoding="utf-8")
    assert "Café visit noted for [NHS number]; résumé of needs clear" in text
    assert "9990000018" not in text and "999 000 0018" not in text


def test_hyperlink_comment_stays_text_in_xlsx(tmp_path):
    out = tmp_path / "health.xlsx"
    run(["score", str(HEALTH), str(make(tmp_path)), "-o", str(out)])
    ws = load_workbook(out)["Audits"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(
        row=3, column=header.index("Please share comments to improve or good practice to share.") + 1
    )
    assert cell.value == HYPER and cell.data_type == "s" and not cell.hyperlink
    assert load_workbook(out).sheetnames == ["Summary", "Audits", "Errors", "Items", "About"]


def test_csv_output_defuses_formulas(tmp_path):
    out = tmp_path / "health.csv.out.csv"
    run(["score", str(HEALTH), str(make(tmp_path)), "-o", str(out)])
    with out.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    assert table[1]["comments"] == "'" + HYPER
    assert table[0]["score"] == "75.0" and table[2]["status"] == "error"


def test_jsonl_streams_the_same_audits(tmp_path):
    out = tmp_path / "health.jsonl"
    run(["score", str(HEALTH), str(make(tmp_path)), "-o", str(out)])
    lines = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["kind"] == "qactl.scored"
    assert [json.loads(x)["row"] for x in lines[1:-1]] == [2, 3, 4, 5]
    assert json.loads(lines[-1])["summary"]["with_errors"] == 2
    assert read_scored(out)["audits"][0]["score"] == 75.0
