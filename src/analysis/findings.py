"""Findings in words: one Chinese sentence written from a table, for the notebooks.

Each function takes the table a chart is drawn from (or the tables it summarises) and
returns one or two sentences that state what the chart shows, with the numbers of the
data, so a notebook run on another corpus or focus says what *that* data shows::

    from analysis import findings, plots
    table = plots.ranking_table(mentions, ["park"], articles=articles)
    plots.draw_ranking(table)
    findings.ranking(table)  # '被提及最多的园区是无锡高新区（3 篇文章），其次是…'

They are pure (no files, no global state) and never raise on an empty table: an
empty table gives a sentence saying there is nothing to show and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from analysis import plots

#: Largest number of items a sentence lists.
LISTED = 3


def _join(items: Iterable[str]) -> str:
    """``甲``, ``甲和乙``, ``甲、乙和丙``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "和" + items[-1]


def _gazetteer_ids(gazetteer: pd.DataFrame | Iterable[str] | None) -> set[str]:
    if gazetteer is None:
        from analysis.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    if isinstance(gazetteer, pd.DataFrame):
        gazetteer = gazetteer["park_id"]
    return {f"park:{str(p).removeprefix('park:')}" for p in gazetteer}


def _articles(articles: pd.DataFrame | None) -> pd.DataFrame:
    if articles is None:
        return pd.DataFrame(columns=["article_id"])
    if "kind" in articles.columns:
        return articles[articles["kind"].astype(str).eq("article")]
    return articles


def selection(info: Mapping | None) -> str:
    """What a focus kept, from ``articles.attrs["selection"]``
    (:func:`analysis.select.select_articles`).

    Example: 「读入 662 篇文章，筛选条件为只含提及国家高新区的文章，保留 0 篇；以下图表没有数据。」
    """
    if not info:
        return "没有筛选记录。"
    n_all, n_kept = int(info.get("n_articles", 0)), int(info.get("n_kept", 0))
    n_copies = int(info.get("n_duplicates", 0) or 0)
    kept_copies = bool(info.get("keep_duplicates"))
    left_out = 0 if kept_copies else n_copies
    filters = list(info.get("filters") or [])
    if not filters:
        text = f"读入 {n_all} 篇文章，未加筛选"
        if n_kept == n_all:
            text += "，全部保留"
        elif n_all - n_kept > left_out:
            text += f"，保留 {n_kept} 篇正文（版面杂项不计）"
        else:
            text += f"，保留 {n_kept} 篇"
    else:
        text = f"读入 {n_all} 篇文章，筛选条件为{'；'.join(filters)}，保留 {n_kept} 篇"
    issue_range = info.get("issue_range")
    if n_kept and issue_range:
        first, last = issue_range
        text += f"（报纸日期 {first}）" if first == last else f"（报纸日期 {first} 至 {last}）"
    if n_copies:
        text += (
            f"；其中 {n_copies} 篇是重复刊登的报道，照样计入"
            if kept_copies
            else f"；另有 {n_copies} 篇是重复刊登的报道，不计入"
        )
    if not n_kept:
        text += "；以下图表没有数据，可放宽筛选条件再运行"
    return text + "。"


