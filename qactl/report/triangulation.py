"""The report's triangulation and improvement-plan sections: theme results beside the evidence, actions beside their findings.

Pure: takes the per-theme results the aggregation computed (:func:`qactl.report.aggregate.theme_results`),
the loaded evidence and the previous plan, and returns the models the template renders plus the plan for
the next round. The verdicts are :func:`qactl.triangulation.verdicts.triangulate`'s; the progress is
:func:`qactl.triangulation.actions.progress`'s; this module only shapes them for the report and applies the minimum
cell size to the complaint and compliment counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qactl.report import model as m
from qactl.report.aggregate import suppress

if TYPE_CHECKING:
    from qactl.triangulation.verdicts import ThemeResults

SIGNAL_WORDS = {"strength": "strength", "concern": "concern", "middle": "in between", None: "too few to say"}
ORIGIN_LABELS = {"audit": "Audits", "family": "Family feedback", "practice": "Practice conversations"}


@dataclass(frozen=True)
class Triangulating:
    """What ``qactl report`` was given for triangulation and the improvement plan (all optional)."""

    evidence: Any = None  # qactl.triangulation.evidence.Evidence
    evidence_name: str | None = None
    actions: list | None = None  # the previous plan: list[qactl.triangulation.actions.Action]
    actions_name: str | None = None
    write_name: str | None = None  # where this round's plan will be written (None: not written)
    today: dt.date | None = None
    suggestions: list = field(
        default_factory=list
    )  # the report's actions, as qactl.triangulation.actions.Suggestion: filled in by the context


@dataclass
class Triangulated:
    triangulation: m.Triangulation | None
    improvement_plan: m.ImprovementPlan | None
    next_plan: list | None  # list[qactl.triangulation.actions.Action] to write, when asked


def _source(v) -> m.TriangulatedSource | None:
    if v is None:
        return None
    return m.TriangulatedSource(
        origin=v.origin,
        label=ORIGIN_LABELS[v.origin],
        audits=v.audits,
        answers=v.answers,
        met=v.met,
        percent_met=v.percent_met,
        signal=v.signal,
        signal_words=SIGNAL_WORDS[v.signal],
        criteria=[
            m.TriangulatedCriterion(
                rubric_id=c["rubric"],
                item=c["item"],
                text=c["text"],
                answers=c["answers"],
                percent_met=c["percent_met"],
            )
            for c in v.criteria
        ],
    )


def _kpi_words(k) -> str:
    unit = "" if k.unit in ("", "count") else k.unit
    gap_unit = " points" if unit == "%" else f" {k.unit}" if unit else ""
    gap = abs(k.gap)
    how = "met" if k.met else "missed"
    by = f", by {gap:g}{gap_unit}" if gap else ""
    return f"{k.value:g}{unit} against a target of {k.target:g}{unit}: {how}{by}"


def _date(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


def _theme(v, min_cell: int, suggestion: str | None) -> m.TriangulatedTheme:
    from qactl.report.charts import safe_id

    counts = None
    explanation = v.explanation
    if v.counts is not None:
        c = v.counts
        counts = m.TriangulatedCounts(
            complaints=suppress(c.complaints, min_cell),
            compliments=suppress(c.compliments, min_cell),
            by_service=[
                m.ServiceCount(
                    service=s,
                    complaints=suppress(n["complaints"], min_cell),
                    compliments=suppress(n["compliments"], min_cell),
                )
                for s, n in c.by_service.items()
            ],
            signal=c.signal,
            signal_words=SIGNAL_WORDS[c.signal],
        )
    return m.TriangulatedTheme(
        theme=v.theme,
        anchor=f"theme-{safe_id(v.theme)}",
        label=v.label,
        audit=_source(v.audit),
        family=_source(v.family),
        practice=_source(v.practice),
        counts=counts,
        surveys=[
            m.TriangulatedSurvey(
                source=s.source,
                title=s.title,
                date=_date(s.date),
                question=s.question,
                agree_percent=s.agree_percent,
                respondents=s.respondents,
                service=s.service,
                signal=s.signal,
                signal_words=SIGNAL_WORDS[s.signal],
            )
            for s in v.surveys
        ],
        kpis=[
            m.TriangulatedKpi(
                id=k.id,
                label=k.label,
                value=k.value,
                target=k.target,
                unit=k.unit,
                period=k.period,
                service=k.service,
                met=k.met,
                gap=k.gap,
                signal=k.signal,
                words=_kpi_words(k),
            )
            for k in v.kpis
        ],
        sources=len(v.signals),
        verdict=v.verdict,
        verdict_words=v.words,
        explanation=explanation,
        suggestion=suggestion,
    )


def _improvement(p, label: str, *, new: bool = False) -> m.ImprovementAction:
    a = p.action if not new else p
    return m.ImprovementAction(
        id=a.id,
        action=a.action,
        owner=a.owner,
        due=a.due.strftime("%d/%m/%Y") if a.due else None,
        status=a.status if new else p.status,
        recorded_status=a.status,
        source=a.source,
        finding=label,
        baseline=a.baseline,
        current=a.baseline if new else p.current,
        change=None if new else p.change,
        trend="new" if new else p.trend,
        summary=f"New this round; baseline {a.baseline:g}%."
        if new and a.baseline is not None
        else ("New this round." if new else p.summary),
        round=a.round,
        notes=a.notes,
    )


def build(
    results: ThemeResults,
    findings: Mapping[str, float],
    finding_labels: Mapping[str, str],
    themes: Mapping[str, str] | None,
    t: Triangulating,
    *,
    min_cell: int,
    round_label: str | None,
) -> Triangulated:
    """The triangulation section (when there is evidence or a family or practice rubric), the improvement plan
    section (when a previous plan was given or one is to be written) and the plan to write.

    Args:
        results: per origin, per theme, as :func:`qactl.triangulation.verdicts.theme_results` gives them.
        findings: ``RUBRIC:ITEM`` -> percent met for every criterion of the report (overridden by the themed
            results, so a family-feedback criterion counts Agree as positive, as the triangulation does).
        finding_labels: a finding's source -> the words the report shows for it.
        themes: theme id -> label, in report order.
    """
    from qactl.triangulation.actions import findings_from, plan, progress, suggest_actions
    from qactl.triangulation.verdicts import CONCERN_BELOW, MIN_BASE, STRENGTH_AT, THEME_LABELS, triangulate

    themes = dict(themes or THEME_LABELS)
    views = triangulate(results, t.evidence, themes)
    by_theme = {s.source: s.action for s in suggest_actions(views)}
    triangulation = None
    if t.evidence is not None or any(o in results for o in ("family", "practice")):
        # the same views, their explanations with small counts of complaints and compliments written as <5
        worded = triangulate(results, t.evidence, themes, count=lambda n: suppress(n, min_cell))
        shown = [_theme(v, min_cell, by_theme.get(f"theme:{v.theme}")) for v in worded]
        triangulation = m.Triangulation(
            finding=_finding(shown),
            evidence=t.evidence_name,
            strength_at=STRENGTH_AT,
            concern_below=CONCERN_BELOW,
            min_base=MIN_BASE,
            themes=shown,
        )
    current = {**findings, **findings_from(results)}

    def label(source: str | None) -> str:
        if not source:
            return "–"
        if source.startswith("theme:"):
            tid = source.split(":", 1)[1]
            return f"{themes.get(tid, tid)} (theme)"
        return finding_labels.get(source, source)

    if t.actions is None and t.write_name is None:
        return Triangulated(triangulation, None, None)
    previous = list(t.actions or [])
    tracked = progress(previous, current, today=t.today)
    next_plan = None
    added: list[m.ImprovementAction] = []
    if t.write_name is not None:
        next_plan = plan(previous, t.suggestions, round_label)
        added = [_improvement(a, label(a.source), new=True) for a in next_plan[len(previous) :]]
    return Triangulated(
        triangulation,
        m.ImprovementPlan(
            source=t.actions_name,
            actions=[_improvement(p, label(p.action.source)) for p in tracked],
            written=t.write_name,
            added=added,
        ),
        next_plan,
    )


def _finding(themes: list[m.TriangulatedTheme]) -> str:
    """The section's one line: which themes the sources agree on."""
    concern = [t.label for t in themes if t.verdict == "agree: concern"]
    strength = [t.label for t in themes if t.verdict == "agree: strength"]
    parts = []
    if concern:
        parts.append(
            f"the sources agree {_and(concern)} {'is a concern' if len(concern) == 1 else 'are concerns'}"
        )
    if strength:
        parts.append(f"{_and(strength)} {'is a strength' if len(strength) == 1 else 'are strengths'}")
    differ = [t.label for t in themes if t.verdict_words == "The sources differ"]
    if differ:
        parts.append(f"they point opposite ways on {_and(differ)}")
    leaning = sum(t.verdict_words.startswith("Leans") for t in themes)
    if leaning:
        parts.append(f"{leaning} more lean one way with the other sources in between")
    if not parts:
        return "No theme has two sources with enough to say for a verdict."
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
