"""The harness through which every student program runs."""
import os
import signal
import subprocess
import sys
import time
import textwrap
from datetime import datetime

import psutil
import pytest

from conftest import ROOT
from grader.harness import RUN_MARKER, RUNS_AS_OTHER_USER, MissingScript, Sandbox
from grader.submission import Submission


def program(body: str) -> str:
    return "#!/usr/bin/python3\n" + textwrap.dedent(body)


@pytest.fixture
def submission(tmp_path):
    d = tmp_path / "sub"
    d.mkdir()
    return Submission(d)


def leftovers(token: str) -> list[int]:
    pids = []
    for p in psutil.process_iter():
        try:
            if p.environ().get(RUN_MARKER) == token and p.status() != psutil.STATUS_ZOMBIE:
                pids.append(p.pid)
        except psutil.Error:
            pass
    return pids


def our_zombies() -> list[int]:
    return [c.pid for c in psutil.Process().children() if c.status() == psutil.STATUS_ZOMBIE]


def test_stdout_and_stderr_are_told_apart(submission):
    with Sandbox(submission) as sb:
        sb.write("p.py", program("""
            import sys
            print("to out")
            print("to err", file=sys.stderr)
            sys.exit(3)
        """), 0o755)
        r = sb.run("p.py")
    assert (r.stdout, r.stderr, r.status) == ("to out\n", "to err\n", 3)
    assert r.command == "./p.py"


def test_terminal_shows_unflushed_print_of_a_killed_program(submission):
    # In a terminal, print() is line-buffered: a program stopped by its time
    # limit has still shown what it printed (through the grader's pipes too:
    # see the test below).
    with Sandbox(submission) as sb:
        sb.write("p.py", program("""
            import time
            print("before the loop")
            while True:
                time.sleep(0.01)
        """), 0o755)
        r = sb.run("p.py", terminal=True, timeout=1)
    assert r.timed_out
    assert "before the loop" in r.stdout


def test_pipes_keep_what_a_stopped_program_printed_and_say_what_it_was_doing(submission):
    # Through a pipe Python buffers stdout by blocks: a program stopped at its
    # time limit would lose what it printed. The grader's own pipes are
    # line-buffered (inject/sitecustomize.py), as a terminal is; and the run
    # says what the program was doing when it was stopped.
    with Sandbox(submission) as sb:
        sb.write("p.py", program("""
            import time
            for name in ("Neymar", "Alisson", "Firmino"):
                print(name)
                time.sleep(0.2)
            time.sleep(60)
        """), 0o755)
        r = sb.run("p.py", timeout=2)
        assert r.timed_out and r.stdout == "Neymar\nAlisson\nFirmino\n"
        assert [(name, act) for _pid, name, act in r.stopped_while] == [("p.py", "sleeping")]
        sb.write("loop.py", program("""
            print("looping")
            while True:
                pass
        """), 0o755)
        r = sb.run("loop.py", timeout=2)
        assert r.stdout == "looping\n"
        assert [act for _pid, _name, act in r.stopped_while] == ["running"]
        # a consumer that waits for its producer: both are named
        sb.write("c.py", program("""
            import subprocess
            subprocess.run(["./p.py"], stdout=subprocess.PIPE)
        """), 0o755)
        r = sb.run("c.py", timeout=2)
        assert [(name, act) for _pid, name, act in r.stopped_while] == [("c.py", "reading"), ("p.py", "sleeping")]
        r = sb.run("p.py", terminal=True, timeout=2)
        assert [act for _pid, _name, act in r.stopped_while] == ["sleeping"]
        sb.write("quick.py", program("print('done')"), 0o755)
        assert sb.run("quick.py").stopped_while == ()  # it ended: nothing to say


