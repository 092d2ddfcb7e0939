"""The network of a sandbox, and what the kernel says of a process's sockets.

A sandbox that runs servers and clients (the wine bottles) gets a network of
its own: a network namespace with only a loopback interface, so that two
gradings at once never meet on the same port, a server without SO_REUSEADDR
can be started again at once in a fresh one, and a student program reaches no
network but its own loopback. The namespace is made by a small holder process
(`unshare`); every student process of the sandbox joins it (`setns`) between
fork and exec. As root the holder needs nothing more; as another user it
first makes an unprivileged user namespace that maps the user to itself, so
student processes keep their own uid.

Where the kernel refuses (no unprivileged user namespaces, not Linux), the
programs share the machine's network: the sandboxes that need one then run
one at a time, under a lock file, and the report says so.

Sockets are read from /proc/PID/net/tcp{,6}, which show the namespace of PID
(psutil reads the grader's own, which is the wrong one)."""
from __future__ import annotations

import ctypes
import fcntl
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000

try:
    _libc = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover (not Linux)
    _libc = None

# Run by the holder: a new network namespace (and, for a non-root user, a user
# namespace mapping the user to itself), loopback up, "ready", then it waits
# until the grader closes its stdin (or dies).
_HOLDER = r"""
import ctypes, fcntl, os, socket, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
uid, gid = os.geteuid(), os.getegid()
# The machine's own addresses (a server may bind socket.gethostname()):
# looked up before leaving the machine's network, given to the loopback.
try:
    own = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
except OSError:
    own = set()
flags = 0x40000000 if uid == 0 else 0x40000000 | 0x10000000
if libc.unshare(flags) != 0:
    print("unshare: " + os.strerror(ctypes.get_errno()), flush=True)
    sys.exit(1)
try:
    if uid != 0:
        for name, text in (("setgroups", "deny"), ("uid_map", "%d %d 1" % (uid, uid)),
                           ("gid_map", "%d %d 1" % (gid, gid))):
            with open("/proc/self/" + name, "w") as f:
                f.write(text)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
    ifr = fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH22x", b"lo", 0))
    flags = struct.unpack("16sH22x", ifr)[1]
    fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | IFF_UP))
    SIOCSIFADDR, SIOCSIFNETMASK = 0x8916, 0x891C
    for i, addr in enumerate(sorted(a for a in own if not a.startswith("127.")), 1):
        name = ("lo:%d" % i).encode()
        for request, value in ((SIOCSIFADDR, addr), (SIOCSIFNETMASK, "255.255.255.255")):
            sin = struct.pack("HH4s8x", socket.AF_INET, 0, socket.inet_aton(value))
            fcntl.ioctl(s, request, struct.pack("16s16s8x", name, sin))
    s.close()
except OSError as e:
    print("loopback: %s" % e, flush=True)
    sys.exit(1)
print("ready", flush=True)
sys.stdin.read()
"""


class NetworkUnavailable(Exception):
    pass


class PrivateNetwork:
    """A network namespace with loopback only, alive as long as its holder."""

    kind = "namespace"

    def __init__(self):
        if _libc is None or not Path("/proc/self/ns/net").exists():
            raise NetworkUnavailable("no network namespaces on this system")
        self.holder = subprocess.Popen(
            [sys.executable, "-S", "-I", "-c", _HOLDER],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            close_fds=True, start_new_session=True)
        answer = self.holder.stdout.readline().decode(errors="replace").strip()
        if answer != "ready":
            self.close()
            raise NetworkUnavailable(answer or "the namespace holder failed")
        pid = self.holder.pid
        # the user namespace first: it gives the rights to enter the network one
        self._namespaces = [(f"/proc/{pid}/ns/user", CLONE_NEWUSER)] if os.geteuid() != 0 else []
        self._namespaces.append((f"/proc/{pid}/ns/net", CLONE_NEWNET))

    def join(self) -> None:
        """Between fork and exec: enter the namespace (before dropping root).
        The files are opened here: pexpect closes every inherited descriptor
        before this runs."""
        for path, kind in self._namespaces:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                if _libc.setns(fd, kind) != 0:
                    err = ctypes.get_errno()
                    raise OSError(err, f"setns {path}: {os.strerror(err)}")
            finally:
                os.close(fd)

    def close(self) -> None:
        try:
            self.holder.stdin.close()
        except OSError:
            pass
        try:
            self.holder.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.holder.kill()
            self.holder.wait()
        self.holder.stdout.close()


