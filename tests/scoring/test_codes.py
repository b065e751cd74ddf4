"""The finding codes: one catalogue (FindingCode), the table of docs/score.md, and the codes the scorers make."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from qactl.scoring.codes import FindingCode
from qactl.sheets.reader import ExcelError

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| `([a-z_]+)` \| (.+) \|$")


def _docs_table() -> dict[str, str]:
    text = (ROOT / "docs" / "score.md").read_text(encoding="utf-8")
    section = text.split("#### Finding codes", 1)[1].split("\n#", 1)[0]
    return {m[1]: m[2] for m in map(ROW.match, section.splitlines()) if m}


def test_the_docs_table_is_the_catalogue_row_for_row():
    table = _docs_table()
    assert list(table) == [c.value for c in FindingCode]  # same codes, same order
    assert table == {c.value: c.meaning for c in FindingCode}  # and each meaning word for word


def test_a_code_is_the_plain_string_scripts_read():
    import json

    assert json.dumps({"code": FindingCode.NHS_CHECK_DIGIT}) == '{"code": "nhs_check_digit"}'
    assert f"{FindingCode.BLANK}" == "blank" and FindingCode("bad_date") is FindingCode.BAD_DATE


def test_the_readers_codes_are_in_the_catalogue():
    assert ExcelError("#N/A").problem()[0] == FindingCode.EXCEL_ERROR
    assert ExcelError.uncalculated("SUM(A1:A2)").problem()[0] == FindingCode.UNCALCULATED_FORMULA


def test_no_scorer_spells_a_code_as_a_string():
    """A code made in qactl/scoring/ names its FindingCode member; a bare string would escape the catalogue."""
    codes = {c.value for c in FindingCode}
    found = []
    for path in sorted((ROOT / "qactl" / "scoring").glob("*.py")):
        if path.name == "codes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # where codes are made: a problem's (code, message), or an argument of Reading.problem(…)
            if isinstance(node, ast.Tuple) and node.elts:
                made = node.elts[:1]
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "problem":
                made = node.args
            else:
                continue
            found += [
                f"{path.name}:{c.lineno} {c.value!r}"
                for c in made
                if isinstance(c, ast.Constant) and c.value in codes
            ]
    assert found == []


def test_every_code_in_the_example_round_is_catalogued(tmp_path, monkeypatch):
    """The synthetic exports carry two bad cells each: every code they produce is a FindingCode."""
    from qactl.results import read_scored
    from qactl.scoring.run import score_file

    monkeypatch.setenv("QACTL_KEY", "demo-key-not-for-real-data")
    seen: set[str] = set()
    for export in sorted((ROOT / "examples" / "exports").glob("*.*")):
        out = tmp_path / f"{export.stem}.json"
        score_file(export.stem, export, out)
        doc = read_scored(out)
        seen |= {e["code"] for a in doc["audits"] for e in a["errors"]}
    assert seen and seen <= {c.value for c in FindingCode}
