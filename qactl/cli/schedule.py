"""`qactl schedule [--from --to] [-o FILE.ics]`: the QA calendar as dated activities."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from qactl.cli.options import date_option, output_option


def schedule(
    from_: date | None = date_option("--from", "First day to show (day first; default: today)."),
    to: date | None = date_option("--to", "Last day to show (default: 90 days after --from)."),
    ics: Path | None = output_option(
        "Also write the occurrences as an iCalendar (.ics) file for Outlook.",
        metavar="FILE.ics",
        required=False,
    ),
    long: bool = typer.Option(False, "--long", help="Show each activity's outcome too."),
    files: list[Path] = typer.Option(
        [], "--file", help="Schedule YAML files (default: ./schedules/*.yaml, else the built-in schedule)."
    ),
) -> None:
    """The QA activities of the schedule files (what, who, when, outcome) as dated occurrences."""
    from datetime import timedelta

    from rich.table import Table

    from qactl import clock
    from qactl.cli.common import console, notice
    from qactl.errors import UsageError
    from qactl.schedule import calendar_for, default_files, write_ics

    start = from_ or clock.today()
    end = to or start + timedelta(days=90)
    cal = calendar_for(files, start, end)
    if ics is not None:
        if ics.suffix.lower() != ".ics":
            raise UsageError(f"-o {ics}: the calendar is an iCalendar file; give a name ending in .ics.")
        write_ics(cal, ics, inputs=files or default_files())
    table = Table(
        title=f"QA calendar {start:%d/%m/%Y} to {end:%d/%m/%Y}: {len(cal.occurrences)} activities",
        title_justify="left",
    )
    for col in ("date", "day", "what", "who", "when", *(("outcome",) if long else ())):
        table.add_column(col, overflow="fold", no_wrap=col == "date")
    for o in cal.occurrences:
        table.add_row(
            f"{o.date:%d/%m/%Y}", f"{o.date:%a}", o.what, o.who, o.rule, *((o.outcome,) if long else ())
        )
    console().print(table)
    for n in cal.notes:
        notice(n)
    if ics is not None:
        console(stderr=True).print(f"Wrote {ics} ({len(cal.occurrences)} events)", markup=False)
