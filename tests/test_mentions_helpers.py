"""Tests of the helpers behind the mention rules' speed (issue 19): each gives what the
plain code it replaced gives (an alternation of words, a find per phrase or per place
name, jieba's dictionary read line by line, a pandas group per organisation)."""

from __future__ import annotations

import random
import re

import numpy as np
import pandas as pd
import pytest

from analysis import mentions
from analysis.gazetteer import _known_orgs
from analysis.mentions import (
    _code_points,
    _dictionary_tags,
    _hits_by_text,
    _KeyMatcher,
    _reversed_alternation,
    _rules_for,
)


@pytest.fixture(scope="module")
def rules():
    return _rules_for(None)


def _plain_alternation(words):
    return "|".join(re.escape(w[::-1]) for w in sorted(words, key=len, reverse=True))


def test_reversed_trie_finds_what_the_alternation_finds():
    words = [
        "和",
        "与",
        "工业和信息化",
        "和平",
        "呼和浩特",
        "及",
        "以及",
        "和林格尔",
        "平和",
        "x.y",
    ]
    trie = re.compile(_reversed_alternation(words))
    plain = re.compile(_plain_alternation(words))
    assert trie.pattern != plain.pattern
    rng = random.Random(0)
    pieces = [*words, "中", "国", "平", "和", "."]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))[::-1]
        for at in range(len(text) + 1):
            found, expected = trie.match(text, at), plain.match(text, at)
            assert (found and found.group()) == (expected and expected.group()), (text, at)


def test_reversed_trie_of_one_word_and_of_none():
    assert re.fullmatch(_reversed_alternation(["工业和信息化"]), "化息信和业工")
    assert _reversed_alternation([]) == ""


def test_protected_spans_are_the_first_of_each_phrase(rules):
    words = rules.words
    phrases = list(words.protected)
    assert phrases, "the rules protect phrases (工业和信息化 ...)"
    rng = random.Random(1)
    for _ in range(500):
        core = "".join(rng.choice([*phrases, "和", "部", "与"]) for _ in range(rng.randint(0, 4)))
        expected = {(i, i + len(p)) for p in phrases if (i := core.find(p)) != -1}
        spans = words.protected_spans(core)
        assert set(spans) == expected and len(spans) == len(expected), core


def test_place_inside_a_company_name(rules):
    keys = sorted(rules.place_keys, key=len, reverse=True)
    rng = random.Random(2)
    pool = [*rng.sample(keys, 40), "科技", "智能", "有", "限", "新"]
    for _ in range(3000):
        stem = "".join(rng.choice(pool) for _ in range(rng.randint(1, 5)))
        expected = min((stem.find(p) for p in keys if stem.find(p) > 0), default=-1)
        assert rules._place_inside(stem) == expected, stem


def test_short_forms_drop_the_place_a_name_opens_with(rules):
    forms = rules.short_forms("无锡卓品智能科技有限公司")
    assert "卓品智能" in forms
    assert not any(f.startswith("无锡") for f in forms)


