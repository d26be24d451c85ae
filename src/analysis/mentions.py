"""Mentions of parks, places, organisations and persons in article titles and bodies.

One matcher (:class:`_KeyMatcher`) holds every park name, place name, known
organisation, abbreviation context, blocked word, organisation suffix and person title, so
one pass over the texts finds every candidate. Rules then turn the raw hits into mentions:

- **parks** by official name, short name or alias (never by a generic alias such as 园区);
  generic phrases (国家高新区, 34个国家高新区, 长三角国家高新区 ...) are never parks. A bare
  高新区 (or a park's generic alias) is linked to the article's park (``context``) when the
  article names exactly one park, else one district co-extensive with a park (新吴区), else
  one city clearly more than any other (then that city's main zone, e.g. 无锡高新区).
- **places** by name and alias; one-character abbreviations (锡, 沪, 苏, 浙, 皖, 杭, 甬, 宁)
  only in contexts listed in ``places_abbreviations.csv`` (在锡, 来锡, 锡企 ...); lists such
  as 沪苏浙皖 (any run of three or four of 沪苏浙皖 is read as the four provinces) or 苏锡常
  (cities) give one mention per character. Longer names win: 锡山区 is never 锡.
- **organisations** from ``orgs_known.csv`` (``dictionary``) and from suffix rules
  (``suffix_rule``): from a suffix (有限公司, 研究院, 中心, 局 ...) the name is extended left
  until punctuation or a stop word (与, 和, 在, 来自, 包括, verbs ...), keeping parenthesised
  parts (康明斯(中国)投资有限公司) and names nested inside (科技部火炬中心); the name
  goes on across 与/和/及 when the words after it name nothing alone
  (中国物流与采购联合会); a 政府 is a place's; a team (上海队, kind ``other``) is
  named by a place only. Company names
  give short forms (康明斯, 卓品智能) linked across the corpus (``short_form``).
- **persons** from a title just before (市长赵建军) or after (唐爱军教授) a name with a common
  family name (``title_rule``), and later bare uses of that name in the same article
  (``coreference``).

Overlapping candidates are settled longest first, so an organisation swallows a place
inside its name; a park named inside it is a mention too, right after the organisation's
(无锡高新区管委会 is one organisation and the park 无锡高新区, as the annotation guidelines
count them): the only mentions that overlap.
"""

from __future__ import annotations

import bisect
import functools
import gc
import itertools
import logging
import operator
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import ahocorasick
import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import config
from analysis.errors import InputError
from analysis.gazetteer import (
    international_names,
    load_gazetteer,
    load_org_rules,
    load_place_rules,
    load_places,
    park_names,
    split_names,
)

logger = logging.getLogger(__name__)

MENTION_COLUMNS = [
    "article_id",
    "entity_id",
    "name",
    "kind",
    "surface",
    "start",
    "end",
    "field",
    "sentence",
    "resolution",
]
KINDS = (
    "park",
    "company",
    "government",
    "research",
    "association",
    "international",
    "other",
    "place",
    "person",
)
# the article's fields names are found in (the headline block, the dateline, the body and
# the byline: the whole article, as a reader counts its names); title and body are
# required, the others read as empty when the table has no such column
FIELDS = ("kicker", "title", "subtitle", "dateline", "body", "byline")
REQUIRED_FIELDS = ("title", "body")

# Candidate priorities when two candidates of the same length overlap (lower wins).
_P_BLOCK, _P_PARK, _P_KNOWN, _P_PLACE, _P_ORG, _P_ABBR, _P_SHORT, _P_PERSON, _P_BARE = range(9)

_MAX_ORG = 32  # longest organisation name looked for, in characters
_PUNCT = frozenset(
    " \t\r\n\u3000,，。.;；:：!！?？、\"'“”‘’「」『』《》〈〉<>【】[]{}·•—–…|/\\=+*#@~`%&^"
)
_OPEN = {")": "(", "）": "（"}
_OPENERS = frozenset("(（")
# a bracket holding a byline (（记者张三）, （通讯员李四 记者王五）), or right after a
# dateline's 电/讯 (本报电（钟欣）): what follows it starts a name, nothing before it
_BYLINE_BRACKET = re.compile(
    r"[(（]\s*(?:本报|新华社|人民日报)?(?:特约)?(?:记者|通讯员|实习生|见习记者)"
    r"|(?<=[电讯])\s*[(（][^()（）]{1,20}[)）]"
)
_NUMERALS = frozenset("0123456789０１２３４５６７８９一二三四五六七八九十百零〇两")
_COUNT_CHARS = "0-9０-９一二三四五六七八九十百千万几多数两余"
_COUNTED = re.compile(f"[{_COUNT_CHARS}]+[家个所座]")
_REGION_BRACKET = re.compile(r"[（(]([\u4e00-\u9fff]{2,4})[）)]$")
_DASHES = frozenset("—－-–")
# words for people, who do things (专家所做): never an institute's short name before 所
_PEOPLE = tuple("专家 学者 院士 人员 研究员 员工 职工 干部 团队 代表 同志 教授".split())
_DIGITS = frozenset("0123456789０１２３４５６７８９")
_COUNT_START = frozenset("0123456789０１２３４５６７８９一二三四五六七八九十百千万几多数两余")
_LEADING_DATE = re.compile(r"^(?:[0-9０-９]+[年月日号])+")
# a count, an amount or a date in figures: no name holds one (34项, 5亿元, 2026年)
_COUNT_INSIDE = re.compile(
    r"[0-9０-９]+(?:[.．][0-9０-９]+)?[项个家名位批条只件次种座亿万元吨年月日号%％]"
    r"|(?:19|20)[0-9]{2}[-/.][0-9]{1,2}[-/.][0-9]{1,2}"  # (a web page's date: 2025-12-02)
)
_SENTENCE_LUT = np.zeros(0x110000, dtype=bool)  # the characters that end a sentence
_SENTENCE_LUT[[ord(ch) for ch in "。！？!?；;\n"]] = True
_CONJUNCTION = re.compile("[和与及]")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")  # with fullmatch (``$`` would allow a final \n)
_PROVINCE_CHARS = {"沪": "shanghai", "苏": "jiangsu", "浙": "zhejiang", "皖": "anhui"}
# Characters that may stand just before a bare 高新区 read as "the zone" of the article
# (and punctuation).
_BARE_LEFT = frozenset("在于的到赴入驻进为将由对从向了是本该此全我和与及户至回来往出") | _PUNCT
_GOVERNMENT_INSIDE = re.compile(r"(?:部|局|厅|委|政府)")
_ASSOCIATION_INSIDE = re.compile(r"(?:协会|学会|联盟|联合会|商会)")
_START = operator.itemgetter(0)  # a candidate's start, end and parts
_END = operator.itemgetter(1)
_PARTS = operator.itemgetter(3)
_PAYLOAD = operator.itemgetter(0)  # the payload among a chosen candidate's parts
_LAST = (sys.maxsize, sys.maxsize, _P_BLOCK, ())  # a candidate after all others
_PARK_LEVEL = re.compile(r"(?:国家级|国家|省级|市级|省)$")  # a level before a park suffix
_PARK_CLASS = re.compile(r"(?:国家级|省级)(?:新区|开发区|高新区|经开区|自贸区)")
# A park's short form (合作区 after 前海深港现代服务业合作区) -> the endings of the full
# names it stands for in the same article
_PARK_SHORT = {
    "合作区": ("合作区",),
    "自贸港": ("自贸港", "自由贸易港"),
    "自贸区": ("自贸区", "自贸试验区", "自由贸易试验区"),
    "自贸试验区": ("自贸试验区", "自由贸易试验区"),
    "经开区": ("经开区", "经济技术开发区", "经济开发区"),
    "开发区": ("开发区",),
    "新片区": ("新片区",),
    "示范区": ("示范区",),
    "综保区": ("综保区", "综合保税区"),
    "高新区": ("高新区", "高新技术产业开发区"),
}
# park designations official enough that common words before them name one (航天经济开发区)
# a sub-park after a park's name: a place and 园 (中关村科技园区|海淀园)
_SUB_PARK = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:分园|园|片区)")
# a park's brand in quotes before its class words (上海“模速空间”|大模型创新生态社区)
_QUOTED_BRAND = re.compile(r"“([\u4e00-\u9fffA-Za-z0-9]{2,10})”$")
# a company's legal form: the words before it are its registered name, proper or not
_LEGAL_FORMS = ("有限公司", "有限责任公司")
_PARK_OFFICIAL = ("经济开发区", "经济技术开发区", "高新技术产业开发区", "综合保税区")
_QUOTE_OPEN = "“「『《"
# lists of names (see _Rules.list_members): the kinds that make a list one of
# organisations, what ends it, and its last item (up to 等, or the list's end)
_LIST_KINDS = frozenset({"company", "government", "research", "association", "international"})
_LIST_END = _PUNCT - {"、"}
_LIST_END_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_LIST_END)) + "]")
_LIST_SEP = re.compile("、")
_TITLES = ("总统", "总理", "首相", "议长", "国王", "大使", "元首", "首脑", "部长", "主席")
_LIST_TAIL = re.compile(r"([\u4e00-\u9fff]{2,10}?)(?:等|$)")
# a list closed by the class of its items, bodies (…、中创智领、河南生物产业集团等重点企业):
# its items are names even when the segmenter cuts them into verbs (超|聚变, 中|创智|领)
_BODIES_AFTER = re.compile(
    r"等(?![^，。；、]{0,4}(?:行业|领域|产业|城市|地区|省份|国家))[^，。；、]{0,4}?"
    r"(?:企业|公司|上市公司|券商|银行|机构|单位|高校|院校)"
)
_QUOTE_CLOSE = "”」』》"
_COMPANY_TAILS = ("股份有限公司", "有限责任公司", "有限公司", "公司", "集团", "股份")


# pattern types, compiled (see _compile_pattern), most frequent in texts first (the order
# in which _Rules.scan tests them; in news, sub-unit suffixes such as 部 and 处 are second)
_T_ENTITY, _T_UNIT, _T_SUFFIX, _T_BEFORE, _T_AFTER, _T_ENTITY_F, _T_BARE, _T_LIST = range(8)
_MAX_UNIT = 8  # the longest text between an organisation and a sub-unit suffix after it


def _compile_pattern(pattern: tuple) -> tuple:
    """``(type, key length, offset, length, priority, payload)`` -> ``(code, a, b, priority,
    payload)`` for :meth:`_Rules.scan`: a candidate from a key ending at ``last`` spans
    ``last - a`` to ``last - b`` (entities, blocks, lists, bare zones); a suffix starts at
    ``last - a``, its payload ``(kind, rule, the shortest name before it)``; a title
    starts at ``last - a + 1``."""
    ptype, klen, offset, length, priority, payload = pattern
    if ptype == "entity":
        return (_T_ENTITY, klen - 1 - offset, klen - 1 - offset - length, priority, (payload,))
    if ptype == "entity_f":
        return (_T_ENTITY_F, klen - 1, klen - 1 - length, priority, (payload,))
    if ptype == "suffix":
        kind, rule = payload
        if rule == "unit":
            return (_T_UNIT, klen - 1 - offset, 0, priority, kind)
        shortest = 4 if rule == "weak" else 2 if rule in ("plain", "place") else 1
        return (_T_SUFFIX, klen - 1 - offset, 0, priority, (kind, rule, shortest))
    if ptype == "list":
        return (_T_LIST, klen - 1, -1, priority, ("list", payload))
    if ptype == "block":  # an entity without parts: it only keeps others out
        return (_T_ENTITY, klen - 1, -1, priority, ())
    if ptype == "bare":
        return (_T_BARE, klen - 1, -1, priority, ("bare", payload))
    if ptype == "title_before":
        return (_T_BEFORE, klen, 0, priority, None)
    return (_T_AFTER, klen, 0, priority, None)


_HASH = np.uint64(0x100000001B3)  # the multiplier of the keys' hashes (they wrap around)


