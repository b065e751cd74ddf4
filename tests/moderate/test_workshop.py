"""The moderation workshop's list: every pair whose grades or answers differ, and kappa explained beside AC1."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from qactl.moderation import moderate_files, to_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_every_pair_whose_grades_or_answers_differ_is_listed(scored, kit):
    audit = kit.audit
    audits = [
        # p1: same answers, same grade: nothing to discuss
        audit(2, "p1", "Ada Brook", {"formulation": "Fully", "smart": "Fully", "pfa": "-"}, "Good"),
        audit(3, "p1", "Cal Dunn", {"formulation": "Fully", "smart": "Fully", "pfa": "-"}, "Good"),
        # p2: one answer a step apart, same grade
        audit(4, "p2", "Ada Brook", {"formulation": "Fully", "smart": "Partially", "pfa": "-"}, "Good"),
        audit(5, "p2", "Cal Dunn", {"formulation": "Fully", "smart": "Fully", "pfa": "-"}, "Good"),
        # p3: grades two bands apart, one answer at opposite ends, one N/A against an answer
        audit(6, "p3", "Eve Fox", {"formulation": "Fully", "smart": "Fully", "pfa": "N/A"}, "Outstanding"),
        audit(
            7,
            "p3",
            "Gil Hart",
            {"formulation": "Not included", "smart": "Fully", "pfa": "Partially"},
            "Requires improvement",
        ),
        # p4: the same answers but different grades (a limit, say)
        audit(8, "p4", "Eve Fox", {"formulation": "Partially", "smart": "Fully", "pfa": "-"}, "Good"),
        audit(9, "p4", "Gil Hart", {"formulation": "Partially", "smart": "Fully", "pfa": "-"}, "Outstanding"),
    ]
    doc = moderate_files([scored("s.json", audits)])
    listed = doc["to_discuss"]
    assert [d["ref"] for d in listed] == ["p3", "p4", "p2"]  # grades apart first (widest first), then answers
    p3, p4, p2 = listed
    assert p3["grades_differ"] and p3["grade_steps"] == 2
    assert [(x["item"], x["answers"], x["steps"], x["opposite_ends"]) for x in p3["differences"]] == [
        ("formulation", ["Fully", "Not included"], 2, True),
        ("pfa", ["N/A", "Partially"], None, False),
    ]
    assert [a["auditor"] for a in p3["audits"]] == ["Eve Fox", "Gil Hart"] and p3["audits"][0]["row"] == 6
    assert p4["grades_differ"] and p4["differences"] == []
    assert not p2["grades_differ"] and [(x["item"], x["answers"], x["steps"]) for x in p2["differences"]] == [
        ("smart", ["Partially", "Fully"], 1)
    ]
    assert doc["overall"]["pairs_differing"] == 3
    # the existing keys are kept as they were: the opposite-ends list still holds exactly those answers
    assert [(d["ref"], d["item"]) for d in doc["disagreements"]] == [("p3", "formulation")]
    md = to_markdown(doc)
    assert "3 of the 4 pairs differ in their grade or in an answer" in md
    assert "### 1. Plan p3: Outstanding and Requires improvement; 2 answers differ" in md
    assert "| formulation: A brief formulation is included | Fully ‼ | Not included ‼ |" in md
    assert "### 2. Plan p4: Good and Outstanding; the same answers" in md
    assert "### 3. Plan p2: both Good; 1 answer differs" in md
    assert "Plan p1" not in md


def test_nothing_to_discuss_is_said(scored, kit):
    audit = kit.audit
    doc = moderate_files(
        [
            scored(
                "s.json",
                [
                    audit(2, "p1", "Ada Brook", {"formulation": "Fully"}),
                    audit(3, "p1", "Cal Dunn", {"formulation": "Fully"}),
                ],
            )
        ]
    )
    assert doc[
        "to_discuss"
    ] == [] and "None: every pair gave the same grade and the same answer to every question." in to_markdown(
        doc
    )


def test_the_example_rounds_handout(tmp_path):
    """The example round (make demo): the handout lists the pairs whose grades differ and explains kappa 0 at 87.5%."""
    from inprocess import qactl

    env = {"QACTL_KEY": "demo-key-not-for-real-data", "SOURCE_DATE_EPOCH": "1767225600"}
    scored_file, handout = tmp_path / "eps-advice.json", tmp_path / "moderation.md"
    for args in (
        [
            "score",
            "eps-advice",
            str(ROOT / "examples" / "exports" / "eps-advice.xlsx"),
            "-o",
            str(scored_file),
            "--round",
            "2025 Autumn",
        ],
        ["moderate", str(scored_file), "-o", str(handout)],
    ):
        r = qactl(*args, env=env, cwd=tmp_path)
        assert r.returncode in (0, 1), r.stderr
    md = handout.read_text(encoding="utf-8")
    assert "7 of the 8 pairs differ in their grade or in an answer" in md
    assert md.count("### ") == 7 and md.count(": Outstanding and Good;") == 4 and "no grade (errors)" in md
    assert (
        "| parent_views | Views of parents and carers are included | 8 | 87.5% | 87.5% | 0 † | 0.867 | 0 | slight † |"
        in md
    )
    assert (
        "- parent_views: agreed 87.5%, by chance 87.5% (Fully: 93.8% of answers); kappa 0, AC1 0.867." in md
    )
    assert "Gwet 2008, Br J Math Stat Psychol 61:29-48" in md and "None: no item" not in md


def _render(name: str, mod) -> str:
    from qactl.report.render import environment, shipped_dir

    return environment((str(shipped_dir()),)).get_template(name).render(mod=mod)


def _mod(**extra):
    item = dict(
        id="parent_views", text="Views of parents <and> carers", pairs=8, percent_agreement=87.5, kappa=0.0
    )
    fields = dict(
        source="moderation.json",
        rubric_id="eps-advice",
        round="2025 Autumn",
        pairs=8,
        percent_agreement=87.7,
        kappa=0.65,
        weighted_kappa=0.7,
        grade_agreement=42.9,
        disagreements=0,
    )
    with_new = bool(extra)
    if with_new:
        item.update(ac1=0.867, kappa_misleading=True)
    return (
        SimpleNamespace(**fields, **extra, items=[SimpleNamespace(**item)])
        if with_new
        else SimpleNamespace(**fields, items=[SimpleNamespace(**item)])
    )


def test_the_reports_moderation_section_explains_kappa_and_shows_ac1_when_given():
    for name in ("_moderation.md.j2", "_moderation.html.j2"):
        old = _render(
            name, _mod()
        )  # a report model without the new figures: as before, plus the plain English
        assert (
            "how much better than chance" in old
            and "AC1" not in old
            and "0 disagreements by the whole scale" in old
        )
        new = _render(name, _mod(ac1=0.85, kappa_misleading=True, pairs_differing=7))
        assert (
            "Gwet's AC1 0.85" in new
            and "7 pairs of 8 differ in grade or answers" in new
            and "high-agreement, low-kappa paradox" in new
        )
        assert "0.00 †" in new and "read Gwet's AC1" in new
    assert "&lt;and&gt;" in _render("_moderation.html.j2", _mod())  # escaped as before


def test_an_answer_that_could_not_be_read_is_not_called_blank(scored, kit):
    audit = kit.audit
    typo = audit(2, "p1", "Ada Brook", {"formulation": None, "smart": "Fully"}, None)
    typo["status"] = "error"
    typo["errors"] = [
        {
            "cell": "Sheet1!F2",
            "column": "Formulation",
            "item": "formulation",
            "value": "Fullly",
            "code": "unknown_answer",
            "message": "expected Fully, Partially or Not included; did you mean 'Fully'?",
        }
    ]
    doc = moderate_files(
        [
            scored(
                "s.json", [typo, audit(3, "p1", "Cal Dunn", {"formulation": "Fully", "smart": None}, "Good")]
            )
        ]
    )
    (d,) = doc["to_discuss"]
    assert [(x["item"], x["answers"]) for x in d["differences"]] == [
        ("formulation", ["(not read)", "Fully"]),
        ("smart", ["Fully", None]),
    ]
    md = to_markdown(doc)
    assert (
        "no grade (errors) and Good" in md and "| (not read) | Fully |" in md and "| Fully | (blank) |" in md
    )
