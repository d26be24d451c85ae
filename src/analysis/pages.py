"""Split the text of a newspaper page (or of a one-article file) into articles.

The rules are written for text taken out of printed PDFs and e-paper pages:

* Blocks are lines; blank lines, single newlines and indentation (ASCII or
  full-width spaces) may all separate paragraphs.
* A paragraph cut by a column break is rejoined with nothing in between. A
  line continues the previous one when the previous one does not end a
  sentence (``。！？；…`` possibly followed by a closing quote), when the page
  indents its paragraphs and this line is not indented, or when the two lines
  glue into one word across the break (``给予无`` / ``锡发展``).
* A headline block (kicker 引题 / title / subtitle, at most four lines) starts
  an article at the top of the page, after an article's byline or credit,
  after a section heading (``要闻快览``), or before a dateline
  (``本报讯``, ``本报北京10月29日电``, ``新华社…电``).
* On a page without indentation, a line shaped as a headline between two
  paragraphs of an undated article is an in-article subhead (``IP衍生品备受追捧``),
  kept in ``body`` as a paragraph of its own, unless the page shows a title there:
  a section of briefs, a title in two parts (``……——……``, ``前三季度 …``), a
  report's lead under it (a time word, a dateline, the title's words again), or a
  single paragraph under it followed by another headline (a brief). A web page's
  ``首页`` under a title is no subtitle.
* Bylines ``(王怡菡)``, ``（记者 王浩 李明）``, ``本报记者 刘峰`` and credits
  ``(据新华社)`` end up in ``byline``; the names in ``author`` and the agency in
  ``credit``.
* Footers and page headers (hotlines, e-mail, addresses, copyright notices,
  editor credits) become boilerplate rows.

Every non-whitespace character of the input ends up in exactly one of the text
fields ``kicker``, ``title``, ``subtitle``, ``dateline``, ``body`` and
``byline`` of one row (boilerplate rows hold their text in ``body``), so
``keep_boilerplate=True`` loses nothing. ``section``, ``author``, ``credit`` and
the dates are derived from those fields.
"""

from __future__ import annotations

import hashlib
import logging
import operator
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import dates

logger = logging.getLogger(__name__)

ARTICLE_COLUMNS = [
    "article_id",
    "source",
    "paper",
    "issue_date",
    "page",
    "position",
    "block",
    "kind",
    "section",
    "kicker",
    "title",
    "subtitle",
    "dateline",
    "date",
    "date_source",
    "body",
    "byline",
    "author",
    "credit",
    "url",
    "n_chars",
    "n_paragraphs",
    "duplicate_of",
    "duplicate_rule",
]
#: Columns set over the whole corpus (:func:`analysis.select.mark_duplicates`), not by
#: the parsers: ``""`` in the rows of one file.
CORPUS_COLUMNS = ("duplicate_of", "duplicate_rule")
_RECORD_COLUMNS = [c for c in ARTICLE_COLUMNS if c not in CORPUS_COLUMNS]

#: The text fields among which every character of a page is distributed.
TEXT_FIELDS = ("kicker", "title", "subtitle", "dateline", "body", "byline")

_WS = " \t\u3000\u00a0\ufeff\u200b"
_TERMINAL = set("。！？!?；;…")
_CLOSERS = "”’」』)）】》\"'"
# A headline or fragment ending in one of these is mid-phrase, not a headline.
_OPEN_ENDINGS = tuple("的和与及或在对向把被将从给之以于并而且、，,：:—(（“‘《〈[【-/")
_OPEN_ENDINGS_WORDS = ("给予", "以及", "关于", "通过", "围绕", "包括", "依托", "推动")
_OPEN_ENDS = _OPEN_ENDINGS + _OPEN_ENDINGS_WORDS
_OPEN_PUNCT = tuple(c for c in _OPEN_ENDINGS if not "\u4e00" <= c <= "\u9fff")  # (not 向 of 方向)
_SENTENCE_PUNCT = re.compile(r"[，,；;。！？!?：:]")

_NAME = r"[\u4e00-\u9fff·]{2,5}"
_ROLE = r"(?:本报|本刊|新华社|特约|实习)?(?:记者|通讯员|实习生|见习记者|摄影|摄|文|图|文/图|文图)"
_NAMES = rf"{_NAME}(?:[\s、,，/]+{_NAME})*"
_BYLINE_BODY = re.compile(
    rf"^(?:{_ROLE}[\s:：/]*)?{_NAMES}(?:[\s、,，]+{_ROLE}[\s:：/]*{_NAMES})*$"
)
_CREDIT_BODY = re.compile(
    r"^(?:据|来源[:：]?|转自|摘自|稿源[:：]?)\s*(?P<org>[^()（）]{2,20}?)"
    r"(?:消息|报道|电)?$|^(?P<org2>新华社|中新社|人民日报|新华日报|央视新闻|光明日报|经济日报)$"
)
_TRAILING_PAREN = re.compile(r"[（(]\s*(?P<inner>[^()（）\n]{1,40}?)\s*[)）]$")
_PAREN_ENDS = (")", "）", ")\n", "）\n")
_PAREN_STARTS = ("(", "（")  # (where a _TRAILING_PAREN that is a whole line starts)
_BYLINE_LINE = re.compile(
    rf"^(?:{_ROLE})[\s:：/]*{_NAMES}(?:[\s、,，]+(?:{_ROLE})[\s:：/]*{_NAMES})*$"
)
_ROLE_RE = re.compile(_ROLE)
_NAME_RE = re.compile(_NAME)
_NAME_SEPARATORS = re.compile(r"[\s、,，/:：]+")
_DATELINE_PAREN = re.compile(r"[（(]([^()（）]+)[)）]")

# Datelines at the start of an article's first paragraph.
_MD = r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日"
_PLACE = r"[\u4e00-\u9fff]{0,8}?"
_TOD = r"(?:上午|下午|晚上|晚间|傍晚|中午|早上|凌晨|晚)?"
_PAREN = r"(?:\s*[（(][^()（）]{1,40}[)）])"
_DATELINE = re.compile(
    r"^(?:"
    rf"(?:本报讯|本刊讯){_PAREN}?(?:\s*{_MD}{_TOD}(?:电|讯)?)?"
    rf"|本报{_PLACE}{_MD}(?:电|讯){_PAREN}?"
    rf"|(?:据)?(?:新华社|中新社|中新网|人民网|央视网|新华网){_PLACE}{_MD}电{_PAREN}?"
    r")\s*[,，:：]?"
)

_SECTION = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,6}(?:快览|速览|速递|简讯|快讯|短讯|集锦|导读|一览|要闻|动态|看点|"
    r"聚焦|观察|短波|综述|视点|链接|纵横))$"
)
# A boilerplate line holds one of _BOILERPLATE's words or is a number (_BOILERPLATE_NUMBER,
# matched at the start only). The lookahead lists the first character of every word: the
# search then tries the words only where one of them stands, instead of trying each word
# at each position (a long line of running text took ~60 ns a character).
_BOILERPLATE = re.compile(
    r"(?=[热投邮地电传版转摘未授责美校组编主总@.第星法广国EWHC])(?:"
    r"热线|投稿|E-?mail|邮箱|邮编|邮政编码|地址[:：]|电话[:：]|传真|版权|转载|摘编|未经|授权和许可|"
    r"责任编辑|责编|美编|校对|组版|版式|编辑[:：]|主编|总编|@|www\.|https?://|\.com|"
    r"第\s*[A-Z]?\d{1,3}\s*版|星期[一二三四五六日天]|"
    r"法律责任|广告经营许可证|国内统一连续出版物号|CN\d{2}-\d{4})",
    re.IGNORECASE,
)
_BOILERPLATE_NUMBER = re.compile(r"[\d\s\-—、,，()（）:：]{7,}$|\d{7,}", re.IGNORECASE)


