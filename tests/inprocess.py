"""``qactl ARGS`` run in this process, as a user would see it: exit status, stdout and stderr.

The error handler is inside the Typer app (``qactl.cli._Qactl``), so Typer's ``CliRunner`` sees exactly the message
and the exit status a user gets, without the second or so a new Python process costs. Only what needs a real
process stays in one: signals (tests/foundation/test_outputs.py), the entry point and what ``--help`` imports
(tests/foundation/test_cli_basics.py), ``--debug``'s traceback (tests/corpus/test_issue_11.py), a terminal
(tests/foundation/test_terminal.py) and the installed wheel (tests/rubric/test_wheel.py).

Importable from any test module: tests/conftest.py puts this folder on ``sys.path``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Ran:
    """What ``subprocess.run(capture_output=True, text=True)`` gives, for the tests that read it."""

    returncode: int
    stdout: str
    stderr: str


def qactl(*args: object, cwd: str | Path | None = None, env: dict[str, str | None] | None = None) -> Ran:
    """Run ``qactl *args`` in-process, in ``cwd`` if given, with ``env`` set on top of this process's environment.

    An exception that escapes the app's own error handler is raised here (a bug the test should show), not turned
    into exit status 1.
    """
    from typer.testing import CliRunner

    from qactl.cli import app
    from qactl.cli.common import console

    console.cache_clear()  # a console sized by this run's COLUMNS, writing to this run's streams
    before = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)
    finally:
        os.chdir(before)
        console.cache_clear()
    return Ran(result.exit_code, result.stdout, result.stderr)
