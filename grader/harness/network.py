"""A sandbox's network: its loopback, set up by the namespace holder, and the
sockets a program holds, read from /proc/PID/net/tcp{,6}, which show the
namespace of PID (psutil reads the grader's own, which is the wrong one)."""
from __future__ import annotations

import fcntl
import os
import socket
import struct
from dataclasses import dataclass
from typing import Iterable, Optional

from .mounts import CLONE_NEWNET, libc, ok_or_raise


def own_addresses() -> list[str]:
    """The machine's IPv4 addresses besides 127.x (looked up before leaving
    its network)."""
    try:
        found = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    except OSError:
        return []
    return sorted(a for a in found if not a.startswith("127."))


def loopback_up(addresses: list[str]) -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
        ifr = fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH22x", b"lo", 0))
        flags = struct.unpack("16sH22x", ifr)[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | IFF_UP))
        SIOCSIFADDR, SIOCSIFNETMASK = 0x8916, 0x891C
        for i, addr in enumerate(addresses, 1):
            name = ("lo:%d" % i).encode()
            for request, value in ((SIOCSIFADDR, addr), (SIOCSIFNETMASK, "255.255.255.255")):
                sin = struct.pack("HH4s8x", socket.AF_INET, 0, socket.inet_aton(value))
                fcntl.ioctl(s, request, struct.pack("16s16s8x", name, sin))
    finally:
        s.close()


def small_tcp_table() -> None:
    """A new network namespace shares the machine's TCP hash table (262144
    buckets on a machine with 24 GiB), and every read of /proc/PID/net/tcp
    walks all of it: 9 ms a read, while the grader reads it over and over,
    waiting for a server to listen or a client to connect. From Linux 6.1 a
    namespace can give those it creates a small table of their own: enter one
    more, made so. Elsewhere (an older kernel, no right to set it) nothing
    changes but the cost of reading."""
    try:
        with open("/proc/sys/net/ipv4/tcp_child_ehash_entries", "w") as f:
            f.write("256")
    except OSError:
        return
    ok_or_raise(libc.unshare(CLONE_NEWNET), "unshare")


TCP_ESTABLISHED = "01"
TCP_LISTEN = "0A"


@dataclass(frozen=True)
class TcpSocket:
    inode: int
    local_port: int
    remote_port: int
    state: str
    rx_queue: int = 0  # bytes received that no process has read yet


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
                                           int(remote.rsplit(":", 1)[1], 16), state,
                                           int(fields[4].split(":")[1], 16)))
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


def queued_connections(pid: int, port: int) -> dict[int, int]:
    """The connections to `port`, in PID's network namespace, that the kernel
    has established but no process has accepted yet (they wait in the
    server's listen queue): the client's port -> the bytes the client sent
    that wait there unread. Such a socket belongs to no process (inode 0)."""
    return {s.remote_port: s.rx_queue for s in _tcp_table(pid)
            if s.state == TCP_ESTABLISHED and s.local_port == port and s.inode == 0}


def local_port_to(pid: int, port: int) -> Optional[int]:
    """The port of PID's end of its established connection to `port`."""
    return next((s.local_port for s in tcp_sockets([pid])
                 if s.state == TCP_ESTABLISHED and s.remote_port == port), None)