@dataclass(slots=True)
class _Line:
    text: str  # stripped of surrounding whitespace
    indented: bool
    number: int  # 1-based line number in the input


@dataclass(slots=True)
class _Block:
    """A run of lines that becomes one row."""

    kind: str = "article"
    section: str = ""
    head: list[str] = field(default_factory=list)
    dateline: str = ""
    paragraphs: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    first_line: int = 0
    # (kicker, title, subtitle) read from the file's first three lines (see _slotted_head)
    slots: tuple[str, str, str] | None = None
    last_line: str = ""  # the text of the last line added to the paragraphs
    closed: bool = False  # the last paragraph is a subhead: the next line starts another


_LINE_WS = _WS + "\r\n"


def _core_end(text: str) -> str:
    """The last character of ``text`` that is not a closing quote or bracket
    (trailing whitespace is dropped first, but not whitespace between closers)."""
    return text.rstrip(_WS).rstrip(_CLOSERS)[-1:]


def ends_sentence(text: str) -> bool:
    """Whether a line ends a sentence (so a following line starts a new paragraph)."""
    return _core_end(text) in _TERMINAL


def _open_ended(text: str) -> bool:
    return text.endswith(_OPEN_ENDS)


@lru_cache(maxsize=1)
def _cutter():
    try:
        import rjieba

        return rjieba.cut
    except ImportError:  # pragma: no cover - rjieba is a core dependency
        import jieba

        return jieba.lcut


def glues(left: str, right: str) -> bool:
    """Whether ``left`` + ``right`` form one word across the boundary (a column break).

    Example:
        >>> glues("给予无", "锡发展")
        True
        >>> glues("指南发布", "国家标准委")
        False
    """
    return _glues_at(left[-4:], right[:4])


@lru_cache(maxsize=4096)
def _glues_at(a: str, b: str) -> bool:
    """:func:`glues` of the last four characters of the left line and the first four of the
    right one (cached: segmenting costs microseconds, and the same pairs recur)."""
    if not a or not b:
        return False
    if not ("\u4e00" <= a[-1] <= "\u9fff" and "\u4e00" <= b[0] <= "\u9fff"):
        return False
    pos, k = 0, len(a)
    for token in _cutter()(a + b):
        if pos < k < pos + len(token):
            return True
        pos += len(token)
        if pos >= k:
            break
    return False


_CONTINUATION_START = tuple("的了着过地得、，,。；;：:）)」』”’》")


def runs_on(line: str, following: str) -> bool:
    """Whether ``following`` continues ``line`` mid-sentence (so ``line`` is not a headline)."""
    return following.startswith(_CONTINUATION_START) or glues(line, following)


def split_byline(paragraph: str) -> tuple[str, str]:
    """Split a trailing byline or credit off a paragraph.

    Returns ``(text, byline)``; ``byline`` is empty when there is none. A
    trailing parenthesis counts only when it stands alone or follows the end of
    a sentence, and holds names or an agency credit.

    Example:
        >>> split_byline("……作了交流发言。(王怡菡)")
        ('……作了交流发言。', '(王怡菡)')
    """
    # Rather than search the whole paragraph: _TRAILING_PAREN ends in ``[)）]$`` (``$`` also
    # matches before a final "\n"), which most paragraphs fail; and no parenthesis stands
    # between its opening one and the end, so a match can only start at the last "(" / "（".
    if not paragraph.endswith(_PAREN_ENDS):
        return paragraph, ""
    start = max(paragraph.rfind("("), paragraph.rfind("（"))
    m = _TRAILING_PAREN.match(paragraph, start) if start >= 0 else None
    if not m:
        return paragraph, ""
    before = paragraph[: m.start()].rstrip(_WS)
    if before and not ends_sentence(before):
        return paragraph, ""
    inner = m.group("inner").strip(_WS)
    if _BYLINE_BODY.match(inner) or _CREDIT_BODY.match(inner):
        return before, m.group(0)
    return paragraph, ""


def parse_byline(byline: str) -> tuple[list[str], str]:
    """Names and credit in a byline such as ``(王怡菡)``, ``本报记者 刘峰``, ``(据新华社)``."""
    inner = byline.strip(_WS + "()（）")
    credit_match = _CREDIT_BODY.match(inner)
    if credit_match:
        return [], (credit_match.group("org") or credit_match.group("org2") or "").strip()
    names = []
    for part in _NAME_SEPARATORS.split(_ROLE_RE.sub(" ", inner)):
        part = part.strip(_WS)
        if _NAME_RE.fullmatch(part) and part not in names:
            names.append(part)
    return names, ""


def _dateline_author(dateline: str) -> list[str]:
    m = _DATELINE_PAREN.search(dateline) if dateline else None
    if not m:
        return []
    names, _ = parse_byline(m.group(1))
    return names


def match_dateline(paragraph: str) -> str:
    """The dateline at the start of a paragraph (with its trailing separator), or ``""``."""
    m = _DATELINE.match(paragraph)
    return m.group(0) if m and m.group(0).strip(_WS + ",，:：") else ""


# A table's cell standing on a line of its own: a short run of words, figures or a date,
# without punctuation but a list's 、 or a parenthesis (中信证券, 2026/1/13, 87.5%,
# 甲证券、乙证券, 示例（江苏）股份有限公司)
_CELL = re.compile(r"[\u4e00-\u9fffA-Za-z0-9][\u4e00-\u9fffA-Za-z0-9/.:%\-、()（）]{0,23}")


def _is_boilerplate(text: str) -> bool:
    """A footer or header line (hotline, e-mail, copyright); never a long paragraph of
    several sentences (news text may name an address, a phone or a weekday)."""
    if len(text) > 100 and "。" in text[:-1]:
        return False
    return bool(_BOILERPLATE_NUMBER.match(text) or _BOILERPLATE.search(text))


# The end of a web page's article text left in by a crawler: a link to the next item, an
# editor's credit, a correction link, the end of a script. The article has ended there.
_WEB_TAIL = re.compile(
    r"(?:阅读下一篇[:：]?|相关稿件|相关新闻|相关阅读|责任编辑[:：]\s*[\u4e00-\u9fff·]{2,5}】?|"
    r"【纠错】|【我要纠错】|返回顶部|关闭窗口|[{};])\s*$"
)
# The last characters of _WEB_TAIL's words and marks (an editor's name, any character,
# follows 责任编辑): a quick test of the text's end that spares most paragraphs the search.
_WEB_TAIL_LAST = frozenset("篇:：件闻读】部口{};")


def _ends_web_tail(text: str) -> bool:
    """Whether ``text`` ends in a web page's leftovers (``_WEB_TAIL.search(text)``)."""
    # (\s and str.isspace are the same characters, and $ allows no more than whitespace:
    # a match ends where the stripped text does; it starts at most 6 characters before, or
    # at the last 责任编辑 ending 3 characters before (a colon and a name of 2 or more
    # characters follow it), so the search starts there, not at every character)
    end = len(text.rstrip())
    editor = text.rfind("责任编辑", 0, max(end - 3, 0))
    if text[end - 1 : end] not in _WEB_TAIL_LAST and editor < 0:
        return False
    start = max(end - 8, 0) if editor < 0 else min(editor, max(end - 8, 0))
    return bool(_WEB_TAIL.search(text, start))


