"""The command line: it names itself as it was called (``yrd-analysis`` or
``python -m analysis``) and says what to do with a folder of tables given as input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analysis import cli, config


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


def test_a_folder_of_tables_given_as_input_is_a_clear_error(tmp_path, capsys):
    out = tmp_path / "tables"
    assert cli.main(["build", str(config.RAW_DIR), "--out", str(out), "--no-progress"]) == 0
    capsys.readouterr()
    # the analyst gives the tables' folder where the inputs go (report OUT instead of
    # report INPUTS --out OUT): one line naming the folder and what to do
    assert cli.main(["report", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert str(out) in err and "--out" in err and "Traceback" not in err


@pytest.mark.parametrize("stopped_in", ["pipeline.build", "report.build_report"])
def test_ctrl_c_stops_with_one_line_and_code_130(tmp_path, capsys, monkeypatch, stopped_in):
    import analysis.pipeline
    import analysis.report

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    # (the command imports build and build_report when it runs)
    module, name = stopped_in.split(".")
    monkeypatch.setattr(getattr(analysis, module), name, interrupted)
    figures = tmp_path / "figures"
    args = [str(config.RAW_DIR), "--out", str(tmp_path / "tables"), "--no-progress"]
    code = cli.main(["report", *args, "--figures", str(figures)])
    assert code == 130
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err
    assert not figures.exists() or not any(figures.iterdir())  # (stopped before the report)
