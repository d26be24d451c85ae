"""CPU seconds of each stage of the build on a folder, in one process pinned to one CPU,
best of a few rounds: the A/B of two source trees is this script run with
``PYTHONPATH=<tree>/src`` for each, in turn.

    python benchmarks/stage_time.py FOLDER [--rounds 3] [--only parse,tokens,...]

- parse: ``analysis.load_articles(FOLDER)`` (the duplicates pass included)
- tokens: ``tokens_table``; mentions: ``find_mentions``; events: ``find_events``
- keys: ``select.duplicate_keys`` (what the duplicates pass compares)
- batch: ``stages.process_batch_tables`` over the folder in batches of 512 files, the
  whole of a build worker's job
"""

from __future__ import annotations

import argparse
import gc
import os
import time

STAGES = ("parse", "tokens", "mentions", "events", "keys", "batch")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="parse,tokens,mentions,events,keys")
    args = parser.parse_args(argv)
    only = args.only.split(",")
    unknown = set(only) - set(STAGES)
    if unknown:
        parser.error(f"unknown stages {sorted(unknown)}: choose among {', '.join(STAGES)}")

    import analysis
    from analysis import select, stages
    from analysis.events import find_events
    from analysis.mentions import find_mentions
    from analysis.sources import LoadReport, input_files
    from analysis.text import tokens_table

    # Arrow's buffers from where the build takes them (trees before 72fde0b: pyarrow's own)
    getattr(stages, "use_system_allocator", lambda: None)()
    stages.warm_up()
    stages.preload_idf()
    files = list(input_files([args.folder], LoadReport()))
    best: dict[str, float] = {}

    def timed(name, func, *func_args):
        gc.collect()
        start = time.process_time()
        out = func(*func_args)
        best[name] = min(best.get(name, float("inf")), time.process_time() - start)
        return out

    def batches():
        for i in range(0, len(files), 512):
            stages.process_batch_tables(files[i : i + 512], stages.BuildOptions())

    articles = analysis.load_articles(args.folder)
    mentions = find_mentions(articles)
    for _ in range(args.rounds):
        if "parse" in only:
            articles = timed("parse", analysis.load_articles, args.folder)
        if "tokens" in only:
            timed("tokens", tokens_table, articles)
        if "mentions" in only:
            mentions = timed("mentions", find_mentions, articles)
        if "events" in only:
            timed("events", find_events, articles, mentions)
        if "keys" in only:
            timed("keys", select.duplicate_keys, articles)
        if "batch" in only:
            timed("batch", batches)
    print(" ".join(f"{k} {v:.2f}" for k, v in best.items()))
    return 0


if __name__ == "__main__":
    if hasattr(os, "sched_setaffinity"):  # (pinned when run, not when imported)
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    raise SystemExit(main())
