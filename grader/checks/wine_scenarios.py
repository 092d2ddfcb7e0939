"""III.2 wine bottles: the scenarios that wine_bottles.py's checks judge,
the student's server and client run as a pair.

Each scenario (SCENARIOS) runs once per grading, in a thread of its own, and
several checks read its outcome through the pytest fixtures at the end of this
module (`scenarios`, `selling_out`, `queue`, `queued_at_end`, `no_server`).

Every scenario runs in a sandbox with a network of its own (grader/isolation.py),
so the pair may use any port and any protocol: the grader reads the port from
the kernel (the server's listening socket) and only looks at what both print.

Orders are the client's own random draws, driven through its `random` module
(inject/sitecustomize.py): a seed gives the same order on every run, "high"
makes it order the most its range allows (99 with randint(1, 99)), so that the
stock runs out after a known number of orders, and "low" / "high" show a range
that is off by one on every run. Each draw is also written to a file of the
sandbox (TPGRADER_RANDOM_LOG), so the grader knows what a client drew even
when neither program prints it.

To put clients in the server's queue for certain, the grader pauses the server
(SIGSTOP) while they connect (the kernel completes connections to a listening
socket whether its program runs or not) and then lets it go on (SIGCONT): a
correct server sees nothing of it, and no check depends on how fast a client
starts. Times are measured from that release, which the grader notes just
before it sends SIGCONT, to the moment it sees an answer: a busy machine can
only make them look longer. So one client at a time is judged by what the
clients see (the k-th answer no sooner than about k x 3 s after the release),
and a correct server can never look too fast. The server's 3 s wait runs
TIME_SCALE (QUEUE_SCALE, FAST_SCALE) times faster.

The clients' `Echec commande` is judged with the grader's own server
(ServerGone, fakes/wine_server.py) on the port where the client connects
(recorded with no server running: TPGRADER_CONNECT_LOG): it reads one order,
two more clients wait in its listen queue, and the grader checks from the
kernel that each waits (connected, its order sent, blocked) before it makes
that server go away; no sleep stands for it.

Each scenario's timeline marks what each step is about (Story), so that a
failed check shows in the terminal the steps and the output lines of the
clients it judges (Scenario.fail's `about`); --details, the JSON and the HTML
report show all of it."""
from __future__ import annotations

import itertools
import math
import random as random_module
import re
import select
import socket
import time
import unicodedata
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from signal import SIGCONT, SIGSTOP, SIGTERM
from typing import Callable, Optional, Sequence

import pytest

from grader.checks import common
from grader.checks.common import Timeline, python_error, tail
from grader.draws import client_seed
from grader.feedback import Cause, CheckFailed, fail, left_out
from grader.harness import LiveProcess, Sandbox, waits_for_keyboard
from grader.i18n import _
from grader.lab import active_lab
from grader.isolation import (TCP_ESTABLISHED, connected_to, listening_ports, local_port_to, queued_connections,
                               tcp_sockets)

_WINE = active_lab().exercises["wine_bottles"]
SERVER = _WINE.script("server")
# where the server notes each thread it starts (TPGRADER_THREAD_LOG)
THREAD_LOG = ".tpgrader_threads"
CLIENT = _WINE.script("client")
# The programs' command lines, when the lab's statement gives them some (2021's
# gives none): the grader chooses the server's port and each client's order.
SERVER_ARGS = _WINE.args_of("server")
CLIENT_ARGS = _WINE.args_of("client")
PORT_GIVEN = any("{port}" in a for a in SERVER_ARGS)
QUANTITY_GIVEN = any("{quantity}" in a for a in CLIENT_ARGS)
CLIENT_PORT_GIVEN = any("{port}" in a for a in CLIENT_ARGS)
STOCK = _WINE.stock  # the statement's 300
DELAY = _WINE.delay  # the statement's 3 s
TIME_SCALE = 10  # the server's 3 s take 0.3 s
# Three clients queued at once: 3 s take 0.6 s, so that answers given together
# still look together when the grader reads them late on a busy machine.
QUEUE_SCALE = 5
# The random-orders check runs 20 orders, and the clients queued behind the
# last order need no timing: there the 3 s take 30 ms.
FAST_SCALE = 100
CLIENT_LIMIT = 5.0  # real seconds a client may take once the server answers
MIN_DELAY = DELAY - 1.0  # virtual seconds: the statement's 3, less what measuring costs
# Served one at a time with 3 s each, the k-th of clients queued together
# gets its answer no sooner than k x 3 s after the server could read their
# orders: k x SERVICE_GAP leaves room for a server that waits a little less.
SERVICE_GAP = DELAY - 0.5
# Real seconds (stretched) the server gets to end by itself once the order
# that empties its stock is answered: a correct server ends at once, one that
# polls its socket with a time-out within a second.
END_WAIT = 3.0
# orders in a row at most (300 bottles: 4 orders of 99 after the first, and room)
LOOP_LIMIT = math.ceil(STOCK / _WINE.order_range[1]) + 4
MakeSandbox = Callable[..., Sandbox]  # make(scale=TIME_SCALE): a new sandbox with a network of its own
_draw_files = itertools.count(1)
# Causes that explain a whole scenario (see common.cause_of): told with every check it fails.
SCENARIO_CAUSES = ("wants_args:", "keyboard:", "unwritten:", "rejects_extra:", "wrong_port:")


