"""`qactl score RUBRIC INPUT -o OUT`: check, score and grade an exported audit sheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from qactl.cli.options import date_option, include_pii_option, output_option, round_option


def score(
    rubric: str = typer.Argument(
        ..., help="A rubric id (built-in or in ./rubrics/) or the path of a rubric .yaml file."
    ),
    input: Path = typer.Argument(
        ..., help="The export: .xlsx, .xlsm or .csv (UTF-8, UTF-8 with BOM or Windows-1252)."
    ),
    output: Path = output_option("Where to write: .json, .jsonl, .csv or .xlsx (the suffix chooses)."),
    sheet: str | None = typer.Option(None, "--sheet", help="The sheet to read (default: the first)."),
    round_label: str | None = round_option(),
    map_file: Path | None = typer.Option(
        None, "--map", help="A YAML (column: id) or CSV (column,id) file naming what each column holds."
    ),
    audit_date: date | None = date_option(
        "--audit-date",
        "The audit date for every row (DD/MM/YYYY); default: the rubric's date field, else Forms' completion time, else today.",
    ),
    include_pii: bool = include_pii_option(),
    previous: Path | None = typer.Option(
        None,
        "--previous",
        metavar="FILE",
        help="Last round's scored .json of the same rubric: its grades go beside this round's on the workbook's Summary (.xlsx output).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Check, score and grade an exported audit sheet against a rubric."""
    from qactl.cli.common import console, is_interactive, notice, progress
    from qactl.errors import UsageError

    if audit_date is not None:
        from qactl import clock

        if audit_date > clock.today():
            raise UsageError(
                f"--audit-date {audit_date:%d/%m/%Y}: that is in the future (today is {clock.today():%d/%m/%Y}); give the date "
                "the audits were done, day first."
            )
    from qactl.scoring.run import score_file

    with progress(f"Scoring {input.name}", None, quiet=quiet) as advance:
        result = score_file(
            rubric,
            input,
            output,
            sheet=sheet,
            round_label=round_label,
            map_file=map_file,
            audit_date=audit_date,
            include_pii=include_pii,
            on_key_created=notice,
            advance=advance,
            previous=previous,
        )
    for n in result.notices:
        notice(n)
    if not quiet:
        if is_interactive():
            _render(console(stderr=True), result)
        else:
            _plain(result)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def _plain(result) -> None:
    """Piped or redirected: a few plain lines on stderr (no colour, no table), so logs still say what happened."""
    s = result.summary
    grades = ", ".join(f"{g} {n}" for g, n in s["grades"].items())
    lines = [
        f"{result.output}: {s['rows']} audits, {s['scored']} scored, {s['with_errors']} with errors"
        + (f" ({grades})" if grades else "")
        + "."
    ]
    lines += [f"  {e['cell']} {e['item']}: {e['message']}" for e in result.first_errors[:10]]
    lines += [f"  Note: {n}" for n in s.get("notes", [])]
    typer.echo("\n".join(lines), err=True)


def _render(c, result) -> None:
    from rich.table import Table
    from rich.text import Text

    s = result.summary
    c.print(Text(f"{s['rows']} audits: {s['scored']} scored, {s['with_errors']} with errors."))
    if s["grades"]:
        t = Table("grade", "audits", title="Grades", title_justify="left")
        for g, n in s["grades"].items():
            t.add_row(Text(g), str(n))
        c.print(t)
    for note in s.get("notes", []):
        c.print(Text(note, style="yellow"))
    if s.get("ignored_columns"):
        c.print(Text("Columns left out (not in the rubric): " + ", ".join(s["ignored_columns"]), style="dim"))
    if result.first_errors:
        t = Table("cell", "item", "value", "problem", title="First errors", title_justify="left")
        for e in result.first_errors[:10]:
            t.add_row(Text(e["cell"]), Text(e["item"]), Text(e["value"][:30]), Text(e["message"]))
        c.print(t)
    c.print(Text(f"Written: {result.output}", style="green"))
