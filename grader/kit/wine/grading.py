"""All the wine scenarios of one grading, run at once: what the checks'
`scenarios` fixture (grader/checks/conftest.py) holds."""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterator, Optional

from grader.feedback import CheckFailed
from grader.harness import Sandbox
from grader.kit.wine.scenarios import SCENARIOS, run_cross_check, run_server_gone
from grader.kit.wine.setting import TIME_SCALE


@contextmanager
def scenarios_of(grading) -> Iterator[dict[str, Future]]:
    """Start every scenario of a grading (`grading`: the checks' fixture),
    each in a thread of its own (one at a time on a shared network): their
    futures, by name. On the way out, whatever happened, their programs are
    stopped and their sandboxes closed."""
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