class _KeyMatcher:
    """Every occurrence of every key in a text, found in NumPy: what an Aho-Corasick
    automaton finds, in its order, for a fraction of its cost (pyahocorasick's scan
    of its root's hundreds of children, character by character, was a sixth of the
    stage).

    The text's characters become small numbers (0 for those no key holds); the positions
    where two characters that open a key stand are kept, and extended one character at a
    time while a key opens so (hashes of the keys' first characters, compared in bulk).
    Every hit found by a hash is checked character by character.
    """

    def __init__(self, keys: list[str]):
        alphabet = sorted({ch for key in keys for ch in key})
        self.width = width = len(alphabet) + 1
        self.ids = np.zeros(0x110000, dtype=np.int32)  # character -> 1... (0: in no key)
        self.ids[[ord(ch) for ch in alphabet]] = np.arange(1, width)
        self.longest = longest = max(map(len, keys))
        self.matrix = np.zeros((len(keys), longest), dtype=np.int32)  # the keys' characters
        self.single = np.full(width, -1, dtype=np.int32)  # one character -> its key, or -1
        self.pair = np.full(width * width, -1, dtype=np.int32)  # two characters -> key
        self.opens = np.zeros(width * width, dtype=bool)  # whether two characters open a key
        prefixes: list[set[int]] = [set() for _ in range(longest + 1)]
        full: list[dict[int, int]] = [{} for _ in range(longest + 1)]
        for k, key in enumerate(keys):
            ids = [int(self.ids[ord(ch)]) for ch in key]
            self.matrix[k, : len(ids)] = ids
            if len(ids) == 1:
                self.single[ids[0]] = k
                continue
            self.opens[ids[0] * width + ids[1]] = True
            if len(ids) == 2:
                self.pair[ids[0] * width + ids[1]] = k
                continue
            h = ids[0] * int(_HASH) + ids[1]
            for n, c in enumerate(ids[2:], 3):
                h = (h * int(_HASH) + c) & 0xFFFFFFFFFFFFFFFF
                prefixes[n].add(h)
            if h in full[len(ids)]:  # (never yet: a 64-bit hash of a few thousand keys)
                raise RuntimeError(f"keys {keys[full[len(ids)][h]]} and {key} have one hash")
            full[len(ids)][h] = k
        self.is_single = self.single >= 0  # whether one character is a key
        self.has_single = bool(self.is_single.any())
        # per length: the sorted hashes of the keys' first characters, of the keys (and
        # their keys)
        self.prefixes = [np.array(sorted(p), dtype=np.uint64) for p in prefixes]
        self.full = [
            (
                np.array(sorted(f), dtype=np.uint64),
                np.array([f[h] for h in sorted(f)], dtype=np.int32),
            )
            for f in full
        ]

    def find(self, codes: np.ndarray, starts: bool = False) -> tuple[np.ndarray, ...]:
        """``(ends, keys)`` (and with ``starts``, the first positions): the position of the
        last character and the index of the key of every occurrence in the text of code
        points ``codes``, by end and, at one end, the longest key first."""
        ids = self.ids.take(codes)
        pair = ids[:-1] * self.width
        pair += ids[1:]
        if self.has_single:
            at = [np.flatnonzero(self.is_single.take(ids))]
        else:  # (no key of one character: company short forms)
            at = [np.flatnonzero(ids[:0])]
        key = [self.single.take(ids[at[0]])]
        alive = np.flatnonzero(self.opens.take(pair))
        two = self.pair.take(pair[alive])
        at.append(alive[two >= 0])
        key.append(two[two >= 0])
        lengths = [1, 2]
        ids = np.append(ids, np.zeros(self.longest, dtype=np.int32))  # (no key ends past)
        h = ids[alive].astype(np.uint64) * _HASH + ids[alive + 1].astype(np.uint64)
        for length in range(3, self.longest + 1):
            h = h * _HASH + ids[alive + length - 1].astype(np.uint64)
            prefixes = self.prefixes[length]
            i = np.searchsorted(prefixes, h) % len(prefixes)
            keep = prefixes[i] == h
            alive, h = alive[keep], h[keep]
            hashes, which = self.full[length]
            if len(hashes):
                i = np.searchsorted(hashes, h) % len(hashes)
                hit = hashes[i] == h
                found, k = alive[hit], which[i[hit]]
                # (two strings of one hash: the characters tell)
                same = (ids[found[:, None] + np.arange(length)] == self.matrix[k, :length]).all(1)
                at.append(found[same])
                key.append(k[same])
                lengths.append(length)
            if not len(alive):
                break
        size = np.concatenate([np.full(len(a), n) for a, n in zip(at, lengths, strict=True)])
        first = np.concatenate(at)
        end = first + size - 1
        order = np.lexsort((-size, end))
        out = (end[order], np.concatenate(key)[order])
        return (*out, first[order]) if starts else out


