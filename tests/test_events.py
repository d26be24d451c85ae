"""Tests of analysis.events: event extraction and counts.

The sample page's articles and mentions are built here by hand (the articles
split at their known titles, column breaks rejoined, dateline and byline
removed; mentions located by exact string search), so these tests do not
depend on the loaders. ``test_seed_page`` runs the real pipeline when present.
"""

from __future__ import annotations

import itertools
import logging
import re
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis
from analysis import config
from analysis import events as events_module
from analysis.errors import InputError
from analysis.events import EVENT_COLUMNS, event_counts, find_events, load_event_lexicon
from tests import pagegen

RAW_PAGE = config.DATA_DIR / "raw" / "wuxi-evening_2023-08-09.txt"
TITLES = pagegen.SEED_TITLES
NINE_PARKS = {
    "park:zhangjiang",
    "park:nanjing",
    "park:wuxi",
    "park:suzhou",
    "park:yancheng",
    "park:hangzhou",
    "park:ningbo",
    "park:hefei",
    "park:wuhu",
}
CUMMINS = "org:康明斯(中国)投资有限公司"
ZHUOPIN = "org:卓品智能科技无锡股份有限公司"
SIX_DEPARTMENTS = {
    "org:国家标准委",
    "org:国家发展改革委",
    "org:工业和信息化部",
    "org:生态环境部",
    "org:应急管理部",
    "org:国家能源局",
}
_PARK_NAMES = {
    "zhangjiang": "上海张江高科技园区",
    "nanjing": "南京高新区",
    "wuxi": "无锡高新区",
    "suzhou": "苏州高新区",
    "yancheng": "盐城高新区",
    "hangzhou": "杭州高新区",
    "ningbo": "宁波高新区",
    "hefei": "合肥高新区",
    "wuhu": "芜湖高新区",
    "zizhu": "紫竹高新区",
    "kunshan": "昆山高新区",
}
ENTITIES = [(f"park:{k}", v, "park", [v]) for k, v in _PARK_NAMES.items()] + [
    ("org:科技部火炬中心", "科技部火炬中心", "government", ["科技部火炬中心"]),
    (CUMMINS, "康明斯(中国)投资有限公司", "company", ["康明斯(中国)投资有限公司", "康明斯"]),
    (
        ZHUOPIN,
        "卓品智能科技无锡股份有限公司",
        "company",
        ["卓品智能科技无锡股份有限公司", "卓品智能"],
    ),
    ("org:康卓电子(无锡)有限公司", "康卓电子(无锡)有限公司", "company", ["康卓电子(无锡)有限公司"]),
    (
        "org:长三角汽车芯片检测联盟",
        "长三角汽车芯片检测联盟",
        "association",
        ["长三角汽车芯片检测联盟"],
    ),
    (
        "org:清华大学无锡应用技术研发院",
        "清华大学无锡应用技术研发院",
        "research",
        ["清华大学无锡应用技术研发院"],
    ),
    ("org:江苏省工业和信息化厅", "江苏省工业和信息化厅", "government", ["江苏省工业和信息化厅"]),
    ("org:无锡市工业和信息化局", "无锡市工业和信息化局", "government", ["无锡市工业和信息化局"]),
    *[(eid, eid[4:], "government", [eid[4:]]) for eid in sorted(SIX_DEPARTMENTS)],
    ("place:wuxi", "无锡", "place", ["无锡"]),
    ("place:xishan", "锡山区", "place", ["锡山区"]),
    ("place:huishan", "惠山区", "place", ["惠山区"]),
    ("person:赵建军", "赵建军", "person", ["赵建军"]),
    ("person:吕先志", "吕先志", "person", ["吕先志"]),
]


def _sample_articles() -> pd.DataFrame:
    paragraphs = [p.strip() for p in RAW_PAGE.read_text(encoding="utf-8").split("\n") if p.strip()]
    rows = []
    for i, title in enumerate(TITLES):
        first = paragraphs.index(title) + 1
        last = (
            paragraphs.index(TITLES[i + 1])
            if i + 1 < len(TITLES)
            else paragraphs.index("(据新华社)")
        )
        body: list[str] = []
        for p in paragraphs[first:last]:
            if p == "要闻快览":
                continue
            if body and not re.search(r"[。！？”)]$", body[-1]):
                body[-1] += p  # a column break inside a sentence
            else:
                body.append(p)
        text = re.sub(r"^本报讯 (8月8日,)?", "", "\n".join(body))
        text = re.sub(r"\([^()]{2,4}\)$", "", text)
        rows.append(
            {
                "article_id": f"a{i + 1}",
                "title": title,
                "body": text,
                "date": pd.Timestamp("2023-08-08" if i < 4 else "2023-08-09"),
                "issue_date": pd.Timestamp("2023-08-09"),
            }
        )
    return pd.DataFrame(rows)


def _mentions(articles: pd.DataFrame, entities=ENTITIES) -> pd.DataFrame:
    """Mentions at every occurrence of each surface, longest surfaces first."""
    surfaces = sorted(((s, e) for e in entities for s in e[3]), key=lambda x: -len(x[0]))
    rows = []
    for art in articles.itertuples():
        for fld in ("title", "body"):
            text = getattr(art, fld)
            taken = [False] * len(text)
            for surface, (eid, name, kind, _) in surfaces:
                i = text.find(surface)
                while i >= 0:
                    if not any(taken[i : i + len(surface)]):
                        taken[i : i + len(surface)] = [True] * len(surface)
                        rows.append(
                            {
                                "article_id": art.article_id,
                                "entity_id": eid,
                                "name": name,
                                "kind": kind,
                                "surface": surface,
                                "start": i,
                                "end": i + len(surface),
                                "field": fld,
                                "sentence": "",
                                "resolution": "exact",
                            }
                        )
                    i = text.find(surface, i + 1)
    columns = ["article_id", "entity_id", "name", "kind", "surface", "start", "end", "field"]
    return pd.DataFrame(rows, columns=[*columns, "sentence", "resolution"])


@pytest.fixture(scope="module")
def sample_articles() -> pd.DataFrame:
    return _sample_articles()


@pytest.fixture(scope="module")
def sample_events(sample_articles) -> pd.DataFrame:
    return find_events(sample_articles, _mentions(sample_articles))


def _article(day: str = "2023-08-08", title: str = "", body: str = "", aid: str = "x1", **kw):
    return pd.DataFrame(
        [
            {
                "article_id": aid,
                "title": title,
                "body": body,
                "date": pd.Timestamp(day) if day else pd.NaT,
                "issue_date": pd.Timestamp(kw.pop("issue", day or "2023-08-09")),
                **kw,
            }
        ]
    )


def _counted(events: pd.DataFrame, aid: str, etype: str) -> pd.DataFrame:
    return events[(events.article_id == aid) & (events.type == etype) & events.counted]


# ---------------------------------------------------------------- the sample page


def test_sample_counted_events_are_exactly_the_reported_ones(sample_events):
    counted = sample_events[sample_events.counted]
    got = sorted(zip(counted.article_id, counted.type, strict=True))
    assert got == sorted(
        [
            ("a1", "meeting"),
            ("a1", "unveiling"),
            ("a1", "signing"),
            ("a1", "release"),
            ("a2", "signing"),
            ("a2", "establishment"),
            ("a2", "visit"),
            ("a3", "meeting"),
            ("a3", "unveiling"),
            ("a3", "establishment"),
            ("a4", "meeting"),
            ("a4", "launch"),
            ("a5", "release"),
        ]
    )


def test_article1_meeting_in_wuxi_counted_once(sample_events):
    meetings = sample_events[(sample_events.article_id == "a1") & (sample_events.type == "meeting")]
    assert len(meetings) >= 2  # reported in the title and the body
    (meeting,) = _counted(sample_events, "a1", "meeting").itertuples()
    assert meeting.place == "无锡"
    assert meeting.date == pd.Timestamp("2023-08-08")
    assert meeting.type_label == "会议论坛"
    assert meeting.name == (
        "长三角国家高新区党建联盟第二次联席会议暨党建引领高水平科技自立自强研讨会"
    )
    title_row = meetings[meetings.sentence == TITLES[0]].iloc[0]
    assert not title_row.counted and "duplicate" in title_row.rule


def test_article1_plaques_for_nine_parks(sample_events):
    (ev,) = _counted(sample_events, "a1", "unveiling").itertuples()
    assert set(ev.parks) == NINE_PARKS
    assert "授牌" in ev.trigger


def test_article1_agreement_and_declaration(sample_events):
    (signing,) = _counted(sample_events, "a1", "signing").itertuples()
    assert {"park:zhangjiang", "park:wuxi"} <= set(signing.parks)
    assert signing.name == "长三角国家高新区集成电路产业链党建合作共建协议"
    (release,) = _counted(sample_events, "a1", "release").itertuples()
    assert release.name == "《长三角国家高新区党建引领高水平科技自立自强行动宣言》"


def test_article2_joint_venture_visit_and_background(sample_events):
    for etype in ("signing", "establishment"):
        (ev,) = _counted(sample_events, "a2", etype).itertuples()
        assert {CUMMINS, ZHUOPIN} <= set(ev.orgs)
        assert ev.place == "无锡"
    (visit,) = _counted(sample_events, "a2", "visit").itertuples()
    assert CUMMINS in visit.orgs and visit.place == "无锡"
    history = sample_events[
        (sample_events.article_id == "a2") & sample_events.sentence.str.contains("自1996年落户")
    ]
    # (已经在高新区设立了4家公司 is a count, no one founding: only the arrival remains)
    assert set(history.type) == {"project"}
    assert (history.status == "background").all() and not history.counted.any()
    # 增资扩产 is what they talked about (围绕…进行交流), not a project
    assert not (sample_events.trigger.str.contains("扩产")).any()


def test_article3_conference_platforms_and_alliance(sample_events):
    (meeting,) = _counted(sample_events, "a3", "meeting").itertuples()
    assert meeting.name == "第二届长三角集成电路工业应用一体化发展大会"
    assert meeting.place == "锡山区"
    assert meeting.date == pd.Timestamp("2023-08-08") and meeting.date_source == "sentence"
    (unveiling,) = _counted(sample_events, "a3", "unveiling").itertuples()
    assert unveiling.name.split("、") == ["长三角国产芯片应用服务平台", "长三角车规级芯片检测中心"]
    assert unveiling.date == pd.Timestamp("2023-08-08")  # 当天
    (alliance,) = _counted(sample_events, "a3", "establishment").itertuples()
    assert alliance.name == "长三角汽车芯片检测联盟"
    assert "发起成立" in alliance.trigger


def test_article4_forum_and_platform_launch(sample_events):
    (meeting,) = _counted(sample_events, "a4", "meeting").itertuples()
    assert meeting.place == "惠山区"
    assert meeting.name == "2023年汽车电子应用与检测技术发展论坛"
    (launch,) = _counted(sample_events, "a4", "launch").itertuples()
    assert "平台" in launch.name and "absorbed:发布" in launch.rule
    assert not ((sample_events.article_id == "a4") & (sample_events.type == "release")).any()


def test_article5_hydrogen_guide(sample_events):
    releases = sample_events[(sample_events.article_id == "a5") & (sample_events.type == "release")]
    assert releases.counted.sum() == 1
    ev = releases[releases.counted].iloc[0]
    assert ev["name"] == "《氢能产业标准体系建设指南(2023版)》"
    assert set(ev["orgs"]) == SIX_DEPARTMENTS
    assert ev["date"] == pd.Timestamp("2023-08-09") and ev["date_source"] == "article"


def test_columns_dtypes_and_ids(sample_events, sample_articles):
    assert list(sample_events.columns) == EVENT_COLUMNS
    assert sample_events.event_id.is_unique
    assert sample_events.event_id.str.fullmatch(r"[0-9a-f]{16}").all()
    assert str(sample_events.date.dtype).startswith("datetime64")
    assert sample_events.counted.dtype == bool
    assert sample_events.confidence.between(0, 1).all()
    assert set(sample_events.status) <= {"reported", "background", "future", "negated"}
    assert set(sample_events.date_source) <= {"sentence", "article"}
    again = find_events(sample_articles, _mentions(sample_articles))
    pd.testing.assert_frame_equal(sample_events, again)
    texts = dict(
        zip(sample_articles.article_id, sample_articles.title + sample_articles.body, strict=True)
    )
    for row in sample_events.itertuples():
        assert row.sentence in texts[row.article_id]
        for word in row.trigger.split("…"):
            assert word in row.sentence


