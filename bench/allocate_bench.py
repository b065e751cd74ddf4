"""Allocation before and after, side by side in one run (a benchmark, not a test).

    python bench/allocate_bench.py                  # every instance, this checkout and qactl 0.1's solver
    python bench/allocate_bench.py --quick          # no 20,000 × 10,000
    python bench/allocate_bench.py --before none    # this checkout only

Each instance is allocated by whole processes (`qactl allocate … -o out.json`), this checkout's and the one at
``--before`` (default: the commit before the sparse solver, qactl 0.1's LP solver), one after the other: wall time,
CPU time (user + system) and peak resident memory from ``os.wait4``. Then, in process, each tree's ``allocate()``
once more with its stages timed, for the solver's own share and the objective it reached: the two objectives must be
equal where both finish (qactl 0.1's large path without moderation did not apply the team-mix aim: its first four
levels are compared). The instances:

* the example round (``make demo``'s: 160 plans, 46 sampled, 29 auditors, 6 moderated, with the history);
* 2,000 plans × 1,000 auditors, and 20,000 × 10,000, each without moderation (a sample of every plan) and with it
  (10% of the audits moderation). Registers as a council keeps them (``.csv``): each plan names one to four
  professionals and one to three of 40 organisations (each about 2.5% of the cohort), so about 5% of the pairs are
  conflicts; six services, five teams, two places each.

Writes bench/RESULTS-allocate.md (and .json); ``bench/run.py`` (``make bench``) calls :func:`bench` and adds the targets
to its own table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tarfile
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from child import run_child

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
PY = sys.executable
BEFORE = (
    "beba3cb"  # main just before the sparse solver: qactl 0.1's allocation (HiGHS LP, dense slot assignment)
)
WINDOW = ["--from", "2025-09-01", "--to", "2026-08-31", "--seed", "1"]
EXAMPLE = [
    "--plans",
    "examples/plans.xlsx",
    "--cohort",
    "examples/cohort.yaml",
    "--round",
    "2025 Autumn",
    "--moderation",
    "6",
    "--history",
    "examples/previous-allocation.json",
    "--seed",
    "20251001",
]


def make_allocation_instance(plans: int, auditors: int) -> tuple[Path, Path]:
    """A plans register and a cohort (.csv, as a council keeps them) with realistic conflicts, cached.

    Each plan names one to four professionals (auditor ids) and one to three organisations among 40 (a school
    trust, an NHS trust, the EPS…: each about 2.5% of the cohort): about 5% of the pairs are conflicts overall.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    plans_path, cohort_path = CACHE / f"plans-{plans}.csv", CACHE / f"cohort-{auditors}.csv"
    rng = random.Random(plans * 7 + auditors)
    services = ["SEND casework", "EPS", "Health", "Social care", "Schools", "Post-16"]
    orgs = 40
    import csv

    if not cohort_path.exists():
        with cohort_path.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "name", "service", "organisation", "capacity"])
            for a in range(auditors):
                w.writerow([f"A{a:05d}", f"Auditor {a}", services[a % len(services)], f"Org{a % orgs}", 2])
    if not plans_path.exists():
        with plans_path.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["plan_id", "issued", "type", "team", "key_stage", "primary_need", "contributors"])
            for p in range(plans):
                named = [f"A{rng.randrange(auditors):05d}" for _ in range(rng.randint(1, 4))]
                named += [f"Org{rng.randrange(orgs)}" for _ in range(rng.randint(1, 3))]
                issued = datetime(2025, 9, 1) + timedelta(days=rng.randrange(0, 300))
                w.writerow(
                    [
                        f"P{p:06d}",
                        issued.strftime("%d/%m/%Y"),
                        rng.choice(["new", "amended"]),
                        f"Team {p % 5}",
                        f"KS{p % 5}",
                        rng.choice(["SEMH", "ASD", "SLCN", "MLD"]),
                        "; ".join(named),
                    ]
                )
    return plans_path, cohort_path


