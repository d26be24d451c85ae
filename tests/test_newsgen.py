"""The realistic benchmark corpus (benchmarks/newsgen.py): deterministic, crawler layout,
real-news statistics (word frequencies, lengths, name rates)."""

from __future__ import annotations

import re
import statistics
from collections import Counter

import pytest

from analysis.gazetteer import load_gazetteer
from benchmarks import newsgen

N_CHARS = 150_000
NAME = re.compile(r"^\d{4}-\d{2}/(\d{8})/\1-\d{2}-\d{2,3}\.txt$")


@pytest.fixture(scope="module")
def articles():
    return list(newsgen.news_articles(N_CHARS, seed=5))


def test_same_seed_same_files(tmp_path, articles):
    assert list(newsgen.news_articles(N_CHARS, seed=5)) == articles
    assert list(newsgen.news_articles(N_CHARS, seed=6)) != articles
    a = newsgen.make_news_corpus(tmp_path / "a", 20_000, seed=1)
    b = newsgen.make_news_corpus(tmp_path / "b", 20_000, seed=1)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_size_and_layout(tmp_path, articles):
    paths = newsgen.make_news_corpus(tmp_path, N_CHARS, seed=5)
    assert sum(len(p.read_text(encoding="utf-8")) for p in paths) >= N_CHARS
    assert len(set(paths)) == len(paths) == len(articles)  # a name drawn twice is moved
    for p in paths:
        assert NAME.match(p.relative_to(tmp_path).as_posix()), p
        lines = p.read_text(encoding="utf-8").split("\n")
        assert lines[1], "line 2 is the title"
        assert all(line.startswith("\u3000\u3000") for line in lines[3:] if line)
        assert not lines[2] or lines[2].startswith("——")


def test_lengths_follow_real_articles(articles):
    lengths = [len(text) for _, text in articles]
    assert 600 <= statistics.median(lengths) <= 1_800  # log-normal, median ~1,000
    assert max(lengths) > 2 * statistics.median(lengths)  # a long tail


def test_vocabulary_is_wide_and_skewed(articles):
    text = "".join(t for _, t in articles)
    bigrams = Counter(text[i : i + 2] for i in range(0, len(text) - 1, 2))
    assert len(bigrams) > 10_000  # not the sample's few sentences repeated
    top = sum(n for _, n in bigrams.most_common(100))
    assert top > 0.05 * sum(bigrams.values())  # a few words are frequent (Zipf)


def test_parks_and_organisations_at_a_realistic_rate(articles):
    text = "".join(t for _, t in articles)
    parks = load_gazetteer()["short_name"].dropna()
    park_hits = sum(text.count(p) for p in parks)
    org_hits = sum(text.count(s) for s in newsgen.ORG_SUFFIXES)
    per_1000 = 1000 / len(text)
    assert 0.05 < park_hits * per_1000 < 3
    assert 2 < org_hits * per_1000 < 30
