"""Keywords of articles or groups of articles, and the document-term matrix.

Three scorings, all over the content tokens of ``title + "\\n" + body`` (stopwords,
numbers, dates, punctuation, single characters and latin tokens removed, see
:func:`analysis.text.is_content_token`):

* ``"tfidf"``: a group's term frequency times an IDF. The IDF blends the corpus's
  own smoothed IDF, ``log((1 + N) / (1 + df)) + 1``, with jieba's general-language
  IDF (``jieba/analyse/idf.txt``; words it lacks get its median), weighting the
  corpus by ``N / (N + IDF_PRIOR_DOCS)``: with 5 articles the general IDF carries
  80% of the weight, with 20 half, with 10,000 articles 0.2%. So generic words such
  as 发展 or 工作 stay low even in a tiny corpus.
* ``"textrank"``: PageRank (damping 0.85) over a co-occurrence graph of each
  group's content tokens, linking tokens fewer than ``window`` positions apart in
  the same article; the graphs of all groups are solved in one sparse power
  iteration.
* ``"log_odds"``: what distinguishes a group from all the others: the log-odds
  ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
  "Fightin' words"), scored by its z-score. The prior is the corpus's own word
  distribution scaled to ``prior_size`` pseudo-tokens (default: the mean number
  of tokens per group).

Example:
    >>> import analysis
    >>> articles = analysis.load_articles("data/raw")
    >>> analysis.keywords(articles, by="month", top=10)          # doctest: +SKIP
"""

from __future__ import annotations

import functools
import logging
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.errors import InputError
from analysis.text import is_content_token, stopwords, tokens_table

logger = logging.getLogger(__name__)

METHODS = ("tfidf", "textrank", "log_odds")
IDF_PRIOR_DOCS = 20
"""Documents at which the corpus IDF and jieba's general IDF weigh the same."""

_COLUMNS = ["group", "keyword", "score", "rank", "n_docs"]


# ----------------------------------------------------------------------------
# Inputs


def _token_lists(articles: pd.DataFrame, tokens, backend) -> list:
    if "article_id" not in articles.columns:
        raise InputError("articles table lacks column article_id", problem="columns")
    if tokens is None:
        return list(tokens_table(articles, backend=backend)["tokens"])
    if isinstance(tokens, pd.Series):
        if not tokens.index.equals(articles.index):
            raise InputError("tokens Series is not aligned with articles", problem="columns")
        return list(tokens)
    if not {"article_id", "tokens"} <= set(tokens.columns):
        raise InputError("tokens table needs columns article_id and tokens", problem="columns")
    if tokens["article_id"].duplicated().any():
        raise InputError("tokens table repeats an article_id", problem="columns")
    lookup = tokens.set_index("article_id")["tokens"]
    missing = ~articles["article_id"].isin(lookup.index)
    if missing.any():
        raise InputError(
            f"tokens table lacks {int(missing.sum())} of the articles "
            f"(e.g. {articles['article_id'][missing].iloc[0]!r}); rebuild it",
            problem="columns",
        )
    ordered = lookup.reindex(articles["article_id"])
    # Arrow list columns (as the build makes) stay columnar: no Python object per token
    return ordered if isinstance(ordered.dtype, pd.ArrowDtype) else list(ordered)


def _group_labels(articles: pd.DataFrame, by) -> pd.Series:
    if by is None:
        return articles["article_id"]
    if isinstance(by, pd.Series):
        if len(by) != len(articles) or not by.index.equals(articles.index):
            raise InputError("`by` Series is not aligned with articles", problem="columns")
        return by
    if by in articles.columns:
        return articles[by]
    if by in ("month", "year"):
        if "date" not in articles.columns:
            raise InputError(f"cannot derive {by!r}: articles have no date", problem="columns")
        dates = pd.to_datetime(articles["date"], errors="coerce")
        return dates.dt.strftime("%Y-%m" if by == "month" else "%Y").rename(by)
    raise InputError(f"articles have no column {by!r} to group by", problem="columns")


