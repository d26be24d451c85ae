"""Build newspaper pages from known articles, to test that parsing gives them back.

The text comes from the sample page itself (its sentences and characters), so
no outside text is shipped. A page is rendered with a chosen separator
(blank line or single newline), indentation (none, ASCII or full-width spaces),
punctuation width (ASCII or full-width) and column breaks (a paragraph cut in
two lines at a random place).

Column breaks are placed where a reader can tell them from a paragraph end: never
right after the end of a sentence (no rule can see such a break without
indentation), never inside a dateline or byline, and, in articles with no
dateline, only after the paragraph's second comma (or semicolon, colon), so that
the first piece cannot pass for a headline. A title is never one whose last word
runs on into the text below it (``…院长胡`` / ``在研讨会…``): real titles end where
their words end.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from analysis.pages import _headline_like, glues, opens_with_title, runs_on, starts_report

#: The titles of the sample page's five articles, in page order.
SEED_TITLES = [
    "长三角国家高新区党建联盟第二次联席会议暨党建引领高水平科技自立自强研讨会在锡召开",
    "康明斯与卓品智能在锡成立合资公司",
    "“车芯联动”区域抱团共进 集成电路行业大咖共话产业热点",
    "长三角汽车芯片应用推广平台启动",
    "氢能产业标准体系建设指南发布",
]
SEED_PAGE = Path(__file__).resolve().parents[1] / "data" / "raw" / "wuxi-evening_2023-08-09.txt"

_TO_FULL = str.maketrans(
    {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
)
_TO_ASCII = str.maketrans(
    {"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "！": "!", "？": "?"}
)
_TERMINAL = "。！？!?；;…"
_OPEN_END = "的地得和与及或在对向把被将为从给之以于并而且、，,：:—(（“‘《〈[【-/"
_SECTION_END = re.compile(
    r"(快览|速览|速递|简讯|快讯|短讯|集锦|导读|一览|要闻|动态|看点|聚焦|观察|短波|综述|视点|链接|纵横)$"
)
FOOTER = [
    "本报新闻热线:88300000",
    "发行热线:85057666",
    "新闻投稿:news@example.com",
    "地址:示例路1号",
    "邮编:214000",
    "本报刊载的所有内容,未经本报授权和许可,任何单位和个人不得转载、摘编或以其他任何形式使用。",
]


def seed_text() -> str:
    return SEED_PAGE.read_text(encoding="utf-8")


def _pools():
    text = seed_text()
    body = text[: text.index("无锡报业新闻热线")]
    sentences = [
        s.strip() + "。"
        for s in re.split(r"。", re.sub(r"\s+", "", body))
        if len(s.strip()) >= 12 and "(" not in s and "本报讯" not in s
    ]
    han = re.sub(r"[^\u4e00-\u9fff]", "", body)
    return sentences, han


SENTENCES, HAN = _pools()


@dataclass
class Article:
    title: str
    paragraphs: list[str]
    dateline: str = ""
    authors: list[str] = field(default_factory=list)
    credit: str = ""
    kicker: str = ""
    subtitle: str = ""
    subheads: list[str] = field(default_factory=list)  # paragraphs that are subheads

    @property
    def byline(self) -> str:
        if self.credit:
            return f"(据{self.credit})"
        return f"({' '.join(self.authors)})" if self.authors else ""


def make_title(rng: random.Random) -> str:
    while True:
        n = rng.randint(9, 26)
        start = rng.randrange(0, len(HAN) - n)
        title = HAN[start : start + n]
        # what the parser documents as a headline: no open ending (的, 推动, 给予 ...)
        if _headline_like(title, relaxed=False) and not _SECTION_END.search(title):
            if not any(w in title for w in ("星期", "主编", "版权", "本报", "新华社", "记者")):
                return title


def make_name(rng: random.Random) -> str:
    return "".join(
        rng.choice("王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高") for _ in range(1)
    ) + "".join(
        rng.choice("明华建国平志伟芳娜秀英敏静丽强磊军洋勇艳杰涛超")
        for _ in range(rng.randint(1, 2))
    )


def make_subhead(rng: random.Random) -> str:
    """An in-article subhead: a short headline-shaped line (``治沙英雄王有德``)."""
    while True:
        n = rng.randint(5, 10)
        start = rng.randrange(0, len(HAN) - n)
        sub = HAN[start : start + n]
        # a real subhead is whole words: it neither starts nor ends inside a word of the
        # text it was cut from (志对会议的召 ends inside 召开: no subhead)
        if glues(HAN[max(0, start - 4) : start], sub) or glues(sub, HAN[start + n : start + n + 4]):
            continue
        if _headline_like(sub, relaxed=False) and not _SECTION_END.search(sub):
            if not any(w in sub for w in ("星期", "主编", "版权", "本报", "新华社", "记者")):
                return sub


def make_article(
    rng: random.Random, *, brief: bool = False, styled: bool = False, subheads: bool = False
) -> Article:
    """An article of the sample page's sentences.

    With ``styled``, an article with a dateline may also have a kicker ending in
    ``——`` and a title in quotes ending in ``！”``; with ``subheads``, a subhead
    between two paragraphs (kept in the body as a paragraph of its own). Only an
    indented page shows a subhead as a paragraph of its own: without indentation a
    line that does not end a sentence is rejoined with the next (a column break).
    """
    paragraphs = [
        "".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 3)))
        for _ in range(rng.randint(1, 4))
    ]
    if brief:
        return Article(make_title(rng), paragraphs)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    dateline = f"本报讯 {month}月{day}日,"
    title, kicker = make_title(rng), ""
    if styled:
        if rng.random() < 0.5:
            kicker = make_title(rng)[:12] + "——"
        if rng.random() < 0.5:
            title = f"“{title}！”"
    if subheads:
        if len(paragraphs) >= 2 and rng.random() < 0.7:
            at = rng.randint(1, len(paragraphs) - 1)
            sub = make_subhead(rng)
            while runs_on(sub, paragraphs[at]):  # a real subhead ends where its words end
                sub = make_subhead(rng)
            paragraphs.insert(at, sub)
    return Article(
        title,
        paragraphs,
        dateline=dateline,
        authors=list(dict.fromkeys(make_name(rng) for _ in range(rng.randint(1, 2)))),
        kicker=kicker,
        subheads=[p for p in paragraphs if len(p) <= 10],  # (a sentence is longer)
    )


def make_feature(rng: random.Random) -> Article:
    """A feature of a business daily (undated, no byline): a title, an intro of one or two
    paragraphs, then one to three subheads, each over two to four paragraphs (a subhead over
    one paragraph followed by another headline line reads as a brief's title: no rule can
    tell the two apart on a flat page). No paragraph opens as a report's lead (a time word,
    a dateline: that would read as a new article's)."""

    def paragraph() -> str:
        while True:
            text = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 3)))
            if not starts_report(text):
                return text

    paragraphs = [paragraph() for _ in range(rng.randint(1, 2))]
    subheads = []
    for _ in range(rng.randint(1, 3)):
        under = [paragraph() for _ in range(rng.randint(2, 4))]
        sub = make_subhead(rng)
        while runs_on(sub, under[0]) or opens_with_title(sub, under[0]) or sub in subheads:
            sub = make_subhead(rng)
        subheads.append(sub)
        paragraphs += [sub, *under]
    return Article(make_title(rng), paragraphs, subheads=subheads)


