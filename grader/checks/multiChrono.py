"""II.1 multiChrono.py: SIGTERM starts one more chrono.py child (fork + exec),
SIGINT reaches every child, SIGQUIT stops them all and then the parent.

The sandbox's chrono.py is the grader's own (the statement's), so that only
multiChrono.py is judged here: chrono.py has its own checks."""
import os
import time
from signal import SIGINT, SIGQUIT, SIGTERM

import psutil
import pytest

from grader.harness import Sandbox, children_of, process_cmdline, wait_for_handlers, wait_idle
from grader.i18n import N_, _
from grader.kit import check, crashes, fakes, launch
from grader.kit.signals import SignalSession
from grader.lab import active_lab


EX = "multiChrono"
SCRIPT = active_lab().exercises[EX].script()
CHRONO = active_lab().exercises["chrono"].script()  # what the parent execs
TIME_SCALE = 5
CHILDREN = 2


@pytest.fixture
def multi(grading):
    with Sandbox(grading.submission, time_scale=TIME_SCALE) as sb:
        sb.script_name(SCRIPT)
        fakes.write_fake(sb, CHRONO, "chrono.py")
        yield Multi(sb)


def runs_chrono(p: psutil.Process) -> bool:
    """A Python process running chrono.py (a shell that starts it, as
    os.system() does, is not the chronometer)."""
    cmd = process_cmdline(p)
    return (bool(cmd) and "python" in os.path.basename(cmd[0])
            and any(os.path.basename(a) == CHRONO for a in cmd[1:]))


class Multi(SignalSession):
    def __init__(self, sandbox):
        super().__init__(sandbox, SCRIPT)
        self.chronos: list[int] = []

    def start(self):
        if not self.wait_ready({SIGTERM, SIGINT, SIGQUIT}):
            if self.live.is_alive():
                self.note(_("no handler for SIGTERM, SIGINT and SIGQUIT after 5 s"))
            else:  # (its end is noted next)
                self.note(_("no handler for SIGTERM, SIGINT and SIGQUIT before it ended"))
        self.fail_if_crashed()

    def new_chrono(self) -> int:
        """SIGTERM, then wait for one more child that runs chrono.py."""
        before = {p.pid for p in self.live.children()}
        every_before = set(children_of(self.pid))  # zombies too: a child that crashed at once
        self.send(SIGTERM)
        mark = len(self.live.transcript)
        deadline = time.monotonic() + 3
        newcomer = None
        while time.monotonic() < deadline and self.live.is_alive():
            fresh = [p for p in self.live.children() if p.pid not in before]
            chronos = [p for p in fresh if runs_chrono(p)]
            if chronos:
                self.chronos.append(chronos[0].pid)
                self.note(_("new child {pid} runs chrono.py").format(pid=chronos[0].pid))
                # the child is ready when chrono.py has its handlers
                wait_for_handlers(chronos[0].pid, {SIGINT, SIGQUIT}, timeout=5)
                wait_idle(chronos[0].pid, timeout=2)
                return chronos[0].pid
            newcomer = newcomer or (fresh[0] if fresh else None)
            if crashes.TRACEBACK in self.live.transcript[mark:]:
                break  # a crash (the statement's execl, in the child): told below
            self.live.drain(quiet=0.01)
        self.fail_if_crashed_after(mark, every_before)
        if newcomer is not None:
            self.note(_("new child {pid} runs: {cmd}").format(
                pid=newcomer.pid, cmd=" ".join(process_cmdline(newcomer))))
            self.fail(_("After SIGTERM, a child process appeared but it does not run chrono.py."),
                      hint=_("After os.fork(), the child must replace itself by the chronometer: "
                             "os.execl('./chrono.py', 'chrono.py') (chrono.py needs its run bit)."))
        if not self.live.is_alive():
            self.wait_exit(1)
            self.fail(_("multiChrono stopped on SIGTERM."),
                      hint=_("Without a handler, SIGTERM ends the process: "
                             "signal.signal(signal.SIGTERM, nouveau)."))
        self.fail(_("After SIGTERM, no child running chrono.py appeared."),
                  hint=_("The SIGTERM handler creates the chronometer: os.fork(), then in the "
                         "child os.execl('./chrono.py', 'chrono.py')."))

    def fail_if_crashed_after(self, mark: int, every_before: set[int]) -> None:
        """Fail if a traceback came after SIGTERM: the child's, when
        multiChrono itself still runs (a fork copies the program: the
        child's traceback names multiChrono.py), else multiChrono's."""
        deadline = time.monotonic() + 1
        while True:  # the whole traceback, up to its error line
            self.live.drain(quiet=0.05)
            text = self.live.transcript[mark:]
            crash = crashes.crash_facts(text)
            if crashes.TRACEBACK not in text or (crash and crash.error != "?") or time.monotonic() > deadline:
                break
        if crash is None or crash.compile:
            return
        if self.live.is_alive():
            ended = sorted(set(children_of(self.pid)) - every_before)
            self.note(_("new child {pid} ended without becoming chrono.py, after printing a "
                        "traceback").format(pid=ended[0]) if ended else
                      _("a new child ended without becoming chrono.py, after printing a traceback"))
            who = _("After SIGTERM, the child forked by {script}").format(script=SCRIPT)
        else:
            self.wait_exit(1)
            who = _("After SIGTERM, {script}").format(script=SCRIPT)
        self.fail(crashes.crash_summary(crash, who), hint=crashes.crash_hint(crash),
                  cause=crashes.crash_cause(SCRIPT, text, process=who))


