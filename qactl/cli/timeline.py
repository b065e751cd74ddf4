"""`qactl timeline ehcna --received DATE` and `qactl timeline annual-review --meeting DATE`."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)

_RUBRIC_HELP = "The rubric whose milestones give the dates (a built-in id or a .yaml path)."
_KNOWN_HELP = "Another date the rubric counts from, as FIELD=DATE (repeatable), e.g. --known plan_issued=01/09/2025."


def _date(value: str, option: str):
    from qactl.dates import DateParseError, parse_date
    from qactl.errors import UsageError

    try:
        return parse_date(value)
    except DateParseError as e:
        raise UsageError(f"{option}: {e}.") from None


def _known(values: list[str]) -> dict:
    from qactl.errors import UsageError

    out = {}
    for v in values:
        name, sep, when = v.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--known {v!r}: write it as FIELD=DATE, e.g. plan_issued=01/09/2025.")
        out[name.strip()] = _date(when, f"--known {name.strip()}")
    return out


def _load(rubric: str):
    from qactl.cli.common import notice
    from qactl.errors import UsageError
    from qactl.rubric.loader import resolve

    try:
        try:
            found = resolve(rubric)
        except UsageError as first:
            # Accept the snake_case spelling of a hyphenated id too (ehcna-file / ehcna_file).
            if "-" not in rubric or rubric.endswith((".yaml", ".yml")):
                raise
            try:
                found = resolve(rubric.replace("-", "_"))
            except UsageError:
                raise first from None
        for n in found.notes:
            notice(n)
        return found.rubric
    except FileNotFoundError:
        raise UsageError(f"No rubric {rubric!r}: this qactl has no built-in rubrics folder. Give the path of a rubric file with --rubric.") from None


def _show(t, as_json: bool) -> None:
    import json

    from rich.table import Table

    from qactl.cli.common import console
    from qactl.dates import format_date

    d = t.as_dict()
    if as_json:
        typer.echo(json.dumps(d, ensure_ascii=False, indent=1))
        return
    title = f"{t.process}: from {t.start['field']} {format_date(_iso(t.start['date']))} (rubric {t.rubric['id']} {t.rubric['version']})"
    table = Table(title=title, title_justify="left")
    for col in ("date", "day", "what", "rule"):
        table.add_column(col, overflow="fold")
    for x in t.dates:
        when = format_date(x.date) if x.date else f"needs {x.needs}"
        day = x.date.strftime("%a") if x.date else ""
        table.add_row(when, day, x.what, x.rule)
    c = console()
    c.print(table)
    for n in t.notes:
        c.print(n, markup=False, style="dim")


def _iso(s: str):
    from datetime import date

    return date.fromisoformat(s)


@app.command("ehcna")
def ehcna(
    received: str = typer.Option(..., "--received", help="The date the LA received the request (day first: 03/03/2025)."),
    draft: str | None = typer.Option(None, "--draft", help="The date the draft plan was issued, for the 15-day window."),
    rubric: str = typer.Option("ehcna-file", "--rubric", help=_RUBRIC_HELP),
    known: list[str] = typer.Option([], "--known", help=_KNOWN_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Statutory dates of an EHC needs assessment: 6, 12, 14, 16 and 20 weeks, and the 15-day window on the draft."""
    from qactl import timeline

    t = timeline.ehcna(_load(rubric), _date(received, "--received"), draft=_date(draft, "--draft") if draft else None, known=_known(known))
    _show(t, as_json)


@app.command("annual-review")
def annual_review(
    meeting: str = typer.Option(..., "--meeting", help="The date of the review meeting (day first)."),
    transfer_year: int | None = typer.Option(None, "--transfer-year", help="The calendar year of a phase transfer, for the 15 Feb / 31 Mar deadlines."),
    amendment_notice: str | None = typer.Option(None, "--amendment-notice", help="The date the notice of proposed amendments was sent, if known."),
    rubric: str = typer.Option("annual-review", "--rubric", help=_RUBRIC_HELP),
    known: list[str] = typer.Option([], "--known", help=_KNOWN_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Statutory dates around an annual review meeting: invitations, advice, report, decision, amended plan, phase transfer."""
    from qactl import timeline

    if transfer_year is not None and not 2000 <= transfer_year <= 2100:
        from qactl.errors import UsageError

        raise UsageError(f"--transfer-year {transfer_year}: give a calendar year such as 2027.")
    t = timeline.annual_review(
        _load(rubric),
        _date(meeting, "--meeting"),
        transfer_year=transfer_year,
        amendment_notice=_date(amendment_notice, "--amendment-notice") if amendment_notice else None,
        known=_known(known),
    )
    _show(t, as_json)
