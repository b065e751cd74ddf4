"""`qactl moderate`: pairing, measures per item and overall, disagreements, unpaired audits, outputs."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from qactl.errors import InputError
from qactl.moderation import moderate_files, to_markdown
from qactl.results import read_moderation, rubric_schema
from qactl.rubric.loader import load_rubric


def test_twelve_children_audited_twice_match_an_independent_computation(scored, kit):
    audits, expected = kit.twelve()
    doc = moderate_files([scored("eps.json", audits)])
    assert doc["pairs"] == 12 and doc["plans"] == 12 and doc["unpaired"] == []
    items = {i["id"]: i for i in doc["items"]}
    pooled = []
    for iid in kit.ITEMS:
        a = [x for x, _ in expected[iid]]
        b = [y for _, y in expected[iid]]
        pooled += expected[iid]
        assert items[iid]["pairs"] == len(a)
        assert items[iid]["percent_agreement"] == round(
            100 * sum(x == y for x, y in expected[iid]) / len(a), 1
        )
        assert items[iid]["kappa"] == pytest.approx(kit.independent_kappa(a, b, kit.LABELS), abs=5e-4)
        assert items[iid]["weighted_kappa"] == pytest.approx(
            kit.independent_kappa(a, b, kit.LABELS, linear=True), abs=5e-4
        )
    assert items["pfa"]["pairs"] == 11 and items["formulation"]["pairs"] == 11
    o = doc["overall"]
    a = [x for x, _ in pooled]
    b = [y for _, y in pooled]
    assert o["pairs_of_answers"] == 34
    assert o["percent_agreement"] == round(100 * sum(x == y for x, y in pooled) / 34, 1)
    assert o["kappa"] == pytest.approx(kit.independent_kappa(a, b, kit.LABELS), abs=5e-4)
    assert o["weighted_kappa"] == pytest.approx(
        kit.independent_kappa(a, b, kit.LABELS, linear=True), abs=5e-4
    )
    assert o["kappa_kind"] == "linear weighted"
    by_ref = {}
    for x in audits:
        by_ref.setdefault(x["ref"], []).append(x["grade"])
    assert o["grade_agreement"] == round(100 * sum(g[0] == g[1] for g in by_ref.values()) / 12, 1)


def test_whole_scale_disagreements_listed_for_the_workshop(scored, kit):
    audit = kit.audit
    audits = [
        audit(2, "p1", "Ada Brook", {"formulation": "Fully", "smart": "Partially", "pfa": "-"}),
        audit(3, "p1", "Cal Dunn", {"formulation": "Not included", "smart": "Not included", "pfa": "-"}),
    ]
    doc = moderate_files([scored("s.json", audits)])
    assert [(d["ref"], d["item"]) for d in doc["disagreements"]] == [("p1", "formulation")]
    assert doc["disagreements"][0]["answers"][0] == {
        "auditor": "Ada Brook",
        "answer": "Fully",
        "file": doc["sources"][0]["file"],
        "row": 2,
    }
    assert doc["disagreements"][0]["answers"][1]["answer"] == "Not included"


def test_unpaired_same_auditor_and_three_audits(scored, kit):
    audit = kit.audit
    audits = [
        audit(2, "solo", "Ada Brook", {"formulation": "Fully"}),
        audit(3, "twice", "Ada Brook", {"formulation": "Fully"}),
        audit(4, "twice", "ada  brook", {"formulation": "Fully"}),  # the same person, spelt differently
        audit(5, "three", "Ada Brook", {"formulation": "Fully"}),
        audit(6, "three", "Cal Dunn", {"formulation": "Fully"}),
        audit(7, "three", "Eve Fox", {"formulation": "Partially"}),
        audit(8, None, "Eve Fox", {"formulation": "Fully"}),
    ]
    doc = moderate_files([scored("s.json", audits)])
    assert doc["pairs"] == 3  # three audits of one plan: all pairs (A-C, A-E, C-E)
    assert {i["id"]: i["pairs"] for i in doc["items"]}["formulation"] == 3
    assert {i["id"]: i["percent_agreement"] for i in doc["items"]}["formulation"] == pytest.approx(33.3)
    unpaired = {(u["ref"], u["row"]): u["reason"] for u in doc["unpaired"]}
    assert unpaired == {
        (None, 8): "no reference (the audit has errors in its identifying fields)",
        ("solo", 2): "no second audit of this plan",
        ("twice", 3): "audited by the same auditor only",
        ("twice", 4): "audited by the same auditor only",
    }


def test_pairs_across_files_and_forms_respondent(scored, kit):
    """With no auditor-role field, the Forms respondent (kept by `score` as `respondent`) names the auditor."""
    audit = kit.audit
    schema = rubric_schema(load_rubric(Path(__file__).parent.parent / "data" / "mini.yaml"))
    no_role = {**schema, "fields": [f for f in schema["fields"] if f["role"] != "auditor"]}
    first = scored(
        "first.json",
        [
            audit(2, "p1", "Ada Brook", {"formulation": "Fully"}, auditor_key="respondent"),
            audit(3, "p2", "Ada Brook", {"formulation": "Fully"}, auditor_key="respondent"),
        ],
        schema=no_role,
    )
    second = scored(
        "second.json",
        [
            audit(9, "p1", "Cal Dunn", {"formulation": "Partially"}, auditor_key="respondent"),
            audit(10, "p2", "Ada Brook", {"formulation": "Fully"}, auditor_key="respondent"),
        ],
        schema=no_role,
    )
    doc = moderate_files([first, second])
    assert doc["pairs"] == 1
    assert doc["items"][0]["percent_agreement"] == 0.0
    assert sorted((u["file"].rsplit("/", 1)[-1], u["row"]) for u in doc["unpaired"]) == [
        ("first.json", 3),
        ("second.json", 10),
    ]


def test_mixing_rubrics_is_refused(scored, kit):
    audit = kit.audit
    a = scored("a.json", [audit(2, "p1", "Ada Brook", {"formulation": "Fully"})])
    b = scored("b.json", [audit(2, "p1", "Cal Dunn", {"formulation": "Fully"})], rubric_id="health_advice")
    with pytest.raises(InputError, match="different rubrics.*one rubric at a time"):
        moderate_files([a, b])


def _qactl(*args, cwd=None):
    from inprocess import qactl

    return qactl(*args, cwd=cwd)


def test_cli_writes_json_xlsx_md(scored, tmp_path, kit):
    audit = kit.audit
    audits, _ = kit.twelve()
    audits.append(audit(40, "lonely", "Gil Hart", {"formulation": "Fully", "smart": "Fully", "pfa": "-"}))
    audits.append(audit(41, "zz", "=HYPERLINK(1)", {"formulation": "Fully", "smart": "Fully", "pfa": "-"}))
    audits.append(audit(42, "zz", "Cal Dunn", {"formulation": "Not included", "smart": "Fully", "pfa": "-"}))
    src = scored("eps-advice.json", audits)
    for suffix in (".json", ".xlsx", ".md"):
        out = tmp_path / f"moderation{suffix}"
        r = _qactl("moderate", str(src), "-o", str(out))
        assert r.returncode == 0, r.stderr
        assert out.exists()
    doc = read_moderation(tmp_path / "moderation.json")
    assert (
        doc["kind"] == "qactl.moderation" and doc["rubric"]["id"] == "mini" and doc["round"] == "2025 Autumn"
    )
    assert {u["ref"] for u in doc["unpaired"]} == {"lonely"}
    assert set(doc) >= {"pairs", "overall", "items", "disagreements", "unpaired", "qactl", "format"}
    wb = openpyxl.load_workbook(tmp_path / "moderation.xlsx")
    assert wb.sheetnames == ["Items", "To discuss", "Disagreements", "Unpaired", "About"]
    assert wb["Items"]["A2"].value == "formulation"
    cells = {c.value: c.data_type for row in wb["Disagreements"].iter_rows() for c in row}
    assert cells["=HYPERLINK(1)"] == "s"  # a person's text never becomes a formula
    md = (tmp_path / "moderation.md").read_text(encoding="utf-8")
    assert "## To discuss" in md and "lonely" in md and "Cohen's kappa (linear weighted)" in md


def test_cli_refuses_and_writes_nothing(scored, tmp_path, kit):
    audit = kit.audit
    a = scored("a.json", [audit(2, "p1", "Ada Brook", {"formulation": "Fully"})])
    b = scored("b.json", [audit(2, "p1", "Cal Dunn", {"formulation": "Fully"})], rubric_id="other")
    out = tmp_path / "m.json"
    r = _qactl("moderate", str(a), str(b), "-o", str(out))
    assert r.returncode == 2 and "different rubrics" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists() and not list(tmp_path.glob(".m.json*"))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"kind": "qactl.allocation", "format": 1}), encoding="utf-8")
    r = _qactl("moderate", str(bad), "-o", str(out))
    assert r.returncode == 2 and "not scored audits" in r.stderr
    r = _qactl("moderate", str(a), "-o", str(tmp_path / "m.csv"))
    assert r.returncode == 2 and ".json, .xlsx or .md" in r.stderr


def test_jsonl_input_duplicates_reported_and_round_label(scored, kit):
    audit = kit.audit
    dup = audit(4, "p1", "Ada Brook", {"formulation": "Fully"})
    dup["status"] = "duplicate"
    src = scored(
        "big.jsonl",
        [
            audit(2, "p1", "Ada Brook", {"formulation": "Fully"}),
            audit(3, "p1", "Cal Dunn", {"formulation": "Fully"}),
            dup,
        ],
    )
    doc = moderate_files([src], round_label="2026 Spring")
    assert doc["round"] == "2026 Spring" and doc["pairs"] == 1
    assert [(u["row"], u["reason"]) for u in doc["unpaired"]] == [
        (4, "a duplicate row of the export (left out)")
    ]
    # one answer throughout from both auditors: agreement 100 %, kappa undefined (not 1, not 0)
    item = doc["items"][0]
    assert (item["percent_agreement"], item["kappa"], item["weighted_kappa"]) == (100.0, None, None)


def test_no_pairs_is_said_not_hidden(scored, kit):
    audit = kit.audit
    doc = moderate_files(
        [
            scored(
                "s.json",
                [
                    audit(2, "p1", "Ada Brook", {"formulation": "Fully"}),
                    audit(3, "p2", "Cal Dunn", {"formulation": "Fully"}),
                ],
            )
        ]
    )
    assert doc["pairs"] == 0 and doc["overall"]["kappa"] is None and len(doc["unpaired"]) == 2
    assert any("No plan was audited by two different auditors" in n for n in doc["notes"])


def test_audits_of_different_rounds_do_not_pair(scored, kit):
    audit = kit.audit
    summer = scored(
        "summer.json", [audit(2, "p1", "Ada Brook", {"formulation": "Fully"})], round_label="2025 Summer"
    )
    autumn = scored(
        "autumn.json",
        [
            audit(2, "p1", "Cal Dunn", {"formulation": "Fully"}),
            audit(3, "p1", "Eve Fox", {"formulation": "Partially"}),
        ],
        round_label="2025 Autumn",
    )
    doc = moderate_files([summer, autumn])
    assert doc["pairs"] == 1 and doc["round"] == "2025 Summer + 2025 Autumn"
    assert [(u["ref"], u["file"].rsplit("/", 1)[-1]) for u in doc["unpaired"]] == [("p1", "summer.json")]


def test_read_moderation_refuses_a_damaged_file(tmp_path):
    p = tmp_path / "m.json"
    p.write_text(
        json.dumps(
            {
                "kind": "qactl.moderation",
                "format": 1,
                "qactl": "0.1.0",
                "rubric": {"id": "x", "version": "1", "title": "t"},
                "round": None,
                "pairs": "many",
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="damaged: at pairs"):
        read_moderation(p)


def test_files_are_named_by_their_names_not_the_folders_they_sit_in(scored, kit, tmp_path):
    """The handout goes round a workshop: a file is named `eps-advice.json`, not `/home/…/Case of …/eps-advice.json`;
    only when two files share a name does the path as given tell them apart."""
    audit = kit.audit
    one = scored("autumn.json", [audit(2, "p1", "Ada Brook", {"formulation": "Fully"})])
    (tmp_path / "Team North").mkdir()
    other = scored("Team North/spring.json", [audit(5, "p1", "Cal Dunn", {"formulation": "Partially"})])
    doc = moderate_files([one.resolve(), other.resolve()])
    assert [s["file"] for s in doc["sources"]] == ["autumn.json", "spring.json"]
    handout = to_markdown(doc)
    assert str(tmp_path) not in handout and "Team North" not in handout
    assert "autumn.json, row 2" in handout and "spring.json, row 5" in handout

    twin = scored("Team North/autumn.json", [audit(7, "p1", "Cal Dunn", {"formulation": "Partially"})])
    doc = moderate_files([one, twin])
    assert [s["file"] for s in doc["sources"]] == [str(one), str(twin)]
