"""Writing and reading a set of tables: Parquet, CSV, the Excel workbook.

Both engines write their tables through this module, and :func:`load_tables`
reads them back.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import config
from analysis.errors import InputError
from analysis.stages import (
    CSV_TABLES,
    FILE_TABLES,
    TABLES,
    TERMS,
    from_arrow,
    table_schema,
    to_arrow,
)

if TYPE_CHECKING:  # imported where they are used: a build with nothing changed needs none
    import pandas as pd
    import pyarrow as pa

logger = logging.getLogger(__name__)


def remove_path(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with list columns joined by ``|`` (for CSV and Excel)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if isinstance(values.dtype, pd.ArrowDtype) and pa.types.is_list(values.dtype.pyarrow_dtype):
            joined = pc.binary_join(pa.array(values.array), "|").fill_null("")
            out[col] = pd.Series(joined.to_pylist(), index=out.index, dtype="str")
        elif (
            values.dtype == object
            and len(out)
            and isinstance(next((v for v in values if v is not None), None), (list, tuple))
        ):
            out[col] = values.map(lambda v: "|".join(map(str, v)) if v is not None else "")
    return out


# --------------------------------------------------------------------------- safe exports
#: A cell beginning with one of these is read as a formula by spreadsheets (OWASP,
#: "CSV Injection"): ``= + - @``, and a tab or carriage return (which may precede one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_RE = "^[=+\\-@\t\r]"
#: Control characters a workbook (XML 1.0) or an HTML page cannot hold: C0 controls
#: but tab, line feed and carriage return, and the non-characters U+FFFE, U+FFFF.
_CONTROL_RE = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
_CONTROLS = {
    **{c: 0x2400 + c for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))},
    0xFFFE: 0xFFFD,
    0xFFFF: 0xFFFD,
}
_has_control = re.compile(_CONTROL_RE).search


@dataclass
class ExportStats:
    """What the exports (CSV, workbook, HTML) changed to keep a spreadsheet or a browser
    safe; the Parquet tables keep the text as read.

    Attributes:
        formulas: text cells beginning with ``= + - @``, tab or carriage return, written
            as text (a ``'`` put before them in CSV; a text cell in the workbook).
        controls: control characters replaced by their visible symbol (ESC becomes
            ``␛``, U+241B; NUL ``␀``; U+FFFE and U+FFFF become ``�``).
    """

    formulas: int = 0
    controls: int = 0

    def add(self, other: ExportStats) -> None:
        self.formulas += other.formulas
        self.controls += other.controls

    def summary(self, what: str) -> str:
        """One line, or ``""`` when nothing was changed."""
        if not (self.formulas or self.controls):
            return ""
        return (
            f"{what}: {self.formulas:,} cell(s) beginning with = + - @ written as text, "
            f"{self.controls:,} control character(s) replaced (the Parquet tables keep them)"
        )


def replace_controls(text: str) -> tuple[str, int]:
    """``text`` with the control characters a workbook or HTML cannot hold replaced by
    their visible symbols (U+2400 block), and how many were replaced."""
    if _has_control(text) is None:  # (searched 20x faster than translated: most texts)
        return text, 0
    safe = text.translate(_CONTROLS)
    return safe, sum(a != b for a, b in zip(text, safe, strict=True))


def safe_cell(text: str, stats: ExportStats | None = None) -> str:
    """A text cell as CSV writes it: control characters replaced, and a ``'`` put before
    a cell a spreadsheet would run as a formula (OWASP's advice for CSV injection)."""
    text, n = replace_controls(text)
    formula = text.startswith(FORMULA_STARTS)
    if stats is not None:
        stats.controls += n
        stats.formulas += formula
    return "'" + text if formula else text


def _safe_strings(column, stats: ExportStats | None, controls: bool = True):
    """:func:`safe_cell` of every value of an Arrow string column, chunk by chunk
    (a chunk with nothing to change is kept as it is, not copied). ``controls=False``
    skips the search for control characters (text known to have none)."""
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        chunks = [_safe_array(c, stats, controls) for c in column.chunks]
        return pa.chunked_array(chunks, type=column.type)
    return _safe_array(column, stats, controls)


def _safe_array(column, stats: ExportStats | None, controls: bool):
    """:func:`_safe_strings` of an array, vectorised on its UTF-8 bytes (a control
    character or a formula's first character is one byte in UTF-8, never part of
    another character's bytes); rows are visited in Python only when they hold a
    control character."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if controls and _has_controls(column):
        found = pc.match_substring_regex(column, _CONTROL_RE)
        values = column.to_pylist()
        for i in pc.indices_nonzero(found).to_pylist():
            values[i], n = replace_controls(values[i])
            if stats is not None:
                stats.controls += n
        column = pa.array(values, type=column.type)
    formulas = _formula_starts(column)
    if formulas is not None:
        column = pc.if_else(formulas, pc.utf8_replace_slice(column, 0, 0, "'"), column)
        if stats is not None:
            stats.formulas += int(formulas.sum())
    return column


def _utf8(column):
    """The row offsets and the UTF-8 bytes of a string array, as numpy arrays."""
    import numpy as np
    import pyarrow as pa

    _, offsets, data = column.buffers()
    width = np.int64 if pa.types.is_large_string(column.type) else np.int32
    offsets = np.frombuffer(offsets, dtype=width)[column.offset : column.offset + len(column) + 1]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offsets, data


_FORMULA_BYTES = None


def _formula_starts(column):
    """A numpy mask of the rows beginning with a formula character, or None."""
    import numpy as np

    global _FORMULA_BYTES
    if _FORMULA_BYTES is None:
        _FORMULA_BYTES = np.zeros(256, dtype=bool)
        _FORMULA_BYTES[[ord(c) for c in FORMULA_STARTS]] = True
    if not len(column):
        return None
    offsets, data = _utf8(column)
    starts = offsets[:-1]
    nonempty = offsets[1:] > starts
    if column.null_count:
        nonempty &= column.is_valid().to_numpy(zero_copy_only=False)
    mask = np.zeros(len(column), dtype=bool)
    mask[nonempty] = _FORMULA_BYTES[data[starts[nonempty]]]
    return mask if mask.any() else None


def _has_controls(column) -> bool:
    """Whether a string array may hold a character :func:`replace_controls` replaces."""
    import re

    import numpy as np

    if not len(column):
        return False
    offsets, data = _utf8(column)
    text = data[offsets[0] : offsets[-1]]
    n_low = np.count_nonzero(text < 0x20)
    if n_low and n_low != np.count_nonzero(text == 0x0A):  # more than line feeds
        low = text[text < 0x20]
        if ((low != 0x09) & (low != 0x0A) & (low != 0x0D)).any():
            return True
    return re.search(rb"\xef\xbf[\xbe\xbf]", memoryview(np.ascontiguousarray(text))) is not None


def _table_has_controls(table) -> bool:
    import pyarrow as pa

    return any(
        _has_controls(chunk)
        for i, f in enumerate(table.schema)
        if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
        for chunk in table.column(i).chunks
    )


def write_tables(
    tables: dict[str, pd.DataFrame | pa.Table],
    out_dir: Path,
    *,
    csv: bool = True,
    stats: ExportStats | None = None,
) -> dict[str, list[Path]]:
    """Write each table (a DataFrame, or an Arrow table of the build's schema) as
    ``<table>.parquet`` (and ``<table>.csv``) into ``out_dir``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {name: ExportStats() for name in tables}
    arrow = {
        name: table if isinstance(table, pa.Table) else to_arrow(table, table_schema(name))
        for name, table in tables.items()
    }

    def write_one(file: tuple[str, str]) -> Path:
        name, suffix = file
        target = out_dir / f"{name}{suffix}"
        if suffix == ".csv":
            return _write_csv_table(arrow[name], target, counts[name])
        remove_path(target)
        pq.write_table(arrow[name], target)
        return target

    # Arrow encodes, compresses and writes without the GIL: the files go in parallel (a
    # table's Parquet and CSV files too)
    files = [(name, ".parquet") for name in tables]
    files += [(name, ".csv") for name in tables if csv and name in CSV_TABLES]
    with ThreadPoolExecutor(max_workers=min(4, len(files) or 1)) as pool:
        written = list(pool.map(write_one, files))
    paths: dict[str, list[Path]] = {name: [] for name in tables}
    for (name, _), path in zip(files, written, strict=True):
        paths[name].append(path)
    if stats is not None:
        for count in counts.values():
            stats.add(count)
    return paths


def write_csv(frame: pd.DataFrame, path: Path, stats: ExportStats | None = None) -> Path:
    """CSV that Excel opens with the Chinese intact: UTF-8 with a BOM, lists joined by ``|``,
    and safe to open (see :func:`safe_cell`; what was changed is added to ``stats``).

    Written with pyarrow's CSV writer (several times faster than pandas').
    """
    import pyarrow as pa

    table = pa.Table.from_pandas(_csv_frame(frame), preserve_index=False)
    return _write_csv_table(table, path, stats)


def _write_csv_table(table, path: Path, stats: ExportStats | None = None) -> Path:
    """:func:`write_csv` of an Arrow table."""
    import pyarrow.csv as pacsv

    with open(path, "wb") as fh:
        fh.write(_BOM)
        pacsv.write_csv(_csv_table(table, stats), fh)
    return path


_BOM = b"\xef\xbb\xbf"  # so that Excel reads the CSV files as UTF-8


def _iso_dates(column):
    """A timestamp column as CSV shows it: ISO dates (``2023-08-09``) when every value is
    a day, else ISO date and time (``2023-08-09 10:30:00``); empty for none."""
    import pyarrow as pa
    import pyarrow.compute as pc

    days = pc.cast(column, pa.date32())
    if pc.any(pc.not_equal(pc.cast(days, column.type), column)).as_py():  # a time of day
        seconds = pc.cast(column, pa.timestamp("s", column.type.tz), safe=False)
        return pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S")
    return days


def _csv_table(table, stats: ExportStats | None = None, controls: bool = True):
    """The Arrow table as CSV writes it: list columns joined by ``|``, every text cell
    made safe (:func:`safe_cell`; ``controls=False``: the text is known to hold no
    control character)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, f in enumerate(table.schema):
        if pa.types.is_list(f.type):
            column = pc.binary_join(table.column(i), "|").fill_null("")
            table = table.set_column(i, f.name, _safe_strings(column, stats, controls))
        elif pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
            table = table.set_column(i, f, _safe_strings(table.column(i), stats, controls))
        elif pa.types.is_timestamp(f.type):
            table = table.set_column(i, f.name, _iso_dates(table.column(i)))
    # pyarrow before 15 writes the header again for each empty batch: leave those out
    batches = [batch for batch in table.to_batches() if batch.num_rows]
    return pa.Table.from_batches(batches, schema=table.schema)


#: Excel's limits: characters in a cell, rows in a sheet.
_EXCEL_CELL_CHARS = 32000
_EXCEL_ROWS = 1_048_576


def write_excel(
    tables: dict[str, pd.DataFrame], path: Path, *, stats: ExportStats | None = None
) -> Path:
    """One workbook with a sheet per table, safe to open.

    Every text is a text cell, never a formula (a title ``=HYPERLINK(...)`` shows as
    written); control characters are replaced (:func:`replace_controls`); numbers stay
    numbers and dates dates. Long texts are cut at Excel's cell limit, long tables at
    its row limit (with a warning). Written under a temporary name and renamed, so a
    failed write leaves the previous workbook.
    """
    from openpyxl import Workbook

    stats = stats if stats is not None else ExportStats()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    for name in CSV_TABLES:
        if name not in tables:
            continue
        frame = _csv_frame(tables[name])
        sheet = book.create_sheet(name)
        if len(frame) >= _EXCEL_ROWS:
            logger.warning(
                "%s: the %s table has %d rows; the workbook shows the first %d",
                path,
                name,
                len(frame),
                _EXCEL_ROWS - 1,
            )
            frame = frame.iloc[: _EXCEL_ROWS - 1]
        sheet.append([str(c) for c in frame.columns])
        columns = [_excel_column(frame[c], sheet, stats) for c in frame.columns]
        ids = frame["article_id"].tolist() if "article_id" in frame.columns else None
        for i, row in enumerate(zip(*columns, strict=True)):
            try:
                sheet.append(row)
            except Exception as exc:
                where = f" (article {ids[i]})" if ids is not None else ""
                raise ValueError(f"{path}: sheet {name}, row {i + 2}{where}: {exc}") from exc
    with temporary_file(path) as tmp:
        book.save(tmp)
    return path


def _excel_column(values: pd.Series, sheet, stats: ExportStats) -> list:
    """The cells of a column: text cells (never formulas), numbers, dates, or None."""
    import pandas as pd
    from openpyxl.cell import WriteOnlyCell

    if pd.api.types.is_bool_dtype(values):
        return [None if _missing(v) else bool(v) for v in values.astype(object)]
    if pd.api.types.is_numeric_dtype(values):
        return [None if _missing(v) else v for v in values.astype(object)]
    if pd.api.types.is_datetime64_any_dtype(values):
        return [None if _missing(v) else v.to_pydatetime() for v in values]
    cells: list = []
    for v in values.astype(object):
        if _missing(v):
            cells.append(None)
            continue
        text, n = replace_controls(str(v)[:_EXCEL_CELL_CHARS])
        stats.controls += n
        if text.startswith(FORMULA_STARTS):
            stats.formulas += 1
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"  # text as written, never a formula
            cells.append(cell)
        else:
            cells.append(text)
    return cells


def _missing(value) -> bool:
    import pandas as pd

    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


@contextmanager
def temporary_file(path: Path):
    """A temporary name next to ``path`` that replaces ``path`` once the block is done
    (and is removed if it fails): readers see the old file or the new one, whole.
    Leftovers of a killed process (``.<name>.tmp<pid>``) are removed by the next build."""
    tmp = path.parent / f".{path.name}.tmp{os.getpid()}"
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_term_counts(terms, article_ids, out_dir: Path) -> Path:
    """Write the articles' term counts (:class:`analysis.keyterms.TermCounts`, one row
    per article of ``article_ids``) as ``terms.arrow`` into ``out_dir``: an Arrow IPC
    file (zstd), whose dictionary of terms reads back as written (Parquet would decode
    and encode the 4.6 million terms of 10,000 articles again: 0.9 s instead of 0.03 s)."""
    import pyarrow as pa

    table = terms.to_arrow(article_ids)
    target = out_dir / TERMS_FILE
    remove_path(target)
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    with (
        pa.OSFile(str(target), "wb") as sink,
        pa.ipc.new_file(sink, table.schema, options=options) as w,
    ):
        w.write_table(table)
    return target


def load_term_counts(out_dir: str | os.PathLike | None = None):
    """The articles' term counts the build wrote beside its tables (``terms.arrow``, see
    :data:`analysis.stages.TERMS`), as :class:`analysis.keyterms.TermCounts` with the
    article id of each row; None when the build wrote none (an older version), the file
    differs from the manifest, or it was counted with other stopwords than today's: the
    keywords then count the tokens table instead."""
    import pyarrow as pa

    from analysis.keyterms import TermCounts, _stop_key
    from analysis.text import stopwords

    base = Path(out_dir) if out_dir is not None else config.PROCESSED_DIR
    try:
        path = check_table(base, TERMS, suffix=".arrow")
        with pa.memory_map(str(path)) as source:
            terms = TermCounts.from_arrow(pa.ipc.open_file(source).read_all())
    except (InputError, OSError, KeyError, ValueError, pa.ArrowException) as error:
        logger.info("no term counts in %s (%s): the keywords count the tokens", base, error)
        return None
    if terms.content_key != _stop_key(stopwords()):
        logger.info("term counts of %s use other stopwords: the keywords count the tokens", base)
        return None
    return terms


#: The file of :func:`write_term_counts`.
TERMS_FILE = f"{TERMS}.arrow"


def load_tables(
    out_dir: str | os.PathLike | None = None,
    tables: Iterable[str] = TABLES,
    *,
    skip: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, pd.DataFrame]:
    """Load the built tables back from ``processed/`` (Parquet files or part folders).

    ``skip``: columns not to read, by table (``{"articles": ["body"]}``).

    Example:
        >>> t = load_tables()  # doctest: +SKIP
        >>> t["events"].groupby("type_label").size()  # doctest: +SKIP

    Only a complete set is read: each table's files are checked against the size and
    hash the build recorded in ``manifest.json`` (:func:`check_table`); while a build
    is putting a new set in place, the new set is read.

    Raises:
        InputError: when a table has not been built yet (run ``python -m analysis
            build``), or its files differ from the manifest.
    """
    base = Path(out_dir) if out_dir is not None else config.PROCESSED_DIR
    out, manifest = {}, None
    for name in tables:
        out[name], manifest = _read_table(base, name, (skip or {}).get(name, ()), manifest)
    return out


def _read_table(
    base: Path, name: str, skip: Iterable[str], manifest: tuple | None
) -> tuple[pd.DataFrame, tuple]:
    """One table of :func:`load_tables`, checked against ``manifest`` (what
    :func:`read_manifest` returned for an earlier table: the manifest lists every
    input, 2 MB and 40 ms to read for 10,000 files) or the manifest read now; and the
    manifest it was checked against. A table that differs from an earlier manifest,
    or moves into place while it is read, is looked for again with the manifest read
    again (a build published a new set meanwhile)."""
    import pyarrow.parquet as pq

    for attempt in range(3):
        fresh = manifest is None
        manifest = read_manifest(base) if fresh else manifest
        try:
            path = check_table(base, name, manifest=manifest)
        except InputError:
            if fresh:
                raise
            manifest = None  # a build published a new set since the earlier table
            continue
        try:
            return from_arrow(pq.read_table(path, columns=_columns_but(path, skip)), name), manifest
        except FileNotFoundError:  # moved into place meanwhile: look again
            if attempt == 2:
                raise
            manifest = None
    raise AssertionError("unreachable: the third attempt reads the manifest again")


def _columns_but(path: Path, skip: Iterable[str]) -> list[str] | None:
    """The columns of a Parquet table (a file or a folder of parts) but ``skip``; None
    (every column) when there is nothing to skip."""
    skip = set(skip)
    if not skip:
        return None
    import pyarrow.parquet as pq

    if path.is_dir():
        import pyarrow.dataset as ds

        schema = ds.dataset(path, format="parquet").schema
    else:
        schema = pq.read_schema(path)
    return [c for c in schema.names if c not in skip]


class LazyTables(dict):
    """The built tables, each made a DataFrame the first time it is asked for.

    A rebuild with nothing changed returns these, read from ``processed/``, so that
    printing a summary does not read the (large) tokens table; a build returns them
    converted from its Arrow tables, so that the tokens are not converted either.
    """

    def __init__(
        self,
        out_dir: Path | None = None,
        arrow: dict[str, pa.Table] | None = None,
        *,
        skip: Mapping[str, Iterable[str]] | None = None,
    ):
        super().__init__()
        self._out_dir = Path(out_dir) if out_dir is not None else None
        self._arrow = dict(arrow or {})
        self._manifest = None  # read once, by the first table read without its data
        self._skip = {name: tuple(columns) for name, columns in (skip or {}).items()}

    def without(self, skip: Mapping[str, Iterable[str]]) -> LazyTables:
        """The same tables, those not made yet made without the columns ``skip`` (by
        table): a reader that never needs them does not read them. Tables already
        made are shared as they are (with every column)."""
        lean = LazyTables(self._out_dir, self._arrow, skip=skip)
        lean._manifest = self._manifest
        dict.update(lean, dict(dict.items(self)))
        return lean

    def __missing__(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(name)
        skip = self._skip.get(name, ())
        if name in self._arrow:
            table = self._arrow.pop(name)
            table = table.drop_columns([c for c in skip if c in table.column_names])
            frame = from_arrow(table, name)
        elif self._out_dir is not None:  # (the manifest read once for every table)
            frame, self._manifest = _read_table(self._out_dir, name, skip, self._manifest)
        else:
            raise KeyError(name)
        self[name] = frame
        return frame

    def n_rows(self, name: str) -> int:
        """The table's number of rows, without reading it."""
        if dict.__contains__(self, name):
            return len(dict.__getitem__(self, name))
        if name in self._arrow:
            return self._arrow[name].num_rows
        import pyarrow.dataset as ds

        return ds.dataset(self._path(name), format="parquet").count_rows()

    def columns(self, name: str, columns: list[str]) -> pd.DataFrame:
        """Some columns of the table, reading only those."""
        if dict.__contains__(self, name):
            return dict.__getitem__(self, name)[columns]
        if name in self._arrow:
            return from_arrow(self._arrow[name].select(columns), name)
        import pyarrow.parquet as pq

        return from_arrow(pq.read_table(self._path(name), columns=columns), name)

    def _path(self, name: str) -> Path:
        if self._out_dir is None or name not in TABLES:
            raise KeyError(name)
        if self._manifest is None:
            self._manifest = read_manifest(self._out_dir)
        return check_table(self._out_dir, name, hashes=False, manifest=self._manifest)

    def __contains__(self, name) -> bool:
        return name in TABLES

    def keys(self):
        return list(TABLES)

    def __iter__(self):
        return iter(TABLES)

    def __len__(self) -> int:
        return len(TABLES)

    def items(self):
        return [(name, self[name]) for name in TABLES]

    def values(self):
        return [self[name] for name in TABLES]

    def get(self, name, default=None):
        return self[name] if name in TABLES else default


def count_chars(articles: pd.DataFrame) -> int:
    return int(articles["n_chars"].sum()) if len(articles) else 0


class TableStream:
    """Writes the file tables part by part into ``<table>.parquet`` (and ``.csv``), in
    a thread, as :class:`Assembler` hands them over; :meth:`close` finishes the files.

    Parts are gathered into row groups of about 32 MB. The files are written into the
    folder of a new :class:`TableSet`, published when the build is complete.
    """

    ROW_GROUP_BYTES = 32 << 20

    def __init__(self, out_dir: Path, *, csv: bool = True, tables=FILE_TABLES):
        self.out_dir, self.csv, self.tables = Path(out_dir), csv, tables
        self.stats = ExportStats()  # what the CSV files changed to be safe to open
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._pending: list = []
        self._buffered: dict[str, list] = {t: [] for t in tables}
        self._writers: dict[str, tuple] = {}

    def write(self, parts: dict[str, pa.Table]) -> None:
        self._pending.append(self._pool.submit(self._write, parts, False))

    def _write(self, parts: dict[str, pa.Table], last: bool) -> None:
        import pyarrow as pa

        # the other tables' text is taken from the articles' (sentences, names, ...):
        # where the articles of a part hold no control character, neither do they
        clean = "articles" in parts and not _table_has_controls(parts["articles"])
        for name in self.tables:
            parquet, csv, _ = self._open(name)  # (a table without rows still gets its files)
            buffered = self._buffered[name]
            if name in parts and parts[name].num_rows:
                buffered.append(parts[name])
                # CSV has no row groups: each part is written as it comes (the same
                # bytes as all at once), not left for the end of the build
                if csv is not None:
                    csv.write_table(_csv_table(parts[name], self.stats, not clean))
            if buffered and (last or sum(t.nbytes for t in buffered) >= self.ROW_GROUP_BYTES):
                parquet.write_table(pa.concat_tables([table_schema(name).empty_table(), *buffered]))
                buffered.clear()

    def _open(self, name: str) -> tuple:
        """The table's Parquet writer, CSV writer and CSV file (None without CSV)."""
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        if name not in self._writers:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            schema = table_schema(name)
            csv = fh = None
            if self.csv and name in CSV_TABLES:
                fh = open(self._tmp(f"{name}.csv"), "wb")
                fh.write(_BOM)
                csv = pacsv.CSVWriter(fh, _csv_table(schema.empty_table()).schema)
            self._writers[name] = (pq.ParquetWriter(self._tmp(f"{name}.parquet"), schema), csv, fh)
        return self._writers[name]

    def _tmp(self, filename: str) -> Path:
        return self.out_dir / filename

    def flush(self) -> None:
        """Write what is buffered (in the thread); nothing may be written after this."""
        self._pending.append(self._pool.submit(self._write, {}, True))

    def close(self) -> dict[str, list[Path]]:
        """Write what is left and close the files; the paths by table."""
        self.flush()
        for done in self._pending:
            done.result()
        self._pool.shutdown()
        paths = {}
        for name in self.tables:
            paths[name] = []
            for writer in self._writers.get(name, ()):
                if writer is not None:
                    writer.close()
            for suffix in (".parquet", ".csv"):
                if self._tmp(f"{name}{suffix}").exists():
                    paths[name].append(self._tmp(f"{name}{suffix}"))
        return paths

    def abort(self) -> None:
        """Stop and remove the unfinished files."""
        for done in self._pending:
            done.cancel()
        self._pool.shutdown(wait=True)
        for writers in self._writers.values():
            for writer in writers:
                try:
                    if writer is not None:
                        writer.close()
                except Exception:  # already broken: the file is removed below
                    logger.debug("closing an unfinished table file", exc_info=True)
        for name in self.tables:
            for suffix in (".parquet", ".csv"):
                self._tmp(f"{name}{suffix}").unlink(missing_ok=True)


# --------------------------------------------------------------------------- table sets
#: The manifest of a published table set: the build's inputs and settings, and the
#: size and checksum of every file of the set. Written last: a set is complete when its
#: manifest is in place.
MANIFEST = "manifest.json"
_JOURNAL = ".publishing"  # names the staged set being moved into place
_STAGING = ".set-"  # .set-<pid>-<id>: a set being written
_TRASH = ".old-"  # .old-<pid>-<id>: the previous set's part folders, being removed
_LOCK = ".build.lock"


class OutputError(OSError):
    """The output folder cannot be written (read-only, full, locked by another build).

    The message is one line naming the folder; the tables already there are intact.
    """


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _pid_of(name: str) -> int | None:
    """The process id in a temporary name (``.set-<pid>-...``, ``.x.tmp<pid>``)."""
    import re

    m = re.match(r"^\.(?:set|old)-(\d+)-", name) or re.match(r"^\..*\.tmp(\d+)$", name)
    return int(m.group(1)) if m else None


def _file_entry(path: Path) -> list:
    """A file's size and checksum (CRC-32, several times faster than a cryptographic
    hash: it tells a damaged, truncated or other file, which is what readers check)."""
    import zlib

    crc = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            crc = zlib.crc32(chunk, crc)
    return [path.stat().st_size, f"crc32:{crc:08x}"]


class TableSet:
    """A new set of tables, written into a staging folder of the output folder
    (``<out>/.set-<pid>-<id>/``) and published in one step by :meth:`publish`.

    Readers (:func:`load_tables`, the build's "nothing changed") only ever see a
    complete set: the old one until the new one's manifest is in place. If the
    process is killed while the set is being moved into place, a journal
    (``<out>/.publishing``) names the staged set: readers take each file from
    where it is (staged, or already moved), and the next build finishes the move.
    A set that is never published (a failed or killed build) is removed by the next
    build.
    """

    def __init__(self, out: Path):
        import time

        self.out = Path(out)
        self.folder = self.out / f"{_STAGING}{os.getpid()}-{time.time_ns():x}"
        self.folder.mkdir(parents=True)
        self.journaled = False  # once the journal names it, the set is published

    def publish(self, manifest: dict) -> dict[str, Path]:
        """Hash every file, write the manifest last and move the set into place.

        Returns:
            Each published file's path by its name relative to the set.
        """
        files = sorted(
            p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*") if p.is_file()
        )
        with ThreadPoolExecutor(max_workers=4) as pool:  # zlib releases the GIL
            entries = list(pool.map(lambda rel: _file_entry(self.folder / rel), files))
        manifest = {**manifest, "files": dict(zip(files, entries, strict=True))}
        with temporary_file(self.folder / MANIFEST) as tmp:
            # (no indent: json's C encoder writes it, ten times faster for a manifest of
            # 10,000 inputs than the Python one an indent needs)
            tmp.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
        with temporary_file(self.out / _JOURNAL) as tmp:
            tmp.write_text(self.folder.name, encoding="utf-8")
            self.journaled = True
        _finish_publishing(self.out)
        return {rel: self.out / rel for rel in files}

    def discard(self) -> None:
        """Remove the unpublished set (the old tables stay as they are). A set the
        journal names is published already: readers read it, the next build finishes
        moving it into place."""
        if not self.journaled:
            shutil.rmtree(self.folder, ignore_errors=True)


def _finish_publishing(out: Path) -> None:
    """Move the staged set the journal names into place, manifest last, then remove the
    journal and what is left of the old set. Does nothing without a journal."""
    journal = out / _JOURNAL
    try:
        staged = out / journal.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return
    if staged.name.startswith(_STAGING) and (staged / MANIFEST).is_file():
        trash = out / f"{_TRASH}{staged.name[len(_STAGING) :]}"
        for entry in sorted(staged.iterdir()):
            if entry.name == MANIFEST or entry.name.startswith("."):
                continue
            target = out / entry.name
            if target.is_dir() or (entry.is_dir() and target.exists()):
                # a folder cannot replace another in one step: the old one goes aside
                # first (readers take the staged one meanwhile)
                trash.mkdir(exist_ok=True)
                os.replace(target, trash / entry.name)
            os.replace(entry, target)
        os.replace(staged / MANIFEST, out / MANIFEST)
        journal.unlink()
        shutil.rmtree(trash, ignore_errors=True)
    else:
        journal.unlink()
    shutil.rmtree(staged, ignore_errors=True)


def clean_output_folder(out: Path) -> None:
    """Finish a publication a killed build left half done, and remove the unpublished
    sets and the temporary files of builds that stopped. Called holding the folder's
    :func:`build_lock`: no other build is writing a set."""
    if not out.is_dir():
        return
    _finish_publishing(out)
    for entry in out.iterdir():
        pid = _pid_of(entry.name)
        if pid is None:
            continue
        if entry.name.endswith(f".tmp{pid}") and _pid_alive(pid):
            continue  # a workbook being written by a report now
        logger.info("removing %s, left by a build that stopped", entry)
        remove_path(entry)


def remove_stale_temporaries(folder: Path) -> None:
    """Remove the temporary files (``.<name>.tmp<pid>``) of processes that stopped."""
    for entry in folder.iterdir() if folder.is_dir() else ():
        pid = _pid_of(entry.name)
        if pid is not None and entry.name.endswith(f".tmp{pid}") and not _pid_alive(pid):
            entry.unlink(missing_ok=True)


def read_manifest(out: Path) -> tuple[dict | None, Path]:
    """The manifest of the published set and the folder its files are read from when
    a publication is under way (the staged set), else ``out``."""
    journal = out / _JOURNAL
    if journal.exists():
        try:
            staged = out / journal.read_text(encoding="utf-8").strip()
            return json.loads((staged / MANIFEST).read_text(encoding="utf-8")), staged
        except (OSError, ValueError):
            pass  # moved meanwhile: the manifest in place is the new one
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8")), out
    except FileNotFoundError:
        return None, out
    except (OSError, ValueError):
        return {"files": None}, out


def set_path(out: Path, rel: str, staged: Path | None = None) -> Path:
    """Where a file of the published set is: in the staged set while it is being moved
    into place (until it is moved), else in ``out``."""
    if staged is not None and staged != out and (staged / rel).exists():
        return staged / rel
    return out / rel


def check_table(
    out: Path,
    name: str,
    *,
    hashes: bool = True,
    manifest: tuple | None = None,
    suffix: str = ".parquet",
) -> Path:
    """The path of a published table (file or folder of parts), checked against the
    manifest: every file of the table present, of the recorded size (and hash), and no
    other part in its folder. ``manifest``: what :func:`read_manifest` returned, when
    the caller has it (a manifest lists every input: tens of ms to read). ``suffix``:
    the file's (``.arrow`` for the term counts).

    Raises:
        InputError: not built yet, or the files differ from the manifest (an
            incomplete or altered set: build again).
    """
    manifest, staged = manifest if manifest is not None else read_manifest(out)
    rel = f"{name}{suffix}"
    path = set_path(out, rel, staged)
    if not path.exists():
        raise InputError(
            f"{out / rel}: not built yet; run `python -m analysis build` first",
            path=str(out / rel),
            problem="missing",
        )
    if manifest is None:  # tables of a build before manifests listed their files
        return path
    files = manifest.get("files")
    expected = {k: v for k, v in (files or {}).items() if k == rel or k.startswith(rel + "/")}
    if path.is_dir():
        present = {f"{rel}/{p.name}" for p in path.iterdir() if p.name.endswith(suffix)}
    else:
        present = {rel}
    problems = sorted(set(expected) ^ present) if files is not None else ["the manifest"]
    for k in sorted(set(expected) & present):
        size, digest = expected[k]
        file = set_path(out, k, staged)
        if file.stat().st_size != size or (hashes and _file_entry(file)[1] != digest):
            problems.append(k)
    if problems:
        raise InputError(
            f"{out}: the table set is incomplete or was changed ({', '.join(problems)} "
            f"differ from {MANIFEST}); run `python -m analysis build` again",
            path=str(out),
            problem="incomplete",
        )
    return set_path(out, rel, staged)


def set_is_whole(out: Path, manifest: dict) -> bool:
    """Whether every file the manifest lists is in place with its size (no hashing)."""
    files = manifest.get("files")
    if not files:
        return False
    try:
        return all((out / k).stat().st_size == v[0] for k, v in files.items())
    except OSError:
        return False


@contextmanager
def build_lock(out: Path):
    """Hold the output folder for one build: a second build into the same folder stops
    with an :class:`OutputError` naming the process that holds it.

    The lock is ``<out>/.build.lock``, locked with ``flock`` (released by the operating
    system however the process ends) and holding the process id, host and start time.
    It is removed when the build ends.
    """
    path = out / _LOCK
    try:
        out.mkdir(parents=True, exist_ok=True)
        for _ in range(10):
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _try_lock(fd):
                holder = _read_holder(fd)
                os.close(fd)
                raise OutputError(
                    f"{out}: another build ({holder}) is writing to this folder; wait for "
                    "it to finish (the tables there are unchanged)"
                )
            try:  # the file may have been removed by the build that held it: lock anew
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        _write_holder(fd)
    except OutputError:
        raise
    except OSError as exc:
        raise output_error(out, exc) from None
    try:
        yield
    finally:
        path.unlink(missing_ok=True)  # still locked: a build waiting locks a new file
        os.close(fd)  # releases the lock


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: lock the first byte
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _write_holder(fd: int) -> None:
    import datetime as dt
    import socket
    import sys

    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
    }
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(info).encode())


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        holder = json.loads(os.read(fd, 4096) or b"{}")
    except (OSError, ValueError):
        holder = {}
    who = f"process {holder.get('pid', '?')}"
    if holder.get("host"):
        who += f" on {holder['host']}"
    if holder.get("started"):
        who += f", started {holder['started']}"
    return who


def output_error(out: Path, exc: OSError) -> OutputError:
    """One line naming the output folder and what went wrong."""
    import errno

    what = {
        errno.ENOSPC: "the disk is full",
        errno.EROFS: "the folder is on a read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
    }.get(exc.errno, exc.strerror or str(exc))
    if getattr(exc, "errno", None) == getattr(errno, "EDQUOT", None):
        what = "the disk quota is exceeded"
    return OutputError(f"{out}: cannot write the tables: {what}; the tables there are unchanged")
