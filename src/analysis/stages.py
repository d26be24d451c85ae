"""The per-file stages of the build, shared by both engines.

Each input file goes through the per-article stages independently (articles →
tokens → mentions → events), in batches (:func:`process_batch_tables`); the
batches come from the cache (:mod:`analysis.cache`) or are processed, on one or
many cores (:func:`run_local`); :class:`Assembler` puts the files' rows together
in input order. Keywords, which need the whole corpus, are computed at the end
from the batches' term counts (:func:`keywords_table`). The tables are Arrow
tables of fixed schemas (:func:`table_schema`), the same for every build.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import config
from analysis.cache import read_batch, read_cache_index, write_cache
from analysis.errors import InputError
from analysis.sources import (
    LoadReport,
    _collector_paused,
    _read_ahead,
    _read_file,
    _shown,
    read_bytes,
)

if TYPE_CHECKING:  # imported where they are used: a build with nothing changed needs none
    import pandas as pd
    import pyarrow as pa

    from analysis.keyterms import TermCounts
    from analysis.publish import TableStream

logger = logging.getLogger(__name__)

#: The per-file tables, in the order they are made.
FILE_TABLES = ("articles", "tokens", "mentions", "events")
#: Every table the build writes.
TABLES = (*FILE_TABLES, "keywords")
#: The articles' term counts (``terms.arrow``, an Arrow IPC file), beside the tables: the
#: content tokens the keywords counted, one row per article (``article_id``, ``terms``,
#: ``counts``; :meth:`analysis.keyterms.TermCounts.to_arrow`), so that the report's
#: keywords and word cloud need not count the tokens again. Not one of :data:`TABLES`:
#: tables of an older build lack it (the report then counts the tokens).
TERMS = "terms"
#: Tables also written as CSV (tokens are only useful as Parquet).
CSV_TABLES = ("articles", "mentions", "events", "keywords")
_CACHE_FORMAT = 7
_BATCH_FILES = 512
# the smallest batch of the end of a build on several workers: a batch costs ~25 ms
# whatever its size (each stage's call), and a one-article file ~0.6 ms more
_TAIL_FILES = 32


@dataclass
class BuildOptions:
    """What the build does with each input (part of the cache key)."""

    issue_date: str | None = None
    layout: str = "auto"
    keyword_top: int = 20
    sheet: str | None = None  # the one sheet of workbooks to read (None: every sheet)
    dayfirst: bool = False  # a table's 09/08/2023 is 9 August
    # keep duplicate articles in keywords and event counts (decided over the whole
    # corpus after the files are processed: not part of the cache key)
    keep_duplicates: bool = False

    def key(self) -> dict:
        return {
            "issue_date": self.issue_date,
            "layout": self.layout,
            "top": self.keyword_top,
            "sheet": self.sheet,
            "dayfirst": self.dayfirst,
        }


# --------------------------------------------------------------------------- stages
def process_frames(
    articles: pd.DataFrame, *, link_by: str | None = None, tokens=None
) -> dict[str, pd.DataFrame]:
    """The per-article stages on an articles table: tokens, mentions, events.

    ``link_by`` is passed to :func:`analysis.find_mentions`; the build uses
    ``"source"`` so that company short forms are linked within each input file
    and the tables do not depend on how files are batched. ``tokens``: a function
    that returns the articles' :func:`analysis.tokens_table` when it is made elsewhere
    (:func:`process_batch_tables` makes it with the term counts and the duplicate keys);
    else made here.
    """
    from analysis.events import find_events
    from analysis.mentions import find_mentions
    from analysis.text import tokens_table

    # rjieba cuts without the GIL: with a spare CPU, the tokens are cut there while the
    # mentions and events are found here
    with nullcontext(tokens) if tokens else _beside(tokens_table, articles) as tokens:
        mentions = find_mentions(articles, link_by=link_by)
        events = find_events(articles, mentions)
    tables = {"articles": articles, "tokens": tokens(), "mentions": mentions, "events": events}
    return {name: _arrow_lists(name, frame) for name, frame in tables.items()}


@contextmanager
def _beside(func, *args, **kwargs):
    """``func(*args, **kwargs)`` run elsewhere while the block runs when a CPU is spare
    (:func:`_spare_cpu`): by the build's side process when it has one
    (:func:`_side_process`), else by another thread; with no spare CPU, here before the
    block. The block gets a function that returns its value (or raises its error), to
    call inside or after the block."""
    from analysis.text import cut_in_chunks

    spare = _spare_cpu()
    future = _submit(_SIDE.executor, func, *args, **kwargs) if spare else None
    if future is not None:
        yield _side_value(future, func, *args, **kwargs)
        return
    if not spare:
        value = func(*args, **kwargs)
        yield lambda: value
        return
    # (the thread cuts tokens a chunk at a time: text by text it would wait for the GIL)
    with ThreadPoolExecutor(max_workers=1, initializer=cut_in_chunks) as thread:
        yield thread.submit(func, *args, **kwargs).result


def _made_beside(articles: pd.DataFrame):
    """What a batch makes from its articles alone, beside its mentions and events: the
    tokens table, the keywords' term counts of its content tokens (the only ones
    keywords count: the build's keywords take no extra stopwords), and the articles'
    :func:`duplicate_keys_table`."""
    from analysis.keyterms import TermCounts
    from analysis.text import tokens_table

    tokens = tokens_table(articles)
    terms = TermCounts.from_tokens(tokens["tokens"], content=True)
    return tokens, terms, duplicate_keys_table(articles)


class _Side(threading.local):
    """The process this thread's build does its work beside in (:func:`_side_process`)."""

    executor: ProcessPoolExecutor | None = None


