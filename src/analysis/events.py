"""Events: meetings, signings, unveilings, launches, releases, visits and projects.

``find_events`` reads the articles (and the mentions table, for participants)
and returns one row per event a sentence reports. The event types and the
words that signal them live in an analyst-editable CSV (``config.event_lexicon()``,
the packaged ``data/event_lexicon.csv`` unless ``ANALYSIS_EVENT_LEXICON`` names
another file). ``event_counts`` turns the events table into tidy counts.

How a sentence becomes an event, in order:

1. Triggers are found with one Aho-Corasick automaton over the titles and bodies;
   sentences (split on 。！？；; and line breaks) are only
   looked at when they hold a trigger.
2. A trigger is dropped when it lies inside an ``exclude`` phrase of the lexicon
   (``投资有限公司``, ``线上线下``, ``发布会``), inside a mention of a park,
   organisation, place or person (a company called ``…投资有限公司``), inside
   ``《…》``, or inside a longer trigger (``签约项目`` is a project, not a signing).
   A ``verb`` trigger (``召开``, ``举办``, ``举行``, ``投资``, ``授予``) needs a
   ``noun`` of its type in the same clause, or ending the clause just before it:
   ``…研讨会在锡召开`` is a meeting, ``举行了…授牌仪式`` is not (the 授牌 is the event).
   A trigger after a ``topic`` cue in its clause (``围绕增资扩产…进行交流``) is a
   subject of talks, not an event.
3. The status comes from cue words in the trigger's clause: ``negated`` (未, 没有,
   尚未, 不会), ``future`` (将于, 将, 计划, 拟, 即将), ``background`` (多年来, 此前,
   曾, 已经, and ``以来`` after the trigger), else ``reported``. A date in the
   sentence in an earlier year than the article's and more than 31 days before its
   date, or a year before the article's year (``自1996年落户``), makes a reported
   event ``background`` (earlier in the issue's year stays ``reported``, as readers
   count it; a December date in a January issue is recent); a date after the
   article's date makes it ``future``. A ``建议``/``倡议`` after a release is
   the document released (``审议通过…规划建议``), not a proposal: for the release
   and for the meeting that adopts it (``全会审议通过…建议``).
4. The name is the event's object, never its trigger: a ``《…》`` title or the noun of
   its type near the trigger; else, for releases, launches, projects, foundings,
   unveilings and signings, what the trigger acts on (``_role_name``: the object after
   it, ``发布办理…工作指引``; when the trigger ends its clause, the subject before it,
   ``…隧道顺利贯通``). A countable event whose clause's subject is many actors
   (``多地在社区设立…``) is a trend, no event.
5. Triggers of the same type and status in one sentence are one event
   (``会见来锡考察的…`` is one visit). A ``release`` without a document name in a
   sentence that has a ``launch`` is part of that launch (``启动…平台,平台功能同步发布``).
6. Participants are the acting parks and organisations the sentence names (not
   one in a person's title, a news source's dateline or photo credit, brackets or a
   ``《…》`` title); a visit's also the organisation of the one met (``会见…东海公司
   副总裁``). A sentence naming none takes the previous sentence's only when it
   opens with a carried-over subject (``双方``, ``该公司``, ``此外``) or follows a
   semicolon (one sentence of several clauses).
7. Within an article, an event in the title is a duplicate of the body's event of
   the same type and status; two body events are duplicates when type, status,
   date (or the later one has none of its own and the same name: ``21日…大会上``,
   ``…在大会上表示``) and place (when both have one) agree, their names agree (equal, one
   containing the other, or one missing) and their participants agree (one set
   inside the other, or taken from the article) and, for visits, the one met or the
   place a tour goes to agrees (``甲还来到…营业部`` and ``乙还来到…施工现场`` are two
   visits) -- or the later one is an anaphoric
   reference: a ``verb`` with a bare noun and no name (``参加会议``, ``会议的召开``,
   ``出席了本次论坛``).
   Duplicates are kept with ``counted=False``; the first report keeps
   ``counted=True`` and takes a missing name or place from its duplicates.
"""

from __future__ import annotations

import csv
import gc
import itertools
import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import attrgetter, itemgetter, methodcaller
from pathlib import Path

try:  # CPython's own SHA-1: the same digests as hashlib's, without OpenSSL's set-up for
    # each (a third of the cost of an event's id)
    from _sha1 import sha1 as _sha1
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import sha1 as _sha1

import ahocorasick
import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import config
from analysis.errors import InputError

logger = logging.getLogger(__name__)

EVENT_COLUMNS = [
    "event_id",
    "article_id",
    "type",
    "type_label",
    "trigger",
    "sentence",
    "date",
    "date_source",
    "place",
    "name",
    "parks",
    "orgs",
    "status",
    "counted",
    "rule",
    "confidence",
    "root_event_id",
    "n_articles",
]

STATUSES = ("reported", "background", "future", "negated")

_EVENT_KINDS = ("trigger", "verb", "named", "noun", "generic", "exclude")
_CUE_KINDS = (
    "background",
    "background_after",
    "future",
    "future_after",
    "negated",
    "negated_after",
    "topic",
)
_LEXICON_COLUMNS = ("type", "type_label", "trigger", "pattern_kind")
_TYPE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

# Sentences end at 。！？；; (with closing quotes) or a line break (``_sentences_and_clauses``).
_TERMINATORS = "。！？!?；;"
_CLOSING_QUOTES = "”’」』\"')）"
# Clauses also end at ，,：: and spaces: a run of ``_CLAUSE_BREAK`` characters.
_CLAUSE_BREAK = re.compile(r"[，,：:\s]")
_BOOK_TITLE = re.compile(r"《[^《》]{1,80}》")
_QUOTED = re.compile(r"“[^“”]{1,80}”|《[^《》]{1,80}》")
_DATE = re.compile(  # (the lookahead: the first characters, a quick way out)
    r"(?=[\d当同])"
    r"(?:(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?<!\d)(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"
    r"|(?P<rel>当天|当日|同日|同一天))"
)
_HAS_RELATIVE_DAY = re.compile(r"当天|当日|同日|同一天")
# Every character a ``_DATE`` match can hold; ``_LAST_NOT_DATE`` ends after the last other one.
_DATE_CHARS = r"\d\s年月日号当天同一"
_LAST_NOT_DATE = re.compile(rf"(?s:.*)[^{_DATE_CHARS}]")
_YEAR_ONLY = re.compile(r"(?=[12])(?:(?<!\d)((?:19|20)\d{2})\s*年)")  # (a quick way out)
# Where a name stops on its left: a preposition, particle, date or attendance verb.
# It matches what ``在|于|对(?!接|话)|由|是|的|了|将|把|被|为|向|与会|出席|参加|举办|举行
# |召开|主办|承办|共同|联合|正式|现场|当天|上午|下午|晚上|\d{1,2}\s*月\s*\d{1,2}\s*[日号]``
# matches, written to start with one character class (which the regex engine scans for
# quickly), the first character, and look back at it to pick the rest: about three
# times faster.
_NAME_STOP = re.compile(
    r"[在于对由是的了将把被为向与出参举召主承共联正现当上下晚\d]"
    r"(?:(?<=[在于由是的了将把被为向])|(?<=对)(?!接|话)|(?<=与)会|(?<=出)席|(?<=参)加"
    r"|(?<=举)[办行]|(?<=召)开|(?<=[主承])办|(?<=共)同|(?<=联)合|(?<=正)式|(?<=现)场"
    r"|(?<=当)天|(?<=[上下])午|(?<=晚)上|(?<=\d)\d?\s*月\s*\d{1,2}\s*[日号])"
)
_NAME_PREFIX = re.compile(  # (the lookahead: the first characters, a quick way out)
    r"^(?=[了的此本这该新一二三四五六七八九十两\d])"
    r"(?:了|的|此次|本次|本届|这次|该|新的|一个|一家|一批|\d+\s*[家个项所]|[一二三四五六七八九十两]+[家个项所])+"
)
_NAME_SPLIT = re.compile(r"和|及|以及|、")
_PLACE_PREFIX = r"(?:在|于|来(?!自)|赴|到|落户|莅临)"
# 市场, 区域, 市长 … are not places: the character after a district-like match must not extend it.
_PLACE_TAIL = r"(?![场民长委政域级属内外间])"
_PLACE_NOT = frozenset(
    "全市 全区 全县 本市 该市 该区 各区 城区 市区 园区 社区 景区 厂区 校区 片区 小区 辖区"
    " 地区 新区 示范区 功能区 核心区 先导区 保税区 试点区 集聚区 经开区 自贸区 街区"
    " 中心区 主城区 老城区".split()
)
_BATCH = 200  # articles whose texts are folded together (``_Folding.texts``)
_NAT = np.iinfo(np.int64).min  # NaT as datetime64[ns]
_ORG_EXCLUDED_KINDS = frozenset({"park", "place", "person"})
# the kinds of organisation an official met in a visit stands for (see _events)
_MET_KINDS = frozenset({"company", "research", "association"})
_NAME_BREAK = re.compile(r"[，,。；;：:！？!?]")
_STATUS_ORDER = ("topic", "negated", "future", "background")
_REPORTED = ("reported", "")  # (status, cue) without a cue
_EMPTY: frozenset[str] = frozenset()
_DAYS_31 = pd.Timedelta(days=31)
_EPOCH_DAY = date(1970, 1, 1).toordinal()
_DAY_NS = 86_400 * 10**9
_DAYS_1 = pd.Timedelta(days=1)
_NaT_VALUE = pd.NaT
_match_end = re.Match.end
_match_span = re.Match.span
_first = itemgetter(0)
_start_of = attrgetter("start")
_is_verb_rule = methodcaller("startswith", "verb:")


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Lexicon:
    """The event taxonomy and trigger lexicon, ready for matching.

    Attributes:
        path: the CSV it was read from.
        labels: event type -> Chinese label, in file order.
        triggers: automaton of ``trigger`` and ``verb`` words; values are
            ``(word, ((kind, type), ...))``.
        context: automaton of nouns, exclusions and cue words, run on sentences
            that hold a trigger; values as for ``triggers`` (cue types may be ``""``).
        generic: event type -> names too generic to name an event (``合资公司``,
            and every bare noun of the type such as ``中心``).
    """

    path: Path
    labels: dict[str, str]
    triggers: ahocorasick.Automaton = field(repr=False)
    context: ahocorasick.Automaton = field(repr=False)
    generic: dict[str, frozenset[str]] = field(repr=False)


def _bad(path: Path, line: int, message: str) -> InputError:
    return InputError(
        f"{path}, line {line}: {message} (fix the row or remove it)", path=path, problem="format"
    )


def _read_lexicon_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise InputError(f"event lexicon {path} does not exist", path=path, problem="missing")
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:  # pragma: no cover - permissions
        raise InputError(f"cannot read event lexicon {path}: {exc}", path=path) from exc
    with handle:
        try:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in _LEXICON_COLUMNS if c not in header]
            if missing:
                raise InputError(
                    f"event lexicon {path}, line 1: missing column(s) {', '.join(missing)}; "
                    f"expected {', '.join(_LEXICON_COLUMNS)}, notes",
                    path=path,
                    problem="columns",
                )
            reader.fieldnames = header
            rows = []
            for row in reader:
                line = reader.line_num
                if None in row:
                    raise _bad(path, line, f"more fields than the {len(header)} columns")
                values = {k: (v or "").strip() for k, v in row.items()}
                if not any(values.values()):
                    continue
                rows.append((line, values))
        except UnicodeDecodeError as exc:
            raise InputError(
                f"event lexicon {path} is not UTF-8 text: {exc}", path=path, problem="encoding"
            ) from exc
    if not rows:
        raise InputError(f"event lexicon {path} has no rows", path=path, problem="empty")
    return rows


@lru_cache(maxsize=8)
def _load_lexicon_cached(path: Path, _mtime_ns: int, _size: int) -> Lexicon:
    rows = _read_lexicon_rows(path)
    labels: dict[str, str] = {}
    seen: dict[tuple[str, str, str], int] = {}
    trig: dict[str, list[tuple[str, str]]] = {}
    ctx: dict[str, list[tuple[str, str]]] = {}
    generic: dict[str, set[str]] = {}
    nouns: set[str] = set()
    verbs: dict[str, int] = {}
    for line, row in rows:
        etype, label, word, kind = (row[c] for c in _LEXICON_COLUMNS)
        if kind not in _EVENT_KINDS and kind not in _CUE_KINDS:
            raise _bad(
                path,
                line,
                f"pattern_kind {kind!r} is not one of {', '.join(_EVENT_KINDS + _CUE_KINDS)}",
            )
        if not word:
            raise _bad(path, line, "the trigger column is empty")
        if etype and not _TYPE_NAME.match(etype):
            raise _bad(path, line, f"type {etype!r} must be lower-case ascii like 'meeting'")
        if kind in ("trigger", "verb", "named", "noun", "generic"):
            if not etype:
                raise _bad(path, line, f"a {kind!r} row needs a type")
            if not label:
                raise _bad(path, line, f"type {etype!r} needs a type_label")
        if etype and label:
            if labels.setdefault(etype, label) != label:
                raise _bad(
                    path,
                    line,
                    f"type {etype!r} is labelled {label!r} here but {labels[etype]!r} earlier",
                )
        key = (etype, word, kind)
        if key in seen:
            raise _bad(path, line, f"duplicate of line {seen[key]} ({etype} {word} {kind})")
        seen[key] = line
        if kind in ("trigger", "verb", "named"):
            trig.setdefault(word, []).append((kind, etype))
            if kind == "verb":
                verbs.setdefault(etype, line)
        elif kind == "generic":
            generic.setdefault(etype, set()).add(word)
        else:
            ctx.setdefault(word, []).append((kind, etype))
            if kind == "noun":
                nouns.add(etype)
                generic.setdefault(etype, set()).add(word)  # a bare noun names nothing
    for etype, line in verbs.items():
        if etype not in nouns:
            raise _bad(
                path, line, f"type {etype!r} has 'verb' rows but no 'noun' row to go with them"
            )
    if not trig:
        raise InputError(
            f"event lexicon {path} has no 'trigger' or 'verb' rows", path=path, problem="empty"
        )
    for etype in {t for entries in ctx.values() for _, t in entries if t}:
        if etype not in labels:
            raise InputError(
                f"event lexicon {path}: type {etype!r} is used but has no trigger rows",
                path=path,
                problem="format",
            )
    return Lexicon(
        path=path,
        labels=labels,
        triggers=_automaton(trig),
        context=_automaton(ctx),
        generic={t: frozenset(v) for t, v in generic.items()},
    )


