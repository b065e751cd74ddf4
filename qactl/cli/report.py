"""`qactl report`: the Practice Report from scored files, as one HTML or Markdown file."""

from __future__ import annotations

from pathlib import Path

import typer


def report(
    inputs: list[Path] = typer.Argument(..., help="Scored .json/.jsonl files of any rubric (and allocation or moderation .json).", show_default=False),
    output: Path = typer.Option(..., "-o", "--output", help="The report to write: .html (self-contained, prints on A4) or .md.", show_default=False),
    previous: list[Path] = typer.Option([], "--previous", help="Scored files of earlier rounds, for the trend (repeatable).", show_default=False),
    allocation: list[Path] = typer.Option([], "--allocation", help="The round's allocation .json, for audits allocated against returned.", show_default=False),
    moderation: list[Path] = typer.Option([], "--moderation", help="A moderation .json from `qactl moderate`, for agreement.", show_default=False),
    template: str = typer.Option(None, "--template", help="A template name (shipped in templates/) or the path of your own .j2 file."),
    title: str = typer.Option(None, "--title", help="The report's title (default: SEND Practice Report)."),
    min_cell: int = typer.Option(5, "--min-cell", help="Counts below this are shown as <N in breakdowns by service, team and key stage."),
    themes: Path = typer.Option(None, "--themes", help="A theme dictionary (YAML) instead of templates/themes.yaml."),
    round_: str = typer.Option(None, "--round", help="The round this report covers; inputs of other rounds count as earlier rounds."),
) -> None:
    from qactl.cli.common import console, notice
    from qactl.report import ReportRequest, write_report

    outcome = write_report(ReportRequest(
        inputs=list(inputs), output=output, previous=list(previous), allocation=list(allocation), moderation=list(moderation),
        template=template, title=title, min_cell=min_cell, themes=themes, round=round_,
    ))
    for note in outcome.notes:
        notice(f"Note: {note}")
    console(stderr=True).print(
        f"Wrote {outcome.output} ({outcome.format}): {outcome.audits:,} audits of {len(outcome.rubrics)} rubric(s): {', '.join(outcome.rubrics)}.",
        markup=False,
    )
