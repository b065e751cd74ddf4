"""One output transaction per run: inputs never modified, read-only files never replaced, all outputs or none.

Each test runs the command line in-process (the error handler is inside the Typer app, so the message and the exit
status are the user's) and checks the files a user would find afterwards, hidden temporary files included. The
signal tests start a real process: the signal handlers are installed by ``qactl.cli.main``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qactl.errors import OutputError, UsageError
from qactl.sheets.writer import Outputs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def qactl(*args: object, cwd: Path | None = None, env: dict | None = None):
    from inprocess import qactl as run

    return run(*args, cwd=cwd, env={"QACTL_KEY": "test-key-not-secret", **(env or {})})


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    """Every file in the folder, hidden ones included (a staged temporary file starts with a dot)."""
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def export(tmp_path: Path) -> Path:
    p = tmp_path / "export.xlsx"
    shutil.copy(EXAMPLES / "exports" / "eps-advice.xlsx", p)
    return p


def test_score_refuses_to_write_over_its_input(export: Path):
    before = digest(export)
    r = qactl("score", "eps-advice", export, "-o", export)
    assert r.returncode == 2, r.stderr
    assert "inputs are never modified" in r.stderr and "Traceback" not in r.stderr
    assert digest(export) == before
    assert listing(export.parent) == ["export.xlsx"]


@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_score_refuses_an_output_that_is_a_link_to_its_input(export: Path, link: str):
    other = export.parent / "scored.xlsx"
    (os.symlink if link == "symbolic" else os.link)(export, other)
    before = digest(export)
    r = qactl("score", "eps-advice", export, "-o", other)
    assert r.returncode == 2, r.stderr
    assert "inputs are never modified" in r.stderr
    assert digest(export) == before


def test_score_refuses_to_write_over_its_map_file(export: Path, tmp_path: Path):
    mapping = tmp_path / "map.csv"
    mapping.write_text("column,id\n", encoding="utf-8")
    r = qactl("score", "eps-advice", export, "--map", mapping, "-o", mapping)
    assert r.returncode == 2
    assert "inputs are never modified" in r.stderr
    assert mapping.read_text(encoding="utf-8") == "column,id\n"


def test_a_read_only_output_is_refused_not_replaced(export: Path, tmp_path: Path):
    target = tmp_path / "scored.json"
    target.write_text("keep me", encoding="utf-8")
    target.chmod(0o444)
    r = qactl("score", "eps-advice", export, "-o", target)
    assert r.returncode == 2, r.stderr
    assert "read-only" in r.stderr
    assert target.read_text(encoding="utf-8") == "keep me"
    assert listing(tmp_path) == ["export.xlsx", "scored.json"]


def test_an_output_that_is_a_folder_is_exit_2_with_a_sentence(export: Path, tmp_path: Path):
    (tmp_path / "out.json").mkdir()
    r = qactl("score", "eps-advice", export, "-o", tmp_path / "out.json")
    assert r.returncode == 2
    assert "it is a folder" in r.stderr and "Traceback" not in r.stderr


def test_allocate_writes_nothing_when_the_mail_merge_cannot_be_written(tmp_path: Path):
    r = qactl(
        "allocate",
        "--plans",
        EXAMPLES / "plans.xlsx",
        "--cohort",
        EXAMPLES / "cohort.yaml",
        "--round",
        "2025 Autumn",
        "-o",
        tmp_path / "a.xlsx",
        "--mail-merge",
        tmp_path / "missing" / "m.csv",
    )
    assert r.returncode == 2, r.stderr
    assert "does not exist" in r.stderr
    assert listing(tmp_path) == []


def test_allocate_refuses_one_file_for_two_outputs(tmp_path: Path):
    r = qactl(
        "allocate",
        "--plans",
        EXAMPLES / "plans.xlsx",
        "--cohort",
        EXAMPLES / "cohort.yaml",
        "--round",
        "2025 Autumn",
        "-o",
        tmp_path / "a.csv",
        "--mail-merge",
        tmp_path / "a.csv",
    )
    assert r.returncode == 2
    assert "name the same file" in r.stderr
    assert listing(tmp_path) == []


def test_report_writes_neither_file_when_the_plan_cannot_be_written(tmp_path: Path):
    scored = tmp_path / "eps.json"
    assert qactl(
        "score", "eps-advice", EXAMPLES / "exports" / "eps-advice.xlsx", "-o", scored
    ).returncode in (0, 1)
    plan = tmp_path / "plan.xlsx"
    plan.write_bytes(b"an earlier plan")
    plan.chmod(0o444)
    r = qactl("report", scored, "-o", tmp_path / "report.html", "--write-actions", plan)
    assert r.returncode == 2, r.stderr
    assert "read-only" in r.stderr
    assert listing(tmp_path) == ["eps.json", "plan.xlsx"]
    assert plan.read_bytes() == b"an earlier plan"


@pytest.mark.parametrize(
    ("sig", "status", "said"),
    [
        (signal.SIGINT, 130, "Interrupted: nothing was written."),
        (signal.SIGTERM, 143, "Stopped (SIGTERM): nothing was written."),
    ],
)
def test_a_signal_leaves_no_temporary_file(tmp_path: Path, sig: int, status: int, said: str):
    """Ctrl-C (SIGINT) or SIGTERM sent to a real run mid-write: the run removes its staged file and says so, with its exit
    status; the target is never created."""
    big = tmp_path / "big.csv"
    header = "Name of child,Date of birth,Person completing audit,A brief formulation is included,Outcomes are SMART,"
    header += "For children 14yrs+ the outcomes relate to preparing for adulthood"
    with big.open("w", encoding="utf-8") as f:
        f.write(header + "\n")
        for i in range(400_000):
            f.write(f"Child {i},01/02/2015,Auditor {i % 11},Fully,Partially,Fully\n")
    target = tmp_path / "out.jsonl"
    env = {**os.environ, "QACTL_KEY": "k"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qactl",
            "score",
            str(ROOT / "tests" / "data" / "mini.yaml"),
            str(big),
            "-o",
            str(target),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(n.startswith(".out.jsonl.") for n in listing(tmp_path)):
        if proc.poll() is not None:
            pytest.fail(f"finished before it could be stopped: {proc.communicate()[1]}")
        time.sleep(0.02)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert said in err and "Traceback" not in err
    assert listing(tmp_path) == ["big.csv"]


def test_a_failed_commit_puts_back_what_it_replaced(tmp_path: Path):
    """Two outputs: the second rename fails, so the first target gets its old content back."""
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("old a", encoding="utf-8")
    out = Outputs()
    out.add(first).write_text("new a", encoding="utf-8")
    out.add(second).write_text("new b", encoding="utf-8")
    second.mkdir()  # a folder where the file should go: os.replace fails
    with pytest.raises(OutputError):
        out.commit()
    assert first.read_text(encoding="utf-8") == "old a"
    assert listing(tmp_path) == ["a.txt", "b.txt"]


def test_the_same_target_twice_in_one_run_is_refused(tmp_path: Path):
    out = Outputs()
    out.add(tmp_path / "x.csv")
    with pytest.raises(UsageError, match="name the same file"):
        out.add(tmp_path / "." / "x.csv", option="--mail-merge")
    out.discard()
    assert listing(tmp_path) == []


def test_source_date_epoch_fixes_every_time_written(tmp_path: Path):
    # 1767225600 is 2026-01-01T00:00:00Z: the scored file's "created", and the allocation's default due date
    # (no --round: today + 28 days = 29/01/2026).
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    scored = tmp_path / "eps.json"
    r = qactl("score", "eps-advice", EXAMPLES / "exports" / "eps-advice.xlsx", "-o", scored, env=env)
    assert r.returncode in (0, 1), r.stderr
    assert json.loads(scored.read_text(encoding="utf-8"))["created"] == "2026-01-01T00:00:00+00:00"
    ics = tmp_path / "qa.ics"
    r = qactl("schedule", "--from", "01/01/2026", "--to", "31/01/2026", "-o", ics, env=env)
    assert r.returncode == 0, r.stderr
    assert "DTSTAMP:20260101T000000Z" in ics.read_text(encoding="utf-8")


def test_workbooks_are_the_same_bytes_under_source_date_epoch(tmp_path: Path):
    """xlsxwriter stamps the system time in docProps/core.xml unless told: every workbook takes qactl's clock."""
    import zipfile

    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    books = []
    for n in (1, 2):
        book = tmp_path / f"eps-{n}.xlsx"
        assert qactl(
            "score", "eps-advice", EXAMPLES / "exports" / "eps-advice.xlsx", "-o", book, env=env
        ).returncode in (0, 1)
        books.append(book)
        form = tmp_path / f"form-{n}.xlsx"
        assert qactl("form", "eps-advice", "-o", form, env=env).returncode == 0
        books.append(form)
        time.sleep(1.1)  # a second apart: the system's time would differ
    for book in books:
        core = zipfile.ZipFile(book).read("docProps/core.xml").decode()
        assert "2026-01-01T00:00:00Z" in core
    assert books[0].read_bytes() == books[2].read_bytes()
    assert books[1].read_bytes() == books[3].read_bytes()
