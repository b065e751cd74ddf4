"""`qactl form`: a blank audit workbook whose headers are the rubric's texts and whose cells offer its answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from qactl.errors import OutputError, UsageError
from qactl.forms import header_of, write_form
from qactl.rubric.loader import builtin_dir, load_rubric
from qactl.rubric.models import Item, Milestone, norm_header
from qactl.sheets.reader import column_letter, open_sheet

BUILTIN_IDS = [
    "annual-review",
    "ap-quality",
    "ehcna-file",
    "ehcp-quality",
    "eps-advice",
    "health-advice",
    "sen-information-report",
]
MINI = Path(__file__).resolve().parents[1] / "data" / "mini.yaml"


def _validations(ws) -> dict[str, object]:
    """Column letter -> its data validation (each form column has exactly one, over the whole column)."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        ref = str(dv.sqref)
        letter = ref.split(":")[0].rstrip("0123456789")
        assert ref == f"{letter}2:{letter}1048576", ref
        assert letter not in out, f"two validations on column {letter}"
        out[letter] = dv
    return out


def _number_format(ws, letter: str) -> str:
    """A column's number format; xlsxwriter writes neighbouring columns of one style as one <col min max>."""
    from openpyxl.utils import column_index_from_string

    i = column_index_from_string(letter)
    dims = [d for d in ws.column_dimensions.values() if d.min is not None and d.min <= i <= d.max]
    return dims[0].number_format if dims else "General"


def _list_values(wb, dv) -> list[str]:
    f = dv.formula1
    if f.startswith('"'):
        return f.strip('"').split(",")
    sheet, rng = f.lstrip("=").split("!")
    ws = wb[sheet]
    return [c.value for row in ws[rng.replace("$", "")] for c in row]


@pytest.mark.parametrize("rid", BUILTIN_IDS)
def test_form_headers_and_validations(tmp_path, rid):
    rubric = load_rubric(builtin_dir() / f"{rid}.yaml")
    out = tmp_path / f"{rid}.xlsx"
    summary = write_form(rubric, out)
    columns = rubric.columns()
    assert [c["header"] for c in summary["columns"]] == [header_of(c) for c in columns]

    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["Audits", "Instructions"]  # score reads the first sheet
    ws = wb["Audits"]
    # the rubric's text (no --map needed), a required column marked * (score's header matching ignores the mark)
    assert [c.value for c in ws[1]] == [
        c.text + (" *" if getattr(c, "required", False) else "") for c in columns
    ]
    assert ws.max_row == 1  # blank: the header only
    assert ws.freeze_panes == "A2"
    assert ws["A1"].alignment.wrap_text
    dvs = _validations(ws)
    for i, col in enumerate(columns):
        letter = column_letter(i)
        dv = dvs[letter]
        if isinstance(col, Item):
            scale = rubric.scales[col.scale]
            want = [c.label for c in scale.choices] + ([scale.na.label] if col.allow_na else [])
            assert dv.type == "list" and _list_values(wb, dv) == want, col.id
            assert dv.showErrorMessage, f"{col.id}: an answer outside the list must be refused"
        elif isinstance(col, Milestone) or getattr(col, "type", None) == "date":
            assert dv.type == "date", col.id
            assert _number_format(ws, letter) == "dd/mm/yyyy"
        elif getattr(col, "choices", None):
            assert dv.type == "list" and _list_values(wb, dv) == col.choices
            assert not dv.showErrorMessage, f"{col.id}: field choices are offered, not enforced"
        assert dv.prompt and len(dv.prompt) <= 255
        assert dv.promptTitle == (col.text if len(col.text) <= 32 else col.text[:31].rstrip() + "…"), (
            col.id
        )  # words, not the id

    # the sheet reader `score` uses sees the same headers, and each maps to one column only
    sheet = open_sheet(out)
    assert sheet.name == "Audits" and sheet.headers == [header_of(c) for c in columns]
    keys = [norm_header(h) for h in sheet.headers]
    assert len(set(keys)) == len(keys)


