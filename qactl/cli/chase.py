"""`qactl chase --allocation ALLOCATION.json SCORED.json... -o chase.xlsx`: who has audits outstanding."""

from __future__ import annotations

from pathlib import Path

import typer

from qactl.cli.options import mail_merge_option, output_option, rubric_option


def chase(
    scored: list[Path] = typer.Argument(
        ...,
        help="The returns so far: .json/.jsonl files written by `qactl score` for the allocation's audit.",
        metavar="SCORED...",
    ),
    allocation: Path = typer.Option(
        ..., "--allocation", metavar="FILE", help="The round's allocation .json, written by `qactl allocate`."
    ),
    output: Path = output_option("The chase list to write (.xlsx).", metavar="FILE.xlsx"),
    mail_merge: Path | None = mail_merge_option(
        "Also write a .csv with one reminder per auditor with audits outstanding, for a mail merge."
    ),
    cohort: Path | None = typer.Option(
        None,
        "--cohort",
        metavar="FILE",
        help="The cohort (.yaml or a sheet), for today's names and emails (default: the allocation's).",
    ),
    rubric: str | None = rubric_option(
        "The audit whose returns count (default: the one the allocation names)."
    ),
) -> None:
    """Who has not returned their audits: the allocation against the scored returns, with a reminder to send."""
    from qactl.chase import chase as run
    from qactl.chase import when_due
    from qactl.chase.output import write_mail_merge, write_workbook
    from qactl.cli.common import console, notice, stages
    from qactl.cli.options import check_mail_merge
    from qactl.dates import format_date
    from qactl.errors import UsageError
    from qactl.sheets.writer import Outputs

    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"-o {output}: the chase list is a workbook; give a name ending in .xlsx.")
    check_mail_merge(mail_merge)
    outputs = Outputs([allocation, cohort, *scored])
    outputs.check(output)
    if mail_merge is not None:
        outputs.check(mail_merge, option="--mail-merge")
    with stages("Reading the allocation and the returns"):
        result = run(allocation, list(scored), cohort=cohort, rubric=rubric)
        with outputs:
            write_workbook(result, outputs.add(output))
            if mail_merge is not None:
                write_mail_merge(result, outputs.add(mail_merge, option="--mail-merge"))
    for n in result.notes:
        notice(n)
    say = console(stderr=True).print
    owing = result.owing()
    out = result.allocated - result.returned
    say(
        f"{result.returned} of {result.allocated} audits returned; due {format_date(result.due)}, {when_due(result.days_left)}.",
        markup=False,
    )
    if owing:
        say(f"{out} outstanding from {len(owing)} auditor{'s' if len(owing) != 1 else ''}:", markup=False)
        for p in owing:
            say(f"  {p.name or p.id}: {p.outstanding} of {p.allocated}", markup=False)
    if result.unmatched:
        say(
            f"{len(result.unmatched)} return{'s' if len(result.unmatched) != 1 else ''} could not be matched: see the Unmatched returns sheet.",
            markup=False,
        )
    say(f"Wrote {output}" + (f" and {mail_merge}" if mail_merge else ""), markup=False)
