"""Who runs student code, with which interpreter, within which limits."""
from __future__ import annotations

import functools
import os
import resource
import secrets
import signal
import subprocess
from pathlib import Path
from typing import Optional, Sequence

from .procfs import processes_of

INJECT_DIR = Path(__file__).parent.parent / "inject"


# As root, each sandbox runs its programs as a user of its own, a uid no one
# has: they cannot touch the grader's files nor another sandbox's, `chmod 000`
# means something, the process limit counts that sandbox alone (a fork bomb
# starves nothing else), and every process of the sandbox is found by its uid,
# whatever it did to escape (setsid, double fork, a cleared environment).
RUNS_AS_OTHER_USER = os.geteuid() == 0
SANDBOX_UIDS = (1_500_000_000, 10_000_000)  # first uid, how many


def new_sandbox_user() -> Optional[tuple[int, int]]:
    """(uid, gid) for a new sandbox's programs, or None to keep ours (non-root)."""
    if not RUNS_AS_OTHER_USER:
        return None
    uid = SANDBOX_UIDS[0] + secrets.randbelow(SANDBOX_UIDS[1])
    return uid, uid


_CANDIDATE_INTERPRETERS = ("/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3")


def _usable_by_sandbox_user(path: str) -> bool:
    """Every folder on the way is searchable and the file executable by others
    (the sandbox user is neither owner nor in the group)."""
    if not RUNS_AS_OTHER_USER:
        return os.access(path, os.X_OK)
    p = Path(path).resolve()
    try:
        for parent in list(p.parents):
            if not parent.stat().st_mode & 0o001:
                return False
        return bool(p.stat().st_mode & 0o001)
    except OSError:
        return False


def _choose_student_python() -> str:
    """The interpreter for student programs: the system python3 where there is
    one (it starts in ~15 ms, while a version-manager shim found through
    `env` can take ten times that), else the one running the grader."""
    forced = os.environ.get("TPGRADER_STUDENT_PYTHON")
    if forced:
        return forced
    candidates = list(_CANDIDATE_INTERPRETERS)
    candidates.append(os.path.realpath(getattr(__import__("sys"), "_base_executable", "") or "python3"))
    for c in candidates:
        if c and os.path.isfile(c) and _usable_by_sandbox_user(c):
            return c
    return candidates[-1]


STUDENT_PYTHON = _choose_student_python()


def real_time() -> bool:
    """TPGRADER_REAL_TIME=1 (bench/bench.py --real-time): the programs' clock
    runs at its real speed, to measure what time dilation saves. The checks
    stay the same: their waits for the programs grow with Sandbox.stretch(),
    their time limits with real_time_stretch()."""
    return bool(os.environ.get("TPGRADER_REAL_TIME"))


def real_time_stretch() -> float:
    return 60.0 if real_time() else 1.0  # the largest time scale a check uses


@functools.cache
def precompile_inject() -> None:
    """Every student program loads inject/sitecustomize.py as it starts. The
    sandbox user cannot write its bytecode beside it, so each start would
    compile it again (2 ms): compile it once here, with the students'
    interpreter, hash-checked (a stale file is never used)."""
    source = INJECT_DIR / "sitecustomize.py"
    try:
        mtime = source.stat().st_mtime
        if any(p.stat().st_mtime >= mtime for p in (INJECT_DIR / "__pycache__").glob("sitecustomize.*.pyc")):
            return
        subprocess.run([STUDENT_PYTHON, "-S", "-c", "import py_compile, sys; py_compile.compile(sys.argv[1], "
                        "doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)",
                        str(source)], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        pass  # read-only grader: the programs compile it themselves

LIMITS = {
    resource.RLIMIT_CPU: 60,  # seconds of CPU: a busy loop cannot run forever
    resource.RLIMIT_FSIZE: 16 * 1024 * 1024,  # no file over 16 MiB
    resource.RLIMIT_NOFILE: 256,
    resource.RLIMIT_AS: 1024 * 1024 * 1024,
}
# Processes a sandbox may have at once (the lab needs a dozen at most). The
# limit counts every process of the uid: as root the sandbox's own uid has no
# other; for a student it counts their whole session, so it starts from what
# they already run.
NPROC_LIMIT = 64


def _nproc_limit() -> int:
    if RUNS_AS_OTHER_USER:
        return NPROC_LIMIT
    return len(processes_of(os.getuid())) + 2 * NPROC_LIMIT


NPROC = _nproc_limit()
_CHILD_LIMITS = tuple({**LIMITS, resource.RLIMIT_NPROC: NPROC}.items())


def ignored_signals() -> list[int]:
    """The signals this process ignores (nohup, a CI runner that ignores
    SIGQUIT...): read here, so that the child, between fork and exec, only
    has system calls to make (every page of the grader it touches there is
    copied)."""
    ignored = []
    for sig in signal.valid_signals():
        if sig in (signal.SIGKILL, signal.SIGSTOP, signal.SIGHUP):
            continue
        try:
            if signal.getsignal(sig) == signal.SIG_IGN:
                ignored.append(int(sig))
        except (OSError, ValueError):
            pass
    return ignored


def child_setup(confinement, cwd: str, user: Optional[tuple[int, int]], ignored: Sequence[int]):
    """Runs in the student process between fork and exec.
    Signals: as a fresh shell job gets them, whatever the grader inherited:
    ignored ones back to default, nothing blocked. SIGHUP is ignored: in a
    terminal the shell leads the session and outlives the program, so the
    program's orphans get no hangup when it exits; here the program itself
    leads the pty's session, and its exit would hang up its orphans, hiding a
    program that leaves children running."""
    for sig in ignored:
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, ())
    confinement.join(cwd)  # needs the grader's privileges: before setuid
    for res, value in _CHILD_LIMITS:
        try:
            resource.setrlimit(res, (value, value))
        except (ValueError, OSError):
            pass
    if user is not None:
        uid, gid = user
        os.setgroups(())
        os.setgid(gid)
        os.setuid(uid)
