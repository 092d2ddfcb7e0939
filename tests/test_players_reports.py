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

from grader.kit.wording import file_error_wording_ok
from grader.lab import active_lab
from grader.paths import FAKES_DIR

_graded: dict = {}
_texts: dict = {}  # (variant, lang) -> its terminal report


def exercise_of(name: str) -> str:
    return ("joueurs_nation" if name.startswith(("jn_", "alt_jn_", "nba_parent", "nba_subproc"))
            else "joueurs_par_nation")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """grade(variant, lang="en") -> {check: test} of the variant's one
    exercise, and that exercise's (score, max_score); each grading done once
    (with the variant's lab), its terminal report kept in _texts."""
    def grade(name: str, lang: str = "en"):
        if (name, lang) not in _graded:
            exercise = exercise_of(name)
            variant = load(SUBMISSIONS / name)
            sub = build(variant, tmp_path_factory.mktemp(name) / name)
            proc, report = grade_dir(sub, "--exercise", exercise, "--no-color",
                                     *variant.grading_options(), lang=lang)
            assert proc.returncode == 0, proc.stderr
            tests = {t["check"]: t for t in report["tests"] if t["exercise"] == exercise}
            _graded[(name, lang)] = tests, exercise_scores(report)[exercise]
            _texts[(name, lang)] = proc.stdout
        return _graded[(name, lang)]
    return grade


def terminal_report(graded, name: str) -> str:
    graded(name)
    return _texts[(name, "en")]


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
    # the blank-line check too: no player line to judge, the same cause (issue 22)
    for key in ("parent_transcript", "parent_generated_files", "extra_args", "parent_file_error",
                "parent_blank_lines"):
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


# --- issue 22: the cause named, told once; blank lines between players only --


def blocks_of(text: str) -> list[list[str]]:
    """The blocks of "What went wrong": each failed check's (title first) and
    each shared cause's (its label, then "It cost...")."""
    lines = text.split("\n")
    out, current = [], None
    for ln in lines[lines.index("What went wrong") + 2:] if "What went wrong" in lines else []:
        if ln.startswith(("x ", "[")):
            current = [ln]
            out.append(current)
        elif not ln or ln.startswith("Every check's own details"):
            current = None
        elif current is not None:
            current.append(ln)
    return out


def test_i2_comparing_the_club_is_named_once(graded):
    """The real hand-in's report said 'fr\\n' is not 'fr': the program compared
    the club. The grader gives it a club of the file in place of the nation."""
    tests, (score, max_score) = graded("jpn_compares_club")
    assert failed(tests) == {"transcript", "extra_args", "generated_files", "blank_lines"}
    assert score == max_score - 10
    for key in failed(tests):
        assert tests[key]["cause"] == "compares_field:joueurs_par_nation.py:2", key
    out = tests["transcript"]["output"]
    assert out.startswith("joueurs_par_nation.py compares the argument with field 2 (club) instead of "
                          "field 5 (nation). Given the nation `br` it printed nothing, but given `PSG` "
                          "(./joueurs_par_nation.py PSG), the club of Neymar, it printed the players "
                          "whose club is PSG.")
    assert "nom, club, poste, annee, nation = line.rstrip('\\n').split(':')" in out
    # the end of line is not the cause here: no hint says it is
    assert "'fr\\n' is not 'fr'" not in out and "still ends with" not in out
    # the blank-line check could judge nothing: the same cause, no diff of its own
    blank = tests["blank_lines"]["output"]
    assert blank.startswith("joueurs_par_nation.py compares the argument with field 2 (club)")
    assert "Expected:" not in blank and "Difference" not in blank
    text = terminal_report(graded, "jpn_compares_club")
    assert text.count("compares the argument with field 2 (club)") == 5  # 4 check lines + the cause
    assert len(blocks_of(text)) == 1 and "It cost 4 checks (10 points)" in text


def test_a_nation_compared_with_its_end_of_line_is_named(graded):
    tests, _ = graded("jpn_newline_not_stripped")
    assert failed(tests) == {"transcript", "extra_args", "generated_files", "blank_lines"}
    assert {tests[k]["cause"] for k in failed(tests)} == {"end_of_line:joueurs_par_nation.py"}
    out = tests["transcript"]["output"]
    assert out.startswith("joueurs_par_nation.py compares the argument with the nation field while it "
                          "still ends with '\\n'. Given `br` it printed nothing; given `br` followed by "
                          "a newline character, it printed the players of br.")
    assert "so its last field is 'fr\\n', not 'fr'" in out
    assert len(blocks_of(terminal_report(graded, "jpn_newline_not_stripped"))) == 1


