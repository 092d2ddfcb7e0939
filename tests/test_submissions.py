"""The grader judged on submissions whose verdict is known: the reference
(full marks), the template (zero) and every variant of tests/submissions/
(one bug: loses points in its own exercise only; or another correct style:
full marks)."""
import pytest

from conftest import ROOT, exercise_scores, grade_dir, report_too_long
from variants import all_variants, build, touched_exercises

VARIANTS = [v for v in all_variants() if not v.hostile]  # hostile ones: test_hostile.py


def test_reference_scores_full_marks(tmp_path):
    proc, report = grade_dir(ROOT / "reference")
    assert proc.returncode == 0, proc.stderr
    for ex, (score, max_score) in exercise_scores(report).items():
        assert max_score > 0 and score == max_score, (ex, [t for t in report["tests"] if t["status"] != "passed"])


def test_template_scores_zero_cleanly(tmp_path):
    proc, report = grade_dir(ROOT / "student_template")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr  # the grader's own; reports may quote the student's
    assert report["score"] == 0, [t["name"] for t in report["tests"] if t["status"] == "passed"]
    assert report["max_score"] > 0
    assert report_too_long(proc.stdout) == []  # the terminal report fits a screen or so
    # every failed check explains itself, and none is a grader failure
    assert all(t["output"].strip() for t in report["tests"])
    assert not [t["name"] for t in report["tests"] if "grader failed on this check" in t["output"]]


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_variant(variant, tmp_path):
    # Only the exercises whose scripts the variant changes are graded: every
    # other exercise has the reference's files, and exercises are graded
    # independently (multiChrono even uses the grader's own chrono.py), so
    # they get the reference's full marks, which the test above checks.
    touched = touched_exercises(variant)
    assert touched, f"{variant.name} changes no script of the lab"
    if variant.loses:
        assert variant.loses in touched
    sub = build(variant, tmp_path / variant.name)
    proc, report = grade_dir(sub, *[a for ex in touched for a in ("--exercise", ex)], *variant.grading_options())
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr  # the grader's own; reports may quote the student's
    scores = exercise_scores(report)
    for ex, (score, max_score) in scores.items():
        if ex == variant.loses:
            assert score < max_score, f"{variant.name} should lose points in {ex}"
        else:
            failed = [t["name"] for t in report["tests"] if t["exercise"] == ex and t["status"] != "passed"]
            assert score == max_score, f"{variant.name} lost points in {ex}: {failed}"
    if variant.loses:
        assert variant.loses in scores
    # the checks that must fail are those of the exercise that loses points,
    # or, for a correct variant, of the one exercise it touches (a 0-point check)
    exercise = variant.loses or (touched[0] if len(touched) == 1 else None)
    status = {(t["exercise"], t["check"]): t["status"] for t in report["tests"]}
    for key in variant.failing:
        assert status[(exercise, key)] == "failed", f"{variant.name}: {key} should fail"
    # the terminal report: at most 200 lines, a failed check's block 30
    assert report_too_long(proc.stdout) == [], variant.name
    # a grader that broke on a check says so in the check's output
    assert not [t["name"] for t in report["tests"] if "grader failed on this check" in t["output"]]
