"""What passes between commands: scored audits, allocations and moderation results.

Written and read in this one module, so ``score``, ``moderate`` and ``report`` can never disagree
about a file. The shapes are TypedDicts (validated with one ``TypeAdapter`` per file: a pydantic
model per audit costs seconds at national scale; see docs/performance.md). Two encodings:

* ``.json``: one document (docs/score.md), for files a person may open;
* ``.jsonl``: JSON Lines, a header line, one audit per line, then the summary line: streamed
  both ways, for national-scale runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NotRequired

import orjson

# pydantic validates only typing_extensions.TypedDict on Python < 3.12 (read_scored and read_allocation need it)
from typing_extensions import TypedDict

from qactl.errors import InputError

if TYPE_CHECKING:
    from qactl.rubric.models import Rubric
from qactl.sheets.csvcell import csv_cell

SCORED_KIND = "qactl.scored"
ALLOCATION_KIND = "qactl.allocation"
MODERATION_KIND = "qactl.moderation"
# 2: milestones carry their kind (statutory limit or local target), citation and the reason judged per limit; the
# rubric schema holds kinds, reasons and outcomes; compliance sections are "Statutory time limits" and "Local
# targets". Files of format 1 (qactl 0.1) are still read: see qactl.statutory.timeliness for what cannot be compared.
FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)


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
    """One milestone of one audit (format 2 added every key after ``days_late``; format-1 files lack them)."""

    due: str | None  # ISO date: the last day on time
    actual: str | None
    status: Literal["on_time", "late", "missing", "not_due", "exception", "not_applicable", "unknown"]
    days_late: (
        int | None
    )  # days after the due date (0 when on time; for missing, days past due on the audit date)
    kind: NotRequired[Literal["statutory", "target"]]  # a limit set by law, or a local target
    citation: NotRequired[str | None]  # the regulation of a statutory limit (or the source of a target)
    reason: NotRequired[
        str | None
    ]  # the id of the recognised reason given for this date (applied or not), if any
    excused_under: NotRequired[str | None]  # status exception: the paragraph that allows it ("reg 5(4)(b)")
    # None: on time or no reason given; "applied": excused; "not_allowed": a recognised reason this limit does not
    # allow (a local target allows none); "unrecognised": a reason was written that is none of the recognised ones
    reason_check: NotRequired[Literal["applied", "not_allowed", "unrecognised"] | None]
    basis: NotRequired[
        Literal["answer"]
    ]  # present when a Yes/No answer, not the dates, said whether it was on time
    ended_by: NotRequired[str]  # not applicable because the process ended lawfully with this outcome


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
    outcome: NotRequired[
        str | None
    ]  # how the process ended (the rubric's outcomes), when the rubric has outcomes
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
    header_rows: NotRequired[int]  # rows repeating the header row (skipped, not audits)
    data_rows: NotRequired[int]  # every row read after the header: rows + blank_rows + header_rows
    ignored_columns: NotRequired[list[str]]  # headers matched to nothing (left out of the output)
    notes: NotRequired[list[str]]


# The rubric's shape in a scored file's header (``schema``), as :func:`rubric_schema` writes it. Every key but an
# entry's ``id`` may be missing: files of qactl 0.1 (format 1) and files written by hand carry less.


class SchemaField(TypedDict):
    id: str
    text: NotRequired[str]
    role: NotRequired[str | None]  # the rubric's role of the field (auditor, plan_id, service, …)
    pii: NotRequired[bool]  # listed so readers leave it out; its values are never in the schema


class SchemaItem(TypedDict):
    id: str
    text: NotRequired[str]
    section: NotRequired[str]
    scale: NotRequired[str]
    labels: NotRequired[list[str]]  # the scale's answers, most points first
    points: NotRequired[dict[str, int | float]]  # answer label -> points
    max: NotRequired[int | float | None]
    ordered: NotRequired[bool]
    theme: NotRequired[str | None]


class SchemaMilestone(TypedDict):
    id: str
    text: NotRequired[str]
    limit: NotRequired[str | None]  # the rule in words
    kind: NotRequired[Literal["statutory", "target"] | None]
    citation: NotRequired[str | None]
    excused_by: NotRequired[list[str]]  # the ids of the reasons that excuse a late date
    reason_field: NotRequired[str | None]


class SchemaReason(TypedDict):
    id: str
    label: NotRequired[str]


class SchemaEnding(TypedDict):
    answer: str
    at: str
    not_applicable: list[str]


class SchemaOutcomes(TypedDict):
    field: str
    ends: list[SchemaEnding]


class SchemaComment(TypedDict):
    id: str
    text: NotRequired[str]
    actions: NotRequired[bool]


class RubricSchema(TypedDict, total=False):
    purpose: str  # audit, survey or conversation
    method: str  # percent, compliance or rag
    grades: list[str]
    sections: list[str]
    fields: list[SchemaField]
    items: list[SchemaItem]
    milestones: list[SchemaMilestone]
    reasons: list[SchemaReason]
    outcomes: SchemaOutcomes | None
    comments: list[SchemaComment]


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
    schema: NotRequired[RubricSchema]


class ScoredFile(ScoredHeader):
    audits: list[Audit]
    summary: Summary


class Shared(dict[str, Any]):
    """A result dict shared by every audit that has it (an item's answer, a section's score), built once by the scorer.

    A plain dict everywhere (pydantic, ``json``, ``orjson``, equality); never mutate one. ``cells`` are its columns in
    the flat formats (an answer's label and points), kept as they are and as CSV text (``csv``), so a ``.csv`` row
    joins ready-made cells instead of converting the same answers again on every row.
    """

    __slots__ = ("cells", "csv")
    cells: tuple[Any, ...]
    csv: tuple[str, ...]

    @classmethod
    def of(cls, value: Mapping[str, Any], cells: tuple[Any, ...] = ()) -> Shared:
        d = cls(value)
        d.cells = cells
        # numbers as the csv module would write them (repr), so they are not converted again on every row
        d.csv = tuple(repr(v) if type(v) is float else csv_cell(v) for v in cells)
        return d


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode


def encode_audit(a: Audit) -> bytes:
    """One audit as compact JSON in UTF-8 (orjson: non-ASCII kept, dates in ISO).

    The same text as ``json.dumps(a, ensure_ascii=False, separators=(",", ":"))`` gives, but for the spelling of a
    float with an exponent (``1e-05`` there, ``1e-5`` here), which no score, points or maximum of a rubric has. What
    orjson refuses (an integer beyond 64 bits in an integer field, text that is not valid Unicode) is encoded by the
    standard module instead, as before.
    """
    try:
        return orjson.dumps(a)
    except (orjson.JSONEncodeError, TypeError):
        return _dumps(a).encode("utf-8", "surrogatepass")


def _adapter(tp):
    from pydantic import TypeAdapter

    return TypeAdapter(tp)


def write_scored(
    path: Path, header: ScoredHeader, audits: Iterable[Audit], summary_of: Callable[[], Summary]
) -> None:
    """Write a scored file (``.json`` or ``.jsonl`` by suffix) to ``path`` (already a temporary path).

    ``audits`` is consumed once, as it comes; ``summary_of()`` is called afterwards for the summary.
    """
    with path.open("wb") as f:
        if path.name.endswith(".jsonl") or path.suffix == ".tmp" and ".jsonl." in path.name:
            f.write(_dumps({**header, "format": FORMAT_VERSION}).encode() + b"\n")
            for a in audits:
                f.write(encode_audit(a) + b"\n")
            f.write(_dumps({"summary": summary_of()}).encode() + b"\n")
        else:
            head = json.dumps({**header, "format": FORMAT_VERSION}, ensure_ascii=False, indent=1, default=str)
            f.write((head[:-2] + ',\n "audits": [').encode())
            sep = b"\n  "
            for a in audits:
                f.write(sep + encode_audit(a))
                sep = b",\n  "
            f.write(('\n ],\n "summary": ' + json.dumps(summary_of(), ensure_ascii=False) + "\n}\n").encode())


_NOT_QACTL = "Give the .json written by `qactl score`, `allocate` or `moderate`."


def damaged(
    path: Path,
    what: str,
    remedy: str = "Score the export again (or copy the file again: it may have been cut short).",
    *,
    line: int | None = None,
) -> InputError:
    """The error for a qactl file that is not whole: never read as a partial count."""
    where = f" at line {line}" if line is not None else ""
    return InputError(f"{path} is damaged{where}: {what}. {remedy}")


def read_any(path: Path) -> dict[str, Any]:
    """Read a qactl JSON/JSONL output of any kind, checking kind and version. Returns the whole document.

    A scored file must be whole: its summary present and its audits as many as the summary says (a file cut short
    at a line end is otherwise valid JSON Lines); every audit has the shape :func:`audit_problem` checks.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file.")
    try:
        if path.suffix.lower() == ".jsonl":
            with path.open(encoding="utf-8") as f:
                head = json.loads(f.readline() or "{}")
                if not isinstance(head, dict):
                    raise InputError(
                        f"{path} is not a qactl output file: its first line is not a header (a JSON object with 'kind: qactl.…'). {_NOT_QACTL}"
                    )
                audits: list[Any] = []
                summary: Any = None
                for number, line in enumerate(f, start=2):
                    if not line.strip():
                        continue
                    if summary is not None:
                        raise damaged(path, "a line comes after the summary line", line=number)
                    obj = json.loads(line)
                    if not isinstance(obj, dict):
                        raise damaged(path, "not an audit (a JSON object)", line=number)
                    if "summary" in obj and "row" not in obj:
                        summary = obj["summary"]
                    else:
                        audits.append(obj)
            doc = {**head, "audits": audits, "summary": summary}
        else:
            with path.open(encoding="utf-8") as f:
                doc = json.load(f)
    except RecursionError:
        raise damaged(
            path, "it is nested far deeper than any qactl file (a damaged or hostile file)"
        ) from None
    except json.JSONDecodeError as e:
        if str(doc_kind_of(path)).startswith("qactl."):
            raise damaged(
                path, f"it is not valid JSON from line {e.lineno} ({e.msg}): it may have been cut short"
            ) from None
        raise InputError(
            f"{path} is not a qactl output file (it is not valid JSON: {e}). {_NOT_QACTL}"
        ) from None
    except UnicodeDecodeError as e:
        raise InputError(
            f"{path} is not a qactl output file (it is not UTF-8 text: {e.reason}). {_NOT_QACTL}"
        ) from None
    if not isinstance(doc, dict) or not str(doc.get("kind", "")).startswith("qactl."):
        raise InputError(f"{path} is not a qactl output file (it has no 'kind: qactl.…'). {_NOT_QACTL}")
    check_format(path, doc)
    if doc.get("kind") == SCORED_KIND:
        listed = doc.get("audits")
        if not isinstance(listed, list):
            raise damaged(path, "it has no list of audits")
        for k, a in enumerate(listed):
            why = audit_problem(a)
            if why:
                raise damaged(path, f"audit {k + 1}: {why}")
        check_whole(path, len(listed), doc.get("summary"))
    return doc


def check_format(path: Path, header: dict[str, Any]) -> int:
    """The file's format, if this qactl reads it (1 and 2); else an InputError saying what to do."""
    version = header.get("format", 1)
    if version not in READABLE_FORMATS:
        raise InputError(
            f"{path} was written in format {version}, and this qactl reads formats "
            f"{', '.join(map(str, READABLE_FORMATS))}. Use the qactl that wrote it, or score the export again with this version."
        )
    return version


def doc_kind_of(path: Path) -> str | None:
    """The ``kind`` a file says it is, from its first lines only (for messages about files that do not parse)."""
    import re

    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
    except OSError:
        return None
    m = re.search(r'"kind"\s*:\s*"([^"]{1,40})"', head)
    return m.group(1) if m else None


def check_whole(path: Path, count: int, summary: Any) -> None:
    """A scored file holds as many audits as its summary counts; otherwise it was cut short (or added to)."""
    if not isinstance(summary, dict):
        raise damaged(path, f"it has no summary after its {count:,} audits, so it ends early (cut short?)")
    rows = summary.get("rows")
    if not isinstance(rows, int) or isinstance(rows, bool):
        raise damaged(path, "its summary has no count of audits")
    if rows != count:
        raise damaged(path, f"it holds {count:,} audits where its summary counts {rows:,}")


_AUDIT_STATUS = frozenset(("scored", "error", "duplicate"))
_TEXT = (str, type(None))
_NUMBER = (int, float, type(None))
_SCALAR = (str, int, float, bool, type(None))


def audit_problem(a: Any) -> str | None:
    """What is wrong with the shape of one audit as read from a scored file, or None. Cheap (exact type checks, about
    3 µs an audit), so it runs on every audit a report or moderation reads: a hand-edited or hostile file is refused,
    never half-read, and nothing downstream meets an object where it expects a grade."""
    if type(a) is not dict:
        return "not a JSON object"
    if type(a.get("row")) is not int:
        return "its row is not a whole number"
    if a.get("status") not in _AUDIT_STATUS:
        return f"its status is not one of {', '.join(sorted(_AUDIT_STATUS))}"
    if type(a.get("ref")) not in _TEXT:
        return "its ref is not text"
    if type(a.get("score")) not in _NUMBER:
        return "its score is not a number"
    if type(a.get("grade")) not in _TEXT:
        return "its grade is not text"
    if type(a.get("audit_date")) not in _TEXT:
        return "its audit_date is not text"
    answers, sections, milestones, fields, comments, errors = (
        a.get("answers"),
        a.get("sections"),
        a.get("milestones"),
        a.get("fields"),
        a.get("comments"),
        a.get("errors"),
    )
    if (
        type(answers) is not dict
        or type(sections) is not dict
        or type(milestones) is not dict
        or type(fields) is not dict
        or type(comments) is not dict
    ):
        return "its answers, sections, milestones, fields and comments are not all JSON objects"
    if type(errors) is not list:
        return "its errors are not a list"
    for k, v in answers.items():
        if type(v) is not dict or type(v.get("answer")) not in _TEXT or type(v.get("points")) not in _NUMBER:
            return f"its answer to {str(k)[:40]!r} is not an answer (a label and points)"
    for k, v in sections.items():
        if type(v) is not dict or type(v.get("score")) not in _NUMBER or type(v.get("grade")) not in _TEXT:
            return f"its section {str(k)[:40]!r} is not a score and a grade"
    for k, v in milestones.items():
        if type(v) is not dict or type(v.get("status")) is not str:
            return f"its milestone {str(k)[:40]!r} has no status"
    for k, v in fields.items():
        if type(v) not in _SCALAR:
            return f"its field {str(k)[:40]!r} is not a single value"
    for k, v in comments.items():
        if type(v) is not str:
            return f"its comment {str(k)[:40]!r} is not text"
    for e in errors:
        if type(e) is not dict:
            return "an error record is not a JSON object"
    return None


def _read_kind(path: Path, kind: str, shape: Any, what: str, remedy: str) -> Any:
    """Read a qactl file, check it is of ``kind``, and validate it against its TypedDict ``shape``."""
    doc = read_any(path)
    if doc["kind"] != kind:
        raise InputError(f"{path} is a {doc['kind']} file, not {what} (kind {kind}).")
    return _validate(path, shape, doc, remedy)


def _validate(path: Path, shape: Any, doc: Mapping[str, Any], remedy: str) -> Any:
    """``doc`` validated against the TypedDict ``shape``; an InputError naming the first key that is wrong."""
    from pydantic import ValidationError

    try:
        return _adapter(shape).validate_python(doc)
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path} is damaged: at {where}, {first['msg']}. {remedy}") from None
    except RecursionError:
        raise damaged(path, "it is nested far deeper than any qactl file", remedy) from None


