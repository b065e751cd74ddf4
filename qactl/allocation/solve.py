"""The exact solver: a min-cost flow over the hard rules, the soft aims as lexicographic integer costs.

The network (one unit of flow = one audit)::

    plan p (supply 1, or 2 if moderated) ──► [moderated: (p, service s), capacity 1] ──► (auditor a, team t)
        ──► auditor a (arcs k = 0..cap-1, cost k × W_team: a second plan from the same team costs more)
        ──► sink (arcs k = 0..cap-1, cost k × W_fill: convex, so places are filled evenly)

Only allowed arcs exist (no conflict of interest, available auditors only). The (p, s) layer makes a
moderated plan's two auditors come from two different services, so primary and moderation are solved
jointly. The constraint matrix is a network matrix (totally unimodular), so the LP optimum found by
HiGHS' dual simplex is a vertex and integral: the LP solution *is* the integer optimum.

Costs are lexicographic, in this order: keep a previous assignment (``--keep``) ≻ fill places evenly ≻
outside one's own service ≻ no repeated pair from the history ≻ agencies mixed across teams. Each
level's weight exceeds the largest possible total of all lower levels, so no amount of a lower aim
can buy a worse higher one.

Large instances without moderation (more than ``DENSE_LIMIT`` arcs) use the classical assignment on
capacity slots (``scipy.optimize.linear_sum_assignment``): exact for every level but the team mix,
which it cannot express (it is dropped there, and the result says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DENSE_LIMIT = 200_000  # arcs; above this (and with no moderation) the slot assignment is used


@dataclass
class Instance:
    """A solver instance, by index. Arc arrays are parallel: plan, auditor and the three arc-level costs."""

    demand: np.ndarray  # per plan: 1, or 2 for a moderated plan
    team: np.ndarray  # per plan: a team index
    cap: np.ndarray  # per auditor: places (0 for unavailable auditors)
    service: np.ndarray  # per auditor: a service index
    arc_plan: np.ndarray
    arc_aud: np.ndarray
    arc_keep: np.ndarray = field(default=None)  # 1 when the arc changes a kept assignment
    arc_own: np.ndarray = field(default=None)  # 1 when the plan is from the auditor's own service
    arc_hist: np.ndarray = field(default=None)  # 1 when the pair is in the history

    def __post_init__(self) -> None:
        n = len(self.arc_plan)
        for name in ("arc_keep", "arc_own", "arc_hist"):
            if getattr(self, name) is None:
                setattr(self, name, np.zeros(n, dtype=np.int64))


@dataclass
class Solution:
    pairs: list[tuple[int, int]]  # (plan, auditor), each plan once per unit of demand
    objective: tuple[int, int, int, int, int]  # (changed kept, fill, own service, repeated, team mix)
    method: str


def weights(inst: Instance, *, team_level: bool = True) -> tuple[int, int, int, int, int]:
    """W_keep, W_fill, W_own, W_hist, W_team: each above the largest total of all the levels below it."""
    units = int(inst.demand.sum())
    fill_max = int(sum(c * (c - 1) // 2 for c in inst.cap.tolist()))
    team_max = fill_max if team_level else 0
    w_team = 1 if team_level else 0
    w_hist = team_max * w_team + 1
    w_own = w_hist * units + team_max * w_team + 1
    w_fill = w_own * units + w_hist * units + team_max * w_team + 1
    w_keep = w_fill * fill_max + w_own * units + w_hist * units + team_max * w_team + 1
    if w_keep * units >= 2**52:
        raise OverflowError("the instance is too large for exact lexicographic costs in float64")
    return w_keep, w_fill, w_own, w_hist, w_team


def max_flow_value(inst: Instance) -> tuple[int, object]:
    """The maximum number of audits that can be placed under the hard rules, and the flow (for explain)."""
    from scipy.sparse.csgraph import maximum_flow

    g = _hard_graph(inst)
    res = maximum_flow(g["matrix"], g["source"], g["sink"])
    return int(res.flow_value), (g, res)


def _hard_graph(inst: Instance) -> dict:
    """source → plan (demand) → [(plan, service) for moderated plans] → auditor (cap) → sink, as CSR."""
    from scipy.sparse import csr_matrix

    n_p, n_a = len(inst.demand), len(inst.cap)
    source, plans0, auds0 = 0, 1, 1 + n_p
    mod = np.flatnonzero(inst.demand > 1)
    # (plan, service) nodes for moderated plans, numbered after the sink
    sink = auds0 + n_a
    ps_index: dict[tuple[int, int], int] = {}
    tails, heads, caps = [], [], []
    tails.append(np.zeros(n_p, dtype=np.int64))
    heads.append(plans0 + np.arange(n_p))
    caps.append(inst.demand.astype(np.int64))
    is_mod = inst.demand[inst.arc_plan] > 1
    single = ~is_mod
    tails.append(plans0 + inst.arc_plan[single])
    heads.append(auds0 + inst.arc_aud[single])
    caps.append(np.ones(int(single.sum()), dtype=np.int64))
    nxt = sink + 1
    if len(mod):
        ps_t, ps_h, mt, mh = [], [], [], []
        for p, a in zip(inst.arc_plan[is_mod].tolist(), inst.arc_aud[is_mod].tolist(), strict=True):
            key = (p, int(inst.service[a]))
            node = ps_index.get(key)
            if node is None:
                node = ps_index[key] = nxt
                nxt += 1
                ps_t.append(plans0 + p)
                ps_h.append(node)
            mt.append(node)
            mh.append(auds0 + a)
        tails += [np.array(ps_t, dtype=np.int64), np.array(mt, dtype=np.int64)]
        heads += [np.array(ps_h, dtype=np.int64), np.array(mh, dtype=np.int64)]
        caps += [np.ones(len(ps_t), dtype=np.int64), np.ones(len(mt), dtype=np.int64)]
    tails.append(auds0 + np.arange(n_a))
    heads.append(np.full(n_a, sink))
    caps.append(inst.cap.astype(np.int64))
    t, h, c = np.concatenate(tails), np.concatenate(heads), np.concatenate(caps)
    keep = c > 0
    m = csr_matrix((c[keep].astype(np.int32), (t[keep], h[keep])), shape=(nxt, nxt))
    m.sum_duplicates()
    return {"matrix": m, "source": source, "sink": sink, "plans0": plans0, "auds0": auds0, "n": nxt, "ps_index": ps_index}


def solve(inst: Instance, *, method: str | None = None) -> Solution | None:
    """The optimum allocation, or None when no allocation meets the hard rules (``explain`` says why)."""
    if method is None:
        method = "assignment" if (inst.demand.max(initial=1) <= 1 and len(inst.arc_plan) > DENSE_LIMIT) else "flow"
    if method == "assignment":
        return _solve_assignment(inst)
    return _solve_flow(inst)


def _objective(inst: Instance, pairs: list[tuple[int, int]]) -> tuple[int, int, int, int, int]:
    """Recompute every level from the pairs (a check on the solver, and what is reported)."""
    arc = {(p, a): i for i, (p, a) in enumerate(zip(inst.arc_plan.tolist(), inst.arc_aud.tolist(), strict=True))}
    keep = own = hist = 0
    load: dict[int, int] = {}
    per_team: dict[tuple[int, int], int] = {}
    for p, a in pairs:
        i = arc[(p, a)]
        keep += int(inst.arc_keep[i])
        own += int(inst.arc_own[i])
        hist += int(inst.arc_hist[i])
        load[a] = load.get(a, 0) + 1
        key = (a, int(inst.team[p]))
        per_team[key] = per_team.get(key, 0) + 1
    fill = sum(n * (n - 1) // 2 for n in load.values())
    team = sum(n * (n - 1) // 2 for n in per_team.values())
    return keep, fill, own, hist, team


def _solve_flow(inst: Instance) -> Solution:
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    wk, wf, wo, wh, wt = weights(inst)
    n_p, n_a = len(inst.demand), len(inst.cap)
    nodes: dict[object, int] = {}

    def node(key: object) -> int:
        i = nodes.get(key)
        if i is None:
            i = nodes[key] = len(nodes)
        return i

    for p in range(n_p):
        node(("p", p))
    sink = node(("sink",))
    tail: list[int] = []
    head: list[int] = []
    cost: list[int] = []
    cap: list[int] = []
    arc_of: list[tuple[int, int] | None] = []  # the (plan, auditor) pair an arc carries

    def add(u: int, v: int, c: int, w: int, pair: tuple[int, int] | None = None) -> None:
        tail.append(u)
        head.append(v)
        cap.append(c)
        cost.append(w)
        arc_of.append(pair)

    for i, (p, a) in enumerate(zip(inst.arc_plan.tolist(), inst.arc_aud.tolist(), strict=True)):
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
    for a in range(n_a):
        if ("a", a) in nodes:
            for k in range(int(inst.cap[a])):
                add(nodes[("a", a)], sink, 1, k * wf)
    n_nodes, n_arcs = len(nodes), len(tail)
    if n_arcs == 0 or len(np.unique(inst.arc_plan)) < n_p:
        return None  # some plan has no allowed auditor at all
    rows = np.concatenate([np.array(tail), np.array(head)])
    cols = np.concatenate([np.arange(n_arcs), np.arange(n_arcs)])
    vals = np.concatenate([np.ones(n_arcs), -np.ones(n_arcs)])
    a_eq = coo_matrix((vals, (rows, cols)), shape=(n_nodes, n_arcs)).tocsr()
    b = np.zeros(n_nodes)
    b[:n_p] = inst.demand
    b[sink] = -float(inst.demand.sum())
    res = linprog(np.array(cost, dtype=float), A_eq=a_eq, b_eq=b, bounds=np.column_stack([np.zeros(n_arcs), np.array(cap, dtype=float)]), method="highs-ds")
    if res.status == 2:  # infeasible: the hard rules leave some audit without an auditor
        return None
    if res.status != 0:
        raise RuntimeError(f"the flow solver failed: {res.message}")
    x = np.rint(res.x).astype(int)
    if not np.allclose(res.x, x, atol=1e-6):
        raise RuntimeError("the flow solver returned a fractional solution")
    pairs = sorted(arc_of[i] for i in np.flatnonzero(x) if arc_of[i] is not None)
    return Solution(pairs=pairs, objective=_objective(inst, pairs), method="min-cost flow (HiGHS dual simplex)")


def _solve_assignment(inst: Instance) -> Solution | None:
    """The slot assignment on the instance's arcs, made dense (only used for large instances without moderation)."""
    n_p, n_a = len(inst.demand), len(inst.cap)
    allowed = np.zeros((n_p, n_a), dtype=bool)
    flags = np.zeros((n_p, n_a), dtype=np.int8)  # bit 0 own service, bit 1 repeated pair, bit 2 changes a kept assignment
    allowed[inst.arc_plan, inst.arc_aud] = True
    flags[inst.arc_plan, inst.arc_aud] = inst.arc_own + 2 * inst.arc_hist + 4 * inst.arc_keep
    pairs = assign_dense(allowed, flags, inst.cap, units=n_p)
    if pairs is None:
        return None
    return Solution(pairs=pairs, objective=_objective(inst, pairs), method="assignment on capacity slots (linear_sum_assignment)")


