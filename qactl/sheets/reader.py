"""Open ``.xlsx``/``.xlsm``/``.csv`` files as a header and a stream of rows, each row knowing its sheet row number.

``.xlsx`` is read with python-calamine (8× faster than openpyxl's read-only mode on this machine; see the
README), row by row. ``.csv`` is read with the csv module in UTF-8, UTF-8 with BOM or Windows-1252, with
comma, semicolon or tab. Files that are not what they claim (an ``.xls``, an encrypted or sensitivity-labelled
workbook, an empty sheet) are refused with a sentence saying what to do.

What a hostile or damaged file can cost is bounded by its real size:

* a workbook's sheet is scanned first (:func:`_scan_sheet`, about a tenth of calamine's own read): where its data
  really ends, its Excel error values (``#N/A``, ``#REF!``…) and its formulas that were never calculated (both of
  which calamine gives as empty cells). A sheet whose extent is far larger than its data (one stray cell at row
  1,048,576 or column XFD) is read sparsely, row element by row element, instead of as calamine's dense grid;
* a workbook whose parts inflate to far more than the file itself (a "zip bomb") is refused;
* a CSV cell may be as large as the file; a quote that is never closed, or that swallows what reads as further
  rows, is an error naming the row where it opened (:class:`MalformedCsv`), never rows silently lost.

Error values and uncalculated formulas reach the scorer as :class:`ExcelError` values, so they are named as
errors in their cells instead of being read as blank.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qactl.errors import InputError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"

# A cell may hold anything up to the file's own size (Excel's limit is 32,767 characters, other tools have none).
csv.field_size_limit(2**31 - 1)

# Excel's error values, as Excel shows them and as it writes them into a CSV.
EXCEL_ERRORS = frozenset(
    (
        "#N/A",
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#EXTERNAL!",
        "#PYTHON!",
    )
)

# A sheet whose dense grid (rows × columns) exceeds both of these is read sparsely (see the module docstring).
_DENSE_FLOOR = 1_000_000  # cells: about 40 MB in calamine, whatever the file
_BYTES_PER_CELL = 8  # the sheet's XML takes at least ~17 bytes per real cell: a grid up to XML bytes / 8 is the data's own size
# Parts of a workbook may inflate this much before the file is taken for a zip bomb (real exports: 10-20×).
_MAX_INFLATION = 250
_MAX_INFLATED_FLOOR = 200 << 20


class ExcelError(str):
    """A cell holding an Excel error value (``#N/A``) or a formula that was never calculated (``formula`` set).

    A ``str`` whose text is what Excel shows, so code that only prints it needs nothing special; the scorer
    names it as an error in its cell instead of reading it as blank or as an answer.
    """

    formula: str | None = None

    @classmethod
    def uncalculated(cls, formula: str) -> ExcelError:
        e = cls("=" + formula)
        e.formula = formula
        return e

    def problem(self) -> tuple[str, str]:
        """``(code, message)`` for the scorer's error record."""
        if self.formula is not None:
            return (
                "uncalculated_formula",
                "the cell holds a formula that was never calculated, so it has no value to read; "
                "open the file in Excel, let it calculate (Formulas, Calculate Now), save it and run again",
            )
        return (
            "excel_error",
            f"the cell holds the Excel error value {str(self)} (a formula that failed), not a value; "
            "correct the formula or type the value",
        )


def excel_error_of(value: Any) -> ExcelError | None:
    """The Excel error a raw cell holds (an :class:`ExcelError`, or the text ``#N/A`` as a CSV has it), else None."""
    if isinstance(value, ExcelError):
        return value
    if type(value) is str and value[:1] == "#" and value.strip() in EXCEL_ERRORS:
        return ExcelError(value.strip())
    return None


def column_letter(index: int) -> str:
    """0-based column index as Excel letters: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters as a 0-based column index: A → 0, AA → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def cell_ref(sheet: str, row: int, col: int) -> str:
    """``Sheet1!H7`` from a sheet name, a 1-based row and a 0-based column."""
    name = f"'{sheet}'" if any(c in sheet for c in " -!'") else sheet
    return f"{name}!{column_letter(col)}{row}"


@dataclass
class Sheet:
    """One sheet: its header row and an iterator of ``(row_number, values)``; ``values`` are raw cell values.

    Every row after the header row that the file holds is yielded exactly once (blank ones included), so that
    the caller can account for each: ``rows_read`` counts them as they pass.
    """

    path: Path
    name: str
    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[Any]]]
    sha256: str
    kind: str  # "xlsx" or "csv"
    encoding: str | None = None
    delimiter: str | None = None
    sheet_names: list[str] = field(default_factory=list)
    hidden_sheets: list[str] = field(default_factory=list)
    raw_headers: list[Any] = field(
        default_factory=list
    )  # the header row's cells as read (to spot the header pasted again)
    sparse: bool = False  # read row element by row element: the sheet's extent is far beyond its data

    def ref(self, row: int, col: int) -> str:
        return cell_ref(self.name, row, col)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def open_sheet(path: str | Path, sheet: str | None = None) -> Sheet:
    """Open a spreadsheet for reading. Raises :class:`InputError` with an actionable sentence."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file. Check the name and the folder.")
    if path.is_dir():
        raise InputError(f"{path} is a folder; give the exported .xlsx or .csv file inside it.")
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as e:
        raise InputError(
            f"{path} cannot be read ({e.strerror}). Close it in Excel, or check its permissions."
        ) from None
    if head.startswith(_OLE_MAGIC):
        with path.open("rb") as f:
            raw = f.read(1 << 20)
        if "EncryptedPackage".encode("utf-16-le") in raw or b"EncryptedPackage" in raw:
            raise InputError(
                f"{path} is encrypted (a password or a sensitivity label such as OFFICIAL-SENSITIVE protects it), "
                "so it cannot be read outside Office. Open it in Excel, and save a copy without the label or password "
                "on a secure drive, then run qactl on the copy."
            )
        raise InputError(
            f"{path} is an old Excel 97-2003 (.xls) workbook. Open it in Excel and save it as .xlsx (Excel Workbook), then run qactl on that."
        )
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        if suffix in (".csv", ".txt"):
            raise InputError(f"{path} is named .csv but is an Excel workbook; rename it to .xlsx.")
        return _open_xlsx(path, sheet)
    if suffix in (".xlsx", ".xlsm"):
        raise InputError(
            f"{path} is named {suffix} but is not an Excel workbook (it may be damaged, or a CSV renamed). Export it again from Forms or Excel."
        )
    if suffix in (".xls", ".ods", ".numbers", ".pdf", ".docx"):
        raise InputError(f"{path}: {suffix} files are not read. Save it as .xlsx or .csv.")
    return _open_csv(path)


