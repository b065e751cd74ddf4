"""`qactl timeline PROCESS …`: the statutory dates of one case (needs assessment, annual review, re-assessment,
tribunal order, conceded appeal, transfer between councils)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from qactl.cli.options import date_option, dates_option, parse_day, rubric_option

app = typer.Typer(no_args_is_help=True)

_RUBRIC_HELP = "The rubric whose milestones give the dates (a built-in id or a .yaml path)."
_KNOWN_HELP = (
    "Another date the rubric counts from, as FIELD=DATE (repeatable), e.g. --known last_review=01/09/2024."
)
_JSON_HELP = "Print JSON instead of a table."


def _known(values: list[str]) -> dict:
    from qactl.errors import UsageError

    out = {}
    for v in values:
        name, sep, when = v.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--known {v!r}: write it as FIELD=DATE, e.g. last_review=01/09/2024.")
        out[name.strip()] = parse_day(when, f"--known {name.strip()}")
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
        raise UsageError(
            f"No rubric {rubric!r}: this qactl has no built-in rubrics folder. Give the path of a rubric file with --rubric."
        ) from None


def _terms(files: list[Path]):
    """The school closures of the schedule files given, else of the schedules `qactl schedule` uses."""
    from qactl.schedule import default_files, load_schedule
    from qactl.statutory.timeline import closures

    paths = files or default_files()
    return closures([load_schedule(p) for p in paths]) if paths else None


def _show(t, as_json: bool) -> None:
    import json

    from rich.table import Table
    from rich.text import Text

    from qactl.cli.common import console
    from qactl.dates import format_date

    d = t.as_dict()
    if as_json:
        typer.echo(json.dumps(d, ensure_ascii=False, indent=1))
        return
    title = f"{t.process}: from {t.start['field']} {format_date(_iso(t.start['date']))}"
    if t.rubric:
        title += f" (rubric {t.rubric['id']} {t.rubric['version']})"
    table = Table(title=title, title_justify="left")
    for col in ("date", "day", "what", "rule", "law"):
        table.add_column(col, overflow="fold")
    for x in t.dates:
        when = format_date(x.date) if x.date else f"needs {x.needs}"
        day = x.date.strftime("%a") if x.date else ""
        law = {"target": "local target", "guidance": f"guidance: {x.citation}"}.get(x.kind, x.citation)
        table.add_row(Text(when), Text(day), Text(x.what), Text(x.rule), Text(law))
    c = console()
    c.print(table)
    for w in t.warnings:
        c.print(Text("Warning: " + w, style="bold yellow"))
    for n in t.notes:
        c.print(Text(n, style="dim"))


def _iso(s: str):
    from datetime import date

    return date.fromisoformat(s)


@app.command("ehcna")
def ehcna(
    received: date = date_option(
        "--received", "The date the LA received the request (day first: 03/03/2025).", required=True
    ),
    draft: date | None = date_option("--draft", "The date the draft plan was issued, for the 15-day window."),
    consulted: date | None = date_option(
        "--consulted",
        "The date a school or college was consulted on being named (it should answer within 15 days, CoP 9.83).",
    ),
    advice_requested: list[date] = dates_option(
        "--advice-requested",
        "A date advice was asked of a school (repeatable): checked against the reg 10(4)(a) window of a school closure.",
    ),
    schedule: list[Path] = typer.Option(
        [],
        "--schedule",
        help="Schedule files whose term dates give the school closures (default: the schedules `qactl schedule` uses).",
    ),
    rubric: str = rubric_option(_RUBRIC_HELP, "ehcna-file"),
    known: list[str] = typer.Option([], "--known", help=_KNOWN_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Statutory dates of an EHC needs assessment: 6, 16 and 20 weeks, local targets, the 15 days on the draft."""
    from qactl.statutory import timeline

    t = timeline.ehcna(
        _load(rubric),
        received,
        draft=draft,
        known=_known(known),
        advice_requested=list(advice_requested),
        terms=_terms(schedule) if advice_requested else None,
        consulted=consulted,
    )
    _show(t, as_json)


