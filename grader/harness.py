"""The one way the grader runs a student program.

A `Sandbox` is a throw-away copy of the submission (plus the data files a
check needs) in a temporary folder; every student process of a check runs in
it, with:
  * a fixed "today" and a time scale (see inject/sitecustomize.py);
  * a time limit and a cap on the output kept;
  * a pty (pexpect) when the program must see a terminal, pipes when stdout
    and stderr must be told apart;
  * an unprivileged user when the grader runs as root (so that `chmod 000`
    means something, and a program cannot touch the grader's files);
  * a marker in its environment, so that at the end every process it started,
    even an orphan or one that called setsid(), is found, killed and reaped.
`Sandbox.close()` (or leaving the `with` block) kills what is left and removes
the folder, whatever happened.
"""
from __future__ import annotations

import ctypes
import functools
import os
import re
import resource
import secrets
import select
import selectors
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Optional, Sequence

import pexpect
import psutil

from .i18n import _
from .isolation import confine, open_files
from .paths import PROJECT_DIR
from .submission import Submission

INJECT_DIR = Path(__file__).parent / "inject"
RUN_MARKER = "TPGRADER_RUN"
DEFAULT_TIMEOUT = 5.0
DEFAULT_OUTPUT_CAP = 256 * 1024  # bytes kept per stream; more is a runaway program
# After the main process exits, how long a background child may keep the
# output open before it is cut off.
EXIT_GRACE = 0.5


class MissingScript(Exception):
    """The submission has no file of that name: its exercise loses the check."""

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


@dataclass
class RunResult:
    command: str  # as the student would type it: "./joueurs_par_nation.py br"
    stdout: str  # in a terminal: everything the terminal showed
    stderr: str  # "" in a terminal
    status: Optional[int]  # exit status, None when killed by a signal
    signal: Optional[int] = None  # the signal that killed it
    timed_out: bool = False
    truncated: bool = False  # the program printed more than the cap
    duration: float = 0.0
    terminal: bool = False
    script: str = ""  # the lab script run ("joueurs_par_nation.py") and its arguments,
    args: tuple = ()  # for the report's causes (checks/common.py: cause_of)
    blank: bool = False  # the script holds nothing that runs (Submission.unwritten)

    @property
    def output(self) -> str:
        """stdout and stderr together, for checks that accept either."""
        return self.stdout + self.stderr


# ---------------------------------------------------------------------------
# Who runs student code, with which interpreter, within which limits


# As root, each sandbox runs its programs as a user of its own, a uid no one
# has: they cannot touch the grader's files nor another sandbox's, `chmod 000`
# means something, the process limit counts that sandbox alone (a fork bomb
# starves nothing else), and every process of the sandbox is found by its uid,
# whatever it did to escape (setsid, double fork, a cleared environment).
RUNS_AS_OTHER_USER = os.geteuid() == 0
SANDBOX_UIDS = (1_500_000_000, 10_000_000)  # first uid, how many


def _new_sandbox_user() -> Optional[tuple[int, int]]:
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
def _precompile_inject() -> None:
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


def _pids_owned_by(uid: int) -> list[int]:
    """The pids whose /proc entry belongs to `uid`: one stat() per process,
    where reading each one's status would cost a file each (this runs after
    every program the grader starts, on machines with hundreds of processes)."""
    pids = []
    try:
        entries = list(os.scandir("/proc"))
    except OSError:
        return pids
    for entry in entries:
        if entry.name.isdigit():
            try:
                if entry.stat(follow_symlinks=False).st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _processes_of(uid: int, living: bool = False) -> list[psutil.Process]:
    """The processes of `uid` (`living`: zombies left out)."""
    found = []
    for pid in _pids_owned_by(uid):
        try:
            found.append(psutil.Process(pid))
        except psutil.Error:
            continue
    if living:
        found = [p for p in found if _status(p) not in (psutil.STATUS_ZOMBIE, None)]
    return found


def _status(p: psutil.Process) -> Optional[str]:
    try:
        return p.status()
    except psutil.Error:
        return None


def _nproc_limit() -> int:
    if RUNS_AS_OTHER_USER:
        return NPROC_LIMIT
    return len(_processes_of(os.getuid())) + 2 * NPROC_LIMIT


NPROC = _nproc_limit()
_CHILD_LIMITS = tuple({**LIMITS, resource.RLIMIT_NPROC: NPROC}.items())


