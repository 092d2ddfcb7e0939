"""The command line, the rubric, the translations, the fixture."""
import json
import os
import shutil
import subprocess
import sys

from conftest import ROOT, grade_dir
from grader.foot import parse_foot, players_of
from grader.i18n import LOCALE_DIR, read_po, source_messages
from grader.lab import active_lab
from grader.rubric import load_rubric


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_missing_folder_is_a_one_line_error(tmp_path):
    p = run_cli(str(tmp_path / "nope"))
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "nope" in p.stderr and "Traceback" not in p.stderr


def test_an_error_names_the_command_as_it_was_typed(tmp_path):
    """A message begins with the command's name, as a Unix tool's does: the
    path the user typed for grade.sh, else `python -m grader` (the installed
    `tp-grader`: test_wheel.py)."""
    missing = str(tmp_path / "nope")
    env = {k: v for k, v in os.environ.items() if k != "TPGRADER_COMMAND"}
    by_module = subprocess.run([sys.executable, "-m", "grader", missing, "--lang", "en"], cwd=ROOT, capture_output=True,
                               text=True, timeout=120, env=env)
    assert by_module.stderr.startswith(f"python -m grader: cannot grade {missing}: "), by_module.stderr
    for typed, cwd in (("./grade.sh", ROOT), (str(ROOT / "grade.sh"), tmp_path)):
        by_script = subprocess.run([typed, missing, "--lang", "en"], cwd=cwd, capture_output=True, text=True, timeout=300, env=env)
        assert by_script.stderr.startswith(f"{typed}: cannot grade {missing}: "), by_script.stderr
    by_script = subprocess.run(["./grade.sh", "--watch", "--lang", "en"], cwd=ROOT, capture_output=True, text=True,
                               timeout=300, env=env)
    assert by_script.stderr == "./grade.sh: which folder? ./grade.sh DIR --watch\n", by_script.stderr


def test_a_file_is_not_a_submission(tmp_path):
    f = tmp_path / "x.py"
    f.write_text("print(1)\n")
    p = run_cli(str(f))
    assert p.returncode == 2 and p.stderr.count("\n") == 1


def test_bad_option_is_an_error():
    p = run_cli("reference", "--colour")
    assert p.returncode == 2 and "Traceback" not in p.stderr


def test_unwritable_json_target_is_an_error(tmp_path):
    p = run_cli("reference", "--json", str(tmp_path / "no" / "such" / "r.json"))
    assert p.returncode == 2 and p.stderr.count("\n") == 1


def test_empty_folder_gets_a_report_with_zero(tmp_path):
    (tmp_path / "empty").mkdir()
    proc, report = grade_dir(tmp_path / "empty", "--exercise", "joueurs_par_nation")
    assert proc.returncode == 0
    assert report["score"] == 0 and report["max_score"] > 0
    assert all("joueurs_par_nation.py" in t["output"] for t in report["tests"])


def test_json_report_has_the_agreed_names(tmp_path):
    proc, report = grade_dir(ROOT / "reference", "--exercise", "joueurs_par_nation")
    assert set(report) >= {"score", "max_score", "execution_time", "exercises", "tests"}
    assert set(report["exercises"][0]) == {"id", "name", "score", "max_score"}
    for t in report["tests"]:
        assert set(t) >= {"name", "exercise", "score", "max_score", "status", "output", "visibility"}
        assert t["status"] in ("passed", "failed")
    json.dumps(report)


def test_timing_splits_each_checks_cpu_between_the_grader_and_its_programs():
    """bench/bench.py --per-check reads this; off unless TPGRADER_TIMING is set."""
    _, report = grade_dir(ROOT / "reference", "--exercise", "joueurs_par_nation", env={"TPGRADER_TIMING": "1"})
    timing = {t["check"]: t for t in report["timing"]}
    assert len(timing) == len(report["tests"])
    for t in timing.values():
        assert 0 <= t["cpu_programs"] <= t["cpu"] and t["wall"] > 0
    assert timing["launch"]["cpu_programs"] > 0  # it ran the student's program
    _, report = grade_dir(ROOT / "reference", "--exercise", "joueurs_par_nation")
    assert "timing" not in report


def test_grading_the_current_folder_leaves_no_cache_in_it(tmp_path):
    """VPL and `cd tp && grade.sh .` grade the current folder: hypothesis's
    cache (./.hypothesis by default) was written into it while the sandboxes
    copied it, and a check failed on the race."""
    folder = tmp_path / "tp"
    shutil.copytree(ROOT / "reference", folder)
    proc, report = grade_dir(folder, "--exercise", "joueurs_par_nation", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert report["score"] == report["max_score"], [t["output"] for t in report["tests"] if t["status"] != "passed"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in (ROOT / "reference").iterdir()
                                                              if p.name != "__pycache__")


def test_report_is_french_by_default(tmp_path):
    (tmp_path / "empty").mkdir()
    p = run_cli(str(tmp_path / "empty"), "--exercise", "joueurs_par_nation")
    assert "n'est pas dans votre dossier" in p.stdout
    p = run_cli(str(tmp_path / "empty"), "--exercise", "joueurs_par_nation", "--lang", "en")
    assert "is not in your folder" in p.stdout


def test_every_message_has_a_french_translation():
    catalog = read_po(LOCALE_DIR / "fr" / "LC_MESSAGES" / "grader.po")
    missing = [m for m in source_messages() if not catalog.get(m)]
    assert missing == [], "run: python scripts/update_po.py TRANSLATIONS.py"
    # the placeholders of a translation are those of its source
    import string
    fields = lambda s: sorted(f for _, f, _, _ in string.Formatter().parse(s) if f)  # noqa: E731
    assert [m for m in source_messages() if fields(m) != fields(catalog[m])] == []


def test_rubric_points_match_the_checks():
    proc, report = grade_dir(ROOT / "student_template")
    checks = {(t["exercise"], t["check"]) for t in report["tests"]}
    rubric = {(ex, k) for ex, ks in load_rubric().items() for k in ks}
    assert checks == rubric


def test_fixture_reproduces_the_statement_transcripts():
    text = active_lab().data.fixture.read_text(encoding="utf-8")
    assert len(parse_foot(text)) >= 100
    br = [(p.name, p.club, 2021 - p.year) for p in players_of(text, "br")]
    assert br == [("Neymar", "PSG", 29), ("Alisson", "Liverpool", 29), ("Firmino", "Liverpool", 30),
                  ("Marquinhos", "PSG", 27), ("Fernandinho", "Manchester City", 36)]
    fr = [(p.name, p.club, 2021 - p.year) for p in players_of(text, "fr")]
    assert fr == [("Lloris", "Spurs Tottenham", 35), ("Benzema", "Real Madrid", 34),
                  ("Varane", "Real Madrid", 28), ("Pogba", "Manchester United", 28),
                  ("Kante", "Chelsea", 30)]
    assert players_of(text, "fr")[0].line == "Lloris:Spurs Tottenham:g:1986:fr"


def test_wine_bottles_on_the_shared_network_full_marks_and_a_note(tmp_path):
    """Where no private network can be made (a student's laptop), the wine
    scenarios run on the machine's network and the report says so."""
    proc, report = grade_dir(ROOT / "reference", "--exercise", "wine_bottles",
                             env={"TPGRADER_NO_NETNS": "1"})
    assert proc.returncode == 0, proc.stderr
    assert report["score"] == report["max_score"] > 0, [
        t["output"] for t in report["tests"] if t["status"] != "passed"]
    assert "own network" in report["output"] and "own network" in proc.stdout
