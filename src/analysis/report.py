"""A single self-contained HTML report of the tables and their figures.

:func:`make_figures` draws every chart the tables allow; :func:`write_report` writes
one UTF-8 HTML file with the figures embedded (base64 PNG, or inline SVG when no PNG
exists), a summary of counts, the top events with links to their articles, and an
articles section those links point to. The file needs nothing else to open: mail it
or put it on a share.

The command line does::

    figures = report.make_figures(tables)
    paths = {name: analysis.save_figure(fig, name)[0] for name, fig in figures.items()}
    report.write_report(tables, paths, config.FIGURES_DIR / "report.html")
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import gc
import html
import io
import json
import logging
import math
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from string import Template

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import __version__, config, fonts, plots
from analysis.publish import (
    FORMULA_STARTS,
    ExportStats,
    remove_stale_temporaries,
    replace_controls,
    temporary_file,
)
from analysis.select import _isin

logger = logging.getLogger(__name__)

TEMPLATE = config.PACKAGE_DATA_DIR / "report_template.html"

#: Figure names :func:`make_figures` produces, in report order, with captions.
CAPTIONS = {
    "zh": {
        "event_timeline": "各类事件随时间的分布（只计已报道事件）",
        "events_by_park": "各园区的事件类型",
        "park_mentions": "被提及最多的园区（文章数，重复刊登的只计一次）",
        "org_mentions": "被提及最多的机构（文章数），按类别着色",
        "co_mentions": "同一篇报道中共同出现的园区",
        "keywords": "各组关键词（按园区、月份：与其余文章相比最突出的词，对数几率）",
        "wordcloud": "词云：字越大，越多文章以它为自身关键词（而非词频）",
        "article_lengths": "篇幅最长的文章（重复刊登的只列一次）",
    },
    "en": {
        "event_timeline": "Events over time by type (reported events only)",
        "events_by_park": "Event types by park",
        "park_mentions": "Parks mentioned most",
        "org_mentions": "Organisations mentioned most, coloured by kind",
        "co_mentions": "Parks mentioned in the same article",
        "keywords": "Keywords per group (per park or month: most distinctive against the rest)",
        "wordcloud": "Word cloud: the larger, the more articles have it among their own keywords",
        "article_lengths": "Article length",
    },
}

_TEXT = {
    "zh": {
        "title": "新闻分析报告",
        "title_focus": "{what}新闻分析报告",
        "title_parks": "国家高新区",
        "built_from": "数据来源",
        "inputs": "输入",
        "n_inputs": "输入文件",
        "n_skipped": "跳过的文件",
        "kept": "保留文章",
        "dropped": "未入选文章",
        "duplicates": "重复刊登的文章（未计入）",
        "duplicates_kept": "重复刊登的文章（已计入）",
        "issue_range": "报纸日期范围",
        "filters": "筛选条件",
        "no_filter": "无（全部文章）",
        "profiles": "园区概况",
        "profile_orgs": "相关机构（文章数）",
        "profile_keywords": "关键词",
        "profile_latest": "最新文章",
        "profile_events": "{name}：各类事件随时间的分布",
        "n_park_articles": "提及该园区的文章：{n} 篇",
        "generated": "生成于 {when}，analysis {version}",
        "summary": "概况",
        "figures": "图表",
        "events": "事件（最新在前）",
        "events_shown": "已报道事件（同一事件计一次），最新 {n} 件，共 {total} 件；全部见工作簿。",
        "place": "地点",
        "orgs": "机构",
        "articles": "文章",
        "what": "项目",
        "count": "数量",
        "n_articles": "文章",
        "n_mentions": "提及",
        "n_parks": "被提及的园区",
        "n_orgs": "被提及的机构",
        "n_events": "事件（已报道）",
        "n_events_all": "事件（含背景、计划）",
        "period": "时间范围",
        "by_type": "各类事件",
        "type": "类型",
        "counted": "已报道",
        "all": "全部",
        "date": "日期",
        "event": "事件",
        "parks": "园区",
        "sentence": "原文",
        "article": "文章",
        "no_events": "没有事件。",
        "no_articles": "没有文章。",
        "no_figures": "没有图表。",
        "missing_article": "（文章不在文章表中）",
        "source": "来源",
        "page": "版面",
        "link": "原文链接",
    },
    "en": {
        "title": "News analysis report",
        "title_focus": "{what} in the news",
        "title_parks": "National high-tech parks",
        "built_from": "Built from",
        "inputs": "inputs",
        "n_inputs": "input files",
        "n_skipped": "files skipped",
        "kept": "articles kept",
        "dropped": "articles left out",
        "duplicates": "duplicate articles (left out)",
        "duplicates_kept": "duplicate articles (kept)",
        "issue_range": "issue dates",
        "filters": "filters",
        "no_filter": "none (every article)",
        "profiles": "Park profiles",
        "profile_orgs": "Organisations (articles)",
        "profile_keywords": "Keywords",
        "profile_latest": "Latest articles",
        "profile_events": "{name}: events over time by type",
        "n_park_articles": "articles naming the park: {n}",
        "generated": "Generated {when} by analysis {version}",
        "summary": "Summary",
        "figures": "Figures",
        "events": "Events (latest first)",
        "events_shown": "Reported events (each once): latest {n} of {total}; all in the workbook.",
        "place": "place",
        "orgs": "organisations",
        "articles": "Articles",
        "what": "item",
        "count": "count",
        "n_articles": "articles",
        "n_mentions": "mentions",
        "n_parks": "parks mentioned",
        "n_orgs": "organisations mentioned",
        "n_events": "events (reported)",
        "n_events_all": "events (incl. background, planned)",
        "period": "period",
        "by_type": "Events by type",
        "type": "type",
        "counted": "reported",
        "all": "all",
        "date": "date",
        "event": "event",
        "parks": "parks",
        "sentence": "sentence",
        "article": "article",
        "no_events": "No events.",
        "no_articles": "No articles.",
        "no_figures": "No figures.",
        "missing_article": "(article not in the articles table)",
        "source": "source",
        "page": "page",
        "link": "link",
    },
}


def _usable(tables: Mapping[str, pd.DataFrame | None], name: str) -> pd.DataFrame | None:
    table = tables.get(name)
    return table if isinstance(table, pd.DataFrame) else None


#: Sheet names (Excel: at most 31 characters) of the numbers behind each figure.
FIGURE_SHEETS = {
    "event_timeline": "图_事件时间分布",
    "events_by_park": "图_园区事件类型",
    "park_mentions": "图_园区排行",
    "org_mentions": "图_机构排行",
    "co_mentions": "图_园区共现",
    "keywords": "图_关键词",
    "wordcloud": "图_词云",
    "article_lengths": "图_文章篇幅",
}

_KEYWORD_GROUPS_SHOWN = 9


def _main_park(mentions: pd.DataFrame, names: Mapping[str, str]) -> pd.Series:
    """Each article's park: the gazetteer park it names most (first named on a tie)."""
    mentions = mentions[["article_id", "entity_id", "kind"]]  # the columns used, then rows
    parks = mentions[
        mentions["kind"].eq("park") & mentions["entity_id"].astype(str).str.startswith("park:")
    ]
    if parks.empty:
        return pd.Series(dtype="object")
    counts = parks.groupby(["article_id", "entity_id"], sort=False).size().rename("n").reset_index()
    counts = counts.sort_values(["article_id", "n"], ascending=[True, False], kind="stable")
    first = counts.drop_duplicates("article_id")
    return pd.Series(
        [plots._park_name(e, names) for e in first["entity_id"]], index=first["article_id"]
    )


