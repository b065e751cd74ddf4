"""The example round's allocation, byte for byte: the `.json` that chase and report read, and the mail merge that
goes to every auditor. Made by the command `make demo` runs (examples/demo.sh, step 2), with a fixed seed, key and
date; `pytest tests/allocation/test_golden.py --update-golden` rewrites them, to be read before committing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from example_round import DEMO_ALLOCATE, EXAMPLES

GOLDEN = Path(__file__).parent / "golden"
ENV = {**os.environ, "QACTL_KEY": "demo-key-not-for-real-data", "SOURCE_DATE_EPOCH": "1764000000"}


def test_the_example_allocation_and_its_mail_merge_are_the_golden_files(tmp_path, golden):
    done = subprocess.run(
        [sys.executable, "-m", "qactl", "allocate", *map(str, DEMO_ALLOCATE), "-o", "allocation.json"]
        + ["--mail-merge", "mail-merge.csv"],
        cwd=tmp_path,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    made = (tmp_path / "allocation.json").read_bytes().decode("utf-8")
    mail_merge = (tmp_path / "mail-merge.csv").read_bytes().decode("utf-8")
    golden({GOLDEN / "allocation.json": made, GOLDEN / "mail-merge.csv": mail_merge})
    # The report's golden files read examples/autumn-allocation.json: it must be this allocation.
    assert json.loads(made) == json.loads(
        (EXAMPLES / "autumn-allocation.json").read_text(encoding="utf-8")
    ), (
        "examples/autumn-allocation.json is not what the demo's allocate command writes: copy the new golden "
        "allocation.json there (and update the report's golden files)"
    )
