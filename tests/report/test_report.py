"""`qactl report`: what the Practice Report says, what it never shows, and how it refuses bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qactl.report import ReportRequest, write_report
from qactl.report.aggregate import Options
from qactl.report.context import Loaded, build_context
from qactl.report.themes import load_themes, matcher
from qactl.results import AuditStream, open_document


def context(paths, previous=(), *, min_cell=5, allocation=(), moderation=()):
    def loaded(ps):
        return [Loaded(open_document(p), p.name) for p in ps]  # as the CLI reads them: streamed when it can

    return build_context(
        loaded(paths),
        loaded(previous),
        loaded(allocation),
        loaded(moderation),
        load_themes(),
        Options(min_cell=min_cell),
        title="T",
        round_label=None,
        fmt="html",
        generated="today",
        version="0",
    )


def run(*args: str | Path):
    from inprocess import qactl

    return qactl("report", *args)


@pytest.fixture
def reports(files, tmp_path) -> dict[str, str]:
    out = {}
    for fmt in ("html", "md"):
        target = tmp_path / f"report.{fmt}"
        write_report(
            ReportRequest(
                inputs=[files["quality"], files["health"]], previous=[files["previous"]], output=target
            )
        )
        out[fmt] = target.read_text(encoding="utf-8")
    return out


def test_html_has_charts_captioned_tables_grade_counts_and_weakest_criteria(reports):
    html = reports["html"]
    assert html.count('class="chart"') >= 4  # overview, two grade charts (one a trend), timeliness
    for svg in re.findall(r'<svg[^>]*class="chart".*?</svg>', html, flags=re.S):
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    for svg in re.findall(r"<svg(?![^>]*class=\"chart\")[^>]*>", html):
        assert (
            'aria-hidden="true"' in svg
        )  # the small bars and swatches: decorative, their numbers are in the table
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert tables and all("<caption" in t for t in tables)
    assert html.count("<h1") == 1 and 'lang="en-GB"' in html
    levels = [int(h) for h in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and all(
        b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)
    )  # headings in order
    assert re.findall(r"<th(?=[\s>])(?![^>]*scope=)[^>]*>", html) == []  # every header cell has a scope
    # grade counts of the quality rubric: Outstanding 2, Good 4, RI 3, Inadequate 1; 20%, 40%, 30%, 10% (Autumn: 10, 20, 40, 30)
    assert re.search(
        r'<th scope="row">Good</th><td class="n">4</td><td class="n">40.0%</td><td class="n">20.0%</td><td class="n">\+20.0</td>',
        html,
    )
    assert re.search(
        r'<th scope="row">Inadequate</th><td class="n">1</td><td class="n">10.0%</td><td class="n">30.0%</td><td class="n">−20.0</td>',
        html,
    )
    weakest = re.search(
        r'<table id="rubric-plan-quality-[0-9a-f]{6}-weakest">.*?</table>', html, flags=re.S
    ).group(0)
    assert "Outcomes are SMART" in weakest and "2 of 10" in weakest and "20.0%" in weakest


def test_key_messages_come_first_then_contents_and_each_section_opens_with_its_finding(reports):
    html = reports["html"]
    assert html.index('id="key-messages"') < html.index('class="contents"') < html.index('id="summary"')
    assert '<a class="skip" href="#key-messages">' in html
    messages = re.findall(
        r'<li class="(?:worse|better|same|none)"><p><strong class="figure">(.*?)</strong>(.*?)</li>',
        html,
        flags=re.S,
    )
    assert 3 <= len(messages) <= 5
    # nothing got worse in the quality rubric (lowest grades 7 of 10 → 4 of 10), so the message is the rubric with most
    # audits in its lowest grades: health advice, RI 2 + Inadequate 2 of 6
    grades = next(m for m in messages if "of the graded audits of" in m[1])
    assert (
        grades[0] == "66.7%"
        and "Health advice (test rubric) were Requires improvement or Inadequate (4 of 6)" in grades[1]
    )
    assert (
        "4 of 10 graded audits (40.0%) were Requires improvement or Inadequate, down from 70.0% in 2025 Autumn (−30.0 points)"
        in html
    )
    for section in re.findall(
        r'<section (?:class="rubric" )?id="[^"]+" aria-labelledby="[^"]+">\s*<h[23][^>]*>.*?</h[23]>\s*(<p[^>]*>)',
        html,
    ):
        assert section == '<p class="finding">'
    anchors = set(re.findall(r'id="([^"]+)"', html))
    for target in re.findall(r'href="#([^"]+)"', html):
        assert target in anchors, target  # every link of the contents, the messages and the glossary lands


def test_html_is_self_contained(reports):
    html = reports["html"]
    assert "<script" not in html
    assert not re.search(r"https?:", html.replace('xmlns="http://www.w3.org/2000/svg"', ""))
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!#|data:)""", html)
    assert "//" not in re.sub(r'xmlns="http://www.w3.org/2000/svg"', "", html).replace("<!--", "")
    assert "@import" not in html and "url(" not in html.replace("url(#chart-", "")


