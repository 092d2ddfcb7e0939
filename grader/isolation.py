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

Sockets are read from /proc/PID/net/tcp{,6}, which show the namespace of PID
(psutil reads the grader's own, which is the wrong one)."""
from __future__ import annotations

import ctypes
import errno
import fcntl
import functools
import json
import os
import pwd
import re
import shutil
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 4096, 0x4000, 1 << 18
O_PATH = getattr(os, "O_PATH", 0o10000000)
PRIVATE_TMP = ("/tmp", "/var/tmp", "/dev/shm")

try:
    _libc = ctypes.CDLL(None, use_errno=True)
    _libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
except (OSError, AttributeError):  # pragma: no cover (not Linux)
    _libc = None


class NamespacesUnavailable(Exception):
    """The kernel refuses the namespaces: sandboxes do without them."""


class SandboxSetupFailed(RuntimeError):
    """Namespaces were given but could not be set up as they must be."""


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: Optional[str], target: str, fstype: Optional[str], flags: int,
           data: Optional[str] = None) -> None:
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def _own_addresses() -> list[str]:
    """The machine's IPv4 addresses besides 127.x (looked up before leaving
    its network)."""
    try:
        found = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    except OSError:
        return []
    return sorted(a for a in found if not a.startswith("127."))


def _loopback_up(addresses: list[str]) -> None:
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


def _small_tcp_table() -> None:
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
    _check(_libc.unshare(CLONE_NEWNET), "unshare")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


