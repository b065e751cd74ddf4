"""`make bench`: qactl against the fastest way of reading the same files, measured side by side in one run.

Not a test. The exports are bench/realistic.py's (the one generator): Microsoft-Forms-shaped EPS advice audits in
which every child has a different name, dates of birth are text in half the rows and Excel dates in the others,
comments mention the child, about 2% of the rows have a bad cell and about 1% are duplicate submissions; cached in
bench/.cache/. Every figure is a whole process: wall time, CPU time (user + system: what the process itself spent,
much less disturbed than the wall clock by the other work of a shared machine: every verdict is on CPU time) and peak
resident memory, with qactl's bytecode compiled first (as an installed package has it). Each
`qactl score` run is paired with a bare python-calamine read of the same file (every cell, ``iter_rows()``), the two
run one after the other, the pairs repeated: ratios are of the medians, on CPU time.

* start-up: `qactl --help` against bare `python -c pass`;
* a council-sized round: `qactl score` of a 40-row export, end to end;
* 100,000 rows: `qactl score` to `.json`, `.jsonl`, `.csv` and `.xlsx`; `qactl report` over the scored audits;
* 600,000 rows: `qactl score` to `.csv` (and `.jsonl`);
* allocation: bench/allocate_bench.py, the example round and 2,000 × 1,000 and 20,000 × 10,000 with and without
  moderation, beside qactl 0.1's solver (its own table: bench/RESULTS-allocate.md).

It prints every target with its figure and met or missed, and writes bench/RESULTS.md (and .json); the targets table
also goes into the README between its ``bench:targets`` markers.

    python bench/run.py                 # everything (about 25 minutes on 2 cores, plus the exports made once)
    python bench/run.py --quick         # one pair each, no 600,000 rows, no 20,000 × 10,000 allocation
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
PY = sys.executable
QACTL = [PY, "-m", "qactl"]
sys.path.insert(0, str(HERE))

import realistic  # noqa: E402
from child import run_child  # noqa: E402

RUBRIC = realistic.RUBRIC
BARE_CALAMINE = "import sys\nfrom python_calamine import CalamineWorkbook\nws = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0)\nn = 0\nfor row in ws.iter_rows():\n    for v in row:\n        n += 1\n"


# ---------------------------------------------------------------- measuring
def run(cmd: list[str], *, env: dict | None = None, cwd: Path | None = None) -> dict:
    """A command as a process (bench/child.py): wall seconds, CPU seconds (user + system), peak RSS in MB, exit
    status, load."""
    r = run_child(cmd, env=env, cwd=cwd)
    if r["exit"] not in (0, 1):
        print(
            f"  ! {' '.join(map(str, cmd))[:200]} exited {r['exit']}: {r['err'].strip()[:400]}",
            file=sys.stderr,
        )
    return {k: r[k] for k in ("wall", "cpu", "mb", "exit", "load")}


def measure(named: dict[str, list[str]], repeats: int, env: dict) -> dict[str, dict]:
    """Each command ``repeats`` times, interleaved (a, b, c, a, b, c…): the medians and every run."""
    runs: dict[str, list[dict]] = {name: [] for name in named}
    for _ in range(repeats):
        for name, cmd in named.items():
            runs[name].append(run(cmd, env=env))
    out = {}
    for name, rs in runs.items():
        row = {
            "name": name,
            "runs": len(rs),
            "wall": statistics.median(r["wall"] for r in rs),
            "cpu": statistics.median(r["cpu"] for r in rs),
            "mb": max(r["mb"] for r in rs),
            "exit": max(r["exit"] for r in rs),
            "each": [(round(r["wall"], 2), round(r["cpu"], 2)) for r in rs],
            "load": [round(r["load"], 1) for r in rs],
        }
        print(
            f"  {name:<58} {row['wall']:8.3f} s wall {row['cpu']:8.3f} s CPU {row['mb']:7.0f} MB  (runs: {len(rs)})",
            flush=True,
        )
        out[name] = row
    return out


def score_cmd(src: Path, out: Path) -> list[str]:
    return [*QACTL, "score", RUBRIC, str(src), "-o", str(out), "--quiet", "--audit-date", "2025-12-01"]


class Targets:
    """Every target of the performance issue, with its figure and whether it is met."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, what: str, figure: str, limit: str, met: bool | None) -> None:
        self.rows.append({"target": what, "figure": figure, "limit": limit, "met": met})
        print(
            f"  TARGET {what}: {figure} (target {limit}): {'met' if met else 'no target' if met is None else 'MISSED'}",
            flush=True,
        )

    def ratio(self, what: str, score: dict, read: dict) -> None:
        """A score run against the bare read of the same file: time at most 1.5× (aim 1.2×), memory at most 1.2×."""
        t, m = score["cpu"] / read["cpu"], score["mb"] / read["mb"]
        self.add(
            f"{what}: time",
            f"{t:.2f}× the bare read's CPU time ({score['cpu']:.1f} s against {read['cpu']:.1f} s; "
            f"wall {score['wall']:.1f} s against {read['wall']:.1f} s)",
            "≤ 1.5× (aim 1.2×)",
            t <= 1.5,
        )
        self.add(
            f"{what}: memory",
            f"{m:.2f}× the bare read's peak ({score['mb']:.0f} MB against {read['mb']:.0f} MB)",
            "≤ 1.2×",
            m <= 1.2,
        )

    def table(self) -> list[str]:
        lines = ["| target | figure | limit | met? |", "| --- | --- | --- | --- |"]
        for r in self.rows:
            verdict = "–" if r["met"] is None else ("met" if r["met"] else "**missed**")
            lines.append(f"| {r['target']} | {r['figure']} | {r['limit']} | {verdict} |")
        return lines


