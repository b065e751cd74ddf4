"""The moderation workshop's handout (Markdown) and workbook, and writing the three files together."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qactl.results import Difference, ModerationFile, ModerationItem

# ---------------------------------------------------------------- writing


def _fmt(x: Any, suffix: str = "") -> str:
    if x is None:
        return "n/a"
    return f"{x:g}{suffix}" if isinstance(x, float | int) else str(x)


def strength(k: float | None) -> str:
    """Landis & Koch (1977) labels for kappa, a common (and rough) guide for discussion."""
    if k is None:
        return ""
    for lo, label in (
        (0.81, "almost perfect"),
        (0.61, "substantial"),
        (0.41, "moderate"),
        (0.21, "fair"),
        (0.0, "slight"),
    ):
        if k >= lo:
            return label
    return "poor"


def _md_cell(text: Any) -> str:
    s = "" if text is None else str(text)
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


KAPPA_IN_PLAIN_ENGLISH = (
    "Percent agreement is how often the two auditors of a plan gave the same answer. Kappa asks how much better "
    "that is than chance: two auditors answering at random, each with their own mix of answers, would agree as often "
    'as the "by chance" column says. Kappa 1 is perfect agreement, 0 no better than chance, below 0 worse than '
    "chance; the words (slight, fair, moderate, substantial, almost perfect) are Landis & Koch's (1977) rough guide. "
    "n/a: not defined (no pairs, or both auditors gave one and the same answer throughout)."
)
PARADOX_IN_PLAIN_ENGLISH = (
    "When nearly every answer is the same one (most plans Fully met), chance alone would agree nearly every time, so "
    "kappa falls to 0 or below even when the auditors agree on almost every plan: the high-agreement, low-kappa "
    "paradox (Feinstein & Cicchetti 1990, J Clin Epidemiol 43:543-549). Gwet's AC1 (Gwet 2008, Br J Math Stat "
    "Psychol 61:29-48) reckons chance agreement so that one common answer does not pull it down; on the items "
    "marked †, read AC1, not kappa."
)


def to_markdown(doc: ModerationFile) -> str:
    """The workshop handout: overall agreement in plain English, items from least to most agreed, every plan whose two
    audits differ (grades or answers), the audits with no partner."""
    r, o = doc["rubric"], doc["overall"]
    differing = doc.get("to_discuss") or []
    lines = [
        f"# Moderation: {_md_cell(r['title'])}",
        "",
        f"Rubric `{r['id']}` version {r['version']}"
        + (f", round {_md_cell(doc['round'])}" if doc.get("round") else "")
        + ".",
        f"{doc['pairs']} pairs of audits of {doc['plans']} plans; {o['pairs_of_answers']} pairs of answers. "
        f"{len(differing)} of the {doc['pairs']} pairs differ in their grade or in an answer: they are listed under "
        '"To discuss".',
        "",
        "## Overall",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| percent agreement | {_fmt(o['percent_agreement'], '%')} |",
        f"| agreement expected by chance | {_fmt(o.get('chance_agreement'), '%')} |",
        f"| Cohen's kappa (unweighted) | {_fmt(o['kappa'])} {strength(o['kappa'])}{' †' if o.get('kappa_misleading') else ''} |",
        f"| Gwet's AC1 | {_fmt(o.get('ac1'))} |",
        f"| Cohen's kappa (linear weighted) | {_fmt(o['weighted_kappa'])}"
        + (
            " (needs one ordered scale for every item)"
            if o["kappa_kind"] != "linear weighted" and o["pairs_of_answers"]
            else ""
        )
        + " |",
        f"| same grade | {_fmt(o['grade_agreement'], '%')} of {o['graded_pairs']} graded pairs |",
        "",
        KAPPA_IN_PLAIN_ENGLISH,
        "",
        PARADOX_IN_PLAIN_ENGLISH,
        "",
        "## Items, least agreed first",
        "",
        "| item | question | pairs | agreement | by chance | kappa | AC1 | weighted kappa | strength |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]

    def order(i):
        return (
            i["percent_agreement"] is None,
            i["percent_agreement"] if i["percent_agreement"] is not None else 0,
        )

    items = sorted(doc["items"], key=order)
    for i in items:
        mark = " †" if i.get("kappa_misleading") else ""
        lines.append(
            f"| {i['id']} | {_md_cell(i['text'])} | {i['pairs']} | {_fmt(i['percent_agreement'], '%')} | "
            f"{_fmt(i.get('chance_agreement'), '%')} | {_fmt(i['kappa'])}{mark} | {_fmt(i.get('ac1'))} | "
            f"{_fmt(i['weighted_kappa'])} | {strength(i['kappa']) + mark if i['kappa'] is not None else '–'} |"
        )
    paradox = [i for i in items if i.get("kappa_misleading")]
    if paradox:
        lines += [
            "",
            "† Kappa misleads here: one answer makes up 80% or more of all the answers given, so chance alone "
            "would agree nearly as often as the auditors did.",
        ]
        lines += [""] + [
            f"- {i['id']}: agreed {_fmt(i['percent_agreement'], '%')}, by chance {_fmt(i.get('chance_agreement'), '%')}"
            + (
                f" ({_md_cell(common['answer'])}: {_fmt(common['share'], '%')} of answers)"
                if (common := i.get("common_answer"))
                else ""
            )
            + f"; kappa {_fmt(i['kappa'])}, AC1 {_fmt(i.get('ac1'))}."
            for i in paradox
        ]
    lines += ["", "## To discuss: every plan whose two audits differ", ""]
    if differing:
        lines.append(
            "Pairs whose grades differ come first, then those with the most (and widest) differences. "
            "‼ marks answers at opposite ends of the scale."
        )
        one_file = len(doc.get("sources") or []) <= 1
        for n, d in enumerate(differing, start=1):
            a, b = d["audits"]
            who = [_md_cell(x["auditor"] or "unnamed") for x in (a, b)]
            if who[0] == who[1]:
                who = [f"{who[0]} (row {a['row']})", f"{who[1]} (row {b['row']})"]
            grade = [_md_cell(x["grade"]) if x["grade"] else "no grade (errors)" for x in (a, b)]
            head = f"{grade[0]} and {grade[1]}" if d["grades_differ"] else f"both {grade[0]}"
            changed = len(d["differences"])
            head += (
                f"; {changed} answer{'s' if changed != 1 else ''} differ{'s' if changed == 1 else ''}"
                if changed
                else "; the same answers"
            )
            lines += ["", f"### {n}. Plan {d['ref']}: {head}", ""]
            lines.append(
                "; ".join(
                    f"{w}: {g}"
                    + (f", score {_fmt(x['score'])}" if x.get("score") is not None else "")
                    + (f" (row {x['row']})" if one_file else f" ({_md_cell(x['file'])}, row {x['row']})")
                    for w, g, x in zip(who, grade, (a, b), strict=True)
                )
                + "."
            )
            if d["differences"]:
                lines += ["", f"| question | {who[0]} | {who[1]} |", "| --- | --- | --- |"]
                for x in d["differences"]:
                    ya, yb = (_md_cell(v) if v is not None else "(blank)" for v in x["answers"])
                    flag = " ‼" if x.get("opposite_ends") else ""
                    lines.append(f"| {x['item']}: {_md_cell(x['text'])} | {ya}{flag} | {yb}{flag} |")
            else:
                lines += [
                    "",
                    "Every answer is the same: the grades differ through something else (a limit, a statutory date, "
                    "or an audit with errors and so no grade).",
                ]
    else:
        lines.append("None: every pair gave the same grade and the same answer to every question.")
    lines += ["", "## Audits with no partner", ""]
    if doc["unpaired"]:
        lines += ["| plan | auditor | file | row | why |", "| --- | --- | --- | ---: | --- |"]
        for u in doc["unpaired"]:
            lines.append(
                f"| {u['ref'] or ''} | {_md_cell(u['auditor'] or '')} | {_md_cell(u['file'])} | {u['row']} | {_md_cell(u.get('reason', ''))} |"
            )
    else:
        lines.append("None.")
    if doc.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {_md_cell(n)}" for n in doc["notes"]]
    lines += ["", f"Written by qactl {doc['qactl']}. Plans are shown by pseudonymous reference only.", ""]
    return "\n".join(lines)


# the row of a pair whose answers are the same and whose grades differ
_SAME_ANSWERS: Difference = {
    "item": "",
    "text": "(the same answers: the grades differ)",
    "answers": ["", ""],
    "steps": None,
    "opposite_ends": False,
}


def _common_answer(i: ModerationItem) -> tuple[str | None, float | None]:
    """The answer given most often to an item, and its share of the answers (%): none when no pair answered it."""
    common = i.get("common_answer")
    return (common["answer"], common["share"]) if common else (None, None)


def write_xlsx(doc: ModerationFile, path: Path) -> None:
    """Items, To discuss, Disagreements, Unpaired and About sheets; no text ever becomes a formula."""
    import xlsxwriter

    from qactl.sheets.xlsx import WORKBOOK_OPTIONS, properties

    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    wb.set_properties(properties("Moderation", "Written by qactl moderate"))
    bold = wb.add_format({"bold": True})

    def sheet(name: str, headers: list[str], rows: list[list[Any]], widths: list[int]):
        ws = wb.add_worksheet(name)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        if rows:
            ws.add_table(
                0,
                0,
                len(rows),
                len(headers) - 1,
                {"columns": [{"header": h} for h in headers], "data": rows, "style": "Table Style Light 9"},
            )
        else:
            ws.write_row(0, 0, headers, bold)
            ws.write(1, 0, "none")
        ws.freeze_panes(1, 0)
        return ws

    sheet(
        "Items",
        [
            "item",
            "section",
            "question",
            "pairs",
            "agreed",
            "percent agreement",
            "agreement by chance",
            "kappa",
            "weighted kappa",
            "kappa kind",
            "Gwet's AC1",
            "PABAK",
            "most common answer",
            "its share (%)",
            "kappa misleading",
        ],
        [
            [
                i["id"],
                i.get("section") or "",
                i["text"],
                i["pairs"],
                i["agreed"],
                i["percent_agreement"],
                i.get("chance_agreement"),
                i["kappa"],
                i["weighted_kappa"],
                i["kappa_kind"],
                i.get("ac1"),
                i.get("pabak"),
                *_common_answer(i),
                "yes" if i.get("kappa_misleading") else "",
            ]
            for i in doc["items"]
        ],
        [16, 18, 60, 8, 8, 12, 12, 10, 12, 16, 10, 10, 16, 10, 10],
    )
    rows = []
    for n, d in enumerate(doc.get("to_discuss") or [], start=1):
        a, b = d["audits"]
        base = [
            n,
            d["ref"],
            a["auditor"] or "",
            a["grade"] or "",
            a["score"],
            b["auditor"] or "",
            b["grade"] or "",
            b["score"],
        ]
        for x in d["differences"] or [_SAME_ANSWERS]:
            rows.append(
                [
                    *base,
                    x["item"],
                    x["text"],
                    x["answers"][0] or "(blank)",
                    x["answers"][1] or "(blank)",
                    x.get("steps"),
                ]
            )
    sheet(
        "To discuss",
        [
            "pair",
            "plan",
            "auditor A",
            "grade A",
            "score A",
            "auditor B",
            "grade B",
            "score B",
            "item",
            "question",
            "answer A",
            "answer B",
            "steps apart",
        ],
        rows,
        [6, 14, 22, 14, 8, 22, 14, 8, 16, 50, 14, 14, 10],
    )
    rows = []
    for dis in doc["disagreements"]:
        one, other = dis["answers"][0], dis["answers"][1]
        rows.append(
            [
                dis["ref"],
                dis["item"],
                dis.get("text", ""),
                one["auditor"] or "",
                one["answer"],
                other["auditor"] or "",
                other["answer"],
            ]
        )
    sheet(
        "Disagreements",
        ["plan", "item", "question", "auditor A", "answer A", "auditor B", "answer B"],
        rows,
        [12, 16, 60, 22, 14, 22, 14],
    )
    sheet(
        "Unpaired",
        ["plan", "auditor", "file", "row", "why"],
        [
            [u["ref"] or "", u["auditor"] or "", u["file"], u["row"], u.get("reason", "")]
            for u in doc["unpaired"]
        ],
        [12, 22, 40, 8, 40],
    )
    ws = wb.add_worksheet("About")
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 70)
    o = doc["overall"]
    about = [
        ("rubric", f"{doc['rubric']['id']} {doc['rubric']['version']}: {doc['rubric']['title']}"),
        ("round", doc.get("round") or ""),
        ("pairs of audits", doc["pairs"]),
        ("plans", doc["plans"]),
        ("pairs of answers", o["pairs_of_answers"]),
        ("percent agreement", o["percent_agreement"]),
        ("agreement by chance (%)", o.get("chance_agreement")),
        ("kappa (unweighted)", o["kappa"]),
        (f"kappa ({o['kappa_kind']})", o["weighted_kappa"]),
        ("Gwet's AC1", o.get("ac1")),
        ("PABAK", o.get("pabak")),
        ("pairs to discuss", f"{o.get('pairs_differing', 0)} of {doc['pairs']} (grade or answers differ)"),
        ("same grade (%)", o["grade_agreement"]),
        ("graded pairs", o["graded_pairs"]),
        *[
            (f"source {n + 1}", f"{s['file']} (sha256 {s['sha256']})")
            for n, s in enumerate(doc.get("sources", []))
        ],
        *[("note", n) for n in doc.get("notes", [])],
        (
            "method",
            "Pairs: audits of one plan by different auditors (all pairs when more than two). Auditor A: earlier file, then lower row. "
            "N/A or not applying for either auditor: out of that item. Weighted kappa: linear weights, ordered scales. "
            "Gwet's AC1 (Gwet 2008, Br J Math Stat Psychol 61:29-48) and PABAK (Byrt, Bishop & Carlin 1993, J Clin Epidemiol "
            "46:423-429) beside kappa; kappa misleading: one answer 80% or more of all answers and kappa fair or worse (below 0.41).",
        ),
        ("written by", f"qactl {doc['qactl']}"),
    ]
    for r, (k, v) in enumerate(about):
        ws.write(r, 0, k, bold)
        ws.write(r, 1, "n/a" if v is None else v)
    wb.close()


def write(doc: ModerationFile, target: Path, *, inputs: list[Path]) -> None:
    """Write the moderation to ``target`` (.json, .xlsx or .md by suffix), atomically."""
    from qactl.errors import UsageError
    from qactl.results import write_moderation
    from qactl.sheets.writer import atomic_output

    suffix = target.suffix.lower()
    if suffix not in (".json", ".xlsx", ".md"):
        raise UsageError(f"-o {target}: write .json, .xlsx or .md.")
    with atomic_output(target, inputs=inputs) as tmp:
        if suffix == ".json":
            write_moderation(tmp, doc)
        elif suffix == ".xlsx":
            write_xlsx(doc, tmp)
        else:
            tmp.write_text(to_markdown(doc), encoding="utf-8", newline="\n")
