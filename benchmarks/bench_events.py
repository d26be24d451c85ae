"""Benchmark of analysis.find_events on a corpus grown from the sample page.

How the corpus is made: the sample page (data/raw) is loaded with
``analysis.load_articles``; its 5 titles and 13 body paragraphs form a pool.
Each synthetic article takes a random title and 2-6 body paragraphs drawn with
replacement in random order (seeded), and a random date in 2021-2024, until the
corpus reaches the target size in characters (title + body). Mentions come from
``analysis.find_mentions`` when it exists, else from a small Aho-Corasick
gazetteer below; making them is not timed. Only ``find_events(articles, mentions)``
is timed (best of ``--repeat`` runs), pinned to one CPU core when the OS allows;
both wall-clock and process CPU time are shown (CPU time is the fair figure on a
shared, loaded machine).

Run:
    python benchmarks/bench_events.py              # 1M and 5M characters
    python benchmarks/bench_events.py --sizes 2e6 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import random
import time

import ahocorasick
import pandas as pd

import analysis
from analysis import config
from analysis.events import find_events, load_event_lexicon

SURFACES = {
    "上海张江高科技园区": ("park:zhangjiang", "park"),
    "南京高新区": ("park:nanjing", "park"),
    "无锡高新区": ("park:wuxi", "park"),
    "苏州高新区": ("park:suzhou", "park"),
    "盐城高新区": ("park:yancheng", "park"),
    "杭州高新区": ("park:hangzhou", "park"),
    "宁波高新区": ("park:ningbo", "park"),
    "合肥高新区": ("park:hefei", "park"),
    "芜湖高新区": ("park:wuhu", "park"),
    "紫竹高新区": ("park:zizhu", "park"),
    "昆山高新区": ("park:kunshan", "park"),
    "科技部火炬中心": ("org:科技部火炬中心", "government"),
    "康明斯(中国)投资有限公司": ("org:康明斯(中国)投资有限公司", "company"),
    "康明斯": ("org:康明斯(中国)投资有限公司", "company"),
    "卓品智能科技无锡股份有限公司": ("org:卓品智能科技无锡股份有限公司", "company"),
    "卓品智能": ("org:卓品智能科技无锡股份有限公司", "company"),
    "长三角汽车芯片检测联盟": ("org:长三角汽车芯片检测联盟", "association"),
    "国家标准委": ("org:国家标准委", "government"),
    "国家能源局": ("org:国家能源局", "government"),
    "无锡": ("place:wuxi", "place"),
    "锡山区": ("place:xishan", "place"),
    "惠山区": ("place:huishan", "place"),
}


def sample_articles() -> pd.DataFrame:
    try:
        return analysis.load_articles(config.RAW_DIR)
    except (ImportError, AttributeError):
        text = (config.RAW_DIR / "wuxi-evening_2023-08-09.txt").read_text(encoding="utf-8")
        return analysis.parse_page(text, source="wuxi-evening_2023-08-09.txt")


def make_corpus(seed_articles: pd.DataFrame, n_chars: int, seed: int = 0) -> pd.DataFrame:
    rng = random.Random(seed)
    titles = seed_articles["title"].tolist()
    paragraphs = [p for body in seed_articles["body"] for p in body.split("\n") if p.strip()]
    start = pd.Timestamp("2021-01-01").value
    span = pd.Timestamp("2024-12-31").value - start
    rows, total = [], 0
    while total < n_chars:
        title = rng.choice(titles)
        body = "\n".join(rng.choice(paragraphs) for _ in range(rng.randint(2, 6)))
        day = pd.Timestamp(start + rng.random() * span).normalize()
        rows.append(
            {
                "article_id": f"{len(rows):016x}",
                "title": title,
                "body": body,
                "date": day,
                "issue_date": day + pd.Timedelta(days=1),
            }
        )
        total += len(title) + len(body)
    return pd.DataFrame(rows)


def make_mentions(articles: pd.DataFrame) -> pd.DataFrame:
    try:
        return analysis.find_mentions(articles)
    except (ImportError, AttributeError):
        pass
    auto = ahocorasick.Automaton()
    for surface, (eid, kind) in SURFACES.items():
        auto.add_word(surface, (surface, eid, kind))
    auto.make_automaton()
    rows = []
    for aid, title, body in zip(articles.article_id, articles.title, articles.body, strict=True):
        for fld, text in (("title", title), ("body", body)):
            last_end = -1
            for end, (surface, eid, kind) in auto.iter_long(text):
                start = end - len(surface) + 1
                if start > last_end:
                    rows.append(
                        (aid, eid, eid.split(":", 1)[1], kind, surface, start, end + 1, fld)
                    )
                    last_end = end
    cols = ["article_id", "entity_id", "name", "kind", "surface", "start", "end", "field"]
    return pd.DataFrame(rows, columns=cols)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e6, 5e6])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    seed = sample_articles()
    load_event_lexicon()  # warm the lexicon cache (the first call reads the CSV)
    header = f"{'chars':>10} {'articles':>9} {'mentions':>9} {'events':>8} {'counted':>8} "
    header += f"{'wall s':>7} {'cpu s':>7} {'Mchars/s wall':>13} {'Mchars/s cpu':>12}"
    print(header)
    print("-" * len(header))
    for size in args.sizes:
        articles = make_corpus(seed, int(size))
        mentions = make_mentions(articles)
        n_chars = int(articles.title.str.len().sum() + articles.body.str.len().sum())
        wall = cpu = float("inf")
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            events = find_events(articles, mentions)
            wall = min(wall, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
        print(
            f"{n_chars:>10,} {len(articles):>9,} {len(mentions):>9,} {len(events):>8,} "
            f"{int(events.counted.sum()):>8,} {wall:>7.3f} {cpu:>7.3f} "
            f"{n_chars / wall / 1e6:>13.2f} {n_chars / cpu / 1e6:>12.2f}"
        )


if __name__ == "__main__":
    main()
