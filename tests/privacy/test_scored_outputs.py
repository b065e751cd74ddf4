"""The privacy rule in every scored output (`qactl score` without --include-pii), end to end, file by file.

No child's name (whole, or any part of 3 letters or more, as a word), NHS number (however grouped) or date of birth
(however written) from the export reaches the .json, .jsonl, .csv or .xlsx written: not in comments, not in the
reason for a late milestone, not in an error record. Every name and number is invented.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qactl.cli import app
from qactl.rubric.loader import resolve
from qactl.rubric.models import Comment, Field, Item, Milestone

ROOT = Path(__file__).resolve().parents[2]
WHEN = datetime(2025, 10, 14, 11, 5)


@pytest.fixture(autouse=True)
def _key(monkeypatch, tmp_path):
    monkeypatch.setenv("QACTL_KEY", "test-key-not-secret")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def export(path: Path, rubric_id: str, rows: list[dict[str, object]]) -> Path:
    """A Forms-shaped CSV of ``rubric_id``: each row's values by field, item or comment id; answers default to the top one."""
    rubric = resolve(rubric_id).rubric
    cols = rubric.columns()
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ID", "Start time", "Completion time", "Email", "Name", *[c.text for c in cols]])
        for n, values in enumerate(rows, start=1):
            out: list[object] = [
                n,
                WHEN.strftime("%d/%m/%Y %H:%M"),
                WHEN.strftime("%d/%m/%Y %H:%M"),
                "auditor@example.org",
                f"Auditor {n}",
            ]
            for c in cols:
                v = values.get(c.id)
                if v is None and isinstance(c, Item):
                    v = rubric.scales[c.scale].choices[0].label
                out.append("" if v is None else v)
            w.writerow(out)
    return path


def score(src: Path, rubric_id: str, out: Path, *extra: str) -> int:
    r = CliRunner().invoke(
        app,
        ["score", rubric_id, str(src), "-o", str(out), "--audit-date", "2025-11-01", *extra],
        catch_exceptions=False,
    )
    assert r.exit_code in (0, 1), r.output
    return r.exit_code


