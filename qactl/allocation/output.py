"""Writing an allocation as ``.json``, ``.csv`` or ``.xlsx`` (by suffix), and the mail-merge ``.csv``.

The workbook is for the QA officer who sends the round out, and for each auditor who receives a page of it:

* **Workload** (first): who has what, and is anyone short: each auditor's plans, moderation, places and
  places left, with their email and a link to their sheet;
* **Allocation**: one row per audit, the plan's setting, key stage and team, the due date;
* one sheet per auditor with plans, to print or send: their name, what to audit, which form, by when, what to do;
* **Sample**: the plans drawn and why each was picked;
* **About**: the round, the random seed, the files read and the rules, in plain words.

The ``.json`` is for the other commands (``report --allocation``, ``chase``); the ``.csv`` one row per audit.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from qactl.allocation.models import Allocation, Auditor
from qactl.dates import format_date
from qactl.errors import UsageError
from qactl.sheets.csvcell import csv_row, write_csv

if TYPE_CHECKING:
    from qactl.results import AllocationFile

SUFFIXES = (".json", ".csv", ".xlsx")
ALLOCATION_COLUMNS = ("plan_id", "auditor_id", "auditor", "service", "role", "due")
ROLE_WORDS = {"primary": "Audit", "moderation": "Moderation (second audit)"}
MAIL_MERGE_COLUMNS = (
    "First name",
    "Name",
    "Email",
    "Service",
    "Number of plans",
    "Plans",
    "Form",
    "Form link",
    "Due",
    "Round",
)


def to_doc(alloc: Allocation) -> AllocationFile:
    """The JSON document (``qactl.results.AllocationFile``): no timestamps, so equal inputs and seed give equal bytes."""
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
        "assignments": [
            {"plan_id": x.plan_id, "auditor_id": x.auditor_id, "role": x.role} for x in alloc.assignments
        ],
        "sample": [
            {
                "plan_id": s.plan.plan_id,
                "stratum": s.stratum,
                "team": s.plan.team,
                "key_stage": s.plan.key_stage,
                "primary_need": s.plan.primary_need,
                "type": s.plan.type,
                "issued": s.plan.issued.isoformat() if s.plan.issued else None,
                "setting": s.plan.setting,
                "contributors": list(s.plan.contributors),
                "moderation": s.moderation,
                "focus": s.focus,
            }
            for s in alloc.sample
        ],
        "auditors": [
            {
                "id": a.id,
                "name": a.name,
                "service": a.service,
                "email": a.email,
                "capacity": alloc.capacity[a.id],
                "allocated": load[a.id],
                "available": a.available,
            }
            for a in alloc.auditors
        ],
    }


def rows(alloc: Allocation) -> list[list[str]]:
    by_id = {a.id: a for a in alloc.auditors}
    due = format_date(alloc.due)
    return [
        [x.plan_id, x.auditor_id, by_id[x.auditor_id].name, by_id[x.auditor_id].service, x.role, due]
        for x in alloc.assignments
    ]


def why(s) -> str:
    """Why a plan is in the sample, in words."""
    team, _, stage = s.stratum.partition(" / ")
    text = (
        f"Drawn at random from the plans of {team} at {stage}"
        if stage
        else f"Drawn at random from {s.stratum}"
    )
    if s.focus:
        text += f", within the dip sample {s.focus.replace('_', ' ')}"
    if s.moderation:
        text += "; chosen for moderation"
    return text + "."


def write(alloc: Allocation, path: Path, suffix: str) -> None:
    """Write to ``path`` (a temporary path from the output transaction) in the format ``suffix`` names."""
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


def plan_words(p, role: str = "primary") -> str:
    """``EHCP-0012 (Hollins Park School, KS3)``, with ``moderation`` added for a second audit."""
    detail = [x for x in (p.setting, p.key_stage) if x]
    if role == "moderation":
        detail.append("moderation")
    return p.plan_id + (f" ({', '.join(detail)})" if detail else "")


def write_mail_merge(alloc: Allocation, path: Path) -> None:
    """One row per auditor with plans, for a Word or Outlook mail merge: first name, the plans with their setting
    and key stage, the form to use and the due date."""
    from qactl.sheets.xlsx import first_name

    by_plan = {s.plan.plan_id: s.plan for s in alloc.sample}
    per: dict[str, list[str]] = {}
    for x in alloc.assignments:
        per.setdefault(x.auditor_id, []).append(plan_words(by_plan[x.plan_id], x.role))
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(csv_row(MAIL_MERGE_COLUMNS))
        for a in alloc.auditors:
            if a.id in per:
                w.writerow(
                    csv_row(
                        [
                            first_name(a.name),
                            a.name,
                            a.email,
                            a.service,
                            len(per[a.id]),
                            "; ".join(per[a.id]),
                            alloc.form,
                            alloc.form_link,
                            format_date(alloc.due),
                            alloc.round or "",
                        ]
                    )
                )


def _sheet_name(text: str, used: set[str]) -> str:
    from qactl.sheets.writer import excel_sheet_name

    return excel_sheet_name(text, used, fallback="Auditor")


def long_date(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def _write_xlsx(alloc: Allocation, path: Path) -> None:
    import xlsxwriter

    from qactl.sheets.xlsx import WORKBOOK_OPTIONS, Styles, properties

    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    wb.set_properties(properties(f"Allocation {alloc.round or ''}".strip(), "Written by qactl allocate"))
    st = Styles(wb)
    used = {"workload", "allocation", "sample", "about"}
    workload = wb.add_worksheet("Workload")
    allocation = wb.add_worksheet("Allocation")
    mine = {a.id: [x for x in alloc.assignments if x.auditor_id == a.id] for a in alloc.auditors}
    sheets = {a.id: _sheet_name(a.name or a.id, used) for a in alloc.auditors if mine[a.id]}
    per_auditor = {aid: wb.add_worksheet(name) for aid, name in sheets.items()}
    sample = wb.add_worksheet("Sample")
    about = wb.add_worksheet("About")
    _workload(workload, alloc, st, sheets)
    _allocation(allocation, alloc, st)
    by_plan = {s.plan.plan_id: s.plan for s in alloc.sample}
    for a in alloc.auditors:
        if a.id in per_auditor:
            _auditor(per_auditor[a.id], a, mine[a.id], by_plan, alloc, st)
    _sample(sample, alloc, st)
    _about(about, alloc, st)
    workload.activate()
    wb.close()


def _workload(ws, alloc: Allocation, st, sheets: dict[str, str]) -> None:
    from qactl.sheets.xlsx import page_setup, table

    load = alloc.load()
    primary = {a.id: 0 for a in alloc.auditors}
    second = {a.id: 0 for a in alloc.auditors}
    for x in alloc.assignments:
        (second if x.role == "moderation" else primary)[x.auditor_id] += 1
    n_mod = sum(second.values())
    working = [a for a in alloc.auditors if load[a.id]]
    ws.write_string(
        0, 0, f"Allocation for the {alloc.round} round" if alloc.round else "Allocation", st.title
    )
    ws.write_string(
        1,
        0,
        f"{len(alloc.assignments)} audits of {len(alloc.sample)} plans ({n_mod} moderated by a second auditor) "
        f"shared among {len(working)} auditors. Due by {long_date(alloc.due)}. Form: {alloc.form}.",
        st.text,
    )
    left = [
        (a, alloc.capacity[a.id] - load[a.id]) for a in alloc.auditors if alloc.capacity[a.id] > load[a.id]
    ]
    idle = [a for a in alloc.auditors if a.available and not load[a.id]]
    away = [a for a in alloc.auditors if not a.available]
    lines = []
    if left:
        lines.append(
            f"Places left: {sum(n for _, n in left)} ({', '.join(f'{a.name or a.id} {n}' for a, n in left[:8])}"
            + (f" and {len(left) - 8} more" if len(left) > 8 else "")
            + ")."
        )
    else:
        lines.append("Every place is taken: no auditor has a place left.")
    if idle:
        lines.append(
            f"No plans this round: {', '.join(a.name or a.id for a in idle)} (fewer plans than places)."
        )
    if away:
        lines.append(f"Unavailable this round: {', '.join(a.name or a.id for a in away)}.")
    row = 2
    for line in [*lines, *alloc.notes]:
        ws.write_string(row, 0, line, st.text)
        row += 1
    row += 1
    header = [
        "Auditor",
        "Service",
        "Organisation",
        "Plans to audit",
        "Moderation",
        "Total",
        "Places",
        "Places left",
        "Email",
        "Their sheet",
    ]
    data = []
    for a in alloc.auditors:
        cap = alloc.capacity[a.id]
        data.append(
            [
                a.name or a.id,
                a.service,
                a.organisation,
                primary[a.id],
                second[a.id],
                load[a.id],
                cap,
                cap - load[a.id] if a.available else "unavailable",
                a.email,
                None,
            ]
        )
    end = table(
        ws,
        row,
        header,
        data,
        st,
        [24, 14, 32, 9, 11, 7, 8, 10, 32, 16],
        name="Workload",
        formats={7: st.wb.add_format({"align": "center", "valign": "top"})},
    )
    for r, a in enumerate(alloc.auditors, start=row + 1):
        if a.id in sheets:
            ws.write_url(r, 9, f"internal:'{sheets[a.id]}'!A1", st.link, string="Open their sheet")
    ws.write_string(end, 0, "Total", st.bold)
    for c, values in ((3, primary), (4, second), (5, load)):
        ws.write_number(end, c, sum(values.values()), st.bold)
    ws.write_number(end, 6, sum(alloc.capacity.values()), st.bold)
    ws.conditional_format(
        row + 1,
        7,
        row + len(data),
        7,
        {"type": "cell", "criteria": ">", "value": 0, "format": st.wb.add_format({"bg_color": "#FFF2CC"})},
    )
    ws.freeze_panes(row + 1, 1)
    page_setup(ws, landscape=True, repeat=row)


def _allocation(ws, alloc: Allocation, st) -> None:
    from qactl.sheets.xlsx import page_setup, table

    by_id = {a.id: a for a in alloc.auditors}
    by_plan = {s.plan.plan_id: s.plan for s in alloc.sample}
    header = [
        "Plan ID",
        "Auditor",
        "Service",
        "Role",
        "Setting",
        "Key stage",
        "Team",
        "Primary need",
        "Plan type",
        "Issued",
        "Due",
        "Email",
    ]
    data = []
    for x in alloc.assignments:
        a, p = by_id[x.auditor_id], by_plan[x.plan_id]
        data.append(
            [
                x.plan_id,
                a.name or a.id,
                a.service,
                ROLE_WORDS.get(x.role, x.role),
                p.setting,
                p.key_stage,
                p.team,
                p.primary_need,
                (p.type or "").capitalize() or None,
                p.issued,
                alloc.due,
                a.email,
            ]
        )
    table(
        ws,
        0,
        header,
        data,
        st,
        [13, 22, 13, 24, 26, 9, 10, 10, 11, 11, 11, 30],
        name="Allocation",
        formats={9: st.date, 10: st.date},
    )
    ws.freeze_panes(1, 1)
    page_setup(ws, landscape=True, repeat=0)


def _auditor(ws, a: Auditor, mine: list, by_plan: dict, alloc: Allocation, st) -> None:
    from qactl.sheets.xlsx import first_name, page_setup, put, table

    ws.write_string(0, 0, f"Audits for {a.name or a.id}", st.title)
    who = ", ".join(x for x in (a.role, a.service, a.organisation) if x)
    if who:
        ws.write_string(1, 0, who, st.text)
    moderated = any(x.role == "moderation" for x in mine)
    n = len(mine)
    todo = (
        f"{'Dear ' + first_name(a.name) + ', please' if first_name(a.name) else 'Please'} audit the {n} plan{'s' if n != 1 else ''} "
        f"below, one form for each plan, and send {'them' if n != 1 else 'it'} in by the due date."
    )
    if moderated:
        todo += (
            " A plan marked Moderation has two auditors: audit it on your own, without seeing the first audit; "
            "the two audits are compared at the moderation workshop."
        )
    todo += " You were not given any plan you or your organisation contributed to; if you did contribute to one, tell the QA officer."
    row = 3
    pairs = [("Round", alloc.round or ""), ("Due by", alloc.due), ("Form to use", alloc.form)]
    if alloc.form_link:
        pairs.append(("Form link", alloc.form_link))
    long = st.wb.add_format(
        {"num_format": "dddd d mmmm yyyy", "align": "left", "bold": True, "valign": "top"}
    )
    label = st.wb.add_format({"bold": True, "valign": "top"})
    for name, value in pairs:
        ws.write_string(row, 0, name, label)
        ws.merge_range(row, 1, row, 7, "", long if isinstance(value, date) else st.text)
        put(ws, row, 1, value, st, long if isinstance(value, date) else st.text)
        row += 1
    ws.write_string(row, 0, "What to do", label)
    ws.merge_range(row, 1, row, 7, todo, st.wrap)
    ws.set_row(row, 64)
    row += 2
    header = [
        "Plan ID",
        "Your part",
        "Setting",
        "Key stage",
        "Team",
        "Primary need",
        "Plan type",
        "Issued",
        "Done",
    ]
    data = []
    for x in mine:
        p = by_plan[x.plan_id]
        data.append(
            [
                x.plan_id,
                ROLE_WORDS.get(x.role, x.role),
                p.setting,
                p.key_stage,
                p.team,
                p.primary_need,
                (p.type or "").capitalize() or None,
                p.issued,
                None,
            ]
        )
    table(ws, row, header, data, st, [13, 16, 26, 9, 10, 11, 10, 11, 7], formats={7: st.date})
    page_setup(ws, landscape=False, repeat=row, title=f"{alloc.round or 'Allocation'}: {a.name or a.id}")


def _sample(ws, alloc: Allocation, st) -> None:
    from qactl.sheets.xlsx import page_setup, table

    header = [
        "Plan ID",
        "Team",
        "Key stage",
        "Primary need",
        "Plan type",
        "Issued",
        "Setting",
        "Moderated",
        "Why picked",
    ]
    data = [
        [
            s.plan.plan_id,
            s.plan.team,
            s.plan.key_stage,
            s.plan.primary_need,
            (s.plan.type or "").capitalize() or None,
            s.plan.issued,
            s.plan.setting,
            "Yes" if s.moderation else "No",
            why(s),
        ]
        for s in alloc.sample
    ]
    table(
        ws,
        0,
        header,
        data,
        st,
        [13, 10, 9, 10, 10, 11, 26, 10, 70],
        name="Sample",
        formats={5: st.date, 8: st.wrap},
    )
    ws.freeze_panes(1, 1)
    page_setup(ws, landscape=True, repeat=0)


_OBJECTIVE_WORDS = {
    "changed_kept": "Audits moved from the earlier allocation (--keep)",
    "own_service": "Audits given to an auditor from the plan's own service (avoided where possible)",
    "repeated_pairs": "Plan and auditor pairs repeated from earlier rounds (avoided where possible)",
}
_ROLE_OF_INPUT = {
    "plans": "Plans register",
    "cohort": "Auditor cohort",
    "history": "Earlier allocation",
    "keep": "Allocation re-solved (--keep)",
}


def _about(ws, alloc: Allocation, st) -> None:
    from qactl.sheets.xlsx import page_setup
    from qactl.sheets.xlsx import pairs as write_pairs

    o = alloc.options
    pairs: list[tuple[str, object]] = [
        (
            "What this is",
            f"The allocation of the {alloc.round} round: which auditor audits which plan."
            if alloc.round
            else "An allocation: which auditor audits which plan.",
        ),
        ("Round", alloc.round or "(none given)"),
        ("Due by", alloc.due),
        ("Form", alloc.form + (f" ({alloc.form_link})" if alloc.form_link else "")),
        (
            "Random seed",
            f"{alloc.seed}: run qactl allocate again with --seed {alloc.seed} and the same files to draw the same sample.",
        ),
    ]
    for i in alloc.inputs:
        pairs.append(
            (
                _ROLE_OF_INPUT.get(i["role"], i["role"].capitalize()),
                f"{i['file']} (SHA-256 fingerprint {i['sha256'][:16]}…)",
            )
        )
    window = " and ".join(
        x
        for x in (
            format_date(date.fromisoformat(o["from"])) if o.get("from") else "",
            format_date(date.fromisoformat(o["to"])) if o.get("to") else "",
        )
        if x
    )
    pairs += [
        ("Plans issued between", window or "(any date)"),
        ("Plan types", ", ".join(o.get("types") or []) or "all"),
        ("Plans sampled", o.get("sample")),
        ("Plans moderated", o.get("moderation")),
        ("Places per auditor", f"{o.get('per_auditor')}, unless the cohort gives a capacity"),
        (
            "Dip sample",
            ", ".join(f"{k.replace('_', ' ')} = {v}" for k, v in (o.get("focus") or {}).items()) or "none",
        ),
    ]
    if alloc.ignored_columns:
        pairs.append(
            (
                "Register columns not used",
                ", ".join(alloc.ignored_columns) + ". Not copied into this workbook or any other output.",
            )
        )
    pairs += [
        (
            "The rules",
            "Nobody audits a plan they or their organisation contributed to. A moderated plan's second auditor "
            "comes from another service. Nobody gets more plans than their places.",
        ),
        (
            "The aims",
            "Within the rules, in this order: keep an earlier allocation's audits (--keep); fill places evenly; "
            "avoid auditors from the plan's own service; avoid pairs from earlier rounds (--history); spread each "
            "auditor's plans across teams. The allocation found is the best possible, not a guess.",
        ),
        (
            "How the sample is drawn",
            "Plans issued in the window, of the types chosen, are grouped by team and key stage; each "
            "group gives plans in proportion to its size, drawn at random with the seed above.",
        ),
        ("Solver", str(o.get("solver", ""))),
    ]
    for k, label in _OBJECTIVE_WORDS.items():
        v = (o.get("objective") or {}).get(k)
        if v is not None and (v or k != "changed_kept"):
            pairs.append((label, v))
    if alloc.kept or alloc.moved:
        pairs.append(("Kept from the earlier allocation", f"{alloc.kept} audits kept, {alloc.moved} moved"))
    pairs += [("Note", n) for n in alloc.notes]
    ws.write_string(0, 0, "About this allocation", st.title)
    write_pairs(ws, 2, pairs, st, widths=(34, 100))
    page_setup(ws, landscape=False, repeat=None)
