"""Evidence files: YAML and workbooks load; bad ones get located errors (line, or cell)."""

from __future__ import annotations

import datetime as dt
from textwrap import dedent

import pytest

from qactl.errors import ConfigError, InputError
from qactl.triangulation.evidence import load_evidence

GOOD_YAML = """\
services:
  - {name: SEND casework, aliases: [SENSTART]}
  - Health
  - Educational Psychology
complaints:
  - {service: SEND casework, theme: timeliness, count: 12, period: 2025 Autumn}
  - {service: senstart, theme: family_engagement, count: 3}
compliments:
  - {service: Educational Psychology, theme: voice_of_child, count: 7}
surveys:
  - {source: Parent Carer Forum, date: 14/07/2025, question: Plans are finished on time, theme: timeliness, agree_percent: 31, respondents: 198}
kpis:
  - id: ehcna_20_weeks
    label: EHC plans within 20 weeks
    value: 48.2
    target: 60
    theme: timeliness
"""


def _yaml(tmp_path, text: str):
    p = tmp_path / "evidence.yaml"
    p.write_text(dedent(text), encoding="utf-8")
    return p


def _problems(exc_info) -> list[str]:
    return [str(p) for p in exc_info.value.problems]


def test_yaml_loads_with_canonical_services(tmp_path, themes):
    ev = load_evidence(_yaml(tmp_path, GOOD_YAML), themes)
    assert [c.service for c in ev.complaints] == ["SEND casework", "SEND casework"]
    assert ev.complaints[0].period == "2025 Autumn"
    assert ev.surveys[0].source == "PCF" and ev.surveys[0].date == dt.date(2025, 7, 14)
    k = ev.kpis[0]
    assert (k.value, k.target, k.unit, k.met, k.gap) == (48.2, 60, "%", False, -11.8)


def test_example_evidence_loads(root, themes):
    ev = load_evidence(root / "examples" / "evidence.yaml", themes)
    assert {s.source for s in ev.surveys} == {"PCF", "CYP", "SENCO"}
    assert {"ehcna_20_weeks", "health_advice_6_weeks", "annual_reviews_on_time"} <= {k.id for k in ev.kpis}


def test_unknown_service_names_the_line_and_suggests(tmp_path, themes):
    bad = GOOD_YAML.replace("{service: Educational Psychology,", "{service: Educational Psychologie,")
    path = _yaml(tmp_path, bad)
    with pytest.raises(ConfigError) as e:
        load_evidence(path, themes)
    (msg,) = _problems(e)
    assert msg.startswith(f"{path}:9:")
    assert (
        "unknown service 'Educational Psychologie'" in msg and "did you mean 'Educational Psychology'?" in msg
    )


def test_kpi_without_target_is_an_error_on_its_line(tmp_path, themes):
    path = _yaml(tmp_path, GOOD_YAML.replace("    target: 60\n", ""))
    with pytest.raises(ConfigError) as e:
        load_evidence(path, themes)
    (msg,) = _problems(e)
    assert msg.startswith(f"{path}:13:") and "missing the required key `target`" in msg


def test_text_where_a_count_should_be_names_the_line(tmp_path, themes):
    path = _yaml(tmp_path, GOOD_YAML.replace("count: 12", "count: twelve"))
    with pytest.raises(ConfigError) as e:
        load_evidence(path, themes)
    (msg,) = _problems(e)
    assert msg.startswith(f"{path}:6:") and "`count`" in msg and "'twelve'" in msg


def test_unknown_theme_and_every_problem_at_once(tmp_path, themes):
    text = GOOD_YAML.replace("theme: voice_of_child", "theme: voice_of_chlid").replace(
        "service: Health", "service: Helth"
    )
    text = text.replace("  - Health\n", "  - Health\n").replace("{service: senstart,", "{service: Helth,")
    with pytest.raises(ConfigError) as e:
        load_evidence(_yaml(tmp_path, text), themes)
    msgs = _problems(e)
    assert len(msgs) == 2
    assert any("unknown service 'Helth'" in m and "did you mean 'Health'" in m and ":7:" in m for m in msgs)
    assert any(
        "unknown theme 'voice_of_chlid' (did you mean 'voice_of_child'?)" in m and ":9:" in m for m in msgs
    )


def test_no_theme_check_without_themes(tmp_path):
    ev = load_evidence(
        _yaml(tmp_path, GOOD_YAML.replace("theme: voice_of_child", "theme: local_theme")), None
    )
    assert ev.compliments[0].theme == "local_theme"


# ---- workbooks ----


