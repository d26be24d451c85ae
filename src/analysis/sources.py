"""Read input files (pages, one-article files, scraped tables) into the articles table.

Supported inputs, found recursively under any folder given:

* text (``.txt``, ``.text``, ``.md``): a newspaper page, or one article per file
  (``layout="article"``); UTF-8 with or without BOM, GB18030/GBK, Big5,
  UTF-16 with BOM; any line endings.
* tables exported by scrapers: CSV/TSV (same encodings), JSON Lines
  (``.jsonl``, ``.ndjson``), JSON arrays (``.json``), Excel (``.xlsx``, ``.xls``),
  Parquet (``.parquet``); columns named in Chinese or English.

Bad input raises :class:`analysis.errors.InputError` naming the file and the
problem; with ``errors="warn"`` the file is skipped with a warning and listed
in the load report (``df.attrs["load_report"]``).
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import functools
import gc
import io
import json
import logging
import os
import stat
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import InputError

if TYPE_CHECKING:  # imported where they are used: listing and hashing the inputs (a
    import pandas as pd  # build with nothing changed) needs neither them nor the parsers

    from analysis.pages import ARTICLE_COLUMNS  # (offered here by __getattr__)

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
TABLE_SUFFIXES = {".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".xlsx", ".xls", ".parquet"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | TABLE_SUFFIXES
_IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}

#: Recognised column names of scraped tables, by the articles column they fill.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("标题", "题目", "新闻标题", "文章标题", "title", "headline", "heading"),
    "body": (
        "正文",
        "内容",
        "全文",
        "新闻内容",
        "文章内容",
        "content",
        "body",
        "text",
        "article",
        "fulltext",
        "full_text",
    ),
    "date": (
        "日期",
        "发布时间",
        "发布日期",
        "时间",
        "刊发日期",
        "出版日期",
        "date",
        "publish_time",
        "published",
        "pubdate",
        "publish_date",
        "pub_date",
        "datetime",
        "time",
    ),
    "paper": (
        "来源",
        "媒体",
        "报纸",
        "报刊",
        "刊名",
        "source",
        "media",
        "paper",
        "newspaper",
        "publisher",
    ),
    "author": ("作者", "记者", "author", "authors", "byline", "reporter"),
    "url": ("url", "链接", "网址", "link", "href"),
    "kicker": ("引题", "肩题", "kicker"),
    "subtitle": ("副题", "副标题", "subtitle", "subheading"),
    "section": ("栏目", "版面名", "频道", "section", "column", "channel"),
    "page": ("版次", "版面", "版号", "page"),
}
_TEXT_REQUIRED = ("body", "title")
#: Column names read only when none of :data:`COLUMN_ALIASES` gives that column: a table
#: of leads has its text under 摘要, a crawler's table its link under 文章链接.
FALLBACK_ALIASES: dict[str, tuple[str, ...]] = {
    "body": ("摘要", "导语", "内容摘要", "summary", "abstract", "description", "lead"),
    "url": ("文章链接", "原文链接", "网页链接", "新闻链接", "article_url"),
}


@dataclass
class LoadReport:
    """What :func:`load_articles` read and skipped.

    Attributes:
        loaded: ``(path, n_rows)`` for every file read.
        skipped: ``(path, problem)`` for every file skipped with ``errors="warn"``.
        ignored: files passed over because of their type (with the reason).
        notes: ``(path, note)`` for files read with something left out (empty rows,
            sheets without a text column).
    """

    loaded: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)

    def __deepcopy__(self, memo) -> LoadReport:
        """The report itself: pandas deep-copies a frame's ``attrs`` into every frame made
        from it (each column taken, each row filter), and what one load read is the same
        for all of them (a copy per column access took 20 ms after 13,240 files)."""
        return self

    def skip(self, path: str, problem: str) -> None:
        """Note a skipped file; ``problem`` may start with the path (an InputError's
        message), which is then not repeated."""
        if problem.startswith(f"{path}: "):
            problem = problem[len(path) + 2 :]
        self.skipped.append((path, problem))

    def summary(self) -> str:
        """One line per skipped or ignored file, after a count line."""
        lines = [
            f"{len(self.loaded)} file(s) loaded, {sum(n for _, n in self.loaded)} row(s); "
            f"{len(self.skipped)} skipped; {len(self.ignored)} ignored"
        ]
        lines += [f"  skipped {p}: {why}" for p, why in self.skipped]
        lines += [f"  ignored {p}: {why}" for p, why in self.ignored]
        lines += [f"  note {p}: {note}" for p, note in self.notes]
        return "\n".join(lines)


# --------------------------------------------------------------------------- decoding
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY_MAGIC = (
    (b"%PDF", "a PDF file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (docx/xlsx?)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PAR1", "a Parquet file"),
)


# (one startswith each tells whether the loops over them have anything to find)
_BOM_STARTS = tuple(bom for bom, _ in _BOMS)
_MAGIC_STARTS = tuple(magic for magic, _ in _BINARY_MAGIC)
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])


def _cjk_score(text: str, encoding: str) -> float:
    """Share of the CJK characters of ``text`` that are common in ``encoding``'s script."""
    chars = [c for c in text[:20000] if "\u4e00" <= c <= "\u9fff"]
    if not chars:
        return 0.0
    good = 0
    for c in chars:
        if encoding == "gb18030":
            try:
                c.encode("gb2312")
                good += 1
            except UnicodeEncodeError:
                pass
        else:
            b = c.encode("big5", errors="ignore")
            if len(b) == 2 and 0xA440 <= (b[0] << 8 | b[1]) <= 0xC67E:
                good += 1
    return good / len(chars)