def test_seed_page(seed_articles):
    """The real loader (and find_mentions, when it exists) on the sample page."""
    events = find_events(seed_articles)
    counted = events[events.counted].merge(seed_articles[["article_id", "title"]], on="article_id")
    by_title = counted.groupby("title")["type"].apply(set).to_dict()
    assert by_title[TITLES[0]] == {"meeting", "unveiling", "signing", "release"}
    assert by_title[TITLES[1]] == {"signing", "establishment", "visit"}
    assert by_title[TITLES[2]] == {"meeting", "unveiling", "establishment"}
    assert by_title[TITLES[3]] == {"meeting", "launch"}
    assert by_title[TITLES[4]] == {"release"}
    assert "《氢能产业标准体系建设指南(2023版)》" in set(counted.name)
    assert {"锡山区", "惠山区", "无锡"} <= set(counted.place)


# ---------------------------------------------------------------- hard cases


def test_negated_events_are_not_counted():
    arts = _article(body="该项目尚未开工。双方没有签署任何协议。")
    ev = find_events(arts, _mentions(arts, []))
    assert sorted(ev.type) == ["project", "signing"]
    assert (ev.status == "negated").all() and not ev.counted.any()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        # refused or opposed: negated
        ("东海组织16日表示，拒绝在当地设立任何外国基地。", "negated"),
        ("多国反对在该海域设立军事基地。", "negated"),
        # sought, planned or encouraged: future
        ("决议草案寻求安理会授权在该地区设立过渡机构。", "future"),
        ("双方谋划签署新一轮合作框架协议。", "future"),
        ("条例鼓励市、县依法成立志愿服务联合会。", "future"),
    ],
)
def test_a_founding_or_signing_refused_sought_or_planned_is_not_reported(body, status):
    ev = find_events(_article(body=body), pd.DataFrame())
    assert list(ev.status) == [status] and not ev.counted.any()


def test_a_fair_by_its_short_name_and_edition_is_not_another_meeting():
    arts = _article(
        day="2025-11-05",
        body="第八届进博会今天在上海开幕。在不久前举行的东海经济组织第三次领导人会议上，各方达成共识。"
        "与此同时，第九届进博会的筹备工作已经全面铺开。",
    )
    counted = find_events(arts, _mentions(arts, []))
    counted = counted[counted.counted]
    # the fair and the leaders' meeting, each by its name; the next fair is in preparation
    assert list(counted.name) == ["第八届进博会", "东海经济组织第三次领导人会议"]


@pytest.mark.parametrize(
    ("body", "etype", "n"),
    [
        # a running total or a tally so far is no happening
        ("我国目前已签署91个司法协助条约。", None, 0),
        ("园区累计签约项目120个，总投资超500亿元。", None, 0),
        # a release of a running total is a release
        ("截至10月底全国累计发电装机容量同比增长17.3%，国家能源局今天发布数据。", None, 1),
        # a break-through needs a line or a work: 贯通 alone is a figure of speech
        ("东海城际铁路东山隧道今天顺利贯通。", "project", 1),
        ("确保上下贯通、执行有力。", "project", 0),
        ("构建协同贯通的育人体系。", "project", 0),
    ],
)
def test_tallies_and_figures_of_speech_are_no_happening(body, etype, n):
    ev = find_events(_article(day="2025-11-24", body=body), pd.DataFrame())
    kept = ev.counted if etype is None else ev.counted & (ev.type == etype)
    assert int(kept.sum()) == n


def test_ten_thousand_job_fairs_are_a_tally_not_one_fair():
    ev = find_events(
        _article(day="2025-11-20", body="两个多月里，1万多场招聘会提供岗位超过700万个。"),
        pd.DataFrame(),
    )
    assert not ev.counted.any()


def test_a_speech_at_a_meeting_studied_later_is_no_report_of_the_meeting():
    arts = _article(
        day="2026-07-04",
        body="东海省委3日举行会议，学习贯彻总书记在庆祝建党大会上的重要讲话精神。",
    )
    counted = find_events(arts, _mentions(arts, []))
    counted = counted[counted.counted & (counted.type == "meeting")]
    # the province's meeting (one, unnamed); the congress where the speech was given is
    # only cited, no happening of the article
    assert list(counted.name) == [""]


def test_future_event_with_date_place_and_name():
    arts = _article(body="第三届长三角科技创新峰会将于10月20日在苏州召开。")
    (ev,) = find_events(arts, _mentions(arts, [])).itertuples()
    assert (ev.type, ev.status, ev.counted) == ("meeting", "future", False)
    assert ev.date == pd.Timestamp("2023-10-20") and ev.date_source == "sentence"
    assert ev.place == "苏州" and ev.name == "第三届长三角科技创新峰会"


def test_future_from_a_later_date_alone():
    arts = _article(body="9月15日,长三角数字经济论坛在杭州举办。")
    (ev,) = find_events(arts, _mentions(arts, [])).itertuples()
    assert ev.status == "future" and "future:date" in ev.rule


@pytest.mark.parametrize(
    "sentence",
    [
        "此前,两家企业曾签署战略合作协议。",
        "该公司自2015年落户高新区以来发展迅速。",
        "公司已经在无锡设立了研发中心。",
        "2019年5月10日,首届论坛在南京举办。",
        "该中心于2020年12月揭牌。",
    ],
)
def test_background_mentions_are_not_counted(sentence):
    arts = _article(body=sentence)
    ev = find_events(arts, _mentions(arts, []))
    assert len(ev) == 1
    assert ev.status.iloc[0] == "background" and not ev.counted.iloc[0]


def test_several_events_in_one_sentence():
    body = "会上,华为与无锡高新区签署战略合作协议,长三角算力中心揭牌,智慧园区平台正式上线。"
    arts = _article(body=body)
    ents = [
        ("park:wuxi", "无锡高新区", "park", ["无锡高新区"]),
        ("org:华为", "华为", "company", ["华为"]),
    ]
    ev = find_events(arts, _mentions(arts, ents))
    assert list(ev.type) == ["signing", "unveiling", "launch"]
    assert ev.counted.all() and ev.event_id.is_unique and ev.sentence.nunique() == 1
    assert ev.name.tolist() == ["战略合作协议", "长三角算力中心", "智慧园区平台"]
    assert all(p == ["park:wuxi"] for p in ev.parks)


def test_title_and_body_report_count_once():
    arts = _article(
        title="长三角人工智能产业论坛在沪举办",
        body="8月8日,2023长三角人工智能产业论坛在上海举办。与会嘉宾出席了本次论坛。",
    )
    ev = find_events(arts, _mentions(arts, []))
    assert (ev.type == "meeting").all() and len(ev) == 3
    assert ev.counted.sum() == 1
    kept = ev[ev.counted].iloc[0]
    assert kept["name"] == "2023长三角人工智能产业论坛" and kept["place"] == "上海"
    assert ev[~ev.counted].rule.str.contains("duplicate").all()


def test_bare_noun_reference_is_a_duplicate_whoever_attends():
    arts = _article(
        body="长三角科创论坛在无锡召开。长三角科创联盟参加。来自长三角的市委组织部负责人参加会议。"
    )
    ents = [
        ("org:联盟", "长三角科创联盟", "association", ["长三角科创联盟"]),
        ("org:组织部", "市委组织部", "government", ["市委组织部"]),
        ("place:csj", "长三角", "place", ["长三角"]),
    ]
    ev = find_events(arts, _mentions(arts, ents))
    assert list(ev.type) == ["meeting", "meeting"] and list(ev.counted) == [True, False]
    assert ev.place.tolist() == ["无锡", ""]  # a region is not a place


def test_two_different_meetings_in_one_article_both_count():
    arts = _article(body="上午,长三角人才峰会在无锡召开。下午,长三角金融论坛在苏州举办。")
    ev = find_events(arts, _mentions(arts, []))
    assert ev.counted.sum() == 2 and list(ev.place) == ["无锡", "苏州"]


def test_december_date_in_january_issue_is_previous_year():
    arts = _article(day="2024-01-03", body="12月28日,长三角集成电路产业联盟在合肥成立。")
    (ev,) = find_events(arts, _mentions(arts, [])).itertuples()
    assert ev.date == pd.Timestamp("2023-12-28") and ev.date_source == "sentence"
    assert ev.status == "reported" and ev.place == "合肥"
    # with only the issue date known
    arts = _article(day="", issue="2024-01-03", body="12月28日,长三角集成电路产业联盟在合肥成立。")
    (ev,) = find_events(arts, _mentions(arts, [])).itertuples()
    assert ev.date == pd.Timestamp("2023-12-28")


@pytest.mark.parametrize(
    ("issue", "body", "dates"),
    [
        # a day of the issue's month, before its subject or after it
        ("2025-11-08", "7日,长三角集成电路产业联盟在合肥成立。", ["2025-11-07"]),
        ("2025-11-15", "省长14日在南京出席东海论坛开幕式。", ["2025-11-14"]),
        # a day after the issue's: the month before
        ("2025-12-02", "30日,长三角集成电路产业联盟在合肥成立。", ["2025-11-30"]),
        # yesterday
        ("2025-11-26", "昨天,两国元首举行会谈。", ["2025-11-25"]),
        # the same day as a day stated before it
        (
            "2025-11-23",
            "21日,东海论坛在成都举行。当日,东海论坛报告在北京发布。",
            ["2025-11-21"] * 2,
        ),
        # no date: a deadline, a period, a dateline
        ("2025-11-08", "企业须在15日内完成登记,东海论坛昨日举行。", ["2025-11-07"]),
        ("2025-11-08", "新华社北京11月8日电 东海论坛举行。", ["2025-11-08"]),
    ],
)
def test_a_day_of_the_month_alone_dates_an_event(issue, body, dates):
    arts = _article(day=issue, body=body)
    counted = find_events(arts, _mentions(arts, []))
    counted = counted[counted.counted]
    assert [d.date().isoformat() for d in counted.date] == dates


def test_a_day_alone_is_a_day_up_to_the_issue_not_the_articles_own_date():
    # a report dated the 22nd in a paper of the 23rd: 23日 is that day, not October's
    arts = _article(day="2025-11-22", issue="2025-11-23", body="23日下午,宣讲团到东海产业园调研。")
    (ev,) = find_events(arts, _mentions(arts, [])).itertuples()
    assert ev.date == pd.Timestamp("2025-11-23")


def test_a_named_event_named_again_without_a_date_is_the_same_event():
    arts = _article(
        day="2025-11-23",
        body="21日,在成都举行的2025东海伙伴大会上,各方发布了合作倡议。"
        "专家在2025东海伙伴大会上表示,合作前景广阔。",
    )
    counted = find_events(arts, _mentions(arts, []))
    counted = counted[counted.counted & (counted.type == "meeting")]
    assert list(counted.name) == ["2025东海伙伴大会"]
    assert counted.date.iloc[0] == pd.Timestamp("2025-11-21")


def test_sentence_without_mentions_takes_the_previous_sentences_participants():
    arts = _article(
        title="无锡高新区与华为签约",
        body="无锡高新区与华为深化合作。当天,双方签署了合作协议。",
    )
    ents = [
        ("park:wuxi", "无锡高新区", "park", ["无锡高新区"]),
        ("org:华为", "华为", "company", ["华为"]),
    ]
    ev = find_events(arts, _mentions(arts, ents))
    body = ev[ev.sentence.str.startswith("当天")].iloc[0]
    assert body["parks"] == ["park:wuxi"] and body["orgs"] == ["org:华为"]
    assert "participants:previous sentence" in body["rule"]