def keyword_table(
    tables: Mapping[str, pd.DataFrame | None],
    by: str = "auto",
    *,
    top: int = 10,
    max_groups: int = _KEYWORD_GROUPS_SHOWN,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Keywords by readable groups, for the keywords figure.

    Args:
        tables: ``articles``, ``tokens``, ``mentions`` and (for ``article``) ``keywords``.
        by: ``park``: each article under the park it names most, the parks with most
            articles shown, words scored by log-odds against every other article;
            ``month``: by issue month, the latest months shown, log-odds;
            ``article``: the build's keywords of the latest articles, labelled by title;
            ``auto``: ``park`` when two parks or more have three articles each, else
            ``month`` when there are two months or more, else ``article``.
        top: keywords per group.
        max_groups: groups shown.
        names: park names by ``entity_id`` (``plots._name_lookup`` of the mentions,
            made from them when None).

    Returns:
        ``group`` (a park's name, ``YYYY-MM`` or an article's title), ``keyword``,
        ``score``, ``rank``, ``n_docs``, groups in display order; ``attrs["by"]`` says
        which grouping was used.
    """
    from analysis import keyterms

    articles = _only_articles(_usable(tables, "articles"))
    tokens = _usable(tables, "tokens")
    mentions = _usable(tables, "mentions")
    columns = ["group", "keyword", "score", "rank", "n_docs"]
    if articles is None or articles.empty:
        return pd.DataFrame(columns=columns)
    terms = _article_terms(tables, articles)
    from analysis.select import _article_dates

    months = _article_dates(articles).dt.strftime("%Y-%m")
    main_park = (
        _main_park(mentions, plots._name_lookup(mentions) if names is None else names)
        if mentions is not None and not mentions.empty
        else pd.Series(dtype="object")
    )
    park_of = articles["article_id"].map(main_park)
    if by == "auto":
        sizes = park_of.value_counts()
        if (sizes >= 3).sum() >= 2:
            by = "park"
        elif months.nunique() >= 2:
            by = "month"
        else:
            by = "article"
    if by not in ("park", "month", "article"):
        raise ValueError(f"keywords_by must be auto, park, month or article, not {by!r}")
    if by == "article" or (tokens is None and terms is None):
        out = _keywords_by_article(tables, articles, top, max_groups)
        out.attrs["by"] = "article"
        return out
    if by == "park":
        labels = park_of.fillna("其他")
        shown = park_of.value_counts().index[:max_groups].tolist()
    else:
        labels = months
        shown = sorted(months.dropna().unique())[-max_groups:]
    labels = labels.rename(by)
    if labels.nunique() < 2:
        out = _keywords_by_article(tables, articles, top, max_groups)
        out.attrs["by"] = "article"
        return out
    table = keyterms.keywords(
        articles,
        by=labels,
        tokens=tokens if terms is None else None,
        terms=terms,
        method="log_odds",
        top=top,
    )
    table = table[table["group"].isin(shown)]
    table = table.assign(group=pd.Categorical(table["group"], categories=shown, ordered=True))
    table = table.sort_values(["group", "rank"], kind="stable")
    table["group"] = table["group"].astype(str)
    out = table[columns].reset_index(drop=True)
    out.attrs["by"] = by
    return out


def _article_terms(tables: Mapping, articles: pd.DataFrame):
    """The build's term counts (``tables["terms"]``, :func:`analysis.load_term_counts`)
    of ``articles``, row for row; None without them or when they lack an article (the
    tokens are counted then)."""
    terms = tables.get("terms")
    if terms is None or getattr(terms, "ids", None) is None:
        return None
    known = pd.Index(terms.ids)
    if not known.is_unique:
        return None
    rows = known.get_indexer(articles["article_id"].astype(str))
    if (rows < 0).any():
        logger.info("the term counts lack %d article(s): counting the tokens", (rows < 0).sum())
        return None
    if len(rows) == len(known) and (rows == np.arange(len(rows))).all():
        return terms  # every row, in order (the usual case): no copy of the counts
    return terms.take(rows)


def _covers(terms, articles: pd.DataFrame | None) -> bool:
    """Whether the term counts have a row for every article."""
    if articles is None or getattr(terms, "ids", None) is None:
        return False
    return bool(_isin(articles["article_id"].astype(str), set(terms.ids)).all())


def _keywords_by_article(tables, articles: pd.DataFrame, top: int, max_groups: int) -> pd.DataFrame:
    """The build's keywords of the latest articles (one per report), labelled by title."""
    from analysis.select import _article_dates, duplicate_of

    keywords = _usable(tables, "keywords")
    columns = ["group", "keyword", "score", "rank", "n_docs"]
    if keywords is None or keywords.empty:
        return pd.DataFrame(columns=columns)
    first = duplicate_of(articles)
    chosen = articles[
        articles["article_id"].map(first).eq(articles["article_id"]).to_numpy()
        & _isin(articles["article_id"], keywords["group"].astype(str))
    ]
    chosen = chosen.assign(_when=_article_dates(chosen)).sort_values(
        ["_when", "article_id"], ascending=[False, True], na_position="last", kind="stable"
    )
    chosen = chosen.head(max_groups)
    labels: dict[str, str] = {}
    for row in chosen.itertuples():
        label = str(row.title or row.article_id)
        if label in labels.values():
            label = f"{label}（{_date(row._when)}）"
        labels[row.article_id] = label
    table = keywords[keywords["group"].isin(labels)]
    table = table[table["rank"] <= top] if "rank" in table.columns else table
    order = {a: i for i, a in enumerate(labels)}
    table = table.assign(_order=table["group"].map(order)).sort_values(
        ["_order", "rank"], kind="stable"
    )
    table = table.assign(group=table["group"].map(labels))
    return table[columns].reset_index(drop=True)


def distinctive_words(
    tables: Mapping[str, pd.DataFrame | None], top: int = 150, per_article: int = 10
) -> pd.DataFrame:
    """The word cloud's words: distinctive keywords, not raw frequencies.

    A word's weight is the number of articles (each report once) in whose own
    ``per_article`` best keywords it stands (the build's TF-IDF keywords by article),
    times its inverse document frequency in this corpus, ``log(N / df)`` (with the
    tokens table): words every article uses (发展, 建设, and in a political corpus 中国)
    weigh little even where an article's keywords hold them, and a topic many articles
    are about weighs much. Without keywords by article, the TF-IDF of the articles
    taken as one text is used.

    Returns:
        ``keyword``, ``score`` (weight, or TF-IDF), ``n_docs`` (articles whose
        keywords hold it), best first.
    """
    from analysis import keyterms
    from analysis.select import duplicate_of

    columns = ["keyword", "score", "n_docs"]
    articles = _only_articles(_usable(tables, "articles"))
    keywords = _usable(tables, "keywords")
    tokens = _usable(tables, "tokens")
    if articles is None or articles.empty:
        return pd.DataFrame(columns=columns)
    ids = articles["article_id"]
    terms = _article_terms(tables, articles)
    if keywords is not None and len(keywords) and _isin(keywords["group"], ids).all():
        first = duplicate_of(articles)
        best = keywords[
            (keywords["rank"] <= per_article).to_numpy() & _isin(keywords["group"], first)
        ]
        best = best[best["group"].map(first).eq(best["group"])]
        counts = best.groupby("keyword").size().rename("n_docs").reset_index()
        counts = counts[counts["n_docs"] >= min(2, counts["n_docs"].max() if len(counts) else 1)]
        idf = (
            _corpus_idf(counts["keyword"], tokens, first)
            if terms is None
            else _terms_idf(counts["keyword"], terms, first)
        )
        counts["score"] = counts["n_docs"] * idf
        counts = counts.sort_values(["score", "keyword"], ascending=[False, True], kind="stable")
        return counts.head(top)[columns].reset_index(drop=True)
    if tokens is None and terms is None:
        return pd.DataFrame(columns=columns)
    group = pd.Series("all", index=articles.index, name="all")
    table = keyterms.keywords(
        articles,
        by=group,
        tokens=tokens if terms is None else None,
        terms=terms,
        method="tfidf",
        top=top,
    )
    return table[columns].reset_index(drop=True)


def _corpus_idf(words: pd.Series, tokens: pd.DataFrame | None, first: pd.Series) -> np.ndarray:
    """``log(N / df)`` of each word over the distinct articles of the tokens table (1.0
    each without one); the document frequencies counted in Arrow (one pass over the
    flattened tokens)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if tokens is None or tokens.empty or not len(words):
        return np.ones(len(words))
    kept = tokens[_isin(tokens["article_id"], first)]
    vocabulary = pa.array(words.astype(str).tolist(), type=pa.string())
    lists = pa.array(kept["tokens"], from_pandas=True)
    flat, parent = pc.list_flatten(lists), pc.list_parent_indices(lists)
    position = pc.index_in(flat, value_set=vocabulary)
    found = pc.is_valid(position)
    pairs = np.sort(
        pc.filter(parent, found).to_numpy().astype(np.int64) * len(vocabulary)
        + pc.filter(position, found).to_numpy()
    )
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
    df = np.bincount(pairs % len(vocabulary), minlength=len(vocabulary))
    n = max(len(kept), 1)
    return np.log((n + 1) / (df + 1)) + 1e-9


def _terms_idf(words: pd.Series, terms, first: pd.Series) -> np.ndarray:
    """:func:`_corpus_idf` from the build's term counts of the articles (the words are
    keywords, so content tokens: the counts hold every article that has them)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(words):
        return np.ones(len(words))
    rows = np.flatnonzero(_isin(pd.Index(terms.ids), first))
    counts = terms.counts if len(rows) == terms.counts.shape[0] else terms.counts[rows]
    per_term = np.bincount(counts.indices, minlength=counts.shape[1])  # articles per term
    at = pc.index_in(pa.array(words.astype(str).tolist(), pa.string()), value_set=terms.vocabulary)
    found = pc.is_valid(at).to_numpy(zero_copy_only=False)
    df = np.zeros(len(words), dtype=np.int64)
    df[found] = per_term[pc.drop_null(at).to_numpy()]
    n = max(len(rows), 1)
    return np.log((n + 1) / (df + 1)) + 1e-9


def _lengths_table(articles: pd.DataFrame | None, top: int = 30) -> pd.DataFrame:
    from analysis.select import duplicate_of

    articles = _only_articles(articles)
    if articles is None or articles.empty or "n_chars" not in articles.columns:
        return pd.DataFrame(columns=["article_id", "title", "n_chars"])
    first = duplicate_of(articles)
    df = articles[articles["article_id"].map(first).eq(articles["article_id"]).to_numpy()]
    df = df.sort_values("n_chars", ascending=False, kind="stable").head(top)
    return df[["article_id", "title", "n_chars"]].reset_index(drop=True)


