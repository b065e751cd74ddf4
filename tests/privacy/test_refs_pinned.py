"""Rounds link only while refs stay the same: the example round's refs are pinned, byte for byte.

Reading cells more carefully (Unicode normalisation, zero-width characters, plausibility checks) must never change
the ref of an audit that scored before: a council's last year and this year would stop linking. If this test fails,
the change altered how an identifying value is normalised before hashing; fix the change, not the file.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from refs import example_refs  # noqa: E402

PINNED = Path(__file__).resolve().parents[1] / "data" / "example-refs.json"


def test_the_example_rounds_refs_are_unchanged(monkeypatch):
    monkeypatch.setenv("QACTL_KEY", "demo-key-not-for-real-data")
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    assert example_refs() == pinned
