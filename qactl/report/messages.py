"""The report's sentences: the key messages that open it, each section's one-line finding, and the actions.

Everything here is generated from the figures (never from a comment). A key message states a finding, its
change since the last round (when the rounds compare), and the action it implies; it links to the section
with the detail. Actions come from structured findings only (a weak criterion, a theme that comments and
other sources raise as a concern, a statutory step behind its limit), once each.
"""

from __future__ import annotations

from collections.abc import Sequence

from qactl.report import model as m
from qactl.triangulation.actions import action_id
from qactl.triangulation.verdicts import MIN_BASE, STRENGTH_AT

CRITERIA_ACTIONS = 3  # weak criteria turned into actions, per rubric
MAX_MESSAGES = 5


def _p(v: float | None) -> str:
    return "–" if v is None else f"{v:.1f}%"


def _pts(v: float) -> str:
    return f"{abs(v):.1f} point{'s' if abs(v) != 1 else ''}"


def moved(
    now: float | None, before: float | None, since: str, *, worse_when_up: bool
) -> tuple[str | None, str | None]:
    """("up from 9.4% in 2025 Summer", "worse") for a share that changed; (None, None) without a comparable round."""
    if now is None or before is None:
        return None, None
    d = round(now - before, 1)
    if abs(d) < 0.05:
        return f"the same as in {since}", "same"
    up = d > 0
    direction = "worse" if up == worse_when_up else "better"
    return f"{'up' if up else 'down'} from {_p(before)} in {since} ({'+' if up else '−'}{_pts(d)})", direction


def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return "‘" + (text if len(text) <= limit else text[: limit - 1].rstrip() + "…") + "’"


def rubric_finding(r: m.RubricReport) -> str:
    """One line: the share in the lowest grades and its change, then the weakest criterion."""
    if not r.graded:
        return f"No audit of {r.title} could be graded this round ({r.scored} scored, {r.with_errors} not scored)."
    review = sum(g.count for g in r.grades if g.grade in r.review.grades)
    share = round(100 * review / r.graded, 1)
    before = None
    if r.trend and r.trend.comparable:
        before = r.trend.rounds[-2].review_share
    change, _ = moved(share, before, r.trend.previous_round if r.trend else "", worse_when_up=True)
    grades = " or ".join(r.review.grades)
    out = (
        f"{review} of {r.graded} graded audits ({_p(share)}) were {grades}"
        + (f", {change}" if change else "")
        + "."
    )
    weak = next((c for c in r.criteria_weakest if c.share is not None and c.share < 100), None)
    if weak:
        out += f" Least often fully met: {_quote(weak.text, 70)} ({_p(weak.share)} of {weak.applicable})."
    return out


def survey_finding(s: m.SurveyReport) -> str:
    rated = [q for q in s.questions if q.positive_share is not None and q.answered >= MIN_BASE] or [
        q for q in s.questions if q.positive_share is not None and q.answered
    ]
    if not rated:
        return f"No answers to the questions of {s.title} this round."
    low = min(rated, key=lambda q: (q.positive_share, q.id))
    high = max(rated, key=lambda q: (q.positive_share, q.id))
    who = "families" if s.purpose == "survey" else "conversations"
    out = f"{s.responses} {('responses' if s.purpose == 'survey' else 'conversations')}. Fewest positive answers: {_quote(low.text, 70)} ({_p(low.positive_share)} of {low.answered})"
    if high.id != low.id:
        out += f"; most: {_quote(high.text, 70)} ({_p(high.positive_share)} of {high.answered})"
    return out + f". Positive: {s.positive_words} ({who})."


