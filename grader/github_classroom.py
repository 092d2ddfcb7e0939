"""GitHub Classroom autograding (./grade.sh --github-classroom DIR).

GitHub Classroom gives each student a repository made from the instructor's
template repository. Every push runs the template's workflow,
.github/workflows/classroom.yml, in GitHub Actions; its "Autograding Reporter"
step (classroom-resources/autograding-grading-reporter) adds up the points of
the test steps it lists and sends the total to Classroom, which shows it
beside the student's repository and in the grades it exports.

What the instructor does:
  1. make the template repository: a repository holding what students start
     from, laid out like student_template/ (the scripts at its top), marked
     "Template repository" in its settings;
  2. in a checkout of tp-grader: ./grade.sh --github-classroom TEMPLATE_CHECKOUT,
     then commit and push the .github/ folder it wrote there (pushing a
     workflow with a token needs its "workflow" scope);
  3. create the assignment in GitHub Classroom from that template repository,
     adding NO autograding test in Classroom's page (tests added there make
     Classroom write a workflow of its own over this one).

The workflow has one test step per exercise (classroom-resources/
autograding-command-grader), worth the exercise's points in rubric.toml. That
action gives all of a step's points when its command exits with status 0 and
none otherwise: it has no partial credit. So a step's command,
`python -m grader.github_classroom EXERCISE`, grades that exercise, prints
its report to the job's log, and exits with 0 only at full marks: an exercise
at 15/18 for tp-grader counts 0/18 in Classroom. The reporter would add up
partial scores, but only a step of our own writing its result could give
them, not GitHub's grading actions. The real score of every check is in the
log (a last step grades everything once and prints the whole report) and in
the JSON report, kept as the run's artifact `classroom-report`.

Where the grader comes from: a student's repository does not hold it, so the
grader's source is committed beside the workflow, as one archive,
.github/tp-grader.zip, which the workflow pip-installs (its dependencies come
from PyPI). One file, not a folder (the grader copies the graded folder, so
the repository, into every sandbox: the grader as a folder of files made
each sandbox's copy six times slower here, 154 ms against 25 ms). This is
the simplest thing for an instructor: no second repository to publish and no
token to give Classroom (the template may be private), and the grader is
pinned with the assignment: run --github-classroom again and commit to change
it (a student's repository keeps the version it was made with). The price:
students can unzip the grader from their repository, with its stand-in
programs (grader/fakes/: a producer of I.4 and a wine server and client,
written for the grader); not the reference solutions (reference/) nor the
tests.
Nothing GitHub Actions runs in a student's repository can be hidden from that
student anyway: they can change the workflow."""
from __future__ import annotations

import argparse
import json
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Optional

from .i18n import _
from .paths import PROJECT_DIR, bundled_files
from .lab import lab_files_for_bundle
from .rubric import RUBRIC_FILE, rubric_for_bundle

WORKFLOW = Path(".github") / "workflows" / "classroom.yml"
GRADER_ZIP = Path(".github") / "tp-grader.zip"  # the grader's source, pip-installable
# What pip needs to install the grader (not its tests, nor the reference solutions).
VENDORED = ["pyproject.toml", "README.md", "grader"]
REPORT_JSON = "classroom-report.json"
PYTHON_VERSION = "3.12"
STEP_TIMEOUT_MINUTES = 10  # the command grader's default; the grader stops a stuck exercise at 10

HEADER = """\
# GitHub Classroom autograding, written by tp-grader (./grade.sh --github-classroom DIR):
# write it again from there rather than edit it (the points come from grader/rubric.toml).
#
# Partial credit: GitHub Classroom's grade is the sum of the points of the steps the
# "Autograding Reporter" lists. Each of them (classroom-resources/autograding-command-grader)
# gives its whole max-score when its command exits with status 0, and 0 otherwise. So there
# is one step per exercise, worth the exercise's points, whose command exits with 0 only
# when the exercise has full marks: an exercise at 15/18 for tp-grader counts 0/18 here.
# Every check's real score is in this job's log (step "Whole report") and in the JSON
# report, kept as the artifact classroom-report.
#
# GitHub Classroom wants the workflow named "Autograding Tests" and its one job
# "run-autograding-tests". Add no autograding test in Classroom's assignment page:
# Classroom would write a workflow of its own over this one.
"""

SETUP_STEPS = """\
      - name: Checkout code
        uses: actions/checkout@v4
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "{python}"
      - name: Install the grader
        # tp-grader's source is committed in the template repository, in .github/tp-grader.zip
        run: python -m pip install --disable-pip-version-check ./{grader_zip}
      - name: Let the grader isolate the programs it runs
        # ubuntu-24.04 refuses unprivileged user namespaces: without them the grader still
        # grades, with resource limits only and on the machine's own network (the report says so)
        run: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 || true
"""

EXERCISE_STEP = """\
      - name: {name}
        id: {id}
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: {name}
          command: python -m grader.github_classroom {id} --lang {lang}
          timeout: {timeout}
          max-score: {points}
"""

FINAL_STEPS = """\
      - name: Whole report
        # the score is the steps' above; this one is for the log and the artifact
        continue-on-error: true
        run: python -m grader . --json {report} --lang {lang} --no-color --details
      - name: Keep the JSON report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: classroom-report
          path: {report}
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
{env}        with:
          runners: {runners}
"""


