"""How a run's end is told (issue 22): a crash is located at the last line of
the hand-in's own files in its traceback, never inside Python, and explained
when the grader knows the error (the statement's execl, a producer started
without ./); the setting says where the output stopped and how the program
ended; a program stopped at a time limit shows what it printed and what it
was doing (sleeping, running)."""
import re

import pytest

from conftest import exercise_scores, grade_dir
from variants import SUBMISSIONS, build, load

from grader.kit.crashes import crash_explanation, crash_facts, crash_summary

_graded: dict = {}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """grade(variant, exercise) -> (terminal report, {check: test}, (score,
    max_score)) of the variant's exercise; each grading done once."""
    def grade(name: str, exercise: str):
        if name not in _graded:
            sub = build(load(SUBMISSIONS / name), tmp_path_factory.mktemp(name) / name)
            proc, report = grade_dir(sub, "--exercise", exercise, "--no-color")
            assert proc.returncode == 0, proc.stderr
            tests = {t["check"]: t for t in report["tests"] if t["exercise"] == exercise}
            _graded[name] = proc.stdout, tests, exercise_scores(report)[exercise]
        return _graded[name]
    return grade


def failed(tests: dict) -> set:
    return {k for k, t in tests.items() if t["status"] == "failed"}


def check_line(text: str, title_start: str) -> str:
    return next(ln for ln in text.splitlines() if ln.startswith("  [ ] " + title_start))


# --- a crash located in the hand-in's own line ------------------------------


def test_the_statements_execl_is_told_at_multichrono_line_with_why_and_fix(graded):
    text, tests, (score, max_score) = graded("multi_statement_verbatim", "multiChrono")
    assert failed(tests) == {"sigterm_creates", "sigint_reaches_all", "sigquit_stops_all"}
    assert (score, max_score) == (1, 10)
    # one cause, at the line of multiChrono.py that called execl, not in <frozen os>
    assert {tests[k]["cause"] for k in failed(tests)} == {"crash:multiChrono.py:19:ValueError"}
    assert check_line(text, "Each SIGTERM").endswith("-> [1] multiChrono.py crashes (ValueError, line 19)")
    assert "frozen os> crash" not in text and "line 542" not in text.split("Got:")[0]
    header = next(ln for ln in text.splitlines() if ln.startswith("[1] "))
    # the child crashed (multiChrono itself goes on), at its line, with the code
    assert header.startswith("[1] After SIGTERM, the child forked by multiChrono.py crashed with "
                             "ValueError: execv() arg 2 first element cannot be empty, at line 19 of "
                             "multiChrono.py: `os.execl('./chrono.py', \"\")`.")
    # why Python refuses it, and the fix
    assert "argv[0], is the program's name" in header and "may not be empty" in header
    assert "Hint: Give the program its name as the first argument after the path: " \
           "os.execl('./chrono.py', 'chrono.py')." in text
    assert re.search(r"new child \d+ ended without becoming chrono.py, after printing a traceback", text)


def test_a_producer_started_without_dot_slash_is_told_at_the_consumers_popen(graded):
    text, tests, _score = graded("jn_parent_popen_no_dot_slash", "joueurs_nation")
    assert failed(tests) == {"parent_transcript", "parent_file_error", "parent_delegates",
                             "parent_generated_files", "parent_blank_lines", "extra_args"}
    key = "crash:joueurs_nation_parent.py:18:FileNotFoundError"
    assert {tests[k]["cause"] for k in failed(tests)} == {key}  # parent_delegates too: told once
    assert check_line(text, "The statement's example").endswith(
        "-> [1] joueurs_nation_parent.py crashes (FileNotFoundError, line 18)")
    # neither Python's library nor a path cut short, above the traceback itself
    assert "subprocess.py" not in text.split("Got:")[0]
    assert re.search(r'File "/[^"]*/subprocess\.py", line \d+', text.split("Got:")[1])
    assert "at line 18: `p = subprocess.Popen(['joueurs_nation_subproc.py', nation]" in text
    assert "names no folder, so Python looked for it in the folders of PATH" in text
    assert "the current folder is not one of them" in text
    assert "Hint: Name the program with its folder, as the statement does: './joueurs_nation_subproc.py'" in text
    assert text.count("[1] joueurs_nation_parent.py crashed") == 1


