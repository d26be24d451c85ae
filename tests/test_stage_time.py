"""benchmarks/stage_time.py: the stages it is asked for, timed, and a clear refusal of others."""

from __future__ import annotations

import re

import pytest

from benchmarks import corpus, stage_time


def test_times_the_stages_asked_for(tmp_path, capsys):
    corpus.make_corpus(tmp_path, 8_000, seed=5)
    assert stage_time.main([str(tmp_path), "--rounds", "1", "--only", "parse,keys,batch"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    found = dict(re.findall(r"(\w+) (\d+\.\d\d)", line))
    assert list(found) == ["parse", "keys", "batch"]
    assert all(float(v) >= 0 for v in found.values())


def test_refuses_an_unknown_stage(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        stage_time.main([str(tmp_path), "--only", "parse,nope"])
    assert stop.value.code == 2
    assert "nope" in capsys.readouterr().err
