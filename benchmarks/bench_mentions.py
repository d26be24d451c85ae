"""Speed of mention extraction on a corpus generated from the sample page.

The corpus: the paragraphs of the sample page's articles (``analysis.load_articles`` on
``data/raw``) are shuffled with a fixed seed and dealt into synthetic articles of 3 to 8
paragraphs (each titled with one of the sample titles), repeating until the corpus holds
the wanted number of characters. Time is the best of ``--repeat`` runs of
:func:`analysis.find_mentions` on one core (the rules are built once beforehand); CPU
time (``time.process_time``) is shown beside wall time because a shared machine inflates
the latter.

Run::

    python benchmarks/bench_mentions.py --chars 2000000 5000000
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import random
import sys
import time

import pandas as pd

import analysis
from analysis import config
from analysis.mentions import find_mentions

logger = logging.getLogger("bench_mentions")


def make_corpus(n_chars: int, seed: int = 0) -> pd.DataFrame:
    """A synthetic articles table of about ``n_chars`` characters of title + body."""
    sample = analysis.load_articles(config.RAW_DIR)
    paragraphs = [p for body in sample["body"] for p in body.split("\n") if p]
    titles = sample["title"].tolist()
    rng = random.Random(seed)
    rows, total, i = [], 0, 0
    while total < n_chars:
        body = "\n".join(rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(3, 8))))
        title = titles[i % len(titles)]
        article_id = hashlib.sha1(f"bench-{seed}-{i}".encode()).hexdigest()[:16]
        rows.append({"article_id": article_id, "title": title, "body": body})
        total += len(title) + len(body)
        i += 1
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stdout, format="%(message)s")

    find_mentions(make_corpus(10_000))  # build and cache the rules
    lines = [
        "| corpus chars | articles | mentions | wall s | chars/s (wall) | cpu s | chars/s (cpu) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n_chars in args.chars:
        corpus = make_corpus(n_chars)
        size = int(corpus["title"].str.len().sum() + corpus["body"].str.len().sum())
        best, best_cpu, n_mentions = float("inf"), float("inf"), 0
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            n_mentions = len(find_mentions(corpus))
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        lines.append(
            f"| {size:,} | {len(corpus):,} | {n_mentions:,} | {best:.2f} | {size / best:,.0f} "
            f"| {best_cpu:.2f} | {size / best_cpu:,.0f} |"
        )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
