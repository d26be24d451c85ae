"""Splitting pages into articles: the sample page, re-typeset variants, other layouts."""

from __future__ import annotations

import hashlib
import itertools
import random
import re
from collections import OrderedDict

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import dates
from analysis.pages import (
    _WEB_TAIL,
    _WEB_TAIL_MARK,
    ARTICLE_COLUMNS,
    TEXT_FIELDS,
    _chinese,
    _ends_web_tail,
    _headline_like,
    _is_boilerplate,
    _web_tail_start,
    article_id,
    articles_frame,
    glues,
    parse_article_file,
    parse_page,
    split_byline,
)
from tests import pagegen

SEED = pagegen.seed_text()
SEED_NAME = "wuxi-evening_2023-08-09.txt"


def _assert_nothing_lost(df, text: str) -> None:
    """Every non-space character of ``text`` is in the parsed rows' text fields, once."""
    together = "".join(df[list(TEXT_FIELDS)].to_numpy().ravel())
    assert pagegen.non_space_counter(together) == pagegen.non_space_counter(text)


@pytest.fixture(scope="module")
def seed():
    return parse_page(SEED, source=SEED_NAME)


def _paragraphs_of_seed(df):
    return [b.split("\n") for b in df["body"]]


# --------------------------------------------------------------------------- the sample page
def test_seed_gives_exactly_five_articles_in_page_order(seed):
    assert list(seed["title"]) == [
        "长三角国家高新区党建联盟第二次联席会议暨党建引领高水平科技自立自强研讨会在锡召开",
        "康明斯与卓品智能在锡成立合资公司",
        "“车芯联动”区域抱团共进 集成电路行业大咖共话产业热点",
        "长三角汽车芯片应用推广平台启动",
        "氢能产业标准体系建设指南发布",
    ]
    assert list(seed["position"]) == [1, 2, 3, 4, 5]
    assert list(seed.columns) == ARTICLE_COLUMNS


def test_seed_authors_credit_and_section(seed):
    assert list(seed["author"]) == ["王怡菡", "周晓方", "陶洁", "黄振", ""]
    assert list(seed["credit"]) == ["", "", "", "", "新华社"]
    assert list(seed["section"]) == ["", "", "", "", "要闻快览"]
    assert list(seed["byline"]) == ["(王怡菡)", "(周晓方)", "(陶洁)", "(黄振)", "(据新华社)"]


def test_seed_dates_from_dateline_and_lead(seed):
    assert list(seed["date"].dt.strftime("%Y-%m-%d")) == ["2023-08-08"] * 4 + ["2023-08-09"]
    assert list(seed["date_source"]) == [
        "dateline",
        "dateline",
        "lead",
        "dateline",
        "issue_date: not stated (近日)",
    ]
    assert seed["issue_date"].eq(pd.Timestamp("2023-08-09")).all()
    assert seed.loc[0, "dateline"] == "本报讯 8月8日,"
    assert seed.loc[2, "dateline"] == "本报讯"
    assert seed.loc[4, "dateline"] == ""


def test_seed_column_breaks_rejoined(seed):
    body = "\n".join(seed["body"])
    for joined in [
        "营造更加高效、开放",
        "给予无锡发展",
        "“党建+”模式",
        "落户无锡以来",
        "和芯片设计",
        "依托公司市场布局",
        "为上海张江高科技园区",
    ]:
        assert joined in body, joined
    # no piece of a broken paragraph stands as a paragraph of its own
    for para in body.split("\n"):
        assert para.endswith(("。", "”")), para


def test_seed_paragraph_counts_are_the_real_paragraphs(seed):
    assert list(seed["n_paragraphs"]) == [5, 3, 4, 2, 2]
    assert [len(p) for p in _paragraphs_of_seed(seed)] == [5, 3, 4, 2, 2]


def test_seed_bodies_start_after_dateline_and_end_before_byline(seed):
    assert seed.loc[0, "body"].startswith("长三角国家高新区党建联盟第二次联席会议暨")
    assert seed.loc[2, "body"].startswith("第二届长三角集成电路工业应用一体化发展大会")
    assert seed.loc[0, "body"].endswith("凝聚发展共识。")
    assert not any("(王怡菡)" in b or "据新华社" in b for b in seed["body"])


def test_no_footer_text_in_any_article(seed):
    text = "".join(seed[list(TEXT_FIELDS)].to_numpy().ravel())
    for footer in ["热线", "@163.com", "214125", "金融二街", "未经本报授权", "0510-81853620"]:
        assert footer not in text


def test_keep_boilerplate_loses_nothing_on_the_seed():
    df = parse_page(SEED, source=SEED_NAME, keep_boilerplate=True)
    assert list(df["kind"]) == ["article"] * 4 + ["boilerplate", "article", "boilerplate"]
    assert df.loc[6, "body"].startswith("无锡报业新闻热线")
    _assert_nothing_lost(df, SEED)


def test_article_ids_are_stable_and_unique(seed):
    again = parse_page(SEED, source=SEED_NAME)
    assert list(again["article_id"]) == list(seed["article_id"])
    assert seed["article_id"].is_unique
    assert all(re.fullmatch(r"[0-9a-f]{16}", a) for a in seed["article_id"])
    other = parse_page(SEED, source="another_2023-08-09.txt")
    assert set(other["article_id"]).isdisjoint(seed["article_id"])


# --------------------------------------------------------------------------- re-typeset seed
HEADS = {"要闻快览", "(据新华社)"}


