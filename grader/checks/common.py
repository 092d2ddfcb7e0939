"""Check bodies shared by several exercises: launching, usage errors, file
errors, player lists. Each either returns or raises CheckFailed with
feedback a student can act on."""
from __future__ import annotations

import difflib
import re
import shlex
import signal
import time
import unicodedata
from datetime import datetime
from dataclasses import dataclass, replace
from typing import Callable, Optional, Sequence

from hypothesis import example, given, seed

from grader import draws
from grader.feedback import Cause, fail, left_out
from grader.foot import (FOOT_FILE, Player, around_the_list, diagnose, first_mismatch, line_matches, named_player,
                         output_lines, parse_foot, spelled_out)
from grader.harness import (DEFAULT_OUTPUT_CAP, LiveProcess, MissingScript, RunResult, Sandbox,
                            UnreadableScript, waits_for_keyboard)
from grader.i18n import N_, _
from grader.isolation import WRITABLE_SPACE, namespaces_unavailable
from grader.lab import active_lab
from grader.paths import FAKES_DIR
from grader.strategies import EXPLICIT_CASES, PROPERTY_SETTINGS, FootCase, foot_cases
from grader.submission import lab_scripts

TRACEBACK = "Traceback (most recent call last)"


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


def fail_if_stuck(r: RunResult) -> None:
    if r.timed_out:
        cause = stuck_cause(r)
        fail(_("The program did not finish within {seconds:.0f} seconds.").format(seconds=r.duration),
             command=r.command, actual=show_run(r), cause=cause,
             hint=cause.hint if cause else _(
                 "Look for a loop that never ends, a pause (time.sleep) or a read from the keyboard "
                 "(input()) that the statement does not ask for."))
    if r.truncated:
        fail(_("The program printed without end and was stopped."), command=r.command,
             actual=show_run(r), hint=_("Look for a loop that never ends around a print()."))


def fail_if_traceback(r: RunResult, hint: str, context: Optional[str] = None) -> None:
    """Fail when the run shows Python stopping on an error (a traceback, or a
    syntax error before anything ran). `hint`: what to say of an error the
    grader cannot explain better (see crash_hint)."""
    crash = crash_facts(r.output)
    if crash is None:
        return
    if crash.compile:
        fail(_("Python cannot read {file}: {error} at line {line} ({message}).").format(
                file=crash.file, error=crash.kind, line=crash.line, message=crash.message),
             command=r.command, context=context, actual=show_run(r),
             hint=_("Python stops before running anything. Look at the line shown (and the one "
                    "before it); `python3 -m py_compile FILE` shows the error. Python 2 code "
                    "(print without parentheses) is a common cause."))
    fail(_("The program crashed with a Python traceback") + python_error(r.output) + ".",
         command=r.command, context=context, actual=show_run(r),
         hint=crash_hint(crash, hint), cause=crash_cause(r.script, r.output))


# ---------------------------------------------------------------------------
# Causes: one reason behind a failure, named in the student's terms, that the
# report tells once however many checks it cost (see feedback.Cause)


_USAGE_LINE = re.compile(r"^[^\n]*\busage\b[^\n]*$", re.I | re.M)
_INPUT_EOF = re.compile(r"^EOFError\b.*reading a line", re.M)


def write_fake(sandbox: Sandbox, script: str, fake: str, **constants) -> None:
    """The one way a check puts the grader's program `fake` (grader/fakes/) in the sandbox as
    `script`, each of `constants` written in place of the fake's line
    `NAME = ...` (the fakes follow the lab that way)."""
    text = (FAKES_DIR / fake).read_text(encoding="utf-8")
    for name, value in constants.items():
        text, found = re.subn(rf"(?m)^{name} = .*$", lambda _m: f"{name} = {value!r}", text, count=1)
        if not found:
            raise ValueError(f"{fake} has no line {name} = ...")
    sandbox.write(script, text, mode=0o755)


def write_reference_producer(sandbox: Sandbox) -> None:
    """The grader's producer of I.4 (fakes/), reading the lab's data file."""
    lab = active_lab()
    ex = lab.exercises["joueurs_nation"]
    write_fake(sandbox, ex.script("producer"), "joueurs_nation_subproc.py", FICHIER=lab.data.name,
               SEPARATEUR=lab.data.separator, CHAMPS=len(lab.data.fields), NATION=lab.data.index("key"),
               USAGE=ex.usage, ERREUR=ex.file_error)


def example_nation(exercise: str) -> str:
    """The nation of the statement's example run of `exercise`."""
    return active_lab().exercises[exercise].example


def second_nation(exercise: str) -> str:
    """Another nation of the statement's examples, for the runs that are not
    the example's (extra arguments): I.4's, which differs from I.2's."""
    lab = active_lab().exercises
    return (lab.get("joueurs_nation") or lab[exercise]).example


_I4 = active_lab().exercises.get("joueurs_nation")  # a lab may leave it out
PRODUCER = _I4.script("producer") if _I4 else None
CONSUMER = _I4.script("consumer") if _I4 else None


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
    usage = _USAGE_LINE.search(output)
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
        fail(cause.summary, command=r.command, context=context, expected=expected,
             actual=show_run(r), hint=cause.hint, cause=cause)


# ---------------------------------------------------------------------------
# Crashes: located at the hand-in's own line, explained when the grader knows
# the error


