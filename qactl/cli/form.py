"""`qactl form RUBRIC -o FILE.xlsx`: a blank audit workbook that `qactl score` reads back."""

from __future__ import annotations

from pathlib import Path

import typer

from qactl.cli.options import output_option


def form(
    rubric: str = typer.Argument(
        ..., help="A rubric id (see `qactl rubrics list`) or the path of a rubric file."
    ),
    output: Path | None = output_option(
        "The workbook to write (.xlsx). Default: RUBRIC-ID.xlsx here.", metavar="FILE.xlsx", required=False
    ),
) -> None:
    """Write a blank audit workbook: the rubric's questions as columns, drop-down answers, an Instructions sheet."""
    from qactl.cli.common import console, notice
    from qactl.forms import write_form
    from qactl.rubric.loader import resolve

    found = resolve(rubric)
    for n in found.notes:
        notice(n)
    if found.replaces:
        notice(
            f"Using the {found.origin} rubric {found.path}, which replaces {found.replaces} (same id {found.rubric.id!r})."
        )
    r = found.rubric
    summary = write_form(r, output or Path(f"{r.id}.xlsx"), inputs=[found.path] if found.path else [])
    words = {
        "field": ("field", "fields"),
        "item": ("question", "questions"),
        "milestone": ("date with a time limit", "dates with a time limit"),
        "comment": ("comment", "comments"),
    }
    counts = {w: sum(1 for c in summary["columns"] if c["kind"] == k) for k, w in words.items()}
    parts = [f"{n} {w[n != 1]}" for w, n in counts.items() if n]
    c = console()
    c.print(
        f"Wrote {summary['path']}: a blank {r.id} {r.version} form, {len(summary['columns'])} columns ({', '.join(parts)}).",
        markup=False,
    )
    c.print(
        f"Fill one row per audit on the {summary['sheet']} sheet, then: qactl score {r.id} {summary['path']} -o scored.xlsx",
        markup=False,
    )
