"""The build: every table from a folder of inputs, incrementally, on one or many cores or on Dask.

Each input file goes through the per-article stages independently (articles →
tokens → mentions → events); keywords, which need the whole corpus, are
computed at the end from the tokens. The results of each file are cached under
``processed/cache/`` by the hash of its content and of the settings (package
code, dictionaries, gazetteer, lexicon, options), so a rebuild only processes
inputs that changed, and a rebuild with nothing changed only hashes the inputs.

The tables are written to ``processed/`` as Parquet (``<table>.parquet``; with
the Dask engine a folder of parts that pandas, Dask and DuckDB all read) and as
CSV (UTF-8 with BOM, so Excel shows the Chinese). Results do not depend on the
number of jobs or on the engine: same ids, same rows, same order.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import logging
import mmap
import os
import pickle
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis import config
from analysis.errors import InputError
from analysis.pages import articles_frame
from analysis.sources import LoadReport, iter_input_files, read_file

if TYPE_CHECKING:
    import pyarrow as pa

    from analysis.keyterms import TermCounts

logger = logging.getLogger(__name__)

#: The per-file tables, in the order they are made.
FILE_TABLES = ("articles", "tokens", "mentions", "events")
#: Every table the build writes.
TABLES = (*FILE_TABLES, "keywords")
#: Tables also written as CSV (tokens are only useful as Parquet).
CSV_TABLES = ("articles", "mentions", "events", "keywords")
_CACHE_FORMAT = 5
_BATCH_FILES = 128


@dataclass
class BuildOptions:
    """What the build does with each input (part of the cache key)."""

    issue_date: str | None = None
    layout: str = "auto"
    keyword_top: int = 20

    def key(self) -> dict:
        return {"issue_date": self.issue_date, "layout": self.layout, "top": self.keyword_top}


@dataclass
class BuildResult:
    """What a build did.

    Attributes:
        tables: the tables built (or loaded back when nothing changed).
        paths: the files written, by table.
        report: the load report (files loaded, skipped with the reason, ignored).
        n_inputs: input files considered; ``n_processed`` of them were
            (re)processed, the others came from the cache.
        unchanged: True when nothing changed since the last build.
        seconds: wall-clock time of the build.
        n_chars: characters of text (titles and bodies) in the articles table.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    paths: dict[str, list[Path]] = field(default_factory=dict)
    report: LoadReport = field(default_factory=LoadReport)
    n_inputs: int = 0
    n_processed: int = 0
    unchanged: bool = False
    seconds: float = 0.0
    n_chars: int = 0

    def summary(self) -> str:
        """A few lines for the terminal."""
        t = self.tables
        # bad inputs are read again by every build, except when nothing changed at all
        cached = self.n_inputs - self.n_processed - (len(self.report.skipped) * self.unchanged)
        lines = [
            f"{self.n_inputs} input file(s): {self.n_processed} processed, {cached} from cache"
            + (" (nothing changed)" if self.unchanged else ""),
        ]
        # the columns needed, not whole tables (a rebuild with nothing changed reads them)
        n_rows = t.n_rows if isinstance(t, LazyTables) else (lambda name: len(t[name]))
        if "articles" in t:
            lines.append(f"articles: {n_rows('articles'):,} ({self.n_chars:,} characters)")
        for name in ("mentions", "events", "keywords"):
            if name in t:
                lines.append(f"{name}: {n_rows(name):,} rows")
        if "events" in t and n_rows("events"):
            events = _columns(t, "events", ["counted", "type_label"])
            by_type = events["type_label"][events["counted"]].value_counts()
            lines.append("events by type: " + ", ".join(f"{k} {v}" for k, v in by_type.items()))
        for path, why in self.report.skipped:
            lines.append(f"SKIPPED {path}: {why}")
        for path, why in self.report.ignored:
            lines.append(f"ignored {path}: {why}")
        lines.append(f"done in {self.seconds:.1f} s")
        return "\n".join(lines)


# --------------------------------------------------------------------------- stages
def process_frames(
    articles: pd.DataFrame, *, link_by: str | None = None
) -> dict[str, pd.DataFrame]:
    """The per-article stages on an articles table: tokens, mentions, events.

    ``link_by`` is passed to :func:`analysis.find_mentions`; the build uses
    ``"source"`` so that company short forms are linked within each input file
    and the tables do not depend on how files are batched.
    """
    from analysis.events import find_events
    from analysis.mentions import find_mentions
    from analysis.text import tokens_table

    tokens = tokens_table(articles)
    mentions = find_mentions(articles, link_by=link_by)
    events = find_events(articles, mentions)
    tables = {"articles": articles, "tokens": tokens, "mentions": mentions, "events": events}
    return {name: _arrow_lists(name, frame) for name, frame in tables.items()}


