"""Why a student script cannot run: the submission has no such file, or
Python cannot read it (checked before the program is started)."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Optional

from .users import STUDENT_PYTHON


class MissingScript(Exception):
    """The submission has no file of that name: its exercise loses the check."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class SandboxFull(Exception):
    """A program of the check filled the space the sandbox gives it, so that
    the grader could not write the file `name` it needed there."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class UnreadableScript(Exception):
    """Python cannot read the script (a syntax error, Python 2 code, a file
    that is not UTF-8): the check fails with that, the program never runs."""

    def __init__(self, name: str, error: str, line: Optional[int], message: str):
        super().__init__(f"{name}: {error} at line {line}: {message}")
        self.name, self.error, self.line, self.message = name, error, line, message


# Run by the student's interpreter: decodes the file as running it would (a
# coding line, else UTF-8: compile() alone lets a Latin-1 comment through),
# then compiles it; prints "error, line, message" on three lines if it fails.
_COMPILE = r"""
import io, sys, tokenize
data = open(sys.argv[1], "rb").read()
try:
    encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
except SyntaxError:  # no valid coding line and the first lines are not UTF-8
    encoding = "utf-8"
try:
    text = data.decode(encoding)
except UnicodeDecodeError as e:
    print("SyntaxError", data[:e.start].count(b"\n") + 1,
          "Non-UTF-8 code starting with %r, but no encoding declared" % data[e.start:e.start + 1], sep="\n")
    sys.exit()
try:
    compile(text, sys.argv[1], "exec")
except SyntaxError as e:
    print(type(e).__name__, e.lineno or 0, e.msg, sep="\n")
"""
_compiled: dict[tuple[str, float], Optional[tuple[str, int, str]]] = {}


def compile_error(path: Path) -> Optional[tuple[str, int, str]]:
    """(error, line, message) if the student's Python cannot read the file,
    else None. Checked with the interpreter that runs student code (its
    version decides what is valid), once per file."""
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError:
        return None
    if key not in _compiled:
        out = subprocess.run([STUDENT_PYTHON, "-S", "-c", _COMPILE, str(path)], capture_output=True,
                             text=True, timeout=30).stdout.split("\n")
        _compiled[key] = (out[0], int(out[1]), out[2]) if len(out) >= 3 and out[0] else None
    return _compiled[key]