def _first_header(rows: list[tuple[int, list[Any]]]) -> int:
    """Index (into ``rows``) of the header row: skips title rows and merged banners above the table."""
    widths = [sum(1 for v in r if v not in (None, "")) for _, r in rows]
    if not widths or max(widths) == 0:
        return -1
    widest = max(widths)
    for i, w in enumerate(widths):
        if w >= max(2, widest // 2) or (widest == 1 and w == 1):
            return i
    return widths.index(widest)


def _assemble(path: Path, name: str, kind: str, stream: Iterator[tuple[int, list[Any]]], **extra) -> Sheet:
    peek: list[tuple[int, list[Any]]] = []
    for item in stream:
        peek.append(item)
        if len(peek) >= 20:
            break
    h = _first_header(peek)
    if h < 0:
        raise InputError(
            f"{path}: the sheet {name!r} is empty. Check that you exported the responses, or choose another sheet with --sheet."
        )
    header_row, raw_headers = peek[h]
    headers = ["" if v is None else str(v).strip() for v in raw_headers]
    while headers and headers[-1] == "":
        headers.pop()
    rest = peek[h + 1 :]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        yield from rest
        yield from stream

    return Sheet(
        path=path,
        name=name,
        headers=headers,
        header_row=header_row,
        rows=rows(),
        sha256=file_sha256(path),
        kind=kind,
        raw_headers=list(raw_headers),
        **extra,
    )


# ---------------------------------------------------------------------------------------------
# .xlsx
# ---------------------------------------------------------------------------------------------


def _open_xlsx(path: Path, sheet: str | None) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for damaged files
        raise InputError(
            f"{path} cannot be read as an Excel workbook ({e}). Open it in Excel and save it again as .xlsx."
        ) from None
    try:
        meta = list(wb.sheets_metadata)
    except Exception:  # an older calamine, or metadata it cannot read: every sheet visible
        meta = []
    names = list(wb.sheet_names)
    if not names:
        raise InputError(f"{path} has no sheets.")
    hidden = [m.name for m in meta if str(m.visible).rsplit(".", 1)[-1] != "Visible"]
    charts = {m.name for m in meta if str(m.typ).rsplit(".", 1)[-1] != "WorkSheet"}
    if sheet is None:
        # the first sheet a person sees: a hidden sheet or a chart is never what was meant
        name = next(
            (n for n in names if n not in hidden and n not in charts),
            next((n for n in names if n not in charts), names[0]),
        )
    elif sheet in names:
        name = sheet
    else:
        raise InputError(f"{path} has no sheet called {sheet!r}; it has {', '.join(repr(n) for n in names)}.")
    scan = _scan_sheet(path, name)
    if scan is not None and scan.sparse:
        stream = _sparse_rows(path, scan)
    else:
        try:
            ws = wb.get_sheet_by_name(name)
        except Exception as e:
            raise InputError(f"{path}: the sheet {name!r} cannot be read ({e}).") from None
        stream = _calamine_rows(ws, scan.marks if scan is not None else {})
    return _assemble(
        path, name, "xlsx", stream, sheet_names=names, hidden_sheets=hidden, sparse=bool(scan and scan.sparse)
    )


def _calamine_rows(ws, marks: dict[int, dict[int, ExcelError]]) -> Iterator[tuple[int, list[Any]]]:
    start_row, start_col = ws.start if ws.start else (0, 0)
    pad = [None] * start_col
    for i, values in enumerate(ws.iter_rows()):
        row = start_row + i + 1
        values = (pad + list(values)) if start_col else list(values)
        if marks:
            found = marks.get(row)
            if found:
                for col, mark in found.items():
                    if col >= len(values):
                        values.extend([""] * (col + 1 - len(values)))
                    values[col] = mark
        yield row, values


@dataclass
class _Scan:
    """What the pre-scan of one sheet's XML found."""

    zip_path: Path
    xml: str  # the sheet's part in the zip
    rows: int  # the last row number
    columns: int  # the widest column (1-based)
    xml_bytes: int
    marks: dict[int, dict[int, ExcelError]]  # row → column → the error value or uncalculated formula

    @property
    def sparse(self) -> bool:
        dense = self.rows * self.columns
        return dense > max(_DENSE_FLOOR, self.xml_bytes // _BYTES_PER_CELL)


_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet\b")
_ROW_NUMBER = re.compile(rb"[^>]*?\br=\"(\d+)\"")
_WIDE_COLUMN_ANYWHERE = rb"c\b[^>]*?\br=\"([A-Z]{2,3})\d"
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\br=\"([A-Z]{1,3})(\d+)\"")
_CELL_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c>")
_ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?row>")
_ERROR_TYPE = re.compile(rb"\bt=\"e\"")
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f\b")
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>([^<]*)<")
_FORMULA_TEXT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*?(?:/>|>([^<]*)<)")


def _sheet_part(zf, name: str) -> str | None:
    """The zip member holding the sheet called ``name`` (from the workbook part and its relationships)."""
    import posixpath
    import xml.etree.ElementTree as ET

    try:
        wb_root = ET.fromstring(zf.read("xl/workbook.xml"))
        rels_root = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return None
    rid = None
    for el in wb_root.iter():
        if el.tag.rsplit("}", 1)[-1] == "sheet" and el.get("name") == name:
            rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
            break
    if rid is None:
        return None
    for el in rels_root.iter():
        if el.tag.rsplit("}", 1)[-1] == "Relationship" and el.get("Id") == rid:
            target = el.get("Target") or ""
            part = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            return part if part in zf.NameToInfo else None
    return None


def _scan_sheet(path: Path, name: str) -> _Scan | None:
    """Scan the sheet's XML once, in 1 MB pieces: its last row, widest column, error values and uncalculated formulas.

    ``None`` when the workbook is not laid out as expected (calamine then reads it as it can).
    """
    import zipfile

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None
    with zf:
        inflated = sum(i.file_size for i in zf.infolist())
        real = max(path.stat().st_size, 1)
        if inflated > max(_MAX_INFLATED_FLOOR, _MAX_INFLATION * real):
            raise InputError(
                f"{path} would inflate to {inflated / 2**30:.1f} GB from a {real / 2**20:.1f} MB file, far beyond what a real "
                "workbook holds (it may be damaged or built to exhaust memory). Open it in Excel and save it again as .xlsx."
            )
        part = _sheet_part(zf, name)
        if part is None:
            return None
        info = zf.getinfo(part)
        try:
            with zf.open(part) as f:
                return _scan_part(f, path, part, info.file_size)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as e:
            raise InputError(
                f"{path}: the sheet {name!r} is damaged ({e}). Open it in Excel and save it again as .xlsx."
            ) from None


def _scan_part(f, path: Path, part: str, size: int) -> _Scan:
    """The scan itself, on the sheet's XML stream, in three searches of C speed per piece (about a quarter of
    calamine's own read of the sheet): cells (for the widest column), ``t="e"`` (error values) and ``</f>`` (formulas)."""
    head = f.read(1 << 16)
    m = _PREFIX.search(head)
    pfx = (m.group(1) or b"") if m else b""
    row_tag = b"<" + pfx + b"row"
    # every cell tag: the widest column where the tag starts r="…" (as every writer seen writes it); b"" where it does not
    cells = re.compile(b"<" + re.escape(pfx) + rb'c (?:r="([A-Z]{2,3})\d|(?!r="))')
    cells_anywhere = re.compile(rb"<" + re.escape(pfx) + _WIDE_COLUMN_ANYWHERE)
    formula_end = b"</" + pfx + b"f>"
    last_row = row_count = 0
    widest = 1
    marks: dict[int, dict[int, ExcelError]] = {}
    formulas = False
    tail = head
    while True:
        chunk = f.read(1 << 20)
        buf = tail + chunk
        if chunk:
            end = _last_row_end(buf)
            if end < 0:
                tail = buf  # a row larger than the piece read: read on
                continue
            body, tail = buf[:end], buf[end:]
        else:
            body, tail = buf, b""
        at = max(body.rfind(row_tag + b" "), body.rfind(row_tag + b">"))
        if at >= 0:
            n = _ROW_NUMBER.match(body, at + len(row_tag))
            if n:
                last_row = max(last_row, int(n.group(1)))
            else:  # rows without numbers: count them
                row_count += body.count(row_tag + b" ") + body.count(row_tag + b">")
        found = set(cells.findall(body))
        if b"" in found:
            found = set(cells_anywhere.findall(body))
        for letters in found:
            if letters:
                widest = max(widest, column_index(letters.decode()) + 1)
        formulas = formulas or formula_end in body
        if b't="e"' in body or (formulas and (formula_end in body or b' si="' in body)):
            _mark(body, marks)
        if not chunk:
            break
    if widest == 1:
        widest = 26  # only single-letter columns: at most Z
    return _Scan(path, part, max(last_row, row_count), widest, size, marks)


def _mark(body: bytes, marks: dict[int, dict[int, ExcelError]]) -> None:
    """Record the error values and uncalculated formulas of the cells in ``body`` (whole rows of sheet XML)."""
    from html import unescape

    spots = sorted(
        {m.start() for m in _ERROR_TYPE.finditer(body)} | {m.start() for m in _FORMULA.finditer(body)}
    )
    done: set[int] = set()
    for at in spots:
        start, m = at + 1, None
        for _ in range(8):  # back to the cell's opening tag: at most a few tags before
            start = body.rfind(b"<", 0, start)
            if start < 0:
                break
            m = _CELL_START.match(body, start)
            if m is not None:
                break
        if m is None or start in done:
            continue
        done.add(start)
        opening_end = body.find(b">", m.end())
        if opening_end < 0:
            continue
        if body[opening_end - 1 : opening_end] == b"/":
            cell = body[start : opening_end + 1]  # <c …/>: no value, no formula
        else:
            end = _CELL_END.search(body, opening_end)
            cell = body[start : end.end() if end else len(body)]
        row, col = int(m.group(2)), column_index(m.group(1).decode())
        opening = body[start : opening_end + 1]
        value = _VALUE.search(cell)
        if _ERROR_TYPE.search(opening):
            text = unescape(value.group(1).decode("utf-8", "replace")).strip() if value else ""
            marks.setdefault(row, {})[col] = ExcelError(text or "#N/A")
        elif value is None and _FORMULA.search(cell):
            f = _FORMULA_TEXT.search(cell)
            text = unescape((f.group(1) or b"").decode("utf-8", "replace")) if f else ""
            marks.setdefault(row, {})[col] = ExcelError.uncalculated(text)


def _last_row_end(buf: bytes) -> int:
    """The index just after the last ``</row>`` (or ``</x:row>``) in ``buf``, or -1."""
    at = len(buf)
    while True:
        at = buf.rfind(b"row>", 0, at)
        if at < 0:
            return -1
        lt = buf.rfind(b"<", 0, at)
        if lt >= 0 and _ROW_END.fullmatch(buf, lt, at + 4):
            return at + 4


# ---- the sparse reader: one row element at a time, only the rows the file holds ----

_DATE_FORMAT_IDS = frozenset((*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)))
_EPOCH_1900 = (1899, 12, 30)
_EPOCH_1904 = (1904, 1, 1)


