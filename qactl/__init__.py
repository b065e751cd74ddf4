"""qactl: quality assurance of SEND services in English local areas.

Kept light on purpose: importing ``qactl`` imports nothing heavy, so ``qactl --help`` starts fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from types import ModuleType

__version__ = "0.1.0"

# Modules that qactl 0.1's docs/ published by name (docs/triangulation.md, docs/score.md) and that now live in a
# package of their concept. Importing an old name gives the module itself, with a DeprecationWarning; no other
# old name is kept. To go in the release after next.
MOVED = {
    "qactl.triangulate": "qactl.triangulation.verdicts",
    "qactl.evidence": "qactl.triangulation.evidence",
    "qactl.actions": "qactl.triangulation.actions",
    "qactl.timeliness": "qactl.statutory.timeliness",
}


class _MovedFinder:
    """A finder (``sys.meta_path``) that answers only for the names in ``MOVED``, with the module at its new name."""

    def __init__(self) -> None:
        self._specs: dict[
            str, ModuleSpec | None
        ] = {}  # the moved modules' own specs, put back after the import

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if name not in MOVED:
            return None
        from importlib.util import spec_from_loader

        return spec_from_loader(name, self)  # type: ignore[arg-type]  # a loader by exec_module (importlib.abc would cost --help 40 ms)

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        import importlib
        import warnings

        warnings.warn(
            f"{spec.name} has moved to {MOVED[spec.name]}; import it from there",
            DeprecationWarning,
            stacklevel=2,
        )
        module = importlib.import_module(MOVED[spec.name])
        self._specs[module.__name__] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """The module ran at its new name already; the import system has just given it the old name's spec, so it
        gets its own back (``__spec__`` names the module where it lives)."""
        module.__spec__ = self._specs.pop(module.__name__, module.__spec__)


if not any(isinstance(f, _MovedFinder) for f in sys.meta_path):
    sys.meta_path.append(_MovedFinder())
