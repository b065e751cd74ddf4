"""Triangulation: each theme's audit finding beside what families, practitioners, complaints, surveys and KPIs say.

Wolverhampton QA Framework §7 ("Triangulation and Broader Insights") and Appendix A stage 2; Worcestershire
§4–5 (audits brought together with service-user feedback). Pure functions, no I/O:

* :func:`theme_results` turns scored files (docs/score.md, "The scored file"; any rubric) into per-origin, per-theme results;
* :func:`triangulate` puts those results beside an :class:`~qactl.triangulation.evidence.Evidence` and gives each theme a
  verdict: ``agree: strength``, ``agree: concern``, ``mixed`` or ``one source``.

How a verdict is reached (the thresholds are the module constants below, documented in docs/triangulation.md):
each source gives a *signal* for the theme, ``strength``, ``concern`` or ``middle`` (or none, when it has too
little to say). Percentages (audits, family feedback, practice conversations, surveys) are a strength from
``STRENGTH_AT`` (70%) and a concern below ``CONCERN_BELOW`` (50%); KPIs are a strength when they meet their
target and a concern when they miss it; complaints and compliments are a concern when there are at least
``COUNT_MIN`` complaints and more than twice as many complaints as compliments (and the other way round
for a strength). A source under the minimum base (``MIN_BASE`` audits, responses or respondents) gives no
signal and is named as too few. With two or more sources signalling: all strength → ``agree: strength``; all
concern → ``agree: concern``; anything else → ``mixed``. With fewer, ``one source``. Each verdict comes with a
plain sentence ("Audits (…) and families (…) agree this is a concern.") giving the figures behind it, and
:data:`VERDICT_WORDS` says it in words for headings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict

from qactl.statutory.timeliness import COUNTED as TIMELINESS_COUNTED
from qactl.triangulation.evidence import Evidence, Kpi, Survey

Origin = Literal["audit", "family", "practice"]
Signal = Literal["strength", "concern", "middle"]
Verdict = Literal["agree: strength", "agree: concern", "mixed", "one source"]

STRENGTH_AT = 70.0  # a percentage at or above this is a strength (the Good band of the audit rubrics)
CONCERN_BELOW = 50.0  # a percentage below this is a concern (Requires improvement and below)
MIN_BASE = (
    10  # fewer audits (or responses, or survey respondents) than this on a theme give no signal: no verdict
)
COUNT_MIN = 5  # complaints (or compliments) needed before they signal anything
COUNT_RATIO = 2.0  # ... and they must outnumber the other kind by more than this

#: Rubrics whose results are the family's or the practitioners' view rather than an audit.
ORIGIN_OF_RUBRIC: dict[str, Origin] = {"family-feedback": "family", "practice-conversation": "practice"}

#: The share of an item's maximum an answer needs to count as met (audit) or positive (family, practice).
#: Audits: the top of the scale only (Fully, Yes). Family: Agree or Strongly agree. Practice: Mostly or Consistently.
MET_AT: dict[Origin, float] = {"audit": 1.0, "family": 0.75, "practice": 2 / 3}
# Every statutory milestone of a rubric (ehcna-file, annual-review) is evidence on this theme: met when on time,
# not met when late or missing; exceptions and dates not yet due are out, as in the national statistics.
MILESTONE_THEME = "timeliness"
MILESTONE_COUNTED = {
    st: st == "on_time" for st in TIMELINESS_COUNTED
}  # qactl.statutory.timeliness: due, and not excused

#: The theme ids of the report's theme dictionary at issue 8, with labels; the report passes its own.
THEME_LABELS: dict[str, str] = {
    "voice_of_child": "Voice of the child",
    "smart_outcomes": "SMART outcomes",
    "jargon": "Clear language, no jargon",
    "provision_specificity": "Provision specified",
    "preparing_for_adulthood": "Preparing for adulthood",
    "health_needs": "Health needs",
    "social_care": "Social care",
    "timeliness": "Timeliness",
    "multi_agency": "Multi-agency working",
    "family_engagement": "Family engagement",
}


class CriterionResult(TypedDict):
    rubric: str
    item: str
    text: str
    answers: int  # applying answers (N/A and not-applicable left out)
    percent_met: float


class ThemeResult(TypedDict):
    """What one origin says about one theme: the input of :func:`triangulate`."""

    audits: int  # audits (or responses) with at least one applying answer on the theme
    answers: int  # applying answers on the theme (an audit answers several of its criteria)
    met: int  # of which met (audit) / positive (family, practice)
    percent_met: float  # met / answers, 0–100, 1 dp
    criteria: list[CriterionResult]  # the items counted, weakest first


ThemeResults = Mapping[Origin, Mapping[str, ThemeResult]]


#: A rubric's declared purpose, as an origin: a survey is the families' view, a conversation the practitioners'.
ORIGIN_OF_PURPOSE: dict[str, Origin] = {"audit": "audit", "survey": "family", "conversation": "practice"}


def origin_of(rubric_id: str, purpose: str | None = None) -> Origin:
    """Whose view a rubric's answers are: from its declared ``purpose`` when the scored file has it, else by its id."""
    if purpose in ORIGIN_OF_PURPOSE:
        return ORIGIN_OF_PURPOSE[purpose]
    return ORIGIN_OF_RUBRIC.get(rubric_id, "audit")


