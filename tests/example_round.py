"""The example local area's round as examples/demo.sh runs it: one list of `qactl allocate` arguments for every test
that allocates the demo round (the golden allocation, the workbooks, the chase)."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# examples/demo.sh's allocate, without its outputs
DEMO_ALLOCATE = (
    "--plans",
    EXAMPLES / "plans.xlsx",
    "--cohort",
    EXAMPLES / "cohort.yaml",
    "--round",
    "2025 Autumn",
    "--moderation",
    "6",
    "--history",
    EXAMPLES / "previous-allocation.json",
    "--seed",
    "20251001",
)
