"""`make bench`: qactl against the fastest ways of reading the same files, measured in one run.

Not a test. Makes synthetic Microsoft-Forms-shaped exports of a built-in rubric (cached in
bench/.cache/), then measures, as whole processes (median wall time, peak resident memory):

* the bare read of every cell by python-calamine and by openpyxl read-only (the baselines);
* `qactl score` end to end to .json, .jsonl, .csv and .xlsx;
* `qactl --help` against bare `python -c pass`;
* `qactl allocate`, by bench/allocate_bench.py: the example round, 2,000 plans × 1,000 auditors and 20,000 × 10,000,
  with and without moderation, beside qactl 0.1's solver (bench/RESULTS-allocate.md);
* `qactl report` over 100,000 scored audits.

Prints a table with the ratios to the baselines and the targets of the performance issue, and
writes it to bench/RESULTS.md (the README links it).

    python bench/run.py                 # everything (about half an hour on 2 cores)
    python bench/run.py --sizes 1000 100000 --quick
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
PY = sys.executable
QACTL = [PY, "-m", "qactl"]
RUBRIC = "eps-advice"

FIRST = ["Ada", "Bo", "Cai", "Dee", "Eli", "Fen", "Gus", "Hal", "Ivo", "Jem"]
LAST = ["Testchild", "Sampleson", "Fakeley", "Mockford", "Placeholder"]
REMARKS = [
    "The child's voice is clear throughout and the outcomes are SMART.",
    "Some jargon remains in section B; provision in F is not specific about hours or who delivers it.",
    "Good multi-agency working; preparing for adulthood outcomes need more detail.",
    "Parents' views are recorded in their own words. Health needs are described but not linked to provision.",
]


# ---------------------------------------------------------------- measuring
def run(cmd: list[str], *, env: dict | None = None, cwd: Path | None = None) -> tuple[float, float, int]:
    """Run a command as a child process: (wall seconds, peak RSS in MB, exit status)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        print(f"  ! {' '.join(map(str, cmd))} exited {proc.returncode}: {err.strip()[:400]}", file=sys.stderr)
    return wall, usage.ru_maxrss / 1024, proc.returncode


def measure(name: str, cmd: list[str], repeats: int, **kw) -> dict:
    times, mems = [], []
    for _ in range(repeats):
        wall, mem, code = run(cmd, **kw)
        times.append(wall)
        mems.append(mem)
    row = {"name": name, "median_s": statistics.median(times), "peak_mb": max(mems), "runs": repeats, "exit": code}
    print(f"  {name:<52} {row['median_s']:8.3f} s {row['peak_mb']:8.0f} MB  (runs: {repeats})", flush=True)
    return row


# ---------------------------------------------------------------- data
def rubric():
    sys.path.insert(0, str(ROOT))
    from qactl.rubric.loader import resolve

    return resolve(RUBRIC).rubric


