"""Make the synthetic triangulation examples, deterministically (run it again: the same bytes).

    python examples/make_evidence.py            # writes into examples/

* ``evidence.yaml``: services, complaints and compliments by theme, PCF/CYP/SENCO survey results and KPIs
  (Wolverhampton QA Framework §6.9–6.12, §7) for the 2025 Autumn round;
* ``family-feedback.xlsx``: a Microsoft Forms export of the family survey (Worcestershire §5.2);
* ``practice-conversation.xlsx``: a Microsoft Forms export of SEND Practice Week conversations (§6.8);
* ``actions-previous.xlsx``: the improvement plan the 2025 Summer round wrote (``qactl.triangulation.actions.write_actions``).

Every name and reference is invented. The figures are made to tell a story a report can show: timeliness
is a concern everywhere (families, practitioners, complaints, the 20-week KPI), the voice of the child a
strength, and health advice mixed (good advice, late).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

SERVICES = [
    ("SEND casework", ["SENSTART", "SEND Assessment and Planning"]),
    ("Educational Psychology", ["EPS", "EP"]),
    ("Health", ["DCO", "Designated Clinical Officer"]),
    ("Social care", ["Children's social care"]),
    ("Early years (SNEYS)", ["SNEYS"]),
    ("Inclusion support", []),
    ("Alternative provision", ["AP"]),
    ("Connexions", []),
    ("IASS", ["WIASS"]),
]

# (service, theme, count)
COMPLAINTS = [
    ("SEND casework", "timeliness", 14),
    ("SEND casework", "family_engagement", 6),
    ("SEND casework", "provision_specificity", 4),
    ("Health", "timeliness", 3),
    ("Health", "health_needs", 2),
    ("Educational Psychology", "timeliness", 2),
    ("Social care", "social_care", 1),
]
COMPLIMENTS = [
    ("SEND casework", "family_engagement", 5),
    ("SEND casework", "voice_of_child", 4),
    ("Educational Psychology", "voice_of_child", 7),
    ("Educational Psychology", "jargon", 3),
    ("Health", "health_needs", 4),
    ("Early years (SNEYS)", "family_engagement", 6),
    ("Connexions", "preparing_for_adulthood", 3),
]
# (source, title, date, question, theme, % agreeing, respondents)
SURVEYS = [
    (
        "PCF",
        "Parent Carer Forum survey 2025",
        "2025-07-14",
        "I feel listened to by SEND services",
        "family_engagement",
        46,
        212,
    ),
    (
        "PCF",
        "Parent Carer Forum survey 2025",
        "2025-07-14",
        "My child's EHC plan was finished on time",
        "timeliness",
        31,
        198,
    ),
    (
        "PCF",
        "Parent Carer Forum survey 2025",
        "2025-07-14",
        "My child's views are in their plan",
        "voice_of_child",
        71,
        205,
    ),
    (
        "CYP",
        "HY5! young people's survey 2025",
        "2025-06-20",
        "Adults ask me what I think about my plan",
        "voice_of_child",
        78,
        88,
    ),
    (
        "SENCO",
        "SENCO survey 2025",
        "2025-05-09",
        "Health advice arrives in time to inform the plan",
        "health_needs",
        41,
        54,
    ),
    (
        "SENCO",
        "SENCO survey 2025",
        "2025-05-09",
        "Outcomes in new EHC plans are SMART",
        "smart_outcomes",
        58,
        54,
    ),
]
# (id, label, value, target, unit, period, theme, service)
KPIS = [
    (
        "ehcna_20_weeks",
        "New EHC plans issued within 20 weeks (excluding exceptions)",
        48.2,
        60,
        "%",
        "2025 Q3",
        "timeliness",
        None,
    ),
    (
        "health_advice_6_weeks",
        "Health advice returned within 6 weeks",
        71.0,
        90,
        "%",
        "2025 Q3",
        "health_needs",
        "Health",
    ),
    (
        "annual_reviews_on_time",
        "Annual reviews completed within 12 months of the last",
        63.5,
        85,
        "%",
        "2025 Q3",
        "timeliness",
        None,
    ),
    (
        "eps_advice_6_weeks",
        "EP advice returned within 6 weeks",
        92.0,
        90,
        "%",
        "2025 Q3",
        None,
        "Educational Psychology",
    ),
]


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def evidence_yaml() -> str:
    out = [
        "# Triangulation evidence for the 2025 Autumn round: what is not an audit (synthetic).",
        "# Written by examples/make_evidence.py; the format is in docs/triangulation.md.",
        "# Wolverhampton SEND QA Framework §6.9 (feedback), §6.10 (complaints and compliments),",
        "# §6.12 (performance information) and §7 (triangulation).",
        "",
        "# Every service a record may name; aliases are other names for the same service.",
        "services:",
    ]
    for name, aliases in SERVICES:
        out.append(
            f"  - {{name: {_q(name)}, aliases: [{', '.join(_q(a) for a in aliases)}]}}"
            if aliases
            else f"  - {_q(name)}"
        )
    for kind, rows in (("complaints", COMPLAINTS), ("compliments", COMPLIMENTS)):
        out += [
            "",
            f"# {kind.capitalize()} received this term, by service and theme (the Complaints and Compliance Group's log).",
            f"{kind}:",
        ]
        out += [f"  - {{service: {_q(s)}, theme: {t}, count: {n}, period: 2025 Autumn}}" for s, t, n in rows]
    out += ["", "# Survey results: the share agreeing with each statement.", "surveys:"]
    for src, title, date, q, theme, pct, n in SURVEYS:
        out += [
            f"  - source: {src}",
            f"    title: {_q(title)}",
            f"    date: {date}",
            f"    question: {_q(q)}",
            f"    theme: {theme}",
            f"    agree_percent: {pct}",
            f"    respondents: {n}",
        ]
    out += ["", "# KPIs from the Partnership Dashboard, each with its target.", "kpis:"]
    for kid, label, value, target, unit, period, theme, service in KPIS:
        out += [
            f"  - id: {kid}",
            f"    label: {_q(label)}",
            f"    value: {value}",
            f"    target: {target}",
            f"    unit: {_q(unit)}",
            f"    period: {period}",
        ]
        out += [f"    theme: {theme}"] if theme else []
        out += [f"    service: {_q(service)}"] if service else []
    return "\n".join(out) + "\n"


# ---- Microsoft Forms exports ----

FORMS_COLUMNS = ["Id", "Start time", "Completion time", "Email", "Name"]
LIKERT = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]


def _write_forms(path: Path, headers: list[str], rows: list[list], created: dt.datetime) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    wb.set_properties({"created": created})
    ws = wb.add_worksheet("Sheet1")
    stamp = wb.add_format({"num_format": "m/d/yy h:mm:ss"})  # Forms writes its own times this way
    for c, h in enumerate(headers):
        ws.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, dt.datetime):
                ws.write_datetime(r, c, v, stamp)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, v)
    wb.close()


def _likert(rng: random.Random, lean: float) -> str:
    """An answer leaning positive (lean near 1) or negative (near 0); 1 in 12 "Don't know"."""
    if rng.random() < 1 / 12:
        return "Don't know"
    x = min(max(rng.gauss(1 - lean, 0.28), 0), 0.999)
    return LIKERT[int(x * len(LIKERT))]


def family_feedback(path: Path) -> None:
    from qactl.rubric.loader import load_rubric

    rubric = load_rubric(HERE.parent / "rubrics" / "family-feedback.yaml")
    lean = {
        "family_engagement": 0.72,
        "voice_of_child": 0.88,
        "jargon": 0.72,
        "smart_outcomes": 0.62,
        "provision_specificity": 0.5,
        "multi_agency": 0.6,
        "health_needs": 0.66,
        "social_care": 0.64,
        "preparing_for_adulthood": 0.6,
        "timeliness": 0.25,
        None: 0.7,
    }
    rng = random.Random(20251103)
    headers = (
        FORMS_COLUMNS
        + [f.text for f in rubric.fields]
        + [i.text for i in rubric.items]
        + [c.text for c in rubric.comments]
    )
    went_well = [
        "The caseworker phoned us back every time.",
        "My son's views are written in his own words.",
        "The EP really understood our daughter.",
        None,
    ]
    better = [
        "We waited months for the final plan with no news.",
        "The plan arrived after the deadline and we had to chase.",
        "Section F still says 'access to' rather than how many hours.",
        None,
    ]
    rows = []
    start = dt.datetime(2025, 10, 6, 9, 0)
    for n in range(1, 25):
        t0 = start + dt.timedelta(days=n, minutes=37 * n)
        row = [n, t0, t0 + dt.timedelta(minutes=6 + n % 5), "anonymous", None]
        row += [
            f"EHCP-25-{1000 + 7 * n:04d}",
            rng.choice(rubric.fields[1].choices),
            rng.choice(rubric.fields[2].choices),
            rng.choice(["North team", "South team", "East team", None]),
        ]
        row += [_likert(rng, lean[i.theme]) for i in rubric.items]
        row += [rng.choice(went_well), rng.choice(better), None]
        rows.append(row)
    _write_forms(path, headers, rows, dt.datetime(2025, 11, 3))


def practice_conversation(path: Path) -> None:
    from qactl.rubric.loader import load_rubric

    rubric = load_rubric(HERE.parent / "rubrics" / "practice-conversation.yaml")
    scale = ["Consistently", "Mostly", "Sometimes", "Rarely"]
    lean = {"voice_of_child": 0.8, "family_engagement": 0.7, "multi_agency": 0.55, "timeliness": 0.25}
    services = [
        ("SEND casework", "North team"),
        ("SEND casework", "South team"),
        ("Educational Psychology", "EPS"),
        ("Health", "Community paediatrics"),
        ("Social care", "Disabled children's team"),
        ("Connexions", "Connexions"),
    ]
    leads = ["R. Okafor", "J. Whitfield", "S. Bhatt", "M. Lindqvist"]
    practitioners = [
        "A. Practitioner",
        "B. Practitioner",
        "C. Practitioner",
        "D. Practitioner",
        "E. Practitioner",
    ]
    rng = random.Random(20250317)
    headers = (
        FORMS_COLUMNS
        + [f.text for f in rubric.fields]
        + [i.text for i in rubric.items]
        + [c.text for c in rubric.comments]
    )
    rows = []
    for n in range(1, 19):
        service, team = services[(n - 1) % len(services)]
        day = dt.date(2025, 3, 17) + dt.timedelta(days=(n - 1) % 5)
        t0 = dt.datetime.combine(day, dt.time(10 + n % 6, 15))
        row = [n, t0, t0 + dt.timedelta(minutes=25), "lead@example.org", None]
        row += [
            day.strftime("%d/%m/%Y"),
            service,
            team,
            leads[n % len(leads)],
            practitioners[n % len(practitioners)],
            rng.choice(rubric.fields[-1].choices),
        ]
        for item in rubric.items:
            own = item.applies_if is None or item.applies_if.equals == service
            if not own:
                row.append(None)
                continue
            x = min(max(rng.gauss(1 - lean.get(item.theme, 0.6), 0.25), 0), 0.999)
            row.append(scale[int(x * len(scale))])
        row += [
            "Families say they feel heard; views are quoted in the child's words.",
            "Cases drift past 20 weeks while we wait for advice.",
            rng.choice(
                [
                    "Weekly tracker of cases at 14 weeks.",
                    "Joint visit with health before drafting.",
                    "Plain-English check of drafts.",
                ]
            ),
        ]
        rows.append(row)
    _write_forms(path, headers, rows, dt.datetime(2025, 3, 24))


def previous_actions(path: Path) -> None:
    from qactl.triangulation.actions import Action, action_id, write_actions

    rows = [
        (
            "theme:timeliness",
            "Weekly tracker of every needs assessment at 14 weeks, escalated to the service manager",
            "SEND Assessment and Planning Service Manager",
            "2025-09-30",
            "In progress",
            38.0,
        ),
        (
            "theme:voice_of_child",
            "One-page profile in the child's own words at the front of every draft plan",
            "Head of SEND and Inclusion",
            "2025-07-31",
            "Complete",
            55.0,
        ),
        (
            "theme:smart_outcomes",
            "SMART outcomes workshop for caseworkers and EPs",
            "Principal Educational Psychologist",
            "2025-10-31",
            "Not started",
            45.0,
        ),
        (
            "family-feedback:on_time",
            "Tell families the expected date of the final plan at every stage",
            "SEND casework team leaders",
            "2025-11-30",
            "In progress",
            30.0,
        ),
        (
            "practice-conversation:joined_up",
            "Joint health and casework visit before drafting section G",
            "Designated Clinical Officer",
            "2026-01-31",
            "Not started",
            50.0,
        ),
    ]
    actions = [
        Action(
            id=action_id(src),
            action=text,
            owner=owner,
            due=dt.date.fromisoformat(due),
            status=status,
            source=src,
            baseline=base,
            round="2025 Summer",
        )
        for src, text, owner, due, status, base in rows
    ]
    write_actions(path, actions, written=dt.date(2025, 7, 4))


def main(out: Path = HERE) -> None:
    (out / "evidence.yaml").write_text(evidence_yaml(), encoding="utf-8")
    family_feedback(out / "family-feedback.xlsx")
    practice_conversation(out / "practice-conversation.xlsx")
    previous_actions(out / "actions-previous.xlsx")
    for name in (
        "evidence.yaml",
        "family-feedback.xlsx",
        "practice-conversation.xlsx",
        "actions-previous.xlsx",
    ):
        print(out / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
