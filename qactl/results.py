"""What passes between commands: scored audits, allocations and moderation results.

Written and read in this one module, so ``score``, ``moderate`` and ``report`` can never disagree
about a file. The shapes are TypedDicts (validated with one ``TypeAdapter`` per file: a pydantic
model per audit costs seconds at national scale; see PERFORMANCE.md). Two encodings:

* ``.json``: one document (SPEC §5), for files a person may open;
* ``.jsonl``: JSON Lines, a header line, one audit per line, then the summary line: streamed
  both ways, for national-scale runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, NotRequired

# pydantic validates only typing_extensions.TypedDict on Python < 3.12 (read_scored and read_allocation need it)
from typing_extensions import TypedDict

from qactl.errors import InputError

SCORED_KIND = "qactl.scored"
ALLOCATION_KIND = "qactl.allocation"
MODERATION_KIND = "qactl.moderation"
FORMAT_VERSION = 1


class RubricRef(TypedDict):
    id: str
    version: str
    title: str


class Source(TypedDict):
    file: str
    sheet: str
    sha256: str


class AnswerResult(TypedDict):
    answer: str | None  # the canonical label (or labels joined by "; " for multi items)
    points: float | None
    max: float | None
    applies: bool


class MilestoneResult(TypedDict):
    due: str | None  # ISO date
    actual: str | None
    status: Literal["on_time", "late", "missing", "not_due", "exception", "not_applicable", "unknown"]
    days_late: int | None


class SectionResult(TypedDict):
    score: float | None
    grade: str | None


class ErrorRecord(TypedDict):
    cell: str
    column: str
    item: str
    value: str
    code: str
    message: str


class Audit(TypedDict):
    row: int
    ref: str | None
    status: Literal["scored", "error", "duplicate"]
    duplicate_of: NotRequired[int]  # for a duplicate: the row of the first submission
    score: float | None
    grade: str | None
    audit_date: NotRequired[str | None]
    sections: dict[str, SectionResult]
    answers: dict[str, AnswerResult]
    milestones: dict[str, MilestoneResult]
    fields: dict[str, Any]
    comments: dict[str, str]
    errors: list[ErrorRecord]


class Summary(TypedDict):
    rows: int
    scored: int
    with_errors: int
    grades: dict[str, int]
    duplicates: NotRequired[int]
    blank_rows: NotRequired[int]
    ignored_columns: NotRequired[list[str]]  # headers matched to nothing (left out of the output)
    notes: NotRequired[list[str]]


class ScoredHeader(TypedDict):
    kind: str
    qactl: str
    format: NotRequired[int]
    rubric: RubricRef
    round: str | None
    source: Source
    created: NotRequired[str]
    options: NotRequired[dict[str, Any]]
    # The rubric's shape, so a report needs no rubric file: sections, items (id, text, section, scale labels), grades.
    schema: NotRequired[dict[str, Any]]


class ScoredFile(ScoredHeader):
    audits: list[Audit]
    summary: Summary


class Shared(dict):
    """A result dict shared by every audit that has it (an item's answer, a section's score), built once.

    ``json`` is its JSON *with its key* (``"formulation":{"answer":"Fully",…}``), encoded once, so writing
    600,000 audits joins ready-made strings instead of encoding the same small dicts millions of times. A
    plain dict everywhere else (pydantic, ``json``, equality); never mutate one.
    """

    __slots__ = ("json", "cells", "csv")

    @classmethod
    def of(cls, key: str, value: dict[str, Any], cells: tuple = ()) -> Shared:
        """``cells``: its columns in the flat formats (an answer's label and points), kept as they are and as CSV text."""
        d = cls(value)
        d.json = _dumps(key) + ":" + _dumps(d)
        d.cells = cells
        # numbers as the csv module would write them (repr), so they are not converted again on every row
        d.csv = tuple(repr(v) if type(v) is float else csv_cell(v) for v in cells)
        return d


def csv_cell(v: Any) -> Any:
    """A value as a CSV cell: None → empty; text from people that starts with ``=``, ``+``, ``@``, ``-`` (not a
    number), a tab or a carriage return gets a leading ``'`` so that Excel, opening the CSV, cannot take it for a formula."""
    if v is None:
        return ""
    if type(v) is str and v and v[0] in "=+@-\t\r":
        if v[0] == "-":
            try:
                float(v)
                return v
            except ValueError:
                pass
        return "'" + v
    return v


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
_SPLICE = '"sections":0,"answers":0'


def _joined(m: dict[str, Any]) -> str | None:
    try:
        return "{" + ",".join([v.json for v in m.values()]) + "}"
    except AttributeError:  # not all Shared
        return None


def encode_audit(a: Audit) -> str:
    """One audit as compact JSON, the same bytes as ``json.dumps`` (compact, non-ASCII kept) would give.

    The answers and sections, when made of :class:`Shared` dicts (as the scorer makes them), are joined from their
    ready-made JSON; the rest is encoded in one call.
    """
    answers = _joined(a["answers"])
    sections = _joined(a["sections"]) if a["sections"] else "{}"
    if answers is None or sections is None:
        return _dumps(a)
    rest = _dumps({**a, "sections": 0, "answers": 0})
    if _SPLICE not in rest:  # keys in another order: no splicing
        return _dumps(a)
    # the pattern cannot occur inside a JSON string (its quotes would be escaped), so the first match is the keys
    return rest.replace(_SPLICE, f'"sections":{sections},"answers":{answers}', 1)


def _adapter(tp):
    from pydantic import TypeAdapter

    return TypeAdapter(tp)


def write_scored(path: Path, header: ScoredHeader, audits: Iterable[Audit], summary_of: callable) -> None:
    """Write a scored file (``.json`` or ``.jsonl`` by suffix) to ``path`` (already a temporary path).

    ``audits`` is consumed once, as it comes; ``summary_of()`` is called afterwards for the summary.
    """
    dumps = _dumps
    with path.open("w", encoding="utf-8", newline="\n") as f:
        if path.name.endswith(".jsonl") or path.suffix == ".tmp" and ".jsonl." in path.name:
            f.write(dumps({**header, "format": FORMAT_VERSION}) + "\n")
            for a in audits:
                f.write(encode_audit(a) + "\n")
            f.write(dumps({"summary": summary_of()}) + "\n")
        else:
            head = json.dumps({**header, "format": FORMAT_VERSION}, ensure_ascii=False, indent=1, default=str)
            f.write(head[:-2] + ',\n "audits": [')
            first = True
            for a in audits:
                f.write(("\n  " if first else ",\n  ") + encode_audit(a))
                first = False
            f.write("\n ],\n \"summary\": " + json.dumps(summary_of(), ensure_ascii=False) + "\n}\n")


def read_any(path: Path) -> dict[str, Any]:
    """Read a qactl JSON/JSONL output of any kind, checking kind and version. Returns the whole document."""
    if not path.exists():
        raise InputError(f"{path}: no such file.")
    try:
        if path.suffix.lower() == ".jsonl":
            with path.open(encoding="utf-8") as f:
                head = json.loads(f.readline() or "{}")
                audits, summary = [], None
                for line in f:
                    if not line.strip():
                        continue
                    obj = json.loads(line)
                    if "summary" in obj and "row" not in obj:
                        summary = obj["summary"]
                    else:
                        audits.append(obj)
            doc = {**head, "audits": audits, "summary": summary}
        else:
            with path.open(encoding="utf-8") as f:
                doc = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path} is not a qactl output file (it is not valid JSON: {e}). Give the .json written by `qactl score`, `allocate` or `moderate`.") from None
    if not isinstance(doc, dict) or not str(doc.get("kind", "")).startswith("qactl."):
        raise InputError(f"{path} is not a qactl output file (it has no 'kind: qactl.…'). Give the .json written by `qactl score`, `allocate` or `moderate`.")
    version = doc.get("format", 1)
    if version != FORMAT_VERSION:
        raise InputError(f"{path} was written in format {version}, and this qactl reads format {FORMAT_VERSION}. Score the export again with this version.")
    return doc


