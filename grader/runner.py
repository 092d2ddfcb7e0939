"""Runs the checks (pytest tests under grader/checks/) against one submission
and collects one `CheckResult` per check. pytest is driven programmatically,
with its own output off: what the student reads comes from report.py."""
from __future__ import annotations

import gc
import os
import resource
import tempfile
import time
from dataclasses import dataclass, replace
from importlib import import_module
from pathlib import Path
from typing import Optional

import pytest
from _pytest.reports import TestReport
from hypothesis.configuration import set_hypothesis_home_dir

from .feedback import Cause, CheckFailed, Feedback
from .harness.leftovers import temp_folder_prefix
from .harness.users import precompile_inject
from .harness import (LIMITS, NPROC_LIMIT, RUNS_AS_OTHER_USER, MissingScript, SandboxFull, UnreadableScript,
                      take_incidents)
from .i18n import _, current_language, set_language
from .kit.result import CheckResult
from .harness.mounts import WRITABLE_SPACE
from .harness.namespaces import namespaces_unavailable, shared_network_reason
from .rubric import VISIBLE, Rubric, RubricError, read_rubric
from .check_files import CHECKS_DIR, check_file, checks_of
from .command import tell_user
from .kit import fixtures as kit_fixtures
from .submission import Submission, exercise_scripts
from .workers import NOT_DONE, WorkerFailed, WorkerLost, run_in_workers


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
    if isinstance(exc, UnreadableScript):
        summary = _("Python cannot read {script}: {error} at line {line} ({message}). The program "
                    "could not run, so this check could not be passed.").format(
                        script=exc.name, error=exc.error, line=exc.line, message=exc.message)
        hint = unreadable_hint(exc.message)
        return Feedback(summary, command=f"python3 {exc.name}", hint=hint,
                        cause=Cause(f"unreadable:{exc.name}", summary, hint))
    if isinstance(exc, MissingScript):
        summary = _("{script} is not in your folder: this check cannot run.").format(script=exc.name)
        hint = _("Name the file exactly {script} (lower case, .py) and put it at the top of the "
                 "folder you hand in.").format(script=exc.name)
        return Feedback(summary, hint=hint, cause=Cause(f"missing:{exc.name}", summary, hint))
    if isinstance(exc, SandboxFull):
        summary = _("Your program filled all the space a grading gives it ({mib} MiB for its folder "
                    "and /tmp together), so the grader could not write {file} there and this check "
                    "could not go on.").format(mib=WRITABLE_SPACE // (1024 * 1024), file=exc.name)
        hint = _("A program of this lab writes a few kilobytes: look for a loop that writes without "
                 "end, or that writes far more than the statement asks.")
        return Feedback(summary, hint=hint, cause=Cause("sandbox_full", summary, hint))
    if "Timeout" in str(exc) and excinfo.typename == "Failed":
        return Feedback(_("This check took too long and was stopped: your program may be stuck "
                          "(an infinite loop, or waiting for input that never comes)."))
    summary = _("The grader failed on this check (this is not your fault); please tell "
                "your instructor. Details: {error}").format(error=f"{excinfo.typename}: {exc}")
    # the same failure in several checks (a module's set-up) is told once
    return Feedback(summary, cause=Cause(f"grader:{excinfo.typename}:{exc}", summary))


def unreadable_hint(message: str) -> str:
    if "print" in message and "parenthes" in message:
        return _("This is Python 2: in Python 3, print is a function, print(...).")
    if "Non-UTF-8" in message or "codec can't decode" in message:
        return _("The file is not saved in UTF-8 (an accented letter written by an old editor or "
                 "Windows): save it as UTF-8, or make its second line `# -*- coding: latin-1 -*-`.")
    return _("Look at the line shown and the one before it (a missing parenthesis or colon, a bad "
             "indentation); running `python3 FILE` shows the error.")


class _Collector:
    """`visible_only`: the checks a rubric keeps for grading time are not run
    (a student's own run)."""
    def __init__(self, context: GradingContext, rubric: Rubric, visible_only: bool = False):
        self.context = context
        self.rubric = rubric
        self.visible_only = visible_only
        self.results: dict[str, CheckResult] = {}
        self.kept_back = 0  # checks left out (visible_only)
        self.errors: list[str] = []
        self._started: dict[str, tuple[float, float]] = {}

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "check(exercise, key, title): a graded check")

    @pytest.fixture(scope="session")
    def grading(self) -> GradingContext:
        return self.context

    def pytest_collection_modifyitems(self, config, items):
        kept_back = []
        for item in items:
            m = item.get_closest_marker("check")
            if m is None:
                continue
            ex, key = m.kwargs["exercise"], m.kwargs["key"]
            if key not in self.rubric.points.get(ex, {}):
                self.errors.append(f"check {ex}.{key} has no points in the rubric")
            visibility = self.rubric.visibility_of(ex, key)
            if self.visible_only and visibility != VISIBLE:
                kept_back.append(item)
                continue
            self.results[item.nodeid] = CheckResult(
                ex, key, m.kwargs["title"], self.rubric.points.get(ex, {}).get(key, 0.0), passed=False,
                visibility=visibility)
        self.kept_back += len(kept_back)
        if kept_back:
            items[:] = [item for item in items if item not in kept_back]
            config.hook.pytest_deselected(items=kept_back)

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(f"cannot load {report.nodeid}: {report.longreprtext.strip().splitlines()[-1:]}")

    def pytest_runtest_logstart(self, nodeid, location):
        self._started[nodeid] = (time.monotonic(), *cpu_seconds())
        take_incidents()  # what happened before this check is not its story

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        report = plain_report(item, call)
        result = self.results.get(item.nodeid)
        if result is None:
            return report
        if call.when == "call" and report.passed:
            result.passed = True
            result.feedback = None
        elif report.failed and (call.when == "call" or result.feedback is None):
            result.passed = False
            result.feedback = _feedback_for(call.excinfo)
            incidents = take_incidents()
            if incidents:  # what the grader had to do explains the rest: first
                result.feedback = replace(result.feedback,
                                          summary=" ".join([*incidents, result.feedback.summary]))
        if call.when == "teardown" and item.nodeid in self._started:
            wall, own, programs = self._started[item.nodeid]
            own_now, programs_now = cpu_seconds()
            result.duration = time.monotonic() - wall
            result.cpu_programs = programs_now - programs
            result.cpu = own_now - own + result.cpu_programs
        return report