# ---------------------------------------------------------------------------
# Reading what the programs print (case, accents, spacing and punctuation free)


def folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


# A wording's tokens: the number, a word (`bouteille(s)`: its plural free), or what separates them.
_WORDING_TOKEN = re.compile(r"(\{n\})|(\w+)(\(s\))?|([^\w{]+|\{)")
_NUMBER = r"(-?\d+)"


def wording_pattern(wording: str, accents: bool = False) -> str:
    """A lab's wording of a message (`Reste en stock : {n} bouteille(s)`) as
    a pattern over folded text: words in order, blanks between words one or
    more, punctuation free (\\W*), a plural `(s)` any ending, the number
    read as group 1. Where the number comes after words, the words after it
    are left out (`Commande de 60` is the order); after the number, the
    blank may be missing. What follows the last word does not count.
    accents=True: over raw text instead (a letter matches its accented forms;
    compile it with re.IGNORECASE)."""
    text = folded(wording)
    if "{n}" in text:
        before, after = text.split("{n}", 1)
        text = before + "{n}" if re.search(r"\w", before) else "{n}" + after
    parts: list[str] = []
    gap = ""  # what separates the next token from the last
    for number, word, plural, separator in _WORDING_TOKEN.findall(text):
        if separator:
            gap += separator
            continue
        if parts:
            # before a number, as little as it takes: the sign of `stock : -39` is the number's
            parts.append((r"\W*?" if number else r"\W*") if gap.strip() else r"\s*" if parts[-1] == _NUMBER
                         else r"\s+")
        gap = ""
        if number:
            parts.append(_NUMBER)
        else:
            parts.append("".join(_ACCENTED.get(c, re.escape(c)) for c in word) if accents else re.escape(word))
            if plural:
                parts.append(r"\S*")
    if parts and parts[-1] == r"\S*":
        parts.pop()
    return "".join(parts)


def _accented_forms() -> dict[str, str]:
    """a -> [aàáâãäå], ...: each letter with the letters that fold to it."""
    forms: dict[str, set[str]] = {}
    for code in range(0xC0, 0x180):
        c = chr(code)
        base = folded(c)
        if len(base) == 1 and base.isalpha() and c.islower() and base != c:  # ANSWER ignores case
            forms.setdefault(base, {base}).add(c)
    return {base: "[" + "".join(sorted(chars)) + "]" for base, chars in forms.items()}


_ACCENTED = _accented_forms()


class Message:
    """A message of the wine programs in any of the lab's wordings, over
    folded text; number(m) is the number a match read (None without one)."""

    def __init__(self, name: str):
        self.name = name
        self.wordings = _WINE.messages[name]
        self.pattern = re.compile("|".join(f"(?:{wording_pattern(w)})" for w in self.wordings))

    def search(self, text: str) -> Optional[re.Match]:
        return self.pattern.search(text)

    @staticmethod
    def number(match: re.Match) -> Optional[int]:
        return next((int(g) for g in match.groups() if g is not None), None)


ORDER, REMAINING, SOLD_OUT, WAITING, RECEIVED, UNAVAILABLE, FAILED = (
    Message(name) for name in ("order", "remaining", "sold_out", "waiting", "received", "unavailable", "failed"))
ORDER_LOW, ORDER_HIGH = _WINE.order_range  # the statement's [1, 99]
# What a client prints when it is done (pexpect, on the raw terminal text):
# one of its three outcomes, or Python stopping.
ANSWER = "(?i)(" + "|".join(wording_pattern(w, accents=True) for m in (RECEIVED, UNAVAILABLE, FAILED)
                            for w in m.wordings) + "|Traceback|Error)"


@dataclass
class ServerLog:
    """The figures the server printed, in order."""
    events: list[tuple[str, int]]  # ("order", N) / ("remaining", S) / ("waiting", 0) / ("sold_out", 0)

    @classmethod
    def parse(cls, text: str) -> "ServerLog":
        events = []
        for line in folded(text).split("\n"):
            for kind, pattern in (("waiting", WAITING), ("order", ORDER), ("remaining", REMAINING),
                                  ("sold_out", SOLD_OUT)):
                m = pattern.search(line)
                if m:
                    events.append((kind, Message.number(m) or 0))
        return cls(events)

    def values(self, kind: str) -> list[int]:
        return [v for k, v in self.events if k == kind]

    @property
    def sold_out(self) -> bool:
        return any(k == "sold_out" for k, _v in self.events)


