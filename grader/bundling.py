"""The grader as files for elsewhere: a wheel of the package as the active
lab and rubric make it, and its dependencies installed into a folder by pip.
The VPL bundle (vpl.py) and the students' kit (student_kit.py) are made of
these; neither carries the tests, the reference solutions or a template."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from .i18n import _
from .lab import lab_files_for_bundle
from .paths import PROJECT_DIR

# Never copied from the checkout into a wheel's source: the grader's own
# tests, every solution and template, and what a checkout accumulates.
NOT_IN_A_WHEEL = (".git", ".venv", "build", "*.egg-info", "__pycache__", "tests", "reference",
                  "student_template", "bench", "tp-grader-kit*")


class BundleError(Exception):
    pass


def grader_wheel(work: Path, rubric_text: str) -> Path:
    """Build, in `work`, a wheel of the grader that grades the active lab
    (--lab) by default, with `rubric_text` as its rubric.toml."""
    # pip builds in the tree it installs from: a copy, so the checkout stays clean
    source = work / "source"
    shutil.copytree(PROJECT_DIR, source, symlinks=True, ignore=shutil.ignore_patterns(*NOT_IN_A_WHEEL))
    (source / "grader" / "rubric.toml").write_text(rubric_text, encoding="utf-8")
    for name, data in lab_files_for_bundle().items():  # the instructor's lab (--lab), if any
        (source / "grader" / name).parent.mkdir(parents=True, exist_ok=True)
        (source / "grader" / name).write_bytes(data)
    pip(sys.executable, "wheel", "--no-deps", "-w", str(work / "wheel"), str(source))
    return next((work / "wheel").glob("*.whl"))


def version_of(python: str) -> str:
    """`python`'s version, as 3.11."""
    try:
        return subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        raise BundleError(_("{python} does not run").format(python=python)) from None


def compile_bytecode(python: str, lib: Path) -> None:
    """Bytecode for every module, as `python` makes it, never checked against
    the sources (unpacking gives them new dates). A file it cannot compile
    (none is known) is compiled where it is imported, as before."""
    subprocess.run([python, "-m", "compileall", "-q", "-f", "-j", "0", "--invalidation-mode", "unchecked-hash",
                    str(lib)], capture_output=True)


def pip(python: str, *args: str) -> None:
    proc = subprocess.run([python, "-m", "pip", "--disable-pip-version-check", "-q", *args],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise BundleError(_("pip failed ({command}): {error}").format(
            command=f"{python} -m pip {args[0]}", error=(proc.stderr.strip().splitlines() or ["?"])[-1]))


def installed_files(lib: Path, leave_out: Sequence[str] = ("bin",)) -> list[Path]:
    """The files pip installed into `lib`, but its top folders `leave_out`
    (its scripts). The .dist-info folders stay: pytest finds its plugins
    (pytest-timeout) through them."""
    return [f for f in sorted(lib.rglob("*"))
            if f.is_file() and f.relative_to(lib).parts[0] not in leave_out]
