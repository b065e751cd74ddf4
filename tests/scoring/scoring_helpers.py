"""Helpers for the scoring tests: Forms-shaped workbooks and CSVs written for real."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).parent
EPS = HERE / "eps.yaml"
HEALTH = HERE / "health.yaml"
EHCNA = HERE / "ehcna.yaml"
FORMS = ["ID", "Start time", "Completion time", "Email", "Name"]


def write_xlsx(path: Path, headers: list[str], rows: list[list], sheet: str = "Sheet1") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def write_csv(path: Path, headers: list[str], rows: list[list], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(headers)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
    return path


def forms_prefix(n: int, when: datetime, auditor: str = "Auditor Testperson") -> list:
    return [n, when, when, "auditor@example.org", auditor]


def eps_headers(rubric) -> list[str]:
    """The Forms export headers of the EPS form: numbered like the seed, some with trailing spaces."""
    heads = list(FORMS)
    for n, t in enumerate([*rubric.fields, *rubric.items, *rubric.comments], start=1):
        text = t.text
        if n % 3 == 0:
            heads.append(f"{n}.{text} ")
        elif n % 3 == 1:
            heads.append(f"{n}. {text}")
        else:
            heads.append(text + "  ")
    return heads
