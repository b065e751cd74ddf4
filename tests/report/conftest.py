"""Fixtures for the report: scored files written in the shape of qactl.results, from two test rubrics.

Audits are built here (points, score and grade computed from the rubric as SPEC §4 says), written with
``results.write_scored`` and read back with ``results.read_scored``, so they honour the contract that
``qactl score`` writes. Names and numbers are invented.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from qactl.results import SCORED_KIND, read_scored, rubric_schema, write_scored
from qactl.rubric.loader import load_rubric

DATA = Path(__file__).parent / "data"

# The quality rubric's answers (voice, needs, smart, provision) that give each grade.
GRADE_ANSWERS = {
    "Outstanding": ["Fully", "Fully", "Fully", "Fully"],  # 100
    "Good": ["Fully", "Fully", "Partially", "Fully"],  # 87.5
    "Requires improvement": ["Fully", "Partially", "Partially", "Not included"],  # 50
    "Inadequate": ["Partially", "Not included", "Not included", "Not included"],  # 12.5
}
CHILD = "Amelia Hartley-Smith"
NHS = "9434765919"


@pytest.fixture(scope="session")
def quality():
    return load_rubric(DATA / "quality.yaml")


@pytest.fixture(scope="session")
def health():
    return load_rubric(DATA / "health.yaml")


def make_audit(
    rubric, row: int, answers: dict[str, str], *, fields=None, comments=None, milestones=None, status="scored"
) -> dict:
    """One audit as `qactl score` writes it: answers with points, the SPEC §4 score, the band's grade."""
    out_answers, got, avail = {}, 0.0, 0.0
    for item in rubric.items:
        label = answers.get(item.id)
        scale = rubric.scales[item.scale]
        pts = next((c.points for c in scale.choices if c.label == label), None)
        out_answers[item.id] = {
            "answer": label,
            "points": pts,
            "max": scale.max_points,
            "applies": label is not None,
        }
        if pts is not None:
            got += item.weight * pts
            avail += item.weight * scale.max_points
    score = round(100 * got / avail, 1) if avail and status == "scored" else None
    return {
        "row": row,
        "ref": hashlib.sha256(f"{rubric.id}{row}".encode()).hexdigest()[:8],
        "status": status,
        "score": score,
        "grade": rubric.grading.grade_for(score) if score is not None else None,
        "audit_date": "2026-03-20",
        "sections": {},
        "answers": out_answers,
        "milestones": milestones or {},
        "fields": fields or {},
        "comments": comments or {},
        "errors": []
        if status == "scored"
        else [
            {
                "cell": f"Sheet1!E{row}",
                "column": "Q5",
                "item": "voice",
                "value": "Maybe",
                "code": "unknown_answer",
                "message": "expected Fully",
            }
        ],
    }


def write_doc(path: Path, rubric, audits: list[dict], round_: str | None) -> Path:
    """Write a scored file with the foundation's writer, and check it reads back under the contract."""
    header = {
        "kind": SCORED_KIND,
        "qactl": "0.1.0",
        "rubric": {"id": rubric.id, "version": rubric.version, "title": rubric.title},
        "round": round_,
        "source": {"file": path.stem + ".xlsx", "sheet": "Sheet1", "sha256": "0" * 64},
        "schema": rubric_schema(rubric),
    }
    grades: dict[str, int] = {}
    for a in audits:
        if a["grade"]:
            grades[a["grade"]] = grades.get(a["grade"], 0) + 1

    def summary():
        return {
            "rows": len(audits),
            "scored": sum(a["status"] == "scored" for a in audits),
            "with_errors": sum(a["status"] == "error" for a in audits),
            "grades": grades,
        }

    write_scored(path, header, iter(audits), summary)
    read_scored(path)  # the contract holds
    return path


def quality_audits(
    rubric,
    grades: list[str],
    *,
    teams=None,
    services=None,
    stages=None,
    comments=None,
    milestones=None,
    fields=None,
) -> list[dict]:
    out = []
    for i, g in enumerate(grades):
        answers = dict(zip(["voice", "needs", "smart", "provision"], GRADE_ANSWERS[g], strict=True))
        f = {
            "team": teams[i] if teams else "North",
            "service": services[i] if services else "Educational Psychology",
            "key_stage": stages[i] if stages else "KS2",
            "auditor": "Auditor A",
            "plan_id": f"P{i}",
        }
        f.update((fields or {}).get(i, {}))
        out.append(
            make_audit(
                rubric,
                i + 2,
                answers,
                fields=f,
                comments=(comments or {}).get(i),
                milestones=(milestones or {}).get(i),
            )
        )
    return out


def ms(status: str, days_late: int | None = None) -> dict:
    return {
        "due": "2026-01-10",
        "actual": None if status in ("missing", "not_due") else "2026-01-12",
        "status": status,
        "days_late": days_late,
    }


CURRENT_GRADES = [
    "Outstanding",
    "Good",
    "Requires improvement",
    "Good",
    "Good",
    "Outstanding",
    "Requires improvement",
    "Good",
    "Requires improvement",
    "Inadequate",
]
PREVIOUS_GRADES = [
    "Outstanding",
    "Good",
    "Good",
    "Requires improvement",
    "Requires improvement",
    "Requires improvement",
    "Requires improvement",
    "Inadequate",
    "Inadequate",
    "Inadequate",
]
COMMENTS = {
    0: {"strengths": "The child's voice is strong; SMART outcomes throughout."},
    1: {"actions": f"Provision is vague: say how often. {CHILD} told us she likes art."},
    2: {"actions": "<script>alert('x')</script> Outcomes need to be measurable"},
    3: {"actions": "Add the frequency of speech and language therapy."},
    4: {"actions": "Add the frequency of speech and language therapy."},
    5: {"strengths": "Parents were fully involved"},
    6: {"strengths": "Outcomes are smartly written"},
    7: {"actions": "Check the health advice for 943 476 5919."},
}
MILESTONES = {
    i: {"final_plan": ms(s, d)}
    for i, (s, d) in enumerate(
        [("on_time", 0)] * 6 + [("late", 5), ("late", 9), ("missing", None), ("not_due", None)]
    )
}


