"""The report tells a cause shared by several checks once (a blank or
missing script, a program waiting for the keyboard...), with the checks it
cost; every check keeps its line and its full details (--details, JSON)."""
import shutil


from conftest import ROOT, grade_dir
from variants import SUBMISSIONS, build, load


def text_report(path, *extra):
    """The terminal report (English, no colours) and the JSON report."""
    proc, report = grade_dir(path, *extra, "--no-color")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, report


def test_blank_template_report_is_short_and_names_every_failed_check():
    text, report = text_report(ROOT / "student_template")
    lines = text.splitlines()
    assert len(lines) <= 200, len(lines)
    failed = [t for t in report["tests"] if t["status"] == "failed"]
    assert failed and report["score"] == 0
    for t in failed:
        title = t["name"].split(": ", 1)[1]
        line = next(ln for ln in lines if ln.startswith("  [ ] " + title))
        # a one-line reason: the shared cause it points to, or its own block below
        assert "-> [" in line or f": {title}" in text, line
    # the blank scripts are each told once, with what they cost
    for script in ("joueurs_par_nation.py", "chrono.py", "bottles_of_beer2.py"):
        assert text.count(f"{script} is not written yet: it holds only comments") == 1, script
    assert "It cost 10 checks (18 points) of I.2 joueurs_par_nation.py" in text
    # the JSON report keeps every check's own details, and its cause
    assert all(t["output"].strip() for t in failed)
    jpn = [t for t in failed if t["exercise"] == "joueurs_par_nation"]
    assert {t["cause"] for t in jpn} == {"unwritten:joueurs_par_nation.py"}
    assert any(c["key"] == "unwritten:joueurs_par_nation.py" and len(c["tests"]) == 10
               for c in report["causes"])
    # the feedback page names the shared causes and shows every check in full
    from markupsafe import escape

    from grader.html import feedback_page
    page = feedback_page(report)
    assert "joueurs_par_nation.py is not written yet" in page
    assert all(str(escape(t["output"])) in page for t in failed)


def test_details_flag_shows_every_check_in_full():
    short, _ = text_report(ROOT / "student_template", "--exercise", "chrono")
    full, report = text_report(ROOT / "student_template", "--exercise", "chrono", "--details")
    failed = [t for t in report["tests"] if t["status"] == "failed"]
    assert "add --details" in short and "add --details" not in full
    for t in failed:
        assert f"x {t['name']}" in full and f"x {t['name']}" not in short
    assert len(full.splitlines()) > len(short.splitlines())


def test_a_missing_script_is_said_once(tmp_path):
    sub = tmp_path / "hand_in"
    shutil.copytree(ROOT / "reference", sub)
    (sub / "multiChrono.py").unlink()
    text, report = text_report(sub, "--exercise", "multiChrono")
    assert text.count("multiChrono.py is not in your folder") == 1
    assert "-> [1] multiChrono.py is missing" in text
    tests = report["tests"]
    assert tests and all(t["status"] == "failed" and t["cause"] == "missing:multiChrono.py"
                         for t in tests)
    assert all("multiChrono.py is not in your folder" in t["output"] for t in tests)


def test_input_pause_is_named_not_called_a_crash(tmp_path):
    sub = build(load(SUBMISSIONS / "jpn_input_pause"), tmp_path / "jpn_input_pause")
    text, report = text_report(sub, "--exercise", "joueurs_par_nation")
    assert text.count("waits for something typed on the keyboard (input())") == 1
    assert "with no keyboard here, input() raised EOFError; in a terminal it would simply wait" in text
    assert "Read the traceback" not in text and "crashed" not in text
    # everything it printed is shown, players and traceback included
    assert "Fernandinho, Manchester City, 36" in text and "EOFError: EOF when reading a line" in text
    failed = {t["check"] for t in report["tests"] if t["status"] == "failed"}
    assert failed == {"transcript", "extra_args", "generated_files"}


def test_french_is_the_default_and_reads_the_causes():
    proc, _ = grade_dir(ROOT / "student_template", "--exercise", "chrono", "--no-color", lang="fr")
    assert proc.returncode == 0, proc.stderr
    assert "chrono.py n'est pas encore écrit" in proc.stdout
    assert "--details" in proc.stdout


def test_a_cause_behind_one_check_is_told_with_that_check(english):
    """Grouping is for causes shared by two checks or more; a lone cause
    stays in its check's own block, and passed checks have none."""
    from grader.feedback import Cause, Feedback
    from grader.report import json_report, shared_causes, text_report
    from grader.kit.result import CheckResult

    crash = Cause("crash:chrono.py:12:NameError", "chrono.py crashed with NameError, at line 12.")
    alone = Cause("keyboard:chrono.py", "chrono.py waits for something typed on the keyboard.")
    results = [
        CheckResult("chrono", "launch", "Runs", 1, True),
        CheckResult("chrono", "start_message", "Start", 1, False, Feedback("no pid", cause=crash)),
        CheckResult("chrono", "sigint_count", "SIGINT", 3, False, Feedback("no count", cause=crash)),
        CheckResult("chrono", "sigquit_stops", "SIGQUIT", 2, False, Feedback("waits", cause=alone)),
    ]
    groups = shared_causes(results)
    assert list(groups) == ["crash:chrono.py:12:NameError"]
    assert [r.key for r in groups["crash:chrono.py:12:NameError"].results] == ["start_message",
                                                                              "sigint_count"]
    text = text_report(results, "hand_in", 1.0)
    assert "  [ ] Start  (0/1)  -> [1] chrono.py crashes (NameError, line 12)" in text
    assert "  [ ] SIGQUIT  (0/2)\n" in text  # its own block below, no pointer
    assert "[1] chrono.py crashed with NameError, at line 12." in text
    assert "It cost 2 checks (4 points) of II.1 chrono.py, marked [1] above." in text
    assert "x II.1 chrono.py: SIGQUIT\n  waits" in text
    assert "x II.1 chrono.py: Start" not in text
    assert "x II.1 chrono.py: Start" in text_report(results, "hand_in", 1.0, details=True)
    report = json_report(results, 1.0)
    assert [t["cause"] for t in report["tests"]] == [None, crash.key, crash.key, alone.key]
    assert [c["key"] for c in report["causes"]] == [crash.key]


