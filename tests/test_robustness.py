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
