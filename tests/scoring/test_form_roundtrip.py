"""A blank workbook from `qactl form`, filled in by a person in Excel, scores without a --map."""

import json
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
from typer.testing import CliRunner

from qactl.cli import app
from qactl.rubric.loader import resolve

runner = CliRunner()


def test_filled_in_blank_form_scores_without_a_map(tmp_path):
    form = tmp_path / "eps-form.xlsx"
    result = runner.invoke(app, ["form", "eps-advice", "-o", str(form)])
    assert result.exit_code == 0, result.output

    rubric = resolve("eps-advice").rubric
    wb = openpyxl.load_workbook(form)
    ws = wb.worksheets[0]
    headers = [c.value.removesuffix(" *") for c in ws[1]]  # a required column's header is marked *
    answers = {"Fully": 2, "Partially": 1, "Not included": 0}
    cycle = list(answers)
    row: dict[str, object] = {}
    expected_points = expected_max = 0
    for n, item in enumerate(rubric.items):
        label = cycle[n % 3]
        row[item.text] = label
        if item.applies_if is None:  # the child below is 9: the age-14 item does not apply
            expected_points += answers[label] * item.weight
            expected_max += 2 * item.weight
    for f in rubric.fields:
        if f.type.value == "date":
            row[f.text] = datetime(2016, 5, 4)
        else:
            row[f.text] = {"child_name": "Testa Childsworth"}.get(f.role or "", "Dr Example Psychologist")
    values = [row.get(h) for h in headers]
    for col, v in enumerate(values, start=1):
        ws.cell(row=2, column=col, value=v)
    wb.save(form)

    out = tmp_path / "scored.json"
    result = runner.invoke(
        app, ["score", "eps-advice", str(form), "-o", str(out), "--audit-date", "01/10/2025", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    (audit,) = doc["audits"]
    assert audit["status"] == "scored"
    exact = Decimal(100 * expected_points) / Decimal(expected_max)
    assert audit["score"] == float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    assert audit["answers"]["pfa_outcomes"]["applies"] is False
    assert "Testa" not in out.read_text()
