"""Hard limits on hostile files: what one input may cost is bounded by its real size (issue #11)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from badinputs import EXAMPLES, HEAD, MINI, add_stray_cell, laughs, rows, write_csv, write_xlsx

from qactl.errors import ConfigError, InputError
from qactl.sheets import reader
from qactl.sheets.reader import ExcelError, open_sheet
from qactl.yamlio import MAX_DEPTH, load_yaml


def peak_rss_mb(*args: object) -> tuple[float, int]:
    """Run ``qactl ARGS`` as its own process: (peak resident memory in MB, exit status)."""
    env = {**os.environ, "QACTL_KEY": "limits-key"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "qactl", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
    return usage.ru_maxrss / 1024, proc.returncode


def test_a_stray_cell_at_row_1048576_costs_what_the_data_costs(tmp_path):
    """One cell typed at A1048576 of a 31-column export made calamine build a grid of 32 million cells (1,030 MB peak,
    measured on qactl 0.1); the sheet is now read row element by row element, and costs what the same export without
    the stray cell costs (39 MB on this machine)."""
    plain = tmp_path / "export.xlsx"
    shutil.copy(EXAMPLES / "exports" / "eps-advice.xlsx", plain)
    stray = tmp_path / "stray.xlsx"
    shutil.copy(plain, stray)
    add_stray_cell(stray, "A1048576")
    with_stray, code = peak_rss_mb("score", "eps-advice", stray, "-o", tmp_path / "a.json")
    without, _ = peak_rss_mb("score", "eps-advice", plain, "-o", tmp_path / "b.json")
    assert code == 1  # the stray cell's row is an audit with errors, named by its cells
    assert with_stray < without + 25, f"{with_stray:.0f} MB with the stray cell, {without:.0f} MB without"


def test_the_sparse_reader_gives_what_calamine_gives(monkeypatch):
    """Every example workbook read both ways: the same headers, rows, row numbers and values (dates to the millisecond)."""
    from python_calamine import CalamineWorkbook

    def trimmed(sheet) -> list:
        out = []
        for n, values in sheet.rows:
            values = list(values)
            while values and values[-1] in ("", None):
                values.pop()
            if values:
                out.append((n, values))
        return out

    books = sorted(EXAMPLES.rglob("*.xlsx"))
    assert len(books) >= 10
    for book in books:
        for name in CalamineWorkbook.from_path(str(book)).sheet_names:
            dense = open_sheet(book, name)
            monkeypatch.setattr(reader, "_DENSE_FLOOR", 0)
            monkeypatch.setattr(reader, "_BYTES_PER_CELL", 10**12)
            sparse = open_sheet(book, name)
            monkeypatch.undo()
            assert sparse.sparse and not dense.sparse
            assert (sparse.headers, sparse.header_row) == (dense.headers, dense.header_row), book
            assert trimmed(sparse) == trimmed(dense), f"{book} {name}"


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    """A workbook whose parts inflate far beyond the file is refused (the limits made small, so the test file is small)."""
    path = write_xlsx(tmp_path / "bomb.xlsx", rows(2))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/filler.bin", b"\0" * (4 << 20))  # 4 MB of zeros: a few kB in the file
    monkeypatch.setattr(reader, "_MAX_INFLATED_FLOOR", 1 << 20)
    monkeypatch.setattr(reader, "_MAX_INFLATION", 50)
    with pytest.raises(InputError, match="would inflate to"):
        open_sheet(path)


def test_excel_error_values_and_uncalculated_formulas_reach_the_scorer(tmp_path):
    path = write_xlsx(
        tmp_path / "e.xlsx", rows(2), cells={(1, 8): ("=NA()", "#N/A"), (2, 9): ("=1/0", "#DIV/0!")}
    )
    sheet = open_sheet(path)
    got = {n: v for n, v in sheet.rows}
    assert isinstance(got[2][8], ExcelError) and got[2][8] == "#N/A"
    assert isinstance(got[3][9], ExcelError) and got[3][9].problem()[0] == "excel_error"


def test_excel_error_text_in_a_csv_is_an_error_not_an_answer(tmp_path, monkeypatch):
    """Excel writes #N/A into a CSV where a formula failed: named as an error in its cell, as in a workbook."""
    import json

    from qactl.scoring.run import score_file

    data = rows(3)
    data[1][8] = "#N/A"
    monkeypatch.setenv("QACTL_KEY", "k")
    out = tmp_path / "s.json"
    score_file(str(MINI), write_csv(tmp_path / "e.csv", data), out)
    errors = [e for a in json.loads(out.read_text(encoding="utf-8"))["audits"] for e in a["errors"]]
    assert [(e["cell"], e["code"]) for e in errors] == [("e.csv!I3", "excel_error")]


