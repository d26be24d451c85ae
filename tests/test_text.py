"""Tests of analysis.text: tokens, dictionaries, stopwords, conversion."""

from __future__ import annotations

import multiprocessing
import re
import sys
import types

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analysis
from analysis import config, text
from analysis.errors import InputError

SAMPLE = config.RAW_DIR / "wuxi-evening_2023-08-09.txt"
PARKS = ["上海张江高科技园区", "无锡高新区", "南京高新区", "紫竹高新区", "昆山高新区", "苏州高新区"]


@pytest.fixture(scope="module")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sentences(sample_text) -> list[str]:
    """The sample's own sentences and clauses, for generated text."""
    parts = re.split(r"(?<=[。；;，,、])", sample_text.replace("\n", ""))
    return [p for p in parts if len(p) >= 2]


@pytest.fixture(autouse=True)
def _fresh_cache_after():
    yield
    # tests that patch settings leave no tokenizer behind for the next test
    text.clear_cache()


# ---------------------------------------------------------------- shapes


def test_str_gives_token_list():
    assert analysis.tokenize("康明斯与卓品智能在锡成立合资公司") == [
        "康明斯",
        "与",
        "卓品智能",
        "在",
        "锡",
        "成立",
        "合资公司",
    ]


def test_list_and_series_keep_alignment():
    texts = ["长三角汽车芯片应用推广平台启动", None, "", "氢能产业"]
    as_list = analysis.tokenize(texts)
    assert len(as_list) == 4
    assert as_list[1] == [] and as_list[2] == []
    assert as_list[3] == ["氢能", "产业"]
    series = pd.Series(texts, index=[10, 3, 7, 5], name="title")
    out = analysis.tokenize(series)
    assert isinstance(out, pd.Series)
    assert list(out.index) == [10, 3, 7, 5] and out.name == "title"
    assert out.loc[10] == as_list[0] and out.loc[3] == [] and out.loc[5] == ["氢能", "产业"]


def test_nan_and_empty_series():
    out = analysis.tokenize(pd.Series([np.nan, "芯片"], index=["a", "b"]))
    assert out.loc["a"] == [] and out.loc["b"] == ["芯片"]
    empty = analysis.tokenize(pd.Series([], dtype=object))
    assert isinstance(empty, pd.Series) and empty.empty
    assert analysis.tokenize("") == []
    assert analysis.tokenize("  \n ") == []


def test_non_text_element_is_input_error():
    with pytest.raises(InputError):
        analysis.tokenize(["芯片", 3])
    with pytest.raises(ValueError, match="backend"):
        analysis.tokenize("芯片", backend="thulac")


# ---------------------------------------------------------------- backends


def test_backends_agree_on_sample(sample_text):
    fast = analysis.tokenize(sample_text, backend="rjieba")
    ref = analysis.tokenize(sample_text, backend="jieba")
    assert fast == ref
    assert "AEC-Q100" in fast  # latin runs kept whole by both
    assert "".join(fast) == re.sub(r"\s", "", sample_text)  # no character lost


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_backends_agree_on_generated_text(sentences, sample_text, data):
    picked = data.draw(st.lists(st.sampled_from(sentences), min_size=1, max_size=8))
    start = data.draw(st.integers(0, len(sample_text) - 1))
    length = data.draw(st.integers(0, 60))
    generated = "".join(picked) + sample_text[start : start + length]
    assert analysis.tokenize(generated, backend="rjieba") == analysis.tokenize(
        generated, backend="jieba"
    )


def test_tokenizer_is_built_once_per_process():
    first = text.get_segmenter()
    analysis.tokenize(["芯片", "氢能"])
    assert text.get_segmenter() is first
    assert text.get_segmenter("jieba") is not first


def _tokenize_in_worker(texts):
    return analysis.tokenize(texts)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_worker_processes(method, sentences):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method here")
    texts = sentences[:40]
    expected = analysis.tokenize(texts)  # builds the tokenizer in the parent first
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(2) as pool:
        got = pool.map(analysis.tokenize, texts, chunksize=10)
    assert got == expected


# ---------------------------------------------------------------- dictionaries


def test_park_names_stay_whole(sample_text):
    tokens = set(analysis.tokenize(sample_text))
    for name in PARKS:
        assert name in tokens, name


