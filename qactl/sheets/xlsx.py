"""What every workbook qactl writes for people has in common: one look, real dates, print settings.

The scored workbook, the allocation, the chase list, the blank forms and the improvement plan are opened
by people who did not write them. So each sheet here has headers in words, dates typed as dates (filters
and sorting work), numbers with their format (``69.0%``, not ``69``), column widths that show the header,
and page setup for A4 (fit to one page wide, header rows repeated on every page). Text is never turned
into a formula, a number or a link (``strings_to_*`` off), and a missing value is an empty cell, never
``None``.

Grades are coloured on a scale a colour-blind reader can follow: dark blue, light blue, grey, light orange,
dark orange (lightness and hue both change, and blue against orange survives every common colour-vision
deficiency), and the grade is always written out in the cell, so colour is never the only signal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def properties(title: str, comments: str, **more: Any) -> dict[str, Any]:
    """A workbook's document properties, created at :func:`qactl.clock.now` (``SOURCE_DATE_EPOCH`` when set), so the
    same run gives the same bytes; xlsxwriter would otherwise stamp the system's time."""
    from qactl import clock

    return {"title": title, "comments": comments, "created": clock.now(), **more}


EXCEL_MAX_TEXT = 32_767  # characters in one cell
EXCEL_MAX_LINKS = 65_530  # hyperlinks on one sheet

# best → worst: (fill, font colour, bold)
_GRADE_SCALE = [
    ("#1F4E79", "#FFFFFF", True),
    ("#BDD7EE", "#000000", False),
    ("#D9D9D9", "#000000", False),
    ("#F8CBAD", "#000000", False),
    ("#843C0C", "#FFFFFF", True),
]


def grade_style(rank: int, count: int) -> tuple[str, str, bool]:
    """The (fill, font colour, bold) of the grade at ``rank`` (0 = best) of ``count`` grades.

    Four grades take dark blue, light blue, light orange, dark orange; three take dark blue, grey, dark orange.
    """
    last = len(_GRADE_SCALE) - 1
    k = 0 if count <= 1 else round(rank * last / (count - 1))
    return _GRADE_SCALE[max(0, min(last, k))]


class Styles:
    """The formats of one workbook, made once."""

    def __init__(self, wb) -> None:
        self.wb = wb
        f = wb.add_format
        self.title = f({"bold": True, "font_size": 14})
        self.subtitle = f({"bold": True, "font_size": 12})
        self.bold = f({"bold": True})
        self.note = f({"italic": True, "font_color": "#404040", "text_wrap": True, "valign": "top"})
        self.aside = f(
            {"italic": True, "font_color": "#404040"}
        )  # one line, running on into the empty cells beside it
        self.header = f(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
        )
        self.text = f({"valign": "top"})
        self.wrap = f({"text_wrap": True, "valign": "top"})
        self.date = f({"num_format": "dd/mm/yyyy", "valign": "top", "align": "left"})
        self.datetime = f({"num_format": "dd/mm/yyyy hh:mm", "valign": "top", "align": "left"})
        self.int = f({"num_format": "0", "valign": "top"})
        self.score = f({"num_format": "0.0", "valign": "top"})
        self.pct = f({"num_format": "0.0%", "valign": "top"})
        self.pct0 = f({"num_format": "0%", "valign": "top"})
        self.change = f({"num_format": "+0.0;-0.0;0.0", "valign": "top"})
        self.link = f({"font_color": "#0563C1", "underline": 1, "valign": "top"})
        self.warn = f({"bold": True, "font_color": "#843C0C", "valign": "top"})
        self.centre = f({"align": "center", "valign": "top"})
        self._grades: dict[tuple[int, int], Any] = {}

    def grade(self, rank: int, count: int):
        """A cell format for the grade at ``rank`` of ``count`` (fill, font, bold, thin border)."""
        key = (rank, count)
        if key not in self._grades:
            fill, font, bold = grade_style(rank, count)
            self._grades[key] = self.wb.add_format(
                {
                    "bg_color": fill,
                    "font_color": font,
                    "bold": bold,
                    "border": 1,
                    "border_color": "#808080",
                    "valign": "top",
                }
            )
        return self._grades[key]

    def grade_rule(self, rank: int, count: int):
        """The same look as a conditional format (fill and font; borders as cell formats do not apply)."""
        fill, font, bold = grade_style(rank, count)
        return self.wb.add_format({"bg_color": fill, "font_color": font, "bold": bold})


def as_date(value: Any) -> date | datetime | None:
    """An ISO date (``2025-10-06``) or date-time (``2025-10-06 09:15:00``, ``2025-10-06T09:15``) as a date; else None."""
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or len(value) < 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        return None


def put(ws, row: int, col: int, value: Any, st: Styles, fmt=None) -> None:
    """Write one value with its type: text as text, numbers as numbers, dates as dates, True/False as Yes/No.

    None writes nothing (an empty cell, never the word None); text longer than a cell holds is cut with a note.
    """
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_string(row, col, "Yes" if value else "No", fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value.replace(tzinfo=None), fmt or st.datetime)
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt or st.date)
    else:
        text = str(value)
        if len(text) > EXCEL_MAX_TEXT:
            cut = " … [cut: longer than an Excel cell holds]"
            text = text[: EXCEL_MAX_TEXT - len(cut)] + cut
        ws.write_string(row, col, text, fmt)


