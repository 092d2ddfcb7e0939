"""The Gradescope autograder zip (./grade.sh --gradescope-bundle OUT.zip).

Gradescope unzips it into /autograder/source, runs setup.sh there once to
build its image, then `/autograder/run_autograder` for every submission, which
must write /autograder/results/results.json: the grader's JSON report is a
superset of that format. `AUTOGRADER_ROOT` moves /autograder elsewhere (the
tests run it in a temporary folder)."""
from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from .paths import PROJECT_DIR, bundled_files
from .lab import lab_files_for_bundle
from .rubric import RUBRIC_FILE, rubric_for_bundle

# What the grader needs at run time (not its tests, nor the reference solutions).
# (grader/ carries its data files, the fixture among them: see paths.py)
BUNDLED = ["grade.sh", "pyproject.toml", "README.md", "scripts", "grader"]

SETUP_SH = """#!/usr/bin/env bash
# Gradescope: build the image once. The grader installs itself into
# /autograder/source/.venv on its first run.
set -eu
apt-get update -q
apt-get install -y -q python3 python3-venv python3-pip util-linux
cd /autograder/source
./grade.sh --help > /dev/null
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope: grade /autograder/submission into /autograder/results/results.json.
set -u
root="${AUTOGRADER_ROOT:-/autograder}"
mkdir -p "$root/results"
results="$root/results/results.json"
if ! "$root/source/grade.sh" "$root/submission" --json "$results" --lang "${TPGRADER_LANG:-fr}" \\
        --all-checks --no-color 2> "$root/results/errors.txt"; then
    # the hand-in could not be graded at all: say why, with no score
    python3 - "$results" "$root/results/errors.txt" <<'PY'
import json, sys
reason = open(sys.argv[2], encoding="utf-8", errors="replace").read().strip()
json.dump({"score": 0, "output": reason or "the grading failed", "tests": []},
          open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
fi
"""


def write_bundle(out: Path) -> None:
    files = bundled_files(BUNDLED)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            z.writestr(info, text)
        for f in files:
            info = zipfile.ZipInfo(str(f.relative_to(PROJECT_DIR)))
            info.external_attr = (stat.S_IFREG | (f.stat().st_mode & 0o777)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            # the instructor's rubric and seed (--rubric, --seed), if any
            is_rubric = f.resolve() == RUBRIC_FILE.resolve()
            z.writestr(info, rubric_for_bundle().encode("utf-8") if is_rubric else f.read_bytes())
        for name, data in lab_files_for_bundle().items():  # the instructor's lab (--lab), if any
            info = zipfile.ZipInfo(f"grader/{name}")
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            z.writestr(info, data)
