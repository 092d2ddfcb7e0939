"""Runs the checks (pytest tests under grader/checks/) against one submission
and collects one `CheckResult` per check. pytest is driven programmatically,
with its own output off: what the student reads comes from report.py."""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

from .feedback import CheckFailed, Feedback
from .harness import MissingScript
from .i18n import _
from .rubric import RubricError, load_rubric
from .submission import EXERCISE_SCRIPTS, Submission

CHECKS_DIR = Path(__file__).parent / "checks"


def check(exercise: str, key: str, title: str, timeout: float = 60):
    """Marks a pytest test as a graded check. `title` is marked with N_() and
    translated when shown; the points come from the rubric. `timeout` is the
    last guard (pytest-timeout): the harness's own limits come first."""
    def mark(fn):
        fn = pytest.mark.check(exercise=exercise, key=key, title=title)(fn)
        return pytest.mark.timeout(timeout)(fn)
    return mark


@dataclass
class CheckResult:
    exercise: str
    key: str
    title: str  # untranslated, translate with _() when showing
    max_score: float
    passed: bool
    feedback: Optional[Feedback] = None
    duration: float = 0.0

    @property
    def score(self) -> float:
        return self.max_score if self.passed else 0.0


@dataclass
class GradingContext:
    """What the checks get through the `grading` fixture."""
    submission: Submission


class GraderBug(Exception):
    """The grader itself is broken (a check raised something unexpected)."""


def _feedback_for(excinfo) -> Feedback:
    exc = excinfo.value
    if isinstance(exc, CheckFailed):
        return exc.feedback
    if isinstance(exc, MissingScript):
        return Feedback(
            _("{script} is not in your folder: this check cannot run.").format(script=exc.name),
            hint=_("Name the file exactly {script} (lower case, .py) and put it at the top of the "
                   "folder you hand in.").format(script=exc.name))
    if "Timeout" in str(exc) and excinfo.typename == "Failed":
        return Feedback(_("This check took too long and was stopped: your program may be stuck "
                          "(an infinite loop, or waiting for input that never comes)."))
    return Feedback(_("The grader failed on this check (this is not your fault); please tell "
                      "your instructor. Details: {error}").format(error=f"{excinfo.typename}: {exc}"))


class _Collector:
    def __init__(self, context: GradingContext, rubric: dict):
        self.context = context
        self.rubric = rubric
        self.results: dict[str, CheckResult] = {}
        self.errors: list[str] = []
        self._started: dict[str, float] = {}

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "check(exercise, key, title): a graded check")

    @pytest.fixture
    def grading(self) -> GradingContext:
        return self.context

    def pytest_collection_modifyitems(self, items):
        for item in items:
            m = item.get_closest_marker("check")
            if m is None:
                continue
            ex, key = m.kwargs["exercise"], m.kwargs["key"]
            if key not in self.rubric.get(ex, {}):
                self.errors.append(f"check {ex}.{key} has no points in the rubric")
            self.results[item.nodeid] = CheckResult(
                ex, key, m.kwargs["title"], self.rubric.get(ex, {}).get(key, 0.0), passed=False)

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(f"cannot load {report.nodeid}: {report.longreprtext.strip().splitlines()[-1:]}")

    def pytest_runtest_logstart(self, nodeid, location):
        self._started[nodeid] = time.monotonic()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        result = self.results.get(item.nodeid)
        if result is None:
            return
        if call.when == "call" and report.passed:
            result.passed = True
            result.feedback = None
        elif report.failed and (call.when == "call" or result.feedback is None):
            result.passed = False
            result.feedback = _feedback_for(call.excinfo)
        if call.when == "teardown":
            result.duration = time.monotonic() - self._started.get(item.nodeid, time.monotonic())


def grade(submission_dir: Path, exercises: Optional[list[str]] = None) -> list[CheckResult]:
    """Grade one submission; the results come in the order of CONTRACT.md's
    exercises, then of the checks in their file."""
    submission = Submission(submission_dir)
    try:
        rubric = load_rubric()
    except RubricError as e:
        raise GraderBug(str(e)) from None
    collector = _Collector(GradingContext(submission), rubric)
    targets = [str(CHECKS_DIR / f"test_{ex}.py") for ex in exercises] if exercises else [str(CHECKS_DIR)]
    args = [
        *targets,
        "-c", str(CHECKS_DIR / "pytest.ini"),
        "--rootdir", str(CHECKS_DIR),
        "-p", "no:cacheprovider",
        "-p", "no:terminal",
        "-p", "no:stepwise",
    ]
    sys.dont_write_bytecode = True  # no __pycache__ written beside the checks
    saved_cwd = os.getcwd()
    try:
        code = pytest.main(args, plugins=[collector])
    finally:
        os.chdir(saved_cwd)
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR):
        collector.errors.append(f"pytest exited with {code!r}")
    if not collector.results:
        collector.errors.append("no check was collected")
    if collector.errors:
        raise GraderBug("; ".join(collector.errors))
    order = {ex: i for i, ex in enumerate(EXERCISE_SCRIPTS)}
    results = list(collector.results.values())
    results.sort(key=lambda r: order.get(r.exercise, len(order)))  # stable: keeps check order
    return results