def end_text(state: tuple[str, Optional[int]]) -> str:
    """How a program ended, as the report says it."""
    kind, value = state
    if kind == "exit":
        return _("exit status {status}").format(status=value)
    if kind == "signal":
        return _("killed by signal {signal}").format(signal=common.signal_name(value))
    if kind == "running":
        return _("still running: stopped by the grader")
    return _("stopped by the grader")


def last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().split("\n") if ln.strip()]
    return lines[-1] if lines else ""


@dataclass
class Client:
    number: int
    random: str  # how its random module was driven
    live: LiveProcess
    started: float
    draws_file: Optional[str] = None  # where sitecustomize writes its random draws (the grader's path to it)
    connects_file: Optional[str] = None  # and the addresses it connect()s to
    connected_at: Optional[float] = None  # real time (monotonic) the kernel saw it connected
    answered_at: Optional[float] = None  # when the grader saw its answer (never before it came)
    # when the server, paused while this client connected, was let go on: it
    # could not have read the order before
    released_at: Optional[float] = None
    status: Optional[int] = None
    ended: bool = False
    kept_output: Optional[str] = None  # once the scenario is closed
    kept_end: Optional[tuple[str, Optional[int]]] = None
    kept_connects: Optional[list[tuple]] = None

    @property
    def label(self) -> str:
        return _("client {n}").format(n=self.number)

    @property
    def output(self) -> str:
        return self.live.transcript if self.kept_output is None else self.kept_output

    def end(self) -> tuple[str, Optional[int]]:
        return self.kept_end if self.kept_end is not None else self.live.end_state()

    def outcome(self) -> tuple[str, Optional[int]]:
        """("received", K), ("unavailable", None), ("failed", None),
        ("crashed", None), ("running", None) or ("other", None)."""
        if not self.ended:
            return "running", None
        if python_error(self.output):
            return "crashed", None
        text = folded(self.output)
        m = RECEIVED.search(text)
        if m:
            return "received", Message.number(m)
        if FAILED.search(text):
            return "failed", None
        if UNAVAILABLE.search(text):
            return "unavailable", None
        return "other", None

    @property
    def received(self) -> Optional[int]:
        kind, k = self.outcome()
        return k if kind == "received" else None

    def draws(self) -> list[tuple[str, object]]:
        """What its random module gave, in order: ("randint(0, 99)", 0), ..."""
        found = []
        for line in read_lines(self.draws_file):
            call, _tab, value = line.partition("\t")
            found.append((call, plain_value(value)))
        return found

    def connects(self) -> list[tuple]:
        """The addresses it called connect() with, in order: ('localhost', 50007)..."""
        if self.kept_connects is not None:
            return self.kept_connects
        found = []
        for line in read_lines(self.connects_file):
            host, _tab, port = line.partition("\t")
            if port.strip().isdigit():
                found.append((host, int(port)))
        return found

    def connect_ports(self) -> list[int]:
        return [address[1] for address in self.connects()]

    def drawn_order(self) -> Optional[tuple[str, int]]:
        """(call, N) when the client drew exactly one whole number: its order."""
        whole = [(call, v) for call, v in self.draws() if isinstance(v, int) and not isinstance(v, bool)]
        return whole[0] if len(whole) == 1 else None


def wrong_port_cause(c: Client, port: int, address: tuple) -> Cause:
    if CLIENT_PORT_GIVEN:
        return Cause(f"wrong_port:{CLIENT}",
                     _("{script} does not connect to the port given on its command line. Given port {port} "
                       "({command}), it called connect() with {address} and printed `Service non disponible`.")
                     .format(script=CLIENT, port=port, command=c.live.command, address=address),
                     _("Connect to the port given on the command line, as the statement does: "
                       "port = int(sys.argv[1]), then connect(('localhost', port))."))
    return Cause(f"wrong_port:{CLIENT}",
                 _("{script} does not connect to the port where the server listens ({port}). It called "
                   "connect() with {address} and printed `Service non disponible`.").format(
                     script=CLIENT, port=port, address=address),
                 _("The client connects to the port the server listens on (the statement's 50007), on "
                   "'localhost'."))


def read_lines(path: Optional[str]) -> list[str]:
    """The lines of a file the programs write for the grader (see
    inject/sitecustomize.py), [] without one."""
    if not path:
        return []
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read(65536).splitlines()
    except OSError:
        return []


def ending_note(c: Client) -> str:
    """The timeline's line when a client is done."""
    kind, _k = c.outcome()
    if kind == "running":
        return _("{client}: still running, stopped by the grader").format(client=c.label)
    if kind == "crashed":
        return _("{client} crashed{error}, {end}").format(client=c.label, error=python_error(c.output),
                                                          end=end_text(c.end()))
    if not c.output.strip():
        return _("{client} ended without printing anything, {end}").format(
            client=c.label, end=end_text(c.end()))
    if c.answered_at is None:
        return _("{client} printed `{line}` and ended, {end}").format(
            client=c.label, line=last_line(c.output), end=end_text(c.end()))
    return _("{client} ended, {end}").format(client=c.label, end=end_text(c.end()))


