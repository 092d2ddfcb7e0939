"""What the grader reads of processes in /proc: whose they are, the pipes
they hold, their signal handlers, whether they wait (for a signal, for the
keyboard)."""
from __future__ import annotations

import os
import time
from typing import Optional

import psutil

from ..isolation import open_files


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


def thread_children(tid: int) -> Optional[set[int]]:
    """The pids of the children one of our threads forked (None where the
    kernel does not tell)."""
    try:
        with open(f"/proc/self/task/{tid}/children") as f:
            return {int(c) for c in f.read().split()}
    except (OSError, ValueError):
        return None


def children_of(pid: int) -> list[int]:
    """The pids of `pid`'s children, from /proc/PID/task/*/children: a file
    per thread, so the cost grows with the children, where psutil reads every
    process of the machine (2 ms here, after each program the grader runs)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found: list[int] = []
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(c) for c in f.read().split()]
        except FileNotFoundError:  # a kernel without it: ask psutil
            if not os.path.exists(f"/proc/{pid}/task/{tid}"):
                continue  # the thread ended meanwhile
            try:
                return [c.pid for c in psutil.Process(pid).children()]
            except psutil.Error:
                return []
        except (OSError, ValueError):
            continue
    return found


def descendants_of(pid: int) -> list[int]:
    """Children, their children, and so on (see children_of)."""
    found, todo = [], children_of(pid)
    while todo:
        child = todo.pop()
        if child not in found:
            found.append(child)
            todo += children_of(child)
    return found


def _status(p: psutil.Process) -> Optional[str]:
    try:
        return p.status()
    except psutil.Error:
        return None


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
    for p in [pid, *descendants_of(pid)]:
        try:
            with open(f"/proc/{p}/syscall") as f:
                fields = f.read().split()
            tty_in = os.readlink(f"/proc/{p}/fd/0").startswith("/dev/pts/")
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