def text_of(path: Path) -> str:
    """Everything a person or program could read in an output file."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    return path.read_text(encoding="utf-8-sig")


def plain(text: str) -> str:
    return (
        "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        .casefold()
        .replace("’", "'")
    )


def words_of(name: str) -> list[str]:
    """The whole name and every part of it of 3 letters or more, folded (as the issue's leak test reads them)."""
    parts = [p for p in re.split(r"[\s\-’']+", plain(name)) if len(p) >= 3]
    return [plain(name), *parts]


def leaks(text: str, names: list[str], digits: list[str], dobs: list[date]) -> list[str]:
    found = []
    folded = plain(text)
    for name in names:
        for w in words_of(name):
            if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", folded):
                found.append(w)
    only_digits = re.sub(r"(?<=\d)[ .\-](?=\d)", "", text)
    found += [d for d in digits if d in only_digits]
    for d in dobs:
        for written in (
            d.isoformat(),
            d.strftime("%d/%m/%Y"),
            f"{d.day}.{d.month}.{d.year % 100:02d}",
            f"{d.day} {d:%B %Y}",
        ):
            if written in text:
                found.append(written)
    return found


CHILDREN = [
    # name, date of birth, how comments write them
    (
        "Mary-Jane Zoë O’Neill",
        date(2015, 4, 3),
        "Mary Jane engaged; Zoe O'Neill's mum says MaryJane is happy. Born 3 April 2015.",
    ),
    (
        "Tobiah Quillworth-Testby",
        date(2012, 11, 30),
        "TOBIAH’s voice is clear; quillworth testby family; dob 30.11.12",
    ),
    ("Renée Amberfield", date(2010, 1, 9), "Renee (2010-01-09) and Amberfield’s school; 09/01/2010 on file"),
]


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv", ".xlsx"])
def test_comments_in_scored_outputs_name_no_child(tmp_path, suffix):
    rows = [
        {
            "child_name": name,
            "dob": dob.strftime("%d/%m/%Y"),
            "strengths_found": said,
            "development": f"About {name.split()[0]}.",
            "actions": "Share with the team.",
        }
        for name, dob, said in CHILDREN
    ]
    out = tmp_path / f"scored{suffix}"
    score(export(tmp_path / "eps.csv", "eps-advice", rows), "eps-advice", out)
    text = text_of(out)
    assert leaks(text, [c[0] for c in CHILDREN], [], [c[1] for c in CHILDREN]) == []
    assert "[name] engaged; [name]'s mum says [name] is happy. Born [date of birth]." in text
    assert "Share with the team." in text  # what names no one is kept word for word


def test_include_pii_keeps_them_word_for_word(tmp_path):
    rows = [{"child_name": CHILDREN[0][0], "dob": "03/04/2015", "strengths_found": CHILDREN[0][2]}]
    out = tmp_path / "scored.json"
    score(export(tmp_path / "eps.csv", "eps-advice", rows), "eps-advice", out, "--include-pii")
    a = json.loads(out.read_text(encoding="utf-8"))["audits"][0]
    assert a["fields"]["child_name"] == CHILDREN[0][0] and a["comments"]["strengths_found"] == CHILDREN[0][2]


def test_nhs_numbers_however_grouped_without_a_name_field(tmp_path):
    """health-advice has no child's name: nothing to redact by name, but NHS numbers go in every grouping."""
    # 999 000 0018 (valid: 90+81+72+2 = 245, 245 mod 11 = 3, check 8); 999 000 0026 (90+81+72+4 = 247, mod 11 = 5,
    # check 6); 999 000 0034 (90+81+72+6 = 249, mod 11 = 7, check 4)
    said = "Seen with 999.000.0026 and 9990 000 034; own number 999-000-0018."
    rows = [{"nhs_number": "999 000 0018", "comments": said}]
    out = tmp_path / "health.json"
    score(export(tmp_path / "health.csv", "health-advice", rows), "health-advice", out)
    a = json.loads(out.read_text(encoding="utf-8"))["audits"][0]
    assert a["comments"]["comments"] == "Seen with [NHS number] and [NHS number]; own number [NHS number]."
    assert leaks(out.read_text(encoding="utf-8"), [], ["9990000018", "9990000026", "9990000034"], []) == []


def test_a_mistyped_nhs_number_is_masked_in_the_error_record(tmp_path):
    # 999 000 0019: the check digit should be 8 (see above), so the cell is an error; its digits must not be kept
    rows = [{"nhs_number": "999 000 0019", "comments": "Advice for 9990000019 was late."}]
    out = tmp_path / "health.json"
    assert score(export(tmp_path / "health.csv", "health-advice", rows), "health-advice", out) == 1
    a = json.loads(out.read_text(encoding="utf-8"))["audits"][0]
    e = a["errors"][0]
    assert e["cell"] == "health.csv!F2" and e["column"] == "NHS Number" and e["code"] == "nhs_check_digit"
    assert e["value"] == "### ### ####" and "check digit" in e["message"]
    assert a["comments"]["comments"] == "Advice for [NHS number] was late."
    for suffix in (".json", ".csv", ".xlsx", ".jsonl"):
        o = tmp_path / f"h{suffix}"
        score(tmp_path / "health.csv", "health-advice", o)
        assert "0019" not in re.sub(r"(?<=\d)[ .\-](?=\d)", "", text_of(o)), suffix


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("31/02/2015", "##/##/####"),  # not a real date
        (
            "13/25/2015",
            "##/##/####",
        ),  # the parser suggests the day-first order, rebuilding the date: masked too
        ("3 Febuary 2015", "# Febuary ####"),  # a month's name is not personal, and its typo is what to fix
    ],
)
def test_a_mistyped_date_of_birth_is_masked_in_the_error_record(tmp_path, written, value):
    rows = [{"child_name": "Tobiah Testby", "dob": written, "development": f"DOB given as {written}."}]
    out = tmp_path / "eps.json"
    assert score(export(tmp_path / "eps.csv", "eps-advice", rows), "eps-advice", out) == 1
    a = json.loads(out.read_text(encoding="utf-8"))["audits"][0]
    e = next(e for e in a["errors"] if e["item"] == "dob")
    assert e["cell"] == "eps.csv!G2" and e["column"] == "Date of birth" and e["value"] == value
    digits = re.findall(r"\d+", written)
    assert not any(re.search(rf"(?<!\d){d}(?!\d)", e["message"]) for d in digits), e["message"]
    assert (
        a["comments"]["development"] == "DOB given as [name]."
    )  # as written, since it did not read as a date
    text = out.read_text(encoding="utf-8")
    assert written not in text