def exercise_points() -> dict[str, int]:
    """Each exercise's points (the sum of its checks' in rubric.toml), in the
    order of the lab. Whole numbers: the command grader reads max-score with
    parseInt."""
    from .rubric import load_rubric
    from .submission import exercise_scripts

    rubric = load_rubric()
    points = {}
    for exercise in exercise_scripts():
        total = sum(rubric.get(exercise, {}).values())
        if total != int(total):
            raise ValueError(_("GitHub Classroom counts whole points only: {exercise} is worth {points} "
                               "points in rubric.toml").format(exercise=exercise, points=f"{total:g}"))
        points[exercise] = int(total)
    return points


def workflow_text(lang: str = "fr") -> str:
    from .report import exercise_name

    points = exercise_points()
    steps = "".join(EXERCISE_STEP.format(name=json.dumps(exercise_name(e)), id=e, lang=lang,
                                         timeout=STEP_TIMEOUT_MINUTES, points=p)
                    for e, p in points.items())
    # the reporter reads each runner's result from <ID in capitals>_RESULTS
    env = "".join(f'          {e.upper()}_RESULTS: "${{{{steps.{e}.outputs.result}}}}"\n' for e in points)
    return (HEADER
            + "name: Autograding Tests\n"
            + '"on":\n  - push\n  - workflow_dispatch\n  - repository_dispatch\n'
            + "permissions:\n  checks: write\n  actions: read\n  contents: read\n"
            + "jobs:\n  run-autograding-tests:\n    runs-on: ubuntu-latest\n"
            + "    if: github.actor != 'github-classroom[bot]'\n"
            + "    timeout-minutes: 30\n"
            + "    steps:\n"
            + SETUP_STEPS.format(python=PYTHON_VERSION, grader_zip=GRADER_ZIP.as_posix())
            + steps
            + FINAL_STEPS.format(report=REPORT_JSON, lang=lang, env=env, runners=",".join(points)))


def write_workflow(dest: Path, lang: str = "fr") -> list[Path]:
    """Write dest/.github/workflows/classroom.yml and the grader it installs,
    dest/.github/tp-grader.zip (this checkout's pyproject.toml, README.md and
    grader/, under tp-grader/); return the files written. `dest` is a
    checkout of the template repository."""
    dest = Path(dest)
    if not dest.is_dir():
        raise NotADirectoryError(20, "not a folder", str(dest))
    # before writing anything: the rubric may be wrong, the source incomplete
    text = workflow_text(lang)
    files = bundled_files(VENDORED)
    workflow = dest / WORKFLOW
    workflow.parent.mkdir(parents=True, exist_ok=True)
    workflow.write_text(text, encoding="utf-8")
    archive = dest / GRADER_ZIP
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for f in files:
            # a fixed date: the same grader gives the same bytes, so git sees no change
            name = f"tp-grader/{f.relative_to(PROJECT_DIR).as_posix()}"
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | (f.stat().st_mode & 0o777)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            # the instructor's rubric and seed (--rubric, --seed): students can read them here
            is_rubric = f.resolve() == RUBRIC_FILE.resolve()
            z.writestr(info, rubric_for_bundle().encode("utf-8") if is_rubric else f.read_bytes())
        for name, data in lab_files_for_bundle().items():  # the instructor's lab (--lab), if any
            info = zipfile.ZipInfo(f"tp-grader/grader/{name}", (1980, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return [workflow, archive]


# ---------------------------------------------------------------------------
# One test step: python -m grader.github_classroom EXERCISE


def grade_exercise(exercise: str, lang: str = "fr", folder: Path = Path(".")) -> int:
    """Grade one exercise of `folder` (the student's repository) with the
    grader's command, whose report goes to the log; 0 at full marks, else 1."""
    with tempfile.TemporaryDirectory(prefix="tp-grader-classroom-") as tmp:
        out = Path(tmp) / "report.json"
        status = subprocess.call([sys.executable, "-m", "grader", str(folder), "--exercise", exercise,
                                  "--json", str(out), "--lang", lang, "--no-color",
                                  # students read the log: the hidden checks' details stay out of it
                                  "--all-checks", "--withhold-hidden"])
        report = json.loads(out.read_text(encoding="utf-8")) if status == 0 and out.is_file() else None
    sys.stdout.flush()
    scores = [e for e in (report or {}).get("exercises", []) if e.get("id") == exercise]
    if not scores:
        print(_("The grading of {exercise} did not run (exit status {status}).").format(
            exercise=exercise, status=status))
        return 1
    score, max_score = scores[0]["score"], scores[0]["max_score"]
    if score >= max_score:
        print(_("{exercise}: {score} / {max_score}, full marks: this test passes.").format(
            exercise=exercise, score=f"{score:g}", max_score=f"{max_score:g}"))
        return 0
    print(_("{exercise}: {score} / {max_score}. GitHub Classroom gives an exercise its points only at "
            "full marks, so this test fails: the report above says what is missing.").format(
        exercise=exercise, score=f"{score:g}", max_score=f"{max_score:g}"))
    return 1


def main(argv: Optional[list[str]] = None) -> int:
    from . import i18n
    from .submission import exercise_scripts

    p = argparse.ArgumentParser(prog="python -m grader.github_classroom")
    p.add_argument("exercise", choices=list(exercise_scripts()))
    p.add_argument("--lang", choices=i18n.LANGUAGES, default=i18n.DEFAULT_LANGUAGE)
    args = p.parse_args(argv)
    i18n.set_language(args.lang)
    return grade_exercise(args.exercise, args.lang)


if __name__ == "__main__":
    sys.exit(main())