def test_no_comment_reaches_the_report_only_its_themes(reports, kit):
    for text in reports.values():
        assert "alert" not in text and "<script" not in text
        for secret in (
            kit.CHILD,
            "Amelia",
            "Hartley",
            kit.NHS,
            "943 476 5919",
            "2014-05-06",
            "likes art",
            "frequency of speech",
        ):
            assert secret not in text
    # the comments are counted: provision was raised as a concern (vague, add the frequency ×2), SMART outcomes both ways
    assert "| Specific, quantified provision | 3 | 3 | 0 |" in reports["md"]


def test_trend_shows_the_change_in_each_grade_share(files, reports):
    ctx = context([files["quality"]], [files["previous"]])
    q = ctx.rubrics[0]
    assert [(g.grade, g.share, g.previous_share, g.change) for g in q.grades] == [
        ("Outstanding", 20.0, 10.0, 10.0),
        ("Good", 40.0, 20.0, 20.0),
        ("Requires improvement", 30.0, 40.0, -10.0),
        ("Inadequate", 10.0, 30.0, -20.0),
    ]
    assert q.trend.previous_round == "2025 Autumn"
    assert q.trend.mean_score_change == round(q.mean_score - q.trend.previous_mean_score, 1)
    # means: (100 + 2 × 87.5 + 4 × 50 + 3 × 12.5) / 10 = 51.25 and (2 × 100 + 4 × 87.5 + 3 × 50 + 12.5) / 10 = 71.25
    assert "| 2025 Autumn | 10 | 51.2 | 10.0% | 20.0% | 40.0% | 30.0% |" in reports["md"]
    assert "| 2026 Spring (this round) | 10 | 71.2 | 20.0% | 40.0% | 30.0% | 10.0% |" in reports["md"]


def test_small_counts_are_suppressed_in_breakdowns(files):
    ctx = context([files["quality"]])
    by = {b.role: {r.value: r for r in b.rows} for b in ctx.rubrics[0].breakdowns}
    assert by["team"]["North"].audits == "7" and by["team"]["North"].grades == ["<5", "<5", "<5", "0"]
    south = by["team"]["South"]
    assert (
        south.audits == "<5" and south.suppressed and south.mean_score is None and set(south.grades) == {"–"}
    )
    assert by["key_stage"]["KS4"].audits == "5"
    ctx3 = context([files["quality"]], min_cell=3)
    assert {
        r.value: r.audits for r in next(b for b in ctx3.rubrics[0].breakdowns if b.role == "team").rows
    } == {"North": "7", "South": "3"}


def test_a_breakdown_that_says_nothing_is_left_out(files, tmp_path, quality, kit):
    # every team under the minimum cell size: no table of "<5 / –"; a key stage with the same groups as the team: shown once
    audits = kit.quality_audits(
        quality,
        ["Good"] * 6,
        teams=["North", "South", "East", "West", "North", "South"],
        stages=["KS2"] * 3 + ["KS4"] * 3,
    )
    doc = kit.write_doc(tmp_path / "q.json", quality, audits, "2026 Spring")
    roles = [b.role for b in context([doc]).rubrics[0].breakdowns]
    assert "team" not in roles and "key_stage" not in roles  # all suppressed at min cell 5
    same = kit.quality_audits(
        quality, ["Good"] * 10, teams=["North"] * 5 + ["South"] * 5, stages=["North"] * 5 + ["South"] * 5
    )
    doc = kit.write_doc(tmp_path / "q2.json", quality, same, "2026 Spring")
    assert [b.role for b in context([doc]).rubrics[0].breakdowns] == ["team", "service"]