def _retypeset(text, titles, *, sep="\n\n", indent="", full_width=False):
    """Every line but headlines and the footer indented (so are the pieces after column breaks)."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    footer = lines.index("无锡报业新闻热线:88300000")
    table = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）"})
    out = []
    for n, ln in enumerate(lines):
        plain = n >= footer or ln in titles or ln in HEADS
        if full_width:
            ln = ln.translate(table)
        out.append(("" if plain else indent) + ln)
    return sep.join(out)


@pytest.mark.parametrize(
    "sep,indent,full_width,newline",
    [
        ("\n", "", False, "\n"),
        ("\n\n", "\u3000\u3000", True, "\r\n"),
        ("\n", "  ", True, "\r"),
        ("\n\n\n", "\t", False, "\n"),
    ],
)
def test_seed_variants_give_the_same_articles(seed, sep, indent, full_width, newline):
    text = _retypeset(SEED, set(seed["title"]), sep=sep, indent=indent, full_width=full_width)
    text = text.replace("\n", newline)
    df = parse_page(text, source=SEED_NAME)
    assert len(df) == 5
    assert list(df["title"]) == list(seed["title"])
    assert list(df["author"]) == list(seed["author"])
    assert list(df["n_paragraphs"]) == [5, 3, 4, 2, 2]
    assert "营造更加高效、开放" in df.loc[0, "body"]
    assert df.loc[4, "credit"] == "新华社"


def test_seed_with_column_breaks_moved(seed):
    """Rejoin the seed's paragraphs, then cut them at other places (inside words)."""
    rng = random.Random(7)
    lines = []
    for _, row in seed.iterrows():
        lines.append(row["title"])
        for k, para in enumerate(row["body"].split("\n")):
            text = (row["dateline"] + para) if k == 0 else para
            if k == row["n_paragraphs"] - 1:
                text += row["byline"] if row["author"] else ""
            cut = rng.randrange(len(row["dateline"]) + 5, len(text) - 8) if k else None
            while cut and text[cut - 1] in "。;":
                cut += 1
            lines += [text[:cut], text[cut:]] if cut else [text]
        if row["credit"]:
            lines.append(row["byline"])
    df = parse_page("\n\n".join(lines), issue_date="2023-08-09")
    assert list(df["title"]) == list(seed["title"])
    assert list(df["body"]) == list(seed["body"])


# --------------------------------------------------------------------------- other layouts
LAYOUT_PAGE = """\
　　科技创新引领高质量发展
　　新区集成电路产业再上新台阶
　　——上半年新增专精特新企业五十家

　　本报北京10月29日电（记者 王浩 李明）　记者从有关方面获悉，新区集成电路产业规模持续扩大，
创新能力显著增强。
　　今年以来，新区围绕产业链部署创新链，推动重点项目建设，已有多家企业落户。

　　绿色低碳园区建设提速
　　本报记者　刘峰
　　本报讯　园区日前出台绿色低碳发展方案，提出到2025年建成一批零碳工厂。
　　方案明确了重点任务和保障措施。
"""


def test_kicker_title_subtitle_and_datelines_with_reporters():
    df = parse_page(LAYOUT_PAGE, issue_date="2023-10-30")
    assert len(df) == 2
    first, second = df.iloc[0], df.iloc[1]
    assert first["kicker"] == "科技创新引领高质量发展"
    assert first["title"] == "新区集成电路产业再上新台阶"
    assert first["subtitle"] == "——上半年新增专精特新企业五十家"
    assert first["dateline"] == "本报北京10月29日电（记者 王浩 李明）"
    assert first["author"] == "王浩、李明"
    assert first["date"] == pd.Timestamp("2023-10-29")
    assert first["body"].split("\n")[0].endswith("创新能力显著增强。")
    assert first["n_paragraphs"] == 2
    assert second["title"] == "绿色低碳园区建设提速"
    assert second["author"] == "刘峰"
    assert second["byline"] == "本报记者　刘峰"
    assert second["date_source"] == "issue_date: not stated (日前)"
    assert second["date"] == pd.Timestamp("2023-10-30")


def test_december_dateline_in_january_issue_is_previous_year():
    page = "园区年终盘点\n\n本报讯 12月30日,园区召开年终总结会议。(王明)\n"
    df = parse_page(page, issue_date="2024-01-02")
    assert df.loc[0, "date"] == pd.Timestamp("2023-12-30")


def test_no_issue_date_infers_year_from_page():
    page = "园区召开大会\n\n本报讯 5月6日,2021年园区大会召开。(王明)\n"
    df = parse_page(page)
    assert df.loc[0, "date"] == pd.Timestamp("2021-05-06")
    assert df.loc[0, "date_source"] == "dateline; year inferred from page"
    assert pd.isna(df.loc[0, "issue_date"])


@pytest.mark.parametrize(
    "name",
    ["paper_2023-08-09.txt", "paper_20230809.txt", "paper_2023年8月9日.txt", "2023.08.09.txt"],
)
def test_issue_date_from_file_name(name):
    df = parse_page("园区召开大会\n\n本报讯 8月8日,园区大会召开。(王明)\n", source=name)
    assert df.loc[0, "issue_date"] == pd.Timestamp("2023-08-09")
    assert df.loc[0, "date"] == pd.Timestamp("2023-08-08")


def test_headline_like_fragment_is_not_a_headline():
    """A short fragment before a column break, in a dated article, is rejoined."""
    page = (
        "康明斯扩大在锡投资\n\n本报讯 8月8日,市长会见企业代表。\n\n"
        "赵建军感谢康明斯多年来给予无\n\n锡发展的积极支持。(周晓方)\n"
    )
    df = parse_page(page, issue_date="2023-08-09")
    assert len(df) == 1
    assert df.loc[0, "body"].split("\n")[1] == "赵建军感谢康明斯多年来给予无锡发展的积极支持。"


def test_articles_without_byline_split_at_next_dateline():
    page = (
        "园区召开大会\n本报讯 8月8日,园区大会召开。\n"
        "新区发布人才政策\n本报讯 8月7日,新区发布人才政策。\n"
    )
    df = parse_page(page, issue_date="2023-08-09")
    assert list(df["title"]) == ["园区召开大会", "新区发布人才政策"]
    assert list(df["date"].dt.day) == [8, 7]


def test_traditional_page_parsed_like_simplified(seed):
    import opencc

    trad = opencc.OpenCC("s2t").convert(SEED)
    df = parse_page(trad, source=SEED_NAME)
    assert len(df) == 5
    assert df.loc[4, "section"] == "要聞快覽"
    assert df.loc[4, "credit"] == "新華社"
    assert list(df["author"]) == ["王怡菡", "周曉方", "陶潔", "黃振", ""]
    assert list(df["n_paragraphs"]) == [5, 3, 4, 2, 2]


def test_empty_and_whitespace_pages_give_empty_tables():
    for text in ["", "\n\n", "\u3000 \n"]:
        df = parse_page(text)
        assert df.empty and list(df.columns) == ARTICLE_COLUMNS


def test_parse_article_file_keeps_subheadings_in_the_body():
    text = (
        "新区打造创新高地\n\n　　本报讯（记者 王浩）新区加快建设。\n"
        "　　一、加快产业集聚\n　　新区推动项目落地。\n　　本报记者 刘峰\n"
    )
    df = parse_article_file(text, issue_date="2023-08-09")
    assert len(df) == 1
    assert df.loc[0, "title"] == "新区打造创新高地"
    assert df.loc[0, "body"] == "新区加快建设。\n一、加快产业集聚\n新区推动项目落地。"
    assert df.loc[0, "author"] == "王浩、刘峰"


