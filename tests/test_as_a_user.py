"""The grader as a teaching assistant uses it: a user who is not root, with a
home of their own, and a grader installed by root that they cannot write to
(tests/nonroot.py). The install goes to their home and writes nothing into
the grader; the reference and the template keep their scores; a hand-in that
attacks the home of whoever grades it, or fills the disk, harms neither them
nor the machine. (Only these tests grade as them: the rest of the suite runs
as the user running it.)"""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from nonroot import BASE_PYTHON, TeachingAssistant, listing
from test_hostile import FreeSpace, assert_disk_filler_verdict
from variants import SUBMISSIONS, build, load


@pytest.fixture
def ta(teaching_assistant: TeachingAssistant):
    """The session's teaching assistant, their home as it was made after the
    test (a test that lets a hand-in harm it must not fail the next ones)."""
    yield teaching_assistant
    for rel, data in teaching_assistant.precious.items():
        path = teaching_assistant.home / rel
        path.unlink(missing_ok=True)
        path.write_bytes(data)
        os.chown(path, teaching_assistant.uid, teaching_assistant.gid)
    for rel in ("class", "results", "my_tp", "tp_disk"):
        path = teaching_assistant.home / rel
        if path.exists():
            shutil.rmtree(path)


def failed(report: dict) -> list:
    return [(t["exercise"], t["check"], t["output"][:500]) for t in report["tests"] if t["status"] != "passed"]


def test_the_grader_installs_in_the_users_own_folders(ta):
    assert ta.install.returncode == 0, ta.install.stderr[-3000:]
    venv = ta.venv()
    assert venv is not None, ta.install.stderr[-3000:]
    assert f"installing into {venv}" in ta.install.stderr
    assert venv.stat().st_uid == ta.uid
    with open(ROOT / "pyproject.toml", "rb") as f:  # rebuilt when pyproject.toml changes
        assert (venv / ".tp-grader-stamp").read_text() == subprocess.run(
            ["cksum"], stdin=f, capture_output=True, text=True).stdout
    version = ta.run([str(venv / "bin" / "python"), "-c", "import sys; print(sys._base_executable)"])
    assert Path(version.stdout.strip()).resolve() == Path(BASE_PYTHON).resolve()
    # the venv runs the checkout's own code, installed by nothing written into it
    where = ta.run([str(venv / "bin" / "python"), "-c", "import grader; print(grader.__file__)"])
    assert Path(where.stdout.strip()) == ta.checkout / "grader" / "__init__.py"
    assert listing(ta.checkout) == ta.checkout_listing
    assert not list(ta.checkout.rglob("*.egg-info")) and not (ta.checkout / ".venv").exists()
    print(f"install as a user: {ta.install_seconds:.1f} s")


def test_their_venv_is_made_again_when_pyproject_changes(ta):
    """Root updates the grader (here: a comment in pyproject.toml)."""
    pyproject = ta.checkout / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "# updated\n")
    ta.checkout_listing = listing(ta.checkout)
    again = ta.run([str(ta.checkout / "grade.sh"), "--help"])
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"installing into {ta.venv()}" in again.stderr
    with open(pyproject, "rb") as f:
        assert (ta.venv() / ".tp-grader-stamp").read_text() == subprocess.run(
            ["cksum"], stdin=f, capture_output=True, text=True).stdout
    quiet = ta.run([str(ta.checkout / "grade.sh"), "--help"])  # and once only
    assert quiet.returncode == 0 and "installing" not in quiet.stderr
    assert listing(ta.checkout) == ta.checkout_listing


def test_reference_and_template_keep_their_scores_and_nothing_is_written_into_the_grader(ta):
    proc, report = ta.grade(ta.checkout / "reference")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert report["score"] == report["max_score"] > 0, failed(report)
    assert "namespaces" not in proc.stderr  # no warning: the sandboxes had them
    proc, report = ta.grade(ta.checkout / "student_template")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert report["score"] == 0 and report["max_score"] > 0
    assert listing(ta.checkout) == ta.checkout_listing
    assert ta.home_unharmed() == []


def test_the_reference_keeps_full_marks_without_namespaces(ta):
    """TPGRADER_NO_NETNS: no namespaces at all (their own work: nothing to
    protect them from)."""
    mine = ta.give(ROOT / "reference", "my_tp")
    proc, report = ta.grade(mine, TPGRADER_NO_NETNS="1")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert report["score"] == report["max_score"] > 0, failed(report)
    assert listing(ta.checkout) == ta.checkout_listing


