"""What the reports of I.2 and I.4 say, on variants with a known bug (issue
11): the file to blame (the consumer's own checks run with the grader's
producer), a cause named (a script that rejects extra arguments with its
usage line), diffs that mark only what costs points, the accepted wordings of
the file error, blank lines as a check of their own."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, exercise_scores, grade_dir
from variants import SUBMISSIONS, build, load

from grader.checks.common import file_error_wording_ok
from grader.lab import active_lab
from grader.paths import FAKES_DIR

_graded: dict = {}


def exercise_of(name: str) -> str:
    return "joueurs_nation" if name.startswith(("jn_", "alt_jn_")) else "joueurs_par_nation"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """grade(variant, lang="en") -> {check: test} of the variant's one
    exercise, and that exercise's (score, max_score); each grading done once."""
    def grade(name: str, lang: str = "en"):
        if (name, lang) not in _graded:
            exercise = exercise_of(name)
            sub = build(load(SUBMISSIONS / name), tmp_path_factory.mktemp(name) / name)
            proc, report = grade_dir(sub, "--exercise", exercise, lang=lang)
            assert proc.returncode == 0, proc.stderr
            tests = {t["check"]: t for t in report["tests"] if t["exercise"] == exercise}
            _graded[(name, lang)] = tests, exercise_scores(report)[exercise]
        return _graded[(name, lang)]
    return grade


def failed(tests: dict) -> set:
    return {k for k, t in tests.items() if t["status"] == "failed"}


def diff_of(output: str) -> list[str]:
    """The lines of the report's diff ("Difference (- expected, + got):")."""
    lines = output.split("\n")
    for i, ln in enumerate(lines):
        if ln.startswith(("Difference (", "Différences (")):
            body = []
            for d in lines[i + 1:]:
                if not d.startswith("    | "):
                    break
                body.append(d[len("    | "):])
            return body
    return []


# --- 1. the wrong file blamed ---------------------------------------------


@pytest.mark.parametrize("name", ["jn_subproc_slice_last_line", "jn_subproc_endswith_newline"])
def test_a_producer_losing_the_last_line_costs_the_producer_only(graded, name):
    tests, (score, max_score) = graded(name)
    assert failed(tests) == {"subproc_generated_files"}
    assert score == max_score - 2
    out = tests["subproc_generated_files"]["output"]
    assert "./joueurs_nation_subproc.py br" in out
    assert "line[:-1] cuts a letter of the nation, endswith(nation + '\\n') does not match" in out
    assert diff_of(out) == ["@@ -1,2 +1 @@", " Neymar:PSG:a:1992:br", "-Marquinhos:PSG:d:1994:br"]
    # the consumer's own checks ran with the grader's producer: they pass, and
    # no other check speaks of the last line
    for key in ("parent_generated_files", "parent_file_error", "parent_usage_error",
                "parent_blank_lines", "extra_args", "parent_transcript"):
        assert tests[key]["status"] == "passed", key
    assert all("line[:-1]" not in t["output"] for k, t in tests.items() if k != "subproc_generated_files")


def test_a_producer_crashing_on_a_missing_file_costs_the_producer_only(graded):
    tests, _ = graded("jn_subproc_traceback_missing_file")
    assert failed(tests) == {"subproc_file_error"}
    assert "PermissionError" in tests["subproc_file_error"]["output"]


def test_the_graders_producer_behaves_as_the_reference(tmp_path):
    """fakes/joueurs_nation_subproc.py stands for reference/'s in the bundle."""
    def runs(script):
        d = tmp_path / script.parent.name
        d.mkdir()
        shutil.copy(script, d / "joueurs_nation_subproc.py")
        shutil.copy(active_lab().data.fixture, d / "foot_2020.txt")
        out = []
        for args in (["fr"], ["br", "en", "trop"], ["zz"], []):
            p = subprocess.run([sys.executable, "joueurs_nation_subproc.py", *args], cwd=d,
                               capture_output=True, text=True, timeout=30)
            out.append((p.stdout, p.stderr, p.returncode))
        os.remove(d / "foot_2020.txt")
        p = subprocess.run([sys.executable, "joueurs_nation_subproc.py", "fr"], cwd=d,
                           capture_output=True, text=True, timeout=30)
        return out + [(p.stdout, p.stderr, p.returncode)]
    fake = runs(FAKES_DIR / "joueurs_nation_subproc.py")
    assert fake == runs(ROOT / "reference" / "joueurs_nation_subproc.py")
    assert fake[0][0].count("\n") == 5 and fake[-1] == ("", "foot_2020.txt : Pb ouverture\n", 1)


# --- 5. the cause named ----------------------------------------------------


