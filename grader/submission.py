"""A student's submission folder: which lab scripts it holds and whether each
can be launched the way the statement does (`./script.py`)."""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Optional

# The scripts a student writes, per exercise key of CONTRACT.md.
EXERCISE_SCRIPTS = {
    "joueurs_par_nation": ["joueurs_par_nation.py"],
    "joueurs_nation": ["joueurs_nation_subproc.py", "joueurs_nation_parent.py"],
    "bottles_of_beer2": ["bottles_of_beer2.py"],
    "chrono": ["chrono.py"],
    "multiChrono": ["multiChrono.py"],
    "wine_bottles": ["wine_bottles_server.py", "wine_bottles_client.py"],
}


class SubmissionError(Exception):
    """The folder cannot be graded at all (missing, not a folder, unreadable)."""


class Submission:
    def __init__(self, root: Path):
        root = Path(root)
        if not root.exists():
            raise SubmissionError(f"{root}: no such file or folder")
        if not root.is_dir():
            raise SubmissionError(f"{root}: not a folder")
        if not os.access(root, os.R_OK | os.X_OK):
            raise SubmissionError(f"{root}: the folder is not readable")
        self.root = root.resolve()

    def resolve(self, script: str) -> Optional[str]:
        """The file name in the submission for `script`, or None if missing."""
        return script if (self.root / script).is_file() else None

    def has(self, script: str) -> bool:
        return self.resolve(script) is not None

    def launch_problems(self, script: str) -> list[tuple[str, dict]]:
        """Why `./script` would not start the file with Python, as
        (message id, values) pairs for the report; empty when it would."""
        path = self.root / script
        problems: list[tuple[str, dict]] = []
        try:
            with open(path, "rb") as f:
                first = f.readline(512)
        except OSError:
            return [("unreadable", {})]
        if not first.startswith(b"#!"):
            problems.append(("no_shebang", {}))
        else:
            if first.endswith(b"\r\n"):
                problems.append(("crlf", {}))
            words = first[2:].strip().decode("utf-8", "replace").split()
            interpreter = words[0] if words else ""
            if not interpreter:
                problems.append(("no_shebang", {}))
            elif os.path.basename(interpreter) == "env":
                if len(words) < 2 or "python" not in words[1]:
                    problems.append(("not_python", {"line": first.decode("utf-8", "replace").strip()}))
            elif "python" not in os.path.basename(interpreter):
                problems.append(("not_python", {"line": first.decode("utf-8", "replace").strip()}))
            elif not os.access(interpreter, os.X_OK):
                problems.append(("interpreter_missing", {"interpreter": interpreter}))
        if not path.stat().st_mode & stat.S_IXUSR:
            problems.append(("no_exec_bit", {}))
        return problems

    def copy_to(self, dest: Path):
        """Copy the submission into `dest` (a working copy for one check). The
        lab scripts get their run bit there: a missing one costs the launch
        check only, not every check that starts the script."""
        shutil.copytree(self.root, dest, symlinks=False,
                        ignore=shutil.ignore_patterns("__pycache__", ".git"))
        for scripts in EXERCISE_SCRIPTS.values():
            for s in scripts:
                p = dest / s
                if p.is_file():
                    p.chmod(p.stat().st_mode | 0o755)
