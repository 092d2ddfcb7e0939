"""III.2 wine bottles: the scenarios that grader/checks/wine_bottles.py's
checks judge, the student's server and client run as a pair. This
package: setting.py (the lab's figures and the grader's time scales),
messages.py (reading what the programs print), clients.py (a client and
how it ended), pair.py (Scenario: the pair driver, its timeline and how its
failures show), scenarios.py (the scenarios); their fixtures are in
grader/checks/conftest.py.

Each scenario (SCENARIOS) runs once per grading, in a thread of its own, and
several checks read its outcome through the pytest fixtures of
grader/checks/conftest.py (`scenarios`, `selling_out`, `queue`, `queued_at_end`, `no_server`).

Every scenario runs in a sandbox with a network of its own (grader/harness/namespaces.py),
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
