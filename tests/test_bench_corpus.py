"""The benchmark corpus generator: deterministic, and its pages parse back to their articles."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis
from benchmarks import corpus

N_CHARS = 60_000


@pytest.fixture(scope="module")
def pages():
    return list(corpus.generate_pages(N_CHARS, seed=3))


def test_same_seed_same_pages():
    assert corpus.pages_in_memory(N_CHARS, seed=3) == corpus.pages_in_memory(N_CHARS, seed=3)


def test_other_seed_other_pages():
    assert corpus.pages_in_memory(N_CHARS, seed=3) != corpus.pages_in_memory(N_CHARS, seed=4)


def test_make_corpus_writes_the_same_files_for_a_seed(tmp_path):
    first = corpus.make_corpus(tmp_path / "a", N_CHARS, seed=3)
    second = corpus.make_corpus(tmp_path / "b", N_CHARS, seed=3)
    assert [p.name for p in first] == [p.name for p in second]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert [(p.name, p.read_text(encoding="utf-8")) for p in first] == corpus.pages_in_memory(
        N_CHARS, seed=3
    )


def test_size_and_shape_of_pages(pages):
    total = sum(len(p.text) for p in pages)
    assert total >= N_CHARS
    assert total - len(pages[-1].text) < N_CHARS  # stops as soon as the size is reached
    for page in pages:
        assert corpus.MIN_BYTES <= len(page.text.encode("utf-8")) <= corpus.MAX_BYTES
        assert 3 <= len(page.articles) <= 6
        paper, date, number = page.name.removesuffix(".txt").split("_")
        assert paper in corpus.PAPERS
        assert pd.Timestamp(date) == page.issue_date
        assert page.dateline_date == page.issue_date - pd.Timedelta(days=1)
        assert number.startswith("p") and len(number) == 3
        assert "".join(page.text.split()).endswith("0510-81853671")  # the sample's footer
    assert len({p.name for p in pages}) == len(pages)
    assert len({p.paper for p in pages}) > 1
    assert len({p.issue_date.year for p in pages}) > 1


def test_only_sample_text_is_used(pages):
    sample = corpus.load_sample()
    paragraphs = {p for a in sample.articles for p in a.paragraphs}
    for page in pages:
        for art in page.articles:
            source = next(a for a in sample.articles if a.title == art.title)
            assert art.byline == source.byline
            for para in art.body.split("\n"):
                day = f"{page.dateline_date.month}月{page.dateline_date.day}日"
                assert para.replace(day, sample.date_text) in paragraphs


def test_pages_parse_back_to_their_articles(pages):
    for page in pages:
        parsed = analysis.parse_page(page.text, source=page.name, keep_boilerplate=True)
        arts = parsed[parsed["kind"] == "article"]
        got = arts[["title", "dateline", "body", "byline", "section"]].to_dict("records")
        want = [
            {
                "title": a.title,
                "dateline": a.dateline,
                "body": a.body,
                "byline": a.byline,
                "section": a.section,
            }
            for a in page.articles
        ]
        assert got == want, page.name
        assert (arts["paper"] == page.paper).all()
        assert (arts["issue_date"] == page.issue_date).all()
        dated = [a.dated for a in page.articles]
        assert (arts.loc[dated, "date"] == page.dateline_date).all()
        footer = parsed[parsed["kind"] == "boilerplate"]["body"].iloc[-1]
        assert footer.split("\n") == list(corpus.load_sample().footer)


def test_loaded_corpus_has_every_article(tmp_path, pages):
    paths = corpus.make_corpus(tmp_path, N_CHARS, seed=3)
    articles = analysis.load_articles(tmp_path)
    assert len(articles) == sum(len(p.articles) for p in pages)
    assert corpus.corpus_chars(paths) == sum(len(p.text) for p in pages)
    assert set(articles["source"].str.rsplit("/", n=1).str[-1]) == {p.name for p in pages}
