#!/usr/bin/env python3
"""Steadiness: grade submissions many times (optionally with every core kept
busy by stress-ng) and list every check whose verdict changed between runs.

    .venv/bin/python bench/soak.py --runs 30 --stress --variants reference student_template
    .venv/bin/python bench/soak.py --runs 10 --variants --parallel 3   # three gradings at a time
    .venv/bin/python bench/soak.py --runs 30 --concurrent 2 --exercise wine_bottles reference
    .venv/bin/python bench/soak.py --runs 2 --against c350525 --variants reference student_template
        # every even run with another revision's grader: the verdicts that
        # "changed" are those that differ between the two (a variant of
        # another lab is graded with each revision's own copy of its lab
        # file, and left out when that revision has none)

Exit status 1 when a verdict changed (a flaky check), 0 otherwise."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


# the verdict of a grading that gave no report (the grader's exit status and
# its error): a change of verdict like any other, and the soak goes on
NO_REPORT = "(no report)"


def grade(path: Path, exercises: list[str], options: list[str],
          grader: Path = ROOT) -> tuple[dict[str, tuple[str, str]], float]:
    """`options`: the variant's own (its seed, its lab); `grader`: the
    checkout whose grader grades (python -m grader from there)."""
    with tempfile.TemporaryDirectory(prefix="tp-grader-soak-") as tmp:
        out = Path(tmp) / "r.json"
        args = [sys.executable, "-m", "grader", str(path), "--json", str(out), "--lang", "en", *options]
        for ex in exercises:
            args += ["--exercise", ex]
        start = time.monotonic()
        proc = subprocess.run(args, cwd=grader, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              errors="replace")
        took = time.monotonic() - start
        if proc.returncode != 0 or not out.is_file():
            return {NO_REPORT: (f"exit status {proc.returncode}", proc.stderr[-4000:])}, took
        report = json.loads(out.read_text())
    verdicts = {f"{t['exercise']}.{t['check']}": (t["status"], t.get("output", "")) for t in report["tests"]}
    return {NO_REPORT: ("graded", ""), **verdicts}, took


def in_checkout(options: list[str], grader: Path) -> list[str]:
    """A variant's options with its files (its lab file) taken from `grader`'s checkout."""
    return [str(grader / Path(o).relative_to(ROOT)) if o.startswith(str(ROOT) + "/") else o for o in options]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("submissions", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--stress", action="store_true", help="keep every core busy with stress-ng meanwhile")
    ap.add_argument("--variants", action="store_true", help="also every variant of tests/submissions")
    ap.add_argument("--exercise", action="append", default=[])
    ap.add_argument("--concurrent", type=int, default=1, metavar="N",
                    help="grade each submission N times at once (two gradings on one machine)")
    ap.add_argument("--against", metavar="REV",
                    help="grade every even run with REV's grader (a git revision, in a temporary "
                         "worktree): the changed verdicts are then what differs between the two")
    ap.add_argument("--parallel", type=int, default=1, metavar="N",
                    help="grade N submissions at once (a class grading's load)")
    args = ap.parse_args()
    # killed (SIGTERM): still stop stress-ng and remove the temporary folders
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from variants import all_variants, build, touched_exercises

    work = Path(tempfile.mkdtemp(prefix="tp-grader-soak-"))
    against = None
    if args.against:
        against = work / "against"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(against), args.against],
                       cwd=ROOT, check=True)
    targets = {str(p): (p, args.exercise, []) for p in args.submissions}
    if args.variants:  # each on the exercises it changes, as the test suite does
        for v in (v for v in all_variants() if not v.hostile  # hostile ones need test_hostile.py
                  and not (against and v.lab and not (against / v.lab_file().relative_to(ROOT)).is_file())):
            targets[v.name] = (build(v, work / v.name), args.exercise or touched_exercises(v),
                               v.grading_options())
    stress = None
    if args.stress:
        if not shutil.which("stress-ng"):
            print("stress-ng is not installed (apt-get install stress-ng)", file=sys.stderr)
            return 2
        stress = subprocess.Popen(["stress-ng", "--cpu", str(os.cpu_count()), "--quiet"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    times: dict[str, list[float]] = defaultdict(list)
    said: dict[str, dict[str, str]] = defaultdict(dict)  # the last failure of each check
    try:
        with ThreadPoolExecutor(args.parallel * args.concurrent) as pool:
            for run in range(1, args.runs + 1):
                grader = against if against is not None and run % 2 == 0 else ROOT
                jobs = [(name, pool.submit(grade, path, exercises, in_checkout(options, grader), grader))
                        for name, (path, exercises, options) in targets.items()
                        for _ in range(args.concurrent)]
                for name, job in jobs:
                    verdicts, took = job.result()
                    times[name].append(took)
                    for check, (status, output) in verdicts.items():
                        seen[name][check].add(status)
                        counts[name][check][status] += 1
                        if status not in ("passed", "graded"):
                            said[name][check] = output
                        if check == NO_REPORT and status != "graded":  # said at once: it may explain others
                            print(f"{name}: no report, {status}:\n    " + output.replace("\n", "\n    "),
                                  file=sys.stderr, flush=True)
                flaky_so_far = sorted(f"{n} {c}" for n in seen for c, st in seen[n].items() if len(st) > 1)
                print(f"run {run}/{args.runs} done; changed so far: {flaky_so_far or 'none'}",
                      file=sys.stderr, flush=True)
    finally:
        if stress:
            stress.terminate()
            stress.wait()
        if against is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(against)], cwd=ROOT)
        shutil.rmtree(work, ignore_errors=True)
    changed = 0
    for name in targets:
        med = sorted(times[name])[len(times[name]) // 2]
        flaky = {c: dict(counts[name][c]) for c, s in seen[name].items() if len(s) > 1}
        changed += len(flaky)
        print(f"{name}: {len(seen[name])} checks, median {med:.2f} s, "
              f"{'changed: ' + json.dumps(flaky) if flaky else 'every verdict the same'}")
        for check in flaky:  # what the report said when it failed
            print("    " + said[name][check].replace("\n", "\n    "))
    print(f"changed verdicts: {changed} ({len(targets)} submissions, {args.runs} runs, "
          f"{args.concurrent} at once each, {args.parallel} submissions at a time, "
          f"stress={'on' if args.stress else 'off'})")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