def test_workbook_loads(tmp_path, themes, workbook, good_sheets):
    ev = load_evidence(workbook(tmp_path / "ev.xlsx", good_sheets), themes)
    assert [(c.service, c.count) for c in ev.complaints] == [("SEND casework", 12), ("Health", 2)]
    assert ev.compliments[0].service == "Educational Psychology"  # by its alias EPS
    assert ev.surveys[0].agree_percent == 31 and ev.surveys[0].date == dt.date(2025, 7, 14)
    assert ev.kpis[0].higher_is_better is True and ev.kpis[0].target == 60


def test_text_in_a_count_cell_names_the_cell(tmp_path, themes, workbook, good_sheets):
    good_sheets["Complaints"].append(["Health", "timeliness", "about ten", None])
    with pytest.raises(ConfigError) as e:
        load_evidence(workbook(tmp_path / "ev.xlsx", good_sheets), themes)
    (msg,) = _problems(e)
    assert "Complaints!C4: count must be a whole number, found 'about ten'" in msg


def test_unknown_service_in_a_sheet_names_the_cell(tmp_path, themes, workbook, good_sheets):
    good_sheets["Compliments"].append(["Educational Psycology", "voice_of_child", 2])
    with pytest.raises(ConfigError) as e:
        load_evidence(workbook(tmp_path / "ev.xlsx", good_sheets), themes)
    (msg,) = _problems(e)
    assert (
        "Compliments!A3: unknown service 'Educational Psycology' (did you mean 'Educational Psychology'?)"
        in msg
    )


def test_kpi_with_a_blank_target_names_the_cell(tmp_path, themes, workbook, good_sheets):
    good_sheets["KPIs"].append(
        ["health_6_weeks", "Health advice within 6 weeks", 71, None, "%", "2025 Q3", "health_needs", "Yes"]
    )
    with pytest.raises(ConfigError) as e:
        load_evidence(workbook(tmp_path / "ev.xlsx", good_sheets), themes)
    (msg,) = _problems(e)
    assert "KPIs!D3: missing target" in msg and "every KPI needs" in msg


def test_kpi_sheet_without_a_target_column(tmp_path, themes, workbook, good_sheets):
    good_sheets["KPIs"] = [["ID", "Label", "Value"], ["ehcna_20_weeks", "EHC plans within 20 weeks", 48.2]]
    with pytest.raises(ConfigError) as e:
        load_evidence(workbook(tmp_path / "ev.xlsx", good_sheets), themes)
    (msg,) = _problems(e)
    assert "KPIs!2: missing target (the sheet has no `target` column)" in msg


def test_bad_survey_source_and_percent(tmp_path, themes, workbook, good_sheets):
    good_sheets["Surveys"].append(["Staff", None, "01/05/2025", "Q", "jargon", 140, 10])
    with pytest.raises(ConfigError) as e:
        load_evidence(workbook(tmp_path / "ev.xlsx", good_sheets), themes)
    msgs = _problems(e)
    assert any("Surveys!A3: the source must be PCF, CYP, SENCO or other, found 'Staff'" in m for m in msgs)
    assert any(
        m.endswith("Surveys!F3: agree_percent should be less than or equal to 100, found 140") for m in msgs
    )


def test_csv_with_a_kind_column(tmp_path, themes):
    p = tmp_path / "evidence.csv"
    p.write_text(
        "kind,service,theme,count,id,label,value,target\n"
        "service,SEND casework,,,,,,\n"
        "complaint,SEND casework,timeliness,9,,,,\n"
        "compliment,SEND casework,voice_of_child,4,,,,\n"
        "kpi,,timeliness,,ehcna_20_weeks,EHC plans in 20 weeks,48,60\n"
        "complaint,SEND casework,timeliness,nine,,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as e:
        load_evidence(p, themes)
    assert [m.split(": ", 1)[1] for m in _problems(e)] == [
        "evidence.csv!D6: count must be a whole number, found 'nine'"
    ]
    p.write_text(p.read_text().rsplit("complaint,", 1)[0], encoding="utf-8")
    ev = load_evidence(p, themes)
    assert (ev.complaints[0].count, ev.compliments[0].count, ev.kpis[0].target) == (9, 4, 60)


def test_a_workbook_with_no_evidence_sheets(tmp_path, themes, workbook):
    with pytest.raises(ConfigError) as e:
        load_evidence(
            workbook(tmp_path / "ev.xlsx", {"Notes": [["a", "b"], [1, 2]], "About": [["x", "y"]]}), themes
        )
    assert "name the sheets Services, Complaints" in str(e.value)


def test_an_xls_file_is_refused(tmp_path, themes):
    p = tmp_path / "ev.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(InputError, match="save it as .xlsx"):
        load_evidence(p, themes)


def test_empty_notes_sheets_are_skipped(tmp_path, themes, workbook, good_sheets):
    ev = load_evidence(workbook(tmp_path / "ev.xlsx", {"Notes": [], **good_sheets, "Blank": []}), themes)
    assert len(ev.complaints) == 2 and len(ev.kpis) == 1
