"""The scenarios, each run once per grading and judged by several checks
(their fixtures: grader/checks/conftest.py)."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from signal import SIGTERM
from typing import Callable, Optional, Sequence

from grader.feedback import Cause
from grader.harness import LiveProcess
from grader.i18n import _
from grader.harness.network import local_port_to, queued_connections
from grader.kit import fakes
from grader.kit.wine.clients import Client
from grader.kit.wine.messages import (ORDER_HIGH, ORDER_LOW, SOLD_OUT, ServerLog, end_text, folded, from_hex,
                                      last_line)
from grader.kit.wine.pair import (Scenario, drive_text, free_port, process_state, quantity_for,
                                  received_total, seeded)
from grader.kit.wine.setting import (CLIENT, CLIENT_LIMIT, CLIENT_PORT_GIVEN, END_WAIT, FAST_SCALE,
                                     LOOP_LIMIT, MakeSandbox, QUANTITY_GIVEN, QUEUE_SCALE, STOCK)


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
    fakes.write_fake(sc.sandbox, STAND_IN, "wine_server.py")
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
    """6 single orders, the client's random module driven a different way
    each time, against servers started afresh whenever the stock runs low."""
    scenario: Scenario  # the last one
    orders: list[tuple[str, Optional[int]]]  # (how random was driven, the quantity ordered)


# "low" and "high" drive the client's random module to the ends of the range
# it is asked for: they show a range wrong at either end. The seeded orders
# only show that the order follows the draw (a client that ignores random
# orders the same every time), which four seeds show as well as the 18 there
# were until issue 28: each order is a client run, and a server every few.
RANDOM_SEEDS = range(101, 105)


def run_random_orders(make: MakeSandbox) -> RandomOrders:
    drives = ["low", "high"] + [seeded(n) for n in RANDOM_SEEDS]
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
        fakes.write_fake(sc.sandbox, STAND_IN, "wine_server.py")
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
    fakes.write_fake(sb, STAND_IN, "wine_server.py")
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
    fakes.write_fake(sb2, "tpgrader_wine_client.py", "wine_client.py")
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
