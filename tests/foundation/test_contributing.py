"""CONTRIBUTING.md's recipes, followed command for command in a copy of the repository.

Each ```sh block under a recipe's heading runs as one bash script (`set -euo pipefail`) from the root of a copy of
the working tree (a clone of its own for each recipe), with `.venv/bin/python`, `qactl`, `ruff` and `mypy` being
this environment's and the copy's `qactl/` on the import path, so a recipe runs against the code beside it, and
the code a recipe adds is what its commands run. Then what the recipe promises is checked.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
GIT = ["git", "-c", "user.name=recipe", "-c", "user.email=recipe@example.org"]


def recipe(heading: str) -> str:
    """The shell blocks of one `## heading` section, joined."""
    section = GUIDE.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert blocks, f"CONTRIBUTING.md, {heading!r}: no ```sh block"
    return "\n".join(blocks)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
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
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
        subprocess.run(GIT + args, cwd=where, check=True, capture_output=True)
    return where


@pytest.fixture
def copy(pristine, tmp_path) -> Path:
    """A clone of the copy for one recipe (a recipe that changes code leaves the others' copies alone), with a
    `.venv/bin` whose python, qactl, ruff and mypy are this environment's."""
    where = tmp_path / "qactl"
    subprocess.run(GIT + ["clone", "-q", str(pristine), str(where)], check=True, capture_output=True)
    venv = where / ".venv" / "bin"
    venv.mkdir(parents=True)
    for name, run in (("python", ""), ("qactl", " -m qactl"), ("ruff", " -m ruff"), ("mypy", " -m mypy")):
        (venv / name).write_text(f'#!/bin/sh\nexec "{sys.executable}"{run} "$@"\n', encoding="utf-8")
        (venv / name).chmod(0o755)
    return where


def _env(copy: Path) -> dict[str, str]:
    """This environment with the copy's qactl on the path and a home of its own (no user config, no key)."""
    home = copy.parent / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("QACTL_KEY", "SOURCE_DATE_EPOCH", "PYTHONPATH")}
    env.update(PYTHONPATH=str(copy), HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), APPDATA=str(home))
    return env


def follow(copy: Path, heading: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", recipe(heading)],
        cwd=copy,
        env=_env(copy),
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


@pytest.mark.slow
def test_add_a_command(copy):
    done = follow(copy, "Add a command")
    assert "qactl tally [OPTIONS]" in done.stdout  # its --help
    summary = json.loads((copy / "out" / "health.json").read_text(encoding="utf-8"))["summary"]
    rows = list(csv.reader((copy / "out" / "tally.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows == [
        ["file", "rubric", "audits", "scored", "with errors", "duplicates"],
        [
            "health.json",
            "health-advice",
            *map(str, (summary["rows"], summary["scored"], summary["with_errors"])),
            str(summary.get("duplicates", 0)),
        ],
    ]
    # registered in the app, so the root --help lists it
    listed = subprocess.run(
        [".venv/bin/qactl", "--help"], cwd=copy, env=_env(copy), capture_output=True, text=True
    )
    assert "  tally " in listed.stdout
    lines = changed(copy, "qactl", "docs", "tests", "README.md").splitlines()
    status = {path: flag for flag, path in map(str.split, lines)}
    assert status == {
        "README.md": "M",
        "docs/architecture.md": "M",
        "qactl/cli/__init__.py": "M",
        "docs/tally.md": "??",
        "qactl/cli/tally.py": "??",
        "qactl/tally/": "??",
        "tests/tally/": "??",
    }


@pytest.mark.slow
def test_add_a_report_section(copy):
    follow(copy, "Add a report section")
    assert changed(copy, "tests/report/golden").splitlines() == [
        " M tests/report/golden/practice-report.html",
        " M tests/report/golden/practice-report.md",
    ]
    golden = copy / "tests" / "report" / "golden"
    html = (golden / "practice-report.html").read_text(encoding="utf-8")
    md = (golden / "practice-report.md").read_text(encoding="utf-8")
    # The section: a row per finding code, in both formats, with the same counts.
    html_rows = re.findall(
        r'<tr><th scope="row" class="text">([a-z_]+)</th><td>[^<]+</td><td class="n">(\d+)</td>', html
    )
    md_rows = [
        (code.replace("\\_", "_"), n)
        for code, n in re.findall(r"^\| ([a-z\\_]+) \| [^|]+ \| (\d+) \|$", md, re.M)
    ]
    assert (
        'caption id="not-scored-c">Why audits were not scored' in html and "Why audits were not scored" in md
    )
    assert html_rows and html_rows == md_rows, (html_rows, md_rows)
    # Each audit not scored carries at least one code, and each code counts an audit at most once.
    not_scored = int(
        re.search(r"\| \*\*All rubrics\*\* \| \*\*[\d,]+\*\* \| \*\*[\d,]+\*\* \| \*\*(\d+)\*\*", md)[1]
    )
    counts = [int(n) for _, n in html_rows]
    assert max(counts) <= not_scored <= sum(counts)


@pytest.mark.slow
def test_add_a_finding_code(copy):
    done = follow(copy, "Add a finding code")
    assert re.search(r"^\d+ passed", done.stdout, re.M) and "skipped" not in done.stdout
    assert (
        "| `several_answers` | several answers, separated by semicolons, to a question that takes one |"
        in (copy / "docs" / "score.md").read_text(encoding="utf-8")
    )
    # The command line names the new code at its cell.
    export = copy / "export.csv"
    export.write_text(
        "Name of child,Date of birth,A brief formulation is included,Outcomes are SMART,"
        "For children 14yrs+ the outcomes relate to preparing for adulthood\n"
        "Ada Example,03/04/2009,Fully,Fully;Partially,Fully\n",
        encoding="utf-8",
    )
    scored = subprocess.run(
        [".venv/bin/qactl", "score", "tests/data/mini.yaml", "export.csv", "-o", "scored.json"],
        cwd=copy,
        env={**_env(copy), "QACTL_KEY": "demo-key-not-for-real-data"},
        capture_output=True,
        text=True,
    )
    assert scored.returncode == 1, scored.stderr
    assert "export.csv!D2 smart: this question takes one answer, not 2" in scored.stderr
    [audit] = json.loads((copy / "scored.json").read_text(encoding="utf-8"))["audits"]
    assert [(e["cell"], e["code"]) for e in audit["errors"]] == [("export.csv!D2", "several_answers")]


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