def test_a_hand_in_that_attacks_the_graders_home_gets_nothing(ta, tmp_path):
    """A class of two: a hand-in that reads ~/.ssh/id_test (found through
    pwd, not $HOME), deletes ~/precious.txt and appends to ~/.bashrc at each
    run, and the reference. The home, the results and the grader's output
    stay clean; both hand-ins are graded."""
    build(load(SUBMISSIONS / "hostile_home_attack"), tmp_path / "class" / "alice")
    shutil.copytree(ROOT / "reference", tmp_path / "class" / "bob")
    ta.give(tmp_path / "class", "class")
    results = ta.home / "results"
    proc = ta.run([str(ta.checkout / "grade.sh"), "--batch", str(ta.home / "class"), "--out", str(results),
                   "--lang", "en", "--no-color"])
    harmed = ta.home_unharmed()  # every harm at once: each is a failure of its own
    harmed += [f"the key is in {f}" for f in results.rglob("*")
               if f.is_file() and ta.marker.encode() in f.read_bytes()]
    harmed += [f"the key is in the grader's {name}" for name, text in (("stdout", proc.stdout),
                                                                       ("stderr", proc.stderr))
               if ta.marker in text]
    assert harmed == [], harmed
    assert proc.returncode == 0, proc.stderr[-3000:]
    reports = {p.parent.name: json.loads(p.read_text()) for p in results.glob("students/*/report.json")}
    assert len(reports) == 2, sorted(reports)
    for key, report in reports.items():  # alice's script is otherwise correct
        assert report["score"] == report["max_score"] > 0, (key, failed(report))
    assert listing(ta.checkout) == ta.checkout_listing


def test_a_hand_in_that_fills_the_disk_loses_its_exercise_only(ta, tmp_path):
    build(load(SUBMISSIONS / "hostile_fills_disk"), tmp_path / "sub")
    mine = ta.give(tmp_path / "sub", "tp_disk")
    with FreeSpace("/tmp") as space:
        proc, report = ta.grade(mine)
    assert_disk_filler_verdict(proc, report, space)
    assert not [p for p in mine.iterdir() if p.name.startswith("debug_bob")]
    assert listing(ta.checkout) == ta.checkout_listing


def test_without_namespaces_a_class_stops_before_anything_runs_unless_told(ta, tmp_path):
    """Nothing protects them: grading other people's code stops with one line
    that says so, and goes on, with that line, only given --unprotected."""
    shutil.copytree(ROOT / "reference", tmp_path / "class" / "bob")
    ta.give(tmp_path / "class", "class")
    results = ta.home / "results"
    command = [str(ta.checkout / "grade.sh"), "--batch", str(ta.home / "class"), "--out", str(results),
               "--lang", "en", "--no-color"]
    stopped = ta.run(command, TPGRADER_NO_NETNS="1")
    assert stopped.returncode == 2 and stopped.stdout == "", stopped.stdout + stopped.stderr
    line, = stopped.stderr.splitlines()
    assert "--unprotected" in line and "your files" in line, line
    assert not results.exists()
    graded = ta.run(command + ["--unprotected"], TPGRADER_NO_NETNS="1")
    assert graded.returncode == 0, graded.stderr[-3000:]
    warning = graded.stderr.splitlines()[0]
    assert warning.startswith(f"{command[0]}: warning, not protected (--unprotected)") and "your files" in warning
    report = json.loads((results / "students" / "bob" / "report.json").read_text())
    assert report["score"] == report["max_score"] > 0, failed(report)


def test_they_are_told_what_protects_them(ta):
    said = ta.run([str(ta.checkout / "grade.sh"), "--sandbox"])
    assert said.returncode == 0, said.stderr[-3000:]
    assert said.stdout.startswith(f"sandbox: namespaces (own): network, mounts, user; running as uid {ta.uid}: "
                                  "your files read-only, homes hidden; "), said.stdout
    bare = ta.run([str(ta.checkout / "grade.sh"), "--sandbox"], TPGRADER_NO_NETNS="1")
    assert bare.stdout == ("sandbox: no namespaces (TPGRADER_NO_NETNS is set); programs would run with your "
                           "rights: grade other people's code as root, in a virtual machine or a container "
                           "(--unprotected goes on anyway)\n"), bare.stdout