def test_parse_article_file_keeps_the_cells_of_a_table_apart():
    # a table flattened by a crawler: one cell a line, each indented; a header ending in
    # a colon, then company / date / sponsor rows; the names must not run together
    text = (
        "\n示例公司过会\n\n　　本报讯 示例公司日前过会。\n"
        "　　今年过会企业一览：\n　　公司名称\n　　上会日期\n　　保荐机构\n"
        "　　江苏示例精密股份有限公司\n　　2026/1/13\n　　甲乙证券\n"
        "　　浙江样板科技股份有限公司\n　　2026/2/4\n　　丙丁证券\n"
        "　　示例精密（江苏）股份有限公司\n　　2026/3/5\n　　甲乙证券、丙丁证券\n"
        "　　安徽样板电子股份有限公司\n"
    )
    body = parse_article_file(text).loc[0, "body"].split("\n")
    assert body[1:] == [
        "今年过会企业一览：公司名称",
        "上会日期",
        "保荐机构",
        "江苏示例精密股份有限公司",
        "2026/1/13",
        "甲乙证券",
        "浙江样板科技股份有限公司",
        "2026/2/4",
        "丙丁证券",
        "示例精密（江苏）股份有限公司",
        "2026/3/5",
        "甲乙证券、丙丁证券",
        "安徽样板电子股份有限公司",
    ]
    # lines of running text that break off mid-sentence still join
    flowing = "\n示例\n\n　　新区加快建设，\n　　项目落地。\n"
    assert parse_article_file(flowing).loc[0, "body"] == "新区加快建设，项目落地。"


def test_helpers_glue_and_byline():
    assert glues("给予无", "锡发展")
    assert glues("营造更加高", "效、开放")
    assert not glues("指南发布", "国家标准委")
    assert split_byline("作了交流发言。(王怡菡)") == ("作了交流发言。", "(王怡菡)")
    assert split_byline("成立康卓电子(无锡)有限公司") == ("成立康卓电子(无锡)有限公司", "")
    assert split_byline("标准体系建设指南(2023版)")[1] == ""


_WEB_TAIL_PIECES = (
    *("阅读下一篇", "相关稿件", "相关新闻", "相关阅读", "返回顶部", "关闭窗口", "【纠错】"),
    *("【我要纠错】", "责任编辑", "【责任编辑:", "：", ":", "】", "【", "{", "}", ";", "·"),
    *("责", "任", "编", "辑", "篇", "件", "张三", "园区", "。", " ", "\u3000", "\n", "\xa0"),
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_WEB_TAIL_PIECES), max_size=12).map("".join))
def test_web_tail_tests_find_what_the_rules_find(text):
    # the quick end test and the search from near the end find what the rule finds
    # anywhere (an editor's name may itself be 责任编辑), and where the leftovers start
    # (a mark, with the whitespace before it) is where the rule's search finds it
    assert _ends_web_tail(text) == bool(_WEB_TAIL.search(text))
    expected = re.search(rf"\s*(?:{_WEB_TAIL_MARK.pattern})", text)
    assert _web_tail_start(text) == (expected.start() if expected else -1)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("园区发布a1}|。 \u3000\t\xa0\n·"), max_size=12))
def test_a_chinese_line_is_told_by_counting_its_characters(text):
    # (counted run by run in the module)
    n_han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    n_shown = sum(not ch.isspace() for ch in text)
    assert _chinese(text) == (n_han >= 2 and 2 * n_han >= n_shown)


def test_article_id_hashes_each_part_and_a_separator():
    # (the ids of every table built before stay the same)
    h = hashlib.blake2b(digest_size=8)
    for part in ("20190305-01-02.txt", "3", "园区发布人才新政\x1e园区日前发布人才新政。"):
        h.update(part.encode("utf-8") + b"\x1f")
    made = article_id("20190305-01-02.txt", 3, "园区发布人才新政\x1e园区日前发布人才新政。")
    assert made == h.hexdigest()
    assert article_id("a", 1) != article_id("a1") != article_id("a", "1", "")


# --------------------------------------------------------------------------- property
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed_=st.integers(0, 10**6),
    n_articles=st.integers(1, 5),
    n_briefs=st.integers(0, 2),
    separator=st.sampled_from(["\n", "\n\n", "\r\n", "\r\n\r\n"]),
    indent=st.sampled_from(["", "\u3000\u3000", "  "]),
    full_width=st.booleans(),
    breaks=st.floats(0, 1),
    styled=st.booleans(),
    n_features=st.integers(0, 2),
)
def test_generated_pages_round_trip_and_lose_nothing(
    seed_, n_articles, n_briefs, separator, indent, full_width, breaks, styled, n_features
):
    rng = random.Random(seed_)
    # styled: kickers ending in ——, titles ending in ！”, and on indented pages subheads
    articles = [
        pagegen.make_article(rng, styled=styled, subheads=styled and bool(indent))
        for _ in range(n_articles)
    ]
    # undated features with subheads (kept in the body, flat or indented), anywhere; an
    # article right above a feature ends with a byline (else nothing on a flat page tells
    # the feature's title from one more subhead)
    for _ in range(n_features):
        articles.insert(rng.randint(0, len(articles)), pagegen.make_feature(rng))
    for above, below in itertools.pairwise(articles):
        if not below.dateline and not above.authors:
            above.authors = [pagegen.make_name(rng)]
    briefs = [pagegen.make_article(rng, brief=True) for _ in range(n_briefs)]
    if briefs:
        briefs[-1].credit = "新华社"
    page = pagegen.render(
        articles + briefs,
        rng,
        separator=separator,
        indent=indent,
        full_width=full_width,
        breaks=breaks,
        brief_from=len(articles) if briefs else None,
    )
    df = parse_page(page.text, issue_date="2024-06-30", keep_boilerplate=True)
    _assert_nothing_lost(df, page.text)

    arts = df[df["kind"] == "article"].reset_index(drop=True)
    assert list(arts["title"]) == [a.title for a in page.articles]
    assert list(arts["kicker"]) == [a.kicker for a in page.articles]
    assert list(arts["body"]) == ["\n".join(a.paragraphs) for a in page.articles]
    assert list(arts["author"]) == ["、".join(a.authors) for a in page.articles]
    assert list(arts["section"]) == page.section_of
    assert not arts["body"].str.contains("热线").any()


