"""Fixtures of the checks. `grading` (the submission and options) comes from
the runner's plugin."""
import pytest

from grader.harness import Sandbox
from grader.lab import active_lab

# The statement's transcripts show ages of its year ("lancé en 2021").
STATEMENT_TODAY = active_lab().today
FOOT_FIXTURE = active_lab().data.fixture


@pytest.fixture
def sandbox(grading):
    """A fresh copy of the submission with the lab's data file (foot_2020.txt),
    the statement's "today" (in 2021); every process started in it is killed at the end of the check."""
    with Sandbox(grading.submission, today=STATEMENT_TODAY, data_files=[FOOT_FIXTURE]) as sb:
        yield sb


@pytest.fixture(scope="session")
def foot_text():
    return FOOT_FIXTURE.read_text(encoding="utf-8")


# The wine scenarios (grader/kit/wine/), run once per grading and judged by
# several checks of wine_bottles.py. Imported here, not at the top: a lab
# may have no wine exercise, and the other exercises need none of it.


@pytest.fixture(scope="module")
def scenarios(grading):
    from grader.kit.wine.grading import scenarios_of
    with scenarios_of(grading) as futures:
        yield futures


@pytest.fixture(scope="module")
def selling_out(scenarios):
    return scenarios["selling_out"].result()


@pytest.fixture(scope="module")
def queue(scenarios):
    return scenarios["queue"].result()


@pytest.fixture(scope="module")
def queued_at_end(scenarios):
    return scenarios["queued_at_end"].result()


@pytest.fixture(scope="module")
def no_server(scenarios):
    return scenarios["no_server"].result()


@pytest.fixture(scope="module")
def server_gone(scenarios):
    return scenarios["server_gone"].result()