@app.command("annual-review")
def annual_review(
    meeting: date = date_option("--meeting", "The date of the review meeting (day first).", required=True),
    transfer: str | None = typer.Option(
        None,
        "--transfer",
        help="A phase transfer: school (before 15 February), post16 (secondary to post-16: before 31 March) or post16-move (at least 5 months before).",
    ),
    transfer_year: int | None = typer.Option(
        None, "--transfer-year", help="The calendar year of the phase transfer."
    ),
    transfer_date: date | None = date_option(
        "--transfer-date", "The date of the transfer (needed for post16-move)."
    ),
    decision: date | None = date_option(
        "--decision", "The date the LA's decision (with any proposed amendments) was notified, if known."
    ),
    amendment_notice: date | None = date_option(
        "--amendment-notice",
        "The date the notice of proposed amendments was sent (the same as --decision when the decision set them out).",
    ),
    rubric: str = rubric_option(_RUBRIC_HELP, "annual-review"),
    known: list[str] = typer.Option([], "--known", help=_KNOWN_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Statutory dates around an annual review meeting: invitations, advice, report, decision, amended plan, phase transfer."""
    from qactl.errors import UsageError
    from qactl.statutory import timeline

    if transfer_year is not None and not 2000 <= transfer_year <= 2100:
        raise UsageError(f"--transfer-year {transfer_year}: give a calendar year such as 2027.")
    t = timeline.annual_review(
        _load(rubric),
        meeting,
        transfer=transfer,
        transfer_year=transfer_year,
        transfer_date=transfer_date,
        decision=decision,
        amendment_notice=amendment_notice,
        known=_known(known),
    )
    _show(t, as_json)


@app.command("reassessment")
def reassessment(
    notified: date = date_option(
        "--notified",
        "The date the LA notified its decision to re-assess (reg 25(1)) or decided to (CAFA s.44(3)).",
        required=True,
    ),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Re-assessment of a plan: the amended or replacement plan within 14 weeks (reg 27)."""
    from qactl.statutory import timeline

    _show(timeline.process("reassessment", {"notified": notified}), as_json)


@app.command("tribunal-order")
def tribunal_order(
    order: str = typer.Option(
        ...,
        "--order",
        help="What the Tribunal ordered: assess, plan (make and maintain one), amend, school (change only the school named) or maintain.",
    ),
    date_: date = date_option("--date", "The date of the order.", required=True),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Carrying out a Tribunal order (reg 44): 2, 5, 10, 11 or 14 weeks by the kind of order."""
    _kind_of_process(
        "--order",
        order,
        ("assess", "plan", "amend", "school", "maintain"),
        "tribunal",
        {"order": date_},
        as_json,
    )


def _kind_of_process(
    option: str, word: str, kinds: tuple[str, ...], prefix: str, dates: dict, as_json: bool
) -> None:
    """The process ``prefix-KIND`` of ``qactl.statutory.timeline.PROCESSES`` that ``word`` names, shown for ``dates``."""
    from qactl.errors import UsageError
    from qactl.statutory import timeline

    kind = word.strip().casefold()
    if kind not in kinds:
        raise UsageError(f"{option} {word!r}: one of {', '.join(kinds)}.")
    _show(timeline.process(f"{prefix}-{kind}", dates), as_json)


@app.command("conceded-appeal")
def conceded_appeal(
    appeal: str = typer.Option(
        ...,
        "--appeal",
        help="What the appeal was against: assess (a refusal to assess) or content (the plan's content).",
    ),
    notified: date = date_option(
        "--notified", "The date the LA told the Tribunal it would not oppose the appeal.", required=True
    ),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """An appeal the LA does not oppose (reg 45): what it must then do, and by when."""
    _kind_of_process(
        "--appeal",
        appeal,
        ("assess", "content"),
        "conceded",
        {"notified": notified},
        as_json,
    )


@app.command("transfer")
def transfer(
    moved: date = date_option(
        "--moved", "The day the child or young person moved to the new council's area.", required=True
    ),
    aware: date | None = date_option("--aware", "The day the old council learned of the move."),
    last_review: date | None = date_option(
        "--last-review", "The day the plan was made or last reviewed, for the new council's review."
    ),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """A plan transferring to another council (reg 15): the transfer, the letter to the family, the review."""
    from qactl.statutory import timeline

    given = {"moved": moved, "aware": aware, "last_review": last_review}
    _show(timeline.process("transfer", {k: d for k, d in given.items() if d is not None}), as_json)