def test_eps_form_offers_the_forms_answers(tmp_path):
    out = tmp_path / "eps.xlsx"
    write_form(load_rubric(builtin_dir() / "eps-advice.yaml"), out)
    wb = load_workbook(out)
    ws = wb["Audits"]
    headers = [c.value.removesuffix(" *") for c in ws[1]]
    assert "Outcomes are SMART" in headers
    assert "For children 14yrs+ the outcomes relate to preparing for adulthood" in headers
    col = column_letter(headers.index("Outcomes are SMART"))
    assert _validations(ws)[col].formula1 == '"Fully,Partially,Not included"'
    dob = column_letter(headers.index("Date of birth"))
    assert _validations(ws)[dob].type == "date"


def test_health_form_allows_na_only_on_conditional_items(tmp_path):
    out = tmp_path / "health.xlsx"
    write_form(load_rubric(builtin_dir() / "health-advice.yaml"), out)
    ws = load_workbook(out)["Audits"]
    headers = [c.value.removesuffix(" *") for c in ws[1]]
    dvs = _validations(ws)
    assert headers[0] == "NHS Number"
    assert dvs[column_letter(headers.index("Explained diagnosis"))].formula1 == '"Yes,Partly,No,N/A"'
    assert dvs[column_letter(headers.index("Language clear"))].formula1 == '"Yes,Partly,No"'
    assert _number_format(ws, "A") == "@"  # an NHS number stays text, never a number


def test_long_answers_go_to_a_hidden_lists_sheet(tmp_path):
    rubric = load_rubric(builtin_dir() / "ehcna-file.yaml")
    out = tmp_path / "ehcna.xlsx"
    write_form(rubric, out)
    wb = load_workbook(out)
    assert wb["Lists"].sheet_state == "hidden"
    ws = wb["Audits"]
    headers = [c.value.removesuffix(" *") for c in ws[1]]
    dv = _validations(ws)[column_letter(headers.index("Final plan: reason for any variance"))]
    assert dv.formula1.startswith("Lists!")
    # the exceptions the 20-week limit allows, each with its paragraph; they contain commas: no inline list can hold them
    assert _list_values(wb, dv) == [
        "School or post-16 institution closed for 4 weeks or more (reg 13(3), 10(4)(a))",
        "Early years provider closed for 4 weeks or more (reg 13(3), 10(4)(b))",
        "Exceptional personal circumstances (reg 13(3), 10(4)(c))",
        "Child, parent or young person absent from the area for 4 weeks or more (reg 13(3), 10(4)(d))",
    ]


def test_the_new_ehcna_form_has_a_reason_beside_each_date_and_no_audit_wide_reason(tmp_path):
    rubric = load_rubric(builtin_dir() / "ehcna-file.yaml")
    out = tmp_path / "ehcna.xlsx"
    write_form(rubric, out)
    wb = load_workbook(out)
    headers = [c.value.removesuffix(" *") for c in wb["Audits"][1]]
    assert (
        "Reason for any variance" not in headers
    )  # the legacy one-reason column: read from old exports only
    at = headers.index("Decision to assess letter date / notification to parent")
    assert headers[at + 1] == "Decision to assess: reason for any variance"
    dv = _validations(wb["Audits"])[column_letter(at + 1)]
    # reg 5(4) allows three exceptions to the 6 weeks; an early years provider's closure is not one of them
    assert _list_values(wb, dv) == [
        "School or post-16 institution closed for 4 weeks or more (reg 5(4)(a))",
        "Exceptional personal circumstances (reg 5(4)(b))",
        "Child, parent or young person absent from the area for 4 weeks or more (reg 5(4)(c))",
    ]
    assert headers.index("Outcome of the request") < at