def read_scored(path: Path) -> ScoredFile:
    """Read and validate a scored file (``.json`` or ``.jsonl``)."""
    return _read_kind(path, SCORED_KIND, ScoredFile, "scored audits", "Score the export again.")


_AUDITS_LINE = ' "audits": ['
_HEADER_LINES = 100_000  # a schema of a few hundred items is a few thousand lines


class AuditStream:
    """The audits of a scored file read as a stream: iterable once; ``len()`` once iterated; the first 50 kept in
    ``head`` for the checks a reader makes before the work (its shape, its round's dates).

    Made by :func:`open_document` for a file in qactl's own layout: 100,000 audits in a few megabytes instead of
    gigabytes of dicts. Every audit passes :func:`audit_problem`; at the end the summary must be there and count as
    many (a file cut short at a line end is otherwise silently shorter: it is damaged, never a partial count).
    """

    def __init__(self, lines: Iterator[tuple[int, str]], path: Path, close: Callable[[], None]) -> None:
        self._path = path
        self._close = close
        self._it = self._parse(lines)
        self.head: list[Audit] = list(islice(self._it, 50))
        self.count = 0
        self._used = False

    def _parse(self, lines: Iterator[tuple[int, str]]) -> Iterator[Audit]:
        """The audits, one a line (``  {…},`` in a ``.json``, ``{…}`` in a ``.jsonl``), then the summary."""
        decode = json.JSONDecoder().raw_decode  # parses from an index and ignores the trailing ",\n"
        count = 0
        try:
            for number, line in lines:
                start = 2 if line.startswith("  {") else 0 if line.startswith("{") else -1
                if start < 0:
                    s = line.strip()
                    if s.startswith("]"):
                        check_whole(self._path, count, self._summary(lines))
                        return
                    if not s:
                        continue
                    if not s.startswith("{"):
                        raise damaged(self._path, "expected an audit", line=number)
                    start = line.index("{")
                try:
                    obj = decode(line, start)[0]
                except json.JSONDecodeError as e:
                    raise damaged(self._path, f"{e.msg} (cut short?)", line=number) from None
                except RecursionError:
                    raise damaged(self._path, "nested far deeper than an audit", line=number) from None
                if isinstance(obj, dict) and "row" not in obj and "summary" in obj:  # the .jsonl summary line
                    check_whole(self._path, count, obj["summary"])
                    return
                why = audit_problem(obj)
                if why:
                    raise damaged(self._path, why, line=number)
                count += 1
                yield obj
            raise damaged(self._path, f"it ends after {count:,} audits, with no summary: it was cut short")
        finally:
            self._close()

    def _summary(self, lines: Iterator[tuple[int, str]]) -> Any:
        """The summary after a ``.json`` file's audits: ``"summary": {…}`` then the closing brace."""
        rest = "".join(line for _, line in lines).strip()
        try:
            doc = json.loads("{" + rest.lstrip(",").strip().rstrip("}").rstrip() + "}")
        except (json.JSONDecodeError, RecursionError):
            return None
        return doc.get("summary") if isinstance(doc, dict) else None

    def __iter__(self) -> Iterator[Audit]:
        if self._used:
            raise RuntimeError("the audits of a streamed file can be read once")
        self._used = True
        for a in chain(self.head, self._it):
            self.count += 1
            yield a
        self.head = []

    def __len__(self) -> int:
        return self.count if self._used else len(self.head)