def test_only_the_graders_own_pipes_are_line_buffered(submission):
    # The pipes a program makes itself (a consumer's to its producer) keep
    # Python's usual buffering, as outside the grader: a consumer is judged on
    # the chunks a real producer sends. A program whose stdout is the grader's
    # pipe (started without capture) writes line by line, as in a terminal.
    with Sandbox(submission) as sb:
        sb.write("show.py", program("""
            import sys
            print(sys.stdout.line_buffering, sys.stderr.line_buffering)
        """), 0o755)
        sb.write("p.py", program("""
            import subprocess, sys
            print("own:", sys.stdout.line_buffering, flush=True)
            out = subprocess.run(["./show.py"], stdout=subprocess.PIPE, text=True).stdout
            print("captured:", out.strip(), flush=True)
            subprocess.run(["./show.py"])
        """), 0o755)
        r = sb.run("p.py")
    assert r.stdout.split("\n")[:3] == ["own: True", "captured: False True", "True True"], r


def test_time_limit_stops_a_program_and_its_children(submission):
    with Sandbox(submission) as sb:
        sb.write("p.py", program("""
            import os, time
            for _ in range(3):
                if os.fork() == 0:
                    break
            while True:
                time.sleep(0.05)
        """), 0o755)
        r = sb.run("p.py", timeout=1)
        assert r.timed_out and r.status is None
        assert 1 <= r.duration < 6
        assert leftovers(sb.token) == []


def test_output_cap_stops_a_program_that_prints_forever(submission):
    with Sandbox(submission) as sb:
        sb.write("p.py", program("""
            while True:
                print("y" * 100)
        """), 0o755)
        r = sb.run("p.py", timeout=20, output_cap=10_000)
        assert r.truncated and not r.timed_out
        assert len(r.stdout) <= 10_000
        assert leftovers(sb.token) == []


def test_escaped_processes_are_killed_and_reaped(submission):
    """setsid() and a double fork take a process out of the tree and the
    process group: the marker still finds it; its dead parent is reaped."""
    with Sandbox(submission) as sb:
        sb.write("p.py", program("""
            import os, time
            if os.fork() == 0:
                os.setsid()
                if os.fork():
                    os._exit(0)
                time.sleep(300)
            print("parent done")
        """), 0o755)
        r = sb.run("p.py")
        assert r.stdout == "parent done\n" and r.status == 0
        assert leftovers(sb.token) == []
        assert our_zombies() == []


def test_close_kills_live_programs_and_removes_the_folder(submission):
    sb = Sandbox(submission)
    sb.write("p.py", program("""
        import time
        print("ready", flush=True)
        time.sleep(300)
    """), 0o755)
    live = sb.spawn("p.py")
    assert live.expect("ready", timeout=5) == "ready"
    token, folder = sb.token, sb.path.parent
    sb.close()
    assert leftovers(token) == []
    assert not folder.exists()
    assert our_zombies() == []


def test_fixed_today_and_time_scale(submission):
    with Sandbox(submission, today=datetime(2034, 2, 3, 10, 0), time_scale=20) as sb:
        sb.write("p.py", program("""
            import datetime, time
            from datetime import date
            t0 = time.time()
            time.sleep(3)
            print(date.today(), datetime.datetime.now().year, time.localtime().tm_year,
                  time.strftime("%Y"), round(time.time() - t0))
        """), 0o755)
        r = sb.run("p.py")
    today, year1, year2, year3, elapsed = r.stdout.split()
    assert today == "2034-02-03" and year1 == year2 == year3 == "2034"
    assert elapsed == "3"  # three virtual seconds went by...
    assert r.duration < 3  # ...in much less real time


def test_alarm_is_scaled_and_returns_whole_seconds(submission):
    with Sandbox(submission, time_scale=10) as sb:
        sb.write("p.py", program("""
            import signal, time
            fired = []
            signal.signal(signal.SIGALRM, lambda s, f: fired.append(time.time()))
            t0 = time.time()
            print(signal.alarm(5), signal.alarm(2))
            signal.pause()
            print(round(fired[0] - t0))
        """), 0o755)
        r = sb.run("p.py")
    first, elapsed = r.stdout.split("\n")[:2]
    assert first == "0 5"  # alarm() returns the whole seconds left on the previous alarm
    assert elapsed == "2"


