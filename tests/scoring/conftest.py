"""Shared fixtures for the scoring tests. Helpers live in scoring_helpers.py (importable: this folder is put on sys.path)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _key(monkeypatch, tmp_path):
    monkeypatch.setenv("QACTL_KEY", "test-key-not-secret")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