def instances(quick: bool) -> list[dict]:
    """name, the allocate arguments, and the targets (CPU seconds, MB) of each instance."""
    out = [
        {
            "name": "example round (46 of 160 plans, 29 auditors, 6 moderated)",
            "args": EXAMPLE,
            "cpu": 1.0,
            "mb": None,
        }
    ]
    for plans, auditors in [(2_000, 1_000)] + ([] if quick else [(20_000, 10_000)]):
        p, c = make_allocation_instance(plans, auditors)
        base = ["--plans", str(p), "--cohort", str(c), *WINDOW]
        limit, mb = (1.0, None) if plans <= 2_000 else (10.0, 2048)
        mod = plans // 10
        out.append(
            {
                "name": f"{plans:,} plans × {auditors:,} auditors, no moderation",
                "args": [*base, "--sample", str(plans)],
                "cpu": limit,
                "mb": mb,
            }
        )
        out.append(
            {
                "name": f"{plans:,} × {auditors:,} with moderation ({plans - mod:,} plans, {mod:,} moderated)",
                "args": [*base, "--moderation", str(mod)],
                "cpu": limit,
                "mb": mb,
            }
        )
    return out


# ---------------------------------------------------------------- measuring
def run(cmd: list[str], *, env: dict, cwd: Path) -> dict:
    """A whole process (bench/child.py): wall and CPU seconds, peak RSS in MB, exit status, and the last line it
    wrote to stderr."""
    r = run_child(cmd, env=env, cwd=cwd)
    err = r["err"].strip()
    return {**r, "err": err.splitlines()[-1][:300] if err else ""}


# in a tree's own interpreter: allocate() with its stages timed, the solver's share and the objective reached
IN_PROCESS = r"""
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from qactl.allocation.run import allocate
from qactl.allocation.models import Options
import datetime as dt
args = json.loads(sys.argv[1])
marks = []
def get(flag, default=None):
    return args[args.index(flag) + 1] if flag in args else default
o = Options(round=get("--round"), seed=int(get("--seed")), moderation=int(get("--moderation", 0)),
            sample=int(get("--sample")) if get("--sample") else None,
            date_from=dt.date.fromisoformat(get("--from")) if get("--from") else None,
            date_to=dt.date.fromisoformat(get("--to")) if get("--to") else None)
hist = [Path(get("--history"))] if get("--history") else []
t1 = time.perf_counter()
try:
    res = allocate(Path(get("--plans")), Path(get("--cohort")), o, history=hist, on_stage=lambda s: marks.append(time.perf_counter()))
    out = {"objective": res.options.get("objective"), "solver": res.options.get("solver")}
except Exception as e:
    out = {"error": f"{type(e).__name__}: {e}"[:200]}
t2 = time.perf_counter()
out["solve_s"] = t2 - marks[-1] if marks else None
out["total_s"] = t2 - t1
print(json.dumps(out))
"""


