"""The scored workbook (``qactl score … -o FILE.xlsx``), for the team leader who opens it.

Sheets, in order, each answering one question:

* **Summary**: how did this round go? For an audit: the grades (beside last round's with ``--previous``),
  the weakest criteria, statutory timeliness, and the errors to fix with their cells. For a survey or a
  conversation: how people answered each question (no grades: they are not judgements of work).
* **Audits**: one row per audit, headed in the rubric's words (each header's comment gives the column's id,
  so a script can still find it); reference, status and errors first; scores, grades, dates typed as dates.
* **Errors**: every cell to fix, each linked to its audit's row.
* **Items**: each question's answers counted; each statutory date's outcomes counted.
* **About**: the file, the rubric, how the score is worked out, what was left out, in plain words.

Written with xlsxwriter: text is never turned into a formula, a number or a link. Up to ``TABLE_MAX_ROWS``
audits the Audits and Errors sheets are Excel tables (built in memory); above, the workbook is written in
constant memory with filtered ranges instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qactl.results import Audit, Summary
from qactl.rubric.models import FieldType, Rubric

if TYPE_CHECKING:
    from qactl.statutory.timeliness import Figures, Timeliness

TABLE_MAX_ROWS = (
    25_000  # above this, the Audits sheet is a filtered range, not a table, written in constant memory
)
WEAKEST = 5  # criteria listed on the Summary
ERRORS_ON_SUMMARY = 15

STATUS_WORDS = {"scored": "Scored", "error": "Errors to fix", "duplicate": "Duplicate (not counted)"}
MILESTONE_WORDS = {
    "on_time": "On time",
    "late": "Late",
    "missing": "No date, overdue",
    "exception": "Late, with an allowed reason",
    "not_due": "Not yet due",
    "not_applicable": "Does not apply",
    "unknown": "Due date unknown",
}
FORMS_WORDS = {
    "forms_id": "Forms: response number",
    "start_time": "Forms: started",
    "completion_time": "Forms: completed",
    "respondent_email": "Forms: respondent's email",
    "respondent": "Forms: respondent",
    "last_modified_time": "Forms: last changed",
}
_FORMS_TIMES = ("start_time", "completion_time", "last_modified_time")


def words(value: str, table: dict[str, str]) -> str:
    """An internal value in words: from ``table``, else its underscores as spaces, capitalised."""
    return table.get(value) or value.replace("_", " ").capitalize()


# ------------------------------------------------------------------------------------------------
# Last round, for --previous
# ------------------------------------------------------------------------------------------------


@dataclass
class Previous:
    """What the Summary shows of last round: its grades and each criterion's share fully met."""

    file: str
    round: str | None
    grades: dict[str, int]
    graded: int
    top: dict[str, int] = field(default_factory=dict)  # item → audits where it was fully met
    applies: dict[str, int] = field(default_factory=dict)  # item → audits where it applied
    timely: Timeliness | None = (
        None  # its timeliness (qactl.statutory.timeliness), when comparable with this round's
    )
    notes: list[str] = field(default_factory=list)

    def share(self, item: str) -> float | None:
        n = self.applies.get(item, 0)
        return self.top.get(item, 0) / n if n else None


def read_previous(path: str | Path, rubric: Rubric) -> Previous:
    """Last round's scored file of the same rubric. Raises :class:`UsageError` for another rubric's file."""
    from qactl.errors import UsageError
    from qactl.results import read_scored

    path = Path(path)
    doc = read_scored(path)
    rid = doc["rubric"]["id"]
    if rid != rubric.id:
        raise UsageError(
            f"--previous {path.name} holds {rid} audits, and this export is scored as {rubric.id}. "
            f"Give last round's {rubric.id} scored file (.json or .jsonl)."
        )
    from qactl.statutory.timeliness import timeliness

    prev = Previous(
        file=path.name,
        round=doc.get("round"),
        grades=dict(doc["summary"]["grades"]),
        graded=sum(doc["summary"]["grades"].values()),
    )
    if rubric.milestones:
        t = timeliness(doc, doc["audits"])
        if t["comparable"]:
            prev.timely = t
        else:
            prev.notes += [f"Last round ({path.name}): {n}" for n in t["notes"]]
    for a in doc["audits"]:
        if a["status"] != "scored":
            continue
        for iid, ans in a["answers"].items():
            if ans["applies"]:
                prev.applies[iid] = prev.applies.get(iid, 0) + 1
                if ans["points"] is not None and ans["max"] is not None and ans["points"] >= ans["max"]:
                    prev.top[iid] = prev.top.get(iid, 0) + 1
    return prev