# The terminal report's view of a failed check (Feedback.brief_*): the end of
# the server's output and of each client's it is about (a traceback's last
# frame and error, how the program ended).
SERVER_BRIEF = 5
CLIENT_BRIEF = 5


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
        cause = common.cause_of_live(self.server)
        crash = python_error(output)
        if cause is not None:
            summary, hint = cause.summary, cause.hint
        elif crash:
            summary = _("The server crashed before listening on a port") + crash + "."
            hint = _("Read the traceback from its last line up. `Address already in use`: another "
                     "server (one of yours?) holds the port; `socket.setsockopt(SOL_SOCKET, "
                     "SO_REUSEADDR, 1)` before bind() lets a server start again at once.")
            cause = common.crash_cause(SERVER, output)
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
            cause = common.cause_of_live(live)
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


# ---------------------------------------------------------------------------
# The scenarios, each run once per grading and judged by several checks


@dataclass
class SellingOut:
    """One order, then orders of 99 until the stock is gone; then no other
    client, to see the server end by itself."""
    scenario: Scenario
    first: Client
    sequence: list[Client]  # every client served in turn, first included
    emptied: bool = False  # the clients received the whole stock
    waited: float = 0.0  # real seconds the server then had to end with no other client
    sold_out_alone: bool = False  # it printed PLUS DE STOCK ! meanwhile
    ended_alone: bool = False  # and ended
    extra: Optional[Client] = None  # one more client, when it had not ended by itself
    sold_out_after_extra: bool = False  # it printed PLUS DE STOCK ! once that client came
    threads: int = 0  # threads the server had started when the stock was gone
    exit_status: Optional[int] = None
    left: list[str] = field(default_factory=list)


def run_selling_out(make: MakeSandbox) -> SellingOut:
    sc = Scenario(make())
    sc.start_server()
    first = sc.order(seeded(7), paused=True)
    run = SellingOut(sc, first, [first])
    while (len(run.sequence) < LOOP_LIMIT and sc.server.is_alive() and run.sequence[-1].received is not None
           and received_total(run.sequence) < STOCK):
        run.sequence.append(sc.order("high"))
    run.emptied = received_total(run.sequence) >= STOCK and run.sequence[-1].received is not None
    if run.emptied:
        # The order that emptied the stock is answered: the server must print
        # PLUS DE STOCK ! and end now, without one more client to wake it up.
        run.waited = sc.sandbox.stretch(END_WAIT)
        sc.server.wait(run.waited)
        run.threads = sc.server_threads()
        run.sold_out_alone = ServerLog.parse(sc.server_output()).sold_out
        run.ended_alone = not sc.server.is_alive()
        if run.ended_alone:
            sc.timeline.note(_("the server ended by itself, {end}").format(end=end_text(sc.server.end_state())),
                             about="end")
        else:
            sc.timeline.note(_("no other client came: the server is still running"), about="end")
            before = len(sc.server_output())
            run.extra = sc.order("high")
            sc.wait_server_exit(timeout=1)
            run.sold_out_after_extra = SOLD_OUT.search(folded(sc.server_output()[before:])) is not None
    else:
        sc.wait_server_exit(timeout=1)
    run.exit_status = sc.server.exit_status()  # before running(), which would reap it
    run.left = sc.sandbox.running()
    sc.close()
    return run


@dataclass
class QueuedAtEnd:
    """Orders of 99 until the next one empties the stock; that one with two
    more clients queued behind it: they connect once the server has accepted
    it, while the server is paused (its 3 s, 0.3 s here, leave time for that)."""
    scenario: Scenario
    sequence: list[Client]
    last: Optional[Client] = None
    queued: list[Client] = field(default_factory=list)


def run_queued_at_end(make: MakeSandbox) -> QueuedAtEnd:
    sc = Scenario(make())
    sc.start_server()
    run = QueuedAtEnd(sc, [])
    while (len(run.sequence) < LOOP_LIMIT and sc.server.is_alive()
           and (not run.sequence or run.sequence[-1].received is not None)
           and STOCK - received_total(run.sequence) > ORDER_HIGH):
        run.sequence.append(sc.order("high"))
    if sc.server.is_alive() and (not run.sequence or run.sequence[-1].received is not None):
        # the last order is being served (accepted: a server with threads
        # starts on it before the others) when the other two join the queue
        run.last = sc.start_client("high")
        sc.wait_connected([run.last], CLIENT_LIMIT)
        sc.wait_accepted(1)
        sc.pause_server()
        run.queued = [sc.start_client("high") for _ in range(2)]
        sc.wait_connected(run.queued, 3)
        sc.resume_server()
        sc.finish([run.last, *run.queued])
        sc.wait_server_exit(timeout=1)
    sc.close()
    return run


@dataclass
class Queue:
    """Three clients queued at once, served one after the other."""
    scenario: Scenario
    clients: list[Client]


