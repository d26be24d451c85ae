"""The build: tables written and read back, incremental rebuilds, equal tables across engines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import analysis
from analysis import cache, pipeline, publish, stages
from analysis.cli import main
from analysis.errors import InputError
from tests import pagegen

SEED = pagegen.seed_text()


@pytest.fixture
def corpus(tmp_path):
    """Six copies of the sample page under different names and dates, in a nested folder."""
    folder = tmp_path / "raw"
    (folder / "2023").mkdir(parents=True)
    for day in range(1, 7):
        target = folder / ("2023" if day % 2 else "") / f"paper_2023-08-0{day}.txt"
        target.write_text(SEED, encoding="utf-8")
    return folder


def _build(corpus, out, **kw):
    kw.setdefault("progress", False)
    return pipeline.build([corpus], out_dir=out, **kw)


def test_build_writes_every_table_and_reads_back(corpus, tmp_path):
    out = tmp_path / "processed"
    result = _build(corpus, out, jobs=1)
    assert result.n_inputs == 6 and result.n_processed == 6 and not result.unchanged
    for name in pipeline.TABLES:
        assert (out / f"{name}.parquet").exists()
    for name in pipeline.CSV_TABLES:
        assert (out / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    tables = pipeline.load_tables(out)
    assert len(tables["articles"]) == 30
    assert tables["articles"]["article_id"].is_unique
    assert set(tables["tokens"]["article_id"]) == set(tables["articles"]["article_id"])
    assert isinstance(tables["tokens"]["tokens"].iloc[0], list)
    assert set(tables["mentions"]["article_id"]) <= set(tables["articles"]["article_id"])
    counted = tables["events"][tables["events"]["counted"]]
    # the sample page reports 13 events; in these copies its third article (a dateline
    # with no date) names 8月8日 in its lead, after the issue dates 08-01..08-06 given
    # by the names: outside the issue's window, that is not the article's date (the
    # issue date is), so its meeting and unveiling are to come and not counted
    # the six copies are one page printed six times: the first copy (earliest issue
    # date) is the original, the 25 articles of the other five its exact duplicates,
    # whose events are not counted
    articles = tables["articles"]
    first = articles[articles["issue_date"] == pd.Timestamp("2023-08-01")]
    assert (first["duplicate_of"] == "").all() and len(first) == 5
    assert articles["duplicate_rule"].value_counts().to_dict() == {"exact": 25, "": 5}
    assert set(articles["duplicate_of"]) == {"", *first["article_id"]}
    assert len(counted) == 13 - 2
    assert set(counted["article_id"]) <= set(first["article_id"])
    assert "duplicates: 25 article(s) repeat an earlier one (exact 25)" in result.summary()
    assert isinstance(tables["events"]["parks"].iloc[0], list)
    pd.testing.assert_frame_equal(tables["articles"], result.tables["articles"])
    csv = pd.read_csv(out / "articles.csv", encoding="utf-8-sig")
    assert list(csv["title"].head(1)) == [tables["articles"]["title"].iloc[0]]


def test_rebuild_only_processes_what_changed(corpus, tmp_path):
    out = tmp_path / "processed"
    first = _build(corpus, out, jobs=1)
    again = _build(corpus, out, jobs=1)
    assert again.unchanged and again.n_processed == 0
    # the summary of an unchanged build reads row counts and two columns, not the tables
    assert f"mentions: {len(first.tables['mentions'])} rows" in again.summary()
    assert "articles: 30 (" in again.summary() and again.n_chars == first.n_chars > 0
    assert dict.__len__(again.tables) == 0
    pd.testing.assert_frame_equal(again.tables["events"], first.tables["events"])

    changed = corpus / "paper_2023-08-02.txt"
    changed.write_text(SEED.replace("(黄振)", "(黄振 李明)"), encoding="utf-8")
    third = _build(corpus, out, jobs=1)
    assert not third.unchanged and third.n_processed == 1
    arts = third.tables["articles"]
    assert (arts["author"] == "黄振、李明").sum() == 1

    (corpus / "paper_2023-08-04.txt").unlink()
    fourth = _build(corpus, out, jobs=1)
    assert fourth.n_processed == 0 and len(fourth.tables["articles"]) == 25
    assert not fourth.tables["articles"]["source"].str.contains("08-04").any()

    forced = _build(corpus, out, jobs=1, force=True)
    assert forced.n_processed == 5


def test_unchanged_rebuild_command_imports_no_pandas(corpus, tmp_path):
    """The command with nothing changed lists and hashes the inputs and reads the
    manifest: neither pandas, pyarrow, numpy nor the parsers are imported, and its
    summary says what the build's said (the counts the manifest keeps)."""
    out = tmp_path / "processed"
    first = _build(corpus, out, jobs=1)
    heavy = ("pandas", "pyarrow", "numpy", "jieba", "rjieba", "matplotlib", "analysis.pages")
    script = (
        "import sys\n"
        "from analysis.cli import main\n"
        f"code = main(['build', {str(corpus)!r}, '--out', {str(out)!r}, '--no-progress'])\n"
        f"print('imported:', sorted(m for m in {heavy!r} if m in sys.modules))\n"
        "sys.exit(code)\n"
    )
    src = str(Path(analysis.__file__).resolve().parents[1])  # this package, not another
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "6 input file(s): 0 processed, 6 from cache, 0 skipped (nothing changed)" in done.stdout
    assert "imported: []" in done.stdout
    said = first.summary().splitlines()
    assert said[1].startswith("articles: 30 (") and said[2].startswith("duplicates: 25 ")
    assert said[5].startswith("keywords: ") and said[6].startswith("events by type: ")
    for line in said[1:-1]:  # (not the files processed, nor the time)
        assert line in done.stdout.splitlines()


