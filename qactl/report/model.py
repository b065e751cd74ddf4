"""The data a Practice Report template receives: :class:`ReportContext` and the models inside it.

This is the contract with templates (documented field by field in ``docs/report-template.md``, kept in
step by a test): aggregates only, never a comment, never a pii field. The only audits it names are those
of the lowest grades, by pseudonymous reference, for the service packs. Percentages are 0–100 with one
decimal place; ``None`` means "no data" (templates show it with the ``num``/``pct`` filters, which print a
dash). Every ``anchor`` is safe as an HTML id and a link target (letters, digits and hyphens).
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


class Term(_M):
    """One entry of the glossary: what a figure counts."""

    id: str
    term: str
    definition: str


class KeyMessage(_M):
    """One of the report's opening sentences: a finding, its change, and the action it implies."""

    id: str
    figure: str
    finding: str
    change: str | None
    action: str
    section: str
    section_title: str
    direction: Literal["worse", "better", "same"] | None


class ContentsEntry(_M):
    """One line of the contents list."""

    anchor: str
    title: str
    level: int
    parent: str | None


class Accounting(_M):
    """Where every returned audit went: returned = scored + not scored + duplicates; scored = graded + not graded."""

    rubric_id: str | None
    title: str
    anchor: str | None
    purpose: str | None
    returned: int
    duplicates: int
    with_errors: int
    scored: int
    graded: int
    not_graded: int


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
    review_share: float | None
    version: str
    comparable: bool
    rescored: bool
    current: bool


class Trend(_M):
    """A rubric's earlier rounds (up to five) beside this one."""

    previous_round: str
    previous_scored: int
    previous_mean_score: float | None
    mean_score_change: float | None
    comparable: bool
    rounds: list[RoundPoint]
    changes: list[str]
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
    """Results of one team, key stage (or provider); counts under the minimum cell size shown as ``<5``."""

    value: str
    audits: str
    mean_score: float | None
    grades: list[str]
    review: str
    suppressed: bool


class Breakdown(_M):
    """Results grouped by one field (team, key stage, service of the work; the provider in an audit of a provider)."""

    role: str
    field_id: str
    label: str
    grades: list[str]
    rows: list[BreakdownRow]


class MilestoneRow(_M):
    """Timeliness of one milestone, as :mod:`qactl.statutory.timeliness` counts it."""

    id: str
    text: str
    kind: str | None
    citation: str | None
    limit: str | None
    counted: int
    on_time: int
    late: int
    missing: int
    exceptions: int
    not_due: int
    on_time_share: float | None
    rate_with_exceptions: float | None
    median_days_late: float | None
    reasons_refused: int


class KindFigures(_M):
    """Steps of one kind (statutory limits, local targets; "all" in a file that did not tell them apart), as
    :mod:`qactl.statutory.timeliness` counts them: due = on time + late + missing; excused steps are out of the share."""

    kind: Literal["statutory", "target", "all"]
    due: int
    on_time: int
    late: int
    missing: int
    exceptions: int
    breaches: int
    on_time_share: float | None
    share_with_exceptions: float | None
    breach_share: float | None
    audits: int | None
    audits_breached: int | None


class RubricTimeliness(_M):
    """One rubric's steps: statutory limits and local targets apart, and each step."""

    rubric_id: str
    title: str
    anchor: str
    comparable: bool
    statutory: KindFigures | None
    target: KindFigures | None
    all_steps: KindFigures | None
    previous_breach_share: float | None
    milestones: list[MilestoneRow]
    chart: Chart | None
    notes: list[str]


class TimelinessSection(_M):
    """Statutory timeliness across the audit rubrics, local targets apart."""

    finding: str
    statutory: KindFigures | None
    target: KindFigures | None
    all_steps: KindFigures | None
    previous_breach_share: float | None
    previous_round: str | None
    rubrics: list[RubricTimeliness]
    notes: list[str]


