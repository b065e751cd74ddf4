"""Inputs that cannot be used: exit 2, a sentence a QA officer can act on, and nothing written."""

from __future__ import annotations

import pytest
from scoring_helpers import EPS, HEALTH, write_csv, write_xlsx
from typer.testing import CliRunner

from qactl.cli import main


def run(monkeypatch, capsys, args):
    monkeypatch.setattr("sys.argv", ["qactl", *args])
    with pytest.raises(SystemExit) as e:
        main()
    return e.value.code, capsys.readouterr().err


def _ole(path, encrypted: bool):
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    if encrypted:
        body += "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    path.write_bytes(body)
    return path


CASES = {
    "xls": (lambda p: _ole(p / "old.xls", False), "save it as .xlsx"),
    "encrypted": (lambda p: _ole(p / "labelled.xlsx", True), "encrypted"),
    "empty": (lambda p: write_xlsx(p / "empty.xlsx", [], []), "is empty"),
    "another audit": (
        lambda p: write_csv(
            p / "other.csv", ["ID", "Identifier- NHS Number", "Language clear"], [[1, "9990000018", "Yes"]]
        ),
        "looks like the export of another form",
    ),
    "missing": (lambda p: p / "nowhere.xlsx", "no such file"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_unusable_input_exits_2_and_writes_nothing(tmp_path, monkeypatch, capsys, case):
    make, words = CASES[case]
    src = make(tmp_path)
    out = tmp_path / "out" / "scored.json"
    out.parent.mkdir()
    code, err = run(monkeypatch, capsys, ["score", str(EPS), str(src), "-o", str(out)])
    assert code == 2
    assert err.startswith("Error: ") and words in err and "Traceback" not in err
    assert list(out.parent.iterdir()) == []


def test_missing_columns_listed_with_the_nearest_headers(tmp_path, monkeypatch, capsys):
    from qactl.rubric.loader import load_rubric

    rubric = load_rubric(EPS)
    heads = ["Name of child", "Date of birth", *[i.text for i in rubric.items]]
    heads[2 + 10] = "Outcomes are S.M.A.R.T. and measurable"  # reworded
    src = write_xlsx(tmp_path / "eps.xlsx", heads, [["Testchild A", "01/01/2012", *["Fully"] * 19]])
    code, err = run(monkeypatch, capsys, ["score", str(EPS), str(src), "-o", str(tmp_path / "o.json")])
    assert code == 2
    assert "smart ('Outcomes are SMART'); nearest headers: 'Outcomes are S.M.A.R.T. and measurable'" in err
    assert "--map" in err

    mapping = tmp_path / "map.yaml"
    mapping.write_text("'Outcomes are S.M.A.R.T. and measurable': smart\n", encoding="utf-8")
    r = CliRunner().invoke(
        __import__("qactl.cli", fromlist=["app"]).app,
        ["score", str(EPS), str(src), "-o", str(tmp_path / "o.json"), "--map", str(mapping)],
    )
    assert r.exit_code == 0, r.output
    csv_map = tmp_path / "map.csv"
    csv_map.write_text("column,id\nOutcomes are S.M.A.R.T. and measurable,smart\n", encoding="utf-8")
    r = CliRunner().invoke(
        __import__("qactl.cli", fromlist=["app"]).app,
        ["score", str(EPS), str(src), "-o", str(tmp_path / "o2.json"), "--map", str(csv_map)],
    )
    assert r.exit_code == 0, r.output


def test_map_to_an_unknown_id_is_located(tmp_path, monkeypatch, capsys):
    src = write_xlsx(tmp_path / "eps.xlsx", ["a"], [["b"]])
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Outcomes: smrt\n", encoding="utf-8")
    code, err = run(
        monkeypatch,
        capsys,
        ["score", str(EPS), str(src), "-o", str(tmp_path / "o.json"), "--map", str(mapping)],
    )
    assert code == 2 and "map.yaml:1" in err and "did you mean 'smart'?" in err


def test_duplicate_headers_name_both_columns(tmp_path, monkeypatch, capsys):
    heads = ["ID", "1) Identifier- NHS Number", "NHS number", "Language clear"]
    src = write_csv(tmp_path / "h.csv", heads, [[1, "9990000018", "9990000018", "Yes"]])
    code, err = run(monkeypatch, capsys, ["score", str(HEALTH), str(src), "-o", str(tmp_path / "o.json")])
    assert code == 2
    assert "columns B '1) Identifier- NHS Number' and C 'NHS number' both match field 'nhs_number'" in err


def test_wrong_output_suffix(tmp_path, monkeypatch, capsys):
    src = write_csv(tmp_path / "h.csv", ["a"], [["b"]])
    code, err = run(monkeypatch, capsys, ["score", str(HEALTH), str(src), "-o", str(tmp_path / "o.txt")])
    assert code == 2 and ".json, .jsonl, .csv or .xlsx" in err


def test_missing_output_folder_and_unknown_sheet(tmp_path, monkeypatch, capsys):
    src = write_csv(tmp_path / "h.csv", ["a"], [["b"]])
    code, err = run(
        monkeypatch, capsys, ["score", str(HEALTH), str(src), "-o", str(tmp_path / "no" / "o.json")]
    )
    assert code == 2 and "does not exist" in err
    book = write_xlsx(tmp_path / "b.xlsx", ["a"], [["b"]], sheet="Form1")
    code, err = run(
        monkeypatch,
        capsys,
        ["score", str(HEALTH), str(book), "--sheet", "Responses", "-o", str(tmp_path / "o.json")],
    )
    assert code == 2 and "no sheet called 'Responses'" in err and "'Form1'" in err
    assert not (tmp_path / "o.json").exists()