def test_the_clock_is_patched_only_in_modules_the_program_imports(submission):
    # signal and datetime are patched when the program imports them, not at
    # every start (their import costs more than the program, for most of them)
    with Sandbox(submission, today=datetime(2031, 5, 6, 10, 0), time_scale=10) as sb:
        sb.write("p.py", program("""
            import sys, time
            print(sorted(m for m in ("signal", "datetime", "random") if m in sys.modules))
            t0 = time.monotonic()
            import signal
            signal.signal(signal.SIGALRM, lambda s, f: None)
            signal.alarm(1)
            signal.pause()
            from datetime import date
            print(date.today(), round(time.monotonic() - t0, 1))
        """), 0o755)
        r = sb.run("p.py")
    loaded, clock = r.stdout.split("\n")[:2]
    assert loaded == "[]"
    today, real_seconds = clock.split()
    assert today == "2031-05-06" and float(real_seconds) < 0.5  # alarm(1) took 0.1 s


def test_real_time_switch_turns_dilation_off_and_stretches_waits(submission, monkeypatch):
    monkeypatch.setenv("TPGRADER_REAL_TIME", "1")
    with Sandbox(submission, time_scale=10) as sb:
        assert sb.time_scale == 1.0 and sb.stretch(2) == 20
        sb.write("p.py", program("""
            import time
            t0 = time.monotonic()
            time.sleep(0.3)
            print(round(time.monotonic() - t0, 1))
        """), 0o755)
        assert float(sb.run("p.py").stdout) >= 0.3
    monkeypatch.delenv("TPGRADER_REAL_TIME")
    with Sandbox(submission, time_scale=10) as sb:
        assert sb.time_scale == 10 and sb.stretch(2) == 2


def test_child_processes_share_the_virtual_clock(submission):
    with Sandbox(submission, today=datetime(2040, 1, 1, 12, 0), time_scale=10) as sb:
        sb.write("child.py", program("""
            import datetime
            print(datetime.date.today().year)
        """), 0o755)
        sb.write("p.py", program("""
            import subprocess
            print(subprocess.run(["./child.py"], capture_output=True, text=True).stdout.strip())
        """), 0o755)
        assert sb.run("p.py").stdout == "2040\n"


@pytest.mark.skipif(not RUNS_AS_OTHER_USER, reason="only root drops privileges")
def test_root_runs_student_code_unprivileged(submission):
    with Sandbox(submission) as sb:
        sb.write("secret.txt", "x")
        sb.chmod("secret.txt", 0o000)
        sb.write("p.py", program("""
            import os
            print(os.getuid() != 0)
            try:
                open("secret.txt").read()
            except PermissionError:
                print("refused")
        """), 0o755)
        assert sb.run("p.py").stdout == "True\nrefused\n"


def test_missing_script_is_reported(submission):
    with Sandbox(submission) as sb:
        with pytest.raises(MissingScript):
            sb.run("joueurs_par_nation.py", ["fr"])


def test_script_without_run_bit_or_shebang_runs_with_python(tmp_path):
    d = tmp_path / "sub"
    d.mkdir()
    (d / "a.py").write_text("print('no shebang')\n")
    (d / "b.py").write_text("#!/usr/bin/python3\r\nprint('crlf')\r\n")
    os.chmod(d / "b.py", 0o755)
    sub = Submission(d)
    assert [p for p, _ in sub.launch_problems("a.py")] == ["no_shebang", "no_exec_bit"]
    assert [p for p, _ in sub.launch_problems("b.py")] == ["crlf"]
    with Sandbox(sub) as sb:
        a, b = sb.run("a.py"), sb.run("b.py")
    assert (a.command, a.stdout) == ("python3 a.py", "no shebang\n")
    assert (b.command, b.stdout) == ("python3 b.py", "crlf\n")


def test_tracebacks_name_files_relative_to_the_submission(submission):
    with Sandbox(submission) as sb:
        sb.write("p.py", program("raise ValueError('boom')\n"), 0o755)
        r = sb.run("p.py")
    assert 'File "p.py", line 2' in r.stderr
    assert "tp-grader-" not in r.stderr


def test_signals_reach_a_live_program(submission):
    with Sandbox(submission) as sb:
        sb.write("p.py", program("""
            import signal
            signal.signal(signal.SIGINT, lambda s, f: print("got INT"))
            print("waiting")
            while True:
                signal.pause()
        """), 0o755)
        live = sb.spawn("p.py")
        assert live.expect("waiting", timeout=5)
        live.send_signal(signal.SIGINT)
        assert live.expect("got INT", timeout=5)
        live.send_signal(signal.SIGKILL)
        assert live.wait(timeout=5) is None  # killed, no exit status


