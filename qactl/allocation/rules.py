"""The rules as matrices (plans × auditors): who may audit what, and what each pair costs in the soft aims.

Built by lookups on each plan's few contributors, not by comparing every plan with every auditor in
Python, so 20,000 plans × 10,000 auditors take seconds, not hours.
"""

from __future__ import annotations

import numpy as np

from qactl.allocation.models import Auditor, Plan

OWN, REPEATED, CHANGED = 1, 2, 4  # bits of the flags matrix


def fold(s: str) -> str:
    return " ".join(str(s).casefold().split())


def masks(plans: list[Plan], auditors: list[Auditor], cap: np.ndarray, *, history: set[tuple[str, str]] = frozenset(),
          previous: dict[tuple[str, str], str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``allowed`` (bool) and ``flags`` (int8: OWN | REPEATED | CHANGED) for every (plan, auditor).

    Not allowed: the plan's contributors name the auditor's id or organisation, or its officer is the
    auditor (by id or name), or the auditor has no places (unavailable). OWN: the plan is from the auditor's
    service (its contributors name the service, or one of its auditors or organisations, or its officer is one
    of them). REPEATED: the pair is in the history. CHANGED: under ``--keep``, the pair is not a kept one.
    """
    n_p, n_a = len(plans), len(auditors)
    services = sorted({fold(a.service) for a in auditors})
    svc = np.array([services.index(fold(a.service)) for a in auditors], dtype=np.int64)
    by_key: dict[str, list[int]] = {}  # id, organisation or name → auditors
    officer_key: dict[str, list[int]] = {}
    svc_key = {s: i for i, s in enumerate(services) if s}
    for i, a in enumerate(auditors):
        by_key.setdefault(fold(a.id), []).append(i)
        if a.organisation:
            by_key.setdefault(fold(a.organisation), []).append(i)
        officer_key.setdefault(fold(a.id), []).append(i)
        if a.name:
            officer_key.setdefault(fold(a.name), []).append(i)
    allowed = np.ones((n_p, n_a), dtype=bool)
    allowed[:, cap <= 0] = False
    plan_svc = np.zeros((n_p, len(services)), dtype=bool)
    folded: dict[str, str] = {}  # contributors repeat across plans: fold each once
    for p, plan in enumerate(plans):
        hit: list[int] = []
        for c in plan.contributors:
            k = folded.get(c)
            if k is None:
                k = folded[c] = fold(c)
            hit += by_key.get(k, [])
            if k in svc_key:
                plan_svc[p, svc_key[k]] = True
        if plan.officer:
            hit += officer_key.get(fold(plan.officer), [])
        if hit:
            allowed[p, hit] = False
            plan_svc[p, svc[hit]] = True
    plan_svc[:, [i for i, s in enumerate(services) if not s]] = False
    flags = plan_svc[:, svc].astype(np.int8) * OWN
    pid = {p.plan_id: i for i, p in enumerate(plans)}
    aid = {a.id: i for i, a in enumerate(auditors)}
    for plan_id, auditor_id in history:
        if plan_id in pid and auditor_id in aid:
            flags[pid[plan_id], aid[auditor_id]] |= REPEATED
    if previous is not None:
        flags |= CHANGED
        for plan_id, auditor_id in previous:
            if plan_id in pid and auditor_id in aid:
                flags[pid[plan_id], aid[auditor_id]] &= ~CHANGED
    return allowed, flags
