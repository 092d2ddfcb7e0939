"""II.2 bottles_of_beer2.py: the parent reads the child's verses line by line."""
import re
import time
from dataclasses import dataclass

import pytest

from grader.feedback import fail
from grader.harness import LiveProcess, Sandbox, family_activity, pipes_of
from grader.i18n import N_, _
from grader.kit import causes, check, crashes, evidence, launch
from grader.lab import active_lab


EX = "bottles_of_beer2"
SCRIPT = active_lab().exercises[EX].script()
# The statement's sleep(0.3) between verses becomes 5 ms: 101 verses in well
# under two seconds.
TIME_SCALE = 60
# For the line-by-line check, the child's writes reach the pipe in pieces of
# 40 bytes, 20 ms apart (longer than the parent's 5 ms pause): a parent that
# reads a fixed number of bytes gets part of a verse.
PIPE_SPLIT = (40, 0.02)
HEADER = re.compile(r"verse\s+(\d+)\s*:?", re.IGNORECASE)


@pytest.fixture
def bottles(grading):
    def make(**kwargs) -> Sandbox:
        sb = Sandbox(grading.submission, time_scale=TIME_SCALE, **kwargs)
        opened.append(sb)
        return sb
    opened = []
    yield make
    for sb in opened:
        sb.close()


def expected_verse(n: int) -> list[str]:
    k = (n - 1) % 100 + 1
    if k <= 99:
        b = 100 - k
        return [f"{b} bottles of beer on the wall,", f"{b} bottles of beer.",
                "Take one down and pass it around,", f"{b - 1} bottles of beer on the wall."]
    return ["No more bottles of beer on the wall,", "no more bottles of beer.",
            "Go to the store and buy some more,", "99 bottles of beer on the wall."]


def parse_verses(text: str) -> list[tuple[int, list[str]]]:
    """(number, lines) per `verse N` header; blank lines dropped, blanks
    folded (the %2d padding and trailing spaces are free)."""
    verses: list[tuple[int, list[str]]] = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        m = HEADER.fullmatch(line)
        if m:
            verses.append((int(m.group(1)), []))
        elif verses:
            verses[-1][1].append(line)
    return verses


def show_verse(n: int, lines: list[str]) -> str:
    return "\n".join([f"verse {n}", *lines])


# said of a traceback in the output of a program that a signal killed
OTHER_TRACEBACK = N_("(the Python traceback in its output came from another process, most likely its child)")


@dataclass
class Song:
    """A run of the program in a terminal, read until a verse header or the
    time limit, and how it was when the grader stopped reading."""
    live: LiveProcess
    text: str  # what the terminal showed
    wanted: int  # the verse whose header ends the reading
    reached: bool  # that header came
    limit: float  # seconds the grader allowed (real)
    doing: list  # at the limit, with the program still running: procfs.family_activity

    def song_and_crash(self) -> tuple[str, str]:
        """The output before the first traceback, and the rest."""
        at = self.text.find(crashes.TRACEBACK)
        return (self.text, "") if at < 0 else (self.text[:at], self.text[at:])

    def where_it_stopped(self) -> str:
        """"after verse 66", "in the middle of verse 100 (after 1 of its 4
        lines)", "before the first verse"."""
        verses = parse_verses(self.song_and_crash()[0])
        if not verses:
            return _("before the first verse")
        number, lines = verses[-1]
        if len(lines) >= 4:
            return _("after verse {n}").format(n=number)
        if not lines:
            return _("right after the header of verse {n}").format(n=number)
        return _("in the middle of verse {n} (after {k} of its 4 lines)").format(n=number, k=len(lines))

    def ending(self) -> str:
        """How the program was at the end of the reading, as the report says it."""
        state, value = self.live.end_state()
        if state == "running":
            doing = evidence.doing_text(self.doing)
            return (_("the program was still running when the grader stopped it at the check's "
                      "limit of {seconds:.0f} s").format(seconds=self.limit)
                    + ("; " + _("at that moment {doing}").format(doing=doing) if doing else ""))
        crashed = crashes.crash_facts(self.text) is not None
        if state == "signal":  # a program a signal kills prints no traceback: another process did
            return _("the program was killed by signal {signal}").format(signal=evidence.signal_name(value)) + (
                " " + _(OTHER_TRACEBACK) if crashed else "")
        if state == "exit" and crashed:
            return _("the program crashed with a Python traceback (exit status {status})").format(
                status=value)
        if crashed:
            return _("the program crashed with a Python traceback")
        if state == "exit":
            return _("the program ended with exit status {status}").format(status=value)
        return _("the program ended")

    def setting(self, setup: str) -> str:
        """`setup`, then what happened: where the output stopped and how the
        program ended, never what the grader planned."""
        if self.reached:
            what = _("the program ran in a terminal until verse {n} started; the grader then "
                     "stopped it").format(n=self.wanted)
        else:
            what = _("the program ran in a terminal; its output stopped {where}, and "
                     "{ending}").format(where=self.where_it_stopped(), ending=self.ending())
        return "\n".join(filter(None, [setup, what]))