def dense_objective(flags: np.ndarray, pairs: list[tuple[int, int]]) -> tuple[int, int, int, int, int]:
    """The levels reached by ``pairs`` under ``flags`` (team mix not measured: 0)."""
    p = np.array([x for x, _ in pairs], dtype=np.int64)
    a = np.array([y for _, y in pairs], dtype=np.int64)
    f = flags[p, a] if len(pairs) else np.zeros(0, dtype=np.int8)
    load = np.bincount(a, minlength=flags.shape[1]) if len(pairs) else np.zeros(0, dtype=np.int64)
    return int((f & 4 > 0).sum()), int((load * (load - 1) // 2).sum()), int((f & 1 > 0).sum()), int((f & 2 > 0).sum()), 0


def assign_dense(allowed: np.ndarray, flags: np.ndarray, cap: np.ndarray, *, units: int) -> list[tuple[int, int]] | None:
    """Exact assignment of each plan (row) to one auditor (column) on capacity slots; None when infeasible.

    ``flags`` per pair: bit 0 own service, bit 1 repeated pair, bit 2 changes a kept assignment. Column j of
    the slot matrix is auditor a's k-th place and costs k × W_fill on top of the pair's cost, so places fill
    evenly. A forbidden pair costs more than any allocation; if the optimum uses one, none exists.
    """
    from scipy.optimize import linear_sum_assignment

    cap = np.asarray(cap, dtype=np.int64)
    fill_max = int(sum(c * (c - 1) // 2 for c in cap.tolist()))
    w_hist = 1
    w_own = units + 1
    w_fill = w_own * units + units + 1
    w_keep = (w_fill * fill_max + w_own * units + units + 1) if (flags & 4).any() else 0
    # any allocation that uses a forbidden pair costs more than the dearest valid one
    forbidden = float(w_keep * units + w_fill * fill_max + w_own * units + w_hist * units + 1)
    if forbidden >= 2**52:
        raise OverflowError("the instance is too large for exact lexicographic costs in float64")
    lut = np.array([w_own * (f & 1) + w_hist * ((f >> 1) & 1) + w_keep * ((f >> 2) & 1) for f in range(8)], dtype=np.float64)
    slot_aud = np.repeat(np.arange(len(cap)), cap)
    first = np.concatenate([[0], np.cumsum(cap)[:-1]]).astype(np.int64)
    m = np.empty((allowed.shape[0], len(slot_aud)), dtype=np.float64)
    for k in range(int(cap.max(initial=0))):
        auds = np.flatnonzero(cap > k)
        block = lut[flags[:, auds]] + k * w_fill
        block[~allowed[:, auds]] = forbidden
        m[:, first[auds] + k] = block
        del block
    if m.shape[0] > m.shape[1]:
        return None
    r, c = linear_sum_assignment(m)
    if (m[r, c] >= forbidden).any():
        return None
    return sorted(zip(r.tolist(), slot_aud[c].tolist(), strict=True))
