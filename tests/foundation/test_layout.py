"""The README's Layout and docs/architecture.md name every room of qactl/, so a newcomer can find each from there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def rooms() -> set[str]:
    """The packages (``cli/``) and the modules at the top of qactl/ (``results.py``), as the Layout names them."""
    found = {f"{p.name}/" for p in (ROOT / "qactl").iterdir() if (p / "__init__.py").exists()}
    found |= {p.name for p in (ROOT / "qactl").glob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    return found


def test_the_readme_layout_names_every_room():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\n(.*?)```", layout, re.S)[1]
    missing = sorted(r for r in rooms() if not re.search(rf"(?<![\w/]){re.escape(r)}", block))
    assert not missing, f"README's Layout does not name {missing}"


def test_the_architecture_page_describes_every_room():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = sorted(r for r in rooms() if f"`{r}`" not in page and f"**`{r}`**" not in page)
    assert not missing, f"docs/architecture.md does not describe {missing}"
