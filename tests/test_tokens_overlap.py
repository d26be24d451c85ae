"""The tokens cut a chunk of texts at a time (one rjieba call for many texts), and cut by
a thread beside the other stages when a CPU is spare: both must give the tokens each
text gets alone. Texts are written here or drawn by hypothesis."""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis
from analysis import stages, text

#: Chinese, latin, digits, whitespace (\r and \n apart), punctuation, jieba's joining
#: characters and the first two separators the cutter would take
_ALPHABET = "园区企业签约仪式芯片一二三abcXY0129 \r\n\t。，“”（）-._%#\x00\x01"


_SPECIAL_PIECES = ["杭州高新区（滨江）", "杭州高新区(滨江)", "杭州高新区（", "滨江)"]


def _beside(seg, texts):
    """``seg.cut_many(texts)`` as a thread beside the main one runs it: a chunk of texts
    in one call."""
    with ThreadPoolExecutor(max_workers=1, initializer=text.cut_in_chunks) as thread:
        return thread.submit(seg.cut_many, texts).result().to_pylist()


def _alone(seg, texts):
    """The reference: each text cut on its own."""
    return [seg.cut(t) for t in texts]


def test_a_chunk_cuts_each_text_as_alone_at_its_edges():
    seg = text.get_segmenter()
    assert seg.backend == "rjieba"
    texts = [
        "无锡高新区abc",  # latin at the end, latin at the start of the next
        "def芯片产业",
        "签约仪式\r",  # "\r" then "\n": one token "\r\n" only within a text
        "\n园区企业",
        "",
        "  ",
        "2025年",  # digits beside digits
        "100亿元项目",
        "氢能。",
        "“长三角”",
        "一",
        "二",  # single characters that make a word together (一二) stay apart
    ]
    got = _beside(seg, texts)
    assert got == [[t for t in ts if not t.isspace()] for ts in _alone(seg, texts)]
    assert got[0][-1] == "abc" and got[1][0] == "def"
    assert got[4] == [] and got[5] == [] and got[10] == ["一"] and got[11] == ["二"]
    special = ["园区杭州高新区（滨江）", "杭州高新区(滨江)签约", "杭州高新区（", "滨江）企业"]
    got = _beside(seg, special)
    assert got == _alone(seg, special)
    assert got[0][-1] == "杭州高新区（滨江）" and got[1][0] == "杭州高新区(滨江)"
    assert "杭州高新区（滨江）" not in got[2] + got[3]
    # alone, "\r\n" is one token (whitespace, dropped); split over two texts, two
    assert seg.cut_with_spaces("签约仪式\r\n园区企业") == ["签约仪式", "\r\n", "园区", "企业"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        # texts of pieces: random ones and the package's words that are cut apart from
        # jieba (with brackets), whole or broken
        st.lists(
            st.one_of(
                st.text(alphabet=_ALPHABET, max_size=8),
                st.sampled_from(_SPECIAL_PIECES),
            ),
            max_size=4,
        ).map("".join),
        max_size=12,
    )
)
def test_a_chunk_cuts_every_text_as_alone(texts):
    seg = text.get_segmenter()
    assert _beside(seg, texts) == [[t for t in ts if not t.isspace()] for ts in _alone(seg, texts)]


def test_the_main_thread_cuts_text_by_text(monkeypatch):
    seg = text.get_segmenter()
    calls = []
    real = seg._engine

    class Counting:
        def cut(self, value, hmm):
            calls.append(value)
            return real.cut(value, hmm)

    monkeypatch.setattr(seg, "_engine", Counting())
    texts = ["园区企业", "签约仪式", "芯片"]
    here = seg.cut_many(texts).to_pylist()
    assert calls == texts  # one call per text
    calls.clear()
    assert _beside(seg, texts) == here == [["园区", "企业"], ["签约仪式"], ["芯片"]]
    assert calls == ["园区企业\x00签约仪式\x00芯片"]  # one call for the chunk
    calls.clear()
    # another thread (a Dask worker's) cuts text by text, unless it asked for chunks
    with ThreadPoolExecutor(max_workers=1) as thread:
        assert thread.submit(seg.cut_many, texts).result().to_pylist() == here
    assert calls == texts


