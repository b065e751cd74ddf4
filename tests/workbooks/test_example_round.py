"""Every workbook of the example round, opened as its user opens it: the first sheet answers their first
question, and no cell shows an internal id, None, a Python repr or a document they do not have.

The round is the one `make demo` runs, in a temporary folder: the allocation, a blank form of every rubric, every
export scored beside last round, the chase list three weeks in, and the report's improvement plan.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from book_checks import junk
from example_round import DEMO_ALLOCATE

from qactl.rubric.loader import discover

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AUDITS = [
    "eps-advice",
    "health-advice",
    "ehcna-file",
    "annual-review",
    "ehcp-quality",
    "sen-information-report",
    "ap-quality",
]
SURVEYS = ["family-feedback", "practice-conversation"]


def _export(rid: str, folder: Path) -> Path:
    return next(p for p in (folder / f"{rid}.xlsx", folder / f"{rid}.csv") if p.exists())


@pytest.fixture(scope="module")
def round_(tmp_path_factory):
    from inprocess import qactl as run

    out = tmp_path_factory.mktemp("round")
    env = {"QACTL_KEY": "demo-key-not-for-real-data", "XDG_CONFIG_HOME": str(out / "config")}

    def qactl(*args, ok=(0,), **extra):
        r = run(*args, env={**env, **extra})
        assert r.returncode in ok, r.stderr
        return r

    qactl(
        "allocate",
        *DEMO_ALLOCATE,
        "-o",
        out / "allocation.xlsx",
        "--mail-merge",
        out / "mail-merge.csv",
    )
    qactl(
        "allocate",
        *DEMO_ALLOCATE,
        "-o",
        out / "allocation.json",
    )
    for rid in AUDITS:
        qactl(
            "score",
            rid,
            _export(rid, EXAMPLES / "exports" / "previous"),
            "--round",
            "2025 Summer",
            "-o",
            out / f"{rid}-summer.json",
            "-q",
            ok=(0, 1),
        )
        qactl(
            "score",
            rid,
            _export(rid, EXAMPLES / "exports"),
            "--round",
            "2025 Autumn",
            "-o",
            out / f"{rid}.json",
            "-q",
            ok=(0, 1),
        )
        qactl(
            "score",
            rid,
            _export(rid, EXAMPLES / "exports"),
            "--round",
            "2025 Autumn",
            "-o",
            out / f"{rid}.xlsx",
            "--previous",
            out / f"{rid}-summer.json",
            "-q",
            ok=(0, 1),
        )
    for rid in SURVEYS:
        qactl(
            "score",
            rid,
            EXAMPLES / f"{rid}.xlsx",
            "--round",
            "2025 Autumn",
            "-o",
            out / f"{rid}.xlsx",
            "-q",
            ok=(0, 1),
        )
        qactl(
            "score",
            rid,
            EXAMPLES / f"{rid}.xlsx",
            "--round",
            "2025 Autumn",
            "-o",
            out / f"{rid}.json",
            "-q",
            ok=(0, 1),
        )
    for rid in discover():
        qactl("form", rid, "-o", out / f"form-{rid}.xlsx")
    qactl(
        "chase",
        out / "ehcp-quality.json",
        "--allocation",
        out / "allocation.json",
        "--cohort",
        EXAMPLES / "cohort.yaml",
        "-o",
        out / "chase.xlsx",
        "--mail-merge",
        out / "reminders.csv",
        SOURCE_DATE_EPOCH="1761091200",
    )
    scored = [out / f"{rid}.json" for rid in [*AUDITS, *SURVEYS]]
    qactl(
        "report",
        *scored,
        "--previous",
        *[out / f"{rid}-summer.json" for rid in AUDITS],
        "--allocation",
        out / "allocation.json",
        "--evidence",
        EXAMPLES / "evidence.yaml",
        "--actions",
        EXAMPLES / "actions-previous.xlsx",
        "--write-actions",
        out / "actions.xlsx",
        "-o",
        out / "report.html",
    )
    return out


IDS = {t.id for f in discover().values() for t in f.rubric.columns()}


def _first(path: Path):
    wb = openpyxl.load_workbook(path)
    return wb, wb.worksheets[0]


def test_the_allocation_opens_on_who_has_what(round_):
    wb, ws = _first(round_ / "allocation.xlsx")
    assert ws.title == "Workload" and ws["A1"].value == "Allocation for the 2025 Autumn round"
    assert any(c.value == "Places left" for c in ws[next(c.row for c in ws["A"] if c.value == "Auditor")])
    assert junk(wb, IDS) == []


@pytest.mark.parametrize("rid", AUDITS)
def test_each_scored_audit_opens_on_how_the_round_went(round_, rid):
    wb, ws = _first(round_ / f"{rid}.xlsx")
    title = next(f for k, f in discover().items() if k == rid).rubric.title
    assert ws.title == "Summary" and ws["A1"].value == f"{title}: 2025 Autumn"
    firsts = [c.value for c in ws["A"]]
    assert "Grades" in firsts and "Errors to fix" in firsts
    assert junk(wb, IDS) == []


@pytest.mark.parametrize("rid", SURVEYS)
def test_each_survey_opens_on_how_people_answered(round_, rid):
    wb, ws = _first(round_ / f"{rid}.xlsx")
    firsts = [c.value for c in ws["A"]]
    assert ws.title == "Summary" and "How people answered" in firsts and "Grades" not in firsts
    assert junk(wb, IDS) == []


def test_the_chase_list_opens_on_who_owes_audits(round_):
    wb, ws = _first(round_ / "chase.xlsx")
    assert ws.title == "Chase" and ws["A2"].value.startswith(
        "31 of 52 audits returned; 21 outstanding from 21 auditors."
    )
    assert junk(wb, IDS) == []


@pytest.mark.parametrize("rid", sorted(discover()))
def test_each_blank_form_opens_on_the_questions_to_answer(round_, rid):
    wb, ws = _first(round_ / f"form-{rid}.xlsx")
    r = discover()[rid].rubric
    assert ws.title == "Audits"  # score reads the first sheet
    assert [c.value.removesuffix(" *") for c in ws[1]] == [t.text for t in r.columns()]
    prompts = [dv.promptTitle for dv in ws.data_validations.dataValidation]
    assert prompts and not set(prompts) & IDS
    assert junk(wb, IDS) == []


def test_the_improvement_plan_names_its_findings_in_words(round_):
    wb, ws = _first(round_ / "actions.xlsx")
    assert ws.title == "Actions"
    head = [c.value for c in ws[1]]
    findings = [r[head.index("Finding")] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]
    assert findings and all(f and ":" in f and not f.startswith(tuple(discover())) for f in findings)
    assert junk(wb, IDS, hidden=False) == []  # the hidden finding key is for qactl, not shown
