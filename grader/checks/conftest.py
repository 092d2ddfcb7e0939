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
