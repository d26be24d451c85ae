"""The build's cache: each batch of processed inputs kept for the next build.

A batch is two files in ``<out>/cache/<settings>/batches/``: ``<name>.pkl``, the
batch's tables, and ``<name>.idx``, the content digest of each of its inputs.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import mmap
import os
import pickle
import shutil
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

logger = logging.getLogger(__name__)


def batch_name(digests: Sequence[str | None]) -> str:
    """A batch's name: a digest of its inputs' digests (None: a file not read)."""
    return hashlib.blake2b("".join(d or "-" for d in digests).encode(), digest_size=12).hexdigest()


def write_cache(cache_dir: Path, digests: Sequence[str], result) -> str:
    """Keep a batch's tables for the next build; returns the batch's name.

    Two files in ``<cache>/batches/``: ``<name>.pkl`` holds the tables, ``<name>.idx``
    the content digest of each of its inputs, one per line (``-`` for a bad input, so
    that it is read again next time). The index is written last: an index names a
    complete batch. Each file carries the batch's name (the key it was written for)
    and a checksum of its content: a damaged file, or one batch's file copied over
    another's, is not read (the batch is processed again).
    """
    name = batch_name(digests)
    folder = cache_dir / "batches"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{name}.tmp{os.getpid()}"  # each file is renamed once complete
    _dump_pickle(result, tmp, key=name)
    os.replace(tmp, folder / f"{name}.pkl")
    index = "".join(f"{'-' if j in result.errors else d}\n" for j, d in enumerate(digests))
    tmp.write_text(f"# {name} {zlib.crc32(index.encode()):08x}\n{index}", encoding="ascii")
    os.replace(tmp, folder / f"{name}.idx")
    return name


def _dump_pickle(obj, path: Path, key: str = "") -> None:
    """Pickle protocol 5 with the (Arrow) buffers out of band: they are written as they
    are, not copied into the pickle first. The file: a JSON line with the key, the
    CRC-32 of the rest and the sizes of the pickle and of each buffer; the pickle; the
    buffers."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    views = [b.raw() for b in buffers]
    crc = zlib.crc32(head)
    for view in views:
        crc = zlib.crc32(view, crc)
    sizes = [len(head), *(v.nbytes for v in views)]
    with open(path, "wb") as fh:
        fh.write(json.dumps({"key": key, "crc32": crc, "sizes": sizes}).encode() + b"\n")
        fh.write(head)
        for view in views:
            fh.write(view)


def _load_pickle(path: Path, key: str | None = None, checked: bool = True):
    """What :func:`_dump_pickle` wrote, checked: the key it was written for (when
    ``key`` is given) and, unless ``checked`` is False (a file this build has just
    written), the checksum of its content. On POSIX systems the buffers are
    views of the file mapped in memory (never copied; the file may be replaced or
    removed meanwhile, the mapping keeps the old content). Windows cannot replace or
    remove a mapped file: there the file is read.

    Raises:
        ValueError: truncated, damaged (checksum), or written for another key.
    """
    with open(path, "rb") as fh:
        header = json.loads(fh.readline())
        if not isinstance(header, dict):
            raise ValueError(f"{path}: an old cache format")
        if key is not None and header.get("key") != key:
            raise ValueError(f"{path}: written for batch {header.get('key')}, not {key}")
        sizes = header["sizes"]
        if os.name == "posix":
            start = fh.tell()
            data = memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))[start:]
        else:
            data = memoryview(fh.read())
    if sum(sizes) != len(data):
        raise ValueError(f"{path}: truncated")
    if checked and zlib.crc32(data) != header["crc32"]:
        raise ValueError(f"{path}: damaged (checksum differs)")
    ends = [int(x) for x in itertools.accumulate(sizes)]
    parts = [data[a:b] for a, b in zip([0, *ends], ends, strict=False)]
    return pickle.loads(parts[0], buffers=parts[1:])


def read_cache_index(cache_dir: Path) -> dict[str, tuple[str, int]]:
    """Input digest -> (batch name, position in the batch), for every cached batch."""
    index: dict[str, tuple[str, int]] = {}
    folder = cache_dir / "batches"
    if not folder.is_dir():
        return index
    for path in folder.glob("*.idx"):
        name = path.stem
        try:
            head, _, body = path.read_text(encoding="ascii").partition("\n")
        except (OSError, UnicodeDecodeError):
            continue
        if head.split() != ["#", name, f"{zlib.crc32(body.encode()):08x}"]:
            logger.debug("cache index %s damaged or of another batch; not used", path)
            continue
        lines = body.split()
        for j, digest in enumerate(lines):
            if digest != "-":
                index[digest] = (name, j)
    return index


def read_batch(cache_dir: Path, name: str, *, checked: bool = True):
    """A cached batch, or None when it is absent or unreadable (it is then rebuilt).
    ``checked=False``: a batch this build's worker has just written, whose checksum is
    not computed again (0.05 s of the parent's time for 200 MB of batches)."""
    try:
        batch = _load_pickle(cache_dir / "batches" / f"{name}.pkl", key=name, checked=checked)
    except FileNotFoundError:
        return None
    except Exception:
        logger.debug("cache batch %s unreadable; rebuilding", name)
        return None
    return batch


def prune_cache(cache_dir: Path, keep: Iterable[str]) -> None:
    """Remove every cached batch but those named, and unfinished files: the cache holds
    what the tables were last built from (and cache folders of other settings are
    removed). Called by the build holding the output folder's lock, once its workers
    are done."""
    keep = set(keep)
    for other in cache_dir.parent.iterdir() if cache_dir.parent.is_dir() else ():
        if other != cache_dir and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
    folder = cache_dir / "batches"
    for path in folder.iterdir() if folder.is_dir() else ():
        # (a temporary file is a batch a stopped process did not finish)
        if path.name.split(".")[0] not in keep or ".tmp" in path.name:
            path.unlink(missing_ok=True)