class SharedNetwork:
    """The machine's own network, taken by one grading at a time (a lock
    shared by every grader on the machine, whoever runs it: the temporary
    folder itself is locked, so no lock file is left behind; within one
    grading, sandboxes share the lock, and each closes its programs before
    the next starts).
    Student sockets get SO_REUSEADDR (see inject/sitecustomize.py), so that a
    server can be started again at once, as it can in a fresh namespace."""

    kind = "shared"
    LOCK = Path(tempfile.gettempdir())
    _fd: Optional[int] = None  # the lock, taken once per grading process
    _users = 0

    def __init__(self, reason: str):
        global _shared_reason
        _shared_reason = reason
        cls = SharedNetwork
        if cls._users == 0:
            fd = os.open(cls.LOCK, os.O_RDONLY | os.O_DIRECTORY)
            fcntl.flock(fd, fcntl.LOCK_EX)
            cls._fd = fd
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
        if cls._users == 0 and cls._fd is not None:
            fcntl.flock(cls._fd, fcntl.LOCK_UN)
            os.close(cls._fd)
            cls._fd = None


_unavailable: Optional[str] = None  # why namespaces failed once: not tried again
_shared_reason: Optional[str] = None  # set once a sandbox had to use the shared network


def open_network():
    """A private network where the machine allows one, else the shared one."""
    global _unavailable
    if _unavailable is None and not os.environ.get("TPGRADER_NO_NETNS"):
        try:
            return PrivateNetwork()
        except (NetworkUnavailable, OSError) as e:
            _unavailable = str(e)
    return SharedNetwork(_unavailable or "TPGRADER_NO_NETNS is set")


def shared_network_reason() -> Optional[str]:
    """Why programs of this grading ran on the machine's own network, or None
    if every sandbox had a network of its own (or none needed one)."""
    return _shared_reason


# ---------------------------------------------------------------------------
# Sockets, as the kernel sees them

TCP_ESTABLISHED = "01"
TCP_LISTEN = "0A"


@dataclass(frozen=True)
class TcpSocket:
    inode: int
    local_port: int
    remote_port: int
    state: str


def open_files(pid: int, prefix: str) -> set[str]:
    """What the descriptors of a process point to ("pipe:[123]",
    "socket:[456]"...), those starting with `prefix`, read from /proc."""
    found = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith(prefix):
                found.add(target)
    except OSError:
        pass
    return found


def _socket_inodes(pid: int) -> set[int]:
    return {int(t[8:-1]) for t in open_files(pid, "socket:[")}


def _tcp_table(pid: int) -> list[TcpSocket]:
    """Every TCP socket of PID's network namespace."""
    table = []
    for name in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{name}") as f:
                next(f)
                for line in f:
                    fields = line.split()
                    local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
                    table.append(TcpSocket(int(inode), int(local.rsplit(":", 1)[1], 16),
                                           int(remote.rsplit(":", 1)[1], 16), state))
        except (OSError, StopIteration, IndexError, ValueError):
            continue
    return table


def tcp_sockets(pids: Iterable[int]) -> list[TcpSocket]:
    """The TCP sockets that the processes `pids` hold open."""
    result = []
    for pid in pids:
        inodes = _socket_inodes(pid)
        if inodes:
            result += [s for s in _tcp_table(pid) if s.inode in inodes]
    return result


def listening_ports(pids: Iterable[int]) -> set[int]:
    return {s.local_port for s in tcp_sockets(pids) if s.state == TCP_LISTEN}


def connected_to(pid: int, port: int) -> bool:
    """PID holds a TCP connection to `port` that the kernel has established
    (a connection waiting in a server's queue counts: the server need not have
    accepted it)."""
    return any(s.state == TCP_ESTABLISHED and s.remote_port == port for s in tcp_sockets([pid]))
