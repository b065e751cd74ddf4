"""Redaction at national scale: `qactl score` before and after, on a realistic export, side by side in one run.

Not a test. The realistic 100,000-row export of bench/realistic.py (every child a different name, comments that
mention them) is scored by two versions of qactl, runs interleaved so the shared machine's drift falls on both:

* **before**: a git revision (default ``main``), extracted to bench/.cache/before-<commit>/ and run from there;
* **after**: this working tree;
* **after, --include-pii**: this working tree with redaction off, to show what redaction itself costs;

each against python-calamine's bare read of the same file (every cell), measured in the same loop. Then the
outputs are read back against the export's truth file (bench/.cache/*.truth.jsonl): how many comments still hold
the child's name (whole, or a part of 3+ letters as a word, accents and apostrophes folded), NHS number (digits,
however grouped) or date of birth (as the generator wrote it).

    python bench/redaction.py                      # 100,000 rows, 3 runs each, before = main
    python bench/redaction.py --rows 20000 --repeats 1 --before a924bec

Writes bench/REDACTION.md (and .json).
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
import time
import unicodedata
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import realistic  # noqa: E402
from run import BARE_CALAMINE, PY  # noqa: E402

CACHE = HERE / ".cache"


def run(cmd: list[str], *, env: dict, cwd: Path | None) -> tuple[float, float, float, int]:
    """A command as a child process: (wall seconds, CPU seconds (user + system), peak RSS in MB, exit status).

    CPU time is reported beside wall time because the machine is shared: another process slows the wall clock of a
    run, much less its CPU time."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    return (
        time.perf_counter() - start,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status),
    )


def before_tree(rev: str) -> Path:
    """The qactl of ``rev`` (package and data folders), extracted once."""
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", rev], capture_output=True, text=True, check=True
    ).stdout.strip()
    where = CACHE / f"before-{sha[:12]}"
    if not (where / "qactl").is_dir():
        where.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", sha, "qactl", "rubrics", "templates", "schedules"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def _fold(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def leaks(scored: Path, truth: Path) -> dict[str, int]:
    """Comments (and error values) of the scored file that still hold their child's name, NHS number or date of birth."""
    kids = {}
    with truth.open(encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            kids[t["row"]] = t
    doc = json.loads(scored.read_text(encoding="utf-8"))
    out = {
        "comments": 0,
        "with a name": 0,
        "with an NHS number": 0,
        "with a date of birth": 0,
        "with a date of birth the export does not hold": 0,
        "error values with pii": 0,
    }
    for a in doc["audits"]:
        kid = kids.get(a["row"])
        if kid is None:
            continue
        parts = [
            p
            for n in (kid["first"], kid["middle"], kid["last"])
            if n
            for p in re.split(r"[\s\-']+", _fold(n))
            if len(p) >= 3
        ]
        name_rx = re.compile(
            r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(set(parts), key=len, reverse=True))) + r")(?!\w)"
        )
        nhs = kid["nhs"].replace(" ", "").replace("-", "")
        dob = date.fromisoformat(kid["dob"])
        dob_forms = {
            dob.strftime("%d/%m/%Y"),
            f"{dob.day}.{dob.month}.{dob.year % 100:02d}",
            f"{dob.day} {dob:%B %Y}",
            dob.isoformat(),
        }
        for text in (a.get("comments") or {}).values():
            out["comments"] += 1
            if name_rx.search(_fold(text)):
                out["with a name"] += 1
            if nhs in re.sub(r"(?<=\d)[ .\-](?=\d)", "", text):
                out["with an NHS number"] += 1
            if any(d in text for d in dob_forms):
                # the export's date of birth cell unreadable (31/02/2015): the comment's date is one it does not hold
                out[
                    "with a date of birth the export does not hold"
                    if kid.get("dob_unreadable")
                    else "with a date of birth"
                ] += 1
        for e in a.get("errors") or []:
            if e.get("item") == "dob" and re.search(r"\d", e.get("value") or ""):
                out["error values with pii"] += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--before", default="main", help="the git revision to compare with (default: main)")
    ap.add_argument("--out", type=Path, default=HERE / "REDACTION.md")
    args = ap.parse_args()

    xlsx, truth = realistic.make(args.rows)
    args.load = [os.getloadavg()[0]]
    old = before_tree(args.before)
    work = CACHE / "out"
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "QACTL_KEY": "bench-key"}
    env.pop("PYTHONPATH", None)
    score = ["score", realistic.RUBRIC, str(xlsx), "--quiet", "--audit-date", "2025-12-01", "-o"]
    runs = {
        "bare read, python-calamine": ([PY, "-c", BARE_CALAMINE, str(xlsx)], env, None),
        f"before ({args.before})": (
            [PY, "-m", "qactl", *score, str(work / "before.json")],
            {**env, "PYTHONPATH": str(old)},
            old,
        ),
        "after (this tree)": ([PY, "-m", "qactl", *score, str(work / "after.json")], env, ROOT),
        "after, --include-pii (no redaction)": (
            [PY, "-m", "qactl", *score, str(work / "after-pii.json"), "--include-pii"],
            env,
            ROOT,
        ),
    }
    times: dict[str, list[float]] = {k: [] for k in runs}
    cpus: dict[str, list[float]] = {k: [] for k in runs}
    mems: dict[str, list[float]] = {k: [] for k in runs}
    print(f"{args.rows:,} rows, {args.repeats} run(s) each, interleaved")
    for r in range(args.repeats):
        for name, (cmd, e, cwd) in runs.items():
            wall, cpu, mem, code = run(cmd, env=e, cwd=cwd)
            times[name].append(wall)
            cpus[name].append(cpu)
            mems[name].append(mem)
            print(
                f"  run {r + 1}: {name:<40} {wall:7.2f} s wall {cpu:7.2f} s CPU {mem:7.0f} MB (exit {code})",
                flush=True,
            )
    base, base_cpu = (
        statistics.median(times["bare read, python-calamine"]),
        statistics.median(cpus["bare read, python-calamine"]),
    )
    rows = []
    for name in runs:
        t, c = statistics.median(times[name]), statistics.median(cpus[name])
        rows.append(
            {
                "name": name,
                "median_s": t,
                "median_cpu_s": c,
                "runs": args.repeats,
                "vs": t / base,
                "cpu_vs": c / base_cpu,
                "peak_mb": max(mems[name]),
                "all_s": times[name],
                "all_cpu_s": cpus[name],
            }
        )
    args.load.append(os.getloadavg()[0])
    found = {"before": leaks(work / "before.json", truth), "after": leaks(work / "after.json", truth)}
    write(rows, found, args, xlsx)


