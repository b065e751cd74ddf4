"""The example round's report, byte for byte: what a reader gets, reviewed whenever it changes.

`pytest tests/report/test_golden.py --update-golden` rewrites tests/report/golden/ from this build; read the diff
(`git diff tests/report/golden/`) as a reader would before committing it. The example round is scored and reported
with a fixed key and a fixed SOURCE_DATE_EPOCH (tests/report/conftest.py), so nothing in it depends on the day or
the machine. The moderation handout, the scored CSV and the allocation have theirs beside their own tests
(tests/moderate/, tests/scoring/, tests/allocation/).
"""

from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", ["practice-report.html", "practice-report.md"])
def test_the_example_report_is_the_golden_file(example_round, golden, name):
    made = example_round[name.rsplit(".", 1)[1]].read_text(encoding="utf-8")
    golden({GOLDEN / name: made})
