"""A client of a scenario: how it was started, what it printed, how it ended."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from grader.feedback import Cause
from grader.harness import LiveProcess
from grader.i18n import _
from grader.kit.crashes import python_error
from grader.kit.wine.messages import (FAILED, Message, RECEIVED, UNAVAILABLE, end_text, folded, last_line,
                                      plain_value)
from grader.kit.wine.setting import CLIENT, CLIENT_PORT_GIVEN


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