def write(rows: list[dict], found: dict[str, dict[str, int]], args, xlsx: Path) -> None:
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        "# Redaction at national scale: `qactl score` before and after",
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {machine}, by `python bench/redaction.py` "
        f"(`--rows {args.rows} --repeats {args.repeats} --before {args.before}`); load average {args.load[0]:.1f} at the start, "
        f"{args.load[1]:.1f} at the end (on {os.cpu_count()} cores: above that, other work was competing for them).",
        f"Input: `{xlsx.name}`, {args.rows:,} rows of the EPS advice audit from bench/realistic.py: every child a different",
        "name, three comments a row, most naming the child (first name, full name, possessive, without accents, hyphen as",
        "space), some giving the NHS number or date of birth; about 2% bad cells and 1% duplicates. Runs interleaved;",
        "whole processes, median wall time, median CPU time (user + system: less disturbed by the other work on a shared",
        "machine) and peak resident memory; ratios to the bare python-calamine read in the same loop.",
        "",
        "| what | median wall | × bare read | median CPU | × bare read (CPU) | peak memory | each run, wall / CPU (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        each = ", ".join(f"{t:.1f} / {c:.1f}" for t, c in zip(r["all_s"], r["all_cpu_s"], strict=True))
        lines.append(
            f"| {r['name']} | {r['median_s']:.2f} s | {r['vs']:.2f}× | {r['median_cpu_s']:.2f} s | {r['cpu_vs']:.2f}× | "
            f"{r['peak_mb']:.0f} MB | {each} |"
        )
    lines += [
        "",
        "What reached the scored file (comments read back against the generator's truth file):",
        "",
        "| | comments | with the child's name | with the NHS number | with the date of birth | with a date of birth the export does not hold (its cell unreadable) | error values with a date of birth |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for k, v in found.items():
        lines.append(
            f"| {k} | {v['comments']:,} | {v['with a name']:,} | {v['with an NHS number']:,} | {v['with a date of birth']:,} | "
            f"{v['with a date of birth the export does not hold']:,} | {v['error values with pii']:,} |"
        )
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(
        json.dumps({"rows": rows, "leaks": found}, indent=1), encoding="utf-8"
    )
    print(text)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