_SIDE = _Side()


@contextmanager
def _side_process(use: bool = True):
    """Within, the work done beside (:func:`_beside`: the tokens, a batch's term counts)
    goes to a process of its own, forked here, when ``use``, a CPU is spare and forking
    is safe (no other thread yet, as for the build's pool); else, within, nothing
    changes.

    A thread beside runs without the GIL only while rjieba cuts: rjieba makes its
    tokens' strings with it, about half of its time, and the main thread waits that
    long (1.6 s of a one-job build of 10.5 M characters of real news). A process never
    waits for another's GIL: the tokens and counts come back as Arrow arrays, the same.
    """
    import multiprocessing as mp

    if not (use and _SIDE.executor is None and _spare_cpu() and _can_fork()):
        yield
        return
    executor = ProcessPoolExecutor(
        max_workers=1,
        mp_context=mp.get_context("fork"),
        initializer=_leave_interrupts_to_the_parent,
    )
    try:
        # forked now, while this process runs one thread (the executor's own thread
        # starts after the fork)
        executor.submit(os.getpid).result()
    except BrokenProcessPool:  # pragma: no cover - could not fork (out of memory)
        executor.shutdown(wait=False)
        yield
        return
    _SIDE.executor = executor
    try:
        yield
    finally:
        _SIDE.executor = None
        executor.shutdown(wait=True, cancel_futures=True)


def _can_fork() -> bool:
    """Whether this process may fork workers now: it can, and runs one thread (a child
    would copy the other threads' locks, maybe held, but not the threads)."""
    import multiprocessing as mp

    return "fork" in mp.get_all_start_methods() and threading.active_count() == 1


def _submit(executor: ProcessPoolExecutor | None, func, *args, **kwargs) -> Future | None:
    """``func(*args, **kwargs)`` handed to the side process; None if there is none or
    it is gone (the work is then done by a thread or here, and no longer by the side)."""
    if executor is None:
        return None
    try:
        return executor.submit(func, *args, **kwargs)
    except (BrokenProcessPool, RuntimeError):
        _SIDE.executor = None
        return None


def _side_value(future: Future, func, *args, **kwargs):
    """A function that returns what the side process made of ``func(*args, **kwargs)``,
    or, if it died before it answered (killed, out of memory), the same made here, once.
    """
    made = []

    def value():
        if not made:
            try:
                made.append(future.result())
            except BrokenProcessPool:
                logger.warning("the side process of the build stopped: its work goes on here")
                _SIDE.executor = None
                made.append(func(*args, **kwargs))
        return made[0]

    return value


def _spare_cpu() -> bool:
    """Whether this process may use a second CPU for work beside its own (the tokens,
    a batch's term counts: :func:`_beside`): it may run on more than one, and is not a
    worker of a build's pool (the workers fill the CPUs)."""
    import multiprocessing as mp

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cpus or 1) > 1 and mp.parent_process() is None


