"""The scored workbook as the team leader opens it: a Summary first that says how the round went."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from book_checks import fits_to_width, junk, repeated_rows

from qactl.rubric.loader import resolve

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT / "examples" / "exports"


def _ids(rubric_id: str) -> set[str]:
    r = resolve(rubric_id).rubric
    return {t.id for t in r.columns()}


@pytest.fixture
def eps(tmp_path, qactl):
    last = tmp_path / "eps-summer.json"
    assert qactl(
        "score",
        "eps-advice",
        EXPORTS / "previous" / "eps-advice.xlsx",
        "--round",
        "2025 Summer",
        "-o",
        last,
        "-q",
    )[0] in (0, 1)
    out = tmp_path / "eps-autumn.xlsx"
    code, _, err = qactl(
        "score",
        "eps-advice",
        EXPORTS / "eps-advice.xlsx",
        "--round",
        "2025 Autumn",
        "-o",
        out,
        "--previous",
        last,
    )
    assert code == 1, err  # two bad cells in the example, on purpose
    return out, json.loads(last.read_text())


def _block(ws, heading: str) -> list[tuple]:
    """The rows of the Summary's table under ``heading`` (its header row first), up to the next blank row."""
    rows = list(ws.iter_rows(values_only=True))
    k = next(i for i, r in enumerate(rows) if r[0] == heading) + 1
    while (
        rows[k][0] is not None
        and rows[k][1] is None
        and rows[k][0] not in ("Grade", "Criterion", "What to fix", "Question")
    ):
        k += 1  # a note under the heading
    out = []
    while k < len(rows) and any(v is not None for v in rows[k]):
        out.append(rows[k])
        k += 1
    return out


def test_the_summary_comes_first_with_this_round_beside_the_last(eps):
    out, last = eps
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Audits", "Errors", "Items", "About"]
    ws = wb.worksheets[0]
    assert ws["A1"].value == "Quality assurance of psychological advice: 2025 Autumn"
    assert ws["A2"].value.startswith("Scored from eps-advice.xlsx (sheet Sheet1) on ") and ws[
        "A2"
    ].value.endswith("beside last round (2025 Summer).")
    facts = {r[0]: r[1] for r in _block(ws, "Audits")}
    # the example export: 34 rows, 2 with a bad cell, 1 duplicate submission: 31 scored
    assert facts == {
        "Audits in the export": 34,
        "Scored": 31,
        "With errors to fix (not scored until corrected)": 2,
        "Duplicate submissions (not counted)": 1,
    }
    grades = _block(ws, "Grades")
    assert grades[0][:6] == ("Grade", "Audits", "Share", "Last round", "Share then", "Change (points)")
    by = {r[0]: r for r in grades[1:]}
    assert list(by)[:4] == ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
    before = last["summary"]["grades"]
    n_before = sum(before.values())
    out_now, good_now = by["Outstanding"][1], by["Good"][1]
    assert out_now + good_now == 31 and by["Graded audits"][1] == 31
    assert (
        by["Outstanding"][2] == pytest.approx(out_now / 31)
        and ws.cell(row=_row(ws, "Outstanding"), column=3).number_format == "0.0%"
    )
    assert by["Outstanding"][3] == before.get("Outstanding", 0) and by["Outstanding"][4] == pytest.approx(
        before.get("Outstanding", 0) / n_before
    )
    assert by["Outstanding"][5] == round(100 * (out_now / 31 - before.get("Outstanding", 0) / n_before), 1)
    weakest = _block(ws, "Weakest criteria: the lowest shares fully met")
    assert weakest[0][:7] == (
        "Criterion",
        "Section",
        "Applied",
        "Fully met",
        "Share",
        "Share then",
        "Change (points)",
    )
    shares = [r[4] for r in weakest[1:]]
    assert len(shares) == 5 and shares == sorted(shares)
    # the 14+ question applies to fewer audits: 10 of 15 fully met is the weakest share
    assert weakest[1][0] == "For children 14yrs+ the outcomes relate to preparing for adulthood" and weakest[
        1
    ][2:5] == (15, 10, pytest.approx(10 / 15))
    errors = _block(ws, "Errors to fix")
    assert errors[0][:3] == ("What to fix", "Cell", "Row")
    assert errors[1][0].endswith(
        "presenting needs: expected Fully, Partially or Not included; did you mean 'Fully'?"
    )
    assert (
        errors[1][1:3] == ("Sheet1!J9", "Row 9")
        and ws.cell(row=_row(ws, errors[1][0]), column=3).hyperlink.location == "'Audits'!A9"
    )


