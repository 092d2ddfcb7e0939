"""A teaching assistant: a fresh non-root user with a home of their own, who
grades with a copy of the grader they cannot write to (owned by root, as a
grader installed by root in /opt would be). tests/test_as_a_user.py uses it;
the `teaching_assistant` fixture (conftest.py) makes one per session.

Their home (/home/NAME, mode 700) holds what a hand-in must not reach:
`precious.txt`, `.bashrc`, and `.ssh/id_test`, a fake key carrying a marker
no other file has (`TeachingAssistant.marker`). Commands run as them with a
clean environment (HOME, USER, their home as the current folder),
TPGRADER_BASE_PYTHON=/usr/bin/python3 and no TPGRADER_VENV: the grader
installs itself in their home, as it would for them."""
from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from conftest import ROOT, marked_processes

BASE_PYTHON = "/usr/bin/python3"
# what a grader installed from a clone holds (not its tests, nor what runs leave)
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", ".venv.lock", "build", "*.egg-info", "__pycache__",
                                    ".pytest_cache", ".hypothesis", "tests", "bench", "results")


def why_no_teaching_assistant() -> Optional[str]:
    """None when one can be made here, else why not (the tests skip with it)."""
    if os.geteuid() != 0:
        return "making a user for the test needs root (the suite runs as a user already)"
    if not shutil.which("useradd") or not shutil.which("userdel"):
        return "useradd/userdel not found"
    try:
        version = subprocess.run([BASE_PYTHON, "-c", "import sys, venv, ensurepip; print(*sys.version_info[:2])"],
                                 capture_output=True, text=True, timeout=30)
    except OSError:
        return f"{BASE_PYTHON} not found (the user cannot run the suite's python)"
    if version.returncode != 0:
        return f"{BASE_PYTHON} has no venv/ensurepip (on Debian: apt-get install python3-venv)"
    if tuple(map(int, version.stdout.split())) < (3, 9):
        return f"{BASE_PYTHON} is older than 3.9"
    return None


def listing(folder: Path) -> dict[str, tuple]:
    """Every file and folder under `folder`: (mode, size, mtime) by path."""
    found = {}
    for path in [folder, *folder.rglob("*")]:
        st = path.lstat()
        found[str(path.relative_to(folder))] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return found


@dataclass
class TeachingAssistant:
    name: str
    uid: int
    gid: int
    home: Path
    checkout: Path  # the grader: root's, read-only to them
    marker: str  # in ~/.ssh/id_test only
    install: Optional[subprocess.CompletedProcess] = None  # their first grade.sh: the install
    install_seconds: float = 0.0
    precious: dict[str, bytes] = field(default_factory=dict)  # file in the home: its bytes
    checkout_listing: dict[str, tuple] = field(default_factory=dict)  # listing(checkout) when made

    def venv(self) -> Optional[Path]:
        """The virtual environment the grader made for them, if any."""
        return next((p for p in (self.home / ".cache" / "tp-grader").glob("venv-*") if p.is_dir()), None)

    def env(self, **extra: str) -> dict[str, str]:
        return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(self.home), "USER": self.name,
                "LOGNAME": self.name, "LANG": "C.UTF-8", "TPGRADER_BASE_PYTHON": BASE_PYTHON, **extra}

    def run(self, args: list[str], timeout: float = 600, **extra_env: str) -> subprocess.CompletedProcess:
        """`args` run as them, in their home; every process a grading
        started is gone when it returns (TPGRADER_SESSION marks them)."""
        session = f"test{uuid.uuid4().hex[:8]}-"
        proc = subprocess.run(args, cwd=self.home, env=self.env(TPGRADER_SESSION=session, **extra_env),
                              user=self.uid, group=self.gid, extra_groups=[], capture_output=True,
                              text=True, timeout=timeout)
        assert marked_processes(session) == []
        return proc

    def grade(self, folder: Path, *options: str, **extra_env: str) -> tuple[subprocess.CompletedProcess, dict]:
        """Their grade.sh on `folder`, with the JSON report written in their
        home (read here, then removed)."""
        out = self.home / f"report-{uuid.uuid4().hex[:8]}.json"
        proc = self.run([str(self.checkout / "grade.sh"), str(folder), "--json", str(out), "--lang", "en",
                         "--no-color", *options], **extra_env)
        report = json.loads(out.read_text()) if out.exists() else None
        out.unlink(missing_ok=True)
        return proc, report

    def give(self, source: Path, name: str) -> Path:
        """A copy of `source` in their home, theirs (a hand-in they downloaded)."""
        dest = self.home / name
        shutil.copytree(source, dest, symlinks=True)
        for path in [dest, *dest.rglob("*")]:
            os.lchown(path, self.uid, self.gid)
        return dest

    def home_unharmed(self) -> list[str]:
        """What changed among the files of their home a hand-in must not touch."""
        changed = []
        for rel, data in self.precious.items():
            path = self.home / rel
            if not path.is_file():
                changed.append(f"~/{rel} is gone")
            elif path.read_bytes() != data:
                changed.append(f"~/{rel} changed: {path.read_bytes()[-200:]!r}")
        return changed


