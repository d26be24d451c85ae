"""The whole build, stage by stage and end to end, against a hand-written jieba baseline.

Generates a corpus of ``--chars`` characters into a temporary folder, by default with
``benchmarks/newsgen.py`` (one-article crawler files whose words follow jieba's dictionary
frequencies and whose lengths follow real articles'; see its docstring), or with
``--generator sample`` the pages of ``benchmarks/corpus.py`` (made from the sample page).
With ``--corpus DIR`` the same rows are measured on a folder of real files as well (for
instance the development corpus of ``benchmarks/real``; ``--copies N`` copies it N times
into the work folder, byte for byte, to reach a size where timings mean something), and a
last table puts the two side by side. For each corpus it prints one table:

* each stage on one core (the process pinned to one CPU), given the previous
  stage's output: parse (``analysis.load_articles(folder)``), tokens
  (``tokens_table``), mentions (``find_mentions``), events (``find_events`` given
  the mentions), keywords as the build makes them (``TermCounts.from_tokens(...,
  content=True)``, in the workers, then ``keywords(articles, terms=...)``);
  dictionaries and rules are loaded before timing;
* the build end to end, in this process, with ``jobs=1``, ``jobs=2``, and ``jobs=1``
  with every thread of the process pinned to one CPU (the build writes its cache and
  tables in threads, which otherwise use the second core); fresh output folders,
  ``force=True, progress=False, csv=True``; each ``--repeat`` times (default 3), in
  turn, the best time reported; and the speed-ups of ``jobs=2`` (the target is over one
  CPU: unpinned, ``jobs=1`` also cuts its tokens on the second CPU);
* a rebuild with nothing changed (same output folder, not forced): the in-process
  ``build()`` time and the wall time of ``python -m analysis build INPUT --out OUT
  --no-progress`` run as a separate process (interpreter start and imports included);
* the peak memory (RSS high-water mark, ``VmHWM`` of ``/proc/self/status``, read by
  the process itself at its end) of ``python -m analysis build INPUT --out NEW --jobs 1
  --force --no-progress`` run as a separate process;
* the baseline an analyst would write in a notebook, ``articles["body"].apply(
  jieba.lcut)`` plus ``articles["body"].apply(lambda t: list(jieba.posseg.cut(t)))``,
  on one core, on the first articles of the same corpus holding ``--baseline-chars``
  characters of body (jieba.posseg runs at about 0.1M chars/s);
* the floor: reading and hashing every file (what an unchanged rebuild must do) and
  rjieba's cut of the same text (the tokenizer under our tokens), both on one core,
  so the table shows how far each stage is from the limit of this machine;
* with ``--dask``, the build on Dask (``engine="dask"``, 2 workers on a local
  cluster started by the build, its start-up included).

chars/s divides the corpus's page characters (Python ``str`` length of the files)
by wall-clock seconds (``time.perf_counter``), except for the baseline, which
counts the body characters it was given. Targets (from the issue) are stated for
10,000,000 characters; on a smaller corpus the verdict is marked ``*``.

``--profile`` also runs the ``jobs=1`` build under cProfile and prints the top 15
functions by cumulative and by own time.

Run::

    python benchmarks/bench_build.py --chars 2000000            # quick, ~3 minutes
    python benchmarks/bench_build.py                            # 10,000,000 characters
    python benchmarks/bench_build.py --corpus OUT --copies 10   # and on real files
    python benchmarks/bench_build.py --chars 2000000 --dask --profile
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import importlib.metadata
import io
import json
import logging
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # no INFO chatter from Dask

import pandas as pd

import analysis
from analysis import pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # the shared generators next to this script
import newsgen

TARGET_CHARS = 10_000_000
PACKAGES = (
    "yrd-news-analysis",
    "pandas",
    "numpy",
    "pyarrow",
    "jieba",
    "rjieba",
    "pyahocorasick",
    "dask",
    "distributed",
    "psutil",
)


@dataclass
class Row:
    step: str
    chars: int | None = None
    seconds: float | None = None
    cpu: float | None = None  # CPU seconds of this process and its children
    rate: float | None = None  # chars/s
    other: str = ""
    target: str = "n/a"
    passed: bool | None = None
    note: str = ""


def say(message: str) -> None:
    print(f"[bench_build] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def work_folder(keep: Path | None, prefix: str) -> Iterator[Path]:
    """Where a benchmark works: ``keep`` (made if missing, and kept), else a temporary
    folder removed at the end."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)


