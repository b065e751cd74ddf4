"""A minimum-cost flow with exact integer potentials: the primal–dual method on scipy's compiled graph routines.

Each phase runs one Dijkstra over the residual network (reduced costs are never negative), raises the node
potentials by the distances, and sends a maximum flow over the arcs whose reduced cost is then zero. Costs
here are small integers (one aim at a time, see ``solve.py``), so there are few phases, the distances are
exact in float64, and the potentials it returns are an integer certificate: every residual arc has a
reduced cost ``cost + pi[tail] - pi[head] >= 0``, which is what makes the flow optimal (and lets the caller
check arcs it never built).

An arc carries ``0..cap`` units; unit ``k`` (counted from 0) costs ``cost + k * convex``. With ``convex > 0``
the k-th place of an auditor costs more than the one before, which is how "fill places evenly" and "mix
teams" are expressed without one arc per place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_array


@dataclass
class Result:
    flow: np.ndarray  # per arc
    pi: np.ndarray  # per node: integer potentials (valid for every residual arc)
    feasible: bool
    # when infeasible: the nodes reachable from the remaining supply (a mask over the nodes; empty when feasible)
    reached: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    phases: int = 0


def residual(tail, head, cap, cost, convex, flow):
    """Residual unit arcs (one per arc and direction): (u, v, cost, capacity at that cost, arc, +1 forward / -1 backward)."""
    fwd = flow < cap
    bwd = flow > 0
    steep = convex > 0
    fc = cost + flow * convex
    fcap = np.where(steep, 1, cap - flow)
    bc = -(cost + (flow - 1) * convex)
    bcap = np.where(steep, 1, flow)
    e_f, e_b = np.flatnonzero(fwd), np.flatnonzero(bwd)
    u = np.concatenate([tail[e_f], head[e_b]])
    v = np.concatenate([head[e_f], tail[e_b]])
    c = np.concatenate([fc[e_f], bc[e_b]])
    k = np.concatenate([fcap[e_f], bcap[e_b]])
    arc = np.concatenate([e_f, e_b])
    return u, v, c, k, arc


def _csr(n: int, u: np.ndarray, v: np.ndarray, data: np.ndarray) -> csr_array:
    """A CSR matrix with explicit zeros kept (scipy's graph routines treat a stored zero as an arc)."""
    from scipy.sparse import csr_array

    order = np.argsort(u, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(u, minlength=n), out=indptr[1:])
    return csr_array((data[order], v[order].astype(np.int32), indptr), shape=(n, n))


def excess(n: int, tail, head, flow, supply) -> np.ndarray:
    return (
        supply
        - np.bincount(tail, weights=flow, minlength=n).astype(np.int64)
        + np.bincount(head, weights=flow, minlength=n).astype(np.int64)
    )


def repair(tail, head, cap, cost, convex, flow, pi) -> None:
    """Make every residual arc's reduced cost non-negative by saturating (or emptying) linear arcs that break it.

    Used after arcs were added to a solved network (warm start): the supplies this leaves unbalanced are then
    routed by :func:`min_cost_flow`. Convex arcs are never added later, so they never need it.
    """
    lin = convex == 0
    r = cost + pi[tail] - pi[head]
    up = lin & (r < 0) & (flow < cap)
    down = lin & (r > 0) & (flow > 0)
    if (~lin & (((cost + flow * convex + pi[tail] - pi[head]) < 0) & (flow < cap))).any():
        raise RuntimeError("a convex arc breaks the potentials")
    flow[up] = cap[up]
    flow[down] = 0


def min_cost_flow(n: int, tail, head, cap, cost, convex, supply, *, flow=None, pi=None) -> Result:
    """Route ``supply`` (positive at sources, negative at sinks, summing to 0) at minimum cost.

    ``flow`` and ``pi`` warm-start it (they must satisfy the reduced-cost condition: call :func:`repair`).
    Returns the flow and potentials, or ``feasible=False`` with the nodes still reachable from the supply
    that could not be routed (their arcs out are all full: the cut that proves no flow exists).
    """
    from scipy.sparse.csgraph import dijkstra, maximum_flow

    flow = np.zeros(len(tail), dtype=np.int64) if flow is None else flow
    pi = np.zeros(n, dtype=np.int64) if pi is None else pi
    s_node, t_node = n, n + 1
    phases = 0
    while True:
        ex = excess(n, tail, head, flow, supply)
        src = np.flatnonzero(ex > 0)
        if len(src) == 0:
            return Result(flow=flow, pi=pi, feasible=True, phases=phases)
        u, v, c, k, arc = residual(tail, head, cap, cost, convex, flow)
        r = c + pi[u] - pi[v]
        if len(r) and r.min() < 0:
            raise RuntimeError("negative reduced cost in the residual network")
        d = dijkstra(_csr(n, u, v, r.astype(np.float64)), directed=True, indices=src, min_only=True)
        sinks = ex < 0
        dmin = d[sinks].min(initial=np.inf)
        if not np.isfinite(dmin):
            return Result(flow=flow, pi=pi, feasible=False, reached=np.isfinite(d), phases=phases)
        phases += 1
        big = int(dmin)
        dd = np.where(np.isfinite(d), np.minimum(d, big), big).astype(np.int64)
        pi += dd
        ok = (r + dd[u] - dd[v] == 0) & (k > 0)
        sink_nodes = np.flatnonzero(sinks & (dd == big))
        mu = np.concatenate([u[ok], np.full(len(src), s_node), sink_nodes])
        mv = np.concatenate([v[ok], src, np.full(len(sink_nodes), t_node)])
        mk = np.concatenate([k[ok], ex[src], -ex[sink_nodes]]).astype(np.int32)
        res = maximum_flow(_csr(n + 2, mu, mv, mk), s_node, t_node)
        if res.flow_value == 0:
            raise RuntimeError("no progress in a primal-dual phase")
        touched = np.zeros(len(tail), dtype=bool)
        touched[arc[ok]] = True
        moved = np.flatnonzero(touched)
        delta = np.asarray(res.flow[tail[moved], head[moved]]).ravel().astype(np.int64)
        flow[moved] += delta


def low_potentials(n: int, tail, head, cap, cost, convex, flow, pi) -> np.ndarray:
    """The lowest potentials not below 0 that the residual network allows (for a flow that ``pi`` proves optimal).

    A node's value is minus the cheapest residual path out of it, or 0 when none is negative: a node from which
    no negative residual path leads (nothing can be gained through it) stays at 0, so arcs not built that lead
    into it are never priced as improving. One Dijkstra on the reversed residual network from a virtual node
    every node leads to, on the costs reduced by ``pi`` (so none is negative).
    """
    from scipy.sparse.csgraph import dijkstra

    u, v, c, _k, _arc = residual(tail, head, cap, cost, convex, flow)
    r = c + pi[u] - pi[v]
    low = int(pi.min(initial=0))
    z = n
    # reversed: an arc u→v becomes v→u; the virtual node z (potential ``low``) is entered from every node
    uu = np.concatenate([v, np.full(n, z)])
    vv = np.concatenate([u, np.arange(n)])
    rr = np.concatenate([r, pi - low]).astype(np.float64)
    d = dijkstra(_csr(n + 1, uu, vv, rr), directed=True, indices=np.asarray(z))  # one source: a 1-D result
    return pi - low - d[:n].astype(np.int64)


def high_potentials(n: int, tail, head, cap, cost, convex, flow, pi) -> np.ndarray:
    """The highest potentials not above 0 that the residual network allows (for a flow that ``pi`` proves optimal).

    A node's value is the cheapest residual path into it from anywhere, or 0 when none is negative: the mirror of
    :func:`low_potentials` (tails high rather than heads low). One Dijkstra from a virtual node that leads to every
    node, on the costs reduced by ``pi``.
    """
    from scipy.sparse.csgraph import dijkstra

    u, v, c, _k, _arc = residual(tail, head, cap, cost, convex, flow)
    r = c + pi[u] - pi[v]
    top = int(pi.max(initial=0))
    root = n
    uu = np.concatenate([u, np.full(n, root)])
    vv = np.concatenate([v, np.arange(n)])
    rr = np.concatenate([r, top - pi]).astype(np.float64)
    d = dijkstra(_csr(n + 1, uu, vv, rr), directed=True, indices=np.asarray(root))
    return d[:n].astype(np.int64) - top + pi
