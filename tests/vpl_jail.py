"""Moodle VPL's real execution server, vpl-jail-system 5.0.1, for the tests:
built from its source, installed where it expects to be, started, driven as
Moodle's VPL plugin (mod_vpl 4.4.2) drives it, stopped and removed.

The source, the client (the plugin's requests, standard library only) and a
/dev/log listener are test tools kept beside the project, in
../shared/vendor/ (TPGRADER_VENDOR names another folder): nothing of them
goes into the project. The recipe there (vpl-jail-trial/RECIPE.md) says why
each step is as it is: the server starts from "/", its configuration is mode
600, its jailed children log only through /dev/log.

It needs root (the server chroots and switches users), overlayfs (it mounts
"/" as the jail), a C++ compiler, make and OpenSSL's headers to build it once
(kept in ~/.cache/tp-grader/), and no other VPL server on the machine."""
from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Optional

from conftest import ROOT

VENDOR = Path(os.environ.get("TPGRADER_VENDOR") or ROOT.parent / "shared" / "vendor")
SOURCE = VENDOR / "vpl-jail-system-1731d96.tar.gz"
TRIAL = VENDOR / "vpl-jail-trial"
# where the server hard-codes its files, and what the tests add there
INSTALLED = (Path("/usr/sbin/vpl"), Path("/etc/vpl"), Path("/jail"), Path("/var/vpl-jail-system"), Path("/dev/log"))
MIB = 1024 * 1024
PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER = 36, 37


