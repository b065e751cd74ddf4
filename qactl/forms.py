"""Blank audit workbooks (`qactl form`): one column per field, item, milestone and comment of a rubric.

The header of each column is exactly the rubric's text, so `qactl score` maps the filled-in workbook back
without a --map file. Items get a drop-down list of their answers (plus N/A where the item allows it),
dates are formatted dd/mm/yyyy and validated as dates, and an Instructions sheet says what each column
wants. The audit sheet comes first, because `score` reads the first sheet unless told otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from qactl.errors import OutputError, UsageError
from qactl.rubric.models import Comment, Condition, Field, FieldType, Item, Milestone, Rubric
from qactl.sheets.reader import column_letter

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

AUDIT_SHEET = "Audits"
INSTRUCTIONS_SHEET = "Instructions"
LISTS_SHEET = "Lists"
LAST_ROW = 1_048_575  # Excel's last row (0-based): validations cover the whole column
_WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


class FormColumn(TypedDict):
    letter: str
    header: str
    kind: str  # "field", "item", "milestone" or "comment"
    id: str
    answers: list[str] | None  # the drop-down list, if any


class FormSummary(TypedDict):
    path: str
    rubric: str
    version: str
    sheet: str
    columns: list[FormColumn]


def answers_for(rubric: Rubric, thing: Field | Item | Milestone | Comment) -> list[str] | None:
    """The drop-down list of a column: an item's answers (and N/A where allowed), a field's choices, else None."""
    if isinstance(thing, Item):
        scale = rubric.scales[thing.scale]
        labels = [c.label for c in scale.choices]
        if thing.allow_na and scale.na is not None:
            labels.append(scale.na.label)
        return labels
    if isinstance(thing, Field) and thing.choices:
        return list(thing.choices)
    if isinstance(thing, Field):
        return reason_choices(rubric, thing)
    return None


def describe_condition(rubric: Rubric, cond: Condition) -> str:
    """A condition in words, for people: "Date of birth: aged 14 or over on the audit date"."""
    from qactl.rubric.conditions import describe

    return describe(rubric, cond)


def _due_words(rubric: Rubric, m: Milestone) -> str:
    from qactl.rubric.milestones import describe_due

    return "due " + describe_due(rubric, m)


def reason_choices(rubric: Rubric, f: Field) -> list[str] | None:
    """The drop-down of a field holding one milestone's reason: the exceptions its limit allows, each with the
    paragraph that allows it ("Exceptional personal circumstances (reg 5(4)(b))"); typing another reason is allowed."""
    m = rubric.reason_fields.get(f.id)
    if m is None or not m.excused_by or rubric.exceptions is None:
        return None
    out = []
    for rid, paragraph in m.excused_by.items():
        r = rubric.exceptions.reason(rid)
        if r is not None:
            out.append(f"{r.label} ({paragraph})" if paragraph else r.label)
    return out


def wants(rubric: Rubric, thing: Field | Item | Milestone | Comment) -> str:
    """What a column wants, in one line, for the Instructions sheet and the cell's input message."""
    if isinstance(thing, Item):
        text = "One of: " + ", ".join(answers_for(rubric, thing) or [])
        if thing.multi:
            text = "One or more of (separated by ;): " + ", ".join(answers_for(rubric, thing) or [])
        if thing.applies_if is not None:
            text += f". Counts only when {describe_condition(rubric, thing.applies_if)}"
        return text + "."
    if isinstance(thing, Milestone):
        text = f"The date it happened (dd/mm/yyyy); {_due_words(rubric, thing)}"
        text += (
            f" ({thing.citation})" if thing.kind == "statutory" and thing.citation else " (a local target)"
        )
        if thing.applies_if is not None:
            text += f". Counts only when {describe_condition(rubric, thing.applies_if)}"
        return text + "."
    if isinstance(thing, Comment):
        return "Free text." + (" Actions are listed in the report." if thing.actions else "")
    kinds = {
        FieldType.text: "Text",
        FieldType.date: "A date, dd/mm/yyyy (3 April 2025 is 03/04/2025)",
        FieldType.integer: "A whole number",
        FieldType.nhs_number: "The 10-digit NHS number (spaces allowed: 943 476 5919)",
        FieldType.upn: "The 13-character unique pupil number (a letter then 12 digits)",
    }
    text = kinds[thing.type]
    owner = rubric.reason_fields.get(thing.id)
    if owner is not None:
        text = (
            f'Why "{owner.text}" was late, if it was. Only the exceptions in the list excuse it ({owner.citation})'
            if owner.excused_by
            else f'Why "{owner.text}" was late, if it was: recorded; nothing excuses a local target'
        )
    choices = thing.choices or (reason_choices(rubric, thing) if owner is not None else None)
    if choices:
        text += "; choose from the list, or type another: " + ", ".join(choices)
    if thing.pii:
        text += ". Personal data: never shown in reports"
    return text + "."


