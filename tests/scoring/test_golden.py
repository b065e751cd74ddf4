"""A scored CSV of one example export, byte for byte: the file other tools (R, Power BI, a database) read, one row
per audit with every answer and its points. eps-advice has a duplicate row and audits with errors on purpose, so
the golden file holds those too. `pytest tests/scoring/test_golden.py --update-golden` rewrites it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
ENV = {**os.environ, "QACTL_KEY": "demo-key-not-for-real-data", "SOURCE_DATE_EPOCH": "1764000000"}


def test_the_scored_csv_of_the_eps_advice_export_is_the_golden_file(tmp_path, golden):
    export = ROOT / "examples" / "exports" / "eps-advice.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "qactl", "score", "eps-advice", str(export), "--round", "2025 Autumn"]
        + ["-o", "eps-advice.csv", "--quiet"],
        cwd=tmp_path,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, (
        f"the export has audits with errors on purpose: exit 1 expected\n{done.stderr}"
    )
    golden({GOLDEN / "eps-advice.csv": (tmp_path / "eps-advice.csv").read_bytes().decode("utf-8")})
