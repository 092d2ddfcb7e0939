#!/usr/bin/env python3
"""Wall time of grading, as a student sees it: runs `grade.sh`-equivalent
gradings several times and prints the median, min and max, per exercise
(`--exercise KEY` each on its own, interpreter start included) and for the
whole submission.

    .venv/bin/python bench/bench.py --runs 5 reference
    .venv/bin/python bench/bench.py --runs 5 --json bench.json reference student_template
    .venv/bin/python bench/bench.py --runs 5 --jobs 1 --exercise wine_bottles reference

Speed is measured here, never asserted in the tests."""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.submission import EXERCISE_SCRIPTS  # noqa: E402


def grade_once(submission: Path, exercise: str | None, jobs: int | None = None) -> float:
    with tempfile.TemporaryDirectory(prefix="tp-grader-bench-") as tmp:
        args = [sys.executable, "-m", "grader", str(submission), "--json", str(Path(tmp) / "r.json")]
        if exercise:
            args += ["--exercise", exercise]
        if jobs:
            args += ["--jobs", str(jobs)]
        start = time.monotonic()
        subprocess.run(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return time.monotonic() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("submissions", nargs="+", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--exercise", action="append", help="only these exercises (default: each, then all)")
    ap.add_argument("--jobs", type=int, help="passed to the grader (default: its own)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args()
    targets = [*(args.exercise or EXERCISE_SCRIPTS), None]
    figures = {}
    print(f"{'submission':<20} {'exercise':<20} {'median':>7} {'min':>7} {'max':>7}  ({args.runs} runs, s)")
    for sub in args.submissions:
        for ex in targets:
            times = [grade_once(sub, ex, args.jobs) for _ in range(args.runs)]
            row = {"median": statistics.median(times), "min": min(times), "max": max(times)}
            figures.setdefault(str(sub), {})[ex or "(whole)"] = row
            print(f"{str(sub):<20} {ex or '(whole)':<20} {row['median']:7.2f} {row['min']:7.2f} {row['max']:7.2f}",
                  flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
