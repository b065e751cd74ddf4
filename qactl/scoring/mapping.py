"""Which column of an export holds which field, item, milestone or comment of a rubric.

A header matches a target by, in this order: the ``--map`` file; Microsoft Forms' own columns (``ID``,
``Start time``, ``Completion time``, ``Email``, ``Name``, ``Last modified time``: the respondent, i.e. the
auditor, never the child); the target's id; its text; one of its aliases. Text and aliases compare
through :func:`norm_header` (case, spacing, punctuation and leading numbering such as ``5.``, ``Q5``,
``4)`` ignored). A header that exactly names a Forms column is Forms' own: to read it as a rubric field,
map it with ``--map``.

Columns that match nothing are *extra*: they are listed in the summary and left out of every output
unless ``--include-pii`` is given (an unknown column may hold anything, a name included).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

from qactl.errors import ConfigError, InputError, Problem
from qactl.rubric.models import Comment, Field, Item, Milestone, Rubric, norm_header

# Microsoft Forms' own columns, by normalised header → the key kept in each audit's fields.
FORMS_COLUMNS = {
    "id": "forms_id",
    "start time": "start_time",
    "completion time": "completion_time",
    "email": "respondent_email",
    "name": "respondent",
    "last modified time": "last_modified_time",
}

KINDS = ("field", "item", "milestone", "comment")


@dataclass(frozen=True)
class Target:
    kind: str  # field, item, milestone or comment
    id: str


@dataclass
class ColumnMap:
    """The result of mapping: column index → target, Forms columns, extra columns."""

    headers: list[str]
    targets: dict[int, Target] = field(default_factory=dict)
    forms: dict[int, str] = field(default_factory=dict)  # column → key such as completion_time
    extra: dict[int, str] = field(default_factory=dict)  # column → header
    how: dict[int, str] = field(default_factory=dict)  # column → "map", "id", "text", "alias"

    def column_of(self, target_id: str) -> int | None:
        return next((c for c, t in self.targets.items() if t.id == target_id), None)

    def forms_column(self, key: str) -> int | None:
        return next((c for c, k in self.forms.items() if k == key), None)


def _columns(rubric: Rubric) -> Iterator[tuple[str, Field | Item | Milestone | Comment]]:
    """Every column the rubric names, with its kind (one of ``KINDS``): fields, items, milestones, comments."""
    yield from (("field", f) for f in rubric.fields)
    yield from (("item", i) for i in rubric.items)
    yield from (("milestone", m) for m in rubric.milestones)
    yield from (("comment", c) for c in rubric.comments)


def _keys(rubric: Rubric) -> tuple[dict[str, Target], dict[str, Target], dict[str, Target]]:
    by_id: dict[str, Target] = {}
    by_text: dict[str, Target] = {}
    by_alias: dict[str, Target] = {}
    for kind, t in _columns(rubric):
        target = Target(kind, t.id)
        by_id[t.id.casefold()] = target
        by_text.setdefault(norm_header(t.text), target)
        by_alias.setdefault(norm_header(t.id.replace("_", " ")), target)
        for a in t.aliases:
            by_alias.setdefault(norm_header(a), target)
    return by_id, by_text, by_alias


def load_map(path: str | Path, rubric: Rubric) -> dict[str, str]:
    """A ``--map`` file: YAML (``column: id``) or CSV (two columns: column, id). Keys compared by norm_header."""
    from qactl.yamlio import load_yaml

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such map file. Give a YAML (column: id) or CSV (column,id) file.")
    pairs: list[tuple[str, str, int | None]] = []
    if path.suffix.lower() in (".yaml", ".yml"):
        root = load_yaml(path, ConfigError)
        if not isinstance(root, dict):
            raise ConfigError(
                [Problem(str(path), 1, 1, "a map file is a YAML mapping of column header: rubric id")]
            )
        for k, v in root.items():
            line = root.lc.key(k)[0] + 1 if hasattr(root, "lc") else None
            pairs.append((str(k), str(v), line))
    else:
        import csv

        with path.open(encoding="utf-8-sig", newline="") as f:
            for n, row in enumerate(csv.reader(f), start=1):
                if len(row) >= 2 and row[0].strip():
                    if n == 1 and row[0].strip().casefold() == "column":
                        continue
                    pairs.append((row[0], row[1].strip(), n))
    ids = {t.id for t in rubric.columns()}
    problems = [
        Problem(
            str(path),
            line,
            None,
            f"{column!r} is mapped to {target!r}, which is not an id of the rubric {rubric.id}"
            + (f" (did you mean {m[0]!r}?)" if (m := get_close_matches(target, ids, n=1)) else ""),
        )
        for column, target, line in pairs
        if target not in ids
    ]
    if problems:
        raise ConfigError(problems)
    return {norm_header(c): t for c, t, _ in pairs}


def map_columns(
    rubric: Rubric, headers: list[str], mapping: dict[str, str] | None = None, *, file: str = "the export"
) -> ColumnMap:
    """Map each header to a target. Raises :class:`InputError` on duplicates or missing required columns."""
    by_id, by_text, by_alias = _keys(rubric)
    kinds = {t.id: Target(kind, t.id) for kind, t in _columns(rubric)}
    mapping = mapping or {}
    cm = ColumnMap(headers=list(headers))
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    for col, header in enumerate(headers):
        if not header:
            continue
        n = norm_header(header)
        target, how = None, ""
        if n in mapping:
            target, how = kinds[mapping[n]], "map"
        elif " ".join(header.split()).casefold() in FORMS_COLUMNS:
            cm.forms[col] = FORMS_COLUMNS[" ".join(header.split()).casefold()]
            continue
        elif header.strip().casefold() in by_id:
            target, how = by_id[header.strip().casefold()], "id"
        elif n in by_text:
            target, how = by_text[n], "text"
        elif n in by_alias:
            target, how = by_alias[n], "alias"
        if target is None:
            cm.extra[col] = header
            continue
        if target.id in seen:
            first = seen[target.id]
            duplicates.append(
                f"columns {_col(first)} {headers[first]!r} and {_col(col)} {header!r} both match {target.kind} {target.id!r}"
            )
            continue
        seen[target.id] = col
        cm.targets[col] = target
        cm.how[col] = how
    if duplicates:
        raise InputError(
            f"{file}: two columns hold the same question, so qactl cannot tell which to score:\n  "
            + "\n  ".join(duplicates)
            + "\nDelete or rename one of them, or say which is which with --map FILE (column: id)."
        )
    # an item added to the rubric since the form was made (``since``) may have no column: it leaves the denominator
    required: list[Item | Field | Milestone] = [
        *(i for i in rubric.items if i.required and not i.since),
        *(f for f in rubric.fields if f.required),
        *(m for m in rubric.milestones if m.required),
    ]
    missing = [t for t in required if t.id not in seen]
    if missing and rubric.items and not any(t.kind == "item" for t in cm.targets.values()):
        raise InputError(
            f"{file} matches none of the {len(rubric.items)} questions of the rubric {rubric.id} ({rubric.title}): "
            "it looks like the export of another form. Check the rubric named on the command line (`qactl rubrics list` "
            "shows them all), or, if the headers were reworded, map them with --map FILE (column: id)."
        )
    if missing:
        free = [h for c, h in enumerate(headers) if h and c not in cm.targets and c not in cm.forms]
        normed = {norm_header(h): h for h in free}
        lines = []
        for t in missing:
            near = get_close_matches(norm_header(t.text), list(normed), n=2, cutoff=0.4)
            hint = (
                ("; nearest headers: " + ", ".join(repr(normed[x]) for x in near))
                if near
                else "; no header is close"
            )
            lines.append(f"{t.id} ({t.text[:70]!r}){hint}")
        raise InputError(
            f"{file} has no column for {len(missing)} required question{'s' if len(missing) != 1 else ''} of the rubric {rubric.id}:\n  "
            + "\n  ".join(lines)
            + f"\nCheck that this export comes from the {rubric.id} form; if a header was reworded, map it with --map FILE (column: id)."
        )
    return cm


def _col(index: int) -> str:
    from qactl.sheets.reader import column_letter

    return column_letter(index)