class _Rules:
    """Everything the matcher needs, built once from the gazetteer files."""

    def __init__(self, parks: pd.DataFrame):
        self.parks = parks
        places = load_places()
        place_rules = load_place_rules()
        org_rules = load_org_rules()
        lexicon = org_rules["lexicon"]
        by_role: defaultdict[str, set[str]] = defaultdict(set)
        for word, role in zip(lexicon["word"].tolist(), lexicon["role"].tolist(), strict=True):
            by_role[role].add(word)
        stops = by_role["stop"]
        # place names holding a stop word (呼和浩特, 和林格尔) are protected like 工业和信息化
        # (ours, and the dictionary's place names with 和, 与 or 及 inside)
        place_protect = {
            n
            for p in places.itertuples(index=False)
            for n in [p.name, *split_names(p.aliases)]
            if len(n) > 2 and any(w in n for w in stops)
        } | {
            w
            for w, tag in _jieba_tags().items()
            if tag == "ns" and _CONJUNCTION.search(w) and len(w) > 2 and "共和国" not in w
        }
        # and each without its level (和林格尔新区 is named after 和林格尔县)
        place_protect |= {n[:-1] for n in place_protect if n[-1] in "省市县区旗" and len(n) > 3}

        def words(role: str) -> set[str]:
            found = set(by_role[role])
            return found | place_protect if role == "protect" else found

        self.domains = tuple(sorted(words("domain"), key=len, reverse=True))
        self.stops = words("stop")
        self.stop_lengths = sorted({len(w) for w in self.stops}, reverse=True)
        self.stop_ends = frozenset(w[-1] for w in self.stops)
        # the characters _org_start_slow stops at: a closing bracket, punctuation, an
        # opening bracket or the end of a stop word
        self.slow_breaks = frozenset(_OPEN) | _PUNCT | _OPENERS | self.stop_ends
        self.generic_cores = words("generic_core")
        self.follower_reject = frozenset("".join(words("follower_reject")))
        self.surnames = words("surname")
        self.name_end = frozenset("".join(words("name_end"))) | _PUNCT
        self.industry = tuple(sorted(words("industry"), key=len, reverse=True))
        self.national = words("national")
        # titles of persons: no list item holding one is an organisation
        self.titles = tuple(words("title_before") | words("title_after") | set(_TITLES))
        self.words = _Words(
            {p for p in load_places()["name"] if len(p) > 1} | words("national") | words("city"),
            self.domains,
            {
                name
                for org in org_rules["known"].itertuples(index=False)
                for name in [org.name, *split_names(org.aliases)]
            },
            words("protect"),
            words("class_attribute"),
        )
        self.words.places = frozenset(p for p in places["name"] if len(p) > 1)
        self.words.place_heads = self.words.places | words("city")
        # stop word -> [(protected phrase, offset of the stop word inside it)]
        self.protected: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for phrase in words("protect"):
            for stop in self.stops:
                offset = phrase.find(stop)
                while offset != -1:
                    self.protected[stop].append((phrase, offset))
                    offset = phrase.find(stop, offset + 1)

        self.place_name = dict(zip(places["place_id"], places["name"], strict=True))
        self.place_level = dict(zip(places["place_id"], places["level"], strict=True))
        self.place_city = {}
        city_ids = {
            row.name: row.place_id
            for row in places.itertuples(index=False)
            if row.level in ("city", "province") and row.city == row.name
        }
        for row in places.itertuples(index=False):
            # the parent city (a city's own id); Shanghai is both province and city
            self.place_city[row.place_id] = city_ids.get(row.city) if row.city else None
        self.park_name = dict(
            zip(
                parks["park_id"],
                parks["short_name"].where(parks["short_name"] != "", parks["official_name"]),
                strict=True,
            )
        )
        names = park_names(parks)
        self.park_by_name = dict(zip(names["name"], names["park_id"], strict=True))
        self.broad_places = frozenset(
            n
            for p in places.itertuples(index=False)
            if p.level in ("region", "province")
            for n in [p.name, *split_names(p.aliases)]
        ) | {"全国", "我国", "中国"}
        self.park_suffixes = sorted(
            org_rules["suffixes"].loc[org_rules["suffixes"]["kind"] == "park", "suffix"],
            key=len,
            reverse=True,
        )
        self.park_by_district = {}
        self.main_park = {}
        for park in parks.itertuples(index=False):
            if park.district:
                self.park_by_district[(park.city, park.district)] = park.park_id
            if park.short_name == f"{park.city}高新区":
                self.main_park[park.city] = park.park_id
        # what a mention tells of the park an article is about (see :func:`_expand`), by
        # entity id: (the park, the park co-extensive with the district, the city counted),
        # each or None
        self.context_clues: dict[str, tuple] = {
            f"park:{park_id}": (f"{park_id}", None, None) for park_id in self.park_name
        }
        for pid, name in self.place_name.items():
            level = self.place_level.get(pid)
            city_id = self.place_city.get(pid)
            city = self.place_name.get(city_id) if city_id else None
            district = None
            if level in ("district", "county_city", "county") and city:
                district = self.park_by_district.get((city, name)) or None
            counted = city if city and level != "region" else None
            if district is not None or counted is not None:
                self.context_clues[f"place:{pid}"] = (None, district, counted)

        reversed_words = _reversed_alternation
        punct = "".join(re.escape(c) for c in sorted(_PUNCT | _OPENERS))
        firsts = {w[-1] for w in self.stops | words("protect")} | _PUNCT | _OPENERS
        first_class = "".join(re.escape(c) for c in sorted(firsts))
        # the look-ahead lets the engine skip positions no alternative can start at
        self.boundary = re.compile(
            f"(?=[{first_class}])(?:(?P<p>{reversed_words(words('protect'))})"
            f"|(?P<s>[{punct}]|{reversed_words(self.stops)}))"
        )

        entries: dict[str, list[tuple]] = defaultdict(list)

        def add(key: str, pattern: tuple) -> None:
            if key:
                entries[key].append(pattern)

        # (type, key length, offset, length, priority, payload)
        for row in park_names(parks).itertuples(index=False):
            payload = (f"park:{row.park_id}", self.park_name[row.park_id], "park", row.name_type)
            add(row.name, ("entity", len(row.name), 0, len(row.name), _P_PARK, payload))
        for park in parks.itertuples(index=False):
            for alias in split_names(park.generic_aliases):
                add(alias, ("bare", len(alias), 0, len(alias), _P_BARE, park.park_id))
        add("高新区", ("bare", 3, 0, 3, _P_BARE, None))
        for short in _PARK_SHORT:
            if short != "高新区":
                add(short, ("bare", len(short), 0, len(short), _P_BARE, short))
        for generic in ("国家高新区", "国家级高新区", "省级高新区", "国家高新技术产业开发区"):
            add(generic, ("block", len(generic), 0, len(generic), _P_BLOCK, None))
        for place in places.itertuples(index=False):
            for i, name in enumerate([place.name, *split_names(place.aliases)]):
                payload = (
                    f"place:{place.place_id}",
                    place.name,
                    "place",
                    "name" if i == 0 else "alias",
                )
                park_id = getattr(place, "park_id", "")
                if park_id and park_id in self.park_name:
                    # a district that is the same area as a park (新吴区 = 无锡高新区)
                    payload = (f"park:{park_id}", self.park_name[park_id], "park", "district")
                add(name, ("entity", len(name), 0, len(name), _P_PLACE, payload))
        for row in place_rules["blocks"].itertuples(index=False):
            add(row.word, ("block", len(row.word), 0, len(row.word), _P_BLOCK, None))
        for row in place_rules["abbreviations"].itertuples(index=False):
            payload = (
                f"place:{row.place_id}",
                self.place_name[row.place_id],
                "place",
                "abbreviation",
            )
            for before in split_names(row.before):
                key = before + row.abbreviation
                add(key, ("entity", len(key), len(before), 1, _P_ABBR, payload))
            for after in split_names(row.after):
                key = row.abbreviation + after
                add(key, ("entity", len(key), 0, 1, _P_ABBR, payload))
        lists = {
            row.pattern: split_names(row.place_ids) for row in place_rules["lists"].itertuples()
        }
        for n in (3, 4):
            for combo in itertools.permutations(_PROVINCE_CHARS, n):
                lists.setdefault("".join(combo), [_PROVINCE_CHARS[c] for c in combo])
        for pattern, ids in lists.items():
            if len(ids) != len(pattern):
                raise InputError(
                    f"places_lists.csv: {pattern} needs one place id per character",
                    path=config.PACKAGE_DATA_DIR / "places_lists.csv",
                    problem="format",
                )
            parts = tuple(
                (i, f"place:{pid}", self.place_name[pid]) for i, pid in enumerate(ids) if pid != "-"
            )
            add(pattern, ("list", len(pattern), 0, len(pattern), _P_PLACE, parts))
        suffixes = org_rules["suffixes"]
        one_char = set(suffixes.loc[suffixes["rule"] == "domain", "suffix"])
        for org in org_rules["known"].itertuples(index=False):
            for name in [org.name, *split_names(org.aliases)]:
                payload = (f"org:{org.name}", org.name, org.kind, "dictionary")
                ptype = "entity_f" if name[-1] in one_char else "entity"
                add(name, (ptype, len(name), 0, len(name), _P_KNOWN, payload))
        for row in suffixes.itertuples(index=False):
            payload = (row.kind, row.rule)
            if row.rule == "domain":  # keyed with the domain word: 科技局, 工业和信息化厅 ...
                for domain in self.domains:
                    key = domain + row.suffix
                    add(key, ("suffix", len(key), len(domain), 0, _P_ORG, payload))
            elif row.rule == "numbered":  # keyed with the number before it: 58所, 八所
                for numeral in _NUMERALS:
                    key = numeral + row.suffix
                    add(key, ("suffix", len(key), 1, 0, _P_ORG, payload))
            else:
                add(row.suffix, ("suffix", len(row.suffix), 0, 0, _P_ORG, payload))
        for title in words("title_before"):
            add(title, ("title_before", len(title), 0, 0, _P_PERSON, None))
        for title in words("title_after"):
            add(title, ("title_after", len(title), 0, 0, _P_PERSON, None))

        keys = list(entries)
        self.matcher = _KeyMatcher(keys)
        self.patterns = [tuple(_compile_pattern(p) for p in entries[key]) for key in keys]
        self.international = international_names(org_rules["known"])
        self.international_lengths = sorted({len(n) for n in self.international})
        self.international_heads = frozenset(n[:2] for n in self.international)
        self.name_suffixes = tuple(
            org_rules["suffixes"].loc[lambda t: t["kind"] != "park", "suffix"]
        )
        # the place names and aliases a company's name may open with or hold (by length,
        # longest first: the one place name of each length a text can start with)
        self.place_keys = frozenset(
            n for p in places.itertuples() for n in [p.name, *split_names(p.aliases)] if len(n) > 1
        )
        self.place_key_lengths = sorted({len(n) for n in self.place_keys}, reverse=True)

    # -- organisations -------------------------------------------------------------------

    def _is_stop(self, text: str, i: int) -> bool:
        """Whether a stop word ends at ``i`` (and is not part of a protected phrase)."""
        if i == 0 or text[i - 1] not in self.stop_ends:
            return False
        for n in self.stop_lengths:
            if n > i:
                continue
            word = text[i - n : i]
            if word in self.stops:
                for phrase, offset in self.protected.get(word, ()):
                    at = i - n - offset
                    if at >= 0 and text.startswith(phrase, at):
                        break
                else:
                    return True
        return False

    def org_start(self, text: str, s: int) -> int | None:
        """The first character of the organisation name ending in a suffix at ``s``.

        Searches the reversed window before ``s`` with one regular expression of reversed
        stop words and punctuation (protected phrases such as 工业和信息化 are consumed
        whole first), so the first hit is the nearest boundary.
        """
        limit = s - _MAX_ORG if s > _MAX_ORG else 0
        window = text[limit:s]
        if ")" in window or "）" in window:
            return self._org_start_slow(text, s)
        reverse = window[::-1]
        match = self.boundary.search(reverse)
        while match is not None and match.lastgroup == "p":
            match = self.boundary.search(reverse, match.end())
        at = -1 if match is None else match.start()
        if at < 0:
            return 0 if limit == 0 else None
        return s - at

    def _org_start_slow(self, text: str, s: int) -> int | None:
        """:meth:`org_start` for windows with parentheses, one character at a time."""
        limit = max(0, s - _MAX_ORG)
        i = s
        breaks = self.slow_breaks
        while i > limit:
            ch = text[i - 1]
            if ch not in breaks:  # (most characters)
                i -= 1
                continue
            if ch in _OPEN:
                j = text.rfind(_OPEN[ch], max(limit, i - 14), i - 1)
                if j < 0 or _BYLINE_BRACKET.match(text, j) is not None:
                    return i  # …电（记者张三）国家能源局: a byline's bracket ends no name
                i = j
                continue
            if ch in _PUNCT or ch in _OPENERS or self._is_stop(text, i):
                return i
            i -= 1
        return i if i == 0 else None

    def org_candidate(self, text: str, s: int, e: int, suffix: tuple[str, str, int]):
        """The organisation ending with the suffix ``text[s:e]``, or ``None`` (``suffix``:
        the kind, the rule and the shortest name before a suffix of the rule)."""
        kind, rule, shortest = suffix
        if rule == "domain":  # the matcher only fires after a domain word
            if e < len(text) and text[e] in self.follower_reject:
                return None
        elif rule == "numbered":  # the matcher only fires after a numeral
            j = s - 1
            while j > 0 and text[j - 1] in _NUMERALS:
                j -= 1
            if j == 0 or text[j - 1] != "第":
                return None
            start = self.org_start(text, j - 1)
            if start is None or start >= j - 1:
                return None
            return _org_tuple(text, start, e, kind)
        elif rule == "place":  # 上海队, 中国队: a team named by a place, nothing else
            if e < len(text) and self.words.continues(text, s, e):
                return None  # 队员, 队长
            n = self.place_before(text, s)
            return _org_tuple(text, s - n, e, kind) if n else None
        if s == 0 or text[s - 1] in _PUNCT or text[s - 1] in _OPENERS:
            return None  # nothing before the suffix: the name would be empty
        if text[s] in "日月年号" and text[s - 1] in _DIGITS:
            return None  # 美国媒体26|日报道: the suffix's first character ends a date
        start = self.org_start(text, s)
        if start is None:
            return None
        if text[start] in _COUNT_START:
            date = _LEADING_DATE.match(text, start, s)
            if date:
                start = date.end()
            if _COUNTED.match(text, start, s):
                return None
        first = _COUNT_INSIDE.search(text, start, s)  # (none, the usual case: no iterator)
        if first is not None:
            for count in _COUNT_INSIDE.finditer(text, first.start(), s):
                start = count.end()  # 基准34项|市场监管总局: a count ends a clause before the name
        if s - start < shortest:
            return None
        core = text[start:s]
        if (
            kind != "government"
            and e - s > 1
            and self.words.continues(text, s, e)
            and not text.startswith(self.titles, e)
        ):
            return None  # the suffix begins a longer word: 大学生, 银行业 (大学|校长 does not)
        if kind == "park":
            if core in self.generic_cores:
                return None
            return self.park_candidate(text, start, s, e)
        if text[s - 1] == "副" and text.startswith("中心", s):
            return None  # 城市副中心: a city's secondary centre, no body
        # a company's region in brackets before its legal form is no word of its name
        # (托伦斯精密制造（江苏）股份有限公司: the name's words are those before it)
        named = core
        if core.endswith(("）", ")")) and (m := _REGION_BRACKET.search(core)) is not None:
            if self.words.is_place(m.group(1)):
                named = core[: m.start()]
        cut = None if core in self.generic_cores else self.words.name_start(named, text[s:e])
        if cut is None and kind == "company":
            cut = self.words.dictionary_org(core, text[s:e])
            if cut is not None and core[cut:] in self.generic_cores:
                cut = None  # 商业银行: a class the dictionary lists
            if cut is None and text.endswith(_LEGAL_FORMS, s, e):
                cut = self.words.content_start(core)  # 东方证券|股份有限公司
        if cut is None:
            bridged = None if rule == "weak" else self._bridge(text, start, s, text[s:e])
            if bridged is None:
                return None
            start, cut = bridged, 0
        start += cut
        if s - start < shortest:
            return None
        if rule == "domain" and len(core) < 2 and core in self.domains:
            return None
        start = self.known_tail(text, start, e)
        if text.endswith("政府", s, e) and not self.words.names_place(text[start:s]):
            return None  # 上合组织政府(首脑), 各盟市政府: a government is a place's
        if start >= 3 and text[start - 1] in _DASHES and text[start - 3 : start - 1] == "中国":
            start -= 3  # 中国—东盟海产品交易所: a bilateral body's name opens with China
        return _org_tuple(text, start, e, kind)

    def place_before(self, text: str, s: int) -> int:
        """The length of the place name (2-4 characters, the longest) ending at ``s``, or 0;
        0 too when it is the tail of a longer word (乌|克兰代表团: 乌克兰)."""
        for n in (4, 3, 2):
            if s - n >= 0 and self.words.is_place(text[s - n : s]):
                return 0 if s - n > 0 and text[s - n - 1 : s] in self.words.tags else n
        return 0

    def known_tail(self, text: str, start: int, e: int) -> int:
        """Where the name ``text[start:e]`` begins when it ends with a known organisation
        (民政部) after words that name no place and nothing proper (示范性…服务机构|民政部:
        a clause before the name, not a unit of it); else ``start``."""
        words = self.words
        longest = min(e - start - 1, 12)
        if longest < 2:
            return start
        # (only the lengths of the known names ending with the name's last two characters)
        for n in words.known_lengths.get(text[e - 2 : e], ()):
            if n > longest:
                continue
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

    def _bridge(self, text: str, start: int, s: int, suffix: str) -> int | None:
        """The start of a name whose words hold 与, 和 or 及 (中国物流与采购联合会,
        资源与环境学院): when the name after the conjunction at ``start - 1`` names
        nothing (采购联合会) and the words before it, back to the previous boundary, are
        a name's nouns with a proper part (中国物流); else ``None``."""
        if start < 2 or text[start - 1] not in "与和及" or s - start < 2:
            return None
        if text[start:s] + suffix in self.words.known:
            return None  # 交通运输部和|财政部: a name of its own
        left = self.org_start(text, start - 1)
        if (
            left is None
            or start - 1 - left < 2
            or text.endswith(self.name_suffixes, left, start - 1)
        ):
            return None  # (交通运输部|和: an organisation's name before it)
        words = self.words
        right = words._cut(text[start:s])
        if (
            not words.plain_words(text[start:s])
            or right[-1] in words.class_attributes
            or not all(words.kind_of(w) >= 0 for w in words._cut(text[left : start - 1]))
        ):
            return None  # (邀请券商首席分析师与富国知名|基金: a clause, a class)
        cut = words.name_start(text[left : start - 1], suffix)
        if cut is None:
            return None
        return left + cut

    def unit_candidate(self, text: str, s: int, e: int, kind: str, found: list[tuple]):
        """A sub-unit (the suffix ``text[s:e]``: 司, 系, 分行, 秘书处 ...) named right after
        an organisation found before it (``found``, in the order found): 国家发展改革委环资司,
        清华大学自动化系, 中信银行合肥分行. The organisation and the unit's own words
        between them (at most ``_MAX_UNIT`` characters, no punctuation or stop word) make
        one name, of the organisation's kind; ``None`` without such an organisation, or
        when an organisation already ends here (公司 before 司)."""
        lo = s - _MAX_UNIT
        if not found or found[-1][1] < lo:
            return None  # no organisation right before (the usual case)
        if found[-1][1] == e:
            return None
        if e - s == 1 and e < len(text) and text[e] in self.follower_reject:
            return None  # 部门, 部署, 部长: the suffix begins a longer word
        if e - s == 1 and self.words.tags.get(text[s - 1 : e]) == "f":
            return None  # 西部, 内部: the suffix ends a word of place
        for cand in reversed(found):
            end = cand[1]
            if end < lo:
                break
            if end > s or not cand[3]:
                continue
            org = cand[3][0]
            if org.__class__ is str or org[2] in ("place", "person", "park"):
                continue
            if end == s and e - s < 2:
                return None  # a one-character unit needs its own words: 环资司, not 部司
            if (
                text[s:e] == "所"
                and (
                    not org[1].endswith("科学院")
                    or s - end < 2
                    or (e < len(text) and text[e] in "属长在有以得需说做用谓示述致获提能作")  # 所属
                    or text[end:s].endswith(_PEOPLE)  # 中科院专家|所做
                    or text[end:s].endswith(self.titles)
                )
            ):
                return None  # an academy's institute (中科院|宁波材料|所) only
            if text[s:e] == "中央" and not org[1].endswith("党"):
                return None  # a party's central committee only (老挝人民革命党|中央)
            start = self.org_start(text, s)
            if start is None or start > end or not self.words.unit_words(text[end:s]):
                return None
            return _org_tuple(text, cand[0], e, org[2])
        return None

    def park_candidate(self, text: str, start: int, s: int, e: int):
        """A park found by its name's shape (``text[start:s]`` before the park suffix
        ``text[s:e]``): ``park:<id>`` when its name ends with one of our parks' names
        (江苏苏州工业园区), else ``park:<its name>``; ``None`` for a generic phrase (a
        region or province and a level: 长三角国家高新区, 江苏省级开发区)."""
        # the longest park suffix (高新区, not 新区) and the name before it again
        suffix = next(x for x in self.park_suffixes if text.endswith(x, start, e))
        s = e - len(suffix)
        brand = _QUOTED_BRAND.search(text, max(0, start - 12), start) if start else None
        if brand is not None:
            # a quoted brand is the name's proper part, with the place right before it
            start, cut = brand.start(), 0
            start -= self.place_before(text, start)
        else:
            cut = self.words.name_start(text[start:s], suffix)
        if cut is None and suffix in _PARK_OFFICIAL:
            cut = self.words.noun_start(text[start:s])  # 航天经济开发区: common words
        if cut is None or s - start - cut < 2:
            return None
        start += cut
        level = _PARK_CLASS.match(text, start, s)
        if level:  # 国家级新区|两江新区: a class before the name
            start = level.end()
            if s - start < 2:
                return None
        core = _PARK_LEVEL.sub("", text[start:s])
        if suffix in ("自贸区", "自由贸易区") and (
            any(c in core for c in "－—-") or core.startswith(_WORLD_REGIONS)
        ):
            return None  # 中国－东盟自贸区, 亚太自贸区: a free-trade agreement, no zone
        if core[:2] in self.international_heads and any(
            core[:n] in self.international for n in self.international_lengths
        ):
            return None  # 上合组织科技园区(库): an international grouping's class of parks
        national = core.removeprefix("国家级").removeprefix("国家")
        if national != core and not self.words.has_proper(national):
            return None  # 国家自主创新示范区: a national class of zones, no one zone
        if core in ("全国", "我国") or (
            core != text[start:s] and (not core or core in self.broad_places)
        ):
            return None
        name = text[start:e]
        if "（" in name or " " in name:
            name = name.replace("（", "(").replace("）", ")").replace(" ", "")
        for i in range(len(name) - 2):
            park_id = self.park_by_name.get(name[i:])
            if park_id is not None:
                payload = (f"park:{park_id}", self.park_name[park_id], "park", "shape")
                break
        else:
            payload = (f"park:{name}", name, "park", "shape")
        sub = _SUB_PARK.match(text, e)
        if sub is not None and self.words.is_place(sub.group(1)):
            # a park's sub-park named by its place (中关村科技园区|海淀园): one name
            if payload[0] == f"park:{name}":
                name += sub.group()
                payload = (f"park:{name}", name, "park", "shape")
            e = sub.end()
        return (start, e, _P_ORG, (payload,))

    def short_forms(self, name: str) -> list[str]:
        """Short forms of a company name: its leading distinctive part (卓品智能 ...)."""
        cache = self.__dict__.setdefault("_short_form_cache", {})
        if name not in cache:
            cache[name] = self._short_forms(name)
        return cache[name]

    def _short_forms(self, name: str) -> list[str]:
        stem = name
        changed = True
        while changed:
            changed = False
            for tail in _COMPANY_TAILS:
                if stem.endswith(tail) and len(stem) > len(tail):
                    stem, changed = stem[: -len(tail)], True
        stem = re.split(r"[(（]", stem, maxsplit=1)[0]
        for n in self.place_key_lengths:  # the longest place name it opens with
            if len(stem) > n + 2 and stem[:n] in self.place_keys:
                stem = stem[n:]
                break
        cut = self._place_inside(stem)
        if cut > 0:
            stem = stem[:cut]
        forms = []
        while len(stem) >= 3:
            if stem != name:
                forms.append(stem)
            for word in self.industry:
                if stem.endswith(word):
                    stem = stem[: -len(word)]
                    break
            else:
                break
        return [
            f
            for f in forms
            if f not in self.generic_cores
            and not f.endswith(self.name_suffixes)  # (农商行 of 上海农商行: a class)
            and self._distinctive(f)
        ]

    def _distinctive(self, form: str) -> bool:
        """Whether a short form names one company: not a place (河南省) or a place and
        common words (河南省投资), not common words only (养老服务); one word the
        dictionary knows as a name is a brand (康明斯)."""
        words = self.words._cut(form)
        tags = self.words.tags
        place = next((form[:n] for n in self.place_key_lengths if form[:n] in self.place_keys), "")
        if place or tags.get(words[0]) == "ns":
            rest = form[len(place or words[0]) :]
            return bool(rest) and self.words.has_proper(rest)
        if len(words) == 1:
            return True
        return any(tags.get(w) not in self._COMMON for w in words)

    def _place_inside(self, stem: str) -> int:
        """Where the first place name inside ``stem`` starts (after its first character),
        or -1; a place name ``stem`` opens with does not count, even further on."""
        for i in range(1, len(stem) - 1):
            for n in self.place_key_lengths:
                place = stem[i : i + n]
                if len(place) == n and place in self.place_keys and not stem.startswith(place):
                    return i
        return -1

    _COMMON = frozenset({"n", "nr", "vn", "v", "a", "an", "ad", "d", "l", "i", "jc", "f", "s"})

    # -- lists ---------------------------------------------------------------------------

    def list_members(self, text: str, chosen: list[tuple]) -> list[tuple]:
        """The chosen candidates of a text with the other names of a list joined by 、
        that holds an organisation (超聚变、比亚迪、河南生物产业集团等): each item
        between two 、 (and the first, after the clause before it; the last, before 等
        or punctuation) that is a name's words (a proper part, no verb, numeral or
        function word, not a person's name shape, not a place) and no mention yet (but
        the places inside its name) becomes an organisation of the kind of the nearest
        organisation of the list (``resolution`` ``list``)."""
        n = len(text)
        seeds = [
            c
            for c in chosen
            if c[3]
            and c[3][0].__class__ is tuple
            and c[3][0][2] in _LIST_KINDS
            and ((c[1] < n and text[c[1]] == "、") or (c[0] > 0 and text[c[0] - 1] == "、"))
        ]
        if not seeds:
            return chosen
        added: dict[tuple[int, int], tuple] = {}
        swallowed: set[int] = set()  # places inside an item's name
        starts = [c[0] for c in chosen]  # in text order, never overlapping
        ends_of = [c[1] for c in chosen]
        regions = set()  # the ends of the lists done (a list ends at punctuation)
        for seed in seeds:
            m = _LIST_END_RE.search(text, seed[1])
            hi = n if m is None else m.start()
            if hi in regions or hi - seed[1] > 120:
                continue
            regions.add(hi)
            lo = 0 if seed[0] < 120 else seed[0] - 120
            for m in _LIST_END_RE.finditer(text, lo, seed[0]):
                lo = m.end()
            if lo == seed[0] - 120 and lo > 0:
                continue  # no list: a run of 120 characters without punctuation
            near = [(c[0], c[3][0][2]) for c in seeds if lo <= c[0] < hi]
            seps = [m.start() for m in _LIST_SEP.finditer(text, lo, hi)]
            tail_at = text.find("等", seps[-1] if seps else lo, hi)
            bodies = tail_at >= 0 and _BODIES_AFTER.match(text, tail_at) is not None
            bounds = [lo, *seps, hi]
            for k, (b, e) in enumerate(itertools.pairwise(bounds)):
                if k > 0:
                    b += 1  # after the 、
                if k == 0:  # the first item: after the clause before it
                    start = self.org_start(text, e)
                    if start is None or start < b:
                        continue
                    cut = self.words.name_start(text[start:e], "、")
                    if cut is None and bodies and self._bodies_item(text[start:e]):
                        cut = 0  # (超|聚变、…等重点企业: the clause's words are the name)
                    if cut is None:
                        continue
                    b = start + cut
                    if text.endswith(_ITEM_AFTER_TITLE, max(b - 3, 0), b):
                        continue  # 上合组织秘书长|叶尔梅克巴耶夫、: a person after a title
                elif k == len(bounds) - 2:  # the last item: up to 等 or punctuation
                    end = _LIST_TAIL.match(text, b, e)
                    if end is None:
                        continue
                    e = end.end(1)
                if (b, e) in added:
                    continue
                # the chosen ones inside the item must be places (无锡|中微腾芯电子)
                i, j = bisect.bisect_left(ends_of, b + 1), bisect.bisect_left(starts, e)
                inside = range(i, j)
                if any(
                    starts[x] < b or ends_of[x] > e or chosen[x][3][0][2] != "place" for x in inside
                ):
                    continue
                if self._list_item(text[b:e]) or (bodies and self._bodies_item(text[b:e])):
                    kind = min(near, key=lambda p: abs(p[0] - b))[1]
                    payload = (f"org:{text[b:e]}", text[b:e], kind, "list")
                    added[(b, e)] = (b, e, _P_ORG, (payload,))
                    swallowed.update(inside)
        if not added:
            return chosen
        if swallowed:
            chosen = [c for x, c in enumerate(chosen) if x not in swallowed]
        return sorted([*chosen, *added.values()], key=_START)

    def _list_item(self, item: str) -> bool:
        """Whether a list's item can be an organisation's name (see :meth:`list_members`)."""
        cache = self.__dict__.setdefault("_list_item_cache", {})
        known = cache.get(item)
        if known is None:
            if len(cache) > 100_000:
                cache.clear()
            known = cache[item] = self._list_item_uncached(item)
        return known

    def _bodies_item(self, item: str) -> bool:
        """Whether an item of a list closed by the class of its items (``…等重点企业``) can
        be a name: Chinese characters, no place, person, title, class, industry or region of
        the world (the words themselves need no proper part)."""
        if not self._item_shape(item):
            return False
        if item in _WORLD_PARTS or item in self.industry or self.words.is_place(item):
            return False
        return not any(w in self.words.class_attributes for w in self.words._cut(item))

    def _item_shape(self, item: str) -> bool:
        """Whether a list's item may be a name at all: two to ten Chinese characters, not
        a person's name shape (王文涛), a class word or a title (国家主席, 法国总统马克龙)."""
        if not 2 <= len(item) <= 10 or not _CJK_RUN.fullmatch(item):
            return False
        if len(item) <= 3 and (item[0] in self.surnames or item[:2] in self.surnames):
            return False
        return item not in self.generic_cores and not any(t in item for t in self.titles)

    def _list_item_uncached(self, item: str) -> bool:
        if not self._item_shape(item):
            return False
        words = self.words
        cut = words._cut(item)
        if len(cut) == 1 and (words.is_place(item) or (len(item) > 4 and item not in words.tags)):
            return False  # a place; a foreign person's name (叶尔梅克巴耶夫)
        if item in _WORLD_PARTS:
            return False  # 中亚、东盟、拉美: regions of the world beside a grouping
        if words.tags.get(cut[-1]) in ("v", "vn", "vd", "vi") or any(
            w in words.class_attributes for w in cut
        ):
            return False  # 河北调研, 国家机关有关部门: a clause, a class
        kinds = [words.kind_of(w) for w in cut]
        return min(kinds) >= 0 and any(
            k == 1 and w not in self.national for k, w in zip(kinds, cut, strict=True)
        )

    # -- persons -------------------------------------------------------------------------

    def person_after_title(self, text: str, e: int):
        """The person named just after a title ending at ``e`` (市长赵建军)."""
        if text[e : e + 2] in self.surnames:
            surname = 2
        elif text[e : e + 1] in self.surnames:
            surname = 1
        else:
            return None
        n = len(text)
        for end in (e + surname + 2, e + surname + 1):
            if end <= n and (end == n or text[end] in self.name_end):
                if _CJK_RUN.fullmatch(text, e, end):
                    return (e, end)
        return None

    def person_named(self, text: str, s: int, e: int) -> bool:
        """Whether ``text[s:e]`` is a given name: right after a one-character family name
        that follows punctuation (or starts the text), and before a name's end (王沪宁出席,
        、王沪宁、)."""
        if s == 0 or text[s - 1] not in self.surnames:
            return False
        if s > 1 and text[s - 2] not in _PUNCT:
            return False
        return e == len(text) or text[e] in self.name_end

    def person_before_title(self, text: str, s: int):
        """The person named just before a title starting at ``s`` (唐爱军教授)."""
        for n in (3, 2):
            b = s - n
            if b < 0:
                continue
            name = text[b:s]
            if (
                (name[0] in self.surnames or name[:2] in self.surnames)
                and _CJK.match(name)
                and (b == 0 or text[b - 1] in _PUNCT or self._is_stop(text, b))
            ):
                return (b, s)
        return None

    # -- one text --------------------------------------------------------------------------

    def hits(self, text: str) -> list[tuple[int, tuple]]:
        """Every key found in ``text``: ``(last, patterns)``, the position of its last
        character and its compiled patterns, by ``last`` and, at one position, the longest
        key first (see :class:`_KeyMatcher`)."""
        ends, keys = self.matcher.find(_code_points(text))
        return list(zip(ends.tolist(), map(self.patterns.__getitem__, keys.tolist()), strict=True))

    def scan(
        self, text: str, hits: Iterable[tuple[int, tuple]] | None = None
    ) -> tuple[list[tuple], set[str], set[str], bool]:
        """Raw candidates of one text (``hits``: its keys as from :meth:`hits`).

        Returns:
            ``(candidates, companies, persons, special)``: candidates are ``(start, end,
            priority, parts)``; companies the full names found by suffix rules, persons the
            names found by title rules; special whether a candidate is a bare zone or a
            list (see :func:`_expand`).
        """
        out: list[tuple] = []
        companies: set[str] = set()
        persons: set[str] = set()
        append = out.append
        follower_reject = self.follower_reject
        org_candidate = self.org_candidate
        n = len(text)
        last_org_end = -1
        special = False
        if hits is None:
            hits = self.hits(text)
        for last, patterns in hits:
            for code, a, b, priority, payload in patterns:
                if code == _T_ENTITY:
                    append((last - a, last - b, priority, payload))
                    if priority == _P_PARK:
                        special = True  # a park, perhaps inside an organisation's name
                elif code == _T_UNIT:
                    # (only right after a candidate: see unit_candidate; the usual case)
                    if out and out[-1][1] >= last - a - _MAX_UNIT:
                        cand = self.unit_candidate(text, last - a, last + 1, payload, out)
                        if cand is not None:
                            append(cand)
                elif code == _T_SUFFIX:
                    if last == last_org_end:  # a shorter suffix of the same ending
                        continue
                    last_org_end = last
                    cand = org_candidate(text, last - a, last + 1, payload)
                    if cand is not None:
                        append(cand)
                        org = cand[3][0]
                        if org[2] == "company":
                            companies.add(org[1])
                        elif org[2] == "park":
                            special = True
                elif code == _T_BEFORE or code == _T_AFTER:
                    if code == _T_BEFORE:
                        span = self.person_after_title(text, last + 1)
                    else:
                        span = self.person_before_title(text, last - a + 1)
                    if span:
                        name = text[span[0] : span[1]]
                        persons.add(name)
                        parts = ((f"person:{name}", name, "person", "title_rule"),)
                        append((*span, _P_PERSON, parts))
                elif code == _T_ENTITY_F:
                    if (
                        last + 1 == n
                        or text[last + 1] not in follower_reject
                        or text.startswith("分管", last + 1)  # 中央金融办|分管…的副主任
                    ):
                        append((last - a, last - b, priority, payload))
                elif code == _T_BARE:
                    k = last - a
                    if (k == 0 or text[k - 1] in _BARE_LEFT) and not _quoted(text, k):
                        append((k, last + 1, priority, payload))
                        special = True
                else:  # a list
                    k = last - a
                    if a == 1 and self.person_named(text, k, last + 1):
                        continue  # 王沪宁出席: a person's given name, not 沪 and 宁
                    append((k, last + 1, priority, payload))
                    special = True
        return out, companies, persons, special


