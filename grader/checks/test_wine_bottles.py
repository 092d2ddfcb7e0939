"""III.2 wine bottles: the student's server and client, graded as a pair.

Every scenario runs in a sandbox with a network of its own (grader/isolation.py),
so the pair may use any port and any protocol: the grader reads the port from
the kernel (the server's listening socket) and only looks at what both print.

Orders are the client's own random draws, driven through its `random` module
(inject/sitecustomize.py): a seed gives the same order on every run, "high"
makes it order the most its range allows (99 with randint(1, 99)), so that the
stock runs out after a known number of orders, and "low" / "high" show a range
that is off by one on every run.

To put clients in the server's queue for certain, the grader pauses the server
(SIGSTOP) while they connect (the kernel completes connections to a listening
socket whether its program runs or not) and then lets it go on (SIGCONT): a
correct server sees nothing of it, and no check depends on how fast a client
starts. The server's 3 s wait runs TIME_SCALE times faster."""
from __future__ import annotations

import ast
import re
import time
import unicodedata
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from signal import SIGCONT, SIGSTOP
from typing import Callable, Optional

import pytest

from grader.checks import common
from grader.checks.common import Timeline, python_error, tail
from grader.feedback import fail
from grader.harness import LiveProcess, Sandbox
from grader.i18n import N_, _
from grader.isolation import connected_to, listening_ports
from grader.paths import FAKES_DIR
from grader.runner import check

EX = "wine_bottles"
SERVER = "wine_bottles_server.py"
CLIENT = "wine_bottles_client.py"
STOCK = 300
TIME_SCALE = 10  # the server's 3 s take 0.3 s
# The random-orders check runs 20 orders: there the 3 s take 30 ms.
FAST_SCALE = 100
CLIENT_LIMIT = 5.0  # real seconds a client may take once the server answers
MIN_DELAY = 2.0  # virtual seconds: the statement's 3, less what measuring costs
MakeSandbox = Callable[..., Sandbox]  # make(scale=TIME_SCALE): a new sandbox with a network of its own


# ---------------------------------------------------------------------------
# Reading what the programs print (case, accents, spacing and punctuation free)


def folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


ORDER = re.compile(r"commande\s+de\s+(-?\d+)")
REMAINING = re.compile(r"reste\s+en\s+stock\W*(-?\d+)")
SOLD_OUT = re.compile(r"plus\s+de\s+stock")
WAITING = re.compile(r"serveur\s+en\s+attente")
RECEIVED = re.compile(r"(-?\d+)\s*bouteille\S*\s+recue")
UNAVAILABLE = re.compile(r"service\s+non\s+disponible")
FAILED = re.compile(r"echec\s+(?:de\s+(?:la\s+)?)?commande")
# What a client prints when it is done (pexpect, on the raw terminal text).
ANSWER = r"(?i)(bouteille\S*\s+re(?:ç|c)u|disponible|chec\s|Traceback|Error)"


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
                    events.append((kind, int(m.group(1)) if m.groups() else 0))
        return cls(events)

    def values(self, kind: str) -> list[int]:
        return [v for k, v in self.events if k == kind]

    @property
    def sold_out(self) -> bool:
        return any(k == "sold_out" for k, _v in self.events)


@dataclass
class Client:
    number: int
    random: str  # how its random module was driven
    live: LiveProcess
    started: float
    connected_at: Optional[float] = None  # real time (monotonic) the kernel saw it connected
    answered_at: Optional[float] = None
    # when the server, paused while this client connected, was let go on: it
    # could not have read the order before
    released_at: Optional[float] = None
    status: Optional[int] = None
    ended: bool = False
    kept_output: Optional[str] = None  # once the scenario is closed

    @property
    def label(self) -> str:
        return _("client {n}").format(n=self.number)

    @property
    def output(self) -> str:
        return self.live.transcript if self.kept_output is None else self.kept_output

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
            return "received", int(m.group(1))
        if FAILED.search(text):
            return "failed", None
        if UNAVAILABLE.search(text):
            return "unavailable", None
        return "other", None

    @property
    def received(self) -> Optional[int]:
        kind, k = self.outcome()
        return k if kind == "received" else None


