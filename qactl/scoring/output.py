"""Writing scored audits in the format the output's suffix names, as they stream from the scorer.

* ``.json``: SPEC §5, via :func:`qactl.results.write_scored` (audits written as they come; the summary last);
* ``.jsonl``: the same content as JSON Lines: for national-scale runs;
* ``.csv``: one row per audit (UTF-8 with BOM so Excel reads accents): for national-scale runs and other tools.
  Every cell and header goes through the one CSV neutraliser (:mod:`qactl.sheets.csvcell`): text that starts with
  ``=``, ``+``, ``-`` (not a number), ``@``, a tab, a carriage return or a line feed gets a leading ``'`` so that
  Excel, opening the CSV, cannot take it for a formula;
* ``.xlsx``: for people: Audits (an Excel table with filters, frozen header, grades coloured and spelt out),
  Items (per criterion), Errors (per cell) and About. Written with xlsxwriter, strings never turned into
  formulas, numbers or links. Tables need xlsxwriter's normal mode (in memory): above ``TABLE_MAX_ROWS``
  audits the workbook is written in constant memory with a filtered range instead. Use ``.xlsx`` up to
  tens of thousands of audits, and ``.csv``/``.jsonl`` beyond.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from qactl.errors import UsageError
from qactl.results import Audit, ScoredHeader, Summary, write_scored
from qactl.rubric.models import Rubric
from qactl.sheets.csvcell import csv_cell, csv_row

SUFFIXES = (".json", ".jsonl", ".csv", ".xlsx")


def check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(f"Cannot write {path.name}: the output must end in .json, .jsonl, .csv or .xlsx (the suffix chooses the format).")
    return suffix


class Layout:
    """The columns of the flat formats (.csv, the Audits sheet), fixed before the first audit."""

    def __init__(self, rubric: Rubric, field_keys: list[str]) -> None:
        from qactl.scoring.score import TIMELINESS

        self.rubric = rubric
        self.sections = rubric.sections + ([TIMELINESS] if rubric.grading.method == "compliance" else [])
        self.field_keys = field_keys
        self.columns = ["row", "ref", "status", "score", "grade", "audit_date", "duplicate_of"]
        self.columns += [f"section: {s}" for s in self.sections]
        for i in rubric.items:
            self.columns += [i.id, f"{i.id} points"]
        for m in rubric.milestones:
            self.columns += [f"{m.id} due", f"{m.id} actual", f"{m.id} status", f"{m.id} days late"]
        self.columns += list(field_keys)
        self.columns += [c.id for c in rubric.comments]
        self.columns += ["errors"]
        self.item_ids = tuple(i.id for i in rubric.items)

    def csv_row(self, a: Audit) -> list[Any]:
        """``flat(a)`` as CSV cells (:func:`csv_cell`); the answers joined from the cells made once per distinct answer."""
        answers = a["answers"]
        if tuple(answers) != self.item_ids:
            return [csv_cell(v) for v in self.flat(a)]
        try:
            cells = [c for d in answers.values() for c in d.csv]
        except AttributeError:  # not the scorer's shared results
            return [csv_cell(v) for v in self.flat(a)]
        secs = a["sections"]
        head = [a["row"], a["ref"], a["status"], a["score"], a["grade"], a.get("audit_date"), a.get("duplicate_of")]
        head += [secs[s]["score"] if s in secs else None for s in self.sections]
        tail: list[Any] = []
        for m in self.rubric.milestones:
            ms = a["milestones"].get(m.id) or {}
            tail += [ms.get("due"), ms.get("actual"), ms.get("status"), ms.get("days_late")]
        fields, comments = a["fields"], a["comments"]
        tail += [fields.get(k) for k in self.field_keys]
        tail += [comments.get(c.id) for c in self.rubric.comments]
        tail.append("; ".join(f"{e['cell']} {e['value']!r}: {e['message']}" for e in a["errors"]) or None)
        return [csv_cell(v) for v in head] + cells + [csv_cell(v) for v in tail]

    def flat(self, a: Audit) -> list[Any]:
        out: list[Any] = [a["row"], a["ref"], a["status"], a["score"], a["grade"], a.get("audit_date"), a.get("duplicate_of")]
        out += [(a["sections"].get(s) or {}).get("score") for s in self.sections]
        for i in self.rubric.items:
            ans = a["answers"].get(i.id) or {}
            out += [ans.get("answer"), ans.get("points")]
        for m in self.rubric.milestones:
            ms = a["milestones"].get(m.id) or {}
            out += [ms.get("due"), ms.get("actual"), ms.get("status"), ms.get("days_late")]
        out += [a["fields"].get(k) for k in self.field_keys]
        out += [a["comments"].get(c.id) for c in self.rubric.comments]
        out += ["; ".join(f"{e['cell']} {e['value']!r}: {e['message']}" for e in a["errors"]) or None]
        return out


def write_output(tmp: Path, suffix: str, header: ScoredHeader, audits: Iterable[Audit],
                 summary_of: Callable[[], Summary], layout: Layout, about: dict[str, Any]) -> None:
    """Write to ``tmp`` (a temporary path from ``atomic_output``) in the format of ``suffix``."""
    if suffix in (".json", ".jsonl"):
        write_scored(tmp, header, audits, summary_of)
    elif suffix == ".csv":
        _write_csv(tmp, audits, layout)
    else:
        _write_xlsx(tmp, audits, summary_of, layout, about)


def _write_csv(tmp: Path, audits: Iterable[Audit], layout: Layout) -> None:
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(csv_row(layout.columns))  # with --include-pii, the export's own headers: neutralised like any cell
        w.writerows(layout.csv_row(a) for a in audits)


_GRADE_COLOURS = ["#C6EFCE", "#E2EFDA", "#FFEB9C", "#FFC7CE"]


class _ItemCounts:
    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.answers: dict[str, dict[str, int]] = {i.id: {} for i in rubric.items}
        self.top: dict[str, int] = {i.id: 0 for i in rubric.items}
        self.applies: dict[str, int] = {i.id: 0 for i in rubric.items}
        self.miles: dict[str, dict[str, int]] = {m.id: {} for m in rubric.milestones}

    def add(self, a: Audit) -> None:
        if a["status"] != "scored":
            return
        for iid, ans in a["answers"].items():
            label = ans["answer"] if ans["answer"] is not None else "(blank)"
            if not ans["applies"] and ans["answer"] is not None and ans["points"] is None:
                label = f"{label} (not applicable)" if label not in ("N/A",) else label
            self.answers[iid][label] = self.answers[iid].get(label, 0) + 1
            if ans["applies"]:
                self.applies[iid] += 1
                if ans["points"] is not None and ans["max"] is not None and ans["points"] >= ans["max"]:
                    self.top[iid] += 1
        for mid, ms in a["milestones"].items():
            self.miles[mid][ms["status"]] = self.miles[mid].get(ms["status"], 0) + 1


TABLE_MAX_ROWS = 25_000  # above this, the Audits sheet is a filtered range, not a table, written in constant memory


def _spool(audits: Iterable[Audit]) -> tuple[Any, int]:
    """Audits to a temporary JSON Lines file (constant memory), and how many there are."""
    import tempfile

    from qactl.results import encode_audit

    f = tempfile.TemporaryFile("w+", encoding="utf-8")
    n = 0
    for a in audits:
        f.write(encode_audit(a) + "\n")
        n += 1
    f.seek(0)
    return f, n


def _write_xlsx(tmp: Path, audits: Iterable[Audit], summary_of, layout: Layout, about: dict[str, Any]) -> None:
    """The workbook for people. Up to TABLE_MAX_ROWS audits the Audits sheet is an Excel table (built in memory,
    as xlsxwriter needs for tables); above, the workbook is written in constant memory and the sheet is a
    filtered range with a frozen header (the About sheet says so)."""
    import json

    import xlsxwriter

    spool, count = _spool(audits)
    big = count > TABLE_MAX_ROWS
    audits = (json.loads(line) for line in spool)
    rubric = layout.rubric
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                                        "constant_memory": big})
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("Audits")
    errs = wb.add_worksheet("Errors")
    items_ws = wb.add_worksheet("Items")
    about_ws = wb.add_worksheet("About")
    err_head = ["row", "ref", "cell", "column", "item", "value", "message"]
    errs.write_row(0, 0, err_head, bold)
    if big:
        ws.write_row(0, 0, _unique_headers(layout.columns), bold)
    erow = 0
    counts = _ItemCounts(rubric)
    r = 0
    for a in audits:
        r += 1
        for c, v in enumerate(layout.flat(a)):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v)
            elif isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
        for e in a["errors"]:
            erow += 1
            for c, v in enumerate([a["row"], a["ref"], e["cell"], e["column"], e["item"], e["value"], e["message"]]):
                if isinstance(v, int):
                    errs.write_number(erow, c, v)
                elif v is not None:
                    errs.write_string(erow, c, str(v))
        counts.add(a)
    spool.close()
    ncols = len(layout.columns)
    if big:
        ws.autofilter(0, 0, max(r, 1), ncols - 1)
        about = {**about, "note on Audits": f"{count} audits: a filtered range, not an Excel table (tables are built in memory)."}
    else:
        ws.add_table(0, 0, max(r, 1), ncols - 1, {
            "columns": [{"header": h} for h in _unique_headers(layout.columns)],
            "style": "Table Style Light 9", "name": "Audits",
        })
    ws.freeze_panes(1, 0)
    grade_col = layout.columns.index("grade")
    grades = [b.grade for b in rubric.grading.bands]
    for k, g in enumerate(grades):
        colour = _GRADE_COLOURS[min(round(k * (len(_GRADE_COLOURS) - 1) / max(len(grades) - 1, 1)), len(_GRADE_COLOURS) - 1)]
        ws.conditional_format(1, grade_col, max(r, 1), grade_col, {
            "type": "cell", "criteria": "==", "value": '"' + g.replace('"', '""') + '"',
            "format": wb.add_format({"bg_color": colour, "font_color": "#000000"}),
        })
    ws.set_column(0, 2, 10)
    ws.set_column(grade_col, grade_col, 20)
    errs.autofilter(0, 0, max(erow, 1), len(err_head) - 1)
    errs.freeze_panes(1, 0)
    errs.set_column(2, 6, 22)
    errs.set_column(6, 6, 80)

    # Items
    labels: list[str] = []
    for i in rubric.items:
        for lab in counts.answers[i.id]:
            if lab not in labels:
                labels.append(lab)
    scale_order = [c.label for s in rubric.scales.values() for c in s.choices]
    labels.sort(key=lambda x: (scale_order.index(x) if x in scale_order else len(scale_order), x))
    head = ["id", "section", "criterion", "applicable", "% fully met", *labels]
    items_ws.write_row(0, 0, head, bold)
    row = 0
    for i in rubric.items:
        row += 1
        n = counts.applies[i.id]
        items_ws.write_string(row, 0, i.id)
        items_ws.write_string(row, 1, i.section)
        items_ws.write_string(row, 2, i.text)
        items_ws.write_number(row, 3, n)
        if n:
            items_ws.write_number(row, 4, round(100 * counts.top[i.id] / n, 1))
        for k, lab in enumerate(labels):
            items_ws.write_number(row, 5 + k, counts.answers[i.id].get(lab, 0))
    if rubric.milestones:
        row += 2
        statuses = ["on_time", "late", "missing", "exception", "not_due", "not_applicable", "unknown"]
        items_ws.write_row(row, 0, ["milestone", "limit", "when", "counted", "% on time", *statuses], bold)
        for m in rubric.milestones:
            row += 1
            st = counts.miles[m.id]
            counted = st.get("on_time", 0) + st.get("late", 0) + st.get("missing", 0)
            items_ws.write_string(row, 0, m.id)
            items_ws.write_string(row, 1, m.limit or "")
            items_ws.write_string(row, 2, m.text)
            items_ws.write_number(row, 3, counted)
            if counted:
                items_ws.write_number(row, 4, round(100 * st.get("on_time", 0) / counted, 1))
            for k, s in enumerate(statuses):
                items_ws.write_number(row, 5 + k, st.get(s, 0))
    items_ws.freeze_panes(1, 0)
    items_ws.set_column(2, 2, 60)

    # About
    summary = summary_of()
    rows = list(about.items()) + [("audits", summary["rows"]), ("scored", summary["scored"]),
                                   ("with errors", summary["with_errors"])]
    rows += [(f"grade: {g}", n) for g, n in summary["grades"].items()]
    rows += [("note", n) for n in summary.get("notes", [])]  # type: ignore[union-attr]
    about_ws.write_row(0, 0, ["", ""], bold)
    for k, (name, value) in enumerate(rows):
        about_ws.write_string(k, 0, str(name), bold)
        if isinstance(value, int | float) and not isinstance(value, bool):
            about_ws.write_number(k, 1, value)
        else:
            about_ws.write_string(k, 1, "" if value is None else str(value))
    about_ws.set_column(0, 0, 22)
    about_ws.set_column(1, 1, 90)
    wb.close()


def _unique_headers(cols: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in cols:
        k = c.casefold()
        if k in seen:
            seen[k] += 1
            c = f"{c} ({seen[k]})"
        else:
            seen[k] = 0
        out.append(c)
    return out