@dataclass
class Page:
    articles: list[Article]
    text: str
    section_of: list[str]


def _break_points(paragraph: str, *, after_punct_only: bool) -> list[int]:
    points = []
    marks = [i for i, c in enumerate(paragraph) if c in ",，;；:："]
    first_punct = marks[1] if len(marks) > 1 else None
    for i in range(2, len(paragraph) - 2):
        before = paragraph[i - 1]
        if before in _TERMINAL or paragraph[i] in "”’)）":
            continue
        if not ("\u4e00" <= before <= "\u9fff" or before in ",，、"):
            continue
        if after_punct_only and (first_punct is None or i <= first_punct + 1):
            continue
        points.append(i)
    return points


def render(
    articles: list[Article],
    rng: random.Random,
    *,
    separator: str = "\n\n",
    indent: str = "",
    full_width: bool = False,
    breaks: float = 0.5,
    brief_from: int | None = None,
    footer: bool = True,
) -> Page:
    """Render articles as a page (see the module docstring)."""
    width = _TO_FULL if full_width else _TO_ASCII
    lines: list[str] = []
    sections = []
    for n, art in enumerate(articles):
        if brief_from is not None and n == brief_from:
            lines.append("要闻快览")
        sections.append("要闻快览" if brief_from is not None and n >= brief_from else "")
        art.paragraphs = [p.translate(width) for p in art.paragraphs]
        art.dateline = art.dateline.translate(width)
        first = (art.dateline + art.paragraphs[0]) if art.paragraphs else ""
        while runs_on(art.title, first):  # a real title ends where its words end
            art.title = make_title(rng)
        if art.kicker:
            lines.append(art.kicker)
        lines.append(art.title)
        if art.subtitle:
            lines.append(art.subtitle)
        for k, para in enumerate(art.paragraphs):
            text = (art.dateline + para) if k == 0 and art.dateline else para
            offset = len(art.dateline) if k == 0 and art.dateline else 0
            last = k == len(art.paragraphs) - 1
            suffix = art.byline.translate(width) if last and art.authors else ""
            points = [
                p + offset
                for p in _break_points(para, after_punct_only=not art.dateline)
                if p + offset > offset + 1
            ]
            before = art.paragraphs[k - 1] if k else ""
            if before in art.subheads:
                # a column break right under a subhead leaves a line that a reader (and
                # the parser) would read as the subhead's continuation only when the two
                # make one word (召 | 集成电): a real page has no such line, so none here
                points = [p for p in points if not glues(before, text[:p])]
            if points and para not in art.subheads and rng.random() < breaks:
                cut = rng.choice(points)
                lines.append(indent + text[:cut])
                lines.append(text[cut:] + suffix)
            else:
                lines.append(indent + text + suffix)
        if art.credit:
            lines.append(art.byline.translate(width))
    if footer:
        lines.append("")
        lines.extend(FOOTER)
    return Page(articles, separator.join(lines) + "\n", sections)


