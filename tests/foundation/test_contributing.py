"""CONTRIBUTING.md's recipes, followed command for command in a copy of the repository.

Each ```sh block under a recipe's heading runs as one bash script (`set -euo pipefail`) from the root of a copy of
the working tree, with `.venv/bin/python` and `.venv/bin/qactl` being this environment and the copy's `qactl/` on
the import path, so a recipe runs against the code beside it. Then what the recipe promises is checked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def recipe(heading: str) -> str:
    """The shell blocks of one `## heading` section, joined."""
    section = GUIDE.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert blocks, f"CONTRIBUTING.md, {heading!r}: no ```sh block"
    return "\n".join(blocks)


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The working tree (tracked and new files, not ignored ones) in a git repository of its own."""
    where = tmp_path_factory.mktemp("contributing") / "qactl"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        if (ROOT / name).is_file():
            (where / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, where / name)
    venv = where / ".venv" / "bin"
    venv.mkdir(parents=True)
    for name, run in (("python", ""), ("qactl", " -m qactl")):
        (venv / name).write_text(f'#!/bin/sh\nexec "{sys.executable}"{run} "$@"\n', encoding="utf-8")
        (venv / name).chmod(0o755)
    git = ["git", "-c", "user.name=recipe", "-c", "user.email=recipe@example.org"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
        subprocess.run(git + args, cwd=where, check=True, capture_output=True)
    return where


def follow(copy: Path, heading: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    home = copy.parent / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("QACTL_KEY", "SOURCE_DATE_EPOCH", "PYTHONPATH")}
    env.update(PYTHONPATH=str(copy), HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), APPDATA=str(home))
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", recipe(heading)],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, (
        f"{heading}: exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    )
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done


def changed(copy: Path, *paths: str) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--", *paths], cwd=copy, capture_output=True, text=True, check=True
    ).stdout


def test_add_a_rubric(copy):
    follow(copy, "Add a rubric")
    council = copy / "my-council"
    assert (council / "transition-plans-blank.xlsx").stat().st_size > 0
    rows = (council / "scored.csv").read_text(encoding="utf-8-sig").splitlines()
    # As the recipe works out: Ada 100 × (2×2 + 1×1) / (2×2 + 1×2) = 83.3 Good; Ben, under 14, 0 Inadequate.
    assert [r.split(",")[2:5] for r in rows[1:]] == [
        ["scored", "83.3", "Good"],
        ["scored", "0.0", "Inadequate"],
    ]
    assert not changed(copy, "rubrics"), (
        "the recipe's rubric is the council's own: the built-ins are untouched"
    )


def test_add_a_finding_code(copy):
    if not (copy / "qactl" / "scoring" / "codes.py").exists():
        pytest.skip("the FindingCode catalogue (qactl/scoring/codes.py) lands with the cli-codes branch")
    follow(copy, "Add a finding code")


@pytest.mark.slow
def test_update_the_golden_files(copy):
    done = follow(copy, "Update the golden files")
    assert "skipped" in done.stdout and "passed" in done.stdout
    # This build made them, and makes them again byte for byte: nothing changed.
    assert not changed(copy, "tests"), changed(copy, "tests")


@pytest.mark.slow
def test_run_the_bench(copy):
    follow(copy, "Run the bench", timeout=600)
    written = (copy / "bench" / ".cache" / "quick.md").read_text(encoding="utf-8")
    assert "a council-sized round (40 audits) end to end" in written
    assert not changed(copy, "README.md", "bench"), "a quick run of a part leaves the README and bench/ alone"