def test_the_separator_is_a_character_no_text_and_no_word_has():
    assert text._cut_separator(["园区", "企业"], []) == "\x00"
    assert text._cut_separator(["园区\x00", "\x01企业"], ["\x02词"]) == "\x03"
    # whitespace controls (\t \n \v \f \r, \x1c-\x1f) are never taken
    used = "".join(map(chr, range(0x00, 0x09)))
    assert text._cut_separator([used], []) == "\x0e"
    every = used + "".join(map(chr, (*range(0x0E, 0x1C), 0x7F, *range(0xE000, 0xF900))))
    assert text._cut_separator(["a", every], []) is None


def test_texts_that_use_every_separator_are_cut_one_by_one():
    seg = text.get_segmenter()
    every = "".join(map(chr, (*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F)))
    every += "".join(map(chr, range(0xE000, 0xF900)))
    texts = ["园区企业" + every[:10], every, "签约仪式"]
    got = _beside(seg, texts)
    assert got == [[t for t in ts if not t.isspace()] for ts in _alone(seg, texts)]
    assert got[2] == ["签约仪式"] and got[0][:2] == ["园区", "企业"]


class _GluingEngine:
    """A stand-in engine that returns its text as one token: the separators are then
    not found as tokens, and the chunk must be cut text by text."""

    def cut(self, value, hmm):
        return [value] if value else []


def test_a_chunk_whose_separators_are_not_found_is_cut_text_by_text(monkeypatch):
    seg = text.get_segmenter()
    monkeypatch.setattr(seg, "_engine", _GluingEngine())
    monkeypatch.setattr(seg, "_special_re", None)
    assert _beside(seg, ["园区企业", "", "签约仪式"]) == [
        ["园区企业"],
        [],
        ["签约仪式"],
    ]


def test_the_tables_are_the_same_with_the_tokens_cut_beside(seed_articles, monkeypatch):
    threads = []
    real = text.tokens_table

    def tokens_table(articles):
        here = threading.current_thread() is threading.main_thread()
        threads.append((here, getattr(text._IN_CHUNKS, "on", False)))
        return real(articles)

    monkeypatch.setattr(text, "tokens_table", tokens_table)
    monkeypatch.setattr(stages, "_spare_cpu", lambda: False)
    alone = stages.process_frames(seed_articles.copy(), link_by="source")
    monkeypatch.setattr(stages, "_spare_cpu", lambda: True)
    beside = stages.process_frames(seed_articles.copy(), link_by="source")
    assert list(alone) == list(beside) == ["articles", "tokens", "mentions", "events"]
    for name in alone:
        pd.testing.assert_frame_equal(alone[name], beside[name], check_exact=True)
    # cut here text by text, then by another thread a chunk at a time
    assert threads == [(True, False), (False, True)]
    assert len(beside["tokens"]) == len(seed_articles) == 5
    assert len(beside["events"]) > 0 and len(beside["mentions"]) > 0


