"""Charts of the tables, and the one function that saves figures.

Every helper takes tables as documented in ``docs/tables.md``, accepts an optional
matplotlib ``ax`` to draw into, returns the :class:`~matplotlib.figure.Figure`, and
never calls ``show()``. Titles and axis labels are Chinese by default; pass
``lang="en"`` for English (names from the data stay as they are). An empty or
unusable table gives a chart that says "无数据" / "no data" instead of an error.

Chinese text is drawn with the font chosen by :mod:`analysis.fonts` (set up on the
first call). Save charts with :func:`save_figure`::

    import analysis
    from analysis import plots
    fig = plots.plot_park_mentions(mentions, top=15)
    analysis.save_figure(fig, "park_mentions")  # figures/park_mentions.{png,svg,pdf}
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from analysis import config, fonts

logger = logging.getLogger(__name__)

#: Width and height (inches) of a figure a helper creates; one size for every chart.
FIGSIZE = (8.0, 5.0)

#: Event types in the order the taxonomy lists them, with fixed colours.
EVENT_TYPES = (
    "meeting",
    "signing",
    "establishment",
    "unveiling",
    "launch",
    "release",
    "visit",
    "project",
)
EVENT_TYPE_LABELS = {
    "zh": {
        "meeting": "会议",
        "signing": "签约",
        "establishment": "成立",
        "unveiling": "揭牌",
        "launch": "启动",
        "release": "发布",
        "visit": "考察调研",
        "project": "项目",
    },
    "en": {
        "meeting": "meeting",
        "signing": "signing",
        "establishment": "establishment",
        "unveiling": "unveiling",
        "launch": "launch",
        "release": "release",
        "visit": "visit",
        "project": "project",
    },
}
ORG_KINDS = ("company", "government", "research", "association", "international")
KIND_LABELS = {
    "zh": {
        "park": "园区",
        "company": "企业",
        "government": "政府机构",
        "research": "高校院所",
        "association": "协会联盟",
        "international": "国际组织",
        "other": "其他组织",
        "place": "地名",
        "person": "人物",
    },
    "en": {k: k for k in ("park", *ORG_KINDS, "other")} | {"place": "place", "person": "person"},
}

_TEXT = {
    "zh": {
        "no_data": "无数据",
        "timeline": "各类事件随时间的分布",
        "events": "事件数",
        "rate": "每百篇文章的事件数",
        "uncovered": "无报纸（语料未覆盖）",
        "outside": "另有 {n} 个事件的日期在报纸日期范围之外，未画出",
        "by_park": "各园区的事件类型",
        "park": "园区",
        "type": "事件类型",
        "park_mentions": "被提及最多的园区（前{top}）",
        "org_mentions": "被提及最多的机构（前{top}）",
        "mentions": "提及次数",
        "articles": "文章数",
        "co_mentions": "园区共现网络（同篇报道）",
        "no_pairs": "没有两个园区出现在同一篇文章中",
        "edge_note": "连线：至少 {n} 篇文章同时提及；显示 {shown} 个园区（共 {total} 个）",
        "keywords": "关键词（前{top}）",
        "score": "得分",
        "wordcloud": "词云",
        "article_lengths": "文章篇幅",
        "chars": "字数",
        "M": "月份",
        "Q": "季度",
        "Y": "年份",
        "W": "周",
        "D": "日期",
    },
    "en": {
        "no_data": "no data",
        "timeline": "Events over time by type",
        "events": "events",
        "rate": "events per 100 articles",
        "uncovered": "no issue in the corpus",
        "outside": "{n} events dated outside the issues' range are not drawn",
        "by_park": "Event types by park",
        "park": "park",
        "type": "event type",
        "park_mentions": "Parks mentioned most (top {top})",
        "org_mentions": "Organisations mentioned most (top {top})",
        "mentions": "mentions",
        "articles": "articles",
        "co_mentions": "Parks mentioned in the same article",
        "no_pairs": "no two parks appear in the same article",
        "edge_note": "edges: named together in {n}+ articles; {shown} of {total} parks shown",
        "keywords": "Keywords (top {top})",
        "score": "score",
        "wordcloud": "Word cloud",
        "article_lengths": "Article length",
        "chars": "characters",
        "M": "month",
        "Q": "quarter",
        "Y": "year",
        "W": "week",
        "D": "date",
    },
}

_PALETTE = mpl.colormaps["tab10"].colors


def _t(lang: str, key: str, **kwargs) -> str:
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    return _TEXT[lang][key].format(**kwargs)


def _root_figure(ax: Axes) -> Figure:
    """The top-level figure holding ``ax`` (not a subfigure)."""
    try:
        return ax.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10
        return ax.figure


def _figure_and_ax(ax: Axes | None, figsize: tuple[float, float] = FIGSIZE) -> tuple[Figure, Axes]:
    """The figure and axes to draw into; a new constrained-layout figure when ``ax`` is None."""
    fonts.ensure_font()
    if ax is not None:
        return _root_figure(ax), ax
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _title(ax: Axes, title: str, **kwargs) -> None:
    """``ax.set_title``, pinned just above the axes (``y=1``).

    Where matplotlib puts it on these charts (no ticks on top, no offset text such as
    "1e6" on a category axis or a hidden one), but decided once: a title left to
    matplotlib has every y tick label measured again at each layout pass and draw to
    see whether the offset text pushes it up. (The timeline's count axis keeps that.)
    """
    ax.set_title(title, y=1.0, **kwargs)


def _no_data(ax: Axes, title: str, lang: str, message: str | None = None) -> Figure:
    """Turn ``ax`` into a readable empty chart and return its figure."""
    ax.clear()
    ax.set_axis_off()
    _title(ax, title)
    ax.text(
        0.5,
        0.5,
        message or _t(lang, "no_data"),
        ha="center",
        va="center",
        fontsize=16,
        color="0.45",
        transform=ax.transAxes,
    )
    logger.info("%s: %s", title, message or "no data")
    return _root_figure(ax)


def _usable(table: pd.DataFrame | None, columns: Iterable[str]) -> bool:
    """True when ``table`` is a non-empty DataFrame with every one of ``columns``."""
    if table is None or not isinstance(table, pd.DataFrame) or table.empty:
        return False
    missing = [c for c in columns if c not in table.columns]
    if missing:
        logger.warning("table lacks columns %s; drawing an empty chart", missing)
        return False
    return True


#: Needed by ``link_events``.
_LINK_COLUMNS = {"event_id", "article_id", "type", "name", "place", "parks", "orgs", "date"}


def linked_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events with their reports linked (``link_events``), marked as such in
    ``attrs["linked"]`` so that each chart and table of a report keeps the roots
    without linking them again (a corpus whose events are all single reports cannot
    show that it was linked)."""
    if events.attrs.get("linked") or not _LINK_COLUMNS <= set(events.columns):
        return events
    if not _linked(events):
        from analysis.events import link_events

        events = link_events(events)
    events = events.copy(deep=False)
    events.attrs["linked"] = True
    return events


def _counted(events: pd.DataFrame) -> pd.DataFrame:
    """Events that count (``counted`` true), or all of them if the column is absent;
    each event once however many articles report it (its root: ``link_events``)."""
    if "counted" in events.columns:
        events = events[events["counted"].fillna(False).astype(bool)]
        if events.attrs.get("linked") or _linked(events):  # keep the roots
            roots = events["root_event_id"].astype("string")
            return events[roots.isna() | (roots == events["event_id"].astype("string"))]
        if _LINK_COLUMNS <= set(events.columns):
            from analysis.events import link_events

            linked = link_events(events)
            events = linked[linked["event_id"] == linked["root_event_id"]]
    return events


def _linked(events: pd.DataFrame) -> bool:
    """True when some event already has another event as its root (``link_events`` ran)."""
    if "root_event_id" not in events.columns or "event_id" not in events.columns:
        return False
    roots = events["root_event_id"].astype("string")
    return bool((roots.notna() & (roots != events["event_id"].astype("string"))).any())


def _type_labels(events: pd.DataFrame, lang: str) -> pd.Series:
    """The label to show for each event's type, ``type_label`` when Chinese is wanted."""
    types = events["type"].astype(str)
    if lang == "zh" and "type_label" in events.columns:
        labels = events["type_label"].astype("string")
        return labels.fillna(types.map(EVENT_TYPE_LABELS["zh"])).fillna(types).astype(str)
    return types.map(EVENT_TYPE_LABELS[lang]).fillna(types)


def _type_order(events: pd.DataFrame, labels: pd.Series) -> tuple[list[str], list]:
    """Labels ordered as :data:`EVENT_TYPES`, each with its fixed colour."""
    pairs = dict(zip(labels.tolist(), events["type"].astype(str).tolist(), strict=True))
    rank = {t: i for i, t in enumerate(EVENT_TYPES)}
    order = sorted(pairs, key=lambda lab: (rank.get(pairs[lab], len(rank)), lab))
    colours = [
        _PALETTE[rank.get(pairs[lab], len(rank) + i) % len(_PALETTE)] for i, lab in enumerate(order)
    ]
    return order, colours


def _shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, with an ellipsis when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _normalise_freq(freq: str) -> str:
    """Pandas offset aliases (``ME``, ``MS``, ``QE``, ``YE``, ``A``) as period aliases."""
    aliases = {"ME": "M", "MS": "M", "QE": "Q", "QS": "Q", "YE": "Y", "YS": "Y", "A": "Y"}
    return aliases.get(freq.upper(), freq.upper())


def timeline_table(
    events: pd.DataFrame,
    freq: str = "M",
    *,
    articles: pd.DataFrame | None = None,
    counted_only: bool = True,
    lang: str = "zh",
) -> pd.DataFrame:
    """The numbers of the event timeline: events per period and type.

    Args:
        events: the events table (``date``, ``type``, ``type_label``, ``counted``).
        freq: a pandas period alias: ``D``, ``W``, ``M``, ``Q``, ``Y``.
        articles: the articles table; when given, the periods run over its issues'
            range (``issue_date``, else ``date``), ``n_articles`` counts the articles
            of each period and a period without any is not ``covered`` (no issue in
            the corpus: a gap, not zero events). Events dated outside the issues'
            range are left out and counted in ``attrs["n_outside"]``.
        counted_only: keep only events with ``counted`` true.
        lang: ``zh`` or ``en`` type labels.

    Returns:
        One row per period (``period``, as text), a column of counts per type label
        (in taxonomy order), ``n_events``, ``n_articles`` and ``covered``; empty when
        nothing is dated.
    """
    period = _normalise_freq(freq)
    df = _counted(events).copy() if counted_only else events.copy()
    df["date"] = pd.to_datetime(df["date"], errors="coerce")
    df = df[df["date"].notna()]
    n_by_period = None
    if articles is not None and len(articles):
        from analysis.select import _article_dates

        issue = _article_dates(articles).dropna()
        if len(issue):
            n_by_period = issue.dt.to_period(period).value_counts()
    if n_by_period is not None:
        first, last = n_by_period.index.min(), n_by_period.index.max()
    elif len(df):
        first, last = df["date"].min().to_period(period), df["date"].max().to_period(period)
    else:
        return pd.DataFrame(columns=["period", "n_events", "n_articles", "covered"])
    df["period"] = df["date"].dt.to_period(period)
    inside = (df["period"] >= first) & (df["period"] <= last)
    n_outside = int((~inside).sum())
    df = df[inside]
    full = pd.period_range(first, last, freq=period)
    if len(df):
        df["label"] = _type_labels(df, lang)
        order, _ = _type_order(df, df["label"])
        table = pd.crosstab(df["period"], df["label"]).reindex(full, fill_value=0)[order]
    else:
        table = pd.DataFrame(index=full)
    table["n_events"] = table.sum(axis=1).astype(int)
    if n_by_period is not None:
        table["n_articles"] = n_by_period.reindex(full, fill_value=0).astype(int).to_numpy()
    else:
        table["n_articles"] = pd.NA
    table["covered"] = table["n_articles"].fillna(1).astype(int) > 0
    table.index = [str(p) for p in full]
    out = table.rename_axis("period").reset_index()
    types = dict(zip(df["label"], df["type"].astype(str), strict=True)) if len(df) else {}
    out.attrs.update(n_outside=n_outside, freq=period, types=types)
    if n_outside:
        logger.info("%d events dated outside the issues' range are left out", n_outside)
    return out


_TIMELINE_EXTRA = ("period", "n_events", "n_articles", "covered")


def draw_event_timeline(
    table: pd.DataFrame,
    *,
    rate: bool = False,
    lang: str = "zh",
    ax: Axes | None = None,
) -> Figure:
    """Draw a :func:`timeline_table`: stacked bars per type, uncovered periods shaded.

    Args:
        table: the timeline's numbers.
        rate: bars as events per 100 articles of the period (needs ``n_articles``).
        lang: ``zh`` or ``en``.
        ax: axes to draw into; a new figure when None.
    """
    fig, ax = _figure_and_ax(ax)
    title = _t(lang, "timeline")
    if table is None or table.empty or not table["n_events"].sum():
        return _no_data(ax, title, lang)
    labels = [c for c in table.columns if c not in _TIMELINE_EXTRA]
    rank = {lab: i for i, lab in enumerate(labels)}
    per_label = dict(zip(EVENT_TYPE_LABELS[lang].values(), EVENT_TYPES, strict=True))
    per_label |= dict(zip(EVENT_TYPE_LABELS["zh"].values(), EVENT_TYPES, strict=True))
    type_rank = {t: i for i, t in enumerate(EVENT_TYPES)}
    n_articles = pd.to_numeric(table["n_articles"], errors="coerce").to_numpy(dtype=float)
    rate = rate and not np.isnan(n_articles).all()
    scale = np.where(n_articles > 0, 100.0 / np.where(n_articles > 0, n_articles, 1), 0.0)
    x = np.arange(len(table))
    bottom = np.zeros(len(table))
    for label in labels:
        values = table[label].to_numpy(dtype=float) * (scale if rate else 1.0)
        etype = table.attrs.get("types", {}).get(label) or per_label.get(label, "")
        slot = type_rank.get(etype, len(type_rank) + rank[label])
        colour = _PALETTE[slot % len(_PALETTE)]
        ax.bar(x, values, bottom=bottom, label=label, color=colour, width=0.8)
        bottom += values
    uncovered = ~table["covered"].to_numpy(dtype=bool)
    for xi in x[uncovered]:
        ax.axvspan(xi - 0.5, xi + 0.5, facecolor="0.93", hatch="//", edgecolor="0.8", lw=0)
    if uncovered.any():
        from matplotlib.patches import Patch

        handles, names = ax.get_legend_handles_labels()
        handles.append(Patch(facecolor="0.93", hatch="//", edgecolor="0.8"))
        names.append(_t(lang, "uncovered"))
    else:
        handles, names = ax.get_legend_handles_labels()
    step = max(1, math.ceil(len(x) / 12))
    ax.set_xticks(x[::step], list(table["period"].iloc[::step]))
    if len(x) > 6:
        ax.tick_params(axis="x", labelrotation=45)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    ax.set_xlim(-0.6, len(x) - 0.4)
    if not rate:
        ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title)
    period = table.attrs.get("freq", "M")
    ax.set_xlabel(_t(lang, period[0]) if period[0] in "MQYWD" else period)
    ax.set_ylabel(_t(lang, "rate" if rate else "events"))
    ax.legend(
        handles,
        names,
        title=_t(lang, "type"),
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        frameon=False,
    )
    ax.spines[["top", "right"]].set_visible(False)
    n_outside = table.attrs.get("n_outside", 0)
    if n_outside:
        ax.text(
            0.0,
            -0.25 if len(x) > 6 else -0.15,
            _t(lang, "outside", n=n_outside),
            transform=ax.transAxes,
            fontsize=8,
            color="0.4",
        )
    return fig