# The first clause of a report's lead: a dateline or a news agency, a time word, a date
# (``国务院总理李强11月14日主持召开``, ``当地时间1日``, ``今天（11月6日）``), or an invitation
# (``应国家主席习近平邀请``).
_LEAD = re.compile(
    r"^(?P<before>[^，。,；;：:！？]{0,40}?)(?:\d{1,2}\s*月\s*\d{1,2}\s*日|(?<![\d年月])\d{1,2}\s*日|"
    r"今天|昨天|今日|昨日|当地时间|近日|日前|本台|本报记者|记者从|记者获悉|新华社|中新社)"
    r"|^应[^，。,]{2,30}邀请"
)


def finished(paragraph: str) -> bool:
    """Whether a paragraph ends a sentence or ends in a web page's leftovers (the article is over).

    Example:
        >>> finished("王毅参加上述活动。"), finished("【责任编辑:王明】 阅读下一篇：")
        (True, True)
    """
    return ends_sentence(paragraph) or _ends_web_tail(paragraph)


def starts_report(paragraph: str) -> bool:
    """Whether a paragraph reads as the lead of a report: a dateline, or a first clause that
    says when (``11月7日，国务院召开…``, ``国务院总理李强14日主持…``, ``当地时间…``), names an
    agency or the paper's reporter, or an invitation (``应…邀请``).

    Example:
        >>> starts_report("国务院总理李强11月14日主持召开国务院常务会议。")
        True
        >>> starts_report("近三年国内国际氢能标准化工作重点任务,系统构建了标准体系。")
        False
    """
    return bool(match_dateline(paragraph) or _LEAD.search(paragraph))


def _opens_with_lead(paragraph: str) -> bool:
    """A paragraph whose very first words are a dateline or a lead's time word (``本台今天``,
    ``当地时间``, ``11月7日，``): no word runs into it from the line above."""
    m = _LEAD.match(paragraph)
    return bool(match_dateline(paragraph) or (m and not m.group("before")))


# A title in two parts (``汇聚合力 共享机遇——国际人士高度评价…``), with a column's label
# (``【央视快评】``).
_TITLE_MARK = re.compile(r"——|^【|[\u4e00-\u9fff”》] +[\u4e00-\u9fff“《]")
_NOT_WORD = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]")


def restates(title: str, lead: str) -> bool:
    """Whether ``lead`` retells a long two-part title: half of the title's character pairs
    are in the lead's first 150 characters (a report's lead says what its title says)."""
    if len(title) < 20 or not _TITLE_MARK.search(title):
        return False
    t = _NOT_WORD.sub("", title)
    pairs = {t[k : k + 2] for k in range(len(t) - 1)}
    head = lead[:150]
    return 2 * sum(pair in head for pair in pairs) >= len(pairs)


# The parts of a title in two or more parts: ``第十五届全国运动会：第十一个比赛日…``,
# ``汇聚合力 共享机遇``, ``…——副题``.
_TITLE_PARTS = re.compile(r"[：:\s\u3000]+|——+")


def opens_with_title(title: str, lead: str) -> bool:
    """Whether ``lead`` opens with the whole title or with one of its parts of four or more
    characters (a report's first words name what its title names:
    ``第十五届全国运动会：第十一个比赛日…`` / ``第十五届全国运动会赛事已近尾声，…``).

    Example:
        >>> opens_with_title("习近平：推进党的自我革命", "推进党的自我革命要做到…")
        True
        >>> opens_with_title("金刚石散热元年", "如果按初期半导体散热设备…")
        False
    """
    if len(title) >= 4 and lead.startswith(title):
        return True
    return any(len(part) >= 4 and lead.startswith(part) for part in _TITLE_PARTS.split(title))


_EXCLAIM = frozenset("！？!?")
_SLOT_LIMIT = 120  # a headline line longer than this is a paragraph


def _headline_like(text: str, *, relaxed: bool, loose: bool = False) -> bool:
    """Could this line be (part of) a headline block?

    A headline does not end a sentence with 。 or ；, nor mid-phrase (``的``, ``，``),
    but a kicker may end in a dash (``网友热议——``) and a title in ``！`` or ``？``
    (``守初心者行必远！``, ``“……吗？”``) when nothing before that ends a clause.
    ``relaxed`` allows a longer line and one comma; ``loose`` is for a line the
    layout shows as a headline (flush left right above an indented paragraph): any
    punctuation inside, up to 120 characters.
    """
    if not text or len(text) > (_SLOT_LIMIT if loose else 64 if relaxed else 48):
        return False
    core = text.rstrip(_WS).rstrip(_CLOSERS)
    end = core[-1:]
    if end in _EXCLAIM:
        if not loose and _SENTENCE_PUNCT.search(core, 0, len(core) - 1):
            return False
    elif end in _TERMINAL or (
        not text.endswith("—") and (text.endswith(_OPEN_PUNCT) if loose else _open_ended(text))
    ):
        return False
    # the shape first, the regular expressions last (all tests are pure, so order is free)
    if loose:
        shaped = True
    elif relaxed:
        n_punct = len(_SENTENCE_PUNCT.findall(core, 0, len(core) - 1))
        shaped = (n_punct == 0 and len(text) <= 64) or (n_punct == 1 and len(text) <= 32)
    else:
        shaped = len(text) <= 48 and not _SENTENCE_PUNCT.search(core, 0, len(core) - 1)
    return (
        shaped
        and _chinese(text)
        and not _unclosed(text)
        and not (
            match_dateline(text)
            or _BYLINE_LINE.match(text)
            or split_byline(text)[1]
            or _ends_web_tail(text)
        )
    )


# (runs, not characters: a list of every character of a line costs microseconds)
_HAN_RUNS = re.compile(r"[\u4e00-\u9fff]+")
_SPACES = re.compile(r"(\s+)")  # (\s: the characters str.isspace says)
_NON_SPACES = re.compile(r"\S+")


def _chinese(text: str) -> bool:
    """At least two Chinese characters, and half of the line's characters (not ``}``, ``|``,
    a line of script)."""
    n_han = sum(map(len, _HAN_RUNS.findall(text)))
    return n_han >= 2 and 2 * n_han >= sum(map(len, _NON_SPACES.findall(text)))


def _unclosed(text: str) -> bool:
    """A bracket or quote opened and not closed (``…指南(2023``): the phrase goes on."""
    for a, b in _PAIRS:  # (a loop, not any() of a generator: called for every short line)
        if a in text and text.count(a) > text.count(b):
            return True
    return False


_PAIRS = (("(", ")"), ("（", "）"), ("《", "》"))


def _title_like(text: str) -> bool:
    """A line that may be an article's title when a report's lead follows it: a headline's
    shape, or a long one (up to 120 characters, ``——``, ``《》``, ``【】``, ``：``) with no
    comma or semicolon (a paragraph cut by a column break has them)."""
    return _headline_like(text, relaxed=True) or (
        _headline_like(text, relaxed=True, loose=True) and not _CLAUSE_PUNCT.search(text)
    )


_CLAUSE_PUNCT = re.compile(r"[，,；;]")


def _split_lines(text: str) -> list[_Line]:
    if "\r" in text:  # (the loaders' text has "\n" only)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = text.split("\n")
    # a line with text is not empty, so raw[0] exists
    return [
        _Line(stripped, raw[0] in _WS, i)
        for i, raw in enumerate(raw_lines, 1)
        if (stripped := raw.strip(_LINE_WS))
    ]


