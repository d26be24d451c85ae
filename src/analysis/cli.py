"""The command line: ``python -m analysis build|report [INPUT ...]``.

The same command is installed as ``yrd-analysis`` (``yrd-analysis report``); each
names itself as it was called in ``--help``.

``build`` turns a folder of pages and tables into the articles, tokens,
mentions, events and keywords tables in ``data/processed/`` (Parquet and CSV).
``report`` does the same, then draws every figure into ``figures/`` (PNG; SVG
and PDF too with ``--formats png,svg,pdf``), writes an Excel workbook of the tables and
one self-contained HTML report.
Both only reprocess inputs that changed since the last run.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from analysis import config
from analysis.errors import InputError

#: The name of the installed command (``[project.scripts]`` in pyproject.toml).
COMMAND = "yrd-analysis"


def _date_option(value: str) -> str:
    """A date option in any form :func:`analysis.dates.parse_date` reads, as ISO."""
    from analysis.dates import DATE_FORMS, parse_date

    ts = parse_date(value)
    if ts != ts:  # NaT
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (use one of: {DATE_FORMS})")
    return ts.strftime("%Y-%m-%d")


def _formats_option(value: str) -> tuple[str, ...]:
    """``--formats png,svg,pdf`` as the report's tuple of formats."""
    from analysis.report import figure_formats

    try:
        return figure_formats(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser(prog: str = COMMAND) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "inputs",
        nargs="*",
        type=Path,
        help=f"files or folders to read (default: {config.RAW_DIR})",
    )
    common.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"folder for the tables (default: {config.PROCESSED_DIR})",
    )
    common.add_argument(
        "--jobs", "-j", type=int, default=None, help="worker processes (default: all cores)"
    )
    common.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="run on this machine's processes or on Dask",
    )
    common.add_argument(
        "--scheduler", default=None, help="address of a running Dask scheduler (with --engine dask)"
    )
    common.add_argument(
        "--issue-date",
        default=None,
        type=_date_option,
        metavar="DATE",
        help="issue date of every input: 2023-08-09, 2023年8月9日, 20230809 ... "
        "(default: read from file names)",
    )
    common.add_argument(
        "--dayfirst",
        action="store_true",
        help="read tables' dates like 09/08/2023 day first (default: month first; "
        "a note says when a file has such dates)",
    )
    common.add_argument(
        "--layout",
        choices=("auto", "page", "article"),
        default="auto",
        help="text files are pages (auto/page) or one article each (article)",
    )
    common.add_argument(
        "--sheet", default=None, help="read only this sheet of workbooks (default: every sheet)"
    )
    common.add_argument(
        "--strict", action="store_true", help="stop at the first bad input instead of skipping it"
    )
    common.add_argument(
        "--keep-duplicates",
        action="store_true",
        help="count articles that repeat an earlier one (default: marked in the articles "
        "table's duplicate_of and left out of counts, keywords, events and the report)",
    )
    common.add_argument("--force", action="store_true", help="ignore the cache")
    common.add_argument("--no-progress", action="store_true", help="no progress bars")
    common.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    focus = common.add_argument_group(
        "focus", "which articles the report (and build's focus/ tables) is about"
    )
    focus.add_argument(
        "--park",
        action="append",
        default=[],
        metavar="NAME",
        help="a park by gazetteer id, short name or alias (repeat for several)",
    )
    focus.add_argument(
        "--province",
        action="append",
        default=[],
        metavar="NAME",
        help="上海, 江苏, 浙江 or 安徽: articles naming a park or place there (repeatable)",
    )
    focus.add_argument(
        "--parks-only", action="store_true", help="only articles that name a gazetteer park"
    )
    focus.add_argument(
        "--since", default=None, type=_date_option, metavar="DATE", help="first date kept"
    )
    focus.add_argument(
        "--until", default=None, type=_date_option, metavar="DATE", help="last date kept"
    )
    focus.add_argument("--title", default=None, help="the report's title")

    parser = argparse.ArgumentParser(
        prog=prog,
        description="Tables, figures and a report from Yangtze River Delta news pages.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", parents=[common], help="build every table into data/processed/")
    report = sub.add_parser(
        "report",
        parents=[common],
        help="build the tables, then every figure and the HTML report into figures/",
    )
    report.add_argument(
        "--figures",
        type=Path,
        default=None,
        help=f"folder for figures and the report (default: {config.FIGURES_DIR})",
    )
    report.add_argument("--lang", choices=("zh", "en"), default="zh", help="labels of the figures")
    report.add_argument(
        "--formats",
        type=_formats_option,
        default="png",
        metavar="LIST",
        help="the figures' files, comma-separated: png, svg, pdf (default: png; "
        "the page embeds the PNGs, so png is always written)",
    )
    report.add_argument(
        "--keywords-by",
        choices=("auto", "park", "month", "article"),
        default="auto",
        help="keyword panels per park, per month or per article (titled by its title); "
        "auto: park when the focus names two or more parks, else month, else article",
    )
    report.add_argument(
        "--rate",
        action="store_true",
        help="event timeline as events per 100 articles of the month, not counts",
    )
    return parser