@pytest.mark.parametrize("name,script,checks,footer", [
    ("jpn_list_then_footer", "joueurs_par_nation.py", {"transcript", "extra_args"},
     "Affichage des joueurs de nation br termine"),
    ("jn_parent_list_then_footer", "joueurs_nation_parent.py",
     {"parent_transcript", "parent_delegates", "extra_args"}, "Affichage termine"),
])
def test_text_after_the_list_costs_the_list_checks_not_the_blank_lines(graded, name, script, checks,
                                                                       footer):
    """An empty line, then text, after the players: no blank line stands
    between two players, so the blank-line check passes; the checks of the
    list lose their points, for one cause told once."""
    tests, _ = graded(name)
    blank = "blank_lines" if name.startswith("jpn") else "parent_blank_lines"
    assert tests[blank]["status"] == "passed"
    generated = "generated_files" if name.startswith("jpn") else "parent_generated_files"
    assert checks | {generated} <= failed(tests)
    for key in checks:
        assert tests[key]["cause"] == f"around_list:{script}", key
    transcript = tests["transcript" if name.startswith("jpn") else "parent_transcript"]["output"]
    assert transcript.startswith(f"{script} prints `{footer}` besides the players.")
    assert "nothing before or after them (no title, no closing message)" in transcript
    # a nation with no player: the text alone, said as such
    assert "For a nation with no player, print nothing at all" in tests[generated]["output"]
    text = terminal_report(graded, name)
    assert text.count("  -> [1] ") == len(checks)  # each check's line points to the cause,
    assert sum(b[0].startswith("[1] ") for b in blocks_of(text)) == 1  # told once


def test_a_producer_printing_one_character_per_line_is_named(graded):
    tests, (score, max_score) = graded("jn_subproc_chars_per_line")
    producer_checks = {"subproc_transcript", "subproc_generated_files", "extra_args", "subproc_blank_lines"}
    assert failed(tests) == producer_checks | {"parent_transcript"}
    for key in producer_checks:
        assert tests[key]["cause"] == "characters:joueurs_nation_subproc.py", key
    out = tests["subproc_transcript"]["output"]
    assert out.startswith("joueurs_nation_subproc.py prints each character on a line of its own. "
                          "Lines 1 to 147 of its output spell `Lloris:Spurs Tottenham:g:1986:frBenzema")
    assert "print(c) in a loop over the characters of a line instead of print(line)" in out
    assert "lst += line adds the line's characters one by one" in out
    assert "not of nation" not in out
    # no blank-line verdict on characters: the same cause, no diff of its own
    blank = tests["subproc_blank_lines"]["output"]
    assert "Expected:" not in blank and "Difference" not in blank and "blank line(s)" not in blank
    # the pair, as in the statement: what the producer sends is said
    pair = tests["parent_transcript"]
    assert pair["output"].startswith("joueurs_nation_parent.py printed nothing; "
                                     "`./joueurs_nation_subproc.py fr`, run alone, prints 143 line(s) "
                                     "that are not the file's lines of nation 'fr' (the first: `L`).")
    assert pair["cause"] == "nothing_printed:joueurs_nation_parent.py:producer_wrong"
    # the terminal report: the cause once, with a short excerpt of the 147 lines
    text = terminal_report(graded, "jn_subproc_chars_per_line")
    assert text.count("Lines 1 to 147 of its output spell") == 1
    cause = next(b for b in blocks_of(text) if b[0].startswith("[1]"))
    assert "        | [... 135 lines left out: --details shows them]" in cause and len(cause) <= 32


def test_spelled_out_finds_one_line_spelled_after_the_list():
    """The real hand-in (2019 lab): the file's last line, character by
    character, after the right lines."""
    from grader.foot import Player, spelled_out
    everyone = [Player("Elie Okobo", "Phoenix Suns", 1997, "fr", "Elie Okobo:1.88:Phoenix Suns:1997:fr"),
                Player("De'Aaron Fox", "Sacramento Kings", 1997, "us",
                       "De'Aaron Fox:1.91:Sacramento Kings:1997:us")]
    raw = ["Elie Okobo:1.88:Phoenix Suns:1997:fr", *"De'Aaron Fox:1.91:Sacramento Kings:1997:us", ""]
    assert spelled_out(raw, everyone) == (1, 42, "De'Aaron Fox:1.91:Sacramento Kings:1997:us")
    # single letters that spell no name, and blank lines between players, are not it
    assert spelled_out(["a", "b", "c", "d", "e"], everyone) is None
    assert spelled_out(["Elie Okobo, Phoenix Suns, 22", "", "De'Aaron Fox, Sacramento Kings, 22"],
                       everyone) is None


def test_a_consumer_crash_is_told_once_with_every_check_it_cost(graded):
    tests, (score, max_score) = graded("jn_parent_name_error")
    lost = {"parent_transcript", "parent_delegates", "parent_generated_files", "parent_blank_lines",
            "extra_args"}
    assert failed(tests) == lost
    causes = {tests[k]["cause"] for k in lost}
    assert len(causes) == 1 and causes.pop().startswith("crash:joueurs_nation_parent.py:")
    assert "does not print the players that the producer sent" not in tests["parent_delegates"]["output"]
    text = terminal_report(graded, "jn_parent_name_error")
    blocks = blocks_of(text)
    assert len(blocks) == 1 and "It cost 5 checks (9 points)" in blocks[0][1]
    assert "NameError: name 'date' is not defined" in "\n".join(blocks[0])


