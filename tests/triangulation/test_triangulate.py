"""Triangulation verdicts on constructed cases, and theme results from scored files."""

from __future__ import annotations

import datetime as dt

import pytest

from qactl.triangulation.evidence import Count, Evidence, Kpi, Service, Survey
from qactl.triangulation.verdicts import counts_signal, percent_signal, theme_results, triangulate


def _r(audits: int, pct: float, answers: int | None = None, met: int | None = None) -> dict:
    return {
        "audits": audits,
        "percent_met": pct,
        "criteria": [],
        **({"answers": answers, "met": met} if answers is not None else {}),
    }


def _ev(**kw) -> Evidence:
    return Evidence(services=[Service(name="SEND casework"), Service(name="Health")], **kw)


def _kpi(value, target, theme="timeliness", higher=True) -> Kpi:
    return Kpi(
        id="k",
        label="EHC plans within 20 weeks",
        value=value,
        target=target,
        theme=theme,
        higher_is_better=higher,
    )


def _view(views, theme):
    return next(v for v in views if v.theme == theme)


def test_audit_family_complaints_and_kpi_agree_on_a_concern():
    ev = _ev(complaints=[Count(service="SEND casework", theme="timeliness", count=14)], kpis=[_kpi(48.2, 60)])
    views = triangulate(
        {"audit": {"timeliness": _r(12, 41.7, 36, 15)}, "family": {"timeliness": _r(24, 30.0)}}, ev
    )
    v = _view(views, "timeliness")
    assert v.verdict == "agree: concern"
    assert v.audit.percent_met == 41.7 and v.family.percent_met == 30.0
    assert v.counts.complaints == 14 and v.counts.by_service == {
        "SEND casework": {"complaints": 14, "compliments": 0}
    }
    assert (v.kpis[0].met, v.kpis[0].gap) == (False, -11.8)
    # the numbers behind each figure: answers met of answers given, from how many audits or responses
    assert v.explanation == (
        "Audits (15 of 36 answers fully met, 41.7%, from 12 audits), families (30% positive, 24 responses), complaints "
        "(14, against 0 compliments) and the KPI 'EHC plans within 20 weeks' (48.2% against a target of 60%) agree this is a concern."
    )


def test_agree_on_a_strength():
    ev = _ev(
        surveys=[
            Survey(
                source="CYP",
                date=dt.date(2025, 6, 20),
                question="Adults ask me",
                theme="voice_of_child",
                agree_percent=78,
                respondents=88,
            )
        ]
    )
    v = _view(
        triangulate(
            {"audit": {"voice_of_child": _r(10, 85.0)}, "practice": {"voice_of_child": _r(12, 72.2)}}, ev
        ),
        "voice_of_child",
    )
    assert v.verdict == "agree: strength"
    assert set(v.signals.values()) == {"strength"} and len(v.signals) == 3
    assert v.explanation.endswith("agree this is a strength.")


def test_mixed_when_audits_and_families_disagree():
    v = _view(
        triangulate({"audit": {"jargon": _r(10, 90.0)}, "family": {"jargon": _r(20, 35.0)}}, None), "jargon"
    )
    assert v.verdict == "mixed"
    assert (
        v.explanation
        == "Families (35% positive, 20 responses) point to a concern; audits (90% fully met, 10 audits) point to a strength."
    )


def test_a_middle_result_makes_it_mixed_not_agreed():
    v = _view(
        triangulate({"audit": {"jargon": _r(10, 40.0)}, "family": {"jargon": _r(20, 60.0)}}, None), "jargon"
    )
    assert (
        v.verdict == "mixed"
        and v.explanation
        == "Audits (40% fully met, 10 audits) point to a concern; families (60% positive, 20 responses) are in between."
    )


def test_one_source_is_not_a_verdict():
    v = _view(triangulate({"audit": {"jargon": _r(10, 40.0)}}, None), "jargon")
    assert (
        v.verdict == "one source"
        and v.explanation
        == "Only audits (40% fully met, 10 audits) point to a concern; there is no second source to confirm it."
    )