def _footer_start(lines: list[_Line]) -> int:
    """Index of the first line of the trailing footer (``len(lines)`` when none).

    The footer is the longest run of lines at the end of the page that are
    boilerplate (hotlines, e-mail, addresses, copyright), allowing a plain
    line between two boilerplate lines.
    """
    n = len(lines)
    start = n
    i = n - 1
    while i >= 0:
        text = lines[i].text
        if _is_boilerplate(text):
            start = i
        elif not (
            start < n and i > 0 and _is_boilerplate(lines[i - 1].text) and not match_dateline(text)
        ):
            break
        i -= 1
    return start


def _header_end(lines: list[_Line]) -> int:
    end = 0
    while (
        end < len(lines)
        and _is_boilerplate(lines[end].text)
        and not match_dateline(lines[end].text)
    ):
        end += 1
    return end


_SUBTITLE_DASHES = ("—", "─", "-－")


def _assign_head(head: list[str]) -> tuple[str, str, str]:
    """Split a headline block into (kicker, title, subtitle)."""
    subs = [h for h in head if h.startswith(_SUBTITLE_DASHES)]
    rest = [h for h in head if h not in subs]
    kicker = title = ""
    subtitle = "".join(subs)
    if len(rest) == 1:
        title = rest[0]
    elif len(rest) == 2:
        # a kicker ends in a dash (网友热议——) or is the shorter line
        if subs or rest[0].endswith("—") or len(rest[0]) < len(rest[1]):
            kicker, title = rest
        else:
            title, subtitle = rest[0], rest[1] + subtitle
    elif len(rest) >= 3:
        kicker, title, subtitle = rest[0], rest[1], "".join(rest[2:]) + subtitle
    return kicker, title, subtitle


def _slotted_head(lines: list[_Line]) -> tuple[int, tuple[str, str, str]] | None:
    """The headline block of a file in the crawler's layout, by line number.

    Article files written by crawlers (and many exports) keep the headline block
    in the first three lines of the file, one slot each, an empty line for an
    empty slot: line 1 the kicker (引题), line 2 the title, line 3 the subtitle,
    the paragraphs from line 4 on. The layout shows itself by a title on line 2,
    nothing on lines 1-3 indented or shaped like running text (a dateline, a
    byline, a sentence ending in 。 unless it is a short title standing alone),
    and the text going on at line 4 or later.
    Then the slots are the headline block whatever the lines look like (a kicker
    ending in ``——``, a title ending in ``！”``, a one-word title).

    Returns:
        ``(n, (kicker, title, subtitle))``: the number of lines the block takes
        and its parts; ``None`` when the file is not in this layout.
    """
    head = [ln for ln in lines[:3] if ln.number <= 3]
    if not any(ln.number == 2 for ln in head):
        return None
    if len(lines) > len(head) and lines[len(head)].number < 4:  # pragma: no cover - defensive
        return None
    alone = len(head) == 1  # blank lines above and below: a title, even one ending in 。
    for ln in head:
        text = ln.text
        if (
            ln.indented
            or len(text) > _SLOT_LIMIT
            or (_core_end(text) in "。；;…" and not (alone and len(text) <= 48))
            or match_dateline(text)
            or _BYLINE_LINE.match(text)
            or _is_boilerplate(text)
        ):
            return None
    slots = {ln.number: ln.text for ln in head}
    kicker, title, subtitle = slots.get(1, ""), slots[2], slots.get(3, "")
    if kicker and not subtitle and title.startswith(_SUBTITLE_DASHES):
        kicker, title, subtitle = "", kicker, title  # 主题 / ——副题, no 引题
    return len(head), (kicker, title, subtitle)


