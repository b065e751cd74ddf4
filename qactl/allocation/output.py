"""Writing an allocation as ``.json``, ``.csv`` or ``.xlsx`` (by suffix), and the mail-merge ``.csv``."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from qactl.allocation.models import Allocation
from qactl.dates import format_date
from qactl.errors import UsageError
from qactl.sheets.csvcell import csv_row, write_csv

SUFFIXES = (".json", ".csv", ".xlsx")
ALLOCATION_COLUMNS = ("plan_id", "auditor_id", "auditor", "service", "role", "due")


def to_doc(alloc: Allocation) -> dict:
    """The JSON document (SPEC §6): no timestamps, so equal inputs and seed give equal bytes."""
    from qactl import __version__

    load = alloc.load()
    return {
        "kind": "qactl.allocation",
        "format": 1,
        "qactl": __version__,
        "round": alloc.round,
        "seed": alloc.seed,
        "due": alloc.due.isoformat(),
        "options": alloc.options,
        "inputs": alloc.inputs,
        "assignments": [{"plan_id": x.plan_id, "auditor_id": x.auditor_id, "role": x.role} for x in alloc.assignments],
        "sample": [
            {"plan_id": s.plan.plan_id, "stratum": s.stratum, "team": s.plan.team, "key_stage": s.plan.key_stage,
             "primary_need": s.plan.primary_need, "type": s.plan.type, "issued": s.plan.issued.isoformat() if s.plan.issued else None,
             "moderation": s.moderation, "focus": s.focus}
            for s in alloc.sample
        ],
        "auditors": [
            {"id": a.id, "name": a.name, "service": a.service, "capacity": alloc.capacity[a.id], "allocated": load[a.id], "available": a.available}
            for a in alloc.auditors
        ],
    }


def rows(alloc: Allocation) -> list[list[str]]:
    by_id = {a.id: a for a in alloc.auditors}
    due = format_date(alloc.due)
    return [[x.plan_id, x.auditor_id, by_id[x.auditor_id].name, by_id[x.auditor_id].service, x.role, due] for x in alloc.assignments]


def why(s) -> str:
    parts = [f"stratum {s.stratum}"]
    if s.focus:
        parts.append(f"focus {s.focus}")
    if s.moderation:
        parts.append("chosen for moderation")
    return "; ".join(parts)


def write(alloc: Allocation, path: Path, suffix: str) -> None:
    """Write to ``path`` (a temporary path from ``atomic_output``) in the format ``suffix`` names."""
    if suffix == ".json":
        from qactl.results import write_allocation

        write_allocation(path, to_doc(alloc))
    elif suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            write_csv(f, ALLOCATION_COLUMNS, rows(alloc))
    else:
        _write_xlsx(alloc, path)


def check_suffix(target: Path) -> str:
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(f"Cannot write {target}: give an output ending in {', '.join(SUFFIXES)}.")
    return suffix


def write_mail_merge(alloc: Allocation, path: Path) -> None:
    """One row per auditor with plans: name, email, plans, due date (for a Word/Outlook mail merge)."""
    per: dict[str, list[str]] = {}
    for x in alloc.assignments:
        per.setdefault(x.auditor_id, []).append(x.plan_id + (" (moderation)" if x.role == "moderation" else ""))
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(csv_row(["auditor_id", "name", "email", "service", "plans", "count", "due"]))
        for a in alloc.auditors:
            if a.id in per:
                w.writerow(csv_row([a.id, a.name, a.email, a.service, "; ".join(per[a.id]), len(per[a.id]), format_date(alloc.due)]))


def _sheet_name(text: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "-", text).strip() or "Auditor"
    base = base[:31]
    name, i = base, 2
    while name.lower() in used:
        tail = f" ({i})"
        name = base[: 31 - len(tail)] + tail
        i += 1
    used.add(name.lower())
    return name


def _write_xlsx(alloc: Allocation, path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
    bold = wb.add_format({"bold": True})
    used = {"allocation", "sample", "unallocated", "about"}

    def table(ws, header: list[str], data: list[list], widths: list[int] | None = None) -> None:
        ws.write_row(0, 0, header, bold)
        for r, row in enumerate(data, start=1):
            ws.write_row(r, 0, ["" if v is None else v for v in row])
        if data:
            ws.autofilter(0, 0, len(data), len(header) - 1)
        ws.freeze_panes(1, 0)
        for c, w in enumerate(widths or [16] * len(header)):
            ws.set_column(c, c, w)

    table(wb.add_worksheet("Allocation"), list(ALLOCATION_COLUMNS), rows(alloc), [14, 12, 24, 18, 12, 12])
    by_plan = {s.plan.plan_id: s for s in alloc.sample}
    due = format_date(alloc.due)
    for a in alloc.auditors:
        mine = [x for x in alloc.assignments if x.auditor_id == a.id]
        if not mine:
            continue
        ws = wb.add_worksheet(_sheet_name(f"{a.id} {a.name}".strip(), used))
        data = []
        for x in mine:
            p = by_plan[x.plan_id].plan
            data.append([x.plan_id, x.role, p.team, p.key_stage, p.primary_need, p.type, format_date(p.issued) if p.issued else "", due])
        table(ws, ["plan_id", "role", "team", "key_stage", "primary_need", "type", "issued", "due"], data)
    sample = [[s.plan.plan_id, s.stratum, s.plan.team, s.plan.key_stage, s.plan.primary_need, s.plan.type,
               format_date(s.plan.issued) if s.plan.issued else "", "yes" if s.moderation else "no", why(s)] for s in alloc.sample]
    table(wb.add_worksheet("Sample"), ["plan_id", "stratum", "team", "key_stage", "primary_need", "type", "issued", "moderation", "why picked"], sample,
          [14, 28, 14, 10, 14, 14, 12, 12, 50])
    load = alloc.load()
    spare = [[a.id, a.name, a.service, alloc.capacity[a.id], load[a.id], alloc.capacity[a.id] - load[a.id], "yes" if a.available else "no"]
             for a in alloc.auditors if alloc.capacity[a.id] != load[a.id] or not a.available]
    table(wb.add_worksheet("Unallocated"), ["auditor_id", "auditor", "service", "capacity", "allocated", "unallocated", "available"], spare)
    about = wb.add_worksheet("About")
    info = [["round", alloc.round or ""], ["seed", alloc.seed], ["due", due]]
    info += [[f"input: {i['role']}", f"{i['file']} sha256 {i['sha256']}"] for i in alloc.inputs]
    info += [[f"option: {k}", str(v)] for k, v in alloc.options.items()]
    info += [["note", n] for n in alloc.notes]
    info.append(["how", "qactl allocate: a stratified random sample, then an exact min-cost allocation under SPEC §6's hard rules"])
    table(about, ["what", "value"], info, [24, 90])
    wb.close()