def test_too_few_audits_give_no_signal_and_are_named():
    # the minimum base: 9 audits (under 10) give no verdict however low their figure
    v = _view(
        triangulate({"audit": {"jargon": _r(9, 10.0)}, "family": {"jargon": _r(20, 20.0)}}, None), "jargon"
    )
    assert v.audit is not None and v.audit.signal is None
    assert v.verdict == "one source"
    assert v.explanation.endswith(
        "Too few to count (under 10 audits or responses, 5 complaints): audits (9 audits)."
    )
    v = _view(triangulate({"family": {"jargon": _r(4, 0.0)}}, None), "jargon")
    assert (
        v.explanation
        == "No source has enough on this theme for a verdict. Too few to count (under 10 audits or responses, 5 complaints): families (4 responses)."
    )


@pytest.mark.parametrize(
    ("pct", "signal"), [(70.0, "strength"), (69.9, "middle"), (50.0, "middle"), (49.9, "concern")]
)
def test_percent_thresholds(pct, signal):
    assert percent_signal(pct, 10) == signal


@pytest.mark.parametrize(
    ("complaints", "compliments", "signal"),
    [(5, 2, "concern"), (6, 3, "middle"), (4, 0, None), (0, 5, "strength"), (5, 5, "middle")],
)
def test_count_thresholds(complaints, compliments, signal):
    assert counts_signal(complaints, compliments) == signal


def test_kpi_lower_is_better():
    k = _kpi(12.0, 10.0, higher=False)
    assert (k.met, k.gap) == (False, -2.0)
    assert _kpi(8.0, 10.0, higher=False).met


def test_themes_in_dictionary_order_and_themes_without_evidence_left_out():
    views = triangulate(
        {"audit": {"timeliness": _r(5, 50), "voice_of_child": _r(5, 50), "local_theme": _r(5, 80)}},
        None,
        {"voice_of_child": "Voice", "jargon": "Jargon", "timeliness": "Timeliness"},
    )
    assert [v.theme for v in views] == ["voice_of_child", "timeliness", "local_theme"]
    assert views[0].label == "Voice" and views[2].label == "Local theme"


# ---- theme_results from scored files ----


def _doc(rubric_id, items, audits, round_="2025 Autumn"):
    return {
        "rubric": {"id": rubric_id, "version": "1", "title": rubric_id},
        "round": round_,
        "schema": {"items": [{"id": i, "text": f"{i} text", "theme": t} for i, t in items]},
        "audits": audits,
    }


def _audit(ref, answers, status="scored"):
    return {
        "ref": ref,
        "status": status,
        "answers": {
            k: {"answer": None, "points": p, "max": m, "applies": a} for k, (p, m, a) in answers.items()
        },
    }


def test_theme_results_audits_count_only_the_top_of_the_scale():
    doc = _doc(
        "eps-advice",
        [("smart", "smart_outcomes"), ("pfa", "preparing_for_adulthood"), ("formulation", None)],
        [
            _audit("a1", {"smart": (2, 2, True), "pfa": (2, 2, False), "formulation": (0, 2, True)}),
            _audit("a2", {"smart": (1, 2, True), "pfa": (1, 2, True)}),
            _audit("a3", {"smart": (2, 2, True)}),
            _audit("a4", {"smart": (0, 2, True)}, status="error"),
        ],
    )
    out = theme_results([doc])
    assert set(out) == {"audit"}
    assert out["audit"]["smart_outcomes"] == {
        "audits": 3,
        "answers": 3,
        "met": 2,
        "percent_met": 66.7,
        "criteria": [
            {"rubric": "eps-advice", "item": "smart", "text": "smart text", "answers": 3, "percent_met": 66.7}
        ],
    }
    assert out["audit"]["preparing_for_adulthood"]["audits"] == 1  # a1's pfa did not apply
    assert out["audit"]["preparing_for_adulthood"]["percent_met"] == 0.0