@functools.lru_cache(maxsize=1)
def _general_idf() -> tuple[dict[str, float], float]:
    """jieba's general-language IDF table and its median (for unknown words)."""
    import jieba

    path = Path(jieba.__file__).resolve().parent / "analyse" / "idf.txt"
    table: dict[str, float] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, _, value = line.strip().partition(" ")
            if value:
                table[word] = float(value)
    median = float(np.median(np.fromiter(table.values(), float)))
    return table, median


# ----------------------------------------------------------------------------
# Matrix


class _Corpus:
    """Content tokens as a document-term count matrix, plus the token sequence."""

    def __init__(self, token_lists, extra_stopwords=None):
        if isinstance(token_lists, pd.Series) and isinstance(token_lists.dtype, pd.ArrowDtype):
            # a column of Arrow lists: flatten and factorize without Python objects
            import pyarrow as pa
            import pyarrow.compute as pc

            arr = pa.array(token_lists.array)
            if isinstance(arr, pa.ChunkedArray):
                arr = arr.combine_chunks()
            lengths = pc.list_value_length(arr).fill_null(0).to_numpy().astype(np.int64)
            flat = pd.array(pc.list_flatten(arr), dtype=pd.ArrowDtype(pa.string()))
            n_lists = len(arr)
        else:
            lists = [
                () if t is None or (isinstance(t, float) and np.isnan(t)) else t
                for t in token_lists
            ]
            lengths = np.fromiter((len(t) for t in lists), dtype=np.int64, count=len(lists))
            flat = np.fromiter(chain.from_iterable(lists), dtype=object, count=int(lengths.sum()))
            n_lists = len(lists)
        doc = np.repeat(np.arange(n_lists, dtype=np.int64), lengths)
        codes, uniques = pd.factorize(flat, sort=True)
        stop = stopwords(extra_stopwords)
        keep = np.fromiter((is_content_token(u, stop) for u in uniques), bool, len(uniques))
        mask = keep[codes] if len(codes) else np.zeros(0, bool)
        new_code = np.cumsum(keep) - 1
        self.codes = new_code[codes[mask]] if len(codes) else np.zeros(0, np.int64)
        self.doc = doc[mask]
        self.vocabulary = [str(u) for u in np.asarray(uniques, dtype=object)[keep]]
        self.n_docs = n_lists
        self.counts = sparse.csr_matrix(
            (np.ones(len(self.codes)), (self.doc, self.codes)),
            shape=(self.n_docs, len(self.vocabulary)),
        )
        self.counts.sum_duplicates()


def document_term_matrix(
    articles: pd.DataFrame,
    *,
    tokens: pd.DataFrame | None = None,
    extra_stopwords=None,
    min_df: int = 1,
    backend: str | None = None,
) -> tuple[sparse.csr_matrix, list[str], list]:
    """Counts of every content token in every article.

    Args:
        articles: the articles table (``article_id``, ``title``, ``body``).
        tokens: a precomputed :func:`analysis.tokens_table` (joined on
            ``article_id``), so nothing is tokenized twice.
        extra_stopwords: more stopwords, as in :func:`analysis.stopwords`.
        min_df: keep only terms found in at least this many articles.
        backend: segmentation backend, as in :func:`analysis.tokenize`.

    Returns:
        ``(matrix, vocabulary, article_ids)``: a ``scipy.sparse.csr_matrix`` of
        float counts with one row per article (in the order of ``articles``) and
        one column per term; the terms, sorted; the article ids, row by row.
    """
    corpus = _Corpus(_token_lists(articles, tokens, backend), extra_stopwords)
    matrix, vocab = corpus.counts, corpus.vocabulary
    if min_df > 1:
        df = np.diff(matrix.tocsc().indptr)
        cols = np.flatnonzero(df >= min_df)
        matrix = matrix[:, cols].tocsr()
        vocab = [vocab[i] for i in cols]
    return matrix, vocab, list(articles["article_id"])


# ----------------------------------------------------------------------------
# Scores


