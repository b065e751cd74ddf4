"""Options for the whole suite; this folder on ``sys.path`` so test modules can import ``inprocess`` (qactl run
in-process)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the golden files of the example report (tests/report/golden/) from this build; review the diff before committing.",
    )