def _is_date_format(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code).casefold()
    return code not in ("general", "@") and any(ch in code for ch in "dmyhs") and "general" not in code


def _date_styles(zf) -> set[int]:
    """The indexes of the cell formats (``s=`` of a cell) that show dates or times."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(zf.read("xl/styles.xml"))
    except (KeyError, ET.ParseError):
        return set()
    custom: dict[int, str] = {}
    xfs: list[int] = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "numFmt":
            try:
                custom[int(el.get("numFmtId", "-1"))] = el.get("formatCode", "")
            except ValueError:
                pass
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] == "cellXfs":
            for xf in el:
                try:
                    xfs.append(int(xf.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)
            break
    return {
        i
        for i, fid in enumerate(xfs)
        if (fid in custom and _is_date_format(custom[fid])) or (fid not in custom and fid in _DATE_FORMAT_IDS)
    }


def _shared_strings(zf) -> list[str]:
    import xml.etree.ElementTree as ET

    if "xl/sharedStrings.xml" not in zf.NameToInfo:
        return []
    out: list[str] = []
    with zf.open("xl/sharedStrings.xml") as f:
        for _, el in ET.iterparse(f, events=("end",)):
            if el.tag.rsplit("}", 1)[-1] == "si":
                out.append(_text_of(el))
                el.clear()
    return out


def _text_of(el) -> str:
    """The text of a string item or inline string: its runs joined, phonetic guides left out."""
    parts: list[str] = []

    def walk(node) -> None:
        for child in node:
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "rPh":
                continue
            if tag == "t":
                parts.append(child.text or "")
            else:
                walk(child)

    walk(el)
    return "".join(parts)


def _sparse_rows(path: Path, scan: _Scan) -> Iterator[tuple[int, list[Any]]]:
    """The rows the sheet's XML holds, as calamine would give them (text, floats, booleans, dates), and nothing between."""
    import xml.etree.ElementTree as ET
    import zipfile
    from datetime import date, datetime, timedelta

    zf = zipfile.ZipFile(path)
    try:
        shared = _shared_strings(zf)
        dates = _date_styles(zf)
        epoch = _EPOCH_1900
        try:
            wb = zf.read("xl/workbook.xml")
            if re.search(rb"date1904=\"(1|true)\"", wb):
                epoch = _EPOCH_1904
        except KeyError:
            pass
        base = datetime(*epoch)

        def as_date(serial: float) -> Any:
            moment = base + timedelta(
                milliseconds=round(serial * 86_400_000)
            )  # as calamine: to the millisecond
            if moment.time() == datetime.min.time():
                return date(moment.year, moment.month, moment.day)
            return moment

        with zf.open(scan.xml) as f:
            context = ET.iterparse(f, events=("start", "end"))
            _, root = next(context)
            expected = 0
            for event, el in context:
                if event != "end" or el.tag.rsplit("}", 1)[-1] != "row":
                    continue
                number = int(el.get("r") or expected + 1)
                expected = number
                values: list[Any] = []
                nxt = 0
                for c in el:
                    if c.tag.rsplit("}", 1)[-1] != "c":
                        continue
                    ref = c.get("r")
                    letters = re.match(r"[A-Z]+", ref) if ref else None
                    col = column_index(letters.group(0)) if letters else nxt
                    nxt = col + 1
                    t = c.get("t", "n")
                    v = f_el = is_el = None
                    for child in c:
                        tag = child.tag.rsplit("}", 1)[-1]
                        if tag == "v":
                            v = child.text
                        elif tag == "f":
                            f_el = child
                        elif tag == "is":
                            is_el = child
                    value: Any = ""
                    if t == "inlineStr" and is_el is not None:
                        value = _text_of(is_el)
                    elif v is None:
                        value = ExcelError.uncalculated(f_el.text or "") if f_el is not None else ""
                    elif t == "s":
                        try:
                            value = shared[int(v)]
                        except (ValueError, IndexError):
                            value = ""
                    elif t in ("str", "inlineStr"):
                        value = v
                    elif t == "b":
                        value = v.strip() in ("1", "true")
                    elif t == "e":
                        value = ExcelError(v.strip() or "#N/A")
                    elif t == "d":
                        try:
                            value = datetime.fromisoformat(v.strip())
                        except ValueError:
                            value = v
                    else:
                        try:
                            number_value = float(v)
                        except ValueError:
                            value = v
                        else:
                            style = c.get("s")
                            value = (
                                as_date(number_value)
                                if style is not None and style.isdigit() and int(style) in dates
                                else number_value
                            )
                    if col >= len(values):
                        values.extend([""] * (col - len(values)))
                        values.append(value)
                    else:
                        values[col] = value
                el.clear()
                root.clear()  # rows already read are dropped, so memory stays that of one row
                yield number, values
    except ET.ParseError as e:
        raise InputError(
            f"{path}: the sheet is damaged ({e}). Open it in Excel and save it again as .xlsx."
        ) from None
    finally:
        zf.close()