class _PageParser:
    def __init__(self, lines: list[_Line]):
        self.lines = lines
        # Pages that indent their paragraphs: an indented line starts a paragraph,
        # any other line continues the one before (a wrap or a column break).
        n_indented = sum(ln.indented for ln in lines)
        # (a short file, a headline and one paragraph, may have a single indented line)
        self.indented_page = n_indented >= 0.2 * len(lines) and (
            n_indented >= 2 or (n_indented == 1 and len(lines) <= 3)
        )
        self.flush_heads = False  # set by parse()
        self.blocks: list[_Block] = []

    def _find_flush_heads(self, start: int, stop: int) -> None:
        """In an indented page where some lines of text (``start:stop``) that do not wrap
        the line above stand flush left, those are the headlines: an indented line is a
        paragraph (a crawler's page chrome, ``来源：``, ``字号：默认``, is no headline)."""
        lines = self.lines
        self.flush_heads = self.indented_page and any(
            not lines[k].indented and (k == start or ends_sentence(lines[k - 1].text))
            for k in range(start, stop)
        )

    def _may_head(self, j: int) -> bool:
        """Could line ``j`` stand in a headline block (by its indentation)?"""
        return not (self.flush_heads and self.lines[j].indented)

    def _head_run(self, i: int, stop: int, *, relaxed: bool, runs: bool = True) -> int:
        """The end of the run of headline lines from ``i`` (at most four; ``i`` when none).

        A line joins when its indentation allows (:meth:`_may_head`) and its shape is a
        headline's; with ``runs``, not when the next line continues its sentence (unless
        the next line is indented in a page whose headlines stand flush left: then the
        next line starts a paragraph). A flush-left line right above an indented
        paragraph is shaped ``loose``ly (long titles with commas and dashes). The run
        does not end on a line ending in a dash: a kicker (``网友热议——``) has its title
        under it.
        """
        lines = self.lines
        j = i
        while j < stop and j - i < 4 and self._may_head(j):
            text = lines[j].text
            if j > i and text == lines[j - 1].text:
                break  # (a crawler repeats the title as the first paragraph)
            below = lines[j + 1] if j + 1 < stop else None
            flush_above_text = self.flush_heads and below is not None and below.indented
            if not _headline_like(text, relaxed=relaxed, loose=flush_above_text):
                break
            if runs and below is not None and not flush_above_text and runs_on(text, below.text):
                break
            j += 1
        while j > i and lines[j - 1].text.endswith("—"):
            j -= 1
        return j

    # -- helpers -------------------------------------------------------------
    def _dateline_ahead(self, i: int, stop: int) -> int | None:
        """If lines i.. form a headline block (<=4 lines) followed by a dateline, its end."""
        j = self._head_run(i, stop, relaxed=True, runs=False)
        if j == i and not (self.indented_page and self.lines[i].indented):
            # a title of any shape (a long one, with commas) right above a dateline
            if _headline_like(self.lines[i].text, relaxed=True, loose=True):
                j = i + 1
        if j == i or j >= stop:
            return None
        nxt = self.lines[j].text
        if match_dateline(nxt) or (
            _BYLINE_LINE.match(nxt) and j + 1 < stop and not _headline_like(nxt, relaxed=True)
        ):
            return j
        return None

    def _continues(self, block: _Block, line: _Line) -> bool:
        """Does ``line`` continue the open paragraph of ``block``?"""
        if not block.paragraphs or block.closed:
            return False
        last = block.paragraphs[-1]
        if not ends_sentence(last):
            # in an indented page, an indented line after a short unfinished line that
            # does not glue to it follows a subheading (一、加快产业集聚), and an indented
            # cell of a table after another (公司名称 / 上会日期, 2026/1/13 / 中信证券)
            # is a paragraph of its own
            return not (
                self.indented_page
                and line.indented
                and (
                    _headline_like(last, relaxed=False)
                    or (_CELL.fullmatch(block.last_line) and _CELL.fullmatch(line.text))
                )
                and not glues(last, line.text)
            )
        # after a full stop, only indentation tells a wrapped line from a new paragraph
        return self.indented_page and not line.indented

    def _start_article(self, head: list[str], section: str, first_line: int) -> _Block:
        block = _Block(kind="article", section=section, head=head, first_line=first_line)
        self.blocks.append(block)
        return block

    # -- main loop -------------------------------------------------------------
    def parse(self) -> list[_Block]:
        lines = self.lines
        n = len(lines)
        header_end = _header_end(lines)
        footer_start = max(_footer_start(lines), header_end)
        self._find_flush_heads(header_end, footer_start)
        if header_end:
            self.blocks.append(
                _Block(
                    kind="boilerplate",
                    paragraphs=[ln.text for ln in lines[:header_end]],
                    first_line=lines[0].number,
                )
            )
        section = ""
        current: _Block | None = None
        expect_head = True
        title_at = -1  # a line found to be a title by :meth:`_lead_headline`
        i = header_end
        while i < footer_start:
            line = lines[i]
            text = line.text

            # section heading: a known section name followed by a headline
            if (
                len(text) <= 8
                and _SECTION.match(text)
                and self._may_head(i)
                and self._headline_follows(i + 1, footer_start)
                and (
                    current is None
                    or expect_head
                    or ends_sentence(current.paragraphs[-1] if current.paragraphs else "。")
                )
            ):
                self.blocks.append(
                    _Block(
                        kind="boilerplate", section=text, paragraphs=[text], first_line=line.number
                    )
                )
                section = text
                current, expect_head = None, True
                i += 1
                continue

            # a standalone credit or byline line ends the current article (a line that is
            # all byline, ``(王怡菡)``, opens with the parenthesis split_byline finds)
            if current is not None and not expect_head and text.startswith(_PAREN_STARTS):
                _, byl = split_byline(text)
                if byl and byl == text:
                    current.bylines.append(text)
                    expect_head = True
                    i += 1
                    continue

            if expect_head and current is None and i == 0 and (slotted := _slotted_head(lines)):
                n_head, slots = slotted
                current = self._start_article([], section, line.number)
                current.slots = slots
                expect_head = False
                i = n_head
                continue

            if expect_head:
                j = self._head_run(i, footer_start, relaxed=True)
                if j == i and (i == title_at or self._lead_below(i, footer_start)):
                    j = i + 1
                while j - i >= 2 and (
                    len(lines[j - 1].text) <= 2 or self._lead_cut_under_head(j, footer_start)
                ):
                    # (a word of one or two characters under a title is a web page's chrome,
                    # ``首页``, ``打印``, not a subtitle)
                    j -= 1
                for k in range(i, j):  # a section heading (with a headline under it) ends it
                    if _SECTION.match(lines[k].text) and self._headline_follows(k + 1, j):
                        j = k
                        break
                head = [ln.text for ln in lines[i:j]]
                if head and j >= footer_start and current is not None:
                    # trailing short lines after an article: keep them with it
                    head = []
                current = self._start_article(head, section, line.number)
                expect_head = False
                i = j
                # byline lines right under the headline
                while i < footer_start and _BYLINE_LINE.match(lines[i].text):
                    current.bylines.append(lines[i].text)
                    i += 1
                continue

            # inside an article: does a headline or a dateline at this line start another?
            # (none can where no headline stands: an indented paragraph of a page whose
            # headlines stand flush left; each test below says no there, this says it once)
            assert current is not None
            if self._may_head(i):
                end = self._dateline_ahead(i, footer_start)
                if end is not None and not self._continues_strongly(current, line):
                    current = self._start_article(
                        [ln.text for ln in lines[i:end]], section, line.number
                    )
                    i = end
                    continue
                if self._head_block_ahead(current, i, footer_start) or self._flush_head_ahead(
                    current, i, footer_start
                ):
                    expect_head = True
                    continue
                inner = self._inner_headline(current, i, footer_start)
                if inner == "title":
                    expect_head = True
                    continue
                if inner == "subhead":  # a paragraph of its own: the next line starts another
                    self._add_text(current, line)
                    current.closed = True
                    i += 1
                    continue
                if self._lead_headline(current, i, footer_start):
                    expect_head, title_at = True, i  # (a title of any length: it heads the block)
                    continue
            if (i + 1 >= footer_start or not current.paragraphs) and _BYLINE_LINE.match(text):
                current.bylines.append(text)
                i += 1
                if current.paragraphs:
                    expect_head = True
                continue
            if self._add_text(current, line):
                expect_head = True  # a byline or credit ended the article
            i += 1

        if footer_start < n:
            self.blocks.append(
                _Block(
                    kind="boilerplate",
                    paragraphs=[ln.text for ln in lines[footer_start:]],
                    first_line=lines[footer_start].number,
                )
            )
        return self.blocks

    def _headline_follows(self, j: int, stop: int) -> bool:
        """Does a headline line stand at ``j`` (a section heading needs one under it)?"""
        return j < stop and self._may_head(j) and _headline_like(self.lines[j].text, relaxed=True)

    def _continues_strongly(self, block: _Block, line: _Line) -> bool:
        if not block.paragraphs:
            return False
        last = block.paragraphs[-1]
        return bool(last) and (_open_ended(last) or glues(last, line.text))

    def _head_block_ahead(self, block: _Block, i: int, stop: int) -> bool:
        """A headline block after a finished paragraph: two or more headline lines
        (引题 + 主题) before running text, or a headline line above a byline line."""
        if not block.paragraphs or not ends_sentence(block.paragraphs[-1]):
            return False
        j = self._head_run(i, stop, relaxed=False)
        while j - i >= 2 and self._lead_cut_under_head(j, stop):
            j -= 1
        if j == i or j >= stop:
            return False
        following = self.lines[j].text
        if _BYLINE_LINE.match(following):
            return True
        return j - i >= 2 and not _headline_like(following, relaxed=True)

    def _flush_head_ahead(self, block: _Block, i: int, stop: int) -> bool:
        """In a page whose headlines stand flush left: flush-left headline lines right
        above an indented paragraph start an article (after a finished paragraph, or
        after one that does not run on into the line: a column break's continuation
        ends its paragraph with 。 and is no headline)."""
        if not self.flush_heads or self.lines[i].indented or not block.paragraphs:
            return False
        j = self._head_run(i, stop, relaxed=True)
        if j == i or j >= stop or not self.lines[j].indented:
            return False
        last = block.paragraphs[-1]
        return ends_sentence(last) or not runs_on(last, self.lines[i].text)

    def _lead_below(self, i: int, stop: int) -> bool:
        """Is line ``i`` a title with a report's lead under it (:func:`starts_report`, or a
        lead that repeats the title), the two not one sentence cut by a column break?"""
        if i + 1 >= stop or (self.indented_page and self.lines[i].indented):
            return False
        text, nxt = self.lines[i].text, self.lines[i + 1].text
        if nxt.startswith(_CONTINUATION_START):
            return False
        if not _title_like(text):
            # a title with commas above a lead that opens with a dateline or a time word
            # (``央视快评：…，…`` / ``本台今天（11月28日）播发…``)
            return (
                _headline_like(text, relaxed=True, loose=True)
                and not _open_ended(text)
                and _opens_with_lead(nxt)
            )
        if _opens_with_lead(nxt) or opens_with_title(text, nxt):
            return True
        return (starts_report(nxt) or restates(text, nxt)) and not glues(text, nxt)

    def _lead_cut_under_head(self, j: int, stop: int) -> bool:
        """Is the last line of a headline block of two or more lines (``j - 1``) the first
        piece of the lead, cut by a column break? In a page without indentation, when no
        dateline or byline follows and the lead below says none of its words (a lead
        retells its title; a sentence does not repeat its first words): fewer than a
        quarter of its character pairs are in the lead's first 150 characters."""
        if self.indented_page or j >= stop:
            return False
        last, nxt = self.lines[j - 1].text, self.lines[j].text
        if match_dateline(nxt) or _BYLINE_LINE.match(nxt) or not _chinese(nxt):
            return False  # (a page's chrome, ``|``, is no lead)
        t = _NOT_WORD.sub("", last)
        head = nxt[:150]
        pairs = {t[k : k + 2] for k in range(len(t) - 1)}
        return 4 * sum(pair in head for pair in pairs) < len(pairs)

    def _lead_headline(self, block: _Block, i: int, stop: int) -> bool:
        """A title after a finished article: after a paragraph ending in a web page's
        leftovers (``阅读下一篇：``), a headline line; after a finished paragraph, a title
        with a report's lead under it (:meth:`_lead_below`), even in an article with a
        dateline (a subhead is followed by more of the same story)."""
        if not block.paragraphs or (self.indented_page and self.lines[i].indented):
            return False
        last = block.paragraphs[-1]
        if not finished(last):
            return False
        if self._lead_below(i, stop):
            return True
        if ends_sentence(last) or i + 1 >= stop:
            return False
        text = self.lines[i].text  # after web leftovers
        return _title_like(text) and not runs_on(text, self.lines[i + 1].text)

    def _inner_headline(self, block: _Block, i: int, stop: int) -> str:
        """A headline line inside the running text of an article that has no dateline:
        ``"title"`` (a new article starts), ``"subhead"`` (the article goes on under it),
        else ``""``."""
        if block.dateline or not block.paragraphs or i + 1 >= stop:
            return ""
        text = self.lines[i].text
        if text.endswith("—"):
            return ""  # a kicker's dash with no title under it
        if self.indented_page and self.lines[i].indented:
            return ""  # (in a page indenting every line too: no headline inside text)
        loose = self.flush_heads and self.lines[i + 1].indented  # flush, above a paragraph
        if not ends_sentence(block.paragraphs[-1]) or not _headline_like(
            text, relaxed=False, loose=loose
        ):
            return ""
        nxt = self.lines[i + 1].text
        if nxt.startswith(_CONTINUATION_START) or (not loose and glues(text, nxt)):
            return ""  # (``指南明确`` / ``了近三年…``: one sentence cut by a column break)
        # what follows must read as running text: a dateline or a paragraph
        if not match_dateline(nxt) and _headline_like(nxt, relaxed=True):
            return ""
        if self.indented_page or match_dateline(nxt):
            return "title"
        # A flat page: a line shaped as a headline between two paragraphs may be a subhead of
        # the article (``IP衍生品备受追捧``). It is a title under a section heading of briefs
        # (``要闻快览``), when a report's lead is under it, when it is a title in two parts
        # (``……——……``, ``二季度以来 银行理财…``), or when the paragraph under it is the whole
        # item (a brief: another headline follows it).
        # Else it is a subhead: a paragraph of its own in the body.
        if (
            block.section
            or _TITLE_MARK.search(text)
            or self._one_paragraph_item(i, stop)
            or self._lead_below(i, stop)
        ):
            return "title"
        return "subhead"

    def _one_paragraph_item(self, i: int, stop: int) -> bool:
        """Is the text under the headline line ``i`` one paragraph (its lines cut by column
        breaks, none ending a sentence but the last), followed by the end of the page, a
        headline line or a byline?"""
        lines = self.lines
        k = i + 2
        while k < stop and not ends_sentence(lines[k - 1].text):
            k += 1  # (line k continues the paragraph)
        if k >= stop:
            return True
        text = lines[k].text
        return (
            _headline_like(text, relaxed=True)
            or _title_like(text)
            or bool(_BYLINE_LINE.match(text) or split_byline(text)[1] == text)
        )

    def _add_text(self, block: _Block, line: _Line) -> bool:
        """Add a line to the article's text; True when a trailing byline ended the article."""
        text = line.text
        continues = block.paragraphs and self._continues(block, line)
        block.last_line, block.closed = text, False
        if continues:
            block.paragraphs[-1] += text
        else:
            if not block.paragraphs and not block.dateline:
                dl = match_dateline(text)
                if dl:
                    block.dateline = dl.rstrip(_WS)
                    text = text[len(dl) :].lstrip(_WS)
                    if not text:
                        block.paragraphs.append("")
                        return False
            block.paragraphs.append(text)
        body, byline = split_byline(block.paragraphs[-1])
        if not byline:
            return False
        block.paragraphs[-1] = body
        if not body:
            block.paragraphs.pop()
        block.bylines.append(byline)
        return True


