"""Parse throughput of analysis.parse_page on one core, and of the load path for comparison.

The corpus is generated from the sample page by ``benchmarks/corpus.py`` (see its
docstring): pages of 8-12 kB like the sample, ``--chars`` characters in all. The
process is pinned to one CPU core where the OS allows. Rows:

* ``parse_page``: ``parse_page(text, source=name)`` over the pages held in memory
  (best of ``--repeat`` runs); target at least 2,000,000 characters per second;
* ``parse_page (keep_boilerplate)``: the same, keeping footers and headings;
* ``load_articles``: ``analysis.load_articles(folder)`` over the same pages written
  to a temporary folder (reading, decoding, parsing and the one articles table).

Characters are those of the page texts (Python ``str`` length). CPU time
(``time.process_time``) is shown beside wall time: a shared machine inflates wall time.

Run::

    python benchmarks/bench_pages.py                  # 5,000,000 characters
    python benchmarks/bench_pages.py --chars 1000000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import analysis
from analysis.pages import parse_page

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # the shared generator next to this script
from bench_build import code_version

TARGET = 2_000_000


def pin_one_core() -> str:
    """Pin this process to its first allowed CPU; returns a note for the output."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    cpu = sorted(os.sched_getaffinity(0))[0]
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def best_of(repeat: int, func) -> tuple[float, float]:
    """Best wall and CPU seconds of ``repeat`` calls of ``func()``."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        func()
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=5_000_000, help="corpus size (characters)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the best is shown")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    print(f"code: {code_version()}")
    pinned = pin_one_core()
    t0 = time.perf_counter()
    pages = corpus.pages_in_memory(args.chars, args.seed)
    n_chars = sum(len(text) for _, text in pages)
    made = time.perf_counter() - t0
    print(
        f"corpus: {len(pages):,} pages, {n_chars:,} characters "
        f"(generated in {made:.1f} s, seed {args.seed}); {pinned}\n"
    )
    parse_page(pages[0][1], source=pages[0][0])  # warm up: compiled rules, converters

    rows = []
    wall, cpu = best_of(args.repeat, lambda: [parse_page(t, source=n) for n, t in pages])
    rows.append(("parse_page", wall, cpu, TARGET))
    wall, cpu = best_of(
        args.repeat,
        lambda: [parse_page(t, source=n, keep_boilerplate=True) for n, t in pages],
    )
    rows.append(("parse_page (keep_boilerplate)", wall, cpu, None))
    with tempfile.TemporaryDirectory(prefix="bench_pages_") as tmp:
        corpus.make_corpus(tmp, args.chars, args.seed)
        analysis.load_articles(tmp)  # warm the page cache and the loader
        wall, cpu = best_of(args.repeat, lambda: analysis.load_articles(tmp))
        rows.append(("load_articles (folder)", wall, cpu, None))

    header = (
        f"| {'step':<30} | {'pages':>6} | {'chars':>10} | {'wall s':>7} | {'chars/s':>10} "
        f"| {'cpu s':>6} | {'chars/s cpu':>11} | {'target':>8} | result |"
    )
    print(header)
    print("|" + "|".join("-" * len(c) for c in header.split("|")[1:-1]) + "|")
    for name, wall, cpu, target in rows:
        rate = n_chars / wall
        verdict = "n/a" if target is None else ("PASS" if rate >= target else "FAIL")
        goal = "n/a" if target is None else f"≥{target / 1e6:.0f}M"
        print(
            f"| {name:<30} | {len(pages):>6,} | {n_chars:>10,} | {wall:>7.2f} | {rate:>10,.0f} "
            f"| {cpu:>6.2f} | {n_chars / cpu:>11,.0f} | {goal:>8} | {verdict:<6} |"
        )
    print(f"\nbest of {args.repeat} run(s) per row; chars/s counts page characters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
