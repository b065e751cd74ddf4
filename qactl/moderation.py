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
* **When kappa misleads.** Kappa corrects for the agreement two auditors would reach by chance, each keeping
  their own mix of answers. When nearly every answer is the same one (most plans "Fully" met), that chance
  agreement is itself near 100%, and kappa falls to 0 or below although the auditors agree on almost every
  plan: the high-agreement, low-kappa paradox (Feinstein & Cicchetti 1990, J Clin Epidemiol 43:543–549). Beside
  kappa every item carries Gwet's AC1 (Gwet 2008, Br J Math Stat Psychol 61:29–48), whose chance agreement
  ``Σ π_k (1 − π_k) / (q − 1)`` (π_k the two auditors' mean share of answer k, q the answers on the scale)
  is small when one answer dominates, and PABAK (Byrt, Bishop & Carlin 1993, J Clin Epidemiol 46:423–429;
  for q answers ``(q·p_o − 1) / (q − 1)``, Brennan & Prediger's coefficient), which assumes every answer equally
  likely. ``kappa_misleading`` flags a table where one answer makes up 80% or more of all the answers given and
  kappa is fair or worse (below 0.41, Landis & Koch) or undefined: there kappa says more about the mix of answers than about
  the auditors.
* **The workshop list.** Every pair whose grades or answers differ (``to_discuss``), most different first;
  ``disagreements`` keeps the answers at opposite ends of the scale.
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


def ac1(table: Sequence[Sequence[float]]) -> float | None:
    """Gwet's AC1 (Gwet 2008, Br J Math Stat Psychol 61:29–48) of a square table of counts over all q answers.

    ``AC1 = (p_o − p_e) / (1 − p_e)`` with ``p_e = Σ_k π_k (1 − π_k) / (q − 1)``, π_k the mean of the two
    auditors' shares of answer k. ``None`` with no data or fewer than two answers on the scale.
    """
    q = len(table)
    n = sum(map(sum, table))
    if not n or q < 2:
        return None
    po = sum(table[i][i] for i in range(q)) / n
    pi = [(sum(table[k]) + sum(table[i][k] for i in range(q))) / (2 * n) for k in range(q)]
    pe = sum(p * (1 - p) for p in pi) / (q - 1)
    return (po - pe) / (1 - pe)  # p_e ≤ 1/q < 1 (at its largest when every answer is equally common)


def pabak(table: Sequence[Sequence[float]]) -> float | None:
    """Prevalence-and-bias-adjusted kappa (Byrt, Bishop & Carlin 1993, J Clin Epidemiol 46:423–429): ``2 p_o − 1`` for
    two answers; for q answers ``(q p_o − 1) / (q − 1)`` (Brennan & Prediger 1981): chance agreement taken as 1/q."""
    q = len(table)
    n = sum(map(sum, table))
    if not n or q < 2:
        return None
    po = sum(table[i][i] for i in range(q)) / n
    return (q * po - 1) / (q - 1)


def chance_agreement(table: Sequence[Sequence[float]]) -> float | None:
    """Kappa's p_e as a percentage: how often two auditors answering at random, each with their own mix of answers,
    would agree."""
    k = len(table)
    n = sum(map(sum, table))
    if not n:
        return None
    return 100.0 * sum(sum(table[i]) * sum(table[j][i] for j in range(k)) for i in range(k)) / (n * n)


SKEWED_SHARE = 80.0  # one answer making up this share (%) of all answers given or more…
MISLEADING_KAPPA = 0.41  # …and kappa below this (fair or worse on Landis & Koch's scale, as strength() words it): the paradox


def misleading(common_share: float | None, k: float | None) -> bool:
    """One answer dominates and kappa is low (or undefined): the prevalence paradox, where kappa says little about
    the auditors. With 80% of answers the same one, the auditors agree on at least 60% of plans whatever they do."""
    return common_share is not None and common_share >= SKEWED_SHARE and (k is None or k < MISLEADING_KAPPA)


def _common(table: Sequence[Sequence[float]], labels: Sequence[str]) -> dict[str, Any] | None:
    """The answer both auditors gave most often, and its share of all their answers (%)."""
    n = sum(map(sum, table))
    if not n:
        return None
    k = len(table)
    counts = [sum(table[i]) + sum(table[j][i] for j in range(k)) for i in range(k)]
    top = max(range(k), key=lambda i: counts[i])
    return {"answer": labels[top], "share": round(100.0 * counts[top] / (2 * n), 1)}


def _measures(table: Sequence[Sequence[float]], labels: Sequence[str]) -> dict[str, Any]:
    """What is added beside kappa for one table (JSON keys; kept apart so the existing keys keep their order)."""
    common = _common(table, labels)
    return {
        "ac1": _round(ac1(table), 3),
        "pabak": _round(pabak(table), 3),
        "chance_agreement": _round(chance_agreement(table), 1),
        "common_answer": common,
        "kappa_misleading": misleading(common["share"] if common else None, _round(kappa(table), 3)),
    }


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
    views: dict[str, str | None]  # item id -> the label, NOT_APPLICABLE (N/A or not applying), NOT_READ, or None (blank)
    score: float | None = None


NOT_APPLICABLE = "N/A"
NOT_READ = "(not read)"  # an answer the scored file holds as an error (a typo): neither blank nor an answer


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
            views: dict[str, str | None] = {}
            unread = {e.get("item") for e in a.get("errors") or [] if isinstance(e, dict)}
            for iid, res in (a.get("answers") or {}).items():
                ans = res.get("answer")
                ok = res.get("applies", True) and ans is not None and ans in labels.get(iid, ())
                answers[iid] = ans if ok else None
                views[iid] = ans if ok else (NOT_APPLICABLE if ans is not None else (NOT_READ if iid in unread else None))
            score = a.get("score") if isinstance(a.get("score"), int | float) else None
            out.append(_Audit(a.get("ref"), _auditor_of(a.get("fields") or {}, key), name, index, a["row"], a.get("grade"),
                              answers, views, score))
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
                **_measures(table, labels),
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
        **_measures(table, categories),
        "pairs_differing": 0,  # filled below
    }
    to_discuss = _to_discuss(pairs, schema)
    overall["pairs_differing"] = len(to_discuss)
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
        "to_discuss": to_discuss,
        "unpaired": unpaired,
        "notes": notes,
    }