@pytest.mark.parametrize(
    "body",
    [
        "联手建设运营好合资公司。",  # 合资公司 without 成立
        "线上线下同步推进。",  # 上线 inside 线上线下
        "全市固定资产投资增长10%。",  # a statistic
        "双方围绕增资扩产等进行深入交流。",  # a topic of talks
        "该方案未来将继续完善。",  # 未来 is not a negation, and no trigger
        "《关于推动企业签约落户的若干意见》解读。",  # triggers inside a document title
    ],
)
def test_nominal_and_excluded_triggers_are_not_events(body):
    arts = _article(body=body)
    assert find_events(arts, _mentions(arts, [])).empty


def test_trigger_inside_an_organisation_name_is_ignored():
    arts = _article(body="康明斯(中国)投资有限公司代表出席。")
    assert find_events(arts, _mentions(arts, [])).empty  # the lexicon's 投资有限公司
    arts = _article(body="苏州启动智能科技有限公司代表发言。")
    ents = [
        ("org:苏州启动智能", "苏州启动智能科技有限公司", "company", ["苏州启动智能科技有限公司"])
    ]
    assert find_events(arts, _mentions(arts, ents)).empty  # the mention's span


def test_ceremony_is_the_event_not_a_meeting():
    arts = _article(body="举行了创新基地授牌仪式。市长出席签约仪式。")
    ev = find_events(arts, _mentions(arts, []))
    assert list(ev.type) == ["unveiling", "signing"]


def test_press_conference_is_a_meeting_not_a_release():
    arts = _article(body="市政府召开新闻发布会。")
    ev = find_events(arts, _mentions(arts, []))
    assert list(ev.type) == ["meeting"]


def test_names_stop_at_particles_and_bare_nouns_are_no_names():
    arts = _article(body="总投资50亿元的新能源电池项目在新吴区开工。该中心正式揭牌。")
    ev = find_events(arts, _mentions(arts, []))
    assert list(zip(ev.type, ev.name, ev.place, strict=True)) == [
        ("project", "新能源电池项目", "新吴区"),
        ("unveiling", "", ""),
    ]


def test_longer_trigger_wins():
    arts = _article(body="现场集中签约项目20个。")
    assert list(find_events(arts, _mentions(arts, [])).type) == ["project"]


# ---------------------------------------------------------------- inputs and lexicon


def test_empty_and_missing_columns():
    empty = find_events(_article().iloc[0:0], pd.DataFrame())
    assert list(empty.columns) == EVENT_COLUMNS and empty.empty
    with pytest.raises(InputError, match="body"):
        find_events(pd.DataFrame({"article_id": ["a"], "title": ["t"]}))
    with pytest.raises(InputError, match="field"):
        find_events(
            _article(body="签署协议。"), pd.DataFrame({"article_id": ["x1"], "entity_id": ["p"]})
        )


def test_mentions_none_calls_find_mentions(monkeypatch, sample_articles):
    calls = []

    def fake(articles):
        calls.append(len(articles))
        return _mentions(articles)

    monkeypatch.setattr(analysis, "find_mentions", fake, raising=False)
    ev = find_events(sample_articles)
    assert calls == [5]
    assert set(_counted(ev, "a1", "unveiling").parks.iloc[0]) == NINE_PARKS


def test_mentions_none_without_find_mentions_warns(monkeypatch, caplog, sample_articles):
    # (the names' word tags come from jieba's dictionary through analysis.mentions: loaded
    # before the module is hidden, as any earlier call would have, so that the test does
    # not depend on which test its worker ran first)
    events_module._word_tags()
    monkeypatch.delattr(analysis, "find_mentions", raising=False)
    monkeypatch.setitem(sys.modules, "analysis.mentions", None)
    with caplog.at_level(logging.WARNING, logger="analysis.events"):
        ev = find_events(sample_articles)
    assert "find_mentions" in caplog.text
    assert ev.counted.sum() == 13
    assert all(p == [] for p in ev.parks)


def _write(tmp_path, text: str):
    path = tmp_path / "lexicon.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_lexicon_row_names_file_and_line(tmp_path):
    path = _write(
        tmp_path,
        "type,type_label,trigger,pattern_kind,notes\n"
        "meeting,会议论坛,召开,verb,\nmeeting,会议论坛,论坛,noun,\nmeeting,会议论坛,开会,regex,\n",
    )
    with pytest.raises(InputError, match=r"lexicon\.csv, line 4: pattern_kind 'regex'"):
        load_event_lexicon(path)
    path = _write(tmp_path, "type,trigger,pattern_kind\nmeeting,召开,trigger\n")
    with pytest.raises(InputError, match="type_label") as info:
        load_event_lexicon(path)
    assert info.value.problem == "columns"
    path = _write(
        tmp_path,
        "type,type_label,trigger,pattern_kind,notes\nmeeting,会议论坛,召开,verb,\n",
    )
    with pytest.raises(InputError, match="line 2: type 'meeting' has 'verb' rows but no 'noun'"):
        load_event_lexicon(path)
    path = _write(
        tmp_path,
        "type,type_label,trigger,pattern_kind,notes\nsigning,签约,签署,trigger,\nsigning,签约合作,签约,trigger,\n",
    )
    with pytest.raises(InputError, match="line 3: type 'signing' is labelled"):
        load_event_lexicon(path)
    with pytest.raises(InputError, match="does not exist"):
        load_event_lexicon(tmp_path / "nope.csv")


def test_lexicon_from_environment_with_a_new_type(tmp_path, monkeypatch):
    path = _write(
        tmp_path,
        "type,type_label,trigger,pattern_kind,notes\naward,获奖表彰,荣获,trigger,\n,,将,future,\n",
    )
    monkeypatch.setenv("ANALYSIS_EVENT_LEXICON", str(path))
    arts = _article(body="无锡企业荣获国家科技进步奖。签署协议。")
    ev = find_events(arts, _mentions(arts, []))
    assert list(zip(ev.type, ev.type_label, strict=True)) == [("award", "获奖表彰")]


def test_packaged_lexicon_has_all_types():
    lex = load_event_lexicon()
    assert lex.labels == {
        "meeting": "会议论坛",
        "signing": "签约合作",
        "establishment": "设立成立",
        "unveiling": "揭牌授牌",
        "launch": "启动上线",
        "release": "发布印发",
        "visit": "考察会见",
        "project": "项目投资",
    }


_WORDS = [
    "签署",
    "协议",
    "召开",
    "论坛",
    "将",
    "未",
    "在锡",
    "成立",
    "联盟",
    "揭牌",
    "《指南》",
    "发布",
    "8月8日",
    "12月30日",
    "当天",
    "，",
    "。",
    "；",
    "\n",
    "高新区",
    "投资",
    "项目",
    "以来",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_WORDS) | st.text(max_size=3), max_size=30))
def test_any_text_gives_well_formed_events(parts):
    body = "".join(parts)
    arts = _article(day="2024-01-02", title=body[:20], body=body)
    ev = find_events(arts, _mentions(arts, []))
    assert list(ev.columns) == EVENT_COLUMNS and ev.event_id.is_unique
    for row in ev.itertuples():
        assert row.sentence in body or row.sentence in body[:20]
        assert row.counted <= (row.status == "reported")


# ------------------------------------------------- sentence and clause ends


def _batch(texts):
    """``texts`` folded together, as ``find_events`` reads them (``events._Batch``)."""
    from analysis import events

    extractor = events._Extractor(load_event_lexicon())
    return extractor, events._Batch(extractor.folding, texts, extractor.triggers)


def _split(texts):
    """Sentence ends and clause-break runs of ``texts`` as ``events._Batch`` finds them,
    in offsets of the texts joined."""
    _, batch = _batch(texts)
    return batch, batch.ends, list(zip(batch.break_starts, batch.break_ends, strict=True))


def test_sentence_ends_and_clause_breaks():
    texts = ["会议召开。”他说，好！！\n\n  新闻：发布。", "”开始", "", "\n结束"]
    batch, ends, breaks = _split(texts)
    assert batch.offsets == [0, 22, 25, 25, 28]
    # 。” ends one sentence; ！！ one, before the line breaks; the line breaks one; the
    # last 。 one at the text's end; a quote starting a text ends nothing; a line break
    # at the start of a text ends a sentence there
    assert ends == [6, 12, 14, 22, 26]
    assert batch.first_end == [0, 4, 4, 4, 5]
    # the runs of breaks stop at a sentence's end (the line breaks, then the spaces)
    assert breaks == [(8, 9), (12, 14), (14, 16), (18, 19), (25, 26)]


_SENTENCE_END_TEXT = re.compile(r"[。！？!?；;]+[”’」』\"')）]*|\n+")
_CLAUSE_BREAK_TEXT = re.compile(r"[，,：:\s]+")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["。", "！", "?", "；", "”", "）", "\n", "，", ":", " ", "\u3000"])
            | st.sampled_from(["会", "议", "召开", "a", "😀", "\x00"]),
            max_size=12,
        ).map("".join),
        max_size=5,
    ),
    st.integers(0, 40),
)
def test_sentences_and_clauses_match_their_regexes(texts, at):
    from analysis.events import _clause

    batch, ends, breaks = _split(texts)
    for t, text in enumerate(texts):
        base = batch.offsets[t]
        own = [e - base for e in ends[batch.first_end[t] : batch.first_end[t + 1]]]
        assert own == [m.end() for m in _SENTENCE_END_TEXT.finditer(text)]
        for lo, hi in itertools.pairwise(sorted({0, *own, len(text)})):
            sentence = text[lo:hi]
            runs = [m.span() for m in _CLAUSE_BREAK_TEXT.finditer(sentence)]
            k_lo = sum(s < base + lo for s, _ in breaks)
            k_hi = sum(s < base + hi for s, _ in breaks)
            assert [(s - base - lo, e - base - lo) for s, e in breaks[k_lo:k_hi]] == runs
            # the clause around ``at``: the end of the run before it, the start of the
            # first run ending after it, and where the clause before ends
            clause = (0, len(sentence), -1)
            for b_start, b_end in runs:
                if b_end > at:
                    clause = (clause[0], b_start, clause[2])
                    break
                clause = (b_end, len(sentence), b_start)
            starts, stops = batch.break_starts, batch.break_ends
            assert _clause((starts, stops, k_lo, k_hi, base + lo, len(sentence)), at) == clause


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["会议", "召开", "签署", "签约项目", "投资有限公司", "启动", "将"])
            | st.sampled_from(["会", "议", "开", "召", "签", "。", "，", "\n", "a", "😀", "\x00"]),
            max_size=10,
        ).map("".join),
        max_size=5,
    )
)
def test_trigger_hits_as_if_each_text_were_read_alone(texts):
    # the triggers are found in the texts joined, reading only their characters: the
    # same hits, in the same order, as the automaton finds reading each folded text
    extractor, batch = _batch(texts)
    folding = extractor.folding
    assert len(batch.triggers) == len(texts)
    for text, hits in zip(texts, batch.triggers, strict=True):
        alone = folding.fold([text]).tobytes().decode(folding.encoding)
        assert hits == list(extractor.triggers.iter(alone))
        for end, (span, word, _) in hits:
            assert text[end - span : end + 1] == word


def test_folding_find_reads_only_characters_that_may_be_in_a_word():
    # ``_Folding.find`` reads a character only next to one it makes a pair of a word
    # with, or when it is a word alone: the hits are those of each text read on its own
    import numpy as np

    from analysis.events import _Folding

    folding = _Folding([["甲乙", "乙丙丁", "戊"]], ["。"])
    auto = folding.automaton((w, w) for w in ["甲乙", "乙丙丁", "戊"])
    texts = ["甲乙丙丁", "丙甲丁乙", "", "戊戊乙丙丁甲", "丁甲乙"]
    folded = folding.fold(texts)
    starts = np.array([0, 4, 8, 8, 14, 17])
    (word,) = folding.may_be_in_words(folded)
    # (甲 after 丁 is in no pair: 丁甲 is no word's; nor is 丁 before it)
    assert word.tolist() == [True] * 4 + [False] * 4 + [True] * 5 + [False] * 2 + [True] * 2
    assert folding.find(folded, starts, word, auto) == [
        [(1, "甲乙"), (3, "乙丙丁")],
        [],  # (its characters are the words', but no two of them make a pair of one)
        [],
        [(0, "戊"), (1, "戊"), (4, "乙丙丁")],
        [(2, "甲乙")],
    ]
    for text, hits in zip(texts, folding.find(folded, starts, word, auto), strict=True):
        alone = folding.fold([text]).tobytes().decode(folding.encoding)
        assert hits == list(auto.iter(alone))