class ThemeRow(_M):
    """One theme of the dictionary in the comments: audits mentioning it, as a concern, as a strength."""

    id: str
    label: str
    description: str
    audits: int
    concerns: int
    strengths: int
    share: float | None
    criteria: int
    criteria_share: float | None


class ReviewAudit(_M):
    """One audit in the lowest grades, for the services that contributed to review (service packs only)."""

    ref: str
    plan: str | None
    rubric_id: str
    rubric_title: str
    grade: str
    score: float | None
    services: list[str]
    not_met: list[str]


class ReviewList(_M):
    """A rubric's audits in the lowest grades: how many, and which services contributed to them."""

    grades: list[str]
    total: int
    by_service: list[ServiceAudits]
    unrecorded: int
    of_provider: bool


class ServiceAudits(_M):
    """Audits to review of one rubric that one service contributed to: text, ``<5`` under the minimum cell size."""

    service: str
    audits: str


class ServiceCount(_M):
    """Complaints and compliments about a theme in one service; counts under the minimum cell size as ``<5``."""

    service: str
    complaints: str
    compliments: str


class ServiceRubric(_M):
    """One rubric's audits to review for one service."""

    rubric_id: str
    title: str
    anchor: str
    grades: list[str]
    audits: str


class ServiceReview(_M):
    """One service: the audits in the lowest grades of plans it contributed to, by rubric."""

    service: str
    anchor: str
    total: int
    total_text: str
    rubrics: list[ServiceRubric]
    pack: str | None
    audits: list[ReviewAudit]


class Unrecorded(_M):
    """Audits to review whose contributing services are not recorded, by rubric."""

    rubric_id: str
    title: str
    audits: int


class ServicesToReview(_M):
    """The services asked to review their contributions, most audits first."""

    finding: str
    total: int
    services: list[ServiceReview]
    unrecorded: list[Unrecorded]
    packs: str | None


class AnswerCount(_M):
    """One answer to a survey or conversation question."""

    label: str
    count: int
    share: float | None


class QuestionRow(_M):
    """One question of a survey or conversation: how people answered, best answer first."""

    id: str
    text: str
    section: str
    theme: str | None
    answered: int
    answers: list[AnswerCount]
    not_counted: int
    positive: int
    positive_share: float | None
    previous_positive_share: float | None
    change: float | None
    bar: str


class SurveyReport(_M):
    """A survey or conversation: response distributions per question, never grades."""

    id: str
    anchor: str
    title: str
    version: str
    purpose: str
    rounds: list[str]
    sources: list[str]
    rows: int
    duplicates: int
    with_errors: int
    responses: int
    finding: str
    labels: list[str]
    legend: str
    positive_words: str
    questions: list[QuestionRow]
    themes: list[ThemeRow]
    audits_with_comments: int


class RubricReport(_M):
    """Everything the report says about one audit rubric."""

    id: str
    anchor: str
    title: str
    version: str
    method: str
    purpose: str
    rounds: list[str]
    sources: list[str]
    rows: int
    scored: int
    graded: int
    not_graded: int
    with_errors: int
    duplicates: int
    mean_score: float | None
    finding: str
    grades: list[GradeRow]
    grade_chart: Chart
    trend: Trend | None
    sections: list[SectionScore]
    criteria_count: int
    criteria_best: list[Criterion]
    criteria_weakest: list[Criterion]
    breakdowns: list[Breakdown]
    providers: Breakdown | None
    timeliness: RubricTimeliness | None
    audits_with_comments: int
    themes: list[ThemeRow]
    review: ReviewList
    moderation: list[Moderation]
    completion: Completion | None
    actions: list[Action]


class OverviewRow(_M):
    """One audit rubric in the summary table."""

    rubric_id: str
    anchor: str
    title: str
    graded: int
    mean_score: float | None
    mean_score_change: float | None
    top_grade: str | None
    top_share: float | None
    review_grades: list[str]
    review_count: int
    review_share: float | None
    review_change: float | None
    statutory_on_time_share: float | None


