"""Check bodies: launching as ./script.py, the usage error, the data
file missing or unreadable."""
from __future__ import annotations

import re
from typing import Optional, Sequence

from grader.feedback import fail
from grader.foot import FOOT_FILE
from grader.harness import RunResult, Sandbox
from grader.i18n import _
from grader.kit.causes import cause_of_run, fail_if_cause
from grader.kit.evidence import fail_if_stuck, fail_if_traceback, fail_run, show_run
from grader.kit.players import stderr_hint
from grader.kit.wording import folded_text, file_error_wording_ok, usage_pattern
from grader.lab import active_lab


_LAUNCH_PROBLEMS = {
    "no_exec_bit": lambda s, v: _("{script} has no run permission (x): `./{script}` is refused. "
                                  "Fix: chmod +x {script}").format(script=s),
    "no_shebang": lambda s, v: _("the first line of {script} is not a shebang: the system does not "
                                 "know it is Python. Fix: make `#!/usr/bin/python3` its very first "
                                 "line.").format(script=s),
    "crlf": lambda s, v: _("{script} has Windows line endings (CRLF): the shebang then names "
                           "`python3\\r`, which does not exist. Fix: save it with Unix (LF) line "
                           "endings, for example with dos2unix {script}").format(script=s),
    "not_python": lambda s, v: _("the shebang of {script} ({line}) does not start Python.").format(
        script=s, line=v["line"]),
    "interpreter_missing": lambda s, v: _("the shebang of {script} names {interpreter}, which does "
                                          "not exist on this machine; use `#!/usr/bin/python3` or "
                                          "`#!/usr/bin/env python3`.").format(script=s, **v),
    "unreadable": lambda s, v: _("{script} cannot be read.").format(script=s),
    "misnamed": lambda s, v: _("your file is named {actual}, the statement names it {script}: on "
                               "Linux, upper and lower case differ, so `./{script}` does not find "
                               "it. Fix: rename it (mv {actual} {script}).").format(script=s, **v),
}


def check_launch_problems(name: str, problems: list) -> None:
    """Fail with what keeps `./name` from starting Python, if anything does."""
    if problems:
        fail(_("`./{script}` does not start your program.").format(script=name),
             actual="\n".join(_LAUNCH_PROBLEMS[p](name, v) for p, v in problems),
             hint=_("The statement runs every script as ./script.py: that needs the run permission "
                    "and a first line `#!/usr/bin/python3`. Your program was graded anyway, "
                    "run with python3."))


def check_launch(sandbox: Sandbox, script: str, arg_sets: Sequence[Sequence[str]]) -> None:
    """`./script ARGS` starts it with Python, as the statement does, and it
    does something: it prints something with one of `arg_sets`."""
    name = sandbox.script_name(script)
    check_launch_problems(name, sandbox.submission.launch_problems(name))
    runs = [sandbox.run(script, args) for args in arg_sets]
    if not any(r.output.strip() for r in runs):
        fail(_("{script} starts but prints nothing at all, with or without arguments: it does not "
               "seem to be written yet.").format(script=name),
             command="; ".join(" ".join(["./" + name, *a]) for a in arg_sets),
             actual=show_run(runs[0]), cause=cause_of_run(runs[0]))


# ---------------------------------------------------------------------------
# Usage error (no argument)


def usage_run(sandbox: Sandbox, script: str, context: Optional[str] = None) -> RunResult:
    r = sandbox.run(script, [])
    fail_if_stuck(r)
    fail_if_cause(r, context)
    return r


def check_usage_error(sandbox: Sandbox, script: str, context: Optional[str] = None) -> None:
    """No argument: a message on stderr, nothing on stdout, non-zero status,
    no traceback. `context`: the setting, when the check changed it."""
    r = usage_run(sandbox, script, context)
    # the lab's own wording, as the check's title shows it (`Usage : ...` in 2019's)
    expected = _("stdout: (nothing)\nstderr: {usage}\nexit status: not 0").format(
        usage=active_lab().exercise_of(script).usage.format(script=script))
    fail_if_traceback(r, _("Test the number of arguments (len(sys.argv)) before using sys.argv[1]."),
                      context=context)
    if r.stdout.strip():
        fail_run(r, _("Without argument, your program writes on the standard output (stdout); the "
                      "statement wants nothing there: an error message goes to the error output (stderr)."),
                 context=context, expected=expected,
                 hint=_("Write error messages with sys.stderr.write(...) or print(..., file=sys.stderr): "
                        "`{command} 2>/dev/null` must then show nothing.").format(command=r.command))
    if not r.stderr.strip():
        fail_run(r, _("Without argument, your program prints no message."),
                 context=context, expected=expected,
                 hint=_("Test len(sys.argv) and, when the nation is missing, print the usage line on "
                        "stderr and stop."))
    if r.status == 0:
        fail_run(r, _("Without argument, your program ends with exit status 0, which means success."),
                 context=context, expected=expected,
                 hint=_("After the message, stop with a non-zero status: sys.exit(1)."))


