"""`qactl moderate` (not built yet: see the open issue)."""

from __future__ import annotations


def moderate() -> None:
    from qactl.errors import UsageError

    raise UsageError("`qactl moderate` is not built yet.")
