"""No child's name, NHS number or date of birth from the examples reaches any report output of the example round.

The names are read from the generators themselves (examples/make_*.py), so a child added there is checked too:
each whole name, and each first and last name of three letters or more, as a word, in any case; each NHS number
spaced any way; each date of birth in the ways a sheet or a sentence writes it. Outputs: the HTML report, the
Markdown report, the improvement plan workbook (--write-actions), and any service pack.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _generator(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def invented_children() -> list[dict]:
    """Every child the example generators invent. Only make_exports.py invents children (make_plans.py invents plans,
    settings and staff ids; make_evidence.py counts and surveys): checked, so a new generator of names is not missed."""
    generators = sorted(p.stem for p in (ROOT / "examples").glob("make_*.py"))
    assert generators == ["make_evidence", "make_exports", "make_plans"], (
        "a new generator: add the children it invents here"
    )
    for other in ("make_evidence", "make_plans"):
        module = _generator(other)
        assert not hasattr(module, "children") and not hasattr(module, "FIRST"), (
            f"{other} invents children: check them too"
        )
    exports = _generator("make_exports")
    kids = exports.children(7)  # "the same invented children every round"
    assert {k["first"] for k in kids} == set(exports.FIRST)
    return kids


def forbidden() -> tuple[list[re.Pattern], list[str]]:
    words: set[str] = set()
    digits: list[str] = []
    exports = _generator("make_exports")
    for kid in invented_children():
        words.add(kid["name"])
        words |= {part for part in kid["name"].split() if len(part) >= 3}
        nhs = kid["nhs"].replace(" ", "")
        digits += [nhs, kid["upn"]]
        dob = kid["dob"]
        words |= {
            dob.isoformat(),
            dob.strftime("%d/%m/%Y"),
            f"{dob.day}/{dob.month}/{dob.year}",
            dob.strftime("%d %B %Y").lstrip("0"),
        }
    words |= {w for w in exports.LAST if len(w) >= 3}
    patterns = [
        re.compile(r"(?<![\w/-])" + re.escape(w) + r"(?![\w/-])", re.IGNORECASE) for w in sorted(words)
    ]
    return patterns, digits


def _texts(example_round) -> dict[str, str]:
    from openpyxl import load_workbook

    out = {
        "HTML report": example_round["html"].read_text(encoding="utf-8"),
        "Markdown report": example_round["md"].read_text(encoding="utf-8"),
    }
    wb = load_workbook(example_round["actions"], read_only=True)
    out["improvement plan"] = "\n".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )
    wb.close()
    for pack in sorted(example_round["html"].parent.glob("packs/*.html")):
        out[pack.name] = pack.read_text(encoding="utf-8")
    return out


def test_the_example_generators_invent_children_with_names_numbers_and_dates():
    kids = invented_children()
    assert len(kids) == 28 and all(len(k["nhs"].replace(" ", "")) == 10 for k in kids)


def test_no_child_of_the_examples_appears_in_any_report_output(example_round):
    patterns, digits = forbidden()
    texts = _texts(example_round)
    assert set(texts) >= {"HTML report", "Markdown report", "improvement plan"}
    for where, text in texts.items():
        found = sorted({m.group(0) for p in patterns for m in p.finditer(text)})
        assert not found, f"{where} names a child of the examples: {found}"
        squeezed = re.sub(
            r"[\s.\-]", "", text
        )  # an NHS number however spaced: 999 123 4567, 999-123-4567, 999.123.4567
        assert not [d for d in digits if d in squeezed], f"{where} holds an NHS number or UPN of the examples"


@pytest.mark.parametrize("planted", ["Larkin", "LARKIN TESTPERSON", "Larkin Testperson", "19/03/2011"])
def test_the_check_would_catch_a_name_or_date(planted):
    # the check itself can fail: a planted name or date is found (so a report that passes it holds none)
    patterns, _ = forbidden()
    kids = invented_children()
    text = f"<p>{planted if planted != '19/03/2011' else kids[0]['dob'].strftime('%d/%m/%Y')} is described warmly.</p>"
    assert any(p.search(text) for p in patterns)