def test_a_spare_cpu_is_one_more_than_this_process_runs_on(monkeypatch):
    monkeypatch.setattr(stages.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert stages._spare_cpu() is True
    monkeypatch.setattr(stages.os, "sched_getaffinity", lambda pid: {3}, raising=False)
    assert stages._spare_cpu() is False


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_a_build_worker_has_no_spare_cpu(monkeypatch):
    monkeypatch.setattr(stages.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(stages._spare_cpu) is False
    assert stages._spare_cpu() is True


def test_an_error_while_cutting_beside_reaches_the_caller(seed_articles, monkeypatch):
    monkeypatch.setattr(stages, "_spare_cpu", lambda: True)

    def broken(articles):
        raise analysis.InputError("cannot cut", path="x.txt", problem="tokens")

    monkeypatch.setattr(text, "tokens_table", broken)
    with pytest.raises(analysis.InputError, match="cannot cut"):
        stages.process_frames(seed_articles.copy(), link_by="source")


@pytest.mark.parametrize("spare", [True, False])
def test_beside_runs_the_work_by_a_thread_only_with_a_spare_cpu(monkeypatch, spare):
    monkeypatch.setattr(stages, "_spare_cpu", lambda: spare)
    order = []

    def work(a, b=0):
        order.append(("work", threading.current_thread() is threading.main_thread()))
        return a + b

    with stages._beside(work, 2, b=3) as value:
        order.append(("block", True))
        inside = value()
    assert inside == value() == 5
    if spare:
        assert ("work", False) in order and ("block", True) in order
    else:
        assert order == [("work", True), ("block", True)]  # (before the block, here)


@pytest.mark.parametrize("spare", [True, False])
def test_beside_gives_the_work_s_error(monkeypatch, spare):
    monkeypatch.setattr(stages, "_spare_cpu", lambda: spare)

    def work():
        raise ValueError("bad batch")

    with pytest.raises(ValueError, match="bad batch"):
        with stages._beside(work) as value:
            value()


def test_a_batch_s_term_counts_are_the_same_counted_beside(monkeypatch, tmp_path):
    (tmp_path / "a.txt").write_text("无锡高新区举行签约仪式\n\n企业签约，园区企业投产。", "utf-8")
    (tmp_path / "b.txt").write_text("芯片项目开工\n\n项目总投资100亿元，芯片企业入驻。", "utf-8")
    batch = [(str(tmp_path / n), n) for n in ("a.txt", "b.txt")]
    results = {}
    for spare in (False, True):
        monkeypatch.setattr(stages, "_spare_cpu", lambda spare=spare: spare)
        results[spare] = stages.process_batch_tables(batch, stages.BuildOptions())
    alone, beside = results[False].terms, results[True].terms
    assert alone.vocabulary.equals(beside.vocabulary)
    assert (alone.counts != beside.counts).nnz == 0 and alone.counts.shape == (
        2,
        len(alone.vocabulary),
    )
    assert "芯片" in beside.vocabulary.to_pylist() and results[True].bounds["articles"] == [0, 1, 2]


# -- the side process of a one-job build (``stages._side_process``)

needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs fork"
)


def _pid_and_double(x):
    """(picklable: run by the side process) where it ran, and its work."""
    return os.getpid(), 2 * x


def _refuse(path):
    raise analysis.InputError(f"{path}: cannot cut", path=path, problem="tokens")


def _die_in_a_child(x):
    if multiprocessing.parent_process() is not None:
        os._exit(3)  # (the side process dies: killed, out of memory)
    return os.getpid(), 2 * x


@needs_fork
def test_the_side_process_does_the_work_beside_elsewhere(monkeypatch):
    monkeypatch.setattr(stages, "_spare_cpu", lambda: True)
    monkeypatch.setattr(stages, "_can_fork", lambda: True)  # (whatever other tests left)
    with stages._side_process():
        assert stages._SIDE.executor is not None
        with stages._beside(_pid_and_double, 21) as value:
            pid, doubled = value()
    assert doubled == 42 and pid != os.getpid()
    assert stages._SIDE.executor is None  # (shut down when the build is done)


@needs_fork
def test_an_error_in_the_side_process_reaches_the_caller(monkeypatch):
    monkeypatch.setattr(stages, "_spare_cpu", lambda: True)
    monkeypatch.setattr(stages, "_can_fork", lambda: True)  # (whatever other tests left)
    with stages._side_process():
        with pytest.raises(analysis.InputError, match=r"x\.txt: cannot cut") as err:
            with stages._beside(_refuse, "x.txt") as value:
                value()
    assert err.value.path == "x.txt" and err.value.problem == "tokens"


@needs_fork
def test_work_the_side_process_died_in_is_done_here_and_then_by_a_thread(monkeypatch, caplog):
    monkeypatch.setattr(stages, "_spare_cpu", lambda: True)
    monkeypatch.setattr(stages, "_can_fork", lambda: True)  # (whatever other tests left)
    with stages._side_process():
        with stages._beside(_die_in_a_child, 4) as value:
            pid, doubled = value()
            assert value() is value()  # (made here once)
        assert (pid, doubled) == (os.getpid(), 8)  # here, in this process
        assert "side process" in caplog.text and stages._SIDE.executor is None
        with stages._beside(_pid_and_double, 5) as value:
            assert value() == (os.getpid(), 10)  # by a thread of this process


@pytest.mark.parametrize("why", ["not asked", "no spare cpu", "another thread", "one already"])
def test_no_side_process_unless_it_is_safe_and_of_use(monkeypatch, why):
    monkeypatch.setattr(stages, "_spare_cpu", lambda: why != "no spare cpu")
    if why != "another thread":  # (whatever other tests left running)
        monkeypatch.setattr(stages, "_can_fork", lambda: True)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    if why == "another thread":
        other.start()  # (forked, this process would copy its locks, maybe held)
    try:
        if why == "one already":
            with stages._side_process():
                outer = stages._SIDE.executor
                with stages._side_process():
                    assert stages._SIDE.executor is outer is not None
                assert stages._SIDE.executor is outer  # (the outer one still works)
            return
        with stages._side_process(use=why != "not asked"):
            assert stages._SIDE.executor is None
            with stages._beside(_pid_and_double, 1) as value:
                assert value() == (os.getpid(), 2)
    finally:
        stop.set()
        if other.is_alive():
            other.join()


@needs_fork
def test_a_one_job_build_with_a_side_process_makes_the_same_tables(monkeypatch, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    texts = [
        "无锡高新区举行签约仪式\n\n无锡高新区与中国科学院签约，芯片项目落户园区。",
        "苏州工业园区项目开工\n\n12日，总投资100亿元的芯片项目在苏州工业园区开工。",
        "合肥高新区发布新政\n\n合肥高新区管委会发布人才政策，企业入驻园区。",
        "杭州高新区召开大会\n\n杭州高新区（滨江）召开科技创新大会，表彰企业。",
    ]
    texts.append(texts[0])  # (a copy in the third batch: the keys that find it travel)
    for i, t in enumerate(texts):
        (src / f"2024-05-0{i + 1}.txt").write_text(t, "utf-8")
    monkeypatch.setattr(stages, "_BATCH_FILES", 2)  # (three batches: a side process pays)
    monkeypatch.setattr(stages, "_spare_cpu", lambda: True)
    monkeypatch.setattr(stages, "_can_fork", lambda: True)  # (whatever other tests left)
    submitted = []
    real_submit = stages._submit

    def submit(executor, func, *args, **kwargs):
        future = real_submit(executor, func, *args, **kwargs)
        submitted.append(future is not None)
        return future

    monkeypatch.setattr(stages, "_submit", submit)
    built, sent = {}, {}
    for side in (True, False):
        if not side:
            monkeypatch.setattr(stages, "_side_process", lambda use=True: nullcontext())
        out = tmp_path / f"out_{side}"
        submitted.clear()
        analysis.build([src], out_dir=out, jobs=1, progress=False)
        sent[side] = submitted.count(True)
        built[side] = {t: pd.read_parquet(out / f"{t}.parquet") for t in stages.TABLES}
    # each batch's tokens, term counts and duplicate keys went to the side process, in
    # one call; with no side process, none did
    assert sent == {True: 3, False: 0}
    for t in stages.TABLES:
        pd.testing.assert_frame_equal(built[True][t], built[False][t], check_exact=True)
    tokens = built[True]["tokens"]
    assert len(tokens) == 5 and "芯片" in set(tokens["tokens"].explode())
    assert len(built[True]["events"]) > 0
    articles = built[True]["articles"]
    articles.index = [Path(s).name for s in articles["source"]]
    assert articles.loc["2024-05-05.txt", "duplicate_rule"] == "exact"
    assert (
        articles.loc["2024-05-05.txt", "duplicate_of"]
        == articles.loc["2024-05-01.txt", "article_id"]
    )
    assert (articles["duplicate_rule"] != "").sum() == 1


@needs_fork
def test_ctrl_c_is_left_to_the_build_s_process(monkeypatch):
    import signal

    monkeypatch.setattr(stages, "_spare_cpu", lambda: True)
    monkeypatch.setattr(stages, "_can_fork", lambda: True)  # (whatever other tests left)
    # Python's own handler here (a run in the background may have started ignoring it)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with stages._side_process():
            # the side process ignores it (the build's process stops it), this one does not
            got = stages._SIDE.executor.submit(signal.getsignal, signal.SIGINT).result()
            assert got == signal.SIG_IGN
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        with multiprocessing.get_context("fork").Pool(
            1, initializer=stages._leave_interrupts_to_the_parent
        ) as pool:
            assert pool.apply(signal.getsignal, (signal.SIGINT,)) == signal.SIG_IGN
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, before)