def test_a_billion_laughs_fails_on_its_alias_without_expanding(tmp_path):
    """A few hundred bytes that expand to 9^9 values: refused at the alias, after a walk bounded by the file's own size."""
    p = tmp_path / "laughs.yaml"
    p.write_text(laughs(), encoding="utf-8")
    assert p.stat().st_size < 400
    with pytest.raises(ConfigError) as e:
        load_yaml(p)
    (problem,) = e.value.problems
    assert (
        (problem.line, problem.column) == (9, 32)
        and "*h" in problem.message
        and "billion laughs" in problem.message
    )


def test_nesting_is_bounded_before_parsing(tmp_path):
    p = tmp_path / "deep.yaml"
    p.write_text(
        "a:\n"
        + "".join("  " * k + f"k{k}:\n" for k in range(1, MAX_DEPTH + 5))
        + "  " * (MAX_DEPTH + 5)
        + "end: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as e:
        load_yaml(p)
    assert (
        f"nested more than {MAX_DEPTH} levels" in str(e.value) and e.value.problems[0].line == MAX_DEPTH + 1
    )


def test_ordinary_anchors_and_merge_keys_still_read(tmp_path):
    """Aliases a person writes (a shared scale, a merge key) are well within the bounds."""
    p = tmp_path / "ok.yaml"
    p.write_text(
        "base: &base {label: Fully, points: 2}\nscales:\n  a: {choices: [*base]}\n  b:\n    <<: *base\n    points: 1\n"
        + "".join(f"item{k}: *base\n" for k in range(500)),
        encoding="utf-8",
    )
    doc = load_yaml(p)
    assert (
        doc["scales"]["b"]["label"] == "Fully"
        and doc["scales"]["b"]["points"] == 1
        and doc["item499"]["points"] == 2
    )


def test_the_bound_grows_with_the_file():
    """A large file without aliases is within its bounds, however large: the budget is the file's own length (a value
    takes at least a character or two). Checked on the parsed shape of 150,000 auditors' ids, past the floor of 100,000
    (ruamel itself takes seconds to parse that much YAML, so the walk is tested on its own)."""
    from qactl.yamlio import _expansion, node_budget

    text = "auditors:\n" + "".join(f"- A{k}\n" for k in range(150_000))
    doc = {"auditors": [f"A{k}" for k in range(150_000)]}
    assert node_budget(text) > 150_000 and _expansion(doc, node_budget(text), text) is None
    shared = ["x"] * 1_000
    aliased = {
        f"k{k}": shared for k in range(200)
    }  # the same list 200 times: 200,000 values from a short text
    line, col, message = _expansion(aliased, node_budget(text[:5_000]), text[:5_000])
    assert "past 100,000 values" in message


def test_header_pasted_twice_in_a_workbook(tmp_path, monkeypatch):
    import json

    from qactl.scoring.run import score_file

    data = rows(4)
    data.insert(2, list(HEAD))
    monkeypatch.setenv("QACTL_KEY", "k")
    out = tmp_path / "s.json"
    score_file(str(MINI), write_xlsx(tmp_path / "x.xlsx", data), out)
    s = json.loads(out.read_text(encoding="utf-8"))["summary"]
    assert (s["data_rows"], s["rows"], s["header_rows"]) == (5, 4, 1)
