"""The one way the grader runs a student program: `Sandbox.run` (to its end)
and `Sandbox.spawn` (kept running, for checks that talk to it). Nothing else
starts student code. The modules: scripts (why a script cannot run), users
(the sandbox's user, interpreter and limits), processes (finding, stopping and
reaping them; the fork-bomb watchdog; incidents), procfs (what /proc tells of
a process), output (reading what a program prints), sandbox (Sandbox,
LiveProcess, RunResult), leftovers (a command's session: nothing it started
outlives it, whatever stops it). The names other code uses are re-exported here."""
from .output import DEFAULT_OUTPUT_CAP, EXIT_GRACE
from .processes import RUN_MARKER, become_subreaper, kill_all, note_incident, take_incidents
from .procfs import (activity, caught_signals, children_of, family_activity, is_alive, pipes_of,
                     process_cmdline, wait_for_handlers, wait_idle, waits_for_keyboard)
from .sandbox import DEFAULT_TIMEOUT, LiveProcess, RunResult, Sandbox
from .scripts import MissingScript, SandboxFull, UnreadableScript, compile_error
from .users import (INJECT_DIR, LIMITS, NPROC, NPROC_LIMIT, RUNS_AS_OTHER_USER, SANDBOX_UIDS, STUDENT_PYTHON,
                    real_time, real_time_stretch)

__all__ = [
    "DEFAULT_OUTPUT_CAP", "DEFAULT_TIMEOUT", "EXIT_GRACE", "INJECT_DIR", "LIMITS", "NPROC", "NPROC_LIMIT",
    "RUN_MARKER", "RUNS_AS_OTHER_USER", "SANDBOX_UIDS", "STUDENT_PYTHON", "LiveProcess", "MissingScript",
    "RunResult", "Sandbox", "SandboxFull", "UnreadableScript", "activity", "become_subreaper", "caught_signals",
    "children_of", "compile_error", "family_activity",
    "is_alive", "kill_all", "note_incident", "pipes_of", "process_cmdline", "real_time", "real_time_stretch",
    "take_incidents", "wait_for_handlers", "wait_idle", "waits_for_keyboard",
]
