"""Checking one cell: answers against a scale, dates, NHS numbers, UPNs, integers.

Parsers are built once per column (:func:`item_parser`, :func:`field_parser`) and then called for each
distinct value of the column (the scorer remembers what each gives). A parser returns ``(value, problem)``; a
problem is ``(code, message)`` with what was expected and, for answers, the nearest allowed one.

What a cell shows is what is matched: text is normalised (:func:`normalise_text`: Unicode NFKC, zero-width and
bidirectional marks removed) before an answer or a date is read, so a cell that shows "Fully" is Fully, whatever
invisible characters or full-width letters it holds. Identifying values (the pseudonymous ref's input) are not
normalised here: refs of existing data never change. Excel's error values (``#N/A``, ``#REF!``…) and formulas
never calculated are errors in their cells, not blanks; a bare number where a date belongs is an error, not an
Excel serial guessed at (``12`` would be 11 January 1900).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from difflib import get_close_matches
from typing import Any

from qactl.dates import DateParseError, format_date, parse_date
from qactl.rubric.models import Field, FieldType, Item, Scale, norm_answer
from qactl.scoring.codes import FindingCode
from qactl.sheets.reader import ExcelError, excel_error_of

Problem = tuple[str, str]
NA = "N/A"  # the marker of a not-applicable answer once parsed (the scale's own label is kept in ``label``)


def cell_text(value: Any) -> str:
    """A raw cell value as text: whole numbers without ``.0``, datetimes in ISO, None as ``""``."""
    if type(value) is str:  # most cells: first, before the isinstance chain
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def normalise_text(text: str) -> str:
    """Text as a person reads it: Unicode NFKC (full-width letters, ligatures, non-breaking spaces made plain) and
    invisible format characters removed (zero-width spaces and joiners, bidirectional marks, soft hyphens, BOMs)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


class Answer:
    """The parsed answer of one item: canonical label, points (None when not applicable).

    ``weighted`` is weight × points × ``unit`` as an exact integer (``unit`` a power of ten making every
    weight × points of the rubric whole: see :func:`qactl.scoring.common.unit_of`), computed once per distinct
    answer (answers are memoised), so scores are summed in integers, exactly.
    """

    __slots__ = ("label", "points", "na", "weighted")

    def __init__(
        self, label: str, points: float | None, na: bool = False, weight: float = 1.0, unit: int = 1
    ) -> None:
        self.label, self.points, self.na = label, points, na
        self.weighted = (
            None
            if points is None
            else int(Decimal(repr(float(weight))) * Decimal(repr(float(points))) * unit)
        )


def item_parser(
    item: Item, scale: Scale, unit: int = 1
) -> Callable[[Any], tuple[Answer | None, Problem | None]]:
    """A parser for the answers of one item. Blank cells give ``(None, None)``; the caller decides if that is allowed."""
    table: dict[str, tuple[str, float]] = {}
    for c in scale.choices:
        for w in (c.label, *c.aliases):
            table[norm_answer(w)] = (c.label, c.points)
            table.setdefault(norm_answer(normalise_text(w)), (c.label, c.points))
    na_words: dict[str, str] = {}
    if scale.na:
        for w in (scale.na.label, *scale.na.aliases):
            na_words[norm_answer(w)] = scale.na.label
            na_words.setdefault(norm_answer(normalise_text(w)), scale.na.label)
    allowed = [c.label for c in scale.choices] + ([scale.na.label] if scale.na and item.allow_na else [])
    spellings = {**{k: v[0] for k, v in table.items()}, **(na_words if item.allow_na else {})}
    expected = f"expected {_or_list(allowed)}"

    def nearest(text: str) -> str:
        m = get_close_matches(norm_answer(text), list(spellings), n=1, cutoff=0.6)
        return f"; did you mean {spellings[m[0]]!r}?" if m else ""

    def one(text: str) -> tuple[Answer | None, Problem | None]:
        key = norm_answer(text)
        hit = table.get(key)
        if hit is None and key not in na_words and not text.isascii():
            key = norm_answer(normalise_text(text))
            hit = table.get(key)
        if hit is not None:
            return Answer(hit[0], hit[1], weight=item.weight, unit=unit), None
        if key in na_words:
            if item.allow_na:
                return Answer(na_words[key], None, na=True), None
            return None, (FindingCode.NA_NOT_ALLOWED, f"N/A is not an answer to this question; {expected}")
        err = excel_error_of(text)
        if err is not None:
            return None, err.problem()
        return None, (FindingCode.UNKNOWN_ANSWER, f"{expected}{nearest(normalise_text(text))}")

    if not item.multi:

        def parse(value: Any) -> tuple[Answer | None, Problem | None]:
            if value is None:
                return None, None
            if type(value) is str:
                return one(value) if value.strip() else (None, None)
            if isinstance(value, ExcelError):
                return None, value.problem()
            return one(cell_text(value))

        return parse

    cap = (
        item.max_points
        if item.max_points is not None
        else sum(c.points for c in scale.choices if c.points > 0)
    )

    def parse_multi(value: Any) -> tuple[Answer | None, Problem | None]:
        if is_blank(value):
            return None, None
        err = excel_error_of(value)
        if err is not None:
            return None, err.problem()
        parts = [p for p in (s.strip() for s in cell_text(value).split(";")) if p]
        labels: list[str] = []
        total = 0.0
        for p in parts:
            ans, prob = one(p)
            if ans is None:  # one() gives an answer or a problem, never neither
                code, message = prob or (FindingCode.UNKNOWN_ANSWER, expected)
                return None, (code, f"{p!r} is not an answer: {message}")
            if ans.na or ans.points is None:
                if len(parts) > 1:
                    return None, (
                        FindingCode.NA_MIXED,
                        f"N/A cannot be chosen with other answers; {expected}",
                    )
                return ans, None
            if ans.label not in labels:
                labels.append(ans.label)
                total += ans.points
        return Answer("; ".join(labels), min(total, cap), weight=item.weight, unit=unit), None

    return parse_multi


