import contextlib
import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import uuid
import zipfile
from pathlib import Path
from typing import Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The grader's messages name the command as typed (grader/command.py): the
# tests expect `python -m grader`'s name unless they start grade.sh.
os.environ.pop("TPGRADER_COMMAND", None)


@pytest.fixture
def english():
    """The grader's messages in English for a test that calls it in-process
    (French is the default; a test must not depend on one run before it)."""
    from grader.i18n import current_language, set_language
    before = current_language()
    set_language("en")
    yield
    set_language(before)


def grade_dir(path: Path, *extra: str, lang: str = "en", env: Optional[dict] = None,
              command: Optional[list[str]] = None, cwd: Path = ROOT) -> tuple[subprocess.CompletedProcess, dict]:
    """Grade a folder through the command line, as a student would; returns
    the finished process and the JSON report. Asserts that no process started
    by the grading survives it. `command`: the grader's command (default:
    this checkout's `python -m grader`)."""
    session = f"test{uuid.uuid4().hex[:8]}-"
    with tempfile.TemporaryDirectory(prefix="tp-grader-test-") as tmp:
        out = Path(tmp) / "report.json"
        proc = subprocess.run([*(command or [sys.executable, "-m", "grader"]), str(path), "--json", str(out),
                               "--lang", lang, *extra],
                              cwd=cwd, capture_output=True, text=True, timeout=600,
                              env={**os.environ, **(env or {}), "TPGRADER_SESSION": session})
        report = json.loads(out.read_text()) if out.exists() else None
    assert marked_processes(session) == []
    return proc, report


def as_typed_in_a_terminal() -> None:
    """preexec_fn of a grader the tests stop with signals: the default
    dispositions of a command typed in a terminal (a suite started in the
    background, or under nohup, would pass SIG_IGN on to it)."""
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def marked_processes(session: str = "") -> list[str]:
    """Every process on the machine started by a grader sandbox whose marker
    starts with `session` (zombies cannot be read, so are not included)."""
    import psutil

    from grader.harness import RUN_MARKER
    found = []
    for p in psutil.process_iter():
        try:
            marker = p.environ().get(RUN_MARKER)
            if marker is not None and marker.startswith(session):
                found.append(f"{p.pid} {p.status()} {' '.join(p.cmdline())}")
        except psutil.Error:
            pass
    return found


def exercise_scores(report: dict) -> dict[str, tuple[float, float]]:
    return {e["id"]: (e["score"], e["max_score"]) for e in report["exercises"]}


def failure_blocks(text: str) -> list[tuple[str, int]]:
    """The failed checks' blocks of a terminal report (without --details):
    (first line, lines) of each, from its `x ...` or `[N] ...` line to the
    blank line after it."""
    lines = text.rstrip("\n").split("\n")
    found, start = [], None
    for i, line in enumerate(lines + [""]):
        if start is None and (line.startswith("x ") or re.match(r"\[\d+\] ", line)):
            start = i
        elif start is not None and not line.strip():
            found.append((lines[start], i - start))
            start = None
    return found


def report_too_long(text: str, report_lines: int = 200, block_lines: int = 30) -> list[str]:
    """What makes a terminal report longer than a screen allows: over
    `report_lines` in all, or a failed check's block over `block_lines`."""
    lines = text.rstrip("\n").split("\n")
    found = [f"the report has {len(lines)} lines"] if len(lines) > report_lines else []
    return found + [f"{n} lines from {first[:80]!r}" for first, n in failure_blocks(text) if n > block_lines]


# ./run-tests.sh runs the tests side by side, in several pytest-xdist
# workers on one machine. Most tests only look at what they started; a test
# marked `alone` judges the whole machine (the free space of /tmp, every
# process of the sandbox uids, every hand-in folder), or loads it so that
# others would be judged under it, so it runs while no other test runs. Every
# test holds the room shared, a test alone holds it whole; the turnstile
# keeps new tests out while a test alone waits for the room to empty (flock
# alone would let the shared holders take turns and starve it).
WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # None: the tests run one after another, or the controller

# Files whose tests share what one worker makes once and the machine holds
# once: they go to one worker, one after another. VPL's bundle (a session
# fixture) and its execution server, which installs into /usr/sbin/vpl; the
# teaching assistant's account. (By file, not by xdist_group marks: pytest-xdist
# 3.8 groups by renaming a test, which pytest 9 no longer lets it do.)
SAME_WORKER = {"tests/test_vpl.py": "vpl", "tests/test_vpl_jail.py": "vpl",
               "tests/test_as_a_user.py": "teaching assistant"}


def _file_of(nodeid: str) -> str:
    return nodeid.split("::")[0]


