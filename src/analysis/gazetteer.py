"""The park gazetteer, the place list and the organisation lexicons.

All names live in CSV files under ``analysis/data`` so analysts can read and extend them:

- ``parks.csv``: the national high-tech zones (国家高新区) of Shanghai, Jiangsu, Zhejiang
  and Anhui, one row per zone, with sources and doubts.
- ``places.csv``: the region, provinces, prefecture-level cities and the districts and
  county-level cities local news names.
- ``places_abbreviations.csv``, ``places_lists.csv``, ``places_blocks.csv``: one-character
  abbreviations (锡, 沪 ...) and the contexts in which they mean the place, lists such
  as 江浙沪 or 苏锡常, and words that must never be read as a place (宁夏, 苏北 ...).
- ``orgs_known.csv``, ``orgs_suffixes.csv``, ``orgs_lexicon.csv``: organisations known by
  name, the suffix rules that find the others, and the word lists those rules use.

Analysts add parks with extra CSV files of the same columns as ``parks.csv`` (at least
``park_id`` and ``official_name``), named in ``ANALYSIS_GAZETTEER`` or passed as ``extra``.

Example:
    >>> from analysis.gazetteer import load_gazetteer
    >>> parks = load_gazetteer()
    >>> parks.loc[parks.park_id == "wuxi", "short_name"].item()
    '无锡高新区'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.errors import InputError

logger = logging.getLogger(__name__)

PARK_COLUMNS = [
    "park_id",
    "official_name",
    "short_name",
    "aliases",
    "generic_aliases",
    "province",
    "city",
    "district",
    "approval_year",
    "status",
    "status_note",
    "sources",
]
_REQUIRED_PARK_COLUMNS = ("park_id", "official_name")
_PARK_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_STATUSES = {"confirmed", "contested", "unconfirmed", ""}

#: Jieba part-of-speech tags used by :func:`dictionary_terms`.
TAG_PLACE = "ns"
TAG_ORG = "nt"


def _read_csv(path: Path, required: Iterable[str]) -> pd.DataFrame:
    """Read a gazetteer CSV as strings, raising ``InputError`` naming the file and problem."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"gazetteer file {path} does not exist", path=path, problem="missing")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"gazetteer file {path} is not UTF-8 text ({exc.reason})", path=path, problem="encoding"
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError(f"gazetteer file {path} is empty", path=path, problem="empty") from exc
    except pd.errors.ParserError as exc:
        raise InputError(
            f"gazetteer file {path} is not a readable CSV table: {exc}", path=path, problem="format"
        ) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"gazetteer file {path} lacks the column(s) {', '.join(missing)}; "
            f"it has {', '.join(frame.columns)}",
            path=path,
            problem="columns",
        )
    return frame.apply(lambda s: s.str.strip())


