"""The shipped examples allocate cleanly: the demo's command, checked against the register and the cohort."""

from __future__ import annotations

from pathlib import Path

from qactl.allocation.inputs import read_cohort, read_plans
from qactl.results import read_allocation

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_demo_allocation_keeps_every_hard_rule(tmp_path, cli):
    out = tmp_path / "allocation.json"
    code, _, err = cli(
        "allocate",
        "--plans",
        EXAMPLES / "plans.xlsx",
        "--cohort",
        EXAMPLES / "cohort.yaml",
        "--round",
        "2025 Autumn",
        "--moderation",
        "6",
        "--history",
        EXAMPLES / "previous-allocation.json",
        "-o",
        out,
    )
    assert code == 0, err
    doc = read_allocation(out)
    plans = {p.plan_id: p for p in read_plans(EXAMPLES / "plans.xlsx")[0]}
    auditors = {a.id: a for a in read_cohort(EXAMPLES / "cohort.yaml")[0]}
    assert 25 <= len(auditors) <= 30
    for x in doc["assignments"]:
        p, a = plans[x["plan_id"]], auditors[x["auditor_id"]]
        assert a.id not in p.contributors and a.organisation not in p.contributors
        assert p.type in ("new", "amended") and "2025-06-01" <= p.issued.isoformat() <= "2025-09-30"
    load: dict[str, int] = {}
    for x in doc["assignments"]:
        load[x["auditor_id"]] = load.get(x["auditor_id"], 0) + 1
    assert all(load.get(i, 0) <= (a.capacity if a.capacity is not None else 2) for i, a in auditors.items())
    assert min(load.get(i, 0) for i in auditors) >= 1  # fewer audits than places: shared evenly
    earlier = {
        (x["plan_id"], x["auditor_id"])
        for x in read_allocation(EXAMPLES / "previous-allocation.json")["assignments"]
    }
    assert not earlier & {(x["plan_id"], x["auditor_id"]) for x in doc["assignments"]}