def run_queue(make: MakeSandbox) -> Queue:
    sc = Scenario(make(QUEUE_SCALE))
    sc.start_server()
    sc.pause_server()
    clients = [sc.start_client(seeded(n)) for n in (11, 12, 13)]
    sc.wait_connected(clients, 3)
    released = sc.resume_server()
    for c in clients:
        c.released_at = released
    sc.finish(clients, timeout=CLIENT_LIMIT + 1)
    sc.close()
    return Queue(sc, clients)


def run_no_server(make: MakeSandbox) -> Scenario:
    sc = Scenario(make())
    sc.finish([sc.start_client(seeded(3))])
    sc.close()
    return sc


STAND_IN = "tpgrader_wine_server.py"


@dataclass
class ServerGone:
    """The client's `Echec commande`, judged with the grader's own server
    (fakes/wine_server.py) on the port where the student's client
    connects, as the consumer of I.4 is judged with the grader's producer: it
    reads the order of one client while two more connect and wait in its
    listen queue, then goes away without answering. The grader makes sure
    from the kernel that each of them waits: connected, its order sent (read
    by the server, or waiting unread in its queue), blocked (sleeping in a
    call such as recv()). Whatever the student's server does (one that
    answers at once never leaves a client waiting), every client is seen in
    that situation."""
    scenario: Scenario
    port: int
    where: str  # how the grader knew the port, as the timeline says it
    clients: list[Client] = field(default_factory=list)  # the one whose order was read first
    queued: set[int] = field(default_factory=set)  # the clients (numbers) in the queue
    waiting: set[int] = field(default_factory=set)  # those seen waiting when the server went away


def client_port(no_server: Callable[[], Scenario], server_port: Callable[[], Optional[int]]
                ) -> tuple[Optional[int], str]:
    """Where the student's client looks for its server, and how the grader
    knows: the port it connected to with no server running (recorded by
    inject/sitecustomize.py), else the port the student's server listens on."""
    ns = no_server()
    ports = ns.clients[0].connect_ports() if ns.clients else []
    if ports:
        return ports[0], _("where your client connected when no server ran")
    port = server_port()
    return port, _("where your server listens") if port is not None else ""


def run_server_gone(make: MakeSandbox, no_server: Callable[[], Scenario],
                    server_port: Callable[[], Optional[int]]) -> ServerGone:
    if CLIENT_PORT_GIVEN:
        port, where = free_port(), _("given to the clients on their command line")
    else:
        port, where = client_port(no_server, server_port)
        if port is None:
            ns = no_server()
            ns.fail(_("The grader could not see where your client looks for its server: with no server "
                      "running, it never called connect(), and your server never listened on a port. "
                      "So no client could be made to wait for a server that goes away, and this check "
                      "could not judge your client."),
                    hint=_("The client connects to the server's port (connect(('localhost', PORT))) and "
                           "prints `Service non disponible` when nobody listens there."),
                    about=ns.clients, server_lines=0)
    sc = Scenario(make())
    run = ServerGone(sc, port, where)
    common.write_fake(sc.sandbox, STAND_IN, "wine_server.py")
    stand_in = sc.sandbox.spawn(STAND_IN, argv=["python3", STAND_IN, str(port), "gone"])
    sc.server, sc.stand_in, sc.port = stand_in, True, port
    if stand_in.expect("LISTENING", timeout=sc.sandbox.stretch(5)) is None:
        said = last_line(stand_in.transcript)
        sc.timeline.note(_("the grader's server could not listen on port {port}: {said}").format(
            port=port, said=said or _("(nothing)")), about="setup")
        sc.close()
        sc.fail(_("The grader's server could not listen on port {port} ({where}){said}, so no client "
                  "could be made to wait for a server that goes away: this check could not judge "
                  "your client.").format(port=port, where=where,
                                         said=f": `{said}`" if said else ""),
                hint=_("Use a port above 1024 that nothing else uses, like the statement's 50007."))
    sc.timeline.note(_("the grader's server listens on port {port} ({where}): it reads one order and "
                       "never answers").format(port=port, where=where), about="setup")
    first = sc.start_client(seeded(21))
    run.clients.append(first)
    order = read_order(stand_in, first, sc.sandbox.stretch(CLIENT_LIMIT))
    if order is not None and local_port_to(first.live.pid, port) is not None:
        first.connected_at = time.monotonic()
        if order:
            sc.timeline.note(_("{client} is connected and waits for the answer: the grader's server read "
                               "its order ({order})").format(client=first.label, order=shown_bytes(order)),
                             about=first.number)
        else:
            sc.timeline.note(_("{client} is connected, and has sent nothing").format(client=first.label),
                             about=first.number)
        queued = [sc.start_client(seeded(n)) for n in (22, 23)]
        run.clients += queued
        run.queued = {c.number for c in queued}
        wait_queued(sc, queued, sc.sandbox.stretch(3))
    # Waiting, when the server goes away: connected, blocked in a call (recv())
    run.waiting = {c.number for c in run.clients
                   if c.connected_at is not None and c.live.is_alive()
                   and local_port_to(c.live.pid, port) is not None and process_state(c.live.pid) == "S"}
    stand_in.send_signal(SIGTERM)
    stand_in.wait(sc.sandbox.stretch(2))
    sc.timeline.note(_("the grader's server went away without answering (it ended): the connection it "
                       "had accepted is closed, those in its queue are reset"))
    sc.finish(run.clients)
    sc.close()
    return run