def _row(ws, first: str) -> int:
    return next(c.row for c in ws["A"] if c.value == first)


def test_grades_are_told_apart_without_colour_and_their_colours_differ_in_lightness(eps):
    wb = openpyxl.load_workbook(eps[0])
    ws = wb["Summary"]
    fills = {}
    for g in ("Outstanding", "Good", "Requires Improvement", "Inadequate"):
        c = ws.cell(row=_row(ws, g), column=1)
        assert c.value == g  # the grade is written out: colour is never the only signal
        fills[g] = c.fill.fgColor.rgb[-6:]

    def lightness(hex6: str) -> float:
        r, g, b = (int(hex6[i : i + 2], 16) for i in (0, 2, 4))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert len(set(fills.values())) == 4
    light = sorted(lightness(v) for v in fills.values())
    # a reader who sees no hue still sees two dark and two light grades, and the two neighbours that share a
    # lightness (Outstanding and Inadequate, Good and Requires Improvement) are blue against orange
    assert light[1] - light[0] < 60 and light[2] - light[1] > 100
    assert fills["Outstanding"] == "1F4E79" and fills["Inadequate"] == "843C0C"


def test_audits_are_headed_in_words_with_dates_as_dates_and_no_internal_id_shown(eps):
    wb = openpyxl.load_workbook(eps[0])
    ws = wb["Audits"]
    head = [c.value for c in ws[1]]
    assert head[:8] == [
        "Row in the export",
        "Reference",
        "Status",
        "Errors to fix",
        "Score",
        "Grade",
        "Audit date",
        "Duplicate of row",
    ]
    assert "Outcomes are SMART" in head and "Views: section score" in head and "Forms: completed" in head
    # each header's comment keeps the id, so a script can still find the column
    smart = head.index("Outcomes are SMART")
    assert ws.cell(row=1, column=smart + 1).comment.text == "Column: smart_outcomes: Outcomes are SMART"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert all(isinstance(r[6], datetime) for r in rows) and ws["G2"].number_format == "dd/mm/yyyy"
    assert ws["E2"].number_format == "0.0"
    assert {r[2] for r in rows} == {"Scored", "Errors to fix", "Duplicate (not counted)"}
    assert junk(wb, _ids("eps-advice")) == []
    for sheet in wb.worksheets:
        assert sheet.page_setup.paperSize == 9, sheet.title
        if sheet.title != "Audits":
            assert fits_to_width(sheet), sheet.title
    # too wide for one page: printed across, the header row and the row and reference on every page
    assert (
        repeated_rows(ws) == "1:1"
        and ws.print_title_cols == "$A:$B"
        and ws.page_setup.pageOrder == "overThenDown"
    )
    assert repeated_rows(wb["Errors"]) == "1:1" and repeated_rows(wb["Items"]) == "1:1"


