"""How much a sandbox may write where no tmpfs bounds it.

With namespaces, a sandbox's writable space is a tmpfs of its own
(mounts.WRITABLE_SPACE): a program that fills it gets ENOSPC. Without
them, programs write to the machine's own disk, and RLIMIT_FSIZE bounds one
file, not the folder: this thread adds up what each such sandbox holds, four
times a second, and stops its programs once they are past the same bound (a
runaway loop may write a little more before it is seen). As root it also
counts what the sandbox's own uid left in /tmp, /var/tmp and /dev/shm; as
another user those places hold the user's own files too, and are not counted."""
from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING, Optional

from ..i18n import _
from .mounts import WRITABLE_SPACE
from .processes import marked_processes, note_incident, stop_user

if TYPE_CHECKING:
    from .sandbox import Sandbox

SHARED_TEMP = ("/tmp", "/var/tmp", "/dev/shm")
PERIOD = 0.25


def used_bytes(folder: str, uid: Optional[int] = None) -> int:
    """What the files under `folder` hold (those of `uid` only, if given)."""
    total = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for e in entries:
        try:
            st = e.stat(follow_symlinks=False)
            if uid is not None and st.st_uid != uid:
                continue
            if e.is_dir(follow_symlinks=False):
                total += used_bytes(e.path)
            elif e.is_file(follow_symlinks=False):
                total += st.st_blocks * 512
        except OSError:
            continue
    return total


class _SpaceWatch(threading.Thread):
    def __init__(self):
        super().__init__(name="tp-grader-space-watch", daemon=True)
        self.sandboxes: dict[int, tuple["Sandbox", int]] = {}  # id: (sandbox, bytes it brought in)

    def run(self):
        while True:
            time.sleep(PERIOD)
            for sandbox, brought in list(self.sandboxes.values()):
                used = used_bytes(str(sandbox.files))
                if sandbox.user is not None:
                    used += sum(used_bytes(d, sandbox.user[0]) for d in SHARED_TEMP if os.path.isdir(d))
                if used - brought > WRITABLE_SPACE:
                    # said first: the check that sees its program die must find it
                    note_incident(_("The grader stopped your programs: they had written over {mib} MiB "
                                    "(a loop that writes without end?), the most a grading gives; a "
                                    "correct program of this lab writes a few kilobytes.").format(
                                        mib=WRITABLE_SPACE // (1024 * 1024)))
                    _stop(sandbox)


def _stop(sandbox: "Sandbox") -> None:
    """SIGKILL every process of the sandbox, without reaping: the code that
    started them waits for them, and must see how they ended."""
    if sandbox.user is not None:
        stop_user(sandbox.user[0])
        return
    for p in marked_processes(sandbox.token):
        try:
            os.kill(p.pid, 9)
        except OSError:
            pass


_watch: Optional[_SpaceWatch] = None
_watch_lock = threading.Lock()


def watch(sandbox: "Sandbox") -> None:
    """Bound what `sandbox` writes (one without a mount namespace)."""
    global _watch
    with _watch_lock:
        if _watch is None:
            _watch = _SpaceWatch()
            _watch.start()
    _watch.sandboxes[id(sandbox)] = (sandbox, used_bytes(str(sandbox.files)))


def unwatch(sandbox: "Sandbox") -> None:
    if _watch is not None:
        _watch.sandboxes.pop(id(sandbox), None)
