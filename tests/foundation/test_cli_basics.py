import subprocess
import sys

from typer.testing import CliRunner

from qactl.cli import app

runner = CliRunner()


def test_help_lists_every_command_with_a_line_each():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in (
        "allocate",
        "score",
        "chase",
        "report",
        "moderate",
        "schedule",
        "timeline",
        "form",
        "rubrics",
    ):
        assert f"  {command} " in result.output


def test_help_imports_nothing_heavy():
    code = (
        "import sys\n"
        "sys.argv = ['qactl', '--help']\n"
        "from qactl.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pydantic', 'openpyxl', 'python_calamine', 'scipy', 'jinja2', 'xlsxwriter', 'ruamel', 'numpy') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_version():
    from qactl import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