def test_build_writes_the_keywords_term_counts_for_the_report(corpus, tmp_path):
    from analysis.keyterms import TermCounts

    out = tmp_path / "processed"
    _build(corpus, out, jobs=1)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert publish.TERMS_FILE in manifest["files"]
    terms = analysis.load_term_counts(out)
    tables = pipeline.load_tables(out)
    # one row per article, in the articles' order: the content tokens of its tokens
    assert list(terms.ids) == list(tables["articles"]["article_id"])
    ids = tables["tokens"]["article_id"].tolist()
    expected = TermCounts.from_tokens(tables["tokens"]["tokens"]).content()
    assert list(terms.ids) == ids
    assert terms.vocabulary.to_pylist() == expected.vocabulary.to_pylist()
    assert (terms.counts != expected.counts).nnz == 0 and terms.counts.nnz > 100
    # an older build's tables (no term counts), or counts that differ from the
    # manifest: none, and the report counts the tokens
    (out / publish.TERMS_FILE).write_bytes(b"changed")
    assert analysis.load_term_counts(out) is None
    (out / publish.TERMS_FILE).unlink()
    assert analysis.load_term_counts(out) is None


def test_unchanged_rebuild_without_counts_in_the_manifest(corpus, tmp_path):
    """A manifest written before it kept the summary's counts: they are read from the
    tables."""
    out = tmp_path / "processed"
    first = _build(corpus, out, jobs=1)
    manifest = json.loads((out / publish.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["counts"]["rows"]["articles"] == 30
    del manifest["counts"]
    (out / publish.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    again = _build(corpus, out, jobs=1)
    assert again.unchanged and again.counts == first.counts
    assert again.summary().splitlines()[1:-1] == first.summary().splitlines()[1:-1]


def test_results_do_not_depend_on_jobs(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(stages, "_BATCH_FILES", 2)  # three batches, so two workers share them
    one = pipeline.load_tables(_build(corpus, tmp_path / "one", jobs=1).paths and tmp_path / "one")
    two = pipeline.load_tables(_build(corpus, tmp_path / "two", jobs=2).paths and tmp_path / "two")
    for name in pipeline.TABLES:
        pd.testing.assert_frame_equal(one[name], two[name])


def test_a_build_with_progress_bars_still_forks_its_workers(corpus, tmp_path, monkeypatch):
    # a progress bar starts no monitor thread: a second thread would make the build
    # start clean workers (forkserver), each loading the dictionaries again
    import multiprocessing
    import threading

    monkeypatch.setattr(stages, "_BATCH_FILES", 2)
    methods = []
    real = multiprocessing.get_context
    monkeypatch.setattr(
        multiprocessing, "get_context", lambda method=None: methods.append(method) or real(method)
    )
    before = threading.active_count()
    _build(corpus, tmp_path / "out", jobs=2, progress=True)
    assert threading.active_count() == before
    if before == 1:  # (an earlier test of this process may have left a thread)
        assert methods == ["fork"]


def test_a_partial_rebuild_with_jobs_still_forks_its_workers(corpus, tmp_path, monkeypatch):
    # cached inputs are handed to the table writer (a thread) only after the workers are
    # forked: forking waits for a process with one thread
    import multiprocessing

    monkeypatch.setattr(stages, "_BATCH_FILES", 2)
    monkeypatch.setattr(publish.TableStream, "ROW_GROUP_BYTES", 0)  # each part written
    out = tmp_path / "out"
    first = _build(corpus, out, jobs=2)
    for name in ("2023/paper_2023-08-03.txt", "2023/paper_2023-08-05.txt", "paper_2023-08-06.txt"):
        (corpus / name).write_text(SEED + "\n", encoding="utf-8")  # two batches to do
    methods = []
    real = multiprocessing.get_context
    monkeypatch.setattr(
        multiprocessing, "get_context", lambda method=None: methods.append(method) or real(method)
    )
    import threading

    alone = threading.active_count() == 1  # (an earlier test may have left a thread: Dask's)
    again = _build(corpus, out, jobs=2)
    assert again.n_processed == 3 and (methods == ["fork"] or not alone)
    for name in pipeline.TABLES:
        pd.testing.assert_frame_equal(again.tables[name], first.tables[name])


def test_dask_engine_gives_the_same_tables(corpus, tmp_path):
    pytest.importorskip("distributed")
    local = _build(corpus, tmp_path / "local", jobs=1)
    dask = _build(corpus, tmp_path / "dask", jobs=2, engine="dask")
    assert (tmp_path / "dask" / "articles.parquet").is_dir()
    back = pipeline.load_tables(tmp_path / "dask")
    for name in pipeline.TABLES:
        pd.testing.assert_frame_equal(back[name], local.tables[name])
        pd.testing.assert_frame_equal(dask.tables[name], local.tables[name])
    duckdb = pytest.importorskip("duckdb")
    n = duckdb.sql(
        f"select count(*) from read_parquet('{tmp_path / 'dask' / 'events.parquet'}/*.parquet')"
    ).fetchall()[0][0]
    assert n == len(local.tables["events"])
    import dask.dataframe as dd

    assert len(dd.read_parquet(tmp_path / "dask" / "mentions.parquet")) == len(
        local.tables["mentions"]
    )


def test_bad_inputs_are_skipped_and_reported(corpus, tmp_path):
    (corpus / "broken.txt").write_bytes(b"")
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04")
    result = _build(corpus, tmp_path / "out", jobs=1)
    assert len(result.tables["articles"]) == 30
    assert [p.split("/")[-1] for p, _ in result.report.skipped] == ["broken.txt"]
    assert [p.split("/")[-1] for p, _ in result.report.ignored] == ["notes.docx"]
    assert "SKIPPED" in result.summary() and "broken.txt" in result.summary()
    # a skipped input is counted as skipped, not as processed, and its path shown once
    assert "7 input file(s): 6 processed, 0 from cache, 1 skipped" in result.summary()
    assert result.summary().count("broken.txt") == 1
    again = _build(corpus, tmp_path / "out", jobs=1)
    assert again.unchanged and "broken.txt" in again.summary()
    assert "7 input file(s): 0 processed, 6 from cache, 1 skipped (nothing changed)" in (
        again.summary()
    )
    with pytest.raises(InputError, match=r"broken\.txt"):
        _build(corpus, tmp_path / "strict", jobs=1, errors="raise")


def test_a_build_stopped_by_a_bad_input_leaves_the_last_tables(corpus, tmp_path, monkeypatch):
    # the tables are streamed to temporary files while the inputs are processed: a
    # build that stops half way removes them and leaves the previous tables in place
    out = tmp_path / "out"
    first = _build(corpus, out, jobs=1)
    # batches of two files: the first files' rows are written before the bad one is met
    monkeypatch.setattr(stages, "_BATCH_FILES", 2)
    monkeypatch.setattr(publish.TableStream, "ROW_GROUP_BYTES", 0)  # each part written
    (corpus / "paper_2023-08-03.txt").write_bytes(b"\x00\x01binary")
    with pytest.raises(InputError, match=r"paper_2023-08-03\.txt"):
        _build(corpus, out, jobs=1, errors="raise")
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    back = pipeline.load_tables(out)
    for name in pipeline.TABLES:
        pd.testing.assert_frame_equal(back[name], first.tables[name])
    assert pd.read_csv(out / "mentions.csv", encoding="utf-8-sig").shape[0] == len(
        first.tables["mentions"]
    )


def test_load_tables_before_a_build(tmp_path):
    with pytest.raises(InputError, match="not built yet"):
        pipeline.load_tables(tmp_path)


def test_load_tables_reads_the_manifest_once_and_again_for_a_newer_set(
    corpus, tmp_path, monkeypatch
):
    """Every table is checked against one reading of the manifest (it lists every
    input: 2 MB for 10,000 files), also when read one by one (LazyTables); a table
    that differs from a manifest read earlier (a build published a new set meanwhile)
    is checked against the manifest read again, and a changed file still fails."""
    import copy

    out = tmp_path / "processed"
    _build(corpus, out, jobs=1)
    real, calls = publish.read_manifest, []
    monkeypatch.setattr(publish, "read_manifest", lambda o: calls.append(o) or real(o))
    tables = pipeline.load_tables(out)
    assert len(calls) == 1 and list(tables) == list(pipeline.TABLES)
    lazy = publish.LazyTables(out)
    assert [len(lazy[n]) for n in pipeline.TABLES] == [len(tables[n]) for n in pipeline.TABLES]
    assert len(calls) == 2
    stale = copy.deepcopy(real(out))
    stale[0]["files"]["articles.parquet"][0] += 1  # as an older set recorded it
    frame, manifest = publish._read_table(out, "articles", (), stale)
    assert len(frame) == 30 and manifest == real(out) and len(calls) == 3
    with (out / "articles.parquet").open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(InputError, match="incomplete or was changed"):
        pipeline.load_tables(out, ["articles"])


def test_command_line_build(corpus, tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["build", str(corpus), "--out", str(out), "--jobs", "1", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "articles: 30" in printed and "events by type" in printed
    assert main(["build", str(corpus), "--out", str(out), "--no-progress"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    shutil.copy(corpus / "paper_2023-08-02.txt", corpus / "copy.csv")  # not a table
    assert main(["build", str(corpus), "--out", str(out), "--strict", "--no-progress"]) == 2
    assert "copy.csv" in capsys.readouterr().err


def test_jobs_from_a_process_with_other_threads(corpus, tmp_path, monkeypatch):
    """As in a Jupyter kernel: workers are started clean (no fork of a threaded process)."""
    import threading

    monkeypatch.setattr(stages, "_BATCH_FILES", 2)
    monkeypatch.setattr(publish.TableStream, "ROW_GROUP_BYTES", 0)  # each part written
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        threaded = _build(corpus, tmp_path / "threaded", jobs=2)
    finally:
        stop.set()
    single = _build(corpus, tmp_path / "single", jobs=1)
    for name in pipeline.TABLES:
        pd.testing.assert_frame_equal(threaded.tables[name], single.tables[name])


def test_cache_is_one_file_per_batch_rebuilt_when_damaged_and_pruned(corpus, tmp_path):
    out = tmp_path / "out"
    (corpus / "broken.txt").write_bytes(b"")
    first = _build(corpus, out, jobs=1)
    (settings,) = (out / "cache").iterdir()
    pickles = sorted((settings / "batches").glob("*.pkl"))
    assert len(pickles) == 1  # seven inputs, one batch
    head, *lines = pickles[0].with_suffix(".idx").read_text().splitlines()
    assert head.startswith(f"# {pickles[0].stem} ")  # the key and a checksum
    assert len(lines) == 7 and lines.count("-") == 1  # the bad input is not cached

    # a damaged batch is processed again, giving the same tables
    pickles[0].write_bytes(b"not a pickle")
    (corpus / "2023" / "paper_2023-08-01.txt").touch()  # same content, still a new build
    again = _build(corpus, out, jobs=1, errors="warn")
    assert again.unchanged  # the content did not change: nothing to do
    (corpus / "paper_2023-08-02.txt").write_text(SEED + "\n", encoding="utf-8")
    rebuilt = _build(corpus, out, jobs=1)
    # the changed input and the five others the damaged batch held (the bad input, never
    # cached, is read again and counted as skipped)
    assert rebuilt.n_processed == 6 and len(rebuilt.report.skipped) == 1
    for name in pipeline.TABLES:
        assert len(rebuilt.tables[name]) == len(first.tables[name])
    pd.testing.assert_frame_equal(
        rebuilt.tables["events"].drop(columns="event_id"),
        first.tables["events"].drop(columns="event_id"),
    )
    # only the batches the tables come from are kept
    kept = sorted(p.name for p in (settings / "batches").iterdir())
    assert len(kept) == 2 and {k.split(".")[1] for k in kept} == {"pkl", "idx"}

    partly = _build(corpus, out, jobs=1, force=False)
    assert partly.unchanged
    (corpus / "paper_2023-08-04.txt").write_text(SEED + "\n\n", encoding="utf-8")
    one_more = _build(corpus, out, jobs=1)
    assert one_more.n_processed == 1  # the changed input (and the bad one, skipped again)
    assert len(list((settings / "batches").glob("*.pkl"))) == 2  # the old batch and the new


@pytest.mark.parametrize("os_name", ["posix", "nt"])
def test_cache_pickle_round_trip_keeps_arrow_buffers_out_of_band(tmp_path, monkeypatch, os_name):
    import pyarrow as pa

    table = pa.table({"text": ["无锡高新区", "", None], "n": [1, 2, 3]})
    path = tmp_path / "batch.pkl"
    cache._dump_pickle({"t": table, "x": [1, "二"]}, path)
    head = path.read_bytes().split(b"\n", 1)[0]
    assert len(json.loads(head)["sizes"]) > 2  # the pickle, then the Arrow buffers apart
    monkeypatch.setattr(cache.os, "name", os_name)  # memory-mapped, or read
    back = cache._load_pickle(path)
    assert back["t"].equals(table) and back["x"] == [1, "二"]
    path.write_bytes(path.read_bytes()[:-3])  # truncated: an error, not wrong data
    with pytest.raises(ValueError, match="truncated"):
        cache._load_pickle(path)


def test_cache_checksum_checked_unless_the_batch_was_just_written(tmp_path):
    import pyarrow as pa

    table = pa.table({"text": ["无锡高新区", "乙"]})
    path = tmp_path / "batch.pkl"
    cache._dump_pickle({"t": table}, path, key="k")
    data = bytearray(path.read_bytes())
    data[-1] ^= 1  # the last byte (of the last buffer, the text's) changed
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="damaged"):
        cache._load_pickle(path, key="k")
    back = cache._load_pickle(path, key="k", checked=False)
    assert back["t"].column("text").to_pylist()[0] == "无锡高新区"
    with pytest.raises(ValueError, match="written for batch k"):
        cache._load_pickle(path, key="other", checked=False)  # the key is still checked


def test_csv_has_one_header_whatever_the_chunks(tmp_path):
    import pyarrow as pa

    part = pa.table({"title": ["甲", "乙"], "n": [1, 2]})
    table = pa.concat_tables([part.schema.empty_table(), part, part.slice(0, 0), part])
    path = publish._write_csv_table(table, tmp_path / "t.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines == ['"title","n"', '"甲",1', '"乙",2', '"甲",1', '"乙",2']


def test_csv_dates_are_iso_dates_and_times_only_where_there_are_times(tmp_path):
    import pyarrow as pa

    table = pa.table(
        {
            "issue_date": pd.to_datetime(["2023-08-09", None]),
            "date": pd.to_datetime(["2023-08-09 10:30:15.5", "2023-08-10 00:00"], format="ISO8601"),
        }
    )
    path = publish._write_csv_table(table, tmp_path / "t.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines == [
        '"issue_date","date"',
        '2023-08-09,"2023-08-09 10:30:15"',
        ',"2023-08-10 00:00:00"',
    ]


def test_keep_duplicates_counts_every_copy(corpus, tmp_path):
    # the six copies of the sample page: by default the five later copies are
    # duplicates, without counted events or keywords; kept, every copy counts
    default = _build(corpus, tmp_path / "default", jobs=1)
    kept = _build(corpus, tmp_path / "kept", jobs=1, keep_duplicates=True)
    for result in (default, kept):
        assert (result.tables["articles"]["duplicate_rule"] == "exact").sum() == 25
    assert default.tables["events"]["counted"].sum() == 13 - 2
    assert kept.tables["events"]["counted"].sum() == 6 * (13 - 2)
    copies = default.tables["events"][~default.tables["events"]["counted"]]
    assert copies["rule"].str.endswith(";duplicate:article").sum() == 5 * (13 - 2)
    assert default.tables["keywords"]["group"].nunique() == 5
    assert kept.tables["keywords"]["group"].nunique() == 30
    assert "left out of counts" in default.summary() and "kept in counts" in kept.summary()
    # the option is part of what a rebuild compares
    assert not _build(corpus, tmp_path / "kept", jobs=1).unchanged


def test_command_line_keep_duplicates(corpus, tmp_path, capsys):
    out = tmp_path / "cli"
    args = ["build", str(corpus), "--out", str(out), "--jobs", "1", "--no-progress"]
    assert main([*args, "--park", "无锡高新区"]) == 0
    printed = capsys.readouterr().out
    assert "duplicates: 25 article(s) repeat an earlier one (exact 25)" in printed
    focus = pipeline.load_tables(out / "focus")
    assert (focus["articles"]["duplicate_of"] == "").all()
    assert main([*args, "--park", "无锡高新区", "--keep-duplicates"]) == 0
    assert "kept in counts (--keep-duplicates)" in capsys.readouterr().out
    assert (pipeline.load_tables(out / "focus")["articles"]["duplicate_of"] != "").any()


def test_the_same_file_given_twice_is_processed_once(corpus, tmp_path):
    one = corpus / "paper_2023-08-02.txt"
    given = [corpus, one, corpus / "2023"]
    result = pipeline.build(given, out_dir=tmp_path / "out", jobs=1, progress=False)
    assert result.n_inputs == 6 and len(result.tables["articles"]) == 30
    assert sorted(why.split(":")[0] for _, why in result.report.ignored) == [
        "the same file as " + str(p) for p in sorted([one, *(corpus / "2023").iterdir()])
    ]


def test_article_ids_do_not_depend_on_the_folder_the_build_starts_from(corpus, tmp_path):
    # (issue 13, item 6) the build started at the parent folder and at a subfolder
    whole = _build(corpus, tmp_path / "whole", jobs=1).tables["articles"]
    part = _build(corpus / "2023", tmp_path / "part", jobs=1).tables["articles"]
    in_part = whole[whole["source"].str.contains("/2023/")]
    assert len(part) == len(in_part) == 15
    assert list(part["article_id"]) == list(in_part["article_id"])


def test_the_build_links_event_reports_over_the_whole_corpus(corpus, tmp_path, monkeypatch):
    # six copies of the sample page, a day apart, in three batches of two files: the
    # same named events are reported by files of different batches, and the merge step
    # links them all (one root per event, n_articles on the root), as link_events does
    # on the whole table, not batch by batch (the copies are exact duplicates: kept here,
    # as another paper's report of the same events would be)
    monkeypatch.setattr(stages, "_BATCH_FILES", 2)
    out = tmp_path / "out"
    _build(corpus, out, jobs=1, keep_duplicates=True)
    events = pipeline.load_tables(out)["events"]
    counted = events[events["counted"]]
    roots = counted[counted["event_id"] == counted["root_event_id"]]
    assert len(roots) < len(counted)
    linked = counted.merge(
        events[["event_id", "article_id"]].rename(
            columns={"event_id": "root_event_id", "article_id": "root_article"}
        ),
        on="root_event_id",
    )
    articles = pipeline.load_tables(out)["articles"].set_index("article_id")["source"]
    # a report whose root is in a file of another batch (files 1-2, 3-4, 5-6)
    batch = linked["article_id"].map(articles).str.extract(r"08-0(\d)")[0].astype(int).sub(1) // 2
    root_batch = (
        linked["root_article"].map(articles).str.extract(r"08-0(\d)")[0].astype(int).sub(1) // 2
    )
    assert (batch != root_batch).any()
    assert roots["n_articles"].max() == 6
    assert int(roots["n_articles"].sum()) == len(counted)
    again = analysis.link_events(events)
    assert again["root_event_id"].tolist() == events["root_event_id"].tolist()
    assert again["n_articles"].tolist() == events["n_articles"].tolist()
    # event_counts counts root events by default, reports on request
    assert analysis.event_counts(events, by="type")["n_events"].sum() == len(roots)
    assert analysis.event_counts(events, by="type", unit="reports")["n_events"].sum() == len(
        counted
    )


def test_a_batch_holding_the_same_file_twice_gives_the_tables_of_one_file_per_batch(
    tmp_path, monkeypatch
):
    # the same file under one name in two folders gives the same article ids: its batch
    # is processed in runs of files whose ids differ, each file's rows, error and notes
    # still its own
    folder = tmp_path / "raw"
    for sub in ("a", "b"):
        (folder / sub).mkdir(parents=True)
        (folder / sub / "paper_2023-08-01.txt").write_text(SEED, encoding="utf-8")
    (folder / "b" / "paper_2023-08-02.txt").write_text(SEED, encoding="utf-8")
    (folder / "b" / "paper_2023-08-03.txt").write_bytes(b"")  # skipped: empty
    together = _build(folder, tmp_path / "together", jobs=1, keep_duplicates=True)
    monkeypatch.setattr(stages, "_BATCH_FILES", 1)
    alone = _build(folder, tmp_path / "alone", jobs=1, keep_duplicates=True)
    assert len(together.report.skipped) == 1 and "08-03" in together.report.skipped[0][0]
    assert together.report.skipped == alone.report.skipped
    assert together.report.loaded == alone.report.loaded
    assert together.report.notes == alone.report.notes
    for name in pipeline.TABLES:
        pd.testing.assert_frame_equal(
            pipeline.load_tables(tmp_path / "together")[name],
            pipeline.load_tables(tmp_path / "alone")[name],
        )
    assert len(pipeline.load_tables(tmp_path / "together")["articles"]) == 15


def test_duplicates_of_keys_made_by_the_workers_and_cached_are_those_of_the_text(tmp_path):
    # each worker makes its articles' duplicate keys, cached with its batch; the end only
    # compares them: a rebuild mixing cached and new batches finds what the text says
    from analysis.select import find_duplicates

    report = [
        "江苏高新区今年一季度新增科技型中小企业一千二百家，同比增长百分之十八。",
        "省科技厅有关负责人介绍，全省高新区研发投入强度达到百分之三点五。",
        "苏州工业园区等园区的创新平台建设加快推进，新建省级以上研发机构六十家。",
        "下一步，全省将围绕集成电路、生物医药等产业，加快培育一批创新型领军企业。",
    ]
    folder = tmp_path / "raw"
    folder.mkdir()

    def article(name, title, sentences):
        (folder / name).write_text(f"{title}\n\n" + "".join(sentences) + "\n", "utf-8")

    for day in range(1, 10):
        article(f"2023080{day}-01-01.txt", f"第{day}版要闻", [f"第{day}天的消息。", *report])
    article("20230801-02-01.txt", "江苏高新区一季度成绩单", report)
    article("20230802-02-01.txt", "一季度新增科技型企业千余家", report)
    out = tmp_path / "out"
    _build(folder, out, jobs=2)
    article("20230809-03-01.txt", "另一篇报道", [*report, "图为苏州工业园区一角。"])
    result = _build(folder, out, jobs=2)
    assert 0 < result.n_processed < result.n_inputs
    articles = pipeline.load_tables(out)["articles"]
    rules = set(articles["duplicate_rule"])
    assert {"same_body", "sentences"} <= rules
    found = find_duplicates(articles)
    assert list(articles["duplicate_of"]) == list(found["duplicate_of"])
    assert list(articles["duplicate_rule"]) == list(found["duplicate_rule"])


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_first_build_hashes_each_input_where_it_is_read(corpus, tmp_path, monkeypatch, jobs):
    # a build that must process every input (a new output folder, or force) does not
    # hash the inputs first: each is hashed by the worker that reads it, with the same
    # digest a rebuild makes first, so that the rebuild finds nothing changed
    calls = []
    real = stages.digest_input

    def counted(path, key):
        calls.append(path)
        return real(path, key)

    secret = corpus / "paper_2023-08-04.txt"
    real_open = os.open
    opened = []

    def deny(path, *args, **kw):  # as chmod 000 does for a user who is not root
        if str(path) == str(secret):
            raise PermissionError(13, "Permission denied", str(path))
        opened.append(str(path))
        return real_open(path, *args, **kw)

    monkeypatch.setattr(pipeline, "digest_input", counted)
    monkeypatch.setattr(os, "open", deny)
    out = tmp_path / "out"
    first = _build(corpus, out, jobs=jobs)
    assert calls == []
    if jobs == 1:  # (the workers of two jobs open files in their own processes)
        inputs = [p for p in opened if p.startswith(str(corpus))]
        assert len(inputs) == 5 and len(set(inputs)) == 5  # each input read once
    assert [p.split("/")[-1] for p, _ in first.report.skipped] == [secret.name]
    assert "6 input file(s): 5 processed, 0 from cache, 1 skipped" in first.summary()
    # (as when hashed first: a file that cannot be read is not one of the build's inputs)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["inputs"]) == 5 and secret.name not in json.dumps(manifest)
    assert all(d == real(p, k) for p, k, d in manifest["inputs"])
    again = _build(corpus, out, jobs=jobs)
    assert len(calls) == 6  # the rebuild hashes first
    assert again.unchanged and again.n_processed == 0
    assert [p.split("/")[-1] for p, _ in again.report.skipped] == [secret.name]
    forced = _build(corpus, out, jobs=jobs, force=True)
    assert len(calls) == 6 and forced.n_processed == 5


def test_a_builds_manifest_gives_each_file_its_size_and_checksum(corpus, tmp_path):
    out = tmp_path / "out"
    _build(corpus, out, jobs=1)
    files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert len(files) == 10
    for rel, entry in files.items():
        assert entry == publish._file_entry(out / rel), rel


def test_the_stream_writes_each_part_of_csv_as_it_comes(corpus, tmp_path):
    import pyarrow.parquet as pq

    built = tmp_path / "built"
    _build(corpus, built, jobs=1)
    mentions = pq.read_table(built / "mentions.parquet").cast(stages.table_schema("mentions"))
    half = mentions.num_rows // 2
    assert half > 10
    stream = publish.TableStream(tmp_path / "s", tables=("mentions",))
    stream.write({"mentions": mentions.slice(0, half)})
    stream._pending[-1].result()
    # the first part's rows are in the CSV file already; its Parquet row group is not
    lines = (tmp_path / "s" / "mentions.csv").read_bytes().splitlines()
    assert len(lines) == 1 + half
    assert stream._buffered["mentions"][0].num_rows == half
    stream.write({"mentions": mentions.slice(half)})
    paths = stream.close()
    assert paths["mentions"] == [
        tmp_path / "s" / "mentions.parquet",
        tmp_path / "s" / "mentions.csv",
    ]
    # the same bytes as the table written at once
    assert paths["mentions"][1].read_bytes() == (built / "mentions.csv").read_bytes()
    assert pq.read_table(paths["mentions"][0]).equals(pq.read_table(built / "mentions.parquet"))
    assert pq.ParquetFile(paths["mentions"][0]).metadata.num_row_groups == 1


def test_a_one_job_build_freezes_the_loaded_objects_while_it_processes(
    corpus, tmp_path, monkeypatch
):
    # the objects alive when the batches start (dictionaries loaded) are left out of the
    # collector's full passes while the batches are processed, and given back after
    import gc

    frozen = []
    process = stages.process_batch_tables

    def spy(*args, **kwargs):
        frozen.append(gc.get_freeze_count())
        return process(*args, **kwargs)

    monkeypatch.setattr(stages, "process_batch_tables", spy)
    before = gc.get_freeze_count()
    pipeline.build([corpus], out_dir=tmp_path / "out", jobs=1, force=True, progress=False)
    assert frozen and all(n > before + 1000 for n in frozen)
    assert gc.get_freeze_count() == before


def test_loaded_and_frozen_gives_back_what_it_froze_on_error():
    import gc

    before = gc.get_freeze_count()
    with pytest.raises(KeyError), stages._loaded_and_frozen(load=False):
        assert gc.get_freeze_count() > before
        raise KeyError("x")
    assert gc.get_freeze_count() == before


def _pool_kept(monkeypatch):
    """The process's Arrow memory pool as it was, after the test."""
    import pyarrow as pa

    before = pa.default_memory_pool()
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    return before


def test_build_takes_arrows_buffers_from_the_system_allocator(corpus, tmp_path, monkeypatch):
    import pyarrow as pa

    from analysis.stages import use_system_allocator

    before = _pool_kept(monkeypatch)
    try:
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        pipeline.build([corpus], out_dir=tmp_path / "out", jobs=1, progress=False)
        assert pa.default_memory_pool().backend_name == "system"
        # a pool the user chose through pyarrow's variable is left alone
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
        use_system_allocator()
        assert pa.default_memory_pool().backend_name == "mimalloc"
        # as is any pool other than the default mimalloc
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        pa.set_memory_pool(pa.jemalloc_memory_pool())
        use_system_allocator()
        assert pa.default_memory_pool().backend_name == "jemalloc"
    finally:
        pa.set_memory_pool(before)


class _FakeLibc:
    """Records ``mallopt`` calls; answers ``result`` (glibc: 1 when set)."""

    def __init__(self, result=1):
        self.calls, self.result = [], result

    def mallopt(self, param, value):
        self.calls.append((param, value))
        return self.result


def _no_malloc_variables(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith("MALLOC_") or name == "GLIBC_TUNABLES":
            monkeypatch.delenv(name)


def test_glibc_malloc_keeps_freed_memory(monkeypatch):
    from analysis.stages import _keep_freed_memory

    _no_malloc_variables(monkeypatch)
    libc = _FakeLibc()
    assert _keep_freed_memory(libc) is True
    # M_MMAP_THRESHOLD 32 MiB, M_TRIM_THRESHOLD 256 MiB, M_TOP_PAD 64 MiB
    assert libc.calls == [(-3, 33554432), (-1, 268435456), (-2, 67108864)]
    # a malloc that refuses a setting: said so
    assert _keep_freed_memory(_FakeLibc(result=0)) is False


@pytest.mark.parametrize(
    "variable, value",
    [("MALLOC_TRIM_THRESHOLD_", "131072"), ("MALLOC_ARENA_MAX", "2"), ("GLIBC_TUNABLES", "")],
)
def test_malloc_tuned_by_the_user_is_left_alone(monkeypatch, variable, value):
    from analysis.stages import _keep_freed_memory

    _no_malloc_variables(monkeypatch)
    monkeypatch.setenv(variable, value)
    libc = _FakeLibc()
    expected = variable == "MALLOC_ARENA_MAX"  # (the number of arenas: not what is set here)
    assert _keep_freed_memory(libc) is expected
    assert bool(libc.calls) is expected


def test_clean_workers_start_with_the_builds_allocators(corpus, tmp_path, monkeypatch):
    # with another thread running (a Jupyter kernel) the workers start clean (forkserver
    # or spawn): they take the build's allocators before they load the dictionaries
    import multiprocessing
    import threading

    import pyarrow as pa

    initializers = []
    real = multiprocessing.get_context

    class Recording:
        def __init__(self, ctx):
            self.ctx = ctx

        def Pool(self, *args, initializer=None, **kwargs):  # (multiprocessing's name)
            initializers.append(initializer)
            return self.ctx.Pool(*args, initializer=initializer, **kwargs)

    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: Recording(real(method)))
    monkeypatch.setattr(stages, "_BATCH_FILES", 2)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        result = _build(corpus, tmp_path / "out", jobs=2)
    finally:
        stop.set()
        other.join()
    assert initializers == [stages._start_worker]
    assert result.n_processed == 6 and len(result.tables["articles"]) == 30
    # the same tables as forked workers make
    forked = _build(corpus, tmp_path / "forked", jobs=2).tables
    for name in ("articles", "mentions", "events"):
        pd.testing.assert_frame_equal(result.tables[name], forked[name])
    before = _pool_kept(monkeypatch)
    try:
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        stages._start_worker()
        assert pa.default_memory_pool().backend_name == "system"
    finally:
        pa.set_memory_pool(before)


def _batch_of_three(tmp_path):
    """Two copies of the sample page with an empty file between them (read, no rows)."""
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "paper_2023-08-01.txt").write_text(SEED, encoding="utf-8")
    (folder / "paper_2023-08-02.txt").write_bytes(b"")
    (folder / "paper_2023-08-03.txt").write_text(SEED, encoding="utf-8")
    return [(str(p), p.name) for p in sorted(folder.iterdir())]


def test_a_batchs_bounds_are_each_files_rows_in_every_table(tmp_path):
    batch = _batch_of_three(tmp_path)
    one = stages.process_batch_tables(batch[:1], stages.BuildOptions())
    result = stages.process_batch_tables(batch, stages.BuildOptions())
    assert list(result.errors) == [1]
    n = {name: one.tables[name].num_rows for name in stages.FILE_TABLES}
    assert n["articles"] == n["tokens"] == 5 and n["mentions"] > 5 and n["events"] > 0
    for name in stages.FILE_TABLES:
        assert one.bounds[name] == [0, n[name]]
        assert result.bounds[name] == [0, n[name], n[name], 2 * n[name]]
        assert result.tables[name].num_rows == 2 * n[name]


def test_a_batch_refuses_rows_of_unknown_articles_or_out_of_order(tmp_path, monkeypatch):
    batch = _batch_of_three(tmp_path)
    process = stages.process_frames

    def broken(change):
        def frames(articles, **kw):
            tables = process(articles, **kw)
            tables["mentions"] = change(tables["mentions"])
            return tables

        return frames

    def unknown(mentions):
        mentions.loc[0, "article_id"] = "nowhere"
        return mentions

    monkeypatch.setattr(stages, "process_frames", broken(unknown))
    with pytest.raises(RuntimeError, match="mentions has rows of articles not in"):
        stages.process_batch_tables(batch, stages.BuildOptions())
    # the second file's rows before the first's
    monkeypatch.setattr(stages, "process_frames", broken(lambda m: m.iloc[::-1]))
    with pytest.raises(RuntimeError, match="mentions rows are not in article order"):
        stages.process_batch_tables(batch, stages.BuildOptions())