def machine() -> list[str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    allowed = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    return [
        f"code: {code_version()}",
        f"machine: {os.cpu_count()} cores ({allowed} usable), {model}",
        f"python {platform.python_version()} ({platform.platform()})",
        "packages: " + ", ".join(versions),
        "load average at start: " + ", ".join(f"{x:.2f}" for x in load),
    ]


def code_version() -> str:
    """The commit of the package's checkout, and whether its code differs from it."""
    repo = Path(analysis.__file__).resolve().parents[2]
    try:
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {head}" + (", src/ has uncommitted changes" if dirty else "")


class OneCore:
    """Pin every thread of this process to one CPU inside the block (threads started
    inside inherit it, and so would child processes)."""

    def __enter__(self):
        self.saved = os.sched_getaffinity(0) if hasattr(os, "sched_setaffinity") else None
        if self.saved:
            self._pin({min(self.saved)})
        return self

    def __exit__(self, *exc):
        if self.saved:
            self._pin(self.saved)

    @staticmethod
    def _pin(cpus) -> None:
        tasks = Path("/proc/self/task")
        for tid in [int(t.name) for t in tasks.iterdir()] if tasks.is_dir() else [0]:
            try:
                os.sched_setaffinity(tid, cpus)
            except OSError:  # a thread that has just ended
                pass


def cpu_seconds() -> float:
    """CPU time of this process and of its waited-for children so far."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(func, *args, **kwargs):
    """``(value, wall seconds, CPU seconds)`` of ``func(*args, **kwargs)``."""
    start, cpu = time.perf_counter(), cpu_seconds()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - start, cpu_seconds() - cpu


# Runs the command line, then writes the process's peak RSS (VmHWM) to the file named by
# the first argument. (``ru_maxrss`` from ``wait4`` would not do: a child started with
# vfork, as subprocess does, reports the parent's peak from before its exec.)
_CLI_WITH_PEAK = """
import sys
from pathlib import Path
from analysis.cli import main
try:
    code = main(sys.argv[2:])
finally:
    status = Path("/proc/self/status")
    if status.exists():
        peak = [l for l in status.read_text().splitlines() if l.startswith("VmHWM:")]
        Path(sys.argv[1]).write_text(peak[0].split()[1] if peak else "")
sys.exit(code)
"""


def run_cli(args: list[str], log: Path) -> tuple[float, float, int, int, str]:
    """Run ``python -m analysis ARGS``.

    Returns:
        wall seconds, CPU seconds, exit code, peak RSS in bytes (0 if unknown), the
        output.
    """
    peak_file = log.with_suffix(".peak")
    peak_file.unlink(missing_ok=True)
    with open(log, "w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", _CLI_WITH_PEAK, str(peak_file), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    try:
        peak = int(peak_file.read_text() or 0) * 1024  # VmHWM is in kB
    except (OSError, ValueError):
        peak = 0
    return wall, cpu, proc.returncode, peak, log.read_text(encoding="utf-8")


def stage_rows(folder: Path, n_chars: int) -> tuple[list[Row], pd.DataFrame]:
    from analysis.events import find_events
    from analysis.keyterms import TermCounts, keywords
    from analysis.mentions import find_mentions
    from analysis.stages import use_system_allocator
    from analysis.text import tokens_table

    use_system_allocator()  # (Arrow's buffers from where the build takes them)
    rows = []

    def stage(name, func, *args, **kwargs):
        value, wall, cpu = timed(func, *args, **kwargs)
        rows.append(Row(name, n_chars, wall, cpu, n_chars / wall))
        return value

    top = pipeline.BuildOptions().keyword_top
    with OneCore():
        articles = stage("parse: load_articles(folder)", analysis.load_articles, folder)
        tokens = stage("tokens: tokens_table", tokens_table, articles)
        mentions = stage("mentions: find_mentions", find_mentions, articles)
        stage("events: find_events(mentions)", find_events, articles, mentions)
        # as the build: term counts (made per batch in the workers), then the scores
        terms = stage(
            "keywords: term counts", TermCounts.from_tokens, tokens["tokens"], content=True
        )
        stage("keywords: keywords(terms)", keywords, articles, terms=terms, top=top)
    total = sum(r.seconds for r in rows)
    rows.append(
        Row(
            "stages total (one core)",
            n_chars,
            total,
            sum(r.cpu for r in rows),
            n_chars / total,
            other=f"{len(articles):,} articles, {len(mentions):,} mentions",
        )
    )
    return rows, articles


def baseline_row(articles: pd.DataFrame, n_chars: int, ours_rate: float) -> Row:
    import jieba
    import jieba.posseg

    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.initialize()
    list(jieba.posseg.cut("预热"))
    lengths = articles["body"].str.len()
    prefix = articles[(lengths.cumsum() - lengths) < n_chars]
    chars = int(prefix["body"].str.len().sum())
    with OneCore():
        _, lcut, cpu1 = timed(prefix["body"].apply, jieba.lcut)
        _, pos, cpu2 = timed(prefix["body"].apply, lambda t: list(jieba.posseg.cut(t)))
    rate = chars / (lcut + pos)
    return Row(
        "baseline: jieba lcut + posseg (apply)",
        chars,
        lcut + pos,
        cpu1 + cpu2,
        rate,
        other=f"lcut {lcut:.1f} s + posseg {pos:.1f} s",
        note=f"first {len(prefix):,} articles (body chars only); "
        f"the jobs=1 build is {ours_rate / rate:.1f}x its chars/s",
    )


def rebuild_row(folder: Path, out: Path, n_chars: int, attempts: int = 3) -> Row:
    """The in-process rebuild with nothing changed.

    The settings hash covers the package's code, so an edit to ``src/analysis`` made
    by someone else during the run invalidates the build just made; the rebuild is
    then measured again (it rebuilt everything once) and the row says so.
    """
    manifest = out / "manifest.json"
    redone = []
    for _ in range(attempts):
        stored = json.loads(manifest.read_text(encoding="utf-8"))["settings"]
        changed = stored != pipeline.settings_digest(pipeline.BuildOptions())
        res, _, cpu = timed(pipeline.build, [folder], out_dir=out, jobs=1, progress=False)
        if res.unchanged:
            break
        redone.append(f"{res.seconds:.1f} s" + (" (package code changed)" if changed else ""))
    row = Row(
        "rebuild, nothing changed: build()",
        n_chars,
        res.seconds,
        cpu,
        other=f"unchanged={res.unchanged}",
        target="< 2 s",
        passed=res.unchanged and res.seconds < 2,
    )
    if redone:
        row.note = "first rebuild(s) reprocessed everything: " + ", ".join(redone)
    return row


def verdict(row: Row, small: bool) -> str:
    if row.passed is None:
        return "n/a"
    return ("PASS" if row.passed else "FAIL") + ("*" if small else "")


def print_table(rows: list[Row], small: bool) -> None:
    header = ["step", "chars", "seconds", "cpu s", "chars/s", "other", "target", "result"]
    body = []
    for r in rows:
        body.append(
            [
                r.step,
                f"{r.chars:,}" if r.chars is not None else "",
                f"{r.seconds:.2f}" if r.seconds is not None else "",
                f"{r.cpu:.2f}" if r.cpu is not None else "",
                f"{r.rate:,.0f}" if r.rate is not None else "",
                r.other,
                r.target,
                verdict(r, small),
            ]
        )
    widths = [max(len(x[i]) for x in [header, *body]) for i in range(len(header))]
    right = {1, 2, 3, 4}

    def line(cells):
        return (
            "| "
            + " | ".join(
                c.rjust(w) if i in right else c.ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )

    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for cells in body:
        print(line(cells))
    notes = [f"- {r.step}: {r.note}" for r in rows if r.note]
    if notes:
        print("\nnotes:\n" + "\n".join(notes))
    if small:
        print(
            f"\n* targets are stated for {TARGET_CHARS:,} characters; "
            "this corpus is smaller, so the verdict is indicative only"
        )


def profile_build(folder: Path, out: Path, top: int = 15) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    result = pipeline.build([folder], out_dir=out, jobs=1, force=True, progress=False, csv=True)
    profiler.disable()
    print(f"\nprofile of build(jobs=1, force=True): {result.seconds:.2f} s under cProfile")
    for key in ("cumulative", "tottime"):
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(key)
        stats.print_stats(top)
        text = stream.getvalue()
        start = text.find("   ncalls")
        print(f"\ntop {top} by {key}:\n{text[start:].rstrip()}")


def floor_rows(paths: list[Path], n_chars: int) -> list[Row]:
    """The limit of this machine: read + hash the files; rjieba's cut of their text."""
    import rjieba

    from analysis.stages import digest_input

    def read_and_hash():
        for path in paths:
            digest_input(path, path.name)  # as a rebuild hashes its inputs
            path.read_bytes().decode("utf-8", "replace")

    texts = [p.read_text(encoding="utf-8", errors="replace") for p in paths]
    rjieba.cut("预热")
    with OneCore():
        _, read, read_cpu = timed(read_and_hash)
        _, cut, cut_cpu = timed(lambda: [rjieba.cut(t) for t in texts])
    return [
        Row(
            "floor: read + hash the files",
            n_chars,
            read,
            read_cpu,
            n_chars / read,
            other=f"{len(paths):,} files",
            note="what a rebuild with nothing changed must do at least (one core)",
        ),
        Row(
            "floor: rjieba.cut of the same text",
            n_chars,
            cut,
            cut_cpu,
            n_chars / cut,
            note="the tokenizer under tokens_table, alone (one core)",
        ),
    ]


def run_suite(folder: Path, paths: list[Path], work: Path, args) -> list[Row]:
    """Every row of the table for one corpus folder (see the module docstring)."""
    n_chars = corpus.corpus_chars(paths)
    rows: list[Row] = []
    say("stages on one core")
    stages, articles = stage_rows(folder, n_chars)
    rows += stages
    gc.collect()
    rows += floor_rows(paths, n_chars)

    outs = {k: work / f"out-{k}" for k in ("jobs1", "jobs2", "pinned", "mem", "dask", "profile")}
    for out in outs.values():
        if out.exists():
            shutil.rmtree(out)
    # each build --repeat times, in turn; the best time of each is reported (the
    # machine is shared: the best run is the one least disturbed)
    configs = {"jobs1": (1, False), "jobs2": (2, False), "pinned": (1, True)}
    best: dict[str, tuple[float, float, int]] = {}
    for attempt in range(args.repeat):
        for name, (jobs, pinned) in configs.items():
            say(f"build {name} ({attempt + 1}/{args.repeat})")
            gc.collect()
            with OneCore() if pinned else contextlib.nullcontext():
                res, _, cpu = timed(
                    pipeline.build,
                    [folder],
                    out_dir=outs[name],
                    jobs=jobs,
                    force=True,
                    progress=False,
                    csv=True,
                )
            if name not in best or res.seconds < best[name][0]:
                best[name] = (res.seconds, cpu, res.n_chars)
            del res
    for name, label, note in (
        ("jobs1", "build end to end, jobs=1", ""),
        ("jobs2", "build end to end, jobs=2", ""),
        (
            "pinned",
            "build end to end, jobs=1, one CPU",
            "every thread of the process pinned to one CPU: the cache and table "
            "writer threads share it with the stages",
        ),
    ):
        seconds, cpu, chars = best[name]
        row = Row(label, n_chars, seconds, cpu, n_chars / seconds)
        row.other = f"{chars:,} title+body chars"
        if name != "jobs2":
            row.target, row.passed = "≥1,200,000 chars/s", row.rate >= 1_200_000
        row.note = note
        rows.append(row)
    for name, label in (("jobs1", "jobs=1"), ("pinned", "one CPU (jobs=1 pinned)")):
        speedup = best[name][0] / best["jobs2"][0]
        row = Row(f"speed-up jobs=2 over {label}", other=f"{speedup:.2f}x")
        if name == "pinned":
            row.target, row.passed = "≥ 1.8x", speedup >= 1.8
        else:
            row.note = (
                "no target: with a second CPU, jobs=1 cuts the tokens and writes its "
                "files there; the speed-up of two jobs is measured over one CPU"
            )
        rows.append(row)

    if args.baseline_chars > 0:
        say(f"baseline on {args.baseline_chars:,} body characters")
        rows.append(baseline_row(articles, args.baseline_chars, n_chars / best["jobs1"][0]))
    del articles
    gc.collect()

    say("rebuild with nothing changed")
    rows.append(rebuild_row(folder, outs["jobs1"], n_chars))
    wall, cpu, code, _, output = run_cli(
        ["build", str(folder), "--out", str(outs["jobs1"]), "--no-progress"],
        work / "rebuild.log",
    )
    rows.append(
        Row(
            "rebuild, nothing changed: CLI process",
            n_chars,
            wall,
            cpu,
            other=f"exit {code}, {'unchanged' if 'nothing changed' in output else 'REBUILT'}",
            target="< 1 s",
            passed=code == 0 and "nothing changed" in output and wall < 1,
            note="wall time of `python -m analysis build INPUT --out OUT --no-progress`, "
            "interpreter start and imports included",
        )
    )

    say("peak memory of a jobs=1 build in a separate process")
    wall, cpu, code, peak, output = run_cli(
        ["build", str(folder), "--out", str(outs["mem"]), "-j", "1", "--force", "--no-progress"],
        work / "memory.log",
    )
    rows.append(
        Row(
            "peak RSS, CLI build --jobs 1",
            n_chars,
            wall,
            cpu,
            n_chars / wall,
            other=f"{peak / 1e6:,.0f} MB (exit {code})",
            target="< 1.5 GB",
            passed=code == 0 and 0 < peak < 1.5e9,
            note="VmHWM of the child, read by itself at its end (ru_maxrss from wait4 "
            "reports this process's own peak for a child started by vfork); seconds and "
            "chars/s include interpreter start, imports and dictionary loading",
        )
    )

    if args.dask:
        say("build on Dask (local cluster, 2 workers)")
        try:
            res, _, cpu = timed(
                pipeline.build,
                [folder],
                out_dir=outs["dask"],
                jobs=2,
                engine="dask",
                force=True,
                progress=False,
                csv=True,
            )
            rows.append(
                Row(
                    "build end to end, Dask, 2 workers",
                    n_chars,
                    res.seconds,
                    cpu,
                    n_chars / res.seconds,
                    other=f"{res.n_chars:,} title+body chars",
                    note="local cluster start-up and shutdown included",
                )
            )
        except Exception as exc:  # report it in the table rather than lose the run
            rows.append(Row("build end to end, Dask, 2 workers", other=f"error: {exc}"))

    if args.profile:
        say("profiling the jobs=1 build")
        profile_build(folder, outs["profile"])
    return rows


def copy_corpus(source: Path, dest: Path, copies: int) -> list[Path]:
    """The files of ``source`` (text and tables, recursively), ``copies`` times into ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    files = sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
    paths = []
    for k in range(copies):
        for f in files:
            target = dest / f"copy{k + 1:02d}" / f.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)
            paths.append(target)
    return paths


def side_by_side(tables: dict[str, list[Row]]) -> None:
    """Chars/s (or the figure) of the main rows, one column per corpus."""
    steps = [
        "stages total (one core)",
        "floor: read + hash the files",
        "floor: rjieba.cut of the same text",
        "build end to end, jobs=1",
        "build end to end, jobs=1, one CPU",
        "build end to end, jobs=2",
        "speed-up jobs=2 over one CPU (jobs=1 pinned)",
        "rebuild, nothing changed: CLI process",
        "peak RSS, CLI build --jobs 1",
        "baseline: jieba lcut + posseg (apply)",
    ]
    names = list(tables)
    print("\n| step | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for step in steps:
        cells = []
        for name in names:
            row = next((r for r in tables[name] if r.step == step), None)
            if row is None:
                cells.append("")
            elif step.startswith(("speed-up", "peak")):
                cells.append(row.other)
            elif step.startswith("rebuild"):
                cells.append(f"{row.seconds:.2f} s")
            else:
                cells.append(f"{row.rate:,.0f} chars/s")
        print(f"| {step} | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=TARGET_CHARS, help="corpus size")
    parser.add_argument(
        "--generator",
        choices=("news", "sample"),
        default="news",
        help="news: crawler files with real word frequencies (default); sample: pages "
        "made from the sample page; none with --chars 0",
    )
    parser.add_argument("--corpus", type=Path, default=None, help="also a folder of real files")
    parser.add_argument("--copies", type=int, default=1, help="copies of --corpus (default 1)")
    parser.add_argument(
        "--baseline-chars",
        type=int,
        default=1_000_000,
        help="body characters for the jieba baseline (0: skip it)",
    )
    parser.add_argument("--dask", action="store_true", help="also run the build on Dask")
    parser.add_argument("--profile", action="store_true", help="cProfile the jobs=1 build")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each build (the best is reported)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep the files")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.corpus is not None and not args.corpus.is_dir():
        parser.error(f"--corpus {args.corpus}: no such folder")

    for line in machine():
        print(line)
    with work_folder(args.keep, "bench_build_") as work:
        settings_at_start = pipeline.settings_digest(pipeline.BuildOptions())
        say("warming up (dictionaries, rules, lexicons)")
        pipeline.warm_up()
        tables: dict[str, list[Row]] = {}
        small = False
        if args.chars > 0:
            folder = work / "generated"
            if folder.exists():
                shutil.rmtree(folder)
            say(f"generating {args.chars:,} characters ({args.generator}) into {folder}")
            make = newsgen.make_news_corpus if args.generator == "news" else corpus.make_corpus
            paths, secs, _ = timed(make, folder, args.chars, args.seed)
            n_chars = corpus.corpus_chars(paths)
            n_bytes = sum(p.stat().st_size for p in paths)
            print(
                f"\ncorpus 'generated ({args.generator})': {len(paths):,} files, "
                f"{n_chars:,} characters, {n_bytes / 1e6:.1f} MB (seed {args.seed}, "
                f"generated in {secs:.1f} s)\n"
            )
            small = n_chars < TARGET_CHARS
            analysis.load_articles(paths[0])
            rows = run_suite(folder, paths, work / "runs-generated", args)
            print_table(rows, small)
            tables[f"generated ({args.generator})"] = rows
        if args.corpus is not None:
            folder = work / "real"
            paths = copy_corpus(args.corpus, folder, args.copies)
            n_chars = corpus.corpus_chars(paths)
            print(
                f"\ncorpus 'real': {len(paths):,} files ({args.copies} cop"
                f"{'y' if args.copies == 1 else 'ies'} of {args.corpus}), {n_chars:,} characters\n"
            )
            rows = run_suite(folder, paths, work / "runs-real", args)
            print_table(rows, n_chars < TARGET_CHARS)
            tables["real"] = rows
        if len(tables) > 1:
            side_by_side(tables)
        if pipeline.settings_digest(pipeline.BuildOptions()) != settings_at_start:
            print(
                "\nWARNING: the package's code or data changed during this run "
                f"(now {code_version()}); rows mix versions, run again"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