def overview(
    articles: pd.DataFrame | None,
    mentions: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    *,
    gazetteer: pd.DataFrame | Iterable[str] | None = None,
    scope: str = "所选文章",
) -> str:
    """Articles, how many name a gazetteer park, and the most frequent reported event type.

    Args:
        articles: the articles table (boilerplate rows and duplicates, ``duplicate_of``
            set, are not counted).
        mentions: the mentions table; the share naming a park is left out without it.
        events: the events table; only ``counted`` events are counted.
        gazetteer: the parks table (or its ids) that decides what a gazetteer park
            is; :func:`analysis.gazetteer.load_gazetteer` when None.
        scope: how the sentence names the articles (``样本``, ``所选文章``).

    Example: 「样本中共有 5 篇文章，其中 3 篇提到国家高新区；已报道事件中签约类最多（4 起）。」
    """
    articles = _articles(articles)
    if "duplicate_of" in articles.columns:
        articles = articles[articles["duplicate_of"].astype("string").fillna("").eq("")]
    n = len(articles)
    if not n:
        return f"{scope}中没有文章。"
    text = f"{scope}中共有 {n} 篇文章"
    if mentions is not None and {"article_id", "entity_id"} <= set(mentions.columns):
        ids = _gazetteer_ids(gazetteer)
        named = mentions.loc[mentions["entity_id"].astype(str).isin(ids), "article_id"]
        n_park = int(articles["article_id"].isin(set(named)).sum())
        if n_park == n:
            text += "，每篇都提到国家高新区"
        elif n_park:
            text += f"，其中 {n_park} 篇提到国家高新区"
        else:
            text += "，没有一篇提到地名录中的国家高新区"
    if events is not None and "type" in events.columns:
        counted = plots._counted(events)
        counted = counted[counted["article_id"].isin(set(articles["article_id"]))]
        if counted.empty:
            text += "；没有已报道的事件"
        else:
            labels = plots._type_labels(counted, "zh").value_counts()
            best = labels[labels == labels.iloc[0]].index.tolist()
            text += (
                f"；已报道事件 {len(counted)} 起，{_join(best)}类最多（{int(labels.iloc[0])} 起）"
            )
    return text + "。"


def lengths(articles: pd.DataFrame | None) -> str:
    """The typical and the longest article (a report printed twice counted once).

    Example: 「文章篇幅中位数为 640 字；最长的是《……》（2100 字）。」
    """
    from analysis.select import duplicate_of

    articles = _articles(articles)
    if not len(articles) or "n_chars" not in articles.columns:
        return "没有文章，无从比较篇幅。"
    first = duplicate_of(articles)
    distinct = articles[articles["article_id"].map(first).eq(articles["article_id"]).to_numpy()]
    chars = pd.to_numeric(distinct["n_chars"], errors="coerce").fillna(0).astype(int)
    longest = distinct.loc[chars.idxmax()]
    title = str(longest.get("title") or longest["article_id"])
    text = f"{len(distinct)} 篇文章篇幅的中位数为 {int(chars.median())} 字"
    text += f"；最长的是《{plots._shorten(title, 30)}》（{int(chars.max())} 字）"
    n_copies = len(articles) - len(distinct)
    if n_copies:
        text += f"；另有 {n_copies} 篇是重复刊登的同一报道，只计一次"
    return text + "。"


def _type_columns(table: pd.DataFrame, skip: Iterable[str]) -> list[str]:
    skip = set(skip)
    return [c for c in table.columns if c not in skip]


def timeline(table: pd.DataFrame | None) -> str:
    """The busiest period of a :func:`analysis.plots.timeline_table`, and its gaps.

    Example: 「2023-01 至 2024-06 的 18 个月中，2 个月没有报纸（图中空缺）；
    已报道事件最多的是 2023-08（12 起，会议 5 起）。」
    """
    if table is None or table.empty or "n_events" not in table.columns:
        return "没有注明日期的已报道事件，画不出时间分布。"
    periods = table["period"].astype(str)
    n_periods = len(table)
    span = periods.iloc[0] if n_periods == 1 else f"{periods.iloc[0]} 至 {periods.iloc[-1]}"
    unit = {"D": "天", "W": "周", "M": "个月", "Q": "个季度", "Y": "年"}.get(
        str(table.attrs.get("freq", "M"))[:1], "个时段"
    )
    text = f"{span} 共 {n_periods} {unit}" if n_periods > 1 else span
    if "covered" in table.columns:
        gaps = int((~table["covered"].astype(bool)).sum())
        if gaps:
            text += f"，其中 {gaps} {unit}没有报纸（图中阴影，不是零事件）"
    total = int(table["n_events"].sum())
    if not total:
        return text + "，但没有注明日期的已报道事件。"
    best = table.loc[table["n_events"].idxmax()]
    types = _type_columns(table, ("period", "n_events", "n_articles", "covered"))
    detail = ""
    if types:
        counts = best[types].astype(int)
        top_type = counts.idxmax()
        if counts[top_type] and (counts == counts[top_type]).sum() == 1 and (counts > 0).sum() > 1:
            detail = f"，其中{top_type} {int(counts[top_type])} 起"
    peak = f"{best['period']}（{int(best['n_events'])} 起{detail}）"
    if n_periods == 1:
        text += f" 共有已报道事件 {total} 起{detail}"
    else:
        text += f"，共有已报道事件 {total} 起；最多的是 {peak}"
    n_outside = int(table.attrs.get("n_outside", 0) or 0)
    if n_outside:
        text += f"；另有 {n_outside} 起事件的日期不在报纸日期范围内，未画出"
    return text + "。"