def _validate_parks(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Check one parks table: ids are slugs, unique, and every row has an official name."""
    for column in PARK_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    bad_id = frame.loc[~frame["park_id"].str.match(_PARK_ID), "park_id"]
    if len(bad_id):
        raise InputError(
            f"gazetteer file {path}: park_id must be a lowercase ascii slug such as "
            f"'shanghai-zhangjiang'; bad value(s): {', '.join(map(repr, bad_id[:5]))}",
            path=path,
            problem="format",
        )
    duplicated = frame.loc[frame["park_id"].duplicated(), "park_id"]
    if len(duplicated):
        raise InputError(
            f"gazetteer file {path}: park_id repeated: {', '.join(duplicated.unique()[:5])}",
            path=path,
            problem="format",
        )
    no_name = frame.loc[frame["official_name"] == "", "park_id"]
    if len(no_name):
        raise InputError(
            f"gazetteer file {path}: official_name is empty for {', '.join(no_name[:5])}",
            path=path,
            problem="format",
        )
    bad_status = frame.loc[~frame["status"].isin(_STATUSES), "status"]
    if len(bad_status):
        raise InputError(
            f"gazetteer file {path}: status must be confirmed, contested or unconfirmed; "
            f"got {', '.join(map(repr, bad_status.unique()[:5]))}",
            path=path,
            problem="format",
        )
    years = frame["approval_year"]
    bad_year = years[(years != "") & ~years.str.fullmatch(r"(19|20)\d\d")]
    if len(bad_year):
        raise InputError(
            f"gazetteer file {path}: approval_year must be a four-digit year or empty; "
            f"got {', '.join(map(repr, bad_year.unique()[:5]))}",
            path=path,
            problem="format",
        )
    frame["status"] = frame["status"].replace("", "confirmed")
    return frame[PARK_COLUMNS + [c for c in frame.columns if c not in PARK_COLUMNS]]


def load_gazetteer(extra: Iterable[str | Path] | str | Path | None = None) -> pd.DataFrame:
    """The national high-tech zones of Shanghai, Jiangsu, Zhejiang and Anhui.

    Reads the packaged ``parks.csv`` and merges the analysts' files named in
    ``ANALYSIS_GAZETTEER`` (see :func:`analysis.config.user_gazetteers`) and then ``extra``.
    A row of an added file whose ``park_id`` is already known replaces the earlier row
    (a correction); other rows are appended.

    Args:
        extra: one CSV path or several, with at least ``park_id`` and ``official_name``;
            missing optional columns are filled with empty strings.

    Returns:
        One row per zone, all columns strings (empty when unknown):
        ``park_id`` (stable ascii slug, e.g. ``wuxi``), ``official_name``, ``short_name``
        (e.g. ``无锡高新区``), ``aliases`` (``|``-separated names matched as the zone),
        ``generic_aliases`` (``|``-separated names too generic to match on their own, such as
        ``园区``; recorded and used only for context resolution), ``province``, ``city``,
        ``district``, ``approval_year`` (four digits or empty), ``status`` (``confirmed``,
        ``contested`` or ``unconfirmed``), ``status_note`` (doubts), ``sources`` (`` ; ``-
        separated addresses), plus any further columns of the added files.

    Raises:
        InputError: a file is missing, unreadable, lacks a column or has a bad value; the
            message names the file and the problem.
    """
    paths: list[Path] = [config.PACKAGE_DATA_DIR / "parks.csv", *config.user_gazetteers()]
    if extra is not None:
        paths.extend([Path(extra)] if isinstance(extra, (str, Path)) else map(Path, extra))
    merged: pd.DataFrame | None = None
    for path in paths:
        frame = _validate_parks(_read_csv(path, _REQUIRED_PARK_COLUMNS), path)
        if merged is None:
            merged = frame
            continue
        replaced = merged["park_id"].isin(frame["park_id"])
        if replaced.any():
            logger.info("%s replaces park(s) %s", path, ", ".join(merged.loc[replaced, "park_id"]))
        merged = pd.concat([merged[~replaced], frame], ignore_index=True).fillna("")
        logger.info("merged %d park row(s) from %s", len(frame), path)
    assert merged is not None
    return merged.reset_index(drop=True)


def load_places() -> pd.DataFrame:
    """The places local news names.

    Returns:
        One row per place: ``place_id`` (ascii slug; districts are ``<city>-<district>``),
        ``name`` (canonical, e.g. ``无锡``, ``新吴区``, ``江阴市``), ``aliases``
        (``|``-separated, e.g. ``无锡市``), ``level`` (``region``, ``province``, ``city``,
        ``district``, ``county_city``, ``county``), ``province``, ``city`` (parent city's
        name; a city's own name), ``park_id`` (the park a district is the same area as,
        e.g. 新吴区 → ``wuxi``; its mentions are linked to that park), ``note``.
    """
    return _read_csv(
        config.PACKAGE_DATA_DIR / "places.csv",
        ("place_id", "name", "aliases", "level", "province", "city"),
    )


def load_place_rules() -> dict[str, pd.DataFrame]:
    """The abbreviation contexts, place lists and blocked words.

    Returns:
        ``{"abbreviations": ..., "lists": ..., "blocks": ...}``. ``abbreviations`` has
        ``abbreviation``, ``place_id``, ``before`` and ``after`` (``|``-separated characters
        that may stand before or after it when it means the place), ``note``; ``lists`` has
        ``pattern`` and ``place_ids`` (one id per character, ``|``-separated); ``blocks`` has
        ``word`` (never read as a place) and ``note``.
    """
    data = config.PACKAGE_DATA_DIR
    return {
        "abbreviations": _read_csv(
            data / "places_abbreviations.csv", ("abbreviation", "place_id", "before", "after")
        ),
        "lists": _read_csv(data / "places_lists.csv", ("pattern", "place_ids")),
        "blocks": _read_csv(data / "places_blocks.csv", ("word",)),
    }


def load_org_rules() -> dict[str, pd.DataFrame]:
    """The organisation dictionary, suffix rules and word lists.

    Returns:
        ``{"known": ..., "suffixes": ..., "lexicon": ...}``. ``known`` has ``name``
        (canonical), ``aliases`` (``|``-separated), ``kind``, ``source`` (a page of the
        organisation, or empty), from ``orgs_known.csv`` (the region's bodies, universities
        and companies) and ``orgs_national.csv`` (national bodies, media, banks and
        international organisations, kind ``international``), one row per name;
        ``suffixes`` has ``suffix``, ``kind`` and ``rule`` (``plain``; ``weak``: needs four
        characters before it; ``domain``: one-character government suffix that needs a
        domain word before it; ``numbered``: only after 第 and a number; ``place``: only
        after a place name, 上海队); ``lexicon`` has ``word`` and ``role`` (``domain``,
        ``stop``, ``protect``, ``generic_core``,
        ``follower_reject``, ``national`` (国家, 中央: a proper part of a name), ``city``
        (大连, 包头: a city the segmenter tags as a common word, a proper part of a name),
        ``title_before``, ``title_after``, ``surname``, ``name_end``, ``industry``).
    """
    data = config.PACKAGE_DATA_DIR
    return {
        "known": _known_orgs(
            _read_csv(data / "orgs_known.csv", ("name", "aliases", "kind")),
            _read_csv(data / "orgs_national.csv", ("name", "aliases", "kind", "source")),
        ),
        "suffixes": _read_csv(data / "orgs_suffixes.csv", ("suffix", "kind", "rule")),
        "lexicon": _read_csv(data / "orgs_lexicon.csv", ("word", "role")),
    }


def international_names(known: pd.DataFrame) -> frozenset[str]:
    """The names and aliases of the international organisations among ``known`` (the
    ``known`` table of :func:`load_org_rules`): a park class of theirs is no park."""
    return frozenset(
        name
        for org in known.itertuples(index=False)
        if org.kind == "international"
        for name in [org.name, *split_names(org.aliases)]
    )


def _known_orgs(*tables: pd.DataFrame) -> pd.DataFrame:
    """The organisation tables as one, one row per canonical name: a name in several
    tables keeps the first kind and the first non-empty source, and the union of the
    aliases."""
    frame = pd.concat(tables, ignore_index=True).fillna("")
    merged: dict[str, dict] = {}  # name -> its row (aliases as a dict: in order, once)
    columns = ("name", "aliases", "kind", "source", "note")
    rows = zip(*(frame[c].tolist() for c in columns), strict=True)
    for name, aliases, kind, source, note in rows:
        empty = {"name": name, "aliases": {}, "kind": kind, "source": "", "note": ""}
        row = merged.setdefault(name, empty)
        row["aliases"].update(dict.fromkeys(split_names(aliases)))
        row["source"] = row["source"] or source
        row["note"] = row["note"] or note
    for row in merged.values():
        row["aliases"].pop(row["name"], None)
        row["aliases"] = "|".join(row["aliases"])
    return pd.DataFrame(list(merged.values()), columns=list(columns))


def split_names(value: str) -> list[str]:
    """Split a ``|``-separated name cell into its non-empty names."""
    return [name.strip() for name in str(value).split("|") if name.strip()]


def park_names(parks: pd.DataFrame) -> pd.DataFrame:
    """Every matchable name of every park.

    Args:
        parks: the table of :func:`load_gazetteer`.

    Returns:
        One row per (park, name): ``park_id``, ``name`` (as written), ``name_type``
        (``official_name``, ``short_name`` or ``alias``). Generic aliases are left out;
        a name claimed by two parks is dropped with a warning.
    """
    rows = []
    for park in parks.itertuples(index=False):
        rows.append((park.park_id, park.official_name, "official_name"))
        if park.short_name:
            rows.append((park.park_id, park.short_name, "short_name"))
        rows.extend((park.park_id, alias, "alias") for alias in split_names(park.aliases))
    names = pd.DataFrame(rows, columns=["park_id", "name", "name_type"])
    names = names.drop_duplicates(["park_id", "name"])
    clash = names.groupby("name")["park_id"].nunique()
    clash = clash[clash > 1]
    if len(clash):
        logger.warning("names shared by several parks are not matched: %s", ", ".join(clash.index))
        names = names[~names["name"].isin(clash.index)]
    return names.reset_index(drop=True)


def dictionary_terms(
    extra: Iterable[str | Path] | str | Path | None = None,
) -> list[tuple[str, str]]:
    """Words the tokenizer must keep whole, with their jieba tags.

    Every park official name, short name and alias (not the generic aliases), every place
    name and alias, and every organisation in ``orgs_known.csv``.

    Args:
        extra: extra gazetteer files, as for :func:`load_gazetteer`.

    Returns:
        ``(word, tag)`` pairs, unique by word, sorted; tag ``ns`` for parks and places,
        ``nt`` for organisations.
    """
    terms: dict[str, str] = {}
    for name in park_names(load_gazetteer(extra))["name"]:
        terms.setdefault(name, TAG_PLACE)
    for place in load_places().itertuples(index=False):
        for name in [place.name, *split_names(place.aliases)]:
            terms.setdefault(name, TAG_PLACE)
    # the region's table only: the national one is for mentions (its short aliases, such
    # as 中共, would change how the tokenizer backends cut some texts)
    known = _read_csv(config.PACKAGE_DATA_DIR / "orgs_known.csv", ("name", "aliases", "kind"))
    for org in known.itertuples(index=False):
        for name in [org.name, *split_names(org.aliases)]:
            terms.setdefault(name, TAG_ORG)
    return sorted(terms.items())