def test_park_committee_names_not_shattered():
    assert analysis.tokenize("无锡国家高新技术产业开发区管委会") == [
        "无锡国家高新技术产业开发区管委会"
    ]
    # a name no dictionary lists keeps the generic park form and the office whole
    tokens = analysis.tokenize("太湖湾国家高新技术产业开发区管委会")
    assert tokens[-2:] == ["国家高新技术产业开发区", "管委会"]


def test_policy_vocabulary_whole():
    tokens = analysis.tokenize("聚焦“高精尖”技术和“卡脖子”问题，培育专精特新“小巨人”，强链补链延链")
    for word in ["高精尖", "卡脖子", "专精特新", "小巨人", "强链补链延链"]:
        assert word in tokens


def test_dictionary_file_with_bom_crlf_blanks_and_special_words(tmp_path):
    path = tmp_path / "mine.txt"
    content = (
        "\ufeff埃隆·马斯克 nr\r\n\r\n# a comment\r\n"
        "长三角-G60联盟 100 nt\r\n \t\r\n苏锡常智造带\t5\r\n"
    )
    path.write_bytes(content.encode("utf-8"))
    table = text.read_dictionary(path)
    assert list(table["word"]) == ["埃隆·马斯克", "长三角-G60联盟", "苏锡常智造带"]
    assert table["freq"].tolist() == [pd.NA, 100, 5]
    assert list(table["tag"]) == ["nr", "nt", None]
    sentence = "埃隆·马斯克参观长三角-G60联盟和苏锡常智造带"
    for backend in text.BACKENDS:
        tokens = analysis.tokenize(sentence, backend=backend, user_dicts=[path])
        assert tokens[0] == "埃隆·马斯克", backend
        assert "长三角-G60联盟" in tokens and "苏锡常智造带" in tokens, backend
    pairs = analysis.tokenize(sentence, pos=True, user_dicts=path)
    assert pairs[0] == ("埃隆·马斯克", "nr")


