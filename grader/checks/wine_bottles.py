"""III.2 wine bottles: the student's server and client, graded as a pair.

The scenarios these checks judge, and how they run: grader/kit/wine/ (their
fixtures: conftest.py)."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from grader.feedback import Cause, CheckFailed
from grader.i18n import N_, _
from grader.kit import check, crashes, launch
from grader.kit.crashes import python_error
from grader.kit.wine.clients import Client, ending_note
from grader.kit.wine.messages import ORDER_HIGH, ORDER_LOW, UNAVAILABLE, WAITING, end_text, last_line
from grader.kit.wine.pair import Scenario, received_total
from grader.kit.wine.scenarios import ServerGone, ignored_quantities, quantity_cause
from grader.kit.wine.setting import (CLIENT, CLIENT_LIMIT, DELAY, MIN_DELAY, QUANTITY_GIVEN, SERVER,
                                     SERVICE_GAP, STOCK)


EX = "wine_bottles"


@check(EX, "server_launch", N_("The server runs as ./wine_bottles_server.py and listens on a TCP port"))
def test_server_launch(selling_out):
    launch.check_launch_problems(SERVER, selling_out.scenario.sandbox.submission.launch_problems(SERVER))


@check(EX, "client_launch", N_("The client runs as ./wine_bottles_client.py"))
def test_client_launch(no_server):
    launch.check_launch_problems(CLIENT, no_server.sandbox.submission.launch_problems(CLIENT))
    cause = no_server.cause()
    if cause is not None:
        no_server.fail(cause.summary, hint=cause.hint, cause=cause, about=no_server.clients)
    c = no_server.clients[0]
    if not c.output.strip():
        no_server.fail(_("The client printed nothing at all: it does not seem to be written yet."),
                       hint=_("The client connects to the server, sends its order, prints the answer."),
                       about=[c])


@check(EX, "no_server", N_("Client with no server: `Service non disponible`, no traceback"))
def test_no_server(no_server):
    c = no_server.clients[0]
    kind, _k = c.outcome()
    if kind == "unavailable":
        return
    expected = UNAVAILABLE.wordings[0]
    if kind == "crashed":
        no_server.fail(_("With no server, the client crashed") + python_error(c.output) + ".",
                       expected=expected, cause=crashes.crash_cause(CLIENT, c.output), about=[c],
                       hint=_("connect() raises ConnectionRefusedError when no server listens: put it "
                              "in a try: ... except OSError: block that prints `Service non disponible`."))
    if kind == "running":
        no_server.fail(_("With no server, the client did not end."), expected=expected, about=[c],
                       hint=_("When connect() fails, print the message and stop (sys.exit)."))
    no_server.fail(_("With no server, the client does not print `Service non disponible`."),
                   expected=expected, about=[c],
                   hint=_("When connect() fails (except OSError), print `Service non disponible`."))


@check(EX, "one_order", N_("One client, one order: it gets N bottles, N in [{low}, {high}]; the server prints `Commande de N` and `Reste en stock : {stock}-N`"))
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
                hint=hints.get(kind, _("Print the answer as `N bouteille(s) recue(s)`.")),
                cause=crashes.crash_cause(CLIENT, c.output) if kind == "crashed" else None,
                about=[c], server_head=True)
    if n is None:
        sc.fail(_("The server did not print `Commande de N bouteille(s)` for the order."),
                expected=expected, hint=_("After reading the order, print it: `Commande de N bouteille(s)`, "
                                          "N the quantity read."), about=[c], server_head=True)
    if k != n:
        sc.fail(_("The client says {k} bottles received, the server says {n} ordered.").format(k=k, n=n),
                expected=expected, about=[c], server_head=True,
                hint=_("With {stock} bottles in stock the server delivers all of the order: it sends "
                       "back the quantity delivered, and the client prints that quantity."))
    if not ORDER_LOW <= n <= ORDER_HIGH:
        ignored = ignored_quantities(sc, [c])
        if ignored:  # given a quantity in the range: the client's own number
            summary = _("The client was given {asked} on its command line ({command}) as the quantity to "
                        "order, but the server read an order of {n}.").format(
                asked=ignored[0][0], command=c.live.command, n=n)
            cause = quantity_cause(summary)
            sc.fail(summary, expected=expected, about=[c], server_head=True, hint=cause.hint, cause=cause)
        sc.fail(_("The client ordered {n} bottles, outside [{low}, {high}].").format(n=n), expected=expected,
                about=[c], server_head=True,
                hint=_("random.randint({low}, {high}) draws N in [{low}, {high}], both ends included."))
    if not remaining or remaining[0] != STOCK - n:
        sc.fail(_("After an order of {n}, the server does not print `Reste en stock : {s} bouteille(s)`.")
                .format(n=n, s=STOCK - n), expected=expected, about=[c], server_head=True,
                hint=_("The stock starts at {stock}; after each order print what is left: "
                       "`Reste en stock : S bouteille(s)`, S the stock now."))


@check(EX, "delay", N_("The server answers no sooner than {delay} seconds after the order"))
def test_delay(selling_out):
    sc, c = selling_out.scenario, selling_out.first
    if c.received is None or c.answered_at is None or c.released_at is None:
        sc.fail(_("The client got no answer, so the delay could not be measured."),
                hint=_("See the check of one order first."), about=[c], server_head=True)
    # From the server's release (it was paused while the client connected, so
    # it had not read the order yet) to the answer printed: never shorter than
    # the server's wait, however late the grader gets to run on a busy machine.
    waited = (c.answered_at - c.released_at) * sc.sandbox.time_scale
    if waited < MIN_DELAY:
        sc.fail(_("The answer came {s:.1f} s after the server could read the order (on the "
                  "program's clock); the statement asks for {delay} s.").format(s=waited),
                expected=_("at least {delay} s between the order and the answer"), about=[c], server_head=True,
                hint=_("Between receiving the order and send(), wait: time.sleep({delay})."))


@check(EX, "stock_runs_out", N_("Orders until the stock is gone: {stock} bottles delivered in all, then `PLUS DE STOCK !` and the server ends"))
def test_stock_runs_out(selling_out):
    run = selling_out
    sc = run.scenario
    served = run.sequence
    got = [c.received for c in served]
    log = sc.server_log()
    expected = _("deliveries adding up to {stock} (the last one may be smaller than its order), "
                 "`Reste en stock : 0 bouteille(s)`, `PLUS DE STOCK !`, then the server ends by "
                 "itself, with no other client coming")
    if None in got:
        c = served[got.index(None)]
        sc.fail(_("{client} got no bottles although the stock was not used up.").format(client=c.label),
                expected=expected, about=[c],
                hint=_("The server serves orders one after the other until the stock is 0: "
                       "its accept() loop goes on while stock > 0."))
    total = sum(got)
    last = served[-1:]
    remaining = log.values("remaining")
    below = [v for v in remaining if v < 0]
    if total > STOCK and not below and remaining and STOCK - remaining[-1] < total:
        # the server's log shows less taken from the stock than the clients say they got
        before = remaining[-2] if len(remaining) > 1 else STOCK
        sc.fail(_("The clients say they received {total} bottles in all, more than the stock of {stock}, but "
                  "the server's stock went down by {removed}: {client} printed `{line}` when {before} "
                  "bottles were left.").format(total=total, removed=STOCK - remaining[-1], client=served[-1].label,
                                               line=last_line(served[-1].output), before=before),
                expected=expected, about=last, outputs=last, server_lines=6,
                hint=_("The client prints the quantity the server sends back (what recv() returns), which "
                       "is less than its order when the stock runs low; not the quantity it ordered."))
    if total > STOCK or below:
        shown = (_("the server's stock went down to {stock_left} (`Reste en stock : {stock_left} bouteille(s)`)")
                 .format(stock_left=below[-1]) if below else
                 _("the clients say they received {total} bottles in all").format(total=total))
        sc.fail(_("The server delivered more bottles than its stock of {stock}: {shown}.").format(shown=shown),
                expected=expected, about=last, outputs=[], server_lines=8,
                hint=_("Deliver min(order, stock), never more than what is left: the stock must "
                       "not go below 0."))
    if total < STOCK:
        ignored = ignored_quantities(sc, served)
        if ignored:  # orders of 0 never empty the stock
            seen = _("The clients were given orders of {given} on their command line, and the server read "
                     "orders of {read}.").format(given=", ".join(map(str, ignored[0])),
                                                 read=", ".join(map(str, ignored[1])))
            cause = quantity_cause(seen)
            sc.fail(_("The clients received {total} bottles in all: the stock of {stock} is not used up.").format(
                    total=total) + " " + seen,
                    expected=expected, about=last, outputs=[], server_lines=8, hint=cause.hint, cause=cause)
        sc.fail(_("The clients received {total} bottles in all: the stock of {stock} is not used up.").format(
                total=total), expected=expected, about=last, outputs=[], server_lines=8,
                hint=_("When the stock is smaller than the order, deliver what is left (min(order, "
                       "stock)), so the stock ends at exactly 0."))
    if run.sold_out_alone and run.ended_alone:
        return
    about = [*last, *([run.extra] if run.extra else [])]
    waited = _("{real:.0f} s ({virtual:.0f} s on its clock)").format(
        real=run.waited, virtual=run.waited * sc.sandbox.time_scale)
    if run.ended_alone:  # without PLUS DE STOCK !
        sc.fail(_("After the order that emptied the stock, the server ended by itself ({end}) without "
                  "printing `PLUS DE STOCK !`.").format(end=end_text(sc.server_end())),
                expected=expected, about=last, outputs=[], end=True,
                hint=_("When the stock reaches 0, leave the loop (while stock > 0:), print "
                       "`PLUS DE STOCK !` and end."))
    if sc.server_end()[0] != "running":
        # it ended, but only once one more client came
        if run.sold_out_alone:
            summary = _("After the order that emptied the stock, the server printed `PLUS DE STOCK !` "
                        "but did not end: with no other client coming, it was still running {waited} "
                        "later. It ended only when one more client ({client}) connected.")
        elif run.sold_out_after_extra:
            summary = _("After the order that emptied the stock, the server neither printed `PLUS DE "
                        "STOCK !` nor ended: with no other client coming, it was still running {waited} "
                        "later. It printed `PLUS DE STOCK !` and ended only when one more client "
                        "({client}) connected.")
        else:
            summary = _("After the order that emptied the stock, the server did not end: with no "
                        "other client coming, it was still running {waited} later. It ended only "
                        "when one more client ({client}) connected, without printing `PLUS DE STOCK !`.")
        summary = summary.format(waited=waited, client=run.extra.label)
        if run.threads and not run.sold_out_alone:
            # the stock is updated in a thread: the race inject/sitecustomize.py provokes every time
            sc.fail(summary + " " + _(RACE_SEEN), expected=expected, about=about, outputs=[], end=True,
                    hint=_(RACE_HINT))
        sc.fail(summary, expected=expected, about=about, outputs=[],
                end=True, hint=_("Your server notices the empty stock only when accept() returns with one more "
                       "client, who may never come. Test the stock before waiting for the next "
                       "client (while stock > 0: ... accept() ...), so that the order that empties "
                       "it is the last: print `PLUS DE STOCK !` and end right after answering it. "
                       "With a thread per client, the main loop goes back to accept() before the "
                       "thread has updated the stock: serve the client in the loop itself."))
    # still running, even after one more client came
    if run.sold_out_alone:
        summary = _("After the order that emptied the stock, the server printed `PLUS DE STOCK !` but did "
                    "not end: it was still running {waited} later, and still after one more client "
                    "({client}) came.")
    elif run.sold_out_after_extra:
        summary = _("After the order that emptied the stock, the server neither printed `PLUS DE STOCK !` "
                    "nor ended: it was still running {waited} later. It printed `PLUS DE STOCK !` when "
                    "one more client ({client}) came, and was still running after that.")
    else:
        summary = _("The server never printed `PLUS DE STOCK !` and never ended after the stock ran out: "
                    "it was still running {waited} after the order that emptied it, and still after one "
                    "more client ({client}) came.")
    summary = summary.format(waited=waited, client=run.extra.label)
    cause = runs_on_cause(summary)
    sc.fail(summary, expected=expected, about=about, outputs=[], end=True, hint=cause.hint, cause=cause)


RACE_SEEN = N_("Your server starts a thread per order, and its main loop tested the stock before the thread "
               "that served the last order had taken its bottles: so the loop went back to accept() and "
               "waited for one more client. The grader lets a new thread run only once the thread that "
               "started it waits (here, in accept()), so this happens on every run; with other timings it "
               "happens on some runs only, which is why it is a bug.")
RACE_HINT = N_("Update the stock in the main loop itself, before it goes back to accept() (or join() the "
               "thread first), so that the loop's test sees the last order.")


def runs_on_cause(seen: str) -> Cause:
    """A server still running once its stock is gone: told once for
    stock_runs_out and invariants (processes left running), with what the
    first of them `seen`."""
    return Cause(f"runs_on:{SERVER}", _("The server does not end once its stock is gone.") + " " + seen,
                 _("Loop while stock > 0: once the stock is gone, the server prints `PLUS DE STOCK !` and "
                   "ends (close its socket; a thread left running keeps the program alive)."))


@check(EX, "one_at_a_time", N_("Clients started at once are each served, one after the other"))
def test_one_at_a_time(queue):
    sc = queue.scenario
    expected = _("the answers about {delay} s apart (about {delay}, 2 x {delay} and 3 x {delay} s after the server could read the "
                 "orders), never together; the server: `Commande de ...`, `Reste en stock : ...` for "
                 "one client, then for the next")
    missing = [c for c in queue.clients if c.received is None]
    if missing:
        sc.fail(_("{client} did not get its bottles when three clients ordered at once.").format(
                client=missing[0].label), expected=expected, about=missing[:1],
                hint=_("The server accepts the clients one after the other: after answering one, "
                       "it closes that connection and goes back to accept(); listen(5) lets "
                       "the others wait meanwhile."))
    # What the clients saw first: each answer timed from the server's release
    # (it could not read an order before), when the grader saw it (never
    # earlier than it came). Served one at a time with 3 s each, the k-th
    # answer comes k x 3 s after at the soonest, whatever the machine's load.
    # A server that answers the first client at once (no delay: see `delay`)
    # shows nothing by its timing: its log is judged alone.
    scale = sc.sandbox.time_scale
    timed = sorted(((c.answered_at - c.released_at) * scale, c) for c in queue.clients
                   if c.answered_at is not None and c.released_at is not None)
    if timed and timed[0][0] >= SERVICE_GAP:
        for k, (t, _c) in enumerate(timed, 1):
            if t < SERVICE_GAP * k:
                seen = ", ".join(_("{client} at {t:.1f} s").format(client=c.label, t=tc)
                                 for tc, c in timed)
                sc.fail(_("Three clients ordered at once and got their answers together, not about "
                          "{delay} s apart: {seen} after the server could read their orders (on its "
                          "clock). Served one after the other, with {delay} s each, answer number {k} "
                          "cannot come before {soonest:.0f} s.").format(seen=seen, k=k, soonest=DELAY * k),
                        expected=expected, about=queue.clients, outputs=[], server_lines=8, steps={"answer"},
                        hint=_("The statement's server serves one client at a time, like "
                               "echo-server.py: accept a client, read its order, wait {delay} s, answer, "
                               "close, and only then accept the next one. A thread (or a process) "
                               "per client serves them all at once, whatever the log shows: that "
                               "is the multithreaded server of the next series."))
    log = sc.server_log()
    figures = [k for k, _v in log.events if k in ("order", "remaining")]
    if figures != ["order", "remaining"] * len(queue.clients):
        sc.fail(_("The server's log does not show the orders one after the other (an order, "
                  "its stock, then the next order)."), expected=expected,
                about=queue.clients, outputs=[], server_lines=12, steps={"answer"},
                hint=_("One client at a time, as echo-server.py: accept, read the order, wait, "
                       "update the stock, answer, close; then the next one."))
    if sorted(log.values("order")) != sorted(c.received for c in queue.clients):
        sc.fail(_("The quantities the clients received are not the orders the server printed."),
                expected=expected, about=queue.clients, outputs=[], server_lines=12, steps={"answer"},
                hint=_("Each client must get the answer to its own order, with the stock far "
                       "from empty: the whole order."))


@check(EX, "queued_clients_fail", N_("Clients still waiting when the server quits print `Echec commande`, no traceback"))
def test_queued_clients_fail(server_gone):
    # Judged with the grader's server (see ServerGone), whatever the student's does.
    for c in server_gone.clients:
        problem = gone_problem(server_gone, c)
        if problem is not None:
            summary, hint, cause = problem
            server_gone.scenario.fail(summary, hint=hint, cause=cause, about=[c], server_lines=0,
                                      expected=_("each waiting client: `Echec commande`, no traceback"))


def gone_problem(run: ServerGone, c: Client) -> Optional[tuple[str, str, Optional[Cause]]]:
    """What is wrong with client `c` of the grader's server that went away:
    (summary, hint, cause), None if it printed `Echec commande`. The cause is
    the same for both checks that judge it (queued_clients_fail,
    invariants), so that the report tells it once."""
    kind, k = c.outcome()
    if kind == "failed":
        return None
    if c.number not in run.waiting:  # the situation could not be made
        if c.connected_at is None:
            said = f"`{last_line(c.output)}`" if c.output.strip() else _("nothing")
            summary = _("{client} did not connect to the grader's server, which listened on port {port} "
                        "({where}): it printed {said} and ended, {end}. No client could be made to wait, "
                        "so this check could not judge your client.").format(
                client=c.label, port=run.port, where=run.where, said=said, end=end_text(c.end()))
        else:
            summary = _("{client} was not waiting for its answer when the grader's server went away: "
                        "{note}. So this check could not judge your client.").format(
                client=c.label, note=ending_note(c) if c.ended else _("it was busy, not waiting in recv()"))
        return summary, _("The client connects, sends its order, then waits for the answer (recv()) "
                          "as long as it takes."), None
    where = (_("waiting in the queue of the grader's server") if c.number in run.queued
             else _("its order read by the grader's server"))
    gone = _("When the server goes away, recv() raises ConnectionResetError (a client still in its queue) "
             "or returns b'' (the connection it had accepted is closed): catch the one (except OSError) "
             "and test the other (if not answer:), and print `Echec commande`.")
    if kind == "crashed":
        crash = crashes.crash_cause(CLIENT, c.output)
        return (_("{client} was waiting for its answer ({where}) when the server went away, and crashed{error}.")
                .format(client=c.label, where=where, error=python_error(c.output)), gone,
                replace(crash, hint=gone) if crash else None)
    if kind == "running":
        summary = _("{client} was waiting for its answer ({where}) when the server went away, and was still "
                    "running, waiting, {limit:.0f} s later: it never noticed that the server was gone.").format(
            client=c.label, where=where, limit=CLIENT_LIMIT)
    elif kind == "received":
        summary = _("{client} printed `{line}` when the server went away, although it never got an answer: "
                    "the server delivered nothing.").format(client=c.label, line=last_line(c.output))
    elif kind == "unavailable":
        summary = _("{client} was connected and waiting for its answer ({where}) when the server went away, "
                    "and printed `Service non disponible`: that is the message for a server it cannot reach; "
                    "here the order failed.").format(client=c.label, where=where)
        return summary, _("Print `Service non disponible` when connect() fails, `Echec commande` when the "
                          "server goes away after that."), None
    else:
        said = f"`{last_line(c.output)}`" if c.output.strip() else _("nothing")
        summary = _("{client} was waiting for its answer ({where}) when the server went away, and printed "
                    "{said} instead of `Echec commande`.").format(client=c.label, where=where, said=said)
    return summary, gone, Cause(f"server_gone:{CLIENT}:{kind}", summary, gone)


@check(EX, "random_orders", N_("The client orders a random quantity in [{low}, {high}]") if not QUANTITY_GIVEN
       else N_("The client orders the quantity given on its command line"))
def test_random_orders(scenarios):
    run = scenarios["random_orders"].result()  # with QUANTITY_GIVEN, it fails on a wrong order
    seeded = [n for d, n in run.orders if d.startswith("seed:")]
    if len(set(seeded)) == 1 and not QUANTITY_GIVEN:
        run.scenario.fail(_("Over {runs} runs with different random seeds, the client always ordered "
                            "{n} bottles.").format(runs=len(seeded), n=seeded[0]),
                          about=run.scenario.clients, outputs=[], steps={"answer"},
                          hint=_("Draw the order at random each time: n = random.randint({low}, {high})."))


@check(EX, "invariants", N_("Over every run: deliveries add up to what left the stock, every client ends with one of the three messages, nothing left running"))
def test_invariants(selling_out, queue, queued_at_end, scenarios):
    # The situations the grader always makes come first, so that the report
    # names the same cause on every run: a server without the statement's
    # 3 s is paused in time to keep queued_at_end's last two clients queued
    # on some runs only (on the others it has ended before they connect).
    for sc in (selling_out.scenario, queue.scenario):
        _judge_invariants(sc)
    if selling_out.left and selling_out.emptied:  # with bottles left, the server rightly goes on
        sc = selling_out.scenario
        summary = _("Processes of yours were still running after the stock ran out: {left}.").format(
            left="; ".join(selling_out.left))
        # the server itself: the cause stock_runs_out tells
        cause = runs_on_cause(summary) if sc.server_end()[0] == "running" else None
        sc.fail(summary, end=True, about=selling_out.sequence[-1:], outputs=[], cause=cause,
                hint=cause.hint if cause else _("When the stock is gone the server ends, and every client "
                                                "ends once answered."))
    _judge_server_gone_clients(scenarios)
    _judge_invariants(queued_at_end.scenario)


def _judge_invariants(sc: Scenario) -> None:
    """The deliveries add up and every client of `sc` ended with one of the
    statement's messages."""
    log = sc.server_log()
    remaining = log.values("remaining")
    received = received_total(sc.clients)
    if remaining and received != STOCK - remaining[-1]:
        sc.fail(_("The clients say they received {got} bottles in all (`N bouteille(s) recue(s)`), but the "
                  "server's stock went down by {removed}.").format(got=received, removed=STOCK - remaining[-1]),
                about=sc.clients[-1:], server_lines=8,
                hint=_("The server sends back exactly the quantity it takes from the stock (min(order, "
                       "stock)) and prints the stock after the update; the client prints that answer, "
                       "not its order."))
    if received > STOCK:
        sc.fail(_("The clients received {got} bottles in all, more than the {stock} in stock.").format(
                got=received), about=sc.clients[-1:], server_lines=8,
                hint=_("Deliver min(order, stock): never more than what is left."))
    odd = [c for c in sc.clients if c.outcome()[0] not in ("received", "failed", "unavailable")]
    if odd:
        c = odd[0]
        kind, _k = c.outcome()
        if kind == "crashed":
            summary = _("{client} crashed{error}.").format(client=c.label, error=python_error(c.output))
        elif kind == "running":
            summary = _("{client} was still running, waiting for an answer, when the grader stopped "
                        "it.").format(client=c.label)
        else:
            summary = _("{client} did not end with one of the statement's messages.").format(client=c.label)
        sc.fail(summary, about=[c],
                expected=_("`N bouteille(s) recue(s)`, `Echec commande` or `Service non disponible`"),
                cause=crashes.crash_cause(CLIENT, c.output) if kind == "crashed" else None,
                hint=_("Every way a client can end prints one of the three messages, without a "
                       "traceback: catch OSError around connect(), send() and recv()."))


