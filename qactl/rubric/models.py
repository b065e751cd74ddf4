"""Pydantic models of the rubric language (SPEC §4).

A rubric declares everything about one audit tool; no scoring code knows a rubric by name.
Models forbid unknown keys so that a typo (``scael``) is an error, not a silent default.
Cross-references (scales, fields, items, milestones) are checked in :meth:`Rubric._check_refs`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic import Field as PydField

Id = Annotated[str, PydField(pattern=r"^[a-z][a-z0-9_]*$", description="lower_snake_case identifier")]
# A rubric's id is typed on the command line, so it may also use hyphens (``eps-advice``).
RubricId = Annotated[str, PydField(pattern=r"^[a-z][a-z0-9_-]*$", description="lower-case identifier; hyphens allowed")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def norm_answer(text: object) -> str:
    """How answers and headers compare: case-folded, spaces collapsed, ends trimmed."""
    return " ".join(str(text).split()).casefold()


class Choice(_Model):
    """One answer on a scale."""

    label: str
    points: float
    aliases: list[str] = []
    description: str | None = None


class NotApplicable(_Model):
    """The not-applicable answer of a scale: out of the denominator, allowed only on items with ``allow_na``."""

    label: str = "N/A"
    aliases: list[str] = ["NA", "Not applicable", "n/a"]


class Scale(_Model):
    """An answer scale: labels with points, aliases, an optional N/A label. Ordered (for weighted kappa) by default."""

    choices: list[Choice] = PydField(min_length=1)
    na: NotApplicable | None = None
    ordered: bool = True

    @field_validator("na", mode="before")
    @classmethod
    def _na_shorthand(cls, v: object) -> object:
        return {"label": v} if isinstance(v, str) else v

    @model_validator(mode="after")
    def _unique_labels(self) -> Scale:
        seen: dict[str, str] = {}
        words = [(c.label, c.label) for c in self.choices] + [(a, c.label) for c in self.choices for a in c.aliases]
        if self.na:
            words += [(self.na.label, self.na.label)] + [(a, self.na.label) for a in self.na.aliases]
        for word, owner in words:
            key = norm_answer(word)
            if key in seen and seen[key] != owner:
                raise ValueError(f"the answer {word!r} stands for both {seen[key]!r} and {owner!r}")
            seen[key] = owner
        return self

    @property
    def max_points(self) -> float:
        return max(c.points for c in self.choices)

    @property
    def min_points(self) -> float:
        return min(c.points for c in self.choices)


class FieldType(StrEnum):
    text = "text"
    date = "date"
    integer = "integer"
    nhs_number = "nhs_number"
    upn = "upn"


class Role(StrEnum):
    """What a field means to the other commands (reports group by these; redaction uses the child's)."""

    child_name = "child_name"
    dob = "dob"
    nhs_number = "nhs_number"
    upn = "upn"
    plan_id = "plan_id"
    auditor = "auditor"
    team = "team"
    service = "service"
    key_stage = "key_stage"
    setting = "setting"
    audit_date = "audit_date"
    reason = "reason"  # the reason for a late milestone, matched against the rubric's exceptions


class Condition(_Model):
    """A condition written as data (never evaluated as code).

    Exactly one subject: ``field``, ``item``, ``all``, ``any`` or ``not``. On a date field:
    ``age_at_least`` / ``age_below`` (age in whole years on the audit date). On a field or item:
    ``equals``, ``in``, ``not_in`` or ``answered`` (true: not blank). ``answer`` is ``equals`` for items.
    """

    field: str | None = None
    item: str | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = PydField(default=None, alias="not")
    age_at_least: int | None = None
    age_below: int | None = None
    equals: str | None = None
    answer: str | None = None
    in_: list[str] | None = PydField(default=None, alias="in")
    not_in: list[str] | None = None
    answered: bool | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> Condition:
        subjects = [k for k in ("field", "item", "all", "any", "not_") if getattr(self, k) is not None]
        if len(subjects) != 1:
            raise ValueError("a condition needs exactly one of: field, item, all, any, not")
        tests = [k for k in ("age_at_least", "age_below", "equals", "answer", "in_", "not_in", "answered") if getattr(self, k) is not None]
        if subjects[0] in ("field", "item") and not tests:
            raise ValueError("a condition on a field or item needs a test: age_at_least, age_below, equals, answer, in, not_in or answered")
        if subjects[0] == "item" and (self.age_at_least is not None or self.age_below is not None):
            raise ValueError("age_at_least and age_below test a date field, not an item")
        return self


class Field(_Model):
    """Context about the audit: identifies and describes it, never scored."""

    id: Id
    text: str
    type: FieldType = FieldType.text
    pii: bool = False
    required: bool = False
    role: Role | None = None
    aliases: list[str] = []
    guidance: str | None = None
    choices: list[str] | None = None  # offered as a drop-down in blank forms; not enforced


class Item(_Model):
    """A scored criterion."""

    id: Id
    section: str
    text: str
    scale: str
    weight: float = PydField(default=1.0, ge=0)
    required: bool = True
    allow_na: bool = False
    multi: bool = False  # several answers in one cell, separated by ';' (Microsoft Forms); points add up
    max_points: float | None = None  # for multi items: the cap on the sum (default: the sum of positive points)
    applies_if: Condition | None = None
    aliases: list[str] = []
    guidance: str | None = None
    theme: str | None = None  # the theme of templates/themes.yaml this criterion evidences


class Comment(_Model):
    """Free text: kept and themed, never scored."""

    id: Id
    text: str
    aliases: list[str] = []
    pii: bool = False
    actions: bool = False  # "actions required": feeds the report's suggested actions


class Due(_Model):
    """When a milestone falls due: ``from`` a date field or earlier milestone, plus weeks/days/months (negative: before)."""

    from_: str = PydField(alias="from")
    weeks: int = 0
    days: int = 0
    months: int = 0

    @model_validator(mode="after")
    def _some_offset(self) -> Due:
        if not (self.weeks or self.days or self.months):
            raise ValueError("a due date needs weeks, days or months after (or, negative, before) its start")
        return self


class Milestone(_Model):
    """A statutory date: the column holds the date it happened; the due date comes from ``due``."""

    id: Id
    text: str
    due: Due
    aliases: list[str] = []
    applies_if: Condition | None = None
    required: bool = False  # a missing column is an error only when required
    limit: str | None = None  # the statutory rule, for people: "reg 13(2): 20 weeks"
    guidance: str | None = None


class Band(_Model):
    grade: str
    min: float = PydField(ge=0, le=100)


class Limit(_Model):
    """A limiting judgement: when ``if`` holds, the grade is at most ``max_grade``."""

    if_: Condition = PydField(alias="if")
    max_grade: str


class Grading(_Model):
    """How a score becomes a grade.

    ``percent``: the SPEC §4 rule over items (optionally weighted by section).
    ``compliance``: as percent, and each milestone counts as a criterion worth 1, met when on time;
    exceptions and milestones not yet due are out of the denominator.
    """

    method: Literal["percent", "compliance"] = "percent"
    bands: list[Band] = PydField(min_length=1)
    section_weights: dict[str, float] = {}
    limits: list[Limit] = []

    @field_validator("bands")
    @classmethod
    def _descending(cls, bands: list[Band]) -> list[Band]:
        mins = [b.min for b in bands]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError(f"bands must go from the highest min to the lowest, each different; found {mins}")
        if mins[-1] != 0:
            raise ValueError(f"the last band must have min 0, so every score gets a grade; found {mins[-1]:g}")
        return bands

    def grade_for(self, score: float) -> str:
        for band in self.bands:
            if score >= band.min:
                return band.grade
        return self.bands[-1].grade

    def rank(self, grade: str) -> int:
        """0 for the best grade; larger is worse."""
        return [b.grade for b in self.bands].index(grade)


class Exceptions(_Model):
    """Recognised reasons a milestone may be late (SEND Regs 10(4)): such audits leave the timeliness figures."""

    field: str
    reasons: list[str] = PydField(min_length=1)


Purpose = Literal["audit", "survey", "conversation"]


class Rubric(_Model):
    """One audit tool.

    ``purpose`` says what its answers are: an ``audit`` judges a piece of work against standards (scores,
    grades, the audits to review); a ``survey`` (family feedback) and a ``conversation`` (practice
    conversations) collect views, which are reported as how people answered each question, never graded.
    """

    id: RubricId
    title: str
    version: str
    source: str
    purpose: Purpose = "audit"
    description: str | None = None
    scales: dict[str, Scale] = {}
    identify: list[str] = PydField(min_length=1)
    audit_date: str | None = None  # a date field holding the audit date; else the export's completion time
    fields: list[Field] = []
    items: list[Item] = []
    milestones: list[Milestone] = []
    exceptions: Exceptions | None = None
    comments: list[Comment] = []
    grading: Grading

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int | float) else v

    # ---- look-ups used everywhere ----
    def field(self, fid: str) -> Field | None:
        return next((f for f in self.fields if f.id == fid), None)

    def item(self, iid: str) -> Item | None:
        return next((i for i in self.items if i.id == iid), None)

    def field_with_role(self, role: Role | str) -> Field | None:
        return next((f for f in self.fields if f.role == role), None)

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(i.section for i in self.items))

    @property
    def pii_fields(self) -> list[str]:
        return [f.id for f in self.fields if f.pii]

    def columns(self) -> list[Field | Item | Milestone | Comment]:
        """Every column a form of this rubric has, in form order: fields, items, milestones, comments."""
        return [*self.fields, *self.items, *self.milestones, *self.comments]

    @model_validator(mode="after")
    def _check_refs(self) -> Rubric:
        problems: list[str] = []
        ids: dict[str, str] = {}
        for kind, things in (("field", self.fields), ("item", self.items), ("milestone", self.milestones), ("comment", self.comments)):
            for t in things:
                if t.id in ids:
                    problems.append(f"duplicate id {t.id!r}: used by {_a(ids[t.id])} and {_a(kind)}")
                ids[t.id] = kind
        headers: dict[str, str] = {}
        for t in self.columns():
            for word in (t.id, t.text, *t.aliases):
                owner = headers.setdefault(norm_header(word), t.id)
                if owner != t.id:
                    kind = type(t).__name__.lower()
                    problems.append(f"{kind} {t.id!r}: the header {word!r} reads the same as a header of {owner!r}, so a column would match both")
        fields = {f.id: f for f in self.fields}
        milestones = {m.id for m in self.milestones}
        for fid in self.identify:
            if fid not in fields:
                problems.append(f"identify names {fid!r}, which is not a field{_suggest(fid, fields)}")
        if self.audit_date and (self.audit_date not in fields or fields[self.audit_date].type != FieldType.date):
            problems.append(f"audit_date names {self.audit_date!r}, which is not a date field")
        for item in self.items:
            if item.scale not in self.scales:
                problems.append(f"item {item.id!r} uses the scale {item.scale!r}, which is not defined{_suggest(item.scale, self.scales)}")
            elif item.allow_na and self.scales[item.scale].na is None:
                problems.append(f"item {item.id!r} allows N/A but its scale {item.scale!r} has no na label")
            if item.applies_if:
                problems += [f"item {item.id!r}: {p}" for p in self._check_condition(item.applies_if)]
        for m in self.milestones:
            start = m.due.from_
            if start in fields:
                if fields[start].type != FieldType.date:
                    problems.append(f"milestone {m.id!r} is due from {start!r}, which is not a date field")
            elif start not in milestones or start == m.id:
                problems.append(f"milestone {m.id!r} is due from {start!r}, which is neither a date field nor another milestone{_suggest(start, [*fields, *milestones])}")
            if m.applies_if:
                problems += [f"milestone {m.id!r}: {p}" for p in self._check_condition(m.applies_if)]
        if self.exceptions and self.exceptions.field not in fields:
            problems.append(f"exceptions.field names {self.exceptions.field!r}, which is not a field{_suggest(self.exceptions.field, fields)}")
        grades = [b.grade for b in self.grading.bands]
        for limit in self.grading.limits:
            if limit.max_grade not in grades:
                problems.append(f"a limit caps at {limit.max_grade!r}, which is not one of the grades {grades}")
            problems += [f"limit: {p}" for p in self._check_condition(limit.if_)]
        sections = set(self.sections)
        for s in self.grading.section_weights:
            if s not in sections:
                problems.append(f"section_weights names the section {s!r}, which no item has{_suggest(s, sections)}")
        if self.grading.method == "compliance" and not self.milestones:
            problems.append("compliance grading needs milestones")
        if not self.items and not self.milestones:
            problems.append("a rubric needs at least one item or milestone")
        if self.items and not any(i.weight > 0 for i in self.items) and not (self.grading.method == "compliance" and self.milestones):
            problems.append(f"item {self.items[0].id!r}: every item has weight 0 (this one and all the others), so no audit could "
                            "ever have a score; give the items that count a weight above 0")
        elif self.items and all(not any(c.points > 0 for c in self.scales[i.scale].choices) for i in self.items if i.scale in self.scales and i.weight > 0) \
                and all(i.scale in self.scales for i in self.items) and not (self.grading.method == "compliance" and self.milestones):
            problems.append(f"item {self.items[0].id!r}: no answer to any weighted item is worth more than 0 points, so no audit "
                            "could ever have a score; give the answers that meet the standard points above 0")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _check_condition(self, c: Condition) -> list[str]:
        out: list[str] = []
        for sub in (c.all or []) + (c.any or []) + ([c.not_] if c.not_ else []):
            out += self._check_condition(sub)
        if c.field is not None:
            f = self.field(c.field)
            if f is None:
                out.append(f"the condition names the field {c.field!r}, which is not defined{_suggest(c.field, [x.id for x in self.fields])}")
            elif (c.age_at_least is not None or c.age_below is not None) and f.type != FieldType.date:
                out.append(f"age_at_least/age_below need a date field, but {c.field!r} is of type {f.type.value}")
        if c.item is not None:
            it = self.item(c.item)
            if it is None:
                out.append(f"the condition names the item {c.item!r}, which is not defined{_suggest(c.item, [x.id for x in self.items])}")
            elif it.scale in self.scales:
                scale = self.scales[it.scale]
                allowed = {norm_answer(ch.label) for ch in scale.choices} | ({norm_answer(scale.na.label)} if scale.na else set())
                for want in [c.answer, c.equals, *(c.in_ or []), *(c.not_in or [])]:
                    if want is not None and norm_answer(want) not in allowed:
                        out.append(f"the condition on {c.item!r} tests the answer {want!r}, which its scale {it.scale!r} does not have")
        return out


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _suggest(word: str, options) -> str:
    from difflib import get_close_matches

    m = get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {m[0]!r}?)" if m else ""


_NUMBERING = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d+[a-z]?\s*[.):\-]?\s+|^\s*(?:q(?:uestion)?\s*)?\d+[a-z]?\s*[.):]\s*", re.I)


def norm_header(text: object) -> str:
    """How headers compare: leading numbering (``5.``, ``Q5``, ``4)``) dropped, punctuation and case ignored."""
    s = _NUMBERING.sub("", str(text).strip(), count=1)
    s = re.sub(r"[^\w]+", " ", s.casefold())
    return " ".join(s.split())


Condition.model_rebuild()
