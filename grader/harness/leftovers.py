"""Nothing a command started outlives it, whatever stops it.

Every grading command (`./grade.sh DIR`, `--batch`) runs in a *session*: a
prefix, in TPGRADER_SESSION, of every sandbox's marker and of the name of
every temporary folder the grader makes (`temp_folder_prefix`). A command
started by another inherits its prefix and adds its own, so a class grading's
session covers the gradings it starts.

`command_session()` wraps a command: SIGINT (Ctrl-C), SIGTERM and SIGHUP (a
closed terminal) raise `Stopped`, a KeyboardInterrupt, and on the way out, whatever happened, `sweep()`
kills every process it started and removes every folder it made. The sweep
does not depend on how the processes were left: the command is a subreaper,
so its descendants stay its descendants, whatever their parents did (a
worker killed, a double fork, setsid); a student process is also found by
its marker or, as root, by its sandbox's uid, which the sandbox's folder
name carries."""
from __future__ import annotations

import functools
import os
import re
import secrets
import shutil
import signal
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import psutil

from .processes import become_subreaper, is_running, marked_processes, refuse_starts
from .procfs import processes_of

SESSION_VARIABLE = "TPGRADER_SESSION"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def session() -> str:
    """This command's session prefix ("" outside a command_session)."""
    return os.environ.get(SESSION_VARIABLE, "")


def temp_folder_prefix(kind: str = "") -> str:
    """The name prefix of a temporary folder of this session (`kind` says what
    it holds: "class-", "student-", "hand-in-"...)."""
    return f"tp-grader-{session()}{kind}"


class Stopped(KeyboardInterrupt):
    """The command was asked to stop by a signal (SIGINT, SIGTERM, SIGHUP):
    a KeyboardInterrupt, so that every `finally` on the way runs."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


_stopped_by: list[int] = []


def _raise_stopped(owner: int, signum, _frame):
    if os.getpid() != owner:
        # A child the command has just forked (a worker, a holder, a program
        # before its exec) still has this handler, and a Ctrl-C reaches the
        # whole process group. Raised there, in an after-fork hook such as
        # random's, Stopped would print "Exception ignored ..." and a
        # traceback. The child ends as the signal would end it; the command,
        # stopped by the same signal, sweeps.
        os._exit(128 + signum)
    _stopped_by.append(signum)
    raise Stopped(signum)


def stop_requested() -> bool:
    """A stop signal reached the command's session."""
    return bool(_stopped_by)


def stop_signal() -> int:
    """The signal that stopped the command (pytest turns a Stopped into a
    plain KeyboardInterrupt of its own): SIGINT if none was seen."""
    return _stopped_by[0] if _stopped_by else int(signal.SIGINT)


@contextmanager
def command_session() -> Iterator[str]:
    """Run a command in a session of its own (see the module's text). For
    the command's own process only: the sweep kills every descendant of the
    process, whoever started it."""
    parent = os.environ.get(SESSION_VARIABLE)
    own = (parent or "") + "g" + secrets.token_hex(4) + "-"
    os.environ[SESSION_VARIABLE] = own
    become_subreaper()
    refuse_starts(False)
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    for sig in STOP_SIGNALS:
        if previous[sig] != signal.SIG_IGN:  # nohup: the user wants it to go on
            signal.signal(sig, functools.partial(_raise_stopped, os.getpid()))
    try:
        yield own
    finally:
        # a second Ctrl-C must not cut the sweep short
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        refuse_starts()  # nothing the sweep would miss
        try:
            sweep(own)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if parent is None:
                os.environ.pop(SESSION_VARIABLE, None)
            else:
                os.environ[SESSION_VARIABLE] = parent


def sweep(prefix: str) -> None:
    """Kill every process this process started (its descendants) and every
    process of the session `prefix` (its marker, or its sandbox's uid), reap
    them, then remove the session's temporary folders."""
    folders = session_folders(prefix)
    uids = {uid for uid in (_folder_uid(f) for f in folders) if uid is not None}
    for _attempt in range(20):
        found = _session_processes(prefix, uids)
        if not found:
            break
        for method in ("suspend", "kill"):  # stopped first, a fork loop cannot outrun us
            for p in found:
                try:
                    getattr(p, method)()
                except psutil.Error:
                    pass
        _reap_children()
        psutil.wait_procs(found, timeout=0.5)
    _reap_children()
    for folder in session_folders(prefix):
        remove_folder(folder)


def session_folders(prefix: str) -> list[Path]:
    if not prefix:  # never every grader's folders
        return []
    return sorted(Path(tempfile.gettempdir()).glob(f"tp-grader-{glob_escape(prefix)}*"))


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _folder_uid(folder: Path) -> Optional[int]:
    """A sandbox folder made as root names its user: tp-grader-SESSIONu1234-..."""
    m = re.search(r"u(\d+)-[^-]*$", folder.name)
    return int(m.group(1)) if m else None


def _session_processes(prefix: str, uids: set[int]) -> list[psutil.Process]:
    me = os.getpid()
    found: dict[int, psutil.Process] = {}
    try:
        for p in psutil.Process(me).children(recursive=True):
            found[p.pid] = p
    except psutil.Error:
        pass
    for uid in uids:
        found.update({p.pid: p for p in processes_of(uid)})
    if prefix:
        found.update({p.pid: p for p in marked_processes(prefix, prefix=True, any_owner=True)})
    found.pop(me, None)
    return [p for p in found.values() if is_running(p)]


def _reap_children() -> None:
    """Reap every ended child (subprocess.Popen objects of ours then see them
    gone, which is what they are)."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def remove_folder(folder: Path) -> None:
    """rmtree, even where a student program took the rights away (chmod 000
    on a folder of its own). Rights are given back inside `folder` only,
    never to the folder that holds it (/tmp)."""
    folder = Path(folder)

    def grant_and_retry(function, path, exc_info):
        if isinstance(exc_info[1], FileNotFoundError):
            return  # gone already (a cleanup of its own got there first)
        try:
            for p in (Path(path).parent, Path(path)):
                if p != folder.parent and (p == folder or folder in p.parents) and p.is_dir() \
                        and not p.is_symlink():
                    os.chmod(p, 0o700)
            function(path)
        except OSError:
            pass
    for _attempt in range(3):
        shutil.rmtree(folder, onerror=grant_and_retry)
        if not os.path.lexists(folder):
            return
        time.sleep(0.05)
