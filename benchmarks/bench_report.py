"""The report stage, step by step and as a command, on one CPU.

Generates a corpus with ``benchmarks/newsgen.py`` (``--chars``, default 15,400,000:
about 10,000 one-article files, the size of issue 19's real corpus) or takes a folder
(``--input DIR``), builds its tables once (``python -m analysis build --jobs 2``, not
timed), then prints one table:

* each step of ``report.build_report``, in this process pinned to one CPU, given the
  previous step's output: loading the term counts and the tables (the tokens only
  without term counts, as the command), the focus, the figures' tables, each
  figure drawn and saved in the report's formats (PNG; the SVGs and PDFs that
  ``--formats png,svg,pdf`` adds are timed apart, not in the sum), the workbook's
  sheets and the workbook, the HTML page (its embedded font subset counted apart);
* ``python -m analysis report INPUT --out OUT --figures NEW --no-progress`` as a
  separate process pinned to one CPU, with the tables built and no figure, workbook or
  page yet (interpreter start, imports and the unchanged build's check included), and
  the same command again with nothing changed.

Wall seconds (``time.perf_counter``) and CPU seconds are shown; the machine may be
shared, so CPU seconds are the steadier figure. Issue 19's target: the figures,
workbook and HTML of a 10,000-article corpus in under 8 s on one core.

Run::

    python benchmarks/bench_report.py                       # ~10,000 generated articles
    python benchmarks/bench_report.py --input /work/corpus  # a folder of real files
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import OneCore, code_version, cpu_seconds, machine, work_folder

TARGET_SECONDS = 8.0


def say(message: str) -> None:
    print(f"[bench_report] {message}", file=sys.stderr, flush=True)


def steps(out: Path, figures: Path) -> list[tuple[str, float, float]]:
    """(step, wall s, CPU s) of each step of the report, in this process."""
    import matplotlib.pyplot as plt

    import analysis
    from analysis import report
    from analysis.pipeline import TABLES
    from analysis.plots import save_figure
    from analysis.select import Focus, focus_tables

    rows = []

    def step(name, func, *args, **kwargs):
        start, cpu = time.perf_counter(), cpu_seconds()
        value = func(*args, **kwargs)
        rows.append((name, time.perf_counter() - start, cpu_seconds() - cpu))
        return value

    with OneCore():
        # as the command reads them: the build's term counts, and then every table but
        # the tokens, which the keywords need only without the counts
        terms = step("load_term_counts", analysis.load_term_counts, out)
        names = [t for t in TABLES if t != "tokens" or terms is None]
        tables = step("load_tables", analysis.load_tables, out, names)
        tables = step("focus_tables", focus_tables, tables, Focus())
        if terms is not None:
            tables["terms"] = terms
        data = step("figure_tables", report.figure_tables, tables)
        formats = "+".join(report.FIGURE_FORMATS)
        extra = {"svg": [], "pdf": []}  # (not default formats: counted apart)
        for name, table in data.items():
            fig = step(f"figure {name}: draw", report.draw_figure, name, table)
            step(f"figure {name}: save {formats}", save_figure, fig, name,
                 formats=report.FIGURE_FORMATS, out_dir=figures)  # fmt: skip
            for fmt, times in extra.items():
                start, cpu = time.perf_counter(), cpu_seconds()
                save_figure(fig, name, formats=(fmt,), out_dir=figures)
                times.append((time.perf_counter() - start, cpu_seconds() - cpu))
            plt.close(fig)
        sheets = step("workbook: sheets", report.workbook_sheets, tables, data)
        step("workbook: write", report.write_workbook, sheets, figures / "tables.xlsx")
        saved = {name: figures / f"{name}.png" for name in data}
        step("html: page without font", report.write_report, tables, saved,
             figures / "report.html", embed_font=False)  # fmt: skip
        page = (figures / "report.html").read_text(encoding="utf-8")
        step("html: font subset", report._font_face, page)
    for fmt, times in extra.items():
        rows.append((f"(not in the sum) the 8 figures' {fmt.upper()}s (`--formats png,{fmt}`)",
                     sum(w for w, _ in times), sum(c for _, c in times)))  # fmt: skip
    return rows


def run_cli(args: list[str], log: Path) -> tuple[float, float, int]:
    """``python -m analysis ARGS`` pinned to one CPU: wall s, CPU s, exit code."""
    cpu = min(os.sched_getaffinity(0))
    with open(log, "w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "analysis", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: os.sched_setaffinity(0, {cpu}),
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=15_400_000, help="generated corpus size")
    parser.add_argument("--input", type=Path, default=None, help="a folder of files instead")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep the files")
    args = parser.parse_args(argv)
    for line in machine():
        print(line)
    with work_folder(args.keep, "bench_report_") as work:
        if args.input is not None:
            folder = args.input
        else:
            import newsgen

            folder = work / "generated"
            if not folder.is_dir():
                say(f"generating {args.chars:,} characters into {folder}")
                newsgen.make_news_corpus(folder, args.chars, args.seed)
        out = work / "processed"
        say(f"building the tables of {folder} into {out}")
        build = [str(folder), "--out", str(out), "--no-progress"]
        subprocess.run([sys.executable, "-m", "analysis", "build", *build, "--jobs", "2"],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        import pyarrow.parquet as pq

        n_articles = pq.read_metadata(out / "articles.parquet").num_rows
        print(f"\ncorpus: {folder}, {n_articles:,} rows of articles\n")

        say("timing the steps in this process (one CPU)")
        rows = steps(out, work / "figures-steps")
        say("timing the command (one CPU)")
        figures = work / "figures-cli"
        report = ["report", *build, "--figures", str(figures)]
        (out / "tables.xlsx").unlink(missing_ok=True)
        # no figure, page or state of an earlier run (--keep): the first run does it all
        shutil.rmtree(figures, ignore_errors=True)
        first = run_cli(report, work / "report-first.log")
        again = run_cli(report, work / "report-again.log")

    summed = [r for r in rows if not r[0].startswith(("load_", "focus_", "(not in the sum)"))]
    total = sum(r[1] for r in summed), sum(r[2] for r in summed)
    print("| step | wall s | cpu s |")
    print("|---|---|---|")
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} |")
    print(f"| figures + workbook + HTML (the steps after the focus) | {total[0]:.2f} | "
          f"{total[1]:.2f} |")  # fmt: skip
    verdict = "PASS" if first[0] < TARGET_SECONDS and first[2] == 0 else "FAIL"
    print(f"| command: report, tables built, no figure yet (exit {first[2]}) | {first[0]:.2f} | "
          f"{first[1]:.2f} | < {TARGET_SECONDS:.0f} s: {verdict}")  # fmt: skip
    print(f"| command: report again, nothing changed (exit {again[2]}) | {again[0]:.2f} | "
          f"{again[1]:.2f} |")  # fmt: skip
    print(f"\ncode: {code_version()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
