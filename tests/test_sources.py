"""Loading files and folders: encodings, tables, bad input, the load report."""

from __future__ import annotations

import json
import os
import warnings

import pandas as pd
import pytest

import analysis
from analysis.errors import InputError
from analysis.sources import decode_bytes
from tests import pagegen

SEED = pagegen.seed_text()
TITLES = pagegen.SEED_TITLES


def test_load_the_sample_folder(seed_articles):
    df = seed_articles
    assert list(df["title"]) == TITLES
    assert df["source"].str.endswith("wuxi-evening_2023-08-09.txt").all()
    assert set(df["paper"]) == {"wuxi-evening"}
    assert df["issue_date"].eq(pd.Timestamp("2023-08-09")).all()
    report = df.attrs["load_report"]
    assert len(report.loaded) == 1 and report.loaded[0][1] == 5
    assert not report.skipped


def test_frames_made_from_a_loaded_table_share_its_load_report(seed_articles):
    # pandas deep-copies attrs into every frame made from one: the report is shared
    report = seed_articles.attrs["load_report"]
    assert seed_articles["title"].attrs["load_report"] is report
    assert seed_articles[seed_articles["kind"] == "article"].attrs["load_report"] is report
    assert seed_articles.copy(deep=True).attrs["load_report"] is report
    assert report.loaded == [(report.loaded[0][0], 5)]


@pytest.mark.parametrize(
    "encoding,newline",
    [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("gb18030", "\r\n"), ("gbk", "\r"), ("utf-16", "\n")],
)
def test_encodings_and_line_endings(tmp_path, encoding, newline):
    path = tmp_path / "paper_2023-08-09.txt"
    path.write_bytes(SEED.replace("\n", newline).encode(encoding))
    df = analysis.load_articles(path)
    assert list(df["title"]) == TITLES
    assert list(df["author"]) == ["王怡菡", "周晓方", "陶洁", "黄振", ""]
    assert "营造更加高效、开放" in df.loc[0, "body"]


def test_big5_traditional_page(tmp_path):
    import opencc

    trad = opencc.OpenCC("s2t").convert(SEED)
    path = tmp_path / "paper_2023-08-09.txt"
    path.write_bytes(trad.encode("big5", errors="replace"))
    df = analysis.load_articles(path)
    assert len(df) == 5
    assert df.loc[1, "title"] == "康明斯與卓品智能在錫成立合資公司"
    assert df.loc[4, "credit"] == "新華社"


def test_decode_prefers_the_right_chinese_encoding():
    text = "长三角国家高新区党建联盟在无锡召开会议。"
    assert decode_bytes(text.encode("gb18030"))[1] == "gb18030"
    trad = "長三角國家高新區黨建聯盟在無錫召開會議。"
    assert decode_bytes(trad.encode("big5"))[1] == "big5"
    assert decode_bytes(text.encode("utf-8"))[0] == text


@pytest.mark.parametrize(
    "content,problem,words",
    [
        (b"", "empty", "empty"),
        (b"  \r\n\n ", "empty", "empty"),
        (b"%PDF-1.7 binary", "binary", "PDF"),
        (b"\x00\x01\x02\x03" * 50, "binary", "binary"),
        ("标题".encode() + b"\xff\xfe\xfa\xff\x81", "encoding", "byte"),
    ],
)
def test_bad_text_files_raise_one_clear_error(tmp_path, content, problem, words):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        analysis.load_articles(path)
    assert info.value.problem == problem
    assert "bad.txt" in str(info.value)
    assert words in str(info.value)


