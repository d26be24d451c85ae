"""Chinese text layer: tokens, dictionaries, stopwords, traditional -> simplified.

Two segmentation backends give the same tokens:

* ``"rjieba"`` (the default): the jieba-rs binding, several times faster;
* ``"jieba"``: the reference Python implementation.

Both load the same dictionaries, once per process:

1. jieba's own dictionary (built into both libraries);
2. the project dictionary ``analysis/data/project_dict.txt`` (policy words such as
   自立自强 or 专精特新, park name forms, government bodies, news organisations);
3. the gazetteer's names, from ``analysis.gazetteer.dictionary_terms()`` when that
   module is available;
4. the analyst's dictionaries, named in ``ANALYSIS_USER_DICT`` (see
   :func:`analysis.config.user_dictionaries`) or passed as ``user_dicts=``.

Dictionary files are read by :func:`read_dictionary`, not by jieba's loader, so a
UTF-8 BOM, CRLF line ends, blank lines, ``#`` comments and words containing ``·``
or ``-`` all work; a malformed line raises :class:`analysis.errors.InputError`
naming the file and line.

The configured tokenizers are cached per process. A forked worker reuses its
parent's tokenizer (nothing in it is tied to a thread or a file handle); a
spawned worker builds its own on first use.

Example:
    >>> import analysis
    >>> analysis.tokenize("康明斯与卓品智能在锡成立合资公司")
    ['康明斯', '与', '卓品智能', '在', '锡', '成立', '合资公司']
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis import config
from analysis.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa

logger = logging.getLogger(__name__)

BACKENDS = ("rjieba", "jieba")
"""Segmentation backends, the default first."""

PROJECT_DICTIONARY = config.PACKAGE_DATA_DIR / "project_dict.txt"
NEWS_STOPWORDS = config.PACKAGE_DATA_DIR / "stopwords_news.txt"
KEEP_WORDS = config.PACKAGE_DATA_DIR / "stopwords_keep.txt"

DEFAULT_FREQ = 20_000
"""Frequency given to a dictionary word listed without one (and to gazetteer names).

