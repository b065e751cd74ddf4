"""The data a Practice Report template receives: :class:`ReportContext` and the models inside it.

This is the contract with templates (documented field by field in ``docs/report-template.md``):
aggregates only, never audits, except the capped list of audits for services to review. Every text in
it came through the privacy rules (no pii field, names redacted from comments). Percentages are
0–100 with one decimal place; ``None`` means "no data" (templates show it with the ``num``/``pct``
filters, which print a dash).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Chart(_M):
    """An inline SVG chart, with its text alternative (the same numbers are in a table beside it)."""

    id: str
    title: str
    description: str
    svg: str


class SourceFile(_M):
    """One input file."""

    file: str
    kind: str
    rubric_id: str | None
    round: str | None
    rows: int
    sha256: str | None


class GradeRow(_M):
    """One grade of a rubric: this round's count and share, and the change since the previous round."""

    grade: str
    rank: int
    count: int
    share: float | None
    previous_count: int | None
    previous_share: float | None
    change: float | None


class RoundPoint(_M):
    """One round in a rubric's trend."""

    round: str
    scored: int
    mean_score: float | None
    shares: dict[str, float | None]
    current: bool


class Trend(_M):
    """Change since the previous round of the same rubric."""

    previous_round: str
    previous_scored: int
    previous_mean_score: float | None
    mean_score_change: float | None
    rounds: list[RoundPoint]
    chart: Chart


class Criterion(_M):
    """One scored item: how often it was fully met (given the top answer of its scale)."""

    id: str
    text: str
    section: str
    theme: str | None
    applicable: int
    fully_met: int
    share: float | None
    not_met: int
    previous_share: float | None
    change: float | None


class SectionScore(_M):
    """The mean score of one section of the rubric."""

    section: str
    audits: int
    mean_score: float | None


class BreakdownRow(_M):
    """Results of one team, service or key stage; counts under the minimum cell size shown as ``<5``."""

    value: str
    audits: str
    mean_score: float | None
    grades: list[str]
    review: str
    suppressed: bool


class Breakdown(_M):
    """Results grouped by one field (team, service or key stage)."""

    role: str
    field_id: str
    label: str
    grades: list[str]
    rows: list[BreakdownRow]


class MilestoneRow(_M):
    """Timeliness of one milestone, or of all the milestones of one kind, as ``qactl.timeliness`` counts it.

    ``counted``: due and not excused (on time + late + missing), the denominator of ``on_time_share``; excused
    dates (``exceptions``) are out of it, as the national SEN2 figures count; ``rate_with_exceptions`` counts
    them in. ``kind``: ``statutory`` (a limit in law, ``citation``), ``target`` (local), or None (a file scored
    by qactl 0.1). ``reasons_refused``: late dates whose reason is not an exception their limit allows.
    """

    id: str
    text: str
    limit: str | None
    kind: Literal["statutory", "target"] | None = None
    citation: str | None = None
    counted: int
    on_time: int
    late: int
    missing: int
    exceptions: int
    not_due: int
    on_time_share: float | None
    rate_with_exceptions: float | None = None
    median_days_late: float | None
    reasons_refused: int = 0


class TimelinessSummary(_M):
    """A rubric's statutory time limits and local targets, each all milestones of its kind together.

    ``comparable`` is false for files scored by qactl 0.1 (no kinds; one reason excused every date): their
    figures are per milestone only, and ``notes`` says so. ``audits_breached``: audits with a statutory limit
    missed without an exception the law allows.
    """

    comparable: bool
    audits: int
    audits_breached: int
    statutory: MilestoneRow | None
    target: MilestoneRow | None
    notes: list[str]


class ThemeRow(_M):
    """How often one theme of the dictionary came up in the comments."""

    id: str
    label: str
    description: str
    audits: int
    share: float | None
    criteria: int
    criteria_share: float | None


class ReviewAudit(_M):
    """One audit graded in one of the two lowest grades, for its services to review."""

    ref: str
    grade: str
    score: float | None
    team: str | None
    service: str | None
    source: str
    row: int


class ReviewList(_M):
    """The audits graded in the lowest grades, worst first, capped."""

    grades: list[str]
    total: int
    audits: list[ReviewAudit]
    not_shown: int


class ModerationItem(_M):
    """Agreement on one item between the two auditors of the same plans."""

    id: str
    text: str
    pairs: int | None
    percent_agreement: float | None
    kappa: float | None


class Moderation(_M):
    """A moderation file's agreement figures."""

    source: str
    rubric_id: str | None
    round: str | None
    pairs: int | None
    percent_agreement: float | None
    kappa: float | None
    weighted_kappa: float | None
    grade_agreement: float | None
    items: list[ModerationItem]
    disagreements: int | None


class Completion(_M):
    """Audits allocated against audits returned."""

    source: str
    round: str | None
    rubric_id: str | None
    allocated: int
    primary: int
    moderation: int
    returned: int | None
    share: float | None