def _ignored_signals() -> list[int]:
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


def _child_setup(confinement, cwd: str, user: Optional[tuple[int, int]], ignored: Sequence[int]):
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


def become_subreaper():
    """Orphans of student processes are re-parented to us instead of init, so
    that we can reap them (some container inits never do)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


become_subreaper()


# ---------------------------------------------------------------------------
# Incidents: what the grader had to do to a student program, for the report

_incidents: list[str] = []


def note_incident(text: str) -> None:
    if text not in _incidents:
        _incidents.append(text)


def take_incidents() -> list[str]:
    """What happened since the last call (the runner asks after each check)."""
    taken = list(_incidents)
    _incidents.clear()
    return taken


class _ForkWatch(threading.Thread):
    """Stops the programs of a sandbox that multiply without end (a fork() in
    a loop). The process limit alone would leave NPROC_LIMIT processes
    spinning, taking the CPU from every other check running meanwhile; this
    kills them within a tenth of a second of reaching the limit. Root only,
    where each sandbox has a uid of its own (one stat() per process to count)."""

    def __init__(self):
        super().__init__(name="tp-grader-fork-watch", daemon=True)
        self.users: dict[int, "Sandbox"] = {}

    def run(self):
        while True:
            time.sleep(0.1)
            watched = dict(self.users)
            if not watched:
                continue
            counts: dict[int, int] = {}
            try:
                entries = [e for e in os.scandir("/proc") if e.name.isdigit()]
            except OSError:
                continue
            for entry in entries:
                try:
                    uid = entry.stat(follow_symlinks=False).st_uid
                except OSError:
                    continue
                if uid in watched:
                    counts[uid] = counts.get(uid, 0) + 1
            for uid, n in counts.items():
                if n >= NPROC_LIMIT - 1 and len(_processes_of(uid, living=True)) >= NPROC_LIMIT - 1:
                    # said first: the check that sees its program die must find it
                    note_incident(_("The grader stopped your programs: they had started {n} processes "
                                    "at once (a fork() in a loop?); the limit is {limit}.").format(
                                        n=n, limit=NPROC_LIMIT))
                    _stop_user(uid)


_fork_watch: Optional[_ForkWatch] = None
_fork_watch_lock = threading.Lock()


def _stop_user(uid: int) -> None:
    """SIGSTOP then SIGKILL every process of `uid`, without reaping (the
    code that started them waits for them)."""
    for _attempt in range(2):  # stopped, they cannot fork: a second round finds the last ones
        procs = _processes_of(uid, living=True)
        if not procs:
            return
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for p in procs:
                try:
                    os.kill(p.pid, sig)
                except OSError:
                    pass


# ---------------------------------------------------------------------------
# Finding and killing every process a sandbox started


def _marked_processes(token: str) -> list[psutil.Process]:
    """The processes whose environment carries the sandbox's marker. Only our
    own uid's are read: a sandbox with a uid of its own is found by its uid."""
    needle = f"\0{RUN_MARKER}={token}\0".encode()
    found = []
    for pid in _pids_owned_by(os.geteuid()):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if needle in b"\0" + f.read() + b"\0":
                    found.append(psutil.Process(pid))
        except (psutil.Error, OSError):
            continue
    return found


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def kill_all(token: str, roots: Sequence[int] = (), uid: Optional[int] = None) -> None:
    """Kill every process carrying the sandbox's marker, every descendant of
    `roots`, and every process of `uid` (a sandbox's own user); stop them
    first so that a fork loop cannot outrun us."""
    for _attempt in range(20):
        procs: dict[int, psutil.Process] = {}
        if uid is not None:
            procs.update({p.pid: p for p in _processes_of(uid)})
        for root in roots:
            try:
                r = psutil.Process(root)
                for p in [r] + r.children(recursive=True):
                    procs[p.pid] = p
            except psutil.Error:
                pass
        if uid is None:  # with a uid of its own, the uid finds them all
            for p in _marked_processes(token):
                procs[p.pid] = p
        procs.pop(os.getpid(), None)
        alive = [p for p in procs.values() if _is_running(p)]
        if not alive:
            _reap_orphans(exclude=set(roots) | _open_roots)
            return
        for p in alive:
            try:
                p.suspend()
            except psutil.Error:
                pass
        for p in alive:
            try:
                p.kill()
            except psutil.Error:
                pass
        for p in alive:
            _reap(p.pid)
        psutil.wait_procs(alive, timeout=1.0)
        for p in alive:
            _reap(p.pid)