def test_instructions_sheet_explains_columns_scales_and_grades(tmp_path):
    rubric = load_rubric(builtin_dir() / "health-advice.yaml")
    out = tmp_path / "health.xlsx"
    write_form(rubric, out)
    cells = [
        c
        for row in load_workbook(out)["Instructions"].iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    text = "\n".join(str(c) for c in cells)
    assert rubric.source in text and rubric.version in text
    for item in rubric.items:
        assert item.text in cells and item.guidance in cells
    assert "Partly" in cells and 1 in cells  # the scale with its points
    assert "Requires Improvement" in cells and "50% or more" in cells
    assert "qactl score health-advice" in text


def test_instructions_describe_conditions_and_due_dates(tmp_path):
    out = tmp_path / "ar.xlsx"
    write_form(load_rubric(builtin_dir() / "annual-review.yaml"), out)
    text = "\n".join(
        str(c)
        for row in load_workbook(out)["Instructions"].iter_rows(values_only=True)
        for c in row
        if c is not None
    )
    assert 'due 2 weeks before "Date of the annual review meeting"' in text
    assert 'due within the 12 months starting with "Date the plan was issued or last reviewed"' in text
    assert (
        'Counts only when "National curriculum year group" is 9 or more or "National curriculum year group" is blank and "Date of birth" aged 14 or over'
        in text
    )
    assert "reg 18(1)(a): before 31 March of the year of transfer when" in text


def test_form_refuses_other_suffixes_and_writes_nothing(tmp_path):
    with pytest.raises(UsageError, match=r"ending in \.xlsx"):
        write_form(load_rubric(MINI), tmp_path / "form.csv")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    import xlsxwriter

    out = tmp_path / "form.xlsx"
    out.write_bytes(b"previous")

    def broken_close(self):
        raise OSError("disk full")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    with pytest.raises(OutputError, match="disk full"):
        write_form(load_rubric(MINI), out)
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["form.xlsx"]


def test_form_command_writes_and_says_what_next(runner, app, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    out = tmp_path / "eps.xlsx"
    result = runner.invoke(app, ["form", "eps-advice", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert (
        f"Wrote {out}: a blank eps-advice 2025.1 form, 26 columns (4 fields, 19 questions, 3 comments)."
        in result.output
    )
    assert f"qactl score eps-advice {out}" in result.output


def test_form_default_output_name_and_local_rubric_notice(runner, app, tmp_path, monkeypatch):
    local = tmp_path / "rubrics" / "eps-advice.yaml"
    local.parent.mkdir()
    text = (builtin_dir() / "eps-advice.yaml").read_text(encoding="utf-8")
    local.write_text(
        text.replace("text: Outcomes are SMART", "text: Outcomes are SMART (local wording)"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "250")
    result = runner.invoke(app, ["form", "eps-advice"])
    assert result.exit_code == 0, result.output
    assert "replaces" in result.output and "eps-advice.yaml" in result.output
    headers = [c.value.removesuffix(" *") for c in load_workbook(tmp_path / "eps-advice.xlsx")["Audits"][1]]
    assert "Outcomes are SMART (local wording)" in headers


def test_form_of_a_rubric_file_path(runner, app, tmp_path):
    out = tmp_path / "mini.xlsx"
    result = runner.invoke(app, ["form", str(MINI), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [c.value for c in load_workbook(out)["Audits"][1]][:3] == [
        "Name of child *",
        "Date of birth *",
        "Person completing audit",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["form", "eps-advise", "-o", "x.xlsx"], "No rubric called 'eps-advise'. Did you mean 'eps-advice'?"),
        (["form", "eps-advice", "-o", "no-such-folder/x.xlsx"], "the folder no-such-folder does not exist"),
    ],
)
def test_form_errors_exit_2_without_traceback(tmp_path, args, message):
    from inprocess import qactl

    result = qactl(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_filled_form_reads_back_row_by_row(tmp_path):
    """An auditor fills the blank form in Excel (here openpyxl): the reader gets their answers and real dates."""
    from datetime import date, datetime

    rubric = load_rubric(builtin_dir() / "eps-advice.yaml")
    out = tmp_path / "eps.xlsx"
    write_form(rubric, out)
    wb = load_workbook(out)
    ws = wb["Audits"]
    row = (
        ["Ada Example", datetime(2011, 4, 3), "Dr Invented", "A. Auditor"]
        + ["Fully"] * 19
        + ["Clear formulation", "", "None"]
    )
    ws.append(row)
    wb.save(out)
    sheet = open_sheet(out)
    [(number, values)] = list(sheet.rows)
    assert number == 2
    assert values[0] == "Ada Example"
    assert values[1] in (date(2011, 4, 3), datetime(2011, 4, 3))
    assert values[4:23] == ["Fully"] * 19


def test_the_form_gets_the_usual_file_permissions(tmp_path):
    import os
    import stat

    out = tmp_path / "mini.xlsx"
    write_form(load_rubric(MINI), out)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask  # not the 0600 of a temporary file
