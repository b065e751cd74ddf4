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
        raise RubricError(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    "a rubric is a YAML mapping with id, title, version, source, scales, fields, items and grading",
                )
            ]
        )
    return validate(Rubric, root, str(path), RubricError)


@dataclass(frozen=True)
class Found:
    """A rubric found by discovery: where it came from, what it replaced, and notices for the user.

    ``notes`` name the local rubric files that could not be read while looking (a broken file in ``./rubrics/``
    is a notice, never a reason to refuse a built-in or another rubric; it is an error only when asked for).
    """

    rubric: Rubric
    path: Path
    origin: str  # "built-in", "local" or "path"
    replaces: Path | None = None
    notes: tuple[str, ...] = ()


def _skipped(path: Path, err: RubricError) -> str:
    first = str(err.problems[0]) if err.problems else str(err)
    more = (
        f" (and {len(err.problems) - 1} more problem{'s' if len(err.problems) > 2 else ''})"
        if len(err.problems) > 1
        else ""
    )
    return (
        f"Skipped the local rubric {path}: it cannot be read ({first}{more}). Other rubrics are unaffected; "
        f"run `qactl rubrics validate {path}` to see every problem."
    )


def builtin_dir() -> Path:
    from qactl.paths import data_dir

    return data_dir("rubrics")


def discover(
    extra: list[Path] | None = None,
    cwd: Path | None = None,
    notes: list[str] | None = None,
    broken: dict[Path, RubricError] | None = None,
) -> dict[str, Found]:
    """Every rubric by id: built-in, then ``./rubrics/*.yaml``, then ``extra`` paths; later ones replace earlier.

    A local file that cannot be read is skipped with a notice in ``notes`` (and its error in ``broken``); a built-in
    or an ``extra`` path that cannot be read is an error.
    """
    found: dict[str, Found] = {}
    local = (cwd or Path.cwd()) / "rubrics"
    sources: list[tuple[str, Path]] = [("built-in", p) for p in sorted(builtin_dir().glob("*.yaml"))]
    if local.is_dir() and local.resolve() != builtin_dir().resolve():
        sources += [("local", p) for p in sorted(local.glob("*.y*ml"))]
    sources += [("path", Path(p)) for p in (extra or [])]
    for origin, path in sources:
        try:
            rubric = load_rubric(path)
        except RubricError as err:
            if origin != "local":
                raise
            if notes is not None:
                notes.append(_skipped(path, err))
            if broken is not None:
                broken[path] = err
            continue
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
    notes: list[str] = []
    broken: dict[Path, RubricError] = {}
    quick = _find_quickly(name, cwd, notes, broken)
    if quick is not None:
        return quick
    found = discover(cwd=cwd, notes=notes, broken=broken)
    if name in found:
        return _with_notes(found[name], notes)
    for path, err in broken.items():  # the rubric asked for may be the broken one: its own error, then
        if path.stem == name or _declared_id(path) == name:
            raise err
    from difflib import get_close_matches

    near = get_close_matches(name, list(found), n=1)
    tip = f" Did you mean {near[0]!r}?" if near else ""
    skipped = (
        f" ({len(broken)} local rubric file(s) could not be read: {', '.join(str(p) for p in broken)}; check them with `qactl rubrics validate`.)"
        if broken
        else ""
    )
    raise UsageError(
        f"No rubric called {name!r}.{tip} `qactl rubrics list` shows them all; a path to a .yaml file works too.{skipped}"
    )


def _with_notes(found: Found, notes: list[str]) -> Found:
    from dataclasses import replace

    return replace(found, notes=tuple(dict.fromkeys([*found.notes, *notes]))) if notes else found


def _declared_id(path: Path) -> str | None:
    """The ``id:`` a rubric file declares, read as text (for a file too broken to load)."""
    import re

    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")[:20_000]
    except OSError:
        return None
    m = re.search(r"^id:\s*['\"]?([A-Za-z0-9_-]+)", text, re.M)
    return m.group(1) if m else None


def _find_quickly(
    name: str, cwd: Path | None, notes: list[str], broken: dict[Path, RubricError]
) -> Found | None:
    """A rubric by id without loading every built-in: local files first, then the built-in ``<id>.yaml``.

    Built-in files are named after their ids; local ones may be named anything, so all of them are read (a broken
    one is noted and skipped, unless it is the one asked for: its file name or its ``id:`` line is ``name``).
    ``None`` when this shortcut cannot tell (the caller then discovers everything).
    """
    builtin = builtin_dir() / f"{name}.yaml"
    local_dir = (cwd or Path.cwd()) / "rubrics"
    if local_dir.is_dir() and local_dir.resolve() != builtin_dir().resolve():
        hit = None
        for path in sorted(
            local_dir.glob("*.y*ml")
        ):  # every one, so that a broken one is always noted; the last wins
            try:
                rubric = load_rubric(path)
            except RubricError as err:
                if path.stem == name or _declared_id(path) == name:
                    raise
                notes.append(_skipped(path, err))
                broken[path] = err
                continue
            if rubric.id == name:
                hit = (rubric, path)
        if hit is not None:
            return Found(hit[0], hit[1], "local", builtin if builtin.is_file() else None, notes=tuple(notes))
    if builtin.is_file():
        rubric = load_rubric(builtin)
        if rubric.id == name:
            return Found(rubric, builtin, "built-in", notes=tuple(notes))
    return None
