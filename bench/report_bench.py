"""How long `qactl report` takes over N scored audits (default 100,000): `python bench/report_bench.py [N]`.

Writes a synthetic scored file in the shape of qactl.results (25 items, 5 milestones, 3 comments,
team/service/key stage fields), then times the whole `qactl report` process for .html and .md.
Not a test: run it by hand (the target is under 10 s for 100,000 audits).
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qactl.results import SCORED_KIND, write_scored

COMMENTS = [
    "The child's voice is clear and outcomes are SMART.",
    "Provision is vague: say how often and who will deliver it.",
    "Health advice was late; the 20 week deadline was missed.",
    "Parents were involved in co-production throughout.",
    "Too much jargon and acronyms for the family.",
    "Preparing for adulthood outcomes missing for a Year 9 pupil.",
]


def schema(n_items: int = 25) -> dict:
    labels = ["Fully", "Partially", "Not included"]
    return {
        "method": "percent",
        "grades": ["Outstanding", "Good", "Requires improvement", "Inadequate"],
        "sections": ["A", "B", "C", "D", "E"],
        "fields": [
            {"id": "child_name", "text": "Name", "role": "child_name", "pii": True},
            {"id": "team", "text": "Team", "role": "team", "pii": False},
            {"id": "service", "text": "Service", "role": "service", "pii": False},
            {"id": "key_stage", "text": "Key stage", "role": "key_stage", "pii": False},
        ],
        "items": [
            {
                "id": f"q{i}",
                "text": f"Criterion {i}",
                "section": "ABCDE"[i % 5],
                "scale": "inclusion",
                "labels": labels,
                "points": {"Fully": 2, "Partially": 1, "Not included": 0},
                "max": 2,
                "ordered": True,
                "theme": None,
            }
            for i in range(n_items)
        ],
        "milestones": [{"id": f"m{i}", "text": f"Milestone {i}", "limit": "6 weeks"} for i in range(5)],
        "comments": [
            {"id": "strengths", "text": "Strengths", "actions": False},
            {"id": "development", "text": "Areas", "actions": False},
            {"id": "actions", "text": "Actions", "actions": True},
        ],
    }


def audits(n: int, sch: dict):
    rnd = random.Random(1)
    pts = {"Fully": 2, "Partially": 1, "Not included": 0}
    for row in range(2, n + 2):
        answers, got = {}, 0
        for it in sch["items"]:
            a = rnd.choice(["Fully", "Fully", "Partially", "Not included"])
            answers[it["id"]] = {"answer": a, "points": pts[a], "max": 2, "applies": True}
            got += pts[a]
        score = round(100 * got / (2 * len(sch["items"])), 1)
        grade = (
            "Outstanding"
            if score >= 90
            else "Good"
            if score >= 70
            else "Requires improvement"
            if score >= 50
            else "Inadequate"
        )
        ms = {}
        for m in sch["milestones"]:
            st = rnd.choice(["on_time", "on_time", "late", "missing", "exception", "not_due"])
            ms[m["id"]] = {
                "due": "2026-01-10",
                "actual": "2026-01-12",
                "status": st,
                "days_late": rnd.randint(1, 60) if st == "late" else 0,
            }
        yield {
            "row": row,
            "ref": f"{row:08x}",
            "status": "scored",
            "score": score,
            "grade": grade,
            "audit_date": "2026-03-01",
            "sections": {s: {"score": score, "grade": grade} for s in sch["sections"]},
            "answers": answers,
            "milestones": ms,
            "fields": {
                "team": f"Team {row % 12}",
                "service": f"Service {row % 7}",
                "key_stage": f"KS{row % 5}",
            },
            "comments": {
                "strengths": rnd.choice(COMMENTS),
                "development": rnd.choice(COMMENTS),
                "actions": rnd.choice(COMMENTS),
            },
            "errors": [],
        }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "scored.json"
        sch = schema()
        header = {
            "kind": SCORED_KIND,
            "qactl": "0.1.0",
            "rubric": {"id": "bench", "version": "1", "title": "Bench"},
            "round": "2026 Spring",
            "source": {"file": "bench.xlsx", "sheet": "Sheet1", "sha256": "0" * 64},
            "schema": sch,
        }
        write_scored(
            src, header, audits(n, sch), lambda: {"rows": n, "scored": n, "with_errors": 0, "grades": {}}
        )
        print(f"{n:,} audits, {src.stat().st_size / 1e6:.0f} MB")
        for suffix in (".html", ".md"):
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "qactl", "report", str(src), "-o", str(Path(tmp) / f"r{suffix}")],
                check=True,
            )
            print(f"qactl report -o {suffix}: {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
