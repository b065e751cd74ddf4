"""What an install of qactl is made of: one version, the dependencies its code imports, a lock file that agrees.

The runtime dependencies in pyproject.toml are exactly the distributions that ``qactl/`` imports at run time (a
dependency nobody imports costs every council an install; an import nobody declares breaks the day a transitive
dependency drops it). The dev/test install (``make``) comes from requirements-dev.lock, every package pinned with
its hashes; after a change to pyproject.toml's dependencies, `make lock` writes it again.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import qactl

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = ROOT / "requirements-dev.lock"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> set[str]:
    """Top-level module names imported outside `if TYPE_CHECKING:` blocks (absolute imports only)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def test_runtime_dependencies_are_exactly_what_qactl_imports():
    imported: set[str] = set()
    for path in (ROOT / "qactl").rglob("*.py"):
        imported |= _runtime_imports(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    third_party = imported - set(sys.stdlib_module_names) - {"qactl", "__future__"}
    providers = importlib.metadata.packages_distributions()
    unknown = sorted(m for m in third_party if m not in providers)
    assert not unknown, f"qactl/ imports {unknown}, which no installed distribution provides"
    needed = {canonicalize_name(providers[m][0]) for m in third_party}
    declared = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}
    assert not needed - declared, (
        f"imported by qactl/ but not in [project].dependencies: {sorted(needed - declared)}"
    )
    assert not declared - needed, (
        f"in [project].dependencies but never imported by qactl/: {sorted(declared - needed)} "
        "(move it to the test extra, or drop it)"
    )


def test_qactl_version_is_the_package_metadata():
    """One version source: pyproject.toml reads it from qactl/__init__.py (hatch), and the command says it."""
    assert "version" not in PYPROJECT["project"], (
        "pyproject.toml names a version: keep it in qactl/__init__.py only"
    )
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "qactl/__init__.py"
    installed = importlib.metadata.version("qactl")
    done = subprocess.run(
        [sys.executable, "-m", "qactl", "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == f"qactl {installed}"
    assert qactl.__version__ == installed


def _locked() -> dict[str, tuple[str, str, list[str]]]:
    """name -> (version, marker, hashes) for each entry of the lock file (one name may carry two markers)."""
    entries: dict[str, tuple[str, str, list[str]]] = {}
    text = LOCK.read_text(encoding="utf-8")
    for block in re.split(r"\n(?=\S)", text):
        head = block.split("\\", 1)[0].strip()
        if not head or head.startswith("#"):
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)\s*(?:;\s*(.*))?", head)
        assert m, f"{LOCK.name}: not a pinned requirement: {head!r}"
        name, version, marker = canonicalize_name(m[1]), m[2], (m[3] or "").strip()
        entries[f"{name} {marker}".strip()] = (
            version,
            marker,
            re.findall(r"--hash=sha256:[0-9a-f]{64}", block),
        )
    return entries


def test_the_lock_pins_every_requirement_of_the_dev_install_with_hashes():
    entries = _locked()
    for key, (version, _marker, hashes) in entries.items():
        assert hashes, f"{LOCK.name}: {key}=={version} has no hash"
    wanted = (
        PYPROJECT["project"]["dependencies"]
        + PYPROJECT["project"]["optional-dependencies"]["test"]
        + PYPROJECT["build-system"]["requires"]
    )
    for line in wanted:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        pins = [v for k, (v, _m, _h) in entries.items() if k.split(" ")[0] == name]
        assert pins, f"{req} is in pyproject.toml but not in {LOCK.name}: run `make lock`"
        for version in pins:
            assert req.specifier.contains(version, prereleases=True), (
                f"{LOCK.name} pins {name}=={version}, outside pyproject.toml's {req}: run `make lock`"
            )


def test_this_environment_is_the_locked_one():
    """The venv `make` built has each locked version (for this Python and platform), so tests run on the lock."""
    from packaging.markers import Marker

    for key, (version, marker, _h) in _locked().items():
        if marker and not Marker(marker).evaluate():
            continue
        name = key.split(" ")[0]
        assert importlib.metadata.version(name) == version, (
            f"{name} {importlib.metadata.version(name)} is installed, {LOCK.name} says {version}: "
            "`make clean test` reinstalls from the lock"
        )


def test_pre_commit_runs_the_ruff_pyproject_pins():
    from ruamel.yaml import YAML

    config = YAML(typ="safe").load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    pinned = next(
        r for r in PYPROJECT["project"]["optional-dependencies"]["test"] if Requirement(r).name == "ruff"
    )
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    assert {h["id"] for h in hooks} == {"ruff-check", "ruff-format"}
    for hook in hooks:
        assert hook["additional_dependencies"] == [pinned], (
            f"{hook['id']} runs {hook['additional_dependencies']}"
        )
