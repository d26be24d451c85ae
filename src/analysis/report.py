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
import html
import io
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from string import Template

import pandas as pd
from matplotlib.figure import Figure

from analysis import __version__, config, fonts, plots
from analysis.publish import (
    ExportStats,
    remove_stale_temporaries,
    replace_controls,
    temporary_file,
    write_excel,
)

logger = logging.getLogger(__name__)

TEMPLATE = config.PACKAGE_DATA_DIR / "report_template.html"

#: Figure names :func:`make_figures` produces, in report order, with captions.
CAPTIONS = {
    "zh": {
        "event_timeline": "各类事件随时间的分布（只计已报道事件）",
        "events_by_park": "各园区的事件类型",
        "park_mentions": "被提及最多的园区",
        "org_mentions": "被提及最多的机构，按类别着色",
        "co_mentions": "同一篇报道中共同出现的园区",
        "keywords": "各组关键词",
        "wordcloud": "词云（按词频）",
        "article_lengths": "文章篇幅",
    },
    "en": {
        "event_timeline": "Events over time by type (reported events only)",
        "events_by_park": "Event types by park",
        "park_mentions": "Parks mentioned most",
        "org_mentions": "Organisations mentioned most, coloured by kind",
        "co_mentions": "Parks mentioned in the same article",
        "keywords": "Keywords per group",
        "wordcloud": "Word cloud (word frequencies)",
        "article_lengths": "Article length",
    },
}

