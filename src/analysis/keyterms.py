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
import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse

from analysis import config
from analysis.errors import InputError
from analysis.text import content_token_mask, stopwords, tokens_table

if TYPE_CHECKING:
    import pyarrow as pa

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
    ids = tokens["article_id"]
    if len(ids) == len(articles) and (ids.to_numpy() == articles["article_id"].to_numpy()).all():
        # the same articles in the same order (as the build makes them): no lookup needed
        column = tokens["tokens"]
        return column if isinstance(column.dtype, pd.ArrowDtype) else list(column)
    if ids.duplicated().any():
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
def _general_idf() -> tuple[pa.Array, np.ndarray, float]:
    """jieba's general-language IDF table: its words (an Arrow array), their IDFs, and
    the median IDF (for unknown words).

    Read with pyarrow's CSV reader (a tenth of the time of a Python loop over 270,000
    lines), from jieba's folder found without importing jieba (its import takes longer
    than the read). The file lists each word once (a test checks it).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = config.jieba_file("analyse", "idf.txt")
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=["word", "idf"], use_threads=False),
        parse_options=pacsv.ParseOptions(delimiter=" ", quote_char=False),
        convert_options=pacsv.ConvertOptions(
            column_types={"word": pa.string(), "idf": pa.float64()}
        ),
    )
    idf = table["idf"].to_numpy()
    return table["word"].combine_chunks(), idf, float(np.median(idf))


def general_idf(words) -> np.ndarray:
    """The general-language IDF of each word (the table's median for unknown words)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    known, idf, median = _general_idf()
    words = pa.array(words, pa.string())
    distinct = pc.dictionary_encode(words)
    # the table's words looked up among the distinct words given, not the other way
    # round: a hash table of the few given is made in a fraction of the time of one of
    # the table's 270,000
    at = pc.index_in(known, value_set=distinct.dictionary).fill_null(-1).to_numpy()
    value = np.full(len(distinct.dictionary) + 1, median)  # (the last: a missing word)
    found = at >= 0
    value[at[found]] = idf[found]
    return value[distinct.indices.fill_null(len(distinct.dictionary)).to_numpy()]


# ----------------------------------------------------------------------------
# Matrix


class TermCounts:
    """How often every token (stopwords included) occurs in each of some articles.

    ``counts[i, j]`` (a ``scipy.sparse.csr_matrix`` of floats) counts
    ``vocabulary[j]`` in the i-th article; ``vocabulary`` (an Arrow string array) is
    sorted by code point. The build counts each batch of inputs in its worker process
    and merges the batches with :meth:`concat`, so the keywords at the end need no
    pass over the corpus's tokens. ``codes`` and ``doc`` (with ``sequence=True``) are
    the token sequence as vocabulary indices and article rows, for TextRank.
    """

    def __init__(self, vocabulary, counts, codes=None, doc=None, content_key=None, ids=None):
        self.vocabulary, self.counts, self.codes, self.doc = vocabulary, counts, codes, doc
        # set by :meth:`content`: the stopwords these counts were filtered with
        self.content_key = content_key
        # the article id of each row, when known (:meth:`from_arrow`)
        self.ids = ids

    def content(self, extra_stopwords=None) -> TermCounts:
        """The counts of the content tokens only (:func:`analysis.text.is_content_token`
        with :func:`analysis.stopwords`), as keywords count them.

        The build filters each batch in its worker, so that the keywords at the end
        work on the smaller counts; filtering again with the same stopwords returns
        the counts as they are.
        """
        stop = stopwords(extra_stopwords)
        key = _stop_key(stop)
        if self.content_key == key:
            return self
        keep = content_token_mask(self.vocabulary, stop)
        new_code = np.cumsum(keep) - 1
        counts = self.counts
        kept = keep[counts.indices]
        # the row pointers of the kept entries: kept entries before each row's start
        kept_before = np.concatenate(([0], np.cumsum(kept)))
        counts = sparse.csr_matrix(
            (counts.data[kept], new_code[counts.indices[kept]], kept_before[counts.indptr]),
            shape=(counts.shape[0], int(keep.sum())),
        )
        codes = doc = None
        if self.codes is not None:
            mask = keep[self.codes]
            codes, doc = new_code[self.codes[mask]], self.doc[mask]
        import pyarrow

        # pyarrow before 15 filters with an Arrow mask only, not a NumPy one
        vocabulary = self.vocabulary.filter(pyarrow.array(keep))
        return TermCounts(vocabulary, counts, codes, doc, key, self.ids)

    def to_arrow(self, article_ids) -> pa.Table:
        """The counts as a table, one row per article: ``article_id``, ``terms`` (its
        distinct tokens in code-point order, dictionary-encoded over :attr:`vocabulary`)
        and ``counts`` (how often each occurs); the stopwords' digest of :meth:`content`
        in the schema's metadata (``analysis.stopwords``). The build writes it as
        ``terms.arrow``, an Arrow IPC file that keeps the dictionary as it is, so that
        :meth:`from_arrow` reads the vocabulary without sorting it again."""
        import pyarrow as pa

        counts = self.counts.tocsr()
        counts.sort_indices()
        offsets = pa.array(counts.indptr.astype(np.int64), pa.int64())
        codes = pa.array(counts.indices.astype(np.int32), pa.int32())
        terms = pa.LargeListArray.from_arrays(
            offsets, pa.DictionaryArray.from_arrays(codes, self.vocabulary.cast(pa.string()))
        )
        numbers = pa.LargeListArray.from_arrays(offsets, pa.array(counts.data.astype(np.int32)))
        ids = pa.array(np.asarray(article_ids, dtype=object).tolist(), pa.string())
        table = pa.table({"article_id": ids, "terms": terms, "counts": numbers})
        key = (self.content_key or "").encode()
        return table.replace_schema_metadata({b"analysis.stopwords": key})

    @classmethod
    def from_arrow(cls, table: pa.Table) -> TermCounts:
        """The counts of a :meth:`to_arrow` table (``ids``: its article ids)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        # (chunk by chunk, with each list's offsets and flatten(): pyarrow 14 has no list
        # kernels for lists of dictionaries, and combines their chunks into a dictionary)
        term_chunks = table.column("terms").chunks
        lengths = np.concatenate(
            [np.zeros(0, np.int64)]
            + [
                np.diff(c.offsets.to_numpy(zero_copy_only=False).astype(np.int64))
                for c in term_chunks
            ]
        )
        flats = [c.flatten() for c in term_chunks]
        if len(flats) == 1:
            flat = flats[0]
        else:  # (several chunks: their dictionaries differ; plain strings, encoded below)
            flat = pa.concat_arrays(
                [f.cast(pa.string()) for f in flats] or [pa.array([], pa.string())]
            )
        numbers = table.column("counts").chunks
        number_values = [c.flatten().to_numpy(zero_copy_only=False) for c in numbers]
        dictionary = flat.dictionary if pa.types.is_dictionary(flat.type) else None
        if dictionary is not None and pc.all(pc.less(dictionary[:-1], dictionary[1:])).as_py() in (
            True,
            None,
        ):
            # written by to_arrow: the vocabulary, sorted, and each entry's index in it
            vocabulary = dictionary
            codes = flat.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        else:
            vocabulary, codes = _encode_sorted(flat.cast(pa.string()))
        data = np.concatenate([np.zeros(0), *number_values]).astype(np.float64)
        indptr = np.concatenate(([0], np.cumsum(lengths)))
        counts = sparse.csr_matrix((data, codes, indptr), shape=(len(lengths), len(vocabulary)))
        counts.sort_indices()
        key = (table.schema.metadata or {}).get(b"analysis.stopwords", b"").decode() or None
        ids = np.asarray(table.column("article_id").to_pylist(), dtype=object)
        return cls(vocabulary, counts, content_key=key, ids=ids)

    @classmethod
    def from_tokens(
        cls, token_lists, *, sequence: bool = False, content: bool = False, extra_stopwords=None
    ) -> TermCounts:
        """Counts of a column of token lists (Arrow lists, or lists of str).

        With ``content=True``, the counts of the content tokens only: the same as
        ``TermCounts.from_tokens(token_lists).content(extra_stopwords)``, in one pass
        (the distinct words are filtered before they are sorted and counted; a fifth
        less time than counting every token and filtering after).
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(token_lists, pd.Series) and isinstance(token_lists.dtype, pd.ArrowDtype):
            arr = pa.array(token_lists.array)
        else:
            lists = [
                None if t is None or (isinstance(t, float) and np.isnan(t)) else list(t)
                for t in token_lists
            ]
            arr = pa.array(lists, type=pa.list_(pa.string()))
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        n_docs = len(arr)
        lengths = pc.list_value_length(arr).fill_null(0).to_numpy().astype(np.int64)
        flat = pc.list_flatten(arr).cast(pa.string())
        stop = stopwords(extra_stopwords) if content else None
        vocabulary, codes = _encode_sorted(flat, stop)
        counts = _count_codes(codes, lengths, len(vocabulary))
        key = _stop_key(stop) if content else None
        if sequence:
            doc = np.repeat(np.arange(n_docs, dtype=np.int32), lengths)
            if content:  # (the other words have code -1)
                kept = codes >= 0
                codes, doc = codes[kept], doc[kept]
            return cls(vocabulary, counts, codes, doc, key)
        return cls(vocabulary, counts, content_key=key)

    def take(self, rows: np.ndarray) -> TermCounts:
        """The counts of some rows (the token sequence too, when there is one)."""
        codes = doc = None
        if self.codes is not None:
            new_row = np.full(self.counts.shape[0], -1, dtype=np.int64)
            new_row[rows] = np.arange(len(rows))
            mask = new_row[self.doc] >= 0
            codes, doc = self.codes[mask], new_row[self.doc[mask]]
            if len(rows) and (np.diff(rows) < 0).any():  # keep the sequence grouped by row
                order = np.argsort(doc, kind="stable")
                codes, doc = codes[order], doc[order]
        ids = self.ids[rows] if self.ids is not None else None
        return TermCounts(self.vocabulary, self.counts[rows], codes, doc, self.content_key, ids)

    @staticmethod
    def concat(pieces) -> TermCounts:
        """Rows ``lo:hi`` of each ``(TermCounts, lo, hi)`` in turn, over their joint vocabulary."""
        import pyarrow as pa
        import pyarrow.compute as pc

        parts = list({id(tc): tc for tc, _, _ in pieces}.values())
        if parts:
            joint = pc.unique(pa.chunked_array([tc.vocabulary for tc in parts], pa.string()))
            vocabulary = joint.take(pc.array_sort_indices(joint))
        else:
            vocabulary = pa.array([], pa.string())
        # both vocabularies are sorted, so the mapped indices stay sorted within each row;
        # one lookup for all the parts (index_in hashes its value set at every call)
        sizes = [len(tc.vocabulary) for tc in parts]
        every = pa.chunked_array([tc.vocabulary for tc in parts], pa.string())
        at = pc.index_in(every, value_set=vocabulary).to_numpy(zero_copy_only=False)
        starts = np.cumsum([0, *sizes])
        maps = {id(tc): at[starts[k] : starts[k + 1]] for k, tc in enumerate(parts)}
        data, indices, per_row = [np.zeros(0)], [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        for tc, lo, hi in pieces:
            indptr = tc.counts.indptr
            a, b = indptr[lo], indptr[hi]
            data.append(tc.counts.data[a:b])
            indices.append(maps[id(tc)][tc.counts.indices[a:b]])
            per_row.append(np.diff(indptr[lo : hi + 1]))
        per_row = np.concatenate(per_row)
        counts = sparse.csr_matrix(
            (
                np.concatenate(data),
                np.concatenate(indices),
                np.concatenate(([0], np.cumsum(per_row))),
            ),
            shape=(len(per_row), len(vocabulary)),
        )
        keys = {tc.content_key for tc in parts}
        return TermCounts(vocabulary, counts, content_key=keys.pop() if len(keys) == 1 else None)


def _count_codes(codes: np.ndarray, lengths: np.ndarray, n_terms: int) -> sparse.csr_matrix:
    """How often each term occurs in each document (a documents x ``n_terms`` matrix with
    sorted indices), of the codes of the documents' tokens one document after another
    (``lengths`` tokens each); a code of -1 (a word not counted) is left out.

    The sequence is taken as it is as a document-term matrix with duplicates (a column
    before the terms' for the -1s), turned term by term (each term's documents come in
    order, so summing the duplicates needs no sort), and back: linear, without masking the
    sequence, half the time of counting from (term, document) pairs."""
    indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    tokens = sparse.csr_matrix(
        (np.ones(len(codes)), codes + 1, indptr), shape=(len(lengths), n_terms + 1)
    )
    by_term = tokens.tocsc()
    by_term.sum_duplicates()
    return by_term[:, 1:].tocsr()


def _encode_sorted(flat: pa.Array, stop=None) -> tuple[pa.Array, np.ndarray]:
    """The sorted distinct strings of ``flat`` and each string's index among them (32-bit:
    the index type of the sparse matrices, which need then no converted copy). With a
    stopword set ``stop``: of the content words only (:func:`analysis.text.content_token_mask`),
    the index of any other string -1."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(flat):
        return pa.array([], pa.string()), np.zeros(0, np.int32)
    encoded = pc.dictionary_encode(flat)
    words = encoded.dictionary
    at = np.arange(len(words))  # each word's place in the dictionary
    if stop is not None:
        at = np.flatnonzero(content_token_mask(words, stop))
        words = words.take(pa.array(at))
    order = pc.array_sort_indices(words).to_numpy()
    rank = np.full(len(encoded.dictionary), -1, dtype=np.int32)
    rank[at[order]] = np.arange(len(order))
    return words.take(pa.array(order)), rank[encoded.indices.to_numpy()]


class _Corpus:
    """The content tokens of :class:`TermCounts`: the document-term count matrix, plus the
    token sequence when the counts have it."""

    def __init__(self, terms: TermCounts, extra_stopwords=None):
        content = terms.content(extra_stopwords)
        self.counts = content.counts
        self.vocabulary_array = content.vocabulary
        self.vocabulary = content.vocabulary.to_pylist()
        self.n_docs = content.counts.shape[0]
        self.codes, self.doc = content.codes, content.doc


def _stop_key(stop: set[str]) -> str:
    """A digest of a stopword set."""
    import hashlib

    return hashlib.blake2b("\n".join(sorted(stop)).encode(), digest_size=16).hexdigest()


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
    terms = TermCounts.from_tokens(
        _token_lists(articles, tokens, backend), content=True, extra_stopwords=extra_stopwords
    )
    corpus = _Corpus(terms, extra_stopwords)
    matrix, vocab = corpus.counts, corpus.vocabulary
    if min_df > 1:
        df = np.bincount(matrix.indices, minlength=matrix.shape[1])  # articles per term
        cols = np.flatnonzero(df >= min_df)
        matrix = matrix[:, cols].tocsr()
        vocab = [vocab[i] for i in cols]
    return matrix, vocab, list(articles["article_id"])


# ----------------------------------------------------------------------------
# Scores


def _row_blocks(lengths: np.ndarray, shortest: int):
    """The rows longer than ``shortest`` in groups of about the same length (``w/2 <=
    length < w``, ``w`` a power of two), so that NumPy works on each group as one 2-D
    array of ``w`` columns (padded), not row by row. Yields, per group: its rows, ``w``,
    and for each of their entries (row by row, in order) its place in its row and its cell
    in the group's array (a flat index)."""
    long = np.flatnonzero(lengths > shortest)
    width = 2 ** np.frexp(lengths[long])[1]  # the power of two above each length
    for w in np.unique(width).tolist():
        rows = long[width == w]
        n = lengths[rows]
        column = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        yield rows, w, column, np.repeat(np.arange(len(rows)) * w, n) + column


def _candidates(score: np.ndarray, indptr: np.ndarray, top: int | None) -> np.ndarray:
    """The entries (in order) whose score is at least the ``top``-th largest of their
    row: ranked by score, ties in entry order, a row's first ``top`` are among them.

    The ``top``-th largest of the rows longer than ``top`` is found by
    :func:`_row_blocks`: each group's array padded with -inf (below every score, so the
    ``top``-th largest stays the row's) and partitioned in one NumPy call.
    """
    if top is None or np.isnan(score).any():
        return np.arange(len(score))
    if top < 1:
        return np.arange(0)
    lengths = np.diff(indptr)
    kth = np.full(len(lengths), -np.inf)  # (a row of top entries or fewer keeps them all)
    for rows, w, column, cell in _row_blocks(lengths, top):
        block = np.full((len(rows), w), -np.inf)
        block.ravel()[cell] = score[np.repeat(indptr[rows], lengths[rows]) + column]
        kth[rows] = np.partition(block, w - top, axis=1)[:, w - top]
    return np.flatnonzero(score >= np.repeat(kth, lengths))


def _ranked(rows: np.ndarray, score: np.ndarray) -> np.ndarray:
    """The order of entries by row, then score (highest first), then entry: that of
    ``np.lexsort((-score, rows))``, for entries whose ``rows`` ascend. Each row's entries
    are sorted alone, by :func:`_row_blocks` (an array padded with NaN: after every score,
    and, the sort being stable, after the row's own NaN scores too)."""
    lengths = np.bincount(rows) if len(rows) else np.zeros(0, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)))[:-1]  # (rows ascend: together)
    order = np.arange(len(rows))
    for group, w, column, cell in _row_blocks(lengths, 1):
        entry = np.repeat(starts[group], lengths[group]) + column
        block = np.full((len(group), w), np.nan)
        block.ravel()[cell] = -score[entry]
        order[entry] = entry - column + np.argsort(block, axis=1, kind="stable").ravel()[cell]
    return order


