"""The one way the grader runs a student program.

A `Sandbox` is a throw-away copy of the submission (plus the data files a
check needs) in a temporary folder; every student process of a check runs in
it, with:
  * a fixed "today" and a time scale (see inject/sitecustomize.py);
  * a time limit and a cap on the output kept;
  * a pty (pexpect) when the program must see a terminal, pipes when stdout
    and stderr must be told apart;
  * an unprivileged user when the grader runs as root (so that `chmod 000`
    means something, and a program cannot touch the grader's files);
  * a marker in its environment, so that at the end every process it started,
    even an orphan or one that called setsid(), is found, killed and reaped.
`Sandbox.close()` (or leaving the `with` block) kills what is left and removes
the folder, whatever happened.
"""
from __future__ import annotations

import errno
import functools
import os
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional, Sequence

import pexpect

from .namespaces import confine
from ..paths import GRADER_FILES
from ..submission import Submission
from . import processes, space
from .live import LiveProcess
from .leftovers import remove_folder, session, temp_folder_prefix
from .output import DEFAULT_OUTPUT_CAP, OutputReader
from .processes import (RUN_MARKER, become_subreaper, is_running, kill_all, marked_processes, program_started,
                        programs_ended, start_guarded, starting_program)
from .procfs import family_activity, process_cmdline, processes_of
from .scripts import MissingScript, SandboxFull, UnreadableScript, compile_error
from .users import (INJECT_DIR, STUDENT_PYTHON, child_setup, ignored_signals, new_sandbox_user,
                    precompile_inject, real_time)

DEFAULT_TIMEOUT = 5.0


@dataclass
class RunResult:
    command: str  # as the student would type it: "./joueurs_par_nation.py br"
    stdout: str  # in a terminal: everything the terminal showed
    stderr: str  # "" in a terminal
    status: Optional[int]  # exit status, None when killed by a signal
    signal: Optional[int] = None  # the signal that killed it
    timed_out: bool = False
    truncated: bool = False  # the program printed more than the cap
    duration: float = 0.0
    terminal: bool = False
    script: str = ""  # the lab script run ("joueurs_par_nation.py") and its arguments,
    args: tuple = ()  # for the report's causes (kit/causes.py: cause_of)
    blank: bool = False  # the script holds nothing that runs (Submission.unwritten)
    # timed out: what the program and its children were doing when the grader
    # stopped them, as procfs.family_activity gives it
    stopped_while: tuple = ()

    @property
    def output(self) -> str:
        """stdout and stderr together, for checks that accept either."""
        return self.stdout + self.stderr


