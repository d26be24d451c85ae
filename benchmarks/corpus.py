"""A corpus of newspaper pages for the benchmarks, generated from the sample page only.

No outside text is used. How a corpus is made, exactly:

1. The sample page ``wuxi-evening_2023-08-09.txt`` (in ``config.RAW_DIR``) is parsed
   with ``analysis.parse_page(text, source=<its name>, keep_boilerplate=True)``. Its
   5 articles give the pool: each article's title, dateline, byline (or credit),
   section and body paragraphs (the body split on ``"\\n"``, so column breaks are
   already rejoined). The last boilerplate row is the footer (its lines); the
   ``要闻快览`` heading is the section heading.
2. One ``random.Random(seed)`` drives everything, so a seed gives the same pages,
   byte for byte, on every machine. Page after page, until the page texts hold at
   least ``n_chars`` characters (Python ``str`` length):

   a. Paper: one of ``PAPERS`` (three names). Issue date: a day drawn uniformly
      from ``FIRST_ISSUE``..``LAST_ISSUE`` (four years). The dateline date is the
      day before (so the sample's "issue 8月9日, dateline 8月8日" holds).
      Page number: drawn from 1..16, the next free one when that name is taken.
      The file name is ``<paper>_<YYYY-MM-DD>_p<NN>.txt``.
   b. Articles: ``k`` drawn from 3..6; ``min(k, 5)`` distinct sample articles in
      random order, plus repeats drawn with replacement when ``k`` is 6. Articles
      standing under a section (the sample's brief under ``要闻快览``) go last,
      after one section-heading line, as on the sample.
   c. Each article keeps its title, dateline and byline; its paragraphs are
      shuffled; every ``8月8日`` (the sample's dateline date) in its dateline and
      paragraphs becomes the new dateline date (``M月D日``).
   d. Rendering, like the sample: title line; the dateline glued to the first
      paragraph (with a space when the dateline does not end in punctuation, as in
      ``本报讯 第二届…``); an author byline ``(王怡菡)`` glued to the end of the last
      paragraph, a credit ``(据新华社)`` on a line of its own; then the footer lines.
      Lines are joined by a blank line (``"\\n\\n"``); the file ends with ``"\\n"``.
   e. A page must weigh 8,000-12,000 bytes in UTF-8, as the sample does (3,401
      characters, 9,423 bytes); otherwise its articles are drawn again (step b).
      A page thus holds about 2,500-4,300 characters.

Each generated page records the articles it was built from, so a test can check
that parsing gives them back.

Example:
    >>> paths = make_corpus("/tmp/corpus", 2_000_000)  # doctest: +SKIP
    >>> texts = pages_in_memory(5_000_000)  # doctest: +SKIP
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.pages import parse_page

SAMPLE_NAME = "wuxi-evening_2023-08-09.txt"
PAPERS = ("wuxi-evening", "wuxi-daily", "jiangnan-times")
FIRST_ISSUE = pd.Timestamp("2021-01-01")
LAST_ISSUE = pd.Timestamp("2024-12-31")
MIN_BYTES, MAX_BYTES = 8_000, 12_000
MAX_PAGE_NUMBER = 16
_DATE = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日")
_PUNCT_END = tuple(",，:：;；、)）")


@dataclass(frozen=True)
class SampleArticle:
    """One article of the sample page, as parsed."""

    title: str
    dateline: str
    paragraphs: tuple[str, ...]
    byline: str
    section: str


@dataclass(frozen=True)
class Sample:
    """What the generator draws from: the sample's articles, footer and section heading."""

    articles: tuple[SampleArticle, ...]
    footer: tuple[str, ...]
    section_heading: str
    date_text: str  # the sample's dateline date as printed, e.g. "8月8日"


@dataclass(frozen=True)
class GeneratedArticle:
    """An article as placed on a generated page (what parsing should give back)."""

    title: str
    dateline: str
    body: str
    byline: str
    section: str
    dated: bool  # True when the dateline states the date


@dataclass(frozen=True)
class GeneratedPage:
    """A generated page: its file name, text, issue date and articles in page order."""

    name: str
    text: str
    paper: str
    issue_date: pd.Timestamp
    dateline_date: pd.Timestamp
    articles: tuple[GeneratedArticle, ...]