# ---------------------------------------------------------------------------------------------
# .csv
# ---------------------------------------------------------------------------------------------


class MalformedCsv(InputError):
    """A CSV whose quotes do not close as CSV requires: rows would be lost, so the file is refused."""


def _encoding(path: Path) -> tuple[str, str]:
    """The file's encoding (the codec to open it with, the name to report): UTF-8 (with or without BOM), else
    Windows-1252, else Latin-1. Checked over the whole file in 1 MB chunks, so nothing holds the whole text."""
    import codecs

    for enc in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(enc)()
        try:
            with path.open("rb") as f:
                first = f.read(3)
                decoder.decode(first)
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return enc, ("utf-8" if enc == "utf-8-sig" and not first.startswith(b"\xef\xbb\xbf") else enc)
    return "latin-1", "latin-1"


def _open_csv(path: Path) -> Sheet:
    try:
        codec, encoding = _encoding(path)
        f = path.open(encoding=codec, newline="")
    except OSError as e:
        raise InputError(f"{path} cannot be read ({e.strerror}).") from None
    head = f.read(4096)
    if "\x00" in head:
        f.close()
        raise InputError(
            f"{path} is not a text file (it may be UTF-16 or a binary file). Save it from Excel as 'CSV UTF-8'."
        )
    while "\n" not in head:  # the whole first line, however long
        more = f.read(1 << 16)
        if not more:
            break
        head += more
    first = head.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    f.seek(0)
    records = _CsvRecords(path, f, delimiter)
    sheet = _assemble(path, path.name, "csv", iter(records), encoding=encoding, delimiter=delimiter)
    records.set_width(len(sheet.headers))
    return sheet