# ------------------------------------------------------------------------------------------------
# Counting as the audits stream past
# ------------------------------------------------------------------------------------------------


class Counts:
    """Per question: answers given, audits where it applied and where it was fully met; per date: outcomes."""

    def __init__(self, rubric: Rubric) -> None:
        self.answers: dict[str, dict[str, int]] = {i.id: {} for i in rubric.items}
        self.top: dict[str, int] = {i.id: 0 for i in rubric.items}
        self.applies: dict[str, int] = {i.id: 0 for i in rubric.items}
        self.not_counted: dict[str, int] = {
            i.id: 0 for i in rubric.items
        }  # answered, but the question did not apply
        self.blank: dict[str, int] = {i.id: 0 for i in rubric.items}
        from qactl.results import rubric_schema
        from qactl.statutory.timeliness import Tally

        self.timely = Tally(
            rubric_schema(rubric)
        )  # this qactl's own file: its milestones' kinds as the schema gives them
        self.scored = 0
        na = {s.na.label for s in rubric.scales.values() if s.na is not None}
        self.na_labels = na

    def add(self, a: Audit) -> None:
        self.timely.add(a)
        if a["status"] != "scored":
            return
        self.scored += 1
        for iid, ans in a["answers"].items():
            if iid not in self.answers:
                continue
            label = ans["answer"]
            if label is None:
                self.blank[iid] += 1
                continue
            self.answers[iid][label] = self.answers[iid].get(label, 0) + 1
            if ans["applies"]:
                self.applies[iid] += 1
                if ans["points"] is not None and ans["max"] is not None and ans["points"] >= ans["max"]:
                    self.top[iid] += 1
            elif label not in self.na_labels:
                self.not_counted[iid] += 1


# ------------------------------------------------------------------------------------------------
# The Audits sheet's columns
# ------------------------------------------------------------------------------------------------


@dataclass
class Col:
    header: str
    note: str  # the header's comment: the id, and the whole text when the header is cut
    width: float
    get: Any  # audit → value
    fmt: str = "text"  # a Styles attribute


