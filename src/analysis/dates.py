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


#: A date in the lead is the article's date only when it lies in the issue's window: the
#: 14 days before the issue date, the issue date included (a dateline may be older).
WINDOW = pd.Timedelta(days=14)
# A day of the month alone (``俄罗斯国防部7日称``, ``当地时间1日晚``): not a month's
# day (``11月7日``), a count (``第7日``, ``7日内``) or a dateline (``7日电``).
_DAY_ONLY = re.compile(r"(?<![\d月第.])(?P<d>[1-3]?\d)\s*日(?![电讯内起])")
# Words naming a day relative to the issue, and how many days before it.
_DAYS_BEFORE = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "前日": 2}
_RELATIVE_DAY = re.compile("|".join(_DAYS_BEFORE))


def _in_window(ts: pd.Timestamp | None, issue: pd.Timestamp) -> bool:
    return ts is not None and issue - WINDOW <= ts <= issue


def _lead_dates(lead: str, issue: pd.Timestamp):
    """The dates the lead names, in reading order, as ``(position, date, how)``.

    ``11月8日`` and ``2023年11月8日`` (a month/day without a year is the latest such day
    not more than a week after the issue), a day alone (``8日``: the latest such day not
    after the issue) and the words 今天/昨天/前天 (``how`` names the word).
    """
    found = []
    spans = []
    for m in _MONTH_DAY.finditer(lead):
        y = m.group("y")
        month, day = int(m.group("m")), int(m.group("d"))
        ts = _valid(int(y), month, day) if y else resolve_month_day(month, day, issue)
        found.append((m.start(), ts, ""))
        spans.append((m.start(), m.end()))
    for m in _DAY_ONLY.finditer(lead):
        if any(a <= m.start() < b for a, b in spans):
            continue
        found.append((m.start(), _latest_day(int(m.group("d")), issue), ""))
    for m in _RELATIVE_DAY.finditer(lead):
        word = m.group(0)
        found.append((m.start(), issue - pd.Timedelta(days=_DAYS_BEFORE[word]), word))
    found.sort(key=lambda f: f[0])
    return found


def _latest_day(day: int, issue: pd.Timestamp) -> pd.Timestamp | None:
    """The latest date not after ``issue`` whose day of the month is ``day``."""
    if day < 1:
        return None
    ts = _valid(issue.year, issue.month, day)
    if ts is not None and ts <= issue:
        return ts
    year, month = (issue.year, issue.month - 1) if issue.month > 1 else (issue.year - 1, 12)
    return _valid(year, month, day)


def article_date(
    dateline: str, body: str, issue_date: pd.Timestamp | None, *, year_hint: int | None = None
) -> tuple[pd.Timestamp, str]:
    """An article's date and where it came from.

    Order:

    1. a date in the dateline (``dateline``), whatever its distance from the issue;
    2. the first date the lead (the body's first sentence) names that lies in the
       issue's window, the 14 days before the issue date (:data:`WINDOW`): a
       month and day (``lead``), a day alone (``7日``, ``lead``), or 今天/昨天/前天
       resolved against the issue (``lead (昨天)``). Dates outside the window (a
       historical date, ``1949年10月1日``; an event to come, ``将于11月5日``) belong
       to the events, not to the article;
    3. the issue date: ``issue_date: not stated``, naming a vague word of the lead
       (``issue_date: not stated (近日)``), or ``issue_date: lead date outside the
       window`` when the lead names dates but none in the window.

    Without an issue date, the first month/day of the dateline or lead is taken, its
    year from ``year_hint`` (``; year inferred from page``).

    Returns:
        ``(date, date_source)``; ``date`` is NaT when nothing is known.

    Example:
        >>> article_date("", "1949年10月1日，新中国成立。", pd.Timestamp("2019-10-01"))
        (Timestamp('2019-10-01 00:00:00'), 'issue_date: lead date outside the window')
    """
    # (a Timestamp is never NA: NaT is not one; pd.isna costs a microsecond)
    has_issue = issue_date is not None and (
        type(issue_date) is pd.Timestamp or not pd.isna(issue_date)
    )
    lead = _FIRST_SENTENCE.match(body).group(0) if body else ""
    if not has_issue:
        return _date_without_issue(dateline, lead, year_hint)
    m = _MONTH_DAY.search(dateline) if dateline else None
    if m:
        y = m.group("y")
        month, day = int(m.group("m")), int(m.group("d"))
        ts = _valid(int(y), month, day) if y else resolve_month_day(month, day, issue_date)
        if ts is not None:
            return ts, "dateline"
    outside = False
    if lead:
        for _, ts, word in _lead_dates(lead, issue_date):
            if _in_window(ts, issue_date):
                return ts, f"lead ({word})" if word else "lead"
            outside = outside or ts is not None
    if outside:
        return issue_date, "issue_date: lead date outside the window"
    rel = _RELATIVE.search(lead)
    return issue_date, "issue_date: not stated" + (f" ({rel.group(0)})" if rel else "")


def _date_without_issue(
    dateline: str, lead: str, year_hint: int | None
) -> tuple[pd.Timestamp, str]:
    for text, label in ((dateline, "dateline"), (lead, "lead")):
        m = _MONTH_DAY.search(text) if text else None
        if not m:
            continue
        if m.group("y"):
            ts = _valid(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            if ts is not None:
                return ts, label
        elif year_hint is not None:
            ts = _valid(year_hint, int(m.group("m")), int(m.group("d")))
            if ts is not None:
                return ts, label + "; year inferred from page"
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
