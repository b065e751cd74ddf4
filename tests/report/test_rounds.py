"""Trends over up to six rounds: --previous files or folders, ordered by audit dates, compared only like with like."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from qactl.report import ReportRequest, write_report

ROOT = Path(__file__).resolve().parents[2]


def _round(
    kit, quality, folder: Path, label: str, date: str, grades: list[str], *, version: str | None = None
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    audits = kit.quality_audits(quality, grades)
    for a in audits:
        a["audit_date"] = date
    path = kit.write_doc(folder / f"quality-{label.replace(' ', '-')}.json", quality, audits, label)
    if version:
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["rubric"]["version"] = version
        path.write_text(json.dumps(doc), encoding="utf-8")
    return path


ROUNDS = [  # label, latest audit date, grades (10 audits): Inadequate falls round by round
    ("2024 Spring", "2024-03-10", ["Inadequate"] * 6 + ["Good"] * 4),
    ("2024 Summer", "2024-06-10", ["Inadequate"] * 5 + ["Good"] * 5),
    ("2024 Autumn", "2024-10-10", ["Inadequate"] * 4 + ["Good"] * 6),
    ("2025 Spring", "2025-03-10", ["Inadequate"] * 3 + ["Good"] * 7),
    ("2025 Summer", "2025-06-10", ["Inadequate"] * 2 + ["Good"] * 8),
    ("2025 Autumn", "2025-10-10", ["Inadequate"] * 1 + ["Good"] * 9),
]


def test_a_folder_of_rounds_is_ordered_by_audit_dates_and_capped_at_six(tmp_path, quality, kit):
    earlier = tmp_path / "rounds"
    # written in a muddled order and nested: the dates decide, not names or the order given
    for label, date, grades in reversed(ROUNDS):
        _round(kit, quality, earlier / label[:4], label, date, grades)
    (earlier / "notes.json").write_text(
        json.dumps({"kind": "qactl.allocation", "assignments": []}), encoding="utf-8"
    )  # not a round: skipped
    current = _round(kit, quality, tmp_path / "now", "2026 Spring", "2026-03-10", ["Good"] * 10)
    out = tmp_path / "r.md"
    write_report(ReportRequest(inputs=[current], previous=[earlier], output=out))
    text = out.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| 20") and "| 10 |" in line]
    # 2024 Spring is the seventh round: left out, and said so
    assert [r.split(" |")[0][2:] for r in rows[:6]] == [
        "2024 Summer",
        "2024 Autumn",
        "2025 Spring",
        "2025 Summer",
        "2025 Autumn",
        "2026 Spring (this round)",
    ]
    assert "2024 Spring left out" in text
    # Inadequate share by round: 50, 40, 30, 20, 10, 0 — a line per grade in the chart, the numbers in the table
    assert [r.split("|")[-2].strip() for r in rows[:6]] == [
        "50.0%",
        "40.0%",
        "30.0%",
        "20.0%",
        "10.0%",
        "0.0%",
    ]


def test_a_new_rubric_version_is_marked_and_not_compared(tmp_path, quality, kit):
    old = _round(
        kit,
        quality,
        tmp_path / "old",
        "2025 Autumn",
        "2025-10-10",
        ["Inadequate"] * 5 + ["Good"] * 5,
        version="0.9",
    )
    current = _round(kit, quality, tmp_path / "now", "2026 Spring", "2026-03-10", ["Good"] * 10)
    for fmt in ("md", "html"):
        out = tmp_path / f"r.{fmt}"
        write_report(ReportRequest(inputs=[current], previous=[old], output=out))
        text = out.read_text(encoding="utf-8")
        assert "2025 Autumn was scored with version 0.9 of the rubric, this round with 1" in text
        assert "down from" not in text and "Down from" not in text  # no change worked out across the break
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "rubric changed" in html  # the mark on the chart
    assert "Not compared with 2025 Autumn: the rubric changed." in html  # and in the key message


@pytest.mark.skipif(
    not (ROOT / "examples" / "exports" / "previous" / "eps-advice.xlsx").exists(),
    reason="the example exports",
)
def test_an_earlier_export_is_rescored_with_the_current_rubric(tmp_path, monkeypatch):
    from qactl.scoring.run import score_file

    monkeypatch.setenv("QACTL_KEY", "demo-key-not-for-real-data")
    export = ROOT / "examples" / "exports" / "previous" / "eps-advice.xlsx"
    now = ROOT / "examples" / "exports" / "eps-advice.xlsx"
    score_file("eps-advice", now, tmp_path / "now.json", round_label="2025 Autumn")
    score_file("eps-advice", export, tmp_path / "old.json", round_label="2025 Summer")
    doc = json.loads((tmp_path / "old.json").read_text(encoding="utf-8"))
    doc["rubric"]["version"] = "2024.1"  # as if last round had used an older rubric
    (tmp_path / "old.json").write_text(json.dumps(doc), encoding="utf-8")
    copy = tmp_path / "summer-export.xlsx"
    shutil.copy(export, copy)
    out = tmp_path / "r.md"
    write_report(
        ReportRequest(
            inputs=[tmp_path / "now.json"], previous=[tmp_path / "old.json"], rescore=[copy], output=out
        )
    )
    text = out.read_text(encoding="utf-8")
    assert "2025 Summer was rescored with version 2025.1 of the rubric" in text
    assert (
        "was scored with version 2024.1" not in text and "since 2025 Summer" in text
    )  # compared again, like with like
    assert "summer-export.xlsx (rescored)" in text
    # an export that no earlier scored file was made from is refused, and nothing is written
    other = tmp_path / "other.r.md"
    with pytest.raises(Exception, match="no earlier round's scored file was made from this export"):
        write_report(
            ReportRequest(
                inputs=[tmp_path / "now.json"], previous=[tmp_path / "old.json"], rescore=[now], output=other
            )
        )
    assert not other.exists()
    assert os.listdir(tmp_path)  # the rescoring's temporary files are gone: only what the test wrote
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") or "qactl-rescore" in p.name]