def non_space_counter(text: str) -> Counter:
    return Counter(ch for ch in text if not ch.isspace())


# ------------------------------------------------------------------ the sample page re-typeset
_SEED_HEADS = {"要闻快览", "(据新华社)"}
_SEED_FOOTER = "无锡报业新闻热线"
_SEED_DATELINE = re.compile(r"^本报讯(?: \d+月\d+日,)? ?")
_SEED_BYLINE = re.compile(r"\([\u4e00-\u9fff]{2,3}\)$")


def seed_blocks() -> tuple[list[tuple[str, list[str]]], list[str]]:
    """The sample page as printed: its lines joined back into paragraphs (the seed cuts a
    paragraph only where the line does not end a sentence), as ``(kind, lines)`` blocks in
    page order (``head`` for a title, a section heading or a credit line, ``para`` for a
    paragraph), and the footer lines."""
    lines = [ln.strip() for ln in seed_text().split("\n") if ln.strip()]
    footer = next(k for k, ln in enumerate(lines) if ln.startswith(_SEED_FOOTER))
    blocks: list[tuple[str, list[str]]] = []
    open_para = False
    for ln in lines[:footer]:
        if ln in SEED_TITLES or ln in _SEED_HEADS:
            blocks.append(("head", [ln]))
            open_para = False
        elif open_para:
            blocks[-1][1][0] += ln
        else:
            blocks.append(("para", [ln]))
        if blocks[-1][0] == "para":
            open_para = blocks[-1][1][0][-1] not in _TERMINAL and not _SEED_BYLINE.search(ln)
    return blocks, lines[footer:]


def retypeset_seed(rng: random.Random) -> str:
    """The sample page set again with other column breaks (zero to two a paragraph, at any
    place but right after the end of a sentence, before a closing quote or inside a
    dateline or a byline), another separator, indentation of each paragraph's first line
    (or none) and punctuation width."""
    blocks, footer = seed_blocks()
    sep = rng.choice(["\n", "\n\n", "\r\n", "\r\n\r\n"])
    indent = rng.choice(["", "", "\u3000\u3000", "  "])
    width = _TO_FULL if rng.random() < 0.5 else _TO_ASCII
    out = []
    for kind, (text,) in blocks:
        if kind == "head":
            out.append(text.translate(width))
            continue
        start = (m.end() if (m := _SEED_DATELINE.match(text)) else 0) + 2
        end = len(text) - ((m.end() - m.start()) if (m := _SEED_BYLINE.search(text)) else 0) - 1
        points = [
            i for i in range(start, end) if text[i - 1] not in _TERMINAL and text[i] not in "”’)）"
        ]
        cuts = sorted(rng.sample(points, min(len(points), rng.randint(0, 2))))
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        out.append(indent + pieces[0].translate(width))
        out.extend(p.translate(width) for p in pieces[1:])
    return sep.join([*out, "", *footer]) + "\n"