def _columns(rubric: Rubric, field_keys: list[str], graded: bool) -> list[Col]:
    from qactl.sheets.xlsx import as_date, clip_header

    cols = [
        Col("Row in the export", "row", 9, lambda a: a["row"], "int"),
        Col(
            "Reference",
            "ref: the audit's pseudonymous reference (the same child has the same one in every round)",
            14,
            lambda a: a["ref"],
        ),
        Col("Status", "status", 15, lambda a: words(a["status"], STATUS_WORDS)),
        Col(
            "Errors to fix",
            "errors",
            36,
            lambda a: "; ".join(f"{e['cell']}: {e['message']}" for e in a["errors"]) or None,
            "wrap",
        ),
    ]
    if graded:
        cols += [
            Col("Score", "score (0 to 100)", 8, lambda a: a["score"], "score"),
            Col("Grade", "grade", 20, lambda a: a["grade"]),
        ]
    cols.append(Col("Audit date", "audit_date", 11, lambda a: as_date(a.get("audit_date")), "date"))
    cols.append(Col("Duplicate of row", "duplicate_of", 10, lambda a: a.get("duplicate_of"), "int"))
    if graded:
        sections = rubric.sections + rubric.milestone_sections  # statutory limits and local targets apart
        for s in sections:
            cols.append(
                Col(
                    clip_header(f"{s}: section score"),
                    f"section: {s}",
                    12,
                    lambda a, s=s: (a["sections"].get(s) or {}).get("score"),
                    "score",
                )
            )
    na = {sc.na.label for sc in rubric.scales.values() if sc.na is not None}
    for i in rubric.items:

        def answer(a, iid=i.id):
            ans = a["answers"].get(iid) or {}
            label = ans.get("answer")
            if label is not None and not ans.get("applies") and label not in na and ans.get("points") is None:
                return f"{label} (does not apply: not counted)"
            return label

        cols.append(Col(clip_header(i.text), f"{i.id}: {i.text}", 18, answer, "wrap"))
    for m in rubric.milestones:

        def ms(a, key, mid=m.id):
            return (a["milestones"].get(mid) or {}).get(key)

        cols += [
            Col(
                clip_header(f"{m.text}: due"),
                f"{m.id} due",
                11,
                lambda a, ms=ms: as_date(ms(a, "due")),
                "date",
            ),
            Col(
                clip_header(f"{m.text}: date"),
                f"{m.id} actual",
                11,
                lambda a, ms=ms: as_date(ms(a, "actual")),
                "date",
            ),
            Col(
                clip_header(f"{m.text}: on time?"),
                f"{m.id} status",
                14,
                lambda a, ms=ms: words(ms(a, "status"), MILESTONE_WORDS) if ms(a, "status") else None,
            ),
            Col(
                clip_header(f"{m.text}: days late"),
                f"{m.id} days late",
                9,
                lambda a, ms=ms: ms(a, "days_late"),
                "int",
            ),
        ]
    for k in field_keys:
        f = rubric.field(k)
        if f is not None:
            dated = f.type == FieldType.date
            cols.append(
                Col(
                    clip_header(f.text),
                    f"{f.id}: {f.text}",
                    11 if dated else 18,
                    (lambda a, k=k: as_date(a["fields"].get(k)))
                    if dated
                    else (lambda a, k=k: a["fields"].get(k)),
                    "date" if dated else "text",
                )
            )
        elif k in FORMS_WORDS:
            cols.append(
                Col(
                    FORMS_WORDS[k],
                    k,
                    16 if k in _FORMS_TIMES else 18,
                    (lambda a, k=k: as_date(a["fields"].get(k)))
                    if k in _FORMS_TIMES
                    else (lambda a, k=k: a["fields"].get(k)),
                    "datetime" if k in _FORMS_TIMES else "text",
                )
            )
        else:  # an unknown column of the export, kept with --include-pii: its own header
            cols.append(
                Col(
                    clip_header(k),
                    f"a column of the export not in the rubric: {k}",
                    18,
                    lambda a, k=k: a["fields"].get(k),
                )
            )
    for c in rubric.comments:
        cols.append(
            Col(
                clip_header(c.text),
                f"{c.id}: {c.text}",
                40,
                lambda a, cid=c.id: a["comments"].get(cid),
                "wrap",
            )
        )
    return cols


# ------------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------------


def _spool(audits: Iterable[Audit]) -> tuple[Any, int]:
    """Audits to a temporary JSON Lines file (constant memory), and how many there are."""
    import tempfile

    from qactl.results import encode_audit

    f = tempfile.TemporaryFile("w+b")
    n = 0
    for a in audits:
        f.write(encode_audit(a) + b"\n")
        n += 1
    f.seek(0)
    return f, n


def write_workbook(
    tmp: Path,
    audits: Iterable[Audit],
    summary_of,
    rubric: Rubric,
    field_keys: list[str],
    about: dict[str, Any],
    previous: Previous | None = None,
) -> None:
    """Write the scored workbook to ``tmp`` (a path staged by the output transaction)."""
    import xlsxwriter

    from qactl.sheets.xlsx import WORKBOOK_OPTIONS, Styles, properties

    spool, count = _spool(audits)
    big = count > TABLE_MAX_ROWS
    graded = rubric.purpose == "audit"
    wb = xlsxwriter.Workbook(str(tmp), {**WORKBOOK_OPTIONS, "constant_memory": big})
    wb.set_properties(
        properties(f"{rubric.title}: {about.get('round') or 'scored audits'}", "Written by qactl score")
    )
    st = Styles(wb)
    summary_ws = wb.add_worksheet("Summary")
    audits_ws = wb.add_worksheet("Audits" if graded else "Responses")
    errors_ws = wb.add_worksheet("Errors")
    items_ws = wb.add_worksheet("Questions" if not graded else "Items")
    about_ws = wb.add_worksheet("About")
    cols = _columns(rubric, field_keys, graded)
    counts = Counts(rubric)
    errors: list[
        tuple[int, Audit, dict]
    ] = []  # (sheet row, audit, error) of the first errors, for the Summary
    with spool:
        rows, n_errors = _audits_sheet(
            audits_ws, (json.loads(line) for line in spool), cols, rubric, st, big, counts, errors, errors_ws
        )
    summary = summary_of()
    _summary_sheet(
        summary_ws, rubric, summary, counts, errors, n_errors, about, previous, st, audits_ws.name, graded
    )
    _items_sheet(items_ws, rubric, counts, st)
    _about_sheet(about_ws, rubric, summary, about, st, big, count)
    summary_ws.activate()
    wb.close()