_KINDS: dict[type, str] = {Field: "field", Item: "item", Milestone: "milestone", Comment: "comment"}


def _kind(thing: object) -> str:
    return _KINDS[type(thing)]


def _width(thing: Field | Item | Milestone | Comment) -> float:
    if isinstance(thing, Comment):
        return 50
    if isinstance(thing, Milestone) or (isinstance(thing, Field) and thing.type == FieldType.date):
        return max(14, min(30, len(thing.text) / 3 + 4))
    if isinstance(thing, Field):
        return max(16, min(34, len(thing.text) / 2 + 4))
    return max(16, min(40, len(thing.text) / 4 + 8))


def _inline_ok(values: list[str]) -> bool:
    """Excel keeps an inline list in one string of at most 255 characters, commas separating the values."""
    return all("," not in v and '"' not in v for v in values) and len(",".join(values)) <= 255


class _Lists:
    """A hidden sheet holding the drop-down lists too long (or too full of commas) to write inline."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.ws: Worksheet | None = None  # added with the first list that needs it
        self.col = 0

    def source(self, name: str, values: list[str]) -> list[str] | str:
        if _inline_ok(values):
            return values
        ws = self.ws
        if ws is None:
            ws = self.ws = self.wb.add_worksheet(LISTS_SHEET)
            ws.hide()
        ws.write_string(0, self.col, name)
        for r, v in enumerate(values, start=1):
            ws.write_string(r, self.col, v)
        ws.set_column(self.col, self.col, 40)
        letter = column_letter(self.col)
        self.col += 1
        return f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"


def _is_date(thing: Field | Item | Milestone | Comment) -> bool:
    return isinstance(thing, Milestone) or (isinstance(thing, Field) and thing.type == FieldType.date)


REQUIRED_MARK = " *"  # after a required column's header; the score's header matching ignores it


def is_required(thing: Field | Item | Milestone | Comment) -> bool:
    """A column every audit must fill in (a question that applies only to some audits: every audit it applies to)."""
    return bool(getattr(thing, "required", False))


def header_of(thing: Field | Item | Milestone | Comment) -> str:
    """The column's header: the rubric's text, marked `` *`` when the column is required."""
    return thing.text + (REQUIRED_MARK if is_required(thing) else "")


def _prompt_title(thing: Field | Item | Milestone | Comment) -> str:
    """The title of the prompt Excel shows on a cell (at most 32 characters): the column's words, not its id."""
    text = " ".join(thing.text.split())
    return text if len(text) <= 32 else text[:31].rstrip() + "…"


def _validation(rubric: Rubric, thing: Field | Item | Milestone | Comment, lists: _Lists) -> dict:
    """The data validation of one column: a drop-down, a date or number check, and always an input message."""
    dv: dict = {"input_title": _prompt_title(thing), "input_message": _input_message(rubric, thing)}
    answers = answers_for(rubric, thing)
    if answers:
        enforced = (
            isinstance(thing, Item) and not thing.multi
        )  # field choices and multi-answer items are offered, not enforced
        dv.update({"validate": "list", "source": lists.source(thing.id, answers), "show_error": enforced})
        if enforced:
            dv.update(
                {
                    "error_title": "Not one of the answers",
                    "error_message": _clip("Choose one of: " + ", ".join(answers)),
                }
            )
    elif _is_date(thing):
        dv.update(
            {
                "validate": "date",
                "criteria": "between",
                "minimum": date(1900, 1, 1),
                "maximum": date(2099, 12, 31),
                "error_title": "Not a date",
                "error_message": "Type a date as dd/mm/yyyy, day first: 3 April 2025 is 03/04/2025.",
            }
        )
    elif isinstance(thing, Field) and thing.type == FieldType.integer:
        dv.update(
            {
                "validate": "integer",
                "criteria": "between",
                "minimum": -9,
                "maximum": 99999,
                "error_title": "Not a whole number",
                "error_message": "Type a whole number.",
            }
        )
    else:
        dv["validate"] = "any"
    return dv


