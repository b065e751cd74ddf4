"""The rubrics ship inside the wheel, and an installed qactl finds them from any folder."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILTIN_IDS = [
    "annual-review",
    "ap-quality",
    "ehcna-file",
    "ehcp-quality",
    "eps-advice",
    "family-feedback",
    "health-advice",
    "practice-conversation",
    "sen-information-report",
]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (found,) = out.glob("qactl-*.whl")
    return found


@pytest.mark.slow
def test_the_wheel_holds_every_rubric(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for rid in BUILTIN_IDS:
        assert f"qactl/_data/rubrics/{rid}.yaml" in names
    shipped = {n for n in names if n.startswith("qactl/_data/rubrics/")}
    assert shipped == {f"qactl/_data/rubrics/{p.name}" for p in (ROOT / "rubrics").glob("*.yaml")}


@pytest.mark.slow
def test_an_unpacked_wheel_finds_its_rubrics_from_another_folder(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(site), "COLUMNS": "250", "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    code = "import qactl, qactl.paths as p; print(qactl.__file__); print(p.data_dir('rubrics'))"
    probe = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pkg_file, data = probe.stdout.splitlines()
    assert Path(pkg_file).is_relative_to(site), "the unpacked wheel, not the checkout, must be imported"
    assert Path(data) == site / "qactl" / "_data" / "rubrics"
    listed = subprocess.run(
        [sys.executable, "-m", "qactl", "rubrics", "list"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    for rid in BUILTIN_IDS:
        assert f" {rid} " in listed.stdout
    assert listed.stdout.count("built-in") == len(BUILTIN_IDS)
