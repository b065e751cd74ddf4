"""Pseudonymous refs and the pii rule: no child's name, date of birth or NHS number in any output without --include-pii."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from datetime import datetime

import pytest
from scoring_helpers import EPS, eps_headers, forms_prefix, write_xlsx
from typer.testing import CliRunner

from qactl.cli import app
from qactl.privacy import Redactor, load_key, make_ref
from qactl.rubric.loader import load_rubric

RUBRIC = load_rubric(EPS)
WHEN = datetime(2025, 10, 14, 11, 5)
NAMES = ["Zephyrina Quillfeather", "Barnaby Testwood"]


def make(tmp_path):
    rows = [
        [
            *forms_prefix(1, WHEN),
            NAMES[0],
            "07/03/2011",
            "EP Testname",
            "Auditor Testperson",
            *["Fully"] * 19,
            "Zephyrina engaged well; zephyrina QUILLFEATHER's views heard",
            "Ask Zephyrina",
            "None",
        ],
        [
            *forms_prefix(2, WHEN, auditor="Respondent Person"),
            NAMES[1],
            datetime(2012, 8, 9),
            "EP Testname",
            "Auditor Testperson",
            *["Partially"] * 19,
            "Barnaby Testwood: good",
            "",
            "",
        ],
    ]
    heads = [*eps_headers(RUBRIC), "Child's home address"]
    rows[0].append("1 Invented Street")
    rows[1].append("2 Invented Street")
    return write_xlsx(tmp_path / "eps.xlsx", heads, rows)


def _all_text(path):
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv", ".xlsx"])
def test_no_pii_in_any_output(tmp_path, suffix):
    out = tmp_path / f"o{suffix}"
    r = CliRunner().invoke(
        app, ["score", str(EPS), str(make(tmp_path)), "-o", str(out)], catch_exceptions=False
    )
    assert r.exit_code == 0, r.output
    text = _all_text(out).casefold()
    for secret in (
        "zephyrina",
        "quillfeather",
        "barnaby",
        "testwood",
        "2011-03-07",
        "07/03/2011",
        "2012-08-09",
        "invented street",
    ):
        assert secret not in text, secret
    assert "[name] engaged well; [name]'s views heard" in _all_text(out)
    assert "respondent person" in text  # the Forms respondent (the auditor) is kept, as the respondent


def test_include_pii_keeps_them(tmp_path):
    out = tmp_path / "o.json"
    CliRunner().invoke(
        app, ["score", str(EPS), str(make(tmp_path)), "-o", str(out), "--include-pii"], catch_exceptions=False
    )
    a = json.loads(out.read_text())["audits"][0]
    assert a["fields"]["child_name"] == NAMES[0] and a["fields"]["dob"] == "2011-03-07"
    assert a["fields"]["Child's home address"] == "1 Invented Street"
    assert a["fields"]["respondent"] == "Auditor Testperson"
    assert a["comments"]["strengths"].startswith("Zephyrina engaged well")


def test_ref_stable_across_runs_and_changes_with_the_key(tmp_path, monkeypatch):
    src = make(tmp_path)
    refs = []
    for key in ("k1", "k1", "k2"):
        monkeypatch.setenv("QACTL_KEY", key)
        out = tmp_path / f"{key}.json"
        CliRunner().invoke(app, ["score", str(EPS), str(src), "-o", str(out)], catch_exceptions=False)
        refs.append([a["ref"] for a in json.loads(out.read_text())["audits"]])
    assert refs[0] == refs[1] and len(refs[0][0]) == 12 and refs[0][0] != refs[0][1]
    assert refs[2][0] != refs[0][0]


def test_ref_normalises_case_spacing_and_dates():
    from datetime import date

    assert make_ref(b"k", ["  zephyrina   QUILLFEATHER", date(2011, 3, 7)]) == make_ref(
        b"k", ["Zephyrina Quillfeather", date(2011, 3, 7)]
    )
    assert make_ref(b"k", [None, None]) is None


def test_key_file_created_once_with_a_notice(tmp_path, monkeypatch):
    monkeypatch.delenv("QACTL_KEY")
    notices = []
    k1 = load_key(notices.append)
    k2 = load_key(notices.append)
    path = tmp_path / "config" / "qactl" / "key"
    assert k1 == k2 and len(notices) == 1 and str(path) in notices[0] and "back it up" in notices[0]
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_redactor_word_boundaries():
    r = Redactor(["Ann Lee"], [("9434765919", "[NHS number]")])
    assert r("Ann Lee met Annabel; NHS 943 476 5919") == "[name] met Annabel; NHS [NHS number]"
