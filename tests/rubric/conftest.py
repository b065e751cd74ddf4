"""Fixtures for the rubric-language tests: a CLI runner, a valid rubric to break, a folder to work in."""

from __future__ import annotations

from pathlib import Path

import pytest

BUILTIN_IDS = [
    "annual-review",
    "ap-quality",
    "ehcna-file",
    "ehcp-quality",
    "eps-advice",
    "family-feedback",
    "health-advice",
    "practice-conversation",
    "sen-information-report",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: builds a wheel or installs the package (a few seconds); deselect with -m 'not slow'"
    )


@pytest.fixture
def runner():
    from typer.testing import CliRunner

    return CliRunner()


@pytest.fixture
def app():
    from qactl.cli import app as the_app

    return the_app


@pytest.fixture
def write(tmp_path: Path):
    """Write a rubric text to tmp_path/name and return its path."""

    def _write(text: str, name: str = "rubric.yaml") -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        return p

    return _write
