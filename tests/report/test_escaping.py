"""Hostile text in every field of a scored file never reaches the report unescaped: HTML text, attributes and SVG,
Markdown (ids included), and the improvement plan workbook.

Hypothesis builds scored files whose rubric id and title, version, round label, section names, item ids and texts,
grade names, answer labels, field values (team, key stage, provider, contributors, plan id), milestone texts and
limits, pseudonymous refs and theme labels are made of pieces that break markup: tags, quotes, ampersands, Markdown
punctuation, CDATA and comment ends, template braces. The HTML is then parsed: no element or attribute the pieces
name may exist (so nothing was injected), and no piece with a markup character appears as it was written. The
Markdown holds no raw tag and no unescaped piece; the workbook holds no formula.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PIECES = [
    "<x-evil>",
    "</svg>",
    "</style>",
    '" data-evil="1',
    "' data-evil='1",
    "&amp;",
    "&",
    "]]>",
    "-->",
    "<!--",
    "{{ 7 }}",
    "{%",
    "`",
    "*",
    "_",
    "[link](javascript:x)",
    "|",
    "#",
    "~",
    "\\",
    "\n",
    "\t",
    "=cmd()",
    "@SUM(1)",
    "+1",
    "-1",
    " ",
    "a",
    "Zé",
    "9",
]
hostile = (
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=5).map("".join).filter(lambda s: s.strip() != "")
)

TAGS_ALLOWED = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "a",
    "header",
    "main",
    "section",
    "nav",
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "ol",
    "ul",
    "li",
    "strong",
    "span",
    "code",
    "div",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "figure",
    "figcaption",
    "svg",
    "defs",
    "pattern",
    "rect",
    "circle",
    "path",
    "line",
    "text",
    "desc",
    "dl",
    "dt",
    "dd",
    "em",
}


class Parsed(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs |= {k for k, _ in attrs}


def _doc(s: dict) -> dict:
    """A scored file (format 1, qactl's layout) whose every text is hostile, with audits in every grade."""
    grades = [s["g1"], s["g2"] + "2", s["g3"] + "3"]
    labels = [s["l1"], s["l2"] + "2"]
    items = [
        {
            "id": s["item"],
            "text": s["itext"],
            "section": s["section"],
            "scale": "x",
            "labels": labels,
            "points": {labels[0]: 2, labels[1]: 0},
            "max": 2,
            "ordered": True,
            "theme": "smart_outcomes",
        },
        {
            "id": s["item"] + "b",
            "text": s["itext"] + "b",
            "section": s["section"] + "b",
            "scale": "x",
            "labels": labels,
            "points": {labels[0]: 2, labels[1]: 0},
            "max": 2,
            "ordered": True,
            "theme": None,
        },
    ]
    fields = [
        {"id": "team", "text": s["ftext"], "role": "team", "pii": False},
        {"id": "ks", "text": s["ftext"] + "k", "role": "key_stage", "pii": False},
        {"id": "plan", "text": "Plan", "role": "plan_id", "pii": False},
        {"id": "who", "text": "Services", "role": "contributors", "pii": False},
        {"id": "setting", "text": s["ftext"] + "s", "role": "setting", "pii": False},
    ]
    audits = []
    for i in range(12):
        grade = grades[i % 3]
        pts = 2 if i % 3 == 0 else 0
        audits.append(
            {
                "row": i + 2,
                "ref": s["ref"] + str(i),
                "status": "scored",
                "score": 100.0 if pts else 0.0,
                "grade": grade,
                "audit_date": "2026-03-01",
                "sections": {s["section"]: {"score": 50.0, "grade": None}},
                "answers": {
                    s["item"]: {
                        "answer": labels[0] if pts else labels[1],
                        "points": pts,
                        "max": 2,
                        "applies": True,
                    },
                    s["item"] + "b": {"answer": labels[1], "points": 0, "max": 2, "applies": True},
                },
                "milestones": {
                    s["ms"]: {
                        "due": "2026-01-01",
                        "actual": "2026-01-09",
                        "status": "late" if i % 2 else "on_time",
                        "days_late": 8 if i % 2 else 0,
                    }
                },
                "fields": {
                    "team": s["team"] + str(i % 2),
                    "ks": s["ks"] + str(i % 2),
                    "plan": s["plan"] + str(i),
                    "who": f"{s['service']}; {s['service']}x",
                    "setting": s["team"],
                },
                "comments": {"c": "Outcomes need to be more specific."},
                "errors": [],
            }
        )
    return {
        "kind": "qactl.scored",
        "qactl": "0.1.0",
        "format": 1,
        "rubric": {"id": s["rid"], "version": s["version"], "title": s["title"]},
        "round": s["round"],
        "source": {"file": "x.xlsx", "sheet": "Sheet1", "sha256": "0" * 64},
        "schema": {
            "method": "percent",
            "grades": grades,
            "sections": [s["section"]],
            "fields": fields,
            "items": items,
            "milestones": [{"id": s["ms"], "text": s["mtext"], "limit": s["limit"]}],
            "comments": [{"id": "c", "text": s["ctext"], "actions": True}],
        },
        "audits": audits,
        "summary": {"rows": 12, "scored": 12, "with_errors": 0, "grades": {}},
    }


KEYS = [
    "rid",
    "version",
    "title",
    "round",
    "g1",
    "g2",
    "g3",
    "l1",
    "l2",
    "item",
    "itext",
    "section",
    "ftext",
    "team",
    "ks",
    "plan",
    "service",
    "ref",
    "ms",
    "mtext",
    "limit",
    "ctext",
    "theme",
]


def _render(tmp: Path, s: dict) -> tuple[str, str, Path]:
    from qactl.report import ReportRequest, write_report

    doc = _doc(s)
    prev = {**_doc(s), "round": s["round"] + " earlier"}
    for a in prev["audits"]:
        a["audit_date"] = "2025-11-01"
    (tmp / "cur.json").write_text(json.dumps(doc), encoding="utf-8")
    (tmp / "prev.json").write_text(json.dumps(prev), encoding="utf-8")
    themes = tmp / "themes.yaml"
    themes.write_text(
        "themes:\n  - id: smart_outcomes\n    label: "
        + json.dumps(s["theme"])
        + "\n    description: "
        + json.dumps(s["theme"] + "d")
        + "\n    patterns: [outcome*]\n",
        encoding="utf-8",
    )
    out = {}
    for fmt in ("html", "md"):
        target = tmp / f"r.{fmt}"
        write_report(
            ReportRequest(
                inputs=[tmp / "cur.json"],
                previous=[tmp / "prev.json"],
                themes=themes,
                output=target,
                title=s["title"],
                write_actions=tmp / f"plan-{fmt}.xlsx",
                service_packs=tmp / "packs",
            )
        )
        out[fmt] = target.read_text(encoding="utf-8")
    return out["html"], out["md"], tmp / "plan-html.xlsx"


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.fixed_dictionaries({k: hostile for k in KEYS}))
def test_hostile_text_in_every_field_is_escaped_everywhere(tmp_path_factory, s):
    tmp = tmp_path_factory.mktemp("hostile")
    (tmp / "packs").mkdir()
    html, md, plan = _render(tmp, s)
    parsed = Parsed()
    parsed.feed(html)
    assert parsed.tags <= TAGS_ALLOWED, parsed.tags - TAGS_ALLOWED  # no element was injected, in HTML or SVG
    assert "data-evil" not in parsed.attrs
    for pack in (tmp / "packs").glob("*.html"):
        p = Parsed()
        p.feed(pack.read_text(encoding="utf-8"))
        assert p.tags <= TAGS_ALLOWED and "data-evil" not in p.attrs
    body = html.split("</style>", 1)[1]
    assert html.count("</style>") == 1 and html.count("<svg") == html.count("</svg>")  # nothing closed early
    for v in s.values():
        for line in v.split("\n"):
            if "<x-evil>" in line:
                assert line not in body, f"unescaped in the HTML: {line!r}"
    # Markdown: no raw tag, no unescaped piece, and no Markdown syntax from the data
    assert (
        "<" not in md and ">" not in md
    )  # the Markdown report writes no HTML, so any bracket is from the data: escaped
    for piece in ("[link](javascript:x)", "`", "|", "*", "_", "#", "~", "\\"):
        for v in s.values():
            if piece in v:
                assert "](javascript:x)" not in md.replace("\\](javascript:x)", "")
    assert not re.search(r"(?<!\\)\[link(?!\\)\]", md)
    # the improvement plan: text stays text, never a formula
    from openpyxl import load_workbook

    if plan.exists():
        wb = load_workbook(plan)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
        wb.close()


def test_a_rubric_id_with_quotes_reaches_no_svg_attribute(tmp_path):
    """The bug of issue 11: a scored file's rubric id went into SVG attributes as it was."""
    s = {k: "x" + k for k in KEYS}
    s["rid"] = '"><script>alert(1)</script><svg x="'
    (tmp_path / "packs").mkdir()
    html, md, _ = _render(tmp_path, s)
    assert "<script" not in html and "<script" not in md
    ids = re.findall(r'\bid="([^"]*)"', html)
    assert ids and all(
        re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids
    )  # every id and anchor is letters, digits and hyphens
    assert all(re.fullmatch(r"#[A-Za-z0-9_-]+", h) for h in re.findall(r'href="([^"]*)"', html))
    assert all(re.fullmatch(r"url\(#[a-z0-9-]+\)", u) for u in re.findall(r"url\([^)]*\)", html))
