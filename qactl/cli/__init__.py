"""The command line: Typer commands that parse options, call one library function and render the result.

This package is the only place that imports typer and rich. Command modules import the library
inside their functions, so ``qactl --help`` imports nothing heavy.
"""

from __future__ import annotations

import sys

import typer
from typer.core import TyperGroup

from qactl.cli import allocate, chase, form, moderate, report, rubrics, schedule, score, timeline
from qactl.cli.options import with_aliases

INTERNAL_ERROR = 3  # a bug in qactl (never an input's fault): a paragraph asking for a --debug report


class Stopped(BaseException):
    """Ctrl-C or SIGTERM: raised from the signal handler so every output transaction discards its files.

    A BaseException of its own (not KeyboardInterrupt), so that Click does not turn it into "Aborted!".
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Qactl(TyperGroup):
    """The root command: every failure a user can meet ends here as one paragraph on stderr and its exit status.

    Inside the app (not only in :func:`main`), so ``CliRunner`` tests see exactly what a user sees. ``--debug``
    lets the original exception through, with its traceback.
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except BaseException as err:  # noqa: B036 -- Ctrl-C and SIGTERM too: they must discard staged files
            if isinstance(err, SystemExit | GeneratorExit) or (
                isinstance(err, BrokenPipeError) and not isinstance(err, Stopped)
            ):
                raise  # a closed pipe (qactl rubrics list | head) is Click's to end quietly
            from qactl.sheets.writer import discard_all

            discard_all()
            if ctx.params.get("debug") and not isinstance(err, Stopped | KeyboardInterrupt):
                raise
            code = report_failure(err)
            raise typer.Exit(code) from None


def report_failure(err: BaseException) -> int:
    """Say what went wrong in one paragraph on stderr; return the exit status."""
    import signal

    from qactl.cli.common import print_error
    from qactl.errors import QactlError, describe_os_error

    if isinstance(err, Stopped | KeyboardInterrupt):
        term = getattr(err, "signum", None) == signal.SIGTERM
        sys.stderr.write(f"{'Stopped (SIGTERM)' if term else 'Interrupted'}: nothing was written.\n")
        sys.stderr.flush()
        return 143 if term else 130
    if isinstance(err, QactlError):
        print_error(err)
        return err.exit_code
    if isinstance(err, OSError):
        print_error(describe_os_error(err))
        return 2
    if isinstance(err, MemoryError):
        print_error(
            "This computer ran out of memory on these inputs. Nothing was written. Split the input into smaller files, "
            "or close other programs and run again."
        )
        return 2
    if isinstance(err, RecursionError):
        print_error(
            "An input is nested too deeply to read (a damaged or hostile file). Nothing was written. Check the files given "
            "to this command, and produce them again."
        )
        return 2
    print_error(
        f"qactl stopped on an unexpected problem ({type(err).__name__}: {str(err)[:300]}). Nothing was written. "
        "This is a bug in qactl, not in your files: run the same command with --debug before the command name "
        "(qactl --debug score …) and send the output to the maintainers."
    )
    return INTERNAL_ERROR


app = typer.Typer(
    cls=_Qactl,
    name="qactl",
    help="Quality assurance of SEND services: allocate, score and report EHCP audits.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# --out was allocate's long option before 0.2: still accepted, shown nowhere
app.command(
    "allocate", cls=with_aliases(out="--output"), help="Share the round's sample of plans among the auditors."
)(allocate.allocate)
app.command("score", help="Check, score and grade an exported audit sheet.")(score.score)
app.command("chase", help="Who has not returned their audits, with reminders to send.")(chase.chase)
app.command("report", help="Write the Practice Report from scored files.")(report.report)
app.command("moderate", help="Agreement between two auditors of the same plan.")(moderate.moderate)
# --ics was schedule's output option before 0.2: still accepted, shown nowhere
app.command("schedule", cls=with_aliases(ics="--output"), help="The QA calendar as dates, or an .ics file.")(
    schedule.schedule
)
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
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show a traceback on errors (for bug reports)."),
) -> None:
    """qactl: quality assurance of SEND services."""


def _stop(signum, frame) -> None:
    raise Stopped(signum)


def main() -> None:
    """Entry point: Ctrl-C and SIGTERM become :class:`Stopped`, which the app turns into exit 130/143 with nothing written.

    Failures are reported inside the app (:class:`_Qactl`); this function only catches what happens outside it
    (a signal before or after the command runs) and removes any staged file that is left.
    """
    import signal

    from qactl.sheets.writer import discard_all

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        app()
    except (Stopped, KeyboardInterrupt) as stop:
        discard_all()
        sys.exit(report_failure(stop))
    finally:
        discard_all()
