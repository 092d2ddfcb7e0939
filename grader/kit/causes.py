"""Causes: one reason behind a failure, named in the student's terms, that
the report tells once however many checks it cost (see feedback.Cause)."""
from __future__ import annotations

import re
from typing import Optional, Sequence

from grader.feedback import Cause
from grader.harness import LiveProcess, RunResult, waits_for_keyboard
from grader.i18n import _
from grader.kit.crashes import TRACEBACK, crash_cause
from grader.kit.evidence import fail_run
from grader.kit.fakes import CONSUMER, PRODUCER
from grader.lab import active_lab
from grader.submission import lab_scripts


USAGE_LINE = re.compile(r"^[^\n]*\busage\b[^\n]*$", re.I | re.M)
_INPUT_EOF = re.compile(r"^EOFError\b.*reading a line", re.M)


def usage_names(line: str) -> set[str]:
    """The lab scripts a usage line names."""
    return {s for s in lab_scripts() if s[:-3] in line}


def statement_command(script: str) -> str:
    """How the statement starts `script`: `./joueurs_par_nation.py nation`."""
    # a wine program's placeholders, as a statement names what goes there
    named = [a.replace("{port}", "PORT").replace("{quantity}", "N") for a in active_lab().statement_args(script)]
    return " ".join(["./" + script, *named])


def cause_of(script: str, args: Sequence[str], output: str, status: Optional[int], ended: bool,
             blank: bool = False, pid: Optional[int] = None) -> Optional[Cause]:
    """What a run shows that explains more than the check at hand: the
    script waits for the keyboard, wants arguments the statement does not
    give (or refuses extra ones), or is not written yet. None otherwise."""
    if not script:
        return None
    if _INPUT_EOF.search(output) or (not ended and pid is not None and waits_for_keyboard(pid)):
        how = (_("with no keyboard here, input() raised EOFError; in a terminal it would simply "
                 "wait") if ended else _("nobody types during a grading, so it waited until the "
                                         "grader stopped it"))
        return Cause(f"keyboard:{script}",
                     _("{script} waits for something typed on the keyboard (input()), which the "
                       "statement does not ask for: {how}.").format(script=script, how=how),
                     _("Remove the input() call: the statement's programs take what they need "
                       "from their arguments and files, and run without anyone typing."))
    usage = USAGE_LINE.search(output)
    if ended and usage and TRACEBACK not in output:
        named = usage_names(usage.group(0))
        if named and script not in named:  # another program's usage line, not this script's
            if script == CONSUMER and PRODUCER in named and args:
                return Cause(f"producer_without_nation:{CONSUMER}",
                             _("{consumer} was given the nation, but the producer it started "
                               "answered with its usage line `{line}`: the consumer started "
                               "{producer} without the nation.").format(
                                 consumer=CONSUMER, producer=PRODUCER, line=usage.group(0).strip()),
                             _("Pass the nation to the producer, as its first argument: "
                               "subprocess.Popen(['./joueurs_nation_subproc.py', sys.argv[1]], "
                               "...)."))
            return None
        stopped = (_("stopped with exit status {status}").format(status=status) if status is not None
                   else _("stopped"))
        given = len(active_lab().statement_args(script))
        if len(args) > given:
            return Cause(f"rejects_extra:{script}",
                         _("{script} {stopped} after printing `{line}` when it was given extra "
                           "arguments ({command}); the statement says that extra arguments are "
                           "simply ignored.").format(script=script, stopped=stopped,
                                                     line=usage.group(0).strip(),
                                                     command=" ".join(["./" + script, *args])),
                         _("Only a missing argument is an error: test len(sys.argv) < 2, not "
                           "len(sys.argv) != 2, and then use sys.argv[1]."))
        if len(args) == given:
            return Cause(f"wants_args:{script}",
                         _("{script} {stopped} after printing `{line}`: it expects arguments, but "
                           "the statement starts it as `{command}`.").format(
                             script=script, stopped=stopped, line=usage.group(0).strip(),
                             command=statement_command(script)),
                         _("Run it exactly as the statement does: what the statement does not "
                           "pass on the command line (a port, a quantity, a file name) is written "
                           "in the program, or drawn at random where the statement says so."))
    if ended and blank and status == 0 and not output.strip():
        return Cause(f"unwritten:{script}",
                     _("{script} is not written yet: it holds only comments and imports, and "
                       "prints nothing.").format(script=script),
                     _("Write the program: the template's comments give the statement's "
                       "instructions and examples."))
    return None


def cause_of_run(r: RunResult) -> Optional[Cause]:
    return cause_of(r.script, r.args, r.output, r.status, not r.timed_out and not r.truncated,
                    r.blank)


def cause_of_live(live: LiveProcess) -> Optional[Cause]:
    """The cause a running (or ended) program shows, from what it printed:
    one of cause_of()'s, or a crash."""
    ended = not live.is_alive()
    return (cause_of(live.script, live.args, live.transcript, live.exit_status() if ended else None,
                     ended, live.blank, None if ended else live.pid)
            or crash_cause(live.script, live.transcript))


def fail_if_cause(r: RunResult, context: Optional[str] = None,
                  expected: Optional[str] = None) -> None:
    """Fail with the run's cause (see cause_of), if it shows one."""
    cause = cause_of_run(r)
    if cause:
        fail_run(r, cause.summary, context=context, expected=expected, hint=cause.hint, cause=cause)