def test_undecodable_file_says_where(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes("第一行\n第二行".encode() + b"\xff\xff\xff\xff")
    with pytest.raises(InputError, match=r"line 2"):
        analysis.load_articles(path)


def test_missing_path_and_no_path():
    with pytest.raises(InputError, match="no such file"):
        analysis.load_articles("does/not/exist.txt")
    with pytest.raises(InputError, match="no input"):
        analysis.load_articles()


def test_table_without_text_column_lists_its_columns(tmp_path):
    path = tmp_path / "scraped.csv"
    path.write_text("id,views\n1,20\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        analysis.load_articles(path)
    assert info.value.problem == "columns"
    assert "id, views" in str(info.value)
    assert "scraped.csv" in str(info.value)


def test_errors_warn_skips_bad_files_and_reports_them(tmp_path):
    (tmp_path / "good_2023-08-09.txt").write_text(SEED, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "no_text.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = analysis.load_articles(tmp_path, errors="warn")
    assert len(df) == 5
    report = df.attrs["load_report"]
    skipped = {os.path.basename(p): why for p, why in report.skipped}
    assert set(skipped) == {"empty.txt", "no_text.csv"}
    assert "empty" in skipped["empty.txt"]
    assert [os.path.basename(p) for p, _ in report.ignored] == ["photo.jpg"]
    assert len([w for w in caught if "skipped" in str(w.message)]) == 2
    assert "2 skipped" in report.summary()
    with pytest.raises(InputError):
        analysis.load_articles(tmp_path)


ROWS = [
    {
        "标题": "新区揭牌",
        "正文": "　　本报讯 8月8日,新区揭牌。\r\n　　新区将推动产业集聚。(王明)",
        "发布时间": "2023-08-08 10:00",
        "来源": "无锡日报",
        "链接": "http://example.com/1",
    },
    {
        "标题": "平台启动",
        "正文": "平台近日启动。",
        "发布时间": "",
        "来源": "江南晚报",
        "链接": "http://example.com/2",
    },
]


def _write_table(path, rows, kind):
    frame = pd.DataFrame(rows)
    if kind == "csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    elif kind == "gbk.csv":
        frame.to_csv(path, index=False, encoding="gb18030")
    elif kind == "jsonl":
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    elif kind == "xlsx":
        frame.to_excel(path, index=False, engine="openpyxl")  # writes "\r" as is
    elif kind == "parquet":
        frame.to_parquet(path)


@pytest.mark.parametrize("kind", ["csv", "gbk.csv", "jsonl", "xlsx", "parquet"])
def test_scraped_tables_with_chinese_columns(tmp_path, kind):
    path = tmp_path / f"scraped_2023-08-09.{kind.split('.')[-1]}"
    _write_table(path, ROWS, kind)
    df = analysis.load_articles(path)
    assert list(df["title"]) == ["新区揭牌", "平台启动"]
    assert df.loc[0, "body"] == "新区揭牌。\n新区将推动产业集聚。"
    assert df.loc[0, "dateline"] == "本报讯 8月8日,"
    assert df.loc[0, "author"] == "王明"
    assert df.loc[0, "date"] == pd.Timestamp("2023-08-08 10:00")
    assert df.loc[0, "date_source"] == "table"
    assert df.loc[1, "date"] == pd.Timestamp("2023-08-09")
    assert df.loc[1, "date_source"] == "issue_date: not stated (近日)"
    assert list(df["paper"]) == ["无锡日报", "江南晚报"]
    assert df.loc[1, "url"] == "http://example.com/2"
    assert df["article_id"].is_unique


def test_english_columns(tmp_path):
    path = tmp_path / "export.jsonl"
    rows = [{"headline": "Park opens", "content": "新区揭牌。", "publish_time": "2024-01-02"}]
    _write_table(path, rows, "jsonl")
    df = analysis.load_articles(path)
    assert df.loc[0, "title"] == "Park opens"
    assert df.loc[0, "date"] == pd.Timestamp("2024-01-02")


def test_a_table_of_leads_and_links_is_read_and_what_is_not_read_is_said(tmp_path):
    # a newspaper's table of contents as a crawler saves it: title, lead (摘要), page,
    # the article's link and the page's PDF (our own rows, in that shape)
    path = tmp_path / "paper_2026-07-04.json"
    rows = [
        {
            "版面": "01版：要闻",
            "文章标题": "东海新区揭牌",
            "摘要": "本报东海7月3日电 东海新区3日揭牌。",
            "PDF链接": "https://example.com/01.pdf",
            "文章链接": "https://example.com/a1.html",
        }
    ]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    df = analysis.load_articles(path)
    assert df.loc[0, "title"] == "东海新区揭牌"
    assert df.loc[0, "body"] == "东海新区3日揭牌。"
    assert df.loc[0, "url"] == "https://example.com/a1.html"
    notes = df.attrs["load_report"].notes
    assert any("columns not read: PDF链接" in note for _, note in notes)


def test_a_lead_column_is_no_body_beside_the_body(tmp_path):
    path = tmp_path / "scraped.jsonl"
    rows = [{"标题": "东海新区揭牌", "正文": "东海新区揭牌。全文。", "摘要": "东海新区揭牌。"}]
    _write_table(path, rows, "jsonl")
    df = analysis.load_articles(path)
    assert df.loc[0, "body"] == "东海新区揭牌。全文。"
    assert any("columns not read: 摘要" in note for _, note in df.attrs["load_report"].notes)


def test_one_article_per_file_layout(tmp_path):
    (tmp_path / "a.txt").write_text(
        "新区打造创新高地\n\n　　本报北京10月29日电（记者 王浩）新区加快建设。\n"
        "　　一、加快产业集聚\n　　新区推动项目落地。\n",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text(
        "园区发布人才政策\n本报记者 刘峰\n\n　　园区日前发布人才政策。\n", encoding="utf-8"
    )
    df = analysis.load_articles(tmp_path, layout="article", issue_date="2023-10-30")
    assert list(df["title"]) == ["新区打造创新高地", "园区发布人才政策"]
    assert list(df["author"]) == ["王浩", "刘峰"]
    assert df.loc[0, "n_paragraphs"] == 3
    assert df.loc[0, "date"] == pd.Timestamp("2023-10-29")


def test_article_ids_do_not_depend_on_where_the_folder_is(tmp_path, seed_articles):
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "wuxi-evening_2023-08-09.txt").write_text(SEED, encoding="utf-8")
    one = analysis.load_articles(tmp_path / "one")
    two = analysis.load_articles(tmp_path / "two")
    assert list(one["article_id"]) == list(two["article_id"]) == list(seed_articles["article_id"])


def test_keep_boilerplate_from_files(tmp_path):
    path = tmp_path / "p_2023-08-09.txt"
    path.write_text(SEED, encoding="utf-8")
    df = analysis.load_articles(path, keep_boilerplate=True)
    assert list(df["kind"]).count("boilerplate") == 2


def test_a_folder_of_crawler_files_gives_one_article_per_file(tmp_path):
    # the crawler's layout: kicker / title / subtitle lines (empty when absent), then
    # indented paragraphs; the default (auto) layout reads each file as one article
    day = tmp_path / "2019-03" / "20190305"
    day.mkdir(parents=True)
    (day / "20190305-01-01.txt").write_text(
        "读者热议本报评论——\n守正创新者行稳致远\n\n"
        "\u3000\u3000本报北京3月4日电  园区今年新增科技型企业一百二十家。\n"
        "\u3000\u3000园区有关负责人表示，将继续优化营商环境。\n",
        encoding="utf-8",
    )
    (day / "20190305-01-02.txt").write_text(
        "\n国内要闻快讯\n\n\u3000\u3000园区新增企业一百二十家近日，园区发布年度数据。\n",
        encoding="utf-8",
    )
    df = analysis.load_articles(tmp_path)
    assert list(df["kicker"]) == ["读者热议本报评论——", ""]
    assert list(df["title"]) == ["守正创新者行稳致远", "国内要闻快讯"]
    assert list(df["issue_date"]) == [pd.Timestamp("2019-03-05")] * 2
    assert df.loc[0, "date"] == pd.Timestamp("2019-03-04")


def test_article_ids_do_not_depend_on_the_folder_the_build_started_from(tmp_path):
    day = tmp_path / "2019-03" / "20190305"
    day.mkdir(parents=True)
    (day / "20190305-01-02.txt").write_text(
        "\n园区发布人才新政\n\n\u3000\u3000园区日前发布人才新政。\n", encoding="utf-8"
    )
    (day / "news.csv").write_text("标题,正文\n园区揭牌,园区今天揭牌。\n", encoding="utf-8")
    ids = [
        list(analysis.load_articles(start)["article_id"])
        for start in (tmp_path, tmp_path / "2019-03", day, day / "20190305-01-02.txt")
    ]
    assert ids[0] == ids[1] == ids[2] and len(ids[0]) == 2
    assert ids[3] == ids[0][:1]  # (files in name order: the .txt first)


def test_a_key_of_another_name_gives_the_date_paper_and_page_its_name_holds(tmp_path):
    # read_file reads the file's own name once; a key naming another file is read too
    from analysis.sources import read_file

    path = tmp_path / "plain.txt"
    path.write_text("园区发布人才新政\n\n园区日前发布人才新政。\n", encoding="utf-8")
    (row,) = read_file(path, key="2023/wuxi-evening_2023-08-09_A02.txt")
    assert (row["paper"], row["page"]) == ("wuxi-evening", "A02")
    assert row["issue_date"] == pd.Timestamp("2023-08-09")
    (row,) = read_file(path)
    assert (row["paper"], row["page"], row["issue_date"]) == ("", "", None)


def test_files_are_shown_relative_to_the_working_directory(tmp_path, monkeypatch):
    from pathlib import Path

    from analysis.sources import _display, _shown

    (tmp_path / "day").mkdir()
    (tmp_path / "day" / "a_2023-08-09.txt").write_text("园区揭牌\n\n园区今天揭牌。\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    for path in ("day/a.txt", str(tmp_path / "day" / "a.txt"), "/elsewhere/a.txt", str(tmp_path)):
        assert _shown(path) == _display(Path(path))
    assert _shown(str(tmp_path / "day" / "a.txt")) == "day/a.txt"
    df = analysis.load_articles(tmp_path / "day")
    assert list(df["source"]) == ["day/a_2023-08-09.txt"]
    assert df.attrs["load_report"].loaded == [("day/a_2023-08-09.txt", 1)]


def test_files_read_ahead_are_still_parsed_or_refused_in_their_turn(tmp_path, monkeypatch):
    # the loader reads text files a run at a time before it parses them: a file that
    # could not be read is refused (or skipped) in its turn, after the files before it
    from analysis import sources

    monkeypatch.setattr(sources, "_READ_AHEAD_FILES", 4)  # runs of files 0-3, then 4
    for k in range(5):
        (tmp_path / f"{k}_2023-08-09.txt").write_text(
            f"园区揭牌{k}\n\n园区今天揭牌，新增企业{k}家。\n", encoding="utf-8"
        )
    (tmp_path / "1_2023-08-09.txt").write_bytes(b"")  # read, then refused when parsed
    read_bytes = sources.read_bytes

    def gone_after_listing(path, shown=None):
        if path.endswith("3_2023-08-09.txt"):
            raise InputError(f"{shown}: no such file", path=shown, problem="missing")
        return read_bytes(path, shown)

    monkeypatch.setattr(sources, "read_bytes", gone_after_listing)
    with pytest.raises(InputError, match="empty"):  # file 1's error, not file 3's
        analysis.load_articles(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = analysis.load_articles(tmp_path, errors="warn")
    assert list(df["title"]) == ["园区揭牌0", "园区揭牌2", "园区揭牌4"]
    report = df.attrs["load_report"]
    assert [os.path.basename(p) for p, _ in report.skipped] == [
        "1_2023-08-09.txt",
        "3_2023-08-09.txt",
    ]
    assert ["empty" in str(w.message) for w in caught] == [True, False]
    assert "no such file" in str(caught[1].message)


def test_the_loader_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    import gc

    (tmp_path / "a.txt").write_text("园区揭牌\n\n园区今天揭牌。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    assert gc.isenabled()
    with pytest.raises(InputError, match="empty"):
        analysis.load_articles(tmp_path)
    assert gc.isenabled()
    gc.disable()
    try:
        assert len(analysis.load_articles(tmp_path / "a.txt")) == 1
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_excel_escapes_of_control_characters_are_read_back(tmp_path):
    # Excel and XlsxWriter store a cell's carriage return as the escape _x000D_
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["标题", "正文"])
    sheet.append(["新区揭牌", "新区揭牌。_x000D_\n新区将推动产业集聚。"])
    book.save(tmp_path / "scraped_2023-08-09.xlsx")
    df = analysis.load_articles(tmp_path / "scraped_2023-08-09.xlsx")
    assert df.loc[0, "body"] == "新区揭牌。\n新区将推动产业集聚。"


# --------------------------------------------------------------------------- duplicates
# Crawler-style one-article files (headline, blank line, indented paragraphs), written
# by us in the shape of the real ones.
_LEAD = "\u3000\u3000本报南京3月4日电  "
_REPORT = [
    "江苏高新区今年一季度新增科技型中小企业一千二百家，同比增长百分之十八。",
    "省科技厅有关负责人介绍，全省高新区研发投入强度达到百分之三点五。",
    "苏州工业园区、无锡高新区等园区的创新平台建设加快推进，新建省级以上研发机构六十家。",
    "下一步，全省将围绕集成电路、生物医药等产业，加快培育一批创新型领军企业。",
    "各园区还将完善人才政策，吸引更多青年科技人才来苏创新创业。",
]


def _article_file(path, title, sentences, *, kicker="", width="full"):
    body = "".join(sentences)
    if width == "half":  # the same text typed with half-width punctuation and spaces
        body = body.replace("，", ", ").replace("、", "、 ")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{kicker}\n{title}\n\n{_LEAD}{body}\n\u3000\u3000（记者 王浩）\n", "utf-8")


def _duplicates(df):
    """{title: (rule, title of the original)} of the duplicates."""
    titles = dict(zip(df["article_id"], df["title"], strict=True))
    copies = df[df["duplicate_of"] != ""]
    return {
        t: (r, titles[o])
        for t, r, o in zip(
            copies["title"], copies["duplicate_rule"], copies["duplicate_of"], strict=True
        )
    }


def test_a_report_printed_twice_is_an_exact_duplicate_of_the_earliest_issue(tmp_path):
    # the later issue's file sorts first by name: the earlier issue still holds the original
    _article_file(tmp_path / "a_2019-03-06.txt", "江苏高新区创新动能持续增强", _REPORT)
    _article_file(
        tmp_path / "b_2019-03-05.txt", "江苏高新区创新动能持续增强", _REPORT, width="half"
    )
    df = analysis.load_articles(tmp_path)
    original = df[df["source"].str.endswith("b_2019-03-05.txt")]
    copy = df[df["source"].str.endswith("a_2019-03-06.txt")]
    assert list(original["duplicate_of"]) == [""] and list(original["duplicate_rule"]) == [""]
    assert list(copy["duplicate_of"]) == list(original["article_id"])
    assert list(copy["duplicate_rule"]) == ["exact"]


def test_the_same_body_under_another_headline_and_near_copies_are_duplicates(tmp_path):
    day = tmp_path / "2019-03" / "20190305"
    _article_file(day / "20190305-01-02.txt", "江苏高新区创新动能持续增强", _REPORT)
    # page 4 prints the report under its own headline
    _article_file(day / "20190305-04-01.txt", "一季度新增科技型企业千余家", _REPORT)
    # page 5: the same report with a photo caption added (more than 90% of each is shared)
    edited = [*_REPORT, "图为苏州工业园区一角（新华社发）。"]
    _article_file(day / "20190305-05-01.txt", "创新动能持续增强", edited)
    # page 6: shares two of the five sentences, a report of its own
    own = [
        _REPORT[0],
        _REPORT[1],
        "浙江杭州高新区同期新增高新技术企业三百家，数字经济核心产业营收增长两成。",
        "安徽合肥高新区量子信息产业集群加快成势，新落户重点项目二十个。",
        "上海张江科学城集成电路设计企业营收突破千亿元。",
    ]
    _article_file(day / "20190305-06-01.txt", "长三角高新区一季度成绩单", own)
    df = analysis.load_articles(tmp_path)
    assert _duplicates(df) == {
        "一季度新增科技型企业千余家": ("same_body", "江苏高新区创新动能持续增强"),
        "创新动能持续增强": ("sentences", "江苏高新区创新动能持续增强"),
    }


def test_a_body_under_three_headlines_is_a_template_not_a_duplicate(tmp_path):
    # a crawler that saved the site's page shell instead of the article, three times
    shell = ["首页 | 简 | 繁 | EN | 登录个人中心 | 退出 | 邮箱 | 无障碍。"] * 1 + _REPORT[:1]
    for n, title in enumerate(["李强会见泰国国王", "何立峰主持中德财金对话", "丁薛祥出席开幕式"]):
        _article_file(tmp_path / f"2025111{n}-01-01.txt", title, shell)
    _article_file(tmp_path / "20251113-01-01.txt", "丁薛祥出席开幕式", shell)
    df = analysis.load_articles(tmp_path)
    assert _duplicates(df) == {"丁薛祥出席开幕式": ("exact", "丁薛祥出席开幕式")}


def test_find_duplicates_leaves_boilerplate_empty_bodies_and_short_briefs_alone():
    from analysis.select import find_duplicates

    articles = pd.DataFrame(
        {
            "article_id": ["a", "b", "c", "d", "e", "f"],
            "issue_date": pd.to_datetime(["2023-08-09"] * 6),
            "source": ["p.txt"] * 6,
            "position": [1, 2, 3, 4, 5, 6],
            "kind": ["boilerplate", "boilerplate", "article", "article", "article", "article"],
            "title": ["", "", "图片报道", "图片报道", "要闻", "快讯"],
            "body": ["本版责编：王明", "本版责编：王明", "", "", "详见第三版。", "详见第三版。"],
        }
    )
    found = find_duplicates(articles)
    # boilerplate and bodiless photos are never duplicates; a body shorter than 30
    # characters under another headline is not the same report
    assert list(found["duplicate_of"]) == [""] * 6
    # (an empty table gives an empty frame)
    assert find_duplicates(articles.iloc[:0]).empty


def test_the_same_file_given_twice_is_read_once(tmp_path):
    day = tmp_path / "20190305"
    _article_file(day / "20190305-01-02.txt", "江苏高新区创新动能持续增强", _REPORT)
    _article_file(day / "20190305-01-03.txt", "长三角高新区一季度成绩单", _REPORT[:3])
    link = tmp_path / "link.txt"
    try:
        link.symlink_to(day / "20190305-01-02.txt")
    except OSError:
        link = None
    given = [day, day / "20190305-01-02.txt", tmp_path / "20190305" / ".." / "20190305"]
    df = analysis.load_articles(*given, *([link] if link else []))
    assert len(df) == 2 and df["article_id"].is_unique
    assert (df["duplicate_of"] == "").all()
    ignored = df.attrs["load_report"].ignored
    assert len(ignored) == 3 + (link is not None)
    assert all("the same file as" in why and why.endswith("read once") for _, why in ignored)


def test_duplicates_found_from_keys_made_apart_are_those_found_from_the_text(tmp_path):
    # the build makes each file's keys in its workers and compares them at the end
    from analysis.select import duplicate_keys, find_duplicates

    day = tmp_path / "2019-03" / "20190305"
    _article_file(day / "20190305-01-02.txt", "江苏高新区创新动能持续增强", _REPORT)
    _article_file(day / "20190305-04-01.txt", "一季度新增科技型企业千余家", _REPORT)
    _article_file(day / "20190305-05-01.txt", "创新动能持续增强", [*_REPORT, "图为园区。"])
    _article_file(day / "20190306-01-01.txt", "江苏高新区创新动能持续增强", _REPORT, width="half")
    _article_file(day / "20190307-01-01.txt", "江苏高新区创新动能持续增强", _REPORT)
    df = analysis.load_articles(tmp_path).drop(columns=["duplicate_of", "duplicate_rule"])
    df.loc[len(df) - 1, "kind"] = "boilerplate"  # never a duplicate: no keys
    found = find_duplicates(df)
    assert set(found["duplicate_rule"]) == {"", "exact", "same_body", "sentences"}
    halves = [duplicate_keys(df.iloc[:2]), duplicate_keys(df.iloc[2:])]
    keys = (halves[0][0] + halves[1][0], halves[0][1] + halves[1][1])
    assert keys[0][-1] is None and keys[1][-1] is None
    text_free = df.drop(columns=["title", "body"])
    pd.testing.assert_frame_equal(find_duplicates(text_free, keys), found)