def open_document(path: Path) -> dict[str, Any]:
    """A qactl file of any kind as a document, checked as :func:`read_any` checks it; a scored file in qactl's own
    layout (the header first, then one audit a line, then the summary: what :func:`write_scored` writes, ``.json``
    or ``.jsonl``) comes with its ``audits`` as an :class:`AuditStream`, never the whole file in memory. A file in
    any other layout (pretty-printed by another tool, say) is read whole with :func:`read_any`.
    """
    if not path.is_file():
        return read_any(path)  # its message for a missing file
    f = path.open(encoding="utf-8")
    try:
        numbered = enumerate(f, start=1)
        header: Any
        if path.suffix.lower() == ".jsonl":
            first = next(numbered, (1, ""))[1]
            header = json.loads(first) if first.strip() else None
        else:
            lines: list[str] = []
            for _, line in islice(numbered, _HEADER_LINES):
                if line.rstrip("\r\n") == _AUDITS_LINE:
                    break
                lines.append(line)
            else:
                lines = []  # no audits line in the first lines: not qactl's layout
            header = json.loads("".join(lines).rstrip().rstrip(",") + "\n}") if lines else None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        header = None
    if not isinstance(header, dict) or header.get("kind") != SCORED_KIND:
        f.close()
        return read_any(path)
    check_format(path, header)
    return {**header, "audits": AuditStream(numbered, path, f.close)}


