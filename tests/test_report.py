"""The HTML report: self-contained, every figure embedded, every event link resolves."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image

import analysis
from analysis import fonts, report

from . import _tables as T


class _Page(HTMLParser):
    """Collects ids, links, embedded figures and visible text of an HTML page."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.figures: dict[str, str] = {}
        self.metas: list[dict] = []
        self.text: list[str] = []
        self._figure: str | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"][1:])
        if tag == "figure":
            self._figure = attrs.get("data-figure")
        if tag == "img" and self._figure:
            self.figures[self._figure] = attrs.get("src", "")
        if tag == "svg" and self._figure:
            self.figures[self._figure] = "svg"
        if tag == "meta":
            self.metas.append(attrs)
        if tag in {"style", "script"}:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in {"style", "script"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


@pytest.fixture(scope="module")
def tables():
    return T.all_tables()


@pytest.fixture(scope="module")
def built(tables, tmp_path_factory):
    """Figures saved as the command line does, and the report written from them."""
    out = tmp_path_factory.mktemp("report")
    figures = report.make_figures(tables)
    paths = {
        name: analysis.save_figure(fig, name, formats=("png", "svg"), dpi=80, out_dir=out)[0]
        for name, fig in figures.items()
    }
    path = report.write_report(tables, paths, out / "report.html")
    return path, paths


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_make_figures_draws_every_chart(tables):
    figures = report.make_figures(tables)
    assert list(figures) == list(report.CAPTIONS["zh"])
    assert all(isinstance(f, Figure) for f in figures.values())


def test_make_figures_tolerates_missing_and_empty_tables():
    assert report.make_figures({}) == {}
    only_events = report.make_figures({"events": T.events(), "mentions": None})
    assert set(only_events) == {"event_timeline", "events_by_park"}
    empty = report.make_figures(T.empty_tables())
    assert set(empty) == set(report.CAPTIONS["zh"])
    for fig in empty.values():
        assert "无数据" in [t.get_text() for t in fig.axes[0].texts]


def test_report_is_utf8_with_charset(built):
    path, _ = built
    raw = path.read_bytes()
    raw.decode("utf-8")
    assert b'<meta charset="utf-8">' in raw[:300]
    assert any(m.get("charset") == "utf-8" for m in _parse(path).metas)


def test_every_figure_is_embedded_as_png(built):
    path, paths = built
    page = _parse(path)
    assert set(page.figures) == set(paths)
    for src in page.figures.values():
        assert src.startswith("data:image/png;base64,")
        data = base64.b64decode(src.split(",", 1)[1])
        assert Image.open(io.BytesIO(data)).size[0] > 100
    assert 'src="figures/' not in path.read_text(encoding="utf-8")  # nothing external


def test_svg_only_figures_are_inlined(tmp_path, tables):
    fig = report.make_figures({"mentions": tables["mentions"]})["park_mentions"]
    (svg,) = analysis.save_figure(fig, "parks", formats=("svg",), out_dir=tmp_path)
    path = report.write_report(tables, {"park_mentions": svg}, tmp_path / "r.html")
    html = path.read_text(encoding="utf-8")
    assert _parse(path).figures == {"park_mentions": "svg"}
    assert "<?xml" not in html
    assert "苏州工业园区" in html


def test_figure_objects_are_rendered(tmp_path, tables):
    fig = report.make_figures({"events": tables["events"]})["event_timeline"]
    path = report.write_report(tables, {"event_timeline": fig}, tmp_path / "r.html")
    assert _parse(path).figures["event_timeline"].startswith("data:image/png;base64,")


def test_every_event_link_has_a_target(built):
    page = _parse(built[0])
    event_links = [link for link in page.links if link.startswith("article-")]
    assert len(event_links) == min(20, len(report.event_table(T.events())))
    assert event_links
    assert all(link in page.ids for link in page.links)


def test_link_to_an_unknown_article_still_resolves(tmp_path, tables):
    events = tables["events"].copy()
    events.loc[events.index[0], "article_id"] = "ffffffffffffffff"
    events.loc[events.index[0], "date"] = pd.Timestamp("2030-01-01")  # the latest: listed first
    path = report.write_report({**tables, "events": events}, {}, tmp_path / "r.html")
    page = _parse(path)
    assert "article-ffffffffffffffff" in page.links
    assert all(link in page.ids for link in page.links)


def test_summary_counts(built, tables):
    text = "".join(_parse(built[0]).text)
    n_articles = (tables["articles"]["kind"] == "article").sum()
    assert f"文章{n_articles}" in text
    assert f"提及{len(tables['mentions'])}" in text
    assert f"被提及的园区{len(T.PARKS)}" in text
    assert f"事件（已报道）{tables['events']['counted'].sum()}" in text
    assert "会议" in text and "签约" in text  # events by type


def test_articles_section_lists_title_date_source(built, tables):
    text = "".join(_parse(built[0]).text)
    first = tables["articles"].iloc[0]
    assert first["title"] in text
    assert first["date"].strftime("%Y-%m-%d") in text
    assert first["source"] in text
    assert "版权声明" not in text  # boilerplate is not an article


def test_text_is_escaped(tmp_path, tables):
    articles = tables["articles"].copy()
    articles.loc[0, "title"] = "<script>alert(1)</script>园区"
    path = report.write_report({**tables, "articles": articles}, {}, tmp_path / "r.html")
    html = path.read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_articles_list_escapes_each_text_as_html_escape(tmp_path, tables):
    """The articles list escapes its text columns at once (in Arrow): the same as
    ``html.escape`` of each value, a missing value empty, an object column too."""
    import html

    articles = tables["articles"].copy()
    odd = "A&B <i>\"引号\"</i> 'x' &amp;"
    articles["title"] = articles["title"].astype("str")
    articles.loc[0, "title"] = odd
    articles.loc[1, "subtitle"] = None
    articles["page"] = articles["page"].astype(object)
    articles.loc[2, "page"] = "<3>"
    articles.loc[3, "url"] = "https://x.cn/?a=1&b='2'"
    page = report.write_report({**tables, "articles": articles}, {}, tmp_path / "r.html")
    text = page.read_text(encoding="utf-8")
    assert f"<h3>{html.escape(odd)}</h3>" in text
    assert "版面 &lt;3&gt;" in text
    assert f'<a href="{html.escape(articles.loc[3, "url"])}">' in text
    assert report._esc_column(pd.Series(["<a>", None, "'&'"], dtype="str")) == [
        "&lt;a&gt;",
        "",
        "&#x27;&amp;&#x27;",
    ]
    assert report._esc_column(pd.Series([1, None, "<"], dtype=object)) == ["1", "", "&lt;"]


def test_empty_report_says_so(tmp_path):
    path = report.write_report({}, {}, tmp_path / "sub" / "r.html")
    text = "".join(_parse(path).text)
    assert "没有事件" in text and "没有文章" in text and "没有图表" in text


def test_embedded_font_covers_the_chinese_text(built):
    from fontTools.ttLib import TTFont

    html = built[0].read_text(encoding="utf-8")
    marker = 'font-family: "AnalysisCJK"; src: url("data:font/'
    assert marker in html
    data = html.split(marker, 1)[1].split("base64,", 1)[1].split('"', 1)[0]
    cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
    chinese = {ch for ch in "".join(_parse(built[0]).text) if "\u4e00" <= ch <= "\u9fff"}
    assert chinese
    assert {ch for ch in chinese if ord(ch) not in cmap} == set()


def test_english_report(tmp_path, tables):
    path = report.write_report(tables, {}, tmp_path / "r.html", lang="en")
    text = "".join(_parse(path).text)
    assert "Events (latest first)" in text and "Articles" in text


def _chromium() -> str | None:
    return next(
        (
            shutil.which(n)
            for n in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(n)
        ),
        None,
    )


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium not installed")
def test_report_renders_in_headless_chromium(built, tmp_path):
    shot = tmp_path / "shot.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                _chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=1200,6000",
                built[0].as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert shot.is_file(), "Chromium wrote no screenshot"
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    grey = pixels.mean(axis=2)
    assert (grey < 200).mean() > 0.01, "the screenshot is blank"
    # Figures are coloured (tab10 bars); a page of text alone is grey on white.
    saturation = pixels.max(axis=2) - pixels.min(axis=2)
    assert (saturation > 80).mean() > 0.01, "no figure visible in the screenshot"


def test_command_line_report_writes_every_figure_workbook_and_html(tmp_path, capsys):
    """``python -m analysis report`` on the sample page: tables, figures, workbook, report."""
    import openpyxl

    from analysis import config
    from analysis.cli import main

    figures, processed = tmp_path / "figures", tmp_path / "processed"
    code = main(
        [
            "report",
            str(config.RAW_DIR),
            "--out",
            str(processed),
            "--figures",
            str(figures),
            "--jobs",
            "1",
            "--no-progress",
        ]
    )
    assert code == 0
    assert "report.html" in capsys.readouterr().out
    pngs = sorted(p.stem for p in figures.glob("*.png"))
    assert {
        "event_timeline",
        "events_by_park",
        "park_mentions",
        "org_mentions",
        "co_mentions",
        "keywords",
        "wordcloud",
    } <= set(pngs)
    for stem in pngs:
        assert (figures / f"{stem}.png").stat().st_size > 1000
        # SVG and PDF on request (--formats)
        assert not (figures / f"{stem}.svg").exists()
        assert not (figures / f"{stem}.pdf").exists()
    html_text = (figures / "report.html").read_text(encoding="utf-8")
    assert html_text.count("data:image/png;base64,") >= len(pngs)
    assert "康明斯与卓品智能在锡成立合资公司" in html_text
    book = openpyxl.load_workbook(processed / "tables.xlsx", read_only=True)
    assert {"文章", "提及", "事件", "关键词"} <= set(book.sheetnames)


# --------------------------------------------------------------------------- focus
@pytest.fixture(scope="module")
def focused(tmp_path_factory):
    """A report of a generated corpus focused on two parks."""
    from analysis.select import Focus

    from . import _corpus as C

    out = tmp_path_factory.mktemp("focused")
    path = report.build_report(
        C.tables(),
        figures_dir=out / "fig",
        processed_dir=out / "tab",
        focus=Focus(parks=("无锡高新区", "hefei"), since="2023-03-01"),
        provenance={"inputs": ["my/corpus"], "n_inputs": 300, "n_skipped": 2},
    )
    return path, out


def test_focused_report_says_what_it_was_built_from(focused):
    path, _ = focused
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    text = "".join(page.text)
    assert "无锡高新区、合肥高新区新闻分析报告" in text  # title from the focus
    for expected in ("my/corpus", "保留文章", "未入选文章", "园区：无锡高新区、合肥高新区"):
        assert expected in text
    assert "日期：2023-03-01 至 …" in text
    assert "跳过的文件" in text


def test_focused_report_has_a_profile_per_park(focused):
    path, out = focused
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    assert {"profile-park_wuxi", "profile-park_hefei"} <= page.ids
    assert {"park_wuxi", "park_hefei"} <= set(page.figures)
    assert (out / "fig" / "park_wuxi.png").is_file()
    text = "".join(page.text)
    assert "物联网" in text and "量子" in text  # each park's own keywords
    assert "最新文章" in text
    missing = [link for link in page.links if link not in page.ids]
    assert not missing


def test_focus_title_given_by_the_user_wins():
    from analysis.select import Focus

    assert report.report_title(Focus(parks=("wuxi",), title="我的报告")) == "我的报告"
    assert report.report_title(Focus(parks_only=True)) == "国家高新区新闻分析报告"
    assert report.report_title(Focus()) == "新闻分析报告"


# --------------------------------------------------------------------------- event table
def _event(event_id, **values):
    row = {
        "event_id": event_id,
        "article_id": "a1",
        "type": "signing",
        "type_label": "签约合作",
        "sentence": "无锡高新区与江南大学签署合作协议。",
        "date": pd.Timestamp("2024-03-05"),
        "place": "无锡",
        "name": "",
        "parks": ["park:wuxi"],
        "orgs": ["org:江南大学"],
        "status": "reported",
        "counted": True,
    }
    return row | values


def test_event_table_counted_latest_first_with_names_and_titles():
    events = pd.DataFrame(
        [
            _event("e1", date=pd.Timestamp("2024-01-02"), name="第三届物联网博览会"),
            _event("e2", date=pd.Timestamp("2024-03-05")),
            _event("e3", status="background", counted=False, date=pd.Timestamp("2025-01-01")),
            _event("e4", date=pd.NaT, type="meeting", type_label="会议论坛"),
        ]
    )
    articles = pd.DataFrame({"article_id": ["a1"], "title": ["无锡高新区与江南大学签约"]})
    mentions = pd.DataFrame(
        {"entity_id": ["park:wuxi", "org:江南大学"], "name": ["无锡高新区", "江南大学"]}
    )
    table = report.event_table(events, articles, mentions)
    assert table["event_id"].tolist() == ["e2", "e1", "e4"]  # background left out; undated last
    first = table.iloc[0]
    assert (first["type_label"], first["place"], first["parks"], first["orgs"]) == (
        "签约合作",
        "无锡",
        "无锡高新区",
        "江南大学",
    )
    assert first["name"] == "无锡高新区与江南大学签署合作协议。"  # no name: the sentence
    assert table.iloc[1]["name"] == "第三届物联网博览会"
    assert set(table["title"]) == {"无锡高新区与江南大学签约"}


def test_event_table_keeps_root_events_and_their_article_counts():
    events = pd.DataFrame(
        [
            _event("e1", root_event_id="e1", n_articles=3, name="签约仪式"),
            _event("e2", root_event_id="e1", n_articles=3, name="签约仪式"),
            _event("e3", root_event_id=None, n_articles=1, name="另一场签约"),
        ]
    )
    table = report.event_table(events)
    assert table["event_id"].tolist() == ["e1", "e3"]
    assert table["n_articles"].tolist() == [3, 1]
    assert table.iloc[0]["parks"] == "wuxi"  # no names given: the id


def test_event_table_without_roots_links_reports_of_a_named_event():
    # two articles report one named signing: linked, the first report kept
    events = pd.DataFrame(
        [_event("e1", name="签约仪式"), _event("e2", name="签约仪式", article_id="a2")]
    )
    assert report.event_table(events)["event_id"].tolist() == ["e1"]
    unnamed = pd.DataFrame([_event("e1"), _event("e2")])
    assert len(report.event_table(unnamed)) == 2  # different sentences, maybe different events


def test_event_table_of_nothing_has_its_columns():
    assert list(report.event_table(None).columns) == list(report.EVENT_COLUMNS)


def test_log_odds_on_one_group_warns_and_falls_back_to_tfidf():
    """The README's example on the sample (one month) must not return zeros silently."""
    articles = analysis.load_articles(analysis.config.RAW_DIR)
    with pytest.warns(UserWarning, match="two or more groups"):
        top = analysis.keywords(articles, by="month", method="log_odds")
    assert top["group"].nunique() == 1
    assert (top["score"] > 0).all() and len(top) > 5


# --------------------------------------------------------------------------- workbook
def test_workbook_sheets_types_and_layout(focused):
    import datetime as dt

    import openpyxl

    _, out = focused
    book = openpyxl.load_workbook(out / "tab" / "tables.xlsx")
    names = book.sheetnames
    assert names[:5] == ["说明", "文章", "提及", "事件", "关键词"]
    assert {"图_事件时间分布", "图_园区排行", "图_关键词", "图_词云"} <= set(names)
    arts = book["文章"]
    header = [c.value for c in arts[1]]
    assert header[:3] == ["文章编号", "报纸日期", "日期"] and "正文" not in header
    assert "body" not in header and "标题" in header
    assert isinstance(arts["B2"].value, dt.datetime)
    assert arts["B2"].number_format == "yyyy-mm-dd"
    assert arts.freeze_panes == "A2"
    assert arts.auto_filter.ref.startswith("A1:")
    assert arts.column_dimensions["G"].width > 10  # the title column
    events = book["事件"]
    header = [c.value for c in events[1]]
    parks = [row[header.index("园区")] for row in events.iter_rows(min_row=2, values_only=True)]
    assert any("、" in (p or "") for p in parks) or all("|" not in (p or "") for p in parks)
    assert all("park:" not in (p or "") for p in parks)
    notes = [row[1] for row in book["说明"].iter_rows(min_row=2, values_only=True)]
    assert any("园区：无锡高新区、合肥高新区" in (n or "") for n in notes)


def test_workbook_cells_keep_their_types_and_stay_safe(tmp_path):
    """Every kind of column the sheets hold, read back cell by cell: text (never a
    formula, controls replaced), dates, numbers with NA, booleans, lists, mixed."""
    import datetime as dt

    import openpyxl

    from analysis.publish import ExportStats

    frame = pd.DataFrame(
        {
            "title": pd.Series(['=HYPERLINK("x")', "园区\x1b签约", None, ""], dtype="str"),
            "date": pd.to_datetime(
                ["2023-08-09", None, "2024-02-29 10:30", "2021-01-01"], format="ISO8601"
            ),
            "n_chars": pd.array([1200, None, 3, 0], dtype="Int64"),
            "score": [0.5, float("nan"), 1e-05, 2.0],
            "counted": [True, False, True, False],
            "parks": [["park:a", "park:b"], [], None, ("甲",)],
            "mixed": [pd.Timestamp("2023-08-09 08:00"), 3, "-2 说明", None],
        }
    )
    stats = ExportStats()
    path = report.write_workbook({"表": frame}, tmp_path / "t.xlsx", stats=stats)
    sheet = openpyxl.load_workbook(path)["表"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    header = [c.value for c in sheet[1]]
    assert header == ["标题", "日期", "字数", "得分", "counted", "园区", "mixed"]
    assert rows[0] == (
        '=HYPERLINK("x")', dt.datetime(2023, 8, 9), 1200, 0.5, True, "park:a、park:b",
        dt.datetime(2023, 8, 9, 8, 0),
    )  # fmt: skip
    assert sheet["A2"].data_type == "s" and sheet["G4"].data_type == "s"
    assert rows[1] == ("园区\u241b签约", None, None, None, False, None, 3)
    assert rows[2] == (None, dt.datetime(2024, 2, 29, 10, 30), 3, 1e-05, True, None, "-2 说明")
    assert rows[3] == (None, dt.datetime(2021, 1, 1), 0, 2.0, False, "甲", None)
    assert sheet["B2"].number_format == "yyyy-mm-dd" and sheet["G2"].is_date
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:G5"
    assert stats.formulas == 2 and stats.controls == 1


def test_workbook_rows_made_as_xml_read_back_as_written(tmp_path):
    """A sheet of plain columns (text, date, number, bool) gets its rows as XML made
    column by column: every cell reads back as XlsxWriter would have written it."""
    import datetime as dt

    import openpyxl

    frame = pd.DataFrame(
        {
            "title": pd.Series(
                ["A&B <园区>", " 前后有空格 ", "_x0041_ 不是转义", None, "=1+1"], dtype="str"
            ),
            "date": pd.to_datetime(["2023-08-09", None, "2024-02-29", "2021-01-01", "2022-12-31"]),
            "n_chars": pd.array([1200, None, 3, 0, 12345678901], dtype="Int64"),
            "score": [0.5, float("nan"), 1e-05, -2.25, 1 / 3],
            "counted": pd.array([True, False, None, True, False], dtype="boolean"),
        }
    )
    path = report.write_workbook({"表": frame}, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(path)["表"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [
        ("A&B <园区>", dt.datetime(2023, 8, 9), 1200, 0.5, True),
        (" 前后有空格 ", None, None, None, False),
        ("_x005F_x0041_ 不是转义", dt.datetime(2024, 2, 29), 3, 1e-05, None),  # Excel's escape
        (None, dt.datetime(2021, 1, 1), 0, -2.25, True),
        ("=1+1", dt.datetime(2022, 12, 31), 12345678901, 1 / 3, False),
    ]
    # the same cells as XlsxWriter's own calls (a mixed column makes them write the sheet)
    mixed = frame.assign(mixed=pd.Series([1, "a", None, 2.5, "b"], dtype=object))
    slow = report.write_workbook({"表": mixed}, tmp_path / "slow.xlsx")
    slow_rows = openpyxl.load_workbook(slow)["表"].iter_rows(min_row=2, values_only=True)
    assert [r[:5] for r in slow_rows] == rows
    assert sheet["A6"].data_type == "s" and sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet.max_row == 6 and sheet.max_column == 5
    # the dimension covers the rows (read-only mode takes the sheet's size from it)
    read_only = openpyxl.load_workbook(path, read_only=True)["表"]
    assert read_only.calculate_dimension() == "A1:E6"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E6"


def _data_cells(path, columns: str) -> list[str]:
    """The XML of the cells of the workbook's second sheet in ``columns`` (a regex
    character class or letter), row 2 on."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as book:
        xml = book.read("xl/worksheets/sheet2.xml").decode("utf-8")
    return re.findall(rf'<c r="{columns}(?:[2-9]|\d\d+)".*?</c>', xml, flags=re.S)


def test_workbook_number_cells_made_as_xml_are_xlsxwriters_own(tmp_path):
    """Whole numbers, fractions, -0.0, large and tiny ones, NA, dates with and without
    a time: the cells' XML is what XlsxWriter writes itself."""
    numbers = [0.0, -0.0, -3.0, 2.5, 1e16, 9999999999999998.0, 1 / 3, 1e-300, None, 7.0]
    frame = pd.DataFrame(
        {
            "float": pd.Series(numbers, dtype="float64"),
            "whole": pd.Series([0.0, -2.0, 1e15, None, 4.0] * 2, dtype="float64"),
            "int": pd.array([0, -1, 10**16, 10**17 + 1, None] * 2, dtype="Int64"),
            "big": pd.Series([2**62, -(2**62), 5, 0, 1] * 2, dtype="int64"),
            "date": pd.to_datetime(["2023-08-09", None, "2024-02-29 12:30", "1900-03-01"] * 2
                                   + ["2021-01-01", "2022-12-31"], format="ISO8601"),
        }
    )  # fmt: skip
    mixed = frame.assign(mixed=pd.Series([1, "a"] * 5, dtype=object))

    fast = _data_cells(report.write_workbook({"表": frame}, tmp_path / "fast.xlsx"), "[A-E]")
    slow = _data_cells(report.write_workbook({"表": mixed}, tmp_path / "slow.xlsx"), "[A-E]")
    assert len(fast) == frame.notna().sum().sum() and fast == slow
    assert '<c r="A3"><v>-0</v></c>' in fast and '<c r="C4"><v>1E+16</v></c>' in fast


def test_workbook_text_cells_made_as_xml_are_xlsxwriters_own(tmp_path):
    """Texts with white space at an end (Unicode's too), escapes, control characters
    and beyond a cell's limit: the cells' XML is what XlsxWriter writes itself."""
    texts = [
        " 前后 ", "\u3000全角空格", "尾\xa0", "\n", "a\tb", "A&B <园区>", "_x0041_", "控\x1b制",
        "末\x0b", "\ufffe", "长" * 20000, "😀" * 17000, "x" * 16384, None, "普通",
    ]  # fmt: skip
    import pyarrow as pa

    chunks = pa.chunked_array([texts[:5], texts[5:]], pa.large_string())  # (as read)
    frame = pd.DataFrame({"t": pd.Series(pd.arrays.ArrowStringArray(chunks))})
    mixed = frame.assign(mixed=pd.Series([1, "a"] * 7 + [None], dtype=object))

    fast = _data_cells(report.write_workbook({"表": frame}, tmp_path / "fast.xlsx"), "A")
    slow = _data_cells(report.write_workbook({"表": mixed}, tmp_path / "slow.xlsx"), "A")
    assert len(fast) == len(texts) - 1 and fast == slow
    assert sum('xml:space="preserve"' in c for c in fast) == 4


def test_workbook_leaves_out_a_table_too_long_for_a_sheet(tmp_path):
    import openpyxl

    sheets = {"短": pd.DataFrame({"a": [1, 2]}), "长": pd.DataFrame({"a": range(50)})}
    path = report.write_workbook(sheets, tmp_path / "t.xlsx", max_rows=10)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["说明", "短"]
    notes = list(book["说明"].iter_rows(min_row=2, values_only=True))
    assert ("长", "50 行，超过工作表上限，只写入 Parquet/CSV") in notes


def test_mentions_by_entity_counts_articles_and_dates():
    mentions = pd.DataFrame(
        {
            "article_id": ["a", "a", "b"],
            "entity_id": ["park:wuxi"] * 3,
            "name": ["无锡高新区"] * 3,
            "kind": ["park"] * 3,
        }
    )
    articles = pd.DataFrame(
        {"article_id": ["a", "b"], "issue_date": pd.to_datetime(["2024-01-02", "2024-03-04"])}
    )
    row = report.mentions_by_entity(mentions, articles).iloc[0]
    assert (row["kind"], row["n_articles"], row["n_mentions"]) == ("园区", 2, 3)
    assert (row["first_date"], row["last_date"]) == (
        pd.Timestamp("2024-01-02"),
        pd.Timestamp("2024-03-04"),
    )


# --------------------------------------------------------------------------- incremental
def test_report_rerun_rewrites_only_what_changed(tmp_path):
    from . import _corpus as C

    tables = C.tables(60)
    fig_dir, tab_dir = tmp_path / "fig", tmp_path / "tab"

    def run(t, **kw):
        report.build_report(t, figures_dir=fig_dir, processed_dir=tab_dir, **kw)
        files = [*fig_dir.iterdir(), *tab_dir.iterdir()]
        return {p.name: p.stat().st_mtime_ns for p in files if p.name != "report_state.json"}

    first = run(tables)
    assert "report.html" in first and "tables.xlsx" in first
    assert run(tables) == first  # nothing changed: nothing written but the state
    # a change that only the organisations' ranking sees
    mentions = tables["mentions"].copy()
    orgs = mentions["kind"] == "research"
    mentions.loc[orgs, "name"] = mentions.loc[orgs, "name"] + "（改）"
    changed = run({**tables, "mentions": mentions})
    rewritten = {n for n in first if changed[n] != first[n]}
    assert "org_mentions.png" in rewritten
    assert not any(n.startswith(("event_timeline", "keywords", "wordcloud")) for n in rewritten)
    assert {"tables.xlsx", "report.html"} <= rewritten  # their inputs changed too


def test_report_writes_pdfs_on_request_and_drops_them_when_redrawn_without(tmp_path):
    from . import _corpus as C

    tables = C.tables(40)
    fig_dir = tmp_path / "fig"
    kw = {"figures_dir": fig_dir, "processed_dir": tmp_path / "tab"}
    report.build_report(tables, formats=("pdf", "svg"), **kw)  # (PNG always)
    pdfs = sorted(p.stem for p in fig_dir.glob("*.pdf"))
    assert pdfs and pdfs == sorted(p.stem for p in fig_dir.glob("*.png"))
    assert pdfs == sorted(p.stem for p in fig_dir.glob("*.svg"))
    assert all((fig_dir / f"{n}.pdf").read_bytes().startswith(b"%PDF") for n in pdfs)
    # the same figures without PDF: kept (same numbers); a figure drawn again loses its
    # PDF, which would show the older numbers
    report.build_report(tables, **kw)
    assert sorted(p.stem for p in fig_dir.glob("*.pdf")) == pdfs
    mentions = tables["mentions"].copy()
    orgs = mentions["kind"] == "research"
    mentions.loc[orgs, "name"] = mentions.loc[orgs, "name"] + "（改）"
    report.build_report({**tables, "mentions": mentions}, **kw)
    assert not (fig_dir / "org_mentions.pdf").exists()
    assert (fig_dir / "keywords.pdf").is_file()


def test_figure_formats_are_checked_and_ordered():
    assert report.figure_formats("svg,PDF") == ("png", "svg", "pdf")
    assert report.figure_formats(["png"]) == ("png",)
    assert report.figure_formats("") == ("png",)
    with pytest.raises(ValueError, match="gif"):
        report.figure_formats("png,gif")


def test_command_line_formats_option():
    from analysis import cli

    args = cli._parser().parse_args(["report"])
    assert args.formats == report.FIGURE_FORMATS == ("png",)
    args = cli._parser().parse_args(["report", "--formats", "png,svg,pdf"])
    assert args.formats == ("png", "svg", "pdf")
    with pytest.raises(SystemExit):
        cli._parser().parse_args(["report", "--formats", "png,gif"])


def test_the_builds_term_counts_give_the_same_keywords_word_cloud_and_report(tmp_path):
    """The report's keywords from the build's term counts (``terms.arrow``), without
    reading the tokens: the same numbers, figures, sheets and page as from the tokens."""
    from analysis.keyterms import TermCounts

    from . import _corpus as C

    tables = C.tables(60)
    tokens = tables["tokens"]
    content = TermCounts.from_tokens(tokens["tokens"]).content()
    terms = TermCounts.from_arrow(content.to_arrow(tokens["article_id"]))
    with_terms = {**tables, "terms": terms}
    for by in ("park", "month", "article"):
        expected = report.keyword_table(tables, by)
        assert len(expected) and expected.attrs["by"] == by
        pd.testing.assert_frame_equal(report.keyword_table(with_terms, by), expected)
    expected = report.distinctive_words(tables)
    assert len(expected)
    pd.testing.assert_frame_equal(report.distinctive_words(with_terms), expected)
    parks = tables["mentions"].query("kind == 'park'")["entity_id"].value_counts().index[:2]
    assert [p["keywords"] for p in report.park_profiles(with_terms, list(parks))] == [
        p["keywords"] for p in report.park_profiles(tables, list(parks))
    ]

    def state(name, tables, **kw):
        folder = tmp_path / name
        report.build_report(tables, figures_dir=folder, processed_dir=folder, **kw)
        return json.loads((folder / "report_state.json").read_text(encoding="utf-8"))

    no_tokens = {k: v for k, v in tables.items() if k != "tokens"}
    old, new = state("tokens", tables), state("terms", no_tokens, terms=terms)
    assert new == old and set(old["figures"]) >= {"keywords", "wordcloud"}


def test_report_with_the_same_inputs_key_computes_nothing(tmp_path, monkeypatch):
    from . import _corpus as C

    tables = C.tables(40)
    kw = {"figures_dir": tmp_path / "f", "processed_dir": tmp_path / "t", "inputs_key": "abc"}
    report.build_report(tables, **kw)
    monkeypatch.setattr(report, "figure_tables", lambda *a, **k: pytest.fail("recomputed"))
    assert report.build_report(tables, **kw) == tmp_path / "f" / "report.html"


def test_font_subset_has_the_fonts_own_outlines_of_the_characters_only():
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    from analysis import fonts

    font = fonts.ensure_font()
    chars = set("无锡高新区签约仪式，Ab1")
    data = fonts.subset_font(chars, font)
    full = TTFont(font.path, fontNumber=font.index, lazy=True)
    part = TTFont(io.BytesIO(data))
    assert len(data) < os.path.getsize(font.path) / 20
    assert {chr(c) for c in part.getBestCmap()} == chars
    assert part.getGlyphOrder()[0] == ".notdef"
    assert part["name"].getDebugName(1) == full["name"].getDebugName(1)  # the family

    def outline(tt, ch):
        pen = RecordingPen()
        tt.getGlyphSet()[tt.getBestCmap()[ord(ch)]].draw(pen)
        return pen.value

    for ch in chars:
        assert outline(part, ch) == outline(full, ch), ch


def test_font_subset_is_kept_for_the_next_page_with_the_same_characters(tmp_path, monkeypatch):
    cache = tmp_path / "figures" / ".report_font.css"
    first = report._font_face("<p>无锡高新区签约仪式</p>", cache)
    assert first.startswith("@font-face") and cache.is_file()

    def no_subset(*args, **kwargs):
        raise AssertionError("subset again")

    monkeypatch.setattr(fonts, "subset_font", no_subset)
    # the same characters in another order and markup: read back, not subset again
    assert report._font_face("<div>签约仪式 无锡高新区</div>", cache) == first
    # a new character: subset again (here it fails, and the page falls back to no font)
    assert report._font_face("<p>无锡高新区签约仪式园</p>", cache) == ""


def test_a_report_links_its_events_once(tables, tmp_path, monkeypatch):
    """Events none of which repeats another cannot show they were linked: the report
    links them once, not again for each chart and table that counts events."""
    from analysis import events as events_module

    unlinked = tables["events"].assign(root_event_id=tables["events"]["event_id"])
    calls = []
    real = events_module.link_events

    def counting(events):
        calls.append(len(events))
        return real(events)

    monkeypatch.setattr(events_module, "link_events", counting)
    report.build_report(
        {**tables, "events": unlinked}, figures_dir=tmp_path / "f", processed_dir=tmp_path / "p"
    )
    assert len(calls) == 1
    assert (tmp_path / "f" / "event_timeline.png").is_file()


def test_a_report_makes_its_event_table_once_for_the_workbook_and_the_page(
    tables, tmp_path, monkeypatch
):
    calls = []
    real = report.event_table

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(report, "event_table", counting)
    page = report.build_report(tables, figures_dir=tmp_path / "f", processed_dir=tmp_path / "p")
    assert len(calls) == 1
    shown = real(tables["events"], tables["articles"], tables["mentions"])
    assert len(shown) and _esc_in(page, shown["name"].iloc[0])


def _esc_in(page: Path, text: str) -> bool:
    import html

    return html.escape(text) in page.read_text(encoding="utf-8")


def test_content_hash_follows_every_value():
    frame = pd.DataFrame(
        {
            "name": pd.Series(["苏州工业园区", None, "张江"], dtype="str"),
            "n": pd.array([1, None, 3], dtype="Int64"),
            "date": pd.to_datetime(["2024-01-01", None, "2024-03-01"]),
        }
    )
    same = report.content_hash("t", frame.copy())
    assert report.content_hash("t", frame) == same
    changed = [
        frame.assign(name=["苏州工业园区", None, "张江高科"]),
        frame.assign(n=pd.array([1, 2, 3], dtype="Int64")),
        frame.assign(date=pd.to_datetime(["2024-01-01", None, "2024-03-02"])),
        frame.rename(columns={"n": "count"}),
        frame.iloc[:2],
    ]
    assert len({report.content_hash("t", f) for f in changed} | {same}) == len(changed) + 1
    mixed = frame.assign(any=pd.Series([1, "a", None], dtype=object))  # no Arrow type
    assert report.content_hash("t", mixed) != report.content_hash(
        "t", mixed.assign(any=pd.Series([1, "b", None], dtype=object))
    )


def test_report_reads_the_build_without_the_columns_it_never_shows(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis.publish import LazyTables

    from . import _corpus as C

    def write(tables, folder):
        folder.mkdir(exist_ok=True)
        for name, frame in tables.items():
            pq.write_table(pa.Table.from_pandas(frame), folder / f"{name}.parquet")

    tables = C.tables(20)
    tables["articles"] = tables["articles"].assign(body="正文", duplicate_of="")
    tables["mentions"] = tables["mentions"].assign(sentence="句子", surface="面")
    write(tables, tmp_path)
    built = LazyTables(tmp_path)
    lean = report._without_unread(built)
    assert "body" not in lean["articles"].columns
    assert not {"sentence", "surface"} & set(lean["mentions"].columns)
    assert list(lean["events"].columns) == list(built["events"].columns)
    expected = {"articles": ["body"], "mentions": ["sentence", "surface"]}
    for name, dropped in expected.items():
        pd.testing.assert_frame_equal(lean[name], built[name].drop(columns=dropped))
    assert "body" in built["articles"].columns  # (the build's own tables keep them)
    # an older build's articles without duplicate_of keep their bodies
    write({"articles": tables["articles"].drop(columns="duplicate_of")}, tmp_path / "old")
    old = report._without_unread(LazyTables(tmp_path / "old"))
    assert "body" in old["articles"].columns


def test_isin_of_many_article_ids_is_pandas_isin():
    import pyarrow as pa

    columns = [
        pd.Series(["a", "b", None, "c"], dtype="str"),
        pd.Index(["a", "b", "c"], dtype="str"),
        pd.Series(["a", "b", None], dtype="string"),
        pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([["a"], ["b", "c"]]))),
        pd.Series([1, 2, 3]),
    ]
    # a column of Arrow strings as the values: taken whole (duplicates, another
    # string type, chunks), or as pandas takes it when it holds NA
    as_column = [
        pd.Series(["c", "a", "c"], dtype="str"),
        pd.Series([], dtype="str"),
        pd.Series(["b", None], dtype="str"),
        pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([["c"], ["zz", "b"]]))),
        pd.Index(["a"], dtype="string"),
    ]
    for column in columns:
        for values in [{"a", "c"}, set(), ["b", None], {"zz"}, {1, 3}, *as_column]:
            mask = report._isin(column, values)
            assert mask.dtype == bool
            assert mask.tolist() == column.isin(list(values)).tolist()


def test_event_names_of_arrow_lists_are_each_cells_names():
    """The event sheet's parks and organisations, named in Arrow, are what naming each
    cell gives: a list's names joined by 、, an id without a name shown without its
    prefix, an empty list an empty text; a slice of the column too."""
    import pyarrow as pa

    lists = [["park:a", "park:b"], [], ["org:x", "park:a"], ["park:a"], ["org:未知机构"]]
    column = pd.Series(
        pd.arrays.ArrowExtensionArray(pa.array(lists, pa.list_(pa.string()))), name="parks"
    )
    lookup = {"park:a": "苏州工业园区", "org:x": "国家发展改革委"}
    for part in (column, column.iloc[1:4], column[column.map(len) > 0]):
        named = report._names_column(part, lookup)
        # the same texts on the same rows (an Arrow string column; what ``map`` makes of
        # an Arrow column depends on the pandas version: object before pandas 3)
        pd.testing.assert_series_equal(
            named, part.map(lambda v: report._names(v, lookup)), check_dtype=False
        )
    assert report._names_column(column, lookup).tolist() == [
        "苏州工业园区、b",
        "",
        "国家发展改革委、苏州工业园区",
        "苏州工业园区",
        "未知机构",
    ]
    objects = pd.Series([["park:a"], None, "park:b"], name="parks")  # (not Arrow lists)
    assert report._names_column(objects, lookup).tolist() == ["苏州工业园区", "", "b"]


def test_names_made_once_give_the_same_tables_as_names_made_in_each(tables):
    """``figure_tables`` and ``workbook_sheets`` given the names by id (as
    ``build_report`` makes them once) give the tables they make on their own."""
    from analysis import plots

    names = plots._name_lookup(tables["mentions"])
    assert names
    alone = report.figure_tables(tables)
    given = report.figure_tables(tables, names=names)
    assert list(given) == list(alone)
    for name, table in alone.items():
        pd.testing.assert_frame_equal(given[name], table)
    sheets = report.workbook_sheets(tables, alone)
    with_names = report.workbook_sheets(tables, alone, names=names)
    assert list(with_names) == list(sheets)
    for name, sheet in sheets.items():
        pd.testing.assert_frame_equal(with_names[name], sheet)


def test_term_counts_of_every_article_in_order_are_used_as_they_are():
    """The build's term counts holding every article in table order are the counts the
    keywords use (no copy); a subset or another order is taken row by row."""
    from analysis.keyterms import TermCounts

    from . import _corpus as C

    tables = C.tables(12)
    tokens = tables["tokens"]
    terms = TermCounts.from_arrow(
        TermCounts.from_tokens(tokens["tokens"]).content().to_arrow(tokens["article_id"])
    )
    articles = tables["articles"].set_index("article_id").loc[list(terms.ids)].reset_index()
    assert report._article_terms({"terms": terms}, articles) is terms
    backwards = articles.iloc[::-1]
    taken = report._article_terms({"terms": terms}, backwards)
    assert taken is not terms and list(taken.ids) == list(backwards["article_id"])
    assert (taken.counts[0] != terms.counts[-1]).nnz == 0


def test_the_report_leaves_the_collector_as_it_found_it(tables, tmp_path):
    import gc

    assert gc.get_freeze_count() == 0
    report.build_report(tables, figures_dir=tmp_path / "f", processed_dir=tmp_path / "p")
    assert gc.get_freeze_count() == 0
    assert (tmp_path / "f" / "report.html").is_file()