def plot_event_timeline(
    events: pd.DataFrame,
    freq: str = "M",
    *,
    articles: pd.DataFrame | None = None,
    rate: bool = False,
    counted_only: bool = True,
    lang: str = "zh",
    ax: Axes | None = None,
) -> Figure:
    """Events per period, stacked by type.

    Args:
        events: the events table (``date``, ``type``, ``type_label``, ``counted``).
        freq: period length, a pandas period alias: ``D``, ``W``, ``M``, ``Q``, ``Y``.
        articles: the articles table: the axis then runs over the issues' range, and
            periods with no issue are shaded as not covered (see :func:`timeline_table`).
        rate: events per 100 articles of the period instead of counts (needs ``articles``).
        counted_only: keep only events with ``counted`` true (reported, not background).
        lang: ``zh`` or ``en`` for titles and type labels.
        ax: axes to draw into; a new figure when None.

    Returns:
        The figure. Periods without events appear as gaps, so the time axis is even.
    """
    _t(lang, "timeline")
    if not _usable(events, ["date", "type"]):
        _fig, ax = _figure_and_ax(ax)
        return _no_data(ax, _t(lang, "timeline"), lang)
    table = timeline_table(events, freq, articles=articles, counted_only=counted_only, lang=lang)
    return draw_event_timeline(table, rate=rate, lang=lang, ax=ax)


