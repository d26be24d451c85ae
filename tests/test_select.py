"""The focus: one selection function for the library, the build and the report."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.select import Focus, focus_tables, resolve_parks, resolve_provinces, select_articles

from . import _corpus as C


@pytest.fixture(scope="module")
def corpus():
    return C.tables()


def _ids_naming(corpus, entity_ids):
    m = corpus["mentions"]
    return set(m.loc[m["entity_id"].isin(entity_ids), "article_id"])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("wuxi", "park:wuxi"),  # gazetteer id
        ("park:wuxi", "park:wuxi"),  # entity id
        ("无锡高新区", "park:wuxi"),  # short name
        ("无锡国家高新技术产业开发区", "park:wuxi"),  # official name
        (" 苏州工业园区 ", "park:suzhou-sip"),  # short name with spaces
        ("张江科学城", "park:shanghai-zhangjiang"),  # alias
        ("WUXI", "park:wuxi"),  # case of an id
    ],
)
def test_resolve_parks_by_id_name_or_alias(name, expected):
    assert resolve_parks([name]) == [expected]


def test_resolve_parks_unknown_name_suggests_close_ones():
    with pytest.raises(ValueError, match=r"no park called '无锡高薪区'.*无锡高新区"):
        resolve_parks(["无锡高薪区"])


def test_resolve_parks_keeps_order_without_repeats():
    assert resolve_parks(["合肥高新区", "wuxi", "无锡高新区"]) == ["park:hefei", "park:wuxi"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("江苏", "江苏"), ("江苏省", "江苏"), ("Jiangsu", "江苏"), ("上海市", "上海")],
)
def test_resolve_provinces(name, expected):
    assert resolve_provinces([name]) == [expected]


def test_resolve_provinces_unknown():
    with pytest.raises(ValueError, match="unknown province"):
        resolve_provinces(["湖北"])


def test_empty_focus_keeps_every_article_but_boilerplate(corpus):
    arts = pd.concat(
        [
            corpus["articles"],
            corpus["articles"].iloc[[0]].assign(kind="boilerplate", article_id="b"),
        ]
    )
    kept = select_articles(arts, corpus["mentions"])
    assert len(kept) == C.N
    sel = kept.attrs["selection"]
    assert (sel["n_articles"], sel["n_kept"], sel["n_dropped"]) == (C.N + 1, C.N, 1)
    assert sel["filters"] == []
    assert sel["issue_range"] == ["2023-01-01", "2024-06-26"]


def test_park_focus_keeps_articles_naming_any_of_the_parks(corpus):
    kept = select_articles(
        corpus["articles"], corpus["mentions"], Focus(parks=("无锡高新区", "hefei"))
    )
    expected = _ids_naming(corpus, ["park:wuxi", "park:hefei"])
    assert set(kept["article_id"]) == expected
    assert 40 < len(kept) < C.N
    assert kept.attrs["selection"]["parks"] == ["park:wuxi", "park:hefei"]
    assert kept.attrs["selection"]["filters"] == ["园区：无锡高新区、合肥高新区"]


def test_province_focus_uses_parks_and_places_of_the_province(corpus):
    kept = select_articles(corpus["articles"], corpus["mentions"], Focus(provinces=("浙江",)))
    assert set(kept["article_id"]) == _ids_naming(corpus, ["park:hangzhou", "place:zhejiang"])


def test_parks_only_drops_articles_without_a_gazetteer_park(corpus):
    kept = select_articles(corpus["articles"], corpus["mentions"], Focus(parks_only=True))
    assert set(kept["article_id"]) == _ids_naming(corpus, list(C.PARKS))
    # every fifth article names no park (article 0 is a list naming all of them)
    assert len(kept) == C.N - len(range(5, C.N, 5))
    # a park outside the gazetteer alone does not make an article about parks
    only_outside = corpus["mentions"][corpus["mentions"]["entity_id"] == "park:x-outside"]
    mentions = pd.concat([corpus["mentions"][corpus["mentions"]["kind"] != "park"], only_outside])
    kept = select_articles(corpus["articles"], mentions, Focus(parks_only=True))
    assert kept.empty


def test_date_range_is_inclusive_on_issue_dates(corpus):
    kept = select_articles(corpus["articles"], None, Focus(since="2023-08-01", until="2023-08-31"))
    days = kept["issue_date"]
    assert days.min() >= pd.Timestamp("2023-08-01") and days.max() <= pd.Timestamp("2023-08-31")
    assert kept.attrs["selection"]["issue_range"][0].startswith("2023-08")
    assert (corpus["articles"]["issue_date"].dt.strftime("%Y-%m") == "2023-08").sum() == len(kept)


def test_filters_combine_with_and(corpus):
    focus = Focus(parks=("wuxi",), since="2024-01-01")
    kept = select_articles(corpus["articles"], corpus["mentions"], focus)
    assert set(kept["article_id"]) == _ids_naming(corpus, ["park:wuxi"]) & set(
        corpus["articles"].loc[corpus["articles"]["issue_date"] >= "2024-01-01", "article_id"]
    )


def test_bad_date_is_refused():
    with pytest.raises(ValueError, match="--since"):
        Focus(since="last week")


def test_park_focus_without_mentions_keeps_nothing(corpus):
    assert select_articles(corpus["articles"], None, Focus(parks=("wuxi",))).empty


def test_focus_tables_cut_every_table_to_the_kept_articles(corpus):
    out = focus_tables(corpus, Focus(parks=("hefei",)))
    ids = set(out["articles"]["article_id"])
    assert ids == _ids_naming(corpus, ["park:hefei"])
    for name in ("tokens", "mentions", "events", "keywords"):
        key = "group" if name == "keywords" else "article_id"
        assert set(out[name][key]) <= ids and len(out[name])


def test_tables_cut_by_a_focus_are_not_cut_again_by_it(corpus, monkeypatch):
    import analysis.select as select

    focus = Focus(parks=("hefei",))
    once = focus_tables(corpus, focus)
    calls = []
    real = select.select_articles
    monkeypatch.setattr(select, "select_articles", lambda *a, **k: calls.append(a) or real(*a, **k))
    again = focus_tables(once, focus)
    assert calls == [] and again["articles"] is once["articles"]
    # another focus (or the duplicates kept) cuts them again
    focus_tables(once, Focus(parks=("wuxi",)))
    focus_tables(once, focus, keep_duplicates=True)
    assert len(calls) == 2


def test_cli_refuses_an_unknown_park_before_building(tmp_path, capsys):
    from analysis.cli import main

    code = main(
        ["build", str(tmp_path / "nothing"), "--out", str(tmp_path), "--park", "火星高新区"]
    )
    assert code == 2
    assert "no park called '火星高新区'" in capsys.readouterr().err
    assert not (tmp_path / "manifest.json").exists()


def test_cli_build_writes_the_focused_tables(tmp_path, capsys):
    from analysis import config
    from analysis.cli import main
    from analysis.pipeline import load_tables

    out = tmp_path / "out"
    args = ["build", str(config.RAW_DIR), "--out", str(out), "--no-progress", "-j", "1"]
    assert main([*args, "--park", "无锡高新区"]) == 0
    assert "focus: " in capsys.readouterr().out
    full, focused = load_tables(out), load_tables(out / "focus")
    assert 0 < len(focused["articles"]) < len(full["articles"])
    assert set(focused["mentions"]["article_id"]) <= set(focused["articles"]["article_id"])


def test_duplicates_are_left_out_unless_kept_and_the_report_says_how_many(corpus):
    from analysis.report import _TEXT, _provenance_html

    arts = corpus["articles"].copy()
    arts["duplicate_of"] = ""
    arts["duplicate_rule"] = ""
    # the second article is marked a reprint of the first
    arts.loc[arts.index[1], ["duplicate_of", "duplicate_rule"]] = [
        arts["article_id"].iloc[0],
        "exact",
    ]
    tables = {**corpus, "articles": arts}
    out = focus_tables(tables, Focus())
    sel = out["articles"].attrs["selection"]
    assert len(out["articles"]) == C.N - 1 and sel["n_duplicates"] == 1
    assert arts["article_id"].iloc[1] not in set(out["mentions"]["article_id"])
    assert "重复刊登的文章（未计入）</td><td>1<" in _provenance_html(sel, {}, _TEXT["zh"])
    kept = focus_tables(tables, Focus(), keep_duplicates=True)
    assert len(kept["articles"]) == C.N and kept["articles"].attrs["selection"]["n_duplicates"] == 1
    assert "重复刊登的文章（已计入）" in _provenance_html(
        kept["articles"].attrs["selection"], {}, _TEXT["zh"]
    )


def test_duplicate_of_compares_title_and_first_200_characters_without_spaces():
    """The same report printed twice is one report however its spaces fall, even when a
    copy opens with a long run of spaces (more than the window read first)."""
    from analysis.select import duplicate_of

    lead = "无锡高新区今天举行集成电路产业项目集中签约仪式，" * 10  # 250 characters
    articles = pd.DataFrame(
        {
            "article_id": ["a", "b", "c", "d", "e"],
            "title": [
                "集成电路项目签约",
                "集成电路 项目签约",
                "集成电路项目签约",
                "集成电路项目签约",
                "另一篇",
            ],
            "body": [
                lead + "第一版的结尾。",
                "\u3000" * 450 + lead[:120] + "\n\n" + lead[120:] + "转载版的结尾不同。",
                "无锡" + lead,  # differs within the first 200 characters
                " " * 500 + "短文。",
                lead,
            ],
        }
    )
    first = duplicate_of(articles)
    assert first.to_dict() == {"a": "a", "b": "a", "c": "c", "d": "d", "e": "e"}