def read_verses(sandbox: Sandbox, count: int, timeout: float) -> Song:
    """Run the program in a terminal until a `count + 1`-th verse header
    starts (whatever its number), it ends, or `timeout` (stretched)."""
    live = sandbox.spawn(SCRIPT)
    limit = sandbox.stretch(timeout)
    deadline = time.monotonic() + limit
    seen = 0
    while seen <= count and time.monotonic() < deadline:
        if live.expect(r"(?i)verse\s+\d+", timeout=deadline - time.monotonic()) is None:
            break
        seen += 1
    reached = seen > count
    if not reached:
        live.drain()  # to its end, if it ended: the last lines, a traceback
    doing = family_activity(live.pid) if not reached and live.is_alive() else []
    return Song(live, live.transcript, count + 1, reached, limit, doing)


def check_verses(song: Song, count: int, setup: str, split: bool) -> None:
    """Verses 1 to `count` are right. `setup`: what the grader did to the
    program, if anything, for the setting."""
    live = song.live
    context = song.setting(setup)
    text, _crash = song.song_and_crash()
    verses = parse_verses(text)
    for i in range(count):
        n = i + 1
        cut = (not song.reached and i == len(verses) - 1 and len(verses[i][1]) < 4)
        if i >= len(verses) or cut:
            where = song.where_it_stopped()
            crash = crashes.crash_facts(song.text)
            state, value = live.end_state()
            if state == "signal":
                summary = _("The output stopped {where}: the program was killed by signal "
                            "{signal}.").format(where=where, signal=evidence.signal_name(value))
                if crash is not None:
                    summary += " " + _("The Python traceback after it{error} is not how the program "
                                       "ended: it came from another process, most likely its child.").format(
                                           error=crashes.python_error(song.text))
                hint = _("A signal that nothing catches ends a program (signal.alarm() sends "
                         "SIGALRM, for example): the song goes on until someone stops it.")
            elif crash is not None:
                summary = (_("The output stopped {where}: the program crashed with a Python "
                             "traceback").format(where=where) + crashes.python_error(song.text) + ".")
                hint = crashes.crash_hint(crash)
            elif live.is_alive():
                doing = evidence.doing_text(song.doing)
                summary = (_("Verse {n} did not come within the check's {seconds:.0f} s: the program "
                             "was still running, its output stopped {where}.").format(
                                 n=n, seconds=song.limit, where=where))
                hint = _("The parent must print each line as soon as it arrives. readlines() "
                         "or read() wait for the end of the pipe, which never comes: the child "
                         "sings forever.")
                if song.doing and song.doing[0][2] == "sleeping":
                    hint = _("When the grader stopped it, {doing}. The statement's parent sleeps "
                             "0.3 s per verse, which the grader runs {scale} times faster: a longer "
                             "pause, or a pause after each line, makes the song too slow.").format(
                                 doing=doing, scale=TIME_SCALE) + " " + hint
            else:
                summary = _("The output stopped {where}, and the program ended.").format(where=where)
                hint = _("The song goes on forever: verse 100 restocks, verse 101 starts again at "
                         "99. Does the parent's loop, or the child's, stop?")
            fail(summary, command=live.command, context=context,
                 actual=evidence.tail(song.text) or _("(nothing)"), hint=hint,
                 cause=None if state == "signal" else causes.cause_of_live(live))
        number, lines = verses[i]
        want = expected_verse(n)
        if number != n or lines != want:
            if split and (number != n or len(lines) != 4 or any(HEADER.search(ln) for ln in lines)
                          or lines != want):
                hint = _("The child's verses reached the pipe in several pieces, as a pipe allows: "
                         "a parent that reads a fixed number of bytes (os.read(pipein, 118)) then "
                         "gets part of a verse. Read line by line: entree = os.fdopen(pipein), "
                         "then entree.readline() or `for ligne in entree`.")
            elif number != n:
                hint = _("The verse numbers must go on 1, 2, 3, ... without restarting: verse 101 "
                         "follows verse 100 (only the bottles start again at 99).")
            elif n % 100 == 0:
                hint = _("Verse 100 is the restock verse: `No more bottles of beer on the wall,` / "
                         "`no more bottles of beer.` / `Go to the store and buy some more,` / "
                         "`99 bottles of beer on the wall.`")
            else:
                hint = _("Each verse is `verse N` then the 4 lines of the song for 100 - N bottles.")
            fail(_("Verse {n} is wrong.").format(n=n), command=live.command, context=context,
                 expected=show_verse(n, want), actual=show_verse(number, lines), diff_actual=None,
                 hint=hint)


