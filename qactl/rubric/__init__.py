"""The rubric language: models, loading with located errors, conditions and discovery."""

from qactl.rubric.models import (
    Choice,
    Comment,
    Condition,
    Due,
    Field,
    Grading,
    Item,
    Milestone,
    Rubric,
    Scale,
)

__all__ = [
    "Choice",
    "Comment",
    "Condition",
    "Due",
    "Field",
    "Grading",
    "Item",
    "Milestone",
    "Rubric",
    "Scale",
]