class _Words:
    """What the words before an organisation suffix are, from jieba's dictionary (its
    words' frequencies and parts of speech) and rjieba's segmentation.

    A name before a suffix must hold a *proper part*: a place (ns), a person's or brand's
    name (nr, nz), an organisation (nt), an abbreviation (j), a Latin word, a word the
    dictionary lacks (a rare name: 舒之恒, 上合), one of our places or a national marker
    (国家, 中央, 全国); else it is a class noun (互联网公司, 商业银行, 地方政府,
    成员国政府). Its left edge is the last verb, adverb, preposition, conjunction,
    pronoun, numeral, measure word or particle after which a proper part still follows
    (加强|上合组织实业家委员会, 杨亮又找到|苏州苏高新集团): words before it belong to
    the clause, not the name.
    """

    PROPER = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt", "j", "eng"})
    # function words: a name never holds one before a class noun (央视网等|新媒体平台)
    HARD = frozenset(
        {"d", "df", "dg", "ad", "p", "c", "r", "rr", "rz", "rg", "y", "e", "o", "zg"}
        | {"u", "uj", "ul", "uz", "ud", "ug", "uv"}
    )
    BREAK = HARD | {"v", "vd", "vi", "vg", "m", "mq", "q", "f", "jc"}
    # verbal nouns and adjectives: a name's words (国家发展改革委), but a verb before a place
    ACTS = frozenset({"vn", "v", "a", "ad", "an", "d"})

    def __init__(
        self,
        proper_words: set[str],
        domains: Iterable[str],
        known: set[str],
        protected: Iterable[str] = (),
        class_attributes: Iterable[str] = (),
    ):
        self.tags = _jieba_tags()
        self.protected = tuple(protected)
        # (one pass over a name finds them all: see :meth:`protected_spans`)
        self._protected_automaton = ahocorasick.Automaton()
        for phrase in self.protected:
            self._protected_automaton.add_word(phrase, phrase)
        self._protected_automaton.make_automaton()
        self.class_attributes = frozenset(class_attributes)
        self.known = frozenset(known)
        # last two characters -> the lengths of the known names (of two characters or
        # more) ending with them, longest first
        lengths: defaultdict[str, set[int]] = defaultdict(set)
        for name in self.known:
            if len(name) > 1:
                lengths[name[-2:]].add(len(name))
        self.known_lengths = {ch: sorted(ns, reverse=True) for ch, ns in lengths.items()}
        self.proper_words = frozenset(proper_words)
        self.places: frozenset[str] = frozenset()  # our place names (set by _Rules)
        # and the cities the segmenter tags as common words: a word they open is proper
        self.place_heads: frozenset[str] = frozenset()
        self.domains = frozenset(domains)
        self._cache: dict[str, int | None] = {}
        import rjieba

        self._cut = rjieba.cut

    def continues(self, text: str, s: int, e: int) -> bool:
        """Whether the suffix ``text[s:e]`` is the start of a longer dictionary word."""
        if e >= len(text):
            return False
        tags = self.tags
        return text[s : e + 1] in tags or (e + 1 < len(text) and text[s : e + 2] in tags)

    def has_proper(self, text: str) -> bool:
        """Whether ``text`` holds a proper part (a place, a name, a rare word)."""
        return any(self.kind_of(w) == 1 for w in self._cut(text))

    def content_start(self, core: str) -> int | None:
        """Where the trailing run of content words of ``core`` begins (no verb, numeral,
        measure, locative or function word; at least two words and four characters, its
        last word no class attribute), or ``None``."""
        words = self._cut(core)
        if not words or words[-1] in self.class_attributes:
            return None
        at, n = len(core), 0
        for word in reversed(words):
            if self.kind_of(word) < 0 or self.tags.get(word) in ("v", "vn", "vd", "vi"):
                break
            at -= len(word)
            n += 1
        return at if n >= 2 and len(core) - at >= 4 else None

    def noun_start(self, core: str) -> int | None:
        """Where the trailing run of nouns of ``core`` begins (at least two characters),
        or ``None``."""
        at = len(core)
        for word in reversed(self._cut(core)):
            tag = self.tags.get(word)
            if tag is None or tag[0] != "n" or self.kind_of(word) != 0:
                break
            at -= len(word)
        return at if len(core) - at >= 2 else None

    def is_place(self, word: str) -> bool:
        """Whether ``word`` is a place name (ours and the cities of the lexicon, or the
        dictionary's ``ns``)."""
        return word in self.place_heads or self.tags.get(word) == "ns"

    def names_place(self, core: str) -> bool:
        """Whether the name ``core`` (before 政府) names a place: a place word or a
        national marker (中央), or a name ending with a level of place (李庄镇, 梁园区) of
        at least three characters."""
        if len(core) >= 3 and core[-1] in "省市县区镇乡村旗州":
            return True
        if any(self.is_place(core[:n]) for n in (2, 3, 4)):
            return True  # 美国|联邦 (one word for the segmenter)
        return any(
            self.is_place(w) or w in self.proper_words or self.tags.get(w) in ("nr", "nrt")
            for w in self._cut(core)
        )  # (中央政府; 沙特, 卡塔尔: countries the dictionary tags as names)

    def plain_words(self, text: str) -> bool:
        """Whether ``text`` is Chinese words (verbs too: 采购, 繁育) without a numeral,
        a measure word or a function word."""
        if not _CJK_RUN.fullmatch(text):
            return False
        tags = self.tags
        return all(
            self.kind_of(w) > -2 and tags.get(w) not in self.COUNT_TAGS for w in self._cut(text)
        )

    COUNT_TAGS = frozenset({"m", "mq", "q"})

    def unit_words(self, between: str) -> bool:
        """Whether ``between`` (the text between an organisation and a sub-unit suffix
        after it) can name a unit: Chinese characters without a verb, numeral or function
        word (清华大学|自动化|系, not 证监会|2026年|部, 片区|推出|系)."""
        if not between:
            return True
        if not _CJK_RUN.fullmatch(between):
            return False
        return all(self.kind_of(w) >= 0 for w in self._cut(between))

    def kind_of(self, word: str) -> int:
        """1 for a proper part, -1 for a verb, numeral, measure or locative word, -2 for
        a function word, 0 for other words (nouns, adjectives)."""
        tag = self.tags.get(word)
        if tag is None:
            if word.isdigit() or not word.strip():
                return -1
            return 1 if len(word) > 1 or word.isascii() else 0
        if tag in self.PROPER or word in self.proper_words:
            return 1
        if tag in self.BREAK and word not in self.domains:
            if tag in self.HARD:
                # one-character adverbs and interjections are often a name's characters
                # cut apart (太|赫兹); particles, conjunctions, prepositions, pronouns never
                return -2 if len(word) > 1 or tag[0] in "ucpr" else 0
            return -1 if len(word) > 1 or tag != "f" else 0  # 前|海 is 前海
        if len(word) > 3 and (word[:2] in self.place_heads or word[:3] in self.place_heads):
            return 1  # 大连理工 (a common noun for the segmenter): a place's name
        return 0

    def dictionary_org(self, core: str, suffix: str) -> int | None:
        """Where the name begins in ``core`` when its last words and the ``suffix`` are
        an organisation of the segmenter's dictionary (tagged ``nt``: 浪潮集团, 东方航空公司),
        whose words name no class (上市公司); else ``None``."""
        tags = self.tags
        for n in range(min(len(core), 6), 1, -1):
            head = core[-n:]
            if tags.get(head + suffix) == "nt" and not any(
                w in self.class_attributes for w in self._cut(head)
            ):
                return len(core) - n
        return None

    def protected_spans(self, core: str) -> list[tuple[int, int]]:
        """The span of the first occurrence in ``core`` of each protected phrase in it."""
        if not self.protected:
            return []
        first: dict[str, int] = {}  # phrase -> the end of its first occurrence
        for last, phrase in self._protected_automaton.iter(core):
            first.setdefault(phrase, last + 1)
        return [(end - len(phrase), end) for phrase, end in first.items()]

    def name_start(self, core: str, suffix: str) -> int | None:
        """Where the name begins in ``core`` (the text before ``suffix``), or ``None``
        when it names nothing: no proper part, or a function word before a class noun.
        A known organisation right after a break word is the name (...回升|财政部)."""
        key = core + "\0" + suffix
        cut = self._cache.get(key, -1)  # (-1: not yet; a cut is None or 0 and more)
        if cut != -1:
            return cut
        words = self._cut(core)
        if words and words[-1] in self.class_attributes:
            self._cache[key] = None  # 上市|公司, 知名|基金: a class, not a name
            return None
        protected = None  # (the spans of protected phrases, found when a break needs them)
        at = len(core)
        proper_after = False
        place_after = False  # whether the word after this one is a place or 国家
        cut = None
        tag_after = None  # the tag of the word after this one
        for i in range(len(words) - 1, -1, -1):
            word = words[i]
            at -= len(word)
            kind = self.kind_of(word)
            if kind == 0 and self.tags.get(word) in self.ACTS and (place_after or at == 0):
                kind = -1  # 建设|海南自由贸易港, (开头)推出|…: a verb, not a name's word
            place_after = word in self.proper_words or self.tags.get(word) == "ns"
            if kind < 0:
                if protected is None:
                    protected = self.protected_spans(core)  # 工业和信息化: its 和 is no break
                if any(a <= at and at + len(word) <= b for a, b in protected):
                    kind = 0
            if (
                kind == -1
                and len(word) == 1
                and tag_after == "nrt"
                and (i == 0 or self.kind_of(words[i - 1]) < 0)
            ):
                kind = 1  # 的|费|斯托: a foreign name's first syllable, cut off as a verb
            tag_after = self.tags.get(word)
            if kind < 0:
                after = at + len(word)
                if proper_after or core[after:] + suffix in self.known:
                    cut = after
                    break
                if kind == -2 and after < len(core):
                    break  # 央视网等|新媒体平台: a class noun after a function word
            elif kind == 1:
                proper_after = True
        if cut is None:
            cut = 0 if proper_after and at == 0 else None
        if (
            cut is None
            and len(words) > 1
            and len(words[0]) == 1
            and len(words[1]) == 1
            and all(self.kind_of(w) == 0 and self.tags.get(w) not in self.ACTS for w in words[:2])
        ):
            cut = 0  # 前|海|合作区: characters the segmenter could not join, a name it lacks
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[key] = cut
        return cut