def _judge_server_gone_clients(scenarios) -> None:
    """The clients of the grader's server that went away (see
    queued_clients_fail, which tells the same cause): it delivered nothing."""
    try:
        gone = scenarios["server_gone"].result()
    except CheckFailed:  # no client could be made to wait: queued_clients_fail says why
        return
    for c in gone.clients:
        kind, _k = c.outcome()
        if c.number in gone.waiting and kind not in ("failed", "unavailable"):
            summary, hint, cause = gone_problem(gone, c)
            gone.scenario.fail(summary, hint=hint, cause=cause, about=[c], server_lines=0,
                               expected=_("`N bouteille(s) recue(s)`, `Echec commande` or `Service non "
                                          "disponible`; from a server that delivered nothing, `Echec commande`"))


@check(EX, "server_messages", N_("The server prints `Serveur en attente de commande` before each client"))
def test_server_messages(selling_out):
    sc = selling_out.scenario
    log = sc.server_log()
    kinds = [k for k, _v in log.events if k in ("waiting", "order")]
    # One waiting message per accept(), the first before any order. Counted,
    # not placed: a server that serves in threads prints them in any order.
    if not kinds or kinds[0] != "waiting" or kinds.count("waiting") < kinds.count("order"):
        sc.fail(_("The server does not print `Serveur en attente de commande` before each accept()."),
                expected=WAITING.wordings[0], about=[selling_out.first], outputs=[], steps={"answer"},
                server_lines=10, server_head=True,
                hint=_("print('Serveur en attente de commande') just before accept(), in the loop."))


@check(EX, "cross_check", N_("Cross-check (no points): your client with the reference server, the reference client with your server"))
def test_cross_check(scenarios):
    scenarios["cross_check"].result()