def figure_tables(
    tables: Mapping[str, pd.DataFrame | None],
    *,
    lang: str = "zh",
    freq: str = "M",
    top: int = 20,
    keywords_by: str = "auto",
    names: Mapping[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The numbers behind each figure, keyed by figure name (report order).

    A figure is drawn from its table alone (:func:`draw_figure`), so the table is
    both what the workbook shows beside the chart and what decides whether the
    chart must be drawn again. ``names``: the entities' names by ``entity_id``
    (``plots._name_lookup`` of the mentions, made here when None).
    """
    articles = _only_articles(_usable(tables, "articles"))
    tokens = _usable(tables, "tokens")
    mentions = _usable(tables, "mentions")
    events = _usable(tables, "events")
    if events is not None:  # linked once for the charts that count events
        events = plots.linked_events(events)
    if names is None and mentions is not None:  # (64,000 entities: made once)
        names = plots._name_lookup(mentions)
    out: dict[str, pd.DataFrame] = {}
    if events is not None:
        usable = {"date", "type"} <= set(events.columns)
        out["event_timeline"] = (
            plots.timeline_table(events, freq, articles=articles, lang=lang)
            if usable and not events.empty
            else pd.DataFrame(columns=["period", "n_events", "n_articles", "covered"])
        )
        out["events_by_park"] = plots.events_by_park_table(
            events, mentions if names is None else names, top=top, lang=lang
        )
    if mentions is not None:
        out["park_mentions"] = plots.ranking_table(mentions, ["park"], top, articles=articles)
        out["org_mentions"] = plots.ranking_table(
            mentions,
            [k for k in dict.fromkeys([*plots.ORG_KINDS, *_org_kinds(mentions)])],
            top,
            articles=articles,
        )
        out["co_mentions"] = plots.co_mention_table(mentions, articles=articles)
    words = tokens is not None or tables.get("terms") is not None
    if articles is not None and (words or _usable(tables, "keywords") is not None):
        out["keywords"] = keyword_table(tables, keywords_by, names=names)
    if articles is not None and (words or _usable(tables, "keywords") is not None):
        out["wordcloud"] = distinctive_words(tables)
    if articles is not None:
        out["article_lengths"] = _lengths_table(articles)
    return out


def _org_kinds(mentions: pd.DataFrame) -> list[str]:
    """Kinds of organisations in the mentions, besides the known ones (``international``
    and others a newer mentions table may add): every kind but parks, places and people."""
    if "kind" not in mentions.columns:
        return []
    return [
        k
        for k in mentions["kind"].dropna().astype(str).unique()
        if k not in {"park", "place", "person"}
    ]


def draw_figure(
    name: str, table: pd.DataFrame, *, lang: str = "zh", rate: bool = False, top: int = 20
) -> Figure:
    """The figure ``name`` drawn from its :func:`figure_tables` table."""
    if name == "event_timeline":
        return plots.draw_event_timeline(table, rate=rate, lang=lang)
    if name == "events_by_park":
        return plots.draw_events_by_park(table, lang=lang)
    if name == "park_mentions":
        return plots.draw_ranking(table, top=top, lang=lang)
    if name == "org_mentions":
        return plots.draw_ranking(table, top=top, by_kind=True, lang=lang)
    if name == "co_mentions":
        return plots.draw_co_mentions(table, lang=lang)
    if name == "keywords":
        fig = plots.plot_keywords(table, lang=lang, max_groups=_KEYWORD_GROUPS_SHOWN)
        return fig
    if name == "wordcloud":
        words = (
            pd.Series(table["score"].to_numpy(), index=table["keyword"].astype(str))
            if len(table)
            else pd.Series(dtype=float)
        )
        return plots.plot_wordcloud(words, stopwords=(), lang=lang)
    if name == "article_lengths":
        return plots.plot_article_lengths(table.assign(kind="article"), lang=lang)
    raise ValueError(f"unknown figure {name!r}")


def make_figures(
    tables: Mapping[str, pd.DataFrame | None],
    *,
    lang: str = "zh",
    freq: str = "M",
    top: int = 20,
    keywords_by: str = "auto",
    rate: bool = False,
) -> dict[str, Figure]:
    """Every figure the tables allow, keyed by the names in :data:`CAPTIONS`.

    Args:
        tables: ``articles``, ``tokens``, ``keywords``, ``mentions``, ``events``; any
            may be missing (its figures are left out) or empty (its figures say
            "无数据" / "no data").
        lang: ``zh`` or ``en`` for titles and labels.
        freq: period of the event timeline.
        top: how many parks or organisations the rankings show.
        keywords_by: grouping of the keywords figure (see :func:`keyword_table`).
        rate: the event timeline as events per 100 articles.

    Returns:
        Figures in report order; save them with :func:`analysis.save_figure`. The
        numbers of each are :func:`figure_tables`.
    """
    data = figure_tables(tables, lang=lang, freq=freq, top=top, keywords_by=keywords_by)
    missing = [
        n for n in ("articles", "tokens", "keywords", "mentions", "events") if n not in tables
    ]
    if missing:
        logger.info("no %s table; its figures are left out", ", ".join(missing))
    return {name: draw_figure(name, t, lang=lang, rate=rate, top=top) for name, t in data.items()}


def _esc(value) -> str:
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return ""
    return html.escape(str(value))


#: What :func:`html.escape` replaces, in its order.
_HTML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def _esc_column(values: pd.Series) -> list[str]:
    """:func:`_esc` of each value of a column: a text column escaped in Arrow, one call
    a character for the whole column (the articles list: 10,000 articles, 60,000 texts),
    other columns value by value."""
    if not pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values):
        return [_esc(v) for v in values]
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = pc.fill_null(_arrow(values).cast(pa.string()), "")
    for char, entity in _HTML_ESCAPES:
        texts = pc.replace_substring(texts, char, entity)
    return texts.to_pylist()


def _date(value) -> str:
    stamp = pd.to_datetime(value, errors="coerce")
    return "" if pd.isna(stamp) else stamp.strftime("%Y-%m-%d")


def _anchor(article_id) -> str:
    """The HTML id of an article's entry: ``article-`` plus a safe form of its id."""
    return "article-" + re.sub(r"[^A-Za-z0-9_-]", "_", str(article_id))


def _figure_html(name: str, source: Path | str | Figure, caption: str) -> str | None:
    """One ``<figure>`` with the image embedded, or None if it cannot be read."""
    attrs = f'id="figure-{html.escape(name)}" data-figure="{html.escape(name)}"'
    cap = f"<figcaption>{html.escape(caption)}</figcaption>"
    if isinstance(source, Figure):
        buffer = io.BytesIO()
        source.savefig(buffer, format="png", dpi=120, facecolor="white")
        data, kind = buffer.getvalue(), "png"
    else:
        path = Path(source)
        # A PNG is preferred: smaller, and what Word and slides take.
        png = path.with_suffix(".png")
        if png.is_file():
            path = png
        elif path.suffix.lower() != ".svg" and path.with_suffix(".svg").is_file():
            path = path.with_suffix(".svg")
        if not path.is_file() or path.suffix.lower() not in {".png", ".svg"}:
            logger.warning("figure %s: no PNG or SVG at %s; left out of the report", name, source)
            return None
        kind = path.suffix.lower().lstrip(".")
        data = path.read_bytes()
    if kind == "svg":
        svg = data.decode("utf-8")
        svg = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>", "", svg).strip()
        return f"<figure {attrs}>\n{svg}\n{cap}</figure>"
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<figure {attrs}><img src="data:image/png;base64,{encoded}" '
        f'alt="{html.escape(caption)}">{cap}</figure>'
    )


def _font_face(text: str, cache: Path | None = None) -> str:
    """A CSS ``@font-face`` embedding the figures' font, subset to the characters of ``text``.

    The report then shows its Chinese text on machines without a Chinese font, in the
    same typeface as the figures. Only the characters used are embedded (tens of KB).
    With ``cache`` (a file), the rule is kept there with a digest of the font and the
    characters, and read back while both are the same.
    """
    import hashlib

    import uharfbuzz

    font = fonts.ensure_font()
    chars = {ch for ch in set(text) if not ch.isspace() and ord(ch) >= 0x2000}
    if not chars:
        return ""
    about = os.stat(font.path)
    key = hashlib.sha256(
        json.dumps(
            [str(font.path), font.index, about.st_size, about.st_mtime_ns,
             uharfbuzz.version_string(), _FONT_SUBSET_OPTIONS, "".join(sorted(chars))]
        ).encode()
    ).hexdigest()  # fmt: skip
    if cache is not None:
        try:
            first, rest = cache.read_text(encoding="utf-8").split("\n", 1)
            if first == f"/* {key} */":
                return rest
        except (OSError, ValueError):
            pass
    try:
        data = fonts.subset_font(chars, font)
    except Exception as error:  # the report stays usable with the reader's own fonts
        logger.warning("could not embed font %s in the report: %s", font.family, error)
        return ""
    kind = "truetype" if font.truetype_outlines else "opentype"
    encoded = base64.b64encode(data).decode("ascii")
    rule = (
        '@font-face { font-family: "AnalysisCJK"; '
        f'src: url("data:font/{"ttf" if kind == "truetype" else "otf"};base64,{encoded}") '
        f'format("{kind}"); font-display: block; }}'
    )
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            with temporary_file(cache) as tmp:
                tmp.write_text(f"/* {key} */\n{rule}", encoding="utf-8")
        except OSError as error:  # a cache that cannot be written is only slower
            logger.info("font subset not cached in %s: %s", cache, error)
    return rule


#: What the subset keeps, in the cache key of :func:`_font_face` (change it with the options).
_FONT_SUBSET_OPTIONS = "harfbuzz: cmap only, no layout features, all names, .notdef outline"


#: Font families of an exported notebook: Latin faces, then the embedded CJK subset
#: (``AnalysisCJK``), then common CJK faces, for a page opened without the subset.
CSS_FONTS = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "AnalysisCJK", '
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
)
_CSS_MONO = 'ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace'


def notebook_html(
    notebook: str | os.PathLike,
    out_path: str | os.PathLike | None = None,
    *,
    embed_font: bool = True,
) -> Path:
    """Export an executed notebook to one HTML file that shows its Chinese anywhere.

    The page is nbconvert's HTML export (JupyterLab look) with a ``<meta charset>``
    declaring UTF-8, and, like ``report.html``, the figures' font embedded as a subset
    of exactly the characters of the page (prose, tables, findings; tens of KB), named
    first among the CJK fonts of every text's font-family. Figures are PNGs whose
    glyphs are drawn already. So tables and prose read right on a machine without any
    Chinese font; with ``embed_font=False`` the page falls back to the reader's fonts.

    Args:
        notebook: an ``.ipynb`` file, usually run by papermill.
        out_path: the HTML file; the notebook's path with ``.html`` when None.
        embed_font: embed the font subset.

    Returns:
        The written path.

    Example:
        >>> notebook_html("runs/02_event_frequency.ipynb")  # doctest: +SKIP
    """
    import nbformat
    from nbconvert import HTMLExporter

    source = Path(notebook)
    nb = nbformat.read(source, as_version=4)
    page, _ = HTMLExporter().from_notebook_node(nb)
    if not re.search(r"<meta[^>]+charset", page[:4000], flags=re.IGNORECASE):
        page = re.sub(
            r"<head[^>]*>", lambda m: m.group(0) + '\n<meta charset="utf-8">', page, count=1
        )
    fonts_css = (
        f":root {{ --jp-content-font-family: {CSS_FONTS}; --jp-ui-font-family: {CSS_FONTS}; "
        f'--jp-code-font-family: {_CSS_MONO}, "AnalysisCJK", monospace; }}\n'
        f"body, table, th, td {{ font-family: {CSS_FONTS}; }}"
    )
    face = _font_face(page) if embed_font else ""
    style = f'<style type="text/css">\n{face}\n{fonts_css}\n</style>\n'
    page = page.replace("</head>", style + "</head>", 1)
    out = Path(out_path) if out_path is not None else source.with_suffix(".html")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    logger.info("wrote %s", out)
    return out


def _table(
    header: list[str], rows: list[list[str]], numeric: set[int] = frozenset(), css: str = ""
) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _only_articles(articles: pd.DataFrame | None) -> pd.DataFrame | None:
    if articles is None or "kind" not in articles.columns:
        return articles
    return articles[articles["kind"] == "article"]


def _summary_html(tables: Mapping[str, pd.DataFrame | None], lang: str) -> str:
    t = _TEXT[lang]
    articles = _only_articles(_usable(tables, "articles"))
    mentions = _usable(tables, "mentions")
    events = _usable(tables, "events")
    rows: list[list[str]] = []
    if articles is not None:
        rows.append([t["n_articles"], str(len(articles))])
        if "date" in articles.columns:
            dates = pd.to_datetime(articles["date"], errors="coerce").dropna()
            if not dates.empty:
                rows.append([t["period"], f"{_date(dates.min())} – {_date(dates.max())}"])
    if mentions is not None:
        rows.append([t["n_mentions"], str(len(mentions))])
        if {"kind", "entity_id"} <= set(mentions.columns):
            parks = mentions.loc[mentions["kind"] == "park", "entity_id"].nunique()
            orgs = mentions.loc[mentions["kind"].isin(plots.ORG_KINDS), "entity_id"].nunique()
            rows += [[t["n_parks"], str(parks)], [t["n_orgs"], str(orgs)]]
    parts = []
    by_type = ""
    if events is not None:
        counted = plots._counted(events)
        rows += [[t["n_events"], str(len(counted))], [t["n_events_all"], str(len(events))]]
        if not events.empty and "type" in events.columns:
            labels = plots._type_labels(events, lang)
            all_counts = labels.value_counts()
            counted_counts = labels[counted.index].value_counts()
            order, _ = plots._type_order(events, labels)
            type_rows = [
                [_esc(lab), str(int(counted_counts.get(lab, 0))), str(int(all_counts[lab]))]
                for lab in order
            ]
            by_type = f"<h3>{t['by_type']}</h3>" + _table(
                [t["type"], t["counted"], t["all"]], type_rows, {1, 2}
            )
    rows = [[_esc(a), _esc(b)] for a, b in rows]
    parts.append(_table([t["what"], t["count"]], rows, {1}))
    parts.append(by_type)
    return "\n".join(p for p in parts if p)


