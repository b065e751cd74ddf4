"""The example report in a real browser: headless Chromium at 1366 × 768, 390 and 320 px, axe-core, and printed to A4.

Driven by tests/browser/check.js (puppeteer-core and axe-core from npm, installed into .browser/ by `make browser`;
.ci/run does it on a fresh machine). Without Chromium, Node or those packages the test is skipped on a laptop, and
fails when the CI variable is set: a browser test that silently skips in CI tests nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / ".browser" / "node_modules"
MAX_PAGES = 25


def _missing() -> list[str]:
    need = {
        "chromium": shutil.which("chromium") or shutil.which("chromium-browser"),
        "node": shutil.which("node"),
        "pdfinfo": shutil.which("pdfinfo"),
        "pdftotext": shutil.which("pdftotext"),
    }
    out = [k for k, v in need.items() if not v]
    out += [
        f"npm {p} (make browser)" for p in ("puppeteer-core", "axe-core") if not (NODE_MODULES / p).is_dir()
    ]
    return out


def require_browser() -> None:
    """Skip without the browser's tools on a laptop; fail when the CI variable is set, so CI never passes untested."""
    missing = _missing()
    if missing:
        message = f"the browser test needs {', '.join(missing)}: run `make browser` (apt-get chromium nodejs npm poppler-utils, npm packages into .browser/)"
        if os.environ.get("CI"):
            pytest.fail(message + " — CI is set, so this is a failure, not a skip", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def looked(example_round, tmp_path_factory) -> dict:
    require_browser()
    out = tmp_path_factory.mktemp("browser")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    r = subprocess.run(
        [
            "node",
            str(ROOT / "tests" / "browser" / "check.js"),
            str(example_round["html"]),
            str(out),
            chromium,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
    )
    assert r.returncode == 0, r.stderr[-3000:]
    facts = json.loads(r.stdout.strip().splitlines()[-1])
    pdf = out / "print.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    facts["pages"] = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    facts["page_size"] = next(line for line in info.splitlines() if line.startswith("Page size:"))
    facts["page_texts"] = [
        subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
        ).stdout
        for i in range(1, facts["pages"] + 1)
    ]
    facts["out"] = out
    return facts


def test_no_page_is_wider_than_the_phone(looked):
    # WCAG 1.4.10 Reflow: at 390 and 320 px nothing scrolls sideways but wide tables, inside their own box
    for width in ("at_390", "at_320"):
        f = looked[width]
        assert f["scroll_width"] <= f["viewport"], (
            f"{width}: the page is {f['scroll_width']} px wide: {f['sticking_out']}"
        )
        assert f["sticking_out"] == []


def test_chart_text_stays_legible(looked):
    assert looked["chart_text_px_at_390"] >= 9.0  # the smallest chart text, as rendered on a 390 px phone
    assert looked["chart_text_pt_in_print"] >= 9.0  # and in print


def test_axe_finds_no_violation(looked):
    assert looked["axe_violations"] == []


def test_the_first_screen_holds_the_key_messages(looked):
    f = looked["first_screen"]
    assert f["messages_visible"] >= 3 and f["with_change"] >= 3, (
        f
    )  # each with its figure and its change, without scrolling


def test_it_prints_on_at_most_25_a4_pages_with_page_numbers(looked):
    assert "(A4)" in looked["page_size"]
    n = looked["pages"]
    assert n <= MAX_PAGES, f"{n} pages"
    for i, text in enumerate(looked["page_texts"], start=1):
        assert f"Page {i} of {n}" in text, f"page {i} has no page number"
    first = looked["page_texts"][0]
    assert "Key messages" in first and "Contents" in first


def test_without_chromium_the_browser_test_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="CI is set, so this is a failure"):
        require_browser()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="make browser"):
        require_browser()
