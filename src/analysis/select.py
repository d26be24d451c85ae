"""Choosing the articles a report is about: the focus.

One function, :func:`select_articles`, decides which articles a focus keeps; the
command line (``build`` and ``report``), the report and the notebooks all use it, so a
focus means the same everywhere. :func:`focus_tables` applies it to every table.

A focus is any mix of:

* ``parks``: gazetteer parks, each given by its id (``wuxi``), official name, short
  name (``无锡高新区``) or alias; an article is kept when it names one of them;
* ``provinces``: ``上海``, ``江苏``, ``浙江``, ``安徽`` (also ``江苏省``, ``jiangsu``);
  an article is kept when it names a park or a place of one of them;
* ``parks_only``: keep only articles that name any gazetteer park;
* ``since`` / ``until``: the article's issue date (its reported date when the issue
  date is unknown) lies in this closed range.

Conditions combine with *and*; the parks of ``parks`` combine with *or*, as do the
provinces. Example::

    from analysis.select import Focus, select_articles
    kept = select_articles(articles, mentions, Focus(parks=("无锡高新区",), since="2023-01-01"))
    kept.attrs["selection"]  # {'n_articles': ..., 'n_kept': ..., 'filters': [...], ...}
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where it is used: a build with nothing
    import numpy as np  # changed needs none of it (nor numpy)
    import pandas as pd
    import pyarrow as pa

logger = logging.getLogger(__name__)

#: Tables filtered by ``article_id`` in :func:`focus_tables`.
ARTICLE_TABLES = ("articles", "tokens", "mentions", "events")

_PROVINCES = {
    "上海": "上海",
    "上海市": "上海",
    "shanghai": "上海",
    "江苏": "江苏",
    "江苏省": "江苏",
    "jiangsu": "江苏",
    "浙江": "浙江",
    "浙江省": "浙江",
    "zhejiang": "浙江",
    "安徽": "安徽",
    "安徽省": "安徽",
    "anhui": "安徽",
}


@dataclasses.dataclass(frozen=True)
class Focus:
    """What a report is about; the empty focus keeps every article.

    Attributes:
        parks: park names or ids as the user wrote them (resolved by :func:`resolve_parks`).
        provinces: province names.
        parks_only: keep only articles naming a gazetteer park.
        since, until: dates (``2023-08-01``, ``2023年8月1日`` ...: any form of
            :func:`analysis.dates.parse_date`), inclusive; None for open.
        title: the report's title; a title made from the focus when None.
    """

    parks: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    parks_only: bool = False
    since: str | None = None
    until: str | None = None
    title: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "parks", tuple(self.parks or ()))
        object.__setattr__(self, "provinces", tuple(self.provinces or ()))
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                from analysis.dates import DATE_FORMS, parse_date

                ts = parse_date(value)
                if ts != ts:  # NaT
                    raise ValueError(f"--{name}: not a date: {value!r} (use one of: {DATE_FORMS})")
                value = ts.strftime("%Y-%m-%d")
            object.__setattr__(self, name, value)

    @property
    def empty(self) -> bool:
        """True when the focus keeps every article."""
        return not (self.parks or self.provinces or self.parks_only or self.since or self.until)

    def key(self) -> dict:
        """The focus as plain data (for cache keys and the report's record)."""
        return dataclasses.asdict(self)


def _gazetteer(gazetteer: pd.DataFrame | None) -> pd.DataFrame:
    if gazetteer is not None:
        return gazetteer
    from analysis.gazetteer import load_gazetteer

    return load_gazetteer()


def resolve_parks(names: Iterable[str], gazetteer: pd.DataFrame | None = None) -> list[str]:
    """Park entity ids (``park:<park_id>``) for names given by a user.

    Args:
        names: each a gazetteer ``park_id``, official name, short name or alias
            (case and surrounding spaces ignored; ``park:wuxi`` works too).
        gazetteer: the parks table; :func:`analysis.gazetteer.load_gazetteer` when None.

    Returns:
        The entity ids, in the order given, without repeats.

    Raises:
        ValueError: a name matches no park (the message suggests close names) or
            several parks.
    """
    from analysis.gazetteer import split_names

    parks = _gazetteer(gazetteer)
    lookup: dict[str, set[str]] = {}
    for row in parks.itertuples(index=False):
        spellings = [row.park_id, f"park:{row.park_id}", row.official_name, row.short_name]
        spellings += split_names(getattr(row, "aliases", "") or "")
        for name in spellings:
            if name:
                lookup.setdefault(str(name).strip().lower(), set()).add(row.park_id)
    found: list[str] = []
    for name in names:
        key = str(name).strip().lower()
        ids = lookup.get(key)
        if not ids:
            close = difflib.get_close_matches(key, list(lookup), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ValueError(f"no park called {name!r} in the gazetteer{hint}")
        if len(ids) > 1:
            raise ValueError(f"{name!r} names several parks: {', '.join(sorted(ids))}")
        entity = f"park:{next(iter(ids))}"
        if entity not in found:
            found.append(entity)
    return found


def resolve_provinces(names: Iterable[str]) -> list[str]:
    """Province names (``江苏``) for names given by a user (``江苏省``, ``jiangsu``).

    Raises:
        ValueError: not one of Shanghai, Jiangsu, Zhejiang, Anhui.
    """
    out: list[str] = []
    for name in names:
        province = _PROVINCES.get(str(name).strip().lower())
        if province is None:
            raise ValueError(f"unknown province {name!r}: use 上海, 江苏, 浙江 or 安徽")
        if province not in out:
            out.append(province)
    return out


def _park_ids(entity_ids: pd.Series) -> pd.Series:
    """``park:<id>`` -> ``<id>``; other ids (parks outside the gazetteer) stay as they are."""
    return entity_ids.astype(str).str.removeprefix("park:")


def _province_entities(provinces: Sequence[str], gazetteer: pd.DataFrame) -> set[str]:
    """Entity ids of the parks and places lying in ``provinces``."""
    from analysis.gazetteer import load_places

    wanted = set(provinces)
    ids = {
        f"park:{p}"
        for p, prov in zip(gazetteer["park_id"], gazetteer["province"], strict=True)
        if prov in wanted
    }
    places = load_places()
    ids |= {
        f"place:{p}"
        for p, prov in zip(places["place_id"], places["province"], strict=True)
        if prov in wanted
    }
    return ids


def _article_dates(articles: pd.DataFrame) -> pd.Series:
    """The issue date of each article, its reported date when the issue date is unknown."""
    import pandas as pd

    issue = (
        pd.to_datetime(articles["issue_date"], errors="coerce")
        if "issue_date" in articles.columns
        else pd.Series(pd.NaT, index=articles.index)
    )
    if "date" in articles.columns:
        issue = issue.fillna(pd.to_datetime(articles["date"], errors="coerce"))
    return issue.dt.tz_localize(None) if getattr(issue.dt, "tz", None) is not None else issue


def describe_focus(
    focus: Focus, parks: Sequence[str] = (), names: Mapping[str, str] | None = None
) -> list[str]:
    """The focus's filters in words (Chinese), for the report's record."""
    names = names or {}
    out = []
    if parks:
        out.append("园区：" + "、".join(names.get(p, p.removeprefix("park:")) for p in parks))
    if focus.provinces:
        out.append("省市：" + "、".join(resolve_provinces(focus.provinces)))
    if focus.parks_only:
        out.append("只含提及国家高新区的文章")
    if focus.since or focus.until:
        out.append(f"日期：{focus.since or '…'} 至 {focus.until or '…'}")
    return out


def select_articles(
    articles: pd.DataFrame,
    mentions: pd.DataFrame | None = None,
    focus: Focus | None = None,
    *,
    gazetteer: pd.DataFrame | None = None,
    keep_duplicates: bool = False,
) -> pd.DataFrame:
    """The articles a focus keeps (the one selection function of the package).

    Args:
        articles: the articles table (``article_id``; ``issue_date``/``date`` for dates;
            boilerplate rows, ``kind`` other than ``article``, are always dropped).
        mentions: the mentions table (``article_id``, ``entity_id``, ``kind``); needed
            by the park and province filters (without it they keep nothing).
        focus: the :class:`Focus`; None keeps every article.
        gazetteer: the parks table, to resolve park names and provinces.
        keep_duplicates: keep the articles that repeat an earlier one (``duplicate_of``
            set, see :func:`mark_duplicates`); by default they are left out, so that
            every count counts a report once.

    Returns:
        The kept rows of ``articles``, in their order. ``attrs["selection"]`` records
        what was done: ``n_articles`` (articles given), ``n_kept``, ``n_dropped``,
        ``n_duplicates`` (articles repeating an earlier one among those the focus
        keeps, left out unless ``keep_duplicates``), ``keep_duplicates``,
        ``parks`` (resolved entity ids), ``filters`` (each filter in words, Chinese),
        ``issue_range`` (first and last issue date of the kept articles, ISO, or None).

    Raises:
        ValueError: an unknown park or province, or a bad date.
    """
    import pandas as pd

    focus = focus or Focus()
    keep = pd.Series(True, index=articles.index)
    if "kind" in articles.columns:
        keep &= articles["kind"].astype(str).eq("article")
    parks: list[str] = []
    names: dict[str, str] = {}
    needs_mentions = focus.parks or focus.provinces or focus.parks_only
    if needs_mentions:
        table = _gazetteer(gazetteer)
        names = {
            f"park:{p}": s or o
            for p, s, o in zip(
                table["park_id"], table["short_name"], table["official_name"], strict=True
            )
        }
        if mentions is None or mentions.empty or "entity_id" not in mentions.columns:
            linked = pd.DataFrame({"article_id": [], "entity_id": [], "kind": []})
        else:
            linked = mentions[["article_id", "entity_id", "kind"]]
        ids = articles["article_id"]
        if focus.parks:
            parks = resolve_parks(focus.parks, table)
            keep &= ids.isin(linked.loc[linked["entity_id"].isin(parks), "article_id"])
        if focus.provinces:
            wanted = _province_entities(resolve_provinces(focus.provinces), table)
            keep &= ids.isin(linked.loc[linked["entity_id"].isin(wanted), "article_id"])
        if focus.parks_only:
            in_gazetteer = linked["kind"].eq("park") & _park_ids(linked["entity_id"]).isin(
                set(table["park_id"])
            )
            keep &= ids.isin(linked.loc[in_gazetteer, "article_id"])
    dates = _article_dates(articles)
    if focus.since:
        keep &= dates >= pd.Timestamp(focus.since)
    if focus.until:
        keep &= dates < pd.Timestamp(focus.until) + pd.Timedelta(days=1)
    copies = pd.Series(False, index=articles.index)
    if "duplicate_of" in articles.columns:
        copies = articles["duplicate_of"].astype("string").fillna("").ne("") & keep
        if not keep_duplicates:
            keep &= ~copies
    kept = articles[keep]
    kept_dates = dates[keep].dropna()
    kept.attrs["selection"] = {
        "n_articles": len(articles),
        "n_kept": len(kept),
        "n_dropped": int(len(articles) - len(kept)),
        "n_duplicates": int(copies.sum()),
        "keep_duplicates": keep_duplicates,
        "focus": (focus or Focus()).key(),
        "parks": parks,
        "filters": describe_focus(focus, parks, names),
        "issue_range": (
            [kept_dates.min().date().isoformat(), kept_dates.max().date().isoformat()]
            if len(kept_dates)
            else None
        ),
    }
    logger.info("focus keeps %d of %d articles", len(kept), len(articles))
    return kept


def _isin(column: pd.Series | pd.Index, values) -> np.ndarray:
    """``column.isin(values)`` as a numpy mask, for many values (article ids): pandas
    makes an Arrow scalar of each value when the column holds Arrow strings (10,000
    ids: 30 ms a call); here the strings are one Arrow array. ``values``: a column of
    Arrow strings (taken as it is: not one Python string a value), or any iterable."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if _arrow_strings(column):
        strings = pa.array(column.array)
        if isinstance(values, pd.Series | pd.Index) and _arrow_strings(values):
            value_set = pa.array(values.array)
            value_set = None if value_set.null_count else pc.unique(value_set).cast(strings.type)
        else:
            values = list(values)
            strings_only = all(isinstance(v, str) for v in values)
            value_set = pa.array(values, strings.type) if strings_only else None
        if value_set is not None:  # (else NA among the values: as pandas matches them)
            found = pc.is_in(strings, value_set=value_set)
            return pc.fill_null(found, False).to_numpy(zero_copy_only=False)
    return np.asarray(column.isin(values), dtype=bool)


def _arrow_strings(values: pd.Series | pd.Index) -> bool:
    import pandas as pd

    dtype = values.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def focus_tables(
    tables: Mapping[str, pd.DataFrame | None],
    focus: Focus | None = None,
    *,
    gazetteer: pd.DataFrame | None = None,
    keep_duplicates: bool = False,
) -> dict[str, pd.DataFrame | None]:
    """Every table cut down to the articles :func:`select_articles` keeps.

    ``articles``, ``tokens``, ``mentions`` and ``events`` keep the rows of the kept
    articles; ``keywords`` keeps the groups that are kept article ids (keywords by
    article) and is otherwise left as it is. The articles table's
    ``attrs["selection"]`` says what the focus did. An empty focus still drops
    boilerplate rows from the articles, and duplicates unless ``keep_duplicates``
    (as :func:`select_articles`).
    """
    import pandas as pd

    articles = tables.get("articles")
    if articles is None:
        return dict(tables)
    done = articles.attrs.get("selection") if isinstance(articles, pd.DataFrame) else None
    if (
        done
        and gazetteer is None
        and done.get("focus") == (focus or Focus()).key()
        and done.get("keep_duplicates") == keep_duplicates
    ):
        return dict(tables)  # tables this focus has already cut (the command's, for its report)
    kept = select_articles(
        articles,
        tables.get("mentions"),
        focus,
        gazetteer=gazetteer,
        keep_duplicates=keep_duplicates,
    )
    ids = kept["article_id"]
    out: dict[str, pd.DataFrame | None] = dict(tables)
    out["articles"] = kept
    for name in ARTICLE_TABLES[1:]:
        table = tables.get(name)
        if isinstance(table, pd.DataFrame) and "article_id" in table.columns:
            out[name] = table[_isin(table["article_id"], ids)]
    keywords = tables.get("keywords")
    if isinstance(keywords, pd.DataFrame) and "group" in keywords.columns:
        groups = keywords["group"].astype(str)
        if _isin(groups, articles["article_id"]).all():
            out["keywords"] = keywords[_isin(groups, ids)]
    return out


def duplicate_of(articles: pd.DataFrame) -> pd.Series:
    """For each article, the id of the first article that is the same report.

    The articles table's ``duplicate_of`` column when it has one (see
    :func:`mark_duplicates`); else two rows are the same report when their titles and
    the first 200 characters of their bodies are equal once whitespace is removed (a
    report printed on two pages, or read from two files). Counts "of distinct
    articles" count each report once.

    Returns:
        A Series indexed by ``article_id`` whose value is the first such ``article_id``.
    """
    import pandas as pd

    if articles is None or not len(articles):
        return pd.Series(dtype="object")
    ids = articles["article_id"]
    if "duplicate_of" in articles.columns:
        marked = articles["duplicate_of"].astype("string").fillna("")
        first = ids.where(marked.eq("").to_numpy(), marked.to_numpy())
        out = pd.Series(first.to_numpy(), index=ids.to_numpy())
        return out[~out.index.duplicated()]

    def text(column: str, width: int | None = None) -> pd.Series:
        if column not in articles.columns:
            return pd.Series("", index=articles.index)
        values = articles[column].astype("string").fillna("")
        if width:  # the first 2*width characters hold width non-spaces in all but rare texts
            head = values.str.slice(0, 2 * width).str.replace(r"\s+", "", regex=True)
            short = (head.str.len() < width) & (values.str.len() > 2 * width)
            if short.any():
                head[short] = values[short].str.replace(r"\s+", "", regex=True)
            return head.str.slice(0, width)
        return values.str.replace(r"\s+", "", regex=True)

    key = text("title") + "\x00" + text("body", 200)
    first = ids.groupby(key.to_numpy(), sort=False).transform("first")
    out = pd.Series(first.to_numpy(), index=ids.to_numpy())
    return out[~out.index.duplicated()]


# --------------------------------------------------------------------------- duplicates
#: The rules of :func:`find_duplicates`, strongest first.
DUPLICATE_RULES = ("exact", "same_body", "sentences")
#: Share of the sentences two articles must have in common to be one report.
NEAR_DUPLICATE_SHARE = 0.9
_MIN_BODY = 30  # characters of a body repeated under another headline (shorter: a caption)
_MIN_SENTENCES = 3  # sentences an article needs for the sentence rule
_MIN_SENTENCE = 6  # characters of a sentence counted by the sentence rule
_HOT = 50  # a sentence in more articles than this (a formula) finds no candidates
_TEMPLATE_HEADLINES = 3  # a body under this many headlines or more is a page template
# What the rules compare of a text: its letters, digits and characters, the rest (spaces,
# punctuation of either width and symbols) set aside, and full-width letters and digits
# made half-width (Ａ→A, １→1); a body is compared as its sentences too, split at
# 。！？；… (either width) and line breaks.
_SENTENCE_BREAKS = "。！？；!?;…\n"
#: Characters set aside (besides every Unicode space, ``str.isspace``): ASCII and Latin-1
#: punctuation, general punctuation, arrows to miscellaneous symbols, CJK punctuation,
#: full-width punctuation, the byte order mark (first and last code point of each range).
_NOT_WORDS = (
    (0x00, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7F), (0xA0, 0xBF),
    (0x2000, 0x206F), (0x2190, 0x2BFF), (0x3000, 0x303F), (0xFE30, 0xFE4F),
    (0xFF00, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40), (0xFF5B, 0xFF65), (0xFEFF, 0xFEFF),
)  # fmt: skip
#: Full-width digits and letters (made ASCII: less 0xFEE0).
_WIDE = ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
_SET_ASIDE, _BREAK = -1, -2
_OWN_BREAK = "\ue000"  # a private-use character
_KEY_ROWS = 2048  # rows made at once by duplicate_keys
_KEY_CODES: list = []  # the table of :func:`_key_codes`, made once per process


def _key_codes():
    """Every code point as compared (a NumPy table indexed by code point): itself, its
    half-width twin, or ``_SET_ASIDE`` (a space or punctuation), ``_BREAK`` (it ends a
    sentence, and is set aside)."""
    import numpy as np

    if not _KEY_CODES:
        table = np.arange(0x110000, dtype=np.int32)
        for lo, hi in _WIDE:
            table[lo : hi + 1] -= 0xFEE0
        for lo, hi in _NOT_WORDS:
            table[lo : hi + 1] = _SET_ASIDE
        # (no code point above U+3000 is a space)
        table[[c for c in range(0x3001) if chr(c).isspace()]] = _SET_ASIDE
        table[[ord(c) for c in _SENTENCE_BREAKS]] = _BREAK
        _KEY_CODES.append(table)
    return _KEY_CODES[0]


def _normalised_texts(texts: list[str], sentences: bool):
    """The texts as compared (:func:`_key_codes`), code point by code point in NumPy
    over all the texts at once (as regular expressions would, text by text, but several
    times faster): each text's sentences when ``sentences`` (a text has one sentence more
    than it has runs of break characters; some may be empty), else each text whole.

    Returns:
        ``(codes, ends, first)``: the code points of all the strings one after another,
        where each string ends in them (an array of one end per string), and each text's
        first string (n + 1 values: the last is the number of strings).
    """
    import numpy as np

    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    text_starts = np.zeros(len(texts), dtype=np.int64)  # where each text starts
    np.cumsum(lengths[:-1], out=text_starts[1:])
    joined = "".join(texts)
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
    codes = _key_codes()[points]
    set_aside = codes < 0
    # where each string starts: a text's start, then (sentences) its runs of breaks
    first = np.arange(len(texts) + 1, dtype=np.int64)  # each text's first string
    starts = text_starts
    if sentences:
        # (a text's own U+E000 is a break too, and one alone: the character that once
        # marked the breaks, kept here so that the keys stay those of earlier builds)
        own = np.flatnonzero(points == ord(_OWN_BREAK)) if _OWN_BREAK in joined else None
        if own is not None:
            set_aside[own] = True
        breaks = np.flatnonzero(codes == _BREAK)
        # a run starts at a break with none right before it, or at a text's start
        run_first = np.ones(len(breaks), dtype=bool)
        run_first[1:] = breaks[1:] - breaks[:-1] != 1
        if len(breaks):
            at = np.searchsorted(text_starts, breaks).clip(max=len(texts) - 1)
            run_first |= text_starts[at] == breaks
        runs = breaks[run_first]
        if own is not None:
            runs = np.union1d(runs, own)  # (no own character is a break)
        first[:-1] += np.searchsorted(runs, text_starts)
        first[-1] += len(runs)
        starts = np.empty(first[-1], dtype=np.int64)
        is_first = np.zeros(first[-1], dtype=bool)
        is_first[first[:-1]] = True
        starts[is_first] = text_starts
        starts[~is_first] = runs
    # each string ends where the next starts, less the code points set aside before that
    bounds = np.append(starts, len(codes))[1:]
    ends = bounds - np.searchsorted(np.flatnonzero(set_aside), bounds)
    return codes[~set_aside].view(np.uint32), ends, first


def _key_strings(texts: list[str], sentences: bool) -> tuple[list[str], np.ndarray]:
    """:func:`_normalised_texts` as Python strings (and each text's first string)."""
    codes, ends, first = _normalised_texts(texts, sentences)
    data = codes.tobytes().decode("utf-32-le", "surrogatepass")
    bounds = [0, *ends.tolist()]
    return [data[a:b] for a, b in itertools.pairwise(bounds)], first


def _key_array(texts: list[str], sentences: bool) -> tuple[pa.Array, np.ndarray]:
    """:func:`_normalised_texts` as an Arrow string array (and each text's first string)."""
    codes, ends, first = _normalised_texts(texts, sentences)
    return _utf8_array(codes, ends), first


def _utf8_array(codes: np.ndarray, ends: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Strings given as their code points one after another (``codes``, 32-bit) and where
    each ends in them, as an Arrow string array made from their UTF-8 bytes at once;
    ``valid``: False for a null. A lone surrogate (Python text, not UTF-8) is kept as its
    three bytes (``surrogatepass``): the keys only meet in Arrow's hash tables and
    lengths, which read it as one code point as Python does."""
    import numpy as np
    import pyarrow as pa

    size = 1 + (codes >= 0x80) + (codes >= 0x800) + (codes >= 0x10000)  # UTF-8 bytes
    byte_ends = np.zeros(len(codes) + 1, dtype=np.int64)
    np.cumsum(size, out=byte_ends[1:])
    offsets = np.zeros(len(ends) + 1, dtype=np.int64)
    offsets[1:] = byte_ends[ends]
    text = codes.tobytes().decode("utf-32-le", "surrogatepass")
    buffers = [pa.py_buffer(offsets), pa.py_buffer(text.encode("utf-8", "surrogatepass"))]
    if valid is None:
        return pa.LargeStringArray.from_buffers(len(ends), *buffers)
    mask = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.LargeStringArray.from_buffers(len(ends), *buffers, mask, int((~valid).sum()))


def find_duplicates(articles: pd.DataFrame, keys: DuplicateKeys | None = None) -> pd.DataFrame:
    """Which articles repeat an earlier one, over the whole table given.

    Articles are taken in order of issue date (unknown last), then ``source``, then
    ``position`` (then table order): the first of a report is the original, each later
    copy a duplicate of it. A copy is, by the first rule that holds:

    * ``exact``: the same title and body once spaces and punctuation (full or half
      width: ``，`` or ``,``) are set aside and full-width letters and digits made
      half-width (a report printed on two pages, a file read twice);
    * ``same_body``: the same body (of 30 characters or more) under another headline;
    * ``sentences``: the sentences the two have in common make at least 90%
      (:data:`NEAR_DUPLICATE_SHARE`) of the sentences of each, weighed by their
      length (articles of 3 sentences or more: a report edited for another page, or
      a copy with a caption or an editor's note added).

    Rows that are not articles (``kind`` boilerplate) and articles without a body are
    never duplicates, and a body found under three headlines or more is a page
    template (a crawler's failure, a notice), not one report: only ``exact`` applies
    to it. Linear in the corpus: titles, bodies and sentences meet in hash tables,
    never pair by pair; a sentence found in more than 50 articles (a formula) does not
    propose candidates. The result depends only on the rows, not on their order in
    the table (rows equal in all three keep the table's order).

    ``keys``: the rows' :func:`duplicate_keys` (or :func:`duplicate_key_arrays`), when
    already made (the build makes them in its workers, file by file); made here from
    ``title``, ``body`` and ``kind`` otherwise.

    Returns:
        A frame on the index of ``articles``: ``duplicate_of`` (the original's
        ``article_id``, ``""`` for originals) and ``duplicate_rule`` (one of
        :data:`DUPLICATE_RULES`, ``""`` for originals).
    """
    import numpy as np
    import pandas as pd

    n = len(articles)
    of = [""] * n
    rules = [""] * n
    ids = [str(v) for v in _cells(articles, "article_id")]
    keyed = _Compared(*_key_columns(articles, keys))
    if keyed.n_rows != n:
        raise ValueError(f"{keyed.n_rows} duplicate keys for {n} articles")
    issue = (
        pd.to_datetime(articles["issue_date"], errors="coerce")
        if "issue_date" in articles.columns
        else pd.Series(pd.NaT, index=articles.index)
    )
    position = (
        pd.to_numeric(articles["position"], errors="coerce")
        if "position" in articles.columns
        else pd.Series(0, index=articles.index)
    )
    order = (
        pd.DataFrame(
            {
                "missing": issue.isna().to_numpy(),
                "issue": issue.to_numpy(),
                "source": [str(v) for v in _cells(articles, "source")],
                "position": position.fillna(0).to_numpy(),
                "row": range(n),
            }
        )
        .sort_values(["missing", "issue", "source", "position", "row"], kind="stable")["row"]
        .tolist()
    )
    titles, bodies, long_body = keyed.title, keyed.body, keyed.long_body
    n_sentences, size, length, shared = keyed.n_sentences, keyed.size, keyed.length, keyed.shared
    exact: dict[tuple[int, int], int] = {}
    by_body: dict[int, int] = {}
    by_sentence: dict[int, list[int]] = {}
    sentences_of: dict[int, frozenset[int]] = {}
    rank = {row: k for k, row in enumerate(order)}
    for i in np.array(order, dtype=np.int64)[keyed.may_repeat[order]].tolist():
        body = bodies[i]
        first = exact.setdefault((titles[i], body), i)
        if first != i:
            of[i], rules[i] = ids[first], "exact"
            continue
        if body in keyed.templates:
            continue
        if long_body[i]:
            first = by_body.setdefault(body, i)
            if first != i:
                of[i], rules[i] = ids[first], "same_body"
                continue
        if n_sentences[i] < _MIN_SENTENCES or i not in shared:
            continue  # (no sentence found in another article: none to compare with)
        mine = shared[i]
        candidates = {
            j for s in mine if len(found := by_sentence.get(s, ())) <= _HOT for j in found
        }
        matches = []
        for j in candidates:
            in_common = sum(length[s] for s in mine & sentences_of[j])
            if in_common >= NEAR_DUPLICATE_SHARE * max(size[i], size[j]):
                matches.append(j)
        if matches:
            first = min(matches, key=rank.__getitem__)
            of[i], rules[i] = ids[first], "sentences"
            continue
        # only originals propose candidates: a duplicate points at an original
        sentences_of[i] = mine
        for s in mine:
            by_sentence.setdefault(s, []).append(i)
    return pd.DataFrame({"duplicate_of": of, "duplicate_rule": rules}, index=articles.index)


class _Compared:
    """What :func:`find_duplicates` compares of each row, worked out in Arrow and NumPy
    over all the rows at once (equal strings as equal integer codes), so that its loop
    in the articles' order only looks codes up.

    From the rows' titles (null: not an article) and sentences (:data:`DuplicateKeys` as
    Arrow arrays), as lists indexed by row: ``title`` and ``body`` (the sentences joined)
    as codes (``body`` -1: not an article or no body); ``long_body``: a body of
    :data:`_MIN_BODY` characters or more; ``n_sentences`` and ``size``: the distinct
    sentences of :data:`_MIN_SENTENCE` characters or more, and their characters;
    ``length``: the characters of each sentence code; ``shared``: by row, its sentences
    (codes) found in another row too, the only ones two articles can have in common (a
    row with none is left out); ``templates``: the bodies under
    :data:`_TEMPLATE_HEADLINES` titles or more; ``may_repeat`` (a NumPy array): the rows
    that a rule can find a copy or the original of.
    """

    def __init__(self, titles: pa.Array, sentences: pa.Array):
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        n = self.n_rows = len(titles)
        if len(sentences) != n:
            raise ValueError(f"{n} titles and {len(sentences)} bodies in the duplicate keys")
        title = pc.dictionary_encode(titles).indices.fill_null(-1).to_numpy().astype(np.int64)
        joined = pc.binary_join(sentences, pa.scalar("", sentences.type.value_type))
        body_chars = pc.utf8_length(joined).fill_null(0).to_numpy()
        body = pc.dictionary_encode(joined).indices.fill_null(-1).to_numpy().astype(np.int64)
        body[(title < 0) | (body_chars == 0)] = -1
        # a body's distinct titles: distinct (body, title) pairs counted by body
        width = title.max(initial=0) + 1
        titles_of = np.bincount(_distinct((body * width + title)[body >= 0]) // width)
        self.templates = set(np.flatnonzero(titles_of >= _TEMPLATE_HEADLINES).tolist())
        self.title, self.body = title.tolist(), body.tolist()
        self.long_body = (body_chars >= _MIN_BODY).tolist()
        # each row's distinct sentences long enough to count, as (row, code) pairs
        per_row = pc.list_value_length(sentences).fill_null(0).to_numpy()
        row = np.repeat(np.arange(n, dtype=np.int64), per_row)
        flat = pc.list_flatten(sentences)
        counted = pc.greater_equal(pc.utf8_length(flat), _MIN_SENTENCE)
        encoded = pc.dictionary_encode(flat.filter(counted))
        length = pc.utf8_length(encoded.dictionary).to_numpy().astype(np.int64)
        n_codes = len(length)
        pairs = _distinct(
            row[counted.to_numpy(zero_copy_only=False)] * n_codes + encoded.indices.to_numpy()
        )
        row, code = pairs // max(n_codes, 1), pairs % max(n_codes, 1)
        counts = np.bincount(row, minlength=n)
        self.n_sentences = counts.tolist()
        self.size = np.bincount(row, weights=length[code], minlength=n).astype(np.int64).tolist()
        self.length = length.tolist()
        in_rows = np.bincount(code, minlength=n_codes)
        found_again = in_rows[code] >= 2
        shared: dict[int, list[int]] = {}
        for r, c in zip(row[found_again].tolist(), code[found_again].tolist(), strict=True):
            shared.setdefault(r, []).append(c)
        self.shared = {r: frozenset(codes) for r, codes in shared.items()}
        # the rows a rule can find a copy of or the original of: a body another row has
        # too, or sentences another row has (enough to compare); every other row is an
        # original that none repeats, and is left out of the loop
        in_shared = np.zeros(n, dtype=bool)
        in_shared[list(self.shared)] = True
        per_body = np.bincount(body[body >= 0], minlength=1)
        self.may_repeat = (body >= 0) & (
            (per_body[np.maximum(body, 0)] >= 2) | (in_shared & (counts >= _MIN_SENTENCES))
        )


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted (as ``np.unique``, whose hash table
    takes four times as long here)."""
    import numpy as np

    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _key_columns(articles: pd.DataFrame, keys) -> tuple[pa.Array, pa.Array]:
    """The rows' duplicate keys as Arrow arrays (titles; sentences as lists), from the keys
    given as :func:`duplicate_keys` makes them (Python lists) or as
    :func:`duplicate_key_arrays` does (Arrow), or made here from the articles (as Arrow
    arrays at once)."""
    import numpy as np
    import pyarrow as pa

    titles, sentences = duplicate_key_arrays(articles) if keys is None else keys
    if not isinstance(titles, (pa.Array, pa.ChunkedArray)):
        values = _text_array([text for row in sentences if row is not None for text in row])
        offsets = np.zeros(len(sentences) + 1, dtype=np.int64)
        np.cumsum([len(row) if row is not None else 0 for row in sentences], out=offsets[1:])
        no_list = pa.array([row is None for row in sentences], pa.bool_())
        titles = _text_array(titles)
        sentences = pa.LargeListArray.from_arrays(pa.array(offsets), values, mask=no_list)
    if isinstance(titles, pa.ChunkedArray):
        titles = titles.combine_chunks()
    if isinstance(sentences, pa.ChunkedArray):
        sentences = sentences.combine_chunks()
    return titles, sentences


def _text_array(texts: list[str | None]) -> pa.Array:
    """Python strings (None: null) as an Arrow string array (:func:`_utf8_array`)."""
    import numpy as np

    joined = "".join(t for t in texts if t is not None)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
    ends = np.cumsum([len(t) if t is not None else 0 for t in texts], dtype=np.int64)
    return _utf8_array(codes, ends, np.array([t is not None for t in texts], dtype=bool))


#: Per row, what :func:`find_duplicates` compares: the title and the sentences of the
#: body as compared (:func:`_normalised_texts`; both None for a row that is not an
#: article).
DuplicateKeys = tuple[list[str | None], list[list[str] | None]]


def duplicate_keys(articles: pd.DataFrame) -> DuplicateKeys:
    """What :func:`find_duplicates` compares of each row (:data:`DuplicateKeys`), from
    its ``title``, ``body`` and ``kind``: the text made once per article, so that it can
    be made where the articles are (the build's workers) and only compared at the end
    (there as Arrow arrays: :func:`duplicate_key_arrays`)."""
    is_article, titles, bodies = _key_texts(articles)
    out_titles: list[str | None] = []
    sentences: list[list[str] | None] = []
    for lo in range(0, len(is_article), _KEY_ROWS):  # (a whole corpus: in parts)
        rows = slice(lo, lo + _KEY_ROWS)
        strings, _ = _key_strings(titles[rows], sentences=False)
        flat, first = _key_strings(bodies[rows], sentences=True)
        bounds = first.tolist()
        for keep, title, (a, b) in zip(
            is_article[rows], strings, itertools.pairwise(bounds), strict=True
        ):
            out_titles.append(title if keep else None)
            sentences.append(flat[a:b] if keep else None)
    return out_titles, sentences


def duplicate_key_arrays(articles: pd.DataFrame) -> tuple[pa.Array, pa.Array]:
    """:func:`duplicate_keys` as Arrow arrays: the titles (strings) and the sentences
    (lists of strings), null for a row that is not an article."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    is_article, titles, bodies = _key_texts(articles)
    not_article = pa.array(~np.array(is_article, dtype=bool))
    title_array, _ = _key_array(titles, sentences=False)
    sentences, first = _key_array(bodies, sentences=True)
    lists = pa.LargeListArray.from_arrays(pa.array(first), sentences, mask=not_article)
    no_title = pa.scalar(None, title_array.type)
    return pc.if_else(not_article, no_title, title_array), lists


def _key_texts(articles: pd.DataFrame) -> tuple[list[bool], list[str], list[str]]:
    """Which rows are articles (``kind`` empty or ``article``), and their titles and
    bodies as text (``""`` for missing ones, and for the rows that are not articles)."""
    is_article = [kind in ("", "article") for kind in _cells(articles, "kind")]
    texts = {}
    for name in ("title", "body"):
        cells = _cells(articles, name)
        texts[name] = [str(v) if a else "" for v, a in zip(cells, is_article, strict=True)]
    return is_article, texts["title"], texts["body"]


def _cells(articles: pd.DataFrame, name: str) -> list:
    """A column's values as a list, missing values (and a missing column) as ``""``."""
    import pandas as pd

    if name not in articles.columns:
        return [""] * len(articles)
    return ["" if v is None or v is pd.NA or v != v else v for v in articles[name].tolist()]


def mark_duplicates(articles: pd.DataFrame) -> pd.DataFrame:
    """The articles with ``duplicate_of`` and ``duplicate_rule`` set over the whole
    table (:func:`find_duplicates`); a copy, the other columns as they were."""
    found = find_duplicates(articles)
    out = articles.copy()
    for col in found.columns:
        out[col] = found[col].astype(articles[col].dtype if col in articles.columns else "str")
    n = int(found["duplicate_of"].ne("").sum())
    if n:
        logger.info("%d of %d articles repeat an earlier one", n, len(articles))
    return out


def duplicate_ids(articles: pd.DataFrame) -> set[str]:
    """The ids of the articles that repeat an earlier one (``duplicate_of`` set), except
    ids an original has too (a file copied under its own name gives its ids again)."""
    if articles is None or "duplicate_of" not in articles.columns or not len(articles):
        return set()
    copy = articles["duplicate_of"].astype("string").fillna("").ne("").to_numpy()
    ids = articles["article_id"].astype(str)
    return set(ids[copy]) - set(ids[~copy])


def uncount_duplicates(events: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """The events with those of duplicate articles (and rows repeating an ``event_id``:
    a file copied under its own name) no longer counted: ``counted`` false,
    ``n_articles`` 0, ``duplicate:article`` added to ``rule``. A copy."""
    dup = events["article_id"].astype(str).isin(duplicate_ids(articles))
    if "event_id" in events.columns:
        dup |= events["event_id"].duplicated()
    dup &= events["counted"].astype(bool)
    out = events.copy()
    if dup.any():
        out.loc[dup, "counted"] = False
        if "n_articles" in out.columns:
            out.loc[dup, "n_articles"] = 0
        if "rule" in out.columns:
            out.loc[dup, "rule"] = out.loc[dup, "rule"].astype(str) + ";duplicate:article"
    return out
