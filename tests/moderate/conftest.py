"""Scored files in the shape of qactl.results (docs/score.md), written as `qactl score` writes them."""

from __future__ import annotations

import json
import random
from pathlib import Path
from types import SimpleNamespace

import pytest

from qactl.results import SCORED_KIND, rubric_schema, write_scored
from qactl.rubric.loader import load_rubric

MINI = Path(__file__).parent.parent / "data" / "mini.yaml"
POINTS = {"Fully": 2, "Partially": 1, "Not included": 0}


def audit(
    row: int,
    ref: str | None,
    auditor: str | None,
    answers: dict[str, str | None],
    grade: str | None = "Good",
    *,
    auditor_key: str = "auditor",
) -> dict:
    """One scored audit; an answer of None is a blank; "N/A" is not applicable; "-" means the item does not apply."""
    out = {}
    for iid, ans in answers.items():
        if ans == "-":
            out[iid] = {"answer": None, "points": None, "max": None, "applies": False}
        elif ans == "N/A":
            out[iid] = {"answer": "N/A", "points": None, "max": None, "applies": True}
        else:
            out[iid] = {"answer": ans, "points": POINTS.get(ans), "max": 2, "applies": True}
    return {
        "row": row,
        "ref": ref,
        "status": "scored",
        "score": 80.0,
        "grade": grade,
        "sections": {},
        "answers": out,
        "milestones": {},
        "fields": {auditor_key: auditor} if auditor else {},
        "comments": {},
        "errors": [],
    }


def write(
    path: Path,
    audits: list[dict],
    *,
    rubric_id: str = "mini",
    round_label: str = "2025 Autumn",
    schema: dict | None = None,
) -> Path:
    rubric = load_rubric(MINI)
    header = {
        "kind": SCORED_KIND,
        "qactl": "0.1.0",
        "rubric": {"id": rubric_id, "version": rubric.version, "title": rubric.title},
        "round": round_label,
        "source": {"file": path.stem + ".xlsx", "sheet": "Sheet1", "sha256": "0" * 64},
        "schema": schema if schema is not None else rubric_schema(rubric),
    }

    def summary():
        return {"rows": len(audits), "scored": len(audits), "with_errors": 0, "grades": {}}

    write_scored(path, header, iter(audits), summary)
    if path.suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))  # the file is one JSON document
    return path


@pytest.fixture
def scored(tmp_path):
    def make(name: str, audits: list[dict], **kw) -> Path:
        return write(tmp_path / name, audits, **kw)

    return make


def independent_kappa(a: list[str], b: list[str], labels: list[str], linear: bool = False) -> float:
    """Written differently on purpose: disagreement weights over the raw pairs, kappa = 1 - observed / expected."""
    k = len(labels)
    pos = {lab: i for i, lab in enumerate(labels)}
    n = len(a)

    def v(x: int, y: int) -> float:
        return abs(x - y) / (k - 1) if linear else float(x != y)

    observed = sum(v(pos[x], pos[y]) for x, y in zip(a, b, strict=True)) / n
    expected = sum(v(pos[x], pos[y]) for x in a for y in b) / (n * n)
    return 1 - observed / expected


LABELS = ["Fully", "Partially", "Not included"]
ITEMS = ["formulation", "smart", "pfa"]
AUDITORS = ["Ada Brook", "Cal Dunn", "Eve Fox", "Gil Hart"]


def twelve_children_twice(seed: int = 3) -> tuple[list[dict], dict[str, list[tuple[str, str]]]]:
    """24 audits: 12 plans, each by two different auditors; returns audits and the expected (A, B) answers per item."""
    rng = random.Random(seed)
    audits, expected = [], {i: [] for i in ITEMS}
    row = 2
    for child in range(12):
        ref = f"ref{child:02d}"
        first, second = rng.sample(AUDITORS, 2)
        a = {i: rng.choice(LABELS) for i in ITEMS}
        b = {i: (a[i] if rng.random() < 0.6 else rng.choice(LABELS)) for i in ITEMS}
        if child == 0:
            a["pfa"] = "-"  # does not apply (under 14) for auditor A: out of that item's pairs
        if child == 1:
            b["formulation"] = "N/A"
        grade_a, grade_b = rng.choice(["Good", "Outstanding"]), rng.choice(["Good", "Outstanding"])
        audits.append(audit(row, ref, first, a, grade_a))
        audits.append(audit(row + 1, ref, second, b, grade_b))
        row += 2
        for i in ITEMS:
            if a[i] in LABELS and b[i] in LABELS:
                expected[i].append((a[i], b[i]))
    rng.shuffle(audits)  # the order of rows does not matter...
    audits.sort(key=lambda x: x["row"])  # ...but auditor A is the lower row
    return audits, expected


@pytest.fixture
def kit():
    return SimpleNamespace(
        audit=audit,
        independent_kappa=independent_kappa,
        twelve=twelve_children_twice,
        LABELS=LABELS,
        ITEMS=ITEMS,
    )
