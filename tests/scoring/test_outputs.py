"""The .xlsx a QA officer opens, and the .csv for other tools: the same content as the JSON."""

from __future__ import annotations

import csv
import json
from datetime import datetime

from openpyxl import load_workbook
from scoring_helpers import EHCNA, forms_prefix, write_xlsx
from test_ehcna import FEB, HEADERS, ROWS
from typer.testing import CliRunner

from qactl.cli import app


def _score(tmp_path, suffix):
    src = write_xlsx(tmp_path / "ehcna.xlsx", HEADERS, ROWS)
    out = tmp_path / f"scored{suffix}"
    r = CliRunner().invoke(
        app, ["score", str(EHCNA), str(src), "-o", str(out), "--round", "2025 Autumn"], catch_exceptions=False
    )
    assert r.exit_code == 1
    return src, out


def test_xlsx_sheets(tmp_path):
    src, out = _score(tmp_path, ".xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Audits", "Errors", "Items", "About"]
    audits = wb["Audits"]
    assert audits.freeze_panes == "C2" and "Audits" in audits.tables
    assert audits.tables["Audits"].ref == f"A1:{audits.cell(row=1, column=audits.max_column).column_letter}7"
    head = [c.value for c in audits[1]]
    assert head[:4] == ["Row in the export", "Reference", "Status", "Errors to fix"]
    row3 = dict(zip(head, [c.value for c in audits[3]], strict=True))
    assert (
        row3["Score"] == 80
        and row3["Grade"] == "Partly compliant"
        and row3["(20 weeks) Final date: days late"] == 11
    )
    assert row3["(20 weeks) Final date: on time?"] == "Late" and row3[
        "(20 weeks) Final date: due"
    ] == datetime(2026, 1, 19)
    assert (
        audits.cell(row=1, column=head.index("(20 weeks) Final date: days late") + 1).comment.text
        == "Column: final_plan days late"
    )
    assert any(
        "Partly compliant" in str(r.formula) for rng in audits.conditional_formatting for r in rng.rules
    )
    row7 = dict(zip(head, [c.value for c in audits[7]], strict=True))
    assert row7["Status"] == "Errors to fix" and row7["Errors to fix"].startswith("Sheet1!H7: ")
    errors = list(wb["Errors"].iter_rows(values_only=True))
    assert errors[1][:5] == ("Row 7", row7["Reference"], "Sheet1!H7", "UPN", "UPN")
    assert wb["Errors"]["A2"].hyperlink.location == "'Audits'!A7"  # the audit's row on the Audits sheet
    items = list(wb["Items"].iter_rows(values_only=True))
    assert items[1][:5] == ("Request acknowledged to the family", "Process", 5, 4, 0.8)
    assert wb["Items"]["E2"].number_format == "0.0%"
    final = next(r for r in items if r[0] == "(20 weeks) Final date")
    # on time 1, late 1, no date and overdue 1, an exception 1, not yet due 1
    assert final[2:9] == (1, 1, 1, 1, 1, 0, 0)
    # timeliness on the Summary, as qactl.statutory.timeliness counts it: the final plan on time 1, late 1, no date and overdue 1,
    # excused 1 (out of the share), not yet due 1 (not due): 1 of 3 due on time, 33.3%; the audit in error not counted
    summary = {r[0]: r for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["(20 weeks) Final date"][1:7] == (3, 1, 1, 1, 1, 0.333)
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=3, values_only=True)}
    from qactl.sheets.reader import file_sha256

    assert (
        about["Fingerprint of the export (SHA-256)"] == file_sha256(src) and about["Round"] == "2025 Autumn"
    )
    assert about["Rubric"] == "EHCNA file audit (test copy), version test" and about["Written by"].startswith(
        "qactl "
    )


def test_csv_has_every_row_and_the_milestones(tmp_path):
    _, out = _score(tmp_path, ".csv")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["row"] for r in rows] == ["2", "3", "4", "5", "6", "7"]
    assert rows[1]["final_plan status"] == "late" and rows[1]["final_plan days late"] == "11"
    assert rows[5]["status"] == "error" and rows[5]["errors"].startswith(
        "Sheet1!H7 'x############': the UPN's check letter"
    )  # masked: no pii in errors
    assert "child_name" not in rows[0] and "dob" not in rows[0]


def test_json_header(tmp_path):
    _, out = _score(tmp_path, ".json")
    doc = json.loads(out.read_text())
    assert doc["kind"] == "qactl.scored" and doc["rubric"]["id"] == "ehcna_test"
    assert doc["source"]["file"] == "ehcna.xlsx" and doc["options"]["include_pii"] is False and doc["created"]
    assert [m["id"] for m in doc["schema"]["milestones"]][:1] == ["decision_to_assess"]
    assert doc["summary"]["grades"] == {"Compliant": 3, "Partly compliant": 1, "Not compliant": 1}
    assert forms_prefix and FEB  # the shared shapes come from test_ehcna


def test_big_xlsx_is_written_in_constant_memory_with_a_filter(tmp_path, monkeypatch):
    import qactl.scoring.workbook as workbook

    monkeypatch.setattr(workbook, "TABLE_MAX_ROWS", 3)
    _, out = _score(tmp_path, ".xlsx")
    wb = load_workbook(out)
    ws = wb["Audits"]
    assert not ws.tables and ws.auto_filter.ref and ws.freeze_panes == "C2"
    head = [c.value for c in ws[1]]
    assert dict(zip(head, [c.value for c in ws[3]], strict=True))["(20 weeks) Final date: days late"] == 11
    assert ws.max_row == 7 and "filtered range" in str(
        {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True)}
    )
    assert (
        wb.sheetnames[0] == "Summary"
        and wb["Summary"]["A1"].value == "EHCNA file audit (test copy): 2025 Autumn"
    )
