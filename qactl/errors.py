"""One root for every error a user should see, each with its exit status.

Library code raises these; the CLI catches ``QactlError`` in one place, prints ``Error: …``
and exits with ``exit_code``. Anything else is a bug and keeps its traceback under ``--debug``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class QactlError(Exception):
    """A problem the user can act on. ``str(err)`` is the whole message."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


@dataclass(frozen=True)
class Problem:
    """One located problem in a configuration file: ``file:line:column: message``."""

    file: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class ProblemsError(QactlError):
    """Several located problems found together; each one is listed on its own line."""

    what = "problems"

    def __init__(self, problems: list[Problem], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} {self.what.replace('problems', 'problem', 1) if n == 1 else self.what}:"
        body = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{head}\n{body}", hint=hint)


class RubricError(ProblemsError, ValueError):
    """A rubric file that cannot be used: each problem names file, line and column."""

    what = "problems in the rubric"


class ConfigError(ProblemsError, ValueError):
    """A cohort, schedule, theme, evidence or map file that cannot be used."""

    what = "problems in the file"


class InputError(QactlError, ValueError):
    """An input file that cannot be used at all (missing, unreadable, wrong kind, required columns missing)."""


class UsageError(QactlError, ValueError):
    """Options that do not fit together or a value that is not allowed."""


class InfeasibleError(QactlError):
    """No allocation satisfies the hard rules; the message names the bottleneck."""


class OutputError(QactlError, OSError):
    """An output that cannot be written (folder missing, file open in Excel, no permission)."""


@dataclass
class Finding:
    """A data problem in one cell: collected, never raised. Rows keep their errors and nothing is lost."""

    cell: str  # "Sheet1!H7"
    column: str  # the header as it stands in the file
    target: str  # the item, field, comment or milestone id
    value: str  # what was found, as text
    message: str  # what was expected, with the nearest allowed value
    code: str = "invalid"
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "cell": self.cell,
            "column": self.column,
            "item": self.target,
            "value": self.value,
            "code": self.code,
            "message": self.message,
        }


def describe_os_error(err: OSError) -> str:
    """An operating-system error (disk full, permission, a file vanished) as one sentence a user can act on."""
    import errno

    name = err.filename or "a file"
    why = err.strerror or str(err)
    advice = {
        errno.ENOSPC: "Free some space on that drive and run again.",
        errno.EACCES: "Check the permissions of the file and its folder, and close it in Excel if it is open.",
        errno.EPERM: "Check the permissions of the file and its folder.",
        errno.EROFS: "The drive is read-only: write to another folder.",
        errno.ENOENT: "Check the name and the folder.",
        errno.EISDIR: "Give a file, not a folder.",
        errno.ENAMETOOLONG: "Use a shorter name.",
    }.get(err.errno or 0, "Check the file and run again.")  # errno 0: none given
    return f"Cannot use {name}: {why}. Nothing was written. {advice}"