def test_a_wrong_answer_naming_the_child_is_redacted_in_the_error_record(tmp_path):
    rows = [{"child_name": "Tobiah Testby", "dob": "30/11/2012", "formulation": "Fully for Tobiah"}]
    out = tmp_path / "eps.json"
    score(export(tmp_path / "eps.csv", "eps-advice", rows), "eps-advice", out)
    e = json.loads(out.read_text(encoding="utf-8"))["audits"][0]["errors"][0]
    assert e["value"] == "Fully for [name]" and e["item"] == "formulation"


def test_the_reason_for_a_late_milestone_is_redacted(tmp_path):
    rows = [
        {
            "child_name": "Tobiah Testby",
            "dob": "30/11/2012",
            "reason": "Tobiah was in hospital; NHS 999 000 0018",
        }
    ]
    out = tmp_path / "ar.json"
    score(export(tmp_path / "ar.csv", "annual-review", rows), "annual-review", out)
    a = json.loads(out.read_text(encoding="utf-8"))["audits"][0]
    assert a["fields"]["reason"] == "[name] was in hospital; NHS [NHS number]"


def test_a_comment_marked_pii_leaves_no_output(tmp_path):
    """family-feedback's contact comment holds a parent's name and number: kept only with --include-pii."""
    rubric = resolve("family-feedback").rubric
    rows = [{"contact": "Call Testparent Jones on 07700 900123", "went_well": "The coordinator listened."}]
    for f in rubric.fields:
        if f.required:
            rows[0].setdefault(f.id, f.choices[0] if f.choices else "P-0001")
    src = export(tmp_path / "ff.csv", "family-feedback", rows)
    out = tmp_path / "ff.json"
    score(src, "family-feedback", out)
    text = out.read_text(encoding="utf-8")
    assert "Testparent" not in text and "07700" not in text and "The coordinator listened." in text
    score(src, "family-feedback", tmp_path / "ff-pii.json", "--include-pii")
    assert "Call Testparent Jones" in (tmp_path / "ff-pii.json").read_text(encoding="utf-8")


def _example_children() -> list[dict]:
    spec = importlib.util.spec_from_file_location("make_exports", ROOT / "examples" / "make_exports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.children(7)  # the invented children of every example round


def test_the_example_round_scores_without_a_child_in_any_output(tmp_path):
    """Every example export, scored to every format: no child's name (in the rubrics that hold one), NHS number, UPN
    or date of birth from the example generators in any of them."""
    kids = _example_children()
    names = [k["name"] for k in kids]
    digits = ["".join(k["nhs"].split()) for k in kids] + [k["upn"] for k in kids]
    dobs = [k["dob"] for k in kids]
    exports = sorted((ROOT / "examples" / "exports").glob("*.*")) + sorted(
        (ROOT / "examples" / "exports" / "previous").glob("*.*")
    )
    checked = 0
    for src in exports:
        rubric = resolve(src.stem).rubric
        has_name = any(f.role == "child_name" for f in rubric.fields)
        for suffix in (".json", ".csv"):
            out = tmp_path / f"{src.parent.name}-{src.stem}{suffix}"
            score(src, src.stem, out)
            found = leaks(text_of(out), names if has_name else [], digits, dobs)
            assert found == [], (src.name, suffix, found)
            checked += 1
    assert checked == 2 * len(exports) >= 24


def test_fields_of_every_kind_are_listed():
    """The test exports above cover every kind of column the scorer reads."""
    kinds = {type(c) for c in resolve("annual-review").rubric.columns()}
    assert {Field, Item, Comment, Milestone} <= kinds