def _fmt(st, name: str):
    return getattr(st, name)


def _audits_sheet(
    ws, audits, cols: list[Col], rubric: Rubric, st, big: bool, counts: Counts, first_errors: list, errs
) -> tuple[int, int]:
    from qactl.sheets.xlsx import EXCEL_MAX_LINKS, header_height, lines_needed, page_setup, put, unique

    headers = unique([c.header for c in cols])
    if big:
        ws.write_row(0, 0, headers, st.header)
    for k, c in enumerate(cols):
        ws.set_column(k, k, c.width)
        ws.write_comment(0, k, f"Column: {c.note}", {"x_scale": 2, "y_scale": 1.5})
    ws.set_row(0, header_height(headers, [c.width for c in cols], lines_max=5))
    fmts = [_fmt(st, c.fmt) for c in cols]
    err_head = [
        "Row in the export",
        "Reference",
        "Cell in the export",
        "Column in the export",
        "Question",
        "Value found",
        "What to fix",
    ]
    if big:
        errs.write_row(0, 0, err_head, st.header)
    texts = {t.id: t.text for t in rubric.columns()} | FORMS_WORDS
    r = 0
    er = 0
    links = 0
    wrapped = [k for k, c in enumerate(cols) if c.fmt == "wrap"]
    for a in audits:
        r += 1
        values = [c.get(a) for c in cols]
        lines = max((lines_needed(values[k], cols[k].width) for k in wrapped if values[k]), default=1)
        if (
            lines > 1
        ):  # tall enough for the errors and answers; a long comment shows its first lines (the cell holds it all)
            ws.set_row(r, 15 * min(lines, 4))
        for k, v in enumerate(values):
            put(ws, r, k, v, st, fmts[k])
        counts.add(a)
        for e in a["errors"]:
            er += 1
            if len(first_errors) < ERRORS_ON_SUMMARY:
                first_errors.append((r, a, e))
            if links < EXCEL_MAX_LINKS:
                errs.write_url(er, 0, f"internal:'{ws.name}'!A{r + 1}", st.link, string=f"Row {a['row']}")
                links += 1
            else:
                errs.write_string(er, 0, f"Row {a['row']}")
            for k, v in enumerate(
                [a["ref"], e["cell"], e["column"], texts.get(e["item"], e["item"]), e["value"], e["message"]],
                start=1,
            ):
                put(errs, er, k, v, st, st.wrap if k in (4, 6) else st.text)
    last_col = len(cols) - 1
    if big:
        ws.autofilter(0, 0, max(r, 1), last_col)
        errs.autofilter(0, 0, max(er, 1), len(err_head) - 1)
    else:
        ws.add_table(
            0,
            0,
            max(r, 1),
            last_col,
            {
                "columns": [{"header": h, "header_format": st.header} for h in headers],
                "style": "Table Style Light 1",
                "name": "Audits",
            },
        )
        errs.add_table(
            0,
            0,
            max(er, 1),
            len(err_head) - 1,
            {
                "columns": [{"header": h, "header_format": st.header} for h in err_head],
                "style": "Table Style Light 1",
                "name": "Errors",
            },
        )
    ws.freeze_panes(1, 2)
    headers_l = [c.header for c in cols]
    if "Grade" in headers_l:
        g = headers_l.index("Grade")
        grades = [b.grade for b in rubric.grading.bands]
        for k, grade in enumerate(grades):
            ws.conditional_format(
                1,
                g,
                max(r, 1),
                g,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": '"' + grade.replace('"', '""') + '"',
                    "format": st.grade_rule(k, len(grades)),
                },
            )
    ws.conditional_format(
        1, 2, max(r, 1), 2, {"type": "cell", "criteria": "==", "value": '"Errors to fix"', "format": st.warn}
    )
    page_setup(ws, landscape=True, repeat=0, columns="A:B")
    for k, w in enumerate([11, 14, 16, 24, 36, 20, 60]):
        errs.set_column(k, k, w)
    errs.freeze_panes(1, 1)
    page_setup(errs, landscape=True, repeat=0)
    return r, er