def _name_lookup(names: pd.DataFrame | Mapping[str, str] | None) -> dict[str, str]:
    """``entity_id`` -> display name, from mentions, a gazetteer or a mapping."""
    if names is None:
        return {}
    if isinstance(names, Mapping):
        return {str(k): str(v) for k, v in names.items()}
    if not isinstance(names, pd.DataFrame) or "name" not in names.columns:
        return {}
    for id_column in ("entity_id", "park_id", "id"):
        if id_column in names.columns:
            names = names[[id_column, "name"]]  # two columns taken, not the whole table
            names = names.drop_duplicates(id_column, keep="last")  # the dict keeps the last
            ids = names[id_column].astype(str)
            ids = ids.where(ids.str.contains(":"), "park:" + ids)
            # lists first: iterating Arrow-backed columns goes value by value in Python
            return dict(zip(ids.tolist(), names["name"].astype(str).tolist(), strict=True))
    return {}


def _park_name(entity_id: str, lookup: Mapping[str, str]) -> str:
    return lookup.get(entity_id) or entity_id.split(":", 1)[-1]


def plot_events_by_park(
    events: pd.DataFrame,
    names: pd.DataFrame | Mapping[str, str] | None = None,
    *,
    top: int = 20,
    counted_only: bool = True,
    lang: str = "zh",
    ax: Axes | None = None,
) -> Figure:
    """Heatmap of event counts, park by event type.

    Args:
        events: the events table; its ``parks`` column lists park ``entity_id`` s.
        names: where park names come from: the mentions table (``entity_id``,
            ``name``), the gazetteer, or a mapping; without it the id is shown.
        top: show the parks with most events, at most this many.
        counted_only: keep only events with ``counted`` true.
        lang: ``zh`` or ``en``.
        ax: axes to draw into; a new figure when None.

    Returns:
        The figure; each cell is annotated with its count.
    """
    if not _usable(events, ["type", "parks"]):
        _fig, ax = _figure_and_ax(ax)
        return _no_data(ax, _t(lang, "by_park"), lang)
    table = events_by_park_table(events, names, top=top, counted_only=counted_only, lang=lang)
    return draw_events_by_park(table, lang=lang, ax=ax)


