"""The example in docs/rubrics.md is a valid rubric, and its validate transcript is what qactl prints."""

from __future__ import annotations

import re
from pathlib import Path

from qactl.rubric.loader import load_rubric

DOC = Path(__file__).resolve().parents[2] / "docs" / "rubrics.md"


def _example() -> str:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_the_documented_example_loads(tmp_path):
    path = tmp_path / "my-audit.yaml"
    path.write_text(_example(), encoding="utf-8")
    r = load_rubric(path)
    assert r.id == "my-audit"
    assert [(m.id, m.kind) for m in r.milestones] == [
        ("decision", "statutory"),
        ("review", "statutory"),
        ("invitations", "statutory"),
        ("report", "target"),
    ]
    assert r.item("pfa").applies_if.age_at_least == 14
    assert r.field("reason").legacy and r.field_with_role("contributors").id == "services"


def _transcripts() -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    return [
        b.strip().splitlines()[1:]
        for b in re.findall(r"```\n(\$ qactl rubrics validate .*?)```", text, flags=re.S)
    ]


def test_the_documented_validate_messages_are_real(runner, app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "250")
    breakages = [
        ("    scale: inclusion\n    weight: 2", "    scael: inclusion\n    weight: 2"),
        ("{item: smart_outcomes, answer", "{item: smrt, answer"),
    ]
    transcripts = _transcripts()
    assert len(transcripts) == len(breakages)
    for (old, new), expected in zip(breakages, transcripts, strict=True):
        assert old in _example()
        Path("my-audit.yaml").write_text(_example().replace(old, new), encoding="utf-8")
        result = runner.invoke(app, ["rubrics", "validate", "my-audit.yaml"])
        assert result.exit_code == 2
        assert result.output.splitlines() == expected
