"""Scoring helpers for ``benchmarks/eval_real.py``: real text against hand-checked answers.

Everything here is plain Python over small records, so that the arithmetic and the
matching rules can be tested on a tiny corpus the tests write themselves
(``tests/test_eval_real.py``). Nothing here imports the package's stages (only its
list of event types); the scoring command gives it the tables.

The rules, stated once:

- **Names** (organisations, parks, participants) are matched per article, one to one.
  *Exact*: the same string. *Lenient*: one contains the other and the shorter covers at
  least half of the longer. Exact pairs are taken first, then lenient ones, longest
  first. A prediction that matches an answer marked ``ambiguous`` counts neither way, and
  an unmatched ambiguous answer is no miss.
- **Events** are counted per article and type: with ``g`` reported answers and ``p``
  counted predictions of one type in one article, ``min(g, p)`` are right.
- **Participants** are triples (article, event type, name), matched like names.
- **One-article files**: the crawler's layout gives the answer (line 1 kicker, line 2
  title, line 3 subtitle, then paragraphs). A file is *right* when it gives one article
  whose headline block is exact and whose body is whole: every non-whitespace character
  of the answer's paragraphs is in the article's dateline, body or byline, or in a
  boilerplate row of the same file, in order, and nothing else is there.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analysis.plots import EVENT_TYPES  # the package's one list of event types

ANSWERS = Path(__file__).resolve().parent / "answers"
ORG_KINDS = ("company", "government", "research", "association", "other")
_SPACE = re.compile(r"\s+")


# ---------------------------------------------------------------- counts and matching


@dataclass
class Score:
    """True positives, false positives, false negatives; precision, recall, F1."""

    tp: float = 0
    fp: float = 0
    fn: float = 0

    def add(self, other: Score) -> Score:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> str:
        return (
            f"P {self.precision:.2f}  R {self.recall:.2f}  F1 {self.f1:.2f}  "
            f"(tp {self.tp:g}, fp {self.fp:g}, fn {self.fn:g})"
        )


def lenient_match(a: str, b: str) -> bool:
    """One name contains the other and the shorter covers at least half of the longer."""
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return short in long_ and 2 * len(short) >= len(long_)


@dataclass(frozen=True)
class Gold:
    """One answer name: its surface, its kind and whether readers could disagree."""

    surface: str
    kind: str = ""
    ambiguous: bool = False


@dataclass
class Matching:
    """The outcome of matching predicted names to answer names in one article."""

    pairs: list[tuple[str, Gold]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # matched an ambiguous answer
    false_positives: list[str] = field(default_factory=list)
    missed: list[Gold] = field(default_factory=list)

    def score(self) -> Score:
        return Score(len(self.pairs), len(self.false_positives), len(self.missed))


def match_names(predicted: Iterable[str], gold: Iterable[Gold], *, lenient: bool) -> Matching:
    """Match distinct predicted names to answers, one to one (see the module's rules)."""
    preds = sorted(set(p for p in predicted if p), key=lambda s: (-len(s), s))
    golds = sorted(set(gold), key=lambda g: (-len(g.surface), g.surface))
    taken: set[int] = set()
    result = Matching()
    chosen: dict[str, Gold] = {}
    tests = [lambda p, g: p == g.surface]
    if lenient:
        tests.append(lambda p, g: lenient_match(p, g.surface))
    for test in tests:
        for p in preds:
            if p in chosen:
                continue
            for i, g in enumerate(golds):
                if i not in taken and test(p, g):
                    taken.add(i)
                    chosen[p] = g
                    break
    for p in preds:
        g = chosen.get(p)
        if g is None:
            result.false_positives.append(p)
        elif g.ambiguous:
            result.ignored.append(p)
        else:
            result.pairs.append((p, g))
    result.missed = [g for i, g in enumerate(golds) if i not in taken and not g.ambiguous]
    return result


def score_names(
    predicted: dict[str, Iterable[str]],
    gold: dict[str, Sequence[Gold]],
    *,
    lenient: bool,
    predicted_kinds: dict[tuple[str, str], str] | None = None,
) -> tuple[Score, dict[str, Score], dict[str, Matching]]:
    """Score names over the articles of ``gold``.

    Returns the overall score, scores per kind (recall by the answer's kind, precision by
    the prediction's kind when ``predicted_kinds`` maps (article, name) to it) and each
    article's matching. Articles without answers are not scored.
    """
    total = Score()
    per_kind: dict[str, Score] = defaultdict(Score)
    matchings = {}
    for article, answers in gold.items():
        m = match_names(predicted.get(article, ()), answers, lenient=lenient)
        matchings[article] = m
        total.add(m.score())
        for _, g in m.pairs:
            per_kind[g.kind].tp += 1
        for g in m.missed:
            per_kind[g.kind].fn += 1
        if predicted_kinds is not None:
            for p in m.false_positives:
                per_kind[predicted_kinds.get((article, p), "?")].fp += 1
    return total, dict(per_kind), matchings


def score_event_counts(
    predicted: Iterable[tuple[str, str]], gold: Iterable[tuple[str, str]]
) -> tuple[Score, dict[str, Score]]:
    """Events per article and type: ``min(answers, predictions)`` right in each cell."""
    p, g = Counter(predicted), Counter(gold)
    total = Score()
    per_type: dict[str, Score] = {t: Score() for t in EVENT_TYPES}
    for key in set(p) | set(g):
        tp = min(p[key], g[key])
        s = Score(tp, p[key] - tp, g[key] - tp)
        total.add(s)
        per_type.setdefault(key[1], Score()).add(s)
    return total, per_type


def score_participants(
    predicted: dict[tuple[str, str], Iterable[Sequence[str]]],
    gold: dict[tuple[str, str], Iterable[str]],
    listing: list[tuple[str, str, str, str]] | None = None,
) -> Score:
    """Participants per (article, type): each prediction is the names one entity goes by.

    ``predicted`` maps (article, type) to entities, each a sequence of the names it goes
    by (canonical name and surfaces); an entity is right when any of its names matches an
    answer leniently. Each answer is matched at most once. Participants are triples
    (article, type, name), as the answers are: an entity that two events of one type in
    one article both name is one triple (the answers list it once). ``listing``, when
    given, receives (article, type, "fp" or "fn", name) for each error.
    """
    total = Score()
    for key in set(predicted) | set(gold):
        answers = sorted(set(gold.get(key, ())), key=lambda s: (-len(s), s))
        taken: set[int] = set()
        entities = dict.fromkeys(tuple(sorted(set(names))) for names in predicted.get(key, ()))
        for names in entities:
            hit = next(
                (
                    i
                    for i, a in enumerate(answers)
                    if i not in taken and any(lenient_match(n, a) for n in names)
                ),
                None,
            )
            if hit is None:
                total.fp += 1
                if listing is not None:
                    listing.append((*key, "fp", names[0]))
            else:
                taken.add(hit)
                total.tp += 1
        total.fn += len(answers) - len(taken)
        if listing is not None:
            listing.extend((*key, "fn", a) for i, a in enumerate(answers) if i not in taken)
    return total


# ---------------------------------------------------------------- articles


def compact(text: str) -> str:
    """The text without whitespace (what "nothing lost" compares)."""
    return _SPACE.sub("", text or "")


@dataclass(frozen=True)
class FileAnswer:
    """The answer a crawler file gives for free: its headline block and paragraphs."""

    kicker: str
    title: str
    subtitle: str
    paragraphs: tuple[str, ...]


def crawler_answer(text: str) -> FileAnswer:
    """Line 1 kicker, line 2 title, line 3 subtitle (each may be empty), then paragraphs."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines += [""] * max(0, 3 - len(lines))
    head = [line.strip() for line in lines[:3]]
    paragraphs = tuple(p.strip() for p in lines[3:] if p.strip())
    return FileAnswer(head[0], head[1], head[2], paragraphs)


@dataclass
class FileOutcome:
    """How one crawler file came back from the loader."""

    n_articles: int
    headline_exact: bool
    body_whole: bool

    @property
    def right(self) -> bool:
        return self.n_articles == 1 and self.headline_exact and self.body_whole


def article_outcome(answer: FileAnswer, rows: Sequence[dict]) -> FileOutcome:
    """Compare the rows the loader gave for one file (articles and boilerplate) to its answer.

    ``rows`` are dicts with the articles table's fields, in page order.
    """
    articles = [r for r in rows if r.get("kind", "article") == "article"]
    if not articles:
        return FileOutcome(0, False, False)
    first = articles[0]
    headline = all(
        compact(first.get(k) or "") == compact(getattr(answer, k))
        for k in ("kicker", "title", "subtitle")
    )
    got = "".join(
        compact(r.get(k) or "")
        for r in rows
        if r is first or r.get("kind") == "boilerplate"
        for k in ("dateline", "body", "byline")
    )
    want = compact("".join(answer.paragraphs))
    body_whole = Counter(got) == Counter(want) and compact(first.get("body") or "") in want
    return FileOutcome(len(articles), headline, body_whole)


def page_outcome(answers: Sequence[FileAnswer], rows: Sequence[dict]) -> tuple[bool, int]:
    """A page built from ``answers``: (article count exact, number of articles whole).

    An answer is whole when some article row has its headline block (non-empty parts
    compared) and exactly its paragraphs' characters in dateline + body + byline, with
    the boilerplate rows right after it (a web page's leftovers the loader set apart, as
    :func:`article_outcome` counts a file's boilerplate).
    """
    articles = [r for r in rows if r.get("kind", "article") == "article"]
    after: dict[int, str] = {}  # article index -> the boilerplate rows right after it
    k = -1
    for r in rows:
        if r.get("kind", "article") == "article":
            k += 1
        elif k >= 0:
            after[k] = after.get(k, "") + (r.get("body") or "")
    whole = 0
    used: set[int] = set()
    for answer in answers:
        want_body = Counter(compact("".join(answer.paragraphs)))
        for i, r in enumerate(articles):
            if i in used:
                continue
            head = all(
                compact(r.get(k) or "") == compact(getattr(answer, k))
                for k in ("kicker", "title", "subtitle")
            )
            text = "".join(r.get(k) or "" for k in ("dateline", "body", "byline"))
            got = Counter(compact(text + after.get(i, "")))
            if head and got == want_body:
                used.add(i)
                whole += 1
                break
    return len(articles) == len(answers), whole


def page_text(answers: Sequence[FileAnswer], style: str) -> str:
    """A page joining article files, ``indented`` (as printed) or ``flat``.

    indented: headline lines, then paragraphs indented with two U+3000, one blank line
    between articles. flat: every line (headline lines and paragraphs) separated by a
    blank line, no indentation.
    """
    blocks = []
    for a in answers:
        head = [x for x in (a.kicker, a.title, a.subtitle) if x]
        if style == "indented":
            blocks.append("\n".join(head + ["\u3000\u3000" + p for p in a.paragraphs]))
        elif style == "flat":
            blocks.append("\n\n".join(head + list(a.paragraphs)))
        else:
            raise ValueError(f"style must be 'indented' or 'flat', not {style!r}")
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------- answers


def load_answers(folder: Path = ANSWERS) -> dict[str, dict]:
    """Every ``articles_*.json`` of ``folder`` merged, keyed by file path inside OUT.

    A file annotated twice keeps the first answer (files in name order).
    """
    merged: dict[str, dict] = {}
    for path in sorted(Path(folder).glob("articles_*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, answer in data["articles"].items():
            merged.setdefault(key, {**answer, "annotator": data.get("annotator", path.stem)})
    return merged


def gold_names(answers: dict[str, dict], what: str) -> dict[str, list[Gold]]:
    """``organisations`` (kind ``park`` entries left to the parks) or ``parks``, per file."""
    out = {}
    for key, a in answers.items():
        items = a.get(what, [])
        if what == "organisations":
            items = [x for x in items if x.get("kind") != "park"]
        out[key] = [
            Gold(x["surface"], x.get("kind", "park"), bool(x.get("ambiguous"))) for x in items
        ]
    return out


def gold_events(answers: dict[str, dict]) -> list[tuple[str, str]]:
    """(file, type) of every reported event of the answers."""
    return [
        (key, e["type"])
        for key, a in answers.items()
        for e in a.get("events", [])
        if e.get("status") == "reported"
    ]


def gold_participants(answers: dict[str, dict], what: str) -> dict[tuple[str, str], set[str]]:
    """(file, type) -> names taking part in reported events (``parks`` or ``orgs``)."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, a in answers.items():
        for e in a.get("events", []):
            if e.get("status") == "reported":
                out[(key, e["type"])].update(e.get(what) or [])
    return dict(out)


def pct(n: float, d: float) -> str:
    return f"{n / d:.1%}" if d else "n/a"