def page_setup(
    ws,
    *,
    landscape: bool = False,
    repeat: int | tuple[int, int] | None = 0,
    title: str | None = None,
    columns: str | None = None,
    fit: bool = True,
) -> None:
    """A4, fit to one page wide (as many pages tall as it needs), the header rows repeated on every page,
    the sheet's name and page numbers in the footer.

    ``columns`` (``"A:B"``): a sheet too wide to shrink onto one page (every answer of every audit) is printed
    at its size instead, page after page across, with these columns repeated on each page so each row can be told
    apart.
    """
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if columns:
        ws.repeat_columns(columns)
    if columns or not fit:
        ws.print_across()
    else:
        ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if repeat is not None:
        first, last = (repeat, repeat) if isinstance(repeat, int) else repeat
        ws.repeat_rows(first, last)
    head = title.replace("&", "&&") if title else "&A"
    ws.set_footer(f"&L{head}&RPage &P of &N")


def widths(ws, sizes: Sequence[float], first: int = 0) -> None:
    for c, w in enumerate(sizes, start=first):
        ws.set_column(c, c, w)


def header_height(texts: Iterable[str], sizes: Sequence[float], *, lines_max: int = 6) -> float:
    """A header row tall enough for the longest wrapped header (points), at most ``lines_max`` lines."""
    import math

    lines = 1
    for t, w in zip(texts, sizes, strict=False):
        lines = max(lines, math.ceil(len(t) * 1.1 / max(w - 1, 1)))
    return 15 * min(lines, lines_max) + 3


def clip_header(text: str, n: int = 120) -> str:
    """A header short enough to read in a column (the whole text goes in the header's comment)."""
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def unique(headers: Iterable[str]) -> list[str]:
    """Headers made unique, case-insensitively, as Excel tables need: a repeat gets ``(2)``, ``(3)``…"""
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        k = h.casefold()
        if k in seen:
            seen[k] += 1
            h = f"{h} ({seen[k]})"
            k = h.casefold()
        seen.setdefault(k, 1)
        out.append(h)
    return out


def table(
    ws,
    first: int,
    header: list[str],
    data: list[list],
    st: Styles,
    widths: list[float],
    *,
    name: str | None = None,
    wrap: Iterable[int] = (),
    formats: dict[int, Any] | None = None,
) -> int:
    """A table from row ``first``: a header row in words, the rows typed (:func:`put`), each row as tall as its
    wrapped text, filters on. ``name``: an Excel table of that name (banded, filters kept as rows are added); without
    it, a plain range with filters. Returns the row after the table."""
    wrap = set(wrap)
    formats = {**{k: st.wrap for k in wrap}, **(formats or {})}
    if name is None:
        ws.write_row(first, 0, header, st.header)
    for r, row in enumerate(data, start=first + 1):
        lines = 1
        for c, v in enumerate(row):
            put(ws, r, c, v, st, formats.get(c, st.text))
            if isinstance(v, str) and c < len(widths) and formats.get(c) is st.wrap:
                lines = max(lines, lines_needed(v, widths[c]))
        if lines > 1:
            ws.set_row(r, 15 * lines)
    if name is not None:
        ws.add_table(
            first,
            0,
            first + max(len(data), 1),
            len(header) - 1,
            {
                "columns": [{"header": h, "header_format": st.header} for h in header],
                "style": "Table Style Light 1",
                "autofilter": bool(data),
                "name": name,
            },
        )
    elif data:
        ws.autofilter(first, 0, first + len(data), len(header) - 1)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_row(first, header_height(header, widths))
    return first + max(len(data), 1 if name is not None else 0) + 1


def lines_needed(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide (an estimate, between words)."""
    n = 0
    for para in str(text).split("\n"):
        line = 0
        n += 1
        for word in para.split():
            if line and line + 1 + len(word) > width * 1.15:
                n += 1
                line = len(word)
            else:
                line += (1 if line else 0) + len(word)
    return max(n, 1)


def pairs(
    ws, row: int, items: Iterable[tuple[str, Any]], st: Styles, *, widths: tuple[float, float] = (30, 100)
) -> int:
    """Rows of ``label | value`` from ``row`` (an About sheet), each as tall as its wrapped text; returns the next row.

    Numbers and dates keep their type, aligned left like the text beside them.
    """
    ws.set_column(0, 0, widths[0])
    ws.set_column(1, 1, widths[1])
    label = st.wb.add_format({"bold": True, "valign": "top", "text_wrap": True})
    left = st.wb.add_format({"valign": "top", "align": "left"})
    day = st.wb.add_format({"num_format": "dd/mm/yyyy", "valign": "top", "align": "left"})
    for name, value in items:
        ws.write_string(row, 0, name, label)
        fmt = (
            day
            if isinstance(value, date)
            else left
            if isinstance(value, int | float) and not isinstance(value, bool)
            else st.wrap
        )
        put(ws, row, 1, value, st, fmt)
        lines = max(
            lines_needed(name, widths[0]), lines_needed("" if value is None else str(value), widths[1])
        )
        if lines > 1:
            ws.set_row(row, 15 * lines)
        row += 1
    return row


def first_name(name: str) -> str:
    """The first name of ``name`` for a greeting: ``Dr Fiona Lister`` → ``Fiona``; an empty name stays empty."""
    titles = {
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "prof",
        "professor",
        "sir",
        "dame",
        "rev",
        "revd",
        "cllr",
    }
    words = [w for w in name.replace(",", " ").split() if w.strip(".").casefold() not in titles]
    return words[0] if words else ""
