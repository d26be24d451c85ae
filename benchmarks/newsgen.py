"""A benchmark corpus that looks like real news: crawler-style one-article files.

``corpus.py`` repeats the sample page's five articles, so its vocabulary is tiny and the
stages that grow with the vocabulary (keywords above all) look cheaper than they are on
real text. This generator writes articles whose statistics follow real news, without
using any real article's text:

- **words** are drawn from jieba's own dictionary (``jieba/dict.txt``, shipped with the
  package, about 350,000 words; proper names, tagged ``nr``/``ns``/``nt``/``nz``, left
  out) in proportion to their frequencies there, so the
  vocabulary follows a Zipf-like curve as real text does; one sentence in ten is instead a
  sentence of the sample page (``data/raw``), keeping its shapes (datelines, quotes,
  numbers, dates) in the mix;
- **lengths**: an article's length in characters is log-normal with the parameters
  ``LENGTH_MU``/``LENGTH_SIGMA`` (median about 1,000 and mean about 1,330 characters, as
  in the People's Daily crawler corpus of issue 19: 13.7 Mchar in 10,294 files);
  paragraphs are 40-400 characters; sentences 8-30 words;
- **names**: about ``ORGS_PER_1000`` organisations and ``PARKS_PER_1000`` parks per
  1,000 characters (the rates of the hand-checked answers of ``benchmarks/real``: 10.0
  and 0.5), drawn from the gazetteer's park names, the known organisations' table, and
  names made as place + dictionary words + an organisation suffix;
- **layout**: the People's Daily crawler's files, ``OUT/<YYYY-MM>/<YYYYMMDD>/
  <YYYYMMDD>-<PP>-<NN>.txt``: line 1 the kicker (a third of articles), line 2 the title,
  line 3 the subtitle (one in five), then paragraphs indented with two U+3000; two in five
  articles open with a dateline (``本报北京3月4日电（记者 王浩）``).

One ``random.Random(seed)`` drives everything: a seed gives the same files, byte for
byte, wherever jieba's dictionary is the same.

Example:
    >>> paths = make_news_corpus("/tmp/news", 2_000_000)  # doctest: +SKIP
"""

from __future__ import annotations

import bisect
import itertools
import math
import os
import random
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.gazetteer import load_gazetteer
from analysis.pages import parse_page

LENGTH_MU = math.log(1_000)
LENGTH_SIGMA = 0.77
MIN_LENGTH, MAX_LENGTH = 60, 20_000
ORGS_PER_1000 = 10.0
PARKS_PER_1000 = 0.5
SAMPLE_SHARE = 0.1
FIRST_ISSUE = pd.Timestamp("2021-01-01")
LAST_ISSUE = pd.Timestamp("2024-12-31")
CITIES = ("北京", "上海", "南京", "苏州", "无锡", "杭州", "宁波", "合肥", "芜湖", "常州", "嘉兴")
ORG_SUFFIXES = (
    "科技有限公司",
    "集团",
    "股份有限公司",
    "研究院",
    "大学",
    "产业联盟",
    "行业协会",
    "市场监督管理局",
    "发展改革委",
    "银行",
)
REPORTERS = ("王浩", "李明", "刘峰", "陈静", "周晓方", "黄振")
#: jieba's tags of proper names (persons, places, organisations, other names)
NAME_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})
_SENTENCE = re.compile(r"[^。！？]+[。！？]”?")


@lru_cache(maxsize=1)
def _dictionary() -> tuple[list[str], list[int]]:
    """jieba's dictionary words of two or more characters, with cumulative frequencies."""
    import jieba

    path = Path(jieba.__file__).resolve().parent / "dict.txt"
    words, cum, total = [], [], 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 3 or len(parts[0]) < 2 or not parts[1].isdigit():
                continue
            if parts[2] in NAME_TAGS:  # names enter only through the drawn names below
                continue
            total += int(parts[1])
            words.append(parts[0])
            cum.append(total)
    return words, cum


@lru_cache(maxsize=1)
def _sample_sentences() -> tuple[str, ...]:
    text = (config.RAW_DIR / "wuxi-evening_2023-08-09.txt").read_text(encoding="utf-8")
    rows = parse_page(text, source="wuxi-evening_2023-08-09.txt")
    return tuple(s for body in rows["body"] for s in _SENTENCE.findall(body.replace("\n", "")))