class TrendTable(_M):
    """A table of the numbers of a trend chart: one row per line, one column per round."""

    caption: str
    rounds: list[str]
    rows: list[TrendTableRow]


class TrendTableRow(_M):
    label: str
    values: list[str]


class TrendChart(_M):
    """A line chart of the trends section, with its table."""

    id: str
    heading: str
    finding: str
    chart: Chart
    table: TrendTable


class Trends(_M):
    """Change over the rounds given (up to six): statutory timeliness and the criteria that moved most."""

    finding: str
    rounds: list[str]
    charts: list[TrendChart]
    notes: list[str]


class ModerationItem(_M):
    """Agreement on one item between the two auditors of the same plans."""

    id: str
    text: str
    pairs: int | None
    percent_agreement: float | None
    kappa: float | None
    ac1: float | None = None  # Gwet's AC1, beside kappa
    kappa_misleading: bool = (
        False  # one answer makes up most answers: read AC1 (the high-agreement, low-kappa paradox)
    )


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
    ac1: float | None = None  # Gwet's AC1 over every answer
    kappa_misleading: bool = False  # the overall kappa misleads (one answer makes up most answers)
    pairs_differing: int | None = None  # pairs whose grades or answers differ: the moderation workshop's list


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
    previous_share: float | None
    previous_round: str | None


class Action(_M):
    """A suggested action for the Practice Improvement Plan, from a structured finding (never from a comment)."""

    id: str
    finding: str
    kind: Literal["criterion", "theme", "timeliness"]
    rubric_id: str | None
    title: str
    text: str
    detail: str
    baseline: float | None


class TriangulatedCriterion(_M):
    """One criterion counted in a source's result on a theme."""

    rubric_id: str
    item: str
    text: str
    answers: int
    percent_met: float


class TriangulatedSource(_M):
    """What the audits, the families (surveys) or the practitioners (conversations) say on a theme."""

    origin: Literal["audit", "family", "practice"]
    label: str
    audits: int
    answers: int | None
    met: int | None
    percent_met: float
    signal: Literal["strength", "concern", "middle"] | None
    signal_words: str
    criteria: list[TriangulatedCriterion]


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
    """One theme: every source side by side, the verdict in plain English, and the figures behind it."""

    theme: str
    anchor: str
    label: str
    audit: TriangulatedSource | None
    family: TriangulatedSource | None
    practice: TriangulatedSource | None
    counts: TriangulatedCounts | None
    surveys: list[TriangulatedSurvey]
    kpis: list[TriangulatedKpi]
    sources: int
    verdict: Literal["agree: strength", "agree: concern", "mixed", "one source"]
    verdict_words: str
    explanation: str
    suggestion: str | None


class Triangulation(_M):
    """Audit findings beside family feedback, practice conversations, complaints, surveys and KPIs, theme by theme."""

    finding: str
    evidence: str | None
    themes: list[TriangulatedTheme]
    strength_at: float
    concern_below: float
    min_base: int


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
    key_messages: list[KeyMessage]
    contents: list[ContentsEntry]
    summary_finding: str
    accounting: list[Accounting]
    accounting_total: Accounting
    audits: int
    scored: int
    overview: list[OverviewRow]
    overview_chart: Chart | None
    rubrics: list[RubricReport]
    surveys: list[SurveyReport]
    services: ServicesToReview
    timeliness: TimelinessSection | None
    trends: Trends | None
    themes: list[ThemeRow]
    audits_with_comments: int
    moderation: list[Moderation]
    completion: list[Completion]
    actions: list[Action]
    actions_finding: str
    audits_finding: str
    surveys_finding: str
    inputs: list[SourceFile]
    previous: list[SourceFile]
    notes: list[str]
    glossary: list[Term]
    triangulation: Triangulation | None = None
    improvement_plan: ImprovementPlan | None = None


ReviewList.model_rebuild()
RubricTimeliness.model_rebuild()
RubricReport.model_rebuild()
TrendTable.model_rebuild()
TriangulatedCounts.model_rebuild()
