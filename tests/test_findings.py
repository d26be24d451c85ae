"""Findings: one Chinese sentence written from a table, for each chart of the notebooks."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import findings, plots
from analysis.report import readable_table

GAZETTEER = ["wuxi", "suzhou-sip", "hefei"]


def _articles(n: int, **columns) -> pd.DataFrame:
    df = pd.DataFrame({"article_id": [f"a{i}" for i in range(n)], "kind": "article"})
    return df.assign(**columns)


def _mentions(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["article_id", "entity_id", "name", "kind"])


def _events(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["event_id", "article_id", "type", "counted"])


# --------------------------------------------------------------------------- overview
def test_overview_counts_articles_parks_and_the_commonest_event_type():
    articles = _articles(5)
    mentions = _mentions(
        [
            ("a0", "park:wuxi", "无锡高新区", "park"),
            ("a0", "park:hefei", "合肥高新区", "park"),
            ("a1", "park:wuxi", "无锡高新区", "park"),
            ("a2", "park:suzhou-sip", "苏州工业园区", "park"),
            ("a3", "park:x-outside", "两江新区", "park"),  # not in the gazetteer
            ("a4", "org:无锡市科技局", "无锡市科技局", "government"),
        ]
    )
    events = _events(
        [
            ("e1", "a0", "signing", True),
            ("e2", "a1", "signing", True),
            ("e3", "a2", "signing", True),
            ("e4", "a2", "signing", True),
            ("e5", "a3", "meeting", True),
            ("e6", "a3", "meeting", False),  # background
            ("e7", "a4", "meeting", False),
        ]
    )
    assert findings.overview(articles, mentions, events, gazetteer=GAZETTEER, scope="样本") == (
        "样本中共有 5 篇文章，其中 3 篇提到国家高新区；已报道事件 5 起，签约类最多（4 起）。"
    )


def test_overview_of_a_corpus_naming_no_gazetteer_park():
    articles = _articles(2)
    mentions = _mentions([("a0", "park:x-outside", "两江新区", "park")])
    sentence = findings.overview(articles, mentions, gazetteer=GAZETTEER)
    assert sentence == "所选文章中共有 2 篇文章，没有一篇提到地名录中的国家高新区。"


def test_overview_of_nothing_and_a_tie():
    assert findings.overview(_articles(0)) == "所选文章中没有文章。"
    events = _events([("e1", "a0", "signing", True), ("e2", "a0", "meeting", True)])
    assert findings.overview(_articles(1), None, events).endswith(
        "已报道事件 2 起，签约和会议类最多（1 起）。"
    )


def test_overview_leaves_boilerplate_rows_out():
    articles = pd.concat([_articles(2), _articles(1).assign(article_id="b", kind="boilerplate")])
    assert findings.overview(articles).startswith("所选文章中共有 2 篇文章")


# --------------------------------------------------------------------------- selection
def test_selection_without_and_with_filters():
    everything = {"n_articles": 5, "n_kept": 5, "filters": [], "issue_range": ["2023-08-09"] * 2}
    assert (
        findings.selection(everything)
        == "读入 5 篇文章，未加筛选，全部保留（报纸日期 2023-08-09）。"
    )
    nothing = {"n_articles": 662, "n_kept": 0, "filters": ["只含提及国家高新区的文章"]}
    assert findings.selection(nothing) == (
        "读入 662 篇文章，筛选条件为只含提及国家高新区的文章，保留 0 篇；"
        "以下图表没有数据，可放宽筛选条件再运行。"
    )
    some = {
        "n_articles": 10,
        "n_kept": 3,
        "filters": ["园区：无锡高新区", "日期：2024-01-01 至 …"],
        "issue_range": ["2024-01-03", "2024-02-10"],
    }
    assert findings.selection(some) == (
        "读入 10 篇文章，筛选条件为园区：无锡高新区；日期：2024-01-01 至 …，"
        "保留 3 篇（报纸日期 2024-01-03 至 2024-02-10）。"
    )
    assert findings.selection(None) == "没有筛选记录。"


# --------------------------------------------------------------------------- lengths
def test_lengths_counts_a_report_printed_twice_once():
    articles = _articles(
        4,
        title=["甲园区签约", "甲园区签约", "乙论坛开幕", "丙项目开工"],
        body=["正文一", "正文一", "正文二", "正文三"],
        n_chars=[900, 900, 300, 500],
    )
    assert findings.lengths(articles) == (
        "3 篇文章篇幅的中位数为 500 字；最长的是《甲园区签约》（900 字）；"
        "另有 1 篇是重复刊登的同一报道，只计一次。"
    )
    assert findings.lengths(_articles(0)) == "没有文章，无从比较篇幅。"


# --------------------------------------------------------------------------- timeline
def _timeline(rows, **attrs) -> pd.DataFrame:
    table = pd.DataFrame(
        rows, columns=["period", "签约", "会议", "n_events", "n_articles", "covered"]
    )
    table.attrs.update(freq="M", **attrs)
    return table


def test_timeline_names_the_busiest_month_and_the_gaps():
    table = _timeline(
        [
            ("2023-04", 1, 1, 2, 5, True),
            ("2023-05", 0, 0, 0, 0, False),
            ("2023-06", 3, 1, 4, 6, True),
        ],
        n_outside=2,
    )
    assert findings.timeline(table) == (
        "2023-04 至 2023-06 共 3 个月，其中 1 个月没有报纸（图中阴影，不是零事件），"
        "共有已报道事件 6 起；最多的是 2023-06（4 起，其中签约 3 起）；"
        "另有 2 起事件的日期不在报纸日期范围内，未画出。"
    )


def test_timeline_of_one_month_and_of_nothing():
    table = _timeline([("2023-08", 2, 1, 3, 5, True)])
    assert findings.timeline(table) == "2023-08 共有已报道事件 3 起，其中签约 2 起。"
    empty = pd.DataFrame(columns=["period", "n_events", "n_articles", "covered"])
    assert findings.timeline(empty) == "没有注明日期的已报道事件，画不出时间分布。"


def test_timeline_from_the_plot_helper_table():
    events = pd.DataFrame(
        {
            "event_id": ["e1", "e2", "e3"],
            "article_id": ["a0", "a0", "a1"],
            "type": ["signing", "signing", "meeting"],
            "date": pd.to_datetime(["2023-01-05", "2023-03-02", "2023-03-09"]),
            "counted": True,
        }
    )
    articles = _articles(2, issue_date=pd.to_datetime(["2023-01-06", "2023-03-10"]))
    table = plots.timeline_table(events, "M", articles=articles)
    assert findings.timeline(table) == (
        "2023-01 至 2023-03 共 3 个月，其中 1 个月没有报纸（图中阴影，不是零事件），"
        "共有已报道事件 3 起；最多的是 2023-03（2 起）。"  # a tie of types: none named
    )


# --------------------------------------------------------------------------- parks, rankings
def test_events_by_park():
    table = pd.DataFrame({"park": ["无锡高新区", "合肥高新区"], "签约": [3, 0], "会议": [1, 2]})
    assert findings.events_by_park(table) == (
        "事件最多的园区是无锡高新区（4 起，签约最多，3 起）；共 2 个园区有已报道事件。"
    )
    assert (
        findings.events_by_park(pd.DataFrame(columns=["park"])) == "已报道的事件都没有关联到园区。"
    )


def test_ranking_of_parks_and_of_organisations():
    parks = pd.DataFrame(
        {
            "entity_id": ["park:wuxi", "park:hefei", "park:suzhou-sip", "park:nanjing"],
            "name": ["无锡高新区", "合肥高新区", "苏州工业园区", "南京高新区"],
            "kind": "park",
            "n": [5, 3, 2, 1],
        }
    )
    assert findings.ranking(parks) == (
        "被提及最多的园区是无锡高新区（5 篇文章），其次是合肥高新区（3 篇）和苏州工业园区（2 篇）。"
    )
    orgs = pd.DataFrame({"entity_id": ["o1"], "name": ["江南大学"], "kind": ["research"], "n": [4]})
    assert findings.ranking(orgs, "机构") == "被提及最多的机构是江南大学（高校院所，4 篇文章）。"
    assert findings.ranking(parks.iloc[0:0]) == "没有文章提到园区。"


def test_parks_outside_the_gazetteer():
    inside = ("a0", "park:wuxi", "无锡高新区", "park")
    outside = [("a1", "park:x", "两江新区", "park"), ("a2", "park:x", "两江新区", "park")]
    assert findings.parks_outside(_mentions([inside, *outside]), GAZETTEER) == (
        "另有 1 个不在地名录中的园区（如两江新区）被提到 2 次，未计入国家高新区。"
    )
    assert findings.parks_outside(_mentions(outside), GAZETTEER) == (
        "这 1 个园区（如两江新区）都不在地名录中，所选文章没有提到长三角的国家高新区。"
    )
    assert findings.parks_outside(_mentions([inside]), GAZETTEER) == ""


def test_co_mentions():
    table = pd.DataFrame(
        {
            "source": ["无锡高新区", "合肥高新区"],
            "target": ["苏州工业园区", "无锡高新区"],
            "n_articles": [4, 2],
            "source_articles": [6, 3],
            "target_articles": [5, 6],
        }
    )
    table.attrs["min_count"] = 2
    assert findings.co_mentions(table) == (
        "最常在同一篇报道中出现的是无锡高新区和苏州工业园区（4 篇文章）；"
        "图中只画出至少共同出现 2 篇的园区对，共 2 对。"
    )
    assert findings.co_mentions(table.iloc[0:0]).startswith("没有两个园区在同一篇报道中出现")


# --------------------------------------------------------------------------- keywords
def test_keywords_by_park_and_by_article():
    table = pd.DataFrame(
        {
            "group": ["无锡高新区"] * 4 + ["合肥高新区"] * 2,
            "keyword": ["物联网", "传感器", "集成电路", "车联网", "量子", "显示"],
            "rank": [1, 2, 3, 4, 1, 2],
        }
    )
    table.attrs["by"] = "park"
    assert findings.keywords(table) == (
        "按园区分组：无锡高新区最突出的词是物联网、传感器和集成电路；合肥高新区最突出的词是量子和显示。"
    )
    table.attrs["by"] = "article"
    assert findings.keywords(table.head(1)) == "按文章分组：《无锡高新区》最突出的词是物联网。"
    assert findings.keywords(table.iloc[0:0]) == "没有可计算关键词的文章。"


def test_wordcloud_counts_articles_or_names_words():
    table = pd.DataFrame({"keyword": ["物联网", "芯片"], "score": [12, 9], "n_docs": [12, 9]})
    assert findings.wordcloud(table) == "最多文章以之为关键词的是物联网（12 篇）和芯片（9 篇）。"
    tfidf = table.assign(score=[0.8, 0.5])
    assert findings.wordcloud(tfidf) == "全部文章合起来最突出的词是物联网和芯片。"
    assert findings.wordcloud(table.iloc[0:0]) == "没有几篇文章共有的关键词，词云为空。"


def test_events_listed():
    table = pd.DataFrame(
        {"event_id": [f"e{i}" for i in range(12)], "n_articles": [1] * 10 + [2, 3]}
    )
    assert findings.events_listed(table, 10) == (
        "共 12 起已报道事件（同一事件的多次报道只计一次），上表为最新的 10 起；"
        "其中 2 起由多篇文章报道。"
    )
    assert findings.events_listed(table.head(3), 10).endswith("全部列在上表。")
    assert findings.events_listed(None) == "没有已报道的事件。"


@pytest.mark.parametrize(
    "function",
    [
        findings.lengths,
        findings.timeline,
        findings.events_by_park,
        findings.ranking,
        findings.co_mentions,
        findings.keywords,
        findings.wordcloud,
        findings.events_listed,
    ],
)
def test_no_table_gives_a_sentence_not_an_error(function):
    sentence = function(None)
    assert sentence.startswith(("没有", "已报道")) and sentence.endswith("。")


# --------------------------------------------------------------------------- readable tables
def test_readable_table_has_chinese_headers_dates_names_and_no_ids():
    events = pd.DataFrame(
        {
            "event_id": ["e1"],
            "article_id": ["a0"],
            "date": pd.to_datetime(["2023-08-08"]),
            "type_label": ["签约"],
            "parks": [["无锡高新区", "合肥高新区"]],
            "counted": [True],
            "name": ["集成电路合作共建协议"],
        }
    )
    table = readable_table(events)
    assert list(table.columns) == ["日期", "类型", "园区", "已报道", "事件"]
    assert table.iloc[0].tolist() == [
        "2023-08-08",
        "签约",
        "无锡高新区、合肥高新区",
        "是",
        "集成电路合作共建协议",
    ]
    assert table.index.tolist() == [1]
    kinds = readable_table(pd.DataFrame({"name": ["江南大学"], "kind": ["research"], "n": [3]}))
    assert kinds.to_dict("records") == [{"名称": "江南大学", "类别": "高校院所", "文章数": 3}]
    assert readable_table(events, ["date", "article_id"], n=0).columns.tolist() == [
        "日期",
        "文章编号",
    ]


def test_selection_and_overview_say_how_many_duplicates_were_left_out():
    info = {"n_articles": 12, "n_kept": 10, "n_duplicates": 2, "filters": []}
    assert findings.selection(info) == (
        "读入 12 篇文章，未加筛选，保留 10 篇；另有 2 篇是重复刊登的报道，不计入。"
    )
    kept = {**info, "n_kept": 12, "keep_duplicates": True}
    assert findings.selection(kept) == (
        "读入 12 篇文章，未加筛选，全部保留；其中 2 篇是重复刊登的报道，照样计入。"
    )
    articles = _articles(3).assign(duplicate_of=["", "", "a0"])
    assert findings.overview(articles).startswith("所选文章中共有 2 篇文章")
