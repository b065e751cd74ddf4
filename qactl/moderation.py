"""How far two auditors of the same plan agreed: the numbers for the moderation workshop (Wolverhampton §6.1).

Pure functions over scored files (``qactl.results``): no rubric file is needed, as each scored file
carries the rubric's schema.

* **Pairs.** Audits of the same plan (``ref``) by different auditors are paired, across all the files
  given. A plan audited three or more times gives every pair of different auditors (3 audits: 3 pairs).
  In each pair the audit from the earlier file (then the lower row) is "auditor A": Cohen's kappa,
  unlike percent agreement, depends on which rater is which, so the order is fixed and documented.
  An audit with no partner is listed in ``unpaired``, never dropped silently.
* **Items.** A pair counts for an item when both auditors gave one of the scale's answers; N/A, blank
  and "does not apply" answers of either auditor take that pair out of that item.
* **Measures.** Percent agreement (exact), Cohen's kappa (unweighted), and for ordered scales the
  linearly weighted kappa (Cohen 1968; weights 1 − |i − j| / (k − 1), categories in scale order).
  Kappa is ``None`` when undefined (both auditors used one and the same answer throughout).
  Overall figures pool every item's pairs; the weighted overall kappa needs one shared ordered scale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from qactl.errors import InputError

# Microsoft Forms' respondent columns (``Name``, ``Email``), kept in ``fields`` by ``score`` as ``respondent`` and
# ``respondent_email``: the auditor when no field has the auditor role (or it is blank).
RESPONDENT_KEYS = ("respondent", "respondent_email", "name", "email")


# ---------------------------------------------------------------- agreement measures (pure)


def confusion(pairs: Sequence[tuple[str, str]], categories: Sequence[str]) -> list[list[int]]:
    """The k × k table of counts: row = auditor A's answer, column = auditor B's."""
    index = {c: i for i, c in enumerate(categories)}
    table = [[0] * len(categories) for _ in categories]
    for a, b in pairs:
        table[index[a]][index[b]] += 1
    return table


def percent_agreement(table: Sequence[Sequence[float]]) -> float | None:
    n = sum(map(sum, table))
    if not n:
        return None
    return 100.0 * sum(table[i][i] for i in range(len(table))) / n


def kappa(table: Sequence[Sequence[float]], weights: str | None = None) -> float | None:
    """Cohen's kappa of a square table of counts; ``weights="linear"`` for the linearly weighted kappa.

    ``kappa = (p_o − p_e) / (1 − p_e)`` with agreement weights w_ij (1 on the diagonal, 0 elsewhere
    when unweighted; 1 − |i − j| / (k − 1) when linear). ``None`` when p_e = 1 (undefined) or no data.
    """
    k = len(table)
    n = sum(map(sum, table))
    if not n or k < 2:
        return None
    rows = [sum(r) / n for r in table]
    cols = [sum(table[i][j] for i in range(k)) / n for j in range(k)]

    def w(i: int, j: int) -> float:
        if weights == "linear":
            return 1 - abs(i - j) / (k - 1)
        return 1.0 if i == j else 0.0

    po = sum(w(i, j) * table[i][j] / n for i in range(k) for j in range(k))
    pe = sum(w(i, j) * rows[i] * cols[j] for i in range(k) for j in range(k))
    if abs(1 - pe) < 1e-12:
        return None
    return (po - pe) / (1 - pe)


def _round(x: float | None, places: int) -> float | None:
    return None if x is None else round(x, places)


# ---------------------------------------------------------------- gathering audits


@dataclass(frozen=True)
class _Audit:
    ref: str | None
    auditor: str | None
    file: str
    file_index: int
    row: int
    grade: str | None
    answers: dict[str, str | None]  # item id -> canonical label, or None when out (blank, N/A, not applying)


def auditor_key(schema: dict[str, Any]) -> str | None:
    """The ``fields`` key naming the auditor: the field whose role is ``auditor``, else None (then Forms' respondent)."""
    for f in schema.get("fields", []):
        if f.get("role") == "auditor":
            return f["id"]
    return None


def _auditor_of(fields: dict[str, Any], key: str | None) -> str | None:
    keys = (key,) if key else ()
    for k in (*keys, *RESPONDENT_KEYS):
        v = fields.get(k) if k else None
        if v is not None and str(v).strip():
            return " ".join(str(v).split())
    return None


def _gather(docs: list[tuple[str, dict[str, Any]]], left_out: list[dict[str, Any]]) -> list[_Audit]:
    out = []
    for index, (name, doc) in enumerate(docs):
        schema = doc.get("schema") or {}
        key = auditor_key(schema)
        labels = {i["id"]: set(i.get("labels", [])) for i in schema.get("items", [])}
        for a in doc["audits"]:
            if a.get("status") == "duplicate":
                who = _auditor_of(a.get("fields") or {}, key)
                left_out.append({"ref": a.get("ref"), "auditor": who, "file": name, "row": a["row"], "reason": "a duplicate row of the export (left out)"})
                continue
            answers: dict[str, str | None] = {}
            for iid, res in (a.get("answers") or {}).items():
                ans = res.get("answer")
                ok = res.get("applies", True) and ans is not None and ans in labels.get(iid, ())
                answers[iid] = ans if ok else None
            out.append(_Audit(a.get("ref"), _auditor_of(a.get("fields") or {}, key), name, index, a["row"], a.get("grade"), answers))
    return out


def _same_person(a: _Audit, b: _Audit) -> bool:
    return a.auditor is not None and b.auditor is not None and a.auditor.casefold() == b.auditor.casefold()


# ---------------------------------------------------------------- the whole computation


def moderate(docs: list[tuple[str, dict[str, Any]]], *, round_label: str | None = None) -> dict[str, Any]:
    """The moderation document (kind ``qactl.moderation``) from scored documents ``[(file name, doc)]``.

    All documents must be of one rubric. Items, labels and order come from the first file's schema.
    """
    from qactl import __version__
    from qactl.results import FORMAT_VERSION, MODERATION_KIND

    if not docs:
        raise InputError("Give at least one scored file.")
    ids = {d["rubric"]["id"] for _, d in docs}
    if len(ids) > 1:
        by = ", ".join(f"{n} ({d['rubric']['id']})" for n, d in docs)
        raise InputError(f"These scored files are of different rubrics: {by}. Moderate the audits of one rubric at a time.")
    first = docs[0][1]
    schema = first.get("schema") or {}
    if not schema.get("items"):
        raise InputError(f"{docs[0][0]} carries no rubric schema (written by an older qactl?). Score the export again.")
    notes: list[str] = []
    versions = sorted({d["rubric"].get("version", "") for _, d in docs})
    if len(versions) > 1:
        notes.append(f"The files use versions {', '.join(versions)} of the rubric; items are matched by id.")

    duplicates: list[dict[str, Any]] = []
    audits = _gather(docs, duplicates)
    no_ref = [a for a in audits if not a.ref]
    # Refs link a child across rounds: when the files are of different rounds, audits pair within a round only.
    file_round = [d.get("round") for _, d in docs]
    several_rounds = len({r for r in file_round if r}) > 1
    if several_rounds:
        notes.append("The files are of different rounds: audits of a plan are paired within the same round only.")
    by_ref: dict[tuple[str, str | None], list[_Audit]] = defaultdict(list)
    for a in audits:
        if a.ref:
            by_ref[(a.ref, file_round[a.file_index] if several_rounds else None)].append(a)
    pairs: list[tuple[_Audit, _Audit]] = []
    unpaired: list[dict[str, Any]] = list(duplicates)
    for a in no_ref:
        unpaired.append({"ref": None, "auditor": a.auditor, "file": a.file, "row": a.row, "reason": "no reference (the audit has errors in its identifying fields)"})
    if any(a.auditor is None for a in audits):
        notes.append("Some audits name no auditor; each is taken to be by a different auditor from the others.")
    for key in sorted(by_ref, key=lambda k: (k[0], k[1] or "")):
        ref = key[0]
        group = sorted(by_ref[key], key=lambda x: (x.file_index, x.row))
        paired = set()
        for a, b in combinations(group, 2):
            if _same_person(a, b):
                continue
            pairs.append((a, b))
            paired.update({id(a), id(b)})
        for a in group:
            if id(a) not in paired:
                reason = "audited by the same auditor only" if len(group) > 1 else "no second audit of this plan"
                unpaired.append({"ref": ref, "auditor": a.auditor, "file": a.file, "row": a.row, "reason": reason})

    items_out = []
    pooled: list[tuple[str, str]] = []
    scales = set()
    all_ordered = True
    disagreements = []
    for item in schema["items"]:
        labels = list(item.get("labels", []))
        iid = item["id"]
        obs = [(a.answers.get(iid), b.answers.get(iid), a, b) for a, b in pairs]
        obs = [(x, y, a, b) for x, y, a, b in obs if x is not None and y is not None]
        table = confusion([(x, y) for x, y, _, _ in obs], labels)
        ordered = bool(item.get("ordered", True)) and len(labels) > 2
        items_out.append(
            {
                "id": iid,
                "text": item.get("text", ""),
                "section": item.get("section"),
                "pairs": len(obs),
                "agreed": sum(1 for x, y, _, _ in obs if x == y),
                "percent_agreement": _round(percent_agreement(table), 1),
                "kappa": _round(kappa(table), 3),
                "weighted_kappa": _round(kappa(table, "linear"), 3) if ordered else None,
                "kappa_kind": "linear weighted" if ordered else "unweighted",
            }
        )
        pooled += [(x, y) for x, y, _, _ in obs]
        if obs:
            scales.add(tuple(labels))
            all_ordered = all_ordered and ordered
        if len(labels) >= 2:
            top, bottom = labels[0], labels[-1]
            for x, y, a, b in obs:
                if {x, y} == {top, bottom}:
                    disagreements.append(
                        {
                            "ref": a.ref,
                            "item": iid,
                            "text": item.get("text", ""),
                            "answers": [
                                {"auditor": a.auditor, "answer": x, "file": a.file, "row": a.row},
                                {"auditor": b.auditor, "answer": y, "file": b.file, "row": b.row},
                            ],
                        }
                    )

    categories = list(dict.fromkeys(lab for s in sorted(scales) for lab in s))
    table = confusion(pooled, categories)
    one_ordered_scale = len(scales) == 1 and all_ordered
    graded = [(a.grade, b.grade) for a, b in pairs if a.grade and b.grade]
    overall = {
        "pairs_of_answers": len(pooled),
        "percent_agreement": _round(percent_agreement(table), 1),
        "kappa": _round(kappa(table), 3),
        "weighted_kappa": _round(kappa(table, "linear"), 3) if one_ordered_scale else None,
        "kappa_kind": "linear weighted" if one_ordered_scale else "unweighted",
        "graded_pairs": len(graded),
        "grade_agreement": _round(100.0 * sum(1 for x, y in graded if x == y) / len(graded), 1) if graded else None,
    }
    if not pairs:
        notes.append(
            "No plan was audited by two different auditors in these files, so there is nothing to compare. "
            "Give the scored files holding both audits of the moderation sample."
        )
    if not one_ordered_scale and scales:
        notes.append("The items use more than one scale (or an unordered one): the overall kappa is unweighted, pooled by answer label.")
    rounds = list(dict.fromkeys(d.get("round") for _, d in docs if d.get("round")))
    return {
        "kind": MODERATION_KIND,
        "format": FORMAT_VERSION,
        "qactl": __version__,
        "rubric": {k: first["rubric"].get(k) for k in ("id", "version", "title")},
        "round": round_label or (" + ".join(rounds) if rounds else None),
        "sources": [{"file": n, "sha256": (d.get("source") or {}).get("sha256"), "audits": len(d["audits"])} for n, d in docs],
        "pairs": len(pairs),
        "plans": len({a.ref for a, _ in pairs}),
        "overall": overall,
        "items": items_out,
        "disagreements": sorted(disagreements, key=lambda d: (d["ref"], [i["id"] for i in schema["items"]].index(d["item"]))),
        "unpaired": unpaired,
        "notes": notes,
    }


def moderate_files(paths: list[Path], *, round_label: str | None = None) -> dict[str, Any]:
    """Read scored files and moderate them. Each file is named by its path as given."""
    from qactl.results import read_scored

    seen: set[Path] = set()
    docs = []
    for p in paths:
        key = p.resolve()
        if key in seen:
            raise InputError(f"{p} is given twice; each scored file once, please.")
        seen.add(key)
        docs.append((str(p), read_scored(p)))
    return moderate(docs, round_label=round_label)


# ---------------------------------------------------------------- writing


def _fmt(x: Any, suffix: str = "") -> str:
    if x is None:
        return "n/a"
    return f"{x:g}{suffix}" if isinstance(x, float | int) else str(x)


def strength(k: float | None) -> str:
    """Landis & Koch (1977) labels for kappa, a common (and rough) guide for discussion."""
    if k is None:
        return ""
    for lo, label in ((0.81, "almost perfect"), (0.61, "substantial"), (0.41, "moderate"), (0.21, "fair"), (0.0, "slight")):
        if k >= lo:
            return label
    return "poor"


def _md_cell(text: Any) -> str:
    s = "" if text is None else str(text)
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def to_markdown(doc: dict[str, Any]) -> str:
    """The workshop handout: overall agreement, items from least to most agreed, disagreements to discuss."""
    r, o = doc["rubric"], doc["overall"]
    lines = [
        f"# Moderation: {_md_cell(r['title'])}",
        "",
        f"Rubric `{r['id']}` version {r['version']}" + (f", round {_md_cell(doc['round'])}" if doc.get("round") else "") + ".",
        f"{doc['pairs']} pairs of audits of {doc['plans']} plans; {o['pairs_of_answers']} pairs of answers.",
        "",
        "## Overall",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| percent agreement | {_fmt(o['percent_agreement'], '%')} |",
        f"| Cohen's kappa (unweighted) | {_fmt(o['kappa'])} {strength(o['kappa'])} |",
        f"| Cohen's kappa (linear weighted) | {_fmt(o['weighted_kappa'])}"
        + (" (needs one ordered scale for every item)" if o["kappa_kind"] != "linear weighted" and o["pairs_of_answers"] else "") + " |",
        f"| same grade | {_fmt(o['grade_agreement'], '%')} of {o['graded_pairs']} graded pairs |",
        "",
        "Kappa: agreement beyond chance (1 = perfect, 0 = no better than chance); the words are Landis & Koch's "
        "(1977) rough guide. n/a: not defined (no pairs, or both auditors gave one and the same answer throughout).",
        "",
        "## Items, least agreed first",
        "",
        "| item | question | pairs | agreement | kappa | weighted kappa | strength |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    def order(i):
        return (i["percent_agreement"] is None, i["percent_agreement"] if i["percent_agreement"] is not None else 0)

    for i in sorted(doc["items"], key=order):
        lines.append(
            f"| {i['id']} | {_md_cell(i['text'])} | {i['pairs']} | {_fmt(i['percent_agreement'], '%')} | {_fmt(i['kappa'])} | {_fmt(i['weighted_kappa'])} | {strength(i['kappa'])} |"
        )
    lines += ["", "## To discuss: answers at opposite ends of the scale", ""]
    if doc["disagreements"]:
        lines += ["| plan | item | question | answers |", "| --- | --- | --- | --- |"]
        for d in doc["disagreements"]:
            answers = "; ".join(f"{_md_cell(a['auditor'] or 'unnamed')}: {_md_cell(a['answer'])}" for a in d["answers"])
            lines.append(f"| {d['ref']} | {d['item']} | {_md_cell(d.get('text'))} | {answers} |")
    else:
        lines.append("None: no item was answered at the top of the scale by one auditor and at the bottom by the other.")
    lines += ["", "## Audits with no partner", ""]
    if doc["unpaired"]:
        lines += ["| plan | auditor | file | row | why |", "| --- | --- | --- | ---: | --- |"]
        for u in doc["unpaired"]:
            lines.append(f"| {u['ref'] or ''} | {_md_cell(u['auditor'] or '')} | {_md_cell(u['file'])} | {u['row']} | {_md_cell(u.get('reason', ''))} |")
    else:
        lines.append("None.")
    if doc.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {_md_cell(n)}" for n in doc["notes"]]
    lines += ["", f"Written by qactl {doc['qactl']}. Plans are shown by pseudonymous reference only.", ""]
    return "\n".join(lines)


def write_xlsx(doc: dict[str, Any], path: Path) -> None:
    """Items, Disagreements, Unpaired and About sheets; no text ever becomes a formula."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
    bold = wb.add_format({"bold": True})

    def sheet(name: str, headers: list[str], rows: list[list[Any]], widths: list[int]):
        ws = wb.add_worksheet(name)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        if rows:
            ws.add_table(0, 0, len(rows), len(headers) - 1, {"columns": [{"header": h} for h in headers], "data": rows, "style": "Table Style Light 9"})
        else:
            ws.write_row(0, 0, headers, bold)
            ws.write(1, 0, "none")
        ws.freeze_panes(1, 0)
        return ws

    sheet(
        "Items",
        ["item", "section", "question", "pairs", "agreed", "percent agreement", "kappa", "weighted kappa", "kappa kind"],
        [[i["id"], i.get("section") or "", i["text"], i["pairs"], i["agreed"], i["percent_agreement"], i["kappa"], i["weighted_kappa"], i["kappa_kind"]] for i in doc["items"]],
        [16, 18, 60, 8, 8, 12, 10, 12, 16],
    )
    rows = []
    for d in doc["disagreements"]:
        a, b = d["answers"][0], d["answers"][1]
        rows.append([d["ref"], d["item"], d.get("text", ""), a["auditor"] or "", a["answer"], b["auditor"] or "", b["answer"]])
    sheet("Disagreements", ["plan", "item", "question", "auditor A", "answer A", "auditor B", "answer B"], rows, [12, 16, 60, 22, 14, 22, 14])
    sheet(
        "Unpaired",
        ["plan", "auditor", "file", "row", "why"],
        [[u["ref"] or "", u["auditor"] or "", u["file"], u["row"], u.get("reason", "")] for u in doc["unpaired"]],
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
        ("kappa (unweighted)", o["kappa"]),
        (f"kappa ({o['kappa_kind']})", o["weighted_kappa"]),
        ("same grade (%)", o["grade_agreement"]),
        ("graded pairs", o["graded_pairs"]),
        *[(f"source {n + 1}", f"{s['file']} (sha256 {s['sha256']})") for n, s in enumerate(doc.get("sources", []))],
        *[("note", n) for n in doc.get("notes", [])],
        ("method", "Pairs: audits of one plan by different auditors (all pairs when more than two). Auditor A: earlier file, then lower row. "
                   "N/A or not applying for either auditor: out of that item. Weighted kappa: linear weights, ordered scales."),
        ("written by", f"qactl {doc['qactl']}"),
    ]
    for r, (k, v) in enumerate(about):
        ws.write(r, 0, k, bold)
        ws.write(r, 1, "n/a" if v is None else v)
    wb.close()


def write(doc: dict[str, Any], target: Path, *, inputs: list[Path]) -> None:
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