def test_a_producer_printing_every_line_is_named_and_its_blank_lines_show_the_expected_lines(graded):
    """2019 lab, a print() outside its if: every line of the file, each
    followed by a blank line. The blank-line check's Expected block holds the
    lines of the nation only, not the 45 printed."""
    tests, _ = graded("nba_subproc_print_outside_if")
    assert failed(tests) == {"subproc_transcript", "subproc_blank_lines", "subproc_generated_files",
                             "parent_transcript", "extra_args"}
    for key in ("subproc_transcript", "subproc_generated_files", "extra_args"):
        assert tests[key]["cause"] == "every_line:nba_nation_subproc.py", key
    assert tests["subproc_transcript"]["output"].startswith(
        "nba_nation_subproc.py prints every player of nba_2019.txt, whatever their nation.")
    assert "the print() goes inside the if, indented under it" in tests["subproc_transcript"]["output"]
    blank = tests["subproc_blank_lines"]["output"]
    assert blank.startswith("44 blank line(s) between the lines printed")
    expected = blank.split("Expected:\n")[1].split("Got:\n")[0]
    assert expected.count("    | ") == 8 and "LeBron James" not in expected  # the 8 players of fr
    assert "Difference" not in blank  # not a diff of 45 lines against 8
    pair = tests["parent_transcript"]["output"]
    assert pair.startswith("nba_nation_parent.py prints every player of nba_2019.txt")
    assert "`./nba_nation_subproc.py fr`, run alone, prints every line of the file too" in pair


def test_the_2019_usage_wording_is_the_labs_in_the_title_and_the_hint(graded):
    tests, (score, max_score) = graded("nba_parent_usage_pays")
    assert failed(tests) == {"parent_usage_wording"} and score == max_score - 1
    t = tests["parent_usage_wording"]
    assert t["name"].endswith("the message is `Usage : nba_nation_parent.py nation`")
    assert "The statement's message is `Usage : nba_nation_parent.py nation`" in t["output"]
    assert "Usage: nba_" not in t["output"]


# Every variant of I.2 and I.4: its terminal report fits (docs/LAB.md, issue 22).
PLAYER_VARIANTS = sorted(p.name for p in SUBMISSIONS.iterdir() if p.name.startswith(("jpn_", "jn_")))


@pytest.mark.parametrize("name", PLAYER_VARIANTS)
def test_player_reports_fit_on_a_screen(graded, name):
    """At most 30 lines a failed check (CHECK_LINES, its title and a cause's
    "It cost" line aside), at most 200 for the whole hand-in: the report of
    the variant's exercise, plus the lines of the other exercises, which pass
    (a score line, a title, a line per check and a blank line each)."""
    from grader.report import CHECK_LINES, REPORT_LINES
    from grader.rubric import read_rubric
    tests, _ = graded(name)
    text = terminal_report(graded, name)
    others = sum(len(keys) + 3 for ex, keys in read_rubric().points.items() if ex != exercise_of(name))
    assert text.count("\n") + others <= REPORT_LINES, text
    for block in blocks_of(text):
        own = len(block) - (2 if block[0].startswith("[") else 1)
        assert own <= CHECK_LINES, "\n".join(block)


def test_a_long_file_and_a_long_output_are_cut_to_what_supports_the_sentence(english):
    """The terminal report's view (brief_context, brief_actual): a generated
    file cut to the lines of the nation and those printed; a long output cut
    to the lines from where it goes wrong. --details keeps both whole."""
    from grader.kit.evidence import brief_run
    from grader.kit.players import brief_setting
    from grader.foot import parse_foot
    from grader.harness import RunResult
    text = "".join(f"Joueur {i}:Club {i}:a:199{i}:{'fr' if i in (2, 6) else 'es'}\n" for i in range(9))
    context = f"foot_2020.txt:\n{text.rstrip()}\ntoday = 2030-01-01"
    expected = [p for p in parse_foot(text) if p.nation == "fr"]
    r = RunResult(command="./joueurs_par_nation.py fr", stdout="Joueur 2, Club 2, 38\nJoueur 3, Club 3, 37\n",
                  stderr="", status=0)
    assert brief_setting(context, text, expected, r) == (
        "foot_2020.txt:\nJoueur 2:Club 2:a:1992:fr\nJoueur 3:Club 3:a:1993:es\nJoueur 6:Club 6:a:1996:fr\n"
        "[... 6 other lines of the file, of other players: --details shows them]\ntoday = 2030-01-01")
    assert brief_setting("foot_2020.txt is not in the current folder", text, expected, r) is None
    assert brief_run(r) is None  # short: shown whole
    long = RunResult(command="./x.py", stdout="".join(f"line {i}\n" for i in range(40)), stderr="", status=0)
    brief = brief_run(long, 20).split("\n")
    assert brief[:3] == ["stdout:", "[... 20 lines before ...]", "line 20"]
    assert brief[-4:] == ["[... 8 lines left out: --details shows them]", "stderr:", "(nothing)", "exit status: 0"]
