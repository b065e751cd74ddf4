"""The report's timeliness: :mod:`qactl.statutory.timeliness`'s figures placed in the report, never counted again here.

Per rubric: statutory limits and local targets apart (exceptions out of the share, as the national SEN2 figures
count), and each step. Across rubrics: the figures of each kind added up, and the statutory breach rate the key
messages open with. A scored file of format 1 does not tell statutory limits from local targets: its steps are
shown together as "all dated steps", said so, and not compared with a later round.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from qactl.report import charts
from qactl.report import model as m
from qactl.report.aggregate import RubricTally
from qactl.report.trends import Round
from qactl.statutory.timeliness import Timeliness, rate

_KIND_WORDS = {"statutory": "statutory", "target": "local target", None: "step"}


def _figures(kind: str, f: dict[str, Any], audits: bool = True) -> m.KindFigures:
    breaches = f["late"] + f["missing"]
    return m.KindFigures(
        kind=kind,
        due=f["due"],
        on_time=f["on_time"],
        late=f["late"],
        missing=f["missing"],
        exceptions=f["exception"],
        breaches=breaches,
        on_time_share=rate(f["on_time"], f["due"]),
        share_with_exceptions=rate(f["on_time"], f["due"] + f["exception"]),
        breach_share=rate(breaches, f["due"]),
        audits=f.get("audits") if audits else None,
        audits_breached=f.get("audits_breached") if audits else None,
    )


def _sum(kind: str, parts: Sequence[Mapping[str, Any]], audits: bool = True) -> m.KindFigures | None:
    """Figures of several milestones or rubrics added up (the counts; the shares worked out again from them)."""
    if not parts or not any(p["due"] or p["exception"] for p in parts):
        return None
    keys = ("due", "on_time", "late", "missing", "exception", "audits", "audits_breached")
    total = {k: sum(int(p.get(k) or 0) for p in parts) for k in keys}
    return _figures(kind, total, audits)


def _kinds(result: Timeliness) -> tuple[m.KindFigures | None, m.KindFigures | None, m.KindFigures | None]:
    """(statutory, target, all steps): the kinds of a format-2 file, or every step of a format-1 file together."""
    if result["comparable"]:
        return _sum("statutory", [result["statutory"]]), _sum("target", [result["target"]]), None
    return None, None, _sum("all", list(result["milestones"]), audits=False)


def rubric_timeliness(
    t: RubricTally, title: str, anchor: str, earlier: list[Round]
) -> m.RubricTimeliness | None:
    result = t.timeliness_result()
    rows = [m.MilestoneRow(**r) for r in t.timeliness()]
    if not rows:
        return None
    statutory, target, all_steps = _kinds(result)
    before = None
    if earlier and statutory is not None:
        prev = earlier[-1].tally.timeliness_result()
        if prev["comparable"]:
            p = _sum("statutory", [prev["statutory"]])
            before = p.breach_share if p else None
    chart = None
    if any(r.counted for r in rows):
        cid = f"chart-{charts.safe_id(t.id)}-timeliness"
        ctitle = f"{title}: share of steps on time"
        desc = (
            ctitle
            + ". "
            + "; ".join(
                f"{r.text} ({_KIND_WORDS[r.kind]}): {charts.fmt_pct(r.on_time_share)} ({r.on_time} of {r.counted})"
                for r in rows
            )
            + "."
        )
        chart = m.Chart(
            id=cid,
            title=ctitle,
            description=desc,
            svg=charts.percent_bars(
                cid,
                ctitle,
                desc,
                [
                    (
                        f"{r.text}{' (local target)' if r.kind == 'target' else ''}",
                        r.on_time_share,
                        f"{charts.fmt_pct(r.on_time_share) if r.counted else 'none due'} ({r.on_time} of {r.counted})",
                    )
                    for r in rows
                ],
            ),
        )
    return m.RubricTimeliness(
        rubric_id=t.id,
        title=title,
        anchor=f"{anchor}-timeliness",
        comparable=result["comparable"],
        statutory=statutory,
        target=target,
        all_steps=all_steps,
        previous_breach_share=before,
        milestones=rows,
        chart=chart,
        notes=list(result["notes"]),
    )


def section(
    parts: list[m.RubricTimeliness], earlier: dict[str, list[Round]], tallies: dict[str, RubricTally]
) -> m.TimelinessSection | None:
    """Every rubric's timeliness, and the kinds added up across rubrics (with the previous round's breach rate)."""
    if not parts:
        return None
    results = {p.rubric_id: tallies[p.rubric_id].timeliness_result() for p in parts}
    statutory = _sum("statutory", [r["statutory"] for r in results.values() if r["comparable"]])
    target = _sum("target", [r["target"] for r in results.values() if r["comparable"]])
    all_steps = _sum(
        "all", [f for r in results.values() if not r["comparable"] for f in r["milestones"]], audits=False
    )
    before, since = None, None
    if statutory is not None:
        prev = []
        for rid in results:
            rounds = earlier.get(rid) or []
            if rounds and rounds[-1].tally.timeliness_result()["comparable"]:
                prev.append(rounds[-1].tally.timeliness_result()["statutory"])
                since = since or rounds[-1].label
        p = _sum("statutory", prev)
        before = p.breach_share if p else None
    notes = sorted({n for r in results.values() for n in r["notes"]})
    return m.TimelinessSection(
        finding=_finding(statutory, target, all_steps, before, since, parts),
        statutory=statutory,
        target=target,
        all_steps=all_steps,
        previous_breach_share=before,
        previous_round=since if before is not None else None,
        rubrics=parts,
        notes=notes,
    )


def _finding(statutory, target, all_steps, before, since, parts) -> str:
    def p(v):
        return charts.fmt_pct(v)

    if statutory is not None and statutory.due:
        out = (
            f"{p(statutory.breach_share)} of the statutory steps due breached their legal limit ({statutory.breaches} of {statutory.due}; "
            f"{statutory.exceptions} excused by an exception the law allows and left out, as SEN2 counts: "
            f"{p(statutory.share_with_exceptions)} on time with them counted in)"
        )
        if before is not None:
            out += f", against {p(before)} in {since}"
        worst = min(
            (r for r in parts if r.statutory and r.statutory.due),
            key=lambda r: (r.statutory.on_time_share or 0, r.rubric_id),
            default=None,
        )
        if worst is not None:
            out += f". Fewest on time: {worst.title} ({p(worst.statutory.on_time_share)})"
        if target is not None and target.due:
            out += f". Local targets, counted apart: {p(target.on_time_share)} met"
        return out + "."
    if all_steps is not None and all_steps.due:
        return (
            f"{p(all_steps.on_time_share)} of the dated steps due were on time ({all_steps.on_time} of {all_steps.due}). These files were "
            "scored by qactl 0.1, which did not tell statutory limits from local targets: score the exports again for the statutory breach rate."
        )
    return "No statutory step was due in these audits."