# The programs the grader started itself, in every sandbox still open: their
# exit status belongs to the code that waits for them, which may be another
# thread's (scenarios run side by side), so no one else reaps them.
_open_roots: set[int] = set()
# Held from a program's fork until its pid is in _open_roots, and while
# orphans are reaped: a program that ended at once (a client that finds no
# server) was otherwise, on a busy machine, reaped as an orphan by another
# thread's kill_all() in between, its exit status and last output lost.
_roots_lock = threading.Lock()


def _reap_orphans(exclude: set[int]) -> None:
    """Reap dead orphans that were re-parented to us (we are a subreaper);
    their environment can no longer be read, so the marker cannot find them.
    The roots are left to the code that waits for their exit status."""
    with _roots_lock:
        exclude = exclude | _open_roots
        try:
            children = psutil.Process().children()
        except psutil.Error:
            return
        for c in children:
            try:
                if c.pid not in exclude and c.status() == psutil.STATUS_ZOMBIE:
                    _reap(c.pid)
            except psutil.Error:
                pass


def _is_running(p: psutil.Process) -> bool:
    try:
        if p.status() == psutil.STATUS_ZOMBIE:
            _reap(p.pid)
            return False
        return p.is_running()
    except psutil.Error:
        return False


def pipes_of(pid: int) -> set[str]:
    """The pipes a process holds open ("pipe:[inode]"), read from /proc."""
    return open_files(pid, "pipe:")