def check_scored_head(path: Path, doc: Mapping[str, Any]) -> None:
    """A scored document's shape (:class:`ScoredFile`), checked on its header and first 50 audits only.

    For a reader that reads every audit defensively as it goes (the report), so a full validation of 100,000 audits
    is not worth its seconds; a file damaged past its first audits still cannot crash it.
    """
    audits = doc.get("audits")
    if not isinstance(audits, list | AuditStream):
        raise InputError(f"{path} is damaged: it has no list of audits. Score the export again.")
    sample = {
        **doc,
        "audits": audits.head if isinstance(audits, AuditStream) else audits[:50],
        "summary": doc.get("summary") or {"rows": 0, "scored": 0, "with_errors": 0, "grades": {}},
    }
    _validate(path, ScoredFile, sample, "Score the export again.")


def first_audits(doc: Mapping[str, Any]) -> list[Any]:
    """The first (up to 50) audits of a document as :func:`open_document` gives it, without using up a stream."""
    audits = doc.get("audits")
    return audits.head if isinstance(audits, AuditStream) else (audits or [])[:50]


def rubric_schema(rubric: Rubric) -> RubricSchema:
    """The rubric's shape, stored in every scored file so reports and moderation need no rubric file.

    ``{"purpose", "sections", "grades", "method", "fields": [{id, text, role, pii}], "items": [{id, text, section, scale,
    labels, max, ordered, theme}], "milestones": [{id, text, limit, kind, citation, excused_by, reason_field}],
    "reasons": [{id, label}], "outcomes": {field, ends: [{answer, at, not_applicable}]} | None,
    "comments": [{id, text, actions}]}``; pii fields are listed (so readers know to leave them out) but never
    their values. ``sections`` lists the compliance sections of the milestones after the items' own. ``purpose``
    (audit, survey or conversation) tells the report to grade, or to show answers.
    """
    items: list[SchemaItem] = []
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
                "max": i.max_points
                if i.max_points is not None
                else (sum(c.points for c in s.choices if c.points > 0) if i.multi else s.max_points),
                "ordered": s.ordered,
                "theme": i.theme,
            }
        )
    return {
        "purpose": rubric.purpose,
        "method": rubric.grading.method,
        "grades": [b.grade for b in rubric.grading.bands],
        "sections": [*rubric.sections, *rubric.milestone_sections],
        "fields": [
            {"id": f.id, "text": f.text, "role": f.role.value if f.role else None, "pii": f.pii}
            for f in rubric.fields
        ],
        "items": items,
        "milestones": [
            {
                "id": m.id,
                "text": m.text,
                "limit": m.limit,
                "kind": m.kind,
                "citation": m.citation,
                "excused_by": list(m.excused_by),
                "reason_field": m.reason,
            }
            for m in rubric.milestones
        ],
        "reasons": [
            {"id": r.id, "label": r.label} for r in (rubric.exceptions.reasons if rubric.exceptions else [])
        ],
        "outcomes": None
        if rubric.outcomes is None
        else {
            "field": rubric.outcomes.field,
            "ends": [
                {"answer": e.answer, "at": e.at, "not_applicable": list(e.not_applicable)}
                for e in rubric.outcomes.ends
            ],
        },
        "comments": [{"id": c.id, "text": c.text, "actions": c.actions} for c in rubric.comments],
    }