# a regex written as ``(?=[first characters])(?:the rule)``: the lookahead, a quick way out
_QUICK_SHAPE = re.compile(r"(\^?)\(\?=\[(?:\\.|[^\]\\])*\]\)(\(\?:.*\))", re.S)


def _quick_regexes():
    """The module's regexes with a quick way out, each with its rule alone."""
    from analysis import events

    return [
        (name, value, re.compile(shape.group(1) + shape.group(2)))
        for name, value in vars(events).items()
        if isinstance(value, re.Pattern) and (shape := _QUICK_SHAPE.fullmatch(value.pattern))
    ]


_QUICK = _quick_regexes()
# the words of their rules, to write texts they match in
_QUICK_WORDS = sorted(
    {w for _, p, _ in _QUICK for w in re.findall(r"[\u4e00-\u9fff]+", p.pattern)}
    | set("0123456789０１ \u3000\n，,。；;！？!?（）()—-～~“”")
)


def test_quick_ways_out_are_found():
    names = {name for name, _, _ in _QUICK}
    assert {"_DATE", "_DAY_ONLY", "_NAMED_STOP", "_OBJECT_STOP", "_SUBJECT_STOP"} <= names
    assert "_YEAR_ONLY" in names


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_QUICK_WORDS), max_size=12).map("".join), st.integers(0, 12))
def test_quick_ways_out_change_no_match(text, pos):
    # the lookahead lists every character a match of the rule can start with
    for name, quick, rule in _QUICK:
        got = [(m.span(), m.groups()) for m in quick.finditer(text, pos)]
        assert got == [(m.span(), m.groups()) for m in rule.finditer(text, pos)], name


def test_quick_ways_out_on_the_sample_page():
    text = RAW_PAGE.read_text(encoding="utf-8")
    for name, quick, rule in _QUICK:
        got = [(m.span(), m.groups()) for m in quick.finditer(text)]
        assert got == [(m.span(), m.groups()) for m in rule.finditer(text)], name


# ---------------------------------------------------------------- counts


def test_event_counts_by_period_and_type(sample_events):
    counts = event_counts(sample_events)
    assert list(counts.columns) == ["period", "type", "n_events", "n_articles"]
    assert (counts.period == pd.Timestamp("2023-08-01")).all()
    got = dict(zip(counts.type, counts.n_events, strict=True))
    assert got == {
        "establishment": 2,
        "launch": 1,
        "meeting": 3,
        "release": 2,
        "signing": 2,
        "unveiling": 2,
        "visit": 1,
    }
    everything = event_counts(sample_events, counted_only=False)
    assert everything.n_events.sum() == len(sample_events)
    assert event_counts(sample_events, by="period", freq="ME").n_events.tolist() == [13]


def test_event_counts_by_park_with_names(sample_events, sample_articles):
    mentions = _mentions(sample_articles)
    counts = event_counts(sample_events, by=("park", "type"), names=mentions)
    unveil = counts[counts.type == "unveiling"]
    assert set(unveil.park) == NINE_PARKS and (unveil.n_events == 1).all()
    assert "无锡高新区" in set(counts.park_name)
    places = event_counts(sample_events, by="place")
    assert dict(zip(places.place, places.n_events, strict=True))["锡山区"] == 1
    arts = sample_articles.assign(paper="wuxi-evening")
    by_paper = event_counts(sample_events, by=("paper", "type"), articles=arts)
    assert by_paper.n_events.sum() == 13
    with pytest.raises(InputError, match="nonsense"):
        event_counts(sample_events, by="nonsense")


# ---------------------------------------------------------------- issue 15: the rules


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a trigger inside a fixed phrase or a name is no event
        ("庆祝新中国成立76周年招待会后,代表合影。", []),
        ("研究院成立十周年以来成果丰硕。", []),
        ("代表们在人民大会堂合影留念。", []),
        ("参观团一行来到一大会址纪念馆参观学习。", ["visit"]),
        ("省里对该县挂牌督战,确保如期脱贫。", []),
        # 挂牌 of a price, a rate or a sale by listing is no unveiling
        ("多家银行下调存款挂牌利率,储蓄吸引力减弱。", []),
        ("该地块于昨日挂牌出让,起始价5亿元。", []),
        # a count after the trigger is a statistic, not one happening
        ("今年1至9月,全省新设立外资企业4800多家。", []),
        ("当地累计开工改造老旧小区5300多个。", []),
        # but a count at one occasion is one happening
        ("现场集中签约项目20个。", ["project"]),
    ],
)
def test_fixed_phrases_anniversaries_and_statistics(body, expected):
    arts = _article(body=body)
    ev = find_events(arts, _mentions(arts, []))
    assert sorted(ev[ev.counted].type) == expected


def test_named_meeting_is_reported_by_its_name_alone():
    arts = _article(
        day="2025-11-20",
        body=(
            "党的二十届四中全会提出,要加快建设现代化产业体系。"
            "在不久前举行的第三十二次领导人非正式会议上,各方达成共识。"
            "此次会议规模空前。多场分论坛同期进行。"
        ),
    )
    ev = find_events(arts, _mentions(arts, []))
    counted = ev[ev.counted]
    assert list(counted.type) == ["meeting", "meeting"]
    assert list(counted.name) == ["二十届四中全会", "第三十二次领导人非正式会议"]
    assert all("named:" in r for r in counted.rule)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        # a letter to a congress, and the occasion it marks: one meeting, by its name
        (
            "省长致东海省青年企业家协会第三届会员代表大会的贺信",
            "值此东海省青年企业家协会第三届会员代表大会召开之际,我表示热烈祝贺。",
        ),
        # a communiqué noting a meeting: the meeting's name without who noted it
        ("", "各方代表注意到东海省青年企业家协会第三届会员代表大会（11月18日，南京）成果。"),
        ("", "省长致信祝贺东海省青年企业家协会第三届会员代表大会召开。"),
    ],
)
def test_a_named_meetings_name_starts_after_who_writes_to_it_or_notes_it(title, body):
    arts = _article(day="2025-11-20", title=title, body=body)
    counted = find_events(arts, _mentions(arts, []))
    counted = counted[counted.counted]
    assert list(counted.name) == ["东海省青年企业家协会第三届会员代表大会"]


def test_named_meeting_takes_the_status_of_its_verb():
    arts = _article(body="第五届长三角数字经济峰会将于10月20日在杭州召开。")
    (ev,) = find_events(arts, _mentions(arts, [])).itertuples()
    assert (ev.type, ev.status, ev.name) == ("meeting", "future", "第五届长三角数字经济峰会")


def test_studying_a_meetings_spirit_is_no_report_of_it():
    arts = _article(body="全区深入学习贯彻全会精神,全面落实省、市委全会部署。")
    assert find_events(arts, _mentions(arts, [])).empty


def test_unveiling_and_founding_are_one_event_the_founding():
    arts = _article(body="8月8日,长三角智能制造研究院揭牌成立。")
    (ev,) = find_events(arts, _mentions(arts, [])).itertuples()
    assert ev.type == "establishment" and "absorbed:揭牌" in ev.rule


def test_unveiling_and_its_ceremony_count_once():
    arts = _article(
        body="8月8日,无锡高新区创新中心揭牌。市长出席揭牌仪式并致辞。",
    )
    ents = [("park:wuxi", "无锡高新区", "park", ["无锡高新区"])]
    ev = find_events(arts, _mentions(arts, ents))
    assert ev.counted.sum() == 1 and (ev.type == "unveiling").all()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("2019年,该市成立了人工智能产业联盟。", "background"),
        ("该公司曾在苏州设立研发中心。", "background"),
        ("去年,双方签署了战略合作协议。", "background"),
        ("双方计划在明年签署合作协议。", "future"),
        ("该区拟设立产业引导基金。", "future"),
        ("中方倡议成立数字经济合作中心。", "future"),
        ("会议注意到关于成立青年科学家联盟的建议。", "future"),
        ("该项目尚未开工。", "negated"),
    ],
)
def test_status_from_the_text(body, status):
    arts = _article(day="2025-11-20", body=body)
    ev = find_events(arts, _mentions(arts, []))
    assert len(ev) == 1 and ev.status.iloc[0] == status and not ev.counted.any()


@pytest.mark.parametrize(
    ("body", "etype"),
    [
        ("工业和信息化部近日印发《制造业数字化转型行动方案》。", "release"),
        ("会议审议通过了《关于加快建设统一大市场的意见》。", "release"),
        ("两国发表联合声明。", "release"),
        ("各方批准了《区域合作纲要》。", "release"),
        ("盘州至兴义高铁今天正式开通运行。", "project"),
        ("跨江大桥今天正式通车。", "project"),
        ("抽水蓄能电站首台机组投运。", "project"),
        ("上海推出夜间消费系列活动。", "launch"),
        ("国家主席对该国进行国事访问。", "visit"),
        ("总书记来到一家农业合作社,察看生产情况。", "visit"),
    ],
)
def test_recall_documents_completions_launches_and_visits(body, etype):
    arts = _article(body=body)
    ev = find_events(arts, _mentions(arts, []))
    assert list(ev[ev.counted].type) == [etype]


def test_participants_come_from_the_events_own_sentence():
    arts = _article(
        body=(
            "苏州工业园区文旅局发布了年度旅游报告。\n"
            "无锡高新区管委会与华为签署合作协议。双方还将共建实验室。"
        ),
    )
    ents = [
        ("park:suzhou", "苏州工业园区", "park", ["苏州工业园区"]),
        ("park:wuxi", "无锡高新区", "park", ["无锡高新区"]),
        ("org:华为", "华为", "company", ["华为"]),
    ]
    ev = find_events(arts, _mentions(arts, ents))
    signing = ev[ev.type == "signing"].iloc[0]
    assert signing.parks == ["park:wuxi"] and signing.orgs == ["org:华为"]
    assert "participants:sentence" in signing.rule
    release = ev[ev.type == "release"].iloc[0]
    assert release.parks == ["park:suzhou"]  # not the park of the other paragraph


def test_a_sentence_after_a_paragraph_break_takes_no_participants():
    arts = _article(body="无锡高新区与华为深化合作。\n当天,双方签署了合作协议。")
    ents = [("park:wuxi", "无锡高新区", "park", ["无锡高新区"])]
    (ev,) = find_events(arts, _mentions(arts, ents)).itertuples()
    assert ev.parks == [] and ev.orgs == []


def _two_reports():
    rows = []
    for aid, day, body in (
        ("r1", "2025-11-06", "第八届虹桥国际经济论坛今天在上海举行。"),
        ("r2", "2025-11-07", "第八届虹桥国际经济论坛6日在上海举行。"),
        ("r3", "2025-11-20", "虹桥国际经济论坛举行。"),  # two weeks later: another
    ):
        rows.append(_article(day=day, body=body, aid=aid))
    return pd.concat(rows, ignore_index=True)


def test_reports_of_one_event_share_a_root():
    arts = _two_reports()
    ev = find_events(arts, _mentions(arts, []))
    assert (ev.root_event_id == ev.event_id).all()  # each call's rows: their own roots
    ev = analysis.link_events(ev)
    counted = ev[ev.counted].set_index("article_id")
    assert counted.loc["r2", "root_event_id"] == counted.loc["r1", "event_id"]
    assert counted.loc["r1", "n_articles"] == 2 and counted.loc["r2", "n_articles"] == 0
    assert counted.loc["r3", "root_event_id"] == counted.loc["r3", "event_id"]
    events = event_counts(ev, by="type")
    assert events.n_events.tolist() == [2] and events.n_articles.tolist() == [3]
    reports = event_counts(ev, by="type", unit="reports")
    assert reports.n_events.tolist() == [3]


