"""The EPS advice form, exported by Microsoft Forms, scored to the decimal (docs/score.md)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from scoring_helpers import EPS, eps_headers, forms_prefix, write_xlsx
from typer.testing import CliRunner

from qactl.cli import app
from qactl.results import read_scored
from qactl.rubric.loader import load_rubric

RUBRIC = load_rubric(EPS)
POINTS = {"fully": 2, "partially": 1, "partly": 1, "not included": 0, "not": 0}
WHEN = datetime(2025, 10, 14, 11, 5, 0)


def expected(answers: list[str], pfa_applies: bool) -> float:
    ids = [i.id for i in RUBRIC.items]
    num = den = 0
    for iid, a in zip(ids, answers, strict=True):
        if iid == "pfa_outcomes" and not pfa_applies:
            continue
        num += POINTS[a.strip().casefold()]
        den += 2
    return float((Decimal(100 * num) / Decimal(den)).quantize(Decimal("0.1"), ROUND_HALF_UP))


ROWS = [
    # name, dob, answers (19 items, mixed case and spaces)
    (
        "Testchild Alpha",
        datetime(2009, 5, 1),
        ["Fully"] * 13 + ["partially"] + ["FULLY "] * 5,
    ),  # 16: PfA applies
    (
        "Testchild Beta",
        datetime(2011, 11, 20),
        ["Fully", "partly", "Not included"] + ["fully"] * 10 + ["Not included"] + ["Partially"] * 5,
    ),  # 13: no PfA
    (
        "Testchild Gamma",
        "03/04/2012",
        ["Partially"] * 10 + ["Not included"] + ["Fully"] * 8,
    ),  # text date, 3 April 2012
    ("Testchild Delta", datetime(2011, 10, 14), ["Fully"] * 19),  # 14 exactly on the completion date
    (
        "Testchild Epsilon",
        datetime(2011, 10, 15),
        ["Fully"] * 13 + ["Not included"] + ["Fully"] * 5,
    ),  # 14 tomorrow
]


def _row(n, name, dob, answers, comment="Clear advice."):
    return [
        *forms_prefix(n, WHEN),
        name,
        dob,
        "EP Testname",
        "Auditor Testperson",
        *answers,
        comment,
        "More on outcomes",
        "None",
    ]


def make(tmp_path, rows=ROWS):
    return write_xlsx(
        tmp_path / "eps.xlsx", eps_headers(RUBRIC), [_row(n, *r) for n, r in enumerate(rows, start=1)]
    )


def run(args):
    return CliRunner().invoke(app, args, catch_exceptions=False)


def test_every_row_scored_to_the_decimal(tmp_path):
    src = make(tmp_path)
    out = tmp_path / "eps.json"
    r = run(["score", str(EPS), str(src), "--round", "2025 Autumn", "-o", str(out)])
    assert r.exit_code == 0, r.output
    doc = read_scored(out)
    audits = doc["audits"]
    assert [a["status"] for a in audits] == ["scored"] * 5
    pfa = [True, False, False, True, False]
    assert [a["score"] for a in audits] == [expected(row[2], p) for row, p in zip(ROWS, pfa, strict=True)]
    assert audits[0]["score"] == 97.4  # 37/38
    # a child of 13 is not marked down on PfA whatever the auditor answered: the answer is kept, applies false
    assert audits[1]["answers"]["pfa_outcomes"] == {
        "answer": "Not included",
        "points": None,
        "max": 2,
        "applies": False,
    }
    # Epsilon turns 14 the day after the completion date
    assert audits[4]["answers"]["pfa_outcomes"]["applies"] is False and audits[4]["score"] == 100.0
    assert audits[3]["answers"]["pfa_outcomes"]["applies"] is True
    # a limit: smart Not included caps at Requires improvement even at 78.9
    assert audits[2]["answers"]["smart"]["answer"] == "Not included"
    assert audits[2]["grade"] == "Requires improvement"
    assert doc["round"] == "2025 Autumn" and doc["schema"]["items"][0]["id"] == "formulation"
    assert doc["summary"]["scored"] == 5 and doc["summary"]["with_errors"] == 0


def test_day_first_text_date(tmp_path):
    src = make(tmp_path)
    out = tmp_path / "eps.json"
    run(["score", str(EPS), str(src), "-o", str(out), "--include-pii"])
    doc = json.loads(out.read_text())
    assert doc["audits"][2]["fields"]["dob"] == "2012-04-03"


def test_bad_cells_exit_1_keep_every_row_and_name_each_cell(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0] = (rows[0][0], rows[0][1], ["Fuly"] + rows[0][2][1:])  # unknown answer, column F? see headers
    rows[1] = (rows[1][0], rows[1][1], rows[1][2][:4] + [None] + rows[1][2][5:])  # blank required answer
    rows[2] = (rows[2][0], "31/02/2012", rows[2][2])  # impossible date
    src = make(tmp_path, rows)
    out = tmp_path / "eps.json"
    r = run(["score", str(EPS), str(src), "-o", str(out)])
    assert r.exit_code == 1
    doc = read_scored(out)
    assert len(doc["audits"]) == 5
    errs = {a["row"]: a["errors"] for a in doc["audits"]}
    # Forms columns A–E, fields F–I, items from J
    assert errs[2] == [
        {
            "cell": "Sheet1!J2",
            "column": RUBRIC.items[0].text,
            "item": "formulation",
            "value": "Fuly",
            "code": "unknown_answer",
            "message": "expected Fully, Partially or Not included; did you mean 'Fully'?",
        }
    ]
    assert (
        errs[3][0]["cell"] == "Sheet1!N3"
        and errs[3][0]["code"] == "blank"
        and errs[3][0]["item"] == "strengths_identified"
    )
    assert (
        errs[4][0]["cell"] == "Sheet1!G4"
        and errs[4][0]["item"] == "dob"
        and "not a real date" in errs[4][0]["message"]
    )
    assert [a["status"] for a in doc["audits"]] == ["error", "error", "error", "scored", "scored"]
    assert doc["audits"][0]["score"] is None and doc["audits"][0]["grade"] is None


def test_partially_suggested(tmp_path):
    from qactl.scoring.cells import item_parser

    parse = item_parser(RUBRIC.items[0], RUBRIC.scales["inclusion"])
    ans, prob = parse("Partialy")
    assert ans is None and prob[1] == "expected Fully, Partially or Not included; did you mean 'Partially'?"
    assert parse("  partially INCLUDED ")[0].label == "Partially"


def test_audit_date_option_overrides_completion_time(tmp_path):
    src = make(tmp_path)
    out = tmp_path / "eps.json"
    run(["score", str(EPS), str(src), "-o", str(out), "--audit-date", "20/11/2025"])
    a = read_scored(out)["audits"][4]
    assert a["audit_date"] == "2025-11-20" and a["answers"]["pfa_outcomes"]["applies"] is True


def test_duplicate_submission_and_blank_rows(tmp_path):
    rows = [_row(1, *ROWS[0]), [None] * 30, _row(2, *ROWS[0])]
    rows[2][0] = 3  # Forms gives a resubmission its own ID and times
    rows[2][1] = rows[2][2] = datetime(2025, 10, 15, 9, 0)
    src = write_xlsx(tmp_path / "dup.xlsx", eps_headers(RUBRIC), rows)
    out = tmp_path / "dup.json"
    r = run(["score", str(EPS), str(src), "-o", str(out)])
    assert r.exit_code == 0
    doc = read_scored(out)
    assert [(a["row"], a["status"]) for a in doc["audits"]] == [(2, "scored"), (4, "duplicate")]
    assert doc["audits"][1]["duplicate_of"] == 2 and doc["audits"][1]["score"] is None
    assert (
        doc["summary"]["scored"] == 1
        and doc["summary"]["duplicates"] == 1
        and doc["summary"]["blank_rows"] == 1
    )


def test_pfa_from_date_field_age():
    from qactl.dates import age_on

    assert age_on(date(2011, 10, 14), WHEN.date()) == 14