class AllocationAssignment(TypedDict):
    plan_id: str
    auditor_id: str
    role: Literal["primary", "moderation"]


class AllocationInput(TypedDict):
    role: str  # plans, cohort, history or keep
    file: str  # its name, without the folder
    sha256: str


class AllocationPlan(TypedDict):
    """One plan of the sample (only ``plan_id`` in a file written by hand or by an early qactl)."""

    plan_id: str
    stratum: NotRequired[str]
    team: NotRequired[str | None]
    key_stage: NotRequired[str | None]
    primary_need: NotRequired[str | None]
    type: NotRequired[str | None]
    issued: NotRequired[str | None]  # ISO date
    setting: NotRequired[str | None]
    contributors: NotRequired[list[str]]  # the services that contributed to the plan
    moderation: NotRequired[bool]  # audited twice, for moderation
    focus: NotRequired[str]  # the dip sample that picked it, if any


class AllocationAuditor(TypedDict):
    id: str
    name: NotRequired[str]
    service: NotRequired[str]
    email: NotRequired[str]
    capacity: NotRequired[int]
    allocated: NotRequired[int]
    available: NotRequired[bool]


class AllocationFile(TypedDict):
    kind: str
    format: int
    qactl: str
    round: str | None
    seed: int
    due: str
    # the options the allocation was made with (round, from, to, types, per_auditor, sample, moderation, focus,
    # rubric, form_link, solver, objective): a record for people and for --keep, read by key where used
    options: dict[str, Any]
    inputs: list[AllocationInput]
    assignments: list[AllocationAssignment]
    sample: list[AllocationPlan]
    auditors: NotRequired[list[AllocationAuditor]]


