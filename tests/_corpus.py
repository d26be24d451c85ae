"""A generated corpus of a few hundred articles, as tables, for the focus, figure and
report tests at scale.

Sentences are written here in the shape of regional news, never copied from real
articles. What the tests rely on:

* ``N`` articles with issue dates over 2023-01 .. 2024-06, except that no issue falls
  in 2023-05 or 2023-06 (months the corpus does not cover);
* each article names one or two of :data:`PARKS` (gazetteer ids), except every fifth,
  which names no park; article 0 is a list naming every park of :data:`PARKS`;
* articles 1 and 2 are the same report (same title and body) printed twice;
* places ``place:jiangsu`` (Jiangsu parks) or ``place:zhejiang``, organisations, and
  one park outside the gazetteer (``park:x-outside``) with kind ``park``;
* two events per article: a reported one and a background one.
"""

from __future__ import annotations

import hashlib
import random

import pandas as pd

N = 300
#: Gazetteer parks (entity id -> name and province) used by the corpus.
PARKS = {
    "park:wuxi": ("无锡高新区", "江苏"),
    "park:suzhou-sip": ("苏州工业园区", "江苏"),
    "park:nanjing": ("南京高新区", "江苏"),
    "park:hangzhou": ("杭州高新区", "浙江"),
    "park:hefei": ("合肥高新区", "安徽"),
    "park:shanghai-zhangjiang": ("张江高新区", "上海"),
}
ORGS = {
    "org:无锡市科技局": "government",
    "org:中国科学院": "research",
    "org:华润微电子有限公司": "company",
    "org:长三角集成电路产业联盟": "association",
    "org:江南大学": "research",
}
TOPICS = {
    "park:wuxi": ["物联网", "传感器", "集成电路"],
    "park:suzhou-sip": ["生物医药", "纳米技术", "抗体"],
    "park:nanjing": ["软件", "信息", "通信"],
    "park:hangzhou": ["数字经济", "电商", "平台"],
    "park:hefei": ["量子", "新能源汽车", "显示"],
    "park:shanghai-zhangjiang": ["芯片", "创新药", "光源"],
}
COMMON = ["发展", "建设", "推进", "企业", "项目", "创新", "合作"]
TYPES = {"meeting": "会议论坛", "signing": "签约合作", "launch": "启动上线", "visit": "考察会见"}


def article_id(i: int) -> str:
    return hashlib.sha1(f"corpus-{i}".encode()).hexdigest()[:16]


def _months() -> list[pd.Timestamp]:
    months = pd.date_range("2023-01-01", "2024-06-01", freq="MS")
    return [m for m in months if m.strftime("%Y-%m") not in {"2023-05", "2023-06"}]


def tables(n: int = N) -> dict[str, pd.DataFrame]:
    """articles, tokens, mentions, events and keywords (by article) of ``n`` articles."""
    rng = random.Random(16)
    months = _months()
    park_ids = list(PARKS)
    articles, tokens, mentions, events = [], [], [], []
    previous: list[str] = []
    for i in range(n):
        month = months[i % len(months)]
        day = month + pd.Timedelta(days=i % 27)
        if i == 0:
            parks = [*park_ids, "park:x-outside"]
        elif i % 5 == 0:
            parks = []
        elif i == 2:  # the same report as article 1
            parks = list(previous)
        else:
            parks = rng.sample(park_ids, 1 + (i % 3 == 0))
        previous = parks
        names = [PARKS[p][0] if p in PARKS else "外地科技园" for p in parks]
        if i == 2:  # the same report as article 1, printed again
            title, body = articles[1]["title"], articles[1]["body"]
        else:
            where = "、".join(names) or "本市"
            title = f"{where}第{i}次产业合作推进会召开"
            body = (
                f"{where}举行产业合作推进会，签署合作协议{i % 7 + 1}项。\n"
                "与会企业代表交流发展经验。"
            )
        articles.append(
            {
                "article_id": article_id(i),
                "source": f"paper_{day:%Y-%m-%d}.txt",
                "paper": "样例日报",
                "issue_date": day,
                "page": "A01",
                "position": 1 + i % 4,
                "kind": "article",
                "section": "",
                "kicker": "",
                "title": title,
                "subtitle": "",
                "dateline": f"本报讯 {day.month}月{day.day}日",
                "date": day,
                "date_source": "dateline",
                "body": body,
                "author": "记者甲",
                "credit": "",
                "url": "",
                "n_chars": len(title) + len(body),
                "n_paragraphs": 2,
            }
        )
        words = list(COMMON) * 3
        for p in parks:
            words += TOPICS.get(p, ["园区"]) * 2
        tokens.append({"article_id": article_id(i), "tokens": words})
        entities = [(p, n_, "park") for p, n_ in zip(parks, names, strict=True)]
        province = {PARKS[p][1] for p in parks if p in PARKS}
        if "江苏" in province:
            entities.append(("place:jiangsu", "江苏", "place"))
        if "浙江" in province:
            entities.append(("place:zhejiang", "浙江", "place"))
        org_ids = list(ORGS)
        entities += [(o, o[4:], ORGS[o]) for o in org_ids[: 1 + i % len(org_ids)]]
        for entity_id, name, kind in entities:
            mentions.append(
                {
                    "article_id": article_id(i),
                    "entity_id": entity_id,
                    "name": name,
                    "kind": kind,
                    "surface": name,
                    "start": 0,
                    "end": len(name),
                    "field": "body",
                    "sentence": f"{name}参加推进会。",
                    "resolution": "exact",
                }
            )
        etype = list(TYPES)[i % len(TYPES)]
        for j, status in enumerate(("reported", "background")):
            events.append(
                {
                    "event_id": f"{article_id(i)}-{j}",
                    "article_id": article_id(i),
                    "type": etype,
                    "type_label": TYPES[etype],
                    "trigger": "召开",
                    "sentence": f"{'、'.join(names) or '本市'}举行推进会。",
                    "date": day if status == "reported" else day - pd.DateOffset(years=3),
                    "date_source": "dateline",
                    "place": "无锡" if "park:wuxi" in parks else "",
                    "name": f"第{i}次产业合作推进会",
                    "parks": [p for p in parks if p in PARKS],
                    "orgs": [org_ids[0]],
                    "status": status,
                    "counted": status == "reported",
                    "rule": "generated",
                    "confidence": 0.9,
                }
            )
    arts = pd.DataFrame(articles)
    for column in ("issue_date", "date"):
        arts[column] = pd.to_datetime(arts[column])
    ev = pd.DataFrame(events)
    ev["date"] = pd.to_datetime(ev["date"])
    keywords = pd.DataFrame(
        [
            {"group": a, "keyword": w, "score": 1.0 / r, "rank": r, "n_docs": 1}
            for a, t in zip(arts["article_id"], tokens, strict=True)
            for r, w in enumerate(dict.fromkeys(t["tokens"][-3:]), start=1)
        ]
    )
    return {
        "articles": arts,
        "tokens": pd.DataFrame(tokens),
        "mentions": pd.DataFrame(mentions),
        "events": ev,
        "keywords": keywords,
    }