@pytest.mark.parametrize(
    "bad_line", ["芯片 12 n extra", "芯片 n 12", "芯片 1.5", "芯片 0", "芯片 名词!"]
)
def test_malformed_dictionary_line_names_file_and_line(tmp_path, bad_line):
    path = tmp_path / "broken_dict.txt"
    path.write_text(f"氢能 10 n\n\n{bad_line}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        analysis.tokenize("芯片", user_dicts=[path])
    assert "broken_dict.txt" in str(info.value) and "line 3" in str(info.value)
    assert info.value.problem == "dictionary"


def test_missing_dictionary_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        analysis.tokenize("芯片", user_dicts=[tmp_path / "nope.txt"])


def test_user_dictionary_setting(tmp_path, monkeypatch):
    path = tmp_path / "analyst.txt"
    path.write_text("锡东新城产业园\n", encoding="utf-8")
    assert "锡东新城产业园" not in analysis.tokenize("锡东新城产业园启用")
    monkeypatch.setenv("ANALYSIS_USER_DICT", str(path))
    assert analysis.tokenize("锡东新城产业园启用")[0] == "锡东新城产业园"


def test_edited_dictionary_is_reloaded(tmp_path):
    path = tmp_path / "analyst.txt"
    path.write_text("氢能 10 n\n", encoding="utf-8")
    assert "梁溪科技城" not in analysis.tokenize("梁溪科技城", user_dicts=[path])
    path.write_text("氢能 10 n\n梁溪科技城 ns\n", encoding="utf-8")
    assert analysis.tokenize("梁溪科技城", user_dicts=[path]) == ["梁溪科技城"]


def test_gazetteer_terms_are_added(monkeypatch):
    fake = types.ModuleType("analysis.gazetteer")
    fake.dictionary_terms = lambda: [("锡山经济技术开发区", "ns"), ("太湖湾科创带", "ns")]
    monkeypatch.setitem(sys.modules, "analysis.gazetteer", fake)
    text.clear_cache()
    for backend in text.BACKENDS:
        tokens = analysis.tokenize("锡山经济技术开发区融入太湖湾科创带", backend=backend)
        assert tokens == ["锡山经济技术开发区", "融入", "太湖湾科创带"], backend
    assert "太湖湾科创带" not in analysis.stopwords({"太湖湾科创带"}) - {"太湖湾科创带"}


def test_gazetteer_without_the_function_is_tolerated(monkeypatch):
    monkeypatch.setitem(sys.modules, "analysis.gazetteer", types.ModuleType("analysis.gazetteer"))
    text.clear_cache()
    assert analysis.tokenize("无锡高新区") == ["无锡高新区"]


# ---------------------------------------------------------------- POS, conversion


def test_pos_pairs_follow_tokens(sample_text):
    pairs = analysis.tokenize(sample_text, pos=True)
    assert [w for w, _ in pairs] == analysis.tokenize(sample_text)
    tags = dict(pairs)
    assert tags["卓品智能"] == "nt" and tags["上海张江高科技园区"] == "ns"
    assert all(isinstance(t, str) and t for _, t in pairs)


def test_pos_backends_agree_on_dictionary_words(sample_text):
    fast = dict(analysis.tokenize(sample_text, pos=True))
    ref = dict(analysis.tokenize(sample_text, pos=True, backend="jieba"))
    for word in ["康明斯", "卓品智能", "芯片", "集成电路", "无锡高新区", "签署", "协议"]:
        assert fast[word] == ref[word], word


def test_traditional_input():
    tokens = analysis.tokenize("無錫高新區與上海張江高科技園區簽署協議", convert="t2s")
    assert tokens[0] == "无锡高新区" and "上海张江高科技园区" in tokens
    series = pd.Series(["車規級晶片", None], index=[4, 9])
    out = text.to_simplified(series)
    assert list(out.index) == [4, 9] and out.loc[4] == "车规级晶片" and out.loc[9] is None
    assert text.to_simplified("專精特新") == "专精特新"


# ---------------------------------------------------------------- stopwords


def test_stopwords_sources_and_protection():
    stop = analysis.stopwords()
    for word in ["本报讯", "记者", "表示", "近日", "通讯员", "我们", "因此"]:
        assert word in stop, word
    for word in ["发展", "合作", "芯片", "康明斯", "上海张江高科技园区", "无锡高新区", "替代"]:
        assert word not in stop, word
    stop.add("芯片")
    assert "芯片" not in analysis.stopwords()  # a fresh set every call


def test_stopwords_extra_and_setting(tmp_path, monkeypatch):
    assert "论坛" in analysis.stopwords(extra=["论坛"])
    path = tmp_path / "mine.txt"
    path.write_bytes("\ufeff指南\r\n\r\n平台\r\n".encode())
    monkeypatch.setenv("ANALYSIS_STOPWORDS", str(path))
    stop = analysis.stopwords()
    assert {"指南", "平台"} <= stop
    assert "指南" in analysis.stopwords(extra=path)


@pytest.mark.parametrize(
    ("token", "keep"),
    [
        ("芯片", True),
        ("G60科创走廊", True),
        ("二十大", True),
        ("一体化", True),
        ("8月8日", False),
        ("2023年", False),
        ("第二届", False),
        ("三年", False),
        ("，", False),
        ("“", False),
        ("CEO", False),
        ("AEC-Q100", False),
        ("465", False),
        ("芯", False),
        ("本报讯", False),
    ],
)
def test_content_token_rules(token, keep):
    assert text.is_content_token(token, analysis.stopwords()) is keep


def test_content_tokens_shapes():
    toks = ["本报讯", "8月", "康明斯", "在", "锡", "，", "成立", "合资公司"]
    assert text.content_tokens(toks) == ["康明斯", "成立", "合资公司"]
    assert text.content_tokens([toks, []]) == [["康明斯", "成立", "合资公司"], []]


# ---------------------------------------------------------------- tokens table


def test_tokens_table(seed_articles):
    table = analysis.tokens_table(seed_articles)
    assert list(table.columns) == ["article_id", "tokens"]
    assert list(table["article_id"]) == list(seed_articles["article_id"])
    first = table["tokens"].iloc[0]
    title_tokens = analysis.tokenize(seed_articles["title"].iloc[0])
    assert first[: len(title_tokens)] == title_tokens
    assert "上海张江高科技园区" in first


def test_tokens_table_drops_every_kind_of_whitespace_like_tokenize():
    # the table's tokens are cut per text and filtered in Arrow: same as tokenize's
    texts = [
        "无锡高新区 举行\u3000签约仪式\r\n康明斯\t投资\x1c有限公司",
        "",
        "   \n\n ",
        "杭州高新区（滨江） 与 AEC-Q100 芯片\u2003𠀀字",
        "园区\x85企业\u200b项目\x1f\u205f",
    ]
    articles = pd.DataFrame({"article_id": list("abcde"), "title": "", "body": texts})
    table = analysis.tokens_table(articles)
    expected = [analysis.tokenize("\n" + t) for t in texts]
    assert [list(t) for t in table["tokens"]] == expected
    assert expected[1] == expected[2] == []
    assert "杭州高新区（滨江）" in expected[3] and "签约仪式" in expected[0]
    assert not any(w.isspace() for toks in expected for w in toks)
    # more texts than one chunk of the cutter (256)
    many = pd.DataFrame({"article_id": range(750), "title": "", "body": texts * 150})
    assert [list(t) for t in analysis.tokens_table(many)["tokens"]] == expected * 150


def test_tokens_table_keeps_the_separator_characters_of_a_text():
    # the cutter joins a text's tokens with a character that no text of its chunk has
    # ("\x00" first) and splits them again in Arrow: texts that have it lose nothing
    texts = ["园区\x00企业\x01项目", "芯片\x00\x00\x01", "\x00\x01\x02 氢能"]
    articles = pd.DataFrame({"article_id": list("abc"), "title": "", "body": texts})
    expected = [analysis.tokenize("\n" + t) for t in texts]
    assert [list(t) for t in analysis.tokens_table(articles)["tokens"]] == expected
    assert "\x00" in expected[0] and "\x01" in expected[0] and "氢能" in expected[2]
    assert "".join(expected[1]) == "芯片\x00\x00\x01"
    seg = text.get_segmenter()
    assert seg.cut_many(["", " ", "芯片", ""]).to_pylist() == [[], [], ["芯片"], []]
    assert seg.cut_many([]).to_pylist() == []


def test_arrow_whitespace_is_str_isspace():
    # tokens_table drops the whitespace tokens with Arrow's utf8_is_space: it must hold
    # for exactly the characters str.isspace holds for (\x1c, \x85: yes; \u200b: no)
    import pyarrow as pa
    import pyarrow.compute as pc

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    arrow = pc.utf8_is_space(pa.array(chars, pa.string())).to_pylist()
    assert [c for c, space in zip(chars, arrow, strict=True) if space != c.isspace()] == []
    assert sum(arrow) == 29
    words = ["\x1c\x85 ", "\u200b", "a b", "\u3000\u2003"]
    assert pc.utf8_is_space(pa.array(words)).to_pylist() == [w.isspace() for w in words]


def test_tokens_table_pos_and_missing_text():
    articles = pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3"],
            "title": ["氢能产业标准体系建设指南发布", None, ""],
            "body": ["国家标准委印发指南。", "芯片", np.nan],
        },
        index=[7, 8, 9],
    )
    table = analysis.tokens_table(articles, pos=True)
    assert list(table.columns) == ["article_id", "tokens", "tags"]
    assert list(table.index) == [0, 1, 2]
    assert table["tokens"].iloc[1] == ["芯片"] and table["tokens"].iloc[2] == []
    assert all(len(t) == len(g) for t, g in zip(table["tokens"], table["tags"], strict=True))
    assert "国家标准委" in table["tokens"].iloc[0]
    # missing values of a string column (pd.NA) count as empty too
    strings = articles.astype({"title": "string", "body": "string"})
    assert strings["title"].isna().sum() == strings["body"].isna().sum() == 1
    got = analysis.tokens_table(strings)["tokens"].tolist()
    assert got == table["tokens"].tolist()


def test_tokens_table_requires_columns():
    with pytest.raises(InputError, match="body"):
        analysis.tokens_table(pd.DataFrame({"article_id": ["a"], "title": ["x"]}))
    empty = analysis.tokens_table(pd.DataFrame(columns=["article_id", "title", "body"]))
    assert empty.empty and list(empty.columns) == ["article_id", "tokens"]


def test_content_token_mask_keeps_the_same_words_as_is_content_token():
    from analysis.text import content_token_mask, is_content_token

    words = [
        "园区", "无锡高新区", "的", "发展", "第二届", "2023年", "8月8日", "十分", "八月",
        "第", "一", "CEO", "G60", "AEC-Q100", "两成", "１２３", "3.5%", "零点", "第一季度",
        "年月", "百分之", "𠀀园", "a中", "  ", "",
    ]  # fmt: skip
    stop = {"发展"}
    expected = [is_content_token(w, stop) for w in words]
    assert content_token_mask(words, stop).tolist() == expected
    assert expected[:5] == [True, True, False, False, False]  # 发展 is a stopword here
    assert expected[5:8] == [False, False, False]  # numbers and dates in numerals
    assert expected[words.index("𠀀园")] and not expected[words.index("G60")]
