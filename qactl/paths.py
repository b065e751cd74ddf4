"""Where the shipped data folders are, from a checkout and from an installed wheel alike."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The folder ``rubrics``, ``schedules`` or ``templates``: inside the wheel, else beside the package."""
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"qactl is installed without its {name}/ folder (looked in {_PKG})")


def user_config_dir() -> Path:
    """The user's config folder for qactl (XDG on Linux, APPDATA on Windows, ~/Library on macOS)."""
    import os
    import sys

    if os.name == "nt":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "qactl"
