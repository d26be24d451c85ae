"""The build as a careful user tries it: hostile text, bad inputs, faults and races.

Each case of issue 17 has a test here. Faults are injected by monkeypatching the
writer (never by timing), so every test is deterministic.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import pipeline, publish
from analysis.cli import main

HOSTILE_TITLES = [
    '=HYPERLINK("http://x","click")',
    "=cmd|' /C calc'!A0",
    "+无锡高新区签约",
    "-3% 的增长",
    "@SUM(1+1)",
    "\t=1+2",
    "\r=1+2",
]


def _csv_input(folder, rows, name="scraped_2023-08-09.csv"):
    folder.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows)
    path = folder / name
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def _hostile_rows():
    body = "无锡高新区管委会与一家企业签署合作协议，双方将共建研发中心。"
    return [{"标题": t, "正文": body, "日期": "2023-08-09"} for t in HOSTILE_TITLES] + [
        {"标题": "新区举行推进会", "正文": "会上\x1b通报了\x0b项目进展。", "日期": "2023-08-09"}
    ]


def _build(inputs, out, **kw):
    kw.setdefault("progress", False)
    kw.setdefault("jobs", 1)
    return pipeline.build(inputs if isinstance(inputs, list) else [inputs], out_dir=out, **kw)


# --------------------------------------------------------------------------- 1. safe exports
@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x","click")', '\'=HYPERLINK("http://x","click")'),
        ("+86 510", "'+86 510"),
        ("-5%", "'-5%"),
        ("@cmd", "'@cmd"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("无锡=高新区", "无锡=高新区"),  # only the first character counts
        ("", ""),
        ("a\x1bb", "a\u241bb"),  # ESC shown as its symbol
        ("\x00x", "\u2400x"),
    ],
)
def test_safe_cell_follows_owasp_for_csv(text, written):
    stats = publish.ExportStats()
    assert publish.safe_cell(text, stats) == written
    assert stats.formulas == written.startswith("'")
    assert stats.controls == sum(ch in "\x1b\x00" for ch in text)


def test_csv_exports_neutralise_formulas_and_parquet_keeps_the_text(tmp_path):
    _csv_input(tmp_path / "raw", _hostile_rows())
    result = _build(tmp_path / "raw", tmp_path / "out")
    csvs = {
        name: pd.read_csv(
            tmp_path / "out" / f"{name}.csv", encoding="utf-8-sig", keep_default_na=False
        )
        for name in pipeline.CSV_TABLES
    }
    quoted = sum(
        frame[c].astype(str).str.startswith("'").sum()
        for frame in csvs.values()
        for c in frame.columns
    )
    assert result.exports.formulas == quoted >= len(HOSTILE_TITLES)
    assert result.exports.controls == 2
    assert f"{quoted} cell(s) beginning with = + - @ written as text" in result.summary()
    assert "2 control character(s) replaced" in result.summary()
    parquet = pipeline.load_tables(tmp_path / "out", ["articles"])["articles"]
    titles = parquet["title"].tolist()[: len(HOSTILE_TITLES)]
    assert titles[:5] == HOSTILE_TITLES[:5]  # Parquet keeps the text as read
    csv = csvs["articles"]
    assert csv["title"].tolist()[: len(HOSTILE_TITLES)] == ["'" + t for t in titles]
    assert csv["body"].iloc[-1] == "会上\u241b通报了\u240b项目进展。"
    assert csv["n_chars"].dtype.kind == "i"  # numbers stay numbers
    assert parquet["body"].iloc[-1] == "会上\x1b通报了\x0b项目进展。"


def test_workbook_writes_text_cells_never_formulas(tmp_path):
    from openpyxl import load_workbook

    _csv_input(tmp_path / "raw", _hostile_rows())
    tables = _build(tmp_path / "raw", tmp_path / "out").tables
    stats = publish.ExportStats()
    path = publish.write_excel(dict(tables.items()), tmp_path / "tables.xlsx", stats=stats)
    sheet = load_workbook(path)["articles"]
    header = [c.value for c in sheet[1]]
    title, n_chars = header.index("title") + 1, header.index("n_chars") + 1
    titles = tables["articles"]["title"].tolist()
    for row, text in enumerate(titles[: len(HOSTILE_TITLES)], start=2):
        cell = sheet.cell(row, title)
        assert cell.data_type == "s" and cell.value == text  # text as written, no formula
    assert sheet.cell(2, n_chars).data_type == "n"
    body = sheet.cell(len(HOSTILE_TITLES) + 2, header.index("body") + 1).value
    assert body == "会上\u241b通报了\u240b项目进展。"
    assert stats.formulas >= len(HOSTILE_TITLES) and stats.controls == 2
    assert not list(tmp_path.glob(".tables.xlsx.tmp*"))


def test_replace_controls_replaces_exactly_the_characters_of_its_table():
    # every character of the Basic Multilingual Plane, between two others
    for code in range(0x10000):
        text = f"a{chr(code)}无"
        expected = text.translate(publish._CONTROLS)
        assert publish.replace_controls(text) == (expected, int(expected != text)), hex(code)
    assert publish.replace_controls("无锡\x00\x1b\uffff") == ("无锡\u2400\u241b\ufffd", 3)


def test_report_survives_control_characters_and_names_none_of_them_raw(tmp_path):
    from analysis.report import write_report

    text = "无锡高新区\x1b签约" + "。" * 9000 + "\x00"  # a NUL after the first 8 KB
    articles = pd.DataFrame(
        {"article_id": ["a1"], "title": [text], "kind": ["article"], "body": ["x"]}
    )
    stats = publish.ExportStats()
    html = write_report(
        {"articles": articles}, {}, tmp_path / "r.html", embed_font=False, stats=stats
    )
    page = html.read_text(encoding="utf-8")
    assert "\x1b" not in page and "\x00" not in page and "\u241b" in page
    assert stats.controls == 2
    publish.write_excel({"articles": articles}, tmp_path / "t.xlsx")  # no IllegalCharacterError


def test_command_line_report_prints_what_it_made_safe(tmp_path, capsys):
    _csv_input(tmp_path / "raw", _hostile_rows())
    out, figures = tmp_path / "out", tmp_path / "figures"
    args = ["--out", str(out), "--figures", str(figures), "--jobs", "1", "--no-progress"]
    code = main(["report", str(tmp_path / "raw"), *args])
    assert code == 0
    printed = capsys.readouterr().out
    assert "tables.xlsx and report.html: " in printed
    assert (out / "tables.xlsx").is_file() and (figures / "report.html").is_file()


# --------------------------------------------------------------------------- 4. skip means skip
SEED = None


def _seed():
    from tests import pagegen

    global SEED
    SEED = SEED or pagegen.seed_text()
    return SEED


def _good_folder(folder, n=2):
    folder.mkdir(parents=True, exist_ok=True)
    for day in range(1, n + 1):
        (folder / f"paper_2023-08-0{day}.txt").write_text(_seed(), encoding="utf-8")
    return folder


def _in_thread(fn, timeout=120):
    """Run ``fn`` in a daemon thread: a build that would hang on a FIFO fails the test
    instead of hanging it."""
    import threading

    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "the build hung"
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture
def bad_folder(tmp_path):
    """Two good pages and every kind of input that cannot be read."""
    import os

    folder = _good_folder(tmp_path / "raw")
    os.symlink(folder / "gone.txt", folder / "broken_link.txt")
    os.symlink(folder / "loop_b.txt", folder / "loop_a.txt")
    os.symlink(folder / "loop_a.txt", folder / "loop_b.txt")
    os.mkfifo(folder / "fifo.txt")
    os.symlink("/dev/zero", folder / "zero.txt")
    return folder


def test_links_fifos_and_devices_are_skipped_never_opened(bad_folder, tmp_path, capsys):
    result = _in_thread(lambda: _build(bad_folder, tmp_path / "out"))
    skipped = {p.split("/")[-1]: why for p, why in result.report.skipped}
    assert set(skipped) == {"broken_link.txt", "loop_a.txt", "loop_b.txt", "fifo.txt", "zero.txt"}
    assert skipped["broken_link.txt"].startswith("a broken link")
    assert skipped["loop_a.txt"].startswith("a link loop")
    assert skipped["fifo.txt"].startswith("a FIFO")
    assert skipped["zero.txt"].startswith("a device")
    assert len(result.tables["articles"]) == 10  # the two good pages
    assert "7 input file(s): 2 processed, 0 from cache, 5 skipped" in result.summary()
    again = _in_thread(lambda: _build(bad_folder, tmp_path / "out"))
    assert again.unchanged and len(again.report.skipped) == 5
    assert "7 input file(s): 0 processed, 2 from cache, 5 skipped" in again.summary()
    with pytest.raises(pipeline.InputError, match=r"broken_link\.txt: a broken link"):
        _in_thread(lambda: _build(bad_folder, tmp_path / "strict", errors="raise"))


def test_a_fifo_swapped_in_after_listing_is_refused_when_read(tmp_path):
    import os

    from analysis.sources import read_bytes

    os.mkfifo(tmp_path / "late.txt")
    with pytest.raises(pipeline.InputError, match=r"late\.txt: a FIFO"):
        _in_thread(lambda: read_bytes(tmp_path / "late.txt"))


def test_an_unreadable_file_is_skipped_with_one_line(tmp_path, monkeypatch, capsys):
    import os

    folder = _good_folder(tmp_path / "raw")
    secret = folder / "paper_2023-08-05.txt"
    secret.write_text(_seed(), encoding="utf-8")
    real_open = os.open

    def deny(path, *args, **kw):  # as chmod 000 does for a user who is not root
        if str(path) == str(secret):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kw)

    monkeypatch.setattr(os, "open", deny)
    code = main(["build", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1"])
    printed = capsys.readouterr()
    assert code == 0
    assert printed.out.count("paper_2023-08-05.txt") == 1  # printed once, in the summary
    assert "paper_2023-08-05.txt" not in printed.err
    assert "not readable (permission denied)" in printed.out
    assert "3 input file(s): 2 processed, 0 from cache, 1 skipped" in printed.out


def test_mixed_time_zones_in_a_date_column_are_read(tmp_path):
    rows = [
        {
            "标题": "新区举行推进会",
            "正文": "会议通报了项目进展。",
            "日期": "2023-08-09 10:00:00+08:00",
        },
        {"标题": "园区签约", "正文": "双方签署合作协议。", "日期": "2023-08-10 09:30:00"},
        {"标题": "新品发布", "正文": "企业发布新产品。", "日期": "2023-08-11T08:00:00Z"},
        {"标题": "无日期", "正文": "正文一句。", "日期": "不详"},
    ]
    _csv_input(tmp_path / "raw", rows)
    result = _build(tmp_path / "raw", tmp_path / "out")
    assert not result.report.skipped
    dates = result.tables["articles"]["date"].tolist()
    # the wall-clock time as written, whatever the zone
    assert dates[:3] == [
        pd.Timestamp("2023-08-09 10:00"),
        pd.Timestamp("2023-08-10 09:30"),
        pd.Timestamp("2023-08-11 08:00"),
    ]
    assert result.tables["articles"]["date_source"].tolist()[:3] == ["table"] * 3


def test_an_over_long_line_is_refused_with_its_line_number(tmp_path):
    from analysis.sources import MAX_LINE_CHARS

    folder = _good_folder(tmp_path / "raw")
    long_line = "无锡高新区企业发展" * (MAX_LINE_CHARS // 9 + 1)  # no full stop
    (folder / "paper_2023-08-07.txt").write_text(
        "标题一行\n\n" + long_line + "\n", encoding="utf-8"
    )
    _csv_input(folder, [{"标题": "一", "正文": long_line}], name="long_2023-08-08.csv")
    result = _build(folder, tmp_path / "out")
    skipped = dict(result.report.skipped)
    assert len(result.tables["articles"]) == 10
    (text_why,) = [w for p, w in skipped.items() if p.endswith(".txt")]
    assert text_why.startswith(f"line 3 has {len(long_line):,} characters, more than the limit")
    (csv_why,) = [w for p, w in skipped.items() if p.endswith(".csv")]
    assert csv_why.startswith("row 1: the body, line 1 has")


def test_exit_code_1_when_no_input_could_be_read(tmp_path, capsys):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    code = main(["build", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1"])
    printed = capsys.readouterr()
    assert code == 1
    assert "error: no input could be read" in printed.err
    assert "2 input file(s): 0 processed, 0 from cache, 2 skipped" in printed.out
    # and again with nothing changed: still 1
    assert main(["build", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 1
    _good_folder(folder, n=1)
    assert main(["build", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0


# --------------------------------------------------------------------------- 3. own outputs
def test_an_output_folder_inside_the_inputs_is_never_read(tmp_path, capsys):
    data = tmp_path / "data"
    _good_folder(data / "raw")
    out = data / "processed"
    counts = []
    for _ in range(3):
        args = ["report", str(data), "--out", str(out), "--figures", str(data / "figures")]
        assert main([*args, "--jobs", "1", "--no-progress"]) == 0
        counts.append(len(pipeline.load_tables(out, ["articles"])["articles"]))
    assert counts == [10, 10, 10]
    printed = capsys.readouterr().out
    assert "processed: the build's output folder (tables, cache): never read as input" in printed
    assert "figures: the figures and report folder: never read as input" in printed
    # the output folder given as the input itself: nothing read from it
    result = _build(out, out)
    assert result.n_inputs == 0


# --------------------------------------------------------------------------- 2. whole table sets
def _frames(out):
    return pipeline.load_tables(out)


def _assert_same(a, b):
    for name in pipeline.TABLES:
        pd.testing.assert_frame_equal(a[name], b[name])


@pytest.fixture
def two_sets(tmp_path):
    """An input folder, its tables (old), and the tables after one page changed (new)."""
    folder = _good_folder(tmp_path / "raw", n=3)
    old_out, new_out = tmp_path / "old", tmp_path / "new"
    _build(folder, old_out)
    old = _frames(old_out)
    changed = folder / "paper_2023-08-02.txt"
    changed.write_text(_seed().replace("无锡", "苏州", 3), encoding="utf-8")
    (folder / "paper_2023-08-04.txt").write_text(_seed() + "\n", encoding="utf-8")
    _build(folder, new_out)
    new = _frames(new_out)
    assert len(new["articles"]) != len(old["articles"])
    return folder, old_out, old, new


class _Killed(BaseException):
    """Stands for the process being killed: nothing after it runs."""


def _kill_at(monkeypatch, module, name, k):
    """Make the k-th call of ``module.name`` stop the build."""
    real = getattr(module, name)
    calls = []

    def fake(*args, **kw):
        calls.append(args)
        if len(calls) == k:
            raise _Killed(f"{name} call {k}")
        return real(*args, **kw)

    monkeypatch.setattr(module, name, fake)
    return calls


def _publish_moves(tmp_path, two_sets):
    """How many os.replace calls publishing a set makes."""
    import os
    import shutil

    folder, old_out, _, _ = two_sets
    probe = tmp_path / "probe"
    shutil.copytree(old_out, probe)
    calls = []
    real = os.replace

    def count(*args):
        calls.append(args)
        return real(*args)

    import analysis.publish as pub

    pub_os = pub.os
    try:
        pub_os.replace = count
        _build(folder, probe)
    finally:
        pub_os.replace = real
    return len(calls)


def test_a_kill_at_any_step_of_publishing_leaves_the_old_set_or_the_new_one(
    tmp_path, two_sets, monkeypatch
):
    import os
    import shutil

    folder, old_out, old, new = two_sets
    n_moves = _publish_moves(tmp_path, two_sets)
    assert n_moves >= 10  # manifest, journal, ten table files
    for k in range(1, n_moves + 1):
        out = tmp_path / f"kill{k}"
        shutil.copytree(old_out, out)
        with monkeypatch.context() as m:
            _kill_at(m, os, "replace", k)
            with pytest.raises(_Killed):
                _build(folder, out)
        seen = _frames(out)  # old or new, whole, never a mix
        whole = "old" if len(seen["articles"]) == len(old["articles"]) else "new"
        _assert_same(seen, old if whole == "old" else new)
        again = _build(folder, out)  # finishes or redoes the publication, cleans up
        _assert_same(_frames(out), new)
        assert not again.unchanged or whole == "new"
        assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


def test_a_failed_build_leaves_the_old_tables_whole_and_no_temporary_files(
    tmp_path, two_sets, monkeypatch
):
    from analysis import publish as pub

    folder, old_out, old, _ = two_sets
    with monkeypatch.context() as m:  # the writer fails half way through the tables
        _kill_at(m, pub, "_csv_table", 3)
        with pytest.raises(_Killed):
            _build(folder, old_out)
    _assert_same(_frames(old_out), old)
    assert sorted(p.name for p in old_out.iterdir() if p.name.startswith(".")) == []
    # a killed build leaves its unpublished set: the next build removes it
    monkeypatch.setattr(pub.TableSet, "discard", lambda self: None)
    with monkeypatch.context() as m:
        _kill_at(m, pub, "_csv_table", 3)
        with pytest.raises(_Killed):
            _build(folder, old_out)
    assert [p.name[:5] for p in old_out.iterdir() if p.name.startswith(".set-")] == [".set-"]
    _assert_same(_frames(old_out), old)
    (old_out / ".tables.xlsx.tmp999999999").write_bytes(b"half")  # a dead process's
    (batches,) = (old_out / "cache").glob("*/batches")
    (batches / "0123abcd.tmp999999999").write_bytes(b"half a batch")
    _build(folder, old_out)
    assert sorted(p.name for p in old_out.iterdir() if p.name.startswith(".")) == []
    assert not list(batches.glob("*.tmp*"))


def test_the_dask_engine_never_removes_the_old_tables_before_the_new_are_whole(
    tmp_path, two_sets, monkeypatch
):
    pytest.importorskip("distributed")
    from analysis import publish as pub

    folder, old_out, old, new = two_sets
    with monkeypatch.context() as m:  # the client fails writing the CSV copies
        m.setattr(pub, "write_csv", lambda *a, **k: (_ for _ in ()).throw(OSError(28, "full")))
        with pytest.raises(pub.OutputError, match="the disk is full"):
            _build(folder, old_out, engine="dask", jobs=2)
    _assert_same(_frames(old_out), old)
    assert sorted(p.name for p in old_out.iterdir() if p.name.startswith(".")) == []
    _build(folder, old_out, engine="dask", jobs=2)
    _assert_same(_frames(old_out), new)
    assert (old_out / "articles.parquet").is_dir()


def test_readers_refuse_a_table_set_that_differs_from_its_manifest(tmp_path):
    import json

    out = tmp_path / "out"
    _build(_good_folder(tmp_path / "raw"), out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) >= {f"{t}.parquet" for t in pipeline.TABLES}
    path = out / "mentions.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, other content
    path.write_bytes(bytes(data))
    with pytest.raises(pipeline.InputError, match=r"mentions\.parquet differ from manifest"):
        pipeline.load_tables(out)
    path.write_bytes(bytes(data[:-10]))
    with pytest.raises(pipeline.InputError, match="incomplete or was changed"):
        pipeline.load_tables(out, ["mentions"])
    pipeline.load_tables(out, ["articles"])  # the other tables are whole


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the fake save
def test_the_workbook_and_the_report_replace_the_old_ones_only_when_whole(tmp_path, monkeypatch):
    import openpyxl

    from analysis.report import write_report

    articles = pd.DataFrame({"article_id": ["a1"], "title": ["旧"], "kind": ["article"]})
    book = publish.write_excel({"articles": articles}, tmp_path / "tables.xlsx")
    html = write_report({"articles": articles}, {}, tmp_path / "report.html", embed_font=False)
    before = book.read_bytes(), html.read_bytes()
    monkeypatch.setattr(openpyxl.Workbook, "save", lambda self, f: open(f, "wb").write(b"x") / 0)
    with pytest.raises(ZeroDivisionError):
        publish.write_excel({"articles": articles.assign(title="新")}, book)
    monkeypatch.setattr(publish.Path, "write_text", lambda self, *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        write_report({"articles": articles.assign(title="新")}, {}, html, embed_font=False)
    assert (book.read_bytes(), html.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "tables.xlsx"]
    # the fake save left openpyxl's row writer open: collected here, where its complaint
    # is expected, not in a later test
    import gc

    gc.collect()


# --------------------------------------------------------------------------- 7. one build at a time
def test_a_second_build_into_the_same_folder_is_refused_naming_the_first(tmp_path, capsys):
    import fcntl
    import json
    import os

    folder = _good_folder(tmp_path / "raw", n=1)
    out = tmp_path / "out"
    _build(folder, out)
    before = _frames(out)
    fd = os.open(out / ".build.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as another build would
    os.write(fd, json.dumps({"pid": 424242, "host": "lab", "started": "2026-01-01"}).encode())
    try:
        (folder / "paper_2023-08-02.txt").write_text(_seed(), encoding="utf-8")
        code = main(["build", str(folder), "--out", str(out), "--jobs", "1", "--no-progress"])
        err = capsys.readouterr().err
        assert code == 3
        assert err.strip().count("\n") == 0  # one line
        assert "another build (process 424242 on lab, started 2026-01-01)" in err
        _assert_same(_frames(out), before)
    finally:
        os.close(fd)
    assert main(["build", str(folder), "--out", str(out), "--jobs", "1", "--no-progress"]) == 0
    assert not (out / ".build.lock").exists()


@pytest.mark.parametrize(
    ("errno_", "said"), [(30, "read-only file system"), (13, "permission denied")]
)
def test_a_read_only_output_folder_is_one_line_and_the_old_tables_stay(
    tmp_path, monkeypatch, capsys, errno_, said
):
    import os

    folder = _good_folder(tmp_path / "raw", n=1)
    out = tmp_path / "out"
    _build(folder, out)
    before = _frames(out)
    (folder / "paper_2023-08-02.txt").write_text(_seed(), encoding="utf-8")
    real_open = os.open

    def read_only(path, flags, *args, **kw):  # as a read-only mount (root ignores chmod)
        if str(path).startswith(str(out)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno_, os.strerror(errno_), str(path))
        return real_open(path, flags, *args, **kw)

    monkeypatch.setattr(os, "open", read_only)
    code = main(["build", str(folder), "--out", str(out), "--jobs", "1", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1
    assert f"{out}: cannot write the tables: " in err and said in err
    monkeypatch.undo()
    _assert_same(_frames(out), before)


def test_a_full_disk_is_one_line_and_leaves_no_temporary_files(tmp_path, monkeypatch, capsys):
    import pyarrow.parquet as pq

    folder = _good_folder(tmp_path / "raw", n=1)
    out = tmp_path / "out"
    _build(folder, out)
    before = _frames(out)
    (folder / "paper_2023-08-02.txt").write_text(_seed(), encoding="utf-8")

    def full(*args, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq, "write_table", full)  # the keywords table's writer
    code = main(["build", str(folder), "--out", str(out), "--jobs", "1", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1 and "the disk is full" in err
    monkeypatch.undo()
    _assert_same(_frames(out), before)
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


# --------------------------------------------------------------------------- 5. tables as written
def _read(path, **kw):
    from analysis.sources import read_file

    notes = []
    return read_file(path, notes=notes, **kw), notes


BODY = "无锡高新区管委会与企业签署合作协议。"


@pytest.mark.parametrize(
    ("header", "named"),
    [
        ("标题,正文,正文", "'正文' appears twice"),
        ("title,标题,正文", "the columns title, 标题 all give the title"),
        ("Title ,title,正文", "'title' appears twice"),
        ("标题,content,正文", "the columns content, 正文 all give the body"),
    ],
)
def test_duplicate_or_aliased_columns_are_an_error_naming_them(tmp_path, header, named):
    path = tmp_path / "t.csv"
    path.write_text(f"{header}\n一,{BODY},{BODY}\n", encoding="utf-8")
    with pytest.raises(pipeline.InputError, match=named.replace("(", r"\(")):
        _read(path)


def test_a_ragged_csv_row_is_an_error_naming_its_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        f'标题,正文,日期\n一,{BODY},2023-08-09\n"二\n续",{BODY},2023-08-09,多余\n',
        encoding="utf-8",
    )
    with pytest.raises(pipeline.InputError, match=r"t\.csv: line 3 has 4 fields, the header has 3"):
        _read(path)
    path.write_text(f"标题,正文,日期\n一,{BODY}\n", encoding="utf-8")
    with pytest.raises(pipeline.InputError, match="line 2 has 2 fields"):
        _read(path)


def test_empty_rows_are_skipped_and_counted(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(f"标题,正文\n一,{BODY}\n\n,\n , \n二,{BODY}\n", encoding="utf-8")
    records, notes = _read(path)
    assert [r["title"] for r in records] == ["一", "二"]
    assert notes == ["3 empty row(s) skipped"]
    out = _build(tmp_path / "t.csv", tmp_path / "out")
    assert [note for _, note in out.report.notes] == notes
    assert "3 empty row(s) skipped" in out.summary()
    assert (out.tables["articles"]["n_chars"] > 0).all()


def test_every_sheet_of_a_workbook_is_read_or_the_one_asked_for(tmp_path):
    path = tmp_path / "book_2023-08-09.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"标题": ["一"], "正文": [BODY]}).to_excel(
            writer, sheet_name="八月", index=False
        )
        pd.DataFrame({"标题": ["二", "三"], "正文": [BODY, BODY]}).to_excel(
            writer, sheet_name="九月", index=False
        )
        pd.DataFrame({"说明": ["抓取于某日"]}).to_excel(writer, sheet_name="说明", index=False)
    records, notes = _read(path)
    assert [r["title"] for r in records] == ["一", "二", "三"]
    assert [r["source"].split("#")[1] for r in records] == ["八月", "九月", "九月"]
    assert len({r["article_id"] for r in records}) == 3
    assert len(notes) == 1 and notes[0].startswith("sheets not read: 说明 (no text column")
    records, _ = _read(path, sheet="九月")
    assert [r["title"] for r in records] == ["二", "三"]
    built = _build(path, tmp_path / "out").tables["articles"]
    assert built["source"].str.endswith(("#八月", "#九月")).all()
    assert built["title"].tolist() == ["一", "二", "三"]


def test_a_workbook_sheet_with_a_repeated_column_is_not_read_silently(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["标题", "正文", "正文"])
    book.active.append(["一", BODY, "另一段"])
    book.save(tmp_path / "b.xlsx")
    with pytest.raises(pipeline.InputError, match="'正文' appears twice"):
        _read(tmp_path / "b.xlsx")


def test_a_json_object_with_several_lists_is_an_error_listing_their_keys(tmp_path):
    import json

    path = tmp_path / "t.json"
    rows = [{"标题": "一", "正文": BODY}]
    path.write_text(json.dumps({"data": rows, "related": rows}), encoding="utf-8")
    with pytest.raises(pipeline.InputError, match=r"several lists \(data, related\)"):
        _read(path)
    path.write_text(json.dumps({"data": rows, "total": 1}), encoding="utf-8")
    assert [r["title"] for r in _read(path)[0]] == ["一"]
    (tmp_path / "t.jsonl").write_text('{"标题": "一", "标题": "二", "正文": "x"}\n', "utf-8")
    with pytest.raises(pipeline.InputError, match="'标题' appears twice"):
        _read(tmp_path / "t.jsonl")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_a_bom_are_detected(tmp_path, encoding):
    from analysis.sources import decode_bytes

    text = "无锡高新区举行签约仪式\n\n本报讯 8月8日，两家企业签署合作协议。（王明）\n"
    assert decode_bytes(text.encode(encoding)) == (text, encoding)
    ascii_text = "Wuxi park, 2023-08-09\n"  # NUL bytes: once called binary
    assert decode_bytes(ascii_text.encode(encoding)) == (ascii_text, encoding)
    page = tmp_path / "paper_2023-08-09.txt"
    page.write_bytes(_seed().encode(encoding))
    records, _ = _read(page)
    assert len(records) == 5


def test_utf8_and_binary_are_not_taken_for_utf16(tmp_path):
    from analysis.sources import decode_bytes

    assert decode_bytes(b"plain ascii text here\n")[1] == "utf-8"
    assert decode_bytes("无锡高新区".encode("gb18030"))[1] == "gb18030"
    with pytest.raises(pipeline.InputError, match="looks binary"):
        decode_bytes(bytes(range(256)) * 40)


# --------------------------------------------------------------------------- 6. cache integrity
@pytest.fixture
def cached_build(tmp_path, monkeypatch):
    """Four pages in two batches, built once: the cache holds two batches."""
    from analysis import stages

    monkeypatch.setattr(stages, "_BATCH_FILES", 2)
    folder = tmp_path / "raw"
    folder.mkdir()
    for day in range(1, 5):  # four different pages: each batch's articles differ
        text = _seed().replace("无锡", ["苏州", "常州", "南通", "嘉兴"][day - 1], 1)
        (folder / f"paper_2023-08-0{day}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    first = _build(folder, out)
    (settings,) = (out / "cache").iterdir()
    batches = settings / "batches"
    assert len(list(batches.glob("*.pkl"))) == 2
    return folder, out, first, batches


def _rebuild_after_touching(folder, out):
    """A rebuild that reads the cache: one input changed (so not 'nothing changed')."""
    page = folder / "paper_2023-08-04.txt"
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    return _build(folder, out)


def test_a_damaged_cache_file_is_processed_again(cached_build):
    folder, out, first, batches = cached_build
    for pkl in batches.glob("*.pkl"):
        data = bytearray(pkl.read_bytes())
        for at in (len(data) // 3, len(data) // 2, len(data) - 5):  # three bytes changed
            data[at] ^= 0x55
        pkl.write_bytes(bytes(data))
    again = _rebuild_after_touching(folder, out)
    assert again.n_processed == 4 and again.n_cached == 0
    _assert_same(_frames(out), {k: first.tables[k] for k in pipeline.TABLES})


def test_one_batch_copied_over_another_is_not_taken_for_it(cached_build):
    import shutil

    folder, out, first, batches = cached_build
    a, b = sorted(p.stem for p in batches.glob("*.pkl"))
    for suffix in (".pkl", ".idx"):
        shutil.copy(batches / f"{a}{suffix}", batches / f"{b}{suffix}")
    again = _rebuild_after_touching(folder, out)
    arts = again.tables["articles"]
    assert arts["article_id"].is_unique
    assert again.n_processed >= 2  # the batch whose files were replaced
    _assert_same(_frames(out), {k: first.tables[k] for k in pipeline.TABLES})
    # the pickle alone, or the index alone, copied: also refused
    for suffix in (".pkl",):
        a, b = sorted(p.stem for p in batches.glob("*.pkl"))
        shutil.copy(batches / f"{a}{suffix}", batches / f"{b}{suffix}")
    _rebuild_after_touching(folder, out)
    assert _frames(out)["articles"]["article_id"].is_unique