# Where a web page's leftovers start in an article's last paragraph that ends in them:
# the correction link, the editor's credit, the related links, the next item (with the
# whitespace before it: see _web_tail_start)
_WEB_TAIL_MARK = re.compile(r"【纠错】|【我要纠错】|【责任编辑[:：]|阅读下一篇")


def _web_tail_start(text: str) -> int:
    r"""Where the first of _WEB_TAIL_MARK's marks stands in ``text``, with the whitespace
    right before it (``re.search(r"\s*(?:mark)", text).start()``, without trying ``\s*``
    at every character); -1 when none does."""
    m = _WEB_TAIL_MARK.search(text)
    return len(text[: m.start()].rstrip()) if m else -1  # (\s is what str.isspace says)


def _web_tail(blocks: list[_Block]) -> list[_Block]:
    """The blocks with the web page's leftovers that close an article's last paragraph
    (``…贡献。 【纠错】 【责任编辑:张三】 新闻链接 … 阅读下一篇：``) moved into a
    boilerplate block after it: the related links' headlines are no part of the article."""
    out = []
    for b in blocks:
        out.append(b)
        last = b.paragraphs[-1] if b.kind == "article" and b.paragraphs else ""
        if not last or not _ends_web_tail(last):
            continue
        start = _web_tail_start(last)
        if start < 0 or not last[:start].strip():
            continue
        b.paragraphs[-1] = last[:start]
        tail = last[start:].strip()
        out.append(
            _Block(kind="boilerplate", section=tail, paragraphs=[tail], first_line=b.first_line)
        )
    return out


def _finish(blocks: list[_Block]) -> list[dict]:
    rows = []
    for b in _web_tail(blocks):
        paragraphs = [p for p in b.paragraphs if p]
        if b.kind == "article" and not paragraphs and not b.dateline and not b.bylines:
            if not b.head and b.slots is None:
                continue
            # a headline with no text after it (e.g. at the foot of the page)
        if b.kind != "article":
            kicker = title = subtitle = ""
        elif b.slots is not None:
            kicker, title, subtitle = b.slots
        else:
            kicker, title, subtitle = _assign_head(b.head)
        authors: list[str] = _dateline_author(b.dateline)
        credit = ""
        for byl in b.bylines:
            names, cred = parse_byline(byl)
            authors += [n for n in names if n not in authors]
            credit = credit or cred
        rows.append(
            {
                "kind": b.kind,
                "section": b.section,
                "kicker": kicker,
                "title": title,
                "subtitle": subtitle,
                "dateline": b.dateline,
                "body": "\n".join(paragraphs),
                "byline": " ".join(b.bylines),
                "author": "、".join(authors),
                "credit": credit,
                "n_paragraphs": len(paragraphs),
                "first_line": b.first_line,
                "_authors": authors,
            }
        )
    return rows


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc

        return opencc.OpenCC("t2s").convert
    except Exception:  # pragma: no cover - opencc is a core dependency
        return None


