"""What a failed check tells the student. A check fails by raising
`CheckFailed`; the runner turns it into a report entry and never shows a
traceback. Every text in it is already translated (see i18n)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Cause:
    """Why a check failed, when the same reason can make several checks fail
    (a missing script, a server that never listens, the same crash in every
    run, a program that waits for the keyboard...): the report tells it once,
    with the checks it cost."""
    key: str  # failures with the same key have the same cause: "missing:chrono.py"
    summary: str  # the cause, in one or two sentences, in the student's terms
    hint: Optional[str] = None


@dataclass
class Feedback:
    summary: str  # one sentence: what went wrong
    command: Optional[str] = None  # what was run, as the student would type it
    context: Optional[str] = None  # the setting: "with foot_2020.txt removed", a generated file...
    expected: Optional[str] = None
    actual: Optional[str] = None
    hint: Optional[str] = None  # what to look at, in words that teach
    # The part of the output to compare with `expected` line by line (stdout,
    # usually); None: no diff (the summary says it all).
    diff_actual: Optional[str] = None
    cause: Optional[Cause] = None  # see Cause; None: this check's own reason
    # The terminal report's view of `context` and `actual` when they are long
    # (a wine timeline, six programs' outputs): only the lines that support the
    # summary. None: the full text (cut to the report's budget if it must be).
    # --details, the JSON report and the HTML page always show the full ones.
    brief_context: Optional[str] = None
    brief_actual: Optional[str] = None


class CheckFailed(Exception):
    def __init__(self, feedback: Feedback):
        super().__init__(feedback.summary)
        self.feedback = feedback


# What a program printed may hold control characters: escape sequences that
# clear a screen, move the cursor, recolour or hide text, set a window's
# title; a carriage return that overwrites a line; bidirectional marks that
# reorder what a reader sees. Wherever the grader shows a program's output to
# a person (the terminal report, the HTML pages, VPL's comments, --watch),
# they are written as text, `\x1b[2J`, never sent raw; only line breaks and
# tabs stay. The JSON report keeps the exact text.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\r": "\\r", "\x0b": "\\v", "\x0c": "\\f", "\x08": "\\b", "\x07": "\\a", "\x00": "\\0"}


def visible(text: str) -> str:
    """`text` with its control characters written as text (see above)."""
    return _CONTROLS.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                              else f"\\u{ord(m.group()):04x}"), text)


def left_out(n: int) -> str:
    """The line that stands for `n` lines a brief view leaves out (the
    terminal report's; --details shows them)."""
    from .i18n import _
    if n == 1:
        return _("[... 1 line left out: --details shows it]")
    return _("[... {n} lines left out: --details shows them]").format(n=n)


def fail(summary: str, **fields) -> None:
    raise CheckFailed(Feedback(summary, **fields))
