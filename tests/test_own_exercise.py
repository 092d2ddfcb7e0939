"""An instructor's own exercise (docs/WRITING_CHECKS.md, "An exercise of
your own"): examples/wc/ adds I.1's wc.py to the lab of 2021, its checks in
a file beside the lab file, outside grader/, its points in the lab's
rubric. Graded with the lab's exercises, with no change to the grader."""
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT, exercise_scores, grade_dir
from grader.lab import read_lab

WC = ROOT / "examples" / "wc"
LAB = WC / "lab.toml"


def hand_in(tmp_path, lab_folder: str, wc_folder: str):
    """A hand-in of the whole lab: the 2021 scripts of `lab_folder`, and
    the wc.py of examples/wc/`wc_folder`."""
    folder = tmp_path / wc_folder
    shutil.copytree(ROOT / lab_folder, folder)
    shutil.copy2(WC / wc_folder / "wc.py", folder / "wc.py")
    return folder


def failing(report) -> dict:
    """Exercise -> the keys of its failed checks."""
    failed = {}
    for c in report["tests"]:
        if c["status"] != "passed":
            failed.setdefault(c["exercise"], set()).add(c["check"])
    return failed


def test_the_check_file_is_outside_the_grader():
    assert read_lab(LAB).exercises["wc"].checks == WC / "wc_checks.py"
    assert ROOT / "grader" not in (WC / "wc_checks.py").resolve().parents


def test_the_reference_scores_full_marks_with_the_labs_exercises(tmp_path):
    proc, report = grade_dir(hand_in(tmp_path, "reference", "reference"), "--lab", str(LAB))
    assert proc.returncode == 0, proc.stderr
    scores = exercise_scores(report)
    assert set(scores) == set(read_lab(LAB).exercises) and "wc" in scores
    assert all(score == top > 0 for score, top in scores.values()), scores
    assert scores["wc"] == (8, 8)


def test_the_template_scores_zero(tmp_path):
    proc, report = grade_dir(hand_in(tmp_path, "student_template", "student_template"), "--lab", str(LAB))
    assert proc.returncode == 0, proc.stderr
    scores = exercise_scores(report)
    assert "wc" in scores and all(score == 0 < top for score, top in scores.values()), scores
    assert "Traceback" not in proc.stdout + proc.stderr


def test_the_defective_version_loses_its_own_points_only(tmp_path):
    """It counts bytes for characters: the counts check fails, and says so."""
    proc, report = grade_dir(hand_in(tmp_path, "reference", "defective"), "--lab", str(LAB))
    assert proc.returncode == 0, proc.stderr
    assert failing(report) == {"wc": {"counts"}}
    [counts] = [c for c in report["tests"] if c["check"] == "counts"]
    assert "octets" in counts["output"] and "4 14 68 poeme.txt" in counts["output"], counts["output"]


# (what is changed in wc_checks.py, what the one-line error says, its line)
MISTAKES = [
    (("def test_usage(sandbox):", "def test_usage(sandbox)"), "it does not import: SyntaxError", "def test_usage"),
    (('SCRIPT = active_lab().exercises[EX].script()', 'SCRIPT = active_lab().exercises["wcx"].script()'),
     "it does not import: KeyError: 'wcx'", "SCRIPT ="),
    (('@check(EX, "missing_file"', '@check(EX, "usage"'), "two checks have the key 'usage'",
     '@check(EX, "usage", "Fichier absent'),
    (('@check(EX, "missing_file"', '@check(EX, "missing"'), "the check wc.missing has no points in the rubric",
     '@check(EX, "missing"'),
    (('@check(EX, "usage"', '@check("chrono", "usage"'), "holds the checks of [own.wc]", '@check("chrono"'),
    (("def test_usage(", "def usage("), "would never run", '@check(EX, "usage"'),
]