def test_a_survey_shows_how_people_answered_and_no_grades(tmp_path, qactl):
    out = tmp_path / "family.xlsx"
    code, _, err = qactl(
        "score",
        "family-feedback",
        ROOT / "examples" / "family-feedback.xlsx",
        "--round",
        "2025 Autumn",
        "-o",
        out,
    )
    assert code == 0, err
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Responses", "Errors", "Questions", "About"]
    ws = wb["Summary"]
    text = [v for _, _, v in _cells(ws)]
    assert "Grades" not in text and not any(
        str(v).startswith(("Positive", "Mixed", "Negative")) for v in text
    )
    table = _block(ws, "How people answered")
    assert table[0][:3] == ("Question", "Strongly agree", "Agree")
    on_time = next(r for r in table if r[0] == "The plan was finished within the time we were told")
    answers = [v for v in on_time[1:] if v is not None]
    assert sum(answers) == pytest.approx(1.0)  # every response is one answer or blank
    assert "Score" not in [c.value for c in wb["Responses"][1]] and "Grade" not in [
        c.value for c in wb["Responses"][1]
    ]
    assert junk(wb, _ids("family-feedback")) == []


def _cells(ws):
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                yield ws.title, c.coordinate, c.value


def test_previous_of_another_rubric_or_for_json_is_refused_before_anything_is_written(tmp_path, qactl):
    other = tmp_path / "health.json"
    qactl("score", "health-advice", EXPORTS / "health-advice.csv", "-o", other, "-q")
    out = tmp_path / "eps.xlsx"
    code, _, err = qactl("score", "eps-advice", EXPORTS / "eps-advice.xlsx", "-o", out, "--previous", other)
    flat = " ".join(err.split())
    assert (
        code == 2
        and "--previous health.json holds health-advice audits, and this export is scored as eps-advice"
        in flat
    )
    code, _, err = qactl(
        "score", "eps-advice", EXPORTS / "eps-advice.xlsx", "-o", tmp_path / "eps.json", "--previous", other
    )
    assert code == 2 and "write an .xlsx" in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["health.json"]


def test_timeliness_on_the_summary_keeps_statutory_limits_and_local_targets_apart(tmp_path):
    """The Summary's timeliness block, as qactl.statutory.timeliness counts a file whose dates say their kind."""
    import xlsxwriter

    from qactl.scoring.workbook import _timeliness
    from qactl.sheets.xlsx import Styles
    from qactl.statutory.timeliness import Tally

    schema = {
        "milestones": [
            {"id": "decision", "text": "Decision to assess", "kind": "statutory", "limit": "6 weeks"},
            {"id": "advice", "text": "Advice received", "kind": "target", "limit": "Local target: 12 weeks"},
            {"id": "final", "text": "Final plan", "kind": "statutory", "limit": "20 weeks"},
        ]
    }

    def a(decision, advice, final, status="scored"):
        return {
            "status": status,
            "milestones": {
                k: {"status": v, "days_late": None}
                for k, v in (("decision", decision), ("advice", advice), ("final", final))
            },
        }

    tally = Tally(schema)
    for audit in (
        a("on_time", "on_time", "on_time"),
        a("on_time", "late", "late"),
        a("on_time", "on_time", "exception"),
        a("missing", "not_due", "not_due"),
        a("on_time", "not_applicable", "not_applicable"),
        a("late", "on_time", "on_time"),
        a("late", "late", "late", status="error"),
    ):
        tally.add(audit)
    path = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    _timeliness(wb.add_worksheet("Summary"), 0, tally.result(), None, Styles(wb))
    wb.close()
    rows = {r[0]: r[1:7] for r in openpyxl.load_workbook(path)["Summary"].iter_rows(values_only=True) if r[0]}
    # statutory: the decision due 6 times (4 on time, 1 late, 1 with no date), the final plan due 3 times (2 on time,
    # 1 late) and once excused: 6 of 9 on time, 66.7%; the audit in error not counted
    assert rows["Statutory limits (set by law)"] == (9, 6, 2, 1, 1, 0.667)
    # the local target apart, never excused: advice due 4 times, 3 on time
    assert rows["Local targets"] == (4, 3, 1, 0, 0, 0.75)
    assert rows["Advice received (Local target: 12 weeks), a local target"] == (4, 3, 1, 0, 0, 0.75)
    assert rows["Final plan (20 weeks)"] == (3, 2, 1, 0, 1, 0.667)
