"""The result of one check, as the engine (runner, report, platforms) gets
it: a module of its own, so that the engine never imports a check, nor a
check the engine."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..feedback import Feedback
from ..rubric import VISIBLE


@dataclass
class CheckResult:
    exercise: str
    key: str
    title: str  # untranslated, translate with _() when showing
    max_score: float
    passed: bool
    feedback: Optional[Feedback] = None
    duration: float = 0.0  # wall seconds, setup and teardown included
    cpu: float = 0.0  # CPU seconds of the grader and of the programs it ran meanwhile
    cpu_programs: float = 0.0  # the programs' share of `cpu`
    visibility: str = VISIBLE  # rubric.toml's: who sees the check, and when

    @property
    def score(self) -> float:
        return self.max_score if self.passed else 0.0
