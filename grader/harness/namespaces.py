"""What a sandbox's programs can see and reach: namespaces of their own.

Every sandbox gets, where the kernel allows it, a set of namespaces made by a
holder process (forked from the grader, alive until the sandbox closes); every
student process of the sandbox joins them (setns) between fork and exec, so
its pid, its signals and its exit status are those of a plain process:
  * network: loopback only (with the machine's own addresses, for a program
    that binds socket.gethostname()): two gradings never meet on a port, a
    server without SO_REUSEADDR starts again at once in a fresh sandbox, and
    no student program reaches any other network;
  * mounts: the whole filesystem is read-only (but /proc, /sys and /dev);
    the homes (/home, /root, /run/user, /media, /mnt, the grader's user's
    own), the grader's folder (reference solutions, tests) and the student's
    original hand-in are hidden behind empty read-only folders; the only
    writable places are the sandbox's folder, /tmp, /var/tmp and /dev/shm,
    all in one tmpfs of WRITABLE_SPACE bytes (beyond what the sandbox brings
    in) that dies with the sandbox. The grader reaches that folder through
    the holder (Namespaces.view): /proc/HOLDER/root/...;
  * user, only when the grader is not root: an unprivileged user namespace
    that maps the user to themselves gives the rights for the other two.
Where the kernel refuses the grader that user namespace, the holder runs
under bubblewrap, where installed: bwrap makes the namespaces, the holder the
same mounts inside them (Namespaces._start_under_bwrap; TPGRADER_SANDBOX).
Where neither works (no unprivileged user namespaces: Ubuntu 24.04 restricts
them, for instance), programs run without namespaces; the sandboxes that need
a network then take the machine's, one grading at a time (SharedNetwork), and
the report says so.

The mounts are mounts.py's; the network, and the sockets a program holds as
its namespace sees them, network.py's."""
from __future__ import annotations

import errno
import json
import os
import shutil
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

from .mounts import (CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWUSER, LANDLOCK_SCOPES_ABI, homes_to_hide, landlock_abi,
                     libc, ok_or_raise, private_mounts, scope_to_own_family)
from .network import loopback_up, own_addresses, small_tcp_table


class NamespacesUnavailable(Exception):
    """The kernel refuses the namespaces: sandboxes do without them."""


class SandboxSetupFailed(RuntimeError):
    """Namespaces were given but could not be set up as they must be."""


# forked again.
HOLDER_LIMIT = 10.0
HOLDER_ATTEMPTS = 3
# How the kernel, or a security module, says no to a user namespace: EPERM
# (Debian's unprivileged_userns_clone=0, a seccomp filter, AppArmor on the
# uid_map), EACCES, ENOSPC (user.max_user_namespaces=0).
REFUSALS = (errno.EPERM, errno.EACCES, errno.ENOSPC)
# "bwrap": the namespaces always come from bubblewrap (tests); "own": never
# (a non-root user only: root never needs it)
SANDBOX_CHOICE = "TPGRADER_SANDBOX"
_own_refused: Optional[str] = None  # why the grader's own user namespace was refused: not tried again


def _hold(ready_w: int, hold_r: int, unshare: int, ids: Optional[tuple[int, int]], network: bool,
          addresses: list[str], workdir: Path, hidden: Sequence[Path], needed: Sequence[Path]) -> None:
    """The holder, in a fork of the grader or under bubblewrap: enter the
    namespaces (`unshare`: none under bubblewrap, which made them; `ids`: the
    uid and gid to map to themselves), make the network and the mounts, say
    "ready PID" on `ready_w` (or "refused WHY" when the user namespace is
    refused, or what failed), then hold until the grader closes its end of
    `hold_r` (or dies). Never raises."""
    try:
        # Ctrl-C reaches the grader's whole process group: the holder
        # stays until the grader, cleaning up, lets it go
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            if unshare:
                ok_or_raise(libc.unshare(unshare), "unshare")
            if ids is not None:
                for name, text in (("setgroups", "deny"), ("uid_map", f"{ids[0]} {ids[0]} 1"),
                                   ("gid_map", f"{ids[1]} {ids[1]} 1")):
                    with open(f"/proc/self/{name}", "w") as f:
                        f.write(text)
        except OSError as e:
            if e.errno not in REFUSALS:
                raise
            os.write(ready_w, f"refused {e}\n".encode())
            return
        if network:
            small_tcp_table()
        loopback_up(addresses)
        private_mounts(Path(workdir), [Path(h) for h in hidden], [Path(n) for n in needed])
        os.write(ready_w, f"ready {os.getpid()}\n".encode())
        _wait_for_end_of(hold_r)
    except BaseException as e:  # noqa: B036 (the holder must never return into the grader)
        try:
            os.write(ready_w, f"failed {e}\n".encode())
        except OSError:
            pass


