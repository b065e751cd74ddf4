"""`qactl form` (not built yet: see the open issue)."""

from __future__ import annotations


def form() -> None:
    from qactl.errors import UsageError

    raise UsageError("`qactl form` is not built yet.")