def _heading(ws, row: int, text: str, st) -> int:
    ws.write_string(row, 0, text, st.subtitle)
    return row + 1


def _summary_sheet(
    ws,
    rubric: Rubric,
    s: Summary,
    counts: Counts,
    errors: list,
    n_errors: int,
    about: dict,
    prev: Previous | None,
    st,
    audits_sheet: str,
    graded: bool,
) -> None:
    from qactl.sheets.xlsx import page_setup, put

    ws.set_column(0, 0, 58)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 8, 13)
    title = rubric.title + (f": {about['round']}" if about.get("round") else "")
    ws.write_string(0, 0, title, st.title)
    line = f"Scored from {about['source']} (sheet {about['sheet']}) on {about['when']}"
    if prev is not None:
        line += f", beside last round ({prev.round or prev.file})"
    ws.write_string(1, 0, line + ".", st.text)
    row = 3
    what = "Audits" if graded else "Responses"
    row = _heading(ws, row, what, st)
    facts = [
        (f"{what} in the export", s["rows"]),
        ("Scored" if graded else "Counted", s["scored"]),
        ("With errors to fix (not scored until corrected)", s["with_errors"]),
    ]
    ungraded = s["scored"] - sum(s["grades"].values())
    if graded and ungraded > 0:
        facts.append(
            (
                "Scored, but with nothing yet to grade (nothing applied, or every date not yet due or an exception)",
                ungraded,
            )
        )
    if s.get("duplicates"):
        facts.append(("Duplicate submissions (not counted)", s["duplicates"]))
    for label, value in facts:
        ws.write_string(row, 0, label, st.wrap)
        put(ws, row, 1, value, st, st.int)
        _tall(ws, row, [(label, 58)])
        row += 1
    row += 1
    if graded:
        row = _grades(ws, row, rubric, s, prev, st)
        if rubric.items:
            row = _weakest(ws, row, rubric, counts, prev, st)
    if rubric.milestones:
        row = _timeliness(ws, row, counts.timely.result(), prev, st)
    else:
        row = _distributions(ws, row, rubric, counts, st)
    row = _errors_block(ws, row, rubric, errors, n_errors, st, audits_sheet)
    row = _heading(ws, row, "In this workbook", st)
    guide = [
        (
            audits_sheet,
            "one row per audit: reference, status, errors, score and grade, then every answer, headed by its question"
            if graded
            else "one row per response: every answer, headed by its question",
        ),
        ("Errors", "every cell to fix, with a link to its row"),
        (
            "Items" if graded else "Questions",
            "each question's answers counted"
            + ("; each statutory date's outcomes" if rubric.milestones else ""),
        ),
        ("About", "the file scored, the rubric, how the score is worked out, what was left out"),
    ]
    for name, text in guide:
        ws.write_string(row, 0, name, st.bold)
        ws.write_string(row, 1, text, st.text)
        row += 1
    page_setup(ws, landscape=False, repeat=None)


def _grades(ws, row: int, rubric: Rubric, s: Summary, prev: Previous | None, st) -> int:
    grades = [b.grade for b in rubric.grading.bands]
    graded = sum(s["grades"].values())
    row = _heading(ws, row, "Grades", st)
    head = ["Grade", "Audits", "Share"] + (["Last round", "Share then", "Change (points)"] if prev else [])
    ws.write_row(row, 0, head, st.header)
    ws.set_row(row, 30)
    row += 1
    for k, g in enumerate(grades):
        n = s["grades"].get(g, 0)
        ws.write_string(row, 0, g, st.grade(k, len(grades)))
        ws.write_number(row, 1, n, st.int)
        if graded:
            ws.write_number(row, 2, n / graded, st.pct)
        if prev is not None:
            p = prev.grades.get(g, 0)
            ws.write_number(row, 3, p, st.int)
            if prev.graded:
                ws.write_number(row, 4, p / prev.graded, st.pct)
                if graded:
                    ws.write_number(row, 5, round(100 * (n / graded - p / prev.graded), 1), st.change)
        row += 1
    ws.write_string(row, 0, "Graded audits", st.bold)
    ws.write_number(row, 1, graded, st.int)
    if prev is not None:
        ws.write_number(row, 3, prev.graded, st.int)
    row += 1
    if rubric.grading.limits:
        from qactl.forms import describe_condition

        for lim in rubric.grading.limits:
            ws.write_string(
                row,
                0,
                f"A grade is at most {lim.max_grade} when {describe_condition(rubric, lim.if_)}.",
                st.aside,
            )
            row += 1
    return row + 1