@lru_cache(maxsize=1)
def _traditional_chars() -> re.Pattern | None:
    """A pattern matching any character that OpenCC's t2s changes (a quick test that
    spares simplified pages the conversion)."""
    convert = _t2s()
    if convert is None:
        return None
    chars = "".join(chr(c) for c in range(0x3400, 0xA000))
    converted = convert(chars)
    if len(converted) != len(chars):  # pragma: no cover - t2s maps one to one
        return re.compile(".", re.S)
    changed = "".join(a for a, b in zip(chars, converted, strict=True) if a != b)
    return re.compile(f"[{re.escape(changed)}]") if changed else None


def _parse_rows(text: str) -> list[dict]:
    """Parse a page into row dicts; traditional-character pages are parsed via a simplified shadow.

    The rules are written with simplified characters (本报讯, 要闻快览, 热线). A
    traditional page is converted character for character with OpenCC, parsed,
    and every text field is mapped back to the original characters.
    """
    convert = _t2s()
    traditional = _traditional_chars()
    shadow = convert(text) if convert and traditional and traditional.search(text) else text
    if shadow == text or len(shadow) != len(text):
        return _finish(_PageParser(_split_lines(text)).parse())
    rows = _finish(_PageParser(_split_lines(shadow)).parse())
    # (runs of characters, not characters)
    flat_shadow = _SPACES.sub("", shadow)
    flat_orig = "".join(text[m.start() : m.end()] for m in _NON_SPACES.finditer(shadow))

    def restore(value: str) -> str:
        flat = _SPACES.sub("", value)
        at = flat_shadow.find(flat) if flat else -1
        if at < 0:
            return value
        # the value's whitespace as it is, the characters between from the original text
        parts = _SPACES.split(value)  # text, whitespace, text, ..., text
        for k in range(0, len(parts), 2):
            parts[k], at = flat_orig[at : at + len(parts[k])], at + len(parts[k])
        return "".join(parts)

    for row in rows:
        for key in (*TEXT_FIELDS, "section"):
            row[key] = restore(row[key])
        row["author"] = "、".join(restore(name) for name in row["_authors"])
        row["credit"] = restore(row["credit"]) if row["credit"] else ""
    return rows


def file_name(source: str | None) -> str:
    """The file's own name, the part of ``article_id`` that names it: the same whatever
    folder the build started from (``2019-03/20190305/20190305-01-02.txt`` and
    ``20190305/20190305-01-02.txt`` are both ``20190305-01-02.txt``)."""
    return source.replace("\\", "/").rsplit("/", 1)[-1] if source else ""


def article_id(*parts: object) -> str:
    """A stable 16-hex-digit id from the given parts (same input, same id, on any machine)."""
    # the hash of each part followed by \x1f, fed part by part (no joined copy of the text)
    digest = hashlib.blake2b(digest_size=8)
    for part in parts:
        digest.update(str(part).encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


_DATE_COLUMNS = ("issue_date", "date")
_INT_COLUMNS = ("position", "block", "n_chars", "n_paragraphs")


def articles_frame(records: list[dict]) -> pd.DataFrame:
    """Build the articles table from row dicts, with the documented dtypes.

    Text columns are strings (``""`` when absent), dates ``datetime64[ns]``
    (NaT when unknown) and counts nullable integers (``Int64``).
    """
    # the dtype pandas gives text (its options decide): "str" backed by Arrow is built directly
    arrow = pd.Series(np.array([""], dtype=object)).dtype == _STR_DTYPE
    data = {}
    for col, values in zip(ARTICLE_COLUMNS, _columns(records), strict=True):
        if col in _DATE_COLUMNS:
            # (_as_datetime64 of a Timestamp, without the calls)
            datetimes = [
                v.to_datetime64() if type(v) is _TIMESTAMP else _as_datetime64(v) for v in values
            ]
            data[col] = np.array(datetimes, dtype="datetime64[ns]")
        elif col in _INT_COLUMNS:
            data[col] = _int_array(values)
        elif records:
            data[col] = _str_array(values, arrow)
        else:
            data[col] = np.array([], dtype=object)
    # (the columns in ARTICLE_COLUMNS' order; their arrays, made here, are not copied again)
    frame = pd.DataFrame(data, copy=False)
    if not records:
        for col in ARTICLE_COLUMNS:
            if col not in _DATE_COLUMNS and col not in _INT_COLUMNS:
                frame[col] = frame[col].astype("str")
    return frame


def _columns(records: list[dict]) -> list:
    """The records' values column by column (None where a record lacks the column)."""
    # plain dicts that hold every column (as the parsers make them) are transposed in C;
    # others (subclasses with __missing__, partial rows) go through .get like before
    if records and all(type(r) is dict for r in records):
        try:
            columns = list(zip(*map(_ROW_VALUES, records), strict=True))
        except KeyError:
            pass
        else:
            return columns + [[r.get(col, "") for r in records] for col in CORPUS_COLUMNS]
    return [[r.get(col) for r in records] for col in ARTICLE_COLUMNS]


_ROW_VALUES = operator.itemgetter(*_RECORD_COLUMNS)
_TIMESTAMP = pd.Timestamp
_STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)  # the dtype of "str" columns


def _str_array(values, arrow: bool):
    """A text column: None becomes "", anything else str(value)."""
    if not set(map(type, values)) <= {str}:
        values = ["" if v is None else str(v) for v in values]
    if arrow:
        # what pandas makes of an object array of str, without its checks of each value
        return pd.arrays.ArrowStringArray(
            pa.array(values, type=pa.large_string()), dtype=_STR_DTYPE
        )
    return np.array(values, dtype=object)  # pandas infers the dtype


def _int_array(values) -> pd.arrays.IntegerArray:
    """An "Int64" column: None and pd.NA are missing."""
    if set(map(type, values)) == {int}:  # nothing missing (bool is not int here)
        return pd.arrays.IntegerArray(
            np.array(values, dtype="int64"), np.zeros(len(values), dtype=bool)
        )
    missing = np.array([v is None or v is pd.NA for v in values], dtype=bool)
    ints = np.array([0 if m else v for v, m in zip(values, missing, strict=True)], dtype="int64")
    return pd.arrays.IntegerArray(ints, missing)


def _as_datetime64(value) -> np.datetime64:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return np.datetime64("NaT", "ns")
    return pd.Timestamp(value).to_datetime64()