@pytest.fixture
def files(tmp_path, quality, health) -> dict[str, Path]:
    """Two rubrics' current files, a previous round of one, and the pii a report must never show."""
    teams = ["North"] * 7 + ["South"] * 3
    services = ["Educational Psychology"] * 6 + ["Health"] * 4
    stages = ["KS2"] * 5 + ["KS4"] * 5
    cur = quality_audits(
        quality,
        CURRENT_GRADES,
        teams=teams,
        services=services,
        stages=stages,
        comments=COMMENTS,
        milestones=MILESTONES,
        fields={1: {"child_name": CHILD, "nhs": NHS, "dob": "2014-05-06"}, 7: {"nhs": NHS}},
    )
    cur.append(make_audit(quality, 12, {"voice": "Fully"}, status="error"))
    prev = quality_audits(quality, PREVIOUS_GRADES)
    h = []
    for i, (ans, st, late) in enumerate(
        [
            (("Yes", "Yes"), "on_time", 0),
            (("Yes", "Partly"), "on_time", 0),
            (("Partly", "Partly"), "on_time", 0),
            (("No", "Partly"), "late", 10),
            (("No", "No"), "late", 20),
            (("Yes", "No"), "exception", 30),
        ]
    ):
        h.append(
            make_audit(
                health,
                i + 2,
                {"needs": ans[0], "outcomes": ans[1]},
                fields={"team": "Community paediatrics", "nhs": NHS},
                milestones={"advice": ms(st, late)},
                comments={"comment": "Needs a clearer link to section G"} if i < 2 else None,
            )
        )
    return {
        "quality": write_doc(tmp_path / "quality.json", quality, cur, "2026 Spring"),
        "previous": write_doc(tmp_path / "quality-previous.json", quality, prev, "2025 Autumn"),
        "health": write_doc(tmp_path / "health.jsonl", health, h, "2026 Spring"),
    }


def write_json(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def kit():
    """The invented pii of the fixtures, and a writer of raw JSON documents (tests import nothing from conftest)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        CHILD=CHILD,
        NHS=NHS,
        write_json=write_json,
        write_doc=write_doc,
        quality_audits=quality_audits,
        make_audit=make_audit,
    )


# ---- the example round of `make demo`, built once per session with a fixed key and date ----------------------

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_KEY = "demo-key-not-for-real-data"
EXAMPLE_EPOCH = (
    "1764000000"  # 24 November 2025, 16:00 UTC: the report's "generated" and every scored file's "created"
)
EXAMPLE_ROUND, EXAMPLE_PREVIOUS = "2025 Autumn", "2025 Summer"


def build_example_round(folder: Path) -> dict[str, Path]:
    """Score the examples as `make demo` does (this round and the previous one), moderate, and write the report
    (HTML with the improvement plan, and Markdown): every output a reader gets from the example round."""
    import os

    from qactl.report import ReportRequest, write_report
    from qactl.scoring.run import score_file

    saved = {k: os.environ.get(k) for k in ("QACTL_KEY", "SOURCE_DATE_EPOCH")}
    os.environ.update(QACTL_KEY=EXAMPLE_KEY, SOURCE_DATE_EPOCH=EXAMPLE_EPOCH)
    try:
        scored, previous = folder / "scored", folder / "previous"
        scored.mkdir(parents=True)
        previous.mkdir()
        for export in sorted((ROOT / "examples" / "exports").glob("*.*")):
            score_file(export.stem, export, scored / f"{export.stem}.json", round_label=EXAMPLE_ROUND)
        for export in sorted((ROOT / "examples" / "exports" / "previous").glob("*.*")):
            score_file(export.stem, export, previous / f"{export.stem}.json", round_label=EXAMPLE_PREVIOUS)
        for survey in ("family-feedback", "practice-conversation"):
            score_file(
                survey,
                ROOT / "examples" / f"{survey}.xlsx",
                scored / f"{survey}.json",
                round_label=EXAMPLE_ROUND,
            )
        moderation = folder / "moderation.json"
        from inprocess import qactl

        ran = qactl("moderate", scored / "eps-advice.json", "-o", moderation)
        assert ran.returncode == 0, ran.stderr
        common = dict(
            inputs=sorted(scored.glob("*.json")),
            previous=[previous],
            allocation=[
                ROOT / "examples" / "autumn-allocation.json",
                ROOT / "examples" / "previous-allocation.json",
            ],
            moderation=[moderation],
            evidence=ROOT / "examples" / "evidence.yaml",
        )
        out = {
            "scored": scored,
            "previous": previous,
            "moderation": moderation,
            "html": folder / "practice-report.html",
            "md": folder / "practice-report.md",
            "actions": folder / "actions.xlsx",
        }
        write_report(
            ReportRequest(
                **common,
                actions=ROOT / "examples" / "actions-previous.xlsx",
                write_actions=out["actions"],
                output=out["html"],
            )
        )
        write_report(ReportRequest(**common, output=out["md"]))
        return out
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="session")
def example_round(tmp_path_factory) -> dict[str, Path]:
    return build_example_round(tmp_path_factory.mktemp("example-round"))