def caught_signals(pid: int) -> set[int]:
    """The signals a process has a handler for (SigCgt in /proc/PID/status)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    mask = int(line.split()[1], 16)
                    return {n for n in range(1, 65) if mask & (1 << (n - 1))}
    except (OSError, ValueError):
        pass
    return set()


def wait_for_handlers(pid: int, signals: set[int], timeout: float, settle: float = 1.0) -> bool:
    """Wait until process `pid` has handlers for `signals` (read from the
    kernel: no guessed delay before the first signal). Gives up early once
    the program has waited (blocked, not running) for `settle` seconds in a
    row without them: it is not going to install them."""
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline and is_alive(pid):
        if signals <= caught_signals(pid):
            return True
        try:
            blocked = psutil.Process(pid).status() == psutil.STATUS_SLEEPING
        except psutil.Error:
            return False
        now = time.monotonic()
        idle_since = (idle_since or now) if blocked else None
        if idle_since is not None and now - idle_since >= settle:
            return False
        time.sleep(0.005)
    return False


def wait_idle(pid: int, timeout: float) -> bool:
    """Wait until the process is blocked (in pause(), a sleep, a read), not
    running code: a signal sent then cannot land in the middle of a print()
    (Python raises "reentrant call" when a handler prints during a print).
    A person at a terminal waits the same way for a program to settle."""
    deadline = time.monotonic() + timeout
    calm = 0
    while time.monotonic() < deadline:
        try:
            state = psutil.Process(pid).status()
        except psutil.Error:
            return False
        if state == psutil.STATUS_ZOMBIE:
            return False
        calm = calm + 1 if state == psutil.STATUS_SLEEPING else 0
        if calm >= 3:
            return True
        time.sleep(0.003)
    return False


# The number of read(2) in /proc/PID/syscall, per machine.
_READ_SYSCALL = {"x86_64": 0, "aarch64": 63, "riscv64": 63, "i686": 3, "armv7l": 3}.get(os.uname().machine)


def waits_for_keyboard(pid: int) -> bool:
    """The process (or one of its descendants) is blocked reading its
    standard input from a terminal: input(), read from a keyboard nobody
    types on."""
    try:
        procs = [psutil.Process(pid)]
        procs += procs[0].children(recursive=True)
    except psutil.Error:
        return False
    for p in procs:
        try:
            with open(f"/proc/{p.pid}/syscall") as f:
                fields = f.read().split()
            tty_in = os.readlink(f"/proc/{p.pid}/fd/0").startswith("/dev/pts/")
        except (OSError, ValueError):
            continue
        if (tty_in and len(fields) > 1 and fields[0] == str(_READ_SYSCALL)
                and int(fields[1], 16) == 0):
            return True
    return False


def is_alive(pid: int) -> bool:
    """Running, not a zombie (and, unlike _is_running, never reaps it: the
    code that started it may still want its exit status)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def process_cmdline(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except psutil.Error:
        return []


# ---------------------------------------------------------------------------
# Reading a program's output


class _OutputReader:
    """Reads a set of file descriptors until they close, the deadline passes,
    the program exits and stays silent, or the output goes over the cap."""

    def __init__(self, fds: dict[str, int], cap: int):
        self.buffers = {name: bytearray() for name in fds}
        self.cap = cap
        self.truncated = False
        self.selector = selectors.DefaultSelector()
        for name, fd in fds.items():
            self.selector.register(fd, selectors.EVENT_READ, name)

    def pump(self, deadline: float, exited: Callable[[], bool]) -> bool:
        """Returns True when every stream closed, False on timeout or cap."""
        exited_at = None
        while self.selector.get_map():
            now = time.monotonic()
            if now >= deadline:
                return False
            if exited_at is None and exited():
                exited_at = now
            if exited_at is not None and now - exited_at > EXIT_GRACE:
                return True  # a background child keeps the output open: stop here
            wait = min(deadline - now, 0.2)
            for key, _events in self.selector.select(timeout=wait):
                try:
                    chunk = os.read(key.fd, 65536)
                except OSError:  # EIO: the terminal's last writer is gone
                    chunk = b""
                if not chunk:
                    self.selector.unregister(key.fd)
                    continue
                buf = self.buffers[key.data]
                room = self.cap - len(buf)
                buf += chunk[:max(room, 0)]
                if len(chunk) > room:
                    self.truncated = True
                    return False
        return True

    def text(self, name: str) -> str:
        return _decode(bytes(self.buffers[name]))

    def close(self):
        self.selector.close()


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n")


# ---------------------------------------------------------------------------
# The sandbox


class Sandbox:
    """A throw-away working folder with a copy of the submission; runs student
    programs in it and cleans up after them."""

    def __init__(
        self,
        submission: Submission,
        *,
        today: Optional[datetime] = None,
        time_scale: float = 1.0,
        data_files: Sequence[Path] = (),
        pipe_split: Optional[tuple[int, float]] = None,
        network: bool = False,
    ):
        """`pipe_split=(size, pause)`: the programs' writes to pipes reach them
        in pieces (see inject/sitecustomize.py). `network`: the programs need
        a network (theirs, loopback only, where namespaces can be made; else
        the machine's, one grading at a time: see isolation.py)."""
        self.submission = submission
        self.today = today
        # the scale the check was written for, and the one the programs get
        self.time_scale = 1.0 if real_time() else time_scale
        self.slowdown = time_scale / self.time_scale
        self.pipe_split = pipe_split
        # TPGRADER_SESSION (set by whoever runs the grader, e.g. its tests)
        # prefixes the marker, so that they can find the processes of their
        # own gradings only.
        self.token = os.environ.get("TPGRADER_SESSION", "") + uuid.uuid4().hex
        self.epoch = time.time()
        self._roots: list[int] = []
        self._live: list["LiveProcess"] = []
        self.confinement = None
        self.user = _new_sandbox_user()
        self._tmp = Path(tempfile.mkdtemp(prefix="tp-grader-" + os.environ.get("TPGRADER_SESSION", "")))
        try:
            os.chmod(self._tmp, 0o711)  # the sandbox user must get through
            self.path = self._tmp / "work"
            submission.copy_to(self.path)
            for f in data_files:
                shutil.copy(f, self.path / Path(f).name)
            bin_dir = self._tmp / "bin"
            bin_dir.mkdir()
            for name in ("python3", "python"):
                (bin_dir / name).symlink_to(STUDENT_PYTHON)
            inject = self._tmp / "inject"
            _precompile_inject()
            shutil.copytree(INJECT_DIR, inject)
            for d in (bin_dir, inject):
                os.chmod(d, 0o755)
            for dirpath, dirnames, filenames in os.walk(inject):
                for n in dirnames:
                    os.chmod(os.path.join(dirpath, n), 0o755)
                for n in filenames:
                    os.chmod(os.path.join(dirpath, n), 0o644)
            self._own_tree(self.path)
            self._env = self._make_env(bin_dir, inject)
            # hidden from student programs: the grader (reference solutions,
            # tests), the original hand-in (they work on this copy), and what
            # TPGRADER_HIDE names (a class grading: the other hand-ins, the results)
            hidden = {PROJECT_DIR, submission.root, *(p.parent for p in submission.aliases.values()),
                      *(Path(p) for p in os.environ.get("TPGRADER_HIDE", "").split(os.pathsep) if p)}
            self.confinement = confine(self._tmp, sorted(hidden), network)
            self._preexec = functools.partial(_child_setup, self.confinement, str(self.path), self.user,
                                              tuple(_ignored_signals()))
            if self.user is not None:
                global _fork_watch
                with _fork_watch_lock:  # sandboxes may be made in several threads
                    if _fork_watch is None:
                        _fork_watch = _ForkWatch()
                        _fork_watch.start()
                _fork_watch.users[self.user[0]] = self
        except BaseException:
            self._close_confinement()
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise

    # -- files ---------------------------------------------------------------

    def _own_tree(self, path: Path):
        if self.user is None:
            return
        uid, gid = self.user
        os.chown(path, uid, gid)
        for dirpath, dirnames, filenames in os.walk(path):
            for n in dirnames + filenames:
                os.lchown(os.path.join(dirpath, n), uid, gid)

    def write(self, name: str, content: str, mode: int = 0o644) -> Path:
        p = self.path / name
        p.write_text(content, encoding="utf-8")
        os.chmod(p, mode)
        self._own_tree(p) if p.is_dir() else self._own_file(p)
        return p

    def _own_file(self, p: Path):
        if self.user is not None:
            os.chown(p, *self.user)

    def remove(self, name: str):
        p = self.path / name
        if p.exists():
            p.unlink()

    def chmod(self, name: str, mode: int):
        os.chmod(self.path / name, mode)

    # -- environment -----------------------------------------------------------

    def _make_env(self, bin_dir: Path, inject: Path) -> dict[str, str]:
        env = {
            "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.path),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": "dumb",
            "PYTHONPATH": str(inject),
            "PYTHONDONTWRITEBYTECODE": "1",
            "TPGRADER_EPOCH": repr(self.epoch),
            "TPGRADER_TIME_SCALE": repr(float(self.time_scale)),
            RUN_MARKER: self.token,
        }
        return env

    def env(self, extra: Optional[dict[str, str]] = None) -> dict[str, str]:
        """The environment of a program started now (checks may change
        `today` between runs); `extra`: variables for this program only."""
        env = dict(self._env, **(extra or {}))
        if self.today is not None:
            env["TPGRADER_TODAY"] = self.today.isoformat()
        if self.pipe_split:
            env["TPGRADER_PIPE_SPLIT"] = "%d:%r" % self.pipe_split
        if getattr(self.confinement, "shared_network", None) is not None:
            env["TPGRADER_REUSEADDR"] = "1"
        return env

    # -- starting programs -------------------------------------------------------

    def command_for(self, script: str, args: Sequence[str]) -> list[str]:
        """argv for `script`: `./script.py ARGS` when it can be launched that
        way, else `python3 script.py ARGS` so that its behaviour is still graded."""
        name = self.script_name(script)
        if self.submission.resolve(script):
            error = compile_error(self.submission.source(script))
            if error:
                raise UnreadableScript(name, *error)
            if self.submission.launch_problems(name):
                return ["python3", name, *args]
        return ["./" + name, *args]

    def script_name(self, script: str) -> str:
        """The file name of `script` in the sandbox; MissingScript if absent."""
        name = self.submission.resolve(script)
        if name is None:
            if not (self.path / script).is_file():  # not written by the check either
                raise MissingScript(script)
            name = script
        return name

    def run(
        self,
        script: str,
        args: Sequence[str] = (),
        *,
        terminal: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        stdin: Optional[str] = None,
        output_cap: int = DEFAULT_OUTPUT_CAP,
        argv: Optional[list[str]] = None,
    ) -> RunResult:
        """Run one program to its end (or its time limit) and return what it did.
        `argv` overrides how the script is launched (the launch check uses it)."""
        argv = argv or self.command_for(script, args)
        start = time.monotonic()
        deadline = start + timeout
        with _roots_lock:
            if terminal:
                child = self._spawn_pty(argv)
                fds = {"stdout": child.child_fd}
                pid = child.pid
                exited = lambda: not child.isalive()  # noqa: E731
            else:
                child = self._spawn_pipes(argv, stdin)
                fds = {"stdout": child.stdout.fileno(), "stderr": child.stderr.fileno()}
                pid = child.pid
                exited = lambda: child.poll() is not None  # noqa: E731
            self._add_root(pid)
        reader = _OutputReader(fds, output_cap)
        try:
            finished = reader.pump(deadline, exited)
            if finished:
                # Output closed: give the process until the deadline to exit.
                while not exited() and time.monotonic() < deadline:
                    time.sleep(0.005)
            timed_out = not exited() and not reader.truncated
            self.kill_all([pid])
            status, sig = self._exit_status(child, terminal)
        finally:
            reader.close()
            self._close_child(child, terminal)
        return RunResult(
            command=shlex.join(argv),
            stdout=self.relative(reader.text("stdout")),
            stderr=self.relative(reader.text("stderr")) if not terminal else "",
            status=None if (timed_out or reader.truncated) else status,
            signal=None if (timed_out or reader.truncated) else sig,
            timed_out=timed_out,
            truncated=reader.truncated,
            duration=time.monotonic() - start,
            terminal=terminal,
            script=script,
            args=tuple(args),
            blank=self.submission.unwritten(script),
        )

    def relative(self, text: str) -> str:
        """Tracebacks name files by their path in the sandbox: show them as
        the student knows them, relative to their folder."""
        return text.replace(f"{self.path}/./", "").replace(f"{self.path}/", "")

    def spawn(self, script: str, args: Sequence[str] = (), *, argv: Optional[list[str]] = None,
              env: Optional[dict[str, str]] = None) -> "LiveProcess":
        """Start a program in a terminal and keep it running, for checks that
        talk to it (signals, sockets). Closed with the sandbox. `env`: extra
        environment variables for this program (see inject/sitecustomize.py)."""
        argv = argv or self.command_for(script, args)
        with _roots_lock:  # see _roots_lock
            child = self._spawn_pty(argv, encoding="utf-8", extra_env=env)
            self._add_root(child.pid)
        live = LiveProcess(self, child, shlex.join(argv), script=script, args=tuple(args),
                           blank=self.submission.unwritten(script))
        self._live.append(live)
        return live

    def _add_root(self, pid: int) -> None:
        self._roots.append(pid)
        _open_roots.add(pid)

    def _spawn_pipes(self, argv: list[str], stdin: Optional[str]) -> subprocess.Popen:
        proc = subprocess.Popen(
            argv,
            cwd=self.path,
            env=self.env(),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=self._preexec,
            close_fds=True,
        )
        if stdin is not None:
            try:
                proc.stdin.write(stdin.encode())
                proc.stdin.close()
            except BrokenPipeError:
                pass
        return proc

    def _spawn_pty(self, argv: list[str], encoding: Optional[str] = None,
                   extra_env: Optional[dict[str, str]] = None) -> pexpect.spawn:
        # pexpect looks `./script.py` up from the grader's own folder: let a
        # shell exec it from the sandbox instead (same pid, same argv[0]).
        child = pexpect.spawn(
            "/bin/sh",
            ["-c", 'exec "$@"', "sh", *argv],
            cwd=str(self.path),
            env=self.env(extra_env),
            echo=False,
            preexec_fn=self._preexec,
            dimensions=(24, 200),
            encoding=encoding,
            codec_errors="replace",
            timeout=DEFAULT_TIMEOUT,
        )
        # pexpect sleeps 0.1 s on every close "to let the kernel update the
        # process status"; kill_all() sees to the processes, so skip it.
        child.ptyproc.delayafterclose = 0
        child.ptyproc.delayafterterminate = 0.01
        return child

    @staticmethod
    def _exit_status(child, terminal: bool) -> tuple[Optional[int], Optional[int]]:
        if terminal:
            try:
                child.wait()
            except pexpect.ExceptionPexpect:
                pass
            return child.exitstatus, child.signalstatus
        code = child.wait()
        return (code, None) if code >= 0 else (None, -code)

    @staticmethod
    def _close_child(child, terminal: bool):
        try:
            if terminal:
                child.close(force=True)
            else:
                for f in (child.stdout, child.stderr, child.stdin):
                    if f:
                        f.close()
        except Exception:
            pass

    def stretch(self, seconds: float) -> float:
        """A wait the check sized for its time scale (how long the programs may
        take), made as long again as the programs' time runs slower (--real-time)."""
        return seconds * self.slowdown

    @property
    def shared_network(self) -> bool:
        """Its programs use the machine's own network (no namespaces here)."""
        return getattr(self.confinement, "shared_network", None) is not None

    def kill_all(self, roots: Sequence[int] = ()) -> None:
        """Stop every process the sandbox started (see kill_all())."""
        kill_all(self.token, roots, self.user[0] if self.user else None)

    def running(self) -> list[str]:
        """The sandbox's processes still running (zombies left out), as
        "pid command line"."""
        if self.user is not None:
            procs = {p.pid: p for p in _processes_of(self.user[0])}
        else:
            procs = {p.pid: p for p in _marked_processes(self.token)}
        return [f"{p.pid} {' '.join(process_cmdline(p))}" for p in procs.values() if _is_running(p)]

    # -- the end -----------------------------------------------------------------

    def close(self):
        if _fork_watch is not None and self.user is not None:
            _fork_watch.users.pop(self.user[0], None)
        try:
            for live in self._live:
                live._close()
            self.kill_all(self._roots)
        finally:
            _open_roots.difference_update(self._roots)
            self._close_confinement()
            shutil.rmtree(self._tmp, ignore_errors=True)

    def _close_confinement(self):
        if self.confinement is not None:
            self.confinement.close()
            self.confinement = None

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc):
        self.close()


