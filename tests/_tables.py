"""Small synthetic tables that follow docs/tables.md, for the plot and report tests."""

from __future__ import annotations

import hashlib

import pandas as pd

PARKS = {
    "park:suzhou-sip": "苏州工业园区",
    "park:wuxi": "无锡国家高新区",
    "park:zhangjiang": "张江高新区",
    "park:hefei": "合肥高新区",
}
ORGS = {
    "org:科技部火炬中心": "government",
    "org:中国科学院": "research",
    "org:华为技术有限公司": "company",
    "org:长三角国家高新区党建联盟": "association",
}


def _type_labels() -> dict[str, str]:
    """The Chinese labels of the event types, from the packaged lexicon."""
    from analysis.events import load_event_lexicon

    return dict(load_event_lexicon().labels)


TYPE_LABELS = _type_labels()


def article_id(i: int) -> str:
    """A 16-hex-character id, as the articles table uses."""
    return hashlib.sha1(f"synthetic-{i}".encode()).hexdigest()[:16]


def articles(n: int = 6) -> pd.DataFrame:
    """An articles table of ``n`` articles plus one boilerplate block."""
    rows = []
    for i in range(n):
        date = pd.Timestamp("2023-01-15") + pd.DateOffset(months=i)
        title = f"长三角高新区第{i + 1}次联席会议在锡召开"
        body = "苏州工业园区与无锡国家高新区签署合作协议。\n张江高新区代表出席。"
        rows.append(
            {
                "article_id": article_id(i),
                "source": "data/raw/synthetic.txt",
                "paper": "无锡日报",
                "issue_date": date,
                "page": "A01",
                "position": i,
                "kind": "article",
                "section": "",
                "kicker": "",
                "title": title,
                "subtitle": "",
                "dateline": f"本报讯 {date.month}月{date.day}日",
                "date": date,
                "date_source": "dateline",
                "body": body,
                "author": "王浩",
                "credit": "",
                "url": f"https://example.org/a/{i}",
                "n_chars": len(title) + len(body),
                "n_paragraphs": 2,
            }
        )
    rows.append(
        {
            **rows[0],
            "article_id": article_id(999),
            "kind": "boilerplate",
            "title": "版权声明",
            "position": n,
        }
    )
    df = pd.DataFrame(rows)
    for column in ("issue_date", "date"):
        df[column] = pd.to_datetime(df[column])
    return df


def mentions(arts: pd.DataFrame | None = None) -> pd.DataFrame:
    """A mentions table: every article names 2-3 parks and some organisations."""
    arts = articles() if arts is None else arts
    park_ids = list(PARKS)
    org_ids = list(ORGS)
    rows = []
    for i, aid in enumerate(arts.loc[arts["kind"] == "article", "article_id"]):
        chosen = [park_ids[0], park_ids[1 + i % 3]] + ([park_ids[3]] if i % 2 else [])
        entities = [(e, PARKS[e], "park") for e in chosen]
        entities += [(e, e[4:], ORGS[e]) for e in org_ids[: 1 + i % 4]]
        entities += [("place:无锡", "无锡", "place"), ("person:赵建军", "赵建军", "person")]
        start = 0
        for entity_id, name, kind in entities:
            rows.append(
                {
                    "article_id": aid,
                    "entity_id": entity_id,
                    "name": name,
                    "kind": kind,
                    "surface": name,
                    "start": start,
                    "end": start + len(name),
                    "field": "body",
                    "sentence": f"{name}参加会议。",
                    "resolution": "exact",
                }
            )
            start += len(name) + 1
    return pd.DataFrame(rows)


def events(arts: pd.DataFrame | None = None) -> pd.DataFrame:
    """An events table with several types, months, statuses and park lists."""
    arts = articles() if arts is None else arts
    arts = arts[arts["kind"] == "article"].reset_index(drop=True)
    types = list(TYPE_LABELS)
    park_ids = list(PARKS)
    rows = []
    for i in range(len(arts) * 2):
        art = arts.iloc[i % len(arts)]
        etype = types[i % len(types)]
        status = "background" if i % 7 == 6 else "reported"
        rows.append(
            {
                "event_id": f"{art['article_id']}-{i:02d}",
                "article_id": art["article_id"],
                "type": etype,
                "type_label": TYPE_LABELS[etype],
                "trigger": "召开" if etype == "meeting" else "签署",
                "sentence": f"{PARKS[park_ids[i % 4]]}举行{TYPE_LABELS[etype]}活动。",
                "date": art["date"],
                "date_source": "dateline",
                "place": "无锡",
                "name": f"第{i + 1}届长三角{TYPE_LABELS[etype]}",
                "parks": [park_ids[i % 4], park_ids[(i + 1) % 4]] if i % 3 else [park_ids[0]],
                "orgs": [next(iter(ORGS))],
                "status": status,
                "counted": status == "reported",
                "rule": "synthetic",
            }
        )
    df = pd.DataFrame(rows)
    df["date"] = pd.to_datetime(df["date"])
    return df


def tokens(arts: pd.DataFrame | None = None) -> pd.DataFrame:
    """A tokens table: one list of tokens per article."""
    arts = articles() if arts is None else arts
    words = ["长三角", "高新区", "科技", "创新", "党建", "联盟", "合作", "园区", "的", "。"]
    rows = [
        {"article_id": aid, "tokens": [*words[: 4 + i % 6], "高新区", "创新", "\n"]}
        for i, aid in enumerate(arts["article_id"])
    ]
    return pd.DataFrame(rows)


def keywords() -> pd.DataFrame:
    """A keywords table with three groups."""
    rows = []
    for group, words in {
        "苏州工业园区": ["生物医药", "纳米技术", "人工智能", "集成电路"],
        "无锡国家高新区": ["物联网", "集成电路", "党建联盟"],
        "2023-08": ["科技创新", "联席会议", "高水平", "自立自强", "产业链"],
    }.items():
        for rank, word in enumerate(words, start=1):
            rows.append(
                {
                    "group": group,
                    "keyword": word,
                    "score": round(1.0 / rank, 3),
                    "rank": rank,
                    "n_docs": 5 - rank if rank < 5 else 1,
                }
            )
    return pd.DataFrame(rows)


def all_tables() -> dict[str, pd.DataFrame]:
    """Every table, keyed as ``report.make_figures`` expects."""
    arts = articles()
    return {
        "articles": arts,
        "tokens": tokens(arts),
        "keywords": keywords(),
        "mentions": mentions(arts),
        "events": events(arts),
    }


def empty_tables() -> dict[str, pd.DataFrame]:
    """Every table with its columns and no rows."""
    return {name: table.iloc[0:0] for name, table in all_tables().items()}
