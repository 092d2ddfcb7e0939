"""Scenario: the student's server and its clients run as a pair in one
sandbox, the timeline of what the grader did and saw, and how a failure
shows it."""
from __future__ import annotations

import itertools
import random as random_module
import re
import select
import socket
import time
from signal import SIGCONT, SIGSTOP
from typing import Optional, Sequence

from grader.draws import client_seed
from grader.feedback import Cause, fail, left_out
from grader.harness import LiveProcess, Sandbox, waits_for_keyboard
from grader.i18n import _
from grader.harness.network import TCP_ESTABLISHED, connected_to, listening_ports, tcp_sockets
from grader.kit import causes, crashes
from grader.kit.crashes import python_error
from grader.kit.evidence import tail
from grader.kit.timeline import Timeline
from grader.kit.wine.clients import CLIENT_BRIEF, Client, SERVER_BRIEF, ending_note, wrong_port_cause
from grader.kit.wine.messages import ANSWER, ORDER_HIGH, ORDER_LOW, ServerLog, end_text, last_line
from grader.kit.wine.setting import (CLIENT, CLIENT_ARGS, CLIENT_LIMIT, PORT_GIVEN, QUANTITY_GIVEN,
                                     SCENARIO_CAUSES, SERVER, SERVER_ARGS, THREAD_LOG)


# numbers the files that log a client's random draws
_draw_files = itertools.count(1)


class Story(Timeline):
    """A scenario's timeline, each step marked with what it is about: a
    client (its number), "setup" (the server starting), "server" (what the
    grader did to it), "end" (how the run ended); a client's step also with
    its kind ("answer": what it printed, "end": how it ended, "": the rest).
    brief() keeps the steps of the clients a check is about, for the
    terminal report."""

    def __init__(self, scale: float):
        super().__init__(scale)
        self.about: dict[int, tuple[object, str]] = {}  # step (order noted) -> (what it is about, kind)

    def note(self, text: str, at: Optional[float] = None, about: object = "server", step: str = "") -> None:
        self.about[len(self.entries)] = (about, step)
        super().note(text, at)

    def brief(self, clients: set[int], end: bool, steps: Optional[set[str]] = None) -> str:
        """The steps of `clients` (those of the kinds `steps`, None: all) with
        the server's among them (and the run's end with `end`), then one line
        saying how many others were left out. No clients: the whole timeline."""
        rows = sorted(self.entries)
        tags = [self.about.get(n, (None, "")) for _real, n, _text in rows]
        focus = [i for i, (tag, step) in enumerate(tags) if tag in clients and (steps is None or step in steps)]
        if not focus:
            return self.text()
        first, last = focus[0], focus[-1]
        keep = [tag == "setup" or i in focus or (end and tag == "end")
                or (tag in ("server", "end") and first - 1 <= i <= last + 1)
                for i, (tag, _step) in enumerate(tags)]
        lines = [self.text().split("\n", 1)[0]]
        lines += [f"{self.stamp(real)}  {text}" for (real, _n, text), kept in zip(rows, keep) if kept]
        if not all(keep):
            lines.append(left_out(keep.count(False)))
        return "\n".join(lines)


