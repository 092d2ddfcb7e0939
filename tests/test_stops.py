"""Whatever stops a grading, whenever, nothing it started outlives it.

A grading of the reference, and a class grading (three hand-ins, two at a
time), are each stopped at 20 moments spread over their run, each in a fresh
process group, as a user stops them: Ctrl-C (SIGINT to the group), SIGTERM,
SIGHUP (a closed terminal hangs up the group), or one of the grader's own
processes killed (a worker of the grading, a grading of the class). One
second after the command ends, nothing may be left: no process of the
grading (student program, worker, namespace holder, anything in the
command's process group), no folder of its session in /tmp."""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import pytest

from conftest import ROOT, as_typed_in_a_terminal
from grader.harness import RUN_MARKER

MOMENTS = 20
KILL_ONE = "kill one of the grader's processes"
HOW = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, KILL_ONE]


def leftovers(session: str, group: int, since: float) -> list[str]:
    """What is left of a grading whose sessions start with `session`, whose
    command led process group `group` and started at `since` (time.time())."""
    found = []
    for p in psutil.process_iter():
        try:
            env = p.environ()
        except psutil.Error:
            env = {}
        try:
            ours = (env.get(RUN_MARKER, "").startswith(session)
                    or env.get("TPGRADER_SESSION", "").startswith(session) or os.getpgid(p.pid) == group)
            if ours and p.status() != psutil.STATUS_ZOMBIE:
                found.append(f"process {p.pid} {' '.join(p.cmdline())[:100]}")
        except (psutil.Error, OSError):
            continue
    found += [f"folder {f}" for f in Path(tempfile.gettempdir()).glob(f"tp-grader-{session}*")]
    for f in Path(tempfile.gettempdir()).glob("pymp-*"):  # multiprocessing's (the grader used it once)
        try:
            if f.stat().st_mtime >= since:
                found.append(f"folder {f}")
        except OSError:
            continue
    return found


def grader_children(pid: int) -> list[psutil.Process]:
    """The grader's own processes under the command: its workers (forks of
    the command) or, in a class, the gradings of the hand-ins."""
    try:
        kids = psutil.Process(pid).children()
        return [k for k in kids if "grader" in " ".join(k.cmdline()) and k.status() != psutil.STATUS_ZOMBIE]
    except psutil.Error:
        return []


def stop_at(args: list[str], moment: float, how) -> tuple[list[str], str]:
    """Run the grader with `args`, stop it `moment` seconds in, `how`; return
    what is left one second after it ended, and what went wrong besides."""
    session = f"teststop{uuid.uuid4().hex[:8]}-"
    since = time.time()
    proc = subprocess.Popen([sys.executable, "-m", "grader", *args, "--lang", "en"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, "TPGRADER_SESSION": session},
                            preexec_fn=as_typed_in_a_terminal)
    problems = []
    try:
        time.sleep(moment)
        if how == KILL_ONE:
            kids = grader_children(proc.pid)
            if kids:
                kids[0].kill()
        elif proc.poll() is None:
            os.killpg(proc.pid, how)
        try:
            _out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            problems.append("the command did not end within 120 s of the stop")
            err = ""
        # 128 + the signal: stopped by the grader; -signal: before it could
        # handle signals (Python starting), which then started nothing
        expected = {0, 3} if how == KILL_ONE else {0, 128 + how, -how}
        python_starting = how == signal.SIGINT and stopped_while_python_started(err, proc.returncode)
        if proc.returncode not in expected and not python_starting:
            problems.append(f"exit status {proc.returncode}, expected one of {sorted(expected)}: {err[-300:]}")
        if "Traceback" in err and not python_starting:
            problems.append(f"a traceback: {err[-500:]}")
        time.sleep(1.0)
        return leftovers(session, proc.pid, since), "; ".join(problems)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def stopped_while_python_started(err: str, returncode: int) -> bool:
    """A Ctrl-C before the grader's first line ran, while Python imported
    site and runpy, or grader.command from grader/__main__.py: Python's own
    KeyboardInterrupt, which no program can catch (see grader/command.py).
    Python then ends with -SIGINT, or 1 ("Could not import runpy module");
    its traceback has no frame of the grader but that import (once main()
    runs, a traceback would pass through grader/command.py)."""
    grader_files = re.findall(rf'File "{re.escape(str(ROOT / "grader"))}/([^"]+)"', err)
    return (returncode in (-signal.SIGINT, 1) and err.rstrip().endswith("KeyboardInterrupt")
            and all(f == "__main__.py" for f in grader_files))


def name(how) -> str:
    return "kill-one" if how == KILL_ONE else signal.Signals(how).name