def _is_alone(item) -> bool:
    return item.get_closest_marker("alone") is not None


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """--dist loadgroup (./run-tests.sh): each test to the next free worker,
    except the files of SAME_WORKER, each group whole to one worker. Another
    --dist keeps xdist's own scheduling."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SameWorkerScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return SAME_WORKER.get(_file_of(nodeid), nodeid)
    return SameWorkerScheduling(config, log)


def pytest_collection_modifyitems(items):
    """With workers, the groups of SAME_WORKER first: each goes whole to
    one worker, and started last it would run on after every other test. The
    tests alone last: one after another, each waits once for the room to
    empty, not every time for the longest test then running."""
    if WORKER is not None:
        def order(item) -> int:
            if _file_of(item.nodeid) in SAME_WORKER:
                return 0
            return 2 if _is_alone(item) else 1
        items.sort(key=order)  # stable: in their order otherwise


class Turns:
    """The room and its turnstile, two lock files that every worker of one
    run opens (in pytest's temporary folder of the run, which pytest keeps
    and later removes, as it does the tests' tmp_path)."""

    def __init__(self, folder: Path):
        self.room, self.turnstile = (os.open(folder / name, os.O_RDWR | os.O_CREAT, 0o600)
                                     for name in ("tp-grader-room.lock", "tp-grader-turnstile.lock"))

    @contextlib.contextmanager
    def hold(self, alone: bool):
        fcntl.flock(self.turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(self.room, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        finally:
            if not alone:
                fcntl.flock(self.turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(self.room, fcntl.LOCK_UN)
            if alone:
                fcntl.flock(self.turnstile, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def turns(tmp_path_factory) -> Optional[Turns]:
    # each worker's base temporary folder is a folder of the run's own
    return Turns(tmp_path_factory.getbasetemp().parent) if WORKER else None


@pytest.fixture(autouse=True)
def taking_turns(request, turns):
    """Each test in its turn: shared, or alone if it is marked so."""
    if turns is None:
        yield
        return
    with turns.hold(alone=_is_alone(request.node)):
        yield


def _leftovers() -> dict[str, str]:
    """The tests' gradings' processes (their markers start with "test") and
    sandbox folders on the machine: {pid or path: description}."""
    processes = {line.split()[0]: line for line in marked_processes("test")}
    return processes | {str(p): str(p) for p in Path(tempfile.gettempdir()).glob("tp-grader-test*")}


# After the whole suite (after every worker's, with pytest-xdist): nothing
# of the tests' gradings is left. What was there before it started (another
# suite on the machine, or one killed half-way) is not this suite's to
# answer for.
def pytest_sessionstart(session):
    if WORKER is None:
        session.config.stash[_BEFORE] = _leftovers()


@pytest.hookimpl(trylast=True)  # after the session fixtures' teardown (a teaching assistant's checkout is one)
def pytest_sessionfinish(session):
    if WORKER is None and _BEFORE in session.config.stash:
        before = session.config.stash[_BEFORE]
        left = [what for key, what in _leftovers().items() if key not in before]
        session.config.stash[_LEFT] = left
        if left:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    left = terminalreporter.config.stash.get(_LEFT, [])
    if left:
        terminalreporter.section("left behind by the tests' gradings", sep="!", red=True)
        for what in left:
            terminalreporter.write_line(what)


_BEFORE, _LEFT = pytest.StashKey[dict](), pytest.StashKey[list]()


@pytest.fixture(scope="session")
def teaching_assistant():
    """A non-root user with a home of their own and a root-owned copy of the
    grader, who installed it on first use (tests/nonroot.py): made once, for
    the few tests that grade as them; removed with their home at the end."""
    from nonroot import make_teaching_assistant, remove_teaching_assistant, why_no_teaching_assistant
    reason = why_no_teaching_assistant()
    if reason:
        pytest.skip(f"no teaching assistant: {reason}")
    ta = make_teaching_assistant()
    yield ta
    remove_teaching_assistant(ta)


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    """The Moodle VPL execution files, as ./grade.sh --vpl-bundle writes them
    (test_vpl.py, test_vpl_jail.py)."""
    out = tmp_path_factory.mktemp("vpl-bundle")
    proc = subprocess.run([sys.executable, "-m", "grader", "--vpl-bundle", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["tp-grader-vpl.zip", "vpl_evaluate.sh"]
    names = zipfile.ZipFile(out / "tp-grader-vpl.zip").namelist()
    assert "grader/fixtures/foot_2020.txt" in names and "grader/checks/pytest.ini" in names
    # pytest finds its plugins (pytest-timeout, the checks' last guard) through their metadata
    assert any(re.match(r"pytest_timeout-.*\.dist-info/entry_points\.txt$", n) for n in names)
    assert not any(n.startswith(("reference/", "tests/")) for n in names)
    # compiled once, here: no evaluation compiles the grader and its dependencies again
    assert any(re.match(r"grader/__pycache__/runner\.cpython-\d+\.pyc$", n) for n in names)
    return out
