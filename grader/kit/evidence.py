"""What a run did, as a failure shows it: its output, how it ended, where
it stopped; and the brief of a long output."""
from __future__ import annotations

import difflib
import signal
from dataclasses import replace
from typing import Optional, Sequence

from grader.feedback import Cause, fail, left_out
from grader.harness import DEFAULT_OUTPUT_CAP, RunResult
from grader.i18n import _, N_
from grader.kit.crashes import crash_cause, crash_facts, crash_hint, python_error


# ---------------------------------------------------------------------------
# Showing what a run did


def show_run(r: RunResult) -> str:
    """What came out of a run, as the report shows it."""
    def block(text: str) -> str:
        return text.rstrip("\n") if text.strip() else _("(nothing)")

    if r.terminal:
        parts = [_("terminal:") + "\n" + block(r.stdout)]
    else:
        parts = [_("stdout:") + "\n" + block(r.stdout), _("stderr:") + "\n" + block(r.stderr)]
    if r.timed_out:
        stopped = _("the program did not finish within {seconds:.0f} s and was stopped").format(
            seconds=r.duration)
        doing = doing_text(r.stopped_while)
        parts.append(stopped + ("; " + _("at that moment {doing}").format(doing=doing) if doing else ""))
    elif r.truncated:
        parts.append(_("the program printed too much (over {kib} KiB) and was stopped").format(
            kib=DEFAULT_OUTPUT_CAP // 1024))
    elif r.status is not None:
        parts.append(_("exit status: {status}").format(status=r.status))
    else:
        parts.append(_("killed by signal {signal}").format(signal=signal_name(r.signal)))
    return "\n".join(parts)


def signal_name(number: Optional[int]) -> str:
    """`9 (SIGKILL)`: the number, and its name when it has one."""
    try:
        return f"{number} ({signal.Signals(number).name})"
    except (TypeError, ValueError):
        return str(number)


# What a process was doing when the grader stopped it (procfs.activity), as
# the report says it: "it was sleeping (time.sleep)".
_DOING = {
    "sleeping": N_("sleeping (time.sleep)"),
    "running": N_("running code (neither sleeping nor waiting)"),
    "keyboard": N_("waiting for the keyboard (input())"),
    "reading": N_("waiting to read (from a pipe, a socket or a file)"),
    "accepting": N_("waiting for a connection (accept())"),
    "waiting_child": N_("waiting for a child process to end"),
    "waiting_signal": N_("waiting for a signal (signal.pause())"),
    "waiting_thread": N_("waiting for one of its threads"),
}


def doing_text(states: Sequence[tuple[int, str, str]]) -> str:
    """"it was sleeping (time.sleep)", and what its children were doing,
    from RunResult.stopped_while; "" when the kernel did not say."""
    if not states or states[0][2] not in _DOING:
        return ""
    text = _("it was {doing}").format(doing=_(_DOING[states[0][2]]))
    others = [_("its child {program} was {doing}").format(program=name, doing=_(_DOING[act]))
              for _pid, name, act in states[1:3] if act in _DOING]
    return ", ".join([text, *others])


def stuck_cause(r: RunResult) -> Optional[Cause]:
    """What the grader saw a program do when it stopped it at its time limit,
    as a cause: sleeping (the program, or a program it started), or running
    code (a loop); None when it saw neither."""
    states = r.stopped_while
    sleeper = next((name for _pid, name, act in states if act == "sleeping"), None)
    if sleeper:
        return Cause(f"sleeping:{sleeper}",
                     _("{program} was still sleeping (time.sleep) at the time limit.").format(
                         program=sleeper) + " " +
                     _("The check allows {seconds:.0f} s: the program had not finished by then and "
                       "was stopped; what it printed before is shown.").format(seconds=r.duration),
                     _("The statement asks for no pause here: remove the time.sleep() call(s). "
                       "A pause after each line makes a long list take longer than the check "
                       "allows."))
    if states and states[0][2] == "running":
        return Cause(f"loop:{r.script}",
                     _("{program} was still busy running code at the time limit.").format(
                         program=r.script or states[0][1]) + " " +
                     _("The check allows {seconds:.0f} s: it was stopped then, neither sleeping "
                       "nor waiting for input, which is what a loop that never ends does.").format(
                         seconds=r.duration),
                     _("Look for a loop that never ends: a `while` whose condition stays true, or "
                       "a readline() loop that does not stop at the end of the file (readline() "
                       "returns '' there)."))
    return None


def tail(text: str, lines: int = 30) -> str:
    """The end of a long output, which is where a program went wrong."""
    kept = text.rstrip("\n").split("\n")
    if len(kept) <= lines:
        return "\n".join(kept)
    return "\n".join([_("[... {n} lines before ...]").format(n=len(kept) - lines), *kept[-lines:]])


def fail_run(r: RunResult, summary: str, **fields) -> None:
    """Fail with the evidence of the run `r`: its command, as the student
    would type it, and what came out of it (show_run), unless `fields` give
    them; the other fields as for feedback.fail."""
    fields.setdefault("command", r.command)
    fields.setdefault("actual", show_run(r))
    fail(summary, **fields)


def fail_if_stuck(r: RunResult, context: Optional[str] = None) -> None:
    """Fail when the run was stopped at its time limit or its output cap."""
    if r.timed_out:
        cause = stuck_cause(r)
        fail_run(r, _("The program did not finish within {seconds:.0f} seconds.").format(seconds=r.duration),
                 cause=cause, context=context,
                 hint=cause.hint if cause else _(
                     "Look for a loop that never ends, a pause (time.sleep) or a read from the keyboard "
                     "(input()) that the statement does not ask for."))
    if r.truncated:
        fail_run(r, _("The program printed without end and was stopped."), context=context,
                 hint=_("Look for a loop that never ends around a print()."))


def fail_if_traceback(r: RunResult, hint: str, context: Optional[str] = None) -> None:
    """Fail when the run shows Python stopping on an error (a traceback, or a
    syntax error before anything ran). `hint`: what to say of an error the
    grader cannot explain better (see crash_hint)."""
    crash = crash_facts(r.output)
    if crash is None:
        return
    if crash.compile:
        fail_run(r, _("Python cannot read {file}: {error} at line {line} ({message}).").format(
                                                                                               file=crash.file, error=crash.kind, line=crash.line, message=crash.message),
                 context=context,
                 hint=_("Python stops before running anything. Look at the line shown (and the one "
                        "before it); `python3 -m py_compile FILE` shows the error. Python 2 code "
                        "(print without parentheses) is a common cause."))
    fail_run(r, _("The program crashed with a Python traceback") + python_error(r.output) + ".",
             context=context,
             hint=crash_hint(crash, hint), cause=crash_cause(r.script, r.output))


# What a player check shows of a long output or a long generated file in the
# terminal report (--details shows all): the lines that support its sentence.
BRIEF_OUTPUT_LINES = 12
BRIEF_FILE_LINES = 6
# Each run that looks for why a program printed nothing (it printed nothing,
# in time, with the nation): a few seconds, so that five fit in a check.
PROBE_TIMEOUT = 3.0


DIFF_LINES = 12


def readable_diff(expected: str, actual: str) -> Optional[str]:
    """`actual`, to be diffed with `expected`, when the difference has at
    most DIFF_LINES changed lines; None when it has more (a whole file
    printed, for instance), which the Got block shows better."""
    changed = [d for d in difflib.unified_diff(expected.split("\n"), actual.split("\n"), lineterm="", n=0)
               if d[:1] in "+-" and not d.startswith(("+++", "---"))]
    return actual if len(changed) <= DIFF_LINES else None


def raw_index(stdout: str, n: int) -> int:
    """The index, among all the lines of `stdout`, of its n-th non-blank line."""
    filled = [i for i, ln in enumerate(stdout.split("\n")) if ln.strip()]
    return filled[n] if n < len(filled) else len(stdout.rstrip("\n").split("\n"))


def brief_run(r: RunResult, start: int = 0) -> Optional[str]:
    """show_run(r) with stdout cut to BRIEF_OUTPUT_LINES lines from `start`,
    when it is longer; None when it is short enough to be shown whole."""
    out = r.stdout.rstrip("\n").split("\n")
    if len(out) <= BRIEF_OUTPUT_LINES + 2:
        return None
    start = max(0, min(start, len(out) - BRIEF_OUTPUT_LINES))
    kept = out[start:start + BRIEF_OUTPUT_LINES]
    after = len(out) - start - len(kept)
    cut = ([_("[... {n} lines before ...]").format(n=start)] if start else []) + kept + (
        [left_out(after)] if after else [])
    return show_run(replace(r, stdout="\n".join(cut)))