def events_by_park_table(
    events: pd.DataFrame,
    names: pd.DataFrame | Mapping[str, str] | None = None,
    *,
    top: int = 20,
    counted_only: bool = True,
    lang: str = "zh",
) -> pd.DataFrame:
    """The numbers of the park-by-type heatmap: one row per park (``park``), a column
    of event counts per type label, parks with most events first (at most ``top``)."""
    empty = pd.DataFrame(columns=["park"])
    if not _usable(events, ["type", "parks"]):
        return empty
    df = _counted(events).copy() if counted_only else events.copy()
    df["label"] = _type_labels(df, lang)
    df = df.explode("parks")
    df = df[df["parks"].notna() & (df["parks"].astype(str) != "")]
    if df.empty:
        return empty
    lookup = _name_lookup(names)
    df["park"] = [_park_name(str(p), lookup) for p in df["parks"]]
    table = pd.crosstab(df["park"], df["label"])
    table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index[:top]]
    order, _ = _type_order(df, df["label"])
    table = table[[c for c in order if c in table.columns]]
    table.columns.name = None
    return table.reset_index()


def draw_events_by_park(table: pd.DataFrame, *, lang: str = "zh", ax: Axes | None = None) -> Figure:
    """Draw an :func:`events_by_park_table` as an annotated heatmap."""
    fig, ax = _figure_and_ax(ax)
    title = _t(lang, "by_park")
    if table is None or table.empty:
        return _no_data(ax, title, lang)
    table = table.set_index("park")
    image = ax.imshow(table.to_numpy(), cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(table.shape[1]), table.columns, rotation=30, ha="right")
    ax.set_yticks(range(table.shape[0]), table.index)
    high = table.to_numpy().max()
    for (i, j), value in np.ndenumerate(table.to_numpy()):
        if value:
            colour = "white" if value > high / 2 else "black"
            ax.text(j, i, str(value), ha="center", va="center", color=colour, fontsize=9)
    _title(ax, title)
    ax.set_xlabel(_t(lang, "type"))
    ax.set_ylabel(_t(lang, "park"))
    bar = fig.colorbar(image, ax=ax, label=_t(lang, "events"), shrink=0.8)
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    return fig


def _mention_ranking(
    mentions: pd.DataFrame,
    kinds: Sequence[str],
    count: str,
    duplicates: pd.Series | None = None,
) -> pd.DataFrame:
    """Mentions (or distinct articles) per entity, largest first, with its kind.

    ``duplicates`` (:func:`analysis.select.duplicate_of`) maps each article to the
    first copy of the same report, so that a report printed twice counts once.
    """
    # the four columns used, taken before the rows (a take of every column, the
    # sentences too, cost most of the ranking)
    df = mentions[["article_id", "entity_id", "name", "kind"]]
    df = df[df["kind"].isin(kinds)]
    if count == "articles":
        if duplicates is not None and len(duplicates):
            ids = df["article_id"].map(duplicates).fillna(df["article_id"])
            df = df.assign(article_id=ids)
        df = df.drop_duplicates(["article_id", "entity_id"])
    elif count != "mentions":
        raise ValueError(f"count must be 'mentions' or 'articles', not {count!r}")
    ranking = (
        df.groupby(["entity_id", "name", "kind"], sort=False)
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["n", "name"], ascending=[False, True], kind="stable")
    )
    return ranking.drop_duplicates("entity_id")