def events_by_park(table: pd.DataFrame | None) -> str:
    """The park with most reported events in an :func:`analysis.plots.events_by_park_table`.

    Example: 「事件最多的园区是无锡高新区（6 起，签约最多，3 起）；共 4 个园区有事件。」
    """
    if table is None or table.empty or "park" not in table.columns:
        return "已报道的事件都没有关联到园区。"
    types = _type_columns(table, ("park",))
    counts = table[types].astype(int)
    totals = counts.sum(axis=1)
    best = totals.idxmax()
    row = counts.loc[best]
    text = f"事件最多的园区是{table.loc[best, 'park']}（{int(totals[best])} 起"
    if (row > 0).sum() > 1 and (row == row.max()).sum() == 1:
        text += f"，{row.idxmax()}最多，{int(row.max())} 起"
    text += "）"
    if len(table) > 1:
        text += f"；共 {len(table)} 个园区有已报道事件"
    return text + "。"


def ranking(table: pd.DataFrame | None, what: str = "园区") -> str:
    """The first entities of a :func:`analysis.plots.ranking_table` (``n``: articles).

    Args:
        table: ``name``, ``kind``, ``n``, largest first.
        what: what the entities are, for the sentence (``园区``, ``机构``); with
            ``机构`` each name is followed by its kind (企业, 政府机构, ...).

    Example: 「被提及最多的园区是无锡高新区（3 篇文章），其次是苏州工业园区（2 篇）和……。」
    """
    if table is None or table.empty:
        return f"没有文章提到{what}。"
    kinds = plots.KIND_LABELS["zh"]

    def item(row, unit: str) -> str:
        kind = (
            f"{kinds.get(row.kind, row.kind)}，" if what != "园区" and "kind" in row._fields else ""
        )
        return f"{row.name}（{kind}{int(row.n)} {unit}）"

    rows = list(table.itertuples(index=False))
    text = f"被提及最多的{what}是{item(rows[0], '篇文章')}"
    if len(rows) > 1:
        text += f"，其次是{_join(item(r, '篇') for r in rows[1:LISTED])}"
    return text + "。"


def parks_outside(mentions: pd.DataFrame | None, gazetteer=None) -> str:
    """Parks named that the gazetteer does not list (free-trade zones, parks elsewhere).

    Returns "" when every park named is in the gazetteer or none is named.
    Example: 「另有 3 个不在地名录中的园区（如两江新区）被提到 12 次，未计入国家高新区。」
    When no park named is in the gazetteer: 「这 3 个园区（如两江新区）都不在地名录中，……」
    """
    if mentions is None or mentions.empty or "kind" not in mentions.columns:
        return ""
    parks = mentions[mentions["kind"].astype(str).eq("park")]
    outside = parks[~parks["entity_id"].astype(str).isin(_gazetteer_ids(gazetteer))]
    if outside.empty:
        return ""
    names = outside["name"].astype(str).value_counts().index[:2].tolist()
    n = outside["entity_id"].nunique()
    if len(outside) == len(parks):
        return (
            f"这 {n} 个园区（如{_join(names)}）都不在地名录中，所选文章没有提到长三角的国家高新区。"
        )
    return (
        f"另有 {n} 个不在地名录中的园区（如{_join(names)}）被提到 {len(outside)} 次，"
        "未计入国家高新区。"
    )


