"""The solver against exhaustive search, against qactl 0.1's LP solver, and its sparse path against the full one."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from qactl.allocation.explain import message
from qactl.allocation.solve import Bottleneck, Instance, Rest, Solution, _Network, max_flow_value, solve

from .reference_lp import solve_lp


def random_instance(rng: random.Random) -> Instance:
    n_p, n_a = rng.randint(1, 4), rng.randint(2, 4)
    demand = [2 if rng.random() < 0.3 else 1 for _ in range(n_p)]
    ap, aa, ak, ao, ah = [], [], [], [], []
    for p in range(n_p):
        for a in range(n_a):
            if rng.random() < 0.75:
                ap.append(p)
                aa.append(a)
                ak.append(0)
                ao.append(int(rng.random() < 0.3))
                ah.append(int(rng.random() < 0.3))
    arr = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    return Instance(
        demand=arr(demand),
        team=arr([rng.randint(0, 1) for _ in range(n_p)]),
        cap=arr([rng.randint(0, 2) for _ in range(n_a)]),
        service=arr([rng.randint(0, 1) for _ in range(n_a)]),
        arc_plan=arr(ap),
        arc_aud=arr(aa),
        arc_keep=arr(ak),
        arc_own=arr(ao),
        arc_hist=arr(ah),
    )


def brute_force(inst: Instance):
    """Every valid allocation, scored lexicographically: (fill, own, repeated, team mix). None if there is none."""
    allowed = {}
    for i, (p, a) in enumerate(zip(inst.arc_plan.tolist(), inst.arc_aud.tolist(), strict=True)):
        allowed[(p, a)] = i
    n_a = len(inst.cap)
    choices = []
    for p, d in enumerate(inst.demand.tolist()):
        options = [c for c in itertools.combinations(range(n_a), d) if all((p, a) in allowed for a in c)]
        if d == 2:
            options = [c for c in options if inst.service[c[0]] != inst.service[c[1]]]
        choices.append(options)
    best = None
    for combo in itertools.product(*choices):
        load = [0] * n_a
        per_team: dict = {}
        own = hist = 0
        for p, auds in enumerate(combo):
            for a in auds:
                load[a] += 1
                own += int(inst.arc_own[allowed[(p, a)]])
                hist += int(inst.arc_hist[allowed[(p, a)]])
                per_team[(a, int(inst.team[p]))] = per_team.get((a, int(inst.team[p])), 0) + 1
        if any(load[a] > inst.cap[a] for a in range(n_a)):
            continue
        key = (
            0,
            sum(n * (n - 1) // 2 for n in load),
            own,
            hist,
            sum(n * (n - 1) // 2 for n in per_team.values()),
        )
        best = key if best is None or key < best else best
    return best


def assert_valid(inst: Instance, sol: Solution) -> None:
    """The pairs obey the hard rules: allowed, within capacity, each plan its demand, moderators from two services."""
    listed = set(zip(inst.arc_plan.tolist(), inst.arc_aud.tolist(), strict=True))
    load = [0] * len(inst.cap)
    for p, a in sol.pairs:
        load[a] += 1
        if inst.rest is None:
            assert (p, a) in listed
        else:
            assert not inst.rest.forbidden(np.array([p]), np.array([a]))[0]
    assert all(load[a] <= inst.cap[a] for a in range(len(load)))
    for p in range(len(inst.demand)):
        auds = [a for q, a in sol.pairs if q == p]
        assert len(auds) == inst.demand[p]
        if len(auds) == 2:
            assert inst.service[auds[0]] != inst.service[auds[1]]


@pytest.mark.parametrize("seed", range(60))
def test_optimal_against_exhaustive_search(seed):
    inst = random_instance(random.Random(seed))
    best = brute_force(inst)
    sol = solve(inst)
    assert (best is not None) == (max_flow_value(inst) == int(inst.demand.sum())) == isinstance(sol, Solution)
    if best is None:
        assert sol.placed == max_flow_value(inst) < sol.total
        return
    assert sol.objective == best
    assert_valid(inst, sol)


def structured(
    rng: random.Random,
    n_p: int,
    n_a: int,
    *,
    keep: bool = False,
    n_s: int = 4,
    n_t: int = 3,
    forbid: float = 0.15,
    caps: tuple[int, ...] = (0, 1, 2, 2, 3, 3, 4),
):
    """(every allowed pair listed, a few listed and the rest by rule) for one random round: services and teams,
    forbidden pairs, plans from some services, history pairs and (``keep``) a previous allocation."""
    demand = np.array([2 if rng.random() < 0.25 else 1 for _ in range(n_p)], dtype=np.int64)
    team = np.array([rng.randrange(n_t) for _ in range(n_p)], dtype=np.int64)
    cap = np.array([rng.choice(caps) for _ in range(n_a)], dtype=np.int64)
    service = np.array([rng.randrange(n_s) for _ in range(n_a)], dtype=np.int64)
    plan_service = np.array([[rng.random() < 0.3 for _ in range(n_s)] for _ in range(n_p)], dtype=bool)
    forbidden = {p * n_a + a for p in range(n_p) for a in range(n_a) if rng.random() < forbid}
    allowed = [(p, a) for p in range(n_p) for a in range(n_a) if cap[a] > 0 and p * n_a + a not in forbidden]
    by_plan: dict[int, list[tuple[int, int]]] = {}
    for x in allowed:
        by_plan.setdefault(x[0], []).append(x)
    # the history: a past auditor for about half the plans; --keep: the previous allocation, demand pairs a plan
    history = {rng.choice(xs) for xs in by_plan.values() if rng.random() < 0.5}
    kept = (
        {x for p, xs in by_plan.items() for x in rng.sample(xs, min(len(xs), int(demand[p])))}
        if keep
        else set()
    )

    def build(listed, rest):
        p = np.array([x for x, _ in listed], dtype=np.int64)
        a = np.array([y for _, y in listed], dtype=np.int64)
        return Instance(
            demand=demand,
            team=team,
            cap=cap,
            service=service,
            arc_plan=p,
            arc_aud=a,
            arc_own=plan_service[p, service[a]].astype(np.int64) if len(p) else np.zeros(0, np.int64),
            arc_hist=np.array([int(x in history) for x in listed], dtype=np.int64),
            arc_keep=np.array([int(keep and x not in kept) for x in listed], dtype=np.int64),
            rest=rest,
        )

    # the sparse instance lists the history and kept pairs (they cost differently from the rule) and a few others
    few = sorted(x for x in allowed if x in history or x in kept or rng.random() < 0.15)
    return build(allowed, None), build(
        few, Rest.from_pairs(np.array(sorted(forbidden), dtype=np.int64), n_a, plan_service, changed=keep)
    )


@pytest.mark.parametrize("seed", range(40))
def test_the_same_objective_as_qactl_0_1_s_solver(seed):
    # the LP solver of qactl 0.1 (tests/allocation/reference_lp.py), on rounds of up to 40 plans with moderation,
    # teams, history and --keep: the new solver reaches the same lexicographic optimum, listing every pair or few
    rng = random.Random(1000 + seed)
    n_p = rng.randint(5, 40)
    full, sparse = structured(rng, n_p, rng.randint(n_p // 2 + 2, n_p // 2 + 12), keep=seed % 4 == 0)
    old = solve_lp(full)
    new_full, new_sparse = solve(full), solve(sparse)
    assert (old is None) == isinstance(new_full, Bottleneck) == isinstance(new_sparse, Bottleneck)
    if old is None:
        assert (new_full.placed, new_full.plans) == (new_sparse.placed, new_sparse.plans)
        return
    assert new_full.objective == new_sparse.objective == old[1]
    assert_valid(full, new_full)
    assert_valid(sparse, new_sparse)


@pytest.mark.parametrize("seed", range(20))
def test_the_same_objective_with_many_places_one_to_six_services_and_teams(seed):
    # places up to 8 (the convex fill and team costs reach k = 7), one service (moderation impossible) to six, one
    # team (no team aim) to five
    rng = random.Random(5000 + seed)
    n_p = rng.randint(5, 30)
    full, sparse = structured(
        rng,
        n_p,
        rng.randint(3, n_p // 3 + 4),
        keep=seed % 3 == 0,
        n_s=rng.randint(1, 6),
        n_t=rng.randint(1, 5),
        caps=(0, 1, 3, 5, 8),
    )
    old = solve_lp(full)
    new_full, new_sparse = solve(full), solve(sparse)
    assert (old is None) == isinstance(new_full, Bottleneck) == isinstance(new_sparse, Bottleneck)
    if old is not None:
        assert new_full.objective == new_sparse.objective == old[1]


@pytest.mark.parametrize("seed", range(6))
def test_the_sparse_path_prices_in_what_it_needs(seed):
    # a larger round where the sparse instance lists about 4% of the pairs: the result equals the full listing's,
    # and pricing had to add pairs (else this would not test it)
    rng = random.Random(seed)
    full, sparse = structured(rng, 150, 100, keep=seed % 2 == 1, forbid=0.05)
    sparse.arc_plan, sparse.arc_aud = sparse.arc_plan[::10], sparse.arc_aud[::10]
    sparse.arc_own, sparse.arc_hist, sparse.arc_keep = (
        sparse.arc_own[::10],
        sparse.arc_hist[::10],
        sparse.arc_keep[::10],
    )
    keep_pairs = full.arc_keep == 0 if seed % 2 == 1 else np.zeros(len(full.arc_plan), dtype=bool)
    must = (full.arc_hist > 0) | keep_pairs
    for name in ("arc_plan", "arc_aud", "arc_own", "arc_hist", "arc_keep"):
        setattr(sparse, name, np.concatenate([getattr(sparse, name), getattr(full, name)[must]]))
    _dedupe(sparse)
    a, b = solve(full), solve(sparse)
    assert isinstance(a, Solution) == isinstance(b, Solution)
    if isinstance(a, Solution):
        assert a.objective == b.objective
        assert_valid(sparse, b)
        assert b.stats["pairs added"] > 0
    else:
        assert (a.placed, a.plans, a.auditors) == (b.placed, b.plans, b.auditors)


def _dedupe(inst: Instance) -> None:
    codes = inst.arc_plan * len(inst.cap) + inst.arc_aud
    _, first = np.unique(codes, return_index=True)
    for name in ("arc_plan", "arc_aud", "arc_own", "arc_hist", "arc_keep"):
        setattr(inst, name, getattr(inst, name)[first])


def test_a_corner_that_plan_order_would_paint_itself_into():
    # P0 may go to A0 or A1, P1 only to A0, P2 to A1 or A2. Giving each plan in turn its first free
    # auditor sends P0 to A0 and leaves P1 with nobody; the exact solver finds the allocation.
    arr = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    inst = Instance(
        demand=arr([1, 1, 1]),
        team=arr([0, 0, 0]),
        cap=arr([1, 1, 1]),
        service=arr([0, 1, 2]),
        arc_plan=arr([0, 0, 1, 2, 2]),
        arc_aud=arr([0, 1, 0, 1, 2]),
    )
    sol = solve(inst)
    assert sorted(sol.pairs) == [(0, 1), (1, 0), (2, 2)]


def test_the_same_corner_when_the_pairs_it_needs_are_not_listed():
    # the same rule as above, but only P0–A0 and P2–A2 are listed: the first aim cannot place P1, and the
    # pairs that lead out of the cut (P0–A1, P1–A0) are priced in from the rule
    arr = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    forbidden = arr([0 * 3 + 2, 1 * 3 + 1, 1 * 3 + 2, 2 * 3 + 0])
    inst = Instance(
        demand=arr([1, 1, 1]),
        team=arr([0, 0, 0]),
        cap=arr([1, 1, 1]),
        service=arr([0, 1, 2]),
        arc_plan=arr([0, 2]),
        arc_aud=arr([0, 2]),
        rest=Rest.from_pairs(forbidden, 3, np.zeros((3, 3), dtype=bool)),
    )
    sol = solve(inst)
    assert sorted(sol.pairs) == [(0, 1), (1, 0), (2, 2)]
    assert sol.stats["pairs added"] >= 2


def test_the_bottleneck_is_the_hall_violator():
    arr = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    # X0, X1, X2 can only go to A00, A01 (one place each); X3 can go to anyone
    inst = Instance(
        demand=arr([1, 1, 1, 1]),
        team=arr([0, 0, 0, 0]),
        cap=arr([1, 1, 3]),
        service=arr([0, 1, 2]),
        arc_plan=arr([0, 0, 1, 1, 2, 2, 3, 3, 3]),
        arc_aud=arr([0, 1, 0, 1, 0, 1, 0, 1, 2]),
    )
    b = solve(inst)
    assert isinstance(b, Bottleneck)
    assert (b.placed, b.total) == (3, 4)
    assert b.plans == [0, 1, 2] and b.auditors == [0, 1] and b.places == 2
    text = message(b, ["X0", "X1", "X2", "X3"], ["A00", "A01", "A02"], moderation=False)
    assert text.startswith("No allocation meets the rules: only 3 of the 4 audits can be placed.")
    assert "Plans X0, X1, X2 can only be audited by A00, A01, who have 2 places between them" in text


def test_the_bottleneck_holds_for_pairs_not_listed():
    # the same round with only X3's pairs listed and the rest by rule: the cut is the same, found through pricing
    arr = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    forbidden = arr([0 * 3 + 2, 1 * 3 + 2, 2 * 3 + 2])  # X0, X1, X2 may not go to A02
    inst = Instance(
        demand=arr([1, 1, 1, 1]),
        team=arr([0, 0, 0, 0]),
        cap=arr([1, 1, 3]),
        service=arr([0, 1, 2]),
        arc_plan=arr([3, 3, 3]),
        arc_aud=arr([0, 1, 2]),
        rest=Rest.from_pairs(forbidden, 3, np.zeros((4, 3), dtype=bool)),
    )
    b = solve(inst)
    assert isinstance(b, Bottleneck)
    assert (b.placed, b.plans, b.auditors, b.places) == (3, [0, 1, 2], [0, 1], 2)


def test_the_certificate_rejects_a_worse_allocation():
    # the check behind "provably optimal": solve, then move one plan to a dearer auditor; the potentials that
    # proved the optimum no longer hold, and verify says so
    arr = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    inst = Instance(
        demand=arr([1, 1]),
        team=arr([0, 0]),
        cap=arr([1, 1, 1]),
        service=arr([0, 1, 2]),
        arc_plan=arr([0, 0, 1, 1]),
        arc_aud=arr([0, 2, 1, 2]),
        arc_own=arr([0, 1, 0, 1]),
    )
    net = _Network(inst)
    for level in net.levels:
        assert net.stage(level) is None
    net.verify()
    assert net.pairs() == [(0, 0), (1, 1)]
    plan_arcs = {(int(c) // 3, int(c) % 3): i for i, c in enumerate(net.code) if c >= 0}
    net.total[plan_arcs[(0, 0)]] = 0
    net.total[plan_arcs[(0, 2)]] = 1  # P0 to its own service's auditor: one more own-service audit
    net.total[net.head == net.a0 + 0] = 0
    with pytest.raises(RuntimeError):
        net.verify()