class Action(_M):
    """A suggested action for the Practice Improvement Plan."""

    rubric_id: str
    rubric_title: str
    source: Literal["auditors", "criterion"]
    text: str
    count: int
    detail: str


class RubricReport(_M):
    """Everything the report says about one rubric."""

    id: str
    title: str
    version: str
    method: str
    rounds: list[str]
    sources: list[str]
    rows: int
    scored: int
    with_errors: int
    duplicates: int
    mean_score: float | None
    grades: list[GradeRow]
    grade_chart: Chart
    trend: Trend | None
    sections: list[SectionScore]
    criteria_count: int
    criteria_best: list[Criterion]
    criteria_weakest: list[Criterion]
    breakdowns: list[Breakdown]
    timeliness: list[MilestoneRow]
    timeliness_chart: Chart | None
    timeliness_summary: TimelinessSummary | None = None
    audits_with_comments: int
    themes: list[ThemeRow]
    action_themes: list[ThemeRow]
    review: ReviewList
    moderation: list[Moderation]
    completion: Completion | None
    actions: list[Action]


class OverviewRow(_M):
    """One rubric in the summary table."""

    rubric_id: str
    title: str
    scored: int
    with_errors: int
    mean_score: float | None
    top_grade: str | None
    top_share: float | None
    review_grades: list[str]
    review_count: int
    review_share: float | None
    on_time_share: float | None  # statutory time limits met (excused dates left out), as qactl.timeliness counts


class TriangulatedCriterion(_M):
    """One criterion counted in a source's result on a theme."""

    rubric_id: str
    item: str
    text: str
    answers: int
    percent_met: float


class TriangulatedSource(_M):
    """What the audits, the families (family-feedback) or the practitioners (practice-conversation) say on a theme."""

    origin: Literal["audit", "family", "practice"]
    label: str
    audits: int
    percent_met: float
    signal: Literal["strength", "concern", "middle"] | None
    signal_words: str
    criteria: list[TriangulatedCriterion]


class ServiceCount(_M):
    """Complaints and compliments about a theme in one service; counts under the minimum cell size as ``<5``."""

    service: str
    complaints: str
    compliments: str


class TriangulatedCounts(_M):
    """Complaints and compliments about a theme: totals and by service (both suppressed under the minimum cell size)."""

    complaints: str
    compliments: str
    by_service: list[ServiceCount]
    signal: Literal["strength", "concern", "middle"] | None
    signal_words: str


class TriangulatedSurvey(_M):
    """One survey result on a theme (PCF, CYP, SENCO or other)."""

    source: str
    title: str | None
    date: str
    question: str
    agree_percent: float
    respondents: int | None
    service: str | None
    signal: Literal["strength", "concern", "middle"] | None
    signal_words: str


class TriangulatedKpi(_M):
    """One KPI on a theme against its target."""

    id: str
    label: str
    value: float
    target: float
    unit: str
    period: str | None
    service: str | None
    met: bool
    gap: float
    signal: Literal["strength", "concern"]
    words: str


class TriangulatedTheme(_M):
    """One theme: every source side by side, the verdict and why."""

    theme: str
    label: str
    audit: TriangulatedSource | None
    family: TriangulatedSource | None
    practice: TriangulatedSource | None
    counts: TriangulatedCounts | None
    surveys: list[TriangulatedSurvey]
    kpis: list[TriangulatedKpi]
    sources: int
    verdict: Literal["agree: strength", "agree: concern", "mixed", "one source"]
    explanation: str
    suggestion: str | None


class Triangulation(_M):
    """Audit findings beside family feedback, practice conversations, complaints, surveys and KPIs, theme by theme."""

    evidence: str | None
    themes: list[TriangulatedTheme]
    strength_at: float
    concern_below: float


class ImprovementAction(_M):
    """One action of the Practice Improvement Plan, beside the change in the finding it addresses."""

    id: str
    action: str
    owner: str | None
    due: str | None
    status: str
    recorded_status: str
    source: str | None
    finding: str
    baseline: float | None
    current: float | None
    change: float | None
    trend: str
    summary: str
    round: str | None
    notes: str | None


class ImprovementPlan(_M):
    """The previous round's improvement plan (``--actions``) tracked, and the plan written for the next round."""

    source: str | None
    actions: list[ImprovementAction]
    written: str | None
    added: list[ImprovementAction]


class ReportContext(_M):
    """The whole Practice Report, as handed to the template."""

    title: str
    round: str | None
    generated: str
    qactl_version: str
    format: Literal["html", "md"]
    min_cell: int
    suppressed: str
    audits: int
    scored: int
    overview: list[OverviewRow]
    overview_chart: Chart | None
    rubrics: list[RubricReport]
    themes: list[ThemeRow]
    audits_with_comments: int
    moderation: list[Moderation]
    completion: list[Completion]
    actions: list[Action]
    inputs: list[SourceFile]
    previous: list[SourceFile]
    notes: list[str]
    triangulation: Triangulation | None = None
    improvement_plan: ImprovementPlan | None = None