def ranking_table(
    mentions: pd.DataFrame,
    kinds: Sequence[str] = ("park",),
    top: int = 20,
    *,
    count: str = "articles",
    articles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The numbers of a ranking chart: ``entity_id``, ``name``, ``kind``, ``n``.

    Args:
        mentions: the mentions table.
        kinds: entity kinds to rank (unknown kinds are simply absent).
        top: at most this many, largest first.
        count: ``articles`` (distinct articles naming the entity; a report printed
            twice, as :func:`analysis.select.duplicate_of` finds, counts once) or
            ``mentions``.
        articles: the articles table, to find duplicated reports.
    """
    if not _usable(mentions, ["entity_id", "name", "kind", "article_id"]):
        return pd.DataFrame(columns=["entity_id", "name", "kind", "n"])
    duplicates = None
    if articles is not None and count == "articles":
        from analysis.select import duplicate_of

        duplicates = duplicate_of(articles)
    return _mention_ranking(mentions, kinds, count, duplicates).head(top).reset_index(drop=True)


def _ranking_bars(ax: Axes, ranking: pd.DataFrame, colours: Sequence, xlabel: str) -> None:
    y = np.arange(len(ranking))[::-1]
    ax.barh(y, ranking["n"].to_numpy(), color=colours)
    ax.set_yticks(y, ranking["name"].astype(str))
    for yi, n in zip(y, ranking["n"], strict=True):
        ax.text(n, yi, f" {n}", va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.1)


def plot_park_mentions(
    mentions: pd.DataFrame,
    top: int = 20,
    *,
    count: str = "mentions",
    articles: pd.DataFrame | None = None,
    lang: str = "zh",
    ax: Axes | None = None,
) -> Figure:
    """Ranking of the parks mentioned most.

    Args:
        mentions: the mentions table (``entity_id``, ``name``, ``kind``, ``article_id``).
        top: how many parks to show.
        count: ``mentions`` (every mention) or ``articles`` (articles naming the park).
        articles: with ``count="articles"``, a report printed twice counts once.
        lang: ``zh`` or ``en``.
        ax: axes to draw into; a new figure when None.

    Returns:
        The figure, a horizontal bar chart with the most-mentioned park on top.
    """
    _fig, ax = _figure_and_ax(ax)
    title = _t(lang, "park_mentions", top=top)
    if not _usable(mentions, ["entity_id", "name", "kind", "article_id"]):
        return _no_data(ax, title, lang)
    ranking = ranking_table(mentions, ["park"], top, count=count, articles=articles)
    return draw_ranking(ranking, count=count, top=top, lang=lang, ax=ax)


def draw_ranking(
    ranking: pd.DataFrame,
    *,
    count: str = "articles",
    top: int = 20,
    by_kind: bool = False,
    lang: str = "zh",
    ax: Axes | None = None,
) -> Figure:
    """Draw a :func:`ranking_table`: parks (one colour) or organisations (by kind)."""
    fig, ax = _figure_and_ax(ax)
    title = _t(lang, "org_mentions" if by_kind else "park_mentions", top=top)
    if ranking is None or ranking.empty:
        return _no_data(ax, title, lang)
    if not by_kind:
        _ranking_bars(ax, ranking, [_PALETTE[0]] * len(ranking), _t(lang, count))
        _title(ax, title)
        return fig
    kinds = list(dict.fromkeys([*ORG_KINDS, *ranking["kind"].astype(str)]))
    kind_colour = {k: _PALETTE[(i + 1) % len(_PALETTE)] for i, k in enumerate(kinds)}
    _ranking_bars(ax, ranking, [kind_colour[k] for k in ranking["kind"]], _t(lang, count))
    from matplotlib.patches import Patch

    shown = [k for k in kinds if k in set(ranking["kind"])]
    handles = [Patch(color=kind_colour[k], label=KIND_LABELS[lang].get(k, k)) for k in shown]
    ax.legend(handles=handles, loc="lower right", frameon=False)
    _title(ax, title)
    return fig


def plot_org_mentions(
    mentions: pd.DataFrame,
    top: int = 20,
    *,
    kinds: Sequence[str] = ORG_KINDS,
    count: str = "mentions",
    articles: pd.DataFrame | None = None,
    lang: str = "zh",
    ax: Axes | None = None,
) -> Figure:
    """Ranking of the organisations mentioned most, coloured by kind.

    Args:
        mentions: the mentions table.
        top: how many organisations to show.
        kinds: which ``kind`` values count as organisations.
        count: ``mentions`` or ``articles``.
        articles: with ``count="articles"``, a report printed twice counts once.
        lang: ``zh`` or ``en``.
        ax: axes to draw into; a new figure when None.

    Returns:
        The figure, with a legend of the kinds shown.
    """
    _fig, ax = _figure_and_ax(ax)
    title = _t(lang, "org_mentions", top=top)
    if not _usable(mentions, ["entity_id", "name", "kind", "article_id"]):
        return _no_data(ax, title, lang)
    ranking = ranking_table(mentions, kinds, top, count=count, articles=articles)
    return draw_ranking(ranking, count=count, top=top, by_kind=True, lang=lang, ax=ax)


def _entities_by_article(mentions: pd.DataFrame) -> list[list]:
    """The ``entity_id`` of the mentions of each article, articles in ``article_id``
    order (as ``groupby("article_id")`` yields them, without a Series per article)."""
    codes, _ = pd.factorize(mentions["article_id"], sort=True)
    present = codes >= 0  # (no article id: in no group)
    codes = codes[present]
    order = np.argsort(codes, kind="stable")
    entities = mentions["entity_id"].to_numpy(dtype=object, na_value=None)[present][order]
    starts = np.flatnonzero(np.diff(codes[order])) + 1
    return [part.tolist() for part in np.split(entities, starts)] if len(codes) else []


def co_mention_table(
    mentions: pd.DataFrame,
    *,
    kind: str = "park",
    min_count: int | str = "auto",
    top: int = 30,
    max_per_article: int = 6,
    max_edges: int = 40,
    articles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The numbers of the co-mention network: one row per pair of entities.

    Args:
        mentions: the mentions table.
        kind: which entities to link (``park`` by default).
        min_count: keep pairs seen in at least this many articles; ``auto`` takes the
            smallest threshold that leaves at most ``max_edges`` pairs.
        top: consider the entities named in most articles, at most this many.
        max_per_article: an article naming more entities than this is a list (a
            roll-call of every park), not a sign that two of them work together: it
            adds no pairs (it still counts in each entity's ``n_articles``).
        max_edges: see ``min_count``.
        articles: a report printed twice counts once (:func:`analysis.select.duplicate_of`).

    Returns:
        ``source``, ``target`` (names), ``n_articles`` (articles naming both),
        ``source_articles``, ``target_articles`` (articles naming each), sorted by
        ``n_articles``; ``attrs["min_count"]`` is the threshold used and
        ``attrs["nodes"]`` the entities considered (name -> articles).
    """
    columns = ["source", "target", "n_articles", "source_articles", "target_articles"]
    if not _usable(mentions, ["entity_id", "name", "kind", "article_id"]):
        return pd.DataFrame(columns=columns)
    df = mentions.loc[mentions["kind"] == kind, ["article_id", "entity_id", "name"]]
    if articles is not None and len(df):
        from analysis.select import duplicate_of

        df = df.assign(
            article_id=df["article_id"].map(duplicate_of(articles)).fillna(df["article_id"])
        )
    df = df.drop_duplicates(["article_id", "entity_id"])
    names = dict(zip(df["entity_id"], df["name"].astype(str), strict=True))
    n_articles = df["entity_id"].value_counts()
    keep = set(n_articles.sort_values(ascending=False, kind="stable").index[:top])
    pairs: Counter[tuple[str, str]] = Counter()
    for ids in _entities_by_article(df[df["entity_id"].isin(keep)]):
        ids = sorted(set(ids))
        if len(ids) <= max_per_article:
            pairs.update(itertools.combinations(ids, 2))
    counts = sorted(pairs.values(), reverse=True)
    if min_count == "auto":
        threshold = 1
        while sum(1 for n in counts if n >= threshold) > max_edges:
            threshold += 1
    else:
        threshold = int(min_count)
    rows = [
        (names[a], names[b], n, int(n_articles[a]), int(n_articles[b]))
        for (a, b), n in pairs.items()
        if n >= threshold
    ]
    table = pd.DataFrame(rows, columns=columns).sort_values(
        ["n_articles", "source", "target"], ascending=[False, True, True], kind="stable"
    )
    table = table.reset_index(drop=True)
    table.attrs["min_count"] = threshold
    table.attrs["nodes"] = {names[e]: int(n_articles[e]) for e in sorted(keep)}
    return table


def draw_co_mentions(
    table: pd.DataFrame,
    *,
    seed: int = 0,
    lang: str = "zh",
    ax: Axes | None = None,
) -> Figure:
    """Draw a :func:`co_mention_table`: entities linked by the articles naming both.

    Only entities with at least one pair are drawn (size by articles naming them,
    edge width by articles naming both, edges labelled with their count when few);
    the Kamada-Kawai layout keeps strongly linked entities close and labels apart.
    """
    import networkx as nx

    fig, ax = _figure_and_ax(ax, (8.0, 6.0) if ax is None else FIGSIZE)
    title = _t(lang, "co_mentions")
    nodes = table.attrs.get("nodes", {}) if table is not None else {}
    if table is None or (table.empty and not nodes):
        return _no_data(ax, title, lang)
    if table.empty:
        return _no_data(ax, title, lang, _t(lang, "no_pairs"))
    graph = nx.Graph()
    for row in table.itertuples(index=False):
        graph.add_edge(row.source, row.target, weight=int(row.n_articles))
        graph.nodes[row.source]["n"] = row.source_articles
        graph.nodes[row.target]["n"] = row.target_articles
    # distances shrink as pairs grow stronger; components are laid out side by side
    for *_, d in graph.edges(data=True):
        d["distance"] = 1.0 / math.sqrt(d["weight"])
    pos: dict = {}
    offset = 0.0
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), sorted(c)))
    pairs = [sorted(c) for c in components if len(c) <= 2]
    for component in components:
        if len(component) <= 2:
            continue
        part = nx.kamada_kawai_layout(graph.subgraph(component), weight="distance")
        xs = [p[0] for p in part.values()]
        for n, (x, y) in part.items():
            pos[n] = (x - min(xs) + offset, y)
        offset += max(xs) - min(xs) + 1.0
    # pairs stand upright, three to a column, so that their labels never run into each
    # other (side by side, two long names overlap)
    for k, pair in enumerate(pairs):
        column, row = divmod(k, 3)
        top = 1.0 - 0.75 * row
        for j, n in enumerate(pair):
            pos[n] = (offset + 1.2 * column, top - 0.4 * j)
    widest = max(d["weight"] for *_, d in graph.edges(data=True))
    widths = [0.8 + 5 * d["weight"] / widest for *_, d in graph.edges(data=True)]
    biggest = max(graph.nodes[n]["n"] for n in graph.nodes)
    sizes = [120 + 900 * graph.nodes[n]["n"] / biggest for n in graph.nodes]
    nx.draw_networkx_edges(graph, pos, ax=ax, width=widths, edge_color="0.6", alpha=0.8)
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=sizes, node_color=[_PALETTE[0]], alpha=0.85)
    if graph.number_of_edges() <= 15:
        nx.draw_networkx_edge_labels(
            graph,
            pos,
            ax=ax,
            edge_labels={(a, b): d["weight"] for a, b, d in graph.edges(data=True)},
            font_size=7,
            font_color="0.3",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.5},
        )
    ys = [p[1] for p in pos.values()]
    drop = 0.06 * max(1e-9, (max(ys) - min(ys)) or 1.0)
    label_pos = {n: (x, y - drop) for n, (x, y) in pos.items()}
    nx.draw_networkx_labels(
        graph,
        label_pos,
        ax=ax,
        labels={n: n for n in graph.nodes},
        font_size=9,
        verticalalignment="top",
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
    )
    _title(ax, title)
    threshold = table.attrs.get("min_count", 1)
    note = _t(lang, "edge_note", n=threshold, shown=len(graph), total=len(nodes) or len(graph))
    ax.text(0.5, 0.0, note, ha="center", transform=ax.transAxes, color="0.45", fontsize=8)
    ax.set_axis_off()
    ax.margins(0.12)
    return fig


