"""What a person opening a workbook would notice, as functions tests can assert on."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")  # a_child_views, on_time, plan_id
REPR = re.compile(r"^(None|True|False|nan)$|\[['\"]|\{['\"]|datetime\.|PosixPath\(|<[a-zA-Z_.]+ object at ")
ABSENT_DOCS = re.compile(r"SPEC\b|DOMAIN\.md|PERFORMANCE\.md")


def cells(wb, *, hidden: bool = True):
    """Every (sheet, coordinate, value) with a value, in every sheet (hidden rows and columns too, unless ``hidden=False``)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                if not hidden and (
                    ws.row_dimensions[c.row].hidden or ws.column_dimensions[c.column_letter].hidden
                ):
                    continue
                yield ws.title, c.coordinate, c.value


def junk(wb, ids: set[str] = frozenset(), *, allow: set[str] = frozenset(), hidden: bool = True) -> list[str]:
    """Cells showing None, a Python repr, an internal id (snake_case or one of ``ids``) or a document users don't have.

    ``hidden=False``: a hidden column or row (a key kept for qactl itself) is not shown, so not checked."""
    bad = []
    for sheet, where, v in cells(wb, hidden=hidden):
        if sheet.startswith("_") or sheet == "Lists":  # a hidden helper sheet of drop-down lists
            continue
        text = str(v)
        if text in allow:
            continue
        if REPR.search(text) or ABSENT_DOCS.search(text):
            bad.append(f"{sheet}!{where}: {text[:80]!r}")
        elif isinstance(v, str) and (
            text in ids or any(m not in allow for m in SNAKE.findall(text) if "@" not in text)
        ):
            bad.append(f"{sheet}!{where}: {text[:80]!r}")
    return bad


def fits_to_width(ws) -> bool:
    """Fit to one page wide (1 is Excel's default, so the file may leave it out), as many pages tall as needed."""
    return (
        bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
        and ws.page_setup.fitToWidth in (None, 1)
        and ws.page_setup.fitToHeight in (0, "0")
    )


def repeated_rows(ws) -> str | None:
    """The rows printed at the top of every page, as ``5:5`` (1-based)."""
    return ws.print_title_rows.replace("$", "") if ws.print_title_rows else None


def text_of(path: Path) -> str:
    """Everything written in a file as text: a workbook's XML parts, or the file itself."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels")))
    return path.read_text(encoding="utf-8-sig")