@pytest.mark.parametrize("change, said, line_of", MISTAKES, ids=[m[1].split(":")[0][:30] for m in MISTAKES])
def test_a_mistake_in_the_check_file_is_one_line_naming_the_file_and_the_line(tmp_path, change, said, line_of):
    lab = tmp_path / "lab"
    shutil.copytree(WC, lab)
    text = (lab / "lab.toml").read_text(encoding="utf-8").replace(
        '"../../grader/fixtures/', f'"{ROOT}/grader/fixtures/')
    (lab / "lab.toml").write_text(text, encoding="utf-8")
    checks = lab / "wc_checks.py"
    source = (WC / "wc_checks.py").read_text(encoding="utf-8")
    assert change[0] in source
    source = source.replace(change[0], change[1], 1)
    checks.write_text(source, encoding="utf-8")
    line = next(n for n, text in enumerate(source.split("\n"), 1) if line_of in text)
    proc = subprocess.run([sys.executable, "-m", "grader", str(WC / "reference"), "--lab", str(lab / "lab.toml"),
                           "--lang", "en"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()], proc.stderr
    assert f"python -m grader: bad check file: {checks}, line {line}: " in proc.stderr and said in proc.stderr, (
        line, proc.stderr)


def test_a_lab_whose_own_exercise_is_badly_written_is_a_one_line_error(tmp_path):
    lab = tmp_path / "lab.toml"
    shutil.copy2(WC / "rubric.toml", tmp_path / "rubric.toml")
    text = LAB.read_text(encoding="utf-8").replace('"../../grader/fixtures/', f'"{ROOT}/grader/fixtures/')
    for old, new, said in [('checks = "wc_checks.py"', 'checks = "absent.py"', "'own.wc.checks'"),
                           ('script = "wc.py"', 'script = "wc"', "'own.wc.script' must be a script's file name"),
                           ("[own.wc]", "[own.chrono]", "[own.chrono]: chrono is an exercise the grader")]:
        lab.write_text(text.replace(old, new), encoding="utf-8")
        (tmp_path / "wc_checks.py").write_text("", encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "grader", str(WC / "reference"), "--lab", str(lab),
                               "--lang", "en"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and said in proc.stderr and f"{lab}, line " in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_bundle_carries_the_check_file_and_grades_the_own_exercise(tmp_path):
    bundle = tmp_path / "autograder.zip"
    subprocess.run([sys.executable, "-m", "grader", "--gradescope-bundle", str(bundle), "--lab", str(LAB)],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    source = tmp_path / "source"
    with zipfile.ZipFile(bundle) as z:
        assert z.read("grader/labs/bundled/checks/wc_checks.py") == (WC / "wc_checks.py").read_bytes()
        z.extractall(source)
    proc, report = grade_dir(hand_in(tmp_path, "reference", "defective"), "--exercise", "wc",
                             command=[sys.executable, "-m", "grader"], cwd=source)
    assert proc.returncode == 0, proc.stderr
    assert exercise_scores(report) == {"wc": (5, 8)} and failing(report) == {"wc": {"counts"}}


# Each check of wc_checks.py shown to fail, on the reference's wc.py with one
# realistic bug: (the change, the only check that must fail, said in its report)
WC_BUGS = {
    "usage_on_stdout": (('sys.stderr.write("usage: wc.py fichier\\n")', 'print("usage: wc.py fichier")'),
                        "usage", "standard output (stdout)"),
    "no_try_around_open": (("try:\n    with open(name, encoding=\"utf-8\") as f:\n        text = f.read()\n"
                            "except OSError:\n    sys.stderr.write(name + \" : Pb ouverture\\n\")\n    sys.exit(1)\n",
                            "with open(name, encoding=\"utf-8\") as f:\n    text = f.read()\n"),
                           "missing_file", "FileNotFoundError"),
    "words_split_on_one_space": (("len(text.split())", "len(text.split(' '))"), "counts", "split(' ')"),
}


@pytest.mark.parametrize("bug", sorted(WC_BUGS))
def test_each_wc_check_fails_on_its_own_bug_only(tmp_path, bug):
    (old, new), key, said = WC_BUGS[bug]
    folder = tmp_path / bug
    folder.mkdir()
    source = (WC / "reference" / "wc.py").read_text(encoding="utf-8")
    assert old in source
    (folder / "wc.py").write_text(source.replace(old, new), encoding="utf-8")
    (folder / "wc.py").chmod(0o755)
    proc, report = grade_dir(folder, "--lab", str(LAB), "--exercise", "wc")
    assert proc.returncode == 0, proc.stderr
    assert failing(report) == {"wc": {key}}
    [check] = [c for c in report["tests"] if c["check"] == key]
    assert said in check["output"], check["output"]


def test_wc_launch_fails_without_the_run_bit_only(tmp_path):
    folder = tmp_path / "no_run_bit"
    folder.mkdir()
    shutil.copy2(WC / "reference" / "wc.py", folder / "wc.py")
    (folder / "wc.py").chmod(0o644)
    proc, report = grade_dir(folder, "--lab", str(LAB), "--exercise", "wc")
    assert proc.returncode == 0, proc.stderr
    assert failing(report) == {"wc": {"launch"}}
