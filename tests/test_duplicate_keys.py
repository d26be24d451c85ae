"""The duplicate keys (analysis.select.duplicate_keys, made code point by code point in
NumPy) are those of their definition by regular expressions, on hard text."""

import re
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from analysis import select
from analysis.stages import duplicate_keys_table

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
    table = duplicate_keys_table(df)
    assert (table["title"].to_pylist(), table["sentences"].to_pylist()) == expected


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


# --- find_duplicates' columns (worked out in Arrow before its loop)


def test_text_array_keeps_lone_surrogates_as_one_code_point():
    import pyarrow.compute as pc

    array = select._text_array(["ab", None, "\ud800x", "", "\ud800x", "无锡"])
    assert array.null_count == 1
    assert pc.utf8_length(array).to_pylist() == [2, None, 2, 0, 2, 2]
    codes = pc.dictionary_encode(array).indices.to_pylist()
    assert codes[2] == codes[4] and len({codes[0], codes[2], codes[3], codes[5]}) == 4


def test_compared_codes_sentences_shared_and_templates():
    a, b, c = "甲乙丙丁戊己", "庚辛壬癸子丑", "寅卯辰巳午未"
    titles = ["一", "二", None, "三", "四", "五", "一"]
    sentences = [
        [a, b, "短句", a, "辰巳午未申酉"],  # a twice: counted once
        [a, c],
        None,  # not an article
        ["模板正文"],
        ["模板正文"],
        ["模板正文"],
        [],  # no body
    ]
    compared = select._Compared(*select._key_columns(None, (titles, sentences)))
    assert compared.n_rows == 7
    assert compared.title[0] == compared.title[6] != compared.title[1]
    assert compared.title[2] == -1
    assert [b >= 0 for b in compared.body] == [True, True, False, True, True, True, False]
    assert compared.body[3] == compared.body[4] == compared.body[5]
    assert compared.templates == {compared.body[3]}
    assert compared.long_body == [False] * 7  # (every body under 30 characters)
    assert compared.n_sentences == [3, 2, 0, 0, 0, 0, 0]
    assert compared.size == [18, 12, 0, 0, 0, 0, 0]
    # only a is in two rows
    assert {r: len(s) for r, s in compared.shared.items()} == {0: 1, 1: 1}
    assert compared.shared[0] == compared.shared[1]
    assert [compared.length[s] for s in compared.shared[0]] == [6]
    # row 1 shares a, but has too few sentences to compare; 3 to 5 share a body
    assert compared.may_repeat.tolist() == [True, False, False, True, True, True, False]


def test_find_duplicates_from_lists_arrow_or_text_with_a_surrogate():
    body = "第一句话很长很长很长。第二句话也很长很长很长。第三句话还要长一些一些。"
    df = pd.DataFrame(
        {
            "article_id": ["a", "b", "c"],
            "title": ["标题\ud800", "标题\ud800", "另一个标题"],
            "body": [body, body, body],
            "issue_date": ["2024-01-02", "2024-01-01", "2024-01-03"],
        },
        dtype=object,
    )
    found = select.find_duplicates(df)
    assert found["duplicate_of"].tolist() == ["b", "", "b"]
    assert found["duplicate_rule"].tolist() == ["exact", "", "same_body"]
    assert select.find_duplicates(df, select.duplicate_keys(df)).equals(found)
    plain = df.assign(title=["标题", "标题", "另一个标题"])
    arrays = select.duplicate_key_arrays(plain)
    assert select.find_duplicates(plain, arrays).equals(found)


def _duplicates_defined(titles, sentences_of_row, ids):
    """find_duplicates' rules as first written, on Python strings, the rows in table order."""
    of, rules = [""] * len(ids), [""] * len(ids)
    bodies = {i: "".join(s) for i, s in enumerate(sentences_of_row) if titles[i] is not None}
    bodies = {i: body for i, body in bodies.items() if body}
    headlines: dict[str, set] = {}
    for i, body in bodies.items():
        headlines.setdefault(body, set()).add(titles[i])
    templates = {body for body, seen in headlines.items() if len(seen) >= 3}
    exact, by_body, by_sentence, sentences_of = {}, {}, {}, {}
    for i, body in bodies.items():
        first = exact.setdefault((titles[i], body), i)
        if first != i:
            of[i], rules[i] = ids[first], "exact"
            continue
        if body in templates:
            continue
        if len(body) >= 30 and (first := by_body.setdefault(body, i)) != i:
            of[i], rules[i] = ids[first], "same_body"
            continue
        mine = frozenset(p for p in sentences_of_row[i] if len(p) >= 6)
        if len(mine) < 3:
            continue
        size = sum(map(len, mine))
        candidates = {
            j for s in mine if len(by_sentence.get(s, ())) <= 50 for j in by_sentence.get(s, ())
        }
        matches = [
            j
            for j in candidates
            if sum(map(len, mine & sentences_of[j][0])) >= 0.9 * max(size, sentences_of[j][1])
        ]
        if matches:
            of[i], rules[i] = ids[min(matches)], "sentences"
            continue
        sentences_of[i] = (mine, size)
        for s in mine:
            by_sentence.setdefault(s, []).append(i)
    return of, rules


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_find_duplicates_follows_its_rules_as_first_written(seed):
    rng = np.random.default_rng(seed)
    pool = ["甲乙丙丁戊己庚", "辛壬癸子丑寅", "卯辰巳午未申酉戌", "短句", "亥天地玄黄宇宙"]
    pool += [f"第{k}句洪荒日月盈昃" for k in range(8)] + [
        "辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳"
    ]
    bodies, titles = [], []
    for _ in range(400):
        title = ["标题一", "标题二", "标题三", "标题四"][rng.integers(0, 4)]
        picked = list(rng.choice(len(pool), size=rng.integers(0, 7), replace=False))
        if rng.random() < 0.5:  # a few bodies under two titles, some with a short sentence more
            title = ["标题五", "标题六"][rng.integers(0, 2)]
            picked = [13, 12, rng.integers(0, 3)] + [3] * rng.integers(0, 2)
        bodies.append("。".join(pool[k] for k in picked))
        titles.append(title)
    df = pd.DataFrame(
        {
            "article_id": [f"a{k}" for k in range(400)],
            "title": titles,
            "body": bodies,
            "kind": rng.choice(["article", "boilerplate", ""], size=400, p=[0.8, 0.1, 0.1]),
            "position": range(400),
        }
    )
    found = select.find_duplicates(df)
    of, rules = _duplicates_defined(*select.duplicate_keys(df), list(df["article_id"]))
    assert found["duplicate_of"].tolist() == of
    assert found["duplicate_rule"].tolist() == rules
    assert {"exact", "same_body", "sentences"} <= set(rules)  # (every rule met)


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


def test_key_arrays_keep_a_lone_surrogate_as_the_lists_do():
    df = pd.DataFrame(
        {
            "title": pd.Series(["标题\ud800"], dtype=object),
            "body": pd.Series(["第一句很长很长。第二句\ud800很长。"], dtype=object),
            "kind": ["article"],
        }
    )
    titles, sentences = select.duplicate_key_arrays(df)
    assert pc.utf8_length(titles).to_pylist() == [3]
    assert pc.utf8_length(pc.list_flatten(sentences)).to_pylist() == [7, 6, 0]
    assert [len(t) for t in select.duplicate_keys(df)[0]] == [3]
    assert [len(s) for s in select.duplicate_keys(df)[1][0]] == [7, 6, 0]
