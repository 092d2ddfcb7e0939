"""Talking to a running program with signals, for the chrono and multiChrono
checks: every signal sent and every line that came back is logged with its
(virtual) time, so that a failed check can tell the student exactly what
happened."""
from __future__ import annotations

import re
import signal
from typing import Optional

from grader.kit.causes import cause_of_live
from grader.kit.crashes import crash_facts, crash_hint, python_error
from grader.kit.evidence import tail
from grader.kit.timeline import Timeline
from grader.feedback import Cause, fail
from grader.harness import Sandbox, wait_for_handlers, wait_idle
from grader.i18n import _


def numbers_besides(line: str, pid: int) -> list[int]:
    """The integers of a line, the pid left out (once)."""
    nums = [int(n) for n in re.findall(r"\d+", line)]
    if pid in nums:
        nums.remove(pid)
    return nums


class SignalSession:
    def __init__(self, sandbox: Sandbox, script: str):
        self.sandbox = sandbox
        self.live = sandbox.spawn(script)
        self.pid = self.live.pid
        self.timeline = Timeline(sandbox.time_scale)
        self.note(_("started {command} (pid {pid})").format(command=self.live.command, pid=self.pid))

    def virtual_now(self) -> float:
        """Seconds since the start, on the program's (scaled) clock."""
        return self.timeline.now()

    def note(self, text: str) -> None:
        self.timeline.note(text)

    def wait_ready(self, signals: set[int], timeout: float = 5.0) -> bool:
        return wait_for_handlers(self.pid, signals, timeout)

    def sleep(self, virtual_seconds: float) -> None:
        self.timeline.sleep(virtual_seconds)

    def send(self, sig: int) -> None:
        """Send `sig` once the program is idle; what it printed before is
        consumed first, so that only what comes after counts as its reply."""
        wait_idle(self.pid, timeout=2)
        self.live.drain(quiet=0.02)
        self.live.send_signal(sig)
        self.note(_("{signal} sent").format(signal=signal.Signals(sig).name))

    def expect_line(self, pattern: str, timeout: float) -> Optional[str]:
        """The next output line matching `pattern` (lines before it are
        consumed), or None."""
        found = self.live.expect(rf"[^\r\n]*{pattern}[^\r\n]*\r?\n", timeout=timeout)
        if found is not None:
            found = self.sandbox.relative(found.strip())
            self.note(_("printed: {line}").format(line=found))
        return found

    def wait_exit(self, timeout: float) -> Optional[int]:
        status = self.live.wait(timeout)
        if self.live.is_alive():
            self.note(_("still running"))
        else:
            self.note(_("ended, exit status {status}").format(status=status))
        return status

    def crashed(self) -> str:
        """" (error, in FILE, line N)" if the program printed a traceback."""
        self.live.drain()
        return python_error(self.live.transcript)

    def fail_if_crashed(self, hint: Optional[str] = None) -> None:
        """Fail, naming the error, if the program printed a Python error.
        `hint`: for an error the grader cannot explain better (crash_hint)."""
        crash = self.crashed()
        if crash:
            self.fail(_("The program crashed with a Python traceback") + crash + ".",
                      hint=crash_hint(crash_facts(self.live.transcript), hint))

    def fail(self, summary: str, hint: str, expected: Optional[str] = None,
             cause: Optional[Cause] = None) -> None:
        """`cause`: when the check knows it better than cause_of_live()."""
        self.live.drain(quiet=0.1)
        if self.live.flooded:  # whatever else went wrong, that is what to fix first
            hint = _("Look for a loop around a print() that never ends.")
        fail(summary, command=self.live.command, context=self.timeline.text(),
             expected=expected, actual=tail(self.live.transcript) or _("(nothing)"), hint=hint,
             cause=cause or cause_of_live(self.live))