def plot_co_mentions(
    mentions: pd.DataFrame,
    *,
    kind: str = "park",
    min_count: int | str = 1,
    top: int = 30,
    max_per_article: int = 6,
    articles: pd.DataFrame | None = None,
    seed: int = 0,
    lang: str = "zh",
    ax: Axes | None = None,
) -> Figure:
    """Network of parks mentioned in the same article.

    Nodes are parks (size by number of articles), edges join parks named in the same
    article (width by number of such articles). See :func:`co_mention_table` for
    the threshold and for articles that list many parks at once.

    Args:
        mentions: the mentions table.
        kind: which entities to link (``park`` by default; any ``kind`` works).
        min_count: drop edges seen in fewer articles than this; ``auto`` for the
            smallest threshold leaving at most 40 edges.
        top: keep the most-mentioned entities, at most this many.
        max_per_article: articles naming more entities than this add no edges.
        articles: the articles table, so that a report printed twice counts once.
        seed: kept for compatibility (the layout is deterministic).
        lang: ``zh`` or ``en``.
        ax: axes to draw into; a new figure when None.

    Returns:
        The figure.
    """
    table = co_mention_table(
        mentions,
        kind=kind,
        min_count=min_count,
        top=top,
        max_per_article=max_per_article,
        articles=articles,
    )
    return draw_co_mentions(table, seed=seed, lang=lang, ax=ax)


