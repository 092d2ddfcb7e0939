"""What the grader reads of processes in /proc: whose they are, the pipes
they hold, their signal handlers, whether they wait (for a signal, for the
keyboard)."""
from __future__ import annotations

import os
import time
from typing import Optional

import psutil

from .network import open_files


def pids_owned_by(uid: int) -> list[int]:
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


def processes_of(uid: int, living: bool = False) -> list[psutil.Process]:
    """The processes of `uid` (`living`: zombies left out)."""
    found = []
    for pid in pids_owned_by(uid):
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


# What a blocked process waits in, from the number of the system call in
# /proc/PID/syscall, per machine: (name, the argument that holds the file
# descriptor or the number of descriptors watched, or None).
_SYSCALLS = {
    "x86_64": {0: ("read", 0), 17: ("read", 0), 19: ("read", 0), 45: ("read", 0), 47: ("read", 0),
               7: ("poll", 1), 271: ("poll", 1), 23: ("select", 0), 270: ("select", 0),
               232: ("poll", None), 281: ("poll", None), 441: ("poll", None),
               35: ("sleep", None), 230: ("sleep", None),
               61: ("wait", None), 247: ("wait", None),
               34: ("signal", None), 130: ("signal", None), 128: ("signal", None),
               43: ("accept", None), 288: ("accept", None), 202: ("futex", None)},
    "aarch64": {63: ("read", 0), 65: ("read", 0), 67: ("read", 0), 207: ("read", 0), 212: ("read", 0),
                73: ("poll", 1), 72: ("select", 0), 22: ("poll", None), 441: ("poll", None),
                101: ("sleep", None), 115: ("sleep", None),
                260: ("wait", None), 95: ("wait", None),
                133: ("signal", None), 137: ("signal", None),
                202: ("accept", None), 242: ("accept", None), 98: ("futex", None)},
}.get(os.uname().machine, {})


def activity(pid: int) -> str:
    """What process `pid` is doing, read from the kernel: "running" (running
    code), "sleeping" (time.sleep, or a select/poll that watches nothing),
    "keyboard" (reading its terminal), "reading" (a pipe, a socket, a file;
    a select/poll on some), "accepting" (a server's accept), "waiting_child"
    (wait()), "waiting_signal" (signal.pause()), "waiting_thread" (a lock,
    a thread's join), or "" when the kernel does not say (gone, no right to
    look, another machine)."""
    try:
        with open(f"/proc/{pid}/syscall") as f:
            fields = f.read().split()
    except OSError:
        return ""
    if not fields:
        return ""
    if fields[0] == "running":
        return "running"
    try:
        name, arg = _SYSCALLS.get(int(fields[0]), ("", None))
        value = int(fields[1 + arg], 16) if arg is not None and len(fields) > 1 + arg else None
    except ValueError:
        return ""
    if name == "read":
        try:
            tty_in = os.readlink(f"/proc/{pid}/fd/0").startswith("/dev/pts/")
        except OSError:
            tty_in = False
        return "keyboard" if value == 0 and tty_in else "reading"
    if name in ("select", "poll"):
        return "sleeping" if value == 0 else "reading"
    return {"sleep": "sleeping", "wait": "waiting_child", "signal": "waiting_signal",
            "accept": "accepting", "futex": "waiting_thread"}.get(name, "")


def family_activity(pid: int) -> list[tuple[int, str, str]]:
    """(pid, program, activity) for `pid` and each living descendant, `pid`
    first: what a program and its children were doing at a given moment
    (before the grader stops them at a time limit). `program`: the file it
    runs (`joueurs_nation_subproc.py`), or its command's name."""
    found = []
    for p in [pid, *descendants_of(pid)]:
        try:
            proc = psutil.Process(p)
            if proc.status() == psutil.STATUS_ZOMBIE:
                continue
            cmd = process_cmdline(proc)
        except psutil.Error:
            continue
        scripts = [os.path.basename(a) for a in cmd[1:3] if a.endswith(".py")]
        name = scripts[0] if scripts else os.path.basename(cmd[0]) if cmd else ""
        found.append((p, name, activity(p)))
    return found


def waits_for_keyboard(pid: int) -> bool:
    """The process (or one of its descendants) is blocked reading its
    standard input from a terminal: input(), read from a keyboard nobody
    types on."""
    return any(activity(p) == "keyboard" for p in [pid, *descendants_of(pid)])


def is_alive(pid: int) -> bool:
    """Running, not a zombie (and, unlike is_running, never reaps it: the
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
