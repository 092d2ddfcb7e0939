#!/usr/bin/env python3
"""How long grading takes, as a student and an instructor see it. Each
measure runs the grader's command in a fresh process and reads back its wall
time, its CPU time (grader and student programs together) and the peak memory
of the largest of those processes; it prints the median, min and max of
`--runs` runs, as a table and, with --json, as JSON.

    .venv/bin/python bench/bench.py --runs 5 reference                  # per exercise, then whole
    .venv/bin/python bench/bench.py --runs 5 reference student_template --json bench.json
    .venv/bin/python bench/bench.py --runs 3 --whole-only --jobs 1 reference
    .venv/bin/python bench/bench.py --runs 3 --class 40                 # a generated class, --jobs 1 and default

Speed is measured here, never asserted in the tests."""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from grader.submission import EXERCISE_SCRIPTS  # noqa: E402

# Runs the command given and prints its wall time, CPU time and peak memory
# (every process it waited for, the student programs the grader reaped included).
MEASURE = r"""
import json, resource, subprocess, sys, time
start = time.monotonic()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.monotonic() - start
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": r.ru_utime + r.ru_stime, "peak_mib": r.ru_maxrss / 1024, "code": code}))
"""


def measure(command: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    result = json.loads(out)
    if result["code"] != 0:
        raise SystemExit(f"failed ({result['code']}): {' '.join(command)}")
    return result


def grade_command(submission: Path, exercise: str | None, jobs: int | None, json_file: Path) -> list[str]:
    command = [sys.executable, "-m", "grader", str(submission), "--json", str(json_file)]
    command += ["--exercise", exercise] if exercise else []
    command += ["--jobs", str(jobs)] if jobs else []
    return command


def summary(runs: list[dict]) -> dict:
    row = {}
    for key in ("wall", "cpu", "peak_mib"):
        values = [r[key] for r in runs]
        row[key] = {"median": statistics.median(values), "min": min(values), "max": max(values)}
    return row


def show(label: str, what: str, row: dict) -> None:
    w, c, m = row["wall"], row["cpu"], row["peak_mib"]
    print(f"{label:<22} {what:<20} {w['median']:7.2f} {w['min']:7.2f} {w['max']:7.2f} "
          f"{c['median']:7.2f} {m['median']:8.0f}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("submissions", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--exercise", action="append", help="only these exercises (default: each, then whole)")
    ap.add_argument("--whole-only", action="store_true", help="only the whole submission")
    ap.add_argument("--jobs", type=int, help="passed to the grader (default: its own)")
    ap.add_argument("--class", dest="class_size", type=int, metavar="N",
                    help="grade a generated class of N hand-ins (--batch), with --jobs 1 and the default")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args()
    figures: dict = {}
    print(f"{'what':<22} {'exercise':<20} {'wall s':>7} {'min':>7} {'max':>7} {'cpu s':>7} "
          f"{'peak MiB':>8}   (median of {args.runs} runs)")
    with tempfile.TemporaryDirectory(prefix="tp-grader-bench-") as tmp:
        for sub in args.submissions:
            targets = [None] if args.whole_only else [*(args.exercise or EXERCISE_SCRIPTS), None]
            for ex in targets:
                runs = [measure(grade_command(sub, ex, args.jobs, Path(tmp) / "r.json")) for _ in range(args.runs)]
                figures.setdefault(str(sub), {})[ex or "(whole)"] = row = summary(runs)
                show(str(sub), ex or "(whole)", row)
        if args.class_size:
            from variants import build_class
            submissions = Path(tmp) / "class"
            build_class(submissions, args.class_size)
            for jobs in (1, None):
                runs = []
                for i in range(args.runs):
                    out = Path(tmp) / f"results-{jobs}-{i}"
                    runs.append(measure([sys.executable, "-m", "grader", "--batch", str(submissions),
                                         "--out", str(out), *(["--jobs", str(jobs)] if jobs else [])]))
                label = f"class of {args.class_size}"
                what = f"--jobs {jobs}" if jobs else "--jobs default"
                figures.setdefault(label, {})[what] = row = summary(runs)
                show(label, what, row)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
