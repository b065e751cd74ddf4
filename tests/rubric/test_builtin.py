"""The seven built-in rubrics: they load, hold the seeds' wording word for word, and are listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from qactl.rubric.loader import builtin_dir, discover, load_rubric
from qactl.rubric.models import FieldType, Rubric, norm_header

BUILTIN_IDS = [
    "annual-review",
    "ap-quality",
    "ehcna-file",
    "ehcp-quality",
    "eps-advice",
    "family-feedback",
    "health-advice",
    "practice-conversation",
    "sen-information-report",
]
THEMES = {
    "voice_of_child", "smart_outcomes", "jargon", "provision_specificity", "preparing_for_adulthood",
    "health_needs", "social_care", "timeliness", "multi_agency", "family_engagement",
}  # fmt: skip
FORMS_COLUMNS = ["Id", "Start time", "Completion time", "Email", "Name", "Last modified time"]

# Appendix E, EPS QA, questions 5-23, as the Microsoft Form (and so its Excel export) words them.
EPS_QUESTIONS = [
    "A brief formulation is included outlining the interacting factors that are considered to make sense of the child/young person's presenting needs.",
    "Views and aspirations of child/young person are included",
    "Views of parents and carers are included",
    "Context of assessment has been included, including all relevant background information",
    "The child/young person's strengths have been identified",
    "The child/young person's special educational needs have been summarised and their primary need has been identified",
    "A clear and concise summary of the child/young person's cognition and learning needs is provided and evidenced through appropriately selected assessment approaches. This provides a clear summary of where the child/young person is in relation to age related expectations.",
    "A clear and concise summary of the child/young person's social, emotional, mental health needs is provided and evidenced through appropriately selected assessment approaches",
    "A clear and concise summary of the child/young person's communication and language needs is provided and evidenced through appropriately selected assessment approaches",
    "A clear and concise summary of the child/young person's physical/sensory needs is provided and evidenced through appropriately selected assessment approaches",
    "Outcomes are SMART",
    "Outcomes reflect the child/young person's special educational needs",
    "Outcomes reflect the child/young person's aspirations",
    "For children 14yrs+ the outcomes relate to preparing for adulthood",
    "Provision recommendations are specific and directly matched to outcomes",
    "Provision recommendations are evidence based",
    "Provision recommendations are informed by the child/young person's strengths and what they and their parents/carers know is helpful/works well",
    "Advice is provided within professional boundaries and limits of professional expertise",
    "Language used is clear, concise and free from jargon",
]

# The health advice tool's items 4-17: (short name = the column header, the question = its guidance).
HEALTH_ITEMS = [
    ("Demographics complete", "Is every box on the demographics completed, name, DOB, NHS, Address)"),
    ("Language clear", "Is the language used clear and easy to understand to lay person."),
    ("Jargon Free", "Is it free from medical jargon, is any jargon explained in lay terms."),
    ("Explained diagnosis", "If medical diagnosis is written, is it then explained in lay terms."),
    ("Explained Impact", "is there a short description of the impact of this diagnosis."),
    ("Strengths and Abilities clear", "Is there clear strengths and abilities explained."),
    (
        "Health priorities",
        "Are the health priorities clear to any lay person picking up the advice and reading for the first time.",
    ),
    (
        "Health needs to access education",
        "Are they clearly detailed so a lay person would know what this CYP needs to access education.",
    ),
    (
        "Non-SEN health needs",
        "Are general health needs not related to SEN detailed. For example, asthma, eczema, allergies.",
    ),
    (
        "Advice within expertise",
        "Is the advice giver only commenting on advice within their field of expertise.",
    ),
    (
        "Each need has separate outcome",
        "for every need detailed a separate outcome and provision is detailed.",
    ),
    ("SMART", "do these outcomes feel specific, measurable, achievable, realistic and timebound."),
    (
        "Provision is clear",
        "Is it obvious for the provision who will deliver, what will be delivered, where will this be delivered and by when, are these elements all described.",
    ),
    ("Is the health advice clear", "as a staff member from a different team does this make sense to you?"),
]


@pytest.fixture(scope="module")
def rubrics() -> dict[str, Rubric]:
    return {p.stem: load_rubric(p) for p in sorted(builtin_dir().glob("*.yaml"))}


def test_every_builtin_is_named_by_its_id(rubrics):
    assert sorted(rubrics) == BUILTIN_IDS
    for stem, r in rubrics.items():
        assert r.id == stem
        assert r.version and r.source and r.title


def test_eps_advice_questions_are_the_forms_words(rubrics):
    r = rubrics["eps-advice"]
    assert [i.text for i in r.items] == EPS_QUESTIONS
    assert [f.text for f in r.fields] == [
        "Name of child",
        "Date of birth",
        "EP completing the advice",
        "Person completing audit",
    ]
    assert [c.text for c in r.comments] == [
        "Strengths identified",
        "Areas for development identified",
        "Actions required",
    ]
    assert [c.label for c in r.scales["inclusion"].choices] == ["Fully", "Partially", "Not included"]
    pfa = next(i for i in r.items if i.text.startswith("For children 14yrs+"))
    assert pfa.applies_if is not None and pfa.applies_if.field == "dob" and pfa.applies_if.age_at_least == 14
    assert r.field("dob").type == FieldType.date
    assert r.pii_fields == ["child_name", "dob"]
    assert r.identify == ["child_name", "dob"]
    assert [lim.max_grade for lim in r.grading.limits] == ["Requires Improvement"]


def test_health_advice_short_names_are_headers_and_questions_guidance(rubrics):
    r = rubrics["health-advice"]
    assert [(i.text, i.guidance) for i in r.items] == HEALTH_ITEMS
    nhs = r.fields[0]
    assert (nhs.text, nhs.type, nhs.pii, nhs.role) == ("NHS Number", FieldType.nhs_number, True, "nhs_number")
    assert [f.text for f in r.fields][:3] == ["NHS Number", "Team", "6-week KPI"]
    assert r.field("kpi_6_weeks").choices == ["Yes", "No"]
    # item 3, the 6-week KPI, is a dated statutory milestone: 6 weeks from the service's receipt of the LA's request
    # (reg 8(1)), excused only by reg 8(2)(a)-(c); the Yes/No answer is read when the dates are not given
    (m,) = r.milestones
    assert (m.kind, m.citation, m.rules[0].from_, m.rules[0].weeks) == (
        "statutory",
        "SEND Regulations 2014 reg 8(1)",
        "request_received",
        6,
    )
    assert m.excused_by == {
        "personal_circumstances": "reg 8(2)(a)",
        "absent_from_area": "reg 8(2)(b)",
        "missed_appointment": "reg 8(2)(c)",
    }
    assert m.on_time_field == "kpi_6_weeks" and m.reason == "advice_returned_reason"
    assert [c.label for c in r.scales[r.items[0].scale].choices] == ["Yes", "Partly", "No"]
    # N/A only on the conditional items 7, 8 and 12
    assert [i.text for i in r.items if i.allow_na] == [
        "Explained diagnosis",
        "Explained Impact",
        "Non-SEN health needs",
    ]
    assert r.comments[0].text == "Please share comments to improve or good practice to share."
    assert r.identify == ["nhs_number"]


def test_ehcna_file_milestones_count_from_the_request(rubrics):
    r = rubrics["ehcna-file"]
    assert r.grading.method == "compliance"
    assert [(m.id, m.kind, m.rules[0].from_, m.rules[0].weeks) for m in r.milestones] == [
        ("decision_to_assess", "statutory", "request_received", 6),
        ("advice_received", "target", "request_received", 12),
        ("decision_to_issue", "target", "request_received", 14),
        ("no_plan_notice", "statutory", "request_received", 16),
        ("draft_consultation", "target", "request_received", 16),
        ("final_plan", "statutory", "request_received", 20),
    ]
    cited = {m.id: m.citation for m in r.milestones if m.kind == "statutory"}
    assert cited == {
        "decision_to_assess": "SEND Regulations 2014 reg 5(1)",
        "no_plan_notice": "SEND Regulations 2014 reg 10(1)",
        "final_plan": "SEND Regulations 2014 reg 13(2)",
    }
    # each limit admits only the exceptions its own regulation allows; nothing excuses a local target
    excused = {m.id: m.excused_by for m in r.milestones}
    assert excused["decision_to_assess"] == {
        "school_closed": "reg 5(4)(a)",
        "personal_circumstances": "reg 5(4)(b)",
        "absent_from_area": "reg 5(4)(c)",
    }
    assert excused["no_plan_notice"] == {
        "school_closed": "reg 10(4)(a)",
        "early_years_closed": "reg 10(4)(b)",
        "personal_circumstances": "reg 10(4)(c)",
        "absent_from_area": "reg 10(4)(d)",
    }
    assert list(excused["final_plan"]) == [
        "school_closed",
        "early_years_closed",
        "personal_circumstances",
        "absent_from_area",
    ]
    assert all(excused[m] == {} for m in ("advice_received", "decision_to_issue", "draft_consultation"))
    # a reason per step, as the appendix has it ("Date due / Actual Date / Reason for any variance")
    assert all(m.reason and r.field(m.reason).role == "reason" for m in r.milestones)
    assert r.field("request_received").type == FieldType.date
    legacy = r.field(r.exceptions.field)
    assert (legacy.text, legacy.role, legacy.legacy) == ("Reason for any variance", "reason", True)
    assert r.audit_date == "audit_date"
    ends = {e.answer: (e.at, e.not_applicable) for e in r.outcomes.ends}
    assert ends["Decision not to assess"] == (
        "decision_to_assess",
        ["advice_received", "decision_to_issue", "no_plan_notice", "draft_consultation", "final_plan"],
    )
    assert ends["Decision not to issue a plan after assessment"] == (
        "no_plan_notice",
        ["decision_to_issue", "draft_consultation", "final_plan"],
    )
    assert [(lim.if_.breach, lim.max_grade) for lim in r.grading.limits] == [
        ("statutory", "Requires Improvement")
    ]


def test_annual_review_stages(rubrics):
    r = rubrics["annual-review"]
    due = {
        m.id: (m.rules[0].from_, m.rules[0].weeks, m.rules[0].months, m.rules[0].starting_with)
        for m in r.milestones
    }
    assert due["review_meeting"] == (
        "last_review",
        0,
        12,
        True,
    )  # the 12 months *starting with* the last review
    assert due["invitations_sent"] == ("review_meeting", -2, 0, False)
    assert due["advice_circulated"] == ("review_meeting", -2, 0, False)
    assert due["report_sent"] == ("review_meeting", 2, 0, False)
    assert due["decision_notified"] == ("review_meeting", 4, 0, False)
    assert due["no_amend_notice"] == ("decision_notified", 8, 0, False)
    cap = r.milestone("amended_plan").rules[0].at_latest
    assert (cap.from_, cap.weeks) == (
        "review_meeting",
        12,
    )  # the earlier of decision + 8 weeks and meeting + 12 weeks
    assert all(m.kind == "statutory" and m.citation for m in r.milestones)
    assert r.grading.method == "compliance"
    assert [(lim.if_.breach, lim.max_grade) for lim in r.grading.limits] == [
        ("statutory", "Requires Improvement")
    ]
    pfa = r.item("pfa")
    assert [c.at_least for c in pfa.applies_if.any if c.field == "year_group"] == [
        9
    ]  # Year 9 and every review after
    assert pfa.applies_if.any[1].all[0].answered is False  # the age only where no year group is given
    transfer = r.milestone("phase_transfer_amended")
    assert [(x.date, x.before, x.months) for x in transfer.rules] == [
        ("31 March", True, 0),
        (None, False, -5),
        ("15 February", True, 0),
    ]
    assert r.item("phase_transfer_by_deadline") is None
    assert {i.theme for i in r.items} >= {"voice_of_child", "family_engagement", "preparing_for_adulthood"}


def test_ehcp_quality_sections_weights_guidance_and_limits(rubrics):
    r = rubrics["ehcp-quality"]
    letters = [s.split(":")[0] for s in r.sections]
    assert letters[:10] == ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"] and "K" in letters
    assert all(i.guidance for i in r.items), "every criterion says what good looks like"
    assert r.grading.section_weights["E: Outcomes"] > 1
    assert [b.grade for b in r.grading.bands] == ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
    smart_limit = [lim for lim in r.grading.limits if lim.if_.item == "e_smart"]
    assert smart_limit and smart_limit[0].max_grade == "Requires Improvement"
    # Worcestershire standard 5: services working together and transition planning, added since 2026.1
    assert {i.id: i.since for i in r.items if i.since} == {
        "whole_working_together": "2026.1",
        "whole_transition": "2026.1",
    }
    assert (
        "work together" in r.item("whole_working_together").text
        and "transition" in r.item("whole_transition").text
    )
    # the services that contributed to the plan, for the report to notify (framework section 6.1)
    assert r.field_with_role("contributors").id == "contributors" and not r.field("contributors").pii


def test_the_law_is_cited_and_no_builtin_grades_a_breach_in_its_top_two_bands(rubrics):
    for rid, r in rubrics.items():
        statutory = [m for m in r.milestones if m.kind == "statutory"]
        assert all(m.citation for m in statutory)
        if statutory and r.purpose == "audit":
            caps = [lim.max_grade for lim in r.grading.limits if lim.if_.breach == "statutory"]
            assert caps and r.grading.rank(caps[0]) >= 2, rid
        text = (builtin_dir() / f"{rid}.yaml").read_text(encoding="utf-8")
        assert "DOMAIN" not in text and "SPEC" not in text, (
            f"{rid} cites a document that is not in the repository"
        )
        assert "Requires improvement" not in text, f"{rid}: the framework writes Requires Improvement"


def test_sen_information_report_covers_schedule_1(rubrics):
    r = rubrics["sen-information-report"]
    paras = {
        i.guidance.split(".")[0] for i in r.items if i.guidance and i.guidance.startswith("Schedule 1 para")
    }
    assert {f"Schedule 1 para {n}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)} <= paras
    assert {f"Schedule 1 para 3({x})" for x in "abcdefg"} <= paras
    assert [c.label for c in r.scales["yes_partly_no"].choices] == ["Yes", "Partly", "No"]


def test_ap_quality_fifteen_standards_in_five_themes_rag(rubrics):
    r = rubrics["ap-quality"]
    assert len(r.items) == 15
    assert r.sections == [
        "Assessment and Understanding",
        "Engagement and Relationship Building",
        "Attainment and Progress",
        "The Learning Environment",
        "Longer Term Opportunities",
    ]
    assert all(sum(1 for i in r.items if i.section == s) == 3 for s in r.sections)
    assert [c.label for c in r.scales["rag"].choices] == ["Green", "Amber", "Red"]
    # "outcomes are based around a rag rating of the quality standards" (section 6.4): the grade is a RAG rating
    assert r.grading.method == "rag" and [b.grade for b in r.grading.bands] == ["Green", "Amber", "Red"]


def test_sen_information_report_missing_point_limits_the_grade(rubrics):
    r = rubrics["sen-information-report"]
    (lim,) = r.grading.limits
    assert (lim.if_.items, lim.if_.answer, lim.max_grade) == ("all", "No", "Requires Improvement")


@pytest.mark.parametrize("rid", BUILTIN_IDS)
def test_columns_map_back_unambiguously(rubrics, rid):
    """Every header, id and alias normalises to one column only, and none is taken for a Forms column."""
    r = rubrics[rid]
    owner: dict[str, str] = {}
    forms = {norm_header(c) for c in FORMS_COLUMNS}
    for col in r.columns():
        for word in (col.text, col.id, *col.aliases):
            key = norm_header(word)
            assert key not in forms, f"{rid}: {word!r} would be read as Microsoft Forms' own column"
            assert owner.setdefault(key, col.id) == col.id, (
                f"{rid}: {word!r} names both {owner[key]} and {col.id}"
            )


@pytest.mark.parametrize("rid", BUILTIN_IDS)
def test_roles_pii_and_themes(rubrics, rid):
    r = rubrics[rid]
    for f in r.fields:
        if f.role in ("child_name", "dob", "nhs_number", "upn"):
            assert f.pii, f"{rid}: {f.id} identifies a child and must be pii"
    assert all(i.theme is None or i.theme in THEMES for i in r.items)
    if rid != "family-feedback":  # a family answers its own survey: there is no auditor to moderate
        assert r.field_with_role("auditor") is not None
    for fid in r.identify:
        assert r.field(fid) is not None


def test_rubrics_list_shows_every_builtin_from_another_folder(runner, app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "250")
    result = runner.invoke(app, ["rubrics", "list"])
    assert result.exit_code == 0, result.output
    for rid in BUILTIN_IDS:
        assert f" {rid} " in result.output
    assert result.output.count("built-in") == len(BUILTIN_IDS)


def test_a_local_rubric_replaces_the_builtin_with_a_notice(runner, app, tmp_path, monkeypatch):
    builtin = builtin_dir() / "eps-advice.yaml"
    local = tmp_path / "rubrics" / "eps-advice.yaml"
    local.parent.mkdir()
    local.write_text(
        builtin.read_text(encoding="utf-8").replace('version: "2025.1"', 'version: "2025.1-local"'),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "250")
    found = discover()
    assert found["eps-advice"].origin == "local" and found["eps-advice"].rubric.version == "2025.1-local"
    assert found["eps-advice"].replaces == builtin
    result = runner.invoke(app, ["rubrics", "list"])
    assert result.exit_code == 0, result.output
    assert "2025.1-local" in result.output
    assert f"replaces {builtin}" in result.output.replace("\n", "")
    assert result.output.count("built-in") == len(BUILTIN_IDS) - 1


def test_show_describes_a_builtin(runner, app, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    result = runner.invoke(app, ["rubrics", "show", "health-advice"])
    assert result.exit_code == 0, result.output
    assert "Explained diagnosis" in result.output and "N/A allowed" in result.output


def test_builtin_dir_is_the_checkout_folder_here():
    assert builtin_dir() == Path(__file__).resolve().parents[2] / "rubrics"


def test_resolve_finds_a_local_rubric_whatever_its_file_is_called(tmp_path):
    from qactl.rubric.loader import resolve

    builtin = builtin_dir() / "ap-quality.yaml"
    local = tmp_path / "rubrics" / "our-ap-toolkit.yaml"
    local.parent.mkdir()
    local.write_text(
        builtin.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "ours"'), encoding="utf-8"
    )
    found = resolve("ap-quality", cwd=tmp_path)
    assert (found.origin, found.path, found.replaces, found.rubric.version) == (
        "local",
        local,
        builtin,
        "ours",
    )
    other = resolve("eps-advice", cwd=tmp_path)
    assert (other.origin, other.path, other.replaces) == ("built-in", builtin_dir() / "eps-advice.yaml", None)


def test_resolve_a_local_only_rubric_and_a_near_miss(tmp_path):
    from qactl.errors import UsageError
    from qactl.rubric.loader import resolve

    local = tmp_path / "rubrics" / "x.yaml"
    local.parent.mkdir()
    local.write_text(
        (Path(__file__).parents[1] / "data" / "mini.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert resolve("mini", cwd=tmp_path).path == local
    with pytest.raises(UsageError, match="Did you mean 'mini'"):
        resolve("minii", cwd=tmp_path)