@pytest.mark.parametrize("text, where", [
    # the statement's form and the real hand-in's (no ./)
    ('  File "multiChrono.py", line 22, in nouveau\n    os.execl(\'chrono.py\', "")\n'
     '  File "<frozen os>", line 542, in execl\nValueError: execv() arg 2 first element cannot be empty\n',
     ("multiChrono.py", "22", "<frozen os>", "os.execl('./chrono.py', 'chrono.py')")),
    ('  File "m.py", line 7, in nouveau\n    os.execv("./chrono.py", [""])\n'
     '  File "<frozen os>", line 12, in x\nValueError: execv() arg 2 first element cannot be empty\n',
     ("m.py", "7", "<frozen os>", "os.execv('./chrono.py', ['chrono.py'])")),
])
def test_exec_with_an_empty_argv0_gets_the_fix_of_its_own_call(english, text, where):
    c = crash_facts("Traceback (most recent call last):\n" + text)
    assert (c.file, c.line, c.inside) == where[:3]
    assert where[3] in crash_explanation(c)[1]


def test_a_crash_is_located_in_the_hand_ins_files_whatever_the_traceback(english):
    # a library's path is kept whole (no `.lstrip("./")` eating its `/`)
    only_python = ('Traceback (most recent call last):\n  File "/usr/lib/python3.11/runpy.py", line 5, in x\n'
                   'KeyError: 1\n')
    assert (crash_facts(only_python).file, crash_facts(only_python).line) == ("/usr/lib/python3.11/runpy.py", "5")
    # the grader's injected code (an absolute path) is not the student's either
    in_sleep = ('Traceback (most recent call last):\n  File "p.py", line 3, in <module>\n    time.sleep(5)\n'
                '  File "/tmp/tp-grader-x/inject/sitecustomize.py", line 238, in sleep\n'
                '    real_sleep(max(0.0, seconds) / scale)\nKeyboardInterrupt\n')
    c = crash_facts(in_sleep)
    assert (c.file, c.line, c.code, c.error) == ("p.py", "3", "time.sleep(5)", "KeyboardInterrupt")
    # two crashes: the first is the cause (the parent), the second its consequence
    # (the child writing to the pipe its dead parent left)
    two = ('Traceback (most recent call last):\n  File "b.py", line 33, in parent\n    int(nb)\n'
           'ValueError: bad\nTraceback (most recent call last):\n  File "b.py", line 19, in child\n'
           '    os.write(p, v)\nBrokenPipeError: [Errno 32] Broken pipe\n')
    assert (crash_facts(two).line, crash_facts(two).kind) == ("33", "ValueError")
    # chained: the exception that stopped the program
    chained = ('Traceback (most recent call last):\n  File "a.py", line 3, in <module>\n    open(f)\n'
               'FileNotFoundError: x\n\nDuring handling of the above exception, another exception '
               'occurred:\n\nTraceback (most recent call last):\n  File "a.py", line 5, in <module>\n'
               '    raise SystemExit(x[2])\nIndexError: list index out of range\n')
    assert (crash_facts(chained).line, crash_facts(chained).kind) == ("5", "IndexError")
    # a syntax error: only a leading ./ goes
    syntax = '  File "./sub/p.py", line 3\n    print "a"\n    ^^^\nSyntaxError: Missing parentheses\n'
    c = crash_facts(syntax)
    assert (c.file, c.line, c.code, c.compile) == ("sub/p.py", "3", 'print "a"', True)
    assert crash_summary(c) == "sub/p.py crashed with SyntaxError: Missing parentheses, at line 3: `print \"a\"`."


def test_a_command_given_as_one_string_is_explained(english):
    text = ('Traceback (most recent call last):\n  File "c.py", line 9, in <module>\n'
            '    p = subprocess.Popen("./joueurs_nation_subproc.py fr", stdout=subprocess.PIPE)\n'
            '  File "/usr/lib/python3.11/subprocess.py", line 1901, in _execute_child\n'
            "FileNotFoundError: [Errno 2] No such file or directory: './joueurs_nation_subproc.py fr'\n")
    # a path with a folder: not PATH's fault, but the string taken as one name
    assert crash_explanation(crash_facts(text)) is None
    text = text.replace("./joueurs", "joueurs")
    why, fix = crash_explanation(crash_facts(text))
    assert "`joueurs_nation_subproc.py fr` was taken as the name of one program" in why
    assert fix == "Give a list: subprocess.Popen(['./joueurs_nation_subproc.py', 'fr'], ...)."


# --- where the output stopped, how the program ended -------------------------