# What the programs and the grader's stand-ins write for the grader is read
# without ast.literal_eval: the scenarios' threads would parse at once, and
# CPython 3.11's parser breaks then (see grader/runner.py, plain_report).


def plain_value(text: str) -> object:
    """A value a random draw gave, as the client's log writes it (repr):
    a whole number or a decimal one as such, anything else as its text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def from_hex(text: str) -> Optional[bytes]:
    """The bytes a stand-in wrote in hexadecimal ("-" for none), None if it is not that."""
    text = text.strip()
    try:
        return b"" if text == "-" else bytes.fromhex(text)
    except ValueError:
        return None


def read_order(stand_in: LiveProcess, c: Client, timeout: float) -> Optional[bytes]:
    """The bytes the grader's server read from client `c` (the first it
    accepts), None if it read none before the client ended or the time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        said = stand_in.expect(r"READ [^\r\n]+", timeout=0.05)
        if said is not None:
            return from_hex(said[len("READ "):])
        if not c.live.is_alive():
            return None
    return None


def wait_queued(sc: Scenario, clients: list[Client], timeout: float) -> None:
    """Until each client is connected to the grader's server and waits in its
    listen queue, its order there unread, blocked (or the client ended, or
    the time ran out: it is then judged as it is)."""
    deadline = time.monotonic() + timeout
    pending = list(clients)
    while pending and time.monotonic() < deadline:
        queue = queued_connections(sc.server.pid, sc.port)
        for c in list(pending):
            local = local_port_to(c.live.pid, sc.port)
            if local is not None and c.connected_at is None:
                c.connected_at = time.monotonic()
            sent = queue.get(local) if local is not None else None
            if sent and process_state(c.live.pid) == "S":
                pending.remove(c)
                sc.timeline.note(_("{client} is connected and waits in the queue of the grader's server: "
                                   "its order ({n} bytes) is there, unread").format(client=c.label, n=sent),
                                 about=c.number)
            elif not c.live.is_alive():
                pending.remove(c)
        time.sleep(0.005)
    for c in pending:  # connected, but no order sent yet (or not connected)
        if c.connected_at is not None:
            sc.timeline.note(_("{client} is connected and waits in the queue of the grader's server, "
                               "without having sent anything").format(client=c.label), about=c.number)