def test_themes_are_counted_once_per_audit_and_by_direction(files):
    ctx = context([files["quality"], files["health"]])
    q = {t.id: t for t in ctx.rubrics[0].themes}
    assert (
        q["smart_outcomes"].audits == 3
    )  # "SMART outcomes", "measurable", "Outcomes are smartly" (outcome*), not "smartly"
    # "SMART outcomes throughout" in a Strengths box (no direction word: the box's), "Outcomes need to be measurable" (need),
    # "Outcomes are smartly written" in a Strengths box
    assert (q["smart_outcomes"].concerns, q["smart_outcomes"].strengths) == (1, 2)
    assert (q["provision_specificity"].audits, q["provision_specificity"].concerns) == (
        3,
        3,
    )  # vague; "Add the frequency" in an Actions box
    assert (
        q["health_needs"].audits == 3
        and q["voice_of_child"].audits == 1
        and q["family_engagement"].strengths == 1
    )
    assert "jargon" not in q and "timeliness" not in q  # themes no comment mentions are left out
    assert {t.id: t.audits for t in ctx.themes}["health_needs"] == 5  # three in quality, two in health


def test_theme_matching_is_on_whole_words_and_escaped():
    m = matcher(load_themes())
    assert m.themes_in("the LATE decision") == {"timeliness"}
    assert m.themes_in("translated, plated, chocolate") == set()
    assert m.themes_in("Parents’ views; the child’s   voice") == {"family_engagement", "voice_of_child"}
    assert m.themes_in("a (.*) b [x] SMART+") == {"smart_outcomes"}


def test_timeliness_counts_exceptions_apart(files):
    ctx = context([files["quality"], files["health"]])
    fp = ctx.rubrics[0].timeliness.milestones[0]
    assert (
        fp.counted,
        fp.on_time,
        fp.late,
        fp.missing,
        fp.not_due,
        fp.on_time_share,
        fp.median_days_late,
    ) == (9, 6, 2, 1, 1, 66.7, 7.0)
    adv = ctx.rubrics[1].timeliness.milestones[0]
    assert (adv.counted, adv.exceptions, adv.on_time_share, adv.median_days_late) == (5, 1, 60.0, 15.0)
    # the two rubrics' statutory limits added up: 6 + 3 on time of 9 + 5 due, the exception out of the share
    st = ctx.timeliness.statutory
    assert (st.due, st.on_time, st.exceptions, st.on_time_share, st.share_with_exceptions) == (
        14,
        9,
        1,
        64.3,
        60.0,
    )


def test_review_counts_and_actions_from_structured_findings_only(files):
    ctx = context([files["quality"]])
    q = ctx.rubrics[0]
    assert q.review.grades == ["Requires improvement", "Inadequate"] and q.review.total == 4
    assert (
        q.review.unrecorded == 4 and q.review.by_service == []
    )  # no contributors recorded: said so, not guessed
    assert [u.audits for u in ctx.services.unrecorded] == [4]
    # the weakest criteria (two of four) under 70% become actions, once each; no comment text is ever an action.
    # smart: Fully only in the 2 Outstanding audits (Good has Partially); needs: 6 of 10 (O and G)
    assert [(a.kind, a.finding, a.baseline) for a in q.actions] == [
        ("criterion", "plan_quality:smart", 20.0),
        ("criterion", "plan_quality:needs", 60.0),
    ]
    assert q.actions[0].detail == "Fully met in 2 of 10 audits (20.0%)."
    texts = " ".join(a.text + a.detail for a in ctx.actions)
    assert "frequency" not in texts and "speech" not in texts
    assert len({a.finding for a in ctx.actions}) == len(ctx.actions)


