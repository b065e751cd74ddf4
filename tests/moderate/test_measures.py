"""Agreement measures against published worked examples and an independent implementation."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qactl.moderation import confusion, kappa, percent_agreement


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
    b = ["Fully", "Fully", "Partially", "Fully", "Not included", "Fully", "Partially", "Partially", "Fully", "Not included", "Partially",
         "Not included", "Partially", "Not included", "Not included"]
    table = confusion(list(zip(a, b, strict=True)), labels)
    assert kappa(table) == pytest.approx(metrics.cohen_kappa_score(a, b, labels=labels))
    assert kappa(table, "linear") == pytest.approx(metrics.cohen_kappa_score(a, b, labels=labels, weights="linear"))


def test_landis_koch_words():
    from qactl.moderation import strength

    assert [strength(k) for k in (None, -0.1, 0.1, 0.4, 0.41, 0.7, 0.81)] == ["", "poor", "slight", "fair", "moderate", "substantial", "almost perfect"]



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
