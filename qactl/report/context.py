"""From loaded files to the :class:`ReportContext` a template renders: tallies, rounds, sections, messages.

Pure: takes plain documents (as ``results.open_document`` gives them), returns the model. No file I/O.
Audits (``purpose: audit``) get grades, criteria and services to review; surveys and conversations get
the distribution of their answers, question by question, and nothing else.
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
from qactl.report.charts import safe_id
from qactl.report.definitions import terms
from qactl.report.messages import actions as build_actions
from qactl.report.messages import key_messages, rubric_finding, survey_finding
from qactl.report.services import plan_services, review_list, services_to_review
from qactl.report.statutory import rubric_timeliness
from qactl.report.statutory import section as timeliness_section
from qactl.report.themes import Reader, ThemeFile
from qactl.report.trends import (
    MAX_ROUNDS,
    Round,
    change_words,
    comparable,
    grade_chart,
    line_section,
    order_rounds,
    points,
)
from qactl.report.triangulation import Triangulating
from qactl.report.triangulation import build as build_triangulation

ROLE_LABELS = {"service": "Service", "team": "Team", "key_stage": "Key stage", "setting": "Provider"}


@dataclass(frozen=True)
class Loaded:
    """One input document and the name it is shown by (``rescored``: an earlier export scored again with the current rubric)."""

    doc: dict[str, Any]
    name: str
    sha256: str | None = None
    rescored: bool = False


def _rubric_id(doc: dict) -> str | None:
    r = doc.get("rubric")
    if isinstance(r, dict):
        return str(r.get("id")) if r.get("id") else None
    return str(r) if r else None


def _tally(
    files: list[Loaded], opts: Options, reader: Reader | None, notes: list[str]
) -> dict[str, RubricTally]:
    """Tallies per rubric id, in the order the rubrics first appear."""
    tallies: dict[str, RubricTally] = {}
    for f in files:
        rid = _rubric_id(f.doc)
        schema = f.doc.get("schema")
        if not rid or not isinstance(schema, dict):
            raise InputError(
                f"{f.name} has no rubric schema in its header (it was scored by an older qactl). Score the export again with this version."
            )
        if f.doc.get("format", 1) == 1:
            notes.append(
                f"{f.name} was scored by qactl 0.1 (format 1): its dates are not split into statutory limits and local "
                "targets, one reason excused every late date, and its grades were given before a statutory breach capped "
                "them, so its timeliness is not compared and its grades are not like for like. Score its export again "
                "with this version to compare it."
            )
        rubric = f.doc.get("rubric")
        if not isinstance(rubric, dict):
            rubric = {"id": rid}
        t = tallies.get(rid)
        if t is None:
            t = tallies[rid] = RubricTally(schema, rubric, reader, opts)
        elif str(rubric.get("version")) != str(t.rubric.get("version")):
            notes.append(
                f"{f.name} was scored with version {rubric.get('version')} of {rid}, the others with {t.rubric.get('version')}: counted together, under the first file's criteria."
            )
        t.add_file(f.doc, f.name)
    return tallies


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
    overall = d.get("overall")
    if not isinstance(overall, dict):
        overall = {}
    items = []
    for it in d.get("items") or []:
        if not isinstance(it, dict):
            continue
        items.append(
            m.ModerationItem(
                id=str(it.get("id") or "–"),
                text=str(it.get("text") or it.get("id") or "–"),
                pairs=_count(it.get("pairs")),
                percent_agreement=_percent(it.get("percent_agreement")),
                kappa=_round2(it.get("kappa")),
                ac1=_round2(it.get("ac1")),
                kappa_misleading=it.get("kappa_misleading") is True,
            )
        )
    items.sort(
        key=lambda i: (
            i.percent_agreement is None,
            i.percent_agreement if i.percent_agreement is not None else 0,
        )
    )
    k, wk = _num(overall.get("kappa")), _num(overall.get("weighted_kappa"))
    return m.Moderation(
        source=f.name,
        rubric_id=_rubric_id(d),
        round=str(d["round"]) if d.get("round") else None,
        pairs=_count(d.get("pairs")),
        percent_agreement=_percent(overall.get("percent_agreement")),
        kappa=None if k is None else round(k, 2),
        weighted_kappa=None if wk is None else round(wk, 2),
        grade_agreement=_percent(overall.get("grade_agreement")),
        items=items[:10],
        disagreements=_count(d.get("disagreements")),
        ac1=_round2(overall.get("ac1")),
        kappa_misleading=overall.get("kappa_misleading") is True,
        pairs_differing=_count(overall.get("pairs_differing")),
    )


def _round2(value: object) -> float | None:
    x = _num(value)
    return None if x is None else round(x, 2)


def completion(f: Loaded, tallies: dict[str, RubricTally]) -> m.Completion:
    """Allocated against returned: the allocation's assignments against the current audits of the allocated plans.

    An audit is returned when its plan id (the rubric's non-pii field with role ``plan_id``) is one the
    allocation assigned. The rubric is the one the allocation names, else the one with most audits of its
    plans; when no rubric has a plan id field (or none matches), returned is unknown.
    """
    d = f.doc
    assignments = [a for a in d.get("assignments") or [] if isinstance(a, dict)]
    roles = Counter(str(a.get("role") or "primary") for a in assignments)
    plans = {
        " ".join(str(a.get("plan_id")).split()).casefold()
        for a in assignments
        if a.get("plan_id") not in (None, "")
    }
    rid = _rubric_id(d)
    if rid is None and isinstance(d.get("options"), dict) and d["options"].get("rubric"):
        rid = str(d["options"]["rubric"])
    audits = {r: t for r, t in tallies.items() if t.plan_field and t.purpose == "audit"}
    matches = {r: sum(n for p, n in t.plans.items() if p in plans) for r, t in audits.items()}
    if rid not in matches:
        rid = max(matches, key=lambda r: matches[r], default=None)
        if rid is not None and not matches[rid]:
            rid = None
    returned = matches[rid] if rid is not None else None
    return m.Completion(
        source=f.name,
        round=str(d["round"]) if d.get("round") else None,
        rubric_id=rid,
        allocated=len(assignments),
        primary=roles.get("primary", 0),
        moderation=sum(n for r, n in roles.items() if r != "primary"),
        returned=returned,
        share=None if returned is None else pct(returned, len(assignments)),
        previous_share=None,
        previous_round=None,
    )


def _completions(
    allocations: list[Loaded],
    tallies: dict[str, RubricTally],
    earlier: dict[str, list[Round]],
    order: list[str],
) -> list[m.Completion]:
    """This round's completion, each beside the previous round's when that round's allocation was given too.

    An allocation belongs to the round whose audits name most of its plans (this round, on a tie): so the previous
    round's allocation can be given with ``--allocation`` beside this one's, whatever its label says.
    """
    current, before = [], {}
    for f in allocations:
        c = completion(f, tallies)
        best = None
        for label in order:
            pc = completion(
                f, {rid: r.tally for rid, rounds in earlier.items() for r in rounds if r.label == label}
            )
            if (
                pc.returned
                and pc.returned > (c.returned or 0)
                and (best is None or pc.returned > (best[1].returned or 0))
            ):
                best = (label, pc)
        if best is None:
            current.append(c)
        else:
            before[best[1].rubric_id] = best
    out = []
    for c in current:
        b = before.get(c.rubric_id)
        out.append(c.model_copy(update={"previous_share": b[1].share, "previous_round": b[0]}) if b else c)
    return out


def _criteria(
    t: RubricTally, prev: RubricTally | None, top: int
) -> tuple[list[m.Criterion], list[m.Criterion], dict]:
    before = {c["id"]: c for c in prev.criteria()} if prev else {}
    rows = []
    for c in t.criteria():
        ps = before.get(c["id"], {}).get("share")
        rows.append(
            m.Criterion(
                id=c["id"],
                text=c["text"],
                section=c["section"],
                theme=c["theme"],
                applicable=c["applicable"],
                fully_met=c["fully_met"],
                share=c["share"],
                not_met=c["not_met"],
                previous_share=ps,
                change=_change(c["share"], ps),
            )
        )
    scored = [c for c in rows if c.applicable]
    n = min(top, max(1, len(scored) // 2)) if scored else 0
    order = {c.id: i for i, c in enumerate(scored)}
    best = sorted(scored, key=lambda c: (-(c.share or 0), -c.applicable, order[c.id]))[:n]
    weakest = sorted(scored, key=lambda c: (c.share or 0, -c.applicable, order[c.id]))[:n]
    return best, weakest, {c.id: c for c in rows}


def _themes(
    themes: ThemeFile | None,
    tallies: list[RubricTally],
    criteria: dict[str, m.Criterion] | None = None,
    *,
    only_found: bool = False,
) -> list[m.ThemeRow]:
    """Theme rows over some rubrics' comments: audits mentioning each theme, as a concern, as a strength."""
    if themes is None:
        return []
    commented = sum(t.commented for t in tallies)
    rows = []
    for i, th in enumerate(themes.themes):
        linked = [c for c in (criteria or {}).values() if c.theme == th.id]
        applicable = sum(c.applicable for c in linked)
        met = sum(c.fully_met for c in linked)
        n = sum(t.theme_counts.get(th.id, 0) for t in tallies)
        if only_found and not n:
            continue
        rows.append(
            (
                -n,
                i,
                m.ThemeRow(
                    id=th.id,
                    label=th.label,
                    description=th.description,
                    audits=n,
                    concerns=sum(t.theme_concerns.get(th.id, 0) for t in tallies),
                    strengths=sum(t.theme_strengths.get(th.id, 0) for t in tallies),
                    share=pct(n, commented),
                    criteria=len(linked),
                    criteria_share=pct(met, applicable),
                ),
            )
        )
    return [r for *_, r in sorted(rows, key=lambda r: (r[0], r[1]))]


def _breakdowns(t: RubricTally) -> tuple[list[m.Breakdown], m.Breakdown | None]:
    """Results by team, key stage (and service of the work); the providers of an audit of providers apart.

    A breakdown is left out when it says nothing: no value recorded, every group suppressed, or the same
    rows as a breakdown already shown.
    """
    out: list[m.Breakdown] = []
    providers = None
    seen: list[list] = []
    for role in (*GROUP_ROLES, "setting"):
        if role not in t.group_fields or not any(v != NOT_RECORDED for v in t.groups[role]):
            continue
        f = t.group_fields[role]
        rows = [m.BreakdownRow(**r) for r in breakdown_rows(t, role)]
        label = str(f.get("text") or ROLE_LABELS[role])
        b = m.Breakdown(role=role, field_id=str(f["id"]), label=label, grades=t.grades, rows=rows)
        if role == "setting":
            providers = b
            continue
        shape = [(r.audits, r.mean_score, r.grades) for r in rows]
        if all(r.suppressed for r in rows) or shape in seen:
            continue
        seen.append(shape)
        out.append(b)
    return out, providers


def _rubric(
    t: RubricTally,
    earlier: list[Round],
    themes: ThemeFile | None,
    opts: Options,
    moderations: list[m.Moderation],
    completions: list[m.Completion],
) -> m.RubricReport:
    rid = t.id
    anchor = f"rubric-{safe_id(rid)}"
    title = str(t.rubric.get("title") or rid)
    prev = earlier[-1] if earlier else None
    like = (
        prev if prev is not None and comparable(prev, t) else None
    )  # the previous round, when like for like
    same = like is not None
    grades = [
        m.GradeRow(
            grade=g,
            rank=i,
            count=t.grade_counts.get(g, 0),
            share=t.share(g),
            previous_count=prev.tally.count(g) if prev else None,
            previous_share=prev.tally.share(g) if prev else None,
            change=_change(t.share(g), like.tally.share(g)) if like else None,
        )
        for i, g in enumerate(t.grades)
    ]
    this_round = ", ".join(t.rounds) or "This round"
    trend = None
    cid = f"chart-{safe_id(rid)}-grades"
    if prev:
        pts = points(t, this_round, earlier)
        changes = [w for r in earlier if (w := change_words(r, t))]
        changes += [
            f"{r.label} was rescored with version {t.rubric.get('version')} of the rubric"
            for r in earlier
            if r.rescored
        ]
        chart = grade_chart(cid, f"{title}: grade shares by round", t, pts)
        trend = m.Trend(
            previous_round=prev.label,
            previous_scored=prev.tally.graded,
            previous_mean_score=prev.tally.mean_score,
            mean_score_change=_change(t.mean_score, prev.tally.mean_score) if same else None,
            comparable=same,
            rounds=pts,
            changes=changes,
            chart=chart,
        )
        grade_chart_ = chart
    else:
        gtitle = f"{title}: grades of {t.graded} audits"
        gdesc = f"{gtitle}. " + "; ".join(f"{g.grade}: {g.count} ({_p(g.share)})" for g in grades) + "."
        grade_chart_ = m.Chart(
            id=cid,
            title=gtitle,
            description=gdesc,
            svg=charts.stacked_bars(
                cid,
                gtitle,
                gdesc,
                [(this_round, [charts.Segment(g.grade, g.rank, len(grades), g.count) for g in grades])],
            ),
        )
    best, weakest, by_id = _criteria(t, like.tally if like else None, opts.top)
    breakdowns, providers = _breakdowns(t)
    timeliness = rubric_timeliness(t, title, anchor, earlier)
    secs = [
        m.SectionScore(section=s, audits=int(v[1]), mean_score=round(v[0] / v[1], 1) if v[1] else None)
        for s, v in t.sections.items()
    ]
    report = m.RubricReport(
        id=rid,
        anchor=anchor,
        title=title,
        version=str(t.rubric.get("version") or ""),
        method=str(t.schema.get("method") or "percent"),
        purpose=t.purpose,
        rounds=t.rounds,
        sources=t.sources,
        rows=t.rows,
        scored=t.scored,
        graded=t.graded,
        not_graded=t.scored - t.graded,
        with_errors=t.with_errors,
        duplicates=t.duplicates,
        mean_score=t.mean_score,
        finding="",
        grades=grades,
        grade_chart=grade_chart_,
        trend=trend,
        sections=secs,
        criteria_count=len(t.items),
        criteria_best=best,
        criteria_weakest=weakest,
        breakdowns=breakdowns,
        providers=providers,
        timeliness=timeliness,
        audits_with_comments=t.commented,
        themes=_themes(themes, [t], by_id, only_found=True),
        review=review_list(t, review_grades(t.grades)),
        moderation=[x for x in moderations if x.rubric_id == rid],
        completion=next((c for c in completions if c.rubric_id == rid), None),
        actions=[],
    )
    return report.model_copy(update={"finding": rubric_finding(report)})


def _survey(t: RubricTally, earlier: list[Round], themes: ThemeFile | None) -> m.SurveyReport:
    """A survey or conversation: each question's answers, best first; the positive share as defined once."""
    rid = t.id
    prev = earlier[-1] if earlier and comparable(earlier[-1], t) else None
    before = {c["id"]: c["positive_share"] for c in prev.tally.criteria()} if prev else {}
    label_sets = {tuple(i.get("labels") or []) for i in t.items}
    shared = list(next(iter(label_sets))) if len(label_sets) == 1 else []
    questions = []
    for i, c in zip(t.items, t.criteria(), strict=True):
        labels = [str(x) for x in i.get("labels") or []]
        dist = t.distributions[i["id"]] if t.distributions else Counter()
        counts = [dist.get(x, 0) for x in labels]
        answered = sum(counts)
        questions.append(
            m.QuestionRow(
                id=c["id"],
                text=c["text"],
                section=c["section"],
                theme=c["theme"],
                answered=answered,
                answers=[
                    m.AnswerCount(label=x, count=n, share=pct(n, answered))
                    for x, n in zip(labels, counts, strict=True)
                ],
                not_counted=sum(dist.values()) - answered,
                positive=c["positive"],
                positive_share=c["positive_share"],
                previous_positive_share=before.get(c["id"]),
                change=_change(c["positive_share"], before.get(c["id"])),
                bar=charts.distribution_bar(f"dist-{safe_id(rid)}-{safe_id(c['id'])}", counts, len(labels)),
            )
        )
    labels_all = [str(x) for x in (shared or [])]
    positive = [x for x in labels_all if _is_positive(t, x)] if labels_all else []
    report = m.SurveyReport(
        id=rid,
        anchor=f"rubric-{safe_id(rid)}",
        title=str(t.rubric.get("title") or rid),
        version=str(t.rubric.get("version") or ""),
        purpose=t.purpose,
        rounds=t.rounds,
        sources=t.sources,
        rows=t.rows,
        duplicates=t.duplicates,
        with_errors=t.with_errors,
        responses=t.scored,
        finding="",
        labels=labels_all,
        legend=charts.legend(labels_all, f"legend-{safe_id(rid)}"),
        positive_words=" or ".join(reversed(positive)) if positive else "the upper part of each scale",
        questions=questions,
        themes=_themes(themes, [t], only_found=True),
        audits_with_comments=t.commented,
    )
    return report.model_copy(update={"finding": survey_finding(report)})


def _is_positive(t: RubricTally, label: str) -> bool:
    from qactl.triangulation.verdicts import is_met

    for i in t.items:
        pts = (i.get("points") or {}).get(label)
        if pts is not None and i.get("max"):
            return is_met(pts, i["max"], t.origin)
    return False


def _earlier_rounds(
    tallies: dict[str, RubricTally], previous: list[Loaded], opts: Options, notes: list[str]
) -> tuple[dict[str, list[Round]], list[str]]:
    """Per rubric, its earlier rounds (oldest first, at most five); and the labels of the rounds shown."""
    by_round: dict[tuple[str, str], list[Loaded]] = {}
    given: list[str] = []
    for f in previous:
        rid = _rubric_id(f.doc) or "?"
        rnd = str(f.doc.get("round") or f.name)
        if rid not in tallies:
            notes.append(
                f"{f.name} (an earlier round) is of the rubric {rid}, which no current input has: not used."
            )
            continue
        if rnd in tallies[rid].rounds:
            notes.append(
                f"{f.name} (an earlier round) is of the same round as the current inputs ({rnd}): not used."
            )
            continue
        by_round.setdefault((rid, rnd), []).append(f)
        if rnd not in given:
            given.append(rnd)
    per_round: dict[str, list[RubricTally]] = {}
    rounds: dict[str, dict[str, Round]] = {}
    for (rid, rnd), files in by_round.items():
        t = _tally(files, opts, None, notes)[rid]
        per_round.setdefault(rnd, []).append(t)
        rounds.setdefault(rid, {})[rnd] = Round(rnd, t, rescored=any(f.rescored for f in files))
    order = order_rounds(per_round, given)
    if len(order) > MAX_ROUNDS - 1:
        dropped = order[: len(order) - (MAX_ROUNDS - 1)]
        notes.append(
            f"Trends show this round and the {MAX_ROUNDS - 1} before it: {', '.join(dropped)} left out."
        )
        order = order[len(dropped) :]
    return {rid: [per[r] for r in order if r in per] for rid, per in rounds.items()}, order


def build_context(
    current: list[Loaded],
    previous: list[Loaded],
    allocations: list[Loaded],
    moderations: list[Loaded],
    themes: ThemeFile | None,
    opts: Options,
    *,
    title: str,
    round_label: str | None,
    fmt: str,
    generated: str,
    version: str,
    triangulating: Triangulating | None = None,
) -> m.ReportContext:
    """The report's context (see :func:`build_report` for the improvement plan to write as well)."""
    return build_report(
        current,
        previous,
        allocations,
        moderations,
        themes,
        opts,
        title=title,
        round_label=round_label,
        fmt=fmt,
        generated=generated,
        version=version,
        triangulating=triangulating,
    )[0]


def build_report(
    current: list[Loaded],
    previous: list[Loaded],
    allocations: list[Loaded],
    moderations: list[Loaded],
    themes: ThemeFile | None,
    opts: Options,
    *,
    title: str,
    round_label: str | None,
    fmt: str,
    generated: str,
    version: str,
    triangulating: Triangulating | None = None,
    service_packs: str | None = None,
) -> tuple[m.ReportContext, list | None]:
    """The report's context, and this round's improvement plan (``qactl.triangulation.actions.Action`` list) when one is to be written."""
    notes: list[str] = []
    opts = replace(opts, plan_services={**plan_services([f.doc for f in allocations]), **opts.plan_services})
    reader = Reader(themes) if themes else None
    tallies = _tally(current, opts, reader, notes)
    earlier, round_order = _earlier_rounds(tallies, previous, opts, notes)
    mods = [moderation(f) for f in moderations]
    comps = _completions(allocations, tallies, earlier, round_order)
    label = round_label or (", ".join(dict.fromkeys(x for t in tallies.values() for x in t.rounds)) or None)
    audit_pairs: list[tuple[m.RubricReport, RubricTally]] = []
    surveys: list[m.SurveyReport] = []
    for rid, t in tallies.items():
        if t.purpose == "audit":
            audit_pairs.append((_rubric(t, earlier.get(rid, []), themes, opts, mods, comps), t))
        else:
            surveys.append(_survey(t, earlier.get(rid, []), themes))
    all_themes = _themes(themes, list(tallies.values()))
    tri = _triangulated(
        tallies,
        [r for r, _ in audit_pairs],
        surveys,
        themes,
        opts,
        triangulating or Triangulating(),
        label,
        all_themes,
    )
    rubrics = [
        r.model_copy(update={"actions": [a for a in tri.actions if a.rubric_id == r.id]})
        for r, _ in audit_pairs
    ]
    audit_pairs = list(zip(rubrics, [t for _, t in audit_pairs], strict=True))
    services = services_to_review(audit_pairs, opts.min_cell, service_packs)
    overview = _overview(audit_pairs)
    accounting = [_accounting(t, f"rubric-{safe_id(t.id)}") for t in tallies.values()]
    total = m.Accounting(
        rubric_id=None,
        title="All rubrics",
        anchor=None,
        purpose=None,
        **{
            k: sum(getattr(a, k) for a in accounting)
            for k in ("returned", "duplicates", "with_errors", "scored", "graded", "not_graded")
        },
    )
    trends_section = _trends(audit_pairs, earlier, round_order, label or "This round")
    timely = timeliness_section([r.timeliness for r in rubrics if r.timeliness], earlier, tallies)
    messages = key_messages(
        rubrics, services, comps, timely, tri.actions, tri.triangulated.triangulation, surveys
    )
    overview_chart = None
    if rubrics:
        otitle = "Grades by rubric, share of graded audits"
        odesc = (
            otitle
            + ". "
            + "; ".join(
                f"{r.title}: " + ", ".join(f"{g.grade} {g.count} ({_p(g.share)})" for g in r.grades)
                for r in rubrics
            )
            + "."
        )
        overview_chart = m.Chart(
            id="chart-overview",
            title=otitle,
            description=odesc,
            svg=charts.stacked_bars(
                "chart-overview",
                otitle,
                odesc,
                [
                    (r.title, [charts.Segment(g.grade, g.rank, len(r.grades), g.count) for g in r.grades])
                    for r in rubrics
                ],
            ),
        )
    triangulation = tri.triangulated.triangulation
    ids = {r.id for r in rubrics}
    ctx = m.ReportContext(
        title=title,
        round=label,
        generated=generated,
        qactl_version=version,
        format=fmt,
        min_cell=opts.min_cell,
        suppressed=f"<{opts.min_cell}",
        key_messages=messages,
        contents=[],
        summary_finding=_summary_finding(total, comps),
        accounting=accounting,
        accounting_total=total,
        audits=total.returned,
        scored=total.scored,
        overview=overview,
        overview_chart=overview_chart,
        rubrics=rubrics,
        surveys=surveys,
        services=services,
        timeliness=timely,
        trends=trends_section,
        themes=[t for t in all_themes if t.audits],
        audits_with_comments=sum(t.commented for t in tallies.values()),
        moderation=[x for x in mods if x.rubric_id not in ids],
        completion=comps,
        actions=tri.actions,
        actions_finding=_actions_finding(tri.actions),
        audits_finding=_audits_finding(rubrics),
        surveys_finding=_surveys_finding(surveys),
        inputs=[_source(f) for f in current],
        previous=[_source(f) for f in previous],
        notes=notes,
        glossary=[m.Term(id=t.id, term=t.term, definition=t.definition) for t in terms(opts.min_cell)],
        triangulation=triangulation,
        improvement_plan=tri.triangulated.improvement_plan,
    )
    return ctx.model_copy(update={"contents": _contents(ctx)}), tri.triangulated.next_plan


def _accounting(t: RubricTally, anchor: str) -> m.Accounting:
    return m.Accounting(
        rubric_id=t.id,
        title=str(t.rubric.get("title") or t.id),
        anchor=anchor,
        purpose=t.purpose,
        returned=t.rows,
        duplicates=t.duplicates,
        with_errors=t.with_errors,
        scored=t.scored,
        graded=t.graded if t.purpose == "audit" else 0,
        not_graded=t.scored - t.graded if t.purpose == "audit" else 0,
    )


def _overview(pairs: list[tuple[m.RubricReport, RubricTally]]) -> list[m.OverviewRow]:
    out = []
    for r, t in pairs:
        review = t.review_count()
        before = r.trend.rounds[-2] if r.trend and r.trend.comparable else None
        out.append(
            m.OverviewRow(
                rubric_id=r.id,
                anchor=r.anchor,
                title=r.title,
                graded=r.graded,
                mean_score=r.mean_score,
                mean_score_change=r.trend.mean_score_change if r.trend else None,
                top_grade=r.grades[0].grade if r.grades else None,
                top_share=r.grades[0].share if r.grades else None,
                review_grades=r.review.grades,
                review_count=review,
                review_share=pct(review, r.graded),
                review_change=_change(pct(review, r.graded), before.review_share) if before else None,
                statutory_on_time_share=r.timeliness.statutory.on_time_share
                if r.timeliness and r.timeliness.statutory
                else None,
            )
        )
    return out


def _summary_finding(total: m.Accounting, comps: list[m.Completion]) -> str:
    out = (
        f"{total.returned} audits and responses were returned: {total.scored} scored, {total.with_errors} not scored "
        f"(an answer to correct) and {total.duplicates} duplicates left out."
    )
    c = next((c for c in comps if c.share is not None), None)
    if c:
        out += f" {c.returned} of the {c.allocated} audits allocated came back ({c.share:.1f}%)."
    return out


def _audits_finding(rubrics: list[m.RubricReport]) -> str:
    graded = [r for r in rubrics if r.graded]
    if not graded:
        return "No audit could be graded this round."
    shares = [
        (round(100 * sum(g.count for g in r.grades if g.grade in r.review.grades) / r.graded, 1), r)
        for r in graded
    ]
    worst_share, worst = max(shares, key=lambda x: (x[0], x[1].id))
    best_share, best = min(shares, key=lambda x: (x[0], x[1].id))
    return (
        f"{len(rubrics)} audit rubrics, {sum(r.graded for r in rubrics)} graded audits. Most in the lowest grades: {worst.title} "
        f"({worst_share:.1f}%); fewest: {best.title} ({best_share:.1f}%)."
    )


def _surveys_finding(surveys: list[m.SurveyReport]) -> str:
    if not surveys:
        return ""
    parts = [
        f"{s.responses} {'responses to' if s.purpose == 'survey' else 'conversations of'} {s.title}"
        for s in surveys
    ]
    return (
        "What families and practitioners said, question by question, as they answered: "
        + "; ".join(parts)
        + ". Never graded."
    )


def _actions_finding(actions: list[m.Action]) -> str:
    if not actions:
        return "No finding calls for a new action: no criterion, theme or statutory step fell short."
    kinds = Counter(a.kind for a in actions)
    words = {
        "timeliness": ("statutory step", "statutory steps"),
        "criterion": ("weak criterion", "weak criteria"),
        "theme": ("theme", "themes"),
    }
    parts = [f"{n} {words[k][0] if n == 1 else words[k][1]}" for k, n in kinds.items()]
    return f"{len(actions)} suggested actions, each from one finding: " + ", ".join(parts) + "."


def _on_time(t: RubricTally) -> float | None:
    """A round's share on time as qactl.statutory.timeliness gives it: statutory steps, or every dated step of a format-1 file."""
    from qactl.report.statutory import _kinds

    statutory, _, all_steps = _kinds(t.timeliness_result())
    figures = statutory or all_steps
    return figures.on_time_share if figures else None


def _trends(
    pairs: list[tuple[m.RubricReport, RubricTally]],
    earlier: dict[str, list[Round]],
    order: list[str],
    this_round: str,
) -> m.Trends | None:
    """Statutory timeliness and the most-changed criteria over the rounds given."""
    if not order:
        return None
    rounds = [*order, this_round]
    charts_ = []
    notes = []
    rows = []
    for r, t in pairs:
        if r.timeliness is None:
            continue
        by = {x.label: x for x in earlier.get(r.id, [])}
        values = [_on_time(by[label].tally) if label in by else None for label in order] + [_on_time(t)]
        if values[-1] is None:
            continue
        rows.append((r.title, values, r.title))
    if rows:
        worst = min(rows, key=lambda x: (x[1][-1], x[0]))
        kind = (
            "statutory steps"
            if any(r.timeliness and r.timeliness.statutory for r, _ in pairs)
            else "dated steps"
        )
        charts_.append(
            line_section(
                "chart-trend-timeliness",
                f"Share of {kind} on time, by round",
                f"{worst[0]}: {_p(worst[1][-1])} of its {kind} on time this round, the fewest of the rubrics with dated steps.",
                f"Share of {kind} on time, by rubric and round",
                rounds,
                rows,
                caption=f"Share of {kind} on time, by rubric and round",
            )
        )
    moved = []
    for r, t in pairs:
        prev = [x for x in earlier.get(r.id, []) if comparable(x, t)]
        if not prev:
            continue
        first = prev[0]
        old = {c["id"]: c for c in first.tally.criteria()}
        for c in t.criteria():
            o = old.get(c["id"])
            if (
                not o
                or c["share"] is None
                or o["share"] is None
                or min(c["applicable"], o["applicable"]) < 10
            ):
                continue
            tally_of = {x.label: x.tally for x in prev}
            values = []
            for label in order:
                tt = tally_of.get(label)
                cc = next((k for k in tt.criteria() if k["id"] == c["id"]), None) if tt else None
                values.append(cc["share"] if cc else None)
            values.append(c["share"])
            moved.append((abs(c["share"] - o["share"]), c["share"] - o["share"], r, c, values, first.label))
    moved.sort(key=lambda x: (-x[0], x[2].id, x[3]["id"]))
    if moved:
        top = moved[:5]
        _, d, r, c, _, since = top[0]
        rows = [
            (
                f"{c['text']} ({r.title})",
                values,
                f"{c['text'][:60]}{'…' if len(c['text']) > 60 else ''} ({r.title})",
            )
            for _, _, r, c, values, _ in top
        ]
        charts_.append(
            line_section(
                "chart-trend-criteria",
                "The criteria that moved most",
                f"{c['text'][:90]} ({r.title}) moved most: {'+' if d > 0 else '−'}{abs(d):.1f} points since {since}, to {_p(c['share'])} fully met.",
                "Share fully met of the five criteria that changed most",
                rounds,
                rows,
                caption="Share fully met of the five criteria that changed most, by round",
            )
        )
    for r, t in pairs:
        for x in earlier.get(r.id, []):
            w = change_words(x, t)
            if w:
                notes.append(f"{r.title}: {w}; its change is not worked out.")
    if not charts_:
        return None
    return m.Trends(
        finding=f"Over {len(rounds)} rounds, {rounds[0]} to {rounds[-1]}. "
        + " ".join(c.finding for c in charts_),
        rounds=rounds,
        charts=charts_,
        notes=notes,
    )


def _triangulated(
    tallies: dict[str, RubricTally],
    rubrics: list[m.RubricReport],
    surveys: list[m.SurveyReport],
    themes: ThemeFile | None,
    opts: Options,
    t: Triangulating,
    round_label: str | None,
    theme_rows: list[m.ThemeRow],
):
    """The triangulation, the suggested actions and the improvement plan, from the tallies' per-theme results."""
    from types import SimpleNamespace

    from qactl.triangulation.actions import Suggestion

    results = theme_results(list(tallies.values()))
    labels = {th.id: th.label for th in themes.themes} if themes else None
    findings: dict[str, float] = {}
    finding_labels: dict[str, str] = {}
    milestones = []
    for r in rubrics:
        tally = tallies[r.id]
        for c in tally.criteria():
            if c["share"] is not None:
                findings[f"{r.id}:{c['id']}"] = c["share"]
            finding_labels[f"{r.id}:{c['id']}"] = f"{c['text']} ({r.title})"
        for row in r.timeliness.milestones if r.timeliness else []:
            if row.on_time_share is not None:
                findings[f"{r.id}:{row.id}"] = row.on_time_share
            finding_labels[f"{r.id}:{row.id}"] = f"{row.text} on time ({r.title})"
            if row.counted:
                milestones.append((r.id, r.title, r.anchor, row))
    for s in surveys:
        for q in s.questions:
            finding_labels[f"{s.id}:{q.id}"] = f"{q.text} ({s.title})"
            if q.positive_share is not None:
                findings[f"{s.id}:{q.id}"] = q.positive_share
    pre = build_triangulation(
        results,
        findings,
        finding_labels,
        labels,
        replace(t, write_name=None, actions=None),
        min_cell=opts.min_cell,
        round_label=round_label,
    )
    suggested = {}
    if pre.triangulation:
        for v in pre.triangulation.themes:
            if v.suggestion:
                own = next((s for s in (v.audit, v.family, v.practice) if s is not None), None)
                suggested[v.theme] = (v.suggestion, own.percent_met if own else None)
    actions = build_actions(rubrics, theme_rows, suggested, milestones)
    suggestions = [Suggestion(source=a.finding, action=a.text, baseline=a.baseline) for a in actions]
    done = build_triangulation(
        results,
        findings,
        finding_labels,
        labels,
        replace(t, suggestions=suggestions),
        min_cell=opts.min_cell,
        round_label=round_label,
    )
    return SimpleNamespace(actions=actions, triangulated=done)


def _contents(ctx: m.ReportContext) -> list[m.ContentsEntry]:
    def top(anchor: str, title: str) -> m.ContentsEntry:
        return m.ContentsEntry(anchor=anchor, title=title, level=2, parent=None)

    out = [top("key-messages", "Key messages"), top("summary", "Summary")]
    if ctx.rubrics:
        out.append(top("audits", "Audits"))
        out += [
            m.ContentsEntry(anchor=r.anchor, title=r.title, level=3, parent="audits") for r in ctx.rubrics
        ]
    if ctx.surveys:
        out.append(top("surveys", "Surveys and conversations"))
        out += [
            m.ContentsEntry(anchor=s.anchor, title=s.title, level=3, parent="surveys") for s in ctx.surveys
        ]
    if ctx.timeliness:
        out.insert(2, top("timeliness", "Statutory timeliness"))
    out.append(top("services", "Services to review"))
    if ctx.trends:
        out.append(top("trends", "Trends"))
    if ctx.triangulation:
        out.append(top("triangulation", "Triangulation"))
    out += [
        top("actions", "Actions for the Practice Improvement Plan"),
        top("glossary", "What the figures mean"),
        top("about", "About this report"),
    ]
    return out


def _source(f: Loaded) -> m.SourceFile:
    d = f.doc
    return m.SourceFile(
        file=f.name,
        kind=str(d.get("kind")),
        rubric_id=_rubric_id(d),
        round=str(d["round"]) if d.get("round") else None,
        rows=len(d.get("audits") or []),
        sha256=f.sha256 or (d.get("source") or {}).get("sha256")
        if isinstance(d.get("source"), dict)
        else f.sha256,
    )
