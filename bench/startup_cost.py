#!/usr/bin/env python3
"""What a grading pays before any check runs (issue 28, "less cost outside
the checks"): in a fresh process, the CPU of importing what a grading
imports (the runner, pytest, hypothesis, the kit), of pytest's first
collection of every check module (their imports and the lab's reading),
and of a second collection in the same process, which is what a worker
kept alive for --watch or --batch would pay for each hand-in instead.

    .venv/bin/python bench/startup_cost.py --runs 9

Prints the median, min and max over `--runs` fresh processes."""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# run in a fresh interpreter: prints {"imports": s, "first": s, "second": s} (CPU seconds)
PROBE = r"""
import json, os, sys, time
start = time.process_time()
import pytest
from grader import runner
from grader.check_files import CHECKS_DIR, check_file
from grader.submission import exercise_scripts
imported = time.process_time()
args = [str(check_file(ex)) for ex in exercise_scripts() if check_file(ex)]
args += ["-c", str(CHECKS_DIR / "pytest.ini"), "--rootdir", str(CHECKS_DIR), "-p", "no:cacheprovider",
         "-p", "no:terminal", "--assert=plain", "--collect-only"]
out = os.dup(1)
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # pytest's own words are not the measure
times = []
for _ in range(2):
    before = time.process_time()
    pytest.main(args)
    times.append(time.process_time() - before)
os.dup2(out, 1)
print(json.dumps({"imports": imported - start, "first": times[0], "second": times[1]}))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    seen: dict[str, list[float]] = {"imports": [], "first": [], "second": []}
    for _ in range(args.runs):
        proc = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True,
                              check=True)
        for name, value in json.loads(proc.stdout.strip().splitlines()[-1]).items():
            seen[name].append(value)
    labels = {"imports": "imports (runner, pytest, hypothesis, the kit)",
              "first": "first collection of every check module",
              "second": "a second collection, same process"}
    print(f"CPU seconds, median (min-max) of {args.runs} fresh processes")
    for name, values in seen.items():
        print(f"  {labels[name]:<48} {statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
