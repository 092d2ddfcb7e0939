#!/usr/bin/env python3
"""What the students' kit costs a student: its size, and the time of a first
run (the kit unpacks itself, Python compiles it, then grades) and of a later
one, each the median of --runs runs with the given python3.

    .venv/bin/python bench/student_kit.py --runs 5 [--python /usr/bin/python3] [FOLDER]

builds the kit once (./grade.sh --student-kit), then grades FOLDER (default:
the kit's own template) with it: a first run with an empty cache
(XDG_CACHE_HOME in a new folder, as on a fresh account), then a later run
with that cache, --runs times."""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(args: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.monotonic()
    done = subprocess.run(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit status {done.returncode}\n{done.stderr[-2000:]}")
    return took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--python", default="/usr/bin/python3", help="the student's python3")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tp-grader-bench-kit-") as tmp:
        work = Path(tmp)
        start = time.monotonic()
        built = subprocess.run([sys.executable, "-m", "grader", "--student-kit", str(work / "kit"), "--lang", "en"],
                               cwd=ROOT, capture_output=True, text=True)
        if built.returncode != 0:
            sys.exit(built.stderr)
        build_seconds = time.monotonic() - start
        pyz, archive = work / "kit" / "tp-grader.pyz", work / "kit.zip"
        folder = (args.folder or work / "kit" / "tp_python").resolve()
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        first, later, unpacked = [], [], 0
        for run in range(args.runs):
            cache = work / f"cache-{run}"
            env["XDG_CACHE_HOME"] = str(cache)
            command = [args.python, str(pyz), str(folder), "--lang", "en"]
            first.append(timed(command, env, work))
            later.append(timed(command, env, work))
            unpacked = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file())
        version = subprocess.run([args.python, "--version"], capture_output=True, text=True).stdout.strip()
        print(f"kit built in {build_seconds:.1f} s: tp-grader.pyz {pyz.stat().st_size / 2**20:.1f} MiB, "
              f"kit.zip {archive.stat().st_size / 2**20:.1f} MiB; unpacked with bytecode "
              f"{unpacked / 2**20:.1f} MiB")
        print(f"{version}, {folder.name}, {args.runs} runs: first run median {statistics.median(first):.2f} s "
              f"({min(first):.2f}-{max(first):.2f}), later run median {statistics.median(later):.2f} s "
              f"({min(later):.2f}-{max(later):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
