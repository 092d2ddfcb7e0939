"""What an instructor controls (issue 14): checks kept for grading time
(rubric visibility), the grading seed, and the students' watch mode."""
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, as_typed_in_a_terminal, exercise_scores, grade_dir
from public_cases import generated_cases, public_answers
from test_stops import leftovers
from variants import SUBMISSIONS, build, load

JPN = "joueurs_par_nation"
HARDCODING = SUBMISSIONS / "jpn_hardcodes_public_answers"


def instructors_rubric(path: Path, seed=None) -> Path:
    """The grader's rubric with two checks kept for grading time: I.2's
    generated files (hidden, 5 points) and chrono's SIGQUIT (after the due
    date, 2 points)."""
    text = (ROOT / "grader" / "rubric.toml").read_text(encoding="utf-8")
    text = text.replace("\ngenerated_files = 5 ", '\ngenerated_files = { points = 5, visibility = "hidden" } ', 1)
    text = text.replace("\nsigquit_stops = 2 ", '\nsigquit_stops = { points = 2, visibility = "after_due_date" } ', 1)
    assert text.count("visibility") == 2
    if seed is not None:
        text = f"seed = {seed}\n" + text
    path.write_text(text, encoding="utf-8")
    return path


def checks(report) -> dict:
    return {(t["exercise"], t["check"]): t for t in report["tests"]}


# ---------------------------------------------------------------------------
# Visibility

def test_a_students_run_leaves_out_the_kept_checks_and_says_how_many_points(tmp_path):
    rubric = instructors_rubric(tmp_path / "rubric.toml")
    proc, report = grade_dir(ROOT / "student_template", "--exercise", JPN, "--exercise", "chrono",
                             "--rubric", str(rubric))
    assert proc.returncode == 0, proc.stderr
    graded = checks(report)
    assert (JPN, "generated_files") not in graded and ("chrono", "sigquit_stops") not in graded
    assert (JPN, "transcript") in graded and ("chrono", "sigint_count") in graded
    assert all(t["visibility"] == "visible" for t in report["tests"])
    assert report["kept_for_grading"] == {JPN: 5, "chrono": 2}
    assert exercise_scores(report)[JPN][1] == 13  # 18 points, 5 kept
    assert "(visible checks only)" in proc.stdout
    assert "7 more points are kept for grading time" in proc.stdout
    assert "I.2 joueurs_par_nation.py (5), II.1 chrono.py (2)" in proc.stdout
    assert "Generated files" not in proc.stdout


def test_all_checks_runs_the_kept_checks_with_their_visibility(tmp_path):
    rubric = instructors_rubric(tmp_path / "rubric.toml")
    proc, report = grade_dir(ROOT / "reference", "--exercise", JPN, "--rubric", str(rubric), "--all-checks")
    assert proc.returncode == 0, proc.stderr
    graded = checks(report)
    assert graded[(JPN, "generated_files")]["visibility"] == "hidden"
    assert graded[(JPN, "generated_files")]["status"] == "passed"
    assert graded[(JPN, "transcript")]["visibility"] == "visible"
    assert "kept_for_grading" not in report and "kept for grading time" not in proc.stdout
    assert exercise_scores(report)[JPN] == (18, 18)


