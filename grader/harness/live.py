"""LiveProcess: a student program running in a terminal (pexpect), for the
checks that interact with it; Sandbox.spawn starts it."""
from __future__ import annotations

import os
import re
import select
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

import pexpect
import psutil

from ..i18n import _
from .output import DEFAULT_OUTPUT_CAP, EXIT_GRACE
from .processes import is_running, kill_all, note_incident
from .procfs import children_of, descendants_of, is_alive

if TYPE_CHECKING:  # Sandbox.spawn makes a LiveProcess
    from .sandbox import Sandbox


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
        kids = []
        for pid in children_of(self.child.pid):
            try:
                kids.append(psutil.Process(pid))
            except psutil.Error:
                continue
        return [k for k in kids if is_running(k)]

    def is_alive(self) -> bool:
        try:
            return self.child.isalive()
        except pexpect.ExceptionPexpect:  # already reaped by kill_all(): gone
            return False

    def family(self) -> list[int]:
        """The program's pid and those of its living descendants. The program
        itself, once ended, is left for pexpect to reap: reaped here, its exit
        status would be lost, and with it what pexpect had just read."""
        root = self.child.pid
        if not os.path.exists(f"/proc/{root}"):
            return []
        kids = []
        for pid in descendants_of(root):
            try:
                if is_running(psutil.Process(pid)):
                    kids.append(pid)
            except psutil.Error:
                continue
        return ([root] if is_alive(root) else []) + kids

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