# What the holder becomes once its namespaces are made: a program that reads
# its stdin until the grader closes the pipe (or dies). A fork of the grader
# counts all it inherited in its resident memory (40-50 MiB, for as long as
# it holds), and VPL's jail adds up every process's peak: `cat` counts 1-2.
WAITERS = ("/usr/bin/cat", "/bin/cat")


def _wait_for_end_of(hold_r: int) -> None:
    """Hold until `hold_r` ends: as `cat`, or here where no cat can start."""
    try:
        os.dup2(hold_r, 0)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
        for waiter in WAITERS:
            try:
                os.execv(waiter, [waiter])
            except OSError:
                continue
    except OSError:
        pass
    os.read(hold_r, 1)


class Namespaces:
    """Network, mounts (and user) namespaces for the programs of one sandbox,
    alive as long as their holder process. The holder is forked from the
    grader; a user who is not root, refused a user namespace of their own,
    gets them from bubblewrap where it is installed (its AppArmor profile may
    allow what the kernel refuses the grader): the holder then runs under
    bwrap, the same code in bwrap's namespaces, and the programs join them as
    they join the grader's own."""

    kind = "own"  # or "bubblewrap": what made the namespaces

    def __init__(self, workdir: Path, hidden: Sequence[Path] = (), network: bool = False,
                 needed: Sequence[Path] = ()):
        global _own_refused
        if libc is None or not Path("/proc/self/ns/net").exists():
            raise NamespacesUnavailable("no namespaces on this system")
        self._hold_w: Optional[int] = None
        self._bwrap: Optional[subprocess.Popen] = None
        root = os.geteuid() == 0
        choice = os.environ.get(SANDBOX_CHOICE, "")
        bwrap = shutil.which("bwrap")
        # root is never refused, and its programs take uids that bwrap's
        # user namespace (root mapped to itself) would not know
        if root or choice == "own" or (not bwrap and choice != "bwrap"):
            kinds = ["own"]
        elif choice == "bwrap" or _own_refused is not None:
            kinds = ["bubblewrap"]
        else:
            kinds = ["own", "bubblewrap"]
        if kinds == ["bubblewrap"] and not bwrap:
            raise NamespacesUnavailable(f"{SANDBOX_CHOICE}=bwrap, but bwrap is not installed")
        hidden = [*homes_to_hide(), *(Path(h) for h in hidden)]
        start = {"root": root, "uid": os.geteuid(), "gid": os.getegid(), "addresses": own_addresses(),
                 "workdir": str(workdir), "hidden": [str(h) for h in hidden], "network": network,
                 "needed": [str(n) for n in needed]}
        refused = _own_refused
        for kind in kinds:
            self.kind = kind
            for _attempt in range(HOLDER_ATTEMPTS):
                answer = (self._start_holder(start) if kind == "own" else self._start_under_bwrap(bwrap, start))
                if answer is not None:
                    break
            else:
                raise NamespacesUnavailable(f"the namespace holder did not start ({HOLDER_ATTEMPTS} tries)")
            if answer.startswith("ready "):
                break
            self.close()
            if kind == "own" and answer.startswith("refused "):
                refused = _own_refused = answer[len("refused "):]
                continue
            if kind == "own":
                # given namespaces, the grader could not set them up: a bug,
                # never a silent fallback to less isolation than the machine allows
                raise SandboxSetupFailed("the sandbox's namespaces could not be set up: "
                                         + (answer.partition(" ")[2] or "the holder said nothing"))
            # under bubblewrap, what its AppArmor profile refuses (Ubuntu's takes
            # every capability from what bwrap runs): no namespaces
            answer = answer.removeprefix("failed ") or "the namespace holder failed"
            raise NamespacesUnavailable(f"{refused}; bubblewrap: {answer}" if refused else answer)
        else:
            raise NamespacesUnavailable(refused)
        self.refused = refused  # why the grader's own were refused, under bubblewrap
        self.pid = pid = int(answer.split()[1])  # the holder, as the grader sees it
        # the user namespace first: it gives the rights to enter the others
        self._namespaces = [] if root else [(f"/proc/{pid}/ns/user", CLONE_NEWUSER)]
        # as the grader's user, programs could signal (and trace) every other
        # process of that user: Landlock keeps them to their own family
        self.scoped = not root and landlock_abi() >= 1
        self._namespaces += [(f"/proc/{pid}/ns/mnt", CLONE_NEWNS), (f"/proc/{pid}/ns/net", CLONE_NEWNET)]

    def _answer(self, ready_r: int, kill) -> Optional[str]:
        """The holder's first line, or None when it said nothing within
        HOLDER_LIMIT (then `kill`ed and reaped)."""
        with os.fdopen(ready_r, "rb") as ready:
            if not select.select([ready], [], [], HOLDER_LIMIT)[0]:  # stuck before a word
                kill()
                self.close()
                return None
            return ready.readline().decode(errors="replace").strip()

    def _start_holder(self, start: dict) -> Optional[str]:
        """Fork the holder; its first line (see _hold)."""
        ready_r, ready_w = os.pipe()
        hold_r, self._hold_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the holder: never returns into the grader
            try:
                # every descriptor but the two pipes' ends (one by one in
                # Python, the 1,000 closes cost 0.8 ms a sandbox)
                low, high = sorted((ready_w, hold_r))
                os.closerange(3, low)
                os.closerange(low + 1, high)
                os.closerange(high + 1, 1024)
                root = start["root"]
                _hold(ready_w, hold_r, CLONE_NEWNET | CLONE_NEWNS | (0 if root else CLONE_NEWUSER),
                      None if root else (start["uid"], start["gid"]), start["network"], start["addresses"],
                      start["workdir"], start["hidden"], start["needed"])
            finally:
                os._exit(0)
        self.pid = pid
        os.close(ready_w)
        os.close(hold_r)
        return self._answer(ready_r, lambda: os.kill(pid, signal.SIGKILL))

    def _start_under_bwrap(self, bwrap: str, start: dict) -> Optional[str]:
        """Start the holder under bubblewrap, which makes the namespaces (the
        user mapped to themselves, as the grader's own) and brings in the
        whole filesystem as it is; the holder makes the mounts itself. Its
        first line (see _hold), or bwrap's complaint."""
        ready_r, ready_w = os.pipe()
        hold_r, self._hold_w = os.pipe()
        package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # holds grader/
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [package_parent] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
        try:
            # its own session: Ctrl-C at the terminal must not stop bwrap, which
            # would kill the holder (--die-with-parent) before the grader closes it.
            # Its stderr stays open until then: bwrap is not to die writing there.
            self._bwrap = subprocess.Popen(
                [bwrap, "--unshare-user", "--unshare-net", "--dev-bind", "/", "/", "--cap-add", "ALL",
                 "--die-with-parent", "--", sys.executable, "-S", "-m", "grader.harness.namespaces", "--hold",
                 json.dumps({**start, "ready": ready_w, "hold": hold_r})],
                pass_fds=(ready_w, hold_r), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, start_new_session=True)
        except BaseException:
            os.close(ready_r)
            os.close(self._hold_w)
            self._hold_w = None
            raise
        finally:
            os.close(ready_w)
            os.close(hold_r)
        bwrap_proc = self._bwrap
        answer = self._answer(ready_r, lambda: os.killpg(bwrap_proc.pid, signal.SIGKILL))  # bwrap and the holder
        if answer == "":  # bwrap itself failed, and says why on stderr
            bwrap_proc.wait()
            said = bwrap_proc.stderr.read().decode(errors="replace").strip().splitlines()
            answer = said[-1] if said else f"bwrap ended with status {bwrap_proc.returncode}"
        return answer

    def view(self, path: Path) -> Path:
        """Where the grader finds `path` as the sandbox's programs see it: the
        writable space exists only in their mount namespace."""
        return Path(f"/proc/{self.pid}/root{path}")

    def join(self, cwd: str) -> None:
        """Between fork and exec: enter the namespaces (before dropping root),
        then go back to `cwd` (entering a mount namespace moves to its root).
        The files are opened here: pexpect closes every inherited descriptor
        before this runs."""
        # all opened first: in the sandbox's mount namespace /proc is empty
        fds = [(os.open(path, os.O_RDONLY | os.O_CLOEXEC), path, kind) for path, kind in self._namespaces]
        try:
            for fd, path, kind in fds:
                ok_or_raise(libc.setns(fd, kind), f"setns {path}")
        finally:
            for fd, _path, _kind in fds:
                os.close(fd)
        os.chdir(cwd)
        if self.scoped:
            scope_to_own_family()

    def close(self) -> None:
        if self._hold_w is not None:
            os.close(self._hold_w)
            self._hold_w = None
            if self._bwrap is not None:  # it ends with the holder
                self._bwrap.wait()
                self._bwrap.stderr.close()
                self._bwrap = None
                return
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass


class NoNamespaces:
    """Where namespaces cannot be made: programs see the machine as it is;
    a sandbox that needs a network takes the shared one."""

    def __init__(self, reason: str, network: bool):
        self.reason = reason
        self.shared_network = SharedNetwork(reason) if network else None

    def view(self, path: Path) -> Path:
        return path

    def join(self, cwd: str) -> None:
        pass

    def close(self) -> None:
        if self.shared_network is not None:
            self.shared_network.close()
            self.shared_network = None


class SharedNetwork:
    """The machine's own network, taken by one grading at a time (within one
    grading, sandboxes share the lock, and each closes its programs before
    the next starts).
    The lock is an abstract unix socket's name: such names belong to a network
    namespace, as the ports it guards do, so every grader on this network
    sees it, whoever runs it and whatever its /tmp (VPL's jail gives each
    evaluation a /tmp of its own, and a lock in /tmp let two evaluations run
    their servers on one port). It leaves no file behind, and goes with the
    process that holds it, however it ends.
    Student sockets get SO_REUSEADDR (see inject/sitecustomize.py), so that a
    server can be started again at once, as it can in a fresh namespace."""

    kind = "shared"
    LOCK = b"\0tp-grader-shared-network"
    WAIT = 0.05  # between two tries while another grading holds it
    _held: Optional[socket.socket] = None  # the lock, taken once per grading process
    _users = 0

    def __init__(self, reason: str):
        global _shared_reason
        _shared_reason = reason
        cls = SharedNetwork
        if cls._users == 0:
            cls._held = _take_lock(cls.LOCK, cls.WAIT)
        cls._users += 1
        self._open = True

    def join(self) -> None:
        pass

    def close(self) -> None:
        cls = SharedNetwork
        if not self._open:
            return
        self._open = False
        cls._users -= 1
        if cls._users == 0 and cls._held is not None:
            cls._held.close()
            cls._held = None


