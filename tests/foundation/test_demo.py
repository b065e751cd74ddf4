"""`make demo`, end to end, as `make test` runs it: examples/demo.sh into a temporary folder.

The demo is the README's promise that a whole round runs on the invented local area in examples/ ("leaves every
output in out/"): every command, with the options the README's tour shows. This runs the real script with the real
command line, and checks it finished (exit 0, no traceback), that every output it and the README name is there and
not empty, that nothing else was left (no stray or temporary file), and that examples/ is unchanged. It takes
20 to 45 s (about 60 runs of qactl); `pytest -m "not slow"` leaves it out while you work.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUBRICS = [
    "annual-review",
    "ap-quality",
    "ehcna-file",
    "ehcp-quality",
    "eps-advice",
    "family-feedback",
    "health-advice",
    "practice-conversation",
    "sen-information-report",
]
SURVEYS = ["family-feedback", "practice-conversation"]  # scored this round only: no previous export
EXPECTED = (
    {f"forms/{r}.xlsx" for r in RUBRICS}
    | {f"scored/{r}.{ext}" for r in RUBRICS for ext in ("json", "xlsx")}
    | {f"previous/{r}.json" for r in RUBRICS if r not in SURVEYS}
    | {"allocation.xlsx", "allocation.json", "mail-merge.csv", "chase.xlsx", "reminders.csv"}
    | {"moderation.json", "moderation.md", "qa-calendar.ics", "actions.xlsx"}
    | {"practice-report.html", "practice-report.md"}
)


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.mark.slow
def test_the_demo_runs_the_whole_round_and_writes_every_output_it_promises(tmp_path):
    # The qactl of this environment, whatever installed it: a two-line wrapper the script can call by path.
    qactl = tmp_path / "qactl"
    qactl.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m qactl "$@"\n', encoding="utf-8")
    qactl.chmod(0o755)
    out = tmp_path / "demo"
    examples_before = _digest(ROOT / "examples")

    done = subprocess.run(
        ["bash", str(ROOT / "examples" / "demo.sh"), str(qactl), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    said = done.stdout + done.stderr
    assert done.returncode == 0, f"demo.sh exited {done.returncode}:\n{said[-3000:]}"
    assert "Traceback" not in said, said[-3000:]

    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    packs = {w for w in written if w.startswith("service-packs/")}
    assert not EXPECTED - written, f"missing from the demo's outputs: {sorted(EXPECTED - written)}"
    assert packs and all(p.endswith(".html") for p in packs), f"service packs: {sorted(packs)}"
    assert written - packs == EXPECTED, (
        f"left behind besides the promised outputs: {sorted(written - packs - EXPECTED)}"
    )
    empty = sorted(w for w in written if (out / w).stat().st_size == 0)
    assert not empty, f"empty outputs: {empty}"

    # Every file the closing message names (allocation.xlsx, scored/*.xlsx, ...) is there.
    closing = done.stdout[done.stdout.index("Done. In") :].replace(str(out), "")
    named = re.findall(r"[\w/*-]+\.(?:xlsx|csv|md|ics|html|json)", closing)
    assert len(named) >= 9, closing
    for name in named:
        assert list(out.glob(name)), f"the demo says it wrote {name}, and did not"

    assert _digest(ROOT / "examples") == examples_before, "the demo changed a file in examples/"


def test_the_demo_refuses_a_folder_that_is_not_empty(tmp_path):
    """It never deletes a folder it did not make: only out/, its own, is emptied first."""
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    done = subprocess.run(
        ["bash", str(ROOT / "examples" / "demo.sh"), "/bin/false", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "not empty" in done.stderr
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"
