"""From loaded files to the :class:`ReportContext` a template renders: tallies, trends, charts, actions.

Pure: takes plain documents (as ``results.read_any`` returns them), returns the model. No file I/O.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from qactl.errors import InputError
from qactl.report import charts
from qactl.report import model as m
from qactl.report.aggregate import (
    GROUP_ROLES,
    NOT_RECORDED,
    Options,
    RubricTally,
    breakdown_rows,
    pct,
    review_grades,
    theme_results,
)
from qactl.report.themes import ThemeFile, matcher
from qactl.report.triangulation import Triangulated, Triangulating
from qactl.report.triangulation import build as build_triangulation

ROLE_LABELS = {"service": "Service", "team": "Team", "key_stage": "Key stage"}


@dataclass(frozen=True)
class Loaded:
    """One input document and the name it is shown by."""

    doc: dict[str, Any]
    name: str
    sha256: str | None = None


def _rubric_id(doc: dict) -> str | None:
    r = doc.get("rubric")
    if isinstance(r, dict):
        return str(r.get("id")) if r.get("id") else None
    return str(r) if r else None


def _tally(files: list[Loaded], opts: Options, themes: ThemeFile | None, notes: list[str]) -> dict[str, RubricTally]:
    """Tallies per rubric id, in the order the rubrics first appear."""
    tallies: dict[str, RubricTally] = {}
    match = matcher(themes) if themes else None
    for f in files:
        rid = _rubric_id(f.doc)
        schema = f.doc.get("schema")
        if not rid or not isinstance(schema, dict):
            raise InputError(f"{f.name} has no rubric schema in its header (it was scored by an older qactl). Score the export again with this version.")
        if f.doc.get("format", 1) == 1:
            notes.append(f"{f.name} was scored by qactl 0.1 (format 1): its dates are not split into statutory limits and local "
                         "targets, one reason excused every late date, and its grades were given before a statutory breach capped "
                         "them, so its timeliness is not compared and its grades are not like for like. Score its export again "
                         "with this version to compare it.")
        t = tallies.get(rid)
        if t is None:
            t = tallies[rid] = RubricTally(schema, f.doc.get("rubric") or {"id": rid}, match, opts)
        elif str((f.doc.get("rubric") or {}).get("version")) != str(t.rubric.get("version")):
            notes.append(f"{f.name} was scored with version {(f.doc.get('rubric') or {}).get('version')} of {rid}, the others with {t.rubric.get('version')}: counted together, under the first file's criteria.")
        t.add_file(f.doc, f.name)
    return tallies


def _grade_chart_desc(title: str, rows: list[m.GradeRow], previous: str | None) -> str:
    parts = []
    for g in rows:
        s = f"{g.grade}: {g.count} audits ({_p(g.share)})"
        if previous is not None:
            s += f", previously {_p(g.previous_share)}"
        parts.append(s)
    return f"{title}. " + "; ".join(parts) + "."


def _p(v: float | None) -> str:
    return "no data" if v is None else f"{v:.1f}%"


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else round(now - before, 1)


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _percent(v: Any) -> float | None:
    """A percent from a moderation file (0–100, as `qactl moderate` writes it)."""
    x = _num(v)
    return None if x is None else round(x, 1)


def _count(v: Any) -> int | None:
    if isinstance(v, list):
        return len(v)
    return int(v) if isinstance(v, int) and not isinstance(v, bool) else None


def moderation(f: Loaded) -> m.Moderation:
    """The figures of a moderation file, read defensively: a missing key is "no data"."""
    d = f.doc
    overall = d.get("overall") if isinstance(d.get("overall"), dict) else {}
    items = []
    for it in d.get("items") or []:
        if not isinstance(it, dict):
            continue
        items.append(m.ModerationItem(
            id=str(it.get("id") or "–"), text=str(it.get("text") or it.get("id") or "–"), pairs=_count(it.get("pairs")),
            percent_agreement=_percent(it.get("percent_agreement")),
            kappa=None if _num(it.get("kappa")) is None else round(_num(it.get("kappa")), 2),
        ))
    items.sort(key=lambda i: (i.percent_agreement is None, i.percent_agreement if i.percent_agreement is not None else 0))
    k, wk = _num(overall.get("kappa")), _num(overall.get("weighted_kappa"))
    return m.Moderation(
        source=f.name, rubric_id=_rubric_id(d), round=str(d["round"]) if d.get("round") else None,
        pairs=_count(d.get("pairs")), percent_agreement=_percent(overall.get("percent_agreement")),
        kappa=None if k is None else round(k, 2), weighted_kappa=None if wk is None else round(wk, 2),
        grade_agreement=_percent(overall.get("grade_agreement")), items=items[:10],
        disagreements=_count(d.get("disagreements")),
    )


def completion(f: Loaded, tallies: dict[str, RubricTally]) -> m.Completion:
    """Allocated against returned: the allocation's assignments against the current audits of the allocated plans.

    An audit is returned when its plan id (the rubric's non-pii field with role ``plan_id``) is one the
    allocation assigned. The rubric is the one the allocation names, else the one with most audits of its
    plans; when no rubric has a plan id field (or none matches), returned is unknown.
    """
    d = f.doc
    assignments = [a for a in d.get("assignments") or [] if isinstance(a, dict)]
    roles = Counter(str(a.get("role") or "primary") for a in assignments)
    plans = {" ".join(str(a.get("plan_id")).split()).casefold() for a in assignments if a.get("plan_id") not in (None, "")}
    rid = _rubric_id(d)
    if rid is None and isinstance(d.get("options"), dict) and d["options"].get("rubric"):
        rid = str(d["options"]["rubric"])
    matches = {r: sum(n for p, n in t.plans.items() if p in plans) for r, t in tallies.items() if t.plan_field}
    if rid not in matches:
        rid = max(matches, key=lambda r: matches[r], default=None)
        if rid is not None and not matches[rid]:
            rid = None
    returned = matches[rid] if rid is not None else None
    return m.Completion(
        source=f.name, round=str(d["round"]) if d.get("round") else None, rubric_id=rid, allocated=len(assignments),
        primary=roles.get("primary", 0), moderation=sum(n for r, n in roles.items() if r != "primary"),
        returned=returned, share=None if returned is None else pct(returned, len(assignments)),
    )


def _criteria(t: RubricTally, prev: RubricTally | None, top: int) -> tuple[list[m.Criterion], list[m.Criterion], dict]:
    before = {c["id"]: c for c in prev.criteria()} if prev else {}
    rows = []
    for c in t.criteria():
        ps = before.get(c["id"], {}).get("share")
        rows.append(m.Criterion(**c, previous_share=ps, change=_change(c["share"], ps)))
    scored = [c for c in rows if c.applicable]
    n = min(top, max(1, len(scored) // 2)) if scored else 0
    order = {c.id: i for i, c in enumerate(scored)}
    best = sorted(scored, key=lambda c: (-(c.share or 0), -c.applicable, order[c.id]))[:n]
    weakest = sorted(scored, key=lambda c: (c.share or 0, -c.applicable, order[c.id]))[:n]
    return best, weakest, {c.id: c for c in rows}


def _themes(themes: ThemeFile | None, counts: Counter, commented: int, criteria: dict[str, m.Criterion] | None = None, *, only_found: bool = False) -> list[m.ThemeRow]:
    if themes is None:
        return []
    rows = []
    for i, th in enumerate(themes.themes):
        linked = [c for c in (criteria or {}).values() if c.theme == th.id]
        applicable = sum(c.applicable for c in linked)
        met = sum(c.fully_met for c in linked)
        n = counts.get(th.id, 0)
        if only_found and not n:
            continue
        rows.append((-n, i, m.ThemeRow(
            id=th.id, label=th.label, description=th.description, audits=n, share=pct(n, commented),
            criteria=len(linked), criteria_share=pct(met, applicable),
        )))
    return [r for *_, r in sorted(rows, key=lambda r: (r[0], r[1]))]


def _rubric(t: RubricTally, previous: list[RubricTally], themes: ThemeFile | None, opts: Options,
            moderations: list[m.Moderation], completions: list[m.Completion]) -> m.RubricReport:
    rid = t.rubric.get("id") or "rubric"
    title = str(t.rubric.get("title") or rid)
    prev = previous[-1] if previous else None
    grades = [
        m.GradeRow(
            grade=g, rank=i, count=t.grade_counts.get(g, 0), share=t.share(g),
            previous_count=prev.count(g) if prev else None,
            previous_share=prev.share(g) if prev else None,
            change=_change(t.share(g), prev.share(g)) if prev else None,
        )
        for i, g in enumerate(t.grades)
    ]
    this_round = ", ".join(t.rounds) or "This round"
    prev_round = ", ".join(prev.rounds) or "Previous round" if prev else None
    chart_title = f"{title}: grades of {t.scored_graded} audits" + (f", against {prev_round}" if prev else "")
    grade_chart = m.Chart(
        id=f"chart-{rid}-grades", title=chart_title, description=_grade_chart_desc(chart_title, grades, prev_round),
        svg=charts.grade_bars(
            f"chart-{rid}-grades", chart_title, _grade_chart_desc(chart_title, grades, prev_round),
            [charts.GradeBar(g.grade, g.rank, g.count, g.share, g.previous_share) for g in grades],
            current=this_round, previous=prev_round,
        ),
    )
    trend = None
    if prev:
        points = [m.RoundPoint(round=", ".join(p.rounds) or "–", scored=p.scored_graded, mean_score=p.mean_score,
                               shares={g: p.share(g) for g in t.grades}, current=False) for p in previous]
        points.append(m.RoundPoint(round=this_round, scored=t.scored_graded, mean_score=t.mean_score,
                                   shares={g: t.share(g) for g in t.grades}, current=True))
        ttitle = f"{title}: mean score by round"
        tdesc = ttitle + ". " + "; ".join(f"{p.round}: {_p(p.mean_score).replace('%', '')} from {p.scored} audits" for p in points) + "."
        trend = m.Trend(
            previous_round=prev_round, previous_scored=prev.scored_graded, previous_mean_score=prev.mean_score,
            mean_score_change=_change(t.mean_score, prev.mean_score), rounds=points,
            chart=m.Chart(id=f"chart-{rid}-trend", title=ttitle, description=tdesc, svg=charts.percent_bars(
                f"chart-{rid}-trend", ttitle, tdesc,
                [(p.round, p.mean_score, f"{'–' if p.mean_score is None else f'{p.mean_score:.1f}'} ({p.scored} audits)") for p in points],
            )),
        )
    best, weakest, by_id = _criteria(t, prev, opts.top)
    breakdowns = []
    for role in GROUP_ROLES:
        if role not in t.group_fields or not any(v != NOT_RECORDED for v in t.groups[role]):
            continue
        f = t.group_fields[role]
        breakdowns.append(m.Breakdown(role=role, field_id=f["id"], label=str(f.get("text") or ROLE_LABELS[role]), grades=t.grades,
                                      rows=[m.BreakdownRow(**r) for r in breakdown_rows(t, role)]))
    timeliness = [m.MilestoneRow(**r) for r in t.timeliness()]
    tchart = None
    if any(r.counted for r in timeliness):
        ttitle = f"{title}: share of milestones met on time"
        tdesc = ttitle + ". " + "; ".join(f"{r.text}: {_p(r.on_time_share)} ({r.on_time} of {r.counted})" for r in timeliness) + "."
        tchart = m.Chart(id=f"chart-{rid}-timeliness", title=ttitle, description=tdesc, svg=charts.percent_bars(
            f"chart-{rid}-timeliness", ttitle, tdesc,
            [(r.text, r.on_time_share, f"{_p(r.on_time_share) if r.counted else 'none due'} ({r.on_time} of {r.counted})") for r in timeliness],
        ))
    shown, rest = t.review_list()
    actions = [
        m.Action(rubric_id=rid, rubric_title=title, source="auditors", text=text, count=n,
                 detail=f"raised in {n} audit{'s' if n != 1 else ''}")
        for text, n in t.top_actions()
    ]
    for c in weakest[:3]:
        if c.share is not None and c.share < 100:
            actions.append(m.Action(
                rubric_id=rid, rubric_title=title, source="criterion", count=c.applicable - c.fully_met,
                text=f"Raise the share of audits where this is fully met: {c.text}",
                detail=f"fully met in {c.fully_met} of {c.applicable} audits, {c.share:.1f}%; {c.section}",
            ))
    secs = [m.SectionScore(section=s, audits=int(v[1]), mean_score=round(v[0] / v[1], 1) if v[1] else None) for s, v in t.sections.items()]
    return m.RubricReport(
        id=rid, title=title, version=str(t.rubric.get("version") or ""), method=str(t.schema.get("method") or "percent"),
        rounds=t.rounds, sources=t.sources, rows=t.rows, scored=t.scored, with_errors=t.with_errors, duplicates=t.duplicates,
        mean_score=t.mean_score, grades=grades, grade_chart=grade_chart, trend=trend, sections=secs,
        criteria_count=len(t.items), criteria_best=best, criteria_weakest=weakest, breakdowns=breakdowns,
        timeliness=timeliness, timeliness_chart=tchart, audits_with_comments=t.commented,
        timeliness_summary=_timeliness_summary(t),
        themes=_themes(themes, t.theme_counts, t.commented, by_id),
        action_themes=_themes(themes, t.action_theme_counts, sum(t.actions.values()), by_id, only_found=True),
        review=m.ReviewList(grades=review_grades(t.grades), total=t.review_total, audits=[m.ReviewAudit(**a) for a in shown], not_shown=rest),
        moderation=[x for x in moderations if x.rubric_id == rid],
        completion=next((c for c in completions if c.rubric_id == rid), None), actions=actions,
    )


def _timeliness_summary(t: RubricTally) -> m.TimelinessSummary | None:
    s = t.timeliness_summary()
    if s is None:
        return None
    return m.TimelinessSummary(**{**s, "statutory": m.MilestoneRow(**s["statutory"]) if s["statutory"] else None,
                                  "target": m.MilestoneRow(**s["target"]) if s["target"] else None})


def _order_previous(tallies: list[tuple[int, RubricTally]]) -> list[RubricTally]:
    """Earlier rounds, oldest first: by their latest audit date, else by the order given."""
    return [t for _, t in sorted(tallies, key=lambda it: (it[1].last_date or "", it[0]))]


def build_context(current: list[Loaded], previous: list[Loaded], allocations: list[Loaded], moderations: list[Loaded],
                  themes: ThemeFile | None, opts: Options, *, title: str, round_label: str | None, fmt: str,
                  generated: str, version: str, triangulating: Triangulating | None = None) -> m.ReportContext:
    """The report's context (see :func:`build_report` for the improvement plan to write as well)."""
    return build_report(current, previous, allocations, moderations, themes, opts, title=title, round_label=round_label,
                        fmt=fmt, generated=generated, version=version, triangulating=triangulating)[0]


def build_report(current: list[Loaded], previous: list[Loaded], allocations: list[Loaded], moderations: list[Loaded],
                 themes: ThemeFile | None, opts: Options, *, title: str, round_label: str | None, fmt: str,
                 generated: str, version: str, triangulating: Triangulating | None = None) -> tuple[m.ReportContext, list | None]:
    """The report's context, and this round's improvement plan (``qactl.actions.Action`` list) when one is to be written."""
    notes: list[str] = []
    tallies = _tally(current, opts, themes, notes)
    # earlier rounds: one tally per (rubric, round), oldest first
    by_round: dict[tuple[str, str], list[Loaded]] = {}
    for f in previous:
        rid = _rubric_id(f.doc) or "?"
        rnd = str(f.doc.get("round") or f.name)
        if rid not in tallies:
            notes.append(f"{f.name} (previous round) is of the rubric {rid}, which no current input has: not used.")
            continue
        if rnd in tallies[rid].rounds:
            notes.append(f"{f.name} (previous round) is of the same round as the current inputs ({rnd}): not used.")
            continue
        by_round.setdefault((rid, rnd), []).append(f)
    prev_tallies: dict[str, list[tuple[int, RubricTally]]] = {}
    for i, ((rid, _), files) in enumerate(by_round.items()):
        prev_tallies.setdefault(rid, []).append((i, _tally(files, opts, None, notes)[rid]))
    mods = [moderation(f) for f in moderations]
    comps = [completion(f, tallies) for f in allocations]
    rubrics = [
        _rubric(t, _order_previous(prev_tallies.get(rid, [])), themes, opts, mods, comps)
        for rid, t in tallies.items()
    ]
    overview = []
    for r, t in zip(rubrics, tallies.values(), strict=True):
        statutory = r.timeliness_summary.statutory if r.timeliness_summary else None  # statutory limits only, as SEN2 counts
        review = sum(g.count for g in r.grades if g.grade in r.review.grades)
        overview.append(m.OverviewRow(
            rubric_id=r.id, title=r.title, scored=r.scored, with_errors=r.with_errors, mean_score=r.mean_score,
            top_grade=r.grades[0].grade if r.grades else None, top_share=r.grades[0].share if r.grades else None,
            review_grades=r.review.grades, review_count=review, review_share=pct(review, t.scored_graded),
            on_time_share=statutory.on_time_share if statutory else None,
        ))
    overview_chart = None
    if rubrics:
        otitle = "Grades by rubric, share of audits"
        odesc = otitle + ". " + "; ".join(
            f"{r.title}: " + ", ".join(f"{g.grade} {g.count} ({_p(g.share)})" for g in r.grades) for r in rubrics
        ) + "."
        overview_chart = m.Chart(id="chart-overview", title=otitle, description=odesc, svg=charts.stacked_bars(
            "chart-overview", otitle, odesc,
            [(r.title, [charts.Segment(g.grade, g.rank, len(r.grades), g.count, g.share or 0.0) for g in r.grades]) for r in rubrics],
        ))
    all_themes: Counter[str] = Counter()
    for t in tallies.values():
        all_themes.update(t.theme_counts)
    commented = sum(t.commented for t in tallies.values())
    ids = {r.id for r in rubrics}
    tri = _triangulated(tallies, rubrics, themes, opts, triangulating or Triangulating(),
                        round_label or (", ".join(dict.fromkeys(x for r in rubrics for x in r.rounds)) or None))
    ctx = m.ReportContext(
        title=title, round=round_label or (", ".join(dict.fromkeys(x for r in rubrics for x in r.rounds)) or None),
        generated=generated, qactl_version=version, format=fmt, min_cell=opts.min_cell, suppressed=f"<{opts.min_cell}",
        audits=sum(t.rows for t in tallies.values()), scored=sum(t.scored for t in tallies.values()),
        overview=overview, overview_chart=overview_chart, rubrics=rubrics,
        themes=_themes(themes, all_themes, commented), audits_with_comments=commented,
        moderation=[x for x in mods if x.rubric_id not in ids], completion=comps,
        actions=[a for r in rubrics for a in r.actions],
        inputs=[_source(f) for f in current], previous=[_source(f) for f in previous], notes=notes,
        triangulation=tri.triangulation, improvement_plan=tri.improvement_plan,
    )
    return ctx, tri.next_plan


def _triangulated(tallies: dict[str, RubricTally], rubrics: list[m.RubricReport], themes: ThemeFile | None, opts: Options,
                  t: Triangulating, round_label: str | None) -> Triangulated:
    """The triangulation and improvement-plan sections from the tallies' per-theme results."""
    from qactl.actions import Suggestion
    from qactl.triangulate import STRENGTH_AT

    results = theme_results(list(tallies.values()))
    labels = {th.id: th.label for th in themes.themes} if themes else None
    findings: dict[str, float] = {}
    finding_labels: dict[str, str] = {}
    suggestions = []
    for r, tally in zip(rubrics, tallies.values(), strict=True):
        for c in tally.criteria():
            if c["share"] is not None:
                findings[f"{r.id}:{c['id']}"] = c["share"]
            finding_labels[f"{r.id}:{c['id']}"] = f"{c['text']} ({r.title})"
        for c in r.criteria_weakest[:3]:  # the criterion actions the report suggests, when not already a strength
            if c.share is not None and c.share < STRENGTH_AT:
                suggestions.append(Suggestion(source=f"{r.id}:{c.id}", action=f"{r.title}: raise the share where this is fully met: {c.text}", baseline=c.share))
    t = replace(t, criterion_suggestions=suggestions)
    return build_triangulation(results, findings, finding_labels, labels, t, min_cell=opts.min_cell, round_label=round_label)


def _source(f: Loaded) -> m.SourceFile:
    d = f.doc
    return m.SourceFile(file=f.name, kind=str(d.get("kind")), rubric_id=_rubric_id(d), round=str(d["round"]) if d.get("round") else None,
                        rows=len(d.get("audits") or []), sha256=f.sha256 or (d.get("source") or {}).get("sha256"))
