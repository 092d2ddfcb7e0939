"""Worker processes for grading exercises side by side.

Each task runs in a process forked from the grading command, which has
imported the grader and the checks once (so a worker starts at once, with
nothing to import), and sends its result back through a pipe. Nothing else:
no fork server, no resource tracker, no shared folder, so the command knows
every process it has and a stop kills them all (see harness/leftovers.py).

The command must have no thread of its own when it forks (a lock held by one
would stay held in the child): the grading command has none; the checks
start theirs in the workers."""
from __future__ import annotations

import os
import pickle
import select
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

from .harness import become_subreaper


class WorkerLost(Exception):
    """A worker ended without giving its result (killed, or out of memory);
    `how` says how it ended."""

    def __init__(self, task: Any, how: str):
        super().__init__(how)
        self.task = task
        self.how = how


class WorkerFailed(Exception):
    """The task raised in its worker; `error` is what it raised, if it could
    be sent back, else its text."""

    def __init__(self, task: Any, error: Any, text: str):
        super().__init__(text)
        self.task = task
        self.error = error


@dataclass
class _Worker:
    pid: int
    fd: int
    task: Any
    chunks: list = field(default_factory=list)
    deadline: Optional[float] = None


# The result of a task that had not finished (or started) when `until` came.
NOT_DONE = type("NotDone", (), {"__repr__": lambda self: "NOT_DONE"})()


def run_in_workers(work: Callable[[Any], Any], tasks: Sequence[Any], jobs: int,
                   setup: Callable[[], None] = lambda: None, time_limit: Optional[float] = None,
                   until: Optional[float] = None, retries: int = 0,
                   on_retry: Callable[[Any, Exception], None] = lambda task, error: None) -> list[Any]:
    """[work(task) for task in tasks], `jobs` tasks at a time, each in a worker
    process of its own (`setup()` runs first in it). Raises the first task's
    exception as WorkerFailed, WorkerLost for a worker that died or gave no
    result within `time_limit` seconds (then killed); on any way out but
    success, the workers still running are killed. `until` (a time.monotonic()
    value): then the workers still running are killed, no task starts any
    more, and the tasks not done get NOT_DONE as their result. `retries`: a
    task whose worker raised or died is started again, in a fresh worker,
    that many times before it counts (`on_retry(task, error)` is told); a
    worker past its time limit is not (it has had its time)."""
    if threading.active_count() > 1:
        raise RuntimeError("run_in_workers: the process has threads, it cannot fork safely")
    results: dict[int, Any] = {}
    waiting = list(enumerate(tasks))
    running: dict[int, _Worker] = {}  # by the read end of its pipe
    tries = {index: 0 for index, _task in waiting}
    try:
        while waiting or running:
            if until is not None and time.monotonic() >= until:
                break  # the finally kills the workers still running
            while waiting and len(running) < jobs:
                index, task = waiting.pop(0)
                worker = _start(work, task, setup)
                worker.task = (index, task)
                worker.deadline = None if time_limit is None else time.monotonic() + time_limit
                running[worker.fd] = worker
            deadlines = [w.deadline for w in running.values() if w.deadline is not None] + \
                ([until] if until is not None else [])
            wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            ready, _, _ = select.select(list(running), [], [], wait)
            for fd, worker in list(running.items()):
                if fd not in ready and worker.deadline is not None and time.monotonic() >= worker.deadline:
                    # stuck (a program or a lock that never lets go): said, not waited for
                    raise WorkerLost(worker.task[1], f"no result after {time_limit:.0f} s")
            for fd in ready:
                worker = running[fd]
                data = os.read(fd, 1 << 20)
                if data:
                    worker.chunks.append(data)
                    continue
                del running[fd]
                os.close(fd)
                index, task = worker.task
                try:
                    results[index] = _result_of(worker, task)
                except (WorkerFailed, WorkerLost) as e:
                    if tries[index] >= retries:
                        raise
                    tries[index] += 1
                    on_retry(task, e)
                    waiting.insert(0, (index, task))
    finally:
        for worker in running.values():  # stopped or failed: the others are not needed
            _kill(worker.pid)
            os.close(worker.fd)
    return [results.get(i, NOT_DONE) for i in range(len(tasks))]


def _start(work: Callable[[Any], Any], task: Any, setup: Callable[[], None]) -> _Worker:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: never returns into the caller
        try:
            os.close(read_end)
            # The command stops the workers itself (SIGKILL, then its sweep):
            # a Ctrl-C reaching the whole process group must not start a
            # second, half-done cleanup here.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            for sig in (signal.SIGTERM, signal.SIGHUP):
                # the command's handler (Stopped) is not for a worker; but a
                # signal the command ignores (nohup: SIGHUP) the worker ignores too
                if signal.getsignal(sig) != signal.SIG_IGN:
                    signal.signal(sig, signal.SIG_DFL)
            become_subreaper()  # a process attribute that fork does not pass on
            setup()
            try:
                message = ("ok", work(task))
            except BaseException as e:  # noqa: B036 (sent to the command, which raises it)
                message = ("error", e, error_text(e))
            try:
                data = pickle.dumps(message)
            except Exception:
                data = pickle.dumps(("error", None, message[-1] if message[0] == "error" else repr(message)))
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(write_end)
    return _Worker(pid, read_end, task)


def error_text(e: BaseException) -> str:
    """A traceback's text without traceback.format_exception: on CPython
    3.11 it parses each line to place its carets (ast.parse), which breaks
    when another thread of the worker parses at the same time."""
    frames = traceback.extract_tb(e.__traceback__)
    return "".join([f'  File "{f.filename}", line {f.lineno}, in {f.name}\n    {(f.line or "").strip()}\n'
                    for f in frames] + traceback.format_exception_only(type(e), e))


def _result_of(worker: _Worker, task: Any) -> Any:
    _pid, status = os.waitpid(worker.pid, 0)
    data = b"".join(worker.chunks)
    try:
        message = pickle.loads(data) if data else None
    except Exception:
        message = None
    if message is None:
        if os.WIFSIGNALED(status):
            how = f"killed by signal {os.WTERMSIG(status)} ({signal.Signals(os.WTERMSIG(status)).name})"
        else:
            how = f"ended with status {os.waitstatus_to_exitcode(status)} and no result"
        raise WorkerLost(task, how)
    if message[0] == "error":
        _kind, error, text = message
        raise WorkerFailed(task, error, text)
    return message[1]


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
