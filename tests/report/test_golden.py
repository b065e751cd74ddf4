"""The example round's report, byte for byte: what a reader gets, reviewed whenever it changes.

`pytest tests/report/test_golden.py --update-golden` rewrites tests/report/golden/ from this build; read the diff
(`git diff tests/report/golden/`) as a reader would before committing it. The example round is scored and reported
with a fixed key and a fixed SOURCE_DATE_EPOCH (tests/report/conftest.py), so nothing in it depends on the day or
the machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", ["practice-report.html", "practice-report.md"])
def test_the_example_report_is_the_golden_file(example_round, request, name):
    made = example_round[name.rsplit(".", 1)[1]].read_text(encoding="utf-8")
    golden = GOLDEN / name
    if request.config.getoption("--update-golden"):
        golden.write_text(made, encoding="utf-8", newline="\n")
        pytest.skip(
            f"rewrote {golden.relative_to(Path.cwd()) if golden.is_relative_to(Path.cwd()) else golden}: review the diff"
        )
    assert golden.exists(), f"no golden file yet: run pytest {__file__} --update-golden and review it"
    expected = golden.read_text(encoding="utf-8")
    if made != expected:
        import difflib

        diff = "".join(
            list(
                difflib.unified_diff(expected.splitlines(True), made.splitlines(True), "golden", "made", n=1)
            )[:80]
        )
        pytest.fail(
            f"the example report differs from {golden.name} (run with --update-golden if the change is meant, and review it):\n{diff}"
        )