def nhs_number_ok(digits: str) -> bool:
    """Modulus 11 (NHS Data Dictionary): weights 10..2 on the first nine digits; 11 → 0; 10 → invalid."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_ok(upn: str) -> bool:
    """DfE UPN: check letter = Σ position × value (positions 2–13) mod 23 on ABCDEFGHJKLMNPQRTUVWXYZ."""
    if len(upn) != 13 or upn[0] not in _UPN_LETTERS or not upn[1:12].isdigit():
        return False
    last = upn[12]
    if last.isdigit():
        last_value = int(last)
    elif last in _UPN_LETTERS:
        last_value = _UPN_LETTERS.index(last)
    else:
        return False
    values = [int(c) for c in upn[1:12]] + [last_value]
    total = sum(pos * v for pos, v in zip(range(2, 14), values, strict=True))
    return _UPN_LETTERS[total % 23] == upn[0]


def field_parser(f: Field) -> Callable[[Any], tuple[Any, Problem | None]]:
    """A parser for one field column. Blank cells give ``(None, None)``; an Excel error value is a problem."""
    parse = _field_parser(f)

    def checked(value: Any) -> tuple[Any, Problem | None]:
        if type(value) is str and value[:1] != "#":
            return parse(value)
        err = excel_error_of(value)
        if err is not None:
            return None, err.problem()
        return parse(value)

    return checked


def _field_parser(f: Field) -> Callable[[Any], tuple[Any, Problem | None]]:
    if f.type == FieldType.date:
        return date_cell
    if f.type == FieldType.integer:

        def parse_int(value: Any) -> tuple[Any, Problem | None]:
            if is_blank(value):
                return None, None
            if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
                return int(value), None
            text = cell_text(value).replace(",", "")
            if text.lstrip("-").isdigit():
                return int(text), None
            return None, (FindingCode.BAD_INTEGER, "expected a whole number")

        return parse_int
    if f.type == FieldType.nhs_number:

        def parse_nhs(value: Any) -> tuple[Any, Problem | None]:
            if is_blank(value):
                return None, None
            text = normalise_text(cell_text(value))
            digits = "".join(c for c in text if not c.isspace() and c != "-")
            if len(digits) != 10 or not digits.isdigit():
                return None, (
                    FindingCode.BAD_NHS_NUMBER,
                    "expected an NHS number: 10 digits, spaces allowed (as 943 476 5919)",
                )
            if not nhs_number_ok(digits):
                return None, (
                    FindingCode.NHS_CHECK_DIGIT,
                    "the NHS number's check digit is wrong (Modulus 11): a digit is mistyped; check it against the record",
                )
            return digits, None

        return parse_nhs
    if f.type == FieldType.upn:

        def parse_upn(value: Any) -> tuple[Any, Problem | None]:
            if is_blank(value):
                return None, None
            upn = "".join(normalise_text(cell_text(value)).split()).upper()
            if len(upn) != 13:
                return None, (
                    FindingCode.BAD_UPN,
                    "expected a UPN: a letter and 12 characters (as B801200005001)",
                )
            if not upn_ok(upn):
                return None, (
                    FindingCode.UPN_CHECK_LETTER,
                    "the UPN's check letter does not match its digits: a character is mistyped",
                )
            return upn, None

        return parse_upn

    def parse_text(value: Any) -> tuple[Any, Problem | None]:
        if is_blank(value):
            return None, None
        return cell_text(value), None

    return parse_text


def date_cell(value: Any) -> tuple[date | None, Problem | None]:
    """A date field, milestone or Forms time cell as a date.

    A bare number is a problem, not a date: Excel shows it as a number, and as an Excel serial ``12`` would be
    11 January 1900. The date it would be is still returned (so a pseudonymous ref made from it stays what it was),
    with the problem; the scorer then uses no date.
    """
    if is_blank(value):
        return None, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            serial = parse_date(value)
        except (DateParseError, ValueError, OverflowError):
            serial = None
        as_date = f" (as an Excel date serial it would be {format_date(serial)})" if serial else ""
        return serial, (
            FindingCode.NUMBER_NOT_DATE,
            f"the cell holds the number {cell_text(value)}, not a date{as_date}; type the date "
            "day first, as 03/04/2025, or format the cell as a date",
        )
    err = excel_error_of(value)
    if err is not None:
        return None, err.problem()
    try:
        return parse_date(value), None
    except DateParseError as e:
        if type(value) is str and not value.isascii():
            try:
                return parse_date(normalise_text(value)), None
            except DateParseError:
                pass
        return None, (FindingCode.BAD_DATE, str(e))
    except (ValueError, OverflowError) as e:
        return None, (FindingCode.BAD_DATE, f"expected a date, found {cell_text(value)[:40]!r} ({e})")
