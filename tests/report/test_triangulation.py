"""`qactl report --evidence / --actions / --write-actions`: the triangulation and improvement-plan sections, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from qactl.report import ReportRequest, write_report

EVIDENCE = """\
services:
  - {name: SEND casework, aliases: [SENSTART]}
  - Health
complaints:
  - {service: SENSTART, theme: voice_of_child, count: 6, period: 2026 Spring}
  - {service: Health, theme: voice_of_child, count: 2, period: 2026 Spring}
compliments:
  - {service: Health, theme: voice_of_child, count: 1, period: 2026 Spring}
surveys:
  - {source: PCF, date: 14/03/2026, question: My child's views are in their plan, theme: voice_of_child, agree_percent: 30, respondents: 100}
kpis:
  - {id: views_recorded, label: Plans with the child's views recorded, value: 40, target: 80, theme: voice_of_child}
"""


def run(*args: str | Path):
    from inprocess import qactl

    return qactl("report", *args, env={"SOURCE_DATE_EPOCH": "1773964800"})  # 20 March 2026


@pytest.fixture
def family():
    from qactl.rubric.loader import resolve

    return resolve("family-feedback").rubric


@pytest.fixture
def round1(quality, family, tmp_path, kit) -> dict[str, Path]:
    """Voice of the child: audits 4 of 10 fully met (40%), families 1 of 4 agreeing (25%)."""
    audits = kit.quality_audits(quality, ["Inadequate"] * 6 + ["Good"] * 4)  # voice: Partially ×6, Fully ×4
    fam = [
        kit.make_audit(family, i + 2, {"views_in_plan": a}, fields={"plan_ref": f"P{i}"})
        for i, a in enumerate(["Disagree", "Strongly disagree", "Disagree", "Agree"])
    ]
    ev = tmp_path / "evidence.yaml"
    ev.write_text(EVIDENCE, encoding="utf-8")
    return {
        "quality": kit.write_doc(tmp_path / "quality.json", quality, audits, "2026 Spring"),
        "family": kit.write_doc(tmp_path / "family-feedback.json", family, fam, "2026 Spring"),
        "evidence": ev,
    }


def test_the_aggregation_counts_themes_as_the_library_does(round1):
    from qactl.report.aggregate import RubricTally, theme_results
    from qactl.results import read_any
    from qactl.triangulation.verdicts import theme_results as library

    docs = [read_any(round1["quality"]), read_any(round1["family"])]
    tallies = []
    for d in docs:
        t = RubricTally(d["schema"], d["rubric"])
        t.add_file(d, "x")
        tallies.append(t)
    assert theme_results(tallies) == library(docs)
    assert theme_results(tallies)["audit"]["voice_of_child"]["percent_met"] == 40.0


def test_the_triangulation_table_puts_every_source_beside_the_audits(round1, tmp_path):
    out = tmp_path / "r.html"
    r = run(round1["quality"], round1["family"], "--evidence", round1["evidence"], "-o", out)
    assert r.returncode == 0, r.stderr
    from qactl.report.aggregate import Options
    from qactl.report.context import Loaded, build_context  # the same figures, from the context
    from qactl.report.themes import load_themes
    from qactl.report.triangulation import Triangulating
    from qactl.results import open_document
    from qactl.triangulation.evidence import load_evidence

    themes = load_themes()
    ctx = build_context(
        [Loaded(open_document(p), p.name) for p in (round1["quality"], round1["family"])],
        [],
        [],
        [],
        themes,
        Options(),
        title="T",
        round_label=None,
        fmt="html",
        generated="today",
        version="0",
        triangulating=Triangulating(
            evidence=load_evidence(round1["evidence"], {t.id for t in themes.themes}),
            evidence_name="evidence.yaml",
        ),
    )
    voice = next(t for t in ctx.triangulation.themes if t.theme == "voice_of_child")
    assert voice.verdict == "agree: concern"
    assert (voice.audit.percent_met, voice.audit.audits, voice.family.percent_met, voice.family.audits) == (
        40.0,
        10,
        25.0,
        4,
    )
    assert (voice.counts.complaints, voice.counts.compliments) == ("8", "<5")
    assert [(s.service, s.complaints, s.compliments) for s in voice.counts.by_service] == [
        ("SEND casework", "6", "0"),
        ("Health", "<5", "<5"),
    ]
    assert voice.kpis[0].words == "40% against a target of 80%: missed, by 40 points"
    assert (
        "complaints (8, against <5 compliments)" in voice.explanation
    )  # the explanation keeps the suppression too
    html = out.read_text(encoding="utf-8")
    table = html.split('id="triangulation-table"', 1)[1].split("</table>", 1)[0]
    row = next(r for r in table.split("<tr>") if "Voice of the child" in r)
    for text in ("40.0%", "25.0%", "8 and &lt;5", "The sources agree: a concern"):
        assert text in row, text
    assert (
        "4 of 10 answers, 10 audits" in row
    )  # the numbers behind the figure: answers fully met of answers given, and the base
    assert (
        '<caption id="triangulation-table-c">Each theme across the sources, with the verdict</caption>'
        in html
    )
    md = tmp_path / "r.md"
    assert (
        run(round1["quality"], round1["family"], "--evidence", round1["evidence"], "-o", md).returncode == 0
    )
    line = next(
        x for x in md.read_text(encoding="utf-8").splitlines() if x.startswith("| Voice of the child |")
    )
    # families: 4 responses are under the minimum base of 10, so they give no verdict
    assert "40.0% (4 of 10 answers), concern" in line and "25.0% (1 of 4 answers), too few to say" in line
    assert "8 and &lt;5" in line and "**The sources agree: a concern**" in line


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            EVIDENCE.replace(
                "service: Health, theme: voice_of_child, count: 2",
                "service: Helth, theme: voice_of_child, count: 2",
            ),
            "evidence.yaml:6:",
        ),
        (EVIDENCE.replace("count: 6", "count: about six"), "evidence.yaml:5:"),
        (EVIDENCE.replace(" target: 80,", ""), "evidence.yaml:12:"),
    ],
)
def test_bad_evidence_exits_2_naming_the_line_and_writes_nothing(round1, tmp_path, text, where):
    bad = tmp_path / "evidence.yaml"
    bad.write_text(text, encoding="utf-8")
    out, plan = tmp_path / "r.html", tmp_path / "plan.xlsx"
    r = run(round1["quality"], "--evidence", bad, "--write-actions", plan, "-o", out)
    assert r.returncode == 2 and where in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert not out.exists() and not plan.exists()


def test_a_bad_evidence_workbook_names_the_cell(round1, tmp_path):
    import xlsxwriter

    book = tmp_path / "evidence.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    for name, rows in {
        "Services": [["Service", "Aliases"], ["SEND casework", "SENSTART"]],
        "Complaints": [
            ["Service", "Theme", "Count", "Period"],
            ["SEND casework", "voice_of_child", 6, "2026 Spring"],
            ["SEND casework", "timeliness", "about ten", "2026 Spring"],
        ],
    }.items():
        ws = wb.add_worksheet(name)
        for i, row in enumerate(rows):
            ws.write_row(i, 0, row)
    wb.close()
    out = tmp_path / "r.html"
    r = run(round1["quality"], "--evidence", book, "-o", out)
    assert r.returncode == 2 and "Complaints!C3" in r.stderr and "about ten" in r.stderr, r.stderr
    assert not out.exists()


def test_an_improvement_plan_written_by_one_round_shows_progress_in_the_next(round1, quality, tmp_path, kit):
    plan1 = tmp_path / "actions-round1.xlsx"
    r = run(
        round1["quality"],
        round1["family"],
        "--evidence",
        round1["evidence"],
        "--write-actions",
        plan1,
        "-o",
        tmp_path / "r1.html",
    )
    assert r.returncode == 0 and plan1.exists(), r.stderr
    from qactl.triangulation.actions import action_id, read_actions

    written = {a.source: a for a in read_actions(plan1)}
    assert written["theme:voice_of_child"].baseline == 40.0 and written[
        "theme:voice_of_child"
    ].id == action_id("theme:voice_of_child")
    assert written["theme:voice_of_child"].status == "Not started"

    # round 2: voice fully met in 8 of 10 audits
    later = tmp_path / "later"
    later.mkdir()
    q2 = kit.write_doc(
        later / "quality.json",
        quality,
        kit.quality_audits(quality, ["Inadequate"] * 2 + ["Good"] * 8),
        "2026 Summer",
    )
    out = tmp_path / "r2.html"
    plan2 = tmp_path / "actions-round2.xlsx"
    r = run(q2, "--actions", plan1, "--write-actions", plan2, "-o", out)
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    table = html.split('id="plan-progress"', 1)[1].split("</table>", 1)[0]
    row = next(x for x in table.split("<tr>") if "Voice of the child (theme)" in x)
    assert (
        "40.0% → 80.0%" in row
        and "+40.0" in row
        and "<strong>improved</strong>" in row
        and "Not started" in row
    )
    carried = {a.id: a for a in read_actions(plan2)}
    assert set(written.values()) <= set(carried.values())  # the round-1 plan carried forward as it stood


def test_the_actions_input_is_never_overwritten(round1, tmp_path):
    plan = tmp_path / "actions.xlsx"
    assert (
        run(
            round1["quality"],
            "--evidence",
            round1["evidence"],
            "--write-actions",
            plan,
            "-o",
            tmp_path / "r1.html",
        ).returncode
        == 0
    )
    before = plan.read_bytes()
    out = tmp_path / "r2.html"
    r = run(round1["quality"], "--actions", plan, "--write-actions", plan, "-o", out)
    assert r.returncode == 2 and "Refusing to write" in r.stderr and "--actions input" in r.stderr
    assert plan.read_bytes() == before and not out.exists()


def test_a_bad_status_in_the_plan_names_its_cell(round1, tmp_path):
    from openpyxl import load_workbook

    plan = tmp_path / "actions.xlsx"
    assert (
        run(
            round1["quality"],
            "--evidence",
            round1["evidence"],
            "--write-actions",
            plan,
            "-o",
            tmp_path / "r1.html",
        ).returncode
        == 0
    )
    wb = load_workbook(plan)
    wb["Actions"]["E2"] = "In progres"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    out = tmp_path / "r2.html"
    r = run(round1["quality"], "--actions", edited, "-o", out)
    assert (
        r.returncode == 2 and "Actions!E2" in r.stderr and "In progress" in r.stderr and not out.exists()
    ), r.stderr


def test_without_triangulation_options_the_report_is_as_before(round1, tmp_path):
    out = tmp_path / "r.html"
    write_report(ReportRequest(inputs=[round1["quality"]], output=out))
    html = out.read_text(encoding="utf-8")
    assert 'id="triangulation"' not in html and "plan-progress" not in html