def _weakest(ws, row: int, rubric: Rubric, counts: Counts, prev: Previous | None, st) -> int:
    scored = [i for i in rubric.items if counts.applies[i.id]]
    order = {i.id: k for k, i in enumerate(rubric.items)}
    weakest = sorted(
        scored, key=lambda i: (counts.top[i.id] / counts.applies[i.id], -counts.applies[i.id], order[i.id])
    )
    weakest = [i for i in weakest if counts.top[i.id] < counts.applies[i.id]][:WEAKEST]
    row = _heading(ws, row, "Weakest criteria: the lowest shares fully met", st)
    if not weakest:
        ws.write_string(row, 0, "Every criterion that applied was fully met in every audit scored.", st.text)
        return row + 2
    head = ["Criterion", "Section", "Applied", "Fully met", "Share"] + (
        ["Share then", "Change (points)"] if prev else []
    )
    ws.write_row(row, 0, head, st.header)
    ws.set_row(row, 30)
    row += 1
    for i in weakest:
        share = counts.top[i.id] / counts.applies[i.id]
        ws.write_string(row, 0, i.text, st.wrap)
        ws.write_string(row, 1, i.section, st.wrap)
        ws.write_number(row, 2, counts.applies[i.id], st.int)
        ws.write_number(row, 3, counts.top[i.id], st.int)
        ws.write_number(row, 4, share, st.pct)
        then = prev.share(i.id) if prev is not None else None
        if then is not None:
            ws.write_number(row, 5, then, st.pct)
            ws.write_number(row, 6, round(100 * (share - then), 1), st.change)
        _tall(ws, row, [(i.text, 58), (i.section, 18)])
        row += 1
    return row + 1


KIND_WORDS = {"statutory": "Statutory limits (set by law)", "target": "Local targets"}


def _timeliness(ws, row: int, t: Timeliness, prev: Previous | None, st) -> int:
    """Timeliness as :mod:`qactl.statutory.timeliness` counts it: statutory limits and local targets apart, each date's figures.

    Dates excused by an exception the law allows are out of the share on time (as SEN2 counts); a local target is
    never excused and never mixed into the statutory share."""
    then = prev.timely if prev is not None else None
    row = _heading(ws, row, "Timeliness", st)
    ws.write_string(
        row,
        0,
        "The share on time is of the dates due; a date excused by an exception the law allows is left out of it.",
        st.aside,
    )
    row += 1
    head = ["", "Due", "On time", "Late", "No date, overdue", "Excused", "Share on time"] + (
        ["Share then"] if then else []
    )
    ws.write_row(row, 0, head, st.header)
    ws.set_row(row, 30)
    row += 1
    before = {m["id"]: m for m in then["milestones"]} if then else {}

    def line(label: str, f: Figures, was: Figures | None, fmt) -> None:
        nonlocal row
        ws.write_string(row, 0, label, fmt)
        for k, n in enumerate((f["due"], f["on_time"], f["late"], f["missing"], f["exception"]), start=1):
            ws.write_number(row, k, n, st.int)
        if f["rate"] is not None:
            ws.write_number(row, 6, f["rate"] / 100, st.pct)
        else:
            ws.write_string(row, 6, "none due", st.text)
        was_rate = was.get("rate") if was is not None else None
        if then and was_rate is not None:
            ws.write_number(row, 7, was_rate / 100, st.pct)
        _tall(ws, row, [(label, 58)])
        row += 1

    for kind in ("statutory", "target"):
        if t[kind]["milestones"]:
            line(KIND_WORDS[kind], t[kind], then[kind] if then else None, st.bold)
    for m in t["milestones"]:
        label = m["text"] + (f" ({m['limit']})" if m.get("limit") else "")
        if m.get("kind") == "target":
            label += ", a local target"
        line(label, m, before.get(m["id"]), st.wrap)
    for n in [*t["notes"], *(prev.notes if prev is not None else [])]:
        ws.write_string(row, 0, n, st.aside)
        row += 1
    return row + 1


