"""Pydantic models of the rubric language (docs/rubrics.md).

A rubric declares everything about one audit tool; no scoring code knows a rubric by name.
Models forbid unknown keys so that a typo (``scael``) is an error, not a silent default.
Cross-references (scales, fields, items, milestones) are checked in :meth:`Rubric._check_refs`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator
from pydantic import Field as PydField

Id = Annotated[str, PydField(pattern=r"^[a-z][a-z0-9_]*$", description="lower_snake_case identifier")]
MILESTONE_STATUSES = ("on_time", "late", "missing", "exception", "not_due", "not_applicable", "unknown")
# A rubric's id is typed on the command line, so it may also use hyphens (``eps-advice``).
RubricId = Annotated[
    str, PydField(pattern=r"^[a-z][a-z0-9_-]*$", description="lower-case identifier; hyphens allowed")
]


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
        words = [(c.label, c.label) for c in self.choices] + [
            (a, c.label) for c in self.choices for a in c.aliases
        ]
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
    contributors = "contributors"  # the services that contributed to the plan, ';'-separated (to notify them of its grade)


_SUBJECTS = ("field", "item", "items", "milestone", "breach", "all", "any", "not_")
_TESTS = ("age_at_least", "age_below", "at_least", "below", "equals", "answer", "in_", "not_in", "answered")


class Condition(_Model):
    """A condition written as data (never evaluated as code).

    Exactly one subject: ``field``, ``item``, ``items``, ``milestone``, ``breach``, ``all``, ``any`` or ``not``.
    On a date field: ``age_at_least`` / ``age_below`` (age in whole years on the audit date). On a number
    field: ``at_least`` / ``below``. On a field or item: ``equals``, ``in``, ``not_in`` or ``answered``
    (true: not blank); ``answer`` is ``equals`` for items. ``items: all`` (or a list of item ids or sections)
    holds when any of those items that applies has the answer tested. In grading limits only:
    ``milestone: ID`` tests its status (``equals``/``in``: on_time, late, missing, exception, not_due,
    not_applicable, unknown), and ``breach: statutory | target | any`` holds when a milestone of that kind is
    late or missing without an exception the law allows.
    """

    field: str | None = None
    item: str | None = None
    items: Literal["all"] | list[str] | None = None
    milestone: str | None = None
    breach: Literal["statutory", "target", "any"] | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = PydField(default=None, alias="not")
    age_at_least: int | None = None
    age_below: int | None = None
    at_least: float | None = None
    below: float | None = None
    equals: str | None = None
    answer: str | None = None
    in_: list[str] | None = PydField(default=None, alias="in")
    not_in: list[str] | None = None
    answered: bool | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> Condition:
        subjects = [k for k in _SUBJECTS if getattr(self, k) is not None]
        if len(subjects) != 1:
            raise ValueError(
                "a condition needs exactly one of: field, item, items, milestone, breach, all, any, not"
            )
        subject = subjects[0]
        tests = [k for k in _TESTS if getattr(self, k) is not None]
        if subject in ("field", "item", "items", "milestone") and not tests:
            raise ValueError(
                f"a condition on {_a(subject)} needs a test: "
                + (
                    "equals or in (a status)"
                    if subject == "milestone"
                    else "answer, equals or in"
                    if subject == "items"
                    else "age_at_least, age_below, at_least, below, equals, answer, in, not_in or answered"
                )
            )
        if subject in ("breach", "all", "any", "not_") and tests:
            raise ValueError(
                f"`{subject.rstrip('_')}` takes no test ({', '.join(t.rstrip('_') for t in tests)})"
            )
        if subject != "field" and (self.age_at_least is not None or self.age_below is not None):
            raise ValueError("age_at_least and age_below test a date field, not an item")
        if subject != "field" and (self.at_least is not None or self.below is not None):
            raise ValueError("at_least and below test a number field")
        if subject == "milestone":
            for want in [self.equals, self.answer, *(self.in_ or []), *(self.not_in or [])]:
                if want is not None and want not in MILESTONE_STATUSES:
                    raise ValueError(
                        f"a milestone's status is one of {', '.join(MILESTONE_STATUSES)}; found {want!r}"
                    )
        return self

    def subjects(self) -> list[Condition]:
        """This condition and every condition inside it."""
        out = [self]
        for sub in (self.all or []) + (self.any or []) + ([self.not_] if self.not_ else []):
            out += sub.subjects()
        return out

    @property
    def reads_milestones(self) -> bool:
        """Whether it tests milestones (allowed only in grading limits, once every date is judged)."""
        return any(c.milestone is not None or c.breach is not None for c in self.subjects())


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
    # read from exports of forms made before a rubric change, but no longer asked: `qactl form` leaves it out
    legacy: bool = False


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
    max_points: float | None = (
        None  # for multi items: the cap on the sum (default: the sum of positive points)
    )
    applies_if: Condition | None = None
    aliases: list[str] = []
    guidance: str | None = None
    theme: str | None = None  # the theme of templates/themes.yaml this criterion evidences
    # The rubric version that added the question: an export from a form made before it has no column for it
    # and still scores (the question leaves those audits' denominators); where the column is there, it counts.
    since: str | None = None

    @field_validator("since", mode="before")
    @classmethod
    def _since_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int | float) else v


class Comment(_Model):
    """Free text: kept and themed, never scored."""

    id: Id
    text: str
    aliases: list[str] = []
    pii: bool = False
    actions: bool = False  # "actions required": feeds the report's suggested actions


_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def parse_day_month(text: str) -> tuple[int, int]:
    """``"15 February"`` (or ``"15 Feb"``) as ``(15, 2)``; raises ValueError with what is expected."""
    parts = str(text).replace(",", " ").split()
    if len(parts) == 2 and parts[0].isdigit():
        name = parts[1].casefold().rstrip(".")
        month = next(
            (
                k
                for k, m in enumerate(_MONTH_NAMES, 1)
                if m == name or (len(name) >= 3 and m.startswith(name))
            ),
            None,
        )
        if month is not None:
            from datetime import date as _date

            try:
                _date(2024, month, int(parts[0]))  # a leap year, so 29 February is a real day of some years
            except ValueError:
                pass
            else:
                return int(parts[0]), month
    raise ValueError(f"a fixed date is a day and a month, as `15 February`; found {text!r}")


class Due(_Model):
    """When a milestone falls due: the last day on which it is on time.

    Either a period counted ``from`` a date field or another milestone (weeks, days, months or working days;
    negative: before), or a fixed ``date`` of a year (``15 February``, in the year the ``year`` field gives;
    ``before: true`` when the law says *before* that date). ``starting_with: true``: the period includes the day
    it starts with (the Children and Families Act 2014 s.44(1) "12 months starting with", reg 13(1) "15 days
    beginning with"), so it ends the day before the same date of the next period. ``at_latest``: and no later
    than another due date (the earlier of the two); ``not_before``: and no earlier (the later of the two).
    ``when``: for one of several alternatives (a list of due rules: the first whose ``when`` holds applies).
    """

    from_: str | None = PydField(default=None, alias="from")
    weeks: int = 0
    days: int = 0
    months: int = 0
    working_days: int = 0  # Monday to Friday, England and Wales bank holidays excluded
    starting_with: bool = False
    date: str | None = None
    year: str | None = None
    before: bool = False
    when: Condition | None = None
    at_latest: Due | None = None
    not_before: Due | None = None
    rule: str | None = None  # this alternative's rule in words, for people ("reg 18(1)(a): before 31 March")

    @model_validator(mode="after")
    def _one_start(self) -> Due:
        if (self.from_ is None) == (self.date is None):
            raise ValueError(
                "a due date counts either `from` a date (with weeks, days, months or working_days) or is a fixed `date` of a year, not both"
            )
        if self.date is not None:
            parse_day_month(self.date)
            if self.year is None:
                raise ValueError(
                    f"the fixed date {self.date!r} needs `year`: the field that gives its year (a date field, or a whole number)"
                )
            if self.weeks or self.days or self.months or self.working_days or self.starting_with:
                raise ValueError("a fixed `date` takes no weeks, days, months, working_days or starting_with")
        else:
            if self.year is not None or self.before:
                raise ValueError("`year` and `before` go with a fixed `date`")
            if (
                not (self.weeks or self.days or self.months or self.working_days)
                and "days" not in self.model_fields_set
            ):
                raise ValueError(
                    "a due date needs weeks, days, months or working_days after (or, negative, before) its start "
                    "(write `days: 0` for the same day)"
                )
            if self.working_days and (self.weeks or self.days or self.months):
                raise ValueError("working_days are counted on their own: no weeks, days or months with them")
            if self.starting_with and (
                self.weeks < 0 or self.days < 0 or self.months < 0 or self.working_days
            ):
                raise ValueError(
                    "starting_with counts a period forwards from its first day: weeks, days or months after the start"
                )
        for name in ("at_latest", "not_before"):
            sub = getattr(self, name)
            if sub is not None and (sub.when is not None):
                raise ValueError(f"`{name}` is a due date of its own, without `when`")
        return self

    def starts(self) -> list[str]:
        """Every field or milestone this due date reads."""
        out = [x for x in (self.from_, self.year) if x]
        for sub in (self.at_latest, self.not_before):
            if sub is not None:
                out += sub.starts()
        return out


class Milestone(_Model):
    """A dated step with a time limit: the column holds the date it happened; the due date comes from ``due``.

    ``kind``: ``statutory`` (a limit set by law; ``citation`` names the regulation) or ``target`` (a local target,
    which no reason ever excuses). ``excused_by``: the exceptions the limit's regulation allows (reason ids, or
    ``reason id: paragraph``). ``reason``: the field holding the reason for this step (else the audit's one reason
    field, ``exceptions.field``). ``on_time_field``: a Yes/No field saying whether the step was on time, read when
    the dates cannot tell.
    """

    id: Id
    text: str
    kind: Literal["statutory", "target"] | None = (
        None  # required: checked below, with a sentence saying what to write
    )
    due: Due | list[Due]
    citation: str | None = None
    excused_by: dict[str, str | None] = {}
    reason: str | None = None
    on_time_field: str | None = None
    aliases: list[str] = []
    applies_if: Condition | None = None
    required: bool = False  # a missing column is an error only when required
    limit: str | None = None  # the rule in words, for people: "20 weeks from the request"
    guidance: str | None = None

    @field_validator("excused_by", mode="before")
    @classmethod
    def _excused_list(cls, v: object) -> object:
        return dict.fromkeys(v) if isinstance(v, list) else v

    @field_validator("due")
    @classmethod
    def _alternatives(cls, v: Due | list[Due]) -> Due | list[Due]:
        if isinstance(v, list):
            if not v:
                raise ValueError("`due` needs at least one rule")
            for k, rule in enumerate(v):
                if rule.when is None and k != len(v) - 1:
                    raise ValueError(
                        "among several due rules, only the last may go without `when` (it applies when no other does)"
                    )
        return v

    @model_validator(mode="after")
    def _kind(self) -> Milestone:
        if self.kind is None:
            raise ValueError(
                f"milestone {self.id!r}: say which kind of time limit it is: `kind: statutory` (set by law; "
                "cite the regulation in `citation:`) or `kind: target` (a local target)"
            )
        if self.kind == "statutory" and not (self.citation or "").strip():
            raise ValueError(
                f"milestone {self.id!r} is statutory: cite the regulation in `citation:` (e.g. SEND Regulations 2014 reg 13(2))"
            )
        if self.kind == "target" and self.excused_by:
            raise ValueError(
                f"milestone {self.id!r} is a local target: no exception excuses it, so it takes no `excused_by` (only statutory limits do)"
            )
        return self

    @property
    def rules(self) -> list[Due]:
        """The due rules, as a list (one, or the alternatives)."""
        return self.due if isinstance(self.due, list) else [self.due]

    def starts(self) -> list[str]:
        """Every field or milestone the due date reads (its start, a year, a cap; not the conditions)."""
        return list(dict.fromkeys(x for r in self.rules for x in r.starts()))


class Band(_Model):
    """A grade: reached from ``min`` percent (methods percent and compliance), or, with ``method: rag``, while the
    audit has no more than ``max_red`` answers at the bottom of their scale and ``max_amber`` in between."""

    grade: str
    min: float | None = PydField(default=None, ge=0, le=100)
    max_red: int | None = PydField(default=None, ge=0)
    max_amber: int | None = PydField(default=None, ge=0)


class Limit(_Model):
    """A limiting judgement: when ``if`` holds, the grade is at most ``max_grade``."""

    if_: Condition = PydField(alias="if")
    max_grade: str


STATUTORY_SECTION = "Statutory time limits"
TARGET_SECTION = "Local targets"


class Grading(_Model):
    """How a score becomes a grade.

    ``percent``: the score rule over items (optionally weighted by section); the grade is the first band whose
    ``min`` the score reaches. ``compliance``: as percent, and each milestone counts as a criterion worth 1, met
    when on time, in the section "Statutory time limits" or "Local targets" by its kind; exceptions and milestones
    not yet due are out of the denominator. ``rag``: a red / amber / green rating: the grade is the first band
    whose ``max_red`` and ``max_amber`` the audit's red answers (the bottom of their scale) and amber answers
    (between the bottom and the top) do not exceed; the score is still worked out, for information.
    """

    method: Literal["percent", "compliance", "rag"] = "percent"
    bands: list[Band] = PydField(min_length=1)
    section_weights: dict[str, float] = {}
    limits: list[Limit] = []

    @field_validator("bands")
    @classmethod
    def _bands(cls, bands: list[Band], info: ValidationInfo) -> list[Band]:
        if info.data.get("method") == "rag":
            if any(b.min is not None for b in bands):
                raise ValueError(
                    "rag grading counts red and amber answers: give bands `max_red` and `max_amber`, not `min`"
                )
            if bands[-1].max_red is not None or bands[-1].max_amber is not None:
                raise ValueError(
                    "the last rag band must have no max_red or max_amber, so every audit gets a grade"
                )
            for b in bands[:-1]:
                if b.max_red is None and b.max_amber is None:
                    raise ValueError(
                        f"the rag band {b.grade!r} needs max_red or max_amber (only the last band has neither)"
                    )
            return bands
        if any(b.max_red is not None or b.max_amber is not None for b in bands):
            raise ValueError(
                "max_red and max_amber are for `method: rag`; percent and compliance bands have `min`"
            )
        missing = [b.grade for b in bands if b.min is None]
        if missing:
            raise ValueError(
                f"every band needs `min` (the percent from which it is reached); missing for {missing}"
            )
        mins = [b.min for b in bands if b.min is not None]  # every band's (checked just above)
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError(
                f"bands must go from the highest min to the lowest, each different; found {mins}"
            )
        if mins[-1] != 0:
            raise ValueError(
                f"the last band must have min 0, so every score gets a grade; found {mins[-1]:g}"
            )
        return bands

    def rule_of(self, band: Band) -> str:
        """How a band is reached, in words: "90% or more", or for rag "at most 0 red, at most 2 amber" ("otherwise")."""
        if self.method == "rag":
            parts = [
                f"at most {n} {what}"
                for n, what in ((band.max_red, "red"), (band.max_amber, "amber"))
                if n is not None
            ]
            return ", ".join(parts) or "otherwise"
        return f"{band.min:g}% or more"

    def grade_for(self, score: float) -> str:
        """The band a percentage reaches (methods percent and compliance)."""
        for band in self.bands:
            if band.min is not None and score >= band.min:
                return band.grade
        return self.bands[-1].grade

    def grade_for_rag(self, red: int, amber: int) -> str:
        """The band of an audit with ``red`` and ``amber`` answers (method rag)."""
        for band in self.bands:
            if (band.max_red is None or red <= band.max_red) and (
                band.max_amber is None or amber <= band.max_amber
            ):
                return band.grade
        return self.bands[-1].grade

    def rank(self, grade: str) -> int:
        """0 for the best grade; larger is worse."""
        return [b.grade for b in self.bands].index(grade)


_PARENS = re.compile(r"\([^()]*\)")
_CITED = re.compile(r"\b(?:reg(?:ulation)?s?|s(?:ection)?|cop|para(?:graph)?)\.?\s*\d[\d().a-z\-–]*$", re.I)


def reason_key(text: object) -> str:
    """How reasons compare: as headers do (case, spacing, punctuation), and without the regulation they cite, so
    "Exceptional personal circumstances" matches "Exceptional personal circumstances (reg 10(4)(c))"."""
    s = str(text)
    while True:  # nested brackets, innermost first: "(reg 10(4)(c))"
        t = _PARENS.sub(" ", s)
        if t == s:
            break
        s = t
    s = _CITED.sub("", s.strip().rstrip(".;,:-– "))
    return norm_header(s)


class Reason(_Model):
    """A recognised reason why a date may be late: an exception that a regulation allows for some limits."""

    id: Id
    label: str  # as the form's drop-down offers it
    aliases: list[str] = []  # other ways it is written; matched as answers are, without the regulation cited


class Exceptions(_Model):
    """The recognised reasons, and the audit's one reason field (forms with one reason for the whole audit).

    Which limit a reason can excuse is the milestone's ``excused_by``: nothing excuses a local target.
    """

    field: str | None = None
    reasons: list[Reason] = PydField(min_length=1)

    @field_validator("reasons", mode="before")
    @classmethod
    def _labels(cls, v: object) -> object:
        """A plain label (qactl 0.1) is a reason whose id is the label in lower_snake_case."""
        if isinstance(v, list):
            return [
                {"id": "_".join(reason_key(r).split()) or "reason", "label": r} if isinstance(r, str) else r
                for r in v
            ]
        return v

    def reason(self, rid: str) -> Reason | None:
        return next((r for r in self.reasons if r.id == rid), None)


class Ending(_Model):
    """A way a process ends lawfully: the outcome's answer, the milestone whose limit governs it, the steps that no
    longer apply."""

    answer: str
    aliases: list[str] = []
    at: str
    not_applicable: list[str]


class Outcomes(_Model):
    """How a process ended, from a field (decision not to assess, decision not to issue a plan, plan ceased)."""

    field: str
    ends: list[Ending] = PydField(min_length=1)


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
    outcomes: Outcomes | None = None
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

    def milestone(self, mid: str) -> Milestone | None:
        return next((m for m in self.milestones if m.id == mid), None)

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(i.section for i in self.items))

    @property
    def milestone_sections(self) -> list[str]:
        """The sections compliance grading puts the milestones in: statutory limits, then local targets."""
        if self.grading.method != "compliance":
            return []
        kinds = {m.kind for m in self.milestones}
        return [
            s
            for k, s in (("statutory", STATUTORY_SECTION), ("target", TARGET_SECTION))
            if k in kinds and s not in self.sections
        ]

    @property
    def pii_fields(self) -> list[str]:
        return [f.id for f in self.fields if f.pii]

    @property
    def reason_fields(self) -> dict[str, Milestone]:
        """The fields that hold one milestone's reason, by field id."""
        return {m.reason: m for m in self.milestones if m.reason}

    def columns(self) -> list[Field | Item | Milestone | Comment]:
        """Every column a form of this rubric has, in form order: fields (not the legacy ones, kept only to read
        older exports), items, milestones (each followed by the field holding its reason, as "Date due / Actual
        date / Reason for any variance"), comments."""
        own = self.reason_fields
        out: list[Field | Item | Milestone | Comment] = [
            f for f in self.fields if f.id not in own and not f.legacy
        ]
        out += self.items
        for m in self.milestones:
            out.append(m)
            if m.reason and (f := self.field(m.reason)) is not None:
                out.append(f)
        return out + list(self.comments)

    @model_validator(mode="after")
    def _check_refs(self) -> Rubric:
        problems: list[str] = []
        ids: dict[str, str] = {}
        for kind, things in (
            ("field", self.fields),
            ("item", self.items),
            ("milestone", self.milestones),
            ("comment", self.comments),
        ):
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
                    problems.append(
                        f"{kind} {t.id!r}: the header {word!r} reads the same as a header of {owner!r}, so a column would match both"
                    )
        fields = {f.id: f for f in self.fields}
        milestones = {m.id for m in self.milestones}
        for fid in self.identify:
            if fid not in fields:
                problems.append(f"identify names {fid!r}, which is not a field{_suggest(fid, fields)}")
        if self.audit_date and (
            self.audit_date not in fields or fields[self.audit_date].type != FieldType.date
        ):
            problems.append(f"audit_date names {self.audit_date!r}, which is not a date field")
        for item in self.items:
            if item.scale not in self.scales:
                problems.append(
                    f"item {item.id!r} uses the scale {item.scale!r}, which is not defined{_suggest(item.scale, self.scales)}"
                )
            elif item.allow_na and self.scales[item.scale].na is None:
                problems.append(f"item {item.id!r} allows N/A but its scale {item.scale!r} has no na label")
            if item.applies_if:
                problems += [
                    f"item {item.id!r}: {p}"
                    for p in self._check_condition(item.applies_if, where="applies_if")
                ]
        problems += self._check_milestones(fields, milestones)
        grades = [b.grade for b in self.grading.bands]
        for limit in self.grading.limits:
            if limit.max_grade not in grades:
                problems.append(
                    f"a limit caps at {limit.max_grade!r}, which is not one of the grades {grades}"
                )
            problems += [f"limit: {p}" for p in self._check_condition(limit.if_, limit=True)]
        sections = set(self.sections) | set(self.milestone_sections)
        for s in self.grading.section_weights:
            if s not in sections:
                problems.append(
                    f"section_weights names the section {s!r}, which no item has{_suggest(s, sections)}"
                )
        if self.grading.method == "compliance" and not self.milestones:
            problems.append("compliance grading needs milestones")
        if self.grading.method == "rag" and not self.items:
            problems.append("rag grading rates the questions red, amber or green: it needs items")
        if not self.items and not self.milestones:
            problems.append("a rubric needs at least one item or milestone")
        if (
            self.items
            and not any(i.weight > 0 for i in self.items)
            and not (self.grading.method == "compliance" and self.milestones)
        ):
            problems.append(
                f"item {self.items[0].id!r}: every item has weight 0 (this one and all the others), so no audit could "
                "ever have a score; give the items that count a weight above 0"
            )
        elif (
            self.items
            and all(
                not any(c.points > 0 for c in self.scales[i.scale].choices)
                for i in self.items
                if i.scale in self.scales and i.weight > 0
            )
            and all(i.scale in self.scales for i in self.items)
            and not (self.grading.method == "compliance" and self.milestones)
        ):
            problems.append(
                f"item {self.items[0].id!r}: no answer to any weighted item is worth more than 0 points, so no audit "
                "could ever have a score; give the answers that meet the standard points above 0"
            )
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _check_milestones(self, fields: dict[str, Field], milestones: set[str]) -> list[str]:
        problems: list[str] = []
        reasons = {r.id for r in self.exceptions.reasons} if self.exceptions else set()
        order = [m.id for m in self.milestones]
        owners: dict[str, str] = {}
        for m in self.milestones:
            for rule in m.rules:
                problems += self._check_due(m, rule, fields, milestones)
                if rule.when is not None:
                    problems += [
                        f"milestone {m.id!r}: {p}" for p in self._check_condition(rule.when, where="when")
                    ]
            if m.applies_if:
                problems += [
                    f"milestone {m.id!r}: {p}"
                    for p in self._check_condition(m.applies_if, where="applies_if")
                ]
            for rid in m.excused_by:
                if rid not in reasons:
                    where = (
                        "there is no `exceptions: reasons:` list"
                        if not reasons
                        else f"it is not one of the reasons{_suggest(rid, reasons)}"
                    )
                    problems.append(f"milestone {m.id!r} is excused by {rid!r}, but {where}")
            for name, fid in (("reason", m.reason), ("on_time_field", m.on_time_field)):
                if fid is None:
                    continue
                if fid not in fields:
                    problems.append(
                        f"milestone {m.id!r}: its `{name}` field {fid!r} is not a field{_suggest(fid, fields)}"
                    )
                elif fields[fid].type != FieldType.text:
                    problems.append(
                        f"milestone {m.id!r}: its `{name}` field {fid!r} is of type {fields[fid].type.value}; it holds text"
                    )
            if m.reason:
                if m.reason in owners:
                    problems.append(
                        f"milestone {m.id!r}: its `reason` field {m.reason!r} is already the reason of {owners[m.reason]!r}; give each its own"
                    )
                owners[m.reason] = m.id
                if self.exceptions and m.reason == self.exceptions.field:
                    problems.append(
                        f"milestone {m.id!r}: its `reason` field {m.reason!r} is the audit's one reason field (exceptions.field), not one milestone's"
                    )
        if self.exceptions and self.exceptions.field is not None and self.exceptions.field not in fields:
            problems.append(
                f"exceptions.field names {self.exceptions.field!r}, which is not a field{_suggest(self.exceptions.field, fields)}"
            )
        if self.exceptions:
            seen: dict[str, str] = {}
            for r in self.exceptions.reasons:
                for word in (r.id.replace("_", " "), r.label, *r.aliases):
                    key = reason_key(word)
                    if seen.setdefault(key, r.id) != r.id:
                        problems.append(f"two reasons read the same ({seen[key]} and {r.id}): {word!r}")
        if self.outcomes:
            o = self.outcomes
            if o.field not in fields:
                problems.append(
                    f"outcomes.field names {o.field!r}, which is not a field{_suggest(o.field, fields)}"
                )
            choices = {reason_key(c) for c in (fields[o.field].choices or [])} if o.field in fields else set()
            for e in o.ends:
                if choices and reason_key(e.answer) not in choices:
                    problems.append(f"the field {o.field} has no choice for the outcome {e.answer!r}")
                for mid in [e.at, *e.not_applicable]:
                    if mid not in milestones:
                        problems.append(
                            f"the outcome {e.answer!r} names the milestone {mid!r}, which is not defined{_suggest(mid, order)}"
                        )
                if e.at in e.not_applicable:
                    problems.append(
                        f"an outcome ends at a step that applies, so it cannot also list it as not applicable ({e.at}): {e.answer!r}"
                    )
        return problems

    def _check_due(
        self, m: Milestone, rule: Due, fields: dict[str, Field], milestones: set[str]
    ) -> list[str]:
        out: list[str] = []
        start = rule.from_
        if start is not None:
            if start in fields:
                if fields[start].type != FieldType.date:
                    out.append(f"milestone {m.id!r} is due from {start!r}, which is not a date field")
            elif start not in milestones or start == m.id:
                out.append(
                    f"milestone {m.id!r} is due from {start!r}, which is neither a date field nor another milestone{_suggest(start, [*fields, *milestones])}"
                )
        if rule.year is not None:
            f = fields.get(rule.year)
            if f is None or f.type not in (FieldType.date, FieldType.integer):
                out.append(
                    f"milestone {m.id!r}: the year of {rule.date!r} comes from {rule.year!r}, which is neither a date field nor a number field"
                    + _suggest(rule.year, fields)
                )
        for sub in (rule.at_latest, rule.not_before):
            if sub is not None:
                out += self._check_due(m, sub, fields, milestones)
        return out

    def _check_condition(self, c: Condition, *, limit: bool = False, where: str = "condition") -> list[str]:
        out: list[str] = []
        for sub in (c.all or []) + (c.any or []) + ([c.not_] if c.not_ else []):
            out += self._check_condition(sub, limit=limit, where=where)
        if c.field is not None:
            f = self.field(c.field)
            if f is None:
                out.append(
                    f"the condition names the field {c.field!r}, which is not defined{_suggest(c.field, [x.id for x in self.fields])}"
                )
            elif (c.age_at_least is not None or c.age_below is not None) and f.type != FieldType.date:
                out.append(
                    f"age_at_least/age_below need a date field, but {c.field!r} is of type {f.type.value}"
                )
            elif (c.at_least is not None or c.below is not None) and f.type != FieldType.integer:
                out.append(
                    f"at_least/below need a number field (type: integer), but {c.field!r} is of type {f.type.value}"
                )
        if c.item is not None:
            it = self.item(c.item)
            if it is None:
                out.append(
                    f"the condition names the item {c.item!r}, which is not defined{_suggest(c.item, [x.id for x in self.items])}"
                )
            else:
                out += self._check_answers(c, [it])
        if c.items is not None:
            chosen: list[Item] = []
            if c.items == "all":
                chosen = list(self.items)
            else:
                for name in c.items:
                    found = [i for i in self.items if i.id == name or i.section == name]
                    if not found:
                        out.append(
                            f"the condition names {name!r} in items, which is neither an item nor a section{_suggest(name, [*(i.id for i in self.items), *self.sections])}"
                        )
                    chosen += found
            out += self._check_answers(c, chosen, any_scale=True)
        if c.milestone is not None:
            if not limit:
                out.append(
                    f"its `{where}` tests the date of {c.milestone!r}: only grading limits can (dates are judged after the questions)"
                )
            elif self.milestone(c.milestone) is None:
                out.append(
                    f"the condition names the milestone {c.milestone!r}, which is not defined{_suggest(c.milestone, [m.id for m in self.milestones])}"
                )
        if c.breach is not None:
            if not limit:
                out.append(
                    f"its `{where}` tests the dates (breach: {c.breach}): only grading limits can (dates are judged after the questions)"
                )
            elif not any(c.breach in ("any", m.kind) for m in self.milestones):
                out.append(
                    f"`breach: {c.breach}` can never hold: the rubric has no {'' if c.breach == 'any' else c.breach + ' '}milestones"
                )
        return out

    def _check_answers(self, c: Condition, items: list[Item], *, any_scale: bool = False) -> list[str]:
        """The answers a condition tests, against the scales of its items (any one of them, for ``items``)."""
        allowed: set[str] = set()
        for it in items:
            scale = self.scales.get(it.scale)
            if scale is not None:
                allowed |= {norm_answer(ch.label) for ch in scale.choices} | (
                    {norm_answer(scale.na.label)} if scale.na else set()
                )
        if not allowed:
            return []
        out = []
        for want in [c.answer, c.equals, *(c.in_ or []), *(c.not_in or [])]:
            if want is not None and norm_answer(want) not in allowed:
                if any_scale:
                    out.append(
                        f"the condition on items tests the answer {want!r}, which none of their scales has"
                    )
                else:
                    out.append(
                        f"the condition on {items[0].id!r} tests the answer {want!r}, which its scale {items[0].scale!r} does not have"
                    )
        return out


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _suggest(word: str, options) -> str:
    from difflib import get_close_matches

    m = get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {m[0]!r}?)" if m else ""


_NUMBERING = re.compile(
    r"^\s*(?:q(?:uestion)?\s*)?\d+[a-z]?\s*[.):\-]?\s+|^\s*(?:q(?:uestion)?\s*)?\d+[a-z]?\s*[.):]\s*", re.I
)


def norm_header(text: object) -> str:
    """How headers compare: leading numbering (``5.``, ``Q5``, ``4)``) dropped, punctuation and case ignored."""
    s = _NUMBERING.sub("", str(text).strip(), count=1)
    s = re.sub(r"[^\w]+", " ", s.casefold())
    return " ".join(s.split())


Condition.model_rebuild()
Due.model_rebuild()