def _tfidf(corpus: _Corpus, group_counts: sparse.csr_matrix) -> np.ndarray:
    n = corpus.n_docs
    df = np.diff(corpus.counts.tocsc().indptr)
    corpus_idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    table, median = _general_idf()
    general = np.fromiter((table.get(w, median) for w in corpus.vocabulary), float)
    weight = n / (n + IDF_PRIOR_DOCS)
    idf = weight * corpus_idf + (1.0 - weight) * general
    totals = np.asarray(group_counts.sum(axis=1)).ravel()
    rows = np.repeat(np.arange(group_counts.shape[0]), np.diff(group_counts.indptr))
    return group_counts.data / totals[rows] * idf[group_counts.indices]


def _textrank(
    corpus: _Corpus, group_of_doc: np.ndarray, group_counts: sparse.csr_matrix, window: int
) -> np.ndarray:
    n_vocab = len(corpus.vocabulary)
    rows = np.repeat(np.arange(group_counts.shape[0]), np.diff(group_counts.indptr))
    node_keys = rows.astype(np.int64) * n_vocab + group_counts.indices  # sorted (canonical csr)
    n_nodes = len(node_keys)
    codes, doc = corpus.codes, corpus.doc
    node = np.searchsorted(node_keys, group_of_doc[doc] * n_vocab + codes)
    src, dst = [], []
    for k in range(1, max(2, window)):
        same = (doc[:-k] == doc[k:]) & (codes[:-k] != codes[k:])
        src.append(node[:-k][same])
        dst.append(node[k:][same])
    a, b = np.concatenate(src), np.concatenate(dst)
    adj = sparse.csr_matrix(
        (np.ones(2 * len(a)), (np.concatenate([a, b]), np.concatenate([b, a]))),
        shape=(n_nodes, n_nodes),
    )
    out = np.asarray(adj.sum(axis=1)).ravel()
    inv = np.divide(1.0, out, out=np.zeros_like(out), where=out > 0)
    adj_t = adj.T.tocsr()
    d = 0.85
    rank = np.ones(n_nodes)
    for _ in range(50):
        new = (1 - d) + d * (adj_t @ (rank * inv))
        if np.abs(new - rank).max(initial=0.0) < 1e-6:
            rank = new
            break
        rank = new
    return rank


def _log_odds(group_counts: sparse.csr_matrix, prior_size: float | None) -> np.ndarray:
    y_w = np.asarray(group_counts.sum(axis=0)).ravel()
    n = y_w.sum()
    n_i = np.asarray(group_counts.sum(axis=1)).ravel()
    a0 = float(prior_size) if prior_size else n / max(1, group_counts.shape[0])
    alpha = a0 * y_w / n
    rows = np.repeat(np.arange(group_counts.shape[0]), np.diff(group_counts.indptr))
    cols = group_counts.indices
    y_i = group_counts.data
    a = alpha[cols]
    y_r = y_w[cols] - y_i
    n_r = n - n_i[rows]
    l_i = np.log((y_i + a) / (n_i[rows] + a0 - y_i - a))
    l_r = np.log((y_r + a) / (n_r + a0 - y_r - a))
    var = 1.0 / (y_i + a) + 1.0 / (y_r + a)
    return (l_i - l_r) / np.sqrt(var)


# ----------------------------------------------------------------------------
# Public


