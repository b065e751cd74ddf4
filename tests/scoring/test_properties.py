"""Property tests: no cell text crashes the scorer, scores stay in 0–100, column order changes nothing."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_helpers import EHCNA, EPS, HEALTH

from qactl.rubric.loader import load_rubric
from qactl.scoring.mapping import map_columns
from qactl.scoring.score import Scorer

RUBRICS = [load_rubric(p) for p in (EPS, HEALTH, EHCNA)]
ANSWERS = [
    "Fully",
    "partially",
    "Not included",
    "Yes",
    "no",
    "Partly",
    "N/A",
    "",
    None,
    "03/04/2012",
    "9990000018",
    "B801200005001",
    "01/09/2025",
    45000.0,
    datetime(2025, 10, 1, 9, 30),
    "Fully;Partially;",
]
cell = st.one_of(
    st.sampled_from(ANSWERS),
    st.text(max_size=30),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.dates().map(lambda d: datetime(d.year, d.month, d.day)),
    st.booleans(),
    st.none(),
)


def headers(rubric):
    return ["Completion time", *[t.text for t in rubric.columns()]]


def scorer(rubric, heads):
    return Scorer(rubric, map_columns(rubric, heads), sheet="Sheet1", key=b"k", today=date(2025, 11, 1))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), which=st.integers(0, 2))
def test_any_cells_never_crash_and_scores_stay_in_range(data, which):
    rubric = RUBRICS[which]
    heads = headers(rubric)
    row = data.draw(st.lists(cell, min_size=len(heads), max_size=len(heads)))
    a = scorer(rubric, heads).audit(2, row)
    if a is None:
        return
    assert a["status"] in ("scored", "error")
    if a["score"] is not None:
        assert 0 <= a["score"] <= 100
        assert a["grade"] in [b.grade for b in rubric.grading.bands]
    for s in a["sections"].values():
        assert 0 <= s["score"] <= 100
    for e in a["errors"]:
        assert e["cell"].startswith("Sheet1!") and e["message"]


@settings(max_examples=60, deadline=None)
@given(data=st.data(), which=st.integers(0, 2))
def test_reordering_columns_changes_no_score(data, which):
    rubric = RUBRICS[which]
    heads = headers(rubric)
    good = st.sampled_from(
        [
            "Fully",
            "Partially",
            "Not included",
            "Yes",
            "Partly",
            "No",
            "N/A",
            "01/10/2025",
            "01/02/2012",
            "9990000018",
        ]
    )
    row = data.draw(st.lists(good, min_size=len(heads), max_size=len(heads)))
    order = data.draw(st.permutations(range(len(heads))))
    a = scorer(rubric, heads).audit(2, row)
    b = scorer(rubric, [heads[i] for i in order]).audit(2, [row[i] for i in order])
    assert (a["score"], a["grade"], a["sections"], a["answers"], a["milestones"]) == (
        b["score"],
        b["grade"],
        b["sections"],
        b["answers"],
        b["milestones"],
    )
    assert sorted(e["code"] for e in a["errors"]) == sorted(e["code"] for e in b["errors"])
