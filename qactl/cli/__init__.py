"""The command line: Typer commands that parse options, call one library function and render the result.

This package is the only place that imports typer and rich. Command modules import the library
inside their functions, so ``qactl --help`` imports nothing heavy.
"""

from __future__ import annotations

import sys

import typer

from qactl.cli import allocate, chase, form, moderate, report, rubrics, schedule, score, timeline

app = typer.Typer(
    name="qactl",
    help="Quality assurance of SEND services: allocate, score and report EHCP audits.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

app.command("allocate", help="Share the round's sample of plans among the auditors.")(allocate.allocate)
app.command("score", help="Check, score and grade an exported audit sheet.")(score.score)
app.command("chase", help="Who has not returned their audits, with reminders to send.")(chase.chase)
app.command("report", help="Write the Practice Report from scored files.")(report.report)
app.command("moderate", help="Agreement between two auditors of the same plan.")(moderate.moderate)
app.command("schedule", help="The QA calendar as dates, or an .ics file.")(schedule.schedule)
app.add_typer(timeline.app, name="timeline", help="Statutory dates of an assessment or a review.")
app.command("form", help="A blank audit workbook with drop-down answers.")(form.form)
app.add_typer(rubrics.app, name="rubrics", help="List, show and validate rubrics.")


def _version(value: bool) -> None:
    if value:
        from qactl import __version__

        typer.echo(f"qactl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
    debug: bool = typer.Option(False, "--debug", help="Show a traceback on errors (for bug reports)."),
) -> None:
    """qactl: quality assurance of SEND services."""


class Stopped(BaseException):
    """Ctrl-C or SIGTERM: raised from the signal handler so every output transaction discards its files.

    A BaseException of its own (not KeyboardInterrupt), so that Click does not turn it into "Aborted!".
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum, frame) -> None:
    raise Stopped(signum)


def main() -> None:
    """Entry point: run the app; print user-facing errors in one place, without a traceback."""
    import signal

    from qactl.errors import QactlError
    from qactl.sheets.writer import discard_all

    debug = "--debug" in sys.argv
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        app()
    except QactlError as err:
        if debug:
            raise
        from qactl.cli.common import print_error

        print_error(err)
        sys.exit(err.exit_code)
    except (Stopped, KeyboardInterrupt) as stop:
        discard_all()
        how = "Stopped (SIGTERM)" if getattr(stop, "signum", None) == signal.SIGTERM else "Interrupted"
        sys.stderr.write(f"{how}: nothing was written.\n")
        sys.exit(143 if getattr(stop, "signum", None) == signal.SIGTERM else 130)
    finally:
        discard_all()
