"""The moderation handout of the example round, byte for byte: the Markdown a workshop lead prints (agreement, the
items least agreed, every plan to discuss, the audits with no partner). Made as `make demo` makes it, from the
eps-advice export scored with a fixed key and date. `pytest tests/moderate/test_golden.py --update-golden`
rewrites it, to be read before committing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
ENV = {**os.environ, "QACTL_KEY": "demo-key-not-for-real-data", "SOURCE_DATE_EPOCH": "1764000000"}


def _qactl(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qactl", *args],
        cwd=folder,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_example_moderation_handout_is_the_golden_file(tmp_path, golden):
    export = ROOT / "examples" / "exports" / "eps-advice.xlsx"
    scored = _qactl(
        tmp_path, "score", "eps-advice", str(export), "--round", "2025 Autumn", "-o", "eps-advice.json"
    )
    assert scored.returncode == 1, scored.stderr  # audits with errors on purpose
    # Relative paths, as a workshop lead types them: the handout names the scored file as it was given.
    done = _qactl(tmp_path, "moderate", "eps-advice.json", "-o", "moderation.md")
    assert done.returncode == 0, done.stderr
    golden({GOLDEN / "moderation.md": (tmp_path / "moderation.md").read_bytes().decode("utf-8")})
