"""Write examples/plans.xlsx: a synthetic plans register of 160 EHC plans issued over a year (deterministic).

Run: python examples/make_plans.py. Every id, person and setting is invented. Contributors name the
people (auditor ids such as A11, or other staff ids) and the organisations and settings who gave
input, separated by ';', as a case management export would list them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

TEAMS = ["North", "South", "East", "West"]
KEY_STAGES = ["EYFS", "KS1", "KS2", "KS3", "KS4", "Post-16"]
NEEDS = ["ASD", "SEMH", "SLCN", "MLD", "SpLD", "PD", "HI", "VI", "SLD", "PMLD"]
NEED_WEIGHTS = [26, 20, 16, 12, 5, 5, 3, 2, 7, 4]
SETTINGS = {
    "EYFS": ["Little Acorns Nursery", "Wexcombe Early Years Centre", "St Aldhelm's Primary"],
    "KS1": ["St Aldhelm's Primary", "Millbrook Primary", "Hollins Park School", "Canal Side Infants"],
    "KS2": ["St Aldhelm's Primary", "Millbrook Primary", "Hollins Park School", "Oakfield Juniors"],
    "KS3": ["Brookfield High School", "Wexcombe Academy", "Hollins Park School", "Riverside High"],
    "KS4": ["Brookfield High School", "Wexcombe Academy", "Riverside High", "Hollins Park School"],
    "Post-16": ["Wexcombe College", "Hollins Park School", "Brookfield High School"],
}
OFFICERS = {t: [f"CO-{t[0]}{i}" for i in range(1, 4)] for t in TEAMS}
EPS = ["A10", "A11", "A12", "EP-07", "EP-09", "EP-14", "EP-21"]
HEALTH = ["A14", "A16", "A17", "A18", "SLT-03", "OT-05", "PAED-02", "Wexcombe Children's Therapies"]
SOCIAL = ["A19", "A20", "SW-11", "SW-18", "Wexcombe Children in Care"]
POST16 = ["A26", "A27", "Wexcombe Connexions"]


def main(out: Path = Path(__file__).with_name("plans.xlsx")) -> None:
    rng = random.Random(2025)
    start = date(2024, 10, 1)
    rows = []
    for n in range(1, 161):
        issued = start + timedelta(days=rng.randrange(365))
        team = rng.choice(TEAMS)
        ks = rng.choices(KEY_STAGES, weights=[8, 14, 24, 24, 18, 12])[0]
        need = rng.choices(NEEDS, weights=NEED_WEIGHTS)[0]
        ptype = rng.choices(["new", "amended", "annual review"], weights=[50, 35, 15])[0]
        setting = rng.choice(SETTINGS[ks])
        officer = rng.choice(OFFICERS[team])
        people = [officer, setting, rng.choice(EPS)]
        if rng.random() < 0.6:
            people.append(rng.choice(HEALTH))
        if rng.random() < 0.3 or need == "SEMH" and rng.random() < 0.5:
            people.append(rng.choice(SOCIAL))
        if ks in ("KS4", "Post-16") and rng.random() < 0.5:
            people.append(rng.choice(POST16))
        if rng.random() < 0.05:
            people.append("A22")
        rows.append(
            [
                f"EHCP-{n:04d}",
                issued,
                ptype,
                team,
                officer,
                setting,
                ks,
                need,
                "; ".join(dict.fromkeys(people)),
            ]
        )
    rows.sort(key=lambda r: (r[1], r[0]))
    wb = xlsxwriter.Workbook(
        str(out), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    ws = wb.add_worksheet("Plans")
    bold = wb.add_format({"bold": True})
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(
        0,
        0,
        [
            "Plan ID",
            "Issued",
            "Type",
            "Team",
            "Officer",
            "Setting",
            "Key stage",
            "Primary need",
            "Contributors",
        ],
        bold,
    )
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row[:1])
        ws.write_datetime(r, 1, row[1], day)
        ws.write_row(r, 2, row[2:])
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 12)
    ws.set_column(5, 5, 28)
    ws.set_column(8, 8, 60)
    ws.freeze_panes(1, 0)
    wb.close()


if __name__ == "__main__":
    main()