def test_linking_is_linear_in_the_number_of_events():
    import time

    from analysis.events import link_events

    arts = _two_reports()
    ev = find_events(arts, _mentions(arts, []))
    small = pd.concat([ev] * 200, ignore_index=True)
    small["event_id"] = [f"e{i}" for i in range(len(small))]
    small["article_id"] = [f"a{i}" for i in range(len(small))]
    big = pd.concat([small] * 10, ignore_index=True)
    big["event_id"] = [f"e{i}" for i in range(len(big))]
    big["article_id"] = [f"a{i}" for i in range(len(big))]
    t0 = time.perf_counter()
    link_events(small)
    t1 = time.perf_counter()
    linked = link_events(big)
    t2 = time.perf_counter()
    assert (t2 - t1) < 40 * (t1 - t0) + 0.5  # about 10x, far from 100x
    assert linked["n_articles"].max() >= 2


# ---------------------------------------------------------------- who takes part


@pytest.mark.parametrize(
    "body, org",
    [
        # an organisation named only in a person's title
        ("国务院总理李强8日在北京会见来访的新西兰总理。", "国务院"),
        ("中共中央政治局常委王某某出席第三届数字经济论坛。", "中共中央政治局"),
        ("东海共和国国民议会主席8日在北京会见代表团。", "东海共和国国民议会"),
        # officials in a roll-call of those present (有关领导同志, 检察长, 党政主要负责同志)
        ("东海省人大常委会有关领导同志等出席第三届数字经济论坛。", "东海省人大常委会"),
        ("东海省人民检察院检察长等出席第三届数字经济论坛。", "东海省人民检察院"),
        ("东海新区党政主要负责同志参加第三届数字经济论坛。", "东海新区"),
        ("东海日报社总编辑主持发布《东海发展报告》。", "东海日报社"),
        # the news source
        ("新华社北京8月8日电 两市在京签署合作协议。", "新华社"),
        ("新华社记者 张某 摄两市在京签署合作协议。", "新华社"),
        ("据新华社报道,两市在京签署合作协议。", "新华社"),
        # a name starting a document's name
        ("依据东海综合保税区条例,两市在京签署合作协议。", "东海综合保税区"),
        # a former official's organisation
        ("东海联盟委员会前副主席8日在东海大会上说,两市已签署合作协议。", "东海联盟委员会"),
        # a document's issuer in brackets
        ("为落实《公告》（国家发展改革委公告第4号），该市召开价格工作座谈会。", "国家发展改革委"),
        # a name inside a document's title: the document, not the body, is named
        ("依据《国务院关于东海市总体规划的批复》,两市在京签署合作协议。", "国务院"),
        # a dateline of another news source, a photo credit
        ("东海经济网北京6月12日讯 两市在京签署合作协议。", "东海经济网"),
        ("东海日报发（张某 摄）两市在京签署合作协议。", "东海日报"),
    ],
)
def test_an_organisation_in_a_title_source_or_bracket_takes_no_part(body, org):
    arts = _article(body=body)
    ents = [(f"org:{org}", org, "government", [org])]
    ev = find_events(arts, _mentions(arts, ents))
    counted = ev[ev.counted]
    assert len(counted) == 1
    assert counted.iloc[0].orgs == []


def test_an_acting_organisation_takes_part():
    arts = _article(body="国务院8日召开常务会议。")
    ents = [("org:国务院", "国务院", "government", ["国务院"])]
    ev = find_events(arts, _mentions(arts, ents))
    assert ev.iloc[0].orgs == ["org:国务院"]


@pytest.mark.parametrize(
    "org, park",
    [
        ("合肥高新区管委会", "park:hefei"),  # a park of the gazetteer
        ("青山湖综合保税区管理委员会", "park:青山湖综合保税区"),  # a park by its shape
    ],
)
def test_a_park_inside_an_acting_organisations_name_takes_part(org, park):
    arts = _article(body=f"{org}与华为签署战略合作协议。")
    ents = [(f"org:{org}", org, "government", [org]), ("org:华为", "华为", "company", ["华为"])]
    ev = find_events(arts, _mentions(arts, ents))
    (signing,) = ev.itertuples()
    assert signing.parks == [park]
    assert signing.orgs == [f"org:{org}", "org:华为"]
    assert f"participant:{park} in org:{org}" in signing.rule


def test_an_international_groupings_class_of_parks_is_no_park():
    # 上合组织科技园区库: the grouping's register of parks, not a park (as in mentions)
    org = "上合组织科技园区库管理委员会"
    arts = _article(body=f"{org}与华为签署战略合作协议。")
    ents = [(f"org:{org}", org, "government", [org]), ("org:华为", "华为", "company", ["华为"])]
    ev = find_events(arts, _mentions(arts, ents))
    (signing,) = ev.itertuples()
    assert signing.parks == []
    assert signing.orgs == [f"org:{org}", "org:华为"]


def test_those_taking_part_in_a_later_report_join_the_event():
    arts = _article(body="省发展改革委8日召开价格工作座谈会。省市场监管局、省统计局参加会议。")
    ents = [
        (f"org:{o}", o, "government", [o]) for o in ("省发展改革委", "省市场监管局", "省统计局")
    ]
    ev = find_events(arts, _mentions(arts, ents))
    (meeting,) = ev[ev.counted].itertuples()
    assert meeting.orgs == ["org:省发展改革委", "org:省市场监管局", "org:省统计局"]
    assert "participants:from duplicate" in meeting.rule


# ---------------------------------------------------------------- visits in one article


def test_each_meeting_with_another_person_is_its_own_visit():
    arts = _article(
        body=(
            "全国政协主席8日至9日对东海国进行正式友好访问,会见总统甲乙丙,同议长丁戊举行会谈。"
            "会见甲乙丙时,他表示愿深化合作。同丁戊会谈时,双方回顾了交往历史。"
            "会见部长己庚时,他表示双方要加强交流。"
        )
    )
    ev = find_events(arts, _mentions(arts, []))
    counted = ev[ev.counted & (ev.type == "visit")]
    # the trip, the meeting with 甲乙丙, the talks with 丁戊, the meeting with 己庚
    assert list(counted.trigger) == ["访问", "会见", "会谈", "会见"]
    assert ev[~ev.counted].rule.str.contains("duplicate").all()


def test_a_tour_word_is_part_of_the_meeting_it_is_reported_with():
    arts = _article(body="市长8日会见来锡考察的客人。")
    ev = find_events(arts, _mentions(arts, []))
    assert list(ev[ev.counted].trigger) == ["会见…考察"]


@pytest.mark.parametrize(
    "body",
    [
        "他表示,今年以来,两国元首两度会晤,为双边关系指明方向。",
        "双方多次举行会谈,达成广泛共识。",
    ],
)
def test_a_number_of_times_is_no_one_happening(body):
    arts = _article(body=body)
    ev = find_events(arts, _mentions(arts, []))
    assert not ev.counted.any()


def test_a_regular_summit_is_a_meeting_not_a_visit():
    arts = _article(body="两国总理8日在杭州共同主持中俄总理第三十次定期会晤。")
    ev = find_events(arts, _mentions(arts, []))
    assert list(ev[ev.counted].type) == ["meeting"]


@pytest.mark.parametrize(
    "body",
    [
        "城际铁路全长149公里,开通后,两地可实现半小时通达。",  # a time after it
        "截至今天,中欧班列开通运营满四年,累计发送旅客千万人次。",
        "近期,各材料公司纷纷启动扩产计划。",  # many actors: a trend
        "该省先后推出了一系列通关便利化改革。",
        "双方要扩大合作,推出更多务实惠民举措。",  # an exhortation
    ],
)
def test_a_trend_a_time_after_or_an_exhortation_is_no_launch(body):
    arts = _article(body=body)
    ev = find_events(arts, _mentions(arts, []))
    assert not (ev.counted & (ev.type == "launch")).any()


def test_one_launch_is_still_a_launch():
    arts = _article(body="国泰基金8日推出“幸福养老”系列投教活动。")
    ev = find_events(arts, _mentions(arts, []))
    assert list(ev[ev.counted].type) == ["launch"]


# ---------------------------------------------------------------- names by role


@pytest.mark.parametrize(
    ("case", "body", "etype", "name"),
    [
        (
            "release names its object",
            "省检察院今天发布办理环境公益诉讼案件工作指引,明确五类重点案件。",
            "release",
            "办理环境公益诉讼案件工作指引",
        ),
        (
            "release object stops at a report verb",
            "省统计局今天发布前三季度经济运行数据显示,全省工业增加值增长6%。",
            "release",
            "前三季度经济运行数据",
        ),
        (
            "launch names its object after 了",
            "市文旅局推出了城市漫游巴士线路。",
            "launch",
            "城市漫游巴士线路",
        ),
        (
            "project ending its clause names its subject",
            "今天,连接甲市和乙市的城际铁路正式开通运行。",
            "project",
            "城际铁路",
        ),
        (
            "subject after a dash",
            "穿越湖底的第一条地铁隧道——地铁五号线湖底隧道顺利贯通。",
            "project",
            "地铁五号线湖底隧道",
        ),
        (
            "a date after the trigger is no object",
            "示范线今日正式开通今天,示范线开始载客。",
            "launch",
            "",
        ),
        (
            "attending a signing ceremony names nothing",
            "副市长出席签约仪式。",
            "signing",
            "",
        ),
        (
            "the object of 落户 is a place: the subject names it",
            "一批电商企业先后落户江宁。",
            "project",
            None,  # (a trend: no event)
        ),
    ],
)
def test_an_unnamed_event_is_named_by_what_its_trigger_acts_on(case, body, etype, name):
    arts = _article(day="2025-11-20", body=body)
    ev = find_events(arts, _mentions(arts, []))
    got = _counted(ev, "x1", etype)
    if name is None:
        assert got.empty, case
        return
    assert len(got) == 1, case
    assert got.name.iloc[0] == name, case
    assert got.name.iloc[0] != got.trigger.iloc[0], case


def test_two_unnamed_reports_with_different_objects_are_two_events():
    """A news round-up: each item's 发布 has its own document, so neither is a later
    report of the other (before: both nameless, the second counted as a duplicate)."""
    arts = _article(
        day="2025-11-27",
        body=(
            "国家文物局今天发布良渚遗址最新考古研究成果。"
            "最高人民检察院今天发布办理公益诉讼案件工作指引。"
            "文物局发布的成果引起关注。"
        ),
    )
    ev = find_events(arts, _mentions(arts, []))
    got = _counted(ev, "x1", "release")
    assert list(got.name) == ["良渚遗址最新考古研究成果", "办理公益诉讼案件工作指引"]


@pytest.mark.parametrize(
    ("case", "body", "etype", "status"),
    [
        (
            "a release of a proposal is reported",
            "上月召开的省委全会审议通过了全省发展规划建议。",
            "release",
            "reported",
        ),
        (
            "the meeting that adopts a proposal is reported",
            "省委十四届九次全会审议通过了全省发展规划建议。",
            "meeting",
            "reported",
        ),
        (
            "a proposal to found a body is future",
            "会议注意到关于成立区域科创联盟的建议。",
            "establishment",
            "future",
        ),
        (
            "minors are no negation",
            "省检察院今天发布未成年人保护公益诉讼工作指引。",
            "release",
            "reported",
        ),
    ],
)
def test_status_cues_after_the_trigger(case, body, etype, status):
    arts = _article(day="2025-11-20", body=body)
    ev = find_events(arts, _mentions(arts, []))
    got = ev[ev.type == etype]
    assert list(got.status) == [status], case


@pytest.mark.parametrize(
    ("case", "body", "etype", "n"),
    [
        ("many actors: a trend", "如今,多地在街道和园区设立了人才服务驿站。", "establishment", 0),
        ("many companies: a trend", "今年,不少企业推出了以旧换新补贴。", "launch", 0),
        ("many items at one occasion", "多个文化合作项目昨天在西安启动。", "launch", 1),
        ("a date named by the trigger", "截至合同签署之日,双方已完成交割。", "signing", 0),
        ("one actor", "市人社局在高新区设立了人才服务驿站。", "establishment", 1),
    ],
)
def test_many_actors_or_a_date_is_no_happening(case, body, etype, n):
    arts = _article(day="2025-11-20", body=body)
    ev = find_events(arts, _mentions(arts, []))
    assert len(_counted(ev, "x1", etype)) == n, case