_TEXT = {
    "zh": {
        "title": "长三角国家高新区新闻分析报告",
        "generated": "生成于 {when}，analysis {version}",
        "summary": "概况",
        "figures": "图表",
        "events": "主要事件",
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
        "title": "Yangtze River Delta high-tech parks in the news",
        "generated": "Generated {when} by analysis {version}",
        "summary": "Summary",
        "figures": "Figures",
        "events": "Top events",
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


def make_figures(
    tables: Mapping[str, pd.DataFrame | None],
    *,
    lang: str = "zh",
    freq: str = "M",
    top: int = 20,
) -> dict[str, Figure]:
    """Every figure the tables allow, keyed by the names in :data:`CAPTIONS`.

    Args:
        tables: ``articles``, ``tokens``, ``keywords``, ``mentions``, ``events``; any
            may be missing (its figures are left out) or empty (its figures say
            "无数据" / "no data").
        lang: ``zh`` or ``en`` for titles and labels.
        freq: period of the event timeline.
        top: how many parks or organisations the rankings show.

    Returns:
        Figures in report order; save them with :func:`analysis.save_figure`.
    """
    articles = _usable(tables, "articles")
    tokens = _usable(tables, "tokens")
    keywords = _usable(tables, "keywords")
    mentions = _usable(tables, "mentions")
    events = _usable(tables, "events")
    figures: dict[str, Figure] = {}
    if events is not None:
        figures["event_timeline"] = plots.plot_event_timeline(events, freq=freq, lang=lang)
        figures["events_by_park"] = plots.plot_events_by_park(events, mentions, lang=lang)
    if mentions is not None:
        figures["park_mentions"] = plots.plot_park_mentions(mentions, top=top, lang=lang)
        figures["org_mentions"] = plots.plot_org_mentions(mentions, top=top, lang=lang)
        figures["co_mentions"] = plots.plot_co_mentions(mentions, lang=lang)
    if keywords is not None:
        figures["keywords"] = plots.plot_keywords(keywords, lang=lang)
    if tokens is not None:
        figures["wordcloud"] = plots.plot_wordcloud(tokens, lang=lang)
    if articles is not None:
        figures["article_lengths"] = plots.plot_article_lengths(articles, lang=lang)
    missing = [
        n for n in ("articles", "tokens", "keywords", "mentions", "events") if n not in tables
    ]
    if missing:
        logger.info("no %s table; its figures are left out", ", ".join(missing))
    return figures


def _esc(value) -> str:
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return ""
    return html.escape(str(value))


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
        # A PNG is preferred: SVG text names a font the reader may not have.
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


def _font_face(text: str) -> str:
    """A CSS ``@font-face`` embedding the figures' font, subset to the characters of ``text``.

    The report then shows its Chinese text on machines without a Chinese font, in the
    same typeface as the figures. Only the characters used are embedded (tens of KB).
    """
    from fontTools import subset

    font = fonts.ensure_font()
    chars = {ch for ch in text if not ch.isspace() and ord(ch) >= 0x2000}
    if not chars:
        return ""
    options = subset.Options()
    options.font_number = font.index
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    try:
        face = subset.load_font(str(font.path), options, lazy=True)
        subsetter.subset(face)
        buffer = io.BytesIO()
        subset.save_font(face, buffer, options)
    except Exception as error:  # the report stays usable with the reader's own fonts
        logger.warning("could not embed font %s in the report: %s", font.family, error)
        return ""
    kind = "truetype" if font.truetype_outlines else "opentype"
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        '@font-face { font-family: "AnalysisCJK"; '
        f'src: url("data:font/{"ttf" if kind == "truetype" else "otf"};base64,{encoded}") '
        f'format("{kind}"); font-display: block; }}'
    )


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


def _events_html(
    tables: Mapping[str, pd.DataFrame | None], t: dict[str, str], n: int, lang: str
) -> tuple[str, list[str]]:
    """The top-events table and the article ids it links to."""
    events = _usable(tables, "events")
    if events is None or events.empty:
        return f'<p class="empty">{t["no_events"]}</p>', []
    articles = _usable(tables, "articles")
    titles = (
        dict(zip(articles["article_id"], articles["title"], strict=True))
        if articles is not None and {"article_id", "title"} <= set(articles.columns)
        else {}
    )
    mentions = _usable(tables, "mentions")
    names = plots._name_lookup(mentions)
    chosen = top_events(events, n)
    labels = plots._type_labels(chosen, lang) if "type" in chosen.columns else None
    rows, linked = [], []
    for i, (_, event) in enumerate(chosen.iterrows()):
        parks = event.get("parks")
        park_names = "、".join(
            plots._park_name(str(p), names) for p in (parks if isinstance(parks, list) else [])
        )
        article_id = event.get("article_id")
        linked.append(article_id)
        title = titles.get(article_id) or str(article_id)
        link = f'<a href="#{_anchor(article_id)}">{_esc(title)}</a>'
        rows.append(
            [
                _date(event.get("date")),
                _esc(labels.iloc[i]) if labels is not None else "",
                _esc(event.get("name") or event.get("trigger")),
                _esc(park_names),
                _esc(event.get("sentence")),
                link,
            ]
        )
    header = [t["date"], t["type"], t["event"], t["parks"], t["sentence"], t["article"]]
    return _table(header, rows, css="events"), linked


def _articles_html(
    tables: Mapping[str, pd.DataFrame | None], t: dict[str, str], linked: list[str]
) -> str:
    articles = _usable(tables, "articles")
    items = []
    seen = set()
    if articles is not None and "article_id" in articles.columns:
        shown = articles[
            articles["article_id"].isin(linked)
            | (articles["kind"] == "article" if "kind" in articles.columns else True)
        ]
        for _, art in shown.iterrows():
            seen.add(art["article_id"])
            meta = " · ".join(
                part
                for part in (
                    _date(art.get("date")),
                    _esc(art.get("paper")),
                    f"{t['page']} {_esc(art.get('page'))}" if _esc(art.get("page")) else "",
                    f"{t['source']}: {_esc(art.get('source'))}" if _esc(art.get("source")) else "",
                )
                if part
            )
            url = _esc(art.get("url"))
            link = f' · <a href="{url}">{t["link"]}</a>' if url.startswith("http") else ""
            subtitle = _esc(art.get("subtitle"))
            items.append(
                f'<li id="{_anchor(art["article_id"])}"><h3>{_esc(art.get("title"))}</h3>'
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


def write_report(
    tables: Mapping[str, pd.DataFrame | None],
    figures: Mapping[str, Path | str | Figure],
    out_path: str | os.PathLike,
    *,
    title: str | None = None,
    lang: str = "zh",
    n_events: int = 20,
    embed_font: bool = True,
    stats: ExportStats | None = None,
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
        stats: counts what was made safe: control characters an HTML page cannot
            hold are replaced by their visible symbols (every text is escaped).

    Returns:
        The written path.

    Example:
        >>> write_report(tables, {"park_mentions": "figures/park_mentions.png"},
        ...              config.FIGURES_DIR / "report.html")  # doctest: +SKIP
    """
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    t = _TEXT[lang]
    figure_parts = []
    for name, source in figures.items():
        part = _figure_html(name, source, CAPTIONS[lang].get(name, name))
        if part:
            figure_parts.append(part)
    events_html, linked = _events_html(tables, t, n_events, lang)
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
        summary=_summary_html(tables, lang),
        figures="\n".join(figure_parts) or f'<p class="empty">{t["no_figures"]}</p>',
        events=events_html,
        articles=_articles_html(tables, t, linked),
        font_face="/*FONT-FACE*/",
    )
    page, n_controls = replace_controls(page)
    if stats is not None:
        stats.controls += n_controls
    page = page.replace("/*FONT-FACE*/", _font_face(page) if embed_font else "", 1)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with temporary_file(out) as tmp:  # the old report stays until the new one is whole
        tmp.write_text(page, encoding="utf-8")
    logger.info("wrote report %s (%d figures)", out, len(figure_parts))
    return out


def build_report(
    tables: Mapping[str, pd.DataFrame | None],
    *,
    figures_dir: str | os.PathLike | None = None,
    processed_dir: str | os.PathLike | None = None,
    lang: str = "zh",
    progress: bool = False,
    stats: ExportStats | None = None,
) -> Path:
    """Every figure (PNG, SVG, PDF), an Excel workbook of the tables and the HTML report.

    This is what ``python -m analysis report`` runs after the build.

    Args:
        tables: the built tables (``analysis.load_tables()`` or a build's result).
        figures_dir: where figures and ``report.html`` go (``config.FIGURES_DIR``).
        processed_dir: where ``tables.xlsx`` goes (``config.PROCESSED_DIR``).
        lang: ``zh`` or ``en`` labels.
        progress: show a progress bar while saving figures.
        stats: counts what the workbook and the report changed to be safe to open
            (:class:`analysis.publish.ExportStats`).

    Returns:
        The path of ``report.html``.
    """
    import matplotlib.pyplot as plt

    from analysis.plots import save_figure

    out = Path(figures_dir) if figures_dir is not None else config.FIGURES_DIR
    processed = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DIR
    for folder in (out, processed):  # what a report stopped half way left
        remove_stale_temporaries(folder)
    figures = make_figures(tables, lang=lang)
    items = list(figures.items())
    if progress:
        from tqdm.auto import tqdm

        items = tqdm(items, desc="figures", unit="figure")
    saved: dict[str, Path] = {}
    for name, fig in items:
        paths = save_figure(fig, name, out_dir=out)
        saved[name] = next(p for p in paths if p.suffix == ".png")
        plt.close(fig)
    tables = {k: v for k, v in tables.items() if v is not None}
    write_excel(tables, processed / "tables.xlsx", stats=stats)
    return write_report(tables, saved, out / "report.html", lang=lang, stats=stats)