def actions(
    rubrics: list[m.RubricReport],
    themes: list[m.ThemeRow],
    triangulated: dict[str, tuple[str, float | None]],
    milestones: list[tuple[str, str, str, m.MilestoneRow]],
) -> list[m.Action]:
    """Suggested actions from structured findings, each finding once.

    ``triangulated``: theme id -> (the triangulation's suggestion, its baseline) where the sources point to a concern.
    ``milestones``: (rubric id, rubric title, anchor, row) of every statutory step counted.
    """
    out: list[m.Action] = []
    seen: set[str] = set()

    def add(finding: str, **kw) -> None:
        if finding in seen:
            return
        seen.add(finding)
        out.append(m.Action(id=action_id(finding), finding=finding, **kw))

    for rid, title, _, row in sorted(
        milestones,
        key=lambda x: (
            x[3].kind != "statutory",
            x[3].on_time_share if x[3].on_time_share is not None else 101,
        ),
    ):
        if row.on_time_share is not None and row.on_time_share < STRENGTH_AT and row.counted >= MIN_BASE:
            limit = (
                "its local target"
                if row.kind == "target"
                else "its statutory limit"
                if row.kind == "statutory"
                else "its limit"
            )
            add(
                f"{rid}:{row.id}",
                kind="timeliness",
                rubric_id=rid,
                title=title,
                text=f"{title}: bring {_quote(row.text, 60)} back within {limit}"
                + (f" ({row.citation or row.limit})" if row.citation or row.limit else "")
                + ".",
                detail=f"{row.on_time} of {row.counted} on time ({_p(row.on_time_share)}); {row.late} late, {row.missing} missing.",
                baseline=row.on_time_share,
            )
    for r in rubrics:
        k = 0
        for c in r.criteria_weakest:
            if k >= CRITERIA_ACTIONS or c.share is None or c.share >= STRENGTH_AT:
                continue
            k += 1
            change = (
                f"; {'+' if c.change > 0 else '−'}{_pts(c.change)} since {r.trend.previous_round}"
                if c.change and r.trend
                else ""
            )
            add(
                f"{r.id}:{c.id}",
                kind="criterion",
                rubric_id=r.id,
                title=r.title,
                text=f"{r.title}: raise the share of audits where {_quote(c.text, 110)} is fully met.",
                detail=f"Fully met in {c.fully_met} of {c.applicable} audits ({_p(c.share)}){change}.",
                baseline=c.share,
            )
    for t in themes:
        suggestion = triangulated.get(t.id)
        raised = t.concerns >= MIN_BASE and t.concerns > t.strengths
        if not suggestion and not raised:
            continue
        said = (
            f"Comments raise it as a concern in {t.concerns} audits and as a strength in {t.strengths}."
            if t.concerns or t.strengths
            else ""
        )
        if suggestion:
            text, base = suggestion
            add(
                f"theme:{t.id}",
                kind="theme",
                rubric_id=None,
                title=t.label,
                text=text,
                detail=said or "From the triangulation.",
                baseline=base,
            )
        else:
            add(
                f"theme:{t.id}",
                kind="theme",
                rubric_id=None,
                title=t.label,
                text=f"{t.label}: auditors' comments raise it as a concern more often than as a strength. Agree an improvement action with the services involved.",
                detail=said,
                baseline=t.criteria_share,
            )
    return out


