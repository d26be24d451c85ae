"""Dates: the issue date from a file name, and an article's date from its text."""

from __future__ import annotations

import functools
import numbers
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

_ISO = r"(?P<y>(?:19|20)\d{2})[-_.](?P<m>\d{1,2})[-_.](?P<d>\d{1,2})"
_COMPACT = r"(?<!\d)(?P<y2>(?:19|20)\d{2})(?P<m2>[01]\d)(?P<d2>[0-3]\d)(?!\d)"
_CN = r"(?P<y3>(?:19|20)\d{2})年(?P<m3>\d{1,2})月(?P<d3>\d{1,2})日"
# every date starts with its year's 1 or 2: the lookahead (which changes no match) spares
# the search trying the three forms at every position of the name
_NAME_DATE = re.compile(f"(?=[12])(?:{_ISO}|{_COMPACT}|{_CN})")
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
    # (the name after its last slash or backslash, without its suffix)
    stem = _SUFFIX.sub("", name.replace("\\", "/").rsplit("/", 1)[-1])
    for m in _NAME_DATE.finditer(stem):
        g = m.groups()  # (year, month, day) of the form that matched: ISO, compact or CN
        y, mo, d = g[0:3] if g[0] else g[3:6] if g[3] else g[6:9]
        ts = _valid(int(y), int(mo), int(d))
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
_DAY_ONLY = r"(?<![\d月第.])(?P<day>[1-3]?\d)\s*日(?![电讯内起])"
# Words naming a day relative to the issue, and how many days before it.
_DAYS_BEFORE = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "前日": 2}
_RELATIVE_DAY = re.compile("|".join(_DAYS_BEFORE))


def _in_window(ts: pd.Timestamp | None, issue: pd.Timestamp) -> bool:
    return ts is not None and _days_before(issue, WINDOW.days) <= ts <= issue


def _days_before(issue: pd.Timestamp, days: int) -> pd.Timestamp:
    """``issue`` minus ``days`` days (cached for naive Timestamps, as :func:`_resolve`)."""
    if type(issue) is pd.Timestamp and issue.tzinfo is None:
        return _days_before_cached(issue, days)
    return issue - pd.Timedelta(days=days)


# (Timestamp arithmetic costs microseconds, and every article of an issue asks the same)
_days_before_cached = functools.lru_cache(maxsize=4096, typed=True)(
    lambda issue, days: issue - pd.Timedelta(days=days)
)


# The three kinds of dates of :func:`_lead_dates` in one pattern (one scan of the lead, in
# reading order): a month and day, a day alone, a relative word. No match of one kind overlaps
# one of another but a day alone inside a month and day (the ``8日`` of ``11月 8日``),
# which the month and day, tried first, takes.
_LEAD_DATE = re.compile(
    r"(?=[\d今昨前])"  # (where one may start: a digit, a relative word's first character)
    rf"(?:{_MONTH_DAY.pattern}|{_DAY_ONLY}|(?P<word>{_RELATIVE_DAY.pattern}))"
)


def _lead_dates(lead: str, issue: pd.Timestamp) -> Iterator[tuple]:
    """The dates the lead names, in reading order, as ``(position, date, how)`` (made as
    they are asked for: the article's date is often the first).

    ``11月8日`` and ``2023年11月8日`` (a month/day without a year is the latest such day
    not more than a week after the issue), a day alone (``8日``: the latest such day not
    after the issue) and the words 今天/昨天/前天 (``how`` names the word).
    """
    for m in _LEAD_DATE.finditer(lead):
        y, month, day, day_alone, word = m.group("y", "m", "d", "day", "word")
        if word:
            yield m.start(), _days_before(issue, _DAYS_BEFORE[word]), word
        elif day_alone:
            yield m.start(), _latest_day(int(day_alone), issue), ""
        else:
            month, day = int(month), int(day)
            ts = _valid(int(y), month, day) if y else resolve_month_day(month, day, issue)
            yield m.start(), ts, ""


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