def test_only_a_carried_over_subject_takes_the_previous_sentences_participants():
    # 会上… names nobody and carries no subject over: the release has no participants;
    # 双方… carries the signatories of the sentence before it
    ents = [
        ("park:wuxi", "无锡高新区", "park", ["无锡高新区"]),
        ("org:华为", "华为", "company", ["华为"]),
    ]
    arts = _article(body="无锡高新区与华为深化合作。会上发布了《产业行动方案》。")
    (release,) = find_events(arts, _mentions(arts, ents)).itertuples()
    assert (release.type, release.parks, release.orgs) == ("release", [], [])
    arts = _article(body="无锡高新区与华为深化合作。双方签署了战略合作协议。")
    (signing,) = find_events(arts, _mentions(arts, ents)).itertuples()
    assert (signing.parks, signing.orgs) == (["park:wuxi"], ["org:华为"])
    assert "participants:previous sentence" in signing.rule


def test_a_visits_counterpart_acts_through_its_official():
    # the one met is named by a title (东海公司副总裁): the company takes part in the
    # visit; the host named by a title (市长) brings no organisation
    arts = _article(body="8月8日,东海市市长会见来锡考察的东海公司副总裁一行。")
    ents = [("org:东海公司", "东海公司", "company", ["东海公司"])]
    (visit,) = find_events(arts, _mentions(arts, ents)).itertuples()
    assert visit.orgs == ["org:东海公司"]
    assert "participant:org:东海公司 met" in visit.rule


@pytest.mark.parametrize(
    ("org", "kind"), [("东海共和国国民议会", "government"), ("东海国家联盟", "international")]
)
def test_a_statesmans_office_met_in_a_visit_takes_no_part(org, kind):
    # 会见…国民议会主席, 会见…秘书长: the persons meet; the body in the title is no party
    arts = _article(body=f"8月8日,国务院副总理在北京会见{org}主席。")
    (visit,) = find_events(arts, _mentions(arts, [(f"org:{org}", org, kind, [org])])).itertuples()
    assert visit.orgs == []


def test_tours_of_one_day_in_two_places_are_two_visits():
    arts = _article(body="8月8日,书记在苏州考察。当天,书记还在无锡考察。")
    ev = find_events(arts, pd.DataFrame())
    counted = ev[ev.counted]
    assert sorted(counted.place) == ["无锡", "苏州"]
    # the same place twice is one visit reported twice
    arts = _article(body="8月8日,书记在苏州考察。当天,书记还在苏州调研。")
    assert find_events(arts, pd.DataFrame()).counted.sum() == 1


def test_tours_to_different_places_of_one_day_are_different_visits():
    # stops of a group's tours named by what each goes to, no city (a delegation's
    # members in turn): one visit each; the same stop told twice is one
    arts = _article(
        body=(
            "宣讲团成员8月8日在各地宣讲。甲乙还来到东海银行营业部,与员工座谈。"
            "丙丁还走进南山精密机械厂生产车间,与职工交流。"
            "戊己还来到北湖防洪工程施工现场,与干部群众交流。"
            "在东海银行营业部,甲乙察看了服务大厅。甲乙还来到东海银行营业部的展厅。"
        )
    )
    counted = find_events(arts, pd.DataFrame())
    counted = counted[counted.counted & (counted.type == "visit")]
    assert list(counted.trigger) == ["来到", "走进", "来到"]


@pytest.mark.parametrize(
    "body, status",
    [
        # earlier in the issue's year: reported (the readers' convention)
        ("今年8月31日,上合组织峰会在天津举行。", "reported"),
        ("2025年8月31日,上合组织峰会在天津举行。", "reported"),
        # in an earlier year and more than a month before: history
        ("2024年12月1日,上合组织峰会在天津举行。", "background"),
        # a December date in a January issue: recent, reported
        ("12月28日,上合组织峰会在天津举行。", "reported"),
    ],
)
def test_a_date_earlier_in_the_issues_year_is_reported(body, status):
    day = "2026-01-05" if body.startswith("12月") else "2025-11-19"
    arts = _article(day=day, body=body, issue=day)
    (ev,) = find_events(arts, pd.DataFrame()).itertuples()
    assert ev.type == "meeting" and ev.status == status


def test_a_founding_a_resolution_decides_is_not_yet_reported():
    arts = _article(body="为落实成立东海开发银行的决议,各方将加快磋商。")
    (ev,) = find_events(arts, pd.DataFrame()).itertuples()
    assert (ev.type, ev.status, ev.counted) == ("establishment", "future", False)
    assert "future:决议" in ev.rule
    # a founding reported, with 决议 elsewhere in the sentence
    arts = _article(body="8月8日,东海开发银行正式成立,大会通过了章程。")
    (ev,) = find_events(arts, pd.DataFrame()).itertuples()
    assert (ev.type, ev.status) == ("establishment", "reported")


@pytest.mark.parametrize(
    "body",
    [
        # a meeting cited for its outcome or its spirit, not reported
        "双方要继续通力协作,落实东海合作组织天津峰会成果。",
        "与会者深刻领会党的二十届四中全会精神。",
        "各方表示,必须有效实施东海组织峰会通过的各项文件。",
        # an aside in brackets: a speech's source
        "要以科技创新推动产业创新。（2025年3月5日在参加十四届全国人大三次会议江苏代表团审议时的讲话）",
        # a parliament's speaker is no 会议
        "应新西兰议会议长邀请,委员长赴新西兰。",
    ],
)
def test_a_meeting_cited_or_in_an_aside_is_no_meeting_reported(body):
    arts = _article(day="2025-11-19", body=body)
    ev = find_events(arts, pd.DataFrame())
    assert not (ev[ev.counted].type == "meeting").any()


def test_a_meeting_reported_with_what_it_proposed_is_reported():
    arts = _article(day="2025-11-19", body="党的二十届四中全会提出,加快建设农业强国。")
    (ev,) = find_events(arts, pd.DataFrame()).itertuples()
    assert (ev.type, ev.counted, ev.name) == ("meeting", True, "二十届四中全会")


@pytest.mark.parametrize(
    "body, etype",
    [
        # a line, plant or work put into service is a project
        ("11月28日,东海高铁正式开通。", "project"),
        ("东海飞机总装厂第二条总装线正式启用。", "project"),
        # a service, channel or platform opened is a launch
        ("活动现场宣布东海交易所跨境业务正式开通。", "launch"),
    ],
)
def test_a_work_put_into_service_is_a_project(body, etype):
    arts = _article(body=body)
    (ev,) = find_events(arts, pd.DataFrame()).itertuples()
    assert ev.type == etype


def test_a_time_measured_from_an_opening_is_no_event():
    arts = _article(body="全线单月旅客发送量由开通初期的60万人次增至220万人次。")
    assert find_events(arts, pd.DataFrame()).empty


def test_a_bare_reference_without_a_date_refers_back_and_its_attendees_join():
    # 参加会议 (no date of its own) refers back to the named meeting of 12月10日 in an
    # article of 12月11日: one meeting, with those attending it
    body = "12月10日,东海经济工作会议在北京举行。东海省政府、东海集团等单位负责同志参加会议。"
    arts = _article(day="2025-12-11", body=body)
    ents = [
        ("org:东海省政府", "东海省政府", "government", ["东海省政府"]),
        ("org:东海集团", "东海集团", "company", ["东海集团"]),
    ]
    ev = find_events(arts, _mentions(arts, ents))
    (meeting,) = ev[ev.counted].itertuples()
    assert meeting.name == "东海经济工作会议"
    assert meeting.orgs == ["org:东海省政府", "org:东海集团"]
    assert "participants:from duplicate" in meeting.rule


@pytest.mark.parametrize(
    "body",
    [
        # a reporter's own tour is how the news was gathered
        "当记者来到位于东海区的这家机器人企业时,实验室正在开展测试。",
        "近日,《东海日报》记者走访多个商圈发现,夜间消费持续升温。",
        # an expedition's task, a meeting on a survey
        "执行中国第42次南极考察任务的科考船目前已抵达中山站。",
        "年初召开规划编制专题调研会,推动各方发挥作用。",
    ],
)
def test_no_visit_in_a_reporters_tour_or_a_survey_noun(body):
    ev = find_events(_article(body=body), pd.DataFrame())
    assert not (ev[ev.counted].type == "visit").any()


def test_a_clause_of_a_time_alone_sets_the_time_of_the_next():
    arts = _article(
        day="2025-11-04",
        body="李强表示,去年9月,习近平主席同总统在北京举行会晤,推动两国关系发展。",
    )
    (ev,) = find_events(arts, pd.DataFrame()).itertuples()
    assert (ev.type, ev.status) == ("visit", "background")
    arts = _article(day="2025-11-04", body="李强表示,两国元首在北京举行会晤,推动两国关系发展。")
    (ev,) = find_events(arts, pd.DataFrame()).itertuples()
    assert ev.status == "reported"


@pytest.mark.parametrize(
    "body",
    [
        # a tally up to a date, a sum signed, a venue
        "截至11月7日,签约大厅共举办70余场集中签约活动,达成意向采购金额百亿元。",
        "本届大会签约金额连续3年超千亿元。",
    ],
)
def test_no_signing_in_a_tally(body):
    ev = find_events(_article(day="2025-11-08", body=body), pd.DataFrame())
    assert not (ev[ev.counted].type == "signing").any()


def test_a_time_alone_holds_over_the_next_clauses():
    arts = _article(
        day="2025-11-21",
        body="李强表示,去年9月,习近平主席同两国总统会谈,共同见证签署《东海铁路项目谅解备忘录》。",
    )
    ev = find_events(arts, pd.DataFrame())
    signing = ev[ev.type == "signing"].iloc[0]
    assert signing.status == "background" and not signing.counted


@pytest.mark.parametrize(
    "body",
    ["该项目每年举办一场年度论坛、两场沙龙。", "两市定期召开联席会议,协商合作事项。"],
)
def test_a_habit_is_no_one_happening(body):
    ev = find_events(_article(body=body), pd.DataFrame())
    assert not ev.counted.any()


def test_a_meeting_named_as_the_setting_takes_only_the_names_of_its_phrase():
    # 在…大会上, X发布…: X releases the report; the meeting is where, and only what its
    # phrase names takes part in it (and not in the release)
    body = "21日,在东海联盟举办的2025全球伙伴大会上,东海研究院发布了《东海发展报告》。"
    arts = _article(day="2025-11-22", body=body)
    ents = [
        ("org:东海联盟", "东海联盟", "association", ["东海联盟"]),
        ("org:东海研究院", "东海研究院", "research", ["东海研究院"]),
    ]
    ev = find_events(arts, _mentions(arts, ents)).set_index("type")
    assert ev.loc["meeting", "orgs"] == ["org:东海联盟"]
    assert "participants:setting" in ev.loc["meeting", "rule"]
    assert ev.loc["release", "orgs"] == ["org:东海研究院"]
    assert "participants:not setting" in ev.loc["release", "rule"]
    # the meeting itself reported: every acting name of its sentence
    arts = _article(day="2025-11-22", body="21日,东海联盟与东海研究院在京举办2025全球伙伴大会。")
    (meeting,) = find_events(arts, _mentions(arts, ents)).itertuples()
    assert meeting.orgs == ["org:东海联盟", "org:东海研究院"]


@pytest.mark.parametrize(
    "body",
    [
        "受政府停摆影响,原定7日发布的就业数据再次延迟发布。",
        "原定12月在该国举行的东海峰会将推迟举行。",
    ],
)
def test_an_event_put_off_is_not_reported(body):
    ev = find_events(_article(body=body), pd.DataFrame())
    assert not ev.counted.any()
    assert (ev.status != "reported").all()


def test_coming_to_work_somewhere_is_no_visit():
    arts = _article(body="当年,他大学一毕业就来到这里工作,见证了港口的蝶变。")
    assert not find_events(arts, pd.DataFrame()).counted.any()
    # an inspection tour of work is a visit
    arts = _article(body="8月8日,书记在东海港考察工作。")
    (ev,) = find_events(arts, pd.DataFrame()).itertuples()
    assert ev.type == "visit" and ev.counted