@pytest.mark.parametrize("index", range(MOMENTS), ids=lambda i: f"{i}-{name(HOW[i % len(HOW)])}")
def test_a_stopped_grading_leaves_nothing(index):
    """`./grade.sh reference` takes about 5 s here: stops from 0.1 s to 5.8 s."""
    how = HOW[index % len(HOW)]
    moment = 0.1 + index * 0.3
    left, problems = stop_at([str(ROOT / "reference")], moment, how)
    assert left == [] and not problems, (f"stopped at {moment:.1f} s with {name(how)}", left, problems)


@pytest.fixture(scope="module")
def small_class(tmp_path_factory) -> Path:
    import shutil
    base = tmp_path_factory.mktemp("stop-class")
    for student, source in (("alice", "reference"), ("bob", "student_template"), ("carol", "reference")):
        shutil.copytree(ROOT / source, base / "hand-ins" / student)
    return base


@pytest.mark.parametrize("index", range(MOMENTS), ids=lambda i: f"{i}-{name(HOW[i % len(HOW)])}")
def test_a_stopped_class_grading_leaves_nothing(index, small_class):
    """Two exercises with programs that stay running (chrono, the wine
    server), three hand-ins two at a time: about 10 s here; stops from 0.2 s
    to 9.7 s."""
    how = HOW[index % len(HOW)]
    moment = 0.2 + index * 0.5
    out = small_class / f"results-{index}"
    left, problems = stop_at(["--batch", str(small_class / "hand-ins"), "--out", str(out), "--jobs", "2",
                              "--exercise", "chrono", "--exercise", "wine_bottles"], moment, how)
    assert left == [] and not problems, (f"stopped at {moment:.1f} s with {name(how)}", left, problems)


def test_removing_a_folder_never_changes_the_rights_of_the_folder_holding_it(tmp_path):
    """The sweep removes /tmp/tp-grader-... folders: /tmp itself must keep its
    rights, also when the folder is already gone (removed by its own cleanup
    meanwhile) or holds a folder a student program locked (chmod 000)."""
    import stat
    from grader.harness.leftovers import remove_folder

    holder = tmp_path / "tmp"
    holder.mkdir()
    os.chmod(holder, 0o1777)
    folder = holder / "tp-grader-x"
    (folder / "locked" / "deep").mkdir(parents=True)
    (folder / "locked" / "deep" / "file").write_text("x")
    os.chmod(folder / "locked", 0)
    remove_folder(folder)
    assert not folder.exists()
    remove_folder(folder)  # gone already
    remove_folder(holder / "never-was")
    assert stat.S_IMODE(holder.stat().st_mode) == 0o1777


