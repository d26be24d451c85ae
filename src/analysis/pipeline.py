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

import hashlib
import json
import logging
import os
import pickle
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.errors import InputError
from analysis.pages import articles_frame
from analysis.sources import LoadReport, iter_input_files, read_file

logger = logging.getLogger(__name__)

#: The per-file tables, in the order they are made.
FILE_TABLES = ("articles", "tokens", "mentions", "events")
#: Every table the build writes.
TABLES = (*FILE_TABLES, "keywords")
#: Tables also written as CSV (tokens are only useful as Parquet).
CSV_TABLES = ("articles", "mentions", "events", "keywords")
_CACHE_FORMAT = 2
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
        lines = [
            f"{self.n_inputs} input file(s): {self.n_processed} processed, "
            f"{self.n_inputs - self.n_processed - len(self.report.skipped)} from cache"
            + (" (nothing changed)" if self.unchanged else ""),
        ]
        if "articles" in t:
            arts = t["articles"]
            lines.append(f"articles: {len(arts):,} ({self.n_chars:,} characters)")
        for name in ("mentions", "events", "keywords"):
            if name in t:
                lines.append(f"{name}: {len(t[name]):,} rows")
        if "events" in t and len(t["events"]):
            counted = t["events"][t["events"]["counted"]]
            by_type = counted["type_label"].value_counts()
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
    """The tables of a batch of inputs, with each file's rows as a range of every table."""

    tables: dict[str, pd.DataFrame]
    bounds: dict[str, list[int]]  # table -> n_files + 1 row offsets
    errors: dict[int, str]


def _process_batch_tables(batch: Sequence[tuple[str, str]], options: BuildOptions) -> _BatchResult:
    """The tables of a batch of inputs, processed together (one call per stage).

    Every stage works article by article (short forms are linked within each
    file), so the rows of a file do not depend on the other files of its batch.
    """
    import numpy as np

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
        parts = [_process_batch_tables([item], options) for item in batch]
        tables = {t: _concat([p.tables[t] for p in parts], parts[0].tables[t]) for t in FILE_TABLES}
        bounds = {t: [0, *np.cumsum([len(p.tables[t]) for p in parts]).tolist()] for t in tables}
        errs = {i: p.errors[0] for i, p in enumerate(parts) if p.errors}
        return _BatchResult(tables, bounds, errs)
    tables = process_frames(articles, link_by="source")
    counts = [len(records) for records in per_file]
    file_of = dict(
        zip(articles["article_id"], np.repeat(np.arange(len(batch)), counts), strict=True)
    )
    bounds = {}
    for name, frame in tables.items():
        owner = frame["article_id"].map(file_of).to_numpy(dtype="int64")
        if len(owner) and (np.diff(owner) < 0).any():
            raise RuntimeError(f"{name} rows are not in article order")
        bounds[name] = np.searchsorted(owner, np.arange(len(batch) + 1)).tolist()
    return _BatchResult(tables, bounds, errors)


def warm_up() -> None:
    """Load dictionaries, automata and lexicons once (before forking workers)."""
    process_frames(articles_frame([]))
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
    every table at least one row.
    """
    if not _SCHEMAS:
        from analysis.pages import parse_page

        frames = process_frames(parse_page(_SCHEMA_TEXT, issue_date="2023-08-09"))
        frames["keywords"] = _keywords(frames, BuildOptions())
        for name, frame in frames.items():
            _SCHEMAS[name] = _arrow_schema(frame, LIST_COLUMNS.get(name, ()))
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


def _to_arrow(frame: pd.DataFrame, schema=None):
    """The frame as an Arrow table of the given schema, with pandas metadata (dtypes come back)."""
    import pyarrow as pa

    schema = schema or _arrow_schema(frame)
    frame = frame[[f.name for f in schema]].reset_index(drop=True)
    for f in schema:
        if pa.types.is_list(f.type) and isinstance(frame[f.name].dtype, pd.ArrowDtype):
            continue
        if pa.types.is_list(f.type) and not all(isinstance(v, list) for v in frame[f.name]):
            frame[f.name] = [
                [] if v is None or (not hasattr(v, "__len__") and _is_na(v)) else list(v)
                for v in frame[f.name]
            ]
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    # pandas cannot read back the dtype name of an Arrow list column from the metadata;
    # record it as object, and load_tables maps list types to Arrow lists again
    meta = json.loads(table.schema.metadata[b"pandas"])
    for col in meta["columns"]:
        if "list" in str(col.get("numpy_type")):
            col["numpy_type"] = "object"
    return table.replace_schema_metadata(
        {**table.schema.metadata, b"pandas": json.dumps(meta).encode()}
    )


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
    tables: dict[str, pd.DataFrame], out_dir: Path, *, csv: bool = True
) -> dict[str, list[Path]]:
    """Write each table as ``<table>.parquet`` (and ``<table>.csv``) into ``out_dir``."""
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    schemas = {name: table_schema(name) for name in tables}

    def write_one(name: str) -> list[Path]:
        frame = tables[name]
        target = out_dir / f"{name}.parquet"
        _remove(target)
        pq.write_table(_to_arrow(frame, schemas[name]), target)
        paths = [target]
        if csv and name in CSV_TABLES:
            paths.append(write_csv(frame, out_dir / f"{name}.csv"))
        return paths

    # Arrow encodes, compresses and writes without the GIL: the tables go in parallel
    with ThreadPoolExecutor(max_workers=min(4, len(tables) or 1)) as pool:
        return dict(zip(tables, pool.map(write_one, tables), strict=True))


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """CSV that Excel opens with the Chinese intact: UTF-8 with a BOM, lists joined by ``|``.

    Written with pyarrow's CSV writer (several times faster than pandas').
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    flat = _csv_frame(frame)
    table = pa.Table.from_pandas(flat, preserve_index=False)
    with open(path, "wb") as fh:
        fh.write(b"\xef\xbb\xbf")
        pacsv.write_csv(table, fh)
    return path


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
        import pyarrow as pa
        import pyarrow.parquet as pq

        frame = pq.read_table(path).to_pandas(
            types_mapper=lambda t: (
                pd.ArrowDtype(pa.list_(pa.string())) if pa.types.is_list(t) else None
            )
        )
        out[name] = _restore_lists(frame.reset_index(drop=True), name)
    return out