def write_form(
    rubric: Rubric, target: str | Path, *, inputs: Iterable[str | Path | None] = ()
) -> FormSummary:
    """Write a blank audit workbook for ``rubric`` to ``target`` (an .xlsx file), atomically."""
    import xlsxwriter

    from qactl.sheets.writer import atomic_output
    from qactl.sheets.xlsx import properties

    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(
            f"The form is an Excel workbook: give an output name ending in .xlsx, not {target.name!r}."
        )
    columns = rubric.columns()
    summary: FormSummary = {
        "path": str(target),
        "rubric": rubric.id,
        "version": rubric.version,
        "sheet": AUDIT_SHEET,
        "columns": [],
    }
    with atomic_output(target, inputs=inputs) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), _WORKBOOK_OPTIONS)
        wb.set_properties(
            properties(
                f"{rubric.title} ({rubric.id} {rubric.version})",
                "Written by qactl form",
                subject="Blank audit form",
            )
        )
        header_fmt = wb.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
        )
        required_fmt = wb.add_format({"bold": True, "font_color": "#C00000"})
        date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
        text_fmt = wb.add_format(
            {"num_format": "@"}
        )  # NHS numbers and UPNs stay text: no lost digits, no 9.43E+09
        wrap_fmt = wb.add_format({"text_wrap": True, "valign": "top"})
        ws = wb.add_worksheet(AUDIT_SHEET)
        guide = wb.add_worksheet(INSTRUCTIONS_SHEET)
        lists = _Lists(wb)
        lines = 2
        for col, thing in enumerate(columns):
            width = _width(thing)
            is_text_id = isinstance(thing, Field) and thing.type in (FieldType.nhs_number, FieldType.upn)
            fmt = (
                date_fmt
                if _is_date(thing)
                else text_fmt
                if is_text_id
                else wrap_fmt
                if isinstance(thing, Comment)
                else None
            )
            ws.set_column(col, col, width, fmt)
            if is_required(thing):
                ws.write_rich_string(0, col, header_fmt, thing.text, required_fmt, REQUIRED_MARK, header_fmt)
            else:
                ws.write_string(0, col, thing.text, header_fmt)
            lines = max(lines, math.ceil(len(header_of(thing)) * 1.15 / max(width - 1, 1)))
            ws.data_validation(1, col, LAST_ROW, col, _validation(rubric, thing, lists))
            summary["columns"].append(
                {
                    "letter": column_letter(col),
                    "header": header_of(thing),
                    "kind": _kind(thing),
                    "id": thing.id,
                    "answers": answers_for(rubric, thing),
                }
            )
        ws.set_row(0, min(409, 15 * lines))  # tall enough for the longest wrapped question
        ws.freeze_panes(1, 0)
        if columns:
            ws.autofilter(0, 0, 0, len(columns) - 1)
        ws.activate()
        _instructions(wb, guide, rubric, columns, header_fmt, wrap_fmt)
        from qactl.sheets.xlsx import page_setup

        page_setup(
            ws, landscape=True, repeat=0, fit=False
        )  # a column per question: printed at its size, across
        page_setup(guide, landscape=True, repeat=None)
        try:
            wb.close()
        except Exception as e:  # xlsxwriter's FileCreateError and friends
            raise OutputError(f"Cannot write {target}: {e}") from None
    return summary


def _clip(text: str, n: int = 255) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _input_message(rubric: Rubric, thing: Field | Item | Milestone | Comment) -> str:
    guidance = (getattr(thing, "guidance", None) or "").strip()
    text = ("Required. " if is_required(thing) else "") + wants(rubric, thing)
    if guidance:  # the question first for items (the answers are in the list), the rule first for the rest
        text = f"{guidance}\n{text}" if isinstance(thing, Item) else f"{text}\n{guidance}"
    return _clip(text)


