"""Column mapping by id, text, numbering, alias; cell checks; the examples generator end to end."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from scoring_helpers import EPS, HEALTH

from qactl.errors import InputError
from qactl.rubric.loader import load_rubric
from qactl.rubric.models import Item, Scale
from qactl.scoring.cells import item_parser, nhs_number_ok, upn_ok
from qactl.scoring.mapping import map_columns

ROOT = Path(__file__).resolve().parents[2]


def test_headers_match_by_id_text_numbering_and_alias():
    rubric = load_rubric(HEALTH)
    heads = [
        "Id",
        "Completion time",
        "Email",
        "Name",
        "nhs_number",
        "Q2 Team - who is the advice from?",
        "4) DEMOGRAPHICS COMPLETE- Is every box on the demographics completed, name, DOB, NHS, Address)",
        "5.Language clear- Is the language used clear and easy to understand to lay person.   ",
        *[i.text for i in rubric.items[2:]],
        "Private notes",
    ]
    cm = map_columns(rubric, heads)
    got = {heads[c]: t.id for c, t in cm.targets.items()}
    assert got["nhs_number"] == "nhs_number" and got["Q2 Team - who is the advice from?"] == "team"
    assert got[heads[6]] == "demographics" and got[heads[7]] == "language"
    assert cm.forms == {0: "forms_id", 1: "completion_time", 2: "respondent_email", 3: "respondent"}
    assert cm.extra == {len(heads) - 1: "Private notes"}


def test_alias_header():
    rubric = load_rubric(HEALTH)
    cm = map_columns(rubric, ["NHS Number", *[i.text for i in rubric.items]])
    assert cm.targets[0].id == "nhs_number"


def test_required_field_missing_is_unusable():
    rubric = load_rubric(EPS)
    with pytest.raises(InputError, match="child_name"):
        map_columns(rubric, ["Date of birth", *[i.text for i in rubric.items]])


def test_multi_choice_cells_split_on_semicolons():
    scale = Scale(
        choices=[
            {"label": "Parents", "points": 1},
            {"label": "Child", "points": 1},
            {"label": "School", "points": 1},
        ]
    )
    parse = item_parser(
        Item(id="views", section="S", text="Whose views", scale="v", multi=True, max_points=2), scale
    )
    ans, prob = parse("Parents;child;")
    assert prob is None and ans.label == "Parents; Child" and ans.points == 2
    assert parse("Parents;School;Child;")[0].points == 2  # capped at max_points
    assert parse("Parents;Teachers;")[1][0] == "unknown_answer"


def test_identifier_checks():
    assert nhs_number_ok("9434765919") and nhs_number_ok("6541003238") and nhs_number_ok("6716689966")
    assert (
        not nhs_number_ok("0000000001")
        and not nhs_number_ok("9991234560")
        and not nhs_number_ok("9434765918")
    )
    assert upn_ok("B801200005001") and not upn_ok("A801200005001")


def test_examples_generator_on_the_mini_rubric(tmp_path):
    spec = importlib.util.spec_from_file_location("make_exports", ROOT / "examples" / "make_exports.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main([str(tmp_path), "--rubrics", str(ROOT / "tests" / "data" / "mini.yaml")]) == 0
    first = (tmp_path / "mini.xlsx").read_bytes()
    mod.main([str(tmp_path), "--rubrics", str(ROOT / "tests" / "data" / "mini.yaml")])
    assert (tmp_path / "previous" / "mini.xlsx").exists()

    from qactl.scoring.run import score_file

    result = score_file(
        str(ROOT / "tests" / "data" / "mini.yaml"),
        tmp_path / "mini.xlsx",
        tmp_path / "mini.json",
        round_label="2025 Autumn",
    )
    s = result.summary
    # 25 audits, 8 of them audited again by another auditor (the moderation sample), 1 duplicate submission
    assert (s["rows"], s["with_errors"], s["duplicates"]) == (34, 2, 1) and s["scored"] == 31
    assert {e["code"] for e in result.first_errors} == {"unknown_answer", "bad_date"}
    # deterministic apart from the file's own timestamps: the same cells on a second run
    from openpyxl import load_workbook

    assert [r for r in load_workbook(tmp_path / "mini.xlsx").active.iter_rows(values_only=True)] == [
        r for r in _rows(first, tmp_path)
    ]


def _rows(data: bytes, tmp_path):
    from openpyxl import load_workbook

    p = tmp_path / "first.xlsx"
    p.write_bytes(data)
    return load_workbook(p).active.iter_rows(values_only=True)