def _tfidf(corpus: _Corpus, group_counts: sparse.csr_matrix) -> np.ndarray:
    n = corpus.n_docs
    # articles per term (canonical csr: a term appears once per row)
    df = np.bincount(corpus.counts.indices, minlength=corpus.counts.shape[1])
    corpus_idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    general = general_idf(corpus.vocabulary_array)
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
    terms: TermCounts | None = None,
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
            module docstring). ``"log_odds"`` compares each group with the rest, so
            it needs two groups or more: with one (e.g. ``by="month"`` on a single
            month) it warns (``UserWarning``) and ranks by ``"tfidf"`` instead of
            returning zeros.
        tokens: a precomputed :func:`analysis.tokens_table`, joined on
            ``article_id``, so the articles are not tokenized again.
        extra_stopwords: more stopwords, as in :func:`analysis.stopwords`.
        window: co-occurrence window of ``"textrank"``.
        prior_size: pseudo-token count of the ``"log_odds"`` prior.
        backend: segmentation backend when ``tokens`` is not given.
        terms: precomputed :class:`TermCounts`, one row per article in table order
            (the build makes them batch by batch); used instead of ``tokens``, for
            ``"tfidf"`` and ``"log_odds"``.

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
    articles = pd.DataFrame(articles, copy=False)  # a view without attrs: no deep copies of them
    labels = _group_labels(articles, by)
    if terms is None:
        terms = TermCounts.from_tokens(
            _token_lists(articles, tokens, backend),
            sequence=method == "textrank",
            content=True,
            extra_stopwords=extra_stopwords,
        )
    elif terms.counts.shape[0] != len(articles):
        raise InputError(
            f"terms count {terms.counts.shape[0]} articles, the table has {len(articles)}",
            problem="columns",
        )
    elif method == "textrank":
        raise ValueError("method='textrank' needs the token order: pass tokens, not terms")
    present = labels.notna().to_numpy()
    if not present.all():
        logger.info("keywords: %d article(s) without a group left out", int((~present).sum()))
        terms = terms.take(np.flatnonzero(present))
        labels = labels[present]
    group_code, groups = pd.factorize(labels, sort=True)
    corpus = _Corpus(terms, extra_stopwords)
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

    if len(groups) == corpus.n_docs:
        # one article per group (keywords per article): the groups' rows are the
        # articles' rows, sorted by group
        group_counts = corpus.counts[np.argsort(group_code)]
        group_counts.sort_indices()
        group_docs = group_counts.copy()
        group_docs.data[:] = 1.0
    else:
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

    if method == "log_odds" and len(groups) < 2:
        # log-odds compares a group with the rest: with one group there is no rest and
        # every score is 0. TF-IDF ranks the words instead, and the caller is told.
        warnings.warn(
            "keywords(method='log_odds') needs two or more groups; "
            f"found {len(groups)}: ranking by 'tfidf' instead",
            UserWarning,
            stacklevel=2,
        )
        method = "tfidf"
    if method == "tfidf":
        score = _tfidf(corpus, group_counts)
    elif method == "textrank":
        score = _textrank(corpus, group_code, group_counts, window)
    else:
        score = _log_odds(group_counts, prior_size)

    rows = np.repeat(np.arange(len(groups)), np.diff(group_counts.indptr))
    cols = group_counts.indices
    # by group, then score; ties keep the column (code point) order: lexsort is stable.
    # With a top, only the entries that can make it are sorted.
    order = _candidates(score, group_counts.indptr, top)
    order = order[_ranked(rows[order], score[order])]
    rows_sorted = rows[order]
    starts = np.searchsorted(rows_sorted, np.arange(len(groups)))
    rank = np.arange(len(order)) - starts[rows_sorted] + 1
    chosen = order if top is None else order[rank <= top]
    rank = rank if top is None else rank[rank <= top]
    import pyarrow as pa

    out = pd.DataFrame(
        {
            "group": groups.take(rows[chosen]),
            # (taken in Arrow: the strings are not made Python objects and back)
            "keyword": corpus.vocabulary_array.take(pa.array(cols[chosen])).to_pandas(),
            "score": score[chosen].astype(float),
            "rank": rank.astype(np.int64),
            "n_docs": group_docs.data[chosen].astype(np.int64),
        },
        columns=_COLUMNS,
    )
    return out.reset_index(drop=True)