@dataclass
class LiveProcess:
    """A student program running in a terminal, for checks that interact with it."""

    sandbox: Sandbox
    child: pexpect.spawn
    command: str
    script: str = ""  # as in RunResult
    args: tuple = ()
    blank: bool = False
    _seen: list[str] = field(default_factory=list)
    _kept: int = 0  # characters in _seen
    flooded: bool = False  # printed more than DEFAULT_OUTPUT_CAP: stopped
    _at_end: bool = False  # the terminal's real end (EIO) was read: nothing more can come
    _waited_rest: bool = False  # _read_rest() waited once for a background child

    @property
    def pid(self) -> int:
        return self.child.pid

    def expect(self, pattern, timeout: float) -> Optional[str]:
        """Wait until the output matches `pattern` (a regex or a list of them);
        returns the matched text, or None on time-out or end of output.
        Waits in short steps, to stop a program that prints without end
        before what it printed fills the grader's memory."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.child.expect(pattern, timeout=max(0.0, min(0.2, deadline - time.monotonic())))
                break
            except pexpect.TIMEOUT:  # what was read stays in pexpect's buffer, unconsumed
                if len(self.child.buffer) > DEFAULT_OUTPUT_CAP:
                    self._take_buffer()  # over the cap: stops the program
                    return None
                if time.monotonic() >= deadline:
                    return None
            except pexpect.EOF:
                before = self.child.before if isinstance(self.child.before, str) else ""
                self._record(before)  # pexpect empties its buffer at the end
                wanted = pattern if hasattr(pattern, "search") else re.compile(pattern, re.DOTALL)
                found = wanted.search(before + (self._read_rest() if self._ended() else ""))
                return found.group(0) if found else None
            except pexpect.ExceptionPexpect:  # the process was reaped by kill_all(): gone
                self._take_buffer()
                return None
        self._record(self.child.before + self.child.after)
        return self.child.after

    def _record(self, text):
        if not isinstance(text, str) or self.flooded:
            return
        text = text.replace("\r\n", "\n")
        room = DEFAULT_OUTPUT_CAP - self._kept
        if len(text) > room:
            self.flooded = True
            text = text[:max(room, 0)] + "\n" + _("[... the program printed without end and was "
                                                   "stopped ...]") + "\n"
            kill_all("", [self.child.pid])
            note_incident(_("The grader stopped a program that printed without end (over {kib} KiB)."
                            ).format(kib=DEFAULT_OUTPUT_CAP // 1024))
        self._seen.append(text)
        self._kept += len(text)

    def drain(self, quiet: float = 0.05) -> None:
        """Read what the program printed until it has been quiet for `quiet`
        seconds, so that the transcript is complete and a later expect()
        only sees what comes after."""
        self._take_buffer()
        while True:
            try:
                self._record(self.child.read_nonblocking(65536, timeout=quiet))
            except pexpect.TIMEOUT:  # quiet for `quiet` seconds
                return
            except (pexpect.ExceptionPexpect, ValueError):  # at the end, or reaped by kill_all()
                if self._ended():  # what it printed last may still be on its way
                    self._read_rest()
                return

    def _ended(self) -> bool:
        """The program is gone (it ended, was killed, or was reaped by
        kill_all()); pexpect then calls its output ended too soon."""
        return not self.is_alive()

    def _read_rest(self) -> str:
        """Once the program is gone: what it printed last, read from the
        terminal itself. pexpect calls it the end as soon as the process has
        exited and nothing is readable at that instant, but the kernel passes
        a terminal's output on in a worker thread, which a busy machine runs
        late: the last line would be lost (seen: 3 times in 150 gradings under
        load). The terminal's real end (EIO) comes after that output."""
        if self._at_end:
            return ""
        fd = self.child.child_fd
        decoder = getattr(self.child, "_decoder", None)
        got = []
        # A background child may hold the terminal open: wait for it once.
        deadline = time.monotonic() + (0.05 if self._waited_rest else 0.5)
        self._waited_rest = True
        while True:
            try:
                ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
                data = os.read(fd, 65536) if ready else b""
            except (OSError, ValueError):  # EIO: the end; or already closed
                self._at_end = True
                break
            if not data:
                self._at_end = self._at_end or bool(ready)  # readable and empty: the end
                break
            got.append(decoder.decode(data) if decoder else data.decode("utf-8", "replace"))
        text = "".join(got)
        self._record(text)
        return text

    def _take_buffer(self) -> None:
        """Text pexpect has read but no expect() matched yet: consume it."""
        pending = self.child.buffer
        if pending:
            self._record(pending)
            self.child.buffer = self.child.string_type()

    @property
    def transcript(self) -> str:
        """Everything the program printed that was read so far."""
        pending = "" if self.flooded else self.child.buffer
        return self.sandbox.relative("".join(self._seen) + pending)

    def children(self) -> list[psutil.Process]:
        """The program's living child processes (zombies left out)."""
        try:
            kids = psutil.Process(self.child.pid).children()
        except psutil.Error:
            return []
        return [k for k in kids if _is_running(k)]

    def is_alive(self) -> bool:
        try:
            return self.child.isalive()
        except pexpect.ExceptionPexpect:  # already reaped by kill_all(): gone
            return False

    def family(self) -> list[int]:
        """The program's pid and those of its living descendants. The program
        itself, once ended, is left for pexpect to reap: reaped here, its exit
        status would be lost, and with it what pexpect had just read."""
        try:
            root = psutil.Process(self.child.pid)
            kids = [p.pid for p in root.children(recursive=True) if _is_running(p)]
        except psutil.Error:
            return []
        return ([root.pid] if is_alive(root.pid) else []) + kids

    def send_signal(self, sig: int):
        try:
            os.kill(self.child.pid, sig)
        except ProcessLookupError:
            pass

    def wait(self, timeout: float) -> Optional[int]:
        """Wait for the program to end, reading what it prints; returns its exit
        status, None if it is still running or was killed by a signal."""
        deadline = time.monotonic() + timeout
        exited_at = None
        self._take_buffer()
        # Read to the end of the output, not just to the exit: what the program
        # printed last may still be in the terminal when it is gone.
        while time.monotonic() < deadline:
            if exited_at is None and not self.is_alive():
                exited_at = time.monotonic()
            if exited_at is not None and time.monotonic() - exited_at > EXIT_GRACE:
                break  # a background child keeps the terminal open
            try:
                self._record(self.child.read_nonblocking(65536, timeout=0.05))
            except pexpect.TIMEOUT:
                pass
            except (pexpect.ExceptionPexpect, ValueError):  # the end of the output, or reaped by kill_all()
                if self._ended():
                    self._read_rest()
                break
        while self.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        if self.is_alive():
            return None
        return self.child.exitstatus

    def exit_status(self) -> Optional[int]:
        """Its exit status once it has ended by itself (None: running, or
        killed by a signal)."""
        return None if self.is_alive() else self.child.exitstatus

    def end_state(self) -> tuple[str, Optional[int]]:
        """How it is now: ("running", None), ("exit", status), ("signal",
        number), or ("gone", None) when it was reaped by kill_all() before
        pexpect saw how it ended."""
        if self.is_alive():
            return "running", None
        if self.child.exitstatus is not None:
            return "exit", self.child.exitstatus
        if self.child.signalstatus is not None:
            return "signal", self.child.signalstatus
        return "gone", None

    def _close(self):
        try:
            self.child.close(force=True)
        except Exception:
            pass
