"""Tests of analysis.keywords (module analysis.keyterms) on the sample page and small tables."""

from __future__ import annotations

import importlib
import math

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import text
from analysis.errors import InputError

kw = importlib.import_module("analysis.keyterms")

CUMMINS, CHIPS, PLATFORM = 1, 2, 3  # positions of the articles on the sample page


@pytest.fixture(scope="module")
def sample_tokens(seed_articles):
    return analysis.tokens_table(seed_articles)


def _top(table: pd.DataFrame, group, n: int = 10) -> list[str]:
    sub = table[table["group"] == group]
    return list(sub.loc[sub["rank"] <= n, "keyword"])


def test_sample_has_five_articles(seed_articles):
    assert len(seed_articles) == 5
    assert "康明斯" in seed_articles["title"].iloc[CUMMINS]


@pytest.mark.parametrize("method", kw.METHODS)
def test_no_noise_in_top_keywords(seed_articles, sample_tokens, method):
    table = analysis.keywords(seed_articles, top=10, method=method, tokens=sample_tokens)
    stop = analysis.stopwords()
    assert set(table["group"]) == set(seed_articles["article_id"])
    for word in table["keyword"]:
        assert len(word) > 1, word
        assert word not in stop, word
        assert not any(ch.isdigit() for ch in word), word
        assert text.is_content_token(word, stop), word


def test_cummins_article_keywords(seed_articles):
    table = analysis.keywords(seed_articles, top=10)
    top = _top(table, seed_articles["article_id"].iloc[CUMMINS])
    assert {"康明斯", "卓品智能", "合资公司"} <= set(top)
    assert top[0] == "康明斯"


def test_chip_articles_have_chip_keyword(seed_articles):
    table = analysis.keywords(seed_articles, top=10)
    for pos in (CHIPS, PLATFORM):
        assert "芯片" in _top(table, seed_articles["article_id"].iloc[pos]), pos


def test_generic_words_do_not_dominate(seed_articles):
    table = analysis.keywords(seed_articles, top=3)
    assert not {"发展", "工作", "本报讯", "记者", "表示"} & set(table["keyword"])


def test_park_names_are_keywords(seed_articles):
    table = analysis.keywords(seed_articles, top=None)
    first = set(table.loc[table["group"] == seed_articles["article_id"].iloc[0], "keyword"])
    assert {"上海张江高科技园区", "无锡高新区", "紫竹高新区", "昆山高新区"} <= first


