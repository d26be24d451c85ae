"""Speed of the text layer against plain jieba, on the same text in the same run.

The corpus is generated from the sample page only: the paragraphs of its articles
(``analysis.load_articles`` on ``config.RAW_DIR``) are drawn at random with a seeded
generator and shuffled into synthetic articles of one sample title plus 3 to 8
paragraphs, until the requested number of characters is reached. Each step warms
its tokenizer up first, so dictionary loading is not timed.

Steps:

* ``tokenize``: ``analysis.tokenize(list)`` (rjieba backend, project dictionaries)
  against ``jieba.lcut`` per article (target: at least 5x);
* ``pos``: ``analysis.tokenize(list, pos=True)`` against ``jieba.posseg.lcut``
  (target: at least 20x);
* ``keywords``: ``analysis.keywords`` for ``--articles`` synthetic articles, with
  tokenization included and on precomputed tokens, per method (target: tfidf under
  10 s including tokenization, one core).

Usage::

    python benchmarks/bench_text.py                 # ~2M characters, 10,000 articles
    python benchmarks/bench_text.py --chars 500000 --articles 2000
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core for numpy/scipy
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import logging
import random
import time

import pandas as pd

import analysis
from analysis import config


def sample_paragraphs() -> tuple[list[str], list[str]]:
    articles = analysis.load_articles(config.RAW_DIR)
    paragraphs = [p for body in articles["body"] for p in body.split("\n") if p.strip()]
    return list(articles["title"]), paragraphs


def synthetic_articles(n_chars: int | None, n_articles: int | None, seed: int) -> pd.DataFrame:
    titles, paragraphs = sample_paragraphs()
    rng = random.Random(seed)
    rows, total = [], 0
    while (n_chars is not None and total < n_chars) or (
        n_articles is not None and len(rows) < n_articles
    ):
        body = "\n".join(rng.sample(paragraphs, rng.randint(3, min(8, len(paragraphs)))))
        title = rng.choice(titles)
        rows.append(
            {
                "article_id": f"{len(rows):016x}",
                "title": title,
                "body": body,
                "date": pd.Timestamp("2023-01-01") + pd.Timedelta(days=rng.randrange(365)),
                "paper": rng.choice(["无锡日报", "江南晚报", "新华日报"]),
            }
        )
        total += len(title) + 1 + len(body)
    return pd.DataFrame(rows)


def timed(func, *args, **kwargs) -> float:
    start = time.perf_counter()
    func(*args, **kwargs)
    return time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=2_000_000, help="corpus size (characters)")
    parser.add_argument("--articles", type=int, default=10_000, help="articles for keywords")
    parser.add_argument("--seed", type=int, default=20230809)
    args = parser.parse_args(argv)
    logging.getLogger("jieba").setLevel(logging.WARNING)

    import jieba
    import jieba.posseg

    corpus = synthetic_articles(args.chars, None, args.seed)
    texts = list(corpus["title"] + "\n" + corpus["body"])
    n_chars = sum(map(len, texts))
    rows = []

    jieba.initialize()
    analysis.tokenize("预热", backend="rjieba")
    analysis.tokenize("预热", backend="jieba")
    plain = timed(lambda: [jieba.lcut(t) for t in texts])
    ours = timed(analysis.tokenize, texts)
    ref = timed(analysis.tokenize, texts, backend="jieba")
    rows.append(("tokenize (rjieba)", n_chars, plain, ours, "≥5×"))
    rows.append(("tokenize (jieba backend)", n_chars, plain, ref, "reference"))

    jieba.posseg.lcut("预热")
    analysis.tokenize("预热", pos=True)
    plain = timed(lambda: [jieba.posseg.lcut(t) for t in texts])
    ours = timed(analysis.tokenize, texts, pos=True)
    rows.append(("pos (rjieba)", n_chars, plain, ours, "≥20×"))

    print(f"corpus: {len(texts):,} articles, {n_chars:,} characters\n")
    print(
        f"{'step':<26}{'chars':>12}{'jieba s':>10}{'ours s':>10}{'ours chars/s':>15}"
        f"{'speed-up':>10}  target"
    )
    for name, chars, base, mine, target in rows:
        print(
            f"{name:<26}{chars:>12,}{base:>10.2f}{mine:>10.2f}{chars / mine:>15,.0f}"
            f"{base / mine:>9.1f}×  {target}"
        )

    articles = synthetic_articles(None, args.articles, args.seed + 1)
    n_chars = int((articles["title"].str.len() + 1 + articles["body"].str.len()).sum())
    print(f"\nkeywords: {len(articles):,} articles, {n_chars:,} characters (target tfidf < 10 s)")
    start = time.perf_counter()
    tokens = analysis.tokens_table(articles)
    t_tokens = time.perf_counter() - start
    print(f"{'tokens_table':<34}{t_tokens:>8.2f} s")
    for method in ("tfidf", "textrank", "log_odds"):
        for by in (None, "month"):
            secs = timed(analysis.keywords, articles, by=by, method=method, tokens=tokens)
            label = f"{method}, by={by or 'article'}"
            print(f"{label:<34}{secs:>8.2f} s   (with tokenization {secs + t_tokens:.2f} s)")


if __name__ == "__main__":
    main()
