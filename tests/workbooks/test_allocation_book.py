"""The allocation as the QA officer and each auditor open it: the Workload first, a sheet per auditor to hand over,
a register exported with personal columns accepted and none of them copied anywhere."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from book_checks import fits_to_width, junk, repeated_rows, text_of
from example_round import DEMO_ALLOCATE

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def demo(tmp_path, qactl):
    out, merge = tmp_path / "allocation.xlsx", tmp_path / "mail-merge.csv"
    code, _, err = qactl("allocate", *DEMO_ALLOCATE, "-o", out, "--mail-merge", merge)
    assert code == 0, err
    return out, merge, err


def test_the_first_sheet_says_who_has_what_and_who_has_places_left(demo):
    out, _, err = demo
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    assert ws.title == "Workload"
    assert ws["A1"].value == "Allocation for the 2025 Autumn round"
    # the demo: 46 eligible plans, 6 moderated, 52 audits for 58 places (Helen Marsh has capacity 1, everyone else 2)
    assert ws["A2"].value.startswith(
        "52 audits of 46 plans (6 moderated by a second auditor) shared among 29 auditors. "
        "Due by Wednesday 29 October 2025."
    )
    assert ws["A3"].value.startswith("Places left: 5 (")
    head = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Auditor")
    assert head == (
        "Auditor",
        "Service",
        "Organisation",
        "Plans to audit",
        "Moderation",
        "Total",
        "Places",
        "Places left",
        "Email",
        "Their sheet",
    )
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[1] and r[0] not in ("Auditor", "Total")}
    assert len(rows) == 29
    helen = rows["Helen Marsh"]
    assert helen[6] == 1 and helen[5] + helen[7] == 1 and helen[8] == "helen.marsh@wexcombe.example"
    total = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Total")
    assert total[3:7] == (46, 6, 52, 57)
    link = next(c for c in ws["J"] if c.hyperlink)
    assert link.value == "Open their sheet" and link.hyperlink.location.startswith("'")
    assert "seed 20251001" in err


def test_each_auditor_has_a_sheet_to_hand_over(demo):
    wb = openpyxl.load_workbook(demo[0])
    doc_names = [ws.title for ws in wb.worksheets[2:-2]]
    assert len(doc_names) == 29 and doc_names[0] == "Priya Hallam"
    ws = wb["Mark Ellison"]  # the parent carer forum's representative: a plan to audit and a moderation audit
    assert ws["A1"].value == "Audits for Mark Ellison"
    facts = {r[0]: r[1] for r in ws.iter_rows(min_row=4, max_row=8, values_only=True) if r[0]}
    assert facts["Round"] == "2025 Autumn" and facts["Due by"] == datetime(2025, 10, 29)
    assert ws["B5"].number_format == "dddd d mmmm yyyy"
    assert facts["Form to use"] == "Quality of an EHC plan (sections A to K)"
    assert (
        facts["What to do"].startswith("Dear Mark, please audit the 2 plans below")
        and "Moderation has two auditors" in facts["What to do"]
    )
    head_row = next(c.row for c in ws["A"] if c.value == "Plan ID")
    plans = list(ws.iter_rows(min_row=head_row + 1, values_only=True))
    assert [p[1] for p in plans] == ["Audit", "Moderation (second audit)"]
    assert all(isinstance(p[7], datetime) for p in plans)  # issued, a date
    assert (
        fits_to_width(ws)
        and repeated_rows(ws) == f"{head_row}:{head_row}"
        and ws.page_setup.orientation == "portrait"
    )


def test_every_sheet_prints_to_width_with_its_header_and_no_cell_shows_junk(demo):
    wb = openpyxl.load_workbook(demo[0])
    for ws in wb.worksheets:
        assert fits_to_width(ws), ws.title
        assert ws.page_setup.paperSize == 9, ws.title  # A4
    assert repeated_rows(wb["Allocation"]) == "1:1" and repeated_rows(wb["Sample"]) == "1:1"
    assert junk(wb) == []
    alloc = list(wb["Allocation"].iter_rows(values_only=True))
    assert alloc[0] == (
        "Plan ID",
        "Auditor",
        "Service",
        "Role",
        "Setting",
        "Key stage",
        "Team",
        "Primary need",
        "Plan type",
        "Issued",
        "Due",
        "Email",
    )
    assert all(isinstance(r[9], datetime) and r[10] == datetime(2025, 10, 29) for r in alloc[1:])
    assert {r[3] for r in alloc[1:]} == {"Audit", "Moderation (second audit)"}
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=3, values_only=True)}
    assert (
        about["Due by"] == datetime(2025, 10, 29)
        and about["Plans issued between"] == "01/06/2025 and 30/09/2025"
    )


def test_mail_merge_greets_by_first_name_with_the_plans_form_and_due_date(demo):
    import csv

    with demo[1].open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 29
    mark = next(r for r in rows if r["Name"] == "Mark Ellison")
    assert (
        mark["First name"] == "Mark"
        and mark["Email"] == "mark@voice4parents.example"
        and mark["Number of plans"] == "2"
    )
    # each plan with its setting and key stage, the second audits marked (the register: EHCP-0100 Hollins Park School,
    # Post-16; EHCP-0101 Riverside High, KS3)
    assert (
        mark["Plans"]
        == "EHCP-0100 (Hollins Park School, Post-16); EHCP-0101 (Riverside High, KS3, moderation)"
    )
    assert (
        mark["Form"] == "Quality of an EHC plan (sections A to K)"
        and mark["Due"] == "29/10/2025"
        and mark["Round"] == "2025 Autumn"
    )


PERSONAL = {
    "Child's name": ["Zephyrina Quillfeather", "Barnaby Testwood", "Ottoline Fakesby"],
    "Date of birth": ["07/03/2014", "09/08/2012", "23/11/2016"],
    "Home address": ["1 Invented Street, Wexcombe", "22 Nowhere Lane", "3 Imaginary Close"],
    "NHS number": ["999 000 0018", "999 000 0026", "999 000 0034"],
    "Parent's phone": ["07700 900111", "07700 900222", "07700 900333"],
}


def _export(path: Path) -> Path:
    """A register as a case-management system exports it: its own headings, personal columns among the useful ones."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Export")
    heads = [
        "EHCP Reference",
        "Child's name",
        "Date of birth",
        "Date Issued",
        "Plan Type",
        "Locality",
        "Home address",
        "School Name",
        "Key Stage",
        "Primary SEN Need",
        "NHS number",
        "Case Officer",
        "Professionals Involved",
        "Parent's phone",
    ]
    ws.write_row(0, 0, heads)
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    for i in range(3):
        p = {k: v[i] for k, v in PERSONAL.items()}
        ws.write_row(i + 1, 0, [f"EHCP-9{i}", p["Child's name"]])
        d, m, y = map(int, p["Date of birth"].split("/"))
        ws.write_datetime(i + 1, 2, datetime(y, m, d), day)
        ws.write_datetime(i + 1, 3, datetime(2025, 7, 1 + i), day)
        ws.write_row(
            i + 1,
            4,
            [
                "New",
                "North",
                p["Home address"],
                "Millbrook Primary",
                "KS2",
                "ASD",
                p["NHS number"],
                "CO-N1",
                "EP-07",
                p["Parent's phone"],
            ],
        )
    wb.close()
    return path