def describe(c: Client) -> str:
    kind, k = c.outcome()
    if kind == "running":
        return _("{client}: still waiting, stopped by the grader").format(client=c.label)
    if kind == "crashed":
        return _("{client}: crashed{error}").format(client=c.label, error=python_error(c.output))
    if not c.output.strip():
        return _("{client}: ended, printing nothing").format(client=c.label)
    last = c.output.strip().split("\n")[-1].strip()
    return _("{client}: printed `{line}`").format(client=c.label, line=last)


class Scenario:
    """One server and the clients the grader starts against it, in one
    sandbox; everything done and seen goes on a timeline for the report."""

    def __init__(self, sandbox: Sandbox):
        self.sandbox = sandbox
        self.timeline = Timeline(sandbox.time_scale)
        self.server: Optional[LiveProcess] = None
        self.port: Optional[int] = None
        self.clients: list[Client] = []
        self.kept_server_output: Optional[str] = None  # once closed

    # -- the server -------------------------------------------------------------

    def start_server(self) -> None:
        self.server = self.sandbox.spawn(SERVER)
        self.timeline.note(_("started {command}").format(command=self.server.command))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and self.server.is_alive():
            ports = listening_ports(self.server.family())
            if ports:
                self.port = min(ports)
                self.timeline.note(_("the server listens on port {port}").format(port=self.port))
                return
            time.sleep(0.005)
        self.server_output()
        crash = python_error(self.server.transcript)
        if crash:
            summary = _("The server crashed before listening on a port") + crash + "."
            hint = _("Read the traceback from its last line up. `Address already in use`: another "
                     "server (one of yours?) holds the port; `socket.setsockopt(SOL_SOCKET, "
                     "SO_REUSEADDR, 1)` before bind() lets a server start again at once.")
        elif self.server.is_alive():
            summary = _("The server runs but listens on no TCP port after 5 s.")
            hint = _("Like echo-server.py: socket(AF_INET, SOCK_STREAM), bind(('', PORT)), listen(5), "
                     "then accept() in a loop.")
        else:
            summary = _("The server ended without ever listening on a port.")
            hint = _("Like echo-server.py: socket(AF_INET, SOCK_STREAM), bind(('', PORT)), listen(5), "
                     "then a loop of accept() that ends when the stock is gone.")
        self.fail(summary, hint=hint)

    def server_output(self) -> str:
        if self.kept_server_output is not None:
            return self.kept_server_output
        self.server.drain(quiet=0.02)
        return self.server.transcript

    def server_log(self) -> ServerLog:
        return ServerLog.parse(self.server_output())

    def pause_server(self) -> None:
        self.server.send_signal(SIGSTOP)
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline and self.server.is_alive() and not is_stopped(self.server.pid):
            time.sleep(0.001)
        self.timeline.note(_("server paused (SIGSTOP) while clients connect"))

    def resume_server(self) -> None:
        self.server.send_signal(SIGCONT)
        self.timeline.note(_("server resumed (SIGCONT)"))

    def wait_server_exit(self, timeout: float) -> Optional[int]:
        status = self.server.wait(self.sandbox.stretch(timeout))
        if self.server.is_alive():
            self.timeline.note(_("the server is still running"))
        else:
            self.timeline.note(_("the server ended, exit status {status}").format(status=status))
        return status

    # -- clients ------------------------------------------------------------------

    def start_client(self, random: str) -> Client:
        live = self.sandbox.spawn(CLIENT, env={"TPGRADER_RANDOM": random})
        c = Client(len(self.clients) + 1, random, live, time.monotonic())
        self.clients.append(c)
        self.timeline.note(_("{client} started ({how})").format(client=c.label, how=drive_text(random)))
        return c

    def wait_connected(self, clients: list[Client], timeout: float) -> None:
        """Until the kernel shows each client connected to the server's port
        (or the client ended)."""
        deadline = time.monotonic() + timeout
        waiting = [c for c in clients if c.connected_at is None]
        while waiting and time.monotonic() < deadline:
            for c in list(waiting):
                if connected_to(c.live.pid, self.port):
                    c.connected_at = time.monotonic()
                    waiting.remove(c)
                    self.timeline.note(_("{client} is connected").format(client=c.label))
                elif not c.live.is_alive():
                    waiting.remove(c)
            time.sleep(0.002)

    def finish(self, c: Client, timeout: float = CLIENT_LIMIT) -> None:
        """Wait for the client's answer and its end (or stop it)."""
        timeout = self.sandbox.stretch(timeout)
        if c.answered_at is None and c.live.expect(ANSWER, timeout=timeout) is not None:
            c.answered_at = time.monotonic()
        c.status = c.live.wait(timeout)
        c.ended = not c.live.is_alive()
        self.timeline.note(describe(c))

    def order(self, random: str, paused: bool = False) -> Client:
        """One client, started alone and waited for. `paused`: the server is
        paused until the client is connected, so that the time from its
        release to the answer is all the server's (see test_delay)."""
        if paused:
            self.pause_server()
        c = self.start_client(random)
        self.wait_connected([c], CLIENT_LIMIT)
        if paused:
            self.resume_server()
            c.released_at = time.monotonic()
        self.finish(c)
        return c

    def close(self) -> None:
        """Keep what every program printed, then stop them all and free the
        network (on a shared network, the next scenario needs the port)."""
        if self.server is not None:
            self.kept_server_output = self.server_output()
        for c in self.clients:
            c.live.drain(quiet=0)
            c.kept_output = c.live.transcript
        self.sandbox.close()

    # -- reporting -----------------------------------------------------------------

    def fail(self, summary: str, hint: str, expected: Optional[str] = None) -> None:
        shown = []
        if self.server is not None:
            shown.append(_("server ({command}):").format(command=self.server.command) + "\n"
                         + (tail(self.server_output(), 20) or _("(nothing)")))
        for c in self.clients:
            shown.append(_("{client} ({command}):").format(client=c.label, command=c.live.command)
                         + "\n" + (tail(c.output, 8) or _("(nothing)")))
        fail(summary, command=self.server.command if self.server else None,
             context=self.timeline.text(), expected=expected, actual="\n\n".join(shown), hint=hint)