# An indented page of another paper (our own text): a page header with the issue date, an
# editor line, headline blocks of two lines, a byline line under the headline, an article
# with no dateline or byline line after a dated one, and a brief section.
OTHER_PAPER = """\
人民日报 2023年10月30日 星期一 第2版
责任编辑：李明

　　科技创新共同体建设加速推进
　　长三角一体化发展取得新突破
　　本报记者　王浩　刘峰
　　本报上海10月29日电　长三角科技创新共同体建设加速推进，区域协同创新能力持续提升。
　　据介绍，长三角地区将进一步加强
基础研究合作，共建一批高水平实验室。

　　苏州工业园区
　　打造世界一流高科技园区
　　近年来，苏州工业园区坚持创新驱动，集聚了一批高新技术企业。
　　园区有关负责人表示，将持续优化营商环境。（本报记者　张三）

　　简讯
　　合肥高新区发布人才新政
　　本报合肥10月29日电　合肥高新区日前发布人才新政。（记者　李四）
"""


def test_another_papers_indented_page():
    df = parse_page(OTHER_PAPER, keep_boilerplate=True)
    arts = df[df["kind"] == "article"].reset_index(drop=True)
    assert list(arts["title"]) == [
        "科技创新共同体建设加速推进",
        "打造世界一流高科技园区",
        "合肥高新区发布人才新政",
    ]
    assert arts.loc[0, "subtitle"] == "长三角一体化发展取得新突破"
    assert arts.loc[1, "kicker"] == "苏州工业园区"
    assert list(arts["author"]) == ["王浩、刘峰", "张三", "李四"]
    assert list(arts["n_paragraphs"]) == [2, 2, 1]
    assert (
        arts.loc[0, "body"].split("\n")[1]
        == "据介绍，长三角地区将进一步加强基础研究合作，共建一批高水平实验室。"
    )
    assert list(arts["section"]) == ["", "", "简讯"]
    # the issue date printed in the page header
    assert arts["issue_date"].eq(pd.Timestamp("2023-10-30")).all()
    assert arts.loc[1, "date"] == pd.Timestamp("2023-10-30")
    assert arts.loc[0, "date_source"] == "dateline"
    assert df.loc[0, "kind"] == "boilerplate" and "责任编辑" in df.loc[0, "body"]
    _assert_nothing_lost(df, OTHER_PAPER)


# --------------------------------------------------------------------------- helpers' corner cases
def test_split_byline_only_a_last_parenthesis_standing_alone():
    # an earlier parenthesis does not hide the byline; a final newline is allowed
    text = "成立康卓电子(无锡)有限公司。"
    assert split_byline(text + "(王明)") == (text, "(王明)")
    assert split_byline("作了发言。(王明)\n") == ("作了发言。", "(王明)")
    assert split_byline("作了发言。（记者 王浩 李明）") == ("作了发言。", "（记者 王浩 李明）")
    # the last parenthesis holds no name: nothing is split off
    assert split_byline("作了发言。(王明)(李)") == ("作了发言。(王明)(李)", "")
    assert split_byline("作了发言。(王明)\n\n") == ("作了发言。(王明)\n\n", "")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("新闻热线:88300000", True),
        ("EMAIL:a", True),  # the words in any case
        ("Www.example", True),
        ("CN32-0001", True),
        ("0510-88300000", True),  # a line of numbers
        ("1234567", True),
        ("2023年8月8日,新区揭牌。", False),
        ("本报记者在现场看到,国内外客商纷纷前来洽谈,主要负责人表示将加快推进项目建设。", False),
    ],
)
def test_boilerplate_lines(line, expected):
    assert _is_boilerplate(line) is expected


def test_articles_frame_from_partial_and_odd_records():
    records = [
        {"title": None, "position": pd.NA, "block": 3, "date": None},
        OrderedDict(title=5, position=2, block=True, issue_date="2023-08-09"),
    ]
    df = articles_frame(records)
    assert list(df.columns) == ARTICLE_COLUMNS
    assert list(df["title"]) == ["", "5"]
    assert list(df["body"]) == ["", ""]
    assert pd.isna(df.loc[0, "position"]) and df.loc[1, "position"] == 2
    assert list(df["block"]) == [3, 1]
    assert df["date"].isna().all()
    assert pd.isna(df.loc[0, "issue_date"])
    assert df.loc[1, "issue_date"] == pd.Timestamp("2023-08-09")
    # the dtype pandas gives text: "str" on pandas 3, object on pandas 2 (Python 3.10)
    text_dtype = pd.Series([""]).astype("str").dtype
    assert df["title"].dtype == text_dtype and df["block"].dtype == "Int64"
    assert df["date"].dtype == "datetime64[ns]"


# --------------------------------------------------------------------------- one-article files
# Files in a crawler's layout (our own sentences in the shape of real ones): line 1 the
# kicker, line 2 the title, line 3 the subtitle, an empty line for an empty slot, then
# paragraphs indented with two U+3000.
P1 = "\u3000\u3000本报北京3月5日电  园区今年新增科技型企业一百二十家，研发投入同比增长一成。"
P2 = "\u3000\u3000园区有关负责人表示，将继续优化营商环境，加快培育新兴产业。"


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        (
            "kicker ending in a dash",
            ["读者热议本报评论——", "守正创新者行稳致远", ""],
            ("读者热议本报评论——", "守正创新者行稳致远", ""),
        ),
        (
            "title ending in an exclamation and a quote",
            ["", "“让创新活力竞相迸发！”", ""],
            ("", "“让创新活力竞相迸发！”", ""),
        ),
        (
            "title ending in a question mark",
            ["", "园区的人才从哪里来？", ""],
            ("", "园区的人才从哪里来？", ""),
        ),
        (
            "title ending in a book title mark",
            ["", "读《园区发展报告》", ""],
            ("", "读《园区发展报告》", ""),
        ),
        ("one-word title", ["", "短评", ""], ("", "短评", "")),
        ("a section-like title", ["", "国内要闻快讯", ""], ("", "国内要闻快讯", "")),
        (
            "empty kicker line: title and subtitle",
            ["", "园区发布人才新政", "首批补贴资金到位"],
            ("", "园区发布人才新政", "首批补贴资金到位"),
        ),
        (
            "kicker and title, empty subtitle",
            ["科技创新引领发展", "新区产业再上新台阶", ""],
            ("科技创新引领发展", "新区产业再上新台阶", ""),
        ),
        (
            "subtitle beginning with a dash",
            ["园区发布人才新政", "——首批补贴资金到位", ""],
            ("", "园区发布人才新政", "——首批补贴资金到位"),
        ),
        (
            "long title with commas and a dash",
            ["", "坚持创新驱动，建设一流园区——写在园区成立三十周年之际的一组观察报告之一", ""],
            ("", "坚持创新驱动，建设一流园区——写在园区成立三十周年之际的一组观察报告之一", ""),
        ),
    ],
)
def test_crawler_layout_file_is_one_article_with_its_headline_slots(name, head, expected):
    text = "\n".join([*head, P1, P2]) + "\n"
    for parse in (parse_page, parse_article_file):
        df = parse(text, source="20190305-01-02.txt")
        assert len(df) == 1, name
        assert tuple(df.loc[0, ["kicker", "title", "subtitle"]]) == expected, name
        assert df.loc[0, "dateline"] == "本报北京3月5日电"
        assert df.loc[0, "body"].endswith("加快培育新兴产业。")


