"""What OR-Tools' SimpleMinCostFlow would earn over qactl's own min-cost flow (a benchmark, not a test).

OR-Tools is not a dependency of qactl; this measures whether it should be. Two steps, because OR-Tools lives in
another environment:

    .venv/bin/python bench/ortools_compare.py --dump bench/.cache/stage.npz      # the networks of a 20,000 × 10,000 round
    OTHER/bin/python bench/ortools_compare.py --time bench/.cache/stage.npz     # numpy, scipy and ortools installed there

``--dump`` builds the 20,000 plans × 10,000 auditors round with moderation of bench/allocate_bench.py and writes the
network of its first aim (every place filled evenly, over the candidate pairs) as qactl's solver first sees it.
``--time`` solves it three times each way: ``qactl.allocation.flow.min_cost_flow`` (scipy's Dijkstra and maximum
flow; it returns the potentials the solver needs to price pairs it was not given and to fix each aim for the next),
and OR-Tools' ``SimpleMinCostFlow`` (cost scaling, in C++; a convex arc becomes one arc per place; it returns a flow
and no potentials, which qactl would then have to compute: one more shortest-path pass, timed here too).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def dump(path: Path) -> None:
    import datetime as dt

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from allocate_bench import make_allocation_instance

    from qactl.allocation.inputs import read_cohort, read_plans
    from qactl.allocation.rules import instance, rules
    from qactl.allocation.sample import draw, eligible
    from qactl.allocation.solve import FILL, _Network

    plans_path, cohort_path = make_allocation_instance(20_000, 10_000)
    plans, _, _ = read_plans(plans_path)
    auditors, _, _ = read_cohort(cohort_path)
    pool = eligible(plans, dt.date(2025, 9, 1), dt.date(2026, 8, 31), ("new", "amended"), ())
    sample = draw(pool, 18_000, 2_000, 1, ())
    r = rules([s.plan for s in sample], auditors)
    teams = sorted({s.plan.team for s in sample})
    inst = instance(
        r,
        np.array([2 if s.moderation else 1 for s in sample]),
        np.array([teams.index(s.plan.team) for s in sample]),
        np.full(len(auditors), 2),
    )
    net = _Network(inst)
    np.savez(
        path,
        n=net.n,
        tail=net.tail,
        head=net.head,
        cap=net.free,
        cost=net.lin[FILL],
        convex=net.conv[FILL],
        supply=net.supply,
    )
    print(f"wrote {path}: {net.n:,} nodes, {len(net.tail):,} arcs")


def time_both(path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from qactl.allocation.flow import low_potentials, min_cost_flow

    d = np.load(path)
    n, tail, head, cap, cost, convex, supply = (
        d[k] for k in ("n", "tail", "head", "cap", "cost", "convex", "supply")
    )
    n = int(n)
    ours, pots, value = [], [], None
    for _ in range(3):
        t = time.perf_counter()
        res = min_cost_flow(n, tail, head, cap, cost, convex, supply)
        ours.append(time.perf_counter() - t)
        value = int((cost * res.flow).sum() + (convex * res.flow * (res.flow - 1) // 2).sum())
        t = time.perf_counter()
        low_potentials(n, tail, head, cap, cost, convex, res.flow, res.pi)
        pots.append(time.perf_counter() - t)
    print(
        f"qactl min_cost_flow: {statistics.median(ours):.3f} s (median of 3), cost {value}, potentials included; "
        f"the lowest potentials for pricing: {statistics.median(pots):.3f} s more"
    )
    try:
        from ortools.graph.python import min_cost_flow as mcf
    except ImportError:
        print("OR-Tools: not installed in this environment")
        return
    # a convex arc of capacity c: c arcs of capacity 1 costing cost, cost + 1, …
    steep = convex > 0
    reps = np.where(steep, cap, 1)
    idx = np.repeat(np.arange(len(tail)), reps)
    k = np.arange(len(idx)) - np.repeat(np.cumsum(reps) - reps, reps)
    t_o, c_o, u_o = tail[idx], head[idx], np.where(steep[idx], 1, cap[idx])
    w_o = cost[idx] + np.where(steep[idx], k, 0) * convex[idx]
    times = []
    for _ in range(3):
        t = time.perf_counter()
        m = mcf.SimpleMinCostFlow()
        m.add_arcs_with_capacity_and_unit_cost(
            t_o.astype(np.int32), c_o.astype(np.int32), u_o.astype(np.int64), w_o.astype(np.int64)
        )
        m.set_nodes_supplies(np.arange(n, dtype=np.int32), supply.astype(np.int64))
        status = m.solve()
        times.append(time.perf_counter() - t)
        assert status == m.OPTIMAL, status
    print(
        f"OR-Tools SimpleMinCostFlow: {statistics.median(times):.3f} s (median of 3), cost {m.optimal_cost()}, no potentials"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--time", type=Path)
    args = ap.parse_args()
    if args.dump:
        dump(args.dump)
    if args.time:
        time_both(args.time)


if __name__ == "__main__":
    main()