def _arrow_lists(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """List columns as Arrow lists: each cell is still a Python list when read, but the
    column takes a fraction of the memory of a column of list objects."""
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
class _BatchResult:
    """The tables of a batch of inputs, with each file's rows as a range of every table.

    The tables are Arrow tables of the build's schemas (:func:`table_schema`): they are
    cached, sliced, concatenated and written without a pandas round trip.
    """

    tables: dict[str, pa.Table]
    bounds: dict[str, list[int]]  # table -> n_files + 1 row offsets
    errors: dict[int, str]
    terms: TermCounts  # every token's count in every article (rows as in "tokens")


def _process_batch_tables(batch: Sequence[tuple[str, str]], options: BuildOptions) -> _BatchResult:
    """The tables of a batch of inputs, processed together (one call per stage).

    Every stage works article by article (short forms are linked within each
    file), so the rows of a file do not depend on the other files of its batch.
    """
    import numpy as np

    from analysis.keyterms import TermCounts

    per_file: list[list[dict]] = []
    errors: dict[int, str] = {}
    for i, (path, key) in enumerate(batch):
        try:
            per_file.append(
                read_file(path, key=key, issue_date=options.issue_date, layout=options.layout)
            )
        except InputError as exc:
            errors[i] = str(exc)
            per_file.append([])
    articles = articles_frame([r for records in per_file for r in records])
    if not articles["article_id"].is_unique and len(batch) > 1:
        # the same file twice under one name in two input folders: keep them apart
        import pyarrow as pa

        parts = [_process_batch_tables([item], options) for item in batch]
        tables = {t: pa.concat_tables([p.tables[t] for p in parts]) for t in FILE_TABLES}
        bounds = {
            t: [0, *np.cumsum([p.tables[t].num_rows for p in parts]).tolist()] for t in tables
        }
        errs = {i: p.errors[0] for i, p in enumerate(parts) if p.errors}
        terms = TermCounts.concat([(p.terms, 0, p.terms.counts.shape[0]) for p in parts])
        return _BatchResult(tables, bounds, errs, terms)
    tables = process_frames(articles, link_by="source")
    # the keywords' term counts are made here, in the workers, and only merged at the end;
    # of the content tokens only, the only ones keywords count (the build's keywords
    # take no extra stopwords)
    terms = TermCounts.from_tokens(tables["tokens"]["tokens"]).content()
    file_of = np.repeat(np.arange(len(batch)), [len(records) for records in per_file])
    article_index = pd.Index(articles["article_id"])
    bounds = {}
    for name, frame in tables.items():
        at = article_index.get_indexer(frame["article_id"])
        if (at < 0).any():
            raise RuntimeError(f"{name} has rows of articles not in the articles table")
        owner = file_of[at]
        if len(owner) and (np.diff(owner) < 0).any():
            raise RuntimeError(f"{name} rows are not in article order")
        bounds[name] = np.searchsorted(owner, np.arange(len(batch) + 1)).tolist()
    arrow = {name: _to_arrow(frame, table_schema(name)) for name, frame in tables.items()}
    return _BatchResult(arrow, bounds, errors, terms)


def warm_up() -> None:
    """Load dictionaries, automata and lexicons once (before forking workers)."""
    process_frames(articles_frame([]))
    table_schema("articles")
    from analysis.text import tokenize

    tokenize("预热")


# --------------------------------------------------------------------------- hashing
def _digest_file(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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
            h.update(_digest_file(f).encode())
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
        frames["keywords"] = _keywords(frames, BuildOptions())
        for name, frame in frames.items():
            # with the pandas metadata of this frame: the dtypes every build reads back
            schema = _arrow_schema(frame, LIST_COLUMNS.get(name, ()))
            _SCHEMAS[name] = _with_pandas_metadata(frame, schema)
    return _SCHEMAS[table]


def _arrow_schema(frame: pd.DataFrame, list_columns: Iterable[str] = ()):
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
    import pyarrow as pa

    frame = frame[[f.name for f in schema]].reset_index(drop=True)
    for f in schema:
        values = frame[f.name]
        if pa.types.is_list(f.type) and not isinstance(values.dtype, pd.ArrowDtype):
            frame[f.name] = [
                [] if v is None or (not hasattr(v, "__len__") and _is_na(v)) else list(v)
                for v in values
            ]
    return frame


def _to_arrow(frame: pd.DataFrame, schema):
    """The frame as an Arrow table of a :func:`table_schema` (whose pandas metadata
    brings the dtypes back), column by column: several times faster than
    ``pa.Table.from_pandas`` on the small frames of a batch."""
    import pyarrow as pa

    frame = _list_cells(frame, schema)
    columns = []
    for f in schema:
        # pandas' missing values (NaN, NaT, NA) become nulls, as in from_pandas
        values = pa.array(frame[f.name], from_pandas=True)
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        columns.append(values if values.type == f.type else values.cast(f.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with list columns joined by ``|`` (for CSV and Excel)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if isinstance(values.dtype, pd.ArrowDtype) and pa.types.is_list(values.dtype.pyarrow_dtype):
            joined = pc.binary_join(pa.array(values.array), "|").fill_null("")
            out[col] = pd.Series(joined.to_pylist(), index=out.index, dtype="str")
        elif (
            values.dtype == object
            and len(out)
            and isinstance(next((v for v in values if v is not None), None), (list, tuple))
        ):
            out[col] = values.map(lambda v: "|".join(map(str, v)) if v is not None else "")
    return out


def write_tables(
    tables: dict[str, pd.DataFrame | pa.Table], out_dir: Path, *, csv: bool = True
) -> dict[str, list[Path]]:
    """Write each table (a DataFrame, or an Arrow table of the build's schema) as
    ``<table>.parquet`` (and ``<table>.csv``) into ``out_dir``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)

    def write_one(name: str) -> list[Path]:
        table = tables[name]
        if not isinstance(table, pa.Table):
            table = _to_arrow(table, table_schema(name))
        target = out_dir / f"{name}.parquet"
        _remove(target)
        pq.write_table(table, target)
        paths = [target]
        if csv and name in CSV_TABLES:
            paths.append(_write_csv_table(table, out_dir / f"{name}.csv"))
        return paths

    # Arrow encodes, compresses and writes without the GIL: the tables go in parallel
    with ThreadPoolExecutor(max_workers=min(4, len(tables) or 1)) as pool:
        return dict(zip(tables, pool.map(write_one, tables), strict=True))


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """CSV that Excel opens with the Chinese intact: UTF-8 with a BOM, lists joined by ``|``.

    Written with pyarrow's CSV writer (several times faster than pandas').
    """
    import pyarrow as pa

    return _write_csv_table(pa.Table.from_pandas(_csv_frame(frame), preserve_index=False), path)


def _write_csv_table(table, path: Path) -> Path:
    """:func:`write_csv` of an Arrow table."""
    import pyarrow.csv as pacsv

    with open(path, "wb") as fh:
        fh.write(_BOM)
        pacsv.write_csv(_csv_table(table), fh)
    return path


_BOM = b"\xef\xbb\xbf"  # so that Excel reads the CSV files as UTF-8


def _csv_table(table):
    """The Arrow table with list columns joined by ``|``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, f in enumerate(table.schema):
        if pa.types.is_list(f.type):
            table = table.set_column(i, f.name, pc.binary_join(table.column(i), "|").fill_null(""))
    # pyarrow before 15 writes the header again for each empty batch: leave those out
    batches = [batch for batch in table.to_batches() if batch.num_rows]
    return pa.Table.from_batches(batches, schema=table.schema)


def write_excel(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """One workbook with a sheet per table (long texts cut at Excel's cell limit)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name in CSV_TABLES:
            if name not in tables:
                continue
            frame = _csv_frame(tables[name])
            for col in frame.columns:
                if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
                    frame[col] = frame[col].astype(str).str.slice(0, 32000)
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


def load_tables(
    out_dir: str | os.PathLike | None = None, tables: Iterable[str] = TABLES
) -> dict[str, pd.DataFrame]:
    """Load the built tables back from ``processed/`` (Parquet files or part folders).

    Example:
        >>> t = load_tables()  # doctest: +SKIP
        >>> t["events"].groupby("type_label").size()  # doctest: +SKIP

    Raises:
        InputError: when a table has not been built yet (run ``python -m analysis build``).
    """
    base = Path(out_dir) if out_dir is not None else config.PROCESSED_DIR
    out = {}
    for name in tables:
        path = base / f"{name}.parquet"
        if not path.exists():
            raise InputError(
                f"{path}: not built yet; run `python -m analysis build` first",
                path=str(path),
                problem="missing",
            )
        import pyarrow.parquet as pq

        out[name] = from_arrow(pq.read_table(path), name)
    return out


def from_arrow(table: pa.Table, name: str) -> pd.DataFrame:
    """A built table as the DataFrame the build returns (lists as Arrow list columns)."""
    import pyarrow as pa

    frame = table.to_pandas(
        types_mapper=lambda t: pd.ArrowDtype(pa.list_(pa.string())) if pa.types.is_list(t) else None
    )
    return _restore_lists(frame.reset_index(drop=True), name)


class LazyTables(dict):
    """The built tables, each made a DataFrame the first time it is asked for.

    A rebuild with nothing changed returns these, read from ``processed/``, so that
    printing a summary does not read the (large) tokens table; a build returns them
    converted from its Arrow tables, so that the tokens are not converted either.
    """

    def __init__(self, out_dir: Path | None = None, arrow: dict[str, pa.Table] | None = None):
        super().__init__()
        self._out_dir = Path(out_dir) if out_dir is not None else None
        self._arrow = dict(arrow or {})

    def __missing__(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(name)
        if name in self._arrow:
            frame = from_arrow(self._arrow.pop(name), name)
        elif self._out_dir is not None:
            frame = load_tables(self._out_dir, [name])[name]
        else:
            raise KeyError(name)
        self[name] = frame
        return frame

    def n_rows(self, name: str) -> int:
        """The table's number of rows, without reading it."""
        if dict.__contains__(self, name):
            return len(dict.__getitem__(self, name))
        if name in self._arrow:
            return self._arrow[name].num_rows
        import pyarrow.dataset as ds

        return ds.dataset(self._path(name), format="parquet").count_rows()

    def columns(self, name: str, columns: list[str]) -> pd.DataFrame:
        """Some columns of the table, reading only those."""
        if dict.__contains__(self, name):
            return dict.__getitem__(self, name)[columns]
        if name in self._arrow:
            return from_arrow(self._arrow[name].select(columns), name)
        import pyarrow.parquet as pq

        return from_arrow(pq.read_table(self._path(name), columns=columns), name)

    def _path(self, name: str) -> Path:
        if self._out_dir is None or name not in TABLES:
            raise KeyError(name)
        return self._out_dir / f"{name}.parquet"

    def __contains__(self, name) -> bool:
        return name in TABLES

    def keys(self):
        return list(TABLES)

    def __iter__(self):
        return iter(TABLES)

    def __len__(self) -> int:
        return len(TABLES)

    def items(self):
        return [(name, self[name]) for name in TABLES]

    def values(self):
        return [self[name] for name in TABLES]

    def get(self, name, default=None):
        return self[name] if name in TABLES else default


def _restore_lists(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    for col in LIST_COLUMNS.get(name, ()):
        if col in frame.columns and not isinstance(frame[col].dtype, pd.ArrowDtype):
            frame[col] = frame[col].map(lambda v: list(v) if v is not None else [])
    return _arrow_lists(name, frame)


# --------------------------------------------------------------------------- the build
def _keywords(
    tables: dict[str, pd.DataFrame], options: BuildOptions, terms: TermCounts | None = None
) -> pd.DataFrame:
    """Keywords of every article, from the batches' term counts when given."""
    from analysis import keyterms

    if terms is not None:
        # keywords by article need only the ids
        articles = _columns(tables, "articles", ["article_id"])
        return keyterms.keywords(articles, terms=terms, top=options.keyword_top)
    return keyterms.keywords(tables["articles"], tokens=tables["tokens"], top=options.keyword_top)


def _empty_tables() -> dict[str, pd.DataFrame]:
    return process_frames(articles_frame([]))


def build(
    inputs: Sequence[str | os.PathLike] | None = None,
    *,
    out_dir: str | os.PathLike | None = None,
    jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    issue_date: str | None = None,
    layout: str = "auto",
    errors: str = "warn",
    force: bool = False,
    progress: bool = True,
    csv: bool = True,
) -> BuildResult:
    """Build every table from the inputs into ``out_dir``.

    Args:
        inputs: files or folders; ``config.RAW_DIR`` when ``None``.
        out_dir: where the tables go; ``config.PROCESSED_DIR`` when ``None``.
        jobs: worker processes for the local engine (default: all cores).
        engine: ``"local"`` (processes on this machine) or ``"dask"``.
        scheduler: with ``engine="dask"``, the address of a running Dask
            scheduler; a local cluster with ``jobs`` workers is started otherwise.
        issue_date, layout: as in :func:`analysis.load_articles`.
        errors: ``"warn"`` skips bad files and lists them in the result's
            report; ``"raise"`` stops at the first with an InputError.
        force: ignore the cache and process every input again.
        progress: show progress bars.
        csv: also write CSV copies of the tables.

    Returns:
        A :class:`BuildResult` with the tables and what was done.
    """
    started = time.perf_counter()
    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', not {engine!r}")
    if errors not in ("warn", "raise"):
        raise ValueError(f"errors must be 'warn' or 'raise', not {errors!r}")
    inputs = list(inputs) if inputs else [config.RAW_DIR]
    out = Path(out_dir) if out_dir is not None else config.PROCESSED_DIR
    jobs = max(1, jobs or os.cpu_count() or 1)
    options = BuildOptions(issue_date=issue_date, layout=layout)
    report = LoadReport()
    files = [(str(p), key) for p, key in iter_input_files(inputs, report)]
    settings = settings_digest(options)
    # the cache key is the content and the file's key (its name below the input folder),
    # because the key is part of every article_id
    digests = [_digest_file(Path(p)) + hashlib.md5(k.encode()).hexdigest()[:8] for p, k in files]
    manifest_path = out / "manifest.json"
    manifest = {
        "settings": settings,
        "engine": engine,
        "inputs": [[p, k, d] for (p, k), d in zip(files, digests, strict=True)],
    }
    result = BuildResult(report=report, n_inputs=len(files))

    if not force and manifest_path.exists():
        try:
            previous = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            previous = {}
        if {k: previous.get(k) for k in manifest} == manifest and all(
            (out / f"{t}.parquet").exists() for t in TABLES
        ):
            for path, why in previous.get("skipped", []):
                report.skipped.append((path, why))
            result.unchanged = True
            result.tables = LazyTables(out)
            result.n_chars = _n_chars(_columns(result.tables, "articles", ["n_chars"]))
            result.seconds = time.perf_counter() - started
            logger.info("nothing changed since the last build")
            return result

    cache_dir = out / "cache" / settings
    if engine == "dask":
        from analysis.dask_engine import build_dask

        tables, paths, n_processed, used = build_dask(
            files,
            digests,
            options,
            out,
            cache_dir,
            jobs=jobs,
            scheduler=scheduler,
            report=report,
            errors=errors,
            progress=progress,
            force=force,
        )
    else:
        mark = time.perf_counter()
        # keywords need jieba's general IDF at the end: read it while the inputs are
        # processed (with several jobs it is read before the workers fork, never during)
        if jobs == 1:
            threading.Thread(target=_preload_idf, daemon=True).start()
        # the file tables are written, in input order, while the inputs are processed
        stream = _TableStream(out, csv=csv)
        assembler = _Assembler(files, report, errors, stream)
        try:
            _, n_processed, used = _run_local(
                files,
                digests,
                options,
                cache_dir,
                jobs=jobs,
                progress=progress,
                force=force,
                on_result=assembler.advance,
            )
            mark = _log_phase("processed %d of %d inputs", mark, n_processed, len(files))
            stream.flush()  # the last parts are written while the keywords are computed
            arrow, terms = assembler.finish()
            tables = LazyTables(arrow=arrow)
            tables["keywords"] = _keywords(tables, options, terms)
            mark = _log_phase("keywords", mark)
            paths = stream.close()
        except BaseException:
            stream.abort()
            raise
        paths.update(write_tables({"keywords": tables["keywords"]}, out, csv=csv))
        _log_phase("wrote the tables", mark)
    manifest["skipped"] = report.skipped
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    prune_cache(cache_dir, used)
    result.tables, result.paths, result.n_processed = tables, paths, n_processed
    result.n_chars = _n_chars(_columns(tables, "articles", ["n_chars"]))
    result.seconds = time.perf_counter() - started
    return result


def _preload_idf() -> None:
    try:
        from analysis.keyterms import _general_idf
        from analysis.text import stopwords

        _general_idf()
        stopwords()
    except Exception:  # only a head start; keywords() reports any real problem
        logger.debug("could not preload the general IDF", exc_info=True)


def _log_phase(what: str, since: float, *args) -> float:
    now = time.perf_counter()
    logger.info(what + " in %.2f s", *args, now - since)
    return now


def _columns(tables: dict, name: str, columns: list[str]) -> pd.DataFrame:
    if isinstance(tables, LazyTables):
        return tables.columns(name, columns)
    return tables[name][columns]


def _n_chars(articles: pd.DataFrame) -> int:
    return int(articles["n_chars"].sum()) if len(articles) else 0


def _shown(path: str) -> str:
    from analysis.sources import _display

    return _display(Path(path))


def _run_local(files, digests, options, cache_dir, *, jobs, progress, force, on_result=None):
    """Per-file results in input order, from the cache or by processing (in parallel).

    Each result is ``(batch, j)``: the ``j``-th file of a :class:`_BatchResult`.
    Returns ``(results, n_processed, names)``, ``names`` being the cached batches used.
    ``on_result(results)`` is called whenever more results are in (None for files
    not done yet).
    """
    results: list[tuple | None] = [None] * len(files)
    todo = []
    index = {} if force else read_cache_index(cache_dir)
    loaded: dict[str, _BatchResult | None] = {}
    used: set[str] = set()
    for i, digest in enumerate(digests):
        hit = index.get(digest)
        batch = None
        if hit is not None:
            if hit[0] not in loaded:
                loaded[hit[0]] = read_batch(cache_dir, hit[0])
            batch = loaded[hit[0]]
        if batch is None or hit[1] >= len(batch.bounds["articles"]) - 1:
            todo.append(i)
        else:
            results[i] = (batch, hit[1])
            used.add(hit[0])
    bar = None
    if progress and todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="processing", unit="file")
    batches = _batches(todo, jobs)
    work = [([files[i] for i in b], [digests[i] for i in b], options, cache_dir) for b in batches]
    used.update(_batch_name(item[1]) for item in work)
    if jobs > 1 and len(batches) > 1:
        import multiprocessing as mp

        methods = mp.get_all_start_methods()
        initializer = None
        if "fork" in methods and threading.active_count() == 1:
            # one thread (the command line): fork, and the workers inherit the
            # dictionaries loaded here once
            warm_up()
            _preload_idf()
            ctx = mp.get_context("fork")
        else:
            # other threads may hold locks (a Jupyter kernel): start clean workers that
            # load the dictionaries once each
            ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
            initializer = warm_up
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
                output = read_batch(cache_dir, name)
                if output is None:
                    raise RuntimeError(f"a worker's batch {name} could not be read back")
                _store(batch, output, results, bar, on_result)
    else:
        if on_result is not None:
            on_result(results)
        # the cache is written by a thread while the next batch is processed (writing
        # files releases the GIL)
        with ThreadPoolExecutor(max_workers=1) as writer:
            pending = []
            for batch, (inputs, batch_digests, _, _) in zip(batches, work, strict=True):
                output = _process_batch_tables(inputs, options)
                pending.append(writer.submit(write_cache, cache_dir, batch_digests, output))
                _store(batch, output, results, bar, on_result)
            for done in pending:
                done.result()
    if bar is not None:
        bar.close()
    return results, len(todo), used


def _batches(todo: list[int], jobs: int) -> list[list[int]]:
    """The inputs in batches: big ones amortise each stage's fixed costs; with several
    workers they shrink towards the end (a quarter of what is left per worker, at
    least 8), so that the workers finish together instead of one waiting for another."""
    batches, k = [], 0
    while k < len(todo):
        size = _BATCH_FILES
        if jobs > 1:
            size = min(_BATCH_FILES, max(8, (len(todo) - k) // (jobs * 4)))
        batches.append(todo[k : k + size])
        k += size
    return batches


def _batch_name(digests: Sequence[str]) -> str:
    return hashlib.blake2b("".join(digests).encode(), digest_size=12).hexdigest()


def write_cache(cache_dir: Path, digests: Sequence[str], result: _BatchResult) -> str:
    """Keep a batch's tables for the next build; returns the batch's name.

    Two files in ``<cache>/batches/``: ``<name>.pkl`` holds the tables, ``<name>.idx``
    the content digest of each of its inputs, one per line (``-`` for a bad input, so
    that it is read again next time). The index is written last: an index names a
    complete batch.
    """
    name = _batch_name(digests)
    folder = cache_dir / "batches"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{name}.tmp{os.getpid()}"  # each file is renamed once complete
    _dump_pickle(result, tmp)
    os.replace(tmp, folder / f"{name}.pkl")
    index = "".join(f"{'-' if j in result.errors else d}\n" for j, d in enumerate(digests))
    tmp.write_text(index, encoding="ascii")
    os.replace(tmp, folder / f"{name}.idx")
    return name


def _dump_pickle(obj, path: Path) -> None:
    """Pickle protocol 5 with the (Arrow) buffers out of band: they are written as they
    are, not copied into the pickle first. The file: a JSON line with the sizes of the
    pickle and of each buffer, the pickle, then the buffers."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    views = [b.raw() for b in buffers]
    with open(path, "wb") as fh:
        fh.write(json.dumps([len(head), *(v.nbytes for v in views)]).encode() + b"\n")
        fh.write(head)
        for view in views:
            fh.write(view)


def _load_pickle(path: Path):
    """What :func:`_dump_pickle` wrote. On POSIX systems the buffers are views of the
    file mapped in memory (read as they are used, never copied; the file may be replaced
    or removed meanwhile, the mapping keeps the old content). Windows cannot replace or
    remove a mapped file: there the file is read."""
    with open(path, "rb") as fh:
        sizes = json.loads(fh.readline())
        if os.name == "posix":
            start = fh.tell()
            data = memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))[start:]
        else:
            data = memoryview(fh.read())
    if sum(sizes) != len(data):
        raise ValueError(f"{path}: truncated")
    ends = [int(x) for x in itertools.accumulate(sizes)]
    parts = [data[a:b] for a, b in zip([0, *ends], ends, strict=False)]
    return pickle.loads(parts[0], buffers=parts[1:])


def read_cache_index(cache_dir: Path) -> dict[str, tuple[str, int]]:
    """Input digest -> (batch name, position in the batch), for every cached batch."""
    index: dict[str, tuple[str, int]] = {}
    folder = cache_dir / "batches"
    if not folder.is_dir():
        return index
    for path in folder.glob("*.idx"):
        try:
            lines = path.read_text(encoding="ascii").split()
        except (OSError, UnicodeDecodeError):
            continue
        name = path.stem
        for j, digest in enumerate(lines):
            if digest != "-":
                index[digest] = (name, j)
    return index


def read_batch(cache_dir: Path, name: str) -> _BatchResult | None:
    """A cached batch, or None when it is absent or unreadable (it is then rebuilt)."""
    try:
        batch = _load_pickle(cache_dir / "batches" / f"{name}.pkl")
    except FileNotFoundError:
        return None
    except Exception:
        logger.debug("cache batch %s unreadable; rebuilding", name)
        return None
    return batch if isinstance(batch, _BatchResult) else None


def prune_cache(cache_dir: Path, keep: Iterable[str]) -> None:
    """Remove every cached batch but those named: the cache holds what the tables
    were last built from (and cache folders of other settings are removed)."""
    keep = set(keep)
    for other in cache_dir.parent.iterdir() if cache_dir.parent.is_dir() else ():
        if other != cache_dir and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
    folder = cache_dir / "batches"
    for path in folder.iterdir() if folder.is_dir() else ():
        if path.name.split(".")[0] not in keep:
            path.unlink(missing_ok=True)


def _work_in_worker(item) -> str:
    """Process a batch in a worker process and cache its tables: only the name of the
    cached batch goes back."""
    batch, digests, options, cache_dir = item
    return write_cache(cache_dir, digests, _process_batch_tables(batch, options))


def _store(batch, output: _BatchResult, results, bar, on_result=None) -> None:
    for j, i in enumerate(batch):
        results[i] = (output, j)
    if bar is not None:
        bar.update(len(batch))
    if on_result is not None:
        on_result(results)


def _assemble(
    results: list, files, report: LoadReport, errors: str
) -> tuple[dict[str, pa.Table], TermCounts]:
    """The per-file results (ranges of batch tables) as Arrow tables in input order, and
    the articles' term counts."""
    assembler = _Assembler(files, report, errors)
    assembler.advance(results)
    return assembler.finish()


class _Assembler:
    """Puts the per-file results together in input order, as they come in.

    Each call of :meth:`advance` takes the files whose results are in, from the first
    not taken yet up to the first still missing, and hands their rows to the stream (if
    any), so that the tables are written while later inputs are processed.
    """

    def __init__(self, files, report: LoadReport, errors: str, stream: _TableStream | None = None):
        self.files, self.report, self.errors, self.stream = files, report, errors, stream
        self.next = 0
        self.parts: dict[str, list] = {t: [] for t in FILE_TABLES}
        self.terms: list[tuple] = []

    def advance(self, results: list) -> None:
        import numpy as np
        import pyarrow as pa

        pieces: dict[str, list] = {t: [] for t in (*FILE_TABLES, "terms")}
        loaded: list[tuple[str, int]] = []
        while self.next < len(results) and results[self.next] is not None:
            (path, _), (batch, j) = self.files[self.next], results[self.next]
            self.next += 1
            shown = _shown(path)
            error = batch.errors.get(j)
            if error:
                if self.errors == "raise":
                    raise InputError(error, path=shown, problem="input")
                self.report.skipped.append((shown, error))
                logger.warning("skipped %s", error)
                continue
            for t in (*FILE_TABLES, "terms"):
                bounds = batch.bounds["tokens" if t == "terms" else t]
                lo, hi = bounds[j], bounds[j + 1]
                last = pieces[t][-1] if pieces[t] else None
                if last is not None and last[0] is batch and last[2] == lo:
                    last[2] = hi  # extend the range of the same batch
                else:
                    pieces[t].append([batch, lo, hi])
            n = batch.bounds["articles"][j + 1] - batch.bounds["articles"][j]
            loaded.append((shown, n))
        if not loaded:
            return
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
            chunk["articles"] = articles.set_column(
                i, articles.schema.field(i), pa.array(sources.tolist(), pa.string())
            )
        for t in FILE_TABLES:
            self.parts[t].append(chunk[t])
        self.terms += [(b.terms, lo, hi) for b, lo, hi in pieces["terms"]]
        if self.stream is not None:
            self.stream.write(chunk)

    def finish(self) -> tuple[dict[str, pa.Table], TermCounts]:
        """Every table (Arrow, in input order) and the articles' term counts."""
        import pyarrow as pa

        from analysis.keyterms import TermCounts

        tables = {
            t: pa.concat_tables([table_schema(t).empty_table(), *self.parts[t]])
            for t in FILE_TABLES
        }
        return tables, TermCounts.concat(self.terms)


class _TableStream:
    """Writes the file tables part by part into ``<table>.parquet`` (and ``.csv``), in
    a thread, as :class:`_Assembler` hands them over; :meth:`close` finishes the files.

    Parts are gathered into row groups of about 32 MB. The files are written under
    temporary names and renamed when complete.
    """

    ROW_GROUP_BYTES = 32 << 20

    def __init__(self, out_dir: Path, *, csv: bool = True, tables=FILE_TABLES):
        self.out_dir, self.csv, self.tables = Path(out_dir), csv, tables
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._pending: list = []
        self._buffered: dict[str, list] = {t: [] for t in tables}
        self._writers: dict[str, tuple] = {}

    def write(self, parts: dict[str, pa.Table]) -> None:
        self._pending.append(self._pool.submit(self._write, parts, False))

    def _write(self, parts: dict[str, pa.Table], last: bool) -> None:
        import pyarrow as pa

        for name in self.tables:
            buffered = self._buffered[name]
            if name in parts and parts[name].num_rows:
                buffered.append(parts[name])
            if buffered and (last or sum(t.nbytes for t in buffered) >= self.ROW_GROUP_BYTES):
                table = pa.concat_tables([table_schema(name).empty_table(), *buffered])
                buffered.clear()
                parquet, csv, _ = self._open(name)
                parquet.write_table(table)
                if csv is not None:
                    csv.write_table(_csv_table(table))
            elif last:
                self._open(name)  # a table without rows still gets its files

    def _open(self, name: str) -> tuple:
        """The table's Parquet writer, CSV writer and CSV file (None without CSV)."""
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        if name not in self._writers:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            schema = table_schema(name)
            csv = fh = None
            if self.csv and name in CSV_TABLES:
                fh = open(self._tmp(f"{name}.csv"), "wb")
                fh.write(_BOM)
                csv = pacsv.CSVWriter(fh, _csv_table(schema.empty_table()).schema)
            self._writers[name] = (pq.ParquetWriter(self._tmp(f"{name}.parquet"), schema), csv, fh)
        return self._writers[name]

    def _tmp(self, filename: str) -> Path:
        return self.out_dir / f".{filename}.tmp{os.getpid()}"

    def flush(self) -> None:
        """Write what is buffered (in the thread); nothing may be written after this."""
        self._pending.append(self._pool.submit(self._write, {}, True))

    def close(self) -> dict[str, list[Path]]:
        """Write what is left, close the files and put them in place; the paths by table."""
        self.flush()
        for done in self._pending:
            done.result()
        self._pool.shutdown()
        paths = {}
        for name in self.tables:
            paths[name] = []
            for writer in self._writers.get(name, ()):
                if writer is not None:
                    writer.close()
            for suffix in (".parquet", ".csv"):
                tmp = self._tmp(f"{name}{suffix}")
                if tmp.exists():
                    target = self.out_dir / f"{name}{suffix}"
                    _remove(target)
                    os.replace(tmp, target)
                    paths[name].append(target)
        return paths

    def abort(self) -> None:
        """Stop and remove the unfinished files."""
        for done in self._pending:
            done.cancel()
        self._pool.shutdown(wait=True)
        for writers in self._writers.values():
            for writer in writers:
                try:
                    if writer is not None:
                        writer.close()
                except Exception:  # already broken: the file is removed below
                    logger.debug("closing an unfinished table file", exc_info=True)
        for name in self.tables:
            for suffix in (".parquet", ".csv"):
                self._tmp(f"{name}{suffix}").unlink(missing_ok=True)
