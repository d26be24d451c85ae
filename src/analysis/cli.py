"""The command line: ``python -m analysis build|report [INPUT ...]``.

``build`` turns a folder of pages and tables into the articles, tokens,
mentions, events and keywords tables in ``data/processed/`` (Parquet and CSV).
``report`` does the same, then draws every figure into ``figures/`` (PNG, SVG,
PDF), writes an Excel workbook of the tables and one self-contained HTML report.
Both only reprocess inputs that changed since the last run.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from analysis import config
from analysis.errors import InputError


def _parser() -> argparse.ArgumentParser:
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
        help="issue date of every input (default: read from file names)",
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
    common.add_argument("--force", action="store_true", help="ignore the cache")
    common.add_argument("--no-progress", action="store_true", help="no progress bars")
    common.add_argument("-v", "--verbose", action="count", default=0, help="more log output")

    parser = argparse.ArgumentParser(
        prog="python -m analysis",
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
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code: 0 when done, 1 when no input could
    be read, 2 for a bad input with ``--strict`` (or a missing input path), 3 when the
    output folder cannot be written (read-only, full, or another build is writing it)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="%(levelname)s %(name)s: %(message)s",
    )
    from analysis.pipeline import build
    from analysis.publish import OutputError

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
    if args.command == "report":
        from analysis.publish import ExportStats
        from analysis.report import build_report

        figures = args.figures or config.FIGURES_DIR
        stats = ExportStats()
        try:
            html = build_report(
                result.tables,
                figures_dir=figures,
                processed_dir=out_dir,
                lang=args.lang,
                progress=not args.no_progress,
                stats=stats,
            )
        except OSError as exc:
            where = exc.filename or figures
            print(
                f"error: {where}: cannot write the report: {exc.strerror or exc}", file=sys.stderr
            )
            return 3
        if line := stats.summary("tables.xlsx and report.html"):
            print(line)
        print(f"figures and report in {figures}; open {html}")
    return 0