def test_moderation_and_allocation_are_read_defensively(files, tmp_path, kit):
    mod = kit.write_json(
        tmp_path / "mod.json",
        {
            "kind": "qactl.moderation",
            "format": 1,
            "rubric": {"id": "plan_quality"},
            "pairs": 4,
            "overall": {"percent_agreement": 75.0, "kappa": 0.512},
            "items": [{"id": "smart", "text": "Outcomes are SMART", "percent_agreement": 50}, {"id": "x"}],
        },
    )
    bare = kit.write_json(tmp_path / "bare.json", {"kind": "qactl.moderation"})
    alloc = kit.write_json(
        tmp_path / "alloc.json",
        {
            "kind": "qactl.allocation",
            "round": "2026 Spring",
            "seed": 1,
            "assignments": [{"plan_id": f"P{i}", "auditor_id": "A", "role": "primary"} for i in range(12)]
            + [{"plan_id": "P1", "auditor_id": "B", "role": "moderation"}],
        },
    )
    ctx = context([files["quality"]], allocation=[alloc], moderation=[mod, bare])
    m = ctx.rubrics[0].moderation[0]
    assert (m.pairs, m.percent_agreement, m.kappa, m.weighted_kappa, m.items[0].percent_agreement) == (
        4,
        75.0,
        0.51,
        None,
        50.0,
    )
    assert ctx.moderation[0].pairs is None  # the bare file: shown at the top, all "no data"
    c = ctx.completion[
        0
    ]  # 13 audits allocated (12 plans, one twice); the 10 scored audits are of allocated plans
    assert (c.allocated, c.primary, c.moderation, c.returned, c.share, c.rubric_id) == (
        13,
        12,
        1,
        10,
        76.9,
        "plan_quality",
    )
    assert ctx.rubrics[0].completion == c
    out = tmp_path / "r.html"
    write_report(
        ReportRequest(inputs=[files["quality"]], output=out, allocation=[alloc], moderation=[mod, bare])
    )
    assert "Moderation agreement" in out.read_text()


def test_wrong_kind_or_version_exits_2_and_writes_nothing(files, tmp_path, kit):
    alloc = kit.write_json(tmp_path / "alloc.json", {"kind": "qactl.allocation", "assignments": []})
    other = kit.write_json(tmp_path / "other.json", {"kind": "something.else"})
    future = kit.write_json(tmp_path / "future.json", {"kind": "qactl.scored", "format": 99})
    out = tmp_path / "r.html"
    for args, words in [
        ([files["quality"], "--previous", alloc], "qactl.allocation file, but --previous"),
        ([other], "not a qactl output file"),
        ([future], "format 99"),
        ([files["quality"], "--moderation", files["health"]], "--moderation takes qactl.moderation"),
        ([files["quality"], "--themes", tmp_path / "nothemes.yaml"], "no such file"),
    ]:
        r = run(*args, "-o", out)
        assert r.returncode == 2, r.stderr
        assert words in " ".join(r.stderr.split()) and "Traceback" not in r.stderr
    assert not out.exists()
    assert run(files["quality"], "-o", tmp_path / "r.pdf").returncode == 2


def test_cli_writes_html_and_markdown(files, tmp_path):
    for suffix in (".html", ".md"):
        out = tmp_path / f"r{suffix}"
        r = run(
            files["quality"],
            files["health"],
            "--previous",
            files["previous"],
            "-o",
            out,
            "--title",
            "Wolverhampton Practice Report",
        )
        assert r.returncode == 0, r.stderr
        assert "Wolverhampton Practice Report" in out.read_text() and "Wrote" in r.stderr


def test_inputs_of_other_rounds_count_as_earlier_rounds(files, tmp_path):
    out = tmp_path / "r.md"
    write_report(ReportRequest(inputs=[files["quality"], files["previous"]], output=out, round="2026 Spring"))
    assert "| 2026 Spring (this round) | 10 | 71.2 | 20.0% | 40.0% | 30.0% | 10.0% |" in out.read_text()
    # without --round: the round with the latest audit dates is this round (as when a shell glob after
    # --previous puts all but the first file among the inputs)
    older = (
        files["previous"]
        .read_text(encoding="utf-8")
        .replace('"audit_date":"2026-03-20"', '"audit_date":"2025-11-02"')
    )
    files["previous"].write_text(older, encoding="utf-8")
    write_report(ReportRequest(inputs=[files["previous"], files["quality"]], output=out))
    text = out.read_text()
    assert (
        text.startswith("# SEND Practice Report: 2026 Spring\n")
        and "| 2025 Autumn | 10 | 51.2 | 10.0% | 20.0% | 40.0% | 30.0% |" in text
    )


def test_theme_file_errors_are_located(files, tmp_path):
    bad = tmp_path / "themes.yaml"
    bad.write_text("themes:\n  - id: voice\n    label: Voice\n    patern: [child]\n", encoding="utf-8")
    r = run(files["quality"], "--themes", bad, "-o", tmp_path / "r.html")
    assert r.returncode == 2 and f"{bad}:4:5" in r.stderr and "patterns" in r.stderr


