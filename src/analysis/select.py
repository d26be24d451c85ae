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
import logging
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

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
        since, until: ISO dates (``2023-08-01``), inclusive; None for open.
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
            if value is not None and not isinstance(value, str):
                value = pd.Timestamp(value).date().isoformat()
            if value is not None:
                try:
                    pd.Timestamp(value)
                except ValueError as error:
                    raise ValueError(
                        f"--{name} must be a date like 2023-08-01, not {value!r}"
                    ) from error
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
) -> pd.DataFrame:
    """The articles a focus keeps (the one selection function of the package).

    Args:
        articles: the articles table (``article_id``; ``issue_date``/``date`` for dates;
            boilerplate rows, ``kind`` other than ``article``, are always dropped).
        mentions: the mentions table (``article_id``, ``entity_id``, ``kind``); needed
            by the park and province filters (without it they keep nothing).
        focus: the :class:`Focus`; None keeps every article.
        gazetteer: the parks table, to resolve park names and provinces.

    Returns:
        The kept rows of ``articles``, in their order. ``attrs["selection"]`` records
        what was done: ``n_articles`` (articles given), ``n_kept``, ``n_dropped``,
        ``parks`` (resolved entity ids), ``filters`` (each filter in words, Chinese),
        ``issue_range`` (first and last issue date of the kept articles, ISO, or None).

    Raises:
        ValueError: an unknown park or province, or a bad date.
    """
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
    kept = articles[keep]
    kept_dates = dates[keep].dropna()
    kept.attrs["selection"] = {
        "n_articles": len(articles),
        "n_kept": len(kept),
        "n_dropped": int(len(articles) - len(kept)),
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


def focus_tables(
    tables: Mapping[str, pd.DataFrame | None],
    focus: Focus | None = None,
    *,
    gazetteer: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame | None]:
    """Every table cut down to the articles :func:`select_articles` keeps.

    ``articles``, ``tokens``, ``mentions`` and ``events`` keep the rows of the kept
    articles; ``keywords`` keeps the groups that are kept article ids (keywords by
    article) and is otherwise left as it is. The articles table's
    ``attrs["selection"]`` says what the focus did. An empty focus still drops
    boilerplate rows from the articles.
    """
    articles = tables.get("articles")
    if articles is None:
        return dict(tables)
    kept = select_articles(articles, tables.get("mentions"), focus, gazetteer=gazetteer)
    ids = set(kept["article_id"])
    out: dict[str, pd.DataFrame | None] = dict(tables)
    out["articles"] = kept
    for name in ARTICLE_TABLES[1:]:
        table = tables.get(name)
        if isinstance(table, pd.DataFrame) and "article_id" in table.columns:
            out[name] = table[table["article_id"].isin(ids)]
    keywords = tables.get("keywords")
    if isinstance(keywords, pd.DataFrame) and "group" in keywords.columns:
        groups = keywords["group"].astype(str)
        if groups.isin(set(articles["article_id"])).all():
            out["keywords"] = keywords[groups.isin(ids)]
    return out


def duplicate_of(articles: pd.DataFrame) -> pd.Series:
    """For each article, the id of the first article that is the same report.

    Two rows are the same report when their titles and the first 200 characters of
    their bodies are equal once whitespace is removed (a report printed on two pages,
    or read from two files). Counts "of distinct articles" count each report once.

    Returns:
        A Series indexed by ``article_id`` whose value is the first such ``article_id``.
    """
    if articles is None or not len(articles):
        return pd.Series(dtype="object")

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
    first = articles["article_id"].groupby(key.to_numpy(), sort=False).transform("first")
    return pd.Series(first.to_numpy(), index=articles["article_id"].to_numpy())
