#!/usr/bin/env python3
"""The length of the terminal report (the default, without --details) of
variants, graded by this checkout's grader and by another revision's:

    .venv/bin/python bench/report_lines.py --against 4ec0c0c wine_ nba_wine_

Each variant whose name starts with one of the prefixes given is graded on
the exercises it changes (as tests/test_submissions.py does), once by each
grader; a line per variant: the report's lines, its longest failed-check
block (its title line included) and the score, before -> after."""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from conftest import failure_blocks  # noqa: E402
from soak import in_checkout  # noqa: E402
from variants import all_variants, build, touched_exercises  # noqa: E402


def measure(grader: Path, path: Path, exercises: list[str], options: list[str]) -> str:
    args = [sys.executable, "-m", "grader", str(path), "--lang", "en", "--no-color", *options]
    for ex in exercises:
        args += ["--exercise", ex]
    proc = subprocess.run(args, cwd=grader, capture_output=True, text=True, errors="replace")
    if proc.returncode != 0:
        return f"exit status {proc.returncode}"
    text = proc.stdout
    total = re.search(r"^\s+Total\s+(\S+) / (\S+)", text, re.M)
    longest = max((n for _first, n in failure_blocks(text)), default=0)
    return f"{len(text.rstrip(chr(10)).split(chr(10)))} / {longest} / {total.group(1) if total else '?'}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("prefixes", nargs="+")
    ap.add_argument("--against", metavar="REV", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tp-grader-lines-") as tmp:
        work, before = Path(tmp), Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(before), args.against],
                       cwd=ROOT, check=True)
        try:
            print(f"variant: lines / longest block / score, {args.against} -> this checkout")
            for v in all_variants():
                if v.hostile or not v.name.startswith(tuple(args.prefixes)):
                    continue
                path, exercises = build(v, work / v.name), touched_exercises(v)
                # each grader with its own copy of the variant's lab file
                old = in_checkout(v.grading_options(), before)
                print(f"{v.name}: {measure(before, path, exercises, old)} -> "
                      f"{measure(ROOT, path, exercises, v.grading_options())}", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