@pytest.mark.parametrize(
    "body, name",
    [
        ("第二十七届高交会今天在深圳开幕。", ""),
        ("2025亚洲通用航空展今天在珠海开幕。", "2025亚洲通用航空展"),
        ("何立峰同东海国财政部长举行视频通话。", ""),
        ("11月24日晚,国家主席同东海国总统通电话。", ""),
    ],
)
def test_fairs_by_short_names_and_leaders_calls_are_meetings(body, name):
    (ev,) = find_events(_article(day="2025-11-25", body=body), pd.DataFrame()).itertuples()
    assert ev.type == "meeting" and ev.counted
    if name:
        assert ev.name == name


def test_after_a_semicolon_the_subject_carries_over():
    # one sentence of several clauses: the parks that sign also release the declaration
    body = "东海高新区、西海高新区共同签署合作协议;现场发布了《合作行动宣言》。"
    arts = _article(body=body)
    ents = [
        ("park:east", "东海高新区", "park", ["东海高新区"]),
        ("park:west", "西海高新区", "park", ["西海高新区"]),
    ]
    ev = find_events(arts, _mentions(arts, ents)).set_index("type")
    assert ev.loc["release", "parks"] == ["park:east", "park:west"]
    assert "participants:previous sentence" in ev.loc["release", "rule"]


def test_sample_counted_events_keep_their_dates_places_parks_and_names(sample_events):
    # the thirteen counted events of the sample page, as they were before issue 15's
    # participant rules: each rule since must leave them as they are
    counted = sample_events[sample_events.counted]
    got = [
        (r.article_id, r.type, str(r.date.date()), r.place, list(r.parks), r.name)
        for r in counted.itertuples()
    ]
    assert got == [
        (
            "a1",
            "meeting",
            "2023-08-08",
            "无锡",
            [],
            "长三角国家高新区党建联盟第二次联席会议暨党建引领高水平科技自立自强研讨会",
        ),
        (
            "a1",
            "unveiling",
            "2023-08-08",
            "",
            [
                "park:zhangjiang",
                "park:nanjing",
                "park:wuxi",
                "park:suzhou",
                "park:yancheng",
                "park:hangzhou",
                "park:ningbo",
                "park:hefei",
                "park:wuhu",
            ],
            "长三角国家高新区党建引领高水平科技自立自强首批实践基地",
        ),
        (
            "a1",
            "signing",
            "2023-08-08",
            "",
            ["park:zhangjiang", "park:wuxi"],
            "长三角国家高新区集成电路产业链党建合作共建协议",
        ),
        (
            "a1",
            "release",
            "2023-08-08",
            "",
            ["park:zhangjiang", "park:wuxi"],
            "《长三角国家高新区党建引领高水平科技自立自强行动宣言》",
        ),
        ("a2", "signing", "2023-08-08", "无锡", [], ""),
        ("a2", "establishment", "2023-08-08", "无锡", [], "康卓电子(无锡)有限公司"),
        ("a2", "visit", "2023-08-08", "无锡", [], ""),
        ("a3", "meeting", "2023-08-08", "锡山区", [], "第二届长三角集成电路工业应用一体化发展大会"),
        (
            "a3",
            "unveiling",
            "2023-08-08",
            "",
            [],
            "长三角国产芯片应用服务平台、长三角车规级芯片检测中心",
        ),
        ("a3", "establishment", "2023-08-08", "无锡", [], "长三角汽车芯片检测联盟"),
        ("a4", "meeting", "2023-08-08", "惠山区", [], "2023年汽车电子应用与检测技术发展论坛"),
        ("a4", "launch", "2023-08-08", "", [], "长三角芯片应用、认证和推广平台"),
        ("a5", "release", "2023-08-09", "", [], "《氢能产业标准体系建设指南(2023版)》"),
    ]


def test_a_lecture_given_is_a_meeting_and_the_meeting_it_explains_is_cited():
    body = (
        "中央宣讲团成员、东海部部长11月3日在东海作宣讲报告。"
        "他从深刻认识四中全会召开的重要意义等方面进行了阐释。"
    )
    ev = find_events(_article(day="2025-11-04", body=body), pd.DataFrame())
    counted = ev[ev.counted]
    assert list(counted.type) == ["meeting"] and list(counted.trigger) == ["宣讲报告"]
    assert counted.iloc[0]["name"] == ""


@pytest.mark.parametrize(
    "body",
    [
        # a sum invested, a kind of project, a plan, a time since an opening
        "工程总投资575亿元,引水线路总长261公里。",
        "各地农村供水工程建设完成投资1019亿元。",
        "该办事处负责推进有前景的投资项目。",
        "近期,各超硬材料公司纷纷启动扩产计划。",
        "东海铁路开通四年 客货运量持续增长",
    ],
)
def test_no_project_in_a_sum_a_kind_a_plan_or_a_time_since(body):
    ev = find_events(_article(body=body), pd.DataFrame())
    assert not (ev[ev.counted].type == "project").any()


def test_a_project_started_is_still_one():
    arts = _article(body="8月8日,东海引水工程启动建设,工程总投资575亿元。")
    (ev,) = find_events(arts, pd.DataFrame()).itertuples()
    assert ev.type == "project" and ev.counted


def test_a_founding_regarded_is_proposed_and_the_authorities_cue_nothing():
    arts = _article(body="各方注意到有关成立东海投资保险机构联盟的倡议。")
    (ev,) = find_events(arts, pd.DataFrame()).itertuples()
    assert ev.type == "establishment" and ev.status == "future"
    arts = _article(body="8月8日,有关部门成立东海工作专班。")
    (ev,) = find_events(arts, pd.DataFrame()).itertuples()
    assert ev.type == "establishment" and ev.status == "reported"


@pytest.mark.parametrize(
    "body",
    [
        "要把执纪和执法贯通起来,监督执纪和监察执法一体推进。",
        "规范和引导资本发展,要设立“红绿灯”,健全法律制度。",
        "推动各类监督贯通协调。",
    ],
)
def test_an_exhortation_reports_nothing(body):
    assert not find_events(_article(body=body), pd.DataFrame()).counted.any()


def test_words_holding_要_are_no_exhortation():
    # 主要/重要: no cue; the signing is reported
    arts = _article(body="8月8日,两市主要负责人签署重要合作协议。")
    (ev,) = find_events(arts, pd.DataFrame()).itertuples()
    assert ev.type == "signing" and ev.status == "reported"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("“全国农资保供线上平台", "全国农资保供线上平台"),  # the closing quote fell outside
        ("工作报告》", "工作报告"),
        ("“十四五”规划", "“十四五”规划"),  # balanced: kept
        ("《法律适用》", "《法律适用》"),
        ("11日", ""),  # only a time: no name
        ("前不久", ""),
        ("第五届上海科技传播大会", "第五届上海科技传播大会"),
    ],
)
def test_event_names_have_no_half_quotes_and_are_never_a_time(raw, shown):
    from analysis.events import _tidy_name

    assert _tidy_name(raw) == shown


def test_a_congress_speaker_is_no_meeting():
    # 国会议长: 国会 + 议长, not 会议 (as 议会议长)
    ev = find_events(_article(body="韩国国会议长禹元植3日在首尔会见中国客人。"), None)
    assert "meeting" not in set(ev["type"])
    assert list(ev["type"]) == ["visit"]


@pytest.mark.parametrize(
    ("body", "etype", "name"),
    [
        # a name runs on into a time word: cut before it
        (
            "今年以来，海关总署发布了通关便利化措施今天（8月8日）起施行。",
            "release",
            "通关便利化措施",
        ),
        # a clause's conjunction or preposition is not the name's start
        (
            "论坛在杭州开幕，与会代表并出席了长三角数字经济合作研讨会。",
            "meeting",
            "长三角数字经济合作研讨会",
        ),
        # a report verb after the object ends it (发表声明说…)
        ("外交部发言人发表声明说，中方坚决反对。", "release", ""),
    ],
)
def test_event_names_stop_at_time_words_and_skip_a_clauses_first_words(body, etype, name):
    ev = find_events(_article(body=body), None)
    got = ev[ev["type"] == etype]
    assert len(got) == 1
    assert got.iloc[0]["name"] == name


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("并正式接棒亚太经合组织工商领导人峰会", "正式接棒亚太经合组织工商领导人峰会"),
        ("通过两党理论研讨会", "两党理论研讨会"),
        ("随着一批新型收获机", "一批新型收获机"),
        ("超重力离心机不久前", "超重力离心机"),
        ("贯通今天（11月25日）", ""),  # only a verb is left
        ("验收", ""),
        ("试运行", ""),
        ("《关于推进长三角一体化的意见》", "《关于推进长三角一体化的意见》"),
        ("中俄总理第三十次定期会晤", "中俄总理第三十次定期会晤"),
    ],
)
def test_tidy_name(raw, shown):
    from analysis.events import _tidy_name

    assert _tidy_name(raw) == shown


def test_a_cue_inside_a_quoted_name_says_nothing_of_the_event():
    # 计划 in “…见习计划” names the programme: its launch is reported, not planned
    body = "本报电（王五）“东海青年见习计划”（下称“计划”）近日在东海市人力资源局启动。"
    (launch,) = find_events(_article(body=body), None).itertuples()
    assert (launch.type, launch.status, launch.counted) == ("launch", "reported", True)
    # a cue outside the quotation still counts
    (plan,) = find_events(_article(body="东海市计划于明年启动“青年见习计划”。"), None).itertuples()
    assert plan.status == "future"


@pytest.mark.parametrize(
    ("body", "etype", "name"),
    [
        # a print dateline and byline in front of the name are not the name
        (
            "本报北京8月8日电（记者张三）东海市优秀共产党员表彰大会8日在京召开。",
            "meeting",
            "东海市优秀共产党员表彰大会",
        ),
        # an aside cut off by the clause is dropped, the programme's quotation kept whole
        (
            "本报电（王五）“东海青年见习计划”（下称“计划”）近日在东海市人力资源局启动。",
            "launch",
            "“东海青年见习计划”",
        ),
        # a name that ends inside its quotation gets its closing mark
        ("第四届“复兴论坛”在东海大学举行。", "meeting", "第四届“复兴论坛”"),
    ],
)
def test_event_names_without_datelines_and_with_whole_quotations(body, etype, name):
    ev = find_events(_article(body=body), None)
    got = ev[ev["type"] == etype]
    assert len(got) == 1
    assert got.iloc[0]["name"] == name


@pytest.mark.parametrize(
    "body",
    ["中国第16次北冰洋考察队从大连起航，这是今年首次北冰洋考察。", "第42次南极考察今天出发。"],
)
def test_a_polar_expedition_is_no_visit(body):
    ev = find_events(_article(body=body), None)
    assert "visit" not in set(ev["type"])


@pytest.mark.parametrize(
    ("day", "body", "status"),
    [
        # a plan's period that began before the issue's year, as the clause's time
        ("2025-11-08", "“十四五”时期，东海市启动了农产品加工业提升行动。", "background"),
        ("2023-08-08", "十三五期间，东海新区启动了农产品加工业提升行动。", "background"),
        ("2025-11-08", "“十四五”以来，东海市推出了线上零工市场小程序。", "background"),
        # the period of the issue's own year is now
        ("2026-06-12", "“十五五”时期，东海新区启动了农产品加工业提升行动。", "reported"),
        # a period ahead is a plan: its 将 makes the event future
        ("2025-11-08", "“十五五”时期，东海市将启动新一轮产业提升行动。", "future"),
        # a period named as what is spoken of, not when: no time of the clause
        ("2025-11-08", "会议回顾“十四五”时期成就，东海市启动了产业提升行动。", "reported"),
        # the event's own date in the issue's window outweighs the period
        (
            "2025-11-17",
            "“十四五”期间东海新区累计启动项目200个，今天（11月17日）启动了新一批项目建设。",
            "reported",
        ),
    ],
)
def test_a_five_year_plans_period_is_its_events_time(day, body, status):
    ev = find_events(_article(day=day, issue=day, body=body), None)
    launches = ev[ev["type"].isin(["launch", "project"])]
    assert len(launches) == 1
    assert launches.iloc[0]["status"] == status