def _instructions(wb, ws, rubric: Rubric, columns: list, header_fmt, wrap_fmt) -> None:
    from qactl.sheets.xlsx import lines_needed

    title_fmt = wb.add_format({"bold": True, "font_size": 14})
    bold = wb.add_format({"bold": True})
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 45)
    ws.set_column(2, 2, 11)
    ws.set_column(3, 3, 50)
    ws.set_column(4, 4, 60)
    ws.set_column(5, 5, 10)
    row = 0
    ws.write_string(row, 0, f"{rubric.title}", title_fmt)
    row += 1
    for label, value in (
        ("Rubric", f"{rubric.id}, version {rubric.version}"),
        ("Source", rubric.source),
        ("About", (rubric.description or "").strip()),
    ):
        if value:
            ws.write_string(row, 0, label, bold)
            ws.write_string(row, 1, value)
            row += 1
    row += 1
    steps = [
        f"Fill in one row per audit on the {AUDIT_SHEET} sheet. Do not change the headers: `qactl score` reads them.",
        "Choose answers from each cell's drop-down list. Type dates day first, as dd/mm/yyyy (3 April 2025 is 03/04/2025).",
        "Fill in every column marked * (required). Answer every question; use N/A where the list offers it. A question that counts only in some audits (see 'What it wants') may be left blank in the others.",
        f"Then run: qactl score {rubric.id} THIS-FILE.xlsx -o scored.xlsx",
    ]
    ws.write_string(row, 0, "How to fill it in", bold)
    row += 1
    for i, s in enumerate(steps, 1):
        ws.write_string(row, 0, f"{i}.")
        ws.write_string(row, 1, s)
        row += 1
    row += 1
    for col, head in enumerate(("Column", "Header", "Kind", "What it wants", "Guidance", "Required")):
        ws.write_string(row, col, head, header_fmt)
    row += 1
    for col, thing in enumerate(columns):
        kind = _kind(thing)
        if isinstance(thing, Item):
            kind = f"question ({thing.section})"
        required = getattr(thing, "required", False)
        cells = [
            (1, thing.text, 45),
            (2, kind, 11),
            (3, wants(rubric, thing), 50),
            (4, (getattr(thing, "guidance", None) or "").strip(), 60),
        ]
        ws.write_string(row, 0, column_letter(col), wrap_fmt)
        for c, text, _ in cells:
            ws.write_string(row, c, text, wrap_fmt)
        ws.write_string(row, 5, "yes" if required else "", wrap_fmt)
        ws.set_row(row, 15 * max(lines_needed(text, width) for _, text, width in cells))
        row += 1
    row += 1
    if rubric.scales:
        ws.write_string(row, 0, "Answer scales", bold)
        row += 1
        for col, head in enumerate(("Scale", "Answer", "Points", "Also accepted")):
            ws.write_string(row, col, head, header_fmt)
        row += 1
        for name, scale in rubric.scales.items():
            name = name.replace(
                "_", " "
            ).capitalize()  # the scale's name in words: yes_partly_no → Yes partly no
            for ch in scale.choices:
                ws.write_string(row, 0, name)
                ws.write_string(row, 1, ch.label)
                ws.write_number(row, 2, ch.points)
                ws.write_string(row, 3, ", ".join(ch.aliases))
                row += 1
            if scale.na is not None:
                ws.write_string(row, 0, name)
                ws.write_string(row, 1, scale.na.label)
                ws.write_string(row, 2, "not counted")
                ws.write_string(row, 3, ", ".join(scale.na.aliases) + " (only where the question allows it)")
                row += 1
        row += 1
    g = rubric.grading
    ws.write_string(row, 0, "Grading", bold)
    if g.method == "rag":
        how = (
            "Each answer at the bottom of its scale is red, each between bottom and top amber. The rating is the first "
            "band whose limits the red and amber answers stay within:"
        )
    else:
        how = (
            "Score = 100 × points given ÷ points available, over the questions that apply"
            + (", sections weighted" if g.section_weights else "")
            + (
                "; each date on time counts as a question met, statutory limits and local targets apart"
                if g.method == "compliance"
                else ""
            )
            + ". The grade is the first band the score reaches:"
        )
    ws.write_string(row, 1, how, wrap_fmt)
    row += 1
    for b in g.bands:
        ws.write_string(row, 1, b.grade)
        ws.write_string(row, 2, g.rule_of(b))
        row += 1
    for lim in g.limits:
        ws.write_string(
            row, 1, f"At most {lim.max_grade} when {describe_condition(rubric, lim.if_)}", wrap_fmt
        )
        row += 1
    if rubric.exceptions:
        row += 1
        ws.write_string(row, 0, "Exceptions", bold)
        ws.write_string(
            row,
            1,
            "A late date is excused (out of the statutory timeliness figures) only by an exception its own "
            "time limit allows; nothing excuses a local target:",
            wrap_fmt,
        )
        row += 1
        for r in rubric.exceptions.reasons:
            allowed = [
                f"{m.text} ({p or m.citation})"
                for m in rubric.milestones
                if r.id in m.excused_by
                for p in [m.excused_by[r.id]]
            ]
            ws.write_string(row, 1, r.label, wrap_fmt)
            ws.write_string(row, 3, "excuses: " + ("; ".join(allowed) or "no date of this rubric"), wrap_fmt)
            row += 1