def _subreaper(value: Optional[int] = None) -> int:
    """This process's "child subreaper" flag (set to `value` if given)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if value is not None:
        libc.prctl(PR_SET_CHILD_SUBREAPER, value, 0, 0, 0)
    flag = ctypes.c_int()
    libc.prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(flag), 0, 0, 0)
    return flag.value


def why_no_jail() -> Optional[str]:
    """None when the real server can run here, else why not (the tests skip
    with it)."""
    if os.geteuid() != 0:
        return "VPL's execution server needs root (it chroots and switches users)"
    if not SOURCE.is_file() or not (TRIAL / "vpl_moodle_client.py").is_file():
        return f"vpl-jail-system's source and its client are not in {VENDOR}"
    if "overlay" not in Path("/proc/filesystems").read_text():
        return "no overlayfs here (the server mounts / as its jail with it)"
    missing = [tool for tool in ("g++", "make") if not shutil.which(tool)]
    if not Path("/usr/include/openssl/ssl.h").exists():
        missing.append("OpenSSL's headers (libssl-dev)")
    if missing and not _built().is_file():
        return "building vpl-jail-system needs " + ", ".join(missing)
    present = [str(p) for p in INSTALLED if os.path.lexists(p)]
    if present:
        return "another VPL server is installed here (" + ", ".join(present) + ")"
    return None


def _build_dir() -> Path:
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "tp-grader" / f"vpl-jail-system-{digest}"


def _built() -> Path:
    return _build_dir() / "src" / "vpl-jail-server"


def build(log: Path) -> Path:
    """The server's build tree, built once (about 30 s on two cores)."""
    tree = _build_dir()
    if _built().is_file():
        return tree
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    with tarfile.open(SOURCE) as archive:
        for member in archive.getmembers():
            member.name = member.name.partition("/")[2]  # --strip-components=1
            if member.name:
                archive.extract(member, tree)
    # the dates the archive gave are kept: autotools must not think it has to run again
    for name in ("aclocal.m4", "configure", "Makefile.in", "src/Makefile.in", "config.h.in"):
        (tree / name).touch()
    with open(log, "w") as out:
        for command in (["./configure"], ["make", "-j2"]):
            if subprocess.run(command, cwd=tree, stdout=out, stderr=subprocess.STDOUT, timeout=900).returncode:
                shutil.rmtree(tree, ignore_errors=True)
                raise RuntimeError(f"building vpl-jail-system failed: {' '.join(command)} (see {log})")
    return tree


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JailServer:
    """One vpl-jail-system server on 127.0.0.1, in its default mode
    (`namespaces`: pivot_root with its own namespaces) or its chroot mode, as
    older servers. `max_memory_mib`: its own limit (MAXMEMORY, its
    administrator's setting; 2000 by default). Version 5.0.1 applies it, not
    the activity's, while an evaluation runs: it applies the activity's only
    once the evaluation has ended (Jail::commandRequest). Used as a context
    manager: whatever happens, it is stopped and all it added is removed."""

    def __init__(self, work: Path, namespaces: bool = True, max_memory_mib: int = 2000):
        self.work = work
        self.namespaces = namespaces
        self.max_memory_mib = max_memory_mib
        self.port = _free_port()
        self._daemon: Optional[subprocess.Popen] = None
        self._catcher: Optional[subprocess.Popen] = None
        self._was_subreaper = 0

    def __enter__(self) -> "JailServer":
        # Importing the grader makes this process a subreaper (it reaps what
        # its programs leave): the server's orphans would then come here, as
        # zombies no one waits for, and the server, seeing them, would wait
        # for the end of every evaluation until its time limit
        self._was_subreaper = _subreaper()
        _subreaper(0)
        logs = self.work / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        tree = build(logs / "build.log")
        try:
            self._install(tree)
            # the jailed children log only through syslog(3): someone must listen
            self._catcher = subprocess.Popen([sys.executable, str(TRIAL / "syslog_catcher.py"),
                                              str(logs / "syslog.log")], start_new_session=True,
                                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL)
            self._start(logs / "jail.log")
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._stop()

    def _install(self, tree: Path) -> None:
        sbin, etc = INSTALLED[0], INSTALLED[1]
        sbin.mkdir(parents=True)
        etc.mkdir(parents=True)
        shutil.copy(tree / "src" / "vpl-jail-server", sbin)
        for launcher in (tree / "launchers").glob("*.sh"):
            shutil.copy(launcher, sbin)
            (sbin / launcher.name).chmod(0o755)
        shutil.copy(tree / "vpl-jail-system.initd", sbin / "vpl-jail-system")
        (sbin / "vpl-jail-system").chmod(0o755)
        config = etc / "vpl-jail-system.conf"
        config.write_text("\n".join([
            "JAILPATH=/jail", "MIN_PRISONER_UGID=10000", "MAX_PRISONER_UGID=12000",
            "CONTROLPATH=/var/vpl-jail-system", "INTERFACE=127.0.0.1", "TASK_ONLY_FROM=127.0.0.1",
            f"PORT={self.port}", "SECURE_PORT=0", "URLPATH=/", "FIREWALL=0",
            "ENVPATH=/usr/local/bin:/usr/bin:/bin", "MAXTIME=1800", f"MAXMEMORY={self.max_memory_mib} Mb",
            "MAXPROCESSES=200", f"USE_NAMESPACE={'true' if self.namespaces else 'false'}", "LOGLEVEL=7", ""]))
        config.chmod(0o600)  # the server refuses a configuration others could read

    def _start(self, log: Path) -> None:
        # from "/": a server started elsewhere pins the old root, and every
        # run in its default mode fails to unmount it
        with open(log, "w") as out:
            self._daemon = subprocess.Popen(["/usr/sbin/vpl/vpl-jail-system", "start_foreground"], cwd="/",
                                            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 120
        while "VPL Jail Server" not in log.read_text(errors="replace") or \
                " started" not in log.read_text(errors="replace"):
            if self._daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("vpl-jail-system did not start: " + log.read_text(errors="replace")[-2000:])
            time.sleep(0.5)

    def _stop(self) -> None:
        if Path("/usr/sbin/vpl/vpl-jail-system").exists():
            subprocess.run(["/usr/sbin/vpl/vpl-jail-system", "stop"], cwd="/", stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        for process in (self._daemon, self._catcher):
            if process is not None and process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        # what the init script's stop left mounted (it unmounts all when all went well)
        mounted = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()
                   if line.split()[1].startswith(("/jail", "/var/vpl-jail-system"))]
        for point in sorted(mounted, reverse=True):
            subprocess.run(["umount", "-l", point], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for path in INSTALLED:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif os.path.lexists(path):
                path.unlink()
        for path in (Path("/var/log/vpl-jail-service.log"), Path("/run/vpl-jail-server.pid")):
            path.unlink(missing_ok=True)
        _subreaper(self._was_subreaper)

    def evaluate(self, bundle: Path, hand_in: Path, files: list[str], max_memory_mib: int,
                 max_time: int = 120) -> dict:
        """One "Evaluate" of the files `files` of `hand_in` with the bundle's
        execution files, as Moodle asks for it: the client's summary (grade,
        comments, the monitor's messages, the raw output)."""
        name = f"{hand_in.name}-{max_memory_mib}"
        out = self.work / f"{name}.json"
        run = subprocess.run(
            [sys.executable, str(TRIAL / "vpl_moodle_client.py"), "--url", f"http://127.0.0.1:{self.port}/",
             "--bundle", str(bundle), "--submission", str(hand_in), "--only", ",".join(files),
             "--maxtime", str(max_time), "--maxmemory", str(max_memory_mib * MIB), "--out", str(out)],
            capture_output=True, text=True, timeout=max_time + 120)
        (self.work / "logs" / f"client-{name}.log").write_text(run.stdout + run.stderr)
        if not out.is_file():
            raise RuntimeError(f"the client gave no result: {(run.stdout + run.stderr)[-2000:]}")
        return json.loads(out.read_text())