_COMPILE_ERROR = re.compile(r'File "([^"]+)", line (\d+)\n(?:.*\n)*?(SyntaxError|IndentationError|TabError): (.*)')
_FRAME = re.compile(r'\s+File "([^"]+)", line (\d+)')
_CARETS = re.compile(r"\s*[\^~]+\s*")
_CHAINED = ("During handling of the above exception", "The above exception was the direct cause")


@dataclass(frozen=True)
class Crash:
    """Where and how Python stopped a program. `file` and `line`: the last
    line of the hand-in's own files in the traceback (the line of the
    student's code that led to the error), never a file of Python's own
    (`<frozen os>`, `/usr/lib/python3.11/subprocess.py`) unless no frame is
    the hand-in's; `inside`: that file of Python's where the error was
    raised, when it was not on the student's line itself."""
    error: str  # the traceback's last line: "ValueError: execv() arg 2 first element cannot be empty"
    file: str
    line: str
    code: str = ""  # the line's source, as the traceback shows it
    inside: str = ""
    compile: bool = False  # a syntax error: Python stopped before running anything
    more: bool = False  # other tracebacks, of other errors, came after it

    @property
    def kind(self) -> str:
        """The error's class: `ValueError`."""
        return self.error.split(":", 1)[0].strip().rsplit(".", 1)[-1] or "?"

    @property
    def message(self) -> str:
        return self.error.split(":", 1)[1].strip() if ":" in self.error else ""


def _own(file: str) -> bool:
    """A file of the hand-in: the traceback names it relative to the
    submission's folder (Sandbox.relative); Python's files are absolute
    (`/usr/lib/...`, the grader's injected code) or not files (`<frozen os>`)."""
    return not file.startswith(("/", "<", ".local/"))


def _without_dot(file: str) -> str:
    return file[2:] if file.startswith("./") else file


# The last line of a traceback: the exception's class (`ValueError`,
# `json.decoder.JSONDecodeError`, `KeyboardInterrupt`) and its message. Other
# lines at the left margin are another process's output, printed to the same
# terminal while the traceback was written (a forked child's, its parent's).
_ERROR_LINE = re.compile(r"(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:(?:Error|Exception|Interrupt|Exit|Warning|"
                         r"Iteration|Group)\b.*|: .*)")


def _traceback_segments(text: str) -> list[tuple[list[list[str]], str, bool]]:
    """Each traceback of `text`: its frames ([file, line, code]), its error
    line ("?" when it is not there, yet), and whether the next traceback is
    chained to it (raised while handling it)."""
    starts = [m.start() for m in re.finditer(re.escape(TRACEBACK), text)]
    segments = []
    for i, start in enumerate(starts):
        body = text[start:starts[i + 1] if i + 1 < len(starts) else len(text)].split("\n")[1:]
        frames: list[list[str]] = []
        error, rest = "?", []
        for j, ln in enumerate(body):
            m = _FRAME.match(ln)
            if m:
                frames.append([m.group(1), m.group(2), ""])
            elif ln[:1] in (" ", "\t"):  # the frame's source line, its carets, "[Previous line repeated]"
                if frames and not frames[-1][2] and ln.strip() and not _CARETS.fullmatch(ln) \
                        and not ln.strip().startswith("[Previous"):
                    frames[-1][2] = ln.strip()
            elif frames and _ERROR_LINE.fullmatch(ln.strip()):
                error, rest = ln.strip(), body[j + 1:]
                break
        chained = any(ln.startswith(_CHAINED) for ln in rest)
        segments.append((frames, error, chained))
    return segments


def crash_facts(text: str) -> Optional[Crash]:
    """The crash `text` shows: a syntax error that stopped Python before
    anything ran, or the first traceback (the first error is the cause; a
    child dying on the broken pipe its crashed parent left comes after it).
    Of tracebacks chained by "During handling of the above exception", the
    last one, which stopped the program. None when there is no crash."""
    m = _COMPILE_ERROR.search(text)
    if m and TRACEBACK not in text[:m.start()]:
        after = text[m.end(2):].split("\n")
        code = after[1].strip() if len(after) > 1 and after[1][:1] in (" ", "\t") else ""
        return Crash(f"{m.group(3)}: {m.group(4)}", _without_dot(m.group(1)), m.group(2), code,
                     compile=True)
    segments = _traceback_segments(text)
    first = 0
    while first < len(segments) - 1 and segments[first][2]:
        first += 1
    while segments and not segments[first][0] and first + 1 < len(segments):  # no frame: cut off
        first += 1
    if not segments or not segments[first][0]:
        return None
    frames, error, _chained = segments[first]
    own = [f for f in frames if _own(f[0])]
    file, line, code = own[-1] if own else frames[-1]
    inside = frames[-1][0] if own and frames[-1] is not own[-1] else ""
    more = any(e.split(":")[0] != error.split(":")[0] for _f, e, _c in segments[first + 1:])
    return Crash(error, _without_dot(file), line, code[:100], _without_dot(inside), more=more)


def traceback_facts(text: str) -> Optional[tuple[str, str, str]]:
    """(error, file, line) of crash_facts(text), or None."""
    c = crash_facts(text)
    return (c.error, c.file, c.line) if c else None


_EXEC_CALL = re.compile(r"""\b(?:os\.)?(exec[lv]\w*)\(\s*(['"])([^'"]+)\2""")
_QUOTED = re.compile(r"""['"]([^'"]+)['"]\s*$""")


