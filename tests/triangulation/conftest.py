"""Shared helpers for the triangulation tests: workbooks written with openpyxl, as Excel saves them."""

from __future__ import annotations

from pathlib import Path

import pytest

from qactl.triangulation.verdicts import THEME_LABELS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def themes() -> set[str]:
    return set(THEME_LABELS)


@pytest.fixture
def workbook():
    return write_workbook


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook with one sheet per key; each value is rows, the header first."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def good_sheets() -> dict[str, list[list]]:
    return {
        "Services": [
            ["Service", "Aliases"],
            ["SEND casework", "SENSTART"],
            ["Health", "DCO"],
            ["Educational Psychology", "EPS; EP"],
        ],
        "Complaints": [
            ["Service", "Theme", "Count", "Period"],
            ["SEND casework", "timeliness", 12, "2025 Autumn"],
            ["DCO", "health_needs", 2, "2025 Autumn"],
        ],
        "Compliments": [["Service", "Theme", "Count", "Period"], ["EPS", "voice_of_child", 7, "2025 Autumn"]],
        "Surveys": [
            ["Source", "Title", "Date", "Question", "Theme", "% agree", "Respondents"],
            ["PCF", "PCF survey 2025", "14/07/2025", "Plans are finished on time", "timeliness", 31, 198],
        ],
        "KPIs": [
            ["ID", "Label", "Value", "Target", "Unit", "Period", "Theme", "Higher is better"],
            ["ehcna_20_weeks", "EHC plans within 20 weeks", 48.2, 60, "%", "2025 Q3", "timeliness", "Yes"],
        ],
    }