@lru_cache(maxsize=1)
def load_sample() -> Sample:
    """Parse the sample page into the generator's pool (see the module docstring, step 1)."""
    text = (config.RAW_DIR / SAMPLE_NAME).read_text(encoding="utf-8")
    rows = parse_page(text, source=SAMPLE_NAME, keep_boilerplate=True)
    articles = rows[rows["kind"] == "article"]
    boiler = rows[rows["kind"] == "boilerplate"]
    headings = [s for s in articles["section"] if s]
    dates = [m.group(0) for d in articles["dateline"] for m in _DATE.finditer(d)]
    return Sample(
        articles=tuple(
            SampleArticle(
                title=r.title,
                dateline=r.dateline,
                paragraphs=tuple(r.body.split("\n")),
                byline=r.byline,
                section=r.section,
            )
            for r in articles.itertuples()
        ),
        footer=tuple(boiler["body"].iloc[-1].split("\n")),
        section_heading=headings[0] if headings else "要闻快览",
        date_text=dates[0],
    )


def _redate(text: str, old: str, new: str) -> str:
    return re.sub(rf"(?<!\d){re.escape(old)}", new, text)


def _render(sample: Sample, chosen: list[SampleArticle], rng: random.Random, new_date: str):
    plain = [a for a in chosen if not a.section]
    under_section = [a for a in chosen if a.section]
    lines: list[str] = []
    placed: list[GeneratedArticle] = []
    for n, art in enumerate(plain + under_section):
        if n == len(plain) and under_section:
            lines.append(sample.section_heading)
        paragraphs = [_redate(p, sample.date_text, new_date) for p in art.paragraphs]
        rng.shuffle(paragraphs)
        dateline = _redate(art.dateline, sample.date_text, new_date)
        credit = art.byline.startswith(("(据", "（据"))
        rendered = list(paragraphs)
        if dateline:
            glue = "" if dateline.endswith(_PUNCT_END) else " "
            rendered[0] = dateline + glue + rendered[0]
        if art.byline and not credit:
            rendered[-1] += art.byline
        lines.append(art.title)
        lines.extend(rendered)
        if art.byline and credit:
            lines.append(art.byline)
        placed.append(
            GeneratedArticle(
                title=art.title,
                dateline=dateline,
                body="\n".join(paragraphs),
                byline=art.byline,
                section=art.section,
                dated=bool(_DATE.search(dateline)),
            )
        )
    lines.extend(sample.footer)
    return "\n\n".join(lines) + "\n", tuple(placed)


def generate_pages(n_chars: int, seed: int = 0) -> Iterator[GeneratedPage]:
    """Pages until their texts hold at least ``n_chars`` characters (module docstring, step 2)."""
    sample = load_sample()
    pool = list(sample.articles)
    rng = random.Random(seed)
    span = (LAST_ISSUE - FIRST_ISSUE).days
    taken: set[str] = set()
    total = 0
    while total < n_chars:
        paper = rng.choice(PAPERS)
        issue = FIRST_ISSUE + pd.Timedelta(days=rng.randint(0, span))
        number = rng.randint(1, MAX_PAGE_NUMBER)
        name = f"{paper}_{issue:%Y-%m-%d}_p{number:02d}.txt"
        while name in taken:
            number += 1
            name = f"{paper}_{issue:%Y-%m-%d}_p{number:02d}.txt"
        taken.add(name)
        day = issue - pd.Timedelta(days=1)
        new_date = f"{day.month}月{day.day}日"
        while True:
            k = rng.randint(3, 6)
            chosen = rng.sample(pool, min(k, len(pool)))
            chosen += rng.choices(pool, k=k - len(chosen))
            text, placed = _render(sample, chosen, rng, new_date)
            if MIN_BYTES <= len(text.encode("utf-8")) <= MAX_BYTES:
                break
        total += len(text)
        yield GeneratedPage(name, text, paper, issue, day, placed)


def pages_in_memory(n_chars: int, seed: int = 0) -> list[tuple[str, str]]:
    """The page texts of :func:`make_corpus`, as ``(file name, text)``, without writing files.

    The name goes with the text because it carries the issue date, paper and page
    (pass it as ``parse_page(text, source=name)``, as the loader does).
    """
    return [(p.name, p.text) for p in generate_pages(n_chars, seed)]


def make_corpus(out_dir: str | os.PathLike, n_chars: int, seed: int = 0) -> list[Path]:
    """Write pages holding at least ``n_chars`` characters into ``out_dir``.

    Files are UTF-8 text named ``<paper>_<YYYY-MM-DD>_p<NN>.txt`` (see the module
    docstring for how they are made); the same ``seed`` gives the same files.

    Returns:
        The paths written, in the order generated.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for page in generate_pages(n_chars, seed):
        path = out / page.name
        path.write_text(page.text, encoding="utf-8", newline="\n")
        paths.append(path)
    return paths


def corpus_chars(paths: list[Path]) -> int:
    """Characters in the page files (what ``n_chars`` counts)."""
    return sum(len(p.read_text(encoding="utf-8")) for p in paths)