def crash_explanation(c: Crash) -> Optional[tuple[str, str]]:
    """(why, fix) for the crashes the grader knows the cause of, in the
    student's terms; None for the others."""
    if "execv() arg 2 first element cannot be empty" in c.error or "execv() arg 2 must not be empty" in c.error:
        call = _EXEC_CALL.search(c.code)
        lab = active_lab().exercises
        name = lab["chrono"].script() if "chrono" in lab else "chrono.py"
        path, function = "./" + name, "execl"
        if call:
            function, path = call.group(1), call.group(3)
            name = path.rsplit("/", 1)[-1]
            path = path if "/" in path else "./" + path
        fix = (f"os.{function}('{path}', '{name}')" if function.startswith("execl")
               else f"os.{function}('{path}', ['{name}'])")
        return (_("The arguments after the path are the new program's argv: the first one, "
                  "argv[0], is the program's name (its sys.argv[0]) and may not be empty. The "
                  "statement's own code passes \"\" there, and Python 3 refuses it: the exec "
                  "never happens."),
                _("Give the program its name as the first argument after the path: {fix}.").format(
                    fix=fix))
    if "[Errno 28]" in c.error or "No space left on device" in c.error:
        if namespaces_unavailable() is None:
            why = _("The program filled all the space a grading gives it: {mib} MiB for its folder "
                    "and /tmp together, where a correct program of this lab writes a few kilobytes. "
                    "Past that, every write fails with this error.").format(
                        mib=WRITABLE_SPACE // (1024 * 1024))
        else:
            why = _("The disk where the program writes is full.")
        return why, _("Look for a loop that writes without end, or that writes far more than the "
                      "statement asks (a file opened again at each turn, a line written in a loop "
                      "that never stops).")
    quoted = _QUOTED.search(c.message)
    starts_program = (c.inside.endswith("subprocess.py") or re.search(
        r"\b(?:Popen|run|call|check_call|check_output|exec\w*p\w*|spawn\w*p\w*)\s*\(", c.code))
    if c.kind == "FileNotFoundError" and quoted and starts_program and "/" not in quoted.group(1):
        program = quoted.group(1)
        if " " in program.strip():
            return (_("The whole command `{command}` was taken as the name of one program: "
                      "without shell=True, subprocess wants a list, the program first, then "
                      "its arguments.").format(command=program),
                    _("Give a list: subprocess.Popen(['./{program}', {args}], ...).").format(
                        program=program.split()[0],
                        args=", ".join(repr(a) for a in program.split()[1:])))
        return (_("`{program}` names no folder, so Python looked for it in the folders of PATH, "
                  "as the shell does for a command, and the current folder is not one of "
                  "them.").format(program=program),
                _("Name the program with its folder, as the statement does: './{program}', "
                  "for example subprocess.Popen(['./{program}', ...]).").format(program=program))
    return None


def crash_summary(c: Crash, process: Optional[str] = None) -> str:
    """"F crashed with ERROR, at line N: `code`." and why, when known.
    `process`: who crashed, when it is not the file's own program (a
    forked child)."""
    where = {"error": c.error, "file": c.file, "line": c.line, "code": c.code, "process": process}
    if process:
        text = (_("{process} crashed with {error}, at line {line} of {file}: `{code}`.") if c.code else
                _("{process} crashed with {error}, at line {line} of {file}.")).format(**where)
    else:
        text = (_("{file} crashed with {error}, at line {line}: `{code}`.") if c.code else
                _("{file} crashed with {error}, at line {line}.")).format(**where)
    explained = crash_explanation(c)
    return text + (" " + explained[0] if explained else "")


def crash_hint(c: Crash, default: Optional[str] = None) -> str:
    """What to do about a crash: the fix of one the grader knows; which
    traceback to read when there are several; else `default` (the check's
    own advice), or how to read a traceback whose last lines are inside
    Python's code, or how to read one."""
    explained = crash_explanation(c)
    if explained:
        return explained[1]
    if c.more:
        return _("Several tracebacks were printed: the first one, at line {line} of {file}, is "
                 "the cause; the others may be its consequences (a child that writes to the "
                 "pipe of a parent that crashed gets BrokenPipeError). Read the first one from its "
                 "last line up.").format(line=c.line, file=c.file)
    if default:
        return default
    if c.inside:
        return _("The traceback ends inside Python's own code ({inside}), which raised the error: "
                 "the last line of it that names your file, line {line} of {file}, is the call that "
                 "went wrong. Read the error's message (the last line) with that call in "
                 "mind.").format(inside=c.inside, line=c.line, file=c.file)
    return _("Read the traceback from its last line up: it names the error and the line of your "
             "program.")


def crash_cause(script: str, text: str, process: Optional[str] = None) -> Optional[Cause]:
    """The crash `text` shows, as a cause: the same crash (error, file and
    line) in several runs is one cause. `process`: see crash_summary."""
    c = crash_facts(text)
    if c is None:
        return None
    return Cause(f"crash:{c.file}:{c.line}:{c.kind}", crash_summary(c, process), crash_hint(c))


def python_error(text: str) -> str:
    """" (ERROR in FILE, line N)" when `text` shows Python stopping on an
    error (a traceback, or a syntax error before anything ran), else ""."""
    c = crash_facts(text)
    if c is None:
        return ""
    return " " + _("({error} in {file}, line {line})").format(error=c.error, file=c.file, line=c.line)


def traceback_location(text: str) -> str:
    """" (error, in FILE, line N)" for the first traceback of `text`, or ""."""
    return python_error(text) if TRACEBACK in text else ""


def _words(text: str) -> str:
    """Lower case, punctuation and spacing folded, for wording checks."""
    return " ".join(re.sub(r"[^a-z0-9_]+", " ", text.lower()).split())


class Timeline:
    """What the grader did and saw while programs ran, each step with its time
    on the programs' clock (which runs `scale` times faster than real time)
    and, when that differs, the real time: the setting a failed check shows
    the student. `at`: a step seen earlier (time.monotonic()), put in its place."""

    def __init__(self, scale: float):
        self.scale = scale
        self.t0 = time.monotonic()
        self.entries: list[tuple[float, int, str]] = []  # (real seconds, order noted, text)

    def now(self) -> float:
        """Seconds since the start, on the programs' clock."""
        return (time.monotonic() - self.t0) * self.scale

    def note(self, text: str, at: Optional[float] = None) -> None:
        real = (time.monotonic() if at is None else at) - self.t0
        self.entries.append((real, len(self.entries), text))

    def sleep(self, virtual_seconds: float) -> None:
        time.sleep(virtual_seconds / self.scale)

    def stamp(self, real: float) -> str:
        """`t=3.0 s` on the programs' clock, with the real time when it differs."""
        if self.scale == 1:
            return f"t={real:5.1f} s"
        return "t={t:6.1f} s ".format(t=real * self.scale) + _("(real {real:.2f} s)").format(real=real)

    def text(self) -> str:
        if self.scale == 1:
            head = _("What the grader did (t: seconds since the start):")
        else:
            head = _("What the grader did (t: time on your programs' clock, which the grader "
                     "runs {scale:g} times faster; real: the time that really passed):").format(
                         scale=self.scale)
        return head + "\n" + "\n".join(f"{self.stamp(real)}  {text}"
                                          for real, _n, text in sorted(self.entries))


# ---------------------------------------------------------------------------
# Launching as ./script.py


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
        fail(_("Without argument, your program writes on the standard output (stdout); the "
               "statement wants nothing there: an error message goes to the error output (stderr)."),
             command=r.command, context=context, expected=expected, actual=show_run(r),
             hint=_("Write error messages with sys.stderr.write(...) or print(..., file=sys.stderr): "
                    "`{command} 2>/dev/null` must then show nothing.").format(command=r.command))
    if not r.stderr.strip():
        fail(_("Without argument, your program prints no message."), command=r.command,
             context=context, expected=expected, actual=show_run(r),
             hint=_("Test len(sys.argv) and, when the nation is missing, print the usage line on "
                    "stderr and stop."))
    if r.status == 0:
        fail(_("Without argument, your program ends with exit status 0, which means success."),
             command=r.command, context=context, expected=expected, actual=show_run(r),
             hint=_("After the message, stop with a non-zero status: sys.exit(1)."))


def check_usage_wording(sandbox: Sandbox, script: str, context: Optional[str] = None) -> None:
    r = usage_run(sandbox, script, context)
    usage = active_lab().exercise_of(script).usage
    if not re.search(usage_pattern(usage, script), _words(r.output)):
        fail(_("The usage message is not the statement's."), command=r.command, context=context,
             expected=usage.format(script=script), actual=show_run(r),
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
        fail(summary, command=r.command, context=context, expected=expected, actual=show_run(r),
             hint=hint)
    if r.stdout.strip():
        fail(_("The program writes on stdout although the file cannot be opened."), command=r.command,
             context=context, expected=expected, actual=show_run(r),
             hint=_("When the file cannot be opened, the only output is the error message, on stderr."))


def _folded_words(text: str) -> str:
    """_words, accents removed first: `Problème à l'ouverture.` reads
    `probleme a l ouverture`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return _words("".join(c for c in decomposed if not unicodedata.combining(c)))


def usage_pattern(usage: str, script: str) -> str:
    """The lab's usage line (`Usage: {script} nation`) as a pattern over
    _words of an output: the script's name may be a path (anything between
    the words before it and its name) and may lack `.py`."""
    before, after = (_words(part) for part in usage.split("{script}", 1))
    pattern = (rf"\b{re.escape(before)}\b.*" if before else "") + rf"\b{re.escape(script[:-3])}\b(?: py)?"
    return pattern + (f" {re.escape(after)}\\b" if after else "")


# Between two words of a file error, French may put `à l'`, `de` or `d'`
# (`Problème à l'ouverture`), and `Pb` is short for `Problème`.
_WORDING_FILLER = "(?:(?:a|de|d) )?(?:l )?"
_WORDING_SYNONYMS = {"pb": "(?:pb|probleme)"}


def file_error_pattern(wording: str, file_name: str) -> str:
    """The lab's file error (`{file} : Pb ouverture`) as a pattern over
    _folded_words of an output: the file name, then the message's words,
    with the fillers and synonyms above; case, accents, spacing and
    punctuation free."""
    before, after = (_folded_words(part).split() for part in wording.split("{file}", 1))
    words = [_WORDING_SYNONYMS.get(w, re.escape(w)) for w in after]
    pattern = rf"\b{re.escape(_words(file_name))}\b"
    if before:
        pattern = rf"\b{' '.join(map(re.escape, before))}\b.*" + pattern
    return pattern + (rf".*\b{words[0]} " + " ".join(
        _WORDING_FILLER + w for w in words[1:]) + r"\b" if words else "")


def file_error_wording_ok(text: str, script: Optional[str] = None) -> bool:
    """`text` holds the file error of `script`'s exercise (default I.2's)."""
    lab = active_lab()
    exercise = lab.exercise_of(script) if script else lab.exercises["joueurs_par_nation"]
    pattern = file_error_pattern(exercise.file_error, lab.data.name)
    return re.search(pattern, _folded_words(text)) is not None


def check_file_error_wording(sandbox: Sandbox, script: str, note: Optional[str] = None) -> None:
    r, context = file_error_run(sandbox, script, "missing", note=note)
    if not file_error_wording_ok(r.output, script):
        wording = active_lab().exercise_of(script).file_error.format(file=FOOT_FILE)
        fail(_("The message for a missing file is not the statement's."), command=r.command,
             context=context, expected=wording, actual=show_run(r),
             hint=_("The statement's message is `foot_2020.txt : Pb ouverture`: the file name "
                    "first, then `Pb` or `Problème`, with or without `à l'` or `de` before "
                    "`ouverture` (`foot_2020.txt : Problème à l'ouverture.` is right too); case, "
                    "accents, spacing and punctuation are free."))


# ---------------------------------------------------------------------------
# Player lists


def diff_lines(lines: Sequence[str], expected: Sequence[Player], year: int) -> str:
    """The output to diff with the expected lines: every line that is accepted
    as a player of `expected` (in either layout of the statement) shown in the
    expected layout, so that the diff marks only what costs points; blank
    lines and trailing blanks are left out (they are free)."""
    shown = []
    for ln in lines:
        match = next((p for p in expected if line_matches(ln, p, year)), None)
        shown.append(match.expected_line(year) if match else ln)
    return "\n".join(shown)


def diff_note(lines: Sequence[str], expected: Sequence[Player], year: int) -> str:
    """What the student should know to read the diff of diff_lines: the right
    lines printed in another layout are shown in the expected one."""
    shown = diff_lines(lines, expected, year)
    # (the report shows no diff of lines in the aligned layout, with `|`)
    if expected and shown != "\n".join(lines) and "|" not in shown:
        return " " + _("(In the difference, your right lines are shown in the layout of the "
                       "expected ones: your layout is accepted.)")
    return ""


def check_players(sandbox: Sandbox, script: str, args: Sequence[str], file_text: str,
                  nation: str, context: Optional[str] = None) -> RunResult:
    """The program prints one line per player of `nation` (name, club, age),
    in file order, in either layout of the statement."""
    r = sandbox.run(script, list(args))
    fail_if_stuck(r)
    fail_if_cause(r, context)
    everyone = parse_foot(file_text)
    expected = [p for p in everyone if p.nation == nation]
    year = sandbox.today.year
    fail_if_traceback(r, _("Read the traceback from its last line up: it names the error and the "
                           "line of your program."), context=context)
    lines = output_lines(r.stdout)
    bad = first_mismatch(lines, expected, year)
    if bad is not None:
        exp_lines = [p.expected_line(year) for p in expected]
        shown = dict(command=r.command, context=context,
                     expected="\n".join(exp_lines) if exp_lines else _("(nothing)"),
                     actual=show_run(r), brief_context=brief_setting(context, file_text, expected, r))
        cause = list_cause(sandbox, r, file_text, nation)
        if cause:
            fail(cause.summary, hint=cause.hint, cause=cause, brief_actual=brief_run(r), **shown)
        extra = around_the_list(lines, expected, everyone, year)
        if extra:
            cause = around_cause(r.script, sandbox.script_name(r.script), extra)
            fail(cause.summary, hint=cause.hint, cause=cause, diff_actual=diff_lines(lines, expected, year),
                 brief_actual=brief_run(r, _raw_index(r.stdout, bad) - 3), **shown)
        got = lines[bad] if bad < len(lines) else _("(no line)")
        want = exp_lines[bad] if bad < len(exp_lines) else _("(end of the list)")
        fail(_("Line {n} of the output is wrong: expected `{want}`, got `{got}`.").format(
                n=bad + 1, want=want, got=got),
             diff_actual=readable_diff(shown["expected"], diff_lines(lines, expected, year))
             if exp_lines else None,
             brief_actual=brief_run(r, _raw_index(r.stdout, bad) - 3),
             hint=diagnose(lines, expected, everyone, nation, year, file_text) + diff_note(
                 lines, expected, year), **shown)
    if not expected and r.status != 0:
        fail(_("For a nation with no player, the program must print nothing and end with status 0."),
             command=r.command, context=context, expected=_("stdout: (nothing)\nexit status: 0"),
             actual=show_run(r),
             hint=_("No player is not an error: print nothing, and do not call sys.exit with a "
                    "non-zero status."))
    return r


def stderr_hint(r: RunResult, args: Sequence[str]) -> str:
    """Why a program printed an error instead of players, from its message."""
    usage = _USAGE_LINE.search(r.output)
    if r.script == CONSUMER and usage and PRODUCER in usage_names(usage.group(0)):
        return _("The usage line is the producer's: your consumer started joueurs_nation_subproc.py "
                 "without the nation. Pass it sys.argv[1].")
    if "usage" in r.stderr.lower():
        if len(args) > 1:
            return _("The program was given the nation and extra arguments, which must be ignored: "
                     "test len(sys.argv) < 2 (a missing nation), not len(sys.argv) != 2.")
        return _("A usage message although the nation was given: if it comes from "
                 "joueurs_nation_subproc.py, your consumer started it without the nation.")
    if len(args) > 1 and r.status:
        return _("The program was given the nation and extra arguments ({args}) and stopped with "
                 "this message: extra arguments must be ignored, only a missing nation is an error "
                 "(test len(sys.argv) < 2, not len(sys.argv) != 2).").format(args=" ".join(args[1:]))
    return _("Read the message on stderr: it says what went wrong.")


def around_cause(script: str, name: str, extra: Sequence[str]) -> Cause:
    """The players printed right, with text before or after them: one cause
    for every player check of `script` it costs."""
    return Cause(f"around_list:{script}",
                 _("{script} prints {lines} besides the players.").format(
                     script=name, lines=", ".join(f"`{ln.strip()}`" for ln in extra[:3])),
                 _("The statement prints the players only, one per line, with nothing before or "
                   "after them (no title, no closing message)."))


def check_lines_unchanged(sandbox: Sandbox, script: str, args: Sequence[str], file_text: str,
                          nation: str, context: Optional[str] = None) -> None:
    """The producer prints the file's lines of `nation` unchanged, in order
    (blank lines and trailing blanks are free)."""
    r = sandbox.run(script, list(args))
    fail_if_stuck(r)
    fail_if_cause(r, context)
    fail_if_traceback(r, _("Read the traceback from its last line up: it names the error and the "
                           "line of your program."), context=context)
    players = [p for p in parse_foot(file_text) if p.nation == nation]
    expected = [p.line for p in players]
    lines = output_lines(r.stdout)
    if lines != expected:
        shown = dict(command=r.command, context=context,
                     expected="\n".join(expected) if expected else _("(nothing)"), actual=show_run(r),
                     brief_context=brief_setting(context, file_text, players, r))
        cause = list_cause(sandbox, r, file_text, nation)
        if cause:
            fail(cause.summary, hint=cause.hint, cause=cause, brief_actual=brief_run(r), **shown)
        bad = next((i for i, (ln, e) in enumerate(zip(lines, expected)) if ln != e),
                   min(len(lines), len(expected)))
        extra = around_the_list(lines, players, parse_foot(file_text), sandbox.today.year, unchanged=True)
        if extra:
            cause = around_cause(r.script, sandbox.script_name(r.script), extra)
            fail(cause.summary, hint=cause.hint, cause=cause, diff_actual="\n".join(lines),
                 brief_actual=brief_run(r, _raw_index(r.stdout, bad) - 3), **shown)
        if len(lines) == len(expected) and all(
                ln.startswith(e.split(":")[0]) for ln, e in zip(lines, expected)):
            hint = _("The right players, but their lines were changed: print each line exactly as "
                     "it is in the file (nom:club:poste:annee:nation), only without its '\\n'.")
        elif any(ln.rsplit(":", 1)[-1].strip() != nation for ln in lines):
            hint = _("Some printed lines are not of nation '{nation}': the nation is the 5th field "
                     "and must equal the argument.").format(nation=nation)
        elif lines == expected[:-1] and not file_text.endswith("\n"):
            hint = _("The file's last line, which has no '\\n' at its end, is missing: code that "
                     "expects one there misses it (line[:-1] cuts a letter of the nation, "
                     "endswith(nation + '\\n') does not match). Remove the end of line only when it "
                     "is there (rstrip('\\n'), strip()).")
        else:
            hint = _("Print each line of the nation exactly as it is in the file (nom:club:poste:"
                     "annee:nation), in file order.")
        fail(_("The lines printed are not the file's lines of nation '{nation}'.").format(nation=nation),
             diff_actual=readable_diff(shown["expected"], "\n".join(lines)),
             brief_actual=brief_run(r, _raw_index(r.stdout, bad) - 3), hint=hint, **shown)


def check_blank_lines(sandbox: Sandbox, script: str, args: Sequence[str], file_text: str,
                      context: Optional[str] = None) -> None:
    """No blank line between two player lines (a `print()` of a line that
    still ends with '\\n'): a layout slip, which the player checks let pass.
    Only the empty lines that stand between two player lines count: text
    printed before or after the list is the player checks' business. With
    no player line printed there is nothing to judge: the check fails with
    the cause the player checks name (CONTRACT.md)."""
    r = sandbox.run(script, list(args))
    fail_if_stuck(r)
    everyone = parse_foot(file_text)
    expected = [p for p in everyone if p.nation == args[0]]
    year = sandbox.today.year
    raw = [ln.rstrip() for ln in r.stdout.split("\n")]
    named = [i for i, ln in enumerate(raw) if named_player(ln, everyone) is not None]
    if not named:
        fail_if_cause(r, context)
        fail_if_traceback(r, _("Read the traceback from its last line up: it names the error and "
                               "the line of your program."), context=context)
        cause = list_cause(sandbox, r, file_text, args[0])
        fail(cause.summary if cause else _("No player line was printed: there is no layout to judge."),
             command=r.command, context=context, actual=show_run(r), brief_actual=brief_run(r),
             hint=cause.hint if cause else None, cause=cause)
    between = raw[named[0]:named[-1] + 1]
    blanks = between.count("")
    if blanks:
        unchanged = script == PRODUCER
        want = [p.line if unchanged else p.expected_line(year) for p in expected]
        printed = [named_player(raw[i], everyone) for i in named]
        # a diff when the players are the expected ones, their lines in the
        # expected layout: it then marks the blank lines only
        diff = None
        if [p.name for p in printed] == [p.name for p in expected]:
            diff = "\n".join(ln if unchanged or not ln else diff_lines([ln], expected, year)
                             for ln in between)
        first_blank = named[0] + between.index("")
        fail(_("{n} blank line(s) between the lines printed: the statement prints them one after "
               "the other.").format(n=blanks),
             command=r.command, context=context, expected="\n".join(want) if want else None,
             actual=show_run(r), diff_actual=diff, brief_actual=brief_run(r, first_blank - 4),
             hint=_("A line read from a file (or from a pipe) still ends with '\\n', and print() "
                    "adds one more: remove it before printing (line.rstrip('\\n'), strip()), or "
                    "print(line, end=''). A '\\n' at the end of the text given to print() does "
                    "the same."))


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


def _raw_index(stdout: str, n: int) -> int:
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


def brief_setting(context: Optional[str], file_text: str, expected: Sequence[Player],
                  r: RunResult) -> Optional[str]:
    """The setting with a long generated file cut to the lines that matter:
    the players expected and those the program printed. None when the
    setting shows no such file."""
    listing = file_text.rstrip("\n")
    lines = listing.split("\n")
    if not context or len(lines) <= BRIEF_FILE_LINES or listing not in context:
        return None
    everyone = parse_foot(file_text)
    printed = {p.line for p in (named_player(ln, everyone) for ln in output_lines(r.stdout)) if p}
    kept = [ln for ln in lines if ln in printed or ln in {p.line for p in expected}]
    marker = _("[... {n} other lines of the file, of other players: --details shows them]").format(
        n=len(lines) - len(kept))
    return context.replace(listing, "\n".join(kept + [marker]), 1)


def list_cause(sandbox: Sandbox, r: RunResult, file_text: str, nation: str) -> Optional[Cause]:
    """Why a program's list of the players of `nation` is wrong in a way that
    every player check of the script meets, told once: it spells lines out
    one character per line, prints every player of the file, or prints no
    player line (the blank-line check then fails with the same cause). None
    otherwise."""
    everyone = parse_foot(file_text)
    expected = [p for p in everyone if p.nation == nation]
    script = sandbox.script_name(r.script)
    raw = r.stdout.split("\n")
    spelled = spelled_out(raw, everyone)
    if spelled:
        first, last, text = spelled
        return Cause(f"characters:{r.script}",
                     _("{script} prints each character on a line of its own. Lines {first} to "
                       "{last} of its output spell `{text}`.").format(
                         script=script, first=first + 1, last=last + 1,
                         text=text if len(text) <= 70 else text[:67] + "..."),
                     _("That is print(c) in a loop over the characters of a line instead of "
                       "print(line), or a list extended with a string (lst += line adds the "
                       "line's characters one by one: use lst.append(line)), then printed item "
                       "by item."))
    named = [p for p in (named_player(ln, everyone) for ln in raw) if p]
    if named == everyone and any(p.nation != nation for p in everyone):
        return Cause(f"every_line:{r.script}",
                     _("{script} prints every player of {file}, whatever their nation.").format(
                         script=script, file=FOOT_FILE),
                     _every_line_of_consumer(sandbox, nation, everyone) if r.script == CONSUMER else
                     _("Print a line only when its nation (field {n}) equals the argument: the "
                       "print() goes inside the if, indented under it.").format(
                         n=active_lab().data.index("key") + 1))
    if not expected or named:
        return None
    lines = output_lines(r.stdout)
    if lines:
        example = expected[0].line if r.script == PRODUCER else expected[0].expected_line(sandbox.today.year)
        return Cause(f"no_player_line:{r.script}",
                     _("{script} printed {n} line(s), none of which starts with the name of a player "
                       "of {file}; the first is `{first}`.").format(
                         script=script, n=len(lines), file=FOOT_FILE, first=lines[0].strip()),
                     _("Print one line per player of the nation, starting with the player's name, "
                       "as in `{example}`.").format(example=example))
    if r.stderr.strip():
        message = r.stderr.strip().split("\n")[-1]
        return Cause(f"stderr:{r.script}:{message}",
                     _("Nothing was printed on stdout, and this on stderr: {message}").format(
                         message=message),
                     stderr_hint(r, r.args))
    if r.script == CONSUMER:
        return _consumer_silence(sandbox, nation, expected)
    return _probe_selection(sandbox, r.script, nation, expected, everyone)


def _probe_selection(sandbox: Sandbox, script: str, nation: str, expected: Sequence[Player],
                     everyone: Sequence[Player]) -> Cause:
    """Why a script that reads the file printed nothing for a nation that
    has players: it is run again with, in place of the nation, the nation
    followed by '\\n' (a comparison with the last field that keeps the
    end of line), then the value of each other field of a player's line (a
    comparison with the wrong field): what makes it print names the cause."""
    data = active_lab().data
    key = data.index("key")
    sample = expected[0]
    values = sample.line.split(data.separator)
    name = sandbox.script_name(script)
    fields = _("field {n} ({field})")

    def named_by(arg: str) -> list[Player]:
        """The players it prints when given `arg`."""
        out = sandbox.run(script, [arg], timeout=PROBE_TIMEOUT)
        return [p for p in (named_player(ln, everyone) for ln in output_lines(out.stdout)) if p]

    tried = []
    if key == len(values) - 1:
        tried.append(_("`{nation}` followed by a newline character").format(nation=nation))
        got = named_by(nation + "\n")
        if got and all(p.nation == nation for p in got):
            return Cause(f"end_of_line:{script}",
                         _("{script} compares the argument with the nation field while it still ends "
                           "with '\\n'. Given `{nation}` it printed nothing; given `{nation}` followed "
                           "by a newline character, it printed the players of {nation}.").format(script=name, nation=nation),
                         _("A line read from a file ends with '\\n', so its last field is 'fr\\n', "
                           "not 'fr': remove the end of line before splitting the line "
                           "(line.rstrip('\\n'), or strip())."))
    for i, value in enumerate(values):
        if i == key or not value.strip():
            continue
        tried.append(f"`{value}`")
        got = named_by(value)
        if got and all(any(q.line.split(data.separator)[i] == value for q in everyone if q.name == p.name)
                       for p in got):
            return Cause(f"compares_field:{script}:{i + 1}",
                         _("{script} compares the argument with {wrong} instead of {right}.").format(
                             script=name, wrong=fields.format(n=i + 1, field=data.fields[i]),
                             right=fields.format(n=key + 1, field=data.fields[key]))
                         + " " + _("Given the nation `{nation}` it printed nothing, but given "
                                   "`{value}` ({command}), the {field} of {player}, it printed the "
                                   "players whose {field} is {value}.").format(
                             nation=nation, value=value, field=data.fields[i], player=sample.name,
                             command=shlex.join(["./" + name, value])),
                         _("Take the nation from field {n} of each line ({layout}) and compare it with "
                           "sys.argv[1], for example: {names} = line.rstrip('\\n').split('{sep}')").format(
                             n=key + 1, layout=data.separator.join(data.fields),
                             names=", ".join(data.fields), sep=data.separator))
    return Cause(f"selects_nothing:{script}",
                 _("{script} printed nothing, although {file} has {n} player(s) of nation "
                   "'{nation}'. It printed no player either when given, in place of the nation, {tried} "
                   "(the other fields of {player}'s line).").format(
                     script=name, file=FOOT_FILE, n=len(expected), nation=nation,
                     tried=", ".join(tried), player=sample.name),
                 _("It selects no line at all: check that it reads {file} line by line, splits "
                   "each line on '{sep}' and compares field {n} (the nation) with sys.argv[1].").format(
                     file=FOOT_FILE, sep=data.separator, n=key + 1))


def _producer_alone(sandbox: Sandbox, nation: str) -> tuple[str, Optional[list[str]]]:
    """The command that runs the producer in the sandbox (the student's or
    the grader's) alone, and the lines it prints (None: it cannot run)."""
    try:
        sent = output_lines(sandbox.run(PRODUCER, [nation], timeout=PROBE_TIMEOUT).stdout)
        producer = sandbox.script_name(PRODUCER)
    except (MissingScript, UnreadableScript):
        sent, producer = None, PRODUCER
    return shlex.join(["./" + producer, nation]), sent


def _every_line_of_consumer(sandbox: Sandbox, nation: str, everyone: Sequence[Player]) -> str:
    """Why the consumer printed every player: what the producer sends it."""
    command, sent = _producer_alone(sandbox, nation)
    if sent == [p.line for p in everyone]:
        return _("`{command}`, run alone, prints every line of the file too: the producer's checks "
                 "say why.").format(command=command)
    return _("The consumer must print what the producer sends, and only that: `{command}`, run "
             "alone, does not print every line of the file, so the consumer prints players it was "
             "not sent (does it read {file} itself?).").format(command=command, file=FOOT_FILE)


def _consumer_silence(sandbox: Sandbox, nation: str, expected: Sequence[Player]) -> Cause:
    """Why the consumer printed nothing: what the producer in the sandbox
    (the student's or the grader's) prints when run alone."""
    consumer = sandbox.script_name(CONSUMER)
    command, sent = _producer_alone(sandbox, nation)
    if sent == [p.line for p in expected]:
        return Cause(f"nothing_printed:{CONSUMER}:producer_right",
                     _("{consumer} printed nothing, although `{command}`, run alone, prints the {n} "
                       "line(s) of nation '{nation}'.").format(
                         consumer=consumer, command=command, n=len(expected), nation=nation),
                     _("Read what the producer writes: start it with stdout=subprocess.PIPE, then "
                       "for each line of its output (for line in proc.stdout) print the name, the "
                       "club and the age on the consumer's own stdout."))
    if not sent:
        return Cause(f"nothing_printed:{CONSUMER}:producer_silent",
                     _("{consumer} printed nothing, and `{command}`, run alone, prints nothing "
                       "either: the consumer had no line to print.").format(
                         consumer=consumer, command=command),
                     _("The producer's checks say why it prints nothing: fix it first."))
    return Cause(f"nothing_printed:{CONSUMER}:producer_wrong",
                 _("{consumer} printed nothing; `{command}`, run alone, prints {n} line(s) that are "
                   "not the file's lines of nation '{nation}' (the first: `{first}`).").format(
                     consumer=consumer, command=command, n=len(sent), nation=nation, first=sent[0]),
                 _("The producer's checks say what is wrong with its lines: fix it first."))


def with_foot_file(sandbox: Sandbox, text: str, today: datetime) -> None:
    sandbox.write(FOOT_FILE, text)
    sandbox.today = today


def for_each_foot_case(body: Callable[[FootCase], None]) -> None:
    """Run `body(case)` on the explicit and the generated foot_2020.txt cases
    (hypothesis, deterministic); the first failure fails the check."""
    purpose = f"{body.__module__}.{body.__qualname__}"
    prop = PROPERTY_SETTINGS(given(case=foot_cases())(body))
    for i, case in enumerate(EXPLICIT_CASES):
        # the trap stays, its day follows the grading seed
        prop = example(case=replace(case, today=draws.today(case.today, f"{purpose}:{i}")))(prop)
    if draws.hypothesis_seed(purpose) is not None:  # else derandomized: the public draw
        prop = seed(draws.hypothesis_seed(purpose))(prop)
    prop()
