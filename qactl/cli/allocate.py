"""`qactl allocate` (not built yet: see the open issue)."""

from __future__ import annotations


def allocate() -> None:
    from qactl.errors import UsageError

    raise UsageError("`qactl allocate` is not built yet.")
