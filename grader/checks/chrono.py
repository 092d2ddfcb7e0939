"""II.1 chrono.py: counts seconds with SIGALRM, shows the count on SIGINT,
stops on SIGQUIT."""
import math
import re
from signal import SIGINT, SIGQUIT
from typing import Optional

import pytest

from grader.harness import Sandbox
from grader.i18n import N_, _
from grader.kit import check, launch
from grader.kit.signals import SignalSession, numbers_besides
from grader.lab import active_lab


EX = "chrono"
SCRIPT = active_lab().exercises[EX].script()
# One second of the program's clock lasts 0.2 s: a few seconds of counting
# take under a second, and the scheduling jitter of a busy machine stays far
# below one (virtual) second.
TIME_SCALE = 5


@pytest.fixture
def chrono(grading):
    with Sandbox(grading.submission, time_scale=TIME_SCALE) as sb:
        sb.script_name(SCRIPT)  # a missing chrono.py is reported as such
        yield Chrono(sb)


class Chrono(SignalSession):
    def __init__(self, sandbox):
        super().__init__(sandbox, SCRIPT)
        self.started_at = None  # when the start message was seen (virtual s)

    def start(self) -> str:
        line = self.expect_line("", timeout=5)
        if line is None:
            self.fail(_("The chronometer printed no start message."),
                      hint=_("At the start, print a message with the pid: "
                             "print(\"CHRONO (\", os.getpid(), \") démarre !\")."))
        self.started_at = self.virtual_now()
        self.wait_ready({SIGINT, SIGQUIT})
        self.fail_if_gone()  # a crash at start (a syntax error prints a "first line" too)
        return line

    def fail_if_gone(self) -> None:
        """Before a signal: the chronometer must still be running."""
        self.fail_if_crashed(_("Read the traceback from its last line up. In a handler, a counter "
                               "changed there must be declared global (global nsec)."))
        if not self.live.is_alive():
            self.wait_exit(1)
            self.fail(_("The chronometer is no longer running."),
                      hint=_("Only SIGQUIT may end it: the SIGINT handler shows the count and "
                             "returns, without exit()."))

    def count_reply(self, what: str, previous: Optional[int] = None) -> tuple[int, str]:
        """After a signal: the next line with the pid, and the count in it,
        checked against the time elapsed (one second of tolerance)."""
        sent_at = self.virtual_now()
        line = self.expect_line(rf"\b{self.pid}\b", timeout=3)
        if line is None:
            self.fail_if_crashed()
            if not self.live.is_alive():
                self.fail(_("The chronometer stopped on {signal} instead of showing its count.").format(
                    signal=what),
                    hint=_("Without a handler, SIGINT stops a Python program (KeyboardInterrupt). "
                           "signal(SIGINT, inter) installs one; inter() prints the count and returns, "
                           "without exit()."))
            self.fail(_("After {signal}, no line with the chronometer's pid ({pid}) came.").format(
                signal=what, pid=self.pid),
                hint=_("The handler prints the pid and the count: "
                       "print(\"CHRONO (\", PID, \") ->\", nsec, \"secondes\")."))
        numbers = numbers_besides(line, self.pid)
        lowest = math.floor(sent_at - self.started_at) - 1
        highest = math.floor(self.virtual_now()) + 1
        if not any(lowest <= n <= highest for n in numbers):
            if previous is not None and numbers and max(numbers) < previous:
                self.fail(_("The count went back after a SIGINT."),
                          expected=_("a count between {low} and {high}").format(
                              low=max(lowest, 0), high=highest),
                          hint=_("SIGINT only shows the count: it must not reset it."))
            self.fail(_("The count shown is not the number of seconds elapsed."),
                      expected=_("a count between {low} and {high}").format(low=max(lowest, 0), high=highest),
                      hint=_("The SIGALRM handler adds 1 to the counter and calls alarm(1) again, so "
                             "that it runs every second; the counter must be global in the handler "
                             "(global nsec)."))
        return next(n for n in numbers if lowest <= n <= highest), line


@check(EX, "launch", N_("Runs as ./chrono.py and starts"))
def test_launch(chrono):
    launch.check_launch_problems(SCRIPT, chrono.live.sandbox.submission.launch_problems(SCRIPT))
    chrono.start()


@check(EX, "start_message", N_("The start message shows the pid"))
def test_start_message(chrono):
    line = chrono.start()
    if str(chrono.pid) not in re.findall(r"\d+", line):
        chrono.fail(_("The start message does not show the chronometer's pid ({pid}).").format(pid=chrono.pid),
                    hint=_("os.getpid() gives the pid: print(\"CHRONO (\", PID, \") démarre !\")."))


@check(EX, "sigint_count", N_("SIGINT shows the pid and the seconds elapsed"))
def test_sigint_count(chrono):
    chrono.start()
    chrono.sleep(3.5)
    chrono.fail_if_gone()
    chrono.send(SIGINT)
    chrono.count_reply("SIGINT")


@check(EX, "sigint_goes_on", N_("Several SIGINTs: the chronometer answers each and keeps counting"))
def test_sigint_goes_on(chrono):
    chrono.start()
    counts = []
    for _round in range(3):
        chrono.sleep(1.2)
        chrono.fail_if_gone()
        chrono.send(SIGINT)
        counts.append(chrono.count_reply("SIGINT", counts[-1] if counts else None)[0])
    chrono.sleep(0.5)
    chrono.fail_if_gone()
    if counts != sorted(counts) or counts[0] == counts[-1]:
        chrono.fail(_("The count does not go on between two SIGINTs: {counts}.").format(counts=counts),
                    hint=_("SIGINT must not reset the counter, and the alarm must be set again "
                           "(alarm(1)) in the SIGALRM handler."))


@check(EX, "sigquit_stops", N_("SIGQUIT shows the count and the end message, then exits with status 0"))
def test_sigquit_stops(chrono):
    chrono.start()
    chrono.sleep(2.5)
    chrono.fail_if_gone()
    chrono.send(SIGQUIT)
    mark = len(chrono.live.transcript)
    status = chrono.wait_exit(timeout=3)
    after = chrono.live.transcript[mark:]
    chrono.fail_if_crashed()
    expected = _("a line with the count (about {n}), `Fin du chronometre ( {pid} )`, exit status 0").format(
        n=2, pid=chrono.pid)
    if chrono.live.is_alive():
        chrono.fail(_("The chronometer is still running after SIGQUIT."), expected=expected,
                    hint=_("signal(SIGQUIT, arret), and arret() prints the count, the end message, "
                           "then calls exit(0)."))
    if not any(1 <= n <= math.floor(chrono.virtual_now()) + 1
               for n in numbers_besides(after, chrono.pid)):
        chrono.fail(_("On SIGQUIT, the chronometer does not show its count."), expected=expected,
                    hint=_("arret() prints the count first: print(nsec, \"secondes écoulées\")."))
    if "fin" not in after.lower():
        chrono.fail(_("On SIGQUIT, the chronometer does not print its end message."), expected=expected,
                    hint=_("print(\"Fin du chronometre (\", PID, \")\") before exit(0)."))
    if status != 0:
        chrono.fail(_("On SIGQUIT, the chronometer does not end with exit status 0."), expected=expected,
                    hint=_("End arret() with exit(0) (sys.exit(0))."))
