"""Console helpers shared by the commands: one stderr console, messages wrapped at word boundaries, progress
that shows on a terminal and stays quiet when piped.

On a terminal every message is wrapped to its width (``COLUMNS`` when set) between words, never inside one; a
line that starts with spaces (a list of problems) keeps its indent on the lines it wraps onto, and a word longer
than the line (a long path) is left whole rather than broken. Piped or redirected, a message stays one line per
line, so logs can be searched and nothing is wrapped twice.
"""

from __future__ import annotations

import contextlib
import sys
import textwrap
from collections.abc import Callable, Iterator
from functools import cache


@cache
def console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, highlight=False, soft_wrap=not stream.isatty())


def wrap(text: str, width: int, *, first: int = 0) -> str:
    """``text`` wrapped to ``width`` columns between words; ``first`` columns of the first line are already taken.

    Line breaks in ``text`` are kept. A line's leading spaces are kept, and lines it wraps onto are indented
    two more, so a list stays readable. Words are never broken, hyphenated words included.
    """
    out: list[str] = []
    for k, line in enumerate(text.split("\n")):
        body = line.lstrip(" ")
        indent = " " * (len(line) - len(body))
        if not body:
            out.append("")
            continue
        lead = " " * first if k == 0 and first else ""
        filled = textwrap.fill(
            body,
            width=max(width, 20),
            initial_indent=lead + indent,
            subsequent_indent=indent + ("  " if indent else ""),
            break_long_words=False,
            break_on_hyphens=False,
        )
        out.append(filled[len(lead) :] if lead else filled)
    return "\n".join(out)


def say(message: str, *, style: str | None = None, prefix: str = "", prefix_style: str | None = None) -> None:
    """A message on stderr, wrapped between words at the console's width (never on stdout, which may be piped)."""
    from rich.text import Text

    c = console(stderr=True)
    body = wrap(message, c.width - 1, first=len(prefix)) if c.is_terminal else message
    c.print(Text(prefix, style=prefix_style or "") + Text(body, style=style or ""), soft_wrap=True)


def print_error(err: Exception | str) -> None:
    """``Error: …`` on stderr, wrapped, no traceback. Plain text, so markup in file names cannot break it."""
    say(str(err), prefix="Error: ", prefix_style="bold red")


def notice(message: str) -> None:
    """A notice on stderr (never on stdout, which may be piped), wrapped between words."""
    say(message, style="yellow")


def is_interactive() -> bool:
    return sys.stderr.isatty()


@contextlib.contextmanager
def progress(description: str, total: int | None, *, quiet: bool = False) -> Iterator[Callable[..., None]]:
    """A progress bar on a terminal; nothing when piped or ``quiet``. Yields ``advance(n=1)``."""
    if quiet or not is_interactive():
        yield lambda n=1: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as p:
        task = p.add_task(description, total=total)
        yield lambda n=1: p.advance(task, n)


@contextlib.contextmanager
def stages(first: str = "Working", *, quiet: bool = False) -> Iterator[Callable[[str], None]]:
    """A spinner with what is happening now and the time taken, for work whose size is not known in advance.

    Yields ``stage(text)`` to say what is happening now. On a terminal only, and gone when the work ends;
    nothing at all when piped or ``quiet``.
    """
    if quiet or not is_interactive():
        yield lambda text: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as p:
        task = p.add_task(first, total=None)
        yield lambda text: p.update(task, description=text)
