"""Shared helpers for the allocation tests: small cohorts and registers written as real files, and a CLI runner."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

COHORT = """\
auditors:
  - {id: S1, name: Ann Senstart, service: SENSTART, organisation: Council SENSTART, email: s1@example.org}
  - {id: S2, name: Bob Senstart, service: SENSTART, organisation: Council SENSTART, email: s2@example.org}
  - {id: E1, name: Cat Psych, service: EPS, organisation: Council EPS, email: e1@example.org}
  - {id: E2, name: Dan Psych, service: EPS, organisation: Council EPS, email: e2@example.org}
  - {id: H1, name: Eve Health, service: Health, organisation: Northwood Trust, email: h1@example.org}
  - {id: K1, name: Fay Senco, service: Schools, organisation: Elm Primary, email: k1@example.org}
"""

HEADER = ["plan_id", "issued", "type", "team", "key_stage", "primary_need", "contributors"]


def plan_rows(n: int = 20) -> list[list[str]]:
    """``n`` plans over four teams and two key stages; contributors name auditors and organisations now and then."""
    rows = []
    contrib = ["E1", "Northwood Trust", "Elm Primary; S2", "", "E2; H1", "Council EPS", "K1", ""]
    for i in range(n):
        rows.append(
            [
                f"P{i:03d}",
                f"{1 + i % 28:02d}/0{1 + i % 6}/2025",
                ["new", "amended"][i % 2],
                ["North", "South", "East", "West"][i % 4],
                ["KS2", "KS3"][i % 3 == 0],
                ["SEMH", "ASD", "SLCN"][i % 3],
                contrib[i % len(contrib)],
            ]
        )
    return rows


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def area(tmp_path: Path) -> dict[str, Path]:
    cohort = tmp_path / "cohort.yaml"
    cohort.write_text(COHORT, encoding="utf-8")
    plans = write_csv(tmp_path / "plans.csv", HEADER, plan_rows())
    return {"dir": tmp_path, "cohort": cohort, "plans": plans}


@pytest.fixture
def cli(monkeypatch, capsys):
    """Run ``qactl ARGS`` in-process through ``main()`` (the one error handler); returns (exit code, stdout, stderr)."""
    from qactl.cli import main

    def run(*args: object) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["qactl", *map(str, args)])
        code = 0
        try:
            main()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def kit():
    """The helpers above, for tests (with --import-mode=importlib a test module cannot import conftest)."""
    from types import SimpleNamespace

    return SimpleNamespace(COHORT=COHORT, HEADER=HEADER, plan_rows=plan_rows, write_csv=write_csv)