def test_dictionary_tags_of_a_well_formed_file(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text(
        "深化 5000 j\n中关 20 j\n新 3000 j\n无锡 800 ns\n无锡 900 n\n", encoding="utf-8"
    )
    # a frequent abbreviation is a common word; a later line of a word wins
    assert _dictionary_tags(path) == {"深化": "jc", "中关": "j", "新": "j", "无锡": "n"}


def test_dictionary_tags_leave_out_lines_without_three_fields(tmp_path):
    path = tmp_path / "dict.txt"
    # two short lines and a long one (as many fields as three good lines would have)
    path.write_text("甲 1\n乙 2 n x\n丙 3 v\n丁\n戊 4 a b c\n己 5 n", encoding="utf-8")
    assert _dictionary_tags(path) == {"丙": "v", "己": "n"}


def test_known_organisations_merged_by_name():
    first = pd.DataFrame(
        {
            "name": ["甲公司", "乙大学", "甲公司"],
            "aliases": ["甲|甲集团", "", "甲公司|甲司"],
            "kind": ["company", "research", "government"],
            "source": ["", "u", "s2"],
            "note": ["", "n1", "n2"],
        }
    )
    second = pd.DataFrame(
        {"name": ["乙大学", "丙会"], "aliases": ["乙大", "丙"], "kind": ["x", "association"]}
    )
    merged = _known_orgs(first, second)
    assert merged.to_dict("records") == [
        # first kind, first non-empty source and note, aliases in order without the name
        {
            "name": "甲公司",
            "aliases": "甲|甲集团|甲司",
            "kind": "company",
            "source": "s2",
            "note": "n2",
        },
        {"name": "乙大学", "aliases": "乙大", "kind": "research", "source": "u", "note": "n1"},
        {"name": "丙会", "aliases": "丙", "kind": "association", "source": "", "note": ""},
    ]


def _plain_matches(keys, text):
    """Every occurrence of every key, by its last character and then longest first (what
    an Aho-Corasick automaton reports), found with ``str.startswith`` at every position."""
    found = [
        (at + len(key) - 1, -len(key), k)
        for at in range(len(text))
        for k, key in enumerate(keys)
        if text.startswith(key, at)
    ]
    return [(end, k) for end, _, k in sorted(found)]


@pytest.mark.parametrize("seed", range(5))
def test_key_matcher_finds_what_a_plain_search_finds(seed):
    # keys nested in each other and overlapping (中, 中国, 国中, 中国中), some of
    # one character, a long one, and characters beyond 16 bits
    rng = random.Random(seed)
    chars = "中国和平𠀀公司"
    keys = sorted({"".join(rng.choices(chars, k=rng.randint(1, 6))) for _ in range(40)})
    keys.append("中国中国中国中国中国中国中国中国")
    text = "".join(rng.choices(chars + "，x", k=3000)) + "中国" * 9
    ends, which, starts = _KeyMatcher(keys).find(_code_points(text), starts=True)
    assert list(zip(ends.tolist(), which.tolist(), strict=True)) == _plain_matches(keys, text)
    assert (ends - starts + 1).tolist() == [len(keys[k]) for k in which.tolist()]


def test_key_matcher_tells_strings_of_one_hash_apart(monkeypatch):
    # with a multiplier of 0 a string's hash is its last character's: 甲乙甲 has the hash
    # of the key 丙乙甲, and the characters tell it is no key
    monkeypatch.setattr(mentions, "_HASH", np.uint64(0))
    matcher = _KeyMatcher(["甲乙丙", "丙乙甲", "甲乙丁丁"])
    ends, which = matcher.find(_code_points("甲乙甲乙丙乙甲乙丁丁"))
    assert list(zip(ends.tolist(), which.tolist(), strict=True)) == [(4, 0), (6, 1), (9, 2)]


def test_key_matcher_refuses_two_keys_of_one_hash(monkeypatch):
    monkeypatch.setattr(mentions, "_HASH", np.uint64(0))
    with pytest.raises(RuntimeError, match="one hash"):
        _KeyMatcher(["甲乙丙", "丁乙丙"])


def _joined(texts):
    """The code points of the texts each followed by a newline, and where each starts."""
    offsets = [0]
    for text in texts:
        offsets.append(offsets[-1] + len(text) + 1)
    return _code_points("".join(t + "\n" for t in texts)), offsets


def test_hits_by_text_in_all_texts_and_in_chosen_ones():
    keys = ["卓品智能", "品智能科", "卓品智", "𠀀科技"]
    matcher = _KeyMatcher(keys)
    codes, offsets = _joined(["卓品智能科技", "", "卓品", "智能科", "𠀀科技卓品智"])
    # by end in each text (卓品|智能科 runs across two texts: in neither)
    assert _hits_by_text(matcher, codes, offsets) == (
        [2, 3, 4, 2, 5],
        [2, 0, 1, 3, 2],
        [0, 3, 3, 3, 3, 5],
    )
    assert _hits_by_text(matcher, codes, offsets, [2, 4]) == ([2, 5], [3, 2], [0, 0, 0, 0, 0, 2])
    assert _hits_by_text(matcher, codes, offsets, [0]) == (
        [2, 3, 4],
        [2, 0, 1],
        [0, 3, 3, 3, 3, 3],
    )
    assert _hits_by_text(matcher, codes, offsets, []) == ([], [], [0, 0, 0, 0, 0, 0])
    assert _hits_by_text(matcher, codes, offsets, [0, 1, 2, 3, 4]) == _hits_by_text(
        matcher, codes, offsets
    )


@pytest.mark.parametrize("run", [1 << 20, 500, 7])
def test_hits_by_text_find_what_a_plain_search_finds(monkeypatch, run):
    # the texts in runs of at most ``run`` code points (7: most texts longer, one a run)
    monkeypatch.setattr(mentions, "_RUN", run)
    keys = ["卓品智能", "品智能科", "卓品智", "𠀀科技"]
    rng = random.Random(5)
    pieces = [*"卓品智能科技𠀀会议。", "卓品智能科", "𠀀科技"]
    texts = ["".join(rng.choices(pieces, k=rng.randint(0, 300))) for _ in range(600)]
    expected = [_plain_matches(keys, text) for text in texts]
    assert sum(map(len, expected)) > 1000
    codes, offsets = _joined(texts)
    for chosen in (None, list(range(0, 600, 3))):
        lasts, which, first = _hits_by_text(_KeyMatcher(keys), codes, offsets, chosen)
        for k in range(len(texts)):
            lo, hi = first[k], first[k + 1]
            wanted = expected[k] if chosen is None or k % 3 == 0 else []
            assert list(zip(lasts[lo:hi], which[lo:hi], strict=True)) == wanted


def _plain_known_tail(rules, text, start, e):
    """known_tail as it was: every length of a known name, longest first."""
    words = rules.words
    for n in range(min(e - start - 1, 12), 1, -1):
        if text[e - n : e] in words.known:
            head = text[start : e - n]
            if not (
                words.has_proper(head)
                or words.names_place(head)
                or any(head[k:] in words.known for k in range(len(head) - 1))
            ):
                return e - n
            break
    return start


def test_known_tail_of_a_clause_before_a_known_name(rules):
    # 支持|商务部: a verb, no unit of the name; 江苏省民政部: a place's; 民政部 alone and
    # one character: nothing before
    for text, expected in [("支持商务部", 2), ("江苏省民政部", 0), ("民政部", 0), ("部", 0)]:
        assert rules.known_tail(text, 0, len(text)) == expected, text


@pytest.mark.parametrize("seed", range(3))
def test_known_tail_finds_what_every_length_finds(rules, seed):
    # names ending with the same characters (部, 商务部, 外交部 ...), heads with and
    # without a proper part, names longer than the text before them
    rng = random.Random(seed)
    pieces = ["支持", "江苏", "国家", "有关", "的", "商务部", "外交部", "民政部", "部", "委员会"]
    pieces += ["国家发展和改革委员会", "人民银行", "银行", "中国人民银行", "学"]
    for _ in range(400):
        text = "".join(rng.choices(pieces, k=rng.randint(1, 5)))
        start = rng.randint(0, len(text) - 1)
        assert rules.known_tail(text, start, len(text)) == _plain_known_tail(
            rules, text, start, len(text)
        ), (text, start)


def _plain_org_start_slow(rules, text, s):
    """_org_start_slow as it was: every character tested by each rule."""
    limit = max(0, s - mentions._MAX_ORG)
    i = s
    while i > limit:
        ch = text[i - 1]
        if ch in mentions._OPEN:
            j = text.rfind(mentions._OPEN[ch], max(limit, i - 14), i - 1)
            if j < 0 or mentions._BYLINE_BRACKET.match(text, j) is not None:
                return i
            i = j
            continue
        if ch in mentions._PUNCT or ch in mentions._OPENERS or rules._is_stop(text, i):
            return i
        i -= 1
    return i if i == 0 else None


def test_org_start_slow_of_names_with_brackets(rules):
    # a byline's bracket ends no name; a bracket inside the name is part of it; a stop
    # word inside a protected phrase (工业和信息化) is none
    assert rules._org_start_slow("会议由（记者张三）国家能源局", 14) == 9
    assert rules._org_start_slow("他和（中国）康明斯投资有限公司", 11) == 2
    assert rules._org_start_slow("我们与工业和信息化部", 9) == 3
    assert rules._org_start_slow("我们与（工业和信息化部", 10) == 4
    assert rules._org_start_slow("（" + "甲" * 40, 41) is None


@pytest.mark.parametrize("seed", range(3))
def test_org_start_slow_finds_what_every_character_finds(rules, seed):
    rng = random.Random(seed)
    pieces = [*"（）()，。和与在的甲乙丙国家", "工业和信息化", "记者", "本报电", "中国", "呼和浩特"]
    for _ in range(500):
        text = "".join(rng.choices(pieces, k=rng.randint(1, 30)))
        s = rng.randint(0, len(text))
        assert rules._org_start_slow(text, s) == _plain_org_start_slow(rules, text, s), (text, s)
