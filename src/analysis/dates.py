"""Dates: the issue date from a file name, and an article's date from its text."""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

_ISO = r"(?P<y>(?:19|20)\d{2})[-_.](?P<m>\d{1,2})[-_.](?P<d>\d{1,2})"
_COMPACT = r"(?<!\d)(?P<y2>(?:19|20)\d{2})(?P<m2>[01]\d)(?P<d2>[0-3]\d)(?!\d)"
_CN = r"(?P<y3>(?:19|20)\d{2})年(?P<m3>\d{1,2})月(?P<d3>\d{1,2})日"
# every date starts with its year's 1 or 2: the lookahead (which changes no match) spares
# the search trying the three forms at every position of the name
_NAME_DATE = re.compile(f"(?=[12])(?:{_ISO}|{_COMPACT}|{_CN})")
_DIR_SEPARATOR = re.compile(r"[\\/]")
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_PAGE = re.compile(r"^(?:p|page|第)?\s*(?P<page>[A-Za-z]?\d{1,3})\s*(?:版|页)?$", re.IGNORECASE)

# A date starts with a digit: the lookahead (which changes no match) spares the search
# trying the optional year group at every position of a lead, which is slow.
_MONTH_DAY = re.compile(
    r"(?=\d)(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_RELATIVE = re.compile(r"近日|日前|昨天|昨日|前天|今天|今日|近期|最近|此前|本周|上周")
_FIRST_SENTENCE = re.compile(r"^[^。！？!?]*")


@dataclass(frozen=True)
class NameMeta:
    """What a file name tells: the paper, the issue date and the page."""

    paper: str = ""
    issue_date: pd.Timestamp | None = None
    page: str = ""


@functools.lru_cache(maxsize=4096)
def _valid(y: int, m: int, d: int) -> pd.Timestamp | None:
    # cached: building a Timestamp costs microseconds, and the same dates recur
    try:
        return pd.Timestamp(year=y, month=m, day=d)
    except ValueError:
        return None


def meta_from_name(name: str) -> NameMeta:
    """Read the paper, issue date and page from a file name.

    Recognised dates: ``2023-08-09`` (also ``_`` or ``.``), ``20230809`` and
    ``2023年8月9日``. The paper is the part before the date, the page the part
    after it when it looks like a page label (``p01``, ``A02``, ``第3版``).

    Example:
        >>> meta_from_name("data/raw/wuxi-evening_2023-08-09_A02.txt")
        NameMeta(paper='wuxi-evening', issue_date=Timestamp('2023-08-09 00:00:00'), page='A02')
    """
    stem = _DIR_SEPARATOR.split(name)[-1]
    stem = _SUFFIX.sub("", stem)
    for m in _NAME_DATE.finditer(stem):
        g = {k: v for k, v in m.groupdict().items() if v}
        y = int(g.get("y") or g.get("y2") or g.get("y3"))
        mo = int(g.get("m") or g.get("m2") or g.get("m3"))
        d = int(g.get("d") or g.get("d2") or g.get("d3"))
        ts = _valid(y, mo, d)
        if ts is None:
            continue
        paper = stem[: m.start()].strip(" _-.")
        rest = stem[m.end() :].strip(" _-.")
        page_match = _PAGE.match(rest)
        return NameMeta(paper, ts, page_match.group("page") if page_match else "")
    return NameMeta()


def infer_year(text: str) -> int | None:
    """The year a page most likely belongs to.

    The most frequent ``19xx年``/``20xx年`` on it, the latest on ties; ``None`` if none.
    """
    years = Counter(int(y) for y in _YEAR.findall(text))
    if not years:
        return None
    return max(years, key=lambda y: (years[y], y))


_WEEK = pd.Timedelta(days=7)


def resolve_month_day(
    month: int, day: int, reference: pd.Timestamp | None, *, year: int | None = None
) -> pd.Timestamp | None:
    """The date ``month``/``day`` refers to, seen from ``reference`` (the issue date).

    A date more than a week after the reference belongs to the year before
    (a December dateline in a January issue).
    """
    if year is None:
        if reference is None or pd.isna(reference):
            return None
        if type(reference) is pd.Timestamp and reference.tzinfo is None:
            return _resolve_cached(month, day, reference)
        return _resolve(month, day, reference)
    return _valid(year, month, day)


def _resolve(month: int, day: int, reference) -> pd.Timestamp | None:
    year = reference.year
    ts = _valid(year, month, day)
    if ts is not None and ts > reference + _WEEK:
        ts = _valid(year - 1, month, day)
    return ts


# The Timestamp arithmetic costs microseconds per article. Keyed by a month/day pair and
# an issue date (naive Timestamps: equal ones have the same year and compare the same);
# typed, so that 8 and 8.0 stay apart.
_resolve_cached = functools.lru_cache(maxsize=4096, typed=True)(_resolve)


def article_date(
    dateline: str, body: str, issue_date: pd.Timestamp | None, *, year_hint: int | None = None
) -> tuple[pd.Timestamp, str]:
    """An article's date and where it came from.

    Order: a date in the dateline, else a date in the first sentence of the
    body (``lead``), else the issue date (``issue_date: not stated``, naming a
    relative word such as 近日 when the lead has one).

    Returns:
        ``(date, date_source)``; ``date`` is NaT when nothing is known.
    """
    # (a Timestamp is never NA: NaT is not one; pd.isna costs a microsecond)
    has_issue = issue_date is not None and (
        type(issue_date) is pd.Timestamp or not pd.isna(issue_date)
    )
    suffix = "" if has_issue else "; year inferred from page"
    lead = _FIRST_SENTENCE.match(body).group(0) if body else ""
    for text, label in ((dateline, "dateline"), (lead, "lead")):
        m = _MONTH_DAY.search(text) if text else None
        if not m:
            continue
        explicit = int(m.group("y")) if m.group("y") else None
        if explicit is not None:
            ts = _valid(explicit, int(m.group("m")), int(m.group("d")))
            if ts is not None:
                return ts, label
        ref = issue_date if has_issue else None
        if ref is None and year_hint is not None:
            ts = _valid(year_hint, int(m.group("m")), int(m.group("d")))
        else:
            ts = resolve_month_day(int(m.group("m")), int(m.group("d")), ref)
        if ts is not None:
            return ts, label + (suffix if ref is None else "")
    if has_issue:
        rel = _RELATIVE.search(lead)
        return issue_date, "issue_date: not stated" + (f" ({rel.group(0)})" if rel else "")
    return pd.NaT, "unknown"


_FULL_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-./](\d{1,2})[-./](\d{1,2}))"
)


def date_in_header(text: str) -> pd.Timestamp | None:
    """The issue date printed in a page header (``2023年10月30日 星期一``), or None."""
    m = _FULL_DATE.search(text)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2) or m.group(4)), int(m.group(3) or m.group(5))
    return _valid(y, mo, d)
