"""The rules as data the solver reads: who may audit what, and what each pair costs in the soft aims.

Nothing here is plans × auditors. A conflict of interest is a *key* the plan names and the auditor has
(their id or organisation among the plan's contributors, their id or name as its officer), so the rules
are each plan's few keys and each auditor's few keys; whether a pair is allowed is looked up when asked.
A round of 20,000 plans × 10,000 auditors is a few hundred thousand numbers, not 200 million.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np

from qactl.allocation.models import Auditor, Plan
from qactl.allocation.solve import Instance, Rest, candidates, member

LIST_ALL = 250_000  # pairs: up to this many (plans × auditors), every allowed pair is listed for the solver


def fold(s: str) -> str:
    return " ".join(str(s).casefold().split())


@dataclass
class Rules:
    rest: Rest  # the forbidden pairs (by key) and the plans' services
    service: np.ndarray  # per auditor: index into ``services``
    services: list[str]
    history: np.ndarray  # sorted codes plan * n_auditors + auditor of the pairs in --history
    kept: np.ndarray | None  # under --keep: sorted codes of the previous allocation's pairs


def rules(
    plans: list[Plan],
    auditors: list[Auditor],
    *,
    history: AbstractSet[tuple[str, str]] = frozenset(),
    previous: Mapping[tuple[str, str], str] | None = None,
) -> Rules:
    """The hard rules and the soft aims' flags, for ``plans`` (the sample) and ``auditors`` (the cohort).

    Forbidden: the plan's contributors name the auditor's id or organisation, or its officer is the auditor (by
    id or name). Own service: the plan's contributors name the service, or one of its auditors or their
    organisation, or its officer is one of them. History: the pair is in ``history``. Under ``--keep``, every
    pair but the previous allocation's changes a kept assignment.
    """
    n_a = len(auditors)
    services = sorted({fold(a.service) for a in auditors})
    svc_index = {s: i for i, s in enumerate(services)}
    svc = np.array([svc_index[fold(a.service)] for a in auditors], dtype=np.int64)
    keys: dict[
        tuple[str, str], int
    ] = {}  # ("c", id or organisation) for contributors, ("o", id or name) for officers

    def key(kind: str, value: str) -> int:
        return keys.setdefault((kind, value), len(keys))

    aud_keys = np.full((n_a, 4), -1, dtype=np.int64)
    for i, a in enumerate(auditors):
        aud_keys[i, 0] = key("c", fold(a.id))
        aud_keys[i, 2] = key("o", fold(a.id))
        if a.organisation:
            aud_keys[i, 1] = key("c", fold(a.organisation))
        if a.name:
            aud_keys[i, 3] = key("o", fold(a.name))
    n_keys = len(keys)
    key_svc = np.zeros((n_keys, len(services)), dtype=bool)  # the services of the auditors who have each key
    has = aud_keys >= 0
    key_svc[aud_keys[has], np.broadcast_to(svc[:, None], aud_keys.shape)[has]] = True
    svc_named = {s: i for i, s in enumerate(services) if s}
    plan_service = np.zeros((len(plans), len(services)), dtype=bool)
    codes: list[int] = []
    folded: dict[str, str] = {}  # contributors repeat across plans: fold each once
    for p, plan in enumerate(plans):
        named: set[int] = set()
        for c in plan.contributors:
            k = folded.get(c)
            if k is None:
                k = folded[c] = fold(c)
            if ("c", k) in keys:
                named.add(keys[("c", k)])
            if k in svc_named:
                plan_service[p, svc_named[k]] = True
        if plan.officer and ("o", fold(plan.officer)) in keys:
            named.add(keys[("o", fold(plan.officer))])
        if named:
            ks = sorted(named)
            plan_service[p] |= key_svc[ks].any(axis=0)
            codes += [p * n_keys + k for k in ks]
    plan_service[:, [i for i, s in enumerate(services) if not s]] = False
    pid = {p.plan_id: i for i, p in enumerate(plans)}
    aid = {a.id: i for i, a in enumerate(auditors)}

    def pair_codes(pairs) -> np.ndarray:
        return np.unique(
            np.array([pid[p] * n_a + aid[a] for p, a in pairs if p in pid and a in aid], dtype=np.int64)
        )

    return Rules(
        rest=Rest(
            plan_keys=np.array(codes, dtype=np.int64),
            n_keys=n_keys,
            aud_keys=aud_keys,
            plan_service=plan_service,
            changed=previous is not None,
        ),
        service=svc,
        services=services,
        history=pair_codes(history),
        kept=pair_codes(previous) if previous is not None else None,
    )


def instance(r: Rules, demand: np.ndarray, team: np.ndarray, cap: np.ndarray) -> Instance:
    """The solver's instance: every allowed pair listed for a council-sized round; above ``LIST_ALL`` pairs, a
    few candidates per plan and auditor (and every pair of the history and of ``--keep``), the rest by rule."""
    n_p, n_a = len(demand), len(cap)
    avail = np.flatnonzero(cap > 0)
    listed_all = n_p * n_a <= LIST_ALL
    if listed_all:
        p, a = np.repeat(np.arange(n_p), len(avail)), np.tile(avail, n_p)
    else:
        p, a = candidates(r.rest, r.service, cap, n_p)
        extra = np.concatenate(
            [r.history, r.kept if r.kept is not None else np.zeros(0, np.int64), _displaced(r, demand, cap)]
        )
        codes = np.union1d(p * n_a + a, extra)
        p, a = codes // n_a, codes % n_a
        on = cap[a] > 0
        p, a = p[on], a[on]
    ok = ~r.rest.forbidden(p, a)
    p, a = p[ok], a[ok]
    codes = p * n_a + a
    own = r.rest.plan_service[p, r.service[a]].astype(np.int64)
    hist = member(r.history, codes).astype(np.int64)
    keep = (~member(r.kept, codes)).astype(np.int64) if r.kept is not None else np.zeros(len(p), np.int64)
    return Instance(
        demand=demand,
        team=team,
        cap=cap,
        service=r.service,
        arc_plan=p,
        arc_aud=a,
        arc_keep=keep,
        arc_own=own,
        arc_hist=hist,
        rest=None if listed_all else r.rest,
    )


def _displaced(r: Rules, demand: np.ndarray, cap: np.ndarray, per_plan: int = 32) -> np.ndarray:
    """Under ``--keep``: pairs from each plan that lost an auditor to auditors with places the kept pairs leave free.

    They are what a re-allocation after a drop-out needs, and random candidates rarely include them. Codes, as
    ``Rules.history``; deterministic.
    """
    if r.kept is None or len(r.kept) == 0:
        return np.zeros(0, np.int64)
    n_a = len(cap)
    p, a = r.kept // n_a, r.kept % n_a
    usable = (cap[a] > 0) & ~r.rest.forbidden(p, a)
    left = cap - np.bincount(a[usable], minlength=n_a)
    short = demand - np.bincount(p[usable], minlength=len(demand))
    plans, spare = np.flatnonzero(short > 0), np.flatnonzero(left > 0)
    if len(plans) == 0 or len(spare) == 0:
        return np.zeros(0, np.int64)
    rng = np.random.default_rng(0)
    k = min(per_plan, len(spare))
    picks = np.array([rng.choice(spare, k, replace=False) for _ in plans])
    return (np.repeat(plans, k) * n_a + picks.ravel()).astype(np.int64)
