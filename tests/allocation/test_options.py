"""allocate() leaves the options it is given as they were: what it works out is in the result, not in the caller's object."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from qactl.allocation.models import Options
from qactl.allocation.run import allocate
from qactl.allocation.sample import seed_from_round

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PLANS, COHORT = EXAMPLES / "plans.xlsx", EXAMPLES / "cohort.yaml"


def test_a_new_draw_leaves_the_options_unchanged_and_reports_what_it_worked_out():
    options = Options(round="2025 Autumn", moderation=6)  # no window, due date, seed, rubric or sample size
    before = copy.deepcopy(options)
    result = allocate(PLANS, COHORT, options, history=[EXAMPLES / "previous-allocation.json"])
    assert options == before
    # worked out from the round: plans issued 1 June to 30 September 2025; the round starts 1 October 2025, so the
    # audits are due 28 days later, on 29 October 2025
    assert result.options["from"] == "2025-06-01" and result.options["to"] == "2025-09-30"
    assert result.due == date(2025, 10, 29)
    assert result.seed == seed_from_round("2025 Autumn")
    assert result.options["rubric"] == "ehcp-quality"
    assert result.options["sample"] == len(result.sample) and result.options["moderation"] == 6
    # the same options object gives the same allocation again
    again = allocate(PLANS, COHORT, options, history=[EXAMPLES / "previous-allocation.json"])
    assert options == before
    assert again.assignments == result.assignments


def test_re_solving_with_keep_leaves_the_options_unchanged():
    keep = EXAMPLES / "autumn-allocation.json"
    options = Options(
        round="2025 Autumn"
    )  # --keep: the seed, rubric, sample and moderation come from the file
    before = copy.deepcopy(options)
    result = allocate(PLANS, COHORT, options, keep=keep)
    assert options == before
    assert options.seed is None and options.sample is None and options.moderation == 0
    assert result.seed == 20251001  # the seed written in autumn-allocation.json
    assert result.options["moderation"] == 6 and result.options["sample"] == 46
