"""The sheet reader on files in the shapes Microsoft Forms and Excel produce."""

from datetime import datetime

import openpyxl
import pytest

from qactl.errors import InputError
from qactl.sheets import atomic_output, cell_ref, column_letter, open_sheet


def test_column_letters():
    assert [column_letter(i) for i in (0, 7, 25, 26, 27, 701, 702)] == [
        "A",
        "H",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
    assert cell_ref("Sheet1", 7, 7) == "Sheet1!H7"
    assert cell_ref("Form responses 1", 2, 0) == "'Form responses 1'!A2"


def test_xlsx_rows_keep_their_sheet_row_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["ID", "Start time", "5.A brief formulation ", "Name of child"])
    ws.append([1, datetime(2025, 10, 3, 9, 0), "Fully", "Ada Testchild"])
    ws.append([])  # a blank row stays counted
    ws.append([3, datetime(2025, 10, 4, 9, 0), "partially", "Bo Testchild"])
    p = tmp_path / "forms.xlsx"
    wb.save(p)
    sheet = open_sheet(p)
    assert sheet.name == "Sheet1"
    assert sheet.headers == ["ID", "Start time", "5.A brief formulation", "Name of child"]
    rows = [(n, v) for n, v in sheet.rows if any(x not in (None, "") for x in v)]
    assert [n for n, _ in rows] == [2, 4]
    assert rows[0][1][1] == datetime(2025, 10, 3, 9, 0)
    assert rows[1][1][2] == "partially"


def test_title_row_above_the_table_is_skipped(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "EPS quality assurance – autumn round"
    ws.merge_cells("A1:D1")
    ws.append(["ID", "Email", "Name", "Outcomes are SMART"])
    ws.append([1, "a@example.org", "Auditor One", "Fully"])
    p = tmp_path / "titled.xlsx"
    wb.save(p)
    sheet = open_sheet(p)
    assert sheet.header_row == 2
    assert sheet.headers[3] == "Outcomes are SMART"
    assert next(sheet.rows)[0] == 3


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", ","), ("cp1252", "\t")],
)
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    p = tmp_path / "export.csv"
    text = (
        delimiter.join(["NHS Number", "Team", "Comment"])
        + "\r\n"
        + delimiter.join(["943 476 5919", "Community Paediatrics", "Parent’s views – clear £"])
        + "\r\n"
    )
    p.write_bytes(text.encode(encoding))
    sheet = open_sheet(p)
    assert sheet.headers == ["NHS Number", "Team", "Comment"]
    n, values = next(sheet.rows)
    assert n == 2
    assert values[2] == "Parent’s views – clear £"


def test_unusable_files_are_refused_with_a_sentence(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        open_sheet(tmp_path / "missing.xlsx")
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(InputError, match=r"save it as \.xlsx"):
        open_sheet(xls)
    enc = tmp_path / "labelled.xlsx"
    enc.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 100
        + "EncryptedPackage".encode("utf-16-le")
        + b"\0" * 100
    )
    with pytest.raises(InputError, match="encrypted"):
        open_sheet(enc)
    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    with pytest.raises(InputError, match="empty"):
        open_sheet(empty)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="not an Excel workbook"):
        open_sheet(fake)


def test_missing_sheet_lists_the_sheets(tmp_path):
    p = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Responses"
    wb.active.append(["a", "b"])
    wb.save(p)
    with pytest.raises(InputError, match="'Responses'"):
        open_sheet(p, sheet="Sheet9")


def test_atomic_output_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.json"
    with pytest.raises(RuntimeError):
        with atomic_output(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
    with atomic_output(target) as tmp:
        tmp.write_text("whole")
    assert target.read_text() == "whole"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