def parse_page(
    text: str,
    *,
    issue_date=None,
    source: str | None = None,
    keep_boilerplate: bool = False,
    paper: str = "",
    page: str = "",
) -> pd.DataFrame:
    """Split the text of one newspaper page into articles.

    Args:
        text: the page's text (already decoded).
        issue_date: the issue's date (anything ``pandas.Timestamp`` reads). When
            ``None`` it is read from ``source``'s file name if that holds a date
            (``2023-08-09``, ``20230809``, ``2023年8月9日``); else the year of
            each article's date is inferred from the page.
        source: where the text came from; used in ``article_id`` and for the
            issue date, paper and page.
        keep_boilerplate: also return footers, page headers and section headings
            as rows with ``kind == "boilerplate"`` (their text in ``body``).
        paper: the paper's name, when known (else read from ``source``).
        page: the page label, when known (else read from ``source``).

    Returns:
        One row per article in page order, with columns:

        - ``article_id``: 16 hex digits, a hash of the source's own file name
          (without its folders), the block's position and its text; stable across
          runs and machines, and whatever folder the build started from.
        - ``source``: ``source`` as given (``""`` when not given).
        - ``paper``, ``page``: from the arguments or the file name
          (``<paper>_<date>_<page>.txt``), else ``""``.
        - ``issue_date``: the issue's date (NaT when unknown).
        - ``position``: 1-based order of the article among the page's articles
          (``<NA>`` for boilerplate).
        - ``block``: 1-based order among all blocks of the page, boilerplate included.
        - ``kind``: ``"article"`` or ``"boilerplate"``.
        - ``section``: the section heading the article stands under
          (``"要闻快览"``), else ``""``.
        - ``kicker``, ``title``, ``subtitle``: the headline block (引题/主题/副题).
        - ``dateline``: the dateline as printed, with its trailing separator
          (``"本报讯 8月8日,"``, ``"本报北京10月29日电（记者 王浩）"``).
        - ``date``: the date the article reports (datetime64; NaT when unknown).
        - ``date_source``: where ``date`` came from: ``dateline``, ``lead``
          (the first sentence), ``issue_date: not stated`` or
          ``issue_date: not stated (近日)``; ``; year inferred from page`` is
          appended when the year was not known from an issue date.
        - ``body``: the paragraphs joined by ``"\\n"``, indentation removed,
          column breaks rejoined, without the dateline, byline and credit.
        - ``byline``: the byline and credit as printed (``"(王怡菡)"``,
          ``"(据新华社)"``, ``"本报记者 刘峰"``).
        - ``author``: the authors' names, joined by ``"、"``.
        - ``credit``: the agency credited (``"新华社"``), else ``""``.
        - ``url``: ``""`` for pages.
        - ``n_chars``: characters of ``title`` plus ``body``.
        - ``n_paragraphs``: paragraphs in ``body``.
        - ``duplicate_of``, ``duplicate_rule``: ``""`` here; set over a whole corpus
          by :func:`analysis.select.mark_duplicates` (the build, ``load_articles``).

    Example:
        >>> page = "新区揭牌\\n\\n本报讯 8月8日,新区揭牌。(王明)\\n"
        >>> parse_page(page, issue_date="2023-08-09")[["title", "body", "author"]]
              title  body author
        0  新区揭牌  新区揭牌。     王明
    """
    return articles_frame(
        page_records(
            text,
            issue_date=issue_date,
            source=source,
            keep_boilerplate=keep_boilerplate,
            paper=paper,
            page=page,
        )
    )


def page_records(
    text: str,
    *,
    issue_date=None,
    source: str | None = None,
    keep_boilerplate: bool = False,
    paper: str = "",
    page: str = "",
    meta: dates.NameMeta | None = None,
) -> list[dict]:
    """The rows of :func:`parse_page` as dicts (the loaders build one table from many pages);
    ``meta`` is ``dates.meta_from_name(source)`` when the caller has it."""
    if meta is None:
        meta = dates.meta_from_name(source or "")
    if issue_date is None:
        issue = meta.issue_date
    else:
        issue = dates.issue_timestamp(issue_date)
    paper = paper or meta.paper
    page = page or meta.page
    if text.startswith("\ufeff"):
        text = text[1:]
    rows = _parse_rows(text)
    if (issue is None or _no_date(issue)) and rows and rows[0]["kind"] == "boilerplate":
        issue = dates.date_in_header(rows[0]["body"])  # 2023年10月30日 星期一 第2版
    return _records(rows, text, issue, source, paper, page, keep_boilerplate=keep_boilerplate)


def _records(
    rows: list[dict], text: str, issue, source, paper, page, *, keep_boilerplate: bool
) -> list[dict]:
    """Article records (the table's columns) from parsed rows."""
    dated = issue is not None and not _no_date(issue)  # (an issue date dates every article)
    year_hint = None if dated else dates.infer_year(text)
    name_key = file_name(source)
    out = []
    position = 0
    for block_no, row in enumerate(rows, 1):
        is_article = row["kind"] == "article"
        if is_article:
            position += 1
        if not is_article and not keep_boilerplate:
            continue
        if is_article:
            date, date_source = dates.article_date(
                row["dateline"], row["body"], issue, year_hint=year_hint
            )
        else:
            date, date_source = pd.NaT, ""
        text_key = row["title"] + "\x1e" + row["body"]
        out.append(
            {
                "article_id": article_id(name_key, block_no, text_key),
                "source": source or "",
                "paper": paper,
                "issue_date": issue,
                "page": page,
                "position": position if is_article else pd.NA,
                "block": block_no,
                "kind": row["kind"],
                "section": row["section"],
                "kicker": row["kicker"],
                "title": row["title"],
                "subtitle": row["subtitle"],
                "dateline": row["dateline"],
                "date": date,
                "date_source": date_source,
                "body": row["body"],
                "byline": row["byline"],
                "author": row["author"],
                "credit": row["credit"],
                "url": "",
                "n_chars": len(row["title"]) + len(row["body"]),
                "n_paragraphs": row["n_paragraphs"],
            }
        )
    if not dated:
        _fill_undated(out)
    return out


def _no_date(value) -> bool:
    """``pd.isna(value)``, without its cost for the usual Timestamp (NaT is not a Timestamp)."""
    return type(value) is not pd.Timestamp and pd.isna(value)


def _fill_undated(records: list[dict]) -> None:
    """With no issue date, give undated articles the page's latest stated date."""
    undated = [r for r in records if r["kind"] == "article" and _no_date(r["date"])]
    if not undated:
        return
    known = [r["date"] for r in records if r["kind"] == "article" and not _no_date(r["date"])]
    if not known:
        return
    latest = max(known)
    for r in undated:
        r["date"] = latest
        r["date_source"] = "not stated: latest date on the page"


def parse_article_file(
    text: str,
    *,
    issue_date=None,
    source: str | None = None,
    paper: str = "",
    page: str = "",
) -> pd.DataFrame:
    """Parse a file that holds exactly one article (headline block, then paragraphs).

    Same columns as :func:`parse_page`. Everything after the headline block is
    the article's text; nothing starts a second article. The headline block is
    read from the file's first three lines when the file is in the crawler's
    layout (line 1 kicker, line 2 title, line 3 subtitle, an empty line for an
    empty slot), else from the shape of the first lines.
    """
    return articles_frame(
        article_file_records(text, issue_date=issue_date, source=source, paper=paper, page=page)
    )


def article_file_records(
    text: str,
    *,
    issue_date=None,
    source: str | None = None,
    paper: str = "",
    page: str = "",
    meta: dates.NameMeta | None = None,
) -> list[dict]:
    """The rows of :func:`parse_article_file` as dicts (the loaders build one table);
    ``meta`` as in :func:`page_records`."""
    lines = _split_lines(text.lstrip("\ufeff"))
    parser = _PageParser(lines)
    parser._find_flush_heads(0, len(lines))
    block = _Block(kind="article", first_line=1)
    slotted = _slotted_head(lines)
    if slotted is not None:
        i, block.slots = slotted
    else:
        i = parser._head_run(0, len(lines), relaxed=True)
        block.head = [ln.text for ln in lines[:i]]
    while i < len(lines) and _BYLINE_LINE.match(lines[i].text):
        block.bylines.append(lines[i].text)
        i += 1
    for j in range(i, len(lines)):
        line = lines[j]
        if _BYLINE_LINE.match(line.text) and j == len(lines) - 1:
            block.bylines.append(line.text)
            continue
        parser._add_text(block, line)
    if meta is None:
        meta = dates.meta_from_name(source or "")
    issue = dates.issue_timestamp(issue_date) if issue_date is not None else meta.issue_date
    return _records(
        _finish([block]),
        text,
        issue,
        source,
        paper or meta.paper,
        page or meta.page,
        keep_boilerplate=False,
    )