# A web page's chrome kept by a crawler (indented like the paragraphs): timestamp, source,
# font size buttons, print link. It is text of the article (or boilerplate), never a
# headline, and never splits the file.
CHROME = [
    "园区举办科技成果对接会",
    "2025-11-13 18:26",
    "来源：",
    "本报",
    "字号：默认",
    "大",
    "超大",
    "|",
    "打印|",
]


@pytest.mark.parametrize("slots", [True, False])
def test_page_chrome_lines_do_not_split_the_file_or_take_the_headline(slots):
    lines = ["\u3000\u3000" + x for x in CHROME] + [P1, P2]
    head = ["", "园区举办科技成果对接会", ""] if slots else ["园区举办科技成果对接会"]
    text = "\n".join(head + lines) + "\n"
    df = parse_page(text, source="20251113-01-08.txt", keep_boilerplate=True)
    arts = df[df["kind"] == "article"]
    assert len(arts) == 1
    assert tuple(arts.iloc[0][["kicker", "title", "subtitle"]]) == (
        "",
        "园区举办科技成果对接会",
        "",
    )
    _assert_nothing_lost(df, text)


def test_flush_title_above_indented_text_is_a_headline_whatever_its_shape():
    # without the crawler's empty slot lines: the layout (flush left above an indented
    # paragraph) makes the title, even long, with commas and a dash, ending in 向
    title = "坚持创新驱动，建设一流园区——从园区年度工作会议看明年发展方向"
    df = parse_page(f"{title}\n{P1}\n{P2}\n", source="20190305-01-03.txt")
    assert len(df) == 1 and df.loc[0, "title"] == title
    # a short headline and one indented paragraph is still an indented file
    df = parse_page(f"国内要闻快讯\n{P1}\n", source="20190305-01-04.txt")
    assert list(df["title"]) == ["国内要闻快讯"] and df.loc[0, "section"] == ""


def test_headline_shapes():
    assert _headline_like("读者热议本报评论——", relaxed=True)
    assert _headline_like("守正创新者行稳致远！", relaxed=False)
    assert _headline_like("“让创新活力竞相迸发！”", relaxed=False)
    assert not _headline_like("他说，好！", relaxed=False)  # a clause before the exclamation
    assert not _headline_like("园区今年新增科技型企业。", relaxed=True)
    assert not _headline_like("园区今年新增科技型企业的", relaxed=True)
    assert _headline_like("坚持创新，建设园区，服务企业——看明年发展方向", relaxed=True, loose=True)
    # a kicker ending in a dash with no title under it is not a headline block
    page = "园区新闻\n\n园区召开大会。\n\n园区今年新增企业——\n\n一百二十家，增长一成。\n"
    df = parse_page(page)
    assert len(df) == 1 and df.loc[0, "body"].endswith("园区今年新增企业——一百二十家，增长一成。")


def test_a_long_paragraph_naming_an_address_is_not_a_footer():
    para = (
        "园区服务中心星期一起延长办公时间，地址：示例路1号，电话：88300000。"
        + "园区有关负责人表示，将继续优化营商环境，加快培育新兴产业。" * 3
    )
    assert not _is_boilerplate(para)
    assert _is_boilerplate("地址：示例路1号 电话：88300000")
    df = parse_page(f"园区延长办公时间\n{P1}\n\u3000\u3000{para}\n", keep_boilerplate=True)
    assert list(df["kind"]) == ["article"]


# --------------------------------------------------------------------------- article dates
@pytest.mark.parametrize(
    ("dateline", "lead", "issue", "date", "source"),
    [
        # a historical date in an anniversary feature is not the article's date
        (
            "",
            "1949年10月1日，开国大典在天安门广场隆重举行。",
            "2019-09-30",
            "2019-09-30",
            "issue_date: lead date outside the window",
        ),
        # nor an event to come
        (
            "",
            "第八届园区博览会将于11月5日至10日在上海举办。",
            "2025-11-03",
            "2025-11-03",
            "issue_date: lead date outside the window",
        ),
        # the first date of the lead inside the window, after one outside it
        (
            "",
            "在新中国成立（1949年10月1日）七十周年之际，园区9月28日举行升旗仪式。",
            "2019-09-30",
            "2019-09-28",
            "lead",
        ),
        ("", "园区管委会7日发布数据，上半年新增企业一百家。", "2023-08-09", "2023-08-07", "lead"),
        ("", "当地时间30日晚，博览会在园区开幕。", "2023-08-02", "2023-07-30", "lead"),
        ("", "园区今天（8月9日）举行签约仪式。", "2023-08-09", "2023-08-09", "lead (今天)"),
        ("", "园区昨天举行签约仪式。", "2023-08-09", "2023-08-08", "lead (昨天)"),
        # a dateline may be older than the window
        ("本报北京7月1日电", "园区举行签约仪式。", "2023-08-09", "2023-07-01", "dateline"),
        # counts of days are no dates
        (
            "",
            "展会为期第7日，7日内接待观众十万人次。",
            "2023-08-09",
            "2023-08-09",
            "issue_date: not stated",
        ),
        ("", "园区近日举行签约仪式。", "2023-08-09", "2023-08-09", "issue_date: not stated (近日)"),
    ],
)
def test_article_date_lies_in_the_issues_window(dateline, lead, issue, date, source):
    got = dates.article_date(dateline, lead, pd.Timestamp(issue))
    assert got == (pd.Timestamp(date), source)


def test_article_dates_on_a_page_stay_in_the_window():
    page = (
        "开国大典七十周年\n\n1949年10月1日，开国大典在天安门广场隆重举行。\n\n"
        "园区举行升旗仪式\n\n本报讯 9月28日，园区举行升旗仪式。(王明)\n"
    )
    df = parse_page(page, issue_date="2019-09-30")
    assert list(df["date"]) == [pd.Timestamp("2019-09-30"), pd.Timestamp("2019-09-28")]
    assert list(df["date_source"]) == ["issue_date: lead date outside the window", "dateline"]


