"""The wine exercise's figures, from the lab, and the grader's time scales."""
from __future__ import annotations

import math
from typing import Callable

from grader.harness import Sandbox
from grader.lab import active_lab


WINE = active_lab().exercises["wine_bottles"]
SERVER = WINE.script("server")
# where the server notes each thread it starts (TPGRADER_THREAD_LOG)
THREAD_LOG = ".tpgrader_threads"
CLIENT = WINE.script("client")
# The programs' command lines, when the lab's statement gives them some (2021's
# gives none): the grader chooses the server's port and each client's order.
SERVER_ARGS = WINE.args_of("server")
CLIENT_ARGS = WINE.args_of("client")
PORT_GIVEN = any("{port}" in a for a in SERVER_ARGS)
QUANTITY_GIVEN = any("{quantity}" in a for a in CLIENT_ARGS)
CLIENT_PORT_GIVEN = any("{port}" in a for a in CLIENT_ARGS)
STOCK = WINE.stock  # the statement's 300
DELAY = WINE.delay  # the statement's 3 s
TIME_SCALE = 10  # the server's 3 s take 0.3 s
# Three clients queued at once: 3 s take 0.6 s, so that answers given together
# still look together when the grader reads them late on a busy machine.
QUEUE_SCALE = 5
# The random-orders check runs 6 orders, and the clients queued behind the
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
LOOP_LIMIT = math.ceil(STOCK / WINE.order_range[1]) + 4
MakeSandbox = Callable[..., Sandbox]  # make(scale=TIME_SCALE): a new sandbox with a network of its own
# Causes that explain a whole scenario (see causes.cause_of): told with every check it fails.
SCENARIO_CAUSES = ("wants_args:", "keyboard:", "unwritten:", "rejects_extra:", "wrong_port:")