def is_met(points: float, maximum: float, origin: Origin) -> bool:
    """The one definition of an answer met (audits: full points) or positive (families, practitioners): :data:`MET_AT`."""
    return points >= MET_AT[origin] * maximum - 1e-9


def theme_results(scored_files: Iterable[Mapping[str, Any]]) -> dict[Origin, dict[str, ThemeResult]]:
    """Per-origin, per-theme results from scored files (documents in the shape docs/score.md gives, each with its ``schema``).

    Only audits with ``status == "scored"`` count; an answer counts when the item applies and it has points
    (N/A and "Don't know" have none). Items without a ``theme`` are left out.
    """
    tallies: dict[Origin, dict[str, dict[str, Any]]] = {}
    for doc in scored_files:
        rubric_id = doc["rubric"]["id"]
        origin = origin_of(rubric_id, (doc.get("schema") or {}).get("purpose"))
        items = [i for i in (doc.get("schema") or {}).get("items", []) if i.get("theme")]
        milestones = [m for m in (doc.get("schema") or {}).get("milestones", []) if m.get("id")]
        if not items and not milestones:
            continue
        per_theme = tallies.setdefault(origin, {})
        for item in items:
            t = per_theme.setdefault(item["theme"], {"refs": set(), "n": 0, "met": 0, "criteria": {}})
            t["criteria"].setdefault((rubric_id, item["id"]), {"text": item["text"], "n": 0, "met": 0})
        if milestones:
            t = per_theme.setdefault(MILESTONE_THEME, {"refs": set(), "n": 0, "met": 0, "criteria": {}})
            for m in milestones:
                t["criteria"].setdefault(
                    (rubric_id, m["id"]), {"text": m.get("text") or m["id"], "n": 0, "met": 0}
                )
        for k, audit in enumerate(doc.get("audits", [])):
            if audit.get("status") != "scored":
                continue
            ref = (rubric_id, audit.get("ref") or k, doc.get("round"))
            for item in items:
                a = audit.get("answers", {}).get(item["id"])
                if not a or not a.get("applies") or a.get("points") is None or not a.get("max"):
                    continue
                _tally(
                    per_theme[item["theme"]],
                    ref,
                    (rubric_id, item["id"]),
                    is_met(a["points"], a["max"], origin),
                )
            for m in milestones:
                r = (audit.get("milestones") or {}).get(m["id"])
                status = r.get("status") if isinstance(r, dict) else None
                met = MILESTONE_COUNTED.get(status) if isinstance(status, str) else None
                if met is not None:
                    _tally(per_theme[MILESTONE_THEME], ref, (rubric_id, m["id"]), met)
    out: dict[Origin, dict[str, ThemeResult]] = {}
    for origin, per_theme in tallies.items():
        for theme, t in per_theme.items():
            if not t["n"]:
                continue
            criteria = [
                CriterionResult(
                    rubric=r, item=i, text=c["text"], answers=c["n"], percent_met=_pct(c["met"], c["n"])
                )
                for (r, i), c in t["criteria"].items()
                if c["n"]
            ]
            criteria.sort(key=lambda c: (c["percent_met"], c["rubric"], c["item"]))
            out.setdefault(origin, {})[theme] = ThemeResult(
                audits=len(t["refs"]),
                answers=t["n"],
                met=t["met"],
                percent_met=_pct(t["met"], t["n"]),
                criteria=criteria,
            )
    return out