@functools.lru_cache(maxsize=1)
def _jieba_tags() -> dict[str, str]:
    """jieba's dictionary: word -> part of speech (``jc`` for frequent abbreviations).
    jieba's folder is found without importing jieba (its import costs more than the
    read)."""
    return _dictionary_tags(config.jieba_file("dict.txt"))


def _dictionary_tags(path: Path) -> dict[str, str]:
    """The tags of a jieba dictionary file (lines ``word frequency tag``; a line without
    three fields is left out; a later line of a word wins): word -> tag, ``jc`` for an
    abbreviation (``j``) of two characters or more used more than 1,000 times.

    The whole file is split at once and the words and tags paired in C (twice as fast
    as line by line), the tags shared (a few dozen strings, not one per word)."""
    text = path.read_text(encoding="utf-8")
    fields = text.split()
    words, freqs, tags = fields[0::3], fields[1::3], fields[2::3]
    lines = text.count("\n") + (not text.endswith("\n"))
    if not (
        len(fields) == 3 * lines
        and "".join(freqs).isdigit()
        and "".join(tags).isascii()
        and "".join(tags).isalpha()
    ):  # a line without three fields (none in jieba's own file): line by line
        fields = [f for line in text.split("\n") if len(ws := line.split()) == 3 for f in ws]
        words, freqs, tags = fields[0::3], fields[1::3], fields[2::3]
    tags = list(map({}.setdefault, tags, tags))
    for i in [i for i, tag in enumerate(tags) if tag == "j"]:
        if len(words[i]) > 1 and int(freqs[i]) > 1000:
            tags[i] = "jc"  # a frequent "abbreviation" is a common word (深化, 中小)
    return dict(zip(words, tags, strict=True))


