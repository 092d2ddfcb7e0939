"""What a failed check tells the student. A check fails by raising
`CheckFailed`; the runner turns it into a report entry and never shows a
traceback. Every text in it is already translated (see i18n)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


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


class CheckFailed(Exception):
    def __init__(self, feedback: Feedback):
        super().__init__(feedback.summary)
        self.feedback = feedback


def fail(summary: str, **fields) -> None:
    raise CheckFailed(Feedback(summary, **fields))