def tree(ref: str) -> Path:
    """qactl's files at git ``ref``, extracted once into bench/.cache (run from there, its qactl comes first)."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    dest = CACHE / f"before-{sha}"
    if not (dest / "qactl").is_dir():
        dest.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile() as f:
            subprocess.run(
                [
                    "git",
                    "archive",
                    "--format=tar",
                    sha,
                    "qactl",
                    "rubrics",
                    "schedules",
                    "templates",
                    "examples",
                ],
                cwd=ROOT,
                stdout=f,
                check=True,
            )
            f.seek(0)
            with tarfile.open(fileobj=f) as t:
                t.extractall(dest, filter="data")
    return dest


def measure(inst: dict, label: str, where: Path, env: dict, work: Path, repeats: int) -> dict:
    cmd = [
        PY,
        "-m",
        "qactl",
        "allocate",
        *[str(x) for x in inst["args"]],
        "-o",
        str(work / f"allocation-{label}.json"),
    ]
    runs = [run(cmd, env={**env, "PYTHONPATH": str(where)}, cwd=where) for _ in range(repeats)]
    runs.sort(key=lambda r: r["cpu"])
    mid = runs[len(runs) // 2]
    row = {
        "wall": mid["wall"],
        "cpu": mid["cpu"],
        "mb": max(r["mb"] for r in runs),
        "exit": max(r["exit"] for r in runs),
        "err": mid["err"],
        "runs": repeats,
        "each": [(round(r["wall"], 2), round(r["cpu"], 2)) for r in runs],
        "load": [round(r["load"], 1) for r in runs],
    }
    args = [str(x) if not str(x).startswith("examples/") else str(where / x) for x in inst["args"]]
    inproc = subprocess.run(
        [PY, "-c", IN_PROCESS, json.dumps(args)],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(where)},
        cwd=where,
    )
    try:
        row.update(json.loads(inproc.stdout.strip().splitlines()[-1]))
    except (IndexError, ValueError):
        row["error"] = (inproc.stderr.strip().splitlines() or ["?"])[-1][:200]
    return row


def bench(quick: bool, before: str | None, out: Path) -> list[dict]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")},
        "QACTL_KEY": "bench-key",
    }
    work = CACHE / "out"
    work.mkdir(parents=True, exist_ok=True)
    trees = {"after": ROOT}
    if before:
        trees["before"] = tree(before)
    for where in trees.values():
        subprocess.run([PY, "-m", "compileall", "-q", str(where / "qactl")], check=True, env=env)
    started, load0 = datetime.now(), os.getloadavg()
    results = []
    for inst in instances(quick):
        print(inst["name"], flush=True)
        big = "20,000" in inst["name"]
        row = {"name": inst["name"], "target_cpu": inst["cpu"], "target_mb": inst["mb"]}
        for label, where in trees.items():
            r = measure(inst, label, where, env, work, 1 if big else 5)
            row[label] = r
            what = f"exit {r['exit']}: {r['err']}" if r["exit"] else f"objective {r.get('objective')}"
            print(
                f"  {label:<6} {r['wall']:7.2f} s wall {r['cpu']:7.2f} s CPU {r['mb']:7.0f} MB  solver {r.get('solve_s') or 0:6.2f} s  {what}",
                flush=True,
            )
        a, b = row["after"], row.get("before")
        row["met"] = (
            a["exit"] == 0 and a["cpu"] < inst["cpu"] and (inst["mb"] is None or a["mb"] < inst["mb"])
        )
        if b and b["exit"] == 0 and b.get("objective") and a.get("objective"):
            keys = list(a["objective"])[:4] if "assignment" in str(b.get("solver")) else list(a["objective"])
            row["same_objective"] = all(a["objective"][k] == b["objective"][k] for k in keys)
        results.append(row)
    write(results, out, started, (load0, os.getloadavg()), before, quick)
    return results


def machine() -> str:
    text = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    try:
        text += f", {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB"
    except (ValueError, OSError):
        pass
    return text


def _cell(r: dict | None) -> str:
    if r is None:
        return "–"
    if r["exit"]:
        return f"**failed** (exit {r['exit']}: {r['err'][:90]}) after {r['wall']:.1f} s, {r['mb']:,.0f} MB"
    return f"{r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU, {r['mb']:,.0f} MB (solver {r.get('solve_s') or 0:.2f} s)"


def write(results: list[dict], out: Path, started: datetime, loads, before: str | None, quick: bool) -> None:
    (l0, l1) = loads
    lines = [
        "# qactl allocate: before and after the sparse solver",
        "",
        f"Measured {started:%Y-%m-%d %H:%M}–{datetime.now():%H:%M} on {machine()}, by `python bench/allocate_bench.py{' --quick' if quick else ''}` "
        f"(part of `make bench`). Load average {l0[0]:.1f} / {l0[1]:.1f} / {l0[2]:.1f} at the start and {l1[0]:.1f} / {l1[1]:.1f} / {l1[2]:.1f} "
        f"at the end, on {os.cpu_count()} cores shared with other work: wall times wander, CPU times less.",
        "",
        f"Whole processes, `qactl allocate … -o out.json`, this checkout (after) and `{before}` (before: qactl 0.1's solver) one after the other; "
        'the median of 5 runs, 1 at 20,000 × 10,000. "solver": the solving stage of `allocate()` timed in process (rules, solve, '
        "the result). Targets are on the after's CPU time and peak memory.",
        "",
        "| instance | before | after | target | met? | same objective? |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        target = f"< {r['target_cpu']:g} s" + (f", < {r['target_mb'] / 1024:g} GB" if r["target_mb"] else "")
        same = {True: "yes", False: "**no**", None: "–"}[r.get("same_objective")]
        lines.append(
            f"| {r['name']} | {_cell(r.get('before'))} | {_cell(r['after'])} | {target} | {'met' if r['met'] else '**missed**'} | {same} |"
        )
    lines += ["", "Objectives reached (changed kept, fill, own service, repeated pairs, same team):", ""]
    for r in results:
        for label in ("before", "after"):
            x = r.get(label)
            if x:
                lines.append(
                    f"- {r['name']}, {label}: {x.get('objective') or x.get('error') or x['err']} ({x.get('solver') or '–'})"
                )
    text = "\n".join(lines) + "\n"
    out.write_text(text, encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(text)
    print(f"written to {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="no 20,000 × 10,000")
    ap.add_argument(
        "--before",
        default=BEFORE,
        help=f"the git ref to compare with (default {BEFORE}); 'none' for this checkout only",
    )
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS-allocate.md")
    args = ap.parse_args()
    bench(args.quick, None if args.before == "none" else args.before, args.out)


if __name__ == "__main__":
    main()