def _tall(ws, row: int, texts: list[tuple[str, float]]) -> None:
    from qactl.sheets.xlsx import lines_needed

    n = max(lines_needed(t, w) for t, w in texts)
    if n > 1:
        ws.set_row(row, 15 * n)


def _distributions(ws, row: int, rubric: Rubric, counts: Counts, st) -> int:
    """How people answered each question: the share giving each answer, by scale (no scores, no grades)."""
    row = _heading(ws, row, "How people answered", st)
    ws.write_string(row, 0, f"The share of the {counts.scored} responses giving each answer.", st.aside)
    row += 1
    by_scale: dict[str, list] = {}
    for i in rubric.items:
        by_scale.setdefault(i.scale, []).append(i)
    for scale_id, items in by_scale.items():
        scale = rubric.scales[scale_id]
        labels = [c.label for c in scale.choices] + ([scale.na.label] if scale.na is not None else [])
        head = ["Question", *labels, "Blank"]
        ws.write_row(row, 0, head, st.header)
        ws.set_row(row, 32)
        row += 1
        section = None
        for i in items:
            if i.section != section:
                section = i.section
                ws.write_string(row, 0, section, st.bold)
                row += 1
            ws.write_string(row, 0, i.text, st.wrap)
            total = counts.scored
            for k, lab in enumerate(labels, start=1):
                n = counts.answers[i.id].get(lab, 0)
                if total:
                    ws.write_number(row, k, n / total, st.pct0)
            if total:
                ws.write_number(row, len(labels) + 1, counts.blank[i.id] / total, st.pct0)
            _tall(ws, row, [(i.text, 58)])
            row += 1
        row += 1
    return row


def _errors_block(ws, row: int, rubric: Rubric, errors: list, n_errors: int, st, audits_sheet: str) -> int:
    from qactl.sheets.xlsx import put

    row = _heading(ws, row, "Errors to fix", st)
    if not n_errors:
        ws.write_string(row, 0, "None: every cell could be read.", st.text)
        return row + 2
    ws.write_string(
        row,
        0,
        f"{n_errors} cell{'s' if n_errors != 1 else ''} to correct in the export, named as in the export; "
        "then score it again.",
        st.aside,
    )
    ws.write_string(row + 1, 0, "An audit with an error is not scored until it is corrected.", st.aside)
    row += 2
    ws.write_row(row, 0, ["What to fix", "Cell", "Row"], st.header)
    row += 1
    texts = {t.id: t.text for t in rubric.columns()} | FORMS_WORDS
    for sheet_row, a, e in errors:
        what = f"{texts.get(e['item'], e['item']).rstrip('.')}: {e['message']}"
        ws.write_string(row, 0, what, st.wrap)
        put(ws, row, 1, e["cell"], st, st.text)
        ws.write_url(row, 2, f"internal:'{audits_sheet}'!A{sheet_row + 1}", st.link, string=f"Row {a['row']}")
        _tall(ws, row, [(what, 58)])
        row += 1
    if n_errors > len(errors):
        ws.write_url(
            row,
            0,
            "internal:'Errors'!A1",
            st.link,
            string=f"and {n_errors - len(errors)} more on the Errors sheet",
        )
        row += 1
    return row + 1