# ---------------------------------------------------------------- the parts
def startup(env: dict, targets: Targets, quick: bool) -> list[dict]:
    print("start-up")
    m = measure(
        {"python -c pass": [PY, "-c", "pass"], "qactl --help": [*QACTL, "--help"]}, 5 if quick else 10, env
    )
    base, helped = m["python -c pass"], m["qactl --help"]
    targets.add(
        "`qactl --help` within 0.15 s of `python -c pass`",
        f"+{helped['cpu'] - base['cpu']:.3f} s CPU "
        f"({helped['cpu']:.3f} s against {base['cpu']:.3f} s; wall +{helped['wall'] - base['wall']:.3f} s)",
        "≤ +0.15 s",
        helped["cpu"] - base["cpu"] <= 0.15,
    )
    return list(m.values())


def council(env: dict, targets: Targets, work: Path, quick: bool) -> list[dict]:
    print("a council-sized round: 40 audits")
    src, _ = realistic.make(40)
    m = measure(
        {"qactl score, 40 audits .xlsx → .json": score_cmd(src, work / "council.json")},
        5 if quick else 10,
        env,
    )
    row = m["qactl score, 40 audits .xlsx → .json"]
    targets.add(
        "a council-sized round (40 audits) end to end",
        f"{row['cpu']:.3f} s CPU ({row['wall']:.3f} s wall)",
        "< 0.3 s",
        row["cpu"] < 0.3,
    )
    return [row]


def national(
    size: int, suffixes: list[str], env: dict, targets: Targets, work: Path, repeats: int
) -> list[dict]:
    """Each score run paired with a bare read of the same file, interleaved."""
    print(f"score, {size:,} rows (realistic)")
    src, _ = realistic.make(size)
    read = f"bare read, python-calamine ({size:,})"
    named = {read: [PY, "-c", BARE_CALAMINE, str(src)]}
    for suffix in suffixes:
        named[f"qactl score .xlsx → {suffix} ({size:,})"] = score_cmd(src, work / f"scored-{size}{suffix}")
    m = measure(named, repeats, env)
    for name, row in m.items():
        if name != read:
            row["vs"], row["mem_vs"] = row["cpu"] / m[read]["cpu"], row["mb"] / m[read]["mb"]
    if size == 100_000 and ".json" in suffixes:
        targets.ratio(
            "score 100,000 rows `.xlsx` → `.json`", m["qactl score .xlsx → .json (100,000)"], m[read]
        )
    if size == 600_000 and ".csv" in suffixes:
        targets.ratio("score 600,000 rows `.xlsx` → `.csv`", m["qactl score .xlsx → .csv (600,000)"], m[read])
    return list(m.values())