class LazyTables(dict):
    """The built tables, each read from ``processed/`` the first time it is asked for.

    A rebuild with nothing changed returns these, so that printing a summary does
    not read the (large) tokens table.
    """

    def __init__(self, out_dir: Path):
        super().__init__()
        self._out_dir = Path(out_dir)

    def __missing__(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(name)
        frame = load_tables(self._out_dir, [name])[name]
        self[name] = frame
        return frame

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
def _keywords(tables: dict[str, pd.DataFrame], options: BuildOptions) -> pd.DataFrame:
    from analysis import keyterms

    articles = tables["articles"]
    return keyterms.keywords(articles, tokens=tables["tokens"], top=options.keyword_top)


def _concat(parts: list[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty
    return pd.concat(parts, ignore_index=True)


def _empty_tables() -> dict[str, pd.DataFrame]:
    return process_frames(articles_frame([]))


def _cache_path(cache_dir: Path, digest: str) -> Path:
    """Where an input's entry lives: it names the batch file holding its tables."""
    return cache_dir / digest[:2] / f"{digest}.ref"


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
            result.n_chars = _n_chars(result.tables["articles"])
            result.seconds = time.perf_counter() - started
            logger.info("nothing changed since the last build")
            return result

    cache_dir = out / "cache" / settings
    if engine == "dask":
        from analysis.dask_engine import build_dask

        tables, paths, n_processed = build_dask(
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
        per_file, n_processed = _run_local(
            files, digests, options, cache_dir, jobs=jobs, progress=progress, force=force
        )
        mark = _log_phase("processed %d of %d inputs", mark, n_processed, len(files))
        tables = _assemble(per_file, files, report, errors)
        del per_file  # the batch tables: only the assembled copies are kept
        mark = _log_phase("assembled the tables", mark)
        # the per-file tables are written (in threads) while keywords are computed
        with ThreadPoolExecutor(max_workers=1) as writer:
            written = writer.submit(write_tables, dict(tables), out, csv=csv)
            tables["keywords"] = _keywords(tables, options)
            mark = _log_phase("keywords", mark)
            paths = written.result()
        paths.update(write_tables({"keywords": tables["keywords"]}, out, csv=csv))
        _log_phase("wrote the tables", mark)
    manifest["skipped"] = report.skipped
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    result.tables, result.paths, result.n_processed = tables, paths, n_processed
    result.n_chars = _n_chars(tables["articles"])
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


def _n_chars(articles: pd.DataFrame) -> int:
    return int(articles["n_chars"].sum()) if len(articles) else 0


def _shown(path: str) -> str:
    from analysis.sources import _display

    return _display(Path(path))


def _run_local(files, digests, options, cache_dir, *, jobs, progress, force):
    """Per-file results in input order, from the cache or by processing (in parallel)."""
    results: list[dict | None] = [None] * len(files)
    todo = []
    loaded: dict = {}
    for i, digest in enumerate(digests):
        res = None if force else read_cache(cache_dir, digest, files[i][0], loaded)
        if res is None:
            todo.append(i)
        else:
            results[i] = res
    bar = None
    if progress and todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="processing", unit="file")
    # big batches amortise each stage's fixed costs; with several workers, keep at least
    # four batches per worker so that none waits for the last one
    size = _BATCH_FILES
    if jobs > 1:
        size = min(_BATCH_FILES, max(8, -(-len(todo) // (jobs * 4))))
    batches = [todo[k : k + size] for k in range(0, len(todo), size)]
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
        work = [
            ([files[i] for i in b], [digests[i] for i in b], options, cache_dir) for b in batches
        ]
        with ctx.Pool(jobs, initializer=initializer) as pool:
            # each worker writes its files' cache entries; results come back in input order
            for batch, output in zip(batches, pool.imap(_work, work), strict=True):
                _store(batch, output, results, bar)
    else:
        for batch in batches:
            work = ([files[i] for i in batch], [digests[i] for i in batch], options, cache_dir)
            _store(batch, _work(work), results, bar)
    if bar is not None:
        bar.close()
    return results, len(todo)


def write_cache(cache_dir: Path, digests: Sequence[str], result: _BatchResult) -> None:
    """Keep a batch's tables for the next build: one file for the batch, and for each
    input (bad ones excepted) a small entry naming that file and the input's place in it."""
    batch_name = hashlib.blake2b("".join(digests).encode(), digest_size=12).hexdigest()
    target = cache_dir / "batches" / f"{batch_name}.pkl"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    with open(tmp, "wb") as fh:
        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, target)
    for j, digest in enumerate(digests):
        if j in result.errors:
            continue
        entry = _cache_path(cache_dir, digest)
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_text(f"{batch_name} {j}", encoding="ascii")


def read_cache(cache_dir: Path, digest: str, path: str, loaded: dict | None = None) -> dict | None:
    """One input's cached tables, or None (absent or unreadable).

    ``loaded`` keeps the batch files read so far in this build, so that a batch
    is unpickled once however many of its inputs are asked for.
    """
    entry = _cache_path(cache_dir, digest)
    try:
        batch_name, j = entry.read_text(encoding="ascii").split()
        batch = None if loaded is None else loaded.get(batch_name)
        if batch is None:
            with open(cache_dir / "batches" / f"{batch_name}.pkl", "rb") as fh:
                batch = pickle.load(fh)
            if loaded is not None:
                loaded[batch_name] = batch
        j = int(j)
        if j >= len(batch.bounds["articles"]) - 1 or j in batch.errors:
            return None
    except FileNotFoundError:
        return None
    except Exception:  # a damaged cache entry is simply rebuilt
        logger.debug("cache entry %s unreadable; rebuilding", entry)
        return None
    return batch, j


def _work(item) -> _BatchResult:
    """Process a batch and cache its tables (runs in a worker process).

    The batch's tables go back whole (a few frames pickle much faster than a
    few per file); each file's rows are a range of them.
    """
    batch, digests, options, cache_dir = item
    result = _process_batch_tables(batch, options)
    write_cache(cache_dir, digests, result)
    return result


def _store(batch, output: _BatchResult, results, bar) -> None:
    for j, i in enumerate(batch):
        results[i] = (output, j)
    if bar is not None:
        bar.update(len(batch))


def _assemble(results: list, files, report: LoadReport, errors: str) -> dict[str, pd.DataFrame]:
    """The per-file results (cached dicts or ranges of batch tables) as tables, in input order."""
    empty = _empty_tables()
    pieces: dict[str, list] = {t: [] for t in FILE_TABLES}
    for (path, _), item in zip(files, results, strict=True):
        shown = _shown(path)
        error = item.get("error") if isinstance(item, dict) else item[0].errors.get(item[1])
        if error:
            if errors == "raise":
                raise InputError(error, path=shown, problem="input")
            report.skipped.append((shown, error))
            logger.warning("skipped %s", error)
            continue
        for t in FILE_TABLES:
            if isinstance(item, dict):
                pieces[t].append(item[t])
                continue
            batch, j = item
            lo, hi = batch.bounds[t][j], batch.bounds[t][j + 1]
            last = pieces[t][-1] if pieces[t] else None
            if isinstance(last, list) and last[0] is batch and last[2] == lo:
                last[2] = hi  # extend the range of the same batch
            else:
                pieces[t].append([batch, lo, hi])
        n_articles = (
            len(item["articles"])
            if isinstance(item, dict)
            else item[0].bounds["articles"][item[1] + 1] - item[0].bounds["articles"][item[1]]
        )
        report.loaded.append((shown, n_articles))
    tables = {}
    for t in FILE_TABLES:
        frames = [
            p if isinstance(p, pd.DataFrame) else p[0].tables[t].iloc[p[1] : p[2]]
            for p in pieces[t]
        ]
        tables[t] = _concat(frames, empty[t])
    # the source shown is where each file is now, not where it was when processed
    import numpy as np

    sources = np.repeat([p for p, _ in report.loaded], [n for _, n in report.loaded])
    if len(sources) == len(tables["articles"]):
        tables["articles"]["source"] = pd.array(sources.tolist(), dtype="str")
    return tables