def keywords(
    articles: pd.DataFrame,
    *,
    by=None,
    top: int | None = 20,
    method: str = "tfidf",
    tokens: pd.DataFrame | None = None,
    extra_stopwords=None,
    window: int = 5,
    prior_size: float | None = None,
    backend: str | None = None,
) -> pd.DataFrame:
    """Top keywords per article or per group of articles.

    Args:
        articles: the articles table (``article_id``, ``title``, ``body``; ``date``
            for ``by="month"``/``"year"``).
        by: ``None`` for one group per article (group = ``article_id``); a column
            name (``"paper"``, ``"kind"``, ...); ``"month"`` or ``"year"``, derived
            from ``date`` as ``"YYYY-MM"`` / ``"YYYY"`` when there is no such column;
            or a Series aligned with ``articles``. Articles whose group is missing
            are left out.
        top: keywords per group (``None`` for all).
        method: ``"tfidf"`` (default), ``"textrank"`` or ``"log_odds"`` (see the
            module docstring).
        tokens: a precomputed :func:`analysis.tokens_table`, joined on
            ``article_id``, so the articles are not tokenized again.
        extra_stopwords: more stopwords, as in :func:`analysis.stopwords`.
        window: co-occurrence window of ``"textrank"``.
        prior_size: pseudo-token count of the ``"log_odds"`` prior.
        backend: segmentation backend when ``tokens`` is not given.

    Returns:
        One row per (group, keyword), sorted by group then rank:

        * ``group``: the group label (``article_id`` when ``by`` is ``None``);
        * ``keyword``: the token;
        * ``score`` (float): TF-IDF weight, TextRank weight (mean 1 over a group's
          tokens) or log-odds z-score (above 1.96: distinctive at the 5% level);
        * ``rank`` (int): 1 for the best keyword of the group; ties in score are
          broken by the keyword's code-point order;
        * ``n_docs`` (int): articles of the group containing the keyword.

    Raises:
        InputError: a needed column is missing or ``tokens`` lacks articles.
        ValueError: unknown ``method``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if "article_id" not in articles.columns:
        raise InputError("articles table lacks column article_id", problem="columns")
    labels = _group_labels(articles, by)
    token_lists = _token_lists(articles, tokens, backend)
    present = labels.notna().to_numpy()
    if not present.all():
        logger.info("keywords: %d article(s) without a group left out", int((~present).sum()))
        token_lists = [t for t, p in zip(token_lists, present, strict=True) if p]
        labels = labels[present]
    group_code, groups = pd.factorize(labels, sort=True)
    corpus = _Corpus(token_lists, extra_stopwords)
    if corpus.counts.nnz == 0:
        return pd.DataFrame(
            {
                "group": pd.Series([], dtype=labels.dtype),
                "keyword": pd.Series([], dtype=object),
                "score": pd.Series([], dtype=float),
                "rank": pd.Series([], dtype=np.int64),
                "n_docs": pd.Series([], dtype=np.int64),
            }
        )

    membership = sparse.csr_matrix(
        (np.ones(corpus.n_docs), (group_code, np.arange(corpus.n_docs))),
        shape=(len(groups), corpus.n_docs),
    )
    group_counts = (membership @ corpus.counts).tocsr()
    group_counts.sum_duplicates()
    group_counts.sort_indices()
    present_matrix = corpus.counts.copy()
    present_matrix.data[:] = 1.0
    group_docs = (membership @ present_matrix).tocsr()
    group_docs.sum_duplicates()
    group_docs.sort_indices()

    if method == "tfidf":
        score = _tfidf(corpus, group_counts)
    elif method == "textrank":
        score = _textrank(corpus, group_code, group_counts, window)
    else:
        score = _log_odds(group_counts, prior_size)

    rows = np.repeat(np.arange(len(groups)), np.diff(group_counts.indptr))
    cols = group_counts.indices
    order = np.lexsort((cols, -score, rows))
    rows_sorted = rows[order]
    starts = np.searchsorted(rows_sorted, np.arange(len(groups)))
    rank = np.arange(len(order)) - starts[rows_sorted] + 1
    chosen = order if top is None else order[rank <= top]
    rank = rank if top is None else rank[rank <= top]
    vocab = np.asarray(corpus.vocabulary, dtype=object)
    out = pd.DataFrame(
        {
            "group": groups.take(rows[chosen]),
            "keyword": vocab[cols[chosen]],
            "score": score[chosen].astype(float),
            "rank": rank.astype(np.int64),
            "n_docs": group_docs.data[chosen].astype(np.int64),
        },
        columns=_COLUMNS,
    )
    return out.reset_index(drop=True)