def plot_keywords(
    keywords: pd.DataFrame,
    groups: Sequence[str] | None = None,
    top: int = 10,
    *,
    ncols: int = 3,
    max_groups: int = 12,
    lang: str = "zh",
    ax: Axes | Sequence[Axes] | None = None,
) -> Figure:
    """Top keywords per group (park, period, ...), one small bar chart per group.

    Args:
        keywords: the keywords table (``group``, ``keyword``, ``score``, ``rank``).
        groups: which groups to show, in this order; when None, the first
            ``max_groups`` groups of the table.
        top: keywords per group.
        ncols: panels per row.
        max_groups: at most this many panels when ``groups`` is None.
        lang: ``zh`` or ``en``.
        ax: an axes (one group) or one axes per group; a new grid when None.

    Returns:
        The figure.
    """
    title = _t(lang, "keywords", top=top)
    axes: list[Axes]
    if not _usable(keywords, ["group", "keyword", "score"]):
        fig, single = _figure_and_ax(ax if isinstance(ax, Axes) or ax is None else ax[0])
        return _no_data(single, title, lang)
    available = list(dict.fromkeys(keywords["group"].astype(str)))
    chosen = [str(g) for g in groups] if groups is not None else available
    if groups is None and len(chosen) > max_groups:
        logger.info("showing %d of %d keyword groups", max_groups, len(chosen))
        chosen = chosen[:max_groups]
    unknown = [g for g in chosen if g not in available]
    if unknown:
        logger.warning("keyword groups not in the table: %s", unknown)
    chosen = [g for g in chosen if g in available]
    if not chosen:
        fig, single = _figure_and_ax(ax if isinstance(ax, Axes) or ax is None else ax[0])
        return _no_data(single, title, lang)
    fonts.ensure_font()
    if ax is None:
        cols = min(ncols, len(chosen))
        rows = math.ceil(len(chosen) / cols)
        fig = Figure(figsize=(FIGSIZE[0], max(FIGSIZE[1], 2.6 * rows)), layout="constrained")
        grid = fig.subplots(rows, cols, squeeze=False)
        axes = list(grid.ravel())
        for extra in axes[len(chosen) :]:
            extra.set_axis_off()
        fig.suptitle(title)
    else:
        axes = [ax] if isinstance(ax, Axes) else list(ax)
        if len(axes) < len(chosen):
            logger.warning("%d axes for %d groups; drawing the first", len(axes), len(chosen))
            chosen = chosen[: len(axes)]
        fig = _root_figure(axes[0])
    sort_key = "rank" if "rank" in keywords.columns else "score"
    for i, (group, panel) in enumerate(zip(chosen, axes, strict=False)):
        rows = keywords[keywords["group"].astype(str) == group]
        rows = rows.sort_values(sort_key, ascending=sort_key == "rank", kind="stable").head(top)
        y = np.arange(len(rows))[::-1]
        panel.barh(y, rows["score"].to_numpy(dtype=float), color=_PALETTE[i % len(_PALETTE)])
        panel.set_yticks(y, rows["keyword"].astype(str))
        _title(panel, _shorten(group, 15), fontsize=9 if len(group) > 10 else 10)
        panel.tick_params(axis="y", labelsize=8)
        panel.tick_params(axis="x", labelsize=7)
        panel.spines[["top", "right"]].set_visible(False)
        panel.set_xlabel(_t(lang, "score"), fontsize=8)
    if ax is not None and len(chosen) == 1:
        _title(axes[0], f"{title}: {chosen[0]}")
    return fig


_WORD = re.compile(r"\w")


def _frequencies(
    data: pd.DataFrame | pd.Series | Mapping[str, float] | Iterable[str],
    stopwords: Iterable[str] | None,
    min_length: int,
) -> dict[str, float]:
    """Word frequencies from a tokens table, token lists, a frequency mapping or words."""
    if isinstance(data, pd.DataFrame):
        if "tokens" not in data.columns:
            raise ValueError("a tokens table needs a 'tokens' column (see docs/tables.md)")
        data = data["tokens"]
    if isinstance(data, Mapping):
        counts = Counter({str(k): float(v) for k, v in data.items()})
    elif isinstance(data, pd.Series) and pd.api.types.is_numeric_dtype(data):
        counts = Counter({str(k): float(v) for k, v in data.items()})
    else:
        counts = Counter()
        for item in data:
            if isinstance(item, str):
                counts[item] += 1
            elif item is not None and not (isinstance(item, float) and math.isnan(item)):
                counts.update(str(t) for t in item)
    stop = set(stopwords or ())
    return {
        word.strip(): n
        for word, n in counts.items()
        if n > 0
        and len(word.strip()) >= min_length
        and word.strip() not in stop
        and _WORD.search(word)
        and not word.strip().isdigit()
    }


def _default_stopwords() -> set[str]:
    """The project's stopwords (:func:`analysis.stopwords`), or none while it is missing."""
    try:
        from analysis.text import stopwords
    except ImportError:
        logger.info("analysis.text.stopwords not available; no stopwords removed")
        return set()
    return set(stopwords())


def plot_wordcloud(
    data: pd.DataFrame | pd.Series | Mapping[str, float] | Iterable[str],
    *,
    stopwords: Iterable[str] | None = None,
    max_words: int = 150,
    min_length: int = 2,
    width: int = 1600,
    height: int = 1000,
    random_state: int = 42,
    colormap: str = "viridis",
    lang: str = "zh",
    ax: Axes | None = None,
) -> Figure:
    """Word cloud of word frequencies, drawn with the Chinese font.

    Frequencies are counted from the tokens (so no repeated bigrams, as
    ``WordCloud.generate`` would make from raw text) and passed to
    ``WordCloud.generate_from_frequencies``.

    Args:
        data: the tokens table, a Series of token lists, a mapping (or numeric
            Series) of word -> frequency, or an iterable of words.
        stopwords: words to leave out; the project's stopwords when None.
        max_words: at most this many words.
        min_length: shorter words (e.g. single characters) are left out.
        width: image width in pixels.
        height: image height in pixels.
        random_state: layout seed; the same data gives the same picture.
        colormap: matplotlib colormap for the words.
        lang: ``zh`` or ``en``.
        ax: axes to draw into; a new figure when None.

    Returns:
        The figure.
    """
    from wordcloud import WordCloud

    fig, ax = _figure_and_ax(ax)
    title = _t(lang, "wordcloud")
    if data is None or (isinstance(data, pd.DataFrame | pd.Series) and data.empty):
        return _no_data(ax, title, lang)
    stop = _default_stopwords() if stopwords is None else set(stopwords)
    freqs = _frequencies(data, stop, min_length)
    if not freqs:
        return _no_data(ax, title, lang)
    # laid out on a canvas half as wide and high, drawn at twice the scale: the same
    # picture size, a quarter of the layout's work (its search for free space)
    scale = 2 if width % 2 == 0 and height % 2 == 0 and min(width, height) >= 400 else 1
    with tempfile.TemporaryDirectory() as folder:
        # the font subset to the words' characters: WordCloud opens the font file for
        # every size it tries (hundreds of times), and a CJK font is 16 MB (the same
        # outlines and hints, so the same picture, pixel for pixel; 0.18 s less)
        font = Path(folder) / "words.otf"
        try:
            font.write_bytes(fonts.subset_font(freqs, layout=True))
        except (ValueError, OSError) as error:
            logger.info("word cloud with the whole font (%s)", error)
            font = fonts.font_path()
        cloud = WordCloud(
            font_path=str(font),
            width=width // scale,
            height=height // scale,
            scale=scale,
            max_words=max_words,
            background_color="white",
            random_state=random_state,
            colormap=colormap,
            prefer_horizontal=0.95,
        ).generate_from_frequencies(freqs)
        picture = cloud.to_array()
    ax.imshow(picture, interpolation="bilinear")
    ax.set_axis_off()
    _title(ax, title)
    return fig


