"""Writing scored audits in the format the output's suffix names, as they stream from the scorer.

* ``.json``: via :func:`qactl.results.write_scored` (audits written as they come; the summary last);
* ``.jsonl``: the same content as JSON Lines: for national-scale runs;
* ``.csv``: one row per audit (UTF-8 with BOM so Excel reads accents): for national-scale runs and other tools.
  Every cell and header goes through the one CSV neutraliser (:mod:`qactl.sheets.csvcell`): text that starts with
  ``=``, ``+``, ``-`` (not a number), ``@``, a tab, a carriage return or a line feed gets a leading ``'`` so that
  Excel, opening the CSV, cannot take it for a formula;
* ``.xlsx``: for people: Summary first, then Audits, Errors, Items and About; see :mod:`qactl.scoring.workbook`.
  Use ``.xlsx`` up to tens of thousands of audits, and ``.csv``/``.jsonl`` beyond.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from qactl.errors import UsageError
from qactl.results import Audit, ErrorRecord, ScoredHeader, Summary, write_scored
from qactl.rubric.models import Rubric
from qactl.sheets.csvcell import csv_cell, csv_row

SUFFIXES = (".json", ".jsonl", ".csv", ".xlsx")


def check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(
            f"Cannot write {path.name}: the output must end in .json, .jsonl, .csv or .xlsx (the suffix chooses the format)."
        )
    return suffix


class Layout:
    """The columns of the flat formats (.csv, the Audits sheet), fixed before the first audit."""

    def __init__(self, rubric: Rubric, field_keys: list[str]) -> None:
        self.rubric = rubric
        self.sections = rubric.sections + rubric.milestone_sections
        self.field_keys = field_keys
        self.columns = ["row", "ref", "status", "score", "grade", "audit_date", "duplicate_of"]
        self.columns += [f"section: {s}" for s in self.sections]
        for i in rubric.items:
            self.columns += [i.id, f"{i.id} points"]
        for m in rubric.milestones:
            self.columns += [
                f"{m.id} due",
                f"{m.id} actual",
                f"{m.id} status",
                f"{m.id} days late",
                f"{m.id} reason",
            ]
        self.columns += list(field_keys)
        self.columns += [c.id for c in rubric.comments]
        self.columns += ["errors"]
        self.item_ids = tuple(i.id for i in rubric.items)

    def csv_row(self, a: Audit) -> list[Any]:
        """``flat(a)`` as CSV cells (:func:`csv_cell`); the answers joined from the cells made once per distinct answer."""
        answers = a["answers"]
        if tuple(answers) != self.item_ids:
            return [csv_cell(v) for v in self.flat(a)]
        shared: Mapping[str, Any] = answers  # the fast scorer's Shared results carry their CSV cells
        try:
            cells = [c for d in shared.values() for c in d.csv]
        except AttributeError:  # not the scorer's shared results
            return [csv_cell(v) for v in self.flat(a)]
        secs = a["sections"]
        head = [
            a["row"],
            a["ref"],
            a["status"],
            a["score"],
            a["grade"],
            a.get("audit_date"),
            a.get("duplicate_of"),
        ]
        head += [secs[s]["score"] if s in secs else None for s in self.sections]
        tail: list[Any] = []
        for m in self.rubric.milestones:
            ms: Mapping[str, Any] = a["milestones"].get(m.id) or {}
            tail += [ms.get("due"), ms.get("actual"), ms.get("status"), ms.get("days_late"), reason_cell(ms)]
        fields, comments = a["fields"], a["comments"]
        tail += [fields.get(k) for k in self.field_keys]
        tail += [comments.get(c.id) for c in self.rubric.comments]
        tail.append(errors_cell(a["errors"]))
        return [csv_cell(v) for v in head] + cells + [csv_cell(v) for v in tail]

    def flat(self, a: Audit) -> list[Any]:
        out: list[Any] = [
            a["row"],
            a["ref"],
            a["status"],
            a["score"],
            a["grade"],
            a.get("audit_date"),
            a.get("duplicate_of"),
        ]
        secs: Mapping[str, Mapping[str, Any]] = a["sections"]
        out += [(secs.get(s) or {}).get("score") for s in self.sections]
        for i in self.rubric.items:
            ans: Mapping[str, Any] = a["answers"].get(i.id) or {}
            out += [ans.get("answer"), ans.get("points")]
        for m in self.rubric.milestones:
            ms: Mapping[str, Any] = a["milestones"].get(m.id) or {}
            out += [ms.get("due"), ms.get("actual"), ms.get("status"), ms.get("days_late"), reason_cell(ms)]
        out += [a["fields"].get(k) for k in self.field_keys]
        out += [a["comments"].get(c.id) for c in self.rubric.comments]
        out += [errors_cell(a["errors"])]
        return out


def errors_cell(errors: Sequence[ErrorRecord]) -> str | None:
    """An audit's problems in one cell, each ``CELL 'value': message``; the value is not given twice when the message
    quotes it already (``Sheet1!G13 '31/02/2015' is not a real date``)."""
    parts = []
    for e in errors:
        value = repr(e["value"])
        parts.append(
            f"{e['cell']} {e['message']}" if value in e["message"] else f"{e['cell']} {value}: {e['message']}"
        )
    return "; ".join(parts) or None


def reason_cell(ms: Mapping[str, Any]) -> str | None:
    """What happened to a milestone's reason, in words: "excused: <reason> (<paragraph>)", "not allowed for this
    limit: <reason>", "not a recognised exception", or the process outcome that made it not applicable."""
    check = ms.get("reason_check")
    if check == "applied":
        return f"excused: {ms.get('reason')}" + (
            f" ({ms['excused_under']})" if ms.get("excused_under") else ""
        )
    if check == "not_allowed":
        return (
            f"not allowed for this {'target' if ms.get('kind') == 'target' else 'limit'}: {ms.get('reason')}"
        )
    if check == "unrecognised":
        return "not a recognised exception"
    if ms.get("ended_by"):
        return f"ended: {ms['ended_by']}"
    return None


def write_output(
    tmp: Path,
    suffix: str,
    header: ScoredHeader,
    audits: Iterable[Audit],
    summary_of: Callable[[], Summary],
    layout: Layout,
    about: dict[str, Any],
    previous=None,
) -> None:
    """Write to ``tmp`` (a temporary path from the output transaction) in the format of ``suffix``.

    ``previous`` (last round, from :func:`qactl.scoring.workbook.read_previous`) goes beside this round on the
    workbook's Summary."""
    if suffix in (".json", ".jsonl"):
        write_scored(tmp, header, audits, summary_of)
    elif suffix == ".csv":
        _write_csv(tmp, audits, layout)
    else:
        from qactl.scoring.workbook import write_workbook

        write_workbook(tmp, audits, summary_of, layout.rubric, layout.field_keys, about, previous)


def _write_csv(tmp: Path, audits: Iterable[Audit], layout: Layout) -> None:
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            csv_row(layout.columns)
        )  # with --include-pii, the export's own headers: neutralised like any cell
        w.writerows(layout.csv_row(a) for a in audits)
