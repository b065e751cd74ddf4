"""Fuzzing the readers a hostile file meets first: the CSV reader, the .xlsx reader and the YAML loader (issue #11).

Each property: whatever the bytes, the reader either reads (every row once, nothing invented) or refuses with a
user-facing error (:class:`QactlError`), never anything else. Example counts are bounded so ``make test`` stays quick.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qactl.errors import QactlError
from qactl.sheets.reader import open_sheet
from qactl.yamlio import load_yaml

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _read_all(path: Path) -> list[tuple[int, list]] | None:
    """Every row the reader gives, or None when it refuses the file with a user-facing error."""
    try:
        sheet = open_sheet(path)
        return list(sheet.rows)
    except QactlError:
        return None


# ---- CSV -------------------------------------------------------------------------------------------------------------

CSV_ALPHABET = st.sampled_from(list("ab ,;\"\t\n\r'=#é€\u200b") + ["Fully", "N/A", '""', '",', ',"'])


@FUZZ
@given(st.lists(CSV_ALPHABET, max_size=80))
def test_csv_reader_reads_or_refuses_any_text(pieces):
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "f.csv"
        p.write_text("".join(pieces), encoding="utf-8", newline="")
        _read_all(p)  # any other exception fails the test


CELL = (
    st.lists(st.sampled_from(list("abc xyz,'\"\n\r;\t#=é") + ["Fully", "\u200b", "€"]), max_size=12)
    .map("".join)
    .filter(lambda s: all(line.count(",") < 2 for line in s.splitlines()))
)  # a line of a comment with as many commas as a row is read as a swallowed row


@FUZZ
@given(
    st.integers(min_value=5, max_value=8).flatmap(
        lambda w: st.tuples(
            st.lists(
                st.text(alphabet="abcdefgh", min_size=1, max_size=6), min_size=w, max_size=w, unique=True
            ),
            st.lists(st.lists(CELL, min_size=w, max_size=w), max_size=12),
        )
    )
)
def test_csv_written_by_a_csv_writer_reads_back_row_for_row(table):
    """Any table a CSV writer (as Excel's "Save as CSV") writes reads back exactly: every row once, every value as written,
    multi-line values and quotes included."""
    header, body = table
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(body)
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "f.csv"
        p.write_text(buf.getvalue(), encoding="utf-8", newline="")
        got = _read_all(p)
    assert got is not None
    want = [[v if v != "" else None for v in r] for r in body]
    assert [values for _, values in got] == want
    assert [n for n, _ in got] == list(range(2, 2 + len(body)))


@FUZZ
@given(
    st.lists(
        st.lists(st.text(alphabet="abc ,", max_size=8), min_size=6, max_size=6), min_size=3, max_size=10
    ),
    st.data(),
)
def test_a_stray_quote_never_loses_rows_silently(body, data):
    """A quote opened and never closed in any cell: the file is refused (naming the row), or read with every row there."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["h1", "h2", "h3", "h4", "h5", "h6"])
    w.writerows(body)
    lines = buf.getvalue().splitlines()
    k = data.draw(st.integers(min_value=1, max_value=len(lines) - 1))
    cut = data.draw(st.integers(min_value=0, max_value=len(lines[k])))
    lines[k] = lines[k][:cut] + '"' + lines[k][cut:]
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "f.csv"
        p.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
        try:
            got = list(open_sheet(p).rows)
        except QactlError as err:
            assert "quote" in str(err) and f"row {k + 1}" in str(err)
            return
    assert len(got) == len(body), f"{len(body)} rows written, {len(got)} read"


# ---- .xlsx -----------------------------------------------------------------------------------------------------------

VALUE = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
)


@FUZZ
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 40), VALUE), min_size=1, max_size=40),
    st.sampled_from([None, (1_048_574, 0), (5, 16_383), (200_000, 3)]),
    st.booleans(),
)
def test_xlsx_reader_reads_what_was_written(cells, stray, hide_first):
    """Random cells (some far off: a stray cell at the sheet's last row or column), maybe behind a hidden first sheet:
    every text and number reads back at its row and column, by calamine or by the sparse reader."""
    import xlsxwriter

    written = {}
    for r, c, v in cells:
        written[(r, c)] = v
    if stray:
        written[stray] = "stray"
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "f.xlsx"
        wb = xlsxwriter.Workbook(
            str(p),
            {
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "constant_memory": True,
            },
        )
        if hide_first:
            wb.add_worksheet("Lists").hide()
        ws = wb.add_worksheet("Data")
        ws.activate()
        ws.write_row(0, 0, [f"h{c}" for c in range(41)])
        for (r, c), v in sorted(written.items()):
            if isinstance(v, bool):
                ws.write_boolean(r + 1, c, v)
            elif isinstance(v, int | float):
                ws.write_number(r + 1, c, v)
            else:
                ws.write_string(r + 1, c, v)
        wb.close()
        got = _read_all(p)
    assert got is not None
    read = {(n - 2, c): v for n, values in got for c, v in enumerate(values) if v not in ("", None)}
    for (r, c), v in written.items():
        got_v = read.get((r, c))
        if isinstance(v, bool):
            assert got_v is v
        elif isinstance(v, int | float):
            assert got_v == float(v) or abs(got_v - float(v)) <= abs(float(v)) * 1e-6
        elif v:
            assert got_v == v


# ---- YAML ------------------------------------------------------------------------------------------------------------

YAML_PIECES = st.sampled_from(
    [
        "a",
        "b: ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\n",
        "  ",
        "&x ",
        "*x",
        "&y ",
        "*y",
        ": ",
        "'",
        '"',
        "#",
        "|",
        ">",
        "<<: ",
        "!!str ",
        "%YAML 1.2\n",
        "---\n",
        "...\n",
        "?",
        "é",
        "\t",
        "1e999",
        "~",
    ]
)


@FUZZ
@given(st.lists(YAML_PIECES, max_size=60))
def test_yaml_loader_reads_or_refuses_any_text(pieces):
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "f.yaml"
        p.write_text("".join(pieces), encoding="utf-8")
        try:
            load_yaml(p)
        except QactlError as err:
            assert str(err)


@FUZZ
@given(st.integers(2, 12), st.integers(2, 9))
def test_nested_aliases_are_refused_at_their_bound_or_read(levels, fan_out):
    """An alias tree of ``fan_out ** levels`` values: read when it is within the bound, refused (located) beyond it."""
    lines = [f"l0: &l0 [{', '.join(['v'] * fan_out)}]"]
    for k in range(1, levels):
        lines.append(f"l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * fan_out)}]")
    text = "\n".join(lines) + "\n"
    size = [1 + fan_out]  # values of each anchored list, itself included
    for _ in range(1, levels):
        size.append(1 + fan_out * size[-1])
    values = 1 + levels + sum(size)  # the document, its keys, and each list expanded
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "f.yaml"
        p.write_text(text, encoding="utf-8")
        try:
            doc = load_yaml(p)
        except QactlError as err:
            assert values > 100_000 and err.problems[0].line is not None and "billion laughs" in str(err)
        else:
            assert values <= 100_000 and len(doc) == levels
