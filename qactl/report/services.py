"""Services to review: the audits in the lowest grades, grouped by the services that contributed to them.

Wolverhampton QA Framework §6.1: audits graded Requires Improvement or Inadequate go back to the services
that contributed to the plan, who review their contribution. Who contributed comes from the audit (a field
with the role ``contributors``) or, for a plan the allocation shared out, from the allocation's list of the
plan's contributors (people resolved to their service through the cohort, services named as such; a
setting is never taken for a service). Counts are suppressed under the minimum cell size; audits of a
provider or school are named by the provider instead (the rubric section lists them).
"""

from __future__ import annotations

import re
from collections import Counter

from qactl.report import model as m
from qactl.report.aggregate import RubricTally, plan_key, split_services, suppress
from qactl.report.charts import safe_id


def plan_services(allocations: list[dict]) -> dict[str, tuple[str, ...]]:
    """plan id -> the services that contributed to it, from allocation documents whose sample lists contributors."""
    out: dict[str, tuple[str, ...]] = {}
    for d in allocations:
        people = {
            str(a.get("id")).casefold(): str(a.get("service"))
            for a in d.get("auditors") or []
            if isinstance(a, dict) and a.get("id") and a.get("service")
        }
        named = {s.casefold(): s for s in people.values()}
        for s in d.get("sample") or []:
            if not isinstance(s, dict) or s.get("plan_id") in (None, "") or not s.get("contributors"):
                continue
            found = [
                people.get(c.casefold()) or named.get(c.casefold()) for c in split_services(s["contributors"])
            ]
            services = tuple(dict.fromkeys(x for x in found if x))
            if services:
                out[plan_key(s["plan_id"])] = services
    return out


def review_list(t: RubricTally, grades: list[str]) -> m.ReviewList:
    mc = t.options.min_cell
    by_service = sorted(t.review_services.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    return m.ReviewList(
        grades=grades,
        total=t.review_total,
        unrecorded=t.review_unrecorded,
        of_provider=t.of_provider,
        by_service=[m.ServiceAudits(service=s, audits=suppress(n, mc)) for s, n in by_service],
    )


def services_to_review(
    reports: list[tuple[m.RubricReport, RubricTally]], min_cell: int, packs: str | None
) -> m.ServicesToReview:
    """Every service with audits to review, most first, with the rubrics they come from; and what is unrecorded."""
    totals: Counter[str] = Counter()
    per: dict[str, list[m.ServiceRubric]] = {}
    audits: dict[str, list[m.ReviewAudit]] = {}
    unrecorded = []
    total = 0
    for r, t in reports:
        if t.of_provider:
            continue
        total += t.review_total
        for service, n in sorted(t.review_services.items(), key=lambda kv: (-kv[1], kv[0].casefold())):
            totals[service] += n
            per.setdefault(service, []).append(
                m.ServiceRubric(
                    rubric_id=r.id,
                    title=r.title,
                    anchor=r.anchor,
                    grades=r.review.grades,
                    audits=suppress(n, min_cell),
                )
            )
        if t.review_unrecorded:
            unrecorded.append(m.Unrecorded(rubric_id=r.id, title=r.title, audits=t.review_unrecorded))
        for e in t.review_list():
            for service in e["services"]:
                audits.setdefault(service, []).append(
                    m.ReviewAudit(
                        ref=e["ref"],
                        plan=e["plan"],
                        rubric_id=r.id,
                        rubric_title=r.title,
                        grade=e["grade"],
                        score=e["score"],
                        services=list(e["services"]),
                        not_met=e["not_met"][:6],
                    )
                )
    names: set[str] = set()
    services = [
        m.ServiceReview(
            service=s,
            anchor=f"service-{safe_id(s)}",
            total=n,
            total_text=suppress(n, min_cell),
            rubrics=per[s],
            pack=_pack_name(s, names) if packs else None,
            audits=audits.get(s, []),
        )
        for s, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    ]
    return m.ServicesToReview(
        finding=_finding(services, unrecorded, total, min_cell),
        total=total,
        services=services,
        unrecorded=unrecorded,
        packs=packs,
    )


_WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def _pack_name(service: str, taken: set[str]) -> str:
    """A pack's file name: the service in lower-case letters, digits and hyphens (``social-care.html``), made unique."""
    base = re.sub(r"[^a-z0-9]+", "-", service.casefold()).strip("-")[:60] or "service"
    if base in _WINDOWS_RESERVED:
        base = f"service-{base}"
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}-{k}"
    taken.add(name)
    return f"{name}.html"


def _finding(
    services: list[m.ServiceReview], unrecorded: list[m.Unrecorded], total: int, min_cell: int
) -> str:
    if not total:
        return "No audit of a plan was graded in its rubric's lowest grades: no service is asked to review a contribution."
    missing = sum(u.audits for u in unrecorded)
    if not services:
        return (
            f"{total} audits of plans were graded in the lowest grades, but none records the services that contributed: "
            "add a contributors field to the audit, or give the allocation with each plan's contributors."
        )
    top = services[0]
    if top.total < min_cell:
        lead = (
            f"{len(services)} services contributed to the {total} audits of plans graded in the lowest grades"
        )
    else:
        lead = f"{top.service} contributed to {top.total} of the {total} audits of plans graded in the lowest grades, more than any other service"
    return lead + (f"; {missing} of them record no contributing service." if missing else ".")