def _take_lock(name: bytes, wait: float) -> socket.socket:
    """Bind the abstract name, waiting while another process has it bound."""
    lock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)  # not inherited by the programs (close-on-exec)
    while True:
        try:
            lock.bind(name)
            return lock
        except OSError as e:
            if e.errno != errno.EADDRINUSE:
                lock.close()
                raise
        time.sleep(wait)


_unavailable: Optional[str] = None  # why namespaces failed once: not tried again
_shared_reason: Optional[str] = None  # set once a sandbox had to use the shared network


def confine(workdir: Path, hidden: Sequence[Path], network: bool, needed: Sequence[Path] = ()):
    """Namespaces for a sandbox's programs where the machine allows them."""
    global _unavailable
    if _unavailable is None and not os.environ.get("TPGRADER_NO_NETNS"):
        try:
            return Namespaces(workdir, hidden, network, needed)
        except (NamespacesUnavailable, OSError) as e:
            _unavailable = str(e)
    return NoNamespaces(_unavailable or "TPGRADER_NO_NETNS is set", network)


def namespaces_unavailable() -> Optional[str]:
    """Why the sandboxes of this process had no namespaces, or None."""
    if os.environ.get("TPGRADER_NO_NETNS"):
        return "TPGRADER_NO_NETNS is set"
    return _unavailable


