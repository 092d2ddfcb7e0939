"""The one way the grader runs a student program: `Sandbox.run` (to its end)
and `Sandbox.spawn` (kept running, for checks that talk to it). Nothing else
starts student code. The modules: scripts (why a script cannot run), users
(the sandbox's user, interpreter and limits), processes (finding, stopping and
reaping them; the fork-bomb watchdog; incidents), procfs (what /proc tells of
a process), output (reading what a program prints), sandbox (Sandbox,
RunResult), live (LiveProcess: a program kept running in a terminal),
namespaces (what a sandbox's programs can see and reach), mounts and network
(its filesystem and its network), space (the bound on what they write),
leftovers (a command's session: nothing it started outlives it, whatever
stops it). The names other code uses are given here."""
import importlib

# Where each name other code uses lives. Loaded when first asked for (PEP
# 562): the namespace holder runs `python -S -m grader.harness.namespaces`,
# with the standard library only, and must not load pexpect or psutil.
_WHERE = {
    "output": ("DEFAULT_OUTPUT_CAP", "EXIT_GRACE"),
    "processes": ("RUN_MARKER", "become_subreaper", "kill_all", "note_incident", "take_incidents"),
    "procfs": ("activity", "caught_signals", "children_of", "family_activity", "is_alive", "pipes_of",
               "process_cmdline", "wait_for_handlers", "wait_idle", "waits_for_keyboard"),
    "live": ("LiveProcess",),
    "sandbox": ("DEFAULT_TIMEOUT", "RunResult", "Sandbox"),
    "scripts": ("MissingScript", "SandboxFull", "UnreadableScript", "compile_error"),
    "users": ("INJECT_DIR", "LIMITS", "NPROC", "NPROC_LIMIT", "RUNS_AS_OTHER_USER", "SANDBOX_UIDS", "STUDENT_PYTHON",
              "real_time", "real_time_stretch"),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