class Sandbox:
    """A throw-away working folder with a copy of the submission; runs student
    programs in it and cleans up after them."""

    def __init__(
        self,
        submission: Submission,
        *,
        today: Optional[datetime] = None,
        time_scale: float = 1.0,
        data_files: Sequence[Path] = (),
        pipe_split: Optional[tuple[int, float]] = None,
        network: bool = False,
    ):
        """`pipe_split=(size, pause)`: the programs' writes to pipes reach them
        in pieces (see inject/sitecustomize.py). `network`: the programs need
        a network (theirs, loopback only, where namespaces can be made; else
        the machine's, one grading at a time: see namespaces.py)."""
        become_subreaper()  # the orphans of its programs come to this process, which reaps them
        self.submission = submission
        self.today = today
        # the scale the check was written for, and the one the programs get
        self.time_scale = 1.0 if real_time() else time_scale
        self.slowdown = time_scale / self.time_scale
        self.pipe_split = pipe_split
        # The session (see leftovers.py) prefixes the marker and the folder's
        # name, which also names the sandbox's user: whatever stops the
        # grading, its sweep finds them.
        self.token = session() + uuid.uuid4().hex
        self.epoch = time.time()
        self._roots: list[int] = []
        self._live: list["LiveProcess"] = []
        self.confinement = None
        self.user = new_sandbox_user()
        self._tmp = Path(tempfile.mkdtemp(prefix=temp_folder_prefix(f"u{self.user[0]}-" if self.user else "")))
        try:
            os.chmod(self._tmp, 0o711)  # the sandbox user must get through
            self.path = self._tmp / "work"  # as the programs see it
            self.files = self.path  # as the grader reaches it (see confine below)
            submission.copy_to(self.path)
            for f in data_files:
                shutil.copy(f, self.path / Path(f).name)
            bin_dir = self._tmp / "bin"
            bin_dir.mkdir()
            for name in ("python3", "python"):
                (bin_dir / name).symlink_to(STUDENT_PYTHON)
            inject = self._tmp / "inject"
            precompile_inject()
            # not a bytecode file being written by another grading at this
            # moment (py_compile writes NAME.pyc.ID, then renames it)
            shutil.copytree(INJECT_DIR, inject, ignore=shutil.ignore_patterns("*.pyc.*"))
            for d in (bin_dir, inject):
                os.chmod(d, 0o755)
            for dirpath, dirnames, filenames in os.walk(inject):
                for n in dirnames:
                    os.chmod(os.path.join(dirpath, n), 0o755)
                for n in filenames:
                    os.chmod(os.path.join(dirpath, n), 0o644)
            self._own_tree(self.path)
            self._env = self._make_env(bin_dir, inject)
            # hidden from student programs: the grader (reference solutions,
            # tests), the original hand-in (they work on this copy), and what
            # TPGRADER_HIDE names (a class grading: the other hand-ins, the results)
            hidden = {GRADER_FILES, submission.root, *(p.parent for p in submission.aliases.values()),
                      *(Path(p) for p in os.environ.get("TPGRADER_HIDE", "").split(os.pathsep) if p)}
            # the students' Python, shown again should it live in a hidden home
            python_home = Path(os.path.realpath(STUDENT_PYTHON)).parent.parent
            self.confinement = confine(self._tmp, sorted(hidden), network, [python_home])
            # where the grader reads and writes the programs' folder
            self.files = self.confinement.view(self.path)
            if self.files == self.path:  # no mount namespace: no tmpfs bounds what they write
                space.watch(self)
            self._preexec = functools.partial(child_setup, self.confinement, str(self.path), self.user,
                                              tuple(ignored_signals()))
            if self.user is not None:
                processes.watch_forks(self.user[0], self)
        except BaseException:
            self._close_confinement()
            remove_folder(self._tmp)
            raise

    # -- files ---------------------------------------------------------------

    def _own_tree(self, path: Path):
        if self.user is None:
            return
        uid, gid = self.user
        os.chown(path, uid, gid)
        for dirpath, dirnames, filenames in os.walk(path):
            for n in dirnames + filenames:
                os.lchown(os.path.join(dirpath, n), uid, gid)

    def file(self, name: str) -> Path:
        """The file `name` of the programs' folder, for the grader to read."""
        return self.files / name

    def write(self, name: str, content: str, mode: int = 0o644) -> Path:
        """Write a file in the programs' folder; returns its path as the
        programs see it."""
        p = self.file(name)
        try:
            p.write_text(content, encoding="utf-8")
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EDQUOT):
                raise SandboxFull(name) from None
            raise
        os.chmod(p, mode)
        self._own_tree(p) if p.is_dir() else self._own_file(p)
        return self.path / name

    def _own_file(self, p: Path):
        if self.user is not None:
            os.chown(p, *self.user)

    def remove(self, name: str):
        p = self.file(name)
        if p.exists():
            p.unlink()

    def chmod(self, name: str, mode: int):
        os.chmod(self.file(name), mode)

    # -- environment -----------------------------------------------------------

    def _make_env(self, bin_dir: Path, inject: Path) -> dict[str, str]:
        env = {
            "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.path),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": "dumb",
            "PYTHONPATH": str(inject),
            "PYTHONDONTWRITEBYTECODE": "1",
            "TPGRADER_EPOCH": repr(self.epoch),
            "TPGRADER_TIME_SCALE": repr(float(self.time_scale)),
            RUN_MARKER: self.token,
        }
        return env

    def env(self, extra: Optional[dict[str, str]] = None) -> dict[str, str]:
        """The environment of a program started now (checks may change
        `today` between runs); `extra`: variables for this program only."""
        env = dict(self._env, **(extra or {}))
        if self.today is not None:
            env["TPGRADER_TODAY"] = self.today.isoformat()
        if self.pipe_split:
            env["TPGRADER_PIPE_SPLIT"] = "%d:%r" % self.pipe_split
        if getattr(self.confinement, "shared_network", None) is not None:
            env["TPGRADER_REUSEADDR"] = "1"
        return env

    # -- starting programs -------------------------------------------------------

    def command_for(self, script: str, args: Sequence[str]) -> list[str]:
        """argv for `script`: `./script.py ARGS` when it can be launched that
        way, else `python3 script.py ARGS` so that its behaviour is still graded."""
        name = self.script_name(script)
        if self.submission.resolve(script):
            error = compile_error(self.submission.source(script))
            if error:
                raise UnreadableScript(name, *error)
            if self.submission.launch_problems(name):
                return ["python3", name, *args]
        return ["./" + name, *args]

    def script_name(self, script: str) -> str:
        """The file name of `script` in the sandbox; MissingScript if absent."""
        name = self.submission.resolve(script)
        if name is None:
            if not self.file(script).is_file():  # not written by the check either
                raise MissingScript(script)
            name = script
        return name

    def run(
        self,
        script: str,
        args: Sequence[str] = (),
        *,
        terminal: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        stdin: Optional[str] = None,
        output_cap: int = DEFAULT_OUTPUT_CAP,
        argv: Optional[list[str]] = None,
    ) -> RunResult:
        """Run one program to its end (or its time limit) and return what it did.
        `argv` overrides how the script is launched (the launch check uses it)."""
        argv = argv or self.command_for(script, args)
        start = time.monotonic()
        deadline = start + timeout
        with starting_program():
            if terminal:
                child = self._spawn_pty(argv)
                fds = {"stdout": child.child_fd}
                pid = child.pid
                exited = lambda: not child.isalive()  # noqa: E731
            else:
                child = self._spawn_pipes(argv, stdin)
                fds = {"stdout": child.stdout.fileno(), "stderr": child.stderr.fileno()}
                pid = child.pid
                exited = lambda: child.poll() is not None  # noqa: E731
            self._add_root(pid)
        reader = OutputReader(fds, output_cap)
        try:
            finished = reader.pump(deadline, exited)
            if finished:
                # Output closed: give the process until the deadline to exit.
                while not exited() and time.monotonic() < deadline:
                    time.sleep(0.005)
            timed_out = not exited() and not reader.truncated
            stopped_while = tuple(family_activity(pid)) if timed_out else ()
            self.kill_all([pid])
            status, sig = self._exit_status(child, terminal)
        finally:
            reader.close()
            self._close_child(child, terminal)
        return RunResult(
            command=shlex.join(argv),
            stdout=self.relative(reader.text("stdout")),
            stderr=self.relative(reader.text("stderr")) if not terminal else "",
            status=None if (timed_out or reader.truncated) else status,
            signal=None if (timed_out or reader.truncated) else sig,
            timed_out=timed_out,
            truncated=reader.truncated,
            duration=time.monotonic() - start,
            terminal=terminal,
            script=script,
            args=tuple(args),
            blank=self.submission.unwritten(script),
            stopped_while=stopped_while,
        )

    def relative(self, text: str) -> str:
        """Tracebacks name files by their path in the sandbox: show them as
        the student knows them, relative to their folder."""
        return text.replace(f"{self.path}/./", "").replace(f"{self.path}/", "")

    def spawn(self, script: str, args: Sequence[str] = (), *, argv: Optional[list[str]] = None,
              env: Optional[dict[str, str]] = None) -> "LiveProcess":
        """Start a program in a terminal and keep it running, for checks that
        talk to it (signals, sockets). Closed with the sandbox. `env`: extra
        environment variables for this program (see inject/sitecustomize.py)."""
        argv = argv or self.command_for(script, args)
        with starting_program():
            child = self._spawn_pty(argv, encoding="utf-8", extra_env=env)
            self._add_root(child.pid)
        live = LiveProcess(self, child, shlex.join(argv), script=script, args=tuple(args),
                           blank=self.submission.unwritten(script))
        self._live.append(live)
        return live

    def _add_root(self, pid: int) -> None:
        self._roots.append(pid)
        program_started(pid)

    def _spawn_pipes(self, argv: list[str], stdin: Optional[str]) -> subprocess.Popen:
        # The grader's own pipes, named to the program (TPGRADER_LINE_BUFFERED:
        # see inject/sitecustomize.py), which writes its stdout to them line by
        # line, as to a terminal: what it printed before the grader stopped it
        # at a time limit is not lost in its buffer. The pipes it makes itself
        # (a consumer's to its producer) keep Python's usual buffering.
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            ids = ",".join("%d:%d" % (st.st_dev, st.st_ino) for st in map(os.fstat, (out_w, err_w)))
            proc = start_guarded(lambda: subprocess.Popen(
                argv,
                cwd=self.path,
                env=self.env({"TPGRADER_LINE_BUFFERED": ids}),
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=out_w,
                stderr=err_w,
                start_new_session=True,
                preexec_fn=self._preexec,
                close_fds=True,
            ), lambda unstarted: self._discard(unstarted, terminal=False))
        except BaseException:
            os.close(out_r)
            os.close(err_r)
            raise
        finally:
            os.close(out_w)
            os.close(err_w)
        proc.stdout = open(out_r, "rb", buffering=0)
        proc.stderr = open(err_r, "rb", buffering=0)
        if stdin is not None:
            try:
                proc.stdin.write(stdin.encode())
                proc.stdin.close()
            except BrokenPipeError:
                pass
        return proc

    def _spawn_pty(self, argv: list[str], encoding: Optional[str] = None,
                   extra_env: Optional[dict[str, str]] = None) -> pexpect.spawn:
        # pexpect looks `./script.py` up from the grader's own folder: let a
        # shell exec it from the sandbox instead (same pid, same argv[0]).
        child = start_guarded(lambda: pexpect.spawn(
            "/bin/sh",
            ["-c", 'exec "$@"', "sh", *argv],
            cwd=str(self.path),
            env=self.env(extra_env),
            echo=False,
            preexec_fn=self._preexec,
            dimensions=(24, 200),
            encoding=encoding,
            codec_errors="replace",
            timeout=DEFAULT_TIMEOUT,
        ), lambda unstarted: self._discard(unstarted, terminal=True))
        # pexpect sleeps 0.1 s on every close "to let the kernel update the
        # process status"; kill_all() sees to the processes, so skip it.
        child.ptyproc.delayafterclose = 0
        child.ptyproc.delayafterterminate = 0.01
        return child

    @staticmethod
    def _exit_status(child, terminal: bool) -> tuple[Optional[int], Optional[int]]:
        if terminal:
            try:
                child.wait()
            except pexpect.ExceptionPexpect:
                pass
            return child.exitstatus, child.signalstatus
        code = child.wait()
        return (code, None) if code >= 0 else (None, -code)

    @classmethod
    def _discard(cls, child, terminal: bool) -> None:
        """A program killed before its exec (start_guarded): closed and reaped."""
        cls._close_child(child, terminal)
        cls._exit_status(child, terminal)

    @staticmethod
    def _close_child(child, terminal: bool):
        try:
            if terminal:
                child.close(force=True)
            else:
                for f in (child.stdout, child.stderr, child.stdin):
                    if f:
                        f.close()
        except Exception:
            pass

    def stretch(self, seconds: float) -> float:
        """A wait the check sized for its time scale (how long the programs may
        take), made as long again as the programs' time runs slower (--real-time)."""
        return seconds * self.slowdown

    @property
    def shared_network(self) -> bool:
        """Its programs use the machine's own network (no namespaces here)."""
        return getattr(self.confinement, "shared_network", None) is not None

    def kill_all(self, roots: Sequence[int] = ()) -> None:
        """Stop every process the sandbox started (see kill_all())."""
        kill_all(self.token, roots, self.user[0] if self.user else None)

    def running(self) -> list[str]:
        """The sandbox's processes still running (zombies left out), as
        "pid command line"."""
        if self.user is not None:
            procs = {p.pid: p for p in processes_of(self.user[0])}
        else:
            procs = {p.pid: p for p in marked_processes(self.token)}
        return [f"{p.pid} {' '.join(process_cmdline(p))}" for p in procs.values() if is_running(p)]

    # -- the end -----------------------------------------------------------------

    def close(self):
        space.unwatch(self)
        if self.user is not None:
            processes.stop_watching_forks(self.user[0])
        try:
            for live in self._live:
                live._close()
            self.kill_all(self._roots)
        finally:
            programs_ended(self._roots)
            self._close_confinement()
            remove_folder(self._tmp)

    def _close_confinement(self):
        if self.confinement is not None:
            self.confinement.close()
            self.confinement = None

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc):
        self.close()