@pytest.mark.parametrize("name,line,status", [
    ("jn_subproc_extra_args_rejected", "Usage: joueurs_nation_subproc.py nation", 1),
    ("jn_subproc_argc_forwarded", "Usage : ./joueurs_nation_subproc.py nation", 2),
])
def test_a_producer_rejecting_extra_arguments_is_named(graded, name, line, status):
    tests, (score, max_score) = graded(name)
    assert failed(tests) == {"extra_args"} and score == max_score - 1
    out = tests["extra_args"]["output"]
    assert out.startswith(f"joueurs_nation_subproc.py stopped with exit status {status} after "
                          f"printing `{line}` when it was given extra arguments "
                          "(./joueurs_nation_subproc.py fr en trop)")
    assert "extra arguments are simply ignored" in out and "len(sys.argv) < 2" in out
    assert "nation field" not in out and "5th" not in out
    assert tests["extra_args"]["cause"] == "rejects_extra:joueurs_nation_subproc.py"


def test_a_script_rejecting_extra_arguments_is_named_in_i2(graded):
    tests, _ = graded("jpn_extra_args_rejected")
    assert failed(tests) == {"extra_args"}
    out = tests["extra_args"]["output"]
    assert "after printing `Usage: joueurs_par_nation.py nation` when it was given extra arguments" in out
    assert "(./joueurs_par_nation.py fr en trop)" in out


def test_a_consumer_starting_the_producer_without_the_nation_is_not_said_to_reject_arguments(graded):
    tests, _ = graded("jn_parent_no_nation_arg")
    for key in ("parent_transcript", "parent_generated_files", "extra_args", "parent_file_error"):
        out = tests[key]["output"]
        assert tests[key]["status"] == "failed", key
        assert ("the consumer started joueurs_nation_subproc.py without the nation" in out), key
        assert "when it was given extra arguments" not in out and "it expects arguments" not in out
        assert tests[key]["cause"] == "producer_without_nation:joueurs_nation_parent.py"


# --- 2. the diff marks only what costs points ------------------------------


def test_accepted_lines_are_not_marked_in_the_diff(graded):
    tests, _ = graded("jpn_ans_nation_sliced")
    assert failed(tests) == {"generated_files"}
    out = tests["generated_files"]["output"]
    assert "Neymar, PSG, 38 ans" in out  # what it printed, in the Got block
    assert diff_of(out) == ["@@ -1,2 +1 @@", " Neymar, PSG, 38", "-Marquinhos, PSG, 36"]
    assert "your layout is accepted" in out


# --- 3. the file error's wording -------------------------------------------


@pytest.mark.parametrize("message,right", [
    ("foot_2020.txt : Pb ouverture", True),
    ("foot_2020.txt : Problème à l'ouverture.", True),
    ("foot_2020.txt: probleme a l'ouverture", True),
    ("FOOT_2020.TXT : PROBLÈME D'OUVERTURE !", True),
    ("foot_2020.txt : Pb de ouverture", True),
    ("foot_2020.txt : Problème de l'ouverture", True),
    ("./foot_2020.txt : pb. ouverture", True),
    ("Pb ouverture de foot_2020.txt", False),
    ("foot_2020.txt : erreur d'ouverture", False),
    ("foot_2020.txt : Problème", False),
    ("Pb ouverture", False),
])
def test_file_error_wordings(message, right):
    assert file_error_wording_ok(message) is right


def test_probleme_a_l_ouverture_scores_full_marks(graded):
    tests, (score, max_score) = graded("alt_jpn_probleme_ouverture")
    assert failed(tests) == set() and score == max_score


# --- 4. blank lines: a small check of their own ----------------------------


def blank_lines_only(diff: list[str]) -> bool:
    """The diff adds blank lines and changes nothing else."""
    marked = [d for d in diff[1:] if d[:1] in "+-"]
    return bool(marked) and all(d == "+" for d in marked)


def test_blank_lines_between_players_in_i2(graded):
    tests, (score, max_score) = graded("jpn_print_blank_lines")
    assert failed(tests) == {"blank_lines"} and score == max_score - 1
    out = tests["blank_lines"]["output"]
    assert out.startswith("4 blank line(s) between the lines printed")
    assert "print() adds one more" in out
    assert blank_lines_only(diff_of(out))


def test_blank_lines_of_the_producer(graded):
    tests, _ = graded("jn_subproc_print_blank_lines")
    assert failed(tests) == {"subproc_blank_lines"}
    out = tests["subproc_blank_lines"]["output"]
    assert "./joueurs_nation_subproc.py fr" in out and blank_lines_only(diff_of(out))


def test_blank_lines_of_the_consumer(graded):
    tests, _ = graded("jn_parent_blank_lines")
    assert failed(tests) == {"parent_blank_lines"}
    out = tests["parent_blank_lines"]["output"]
    assert "joueurs_nation_subproc.py is the grader's own producer here" in out
    assert blank_lines_only(diff_of(out))


def test_blank_lines_report_in_french(graded):
    tests, _ = graded("jpn_print_blank_lines", "fr")
    out = tests["blank_lines"]["output"]
    assert out.startswith("4 ligne(s) vide(s) entre les lignes affichées")
    assert "print() en ajoute un autre" in out and "adds one more" not in out
    assert blank_lines_only(diff_of(out))
