"""Finding, stopping and reaping every process a sandbox started; the
watchdog that stops a fork bomb; the incidents told in the report."""
from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator, Optional, Sequence, TypeVar

import psutil

from ..command import tell_user
from ..i18n import _
from .procfs import children_of, descendants_of, pids_owned_by, process_cmdline, processes_of, thread_children
from .users import NPROC_LIMIT

if TYPE_CHECKING:
    from .sandbox import Sandbox

RUN_MARKER = "TPGRADER_RUN"


_subreaper: Optional[int] = None  # the pid that made itself one (fork does not pass it on)


def become_subreaper():
    """Orphans of student processes are re-parented to us instead of init, so
    that we can reap them (some container inits never do). Done by the process
    that starts programs (a command's session, a worker, a sandbox), not at
    import: a process that imports the harness only to read it (the test
    suite's controller) would collect orphans it never reaps, and a zombie
    answers kill(pid, 0) as a live process does (VPL's server then waited for
    its runner to its time limit)."""
    global _subreaper
    if _subreaper == os.getpid():
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass
    _subreaper = os.getpid()


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
                if n >= NPROC_LIMIT - 1 and len(processes_of(uid, living=True)) >= NPROC_LIMIT - 1:
                    # said first: the check that sees its program die must find it
                    note_incident(_("The grader stopped your programs: they had started {n} processes "
                                    "at once (a fork() in a loop?); the limit is {limit}.").format(
                                        n=n, limit=NPROC_LIMIT))
                    stop_user(uid)


_fork_watch: Optional[_ForkWatch] = None
_fork_watch_lock = threading.Lock()


def watch_forks(uid: int, sandbox: Sandbox) -> None:
    """Watch the processes of `uid` (a sandbox's own user) for a fork bomb,
    from now until stop_watching_forks(uid). One watchdog thread for all
    sandboxes, started with the first."""
    global _fork_watch
    with _fork_watch_lock:  # sandboxes may be made in several threads
        if _fork_watch is None:
            _fork_watch = _ForkWatch()
            _fork_watch.start()
    _fork_watch.users[uid] = sandbox


def stop_watching_forks(uid: int) -> None:
    if _fork_watch is not None:
        _fork_watch.users.pop(uid, None)


def stop_user(uid: int) -> None:
    """SIGSTOP then SIGKILL every process of `uid`, without reaping (the
    code that started them waits for them)."""
    for _attempt in range(2):  # stopped, they cannot fork: a second round finds the last ones
        procs = processes_of(uid, living=True)
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


def marked_processes(token: str, *, prefix: bool = False, any_owner: bool = False) -> list[psutil.Process]:
    """The processes whose environment carries the sandbox's marker (`prefix`:
    a marker that starts with `token`, a session's). Only our own uid's are
    read, since a sandbox with a uid of its own is found by its uid, unless
    `any_owner` (the session's sweep: every environment we may read)."""
    needle = f"\0{RUN_MARKER}={token}".encode() + (b"" if prefix else b"\0")
    found = []
    pids = [int(e) for e in os.listdir("/proc") if e.isdigit()] if any_owner else pids_owned_by(os.geteuid())
    for pid in pids:
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
            procs.update({p.pid: p for p in processes_of(uid)})
        for root in roots:
            for pid in [root, *descendants_of(root)]:
                try:
                    procs[pid] = psutil.Process(pid)
                except psutil.Error:
                    pass
        if uid is None:  # with a uid of its own, the uid finds them all
            for p in marked_processes(token):
                procs[p.pid] = p
        procs.pop(os.getpid(), None)
        alive = [p for p in procs.values() if is_running(p)]
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


# ---------------------------------------------------------------------------
# Starting a program: a fork that never reaches its exec is started again

# Once in a while (about one class grading of 3 hand-ins in 30, on a busy
# machine), a program forked from one of the grader's threads hung between
# its fork and its exec, and the thread that forked it waited for the exec
# for ever (holding _roots_lock: every other program of that grading with
# it), until the worker's 10-minute limit. A child that has not reached its
# exec within EXEC_LIMIT seconds is killed, and the program started again.
EXEC_LIMIT = 10.0
START_ATTEMPTS = 3

Child = TypeVar("Child")


class ProgramNotStarted(RuntimeError):
    """START_ATTEMPTS forks in a row never reached their exec."""


