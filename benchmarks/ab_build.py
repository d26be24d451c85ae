"""The build of two source trees in turn, on one folder: which is faster on this machine now.

Each build runs in its own process (``PYTHONPATH`` set to the tree's ``src``) after the
dictionaries and rules are loaded, with ``force=True`` into a fresh folder: one job
pinned to one CPU, one job free to use a second CPU (``--unpinned``), then two jobs; the
trees alternate round after round, so that both
meet the same load, and the best round of each is compared (on a shared machine the
best is the least disturbed).

    python benchmarks/ab_build.py FOLDER --base ../base/src [--new src] [--rounds 3]

The base tree is any checkout of the project (``git worktree add ../base COMMIT``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run in the child: warm up, build once, print "wall_s cpu_s" (CPU of this process: with
# one job the build runs in it).
_CHILD = """
import gc, logging, os, sys, time
logging.disable(logging.WARNING)
folder, out, jobs, pinned = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
import analysis
from analysis import pipeline
from analysis.events import find_events
from analysis.mentions import find_mentions
from analysis.sources import input_files, LoadReport
from analysis.text import tokens_table
first = [p for p, _ in list(input_files([folder], LoadReport(), errors="skip"))[:20]]
small = analysis.load_articles(*first)
find_events(small, find_mentions(small)); tokens_table(small)
if pinned and hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
gc.collect()
wall, cpu = time.perf_counter(), time.process_time()
pipeline.build([folder], out_dir=out, jobs=jobs, force=True, progress=False, csv=True)
print(f"{time.perf_counter() - wall:.3f} {time.process_time() - cpu:.3f}")
"""


def build_once(src: Path, folder: Path, out: Path, jobs: int, pinned: bool) -> float:
    """Wall seconds of one build by the tree ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder), str(out), str(jobs), str(int(pinned))],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"ab_build: the build of {src} failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.split()[-2])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the inputs (e.g. copies of a real corpus)")
    parser.add_argument("--base", type=Path, required=True, help="the baseline tree's src")
    parser.add_argument("--new", type=Path, default=Path("src"), help="the tree measured")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--unpinned", action="store_true", help="also one job free to use a second CPU"
    )
    args = parser.parse_args(argv)
    trees = {"base": args.base.resolve(), "new": args.new.resolve()}
    for name, src in trees.items():
        if not (src / "analysis" / "__init__.py").is_file():
            parser.error(f"--{name} {src}: no analysis package there")
    if not args.folder.is_dir():
        parser.error(f"{args.folder}: not a folder")
    print(f"load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    configs = [("jobs=1 pinned to one CPU", 1, True)]
    if args.unpinned:
        configs.append(("jobs=1, not pinned", 1, False))
    configs.append(("jobs=2", 2, False))
    times: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="ab_build_") as work:
        for r in range(args.rounds):
            for name, src in trees.items():
                for label, jobs, pinned in configs:
                    out = Path(work) / f"{name}-{jobs}-{int(pinned)}-{r}"
                    start = time.perf_counter()
                    seconds = build_once(src, args.folder, out, jobs, pinned)
                    times.setdefault((name, label), []).append(seconds)
                    print(
                        f"[ab_build] round {r + 1} {name} {label}: {seconds:.2f} s "
                        f"({time.perf_counter() - start:.0f} s with start-up)",
                        file=sys.stderr,
                    )
    print(f"\n| | base ({trees['base']}) | new ({trees['new']}) |\n|---|---|---|")
    for label, _, _ in configs:
        cells = [f"{min(times[(n, label)]):.2f} s" for n in trees]
        print(f"| {label}, best of {args.rounds} | {' | '.join(cells)} |")
    one, two = configs[0][0], configs[-1][0]
    ratios = [f"{min(times[(n, one)]) / min(times[(n, two)]):.2f}x" for n in trees]
    print(f"| two jobs over one CPU | {' | '.join(ratios)} |")
    for label, _, _ in configs:
        cells = [" / ".join(f"{t:.2f}" for t in times[(n, label)]) for n in trees]
        print(f"| {label}, every round | {' | '.join(cells)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
