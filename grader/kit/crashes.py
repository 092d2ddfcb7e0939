"""Crashes: located at the hand-in's own line, explained when the grader
knows the error."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from grader.feedback import Cause
from grader.i18n import _
from grader.harness.mounts import WRITABLE_SPACE
from grader.harness.namespaces import namespaces_unavailable
from grader.lab import active_lab


TRACEBACK = "Traceback (most recent call last)"


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
