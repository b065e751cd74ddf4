"""Options and fixtures for the whole suite; this folder on ``sys.path`` so test modules can import ``inprocess``
(qactl run in-process)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: end-to-end runs (the demo, CONTRIBUTING's recipes); -m 'not slow' leaves them out"
    )


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the golden files (tests/*/golden/: the example report, the moderation handout, the scored "
        "CSV, the allocation and its mail merge) from this build; read `git diff tests/` before committing.",
    )


@pytest.fixture
def golden(request):
    """``golden({path: made, ...})``: assert that each ``made`` (the text an output holds) is the golden file at
    ``path``, byte for byte; with ``--update-golden``, write them there instead and skip, so that the diff is read
    before it is committed."""

    def check(files: dict[Path, str]) -> None:
        def shown(path: Path) -> Path:
            return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path

        if request.config.getoption("--update-golden"):
            for path, made in files.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(made, encoding="utf-8", newline="")
            names = " ".join(str(shown(p)) for p in files)
            pytest.skip(f"rewrote {names}: review `git diff {names}` before committing")
        for path, made in files.items():
            assert path.exists(), (
                f"no golden file {shown(path)} yet: run pytest with --update-golden and review it"
            )
            expected = path.read_bytes().decode("utf-8")
            if made != expected:
                diff = difflib.unified_diff(
                    expected.splitlines(True), made.splitlines(True), "golden", "made", n=1
                )
                pytest.fail(
                    f"the output differs from {shown(path)} (if the change is meant, run with --update-golden and "
                    "review the diff):\n" + "".join(list(diff)[:80])
                )

    return check