# ------------------------------------------------------------------ dates as users write them
# The forms of a table's date column and of ``--issue-date``; see :func:`parse_date`.
_WRITTEN_YMD = re.compile(
    r"^(?P<y>\d{4})\s*(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*[日号]?"
    r"|[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2}))"
    r"(?P<rest>.*)$"
)
_WRITTEN_DMY = re.compile(r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4})(?P<rest>.*)$")
_WRITTEN_TIME = re.compile(
    r"^(?:[T\s]|日)*(?P<H>\d{1,2})\s*[:：时点]\s*(?P<M>\d{1,2})?\s*分?"
    r"(?:\s*[:：]\s*(?P<S>\d{1,2}(?:\.\d+)?)\s*秒?)?\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)
_EPOCH_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_FIRST_YEAR, _LAST_YEAR = 1900, 2100


class DateFormError(ValueError):
    """A date written in no form we read (the message names the value and the forms)."""


DATE_FORMS = (
    "2023-08-09, 2023/8/9, 2023.8.9, 2023年8月9日, 20230809, ISO 8601 with a time and "
    "an offset, epoch seconds or milliseconds, 09/08/2023 (day or month first: see dayfirst)"
)


def _plausible(ts) -> pd.Timestamp:
    if ts is None or pd.isna(ts) or not _FIRST_YEAR <= ts.year <= _LAST_YEAR:
        return pd.NaT
    return ts


def _from_epoch(number: float) -> pd.Timestamp:
    """Epoch seconds (10 digits today) or milliseconds (13 digits), as UTC wall-clock time."""
    size = abs(number)
    if 1e8 <= size < 1e11:
        unit = "s"
    elif 1e11 <= size < 1e14:
        unit = "ms"
    else:
        return pd.NaT
    return _plausible(pd.Timestamp(number, unit=unit))


def _with_time(day: pd.Timestamp | None, rest: str) -> pd.Timestamp:
    if day is None:
        return pd.NaT
    rest = rest.strip()
    if not rest:
        return day
    m = _WRITTEN_TIME.match(rest)
    if not m:
        return pd.NaT
    hour, minute = int(m.group("H")), int(m.group("M") or 0)
    second = float(m.group("S") or 0)
    if hour > 24 or minute > 59 or second >= 61:
        return pd.NaT
    return day + pd.Timedelta(hours=hour, minutes=minute, seconds=second)


def parse_date(value, *, dayfirst: bool = False) -> pd.Timestamp:
    """A date as people and scrapers write it, as a naive Timestamp (NaT when unreadable).

    Read: ``2023-08-09``, ``2023/8/9``, ``2023.8.9``, ``2023年8月9日`` (``号`` too), each
    with an optional time (``10:30``, ``10时30分``, ``T10:30:00+08:00``); ``20230809``;
    ISO 8601; epoch seconds or milliseconds, as numbers or strings (read as UTC);
    ``datetime`` and ``Timestamp`` values. A value with an offset keeps its wall-clock
    time as written (``2023-08-09 10:00+08:00`` is 10:00 on 9 August): a newspaper's
    dates are local dates, and a column may mix zones. ``09/08/2023`` is read day first
    only with ``dayfirst=True`` (month first otherwise) unless one part is over 12 (see
    :func:`date_is_ambiguous`). Years outside 1900-2100 are NaT.

    Example:
        >>> parse_date("2023年8月9日"), parse_date(1691539200)
        (Timestamp('2023-08-09 00:00:00'), Timestamp('2023-08-09 00:00:00'))
    """
    if value is None or isinstance(value, bool):
        return pd.NaT
    if isinstance(value, numbers.Real):
        if value != value:  # NaN
            return pd.NaT
        if not float(value).is_integer():
            return _from_epoch(float(value))
        value = str(int(value))  # 20230809 or epoch seconds, read as written below
    if not isinstance(value, str):  # datetime, date, numpy datetime64, Timestamp
        try:
            ts = pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError):
            return pd.NaT
        return _plausible(ts.tz_localize(None) if ts.tzinfo is not None else ts)
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return pd.NaT
    if _EPOCH_NUMBER.match(text):
        if len(text) == 8 and text.isdigit():
            return _plausible(_valid(int(text[:4]), int(text[4:6]), int(text[6:])))
        return _from_epoch(float(text))
    m = _WRITTEN_YMD.match(text)
    if m:
        month, day = m.group("m1") or m.group("m2"), m.group("d1") or m.group("d2")
        stamp = _with_time(_valid(int(m.group("y")), int(month), int(day)), m.group("rest"))
        return _plausible(stamp)
    m = _WRITTEN_DMY.match(text)
    if m:
        a, b = int(m.group("a")), int(m.group("b"))
        day_first = a > 12 or (dayfirst and b <= 12)
        day, month = (a, b) if day_first else (b, a)
        return _plausible(_with_time(_valid(int(m.group("y")), month, day), m.group("rest")))
    try:  # anything else pandas reads (``Aug 9, 2023``, RFC 2822 ...)
        ts = pd.Timestamp(text)
    except (ValueError, TypeError, OverflowError):
        return pd.NaT
    return _plausible(ts.tz_localize(None) if ts.tzinfo is not None else ts)


def date_is_ambiguous(value) -> bool:
    """True for ``09/08/2023``-like values, which read differently day or month first."""
    if not isinstance(value, str):
        return False
    m = _WRITTEN_DMY.match(unicodedata.normalize("NFKC", value).strip())
    if not m:
        return False
    a, b = int(m.group("a")), int(m.group("b"))
    return a <= 12 and b <= 12 and a != b


def parse_dates(values: pd.Series, *, dayfirst: bool = False) -> tuple[pd.Series, int]:
    """:func:`parse_date` over a column (each distinct value read once), and how many of
    its values are ambiguous (``09/08/2023``: day or month first)."""
    seen: dict = {}
    parsed = []
    ambiguous = 0
    for v in values.tolist():
        try:
            ts, vague = seen[v]
        except KeyError:
            ts, vague = seen.setdefault(v, (parse_date(v, dayfirst=dayfirst), date_is_ambiguous(v)))
        except TypeError:  # an unhashable cell (a list from a JSON file)
            ts, vague = parse_date(v, dayfirst=dayfirst), False
        parsed.append(ts)
        ambiguous += vague
    out = pd.to_datetime(pd.Series(parsed, index=values.index, dtype=object))
    return out.astype("datetime64[ns]"), ambiguous


def issue_timestamp(value, *, dayfirst: bool = False) -> pd.Timestamp | None:
    """``--issue-date`` / ``issue_date=``: None stays None; any form of :func:`parse_date`.

    Raises:
        DateFormError: for a value in no form we read.
    """
    if value is None:
        return None
    if type(value) is pd.Timestamp and value.tzinfo is None:
        # (the loader passes on the Timestamp of a file name: cached, as :func:`_resolve`)
        return _issue_of_timestamp(value, dayfirst)
    return _issue(value, dayfirst)


def _issue(value, dayfirst: bool) -> pd.Timestamp:
    ts = parse_date(value, dayfirst=dayfirst)
    if pd.isna(ts):
        raise DateFormError(f"not a date: {value!r} (use one of: {DATE_FORMS})")
    return ts.normalize()


_issue_of_timestamp = functools.lru_cache(maxsize=256, typed=True)(_issue)