def test_a_song_cut_by_a_crash_says_where_it_stopped_and_how_it_ended(graded):
    text, tests, _score = graded("bob_parent_pads_numbers", "bottles_of_beer2")
    assert failed(tests) == {"verses"}
    out = tests["verses"]["output"]
    assert out.startswith(
        "The output stopped right after the header of verse 100: the program crashed with a Python "
        "traceback (ValueError: invalid literal for int() with base 10: 'No' in bottles_of_beer2.py, "
        "line 33).")  # the parent's crash, not the child's BrokenPipeError that follows it
    assert ("the program ran in a terminal; its output stopped right after the header of verse 100, "
            "and the program crashed with a Python traceback (exit status 1)") in out
    assert "until verse 102 started" not in out
    assert tests["verses"]["cause"] == "crash:bottles_of_beer2.py:33:ValueError"
    assert "Hint: Several tracebacks were printed: the first one, at line 33 of bottles_of_beer2.py, " \
           "is the cause" in out


def test_a_song_killed_by_a_signal_says_so(tmp_path):
    """A parent that sets an alarm "so that the song does not go on for ever",
    with no handler: SIGALRM kills it partway. The setting says where the
    output stopped and how the program ended, not where it was meant to."""
    sub = build(load(SUBMISSIONS / "bob_alarm_stops_song"), tmp_path / "hand_in")
    proc, report = grade_dir(sub, "--exercise", "bottles_of_beer2")
    assert proc.returncode == 0, proc.stderr
    assert {t["check"] for t in report["tests"] if t["status"] == "failed"} == {"verses"}
    verses = next(t for t in report["tests"] if t["check"] == "verses")
    # the alarm rings wherever the song is: after a verse, right after a
    # verse's header (seen in CI on a loaded machine) or in the middle of one
    where = (r"(after verse \d+|right after the header of verse \d+"
             r"|in the middle of verse \d+ \(after \d of its 4 lines\))")
    assert re.match(rf"The output stopped {where}: the program was killed by signal 14 \(SIGALRM\)\.",
                    verses["output"]), verses["output"]
    assert re.search(rf"its output stopped {where}, and the program was killed by signal 14 "
                     r"\(SIGALRM\)", verses["output"])
    assert "until verse 102 started" not in verses["output"]
    # the child's BrokenPipeError, when it shows, is not taken for the program's end
    assert "crashed" not in verses["output"].split("Command run:")[0]


# --- a program stopped at its time limit ---------------------------------------


def test_a_sleeping_program_shows_what_it_printed_and_that_it_slept(graded):
    text, tests, _score = graded("jpn_sleeps_between_players", "joueurs_par_nation")
    assert failed(tests) == {"transcript", "extra_args", "blank_lines", "generated_files"}
    assert {tests[k]["cause"] for k in failed(tests)} == {"sleeping:joueurs_par_nation.py"}
    out = tests["transcript"]["output"]
    # printed before it was stopped: the first players of br (one every 3 s, 5 s allowed;
    # through a pipe, Python's block buffer would have lost them)
    got = out.split("Got:")[1]
    assert "Neymar, PSG, 29\n" in got and "stdout:\n(nothing)" not in got
    assert "the program did not finish within 5 s and was stopped; at that moment it was sleeping " \
           "(time.sleep)" in got
    assert "[1] joueurs_par_nation.py was still sleeping (time.sleep) at the time limit." in text
    assert "remove the time.sleep() call(s)" in text
    assert "input()" not in out and "loop that never ends" not in out


def test_a_child_writing_through_a_file_object_meets_the_split_pipe_too(tmp_path):
    """A child that writes each verse through os.fdopen(pipeout, 'w') with a
    flush sends whole verses: a parent reading 118 bytes at a time passed
    the line-by-line check without ever meeting a verse in pieces (a pass
    nothing tested). The grader splits a file object's writes too."""
    sub = build(load(SUBMISSIONS / "bob_child_fdopen_fixed_reads"), tmp_path / "hand_in")
    proc, report = grade_dir(sub, "--exercise", "bottles_of_beer2", lang="en")
    assert proc.returncode == 0, proc.stderr
    tests = {t["check"]: t for t in report["tests"]}
    assert {k for k, t in tests.items() if t["status"] == "failed"} == {"line_by_line"}
    out = tests["line_by_line"]["output"]
    assert "each write of the child to the pipe (os.write() or a file object's) reached it in pieces of 40 bytes" in out
    assert "Verse 1 is wrong." in out and "os.read(pipein, 118)" in out
