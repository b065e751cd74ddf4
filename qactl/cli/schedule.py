"""`qactl schedule [--from --to] [--ics FILE]`: the QA calendar as dated activities."""

from __future__ import annotations

from pathlib import Path

import typer


def schedule(
    from_: str | None = typer.Option(None, "--from", help="First day to show (day first; default: today)."),
    to: str | None = typer.Option(None, "--to", help="Last day to show (default: 90 days after --from)."),
    ics: Path | None = typer.Option(
        None, "--ics", help="Also write the occurrences as an iCalendar (.ics) file for Outlook."
    ),
    long: bool = typer.Option(False, "--long", help="Show each activity's outcome too."),
    files: list[Path] = typer.Option(
        [], "--file", help="Schedule YAML files (default: ./schedules/*.yaml, else the built-in schedule)."
    ),
) -> None:
    """The QA activities of the schedule files (what, who, when, outcome) as dated occurrences."""
    from datetime import date, timedelta

    from rich.table import Table

    from qactl import clock
    from qactl.cli.common import console, notice
    from qactl.dates import DateParseError, parse_date
    from qactl.errors import UsageError
    from qactl.schedule import calendar_for, default_files, write_ics

    def when(value: str, option: str) -> date:
        try:
            return parse_date(value)
        except DateParseError as e:
            raise UsageError(f"{option}: {e}.") from None

    start = when(from_, "--from") if from_ else clock.today()
    end = when(to, "--to") if to else start + timedelta(days=90)
    cal = calendar_for(files, start, end)
    if ics is not None:
        if ics.suffix.lower() != ".ics":
            raise UsageError(f"--ics {ics}: give a file name ending in .ics.")
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
