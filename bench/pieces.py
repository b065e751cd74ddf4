"""What each speed-up of `qactl score` is worth, measured in one process on the realistic export (not a test).

    python bench/pieces.py [ROWS]        # default 100,000 (bench/realistic.py's export, made once)

* JSON: each audit encoded by orjson (what `qactl score` uses), by the standard module, and by the hand-spliced
  encoder qactl used before (each answer's and section's JSON made once and joined, the rest by the standard module);
  how many of orjson's encodings are byte-identical to the standard module's;
* the pseudonymous ref: the standard `hmac.digest` against the hand-rolled HMAC (the key's pads hashed once, two
  SHA-256 states copied per ref), per ref;
* items a column at a time (each block's columns looked up and zipped into rows) against the per-row loop;
* the second memo layer (the answer parser's own memo, under the scorer's memo per column): how often it could be
  consulted at all.

CPU time (``time.process_time``), best of three. Writes bench/PIECES.md.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import json
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import realistic  # noqa: E402


def best(f, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t = time.process_time()
        f()
        times.append(time.process_time() - t)
    return min(times)


def spliced_encoder():
    """qactl 0.1's encoder: each shared answer and section dict encoded once (with its key) and joined."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
    made: dict[int, str] = {}

    def fragment(key: str, d: dict) -> str:
        hit = made.get(id(d))
        if hit is None:
            hit = made[id(d)] = dumps(key) + ":" + dumps(d)
        return hit

    def encode(a: dict) -> bytes:
        answers = "{" + ",".join([fragment(k, v) for k, v in a["answers"].items()]) + "}"
        sections = "{" + ",".join([fragment(k, v) for k, v in a["sections"].items()]) + "}"
        rest = dumps({**a, "sections": 0, "answers": 0})
        return rest.replace(
            '"sections":0,"answers":0', f'"sections":{sections},"answers":{answers}', 1
        ).encode()

    return encode


OUT: list[str] = []


def say(line: str) -> None:
    print(line, flush=True)
    OUT.append(line)


def main() -> None:
    started, load = time.strftime("%Y-%m-%d %H:%M"), os.getloadavg()[0]
    rows_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    from qactl.results import encode_audit
    from qactl.rubric.loader import resolve
    from qactl.scoring.mapping import map_columns
    from qactl.scoring.score import Scorer
    from qactl.sheets.reader import open_sheet

    xlsx, _ = realistic.make(rows_wanted)
    rubric = resolve(realistic.RUBRIC).rubric
    src = open_sheet(xlsx)
    rows = list(src.rows)
    cmap = map_columns(rubric, src.headers)
    gc.disable()

    def scorer() -> Scorer:
        return Scorer(rubric, cmap, sheet=src.name, key=b"bench-key", audit_date=date(2025, 12, 1))

    sc = scorer()
    audits = [a for a in (sc.audit(r, v) for r, v in rows) if a is not None]
    n = len(audits)
    say(f"{n:,} audits of {xlsx.name}")

    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
    spliced = spliced_encoder()
    t_orjson = best(lambda: [encode_audit(a) for a in audits])
    t_json = best(lambda: [dumps(a).encode() for a in audits])
    t_splice = best(lambda: [spliced(a) for a in audits])
    same = sum(encode_audit(a) == dumps(a).encode() for a in audits)
    say(
        f"JSON per audit: orjson {t_orjson / n * 1e6:.2f} µs, hand-spliced {t_splice / n * 1e6:.2f} µs, json module "
        f"{t_json / n * 1e6:.2f} µs; orjson byte-identical to the json module on {same:,} of {n:,}"
    )

    key = b"bench-key"
    msgs = ["\x1f".join([str(a["ref"]), str(a["row"])]).encode() for a in audits]
    k = key.ljust(64, b"\0")
    inner, outer = hashlib.sha256(bytes(b ^ 0x36 for b in k)), hashlib.sha256(bytes(b ^ 0x5C for b in k))

    def pads(msg: bytes) -> str:
        i = inner.copy()
        i.update(msg)
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()

    t_hmac = best(lambda: [hmac.digest(key, m, "sha256").hex() for m in msgs])
    t_pads = best(lambda: [pads(m) for m in msgs])
    say(
        f"ref HMAC per audit: hmac.digest {t_hmac / n * 1e6:.2f} µs, hand-rolled pads {t_pads / n * 1e6:.2f} µs "
        f"(+{(t_hmac - t_pads):.3f} s per {n:,})"
    )

    from qactl.scoring.score import Row

    sc = scorer()
    admitted = [Row(row, values) for row, values in rows]
    for r in admitted:
        sc._read_fields(r)
    t_items = best(lambda: [sc._items(r) for r in admitted])
    say(
        f"items, per-row loop: {t_items:.3f} s per {n:,} (the column-at-a-time blocks measured 1.23–1.56 s against "
        "1.08 s for this loop when they were tried: not kept)"
    )

    misses = sum(len(ic.memo) for ic in sc.items)
    say(
        f"the answer parser's own memo (removed) could be consulted only on the scorer's column-memo misses: {misses} "
        f"of {n * len(sc.items):,} answer cells"
    )

    head = (
        f"# What each speed-up is worth\n\nMeasured {started} on {platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, by `python bench/pieces.py {rows_wanted}`; load average {load:.1f} at the start "
        f"(other work on the machine). CPU time, best of three, in one process.\n"
    )
    (HERE / "PIECES.md").write_text(
        head + "\n" + "\n".join(f"- {line}" for line in OUT) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
