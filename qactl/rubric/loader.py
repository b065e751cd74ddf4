"""Loading rubrics from YAML, and finding them: built-in, then ./rubrics/, then a path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qactl.errors import Problem, RubricError
from qactl.rubric.models import Rubric
from qactl.yamlio import load_yaml, validate


def load_rubric(path: str | Path) -> Rubric:
    """Load and validate one rubric file. Raises :class:`RubricError` listing every problem with file:line:column."""
    path = Path(path)
    root = load_yaml(path, RubricError)
    if not isinstance(root, dict):
        raise RubricError([Problem(str(path), 1, 1, "a rubric is a YAML mapping with id, title, version, source, scales, fields, items and grading")])
    return validate(Rubric, root, str(path), RubricError)


@dataclass(frozen=True)
class Found:
    """A rubric found by discovery: where it came from, and what it replaced."""

    rubric: Rubric
    path: Path
    origin: str  # "built-in", "local" or "path"
    replaces: Path | None = None


def builtin_dir() -> Path:
    from qactl.paths import data_dir

    return data_dir("rubrics")


def discover(extra: list[Path] | None = None, cwd: Path | None = None) -> dict[str, Found]:
    """Every rubric by id: built-in, then ``./rubrics/*.yaml``, then ``extra`` paths; later ones replace earlier."""
    found: dict[str, Found] = {}
    local = (cwd or Path.cwd()) / "rubrics"
    sources: list[tuple[str, Path]] = [("built-in", p) for p in sorted(builtin_dir().glob("*.yaml"))]
    if local.is_dir() and local.resolve() != builtin_dir().resolve():
        sources += [("local", p) for p in sorted(local.glob("*.y*ml"))]
    sources += [("path", Path(p)) for p in (extra or [])]
    for origin, path in sources:
        rubric = load_rubric(path)
        previous = found.get(rubric.id)
        found[rubric.id] = Found(rubric, path, origin, previous.path if previous else None)
    return found


def resolve(name: str, cwd: Path | None = None) -> Found:
    """A rubric by id (built-in or local) or by file path."""
    from qactl.errors import UsageError

    p = Path(name)
    if p.suffix.lower() in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise UsageError(f"No rubric file at {name}.")
        return Found(load_rubric(p), p, "path")
    quick = _find_quickly(name, cwd)
    if quick is not None:
        return quick
    found = discover(cwd=cwd)
    if name in found:
        return found[name]
    from difflib import get_close_matches

    near = get_close_matches(name, list(found), n=1)
    tip = f" Did you mean {near[0]!r}?" if near else ""
    raise UsageError(f"No rubric called {name!r}.{tip} `qactl rubrics list` shows them all; a path to a .yaml file works too.")


def _find_quickly(name: str, cwd: Path | None) -> Found | None:
    """A rubric by id without loading every built-in: local files first, then the built-in ``<id>.yaml``.

    Built-in files are named after their ids; local ones may be named anything, so all of them are read.
    ``None`` when this shortcut cannot tell (the caller then discovers everything).
    """
    builtin = builtin_dir() / f"{name}.yaml"
    local_dir = (cwd or Path.cwd()) / "rubrics"
    if local_dir.is_dir() and local_dir.resolve() != builtin_dir().resolve():
        for path in sorted(local_dir.glob("*.y*ml"), reverse=True):  # the last one wins, as in discover()
            rubric = load_rubric(path)
            if rubric.id == name:
                return Found(rubric, path, "local", builtin if builtin.is_file() else None)
    if builtin.is_file():
        rubric = load_rubric(builtin)
        if rubric.id == name:
            return Found(rubric, builtin, "built-in")
    return None
