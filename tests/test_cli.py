"""The command line names itself as it was called: ``yrd-analysis`` or ``python -m analysis``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analysis import cli


def test_help_names_the_installed_command(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--help"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("usage: yrd-analysis ")


def test_python_m_analysis_help_names_itself():
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "--help"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("usage: python -m analysis ")


def test_console_script_help():
    script = Path(sys.executable).parent / cli.COMMAND
    if not script.is_file():
        pytest.skip(f"{cli.COMMAND} is not installed beside {sys.executable}")
    done = subprocess.run([str(script), "report", "--help"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: yrd-analysis report ")
