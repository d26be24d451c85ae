"""Analysis of Yangtze River Delta regional news: articles, mentions, events, keywords.

The public helpers, each a DataFrame in and a DataFrame out::

    import analysis
    articles = analysis.load_articles("data/raw")
    mentions = analysis.find_mentions(articles)
    events = analysis.find_events(articles, mentions)
    top = analysis.keywords(articles, by="month")

Names are imported lazily so ``import analysis`` stays fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "InputError": "analysis.errors",
    "parse_page": "analysis.pages",
    "parse_article_file": "analysis.pages",
    "load_articles": "analysis.sources",
    "LoadReport": "analysis.sources",
    "tokenize": "analysis.text",
    "tokens_table": "analysis.text",
    "stopwords": "analysis.text",
    "keywords": "analysis.keyterms",
    "document_term_matrix": "analysis.keyterms",
    "load_gazetteer": "analysis.gazetteer",
    "find_mentions": "analysis.mentions",
    "mention_counts": "analysis.mentions",
    "co_mentions": "analysis.mentions",
    "find_events": "analysis.events",
    "event_counts": "analysis.events",
    "link_events": "analysis.events",
    "save_figure": "analysis.plots",
    "Focus": "analysis.select",
    "select_articles": "analysis.select",
    "focus_tables": "analysis.select",
    "find_duplicates": "analysis.select",
    "mark_duplicates": "analysis.select",
    "event_table": "analysis.report",
    "readable_table": "analysis.report",
    "notebook_html": "analysis.report",
    "build": "analysis.pipeline",
    "load_tables": "analysis.pipeline",
    "load_term_counts": "analysis.publish",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
