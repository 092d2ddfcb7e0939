"""The fixtures a check may ask for, wherever its file is (the runner loads
this module as a pytest plugin): `sandbox` and `foot_text`. `grading` (the
submission and options) comes from the runner's collector; the wine
exercise's own fixtures are in grader/checks/conftest.py."""
import pytest

from grader.harness import Sandbox
from grader.lab import active_lab


@pytest.fixture
def sandbox(grading):
    """A fresh copy of the submission with the lab's data file (foot_2020.txt),
    the statement's "today" (in 2021); every process started in it is killed at the end of the check."""
    lab = active_lab()
    with Sandbox(grading.submission, today=lab.today, data_files=[lab.data.fixture]) as sb:
        yield sb


@pytest.fixture(scope="session")
def foot_text():
    return active_lab().data.fixture.read_text(encoding="utf-8")
