"""The build on Dask: the same per-file stages as tasks, tables written as Parquet parts.

Each batch of input files is one task; the task processes its files (or takes
them from the shared cache), writes one Parquet part per table into
``<set>/<table>.parquet/part-NNNNN.parquet`` and returns its load report. ``<set>``
is the folder of a new table set (:class:`analysis.publish.TableSet`), published by
the build when every table is complete: the old tables stay whole until then. The
parts are numbered in input order, so reading a table's folder gives the rows in
the same order as the single-process build. Keywords need the whole corpus and
are computed on the client from the term counts each task returns.

With ``scheduler=None`` a local cluster (processes) is started for the build
and closed after it; otherwise the client connects to that scheduler, whose
workers must see the input and output folders at the same paths.
"""

from __future__ import annotations

import logging
from pathlib import Path

from analysis.errors import InputError

logger = logging.getLogger(__name__)

_DASK_BATCH_FILES = 32


def _task(
    index: int,
    batch: list[tuple[str, str, str]],
    options,
    out: str,
    cache_dir: str,
    force: bool,
) -> dict:
    """Process one batch of files on a worker; write its parts; return its report."""
    from analysis import stages
    from analysis.sources import LoadReport

    files = [(path, key) for path, key, _ in batch]
    digests = [digest for _, _, digest in batch]
    results, processed, used = stages.run_local(
        files, digests, options, Path(cache_dir), jobs=1, progress=False, force=force
    )
    report = LoadReport()
    tables, terms = stages.assemble(results, files, report, "warn")
    loaded, skipped = report.loaded, report.skipped
    import pyarrow.parquet as pq

    for t in stages.FILE_TABLES:
        folder = Path(out) / f"{t}.parquet"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(tables[t], folder / f"part-{index:05d}.parquet")
    return {
        "loaded": loaded,
        "skipped": skipped,
        "notes": report.notes,
        "processed": processed,
        "terms": terms,
        "used": used,
    }


def build_dask(
    files,
    digests,
    options,
    out: Path,
    cache_dir: Path,
    *,
    jobs,
    scheduler,
    report,
    errors,
    progress,
    force,
    stats=None,
):
    """Run the build on Dask; returns ``(tables, paths, n_processed, used)``, ``used``
    naming the cached batches the tables come from."""
    import pyarrow.parquet as pq
    from dask.distributed import Client, LocalCluster, as_completed

    from analysis import publish, stages
    from analysis.keyterms import TermCounts

    out.mkdir(parents=True, exist_ok=True)  # the folder of a new, unpublished table set
    items = [(p, k, d) for (p, k), d in zip(files, digests, strict=True)]
    batches = [items[i : i + _DASK_BATCH_FILES] for i in range(0, len(items), _DASK_BATCH_FILES)]
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        client = Client(cluster)
    try:
        futures = [
            client.submit(_task, i, b, options, str(out), str(cache_dir), force, pure=False)
            for i, b in enumerate(batches)
        ]
        bar = None
        if progress and futures:
            from analysis.progress import progress_bar

            bar = progress_bar(total=len(futures), desc="dask tasks", unit="batch")
        for _ in as_completed(futures):
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
        results = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    n_processed = 0
    used = set()
    for res in results:
        used |= res["used"]
        report.loaded.extend(res["loaded"])
        report.notes.extend(res["notes"])
        n_processed += res["processed"]
        for path, why in res["skipped"]:
            if errors == "raise":
                raise InputError(why, path=path, problem="input")
            report.skip(path, why)
    tables = publish.load_tables(out, stages.FILE_TABLES)
    if not batches:
        tables = stages.empty_tables()
    # duplicates over the whole corpus: the articles and events parts written again as one
    tables = stages.mark_corpus_duplicates(tables, options)
    # the merge step: the events' reports linked over the whole corpus, not per task
    from analysis.events import link_events

    tables["events"] = link_events(tables["events"])

    for name in ("articles", "events"):
        folder = out / f"{name}.parquet"
        for part in folder.glob("*.parquet"):
            part.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(
            stages.to_arrow(tables[name], stages.table_schema(name)), folder / "part-00000.parquet"
        )
    # the term counts of the tasks, in task order (the rows of the tables' parts)
    terms = TermCounts.concat([(r["terms"], 0, r["terms"].counts.shape[0]) for r in results])
    tables["keywords"] = stages.keywords_table(tables, options, terms)
    paths = {t: sorted((out / f"{t}.parquet").glob("*.parquet")) for t in stages.FILE_TABLES}

    kw = out / "keywords.parquet"
    kw.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        stages.to_arrow(tables["keywords"], stages.table_schema("keywords")),
        kw / "part-00000.parquet",
    )
    paths["keywords"] = [kw / "part-00000.parquet"]
    # (the articles' rows are the term counts' rows, as keywords_table takes them)
    publish.write_term_counts(terms, tables["articles"]["article_id"], out)
    for name in stages.CSV_TABLES:
        paths[name].append(publish.write_csv(tables[name], out / f"{name}.csv", stats))
    return tables, paths, n_processed, used
