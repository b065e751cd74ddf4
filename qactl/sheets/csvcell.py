"""The one neutraliser for every CSV qactl writes: no cell or header can be taken for a formula.

Excel, LibreOffice and Google Sheets run a CSV cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula (CSV
or "formula" injection: ``=HYPERLINK(…)``, ``=cmd|'/C calc'!A0``), and a leading tab, carriage return or line feed
can hide such a start. Every text cell and every header whose first character (after any spaces) is one of these
gets a leading apostrophe, as OWASP's guidance on CSV injection advises: spreadsheets show the text as written and
never evaluate it. A number written as text (``-3.5``, ``+2``) is left as it is; so are numbers themselves. The
``csv`` module then quotes and escapes each cell.

Used by the scored ``.csv`` (its header too, which holds the export's own unknown column headers with
``--include-pii``), the allocation ``.csv`` and the mail-merge ``.csv``. A new CSV writer uses :func:`write_csv`
or :func:`csv_row`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

TRIGGERS = frozenset("=+-@\t\r\n")


def csv_cell(value: Any) -> Any:
    """``value`` as a safe CSV cell: None → empty; text that could start a formula → ``'`` + text; anything else as is."""
    if value is None:
        return ""
    if type(value) is not str or not value:
        return value
    first = value[0]
    if first == " ":
        stripped = value.lstrip(" ")
        if not stripped:
            return value
        first = stripped[0]
    if first not in TRIGGERS:
        return value
    if first in "-+":
        try:
            float(value)  # a number written as text: no formula
            return value
        except ValueError:
            pass
    return "'" + value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row (or a header) through :func:`csv_cell`."""
    return [csv_cell(v) for v in values]


def write_csv(f: IO[str], header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> None:
    """A header and rows to an open text file, every cell neutralised. Open it with ``newline=""`` (and
    ``encoding="utf-8-sig"`` so Excel reads accents)."""
    w = csv.writer(f)
    w.writerow(csv_row(header))
    w.writerows(csv_row(r) for r in rows)