def scored_xlsx(env: dict, targets: Targets, work: Path) -> list[dict]:
    print("score, 100,000 rows to .xlsx (one run: the workbook is for people)")
    src, _ = realistic.make(100_000)
    m = measure({"qactl score .xlsx → .xlsx (100,000)": score_cmd(src, work / "scored-100000.xlsx")}, 1, env)
    row = m["qactl score .xlsx → .xlsx (100,000)"]
    targets.add(
        "score 100,000 rows `.xlsx` → `.xlsx` (no target: for the record)",
        f"{row['cpu']:.1f} s CPU, {row['wall']:.1f} s wall, {row['mb']:.0f} MB",
        "–",
        None,
    )
    return [row]


def report(env: dict, targets: Targets, work: Path, repeats: int) -> list[dict]:
    print("report, 100,000 scored audits")
    named = {
        f"qactl report, 100,000 audits ({s}) → .html": [
            *QACTL,
            "report",
            str(work / f"scored-100000{s}"),
            "-o",
            str(work / "report.html"),
        ]
        for s in (".json", ".jsonl")
        if (work / f"scored-100000{s}").exists()
    }
    m = measure(named, repeats, env)
    for name, row in m.items():
        targets.add(
            name.replace("qactl report", "`qactl report`"),
            f"{row['cpu']:.1f} s CPU ({row['wall']:.1f} s wall), {row['mb']:.0f} MB",
            "< 10 s",
            row["cpu"] < 10 and row["exit"] == 0,
        )
    return list(m.values())


# ---------------------------------------------------------------- allocation (the allocation engineers' part)
def allocation_rows(env: dict, targets: Targets, work: Path, quick: bool) -> list[dict]:
    """bench/allocate_bench.py: every instance with this checkout and with qactl 0.1's solver, side by side (its own
    table, with the before column, is bench/RESULTS-allocate.md); here this checkout's runs and the targets."""
    import allocate_bench

    print("allocate (bench/allocate_bench.py: before and after)")
    rows = []
    for r in allocate_bench.bench(
        quick, allocate_bench.BEFORE, HERE / ("RESULTS-allocate-quick.md" if quick else "RESULTS-allocate.md")
    ):
        a, b = r["after"], r.get("before")
        was = (
            ""
            if not b
            else (
                f"; qactl 0.1: failed ({b['err'][:60]}…)"
                if b["exit"]
                else f"; qactl 0.1: {b['cpu']:.1f} s CPU, {b['mb']:,.0f} MB"
            )
        )
        targets.add(
            f"allocate, {r['name']}",
            f"{a['cpu']:.2f} s CPU ({a['wall']:.2f} s wall), {a['mb']:.0f} MB{was}",
            f"< {r['target_cpu']:g} s" + (f", < {r['target_mb'] / 1024:g} GB" if r["target_mb"] else ""),
            r["met"],
        )
        rows.append(
            {
                "name": f"qactl allocate, {r['name']}",
                **{k: a[k] for k in ("runs", "wall", "cpu", "mb", "exit", "each", "load")},
            }
        )
    return rows


