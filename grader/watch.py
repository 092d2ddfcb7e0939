"""./grade.sh DIR --watch: grade once, then again each exercise whose scripts
change, with a short summary per run (the exercise's score, then its failed
checks, one line each), until Ctrl-C.

Between gradings, watchfiles waits for the folder to change; the scripts'
contents decide what is graded again: they are compared with those of the
last grading's start, once the folder is watched (an edit saved during a
grading is not lost) and at each change watchfiles reports (an editor's
temporary files, or a save that changes nothing, grade nothing). Nothing
watches during a grading: the grading forks its workers, which a process
with other threads must not do. The command's session
(harness/leftovers.py) makes Ctrl-C leave nothing behind, as for any
grading."""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .feedback import visible
from .i18n import _
from .report import exercise_name, exercise_scores
from .submission import JUNK_DIRS, exercise_scripts, lab_scripts

# An editor's save is several events (a temporary file, a rename, a chmod):
# one look at the scripts for all of them.
DEBOUNCE_MS = 300
# The first empty batch from watchfiles says the folder is watched.
ARMED_MS = 200
# Without watchfiles, the scripts are read again this often.
POLL_SECONDS = 0.5



def scripts_state(folder: Path) -> dict[str, str]:
    """Path -> digest of each file of `folder` named as a script of the lab
    (in subfolders too: a messy hand-in's scripts may be there)."""
    state = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in JUNK_DIRS]
        for name in files:
            if name in lab_scripts():
                path = os.path.join(root, name)
                try:
                    with open(path, "rb") as f:
                        state[path] = hashlib.sha1(f.read()).hexdigest()
                except OSError:
                    state[path] = "unreadable"
    return state


def exercises_of(changed: Iterable[str]) -> list[str]:
    """The exercises whose scripts are among the changed files, in the lab's order."""
    names = {Path(p).name for p in changed}
    return [ex for ex, scripts in exercise_scripts().items() if names & set(scripts)]


def summary_lines(results) -> list[str]:
    """Each exercise's score, then each failed check on one line."""
    lines = []
    for e in exercise_scores(results):
        mark = "OK" if e.score == e.max_score else "--"
        lines.append(f"  {mark}  {e.name}: {e.score:g} / {e.max_score:g}")
        for r in results:
            if r.exercise == e.id and not r.passed:
                why = r.feedback.summary.split("\n")[0] if r.feedback else ""
                if len(why) > 100:
                    why = why[:97] + "..."
                lines.append(f"        x {_(r.title)}: {visible(why)}")
    return lines


def changed_exercises(folder: Path, since: dict[str, str], wanted: Optional[list[str]]) -> list[str]:
    """Wait until scripts of `wanted` exercises (default: any) differ from
    `since` (scripts_state at the last grading's start): their exercises."""
    for _event in folder_events(folder):
        now = scripts_state(folder)
        changed = {p for p in set(since) | set(now) if since.get(p) != now.get(p)}
        exercises = [ex for ex in exercises_of(changed) if not wanted or ex in wanted]
        if exercises:
            return exercises
    return []  # pragma: no cover (both sources only end by an exception)


def folder_events(folder: Path) -> Iterator[None]:
    """Yields whenever `folder` may have changed, the first time at once
    (once it is watched). From watchfiles; without it (the students' kit
    leaves it out: it is compiled for one version of Python), every
    POLL_SECONDS."""
    try:
        import watchfiles  # here: only --watch needs it
    except ImportError:
        while True:
            yield None
            time.sleep(POLL_SECONDS)
    armed = False
    for batch in watchfiles.watch(folder, debounce=DEBOUNCE_MS, rust_timeout=ARMED_MS,
                                  yield_on_timeout=True, raise_interrupt=True):
        if armed and not batch:
            continue
        armed = True
        yield None


def watch(folder: Path, grade_exercises: Callable[[Optional[list[str]]], list], say: Callable[[str], None],
          wanted: Optional[list[str]] = None) -> None:
    """Grade `wanted` (default: every exercise), then each exercise among
    them whose scripts change; `grade_exercises(exercises)` grades and
    returns the results. Ends only by an exception (Ctrl-C)."""
    exercises = wanted
    while True:
        before = scripts_state(folder)
        started = time.monotonic()
        results = grade_exercises(exercises)
        names = ", ".join(exercise_name(ex) for ex in (exercises or exercise_scripts()))
        say(_("[{time}] graded {exercises} in {seconds:.1f} s").format(
            time=time.strftime("%H:%M:%S"), exercises=names, seconds=time.monotonic() - started))
        for line in summary_lines(results):
            say(line)
        say(_("Watching {folder}: save a script to grade its exercise again, Ctrl-C to stop.").format(
            folder=folder))
        exercises = changed_exercises(folder, before, wanted)