def test_a_class_grading_runs_the_kept_checks(tmp_path):
    rubric = instructors_rubric(tmp_path / "rubric.toml")
    hand_ins = tmp_path / "class"
    shutil.copytree(ROOT / "student_template", hand_ins / "Ada Lovelace_1001_assignsubmission_file_")
    proc = subprocess.run([sys.executable, "-m", "grader", "--batch", str(hand_ins), "--out", str(tmp_path / "out"),
                           "--exercise", JPN, "--rubric", str(rubric), "--lang", "en"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    [report_file] = (tmp_path / "out" / "students").glob("*/report.json")
    graded = checks(json.loads(report_file.read_text(encoding="utf-8")))
    assert graded[(JPN, "generated_files")]["visibility"] == "hidden"
    assert graded[(JPN, "generated_files")]["status"] == "failed"


def test_a_platform_log_withholds_what_a_kept_check_ran(english):
    from grader.feedback import Feedback
    from grader.report import text_report
    from grader.kit.result import CheckResult
    from grader.vpl import vpl_report
    secret = Feedback("The output is wrong.", command="./joueurs_par_nation.py zz", expected="SECRET LINE")
    results = [CheckResult(JPN, "generated_files", "Generated files", 5, False, secret, visibility="hidden"),
               CheckResult(JPN, "transcript", "Transcript", 3, False,
                           Feedback("Not the transcript.", command="./joueurs_par_nation.py br"))]
    for shown in (vpl_report(results), text_report(results, "hand-in", 1.0, withhold_hidden=True)):
        assert "Generated files" in shown and "kept for grading time" in shown
        assert "SECRET LINE" not in shown and "zz" not in shown
        assert "./joueurs_par_nation.py br" in shown  # a visible check keeps its details
    assert "SECRET LINE" in text_report(results, "hand-in", 1.0)  # the instructor's own run


def test_the_bundles_carry_the_instructors_rubric_and_seed_and_run_every_check(tmp_path):
    rubric = instructors_rubric(tmp_path / "rubric.toml", seed=5)
    zip_file = tmp_path / "gradescope.zip"
    subprocess.run([sys.executable, "-m", "grader", "--gradescope-bundle", str(zip_file), "--rubric", str(rubric),
                    "--seed", "77"], cwd=ROOT, check=True, capture_output=True, timeout=120)
    with zipfile.ZipFile(zip_file) as z:
        carried = z.read("grader/rubric.toml").decode("utf-8")
        run_autograder = z.read("run_autograder").decode("utf-8")
    assert carried.startswith("seed = 77") and "seed = 5" not in carried  # --seed wins over the file's
    assert carried.count('visibility = "hidden"') == 1
    assert "--all-checks" in run_autograder
    from grader.vpl import VPL_EVALUATE
    assert "--all-checks" in VPL_EVALUATE
    repo = tmp_path / "classroom"
    repo.mkdir()
    subprocess.run([sys.executable, "-m", "grader", "--github-classroom", str(repo), "--rubric", str(rubric)],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    with zipfile.ZipFile(repo / ".github" / "tp-grader.zip") as z:
        assert z.read("tp-grader/grader/rubric.toml").decode("utf-8") == rubric.read_text(encoding="utf-8")
    from grader import github_classroom
    import inspect
    assert '"--all-checks", "--withhold-hidden"' in inspect.getsource(github_classroom.grade_exercise)


@pytest.mark.parametrize("mistake, said", [
    ('generated_files = { points = 5, visibility = "secret" }', "visibility must be one of"),
    ('generated_files = { point = 5 }', "must be a number, or"),
    ("seed = -3", "seed must be a whole number"),
])
def test_a_rubric_with_a_mistake_is_a_clear_error(tmp_path, mistake, said):
    rubric = tmp_path / "rubric.toml"
    if mistake.startswith("seed"):
        rubric.write_text(mistake + "\n" + (ROOT / "grader" / "rubric.toml").read_text(encoding="utf-8"))
    else:
        rubric.write_text(f"[{JPN}]\n{mistake}\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "grader", str(ROOT / "reference"), "--rubric", str(rubric),
                           "--lang", "en"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert said in proc.stderr and str(rubric) in proc.stderr and "Traceback" not in proc.stderr


# ---------------------------------------------------------------------------
# The grading seed

def test_a_seed_draws_other_cases_and_the_same_ones_every_time():
    from grader import draws
    from grader.checks.joueurs_par_nation import test_generated_files
    public, one, one_again, two = (generated_cases(test_generated_files, s) for s in (None, 1, 1, 2))
    assert one == one_again
    assert len({tuple(public), tuple(one), tuple(two)}) == 3
    # after the 4 explicit cases: 8 generated ones, all new but hypothesis's
    # simplest example, which it always tries first (Frenkie de Jong, 2022)
    generated = lambda cases: {(c.text, c.nation, c.today) for c in cases[4:]}  # noqa: E731
    assert len(generated(public)) == 8
    assert len(generated(public) & generated(one)) <= 1 and len(generated(one) & generated(two)) <= 1
    # the explicit traps stay, on other days
    assert [c.text for c in public[:4]] == [c.text for c in one[:4]]
    assert [c.today for c in public[:4]] != [c.today for c in one[:4]]
    assert {c.nation for c in public} != {c.nation for c in one}
    saved = draws.grading_seed()
    try:
        draws.set_grading_seed(1)
        assert draws.client_seed(7) != 7 and draws.client_seed(7) == draws.client_seed(7)
        assert {draws.choice("uy", ["jp", "ma", "cm"], "x")} <= {"jp", "ma", "cm"}
    finally:
        draws.set_grading_seed(saved)
    assert draws.client_seed(7) == 7


def test_the_public_draws_do_not_depend_on_the_modules_a_process_loaded(tmp_path):
    """hypothesis mixes in the literals of loaded local modules: a worker,
    --jobs 1 and an installed wheel loaded different ones."""
    (tmp_path / "student_notes.py").write_text(
        "WORDS = [" + ", ".join(repr(f"Ñ{w}") for w in ("line", "print", "Kante", "Club", "zz")) + "]\n")
    digest = ("import hashlib, public_cases; "
              "print(hashlib.sha1(repr(public_answers()).encode()).hexdigest())")
    alone = f"from public_cases import public_answers; {digest}"
    crowded = ("import student_notes, grader.checks.wine_bottles, grader.checks.chrono, grader.checks.joueurs_nation; "
               f"from public_cases import public_answers; {digest}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(tmp_path), str(ROOT)])}
    outputs = [subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=120, check=True).stdout for code in (alone, crowded)]
    assert outputs[0] == outputs[1]


def hardcoded_answers() -> dict:
    text = (HARDCODING / "joueurs_par_nation.py").read_text(encoding="utf-8")
    table = text[text.index("REPONSES = ") + len("REPONSES = "):text.index("\n\ncontenu = f.read()")]
    return eval(table)  # a literal of our own variant


def test_the_hardcoding_variant_passes_the_public_runs_only(tmp_path):
    # Its answers are those of the public draw (which follows hypothesis's
    # version and the check's source): if this fails, print them anew with
    # `python tests/public_cases.py` and paste them into the variant.
    assert hardcoded_answers() == public_answers()
    variant = load(HARDCODING)
    assert variant.seed is not None  # test_submissions.py grades it with its seed: it loses points there
    sub = build(variant, tmp_path / "hc")
    proc, report = grade_dir(sub, "--exercise", JPN)
    assert proc.returncode == 0, proc.stderr
    assert exercise_scores(report)[JPN] == (18, 18)


SEEDS = [1, 42, 2027, 31337, 987654321]


@pytest.mark.parametrize("seed", SEEDS)
def test_reference_full_marks_and_template_zero_under_a_seed(seed):
    proc, report = grade_dir(ROOT / "reference", "--seed", str(seed))
    assert proc.returncode == 0, proc.stderr
    failed = [t["name"] for t in report["tests"] if t["status"] != "passed"]
    assert report["score"] == report["max_score"] > 0, failed
    proc, report = grade_dir(ROOT / "student_template", "--seed", str(seed))
    assert proc.returncode == 0, proc.stderr
    assert report["score"] == 0, [t["name"] for t in report["tests"] if t["status"] == "passed"]


def test_a_seed_gives_the_same_verdicts_on_every_run(tmp_path):
    sub = build(load(SUBMISSIONS / "jn_parent_hardcoded_year"), tmp_path / "jn")
    build(load(HARDCODING), tmp_path / "hc")
    shutil.copy2(tmp_path / "hc" / "joueurs_par_nation.py", sub / "joueurs_par_nation.py")
    verdicts = []
    for jobs in ("1", "3", "3"):
        proc, report = grade_dir(sub, "--exercise", JPN, "--exercise", "joueurs_nation", "--exercise",
                                 "wine_bottles", "--seed", "31337", "--jobs", jobs)
        assert proc.returncode == 0, proc.stderr
        verdicts.append({k: (t["status"], t["output"]) for k, t in checks(report).items()})
    assert verdicts[0] == verdicts[1] == verdicts[2]
    assert verdicts[0][(JPN, "generated_files")][0] == "failed"
    assert verdicts[0][("joueurs_nation", "parent_generated_files")][0] == "failed"


def test_a_seed_in_the_rubric_is_the_grading_seed(tmp_path):
    sub = build(load(HARDCODING), tmp_path / "hc")
    proc, report = grade_dir(sub, "--exercise", JPN, "--rubric", str(instructors_rubric(tmp_path / "r.toml", 2027)),
                             "--all-checks")
    assert proc.returncode == 0, proc.stderr
    assert checks(report)[(JPN, "generated_files")]["status"] == "failed"


# ---------------------------------------------------------------------------
# Watch mode

class Lines:
    """A process's output lines, read by a thread, waited for with a limit."""

    def __init__(self, stream):
        self.seen: list[str] = []
        self._queue: "queue.Queue[str]" = queue.Queue()
        threading.Thread(target=lambda: [self._queue.put(line) for line in stream], daemon=True).start()

    def until(self, pattern: str, timeout: float = 120) -> list[str]:
        """The lines up to the first that matches `pattern`."""
        end, got = time.monotonic() + timeout, []
        while time.monotonic() < end:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            got.append(line.rstrip("\n"))
            self.seen.append(got[-1])
            if re.search(pattern, line):
                return got
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s; output:\n" + "\n".join(self.seen))


# The grader as the students' kit runs it: watchfiles is not there (grader/watch.py polls).
WITHOUT_WATCHFILES = ["-c", "import sys; sys.modules['watchfiles'] = None; from grader.cli import main; "
                      "sys.exit(main())"]


@pytest.mark.parametrize("how", [["-m", "grader"], WITHOUT_WATCHFILES], ids=["watchfiles", "polling"])
def test_watch_grades_again_only_the_exercise_whose_script_changed(tmp_path, how):
    folder = shutil.copytree(ROOT / "reference", tmp_path / "tp")
    session = f"testwatch{uuid.uuid4().hex[:8]}-"
    since = time.time()
    proc = subprocess.Popen([sys.executable, *how, str(folder), "--watch", "--lang", "en",
                             "--exercise", JPN, "--exercise", "bottles_of_beer2"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, "TPGRADER_SESSION": session},
                            preexec_fn=as_typed_in_a_terminal)
    try:
        out = Lines(proc.stdout)
        first = out.until("^Watching")
        assert any("graded I.2 joueurs_par_nation.py, II.2 bottles_of_beer2.py" in ln for ln in first), first
        assert any(re.search(r"OK  I\.2 .*18 / 18", ln) for ln in first), first
        # a file that is no script of the lab: nothing to grade
        (folder / "notes.txt").write_text("à faire\n", encoding="utf-8")
        time.sleep(1.5)
        # a mistake in one script: that exercise only is graded again
        script = folder / "bottles_of_beer2.py"
        text = script.read_text(encoding="utf-8")
        assert '"bottles of beer"' in text
        script.write_text(text.replace('"bottles of beer"', '"bottles of wine"'), encoding="utf-8")
        second = out.until("^Watching")
        graded = [ln for ln in second if " graded " in ln]
        assert len(graded) == 1 and "II.2 bottles_of_beer2.py" in graded[0] and "joueurs_par_nation" not in graded[0], second
        assert any(re.search(r"--  II\.2 bottles_of_beer2\.py: \d+ / \d+", ln) for ln in second), second
        assert any(ln.strip().startswith("x ") for ln in second), second
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C
        assert proc.wait(timeout=60) == 130
        assert "Traceback" not in proc.stderr.read()
        time.sleep(1.0)
        assert leftovers(session, proc.pid, since) == []
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_watch_needs_a_folder(tmp_path):
    archive = shutil.make_archive(str(tmp_path / "tp"), "zip", ROOT / "reference")
    proc = subprocess.run([sys.executable, "-m", "grader", archive, "--watch", "--lang", "en"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--watch needs a folder" in proc.stderr

