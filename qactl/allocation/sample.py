"""The round's sample: plans issued in the window, of the chosen types, stratified by team and key stage.

Reproducible: one ``random.Random(seed)``, strata and plans in sorted order, so the same register and
seed give the same sample. Places are shared among strata in proportion by largest remainders.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta

from qactl.allocation.models import Picked, Plan

ROUND_TERMS: dict[
    str, tuple[tuple[int, int], tuple[tuple[int, int], tuple[int, int] | None]]
] = {  # round → (start of the round, window of plans issued before it), by month and day
    "autumn": ((10, 1), ((6, 1), (9, 30))),
    "spring": ((3, 1), ((10, 1), None)),  # 1 October of the year before to the end of February
    "summer": ((6, 1), ((3, 1), (5, 31))),
}


def seed_from_round(label: str) -> int:
    """A seed derived from the round label, so a round re-run without --seed draws the same sample."""
    return int.from_bytes(hashlib.sha256(label.strip().lower().encode()).digest()[:4], "big")


def round_dates(label: str | None) -> tuple[date, date, date] | None:
    """(round start, window from, window to) for labels such as ``2025 Autumn`` / ``Spring 2026``; None otherwise."""
    if not label:
        return None
    words = label.lower().replace("-", " ").split()
    year = next((int(w) for w in words if w.isdigit() and len(w) == 4), None)
    term = next((w for w in words if w in ROUND_TERMS), None)
    if year is None or term is None:
        return None
    (sm, sd), ((fm, fd), to) = ROUND_TERMS[term]
    start = date(year, sm, sd)
    if to is None:  # spring: from October of the year before to the day before the round starts
        return start, date(year - 1, fm, fd), start - timedelta(days=1)
    return start, date(year, fm, fd), date(year, to[0], to[1])


def eligible(
    plans: list[Plan],
    date_from: date | None,
    date_to: date | None,
    types: tuple[str, ...],
    focus: tuple[tuple[str, str], ...],
) -> list[Plan]:
    out = []
    for p in plans:
        if date_from and (p.issued is None or p.issued < date_from):
            continue
        if date_to and (p.issued is None or p.issued > date_to):
            continue
        if types and p.type is not None and p.type not in types:
            continue
        if types and p.type is None and "new" not in types:
            continue
        if any(str(getattr(p, k, "")).strip().lower() != v.strip().lower() for k, v in focus):
            continue
        out.append(p)
    return out


def stratum(p: Plan) -> str:
    return f"{p.team or '(no team)'} / {p.key_stage or '(no key stage)'}"


def draw(
    pool: list[Plan], n: int, moderation: int, seed: int, focus: tuple[tuple[str, str], ...] = ()
) -> list[Picked]:
    """``n`` plans from ``pool``, in proportion to the strata, then ``moderation`` of them chosen for a second auditor."""
    rng = random.Random(seed)
    strata: dict[str, list[Plan]] = {}
    for p in sorted(pool, key=lambda p: p.plan_id):
        strata.setdefault(stratum(p), []).append(p)
    keys = sorted(strata)
    total = len(pool)
    n = min(n, total)
    quota = {k: n * len(strata[k]) // total for k in keys}
    remainders = sorted(keys, key=lambda k: (-(n * len(strata[k]) % total), rng.random()))
    for k in remainders[: n - sum(quota.values())]:
        quota[k] += 1
    focus_text = ", ".join(f"{k}={v}" for k, v in focus)
    picked: list[Picked] = []
    for k in keys:
        for p in rng.sample(strata[k], quota[k]):
            picked.append(Picked(plan=p, stratum=k, focus=focus_text))
    picked.sort(key=lambda x: x.plan.plan_id)
    for i in sorted(rng.sample(range(len(picked)), min(moderation, len(picked)))):
        picked[i].moderation = True
    return picked