# --------------------------------------------------------------------------- pages of other papers
# Article files joined into an indented page (our own sentences): headlines flush left,
# paragraphs indented; one article ends in a web page's leftovers, one has a dateline,
# one has a run of two subheads (indented like its paragraphs) between its paragraphs.
JOINED_PAGE = "\n".join(
    [
        "园区举办科技成果对接会",
        "\u3000\u3000本报北京3月4日电（记者 王浩）园区举办科技成果对接会，签约项目二十个。",
        "\u3000\u3000园区有关负责人出席。【责任编辑：李明】 阅读下一篇：",
        "",
        "园区企业研发投入增长一成",
        "\u3000\u3000园区企业今年研发投入增长一成，新增发明专利三百件。",
        "",
        "治沙三十年——",
        "“绿了荒山，富了乡亲！”",
        "\u3000\u3000三十年来，林场职工在沙地上种下树木一千万株。",
        "\u3000\u3000治沙英雄王有德",
        "\u3000\u3000把荒漠变成绿洲",
        "\u3000\u3000他带领职工一年四季奋战在沙地上，种活了一片又一片树林。",
        "\u3000\u3000如今，林场的树林已连成一片。",
    ]
)


def test_joined_indented_page_starts_articles_only_at_its_headlines():
    df = parse_page(JOINED_PAGE, issue_date="2019-03-05", keep_boilerplate=True)
    arts = df[df["kind"] == "article"].reset_index(drop=True)
    assert list(arts["title"]) == [
        "园区举办科技成果对接会",
        "园区企业研发投入增长一成",
        "“绿了荒山，富了乡亲！”",
    ]
    assert arts.loc[2, "kicker"] == "治沙三十年——"
    # the subheads stay inside their article, as paragraphs of the body
    assert arts.loc[2, "body"].split("\n")[1:3] == ["治沙英雄王有德", "把荒漠变成绿洲"]
    # the web page's leftovers after its text: a boilerplate row after the article
    assert arts.loc[0, "body"].endswith("园区有关负责人出席。")
    assert df.loc[1, "kind"] == "boilerplate" and df.loc[1, "body"].endswith("阅读下一篇：")
    _assert_nothing_lost(df, JOINED_PAGE)


# --------------------------------------------------------------------------- flat pages
# Pages with every line (headline lines and paragraphs) separated by a blank line and no
# indentation: our own sentences in the shape of a broadcaster's and a web portal's pages.
FLAT_PAGE = "\n\n".join(
    [
        "示范区召开建设推进会",
        "本报讯 10月8日，示范区召开建设推进会，部署下一阶段重点工作。",
        "会议要求，各单位要加快项目落地，确保年底前全部开工。",
        # a long two-part title, its lead retelling it (no date in its first clause)
        "合力共建创新高地——多地企业代表积极评价长三角科技创新共同体建设取得的阶段性成果",
        "多地企业代表表示，长三角科技创新共同体建设取得的阶段性成果令人振奋。",
        # a title with a column's label, a lead that opens with a time word
        "【央视快评】以改革激发园区创新活力",
        "本台今天（10月8日）播发央视快评《以改革激发园区创新活力》。",
        # a title whose lead names who and when in its first clause, after an article
        # with a dateline (a title, not a subhead)
        "省长会见新加坡客人",
        "省长王明10月8日在南京会见新加坡贸工部客人一行。",
        # the article ends in a web page's leftovers; the next title follows
        "双方就深化园区合作交换了意见。 【纠错】 【责任编辑:李华】 阅读下一篇：",
        "高新区发布人才新政",
        "高新区日前出台人才新政，提出十条支持措施。",
    ]
)


def test_flat_page_titles_from_the_lead_below_them():
    df = parse_page(FLAT_PAGE, issue_date="2024-10-09", keep_boilerplate=True)
    _assert_nothing_lost(df, FLAT_PAGE)
    arts = df[df["kind"] == "article"].reset_index(drop=True)
    assert list(arts["title"]) == [
        "示范区召开建设推进会",
        "合力共建创新高地——多地企业代表积极评价长三角科技创新共同体建设取得的阶段性成果",
        "【央视快评】以改革激发园区创新活力",
        "省长会见新加坡客人",
        "高新区发布人才新政",
    ]
    assert list(arts["kicker"]) == [""] * 5
    # the web page's leftovers after the article's text are a boilerplate row after it
    assert arts.loc[3, "body"].endswith("双方就深化园区合作交换了意见。")
    after = df.loc[df.index[df["title"] == "省长会见新加坡客人"][0] + 1]
    assert after["kind"] == "boilerplate" and after["body"].endswith("阅读下一篇：")


def test_flat_page_title_repeated_by_the_crawler_and_a_long_title_above_a_dateline():
    long_title = (
        "携手共建，推动区域协调发展迈上新台阶——写在长三角一体化发展上升为国家战略七周年之际"
    )
    page = "\n\n".join(
        [
            long_title,
            "新华社上海11月5日电 长三角一体化发展上升为国家战略七年来，区域协同不断深化。",
            "市长会见德国客人",
            "市长会见德国客人",  # the crawler repeats the title as the first paragraph
            "市长张伟5日会见德国客人一行。",
        ]
    )
    arts = parse_page(page, issue_date="2024-11-06")
    assert list(arts["title"]) == [long_title, "市长会见德国客人"]
    assert list(arts["kicker"]) == ["", ""]
    # (the repeated line does not end a sentence: without indentation it runs on into the next)
    assert arts.loc[1, "body"] == "市长会见德国客人市长张伟5日会见德国客人一行。"