class Scenario:
    """One server and the clients the grader starts against it, in one
    sandbox; everything done and seen goes on a timeline for the report."""

    def __init__(self, sandbox: Sandbox):
        self.sandbox = sandbox
        self.timeline = Story(sandbox.time_scale)
        # the server is the grader's own (a stand-in): the report shows what
        # it did on the timeline, not what it printed
        self.stand_in = False
        self.server: Optional[LiveProcess] = None
        self.port: Optional[int] = None
        self.clients: list[Client] = []
        self.closed = False
        self.kept_server_output: Optional[str] = None  # once closed
        self.kept_server_end: Optional[tuple[str, Optional[int]]] = None
        self.server_cause: Optional[Cause] = None  # why it never listened
        self.given_port: Optional[int] = None  # the port on the server's command line
        self.kept_cause: Optional[Cause] = None

    # -- the server -------------------------------------------------------------

    def start_server(self) -> None:
        self.given_port = free_port() if PORT_GIVEN else None
        threads = self.sandbox.write(THREAD_LOG, "", mode=0o600)
        self.server = self.sandbox.spawn(SERVER, [fill_in(a, port=self.given_port) for a in SERVER_ARGS],
                                         env={"TPGRADER_THREAD_LOG": str(threads)})
        self.timeline.note(_("started {command}").format(command=self.server.command), about="setup")
        deadline = time.monotonic() + 5
        for step in itertools.count():
            if time.monotonic() >= deadline or not self.server.is_alive():
                break
            ports = listening_ports(self.server.family())
            if ports and self.given_port is not None and self.given_port not in ports:
                self.port = min(ports)
                self.timeline.note(_("the server listens on port {port}").format(port=self.port), about="setup")
                summary = _("The server was given port {given} on its command line ({command}) but "
                            "listens on port {port}: clients given port {given} cannot reach it.").format(
                    given=self.given_port, command=self.server.command, port=self.port)
                hint = _("Take the port from the command line, as the statement does: "
                         "port = int(sys.argv[1]), then bind(('', port)).")
                self.server_cause = Cause(f"ignores_port:{SERVER}", summary, hint)
                self.fail(summary, hint=hint, cause=self.server_cause)
            if ports:
                self.port = self.given_port if self.given_port is not None else min(ports)
                self.timeline.note(_("the server listens on port {port}").format(port=self.port), about="setup")
                return
            if step % 20 == 19 and waits_for_keyboard(self.server.pid):
                break  # input(): nobody will type
            time.sleep(0.005)
        output = self.server_output()
        if not self.server.is_alive():
            self.timeline.note(_("the server ended, {end}").format(end=end_text(self.server.end_state())),
                               about="setup")
        cause = causes.cause_of_live(self.server)
        crash = python_error(output)
        if cause is not None:
            summary, hint = cause.summary, cause.hint
        elif crash:
            summary = _("The server crashed before listening on a port") + crash + "."
            hint = _("Read the traceback from its last line up. `Address already in use`: another "
                     "server (one of yours?) holds the port; `socket.setsockopt(SOL_SOCKET, "
                     "SO_REUSEADDR, 1)` before bind() lets a server start again at once.")
            cause = crashes.crash_cause(SERVER, output)
        elif self.server.is_alive():
            summary = _("After 5 s, the server is running but listens on no TCP port.")
            hint = _("Like echo-server.py: socket(AF_INET, SOCK_STREAM), bind(('', PORT)), listen(5), "
                     "then accept() in a loop.")
        else:
            summary = _("The server ended without ever listening on a port.")
            hint = _("Like echo-server.py: socket(AF_INET, SOCK_STREAM), bind(('', PORT)), listen(5), "
                     "then a loop of accept() that ends when the stock is gone.")
        self.server_cause = cause or Cause(f"no_listen:{SERVER}", summary, hint)
        self.fail(summary, hint=hint, cause=self.server_cause)

    def server_threads(self) -> int:
        """How many threads the server has started so far (inject/sitecustomize.py
        holds each until the thread that started it waits, and notes it)."""
        try:
            return self.sandbox.file(THREAD_LOG).read_text(encoding="utf-8").count("\n")
        except OSError:
            return 0

    def server_output(self) -> str:
        if self.kept_server_output is not None:
            return self.kept_server_output
        self.server.drain(quiet=0.02)
        return self.server.transcript

    def server_end(self) -> tuple[str, Optional[int]]:
        return self.kept_server_end if self.kept_server_end is not None else self.server.end_state()

    def server_log(self) -> ServerLog:
        return ServerLog.parse(self.server_output())

    def pause_server(self) -> None:
        self.server.send_signal(SIGSTOP)
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline and self.server.is_alive() and not is_stopped(self.server.pid):
            time.sleep(0.001)
        self.timeline.note(_("server paused (SIGSTOP) while clients connect"))

    def resume_server(self) -> float:
        """Lets the server go on; returns when, noted just before: it could
        not read anything sooner."""
        released = time.monotonic()
        self.server.send_signal(SIGCONT)
        self.timeline.note(_("server resumed (SIGCONT)"), at=released)
        return released

    def wait_server_exit(self, timeout: float) -> Optional[int]:
        status = self.server.wait(self.sandbox.stretch(timeout))
        if self.server.is_alive():
            self.timeline.note(_("the server is still running"), about="end")
        else:
            self.timeline.note(_("the server ended, {end}").format(end=end_text(self.server.end_state())),
                               about="end")
        return status

    # -- clients ------------------------------------------------------------------

    def start_client(self, random: str) -> Client:
        number = next(_draw_files)
        draws_name, connects_name = f".tpgrader_draws_{number}", f".tpgrader_connects_{number}"
        draws = self.sandbox.write(draws_name, "", mode=0o600)
        connects = self.sandbox.write(connects_name, "", mode=0o600)
        # with no server (no port yet), a port where nobody listens
        port = self.port if self.port is not None else self.given_port or free_port()
        args = [fill_in(a, port=port, quantity=quantity_for(random)) for a in CLIENT_ARGS]
        live = self.sandbox.spawn(CLIENT, args,
                                  env={"TPGRADER_RANDOM": random, "TPGRADER_RANDOM_LOG": str(draws),
                                       "TPGRADER_CONNECT_LOG": str(connects)})
        c = Client(len(self.clients) + 1, random, live, time.monotonic(), str(self.sandbox.file(draws_name)),
                   str(self.sandbox.file(connects_name)))
        self.clients.append(c)
        self.timeline.note(_("{client} started ({how})").format(client=c.label, how=drive_text(random)),
                           about=c.number)
        return c

    def wait_connected(self, clients: list[Client], timeout: float) -> None:
        """Until the kernel shows each client connected to the server's port
        (or the client ended)."""
        deadline = time.monotonic() + self.sandbox.stretch(timeout)
        waiting = [c for c in clients if c.connected_at is None]
        while waiting and time.monotonic() < deadline:
            for c in list(waiting):
                if connected_to(c.live.pid, self.port):
                    c.connected_at = time.monotonic()
                    waiting.remove(c)
                    self.timeline.note(_("{client} is connected").format(client=c.label), about=c.number)
                elif not c.live.is_alive():
                    waiting.remove(c)
            time.sleep(0.002)

    def wait_accepted(self, timeout: float) -> bool:
        """Until the server holds a connection of its own (it has accepted a
        client: a connection still in the queue belongs to no process)."""
        deadline = time.monotonic() + self.sandbox.stretch(timeout)
        while time.monotonic() < deadline and self.server.is_alive():
            if any(s.state == TCP_ESTABLISHED and s.local_port == self.port
                   for s in tcp_sockets(self.server.family())):
                self.timeline.note(_("the server accepted a connection"))
                return True
            time.sleep(0.001)
        return False

    def finish(self, clients: list[Client], timeout: float = CLIENT_LIMIT) -> None:
        """Wait for the clients' answers, watching them all at once (each is
        timed when the grader sees it, never before it came), then for
        their ends (or stop them)."""
        deadline = time.monotonic() + self.sandbox.stretch(timeout)
        pending = [c for c in clients if c.answered_at is None]
        while pending:
            for c in list(pending):
                ended = not c.live.is_alive()
                # A client that printed its answer and ended at once (a busy
                # machine) leaves the answer in its terminal: read it to the
                # end before saying it got none (seen in a soak under stress).
                said = c.live.expect(ANSWER, timeout=0.5 if ended else 0)
                if said is not None:
                    c.answered_at = time.monotonic()
                    pending.remove(c)
                    if re.fullmatch("(?i)traceback|error", said):  # the traceback's last line is its error
                        c.live.drain(quiet=0.05)
                    self.timeline.note(_("{client} printed `{line}`").format(
                        client=c.label, line=last_line(c.live.transcript)), at=c.answered_at, about=c.number,
                        step="answer")
                elif ended:
                    pending.remove(c)
            left = deadline - time.monotonic()
            if not pending or left <= 0:
                break
            try:
                select.select([c.live.child.child_fd for c in pending], [], [], min(0.02, left))
            except (OSError, ValueError):
                time.sleep(0.005)
        for c in clients:
            c.status = c.live.wait(max(deadline - time.monotonic(), self.sandbox.stretch(0.5)))
            c.ended = not c.live.is_alive()
            self.timeline.note(ending_note(c), about=c.number, step="end")

    def order(self, random: str, paused: bool = False) -> Client:
        """One client, started alone and waited for. `paused`: the server is
        paused until the client is connected, so that the time from its
        release to the answer is all the server's (see test_delay)."""
        if paused:
            self.pause_server()
        c = self.start_client(random)
        self.wait_connected([c], CLIENT_LIMIT)
        if paused:
            c.released_at = self.resume_server()
        self.finish([c])
        return c

    def close(self) -> None:
        """Keep what every program printed, how it ended and the cause it
        shows, then stop them all and free the network (on a shared
        network, the next scenario needs the port)."""
        if self.closed:
            return
        if self.server is not None:
            self.kept_server_output = self.server_output()
            self.kept_server_end = self.server.end_state()
        for c in self.clients:
            c.live.drain(quiet=0)
            c.kept_output = c.live.transcript
            c.kept_end = c.live.end_state()
            c.kept_connects = c.connects()  # the sandbox's files go with it
        self.kept_cause = self.cause()
        self.closed = True
        self.sandbox.close()

    # -- reporting -----------------------------------------------------------------

    def cause(self) -> Optional[Cause]:
        """What explains the whole scenario: the server never listened, or a
        program waits for the keyboard, wants arguments, is not written."""
        if self.closed:
            return self.kept_cause
        if self.server_cause is not None:
            return self.server_cause
        for c in self.clients:
            # it found no server where one listened: it called connect() elsewhere
            connects = c.connects()
            if (self.port is not None and connects and c.ended and c.outcome()[0] == "unavailable"
                    and self.port not in c.connect_ports()):
                return wrong_port_cause(c, self.port, connects[0])
        lives = ([self.server] if self.server is not None else []) + [c.live for c in self.clients]
        for live in lives:
            if live.script not in (SERVER, CLIENT):  # the grader's own stand-ins
                continue
            live.drain(quiet=0)
            cause = causes.cause_of_live(live)
            if cause is not None and cause.key.startswith(SCENARIO_CAUSES):
                return cause
        return None

    def fail(self, summary: str, hint: str, expected: Optional[str] = None,
             cause: Optional[Cause] = None, about: Sequence[Client] = (),
             outputs: Optional[Sequence[Client]] = None, server_lines: int = SERVER_BRIEF,
             server_head: bool = False, end: bool = False, steps: Optional[set[str]] = None) -> None:
        """Fail the check, showing the timeline and, for the server and each
        client, all it printed and how it ended. A cause that explains the
        whole scenario (see cause()) comes with it, and its hint.
        What the check is about, for the terminal report's brief view: the
        clients `about` (their steps on the timeline, and the end of their
        output, or of the `outputs` clients' when given), the last
        `server_lines` lines of the server's output (its first ones with
        `server_head`; 0: none), with `end` how the run ended; `steps`: only
        those steps of the clients (see Story)."""
        found = self.cause()
        if found is not None and found is not cause and found.key.startswith(SCENARIO_CAUSES):
            summary, hint, cause = summary + " " + found.summary, found.hint, found
        elif cause is None:
            cause = found
        server = self.server is not None and not self.stand_in
        shown, brief = [], []
        if server:
            shown.append(program_block(_("server"), self.server.command, self.server_output(),
                                       self.server_end(), 20))
            if server_lines:
                brief.append(program_block(_("server"), self.server.command, self.server_output(),
                                           self.server_end(), server_lines, first=server_head))
        for c in self.clients:
            shown.append(program_block(c.label, c.live.command, c.output, c.end(), 8))
        brief += [program_block(c.label, c.live.command, c.output, c.end(), CLIENT_BRIEF)
                  for c in (about if outputs is None else outputs)]
        if server:
            command = self.server.command
        else:  # the grader's server, or none: what the check is about is a client
            command = next((c.live.command for c in [*about, *self.clients]), None)
        fail(summary, command=command, context=self.timeline.text(), expected=expected,
             actual="\n\n".join(shown), hint=hint, cause=cause,
             brief_context=self.timeline.brief({c.number for c in about}, end, steps),
             brief_actual="\n\n".join(brief) if brief else None)


