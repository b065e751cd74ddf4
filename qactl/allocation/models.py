"""The plain data of an allocation: plans, auditors, options and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from qactl.results import AllocationInput

PLAN_TYPES = ("new", "amended", "annual review")
Role = Literal["primary", "moderation"]


class Auditor(BaseModel):
    """One auditor of the cohort (a YAML entry or a sheet row)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    name: str = ""
    service: str = ""
    organisation: str = ""
    email: str = ""
    role: str = ""
    capacity: int | None = Field(default=None, ge=0)
    available: bool = True


class Cohort(BaseModel):
    """A cohort file: a top-level ``auditors:`` list."""

    model_config = ConfigDict(extra="forbid")

    auditors: list[Auditor]


@dataclass
class Plan:
    """One row of the plans register."""

    plan_id: str
    row: int
    issued: date | None = None
    type: str | None = None
    team: str = ""
    officer: str = ""
    setting: str = ""
    key_stage: str = ""
    primary_need: str = ""
    contributors: tuple[str, ...] = ()


@dataclass
class Options:
    """Everything that shapes an allocation besides the inputs (all stored in the output)."""

    round: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    types: tuple[str, ...] = ("new", "amended")
    per_auditor: int = 2
    sample: int | None = None
    moderation: int = 0
    focus: tuple[tuple[str, str], ...] = ()
    seed: int | None = None
    due: date | None = None
    rubric: str | None = (
        None  # the audit the plans are for (default: --keep's, else ehcp-quality); its form is named on every sheet
    )
    form_link: str = ""  # a link to the council's own form (Microsoft Forms), printed beside the form's name

    def as_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "types": list(self.types),
            "per_auditor": self.per_auditor,
            "sample": self.sample,
            "moderation": self.moderation,
            "focus": {k: v for k, v in self.focus},
            "rubric": self.rubric,
            "form_link": self.form_link or None,
        }


@dataclass
class Picked:
    """A sampled plan and why it was picked."""

    plan: Plan
    stratum: str
    moderation: bool = False
    focus: str = ""


@dataclass
class Assignment:
    plan_id: str
    auditor_id: str
    role: Role


@dataclass
class Allocation:
    """The result: the sample, the assignments, the costs met and what was left over."""

    round: str | None
    seed: int
    due: date
    options: dict[str, Any]  # Options.as_dict() as resolved, with the solver and the objective reached
    inputs: list[AllocationInput]  # role, file and sha256 of every file read
    sample: list[Picked]
    assignments: list[Assignment]
    auditors: list[Auditor]
    capacity: dict[str, int]
    kept: int = 0
    moved: int = 0
    notes: list[str] = field(default_factory=list)
    form: str = ""  # the form auditors fill in, in words (the rubric's title)
    form_link: str = ""
    ignored_columns: list[str] = field(default_factory=list)  # register columns read past (never copied)

    def load(self) -> dict[str, int]:
        n = {a.id: 0 for a in self.auditors}
        for x in self.assignments:
            n[x.auditor_id] += 1
        return n
