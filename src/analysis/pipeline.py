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

import logging
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import config
from analysis.cache import prune_cache
from analysis.errors import InputError
from analysis.publish import (
    ExportStats,
    LazyTables,
    OutputError,
    TableSet,
    TableStream,
    build_lock,
    clean_output_folder,
    count_chars,
    load_tables,
    output_error,
    read_manifest,
    set_is_whole,
    write_csv,
    write_excel,
    write_tables,
    write_term_counts,
)
from analysis.sources import LoadReport, input_files
from analysis.stages import (
    CSV_TABLES,
    FILE_TABLES,
    LIST_COLUMNS,
    TABLES,
    Assembler,
    BuildOptions,
    columns_of,
    digest_input,
    keywords_table,
    link_event_table,
    mark_corpus_duplicates,
    preload_idf,
    process_frames,
    run_local,
    settings_digest,
    shown_path,
    table_schema,
    use_system_allocator,
    warm_up,
)

if TYPE_CHECKING:  # a build with nothing changed imports no pandas
    import pandas as pd

#: Names other modules and notebooks import from here.
__all__ = [
    "CSV_TABLES",
    "FILE_TABLES",
    "LIST_COLUMNS",
    "TABLES",
    "BuildOptions",
    "BuildResult",
    "build",
    "load_tables",
    "process_frames",
    "settings_digest",
    "table_schema",
    "warm_up",
    "write_csv",
    "write_excel",
]

logger = logging.getLogger(__name__)


