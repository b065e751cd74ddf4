"""Services to review: grouped by the services that contributed to each audited plan, never by the auditor's service
or the child's setting; small counts suppressed; one short pack per service; providers named where the audit is of them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from qactl.errors import OutputError
from qactl.report import ReportRequest, write_report


def _with_contributors(path: Path, services: dict[int, str | None], *, setting: str | None = None) -> Path:
    """The scored file with a contributors field (role ``contributors``), as the ehcp-quality rubric records it."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["schema"]["fields"] += [
        {"id": "contributors", "text": "Services that contributed", "role": "contributors", "pii": False},
        {"id": "setting", "text": "School or setting", "role": "setting", "pii": False},
    ]
    for i, a in enumerate(doc["audits"]):
        if services.get(i):
            a["fields"]["contributors"] = services[i]
        a["fields"]["setting"] = setting or "St Example's Primary"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


GRADES = ["Inadequate"] * 7 + ["Requires improvement"] * 3 + ["Good"] * 4


def test_audits_to_review_are_grouped_by_the_services_that_contributed(tmp_path, quality, kit):
    # 10 audits in the lowest grades: EPS contributed to 7, Health to 5 (2 together with EPS), Social care to 1; 1 records none
    who = {
        0: "EPS; Health",
        1: "EPS",
        2: "EPS",
        3: "EPS; Health",
        4: "EPS",
        5: "EPS",
        6: "EPS",
        7: "Health",
        8: "Health; Social care",
        9: None,
        10: "EPS",
        11: "EPS",
    }  # the Good ones (10–13) are not to review
    path = _with_contributors(
        kit.write_doc(tmp_path / "q.json", quality, kit.quality_audits(quality, GRADES), "2026 Spring"), who
    )
    packs = tmp_path / "packs"
    packs.mkdir()
    out = tmp_path / "r.html"
    outcome = write_report(ReportRequest(inputs=[path], output=out, service_packs=packs))
    html = out.read_text(encoding="utf-8")
    table = re.search(r'<table id="services-table">.*?</table>', html, flags=re.S).group(0)
    rows = re.findall(r'<th scope="row" id="[^"]+">([^<]+)</th><td class="n">([^<]+)</td>', table)
    assert rows == [("EPS", "7"), ("Health", "&lt;5"), ("Social care", "&lt;5")]  # counts under 5 suppressed
    assert "EPS contributed to 7 of the 10 audits of plans graded in the lowest grades" in html
    assert (
        "1 audit of Quality of EHC plans (test rubric)" in html
    )  # the one with no contributor is counted, not guessed
    assert "St Example" not in html  # a child's setting is never shown in an audit of a plan
    assert sorted(p.name for p in outcome.packs) == ["eps.html", "health.html", "social-care.html"]
    eps = (packs / "eps.html").read_text(encoding="utf-8")
    assert (
        eps.count('<tr><th scope="row">P') == 7 and "Plans to review: EPS" in eps
    )  # its plans, by plan reference
    assert "Outcomes are SMART" in eps  # and the criteria the audit found not met
    assert "St Example" not in eps and "Auditor A" not in eps


def test_services_come_from_the_allocation_when_the_audit_does_not_record_them(tmp_path, quality, kit):
    path = kit.write_doc(tmp_path / "q.json", quality, kit.quality_audits(quality, GRADES), "2026 Spring")
    alloc = kit.write_json(
        tmp_path / "alloc.json",
        {
            "kind": "qactl.allocation",
            "round": "2026 Spring",
            "seed": 1,
            "assignments": [{"plan_id": f"P{i}", "auditor_id": "A01", "role": "primary"} for i in range(14)],
            "auditors": [{"id": "A10", "service": "EPS"}, {"id": "A14", "service": "Health"}],
            # a contributor that is a person (A10: EPS), a service named as such, and a school: the school is never a service
            "sample": [
                {
                    "plan_id": f"P{i}",
                    "contributors": "A10; CO-N1; Hollins Park School" if i < 6 else "Health; A10",
                }
                for i in range(14)
            ],
        },
    )
    out = tmp_path / "r.md"
    write_report(ReportRequest(inputs=[path], allocation=[alloc], output=out))
    text = out.read_text(encoding="utf-8")
    assert "| EPS | 10 |" in text and "| Health | &lt;5 |" in text
    assert "Hollins" not in text and "CO-N1" not in text


def test_providers_and_schools_are_named_where_the_audit_is_of_them(tmp_path, kit):
    from qactl.rubric.loader import resolve

    ap = resolve("ap-quality").rubric
    audits = [
        kit.make_audit(
            ap,
            i + 2,
            {},
            fields={"provider": f"Riverside Learning Centre {i % 2}", "auditor_service": "Education"},
        )
        for i in range(4)
    ]
    path = kit.write_doc(tmp_path / "ap.json", ap, audits, "2026 Spring")
    out = tmp_path / "r.md"
    write_report(ReportRequest(inputs=[path], output=out))
    text = out.read_text(encoding="utf-8")
    assert (
        "| Riverside Learning Centre 0 | 2 |" in text and "| Riverside Learning Centre 1 | 2 |" in text
    )  # named, not suppressed
    assert "Education" not in text.split("## Audits", 1)[1].split("## Surveys", 1)[0].split("Each provider")[
        0
    ].replace("Alternative provision", "")


def test_service_packs_need_an_existing_folder_and_nothing_is_written_without_it(tmp_path, files):
    out = tmp_path / "r.html"
    with pytest.raises(OutputError, match="Create the folder first"):
        write_report(ReportRequest(inputs=[files["quality"]], output=out, service_packs=tmp_path / "missing"))
    assert not out.exists()