def _tally(t: dict[str, Any], ref: tuple, criterion: tuple[str, str], met: bool) -> None:
    """Count one answer (or statutory date) on a theme and on its criterion."""
    t["refs"].add(ref)
    t["n"] += 1
    t["met"] += met
    c = t["criteria"][criterion]
    c["n"] += 1
    c["met"] += met


def _pct(met: float, n: int) -> float:
    return round(100.0 * met / n, 1) if n else 0.0


# ---------------------------------------------------------------------------------------------
# The views
# ---------------------------------------------------------------------------------------------


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class SourceView(_View):
    """An audit, family-feedback or practice-conversation result on the theme."""

    origin: Origin
    audits: int  # audits (or responses) with an applying answer on the theme
    answers: int | None = None  # applying answers on the theme
    met: int | None = None  # of which met / positive
    percent_met: float
    criteria: list[dict[str, Any]]
    signal: Signal | None


class CountsView(_View):
    """Complaints and compliments on the theme, in total and by service."""

    complaints: int
    compliments: int
    by_service: dict[str, dict[str, int]]  # service -> {"complaints": n, "compliments": n}
    signal: Signal | None


class SurveyView(_View):
    source: str
    title: str | None
    date: str  # ISO
    question: str
    agree_percent: float
    respondents: int | None
    service: str | None
    signal: Signal | None


class KpiView(_View):
    id: str
    label: str
    value: float
    target: float
    unit: str
    period: str | None
    service: str | None
    met: bool
    gap: float  # beyond (+) or short of (−) the target, in the KPI's unit
    signal: Signal


class ThemeView(_View):
    """One theme, every source side by side, and the verdict."""

    theme: str
    label: str
    audit: SourceView | None
    family: SourceView | None
    practice: SourceView | None
    counts: CountsView | None
    surveys: list[SurveyView]
    kpis: list[KpiView]
    signals: dict[
        str, Signal
    ]  # source name ("audits", "families", "complaints", "PCF survey", KPI label) -> signal
    verdict: Verdict
    words: str  # the verdict in plain English, for a heading: "The sources agree: a concern", "Leans to a strength", …
    explanation: str


def percent_signal(p: float, n: int | None = None) -> Signal | None:
    """``strength`` from STRENGTH_AT, ``concern`` below CONCERN_BELOW, else ``middle``; none under MIN_BASE."""
    if n is not None and n < MIN_BASE:
        return None
    return "strength" if p >= STRENGTH_AT else "concern" if p < CONCERN_BELOW else "middle"


def counts_signal(complaints: int, compliments: int) -> Signal | None:
    """Complaints outnumbering compliments more than COUNT_RATIO to 1 (at least COUNT_MIN) are a concern."""
    if complaints >= COUNT_MIN and complaints > COUNT_RATIO * compliments:
        return "concern"
    if compliments >= COUNT_MIN and compliments > COUNT_RATIO * complaints:
        return "strength"
    if complaints + compliments >= COUNT_MIN:
        return "middle"
    return None


def kpi_signal(kpi: Kpi) -> Signal:
    return "strength" if kpi.met else "concern"


def triangulate(
    results: ThemeResults,
    evidence: Evidence | None,
    themes: Mapping[str, str] | None = None,
    *,
    count: Callable[[int], str] = str,
) -> list[ThemeView]:
    """Every theme with any evidence, in the order of ``themes``, each source beside the others.

    Args:
        results: ``{"audit": {theme_id: ThemeResult}, "family": {...}, "practice": {...}}`` (any origin may
            be missing), as :func:`theme_results` makes from scored files.
        evidence: the loaded ``--evidence`` file, or ``None``.
        themes: theme id -> label, in report order (the theme dictionary); default :data:`THEME_LABELS`.
            Themes outside it that appear in ``results`` come after, labelled by their id.
        count: how a count of complaints or compliments is written in the explanations (a report that hides small
            numbers passes its own, e.g. ``<5``); the verdicts are always worked out from the counts themselves.
    """
    themes = dict(themes or THEME_LABELS)
    order = list(themes)
    for per_theme in results.values():
        order += [t for t in per_theme if t not in order]
    views = []
    for theme in order:
        label = themes.get(theme, theme.replace("_", " ").capitalize())
        view = _theme_view(theme, label, results, evidence, count)
        if view is not None:
            views.append(view)
    return views