def _items_sheet(ws, rubric: Rubric, counts: Counts, st) -> None:
    from qactl.sheets.xlsx import page_setup

    labels: list[str] = []
    for s in rubric.scales.values():
        for lab in [c.label for c in s.choices] + ([s.na.label] if s.na is not None else []):
            if lab not in labels and any(lab in counts.answers[i.id] for i in rubric.items):
                labels.append(lab)
    head = [
        "Question",
        "Section",
        "Applied",
        "Fully met",
        "Share fully met",
        *labels,
        "Answered, but did not apply (not counted)",
        "Blank",
    ]
    ws.write_row(0, 0, head, st.header)
    widths = [58, 22, 9, 9, 10] + [11] * len(labels) + [14, 8]
    for k, w in enumerate(widths):
        ws.set_column(k, k, w)
    from qactl.sheets.xlsx import header_height

    ws.set_row(0, header_height(head, widths))
    row = 0
    for i in rubric.items:
        row += 1
        n = counts.applies[i.id]
        ws.write_string(row, 0, i.text, st.wrap)
        ws.write_string(row, 1, i.section, st.wrap)
        ws.write_number(row, 2, n, st.int)
        ws.write_number(row, 3, counts.top[i.id], st.int)
        if n:
            ws.write_number(row, 4, counts.top[i.id] / n, st.pct)
        for k, lab in enumerate(labels, start=5):
            ws.write_number(row, k, counts.answers[i.id].get(lab, 0), st.int)
        ws.write_number(row, 5 + len(labels), counts.not_counted[i.id], st.int)
        ws.write_number(row, 6 + len(labels), counts.blank[i.id], st.int)
        _tall(ws, row, [(i.text, 58), (i.section, 22)])
    ws.freeze_panes(1, 1)
    if rubric.milestones:
        row += 2
        statuses = list(MILESTONE_WORDS)
        mhead = ["Statutory date", "Limit", *[MILESTONE_WORDS[s] for s in statuses]]
        ws.write_row(row, 0, mhead, st.header)
        ws.set_row(row, 32)
        for m in counts.timely.result()["milestones"]:
            row += 1
            ws.write_string(row, 0, m["text"], st.wrap)
            if m.get("limit"):
                ws.write_string(row, 1, m["limit"], st.wrap)
            for k, status in enumerate(statuses, start=2):
                ws.write_number(row, k, m.get(status, 0), st.int)
            _tall(ws, row, [(m["text"], 58), (m.get("limit") or "", 22)])
    page_setup(ws, landscape=True, repeat=0)


def _about_sheet(ws, rubric: Rubric, s: Summary, about: dict, st, big: bool, count: int) -> None:
    from qactl.forms import describe_condition
    from qactl.sheets.xlsx import page_setup, pairs

    g = rubric.grading
    bands = "; ".join(f"{b.grade}: {g.rule_of(b)}" for b in g.bands)
    how = (
        "Score = 100 × the points given ÷ the points available, each question weighted, over the questions that apply "
        "(N/A and questions that do not apply are left out), rounded half up to one decimal place."
        + (" Sections are weighted." if g.section_weights else "")
        + (
            " Each statutory date on time counts as one more criterion met."
            if g.method == "compliance"
            else ""
        )
    )
    items: list[tuple[str, Any]] = [
        (
            "What this is",
            f"The {'audits' if rubric.purpose == 'audit' else 'responses'} of {about['source']}, checked against the "
            f"rubric below{', scored and graded' if rubric.purpose == 'audit' else ' and counted'}.",
        ),
        ("Rubric", f"{rubric.title}, version {rubric.version}"),
        ("Where the rubric comes from", rubric.source),
        ("Export", f"{about['source']}, sheet {about['sheet']}"),
        ("Fingerprint of the export (SHA-256)", about["sha256"]),
        ("Round", about.get("round") or "(none given)"),
        ("Scored on", about["when"]),
    ]
    if rubric.purpose == "audit":
        items += [("How the score is worked out", how), ("Grades", bands + ".")]
        items += [
            ("Limit", f"A grade is at most {lim.max_grade} when {describe_condition(rubric, lim.if_)}.")
            for lim in g.limits
        ]
    items += [
        (
            "Personal data",
            "Fields marked personal in the rubric (names, dates of birth, NHS numbers, UPNs) are left out "
            + (
                "— except that this run kept them (--include-pii)."
                if about.get("include_pii")
                else "(qactl score --include-pii keeps them)."
            ),
        ),
        (
            "Columns of the export left out",
            (", ".join(about["ignored"]) + ": not in the rubric, so not copied (they may hold personal data)")
            if about.get("ignored")
            else "No column was left out.",
        ),
        ("Points per question", "In the .csv and .json that qactl score writes (-o scored.csv)."),
    ]
    if about.get("options"):
        items.append(("Options", about["options"]))
    items += [("Note", n) for n in s.get("notes", [])]
    if big:
        items.append(
            (
                "Note",
                f"{count:,} audits: the Audits sheet is a filtered range, not an Excel table (tables are built in memory).",
            )
        )
    items.append(("Written by", f"qactl {about['qactl']}"))
    ws.write_string(0, 0, "About this workbook", st.title)
    pairs(ws, 2, items, st, widths=(34, 100))
    page_setup(ws, landscape=False, repeat=None)
