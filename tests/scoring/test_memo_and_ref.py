"""The memo on conditions gives exactly what the plain function gives."""

from datetime import date

from qactl.rubric.conditions import holds
from qactl.rubric.models import Condition
from qactl.scoring.score import MemoCondition


def test_memoised_age_condition_follows_the_audit_date():
    cond = MemoCondition(Condition.model_validate({"field": "dob", "age_at_least": 14}))
    dob = {"dob": date(2010, 6, 1)}
    assert cond(dob, {}, date(2024, 5, 31)) is False  # 13 the day before the birthday
    assert cond(dob, {}, date(2024, 6, 1)) is True  # 14 on it: the memo must not reuse the earlier answer
    assert cond({"dob": None}, {}, date(2024, 6, 1)) is None


def test_memoised_compound_condition_matches_holds():
    raw = {
        "any": [
            {"item": "smart_outcomes", "answer": "Not included"},
            {"not": {"field": "ep", "answered": True}},
        ]
    }
    cond = MemoCondition(Condition.model_validate(raw))
    plain = Condition.model_validate(raw)
    for label in ("Not included", "not  INCLUDED", "Fully", None):
        for ep in ("A. Patel", None, " "):
            fields, labels = {"ep": ep}, {"smart_outcomes": label}
            for _ in range(2):  # the second call comes from the memo
                assert cond(fields, labels, date(2025, 1, 1)) == holds(
                    plain, fields, labels, date(2025, 1, 1)
                )