# What a sandbox may write, in all (its folder, /tmp, /var/tmp, /dev/shm): a
# correct hand-in of this lab writes a few kilobytes; the space is memory
# (tmpfs), taken only as it is written. What the sandbox brings in (the
# hand-in's copy, the data files) comes on top.
WRITABLE_SPACE = 64 * 1024 * 1024
WRITABLE_FILES = 4096  # files and folders, on top of those brought in
HOME_FOLDERS = ("/home", "/root", "/run/user", "/media", "/mnt")
# never hidden, even when a user's home says so (a service account's "/")
SYSTEM_FOLDERS = {"/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/opt",
                  "/proc", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var", "/nonexistent"}
LEFT_AS_THEY_ARE = ("/proc", "/sys", "/dev")  # kernel views and devices: not made read-only
MOUNT_ATTR_RDONLY = 0x1
SYS_MOUNT_SETATTR = 442  # the same number on every architecture (Linux 5.12)
MS_REMOUNT, MS_NOEXEC, MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 32, 8, 1024, 2048, 1 << 21


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


@functools.lru_cache(maxsize=None)
def homes_to_hide() -> tuple[Path, ...]:
    """Every home on the machine: /home and the like, each user's home
    (system accounts left out), and the grader's user's own, wherever it is.
    Read once, in the grader (a directory service may be slow to list)."""
    found = {Path(h) for h in HOME_FOLDERS}
    try:
        found |= {Path(e.pw_dir) for e in pwd.getpwall() if e.pw_uid == 0 or 1000 <= e.pw_uid < 65534}
    except OSError:
        pass
    try:
        found.add(Path(pwd.getpwuid(os.getuid()).pw_dir))
    except (KeyError, OSError):
        pass
    if os.environ.get("HOME"):
        found.add(Path(os.environ["HOME"]))
    found = {Path(os.path.normpath(h)) for h in found if os.path.isabs(h)}
    found = {h for h in found if str(h) not in SYSTEM_FOLDERS and h.is_dir()}
    return tuple(sorted(h for h in found if not any(o in h.parents for o in found)))


def _unescape(field: str) -> str:
    """A path of /proc/self/mountinfo (spaces and the like written \040)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _read_only(path: str) -> None:
    """Make the mount at `path` read-only (its other flags kept: in a user
    namespace they are locked)."""
    attr = _MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)
    if _libc.syscall(SYS_MOUNT_SETATTR, -100, path.encode(), 0, ctypes.byref(attr), ctypes.sizeof(attr)) == 0:
        return
    if ctypes.get_errno() not in (errno.ENOSYS, errno.EPERM):
        _check(-1, f"read-only {path}")
    # an older kernel (or a container's filter that refuses the call): remount,
    # saying every locked flag again
    kept = os.statvfs(path).f_flag
    flags = MS_REMOUNT | MS_BIND | MS_RDONLY
    for st, ms in ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC),
                   (os.ST_NOATIME, MS_NOATIME), (os.ST_NODIRATIME, MS_NODIRATIME),
                   (getattr(os, "ST_RELATIME", 4096), MS_RELATIME)):
        if kept & st:
            flags |= ms
    _mount(None, path, None, flags)


def _read_only_everywhere() -> None:
    """Every mount of the namespace read-only, but the kernel's views and
    the devices. A mount the holder cannot reach (under a folder it may not
    enter) is left: it is hidden later, or was out of reach anyway."""
    with open("/proc/self/mountinfo") as f:
        points = [_unescape(line.split()[4]) for line in f]
    for point in points:
        if any(point == d or point.startswith(d + "/") for d in LEFT_AS_THEY_ARE):
            continue
        try:
            _read_only(point)
        except OSError as e:
            if point == "/":
                raise
            if e.errno not in (errno.EACCES, errno.EPERM, errno.ENOENT, errno.EINVAL):
                raise


def _size_of(folder: str) -> tuple[int, int]:
    """(bytes, files) under `folder`."""
    size, count = 0, 0
    for dirpath, dirnames, filenames in os.walk(folder):
        for n in filenames:
            try:
                size += os.lstat(os.path.join(dirpath, n)).st_size
            except OSError:
                pass
        count += len(dirnames) + len(filenames)
    return size, count


def _copy_tree(source: str, dest: str) -> None:
    """`source` into the existing folder `dest`: links as links, modes and
    (for root) owners kept."""
    root = os.geteuid() == 0
    st = os.stat(source)  # followed: `source` may be a /proc/self/fd/N link
    os.chmod(dest, st.st_mode & 0o7777)
    if root:
        os.chown(dest, st.st_uid, st.st_gid)
    for name in os.listdir(source):
        s, d = os.path.join(source, name), os.path.join(dest, name)
        st = os.lstat(s)
        if os.path.islink(s):
            os.symlink(os.readlink(s), d)
        elif os.path.isdir(s):
            os.mkdir(d)
            _copy_tree(s, d)
            continue
        else:
            shutil.copyfile(s, d)
            os.chmod(d, st.st_mode & 0o7777)
        if root:
            os.lchown(d, st.st_uid, st.st_gid)


# Landlock keeps a process (and what it starts) in a domain of its own: from
# Linux 5.13 (ABI 1) it may trace, or read through /proc (/proc/PID/root,
# fd, environ...), no process outside it; from 6.12 (ABI 6) it may not send
# them signals either. A non-root grader's programs run as its user, whose
# other processes only this keeps out of their reach.
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET, LANDLOCK_SCOPE_SIGNAL = 1, 2
LANDLOCK_SCOPES_ABI = 6
LANDLOCK_ACCESS_FS_EXECUTE, LANDLOCK_RULE_PATH_BENEATH = 1, 1
PR_SET_NO_NEW_PRIVS = 38


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


@functools.lru_cache(maxsize=None)
def landlock_abi() -> int:
    """The Landlock version of the kernel, 0 without it."""
    if _libc is None:
        return 0
    return max(_libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                             ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION)), 0)


def _scope_to_own_family() -> None:
    """Between fork and exec: this process and its descendants may trace (and
    from ABI 6 signal) only each other; the grader, outside, still does.
    Before ABI 6 a domain must handle some file access: execution, allowed
    everywhere."""
    scoped = landlock_abi() >= LANDLOCK_SCOPES_ABI
    attr = (_RulesetAttr(0, 0, LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET) if scoped
            else _RulesetAttr(LANDLOCK_ACCESS_FS_EXECUTE, 0, 0))
    fd = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)),
                       ctypes.c_uint32(0))
    if fd < 0:
        _check(-1, "landlock_create_ruleset")
    try:
        if not scoped:
            root = os.open("/", O_PATH | os.O_CLOEXEC)
            try:
                rule = _PathBeneathAttr(LANDLOCK_ACCESS_FS_EXECUTE, root)
                _check(_libc.syscall(SYS_LANDLOCK_ADD_RULE, fd, LANDLOCK_RULE_PATH_BENEATH, ctypes.byref(rule),
                                     ctypes.c_uint32(0)), "landlock_add_rule")
            finally:
                os.close(root)
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl")
        _check(_libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, fd, ctypes.c_uint32(0)), "landlock_restrict_self")
    finally:
        os.close(fd)


def _fd_path(fd: int) -> str:
    return f"/proc/self/fd/{fd}"


def _private_mounts(workdir: Path, hidden: Sequence[Path], needed: Sequence[Path]) -> None:
    """In the holder's new mount namespace: everything read-only; one tmpfs,
    bounded, for /tmp, /var/tmp, /dev/shm and a copy of `workdir` (bound back
    in its place); `hidden` (the homes among them) behind empty read-only folders;
    `needed` (the students' Python, should it live in a home) shown again,
    read-only."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    keep = os.open(workdir, O_PATH | os.O_DIRECTORY)
    needed = [p for p in needed if p.is_dir()]
    kept = {p: os.open(p, O_PATH | os.O_DIRECTORY) for p in needed}
    brought, brought_files = _size_of(_fd_path(keep))
    _read_only_everywhere()

    # the writable space: a tmpfs on /tmp, then each part bound where it goes
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
           f"mode=1777,size={WRITABLE_SPACE + brought + 1024 * 1024},"
           f"nr_inodes={WRITABLE_FILES + brought_files + 16}")
    parts = {}
    for name in ("tmp", "var-tmp", "shm", "box"):
        os.mkdir(f"/tmp/.{name}")
        os.chmod(f"/tmp/.{name}", 0o1777)
        parts[name] = os.open(f"/tmp/.{name}", O_PATH | os.O_DIRECTORY)
    _copy_tree(_fd_path(keep), "/tmp/.box")
    os.close(keep)
    for name, where in (("var-tmp", "/var/tmp"), ("shm", "/dev/shm"), ("tmp", "/tmp")):
        if os.path.isdir(where):
            _mount(_fd_path(parts[name]), where, None, MS_BIND)

    # what is shown again, in its place: the sandbox's folder, writable; the rest read-only
    back = [(workdir, parts["box"], False)] + [(p, kept[p], True) for p in needed]
    hide = [h for h in set(hidden) if h != Path("/") and h.is_dir()]
    hide = [h for h in hide if not any(o in h.parents for o in hide)]
    for h in sorted(hide):
        _mount("tmpfs", str(h), "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
        for path, fd, read_only in back:
            if _inside(path, h):
                os.makedirs(path, exist_ok=True)
                _mount(_fd_path(fd), str(path), None, MS_BIND | MS_REC)
                if read_only:
                    _read_only(str(path))
        _read_only(str(h))
    if not any(_inside(workdir, h) for h in hide):
        os.makedirs(workdir, exist_ok=True)  # under the new /tmp: an empty place to bind it on
        _mount(_fd_path(parts["box"]), str(workdir), None, MS_BIND | MS_REC)
    for fd in [*parts.values(), *kept.values()]:
        os.close(fd)
    if os.geteuid() != 0:
        # The programs run as the grader's user (as root, as a uid of their
        # own, which keeps them out of what follows). Their terminals, in
        # /dev/pts: a new instance, with none of the user's. /proc/PID/root
        # of any other process of the user is a way to all their files:
        # Landlock keeps programs out of it; without Landlock, an empty /proc
        # in its place (last: the binds above go through /proc/self/fd).
        _mount("devpts", "/dev/pts", "devpts", MS_NOSUID, "newinstance,ptmxmode=0666,mode=620")
        if landlock_abi() == 0:
            _mount("tmpfs", "/proc", "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=555")


# The holder is forked from one of the grader's threads, and a fork from a
# thread may hang before it gets anywhere (grader/harness/processes.py:
# start_guarded): one that says nothing within HOLDER_LIMIT s is killed and
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
                _check(_libc.unshare(unshare), "unshare")
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
            _small_tcp_table()
        _loopback_up(addresses)
        _private_mounts(Path(workdir), [Path(h) for h in hidden], [Path(n) for n in needed])
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
        if _libc is None or not Path("/proc/self/ns/net").exists():
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
        start = {"root": root, "uid": os.geteuid(), "gid": os.getegid(), "addresses": _own_addresses(),
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
                keep = {ready_w, hold_r}
                os.closerange(3, min(ready_w, hold_r))
                for fd in range(min(ready_w, hold_r) + 1, 1024):
                    if fd not in keep:
                        try:
                            os.close(fd)
                        except OSError:
                            pass
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
        package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [package_parent] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
        try:
            # its own session: Ctrl-C at the terminal must not stop bwrap, which
            # would kill the holder (--die-with-parent) before the grader closes it.
            # Its stderr stays open until then: bwrap is not to die writing there.
            self._bwrap = subprocess.Popen(
                [bwrap, "--unshare-user", "--unshare-net", "--dev-bind", "/", "/", "--cap-add", "ALL",
                 "--die-with-parent", "--", sys.executable, "-S", "-m", "grader.isolation", "--hold",
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
                _check(_libc.setns(fd, kind), f"setns {path}")
        finally:
            for fd, _path, _kind in fds:
                os.close(fd)
        os.chdir(cwd)
        if self.scoped:
            _scope_to_own_family()

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
    # python -m grader.isolation (or ./grade.sh --sandbox)
    print(describe())
    sys.exit(0)
