"""`qactl score` (not built yet: see the open issue)."""

from __future__ import annotations


def score() -> None:
    from qactl.errors import UsageError

    raise UsageError("`qactl score` is not built yet.")
