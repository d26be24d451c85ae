"""The duplicate keys (analysis.select.duplicate_keys, made code point by code point in
NumPy) are those of their definition by regular expressions, on hard text."""

import re
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analysis import select
from analysis.stages import _keys_from_arrow, duplicate_keys_table

# --- the definition: the keys as regular expressions made them, text by text
_SPLIT = re.compile(r"[。！？；!?;…\n]+")
_NOT_WORDS = re.compile(
    "[\\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00bf\u2000-\u206f"
    "\u2190-\u2bff\u3000-\u303f\ufe30-\ufe4f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40"
    "\uff5b-\uff65\ufeff]+"
)
_WIDE = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B)}
_MARK = "\ue000"


def _normalised(text: str) -> str:
    text = _NOT_WORDS.sub("", text)
    return text.translate(_WIDTH) if _WIDE.search(text) else text


def _sentences(body: str) -> list[str]:
    return _normalised(_SPLIT.sub(_MARK, body)).split(_MARK)


def _defined_keys(titles, bodies, kinds):
    def text(v):
        return "" if v is None or v is pd.NA or v != v else str(v)

    out_titles, out_sentences = [], []
    for title, body, kind in zip(titles, bodies, kinds, strict=True):
        article = text(kind) in ("", "article")
        out_titles.append(_normalised(text(title)) if article else None)
        out_sentences.append(_sentences(text(body)) if article else None)
    return out_titles, out_sentences


# every code point but the surrogates (not text Arrow can hold)
_EVERY = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
_SPACES = "".join(c for c in _EVERY if c.isspace())
_HARD = [
    "",
    "。",
    "。。",
    "a。",
    "。a",
    "，。，。\n",
    "无锡高新区　举行签约仪式。（王明）",
    "Ａ１ｚ９：　２０２３年８月！第二句？第三句；…… 第四句\n\n第五句",
    f"句子{_SPACES}之间{_SPACES}。{_SPACES}",
    "\x85\u1680\u2028\u2029\u202f\u205f\u3000\x1c\x1d\x1e\x1f\xa0\ufeff",
    "！？；，、：“”‘’（）【】《》〈〉「」『』〔〕—…·～＠＃￥％＆＊＋－＝｛｝｜＼／＜＞＿｀＾",
    "私用\ue000字符\ue000\ue000。\ue000。在句中",
    "\ue000",
    "𠀀𠀁😀 emoji 𝐀𝐁 and ①② and ﬁ",
    "。\n。\n",
    _EVERY,
    "a".join(_EVERY[::97]),
]


def _frame(bodies, titles=None, kinds=None):
    n = len(bodies)
    return pd.DataFrame(
        {
            "article_id": [f"a{i}" for i in range(n)],
            "title": titles if titles is not None else list(reversed(bodies)),
            "body": bodies,
            "kind": kinds if kinds is not None else ["article"] * n,
        }
    )


def test_keys_are_those_of_the_regular_expressions_on_hard_text():
    bodies = [*_HARD, None, float("nan"), pd.NA, "末尾。"]
    kinds = ["article", "", None, "boilerplate"] + ["article"] * (len(bodies) - 4)
    df = _frame(bodies, kinds=kinds)
    expected = _defined_keys(df["title"], df["body"], df["kind"])
    assert expected[0][3] is None and expected[1][3] is None  # (not an article)
    assert select.duplicate_keys(df) == expected
    titles, sentences = select.duplicate_key_arrays(df)
    assert (titles.to_pylist(), sentences.to_pylist()) == expected
    assert _keys_from_arrow(duplicate_keys_table(df)) == expected


def test_every_code_point_is_set_aside_or_kept_as_the_regular_expressions_do():
    text = "".join(chr(c) for c in range(0x110000))  # (surrogates too: Python text)
    df = pd.DataFrame({"title": [text], "body": [text]}, dtype=object)
    assert select.duplicate_keys(df) == ([_normalised(text)], [_sentences(text)])


