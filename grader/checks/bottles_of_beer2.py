"""II.2 bottles_of_beer2.py: the parent reads the child's verses line by line."""
import re
import time

import pytest

from grader.checks import common
from grader.feedback import fail
from grader.harness import Sandbox, pipes_of
from grader.i18n import N_, _
from grader.runner import check

EX = "bottles_of_beer2"
SCRIPT = "bottles_of_beer2.py"
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


def read_verses(sandbox: Sandbox, count: int, timeout: float):
    """Run the program in a terminal until a `count + 1`-th verse header
    starts (whatever its number); returns the live program and its output."""
    live = sandbox.spawn(SCRIPT)
    deadline = time.monotonic() + sandbox.stretch(timeout)
    seen = 0
    while seen <= count and time.monotonic() < deadline:
        if live.expect(r"(?i)verse\s+\d+", timeout=deadline - time.monotonic()) is None:
            break
        seen += 1
    return live, live.transcript


def check_verses(live, text: str, count: int, context: str, split: bool) -> None:
    verses = parse_verses(text)
    for i in range(count):
        n = i + 1
        want = expected_verse(n)
        if i >= len(verses):
            live.drain()
            text = live.transcript
            crash = common.traceback_location(text)
            if crash:
                summary = _("The program crashed with a Python traceback") + crash + "."
                hint = _("Read the traceback from its last line up: it names the error and the line.")
            elif live.is_alive():
                summary = _("Verse {n} did not come: the program runs but prints no more verses.").format(n=n)
                hint = _("The parent must print each line as soon as it arrives. readlines() or read() "
                         "wait for the end of the pipe, which never comes: the child sings forever.")
            else:
                summary = _("The program stopped after verse {last}.").format(last=len(verses))
                hint = _("The song goes on forever: verse 100 restocks, verse 101 starts again at "
                         "99. Does the parent's loop, or the child's, stop?")
            fail(summary, command=live.command, context=context,
                 actual=common.tail(text) or _("(nothing)"), hint=hint,
                 cause=common.cause_of_live(live))
        number, lines = verses[i]
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
    common.check_launch_problems(name, problems)
    live, text = read_verses(sb, 1, timeout=5)
    if not parse_verses(text):
        fail(_("`./{script}` prints no verse.").format(script=name), command=live.command,
             actual=common.tail(text) or _("(nothing)"), cause=common.cause_of_live(live))


@check(EX, "verses", N_("Verses 1 to 101 are right (verse 100 restocks, 101 starts again at 99)"), timeout=90)
def test_verses(bottles):
    sb = bottles()
    live, text = read_verses(sb, 101, timeout=10)
    check_verses(live, text, 101, _("the program ran in a terminal until verse 102 started"), split=False)


@check(EX, "line_by_line", N_("The parent reads the pipe line by line: verses stay right when the child's writes arrive in pieces"), timeout=90)
def test_line_by_line(bottles):
    sb = bottles(pipe_split=PIPE_SPLIT)
    live, text = read_verses(sb, 6, timeout=10)
    check_verses(live, text, 6, _("each os.write() of the child reached the pipe in pieces of "
                                   "{size} bytes").format(size=PIPE_SPLIT[0]), split=True)


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
             cause=common.cause_of_live(live),
             hint=_("The statement's structure: pipein, pipeout = os.pipe(); if os.fork() == 0: "
                    "child(pipeout) else: parent(pipein)."))
    parent_pipes = pipes_of(live.pid)
    if not any(parent_pipes & pipes_of(k.pid) for k in kids):
        fail(_("The parent and its child share no pipe: they must talk through os.pipe()."),
             command=live.command,
             hint=_("Create the pipe with os.pipe() before os.fork(), so that both processes have "
                    "it; the child writes in pipeout, the parent reads from pipein."))