def shown_bytes(data: bytes) -> str:
    """What a program sent, as the report shows it: `57` for text, the bytes
    as Python writes them otherwise (b'\\x00\\x39')."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return repr(data)
    return f"`{text.strip()}`" if text.strip() and text.strip().isprintable() else repr(data)


@dataclass
class RandomOrders:
    """20 single orders, the client's random module driven a different way
    each time, against servers started afresh whenever the stock runs low."""
    scenario: Scenario  # the last one
    orders: list[tuple[str, Optional[int]]]  # (how random was driven, the quantity ordered)


def run_random_orders(make: MakeSandbox) -> RandomOrders:
    drives = ["low", "high"] + [seeded(n) for n in range(101, 119)]
    orders: list[tuple[str, Optional[int]]] = []
    sc, stock, seen = None, 0, 0
    for drive in drives:
        if sc is None or stock < ORDER_HIGH or not sc.server.is_alive():
            if sc is not None:
                sc.close()
            sc, stock, seen = Scenario(make(FAST_SCALE)), STOCK, 0
            sc.start_server()
        c = sc.order(drive)
        ordered = sc.server_log().values("order")
        ordered, seen = ordered[seen:], len(ordered)
        drawn = c.drawn_order()
        # what the server read, else what the client drew, else what it received
        n = ordered[0] if ordered else drawn[1] if drawn else c.received
        orders.append((drive, n))
        stock -= c.received or 0
        asked = quantity_for(drive) if QUANTITY_GIVEN else None
        if asked is not None and n != asked:
            n = check_given_quantity(make, sc, c, asked, ordered[0] if ordered else None)
        if n is None:
            sc.fail(_("The quantity {client} ordered is nowhere to be seen: the server printed no "
                      "`Commande de N bouteille(s)`, the client no quantity received, and its random "
                      "module gave no whole number.").format(client=c.label), about=[c],
                    hint=_("The client draws N with random.randint({low}, {high}) and prints `N bouteille(s) "
                           "recue(s)`; the server prints `Commande de N bouteille(s)`."))
        if not ORDER_LOW <= n <= ORDER_HIGH:
            how = drive_text(drive)
            call = _(" (its call {call} gave {n})").format(call=drawn[0], n=n) if drawn else ""
            if ordered:
                summary = _("With {how}, the client ordered {n} bottles{call}, outside [{low}, {high}].").format(
                    how=how, n=n, call=call)
            else:
                summary = _("With {how}, the client ordered {n} bottles{call}, outside [{low}, {high}]. The "
                            "server printed nothing about that order, and the client printed {said}.").format(
                    how=how, n=n, call=call,
                    said=f"`{last_line(c.output)}`" if c.output.strip() else _("nothing"))
            sc.fail(summary, expected=_("an order between {low} and {high}, both included"), about=[c],
                    hint=_("random.randint({low}, {high}) includes both ends; randint({low-1}, {high}) can give "
                           "{low-1}, randrange({low}, {high+1}) is right, randrange({low}, {high}) never "
                           "gives {high}."))
    sc.close()
    return RandomOrders(sc, orders)


def quantity_cause(seen: str) -> Cause:
    """A client that does not order the quantity on its command line
    (QUANTITY_GIVEN): told once for the checks it costs, with what the
    first of them `seen` (a sentence)."""
    return Cause(f"ignores_quantity:{CLIENT}",
                 _("{script} does not order the quantity given on its command line.").format(script=CLIENT)
                 + " " + seen,
                 _("Order the quantity given on the command line, as the statement does: "
                   "int(sys.argv[2]), not a number written in the program or drawn at random."))


def ignored_quantities(sc: Scenario, clients: Sequence[Client]) -> Optional[tuple[list[int], list[int]]]:
    """(given, read) when the clients were given their quantities on their
    command line (QUANTITY_GIVEN) and the orders the server printed, one
    client after the other, are not those; None otherwise."""
    if not QUANTITY_GIVEN:
        return None
    given = [quantity_for(c.random) for c in clients]
    read = sc.server_log().values("order")[:len(given)]
    return (given[:len(read)], read) if read and read != given[:len(read)] else None


def check_given_quantity(make: MakeSandbox, sc: Scenario, c: Client, asked: int, read: Optional[int]) -> int:
    """Client `c` was given `asked` on its command line, and its order does
    not show it (`read`: the order the student's server printed, None: none).
    What it sends tells: the same client is run against the grader's own
    server, which shows the bytes it gets. Fails when it is not the quantity
    asked; else returns it (the student's server misread it: not the
    client's fault)."""
    sent = observe_order(make, sc.port, c.random)
    text = sent.decode("ascii", "replace").strip() if sent else ""
    if text == str(asked):
        return asked
    if text and read is not None:
        what = _("it sent {sent} (to the grader's own server), and your server read an order of {read}").format(
            sent=shown_bytes(sent), read=read)
    elif text:
        what = _("it sent {sent} (to the grader's own server), and your server printed no `Commande de N "
                 "bouteille(s)` for it").format(sent=shown_bytes(sent))
    elif read is not None:
        what = _("your server read an order of {read}").format(read=read)
    else:
        what = _("what it ordered cannot be seen: your server printed no `Commande de N bouteille(s)` for "
                 "it, and it sent the grader's own server nothing")
    summary = _("{client} was given {asked} on its command line ({command}) as the quantity to order, but "
                "{what}.").format(client=c.label, asked=asked, command=c.live.command, what=what)
    cause = quantity_cause(summary)
    sc.fail(summary, expected=_("an order of {asked}").format(asked=asked), about=[c], hint=cause.hint, cause=cause)


def observe_order(make: MakeSandbox, port: Optional[int], random: str) -> Optional[bytes]:
    """The bytes a client (its random module driven by `random`) sends to the
    grader's own server (fakes/wine_server.py), in a sandbox of its own,
    on the port where it connects (`port`, or a port of the grader's when
    the client is given one); None if that server got no connection."""
    port = free_port() if CLIENT_PORT_GIVEN or port is None else port
    sc = Scenario(make(FAST_SCALE))
    try:
        common.write_fake(sc.sandbox, STAND_IN, "wine_server.py")
        stand_in = sc.sandbox.spawn(STAND_IN, argv=["python3", STAND_IN, str(port), "gone"])
        if stand_in.expect("LISTENING", timeout=sc.sandbox.stretch(5)) is None:
            return None
        sc.server, sc.stand_in, sc.port = stand_in, True, port
        return read_order(stand_in, sc.start_client(random), sc.sandbox.stretch(CLIENT_LIMIT))
    finally:
        sc.close()



def run_cross_check(port: Optional[int], make: MakeSandbox) -> None:
    """Only for a pair that speaks plain decimal text, like the reference.
    Nothing is timed here: the 3 s take 30 ms."""
    sb = make(FAST_SCALE)
    common.write_fake(sb, STAND_IN, "wine_server.py")
    sc = Scenario(sb)
    ref = sb.spawn(STAND_IN, argv=["python3", STAND_IN, str(port), "answer"])
    sc.server = ref
    if ref.expect("LISTENING", timeout=5) is None:
        return  # the port could not be taken: nothing to compare
    sc.port = port
    sc.timeline.note(_("the reference server listens on port {port}").format(port=port), about="setup")
    c = sc.order(seeded(5))
    said = ref.expect(r"READ [^\r\n]+", timeout=1)
    order = from_hex(said[len("READ "):]) if said else None
    text = order.decode("ascii", "replace").strip() if order is not None else ""
    if not text.isdigit():
        return  # the pair has a protocol of its own: the reference does not speak it
    n = int(text)
    sc.close()
    if c.received != n:
        sc.fail(_("Your client sent an order of {n} in decimal text, like the reference, but did not "
                  "print `{n} bouteille(s) recue(s)` from the reference server's answer.").format(n=n),
                hint=_("The reference server answers the quantity in decimal text: "
                       "str(n).encode(). Worth no points: it only shows whether your pair "
                       "follows the usual protocol."))
    # the reference client against the student's server, in a fresh network
    sc2 = Scenario(make(FAST_SCALE))
    sc2.start_server()
    sb2 = sc2.sandbox
    common.write_fake(sb2, "tpgrader_wine_client.py", "wine_client.py")
    ref_client = sb2.spawn("tpgrader_wine_client.py",
                           argv=["python3", "tpgrader_wine_client.py", str(sc2.port), "42"])
    ref_client.wait(sb2.stretch(CLIENT_LIMIT))
    answer = re.search(r"ANSWER (\S+)", ref_client.transcript)
    answer = from_hex(answer.group(1)) if answer else None
    if answer is None or answer.decode("ascii", "replace").strip() != "42":
        sc2.timeline.note(_("the reference client ordered 42 and got: {answer}").format(
            answer=ref_client.transcript.strip() or _("(nothing)")))
        sc2.fail(_("Your server did not answer 42 in decimal text to the reference client's order "
                   "of 42."),
                 hint=_("Your client speaks decimal text, so your server should answer the same "
                        "way: str(delivered).encode(). Worth no points."))


# Every scenario runs in a thread of its own, in sandboxes of its own, all at
# once: they mostly wait (on the server's delay, on clients), so together they
# take as long as the longest one. On the machine's shared network (no
# namespaces) they take turns.
SCENARIOS: dict[str, Callable[[MakeSandbox], object]] = {
    "selling_out": run_selling_out, "queue": run_queue, "queued_at_end": run_queued_at_end,
    "no_server": run_no_server, "random_orders": run_random_orders,
}


@pytest.fixture(scope="module")
def scenarios(grading) -> dict[str, Future]:
    opened: list[Sandbox] = []

    def run_closing(run: Callable[..., object], *args) -> object:
        """Run a scenario: however it ends (a check failed on the way too),
        its programs are stopped and its sandboxes closed, so that on a
        shared network the next scenario finds the port free."""
        mine: list[Sandbox] = []

        def make(scale: float = TIME_SCALE) -> Sandbox:
            sb = Sandbox(grading.submission, time_scale=scale, network=True)
            opened.append(sb)
            mine.append(sb)
            return sb
        try:
            return run(make, *args)
        finally:
            for sb in mine:
                sb.close()
    with Sandbox(grading.submission, network=True) as probe:
        shared = probe.shared_network
    pool = ThreadPoolExecutor(1 if shared else len(SCENARIOS) + 2, thread_name_prefix="tp-grader-scenario")
    futures = {name: pool.submit(run_closing, run) for name, run in SCENARIOS.items()}
    # the reference server takes the port the student's pair uses, known once
    # the shortest scenario with a server is done
    futures["cross_check"] = pool.submit(
        run_closing, lambda make: run_cross_check(futures["queued_at_end"].result().scenario.port, make))

    def server_port() -> Optional[int]:
        try:
            return futures["queued_at_end"].result().scenario.port
        except CheckFailed:  # the server never listened
            return None
    # the grader's server where the client connects, known once it ran with no server
    futures["server_gone"] = pool.submit(run_closing, run_server_gone, futures["no_server"].result, server_port)
    try:
        yield futures
    finally:
        if not all(f.done() for f in futures.values()):  # cut short: free what they wait on
            for sb in list(opened):
                sb.kill_all()
        pool.shutdown(wait=True)
        for sb in opened:
            sb.close()


@pytest.fixture(scope="module")
def selling_out(scenarios) -> SellingOut:
    return scenarios["selling_out"].result()


@pytest.fixture(scope="module")
def queue(scenarios) -> Queue:
    return scenarios["queue"].result()


@pytest.fixture(scope="module")
def queued_at_end(scenarios) -> QueuedAtEnd:
    return scenarios["queued_at_end"].result()


@pytest.fixture(scope="module")
def no_server(scenarios) -> Scenario:
    return scenarios["no_server"].result()


@pytest.fixture(scope="module")
def server_gone(scenarios) -> ServerGone:
    return scenarios["server_gone"].result()
