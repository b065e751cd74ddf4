"""Agreement measures over a confusion table: percent agreement, Cohen's kappa (weighted too), Gwet's AC1, PABAK.

Pure functions; the package docstring (:mod:`qactl.moderation`) says what each measure is and when kappa misleads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from qactl.results import CommonAnswer

# ---------------------------------------------------------------- agreement measures (pure)


def confusion(pairs: Sequence[tuple[str, str]], categories: Sequence[str]) -> list[list[int]]:
    """The k × k table of counts: row = auditor A's answer, column = auditor B's."""
    index = {c: i for i, c in enumerate(categories)}
    table = [[0] * len(categories) for _ in categories]
    for a, b in pairs:
        table[index[a]][index[b]] += 1
    return table


def percent_agreement(table: Sequence[Sequence[float]]) -> float | None:
    n = sum(map(sum, table))
    if not n:
        return None
    return 100.0 * sum(table[i][i] for i in range(len(table))) / n


def kappa(table: Sequence[Sequence[float]], weights: str | None = None) -> float | None:
    """Cohen's kappa of a square table of counts; ``weights="linear"`` for the linearly weighted kappa.

    ``kappa = (p_o − p_e) / (1 − p_e)`` with agreement weights w_ij (1 on the diagonal, 0 elsewhere
    when unweighted; 1 − |i − j| / (k − 1) when linear). ``None`` when p_e = 1 (undefined) or no data.
    """
    k = len(table)
    n = sum(map(sum, table))
    if not n or k < 2:
        return None
    rows = [sum(r) / n for r in table]
    cols = [sum(table[i][j] for i in range(k)) / n for j in range(k)]

    def w(i: int, j: int) -> float:
        if weights == "linear":
            return 1 - abs(i - j) / (k - 1)
        return 1.0 if i == j else 0.0

    po = sum(w(i, j) * table[i][j] / n for i in range(k) for j in range(k))
    pe = sum(w(i, j) * rows[i] * cols[j] for i in range(k) for j in range(k))
    if abs(1 - pe) < 1e-12:
        return None
    return (po - pe) / (1 - pe)


def ac1(table: Sequence[Sequence[float]]) -> float | None:
    """Gwet's AC1 (Gwet 2008, Br J Math Stat Psychol 61:29–48) of a square table of counts over all q answers.

    ``AC1 = (p_o − p_e) / (1 − p_e)`` with ``p_e = Σ_k π_k (1 − π_k) / (q − 1)``, π_k the mean of the two
    auditors' shares of answer k. ``None`` with no data or fewer than two answers on the scale.
    """
    q = len(table)
    n = sum(map(sum, table))
    if not n or q < 2:
        return None
    po = sum(table[i][i] for i in range(q)) / n
    pi = [(sum(table[k]) + sum(table[i][k] for i in range(q))) / (2 * n) for k in range(q)]
    pe = sum(p * (1 - p) for p in pi) / (q - 1)
    return (po - pe) / (1 - pe)  # p_e ≤ 1/q < 1 (at its largest when every answer is equally common)


def pabak(table: Sequence[Sequence[float]]) -> float | None:
    """Prevalence-and-bias-adjusted kappa (Byrt, Bishop & Carlin 1993, J Clin Epidemiol 46:423–429): ``2 p_o − 1`` for
    two answers; for q answers ``(q p_o − 1) / (q − 1)`` (Brennan & Prediger 1981): chance agreement taken as 1/q."""
    q = len(table)
    n = sum(map(sum, table))
    if not n or q < 2:
        return None
    po = sum(table[i][i] for i in range(q)) / n
    return (q * po - 1) / (q - 1)


def chance_agreement(table: Sequence[Sequence[float]]) -> float | None:
    """Kappa's p_e as a percentage: how often two auditors answering at random, each with their own mix of answers,
    would agree."""
    k = len(table)
    n = sum(map(sum, table))
    if not n:
        return None
    return 100.0 * sum(sum(table[i]) * sum(table[j][i] for j in range(k)) for i in range(k)) / (n * n)


SKEWED_SHARE = 80.0  # one answer making up this share (%) of all answers given or more…
MISLEADING_KAPPA = 0.41  # …and kappa below this (fair or worse on Landis & Koch's scale, as strength() words it): the paradox


def misleading(common_share: float | None, k: float | None) -> bool:
    """One answer dominates and kappa is low (or undefined): the prevalence paradox, where kappa says little about
    the auditors. With 80% of answers the same one, the auditors agree on at least 60% of plans whatever they do."""
    return common_share is not None and common_share >= SKEWED_SHARE and (k is None or k < MISLEADING_KAPPA)


class Measures(TypedDict):
    """The figures beside kappa of one table (the keys of ``ModerationItem`` and ``ModerationOverall`` they fill)."""

    ac1: float | None
    pabak: float | None
    chance_agreement: float | None
    common_answer: CommonAnswer | None
    kappa_misleading: bool


def _common(table: Sequence[Sequence[float]], labels: Sequence[str]) -> CommonAnswer | None:
    """The answer both auditors gave most often, and its share of all their answers (%)."""
    n = sum(map(sum, table))
    if not n:
        return None
    k = len(table)
    counts = [sum(table[i]) + sum(table[j][i] for j in range(k)) for i in range(k)]
    top = max(range(k), key=lambda i: counts[i])
    return {"answer": labels[top], "share": round(100.0 * counts[top] / (2 * n), 1)}


def measures(table: Sequence[Sequence[float]], labels: Sequence[str]) -> Measures:
    """What is added beside kappa for one table (JSON keys; kept apart so the existing keys keep their order)."""
    common = _common(table, labels)
    return {
        "ac1": round_or_none(ac1(table), 3),
        "pabak": round_or_none(pabak(table), 3),
        "chance_agreement": round_or_none(chance_agreement(table), 1),
        "common_answer": common,
        "kappa_misleading": misleading(common["share"] if common else None, round_or_none(kappa(table), 3)),
    }


def round_or_none(x: float | None, places: int) -> float | None:
    return None if x is None else round(x, places)
