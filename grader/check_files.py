"""Where each exercise's checks are: the grader's own modules
(grader/checks/EXERCISE.py) or, for an exercise of the instructor's own, the
file its lab names ([own.KEY] checks = "FILE", see lab_file.py).

An instructor's check file is read when the command starts
(check_own_files): an error in it is one line that names the file and the
line, before anything is graded."""
from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Optional

from .lab import OWN_TABLE, active_lab

CHECKS_DIR = Path(__file__).parent / "checks"


class CheckFileError(Exception):
    """An instructor's check file the grader cannot use: one line."""


@dataclass(frozen=True)
class CheckMark:
    exercise: str
    key: str  # the rubric's key
    title: str  # untranslated (N_)
    function: str
    line: int  # of its decorator


def check_file(exercise: str) -> Optional[Path]:
    """The file of `exercise`'s checks; None when the grader has none."""
    ex = active_lab().exercises.get(exercise)
    if ex is not None and ex.checks is not None:
        return ex.checks
    path = CHECKS_DIR / f"{exercise}.py"
    return path if path.is_file() else None


def check_module(exercise: str) -> ModuleType:
    ex = active_lab().exercises.get(exercise)
    if ex is not None and ex.checks is not None:
        return _import_own(ex.checks)
    return import_module(f"grader.checks.{exercise}")


def marks_in(module: ModuleType) -> list[CheckMark]:
    """The checks a module defines, in its order."""
    marks = []
    for name, fn in vars(module).items():
        for m in getattr(fn, "pytestmark", []):
            if m.name == "check" and getattr(fn, "__module__", None) == module.__name__:
                marks.append(CheckMark(m.kwargs["exercise"], m.kwargs["key"], m.kwargs["title"], name,
                                       fn.__code__.co_firstlineno))
    return marks


def checks_of(exercise: str) -> list[tuple[str, str]]:
    """(key, untranslated title) of each check of `exercise`, in its file's order."""
    return [(m.key, m.title) for m in marks_in(check_module(exercise)) if m.exercise == exercise]


def _import_own(path: Path) -> ModuleType:
    """The instructor's check file, imported as pytest imports a test file
    outside a package (its folder first on sys.path, its name as module
    name), so that pytest finds it already imported and uses it as it is."""
    name = path.stem
    loaded = sys.modules.get(name)
    if loaded is not None:
        if Path(getattr(loaded, "__file__", "") or "").resolve() == path:
            return loaded
        raise CheckFileError(f"{path}: its name is that of the module {name} ({loaded.__file__ or 'built in'}), "
                             f"which the grader imports: rename the file")
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    try:
        return import_module(name)
    except Exception as e:
        message = e.msg if isinstance(e, SyntaxError) else str(e)
        raise CheckFileError(f"{path}{_line_of(e, path)}: it does not import: "
                             f"{type(e).__name__}: {message}") from None


def _line_of(error: Exception, path: Path) -> str:
    """', line N': where the import of `path` failed, in that file."""
    if isinstance(error, SyntaxError) and error.filename and Path(error.filename).resolve() == path:
        return f", line {error.lineno}"
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)
             if Path(frame.filename).resolve() == path]
    return f", line {lines[-1]}" if lines else ""


def check_own_files(rubric) -> None:
    """Import every check file of the active lab's own exercises and check
    it against `rubric` (rubric.Rubric): each check of the file is one of its
    exercise's, pytest runs it (test_...), its key is its own and has points.
    CheckFileError otherwise."""
    for key, ex in active_lab().exercises.items():
        if ex.checks is None:
            continue
        path = ex.checks
        marks = marks_in(_import_own(path))
        if not marks:
            raise CheckFileError(f"{path}: no check in it: a check is a function test_... marked "
                                 f"@check(\"{key}\", \"a key\", N_(\"a title\")) (grader.kit)")
        seen: dict[str, int] = {}
        for m in marks:
            at = f"{path}, line {m.line}"
            if m.exercise != key:
                raise CheckFileError(f"{at}: the check {m.function} is one of '{m.exercise}', but this file "
                                     f"holds the checks of [{OWN_TABLE}.{key}]: write @check(\"{key}\", ...)")
            if not m.function.startswith("test_"):
                raise CheckFileError(f"{at}: the check {m.function} would never run: a check's name "
                                     "starts with test_")
            if m.key in seen:
                raise CheckFileError(f"{at}: two checks have the key '{m.key}' (lines {seen[m.key]} and "
                                     f"{m.line}): each check needs a key of its own in the rubric")
            seen[m.key] = m.line
            if m.key not in rubric.points.get(key, {}):
                from .rubric import active_rubric_file
                raise CheckFileError(f"{at}: the check {key}.{m.key} has no points in the rubric "
                                     f"{active_rubric_file()}: add `{m.key} = N` under [{key}]")
