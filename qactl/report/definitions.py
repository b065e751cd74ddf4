"""One definition per figure: what each number of the Practice Report counts, written once.

The report's glossary is this list, and the code that counts each figure cites it (``see definitions``).
A figure is never worked out two ways: the summary's counts are the sums of its table, a survey's positive
share is :func:`qactl.triangulation.verdicts.is_met` wherever it appears, a theme's direction is the theme dictionary's.
"""

from __future__ import annotations

from dataclasses import dataclass

from qactl.triangulation.verdicts import CONCERN_BELOW, COUNT_MIN, MET_AT, MIN_BASE, STRENGTH_AT


@dataclass(frozen=True)
class Term:
    id: str  # the glossary anchor is "def-" + id
    term: str
    definition: str


def terms(min_cell: int) -> list[Term]:
    """The glossary, in reading order."""
    family, practice = MET_AT["family"], MET_AT["practice"]
    return [
        Term(
            "returned",
            "Returned",
            "An audit someone sent in: one row of an exported audit sheet. Every returned audit is scored, not scored "
            "or a duplicate, so returned = scored + not scored + duplicates.",
        ),
        Term(
            "duplicate",
            "Duplicate",
            "The same audit sent in again (the same answers for the same plan or provider, from the same auditor): "
            "the copy is left out of every figure.",
        ),
        Term(
            "not-scored",
            "Not scored",
            "An audit with an answer or date that could not be read (the scored workbook names the cell): left out of "
            "every figure until it is corrected and scored again.",
        ),
        Term("scored", "Scored", "An audit whose every answer could be read. Scored = graded + not graded."),
        Term(
            "graded",
            "Graded",
            "A scored audit with at least one criterion that applied, so it has a score and a grade. A scored audit "
            "where no criterion applied (for example, every step after a lawful decision not to assess) is "
            "counted as scored and not graded: it is in no grade and no mean.",
        ),
        Term(
            "grade-share",
            "Grade share",
            "Audits given a grade, as a percentage of the graded audits of the rubric.",
        ),
        Term(
            "mean-score",
            "Mean score",
            "The average of the graded audits' scores: each score is the points given as a percentage of the points "
            "available on the criteria that applied.",
        ),
        Term(
            "lowest-grades",
            "Lowest grades",
            "A rubric's two lowest grades (the lowest, when it has only two). Audits graded there go back to the services "
            "that contributed to the plan, to review.",
        ),
        Term(
            "fully-met",
            "Fully met",
            "A criterion given the top answer of its scale (full points). The share fully met is of the audits where the "
            "criterion applied and was answered; N/A and blanks are left out.",
        ),
        Term(
            "positive",
            "Positive answer",
            f"In a survey, an answer worth at least {family:.0%} of the question's points (Agree or Strongly agree); in a "
            f"practice conversation, at least {practice:.0%} (Mostly or Consistently). Don't know and Not discussed are "
            "left out of the share. The same definition is used in the survey tables and the triangulation.",
        ),
        Term(
            "change",
            "Change",
            "The difference from the previous round of the same rubric: percentage points for a share, points for a mean "
            "score. A change is not shown across a change of rubric version or scoring rule unless the earlier round "
            "was rescored with the current rubric.",
        ),
        Term(
            "statutory",
            "Share on time",
            "Steps on or before their limit, as a share of the steps due (on time, late, or due with no date). Steps "
            "late for an exception the regulation allows are counted apart and left out of the share, as the national "
            "SEN2 statistics count; steps not yet due or that do not apply are left out. Statutory limits (set by law) "
            "and local targets are counted apart; files scored by qactl 0.1 do not tell them apart. Every "
            "figure of timeliness in this report is counted by this one definition.",
        ),
        Term(
            "breach",
            "Statutory breach",
            "A statutory step after its legal limit, or due and not done, without an exception the regulation allows. "
            "The breach rate is breaches as a share of the statutory steps due.",
        ),
        Term(
            "completion",
            "Returned share",
            "Audits returned for the plans the allocation shared out, as a share of the audits allocated (duplicates "
            "left out).",
        ),
        Term(
            "contributed",
            "Services that contributed",
            "The services that gave advice or provision for the audited plan, as the audit records them (or as the "
            "allocation lists the plan's contributors). Never the child's school or setting.",
        ),
        Term(
            "suppressed",
            f"<{min_cell}",
            f"A count from 1 to {min_cell - 1} in a table by team, service or key stage, shown as <{min_cell} so that no "
            f"child can be recognised. A group of fewer than {min_cell} audits shows nothing more.",
        ),
        Term(
            "theme",
            "Theme",
            "A subject of the theme dictionary (templates/themes.yaml) found in auditors' or families' comments; an "
            "audit counts once per theme. Comments themselves never appear in the report.",
        ),
        Term(
            "direction",
            "Concern, strength",
            "How a comment speaks of a theme, clause by clause: a concern when it uses a concern word (need, should, "
            "missing, unclear, …), a strength when it uses a strength word (good, clear, well, …), else as its comment "
            "box asks (Areas for development: a concern; Strengths identified: a strength). From the theme dictionary.",
        ),
        Term(
            "verdict",
            "Triangulation verdict",
            f"Each source points to a strength at {STRENGTH_AT:g}% or more, to a concern below {CONCERN_BELOW:g}% (a KPI: "
            f"its target met or missed; complaints and compliments: at least {COUNT_MIN} of one kind and more than twice "
            f"the other). A source with fewer than {MIN_BASE} audits or responses gives no verdict. The sources agree "
            "when every source with enough to say points the same way.",
        ),
    ]