@dataclass
class BuildResult:
    """What a build did.

    Attributes:
        tables: the tables built (or loaded back when nothing changed).
        paths: the files written, by table.
        report: the load report (files loaded, skipped with the reason, ignored).
        n_inputs: input files found; ``n_processed`` of them were (re)processed,
            ``n_cached`` came from the cache, the others were skipped (listed in
            ``report.skipped`` with the reason).
        unchanged: True when nothing changed since the last build.
        seconds: wall-clock time of the build.
        n_chars: characters of text (titles and bodies) in the articles table.
        exports: what the CSV files changed to be safe to open in a spreadsheet.
        counts: what the summary says of the tables (:func:`table_counts`).
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    paths: dict[str, list[Path]] = field(default_factory=dict)
    report: LoadReport = field(default_factory=LoadReport)
    n_inputs: int = 0
    n_processed: int = 0
    unchanged: bool = False
    seconds: float = 0.0
    n_chars: int = 0
    exports: ExportStats = field(default_factory=ExportStats)
    keep_duplicates: bool = False
    counts: dict | None = None

    @property
    def n_cached(self) -> int:
        """Inputs whose tables came from the cache."""
        return len(self.report.loaded) - self.n_processed

    def summary(self) -> str:
        """A few lines for the terminal."""
        counts = self.counts if self.counts is not None else table_counts(self.tables)
        rows = counts["rows"]
        lines = [
            f"{self.n_inputs} input file(s): {self.n_processed} processed, "
            f"{self.n_cached} from cache, {len(self.report.skipped)} skipped"
            + (" (nothing changed)" if self.unchanged else ""),
        ]
        if not self.report.loaded:
            lines.append("no input could be read")
        if "articles" in rows:
            lines.append(f"articles: {rows['articles']:,} ({counts['chars']:,} characters)")
            if line := _duplicates_line(counts["duplicates"], self.keep_duplicates):
                lines.append(line)
        for name in ("mentions", "events", "keywords"):
            if name in rows:
                lines.append(f"{name}: {rows[name]:,} rows")
        if "events_by_type" in counts:
            by_type = counts["events_by_type"]
            lines.append("events by type: " + ", ".join(f"{k} {v}" for k, v in by_type))
        for path, why in self.report.skipped:
            lines.append(f"SKIPPED {path}: {why}")
        for path, why in self.report.ignored:
            lines.append(f"ignored {path}: {why}")
        for path, note in self.report.notes:
            lines.append(f"note {path}: {note}")
        if line := self.exports.summary("CSV"):
            lines.append(line)
        lines.append(f"done in {self.seconds:.1f} s")
        return "\n".join(lines)


def table_counts(tables: dict) -> dict:
    """What the summary says of the tables: the rows of each, the characters of the
    articles, the articles repeating an earlier one by rule, the counted events by type.

    The build keeps them in the manifest (``counts``), so that a rebuild with nothing
    changed says them without reading a table (nor importing pandas).
    """
    # the columns needed, not whole tables (a build returns its tables unconverted)
    n_rows = tables.n_rows if isinstance(tables, LazyTables) else (lambda name: len(tables[name]))
    names = ("articles", "mentions", "events", "keywords")
    counts: dict = {"rows": {name: n_rows(name) for name in names if name in tables}}
    if "articles" in tables:
        articles = columns_of(tables, "articles", ["n_chars", "duplicate_rule"])
        counts["chars"] = count_chars(articles)
        rules = articles["duplicate_rule"].fillna("")
        by_rule = rules[rules.ne("")].value_counts()
        counts["duplicates"] = {str(k): int(v) for k, v in by_rule.items()}
    if "events" in tables and counts["rows"]["events"]:
        events = columns_of(tables, "events", ["counted", "type_label"])
        by_type = events["type_label"][events["counted"]].value_counts()
        counts["events_by_type"] = [[str(k), int(v)] for k, v in by_type.items()]
    return counts


def _duplicates_line(by_rule: dict[str, int], kept: bool = False) -> str:
    """How many articles repeat an earlier one, by rule ("" when none)."""
    if not by_rule:
        return ""
    from analysis.select import DUPLICATE_RULES

    order = [r for r in DUPLICATE_RULES if r in by_rule]
    order += sorted(set(by_rule) - set(order))
    return (
        f"duplicates: {sum(by_rule.values()):,} article(s) repeat an earlier one ("
        + ", ".join(f"{k} {by_rule[k]:,}" for k in order)
        + "); marked in duplicate_of, "
        + ("kept in counts (--keep-duplicates)" if kept else "left out of counts and keywords")
    )


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
    figures_dir: str | os.PathLike | None = None,
    sheet: str | None = None,
    dayfirst: bool = False,
    keep_duplicates: bool = False,
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
        sheet: read only this sheet of workbooks (default: every sheet with a text
            column).
        dayfirst: read tables' ``09/08/2023`` as 9 August (default: 8 September).
        figures_dir: the folder of figures and the report (``config.FIGURES_DIR`` when
            None): like ``out_dir``, never read as input.
        keep_duplicates: count duplicate articles too. The articles table always
            marks the articles that repeat an earlier one (``duplicate_of``,
            ``duplicate_rule``: :func:`analysis.select.find_duplicates`, over the whole
            corpus); by default their events are not counted (``counted`` false) and
            they get no keywords nor weigh in the others'.

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
    if issue_date is not None:  # one form in the cache key, and a bad one refused at once
        from analysis import dates

        issue_date = dates.issue_timestamp(issue_date).strftime("%Y-%m-%d")
    options = BuildOptions(
        issue_date=issue_date,
        layout=layout,
        sheet=sheet,
        dayfirst=dayfirst,
        keep_duplicates=keep_duplicates,
    )
    report = LoadReport()
    figures = Path(figures_dir) if figures_dir is not None else config.FIGURES_DIR
    outputs = [
        (out, "the build's output folder (tables, cache): never read as input"),
        (figures, "the figures and report folder: never read as input"),
    ]
    found = input_files(inputs, report, errors=errors, exclude=outputs)
    settings = settings_digest(options)
    if engine == "dask" or _hash_first(out, settings, force):
        files, digests = _hashed(found, report, errors)
    else:
        # every input is processed: each is hashed by the worker that reads it
        files = list(found)
        digests = [None] * len(files)
    n_found_bad = len(report.skipped)  # never processed: not in the manifest's inputs
    manifest = {
        "settings": settings,
        "engine": engine,
        "keep_duplicates": keep_duplicates,
        "inputs": [[p, k, d] for (p, k), d in zip(files, digests, strict=True)],
    }
    result = BuildResult(
        report=report, n_inputs=len(files) + n_found_bad, keep_duplicates=keep_duplicates
    )
    try:
        # one build at a time writes into a folder; what a stopped build left is
        # finished (a half-published set) or removed (unpublished sets, temporary files)
        with build_lock(out):
            clean_output_folder(out)
            _build_tables(
                result, files, digests, manifest, out, options, engine, scheduler, jobs,
                errors, force, progress, csv,
            )  # fmt: skip
    except OSError as exc:
        if isinstance(exc, OutputError):
            raise
        raise output_error(out, exc) from exc
    result.seconds = time.perf_counter() - started
    return result


def _hash_first(out: Path, settings: str, force: bool) -> bool:
    """Whether to hash the inputs before processing them: to find what the last build
    or the cache already has. A forced build, or one into a folder with neither a build
    nor a cache of these settings, processes every input: then each file is hashed as
    it is read, once (a first build reads its inputs once, not twice)."""
    if force:
        return False
    previous, _ = read_manifest(out)
    if previous and previous.get("settings") == settings:
        return True
    return any((out / "cache" / settings / "batches").glob("*.idx"))


def _hashed(found, report: LoadReport, errors: str) -> tuple[list, list[str]]:
    """The inputs that can be read, and their digests (the cache's keys); the others
    are skipped (named in the report with the problem) or, with ``errors="raise"``,
    stop the build."""
    files, digests = [], []
    for p, key in found:
        try:
            digest = digest_input(p, key)
        except InputError as exc:
            if errors == "raise":
                raise
            report.skip(exc.path or str(p), str(exc))
            logger.info("skipped %s", exc)
            continue
        files.append((p, key))
        digests.append(digest)
    return files, digests


def _build_tables(
    result, files, digests, manifest, out, options, engine, scheduler, jobs, errors, force,
    progress, csv,
) -> None:  # fmt: skip
    """The build into ``out``, holding its lock: the tables of ``result``, or nothing
    when nothing changed since the last build."""
    report = result.report
    n_found_bad = len(report.skipped)
    previous, _ = read_manifest(out)
    if (
        not force
        and previous
        and {k: previous.get(k) for k in manifest} == manifest
        and set_is_whole(out, previous)
    ):
        report.skipped.extend(tuple(x) for x in previous.get("skipped", []))
        report.loaded.extend(tuple(x) for x in previous.get("loaded", []))
        report.notes.extend(tuple(x) for x in previous.get("notes", []))
        result.unchanged = True
        result.tables = LazyTables(out)
        # (a manifest of an older build may have no counts: read from the tables then)
        result.counts = previous.get("counts") or table_counts(result.tables)
        result.n_chars = result.counts.get("chars", 0)
        logger.info("nothing changed since the last build")
        return

    cache_dir = out / "cache" / manifest["settings"]
    staged = TableSet(out)  # the new tables go here, and are published when complete
    try:
        if engine == "dask":
            from analysis.dask_engine import build_dask

            exports = ExportStats()
            tables, paths, n_processed, used = build_dask(
                files,
                digests,
                options,
                staged.folder,
                cache_dir,
                jobs=jobs,
                scheduler=scheduler,
                report=report,
                errors=errors,
                progress=progress,
                force=force,
                stats=exports,
            )
        else:
            tables, paths, n_processed, used, exports = _build_local(
                files, digests, options, staged.folder, cache_dir, report, errors, jobs,
                progress, force, csv,
            )  # fmt: skip
        # the digests are all known now: a file that could not be read has none, and is
        # left out of the manifest as when the build hashes its inputs first (its skip
        # is said again by every build)
        unread = {shown_path(p) for (p, _), d in zip(files, digests, strict=True) if d is None}
        manifest["inputs"] = [
            [p, k, d] for (p, k), d in zip(files, digests, strict=True) if d is not None
        ]
        manifest["skipped"] = [s for s in report.skipped[n_found_bad:] if s[0] not in unread]
        manifest["loaded"] = report.loaded
        manifest["notes"] = report.notes
        manifest["counts"] = table_counts(tables)
        published = staged.publish(manifest)
    except BaseException:
        staged.discard()
        raise
    prune_cache(cache_dir, used)
    # inputs processed again that gave tables (a bad input is never cached: processed
    # by every build, it counts as skipped)
    n_processed -= len(report.skipped) - n_found_bad
    result.tables, result.n_processed, result.exports = tables, n_processed, exports
    result.paths = {
        name: [published[p.relative_to(staged.folder).as_posix()] for p in files_of]
        for name, files_of in paths.items()
    }
    result.counts = manifest["counts"]
    result.n_chars = result.counts.get("chars", 0)


def _build_local(
    files, digests, options, folder, cache_dir, report, errors, jobs, progress, force, csv
):
    """The build on this machine's processes, its tables written into ``folder``."""
    mark = time.perf_counter()
    use_system_allocator()  # (where Arrow's buffers come from: see there why)
    # keywords need jieba's general IDF at the end: read it while the inputs are
    # processed (with several jobs it is read before the workers fork, never during)
    if jobs == 1:
        threading.Thread(target=preload_idf, daemon=True).start()
    # the file tables are written, in input order, while the inputs are processed; the
    # articles (their duplicates) and events (not counted when of a duplicate) are
    # written at the end, when the whole corpus is known
    stream = TableStream(folder, csv=csv, tables=_STREAMED)
    assembler = Assembler(files, report, errors, stream)
    try:
        _, n_processed, used = run_local(
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
        # the tables that need the whole corpus are written (Arrow encodes, compresses
        # and writes without the GIL) as soon as each is final, while the next is made
        exports = stream.stats

        def write(name: str, table) -> tuple[dict, ExportStats]:
            stats = ExportStats()  # (what its CSV file changed to be safe to open)
            return write_tables({name: table}, folder, csv=csv, stats=stats), stats

        with ThreadPoolExecutor(max_workers=3) as writer:
            arrow = assembler.tables()
            # the term counts merged (Arrow and NumPy: mostly without the GIL) and written
            # (for the report; the articles' rows are the counts' rows) while the
            # duplicates are found
            merged = writer.submit(assembler.term_counts)
            ids = arrow["articles"].column("article_id")
            terms_written = writer.submit(lambda: write_term_counts(merged.result(), ids, folder))
            arrow = mark_corpus_duplicates(arrow, options, assembler.duplicate_keys())
            written = [writer.submit(write, "articles", arrow["articles"])]
            mark = _log_phase("duplicates", mark)

            # one event, many articles: linked over the whole corpus (duplicates' events,
            # no longer counted, are their own roots), in Python, and written, while the
            # keywords are scored (NumPy and Arrow, mostly without the GIL)
            def link_and_write(events):
                linked = link_event_table(events)
                return linked, write("events", linked)

            events_written = writer.submit(link_and_write, arrow["events"])
            terms = merged.result()
            articles = LazyTables(arrow={"articles": arrow["articles"]})
            keywords = keywords_table(articles, options, terms)
            written.append(writer.submit(write, "keywords", keywords))
            arrow["events"], events_paths = events_written.result()
            tables = LazyTables(arrow=arrow)
            tables["keywords"] = keywords
            mark = _log_phase("keywords and events", mark)
            paths = stream.close()
            for table_paths, table_exports in [*(w.result() for w in written), events_paths]:
                paths.update(table_paths)
                exports.add(table_exports)
            terms_written.result()
    except BaseException:
        stream.abort()
        raise
    paths = {name: paths[name] for name in TABLES}  # (in the tables' order)
    _log_phase("wrote the tables", mark)
    return tables, paths, n_processed, used, exports


#: The tables written while the inputs are processed (the others need the whole corpus).
_STREAMED = ("tokens", "mentions")


def _log_phase(what: str, since: float, *args) -> float:
    now = time.perf_counter()
    logger.info(what + " in %.2f s", *args, now - since)
    return now