@pytest.mark.parametrize(
    "line,next_line,expected",
    [
        ("李强会见泰国国王", "国务院总理李强14日上午在京会见泰国国王。", True),  # who and when
        ("园区举行开放日活动", "当地时间8日，园区举行开放日活动。", True),
        ("园区举行开放日活动", "应市政府邀请，园区举行开放日活动。", True),
        # a subhead: what follows carries on the story
        ("审核效率进一步提高", "今年以来，资本市场再融资规则持续优化。", False),
        # a column-break fragment: the next line finishes its sentence
        ("指南明确了", "近三年氢能标准化工作重点任务,系统构建了标准体系。", False),
        ("会议由市委常委", "、秘书长主持。", False),
        ("}", "2日，园区举行开放日活动。", False),  # a line of script is no title
        # the lead opens with a part of a two-part title (before or after its colon)
        ("全国运动会：第十个比赛日产生30枚金牌", "全国运动会赛事进入后半程，多项决赛举行。", True),
        ("王明：推进园区高质量发展", "推进园区高质量发展要做到三个坚持※王明　在…", True),
        ("政策支持：多措并举", "今年以来，多地出台政策支持园区发展。", False),
        # a title with a comma: only above a lead that opens with a time word or a dateline
        ("央视快评：激发园区活力，为发展注入动能", "本台今天（11月28日）播发央视快评。", True),
        ("激发园区活力，为发展注入动能", "园区企业纷纷表示，将加大研发投入。", False),
        ("会议要求，各园区在", "11月底前完成整改。", False),  # cut mid-phrase
    ],
)
def test_title_with_a_report_lead_below(line, next_line, expected):
    from analysis.pages import _PageParser, _split_lines

    parser = _PageParser(_split_lines(f"{line}\n\n{next_line}\n"))
    assert parser._lead_below(0, 2) is expected


def test_flat_page_titles_named_again_by_their_leads():
    """China Central TV's items on a flat page: a title whose part opens the lead, a commented
    title above ``本台今天…``; nothing lost."""
    page = "\n\n".join(
        [
            "园区举行开放日活动",
            "当地时间8日，园区举行开放日活动。",
            "全国运动会：第十个比赛日产生30枚金牌",
            "全国运动会赛事进入后半程，多项决赛在各赛区举行。",
            "王明：推进园区高质量发展要做到三个坚持",
            "推进园区高质量发展要做到三个坚持※王明\u3000\u3000今年以来，园区发展迈出新步伐。",
            "央视快评：激发园区活力，为发展注入动能",
            "本台今天（11月28日）播发央视快评。",
        ]
    )
    df = parse_page(page, issue_date="2025-11-28", keep_boilerplate=True)
    _assert_nothing_lost(df, page)
    assert list(df["title"]) == [
        "园区举行开放日活动",
        "全国运动会：第十个比赛日产生30枚金牌",
        "王明：推进园区高质量发展要做到三个坚持",
        "央视快评：激发园区活力，为发展注入动能",
    ]
    assert list(df["n_paragraphs"]) == [1, 1, 1, 1]


def test_flat_page_long_title_after_a_web_pages_leftovers():
    """After ``阅读下一篇：`` or ``相关稿件`` a title of any length heads the next article, even
    one not shaped as a headline line (two regions' reports under one label)."""
    long_title = (
        "【学习贯彻全会精神在基层】江苏：“智改数转” 推动特色产业集群焕新发展 "
        "安徽：引导企业绿色转型 加快构建现代化产业体系"
    )
    assert not _headline_like(long_title, relaxed=True)  # (not a headline line's shape)
    page = "\n\n".join(
        [
            "园区举行开放日活动",
            "当地时间8日，园区举行开放日活动。 【责任编辑:李华】 阅读下一篇：",
            long_title,
            "全会指出，要优化提升传统产业。江苏、安徽两地认真贯彻全会精神。",
            "相关稿件",
            "市长会见德国客人时指出：双方应不断拉长合作清单 为两地经贸关系打开新的合作空间",
            "首页",
            "市长张伟会见德国客人一行。",
        ]
    )
    df = parse_page(page, issue_date="2025-11-30", keep_boilerplate=True)
    _assert_nothing_lost(df, page)
    arts = df[df["kind"] == "article"].reset_index(drop=True)
    assert list(arts["title"]) == [
        "园区举行开放日活动",
        long_title,
        "市长会见德国客人时指出：双方应不断拉长合作清单 为两地经贸关系打开新的合作空间",
    ]
    # the editor's credit and the next-item link close the first article: boilerplate
    assert arts.loc[0, "body"] == "当地时间8日，园区举行开放日活动。"
    assert df.loc[1, "kind"] == "boilerplate"
    assert df.loc[1, "body"] == "【责任编辑:李华】 阅读下一篇："
    assert arts.loc[1, "body"].endswith("相关稿件")
    # (a flat page: a line without final punctuation runs on into the next)
    assert arts.loc[2, "body"] == "首页市长张伟会见德国客人一行。"


def test_web_pages_home_link_under_the_title_is_no_subtitle():
    """A crawled web page on a flat page: ``首页`` and the menu's words under the title stay
    in the text (no subtitle is a word of two characters)."""
    page = "\n\n".join(
        [
            "省长会见新加坡客人",
            "首页",
            "|",
            "简",
            "|",
            "繁",
            "新华社南京11月13日电 省长王明13日会见新加坡客人。",
            "园区举行开放日活动",
            "当地时间8日，园区举行开放日活动。",
        ]
    )
    df = parse_page(page, issue_date="2025-11-13", keep_boilerplate=True)
    _assert_nothing_lost(df, page)
    assert list(df["title"]) == ["省长会见新加坡客人", "园区举行开放日活动"]
    assert list(df["subtitle"]) == ["", ""] and list(df["kicker"]) == ["", ""]
    assert df.loc[0, "body"].startswith("首页")


# A flat page of a business daily's feature (our own text): a title, an intro of two
# paragraphs, subheads each over several paragraphs, no dateline; a dated report after it.
FEATURE_PAGE = "\n\n".join(
    [
        "商圈如何接住夜间消费流量？",
        "入夏以来，多地商圈延长营业时间，夜间客流明显回升。",
        "夜间消费热度背后，商圈如何把客流变成常客，成为业内关注的问题。",
        "文创衍生品备受追捧",  # a subhead
        "本届文化节涵盖百余场演出，带动了文创衍生品的销售。",
        "多家门店负责人表示，限定款产品上架当天即告售罄。",
        "业内人士认为，衍生品消费正在从收藏走向日常。",
        "多地商圈抢先发力",  # a subhead
        "如果说衍生品是流量入口，那么留住客流则要靠服务。",
        "在专家看来，夜间流量属于阶段性机会，商圈需要长效运营。",
        "园区举行开放日活动",
        "本报北京6月11日电 园区举行开放日活动，吸引市民参观。",
    ]
)

# A flat page of a broadcaster's briefs (our own text): titles over one paragraph whose
# lead names no date (one cut by a column break), and a title in two parts over two
# paragraphs.
BRIEFS_PAGE = "\n\n".join(
    [
        "我国粮食主产区抢抓农时推进秋冬种",
        "当前，粮食主产区正抢抓农时，分类施策推进秋冬种。",
        "前三季度海洋生产总值稳步增长",
        "自然资源部最新发布，前三季度海洋生产总值稳步增长，同比",  # a column break
        "增长百分之五。",
        "秋色宜人 带动文旅市场持续火热",
        "深秋时节，人们走出家门欣赏秋季美景。",
        "各地加大服务供给，文旅市场持续火热。",
        "多地迎来候鸟迁徙高峰",
        "眼下是候鸟迁徙季，各地加强生态保护和科研监测。",
    ]
)


