"""`qactl report`: the Practice Report from scored files, as one HTML or Markdown file."""

from __future__ import annotations

from pathlib import Path

import typer

from qactl.cli.options import output_option, round_option


def report(
    inputs: list[Path] = typer.Argument(
        ...,
        help="Scored .json/.jsonl files of any rubric (and allocation or moderation .json).",
        show_default=False,
        metavar="INPUTS...",
    ),
    output: Path = output_option("The report to write: .html (self-contained, prints on A4) or .md."),
    previous: list[Path] = typer.Option(
        [],
        "--previous",
        metavar="FILE|DIR",
        help="Scored files of earlier rounds, or a folder of them, for the trends (repeatable; up to five rounds).",
        show_default=False,
    ),
    allocation: list[Path] = typer.Option(
        [],
        "--allocation",
        metavar="FILE",
        help="The round's allocation .json, for audits allocated against returned.",
        show_default=False,
    ),
    moderation: list[Path] = typer.Option(
        [],
        "--moderation",
        metavar="FILE",
        help="A moderation .json from `qactl moderate`, for agreement.",
        show_default=False,
    ),
    template: str = typer.Option(
        None,
        "--template",
        metavar="NAME|PATH",
        help="A template name (shipped in templates/) or the path of your own .j2 file.",
    ),
    title: str = typer.Option(
        None, "--title", metavar="TEXT", help="The report's title (default: SEND Practice Report)."
    ),
    min_cell: int = typer.Option(
        5,
        "--min-cell",
        metavar="N",
        help="Counts below this are shown as <N in breakdowns by service, team and key stage.",
    ),
    themes: Path = typer.Option(
        None, "--themes", metavar="FILE", help="A theme dictionary (YAML) instead of templates/themes.yaml."
    ),
    round_: str | None = round_option(
        "The round this report covers; inputs of other rounds count as earlier rounds."
    ),
    evidence: Path = typer.Option(
        None,
        "--evidence",
        metavar="FILE",
        help="Complaints, compliments, surveys and KPIs (.yaml, .xlsx or .csv), set beside the audits theme by theme.",
    ),
    actions: Path = typer.Option(
        None,
        "--actions",
        metavar="FILE.xlsx",
        help="The previous round's improvement plan: each action's progress beside the change in its finding.",
    ),
    write_actions: Path = typer.Option(
        None,
        "--write-actions",
        metavar="FILE.xlsx",
        help="Write this round's improvement plan: the --actions carried forward and one per new suggestion.",
    ),
    service_packs: Path = typer.Option(
        None,
        "--service-packs",
        metavar="DIR",
        help="Write one short HTML per service into DIR: the plans it contributed to that it is asked to review.",
    ),
    rescore: list[Path] = typer.Option(
        [],
        "--rescore",
        metavar="EXPORT",
        help="An earlier round's export: scored again with this round's rubric, so the rounds compare (repeatable).",
        show_default=False,
    ),
) -> None:
    from qactl.cli.common import console, notice, stages
    from qactl.report import ReportRequest, write_report

    with stages(f"Writing the Practice Report from {len(inputs)} file{'s' if len(inputs) != 1 else ''}"):
        outcome = write_report(
            ReportRequest(
                inputs=list(inputs),
                output=output,
                previous=list(previous),
                allocation=list(allocation),
                moderation=list(moderation),
                template=template,
                title=title,
                min_cell=min_cell,
                themes=themes,
                round=round_,
                evidence=evidence,
                actions=actions,
                write_actions=write_actions,
                service_packs=service_packs,
                rescore=list(rescore),
            )
        )
    for note in outcome.notes:
        notice(f"Note: {note}")
    console(stderr=True).print(
        f"Wrote {outcome.output} ({outcome.format}): {outcome.audits:,} audits of {len(outcome.rubrics)} rubric(s): {', '.join(outcome.rubrics)}.",
        markup=False,
    )
    if outcome.packs:
        console(stderr=True).print(
            f"Wrote {len(outcome.packs)} service pack(s) into {service_packs}: {', '.join(p.name for p in outcome.packs)}.",
            markup=False,
        )
    if outcome.actions_written is not None:
        console(stderr=True).print(
            f"Wrote {write_actions}: the improvement plan, {outcome.actions_written} actions ({outcome.actions_added} new).",
            markup=False,
        )