# ---------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--quick", action="store_true", help="one pair each, no 600,000 rows, no 20,000 × 10,000 allocation"
    )
    ap.add_argument(
        "--repeats", type=int, default=None, help="pairs at 100,000 rows (default 3; 1 with --quick)"
    )
    ap.add_argument(
        "--only", nargs="*", default=None, help="parts to run: startup council 100k xlsx report 600k allocate"
    )
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument(
        "--readme",
        action="store_true",
        help="only put the targets of the last full run (RESULTS.json) into the README",
    )
    args = ap.parse_args()
    if args.readme:
        saved = json.loads(args.out.with_suffix(".json").read_text(encoding="utf-8"))
        targets = Targets()
        targets.rows = saved["targets"]
        update_readme(saved["note"], targets)
        return
    reps = args.repeats or (1 if args.quick else 3)
    parts = set(
        args.only
        or ["startup", "council", "100k", "xlsx", "report", "allocate"] + ([] if args.quick else ["600k"])
    )
    # as installed: bytecode cached (an environment that forbids writing it would time the compiler on every start)
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "QACTL_KEY": "bench-key",
    }
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "qactl")], check=True, env=env)
    work = CACHE / "out"
    work.mkdir(parents=True, exist_ok=True)
    targets, rows = Targets(), []
    started, load0 = datetime.now(), os.getloadavg()
    if "startup" in parts:
        rows += startup(env, targets, args.quick)
    if "council" in parts:
        rows += council(env, targets, work, args.quick)
    if "100k" in parts:
        rows += national(100_000, [".json", ".jsonl", ".csv"], env, targets, work, reps)
    if "xlsx" in parts:
        rows += scored_xlsx(env, targets, work)
    if "report" in parts:
        rows += report(env, targets, work, reps)
    if "600k" in parts:
        rows += national(600_000, [".csv", ".jsonl"], env, targets, work, 1 if args.quick else 2)
    if "allocate" in parts:
        rows += allocation_rows(env, targets, work, args.quick)
    write_results(rows, targets, args, started, (load0, os.getloadavg()))


def machine() -> str:
    text = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    try:
        text += f", {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB"
    except (ValueError, OSError):
        pass
    return text


def write_results(rows: list[dict], targets: Targets, args, started: datetime, loads) -> None:
    (l0, l1) = loads
    head = (
        f"Measured {started:%Y-%m-%d %H:%M}–{datetime.now():%H:%M} on {machine()}, by `make bench` (bench/run.py"
        f"{' --quick' if args.quick else ''}). Load average (1, 5, 15 min) {l0[0]:.1f} / {l0[1]:.1f} / {l0[2]:.1f} at the start, "
        f"{l1[0]:.1f} / {l1[1]:.1f} / {l1[2]:.1f} at the end, on {os.cpu_count()} cores: the machine is shared with other engineers' "
        "work, so wall times wander; CPU times and the ratios of runs paired side by side are what to compare."
    )
    lines = [
        "# qactl benchmark",
        "",
        head,
        "",
        "## Targets",
        "",
        *targets.table(),
        "",
        "## Every run",
        "",
        "Whole processes; medians of the runs (interleaved with the bare read of the same file); ratios of CPU time and "
        "of peak memory to that read. Inputs: bench/realistic.py's exports (every child a different name).",
        "",
        "| what | wall | CPU | peak memory | runs | × read (CPU) | × read (memory) | each run, wall / CPU (s) | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in rows:
        vs = f"{r['vs']:.2f}" if "vs" in r else ""
        mv = f"{r['mem_vs']:.2f}" if "mem_vs" in r else ""
        each = ", ".join(f"{w} / {c}" for w, c in r["each"])
        fail = f" (FAILED: exit {r['exit']})" if r["exit"] not in (0, 1) else ""
        lines.append(
            f"| {r['name']}{fail} | {r['wall']:.3f} s | {r['cpu']:.3f} s | {r['mb']:.0f} MB | {r['runs']} | {vs} | {mv} | {each} | "
            f"{', '.join(map(str, r['load']))} |"
        )
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(
        json.dumps({"rows": rows, "targets": targets.rows, "note": head}, indent=1), encoding="utf-8"
    )
    print(text)
    print(f"written to {args.out}")
    if args.only is None:
        update_readme(head, targets)


def update_readme(head: str, targets: Targets) -> None:
    """The targets table into the README, between its ``<!-- bench:targets -->`` markers."""
    readme = ROOT / "README.md"
    table = "\n".join([head, "", *targets.table()])
    old = readme.read_text(encoding="utf-8")
    new = re.sub(
        r"(<!-- bench:targets -->\n).*?(\n<!-- /bench:targets -->)",
        lambda m: m.group(1) + table + m.group(2),
        old,
        flags=re.S,
    )
    if new != old:
        readme.write_text(new, encoding="utf-8")
        print("the targets table is in README.md")


if __name__ == "__main__":
    main()
