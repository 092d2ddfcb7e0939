"""The mounts a sandbox's programs see (the whole filesystem read-only, the
homes and the grader hidden, one small tmpfs for what they write), and
Landlock's limits on what they reach: set up by the namespace holder
(namespaces.py)."""
from __future__ import annotations

import ctypes
import errno
import functools
import os
import pwd
import re
import shutil
from pathlib import Path
from typing import Optional, Sequence

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 4096, 0x4000, 1 << 18
O_PATH = getattr(os, "O_PATH", 0o10000000)
PRIVATE_TMP = ("/tmp", "/var/tmp", "/dev/shm")

try:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
except (OSError, AttributeError):  # pragma: no cover (not Linux)
    libc = None


def ok_or_raise(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: Optional[str], target: str, fstype: Optional[str], flags: int,
           data: Optional[str] = None) -> None:
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    ok_or_raise(libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


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
    if libc.syscall(SYS_MOUNT_SETATTR, -100, path.encode(), 0, ctypes.byref(attr), ctypes.sizeof(attr)) == 0:
        return
    if ctypes.get_errno() not in (errno.ENOSYS, errno.EPERM):
        ok_or_raise(-1, f"read-only {path}")
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
    if libc is None:
        return 0
    return max(libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                             ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION)), 0)


def scope_to_own_family() -> None:
    """Between fork and exec: this process and its descendants may trace (and
    from ABI 6 signal) only each other; the grader, outside, still does.
    Before ABI 6 a domain must handle some file access: execution, allowed
    everywhere."""
    scoped = landlock_abi() >= LANDLOCK_SCOPES_ABI
    attr = (_RulesetAttr(0, 0, LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET) if scoped
            else _RulesetAttr(LANDLOCK_ACCESS_FS_EXECUTE, 0, 0))
    fd = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)),
                       ctypes.c_uint32(0))
    if fd < 0:
        ok_or_raise(-1, "landlock_create_ruleset")
    try:
        if not scoped:
            root = os.open("/", O_PATH | os.O_CLOEXEC)
            try:
                rule = _PathBeneathAttr(LANDLOCK_ACCESS_FS_EXECUTE, root)
                ok_or_raise(libc.syscall(SYS_LANDLOCK_ADD_RULE, fd, LANDLOCK_RULE_PATH_BENEATH, ctypes.byref(rule),
                                     ctypes.c_uint32(0)), "landlock_add_rule")
            finally:
                os.close(root)
        ok_or_raise(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl")
        ok_or_raise(libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, fd, ctypes.c_uint32(0)), "landlock_restrict_self")
    finally:
        os.close(fd)


def _fd_path(fd: int) -> str:
    return f"/proc/self/fd/{fd}"


def private_mounts(workdir: Path, hidden: Sequence[Path], needed: Sequence[Path]) -> None:
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