@pytest.mark.parametrize(
    ("body", "etype", "name"),
    [
        # a facility handed over, a work finished: projects
        ("东海新区人民医院新院区8日正式交付使用。", "project", "东海新区人民医院新院区"),
        ("我国首艘新型汽车运输船8日在东海完工。", "project", "我国首艘新型汽车运输船"),
        # a document named 关于…: 于 inside it ends no object, 关于 stays its start
        (
            "东海市人大常委会8日审议通过了关于加强生态保护的决定。",
            "release",
            "关于加强生态保护的决定",
        ),
        # a subject stops at its day (…领导小组8日成立)
        ("东海市防汛工作领导小组8日成立。", "establishment", "东海市防汛工作领导小组"),
        # a signing's parties are not what is signed: no name
        ("东海高新区管委会8日与东海大学签约。", "signing", ""),
        # the body founded, whole: 联合 inside its name, 揭牌 before 成立 left out
        (
            "东海高新区与东海大学共建的新材料联合研究院揭牌成立。",
            "establishment",
            "新材料联合研究院",
        ),
        ("东海大学人工智能研究院正式挂牌成立。", "establishment", "东海大学人工智能研究院"),
        # (联合 as "jointly" still ends a subject)
        ("两市联合启动“清风行动”。", "launch", "清风行动"),
    ],
)
def test_project_words_and_names_of_documents_bodies_and_signings(body, etype, name):
    ev = find_events(_article(body=body), None)
    got = ev[ev["type"] == etype]
    assert len(got) == 1
    assert got.iloc[0]["name"] == name


def test_a_completion_count_is_no_project():
    ev = find_events(_article(body="东海造船业的完工量和新承接订单量保持领先。"), None)
    assert "project" not in set(ev["type"])


def test_an_inspection_or_a_hall_toured_is_a_visit_and_part_of_its_tour():
    # 察看 (what a leader inspects is a thing, no stop of the tour): one visit with the
    # tour it is reported with, and its sentence's park takes part
    arts = _article(
        body=(
            "8月8日,书记在东海考察。"
            "这是书记在位于徐汇区的东海“南山空间”大模型创新生态社区,察看产品展示。"
        )
    )
    ev = find_events(arts, analysis.find_mentions(arts))
    (visit,) = _counted(ev, "x1", "visit").itertuples()
    assert list(visit.parks) == ["park:东海“南山空间”大模型创新生态社区"]
    # 参观 a hall: a visit, the hall (an organisation by the guidelines) takes part;
    # a crowd of visitors is none
    arts = _article(body="8月8日,书记在参观东江纵队纪念馆时表示,要弘扬精神。")
    ev = find_events(arts, analysis.find_mentions(arts))
    (visit,) = _counted(ev, "x1", "visit").itertuples()
    assert list(visit.orgs) == ["org:东江纵队纪念馆"]
    arts = _article(body="展览开展以来,持续迎来参观热潮。")
    assert find_events(arts, pd.DataFrame()).empty


@pytest.mark.parametrize(
    ("body", "n"),
    [
        ("8月8日,东海大学与南山集团共建联合实验室。", 1),  # a body founded together
        ("双方将共建“一带一路”,深化合作。", 0),  # no body: no founding
    ],
)
def test_a_body_built_together_is_a_founding(body, n):
    ev = find_events(_article(body=body), pd.DataFrame())
    assert len(_counted(ev, "x1", "establishment")) == n


def test_bodies_speaking_at_a_meeting_told_before_take_part_in_it():
    # 座谈会上，…负责同志作了发言: the bodies whose unnamed officials speak take part in
    # the 座谈会 reported before (not in another meeting cited between); a named official's
    # title (民革中央主席张三) names a person, not a body taking part
    body = (
        "8月8日,东海人才培养座谈会在北京召开。他指出,二十届四中全会作出重大部署。"
        "座谈会上,中央组织部、东海大学、南山集团负责同志作了发言。"
    )
    arts = _article(body=body)
    ev = find_events(arts, analysis.find_mentions(arts))
    meetings = _counted(ev, "x1", "meeting")
    forum = meetings[meetings.name.str.contains("座谈会")].iloc[0]
    assert set(forum.orgs) == {"org:中央组织部", "org:东海大学", "org:南山集团"}
    assert "participants:at the meeting" in forum.rule
    plenum = meetings[meetings.name.str.contains("全会")]
    assert all(len(o) == 0 for o in plenum.orgs)
    arts = _article(body="8月8日,东海人才培养座谈会在北京召开。座谈会上,民革中央主席张三先后发言。")
    ev = find_events(arts, analysis.find_mentions(arts))
    (forum,) = _counted(ev, "x1", "meeting").itertuples()
    assert list(forum.orgs) == []


@pytest.mark.parametrize("dtype", ["str", "string", object])
def test_text_columns_of_any_string_dtype_read_alike(dtype):
    """Titles and bodies are read the same from pandas' str and string dtypes as from
    plain objects; a missing title or body is empty text, and an id that is a number is
    its text."""
    rows = pd.concat(
        [
            _article(title="园区与甲公司签署合作协议", body="", aid="a1"),
            _article(title="", body="第二届产业发展大会8月8日在无锡召开。", aid="a2"),
        ],
        ignore_index=True,
    )
    want = find_events(rows, None)
    assert set(want.article_id) == {"a1", "a2"}  # (an event in each)
    got = rows.astype({"article_id": dtype, "title": dtype, "body": dtype})
    got.loc[0, "body"] = None
    got.loc[1, "title"] = None
    pd.testing.assert_frame_equal(find_events(got, None), want)
    numbered = rows.assign(article_id=[7, 8])
    assert find_events(numbered, None).article_id.tolist() == [
        "7" if a == "a1" else "8" for a in want.article_id
    ]


def test_exclusion_across_a_clause_break(tmp_path):
    """A lexicon word may hold a clause break (an exclusion ``签约，仪式``): it still
    covers the trigger before the break (the context is then read to the sentence's
    end, not only to the end of the last trigger's clause)."""
    path = _write(
        tmp_path,
        "type,type_label,trigger,pattern_kind,notes\n"
        "signing,签约合作,签约,trigger,\nsigning,签约合作,签约，仪式,exclude,\n",
    )
    found = []
    for body in ("双方签约，仪式隆重。", "双方签约，会场隆重。"):
        arts = _article(body=body)
        found.append(find_events(arts, _mentions(arts, []), lexicon=path).type.tolist())
    assert found == [[], ["signing"]]


def test_link_roots_of_alone_linked_too_far_apart_and_uncounted_reports():
    from analysis.events import link_roots

    ids = ["e0", "e1", "e2", "e3", "e4", "e5", "e6"]
    aids = ["a0", "a1", "a2", "a3", "a4", "a4", "a6"]
    types = ["sign"] * 7
    names = ["《合作协议》", "合作协议", "2025合作协议", "合作协议", None, None, "另一件事"]
    places = [None, None, None, None, "无锡", "无锡", None]
    parks = [None, None, None, None, ["p1"], ["p1"], None]
    orgs = [None] * 7
    counted = [True, True, True, False, True, True, True]
    # e2 three days after e1: its own root; e3 not counted; e4, e5 one article
    dates = [
        "2024-01-02",
        "2024-01-01",
        "2024-01-04",
        "2024-01-01",
        "2024-02-01",
        "2024-02-01",
        None,
    ]
    roots, n_articles = link_roots(ids, aids, types, names, places, parks, orgs, counted, dates)
    assert roots == ["e1", "e1", "e2", "e3", "e4", "e5", "e6"]
    assert n_articles.tolist() == [0, 2, 1, 0, 1, 1, 1]


# ------------------------------------------------- quick ways out (issue 19)


@pytest.mark.parametrize(
    "after, title",
    [
        ("记者张三报道", None),  # a news source: never acting
        ("消息，", None),
        ("北京11月3日电", None),
        ("条例》", None),  # a document's name
        ("法修订", None),
        ("副总理李强", "副总理"),  # a person's title: acting only in a visit (titles=True)
        ("董事长王五", "董事长"),
    ],
)
def test_not_acting_after_is_the_three_regexes_in_one(after, title):
    from analysis.events import _NOT_ACTING_AFTER

    m = _NOT_ACTING_AFTER.match(after)
    assert m is not None
    assert m.group("title") == title


@given(
    st.lists(
        st.sampled_from(["记者", "消息", "讯", "发（", "北京", "11月3日", "电", "法", "院"])
        | st.sampled_from(["条例", "纲要", "副", "总理", "委员", "会", "主任", "党委", "的"]),
        max_size=6,
    ).map("".join)
)
def test_not_acting_after_agrees_with_the_regexes_it_joins(after):
    # one call in place of three: excluded alike, with and without person's titles
    from analysis.events import (
        _DOCUMENT_AFTER,
        _NOT_ACTING_AFTER,
        _SOURCE_AFTER,
        _TITLE_AFTER,
    )

    other = _SOURCE_AFTER.match(after) is not None or _DOCUMENT_AFTER.match(after) is not None
    title = _TITLE_AFTER.match(after) is not None
    m = _NOT_ACTING_AFTER.match(after)
    for titles in (False, True):
        expected = (not titles and title) or other
        got = m is not None and not (titles and m.group("title") is not None)
        assert got == expected


@pytest.mark.parametrize(
    "sentence, etype, trigger, expected",
    [
        ("公司成立25周年。", "establishment", "成立", True),  # 周年 after it
        ("两国领导人两度会晤。", "visit", "会晤", True),  # 度 before it
        ("双方多次举行会谈。", "visit", "会谈", True),  # 次 … 举行 before it
        ("此次会议召开。", "meeting", "召开", False),  # 次, but no number of times
        ("研讨会在锡召开。", "meeting", "召开", False),
    ],
)
def test_not_a_happening_with_and_without_its_words(sentence, etype, trigger, expected):
    from analysis.events import _not_a_happening

    start = sentence.index(trigger)
    end = start + len(trigger)
    assert _not_a_happening(sentence, etype, 0, start, end, len(sentence) - 1) is expected


@pytest.mark.parametrize(
    "sentence, noun, expected",
    [
        ("会议指出，", "会议", ""),  # nothing before the noun
        ("此次会议指出，", "会议", ""),  # 2 characters before it: no name
        ("本届论坛召开", "论坛", ""),  # 3, but 本届 is taken off
        ("中央经济工作会议在京召开", "会议", "中央经济工作会议"),
        ("出席二十届四中全会", "全会", "二十届四中全会"),  # from after the name stop
    ],
)
def test_named_needs_three_characters_before_its_noun(sentence, noun, expected):
    from analysis import events

    lex = load_event_lexicon()
    extractor = events._Extractor(lex)
    batch = events._Batch(extractor.folding, [sentence], extractor.triggers)
    ctx = events._SentenceContext(sentence, batch.context, extractor.table)
    start = sentence.index(noun)
    etype = "meeting"
    assert events._named(ctx, lex, etype, start, start + len(noun), 0) == expected


# ------------------------------------------- work skipped or shared (issue 19, i19ev3)


@pytest.mark.parametrize(
    "body, expected",
    [
        ("公司举行了捐赠活动。", []),  # a verb with no noun of its type in the sentence
        ("研讨会在锡召开。", ["meeting"]),  # with one
        ("双方举办了交流，论坛气氛热烈。", []),  # one, but not in its clause
        ("国务院批准了《长江三角洲区域一体化发展规划纲要》。", ["release"]),  # a title
        ("国务院批准了该项申请。", []),  # a release verb with neither
    ],
)
def test_a_verb_needs_a_noun_of_its_type_or_a_title(body, expected):
    ev = find_events(_article(body=body), _mentions(_article(body=body), []))
    assert ev.type.tolist() == expected


def test_clause_break_chars_are_the_bmp_characters_the_regex_matches():
    from analysis.events import _CLAUSE_BREAK, _clause_break_chars

    chars = _clause_break_chars()
    assert len(chars) == 33
    assert {"，", ",", "：", ":", " ", "\t", "\n", "\u3000", "\xa0"} <= set(chars)
    assert not {"。", "；", "a", "\ud7ff", "\ue000"} & set(chars)
    one_by_one = [
        chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000 and _CLAUSE_BREAK.match(chr(c))
    ]
    assert chars == "".join(one_by_one)