def start_guarded(start: Callable[[], Child], discard: Callable[[Child], None]) -> Child:
    """start() forks and execs a program (pexpect.spawn, subprocess.Popen)
    and returns it with its pid; a fork stuck before its exec is killed
    (its parent then sees it end, and start() returns), discard() closes
    what start() returned for it, and start() runs again."""
    tid = threading.get_native_id()
    grader = os.getpid()
    for _attempt in range(START_ATTEMPTS):
        before = thread_children(tid)
        killed: list[int] = []
        timer = None
        if before is not None:
            timer = threading.Timer(EXEC_LIMIT, _kill_unexeced, (tid, before, killed))
            timer.daemon = True
            timer.start()
        try:
            child = start()
        except BaseException as e:
            if os.getpid() != grader:
                _end_unexeced_fork(e)
            raise
        finally:
            if timer is not None:
                timer.cancel()
                timer.join()  # no thread left behind: a worker refuses to fork with threads
        if child.pid not in killed:
            return child
        discard(child)
        tell_user(f"a program forked by the grader (pid {child.pid}) did not reach its exec "
                  f"within {EXEC_LIMIT:g} s; stopped and started again")
    raise ProgramNotStarted(f"{START_ATTEMPTS} forks in a row did not reach their exec")


def _end_unexeced_fork(error: BaseException) -> None:
    """In a program's fork that failed before its exec (pexpect lets the
    child's errors before preexec_fn rise: a terminal gone with a grader
    killed at that moment gives EIO): end it here, saying so in its output.
    Left to rise, the error would run the grader's code in the child: seen
    once, a copy of the grader that went on with the next wine scenario."""
    try:
        os.write(2, f"tp-grader: could not start the program ({type(error).__name__}: {error})\n".encode())
    finally:
        os._exit(127)


def _kill_unexeced(tid: int, before: set[int], killed: list[int]) -> None:
    """Kill what thread `tid` forked since `before` and is still the grader
    itself (its command line: it has not exec'ed)."""
    own = _cmdline_of(os.getpid())
    for pid in (thread_children(tid) or set()) - before:
        if own and _cmdline_of(pid) == own:
            killed.append(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def _cmdline_of(pid: int) -> list[str]:
    try:
        return process_cmdline(psutil.Process(pid))
    except psutil.Error:
        return []


# The programs the grader started itself, in every sandbox still open: their
# exit status belongs to the code that waits for them, which may be another
# thread's (scenarios run side by side), so no one else reaps them.
_open_roots: set[int] = set()
# Held from a program's fork until its pid is in _open_roots, and while
# orphans are reaped: a program that ended at once (a client that finds no
# server) was otherwise, on a busy machine, reaped as an orphan by another
# thread's kill_all() in between, its exit status and last output lost.
_roots_lock = threading.Lock()
# Once the command's session ends (leftovers.command_session), no program
# starts in this process: a thread still running a check that a stop cut
# short (a wine scenario) would start one after the sweep, and nothing
# would stop it then.
_starts_refused = False


@contextmanager
def starting_program() -> Iterator[None]:
    """Held from a program's fork until program_started() has its pid (see
    _roots_lock); ProgramNotStarted once the command's session has ended."""
    with _roots_lock:
        if _starts_refused:
            raise ProgramNotStarted("the command is ending: no program starts any more")
        yield


def refuse_starts(refused: bool = True) -> None:
    """From now on, no program starts in this process (or they may again, for
    a new command session); a start under way has its pid registered first."""
    global _starts_refused
    with _roots_lock:
        _starts_refused = refused


def program_started(pid: int) -> None:
    """`pid` is a program the grader started itself: no one but the code that
    started it reaps it, until programs_ended()."""
    _open_roots.add(pid)


def programs_ended(pids) -> None:
    _open_roots.difference_update(pids)


def _reap_orphans(exclude: set[int]) -> None:
    """Reap dead orphans that were re-parented to us (we are a subreaper);
    their environment can no longer be read, so the marker cannot find them.
    The roots are left to the code that waits for their exit status."""
    with _roots_lock:
        exclude = exclude | _open_roots
        for pid in children_of(os.getpid()):
            if pid not in exclude and _is_zombie(pid):
                _reap(pid)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:stat.rfind(b")") + 3] == b"Z"  # the state follows "(comm) "


def is_running(p: psutil.Process) -> bool:
    try:
        if p.status() == psutil.STATUS_ZOMBIE:
            _reap(p.pid)
            return False
        return p.is_running()
    except psutil.Error:
        return False
