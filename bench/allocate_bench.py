"""Time the allocation solver once per size (a benchmark, not a test): python bench/allocate_bench.py [--big].

Instances as PERFORMANCE.md's table: each plan one auditor, capacity 2, 5% random conflicts, random
own-service and history flags. 60×30 and 2,000×1,000 go through ``solve`` (the path ``qactl allocate``
takes: min-cost flow for small instances, slot assignment above ``DENSE_LIMIT`` arcs); 20,000×10,000
(``--big``, about 4 GB) calls the dense slot assignment directly.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np

from qactl.allocation.solve import Instance, assign_dense, solve


def instance(n_p: int, n_a: int, rng: np.random.Generator) -> Instance:
    allowed = rng.random((n_p, n_a)) >= 0.05
    p, a = np.nonzero(allowed)
    n = len(p)
    return Instance(demand=np.ones(n_p, dtype=np.int64), team=rng.integers(0, 4, n_p), cap=np.full(n_a, 2), service=rng.integers(0, 8, n_a),
                    arc_plan=p, arc_aud=a, arc_own=(rng.random(n) < 0.1).astype(np.int64), arc_hist=(rng.random(n) < 0.02).astype(np.int64))


def main() -> None:
    rng = np.random.default_rng(1)
    for n_p, n_a in [(60, 30), (2_000, 1_000)]:
        inst = instance(n_p, n_a, rng)
        t = time.perf_counter()
        sol = solve(inst)
        print(f"{n_p:>6} × {n_a:<6} {sol.method}: {time.perf_counter() - t:.2f} s, objective {sol.objective}")
    if "--big" in sys.argv:
        n_p, n_a = 20_000, 10_000
        allowed = rng.random((n_p, n_a), dtype=np.float32) >= 0.05
        flags = ((rng.random((n_p, n_a), dtype=np.float32) < 0.1).astype(np.int8))
        t = time.perf_counter()
        pairs = assign_dense(allowed, flags, np.full(n_a, 2), units=n_p)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        print(f"{n_p:>6} × {n_a:<6} dense slot assignment: {time.perf_counter() - t:.1f} s, {len(pairs)} pairs, peak {rss:.1f} GB")


def end_to_end(n_p: int, n_a: int) -> None:
    """``allocate()`` on files: a register of ``n_p`` plans (each naming ~5% of the auditors) and a cohort of ``n_a``."""
    import csv
    import random
    import tempfile
    from pathlib import Path

    from qactl.allocation.models import Options
    from qactl.allocation.run import allocate

    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as d:
        plans, cohort = Path(d) / "plans.csv", Path(d) / "cohort.csv"
        with cohort.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "name", "service", "organisation", "capacity"])
            for i in range(n_a):
                w.writerow([f"A{i}", f"Auditor {i}", f"S{i % 8}", f"Org {i % 400}", 2])
        with plans.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["plan_id", "issued", "type", "team", "key_stage", "contributors"])
            for i in range(n_p):
                named = "; ".join(f"A{rng.randrange(n_a)}" for _ in range(n_a // 20))
                w.writerow([f"P{i}", "01/05/2025", "new", f"T{i % 4}", f"KS{i % 5}", named])
        t = time.perf_counter()
        result = allocate(plans, cohort, Options(seed=1, sample=n_p))
        print(f"{n_p:>6} × {n_a:<6} end to end (read, sample, rules, solve): {time.perf_counter() - t:.1f} s, {len(result.assignments)} audits")


if __name__ == "__main__":
    if "--e2e" in sys.argv:
        end_to_end(2_000, 1_000)
        if "--big" in sys.argv:
            end_to_end(20_000, 10_000)
        sys.exit()
    main()