def _manifest_digest(out_dir: Path) -> str | None:
    """A digest of the build's manifest (its inputs and settings), for the report."""
    import hashlib

    try:
        return hashlib.sha256((out_dir / "manifest.json").read_bytes()).hexdigest()
    except OSError:
        return None


def _tables_folder(path: str) -> bool:
    """Whether ``path`` is a folder of tables this tool wrote (its ``manifest.json``), not
    a folder of inputs."""
    import json

    manifest = Path(path) / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and {"inputs", "loaded", "settings"} <= data.keys()


def main(argv: list[str] | None = None, prog: str = COMMAND) -> int:
    """Run the command line; returns the exit code: 0 when done, 1 when no input could
    be read, 2 for a bad input with ``--strict``, a missing input path or a bad option,
    3 when the output folder cannot be written (read-only, full, or another build is
    writing it), 130 when stopped by Ctrl-C (one line, no traceback).

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).
        prog: the command's name in usage and help: ``yrd-analysis`` (the installed
            command) or ``python -m analysis``.
    """
    try:
        return _run(argv, prog)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


def _run(argv: list[str] | None, prog: str) -> int:
    args = _parser(prog).parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="%(levelname)s %(name)s: %(message)s",
    )
    from analysis.pipeline import build
    from analysis.publish import OutputError
    from analysis.select import Focus, resolve_parks, resolve_provinces

    try:
        focus = Focus(
            parks=tuple(args.park),
            provinces=tuple(args.province),
            parks_only=args.parks_only,
            since=args.since,
            until=args.until,
            title=args.title,
        )
        if focus.parks:  # a misspelt park stops here, before the build
            resolve_parks(focus.parks)
        resolve_provinces(focus.provinces)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in args.inputs or ():
        if _tables_folder(path):
            print(
                f"error: {path} holds the tables of a build (manifest.json), not inputs: "
                "give the files or folders to read, and this folder as --out",
                file=sys.stderr,
            )
            return 2
    try:
        result = build(
            args.inputs or None,
            out_dir=args.out,
            jobs=args.jobs,
            engine=args.engine,
            scheduler=args.scheduler,
            issue_date=args.issue_date,
            layout=args.layout,
            errors="raise" if args.strict else "warn",
            force=args.force,
            progress=not args.no_progress,
            figures_dir=getattr(args, "figures", None),
            sheet=args.sheet,
            dayfirst=args.dayfirst,
            keep_duplicates=args.keep_duplicates,
        )
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    out_dir = args.out or config.PROCESSED_DIR
    print(result.summary())
    if not result.report.loaded:
        print("error: no input could be read (see above); the tables are empty", file=sys.stderr)
        return 1
    print(f"tables in {out_dir}")
    try:
        if not focus.empty:
            from analysis.pipeline import write_tables
            from analysis.select import focus_tables

            kept = focus_tables(result.tables, focus, keep_duplicates=args.keep_duplicates)
            selection = kept["articles"].attrs["selection"]
            line = (
                f"focus: {selection['n_kept']} of {selection['n_articles']} articles "
                f"({'; '.join(selection['filters'])})"
            )
            if args.command == "build":
                write_tables({k: v for k, v in kept.items() if v is not None}, out_dir / "focus")
                line += f"; tables in {out_dir / 'focus'}"
            print(line)
            if not selection["n_kept"]:
                print(
                    "warning: the focus keeps no article; the mentions table lists the parks "
                    "and places the articles do name (kind park, place)",
                    file=sys.stderr,
                )
        if args.command == "report":
            from analysis.publish import ExportStats
            from analysis.report import build_report
            from analysis.stages import use_system_allocator

            use_system_allocator()
            figures = args.figures or config.FIGURES_DIR
            stats = ExportStats()
            html = build_report(
                result.tables if focus.empty else kept,  # (cut once, here)
                figures_dir=figures,
                processed_dir=out_dir,
                lang=args.lang,
                progress=not args.no_progress,
                focus=focus,
                keywords_by=args.keywords_by,
                rate=args.rate,
                inputs_key=_manifest_digest(out_dir),
                force=args.force,
                provenance={
                    "inputs": [str(p) for p in (args.inputs or [config.RAW_DIR])],
                    "n_inputs": result.n_inputs,
                    "n_skipped": len(result.report.skipped),
                },
                stats=stats,
                keep_duplicates=args.keep_duplicates,
                formats=args.formats,
                terms=out_dir,  # the build's term counts, for the keywords
            )
            if line := stats.summary("tables.xlsx and report.html"):
                print(line)
            print(f"figures and report in {figures}; open {html}")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OutputError, OSError) as exc:
        where = getattr(exc, "filename", None) or out_dir
        print(
            f"error: {where}: cannot write: {getattr(exc, 'strerror', None) or exc}",
            file=sys.stderr,
        )
        return 3
    return 0