def check_usage_wording(sandbox: Sandbox, script: str, context: Optional[str] = None) -> None:
    r = usage_run(sandbox, script, context)
    usage = active_lab().exercise_of(script).usage
    if not re.search(usage_pattern(usage, script), folded_text(r.output)):
        fail_run(r, _("The usage message is not the statement's."), context=context,
                 expected=usage.format(script=script),
                 hint=_("The statement's message is `{usage}` (the name may be a path, case and "
                        "spacing are free).").format(usage=usage.format(script=script)))


# ---------------------------------------------------------------------------
# foot_2020.txt missing or unreadable


def file_error_run(sandbox: Sandbox, script: str, how: str, nation: str = "es",
                   note: Optional[str] = None) -> tuple[RunResult, str]:
    """Run with foot_2020.txt missing (how="missing") or unreadable. `note`:
    more of the setting, shown after it."""
    if how == "missing":
        sandbox.remove(FOOT_FILE)
        context = _("foot_2020.txt is not in the current folder")
    else:
        sandbox.chmod(FOOT_FILE, 0o000)
        context = _("foot_2020.txt exists but cannot be read (chmod 000)")
    if note:
        context += "\n" + note
    r = sandbox.run(script, [nation])
    fail_if_stuck(r)
    fail_if_cause(r, context)
    return r, context


def check_file_error(sandbox: Sandbox, script: str, how: str, *,
                     silent_hint: Optional[str] = None, note: Optional[str] = None) -> None:
    """A message on stderr naming the file, nothing on stdout, no traceback.
    `silent_hint`: what to say when nothing reaches stderr; `note`: more of
    the setting."""
    r, context = file_error_run(sandbox, script, how, note=note)
    expected = _("stdout: (nothing)\nstderr: foot_2020.txt : Pb ouverture")
    fail_if_traceback(r, _("Put the open() in a try: ... except OSError: (IOError) block: OSError "
                           "covers both a missing file and a file you may not read. Testing "
                           "os.path.isfile() first is not enough when the file exists but "
                           "cannot be read."), context=context)
    if FOOT_FILE not in r.stderr:
        if FOOT_FILE in r.stdout or "ouverture" in r.stdout.lower():
            summary = _("The error message went to stdout; it belongs on stderr.")
            hint = _("Write it with sys.stderr.write(...) or print(..., file=sys.stderr).")
        elif not r.stderr.strip():
            summary = _("Nothing was written on stderr: the file error is not reported.")
            hint = silent_hint or _("Write the message on stderr (sys.stderr.write or "
                                    "print(..., file=sys.stderr)), as in `foot_2020.txt : Pb ouverture`.")
        else:
            summary = _("The error message on stderr does not name foot_2020.txt.")
            hint = (stderr_hint(r, ["es"]) if "usage" in r.stderr.lower() else
                    _("Name the file in the message, as in `foot_2020.txt : Pb ouverture`."))
        fail_run(r, summary, context=context, expected=expected,
                 hint=hint)
    if r.stdout.strip():
        fail_run(r, _("The program writes on stdout although the file cannot be opened."),
                 context=context, expected=expected,
                 hint=_("When the file cannot be opened, the only output is the error message, on stderr."))


def check_file_error_wording(sandbox: Sandbox, script: str, note: Optional[str] = None) -> None:
    r, context = file_error_run(sandbox, script, "missing", note=note)
    if not file_error_wording_ok(r.output, script):
        wording = active_lab().exercise_of(script).file_error.format(file=FOOT_FILE)
        fail_run(r, _("The message for a missing file is not the statement's."),
                 context=context, expected=wording,
                 hint=_("The statement's message is `foot_2020.txt : Pb ouverture`: the file name "
                        "first, then `Pb` or `Problème`, with or without `à l'` or `de` before "
                        "`ouverture` (`foot_2020.txt : Problème à l'ouverture.` is right too); case, "
                        "accents, spacing and punctuation are free."))
