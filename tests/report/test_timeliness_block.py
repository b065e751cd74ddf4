"""The Practice Report's timeliness: statutory limits (excused dates left out, as SEN2 counts) apart from local
targets, the health advice 6-week figure, all counted by qactl.statutory.timeliness; and scored files of format 1 still read."""

from __future__ import annotations

import json

from qactl.report import ReportRequest, write_report
from qactl.results import rubric_schema


def report(tmp_path, inputs, previous=(), fmt="md") -> str:
    target = tmp_path / f"report.{fmt}"
    write_report(ReportRequest(inputs=list(inputs), previous=list(previous), output=target))
    return target.read_text(encoding="utf-8")


def test_statutory_timeliness_apart_and_the_six_week_figure(files, tmp_path):
    md = report(tmp_path, [files["quality"], files["health"]])
    # quality: final plan (reg 13(2)) on time 6, late 2, missing 1, not yet due 1: 6 of 9 due = 66.7%
    assert "**66.7%** of the statutory time limits due were met (6 of 9); 0 excused" in md
    # health advice, 6 weeks (reg 8(1)): on time 3, late 2, excused 1: 3 of 5 = 60.0% (3 of 6 = 50.0% with it in)
    assert (
        "**60.0%** of the statutory time limits due were met (3 of 5); 1 excused by an exception the law allows for that limit"
        in md
    )
    assert "(50.0% with them counted in)" in md
    assert "| Advice returned | statutory | SEND Regs reg 8(1) | 5 | 3 | 2 | 0 | 60.0% | 1 |" in md
    # both rubrics added up: 9 of 14 on time; 5 breaches of 14 = 35.7%, the report's first key message
    assert "| Statutory limits | 14 | 9 | 4 | 1 | 1 | 64.3% | 60.0% | 35.7% |" in md
    assert "1. **35.7%** of the statutory steps due this round breached their legal limit (5 of 14;" in md
    assert (
        "| Audit rubric | Graded | Mean score | Best grade | Lowest grades | Change | Statutory on time |"
        in md
    )
    html = report(tmp_path, [files["quality"], files["health"]], fmt="html")
    assert "60.0% of statutory steps on time (3 of 5; 1 excused, 50.0% with them counted in)" in html


def test_local_targets_are_counted_apart(kit, quality, tmp_path):
    # a rubric with one statutory limit and one local target: the target's misses never touch the statutory share
    from qactl.rubric.models import Rubric

    data = quality.model_dump(by_alias=True, exclude_none=True)
    data["milestones"].append(
        {"id": "draft", "text": "Draft issued", "kind": "target", "due": {"from": "received", "weeks": 14}}
    )
    rubric = Rubric.model_validate(data)
    ms = {
        i: {
            "final_plan": {"due": "2026-01-10", "actual": "2026-01-10", "status": "on_time", "days_late": 0},
            "draft": {"due": "2025-12-10", "actual": "2025-12-20", "status": "late", "days_late": 10},
        }
        for i in range(10)
    }
    audits = kit.quality_audits(rubric, ["Good"] * 10, milestones=ms)
    path = kit.write_doc(tmp_path / "q.json", rubric, audits, "2026 Spring")
    md = report(tmp_path, [path])
    assert "**100.0%** of the statutory time limits due were met (10 of 10)" in md
    assert "Local targets, counted apart (no reason excuses a local target): **0.0%** met (0 of 10)." in md
    assert "| Draft issued | local target | – | 10 | 0 | 10 |" in md
    assert (
        "| Statutory limits | 10 | 10 | 0 | 0 | 0 | 100.0% | 100.0% | 0.0% |" in md
        and "| Local targets | 10 | 0 | 10 |" in md
    )


def test_a_format_1_file_is_read_and_its_timeliness_not_compared(files, health, tmp_path):
    doc = json.loads(files["health"].read_text(encoding="utf-8").splitlines()[0])
    lines = files["health"].read_text(encoding="utf-8").splitlines()
    # as qactl 0.1 wrote it: no format, no kinds in the schema, and "Requires improvement" grades
    head = {k: v for k, v in doc.items() if k != "format"}
    head["schema"] = {
        **rubric_schema(health),
        "milestones": [{"id": "advice", "text": "Advice returned", "limit": "reg 8: 6 weeks"}],
    }
    old = tmp_path / "health-0.1.jsonl"
    old.write_text("\n".join([json.dumps(head), *lines[1:]]) + "\n", encoding="utf-8")
    md = report(tmp_path, [old])
    assert "Scored by an earlier qactl (format 1)" in md and "not compared" in md
    assert "| Advice returned | – | reg 8: 6 weeks | 5 | 3 | 2 |" in md  # still counted per date
    assert (
        "health-0.1.jsonl was scored by qactl 0.1 (format 1)" in md and "grades are not like for like" in md
    )
    # its steps are never called statutory: shown together, and the key message says why
    assert "| Dated steps (statutory and local not told apart) | 5 | 3 |" in md
    assert "statutory limits and local targets are not told apart in these files" in md


def test_an_earlier_rounds_grades_compare_whatever_their_case(kit, quality, tmp_path):
    # qactl 0.1's rubrics wrote "Requires improvement"; the frameworks write "Requires Improvement"
    from qactl.rubric.models import Rubric

    data = quality.model_dump(by_alias=True, exclude_none=True)
    data["grading"]["bands"][2]["grade"] = "Requires Improvement"
    now = Rubric.model_validate(data)
    # (the fixture's answers that score 50, graded by the current rubric's bands: "Requires Improvement")
    cur = kit.write_doc(
        tmp_path / "now.json",
        now,
        kit.quality_audits(now, ["Good"] * 4 + ["Requires improvement"] * 6),
        "2026 Spring",
    )
    prev = kit.write_doc(
        tmp_path / "before.json",
        quality,
        kit.quality_audits(quality, ["Good"] * 7 + ["Requires improvement"] * 3),
        "2025 Autumn",
    )
    md = report(tmp_path, [cur], [prev])
    # Requires Improvement: 6 of 10 now (60.0%), 3 of 10 before (30.0%): a change of +30.0 points
    assert "Requires Improvement" in md and "30.0%" in md and "+30.0" in md
