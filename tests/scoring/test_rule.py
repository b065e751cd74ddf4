"""The scoring rule (docs/score.md, "How audits are scored") in detail: half-up rounding, weights, section weights, limits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from qactl.rubric.loader import load_rubric
from qactl.rubric.models import Rubric
from qactl.scoring.mapping import map_columns
from qactl.scoring.score import Scorer, round_half_up

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.yaml"


def _audit(rubric: Rubric, answers: dict[str, str], dob="01/01/2010"):
    heads = ["Name of child", "Date of birth", *[i.text for i in rubric.items]]
    row = ["Testchild Rule", dob, *[answers.get(i.id) for i in rubric.items]]
    return Scorer(
        rubric, map_columns(rubric, heads), sheet="S", key=b"k", audit_date=date(2025, 10, 1)
    ).audit(2, row)


def test_round_half_up_not_half_even():
    assert round_half_up(Decimal(100) * 69 / 80) == 86.3  # 86.25: Python's round() gives 86.2
    assert round(86.25, 1) == 86.2


def test_weights_and_limit():
    rubric = load_rubric(MINI)
    # formulation Fully 2×1, smart Partially 1×2, pfa Not included 0×1 (child 15): 4 of 8 = 50.0
    a = _audit(rubric, {"formulation": "Fully", "smart": "Partially", "pfa": "Not included"})
    assert a["score"] == 50.0 and a["grade"] == "Requires improvement"
    assert a["sections"] == {
        "Formulation": {"score": 100.0, "grade": "Outstanding"},
        "Outcomes": {"score": 33.3, "grade": "Inadequate"},
    }
    # smart Not included caps at Requires improvement: 2+0+2 of 8 = 50 anyway; with pfa N/A (allowed? no: an error)
    b = _audit(rubric, {"formulation": "Fully", "smart": "Not included", "pfa": "Fully"}, dob="01/01/2015")
    assert b["answers"]["pfa"]["applies"] is False and b["score"] == 33.3 and b["grade"] == "Inadequate"
    c = _audit(rubric, {"formulation": "Fully", "smart": "Fully", "pfa": "N/A"})
    assert c["status"] == "error" and c["errors"][0]["code"] == "na_not_allowed"


def test_section_weights():
    data = load_rubric(MINI).model_dump(by_alias=True, exclude_none=True)
    data["grading"]["section_weights"] = {"Formulation": 1, "Outcomes": 3}
    data["grading"]["limits"] = []
    rubric = Rubric.model_validate(data)
    a = _audit(rubric, {"formulation": "Fully", "smart": "Partially", "pfa": "Not included"})
    # (1 × 100 + 3 × 33.33…) / 4 = 50.0
    assert a["score"] == 50.0
    b = _audit(rubric, {"formulation": "Not included", "smart": "Fully", "pfa": "Partially"})
    # Formulation 0 %, Outcomes 5 of 6 = 83.33… %: (0 + 250) / 4 = 62.5
    assert b["score"] == 62.5 and b["grade"] == "Requires improvement"


def test_fractional_weights_are_exact():
    from qactl.scoring.score import unit_of

    data = load_rubric(MINI).model_dump(by_alias=True, exclude_none=True)
    for item, w in zip(data["items"], (0.1, 0.35, 0.3), strict=True):
        item["weight"] = w
    data["grading"]["limits"] = []
    rubric = Rubric.model_validate(data)
    assert unit_of(rubric) == 100
    # 0.1×2 + 0.35×1 + 0.3×0 = 0.55 of 0.2 + 0.7 + 0.6 = 1.5: 36.666… → 36.7
    a = _audit(rubric, {"formulation": "Fully", "smart": "Partially", "pfa": "Not included"})
    assert a["score"] == 36.7
    # 0.1×1 + 0.35×2 + 0.3×... : formulation Partially, smart Fully, child under 14: 0.8 of 0.9 = 88.888… → 88.9
    b = _audit(rubric, {"formulation": "Partially", "smart": "Fully", "pfa": "Fully"}, dob="01/01/2015")
    assert b["score"] == 88.9


def test_percent_half_up_in_integers():
    from qactl.scoring.score import percent_half_up

    assert percent_half_up(69, 80) == 86.3 and percent_half_up(1, 3) == 33.3 and percent_half_up(2, 3) == 66.7
    assert percent_half_up(0, 5) == 0.0 and percent_half_up(5, 5) == 100.0
