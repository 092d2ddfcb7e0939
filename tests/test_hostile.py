"""Hostile submissions (tests/submissions/hostile_*): each gets a verdict for
its own exercise, the other exercises are graded as usual, and the machine is
left as it was: no process, no file outside the sandbox, the grader's files
intact, no connection out, the grader's memory bounded."""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from conftest import ROOT, as_typed_in_a_terminal, exercise_scores, grade_dir, marked_processes
import test_isolation
from grader.harness import namespaces
from grader.harness import RUN_MARKER, RUNS_AS_OTHER_USER, SANDBOX_UIDS
from variants import SUBMISSIONS, build, load, touched_exercises

# each judges the whole machine (every sandbox uid's processes, the free space
# of /tmp) and loads it hard: no other test runs meanwhile (conftest.Turns)
pytestmark = pytest.mark.alone

MARK = "tp-grader-hostile-was-here"


def hostile(name: str, dest: Path, **fill: str) -> Path:
    variant = load(SUBMISSIONS / name)
    assert variant.hostile
    return build(variant, dest, {"@PROJECT@": str(ROOT), "@HAND_IN@": str(dest), **fill})


def sandbox_processes() -> list[int]:
    """Processes of a sandbox's own user (root gives each sandbox a uid) that
    were started by these tests' gradings (grade_dir marks them "test...")."""
    low, count = SANDBOX_UIDS
    found = []
    for p in psutil.process_iter(["uids"]):
        try:
            if p.info["uids"] and low <= p.info["uids"].real < low + count and \
                    p.environ().get(RUN_MARKER, "test").startswith("test"):
                found.append(p.pid)
        except psutil.Error:
            pass
    return found


def sandbox_folders() -> set[str]:
    """The sandbox folders of these tests' gradings (grade_dir's sessions are
    "test..."; a bench/ script may run meanwhile)."""
    return {p.name for p in Path("/tmp").glob("tp-grader-test*") if p.is_dir()}


@pytest.fixture
def machine_unharmed():
    """The machine after the test is the machine before it."""
    folders = sandbox_folders()
    yield
    assert sandbox_processes() == []
    assert marked_processes("test") == []
    assert sandbox_folders() <= folders
    for d in ("/tmp", "/var/tmp", "/dev/shm", ROOT, ROOT / "reference"):
        assert not (Path(d) / MARK).exists(), d
    assert (ROOT / "README.md").is_file() and (ROOT / "reference" / "chrono.py").is_file()


def test_a_fork_bomb_loses_its_exercise_and_nothing_else(tmp_path, machine_unharmed):
    sub = hostile("hostile_fork_bomb", tmp_path / "sub")
    proc, report = grade_dir(sub)  # every exercise, at the same time
    assert proc.returncode == 0, proc.stderr
    for ex, (score, max_score) in exercise_scores(report).items():
        if ex == "multiChrono":
            assert score == 0
        else:
            assert score == max_score, (ex, [t["output"] for t in report["tests"]
                                             if t["exercise"] == ex and t["status"] != "passed"])
    if RUNS_AS_OTHER_USER:
        launch = next(t for t in report["tests"] if t["exercise"] == "multiChrono" and t["check"] == "launch")
        assert "fork()" in launch["output"]


def test_a_program_that_prints_forever_is_stopped_and_memory_stays_bounded(tmp_path, machine_unharmed):
    sub = hostile("hostile_prints_forever", tmp_path / "sub")
    # a fresh process, so that the peak memory is this grading's (grader and programs)
    measure = ("import resource, subprocess, sys; "
               "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    peak_kib = int(subprocess.run(
        [sys.executable, "-c", measure, sys.executable, "-m", "grader", str(sub), "--exercise", "chrono"],
        cwd=ROOT, capture_output=True, text=True, timeout=300).stdout)
    assert peak_kib < 300 * 1024
    proc, report = grade_dir(sub, "--exercise", "chrono")
    assert exercise_scores(report)["chrono"][0] == 0
    assert "without end" in " ".join(t["output"] for t in report["tests"])


def test_a_program_that_ignores_signals_is_still_stopped(tmp_path, machine_unharmed):
    sub = hostile("hostile_ignores_signals", tmp_path / "sub")
    proc, report = grade_dir(sub, "--exercise", "chrono")
    assert proc.returncode == 0
    score, max_score = exercise_scores(report)["chrono"]
    assert score < max_score


namespaces = pytest.mark.skipif(
    namespaces.namespaces_unavailable() is not None or not test_isolation.namespaces_work(),
    reason="files and network are isolated by namespaces, which this machine cannot make")