def write_allocation(path: Path, doc: AllocationFile) -> None:
    """Write an allocation as JSON to ``path`` (already a temporary path): stable key order, so equal allocations are equal bytes."""
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(
            json.dumps(
                {**doc, "kind": ALLOCATION_KIND, "format": FORMAT_VERSION}, ensure_ascii=False, indent=1
            )
            + "\n"
        )


def read_allocation(path: Path) -> AllocationFile:
    """Read and validate an allocation written by ``qactl allocate``."""
    return _read_kind(path, ALLOCATION_KIND, AllocationFile, "an allocation", "Run `qactl allocate` again.")


class CommonAnswer(TypedDict):
    answer: str  # the answer both auditors gave most often
    share: float  # its share of all their answers (%)


class ModerationOverall(TypedDict):
    pairs_of_answers: int
    percent_agreement: float | None
    kappa: float | None
    weighted_kappa: float | None
    kappa_kind: str
    graded_pairs: int
    grade_agreement: float | None
    # added after qactl 0.1.0 (files written before have none of them): beside kappa, for the prevalence paradox
    ac1: NotRequired[float | None]
    pabak: NotRequired[float | None]
    chance_agreement: NotRequired[float | None]
    common_answer: NotRequired[CommonAnswer | None]
    kappa_misleading: NotRequired[bool]
    pairs_differing: NotRequired[int]