@check(EX, "launch", N_("Runs as ./bottles_of_beer2.py"))
def test_launch(bottles):
    sb = bottles()
    name = sb.script_name(SCRIPT)
    problems = sb.submission.launch_problems(name)
    launch.check_launch_problems(name, problems)
    song = read_verses(sb, 1, timeout=5)
    if not parse_verses(song.text):
        fail(_("`./{script}` prints no verse.").format(script=name), command=song.live.command,
             context=song.setting(""), actual=evidence.tail(song.text) or _("(nothing)"),
             cause=causes.cause_of_live(song.live))


@check(EX, "verses", N_("Verses 1 to 101 are right (verse 100 restocks, 101 starts again at 99)"), timeout=90)
def test_verses(bottles):
    sb = bottles()
    check_verses(read_verses(sb, 101, timeout=10), 101, "", split=False)


@check(EX, "line_by_line", N_("The parent reads the pipe line by line: verses stay right when the child's writes arrive in pieces"), timeout=90)
def test_line_by_line(bottles):
    sb = bottles(pipe_split=PIPE_SPLIT)
    check_verses(read_verses(sb, 6, timeout=10), 6,
                 _("each write of the child to the pipe (os.write() or a file object's) reached it in pieces of {size} bytes").format(
                     size=PIPE_SPLIT[0]), split=True)


@check(EX, "fork_and_pipe", N_("Two processes (fork) talk through a pipe"))
def test_fork_and_pipe(bottles):
    sb = bottles()
    live = sb.spawn(SCRIPT)
    # As soon as there is a child sharing a pipe with the program, it is
    # proven; else watch until two verses are out, the program ends, or 5 s.
    deadline = time.monotonic() + sb.stretch(5)
    verses = 0
    while time.monotonic() < deadline and live.is_alive() and verses < 2:
        if any(pipes_of(live.pid) & pipes_of(k.pid) for k in live.children()):
            return
        if live.expect(r"(?i)verse\s+\d+", timeout=0.02) is not None:
            verses += 1
    kids = live.children()
    if not kids:
        fail(_("While the song plays, your program has no child process: the verses must be "
               "produced by a child created with os.fork()."), command=live.command,
             cause=causes.cause_of_live(live),
             hint=_("The statement's structure: pipein, pipeout = os.pipe(); if os.fork() == 0: "
                    "child(pipeout) else: parent(pipein)."))
    parent_pipes = pipes_of(live.pid)
    if not any(parent_pipes & pipes_of(k.pid) for k in kids):
        fail(_("The parent and its child share no pipe: they must talk through os.pipe()."),
             command=live.command,
             hint=_("Create the pipe with os.pipe() before os.fork(), so that both processes have "
                    "it; the child writes in pipeout, the parent reads from pipein."))
