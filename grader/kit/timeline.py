"""The timeline of a scenario: what the grader did and saw, with times on
the programs' clock."""
from __future__ import annotations

import time
from typing import Optional

from grader.i18n import _


class Timeline:
    """What the grader did and saw while programs ran, each step with its time
    on the programs' clock (which runs `scale` times faster than real time)
    and, when that differs, the real time: the setting a failed check shows
    the student. `at`: a step seen earlier (time.monotonic()), put in its place."""

    def __init__(self, scale: float):
        self.scale = scale
        self.t0 = time.monotonic()
        self.entries: list[tuple[float, int, str]] = []  # (real seconds, order noted, text)

    def now(self) -> float:
        """Seconds since the start, on the programs' clock."""
        return (time.monotonic() - self.t0) * self.scale

    def note(self, text: str, at: Optional[float] = None) -> None:
        real = (time.monotonic() if at is None else at) - self.t0
        self.entries.append((real, len(self.entries), text))

    def sleep(self, virtual_seconds: float) -> None:
        time.sleep(virtual_seconds / self.scale)

    def stamp(self, real: float) -> str:
        """`t=3.0 s` on the programs' clock, with the real time when it differs."""
        if self.scale == 1:
            return f"t={real:5.1f} s"
        return "t={t:6.1f} s ".format(t=real * self.scale) + _("(real {real:.2f} s)").format(real=real)

    def text(self) -> str:
        if self.scale == 1:
            head = _("What the grader did (t: seconds since the start):")
        else:
            head = _("What the grader did (t: time on your programs' clock, which the grader "
                     "runs {scale:g} times faster; real: the time that really passed):").format(
                         scale=self.scale)
        return head + "\n" + "\n".join(f"{self.stamp(real)}  {text}"
                                          for real, _n, text in sorted(self.entries))
