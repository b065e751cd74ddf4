"""Every citation in the repository resolves inside it, or names the law or framework itself.

qactl was first written from documents that are not in this repository (a specification, a summary of the
statutory rules, measured baselines). A comment or page that cites them (`SPEC §4`, `DOMAIN.md`,
`PERFORMANCE.md`) sends the next reader nowhere: cite the regulation, the Act, the Code of Practice paragraph or
the framework section itself, or a page of docs/.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNRESOLVABLE = re.compile(
    r"\bSPEC\b|\bSPEC\.md|\bDOMAIN\b|PERFORMANCE\.md|STYLE\.md|\.\./shared/|/work/shared"
)
# Files that hold the pattern only to check for it.
CHECKERS = {
    "tests/foundation/test_citations.py",
    "tests/workbooks/book_checks.py",
    "tests/rubric/test_builtin.py",
}
# Links inside the repository: [text](path) in Markdown, resolved from the page's folder.
MD_LINK = re.compile(r"\]\((?!https?:|mailto:|#)([^)#\s]+)(?:#[^)]*)?\)")


def _tracked() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        files = out.splitlines()
    except (OSError, subprocess.CalledProcessError):  # a copy without git: every file under the root
        files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    return [f for f in files if (ROOT / f).is_file()]


def _text(name: str) -> str | None:
    if not name.endswith(
        (".py", ".md", ".yaml", ".yml", ".toml", ".html", ".j2", ".sh", ".txt", ".cfg", "Makefile")
    ):
        return None
    return (ROOT / name).read_text(encoding="utf-8", errors="replace")


def test_no_citation_of_a_document_outside_the_repository():
    found = []
    for name in _tracked():
        if name in CHECKERS or (text := _text(name)) is None:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if UNRESOLVABLE.search(line):
                found.append(f"{name}:{n}: {line.strip()[:120]}")
    assert not found, "cites a document that is not in the repository:\n" + "\n".join(found)


def test_every_link_between_markdown_pages_resolves():
    broken = []
    for name in _tracked():
        if not name.endswith(".md") or name.startswith("tests/"):
            continue
        page = ROOT / name
        for target in MD_LINK.findall(page.read_text(encoding="utf-8")):
            if not (page.parent / target).exists():
                broken.append(f"{name}: {target}")
    assert not broken, "links to files that do not exist:\n" + "\n".join(broken)


def test_the_check_finds_what_it_looks_for():
    """The pattern itself: these would be caught, these are ordinary words."""
    for cited in ["(SPEC §5)", "see PERFORMANCE.md", "DOMAIN.md §8.2", "DOMAIN §1.4", "../shared/seeds"]:
        assert UNRESOLVABLE.search(cited), cited
    for fine in ["_MD_SPECIAL", "a spec of the file", "domain", "docs/performance.md"]:
        assert not UNRESOLVABLE.search(fine), fine