_ORIGIN_WORDS = {"audit": "audits", "family": "families", "practice": "practitioners"}
_OWN_UNITS = {
    "audit": ("audit", "fully met"),
    "family": ("response", "positive"),
    "practice": ("conversation", "positive"),
}


def _n(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def source_words(origin: Origin, sv: SourceView) -> str:
    """A source's figure with the numbers behind it: "audits (41.7% of 120 answers fully met, 30 audits)"."""
    unit, what = _OWN_UNITS[origin]
    if sv.answers is None:
        return f"{_ORIGIN_WORDS[origin]} ({sv.percent_met:g}% {what}, {_n(sv.audits, unit)})"
    return f"{_ORIGIN_WORDS[origin]} ({sv.met:,} of {_n(sv.answers, 'answer')} {what}, {sv.percent_met:g}%, from {_n(sv.audits, unit)})"


def _theme_view(
    theme: str, label: str, results: ThemeResults, ev: Evidence | None, count: Callable[[int], str] = str
) -> ThemeView | None:
    sources: dict[Origin, SourceView | None] = {}
    for origin in ("audit", "family", "practice"):
        r = results.get(origin, {}).get(theme)
        sources[origin] = (
            None
            if r is None
            else SourceView(
                origin=origin,
                audits=r["audits"],
                answers=r.get("answers"),
                met=r.get("met"),
                percent_met=r["percent_met"],
                criteria=list(r["criteria"]),
                signal=percent_signal(r["percent_met"], r["audits"]),
            )
        )
    counts = surveys = kpis = None
    if ev is not None:
        counts = _counts(theme, ev)
        surveys = [_survey(s) for s in ev.surveys if s.theme == theme]
        kpis = [_kpi(k) for k in ev.kpis if k.theme == theme]
    surveys, kpis = surveys or [], kpis or []
    if not any(sources.values()) and counts is None and not surveys and not kpis:
        return None

    signals: dict[str, Signal] = {}
    phrases: dict[str, str] = {}
    too_few: list[str] = []
    for origin, sv in sources.items():
        if sv is None:
            continue
        name = _ORIGIN_WORDS[origin]
        if sv.signal is None:
            too_few.append(f"{name} ({_n(sv.audits, _OWN_UNITS[origin][0])})")
            continue
        signals[name] = sv.signal
        phrases[name] = source_words(origin, sv)
    if counts is not None:
        against, praised = count(counts.complaints), count(counts.compliments)
        if counts.signal is None:
            too_few.append(f"complaints and compliments ({against} and {praised})")
        else:
            signals["complaints and compliments"] = counts.signal
            phrases["complaints and compliments"] = {
                "concern": f"complaints ({against}, against {praised} compliments)",
                "strength": f"compliments ({praised}, against {against} complaints)",
                "middle": f"complaints and compliments ({against} and {praised})",
            }[counts.signal]
    for s in surveys:
        if s.signal is None:
            too_few.append(f"the {s.source} survey ({_n(s.respondents or 0, 'respondent')})")
            continue
        name = f"{s.source} survey: {s.question}"
        signals[name] = s.signal
        who = f" of {s.respondents:,}" if s.respondents else ""
        phrases[name] = f"the {s.source} survey ({s.agree_percent:g}%{who} agreeing)"
    for k in kpis:
        name = f"KPI: {k.label}"
        signals[name] = k.signal
        unit = "" if k.unit in ("", "count") else k.unit
        phrases[name] = f"the KPI {k.label!r} ({k.value:g}{unit} against a target of {k.target:g}{unit})"
    verdict, explanation = _verdict(signals, phrases, too_few)
    return ThemeView(
        theme=theme,
        label=label,
        audit=sources["audit"],
        family=sources["family"],
        practice=sources["practice"],
        counts=counts,
        surveys=surveys,
        kpis=kpis,
        signals=signals,
        verdict=verdict,
        words=verdict_words(verdict, signals),
        explanation=explanation,
    )


def _counts(theme: str, ev: Evidence) -> CountsView | None:
    by_service: dict[str, dict[str, int]] = {}
    totals = {"complaints": 0, "compliments": 0}
    found = False
    for kind in ("complaints", "compliments"):
        for c in getattr(ev, kind):
            if c.theme != theme:
                continue
            found = True
            totals[kind] += c.count
            by_service.setdefault(c.service, {"complaints": 0, "compliments": 0})[kind] += c.count
    if not found:
        return None
    return CountsView(
        **totals, by_service=by_service, signal=counts_signal(totals["complaints"], totals["compliments"])
    )


def _survey(s: Survey) -> SurveyView:
    return SurveyView(
        source=s.source,
        title=s.title,
        date=s.date.isoformat(),
        question=s.question,
        agree_percent=s.agree_percent,
        respondents=s.respondents,
        service=s.service,
        signal=percent_signal(s.agree_percent, s.respondents),
    )


def _kpi(k: Kpi) -> KpiView:
    return KpiView(
        id=k.id,
        label=k.label,
        value=k.value,
        target=k.target,
        unit=k.unit,
        period=k.period,
        service=k.service,
        met=k.met,
        gap=k.gap,
        signal=kpi_signal(k),
    )


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


#: The verdicts in plain English, for headings: a board member reads these, not the codes.
VERDICT_WORDS: dict[str, str] = {
    "agree: strength": "The sources agree: a strength",
    "agree: concern": "The sources agree: a concern",
    "mixed": "The sources differ",
    "one source": "Not enough evidence to compare",
}


def verdict_words(verdict: Verdict, signals: Mapping[str, Signal]) -> str:
    """The verdict in words; a ``mixed`` verdict says which way it leans when no source points the other way."""
    if verdict != "mixed":
        return VERDICT_WORDS[verdict]
    kinds = set(signals.values())
    if kinds == {"strength", "middle"}:
        return "Leans to a strength"
    if kinds == {"concern", "middle"}:
        return "Leans to a concern"
    if kinds == {"middle"}:
        return "Neither a strength nor a concern"
    return VERDICT_WORDS["mixed"]


_SIGNAL_WORDS = {
    "strength": "a strength",
    "concern": "a concern",
    "middle": "neither a strength nor a concern",
}


def _verdict(
    signals: dict[str, Signal], phrases: dict[str, str], too_few: list[str] | None = None
) -> tuple[Verdict, str]:
    """The verdict and one plain sentence with the figures behind it; sources under the minimum base are named as too few."""
    few = ""
    if too_few:
        few = f" Too few to count (under {MIN_BASE} audits or responses, {COUNT_MIN} complaints): {_join(too_few)}."
    if len(signals) < 2:
        if not signals:
            return "one source", ("No source has enough on this theme for a verdict." + few).strip()
        ((name, sig),) = signals.items()
        return (
            "one source",
            f"Only {phrases[name]} {'point' if _plural(phrases[name]) else 'points'} to {_SIGNAL_WORDS[sig]}; there is no second source to confirm it.{few}",
        )
    kinds = set(signals.values())
    everyone = _join([phrases[n] for n in signals])
    if kinds == {"strength"}:
        return "agree: strength", _cap(f"{everyone} agree this is a strength.{few}")
    if kinds == {"concern"}:
        return "agree: concern", _cap(f"{everyone} agree this is a concern.{few}")
    parts = []
    for sig in ("concern", "strength", "middle"):
        names = [phrases[n] for n, s in signals.items() if s == sig]
        if names:
            plural = len(names) > 1 or _plural(names[0])
            if sig == "middle":
                parts.append(f"{_join(names)} {'are' if plural else 'is'} in between")
            else:
                parts.append(f"{_join(names)} {'point' if plural else 'points'} to {_SIGNAL_WORDS[sig]}")
    return "mixed", _cap("; ".join(parts) + "." + few)


def _plural(phrase: str) -> bool:
    return phrase.split(" (")[0] in _PLURAL


_PLURAL = {"audits", "families", "practitioners", "complaints", "compliments", "complaints and compliments"}


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]