def start_chronos(m: Multi) -> list[int]:
    m.start()
    return [m.new_chrono() for _ in range(CHILDREN)]


@check(EX, "launch", N_("Runs as ./multiChrono.py and waits for signals"))
def test_launch(multi):
    launch.check_launch_problems(SCRIPT, multi.sandbox.submission.launch_problems(SCRIPT))
    multi.start()
    if not multi.live.is_alive():
        multi.wait_exit(1)
        multi.fail(_("multiChrono ended by itself instead of waiting for signals."),
                   hint=_("End the program with a loop of signal.pause()."))


@check(EX, "sigterm_creates", N_("Each SIGTERM creates one more child running chrono.py (fork + exec)"))
def test_sigterm_creates(multi):
    pids = start_chronos(multi)
    parents = {psutil.Process(p).ppid() for p in pids if psutil.pid_exists(p)}
    if parents != {multi.pid} or len(set(pids)) != CHILDREN:
        multi.fail(_("The chronometers are not {n} distinct children of multiChrono.").format(n=CHILDREN),
                   hint=_("Each SIGTERM forks one child that execs chrono.py."))


@check(EX, "sigint_reaches_all", N_("SIGINT makes every chronometer show its count"))
def test_sigint_reaches_all(multi):
    pids = start_chronos(multi)
    multi.sleep(1.5)
    multi.send(SIGINT)
    waiting = set(pids)
    while waiting:
        # the grader's chrono.py answers exactly so; the replies come in any order
        either = "|".join(str(p) for p in sorted(waiting))
        line = multi.expect_line(rf"CHRONO \( (?:{either}) \) ->", timeout=3)
        if line is not None:
            waiting -= {p for p in waiting if f"( {p} )" in line}
            continue
        multi.fail(_("After SIGINT, chronometer {pid} did not show its count.").format(pid=min(waiting)),
                   hint=_("The SIGINT handler of multiChrono sends SIGINT to every child: "
                          "for pid in fils: os.kill(pid, signal.SIGINT)."))


@check(EX, "sigquit_stops_all", N_("SIGQUIT stops every chronometer, then multiChrono exits with status 0; no process is left"))
def test_sigquit_stops_all(multi):
    pids = start_chronos(multi)
    multi.sleep(1)
    multi.send(SIGQUIT)
    status = multi.wait_exit(timeout=5)
    # the chronometers end on their own once told; give them a moment
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and _running(pids):
        time.sleep(0.01)
    left = _running(pids)
    if left:
        multi.note(_("still running: {pids}").format(pids=left))
        multi.sandbox.kill_all()
        multi.fail(_("Chronometers are still running after SIGQUIT: {pids}.").format(pids=left),
                   hint=_("The SIGQUIT handler of multiChrono sends SIGQUIT to every child "
                          "(os.kill(pid, signal.SIGQUIT)) before exiting; waiting for each "
                          "(os.waitpid) leaves no zombie."))
    if multi.live.is_alive():
        multi.fail(_("multiChrono is still running after SIGQUIT."),
                   hint=_("After sending SIGQUIT to the children, the handler ends with exit(0)."))
    if status != 0:
        multi.fail(_("multiChrono does not end with exit status 0 on SIGQUIT."),
                   hint=_("End the SIGQUIT handler with exit(0) (sys.exit(0))."))


def _running(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.Error:
            pass
    return alive
