"""The example round's outputs, before and after a change: byte for byte, or (JSON only) the same once parsed.

Not a test (it runs `make demo` twice, about two minutes). Runs examples/demo.sh with a fixed ``SOURCE_DATE_EPOCH``
and ``QACTL_KEY`` in a copy of a git revision (default ``main``) and in this working tree, then compares every file
of the two ``out/`` folders, and the scored outputs of every example export in the other formats and options
(``.jsonl``, ``.csv``; ``--include-pii``; ``--audit-date``):

* ``identical``: the same bytes;
* ``same once parsed``: a ``.json``/``.jsonl`` whose bytes differ but whose parsed content is equal (only the
  encoder's formatting changed);
* ``same cells``: an ``.xlsx`` whose bytes differ but whose every part, unzipped, is the same but for the
  workbook's creation time in docProps/core.xml (which xlsxwriter takes from the clock, not ``SOURCE_DATE_EPOCH``);
* ``DIFFERENT``: anything else (exit status 1).

    python bench/same_outputs.py                 # before = where this branch left main (git merge-base HEAD main)
    python bench/same_outputs.py --before 56971d1
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
EPOCH = "1764547200"  # 1 December 2025, 00:00 UTC
KEY = "demo-key-not-for-real-data"
EXTRA = [
    (".jsonl", []),
    (".csv", []),
    (".json", ["--include-pii"]),
    (".csv", ["--include-pii"]),
    (".json", ["--audit-date", "2025-12-01"]),
]


def tree(rev: str) -> Path:
    """The whole repository at ``rev``, extracted once (the demo needs its examples too)."""
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", rev], capture_output=True, text=True, check=True
    ).stdout.strip()
    where = CACHE / f"tree-{sha[:12]}"
    if not (where / "qactl").is_dir():
        where.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", sha], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def run_round(where: Path) -> Path:
    """examples/demo.sh in ``where`` with its own qactl, then every example export in the other formats; returns out/."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "QACTL_KEY": KEY, "PYTHONPATH": str(where)}
    wrapper = where / ".qactl"
    wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} -m qactl "$@"\n')
    wrapper.chmod(0o755)
    subprocess.run(
        ["bash", "examples/demo.sh", str(wrapper)], cwd=where, env=env, check=True, stdout=subprocess.DEVNULL
    )
    more = where / "out" / "more"
    more.mkdir(exist_ok=True)
    for export in sorted((where / "examples" / "exports").glob("*.*")):
        rubric = export.stem
        for k, (suffix, options) in enumerate(EXTRA):
            out = more / f"{rubric}-{k}{suffix}"
            subprocess.run(
                [str(wrapper), "score", rubric, str(export), "-o", str(out), "--quiet", *options],
                cwd=where,
                env=env,
            )
    return where / "out"


def _parsed(path: Path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


def _part(z: zipfile.ZipFile, name: str) -> bytes:
    """A part of a workbook, without the creation and modification times of docProps/core.xml (xlsxwriter writes the
    clock's time there, not SOURCE_DATE_EPOCH's)."""
    data = z.read(name)
    if name == "docProps/core.xml":
        data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\1", data)
    return data


def compare(a: Path, b: Path) -> str:
    if a.read_bytes() == b.read_bytes():
        return "identical"
    if a.suffix in (".json", ".jsonl"):
        return "same once parsed" if _parsed(a) == _parsed(b) else "DIFFERENT"
    if a.suffix == ".xlsx":
        with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
            if za.namelist() == zb.namelist() and all(_part(za, n) == _part(zb, n) for n in za.namelist()):
                return "same cells"
    return "DIFFERENT"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", default=None, help="a git revision (default: where this branch left main)")
    args = ap.parse_args()
    if args.before is None:
        args.before = subprocess.run(
            ["git", "-C", str(ROOT), "merge-base", "HEAD", "main"], capture_output=True, text=True, check=True
        ).stdout.strip()[:12]
    before = run_round(tree(args.before))
    after_tree = CACHE / "tree-worktree"
    if after_tree.exists():
        shutil.rmtree(after_tree)
    after_tree.mkdir(parents=True)
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard", "-z"],
        capture_output=True,
        check=True,
    ).stdout
    packed = subprocess.run(
        ["tar", "-c", "--null", "-T", "-", "-f", "-"], cwd=ROOT, input=listed, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(after_tree)], input=packed, check=True)
    after = run_round(after_tree)
    files = sorted(p.relative_to(before) for p in before.rglob("*") if p.is_file())
    missing = sorted({p.relative_to(after) for p in after.rglob("*") if p.is_file()} ^ set(files))
    counts: dict[str, int] = {}
    for rel in files:
        if not (after / rel).exists():
            continue
        verdict = compare(before / rel, after / rel)
        counts[verdict] = counts.get(verdict, 0) + 1
        if verdict != "identical":
            print(f"  {verdict:<17} {rel}")
    print(
        f"{len(files)} files of the example round (before: {args.before}; SOURCE_DATE_EPOCH={EPOCH}, QACTL_KEY set): "
        + ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    )
    if missing:
        print("in one output only: " + ", ".join(map(str, missing)))
    sys.exit(1 if counts.get("DIFFERENT") or missing else 0)


if __name__ == "__main__":
    main()
