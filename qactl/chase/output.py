"""The chase list as a workbook for the QA officer and a mail-merge ``.csv`` of reminders.

Workbook sheets, in order:

* **Chase** (first): who still owes audits, how many, which plans, and how long is left;
* **Outstanding plans**: one row per audit still to come;
* **Unmatched returns**: returns that could not be placed, and why (to sort out by hand);
* **About**: the files read, how returns were matched, the date of the list.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from qactl.chase import ROLE_WORDS, Chase, Person, when_due
from qactl.dates import format_date
from qactl.sheets.csvcell import csv_row

MAIL_MERGE_COLUMNS = (
    "First name",
    "Name",
    "Email",
    "Outstanding",
    "Allocated",
    "Plans",
    "Due",
    "Days left",
    "Form",
    "Form link",
    "Round",
    "Subject",
    "Reminder",
)


def long_date(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def headline(c: Chase) -> str:
    owing = c.owing()
    out = c.allocated - c.returned
    text = (
        f"{c.returned} of {c.allocated} audits returned; {out} outstanding from {len(owing)} auditor{'s' if len(owing) != 1 else ''}. "
        if out
        else f"All {c.allocated} audits returned. "
    )
    return text + f"Due {long_date(c.due)}, {when_due(c.days_left)}."


def reminder(c: Chase, p: Person) -> str:
    """The short reminder for one auditor: what is outstanding, by when, with which form."""
    from qactl.sheets.xlsx import first_name

    plans = p.outstanding_plans()
    n = p.outstanding
    greet = f"Dear {first_name(p.name)}," if first_name(p.name) else "Hello,"
    of = f"{n} of your {p.allocated} audits" if p.allocated > 1 else "your audit"
    rnd = f" for the {c.round} round" if c.round else ""
    which = "; ".join(o.words() for o in plans)
    if p.returned_unplaced:
        which = f"{n} of: {which}"
    due = (
        f"{'They are' if n > 1 else 'It is'} due on {long_date(c.due)}, {when_due(c.days_left)}."
        if c.days_left >= 0
        else f"{'They were' if n > 1 else 'It was'} due on {long_date(c.due)}, {when_due(c.days_left)}."
    )
    form = (
        f" Please use the form {c.form}" + (f": {c.form_link}" if c.form_link else "") + "." if c.form else ""
    )
    return f"{greet} a reminder that {of}{rnd} {'are' if n > 1 else 'is'} still to come: {which}. {due}{form} Thank you."


def write_mail_merge(c: Chase, path: Path) -> None:
    """One row per auditor with audits outstanding, with the reminder written out."""
    from qactl.sheets.xlsx import first_name

    subject = f"Reminder: audits due {format_date(c.due)}" + (f" ({c.round})" if c.round else "")
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(csv_row(MAIL_MERGE_COLUMNS))
        for p in c.owing():
            w.writerow(
                csv_row(
                    [
                        first_name(p.name),
                        p.name,
                        p.email,
                        p.outstanding,
                        p.allocated,
                        "; ".join(o.words() for o in p.outstanding_plans()),
                        format_date(c.due),
                        c.days_left,
                        c.form,
                        c.form_link,
                        c.round or "",
                        subject,
                        reminder(c, p),
                    ]
                )
            )


def write_workbook(c: Chase, path: Path) -> None:
    import xlsxwriter

    from qactl.sheets.xlsx import WORKBOOK_OPTIONS, Styles, properties

    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    wb.set_properties(properties(f"Returns {c.round or ''}".strip(), "Written by qactl chase"))
    st = Styles(wb)
    _chase(wb.add_worksheet("Chase"), c, st)
    _outstanding(wb.add_worksheet("Outstanding plans"), c, st)
    _unmatched(wb.add_worksheet("Unmatched returns"), c, st)
    _about(wb.add_worksheet("About"), c, st)
    wb.close()


def _chase(ws, c: Chase, st) -> None:
    from qactl.sheets.xlsx import page_setup, table

    ws.write_string(
        0,
        0,
        (f"Returns for the {c.round} round" if c.round else "Returns") + f" on {long_date(c.today)}",
        st.title,
    )
    ws.write_string(1, 0, headline(c), st.bold)
    row = 2
    if c.unmatched:
        row += 1  # the link to the Unmatched returns sheet, written below
    for n in c.notes:
        ws.write_string(row, 0, n, st.aside)
        row += 1
    row += 1
    header = [
        "Auditor",
        "Service",
        "Outstanding",
        "Plans still to come",
        "Allocated",
        "Returned",
        "With errors to fix",
        "Email",
    ]
    data = []
    order = c.owing() + [p for p in c.people if not p.outstanding]
    for p in order:
        plans = "; ".join(o.words() for o in p.outstanding_plans())
        if p.returned_unplaced and p.outstanding:
            plans = f"{p.outstanding} of: {plans}"
        data.append(
            [
                p.name or p.id,
                p.service,
                p.outstanding,
                plans or None,
                p.allocated,
                p.returned,
                p.with_errors or None,
                p.email,
            ]
        )
    end = table(
        ws,
        row,
        header,
        data,
        st,
        [22, 13, 11, 58, 10, 10, 10, 32],
        wrap={3},
        formats={2: st.centre, 4: st.centre, 5: st.centre, 6: st.centre},
    )
    ws.conditional_format(
        row + 1,
        2,
        end - 1,
        2,
        {
            "type": "cell",
            "criteria": ">",
            "value": 0,
            "format": st.wb.add_format({"bg_color": "#F8CBAD", "bold": True}),
        },
    )
    if c.unmatched:
        ws.write_url(
            2,
            0,
            "internal:'Unmatched returns'!A1",
            st.warn,
            string=f"{len(c.unmatched)} return{'s' if len(c.unmatched) != 1 else ''} could not be matched to the allocation: "
            "see Unmatched returns.",
        )
    ws.freeze_panes(row + 1, 1)
    page_setup(ws, landscape=True, repeat=row)


def _outstanding(ws, c: Chase, st) -> None:
    from qactl.sheets.xlsx import page_setup, table

    data = []
    for p in c.owing():
        for o in p.outstanding_plans():
            data.append(
                [
                    o.plan_id,
                    p.name or p.id,
                    ROLE_WORDS.get(o.role, o.role),
                    o.setting or None,
                    o.key_stage or None,
                    p.email,
                    c.due,
                ]
            )
    table(
        ws,
        0,
        ["Plan ID", "Auditor", "Role", "Setting", "Key stage", "Email", "Due"],
        data,
        st,
        [13, 22, 24, 28, 10, 32, 11],
        formats={6: st.date},
    )
    ws.freeze_panes(1, 1)
    page_setup(ws, landscape=True, repeat=0)


def _unmatched(ws, c: Chase, st) -> None:
    from qactl.sheets.xlsx import page_setup, table

    data = [[u.file, u.row, u.plan or None, u.who or None, u.why] for u in c.unmatched]
    if not data:
        ws.write_string(0, 0, "Every return was matched to the allocation.", st.text)
        ws.set_column(0, 0, 60)
    else:
        table(
            ws,
            0,
            ["File", "Row in the export", "Plan ID as given", "Returned by", "Why it could not be matched"],
            data,
            st,
            [22, 10, 14, 22, 70],
            wrap={4},
        )
        ws.freeze_panes(1, 0)
    page_setup(ws, landscape=True, repeat=0)


def _about(ws, c: Chase, st) -> None:
    from qactl.sheets.xlsx import page_setup, pairs

    how = (
        "By plan ID: each return counts for the auditor given that plan. A plan with two auditors (moderation) is "
        "matched by the return's auditor, by email or name against the cohort."
        if c.by == "plan ID"
        else "By the auditor's name or email against the cohort (the audit has no plan ID): each return counts for the "
        "auditor it names, up to the audits they were given, so which of their plans is outstanding is not known."
    )
    items = [
        (
            "What this is",
            "Who has not yet returned the audits they were allocated, with a reminder for each.",
        ),
        ("Round", c.round or "(none given)"),
        ("Due", c.due),
        ("This list is of", c.today),
        ("Form", (c.form or "(not named by the allocation)") + (f" ({c.form_link})" if c.form_link else "")),
        ("How returns are matched", how),
        (
            "Not counted",
            "Duplicate submissions. A return with errors to fix counts as returned, and is shown beside it.",
        ),
    ]
    items += [
        (f"Returns: {f['file']}", f"{f['counted']} counted" + (f" ({f['note']})" if f.get("note") else ""))
        for f in c.files
    ]
    items += [("Note", n) for n in c.notes]
    ws.write_string(0, 0, "About this chase list", st.title)
    pairs(ws, 2, items, st, widths=(30, 100))
    page_setup(ws, landscape=False, repeat=None)