def _code_points(text: str) -> np.ndarray:
    """The code points of ``text``: 16-bit when they all are (no surrogates either), the
    usual case, which halves the memory and speeds up the look-ups; else 32-bit."""
    codes = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if len(codes) == len(text) and not ((codes & 0xF800) == 0xD800).any():
        return codes
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _org_tuple(text: str, start: int, end: int, kind: str) -> tuple:
    """The candidate of the organisation ``text[start:end]`` found by a suffix rule."""
    name = text[start:end]
    if "（" in name or " " in name:
        name = name.replace("（", "(").replace("）", ")").replace(" ", "")
    if kind == "research":
        if name.endswith("中心") and _GOVERNMENT_INSIDE.search(name, 0, len(name) - 2):
            kind = "government"
    elif name.endswith("委员会") and _ASSOCIATION_INSIDE.search(name, 0, len(name) - 3):
        kind = "association"
    return (start, end, _P_ORG, ((f"org:{name}", name, kind, "suffix_rule"),))


def _quoted(text: str, k: int) -> bool:
    """Whether ``text[k]`` is inside a quotation or a title (“…”, 《…》) or a column or
    series name (经济聚焦·…) of the same line."""
    lo = k - 120 if k > 120 else 0
    opened = max(text.rfind(c, lo, k) for c in _QUOTE_OPEN)
    if opened >= 0 and opened > max(text.rfind(c, lo, k) for c in _QUOTE_CLOSE):
        return True
    dot = text.rfind("·", lo, k)
    return dot >= 0 and not any(_SENTENCE_LUT[ord(c)] or c in "，," for c in text[dot:k])