def make_export(rows: int) -> tuple[Path, Path]:
    """A Forms-shaped .xlsx (and the same data as .csv) of `rows` audits, cached."""
    CACHE.mkdir(parents=True, exist_ok=True)
    xlsx, csv_path = CACHE / f"{RUBRIC}-{rows}.xlsx", CACHE / f"{RUBRIC}-{rows}.csv"
    if xlsx.exists() and csv_path.exists():
        return xlsx, csv_path
    import csv

    import xlsxwriter

    r = rubric()
    rng = random.Random(rows)
    headers = ["ID", "Start time", "Completion time", "Email", "Name"]
    cols = []
    for c in r.columns():
        headers.append(c.text)
        cols.append(c)
    print(f"  making {xlsx.name} ({rows:,} rows, {len(headers)} columns)…", flush=True)
    t0 = time.perf_counter()
    wb = xlsxwriter.Workbook(str(xlsx), {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet("Sheet1")
    dt_fmt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    ws.write_row(0, 0, headers)
    base = datetime(2025, 10, 1, 9, 0)
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(headers)
        for i in range(rows):
            start = base + timedelta(minutes=rng.randrange(0, 60 * 24 * 40))
            done = start + timedelta(minutes=rng.randrange(5, 90))
            values: list = [i + 1, start, done, f"auditor{i % 40}@example.org", f"Auditor {i % 40}"]
            for c in cols:
                kind = type(c).__name__
                if kind == "Item":
                    scale = r.scales[c.scale]
                    values.append(rng.choice(scale.choices).label)
                elif kind == "Field":
                    if c.type.value == "date":
                        values.append(f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2006, 2021)}")
                    else:
                        values.append(f"{rng.choice(FIRST)} {rng.choice(LAST)}")
                elif kind == "Milestone":
                    values.append(f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2025")
                else:
                    values.append(rng.choice(REMARKS))
            for j, v in enumerate(values):
                if isinstance(v, datetime):
                    ws.write_datetime(i + 1, j, v, dt_fmt)
                else:
                    ws.write(i + 1, j, v)
            w.writerow([v.strftime("%d/%m/%Y %H:%M") if isinstance(v, datetime) else v for v in values])
    wb.close()
    print(f"  made in {time.perf_counter() - t0:.0f} s", flush=True)
    return xlsx, csv_path


def report_available(env: dict) -> bool:
    """Whether this qactl has `qactl report INPUTS -o OUT` (it is built on another branch)."""
    out = subprocess.run([*QACTL, "report", "--help"], capture_output=True, text=True, env=env)
    return out.returncode == 0 and "--output" in out.stdout


BARE_CALAMINE = "import sys\nfrom python_calamine import CalamineWorkbook\nws = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0)\nn = 0\nfor row in ws.iter_rows():\n    for v in row:\n        n += 1\n"
BARE_OPENPYXL = "import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1], read_only=True)\nn = 0\nfor row in wb.worksheets[0].iter_rows(values_only=True):\n    for v in row:\n        n += 1\n"
BARE_CSV = "import sys, csv\nn = 0\nwith open(sys.argv[1], newline='', encoding='utf-8') as f:\n    for row in csv.reader(f):\n        for v in row:\n            n += 1\n"


# ---------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=None, help="rows of the exports (default 1,000, 100,000 and 600,000; 1,000 and 100,000 with --quick)")
    ap.add_argument("--quick", action="store_true", help="one run each, no openpyxl at 600k, no 20k×10k allocation, no 600k unless --sizes names it")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = ap.parse_args()
    if args.sizes is None:
        args.sizes = [1000, 100_000] if args.quick else [1000, 100_000, 600_000]
    env = {**os.environ, "QACTL_KEY": "bench-key", "PYTHONDONTWRITEBYTECODE": "0"}
    rows: list[dict] = []
    work = CACHE / "out"
    work.mkdir(parents=True, exist_ok=True)
    reps = 1 if args.quick else 3

    print("start-up")
    pass_row = measure("python -c pass", [PY, "-c", "pass"], 10, env=env)
    help_row = measure("qactl --help", [*QACTL, "--help"], 10, env=env)
    rows += [pass_row, help_row]
    help_row["target"] = f"within 0.15 s of bare python: {help_row['median_s'] - pass_row['median_s']:+.3f} s"

    for size in args.sizes:
        print(f"score, {size:,} rows")
        xlsx, csv_path = make_export(size)
        r = 1 if size >= 600_000 else reps
        cal = measure(f"bare read, python-calamine ({size:,})", [PY, "-c", BARE_CALAMINE, str(xlsx)], r, env=env)
        rows.append(cal)
        if not (args.quick and size >= 600_000):
            rows.append(measure(f"bare read, openpyxl read-only ({size:,})", [PY, "-c", BARE_OPENPYXL, str(xlsx)], r, env=env))
        rows.append(measure(f"bare read, csv module, same data ({size:,})", [PY, "-c", BARE_CSV, str(csv_path)], r, env=env))
        suffixes = [".json", ".jsonl", ".csv"] + ([".xlsx"] if size <= 100_000 else [])
        for suffix in suffixes:
            out = work / f"scored-{size}{suffix}"
            row = measure(f"qactl score .xlsx → {suffix} ({size:,})", [*QACTL, "score", RUBRIC, str(xlsx), "-o", str(out), "--quiet", "--audit-date", "2025-12-01"], r, env=env)
            row["vs"] = row["median_s"] / cal["median_s"]
            row["mem_vs"] = row["peak_mb"] / cal["peak_mb"]
            if size == 100_000 and suffix == ".json":
                row["target"] = f"≤ 1.5× calamine: {row['vs']:.2f}×; < 1 GB: {row['peak_mb']:.0f} MB"
            if size == 600_000 and suffix == ".csv":
                row["target"] = f"≤ 1.5× calamine: {row['vs']:.2f}×; memory ≤ calamine's: {row['mem_vs']:.2f}×"
            rows.append(row)
        row = measure(f"qactl score .csv → .jsonl ({size:,})", [*QACTL, "score", RUBRIC, str(csv_path), "-o", str(work / f"scored-csv-{size}.jsonl"), "--quiet", "--audit-date", "2025-12-01"], r, env=env)
        rows.append(row)
        if size == 100_000:
            print("report, 100,000 scored audits")
            if report_available(env):
                for suffix in (".json", ".jsonl"):
                    rr = measure(f"qactl report, 100,000 audits ({suffix}) → .html", [*QACTL, "report", str(work / f"scored-100000{suffix}"), "-o", str(work / "report.html")], reps, env=env)
                    rr["target"] = f"< 10 s: {rr['median_s']:.1f} s"
                    rows.append(rr)
            else:
                print("  report: not available (this qactl has no `qactl report INPUTS -o OUT`)", flush=True)
                rows.append({"name": "qactl report, 100,000 audits", "skipped": "report: not available in this build; re-run after merging it"})

    import allocate_bench  # allocation, before and after side by side: its own table in bench/RESULTS-allocate.md

    rows += allocate_bench.rows(args.quick)

    write_results(rows, args.out)


def write_results(rows: list[dict], out: Path) -> None:
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        machine += f", {mem:.0f} GiB"
    except (ValueError, OSError):
        pass
    lines = [
        "# qactl benchmark",
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {machine}, by `make bench` (bench/run.py).",
        "Whole processes; median wall time of the runs shown, peak resident memory. Ratios are to the bare",
        "python-calamine read of the same file (every cell, `iter_rows()`), measured in the same run. `qactl score` exits 1",
        "when some rows have errors; the synthetic exports have none. docs/performance.md says what the figures mean.",
        "",
        "| what | median | peak memory | runs | × calamine time | × calamine memory | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        if "skipped" in r:
            lines.append(f"| {r['name']} | – | – | 0 |  |  | {r['skipped']} |")
            continue
        if r.get("exit") not in (0, 1, None):
            r["target"] = f"FAILED (exit {r['exit']}) " + r.get("target", "")
        vs = f"{r['vs']:.2f}" if "vs" in r else ""
        mv = f"{r['mem_vs']:.2f}" if "mem_vs" in r else ""
        lines.append(f"| {r['name']} | {r['median_s']:.3f} s | {r['peak_mb']:.0f} MB | {r['runs']} | {vs} | {mv} | {r.get('target', '')} |")
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nwritten to {out}")
    (out.with_suffix(".json")).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