def is_stopped(pid: int) -> bool:
    """The process is stopped by a signal (state T in /proc/PID/stat)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("T", "t")
    except (OSError, IndexError):
        return False


def drive_text(random: str) -> str:
    if random == "high":
        return _("its random draws give the highest value of their range")
    if random == "low":
        return _("its random draws give the lowest value of their range")
    return _("random seeded with {seed}").format(seed=random.split(":", 1)[1])


# ---------------------------------------------------------------------------
# The scenarios, each run once per grading and judged by several checks


@dataclass
class SellingOut:
    """One order, then orders of 99 until the stock is gone, with two more
    clients queued while the last order is served."""
    scenario: Scenario
    first: Client
    sequence: list[Client]  # every client served in turn, first included
    queued: list[Client] = field(default_factory=list)
    exit_status: Optional[int] = None
    left: list[str] = field(default_factory=list)


def run_selling_out(make: MakeSandbox) -> SellingOut:
    sc = Scenario(make())
    sc.start_server()
    first = sc.order("seed:7", paused=True)
    run = SellingOut(sc, first, [first])
    for _round in range(8):  # 300 bottles: 4 orders of 99 at most after the first
        received = sum(c.received or 0 for c in run.sequence)
        if not sc.server.is_alive() or run.sequence[-1].received is None or STOCK - received <= 99:
            break
        run.sequence.append(sc.order("high"))
    if sc.server.is_alive() and run.sequence[-1].received is not None:
        last = sc.start_client("high")
        run.sequence.append(last)
        sc.wait_connected([last], CLIENT_LIMIT)
        sc.pause_server()
        run.queued = [sc.start_client("high") for _ in range(2)]
        sc.wait_connected(run.queued, 3)
        sc.resume_server()
        for c in [last, *run.queued]:
            sc.finish(c)
    run.exit_status = sc.wait_server_exit(timeout=2)
    run.left = sc.sandbox.running()
    sc.close()
    return run


@dataclass
class Queue:
    """Three clients queued at once, served one after the other."""
    scenario: Scenario
    clients: list[Client]


def run_queue(make: MakeSandbox) -> Queue:
    sc = Scenario(make())
    sc.start_server()
    sc.pause_server()
    clients = [sc.start_client(f"seed:{seed}") for seed in (11, 12, 13)]
    sc.wait_connected(clients, 1.5)
    sc.resume_server()
    for c in clients:
        sc.finish(c, timeout=CLIENT_LIMIT + 1)
    sc.close()
    return Queue(sc, clients)


def run_no_server(make: MakeSandbox) -> Scenario:
    sc = Scenario(make())
    sc.finish(sc.start_client("seed:3"))
    sc.close()
    return sc


@dataclass
class RandomOrders:
    """20 single orders, the client's random module driven a different way
    each time, against servers started afresh whenever the stock runs low."""
    scenario: Scenario  # the last one
    orders: list[tuple[str, Optional[int]]]  # (how random was driven, the quantity ordered)


def run_random_orders(make: MakeSandbox) -> RandomOrders:
    drives = ["low", "high"] + [f"seed:{s}" for s in range(101, 119)]
    orders: list[tuple[str, Optional[int]]] = []
    sc, stock = None, 0
    for drive in drives:
        if sc is None or stock < 99 or not sc.server.is_alive():
            if sc is not None:
                sc.close()
            sc, stock = Scenario(make(FAST_SCALE)), STOCK
            sc.start_server()
        before = len(sc.server_log().values("order"))
        c = sc.order(drive)
        ordered = sc.server_log().values("order")[before:]
        n = ordered[0] if ordered else c.received
        orders.append((drive, n))
        stock -= c.received or 0
        if n is None:
            sc.fail(_("Neither the client nor the server showed the quantity ordered ({client}).").format(
                    client=c.label),
                    hint=_("The client prints `N bouteille(s) recue(s)`, the server `Commande de N "
                           "bouteille(s)`."))
        if not 1 <= n <= 99:
            sc.fail(_("With {how}, the client ordered {n} bottles, outside [1, 99].").format(
                    how=drive_text(drive), n=n),
                    expected=_("an order between 1 and 99, both included"),
                    hint=_("random.randint(1, 99) includes both ends; randint(0, 99) can give 0, "
                           "randrange(1, 100) is right, randrange(1, 99) never gives 99."))
    sc.close()
    return RandomOrders(sc, orders)


# Every scenario runs in a thread of its own, in sandboxes of its own, all at
# once: they mostly wait (on the server's delay, on clients), so together they
# take as long as the longest one. On the machine's shared network (no
# namespaces) they take turns.
SCENARIOS: dict[str, Callable[[MakeSandbox], object]] = {
    "selling_out": run_selling_out, "queue": run_queue, "no_server": run_no_server,
    "random_orders": run_random_orders,
}


@pytest.fixture(scope="module")
def scenarios(grading) -> dict[str, Future]:
    opened: list[Sandbox] = []

    def make(scale: float = TIME_SCALE) -> Sandbox:
        sb = Sandbox(grading.submission, time_scale=scale, network=True)
        opened.append(sb)
        return sb
    with Sandbox(grading.submission, network=True) as probe:
        shared = probe.shared_network
    pool = ThreadPoolExecutor(1 if shared else len(SCENARIOS) + 1, thread_name_prefix="tp-grader-scenario")
    futures = {name: pool.submit(run, make) for name, run in SCENARIOS.items()}
    # the reference server takes the port the student's pair uses, once selling_out is done
    futures["cross_check"] = pool.submit(
        lambda: run_cross_check(futures["selling_out"].result().scenario.port, make))
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
def no_server(scenarios) -> Scenario:
    return scenarios["no_server"].result()


# ---------------------------------------------------------------------------
# The checks


@check(EX, "server_launch", N_("The server runs as ./wine_bottles_server.py and listens on a TCP port"))
def test_server_launch(selling_out):
    common.check_launch_problems(SERVER, selling_out.scenario.sandbox.submission.launch_problems(SERVER))


@check(EX, "client_launch", N_("The client runs as ./wine_bottles_client.py"))
def test_client_launch(no_server):
    common.check_launch_problems(CLIENT, no_server.sandbox.submission.launch_problems(CLIENT))
    c = no_server.clients[0]
    if not c.output.strip():
        no_server.fail(_("The client printed nothing at all: it does not seem to be written yet."),
                       hint=_("The client connects to the server, sends its order, prints the answer."))


@check(EX, "no_server", N_("Client with no server: `Service non disponible`, no traceback"))
def test_no_server(no_server):
    c = no_server.clients[0]
    kind, _k = c.outcome()
    if kind == "unavailable":
        return
    expected = "Service non disponible"
    if kind == "crashed":
        no_server.fail(_("With no server, the client crashed") + python_error(c.output) + ".",
                       expected=expected,
                       hint=_("connect() raises ConnectionRefusedError when no server listens: put it "
                              "in a try: ... except OSError: block that prints `Service non disponible`."))
    if kind == "running":
        no_server.fail(_("With no server, the client did not end."), expected=expected,
                       hint=_("When connect() fails, print the message and stop (sys.exit)."))
    no_server.fail(_("With no server, the client does not print `Service non disponible`."),
                   expected=expected,
                   hint=_("When connect() fails (except OSError), print `Service non disponible`."))


@check(EX, "one_order", N_("One client, one order: it gets N bottles, N in [1, 99]; the server prints `Commande de N` and `Reste en stock : 300-N`"))
def test_one_order(selling_out):
    sc, c = selling_out.scenario, selling_out.first
    kind, k = c.outcome()
    log = sc.server_log()
    orders, remaining = log.values("order"), log.values("remaining")
    n = orders[0] if orders else None
    expected = _("the client: `N bouteille(s) recue(s)`; the server: `Commande de N bouteille(s)`, "
                 "then `Reste en stock : {stock}-N bouteille(s)`").format(stock=STOCK)
    if kind != "received":
        hints = {
            "unavailable": _("The client found no server: does it connect to the port the server "
                             "listens on ({port}), on 'localhost'?").format(port=sc.port),
            "crashed": _("Read the client's traceback from its last line up."),
            "running": _("The client never got an answer: does the server send() one, and does "
                         "the client recv() it?"),
            "failed": _("The client got no answer: does the server send() the quantity delivered "
                        "before closing the connection?"),
        }
        sc.fail(_("The client did not print the bottles it received."), expected=expected,
                hint=hints.get(kind, _("Print the answer as `N bouteille(s) recue(s)`.")))
    if n is None:
        sc.fail(_("The server did not print `Commande de N bouteille(s)` for the order."),
                expected=expected, hint=_("After reading the order, print it: "
                                          "print('Commande de', n, 'bouteille(s)')."))
    if k != n:
        sc.fail(_("The client says {k} bottles received, the server says {n} ordered.").format(k=k, n=n),
                expected=expected,
                hint=_("With 300 bottles in stock the server delivers all of the order: it sends "
                       "back the quantity delivered, and the client prints that quantity."))
    if not 1 <= n <= 99:
        sc.fail(_("The client ordered {n} bottles, outside [1, 99].").format(n=n), expected=expected,
                hint=_("random.randint(1, 99) draws N in [1, 99], both ends included."))
    if not remaining or remaining[0] != STOCK - n:
        sc.fail(_("After an order of {n}, the server does not print `Reste en stock : {s} bouteille(s)`.")
                .format(n=n, s=STOCK - n), expected=expected,
                hint=_("The stock starts at 300; after each order print what is left: "
                       "print('Reste en stock :', stock, 'bouteille(s)')."))


@check(EX, "delay", N_("The server answers no sooner than 3 seconds after the order"))
def test_delay(selling_out):
    sc, c = selling_out.scenario, selling_out.first
    if c.received is None or c.answered_at is None or c.released_at is None:
        sc.fail(_("The client got no answer, so the delay could not be measured."),
                hint=_("See the check of one order first."))
    # From the server's release (it was paused while the client connected, so
    # it had not read the order yet) to the answer printed: never shorter than
    # the server's wait, however late the grader gets to run on a busy machine.
    waited = (c.answered_at - c.released_at) * sc.sandbox.time_scale
    if waited < MIN_DELAY:
        sc.fail(_("The answer came {s:.1f} s after the server could read the order (on the "
                  "program's clock); the statement asks for 3 s.").format(s=waited),
                expected=_("at least 3 s between the order and the answer"),
                hint=_("Between receiving the order and send(), wait: time.sleep(3)."))


@check(EX, "stock_runs_out", N_("Orders until the stock is gone: 300 bottles delivered in all, then `PLUS DE STOCK !` and the server ends"))
def test_stock_runs_out(selling_out):
    sc = selling_out.scenario
    served = selling_out.sequence
    got = [c.received for c in served]
    log = sc.server_log()
    expected = _("deliveries adding up to 300 (the last one may be smaller than its order), "
                 "`Reste en stock : 0 bouteille(s)`, `PLUS DE STOCK !`, then the server ends")
    if None in got:
        c = served[got.index(None)]
        sc.fail(_("{client} did not get its bottles while the stock was not gone.").format(client=c.label),
                expected=expected,
                hint=_("The server serves orders one after the other until the stock is 0: "
                       "its accept() loop goes on while stock > 0."))
    total = sum(got)
    if total > STOCK or any(v < 0 for v in log.values("remaining")):
        sc.fail(_("The server delivered {total} bottles in all, more than its stock of 300.").format(total=total),
                expected=expected,
                hint=_("Deliver min(order, stock), never more than what is left: the stock must "
                       "not go below 0."))
    if total < STOCK:
        sc.fail(_("The clients received {total} bottles in all: the stock of 300 is not used up.").format(
                total=total), expected=expected,
                hint=_("When the stock is smaller than the order, deliver what is left (min(order, "
                       "stock)), so the stock ends at exactly 0."))
    if not log.sold_out:
        sc.fail(_("The server did not print `PLUS DE STOCK !` when the stock ran out."), expected=expected,
                hint=_("When the stock reaches 0, leave the loop and print `PLUS DE STOCK !`."))
    if sc.server.is_alive():
        sc.fail(_("The server is still running after the stock ran out."), expected=expected,
                hint=_("Loop while stock > 0: once the stock is gone, the server prints "
                       "`PLUS DE STOCK !` and ends."))


@check(EX, "one_at_a_time", N_("Clients started at once are each served, one after the other"))
def test_one_at_a_time(queue):
    sc = queue.scenario
    expected = _("each client: `N bouteille(s) recue(s)`; the server: `Commande de ...`, "
                 "`Reste en stock : ...` for one client, then for the next")
    missing = [c for c in queue.clients if c.received is None]
    if missing:
        sc.fail(_("{client} did not get its bottles when three clients ordered at once.").format(
                client=missing[0].label), expected=expected,
                hint=_("The server accepts the clients one after the other: after answering one, "
                       "it closes that connection and goes back to accept(); listen(5) lets "
                       "the others wait meanwhile."))
    log = sc.server_log()
    figures = [k for k, _v in log.events if k in ("order", "remaining")]
    if figures != ["order", "remaining"] * len(queue.clients):
        sc.fail(_("The server's log does not show the orders one after the other (an order, "
                  "its stock, then the next order)."), expected=expected,
                hint=_("One client at a time, as echo-server.py: accept, read the order, wait, "
                       "update the stock, answer, close; then the next one."))
    if sorted(log.values("order")) != sorted(c.received for c in queue.clients):
        sc.fail(_("The quantities the clients received are not the orders the server printed."),
                expected=expected,
                hint=_("Each client must get the answer to its own order, with the stock far "
                       "from empty: the whole order."))


@check(EX, "queued_clients_fail", N_("Clients still waiting when the server quits print `Echec commande`, no traceback"))
def test_queued_clients_fail(selling_out):
    sc = selling_out.scenario
    if not selling_out.queued:
        sc.fail(_("No client could be left waiting: the server had stopped serving before its "
                  "stock ran out."),
                hint=_("See the check of orders until the stock is gone."))
    expected = _("each waiting client: `Echec commande`")
    for c in selling_out.queued:
        kind, k = c.outcome()
        if kind == "failed":
            continue
        if c.connected_at is None and kind == "unavailable":
            continue  # it never got into the queue (a small listen() backlog): a fair answer
        if kind == "crashed":
            sc.fail(_("{client} was waiting when the server quit, and crashed").format(client=c.label)
                    + python_error(c.output) + ".", expected=expected,
                    hint=_("When the server goes away, recv() raises ConnectionResetError (or "
                           "returns b''): catch it (except OSError) and print `Echec commande`."))
        if kind == "received":
            sc.fail(_("{client} received {k} bottles after the stock was gone.").format(client=c.label, k=k),
                    expected=expected,
                    hint=_("Once the stock is 0 the server prints `PLUS DE STOCK !` and ends: the "
                           "clients still waiting then see the connection closed."))
        if kind == "running":
            sc.fail(_("{client} was still waiting long after the server ran out of stock.").format(
                    client=c.label), expected=expected,
                    hint=_("The server must end when the stock is gone, which closes the waiting "
                           "connections; the client then prints `Echec commande`."))
        sc.fail(_("{client} was waiting when the server quit and did not print `Echec commande`.").format(
                client=c.label), expected=expected,
                hint=_("An empty answer (b'') or ConnectionResetError means the server is gone: "
                       "print `Echec commande`."))


@check(EX, "random_orders", N_("The client orders a random quantity in [1, 99]"))
def test_random_orders(scenarios):
    run = scenarios["random_orders"].result()
    seeded = [n for d, n in run.orders if d.startswith("seed:")]
    if len(set(seeded)) == 1:
        run.scenario.fail(_("Over {runs} runs with different random seeds, the client always ordered "
                            "{n} bottles.").format(runs=len(seeded), n=seeded[0]),
                          hint=_("Draw the order at random each time: n = random.randint(1, 99)."))


@check(EX, "invariants", N_("Over every run: deliveries add up to what left the stock, every client ends with one of the three messages, nothing left running"))
def test_invariants(selling_out, queue):
    for sc, stopped in ((selling_out.scenario, True), (queue.scenario, False)):
        log = sc.server_log()
        remaining = log.values("remaining")
        received = sum(c.received or 0 for c in sc.clients)
        if received > STOCK:
            sc.fail(_("The clients received {got} bottles in all, more than the 300 in stock.").format(
                    got=received),
                    hint=_("Deliver min(order, stock): never more than what is left."))
        if remaining and received != STOCK - remaining[-1]:
            sc.fail(_("The clients received {got} bottles in all, but the stock went down by {removed}.")
                    .format(got=received, removed=STOCK - remaining[-1]),
                    hint=_("Send back exactly the quantity taken from the stock, and print the "
                           "stock after the update."))
        odd = [c for c in sc.clients if c.outcome()[0] not in ("received", "failed", "unavailable")]
        if odd:
            sc.fail(_("{client} did not end with one of the statement's messages.").format(client=odd[0].label),
                    expected=_("`N bouteille(s) recue(s)`, `Echec commande` or `Service non disponible`"),
                    hint=_("Every way a client can end prints one of the three messages, without a "
                           "traceback: catch OSError around connect(), send() and recv()."))
    if selling_out.left:
        selling_out.scenario.fail(
            _("Processes of yours were still running after the stock ran out: {left}.").format(
                left="; ".join(selling_out.left)),
            hint=_("When the stock is gone the server ends, and every client ends once answered."))


@check(EX, "server_messages", N_("The server prints `Serveur en attente de commande` before each client"))
def test_server_messages(selling_out):
    sc = selling_out.scenario
    log = sc.server_log()
    kinds = [k for k, _v in log.events if k in ("waiting", "order")]
    # One waiting message per accept(), the first before any order. Counted,
    # not placed: a server that serves in threads prints them in any order.
    if not kinds or kinds[0] != "waiting" or kinds.count("waiting") < kinds.count("order"):
        sc.fail(_("The server does not print `Serveur en attente de commande` before each accept()."),
                expected="Serveur en attente de commande",
                hint=_("print('Serveur en attente de commande') just before accept(), in the loop."))


@check(EX, "cross_check", N_("Cross-check (no points): your client with the reference server, the reference client with your server"))
def test_cross_check(scenarios):
    scenarios["cross_check"].result()


def run_cross_check(port: Optional[int], make: MakeSandbox) -> None:
    """Only for a pair that speaks plain decimal text, like the reference."""
    sb = make()
    for name in ("wine_server.py", "wine_client.py"):
        sb.write("tpgrader_" + name, (FAKES_DIR / name).read_text(encoding="utf-8"), mode=0o755)
    sc = Scenario(sb)
    ref = sb.spawn("tpgrader_wine_server.py", argv=["python3", "tpgrader_wine_server.py", str(port)])
    sc.server = ref
    if ref.expect("LISTENING", timeout=5) is None:
        return  # the port could not be taken: nothing to compare
    sc.port = port
    sc.timeline.note(_("the reference server listens on port {port}").format(port=port))
    c = sc.order("seed:5")
    said = ref.expect(r"(ORDER|PROTOCOL)[^\r\n]*", timeout=1) or ""
    if not said.startswith("ORDER"):
        return  # the pair has a protocol of its own: the reference does not speak it
    n = int(said.split()[1])
    sc.close()
    if c.received != n:
        sc.fail(_("Your client sent an order of {n} in decimal text, like the reference, but did not "
                  "print `{n} bouteille(s) recue(s)` from the reference server's answer.").format(n=n),
                hint=_("The reference server answers the quantity in decimal text: "
                       "str(n).encode(). Worth no points: it only shows whether your pair "
                       "follows the usual protocol."))
    # the reference client against the student's server, in a fresh network
    sc2 = Scenario(make())
    sc2.start_server()
    sb2 = sc2.sandbox
    sb2.write("tpgrader_wine_client.py", (FAKES_DIR / "wine_client.py").read_text(encoding="utf-8"), mode=0o755)
    ref_client = sb2.spawn("tpgrader_wine_client.py",
                           argv=["python3", "tpgrader_wine_client.py", str(sc2.port), "42"])
    ref_client.wait(sb2.stretch(CLIENT_LIMIT))
    answer = re.search(r"ANSWER (b'.*')", ref_client.transcript)
    if not answer or ast.literal_eval(answer.group(1)).decode("ascii", "replace").strip() != "42":
        sc2.timeline.note(_("the reference client ordered 42 and got: {answer}").format(
            answer=ref_client.transcript.strip() or _("(nothing)")))
        sc2.fail(_("Your server did not answer 42 in decimal text to the reference client's order "
                   "of 42."),
                 hint=_("Your client speaks decimal text, so your server should answer the same "
                        "way: str(delivered).encode(). Worth no points."))
