"""Fixtures of the checks. `grading` (the submission and options) comes from
the runner's plugin."""
from datetime import datetime

import pytest

from grader.harness import Sandbox
from grader.paths import FOOT_FIXTURE

# "lancé en 2021": the statement's transcripts show ages of 2021.
STATEMENT_TODAY = datetime(2021, 6, 15, 10, 0)


@pytest.fixture
def sandbox(grading):
    """A fresh copy of the submission with the lab's foot_2020.txt, "today"
    in 2021; every process started in it is killed at the end of the check."""
    with Sandbox(grading.submission, today=STATEMENT_TODAY, data_files=[FOOT_FIXTURE]) as sb:
        yield sb


@pytest.fixture(scope="session")
def foot_text():
    return FOOT_FIXTURE.read_text(encoding="utf-8")