def co_mentions(table: pd.DataFrame | None) -> str:
    """The pair named together most in a :func:`analysis.plots.co_mention_table`.

    Example: 「最常在同一篇报道中出现的是无锡高新区和苏州工业园区（4 篇文章）；
    图中只画出至少共同出现 2 篇的园区对，共 5 对。」
    """
    if table is None or table.empty:
        return "没有两个园区在同一篇报道中出现（点名所有园区的名单式报道不计）。"
    best = table.iloc[0]
    text = (
        f"最常在同一篇报道中出现的是{best['source']}和{best['target']}"
        f"（{int(best['n_articles'])} 篇文章）"
    )
    threshold = int(table.attrs.get("min_count", 1) or 1)
    if threshold > 1:
        text += f"；图中只画出至少共同出现 {threshold} 篇的园区对，共 {len(table)} 对"
    elif len(table) > 1:
        text += f"；共 {len(table)} 对园区同时出现过"
    return text + "。"


def keywords(table: pd.DataFrame | None, groups: int = LISTED, words: int = LISTED) -> str:
    """The best words of the first groups of a keyword table (``group``, ``keyword``, ``rank``).

    Example: 「按园区分组：无锡高新区最突出的词是物联网、传感器和集成电路；……。」
    """
    if table is None or table.empty:
        return "没有可计算关键词的文章。"
    by = {"park": "按园区分组", "month": "按月份分组", "article": "按文章分组"}.get(
        str(table.attrs.get("by", "")), "各组"
    )
    parts = []
    order = table.sort_values("rank", kind="stable") if "rank" in table.columns else table
    for group in list(dict.fromkeys(table["group"].astype(str)))[:groups]:
        best = order.loc[order["group"].astype(str).eq(group), "keyword"].astype(str)
        label = f"《{plots._shorten(group, 20)}》" if by == "按文章分组" else group
        parts.append(f"{label}最突出的词是{_join(best.head(words))}")
    return f"{by}：" + "；".join(parts) + "。"


def wordcloud(table: pd.DataFrame | None, words: int = 5) -> str:
    """The largest words of :func:`analysis.report.distinctive_words` (``keyword``, ``score``).

    Example: 「最多文章以之为关键词的是物联网（12 篇）、集成电路（9 篇）和……。」
    """
    if table is None or table.empty:
        return "没有几篇文章共有的关键词，词云为空。"
    rows = table.head(words)
    scores = pd.to_numeric(rows["score"], errors="coerce")
    if "n_docs" in rows.columns and scores.eq(pd.to_numeric(rows["n_docs"], errors="coerce")).all():
        items = [f"{r.keyword}（{int(r.score)} 篇）" for r in rows.itertuples(index=False)]
        return f"最多文章以之为关键词的是{_join(items)}。"
    return f"全部文章合起来最突出的词是{_join(rows['keyword'].astype(str))}。"


def events_listed(table: pd.DataFrame | None, shown: int = 10) -> str:
    """How many events an :func:`analysis.report.event_table` holds and how many are shown.

    Example: 「共 13 起已报道事件（同一事件的多次报道只计一次），上表为最新的 10 起；
    其中 2 起由多篇文章报道。」
    """
    if table is None or table.empty:
        return "没有已报道的事件。"
    total = len(table)
    text = f"共 {total} 起已报道事件（同一事件的多次报道只计一次）"
    text += f"，上表为最新的 {shown} 起" if total > shown else "，全部列在上表"
    if "n_articles" in table.columns:
        several = int((pd.to_numeric(table["n_articles"], errors="coerce") > 1).sum())
        if several:
            text += f"；其中 {several} 起由多篇文章报道"
    return text + "。"