def test_a_program_waiting_for_the_keyboard_is_seen(submission):
    # input() in a terminal blocks on a keyboard nobody types on: the grader
    # reads it from the kernel (read(0) on the terminal) and names it.
    from grader.kit.causes import cause_of_live
    from grader.harness import waits_for_keyboard
    with Sandbox(submission) as sb:
        sb.write("p.py", program("""
            import time
            print("started")
            time.sleep(0.2)
            input("Appuyez sur Entree ")
        """), 0o755)
        live = sb.spawn("p.py")
        assert live.expect("started", timeout=5)
        assert not waits_for_keyboard(live.pid)  # sleeping is not reading
        assert live.expect("Entree", timeout=5)
        deadline = time.monotonic() + 5
        while not waits_for_keyboard(live.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert waits_for_keyboard(live.pid)
        cause = cause_of_live(live)
        assert cause is not None and cause.key == "keyboard:p.py"
        assert "input()" in cause.summary


def test_a_bytecode_file_being_written_by_another_grading_is_not_copied(submission):
    """A fresh install has no bytecode of inject/sitecustomize.py: the first
    sandboxes of two workers compiled it at once, and one copied the other's
    half-written NAME.pyc.ID just before it was renamed (a whole exercise
    failed with "No such file or directory")."""
    from grader.harness import INJECT_DIR
    cache = INJECT_DIR / "__pycache__"
    cache.mkdir(exist_ok=True)
    being_written = cache / "sitecustomize.cpython-311.pyc.140155015982672"
    being_written.write_bytes(b"half")
    try:
        with Sandbox(submission) as sb:
            copied = {p.name for p in (sb._tmp / "inject").rglob("*")}
            assert being_written.name not in copied and "sitecustomize.py" in copied
            sb.write("p.py", program("print('ok')"), 0o755)
            assert sb.run("p.py").stdout == "ok\n"
    finally:
        being_written.unlink()


@pytest.mark.parametrize("terminal", [False, True])
def test_a_fork_stuck_before_its_exec_is_started_again(submission, tmp_path, monkeypatch, capsys, terminal):
    """A program whose fork hangs before its exec (seen once in a while when
    forking from a thread) is killed and started again: the check sees the
    program run, once, and no process is left."""
    from grader.harness import processes
    monkeypatch.setattr(processes, "EXEC_LIMIT", 1.0)
    stuck_once = tmp_path / "stuck-once"
    with Sandbox(submission) as sb:
        sb.write("p.py", program("""
            print("started")
        """), 0o755)
        setup = sb._preexec

        def hang_the_first_fork():
            if not stuck_once.exists():
                stuck_once.touch()
                time.sleep(3600)  # between fork and exec, for ever
            setup()
        sb._preexec = hang_the_first_fork
        start = time.monotonic()
        r = sb.run("p.py", terminal=terminal, timeout=20)
        took = time.monotonic() - start
        sb.close()
        assert (r.stdout.strip(), r.status, r.timed_out) == ("started", 0, False)
        assert stuck_once.exists() and took < 15
        assert "did not reach its exec within 1 s; stopped and started again" in capsys.readouterr().err
        assert leftovers(sb.token) == [] and our_zombies() == []


def test_a_new_thread_runs_only_once_the_thread_that_started_it_waits(submission):
    """inject/sitecustomize.py holds a program's new thread until its
    starter makes a call that may wait: what the starter does before that
    (here, set a flag) always comes first, whatever the scheduler would
    choose (without the hold, the thread usually runs first); a starter that
    joins gets its thread's work done."""
    with Sandbox(submission) as sb:
        sb.write("racy.py", program("""
            import threading
            seen = []
            flag = 0
            def look():
                seen.append(flag)
            for _ in range(20):
                flag = 0
                t = threading.Thread(target=look)
                t.start()
                flag = 1        # before the starter waits: always seen by the thread
                t.join()
            print(seen)
        """), 0o755)
        sb.write("joins.py", program("""
            import threading
            out = []
            t = threading.Thread(target=out.append, args=("ran",))
            t.start()
            t.join(5)           # a call that waits: the thread goes
            print(out, t.is_alive())
        """), 0o755)
        racy, joins = sb.run("racy.py"), sb.run("joins.py")
    assert racy.stdout == str([1] * 20) + "\n", racy.stdout + racy.stderr
    assert joins.stdout == "['ran'] False\n", joins.stdout + joins.stderr


SUBREAPER_AFTER = """
import ctypes, sys
from pathlib import Path

def subreaper() -> int:
    flag = ctypes.c_int(-1)
    ctypes.CDLL(None).prctl(37, ctypes.byref(flag), 0, 0, 0)  # PR_GET_CHILD_SUBREAPER
    return flag.value

import grader.harness.processes, grader.harness.sandbox
print(subreaper())
from grader.harness import Sandbox
from grader.submission import Submission
with Sandbox(Submission(Path(sys.argv[1]))):
    print(subreaper())
"""


def test_a_process_takes_the_orphans_of_programs_once_it_starts_them_not_when_it_imports_the_harness(tmp_path):
    """An orphan comes to the nearest subreaper, which must reap it: a zombie
    answers kill(pid, 0) as a live process does. The test suite's controller
    reads the harness without starting programs; made a subreaper at import,
    it kept the orphans of VPL's server as zombies, and the server took its
    finished runner for a running one until its time limit."""
    done = subprocess.run([sys.executable, "-c", SUBREAPER_AFTER, str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["0", "1"], done.stdout + done.stderr


# A program's fork that fails before its exec, as when the grader is killed
# while it starts a program in a terminal (the child's terminal then gives
# EIO): seen once, a copy of the grader left running after a stopped class
# grading, which went on with the next wine scenario and started its server.
FORK_FAILS_BEFORE_EXEC = """
import errno, os, sys
from pathlib import Path
import ptyprocess.ptyprocess as pty_spawning
from grader.harness import Sandbox
from grader.harness.leftovers import command_session
from grader.submission import Submission

grader = os.getpid()
set_size = pty_spawning._setwinsize

def terminal_gone(fd, rows, cols):
    if os.getpid() != grader:
        raise OSError(errno.EIO, "Input/output error")
    set_size(fd, rows, cols)

pty_spawning._setwinsize = terminal_gone
with command_session():
    with Sandbox(Submission(Path(sys.argv[1]))) as sb:
        try:
            result = sb.run("chrono.py", terminal=True, timeout=5)
            print("ran", result.status, repr(result.stdout), flush=True)
        except Exception as e:
            print("not run", type(e).__name__, flush=True)
print("the end of", "the grader" if os.getpid() == grader else "a copy of the grader", flush=True)
"""


def test_a_fork_that_fails_before_its_exec_never_runs_the_graders_code():
    """It ends at once, saying why in the program's output; the grader goes
    on alone."""
    done = subprocess.run([sys.executable, "-c", FORK_FAILS_BEFORE_EXEC, str(ROOT / "reference")], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "the end of the grader" and "a copy of the grader" not in done.stdout, done.stdout
    ran, = [line for line in lines if line.startswith(("ran", "not run"))]
    assert ran.startswith("ran 127 ") and "could not start the program" in ran, ran


STARTS_AFTER_THE_SESSION = """
import sys
from pathlib import Path
from grader.harness import Sandbox
from grader.harness.leftovers import command_session
from grader.harness.processes import ProgramNotStarted
from grader.submission import Submission

with command_session():
    sb = Sandbox(Submission(Path(sys.argv[1])))
    print("in the session:", sb.run("joueurs_par_nation.py").status, flush=True)
# as a check's thread that a stop cut short would, once the sweep is done
try:
    sb.run("joueurs_par_nation.py")
    print("started after the session", flush=True)
except ProgramNotStarted as e:
    print("refused:", e, flush=True)
"""


def test_once_the_command_session_has_ended_no_program_starts():
    """The sweep at the session's end would not see a program started after
    it: none starts."""
    done = subprocess.run([sys.executable, "-c", STARTS_AFTER_THE_SESSION, str(ROOT / "reference")], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["in the session: 1",
                                        "refused: the command is ending: no program starts any more"], done.stdout
