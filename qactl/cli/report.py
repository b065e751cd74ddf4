"""`qactl report` (not built yet: see the open issue)."""

from __future__ import annotations


def report() -> None:
    from qactl.errors import UsageError

    raise UsageError("`qactl report` is not built yet.")