def _arrow_lists(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """List columns as Arrow lists: each cell is still a Python list when read, but the
    column takes a fraction of the memory of a column of list objects."""
    import pandas as pd
    import pyarrow as pa

    for col in LIST_COLUMNS.get(name, ()):
        if col in frame.columns and not isinstance(frame[col].dtype, pd.ArrowDtype):
            frame[col] = pd.Series(
                pa.array(frame[col].tolist(), type=pa.list_(pa.string())),
                dtype=pd.ArrowDtype(pa.list_(pa.string())),
                index=frame.index,
            )
    return frame


@dataclass
class BatchResult:
    """The tables of a batch of inputs, with each file's rows as a range of every table.

    The tables are Arrow tables of the build's schemas (:func:`table_schema`): they are
    cached, sliced, concatenated and written without a pandas round trip.
    """

    tables: dict[str, pa.Table]
    bounds: dict[str, list[int]]  # table -> n_files + 1 row offsets
    errors: dict[int, str]
    terms: TermCounts  # every token's count in every article (rows as in "tokens")
    notes: dict[int, list[str]] = field(default_factory=dict)  # what a file left out
    # what the duplicates pass compares of each article (rows as in "articles"):
    # :func:`duplicate_keys_table`
    keys: pa.Table | None = None
    # each file's :func:`input_digest` (None: the file could not be read)
    digests: list[str | None] = field(default_factory=list)


def process_batch_tables(
    batch: Sequence[tuple[str, str]],
    options: BuildOptions,
    digests: Sequence[str | None] | None = None,
) -> BatchResult:
    """The tables of a batch of inputs, processed together (one call per stage).

    Every stage works article by article (short forms are linked within each
    file), so the rows of a file do not depend on the other files of its batch.
    ``digests``: each file's :func:`input_digest` when known; a file's that is not
    (None) is made from the bytes read here, so that a build that processes every
    input reads each once (the result's ``digests``).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from analysis.keyterms import TermCounts
    from analysis.pages import articles_frame

    per_file: list[list[dict]] = []
    errors: dict[int, str] = {}
    notes: dict[int, list[str]] = {}
    digests = list(digests) if digests is not None else [None] * len(batch)
    # text files read a run at a time before they are parsed (as the loader does), and
    # hashed here when their digest is not known: each is read once
    for i, (path, key, shown, data) in enumerate(_read_ahead(batch, os.getcwd())):
        said: list[str] = []
        try:
            if isinstance(data, InputError):
                raise data
            if digests[i] is None:
                digests[i] = input_digest(read_bytes(path) if data is None else data, key)
            per_file.append(
                _read_file(  # (read_file, given the path as shown, worked out once above)
                    path,
                    shown,
                    os.path.basename(path),
                    key=key,
                    keep_boilerplate=False,
                    issue_date=options.issue_date,
                    layout=options.layout,
                    sheet=options.sheet,
                    notes=said,
                    dayfirst=options.dayfirst,
                    data=data,
                )
            )
        except InputError as exc:
            errors[i] = str(exc)
            per_file.append([])
        if said:
            notes[i] = said
    articles = articles_frame([r for records in per_file for r in records])
    if not articles["article_id"].is_unique and len(batch) > 1:
        # the same file twice under one name in two input folders: keep them apart, in
        # runs of files whose articles' ids are distinct (not file by file: each call
        # of the stages has a fixed cost)
        runs = _distinct_runs(batch, per_file)
        parts, first = [], 0
        for run in runs:
            parts.append(process_batch_tables(run, options, digests[first : first + len(run)]))
            first += len(run)
        tables = {t: pa.concat_tables([p.tables[t] for p in parts]) for t in FILE_TABLES}
        bounds: dict[str, list[int]] = {t: [0] for t in tables}
        errs, said = {}, {}
        first = 0  # the run's first file in the batch
        for run, part in zip(runs, parts, strict=True):
            for t in tables:
                bounds[t] += [bounds[t][-1] + b for b in part.bounds[t][1:]]
            errs.update({first + j: e for j, e in part.errors.items()})
            said.update({first + j: n for j, n in part.notes.items()})
            first += len(run)
        terms = TermCounts.concat([(p.terms, 0, p.terms.counts.shape[0]) for p in parts])
        keys = pa.concat_tables([p.keys for p in parts])
        return BatchResult(tables, bounds, errs, terms, said, keys, digests)
    # the keywords' term counts are made here, in the workers, and only merged at the end;
    # made with the tokens and the duplicate keys, beside the mentions and events when a
    # CPU is spare
    with _beside(_made_beside, articles) as made:
        tables = process_frames(articles, link_by="source", tokens=lambda: made()[0])
        _, terms, keys = made()
    file_of = np.repeat(np.arange(len(batch)), [len(records) for records in per_file])
    # (looked up in Arrow, not as Python strings; typed: an empty column is of no type)
    article_ids = pa.array(articles["article_id"], pa.large_string())
    bounds = {}
    for name, frame in tables.items():
        ids = pa.array(frame["article_id"], pa.large_string())
        found = pc.index_in(ids, value_set=article_ids)
        at = found.fill_null(-1).to_numpy()
        if (at < 0).any():
            raise RuntimeError(f"{name} has rows of articles not in the articles table")
        owner = file_of[at]
        if len(owner) and (np.diff(owner) < 0).any():
            raise RuntimeError(f"{name} rows are not in article order")
        bounds[name] = np.searchsorted(owner, np.arange(len(batch) + 1)).tolist()
    arrow = {name: to_arrow(frame, table_schema(name)) for name, frame in tables.items()}
    return BatchResult(arrow, bounds, errors, terms, notes, keys, digests)


def duplicate_keys_table_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema([("title", pa.string()), ("sentences", pa.list_(pa.string()))])


def duplicate_keys_table(articles: pd.DataFrame) -> pa.Table:
    """The articles' :func:`analysis.select.duplicate_keys` as an Arrow table (``title``,
    ``sentences``; null for a row that is not an article): made in the workers, article
    by article, so that the duplicates pass over the whole corpus only compares them."""
    import pyarrow as pa

    from analysis.select import duplicate_key_arrays

    schema = duplicate_keys_table_schema()
    columns = [a.cast(f.type) for a, f in zip(duplicate_key_arrays(articles), schema, strict=True)]
    return pa.table(columns, schema=schema)


def _distinct_runs(batch: Sequence, per_file: list[list[dict]]) -> list[list]:
    """The batch cut into runs of consecutive files whose articles' ids are distinct (a
    file repeating an id within itself is a run alone)."""
    runs: list[list] = []
    seen: set[str] = set()
    closed = True  # the next file starts a run
    for item, records in zip(batch, per_file, strict=True):
        ids = {r["article_id"] for r in records}
        alone = len(ids) < len(records)
        if closed or alone or not seen.isdisjoint(ids):
            runs.append([])
            seen = set()
        runs[-1].append(item)
        seen |= ids
        closed = alone
    return runs


def use_system_allocator() -> None:
    """Arrow's buffers from now on from the system's allocator (``malloc``), not from the
    mimalloc that pyarrow's wheels bundle and take by default, unless the user chose a
    pool (pyarrow's environment variable ``ARROW_DEFAULT_MEMORY_POOL``) or another pool
    is in use; and, with glibc, the memory ``malloc`` frees kept for reuse
    (:func:`_keep_freed_memory`). Only where new buffers come from changes, never what
    they hold.

    The build makes and drops many large buffers (each batch's tables, the tail's
    hashing): mimalloc takes fresh memory from the system for them, and its page faults
    were ~0.7 s of system time in a one-job build of 10.5 M characters of real news
    (19,876 files; 1.6-1.8 s against 0.9-1.1 s with ``malloc``), the whole build on one
    CPU 11.3-12.0 s against 10.7-10.9 s, its peak memory ~100 MB higher
    (``benchmarks/README.md``, developer session 12). :func:`analysis.pipeline.build`
    calls this when it processes inputs (a build with nothing changed imports no
    pyarrow), ``analysis report`` before it reads the tables; forked workers inherit
    the pool, clean ones (forkserver, spawn) call this first (:func:`_start_worker`).
    """
    import pyarrow as pa

    _keep_freed_memory()
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    if pa.default_memory_pool().backend_name == "mimalloc":
        pa.set_memory_pool(pa.system_memory_pool())
        logger.debug("Arrow's memory pool: the system allocator")


#: What :func:`_keep_freed_memory` sets with glibc's ``mallopt`` (parameters of
#: ``malloc.h``): blocks up to 32 MiB from the heap, not each from its own ``mmap``
#: (M_MMAP_THRESHOLD, -3; 32 MiB is its largest value); the heap's free top kept up to
#: 256 MiB (M_TRIM_THRESHOLD, -1), and grown 64 MiB at a time (M_TOP_PAD, -2).
MALLOPT_SETTINGS = ((-3, 32 << 20), (-1, 256 << 20), (-2, 64 << 20))


#: The environment variables by which a user tunes what :data:`MALLOPT_SETTINGS` set.
_MALLOC_VARIABLES = (
    "GLIBC_TUNABLES",
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TRIM_THRESHOLD_",
    "MALLOC_TOP_PAD_",
)


def _keep_freed_memory(libc=None) -> bool:
    """Have glibc's ``malloc`` keep the memory freed for the next blocks
    (:data:`MALLOPT_SETTINGS`), unless the user tuned it (one of
    :data:`_MALLOC_VARIABLES` set); True when set. Elsewhere than glibc, nothing.

    By default glibc gives each block of 128 KiB or more (up to 32 MiB, as the
    threshold adapts) its own ``mmap`` and returns it at ``free``: the next block
    faults its pages in again. The NumPy arrays and Arrow buffers of the build's
    batches and of its tail are such blocks; in this project's VM their page faults
    cost ~0.3 s of system time in the keywords step alone, and the tail of a two-job
    build of 10.5 M characters took 1.06-1.21 s instead of 1.25-1.34 s
    (``benchmarks/README.md``, developer session 13). Forked workers inherit the
    setting; clean ones make it again (:func:`_start_worker`).
    """
    if libc is None:
        if not _glibc():
            return False
        import ctypes

        libc = ctypes.CDLL(None)
    if any(name in os.environ for name in _MALLOC_VARIABLES):
        return False
    done = [libc.mallopt(param, value) for param, value in MALLOPT_SETTINGS]
    logger.debug("glibc malloc keeps freed memory: %s", done)
    return all(done)


def _glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
    except (AttributeError, ValueError, OSError):  # (not a POSIX system, or not glibc)
        return False


def _start_worker() -> None:
    """A clean worker's start (forkserver or spawn; a forked one inherits both): the
    build's allocators (:func:`use_system_allocator`), then the dictionaries."""
    _leave_interrupts_to_the_parent()
    use_system_allocator()
    warm_up()


def _leave_interrupts_to_the_parent() -> None:
    """A worker's start: Ctrl-C (SIGINT, sent to every process of the terminal's group)
    is left to the build's process, which stops its workers; else each worker would
    print its own traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def warm_up() -> None:
    """Load dictionaries, automata and lexicons once (before forking workers)."""
    from analysis.pages import articles_frame

    process_frames(articles_frame([]))
    table_schema("articles")
    from analysis.text import tokenize

    tokenize("预热")


# --------------------------------------------------------------------------- hashing
def digest_file(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def digest_input(path: str | Path, key: str) -> str:
    """The :func:`input_digest` of an input file, read as
    :func:`analysis.sources.read_bytes` reads it (a FIFO or a device is refused, never
    read).

    Raises:
        InputError: the file cannot be read (named with the problem).
    """
    return input_digest(read_bytes(path), key)  # named on error


def input_digest(data: bytes, key: str) -> str:
    """The cache key of an input: the digest of its content and of its key (its name
    below the input folder, part of every ``article_id``)."""
    content = hashlib.blake2b(data, digest_size=16).hexdigest()
    return content + hashlib.md5(key.encode()).hexdigest()[:8]


def settings_digest(options: BuildOptions) -> str:
    """A hash of everything besides the inputs that the tables depend on."""
    h = hashlib.blake2b(digest_size=12)
    h.update(json.dumps([_CACHE_FORMAT, options.key()]).encode())
    files = sorted(config.PACKAGE_DIR.glob("*.py")) + sorted(config.PACKAGE_DATA_DIR.glob("*"))
    files += list(config.user_dictionaries()) + list(config.user_stopwords())
    files += [*config.user_gazetteers(), config.event_lexicon()]
    for f in files:
        h.update(str(f.name).encode())
        if f.is_file():
            h.update(digest_file(f).encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- writing
#: Columns holding lists of strings.
LIST_COLUMNS = {"tokens": ("tokens", "tags"), "events": ("parks", "orgs")}
_SCHEMA_TEXT = (
    "无锡高新区举行签约仪式\n\n本报讯 8月8日,康明斯(中国)投资有限公司与无锡高新区管委会"
    "在锡签署合作协议,双方将共建研发中心。(王明)\n"
)
_SCHEMAS: dict = {}


def table_schema(table: str):
    """The Arrow schema of a table, the same for every part and every build.

    Taken once per process from the tables of a small built-in text that gives
    every table at least one row; ``table_schema(t).empty_table()`` is an empty table
    that reads back as the build's (empty) frame.
    """
    if not _SCHEMAS:
        from analysis.pages import parse_page

        frames = process_frames(parse_page(_SCHEMA_TEXT, issue_date="2023-08-09"))
        frames["keywords"] = keywords_table(frames, BuildOptions())
        for name, frame in frames.items():
            # with the pandas metadata of this frame: the dtypes every build reads back
            schema = _arrow_schema(frame, LIST_COLUMNS.get(name, ()))
            _SCHEMAS[name] = _with_pandas_metadata(frame, schema)
    return _SCHEMAS[table]


def _arrow_schema(frame: pd.DataFrame, list_columns: Iterable[str] = ()):
    import pandas as pd
    import pyarrow as pa

    fields = []
    for col in frame.columns:
        s = frame[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s):
            t = pa.timestamp("ns")
        elif pd.api.types.is_bool_dtype(s):
            t = pa.bool_()
        elif pd.api.types.is_integer_dtype(s):
            t = pa.int64()
        elif pd.api.types.is_float_dtype(s):
            t = pa.float64()
        elif col in list_columns:
            t = pa.list_(pa.string())
        else:
            t = pa.string()
        fields.append(pa.field(col, t))
    return pa.schema(fields)


def _is_na(value) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _with_pandas_metadata(frame: pd.DataFrame, schema):
    """``schema`` with the pandas metadata of ``frame`` (how its dtypes come back)."""
    import pyarrow as pa

    table = pa.Table.from_pandas(_list_cells(frame, schema), schema=schema, preserve_index=False)
    # pandas cannot read back the dtype name of an Arrow list column from the metadata;
    # record it as object, and load_tables maps list types to Arrow lists again
    meta = json.loads(table.schema.metadata[b"pandas"])
    for col in meta["columns"]:
        if "list" in str(col.get("numpy_type")):
            col["numpy_type"] = "object"
    return table.schema.with_metadata({**table.schema.metadata, b"pandas": json.dumps(meta)})


def _list_cells(frame: pd.DataFrame, schema) -> pd.DataFrame:
    """The frame with every cell of a list column (not yet an Arrow list) as a list."""
    import pandas as pd
    import pyarrow as pa

    frame = frame[[f.name for f in schema]].reset_index(drop=True)
    for f in schema:
        values = frame[f.name]
        if pa.types.is_list(f.type) and not isinstance(values.dtype, pd.ArrowDtype):
            frame[f.name] = _cells_as_lists(values)
    return frame


def _cells_as_lists(values: Iterable) -> list[list]:
    """Every cell a list (a missing one empty)."""
    return [
        [] if v is None or (not hasattr(v, "__len__") and _is_na(v)) else list(v) for v in values
    ]


def to_arrow(frame: pd.DataFrame, schema):
    """The frame as an Arrow table of a :func:`table_schema` (whose pandas metadata
    brings the dtypes back), column by column: several times faster than
    ``pa.Table.from_pandas`` on the small frames of a batch."""
    import pandas as pd
    import pyarrow as pa

    columns = []
    for f in schema:
        values = frame[f.name]
        if pa.types.is_list(f.type) and not isinstance(values.dtype, pd.ArrowDtype):
            values = _cells_as_lists(values)  # (as _list_cells, without copying the frame)
        # pandas' missing values (NaN, NaT, NA) become nulls, as in from_pandas
        values = pa.array(values, from_pandas=True)
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        columns.append(values if values.type == f.type else values.cast(f.type))
    return pa.Table.from_arrays(columns, schema=schema)


def from_arrow(table: pa.Table, name: str) -> pd.DataFrame:
    """A built table as the DataFrame the build returns (lists as Arrow list columns)."""
    import pandas as pd
    import pyarrow as pa

    frame = table.to_pandas(
        types_mapper=lambda t: pd.ArrowDtype(pa.list_(pa.string())) if pa.types.is_list(t) else None
    )
    return _restore_lists(frame.reset_index(drop=True), name)


def _restore_lists(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    import pandas as pd

    for col in LIST_COLUMNS.get(name, ()):
        if col in frame.columns and not isinstance(frame[col].dtype, pd.ArrowDtype):
            frame[col] = frame[col].map(lambda v: list(v) if v is not None else [])
    return _arrow_lists(name, frame)


def link_event_table(events: pa.Table) -> pa.Table:
    """The build's events table with its reports linked across the WHOLE corpus
    (:func:`analysis.events.link_roots`: ``root_event_id``, ``n_articles``), not per
    batch: the merge step runs it once on the assembled table."""
    import pyarrow as pa

    from analysis.events import link_roots

    if not events.num_rows:
        return events
    col = events.column
    with _collector_paused():  # (a list of every event's parks and of its organisations)
        roots, n_articles = link_roots(
            col("event_id").to_pylist(),
            col("article_id").to_pylist(),
            col("type").to_pylist(),
            col("name").to_pylist(),
            col("place").to_pylist(),
            col("parks").to_pylist(),
            col("orgs").to_pylist(),
            col("counted").to_pylist(),
            col("date").to_pandas(),
        )
    for name, values in (("root_event_id", roots), ("n_articles", n_articles)):
        i = events.schema.get_field_index(name)
        field = events.schema.field(i)
        events = events.set_column(i, field, pa.array(values, type=field.type))
    return events


def keywords_table(
    tables: dict[str, pd.DataFrame], options: BuildOptions, terms: TermCounts | None = None
) -> pd.DataFrame:
    """Keywords of every article, from the batches' term counts when given."""
    import numpy as np

    from analysis import keyterms

    if terms is not None:
        # keywords by article need only the ids
        articles = columns_of(tables, "articles", ["article_id", "duplicate_of"])
        if not options.keep_duplicates:
            original = articles["duplicate_of"].fillna("").eq("").to_numpy()
            if not original.all():
                terms = terms.take(np.flatnonzero(original))
                articles = articles[original]
        return keyterms.keywords(articles[["article_id"]], terms=terms, top=options.keyword_top)
    articles = tables["articles"]
    if not options.keep_duplicates and "duplicate_of" in articles.columns:
        articles = articles[articles["duplicate_of"].fillna("").eq("")]
    return keyterms.keywords(articles, tokens=tables["tokens"], top=options.keyword_top)


def mark_corpus_duplicates(tables: dict, options: BuildOptions, keys=None) -> dict:
    """The build's articles with ``duplicate_of`` and ``duplicate_rule`` set over the
    whole corpus (:func:`analysis.select.mark_duplicates`, after every file is
    processed), and, unless ``options.keep_duplicates``, the events of duplicates no
    longer counted (:func:`analysis.select.uncount_duplicates`). Arrow tables or
    DataFrames in, the same out (the other tables as they were). ``keys``: the
    articles' duplicate keys when the workers made them (:func:`duplicate_keys_table`,
    as :meth:`Assembler.duplicate_keys` gives them; rows as in the articles), so that
    only the comparisons are left to do here."""
    import pyarrow as pa

    from analysis.select import find_duplicates, uncount_duplicates

    out = dict(tables)
    articles, events = tables["articles"], tables["events"]
    arrow = isinstance(articles, pa.Table)
    needed = ["article_id", "issue_date", "source", "position", "kind"]
    if keys is None:
        needed += ["title", "body"]
    frame = from_arrow(articles.select(needed), "articles") if arrow else articles[needed]
    with _collector_paused():  # (a list per article: half the pass's time otherwise)
        found = find_duplicates(frame, keys)
    if arrow:
        for col in found.columns:
            i = articles.schema.get_field_index(col)
            values = pa.array(found[col].tolist(), articles.schema.field(i).type)
            articles = articles.set_column(i, articles.schema.field(i), values)
    else:
        articles = articles.assign(**{c: found[c].to_numpy() for c in found.columns})
        for col in found.columns:
            articles[col] = articles[col].astype(tables["articles"][col].dtype)
    out["articles"] = articles
    n = int(found["duplicate_of"].ne("").sum())
    logger.info("%d of %d articles repeat an earlier one", n, len(found))
    if not options.keep_duplicates and n:
        frame = found.assign(article_id=frame["article_id"].to_numpy())
        # (only the rows of the copies' ids tell it which are duplicates)
        copies = frame["article_id"][frame["duplicate_of"].ne("").to_numpy()]
        frame = frame[frame["article_id"].isin(copies).to_numpy()]
        if arrow:
            # only the columns it reads and sets go through pandas (not the lists, text)
            sets = [events.schema.field(c) for c in ("counted", "n_articles", "rule")]
            read = events.select(["event_id", "article_id", *(f.name for f in sets)])
            ev = to_arrow(uncount_duplicates(from_arrow(read, "events"), frame), pa.schema(sets))
            for f in sets:
                i = events.schema.get_field_index(f.name)
                events = events.set_column(i, f, ev.column(f.name))
            out["events"] = events
        else:
            out["events"] = uncount_duplicates(events, frame)
    return out


def empty_tables() -> dict[str, pd.DataFrame]:
    from analysis.pages import articles_frame

    return process_frames(articles_frame([]))


def preload_idf() -> None:
    try:
        from analysis.keyterms import _general_idf
        from analysis.text import stopwords

        _general_idf()
        stopwords()
    except Exception:  # only a head start; keywords() reports any real problem
        logger.debug("could not preload the general IDF", exc_info=True)


def shown_path(path: str, cwd: str | None = None) -> str:
    """An input file as the load report shows it (``path`` as :func:`input_files` lists
    it; no ``Path`` made: called for every input); ``cwd``: the working directory, when
    the caller has asked for it once for many files (``os.getcwd()`` is a system call)."""
    return _shown(path, cwd)


def run_local(files, digests, options, cache_dir, *, jobs, progress, force, on_result=None):
    """Per-file results in input order, from the cache or by processing (in parallel).

    Each result is ``(batch, j)``: the ``j``-th file of a :class:`BatchResult`.
    Returns ``(results, n_processed, names)``, ``names`` being the cached batches used.
    ``on_result(results)`` is called whenever more results are in (None for files
    not done yet). A digest not known (None: the build did not hash the inputs first)
    is filled in by the worker that reads the file (still None if it cannot be read).
    """
    results: list[tuple | None] = [None] * len(files)
    todo = []
    index = {} if force else read_cache_index(cache_dir)
    loaded: dict[str, BatchResult | None] = {}
    used: set[str] = set()
    for i, digest in enumerate(digests):
        hit = index.get(digest)
        batch = None
        if hit is not None:
            if hit[0] not in loaded:
                loaded[hit[0]] = _cached_batch(cache_dir, hit[0])
            batch = loaded[hit[0]]
        if batch is None or hit[1] >= len(batch.bounds["articles"]) - 1:
            todo.append(i)
        else:
            results[i] = (batch, hit[1])
            used.add(hit[0])
    bar = None
    if progress and todo:
        from analysis.progress import progress_bar

        bar = progress_bar(total=len(todo), desc="processing", unit="file")
    batches = _batches(todo, jobs)
    work = [([files[i] for i in b], [digests[i] for i in b], options, cache_dir) for b in batches]
    if jobs > 1 and len(batches) > 1:
        import multiprocessing as mp

        initializer = _leave_interrupts_to_the_parent
        if _can_fork():
            # one thread (the command line): fork, and the workers inherit the
            # dictionaries loaded here once
            warm_up()
            preload_idf()
            ctx = mp.get_context("fork")
        else:
            # other threads may hold locks (a Jupyter kernel): start clean workers that
            # load the dictionaries once each
            methods = mp.get_all_start_methods()
            ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
            initializer = _start_worker
        # frozen, the objects the workers inherit are left alone by their garbage
        # collector: their memory stays shared instead of being copied on write
        gc.freeze()
        try:
            pool = ctx.Pool(jobs, initializer=initializer)
        finally:
            gc.unfreeze()
        with pool:
            # the cached results only now: handing them over may start a writer thread,
            # and the workers are forked from a process with one thread
            if on_result is not None:
                on_result(results)
            # each worker writes its batch to the cache and sends back only the file's
            # name: the parent reads it from there (the tables are serialised once)
            for batch, name in zip(batches, pool.imap(_work_in_worker, work), strict=True):
                output = _cached_batch(cache_dir, name, checked=False)  # (just written)
                if output is None:
                    raise RuntimeError(f"a worker's batch {name} could not be read back")
                used.add(name)
                _store(batch, output, results, digests, bar, on_result)
    else:
        # the cache is written by a thread while the next batch is processed (writing
        # files releases the GIL); the tokens are cut by the side process, with a spare
        # CPU (forked first, as the pool's workers: handing the cached results over may
        # start a writer thread)
        with (
            _loaded_and_frozen(bool(batches)),
            _side_process(len(batches) > 1),
            ThreadPoolExecutor(max_workers=1) as writer,
        ):
            if on_result is not None:
                on_result(results)
            pending = []
            for batch, (inputs, batch_digests, _, _) in zip(batches, work, strict=True):
                output = process_batch_tables(inputs, options, batch_digests)
                pending.append(writer.submit(write_cache, cache_dir, output.digests, output))
                _store(batch, output, results, digests, bar, on_result)
            used.update(done.result() for done in pending)
    if bar is not None:
        bar.close()
    return results, len(todo), used


@contextmanager
def _loaded_and_frozen(load: bool = True):
    """Within, the dictionaries, automata and lexicons loaded (:func:`warm_up`, when
    ``load``) and every object made so far left out of the garbage collector's full
    passes (:func:`gc.freeze`): they are never garbage, and a full pass over them costs
    ~0.04 s, several times a build. Everything is collected as before afterwards."""
    if load:
        warm_up()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _batches(todo: list[int], jobs: int) -> list[list[int]]:
    """The inputs in batches: big ones amortise each stage's fixed costs; with several
    workers they shrink towards the end (half of what is left per worker, at least
    :data:`_TAIL_FILES`), so that the workers finish together instead of one waiting for
    another."""
    batches, k = [], 0
    while k < len(todo):
        size = _BATCH_FILES
        if jobs > 1:
            size = min(_BATCH_FILES, max(_TAIL_FILES, (len(todo) - k) // (jobs * 2)))
        batches.append(todo[k : k + size])
        k += size
    return batches


def _work_in_worker(item) -> str:
    """Process a batch in a worker process and cache its tables: only the name of the
    cached batch goes back."""
    batch, digests, options, cache_dir = item
    output = process_batch_tables(batch, options, digests)
    return write_cache(cache_dir, output.digests, output)


def _store(batch, output: BatchResult, results, digests, bar, on_result=None) -> None:
    for j, i in enumerate(batch):
        results[i] = (output, j)
        digests[i] = output.digests[j]
    if bar is not None:
        bar.update(len(batch))
    if on_result is not None:
        on_result(results)


def assemble(
    results: list, files, report: LoadReport, errors: str
) -> tuple[dict[str, pa.Table], TermCounts]:
    """The per-file results (ranges of batch tables) as Arrow tables in input order, and
    the articles' term counts."""
    assembler = Assembler(files, report, errors)
    assembler.advance(results)
    return assembler.finish()


class Assembler:
    """Puts the per-file results together in input order, as they come in.

    Each call of :meth:`advance` takes the files whose results are in, from the first
    not taken yet up to the first still missing, and hands their rows to the stream (if
    any), so that the tables are written while later inputs are processed.
    """

    def __init__(self, files, report: LoadReport, errors: str, stream: TableStream | None = None):
        self.files, self.report, self.errors, self.stream = files, report, errors, stream
        self.next = 0
        self.parts: dict[str, list] = {t: [] for t in FILE_TABLES}
        self.terms: list[tuple] = []
        # the articles' duplicate keys (parts of the batches' :func:`duplicate_keys_table`);
        # None when a batch has none
        self.keys: list | None = []

    def advance(self, results: list) -> None:
        import numpy as np
        import pyarrow as pa

        runs: list[list] = []  # [batch, first file, last file + 1]: files read in a row
        loaded: list[tuple[str, int]] = []
        cwd = os.getcwd()
        while self.next < len(results) and results[self.next] is not None:
            (path, _), (batch, j) = self.files[self.next], results[self.next]
            self.next += 1
            shown = shown_path(path, cwd)
            error = batch.errors.get(j)
            if error:
                if self.errors == "raise":
                    raise InputError(error, path=shown, problem="input")
                self.report.skip(shown, error)
                logger.info("skipped %s", error)
                continue
            if runs and runs[-1][0] is batch and runs[-1][2] == j:
                runs[-1][2] = j + 1
            else:
                runs.append([batch, j, j + 1])
            n = batch.bounds["articles"][j + 1] - batch.bounds["articles"][j]
            loaded.append((shown, n))
            if j in batch.notes:
                self.report.notes += [(shown, note) for note in batch.notes[j]]
        if not loaded:
            return
        # each table's rows of those files: a range of a batch's table per run
        pieces: dict[str, list] = {}
        for t in (*FILE_TABLES, "terms", "keys"):
            name = {"terms": "tokens", "keys": "articles"}.get(t, t)
            pieces[t] = [(b, b.bounds[name][lo], b.bounds[name][hi]) for b, lo, hi in runs]
        self.report.loaded.extend(loaded)
        chunk = {
            t: pa.concat_tables(
                [table_schema(t).empty_table()]
                + [b.tables[t].slice(lo, hi - lo) for b, lo, hi in pieces[t] if hi > lo]
            )
            for t in FILE_TABLES
        }
        # the source shown is where each file is now, not where it was when processed
        sources = np.repeat([p for p, _ in loaded], [n for _, n in loaded])
        articles = chunk["articles"]
        if len(sources) == articles.num_rows:
            i = articles.schema.get_field_index("source")
            if any(p.lower().endswith((".xlsx", ".xls")) for p, _ in loaded):
                sources = _with_sheets(sources, articles.column(i).to_pylist())
            chunk["articles"] = articles.set_column(
                i, articles.schema.field(i), pa.array(sources.tolist(), pa.string())
            )
        for t in FILE_TABLES:
            self.parts[t].append(chunk[t])
        self.terms += [(b.terms, lo, hi) for b, lo, hi in pieces["terms"]]
        for b, lo, hi in pieces["keys"]:
            if b.keys is None:
                self.keys = None
            elif hi > lo and self.keys is not None:
                self.keys.append(b.keys.slice(lo, hi - lo))
        if self.stream is not None:
            self.stream.write(chunk)

    def finish(self) -> tuple[dict[str, pa.Table], TermCounts]:
        """Every table (Arrow, in input order) and the articles' term counts."""
        return self.tables(), self.term_counts()

    def tables(self) -> dict[str, pa.Table]:
        """Every table (Arrow, in input order)."""
        import pyarrow as pa

        return {
            t: pa.concat_tables([table_schema(t).empty_table(), *self.parts[t]])
            for t in FILE_TABLES
        }

    def term_counts(self) -> TermCounts:
        """The articles' term counts, merged (rows as in the articles table); in Arrow and
        NumPy, mostly without the GIL: the build merges them while it finds the
        duplicates."""
        from analysis.keyterms import TermCounts

        return TermCounts.concat(self.terms)

    def duplicate_keys(self):
        """The articles' duplicate keys as :func:`analysis.select.duplicate_key_arrays`
        makes them (rows as in the articles table of :meth:`finish`), or None when a batch
        has none."""
        import pyarrow as pa

        if self.keys is None:
            return None
        keys = pa.concat_tables([duplicate_keys_table_schema().empty_table(), *self.keys])
        return keys.column("title"), keys.column("sentences")


def columns_of(tables: dict, name: str, columns: list[str]) -> pd.DataFrame:
    """Some columns of a table: read alone from tables that read lazily
    (:class:`analysis.publish.LazyTables`), else taken from the frame."""
    if hasattr(tables, "columns") and callable(tables.columns):
        return tables.columns(name, columns)
    return tables[name][columns]


def _cached_batch(cache_dir: Path, name: str, checked: bool = True) -> BatchResult | None:
    batch = read_batch(cache_dir, name, checked=checked)
    return batch if isinstance(batch, BatchResult) else None


def _with_sheets(sources, cached: list[str]):
    """The sources shown, each keeping the ``#<sheet>`` its cached source had."""
    import numpy as np

    out = []
    for now, then in zip(sources.tolist(), cached, strict=True):
        at = max(then.lower().rfind(".xlsx#"), then.lower().rfind(".xls#"))
        out.append(now + then[then.index("#", at) :] if at >= 0 else now)
    return np.array(out, dtype=object)
