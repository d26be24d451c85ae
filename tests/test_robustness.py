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
