"""The module names qactl 0.1's docs published still import, with a warning, as the very module at its new name."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import qactl

# What docs/triangulation.md and docs/score.md of qactl 0.1 told readers to import.
PUBLISHED = [
    ("qactl.evidence", "load_evidence"),
    ("qactl.triangulate", "triangulate"),
    ("qactl.triangulate", "theme_results"),
    ("qactl.actions", "read_actions"),
    ("qactl.actions", "write_actions"),
    ("qactl.timeliness", "timeliness"),
    ("qactl.timeliness", "Tally"),
]


@pytest.mark.parametrize(("old", "name"), PUBLISHED)
def test_an_old_name_imports_the_moved_module_with_a_warning(old: str, name: str):
    code = (
        "import warnings, importlib, sys\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        f"    from {old} import {name} as thing\n"
        f"new = importlib.import_module({qactl.MOVED[old]!r})\n"
        f"assert thing is getattr(new, {name!r}), 'not the same object'\n"
        f"assert sys.modules[{old!r}] is new\n"
        f"assert new.__spec__.name == {qactl.MOVED[old]!r}, new.__spec__.name\n"
        "print([str(x.message) for x in w if x.category is DeprecationWarning])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert f"{old} has moved to {qactl.MOVED[old]}" in out


def test_no_other_name_is_answered():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("qactl.timeline")  # never published as a module: no alias
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("qactl.moderation.nothing")
