#!/usr/bin/env python3
"""How long grading takes, as a student and an instructor see it. Each
measure runs the grader's command in a fresh process and reads back its wall
time, its CPU time (grader and student programs together) and the peak memory
of the largest of those processes; it prints the median, min and max of
`--runs` runs, as a table and, with --json, as JSON.

    .venv/bin/python bench/bench.py                        # reference and template: per exercise, then whole
    .venv/bin/python bench/bench.py --variants             # and every variant, on the exercises it changes
    .venv/bin/python bench/bench.py --real-time            # also with no time dilation, and the ratio
    .venv/bin/python bench/bench.py --class 40 --class-runs 1   # a generated class, --jobs 1 and default
    .venv/bin/python bench/bench.py --class 40 --class-jobs default
    .venv/bin/python bench/bench.py --runs 5 --variants --real-time --class 40 --json bench.json
    .venv/bin/python bench/bench.py --per-check reference  # where the CPU goes, check by check
    .venv/bin/python bench/bench.py --against f901555 --whole-only --runs 5 reference   # before/after

Speed is measured here, never asserted in the tests."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from grader.submission import exercise_scripts  # noqa: E402

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
WHOLE = "(whole)"


def measure(command: list[str], real_time: bool = False, timing: bool = False, grader: Path = ROOT) -> dict:
    """`grader`: the checkout whose grader runs (`python -m grader` there)."""
    env = {**os.environ, **({"TPGRADER_REAL_TIME": "1"} if real_time else {}),
           **({"TPGRADER_TIMING": "1"} if timing else {})}
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=grader, capture_output=True,
                         text=True, check=True, env=env).stdout
    result = json.loads(out)
    if result["code"] != 0:
        raise SystemExit(f"failed ({result['code']}): {' '.join(command)}")
    return result


def grade_command(submission: Path, exercises: list[str], jobs: Optional[int], json_file: Path) -> list[str]:
    command = [sys.executable, "-m", "grader", str(ROOT / submission), "--json", str(json_file)]
    for ex in exercises:
        command += ["--exercise", ex]
    return command + (["--jobs", str(jobs)] if jobs else [])


def summary(runs: list[dict]) -> dict:
    row = {}
    for key in ("wall", "cpu", "peak_mib"):
        values = [r[key] for r in runs]
        row[key] = {"median": statistics.median(values), "min": min(values), "max": max(values)}
    return row


def show(label: str, what: str, row: dict) -> None:
    w, c, m = row["wall"], row["cpu"], row["peak_mib"]
    line = (f"{label:<34} {what:<20} {w['median']:7.2f} {w['min']:7.2f} {w['max']:7.2f} "
            f"{c['median']:7.2f} {m['median']:8.0f}")
    if "real_time" in row:
        rt = row["real_time"]["wall"]["median"]
        line += f" {rt:9.2f} {rt / w['median']:6.1f}x"
    print(line, flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("submissions", nargs="*", type=Path,
                    help="submission folders (default: reference and student_template)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--exercise", action="append", help="only these exercises (default: each, then whole)")
    ap.add_argument("--whole-only", action="store_true", help="only the whole submission")
    ap.add_argument("--variants", action="store_true",
                    help="also every variant of tests/submissions, on the exercises it changes")
    ap.add_argument("--real-time", action="store_true",
                    help="also grade the submissions given with no time dilation (programs' clocks at "
                         "their real speed), and show how many times faster the dilated grading is")
    ap.add_argument("--jobs", type=int, help="passed to the grader (default: its own)")
    ap.add_argument("--class", dest="class_size", type=int, metavar="N",
                    help="grade a generated class of N hand-ins (--batch), with --jobs 1 and the default")
    ap.add_argument("--class-runs", type=int, help="runs of each class grading (default: --runs)")
    ap.add_argument("--class-jobs", default="1,default", metavar="LIST",
                    help="the --jobs values to grade the class with (default: 1,default)")
    ap.add_argument("--per-check", action="store_true",
                    help="only the whole submissions, and a table of each check's wall and CPU time")
    ap.add_argument("--against", metavar="REV",
                    help="also run each measure with the grader of git revision REV (checked out in a "
                         "temporary worktree), alternating runs with this one: before and after in one run")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args()
    if args.per_check:
        return per_check(args.submissions or [Path("reference")], args.runs, args.jobs)
    submissions = args.submissions or ([] if args.class_size and not args.variants else
                                       [Path("reference"), Path("student_template")])
    figures: dict = {"runs": args.runs, "cores": os.cpu_count(), "rows": []}
    print(f"{'what':<34} {'exercise':<20} {'wall s':>7} {'min':>7} {'max':>7} {'cpu s':>7} {'peak MiB':>8}"
          + (f" {'real-time':>9} {'ratio':>7}" if args.real_time else "")
          + f"   (median of {args.runs} runs"
          + (f"; a class: of {args.class_runs} runs)" if args.class_size and args.class_runs else ")"))

    def row(label: str, what: str, command: list[str], real_time: bool, runs: int) -> dict:
        if against:  # alternated, so that both see the same machine
            pairs = [(measure(command, grader=against), measure(command)) for _ in range(runs)]
            before = summary([b for b, _ in pairs])
            figures["rows"].append({"what": label, "exercise": what, "grader": args.against, **before})
            show(f"{label} [{args.against}]", what, before)
            result = summary([a for _, a in pairs])
        else:
            result = summary([measure(command) for _ in range(runs)])
        if real_time:
            result["real_time"] = summary([measure(command, real_time=True) for _ in range(runs)])
        figures["rows"].append({"what": label, "exercise": what, **result})
        show(label + (" [this]" if against else ""), what, result)
        return result

    with tempfile.TemporaryDirectory(prefix="tp-grader-bench-") as tmp:
        against = None
        if args.against:
            against = Path(tmp) / "against"
            subprocess.run(["git", "worktree", "add", "-q", "--detach", str(against), args.against],
                           cwd=ROOT, check=True)
        try:
            _measure_all(args, submissions, row, Path(tmp))
        finally:
            if against:
                subprocess.run(["git", "worktree", "remove", "--force", str(against)], cwd=ROOT)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def _measure_all(args, submissions: list[Path], row, tmp: Path) -> None:
    """Every measure asked for, each through `row`."""
    report = tmp / "r.json"
    for sub in submissions:
        targets = [] if args.whole_only else (args.exercise or list(exercise_scripts()))
        for ex in targets:
            row(str(sub), ex, grade_command(sub, [ex], args.jobs, report), args.real_time, args.runs)
        row(str(sub), WHOLE, grade_command(sub, [], args.jobs, report), args.real_time, args.runs)
    if args.variants:
        from variants import all_variants, build, touched_exercises
        for v in all_variants():
            if v.hostile:  # graded by tests/test_hostile.py, under conditions of their own
                continue
            path = build(v, tmp / "variants" / v.name)
            exercises = touched_exercises(v)
            row(f"variant {v.name}", ",".join(exercises) if len(exercises) < 3 else WHOLE,
                grade_command(path, exercises, args.jobs, report) + v.grading_options(), False, args.runs)
    if args.class_size:
        from variants import build_class
        class_dir = tmp / "class"
        build_class(class_dir, args.class_size)
        for jobs in [None if j == "default" else int(j) for j in args.class_jobs.split(",")]:
            out = tmp / "class-results"
            # the class is the project's own variants (no hostile one): graded also
            # where nothing would protect the user (not root, no namespaces); as
            # root the option is not needed, and a grader before it (--against) has none
            unprotected = ["--unprotected"] if os.geteuid() != 0 else []
            command = [sys.executable, "-m", "grader", "--batch", str(class_dir), "--out", str(out),
                       "--force", *unprotected, *(["--jobs", str(jobs)] if jobs else [])]
            row(f"class of {args.class_size}", f"--jobs {jobs}" if jobs else "--jobs default", command,
                False, args.class_runs or args.runs)


def per_check(submissions: list[Path], runs: int, jobs: Optional[int]) -> int:
    """Each check's wall and CPU time, median of `runs` gradings of each
    submission, the costliest first. Its CPU is the grader's (the worker's
    threads) plus its programs' (each with its fork and set-up before exec,
    and the sandboxes' namespace holders): the "programs" column. What no
    check accounts for (starting Python, pytest, the workers) is the last line."""
    with tempfile.TemporaryDirectory(prefix="tp-grader-bench-") as tmp:
        report = Path(tmp) / "r.json"
        for sub in submissions:
            per: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
            whole = []
            for _ in range(runs):
                whole.append(measure(grade_command(sub, [], jobs, report), timing=True))
                for t in json.loads(report.read_text())["timing"]:
                    per.setdefault((t["exercise"], t["check"]), []).append(
                        (t["wall"], t["cpu"], t["cpu_programs"]))
            rows = sorted(((ex, key, *(statistics.median(m[i] for m in v) for i in range(3)))
                           for (ex, key), v in per.items()), key=lambda r: -r[3])
            total_cpu = statistics.median(w["cpu"] for w in whole)
            print(f"{sub} (median of {runs}): {statistics.median(w['wall'] for w in whole):.2f} s wall, "
                  f"{total_cpu:.2f} s CPU")
            print(f"  {'exercise':<20} {'check':<34} {'wall s':>7} {'cpu s':>7} {'programs':>8}")
            for ex, key, wall, cpu, programs in rows:
                print(f"  {ex:<20} {key:<34} {wall:7.2f} {cpu:7.2f} {programs:8.2f}")
            by_exercise: dict[str, float] = {}
            for ex, _key, _wall, cpu, _programs in rows:
                by_exercise[ex] = by_exercise.get(ex, 0.0) + cpu
            print("  by exercise: " + ", ".join(f"{ex} {cpu:.2f}" for ex, cpu in
                                               sorted(by_exercise.items(), key=lambda e: -e[1])))
            in_checks, programs = sum(r[3] for r in rows), sum(r[4] for r in rows)
            print(f"  in the checks: {in_checks:.2f} s CPU, of which the grader {in_checks - programs:.2f}, "
                  f"its programs {programs:.2f}")
            print(f"  outside the checks (Python, pytest, workers): {total_cpu - in_checks:.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