def _position(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return f"byte {offset} (line {line}, column {col})"


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode a text file's bytes, detecting the encoding.

    Tries a BOM (UTF-8, UTF-16, UTF-32), then UTF-8, then GB18030 and Big5
    (picking the one whose characters are common in its script).

    Returns:
        ``(text, encoding)`` with line endings normalised to ``"\\n"``.

    Raises:
        InputError: empty, binary or undecodable data (the message says where).
    """
    if not data.strip(b" \t\r\n\x00"):
        raise InputError(f"{path}: the file is empty", path=path, problem="empty")
    for bom, enc in _BOMS if data.startswith(_BOM_STARTS) else ():
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{path}: starts with a {enc} byte-order mark but is not valid {enc} "
                    f"at {_position(data, exc.start)}",
                    path=path,
                    problem="encoding",
                ) from None
            return _normalise_newlines(text.lstrip("\ufeff")), enc
    for magic, what in _BINARY_MAGIC if data.startswith(_MAGIC_STARTS) else ():
        if data.startswith(magic):
            raise InputError(
                f"{path}: this is {what}, not text; convert it to text first",
                path=path,
                problem="binary",
            )
    head = data[:8192]
    nul = b"\x00" in head
    if nul and (wide := _wide_unicode(data, path)) is not None:
        return wide
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if nul or controls > 0.05 * len(head):
        raise InputError(
            f"{path}: looks binary (NUL or control bytes), not a text file",
            path=path,
            problem="binary",
        )
    try:
        return _normalise_newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if (wide := _wide_unicode(data, path)) is not None:  # Chinese in UTF-16: no NUL bytes
        return wide
    candidates = []
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_cjk_score(text, enc), enc, text))
    if not candidates:
        raise InputError(
            f"{path}: cannot be decoded: not UTF-8 (invalid byte "
            f"0x{data[utf8_error.start]:02x} at {_position(data, utf8_error.start)}), "
            "nor GB18030/GBK, nor Big5. Save it as UTF-8.",
            path=path,
            problem="encoding",
        )
    candidates.sort(key=lambda c: (c[0], c[1] == "gb18030"), reverse=True)
    score, enc, text = candidates[0]
    logger.debug("%s: decoded as %s (score %.2f)", path, enc, score)
    return _normalise_newlines(text), enc


def _plausible(ch: str) -> bool:
    """A character of Chinese or English news text (what a wrong decoding rarely gives)."""
    o = ord(ch)
    return (
        0x20 <= o < 0x7F
        or ch in "\n\r\t"
        or 0x4E00 <= o <= 0x9FFF  # CJK unified ideographs
        or 0x3000 <= o <= 0x303F  # CJK punctuation
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x2000 <= o <= 0x206F  # general punctuation
        or 0x3400 <= o <= 0x4DBF  # CJK extension A
        or 0xA0 <= o <= 0xFF
    )


def _wide_unicode(data: bytes, path: str) -> tuple[str, str] | None:
    """Text in UTF-32 or UTF-16 without a byte-order mark, or None.

    Tried only on data with NUL bytes, or that is not UTF-8: the encoding whose
    decoding of the first 8 KB is at least 95% characters of news text wins.

    Raises:
        InputError: the start reads as one of them but a later byte does not.
    """
    for enc, width in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2)):
        if len(data) % width:
            continue
        try:
            sample = codecs.getincrementaldecoder(enc)().decode(data[:8192], final=False)
        except UnicodeDecodeError:
            continue
        if not sample or sum(map(_plausible, sample)) < 0.95 * len(sample):
            continue
        try:
            return _normalise_newlines(data.decode(enc)), enc
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: looks like {enc.upper()} without a byte-order mark, but is not valid "
                f"{enc.upper()} at {_position(data, exc.start)}",
                path=path,
                problem="encoding",
            ) from None
    return None


def _normalise_newlines(text: str) -> str:
    if "\r" not in text:  # (one scan, not two)
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: Longest line (characters between two line breaks) read from a text file or a table
#: cell. Longer than any paragraph of news; the stages keep each mention's sentence,
#: so memory grows with the square of a line without a full stop: a file with a
#: longer line is refused (skipped) with a message naming the line.
MAX_LINE_CHARS = 50_000


def file_problem(path: str | os.PathLike) -> str | None:
    """Why ``path`` cannot be read as an input, found without opening it; None for a
    regular file (or a link to one). Broken links, link loops, FIFOs, devices and
    sockets are never opened: reading a FIFO or ``/dev/zero`` would never end."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        if p.is_symlink():
            return f"a broken link (to {os.readlink(p)}, which does not exist)"
        return "no such file"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a link loop (the link leads back to itself)"
        return f"cannot be read ({exc.strerror or exc})"
    return _kind_problem(st.st_mode)


def _kind_problem(mode: int) -> str | None:
    """:func:`file_problem` of a file of this ``st_mode``."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder"
    kind = (
        "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a special file"
    )
    return f"{kind}, not a regular file; not read"


def read_bytes(path: str | os.PathLike, shown: str | None = None) -> bytes:
    """The bytes of a regular file. The file is opened without blocking and checked
    before it is read, so that a FIFO or a device (even one swapped in after the
    folder was listed) is refused, never read.

    Raises:
        InputError: missing, a broken link, a link loop, unreadable, not a regular file.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except PermissionError:
        shown = shown if shown is not None else _display(Path(path))
        raise InputError(
            f"{shown}: not readable (permission denied)", path=shown, problem="permission"
        ) from None
    except OSError as exc:
        shown = shown if shown is not None else _display(Path(path))
        problem = file_problem(path) or f"cannot be read ({exc.strerror or exc})"
        raise InputError(f"{shown}: {problem}", path=shown, problem="missing") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            shown = shown if shown is not None else _display(Path(path))
            problem = file_problem(path) or "not a regular file; not read"
            raise InputError(f"{shown}: {problem}", path=shown, problem="special")
        try:
            return _read_all(fd, st.st_size)
        except OSError as exc:
            shown = shown if shown is not None else _display(Path(path))
            raise InputError(
                f"{shown}: cannot be read ({exc.strerror or exc})", path=shown, problem="permission"
            ) from None
    finally:
        os.close(fd)


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _read_all(fd: int, size: int) -> bytes:
    """The bytes of an open regular file of ``size`` bytes (its ``fstat``): one ``read``
    when it still has that size, else reads to the end. (Reading and hashing the inputs
    is most of a rebuild with nothing changed.)"""
    data = os.read(fd, size + 1)
    if len(data) == size and size < 1 << 30:  # the whole file (a longer one gives more)
        return data
    chunks = [data]
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def check_lines(text: str, shown: str, what: str = "line") -> None:
    """Refuse text with a line over :data:`MAX_LINE_CHARS` (an :class:`InputError`
    naming the line). Text shorter than the limit is not scanned."""
    if len(text) <= MAX_LINE_CHARS:
        return
    start, n = 0, 1
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start > MAX_LINE_CHARS:
            raise InputError(
                f"{shown}: {what} {n} has {end - start:,} characters, more than the limit of "
                f"{MAX_LINE_CHARS:,} (analysis.sources.MAX_LINE_CHARS); split it into paragraphs",
                path=shown,
                problem="format",
            )
        start, n = end + 1, n + 1


def read_text(path: str | os.PathLike) -> str:
    """Read and decode a text file (see :func:`decode_bytes`)."""
    p = Path(path)
    return _read_text(p, _display(p))


def _read_text(p: str | Path, path: str) -> str:
    """:func:`read_text` of ``p``, shown as ``path`` in errors."""
    return decode_bytes(read_bytes(p, str(path)), str(path))[0]


# --------------------------------------------------------------------------- tables
def _read_csv(text: str, sep: str | None, shown: str) -> pd.DataFrame:
    """A CSV or TSV table as written: every value a string, blank lines skipped (and
    counted in ``attrs["empty_rows"]``).

    The delimiter of a CSV file is the one of ``, ; | tab`` its header line holds most
    (a comma when none).

    Raises:
        InputError: a row with more or fewer fields than the header (naming its line).
    """
    import csv

    import pandas as pd

    if sep is None:
        first = text.split("\n", 1)[0]
        sep = max(",;|\t", key=first.count) if any(c in first for c in ",;|\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header = next(reader, None) or []
    rows, empty, line = [], 0, reader.line_num
    for row in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            empty += 1
            continue
        if len(row) != len(header):
            raise InputError(
                f"{shown}: line {start} has {len(row)} fields, the header has {len(header)}; "
                "check its delimiters and quotes",
                path=shown,
                problem="format",
            )
        rows.append(row)
    _check_header(header, shown)
    frame = pd.DataFrame(rows, columns=header, dtype=str) if header else pd.DataFrame()
    frame.attrs["empty_rows"] = empty
    return frame


def _with_header(frame: pd.DataFrame) -> pd.DataFrame:
    """A sheet read without a header, with its first row as the column names."""
    import pandas as pd

    if frame.empty:
        return pd.DataFrame()
    header = [f"Unnamed: {i}" if _is_blank(c) else str(c) for i, c in enumerate(frame.iloc[0])]
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = header
    return body


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def _no_repeated_keys(pairs: list[tuple]) -> dict:
    """A JSON object's pairs as a dict, refusing a key given twice (the last would win)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise ValueError(f"the key {twice!r} appears twice in an object")
    return obj


def _check_header(columns, shown: str) -> None:
    """Refuse a table whose column names repeat (compared as :func:`_match_columns`
    compares them: case, spaces and surrounding blanks aside)."""
    seen: dict[str, str] = {}
    for c in columns:
        norm = _normal_name(c)
        if norm in seen:
            raise InputError(
                f"{shown}: the column {c!r} appears twice"
                + (f" (as {seen[norm]!r} and {c!r})" if seen[norm] != c else "")
                + "; rename or remove one",
                path=shown,
                problem="columns",
            )
        seen[norm] = str(c)


def _normal_name(column) -> str:
    return str(column).strip().lower().replace(" ", "_")


def _read_table(path: Path, shown: str, sheet: str | None = None):
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv"):
            text = decode_bytes(read_bytes(path, shown), shown)[0]
            return _read_csv(text, "\t" if suffix == ".tsv" else None, shown)
        if suffix in (".jsonl", ".ndjson"):
            text = decode_bytes(read_bytes(path, shown), shown)[0]
            rows = []
            for n, line in enumerate(text.split("\n"), 1):
                if line.strip():
                    try:
                        rows.append(json.loads(line, object_pairs_hook=_no_repeated_keys))
                    except ValueError as exc:
                        if not isinstance(exc, json.JSONDecodeError):
                            raise InputError(
                                f"{shown}: line {n}: {exc}", path=shown, problem="columns"
                            ) from None
                        raise InputError(
                            f"{shown}: line {n} is not valid JSON ({exc.msg})",
                            path=shown,
                            problem="format",
                        ) from None
            if rows and not all(isinstance(r, dict) for r in rows):
                raise InputError(
                    f"{shown}: each line must be a JSON object", path=shown, problem="format"
                )
            return pd.DataFrame(rows)
        if suffix == ".json":
            text = decode_bytes(read_bytes(path, shown), shown)[0]
            try:
                obj = json.loads(text, object_pairs_hook=_no_repeated_keys)
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{shown}: not valid JSON (line {exc.lineno}: {exc.msg})",
                    path=shown,
                    problem="format",
                ) from None
            if isinstance(obj, dict):
                lists = [k for k, v in obj.items() if isinstance(v, list)]
                if len(lists) > 1:
                    raise InputError(
                        f"{shown}: the JSON object holds several lists ({', '.join(lists)}); "
                        "keep the list of articles only, or save each list as a file",
                        path=shown,
                        problem="format",
                    )
                obj = obj[lists[0]] if lists else [obj]
            if not isinstance(obj, list) or not all(isinstance(r, dict) for r in obj):
                raise InputError(
                    f"{shown}: expected a list of objects", path=shown, problem="format"
                )
            return pd.DataFrame(obj)
        if suffix in (".xlsx", ".xls", ".parquet"):
            data = read_bytes(path, shown)
            if not data:
                raise InputError(f"{shown}: the file is empty", path=shown, problem="empty")
            if suffix == ".parquet":
                return pd.read_parquet(io.BytesIO(data))
            # the header row is read as a row: pandas would rename a repeated name
            sheets = pd.read_excel(io.BytesIO(data), dtype=str, sheet_name=sheet, header=None)
            if isinstance(sheets, pd.DataFrame):  # the sheet asked for
                return _with_header(_unescape_cells(sheets))
            sheets = {name: _with_header(_unescape_cells(frame)) for name, frame in sheets.items()}
            return sheets if len(sheets) > 1 else next(iter(sheets.values()))
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file", path=shown, problem="missing") from None
    except ImportError as exc:
        raise InputError(
            f"{shown}: reading {suffix} needs an optional package: {exc}",
            path=shown,
            problem="format",
        ) from None
    except Exception as exc:  # pandas/pyarrow/openpyxl parse errors
        raise InputError(
            f"{shown}: cannot be read as {suffix[1:]}: {exc}", path=shown, problem="format"
        ) from None
    raise InputError(f"{shown}: unsupported file type {suffix}", path=shown, problem="format")


def _match_columns(columns: Iterable[str], source: str = "<table>") -> dict[str, str]:
    """Map articles columns to the table's columns (case- and space-insensitive).

    Raises:
        InputError: two columns of the table give one articles column (``title`` and
            ``标题``; ``正文`` twice): the message names them.
    """
    columns = list(columns)
    _check_header(columns, source)
    found: dict[str, str] = {}
    used: set[str] = set()
    for table in (COLUMN_ALIASES, FALLBACK_ALIASES):
        for target, aliases in table.items():
            if target in found:
                continue  # (a fallback only for a column no main name gives)
            names = {a.lower() for a in aliases}
            matches = [c for c in columns if _normal_name(c) in names and c not in used]
            if len(matches) > 1:
                raise InputError(
                    f"{source}: the columns {', '.join(map(str, matches))} all give the "
                    f"{target}; keep one (rename or remove the others)",
                    path=source,
                    problem="columns",
                )
            if matches:
                found[target] = matches[0]
                used.add(matches[0])
    return found


def _unescape_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A sheet's text as written: Excel and XlsxWriter store a carriage return and other
    control characters as ``_x000D_``-style escapes, which the reader may leave in place
    (openpyxl's ``unescape`` turns them back)."""
    from openpyxl.utils.escape import unescape

    def cell(value):
        return unescape(value) if isinstance(value, str) and "_x" in value else value

    return frame.map(cell)


def _clean_paragraphs(text: str) -> str:
    lines = [ln.strip(" \t\u3000\u00a0\ufeff") for ln in _normalise_newlines(text).split("\n")]
    return "\n".join(ln for ln in lines if ln)


def table_articles(
    table: pd.DataFrame,
    *,
    source: str,
    issue_date=None,
    sheet: str | None = None,
    notes: list[str] | None = None,
    dayfirst: bool = False,
) -> list[dict]:
    """Rows of a scraped table as article records (see :func:`load_articles`).

    Rows without a title and a body (empty rows) are skipped; how many is noted in
    ``notes`` (with the blank lines of a CSV file, ``table.attrs["empty_rows"]``).
    ``sheet`` names the workbook sheet the table is: the records' ``source`` is then
    ``<source>#<sheet>``.

    Raises:
        InputError: when no title or body column is recognised (the message
            lists the table's columns), when two columns give one articles column,
            or the table has no rows.
    """
    import pandas as pd

    from analysis import dates
    from analysis.pages import article_id, file_name, match_dateline, parse_byline, split_byline

    cols = _match_columns(table.columns, source)
    if not any(k in cols for k in _TEXT_REQUIRED):
        listed = ", ".join(map(str, table.columns)) or "(none)"
        raise InputError(
            f"{source}: no text column found. Columns are: {listed}. Name the text column one "
            f"of: {', '.join(COLUMN_ALIASES['body'][:8])} (and the title one of "
            f"{', '.join(COLUMN_ALIASES['title'][:5])}).",
            path=source,
            problem="columns",
        )
    if table.empty:
        raise InputError(f"{source}: the table has no rows", path=source, problem="empty")
    unread = [str(c) for c in table.columns if c not in set(cols.values())]
    if unread and notes is not None:
        notes.append(
            f"{'sheet ' + sheet + ': ' if sheet else ''}columns not read: {', '.join(unread)}"
        )
    meta = dates.meta_from_name(source)
    issue = dates.issue_timestamp(issue_date) if issue_date is not None else meta.issue_date

    def column(name: str) -> list[str]:
        if name not in cols:
            return [""] * len(table)
        values = table[cols[name]].tolist()
        return ["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in values]

    if "date" in cols:
        parsed_dates, ambiguous = dates.parse_dates(table[cols["date"]], dayfirst=dayfirst)
        if ambiguous and notes is not None:
            first = "day" if dayfirst else "month"
            notes.append(
                f"{'sheet ' + sheet + ': ' if sheet else ''}{ambiguous} date(s) such as "
                f"09/08/2023 read {first} first (--dayfirst / dayfirst= changes it)"
            )
    else:
        parsed_dates = pd.Series(pd.NaT, index=table.index)
    records = []
    empty = table.attrs.get("empty_rows", 0)
    fields = {name: column(name) for name in COLUMN_ALIASES}
    shown = f"{source}#{sheet}" if sheet is not None else source
    for i in range(len(table)):
        title = fields["title"][i].strip()
        check_lines(title, shown, f"row {i + 1}: the title, line")
        check_lines(fields["body"][i], shown, f"row {i + 1}: the body, line")
        body = _clean_paragraphs(fields["body"][i])
        if not title and not body:
            empty += 1
            continue
        dateline = match_dateline(body)
        if dateline:
            body = body[len(dateline) :].lstrip()
            dateline = dateline.rstrip()
        author = fields["author"][i].strip()
        credit = ""
        byline = ""
        paragraphs = body.split("\n") if body else []
        if paragraphs:
            last, byline = split_byline(paragraphs[-1])
            if byline:
                paragraphs[-1] = last
                if not last:
                    paragraphs.pop()
                names, credit = parse_byline(byline)
                if not author:
                    author = "、".join(names)
        body = "\n".join(paragraphs)
        date = parsed_dates.iloc[i]
        if pd.isna(date):
            date, date_source = dates.article_date(dateline, body, issue)
        else:
            date_source = "table"
        paper = fields["paper"][i].strip() or meta.paper
        url = fields["url"][i].strip()
        key = url or f"{file_name(source)}#{i}"
        records.append(
            {
                "article_id": article_id(key, title, body),
                "source": shown,
                "paper": paper,
                "issue_date": issue,
                "page": fields["page"][i].strip(),
                "position": i + 1,
                "block": i + 1,
                "kind": "article",
                "section": fields["section"][i].strip(),
                "kicker": fields["kicker"][i].strip(),
                "title": title,
                "subtitle": fields["subtitle"][i].strip(),
                "dateline": dateline,
                "date": date,
                "date_source": date_source,
                "body": body,
                "byline": byline,
                "author": author,
                "credit": credit,
                "url": url,
                "n_chars": len(title) + len(body),
                "n_paragraphs": len(paragraphs),
            }
        )
    if not records:
        raise InputError(
            f"{shown}: every row is empty (no title, no body)", path=shown, problem="empty"
        )
    if empty and notes is not None:
        notes.append(f"{'sheet ' + sheet + ': ' if sheet else ''}{empty} empty row(s) skipped")
    return records


# --------------------------------------------------------------------------- files
def _display(path: Path) -> str:
    """The path as an analyst would write it: as given, relative to the working directory
    when it lies below it."""
    text = path.as_posix()
    if not path.is_absolute():
        return text
    if os.sep != "/":  # Windows: drive letters, case-insensitive names
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return text
    return _below_cwd(text)


def _shown(path: str, cwd: str | None = None) -> str:
    """:func:`_display` of a path as :func:`input_files` lists it (``str(Path(...))``),
    without making a ``Path`` (called for every input file); ``cwd``: the working
    directory, when the caller has asked for it (``os.getcwd()`` is a system call)."""
    if os.sep != "/":  # pragma: no cover - Windows
        return _display(Path(path))
    return _below_cwd(path, cwd) if path.startswith("/") else path


def _as_listed(path: str) -> bool:
    """Whether ``path`` is written as ``str(Path(path))`` writes it on POSIX (as
    :func:`input_files` lists it): no empty part (``a//b``, a trailing ``/``), no ``.``
    part (``./a``, ``a/./b``, ``a/.``). Other paths (and any on Windows) may be; false."""
    return (
        os.sep == "/"
        and path not in ("", ".")  # (Path(".").name is "")
        and "//" not in path
        and not path.endswith("/")
        and not path.startswith("./")
        and "/./" not in path
        and not path.endswith("/.")
    )


def _below_cwd(text: str, cwd: str | None = None) -> str:
    """An absolute POSIX path relative to the working directory (``cwd`` when given)
    when it lies below it."""
    # Path.relative_to(Path.cwd()) with strings (called for every input file)
    if cwd is None:
        cwd = os.getcwd()
    if text == cwd:
        return "."
    below = cwd if cwd.endswith("/") else cwd + "/"
    return text[len(below) :] if text.startswith(below) else text


def iter_input_files(
    paths: Iterable[str | os.PathLike],
    report: LoadReport | None = None,
    *,
    errors: str = "raise",
    exclude: Iterable[tuple[str | os.PathLike, str]] = (),
) -> Iterator[tuple[Path, str]]:
    """Files to read under ``paths``, as ``(path, key)``, sorted within each folder.

    ``key`` is the file's path relative to the folder it was found under (its
    name when given directly); ``article_id`` takes only the file's own name from
    it (:func:`analysis.pages.file_name`), so that ids do not depend on the folder
    the build started from.

    A file reached twice (a folder and a file inside it, overlapping folders, a link
    to a file already found, a hard link) is read once, where it was first found; the
    others are listed in ``report.ignored``.

    Files that cannot be read as inputs (broken links, link loops, FIFOs, devices,
    sockets; :func:`file_problem`) are never opened: with ``errors="warn"`` they are
    listed in ``report.skipped``, with ``errors="raise"`` the first raises.
    ``exclude`` names folders (or files) to leave out, each with the reason, such as
    the build's own output folder; each is listed once in ``report.ignored`` when
    it lies below an input folder. Hidden files and folders (names starting with
    ``.``), office lock files and links to folders are passed over silently.

    Raises:
        InputError: a path that does not exist; with ``errors="raise"``, a file that
            cannot be read.
    """
    for path, key in input_files(paths, report, errors=errors, exclude=exclude):
        yield Path(path), key


def input_files(
    paths: Iterable[str | os.PathLike],
    report: LoadReport | None = None,
    *,
    errors: str = "raise",
    exclude: Iterable[tuple[str | os.PathLike, str]] = (),
) -> Iterator[tuple[str, str]]:
    """:func:`iter_input_files` with each path a string (as ``str(Path(...))`` writes
    it), the build's listing: one ``stat`` per file and no ``Path`` object."""
    excluded = [(Path(e).resolve(), why) for e, why in exclude]
    seen: dict[tuple[int, int], str] = {}  # (device, inode) of every file yielded

    def again(path: str, st: os.stat_result) -> bool:
        """True when ``path`` is a file already found (given twice: a folder and a file
        in it, two overlapping folders, a link): listed in ``report.ignored``, read once."""
        first = seen.setdefault((st.st_dev, st.st_ino), path)
        if first is path:
            return False
        why = f"the same file as {_display(Path(first))}: read once"
        shown = _display(Path(path))
        if report is not None:
            report.ignored.append((shown, why))
        logger.info("ignored %s: %s", shown, why)
        return True

    def skipped(path: str, problem: str | None) -> bool:
        if problem is None:
            return False
        shown = _display(Path(path))
        if errors == "raise" or report is None:
            raise InputError(f"{shown}: {problem}", path=shown, problem="special")
        report.skip(shown, problem)
        logger.info("skipped %s: %s", shown, problem)
        return True

    for given in paths:
        p = Path(given)
        if not p.exists() and not p.is_symlink():
            raise InputError(f"{given}: no such file or folder", path=str(given), problem="missing")
        if p.is_dir():
            root = p.resolve()
            skip_parts = []
            for folder, why in excluded:
                if folder == root:
                    # the input folder itself is an output folder: nothing to read
                    if report is not None:
                        report.ignored.append((_display(p), why))
                    skip_parts = None
                    break
                if folder.is_relative_to(root):
                    skip_parts.append(folder.relative_to(root).parts)
                    if report is not None:
                        report.ignored.append((_display(p.joinpath(*skip_parts[-1])), why))
            if skip_parts is None:
                continue
            skip = {"/".join(parts) for parts in skip_parts}
            for entry, path, key in _folder_entries(str(p), skip):
                name = entry.name
                if _is_folder(entry) or name in _IGNORED_NAMES or name.startswith("~$"):
                    continue
                suffix = _suffix(name)
                if suffix.lower() not in SUPPORTED_SUFFIXES:
                    reason = f"unsupported file type {suffix or '(none)'}"
                    if report is not None:
                        report.ignored.append((_display(Path(path)), reason))
                    logger.info("ignored %s: %s", _display(Path(path)), reason)
                    continue
                try:
                    st = entry.stat()  # (the link's target, as open() reads it)
                except OSError:  # (file_problem says why)
                    st = None
                problem = file_problem(path) if st is None else _kind_problem(st.st_mode)
                if skipped(path, problem) or (st is not None and again(path, st)):
                    continue
                yield path, key
        else:
            why = next((w for f, w in excluded if p.resolve().is_relative_to(f)), None)
            if why is not None:
                if report is not None:
                    report.ignored.append((_display(p), why))
                continue
            path = str(p)
            if skipped(path, file_problem(path)):
                continue
            try:
                st = os.stat(path)
            except OSError:
                st = None
            if st is not None and again(path, st):
                continue
            yield path, p.name


def _folder_entries(folder: str, skip: set[str], prefix: str = "") -> Iterator[tuple]:
    """``(entry, path, key)`` of the entries below ``folder`` (``os.DirEntry``, its path
    as ``str(Path(folder) / key)``, its path below ``folder`` with ``/``), in the order of
    the sorted paths, the entries of a folder right after it. Hidden entries (``.``
    names), the keys in ``skip`` and what is below them are left out; links to
    folders are listed, not followed; a folder that may not be read lists nothing
    (as ``Path.rglob``)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_name_order)
    except PermissionError:
        return
    for entry in entries:
        key = prefix + entry.name
        if entry.name.startswith(".") or key in skip:
            continue
        path = entry.path if folder != os.curdir else entry.name
        if entry.is_dir(follow_symlinks=False):
            yield from _folder_entries(path, skip, key + "/")
        else:
            yield entry, path, key


def _name_order(entry: os.DirEntry) -> str:
    # the order of sorted Paths: names as they are (case-folded on Windows)
    return os.path.normcase(entry.name)


def _is_folder(entry: os.DirEntry) -> bool:
    """``Path.is_dir()`` of an entry (a link to a folder is one): no ``stat`` but for links."""
    try:
        return entry.is_dir()
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):
            return False
        raise


def _suffix(name: str) -> str:
    """``Path(name).suffix``: from the last ``.`` (not a leading one, not a final one)."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def read_file(
    path: str | os.PathLike,
    *,
    key: str | None = None,
    issue_date=None,
    layout: str = "auto",
    keep_boilerplate: bool = False,
    sheet: str | None = None,
    notes: list[str] | None = None,
    dayfirst: bool = False,
    data: bytes | None = None,
) -> list[dict]:
    """Article records of one file (pages, article files or tables).

    Every sheet of a workbook with a text column is read (``source`` is then
    ``book.xlsx#<sheet>`` when it has several), or only ``sheet``; sheets without a
    text column and empty rows are skipped and noted in ``notes``. ``data``: the
    file's bytes when the caller has read them (:func:`read_bytes`; the build hashes
    them): a text file is then not read again.
    """
    if type(path) is str and _as_listed(path):
        # (no Path: the build reads each of thousands of files through here)
        path_text, shown, name = path, _shown(path), path.rsplit("/", 1)[-1]
    else:
        p = Path(path)
        path_text, shown, name = str(p), _display(p), p.name
    return _read_file(
        path_text,
        shown,
        name,
        key=key,
        issue_date=issue_date,
        layout=layout,
        keep_boilerplate=keep_boilerplate,
        sheet=sheet,
        notes=notes,
        dayfirst=dayfirst,
        data=data,
    )


def _read_file(
    path: str,
    shown: str,
    name: str,
    *,
    key: str | None,
    issue_date,
    layout: str,
    keep_boilerplate: bool,
    sheet: str | None,
    notes: list[str] | None,
    dayfirst: bool,
    data: bytes | None = None,
) -> list[dict]:
    """:func:`read_file` of ``path`` (as ``str(Path(...))`` writes it), shown as ``shown``
    in errors and in ``source``, whose own name is ``name``: no ``Path`` made for a text
    file (the loader reads thousands of small files)."""
    suffix = _suffix(name).lower()
    if suffix in TABLE_SUFFIXES:
        table = _read_table(Path(path), shown, sheet)
        if not isinstance(table, dict):
            return table_articles(
                table, source=shown, issue_date=issue_date, notes=notes, dayfirst=dayfirst
            )
        records, passed = [], []
        for sheet_name, frame in table.items():
            try:
                records += table_articles(
                    frame,
                    source=shown,
                    issue_date=issue_date,
                    sheet=str(sheet_name),
                    notes=notes,
                    dayfirst=dayfirst,
                )
            except InputError as exc:
                if exc.problem not in ("columns", "empty"):
                    raise
                passed.append(f"{sheet_name} ({str(exc).split(': ', 1)[-1]})")
        if not records:
            raise InputError(
                f"{shown}: no sheet holds articles: {'; '.join(passed)}",
                path=shown,
                problem="columns",
            )
        if passed and notes is not None:
            notes.append(f"sheets not read: {'; '.join(passed)}")
        return records
    if suffix not in TEXT_SUFFIXES and layout == "auto":
        raise InputError(
            f"{shown}: unsupported file type {suffix or '(none)'}; supported: "
            f"{', '.join(sorted(SUPPORTED_SUFFIXES))}",
            path=shown,
            problem="format",
        )
    dates, pages = _text_modules()
    if data is None:
        text = _read_text(path, shown)  # _display looks up the working directory: once per file
    else:
        text = decode_bytes(data, shown)[0]
    check_lines(text, shown)
    if not text or text.isspace():  # (not text.strip(): no copy of the text)
        raise InputError(f"{shown}: the file is empty", path=shown, problem="empty")
    meta = dates.meta_from_name(name)
    source = key or name
    # the parsers read the same name's paper, date and page again when not told (and
    # take the name's date as it is, not again through dates.issue_timestamp)
    told = pages.file_name(source) == name
    parser_kwargs = {
        "issue_date": issue_date if issue_date is not None or told else meta.issue_date,
        "source": source,
        "paper": meta.paper,
        "page": meta.page,
        "meta": meta if told else None,
    }
    if layout == "article":
        records = pages.article_file_records(text, **parser_kwargs)
    elif layout in ("auto", "page"):
        records = pages.page_records(text, keep_boilerplate=keep_boilerplate, **parser_kwargs)
    else:
        raise ValueError(f"layout must be 'auto', 'page' or 'article', not {layout!r}")
    for r in records:
        r["source"] = shown
    return records


@contextlib.contextmanager
def _collector_paused(pause: bool = True):
    """Python's cyclic garbage collector paused within (when ``pause``), then as it was:
    for code that makes many objects of which none is in a reference cycle (reference
    counting frees them), where the collector would go over the growing results again
    and again for nothing (reading text files, the build's duplicates pass, linking
    events)."""
    enabled = gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if pause and enabled:
            gc.enable()


@functools.cache
def _text_modules():
    """``analysis.dates`` and ``analysis.pages``, imported when a text file is first read
    (an import statement costs microseconds even when the module is loaded)."""
    from analysis import dates, pages

    return dates, pages


#: How many text files (at most, and bytes) :func:`_read_ahead` reads before they are parsed.
_READ_AHEAD_FILES = 256
_READ_AHEAD_BYTES = 1 << 24


def _read_ahead(files: list[tuple[str, str]], cwd: str) -> Iterator[tuple]:
    """``(path, key, shown, data)`` of each listed file, ``data`` being a text file's
    bytes (or the :class:`InputError` reading them raised; None for a table, read
    when parsed).

    The text files are read a run at a time, then parsed (by :func:`load_articles` and
    by the build's batches): reading one file between parsing two others costs the
    parser a tenth to a fifth of its time on many small files (each
    call into the system leaves the processor's caches and branch predictors cold, the
    mitigations of speculative execution flush them).
    """
    run: list[tuple] = []
    size = 0
    for path, key in files:
        shown = _shown(path, cwd)
        data: bytes | InputError | None = None
        if _suffix(os.path.basename(path)).lower() in TEXT_SUFFIXES:
            try:
                data = read_bytes(path, shown)
                size += len(data)
            except InputError as exc:
                data = exc
        run.append((path, key, shown, data))
        if len(run) >= _READ_AHEAD_FILES or size >= _READ_AHEAD_BYTES:
            yield from run
            run, size = [], 0
    yield from run


def load_articles(
    *paths: str | os.PathLike,
    issue_date=None,
    layout: str = "auto",
    errors: str = "raise",
    keep_boilerplate: bool = False,
    progress: bool = False,
    sheet: str | None = None,
    dayfirst: bool = False,
) -> pd.DataFrame:
    """Load files and folders (recursively) of pages, article files and tables.

    Args:
        *paths: files or folders. Folders are searched recursively; hidden
            files and Office lock files are passed over, and files of other
            types are listed in the load report (never silently).
        issue_date: the issue date of every input, overriding file names, in any form
            of :func:`analysis.dates.parse_date` (``2023-08-09``, ``2023年8月9日`` ...).
        layout: ``"auto"`` / ``"page"`` (a text file is a page that may hold
            several articles) or ``"article"`` (one article per text file).
        errors: ``"raise"`` (default) stops at the first bad file with an
            :class:`~analysis.errors.InputError`; ``"warn"`` skips it with a
            warning and lists it in the load report.
        keep_boilerplate: also return footers and section headings of pages
            as rows with ``kind == "boilerplate"``.
        progress: show a progress bar (tqdm) while reading.
        sheet: read only this sheet of workbooks (default: every sheet with a
            text column).
        dayfirst: read a table's ``09/08/2023`` as 9 August (default: 8 September);
            a file with such ambiguous dates gets a note in the load report.

    Returns:
        The articles table (columns documented in :func:`analysis.pages.parse_page`),
        files in the order given (folders sorted), rows in page order. For tables,
        ``source`` is the file, ``position`` the row number, ``date_source``
        ``"table"`` when the date column gave the date, and ``paper`` comes from
        a 来源/source column. ``duplicate_of`` and ``duplicate_rule`` mark the
        articles that repeat an earlier one of all the files read
        (:func:`analysis.select.find_duplicates`). ``df.attrs["load_report"]`` is a
        :class:`LoadReport`.

    Raises:
        InputError: a missing path, or (with ``errors="raise"``) an empty,
            binary or undecodable file, or a table without a text column.
        DateFormError: an ``issue_date`` in no form we read.

    Example:
        >>> articles = load_articles("data/raw")  # doctest: +SKIP
    """
    from analysis import dates
    from analysis.pages import articles_frame

    if errors not in ("raise", "warn"):
        raise ValueError(f"errors must be 'raise' or 'warn', not {errors!r}")
    if not paths:
        raise InputError("no input given: name at least one file or folder", problem="missing")
    if issue_date is not None:
        issue_date = dates.issue_timestamp(issue_date)
    report = LoadReport()
    files = list(input_files(paths, report, errors=errors))
    # (a tenth of the loader's time; not for tables, whose readers, openpyxl's
    # workbooks, leave cycles to the collector)
    text_only = all(_suffix(os.path.basename(p)).lower() in TEXT_SUFFIXES for p, _ in files)
    with _collector_paused(text_only):
        records: list[dict] = []
        iterator: Iterable = _read_ahead(files, os.getcwd())
        if progress:
            from analysis.progress import progress_bar

            iterator = progress_bar(iterator, total=len(files), desc="reading", unit="file")
        for path, key, shown, data in iterator:
            notes: list[str] = []
            try:
                if isinstance(data, InputError):
                    raise data  # (the file could not be read: its turn now)
                rows = _read_file(
                    path,
                    shown,
                    os.path.basename(path),
                    key=key,
                    issue_date=issue_date,
                    layout=layout,
                    keep_boilerplate=keep_boilerplate,
                    sheet=sheet,
                    notes=notes,
                    dayfirst=dayfirst,
                    data=data,
                )
            except InputError as exc:
                if errors == "raise":
                    raise
                report.skip(shown, str(exc))
                warnings.warn(f"skipped {exc}", stacklevel=2)
                continue
            report.loaded.append((shown, len(rows)))
            report.notes += [(shown, note) for note in notes]
            records.extend(rows)
        from analysis.select import mark_duplicates

        frame = mark_duplicates(articles_frame(records))
        # (the records freed while the collector is paused: else its first pass after goes
        # over every dict of them, ~0.07 s for 20,000 files)
        del records
    if frame["article_id"].duplicated().any():
        dup = frame.loc[frame["article_id"].duplicated(), "source"].iloc[0]
        logger.warning("duplicate articles (same file key and text), e.g. in %s", dup)
    # (set last: pandas deep-copies attrs, the report of every file, into each frame or
    # column it derives)
    frame.attrs["load_report"] = report
    return frame


def __getattr__(name: str):
    # analysis.pages' names this module offers, imported when first asked for
    if name == "ARTICLE_COLUMNS":
        from analysis.pages import ARTICLE_COLUMNS

        return ARTICLE_COLUMNS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ARTICLE_COLUMNS",
    "COLUMN_ALIASES",
    "FALLBACK_ALIASES",
    "LoadReport",
    "decode_bytes",
    "iter_input_files",
    "load_articles",
    "read_file",
    "read_text",
    "table_articles",
]
