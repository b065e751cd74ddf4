"""qactl 0.1's allocation solver, kept as a test oracle: one LP (HiGHS dual simplex) with lexicographic weights.

The network is the one ``qactl.allocation.solve`` describes, with every aim folded into one cost: each aim's
weight exceeds the largest total of the aims after it. Exact on small instances (the weights outgrow float64
near 20,000 plans, which is why the product no longer solves it this way). Tests compare the objective the
new solver reaches with this one's.
"""

from __future__ import annotations

import numpy as np


def weights(inst) -> tuple[int, int, int, int, int]:
    units = int(inst.demand.sum())
    fill_max = int(sum(c * (c - 1) // 2 for c in inst.cap.tolist()))
    w_team = 1
    w_hist = fill_max + 1
    w_own = w_hist * units + fill_max + 1
    w_fill = w_own * units + w_hist * units + fill_max + 1
    w_keep = w_fill * fill_max + w_own * units + w_hist * units + fill_max + 1
    assert w_keep * units < 2**52, "too large for exact lexicographic costs in float64"
    return w_keep, w_fill, w_own, w_hist, w_team


def objective(inst, pairs) -> tuple[int, int, int, int, int]:
    arc = {
        (p, a): i for i, (p, a) in enumerate(zip(inst.arc_plan.tolist(), inst.arc_aud.tolist(), strict=True))
    }
    keep = own = hist = 0
    load: dict[int, int] = {}
    per_team: dict[tuple[int, int], int] = {}
    for p, a in pairs:
        i = arc[(p, a)]
        keep += int(inst.arc_keep[i])
        own += int(inst.arc_own[i])
        hist += int(inst.arc_hist[i])
        load[a] = load.get(a, 0) + 1
        per_team[(a, int(inst.team[p]))] = per_team.get((a, int(inst.team[p])), 0) + 1
    return (
        keep,
        sum(n * (n - 1) // 2 for n in load.values()),
        own,
        hist,
        sum(n * (n - 1) // 2 for n in per_team.values()),
    )


def solve_lp(inst):
    """(pairs, objective) of the lexicographic optimum over the instance's listed arcs, or None when infeasible."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    wk, wf, wo, wh, wt = weights(inst)
    n_p = len(inst.demand)
    nodes: dict[object, int] = {}

    def node(key: object) -> int:
        return nodes.setdefault(key, len(nodes))

    for p in range(n_p):
        node(("p", p))
    sink = node(("sink",))
    tail: list[int] = []
    head: list[int] = []
    cost: list[int] = []
    cap: list[int] = []
    arc_of: list[tuple[int, int] | None] = []

    def add(u: int, v: int, c: int, w: int, pair=None) -> None:
        tail.append(u)
        head.append(v)
        cap.append(c)
        cost.append(w)
        arc_of.append(pair)

    for i, (p, a) in enumerate(zip(inst.arc_plan.tolist(), inst.arc_aud.tolist(), strict=True)):
        if inst.cap[a] <= 0:
            continue
        w = wk * int(inst.arc_keep[i]) + wo * int(inst.arc_own[i]) + wh * int(inst.arc_hist[i])
        x = ("x", a, int(inst.team[p]))
        fresh = x not in nodes
        xv = node(x)
        if fresh:
            av = node(("a", a))
            for k in range(int(inst.cap[a])):
                add(xv, av, 1, k * wt)
        if inst.demand[p] > 1:
            ps = ("ps", p, int(inst.service[a]))
            fresh_ps = ps not in nodes
            psv = node(ps)
            if fresh_ps:
                add(nodes[("p", p)], psv, 1, 0)
            add(psv, xv, 1, w, (p, a))
        else:
            add(nodes[("p", p)], xv, 1, w, (p, a))
    for a in range(len(inst.cap)):
        if ("a", a) in nodes:
            for k in range(int(inst.cap[a])):
                add(nodes[("a", a)], sink, 1, k * wf)
    n_nodes, n_arcs = len(nodes), len(tail)
    if n_arcs == 0:
        return None
    rows = np.concatenate([np.array(tail), np.array(head)])
    cols = np.concatenate([np.arange(n_arcs), np.arange(n_arcs)])
    vals = np.concatenate([np.ones(n_arcs), -np.ones(n_arcs)])
    a_eq = coo_matrix((vals, (rows, cols)), shape=(n_nodes, n_arcs)).tocsr()
    b = np.zeros(n_nodes)
    b[:n_p] = inst.demand
    b[sink] = -float(inst.demand.sum())
    res = linprog(
        np.array(cost, dtype=float),
        A_eq=a_eq,
        b_eq=b,
        bounds=np.column_stack([np.zeros(n_arcs), np.array(cap, dtype=float)]),
        method="highs-ds",
    )
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    x = np.rint(res.x).astype(int)
    pairs = sorted(arc_of[i] for i in np.flatnonzero(x) if arc_of[i] is not None)
    return pairs, objective(inst, pairs)
