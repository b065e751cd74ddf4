"""The options several commands share, defined once, and the one day-first date type of the command line.

A command declares ``output: Path = output_option("…")`` instead of spelling ``typer.Option(..., "-o",
"--output", …)`` again, so the same option reads the same everywhere: ``-o/--output`` for the file a command
writes, ``--round``, ``--rubric``, ``--include-pii``, ``--mail-merge``. Only the help text, which says what
this command does with the value, differs.

Dates given on the command line are read by :func:`date_option` (day first, as England writes them: ``03/04/2025``
is 3 April 2025), through :func:`qactl.dates.parse_date`, the parser the scorer uses on cells. A date that is not
one is refused before the command starts, as ``Error: --from: …`` with exit status 2, like every other bad value.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand

from qactl.errors import QactlError


class DateOptionError(QactlError):
    """A date option whose value is not a date (exit status 2).

    Not a ``ValueError``, unlike :class:`qactl.errors.UsageError`: Typer turns a ``ValueError`` raised while it
    converts a value into Click's own usage message; this one reaches the app's error handler and reads like
    every other error.
    """


def parse_day(value: str, option: str) -> date:
    """``value`` read day first, or :class:`DateOptionError` naming ``option`` and what was expected."""
    from qactl.dates import DateParseError, parse_date

    try:
        return parse_date(value)
    except DateParseError as e:
        raise DateOptionError(f"{option}: {e}.") from None


def _day_parser(option: str, *, blank_is_none: bool = False):
    def parse(value: Any) -> date | None:
        if isinstance(value, date):
            return value
        if blank_is_none and not str(value).strip():
            return None  # --draft "" from a script whose variable is empty: the option is not given
        return parse_day(str(value), option)

    return parse


def date_option(name: str, help: str, *, required: bool = False) -> Any:
    """An option holding a date, read day first (``01/06/2025``, ``1 June 2025`` or ISO ``2025-06-01``).

    Declare it as ``date`` (``required=True``) or ``date | None``; :func:`dates_option` for ``list[date]``.
    An optional date given as an empty string is not given.
    """
    return typer.Option(
        ... if required else None,
        name,
        parser=_day_parser(name, blank_is_none=not required),
        metavar="DATE",
        help=help,
    )


def dates_option(name: str, help: str) -> Any:
    """A repeatable date option: ``list[date]``, each value read as :func:`date_option` reads one."""
    return typer.Option([], name, parser=_day_parser(name), metavar="DATE", help=help)


def output_option(help: str, *, metavar: str = "FILE", required: bool = True) -> Any:
    """``-o/--output FILE``: the file the command writes (its suffix chooses the format where there is a choice)."""
    return typer.Option(
        ... if required else None, "-o", "--output", metavar=metavar, help=help, show_default=False
    )


def round_option(help: str = 'The audit round, as "2025 Autumn".') -> Any:
    return typer.Option(None, "--round", metavar="LABEL", help=help)


def rubric_option(help: str, default: str | None = None) -> Any:
    return typer.Option(default, "--rubric", metavar="ID|FILE", help=help)


def include_pii_option() -> Any:
    return typer.Option(
        False,
        "--include-pii",
        help="Keep the child's name, date of birth, NHS number and unknown columns in the output.",
    )


def mail_merge_option(help: str) -> Any:
    return typer.Option(None, "--mail-merge", metavar="FILE.csv", help=help)


def check_mail_merge(path: Path | None) -> None:
    """Refuse a ``--mail-merge`` file that is not a ``.csv`` before any work is done."""
    from qactl.errors import UsageError

    if path is not None and path.suffix.lower() != ".csv":
        raise UsageError(f"--mail-merge {path}: give a file ending in .csv.")


class HiddenAliases(TyperCommand):
    """A command that still accepts old spellings of its options, shown nowhere in ``--help``.

    ``aliases`` maps an old long option to its name now (``{"--out": "--output"}``): scripts written for an
    earlier qactl keep working while the help and the docs show one name.
    """

    aliases: dict[str, str] = {}

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        renamed: list[str] = []
        for k, arg in enumerate(args):
            if arg == "--":
                renamed += args[k:]
                break
            name, eq, value = arg.partition("=")
            renamed.append(self.aliases[name] + eq + value if name in self.aliases else arg)
        return super().parse_args(ctx, renamed)


def with_aliases(**aliases: str) -> type[HiddenAliases]:
    """A :class:`HiddenAliases` command class: ``with_aliases(out="--output")`` accepts ``--out`` for ``--output``."""
    return type("Aliased", (HiddenAliases,), {"aliases": {f"--{k}": v for k, v in aliases.items()}})