def _automaton(words: Mapping[str, list[tuple[str, str]]]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for word, entries in words.items():
        auto.add_word(word, (word, tuple(entries)))
    if len(auto):
        auto.make_automaton()
    return auto


def load_event_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read and check the event lexicon.

    The CSV has the columns ``type``, ``type_label``, ``trigger``, ``pattern_kind``
    and ``notes``. ``pattern_kind`` is one of:

    - ``trigger``: the word alone signals an event of ``type`` (``签署``, ``揭牌``).
    - ``verb``: signals an event only with a ``noun`` of its type in the clause
      (``召开`` + ``研讨会``).
    - ``named``: a noun that reports an event by itself when the text gives it a
      name (``党的二十届四中全会``, ``第三十二次领导人非正式会议``), not when it is
      bare or counted (``此次会议``, ``多场分论坛``).
    - ``noun``: what events of the type are called (``论坛``, ``协议``, ``平台``);
      satisfies verbs and ends event names.
    - ``generic``: a name too generic to name an event (``合资公司``, ``协议``).
    - ``exclude``: a phrase inside which triggers of ``type`` (of every type and
      cue when ``type`` is empty) are not events (``投资有限公司``, ``线上线下``).
    - ``background``, ``future``, ``negated``: cue words before the trigger in its
      clause that set the status; the ``_after`` forms follow the trigger
      (``以来``). ``topic``: a cue (``围绕``) after which triggers are talk topics.
      ``type`` may be empty (every type) or name one type.

    Args:
        path: the CSV; default ``config.event_lexicon()``.

    Returns:
        A ``Lexicon``. It is cached while the file is unchanged.

    Raises:
        InputError: the file is missing, not UTF-8, lacks a column, or a row is
            bad; the message names the file and line.
    """
    path = Path(path) if path is not None else config.event_lexicon()
    path = path.expanduser().resolve()
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(
            f"event lexicon {path} does not exist", path=path, problem="missing"
        ) from exc
    return _load_lexicon_cached(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _place_regex(path: Path) -> tuple[re.Pattern, dict[str, str]]:
    table: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            surface = (row.get("surface") or "").strip()
            place = (row.get("place") or "").strip()
            if not surface or not place:
                raise InputError(
                    f"{path}, line {reader.line_num}: surface and place are both needed",
                    path=path,
                    problem="format",
                )
            table[surface] = place
    cities = "|".join(sorted(map(re.escape, table), key=len, reverse=True))
    pattern = re.compile(
        rf"{_PLACE_PREFIX}(?:(?P<d>[\u4e00-\u9fff]{{1,3}}(?:区|县|市|镇)){_PLACE_TAIL}|(?P<c>{cities}))"
    )
    return pattern, table


def _places() -> tuple[re.Pattern, dict[str, str]]:
    return _place_regex(config.PACKAGE_DATA_DIR / "events_places.csv")


# --------------------------------------------------------------------------- per article


class _MentionColumns:
    """All mentions, sorted by (article, field, start), as plain lists."""

    __slots__ = ("eids", "ends", "kinds", "max_ends", "names", "starts")

    def __init__(self, starts, ends, eids, kinds, names, max_ends):
        self.starts: list[int] = starts
        self.ends: list[int] = ends
        self.eids: list[str] = eids
        self.kinds: list[str] = kinds
        self.names: list[str] = names
        # the largest end of the rows of the (article, field) up to each row
        self.max_ends: list[int] = max_ends


class _Mentions:
    """The mentions of one article: per field, its rows [lo, hi) of the columns."""

    __slots__ = ("_article", "columns", "spans")

    def __init__(self, columns: _MentionColumns, spans: dict[str, tuple[int, int]]):
        self.columns = columns  # shared by all articles
        self.spans = spans
        self._article: tuple[list[str], list[str]] | None = None

    def rows(self, fld: str, lo: int, hi: int) -> Sequence[int]:
        """The rows of the mentions of the field ``fld`` inside [lo, hi), by start."""
        cols = self.columns
        m_lo, m_hi = self.spans.get(fld, (0, 0))
        i = bisect_left(cols.starts, lo, m_lo, m_hi)
        j = bisect_left(cols.starts, hi, i, m_hi)
        if i == j:
            return ()
        ends = cols.ends
        if cols.max_ends[j - 1] <= hi or max(ends[i:j]) <= hi:
            return range(i, j)  # (mostly: none runs on past ``hi``)
        return [k for k in range(i, j) if ends[k] <= hi]

    def participants(
        self, rows: Iterable[int], text: str | None = None, notes: list[str] | None = None
    ) -> tuple[list[str], list[str]]:
        """The entity_ids of the parks and of the organisations among ``rows``; with the
        ``text`` the mentions are in, also the park named inside an organisation's name
        (``合肥高新区管委会``: the park acts through its committee), noted in ``notes``
        as ``participant:<park id> in <organisation id>``."""
        parks: dict[str, None] = {}
        orgs: dict[str, None] = {}
        cols = self.columns
        eids, kinds = cols.eids, cols.kinds
        for k in rows:
            kind = kinds[k]
            if kind == "park":
                parks[eids[k]] = None
            elif kind not in _ORG_EXCLUDED_KINDS:
                orgs[eids[k]] = None
                if text is not None:
                    park = _park_in_name(text[cols.starts[k] : cols.ends[k]])
                    if park and park not in parks:
                        parks[park] = None
                        if notes is not None:
                            notes.append(f"participant:{park} in {eids[k]}")
        return list(parks), list(orgs)

    def article_participants(self) -> tuple[list[str], list[str]]:
        if self._article is None:
            spans = [self.spans.get(fld) for fld in ("title", "body")]
            self._article = self.participants(
                itertools.chain.from_iterable(range(*span) for span in spans if span is not None)
            )
        return self._article


@lru_cache(maxsize=1)
def _park_names() -> tuple[ahocorasick.Automaton, re.Pattern, tuple[str, ...]]:
    """The gazetteer's park names (an automaton: name -> ``park:<park_id>``), a regex
    of the park suffixes of the organisation rules (高新区, 经开区, 综合保税区 …) and the
    names of international groupings (a park class of theirs is no park, as in
    :mod:`analysis.mentions`: 上合组织科技园区库管理委员会)."""
    from analysis.gazetteer import (
        international_names,
        load_gazetteer,
        load_org_rules,
        park_names,
    )

    names = park_names(load_gazetteer())
    auto = ahocorasick.Automaton()
    for name, park_id in zip(names["name"], names["park_id"], strict=True):
        auto.add_word(name, (len(name), f"park:{park_id}"))
    auto.make_automaton()
    org_rules = load_org_rules()  # (read once: four files)
    suffixes = org_rules["suffixes"]
    park_suffixes = sorted(
        suffixes.loc[suffixes["kind"] == "park", "suffix"], key=len, reverse=True
    )
    # a park's name ends with a suffix and is followed by more of the organisation's
    # name (合肥高新区管委会, 呼和浩特综合保税区管理委员会)
    shape = re.compile(
        rf"^[\u4e00-\u9fff]{{2,12}}?(?:{'|'.join(map(re.escape, park_suffixes))})(?=.)"
    )
    return auto, shape, tuple(international_names(org_rules["known"]))


@lru_cache(maxsize=4096)
def _park_in_name(org: str) -> str:
    """The park named inside an organisation's name: the longest gazetteer name in it,
    else its start up to a park suffix (``park:<that name>``, as mentions name parks
    found by their shape); ``""`` when none."""
    auto, shape, international = _park_names()
    best, best_len = "", 0
    for _, (n, park) in auto.iter(org):
        if n > best_len and n < len(org):
            best, best_len = park, n
    if best:
        return best
    m = shape.match(org)
    if m is None or m.group().startswith(international):
        return ""
    return f"park:{m.group()}"


_NO_MENTIONS = _Mentions(_MentionColumns([], [], [], [], [], []), {})


def _group_mentions(mentions: pd.DataFrame | None, repeated: bool = False) -> dict[str, _Mentions]:
    """The mentions of each article. With ``repeated`` (an article given more than once,
    the same file read twice: one id), each row the same as one before it is left out:
    it adds no participant, place or span."""
    if mentions is None or mentions.empty:
        return {}
    required = ("article_id", "entity_id", "kind", "start", "end", "field")
    missing = [c for c in required if c not in mentions.columns]
    if missing:
        raise InputError(
            f"the mentions table lacks column(s) {', '.join(missing)}; "
            "make it with analysis.find_mentions",
            problem="columns",
        )
    m = pd.DataFrame(mentions, copy=False)  # a view without attrs: no deep copies of them
    if m["start"].hasnans or m["end"].hasnans:
        m = m.dropna(subset=["start", "end"])
        if m.empty:
            return {}
    aid_codes, aid_values = pd.factorize(m["article_id"].astype(str))
    fld_codes, fld_values = pd.factorize(m["field"].astype(str))
    starts = m["start"].to_numpy(dtype="int64")
    ends = m["end"].to_numpy(dtype="int64")
    eids, kinds = _string_codes(m["entity_id"]), _string_codes(m["kind"])
    names = _string_codes(m["name"]) if "name" in m.columns else eids
    order = _mention_order(aid_codes, len(aid_values), fld_codes, len(fld_values), starts)
    if repeated:
        again = pd.DataFrame(
            {"a": aid_codes, "f": fld_codes, "s": starts, "e": ends}
            | {c: codes for c, (codes, _) in (("i", eids), ("k", kinds), ("n", names))}
        ).duplicated()
        order = order[~again.to_numpy()[order]]
    aid_codes, fld_codes = aid_codes[order], fld_codes[order]
    ends = ends[order]
    n_rows = len(order)
    cuts = np.flatnonzero((np.diff(aid_codes) != 0) | (np.diff(fld_codes) != 0)) + 1
    columns = _MentionColumns(
        starts[order].tolist(),
        ends.tolist(),
        _string_column(eids, order),
        _string_column(kinds, order),
        _string_column(names, order),
        _running_max(ends, cuts).tolist(),
    )
    bounds = [0, *cuts.tolist(), n_rows]
    firsts = np.asarray(bounds[:-1], dtype=np.intp)
    aid_names = [str(v) for v in aid_values.tolist()]
    fld_names = [str(v) for v in fld_values.tolist()]
    group_aids = [aid_names[c] for c in aid_codes[firsts].tolist()]
    group_flds = [fld_names[c] for c in fld_codes[firsts].tolist()]
    out: dict[str, _Mentions] = {}
    for (lo, hi), aid, fld in zip(itertools.pairwise(bounds), group_aids, group_flds, strict=True):
        if lo == hi:
            continue
        group = out.get(aid)
        if group is None:
            group = out[aid] = _Mentions(columns, {})
        group.spans[fld] = (lo, hi)
    return out


def _running_max(values: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """The largest of ``values`` so far, starting again at each of the ``cuts``.

    (One accumulate: each part raised above the ones before it. Without a start again
    when that would not fit in 63 bits: still at least the part's own largest.)
    """
    part = np.zeros(len(values), dtype=np.int64)
    part[cuts] = 1
    np.cumsum(part, out=part)
    low = int(values.min())
    span = int(values.max()) - low + 1
    if (len(cuts) + 1) * span >= 2**62:
        return np.maximum.accumulate(values)
    raised = part * span + (values - low)
    return np.maximum.accumulate(raised) - part * span + low


def _mention_order(
    aid_codes: np.ndarray, n_aids: int, fld_codes: np.ndarray, n_flds: int, starts: np.ndarray
) -> np.ndarray:
    """The stable order of the mentions by (article, field, start).

    One stable argsort of a combined key (fast on rows that come nearly sorted), or a
    lexsort when the key would not fit in 63 bits; both give the same order.
    """
    if len(starts):
        low = int(starts.min())
        span = int(starts.max()) - low + 1
        if n_aids * n_flds * span < 2**62:
            key = aid_codes.astype(np.int64) * n_flds + fld_codes
            key *= span
            key += starts - low
            return np.argsort(key, kind="stable")
    return np.lexsort((starts, fld_codes, aid_codes))


def _string_codes(values: pd.Series) -> tuple[np.ndarray, list]:
    """``values`` as str (missing values stay NaN): a code for each row, and the
    distinct values the codes stand for."""
    codes, uniques = pd.factorize(values.astype(str), use_na_sentinel=False)
    return codes, uniques.tolist()


def _string_column(coded: tuple[np.ndarray, list], order: np.ndarray) -> list:
    """The values of ``_string_codes``, taken in ``order``, as a list.

    Through the distinct values: much faster than an object array of every row.
    """
    codes, uniques = coded
    return _object_array(uniques).take(codes[order]).tolist()


# a day of the month alone (7日，…; 福岛瑞穗14日在东京…) or yesterday: a date in the
# issue's month (or the month before, for a day after the issue's)
_DAY_ONLY = re.compile(
    r"(?=[\d昨])(?:(?<![\d月号年至—\-～~第])(?P<d>[1-3]?\d)\s*日(?![电讯起内以前后至期])|(?P<y>昨天|昨日))"
)


def _day_of(m: re.Match, ref: pd.Timestamp) -> pd.Timestamp | None:
    if m.group("y"):
        return (ref - pd.Timedelta(days=1)).normalize()
    day = int(m.group("d"))
    if not 1 <= day <= 31:
        return None
    year, month = ref.year, ref.month
    if day > ref.day:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    try:
        return _day(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _day(year: int, month: int, day: int) -> pd.Timestamp:
    """``pd.Timestamp(year=year, month=month, day=day)``, made once for each day (a
    ValueError for a day that does not exist)."""
    return pd.Timestamp(year=year, month=month, day=day)


def _resolve_ymd(y: str | None, m: str, d: str, ref: pd.Timestamp | None) -> pd.Timestamp | None:
    month, day = int(m), int(d)
    if y:
        years = [int(y)]
    elif ref is None:
        return None
    else:
        years = [ref.year - 1, ref.year, ref.year + 1]
        if ref.tz is None and 1700 < ref.year < 2200:
            # the same choice by whole nanoseconds, without Timestamps to subtract
            ref_ns = ref.value
            best_year, best_d = None, 0
            for y in years:
                try:
                    d = abs((date(y, month, day).toordinal() - _EPOCH_DAY) * _DAY_NS - ref_ns)
                except ValueError:
                    continue
                if best_year is None or d < best_d:
                    best_year, best_d = y, d
            return None if best_year is None else _day(best_year, month, day)
    best = None
    for y in years:
        try:
            ts = _day(y, month, day)
        except ValueError:
            continue
        if best is None or (ref is not None and abs(ts - ref) < abs(best - ref)):
            best = ts
    return best


def _nearest(matches: Sequence[tuple[int, int, object]], pos: int):
    """The match nearest to ``pos`` (a preceding one wins a tie)."""
    best, dist = None, None
    for s, e, v in matches:
        d = pos - e if e <= pos else s - pos + 0.5
        d = abs(d)
        if dist is None or d < dist:
            best, dist = (s, e, v), d
    return best


# Trigger hits are plain tuples: (start, end, word, kind, etype), offsets into the
# sentence; noun hits are (start, end, word).
# Cues are (start, end, word, status, after, etype), ``status`` without ``_after``.


@dataclass(slots=True)
class _Candidate:
    etype: str
    start: int
    words: list[str]
    rules: list[str]
    status: str
    name: str = ""
    cue: str = ""
    counterpart: str = ""
    role_name: str = ""  # what the trigger acts on (``_role_name``), when no noun names it


class _Folding:
    """Texts folded for the automata and the sentence and clause ends: each character
    of the lexicon's words to a code of its own, the other characters of the ``classes``
    to a code for the classes they are in, every other character to ``"\x00"``.

    A folded text holds a word wherever the text does, at the same offsets, but the
    automata read it about twice as fast: they look a character up among the first
    characters of their words one by one, and ``"\x00"``, which most characters
    become, is the first one they try (each automaton starts with a word of
    ``"\x00"`` and a code no text holds, which never matches).

    Each of the ``views`` (the words of one automaton) gets its own folded texts, in
    which only the characters that may be in its words (``may_be_in_words``) stay
    themselves: the others are ``"\x00"`` too.
    """

    def __init__(self, views: Sequence[Iterable[str]], classes: Sequence[str]):
        views = [list(words) for words in views]
        self.n_views = len(views)  # (at most 8: a bit of ``pairs`` each)
        view_chars = [{ch for word in words for ch in word} for words in views]
        vocab = sorted(set().union(*view_chars))
        # the other characters of the classes share a code with those of the same classes
        shared: dict[tuple[int, ...], list[str]] = {}
        for ch in sorted(set("".join(classes)).difference(vocab)):
            shared.setdefault(tuple(i for i, c in enumerate(classes) if ch in c), []).append(ch)
        # (codes skip the surrogates, to stay valid text)
        values = map(chr, itertools.chain(range(1, 0xD800), range(0xE000, 0x110000)))
        self.codes = dict(zip(vocab, values, strict=False))
        for chars in shared.values():
            self.codes.update(dict.fromkeys(chars, next(values)))
        self.never = "\x00" + next(values)
        wide = ord(self.never[1]) > 0xFFFF
        narrow = ord(self.never[1]) <= 0xFF
        self.table = np.zeros(
            0x110000, dtype=np.uint8 if narrow else np.uint32 if wide else np.uint16
        )
        self.table[[ord(ch) for ch in self.codes]] = [ord(code) for code in self.codes.values()]
        self.encoding = "latin-1" if narrow else "utf-32-le" if wide else "utf-16-le"
        n_codes = ord(self.never[1]) + 1
        # whether each pair of codes (``a * n_codes + b``) is two characters next to each
        # other in a word of view ``v`` (bit ``1 << v``), and each code a word of one
        # character (``may_be_in_words``)
        self.n_codes = n_codes
        self.pairs = np.zeros(n_codes * n_codes, dtype=np.uint8)
        self.alone = np.zeros(n_codes, dtype=np.uint8)
        for v, words in enumerate(views):
            for word in words:
                codes = [ord(self.codes[ch]) for ch in word]
                self.pairs[[a * n_codes + b for a, b in itertools.pairwise(codes)]] |= 1 << v
                if len(codes) == 1:
                    self.alone[codes] |= 1 << v
        # the classes each code is in, as bits (class ``i``: ``1 << i``)
        self.class_bits = np.zeros(n_codes, dtype=np.uint8)
        for i, chars in enumerate(classes):
            self.class_bits[[ord(self.codes[ch]) for ch in chars]] |= 1 << i

    def automaton(self, words: Iterable[tuple[str, object]]) -> ahocorasick.Automaton:
        """An automaton of the folded ``words``, with their values."""
        auto = ahocorasick.Automaton()
        auto.add_word(self.never, None)
        for word, value in words:
            auto.add_word("".join(map(self.codes.__getitem__, word)), value)
        auto.make_automaton()
        return auto

    def fold(self, texts: Sequence[str]) -> np.ndarray:
        """The codes of the ``texts`` joined."""
        joined = "".join(texts)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        return self.table.take(codes)  # (``take``: faster than ``[]`` here)

    def may_be_in_words(self, folded: np.ndarray) -> list[np.ndarray]:
        """For each view, whether each of the codes ``folded`` may be in one of its words:
        next to a code it makes a pair of a word with, or a word alone. (An automaton of
        the view's words reading the others as ``"\x00"`` finds the same hits.)"""
        wide = folded.astype(np.int64)
        pair = self.pairs.take(wide[:-1] * self.n_codes + wide[1:])
        bits = self.alone.take(wide)  # (the codes as indices already: no cast again)
        bits[:-1] |= pair
        bits[1:] |= pair
        return [(bits & (1 << v)).astype(bool) for v in range(self.n_views)]

    def view(self, folded: np.ndarray, word: np.ndarray) -> str:
        """The codes ``folded`` as the text of a view: those that may be in its words
        (``word``), the others ``"\x00"``."""
        return (folded * word).tobytes().decode(self.encoding)

    def find(
        self,
        folded: np.ndarray,
        starts: np.ndarray,
        word: np.ndarray,
        automaton: ahocorasick.Automaton,
    ) -> list[list[tuple[int, object]]]:
        """What the ``automaton`` of the words of a view finds in each of the texts
        joined in ``folded`` (text ``t`` starts at ``starts[t]``; the last of ``starts``
        is the length of them all): its ``iter`` items ``(end, value)``, with ``end`` an
        offset of the text, as if it read each text on its own. ``word`` says whether each
        code may be in one of the words (``may_be_in_words``).

        (It reads them all at once, and only the characters that may be in a word: next
        to a character they make a pair of a word with (or a word of one character); a
        ``"\x00"`` for each run of other characters and at each text's start, which the
        automaton reads as it reads such a run. A twentieth of the characters, in one
        call.)
        """
        out: list[list[tuple[int, object]]] = [[] for _ in range(len(starts) - 1)]
        if not len(folded):
            return out
        keep = word.copy()
        keep[1:] |= word[:-1]  # (the first other character of each run)
        pos = np.flatnonzero(keep)
        cut = np.searchsorted(pos, starts[1:-1])
        pos = np.insert(pos, cut, -1)
        codes = folded.take(pos) * word.take(pos)
        codes[cut + np.arange(len(cut))] = 0
        found = list(automaton.iter(codes.tobytes().decode(self.encoding)))
        ends = pos.take(np.fromiter(map(_first, found), np.int64, len(found)))
        texts = np.searchsorted(starts, ends, side="right") - 1
        ends -= starts.take(texts)
        for t, end, (_, value) in zip(texts.tolist(), ends.tolist(), found, strict=True):
            out[t].append((end, value))
        return out


# the bits of the classes of characters of ``_Extractor.folding`` (``_Folding.class_bits``)
_TERMINATOR, _LINE_BREAK, _CLOSING_QUOTE, _CLAUSE_BREAK_BIT = 1, 2, 4, 8


def _sentences_and_clauses(
    classes: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Where the sentences end, and where the runs of clause breaks start and end, in
    texts joined: ``classes`` holds the class bits of each of their characters,
    ``starts`` where each text starts (and, last, the length of them all).

    A sentence ends after a run of line breaks, or after a run of terminators and the
    closing quotes right after it (what ``[。！？!?；;]+[”’」』"')）]*|\n+`` matches, in
    each text). The runs of clause breaks (what ``[，,：:\s]+`` matches in each sentence)
    stop at the end of a sentence.

    (Array operations on the few characters of the classes, in place of a regex over
    each text and each sentence.)
    """
    # the characters of the classes, by offset (through a bool array: numpy finds the
    # nonzero bools several times faster than the nonzero bytes)
    pos = np.flatnonzero(classes != 0)
    bits = classes[pos]
    first = np.zeros(len(classes) + 1, dtype=bool)
    first[starts] = True
    # the bits of the character after each (before each), when that is one of the
    # classes too, right after it in the same text; else 0
    joined = np.zeros(len(pos), dtype=bool)
    joined[1:] = (pos[1:] == pos[:-1] + 1) & ~first[pos[1:]]
    after = np.zeros_like(bits)
    after[:-1] = bits[1:] * joined[1:]
    before = np.zeros_like(bits)
    before[1:] = bits[:-1] * joined[1:]

    terminator = (bits & _TERMINATOR).astype(bool)
    line_break = (bits & _LINE_BREAK).astype(bool)
    quote = (bits & _CLOSING_QUOTE).astype(bool)
    quote_after = (after & _CLOSING_QUOTE).astype(bool)
    end = terminator & ~((after & (_TERMINATOR | _CLOSING_QUOTE)).astype(bool))
    end |= line_break & ~((after & _LINE_BREAK).astype(bool))
    # a run of closing quotes ends a sentence when a terminator comes just before it
    # (its first and last quotes: ``run_starts[i]``, ``run_ends[i]``)
    run_starts = np.flatnonzero(quote & ~((before & _CLOSING_QUOTE).astype(bool)))
    run_ends = np.flatnonzero(quote & ~quote_after)
    end[run_ends[(before[run_starts] & _TERMINATOR).astype(bool)]] = True
    ends = pos[end] + 1

    # runs of clause breaks, cut where a sentence ends
    clause_break = (bits & _CLAUSE_BREAK_BIT).astype(bool)
    break_after = clause_break & (after & _CLAUSE_BREAK_BIT).astype(bool) & ~end
    break_before = np.zeros_like(clause_break)
    break_before[1:] = break_after[:-1]
    break_starts = pos[clause_break & ~break_before]
    break_ends = pos[clause_break & ~break_after] + 1
    return ends, break_starts, break_ends


class _Batch:
    """Texts folded together (``_Folding``): the hits of the triggers in each, the
    context view of each, and where their sentences end and their runs of clause breaks
    start and end, in offsets of the texts joined."""

    __slots__ = (
        "break_ends",
        "break_starts",
        "breaks_at_end",
        "context",
        "ends",
        "first_break",
        "first_end",
        "offsets",
        "triggers",
    )

    def __init__(self, folding: _Folding, texts: Sequence[str], triggers: ahocorasick.Automaton):
        folded = folding.fold(texts)
        starts = np.fromiter(itertools.accumulate(map(len, texts), initial=0), np.int64)
        # the trigger automaton's hits in each text (view 0); the texts joined, of view 1
        trigger_chars, context_chars = folding.may_be_in_words(folded)
        self.triggers = folding.find(folded, starts, trigger_chars, triggers)
        self.context = folding.view(folded, context_chars)
        self.offsets: list[int] = starts.tolist()  # where each text starts
        ends, break_starts, break_ends = _sentences_and_clauses(
            folding.class_bits.take(folded), starts
        )
        self.ends: list[int] = ends.tolist()
        # the sentence ends of text ``t`` are ``ends[first_end[t]:first_end[t + 1]]``
        self.first_end: list[int] = np.searchsorted(ends, starts, side="right").tolist()
        self.break_starts: list[int] = break_starts.tolist()
        self.break_ends: list[int] = break_ends.tolist()
        # the first run of breaks starting at or after each text's start, each sentence end
        self.first_break: list[int] = np.searchsorted(break_starts, starts).tolist()
        self.breaks_at_end: list[int] = np.searchsorted(break_starts, ends).tolist()


@lru_cache(maxsize=1)
def _clause_break_chars() -> str:
    """The characters that end clauses (``_CLAUSE_BREAK``): ，,：: and the spaces, all in
    the BMP (the regex says which)."""
    # (the BMP without the surrogates as one text, decoded at once: ten times faster than
    # joining 63,488 one-character strings)
    bmp = np.r_[0:0xD800, 0xE000:0x10000].astype(np.uint32).tobytes().decode("utf-32-le")
    return "".join(m.group() for m in _CLAUSE_BREAK.finditer(bmp))


def _context_table(context: ahocorasick.Automaton, folding: _Folding) -> ahocorasick.Automaton:
    """The context automaton, folded, with each word's entries split into nouns,
    excludes and cues."""
    words = []
    for word, (_, entries) in context.items():
        nouns = tuple(etype for kind, etype in entries if kind == "noun")
        excludes = tuple(etype for kind, etype in entries if kind == "exclude")
        cues = tuple(
            (kind[: -len("_after")], True, etype)
            if kind.endswith("_after")
            else (kind, False, etype)
            for kind, etype in entries
            if kind != "noun" and kind != "exclude"
        )
        words.append((word, (len(word) - 1, word, nouns, excludes, cues)))
    return folding.automaton(words)


class _SentenceContext:
    """Nouns, cues and exclusions of one sentence."""

    __slots__ = ("books", "cues", "excludes", "nouns", "text")

    def __init__(self, text: str, folded: str, table: ahocorasick.Automaton):
        self.text = text
        nouns: dict[str, list[tuple]] = {}
        cues: list[tuple] = []
        excludes: list[tuple[int, int, str]] = []
        for end, (span, word, noun_types, exclude_types, cue_entries) in table.iter(folded):
            start = end - span
            end += 1
            if noun_types:
                hit = (start, end, word)
                for etype in noun_types:
                    lst = nouns.get(etype)
                    if lst is None:
                        nouns[etype] = [hit]
                    else:
                        lst.append(hit)
            if exclude_types:
                for etype in exclude_types:
                    excludes.append((start, end, etype))
            if cue_entries:
                for status, after, etype in cue_entries:
                    cues.append((start, end, word, status, after, etype))
        self.excludes = excludes
        if excludes:
            cues = [c for c in cues if not self.excluded(c[0], c[1], "")]
            for etype, hits in nouns.items():
                nouns[etype] = [h for h in hits if not self.excluded(h[0], h[1], etype)]
        self.nouns = nouns
        self.cues = cues
        self.books = "《" in text

    def excluded(self, start: int, end: int, etype: str) -> bool:
        for x_start, x_end, x_etype in self.excludes:
            if x_start <= start and end <= x_end and (not x_etype or x_etype == etype):
                return True
        return False


def _clause(breaks: tuple, at: int) -> tuple[int, int, int]:
    """(start, end) of the clause holding offset ``at`` of a sentence, and where the
    clause before it ends (-1 when there is none).

    ``breaks`` is ``(starts, ends, k_lo, k_hi, s0, n)``: the sentence's runs of clause
    breaks are [starts[k], ends[k]) for k in [k_lo, k_hi), in offsets where the sentence
    starts at ``s0``; ``n`` is its length.
    """
    starts, ends, k_lo, k_hi, s0, n = breaks
    if k_lo == k_hi:
        return 0, n, -1
    # the first run ending after ``at`` ends the clause
    k = bisect_right(ends, s0 + at, k_lo, k_hi)
    hi = starts[k] - s0 if k < k_hi else n
    if k == k_lo:
        return 0, hi, -1
    return ends[k - 1] - s0, hi, starts[k - 1] - s0


def _after_lead(breaks: tuple, prev_end: int) -> bool:
    """Whether the clause before (ending at ``prev_end``, -1 when none) is the sentence's
    first and is short (at most 12 characters): a lead such as ``2019年,`` or ``去年,``
    whose time holds for the clause after it."""
    return 0 <= prev_end <= 12 and _clause(breaks, max(prev_end - 1, 0))[0] == 0


# a clause that is only a time (去年9月, 2019年, 前年7月初): its time holds for the clause
# after it, wherever it stands (李强表示,去年9月,习近平主席同…举行会晤)
_TIME_CLAUSE = re.compile(
    r"(?:去年|前年|今年|(?:19|20)\d{2}\s*年)(?:\d{1,2}\s*月(?:\d{1,2}\s*日)?)?"
    r"(?:份|初|底|中旬|上旬|下旬)?"
    r"|“?十[一二三四五六七八九]五”?(?:时期|期间|以来)"
)
# a five-year plan's period as the time of a clause (“十四五”时期，…): a period that began
# before the issue's year is looked back on (its events are background); the plans are
# numbered from the third, 1966-1970 (十三五 2016, 十四五 2021, 十五五 2026)
_PLAN_PERIOD = re.compile(r"\s*“?十([一二三四五六七八九])五”?(?:时期|期间|以来)")
_PLAN_NUMBER = {c: i for i, c in enumerate("一二三四五六七八九", start=11)}


def _plan_start(number: str) -> int:
    return 1966 + 5 * (_PLAN_NUMBER[number] - 3)


def _time_start(sentence: str, breaks: tuple, lo: int, prev_end: int) -> int:
    """Where the time of the clause starting at ``lo`` is read from: the sentence's start
    after a short first clause (``_after_lead``), one of the three clauses before it when
    that is only a time (``_TIME_CLAUSE``), else ``lo``."""
    if prev_end < 0:
        return lo
    if _after_lead(breaks, prev_end):
        return 0
    for _ in range(3):  # (the time holds over a few clauses: 去年9月,甲同乙会谈,见证签署…)
        p_lo, _, p_prev = _clause(breaks, max(prev_end - 1, 0))
        if _TIME_CLAUSE.fullmatch(sentence, p_lo, prev_end) is not None:
            return p_lo
        if p_prev < 0:
            break
        prev_end = p_prev
    return lo


def _name(
    ctx: _SentenceContext, lex: Lexicon, etype: str, start: int, end: int, c_lo: int, c_hi: int
) -> str:
    """The event's or document's own name near the trigger at [start, end), or ``""``.

    [c_lo, c_hi) is the trigger's clause.
    """
    text = ctx.text
    if ctx.books:
        books = [(m.start(), m.end(), m.group(0)) for m in _BOOK_TITLE.finditer(text, c_lo, c_hi)]
        if books:
            after = [b for b in books if b[0] >= end]
            return (after[0] if after else books[-1])[2]
    all_nouns = ctx.nouns.get(etype)
    if not all_nouns:
        return ""
    if c_lo == 0 and c_hi == len(text):  # the whole sentence: every noun is in it
        nouns = all_nouns
    else:
        nouns = [h for h in all_nouns if c_lo <= h[0] and h[1] <= c_hi]
    if not nouns:
        return ""
    generic = lex.generic.get(etype, _EMPTY)
    # the longest noun starting at the first noun after the trigger
    first, noun_end = -1, -1
    for h in nouns:
        s = h[0]
        if s >= end:
            if first < 0 or s < first:
                first, noun_end = s, h[1]
            elif s == first and h[1] > noun_end:
                noun_end = h[1]
    if first >= 0:
        lo = end
        for m in _NAME_STOP.finditer(text, end, noun_end):
            if m.end() < noun_end:
                lo = m.end()
        name = _clean_name(text[lo:noun_end], generic)
        if name:
            if _NAME_SPLIT.search(name):
                return _split_name(name, ctx, etype, noun_end - len(name), noun_end, generic)
            return name
    noun_end = -1
    for h in nouns:
        e = h[1]
        if e <= start and e > noun_end:
            noun_end = e
    if noun_end >= 0:
        lo = c_lo
        for m in _NAME_STOP.finditer(text, c_lo, noun_end):
            if m.end() < noun_end:
                lo = m.end()
        name = _clean_name(text[lo:noun_end], generic)
        if name:
            if _NAME_SPLIT.search(name):
                return _split_name(name, ctx, etype, noun_end - len(name), noun_end, generic)
            return name
    return ""


# Types named by what the trigger acts on when no noun of the type names them: the
# object after the trigger (发布办理…工作指引, 推出…活动), else the subject before it
# (…铁路格尔隧道顺利贯通, …赔偿机制已成功启动). Meetings have named nouns; visits their
# counterparts.
_ROLE_NAMED = frozenset({"release", "launch", "project", "establishment", "unveiling", "signing"})
# what starts a trigger's object: 了 is skipped; 的 (推出的…), 后, 以来 … start no object
_OBJECT_SKIP = re.compile(r"了|出了")
_NO_OBJECT = re.compile(
    r"的|后|以来|之|时|等|和|及|、|并|暨|仪式|初期|\s|“?[，,。；;：:！？]"
    r"|今天|今日|昨天|近日|日前|当天|[\d一二三四五六七八九十两]+(?:周?年|个月|天|周)"
)
# where an object stops on its right: a report verb (发布数据显示), a comparison
_OBJECT_STOP = re.compile(  # (the lookahead: the first characters, a quick way out)
    r"(?=[显表称说指强提明要以为供给在于，,。；;！？!?])"
    r"(?:显示|表明|称|说(?!明)|表示|指出|强调|提出|明确|要求|以|为|供|给|(?<![存现正所实])在"
    r"|(?<![关对由至属基])于|[，,。；;！？!?])"
)
# triggers whose object is a place (落户无锡): named by their subject
_PLACE_OBJECT = ("落户", "入驻", "进驻")
# where a subject stops on its right (the adverbs and places between it and the trigger)
_SUBJECT_STOP = re.compile(  # (the lookahead: the first characters, a quick way out)
    r"(?=[在于将已也还正均都顺全开成今近日当同率首再共联集陆自从\d（(])"
    r"(?:在|于|将|已|也|还|正|均|都|正式|顺利|全线|全面|开始|成功|今天|今日|近日|日前|当天|同步"
    r"|率先|首次|再次|共同(?!体)|联合(?!.*(?:院|所|中心|实验室|联盟|会|体|站|基地|平台)$)|集中"
    r"|陆续|自|从|\d{1,2}\s*月|\d{1,2}\s*[日号]|(?:19|20)\d\d\s*年"
    r"|（|\()"
)
# another trigger word right before the trigger (…研究院揭牌成立): not the subject's
_SUBJECT_TAIL = re.compile(r"(?:揭牌|挂牌|授牌|正式|同时|并)+$")
# where a subject starts: after the last of these before its end
_SUBJECT_START = re.compile(r"的|是|了|与|和|对|——|—|“(?=[^”]*$)")


def _role_name(
    sentence: str, word: str, start: int, end: int, lo: int, hi: int, subject: bool = True
) -> str:
    """The name of an event by what its trigger ``word`` at [start, end) acts on, in its
    clause [lo, hi): the object after it (up to a report verb or the clause's end), else,
    when the trigger ends its clause and ``subject``, the subject before it (from the
    last particle or dash to the first adverb or place phrase); ``""`` when neither is a
    name of 2 to 30 characters. The object of ``落户`` is a place, not a name."""
    pos = end
    m = _OBJECT_SKIP.match(sentence, pos, hi)
    if m is not None:
        pos = m.end()
    rest = sentence[pos:hi].rstrip(_TERMINATORS + _CLOSING_QUOTES)
    if rest and not word.endswith(_PLACE_OBJECT):  # the object
        if _NO_OBJECT.match(sentence, pos, hi) is not None:
            return ""
        stop = _OBJECT_STOP.search(sentence, pos, hi)
        obj = sentence[pos : stop.start() if stop is not None else hi].strip("“”\"' ")
        if 2 <= len(obj) <= 30:
            return obj
        return ""
    if (rest and not word.endswith(_PLACE_OBJECT)) or not subject:  # 出席签约仪式: neither
        return ""
    head = _SUBJECT_TAIL.sub("", sentence[lo:start])  # (…研究院揭牌|成立: the other trigger)
    stop = _SUBJECT_STOP.search(head)
    if stop is not None:
        head = head[: stop.start()]
    first = 0
    for m in _SUBJECT_START.finditer(head):
        first = m.end()
    subject = head[first:].strip("“”\"' ")
    return subject if 2 <= len(subject) <= 30 else ""


# a launch word whose clause names a work, a line or a plant is that project put into
# service (盘兴高铁正式开通, …总装线正式启用), not a service or campaign launched
_INTO_SERVICE = frozenset({"开通", "启用", "投入使用"})
_INFRASTRUCTURE = re.compile(
    r"铁路|高铁|城际|地铁|轨道交通|高速|公路|隧道|大桥|机场|港口|码头|航道|电站|工程|生产线|总装线"
    r"|工厂|管道|电网|供热|供暖"
)
# the type whose event absorbs a candidate of another type in the same sentence
_ABSORBED_BY = {"release": "launch", "unveiling": "establishment"}
# a named noun counted or qualified by a class word is no name (多场分论坛, 各类座谈会)
_COUNTED = re.compile(
    r"^(?:多|各|数|几|若干|系列|一系列|(?:\d+|[一二三四五六七八九十两]+)[万千百]?[多余]?)"
    r"\s*(?:场|个|类|种|批|项|次)?"
    r"(?:平行|专题|配套|系列)?(?:分)?(?:会议|论坛|大会|峰会|座谈会|研讨会|交流会|推介会|洽谈会"
    r"|对接会|招聘会|吹风会|展览会|博览会|年会|全会)$"
)
# a count after the trigger in its clause (新设立外商投资企业4.89万家, 开通12条航线):
# a period statistic, not one happening
_COUNT = re.compile(r"[\d.]+\s*(?:多|余)?\s*(?:万|亿)?\s*(?:多|余)?\s*[家个项处条张座所支批台套]")
# a meeting cited for its outcome, not reported (落实…峰会成果, 领会全会精神, 全会的重大
# 意义, 峰会通过的文件); what it proposed (全会提出…) is still read as a report of it
_CITED = re.compile(
    r"(?:召开|胜利召开|成功召开)?(?:的)?(?:成果|精神|重大意义|重要意义|历史意义|决策部署|部署|作出的|通过的)"
)
# the spirit of a speech given at a meeting, studied (学习贯彻…在…大会上的重要讲话精神)
_SPEECH_STUDIED = re.compile(r"上的(?:重要)?讲话精神")
# a reporter's own tour (记者来到…, 记者近日走访…) is how the news was gathered, no visit
_REPORTER = re.compile(r"记者[^，,。；;：:]{0,4}$")
# coming somewhere to work or live there (一毕业就来到这里工作) is no visit (考察工作 is)
_ARRIVING = frozenset({"来到", "走进"})
_SETTLING = re.compile(
    r"[^，,。；;]{0,12}?(?<!参观|考察|调研)(?:工作|生活|定居|就业|任职|上学|扎根)"
)
# a sum (投资575亿元, 投资超千亿), and what makes a trigger one (总投资, 完成投资)
_AMOUNT = re.compile(
    r"[^，,。；;]{0,2}?(?:超|达|约|近|逾)?[\d.一二三四五六七八九十百千]+\s*(?:多|余)?\s*[万亿]"
)
_AMOUNT_BEFORE = re.compile(r"(?:总|完成|累计|新增|实际|计划|协议|固定资产)$")
# an anniversary (成立25周年, 新中国成立70周年)
_ANNIVERSARY = re.compile(r"\s*(?:\d+|[一二三四五六七八九十百]+)\s*周年")
# where a named noun's name stops on its left (``_NAME_STOP`` without 正式, 共同, 联合 …,
# which names hold: 领导人非正式会议)
_NAMED_STOP = re.compile(  # (the lookahead: the first characters, a quick way out)
    r"(?=[在于由是的了将把被向为对与出参举召主承当上下致祝值注听\d])"
    r"(?:在|于|由|是|的|了|将|把|被|向|为|对(?!接|话)|与会|出席|参加|举办|举行|召开|主办|承办|主持"
    r"|当天|上午|下午|致信?(?!公)|祝贺|值此|注意到|听取"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号])"
)
# verbs of carrying out a meeting's line, not of holding it (落实…全会部署)
_PLEDGE = re.compile(r"^(?:全面|深入|认真)?(?:学习|宣传|贯彻|落实|领会|传达)+")
# a number of times (两度会晤, 多次举行会谈, 3次召开)
_REPEATED = re.compile(r"(?:[两几数多屡]|\d+)[度次](?:举行|进行|召开|举办)?$")
# a habit, not one happening (每年举办一场论坛, 定期召开, 常态化开展)
_HABITUAL = re.compile(r"每年|每月|每季度|每周|每届|定期|常态化")
# many actors or things: a trend, not one happening (纷纷启动, 先后推出, 密集上线)
_MANY_BEFORE = re.compile(r"(?:纷纷|先后|密集|陆续|相继|不断|持续)(?:地)?$")
# … or a time measured from it (开通后, 开通以来, 开通初期, 开通四年, 开通运营满四年)
_MANY_AFTER = re.compile(
    r"(?:了)?(?:更多|一系列|多项|多个|一批|各类)|后$|以来|之日|初期|之初|伊始|(?:运营|运行)?满"
    r"|(?:\d{1,2}|[一二三四五六七八九十两]+)(?:个月|年)(?![度\d])"
)
# … or a subject of many actors (多地在社区设立…, 多家企业推出…; 多个项目启动 at one
# occasion is one happening)
_MANY_SUBJECT = re.compile(r"多地|各地|多家|许多|不少|一些|众多|越来越多")
_OCCASION = re.compile(r"现场|集中|仪式|会上|当天|当日")
_COUNTABLE_TYPES = frozenset({"establishment", "launch", "release", "project", "unveiling"})


def _not_a_happening(sentence: str, etype: str, lo: int, start: int, end: int, hi: int) -> bool:
    """A trigger (at [start, end) in its clause [lo, hi)) that reports no one happening:
    an anniversary right after it, a number of times just before it (两度会晤, 多次召开),
    a habit before it in its clause (每年举办, 定期召开),
    many actors or things (纷纷启动, 先后推出, 推出更多, 推出一系列, a clause whose
    subject is many: 多地在社区设立…), a time after it (开通后, 开通以来, 开通运营满四年,
    签署之日),
    or (for types that statistics count) a count after it, unless the clause sets it at
    one occasion (现场集中签约项目20个); a 贯通 without a line, tunnel or work in its
    clause is a figure of speech.

    (A regex call costs several times a test for a word in the sentence: the checks whose
    regex needs a word most sentences lack, 周年 or 次/度, test for it first.)"""
    if "周年" in sentence and _ANNIVERSARY.match(sentence, end, min(hi, end + 8)):
        return True
    if etype == "meeting" and (
        _CITED.match(sentence, end, hi) is not None
        or _SPEECH_STUDIED.match(sentence, end, hi) is not None
    ):
        return True
    if etype == "project" and (
        _AMOUNT.match(sentence, end, hi) is not None
        or _AMOUNT_BEFORE.search(sentence, max(lo, start - 3), start) is not None
    ):
        return True  # a sum invested (总投资575亿元, 完成投资超千亿), no one happening
    if (
        etype == "project"
        and sentence.startswith("贯通", start)
        and _INFRASTRUCTURE.search(sentence, lo, hi) is None
    ):
        return True  # 正风肃纪反腐相贯通: joined up, no tunnel or line broken through
    if etype == "visit" and (
        _REPORTER.search(sentence, max(lo, start - 8), start) is not None
        or (sentence[start:end] in _ARRIVING and _SETTLING.match(sentence, end, hi) is not None)
    ):
        return True
    if ("次" in sentence or "度" in sentence) and _REPEATED.search(
        sentence, max(lo, start - 6), start
    ) is not None:
        return True
    if _HABITUAL.search(sentence, lo, start) is not None:
        return True
    if _MANY_BEFORE.search(sentence, max(lo, start - 3), start) is not None:
        return True
    if _MANY_AFTER.match(sentence, end, hi) is not None:
        return True
    if etype in _COUNTABLE_TYPES and _MANY_SUBJECT.match(sentence, lo, start) is not None:
        return True
    return (
        etype in _COUNTABLE_TYPES
        and _COUNT.search(sentence, end, min(hi, end + 16)) is not None
        and _OCCASION.search(sentence, lo, end) is None
    )


# a fair's edition right before its short name (第八届|进博会, 2025年|服贸会)
_EDITION = re.compile(r"(?:第[0-9一二三四五六七八九十百]+届|(?:19|20)[0-9]{2}年?)$")


def _named(ctx: _SentenceContext, lex: Lexicon, etype: str, start: int, end: int, c_lo: int) -> str:
    """The name a ``named`` noun at [start, end) carries: the text from the last name
    stop of its clause (which starts at ``c_lo``) to its end, when that says more than
    the noun and is no count of it (``多场分论坛``); else ``""``.

    (A name is at least 3 characters longer than its noun, and cleaning it only takes
    characters off: with fewer than 3 before the noun there is none, read no further.)"""
    if start - c_lo < 3:
        return ""
    text = ctx.text
    lo = c_lo
    for m in _NAMED_STOP.finditer(text, c_lo, start):
        lo = m.end()
    if start - lo < 3:
        return ""
    name = _clean_name(_PLEDGE.sub("", text[lo:end]), lex.generic.get(etype, _EMPTY))
    if len(name) < end - start + 3 or "、" in name or _COUNTED.match(name):
        return ""
    return name


def _clean_name(raw: str, generic: frozenset[str]) -> str:
    name = raw.strip()
    prefix = _NAME_PREFIX.match(name)  # (anchored: the same as removing it with ``sub``)
    if prefix is not None:
        name = name[prefix.end() :]
    name = name.strip("，,、 ")
    if not name or name in generic or len(name) > 60:
        return ""
    if _NAME_BREAK.search(name):
        return ""
    return name


def _split_name(
    name: str, ctx: _SentenceContext, etype: str, lo: int, hi: int, generic: frozenset[str]
) -> str:
    """``A和B`` as ``A、B`` (``name`` holds a ``_NAME_SPLIT``) when each part is a name of
    the type (两个平台揭牌)."""
    ends = {h[1] for h in ctx.nouns.get(etype, ()) if lo <= h[0] and h[1] <= hi}
    parts, pos = [], lo
    for m in _NAME_SPLIT.finditer(name):
        parts.append((pos, lo + m.start()))
        pos = lo + m.end()
    parts.append((pos, hi))
    if all(e in ends and ctx.text[s:e] not in generic and e - s > 2 for s, e in parts):
        return "、".join(ctx.text[s:e] for s, e in parts)
    return name


# a release between a trigger and a proposal word after it: the proposal is the document
# released (全会审议通过…规划建议: the plenum is no proposal)
_RELEASED_BEFORE = re.compile(r"审议通过|通过了|发布了?|印发了?|公布了?")


def _status(
    ctx: _SentenceContext, etype: str, start: int, end: int, lo: int, hi: int
) -> tuple[str, str]:
    """(status, cue) from cue words in the clause [lo, hi) of the trigger at [start, end).

    ``topic`` means not an event.
    """
    cues = ctx.cues
    if not cues:
        return "reported", ""
    found: dict[str, str] = {}
    quoted = None
    for c_start, c_end, word, status, after, c_etype in cues:
        if c_etype and c_etype != etype:
            continue
        if quoted is None:
            text = ctx.text
            quoted = (
                [
                    q
                    for m in _QUOTED.finditer(text, lo, hi)
                    if not ((q := m.span())[0] < start < q[1])
                ]
                if "“" in text[lo:hi] or "《" in text[lo:hi]
                else []
            )
        if quoted and any(q0 < c_start and c_end < q1 for q0, q1 in quoted):
            continue  # a cue in a name or quoted words the trigger is not in (“…见习计划”)
        if after:
            if status == "future" and (
                etype == "release" or _RELEASED_BEFORE.search(ctx.text, end, c_start)
            ):
                continue  # the document released may itself be one (审议通过…规划建议)
            if end <= c_start and c_end <= hi and status not in found:
                found[status] = word
        elif lo <= c_start and c_end <= start and status not in found:
            found[status] = word
    if found:
        for status in _STATUS_ORDER:
            word = found.get(status)
            if word is not None:
                return status, word
    return "reported", ""


# what follows an organisation named only as a person's title (国务院总理李强,
# 中共中央政治局常委, 斯洛文尼亚国民委员会主席) or as a news source (新华社记者,
# 新华社北京11月3日电, 央视网消息): it does not take part in the event
_TITLE_AFTER = re.compile(
    r"(?:政治局)?(?:前|原)?(?:副|常务副|第一副|执行)?(?:总理|总统|主席|委员长|常委|委员(?!会)|总书记|书记|部长|秘书长"
    r"|主任|院长|局长|省长|市长|区长|县长|州长|大使|发言人|负责人|董事长|总经理|总裁|首席|会长"
    r"|理事长|校长|行长|署长|司长|厅长|处长|议长|首相|团长|党组|党委|院士|教授|研究员|专家"
    r"|检察长|总编辑|主编|社长|台长|馆长|所长|站长|经理|董事|监事"
    r"|(?:有关|各部门|党政|主要)*(?:领导|负责)同志)"
)
_SOURCE_AFTER = re.compile(r"记者|消息|讯|发[（(]|[\u4e00-\u9fff]{0,4}\d{1,2}月\d{1,2}日[电讯]")
# a name that starts a document's name (海南自由贸易港法, …保税区条例): the document
# is named, not the body
_DOCUMENT_AFTER = re.compile(r"法(?![院人国律规务治制定学])|条例|办法|纲要|总体方案")
_SOURCE_BEFORE = re.compile(r"(?:据|来源[：:]\s*)$")
# the three above in one regex, to try them with one call (``_acting``): a news source or a
# document's name after a name (no group), else a person's title (the group ``title``)
_NOT_ACTING_AFTER = re.compile(
    rf"(?:{_SOURCE_AFTER.pattern})|(?:{_DOCUMENT_AFTER.pattern})|(?P<title>{_TITLE_AFTER.pattern})"
)
_BRACKETS = re.compile(r"（[^（）]*）|\([^()]*\)")
# what ends a meeting named as the setting of another happening (在…大会上, 在…会议
# （COP30）期间)
_SETTING_AFTER = re.compile(r"(?:（[^（）]*）|\([^()]*\))?(?:开幕式上|闭幕式上|期间|上)[，,]?")


def _setting(sentence: str, breaks: tuple, cand: _Candidate) -> tuple[int, int] | None:
    """[start, end) of the ``在…上``/``在…期间`` phrase of the sentence naming the meeting
    ``cand`` as the setting of something else, or None. (The phrase must be followed by
    more of the sentence: ``…大会在京召开`` is the meeting itself.)"""
    pos = cand.start
    for word in cand.words:
        i = sentence.find(word, pos)
        if i >= 0:
            pos = i + len(word)
    m = _SETTING_AFTER.match(sentence, pos)
    if m is None or not sentence[m.end() :].strip(_TERMINATORS + _CLOSING_QUOTES + " "):
        return None
    lo = _clause(breaks, cand.start)[0]
    at = sentence.rfind("在", lo, cand.start)
    return (at, m.end()) if at >= 0 else None


# a sentence opening at a meeting told before (座谈会上，…负责同志作了发言): the bodies it
# names (through their officials too) take part in that meeting
_AT_THE_MEETING = re.compile(
    r"\s*(会|会议|座谈会|研讨会|大会|论坛|峰会|开幕式|仪式|活动)(?:上|期间)[，,]"
)
_BODY_OFFICIALS = re.compile(r"(?:有关|主要)?(?:负责同志|负责人)")
# a sentence opening (after a short lead: 当天,) with a subject carried over from the
# sentence before it (双方还将…, 该公司…, 此外…): its participants are that sentence's
_CARRIED = re.compile(
    r"\s*(?:[^，,。；;]{1,10}[，,]\s*)?(?:双方|两国|三方|各方|多方|该|其|此外|随后|同时|之后|此前|目前|下一步|他们|他们还|并)"
)


def _acting(
    mentions: _Mentions, rows: Sequence[int], text: str, lo: int, hi: int, titles: bool = False
) -> list[int]:
    """The ``rows`` of mentions (in ``text``, in the sentence [lo, hi)) that may take
    part in an event: not an organisation named only in a person's title or as the news
    source (followed by a post, ``记者``, ``…电``; after ``据``; with ``titles`` a name in
    a person's title takes part: the one met in a visit acts through its official,
    ``会见…康明斯副总裁``), nor a name inside
    brackets (a document's issuer: ``（国家发展改革委公告2025年第4号）``), starting a
    document's name (``海南自由贸易港法``) or inside a
    document's title (``《国务院关于…的批复》``, ``《联合国气候变化框架公约》秘书处``: the
    document, not the body, is named)."""
    cols = mentions.columns
    starts, ends, kinds = cols.starts, cols.ends, cols.kinds
    brackets = None
    out = []
    for k in rows:
        kind = kinds[k]
        if kind == "person" or kind == "place":
            continue
        start, end = starts[k], ends[k]
        after = _NOT_ACTING_AFTER.match(text, end)
        if (after is not None and not (titles and after.group("title") is not None)) or (
            start and _SOURCE_BEFORE.search(text, max(start - 4, 0), start) is not None
        ):
            continue
        if brackets is None:
            sentence = text[lo:hi]
            brackets = (
                [m.span() for m in _BRACKETS.finditer(text, lo, hi)]
                if "（" in sentence or "(" in sentence
                else []
            )
            if "《" in sentence:
                brackets += [m.span() for m in _BOOK_TITLE.finditer(text, lo, hi)]
        if brackets and any(p < start and end < q for p, q in brackets):
            continue
        out.append(k)
    return out


# A visit is one of three happenings: a meeting with someone (会见, 接见), talks (会谈,
# 会晤) or a trip (访问, 访华); a tour word (考察, 调研, 来到 …) is the trip or meeting it is
# reported with (会见来锡考察的…), or a tour of its own. Each 会见 and each 会谈 with
# another person is its own event (会见普拉博沃时… 会见布安时…).
_VISIT_KIND = (
    ("会见", "会见"),
    ("接见", "会见"),
    ("会谈", "会谈"),
    ("会晤", "会谈"),
    ("访", "访问"),
)
# the one met: after the trigger (会见新西兰总理拉克森, 会见拉克森时), or between 同/与/和
# and it (同议长布朗利举行会谈)
_COUNTERPART_AFTER = re.compile(r"了?([^，,。；;：:、\s]{1,24}?)(?:时|期间|$)")
_COUNTERPART_BEFORE = re.compile(r"(?:同|与|和)([^，,。；;：:、\s同与和]{1,16}?)(?:举行|进行)?$")


# what a leader inspects on a tour (察看…成果展示) is a thing, no stop of the tour: the
# inspection is part of the tour it is reported with
_INSPECTS = frozenset({"察看"})
# what a tour goes to: the place after the tour word, to the end of its clause or list
# item (来到中国农业银行北京市分行营业部，; 走进…产业园、…研究所)
_VISITED = re.compile(r"了?([^，,。；;：:、\s]{2,30}?)(?:[，,。；;：:、\s]|时|$)")


def _visit_kind(word: str) -> str:
    for part, kind in _VISIT_KIND:
        if part in word:
            return kind
    return ""


def _counterpart(sentence: str, kind: str, start: int, end: int, lo: int, hi: int) -> str:
    """``kind|the one met`` for a visit trigger at [start, end) of the clause [lo, hi):
    the text after it (会见…), else before it after 同/与/和 (同…会谈); a trip or tour
    has none (its kind only)."""
    if not kind:
        # a tour: what it goes to (来到…营业部, 走进…产业园), to tell the stops of one
        # article apart (王江还来到… 李国英还来到…)
        m = _VISITED.match(sentence, end, hi)
        return f"|{m.group(1)}" if m is not None else ""
    if kind not in ("会见", "会谈"):
        return kind
    m = _COUNTERPART_BEFORE.search(sentence, lo, start)
    if m is not None:
        return f"{kind}|{m.group(1)}"
    m = _COUNTERPART_AFTER.match(sentence, end, hi)
    return f"{kind}|{m.group(1)}" if m is not None else kind


def _counterparts_agree(a: str, b: str) -> bool:
    """Two visits may be one: the same kind (a tour agrees with any), and the one met
    named in one is in the other (拉克森, 新西兰总理拉克森) or not named in one of them."""
    if a == b or not a or not b:
        return True
    ka, _, pa = a.partition("|")
    kb, _, pb = b.partition("|")
    if ka != kb:
        return not ka or not kb  # (a tour is part of any trip or meeting)
    return not pa or not pb or pa in pb or pb in pa


def _verb_has_noun(
    ctx: _SentenceContext, etype: str, start: int, end: int, lo: int, hi: int, prev_end: int
) -> str:
    """The noun a ``verb`` trigger needs, in its clause [lo, hi) or ending the clause before
    it (which ends at ``prev_end``; -1 when there is none)."""
    nouns = ctx.nouns.get(etype)
    if not nouns:
        return ""
    best, best_d = None, None
    for h in nouns:
        h_start, h_end = h[0], h[1]
        if lo <= h_start and h_end <= hi:
            d = min(abs(h_end - start), abs(h_start - end))
            if best_d is None or d < best_d:
                best, best_d = h, d
    if best is not None:
        return best[2]
    if prev_end >= 0:
        for h in nouns:
            if h[1] == prev_end:
                return h[2]
    return ""


@dataclass(slots=True)
class _Event:
    article_id: str
    fld: str
    sent_idx: int
    etype: str
    start: int  # trigger offset in the field
    trigger: str
    sentence: str
    date: pd.Timestamp | None
    date_source: str
    place: str
    name: str
    parks: list[str]
    orgs: list[str]
    status: str
    rules: list[str]
    from_article: bool
    anaphoric: bool = False
    confidence: float = 0.0
    counted: bool = True
    counterpart: str = ""  # a visit's own kind and the one met (``会见|拉克森``)


_READERS: dict[int, tuple] = {}  # id(lexicon) -> (lexicon, its ``_readers``)


def _readers(lex: Lexicon) -> tuple[_Folding, ahocorasick.Automaton, ahocorasick.Automaton]:
    """How texts are folded for the lexicon's two views (the triggers, the context) and
    their automata, folded: the context's (``_context_table``) and the triggers'. Made
    once for each lexicon (``load_event_lexicon`` gives the same one while its file is
    unchanged)."""
    got = _READERS.get(id(lex))
    if got is None or got[0] is not lex:
        folding = _Folding(
            (lex.triggers.keys(), lex.context.keys()),
            (_TERMINATORS, "\n", _CLOSING_QUOTES, _clause_break_chars()),
        )
        triggers = folding.automaton(
            (word, (len(word) - 1, word, entries)) for word, (_, entries) in lex.triggers.items()
        )
        if len(_READERS) >= 8:
            _READERS.clear()
        got = _READERS[id(lex)] = (lex, folding, _context_table(lex.context, folding), triggers)
    return got[1:]


class _Extractor:
    def __init__(self, lex: Lexicon):
        self.lex = lex
        # the issue's date of the article being read (its own date when it has none): a
        # day of the month alone (23日下午，…) is a day up to it
        self.issue: pd.Timestamp | None = None
        self.place_re, self.place_table = _places()
        self.cities = frozenset(self.place_table.values())
        self.folding, self.table, self.triggers = _readers(lex)
        self._dates: dict[tuple, pd.Timestamp | None] = {}
        self._limits: dict[pd.Timestamp, tuple[pd.Timestamp, pd.Timestamp]] = {}
        self._limits_of: pd.Timestamp | None = None
        self._last_limits: tuple[pd.Timestamp, pd.Timestamp] | None = None
        # how far ``_earlier_date`` read the current field: (before, resume at, last date)
        self._field_dates: tuple[int, int, re.Match | None] | None = None

    def field_events(
        self,
        aid: str,
        fld: str,
        text: str,
        batch: _Batch,
        t: int,
        ref: pd.Timestamp | None,
        article_date: pd.Timestamp | None,
        mentions: _Mentions,
    ) -> list[_Event]:
        """The events of a field, text ``t`` of the ``batch``.

        (One loop over the sentences that hold a trigger; ``_events`` makes the events of
        the candidates it finds in each.)
        """
        if not text:
            return []
        hits = batch.triggers[t]
        if not hits:
            return []
        self._field_dates = None
        # the sentence ends of the field are ``bounds[e_lo:e_hi]``, in offsets of the batch
        # (``base`` is where the field starts); the sentences are numbered from ``e_lo``
        base = batch.offsets[t]
        bounds, e_lo, e_hi = batch.ends, batch.first_end[t], batch.first_end[t + 1]
        by_sentence: dict[int, list[tuple[int, int, str, tuple]]] = {}
        for end, (span, word, entries) in hits:
            start = end - span
            idx = bisect_right(bounds, base + start, e_lo, e_hi)
            lst = by_sentence.get(idx)
            if lst is None:
                by_sentence[idx] = [(start, end + 1, word, entries)]
            else:
                lst.append((start, end + 1, word, entries))

        lex, table = self.lex, self.table
        b_starts, b_ends = batch.break_starts, batch.break_ends
        breaks_at_end, first_break = batch.breaks_at_end, batch.first_break
        m_starts, m_ends = mentions.columns.starts, mentions.columns.ends
        events: list[_Event] = []
        n_text = len(text)
        for idx, sent_hits in by_sentence.items():
            s_lo = bounds[idx - 1] - base if idx > e_lo else 0
            s_hi = bounds[idx] - base if idx < e_hi else n_text
            sentence = text[s_lo:s_hi]
            rows = mentions.rows(fld, s_lo, s_hi)  # (the mentions inside the sentence)

            # the triggers outside mentions, book titles and exclusions
            books = (
                [(s + s_lo, e + s_lo) for s, e in map(_match_span, _BOOK_TITLE.finditer(sentence))]
                if "《" in sentence
                else None
            )
            if "（" in sentence or "(" in sentence:
                # an aside in brackets (a speech's source: （2025年3月5日在参加…时的讲话）)
                # reports nothing
                books = (books or []) + [
                    (s + s_lo, e + s_lo) for s, e in map(_match_span, _BRACKETS.finditer(sentence))
                ]
            ctx = None
            raw = []
            for start, end, word, entries in sent_hits:
                if rows:
                    inside = False
                    for k in rows:  # (by start)
                        if m_starts[k] > start:
                            break
                        if end <= m_ends[k]:
                            inside = True
                            break
                    if inside:
                        continue
                if books:
                    inside = False
                    for p, q in books:
                        if p <= start and end <= q:
                            inside = True
                            break
                    if inside:
                        continue
                if ctx is None:
                    ctx = _SentenceContext(
                        sentence, batch.context[base + s_lo : base + s_hi], table
                    )
                a, b = start - s_lo, end - s_lo
                if ctx.excludes:
                    for kind, etype in entries:
                        if not ctx.excluded(a, b, etype):
                            raw.append((a, b, word, kind, etype))
                else:
                    for kind, etype in entries:
                        raw.append((a, b, word, kind, etype))
            if not raw:
                continue
            # a trigger inside a longer trigger is part of it (签约项目, 发起成立)
            kept = raw
            if len(raw) > 1:
                kept = []
                for h in raw:
                    h_start, h_end = h[0], h[1]
                    h_len = h_end - h_start
                    for o in raw:
                        if o[0] <= h_start and h_end <= o[1] and o[1] - o[0] > h_len:
                            break
                    else:
                        kept.append(h)
                kept.sort(key=_first)

            # the candidates: the triggers of one type and status
            # (the clause breaks: see ``_clause``; mostly none)
            n = len(sentence)
            breaks = (
                b_starts,
                b_ends,
                breaks_at_end[idx - 1] if idx > e_lo else first_break[t],
                breaks_at_end[idx] if idx < e_hi else first_break[t + 1],
                base + s_lo,
                n,
            )
            cands: dict[tuple[str, str], _Candidate] = {}
            nouns, cues = ctx.nouns, ctx.cues
            for h_start, h_end, word, kind, etype in kept:
                lo, hi, prev_end = _clause(breaks, h_start)
                own = ""
                if kind == "verb":
                    noun = _verb_has_noun(ctx, etype, h_start, h_end, lo, hi, prev_end)
                    if not noun and etype == "release" and ctx.books:
                        book = _BOOK_TITLE.search(sentence, h_end, hi)  # 批准了《…纲要》
                        noun = book.group(0) if book is not None else ""
                    if not noun:
                        continue
                    rule = f"verb:{word}+noun:{noun}"
                elif kind == "named":
                    own = _named(ctx, lex, etype, h_start, h_end, lo)
                    if not own:
                        continue
                    rule = f"named:{word}"
                else:
                    rule = f"{kind}:{word}"
                    if etype == "meeting" and word.endswith("会"):
                        # a fair's short name with its edition is its name (第八届进博会)
                        edition = _EDITION.search(sentence, max(lo, h_start - 12), h_start)
                        own = edition.group(0) + word if edition is not None else ""
                if (
                    etype == "launch"
                    and word in _INTO_SERVICE
                    and _INFRASTRUCTURE.search(sentence, lo, hi) is not None
                ):
                    etype = "project"  # a line, plant or work put into service
                    rule += ";project:infrastructure"
                if _not_a_happening(sentence, etype, lo, h_start, h_end, hi):
                    continue
                if cues:
                    # (a short first clause sets the time of the sentence: 去年,双方签署…; a
                    # clause of a time alone, of the clause after it)
                    st_lo = _time_start(sentence, breaks, lo, prev_end)
                    status, cue = _status(ctx, etype, h_start, h_end, st_lo, hi)
                else:
                    status, cue = _REPORTED
                if status == "topic":
                    continue
                key = (etype, status)
                vkind = _visit_kind(word) if etype == "visit" else ""
                if vkind:
                    key = (etype, status, vkind)
                cand = cands.get(key)
                if own and cand is not None and cand.name and not _names_agree(cand.name, own):
                    key = (etype, status, own)  # another named meeting of the sentence
                    cand = cands.get(key)
                if cand is None:
                    cand = cands[key] = _Candidate(etype, h_start, [], [], status, "", cue)
                    if etype == "visit" and word not in _INSPECTS:
                        cand.counterpart = _counterpart(sentence, vkind, h_start, h_end, lo, hi)
                if word not in cand.words:
                    cand.words.append(word)
                cand.rules.append(rule)
                if own and (not cand.name or (len(own) > len(cand.name) and cand.name in own)):
                    cand.name = own  # (…联席会议暨…研讨会: the whole name)
                if not cand.name and (ctx.books or etype in nouns):  # else there is none
                    cand.name = _name(ctx, lex, etype, h_start, h_end, lo, hi)
                if not cand.name and not cand.role_name and etype in _ROLE_NAMED:
                    cand.role_name = _clean_name(
                        # (a signing's subject is its parties, not what is signed)
                        _role_name(sentence, word, h_start, h_end, lo, hi, etype != "signing"),
                        lex.generic.get(etype, _EMPTY),
                    )
            if not cands:
                if rows and (at := _AT_THE_MEETING.match(sentence)) is not None:
                    self._at_the_meeting(events, at.group(1), mentions, rows, text, s_lo, s_hi)
                continue
            # a named meeting and the verb that holds it are one event, with the verb's
            # status (…峰会将于10月20日在苏州召开)
            if len(cands) > 1:
                for key, cand in list(cands.items()):
                    if not all(r.startswith("named:") for r in cand.rules):
                        continue
                    for other in cands.values():
                        if (
                            other is not cand
                            and other.etype == cand.etype
                            and not all(r.startswith("named:") for r in other.rules)
                            and _names_agree(other.name, cand.name)
                        ):
                            other.rules[:0] = cand.rules
                            other.words[:0] = [w for w in cand.words if w not in other.words]
                            if len(cand.name) > len(other.name):
                                other.name = cand.name
                            other.start = min(other.start, cand.start)
                            del cands[key]
                            break
            # a tour word beside a meeting or trip is part of it (会见来锡考察的…)
            tour = cands.get(("visit", "reported"))
            if tour is not None and len(cands) > 1:
                host = next(
                    (
                        c
                        for k, c in cands.items()
                        if len(k) == 3 and k[0] == "visit" and k[1] == "reported"
                    ),
                    None,
                )
                if host is not None:
                    host.words.extend(w for w in tour.words if w not in host.words)
                    host.rules.extend(tour.rules)
                    host.start = min(host.start, tour.start)
                    del cands[("visit", "reported")]
            # a nameless release beside a launch is the launch's own announcement; an
            # unveiling beside a founding (揭牌成立, 成立并揭牌) is the founding's ceremony:
            # one happening, and the founding says more (a body now exists)
            if len(cands) > 1:
                for key, cand in list(cands.items()):
                    into = _ABSORBED_BY.get(cand.etype)
                    host = cands.get((into, cand.status)) if into else None
                    if host is not None and (not cand.name or cand.etype == "unveiling"):
                        host.rules.append("absorbed:" + "+".join(cand.words))
                        host.words.extend(w for w in cand.words if w not in host.words)
                        if not host.name:
                            host.name = cand.name
                        del cands[key]
            for cand in cands.values():
                if not cand.name and cand.role_name:
                    cand.name = cand.role_name
                    cand.rules.append("name:role")
            # where the previous sentence starts, for a subject carried over (in the same
            # paragraph: a sentence after a line break starts afresh); -1 when none
            prev_lo = -1
            if idx > e_lo and s_lo and text[s_lo - 1] != "\n":
                prev_lo = bounds[idx - 2] - base if idx - 1 > e_lo else 0
            events += self._events(
                aid,
                fld,
                text,
                idx - e_lo,
                s_lo,
                sentence,
                breaks,
                cands,
                ref,
                article_date,
                mentions,
                rows,
                prev_lo,
            )
        return events

    @staticmethod
    def _at_the_meeting(events, noun: str, mentions, rows, text: str, s_lo: int, s_hi: int) -> None:
        """Bodies named in a sentence set at the field's last reported meeting of its
        ``noun`` (``座谈会上，中央组织部、…负责同志作了发言``: the 座谈会; ``会上``: any
        meeting) take part in it, through their unnamed officials too."""
        anyone = noun in ("会", "会议", "活动")
        meeting = next(
            (
                e
                for e in reversed(events)
                if e.etype == "meeting"
                and e.status == "reported"
                and (anyone or noun in e.name or noun in e.trigger)
            ),
            None,
        )
        if meeting is None:
            return
        # (a body's unnamed officials speak for it: 中国电子科技集团负责同志; a named
        # official's title does not: 民革中央主席郑建邦)
        ends = mentions.columns.ends
        acting = set(_acting(mentions, rows, text, s_lo, s_hi))
        acting.update(
            k
            for k in _acting(mentions, rows, text, s_lo, s_hi, True)
            if _BODY_OFFICIALS.match(text, ends[k]) is not None
        )
        parks, orgs = mentions.participants(sorted(acting))
        _add_participants(meeting, parks, orgs, "participants:at the meeting")

    def _events(
        self,
        aid,
        fld,
        text,
        idx,
        s_lo,
        sentence,
        breaks,
        cands,
        ref,
        article_date,
        mentions,
        rows,
        prev_lo,
    ) -> list[_Event]:
        """The events of the candidates of the sentence at ``s_lo`` of the field ``text``:
        participants, date, status and place.

        Participants are the parks and organisations the sentence names; a sentence
        naming none takes those of the sentence before it in its paragraph (a subject
        carried over: ``…签署协议。双方还将…``), never the whole article's.
        """
        acting = _acting(mentions, rows, text, s_lo, s_lo + len(sentence)) if rows else []
        # participants: the acting names of the sentence; when it names none and opens
        # with a carried-over subject (``双方``, ``该公司``, ``此外``) or follows a
        # semicolon (one sentence of several clauses: ``…共同签署…协议；现场发布了…``),
        # those of the sentence before it in its paragraph
        notes: list[str] = []
        parks, orgs = mentions.participants(acting, text, notes) if acting else ([], [])
        how = "participants:sentence" if parks or orgs else ""
        if (
            not how
            and prev_lo >= 0
            and (text[s_lo - 1] in "；;" or _CARRIED.match(sentence) is not None)
            and (prev_rows := mentions.rows(fld, prev_lo, s_lo))
        ):
            p_lo = mentions.columns.starts[prev_rows[0]]
            parks, orgs = mentions.participants(
                _acting(mentions, prev_rows, text, p_lo, s_lo), text, notes
            )
            if parks or orgs:
                how = "participants:previous sentence"
        sentence_who = (parks, orgs, notes, how)

        from_article = False
        dates = (
            [(m.start(), m.end(), m) for m in _DATE.finditer(sentence)]
            if "月" in sentence
            or (("当" in sentence or "同" in sentence) and _HAS_RELATIVE_DAY.search(sentence))
            else []
        )
        day_only = None
        if not dates and ref is not None and ("日" in sentence or "昨" in sentence) and cands:
            day_only = _DAY_ONLY.search(sentence)
        places = self._places(sentence)
        place_mentions = None
        years = plans = None  # (whether it states a year or a plan's period: read when needed)
        stripped = sentence.strip()

        # the phrases naming a meeting as the setting of another happening (在…大会上)
        settings = {
            id(c): span
            for c in cands.values()
            if c.etype == "meeting" and (span := _setting(sentence, breaks, c)) is not None
        }
        out = []
        for cand in cands.values():
            # (the candidate's own rules become the event's, with the tags added below)
            rules = cand.rules
            anaphoric = not cand.name and all(map(_is_verb_rule, rules))
            date, date_source = article_date, "article"
            if dates:
                near = _nearest(dates, cand.start)
                m = near[2]
                if m.group("rel"):
                    found = self._earlier_date(text, s_lo, ref)
                    if found is None and ref is not None:  # (21日，…。当日，…)
                        days = list(_DAY_ONLY.finditer(text, max(0, s_lo - 300), s_lo))
                        found = _day_of(days[-1], self.issue or ref) if days else None
                    if found is not None:
                        date, date_source = found, "sentence"
                        rules.append(f"date:{m.group('rel')}")
                else:
                    resolved = self._resolve(m, ref)
                    if resolved is not None:
                        date, date_source = resolved, "sentence"
            elif day_only is not None:
                resolved = _day_of(day_only, self.issue or ref)
                if resolved is not None:
                    date, date_source = resolved, "sentence"
                    rules.append(f"date:{day_only.group(0)}")
            status = cand.status
            if status == "background" and article_date is not None and date_source == "sentence":
                # the event's own date in the issue's window outweighs a cue of history
                # (“十四五”期间…市场监管总局今天（11月17日）发布数据)
                early, late = self._date_limits(article_date)
                if early <= date <= late:
                    status = "reported"
                    rules.append(f"reported:dated, not {cand.cue}")
            if status != "reported":
                rules.append(f"{status}:{cand.cue}")
            elif article_date is not None and date_source == "sentence":
                early, late = self._date_limits(article_date)
                if date < early and date.year < article_date.year:
                    status = "background"
                    rules.append("background:date")
                elif date > late:
                    status = "future"
                    rules.append("future:date")
            if status == "reported" and date_source != "sentence" and years is None:
                years = (
                    ref is not None and "年" in sentence and _YEAR_ONLY.search(sentence) is not None
                )
                plans = (
                    ref is not None
                    and "五" in sentence
                    and _PLAN_PERIOD.search(sentence) is not None
                )
            if status == "reported" and (years or plans) and date_source != "sentence":
                lo, hi, prev_end = _clause(breaks, cand.start)
                lo = _time_start(sentence, breaks, lo, prev_end)
                clause_years = [int(y) for y in _YEAR_ONLY.findall(sentence, lo, hi)]
                if plans and (plan := _PLAN_PERIOD.match(sentence, lo)) is not None:
                    clause_years.append(_plan_start(plan.group(1)))  # (the clause's time)
                if clause_years and min(clause_years) < ref.year:
                    status = "background"
                    rules.append(f"background:{min(clause_years)}年")
            if places:
                place = _nearest(places, cand.start)[2]
            else:
                if place_mentions is None:
                    place_mentions = self._place_mentions(mentions, rows, s_lo)
                near = _nearest(place_mentions, cand.start) if place_mentions else None
                place = near[2] if near is not None else ""
            e_parks, e_orgs, notes, how = sentence_who
            if settings:
                # a meeting named as the setting of what the sentence reports (在…大会上,
                # X发布…): its participants are those named in that phrase, not X; the
                # other events of the sentence, the other way round
                own = settings.get(id(cand))
                starts = mentions.columns.starts
                spans = [own] if own is not None else list(settings.values())
                inside = [
                    k
                    for k in acting
                    if any(s_lo + a <= starts[k] < s_lo + b for a, b in spans) == (own is not None)
                ]
                if own is not None or len(inside) < len(acting):
                    notes = []
                    e_parks, e_orgs = mentions.participants(inside, text, notes)
                    how = (
                        ("participants:setting" if own is not None else "participants:not setting")
                        if e_parks or e_orgs
                        else ""
                    )
            if cand.etype == "visit" and rows:
                # the one met acts through its official when it is a company, a school or
                # an association (会见…康明斯副总裁: a business visit); a state body or an
                # international one in a title names a statesman's office (会见…国民委员会
                # 主席, 会见联合国秘书长): the meeting is the persons', as for the host
                _, c_hi, _ = _clause(breaks, cand.start)
                kinds = mentions.columns.kinds
                met = [
                    k
                    for k in _acting(mentions, rows, text, s_lo, s_lo + c_hi, True)
                    if s_lo + cand.start < mentions.columns.starts[k] < s_lo + c_hi
                    and kinds[k] in _MET_KINDS
                ]
                extra = [o for o in mentions.participants(met)[1] if o not in e_orgs]
                if extra:
                    e_orgs = e_orgs + extra
                    how = "participants:sentence" if not how else how
                    notes = [*notes, *(f"participant:{o} met" for o in extra)]
            if how:
                rules.append(how)
                rules.extend(notes)
            out.append(
                _Event(
                    aid,
                    fld,
                    idx,
                    cand.etype,
                    s_lo + cand.start,
                    "…".join(cand.words),
                    stripped,
                    date,
                    date_source,
                    place,
                    cand.name,
                    list(e_parks),
                    list(e_orgs),
                    status,
                    rules,
                    from_article,
                    anaphoric,
                    counterpart=cand.counterpart,
                )
            )
        return out

    def _places(self, sentence: str) -> list[tuple[int, int, str]]:
        """Places named by ``在X``-like phrases in the sentence, as (start, end, place)."""
        usable = []
        table = self.place_table
        for m in self.place_re.finditer(sentence):
            d = m.group("d")
            if d:
                if d in _PLACE_NOT or d.endswith(("高新区", "开发区")):
                    continue
                stem = d[:-1] if d.endswith("市") else None
                usable.append((m.start(), m.end(), table.get(stem, d) if stem else d))
            else:
                usable.append((m.start(), m.end(), table[m.group("c")]))
        return usable

    def _place_mentions(
        self, mentions: _Mentions, rows: Sequence[int], s_lo: int
    ) -> list[tuple[int, int, str]]:
        """The place mentions in ``rows`` naming a city or district, as (start, end, name)
        in offsets of the sentence starting at ``s_lo``."""
        cities = self.cities
        cols = mentions.columns
        kinds, names = cols.kinds, cols.names
        out = []
        for k in rows:
            if kinds[k] == "place":
                name = names[k]
                if name in cities or (
                    name.endswith(("市", "区", "县", "镇")) and name not in _PLACE_NOT
                ):
                    out.append((cols.starts[k] - s_lo, cols.ends[k] - s_lo, name))
        return out

    def _date_limits(self, article_date: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
        """31 days before and a day after the article's date: a date stated outside makes
        a reported event background or future (worked out once for each date)."""
        if article_date is self._limits_of:  # (mostly: the date of the last call)
            return self._last_limits
        limits = self._limits.get(article_date)
        if limits is None:
            limits = self._limits[article_date] = (
                article_date - _DAYS_31,
                article_date + _DAYS_1,
            )
        self._limits_of, self._last_limits = article_date, limits
        return limits

    def _resolve(self, m: re.Match, ref: pd.Timestamp | None) -> pd.Timestamp | None:
        y, mo, d = m.group("y", "m", "d")
        if ref is not None and ref.tz is not None:
            return _resolve_ymd(y, mo, d, ref)
        key = (y, mo, d, ref)
        cache = self._dates
        if key in cache:
            return cache[key]
        cache[key] = out = _resolve_ymd(y, mo, d, ref)
        return out

    def _earlier_date(self, text: str, before: int, ref) -> pd.Timestamp | None:
        """The last date (not ``当天`` …) stated in the field ``text`` before ``before``.

        The same as the last one ``_DATE.finditer(text, 0, before)`` finds, without
        reading the field again for each sentence. Sentences come in text order, so each
        call goes on from where the last one stopped (the end of its last match: a match
        of ``finditer(text, 0, b)`` is a match of the scan up to any later ``b``, as a
        date match holds no shorter one). And it skips ahead: a date holds a 月, and no
        match holds a character outside ``_DATE_CHARS``, so the scan may start just
        after the last such character before the first 月.
        """
        state = self._field_dates
        if state is None or before < state[0]:
            state = (0, 0, None)
        _, pos, last = state
        month = text.find("月", pos, before)
        if month >= 0:
            outside = _LAST_NOT_DATE.match(text, pos, month)
            for m in _DATE.finditer(text, outside.end() if outside else pos, before):
                pos = m.end()
                if not m.group("rel"):
                    last = m
        self._field_dates = (before, pos, last)
        return self._resolve(last, ref) if last is not None else None


_NAME_NOISE = re.compile(r"[《》“”\"'\s]")


@lru_cache(maxsize=4096)
def _norm_name(name: str) -> str:
    """The name without quotes, book-title marks and spaces. (Kept for each name: an
    article's duplicates are found by comparing each of its events with the ones before.)"""
    return _NAME_NOISE.sub("", name)


def _names_agree(a: str, b: str) -> bool:
    if not a or not b or a == b:  # (the same name: the same once normalised)
        return True
    a, b = _norm_name(a), _norm_name(b)
    return a in b or b in a


def _parts_agree(a: _Event, b: _Event) -> bool:
    if a.from_article or b.from_article:
        return True
    if not (a.parks or a.orgs) or not (b.parks or b.orgs):
        return True  # a report naming nobody (出席揭牌仪式) agrees with any
    x, y = set(a.parks) | set(a.orgs), set(b.parks) | set(b.orgs)
    return x <= y or y <= x


def _isna(x) -> bool:
    if x is None or x is _NaT_VALUE:
        return True
    if type(x) is pd.Timestamp:
        return False
    return bool(pd.isna(x))


def _same_date(a, b) -> bool:
    if _isna(a):
        return _isna(b)
    return not _isna(b) and a == b


def _dedupe(events: list[_Event]) -> None:
    """Mark repeated reports of one event within an article ``counted=False``."""
    kept: list[_Event] = []
    for ev in events:
        if ev.fld == "title":
            continue
        for k in kept:
            if (
                k.etype == ev.etype
                and k.status == ev.status
                and (
                    k.date is ev.date
                    or _same_date(k.date, ev.date)
                    or (ev.anaphoric and ev.date_source == "article")  # (参加会议: that one)
                    or (  # the same name again, undated: that one (21日…大会上, …大会)
                        ev.date_source == "article"
                        and ev.name
                        and k.name
                        and (k.name == ev.name or _norm_name(k.name) == _norm_name(ev.name))
                    )
                )
                and _names_agree(k.name, ev.name)
                and _names_agree(k.place, ev.place)
                and (ev.anaphoric or _parts_agree(k, ev))
                and (
                    k.counterpart is ev.counterpart
                    or _counterparts_agree(k.counterpart, ev.counterpart)
                )
            ):
                ev.counted = False
                ev.rules.append("duplicate")
                _enrich(k, ev)
                break
        else:
            kept.append(ev)
    for ev in (e for e in events if e.fld == "title"):
        match = next(
            (
                k
                for k in kept
                if k.etype == ev.etype
                and k.status == ev.status
                and _counterparts_agree(k.counterpart, ev.counterpart)
            ),
            None,
        ) or next((k for k in kept if k.etype == ev.etype and k.status == ev.status), None)
        if match is not None:
            ev.counted = False
            ev.rules.append("duplicate:title")
            _enrich(match, ev)


def _enrich(kept: _Event, dup: _Event) -> None:
    if not kept.name and dup.name:
        kept.name = dup.name
        kept.rules.append("name:from duplicate")
    if not kept.place and dup.place:
        kept.place = dup.place
        kept.rules.append("place:from duplicate")
    _add_participants(kept, dup.parks, dup.orgs, "participants:from duplicate")


def _add_participants(ev: _Event, parks: list[str], orgs: list[str], rule: str) -> None:
    """The ``parks`` and ``orgs`` not yet among ``ev``'s added to them, and ``rule`` said
    when there were any."""
    new_parks = [p for p in parks if p not in ev.parks]
    new_orgs = [o for o in orgs if o not in ev.orgs]
    if new_parks or new_orgs:
        ev.parks = ev.parks + new_parks
        ev.orgs = ev.orgs + new_orgs
        ev.rules.append(rule)


def _confidence(ev: _Event) -> float:
    score = 0.7 if ev.fld == "body" else 0.6
    if any(map(_is_verb_rule, ev.rules)):
        score += 0.05
    if ev.name:
        score += 0.1
    if ev.place:
        score += 0.05
    if ev.date_source == "sentence":
        score += 0.05
    if ev.from_article:
        score -= 0.1
    if not ev.parks and not ev.orgs:
        score -= 0.1
    out = _ROUNDED.get(score)
    if out is None:
        out = _ROUNDED[score] = round(min(max(score, 0.05), 0.99), 2)
    return out


_ROUNDED: dict[float, float] = {}


def _event_ids(events: list[_Event]) -> list[str]:
    """Stable event ids: a hash of article, field, sentence, type and trigger position."""
    sha1 = _sha1
    return [
        sha1(f"{e.article_id}|{e.fld}|{e.sent_idx}|{e.etype}|{e.start}".encode()).hexdigest()[:16]
        for e in events
    ]


def empty_events() -> pd.DataFrame:
    """An events table with no rows and the right columns and dtypes."""
    return _frame([], {})


# a name that only says when (11日, 前不久): no name
_ONLY_WHEN = re.compile(
    r"(?:\d{1,4}\s*[年月日号]|[今昨前明]天|[今昨]日|近日|日前|前不久|不久前|当天|当日|此前|近期)+"
)
_PAIRS = (("“", "”"), ("《", "》"), ("「", "」"), ("（", "）"))


# a time word or a dated bracket after a name's start ends it: the name ran on into the
# next words (…吸引国际人才今天（11月17日）, …离心机不久前, …专项基金近日)
_WHEN_AFTER = re.compile(
    r"(?<=.)(?:[今昨明]天|[今昨]日|近日|日前|不久前|前不久|当天|当日|近期"
    r"|[（(]\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]\s*[）)])"
)
# the leading word classes that start a clause, not a name (jieba's tags: prepositions
# and conjunctions: 并|正式接棒…峰会, 通过|两党理论研讨会, 按照|…全会, 随着|…)
_LEADING_TAGS = ("p", "c")
# a dateline and byline the name ran back into (本报电（钟欣）…, 电（记者张三）…)
_DATELINE_START = re.compile(
    r"^(?:(?:(?:本报|新华社|中新社|人民日报)[^，。“”（）()\s]{0,8}?"
    r"|[^，。“”（）()\s]{0,8}?\d{1,2}月\d{1,2}日)[电讯]\s*(?:[（(][^（）()]{1,30}[）)])?"
    r"|[电讯]\s*[（(][^（）()]{1,30}[）)]"
    r"|[（(](?:本报)?(?:特约)?(?:记者|通讯员|实习生)[^（）()]{0,30}[）)])\s*(?=.)"
)


@lru_cache(maxsize=1)
def _word_tags():
    import rjieba

    from analysis.mentions import _jieba_tags  # (jieba's dictionary, loaded once)

    return _jieba_tags(), rjieba.cut


@lru_cache(maxsize=8192)
def _tidy_name(name: str) -> str:
    """An event's name as shown: cut before a time word that follows it (``今天（11月
    17日）``), without the prepositions or conjunctions a clause starts with (``并``,
    ``通过``, ``按照``), a quote or book-title mark cut off at one end dropped
    (``“全国农资保供线上平台`` is ``全国农资保供线上平台``); a name that only says when,
    or is one verb (``运行``, ``验收``: the trigger's own kind of word), is none."""
    if not name or _ONLY_WHEN.fullmatch(name):
        return ""
    name = _DATELINE_START.sub("", name)
    opened = name.rfind("（")
    if opened > 0 and "）" not in name[opened:]:
        name = name[:opened]  # …见习计划”（下称“计划: an aside cut off by the clause
    if not name:
        return ""
    if name[0] not in "《“「":
        when = _WHEN_AFTER.search(name)
        if when is not None:
            name = name[: when.start()].rstrip("，,、 ")
        tags, cut = _word_tags()
        words = cut(name)
        lead = 0
        while (
            lead < len(words) - 1
            and tags.get(words[lead], "x")[0] in _LEADING_TAGS
            and words[lead] != "关于"  # (关于…的决定: a document's name starts so)
        ):
            lead += 1
        if lead:
            name = "".join(words[lead:])
        if len(words) - lead == 1 and tags.get(name, "x")[0] == "v":
            return ""
    for left, right in _PAIRS:
        if name.count(left) != name.count(right):
            if name.startswith(left) and right not in name:
                name = name[1:]
            elif name.endswith(right) and left not in name:
                name = name[:-1]
            elif name.count(left) == name.count(right) + 1 and name.rfind(left) > name.rfind(right):
                name += right  # 第四届“复兴论坛: the name ends inside its quotation
    return name


def _frame(events: list[_Event], labels: Mapping[str, str]) -> pd.DataFrame:
    """The events table, built column by column: every column but the lists through one
    Arrow table (the strings straight into pandas' Arrow-backed ``str`` dtype), the two
    list columns put in their places after."""
    strings = {
        "event_id": _event_ids(events),
        "article_id": [e.article_id for e in events],
        "type": [e.etype for e in events],
        "type_label": [labels.get(e.etype, e.etype) for e in events],
        "trigger": [e.trigger for e in events],
        "sentence": [e.sentence for e in events],
        "date_source": [e.date_source for e in events],
        "place": [e.place for e in events],
        "name": [_tidy_name(e.name) for e in events],
        "status": [e.status for e in events],
        "rule": [";".join(e.rules) for e in events],
    }
    dates = np.array(
        [e.date.value if e.date is not None else _NAT for e in events], dtype="int64"
    ).view("datetime64[ns]")
    counted = np.array([e.counted for e in events], dtype=bool)
    confidence = np.array([e.confidence for e in events], dtype="float64")
    try:
        arrays = {
            k: pa.array(v, type=pa.large_string(), from_pandas=True) for k, v in strings.items()
        }
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not str: let pandas convert them
        frame = pd.DataFrame(strings).astype(str)
        frame["date"] = dates
        frame["counted"] = counted
        frame["confidence"] = confidence
        frame["root_event_id"] = frame["event_id"]
        frame["n_articles"] = counted.astype("int64")
    else:
        arrays["root_event_id"] = arrays["event_id"]
        arrays["date"] = pa.array(dates)
        arrays["counted"] = pa.array(counted)
        arrays["confidence"] = pa.array(confidence)
        arrays["n_articles"] = pa.array(counted.astype("int64"))
        frame = pa.table({c: arrays[c] for c in EVENT_COLUMNS if c in arrays}).to_pandas()
    for column in ("parks", "orgs"):
        frame.insert(
            EVENT_COLUMNS.index(column), column, _object_array([getattr(e, column) for e in events])
        )
    return frame[EVENT_COLUMNS]


def _object_array(values: list) -> np.ndarray:
    """A 1-d object array holding ``values`` (lists stay lists)."""
    return np.fromiter(values, dtype=object, count=len(values))


def _timestamp(value) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if ts is _NaT_VALUE else ts  # (``Timestamp`` makes a Timestamp or NaT)


def _timestamps(articles: pd.DataFrame, column: str) -> list[pd.Timestamp | None]:
    """The ``column`` of the articles as Timestamps, None where missing (or not a date).

    A datetime column goes through its distinct values: one Timestamp for each date,
    shared by its articles, not one made for each article.
    """
    if column not in articles.columns:
        return [None] * len(articles)
    values = articles[column]
    if values.dtype.kind == "M":  # (datetime64, with or without a time zone)
        codes, uniques = pd.factorize(values)  # (NaT: code -1, the last of ``stamps``)
        stamps = _object_array([*uniques.tolist(), None])
        return stamps.take(codes).tolist()
    return [_timestamp(v) for v in values.tolist()]


def _default_mentions(articles: pd.DataFrame) -> pd.DataFrame | None:
    try:
        import analysis

        find_mentions = analysis.find_mentions
    except (ImportError, AttributeError) as exc:
        logger.warning(
            "analysis.find_mentions is not available (%s); events get no participants", exc
        )
        return None
    return find_mentions(articles)


def _str_list(column: pd.Series, missing) -> list:
    """The ``column`` as a list of str, ``missing`` where a value is missing (what
    ``column.fillna(missing).astype(str).tolist()`` gives; a string column straight from
    its array: about four times faster than through ``astype``, which copies it first)."""
    if isinstance(column.dtype, pd.StringDtype):
        return column.to_numpy(dtype=object, na_value=missing).tolist()
    if missing is not np.nan:
        column = column.fillna(missing)
    return column.astype(str).tolist()


def _extract(articles: pd.DataFrame, mentions: pd.DataFrame | None, lex: Lexicon) -> list[_Event]:
    articles = pd.DataFrame(articles, copy=False)  # a view without attrs: no deep copies of them
    n = len(articles)
    aids = _str_list(articles["article_id"], np.nan)
    grouped = _group_mentions(mentions, repeated=len(set(aids)) < n)
    extractor = _Extractor(lex)

    titles = _str_list(articles["title"], "")
    bodies = _str_list(articles["body"], "")
    dates = _timestamps(articles, "date")
    issues = _timestamps(articles, "issue_date")

    events: list[_Event] = []
    for first in range(0, n, _BATCH):
        batch = range(first, min(first + _BATCH, n))
        folded = _Batch(
            extractor.folding,
            [t for i in batch for t in (titles[i], bodies[i])],
            extractor.triggers,
        )
        for k, i in enumerate(batch):
            aid = aids[i]
            ref = dates[i] or issues[i]
            extractor.issue = issues[i] or ref  # (a day alone is a day up to the issue's)
            m = grouped.get(aid, _NO_MENTIONS)
            # (the article's title and body are texts 2k and 2k + 1 of the batch)
            in_title = extractor.field_events(aid, "title", titles[i], folded, 2 * k, ref, ref, m)
            in_body = extractor.field_events(aid, "body", bodies[i], folded, 2 * k + 1, ref, ref, m)
            if not in_title and not in_body:
                continue
            found = in_title + in_body
            _dedupe(found)
            for ev in found:
                if ev.status != "reported":
                    ev.counted = False
                ev.confidence = _confidence(ev)
            # the title's events, then the body's, each field's in text order
            in_title.sort(key=_start_of)
            in_body.sort(key=_start_of)
            events += in_title
            events += in_body
    return events


def find_events(
    articles: pd.DataFrame,
    mentions: pd.DataFrame | None = None,
    *,
    lexicon: str | Path | None = None,
) -> pd.DataFrame:
    """Find the events the articles report, one row per event.

    Args:
        articles: the articles table (``article_id``, ``title``, ``body``; ``date``
            and ``issue_date`` resolve dates when present).
        mentions: the mentions table of these articles. ``None`` calls
            ``analysis.find_mentions(articles)``; when that is unavailable a
            warning is logged and events have no participants.
        lexicon: an event-lexicon CSV to use instead of ``config.event_lexicon()``.

    Returns:
        A DataFrame, in article then text order, with columns:

        - ``event_id``: 16 hex digits, a hash of ``article_id``, field, sentence
          index, ``type`` and the trigger's offset; stable across runs.
        - ``article_id``: the article reporting it.
        - ``type``: ``meeting``, ``signing``, ``establishment``, ``unveiling``,
          ``launch``, ``release``, ``visit``, ``project`` (or a type the lexicon adds).
        - ``type_label``: the type's Chinese label (``会议论坛`` …).
        - ``trigger``: the words that signal it, in text order, joined by ``…``
          (``研讨会`` is not part of it; see ``rule``).
        - ``sentence``: the sentence (title, or body sentence ending at 。！？；).
        - ``date``: datetime64; the date the sentence gives (``8月8日上午``, the
          year taken from the article's date, else its issue date, choosing the
          nearest year: a December date in a January issue is the year before;
          ``当天`` is the last date stated before it; a day alone, ``7日``, is in the
          issue's month, or the month before for a day after the issue's; ``昨天`` the
          day before the issue's), else the article's ``date``
          (its ``issue_date`` when that is missing).
        - ``date_source``: ``sentence`` or ``article``.
        - ``place``: city or district where it happened (``锡山区``, ``无锡``) from
          ``在X召开``-like phrases (``在锡``/``来锡`` -> ``无锡``), else a place
          mention in the sentence naming a city or district (not a region such
          as ``长三角``), else ``""``.
        - ``name``: the event's or document's own name when the text gives one
          (``第二届…发展大会``, ``《…指南(2023版)》``; several unveiled things as
          ``A、B``), else ``""``.
        - ``parks``, ``orgs``: lists of mention ``entity_id``s of the parks and of
          the organisations (company, government, research, association) the
          event's sentence names, or, when it names none, those of the sentence
          before it in the same paragraph (a subject carried over); never the whole
          article's. ``rule`` says which (``participants:sentence``,
          ``participants:previous sentence``).
        - ``status``: ``reported``, ``background`` (mentioned as history),
          ``future`` (planned) or ``negated``.
        - ``counted``: ``True`` for reported events that are not a repeat of an
          earlier report of the same event in the article.
        - ``rule``: how it was found, ``;``-separated: ``trigger:签署``,
          ``verb:召开+noun:研讨会``, then tags such as ``future:将于``,
          ``background:date``, ``named:会议``, ``duplicate``,
          ``duplicate:title``, ``absorbed:发布``.
        - ``confidence``: 0-1, higher with a name, place, stated date and
          participants in the sentence; lower for titles. A ranking aid, not a
          probability.
        - ``root_event_id``: the ``event_id`` of the first report of the same event;
          here each row's own id: ``link_events`` links the reports of a whole
          corpus (the build does it once on its whole events table, at the merge
          step; ``event_counts`` does it on the table it gets).
        - ``n_articles``: on a root, the number of articles reporting the event
          (here 1 for a counted event); 0 on the other rows.

    Raises:
        InputError: ``articles`` lacks a needed column, or the lexicon is bad.

    Example:
        >>> events = find_events(articles, mentions)
        >>> events[events.counted].groupby("type").size()
    """
    missing = [c for c in ("article_id", "title", "body") if c not in articles.columns]
    if missing:
        raise InputError(
            f"the articles table lacks column(s) {', '.join(missing)}; "
            "make it with analysis.load_articles",
            problem="columns",
        )
    lex = load_event_lexicon(lexicon)
    if mentions is None and len(articles):
        mentions = _default_mentions(articles)
    # The extraction makes millions of small, acyclic objects; the cyclic garbage
    # collector would scan them again and again for nothing (about 15% of the time).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        frame = _frame(_extract(articles, mentions, lex), lex.labels)
    finally:
        if gc_was_enabled:
            gc.enable()
    n = len(articles)
    logger.info(
        "found %d events (%d counted) in %d articles", len(frame), int(frame["counted"].sum()), n
    )
    return frame


# --------------------------------------------------------------------------- across articles

_LINK_NOISE = re.compile(r"[《》“”\"'（）()\s·—－-]|^(?:20\d\d年?|第.{1,4}[届次])")


def _link_keys(etype: str, name: str, place: str, parks, orgs) -> list[tuple]:
    """The keys under which reports of one event meet: its type with its name
    (normalised), and its type with its place and participants (when it has both)."""
    keys = []
    if name:
        keys.append((etype, "name", _LINK_NOISE.sub("", name)))
    if place:  # (most events have none: their participants are not sorted for nothing)
        who = {*(parks if parks is not None else ()), *(orgs if orgs is not None else ())}
        if who:
            keys.append((etype, "who", place, tuple(sorted(who))))
    return keys


def link_events(events: pd.DataFrame) -> pd.DataFrame:
    """One event however many articles report it: ``root_event_id`` and ``n_articles``.

    Counted events of different articles are reports of one event when they have the
    same type, dates at most a day apart, and either the same name (after removing
    book-title marks, quotes, spaces and a leading year or ordinal: ``《…》``,
    ``2025…``) or the same place and the same participants. The earliest report (by
    date, then table order) is the root: its ``n_articles`` is the number of articles
    reporting the event (as GDELT's NumArticles), the other reports have
    ``root_event_id`` = the root's ``event_id`` and ``n_articles`` 0. Events that are
    not counted are their own roots with ``n_articles`` 0.

    Linear in the number of events: reports meet in a hash table by key, and each key's
    reports are chained in date order (a report joins the chain of the report before it
    when their dates are at most a day apart).

    Returns:
        A copy of ``events`` with the two columns set.
    """
    out = events.copy()
    n = len(out)
    if not n:
        return out
    roots, n_articles = link_roots(
        out["event_id"].astype(str).tolist(),
        out["article_id"].astype(str).tolist(),
        out["type"].astype(str).tolist(),
        out["name"].tolist(),
        out["place"].tolist(),
        out["parks"].tolist(),
        out["orgs"].tolist(),
        out["counted"].astype(bool).tolist(),
        out["date"],
    )
    out["root_event_id"] = pd.array(roots, dtype=out["event_id"].dtype)
    out["n_articles"] = n_articles
    return out


def link_roots(ids, aids, types, names, places, parks, orgs, counted, dates):
    """The roots of ``link_events`` from the events' columns (lists, ``dates`` anything
    ``pd.to_datetime`` reads): each row's ``root_event_id`` (a list) and ``n_articles``
    (an int64 array). The build links its whole events table with it, column by column."""
    n = len(ids)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if not n:
        return [], np.zeros(0, dtype="int64")
    stamps = pd.to_datetime(pd.Series(dates)).to_numpy()
    days = np.where(pd.isna(stamps), -(2**40), stamps.astype("datetime64[D]").astype("int64"))
    by_key: dict[tuple, list[int]] = {}
    cols = zip(types, names, places, parks, orgs, strict=True)
    for i, (etype, name, place, e_parks, e_orgs) in enumerate(cols):
        if not counted[i]:
            continue
        name = "" if _isna_cell(name) else str(name)
        place = "" if _isna_cell(place) else str(place)
        for key in _link_keys(str(etype), name, place, e_parks, e_orgs):
            by_key.setdefault(key, []).append(i)
    for rows in by_key.values():
        if len(rows) < 2:
            continue
        rows.sort(key=lambda i: (days[i], i))
        for a, b in itertools.pairwise(rows):
            if days[b] - days[a] <= 1 and days[a] > -(2**40) and aids[a] != aids[b]:
                ra, rb = find(a), find(b)
                if ra != rb:
                    first, second = (ra, rb) if (days[ra], ra) <= (days[rb], rb) else (rb, ra)
                    parent[second] = first
    # a report that shares no key with another is its own root, of its one article (0
    # when not counted): only the others are looked at
    roots = list(range(n))
    n_articles = np.array([1 if c else 0 for c in counted], dtype="int64")
    articles: dict[int, set[str]] = {}
    for i in {i for rows in by_key.values() if len(rows) > 1 for i in rows}:
        roots[i] = r = find(i)
        articles.setdefault(r, set()).add(aids[i])
        n_articles[i] = 0
    for r, reported_by in articles.items():
        n_articles[r] = len(reported_by)
    return [ids[r] for r in roots], n_articles


def _isna_cell(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


# --------------------------------------------------------------------------- counts

_FREQ_ALIASES = {
    "ME": "M",
    "QE": "Q",
    "YE": "Y",
    "A": "Y",
    "AE": "Y",
    "MS": "M",
    "QS": "Q",
    "YS": "Y",
}


def _name_map(names) -> dict[str, str]:
    if names is None:
        return {}
    if isinstance(names, pd.DataFrame):
        id_col = "entity_id" if "entity_id" in names.columns else "id"
        name_col = "name" if "name" in names.columns else None
        if id_col not in names.columns or name_col is None:
            raise InputError(
                "names must have columns entity_id (or id) and name, like the mentions table",
                problem="columns",
            )
        pairs = names[[id_col, name_col]].dropna().drop_duplicates(id_col)
        return dict(zip(pairs[id_col].astype(str), pairs[name_col].astype(str), strict=True))
    return {str(k): str(v) for k, v in dict(names).items()}


def event_counts(
    events: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("period", "type"),
    freq: str = "M",
    articles: pd.DataFrame | None = None,
    counted_only: bool = True,
    names: pd.DataFrame | Mapping[str, str] | None = None,
    unit: str = "events",
) -> pd.DataFrame:
    """Count events by period, type, park, organisation, place or any column.

    Args:
        events: the table from ``find_events``.
        by: the grouping keys, any of ``period`` (the event's ``date`` cut to
            ``freq``), ``park`` (one row per park taking part: ``parks`` exploded),
            ``org`` (``orgs`` exploded), an events column (``type``, ``type_label``,
            ``place``, ``status``, ``article_id`` …) or, with ``articles``, an
            articles column (``paper``, ``section`` …).
        freq: the period for ``period``: ``D``, ``W``, ``M``, ``Q`` or ``Y``
            (``ME``-style aliases accepted).
        articles: the articles table, to group by its columns.
        counted_only: count only events with ``counted`` true (reported, not
            repeats); ``False`` counts every row.
        names: the mentions table, a gazetteer (``entity_id``/``id`` and ``name``)
            or a mapping, to add ``park_name``/``org_name`` columns.
        unit: ``events`` (the default) counts each event once however many
            articles report it (its root, ``root_event_id``; reports are linked
            again over the whole table given, see ``link_events``);
            ``reports`` counts every article's report.

    Returns:
        One row per group with events, sorted by the keys: the ``by`` columns
        (``period`` is the period's first day as datetime64; ``park``/``org`` are
        entity_ids, followed by ``park_name``/``org_name`` when ``names`` is
        given), then ``n_events`` (events, or reports, in the group) and
        ``n_articles`` (articles reporting them). Events with no date, or no park when
        grouping by park, are left out.

    Example:
        >>> event_counts(events, by=("park", "type"), names=mentions)
    """
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise ValueError("by needs at least one key")
    if unit not in ("events", "reports"):
        raise ValueError(f"unit must be 'events' or 'reports', not {unit!r}")
    frame = events[events["counted"].astype(bool)] if counted_only else events
    frame = frame.copy()
    roots = unit == "events" and counted_only and "event_id" in frame.columns
    if roots and {"type", "name", "place", "parks", "orgs", "date", "article_id"} <= set(
        frame.columns
    ):
        frame = link_events(frame)  # (the whole table: reports of every build batch meet)
        frame = frame[frame["event_id"] == frame["root_event_id"]].copy()
    if articles is not None:
        extra = [k for k in keys if k not in frame.columns and k in articles.columns]
        if extra:
            frame = frame.merge(
                articles[["article_id", *extra]].drop_duplicates("article_id"),
                on="article_id",
                how="left",
            )
    label_map = _name_map(names)
    out_keys: list[str] = []
    for key in keys:
        if key == "period":
            period = _FREQ_ALIASES.get(freq, freq)
            frame["period"] = (
                pd.to_datetime(frame["date"])
                .dt.to_period(period)
                .dt.start_time.astype("datetime64[ns]")
            )
            frame = frame[frame["period"].notna()]
            out_keys.append("period")
        elif key in ("park", "org"):
            col = key + "s"
            frame = frame.explode(col).rename(columns={col: key})
            frame = frame[frame[key].notna()]
            frame[key] = frame[key].astype(str)
            out_keys.append(key)
            if label_map:
                frame[f"{key}_name"] = frame[key].map(label_map).fillna(frame[key])
                out_keys.append(f"{key}_name")
        elif key in frame.columns:
            out_keys.append(key)
        else:
            raise InputError(
                f"cannot count by {key!r}: not 'period', 'park', 'org', an events column"
                " or (with articles=) an articles column",
                problem="columns",
            )
    if frame.empty:
        empty = frame[out_keys].iloc[0:0].copy()
        empty["n_events"] = pd.Series(dtype="int64")
        empty["n_articles"] = pd.Series(dtype="int64")
        return empty.reset_index(drop=True)
    grouped = frame.groupby(out_keys, sort=True, dropna=False)
    if roots and "n_articles" in frame.columns:
        result = grouped.agg(
            n_events=("event_id", "nunique"), n_articles=("n_articles", "sum")
        ).reset_index()
    else:
        result = grouped.agg(
            n_events=("event_id", "nunique"), n_articles=("article_id", "nunique")
        ).reset_index()
    return result.astype({"n_events": "int64", "n_articles": "int64"})
