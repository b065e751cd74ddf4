"""Every figure of the example report, worked out again from the scored files by plain counting, and the summary
equal to the sum of its table. Nothing here calls the report's aggregation: it reads the JSON the way a sceptical
analyst with a spreadsheet would, and compares."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _r(part: float, whole: float) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


@pytest.fixture(scope="module")
def docs(example_round) -> dict[str, dict]:
    return {
        json.loads(p.read_text())["rubric"]["id"]: json.loads(p.read_text())
        for p in sorted(example_round["scored"].glob("*.json"))
    }


@pytest.fixture(scope="module")
def earlier(example_round) -> dict[str, dict]:
    return {
        json.loads(p.read_text())["rubric"]["id"]: json.loads(p.read_text())
        for p in sorted(example_round["previous"].glob("*.json"))
    }


@pytest.fixture(scope="module")
def ctx(example_round):
    from qactl.report.aggregate import Options
    from qactl.report.context import Loaded, build_context
    from qactl.report.themes import load_themes
    from qactl.report.triangulation import Triangulating
    from qactl.results import open_document
    from qactl.triangulation.evidence import load_evidence

    def loaded(paths):
        return [Loaded(open_document(p), p.name) for p in paths]

    themes = load_themes()
    return build_context(
        loaded(sorted(example_round["scored"].glob("*.json"))),
        loaded(sorted(example_round["previous"].glob("*.json"))),
        loaded(
            [ROOT / "examples" / "autumn-allocation.json", ROOT / "examples" / "previous-allocation.json"]
        ),
        loaded([example_round["moderation"]]),
        themes,
        Options(),
        title="T",
        round_label=None,
        fmt="html",
        generated="g",
        version="0",
        triangulating=Triangulating(
            evidence=load_evidence(ROOT / "examples" / "evidence.yaml", {t.id for t in themes.themes}),
            evidence_name="evidence.yaml",
        ),
    )


def _purpose(doc):
    return doc["schema"].get("purpose") or {
        "family-feedback": "survey",
        "practice-conversation": "conversation",
    }.get(doc["rubric"]["id"], "audit")


def test_where_every_returned_audit_went(docs, ctx):
    by = {a.rubric_id: a for a in ctx.accounting}
    for rid, d in docs.items():
        st = Counter(a["status"] for a in d["audits"])
        graded = sum(
            1 for a in d["audits"] if a["status"] == "scored" and a["grade"] in d["schema"]["grades"]
        )
        a = by[rid]
        assert (a.returned, a.duplicates, a.with_errors, a.scored) == (
            len(d["audits"]),
            st["duplicate"],
            st["error"],
            st["scored"],
        ), rid
        assert a.returned == a.scored + a.with_errors + a.duplicates  # nothing lost
        if _purpose(d) == "audit":
            assert (a.graded, a.not_graded) == (graded, st["scored"] - graded), rid
            assert d["summary"]["scored"] == a.scored  # the scored file's own summary agrees
    t = ctx.accounting_total
    for k in ("returned", "duplicates", "with_errors", "scored", "graded", "not_graded"):
        assert getattr(t, k) == sum(getattr(a, k) for a in ctx.accounting), k
    assert (ctx.audits, ctx.scored) == (t.returned, t.scored)


def test_the_summary_table_adds_up_as_printed(example_round):
    html = example_round["html"].read_text(encoding="utf-8")
    table = re.search(r'<table id="accounting">.*?</table>', html, flags=re.S).group(0)
    cells = [
        [c for c in re.findall(r'<td class="n">([^<]*)</td>', row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    ]
    body, foot = cells[1:-1], cells[-1]
    num = lambda v: 0 if v == "–" else int(v.replace(",", ""))  # noqa: E731
    for row in body:
        returned, dup, errors, scored = map(num, row[:4])
        assert returned == scored + errors + dup
    for col in range(6):
        assert num(foot[col]) == sum(num(r[col]) for r in body), (
            f"column {col} of the summary is not the sum of its rows"
        )
    # the summary's sentence says the same numbers as the table's total row
    finding = re.search(r'<section id="summary".*?<p class="finding">(.*?)</p>', html, flags=re.S).group(1)
    assert (
        finding.startswith(
            f"{foot[0]} audits and responses were returned: {foot[3]} scored, {foot[2]} not scored"
        )
        and f"and {foot[1]} duplicates" in finding
    )


def test_grades_means_and_changes(docs, earlier, ctx):
    for r in ctx.rubrics:
        d = docs[r.id]
        graded = [a for a in d["audits"] if a["status"] == "scored" and a["grade"] in d["schema"]["grades"]]
        counts = Counter(a["grade"] for a in graded)
        assert [(g.grade, g.count, g.share) for g in r.grades] == [
            (g, counts[g], _r(counts[g], len(graded))) for g in d["schema"]["grades"]
        ]
        assert r.mean_score == round(sum(a["score"] for a in graded) / len(graded), 1)
        p = earlier[r.id]
        pg = [a for a in p["audits"] if a["status"] == "scored" and a["grade"] in p["schema"]["grades"]]
        pc = Counter(a["grade"] for a in pg)
        for g in r.grades:
            assert g.previous_share == _r(pc[g.grade], len(pg))
            assert g.change == round(g.share - g.previous_share, 1)
        assert r.trend.mean_score_change == round(
            r.mean_score - round(sum(a["score"] for a in pg) / len(pg), 1), 1
        )
        review = sum(counts[g] for g in d["schema"]["grades"][-2:])
        o = next(o for o in ctx.overview if o.rubric_id == r.id)
        assert (o.review_count, o.review_share) == (review, _r(review, len(graded)))


def test_criteria_fully_met(docs, ctx):
    for r in ctx.rubrics:
        d = docs[r.id]
        for c in [*r.criteria_weakest, *r.criteria_best]:
            answers = [
                a["answers"][c.id] for a in d["audits"] if a["status"] == "scored" and c.id in a["answers"]
            ]
            applying = [x for x in answers if x["applies"] and x["points"] is not None]
            met = sum(1 for x in applying if x["points"] >= x["max"])
            assert (c.applicable, c.fully_met, c.share) == (len(applying), met, _r(met, len(applying))), (
                r.id,
                c.id,
            )


def test_surveys_are_answers_per_question_with_one_positive(docs, ctx):
    assert {s.id for s in ctx.surveys} == {"family-feedback", "practice-conversation"}
    assert not {r.id for r in ctx.rubrics} & {
        "family-feedback",
        "practice-conversation",
    }  # no grades, no review list
    share_at = {"survey": 0.75, "conversation": 2 / 3}
    for s in ctx.surveys:
        d = docs[s.id]
        items = {i["id"]: i for i in d["schema"]["items"]}
        for q in s.questions:
            given = [
                a["answers"][q.id] for a in d["audits"] if a["status"] == "scored" and q.id in a["answers"]
            ]
            labels = Counter(x["answer"] for x in given if x["applies"] and x["answer"] is not None)
            assert [(a.label, a.count) for a in q.answers] == [
                (lab, labels[lab]) for lab in items[q.id]["labels"]
            ]
            assert q.answered == sum(a.count for a in q.answers)
            pos = sum(
                1
                for x in given
                if x["applies"]
                and x["points"] is not None
                and x["points"] >= share_at[s.purpose] * x["max"] - 1e-9
            )
            assert (q.positive, q.positive_share) == (pos, _r(pos, q.answered)), (s.id, q.id)
    # the same definition of positive in the triangulation: families' share on a theme is their positive answers on it
    fam = {t.theme: t.family for t in ctx.triangulation.themes if t.family}
    d = docs["family-feedback"]
    for theme, v in fam.items():
        ids = [i["id"] for i in d["schema"]["items"] if i.get("theme") == theme]
        given = [
            a["answers"][i] for a in d["audits"] if a["status"] == "scored" for i in ids if i in a["answers"]
        ]
        applying = [x for x in given if x["applies"] and x["points"] is not None]
        pos = sum(1 for x in applying if x["points"] >= 0.75 * x["max"])
        assert (v.answers, v.met, v.percent_met) == (
            len(applying),
            pos,
            round(100 * pos / len(applying), 1),
        ), theme


def test_completion_and_key_message_figures(docs, earlier, ctx):
    def returned_share(allocation: str, doc: dict) -> tuple[int, int]:
        alloc = json.loads((ROOT / "examples" / allocation).read_text())
        plans = {a["plan_id"].casefold() for a in alloc["assignments"]}
        n = sum(
            1
            for a in doc["audits"]
            if a["status"] != "duplicate" and str(a["fields"].get("plan_id", "")).casefold() in plans
        )
        return n, len(alloc["assignments"])

    returned, allocated = returned_share("autumn-allocation.json", docs["ehcp-quality"])
    before, before_allocated = returned_share("previous-allocation.json", earlier["ehcp-quality"])
    assert len(ctx.completion) == 1  # the earlier round's allocation only gives the change
    c = ctx.completion[0]
    assert (c.allocated, c.returned, c.share) == (allocated, returned, _r(returned, allocated))
    assert (c.previous_share, c.previous_round) == (_r(before, before_allocated), "2025 Summer")
    msgs = {m.id: m for m in ctx.key_messages}
    assert 3 <= len(msgs) <= 5
    assert msgs["completion"].figure == f"{c.share:.1f}%" and f"({returned})" in msgs["completion"].finding
    # the grades message names a rubric and the share of its graded audits in the lowest grades, as counted above
    g = msgs["grades"]
    r = next(r for r in ctx.rubrics if r.anchor == g.section)
    n = sum(x.count for x in r.grades[-2:])
    assert g.figure == f"{round(100 * n / r.graded, 1):.1f}%" and f"({n} of {r.graded})" in g.finding


def test_theme_totals_are_the_sum_of_the_rubrics(ctx):
    every = {t.id: t for t in ctx.themes}
    parts = [*ctx.rubrics, *ctx.surveys]
    for tid, t in every.items():
        rows = [x for p in parts for x in p.themes if x.id == tid]
        assert (t.audits, t.concerns, t.strengths) == (
            sum(x.audits for x in rows),
            sum(x.concerns for x in rows),
            sum(x.strengths for x in rows),
        )
        assert t.concerns <= t.audits and t.strengths <= t.audits
