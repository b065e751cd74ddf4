"""What the terminal shows: messages wrapped between words at the terminal's width, progress on a terminal only.

The commands run in a pseudo-terminal 80 columns wide (``COLUMNS=80``), as on a council laptop's default console,
and again piped, as in a script or a log.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qactl.cli.common import wrap

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
pty = pytest.importorskip("pty")


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "COLUMNS": "80",
        "LINES": "24",
        "TERM": "xterm-256color",
        "QACTL_KEY": "test-key-not-secret",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "NO_COLOR": "1",
    }


def in_terminal(args: list, tmp_path: Path) -> tuple[int, str]:
    """Run ``qactl ARGS`` with a pseudo-terminal 80 columns wide as stdout and stderr; returns (exit code, text seen)."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    p = subprocess.Popen(
        [sys.executable, "-m", "qactl", *map(str, args)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=_env(tmp_path),
        cwd=tmp_path,
        close_fds=True,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    code = p.wait()
    os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def piped(args: list, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qactl", *map(str, args)],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=tmp_path,
    )


def _lines(text: str) -> list[str]:
    return [ln.rstrip() for ln in ANSI.sub("", text).split("\n")]


def test_wrap_breaks_between_words_keeps_indents_and_never_breaks_a_path():
    path = "/home/officer/QA/2025-26/autumn/" + "x" * 70 + ".xlsx"
    text = (
        "No allocation meets the rules: only 40 of the 46 audits can be placed, because the moderation sample needs "
        f"second auditors from other services. See {path} for the register.\n  row 3: a problem with a long explanation "
        "that will certainly need to wrap onto a second line of the terminal"
    )
    out = wrap(text, 80, first=len("Error: "))
    lines = out.split("\n")
    assert out.split() == text.split()  # every word whole, in order
    assert all(len(ln) + (7 if k == 0 else 0) <= 80 for k, ln in enumerate(lines) if path not in ln)
    assert any(ln.strip() == path or ln.endswith(path) for ln in lines)  # too long for a line: left whole
    row = next(k for k, ln in enumerate(lines) if ln.startswith("  row 3:"))
    assert lines[row + 1].startswith("    ") and not lines[row + 1].startswith(
        "     "
    )  # the list item's lines hang under it


def test_an_error_in_an_80_column_terminal_is_wrapped_between_words(tmp_path):
    code, seen = in_terminal(
        [
            "allocate",
            "--plans",
            EXAMPLES / "plans.xlsx",
            "--cohort",
            EXAMPLES / "cohort.yaml",
            "-o",
            tmp_path / "a.xlsx",
        ],
        tmp_path,
    )
    assert code == 2
    lines = [ln for ln in _lines(seen) if ln]
    assert lines[0].startswith("Error: No round and no dates:") and len(lines) >= 3
    assert all(len(ln) <= 80 for ln in lines)
    flat = " ".join(lines)
    expected = piped(
        [
            "allocate",
            "--plans",
            EXAMPLES / "plans.xlsx",
            "--cohort",
            EXAMPLES / "cohort.yaml",
            "-o",
            tmp_path / "a.xlsx",
        ],
        tmp_path,
    ).stderr
    assert flat.split() == expected.split()  # the same words, none broken
    assert len(expected.strip().split("\n")) == 1  # piped: one line, as written, for logs and scripts


def test_rubrics_list_at_80_columns_breaks_no_title_inside_a_word(tmp_path):
    from qactl.rubric.loader import discover

    code, seen = in_terminal(["rubrics", "list"], tmp_path)
    assert code == 0
    lines = _lines(seen)
    assert all(len(ln) <= 80 for ln in lines)
    words = {w for ln in lines for w in ln.split()}
    for f in discover().values():
        for w in f.rubric.title.split():
            assert w in words, (f.rubric.id, w)  # each word of each title whole on some line


def test_allocate_shows_progress_on_a_terminal_and_nothing_extra_when_piped(tmp_path):
    args = [
        "allocate",
        "--plans",
        EXAMPLES / "plans.xlsx",
        "--cohort",
        EXAMPLES / "cohort.yaml",
        "--round",
        "2025 Autumn",
        "--moderation",
        "6",
        "-o",
        tmp_path / "a.json",
    ]
    code, seen = in_terminal(args, tmp_path)
    assert code == 0 and "Allocating 52 audits among 29 auditors" in ANSI.sub("", seen)
    run = piped(args, tmp_path)
    assert run.returncode == 0 and "Allocating" not in run.stderr and "\x1b" not in run.stderr
    assert "seed " in run.stderr
