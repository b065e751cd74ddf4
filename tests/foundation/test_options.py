"""The options the commands share (qactl/cli/options.py): one -o/--output, one day-first date type, old names kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inprocess import qactl

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
WRITERS = ("allocate", "score", "chase", "report", "moderate", "form", "schedule")


@pytest.mark.parametrize("command", WRITERS)
def test_every_command_that_writes_names_its_file_with_o_output(command):
    r = qactl(command, "--help", env={"COLUMNS": "200"})
    assert r.returncode == 0
    assert "-o, --output" in r.stdout
    assert (
        "--out " not in r.stdout and "--out," not in r.stdout and "--ics" not in r.stdout
    )  # old names hidden


def test_allocate_still_takes_out_and_writes_the_same_file(tmp_path):
    """Scripts written for 0.1 (`allocate --out FILE`) keep working: the same allocation as with -o."""
    common = ["allocate", "--plans", EXAMPLES / "plans.xlsx", "--cohort", EXAMPLES / "cohort.yaml"]
    common += ["--round", "2025 Autumn", "--moderation", "6"]
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    new, old, eq = tmp_path / "new.json", tmp_path / "old.json", tmp_path / "eq.json"
    assert qactl(*common, "-o", new, env=env).returncode == 0
    assert qactl(*common, "--out", old, env=env).returncode == 0
    assert qactl(*common, f"--out={eq}", env=env).returncode == 0
    assert json.loads(old.read_bytes())["assignments"] == json.loads(new.read_bytes())["assignments"]
    assert eq.read_bytes() == old.read_bytes()


def test_schedule_still_takes_ics(tmp_path):
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    new, old = tmp_path / "new.ics", tmp_path / "old.ics"
    span = ["schedule", "--from", "01/01/2026", "--to", "31/01/2026"]
    assert qactl(*span, "-o", new, env=env).returncode == 0
    assert qactl(*span, "--ics", old, env=env).returncode == 0
    assert old.read_bytes() == new.read_bytes() and b"BEGIN:VEVENT" in new.read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ["schedule", "--from"],
        ["timeline", "ehcna", "--received"],
        ["timeline", "transfer", "--moved"],
        ["allocate", "--plans", "p.csv", "--cohort", "c.yaml", "-o", "a.json", "--from"],
        ["score", "eps-advice", "e.csv", "-o", "s.json", "--audit-date"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_one_date_type_the_same_refusal_everywhere(args, tmp_path):
    """04/23/2025 is month first: every date option refuses it in the same words, naming itself; nothing is written."""
    r = qactl(*args, "04/23/2025", cwd=tmp_path)
    option = args[-1]
    assert r.returncode == 2
    assert (
        f"Error: {option}: '04/23/2025' looks like a US-style date (month first); write it day first, as 23/04/2025."
        in " ".join(r.stderr.split())
    )
    assert "Usage:" not in r.stderr and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_dates_are_read_day_first():
    # 03/04/2025 is 3 April 2025; moved on 3 April, and the old council aware the same day: the plan transfers
    # on the day of the move (reg 15), 2025-04-03.
    r = qactl("timeline", "transfer", "--moved", "03/04/2025", "--aware", "3 April 2025", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["start"] == {"field": "moved", "date": "2025-04-03"}


def test_an_empty_optional_date_is_not_given():
    """A script whose variable is empty (`--aware "$AWARE"`) gets the command without that date, not an error."""
    with_empty = qactl("timeline", "transfer", "--moved", "03/04/2025", "--aware", "", "--json")
    without = qactl("timeline", "transfer", "--moved", "03/04/2025", "--json")
    assert with_empty.returncode == 0 and with_empty.stdout == without.stdout