def _reversed_alternation(words: Iterable[str]) -> str:
    """A regex of the reversed words matching the longest one, written as their trie
    (``(?:区(?:新|)|市)``: the engine follows the text's characters instead of trying
    each word in turn, as it does an alternation of the words)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in reversed(word):
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict) -> str:
        branches = [re.escape(ch) + pattern(node[ch]) for ch in sorted(node) if ch]
        if "" in node and branches:
            branches.append("")  # the word ending here, when no longer one matches
        if len(branches) < 2:
            return "".join(branches)
        return "(?:" + "|".join(branches) + ")"

    return pattern(trie)


@functools.lru_cache(maxsize=4)
def _cached_rules(gazetteer_key: tuple) -> _Rules:
    return _Rules(load_gazetteer())


def _rules_for(gazetteer: pd.DataFrame | None) -> _Rules:
    if gazetteer is not None:
        return _Rules(gazetteer)
    key = tuple(
        (str(p), p.stat().st_mtime if p.exists() else None) for p in config.user_gazetteers()
    )
    return _cached_rules(key)


def _select(cands: list[tuple]) -> list[tuple]:
    """Non-overlapping candidates, longest first, then by priority, then leftmost (then
    first found); in text order (``cands`` is sorted and extended in place).

    A candidate only competes with the candidates it overlaps, directly or through others,
    so the text is cut into clusters of overlapping candidates, settled one by one: a lone
    candidate is kept, a pair (the usual cluster: a place inside an organisation name ...)
    compared directly, larger clusters left to :func:`_settle`.
    """
    if not cands:
        return []
    cands.sort(key=_START)  # stable: candidates at one start stay in the order found
    cands.append(_LAST)  # closes the last cluster
    chosen: list[tuple] = []
    append = chosen.append
    it = iter(cands)
    first = next(it)  # the current cluster's first candidate
    end = first[1]  # and its end
    second = more = None  # its second candidate, and a list of any further ones
    for cand in it:
        if cand[0] < end:  # overlaps the cluster
            if second is None:
                second = cand
            elif more is None:
                more = [cand]
            else:
                more.append(cand)
            if cand[1] > end:
                end = cand[1]
            continue
        if second is None:
            if first[3]:
                append(first)
        elif more is None:
            n1, n2 = first[1] - first[0], second[1] - second[0]
            winner = second if n2 > n1 or (n2 == n1 and second[2] < first[2]) else first
            if winner[3]:
                append(winner)
            second = None
        else:
            chosen += _settle([first, second, *more], end)
            second = more = None
        first = cand
        end = cand[1]
    return chosen


def _settle(cluster: list[tuple], end: int) -> list[tuple]:
    """The candidates :func:`_select` keeps of a cluster given in its order (by start,
    candidates at one start in the order found) and ending at ``end``, in text order."""
    chosen = []
    while True:
        # the best of the rest (the first of equals) wins and drops those it overlaps
        best = cluster[0]
        best_n, best_p = best[1] - best[0], best[2]
        for cand in cluster:
            n = cand[1] - cand[0]
            if n > best_n or (n == best_n and cand[2] < best_p):
                best, best_n, best_p = cand, n, cand[2]
        if best[3]:
            chosen.append(best)
        s, e = best[0], best[1]
        if s <= cluster[0][0] and e >= end:  # it covers the rest (the usual case)
            break
        cluster = [c for c in cluster if c[1] <= s or c[0] >= e]
        if not cluster:
            break
        end = max(map(_END, cluster))
    chosen.sort(key=_START)
    return chosen


def _context_park(rules: _Rules, parks: set, districts: set, cities: Counter) -> str | None:
    """The park an article is about, for a bare 高新区 (see the module docstring), from the
    parks, the parks co-extensive with districts and the cities (counted) it names."""
    if len(parks) == 1:
        return parks.pop()
    if parks:
        return None
    if len(districts) == 1:
        return districts.pop()
    if districts:
        return None
    ranked = cities.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return rules.main_park.get(ranked[0][0])
    return None


def _check_articles(articles: pd.DataFrame) -> None:
    missing = [c for c in ("article_id", *REQUIRED_FIELDS) if c not in articles.columns]
    if missing:
        raise InputError(
            f"the articles table lacks the column(s) {', '.join(missing)}", problem="columns"
        )


def find_mentions(
    articles: pd.DataFrame,
    *,
    kinds: Sequence[str] | str | None = None,
    gazetteer: pd.DataFrame | None = None,
    link_by: str | None = None,
) -> pd.DataFrame:
    """Find the parks, places, organisations and persons named in the articles.

    Every text field of an article is read: ``kicker``, ``title``, ``subtitle``,
    ``dateline`` (新华社北京11月13日电), ``body`` and ``byline``, so a name counts wherever
    a reader sees it.

    Args:
        articles: the articles table, with at least ``article_id``, ``title`` and ``body``
            (missing text is read as empty; ``kicker``, ``subtitle``, ``dateline`` and
            ``byline`` are read when present).
        kinds: keep only these kinds (``park``, ``company``, ``government``, ``research``,
            ``association``, ``place``, ``person``); all when ``None``. Every kind is still
            found, so context resolution does not depend on this choice.
        gazetteer: a parks table as returned by :func:`analysis.load_gazetteer` to use
            instead of the packaged one merged with ``ANALYSIS_GAZETTEER`` files.
        link_by: a column of ``articles``; company short forms (康明斯) are then linked
            to full names found in articles with the same value (e.g. ``source``: the
            same input file) instead of anywhere in ``articles``. The build uses
            ``source``, so its tables do not depend on how inputs are batched.

    Returns:
        One row per mention, ordered by article (table order), field (in the order
        above) and start; ``(article_id, field, start)`` is unique:

        - ``article_id``: the article's id.
        - ``entity_id``: ``park:<park_id>``, ``place:<place_id>``, ``org:<canonical name>``
          or ``person:<name>``; one id per entity across the whole input.
        - ``name``: canonical name (a park's short name, a place's name, an organisation's
          full name with ASCII parentheses, a person's name).
        - ``kind``: ``park``, ``company``, ``government``, ``research`` (universities,
          institutes, labs, centres), ``association`` (alliances, societies, platforms,
          committees of associations), ``place`` or ``person``.
        - ``surface``: the text as written; ``articles[field].str[start:end] == surface``.
        - ``start``, ``end``: character offsets into the field's string.
        - ``field``: ``kicker``, ``title``, ``subtitle``, ``dateline``, ``body`` or
          ``byline``.
        - ``sentence``: the sentence holding the mention (split at 。！？；!?; and newlines).
        - ``resolution``: how it was linked: parks ``official_name``, ``short_name``,
          ``alias``, ``district``, ``context`` (a bare 高新区 resolved from the article,
          never inside quotes or a column name), ``shape`` (any park by its name's shape:
          ``park:<id>`` when one of ours, else ``park:<its name>``) or ``short_form``
          (合作区, 自贸港 after the one full name of the article ending so); places
          ``name``, ``alias``, ``abbreviation`` (在锡, 锡企 ...) or ``abbreviation_list``
          (沪苏浙皖); organisations ``dictionary``, ``suffix_rule`` or ``short_form``
          (康明斯 for 康明斯(中国)投资有限公司); persons ``title_rule`` or ``coreference``.

    Raises:
        InputError: ``articles`` lacks ``article_id``, ``title`` or ``body``.
        ValueError: an unknown kind.

    Example:
        >>> import pandas as pd
        >>> arts = pd.DataFrame({"article_id": ["a"], "title": ["会议在锡召开"], "body": [""]})
        >>> find_mentions(arts)[["entity_id", "surface", "resolution"]].values.tolist()
        [['place:wuxi', '锡', 'abbreviation']]
    """
    _check_articles(articles)
    if isinstance(kinds, str):
        kinds = [kinds]
    if kinds is not None:
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kind(s) {sorted(unknown)}; choose from {KINDS}")
    rules = _rules_for(gazetteer)
    # The candidates are many small tuples: pausing the cyclic garbage collector (they
    # hold no cycles) saves its repeated scans of them.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _find(articles, kinds, rules, link_by)
    finally:
        if was_enabled:
            gc.enable()


def _short_forms(rules: _Rules, companies: set[str]) -> dict[str, tuple]:
    """Company short forms -> the full name's payload; a short form two companies share is
    dropped."""
    full_names = {name: f"org:{name}" for name in companies}
    owners: dict[str, set[str]] = defaultdict(set)
    for name in full_names:
        for form in rules.short_forms(name):
            owners[form].add(name)
    short = {}
    for form, names in owners.items():
        longest = max(names, key=len)
        if all(longest.startswith(n) for n in names):
            name = longest
            short[form] = (full_names[name], name, "company", "short_form")
        else:
            logger.info("short form %s is shared by %s; not linked", form, ", ".join(sorted(names)))
    return short


# the code points the key matcher looks at at a time (whole texts): its arrays of 8 bytes a
# character then stay a few megabytes, memory the allocator reuses, instead of fresh pages
# each time (a third of the matcher's time over a whole corpus at once)
_RUN = 1 << 20


def _hits_by_text(
    matcher: _KeyMatcher, codes: np.ndarray, offsets: list[int], chosen: list[int] | None = None
) -> tuple[list[int], list[int], list[int]]:
    """Every key of ``matcher`` in the texts whose code points, each followed by a newline,
    are ``codes`` (text ``k`` at ``offsets[k]``), or in the texts ``chosen`` only (their
    indices, in order): ``(lasts, keys, first_hit)``, the position of each hit's last
    character in its text and its key, text by text (in the matcher's order within a
    text), text ``k``'s hits at ``first_hit[k]:first_hit[k + 1]`` (a key spanning two
    texts, none does, is left out)."""
    n_texts = len(offsets) - 1
    if chosen is not None and len(chosen) < n_texts:  # their code points, joined
        lengths = np.diff(offsets)
        picked = np.zeros(n_texts, dtype=bool)
        picked[chosen] = True
        codes = codes[np.repeat(picked, lengths)]
        lasts, keys, first = _hits_by_text(
            matcher, codes, list(itertools.accumulate(lengths[picked], initial=0))
        )
        counts = np.zeros(n_texts, dtype=np.int64)  # hits per text, none in the others
        counts[chosen] = np.diff(first)
        return lasts, keys, [0, *itertools.accumulate(counts.tolist())]
    lasts: list[int] = []
    keys: list[int] = []
    first_hit = [0]
    lo = 0  # the first text of a run
    while lo < n_texts:
        # the texts of at most _RUN code points from text lo (one at least)
        hi = max(lo + 1, bisect.bisect_right(offsets, offsets[lo] + _RUN, lo) - 1)
        at = np.asarray(offsets[lo : hi + 1])
        ends, found, starts = matcher.find(codes[at[0] : at[-1]], starts=True)
        at -= at[0]
        text_of = np.searchsorted(at, ends, side="right") - 1
        inside = (starts >= at[text_of]) & (ends < at[text_of + 1] - 1)
        ends, found, text_of = ends[inside], found[inside], text_of[inside]
        first = np.searchsorted(text_of, np.arange(1, hi - lo + 1)) + len(lasts)
        lasts += (ends - at[text_of]).tolist()
        keys += found.tolist()
        first_hit += first.tolist()
        lo = hi
    return lasts, keys, first_hit


def _find(articles: pd.DataFrame, kinds, rules: _Rules, link_by: str | None = None) -> pd.DataFrame:
    """The body of :func:`find_mentions`."""
    articles = pd.DataFrame(articles, copy=False)  # a view without attrs: no deep copies of them
    ids = articles["article_id"].tolist()
    if link_by is not None and link_by not in articles.columns:
        raise InputError(f"link_by: no column {link_by!r} in the articles table", problem="columns")
    groups = articles[link_by].tolist() if link_by is not None else [None] * len(ids)
    n_fields = len(FIELDS)
    # every text, field by field within each article (title0, body0, title1, ...)
    none = [""] * len(ids)
    columns = (articles[f].tolist() if f in articles.columns else none for f in FIELDS)
    texts = ["" if not isinstance(t, str) else t for row in zip(*columns, strict=True) for t in row]
    joined = "\n".join(texts) + "\n"
    codes = _code_points(joined)
    offsets = list(itertools.accumulate((len(t) + 1 for t in texts), initial=0))
    # every key in every text, found at once: where each ends in its text, its patterns
    lasts, keys, first_hit = _hits_by_text(rules.matcher, codes, offsets)
    patterns = list(map(rules.patterns.__getitem__, keys))
    scan = rules.scan

    # Pass 1: raw candidates of every text that has some (most articles have a title and
    # a body only), what each article names (persons, whether bare zones or lists), the
    # companies of each link_by group (the whole input without one).
    filled: list[list[tuple[int, list]]] = [[] for _ in ids]  # article -> [(text, cands)]
    person_names: list = [None] * len(ids)
    special = [False] * len(ids)
    companies: dict[object, set[str]] = {}
    for k, text in enumerate(texts):
        if not text:
            continue
        a = k // n_fields
        lo, hi = first_hit[k], first_hit[k + 1]
        if lo == hi:  # no key: no candidate
            filled[a].append((k, []))
            continue
        cands, found, persons, has_special = scan(
            text, zip(lasts[lo:hi], patterns[lo:hi], strict=True)
        )
        filled[a].append((k, cands))
        if persons:
            if person_names[a] is None:
                person_names[a] = set()
            person_names[a] |= persons
        if found:
            companies.setdefault(groups[a], set()).update(found)
        if has_special:
            special[a] = True

    # Company short forms link within each group: each group's, and where those of all
    # groups stand in the texts of the groups that have some, found at once (a text keeps
    # those of its group).
    short_of = {group: _short_forms(rules, found) for group, found in companies.items()}
    short_of = {group: short for group, short in short_of.items() if short}
    forms = list(dict.fromkeys(form for short in short_of.values() for form in short))
    short_lasts, short_keys, first_short = [], [], [0] * len(offsets)
    if forms:
        in_groups_with_forms = [
            k
            for a, group in enumerate(groups)
            if group in short_of
            for k in range(a * n_fields, (a + 1) * n_fields)
        ]
        short_lasts, short_keys, first_short = _hits_by_text(
            _KeyMatcher(forms), codes, offsets, in_groups_with_forms
        )

    # Pass 2, group by group: short forms and later uses of persons' names join the raw
    # candidates, then the candidates that win.
    members: dict[object, list[int]] = defaultdict(list)
    for a, group in enumerate(groups):
        members[group].append(a)
    # The chosen candidates, group by group; each article's first row there and the rows
    # of each text; their payloads numbered as met (in ``payloads``).
    chosen_all: list[tuple] = []
    payloads: defaultdict[tuple, int] = defaultdict(itertools.count().__next__)
    number = payloads.__getitem__
    first_row = [0] * len(ids)
    counts = [0] * len(texts)
    no_short: dict = {}
    for group, articles_g in members.items():
        short = short_of.get(group, no_short)
        for a in articles_g:
            first_row[a] = len(chosen_all)
            per_field, filled[a] = filled[a], None
            if not per_field:
                continue
            persons = person_names[a] or ()
            chosen = []
            for k, cands in per_field:
                text = texts[k]
                for i in range(first_short[k], first_short[k + 1]):
                    form = forms[short_keys[i]]
                    payload = short.get(form)
                    if payload is not None:
                        last = short_lasts[i]
                        cands.append((last - len(form) + 1, last + 1, _P_SHORT, (payload,)))
                for person in persons:
                    at = text.find(person)
                    if at != -1:
                        parts = ((f"person:{person}", person, "person", "coreference"),)
                        while at != -1:
                            cands.append((at, at + len(person), _P_PERSON + 1, parts))
                            at = text.find(person, at + 1)
                kept = _select(cands) if cands else cands
                chosen.append(rules.list_members(text, kept) if "、" in text else kept)
            if special[a]:
                chosen = [
                    _nested_parks(kept, cands)
                    for kept, (_, cands) in zip(chosen, per_field, strict=True)
                ]
                chosen = _expand(rules, chosen)
            for (k, _), kept in zip(per_field, chosen, strict=True):
                counts[k] = len(kept)
                chosen_all += kept

    rows = (
        np.fromiter(map(_START, chosen_all), dtype=np.int64, count=len(chosen_all)),
        np.fromiter(map(_END, chosen_all), dtype=np.int64, count=len(chosen_all)),
        np.fromiter(
            map(number, map(_PAYLOAD, map(_PARTS, chosen_all))),
            dtype=np.int64,
            count=len(chosen_all),
        ),
    )
    if len(members) > 1:  # the groups may interleave: put the rows in article order
        sizes = np.add.reduceat(counts, range(0, len(counts), n_fields))  # per article
        order = np.repeat(np.array(first_row) - (np.cumsum(sizes) - sizes), sizes)
        order += np.arange(len(order))
        rows = tuple(column[order] for column in rows)
    rows = _link_park_short_forms(
        rows, payloads, counts, ids, dict(zip(ids, groups, strict=True)) if link_by else None
    )
    out = _frame(*rows, list(payloads), counts, ids, joined, codes, offsets, kinds)
    logger.info("found %d mention(s) in %d article(s)", len(out), len(ids))
    return out


# world regions and groupings of countries: their free-trade area is an agreement
# (亚太自贸区, 中日韩自贸区), not a zone of one country
# regions of the world, never an organisation of a list (中亚、东盟、拉美等新兴市场)
_WORLD_PARTS = frozenset(
    "亚洲 欧洲 非洲 美洲 大洋洲 北美 南美 拉美 拉丁美洲 中美洲 加勒比 中亚 西亚 南亚 东亚"
    " 东南亚 东北亚 中东 北非 西非 东非 撒哈拉以南非洲 中东欧 东欧 西欧 北欧 南欧 欧亚 亚太"
    " 太平洋岛国".split()
)
# the end of a title before the first item of a list: the item is a person
_ITEM_AFTER_TITLE = ("秘书长", "主席", "总统", "总理", "主任", "部长", "大使", "代表", "负责人")
_WORLD_REGIONS = (
    "亚太",
    "东亚",
    "东盟",
    "中日韩",
    "区域",
    "全球",
    "欧亚",
    "北美",
    "拉美",
    "非洲",
    "环太平洋",
    "跨太平洋",
    "金砖",
    "海湾",
)

# the short forms of a zone's class, which a park's short name uses
_CLASS_SHORT = (
    ("高新技术产业开发区", "高新区"),
    ("经济技术开发区", "经开区"),
    ("自由贸易试验区", "自贸区"),
    ("自由贸易区", "自贸区"),
    ("自由贸易港", "自贸港"),
)


def _with_short_class(name: str) -> str:
    for full, short in _CLASS_SHORT:
        if name.endswith(full):
            return name[: -len(full)] + short
    return name


def _abbreviates(short: str, full: str) -> bool:
    """Is ``short`` a Chinese short form of ``full``: its characters in order, with the
    same first two (after the province the full name may open with) and last two, the
    zone's class in its short form (海南自贸港 of 海南自由贸易港, 上海临港新片区 of
    上海自贸区临港新片区, 南昌高新区 of 江西南昌高新技术产业开发区)?"""
    if len(short) >= len(full):
        return False
    short = _with_short_class(short)
    full = _with_short_class(full)
    # the full name may open with its province (江西南昌高新区: 南昌高新区)
    start = next((k for k in (0, 2, 3) if full[k : k + 2] == short[:2]), None)
    if start is None:
        return False
    full = full[start:]
    if short == full:
        return True
    if len(short) >= len(full) or short[-2:] != full[-2:]:
        return False
    chars = iter(full)
    return all(c in chars for c in short)


def _link_park_short_forms(
    rows: tuple[np.ndarray, np.ndarray, np.ndarray],
    payloads: dict[tuple, int],
    counts: list[int],
    ids: list,
    group_of: dict | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parks found by their name's shape, linked to the longer name of the same park in
    the same article (:func:`_abbreviates`): one park, not two. A short form an article
    links so is the same park in the other articles of its ``link_by`` group too (all
    articles without one, as company short forms: 海南自贸港 alone in one report is the
    海南自由贸易港 another report writes in full next to it), unless articles of the group
    link it to different parks. ``group_of`` maps an article id to its group.

    ``rows``: the starts, ends and payload numbers of the mentions (as for :func:`_frame`;
    ``payloads`` numbers the payloads, and numbers those of the rows linked anew)."""
    distinct = list(payloads)
    shape = np.array([p[2] == "park" and p[3] == "shape" for p in distinct], dtype=bool)
    at = np.flatnonzero(shape[rows[2]]) if len(rows[2]) else rows[2]
    if len(at) < 2:
        return rows
    article_of = np.repeat(np.arange(len(counts)) // len(FIELDS), counts)[at].tolist()
    shaped = [distinct[i] for i in rows[2][at].tolist()]
    relinked: dict[int, tuple[str, str]] = {}
    # (group, short name) -> {(entity_id, full name)}
    linked: dict[tuple, set[tuple[str, str]]] = defaultdict(set)
    group = (lambda aid: None) if group_of is None else group_of.get
    # article -> its rows [(row, name, entity_id)], articles in order
    by_article: defaultdict[object, list[tuple]] = defaultdict(list)
    for row, a, payload in zip(at.tolist(), article_of, shaped, strict=True):
        if not pd.isna(ids[a]):
            by_article[ids[a]].append((row, payload[1], payload[0]))
    for aid, parks in by_article.items():
        names = {name: eid for _, name, eid in parks}
        if len(names) < 2:
            continue
        by_length = sorted(names, key=len, reverse=True)
        for short in by_length:
            full = next((f for f in by_length if _abbreviates(short, f)), None)
            if full is None:
                continue
            linked[(group(aid), short)].add((names[full], full))
            for row, name, _ in parks:
                if name == short:
                    relinked[row] = (names[full], full)
    in_group = {key: next(iter(fulls)) for key, fulls in linked.items() if len(fulls) == 1}
    # (a full name that is itself a short form of a longer one goes on to that one)
    for (g, short), (eid, full) in list(in_group.items()):
        seen = {short}
        while (g, full) in in_group and full not in seen:
            seen.add(full)
            eid, full = in_group[(g, full)]
        in_group[(g, short)] = (eid, full)
    if in_group:
        for row, a, payload in zip(at.tolist(), article_of, shaped, strict=True):
            if row not in relinked and (found := in_group.get((group(ids[a]), payload[1]))):
                relinked[row] = found
    if not relinked:
        return rows
    payload_of = rows[2].copy()
    for row, (eid, name) in relinked.items():
        payload_of[row] = payloads[(eid, name, "park", "shape")]
    return rows[0], rows[1], payload_of


def _nested_parks(chosen: list[tuple], cands: list[tuple]) -> list[tuple]:
    """The chosen candidates of a text with the parks named inside an organisation's
    name added right after it (深圳市前海深港现代服务业合作区管理局 names the park
    前海深港现代服务业合作区 too); the longest first, never two overlapping ones. A
    district standing for a park (新吴区人民政府) is no park name."""
    parks = [
        c
        for c in cands
        if c[3] and c[3][0].__class__ is tuple and c[3][0][2] == "park" and c[3][0][3] != "district"
    ]
    if not parks:
        return chosen
    out = []
    for cand in chosen:
        out.append(cand)
        payload = cand[3][0]
        if payload.__class__ is not tuple or payload[2] in ("park", "place", "person"):
            continue
        inside = sorted(
            (p for p in parks if cand[0] <= p[0] and p[1] <= cand[1]),
            key=lambda p: (p[0] - p[1], p[2], p[0]),
        )
        kept: list[tuple] = []
        for p in inside:
            if all(p[1] <= k[0] or k[1] <= p[0] for k in kept):
                kept.append(p)
        out += sorted(kept, key=_START)
    return out


def _expand(rules: _Rules, chosen: list[list[tuple]]) -> list[list[tuple]]:
    """An article's chosen candidates with bare zones resolved (or dropped) and lists split
    into one candidate per place."""
    # one pass: where the bare zones and lists are, and what the others tell of the context
    marked = []
    parks, districts, cities = set(), set(), Counter()
    named = {}  # the parks named in full: entity id -> payload
    clues = rules.context_clues
    for cands in chosen:
        at = []
        for i, cand in enumerate(cands):
            payload = cand[3][0]
            if payload.__class__ is str:  # "bare" or "list"
                at.append(i)
                continue
            if payload[2] == "park":
                named[payload[0]] = payload
            clue = clues.get(payload[0])
            if clue is not None:
                park, district, city = clue
                if park is not None:
                    parks.add(park)
                if district is not None:
                    districts.add(district)
                if city is not None:
                    cities[city] += 1
        marked.append(at)
    context = context_payload = None
    if any(cands[i][3][0] == "bare" for cands, at in zip(chosen, marked, strict=True) for i in at):
        context = _context_park(rules, parks, districts, cities)
        if context is not None:
            context_payload = (f"park:{context}", rules.park_name[context], "park", "context")
    out = []
    for cands, at in zip(chosen, marked, strict=True):
        if not at:
            out.append(cands)
            continue
        rows = list(cands)
        for i in reversed(at):  # replace from the end, so earlier indices stay valid
            s, e, _, parts = cands[i]
            if parts[0] == "bare":
                park = parts[1]
                if park in _PARK_SHORT or (park is None and context is None):
                    full = _full_park(named, _PARK_SHORT[park or "高新区"])
                    if full is None:
                        rows[i : i + 1] = ()
                    else:
                        rows[i] = (s, e, _P_PARK, ((full[0], full[1], "park", "short_form"),))
                elif context is None or (park is not None and park != context):
                    rows[i : i + 1] = ()
                else:
                    rows[i] = (s, e, _P_PARK, (context_payload,))
            else:  # a list
                rows[i : i + 1] = [
                    (s + j, s + j + 1, _P_PLACE, ((eid, name, "place", "abbreviation_list"),))
                    for j, eid, name in parts[1]
                ]
        out.append(rows)
    return out


def _full_park(named: dict[str, tuple], endings: tuple[str, ...]) -> tuple | None:
    """The one park named in full whose name ends with one of ``endings`` (the park a
    short form such as 合作区 stands for), or ``None`` when none or several do."""
    found = [p for p in named.values() if p[3] != "short_form" and p[1].endswith(endings)]
    return found[0] if len(found) == 1 else None


def _empty_frame() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in MENTION_COLUMNS})
    return frame.astype({"start": "int64", "end": "int64"})


