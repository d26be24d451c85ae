"""Rebuild the development corpus of real, public news from a local git mirror.

    python benchmarks/real/get_corpus.py MIRROR OUT [--months 2019-03,2020-04]

MIRROR is a local git copy (a bare mirror is enough: only ``git log`` and
``git cat-file`` are used) of one of these public repositories:

- ``caspiankexin/people-daily-crawler-date``: People's Daily article files, one
  ``.7z`` archive per month in the repository's history
  (``2019年数据/2019年3月.7z``). Each archive is read with py7zr and its article
  files are written as the crawler wrote them. ``--months`` chooses the months
  (default ``2019-03``).
- ``caijing666666/xinwenlianbo``: CCTV Xinwen Lianbo items as JSON
  (``data/news/<YYYY-MM-DD>-<n>.json``: title, content).
- ``jiayangrui05160031-cmyk/people-daily-economy-daily``: China Economic Net
  articles as JSON (``data/raw/<YYYY-MM-DD>.json``: title, content paragraphs).
- ``DuckBurnIncense/xin-wen-lian-bo`` (MIT): CCTV Xinwen Lianbo, one Markdown file a
  day since 2022-09 (``news/<YYYYMMDD>.md``): under "## 详细新闻" each item is a
  "### " title and its paragraphs as ``<p>`` elements. Some 1,400 days, 13 M
  characters of distinct items: the benchmark's real corpus without repeats
  (``--months`` chooses months; default every month).

OUT is filled with month folders in the crawler's layout,
``OUT/<YYYY-MM>/<YYYYMMDD>/<YYYYMMDD-PP-NN>.txt``: line 1 the kicker (引题), line 2
the title, line 3 the subtitle (each possibly empty), then one paragraph a line.
For the two JSON sources the files are written in that layout from the source's
own fields (kicker and subtitle empty, the title and paragraphs verbatim, every
paragraph indented with two U+3000 as the crawler's files are); PP is ``01`` and
NN the item's order in the source.

The months 2019-02, 2019-10, 2020-01, 2020-02 and 2020-05 are reserved for the
project's acceptance checks: this script refuses to open them. The text is never
committed anywhere; this script and the answers in ``answers/`` are.

A month whose archive is not in the mirror (a snapshot that leaves out large
files has the commits but not the blobs) is reported with the commits that hold
it and skipped; the script exits with status 1 when it wrote nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

RESERVED = frozenset({"2019-02", "2019-10", "2020-01", "2020-02", "2020-05"})
DEFAULT_MONTHS = ("2019-03",)
ARTICLE_NAME = re.compile(r"(\d{8})-(\d{2})-(\d{2})\.txt$")
INDENT = "\u3000\u3000"


class CorpusError(Exception):
    """A problem with the mirror or the arguments, said in one line."""


def git(mirror: Path, *args: str, binary: bool = False):
    done = subprocess.run(
        ["git", f"--git-dir={git_dir(mirror)}", *args], capture_output=True, check=False
    )
    if done.returncode != 0:
        raise CorpusError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]}")
    return done.stdout if binary else done.stdout.decode("utf-8")


def git_dir(mirror: Path) -> Path:
    return mirror / ".git" if (mirror / ".git").is_dir() else mirror


def month_archive_path(month: str) -> str:
    year, mon = month.split("-")
    return f"{year}年数据/{year}年{int(mon)}月.7z"


def parse_months(text: str) -> list[str]:
    months = []
    for item in text.split(","):
        item = item.strip()
        if not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", item):
            raise CorpusError(f"not a month (YYYY-MM): {item!r}")
        if item in RESERVED:
            raise CorpusError(
                f"{item} is reserved for acceptance checks and is never opened "
                f"(reserved: {', '.join(sorted(RESERVED))})"
            )
        months.append(item)
    return months


def blob_of(mirror: Path, path: str) -> tuple[str, bytes] | None:
    """The newest stored version of ``path`` in any commit: (commit, bytes), else None."""
    commits = git(mirror, "log", "--all", "--format=%H", "--", path).split()
    for commit in commits:
        check = subprocess.run(
            ["git", f"--git-dir={git_dir(mirror)}", "cat-file", "-e", f"{commit}:{path}"],
            capture_output=True,
            check=False,
        )
        if check.returncode == 0:
            return commit, git(mirror, "cat-file", "blob", f"{commit}:{path}", binary=True)
    if commits:
        raise CorpusError(
            f"{path}: named by {len(commits)} commit(s) ({commits[0][:10]}…) but its "
            "content is not in this mirror (a snapshot without large files?); "
            "use a full clone"
        )
    return None


def write_article(out: Path, date: str, page: int, number: int, text: str) -> Path:
    """Write one article file at OUT/<YYYY-MM>/<YYYYMMDD>/<YYYYMMDD-PP-NN>.txt."""
    folder = out / f"{date[:4]}-{date[4:6]}" / date
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{date}-{page:02d}-{number:02d}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def crawler_text(title: str, paragraphs: list[str], kicker: str = "", subtitle: str = "") -> str:
    lines = [kicker.strip(), title.strip(), subtitle.strip()]
    lines += [INDENT + p.strip() for p in paragraphs if p.strip()]
    return "\n".join(lines) + "\n"


def people_daily(mirror: Path, out: Path, months: list[str]) -> int:
    import py7zr

    written = 0
    for month in months:
        path = month_archive_path(month)
        try:
            found = blob_of(mirror, path)
        except CorpusError as err:
            print(f"SKIPPED {month}: {err}", file=sys.stderr)
            continue
        if found is None:
            print(f"SKIPPED {month}: no {path} in the mirror's history", file=sys.stderr)
            continue
        commit, data = found
        with py7zr.SevenZipFile(io.BytesIO(data), mode="r") as archive:
            contents = archive.readall() or {}
        n = 0
        for name, handle in sorted(contents.items()):
            match = ARTICLE_NAME.search(PurePosixPath(name).name)
            if not match or not match.group(1).startswith(month.replace("-", "")):
                continue
            raw = handle.read() if hasattr(handle, "read") else bytes(handle)
            folder = out / month / match.group(1)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / PurePosixPath(name).name).write_bytes(raw)
            n += 1
        print(f"{month}: {n} article files from {path} at {commit[:10]}")
        written += n
    return written


def xinwenlianbo(mirror: Path, out: Path) -> int:
    names = git(mirror, "ls-tree", "-r", "--name-only", "HEAD", "--", "data/news").split("\n")
    items: dict[str, list[tuple[int, dict]]] = {}
    for name in names:
        match = re.search(r"(\d{4})-(\d{2})-(\d{2})-(\d+)\.json$", name)
        if not match:
            continue
        if f"{match.group(1)}-{match.group(2)}" in RESERVED:
            continue
        record = json.loads(git(mirror, "show", f"HEAD:{name}"))
        date = "".join(match.group(1, 2, 3))
        items.setdefault(date, []).append((int(match.group(4)), record))
    written = 0
    for date, records in sorted(items.items()):
        for number, (_, record) in enumerate(sorted(records, key=lambda r: r[0]), start=1):
            paragraphs = str(record.get("content", "")).split("\n")
            write_article(out, date, 1, number, crawler_text(record.get("title", ""), paragraphs))
            written += 1
    print(f"xinwenlianbo: {written} article files")
    return written


def economy_daily(mirror: Path, out: Path) -> int:
    names = set()
    for commit in git(mirror, "log", "--all", "--format=%H", "--", "data/raw").split():
        tree = git(mirror, "ls-tree", "-r", "--name-only", commit, "--", "data/raw")
        names.update((commit, n) for n in tree.split("\n") if n.endswith(".json"))
    newest: dict[str, str] = {}
    for commit, name in sorted(names):
        newest.setdefault(name, commit)
    written = 0
    for name, commit in sorted(newest.items()):
        match = re.search(r"(\d{4})-(\d{2})-(\d{2})\.json$", name)
        if not match or f"{match.group(1)}-{match.group(2)}" in RESERVED:
            continue
        data = json.loads(git(mirror, "show", f"{commit}:{name}"))
        date = "".join(match.group(1, 2, 3))
        for number, record in enumerate(data.get("articles", []), start=1):
            content = record.get("content") or str(record.get("content_text", "")).split("\n")
            write_article(out, date, 1, number, crawler_text(record.get("title", ""), content))
            written += 1
    print(f"economy-daily: {written} article files")
    return written


_ITEM_HEAD = re.compile(r"^### (.*)$", re.M)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


def xinwenlianbo_days(mirror: Path, out: Path, months: list[str] | None) -> int:
    """The items of each day's Markdown file, one article file each (title and paragraphs,
    HTML tags and entities removed)."""
    import html

    names = git(mirror, "ls-tree", "-r", "--name-only", "HEAD", "--", "news").split("\n")
    written = 0
    for name in sorted(names):
        match = re.fullmatch(r"news/((\d{4})(\d{2})\d{2})\.md", name)
        if not match:
            continue
        month = f"{match.group(2)}-{match.group(3)}"
        if month in RESERVED or (months is not None and month not in months):
            continue
        text = git(mirror, "show", f"HEAD:{name}")
        detail = text.split("## 详细新闻", 1)
        if len(detail) < 2:
            continue
        heads = list(_ITEM_HEAD.finditer(detail[1]))
        for number, head in enumerate(heads, start=1):
            end = heads[number].start() if number < len(heads) else len(detail[1])
            block = detail[1][head.end() : end]
            paragraphs = [html.unescape(_TAG.sub("", p)) for p in _PARAGRAPH.findall(block)]
            write_article(out, match.group(1), 1, number, crawler_text(head.group(1), paragraphs))
            written += 1
    print(f"xin-wen-lian-bo: {written} article files")
    return written


def detect(mirror: Path) -> str:
    if not git_dir(mirror).is_dir():
        raise CorpusError(f"{mirror}: no such git mirror")
    logged = git(mirror, "log", "--all", "--format=%H", "-1", "--", "*年数据/*.7z").strip()
    if logged:
        return "people-daily"
    if git(mirror, "ls-tree", "--name-only", "HEAD", "--", "data/news").strip():
        return "xinwenlianbo"
    if git(mirror, "log", "--all", "--format=%H", "-1", "--", "data/raw/*.json").strip():
        return "economy-daily"
    if git(mirror, "ls-tree", "--name-only", "HEAD", "--", "news/").strip():
        return "xinwenlianbo-days"
    raise CorpusError(f"{mirror}: not a mirror of a known news repository")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mirror", type=Path, help="local git copy of the public repository")
    parser.add_argument("out", type=Path, help="folder to fill with month folders")
    parser.add_argument(
        "--months",
        default=None,
        help="months, comma-separated YYYY-MM (People's Daily: default "
        f"{','.join(DEFAULT_MONTHS)}; the daily Markdown files: default every month)",
    )
    args = parser.parse_args(argv)
    try:
        kind = detect(args.mirror)
        args.out.mkdir(parents=True, exist_ok=True)
        if kind == "people-daily":
            months = parse_months(args.months or ",".join(DEFAULT_MONTHS))
            written = people_daily(args.mirror, args.out, months)
        elif kind == "xinwenlianbo":
            written = xinwenlianbo(args.mirror, args.out)
        elif kind == "xinwenlianbo-days":
            months = parse_months(args.months) if args.months else None
            written = xinwenlianbo_days(args.mirror, args.out, months)
        else:
            written = economy_daily(args.mirror, args.out)
    except CorpusError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if written == 0:
        print("error: no article file was written", file=sys.stderr)
        return 1
    print(f"{written} article files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