def _read_kind(path: Path, kind: str, shape: Any, what: str, remedy: str) -> Any:
    """Read a qactl file, check it is of ``kind``, and validate it against its TypedDict ``shape``."""
    from pydantic import ValidationError

    doc = read_any(path)
    if doc["kind"] != kind:
        raise InputError(f"{path} is a {doc['kind']} file, not {what} (kind {kind}).")
    try:
        return _adapter(shape).validate_python(doc)
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path} is damaged: at {where}, {first['msg']}. {remedy}") from None


def read_scored(path: Path) -> ScoredFile:
    """Read and validate a scored file (``.json`` or ``.jsonl``)."""
    return _read_kind(path, SCORED_KIND, ScoredFile, "scored audits", "Score the export again.")


def iter_jsonl_audits(path: Path) -> Iterator[Audit]:
    """Stream the audits of a ``.jsonl`` scored file without holding them all."""
    with path.open(encoding="utf-8") as f:
        f.readline()
        for line in f:
            obj = json.loads(line)
            if "row" in obj:
                yield obj


def rubric_schema(rubric) -> dict[str, Any]:
    """The rubric's shape, stored in every scored file so reports and moderation need no rubric file.

    ``{"purpose", "sections", "grades", "method", "fields": [{id, text, role}], "items": [{id, text, section, scale,
    labels, max, ordered, theme}], "milestones": [{id, text, limit}], "comments": [{id, text, actions}]}``;
    pii fields are listed (so readers know to leave them out) but never their values.
    """
    items = []
    for i in rubric.items:
        s = rubric.scales[i.scale]
        items.append(
            {
                "id": i.id,
                "text": i.text,
                "section": i.section,
                "scale": i.scale,
                "labels": [c.label for c in sorted(s.choices, key=lambda c: -c.points)],
                "points": {c.label: c.points for c in s.choices},
                "max": i.max_points if i.max_points is not None else (sum(c.points for c in s.choices if c.points > 0) if i.multi else s.max_points),
                "ordered": s.ordered,
                "theme": i.theme,
            }
        )
    return {
        "purpose": rubric.purpose,
        "method": rubric.grading.method,
        "grades": [b.grade for b in rubric.grading.bands],
        "sections": rubric.sections,
        "fields": [{"id": f.id, "text": f.text, "role": f.role.value if f.role else None, "pii": f.pii} for f in rubric.fields],
        "items": items,
        "milestones": [{"id": m.id, "text": m.text, "limit": m.limit} for m in rubric.milestones],
        "comments": [{"id": c.id, "text": c.text, "actions": c.actions} for c in rubric.comments],
    }


