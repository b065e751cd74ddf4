"""Console helpers shared by the commands: one stderr console, error printing, progress that stays quiet when piped."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from functools import cache


@cache
def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=stderr)


def print_error(err: Exception | str) -> None:
    """``Error: …`` on stderr, no traceback. Plain text, so markup in file names cannot break it."""
    from rich.text import Text

    c = console(stderr=True)
    c.print(Text("Error: ", style="bold red") + Text(str(err)))


def notice(message: str) -> None:
    """A one-line notice on stderr (never on stdout, which may be piped)."""
    from rich.text import Text

    console(stderr=True).print(Text(message, style="yellow"))


def is_interactive() -> bool:
    return sys.stderr.isatty()


@contextlib.contextmanager
def progress(description: str, total: int | None, *, quiet: bool = False) -> Iterator[callable]:
    """A progress bar on a terminal; nothing when piped or ``quiet``. Yields ``advance(n=1)``."""
    if quiet or not is_interactive():
        yield lambda n=1: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console(stderr=True), transient=True) as p:
        task = p.add_task(description, total=total)
        yield lambda n=1: p.advance(task, n)