@lru_cache(maxsize=1)
def _names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(park names, organisation names) the generator draws from."""
    parks = load_gazetteer()
    park_names = list(parks["official_name"]) + list(parks["short_name"].dropna())
    for aliases in parks["aliases"].dropna():
        park_names += [a for a in aliases.split("|") if a]
    known = pd.read_csv(Path(config.PACKAGE_DATA_DIR) / "orgs_known.csv", dtype=str)
    return tuple(sorted(set(park_names))), tuple(sorted(set(known["name"].dropna())))


class _Writer:
    """Draws words, sentences and names with one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words, self.cum = _dictionary()
        self.total = self.cum[-1]
        self.sample = _sample_sentences()
        self.parks, self.known_orgs = _names()

    def word(self) -> str:
        return self.words[bisect.bisect_right(self.cum, self.rng.random() * self.total)]

    def org(self) -> str:
        if self.rng.random() < 0.4:
            return self.rng.choice(self.known_orgs)
        return self.rng.choice(CITIES) + self.word() + self.rng.choice(ORG_SUFFIXES)

    def sentence(self, names_per_char: tuple[float, float]) -> str:
        rng = self.rng
        if rng.random() < SAMPLE_SHARE:
            return rng.choice(self.sample)
        parts = []
        for i in range(rng.randint(8, 30)):
            if i and rng.random() < 0.15:
                parts.append("，")
            parts.append(self.word())
        text = "".join(parts)
        org_rate, park_rate = names_per_char
        n = len(text)
        for rate, draw in ((org_rate, self.org), (park_rate, lambda: rng.choice(self.parks))):
            for _ in range(_poisson(rng, rate * n)):
                cut = rng.randint(0, len(text))
                text = text[:cut] + draw() + text[cut:]
        return text + ("。" if rng.random() < 0.9 else "！")

    def paragraph(self, target: int, rates) -> str:
        out = ""
        while len(out) < target:
            out += self.sentence(rates)
        return out

    def title(self) -> str:
        return "".join(self.word() for _ in range(self.rng.randint(3, 8)))


def _poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method; the rates here are small."""
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def news_articles(n_chars: int, seed: int = 0):
    """``(relative path, text)`` of crawler files until they hold ``n_chars`` characters."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    # names are inserted into sentences; their rate per character of the sentence before
    # insertion makes about the stated rate per 1,000 characters of the result
    rates = (ORGS_PER_1000 / 1000 / 0.9, PARKS_PER_1000 / 1000 / 0.9)
    span = (LAST_ISSUE - FIRST_ISSUE).days
    total = 0
    per_page = itertools.count(1)
    while total < n_chars:
        issue = FIRST_ISSUE + pd.Timedelta(days=rng.randint(0, span))
        page = rng.randint(1, 20)
        length = min(MAX_LENGTH, max(MIN_LENGTH, int(rng.lognormvariate(LENGTH_MU, LENGTH_SIGMA))))
        paragraphs = []
        size = 0
        while size < length:
            p = writer.paragraph(rng.randint(40, 400), rates)
            paragraphs.append(p)
            size += len(p)
        if rng.random() < 0.4:
            day = issue - pd.Timedelta(days=1)
            city = rng.choice(CITIES)
            paragraphs[0] = (
                f"本报{city}{day.month}月{day.day}日电（记者 {rng.choice(REPORTERS)}）"
                + paragraphs[0]
            )
        kicker = (
            writer.title() + ("——" if rng.random() < 0.3 else "") if rng.random() < 0.33 else ""
        )
        subtitle = "——" + writer.title() if rng.random() < 0.2 else ""
        lines = [kicker, writer.title(), subtitle] + ["\u3000\u3000" + p for p in paragraphs]
        text = "\n".join(lines) + "\n"
        day = f"{issue:%Y%m%d}"
        name = f"{issue:%Y-%m}/{day}/{day}-{page:02d}-{next(per_page) % 100:02d}.txt"
        total += len(text)
        yield name, text


def make_news_corpus(out_dir: str | os.PathLike, n_chars: int, seed: int = 0) -> list[Path]:
    """Write crawler-style files holding at least ``n_chars`` characters into ``out_dir``.

    A name drawn twice is written once more under the next free article number.
    """
    out = Path(out_dir)
    paths = []
    taken: set[str] = set()
    for name, text in news_articles(n_chars, seed):
        stem, number = name[:-6], int(name[-6:-4])
        while name in taken:
            number += 1
            name = f"{stem}{number:02d}.txt" if number < 100 else f"{stem}{number}.txt"
        taken.add(name)
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        paths.append(path)
    return paths
