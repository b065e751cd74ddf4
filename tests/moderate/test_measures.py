"""Agreement measures against published worked examples and an independent implementation."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qactl.moderation import ac1, chance_agreement, confusion, kappa, misleading, pabak, percent_agreement


def test_wikipedia_worked_example_2x2():
    # Wikipedia, "Cohen's kappa", worked example: 50 grant proposals read by A and B;
    # both Yes 20, A Yes/B No 5, A No/B Yes 10, both No 15 -> p_o = 0.70, p_e = 0.50, kappa = 0.40.
    table = [[20, 5], [10, 15]]
    assert percent_agreement(table) == pytest.approx(70.0)
    assert kappa(table) == pytest.approx(0.40)


def test_fleiss_3x3_diagnoses():
    # The textbook diagnosis table of Fleiss (1981), Statistical Methods for Rates and Proportions, 2nd ed., ch. 13
    # (Fleiss, Levin & Paik 2003, ch. 18), quoted from memory and not re-checked against the book here; the
    # arithmetic is done by hand below, so the test stands on it, not on the citation.
    # 100 patients, two diagnosticians, categories psychological / neurological / organic, proportions
    # [[.75 .01 .04] [.05 .04 .01] [0 0 .10]]: p_o = .89, row margins .80 .10 .10, column margins .80 .05 .15,
    # p_e = .64 + .005 + .015 = .66, kappa = (.89 - .66) / (1 - .66) = .676 (reported as .68).
    table = [[75, 1, 4], [5, 4, 1], [0, 0, 10]]
    assert percent_agreement(table) == pytest.approx(89.0)
    assert kappa(table) == pytest.approx(0.23 / 0.34)
    assert round(kappa(table), 2) == 0.68


def test_linear_weighted_kappa_by_hand_3x3():
    # Same table, linear weights 1, 0.5, 0 (Cohen 1968): p_o(w) = .89 + .5 (.01 + .05 + .01 + 0) = .925;
    # p_e(w) = .66 + .5 (.80*.05 + .10*.80 + .10*.15 + .10*.05) = .66 + .5 * .14 = .73; kappa_w = .195 / .27.
    table = [[75, 1, 4], [5, 4, 1], [0, 0, 10]]
    assert kappa(table, "linear") == pytest.approx(0.195 / 0.27)


def test_perfect_and_undefined():
    assert kappa([[3, 0], [0, 7]]) == pytest.approx(1.0)
    assert kappa([[10, 0], [0, 0]]) is None  # both auditors always said the same one answer: kappa undefined
    assert kappa([[0, 0], [0, 0]]) is None and percent_agreement([[0, 0], [0, 0]]) is None


def test_against_independent_implementation_random_tables(kit):
    independent_kappa = kit.independent_kappa
    rng = random.Random(7)
    labels = ["Fully", "Partially", "Not included"]
    for _ in range(200):
        n = rng.randint(2, 40)
        a = [rng.choice(labels) for _ in range(n)]
        b = [x if rng.random() < 0.6 else rng.choice(labels) for x in a]
        table = confusion(list(zip(a, b, strict=True)), labels)
        ours, ours_w = kappa(table), kappa(table, "linear")
        try:
            theirs, theirs_w = independent_kappa(a, b, labels), independent_kappa(a, b, labels, linear=True)
        except ZeroDivisionError:
            assert ours is None
            continue
        assert ours == pytest.approx(theirs, abs=1e-9)
        assert ours_w == pytest.approx(theirs_w, abs=1e-9)


def test_against_sklearn_when_installed():
    metrics = pytest.importorskip("sklearn.metrics")
    labels = ["Fully", "Partially", "Not included"]
    a = ["Fully"] * 6 + ["Partially"] * 5 + ["Not included"] * 4
    b = [
        "Fully",
        "Fully",
        "Partially",
        "Fully",
        "Not included",
        "Fully",
        "Partially",
        "Partially",
        "Fully",
        "Not included",
        "Partially",
        "Not included",
        "Partially",
        "Not included",
        "Not included",
    ]
    table = confusion(list(zip(a, b, strict=True)), labels)
    assert kappa(table) == pytest.approx(metrics.cohen_kappa_score(a, b, labels=labels))
    assert kappa(table, "linear") == pytest.approx(
        metrics.cohen_kappa_score(a, b, labels=labels, weights="linear")
    )


def test_landis_koch_words():
    from qactl.moderation import strength

    assert [strength(k) for k in (None, -0.1, 0.1, 0.4, 0.41, 0.7, 0.81)] == [
        "",
        "poor",
        "slight",
        "fair",
        "moderate",
        "substantial",
        "almost perfect",
    ]


@given(st.lists(st.lists(st.integers(0, 30), min_size=3, max_size=3), min_size=3, max_size=3))
def test_kappa_properties(table):
    """Swapping the two auditors (transposing) changes nothing; kappa never exceeds 1."""
    transposed = [list(r) for r in zip(*table, strict=True)]
    for w in (None, "linear"):
        k, kt = kappa(table, w), kappa(transposed, w)
        assert (k is None) == (kt is None)
        if k is not None:
            assert k == pytest.approx(kt, abs=1e-9)
            assert k <= 1 + 1e-9
    assert percent_agreement(table) == percent_agreement(transposed)


def test_ac1_and_pabak_against_gwets_published_example():
    # Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., and his R package irrCAC (dataset cont3x3abstractors):
    # 100 abstracts classed Ectopic / AIU / NIU by two abstractors, [[13 0 0] [0 20 7] [0 4 56]]; irrCAC reports
    # percent agreement 0.89, Cohen's kappa 0.7964, Gwet's AC1 0.8493, Brennan-Prediger 0.835. By hand:
    # p_o = (13 + 20 + 56) / 100 = 0.89. Margins: A 13, 27, 60; B 13, 24, 63.
    # kappa: p_e = .13×.13 + .27×.24 + .60×.63 = .0169 + .0648 + .378 = .4597; (.89 − .4597) / .5403 = .79641.
    # AC1: π = (.13, .255, .615); Σ π(1 − π) = .1131 + .189975 + .236775 = .53985; p_e = .53985 / 2 = .269925;
    # (.89 − .269925) / .730075 = .84933.
    # PABAK for 3 answers (Brennan-Prediger): (3 × .89 − 1) / 2 = .835.
    table = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
    assert percent_agreement(table) == pytest.approx(89.0)
    assert kappa(table) == pytest.approx(0.4303 / 0.5403)
    assert round(kappa(table), 4) == 0.7964
    assert ac1(table) == pytest.approx(0.620075 / 0.730075)
    assert round(ac1(table), 4) == 0.8493
    assert pabak(table) == pytest.approx(0.835)
    assert chance_agreement(table) == pytest.approx(45.97)


def test_the_high_agreement_low_kappa_paradox_by_hand():
    # The example round's "Views of parents and carers": 8 pairs, auditor A "Fully" 8 times, auditor B "Fully" 7 times
    # and "Partially" once. p_o = 7/8 = .875. Kappa: p_e = (8/8)(7/8) + 0 + 0 = .875, so kappa = 0 ("slight").
    # AC1: π_Fully = (8/8 + 7/8) / 2 = 15/16, π_Partially = (0 + 1/8) / 2 = 1/16, π_Not = 0;
    # p_e = (15/16 × 1/16 + 1/16 × 15/16) / (3 − 1) = (30/256) / 2 = 15/256;
    # AC1 = (224/256 − 15/256) / (241/256) = 209/241 = .8672.
    # PABAK (3 answers): (3 × 7/8 − 1) / 2 = 13/16 = .8125. For two answers it is 2 p_o − 1 (Byrt et al. 1993): .75.
    table = [[7, 1, 0], [0, 0, 0], [0, 0, 0]]
    assert percent_agreement(table) == pytest.approx(87.5)
    assert kappa(table) == pytest.approx(0.0)
    assert ac1(table) == pytest.approx(209 / 241)
    assert pabak(table) == pytest.approx(13 / 16)
    assert pabak([[7, 1], [0, 0]]) == pytest.approx(0.75)
    assert chance_agreement(table) == pytest.approx(87.5)
    # one answer is 15 of the 16 answers given (93.75%): the paradox, flagged
    assert (
        misleading(93.8, kappa(table))
        and not misleading(62.5, 0.1)
        and not misleading(93.8, 0.6)
        and misleading(100.0, None)
    )


def test_ac1_when_kappa_is_undefined():
    # Both auditors "Fully" every time: kappa's p_e is 1 (undefined); AC1's p_e = (1 × 0) / 2 = 0, so AC1 = 1.
    assert kappa([[8, 0, 0], [0, 0, 0], [0, 0, 0]]) is None
    assert ac1([[8, 0, 0], [0, 0, 0], [0, 0, 0]]) == pytest.approx(1.0)
    assert ac1([[0, 0], [0, 0]]) is None and pabak([[0, 0], [0, 0]]) is None


def independent_ac1(a: list[str], b: list[str], labels: list[str]) -> float:
    """Gwet's AC1 from the raw pairs, written differently: chance agreement as the probability that a rating, drawn
    from the pooled ratings, is classified "by chance" into a category, spread evenly over the other q − 1."""
    n, q = len(a), len(labels)
    pooled = a + b
    pe = sum((pooled.count(c) / (2 * n)) * (1 - pooled.count(c) / (2 * n)) for c in labels) / (q - 1)
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    return (po - pe) / (1 - pe)


def test_ac1_against_an_independent_implementation_random_tables():
    rng = random.Random(11)
    labels = ["Fully", "Partially", "Not included"]
    for _ in range(200):
        n = rng.randint(1, 40)
        a = [rng.choice(labels) for _ in range(n)]
        b = [x if rng.random() < 0.7 else rng.choice(labels) for x in a]
        table = confusion(list(zip(a, b, strict=True)), labels)
        assert ac1(table) == pytest.approx(independent_ac1(a, b, labels), abs=1e-9)
        po = sum(x == y for x, y in zip(a, b, strict=True)) / n
        assert pabak(table) == pytest.approx((3 * po - 1) / 2, abs=1e-9)


@given(st.lists(st.lists(st.integers(0, 30), min_size=3, max_size=3), min_size=3, max_size=3))
def test_ac1_properties(table):
    """Swapping the two auditors changes nothing; AC1 never exceeds 1, and is 1 exactly when they always agree."""
    transposed = [list(r) for r in zip(*table, strict=True)]
    a, at = ac1(table), ac1(transposed)
    assert (a is None) == (at is None)
    if a is not None:
        assert a == pytest.approx(at, abs=1e-9) and a <= 1 + 1e-9
        off = sum(table[i][j] for i in range(3) for j in range(3) if i != j)
        assert (abs(a - 1) < 1e-9) == (off == 0)
