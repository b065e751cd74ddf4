"""The HTML report in a real browser: headless Chromium prints it to A4 PDF and renders its DOM and charts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from qactl.report import ReportRequest, write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; .ci/run installs it)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args], capture_output=True, timeout=120)


@pytest.fixture
def html(files, tmp_path) -> Path:
    out = tmp_path / "practice-report.html"
    write_report(ReportRequest(inputs=[files["quality"], files["health"]], previous=[files["previous"]], output=out))
    return out


def test_prints_to_a4_pdf_with_its_text(html, tmp_path):
    pdf = tmp_path / "out.pdf"
    r = chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri())
    assert pdf.exists() and pdf.stat().st_size > 0, r.stderr.decode(errors="replace")[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        size = next(line for line in info.splitlines() if line.startswith("Page size:"))
        assert "(A4)" in size
    assert pages >= 3  # summary, then a page break before each rubric and the actions
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Quality of EHC plans (test rubric)" in text and "Outcomes are SMART" in text
        assert "<script>alert('x')</script>" in " ".join(text.split())  # shown as text, never run


def test_dom_has_the_svg_charts_and_the_page_lays_out(html, tmp_path):
    r = chromium(tmp_path, "--dump-dom", html.as_uri())
    dom = r.stdout.decode()
    assert dom.count("<svg") >= 4 and 'role="img"' in dom
    assert "Uncaught" not in r.stderr.decode(errors="replace")
    shot = tmp_path / "shot.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=900,1400", "--hide-scrollbars", html.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