@namespaces
def test_writes_outside_the_sandbox_vanish_and_the_grader_is_untouched(tmp_path, machine_unharmed):
    sub = hostile("hostile_writes_outside", tmp_path / "sub")
    proc, report = grade_dir(sub, "--exercise", "joueurs_par_nation")
    assert report["score"] == report["max_score"], [t["output"] for t in report["tests"] if t["status"] != "passed"]


@namespaces
def test_reference_solutions_and_the_hand_in_cannot_be_read(tmp_path, machine_unharmed):
    sub = hostile("hostile_reads_reference", tmp_path / "sub")
    proc, report = grade_dir(sub, "--exercise", "wine_bottles")
    # the client crashes with "LEAK ..." if it could read any of them
    assert report["score"] == report["max_score"], [t["output"] for t in report["tests"] if t["status"] != "passed"]


@namespaces
def test_student_programs_reach_no_network(tmp_path, machine_unharmed):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    reached = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                reached.append(listener.accept()[1])
            except OSError:
                continue
    threading.Thread(target=accept, daemon=True).start()
    try:
        sub = hostile("hostile_network", tmp_path / "sub", **{"@PORT@": str(listener.getsockname()[1])})
        proc, report = grade_dir(sub, "--exercise", "bottles_of_beer2")
    finally:
        stop.set()
        listener.close()
    assert reached == []
    assert report["score"] == report["max_score"], [t["output"] for t in report["tests"] if t["status"] != "passed"]


def test_every_hostile_variant_is_graded_here():
    names = {p.name for p in SUBMISSIONS.iterdir() if p.name.startswith("hostile_")}
    assert names == {"hostile_fork_bomb", "hostile_prints_forever", "hostile_ignores_signals",
                     "hostile_writes_outside", "hostile_reads_reference", "hostile_network",
                     "hostile_fills_disk", "hostile_home_attack"}  # the last one in test_as_a_user.py
    for name in names:
        assert touched_exercises(load(SUBMISSIONS / name))


class FreeSpace:
    """The lowest free space of a filesystem while the block runs (polled):
    `dropped` is how much less it had at its lowest than at the start."""

    def __init__(self, path: str):
        self.path, self.lowest, self.start = path, None, None
        self._stop = threading.Event()

    def _free(self) -> int:
        st = os.statvfs(self.path)
        return st.f_bavail * st.f_frsize

    def _watch(self):
        while not self._stop.wait(0.02):
            self.lowest = min(self.lowest, self._free())

    def __enter__(self):
        self.start = self.lowest = self._free()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def dropped(self) -> int:
        return self.start - self.lowest


# What the report says of a program stopped by the bound of its writable
# space (with namespaces), besides Python's own "No space left on device"
OUT_OF_SPACE = "The program filled all the space a grading gives it"


def assert_disk_filler_verdict(proc, report, space: FreeSpace) -> None:
    """hostile_fills_disk: the grading ends, bottles_of_beer2 loses its points
    and says why, every other exercise is graded as usual, and the disk the
    program wrote to lost at most 100 MiB meanwhile."""
    assert proc.returncode == 0, proc.stderr[-3000:]
    for ex, (score, max_score) in exercise_scores(report).items():
        if ex == "bottles_of_beer2":
            assert score == 0
        else:
            assert score == max_score, (ex, [t["output"] for t in report["tests"]
                                             if t["exercise"] == ex and t["status"] != "passed"])
    assert "No space left on device" in proc.stdout
    assert space.dropped < 100 * 2**20, f"{space.dropped / 2**20:.0f} MiB of {space.path} used meanwhile"
    assert OUT_OF_SPACE in proc.stdout


def test_a_program_that_fills_the_disk_stops_at_the_bound(tmp_path, machine_unharmed):
    """1 GiB in its folder, then in /tmp, in files of 16 MiB (each within
    RLIMIT_FSIZE): the sandbox's writable space stops it."""
    sub = hostile("hostile_fills_disk", tmp_path / "sub")
    with FreeSpace("/tmp") as space:
        proc, report = grade_dir(sub, "--no-color")
    assert_disk_filler_verdict(proc, report, space)
    assert not [p for p in sub.iterdir() if p.name.startswith("debug_bob")]


def test_ctrl_c_stops_grading_cleanly(machine_unharmed):
    """Ctrl-C in the terminal: SIGINT to the grader's whole process group."""
    before = sandbox_folders()
    proc = subprocess.Popen([sys.executable, "-m", "grader", str(ROOT / "reference")], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, "TPGRADER_SESSION": "testctrlc-"},
                            preexec_fn=as_typed_in_a_terminal)
    deadline = time.monotonic() + 30
    while not (sandbox_folders() - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # well into the grading
    os.killpg(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