def test_own_template_and_its_errors(files, tmp_path):
    mine = tmp_path / "mine.html.j2"
    mine.write_text(
        "<h1>{{ report.title }}</h1>{% for r in report.rubrics %}<p>{{ r.title }}: {{ r.scored }}</p>{% endfor %}\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    write_report(ReportRequest(inputs=[files["quality"]], output=out, template=str(mine), title="<b>T</b>"))
    assert (
        out.read_text().strip()
        == "<h1>&lt;b&gt;T&lt;/b&gt;</h1><p>Quality of EHC plans (test rubric): 10</p>"
    )
    mine.write_text("line one\n{{ report.no_such_value }}\n", encoding="utf-8")
    r = run(files["quality"], "--template", mine, "-o", tmp_path / "r2.html")
    assert r.returncode == 2 and "mine.html.j2:2" in r.stderr and "no_such_value" in r.stderr
    assert run(files["quality"], "--template", "practice-report", "-o", tmp_path / "r3.md").returncode == 0
    assert run(files["quality"], "--template", mine, "-o", tmp_path / "r4.md").returncode == 2


def test_every_context_field_is_documented_and_nothing_else():
    """docs/report-template.md and the model agree both ways: every model has its section, every field its row, and
    no row or section documents a field or model that is not there (so the page cannot go stale)."""
    from pydantic import BaseModel

    from qactl.report import model

    doc = (Path(__file__).parents[2] / "docs" / "report-template.md").read_text(encoding="utf-8")
    models = {
        n: c
        for n, c in vars(model).items()
        if isinstance(c, type)
        and issubclass(c, BaseModel)
        and c.__module__ == model.__name__
        and not n.startswith("_")
    }
    documented = re.findall(r"^## (\w+)$", doc, flags=re.M)
    assert set(models) <= set(documented), set(models) - set(documented)
    assert set(documented) - set(models) <= {"Filters"}, set(documented) - set(models)
    for name, cls in models.items():
        section = doc.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        rows = re.findall(r"^\| `(\w+)` \|", section, flags=re.M)
        assert sorted(rows) == sorted(cls.model_fields), (
            f"{name}: documented {sorted(set(rows) ^ set(cls.model_fields))} differ"
        )


def test_a_real_moderation_file_is_shown_under_its_rubric(quality, tmp_path, kit):
    """The moderation file as `qactl moderate` writes it (the contract in results.py), end to end."""
    from qactl.moderation import moderate_files, write

    def doc(name, who, grades):
        audits = kit.quality_audits(quality, grades, fields={i: {"auditor": who} for i in range(len(grades))})
        return kit.write_doc(tmp_path / name, quality, audits, "2026 Spring")

    a = doc(
        "a.json", "Auditor A", ["Good", "Good", "Outstanding", "Inadequate", "Good", "Requires improvement"]
    )
    b = doc(
        "b.json",
        "Auditor B",
        ["Good", "Outstanding", "Outstanding", "Inadequate", "Requires improvement", "Requires improvement"],
    )
    mod = tmp_path / "moderation.json"
    write(moderate_files([a, b]), mod, inputs=[a, b])
    m = context([a], moderation=[mod]).rubrics[0].moderation[0]
    assert (
        m.pairs == 6 and m.grade_agreement == 66.7 and m.percent_agreement is not None and m.kappa is not None
    )
    out = tmp_path / "r.html"
    write_report(ReportRequest(inputs=[a], output=out, moderation=[mod]))
    assert "Moderation agreement: 2026 Spring" in out.read_text() and "66.7%" in out.read_text()


def test_damaged_or_other_layout_files(files, tmp_path):
    import json

    lines = files["quality"].read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.startswith("  {")) + 3
    damaged = tmp_path / "damaged.json"
    damaged.write_text(
        "".join(lines[: n - 1]) + lines[n - 1][:40] + "\n" + "".join(lines[n:]), encoding="utf-8"
    )
    r = run(damaged, "-o", tmp_path / "r.html")
    assert r.returncode == 2 and f"damaged at line {n}" in r.stderr and not (tmp_path / "r.html").exists()
    pretty = tmp_path / "pretty.json"  # the same document laid out by another tool: read whole, same figures
    pretty.write_text(
        json.dumps(json.loads(files["quality"].read_text(encoding="utf-8")), indent=4), encoding="utf-8"
    )
    assert isinstance(open_document(files["quality"])["audits"], AuditStream) and isinstance(
        open_document(pretty)["audits"], list
    )
    a, b = (context([p]).rubrics[0] for p in (files["quality"], pretty))
    assert [g.count for g in a.grades] == [g.count for g in b.grades] == [
        2,
        4,
        3,
        1,
    ] and a.rows == b.rows == 11