def test_a_long_failure_fits_its_block_and_keeps_where_the_output_stops(english):
    """The terminal view of a check (brief) fits in 29 lines under its
    title, cutting the long blocks alike and keeping their last lines; a
    check's own brief view is shown in place of the full one; --details
    (brief=False) shows everything."""
    from grader.feedback import Feedback
    from grader.report import CHECK_LINES, feedback_text
    timeline = "\n".join(f"t={i} step {i}" for i in range(60))
    output = "\n".join(f"line {i}" for i in range(100)) + "\nTraceback: the end"
    fb = Feedback("It went wrong.", command="./x.py", context=timeline, expected="one\ntwo",
                  actual=output, hint="Look.")
    brief = feedback_text(fb, brief=True).split("\n")
    assert len(brief) <= CHECK_LINES - 1, len(brief)
    assert brief[0] == "It went wrong." and brief[-1] == "Hint: Look."
    assert "    | Traceback: the end" in brief and "    | t=59 step 59" in brief
    assert "    | one" in brief and "    | two" in brief  # a short block is left whole
    cut = [ln for ln in brief if "lines left out: --details shows them" in ln]
    assert len(cut) == 2  # the timeline and the output, both cut, neither emptied
    assert sum(int(ln.split("[... ")[1].split()[0]) for ln in cut) + len(brief) > 160
    assert len(feedback_text(fb).split("\n")) > 160  # the full view
    fb.brief_actual = "line 99\nTraceback: the end"
    brief = feedback_text(fb, brief=True)
    assert "line 98" not in brief and "    | line 99\n    | Traceback: the end" in brief


def test_control_characters_a_program_prints_are_shown_as_text(tmp_path):
    """A hand-in that prints escape sequences (clear the screen, a fake green
    verdict, a window title, hidden text) reaches neither the terminal of
    whoever reads the report nor feedback.html raw: they show as `\\x1b[2J`.
    The JSON report keeps the exact text; the grader's own colours stay."""
    sub = build(load(SUBMISSIONS / "jpn_prints_escape_sequences"), tmp_path / "hand_in")
    text, report = text_report(sub, "--exercise", "joueurs_par_nation")
    failed = {t["check"] for t in report["tests"] if t["status"] == "failed"}
    assert "transcript" in failed and report["score"] < report["max_score"]
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[2J\\x1b[H\\x1b[32mTous les tests sont réussis.\\x1b[0m\\x1b]0;tp-grader OK\\a" in text
    outputs = "".join(t["output"] for t in report["tests"])
    assert "\x1b[2J\x1b[H\x1b[32mTous les tests sont réussis." in outputs  # the JSON: exact
    from grader.html import feedback_page
    page = feedback_page(report)
    assert "\x1b" not in page and "\x07" not in page and "\\x1b[2J" in page


def test_the_report_keeps_its_own_colours_and_shows_the_programs_as_text(english):
    from grader.feedback import Cause, Feedback, visible
    from grader.report import text_report
    from grader.kit.result import CheckResult
    fake = "\x1b[2J\x1b[32mAll good\x1b[0m\r\u202eevil\x00"
    cause = Cause("crash:x.py:1:Boom", f"x.py printed `{fake}`.")
    results = [CheckResult("chrono", "launch", "Runs", 1, True),
               CheckResult("chrono", "start_message", "Start", 1, False, Feedback(f"said {fake}", actual=fake)),
               CheckResult("chrono", "sigint_count", "SIGINT", 3, False, Feedback("a", cause=cause)),
               CheckResult("chrono", "sigquit_stops", "SIGQUIT", 2, False, Feedback("b", cause=cause))]
    shown = text_report(results, f"hand{fake}", 1.0, color=True)
    assert visible(fake) == "\\x1b[2J\\x1b[32mAll good\\x1b[0m\\r\\u202eevil\\0"
    assert fake not in shown and "\r" not in shown and "\u202e" not in shown and "\x00" not in shown
    assert shown.count(visible(fake)) >= 4  # the folder, the summary, the output, the cause
    assert "\x1b[32m[x]\x1b[0m" in shown and "\x1b[31m[ ]\x1b[0m" in shown  # the grader's own colours
    assert visible("tab\tand\nline") == "tab\tand\nline"
    # the platforms' logs and --watch's summary too
    from grader.vpl import vpl_report
    from grader.watch import summary_lines
    for other in (vpl_report(results), "\n".join(summary_lines(results))):
        assert "\x1b" not in other and "\r" not in other and visible(fake)[:20] in other