def top_events(events: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """The events to list first: reported ones linking most parks and organisations.

    Args:
        events: the events table.
        n: how many.

    Returns:
        At most ``n`` rows of ``events``, ordered by counted (true first), number of
        linked parks and organisations, then date and ``event_id``.
    """
    if events is None or events.empty:
        return events.iloc[0:0] if isinstance(events, pd.DataFrame) else pd.DataFrame()

    def size(column: str) -> pd.Series:
        if column not in events.columns:
            return pd.Series(0, index=events.index)
        return events[column].map(lambda v: len(v) if isinstance(v, list | tuple) else 0)

    def column(name: str, default) -> pd.Series:
        if name in events.columns:
            return events[name]
        return pd.Series(default, index=events.index)

    order = pd.DataFrame(
        {
            "counted": column("counted", True).fillna(False).astype(bool),
            "links": size("parks") + size("orgs"),
            "date": pd.to_datetime(column("date", pd.NaT), errors="coerce"),
            "event_id": column("event_id", "").astype(str),
        }
    ).sort_values(
        ["counted", "links", "date", "event_id"],
        ascending=[False, False, True, True],
        na_position="last",
        kind="stable",
    )
    return events.loc[order.index[:n]]


#: Columns of :func:`event_table`, with their Chinese labels.
EVENT_COLUMNS = {
    "date": "日期",
    "type_label": "类型",
    "place": "地点",
    "parks": "园区",
    "orgs": "机构",
    "name": "事件",
    "title": "文章标题",
    "n_articles": "报道篇数",
    "article_id": "文章编号",
    "event_id": "事件编号",
}


def _names(value, lookup: Mapping[str, str]) -> str:
    """A list of entity ids as display names joined by ``、``."""
    if value is None or isinstance(value, float) or isinstance(value, str):
        return "" if not isinstance(value, str) else plots._park_name(value, lookup)
    return "、".join(plots._park_name(str(v), lookup) for v in value)


def _names_column(values: pd.Series, lookup: Mapping[str, str]) -> pd.Series:
    """:func:`_names` of each cell of a column; a column of Arrow lists (the events
    table's ``parks`` and ``orgs``) is done in Arrow: each distinct id named once, the
    names joined list by list (25,000 events: a tenth of the time)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = values.dtype
    if not (
        isinstance(dtype, pd.ArrowDtype)
        and pa.types.is_list(dtype.pyarrow_dtype)
        and pa.types.is_string(dtype.pyarrow_dtype.value_type)
    ):
        return values.map(lambda v: _names(v, lookup))
    lists = pa.array(values.array)
    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    offsets = lists.offsets.to_numpy()  # (into the child array of an unsliced table)
    ids = lists.values.slice(offsets[0], offsets[-1] - offsets[0])
    distinct = pc.unique(ids)
    shown = [plots._park_name(str(v), lookup) for v in distinct.to_pylist()]
    names = pc.take(pa.array(shown, pa.string()), pc.index_in(ids, value_set=distinct))
    starts = pa.array(offsets - offsets[0], lists.offsets.type)
    joined = pa.ListArray.from_arrays(starts, names, mask=lists.is_null())
    texts = pc.fill_null(pc.binary_join(joined, "、"), "")
    out = pd.arrays.ArrowExtensionArray(texts)
    return pd.Series(out, index=values.index, name=values.name)  # (as map makes it)


def event_table(
    events: pd.DataFrame | None,
    articles: pd.DataFrame | None = None,
    mentions: pd.DataFrame | None = None,
    *,
    counted_only: bool = True,
    lang: str = "zh",
) -> pd.DataFrame:
    """The events an analyst reads: counted root events, latest first.

    Roots: when the events table has ``root_event_id``, only events that are their own
    root (the first report of an event told again in other sentences or articles) are
    kept, and ``n_articles`` (articles reporting it) is shown when present; without
    these columns, repeats of the same type, date and name are dropped.

    Args:
        events: the events table.
        articles: for each event's article title.
        mentions: for park and organisation names (ids are shown without it); or
            those names by ``entity_id``.
        counted_only: keep only events with ``counted`` true.
        lang: ``zh`` or ``en`` type labels.

    Returns:
        One row per event: ``date``, ``type_label``, ``place``, ``parks`` and ``orgs``
        (names joined by ``、``), ``name`` (the event's name; the sentence, cut, when
        it has none), ``title`` (its article's), ``n_articles``, ``article_id``,
        ``event_id``; sorted by date (latest first, undated last), then ``event_id``.
    """
    if events is None or events.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in EVENT_COLUMNS})
    df = plots._counted(events) if counted_only else events
    if "root_event_id" in df.columns:
        roots = df["root_event_id"].astype("string")
        df = df[roots.isna() | (roots == df["event_id"].astype("string"))]
    else:
        key = [c for c in ("type", "date", "name") if c in df.columns]
        named = df["name"].astype("string").fillna("").ne("") if "name" in df.columns else False
        df = df[~(df.duplicated(key, keep="first") & named)] if key else df
    lookup = plots._name_lookup(mentions)
    titles = (  # (tolist: iterating an Arrow column makes each value apart, 10x slower)
        dict(zip(articles["article_id"].tolist(), articles["title"].tolist(), strict=False))
        if articles is not None and {"article_id", "title"} <= set(articles.columns)
        else {}
    )

    def column(name: str, default="") -> pd.Series:
        return df[name] if name in df.columns else pd.Series(default, index=df.index)

    names = column("name").astype("string").fillna("")
    unnamed = (names == "").to_numpy()  # these show their sentence, cut
    sentences = column("sentence").astype("string").fillna("")[unnamed]
    names[unnamed] = sentences.map(lambda s: plots._shorten(s, 40))
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(column("date", pd.NaT), errors="coerce"),
            "type_label": plots._type_labels(df, lang) if "type" in df.columns else "",
            "place": column("place").astype("string").fillna(""),
            "parks": _names_column(column("parks", None), lookup),
            "orgs": _names_column(column("orgs", None), lookup),
            "name": names,
            "title": column("article_id").map(lambda a: titles.get(a, "")),
            "n_articles": pd.to_numeric(column("n_articles", 1), errors="coerce")
            .fillna(1)
            .astype(int),
            "article_id": column("article_id").astype(str),
            "event_id": column("event_id").astype(str),
        }
    )
    out = out.sort_values(
        ["date", "event_id"], ascending=[False, True], na_position="last", kind="stable"
    )
    return out.reset_index(drop=True)


def _events_html(
    tables: Mapping[str, pd.DataFrame | None],
    t: dict[str, str],
    n: int,
    lang: str,
    table: pd.DataFrame | None = None,
) -> tuple[str, list[str]]:
    """The event table (counted root events, latest first; ``table`` when made already)
    and the article ids it links to."""
    if table is None:
        events, articles = _usable(tables, "events"), _usable(tables, "articles")
        table = event_table(events, articles, _usable(tables, "mentions"), lang=lang)
    if table.empty:
        return f'<p class="empty">{t["no_events"]}</p>', []
    shown = table.head(n)
    rows, linked = [], []
    for event in shown.itertuples():
        linked.append(event.article_id)
        link = f'<a href="#{_anchor(event.article_id)}">{_esc(event.title or event.article_id)}</a>'
        rows.append(
            [
                _date(event.date),
                _esc(event.type_label),
                _esc(event.place),
                _esc(event.parks),
                _esc(event.orgs),
                _esc(event.name),
                link,
            ]
        )
    header = [t["date"], t["type"], t["place"], t["parks"], t["orgs"], t["event"], t["article"]]
    note = f'<p class="meta">{_esc(t["events_shown"].format(n=len(shown), total=len(table)))}</p>'
    return note + _table(header, rows, css="events"), linked


def _articles_html(
    tables: Mapping[str, pd.DataFrame | None], t: dict[str, str], linked: list[str]
) -> str:
    articles = _usable(tables, "articles")
    items = []
    seen = set()
    if articles is not None and "article_id" in articles.columns:
        shown = articles[
            _isin(articles["article_id"], linked)
            | (articles["kind"] == "article" if "kind" in articles.columns else True)
        ]
        dates = (
            shown["date"].dt.strftime("%Y-%m-%d").fillna("").tolist()
            if "date" in shown.columns and pd.api.types.is_datetime64_any_dtype(shown["date"])
            else None
        )
        # the columns shown only (not the bodies), each escaped at once (_esc_column)
        used = ["title", "subtitle", "paper", "page", "source", "url"]
        empty = [""] * len(shown)
        text = {c: _esc_column(shown[c]) if c in shown.columns else empty for c in used}
        if dates is None:
            dates = [_date(d) for d in shown["date"]] if "date" in shown.columns else empty
        ids = shown["article_id"].tolist()
        seen.update(ids)
        for i, article_id in enumerate(ids):
            page, source = text["page"][i], text["source"][i]
            meta = " · ".join(
                part
                for part in (
                    dates[i],
                    text["paper"][i],
                    f"{t['page']} {page}" if page else "",
                    f"{t['source']}: {source}" if source else "",
                )
                if part
            )
            url = text["url"][i]
            link = f' · <a href="{url}">{t["link"]}</a>' if url.startswith("http") else ""
            subtitle = text["subtitle"][i]
            items.append(
                f'<li id="{_anchor(article_id)}"><h3>{text["title"][i]}</h3>'
                + (f"<div>{subtitle}</div>" if subtitle else "")
                + f'<div class="meta">{meta}{link}</div></li>'
            )
    for article_id in dict.fromkeys(linked):
        if article_id not in seen:
            items.append(
                f'<li id="{_anchor(article_id)}"><h3>{_esc(article_id)}</h3>'
                f'<div class="meta">{t["missing_article"]}</div></li>'
            )
    if not items:
        return f'<p class="empty">{t["no_articles"]}</p>'
    return '<ol class="articles">\n' + "\n".join(items) + "\n</ol>"


def report_title(focus=None, parks: list[str] | None = None, names=None, lang: str = "zh") -> str:
    """The report's title: the focus's own title, else one that names what it is about."""
    t = _TEXT[lang]
    if focus is not None and focus.title:
        return focus.title
    names = names or {}
    if parks:
        shown = "、".join(plots._park_name(p, names) for p in parks[:3])
        return t["title_focus"].format(what=shown + ("等" if len(parks) > 3 else ""))
    if focus is not None and focus.provinces:
        from analysis.select import resolve_provinces

        return t["title_focus"].format(what="、".join(resolve_provinces(focus.provinces)))
    if focus is not None and focus.parks_only:
        return t["title_focus"].format(what=t["title_parks"])
    return t["title"]


def _provenance_html(
    selection: Mapping | None, provenance: Mapping | None, t: dict[str, str]
) -> str:
    """What the report was built from: inputs, articles kept and dropped, dates, filters."""
    if not selection and not provenance:
        return ""
    rows: list[list[str]] = []
    provenance = provenance or {}
    if provenance.get("inputs"):
        rows.append([t["inputs"], "<br>".join(_esc(p) for p in provenance["inputs"])])
    if "n_inputs" in provenance:
        rows.append([t["n_inputs"], _esc(provenance["n_inputs"])])
    if provenance.get("n_skipped"):
        rows.append([t["n_skipped"], _esc(provenance["n_skipped"])])
    if selection:
        rows.append([t["kept"], _esc(selection.get("n_kept"))])
        rows.append([t["dropped"], _esc(selection.get("n_dropped"))])
        if selection.get("n_duplicates"):
            kept = "duplicates_kept" if selection.get("keep_duplicates") else "duplicates"
            rows.append([t[kept], _esc(selection["n_duplicates"])])
        issue_range = selection.get("issue_range")
        if issue_range:
            rows.append([t["issue_range"], _esc(" – ".join(issue_range))])
        filters = selection.get("filters") or []
        rows.append([t["filters"], "<br>".join(_esc(f) for f in filters) or t["no_filter"]])
    return f"<h3>{t['built_from']}</h3>" + _table([t["what"], t["count"]], rows)


def park_profiles(
    tables: Mapping[str, pd.DataFrame | None],
    parks: list[str],
    *,
    n_orgs: int = 10,
    n_keywords: int = 15,
    n_latest: int = 8,
) -> list[dict]:
    """The numbers of each park's profile.

    Args:
        tables: the (focused) tables.
        parks: park entity ids.
        n_orgs, n_keywords, n_latest: how many organisations, keywords and articles.

    Returns:
        One dict per park: ``entity_id``, ``name``, ``article_ids`` (articles naming
        it), ``events`` (its articles' events), ``orgs`` (DataFrame ``name``, ``kind``,
        ``n_articles``), ``keywords`` (list of words), ``latest`` (DataFrame
        ``article_id``, ``date``, ``title``, latest first).
    """
    articles = _usable(tables, "articles")
    mentions = _usable(tables, "mentions")
    events = _usable(tables, "events")
    tokens = _usable(tables, "tokens")
    names = plots._name_lookup(mentions) if parks else {}
    out = []
    for park in parks:
        if mentions is None or articles is None:
            break
        ids = set(mentions.loc[mentions["entity_id"] == park, "article_id"])
        own = articles[articles["article_id"].isin(ids)]
        near = mentions[mentions["article_id"].isin(ids) & mentions["kind"].isin(plots.ORG_KINDS)]
        orgs = (
            near.drop_duplicates(["article_id", "entity_id"])
            .groupby(["entity_id", "name", "kind"], sort=False)
            .size()
            .rename("n_articles")
            .reset_index()
            .sort_values(["n_articles", "name"], ascending=[False, True], kind="stable")
            .head(n_orgs)[["name", "kind", "n_articles"]]
        )
        words: list[str] = []
        terms = _article_terms(tables, own) if len(own) else None
        if (tokens is not None or terms is not None) and len(own):
            from analysis.keyterms import keywords

            group = pd.Series("park", index=own.index)
            try:
                top = keywords(
                    own,
                    by=group,
                    tokens=tokens if terms is None else None,
                    terms=terms,
                    top=n_keywords,
                )
                words = top["keyword"].astype(str).tolist()
            except Exception as error:  # a profile without keywords is still useful
                logger.warning("keywords of %s: %s", park, error)
        dates = pd.to_datetime(own.get("date"), errors="coerce")
        latest = (
            own.assign(date=dates)
            .sort_values("date", ascending=False, na_position="last", kind="stable")
            .head(n_latest)[["article_id", "date", "title"]]
        )
        out.append(
            {
                "entity_id": park,
                "name": plots._park_name(park, names),
                "article_ids": ids,
                "events": (events[events["article_id"].isin(ids)] if events is not None else None),
                "orgs": orgs,
                "keywords": words,
                "latest": latest,
            }
        )
    return out


def _profiles_html(
    profiles: list[dict], figures: Mapping[str, Path | str | Figure], t: dict, lang: str
) -> tuple[str, list[str]]:
    """The profile sections and the article ids they link to."""
    parts, linked = [], []
    for profile in profiles:
        slug = _anchor(profile["entity_id"]).removeprefix("article-")
        n_articles = len(profile["article_ids"])
        html_parts = [
            f'<section class="profile" id="profile-{slug}"><h3>{_esc(profile["name"])}</h3>',
            f'<p class="meta">{_esc(t["n_park_articles"].format(n=n_articles))}</p>',
        ]
        name = profile.get("figure")
        if name and name in figures:
            caption = t["profile_events"].format(name=profile["name"])
            html_parts.append(_figure_html(name, figures[name], caption) or "")
        if len(profile["orgs"]):
            kinds = plots.KIND_LABELS[lang]
            items = "、".join(
                f"{_esc(r.name)}（{_esc(kinds.get(r.kind, r.kind))}，{int(r.n_articles)}）"
                for r in profile["orgs"].itertuples()
            )
            html_parts.append(f"<h4>{t['profile_orgs']}</h4><p>{items}</p>")
        if profile["keywords"]:
            html_parts.append(
                f"<h4>{t['profile_keywords']}</h4><p>{_esc('、'.join(profile['keywords']))}</p>"
            )
        if len(profile["latest"]):
            items = []
            for r in profile["latest"].itertuples():
                linked.append(r.article_id)
                items.append(
                    f'<li>{_date(r.date)} <a href="#{_anchor(r.article_id)}">'
                    f"{_esc(r.title) or _esc(r.article_id)}</a></li>"
                )
            html_parts.append(f"<h4>{t['profile_latest']}</h4><ul>{''.join(items)}</ul>")
        html_parts.append("</section>")
        parts.append("\n".join(html_parts))
    return "\n".join(parts), linked


def write_report(
    tables: Mapping[str, pd.DataFrame | None],
    figures: Mapping[str, Path | str | Figure],
    out_path: str | os.PathLike,
    *,
    title: str | None = None,
    lang: str = "zh",
    n_events: int = 20,
    embed_font: bool = True,
    selection: Mapping | None = None,
    provenance: Mapping | None = None,
    profiles: list[dict] | None = None,
    stats: ExportStats | None = None,
    font_cache: str | os.PathLike | None = None,
    events: pd.DataFrame | None = None,
) -> Path:
    """Write the HTML report.

    Args:
        tables: the tables by name (``articles``, ``mentions``, ``events``, ...);
            missing or empty ones give a short note instead of a section's content.
        figures: figure name -> saved file (PNG preferred; for any other path a PNG
            or SVG next to it is used) or a Figure (rendered to PNG). Names in
            :data:`CAPTIONS` get a caption.
        out_path: the HTML file to write; its folder is created.
        title: the report's heading; a default in ``lang`` when None.
        lang: ``zh`` or ``en``.
        n_events: how many top events to list.
        embed_font: embed the figures' font, subset to the report's characters, so
            the Chinese text shows on machines with no Chinese font.
        selection: what the focus did (``articles.attrs["selection"]`` of
            :func:`analysis.select.select_articles`); the articles table's own when None.
        provenance: ``inputs`` (paths), ``n_inputs``, ``n_skipped`` of the build.
        profiles: :func:`park_profiles` of the parks in focus, each with the name of
            its figure under ``figure``; a section per park.
        stats: counts what was made safe: control characters an HTML page cannot
            hold are replaced by their visible symbols (every text is escaped).
        font_cache: a file where the embedded font subset is kept for the next page
            with the same characters (``build_report`` keeps it beside its state).
        events: the tables' :func:`event_table` (in ``lang``) when the caller has made
            it (``build_report``: the workbook's sheet); made from the tables if None.

    Returns:
        The written path.

    Example:
        >>> write_report(tables, {"park_mentions": "figures/park_mentions.png"},
        ...              config.FIGURES_DIR / "report.html")  # doctest: +SKIP
    """
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    t = _TEXT[lang]
    profiles = profiles or []
    profile_figures = {p.get("figure") for p in profiles}
    articles = _usable(tables, "articles")
    if selection is None and articles is not None:
        selection = articles.attrs.get("selection")
    figure_parts = []
    for name, source in figures.items():
        if name in profile_figures:
            continue
        part = _figure_html(name, source, CAPTIONS[lang].get(name, name))
        if part:
            figure_parts.append(part)
    events_html, linked = _events_html(tables, t, n_events, lang, events)
    profiles_html, profile_links = _profiles_html(profiles, figures, t, lang)
    linked += profile_links
    page = Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        lang="zh-CN" if lang == "zh" else "en",
        version=__version__,
        title=html.escape(title or t["title"]),
        generated=html.escape(
            t["generated"].format(when=dt.date.today().isoformat(), version=__version__)
        ),
        nav_summary=t["summary"],
        nav_figures=t["figures"],
        nav_events=t["events"],
        nav_articles=t["articles"],
        nav_profiles=(f' · <a href="#profiles">{t["profiles"]}</a>' if profiles else ""),
        profiles=(
            f'<section id="profiles"><h2>{t["profiles"]}</h2>\n{profiles_html}\n</section>'
            if profiles
            else ""
        ),
        summary=_provenance_html(selection, provenance, t) + _summary_html(tables, lang),
        figures="\n".join(figure_parts) or f'<p class="empty">{t["no_figures"]}</p>',
        events=events_html,
        articles=_articles_html(tables, t, linked),
        font_face="/*FONT-FACE*/",
    )
    page, n_controls = replace_controls(page)
    if stats is not None:
        stats.controls += n_controls
    cache = Path(font_cache) if font_cache is not None else None
    page = page.replace("/*FONT-FACE*/", _font_face(page, cache) if embed_font else "", 1)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with temporary_file(out) as tmp:  # the old report stays until the new one is whole
        tmp.write_text(page, encoding="utf-8")
    logger.info("wrote report %s (%d figures)", out, len(figure_parts))
    return out


# --------------------------------------------------------------------------- workbook
#: Excel's last row, header included.
EXCEL_MAX_ROWS = 1_048_576

#: Column labels of the workbook's sheets (Chinese); columns not listed keep their name.
COLUMN_LABELS = {
    "article_id": "文章编号",
    "issue_date": "报纸日期",
    "date": "日期",
    "paper": "报纸",
    "page": "版面",
    "kicker": "引题",
    "title": "标题",
    "subtitle": "副题",
    "author": "作者",
    "credit": "来源通讯社",
    "url": "链接",
    "source": "文件",
    "n_chars": "字数",
    "entity_id": "实体编号",
    "name": "名称",
    "kind": "类别",
    "n_articles": "文章数",
    "n_mentions": "提及次数",
    "first_date": "最早日期",
    "last_date": "最近日期",
    "group": "分组",
    "keyword": "关键词",
    "score": "得分",
    "rank": "名次",
    "n_docs": "含该词文章数",
    "period": "时期",
    "n_events": "事件数",
    "covered": "有报纸",
    "n": "文章数",
    "park": "园区",
    "source_name": "园区甲",
    "target": "园区乙",
    "source_articles": "园区甲文章数",
    "target_articles": "园区乙文章数",
    "sheet": "工作表",
    "note": "说明",
}
COLUMN_LABELS = EVENT_COLUMNS | COLUMN_LABELS

_READABLE_LABELS = COLUMN_LABELS | {"type": "类型", "status": "状态", "counted": "已报道"}


def readable_table(
    frame: pd.DataFrame | None,
    columns: list[str] | None = None,
    *,
    n: int | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A short table to show a reader: Chinese headers, dates as dates, names not codes.

    For notebooks and the like: ids (``*_id`` columns) are left out unless named in
    ``columns``; dates read ``2023-08-09``; lists are joined by ``、``; entity kinds
    and event types are Chinese labels (企业, 签约); true/false read 是/否; rows are
    numbered from 1.

    Args:
        frame: any table of the package (e.g. :func:`event_table`).
        columns: the columns to show, in order; every column but ids when None.
        n: at most this many rows (the first).
        labels: header labels; :data:`COLUMN_LABELS` (``name`` as 事件 for events).

    Example:
        >>> readable_table(event_table(events, articles, mentions), n=10)  # doctest: +SKIP
    """
    if frame is None:
        return pd.DataFrame()
    if columns is None:
        columns = [c for c in frame.columns if not str(c).endswith("_id")]
    df = frame[[c for c in columns if c in frame.columns]].head(n).copy()
    is_events = "type_label" in df.columns or "trigger" in df.columns
    own = dict(labels) if labels else _READABLE_LABELS | (EVENT_COLUMNS if is_events else {})
    kinds = plots.KIND_LABELS["zh"]
    for column in df.columns:
        values = df[column]
        if column == "kind":
            df[column] = values.map(lambda v: kinds.get(v, v))
        elif column == "type":
            df[column] = plots._type_labels(frame.loc[df.index], "zh")
        elif pd.api.types.is_datetime64_any_dtype(values) or column in ("date", "issue_date"):
            df[column] = pd.to_datetime(values, errors="coerce").dt.strftime("%Y-%m-%d").fillna("")
        elif pd.api.types.is_bool_dtype(values):
            df[column] = values.map({True: "是", False: "否"})
        elif values.map(lambda v: isinstance(v, list | tuple | np.ndarray)).any():
            df[column] = values.map(
                lambda v: (
                    "、".join(str(x) for x in v) if isinstance(v, list | tuple | np.ndarray) else v
                )
            )
    df = df.rename(columns=own)
    df.index = pd.RangeIndex(1, len(df) + 1)
    return df


_ARTICLE_SHEET_COLUMNS = [
    "article_id", "issue_date", "date", "paper", "page", "kicker", "title", "subtitle",
    "author", "credit", "n_chars", "url", "source",
]  # fmt: skip


def mentions_by_entity(
    mentions: pd.DataFrame | None, articles: pd.DataFrame | None = None, lang: str = "zh"
) -> pd.DataFrame:
    """One row per entity: ``entity_id``, ``name``, ``kind`` (label), ``n_articles``,
    ``n_mentions``, ``first_date``, ``last_date`` (of its articles), most articles first."""
    columns = ["entity_id", "name", "kind", "n_articles", "n_mentions", "first_date", "last_date"]
    if mentions is None or mentions.empty:
        return pd.DataFrame(columns=columns)
    from analysis.select import _article_dates

    df = mentions[["article_id", "entity_id", "name", "kind"]]
    if articles is not None and len(articles):
        when = pd.Series(_article_dates(articles).to_numpy(), index=articles["article_id"])
        df = df.assign(_when=df["article_id"].map(when))
    else:
        df = df.assign(_when=pd.NaT)
    grouped = df.groupby("entity_id", sort=False)
    kinds = grouped["kind"].first()
    labels = {k: plots.KIND_LABELS[lang].get(k, k) for k in kinds.dropna().unique()}
    out = pd.DataFrame(
        {
            "name": grouped["name"].first(),
            "kind": kinds.map(labels),  # (a label a kind, not one a row)
            "n_articles": grouped["article_id"].nunique(),
            "n_mentions": grouped.size(),
            "first_date": grouped["_when"].min(),
            "last_date": grouped["_when"].max(),
        }
    ).reset_index()
    return out.sort_values(["n_articles", "entity_id"], ascending=[False, True], kind="stable")[
        columns
    ].reset_index(drop=True)


def workbook_sheets(
    tables: Mapping[str, pd.DataFrame | None],
    charts: Mapping[str, pd.DataFrame] | None = None,
    *,
    keywords_per_article: int = 5,
    lang: str = "zh",
    names: Mapping[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The sheets an analyst reads, by sheet name, in workbook order.

    ``文章`` (articles without their bodies), ``提及`` (:func:`mentions_by_entity`),
    ``事件`` (:func:`event_table`), ``关键词`` (each article's best
    ``keywords_per_article`` keywords, with its title), and one ``图_…`` sheet per
    chart with the numbers it shows (:data:`FIGURE_SHEETS`). ``names``: the
    entities' names by ``entity_id``, made from the mentions when None.
    """
    articles = _only_articles(_usable(tables, "articles"))
    mentions = _usable(tables, "mentions")
    events = _usable(tables, "events")
    keywords = _usable(tables, "keywords")
    sheets: dict[str, pd.DataFrame] = {}
    if articles is not None:
        sheets["文章"] = articles[[c for c in _ARTICLE_SHEET_COLUMNS if c in articles.columns]]
    if mentions is not None:
        sheets["提及"] = mentions_by_entity(mentions, articles, lang)
    if events is not None:
        sheets["事件"] = event_table(
            events, articles, mentions if names is None else names, lang=lang
        )
    if keywords is not None:
        best = (
            keywords[keywords["rank"] <= keywords_per_article] if "rank" in keywords else keywords
        )
        if articles is not None and _isin(best["group"], articles["article_id"]).all():
            titles = pd.Series(articles["title"].to_numpy(), index=articles["article_id"])
            best = best.assign(title=best["group"].map(titles)).rename(
                columns={"group": "article_id"}
            )
            best = best[["article_id", "title", "keyword", "score", "rank", "n_docs"]]
        sheets["关键词"] = best.reset_index(drop=True)
    for name, table in (charts or {}).items():
        if name in FIGURE_SHEETS:
            sheets[FIGURE_SHEETS[name]] = table.rename(columns={"source": "source_name"})
    return sheets


def _cell(value):
    """A value as a workbook cell: dates as dates, lists joined by 、, NA as empty."""
    if isinstance(value, list | tuple | np.ndarray):
        return "、".join(str(v) for v in value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str) and len(value) > _CELL_CHARS:
        return value[:_CELL_CHARS]
    return value


#: Characters kept of a text cell (Excel's limit is 32,767).
_CELL_CHARS = 32000
#: Number formats of date cells: a date column's, and a date-time in a mixed column.
_DATE_FORMAT, _DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd h:mm:ss"
#: Excel's day 0 as pandas counts it (serial numbers from 1900-03-01 on).
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _safe_texts(texts: list, stats: ExportStats) -> list:
    """Text cells safe to open: no control character an XML sheet cannot hold (each
    replaced by its visible symbol); texts that start like a formula (``=``, ``+``,
    ``-``, ``@``) are counted: they are written as text cells, never as formulas."""
    texts = [t or None for t in texts]  # an empty text is an empty cell
    present = [t for t in texts if t is not None]
    joined = "\n".join(present)  # one search for the whole column
    if replace_controls(joined)[1]:
        out = []
        for text in texts:
            if text is not None:
                text, n = replace_controls(text)
                stats.controls += n
            out.append(text)
        texts, present = out, [t for t in out if t is not None]
    stats.formulas += sum(1 for t in present if t.startswith(FORMULA_STARTS))
    return texts


def _safe_text_array(texts, stats: ExportStats):
    """:func:`_safe_texts` of an Arrow string array (as ``pa.string()``), in Arrow:
    empty texts are empty cells, control characters are replaced (the rows that hold
    one, in Python), formulas are counted."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from analysis.publish import _CONTROL_RE, _formula_starts, _has_controls

    texts = texts.cast(pa.string())
    texts = pc.if_else(pc.equal(texts, ""), pa.scalar(None, pa.string()), texts)
    if _has_controls(texts):
        found = pc.fill_null(pc.match_substring_regex(texts, _CONTROL_RE), False)
        changed = []
        for text in pc.filter(texts, found).to_pylist():
            text, n = replace_controls(text)
            stats.controls += n
            changed.append(text)
        texts = pc.replace_with_mask(texts, found, pa.array(changed, pa.string()))
    formulas = _formula_starts(texts)
    stats.formulas += int(formulas.sum()) if formulas is not None else 0
    return texts


def _arrow(values: pd.Series):
    """A column as one Arrow array (NaN and NA: null), however many chunks it has."""
    import pyarrow as pa

    array = pa.array(values, from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _column_cells(values: pd.Series, stats: ExportStats) -> tuple[str, object]:
    """The cells of one column and how to write them: ``date`` (Excel serial numbers),
    ``number``, ``bool``, ``text`` (text cells), each an Arrow array (null: an empty
    cell), or ``any`` (each cell by its type), a list (None: an empty cell)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = values.dt.tz_localize(None) if values.dt.tz is not None else values
        stamps = pd.to_datetime(stamps)
        if not (stamps.dropna() < pd.Timestamp("1900-03-01")).any():
            days = (stamps - _EXCEL_EPOCH) / pd.Timedelta(days=1)
            return "date", _arrow(days.astype("float64"))
        return "any", [_cell(v) for v in stamps.astype(object)]  # before 1900-03-01
    if pd.api.types.is_bool_dtype(values):
        return "bool", _arrow(values)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_complex_dtype(values):
        numbers = _arrow(values)  # (NaN: null)
        if pa.types.is_floating(numbers.type):
            numbers = numbers.cast(pa.float64())
            numbers = pc.if_else(pc.is_finite(numbers), numbers, pa.scalar(None, pa.float64()))
        return "number", numbers
    if pd.api.types.is_string_dtype(values) and not pd.api.types.is_object_dtype(values):
        texts = _arrow(values)
        if pc.any(pc.greater(pc.utf8_length(texts), _CELL_CHARS)).as_py():
            texts = pc.utf8_slice_codeunits(texts, 0, _CELL_CHARS)
        return "text", _safe_text_array(texts, stats)
    cells = [_cell(v) for v in values.to_numpy(dtype=object)]
    plain = (str, bool, int, float, dt.date)  # dt.datetime is a dt.date
    cells = [c if c is None or isinstance(c, plain) else str(c)[:_CELL_CHARS] for c in cells]
    if all(c is None or isinstance(c, str) for c in cells):
        return "text", _safe_text_array(pa.array(cells, pa.string()), stats)
    texts = _safe_texts([c if isinstance(c, str) else None for c in cells], stats)
    return "any", [t if isinstance(c, str) else c for c, t in zip(cells, texts, strict=True)]


def _write_any(ws, row: int, col: int, value, formats: Mapping) -> None:
    """One cell of a mixed column, by the type of its value."""
    if isinstance(value, str):
        ws.write_string(row, col, value)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        if not isinstance(value, float) or math.isfinite(value):
            ws.write_number(row, col, value)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value.replace(tzinfo=None), formats["datetime"])
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, value, formats["date"])


def _write_sheet(
    ws,
    frame: pd.DataFrame,
    labels: Mapping[str, str],
    stats: ExportStats | None = None,
    formats: Mapping | None = None,
):
    """Every cell of one sheet: header labels, then the rows (the one place cells are
    written, so that cell-level rules such as escaping apply to every sheet).

    ``ws`` is an XlsxWriter worksheet of a workbook in ``constant_memory`` mode (rows
    written in order), ``formats`` its ``date`` and ``datetime`` cell formats. Every
    text is a text cell (``write_string``: never a formula, a number or a link), dates
    are Excel dates shown as ``yyyy-mm-dd``, numbers numbers, NA an empty cell.

    A sheet whose every column is of one kind (text, number, date or bool: all the
    report's sheets) gets its header and settings from XlsxWriter and its rows as XML
    made column by column (:func:`_rows_xml`); the function then returns a
    function of the date format's style number that gives those rows, for
    :func:`_add_rows` to put in the written file. Else it writes every cell and
    returns None.
    """
    stats = stats if stats is not None else ExportStats()
    formats = formats or {"date": None, "datetime": None}
    header = [labels.get(str(c), str(c)) for c in frame.columns]
    safe_header = _safe_texts(header, stats)
    columns = [_column_cells(frame.iloc[:, i], stats) for i in range(frame.shape[1])]
    dates = [kind == "date" for kind, _ in columns]
    widths = []
    sample = frame.head(200)
    for i in range(frame.shape[1]):
        column = sample.iloc[:, i]
        text = column.map(lambda v: str(_cell(v) or "")).map(len) if len(sample) else []
        longest = max([len(header[i]) * 2, *(n * 2 if n else 0 for n in text)], default=8)
        widths.append(min(60, max(8, longest // 2 + 2)))
    for i, width in enumerate(widths):
        if dates[i]:
            ws.set_column(i, i, 12, formats["date"])
        else:
            ws.set_column(i, i, width)
    ws.freeze_panes(1, 0)
    for i, text in enumerate(safe_header):
        ws.write_string(0, i, text)
    if len(frame.columns):
        ws.autofilter(0, 0, len(frame), len(frame.columns) - 1)
    if len(frame) and all(kind != "any" for kind, _ in columns):
        n_rows, n_cols = len(frame), len(columns)
        return lambda date_style: (_rows_xml(columns, n_rows, date_style), n_rows, n_cols)
    write = {
        "date": ws.write_number,
        "number": ws.write_number,
        "bool": ws.write_boolean,
        "text": ws.write_string,
    }
    plan = []
    for i, (kind, cells) in enumerate(columns):
        if kind != "any":
            cells = cells.to_pylist()
        if kind == "any":
            plan.append((i, cells, lambda r, c, v: _write_any(ws, r, c, v, formats)))
        elif kind == "date":
            date = formats["date"]
            plan.append((i, cells, lambda r, c, v, f=date: ws.write_number(r, c, v, f)))
        else:
            plan.append((i, cells, write[kind]))
    for row in range(len(frame)):
        for col, cells, put in plan:
            value = cells[row]
            if value is not None:
                put(row + 1, col, value)
    return None


#: What a text cell's XML must change: XML's special characters, control characters
#: and Excel's own ``_xHHHH_`` escapes (escaped as XlsxWriter escapes them).
_XML_TEXT_SPECIAL = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_XML_TEXT_SPECIAL_RE2 = r"[&<>\x00-\x08\x0b-\x1f\x{fffe}\x{ffff}]|_x[0-9a-fA-F]{4}_"
_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL_CHAR = re.compile("[\x00-\x08\x0b-\x1f]")
#: Excel's limit of a text cell, in UTF-16 code units.
_CELL_UTF16 = 32767


def _xml_text(text: str) -> str:
    """One text cell's content as sheet XML holds it (as XlsxWriter writes it)."""
    if len(text) > _CELL_UTF16 // 2 and len(text.encode("utf-16-le")) > 2 * _CELL_UTF16:
        text = text.encode("utf-16-le")[: 2 * _CELL_UTF16].decode("utf-16-le", "ignore")
    if not _XML_TEXT_SPECIAL.search(text):
        return text
    text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL_CHAR.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rows_xml(columns: list[tuple[str, object]], n_rows: int, date_style) -> bytes:
    """The ``<row>`` elements of rows 2.. of a sheet from :func:`_column_cells`' cells,
    as UTF-8, made column by column in Arrow: the same cells as XlsxWriter's
    ``write_string``, ``write_number`` (dates with the style ``date_style``) and
    ``write_boolean``, at a fraction of the cost (10,000 articles: 1.2 million cells).
    Texts that need escaping or cutting (a few) go through :func:`_xml_text`."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from xlsxwriter.utility import xl_col_to_name

    from analysis.publish import _utf8

    numbers = pc.cast(pa.array(np.arange(2, n_rows + 2)), pa.string())
    join = pc.binary_join_element_wise
    cells_of = []
    for i, (kind, cells) in enumerate(columns):
        ref = join(xl_col_to_name(i), numbers, "")
        if kind == "text":
            texts = _xml_texts(cells)
            space = pc.if_else(
                pc.match_substring_regex(texts, _EDGE_SPACE), ' xml:space="preserve"', ""
            )
            xml = join('<c r="', ref, '" t="inlineStr"><is><t', space, ">", texts, _TEXT_END, "")
        elif kind == "bool":
            values = pc.cast(pc.cast(cells, pa.int8()), pa.string())
            xml = join('<c r="', ref, '" t="b"><v>', values, "</v></c>", "")
        else:  # number, date
            style = f' s="{date_style}"' if kind == "date" else ""
            xml = join('<c r="', ref, f'"{style}><v>', _number_texts(cells), "</v></c>", "")
        cells_of.append(pc.fill_null(xml, ""))  # an empty cell: nothing
    rows = join('<row r="', numbers, '">', *cells_of, "</row>", "")
    offsets, data = _utf8(rows.combine_chunks() if isinstance(rows, pa.ChunkedArray) else rows)
    return data[offsets[0] : offsets[-1]].tobytes()  # (no row is null: their bytes, joined)


def _number_texts(numbers):
    """Each number as XlsxWriter writes it (``f"{v:.16G}"``), an Arrow string array:
    whole numbers below 10**16 (counts, days) cast in Arrow, others (fractions, -0.0,
    exponents) formatted in Python."""
    import pyarrow as pa
    import pyarrow.compute as pc

    valid = pc.drop_null(numbers).to_numpy(zero_copy_only=False)
    whole = pa.types.is_integer(numbers.type) or (
        np.all(valid == np.floor(valid)) and not np.any(np.signbit(valid) & (valid == 0))
    )
    if whole and (not len(valid) or np.abs(valid).max() < 10**16):
        return pc.cast(pc.cast(numbers, pa.int64()), pa.string())
    texts = [None if v is None else f"{v:.16G}" for v in numbers.to_pylist()]
    return pa.array(texts, pa.string())


_TEXT_END = "</t></is></c>"
#: A text XlsxWriter marks ``xml:space="preserve"``: white space (``str.isspace``, as
#: Python's ``\s``) first or last, in RE2's syntax.
_EDGE_SPACE = "^[{0}]|[{0}]$".format(
    "".join(f"\\x{{{c:x}}}" for c in range(0x3001) if chr(c).isspace())
)


def _xml_texts(texts):
    """:func:`_xml_text` of an Arrow string array: the texts with nothing to escape or
    cut (almost all) are kept as they are, the others changed one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = texts.cast(pa.string())
    special = pc.match_substring_regex(texts, _XML_TEXT_SPECIAL_RE2)
    # (cut by UTF-16 units: a text of more than half the limit in code points may need it)
    long = pc.greater(pc.utf8_length(texts), _CELL_UTF16 // 2)
    change = pc.fill_null(pc.or_(special, long), False)
    if not pc.any(change).as_py():
        return texts
    changed = [_xml_text(t) for t in pc.filter(texts, change).to_pylist()]
    return pc.replace_with_mask(texts, change, pa.array(changed, pa.string()))


def _add_rows(source: io.BytesIO, target: Path, rows: Mapping[int, tuple[bytes, int, int]]) -> None:
    """The workbook ``source`` (as XlsxWriter wrote it) into ``target``, with the rows
    ``rows[k][0]`` (UTF-8 sheet XML) of sheet ``k`` (``xl/worksheets/sheet<k>.xml``, in
    the order the sheets were added) after its header, and the sheet's dimension made
    to cover them (``rows[k][1]`` rows of ``rows[k][2]`` columns, below the header)."""
    import zipfile

    from xlsxwriter.utility import xl_rowcol_to_cell

    # deflate at level 1: 57 MB of sheet XML (10,000 articles) in 0.25 s instead of
    # 0.75 s at the default level 6, for a file 17% larger (10.1 MB instead of 8.7 MB)
    with (
        zipfile.ZipFile(source) as book,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for info in book.infolist():
            data = book.read(info)
            number = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            extra, n_rows, n_cols = (
                rows.get(int(number.group(1)), (b"", 0, 0)) if number else (b"", 0, 0)
            )
            if extra:
                last = xl_rowcol_to_cell(n_rows, n_cols - 1)
                dimension = f'<dimension ref="A1:{last}"/>'.encode()
                data = re.sub(rb'<dimension ref="[^"]*"/>', dimension, data, count=1)
                head, tail = data.split(b"</sheetData>", 1)
                data = b"".join([head, extra, b"</sheetData>", tail])
            out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)


def write_workbook(
    sheets: Mapping[str, pd.DataFrame],
    path: str | os.PathLike,
    *,
    notes: list[str] | None = None,
    lang: str = "zh",
    max_rows: int = EXCEL_MAX_ROWS - 1,
    stats: ExportStats | None = None,
) -> Path:
    """One workbook an analyst opens: a ``说明`` sheet, then a sheet per table.

    Headers are Chinese labels (:data:`COLUMN_LABELS`; ``lang="en"`` keeps the column
    names), dates are Excel dates, lists are joined by ``、``, widths fit the text,
    the header is frozen and filters are on. A table longer than ``max_rows`` is not
    put in the workbook (it stays in the Parquet/CSV files); the ``说明`` sheet says so.
    Every text is made safe to open (no live formula, no illegal control character;
    counted in ``stats``), and the workbook is written under a temporary name and
    renamed, so a failed write leaves the previous one.

    Written with XlsxWriter (``constant_memory``), the rows of plain sheets as XML made
    column by column (:func:`_rows_xml`): the per-cell calls were 5 s of the report for
    10,000 articles (issue 19).
    """
    import xlsxwriter

    labels = COLUMN_LABELS if lang == "zh" else {}
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"sheet": "", "note": n} for n in (notes or [])]
    kept = {}
    for name, frame in sheets.items():
        if len(frame) > max_rows:
            rows.append(
                {"sheet": name, "note": f"{len(frame):,} 行，超过工作表上限，只写入 Parquet/CSV"}
            )
            logger.warning("sheet %s: %d rows, too many for Excel; left out", name, len(frame))
            continue
        kept[name] = frame
        rows.append({"sheet": name, "note": f"{len(frame):,} 行"})
    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    with temporary_file(out) as tmp:
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, options)
        formats = {
            "date": book.add_format({"num_format": _DATE_FORMAT}),
            "datetime": book.add_format({"num_format": _DATETIME_FORMAT}),
        }
        about = pd.DataFrame(rows, columns=["sheet", "note"])
        later = {1: _write_sheet(book.add_worksheet("说明"), about, labels, stats, formats)}
        for name, frame in kept.items():
            own = labels | EVENT_COLUMNS if labels and name == "事件" else labels
            ws = book.add_worksheet(name[:31])
            later[len(later) + 1] = _write_sheet(ws, frame, own, stats, formats)
        book.close()  # the date format's style number is known from here on
        date_style = formats["date"].xf_index
        rows_of = {k: make(date_style) for k, make in later.items() if make is not None}
        _add_rows(buffer, tmp, rows_of)
    return out


# --------------------------------------------------------------------------- incremental
_STATE = "report_state.json"
#: The embedded font subset of the last report (:func:`_font_face`), beside the state.
_FONT_CACHE = ".report_font.css"


#: The figures' files :func:`build_report` writes by default: PNG, the one the page
#: embeds (and Word and slides take). SVG and PDF on request (``--formats png,svg`` or
#: ``png,svg,pdf``): for the figures of 10,000 articles the SVGs cost about 2 s of CPU
#: more and the PDFs about 1.7 s (a first report with PNG only: 9.5-10 s on one core
#: of a busy machine, benchmarks/README.md).
FIGURE_FORMATS = ("png",)

#: Every format ``--formats`` accepts.
KNOWN_FORMATS = ("png", "svg", "pdf")


def figure_formats(formats: str | Sequence[str]) -> tuple[str, ...]:
    """The figures' formats of ``"png,svg,pdf"`` or a list: known ones, each once, in
    the order of :data:`KNOWN_FORMATS`, PNG always (the page embeds it).

    Raises:
        ValueError: an unknown format.
    """
    if isinstance(formats, str):
        formats = formats.split(",")
    asked = {str(f).strip().lower().lstrip(".") for f in formats} - {""}
    unknown = sorted(asked - set(KNOWN_FORMATS))
    if unknown:
        raise ValueError(
            f"unknown figure format {', '.join(unknown)}: use {', '.join(KNOWN_FORMATS)}"
        )
    return tuple(f for f in KNOWN_FORMATS if f in asked | {"png"})


def _table_bytes(frame: pd.DataFrame) -> bytes:
    """A table's values as bytes for a digest: its Arrow IPC stream (the types and every
    buffer; 60 MB of sheets in a tenth of the time of hashing their text), or the
    values' hashes as text when a column has no Arrow type (mixed objects)."""
    import pyarrow as pa

    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        text = frame.astype(str)
        return pd.util.hash_pandas_object(text, index=False).to_numpy().tobytes()
    table = table.replace_schema_metadata(None)  # (pandas' metadata: dtypes, versions)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def content_hash(*parts) -> str:
    """A digest of tables (their values, columns and attrs) and plain values."""
    import hashlib

    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, pd.DataFrame):
            digest.update(json.dumps([str(c) for c in part.columns]).encode())
            digest.update(json.dumps(part.attrs, default=str, sort_keys=True).encode())
            if len(part):
                digest.update(_table_bytes(part))
        else:
            digest.update(json.dumps(part, default=str, sort_keys=True).encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:20]


def _read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


#: Columns of the built tables that no figure, sheet or page of the report shows, the
#: largest: the articles' bodies (15 M characters for 10,000 articles) and each
#: mention's sentence and surface form. Not read when the tables are still to be read.
UNREAD_COLUMNS = {"articles": ("body",), "mentions": ("sentence", "surface")}


def _without_unread(tables: Mapping[str, pd.DataFrame | None]):
    """The build's tables (:class:`analysis.publish.LazyTables`) made without
    :data:`UNREAD_COLUMNS`; other tables as they are. Articles without the build's
    ``duplicate_of`` (an older build) keep their bodies: duplicates are then found
    from them (:func:`analysis.select.duplicate_of`)."""
    from analysis.publish import LazyTables

    if not isinstance(tables, LazyTables):
        return tables
    lean = tables.without(UNREAD_COLUMNS)
    if "duplicate_of" not in lean["articles"].columns:
        return tables
    return lean


def _older_objects_frozen(func):
    """``func`` run with the objects that exist when it starts (the imported modules,
    the loaded tables) left out of the collector's full collections, which otherwise
    walk them all again each time (issue 19: 0.3 s of the report's CPU); as they were
    afterwards."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        gc.freeze()
        try:
            return func(*args, **kwargs)
        finally:
            gc.unfreeze()

    return run


@_older_objects_frozen
def build_report(
    tables: Mapping[str, pd.DataFrame | None],
    *,
    figures_dir: str | os.PathLike | None = None,
    processed_dir: str | os.PathLike | None = None,
    lang: str = "zh",
    progress: bool = False,
    focus=None,
    keywords_by: str = "auto",
    rate: bool = False,
    provenance: Mapping | None = None,
    inputs_key: str | None = None,
    force: bool = False,
    stats: ExportStats | None = None,
    keep_duplicates: bool = False,
    formats: Sequence[str] = FIGURE_FORMATS,
    terms=None,
) -> Path:
    """Every figure (PNG; SVG and PDF on request), an Excel workbook of the tables and
    the HTML report.

    Incremental: each figure, the workbook and the HTML are written again only when
    the content hash of their inputs (the figure's table of numbers, the workbook's
    sheets, everything the page shows) differs from the last run's, recorded in
    ``<figures_dir>/report_state.json``. With ``inputs_key`` (a digest of the build's
    inputs) equal to the last run's and the same options, nothing is computed at all.

    This is what ``python -m analysis report`` runs after the build.

    Args:
        tables: the built tables (``analysis.load_tables()`` or a build's result).
        figures_dir: where figures and ``report.html`` go (``config.FIGURES_DIR``).
        processed_dir: where ``tables.xlsx`` goes (``config.PROCESSED_DIR``).
        lang: ``zh`` or ``en`` labels.
        progress: show a progress bar while saving figures.
        focus: an :class:`analysis.select.Focus`; the report covers the articles
            :func:`analysis.select.select_articles` keeps, with a profile per park.
        keywords_by: ``auto``, ``park``, ``month`` or ``article`` (see :func:`make_figures`).
        rate: the event timeline as events per 100 articles.
        provenance: ``inputs``, ``n_inputs``, ``n_skipped`` of the build, for the report.
        inputs_key: digest of the build's inputs (the command line passes the
            manifest's); None always computes the figures' tables.
        force: write everything again.
        stats: counts what the workbook and the report changed to be safe to open
            (:class:`analysis.publish.ExportStats`).
        keep_duplicates: count the articles that repeat an earlier one (``duplicate_of``
            set); by default they are left out of every count, chart and sheet, and the
            report says how many there were.
        formats: the figures' files (:data:`FIGURE_FORMATS`, PNG, by default; add
            ``"svg"`` for scalable figures, ``"pdf"`` for print). The page embeds the
            PNGs, so ``"png"`` is always written.
        terms: the build's term counts of the articles
            (:func:`analysis.load_term_counts`), or the build's folder to read them
            from when something changed: the keywords and the word cloud then do not
            count the tokens again (the same figures). None: counted from the tokens.

    Returns:
        The path of ``report.html``.
    """
    import matplotlib.pyplot as plt

    from analysis.plots import save_figure
    from analysis.select import Focus, focus_tables

    focus = focus or Focus()
    formats = figure_formats(formats)
    out = Path(figures_dir) if figures_dir is not None else config.FIGURES_DIR
    processed = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DIR
    for folder in (out, processed):  # what a report stopped half way left
        remove_stale_temporaries(folder)
    html_path, book_path, state_path = out / "report.html", processed / "tables.xlsx", out / _STATE
    state = {} if force else _read_state(state_path)
    options = [__version__, lang, keywords_by, rate, focus.key(), provenance, keep_duplicates]
    options.append(formats)
    run_key = content_hash(inputs_key, *options) if inputs_key else None
    outputs_exist = html_path.is_file() and book_path.is_file()
    if run_key and state.get("run") == run_key and outputs_exist:
        logger.info("report: nothing changed since the last run")
        return html_path
    if isinstance(terms, str | os.PathLike):
        from analysis.publish import load_term_counts

        terms = load_term_counts(terms)
    tables = _without_unread(tables)
    if terms is not None and _covers(terms, _usable(tables, "articles")):
        # the keywords count from the terms: the tokens table (the largest) is not read
        tables = {name: tables[name] for name in tables if name != "tokens"}
    tables = focus_tables(tables, focus, keep_duplicates=keep_duplicates)
    if terms is not None:
        tables["terms"] = terms
    if _usable(tables, "events") is not None:  # linked once for every chart and table
        tables = {**tables, "events": plots.linked_events(tables["events"])}
    selection = tables["articles"].attrs.get("selection", {}) if "articles" in tables else {}
    parks = selection.get("parks", [])
    names = plots._name_lookup(_usable(tables, "mentions"))  # (made once for every table)
    data = figure_tables(tables, lang=lang, keywords_by=keywords_by, names=names)
    draws = {
        name: (lambda n=name, t=t: draw_figure(n, t, lang=lang, rate=rate))
        for name, t in data.items()
    }
    hashes = {name: content_hash(name, t, lang, rate, __version__) for name, t in data.items()}
    profiles = park_profiles(tables, parks)
    articles = _only_articles(_usable(tables, "articles"))
    for profile in profiles:
        name = "park_" + profile["entity_id"].removeprefix("park:").replace("/", "_")
        profile["figure"] = name
        if profile["events"] is not None:
            own = articles[articles["article_id"].isin(profile["article_ids"])]
            table = plots.timeline_table(profile["events"], articles=own, lang=lang)
            draws[name] = lambda t=table: plots.draw_event_timeline(t, rate=rate, lang=lang)
            hashes[name] = content_hash(name, table, lang, rate, __version__)
    previous = state.get("figures", {})
    todo = [
        n
        for n in draws
        if previous.get(n) != hashes[n]
        or not all((out / f"{n}.{ext}").is_file() for ext in formats)
    ]
    items = todo
    if progress:
        from analysis.progress import progress_bar

        items = progress_bar(todo, desc="figures", unit="figure")
    for name in items:
        fig = draws[name]()
        save_figure(fig, name, formats=formats, out_dir=out)
        plt.close(fig)
        for ext in set(KNOWN_FORMATS) - set(formats):  # an older run's, with older numbers
            (out / f"{name}.{ext}").unlink(missing_ok=True)
    logger.info("report: %d of %d figures drawn again", len(todo), len(draws))
    saved = {name: out / f"{name}.png" for name in draws}
    title = report_title(focus, parks, names, lang)
    notes = [f"报告：{title}"]
    notes += [f"筛选条件：{f}" for f in selection.get("filters", [])]
    notes.append(
        f"文章：保留 {selection.get('n_kept', '')}，未入选 {selection.get('n_dropped', '')}"
    )
    if selection.get("n_duplicates"):
        counted = "计入统计" if selection.get("keep_duplicates") else "未计入统计"
        notes.append(f"重复刊登的文章：{selection['n_duplicates']} 篇（{counted}）")
    sheets = workbook_sheets(tables, data, lang=lang, names=names)
    book_hash = content_hash(*sheets.values(), list(sheets), notes, lang, __version__)
    if state.get("workbook") != book_hash or not book_path.is_file():
        write_workbook(sheets, book_path, notes=notes, lang=lang, stats=stats)
        logger.info("report: workbook written")
    page_hash = content_hash(
        book_hash, hashes, title, selection, provenance, [p["keywords"] for p in profiles]
    )
    if state.get("html") != page_hash or not html_path.is_file():
        write_report(
            tables,
            saved,
            html_path,
            lang=lang,
            title=title,
            selection=selection,
            provenance=provenance,
            profiles=profiles,
            stats=stats,
            font_cache=out / _FONT_CACHE,
            events=sheets.get("事件"),  # (the same event_table: made once)
        )
        logger.info("report: HTML written")
    state = {"run": run_key, "figures": hashes, "workbook": book_hash, "html": page_hash}
    out.mkdir(parents=True, exist_ok=True)
    state_path.write_text(json.dumps(state, indent=1), encoding="utf-8")
    return html_path