def test_tidy_shape_and_order(seed_articles):
    table = analysis.keywords(seed_articles, top=7)
    assert list(table.columns) == ["group", "keyword", "score", "rank", "n_docs"]
    assert table["rank"].dtype == np.int64 and table["n_docs"].dtype == np.int64
    assert table["score"].dtype == float
    expected = table.sort_values(["group", "rank"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(table, expected)
    for _, sub in table.groupby("group"):
        assert list(sub["rank"]) == list(range(1, len(sub) + 1))
        assert sub["score"].is_monotonic_decreasing
        assert (sub["n_docs"] == 1).all()  # one article per group
    assert not table.duplicated(["group", "keyword"]).any()


def test_by_month_column_and_series(seed_articles, sample_tokens):
    by_month = analysis.keywords(seed_articles, by="month", top=5, tokens=sample_tokens)
    assert set(by_month["group"]) == {"2023-08"}
    assert by_month["n_docs"].max() >= 3  # 长三角 is in most of the articles
    by_paper = analysis.keywords(seed_articles, by="paper", top=5, tokens=sample_tokens)
    assert set(by_paper["group"]) == set(seed_articles["paper"])
    labels = pd.Series(["党建", "企业", "芯片", "芯片", None], index=seed_articles.index)
    by_series = analysis.keywords(seed_articles, by=labels, top=5, tokens=sample_tokens)
    assert set(by_series["group"]) == {"党建", "企业", "芯片"}
    chips = by_series[by_series["group"] == "芯片"]
    assert "芯片" in list(chips["keyword"])
    assert chips.loc[chips["keyword"] == "芯片", "n_docs"].item() == 2
    with pytest.raises(InputError, match="no_such"):
        analysis.keywords(seed_articles, by="no_such")


def test_precomputed_tokens_are_used(seed_articles, sample_tokens, monkeypatch):
    expected = analysis.keywords(seed_articles, top=10)

    def boom(*args, **kwargs):
        raise AssertionError("tokenized again")

    monkeypatch.setattr(kw, "tokens_table", boom)
    shuffled = sample_tokens.sample(frac=1, random_state=0)
    got = analysis.keywords(seed_articles, top=10, tokens=shuffled)
    pd.testing.assert_frame_equal(got, expected)
    with pytest.raises(InputError, match="lacks"):
        analysis.keywords(seed_articles, tokens=sample_tokens.iloc[:3])
    doubled = pd.concat([sample_tokens.iloc[:1], sample_tokens.iloc[1:]]).reset_index(drop=True)
    doubled.loc[1, "article_id"] = doubled.loc[0, "article_id"]
    with pytest.raises(InputError, match="repeats"):
        analysis.keywords(seed_articles, tokens=doubled)


def test_document_term_matrix(seed_articles, sample_tokens):
    matrix, vocab, ids = analysis.document_term_matrix(seed_articles, tokens=sample_tokens)
    assert matrix.shape == (5, len(vocab)) and ids == list(seed_articles["article_id"])
    assert vocab == sorted(vocab) and len(set(vocab)) == len(vocab)
    expected = [len(t) for t in text.content_tokens(list(sample_tokens["tokens"]))]
    assert np.asarray(matrix.sum(axis=1)).ravel().tolist() == expected
    col = vocab.index("康明斯")
    assert matrix[CUMMINS, col] == sample_tokens["tokens"].iloc[CUMMINS].count("康明斯")
    dense, vocab2, _ = analysis.document_term_matrix(seed_articles, tokens=sample_tokens, min_df=3)
    assert "长三角" in vocab2 and "康明斯" not in vocab2
    assert (np.asarray((dense > 0).sum(axis=0)).ravel() >= 3).all()


# ------------------------------------------------------- methods on literal tables


def _table(docs: dict[str, list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    articles = pd.DataFrame({"article_id": list(docs), "title": "", "body": ""})
    tokens = pd.DataFrame({"article_id": list(docs), "tokens": list(docs.values())})
    return articles, tokens


def test_tfidf_prefers_rare_words_and_blends_idf():
    # 甲乙丙 and 丁戊己 are unknown to jieba's IDF table: equal general IDF
    docs = {f"d{i}": ["甲乙丙", "甲乙丙"] for i in range(1, 5)}
    docs["d0"] = ["甲乙丙", "丁戊己", "发展"]
    articles, tokens = _table(docs)
    table = analysis.keywords(articles, tokens=tokens, top=None)
    d0 = table[table["group"] == "d0"].set_index("keyword")
    assert d0.loc["丁戊己", "rank"] == 1 and d0.loc["发展", "rank"] == 3
    _, _, median = kw._general_idf()
    w = 5 / (5 + kw.IDF_PRIOR_DOCS)  # 5 documents
    idf = w * (math.log(6 / 2) + 1) + (1 - w) * median
    assert d0.loc["丁戊己", "score"] == pytest.approx(idf / 3)
    idf_dev = w * (math.log(6 / 2) + 1) + (1 - w) * kw.general_idf(["发展"])[0]
    assert d0.loc["发展", "score"] == pytest.approx(idf_dev / 3)


def test_content_term_counts_give_the_same_keywords(seed_articles, sample_tokens):
    # the build filters each batch's counts to content tokens in its worker
    terms = kw.TermCounts.from_tokens(sample_tokens["tokens"])
    content = terms.content()
    words = content.vocabulary.to_pylist()
    assert "的" in terms.vocabulary.to_pylist() and "的" not in words
    assert "。" not in words and "无锡高新区" in words and all(len(w) > 1 for w in words)
    assert content.counts.shape == (len(seed_articles), len(words))
    assert content.content() is content  # filtered with the same stopwords: as it is
    pd.testing.assert_frame_equal(
        analysis.keywords(seed_articles, terms=content),
        analysis.keywords(seed_articles, terms=terms),
    )
    fewer = content.content(extra_stopwords=["无锡高新区"])
    assert "无锡高新区" not in fewer.vocabulary.to_pylist() and fewer is not content
    halves = kw.TermCounts.concat([(content, 0, 2), (content, 2, len(seed_articles))])
    assert halves.content_key == content.content_key and halves.content() is halves


def test_content_counts_in_one_pass_are_the_counts_filtered_after(sample_tokens):
    # from_tokens(content=True) filters the distinct words before counting them
    tokens = [*sample_tokens["tokens"], [], None, ["的", "。", "2023年"]]
    for extra in (None, ["无锡高新区"]):
        after = kw.TermCounts.from_tokens(tokens, sequence=True).content(extra)
        once = kw.TermCounts.from_tokens(tokens, sequence=True, content=True, extra_stopwords=extra)
        assert once.vocabulary.equals(after.vocabulary) and len(once.vocabulary) > 10
        assert once.counts.shape == after.counts.shape == (len(tokens), len(once.vocabulary))
        assert (once.counts != after.counts).nnz == 0 and once.counts.has_sorted_indices
        assert once.codes.tolist() == after.codes.tolist()
        assert once.doc.tolist() == after.doc.tolist()
        assert once.content_key == after.content_key and once.content(extra) is once
        assert ("无锡高新区" in once.vocabulary.to_pylist()) == (extra is None)
    assert once.counts[len(tokens) - 1].nnz == 0  # nothing but stopwords, punctuation, a date
    empty = kw.TermCounts.from_tokens([[], None], content=True)
    assert len(empty.vocabulary) == 0 and empty.counts.shape == (2, 0)


def test_count_codes_counts_each_term_of_each_document():
    # three documents of 3, 0 and 4 tokens; -1: a word not counted
    codes = np.array([2, 0, 2, 1, -1, 1, 1], dtype=np.int32)
    counts = kw._count_codes(codes, np.array([3, 0, 4]), 3)
    assert counts.shape == (3, 3) and counts.has_sorted_indices
    assert counts.toarray().tolist() == [[1, 0, 2], [0, 0, 0], [0, 3, 0]]
    assert counts.indices.tolist() == [0, 2, 1] and counts.data.tolist() == [1.0, 2.0, 3.0]
    assert counts.indptr.tolist() == [0, 2, 2, 3]
    none = kw._count_codes(np.zeros(0, np.int32), np.array([0, 0]), 0)
    assert none.shape == (2, 0) and none.nnz == 0


def test_term_counts_are_those_of_a_counter(sample_tokens):
    from collections import Counter

    tokens = [*sample_tokens["tokens"], [], None, ["乙", "甲", "乙", "的"]]
    for content in (False, True):
        terms = kw.TermCounts.from_tokens(tokens, content=content)
        words = terms.vocabulary.to_pylist()
        assert words == sorted(words) and ("乙" in words) == (not content)
        for row, toks in enumerate(tokens):
            expected = Counter(t for t in toks or () if t in words)
            got = terms.counts[row]
            assert {words[i]: n for i, n in zip(got.indices, got.data, strict=True)} == expected
        assert sum(terms.counts.sum(axis=1).A1) > 20


def test_term_counts_as_a_table_read_back_the_same(seed_articles, sample_tokens):
    import pyarrow as pa

    tokens = [*sample_tokens["tokens"], []]  # and an article without a content token
    content = kw.TermCounts.from_tokens(tokens).content()
    ids = [f"a{i}" for i in range(len(tokens))]
    table = content.to_arrow(ids)
    assert table.column_names == ["article_id", "terms", "counts"]
    first = table.slice(0, 1).to_pylist()[0]
    words = content.vocabulary.to_pylist()
    row = content.counts[0].tocoo()
    assert first["terms"] == [words[j] for j in row.col] and first["counts"] == list(row.data)
    back = kw.TermCounts.from_arrow(table)
    assert list(back.ids) == ids and back.content_key == content.content_key
    assert back.vocabulary.to_pylist() == words
    assert (back.counts != content.counts).nnz == 0 and back.counts.has_sorted_indices
    assert back.content() is back
    # plain lists of strings (no dictionary, as another writer may store them)
    plain = table.set_column(
        1, "terms", pa.array(table.column("terms").to_pylist(), pa.list_(pa.string()))
    )
    again = kw.TermCounts.from_arrow(plain)
    assert again.vocabulary.to_pylist() == words and (again.counts != content.counts).nnz == 0
    rows = np.array([2, 0])
    assert list(back.take(rows).ids) == ["a2", "a0"]


def test_top_cut_inside_a_tie_keeps_code_point_order():
    # four words unknown to jieba's IDF, once each: equal scores; a fifth scores higher.
    # top=3 cuts inside the tie (only the entries that can rank are sorted): the two
    # tied words kept are the first by code point, whatever their order in the text
    tied = ["乙乙乙", "甲甲甲", "丙丙丙", "丁丁丁"]
    docs = {"a": [*tied, "戊戊戊", "戊戊戊"], "b": ["己己己"]}
    articles, tokens = _table(docs)
    table = analysis.keywords(articles, tokens=tokens, top=3)
    a = table[table["group"] == "a"]
    assert list(a["keyword"]) == ["戊戊戊", "丁丁丁", "丙丙丙"]
    assert list(a["rank"]) == [1, 2, 3]
    assert a["score"].iloc[1] == a["score"].iloc[2] < a["score"].iloc[0]
    everything = analysis.keywords(articles, tokens=tokens, top=None)
    assert list(everything[everything["group"] == "a"]["keyword"])[:3] == list(a["keyword"])
    assert analysis.keywords(articles, tokens=tokens, top=0).empty


def test_general_idf_is_jiebas_table():
    import jieba.analyse

    table, _ = jieba.analyse.TFIDF().idf_loader.get_idf()
    words, _, median = kw._general_idf()
    assert len(words) == len(table)  # the file lists each word once
    assert median == pytest.approx(float(np.median(list(table.values()))))
    got = kw.general_idf(["发展", "园区", "甲乙丙丁戊", "", "发展", None])
    assert got.tolist() == [table["发展"], table["园区"], median, median, table["发展"], median]
    assert kw.general_idf([]).shape == (0,)


def test_textrank_ranks_the_hub_first():
    hub = ["园区", "芯片", "园区", "氢能", "园区", "储能", "园区", "光伏"]
    articles, tokens = _table({"a": hub, "b": ["康明斯", "卓品智能"]})
    table = analysis.keywords(articles, tokens=tokens, method="textrank")
    a = table[table["group"] == "a"]
    assert a["keyword"].iloc[0] == "园区"
    assert a["score"].iloc[0] > 1.5 * a["score"].iloc[1]
    b = table[table["group"] == "b"]
    assert b["score"].iloc[0] == pytest.approx(b["score"].iloc[1])
    assert list(b["keyword"]) == sorted(b["keyword"])  # ties broken by code point


def test_log_odds_matches_formula():
    docs = {"a": ["芯片"] * 6 + ["园区"] * 2, "b": ["芯片"] * 1 + ["园区"] * 5}
    articles, tokens = _table(docs)
    table = analysis.keywords(articles, tokens=tokens, method="log_odds", prior_size=10)
    got = table.set_index(["group", "keyword"])["score"]
    # counts: 芯片 a=6 b=1; 园区 a=2 b=5; n=14, prior a_w = 10 * y_w / 14
    a_w, a0 = 10 * 7 / 14, 10.0
    delta = math.log((6 + a_w) / (8 + a0 - 6 - a_w)) - math.log((1 + a_w) / (6 + a0 - 1 - a_w))
    z = delta / math.sqrt(1 / (6 + a_w) + 1 / (1 + a_w))
    assert got[("a", "芯片")] == pytest.approx(z)
    assert got[("b", "芯片")] == pytest.approx(-z)
    assert table[table["group"] == "a"]["keyword"].iloc[0] == "芯片"


def test_empty_and_missing_inputs():
    empty = pd.DataFrame({"article_id": [], "title": [], "body": []}, dtype=object)
    out = analysis.keywords(empty)
    assert out.empty and list(out.columns) == ["group", "keyword", "score", "rank", "n_docs"]
    nan_body = pd.DataFrame(
        {"article_id": ["x", "y"], "title": ["康明斯投资", None], "body": [np.nan, "本报讯"]}
    )
    table = analysis.keywords(nan_body)
    assert set(table["keyword"]) == {"康明斯", "投资"} and set(table["group"]) == {"x"}
    with pytest.raises(ValueError, match="method"):
        analysis.keywords(nan_body, method="lda")
    with pytest.raises(InputError):
        analysis.keywords(pd.DataFrame({"title": ["x"]}))


def test_arrow_list_tokens_give_the_same_keywords(seed_articles, sample_tokens):
    """The build keeps tokens as Arrow lists; keywords must not depend on that."""
    import pyarrow as pa

    arrow = sample_tokens.copy()
    arrow["tokens"] = pd.Series(
        pa.array(sample_tokens["tokens"].tolist(), type=pa.list_(pa.string())),
        dtype=pd.ArrowDtype(pa.list_(pa.string())),
    )
    for method in kw.METHODS:
        expected = analysis.keywords(seed_articles, tokens=sample_tokens, method=method)
        got = analysis.keywords(seed_articles, tokens=arrow, method=method)
        pd.testing.assert_frame_equal(got, expected)


def test_term_counts_in_parts_give_the_same_keywords(seed_articles, sample_tokens):
    """The build counts terms batch by batch and merges them: nothing may change."""
    whole = kw.TermCounts.from_tokens(sample_tokens["tokens"])
    assert whole.vocabulary.to_pylist() == sorted(set().union(*sample_tokens["tokens"]))
    assert whole.counts.sum() == sum(map(len, sample_tokens["tokens"]))
    first = kw.TermCounts.from_tokens(sample_tokens["tokens"].iloc[:2])
    rest = kw.TermCounts.from_tokens(sample_tokens["tokens"].iloc[2:])
    # rows 0-1 of the first part, then rows 2-4 as two ranges of the second
    merged = kw.TermCounts.concat([(first, 0, 2), (rest, 0, 1), (rest, 1, 3)])
    assert merged.vocabulary.equals(whole.vocabulary)
    assert (merged.counts != whole.counts).nnz == 0
    labels = pd.Series(["a", "b", "a", None, "b"], index=seed_articles.index)
    for method, by in [("tfidf", None), ("log_odds", labels), ("tfidf", labels)]:
        expected = analysis.keywords(seed_articles, tokens=sample_tokens, method=method, by=by)
        got = analysis.keywords(seed_articles, terms=merged, method=method, by=by)
        pd.testing.assert_frame_equal(got, expected)
    with pytest.raises(ValueError, match="token order"):
        analysis.keywords(seed_articles, terms=merged, method="textrank")
    with pytest.raises(InputError, match="5"):
        analysis.keywords(seed_articles, terms=first)


def test_term_counts_sort_by_code_point_like_python():
    tokens = pd.Series([["b", "芯片", "Ａ"], [], None, ["😀", "a", "長", "芯片", "a"]])
    terms = kw.TermCounts.from_tokens(tokens, sequence=True)
    assert terms.vocabulary.to_pylist() == sorted(["b", "芯片", "Ａ", "😀", "a", "長"])
    assert terms.counts.shape == (4, 6) and terms.counts[3].sum() == 5
    vocab = terms.vocabulary.to_pylist()
    assert [vocab[c] for c in terms.codes] == ["b", "芯片", "Ａ", "😀", "a", "長", "芯片", "a"]
    assert terms.doc.tolist() == [0, 0, 0, 3, 3, 3, 3, 3]
    later = terms.take(np.array([3, 0]))
    assert [vocab[c] for c in later.codes] == ["😀", "a", "長", "芯片", "a", "b", "芯片", "Ａ"]
    assert later.doc.tolist() == [0] * 5 + [1] * 3


def test_textrank_leaves_out_articles_without_a_group(seed_articles, sample_tokens):
    labels = pd.Series(["a", None, "a", "b", None], index=seed_articles.index)
    got = analysis.keywords(seed_articles, by=labels, method="textrank", tokens=sample_tokens)
    kept = labels.notna().to_numpy()
    expected = analysis.keywords(
        seed_articles[kept], by=labels[kept], method="textrank", tokens=sample_tokens[kept]
    )
    pd.testing.assert_frame_equal(got, expected)


def _candidates_row_by_row(score, indptr, top):
    """The definition of keyterms._candidates: each long row partitioned alone."""
    keep = np.ones(len(score), dtype=bool)
    for row in np.flatnonzero(np.diff(indptr) > top):
        segment = score[indptr[row] : indptr[row + 1]]
        kth = np.partition(segment, len(segment) - top)[len(segment) - top]
        keep[indptr[row] : indptr[row + 1]] = segment >= kth
    return np.flatnonzero(keep)


def test_candidates_by_groups_of_rows_are_those_row_by_row():
    rng = np.random.default_rng(7)
    lengths = np.concatenate([[0, 1, 3, 4, 5, 8, 9, 16, 17, 33, 200], rng.integers(0, 70, 300)])
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    # few distinct values (ties across the cut), and -inf scores
    score = rng.integers(0, 6, indptr[-1]).astype(float)
    score[rng.random(len(score)) < 0.05] = -np.inf
    for top in (1, 3, 4, 20):
        expected = _candidates_row_by_row(score, indptr, top)
        assert np.array_equal(kw._candidates(score, indptr, top), expected)
    # a row of 9 entries, top 4: the 4th largest is 5.0, the tie at 5.0 is kept
    row = np.array([1.0, 5.0, 7.0, 5.0, 2.0, 9.0, 5.0, 0.0, 8.0])
    assert kw._candidates(row, np.array([0, 9]), 4).tolist() == [1, 2, 3, 5, 6, 8]
    assert kw._candidates(row, np.array([0, 9]), None).tolist() == list(range(9))
    assert kw._candidates(row, np.array([0, 9]), 0).tolist() == []


def test_ranked_is_lexsort_by_row_then_score_down_then_entry():
    rows = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 3, 3])
    score = np.array([1.0, 2.0, 1.0, -0.0, 0.0, np.nan, -0.0, 5.0, np.nan, 2.0, 2.5])
    order = kw._ranked(rows, score)
    assert order.tolist() == [1, 0, 2, 3, 7, 4, 6, 5, 8, 10, 9]
    assert np.array_equal(order, np.lexsort((-score, rows)))
    rng = np.random.default_rng(3)
    rows = np.sort(rng.integers(0, 50, 2000))
    score = rng.integers(0, 9, 2000) / 4
    assert np.array_equal(kw._ranked(rows, score), np.lexsort((-score, rows)))
