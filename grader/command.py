"""The command's entry point (`python -m grader`, `tp-grader`, grade.sh).

A stop (Ctrl-C, SIGTERM, SIGHUP) that comes while Python imports the grader
(a tenth of a second, more on a loaded machine) ends the command with 128 +
the signal, never with a traceback of whatever was being imported: the
handler is set here, before any other module of the grader is imported.
The grading later sets its own (harness/leftovers.py).

So this module imports only modules built into Python, loaded before it
runs: `signal` (with its enum) or `typing` (with re) took 5 ms to import,
a window in which a Ctrl-C printed a traceback (seen in CI). Before this
module's first line, Python's own start (site, runpy) is a window no
program can close: a Ctrl-C there is Python's KeyboardInterrupt."""
import _signal
import sys

_seen: list[int] = []


def _stopped_early(signum, _frame):
    _seen.append(signum)
    sys.exit(128 + signum)


def _quiet_about_early_stops(unraisable) -> None:
    """A stop that came while Python ran a callback of its import machinery
    cannot end it there: Python prints "Exception ignored in ..." with a
    traceback, and goes on. Not printed: main and the command's session
    (harness/leftovers.py) see the stop and end the command."""
    if _seen and isinstance(unraisable.exc_value, SystemExit):
        return
    sys.__unraisablehook__(unraisable)


def catch_early_stops() -> None:
    """A signal the command was started with ignored (nohup) stays ignored."""
    sys.unraisablehook = _quiet_about_early_stops
    for sig in (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP):
        if _signal.getsignal(sig) != _signal.SIG_IGN:
            _signal.signal(sig, _stopped_early)


def early_stop() -> "int | None":
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
    if _seen:
        # the stop's SystemExit came in a callback of the import machinery,
        # which printed "Exception ignored" and went on
        return 128 + _seen[0]
    return grade(argv)