class AllocationAssignment(TypedDict):
    plan_id: str
    auditor_id: str
    role: Literal["primary", "moderation"]


class AllocationFile(TypedDict):
    kind: str
    format: int
    qactl: str
    round: str | None
    seed: int
    due: str
    options: dict[str, Any]
    inputs: list[dict[str, Any]]
    assignments: list[AllocationAssignment]
    sample: list[dict[str, Any]]
    auditors: NotRequired[list[dict[str, Any]]]


def write_allocation(path: Path, doc: AllocationFile) -> None:
    """Write an allocation as JSON to ``path`` (already a temporary path): stable key order, so equal allocations are equal bytes."""
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps({**doc, "kind": ALLOCATION_KIND, "format": FORMAT_VERSION}, ensure_ascii=False, indent=1) + "\n")


def read_allocation(path: Path) -> AllocationFile:
    """Read and validate an allocation written by ``qactl allocate``."""
    return _read_kind(path, ALLOCATION_KIND, AllocationFile, "an allocation", "Run `qactl allocate` again.")


class ModerationOverall(TypedDict):
    pairs_of_answers: int
    percent_agreement: float | None
    kappa: float | None
    weighted_kappa: float | None
    kappa_kind: str
    graded_pairs: int
    grade_agreement: float | None


class ModerationItem(TypedDict):
    id: str
    text: str
    pairs: int
    percent_agreement: float | None
    kappa: float | None
    weighted_kappa: float | None


class ModerationFile(TypedDict):
    """``qactl moderate`` JSON (SPEC §8): agreement between two auditors of the same plan."""

    kind: str
    format: int
    qactl: str
    rubric: RubricRef
    round: str | None
    pairs: int
    overall: ModerationOverall
    items: list[ModerationItem]
    disagreements: list[dict[str, Any]]
    unpaired: list[dict[str, Any]]


def write_moderation(path: Path, doc: ModerationFile) -> None:
    """Write a moderation document to ``path`` (already a temporary path) as JSON."""
    if doc.get("kind") != MODERATION_KIND:
        raise ValueError(f"not a moderation document: kind {doc.get('kind')!r}")
    with path.open("w", encoding="utf-8", newline="\n") as f:
        json.dump({**doc, "format": FORMAT_VERSION}, f, ensure_ascii=False, indent=1)
        f.write("\n")


def read_moderation(path: Path) -> ModerationFile:
    """Read and validate a moderation file written by ``qactl moderate``."""
    return _read_kind(path, MODERATION_KIND, ModerationFile, "a moderation", "Run `qactl moderate` again.")