def _statutory_doc(kit, quality, path: Path, round_: str, date: str, statuses: list[tuple[str, str]]) -> Path:
    """A format-2 scored file: the quality rubric's final plan (statutory, reg 13(2)) and a local 16-week target."""
    import json

    audits = kit.quality_audits(quality, ["Good"] * len(statuses))
    for a, (final, local) in zip(audits, statuses, strict=True):
        a["audit_date"] = date
        a["milestones"] = {
            "final_plan": {
                "due": "2026-01-10",
                "actual": None,
                "status": final,
                "days_late": 9 if final == "late" else None,
            },
            "draft": {
                "due": "2025-12-01",
                "actual": None,
                "status": local,
                "days_late": 3 if local == "late" else None,
            },
        }
    kit.write_doc(path, quality, audits, round_)
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(' "audits": [', 1)
    doc = json.loads(head.rstrip().rstrip(",") + "}")
    doc["format"] = (
        2  # as qactl 0.2 writes it, in its own layout (header, one audit a line), so it is streamed
    )
    doc["schema"]["milestones"] = [
        {
            "id": "final_plan",
            "text": "Final plan issued",
            "kind": "statutory",
            "citation": "SEND Regulations 2014 reg 13(2)",
            "limit": "20 weeks",
        },
        {
            "id": "draft",
            "text": "Draft plan",
            "kind": "target",
            "citation": None,
            "limit": "Local target: 16 weeks",
        },
    ]
    path.write_text(json.dumps(doc, indent=1)[:-2] + ',\n "audits": [' + rest, encoding="utf-8")
    return path


def test_statutory_timeliness_comes_from_qactl_timeliness_with_local_targets_apart(tmp_path, quality, kit):
    # this round, final plan: 6 on time, 2 late, 1 missing, 1 excused (reg 10(4)); 3 of the 9 due breached: 33.3%
    # the local target: 5 on time, 5 late (never excused, never in the statutory rate)
    now = [("on_time", "on_time")] * 5 + [
        ("on_time", "late"),
        ("late", "late"),
        ("late", "late"),
        ("missing", "late"),
        ("exception", "late"),
    ]
    before = [("on_time", "on_time")] * 9 + [("late", "on_time")]  # 1 of 10: 10.0%
    cur = _statutory_doc(kit, quality, tmp_path / "now.json", "2026 Spring", "2026-03-10", now)
    old = _statutory_doc(kit, quality, tmp_path / "old.json", "2025 Autumn", "2025-11-10", before)
    ctx = context([cur], [old])
    t = ctx.timeliness
    assert (
        t.statutory.due,
        t.statutory.on_time,
        t.statutory.breaches,
        t.statutory.exceptions,
        t.statutory.breach_share,
    ) == (9, 6, 3, 1, 33.3)
    assert t.statutory.share_with_exceptions == 60.0  # SEN2's other figure: 6 of 10
    assert (t.target.due, t.target.on_time, t.target.on_time_share) == (10, 5, 50.0)
    assert t.previous_breach_share == 10.0 and t.previous_round == "2025 Autumn"
    msg = next(k for k in ctx.key_messages if k.id == "statutory")
    assert msg.figure == "33.3%" and "(3 of 9; exceptions the law allows excluded" in msg.finding
    assert msg.change == "up from 10.0% in 2025 Autumn (+23.3 points)" and msg.direction == "worse"
    assert ctx.overview[0].statutory_on_time_share == 66.7
    kinds = {r.id: r.kind for r in ctx.rubrics[0].timeliness.milestones}
    assert kinds == {"final_plan": "statutory", "draft": "target"}


def test_a_file_given_twice_is_counted_once(files, tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(files["quality"])
    out = tmp_path / "r.md"
    # the quality file three times (twice by name, once through a link), the previous round twice
    write_report(
        ReportRequest(
            inputs=[files["quality"], files["quality"], link],
            previous=[files["previous"], files["previous"]],
            output=out,
        )
    )
    text = out.read_text(encoding="utf-8")
    assert "| Quality of EHC plans (test rubric) | 11 | 0 | 1 | 10 | 10 | 0 |" in text  # 11 returned, not 33
    assert "| 2025 Autumn | 10 | 51.2 |" in text  # 10 graded in the earlier round, not 20
