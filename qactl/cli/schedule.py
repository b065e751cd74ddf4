"""`qactl schedule` (not built yet: see the open issue)."""

from __future__ import annotations


def schedule() -> None:
    from qactl.errors import UsageError

    raise UsageError("`qactl schedule` is not built yet.")
