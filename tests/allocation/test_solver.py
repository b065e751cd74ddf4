"""The solver against exhaustive search, on instances small enough to enumerate."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from qactl.allocation.explain import bottleneck, message
from qactl.allocation.solve import Instance, max_flow_value, solve


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
    return Instance(demand=arr(demand), team=arr([rng.randint(0, 1) for _ in range(n_p)]), cap=arr([rng.randint(0, 2) for _ in range(n_a)]),
                    service=arr([rng.randint(0, 1) for _ in range(n_a)]), arc_plan=arr(ap), arc_aud=arr(aa), arc_keep=arr(ak), arc_own=arr(ao), arc_hist=arr(ah))


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
        key = (0, sum(n * (n - 1) // 2 for n in load), own, hist, sum(n * (n - 1) // 2 for n in per_team.values()))
        best = key if best is None or key < best else best
    return best


@pytest.mark.parametrize("seed", range(60))
def test_optimal_against_exhaustive_search(seed):
    inst = random_instance(random.Random(seed))
    best = brute_force(inst)
    placed, _ = max_flow_value(inst)
    sol = solve(inst)
    assert (best is not None) == (placed == int(inst.demand.sum())) == (sol is not None)
    if best is None:
        return
    assert sol.objective == best
    # the pairs themselves obey the hard rules
    load = [0] * len(inst.cap)
    for _p, a in sol.pairs:
        load[a] += 1
    assert all(load[a] <= inst.cap[a] for a in range(len(load)))
    for p in range(len(inst.demand)):
        auds = [a for q, a in sol.pairs if q == p]
        assert len(auds) == inst.demand[p]
        if len(auds) == 2:
            assert inst.service[auds[0]] != inst.service[auds[1]]


def test_the_assignment_method_agrees_without_moderation():
    rng = random.Random(7)
    for _ in range(40):
        inst = random_instance(rng)
        inst.demand[:] = 1
        a, f = solve(inst, method="assignment"), solve(inst, method="flow")
        assert (a is None) == (f is None) == (max_flow_value(inst)[0] < len(inst.demand))
        if a is not None:
            assert a.objective[:4] == f.objective[:4]


def test_a_corner_that_plan_order_would_paint_itself_into():
    # P0 may go to A0 or A1, P1 only to A0, P2 to A1 or A2. Giving each plan in turn its first free
    # auditor sends P0 to A0 and leaves P1 with nobody; the exact solver finds the allocation.
    arr = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    inst = Instance(demand=arr([1, 1, 1]), team=arr([0, 0, 0]), cap=arr([1, 1, 1]), service=arr([0, 1, 2]),
                    arc_plan=arr([0, 0, 1, 2, 2]), arc_aud=arr([0, 1, 0, 1, 2]))
    sol = solve(inst)
    assert sorted(sol.pairs) == [(0, 1), (1, 0), (2, 2)]


def test_the_bottleneck_is_the_hall_violator():
    arr = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    # X0, X1, X2 can only go to A00, A01 (one place each); X3 can go to anyone
    inst = Instance(demand=arr([1, 1, 1, 1]), team=arr([0, 0, 0, 0]), cap=arr([1, 1, 3]), service=arr([0, 1, 2]),
                    arc_plan=arr([0, 0, 1, 1, 2, 2, 3, 3, 3]), arc_aud=arr([0, 1, 0, 1, 0, 1, 0, 1, 2]))
    placed, state = max_flow_value(inst)
    assert placed == 3
    b = bottleneck(inst, state)
    assert b["plans"] == [0, 1, 2] and b["auditors"] == [0, 1] and b["places"] == 2
    text = message(inst, state, ["X0", "X1", "X2", "X3"], ["A00", "A01", "A02"], placed)
    assert "Plans X0, X1, X2 can only be audited by A00, A01, who have 2 places between them" in text