def program_block(who: str, command: str, output: str, end: tuple[str, Optional[int]], lines: int,
                  first: bool = False) -> str:
    """What a program printed (its last `lines` lines, or with `first` its
    first ones) and how it ended."""
    if not output.strip():
        shown = _("(nothing)")
    elif first:
        kept = output.rstrip("\n").split("\n")
        shown = "\n".join(kept[:lines] + ([_("[... {n} lines after ...]").format(n=len(kept) - lines)]
                                          if len(kept) > lines else []))
    else:
        shown = tail(output, lines)
    return "\n".join([_("{who} ({command}):").format(who=who, command=command), shown, "(" + end_text(end) + ")"])


def process_state(pid: int) -> str:
    """The state letter of /proc/PID/stat: R running, S sleeping (blocked in a
    call such as recv()), T stopped...; "" once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def is_stopped(pid: int) -> bool:
    """The process is stopped by a signal (state T in /proc/PID/stat)."""
    return process_state(pid) in ("T", "t")


def seeded(public: int) -> str:
    """A client's random module seeded: `public`, or the grading seed's own
    draw in its place (grader/draws.py)."""
    return f"seed:{client_seed(public)}"


def free_port() -> int:
    """A TCP port nobody listens on: free on the machine, so also in a
    sandbox's network of its own."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("", 0))
        return s.getsockname()[1]


def quantity_for(random: str) -> int:
    """The order a client is given on its command line (QUANTITY_GIVEN) in
    place of driving its random module: the lowest, the highest, or a draw
    of the seed."""
    if random == "low":
        return ORDER_LOW
    if random == "high":
        return ORDER_HIGH
    return random_module.Random(random).randint(ORDER_LOW, ORDER_HIGH)


def fill_in(arg: str, port: Optional[int] = None, quantity: Optional[int] = None) -> str:
    """An argument of the lab's command line with its placeholders filled in."""
    return arg.replace("{port}", str(port)).replace("{quantity}", str(quantity))


def drive_text(random: str) -> str:
    """How a client's random module was driven, as a phrase that fits both
    "client 1 started (...)" and "With ..., the client ordered 0 bottles"."""
    if QUANTITY_GIVEN:
        return _("asked on its command line to order {n}").format(n=quantity_for(random))
    if random == "high":
        return _("its random module forced to give the highest value of each range")
    if random == "low":
        return _("its random module forced to give the lowest value of each range")
    return _("its random module seeded with {seed}").format(seed=random.split(":", 1)[1])


def received_total(clients: list[Client]) -> int:
    return sum(c.received or 0 for c in clients)