def probe() -> Optional[str]:
    """Why sandboxes get no namespaces on this machine, or None: a holder
    made and closed at once (a few ms); a refusal is kept, as confine() keeps it."""
    global _unavailable
    if namespaces_unavailable() is None:
        with tempfile.TemporaryDirectory(prefix="tp-grader-probe-") as probe_dir:
            try:
                Namespaces(Path(probe_dir)).close()
            except (NamespacesUnavailable, OSError) as e:
                _unavailable = str(e)
    return namespaces_unavailable()


def shared_network_reason() -> Optional[str]:
    """Why programs of this grading ran on the machine's own network, or None
    if every sandbox had a network of its own (or none needed one)."""
    return _shared_reason


def describe() -> str:
    """One line: what a sandbox's programs get on this machine, run as now."""
    root = os.geteuid() == 0
    refused = "TPGRADER_NO_NETNS is set" if os.environ.get("TPGRADER_NO_NETNS") else None
    if refused is None:
        with tempfile.TemporaryDirectory(prefix="tp-grader-probe-") as probe_dir:
            try:
                ns = Namespaces(Path(probe_dir))
                ns.close()
            except (NamespacesUnavailable, OSError) as e:
                refused = str(e)
    if refused is not None:
        return (f"sandbox: no namespaces ({refused}); "
                + ("programs run as a uid of their own, with limits; network shared under a lock" if root
                   else "programs would run with your rights: grade other people's code as root, in a "
                        "virtual machine or a container (--unprotected goes on anyway)"))
    if root:
        return (f"sandbox: namespaces ({ns.kind}): network, mounts; running as root: programs get a uid of "
                "their own")
    abi = landlock_abi()
    if abi >= LANDLOCK_SCOPES_ABI:
        landlock = f"Landlock {abi}: no trace nor signal outside a program's family"
    elif abi:
        landlock = (f"Landlock {abi}: no trace outside a program's family (signals to your other processes "
                    "still pass: Linux 6.12 stops them)")
    else:
        landlock = "no Landlock: /proc emptied, signals to your other processes still pass"
    return (f"sandbox: namespaces ({ns.kind}): network, mounts, user; running as uid {os.geteuid()}: your files "
            f"read-only, homes hidden; {landlock}"
            + (f" (the grader's own namespaces were refused: {ns.refused})" if ns.refused else ""))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--hold"]:  # the holder, started under bubblewrap (Namespaces._start_under_bwrap)
        a = json.loads(sys.argv[2])
        _hold(a["ready"], a["hold"], 0, None, a["network"], a["addresses"], a["workdir"], a["hidden"],
              a["needed"])
        os._exit(0)
    # python -m grader.harness.namespaces (or ./grade.sh --sandbox)
    print(describe())
    sys.exit(0)
