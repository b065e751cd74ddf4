"""Pairs of audits of the same plan by different auditors, and the moderation document built from them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from qactl.errors import InputError
from qactl.moderation.agreement import confusion, kappa, measures, percent_agreement, round_or_none
from qactl.results import (
    Difference,
    Disagreement,
    ModerationFile,
    ModerationItem,
    ModerationOverall,
    RubricSchema,
    ScoredFile,
    ToDiscuss,
    Unpaired,
)

RESPONDENT_KEYS = ("respondent", "respondent_email", "name", "email")


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
    views: dict[
        str, str | None
    ]  # item id -> the label, NOT_APPLICABLE (N/A or not applying), NOT_READ, or None (blank)
    score: float | None = None


NOT_APPLICABLE = "N/A"
NOT_READ = "(not read)"  # an answer the scored file holds as an error (a typo): neither blank nor an answer


def auditor_key(schema: RubricSchema) -> str | None:
    """The ``fields`` key naming the auditor: the field whose role is ``auditor``, else None (then Forms' respondent)."""
    for f in schema.get("fields", []):
        if f.get("role") == "auditor":
            return f["id"]
    return None


def _auditor_of(fields: Mapping[str, object], key: str | None) -> str | None:
    keys = (key,) if key else ()
    for k in (*keys, *RESPONDENT_KEYS):
        v = fields.get(k) if k else None
        if v is not None and str(v).strip():
            return " ".join(str(v).split())
    return None


def _gather(docs: Sequence[tuple[str, ScoredFile]], left_out: list[Unpaired]) -> list[_Audit]:
    out = []
    for index, (name, doc) in enumerate(docs):
        schema: RubricSchema = doc.get("schema") or {}
        key = auditor_key(schema)
        labels = {i["id"]: set(i.get("labels", [])) for i in schema.get("items", [])}
        for a in doc["audits"]:
            if a.get("status") == "duplicate":
                who = _auditor_of(a.get("fields") or {}, key)
                left_out.append(
                    {
                        "ref": a.get("ref"),
                        "auditor": who,
                        "file": name,
                        "row": a["row"],
                        "reason": "a duplicate row of the export (left out)",
                    }
                )
                continue
            answers: dict[str, str | None] = {}
            views: dict[str, str | None] = {}
            unread = {e.get("item") for e in a.get("errors") or [] if isinstance(e, dict)}
            for iid, res in (a.get("answers") or {}).items():
                ans = res.get("answer")
                ok = res.get("applies", True) and ans is not None and ans in labels.get(iid, ())
                answers[iid] = ans if ok else None
                views[iid] = (
                    ans
                    if ok
                    else (NOT_APPLICABLE if ans is not None else (NOT_READ if iid in unread else None))
                )
            score = a.get("score") if isinstance(a.get("score"), int | float) else None
            out.append(
                _Audit(
                    a.get("ref"),
                    _auditor_of(a.get("fields") or {}, key),
                    name,
                    index,
                    a["row"],
                    a.get("grade"),
                    answers,
                    views,
                    score,
                )
            )
    return out


def _same_person(a: _Audit, b: _Audit) -> bool:
    return a.auditor is not None and b.auditor is not None and a.auditor.casefold() == b.auditor.casefold()


# ---------------------------------------------------------------- the whole computation


def moderate(docs: Sequence[tuple[str, ScoredFile]], *, round_label: str | None = None) -> ModerationFile:
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
        raise InputError(
            f"These scored files are of different rubrics: {by}. Moderate the audits of one rubric at a time."
        )
    first = docs[0][1]
    schema: RubricSchema = first.get("schema") or {}
    if not schema.get("items"):
        raise InputError(
            f"{docs[0][0]} carries no rubric schema (written by an older qactl?). Score the export again."
        )
    notes: list[str] = []
    versions = sorted({d["rubric"].get("version", "") for _, d in docs})
    if len(versions) > 1:
        notes.append(f"The files use versions {', '.join(versions)} of the rubric; items are matched by id.")

    duplicates: list[Unpaired] = []
    audits = _gather(docs, duplicates)
    no_ref = [a for a in audits if not a.ref]
    # Refs link a child across rounds: when the files are of different rounds, audits pair within a round only.
    file_round = [d.get("round") for _, d in docs]
    several_rounds = len({r for r in file_round if r}) > 1
    if several_rounds:
        notes.append(
            "The files are of different rounds: audits of a plan are paired within the same round only."
        )
    by_ref: dict[tuple[str, str | None], list[_Audit]] = defaultdict(list)
    for a in audits:
        if a.ref:
            by_ref[(a.ref, file_round[a.file_index] if several_rounds else None)].append(a)
    pairs: list[tuple[_Audit, _Audit]] = []
    unpaired: list[Unpaired] = list(duplicates)
    for a in no_ref:
        unpaired.append(
            {
                "ref": None,
                "auditor": a.auditor,
                "file": a.file,
                "row": a.row,
                "reason": "no reference (the audit has errors in its identifying fields)",
            }
        )
    if any(a.auditor is None for a in audits):
        notes.append(
            "Some audits name no auditor; each is taken to be by a different auditor from the others."
        )
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
                reason = (
                    "audited by the same auditor only" if len(group) > 1 else "no second audit of this plan"
                )
                unpaired.append(
                    {"ref": ref, "auditor": a.auditor, "file": a.file, "row": a.row, "reason": reason}
                )

    items_out: list[ModerationItem] = []
    pooled: list[tuple[str, str]] = []
    scales: set[tuple[str, ...]] = set()
    all_ordered = True
    disagreements: list[Disagreement] = []
    for item in schema["items"]:
        labels = list(item.get("labels", []))
        iid = item["id"]
        obs = [
            (x, y, a, b)
            for a, b in pairs
            if (x := a.answers.get(iid)) is not None and (y := b.answers.get(iid)) is not None
        ]
        table = confusion([(x, y) for x, y, _, _ in obs], labels)
        ordered = bool(item.get("ordered", True)) and len(labels) > 2
        items_out.append(
            {
                "id": iid,
                "text": item.get("text", ""),
                "section": item.get("section"),
                "pairs": len(obs),
                "agreed": sum(1 for x, y, _, _ in obs if x == y),
                "percent_agreement": round_or_none(percent_agreement(table), 1),
                "kappa": round_or_none(kappa(table), 3),
                "weighted_kappa": round_or_none(kappa(table, "linear"), 3) if ordered else None,
                "kappa_kind": "linear weighted" if ordered else "unweighted",
                **measures(table, labels),
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
    overall: ModerationOverall = {
        "pairs_of_answers": len(pooled),
        "percent_agreement": round_or_none(percent_agreement(table), 1),
        "kappa": round_or_none(kappa(table), 3),
        "weighted_kappa": round_or_none(kappa(table, "linear"), 3) if one_ordered_scale else None,
        "kappa_kind": "linear weighted" if one_ordered_scale else "unweighted",
        "graded_pairs": len(graded),
        "grade_agreement": round_or_none(100.0 * sum(1 for x, y in graded if x == y) / len(graded), 1)
        if graded
        else None,
        **measures(table, categories),
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
        notes.append(
            "The items use more than one scale (or an unordered one): the overall kappa is unweighted, pooled by answer label."
        )
    rounds = list(dict.fromkeys(r for _, d in docs if (r := d.get("round"))))
    rubric = first["rubric"]
    doc: ModerationFile = {
        "kind": MODERATION_KIND,
        "format": FORMAT_VERSION,
        "qactl": __version__,
        "rubric": {"id": rubric["id"], "version": rubric["version"], "title": rubric["title"]},
        "round": round_label or (" + ".join(rounds) if rounds else None),
        "sources": [
            {"file": n, "sha256": (d.get("source") or {}).get("sha256"), "audits": len(d["audits"])}
            for n, d in docs
        ],
        "pairs": len(pairs),
        "plans": len({a.ref for a, _ in pairs}),
        "overall": overall,
        "items": items_out,
        "disagreements": sorted(
            disagreements, key=lambda d: (d["ref"], [i["id"] for i in schema["items"]].index(d["item"]))
        ),
        "to_discuss": to_discuss,
        "unpaired": unpaired,
        "notes": notes,
    }
    return doc


def _to_discuss(pairs: list[tuple[_Audit, _Audit]], schema: RubricSchema) -> list[ToDiscuss]:
    """Every pair whose grades or answers differ: the workshop's list, grades apart first, then the most different.

    An answer differs when the two auditors' labels differ, N/A (or "does not apply"), blank (None) and an answer
    that could not be read (NOT_READ: an error in the scored file) included: one auditor finding a criterion not
    applicable where the other scored it is a finding to discuss too. ``steps`` is
    how far apart two answers on the scale are (1: neighbours; the scale's length − 1: opposite ends).
    """
    grades = schema.get("grades") or []
    out: list[ToDiscuss] = []
    for a, b in pairs:
        diffs: list[Difference] = []
        for item in schema["items"]:
            iid = item["id"]
            x, y = a.views.get(iid), b.views.get(iid)
            if x == y:
                continue
            labels = list(item.get("labels", []))
            steps = abs(labels.index(x) - labels.index(y)) if x in labels and y in labels else None
            diffs.append(
                {
                    "item": iid,
                    "text": item.get("text", ""),
                    "answers": [x, y],
                    "steps": steps,
                    "opposite_ends": steps is not None and steps == len(labels) - 1 and steps > 0,
                }
            )
        grade_gap = (
            abs(grades.index(a.grade) - grades.index(b.grade))
            if a.grade in grades and b.grade in grades
            else (0 if a.grade == b.grade else None)
        )
        if not diffs and a.grade == b.grade:
            continue
        out.append(
            {
                "ref": a.ref,
                "grades_differ": a.grade != b.grade,
                "grade_steps": grade_gap,
                "audits": [
                    {"auditor": x.auditor, "grade": x.grade, "score": x.score, "file": x.file, "row": x.row}
                    for x in (a, b)
                ],
                "differences": diffs,
            }
        )
    out.sort(
        key=lambda d: (
            not d["grades_differ"],
            -(d["grade_steps"] or 0),
            -sum(x["steps"] or 1 for x in d["differences"]),
            d["ref"] or "",
            d["audits"][0]["row"],
        )
    )
    return out


def moderate_files(paths: list[Path], *, round_label: str | None = None) -> ModerationFile:
    """Read scored files and moderate them. Each file is named by its file name (``eps-advice.json``), or by its path
    as given where two files share a name: the handout goes round a workshop, and a folder's path can say whose
    computer, or whose case, it came from."""
    from qactl.results import read_scored

    seen: set[Path] = set()
    docs: list[tuple[str, ScoredFile]] = []
    for p in paths:
        key = p.resolve()
        if key in seen:
            raise InputError(f"{p} is given twice; each scored file once, please.")
        seen.add(key)
        docs.append((str(p), read_scored(p)))
    names = [Path(n).name for n, _ in docs]
    if len(set(names)) == len(names):
        docs = [(name, doc) for name, (_, doc) in zip(names, docs, strict=True)]
    return moderate(docs, round_label=round_label)
