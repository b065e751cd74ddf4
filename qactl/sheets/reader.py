"""Open ``.xlsx``/``.xlsm``/``.csv`` files as a header and a stream of rows, each row knowing its sheet row number.

``.xlsx`` is read with python-calamine (8× faster than openpyxl's read-only mode on this machine; see the
README), row by row. ``.csv`` is read with the csv module in UTF-8, UTF-8 with BOM or Windows-1252, with
comma, semicolon or tab. Files that are not what they claim (an ``.xls``, an encrypted or sensitivity-labelled
workbook, an empty sheet) are refused with a sentence saying what to do.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qactl.errors import InputError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def column_letter(index: int) -> str:
    """0-based column index as Excel letters: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(sheet: str, row: int, col: int) -> str:
    """``Sheet1!H7`` from a sheet name, a 1-based row and a 0-based column."""
    name = f"'{sheet}'" if any(c in sheet for c in " -!'") else sheet
    return f"{name}!{column_letter(col)}{row}"


@dataclass
class Sheet:
    """One sheet: its header row and an iterator of ``(row_number, values)``; ``values`` are raw cell values."""

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
        raise InputError(f"{path} cannot be read ({e.strerror}). Close it in Excel, or check its permissions.") from None
    if head.startswith(_OLE_MAGIC):
        raw = path.read_bytes()[: 1 << 20]
        if "EncryptedPackage".encode("utf-16-le") in raw or b"EncryptedPackage" in raw:
            raise InputError(
                f"{path} is encrypted (a password or a sensitivity label such as OFFICIAL-SENSITIVE protects it), "
                "so it cannot be read outside Office. Open it in Excel, and save a copy without the label or password "
                "on a secure drive, then run qactl on the copy."
            )
        raise InputError(f"{path} is an old Excel 97-2003 (.xls) workbook. Open it in Excel and save it as .xlsx (Excel Workbook), then run qactl on that.")
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        if suffix in (".csv", ".txt"):
            raise InputError(f"{path} is named .csv but is an Excel workbook; rename it to .xlsx.")
        return _open_xlsx(path, sheet)
    if suffix in (".xlsx", ".xlsm"):
        raise InputError(f"{path} is named {suffix} but is not an Excel workbook (it may be damaged, or a CSV renamed). Export it again from Forms or Excel.")
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
        raise InputError(f"{path}: the sheet {name!r} is empty. Check that you exported the responses, or choose another sheet with --sheet.")
    header_row, raw_headers = peek[h]
    headers = ["" if v is None else str(v).strip() for v in raw_headers]
    while headers and headers[-1] == "":
        headers.pop()
    rest = peek[h + 1 :]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        yield from rest
        yield from stream

    return Sheet(path=path, name=name, headers=headers, header_row=header_row, rows=rows(), sha256=file_sha256(path), kind=kind, **extra)


def _open_xlsx(path: Path, sheet: str | None) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for damaged files
        raise InputError(f"{path} cannot be read as an Excel workbook ({e}). Open it in Excel and save it again as .xlsx.") from None
    names = list(wb.sheet_names)
    if not names:
        raise InputError(f"{path} has no sheets.")
    if sheet is None:
        name = names[0]
    elif sheet in names:
        name = sheet
    else:
        raise InputError(f"{path} has no sheet called {sheet!r}; it has {', '.join(repr(n) for n in names)}.")
    try:
        ws = wb.get_sheet_by_name(name)
    except Exception as e:
        raise InputError(f"{path}: the sheet {name!r} cannot be read ({e}).") from None
    start_row, start_col = ws.start if ws.start else (0, 0)

    def stream() -> Iterator[tuple[int, list[Any]]]:
        pad = [None] * start_col
        for i, values in enumerate(ws.iter_rows()):
            yield start_row + i + 1, (pad + list(values)) if start_col else list(values)

    return _assemble(path, name, "xlsx", stream(), sheet_names=names)


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
        raise InputError(f"{path} is not a text file (it may be UTF-16 or a binary file). Save it from Excel as 'CSV UTF-8'.")
    while "\n" not in head:  # the whole first line, however long
        more = f.read(1 << 16)
        if not more:
            break
        head += more
    first = head.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    f.seek(0)
    reader = csv.reader(f, delimiter=delimiter)

    def stream() -> Iterator[tuple[int, list[Any]]]:
        try:
            for values in reader:
                yield reader.line_num, [v if v != "" else None for v in values]
        except csv.Error as e:
            raise InputError(f"{path}: line {reader.line_num} is not valid CSV ({e}).") from None
        finally:
            f.close()

    # csv.reader's line_num counts physical lines; rows with line breaks inside quotes shift it, so number rows instead
    def numbered() -> Iterator[tuple[int, list[Any]]]:
        for n, (_, values) in enumerate(stream(), start=1):
            yield n, values

    return _assemble(path, path.name, "csv", numbered(), encoding=encoding, delimiter=delimiter)
