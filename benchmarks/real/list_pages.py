"""List every article of the built pages that does not come back whole, and why.

    python benchmarks/real/list_pages.py OUT [--style flat] [--pages 60] [--cues]

The pages are the ones ``benchmarks/eval_real.py`` builds (section 2: the files of one
printed page joined, ``indented`` or ``flat``). For each answer that is not whole, the
script prints the page, the answer's headline block and its first and last paragraph (cut
short), then the articles we produced that hold any of its characters: their headline
block, their first paragraph and their size. A cause is guessed from the shapes:

- ``split``: one answer spread over several of our articles (a subhead or a paragraph
  taken for a title);
- ``merged``: our article holds the answer and more (its title or the next one's taken
  for a paragraph);
- ``head``: the text is right but the headline block differs;
- ``other``.

With ``--cues``, it counts instead the cues that tell a title from an in-article subhead
on every split point of the pages (a line shaped as a headline after a finished paragraph),
for titles and for subheads apart.

The corpus text is only printed to the terminal, never written to the repository.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import scoring  # noqa: E402
from eval_real import CRAWLER_FILE, crawler_files, page_groups  # noqa: E402


def short(text: str, n: int = 24) -> str:
    text = text or ""
    return text if len(text) <= n else text[: n - 1] + "…"


def page_rows(text: str, name: str) -> list[dict]:
    import analysis

    frame = analysis.parse_page(text, source=name, keep_boilerplate=True)
    return frame.to_dict("records")


def whole_flags(answers, rows) -> list[bool]:
    """Which answers come back whole (the rule of ``scoring.page_outcome``)."""
    articles = [r for r in rows if r.get("kind", "article") == "article"]
    used: set[int] = set()
    flags = []
    for answer in answers:
        want = Counter(scoring.compact("".join(answer.paragraphs)))
        hit = False
        for i, r in enumerate(articles):
            if i in used:
                continue
            head = all(
                scoring.compact(r.get(k) or "") == scoring.compact(getattr(answer, k))
                for k in ("kicker", "title", "subtitle")
            )
            got = Counter(
                scoring.compact("".join(r.get(k) or "" for k in ("dateline", "body", "byline")))
            )
            if head and got == want:
                used.add(i)
                hit = True
                break
        flags.append(hit)
    return flags


def row_text(r: dict) -> str:
    return scoring.compact("".join(r.get(k) or "" for k in scoring_fields()))


def scoring_fields():
    return ("kicker", "title", "subtitle", "dateline", "body", "byline")


def cause(answer, rows) -> tuple[str, list[dict]]:
    """The articles holding the answer's text, and a guess at what went wrong."""
    paras = [scoring.compact(p) for p in answer.paragraphs]
    head = [scoring.compact(x) for x in (answer.kicker, answer.title, answer.subtitle) if x]
    pieces = [p for p in head + paras if p]
    holders = []
    for r in rows:
        t = row_text(r)
        if any(p[:12] in t for p in pieces):
            holders.append(r)
    arts = [r for r in holders if r.get("kind") == "article"]
    want = scoring.compact("".join((*head, *paras)))
    if len(arts) > 1:
        why = "split"
    elif len(arts) == 1 and len(row_text(arts[0])) > len(want):
        why = "merged"
    elif len(arts) == 1:
        why = "head"
    else:
        why = "other"
    return why, holders


_NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])"
)


def split_point_cues(answers, text: str) -> list[tuple[bool, dict[str, bool]]]:
    """Every split point of a page: a line shaped as a headline (``_headline_like``,
    relaxed) right after a line that ends a sentence; whether an answer's title stands there
    (``True``) or it is a paragraph of an article (a subhead), and the cues measured on it."""
    from analysis import pages as P

    lines = P._split_lines(text)
    parser = P._PageParser(lines)
    titles, k = set(), 0
    for a in answers:
        titles.add(k)
        k += len([x for x in (a.kicker, a.title, a.subtitle) if x]) + len(a.paragraphs)
    out = []
    for i in range(1, len(lines) - 1):
        t, prev = lines[i].text, lines[i - 1].text
        if not (P._headline_like(t, relaxed=True) and P.finished(prev)):
            continue
        cues = {
            "lead below": parser._lead_below(i, len(lines)),
            "two-part title": bool(P._TITLE_MARK.search(t)),
            "one-paragraph item": parser._one_paragraph_item(i, len(lines)),
            "numbered": bool(_NUMBERED.match(t)),
            "line above ends in a colon": P._core_end(prev) in "：:",
            "line above not a sentence's end": not P.ends_sentence(prev),
        }
        out.append((i in titles, cues))
    return out


def print_cues(points) -> None:
    n_title = sum(t for t, _ in points)
    n_sub = len(points) - n_title
    print(f"\n{len(points)} split points: {n_title} titles, {n_sub} paragraphs (subheads)")
    print(f"  {'cue':34s} {'titles':>8s} {'subheads':>9s}")
    names = list(points[0][1]) if points else []
    for name in names:
        a = sum(t and c[name] for t, c in points)
        b = sum(not t and c[name] for t, c in points)
        print(f"  {name:34s} {a:8d} {b:9d}")
    title_cues = ("lead below", "two-part title", "one-paragraph item")
    a = sum(t and any(c[x] for x in title_cues) for t, c in points)
    b = sum(not t and any(c[x] for x in title_cues) for t, c in points)
    print(f"  {'any of ' + ', '.join(title_cues):34s} {a:8d} {b:9d}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--style", default="flat", choices=("flat", "indented"))
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument(
        "--cues", action="store_true", help="count the cues on every split point instead"
    )
    args = parser.parse_args(argv)
    root = args.out.resolve()
    runs = page_groups(crawler_files(root), args.pages)
    causes = Counter()
    n_bad = n_all = 0
    points = []
    for i, run in enumerate(runs):
        answers = [
            scoring.crawler_answer(p.read_text(encoding="utf-8", errors="replace")) for p in run
        ]
        text = scoring.page_text(answers, args.style)
        if args.cues:
            points += split_point_cues(answers, text)
            continue
        d = CRAWLER_FILE.match(run[0].name).group(1)
        name = f"realpage_{d[:4]}-{d[4:6]}-{d[6:]}_{i:03d}.txt"
        rows = page_rows(text, name)
        flags = whole_flags(answers, rows)
        n_all += len(answers)
        for answer, ok, path in zip(answers, flags, run, strict=True):
            if ok:
                continue
            n_bad += 1
            why, holders = cause(answer, rows)
            causes[why] += 1
            print(
                f"\n[{i:03d}] {path.name} {why}: answer {answer.kicker!r}/{answer.title!r}/"
                f"{answer.subtitle!r}, {len(answer.paragraphs)} paragraphs"
            )
            print(f"      first {short(answer.paragraphs[0] if answer.paragraphs else '', 40)!r}")
            for r in holders:
                body = (r.get("body") or "").split("\n")
                print(
                    f"   -> {r['kind'][:4]} {short(r['kicker'], 12)!r}/{short(r['title'], 30)!r}/"
                    f"{short(r['subtitle'], 12)!r} dl={short(r['dateline'], 10)!r} "
                    f"{len(body)} par, first {short(body[0], 30)!r}, last {short(body[-1], 20)!r}"
                )
    if args.cues:
        print_cues(points)
        return 0
    print(f"\n{n_bad} of {n_all} articles not whole ({args.style}); by cause: {dict(causes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