class ModerationItem(TypedDict):
    # In the file: id, text, section, pairs, agreed, percent_agreement, kappa, weighted_kappa, kappa_kind, then the
    # measures beside kappa. Declared in the order pydantic checks them, so a damaged file names the same key first.
    id: str
    text: str
    pairs: int
    percent_agreement: float | None
    kappa: float | None
    weighted_kappa: float | None
    section: str | None
    agreed: int
    kappa_kind: str
    ac1: NotRequired[float | None]
    pabak: NotRequired[float | None]
    chance_agreement: NotRequired[float | None]
    common_answer: NotRequired[CommonAnswer | None]
    kappa_misleading: NotRequired[bool]


class ModerationSource(TypedDict):
    file: str
    sha256: str | None
    audits: int


class AuditorAnswer(TypedDict):
    auditor: str | None
    answer: str
    file: str
    row: int


class Disagreement(TypedDict):
    """Two answers to one item at opposite ends of its scale."""

    ref: str | None
    item: str
    text: str
    answers: list[AuditorAnswer]


class PairedAudit(TypedDict):
    auditor: str | None
    grade: str | None
    score: float | None
    file: str
    row: int


class Difference(TypedDict):
    item: str
    text: str
    answers: list[str | None]  # the two auditors' answers, N/A, "(not read)" or None (blank)
    steps: int | None  # how far apart on the scale (None: not both on it)
    opposite_ends: bool


class ToDiscuss(TypedDict):
    """A pair whose grades or answers differ."""

    ref: str | None
    grades_differ: bool
    grade_steps: int | None
    audits: list[PairedAudit]
    differences: list[Difference]


class Unpaired(TypedDict):
    ref: str | None
    auditor: str | None
    file: str
    row: int
    reason: str


class ModerationFile(TypedDict):
    """``qactl moderate`` JSON (docs/moderate.md, "Outputs"): agreement between two auditors of the same plan."""

    # In the file: kind, format, qactl, rubric, round, sources, pairs, plans, overall, items, disagreements,
    # to_discuss, unpaired, notes. Declared in the order pydantic checks them, so a damaged file names the same key
    # first as it did before sources, plans and notes were declared.
    kind: str
    format: int
    qactl: str
    rubric: RubricRef
    round: str | None
    pairs: int
    overall: ModerationOverall
    items: list[ModerationItem]
    disagreements: list[Disagreement]
    to_discuss: NotRequired[list[ToDiscuss]]  # added after 0.1.0: every pair whose grades or answers differ
    unpaired: list[Unpaired]
    sources: list[ModerationSource]
    plans: int
    notes: list[str]


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
