"""What a check writer needs, apart from the engine that runs the checks.

Here: the `check` decorator, failing with evidence (`fail`, `CheckFailed`,
`Feedback`, `Cause`) and `CheckResult`, what the engine makes of a check
(in result.py, which the engine imports alone). The shared check bodies, by
concern, are imported as modules (`from grader.kit import launch, players`):
evidence (what a run did, as a failure shows it), causes and crashes (one
reason behind several failures; a crash located and explained), wording
(the statement's messages, matched loosely), launch (./script.py, the usage
error, the data file missing), players (player lists and generated files),
fakes (the grader's stand-ins), timeline and signals (programs kept running
and what they did), wine (the wine exercise's pair driver and scenarios)."""
from ..feedback import Cause, CheckFailed, Feedback, fail
from .check import check
from .result import CheckResult

__all__ = ["Cause", "CheckFailed", "CheckResult", "Feedback", "check", "fail"]
