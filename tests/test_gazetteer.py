"""Tests of the park gazetteer, the places list and dictionary_terms."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import analysis
from analysis.errors import InputError
from analysis.gazetteer import (
    PARK_COLUMNS,
    dictionary_terms,
    load_gazetteer,
    load_places,
    park_names,
)


@pytest.fixture(scope="module")
def parks():
    return load_gazetteer()


def test_parks_columns_and_ids(parks):
    assert list(parks.columns[: len(PARK_COLUMNS)]) == PARK_COLUMNS
    assert parks["park_id"].is_unique
    assert parks["park_id"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()
    assert (parks["official_name"] != "").all()
    assert (parks["sources"] != "").all(), "every row keeps its sources"


def test_parks_cover_the_four_provinces(parks):
    counts = parks["province"].value_counts().to_dict()
    assert counts == {"江苏": 18, "浙江": 8, "安徽": 7, "上海": 2}


def test_doubtful_rows_are_flagged_not_dropped(parks):
    status = parks.set_index("park_id")["status"]
    assert status["suzhou-sip"] == "contested"
    # 绍兴: confirmed once a stored source named it national (no government page yet)
    assert status["shaoxing"] == "confirmed"
    assert (status.drop(["suzhou-sip"]) == "confirmed").all()


def test_every_row_cites_a_government_page_or_says_none_was_found(parks):
    for row in parks.itertuples():
        cites_gov = "Government source" in row.status_note
        says_none = re.search(r"no government page", row.status_note, re.IGNORECASE)
        assert cites_gov != bool(says_none), row.park_id
        if cites_gov:
            first_host = re.match(r"https?://([^/\s]+)", row.sources).group(1)
            assert first_host == "gov.cn" or first_host.endswith(".gov.cn"), row.park_id


def test_known_facts(parks):
    row = parks.set_index("park_id")
    assert row.loc["wuxi", "district"] == "新吴区"
    assert row.loc["suzhou", "district"] == "虎丘区"
    assert "张江高科技园区" in row.loc["shanghai-zhangjiang", "aliases"].split("|")
    assert row.loc["shanghai-zhangjiang", "official_name"] == "上海张江高新技术产业开发区"
    assert row.loc["taizhou-pharma", "approval_year"] == "2009"


def test_generic_aliases_are_not_match_names(parks):
    names = set(park_names(parks)["name"])
    assert {"园区", "医药高新区", "大张江", "高新区", "国家高新区"}.isdisjoint(names)
    assert {"无锡高新区", "上海张江高科技园区", "苏州工业园区", "紫竹高新区"} <= names


def test_extra_file_appends_and_replaces(tmp_path, parks):
    extra = tmp_path / "mine.csv"
    pd.DataFrame(
        {
            "park_id": ["wuxi", "test-park"],
            "official_name": ["无锡高新技术产业开发区", "测试高新技术产业开发区"],
            "short_name": ["无锡高新区", "测试高新区"],
            "province": ["江苏", "江苏"],
        }
    ).to_csv(extra, index=False)
    merged = load_gazetteer(extra)
    assert len(merged) == len(parks) + 1
    assert merged["park_id"].is_unique
    assert merged.set_index("park_id").loc["test-park", "status"] == "confirmed"
    assert merged.set_index("park_id").loc["wuxi", "aliases"] == ""  # replaced row


def test_extra_file_from_environment(tmp_path, monkeypatch, parks):
    extra = tmp_path / "env.csv"
    extra.write_text("park_id,official_name\nenv-park,环境高新区\n", encoding="utf-8")
    monkeypatch.setenv("ANALYSIS_GAZETTEER", str(extra))
    assert "env-park" in set(load_gazetteer()["park_id"])


@pytest.mark.parametrize(
    ("content", "problem", "words"),
    [
        ("park_id,name\nx,y\n", "columns", "official_name"),
        ("park_id,official_name\nBad Id,某高新区\n", "format", "park_id"),
        ("park_id,official_name\na,甲\na,乙\n", "format", "repeated"),
        ("park_id,official_name\na,\n", "format", "official_name"),
        ("park_id,official_name,approval_year\na,甲,1990s\n", "format", "approval_year"),
        ("", "empty", "empty"),
    ],
)
def test_bad_extra_file_names_file_and_problem(tmp_path, content, problem, words):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_gazetteer(bad)
    assert info.value.problem == problem
    assert str(bad) in str(info.value)
    assert words in str(info.value)


def test_missing_extra_file(tmp_path):
    with pytest.raises(InputError) as info:
        load_gazetteer(tmp_path / "nowhere.csv")
    assert info.value.problem == "missing"


def test_places_cover_cities_and_districts():
    places = load_places()
    assert places["place_id"].is_unique
    cities = places[places["level"] == "city"].groupby("province")["name"].nunique().to_dict()
    assert cities == {"江苏": 13, "浙江": 11, "安徽": 16}
    names = set(places["name"])
    assert {"锡山区", "惠山区", "新吴区", "滨湖区", "梁溪区", "江阴市", "宜兴市"} <= names
    assert {"虎丘区", "江宁区", "浦东新区", "滨江区", "蜀山区"} <= names
    parents = places.set_index("name")
    assert parents.loc["新吴区", "city"] == "无锡"
    assert parents.loc["新吴区", "province"] == "江苏"


def test_dictionary_terms():
    terms = dictionary_terms()
    words = dict(terms)
    assert len(words) == len(terms), "one entry per word"
    assert all(isinstance(w, str) and w and tag in {"ns", "nt"} for w, tag in terms)
    for word in (
        "无锡高新区",
        "上海张江高科技园区",
        "无锡国家高新技术产业开发区",
        "锡山区",
        "江阴",
    ):
        assert words[word] == "ns"
    for word in ("工业和信息化部", "国家标准委", "中国电科"):
        assert words[word] == "nt"
    assert "园区" not in words
    assert "医药高新区" not in words


def test_lazy_export():
    assert analysis.load_gazetteer is load_gazetteer