def test_theme_results_family_agree_is_positive_and_dont_know_is_left_out():
    doc = _doc(
        "family-feedback",
        [("on_time", "timeliness")],
        [
            _audit("f1", {"on_time": (4, 4, True)}),  # Strongly agree
            _audit("f2", {"on_time": (3, 4, True)}),  # Agree
            _audit("f3", {"on_time": (2, 4, True)}),  # Neither
            _audit("f4", {"on_time": (None, 4, True)}),  # Don't know
        ],
    )
    out = theme_results([doc])
    assert out["family"]["timeliness"]["percent_met"] == 66.7 and out["family"]["timeliness"]["audits"] == 3


def test_theme_results_practice_mostly_is_positive():
    doc = _doc(
        "practice-conversation",
        [("timely", "timeliness")],
        [_audit("p1", {"timely": (2, 3, True)}), _audit("p2", {"timely": (1, 3, True)})],
    )
    assert theme_results([doc])["practice"]["timeliness"]["percent_met"] == 50.0


def test_end_to_end_with_the_example_evidence(root, themes):
    from qactl.triangulation.evidence import load_evidence

    ev = load_evidence(root / "examples" / "evidence.yaml", themes)
    doc = _doc(
        "family-feedback",
        [("on_time", "timeliness")],
        [_audit(f"f{i}", {"on_time": (1, 4, True)}) for i in range(6)],
    )
    v = _view(triangulate(theme_results([doc]), ev), "timeliness")
    assert v.family.percent_met == 0.0 and v.counts.complaints == 19
    assert v.verdict == "agree: concern"
    assert {k.id for k in v.kpis} == {"ehcna_20_weeks", "annual_reviews_on_time"}


def _milestone_doc():
    def audit(ref, statuses):
        return {
            "row": 2,
            "ref": ref,
            "status": "scored",
            "score": 50.0,
            "grade": "Good",
            "sections": {},
            "answers": {},
            "fields": {},
            "comments": {},
            "errors": [],
            "milestones": {
                mid: {"due": "2025-07-21", "actual": None, "status": st, "days_late": None}
                for mid, st in statuses.items()
            },
        }

    return {
        "kind": "qactl.scored",
        "rubric": {"id": "ehcna-file", "version": "1", "title": "EHCNA"},
        "round": "2025 Autumn",
        "schema": {
            "items": [],
            "milestones": [
                {"id": "decision", "text": "Decision to assess"},
                {"id": "final", "text": "Final plan"},
            ],
        },
        "audits": [
            audit("a", {"decision": "on_time", "final": "late"}),
            audit("b", {"decision": "on_time", "final": "exception"}),  # an exception is out of the figures
            audit("c", {"decision": "missing", "final": "not_due"}),  # not yet due: out
            {**audit("d", {"decision": "on_time", "final": "on_time"}), "status": "error"},  # not scored: out
        ],
    }


def test_statutory_dates_are_audit_evidence_on_timeliness():
    from qactl.report.aggregate import RubricTally
    from qactl.report.aggregate import theme_results as one_pass

    doc = _milestone_doc()
    result = theme_results([doc])["audit"]["timeliness"]
    # counted: a.decision on time, a.final late, b.decision on time, c.decision missing → 2 of 4 met
    assert result["percent_met"] == 50.0
    assert result["audits"] == 3
    by_item = {c["item"]: c["percent_met"] for c in result["criteria"]}
    assert by_item == {"decision": pytest.approx(66.7), "final": 0.0}
    # the report's single pass gives the same share and criteria
    from qactl.report.aggregate import Options

    tally = RubricTally(rubric=doc["rubric"], schema=doc["schema"], options=Options())
    tally.add_file(doc, "ehcna.json")
    same = one_pass([tally])["audit"]["timeliness"]
    assert same["percent_met"] == 50.0
    assert {c["item"]: c["percent_met"] for c in same["criteria"]} == by_item