def _frame(
    starts: np.ndarray,
    ends: np.ndarray,
    payload_of: np.ndarray,
    distinct: list[tuple],
    counts: list[int],
    ids: list,
    joined: str,
    codes: np.ndarray,
    offsets: list[int],
    kinds,
) -> pd.DataFrame:
    """The mentions table, built column by column through Arrow.

    Row ``i`` spans ``starts[i]:ends[i]`` of its text, its payload (entity_id, name, kind,
    resolution) ``distinct[payload_of[i]]``. The rows are those of every text in turn
    (``counts`` of each), text ``k`` being field ``k % len(FIELDS)`` of article
    ``k // len(FIELDS)``, at ``offsets[k]`` in ``joined`` (the texts each followed by a
    newline; ``codes`` its code points).
    """
    if not len(starts):
        return _empty_frame()
    n_fields = len(FIELDS)
    text_index = np.repeat(np.arange(len(counts)), counts)
    if kinds is not None:
        kinds = frozenset(kinds)
        keep = np.array([p[2] in kinds for p in distinct], dtype=bool)[payload_of]
        if not keep.any():
            return _empty_frame()
        payload_of, text_index = payload_of[keep], text_index[keep]
        starts, ends = starts[keep], ends[keep]
    # positions in ``joined``; sentences end after 。！？；!?; or a newline (each text ends
    # with one), and rows come in text order, so a sentence's rows are next to each other
    at = np.asarray(offsets, dtype=np.int64)[text_index] + starts
    at_end = at + (ends - starts)
    lut = _SENTENCE_LUT[:0x10000] if codes.dtype == np.uint16 else _SENTENCE_LUT  # (cached)
    bounds = np.concatenate(([0], np.flatnonzero(lut.take(codes)) + 1))
    sentence = np.searchsorted(bounds, at, side="right")
    new = np.empty(len(sentence), dtype=bool)
    new[0] = True
    np.not_equal(sentence[1:], sentence[:-1], out=new[1:])
    first = sentence[new]
    sentence_list = [
        joined[lo:hi].strip()
        for lo, hi in zip(bounds[first - 1].tolist(), bounds[first].tolist(), strict=True)
    ]
    sentence_of = np.cumsum(new) - 1
    article_index = text_index // n_fields
    field_index = text_index % n_fields
    # strings are built as large_string, the type pandas keeps them in: to_pandas then
    # has no copy to make (the sentences alone are ~250 bytes a row)
    large = pa.large_string()
    try:
        new_article = np.empty(len(article_index), dtype=bool)
        new_article[0] = True
        np.not_equal(article_index[1:], article_index[:-1], out=new_article[1:])
        article_ids = pa.array([ids[i] for i in article_index[new_article].tolist()])
        if pa.types.is_string(article_ids.type):
            article_ids = article_ids.cast(large)
        payload_index = pa.array(payload_of)
        surfaces = _string_array(codes, at, at_end)
        if surfaces is None:
            surfaces = pa.array(
                [joined[s:e] for s, e in zip(at.tolist(), at_end.tolist(), strict=True)], large
            )
        columns = [pa.array(c, large).take(payload_index) for c in zip(*distinct, strict=True)]
        arrays = {
            "article_id": article_ids.take(pa.array(np.cumsum(new_article) - 1)),
            "entity_id": columns[0],
            "name": columns[1],
            "kind": columns[2],
            "surface": surfaces,
            "start": pa.array(starts),
            "end": pa.array(ends),
            "field": pa.array(FIELDS, large).take(pa.array(field_index)),
            "sentence": _repeated_strings(sentence_list, sentence_of),
            "resolution": columns[3],
        }
        return pa.table(arrays).to_pandas()  # (start and end: int64 already)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # e.g. article ids of mixed types
        rows = [distinct[i] for i in payload_of.tolist()]
        frame = pd.DataFrame(
            {
                "article_id": [ids[i] for i in article_index.tolist()],
                "entity_id": [r[0] for r in rows],
                "name": [r[1] for r in rows],
                "kind": [r[2] for r in rows],
                "surface": [joined[s:e] for s, e in zip(at.tolist(), at_end.tolist(), strict=True)],
                "start": starts.tolist(),
                "end": ends.tolist(),
                "field": [FIELDS[i] for i in field_index.tolist()],
                "sentence": [sentence_list[i] for i in sentence_of.tolist()],
                "resolution": [r[3] for r in rows],
            }
        )
    return frame.astype({"start": "int64", "end": "int64"})


def _string_array(
    codes: np.ndarray, starts: np.ndarray, stops: np.ndarray
) -> pa.LargeStringArray | None:
    """The Arrow (large) strings of the code points ``codes[starts[i]:stops[i]]``, built in
    bulk; ``None`` when they hold surrogates (not UTF-8)."""
    lengths = stops - starts
    bounds = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    index = np.repeat(starts - bounds[:-1], lengths)
    index += np.arange(bounds[-1], dtype=np.int64)
    codec = "utf-16-le" if codes.dtype == np.uint16 else "utf-32-le"
    try:
        data = codes[index].tobytes().decode(codec).encode("utf-8")
    except UnicodeError:  # surrogates
        return None
    # the offsets of the strings in ``data``: those of the first bytes of their characters
    first_byte = (np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80
    at = np.flatnonzero(np.append(first_byte, True))
    return pa.LargeStringArray.from_buffers(
        len(starts), pa.py_buffer(at[bounds].tobytes()), pa.py_buffer(data)
    )


def _repeated_strings(strings: list[str], index: np.ndarray) -> pa.LargeStringArray:
    """The Arrow (large) strings ``strings[i] for i in index``, their bytes joined in one
    allocation (steadier than Arrow's ``take`` for the ~100 MB of a corpus' sentences)."""
    encoded = [s.encode() for s in strings]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    offsets = np.zeros(len(index) + 1, dtype=np.int64)
    np.cumsum(lengths[index], out=offsets[1:])
    data = b"".join(map(encoded.__getitem__, index.tolist()))
    return pa.LargeStringArray.from_buffers(
        len(index), pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)
    )


def _filter_kinds(mentions: pd.DataFrame, kinds) -> pd.DataFrame:
    if kinds is None:
        return mentions
    if isinstance(kinds, str):
        kinds = [kinds]
    return mentions[mentions["kind"].isin(list(kinds))]


def mention_counts(
    mentions: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    articles: pd.DataFrame | None = None,
    freq: str | None = None,
    kinds: Sequence[str] | str | None = None,
) -> pd.DataFrame:
    """Count mentions per entity, optionally per group and per period.

    Args:
        mentions: the table of :func:`find_mentions`.
        by: column(s) to group by as well, from ``mentions`` or else from ``articles``
            (joined on ``article_id``), e.g. ``"paper"`` or ``"field"``.
        articles: the articles table; needed for ``freq`` and for ``by`` columns that only
            it has.
        freq: a pandas period frequency (``"M"``, ``"Q"``, ``"Y"``, ``"W"`` ...) to count
            per period of the article's ``date``; articles without a date are left out.
        kinds: keep only mentions of these kinds.

    Returns:
        One row per (group..., period, entity): the ``by`` columns, ``period`` (the
        period's first day, a Timestamp; only with ``freq``), ``entity_id``, ``name``,
        ``kind``, ``n_mentions`` (rows of ``mentions``) and ``n_articles`` (distinct
        articles); sorted by group, period, ``n_mentions`` descending, ``entity_id``.

    Raises:
        ValueError: ``freq`` or an articles-only ``by`` column without ``articles``, or a
            ``by`` column found in neither table.
    """
    table = _filter_kinds(mentions, kinds)
    groups = [] if by is None else [by] if isinstance(by, str) else list(by)
    need = [g for g in groups if g not in table.columns]
    if freq is not None:
        need.append("date")
    if need:
        if articles is None:
            raise ValueError(f"columns {need} need the articles table (articles=...)")
        absent = [c for c in need if c not in articles.columns]
        if absent:
            raise ValueError(f"column(s) {absent} are in neither mentions nor articles")
        table = table.merge(
            articles[["article_id", *dict.fromkeys(need)]], on="article_id", how="left"
        )
    keys = list(groups)
    if freq is not None:
        dates = pd.to_datetime(table["date"])
        table = table[dates.notna()].copy()
        table["period"] = dates[dates.notna()].dt.to_period(freq).dt.start_time
        keys.append("period")
    keys += ["entity_id", "name", "kind"]
    counted = (
        table.groupby(keys, sort=False, dropna=False)
        .agg(n_mentions=("article_id", "size"), n_articles=("article_id", "nunique"))
        .reset_index()
    )
    order = [*keys[:-3], "n_mentions", "entity_id"]
    ascending = [True] * (len(keys) - 3) + [False, True]
    return counted.sort_values(order, ascending=ascending, kind="stable").reset_index(drop=True)


def co_mentions(
    mentions: pd.DataFrame, *, kinds: Sequence[str] | str | None = None
) -> pd.DataFrame:
    """Pairs of entities named in the same article.

    Args:
        mentions: the table of :func:`find_mentions`.
        kinds: consider only entities of these kinds.

    Returns:
        One row per unordered pair (``entity_a`` < ``entity_b``): ``entity_a``, ``name_a``,
        ``entity_b``, ``name_b``, ``n_articles`` (articles naming both); sorted by
        ``n_articles`` descending, then ``entity_a``, ``entity_b``.
    """
    table = _filter_kinds(mentions, kinds)
    columns = ["entity_a", "name_a", "entity_b", "name_b", "n_articles"]
    names = dict(zip(table["entity_id"], table["name"], strict=False))
    pairs: Counter = Counter()
    for _, entities in table.groupby("article_id", sort=False)["entity_id"]:
        pairs.update(itertools.combinations(sorted(set(entities)), 2))
    if not pairs:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "n_articles" else object) for c in columns}
        )
    out = pd.DataFrame(
        [(a, names[a], b, names[b], n) for (a, b), n in pairs.items()], columns=columns
    )
    return out.sort_values(
        ["n_articles", "entity_a", "entity_b"], ascending=[False, True, True]
    ).reset_index(drop=True)