def test_under_nohup_a_hangup_does_not_stop_the_grading(tmp_path):
    """`nohup ./grade.sh ...`: the user wants the grading to go on when the
    terminal closes. The command kept SIGHUP ignored but its workers did not:
    the hangup killed them and the grading ended with "the grader is broken"."""
    def ignoring_hangups():
        as_typed_in_a_terminal()
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    report = tmp_path / "r.json"
    proc = subprocess.Popen([sys.executable, "-m", "grader", str(ROOT / "reference"), "--json", str(report),
                             "--exercise", "chrono", "--exercise", "bottles_of_beer2", "--lang", "en"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=ignoring_hangups,
                            env={**os.environ, "TPGRADER_SESSION": f"testnohup{uuid.uuid4().hex[:8]}-"})
    time.sleep(1.5)  # the workers are grading
    os.killpg(proc.pid, signal.SIGHUP)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    result = json.loads(report.read_text())
    assert result["score"] == result["max_score"] == 20


FORK_HIT_BY_THE_STOP = """
import os, signal, subprocess, sys
from grader.harness.leftovers import command_session
with command_session():
    # the stop reaches the child between its fork and its exec, while its
    # after-fork hooks (random's re-seeding) run: a Ctrl-C to the group
    os.register_at_fork(after_in_child=lambda: os.kill(os.getpid(), signal.SIGTERM))
    child = subprocess.Popen(["true"], preexec_fn=lambda: None)
    print(child.wait(), flush=True)
"""


def test_a_child_stopped_before_its_exec_ends_without_a_word():
    """A signal sent to the process group reaches a child the command has
    just forked, which still has the command's handler: it ends as the
    signal would end it, with no "Exception ignored" traceback."""
    done = subprocess.run([sys.executable, "-c", FORK_HIT_BY_THE_STOP], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(128 + signal.SIGTERM), done.stdout
    assert done.stderr == "", done.stderr


STOP_IN_SET_NAME = """
import os, signal, sys
from grader import cli

class Field:  # as pytest's own classes have: a stop may land in __set_name__
    def __set_name__(self, owner, name):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(10**7):  # the handler runs here, and raises
            pass

def importing():
    class Report:
        sections = Field()

real = cli.{patched}
def patched(*args, **kwargs):
    importing()
    return real(*args, **kwargs)
cli.{patched} = patched
sys.exit(cli.main(["{folder}", "--lang", "en", "--exercise", "chrono"]))
"""


@pytest.mark.parametrize("patched", ["_parser", "_grade_one"], ids=["before-the-session", "in-the-session"])
def test_a_stop_that_python_turns_into_another_error_is_still_a_stop(patched):
    """Raised in __set_name__, a stop's exception comes up as a RuntimeError
    (seen in CI: Ctrl-C while pytest was being imported): the command still
    says it was interrupted, in one line, with 128 + the signal."""
    code = STOP_IN_SET_NAME.format(patched=patched, folder=ROOT / "student_template")
    # as typed in a terminal: a suite started in the background passes SIGINT
    # on ignored, and a command that finds it ignored rightly goes on
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          preexec_fn=as_typed_in_a_terminal)
    assert (done.returncode, done.stderr) == (128 + signal.SIGINT, "python -m grader: interrupted\n")


# Imports nothing that the grader's first module could need (importlib.abc
# imports typing, signal imports enum): a module already imported is not
# looked for, and the stop would not come while the grader imports it.
STOP_WHILE_IMPORTING = """
import os, runpy, sys

class StopOnImport:
    stopped = False

    def find_spec(self, name, path=None, target=None):
        if not self.stopped and {when}:
            self.stopped = True
            os.kill(os.getpid(), 2)  # SIGINT, as Ctrl-C does, as Python imports `name`
        return None

sys.meta_path.insert(0, StopOnImport())
sys.argv = ["grader", "{folder}", "--lang", "en"]
runpy.run_module("grader", run_name="__main__")  # as python -m grader
"""
STOP_WHEN = {
    # the first module the grader's code asks for, whichever it is
    "first-import": '"grader.command" in sys.modules',
    "cli": 'name == "grader.cli"',
    "i18n": 'name == "grader.i18n"',
}


@pytest.mark.parametrize("when", STOP_WHEN)
def test_a_stop_while_python_imports_the_grader_ends_without_a_traceback(when):
    """The first tenth of a second of the command, longer on a loaded
    machine (seen with the tests run side by side, and in CI): Python imports
    the grader's modules. A Ctrl-C then ends it with 130 and no traceback of
    whatever was being imported."""
    code = STOP_WHILE_IMPORTING.format(when=STOP_WHEN[when], folder=ROOT / "student_template")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          preexec_fn=as_typed_in_a_terminal)
    assert (done.returncode, done.stderr) == (128 + signal.SIGINT, "")


# A stop that comes while Python runs a callback: here an at-fork hook, as
# logging's (seen: "Exception ignored in: <function _releaseLock>" in a
# stopped grading, under load). The hook signals the process and lets
# Python see it: the handler's exception is raised inside the hook.
STOP_IN_A_CALLBACK = """
import os, signal, sys, time
from grader.command import catch_early_stops
from grader.harness.leftovers import command_session, stop_signal

def hook():
    os.kill(os.getpid(), signal.{signal})
    time.sleep(0.05)  # the handler runs here, inside the hook

catch_early_stops()
os.register_at_fork(after_in_parent=hook)
try:
    with {session}:
        if os.fork() == 0:
            os._exit(0)
        time.sleep(2)  # the stop comes here, or never
    print("went on as if it had not been stopped", flush=True)
except KeyboardInterrupt:
    sys.exit(128 + stop_signal())
"""


@pytest.mark.parametrize("stage, sig", [("early", "SIGINT"), ("session", "SIGTERM")])
def test_a_stop_during_a_callback_still_stops_the_command_and_prints_no_traceback(stage, sig):
    """Python cannot raise an exception out of a callback: it prints
    "Exception ignored in ..." and goes on. The stop must still end the
    command, with 128 + the signal, and print nothing."""
    session = "command_session()" if stage == "session" else "__import__('contextlib').nullcontext()"
    code = STOP_IN_A_CALLBACK.format(signal=sig, session=session)
    # a terminal's dispositions: a suite started in the background passes SIGINT on ignored
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "TPGRADER_SESSION": f"teststop{uuid.uuid4().hex[:8]}-"},
                          preexec_fn=as_typed_in_a_terminal)
    assert (done.returncode, done.stdout, done.stderr) == (128 + getattr(signal, sig), "", "")
