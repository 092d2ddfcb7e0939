"""Reading a program's output."""
from __future__ import annotations

import os
import selectors
import time
from typing import Callable

DEFAULT_OUTPUT_CAP = 256 * 1024  # bytes kept per stream; more is a runaway program
# After the main process exits, how long a background child may keep the
# output open before it is cut off.
EXIT_GRACE = 0.5


class OutputReader:
    """Reads a set of file descriptors until they close, the deadline passes,
    the program exits and stays silent, or the output goes over the cap."""

    def __init__(self, fds: dict[str, int], cap: int):
        self.buffers = {name: bytearray() for name in fds}
        self.cap = cap
        self.truncated = False
        self.selector = selectors.DefaultSelector()
        for name, fd in fds.items():
            self.selector.register(fd, selectors.EVENT_READ, name)

    def pump(self, deadline: float, exited: Callable[[], bool]) -> bool:
        """Returns True when every stream closed, False on timeout or cap."""
        exited_at = None
        while self.selector.get_map():
            now = time.monotonic()
            if now >= deadline:
                return False
            if exited_at is None and exited():
                exited_at = now
            if exited_at is not None and now - exited_at > EXIT_GRACE:
                return True  # a background child keeps the output open: stop here
            wait = min(deadline - now, 0.2)
            for key, _events in self.selector.select(timeout=wait):
                try:
                    chunk = os.read(key.fd, 65536)
                except OSError:  # EIO: the terminal's last writer is gone
                    chunk = b""
                if not chunk:
                    self.selector.unregister(key.fd)
                    continue
                buf = self.buffers[key.data]
                room = self.cap - len(buf)
                buf += chunk[:max(room, 0)]
                if len(chunk) > room:
                    self.truncated = True
                    return False
        return True

    def text(self, name: str) -> str:
        return _decode(bytes(self.buffers[name]))

    def close(self):
        self.selector.close()


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n")