def new_user(prefix: str) -> tuple[str, int, int, Path]:
    """A fresh user (name, uid, gid, home), their home theirs alone (mode 700)."""
    name = f"{prefix}{uuid.uuid4().hex[:8]}"
    home = Path("/home") / name
    Path("/home").mkdir(exist_ok=True)
    subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
                    "--user-group", name], check=True, capture_output=True, timeout=60)
    entry = pwd.getpwnam(name)
    home.chmod(0o700)
    return name, entry.pw_uid, entry.pw_gid, home


def remove_user(name: str, uid: int, home: Path) -> None:
    """The user and their home, gone. Every process of theirs was started by
    the tests (the user is new): a survivor is stopped, so that userdel can
    remove them."""
    import psutil
    for _ in range(50):
        left = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid]
        if not left:
            break
        for p in left:
            try:
                p.kill()
            except psutil.Error:
                pass
        time.sleep(0.1)
    removed = subprocess.run(["userdel", "--remove", name], capture_output=True, text=True, timeout=60)
    shutil.rmtree(home, ignore_errors=True)
    try:
        pwd.getpwnam(name)
    except KeyError:
        return
    raise AssertionError(f"the test user {name} could not be removed: {removed.stderr.strip()}")


def make_teaching_assistant() -> TeachingAssistant:
    name, uid, gid, home = new_user("tpta")
    checkout = Path(tempfile.mkdtemp(prefix="tp-grader-test-checkout-"))
    ta = TeachingAssistant(name, uid, gid, home, checkout / "tp-grader",
                           f"TPGRADER-TEST-KEY-{uuid.uuid4().hex}")
    try:
        ta.precious = {
            "precious.txt": f"{name}'s thesis, chapter 3: do not lose\n".encode(),
            ".bashrc": b"# ~/.bashrc\nalias ll='ls -l'\n",
            ".ssh/id_test": (f"-----BEGIN OPENSSH PRIVATE KEY-----\n{ta.marker}\n"
                             "-----END OPENSSH PRIVATE KEY-----\n").encode(),
        }
        for rel, data in ta.precious.items():
            (home / rel).parent.mkdir(mode=0o700, exist_ok=True)
            (home / rel).write_bytes(data)
        (home / ".ssh" / "id_test").chmod(0o600)
        for path in [home, *home.rglob("*")]:
            os.lchown(path, ta.uid, ta.gid)
        # root's copy: readable by all, writable by root only
        checkout.chmod(0o755)
        shutil.copytree(ROOT, ta.checkout, ignore=NOT_COPIED, symlinks=True)
        subprocess.run(["chmod", "-R", "u+rwX,go+rX,go-w", str(checkout)], check=True, timeout=60)
        ta.checkout_listing = listing(ta.checkout)
        # their first run installs the grader (in their home: the checkout is not theirs)
        start = time.monotonic()
        ta.install = ta.run([str(ta.checkout / "grade.sh"), "--help"], timeout=900)
        ta.install_seconds = time.monotonic() - start
    except BaseException:
        remove_teaching_assistant(ta)
        raise
    return ta


def remove_teaching_assistant(ta: TeachingAssistant) -> None:
    """The user, their home and root's copy of the grader, gone."""
    try:
        remove_user(ta.name, ta.uid, ta.home)
    finally:
        shutil.rmtree(ta.checkout.parent, ignore_errors=True)