def plain_report(item, call) -> TestReport:
    """pytest's report of a check's phase, without pytest's account of a
    failure (its longrepr): a check fails through its own feedback
    (CheckFailed, _feedback_for), and pytest's account parses the check's
    source (ast.parse), which CPython 3.11 cannot do while another thread
    of the worker parses too: a grading broke with "SystemError: AST
    constructor recursion depth mismatch" while wine scenarios ran."""
    excinfo = call.excinfo
    if excinfo is None:
        outcome, longrepr = "passed", None
    elif isinstance(excinfo.value, pytest.skip.Exception):
        outcome, longrepr = "skipped", (str(item.path), 0, str(excinfo.value))
    else:
        outcome, longrepr = "failed", f"{excinfo.typename}: {excinfo.value}"
    return TestReport(item.nodeid, item.location, dict.fromkeys(item.keywords, 1), outcome, longrepr,
                      call.when, [], call.duration, call.start, call.stop,
                      user_properties=list(item.user_properties))


def cpu_seconds() -> tuple[float, float]:
    """CPU used so far by this process (all its threads), and by the processes
    it has waited for: the programs, with the start of each (the fork from the
    grader, its set-up before exec) and the sandboxes' namespace holders. A
    check's share is the difference: what a module's shared setup costs (the
    wine scenarios) counts in its first check."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def grade(submission_dir: Path, exercises: Optional[list[str]] = None,
          jobs: Optional[int] = None,
          aliases: Optional[dict[str, Path]] = None,
          until: Optional[float] = None,
          visible_only: bool = False) -> tuple[list[CheckResult], list[str]]:
    """Grade one submission: (results, notes). The results come in the order
    of docs/LAB.md's exercises, then of the checks in their file; the notes
    say how the grading ran where the reader should know (see `notes()`).

    Exercises are graded independently, `jobs` at a time, each in a worker
    process (workers.py; default: one more than the cores, since checks
    mostly wait on the programs they run); jobs=1 grades them all here, one
    after the other, which costs the least CPU (--batch grades each hand-in
    so, several hand-ins at once). Whatever stops a grading, the command's
    session (harness/leftovers.py) leaves nothing behind.
    `aliases`: see Submission (intake.py finds them in a messy hand-in).
    `until` (a time.monotonic() value, --time-limit): the exercises not graded
    by then get 0, each check saying why (see `not_graded`).
    `visible_only`: leave out the checks the rubric keeps for grading time (a
    student's own run; rubric.py)."""
    wanted = [ex for ex in (exercises or exercise_scripts()) if check_file(ex)]
    jobs = min(jobs or (os.cpu_count() or 1) + 1, len(wanted))
    if jobs <= 1 and until is None:
        results, facts = _grade_here(Path(submission_dir), wanted, aliases, visible_only)
    else:
        results, facts = [], {}
        # what every worker needs, imported once here, before the forks
        for module in ("evidence", "causes", "crashes", "launch", "players"):
            import_module(f"grader.kit.{module}")
        if "wine_bottles" in wanted:
            import_module("grader.kit.wine.grading")
        precompile_inject()  # once, not by every worker at once (a fresh install has no bytecode yet)
        _warm_pytest(wanted)
        gc.freeze()  # fewer pages copied into each worker (copy on write)
        # the longest first, so that the last to start are short
        ordered = sorted(wanted, key=lambda ex: -EXPECTED_SECONDS.get(ex, 1))
        language = current_language()
        try:
            parts = run_in_workers(lambda ex: _grade_here(Path(submission_dir), [ex], aliases, visible_only),
                                   ordered, jobs,
                                   setup=lambda: set_language(language), time_limit=EXERCISE_TIME_LIMIT,
                                   until=until, retries=1, on_retry=_say_retry)
        except WorkerFailed as e:
            if isinstance(e.error, Exception):
                raise e.error from None
            raise GraderBug(str(e)) from None
        except WorkerLost as e:
            raise GraderBug(_("the process grading {exercise} was stopped ({how}): the grading could not "
                              "finish").format(exercise=e.task, how=e.how)) from None
        for exercise, part in zip(ordered, parts):
            if part is NOT_DONE:
                results += not_graded(exercise, visible_only)
                continue
            part, seen = part
            results += part
            facts.update({k: v for k, v in seen.items() if v})
    order = {ex: i for i, ex in enumerate(exercise_scripts())}
    results.sort(key=lambda r: order.get(r.exercise, len(order)))  # stable: keeps check order
    return results, notes(facts)


def _say_retry(exercise: str, error: Exception) -> None:
    """A worker that broke is graded again once (a grader bug that shows
    once in a while, like CPython 3.11's parser race); said on stderr, which
    is the grader's user's, not in the report, which is the student's."""
    reason = error.how if isinstance(error, WorkerLost) else (str(error).strip().splitlines() or ["?"])[-1]
    tell_user(f"the process grading {exercise} broke ({reason}); grading it again")


def not_graded(exercise: str, visible_only: bool = False) -> list[CheckResult]:
    """The checks of an exercise the time limit left ungraded: failed, with
    their points, each saying why (one cause for all of them)."""
    summary = _("Not graded: the time given to the grading ran out before this exercise's turn "
                "(or during it).")
    hint = _("Programs that end only at their time limit (one waiting for input, or stuck in a loop) "
             "make the grading long; if yours end at once, the platform gives the grader too little "
             "time: tell your instructor.")
    feedback = Feedback(summary, hint=hint, cause=Cause("time-limit", summary, hint))
    rubric = read_rubric()
    return [CheckResult(exercise, key, title, rubric.points.get(exercise, {}).get(key, 0.0), passed=False,
                        feedback=feedback, visibility=rubric.visibility_of(exercise, key))
            for key, title in checks_of(exercise)
            if not (visible_only and rubric.visibility_of(exercise, key) != VISIBLE)]


# A worker that gives no result in this time is stuck (seen: a program forked
# from a thread, stuck before its exec; harness.processes.start_guarded now
# starts such a program again): stopped and said, so that grade.sh never
# waits for ever. Each check has its own limits first (a
# program 5 s, a check 60 s): a whole exercise of hanging programs takes 5 min.
EXERCISE_TIME_LIMIT = 10 * 60

# Rough wall time of each exercise's checks on the reference (bench/bench.py),
# to start the longest first.
EXPECTED_SECONDS = {"chrono": 3.1, "wine_bottles": 2.6, "joueurs_nation": 2.1, "multiChrono": 1.4,
                    "joueurs_par_nation": 1.4, "bottles_of_beer2": 1.2}


def _hypothesis_home(submission_dir: Path) -> Path:
    """Where hypothesis keeps its caches (Unicode tables, the constants of the
    checks' modules). Never its default, ./.hypothesis: the folder graded is
    often the current one (VPL, `cd tp && grade.sh .`), and a student's
    folder is no place for them (its copy in each sandbox raced with their
    writes). The user's cache folder, else one of this session (swept)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tp-grader" / "hypothesis"
    graded = submission_dir.resolve()
    if cache.resolve() != graded and graded not in cache.resolve().parents:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            if os.access(cache, os.W_OK):
                return cache
        except OSError:
            pass
    return Path(tempfile.mkdtemp(prefix=temp_folder_prefix("hypothesis-")))


def notes(facts: dict[str, Optional[str]]) -> list[str]:
    """What the reader of a report should know about how it was made: the
    sandbox the programs ran in, and what it could not give."""
    said = [sandbox_description(facts.get("no_namespaces"))]
    if facts.get("shared_network"):
        said.append(_("the client and server scenarios ran on this machine's own network, one "
                      "grading at a time, because a private network could not be made ({reason}); "
                      "a server of yours left running on the same port would disturb them.").format(
                          reason=facts["shared_network"]))
    return said


def sandbox_description(no_namespaces: Optional[str]) -> str:
    limits = _("at most {nproc} processes, {cpu} s of CPU and {mem} MiB of memory each").format(
        nproc=NPROC_LIMIT, cpu=LIMITS[resource.RLIMIT_CPU], mem=LIMITS[resource.RLIMIT_AS] // 2**20)
    who = (_("a user of their own") if RUNS_AS_OTHER_USER else _("your own user"))
    space = WRITABLE_SPACE // 2**20
    if no_namespaces:
        return _("sandbox: your programs ran as {who}, {limits}, stopped past {space} MiB written; with no "
                 "network or file isolation ({reason}).").format(who=who, limits=limits, space=space,
                                                                 reason=no_namespaces)
    return _("sandbox: your programs ran as {who}, with a network of their own (loopback only), every file "
             "read-only but their folder and a private /tmp ({space} MiB in all), the homes and the grader's "
             "files hidden, {limits}.").format(who=who, limits=limits, space=space)


def _grade_here(submission_dir: Path, exercises: list[str],
                aliases: Optional[dict[str, Path]] = None,
                visible_only: bool = False) -> tuple[list[CheckResult], dict]:
    """Run the checks of `exercises` in this process: (results, facts for
    notes())."""
    submission = Submission(submission_dir, aliases)
    try:
        rubric = read_rubric()
    except RubricError as e:
        raise GraderBug(str(e)) from None
    collector = _Collector(GradingContext(submission), rubric, visible_only)
    set_hypothesis_home_dir(_hypothesis_home(Path(submission_dir)))
    gc.freeze()  # fewer pages written after each fork of a student program (copy on write)
    code = _run_pytest(exercises, [collector])
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR):
        collector.errors.append(f"pytest exited with {code!r}")
    if not collector.results and not collector.kept_back:
        collector.errors.append("no check was collected")
    if collector.errors:
        raise GraderBug("; ".join(collector.errors))
    facts = {"shared_network": shared_network_reason(), "no_namespaces": namespaces_unavailable()}
    return list(collector.results.values()), facts


# The pytest plugins a grading loads, by module name: pytest-timeout (the
# checks' last guard, timeout in checks/pytest.ini) and hypothesis's. Nothing
# else that pytest would find installed beside them: the grader's user may
# have pytest-randomly (which reorders the checks and reseeds random),
# pytest-xdist, or anyio's plugin, which watchfiles brings and whose import
# cost 40 ms of CPU in each worker.
PYTEST_PLUGINS = ("pytest_timeout", "_hypothesis_pytestplugin")


def _run_pytest(exercises: list[str], plugins: list, collect_only: bool = False) -> int:
    """pytest on the check modules of `exercises` (the grader's, or the lab's
    own check file), with the kit's fixtures (sandbox...) as a plugin, so
    that a check file outside checks/ gets them too. The current folder is
    the same after it."""
    args = [
        *[str(check_file(ex)) for ex in exercises],
        "-c", str(CHECKS_DIR / "pytest.ini"),
        "--rootdir", str(CHECKS_DIR),
        *[a for plugin in PYTEST_PLUGINS for a in ("-p", plugin)],
        "-p", "no:cacheprovider",
        "-p", "no:terminal",
        "-p", "no:stepwise",
        # the checks report through CheckFailed, never a bare assert: rewriting
        # them (and what they import) would cost half a second per worker
        "--assert=plain",
        *(["--collect-only"] if collect_only else []),
    ]
    saved, saved_cwd = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"), os.getcwd()
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        return pytest.main(args, plugins=[*plugins, kit_fixtures])
    finally:
        os.chdir(saved_cwd)
        if saved is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved


def _warm_pytest(exercises: list[str]) -> None:
    """A pytest session that only collects, here, before the workers fork:
    each worker's own session then costs half of what a process's first one
    does (40 ms of CPU, not 80)."""
    _run_pytest(exercises, [], collect_only=True)
