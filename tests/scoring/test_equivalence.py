"""The fast scorer gives the reference scorer's audit for every row, byte for byte once encoded.

:mod:`qactl.scoring.reference` is docs/score.md in code, one step at a time; :class:`qactl.scoring.score.Scorer` is
what ``qactl score`` runs. Hypothesis generates rubrics (scales with aliases and N/A, weights with decimals, sections
and section weights, multi-answer items with caps, ``applies_if`` on ages, answers and fields, the three grading
methods, limits) and rows (good answers in any case and spacing, N/A, blanks, typos, Excel errors, dates as text, as
Excel dates and as bare numbers, names, NHS numbers, duplicated rows, the header pasted again), and the built-in
rubrics with rows drawn the same way; both scorers score the same rows, and every audit's encoding, every error and
the summary must be equal. Bounded examples keep it within a few seconds of `make test`.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qactl.results import encode_audit
from qactl.rubric.loader import load_rubric, resolve
from qactl.rubric.models import Comment, Field, FieldType, Item, Milestone
from qactl.scoring.mapping import map_columns
from qactl.scoring.reference import ReferenceScorer
from qactl.scoring.score import Scorer

TODAY = date(2025, 11, 1)
BUILT_IN = [
    "eps-advice",
    "health-advice",
    "ehcna-file",
    "annual-review",
    "ehcp-quality",
    "sen-information-report",
    "ap-quality",
    "family-feedback",
    "practice-conversation",
]
JUNK = [
    None,
    "",
    "  ",
    "#N/A",
    "#REF!",
    "N/A",
    "n/a",
    "Fullly",
    "=SUM(A1)",
    12.0,
    45000.0,
    True,
    "31/02/2015",
    "04/23/2025",
    "3 April 2015",
    datetime(2025, 10, 1, 9, 30),
]
DATES = [
    "03/04/2012",
    "3.4.12",
    "2012-04-03",
    date(2012, 4, 3),
    datetime(2016, 9, 1),
    "01/10/2025",
    "15/01/2025",
    "01/12/2025",
    "01/06/2026",
    datetime(2025, 3, 3),
    "2030-01-01",
    40000.0,
    "12",
]
NAMES = ["Zoë O’Neill", "Bo Li", "Mary-Jane Smith", "Ann", "Amara Okafor", "  Amara  Okafor ", "x"]
COMMENTS = [
    "Zoe’s outcomes are SMART",
    "Call about Bo Li on 943 476 5919",
    "Born 03/04/2012; see UPN B801200005001",
    "Good work, Mary Jane.",
    "Nothing to add",
    '=HYPERLINK("x")',
    "Amara's plan",
]


def headers(rubric) -> list[str]:
    return ["ID", "Completion time", "Email", "Name", *[t.text for t in rubric.columns()]]


def cell_values(rubric, column, clean: bool = False) -> list:
    """What a cell of this column might hold: the right kind of value in its many spellings, and junk (unless clean)."""
    junk = [] if clean else JUNK
    if isinstance(column, Item):
        scale = rubric.scales[column.scale]
        good = [
            w for c in scale.choices for w in (c.label, c.label.upper(), f"  {c.label.lower()} ", *c.aliases)
        ]
        good += [scale.na.label] if scale.na else []
        if column.multi:
            good += [
                ";".join(c.label for c in scale.choices[:2]) + ";",
                f"{scale.choices[0].label};{scale.choices[0].label}",
            ]
        return good * 3 + junk
    if isinstance(column, Milestone):
        return DATES[:-3] * 2 + junk
    if isinstance(column, Comment):
        return COMMENTS + [None, None, "#DIV/0!"]
    if isinstance(column, Field):
        if column.type == FieldType.date:
            return DATES[:-3] + junk
        if column.type == FieldType.nhs_number:
            return ["943 476 5919", "9434765919", "943 476 5918", "12345", None, "#N/A"]
        if column.type == FieldType.upn:
            return ["B801200005001", "B801200005002", "b801200005001", None]
        if column.type == FieldType.integer:
            return [3, 3.0, "4", "1,200", "x", None, 10**30]
        if column.role is not None and column.role.value == "reason" or column.id in ("reason", "outcome"):
            labels = [r.label for r in (rubric.exceptions.reasons if rubric.exceptions else [])]
            ends = [e.answer for e in (rubric.outcomes.ends if rubric.outcomes else [])]
            return [*labels, *ends, "School closed", "because", None, None]
        if column.choices:
            return [*column.choices, None]
        return NAMES + [None, "Auditor 1", "Team A"]
    return JUNK


def rows_strategy(rubric):
    columns = rubric.columns()
    one, clean = (
        st.tuples(
            st.sampled_from(["1", "2", 3.0, None]),
            st.sampled_from(
                [datetime(2025, 10, 1, 9, 30), "01/10/2025 09:30", datetime(2026, 1, 1), "x", None]
            ),
            st.sampled_from(["a@example.org", "b@example.org", None]),
            st.sampled_from(["Auditor A", "Auditor B", None]),
            *[st.sampled_from(cell_values(rubric, c, k)) for c in columns],
        ).map(list)
        for k in (False, True)
    )
    blank = st.just([None] * (4 + len(columns)))
    header = st.just(headers(rubric))
    return st.lists(st.one_of(one, clean, clean, blank, header), min_size=1, max_size=5).flatmap(
        lambda rows: st.lists(st.sampled_from(rows), min_size=len(rows), max_size=len(rows) + 2)
    )  # repeats: duplicates


def same_audits(rubric, rows, **options) -> None:
    heads = headers(rubric)
    fast = Scorer(rubric, map_columns(rubric, heads), sheet="Sheet 1", key=b"k", today=TODAY, **options)
    ref = ReferenceScorer(
        rubric, map_columns(rubric, heads), sheet="Sheet 1", key=b"k", today=TODAY, **options
    )
    for n, values in enumerate(rows, start=2):
        a, b = fast.audit(n, list(values)), ref.audit(n, list(values))
        assert (a is None) == (b is None)
        if a is not None:
            assert encode_audit(a) == encode_audit(b), f"row {n}: {values!r}"
    assert json.dumps(fast.tally.summary([])) == json.dumps(ref.tally.summary([]))


OPTIONS = st.sampled_from([{}, {"include_pii": True}, {"audit_date": date(2025, 10, 1)}])
_RUBRICS = {rid: resolve(rid).rubric for rid in BUILT_IN}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), rid=st.sampled_from(BUILT_IN), options=OPTIONS)
def test_fast_equals_reference_on_the_built_in_rubrics(data, rid, options):
    rubric = _RUBRICS[rid]
    same_audits(rubric, data.draw(rows_strategy(rubric)), **options)


# ---------------------------------------------------------------- generated rubrics

POINTS = st.sampled_from([0, 0.5, 1, 1.5, 2, 3, 0.25, 10])
WEIGHTS = st.sampled_from([1, 1, 0.5, 2, 1.5, 0.1, 0.3, 0, 3])


@st.composite
def rubrics(draw, tmp):
    scales = {}
    for s in range(draw(st.integers(1, 3))):
        points = draw(st.lists(POINTS, min_size=1, max_size=4, unique=True))
        points = points if max(points) > 0 else [*points, 1]  # a scale no answer scores on is refused
        choices = [
            {"label": f"Answer {s}{k}", "points": p, "aliases": [f"a{s}{k}"]} for k, p in enumerate(points)
        ]
        scales[f"s{s}"] = {"choices": choices, **({"na": "N/A"} if draw(st.booleans()) else {})}
    sections = draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=3, unique=True))
    items = []
    for k in range(draw(st.integers(1, 6))):
        scale = draw(st.sampled_from(sorted(scales))) if k else "s0"  # conditions name q0's first answer
        item = {
            "id": f"q{k}",
            "section": draw(st.sampled_from(sections)),
            "text": f"Question {k}",
            "scale": scale,
            "weight": draw(WEIGHTS) if k else 1,
            "required": draw(st.booleans()),
            "allow_na": "na" in scales[scale] and draw(st.booleans()),
        }
        if draw(st.integers(0, 4)) == 0:
            item["multi"] = True
            if draw(st.booleans()):
                item["max_points"] = draw(POINTS)
        cond = draw(
            st.sampled_from(
                [
                    None,
                    None,
                    {"field": "dob", "age_at_least": 14},
                    {"field": "dob", "age_below": 10},
                    {"item": "q0", "answer": "Answer 00"},
                    {"not": {"field": "team", "answered": True}},
                    {"any": [{"field": "team", "equals": "Team A"}, {"field": "dob", "age_at_least": 5}]},
                ]
            )
        )
        if cond is not None and not (k == 0 and "item" in cond):
            item["applies_if"] = cond
        items.append(item)
    method = draw(st.sampled_from(["percent", "percent", "compliance", "rag"]))
    if method == "rag":
        bands = [
            {"grade": "Green", "max_red": 0, "max_amber": draw(st.integers(0, 2))},
            {"grade": "Amber", "max_red": 1},
            {"grade": "Red"},
        ]
    else:
        bands = [
            {"grade": "Good", "min": draw(st.sampled_from([60, 70, 86.3]))},
            {"grade": "Fair", "min": 40},
            {"grade": "Poor", "min": 0},
        ]
    grading = {"method": method, "bands": bands}
    if method != "rag" and draw(st.booleans()):
        grading["section_weights"] = {
            s: draw(st.sampled_from([0, 1, 2, 0.5])) for s in sorted({i["section"] for i in items})
        }
        if method == "compliance":
            grading["section_weights"]["Statutory time limits"] = draw(st.sampled_from([0, 1, 2]))
    if draw(st.booleans()):
        grading["limits"] = [
            draw(
                st.sampled_from(
                    [
                        {"if": {"item": "q0", "answer": "Answer 00"}, "max_grade": bands[1]["grade"]},
                        {"if": {"items": "all", "answer": "Answer 00"}, "max_grade": bands[-1]["grade"]},
                    ]
                )
            )
        ]
    doc = {
        "id": "generated",
        "title": "Generated",
        "version": "1",
        "source": "hypothesis",
        "scales": scales,
        "identify": ["child_name", "dob"],
        "fields": [
            {"id": "child_name", "text": "Name of child", "pii": True, "role": "child_name"},
            {"id": "dob", "text": "Date of birth", "type": "date", "pii": True, "role": "dob"},
            {"id": "team", "text": "Team", "choices": ["Team A", "Team B"]},
            {"id": "received", "text": "Received", "type": "date"},
        ],
        "items": items,
        "comments": [{"id": "notes", "text": "Notes"}],
        "grading": grading,
    }
    if method == "compliance":
        doc["milestones"] = [
            {
                "id": "decision",
                "text": "Decision",
                "kind": "statutory",
                "citation": "reg 5(1)",
                "due": {"from": "received", "weeks": 6},
            },
            {"id": "target", "text": "Target", "kind": "target", "due": {"from": "received", "days": 30}},
        ]
    path = tmp / "generated.yaml"
    path.write_text(json.dumps(doc), encoding="utf-8")  # JSON is YAML: loaded and checked as any rubric file
    return load_rubric(path)


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("rubrics")


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), options=OPTIONS)
def test_fast_equals_reference_on_generated_rubrics(tmp, data, options):
    rubric = data.draw(rubrics(tmp))
    same_audits(rubric, data.draw(rows_strategy(rubric)), **options)
