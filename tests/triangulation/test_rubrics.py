"""The two built-in rubrics of issue 8: they load, their texts are sensible, their themes are known."""

from __future__ import annotations

import datetime as dt

import pytest

from qactl.rubric.conditions import holds
from qactl.rubric.loader import discover, load_rubric
from qactl.rubric.models import Role, norm_answer, norm_header
from qactl.triangulation.verdicts import THEME_LABELS


@pytest.fixture
def practice(root):
    return load_rubric(root / "rubrics" / "practice-conversation.yaml")


@pytest.fixture
def family(root):
    return load_rubric(root / "rubrics" / "family-feedback.yaml")


def test_both_are_built_in(tmp_path):
    found = discover(cwd=tmp_path)
    assert {"practice-conversation", "family-feedback"} <= set(found)
    assert found["family-feedback"].origin == "built-in"


def test_every_theme_is_in_the_dictionary(practice, family):
    for rubric in (practice, family):
        themes = {i.theme for i in rubric.items if i.theme}
        assert themes <= set(THEME_LABELS), themes - set(THEME_LABELS)
    # the family survey speaks to every standard of Worcestershire §2
    assert {"voice_of_child", "smart_outcomes", "jargon", "provision_specificity", "multi_agency"} <= {
        i.theme for i in family.items
    }


def test_practice_conversation_has_three_or_four_generic_questions_asked_everywhere(practice):
    generic = [i for i in practice.items if i.section == "Generic questions"]
    assert 3 <= len(generic) <= 4
    assert all(i.required and i.applies_if is None for i in generic)
    specific = [i for i in practice.items if i.section == "Service-specific questions"]
    assert specific and all(not i.required and i.applies_if is not None for i in specific)


def test_service_specific_questions_apply_only_to_their_service(practice):
    eps = practice.item("eps_plain_english")
    day = dt.date(2025, 3, 17)
    assert holds(eps.applies_if, {"service": "Educational Psychology"}, {}, day) is True
    assert holds(eps.applies_if, {"service": "educational  psychology"}, {}, day) is True
    assert holds(eps.applies_if, {"service": "Health"}, {}, day) is False
    services = {norm_answer(s) for s in practice.field("service").choices}
    for item in practice.items:
        if item.applies_if is not None:
            assert norm_answer(item.applies_if.equals) in services, item.id


def test_practice_roles(practice):
    assert practice.field_with_role(Role.service).id == "service"
    assert practice.field_with_role(Role.team).id == "team"
    assert practice.field_with_role(Role.auditor).id == "conversation_lead"
    assert practice.pii_fields == ["practitioner"]
    assert any(c.actions for c in practice.comments)


def test_family_feedback_is_identified_by_plan_reference_only(family):
    assert family.identify == ["plan_ref"]
    assert family.field_with_role(Role.plan_id).id == "plan_ref"
    assert family.field_with_role(Role.child_name) is None and family.field_with_role(Role.dob) is None
    contact = next(c for c in family.comments if c.id == "contact")
    assert contact.pii


def test_family_likert_scale_is_forms_labels_4_to_0_with_dont_know(family):
    scale = family.scales["agreement"]
    assert [(c.label, c.points) for c in scale.choices] == [
        ("Strongly agree", 4),
        ("Agree", 3),
        ("Neither agree nor disagree", 2),
        ("Disagree", 1),
        ("Strongly disagree", 0),
    ]
    assert scale.na.label == "Don't know"
    assert all(i.allow_na for i in family.items)


def test_example_exports_have_a_column_for_every_question(root, practice, family):
    from qactl.sheets.reader import open_sheet

    for rubric, name in ((practice, "practice-conversation.xlsx"), (family, "family-feedback.xlsx")):
        sheet = open_sheet(root / "examples" / name)
        headers = {norm_header(h) for h in sheet.headers}
        assert {"id", "start time", "completion time", "email", "name"} <= headers
        # a question added to the rubric since the example was made (``since``) has no column: it scores without it
        missing = [
            c.id
            for c in rubric.columns()
            if norm_header(c.text) not in headers and not getattr(c, "since", None)
        ]
        assert missing == []
        labels = {norm_answer(ch.label) for s in rubric.scales.values() for ch in s.choices}
        labels |= {norm_answer(s.na.label) for s in rubric.scales.values() if s.na}
        cols = [
            i
            for i, h in enumerate(sheet.headers)
            if any(norm_header(h) == norm_header(it.text) for it in rubric.items)
        ]
        answers = {
            norm_answer(v[c]) for _, v in sheet.rows for c in cols if c < len(v) and v[c] not in (None, "")
        }
        assert answers and answers <= labels
