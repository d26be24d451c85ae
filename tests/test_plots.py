"""Plot helpers: tables in, a Figure out, Chinese by default, readable when empty."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

import analysis
from analysis import config, fonts, plots

from . import _tables as T


@pytest.fixture(autouse=True)
def _no_show(monkeypatch):
    """Helpers must never call show()."""

    def fail(*args, **kwargs):
        raise AssertionError("plot helpers must not call show()")

    monkeypatch.setattr(plt, "show", fail)
    monkeypatch.setattr(Figure, "show", fail)


@pytest.fixture(scope="module")
def tables():
    return T.all_tables()


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def _all_text(fig: Figure) -> str:
    return "\n".join(_texts(fig))


def _bars(ax) -> list:
    return [p for p in ax.patches if p.get_height() > 0 and p.get_width() > 0]


HELPERS = {
    "timeline": lambda t, **kw: plots.plot_event_timeline(t["events"], **kw),
    "by_park": lambda t, **kw: plots.plot_events_by_park(t["events"], t["mentions"], **kw),
    "parks": lambda t, **kw: plots.plot_park_mentions(t["mentions"], **kw),
    "orgs": lambda t, **kw: plots.plot_org_mentions(t["mentions"], **kw),
    "co": lambda t, **kw: plots.plot_co_mentions(t["mentions"], **kw),
    "keywords": lambda t, **kw: plots.plot_keywords(t["keywords"], **kw),
    "wordcloud": lambda t, **kw: plots.plot_wordcloud(t["tokens"], **kw),
    "lengths": lambda t, **kw: plots.plot_article_lengths(t["articles"], **kw),
}
TITLES = {
    "timeline": ("各类事件随时间的分布", "Events over time by type"),
    "by_park": ("各园区的事件类型", "Event types by park"),
    "parks": ("被提及最多的园区", "Parks mentioned most"),
    "orgs": ("被提及最多的机构", "Organisations mentioned most"),
    "co": ("园区共现网络", "Parks mentioned in the same article"),
    "keywords": ("关键词", "Keywords"),
    "wordcloud": ("词云", "Word cloud"),
    "lengths": ("文章篇幅", "Article length"),
}


@pytest.mark.parametrize("name", HELPERS)
def test_helper_returns_titled_chinese_figure(tables, name):
    fig = HELPERS[name](tables)
    assert isinstance(fig, Figure)
    assert TITLES[name][0] in _all_text(fig)
    assert "无数据" not in _all_text(fig)
    assert fonts.missing_glyphs(_texts(fig)) == set()


@pytest.mark.parametrize("name", HELPERS)
def test_helper_speaks_english(tables, name):
    text = _all_text(HELPERS[name](tables, lang="en"))
    assert TITLES[name][1] in text
    assert TITLES[name][0] not in text


@pytest.mark.parametrize("name", HELPERS)
def test_helper_draws_into_given_ax(tables, name):
    fig = Figure()
    ax = fig.add_subplot()
    assert HELPERS[name](tables, ax=ax) is fig


@pytest.mark.parametrize("name", HELPERS)
@pytest.mark.parametrize("case", ["empty", "missing"])
def test_empty_input_gives_a_no_data_chart(tmp_path, name, case):
    if case == "empty":
        tables = T.empty_tables()
    else:
        tables = {k: pd.DataFrame({"unrelated": [1]}) for k in T.all_tables()}
        if name == "wordcloud":  # a wordcloud of no words
            tables["tokens"] = pd.DataFrame({"article_id": ["a"], "tokens": [[]]})
    zh = HELPERS[name](tables)
    en = HELPERS[name](tables, lang="en")
    assert "无数据" in _all_text(zh)
    assert "no data" in _all_text(en)
    analysis.save_figure(zh, f"{name}_{case}", formats=("png",), dpi=40, out_dir=tmp_path)


def test_bad_lang_is_an_error(tables):
    with pytest.raises(ValueError, match="lang"):
        plots.plot_park_mentions(tables["mentions"], lang="fr")


def test_timeline_counts_counted_events_per_month(tables):
    events = tables["events"]
    fig = plots.plot_event_timeline(events)
    ax = fig.axes[0]
    counted = events[events["counted"]]
    heights = {}
    for bar in _bars(ax):
        x = round(bar.get_x() + bar.get_width() / 2)
        heights[x] = heights.get(x, 0) + bar.get_height()
    per_month = counted.groupby(counted["date"].dt.to_period("M")).size()
    assert sorted(heights.values()) == sorted(per_month.tolist())
    assert ax.get_xticklabels()[0].get_text() == "2023-01"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert set(legend) == set(counted["type_label"])
    assert "考察调研" not in legend  # the one type present only as background


def test_timeline_leaves_gaps_for_quiet_periods(tables):
    events = tables["events"]
    events = events[events["date"].dt.month.isin([1, 6])]
    ax = plots.plot_event_timeline(events).axes[0]
    assert len(ax.get_xticks()) == 6  # January to June, months without events included


def test_timeline_accepts_offset_aliases(tables):
    fig = plots.plot_event_timeline(tables["events"], freq="QE")
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["2023Q1", "2023Q2"]


def test_events_by_park_matches_crosstab(tables):
    events, mentions = tables["events"], tables["mentions"]
    fig = plots.plot_events_by_park(events, mentions)
    ax = fig.axes[0]
    grid = ax.images[0].get_array()
    exploded = events[events["counted"]].explode("parks")
    assert grid.sum() == len(exploded)
    parks = [t.get_text() for t in ax.get_yticklabels()]
    assert set(parks) == {T.PARKS[p] for p in exploded["parks"]}


def test_events_by_park_uses_ids_without_names(tables):
    fig = plots.plot_events_by_park(tables["events"])
    parks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "suzhou-sip" in parks


def test_park_mentions_ranked_with_counts(tables):
    mentions = tables["mentions"]
    ax = plots.plot_park_mentions(mentions, top=3).axes[0]
    expected = mentions[mentions["kind"] == "park"]["name"].value_counts()
    widths = [b.get_width() for b in sorted(ax.patches, key=lambda b: -b.get_y())]
    assert widths == expected.head(3).tolist()
    top_label = max(ax.get_yticklabels(), key=lambda t: t.get_position()[1])
    assert top_label.get_text() == expected.index[0]  # top bar = most mentioned


def test_park_mentions_can_count_articles(tables):
    mentions = pd.concat([tables["mentions"]] * 3)  # each mention three times
    ax = plots.plot_park_mentions(mentions, count="articles").axes[0]
    assert max(b.get_width() for b in ax.patches) == tables["articles"]["kind"].eq("article").sum()


def test_org_mentions_coloured_by_kind(tables):
    ax = plots.plot_org_mentions(tables["mentions"]).axes[0]
    colours = {tuple(b.get_facecolor()) for b in ax.patches}
    assert len(colours) == 4  # one per kind in the synthetic data
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert legend == {"企业", "政府机构", "高校院所", "协会联盟"}
    names = {t.get_text() for t in ax.get_yticklabels()}
    assert "苏州工业园区" not in names  # parks are not organisations


def test_co_mentions_edges_weighted_by_articles(tables):
    mentions = tables["mentions"]
    ax = plots.plot_co_mentions(mentions).axes[0]
    edges = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(edges) == 1
    widths = edges[0].get_linewidths()
    assert len(widths) == 5  # park pairs seen together in the synthetic articles
    assert max(widths) > min(widths)
    labels = {t.get_text() for t in ax.texts}
    assert set(T.PARKS.values()) <= labels


def test_co_mentions_single_park_says_so():
    mentions = T.mentions()
    mentions = mentions[mentions["entity_id"] == "park:suzhou-sip"]
    fig = plots.plot_co_mentions(mentions)
    assert "没有两个园区出现在同一篇文章中" in _all_text(fig)


def test_keywords_one_panel_per_group(tables):
    kw = tables["keywords"]
    fig = plots.plot_keywords(kw, top=2)
    panels = [ax for ax in fig.axes if ax.patches]
    assert [ax.get_title() for ax in panels] == list(dict.fromkeys(kw["group"]))
    assert all(len(ax.patches) <= 2 for ax in panels)
    labels = sorted(panels[0].get_yticklabels(), key=lambda t: -t.get_position()[1])
    assert [t.get_text() for t in labels] == ["生物医药", "纳米技术"]  # best keyword on top


def test_keywords_selected_groups_only(tables):
    fig = plots.plot_keywords(tables["keywords"], groups=["2023-08"])
    assert [ax.get_title() for ax in fig.axes if ax.patches] == ["2023-08"]


def test_wordcloud_uses_token_frequencies_and_stopwords(tables, monkeypatch):
    from wordcloud import WordCloud

    seen = {}
    original = WordCloud.generate_from_frequencies

    def spy(self, frequencies, *args, **kwargs):
        if not seen:  # the first call; wordcloud calls itself again with a sample
            seen.update(frequencies)
            seen["__font__"] = Path(self.font_path).read_bytes()
        return original(self, frequencies, *args, **kwargs)

    monkeypatch.setattr(WordCloud, "generate_from_frequencies", spy)
    plots.plot_wordcloud(tables["tokens"], stopwords={"党建"})
    # the figures' font, subset to the words' characters
    font = TTFont(io.BytesIO(seen.pop("__font__")))
    whole = TTFont(fonts.font_path(), fontNumber=fonts.ensure_font().index, lazy=True)
    assert font["name"].getDebugName(1) == whole["name"].getDebugName(1)
    assert {chr(c) for c in font.getBestCmap()} == set("".join(seen))
    tokens = {tok for toks in tables["tokens"]["tokens"] for tok in toks}
    assert set(seen) <= tokens  # words, not bigrams made from raw text
    assert "党建" not in seen
    assert "的" not in seen and "。" not in seen  # single characters, punctuation
    assert seen["高新区"] == max(seen.values())


def test_wordcloud_is_reproducible_and_accepts_frequencies():
    freqs = {"高新区": 10, "长三角": 6, "创新": 3}
    a = plots.plot_wordcloud(freqs, stopwords=())
    b = plots.plot_wordcloud(pd.Series(freqs), stopwords=())
    img_a = a.axes[0].images[0].get_array()
    img_b = b.axes[0].images[0].get_array()
    assert np.array_equal(img_a, img_b)


def test_wordcloud_drawn_with_the_font_subset_is_the_whole_fonts_picture(monkeypatch):
    freqs = {
        f"{a}{b}园区": 40 - i
        for i, (a, b) in enumerate(
            zip("无锡苏州杭州合肥上海南京宁波", "高新经开自贸科技创新", strict=False)
        )
    }
    freqs |= {"长三角": 30, "Innovation": 20, "一体化发展": 12, "集成电路": 9}
    subset = plots.plot_wordcloud(freqs, stopwords=()).axes[0].images[0].get_array()

    def no_subset(*args, **kwargs):
        raise ValueError("no subset")

    monkeypatch.setattr(fonts, "subset_font", no_subset)
    whole = plots.plot_wordcloud(freqs, stopwords=()).axes[0].images[0].get_array()
    assert subset.shape == whole.shape and (subset != 255).any()
    assert np.array_equal(subset, whole)


def test_save_figure_writes_each_format(tmp_path, tables):
    fig = plots.plot_park_mentions(tables["mentions"])
    paths = analysis.save_figure(fig, "parks", dpi=50, out_dir=tmp_path)
    assert paths == [tmp_path / "parks.png", tmp_path / "parks.svg", tmp_path / "parks.pdf"]
    assert all(p.stat().st_size > 1000 for p in paths)
    width, height = Image.open(paths[0]).size
    assert (width, height) == (plots.FIGSIZE[0] * 50, plots.FIGSIZE[1] * 50)
    assert "苏州工业园区" in paths[1].read_text(encoding="utf-8")


def test_save_figure_lays_out_once_and_leaves_the_figure_as_it_was(tmp_path, tables):
    # the constrained layout is computed by the first format and kept by the others
    # (a long park name on the left: every format leaves room for it)
    fig = plots.plot_park_mentions(tables["mentions"])
    engine = fig.get_layout_engine()
    analysis.save_figure(fig, "parks", dpi=50, out_dir=tmp_path)
    assert fig.get_layout_engine() is engine  # the figure can still be resized and laid out
    left = fig.axes[0].get_position().x0
    assert 0.05 < left < 0.9  # room left for the labels on the left
    svg = (tmp_path / "parks.svg").read_text(encoding="utf-8")
    assert "苏州工业园区" in svg


def test_save_figure_draws_each_format_once(tmp_path, tables, monkeypatch):
    # laid out once before the formats, each drawn once (savefig with a layout engine
    # draws the figure once more, without output, to lay it out)
    fig = plots.plot_park_mentions(tables["mentions"])
    draws = []
    draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(draw(self, renderer)))
    analysis.save_figure(fig, "parks", dpi=50, out_dir=tmp_path)
    assert len(draws) == 3


@pytest.mark.parametrize("name", ["keywords", "by_park", "timeline"])
def test_save_figure_draws_what_savefig_draws(tmp_path, tables, name):
    # the layout done once by save_figure puts everything where savefig's own puts it
    (path,) = analysis.save_figure(HELPERS[name](tables), name, ("png",), 60, tmp_path)
    expected = io.BytesIO()
    HELPERS[name](tables).savefig(
        expected, format="png", dpi=60, facecolor="white", metadata={"Software": None}
    )
    saved = np.asarray(Image.open(path).convert("RGBA"))
    assert np.array_equal(saved, np.asarray(Image.open(expected).convert("RGBA")))


def test_save_figure_defaults_to_figures_dir(tmp_path, monkeypatch, tables):
    monkeypatch.setattr(config, "FIGURES_DIR", tmp_path / "figs")
    paths = analysis.save_figure(plots.plot_event_timeline(tables["events"]), "t", formats=["png"])
    assert paths == [tmp_path / "figs" / "t.png"]
    assert paths[0].is_file()


def test_save_figure_is_reproducible(tmp_path, tables):
    formats = ("png", "svg")  # PDF font subsets get fresh random tags on each save
    first, second = (
        [
            p.read_bytes()
            for p in analysis.save_figure(
                plots.plot_event_timeline(tables["events"]), "a", formats, out_dir=tmp_path / d
            )
        ]
        for d in ("1", "2")
    )
    assert first == second


@pytest.mark.parametrize("name", ["", "sub/dir", "../up"])
def test_save_figure_rejects_paths_as_names(tmp_path, name):
    with pytest.raises(ValueError):
        analysis.save_figure(Figure(), name, out_dir=tmp_path)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")
@pytest.mark.parametrize("name", HELPERS)
def test_saved_pdf_has_the_chinese_labels(tmp_path, tables, name):
    from analysis import fonts

    if not fonts.pdf_text_searchable():
        pytest.skip("this matplotlib writes CFF fonts without their characters (before 3.11)")
    fig = HELPERS[name](tables)
    (pdf,) = analysis.save_figure(fig, name, formats=("pdf",), out_dir=tmp_path)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    )
    text = result.stdout.decode("utf-8")
    assert TITLES[name][0] in text
    assert b"Mismatch" not in result.stderr


def test_keywords_caps_the_number_of_panels():
    kw = pd.DataFrame(
        {
            "group": [f"第{i}组" for i in range(20)],
            "keyword": ["高新区"] * 20,
            "score": [1.0] * 20,
            "rank": [1] * 20,
            "n_docs": [1] * 20,
        }
    )
    fig = plots.plot_keywords(kw, max_groups=5)
    assert len([ax for ax in fig.axes if ax.patches]) == 5


# --------------------------------------------------------------------------- at scale
@pytest.fixture(scope="module")
def corpus():
    from . import _corpus as C

    return C.tables()


def test_timeline_runs_over_the_issues_with_uncovered_months_as_gaps(corpus):
    table = plots.timeline_table(corpus["events"], articles=corpus["articles"])
    assert table["period"].iloc[0] == "2023-01" and table["period"].iloc[-1] == "2024-06"
    uncovered = table.loc[~table["covered"], "period"].tolist()
    assert uncovered == ["2023-05", "2023-06"]
    # each event once, however many articles report it (its root, link_events)
    counted = corpus["events"][corpus["events"]["counted"]]
    roots = analysis.link_events(counted)
    n_roots = int((roots["event_id"] == roots["root_event_id"]).sum())
    assert 0 < n_roots < len(counted)  # the generated corpus reports events repeatedly
    assert table["n_events"].sum() == n_roots
    # background events dated three years earlier are counted outside, not drawn
    assert table.attrs["n_outside"] == 0
    fig = plots.draw_event_timeline(table, rate=True)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "每百篇文章的事件数"
    assert len(ax.get_xticklabels()) <= 12
    assert "无报纸（语料未覆盖）" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_timeline_drops_events_outside_the_issues_and_says_so(corpus):
    table = plots.timeline_table(corpus["events"], articles=corpus["articles"], counted_only=False)
    assert table.attrs["n_outside"] > 0
    assert "未画出" in _all_text(plots.draw_event_timeline(table))


def test_rankings_count_distinct_articles_once(corpus):
    ranking = plots.ranking_table(corpus["mentions"], ["park"], articles=corpus["articles"])
    m = corpus["mentions"]
    naive = m[m["kind"] == "park"].drop_duplicates(["article_id", "entity_id"])
    naive = naive["entity_id"].value_counts()
    # articles 1 and 2 are one report printed twice: its parks count once less
    twice = set(m.loc[m["article_id"] == corpus["articles"]["article_id"][1], "entity_id"])
    for row in ranking.itertuples():
        assert row.n == naive[row.entity_id] - (row.entity_id in twice)


def test_co_mentions_ignore_lists_and_keep_a_readable_number_of_edges(corpus):
    table = plots.co_mention_table(corpus["mentions"], max_edges=5, articles=corpus["articles"])
    assert 0 < len(table) <= 5
    assert table.attrs["min_count"] >= 1
    assert (table["n_articles"] >= table.attrs["min_count"]).all()
    # the list naming every park adds no pair: with a threshold of 1, pairs only come
    # from articles naming two parks
    every = plots.co_mention_table(corpus["mentions"], min_count=1)
    assert "外地科技园" not in set(every["source"]) | set(every["target"])
    fig = plots.draw_co_mentions(table)
    assert "至少" in _all_text(fig)


def test_keywords_figure_groups_are_readable(corpus):
    from analysis import report

    from . import _corpus as C

    by_park = report.keyword_table(corpus, "park")
    assert by_park.attrs["by"] == "park"
    assert set(by_park["group"]) <= {name for name, _ in C.PARKS.values()}
    wuxi = by_park[by_park["group"] == "无锡高新区"]["keyword"].head(3)
    assert set(wuxi) & {"物联网", "传感器", "集成电路"}
    by_month = report.keyword_table(corpus, "month")
    assert list(dict.fromkeys(by_month["group"]))[-1] == "2024-06"
    assert by_month["group"].nunique() == 9
    by_article = report.keyword_table(corpus, "article")
    titles = set(corpus["articles"]["title"])
    assert set(by_article["group"]) <= titles | {g for g in by_article["group"] if "（" in g}
    assert not any(len(g) == 16 and g.isalnum() for g in by_article["group"])  # no hash ids


def test_wordcloud_words_are_distinctive_not_frequent(corpus):
    from analysis import report

    words = report.distinctive_words(corpus)
    assert "发展" not in set(words["keyword"].head(10))  # in every article, no article's keyword
    assert words["score"].is_monotonic_decreasing


def test_every_figure_of_an_empty_corpus_is_a_readable_empty_chart():
    from analysis import report

    empty = {name: table.iloc[0:0] for name, table in T.all_tables().items()}
    figures = report.make_figures(empty)
    assert figures
    for fig in figures.values():
        assert "无数据" in _all_text(fig) or "没有" in _all_text(fig)


def test_every_mention_kind_has_a_label_in_each_language():
    from analysis.mentions import KINDS

    for lang in ("zh", "en"):
        assert set(KINDS) <= set(plots.KIND_LABELS[lang]), lang
    assert plots.KIND_LABELS["zh"]["international"] == "国际组织"
    assert "international" in plots.ORG_KINDS


def test_wordcloud_weighs_keywords_by_how_rare_they_are_in_the_corpus():
    from analysis import report

    ids = [f"a{i}" for i in range(5)]
    articles = pd.DataFrame(
        {"article_id": ids, "kind": "article", "title": [f"标题{i}" for i in ids], "body": ids}
    )
    keywords = pd.DataFrame(
        [(a, "合作", 0.5, 1, 1) for a in ids[:4]] + [(a, "集成电路", 0.4, 2, 1) for a in ids[:3]],
        columns=["group", "keyword", "score", "rank", "n_docs"],
    )
    # 合作 is in every article, 集成电路 in three: fewer articles, but it tells them apart
    tokens = pd.DataFrame(
        {"article_id": ids, "tokens": [["合作", "集成电路"]] * 3 + [["合作"]] * 2}
    )
    words = report.distinctive_words({"articles": articles, "keywords": keywords, "tokens": tokens})
    assert words["keyword"].tolist() == ["集成电路", "合作"]
    assert words["n_docs"].tolist() == [3, 4]
