"""Write synthetic Microsoft Forms exports for every rubric, for demos and manual testing.

    python examples/make_exports.py examples/exports [--rubrics DIR]

For each ``rubrics/*.yaml`` (or ``--rubrics DIR``) it reads the rubric and writes ``<id>.xlsx`` (or a
Windows-1252 ``.csv`` for ``health-advice``) with ~25 audits in the shape Forms exports: its own columns
first (ID, Start time, Completion time as Excel datetimes, Email, Name), then one column per question,
some numbered (``5.``), some with trailing spaces; mixed-case answers; day-first text dates; one
duplicate submission; and exactly two bad cells (an unknown answer, an impossible date). An earlier
round ("2025 Summer") goes to ``<out>/previous/``; the same invented children recur, so refs link.

The autumn round has the columns of today's blank forms (``qactl form``): a reason beside each date, the
outcome of a request, the kind of phase transfer, the health advice's dates. Its late dates give reasons: most
an exception their own limit allows, some one it does not, a few none of the recognised ones. The summer round
has the columns of the forms councils used before (one reason for the whole audit, no outcome, a Yes/No
6-week KPI): it shows that older exports still score.

Every name is invented and obviously synthetic. Output is deterministic (seeded).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qactl.dates import offset  # noqa: E402
from qactl.rubric.conditions import holds  # noqa: E402
from qactl.rubric.loader import load_rubric  # noqa: E402
from qactl.rubric.milestones import due_dates  # noqa: E402
from qactl.rubric.models import FieldType, Rubric  # noqa: E402

FIRST = [
    "Amberly",
    "Bramble",
    "Corvina",
    "Dandelion",
    "Elderry",
    "Fennick",
    "Gorsey",
    "Hazelle",
    "Ivybel",
    "Juniperine",
    "Kestrelle",
    "Larkin",
    "Marram",
    "Nettleby",
    "Oakleaf",
    "Primula",
    "Quincey",
    "Rowanna",
    "Sorrelina",
    "Tansyl",
    "Umberly",
    "Vetchling",
    "Willowby",
    "Yarrowin",
    "Zinnia",
    "Aspenor",
    "Birchley",
    "Cloverly",
]
LAST = ["Testperson", "Fakename", "Sampleton", "Exampleby", "Placeholder", "Mockworth"]
AUDITORS = [
    "Auditor Alpha-Example",
    "Auditor Bravo-Example",
    "Auditor Charlie-Example",
    "Auditor Delta-Example",
]
TEAMS = ["Team North (example)", "Team South (example)", "Team East (example)", "Team West (example)"]
COMMENTS = [
    "Clear summary of needs; outcomes well linked to provision.",
    "{first} is described warmly and their views are quoted.",
    "Some jargon in the provision section; consider plain English.",
    "Outcomes need to be more specific and time-bound.",
    "Good use of parents’ views throughout – a model for the team.",
    "",
]
ROUNDS = {"current": ("2025 Autumn", date(2025, 10, 6)), "previous": ("2025 Summer", date(2025, 6, 9))}
SERVICES = [
    "Educational Psychology",
    "Speech and Language Therapy",
    "Community Paediatrics",
    "Social Care",
    "Occupational Therapy",
    "Specialist Teaching",
]
# Columns the forms councils used before rubric version 2026.1 did not have (besides each date's own reason and the
# questions marked `since`): the summer round's exports are written without them.
NEW_COLUMNS = {
    "ehcna-file": {"outcome", "no_plan_notice"},
    "annual-review": {"transfer_date", "phase_transfer_amended", "no_amend_notice"},
    "health-advice": {"request_received", "advice_returned"},
    "ehcp-quality": {"contributors"},
}
# How a process ended, and the kind of phase transfer: weights for the invented audits.
OUTCOMES = {"Decision not to assess": 0.12, "Decision not to issue a plan after assessment": 0.08}
TRANSFERS = {
    "No": 0.55,
    "Primary to secondary school": 0.15,
    "Secondary school to post-16 institution": 0.12,
    "Early years to school": 0.06,
    "Infant to junior school": 0.04,
    "Middle to secondary school": 0.04,
    "Post-16 institution to another, at another time of year": 0.04,
}
DECISIONS = {"Maintain": 0.45, "Amend": 0.4, "Cease": 0.05, "Amendments proposed, then not made": 0.1}
# What an officer writes for a late date that no exception covers (an unrecognised reason: kept, reported, late)
OTHER_REASONS = ["Waiting list for the EP", "Staff sickness in the team", "Awaiting paperwork from school"]


def columns(rubric: Rubric, shape: str) -> list:
    """The form's columns: today's (``qactl form``), or those of the forms made before rubric version 2026.1."""
    if shape == "new":
        return rubric.columns()
    own = set(rubric.reason_fields)
    new = NEW_COLUMNS.get(rubric.id, set())
    keep = [
        c
        for c in [*rubric.fields, *rubric.items, *rubric.milestones, *rubric.comments]
        if c.id not in own and c.id not in new and not getattr(c, "since", None)
    ]
    return keep


def weighted(rng: random.Random, weights: dict[str, float], rest: str | None = None) -> str | None:
    roll, total = rng.random(), 0.0
    for value, w in weights.items():
        total += w
        if roll < total:
            return value
    return rest


def nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 test range, never issued (NHS England: numbers starting 999 are for testing)."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            s = "".join(map(str, digits + [check]))
            return f"{s[:3]} {s[3:6]} {s[6:]}"


def upn(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
    body = [rng.randrange(10) for _ in range(12)]
    return letters[sum(p * v for p, v in zip(range(2, 14), body, strict=True)) % 23] + "".join(map(str, body))


def header(n: int, text: str) -> str:
    if n % 3 == 0:
        return f"{n}.{text}"
    if n % 4 == 1:
        return f"{n}. {text} "
    return text


def children(seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i, first in enumerate(FIRST):
        dob = date(2006, 9, 1) + timedelta(days=rng.randrange(365 * 14))
        out.append(
            {
                "name": f"{first} {LAST[i % len(LAST)]}",
                "first": first,
                "dob": dob,
                "nhs": nhs_number(rng),
                "upn": upn(rng),
                "team": TEAMS[i % len(TEAMS)],
            }
        )
    return out


# Days early (-) or late (+) against each statutory date: the autumn round (seed 1) slips, as the families'
# feedback and the 20-week KPI in examples/evidence.yaml say; the summer round (seed 2) was mostly on time.
LATENESS = {1: [-3, 0, 4, 9, 15, 25, 40, 60], 2: [-20, -10, -5, -2, 0, 0, 3, 9, 25]}


def audit_rows(
    rubric: Rubric,
    seed: int,
    start: date,
    n: int = 25,
    moderated: int = 8,
    plan_ids: list[str] | None = None,
    shape: str = "new",
) -> tuple[list[str], list[list]]:
    rng = random.Random(f"{rubric.id}/{seed}")
    lateness = random.Random(
        f"{rubric.id}/{seed}/lateness"
    )  # a stream of its own: days early or late of each date
    kids = children(7)  # the same invented children every round
    rng.shuffle(kids)
    cols = columns(rubric, shape)
    present = {c.id for c in cols}
    heads = ["ID", "Start time", "Completion time", "Email", "Name"] + [
        header(k, c.text) for k, c in enumerate(cols, start=1)
    ]
    starts = {x for m in rubric.milestones for x in m.starts()}
    own_reasons = rubric.reason_fields
    rows: list[list] = []
    for r in range(n):
        kid = kids[r % len(kids)]
        done = datetime.combine(
            start + timedelta(days=rng.randrange(28)),
            time(9 + rng.randrange(8), rng.randrange(60), rng.randrange(60)),
        )
        began = done - timedelta(minutes=rng.randrange(8, 50))
        auditor = AUDITORS[r % len(AUDITORS)]
        values: dict[str, object] = {}
        known: dict[str, object] = {}
        for f in rubric.fields:
            v: object = None
            if f.id in own_reasons or f.id not in present:
                values[f.id] = None  # a date's own reason: written once the dates are known
                continue
            if f.id == "transfer_date":
                v = None  # set with the kind of transfer
            elif f.id == "phase_transfer":
                v = weighted(rng, TRANSFERS, "No") if shape == "new" else rng.choice(["Yes", "No"])
            elif (
                rubric.outcomes
                and f.id == rubric.outcomes.field
                and "Decision not to assess" in (f.choices or [])
            ):
                v = weighted(rng, OUTCOMES, f.choices[0])
            elif rubric.outcomes and f.id == rubric.outcomes.field:
                v = (
                    weighted(rng, DECISIONS, "Maintain")
                    if shape == "new"
                    else rng.choice(["Maintain", "Amend", "Cease"])
                )
            elif f.role == "contributors":
                v = "; ".join(rng.sample(SERVICES, rng.randrange(2, 5)))
            elif f.id == "kpi_6_weeks" and shape == "new":
                v = None  # follows from the dates
            elif f.role == "child_name":
                v = kid["name"]
            elif f.type == FieldType.date and (f.role == "dob" or "birth" in f.text.lower()):
                v = kid["dob"]
            elif f.type == FieldType.date and f.id == rubric.audit_date:
                v = done.date()
            elif f.type == FieldType.date and f.id in starts:
                # a process that has run its course by the audit: its longest chain of periods, and a few weeks more, ago
                v = done.date() - timedelta(days=_span(rubric, f.id) + rng.randrange(21, 100))
            elif f.type == FieldType.date:
                v = done.date() - timedelta(days=rng.randrange(10, 200))
            elif f.type == FieldType.nhs_number:
                v = kid["nhs"]
            elif f.type == FieldType.upn:
                v = kid["upn"]
            elif f.type == FieldType.integer:
                v = rng.randrange(1, 16)
            elif rubric.exceptions and f.id == rubric.exceptions.field:
                # the forms made before: one reason for the whole audit, from the old drop-down (which cited reg 10(4))
                labels = [
                    f"{r.label} (reg 10(4)({'abcd'[k]}))" for k, r in enumerate(rubric.exceptions.reasons[:4])
                ]
                v = rng.choice(labels) if rng.random() < 0.15 else None
            elif f.role == "plan_id" and plan_ids:
                v = plan_ids[r % len(plan_ids)]
            elif f.role in ("team", "service"):
                v = kid["team"]
            elif f.role == "auditor":
                v = auditor
            elif f.choices:
                v = rng.choice(f.choices)
            else:
                v = f"Example {f.text.split()[0].lower()} {r % 5 + 1}"
            known[f.id] = v
            if isinstance(v, date):
                v = v.strftime("%d/%m/%Y") if rng.random() < 0.5 else datetime.combine(v, time())
            values[f.id] = v
        if known.get("phase_transfer") not in (None, "No", "Yes") and "transfer_date" in present:
            kind = str(known["phase_transfer"])
            moved = (
                date(done.year + 1, 9, 1)
                if not kind.startswith("Post-16")
                else done.date() + timedelta(days=rng.randrange(120, 330))
            )
            known["transfer_date"] = moved
            values["transfer_date"] = moved.strftime("%d/%m/%Y")
        for it in rubric.items:
            scale = rubric.scales[it.scale]
            ranked = sorted(scale.choices, key=lambda c: -c.points)
            if it.allow_na and scale.na and rng.random() < 0.15:
                ans = scale.na.label
            elif it.multi:
                ans = ";".join(c.label for c in ranked if rng.random() < 0.5) + ";"
            else:
                ans = ranked[min(int(rng.expovariate(1.6)), len(ranked) - 1)].label
            roll = rng.random()
            values[it.id] = (
                ans.lower()
                if roll < 0.15
                else (ans.upper() if roll < 0.2 else (ans + " " if roll < 0.3 else ans))
            )
        ending = None
        if rubric.outcomes and shape == "new":
            said = str(known.get(rubric.outcomes.field) or "").casefold()
            ending = next((e for e in rubric.outcomes.ends if e.answer.casefold() == said), None)
        for m in rubric.milestones:
            if m.id not in present:
                values[m.id] = None
                continue
            due = due_dates(rubric, known).get(m.id)
            applies = m.applies_if is None or holds(m.applies_if, known, {}, done.date()) is not False
            if ending is not None and m.id in ending.not_applicable:
                applies = False
            actual = None
            if due is not None and applies:
                late = lateness.choice(LATENESS[seed])
                actual = offset(due, days=late)
                if actual > done.date() or rng.random() < 0.05:
                    actual = None
                elif late > 0 and m.reason in values and rng.random() < 0.35:
                    values[m.reason] = _reason(rng, rubric, m)
            if actual is not None:
                known[m.id] = actual
            values[m.id] = (
                None
                if actual is None
                else (actual.strftime("%d/%m/%Y") if rng.random() < 0.6 else datetime.combine(actual, time()))
            )
        if "kpi_6_weeks" in present and values.get("kpi_6_weeks") is None and known.get("advice_returned"):
            due = due_dates(rubric, known).get("advice_returned")
            values["kpi_6_weeks"] = "Yes" if due and known["advice_returned"] <= due else "No"
        for c in rubric.comments:
            values[c.id] = rng.choice(COMMENTS).format(first=kid["first"]) or None
        rows.append(
            [
                r + 1,
                began,
                done,
                f"{auditor.split()[1].lower()}@example.org",
                auditor,
                *[values[c.id] for c in cols],
            ]
        )
    # a moderation sample: the first `moderated` children audited again by another auditor, who mostly agrees
    auditor_col = next((5 + k for k, c in enumerate(cols) if getattr(c, "role", None) == "auditor"), None)
    for r in range(moderated):
        second = list(rows[r])
        other = AUDITORS[(r + 3) % len(AUDITORS)]
        second[0] = n + 2 + r
        second[1], second[2] = second[1] + timedelta(days=2), second[2] + timedelta(days=2)
        second[3], second[4] = f"{other.split()[1].lower()}@example.org", other
        if auditor_col is not None:
            second[auditor_col] = other
        for it in (c for c in cols if c in rubric.items):
            k = 5 + cols.index(it)
            ranked = [c.label for c in sorted(rubric.scales[it.scale].choices, key=lambda c: -c.points)]
            given = str(second[k] or "").strip().casefold()
            here = next((i for i, lab in enumerate(ranked) if lab.casefold() == given), None)
            if here is not None and not it.multi and rng.random() < 0.25:
                second[k] = ranked[min(len(ranked) - 1, max(0, here + rng.choice([-1, 1])))]
        rows.append(second)
    # one duplicate submission: the same audit sent twice, later
    dup = list(rows[4])
    dup[0], dup[1], dup[2] = n + 1, dup[1] + timedelta(hours=2), dup[2] + timedelta(hours=2)
    rows.append(dup)
    # exactly two bad cells: an unknown answer and an impossible date
    offset_cols = 5
    if rubric.items:
        k = cols.index(rubric.items[0])
        word = str(rows[7][offset_cols + k]).split(";")[0].strip() or "Yes"
        i = min(2, len(word) - 1)
        rows[7][offset_cols + k] = word[:i] + word[i] + word[i:]  # a typo: Fully → Fullly, Yes → Yess
    date_cols = [
        k for k, c in enumerate(cols) if getattr(c, "type", None) == FieldType.date or c in rubric.milestones
    ]
    if date_cols:
        rows[11][offset_cols + date_cols[0]] = "31/02/2025"
    else:  # no date question: the impossible date goes in Forms' completion time
        rows[11][2] = "31/02/2025 10:15:00"
    return heads, rows


def _span(rubric: Rubric, start: str, seen: frozenset = frozenset()) -> int:
    """The longest run of days from a date to the last step that counts from it, following milestones that count from
    earlier ones (an annual review: 12 months to the meeting, 4 weeks to the decision, 8 weeks to the amended plan)."""
    best = 0
    for m in rubric.milestones:
        if m.id in seen:
            continue
        for r in m.rules:
            if r.from_ == start:
                best = max(
                    best, max(0, r.weeks * 7 + r.days + r.months * 31) + _span(rubric, m.id, seen | {m.id})
                )
    return best


def _reason(rng: random.Random, rubric: Rubric, m) -> str:
    """A reason an officer gives for a late date: mostly an exception its limit allows, as the form's list offers
    it; sometimes one it does not allow; now and then words of their own."""
    roll = rng.random()
    if m.kind == "target":  # nothing excuses a local target: officers mostly explain in their own words
        return (
            rng.choice(rubric.exceptions.reasons).label
            if rubric.exceptions and roll < 0.2
            else rng.choice(OTHER_REASONS)
        )
    if m.excused_by and rubric.exceptions and roll < 0.6:
        rid, paragraph = rng.choice(list(m.excused_by.items()))
        r = rubric.exceptions.reason(rid)
        return f"{r.label} ({paragraph})" if paragraph else r.label
    others = [r for r in (rubric.exceptions.reasons if rubric.exceptions else []) if r.id not in m.excused_by]
    if others and roll < 0.8:
        return rng.choice(others).label  # an exception this limit does not allow
    return rng.choice(OTHER_REASONS)


def as_returned(
    rubric: Rubric, heads: list[str], rows: list[list], n: int, moderated: int, allocation: dict, cohort: Path
) -> None:
    """Make the plan audits look as the round's returns do: each names a plan the allocation gave out and the auditor
    it gave it to (Forms' Name and Email, and "Person completing audit"), moderated plans first so that the second
    audits are theirs. Two second audits are the kind of return a chase list cannot place: a plan that was not
    allocated, and a plan ID typed wrong. The last primary plans are not returned yet. Only these cells change,
    and no random draw, so every other value (and every pseudonymous ref) stays as it was."""
    from qactl.allocation.inputs import read_cohort

    people = {a.id: a for a in read_cohort(cohort).records}
    pairs = {}
    for x in allocation["assignments"]:
        pairs.setdefault(x["plan_id"], {})[x["role"]] = x["auditor_id"]
    plans = sorted(pairs, key=lambda p: ("moderation" not in pairs[p], list(pairs).index(p)))
    cols = rubric.columns()
    plan_col = next(5 + k for k, c in enumerate(cols) if getattr(c, "role", None) == "plan_id")
    who_col = next(5 + k for k, c in enumerate(cols) if getattr(c, "role", None) == "auditor")

    def mark(row: list, plan: str, auditor_id: str) -> None:
        a = people[auditor_id]
        row[3], row[4], row[who_col], row[plan_col] = a.email, a.name, a.name, plan

    for r in range(n):
        mark(rows[r], plans[r], pairs[plans[r]]["primary"])
    for r in range(moderated):
        second = rows[n + r]
        if "moderation" in pairs[plans[r]]:
            mark(second, plans[r], pairs[plans[r]]["moderation"])
        elif r % 2 == 0:
            mark(
                second, "EHCP-0150", pairs[plans[r]]["primary"]
            )  # a plan of the register this round did not allocate
        else:
            mark(
                second, plans[r].replace("-0", "-", 1), pairs[plans[r]]["primary"]
            )  # EHCP-0101 typed as EHCP-101
    dup = rows[n + moderated]
    for c in (3, 4, who_col, plan_col):
        dup[c] = rows[4][c]


def write_xlsx(path: Path, heads: list[str], rows: list[list]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    ws = wb.add_worksheet("Sheet1")
    when = wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, heads)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, datetime):
                ws.write_datetime(r, c, v, when if v.time() != time() else day)
            else:
                ws.write(r, c, v)
    wb.close()


def write_cp1252_csv(path: Path, heads: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="cp1252", errors="replace", newline="") as f:
        w = csv.writer(f)
        w.writerow(heads)
        for row in rows:
            w.writerow(
                [
                    "" if v is None else (v.strftime("%d/%m/%Y %H:%M:%S") if isinstance(v, datetime) else v)
                    for v in row
                ]
            )


# Survey-shaped exports with a story to triangulate (voice a strength, timeliness a concern) come from
# examples/make_evidence.py, beside the evidence file they agree or disagree with.
MADE_ELSEWHERE = {"family-feedback", "practice-conversation"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="folder to write into (created)")
    ap.add_argument(
        "--rubrics",
        type=Path,
        default=ROOT / "rubrics",
        help="folder of rubric .yaml files (default: rubrics/)",
    )
    ap.add_argument(
        "--allocation",
        type=Path,
        default=ROOT / "examples" / "autumn-allocation.json",
        help="this round's allocation (plan ids for plan audits)",
    )
    ap.add_argument(
        "--previous-allocation",
        type=Path,
        default=ROOT / "examples" / "previous-allocation.json",
        help="the previous round's allocation",
    )
    args = ap.parse_args(argv)
    paths = sorted(args.rubrics.glob("*.yaml")) if args.rubrics.is_dir() else [args.rubrics]
    if not paths:
        print(f"No rubrics in {args.rubrics}.", file=sys.stderr)
        return 2
    # the EHC plan audits name the plans the round's allocation shared out (by plan id), so the report can count returns
    allocated = {}
    for which, path in (("current", args.allocation), ("previous", args.previous_allocation)):
        if path and path.exists():
            doc = json.loads(path.read_text(encoding="utf-8"))
            allocated[which] = [a["plan_id"] for a in doc["assignments"] if a["role"] == "primary"]
    for which, folder in (("current", args.out), ("previous", args.out / "previous")):
        folder.mkdir(parents=True, exist_ok=True)
        label, start = ROUNDS[which]
        for p in paths:
            rubric = load_rubric(p)
            if rubric.id in MADE_ELSEWHERE and args.rubrics == ROOT / "rubrics":
                continue
            heads, rows = audit_rows(
                rubric,
                seed=1 if which == "current" else 2,
                start=start,
                plan_ids=allocated.get(which) if rubric.id == "ehcp-quality" else None,
                shape="new" if which == "current" else "old",
            )
            if rubric.id == "ehcp-quality" and which == "current" and args.allocation.exists():
                as_returned(
                    rubric,
                    heads,
                    rows,
                    25,
                    8,
                    json.loads(args.allocation.read_text(encoding="utf-8")),
                    ROOT / "examples" / "cohort.yaml",
                )
            if rubric.id.replace("_", "-") == "health-advice":
                target = folder / f"{rubric.id}.csv"
                write_cp1252_csv(target, heads, rows)
            else:
                target = folder / f"{rubric.id}.xlsx"
                write_xlsx(target, heads, rows)
            print(f"{label}: {target} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