def plot_article_lengths(
    articles: pd.DataFrame,
    top: int = 30,
    *,
    lang: str = "zh",
    ax: Axes | None = None,
) -> Figure:
    """Length of each article (characters of title + body), longest on top.

    Args:
        articles: the articles table (``title``, ``n_chars``, ``kind``); boilerplate
            rows are left out.
        top: at most this many articles.
        lang: ``zh`` or ``en``.
        ax: axes to draw into; a new figure when None.

    Returns:
        The figure.
    """
    fig, ax = _figure_and_ax(ax)
    title = _t(lang, "article_lengths")
    if not _usable(articles, ["title", "n_chars"]):
        return _no_data(ax, title, lang)
    df = articles
    if "kind" in df.columns:
        df = df[df["kind"] == "article"]
    if "article_id" in df.columns:  # a report printed twice is listed once
        from analysis.select import duplicate_of

        first = duplicate_of(df)
        df = df[df["article_id"].map(first).eq(df["article_id"]).to_numpy()]
    df = df.sort_values("n_chars", ascending=False, kind="stable").head(top)
    if df.empty:
        return _no_data(ax, title, lang)
    labels = [_shorten(t, 22) for t in df["title"].astype(str)]
    ranking = pd.DataFrame({"name": labels, "n": df["n_chars"].astype(int).to_numpy()})
    _ranking_bars(ax, ranking, [_PALETTE[0]] * len(ranking), _t(lang, "chars"))
    _title(ax, title)
    return fig


def _warn_missing_glyphs(fig: Figure, name: str) -> None:
    texts = [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    missing = fonts.missing_glyphs(texts)
    if missing:
        logger.warning(
            "figure %s: font %s lacks %s; those characters use a fallback font",
            name,
            fonts.ensure_font().family,
            "".join(sorted(missing)),
        )


def _lay_out(fig: Figure, dpi: float) -> None:
    """Run the figure's layout engine (constrained layout) once, at the saving ``dpi``.

    ``savefig`` with a layout engine draws the whole figure once without output (to
    lay it out), then again for the file; laid out here, every format is saved without
    an engine and drawn once: the same positions (text measured by Agg at the same
    dpi, as the PNG's dry draw measured it).
    """
    if not hasattr(fig.canvas, "get_renderer"):
        # a bare Figure: the Agg canvas that saves PNGs, so that the layout and the
        # PNG share one renderer and its cache of text sizes
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    shown = fig.dpi
    fig.set_dpi(dpi)
    try:
        fig.get_layout_engine().execute(fig)
    finally:
        fig.set_dpi(shown)


def save_figure(
    fig: Figure,
    name: str,
    formats: Sequence[str] = ("png", "svg", "pdf"),
    dpi: int = 200,
    out_dir: str | os.PathLike | None = None,
) -> list[Path]:
    """Write a figure in each format, the one way figures leave the package.

    The figure keeps its size (helpers make every chart :data:`FIGSIZE`); files are
    reproducible (no creation date in PDF or SVG metadata, fixed SVG ids). Text in
    PDF stays text, SVG draws glyph outlines (see :mod:`analysis.fonts`).

    Args:
        fig: the figure, e.g. from a ``plot_*`` helper.
        name: file name without extension, e.g. ``"event_timeline"``.
        formats: extensions to write (any matplotlib format).
        dpi: resolution of raster formats.
        out_dir: folder to write to; ``config.FIGURES_DIR`` when None.

    Returns:
        The written paths, in the order of ``formats``.

    Raises:
        ValueError: ``name`` is empty or contains a folder.

    Example:
        >>> save_figure(fig, "park_mentions", formats=("png",))  # doctest: +SKIP
        [PosixPath('.../figures/park_mentions.png')]
    """
    stem = str(name).strip()
    if not stem or Path(stem).name != stem or stem in {".", ".."}:
        raise ValueError(f"figure name must be a plain file name, not {name!r}")
    if Path(stem).suffix.lower().lstrip(".") in {f.lower().lstrip(".") for f in formats}:
        stem = Path(stem).stem
    folder = Path(out_dir) if out_dir is not None else config.FIGURES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    fonts.ensure_font()
    _warn_missing_glyphs(fig, stem)
    metadata = {"pdf": {"CreationDate": None}, "svg": {"Date": None}}
    # PNG deflated at level 2, not Pillow's 6: the same pixels, files within 1% of the
    # size (smaller for most charts), a third less time to encode them
    options = {"png": {"pil_kwargs": {"compress_level": 2}}}
    written = []
    engine = fig.get_layout_engine()
    # (no automatic layout engine for set_layout_engine(None) below)
    rc = {"svg.hashsalt": stem, "figure.autolayout": False, "figure.constrained_layout.use": False}
    try:
        with mpl.rc_context(rc):
            if engine is not None and fig.canvas.manager is None:  # (not a pyplot window)
                _lay_out(fig, dpi)
                fig.set_layout_engine(None)  # ("none" leaves a placeholder that dry-draws)
            for fmt in formats:
                fmt = fmt.lower().lstrip(".")
                path = folder / f"{stem}.{fmt}"
                fig.savefig(
                    path,
                    format=fmt,
                    dpi=dpi,
                    metadata=metadata.get(fmt),
                    facecolor="white",
                    **options.get(fmt, {}),
                )
                written.append(path)
    finally:
        if engine is not None and fig.get_layout_engine() is not engine:
            fig.set_layout_engine(engine)
    logger.info("saved %s", ", ".join(str(p) for p in written))
    return written
