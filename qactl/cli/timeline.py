"""`qactl timeline` (not built yet: see the open issue)."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)


@app.command("ehcna")
def ehcna() -> None:
    """Statutory dates of an EHC needs assessment."""
    from qactl.errors import UsageError

    raise UsageError("`qactl timeline ehcna` is not built yet.")