class _CsvRecords:
    """The records of a CSV, numbered 1, 2, … (a record may span lines: a comment with line breaks inside quotes).

    Read strictly, so a quote that never closes (it runs to the end of the file) or that closes in the middle of
    a later value (it swallowed whole lines) is an error naming the row and line where it opened. A quote that is
    merely untidy within one line (``"abc"def``) is read as Excel reads it. A record spanning several lines whose
    number of values differs from the header's, and whose lines read as further rows, is refused too: that is a
    quote that swallowed rows and closed where a value could end.
    """

    def __init__(self, path: Path, f, delimiter: str) -> None:
        self.path, self.f, self.delimiter = path, f, delimiter
        self.width: int | None = None  # the header's width, set once the header is known
        self._lines: list[str] = []  # the physical lines of the record being read
        self._line = 0  # physical lines consumed
        self._pending: list[
            tuple[int, int, int, list[str], str]
        ] = []  # records spanning lines, read before the width was known

    def _record_text(self) -> str:
        return "".join(self._lines)

    def set_width(self, width: int) -> None:
        """The header's width, once known: the records read before it are checked now."""
        self.width = width
        pending, self._pending = self._pending, []
        for number, start, end, values, text in pending:
            self._check_swallow(number, start, values, end, text)

    def _physical(self) -> Iterator[str]:
        lines, n = self._lines, 0
        for line in self.f:
            n += 1
            self._line = n
            lines.append(line)
            yield line

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        reader = csv.reader(self._physical(), delimiter=self.delimiter, strict=True)
        lines = self._lines
        number = 0
        try:
            while True:
                start = self._line + 1
                lines.clear()
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as e:
                    number += 1
                    values = self._recover(number, start, e)
                else:
                    number += 1
                    if len(lines) > 1:
                        if self.width is None:
                            self._pending.append((number, start, self._line, values, "".join(lines)))
                        else:
                            self._check_swallow(number, start, values, self._line)
                yield number, [v if v != "" else None for v in values]
        finally:
            self.f.close()

    def _recover(self, number: int, start: int, e: csv.Error) -> list[str]:
        """A record the strict reader refused: one untidy line is read leniently; a quote spanning lines is an error."""
        text = "".join(self._lines)
        if len(self._lines) <= 1 and "end of data" not in str(e):
            return next(csv.reader([text], delimiter=self.delimiter), [])
        first = self._lines[0] if self._lines else ""
        col = max(len(next(csv.reader([first], delimiter=self.delimiter), [])) - 1, 0)
        if "end of data" in str(e):
            span = self._line - start + 1
            raise self._swallowed(
                number,
                start,
                col,
                f"is never closed: it runs to the end of the file, taking {span} "
                f"line{'s' if span != 1 else ''} with it as one value",
            )
        raise self._swallowed(
            number,
            start,
            col,
            f"does not close where a value ends: it swallows lines {start + 1} to "
            f"{self._line}, which read as further rows",
        )

    def _swallowed(self, number: int, start: int, col: int, what: str) -> MalformedCsv:
        """The error for a quote that would lose rows: where it opened, what it does, and what to do. No cell is quoted
        (a row holds personal data)."""
        return MalformedCsv(
            f"{self.path}: the quote that opens in row {number} (line {start}), column {column_letter(col)}, {what}, so those "
            f'rows would be lost. Find the stray " in row {number} and remove it (or close it), or open the file in Excel '
            "and save it again as CSV."
        )

    def _check_swallow(
        self, number: int, start: int, values: list[str], end: int, text: str | None = None
    ) -> None:
        """A record spanning lines that a stray quote made: refused, so that the rows it swallowed are not lost.

        Either the record has another number of values than the header (every row of an export has the header's), or
        a line inside one of its values splits into as many values as the header has (a comment line with that many
        commas is not one a person writes, in an export of five columns or more).
        """
        width = self.width or 0
        if width < 2:
            return
        first = next(k for k, v in enumerate(values) if "\n" in v or "\r" in v)
        if len(values) != width:
            raise self._swallowed(
                number,
                start,
                first,
                f"runs on to line {end} and leaves that row with {len(values)} values "
                f"where the header has {width}: a stray quote has swallowed the lines after it",
            )
        if _bare_quote(text if text is not None else self._record_text(), self.delimiter):
            raise self._swallowed(
                number,
                start,
                first,
                f"closes on line {end} in the middle of what reads as another row (a "
                "quote is left inside an unquoted value): a stray quote has swallowed the lines between",
            )
        if width < 5:
            return
        for col, v in enumerate(values):
            if "\n" not in v and "\r" not in v:
                continue
            before = sum(
                x.count("\n") for x in values[:col]
            )  # line breaks inside earlier values of the record
            for k, line in enumerate(v.splitlines()[1:], start=1):
                if line.count(self.delimiter) < width - 1:
                    continue
                fields = len(next(csv.reader([line], delimiter=self.delimiter), []))
                if fields >= width:
                    raise self._swallowed(
                        number,
                        start,
                        col,
                        f"swallows lines that read as further rows (line {start + before + k} "
                        f"has {fields} values, as the header has {width}; the quote runs to line {end})",
                    )


def _bare_quote(text: str, delimiter: str) -> bool:
    """Whether a record's raw text has a quote inside an unquoted value (``a"b``), which no CSV writer produces: in a
    record spanning lines, the trace of a stray quote that paired with a quote of a later row."""
    state = (
        "start"  # start of a value, unquoted value, quoted value, just after a quote inside a quoted value
    )
    for ch in text:
        if state == "start":
            state = "quoted" if ch == '"' else "start" if ch in (delimiter, "\r", "\n") else "plain"
        elif state == "plain":
            if ch == '"':
                return True
            if ch in (delimiter, "\r", "\n"):
                state = "start"
        elif state == "quoted":
            if ch == '"':
                state = "quote"
        else:  # after a quote inside a quoted value: "" is a quote, anything else ends the value
            state = "quoted" if ch == '"' else "start"
    return False