def test_a_register_as_exported_is_accepted_and_no_personal_value_reaches_any_output(tmp_path, qactl):
    register = _export(tmp_path / "register.xlsx")
    cohort = EXAMPLES / "cohort.yaml"
    outs = {s: tmp_path / f"allocation{s}" for s in (".xlsx", ".json", ".csv")}
    merge = tmp_path / "merge.csv"
    for suffix, out in outs.items():
        extra = ["--mail-merge", merge] if suffix == ".xlsx" else []
        code, stdout, err = qactl(
            "allocate",
            "--plans",
            register,
            "--cohort",
            cohort,
            "--round",
            "2025 Autumn",
            "--sample",
            "3",
            "-o",
            out,
            *extra,
        )
        assert code == 0, err
        notice = " ".join(err.split())
        assert (
            "Ignored 5 columns of the plans register register.xlsx that qactl does not use: Child's name, Date of birth, "
            "Home address, NHS number, Parent's phone. They are not copied into any output."
        ) in notice
    assert (
        json.loads(outs[".json"].read_text())["sample"][0]["setting"] == "Millbrook Primary"
    )  # the aliases found the columns
    for path in [*outs.values(), merge]:
        text = text_of(path)
        for values in PERSONAL.values():
            for v in values:
                assert v not in text, (path.name, v)
        for first in (
            "Zephyrina",
            "Quillfeather",
            "Barnaby",
            "Ottoline",
            "Invented Street",
            "2014-03-07",
            "900111",
        ):
            assert first not in text, (path.name, first)
        # and the dates of birth as Excel serial numbers (07/03/2014 is 41705)
        assert ">41705<" not in text and ">41130<" not in text


@pytest.mark.parametrize(
    "args, words",
    [
        ((), "No round and no dates: qactl would sample plans issued at any time"),
        (
            ("--round", "Round 3"),
            "--round 'Round 3' does not name a term (Autumn, Spring or Summer) and a year",
        ),
    ],
)
def test_no_window_is_exit_2_with_the_fix_and_nothing_written(tmp_path, qactl, args, words):
    out = tmp_path / "a.xlsx"
    code, _, err = qactl(
        "allocate", "--plans", EXAMPLES / "plans.xlsx", "--cohort", EXAMPLES / "cohort.yaml", *args, "-o", out
    )
    flat = " ".join(err.split())
    assert code == 2 and words in flat
    assert 'Give the round, as --round "2025 Autumn"' in flat and "--from 01/06/2025 --to 30/09/2025" in flat
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_the_seed_is_printed_even_when_it_was_drawn_at_random(tmp_path, qactl):
    code, _, err = qactl(
        "allocate",
        "--plans",
        EXAMPLES / "plans.xlsx",
        "--cohort",
        EXAMPLES / "cohort.yaml",
        "--from",
        "01/06/2025",
        "--to",
        "30/09/2025",
        "-o",
        tmp_path / "a.json",
    )
    seed = json.loads((tmp_path / "a.json").read_text())["seed"]
    assert code == 0 and f"seed {seed};" in err
