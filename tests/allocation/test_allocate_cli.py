"""`qactl allocate` end to end, on real .csv/.xlsx/.yaml files."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from qactl.results import read_allocation

ORGS = {
    "S1": "Council SENSTART",
    "S2": "Council SENSTART",
    "E1": "Council EPS",
    "E2": "Council EPS",
    "H1": "Northwood Trust",
    "K1": "Elm Primary",
}
WINDOW = ("--from", "01/01/2025", "--to", "31/12/2025")  # every test plan is issued in 2025
SERVICE = {"S1": "SENSTART", "S2": "SENSTART", "E1": "EPS", "E2": "EPS", "H1": "Health", "K1": "Schools"}


def contributors(plans: Path) -> dict[str, set[str]]:
    import csv

    with plans.open(encoding="utf-8") as f:
        return {
            r["plan_id"]: {c.strip() for c in r["contributors"].split(";") if c.strip()}
            for r in csv.DictReader(f)
        }


def test_every_auditor_gets_their_capacity_with_no_conflict_and_moderators_from_another_service(area, cli):
    out = area["dir"] / "alloc.json"
    code, _, err = cli(
        "allocate",
        *WINDOW,
        "--plans",
        area["plans"],
        "--cohort",
        area["cohort"],
        "--moderation",
        "2",
        "--seed",
        "5",
        "-o",
        out,
    )
    assert code == 0, err
    doc = read_allocation(out)
    load: dict[str, int] = {}
    for x in doc["assignments"]:
        load[x["auditor_id"]] = load.get(x["auditor_id"], 0) + 1
    assert load == {a: 2 for a in ORGS}  # 12 places: 10 plans + 2 moderation
    assert len(doc["sample"]) == 10 and sum(s["moderation"] for s in doc["sample"]) == 2
    contrib = contributors(area["plans"])
    for x in doc["assignments"]:
        names = contrib[x["plan_id"]]
        assert x["auditor_id"] not in names and ORGS[x["auditor_id"]] not in names
    by_plan: dict[str, list[dict]] = {}
    for x in doc["assignments"]:
        by_plan.setdefault(x["plan_id"], []).append(x)
    moderated = [v for v in by_plan.values() if len(v) == 2]
    assert len(moderated) == 2
    for pair in moderated:
        assert sorted(x["role"] for x in pair) == ["moderation", "primary"]
        assert SERVICE[pair[0]["auditor_id"]] != SERVICE[pair[1]["auditor_id"]]
    assert doc["seed"] == 5 and "seed 5" in err


def test_same_seed_gives_the_same_bytes(area, cli):
    a, b = area["dir"] / "a.json", area["dir"] / "b.json"
    for out in (a, b):
        code, _, err = cli(
            "allocate",
            *WINDOW,
            "--plans",
            area["plans"],
            "--cohort",
            area["cohort"],
            "--sample",
            "8",
            "--moderation",
            "1",
            "--seed",
            "42",
            "--due",
            "01/12/2025",
            "-o",
            out,
        )
        assert code == 0, err
    assert a.read_bytes() == b.read_bytes()
    c = area["dir"] / "c.json"
    cli(
        "allocate",
        *WINDOW,
        "--plans",
        area["plans"],
        "--cohort",
        area["cohort"],
        "--sample",
        "8",
        "--moderation",
        "1",
        "--seed",
        "43",
        "--due",
        "01/12/2025",
        "-o",
        c,
    )
    assert json.loads(c.read_text())["sample"] != json.loads(a.read_text())["sample"]


def test_default_seed_comes_from_the_round_and_is_printed(area, cli):
    out = area["dir"] / "a.json"
    code, _, err = cli(
        "allocate",
        "--plans",
        area["plans"],
        "--cohort",
        area["cohort"],
        "--round",
        "2025 Summer",
        "--sample",
        "4",
        "-o",
        out,
    )
    assert code == 0, err
    doc = read_allocation(out)
    assert f"seed {doc['seed']}" in err
    assert doc["due"] == "2025-06-29"  # 28 days after the Summer round starts (1 June)
    assert all("2025-03-01" <= s["issued"] <= "2025-05-31" for s in doc["sample"])


def test_infeasible_exits_2_names_the_bottleneck_and_writes_nothing(kit, tmp_path, cli):
    cohort = tmp_path / "cohort.yaml"
    cohort.write_text(kit.COHORT, encoding="utf-8")
    # X0..X2 name every auditor but S1 and E1 (one place each): three plans, two places
    others = "S2; Council EPS; Northwood Trust; Elm Primary"
    rows = [
        [f"X{i}", "02/05/2025", "new", "North", "KS2", "ASD", others.replace("Council EPS", "E2")]
        for i in range(3)
    ]
    rows += [[f"Y{i}", "02/05/2025", "new", "South", "KS3", "ASD", ""] for i in range(3)]
    plans = kit.write_csv(tmp_path / "plans.csv", kit.HEADER, rows)
    cohort.write_text(
        kit.COHORT.replace("id: S1, name: Ann Senstart,", "id: S1, name: Ann Senstart, capacity: 1,").replace(
            "id: E1, name: Cat Psych,", "id: E1, name: Cat Psych, capacity: 1,"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "alloc.xlsx"
    code, _, err = cli("allocate", *WINDOW, "--plans", plans, "--cohort", cohort, "--sample", "6", "-o", out)
    assert code == 2
    assert "Plans X0, X1, X2 can only be audited by S1, E1, who have 2 places between them" in err
    assert "lower --sample" in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".alloc*"))


def test_keep_moves_only_the_plans_of_the_auditor_who_dropped_out(kit, area, cli):
    first = area["dir"] / "first.json"
    code, _, err = cli(
        "allocate",
        *WINDOW,
        "--plans",
        area["plans"],
        "--cohort",
        area["cohort"],
        "--sample",
        "8",
        "--moderation",
        "1",
        "--seed",
        "3",
        "-o",
        first,
    )
    assert code == 0, err
    before = {(x["plan_id"], x["auditor_id"], x["role"]) for x in read_allocation(first)["assignments"]}
    gone = "H1"
    assert any(a == gone for _, a, _ in before)
    area["cohort"].write_text(
        kit.COHORT.replace("id: H1, name: Eve Health,", "id: H1, name: Eve Health, available: false,"),
        encoding="utf-8",
    )
    second = area["dir"] / "second.json"
    code, _, err = cli(
        "allocate", "--plans", area["plans"], "--cohort", area["cohort"], "--keep", first, "-o", second
    )
    assert code == 0, err
    after = {(x["plan_id"], x["auditor_id"], x["role"]) for x in read_allocation(second)["assignments"]}
    assert {x for x in before if x[1] != gone} <= after
    assert not any(a == gone for _, a, _ in after)
    assert {p for p, _, _ in after} == {p for p, _, _ in before}
    moved = sum(1 for x in before if x[1] == gone)
    assert f"Kept {len(before) - moved} assignments, moved {moved}." in err


def test_history_pairs_are_not_repeated_when_avoidable(area, cli):
    first = area["dir"] / "first.json"
    cli(
        "allocate",
        *WINDOW,
        "--plans",
        area["plans"],
        "--cohort",
        area["cohort"],
        "--sample",
        "6",
        "--seed",
        "9",
        "-o",
        first,
    )
    second = area["dir"] / "second.json"
    code, _, err = cli(
        "allocate",
        *WINDOW,
        "--plans",
        area["plans"],
        "--cohort",
        area["cohort"],
        "--sample",
        "6",
        "--seed",
        "9",
        "--history",
        first,
        "-o",
        second,
    )
    assert code == 0, err
    a = {(x["plan_id"], x["auditor_id"]) for x in read_allocation(first)["assignments"]}
    b = {(x["plan_id"], x["auditor_id"]) for x in read_allocation(second)["assignments"]}
    assert not a & b


def test_duplicate_plan_id_names_both_rows(kit, area, cli):
    rows = kit.plan_rows(5)
    rows.append(rows[1][:])
    plans = kit.write_csv(area["dir"] / "dup.csv", kit.HEADER, rows)
    code, _, err = cli(
        "allocate", *WINDOW, "--plans", plans, "--cohort", area["cohort"], "-o", area["dir"] / "x.json"
    )
    assert code == 2
    assert "dup.csv!A7: plan ID 'P001' is also on row 3" in err
    assert not (area["dir"] / "x.json").exists()


def test_missing_plan_id_column_names_what_is_looked_for(kit, area, cli):
    plans = kit.write_csv(area["dir"] / "noid2.csv", ["reference", "issued"], [["P1", "01/01/2025"]])
    code, _, err = cli(
        "allocate", *WINDOW, "--plans", plans, "--cohort", area["cohort"], "-o", area["dir"] / "x.json"
    )
    assert (
        code == 2
        and "no plan id column in the header (row 1): qactl looks for a column headed Plan ID, EHCP ID" in err
    )
    assert not (area["dir"] / "x.json").exists()


def test_auditor_with_no_id_names_the_cohort_line(kit, area, cli):
    area["cohort"].write_text(kit.COHORT + "  - {name: No Id, service: EPS}\n", encoding="utf-8")
    code, _, err = cli(
        "allocate",
        *WINDOW,
        "--plans",
        area["plans"],
        "--cohort",
        area["cohort"],
        "-o",
        area["dir"] / "x.json",
    )
    assert code == 2
    assert "cohort.yaml:8:" in err and "id" in err and "Traceback" not in err


def test_cohort_sheet_with_a_row_without_id(kit, area, cli):
    cohort = kit.write_csv(
        area["dir"] / "cohort.csv",
        ["id", "name", "service", "organisation", "capacity"],
        [["S1", "Ann", "SENSTART", "Council", "2"], ["", "Nobody", "EPS", "Council EPS", "2"]],
    )
    code, _, err = cli(
        "allocate", *WINDOW, "--plans", area["plans"], "--cohort", cohort, "-o", area["dir"] / "x.json"
    )
    assert code == 2 and "cohort.csv!A3: auditor with no id" in err


def test_xlsx_register_with_day_first_dates_and_xlsx_output(kit, tmp_path, cli):
    cohort = tmp_path / "cohort.yaml"
    cohort.write_text(kit.COHORT, encoding="utf-8")
    plans = tmp_path / "plans.xlsx"
    wb = xlsxwriter.Workbook(str(plans))
    ws = wb.add_worksheet("Register")
    ws.write_row(0, 0, ["Plan ID", "Issued", "Type", "Team", "Key stage", "Primary need", "Contributors"])
    # 03/04/2025 is 3 April (in the window); 04/03/2025 is 4 March (outside it); Q4 is an annual review
    data = [
        ["Q1", "03/04/2025", "New", "North", "KS2", "SEMH", "E1"],
        ["Q2", "04/03/2025", "New", "South", "KS2", "SEMH", ""],
        ["Q3", "30/04/2025", "Amended", "East", "KS3", "ASD", "Elm Primary"],
        ["Q4", "10/04/2025", "Annual review", "East", "KS3", "SEMH", ""],
    ]
    for r, row in enumerate(data, start=1):
        ws.write_row(r, 0, row)
    wb.close()
    out = tmp_path / "alloc.xlsx"
    code, _, err = cli(
        "allocate",
        "--plans",
        plans,
        "--cohort",
        cohort,
        "--from",
        "01/04/2025",
        "--to",
        "30/04/2025",
        "--sample",
        "2",
        "--seed",
        "1",
        "--mail-merge",
        tmp_path / "merge.csv",
        "-o",
        out,
    )
    assert code == 0, err
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:2] == ["Workload", "Allocation"] and book.sheetnames[-2:] == ["Sample", "About"]
    alloc = [r for r in book["Allocation"].iter_rows(min_row=2, values_only=True)]
    assert sorted(r[0] for r in alloc) == ["Q1", "Q3"]
    assert all(r[3] == "Audit" for r in alloc)
    sample = {r[0]: r[8] for r in book["Sample"].iter_rows(min_row=2, values_only=True)}
    assert sample["Q1"] == "Drawn at random from the plans of North at KS2."
    about = {r[0]: r[1] for r in book["About"].iter_rows(min_row=3, values_only=True)}
    assert (
        about["Random seed"].startswith("1: run qactl allocate again with --seed 1")
        and "SHA-256" in about["Plans register"]
    )
    per_auditor = book.sheetnames[2:-2]
    assert len(per_auditor) == 2
    merge = (tmp_path / "merge.csv").read_text(encoding="utf-8-sig").splitlines()
    assert (
        merge[0] == "First name,Name,Email,Service,Number of plans,Plans,Form,Form link,Due,Round"
        and len(merge) == 3
    )


def test_focus_takes_a_dip_sample(kit, area, cli):
    out = area["dir"] / "a.csv"
    code, _, err = cli(
        "allocate",
        *WINDOW,
        "--plans",
        area["plans"],
        "--cohort",
        area["cohort"],
        "--focus",
        "primary_need=SEMH",
        "--sample",
        "3",
        "--seed",
        "2",
        "-o",
        out,
    )
    assert code == 0, err
    needs = {r[0]: r[5] for r in kit.plan_rows()}
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "plan_id,auditor_id,auditor,service,role,due"
    assert len(lines) == 4 and all(needs[line.split(",")[0]] == "SEMH" for line in lines[1:])


@pytest.mark.parametrize("bad", ["x.txt", "x.xls"])
def test_unknown_output_suffix(area, cli, bad):
    code, _, err = cli(
        "allocate", *WINDOW, "--plans", area["plans"], "--cohort", area["cohort"], "-o", area["dir"] / bad
    )
    assert code == 2 and ".xlsx" in err