def test_flat_feature_keeps_its_subheads_as_paragraphs():
    df = parse_page(FEATURE_PAGE, issue_date="2026-06-12", keep_boilerplate=True)
    _assert_nothing_lost(df, FEATURE_PAGE)
    assert list(df["title"]) == ["商圈如何接住夜间消费流量？", "园区举行开放日活动"]
    body = df.loc[0, "body"].split("\n")
    assert len(body) == 9 and df.loc[0, "n_paragraphs"] == 9
    assert body[2] == "文创衍生品备受追捧" and body[6] == "多地商圈抢先发力"
    assert body[3].startswith("本届文化节")  # (not glued to the subhead)


def test_flat_briefs_each_start_an_article():
    df = parse_page(BRIEFS_PAGE, issue_date="2025-11-20", keep_boilerplate=True)
    _assert_nothing_lost(df, BRIEFS_PAGE)
    assert list(df["title"]) == [
        "我国粮食主产区抢抓农时推进秋冬种",
        "前三季度海洋生产总值稳步增长",
        "秋色宜人 带动文旅市场持续火热",
        "多地迎来候鸟迁徙高峰",
    ]
    assert list(df["n_paragraphs"]) == [1, 1, 2, 1]
    assert df.loc[1, "body"].endswith("稳步增长，同比增长百分之五。")  # (the break rejoined)


def test_finished_starts_report_and_restates():
    from analysis.pages import finished, restates, starts_report

    assert finished("双方交换了意见。") and finished("【责任编辑:李华】 阅读下一篇：")
    assert not finished("会议由市委常委")
    assert starts_report("本报讯 10月8日，园区开放。") and starts_report("近日，园区开放。")
    assert not starts_report("记者梳理发现，园区开放。")  # (a reporter's aside, not a lead)
    assert restates("汇聚合力 共享机遇——多地人士评价园区开放", "多地人士评价园区开放的举措。")
    assert not restates("园区开放", "园区开放。")  # short titles: a subhead may be retold too


# --------------------------------------------------------------------------- re-typeset seed, many
def _compact(text: str) -> str:
    return re.sub(r"\s", "", text).translate(pagegen._TO_ASCII)


@pytest.mark.parametrize("variant", range(40))
def test_retypeset_sample_page_gives_its_five_articles_whole(variant, seed):
    """The sample page set again: other column breaks (inside words, after a word, up to two
    a paragraph), separators, indentation and punctuation width. Five articles, every break
    rejoined, no fragment as a title or a subtitle, nothing lost."""
    text = pagegen.retypeset_seed(random.Random(variant))
    df = parse_page(text, issue_date="2023-08-09", keep_boilerplate=True)
    _assert_nothing_lost(df, text)
    arts = df[df["kind"] == "article"].reset_index(drop=True)
    assert [_compact(t) for t in arts["title"]] == [_compact(t) for t in pagegen.SEED_TITLES]
    assert list(arts["kicker"]) == [""] * 5 and list(arts["subtitle"]) == [""] * 5
    assert [_compact(b) for b in arts["body"]] == [_compact(b) for b in seed["body"]]
    assert list(arts["n_paragraphs"]) == [5, 3, 4, 2, 2]
    assert list(arts["author"]) == list(seed["author"])


@pytest.mark.parametrize(
    "pieces",
    [
        # the lead's first words cut off under the title (they say none of the title's words)
        ["园区发布人才新政十条", "市人社局与科技局、财政局", "近日联合出台《人才新政十条》。"],
        # a bracket opened and not closed goes on in the next line
        ["园区发布人才新政十条", "市人社局近日出台《人才新", "政十条》。"],
        # a line whose next line opens with a particle is cut mid-sentence
        ["园区发布人才新政十条", "市人社局近日出台人才新政。", "新政明确", "了十条支持措施。"],
    ],
)
def test_flat_brief_lead_cut_by_a_column_break_stays_in_the_body(pieces):
    page = "\n\n".join(["要闻快览", *pieces, "(据新华社)"])
    arts = parse_page(page, issue_date="2024-06-30")
    assert list(arts["title"]) == ["园区发布人才新政十条"]
    assert list(arts["kicker"]) == [""] and list(arts["subtitle"]) == [""]
    assert _compact(arts.loc[0, "body"]) == _compact("".join(pieces[1:]))


def test_byline_line_alone_ends_the_article_other_lines_stay_in_the_body():
    page = "新区揭牌\n\n本报讯 8月8日,新区揭牌。\n（王明）\n园区签约\n\n本报讯 8月9日,园区签约。\n"
    arts = parse_page(page, issue_date="2023-08-09")
    assert list(arts["title"]) == ["新区揭牌", "园区签约"]
    assert list(arts["body"]) == ["新区揭牌。", "园区签约。"]
    assert list(arts["byline"]) == ["（王明）", ""]
    assert list(arts["author"]) == ["王明", ""]
    # a line that does not open with the parenthesis is no byline alone
    page = "新区揭牌\n\n本报讯 8月8日,新区揭牌。\n记者王明(摄)\n"
    arts = parse_page(page, issue_date="2023-08-09")
    assert list(arts["body"]) == ["新区揭牌。\n记者王明(摄)"]
    assert list(arts["byline"]) == [""]


def test_articles_frame_dates_and_column_order():
    records = [
        {"article_id": "a", "issue_date": pd.Timestamp("2023-08-09"), "date": None, "n_chars": 3},
        {"article_id": "b", "issue_date": "2023-08-10", "date": pd.NaT, "n_chars": None},
    ]
    frame = articles_frame(records)
    assert list(frame.columns) == ARTICLE_COLUMNS
    assert str(frame["issue_date"].dtype) == "datetime64[ns]"
    assert str(frame["date"].dtype) == "datetime64[ns]"
    assert list(frame["issue_date"]) == [pd.Timestamp("2023-08-09"), pd.Timestamp("2023-08-10")]
    assert frame["date"].isna().all()
    assert frame["n_chars"].tolist() == [3, pd.NA]
    assert list(frame["title"]) == ["", ""]
    empty = articles_frame([])
    assert list(empty.columns) == ARTICLE_COLUMNS and len(empty) == 0
    assert str(empty["date"].dtype) == "datetime64[ns]"