def _to_discuss(pairs: list[tuple[_Audit, _Audit]], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Every pair whose grades or answers differ: the workshop's list, grades apart first, then the most different.

    An answer differs when the two auditors' labels differ, N/A (or "does not apply"), blank (None) and an answer
    that could not be read (NOT_READ: an error in the scored file) included: one auditor finding a criterion not
    applicable where the other scored it is a finding to discuss too. ``steps`` is
    how far apart two answers on the scale are (1: neighbours; the scale's length − 1: opposite ends).
    """
    grades = schema.get("grades") or []
    out = []
    for a, b in pairs:
        diffs = []
        for item in schema["items"]:
            iid = item["id"]
            x, y = a.views.get(iid), b.views.get(iid)
            if x == y:
                continue
            labels = list(item.get("labels", []))
            steps = abs(labels.index(x) - labels.index(y)) if x in labels and y in labels else None
            diffs.append({"item": iid, "text": item.get("text", ""), "answers": [x, y], "steps": steps,
                          "opposite_ends": steps is not None and steps == len(labels) - 1 and steps > 0})
        grade_gap = (abs(grades.index(a.grade) - grades.index(b.grade))
                     if a.grade in grades and b.grade in grades else (0 if a.grade == b.grade else None))
        if not diffs and a.grade == b.grade:
            continue
        out.append({
            "ref": a.ref,
            "grades_differ": a.grade != b.grade,
            "grade_steps": grade_gap,
            "audits": [{"auditor": x.auditor, "grade": x.grade, "score": x.score, "file": x.file, "row": x.row} for x in (a, b)],
            "differences": diffs,
        })
    out.sort(key=lambda d: (not d["grades_differ"], -(d["grade_steps"] or 0), -sum(x["steps"] or 1 for x in d["differences"]),
                            d["ref"] or "", d["audits"][0]["row"]))
    return out


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


KAPPA_IN_PLAIN_ENGLISH = (
    "Percent agreement is how often the two auditors of a plan gave the same answer. Kappa asks how much better "
    "that is than chance: two auditors answering at random, each with their own mix of answers, would agree as often "
    "as the \"by chance\" column says. Kappa 1 is perfect agreement, 0 no better than chance, below 0 worse than "
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


def to_markdown(doc: dict[str, Any]) -> str:
    """The workshop handout: overall agreement in plain English, items from least to most agreed, every plan whose two
    audits differ (grades or answers), the audits with no partner."""
    r, o = doc["rubric"], doc["overall"]
    differing = doc.get("to_discuss") or []
    lines = [
        f"# Moderation: {_md_cell(r['title'])}",
        "",
        f"Rubric `{r['id']}` version {r['version']}" + (f", round {_md_cell(doc['round'])}" if doc.get("round") else "") + ".",
        f"{doc['pairs']} pairs of audits of {doc['plans']} plans; {o['pairs_of_answers']} pairs of answers. "
        f"{len(differing)} of the {doc['pairs']} pairs differ in their grade or in an answer: they are listed under "
        "\"To discuss\".",
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
        + (" (needs one ordered scale for every item)" if o["kappa_kind"] != "linear weighted" and o["pairs_of_answers"] else "") + " |",
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
        return (i["percent_agreement"] is None, i["percent_agreement"] if i["percent_agreement"] is not None else 0)

    items = sorted(doc["items"], key=order)
    for i in items:
        mark = " †" if i.get("kappa_misleading") else ""
        lines.append(
            f"| {i['id']} | {_md_cell(i['text'])} | {i['pairs']} | {_fmt(i['percent_agreement'], '%')} | "
            f"{_fmt(i.get('chance_agreement'), '%')} | {_fmt(i['kappa'])}{mark} | {_fmt(i.get('ac1'))} | "
            f"{_fmt(i['weighted_kappa'])} | {strength(i['kappa'])}{mark} |"
        )
    paradox = [i for i in items if i.get("kappa_misleading")]
    if paradox:
        lines += ["", "† Kappa misleads here: one answer makes up 80% or more of all the answers given, so chance alone "
                  "would agree nearly as often as the auditors did."]
        lines += [""] + [
            f"- {i['id']}: agreed {_fmt(i['percent_agreement'], '%')}, by chance {_fmt(i.get('chance_agreement'), '%')}"
            + (f" ({_md_cell(i['common_answer']['answer'])}: {_fmt(i['common_answer']['share'], '%')} of answers)" if i.get("common_answer") else "")
            + f"; kappa {_fmt(i['kappa'])}, AC1 {_fmt(i.get('ac1'))}."
            for i in paradox
        ]
    lines += ["", "## To discuss: every plan whose two audits differ", ""]
    if differing:
        lines.append("Pairs whose grades differ come first, then those with the most (and widest) differences. "
                     "‼ marks answers at opposite ends of the scale.")
        one_file = len(doc.get("sources") or []) <= 1
        for n, d in enumerate(differing, start=1):
            a, b = d["audits"]
            who = [_md_cell(x["auditor"] or "unnamed") for x in (a, b)]
            if who[0] == who[1]:
                who = [f"{who[0]} (row {a['row']})", f"{who[1]} (row {b['row']})"]
            grade = [_md_cell(x["grade"]) if x["grade"] else "no grade (errors)" for x in (a, b)]
            head = f"{grade[0]} and {grade[1]}" if d["grades_differ"] else f"both {grade[0]}"
            changed = len(d["differences"])
            head += f"; {changed} answer{'s' if changed != 1 else ''} differ{'s' if changed == 1 else ''}" if changed else "; the same answers"
            lines += ["", f"### {n}. Plan {d['ref']}: {head}", ""]
            lines.append("; ".join(f"{w}: {g}" + (f", score {_fmt(x['score'])}" if x.get("score") is not None else "")
                                   + (f" (row {x['row']})" if one_file else f" ({_md_cell(x['file'])}, row {x['row']})")
                                   for w, g, x in zip(who, grade, (a, b), strict=True)) + ".")
            if d["differences"]:
                lines += ["", f"| question | {who[0]} | {who[1]} |", "| --- | --- | --- |"]
                for x in d["differences"]:
                    ya, yb = (_md_cell(v) if v is not None else "(blank)" for v in x["answers"])
                    flag = " ‼" if x.get("opposite_ends") else ""
                    lines.append(f"| {x['item']}: {_md_cell(x['text'])} | {ya}{flag} | {yb}{flag} |")
            else:
                lines += ["", "Every answer is the same: the grades differ through something else (a limit, a statutory date, "
                          "or an audit with errors and so no grade)."]
    else:
        lines.append("None: every pair gave the same grade and the same answer to every question.")
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
            ws.add_table(0, 0, len(rows), len(headers) - 1, {"columns": [{"header": h} for h in headers], "data": rows, "style": "Table Style Light 9"})
        else:
            ws.write_row(0, 0, headers, bold)
            ws.write(1, 0, "none")
        ws.freeze_panes(1, 0)
        return ws

    sheet(
        "Items",
        ["item", "section", "question", "pairs", "agreed", "percent agreement", "agreement by chance", "kappa", "weighted kappa",
         "kappa kind", "Gwet's AC1", "PABAK", "most common answer", "its share (%)", "kappa misleading"],
        [[i["id"], i.get("section") or "", i["text"], i["pairs"], i["agreed"], i["percent_agreement"], i.get("chance_agreement"), i["kappa"],
          i["weighted_kappa"], i["kappa_kind"], i.get("ac1"), i.get("pabak"), (i.get("common_answer") or {}).get("answer"),
          (i.get("common_answer") or {}).get("share"), "yes" if i.get("kappa_misleading") else ""] for i in doc["items"]],
        [16, 18, 60, 8, 8, 12, 12, 10, 12, 16, 10, 10, 16, 10, 10],
    )
    rows = []
    for n, d in enumerate(doc.get("to_discuss") or [], start=1):
        a, b = d["audits"]
        base = [n, d["ref"], a["auditor"] or "", a["grade"] or "", a["score"], b["auditor"] or "", b["grade"] or "", b["score"]]
        for x in d["differences"] or [{"item": "", "text": "(the same answers: the grades differ)", "answers": ["", ""], "steps": None}]:
            rows.append([*base, x["item"], x["text"], x["answers"][0] or "(blank)", x["answers"][1] or "(blank)", x.get("steps")])
    sheet("To discuss", ["pair", "plan", "auditor A", "grade A", "score A", "auditor B", "grade B", "score B", "item", "question",
                         "answer A", "answer B", "steps apart"], rows, [6, 14, 22, 14, 8, 22, 14, 8, 16, 50, 14, 14, 10])
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
        ("agreement by chance (%)", o.get("chance_agreement")),
        ("kappa (unweighted)", o["kappa"]),
        (f"kappa ({o['kappa_kind']})", o["weighted_kappa"]),
        ("Gwet's AC1", o.get("ac1")),
        ("PABAK", o.get("pabak")),
        ("pairs to discuss", f"{o.get('pairs_differing', 0)} of {doc['pairs']} (grade or answers differ)"),
        ("same grade (%)", o["grade_agreement"]),
        ("graded pairs", o["graded_pairs"]),
        *[(f"source {n + 1}", f"{s['file']} (sha256 {s['sha256']})") for n, s in enumerate(doc.get("sources", []))],
        *[("note", n) for n in doc.get("notes", [])],
        ("method", "Pairs: audits of one plan by different auditors (all pairs when more than two). Auditor A: earlier file, then lower row. "
                   "N/A or not applying for either auditor: out of that item. Weighted kappa: linear weights, ordered scales. "
                   "Gwet's AC1 (Gwet 2008, Br J Math Stat Psychol 61:29-48) and PABAK (Byrt, Bishop & Carlin 1993, J Clin Epidemiol "
                   "46:423-429) beside kappa; kappa misleading: one answer 80% or more of all answers and kappa fair or worse (below 0.41)."),
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
