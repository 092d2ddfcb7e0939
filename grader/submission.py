"""A student's submission folder: which lab scripts it holds and whether each
can be launched the way the statement does (`./script.py`)."""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Optional

from .lab import active_lab

def exercise_scripts() -> dict[str, list[str]]:
    """The scripts a student writes, per exercise key of docs/LAB.md, in the
    report's order: the active lab's (grader/lab.py)."""
    return active_lab().scripts()


def lab_scripts() -> list[str]:
    """Every script of the lab, in that order."""
    return active_lab().all_scripts()


# Folders that are never the student's work: not searched, not copied.
JUNK_DIRS = {"__macosx", "__pycache__", ".git", ".svn", ".idea", ".vscode", "node_modules",
             "venv", ".venv", ".ipynb_checkpoints", ".hypothesis", ".pytest_cache",
             ".github"}  # GitHub Classroom's workflow and the grader's archive


class SubmissionError(Exception):
    """The folder cannot be graded at all (missing, not a folder, unreadable)."""


class Submission:
    """`aliases`: lab script -> the file that stands for it when it is not
    `root/script` (another case, another folder: see intake.py)."""

    def __init__(self, root: Path, aliases: Optional[dict[str, Path]] = None):
        self.aliases = {k: Path(v) for k, v in (aliases or {}).items()}
        root = Path(root)
        if not root.exists():
            raise SubmissionError(f"{root}: no such file or folder")
        if not root.is_dir():
            raise SubmissionError(f"{root}: not a folder")
        if not os.access(root, os.R_OK | os.X_OK):
            raise SubmissionError(f"{root}: the folder is not readable")
        self.root = root.resolve()
        # Read now, in the thread that makes the submission: ast.parse in two
        # threads at once can fail in CPython 3.11 ("AST constructor recursion
        # depth mismatch", gh-106905), and the checks run programs in threads
        # while pytest parses source for its own reports.
        self._unwritten = {script: self._holds_nothing(script)
                           for script in lab_scripts()}

    def resolve(self, script: str) -> Optional[str]:
        """The file name in the submission (and in its working copies) for
        `script`, or None if missing."""
        path = self.root / script
        # a link is not a script: followed by the grader, it could bring in a
        # file the student may not read
        present = path.is_file() and not path.is_symlink()
        return script if present or script in self.aliases else None

    def source(self, script: str) -> Path:
        """The student's file for `script`."""
        return self.aliases.get(script, self.root / script)

    def unwritten(self, script: str) -> bool:
        """The script holds nothing that runs: comments, a docstring, `pass`
        and imports of Python's own modules (the blank template). An import
        of a module of the hand-in could do the work, so it does not count.
        Lab scripts only (read when the submission is made); False for others."""
        return self._unwritten.get(script, False)

    def _holds_nothing(self, script: str) -> bool:
        import ast
        import sys
        try:
            tree = ast.parse(self.source(script).read_bytes())
        except (OSError, SyntaxError, ValueError):  # missing, unreadable: other causes
            return False
        stdlib = getattr(sys, "stdlib_module_names", ())
        for node in tree.body:
            if isinstance(node, ast.Pass) or (isinstance(node, ast.Expr)
                                              and isinstance(node.value, ast.Constant)):
                continue
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else None)
            if names is None or any(n.split(".")[0] not in stdlib for n in names):
                return False
        return True

    def has(self, script: str) -> bool:
        return self.resolve(script) is not None

    def launch_problems(self, script: str) -> list[tuple[str, dict]]:
        """Why `./script` would not start the file with Python, as
        (message id, values) pairs for the report; empty when it would."""
        path = self.source(script)
        problems: list[tuple[str, dict]] = []
        if path.name != script:
            problems.append(("misnamed", {"actual": path.name}))
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
        # Links are copied as links: followed here, by the grader, they could
        # bring in a file the student may not read.
        shutil.copytree(self.root, dest, symlinks=True,
                        ignore=lambda _dir, names: [n for n in names if n.lower() in JUNK_DIRS])
        for script, source in self.aliases.items():
            shutil.copy(source, dest / script)
        for scripts in exercise_scripts().values():
            for s in scripts:
                p = dest / s
                if p.is_file():
                    p.chmod(p.stat().st_mode | 0o755)