jieba's dictionary totals about 6.0e7 with 了 as its most frequent entry (8.8e5), so a
split of a word into two or more pieces scores at most ``6.0e7 * (8.8e5 / 6.0e7) ** 2
~ 1.3e4``: any frequency above that keeps the word whole. A fixed number (rather
than jieba's ``suggest_freq``) also keeps both backends identical.
"""

# Characters jieba puts in one block before looking words up; a dictionary word
# with any other character (such as "·" or a space) is matched by us, before
# segmentation, on both backends.
_BLOCK_CHARS = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
_TAG = re.compile(r"[A-Za-z]+")
_CJK = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0003134F]")
#: :data:`_CJK` in RE2's syntax (Arrow's regular expressions): ``\x{...}`` for ``\u...``.
_CJK_RE2 = re.sub(r"\\[uU]0*([0-9A-Fa-f]+)", r"\\x{\1}", _CJK.pattern)
_NUMERAL_CHARS = frozenset(
    "0123456789０１２３４５６７８９零〇一二三四五六七八九十百千万亿两几半.．,，%％"
)
_UNIT_CHARS = frozenset("年月日号时点分秒个家次届批项条名位人元岁周天期倍成余多第")

# jieba-rs keeps a latin/digit run such as "AEC-Q100" or "163.com" whole where
# jieba splits it at "-" and "."; the jieba backend rejoins such runs so the two
# backends agree.
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:[._\-][A-Za-z0-9]+)*%?")
_ASCII_PIECE = re.compile(r"[A-Za-z0-9._%\-]+")


# ----------------------------------------------------------------------------
# Dictionaries


@dataclass(frozen=True)
class _Entry:
    word: str
    freq: int | None
    tag: str | None


def _parse_dictionary(path: Path) -> tuple[_Entry, ...]:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError as err:
        raise InputError(
            f"dictionary file not found: {path}", path=path, problem="missing"
        ) from err
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(
            f"{path}: dictionary is not UTF-8 ({err.reason} at byte {err.start})",
            path=path,
            problem="encoding",
        ) from err
    entries = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word, rest = parts[0], parts[1:]
        freq = tag = None
        if len(rest) > 2:
            problem = f"expected 'word [freq] [tag]', got {len(parts)} fields"
        else:
            problem = None
            for field in rest:
                if field.isdigit() and freq is None and tag is None:
                    freq = int(field)
                elif _TAG.fullmatch(field) and tag is None:
                    tag = field
                else:
                    problem = f"{field!r} is neither a frequency (digits) nor a tag (letters)"
                    break
        if problem is None and freq == 0:
            problem = "frequency 0 would delete the word; leave the frequency out instead"
        if problem:
            raise InputError(
                f"{path}, line {lineno}: malformed dictionary line {line!r}: {problem}",
                path=path,
                problem="dictionary",
            )
        entries.append(_Entry(word, freq, tag))
    return tuple(entries)


def read_dictionary(path: str | os.PathLike) -> pd.DataFrame:
    """Read a dictionary file in jieba's ``word [freq] [tag]`` format.

    Unlike jieba's own loader this accepts a UTF-8 BOM, CRLF line ends, blank lines,
    ``#`` comment lines and words containing ``·`` or ``-``; fields are separated by
    spaces or tabs.

    Args:
        path: the dictionary file.

    Returns:
        One row per entry, in file order: ``word`` (str), ``freq`` (nullable Int64,
        missing when the line gives none; :data:`DEFAULT_FREQ` is used then) and
        ``tag`` (part-of-speech tag such as ``nt``, ``None`` when absent).

    Raises:
        InputError: the file is missing or not UTF-8, or a line is malformed (the
            message names the file and the line number).
    """
    entries = _parse_dictionary(Path(path))
    return pd.DataFrame(
        {
            "word": pd.Series([e.word for e in entries], dtype=object),
            "freq": pd.array([e.freq for e in entries], dtype="Int64"),
            "tag": pd.Series([e.tag for e in entries], dtype=object),
        }
    )


def _gazetteer_entries() -> tuple[_Entry, ...]:
    """Names the gazetteer wants kept whole; empty while that module is missing."""
    try:
        from analysis.gazetteer import dictionary_terms
    except (ImportError, AttributeError):
        logger.debug("analysis.gazetteer.dictionary_terms not available; no gazetteer names")
        return ()
    entries = []
    for item in dictionary_terms():
        word, tag = (item, None) if isinstance(item, str) else (item[0], item[1])
        word = str(word).strip()
        if word:
            entries.append(_Entry(word, None, tag or None))
    return tuple(entries)


def _file_signature(paths: Iterable[Path]) -> tuple:
    sig = []
    for p in paths:
        try:
            st = Path(p).stat()
            sig.append((str(p), st.st_mtime_ns, st.st_size))
        except OSError:
            sig.append((str(p), None, None))
    return tuple(sig)


def _dictionary_paths(user_dicts) -> tuple[Path, ...]:
    if user_dicts is None:
        extra: tuple[Path, ...] = ()
    elif isinstance(user_dicts, (str, os.PathLike)):
        extra = (Path(user_dicts),)
    else:
        extra = tuple(Path(p) for p in user_dicts)
    return (PROJECT_DICTIONARY, *config.user_dictionaries(), *extra)


# ----------------------------------------------------------------------------
# Segmenters


class _Segmenter:
    """One configured tokenizer: a backend with every dictionary added."""

    def __init__(self, backend: str, entries: Sequence[_Entry]):
        self.backend = backend
        special: dict[str, str] = {}
        if backend == "rjieba":
            import rjieba

            self._engine = rjieba.Jieba()
        else:
            import jieba

            self._engine = jieba.Tokenizer()
            self._engine.initialize()
        self._pos = None
        # jieba-rs keeps the old tag when add_word meets a word it already has
        self._retag: dict[str, str] = {}
        for e in entries:
            freq = e.freq if e.freq is not None else DEFAULT_FREQ
            if _BLOCK_CHARS.fullmatch(e.word):
                if e.tag and backend == "rjieba" and self._engine.has_word(e.word):
                    self._retag[e.word] = e.tag
                self._engine.add_word(e.word, freq, e.tag)
            else:
                special[e.word] = e.tag or "nz"
        self._special = special
        self._special_re = (
            re.compile("(" + "|".join(map(re.escape, sorted(special, key=len, reverse=True))) + ")")
            if special
            else None
        )

    # -- plain tokens
    def _cut_plain(self, text: str) -> list[str]:
        if self.backend == "rjieba":
            return self._engine.cut(text, True)
        return _join_ascii_runs(self._engine.lcut(text, HMM=True))

    def cut_with_spaces(self, text: str) -> list[str]:
        """The tokens, whitespace tokens included."""
        if self._special_re is None:
            return self._cut_plain(text)
        tokens = []
        for i, piece in enumerate(self._special_re.split(text)):
            if i % 2:
                tokens.append(piece)
            elif piece:
                tokens.extend(self._cut_plain(piece))
        return tokens

    def cut(self, text: str) -> list[str]:
        return [t for t in self.cut_with_spaces(text) if not t.isspace()]

    def cut_many(self, texts: Sequence[str]) -> pa.ListArray:
        """:meth:`cut` of each text, as an Arrow list array.

        The hot loop of the tokens stage: no Python object is kept per token. Each
        text's tokens are joined into one string with a separator found in none of
        the texts, and Arrow splits them again (``split_pattern``); the whitespace
        tokens are dropped in Arrow too (``utf8_is_space``, which holds for exactly
        the strings ``str.isspace`` holds for).
        """
        import pyarrow as pa

        # in chunks: the joined strings of a chunk stay small
        chunks = [self._cut_chunk(texts[i : i + 256]) for i in range(0, len(texts), 256)]
        return pa.concat_arrays(chunks) if chunks else self._cut_chunk([])

    def _cut_chunk(self, texts: Sequence[str]) -> pa.ListArray:
        import pyarrow as pa
        import pyarrow.compute as pc

        sep = None
        if self.backend == "rjieba" and getattr(_IN_CHUNKS, "on", False):
            # (:func:`cut_in_chunks`: rjieba cuts the whole chunk in one call, and lets
            # the other threads run all the while)
            sep = _cut_separator(texts, self._special)
        cut = None
        if sep is not None:
            # the texts joined by a character that jieba cuts off as a token of its own:
            # every text is cut as it is alone
            flat = pa.array(self.cut_with_spaces(sep.join(texts)), pa.string())
            ends = pc.equal(flat, sep)
            at = np.flatnonzero(ends.to_numpy(zero_copy_only=False))
            if len(at) == len(texts) - 1:
                cut = flat, np.concatenate(([0], at + 1, [len(flat)])), ends
        if cut is None:
            # each text's tokens joined by a character none has, split again in Arrow
            sep = _separator(texts)
            joined = pa.array([sep.join(self.cut_with_spaces(t)) for t in texts], pa.string())
            tokens = pc.split_pattern(joined, sep)
            cut = tokens.values, tokens.offsets.to_numpy(), None
        flat, starts, ends = cut
        # (an empty text splits into one empty string: dropped with the whitespace)
        keep = pc.and_(pc.invert(pc.utf8_is_space(flat)), pc.not_equal(flat, ""))
        if ends is not None:
            keep = pc.and_(keep, pc.invert(ends))
        kept_before = np.concatenate(([0], np.cumsum(keep.to_numpy(zero_copy_only=False))))
        offsets = kept_before[starts]
        return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), flat.filter(keep))

    # -- (token, tag) pairs
    def _tag_plain(self, text: str) -> list[tuple[str, str]]:
        if self.backend == "rjieba":
            pairs = self._engine.tag(text, True)
            if self._retag:
                retag = self._retag
                pairs = [(w, retag.get(w, t)) for w, t in pairs]
            return pairs
        if self._pos is None:
            import jieba.posseg

            self._pos = jieba.posseg.POSTokenizer(self._engine)
        pairs = [(p.word, p.flag) for p in self._pos.lcut(text, HMM=True)]
        return _join_ascii_pairs(pairs)

    def tag(self, text: str) -> list[tuple[str, str]]:
        if self._special_re is None:
            pairs = self._tag_plain(text)
        else:
            pairs = []
            for i, piece in enumerate(self._special_re.split(text)):
                if i % 2:
                    pairs.append((piece, self._special[piece]))
                elif piece:
                    pairs.extend(self._tag_plain(piece))
        return [(w, t) for w, t in pairs if not w.isspace()]


def _separator(texts: Sequence[str]) -> str:
    """A character found in none of the texts (so in none of their tokens): ``"\\0"``
    unless a text has one."""
    for code in range(0x110000):
        sep = chr(code)
        if not any(sep in t for t in texts):
            return sep
    raise ValueError("the texts use every character")  # pragma: no cover


#: Per thread: whether rjieba cuts a chunk of texts in one call (:func:`cut_in_chunks`).
_IN_CHUNKS = threading.local()


def cut_in_chunks() -> None:
    """From now on, this thread's cuts take a chunk of texts per rjieba call, not a text:
    for a thread that cuts beside other Python work (the build's stages, with a spare
    CPU), where text by text it would wait its turn for the GIL after every text.
    Elsewhere text by text costs less. The tokens are the same either way."""
    _IN_CHUNKS.on = True


def _cut_separator(texts: Sequence[str], words: Iterable[str]) -> str | None:
    """A character found in none of the texts nor the words that jieba cuts off as a
    token of its own, whatever stands beside it: a control character that is not
    whitespace (``"\\0"`` first), else a private-use one; None if the texts have them
    all."""
    for code in (*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F, *range(0xE000, 0xF900)):
        sep = chr(code)
        if not any(sep in t for t in texts) and not any(sep in w for w in words):
            return sep
    return None


def _join_ascii_runs(tokens: list[str]) -> list[str]:
    """Rejoin latin/digit pieces the way jieba-rs keeps them (``AEC-Q100``)."""
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        j = i
        while j < n and _ASCII_PIECE.fullmatch(tokens[j]):
            j += 1
        if j - i < 2:
            out.append(tokens[i])
            i += 1
            continue
        k = i
        while k < j:  # greedy: the longest run of pieces that forms one latin word
            end = k + 1
            for m in range(j, k + 1, -1):
                if _ASCII_WORD.fullmatch("".join(tokens[k:m])):
                    end = m
                    break
            out.append("".join(tokens[k:end]))
            k = end
        i = j
    return out


def _ascii_tag(word: str) -> str:
    alnum = sum(c.isascii() and c.isalnum() for c in word)
    digits = sum(c.isascii() and c.isdigit() for c in word)
    return "x" if alnum == 0 else ("m" if alnum == digits else "eng")


def _join_ascii_pairs(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    words = [w for w, _ in pairs]
    joined = _join_ascii_runs(words)
    if len(joined) == len(words):
        return pairs
    tags = dict(pairs)
    return [(w, tags[w]) if w in tags else (w, _ascii_tag(w)) for w in joined]


_LOCK = threading.Lock()
_SEGMENTERS: dict[tuple, _Segmenter] = {}


def _reset_lock_after_fork() -> None:
    # A lock held by another thread at fork time would stay held forever in the
    # child; the cached segmenters themselves are plain memory and stay valid.
    global _LOCK
    _LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_lock_after_fork)


def _resolve_backend(backend: str | None) -> str:
    if backend is None:
        try:
            import rjieba  # noqa: F401
        except ImportError:  # pragma: no cover - rjieba is a core dependency
            logger.warning("rjieba is not installed; falling back to the slower jieba backend")
            return "jieba"
        return "rjieba"
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    return backend


def get_segmenter(backend: str | None = None, user_dicts=None) -> _Segmenter:
    """The cached tokenizer for a backend and set of dictionaries (built on first use).

    The cache key holds the dictionary files' paths, modification times and sizes
    and the gazetteer setting, so an edited dictionary is picked up on the next call.
    """
    backend = _resolve_backend(backend)
    paths = _dictionary_paths(user_dicts)
    key = (backend, _file_signature(paths), _file_signature(config.user_gazetteers()))
    seg = _SEGMENTERS.get(key)
    if seg is not None:
        return seg
    with _LOCK:
        seg = _SEGMENTERS.get(key)
        if seg is None:
            entries = [e for p in paths[:1] for e in _parse_dictionary(p)]
            entries += _gazetteer_entries()
            entries += [e for p in paths[1:] for e in _parse_dictionary(p)]
            logger.info(
                "building %s tokenizer with %d dictionary entries from %d file(s)",
                backend,
                len(entries),
                len(paths),
            )
            seg = _Segmenter(backend, entries)
            _SEGMENTERS[key] = seg
    return seg


def clear_cache() -> None:
    """Forget the cached tokenizers, stopwords and converters (mainly for tests)."""
    with _LOCK:
        _SEGMENTERS.clear()
    _base_stopwords.cache_clear()
    _protected_words.cache_clear()
    _converter.cache_clear()


# ----------------------------------------------------------------------------
# Traditional -> simplified


@functools.lru_cache(maxsize=4)
def _converter(conversion: str):
    import opencc

    try:
        return opencc.OpenCC(conversion)
    except Exception as err:  # opencc raises its own error types for unknown configs
        raise ValueError(f"unknown OpenCC conversion {conversion!r}") from err


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _map_texts(texts, func, empty):
    """Apply ``func`` to a str, a list of str or a Series of str, keeping the shape."""
    if isinstance(texts, str):
        return func(texts)
    if isinstance(texts, pd.Series):
        values = [empty() if _is_missing(v) else func(_check_str(v)) for v in texts]
        return pd.Series(values, index=texts.index, name=texts.name, dtype=object)
    if isinstance(texts, (list, tuple)):
        return [empty() if _is_missing(v) else func(_check_str(v)) for v in texts]
    if _is_missing(texts):
        return empty()
    raise InputError(
        f"expected a str, a list of str or a pandas Series, got {type(texts).__name__}",
        problem="type",
    )


def _check_str(value) -> str:
    if not isinstance(value, str):
        raise InputError(f"expected text, got {type(value).__name__} {value!r}", problem="type")
    return value


def to_simplified(texts, conversion: str = "t2s"):
    """Convert traditional Chinese to simplified with OpenCC.

    Args:
        texts: a str, a list of str or a pandas Series (missing values stay missing).
        conversion: an OpenCC configuration; ``"t2s"`` (default), ``"tw2s"``,
            ``"hk2s"``, ``"tw2sp"`` (with Taiwan phrases) ...

    Returns:
        The same shape as ``texts``: a str, a list or a Series with the same index.

    Example:
        >>> to_simplified("無錫高新區")
        '无锡高新区'
    """
    conv = _converter(conversion)
    return _map_texts(texts, conv.convert, lambda: None)


# ----------------------------------------------------------------------------
# Tokenize


def tokenize(
    texts,
    *,
    pos: bool = False,
    backend: str | None = None,
    convert: str | None = None,
    user_dicts=None,
):
    """Segment Chinese text into tokens (optionally with part-of-speech tags).

    Whitespace is not returned as tokens; punctuation is (drop it, and stopwords,
    with :func:`content_tokens`).

    Args:
        texts: a str, a list of str, or a pandas Series of str. Missing values
            (``None``, NaN) give an empty token list.
        pos: return ``(token, tag)`` pairs instead of tokens. With ``"rjieba"`` the
            tokens are exactly those of ``pos=False``; with ``"jieba"`` the tags come
            from ``jieba.posseg``, whose segmentation can differ in a few places.
        backend: ``"rjieba"`` (default) or ``"jieba"`` (the reference). Both give
            the same tokens on Chinese text.
        convert: an OpenCC conversion applied first, e.g. ``"t2s"`` to read
            traditional Chinese; ``None`` (default) leaves the text alone.
        user_dicts: extra dictionary file(s) in jieba's format, added after the
            project dictionary, the gazetteer and ``ANALYSIS_USER_DICT``.

    Returns:
        Aligned with the input: a str gives a list of tokens; a list gives a list
        of lists; a Series gives a Series of lists with the same index and name.

    Raises:
        InputError: a dictionary file is missing or malformed, or an element of
            ``texts`` is not text.
    """
    seg = get_segmenter(backend, user_dicts)
    func = seg.tag if pos else seg.cut
    if convert:
        conv = _converter(convert)
        cut = func

        def func(text: str):
            return cut(conv.convert(text))

    return _map_texts(texts, func, list)


def _article_texts(articles: pd.DataFrame) -> list[str]:
    """``title + "\\n" + body`` of every article (a missing title or body counts as empty)."""
    missing = [c for c in ("article_id", "title", "body") if c not in articles.columns]
    if missing:
        raise InputError(f"articles table lacks column(s) {', '.join(missing)}", problem="columns")
    # each column read once as Python objects, a missing value blanked as it is met (not
    # fillna, which copies the whole column, nor astype(object), which decodes it twice)
    titles, bodies = (
        ["" if _is_missing(v) else v for v in articles[col].tolist()] for col in ("title", "body")
    )
    return [f"{title}\n{body}" for title, body in zip(titles, bodies, strict=True)]


def tokens_table(
    articles: pd.DataFrame,
    *,
    pos: bool = False,
    backend: str | None = None,
    convert: str | None = None,
    user_dicts=None,
) -> pd.DataFrame:
    """Tokens of every article, for caching (e.g. as Parquet) and for :func:`keywords`.

    Args:
        articles: the articles table (needs ``article_id``, ``title``, ``body``;
            a missing title or body counts as empty).
        pos: also return part-of-speech tags.
        backend, convert, user_dicts: as in :func:`tokenize`.

    Returns:
        One row per article, in the order of ``articles``, with a fresh index:

        * ``article_id``: the article's id;
        * ``tokens``: list of str, the tokens of ``title + "\\n" + body``
          (whitespace dropped, punctuation and stopwords kept);
        * ``tags`` (only with ``pos=True``): list of str, one tag per token.

        The list columns are Arrow list columns (``pd.ArrowDtype``): each cell reads
        as a Python list, and the column takes a fraction of the memory.

    Raises:
        InputError: a required column is missing.
    """
    import pyarrow as pa

    # a view without attrs (a loaded table's load report): no deep copy of them per column
    articles = pd.DataFrame(articles, copy=False)
    texts = _article_texts(articles)
    out = pd.DataFrame({"article_id": articles["article_id"].to_numpy()})
    lists = pd.ArrowDtype(pa.list_(pa.string()))
    if pos:
        result = tokenize(texts, pos=pos, backend=backend, convert=convert, user_dicts=user_dicts)
        for col, at in (("tokens", 0), ("tags", 1)):
            values = pa.array([[p[at] for p in pairs] for pairs in result], lists.pyarrow_dtype)
            out[col] = pd.Series(values, dtype=lists)
    else:
        if convert:
            texts = [_converter(convert).convert(t) for t in texts]
        seg = get_segmenter(backend, user_dicts)
        out["tokens"] = pd.Series(seg.cut_many(texts), dtype=lists)
    return out


# ----------------------------------------------------------------------------
# Stopwords


def _read_word_list(path: Path) -> set[str]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise InputError(f"stopword file not found: {path}", path=path, problem="missing") from err
    except UnicodeDecodeError as err:
        raise InputError(
            f"{path}: stopword file is not UTF-8", path=path, problem="encoding"
        ) from err
    words = set()
    for line in text.splitlines():
        word = line.strip().lstrip("\ufeff")
        if word and not word.startswith("#"):
            words.add(word)
    return words


@functools.lru_cache(maxsize=1)
def _protected_words() -> frozenset[str]:
    """Words no packaged stopword list may remove: dictionary terms and the keep list."""
    words = {e.word for e in _parse_dictionary(PROJECT_DICTIONARY)}
    words |= {e.word for e in _gazetteer_entries()}
    words |= _read_word_list(KEEP_WORDS)
    return frozenset(words)


@functools.lru_cache(maxsize=1)
def _base_stopwords() -> frozenset[str]:
    import stopwordsiso

    words = set(stopwordsiso.stopwords("zh")) | _read_word_list(NEWS_STOPWORDS)
    return frozenset(words - _protected_words())


def stopwords(extra: Iterable[str] | str | os.PathLike | None = None) -> set[str]:
    """The stopword set in force.

    Made of stopwordsiso's Chinese list and the package's news list
    (``stopwords_news.txt``: 本报讯, 记者, 表示, 近日, ...), less the project
    dictionary, the gazetteer's names and ``stopwords_keep.txt`` (words such as 替代
    that the maintained list drops but our analyses need); plus, always, the
    analyst's files named in ``ANALYSIS_STOPWORDS`` and ``extra``.

    Numbers, dates, punctuation, single characters and latin/digit tokens are
    dropped by rule (see :func:`is_content_token`), not listed here.

    Args:
        extra: more stopwords: an iterable of words, or the path of a file with one
            word per line.

    Returns:
        A new set of str (safe to modify).
    """
    words = set(_base_stopwords())
    for path in config.user_stopwords():
        words |= _read_word_list(path)
    if extra is not None:
        if isinstance(extra, (str, os.PathLike)) and Path(extra).is_file():
            words |= _read_word_list(Path(extra))
        elif isinstance(extra, str):
            words.add(extra)
        else:
            words |= {str(w).strip() for w in extra if str(w).strip()}
    return words


def _is_number(token: str) -> bool:
    body = token[1:] if token.startswith("第") else token
    if not body or body[0] not in _NUMERAL_CHARS:
        return False
    return all(c in _NUMERAL_CHARS or c in _UNIT_CHARS for c in body)


def is_content_token(token: str, stop: set[str] | frozenset[str] = frozenset()) -> bool:
    """Whether a token can be a keyword: the default rules in one predicate.

    A token is dropped when it is in ``stop``, is a single character, has no
    Chinese character (punctuation, numbers in digits, latin words such as
    ``CEO``, ``G60``), or is a number or date written with numerals and units
    (八月, 2023年, 8月8日, 第二届, 十分).
    """
    return (
        len(token) > 1
        and token not in stop
        and _CJK.search(token) is not None
        and not _is_number(token)
    )


def content_token_mask(words, stop: set[str] | frozenset[str] = frozenset()) -> np.ndarray:
    """:func:`is_content_token` of every word of an Arrow string array, in Arrow
    (the same rules as regular expressions over the whole array; a vocabulary of
    100,000 words in a few milliseconds instead of a Python call per word)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    words = words if isinstance(words, pa.Array | pa.ChunkedArray) else pa.array(words, pa.string())
    numerals = "".join(sorted(_NUMERAL_CHARS))
    units = "".join(sorted(_UNIT_CHARS))
    number = f"^第?[{re.escape(numerals)}][{re.escape(numerals + units)}]*$"
    keep = pc.and_(
        pc.and_(
            pc.greater(pc.utf8_length(words), 1),
            pc.invert(pc.is_in(words, value_set=pa.array(sorted(stop), pa.string()))),
        ),
        pc.and_(
            pc.match_substring_regex(words, _CJK_RE2),
            pc.invert(pc.match_substring_regex(words, number)),
        ),
    )
    return pc.fill_null(keep, False).to_numpy(zero_copy_only=False).astype(bool)


def content_tokens(tokens, *, extra_stopwords=None):
    """Drop stopwords, numbers, dates, punctuation, single characters and latin tokens.

    Args:
        tokens: a list of str, or a list / Series of such lists.
        extra_stopwords: more stopwords, as in :func:`stopwords`.

    Returns:
        The same shape, with only content tokens kept.
    """
    stop = stopwords(extra_stopwords)
    memo: dict[str, bool] = {}

    def keep(tok: str) -> bool:
        ok = memo.get(tok)
        if ok is None:
            ok = memo[tok] = is_content_token(tok, stop)
        return ok

    def filt(toks):
        return [t for t in toks if keep(t)]

    if isinstance(tokens, pd.Series):
        return tokens.map(filt)
    if tokens and not isinstance(tokens[0], str):
        return [filt(t) for t in tokens]
    return filt(tokens)
