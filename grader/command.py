"""The command's entry point (`python -m grader`, `tp-grader`, grade.sh).

A stop (Ctrl-C, SIGTERM, SIGHUP) that comes while Python imports the grader
(a tenth of a second, more on a loaded machine) ends the command with 128 +
the signal, never with a traceback of whatever was being imported: the
handler is set here, before any other module of the grader is imported.
The grading later sets its own (harness/leftovers.py)."""
import signal
import sys
from typing import Optional

_seen: list[int] = []


def _stopped_early(signum, _frame):
    _seen.append(signum)
    sys.exit(128 + signum)


def catch_early_stops() -> None:
    """A signal the command was started with ignored (nohup) stays ignored."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) != signal.SIG_IGN:
            signal.signal(sig, _stopped_early)


def early_stop() -> Optional[int]:
    """The signal that stopped the command before the grading began, if one did."""
    return _seen[0] if _seen else None


def main(argv=None) -> int:
    catch_early_stops()
    try:
        from .cli import main as grade
    except BaseException:
        # a stop comes up as SystemExit, or as another exception when Python
        # turns it into one (see cli.main)
        if _seen:
            return 128 + _seen[0]
        raise
    return grade(argv)
