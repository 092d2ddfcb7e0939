"""The command's entry point (`python -m grader`, `tp-grader`, grade.sh).

A stop (Ctrl-C, SIGTERM, SIGHUP) that comes while Python imports the grader
(a tenth of a second, more on a loaded machine) ends the command with 128 +
the signal, never with a traceback of whatever was being imported: the
handler is set here, before any other module of the grader is imported.
The grading later sets its own (harness/leftovers.py).

So this module imports only modules built into Python or loaded before it
runs (os): `signal` (with its enum) or `typing` (with re) took 5 ms to import,
a window in which a Ctrl-C printed a traceback (seen in CI). Before this
module's first line, Python's own start (site, runpy) is a window no
program can close: a Ctrl-C there is Python's KeyboardInterrupt.

The command's messages begin with its name as the user typed it
(command_name, tell_user, command_error), as a Unix tool's do."""
import _signal
import _thread
import os
import sys
import time

_seen: list[int] = []


def _stopped_early(signum, _frame):
    _seen.append(signum)
    sys.exit(128 + signum)


def _stop_of(exc: BaseException) -> "int | None":
    """The signal whose stop `exc` is: the SystemExit of the handler here,
    or the command's session's Stopped (harness/leftovers.py), which says it."""
    if isinstance(exc, SystemExit) and _seen and exc.code == 128 + _seen[-1]:
        return _seen[-1]
    signum = getattr(exc, "signum", None)
    return signum if isinstance(exc, KeyboardInterrupt) and isinstance(signum, int) else None


def _stop_again(unraisable) -> None:
    """A stop raised while Python runs a callback (of its import machinery,
    or an at-fork hook such as logging's) cannot end the command there:
    Python prints "Exception ignored in ..." with a traceback and goes on
    (both seen in tests/test_stops.py). The signal is sent again instead, a
    moment later, from a thread: sent from here, its handler would raise the
    stop inside this hook, where it would be ignored again."""
    signum = _stop_of(unraisable.exc_value)
    if signum is None:
        sys.__unraisablehook__(unraisable)
        return
    _thread.start_new_thread(_signal_later, (signum,))


def _signal_later(signum: int) -> None:
    time.sleep(0.01)  # the command is back in its own code
    os.kill(os.getpid(), signum)


def catch_early_stops() -> None:
    """A signal the command was started with ignored (nohup) stays ignored."""
    sys.unraisablehook = _stop_again
    for sig in (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP):
        if _signal.getsignal(sig) != _signal.SIG_IGN:
            _signal.signal(sig, _stopped_early)


def early_stop() -> "int | None":
    """The signal that stopped the command before the grading began, if one did."""
    return _seen[0] if _seen else None


# grade.sh sets it ("$0"); else main() does, for the processes the command starts
COMMAND_VARIABLE = "TPGRADER_COMMAND"


def command_name() -> str:
    """How the user started the grader: `./grade.sh` (or as they typed it),
    `tp-grader` (an installed wheel) or `python -m grader`."""
    return os.environ.get(COMMAND_VARIABLE) or (
        "tp-grader" if os.path.basename(sys.argv[0]) == "tp-grader" else "python -m grader")


def tell_user(message: str) -> None:
    """`message`, one line on stderr (the grader's user's, never in a report),
    after the command's name."""
    print(f"{command_name()}: {message}", file=sys.stderr, flush=True)


def command_error(message: str, status: int) -> int:
    """Say `message` (tell_user); returns the command's exit `status`."""
    tell_user(message)
    return status


def main(argv=None) -> int:
    catch_early_stops()
    os.environ[COMMAND_VARIABLE] = command_name()  # a class's gradings say what the user typed
    try:
        from .cli import main as grade
    except BaseException:
        # a stop comes up as SystemExit, or as another exception when Python
        # turns it into one (see cli.main)
        if _seen:
            return 128 + _seen[0]
        raise
    return grade(argv)