@pytest.mark.parametrize(
    "body, expected",
    [
        ("", [""]),
        ("。", ["", ""]),
        ("第一句。第二句！", ["第一句", "第二句", ""]),
        ("Ａ１， ｂ２。。\n\nc3", ["A1b2", "c3"]),
        ("甲\ue000乙。\ue000丙", ["甲", "乙", "", "丙"]),
        ("（王明）　 ←→ ", ["王明"]),
        ("←→ 。", ["", ""]),
    ],
)
def test_sentences_stated(body, expected):
    assert select.duplicate_keys(_frame([body], ["标题，Ｔｉｔｌｅ！\ue000"])) == (
        ["标题Title\ue000"],
        [expected],
    )


def test_keys_of_rows_taken_apart_are_those_of_the_rows_together():
    bodies = ["", "。", "一句。两句", "", "\n", "三。\n四"]
    whole = select.duplicate_keys(_frame(bodies))
    for cut in range(len(bodies) + 1):
        left = select.duplicate_keys(_frame(bodies[:cut], list(reversed(bodies))[:cut]))
        right = select.duplicate_keys(_frame(bodies[cut:], list(reversed(bodies))[cut:]))
        assert (left[0] + right[0], left[1] + right[1]) == whole
    assert select.duplicate_keys(_frame([])) == ([], [])
    assert duplicate_keys_table(_frame([])).num_rows == 0


def test_keys_table_has_the_build_schema():
    table = duplicate_keys_table(_frame(["一。二"], kinds=["article"]))
    assert table.schema.field("title").type == pa.string()
    assert table.schema.field("sentences").type == pa.list_(pa.string())
    assert table.to_pylist() == [{"title": "一二", "sentences": ["一", "二"]}]


def test_the_code_table_is_made_once_and_has_every_code_point():
    table = select._key_codes()
    assert table is select._key_codes() and len(table) == sys.maxunicode + 1
    assert table[ord("Ａ")] == ord("A") and table[ord("中")] == ord("中")
    assert table[ord("，")] == select._SET_ASIDE and table[ord("。")] == select._BREAK
    assert np.count_nonzero(table == select._BREAK) == len(select._SENTENCE_BREAKS)


def test_keys_made_in_parts_are_those_made_at_once(monkeypatch):
    bodies = ["", "。", "一句。两句", None, "\n", "三。\n四", "Ａ。"]
    kinds = ["article", "boilerplate", "", "article", "article", "boilerplate", "article"]
    df = _frame(bodies, kinds=kinds)
    expected = _defined_keys(df["title"], df["body"], df["kind"])
    for rows in (1, 2, 3, len(bodies)):
        monkeypatch.setattr(select, "_KEY_ROWS", rows)
        assert select.duplicate_keys(df) == expected


def test_normalised_texts_strings_at_text_bounds_and_own_breaks():
    # a run of breaks at a text's start starts a sentence even when the text before ends
    # in one; an empty text has one (empty) string
    codes, ends, first = select._normalised_texts(["。a", "。。b", "", "c。"], sentences=True)
    assert codes.dtype == np.uint32 and codes.tolist() == [97, 98, 99]
    assert ends.tolist() == [0, 1, 1, 2, 2, 3, 3] and first.tolist() == [0, 2, 4, 5, 7]
    # U+E000 is a break of its own in sentences (set aside), kept in whole texts
    codes, ends, first = select._normalised_texts(["a\ue000b", "。\ue000。"], sentences=True)
    assert codes.tolist() == [97, 98]
    assert ends.tolist() == [1, 2, 2, 2, 2, 2] and first.tolist() == [0, 2, 6]
    codes, ends, first = select._normalised_texts(["a\ue000b", "。\ue000。"], sentences=False)
    assert codes.tolist() == [97, 0xE000, 98, 0xE000]
    assert ends.tolist() == [3, 4] and first.tolist() == [0, 1, 2]
    codes, ends, first = select._normalised_texts([], sentences=True)
    assert codes.tolist() == [] and ends.tolist() == [] and first.tolist() == [0]
