"""``qactl score`` as one library call: read the export, map, score every row, write the output.

One pass: rows stream from the reader through the scorer into the writer; nothing holds the whole
sheet. The garbage collector is paused during the pass (the audits are many small, short-lived
containers: collecting them costs more than the scoring; see PERFORMANCE.md).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from qactl import clock
from qactl.results import SCORED_KIND, Audit, ErrorRecord, ScoredHeader, Summary


@dataclass
class ScoreResult:
    """What the command shows after the run."""

    output: Path
    summary: Summary
    first_errors: list[ErrorRecord] = field(default_factory=list)
    mapped: dict[str, str] = field(default_factory=dict)  # header → target id
    ignored_columns: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # for the user: local rubric files skipped, …

    @property
    def exit_code(self) -> int:
        return 1 if self.summary["with_errors"] else 0


def score_file(
    rubric_name: str,
    input_path: str | Path,
    output: str | Path,
    *,
    sheet: str | None = None,
    round_label: str | None = None,
    map_file: str | Path | None = None,
    audit_date: date | None = None,
    include_pii: bool = False,
    on_key_created: Callable[[str], None] | None = None,
    advance: Callable[[int], None] | None = None,
    max_errors_kept: int = 20,
    previous: str | Path | None = None,
) -> ScoreResult:
    """Score one export against a rubric and write ``output`` (format by suffix). Raises QactlError on unusable input.

    ``previous``: last round's scored file of the same rubric, set beside this round on the workbook's Summary
    (``.xlsx`` output only)."""
    from qactl import __version__
    from qactl.errors import UsageError
    from qactl.privacy import load_key
    from qactl.results import rubric_schema
    from qactl.rubric.loader import resolve
    from qactl.scoring.mapping import load_map
    from qactl.scoring.output import Layout, check_suffix, write_output
    from qactl.scoring.score import Scorer
    from qactl.sheets.reader import open_sheet
    from qactl.sheets.writer import Outputs

    output = Path(output)
    suffix = check_suffix(output)
    if previous is not None and suffix != ".xlsx":
        raise UsageError(
            f"--previous sets last round beside this one on the workbook's Summary: write an .xlsx "
            f"(-o {output.with_suffix('.xlsx').name}), or leave --previous out for {suffix}."
        )
    found = resolve(rubric_name)
    rubric = found.rubric
    # every file the run reads: the rubric's own file (a built-in's or a local one found by its id), the key file too
    outputs = Outputs([input_path, map_file, found.path, previous, _key_path()])
    outputs.check(output)  # say so before reading a large export
    last_round = None
    if previous is not None:
        from qactl.scoring.workbook import read_previous

        last_round = read_previous(previous, rubric)
    src = open_sheet(input_path, sheet)
    mapping = load_map(map_file, rubric) if map_file else None
    cmap = _map_columns(rubric, src, mapping)
    key = _key(load_key, on_key_created)
    scorer = Scorer(rubric, cmap, sheet=src.name, key=key, audit_date=audit_date, include_pii=include_pii)

    field_keys = [
        f.id
        for f in rubric.fields
        if f.id in {t.id for t in cmap.targets.values()} and (include_pii or not f.pii)
    ]
    field_keys += list(cmap.forms.values())
    if include_pii:
        field_keys += list(cmap.extra.values())
    layout = Layout(rubric, field_keys)
    ignored = [] if include_pii else list(cmap.extra.values())
    options = {
        "sheet": src.name,
        "map": str(map_file) if map_file else None,
        "audit_date": audit_date.isoformat() if audit_date else None,
        "include_pii": include_pii,
    }
    when = clock.now()
    created = when.isoformat()
    header: ScoredHeader = {
        "kind": SCORED_KIND,
        "qactl": __version__,
        "rubric": {"id": rubric.id, "version": rubric.version, "title": rubric.title},
        "round": round_label,
        "source": {"file": src.path.name, "sheet": src.name, "sha256": src.sha256},
        "created": created,
        "options": options,
        "schema": rubric_schema(rubric),
    }
    about = {
        "round": round_label,
        "source": src.path.name,
        "sheet": src.name,
        "sha256": src.sha256,
        "when": when.strftime("%d/%m/%Y %H:%M") + " (UTC)",
        "qactl": __version__,
        "ignored": ignored,
        "include_pii": include_pii,
        "options": "; ".join(
            x
            for x in (
                f"answers mapped by {Path(map_file).name}" if map_file else "",
                f"every audit dated {audit_date.strftime('%d/%m/%Y')}" if audit_date else "",
                "personal fields kept" if include_pii else "",
            )
            if x
        ),
    }
    first_errors: list[ErrorRecord] = []

    def audits() -> Iterator[Audit]:
        pending = 0
        for row, values in src.rows:
            a = scorer.audit(row, values)
            pending += 1
            if advance and pending >= 500:
                advance(pending)
                pending = 0
            if a is None:
                continue
            if a["errors"] and len(first_errors) < max_errors_kept and a["status"] == "error":
                first_errors.extend(a["errors"][: max_errors_kept - len(first_errors)])
            yield a
        if advance and pending:
            advance(pending)

    def summary_of() -> Summary:
        return scorer.tally.summary(ignored)

    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with outputs:
            write_output(outputs.add(output), suffix, header, audits(), summary_of, layout, about, last_round)
    finally:
        if gc_was_enabled:
            gc.enable()
    mapped = {cmap.headers[c]: t.id for c, t in cmap.targets.items()}
    return ScoreResult(
        output=output,
        summary=summary_of(),
        first_errors=first_errors,
        mapped=mapped,
        ignored_columns=ignored,
        notices=list(found.notes),
    )


def _map_columns(rubric, src, mapping):
    """The columns of the sheet read; when they do not fit the rubric, the message names the sheet and header row read."""
    from qactl.errors import InputError
    from qactl.scoring.mapping import map_columns

    try:
        return map_columns(rubric, src.headers, mapping, file=str(src.path))
    except InputError as err:
        raise InputError(err.message, hint=_where_read(src)) from None


def _where_read(src) -> str:
    """Which sheet and which row qactl took the headers from, and how to point it elsewhere."""
    shown = [h for h in src.headers if h][:3]
    heads = ", ".join(repr(h[:40]) for h in shown) + (", …" if len([h for h in src.headers if h]) > 3 else "")
    row = f"row {src.header_row} ({heads})" if shown else f"row {src.header_row}"
    banner = (
        " If the headers are on a later row, a title or banner row above them was taken for the headers: delete it "
        "and run again."
    )
    if src.kind != "xlsx":
        return f"qactl took {row} as the header row.{banner}"
    others = [n for n in src.sheet_names if n != src.name]
    hidden = [n for n in src.hidden_sheets if n != src.name]
    said = (
        f"qactl read the sheet {src.name!r}"
        + (" (the first visible one)" if hidden else "")
        + f" and took its {row} as the header row."
    )
    if others:
        listed = ", ".join(repr(n) + (" (hidden)" if n in hidden else "") for n in others)
        said += f" The workbook also has {listed}: if the responses are on one of those, name it with --sheet, as --sheet {others[0]!r}."
    return said + banner


def _key_path() -> Path | None:
    """The key file the run reads when ``QACTL_KEY`` is not set (an input like any other: never an output)."""
    import os

    from qactl.privacy import KEY_ENV, key_file

    if os.environ.get(KEY_ENV):
        return None
    try:
        return key_file()
    except (OSError, RuntimeError):  # no home folder to find it in: nothing to protect
        return None


def _key(load_key, on_key_created) -> bytes:
    """The pseudonymisation key; a config folder that cannot be created is a paragraph, not a traceback."""
    from qactl.errors import InputError
    from qactl.privacy import KEY_ENV, key_file

    try:
        return load_key(on_key_created)
    except OSError as e:
        raise InputError(
            f"No pseudonymisation key: {KEY_ENV} is not set, and the key file {key_file()} cannot be read or created "
            f"({e.strerror or e}). Nothing was written. Set {KEY_ENV} to your area's key (the same key every round, so "
            "references link), or make that folder writable and run again."
        ) from None