def key_messages(
    rubrics: list[m.RubricReport],
    services: m.ServicesToReview,
    completion: list[m.Completion],
    timeliness: m.TimelinessSection | None,
    actions: list[m.Action],
    triangulation: m.Triangulation | None,
    surveys: Sequence[m.SurveyReport] = (),
) -> list[m.KeyMessage]:
    """Three to five sentences a board member can act on, most important first: the statutory breach rate, the
    rubric whose lowest grades grew most, the weakest criterion, the service most asked to review, completion."""
    out: list[m.KeyMessage] = []
    plan_ids = {a.finding: a.id for a in actions}
    if timeliness is not None and timeliness.statutory is not None and timeliness.statutory.due:
        st = timeliness.statutory
        change, direction = moved(
            st.breach_share,
            timeliness.previous_breach_share,
            timeliness.previous_round or "",
            worse_when_up=True,
        )
        out.append(
            m.KeyMessage(
                id="statutory",
                figure=_p(st.breach_share),
                direction=direction,
                section="timeliness",
                section_title="Statutory timeliness",
                finding=f"of the statutory steps due this round breached their legal limit ({st.breaches} of {st.due}; exceptions the law allows excluded, as SEN2 counts).",
                change=change,
                action="Each late step has an owner in the improvement plan; the services that hold them report their recovery to the next performance meeting."
                if st.breaches
                else "Keep the tracking that held every statutory step within its limit.",
            )
        )
    elif timeliness is not None and timeliness.all_steps is not None and timeliness.all_steps.due:
        a = timeliness.all_steps
        out.append(
            m.KeyMessage(
                id="statutory",
                figure=_p(a.breach_share),
                direction=None,
                section="timeliness",
                section_title="Statutory timeliness",
                finding=f"of the dated steps due this round were late or missing ({a.breaches} of {a.due}); statutory limits and local targets are not told apart in these files.",
                change=None,
                action="Score the exports again with this qactl to see the statutory breach rate apart from local targets; chase the late steps meanwhile.",
            )
        )
    graded = [r for r in rubrics if r.graded]
    if graded:

        def rise(r: m.RubricReport) -> float:
            if r.trend and r.trend.comparable and r.trend.rounds[-2].review_share is not None:
                return (r.trend.rounds[-1].review_share or 0) - r.trend.rounds[-2].review_share
            return -1000.0

        worst = max(graded, key=lambda r: (rise(r), _review_share(r) or 0))
        if rise(worst) <= 0:  # nothing got worse: the rubric with most audits in the lowest grades
            worst = max(graded, key=lambda r: (_review_share(r) or 0, r.id))
        share = _review_share(worst)
        before = worst.trend.rounds[-2].review_share if worst.trend and worst.trend.comparable else None
        change, direction = moved(
            share, before, worst.trend.previous_round if worst.trend else "", worse_when_up=True
        )
        mean = ""
        if (
            worst.trend
            and worst.trend.comparable
            and worst.trend.previous_mean_score is not None
            and worst.mean_score is not None
        ):
            mean = f"; the mean score {'fell' if worst.mean_score < worst.trend.previous_mean_score else 'rose'} from {worst.trend.previous_mean_score:.1f} to {worst.mean_score:.1f}"
        n = sum(g.count for g in worst.grades if g.grade in worst.review.grades)
        if not (worst.trend and worst.trend.comparable) and worst.trend:
            change = f"not compared with {worst.trend.previous_round}: the rubric changed"
        out.append(
            m.KeyMessage(
                id="grades",
                figure=_p(share),
                direction=direction,
                section=worst.anchor,
                section_title=worst.title,
                finding=f"of the graded audits of {worst.title} were {' or '.join(worst.review.grades)} ({n} of {worst.graded}){mean}.",
                change=change,
                action=_review_action(worst, n),
            )
        )
    weakest = [
        (c, r) for r in graded for c in r.criteria_weakest if c.share is not None and c.applicable >= MIN_BASE
    ]
    if weakest:
        c, r = min(weakest, key=lambda cr: (cr[0].share, -cr[0].applicable, cr[1].id))
        before = c.previous_share if r.trend and r.trend.comparable else None
        change, direction = moved(
            c.share, before, r.trend.previous_round if r.trend else "", worse_when_up=False
        )
        pid = plan_ids.get(f"{r.id}:{c.id}")
        out.append(
            m.KeyMessage(
                id="criterion",
                figure=_p(c.share),
                direction=direction,
                section=r.anchor,
                section_title=r.title,
                finding=f"of the audits of {r.title} fully met the weakest criterion of the round, {_quote(c.text, 100)} ({c.fully_met} of {c.applicable}).",
                change=change,
                action=f"It is on the improvement plan as {pid}: agree an owner and a due date."
                if pid
                else "Agree an improvement action for it with the services involved.",
            )
        )
    if services.services and services.services[0].total >= 5:
        s = services.services[0]
        rubric_words = ", ".join(f"{x.audits} {x.title}" for x in s.rubrics)
        out.append(
            m.KeyMessage(
                id="services",
                figure=str(s.total),
                direction=None,
                section="services",
                section_title="Services to review",
                finding=f"audits of plans in the lowest grades had {s.service} among their contributors, of {services.total} ({rubric_words}): more than any other service.",
                change=None,
                action=f"Send {s.service} its pack of the plans to review{' (' + s.pack + ')' if s.pack else ''}, and ask for its review before the next round.",
            )
        )
    for comp in completion:
        if comp.share is None:
            continue
        missing = comp.allocated - (comp.returned or 0)
        change, direction = moved(
            comp.share, comp.previous_share, comp.previous_round or "", worse_when_up=False
        )
        out.append(
            m.KeyMessage(
                id="completion",
                figure=_p(comp.share),
                direction=direction,
                section="summary",
                section_title="Summary",
                finding=f"of the {comp.allocated} audits allocated{' for ' + comp.round if comp.round else ''} were returned ({comp.returned}).",
                change=change,
                action=f"Chase the {missing} outstanding audits before the moderation workshop."
                if missing > 0
                else "Every allocated audit came back.",
            )
        )
        break
    for survey in surveys if len(out) < 3 else []:
        rated = [q for q in survey.questions if q.positive_share is not None and q.answered >= MIN_BASE]
        if rated:
            q = min(rated, key=lambda q: (q.positive_share, q.id))
            change, direction = moved(
                q.positive_share, q.previous_positive_share, "the previous round", worse_when_up=False
            )
            who = "families" if survey.purpose == "survey" else "conversations"
            out.append(
                m.KeyMessage(
                    id="survey",
                    figure=_p(q.positive_share),
                    direction=direction,
                    section=survey.anchor,
                    section_title=survey.title,
                    finding=f"of {who} answered positively that {_quote(q.text, 100)} ({q.positive} of {q.answered}), the lowest of {survey.title}.",
                    change=change,
                    action="Agree with the services involved what would change this answer, and ask again next round.",
                )
            )
    if len(out) < 3 and triangulation:
        agreed = [t for t in triangulation.themes if t.verdict == "agree: concern"]
        if agreed:
            t = agreed[0]
            out.append(
                m.KeyMessage(
                    id="triangulation",
                    figure=f"{t.label}:",
                    direction="worse",
                    section=t.anchor,
                    section_title=f"Triangulation: {t.label}",
                    finding=t.explanation,
                    change=None,
                    action=t.suggestion or "Agree an improvement action with the services involved.",
                )
            )
    return out[:MAX_MESSAGES]


def _review_action(r: m.RubricReport, n: int) -> str:
    if not n:
        return "No audit needs a review by its services."
    if r.review.of_provider:
        return "Each provider or school with an audit in the lowest grades is told, and agrees an action with the QA team."
    if r.review.by_service:
        names = ", ".join(s.service for s in r.review.by_service[:3]) + (
            " and others" if len(r.review.by_service) > 3 else ""
        )
        return f"The {n} audits go back to the services that contributed ({names}), to review; their findings come to the moderation workshop."
    return (
        f"The {n} audits go back to the services that contributed, to review; this audit does not record who they are, "
        "so the QA team adds a question naming them to the audit form."
    )


def _review_share(r: m.RubricReport) -> float | None:
    n = sum(g.count for g in r.grades if g.grade in r.review.grades)
    return round(100 * n / r.graded, 1) if r.graded else None
