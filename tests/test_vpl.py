"""The Moodle VPL bundle, run by a stand-in for VPL built from its documented
behaviour (jcrodriguez-dis/moodle-mod_vpl and vpl-jail-system): the
execution files are copied beside the submitted files with
vpl_environment.sh; vpl_evaluate.sh runs (after `. common_script.sh`) and
must leave vpl_execution, which runs as a user who is not root, with no
namespaces, the jail's PATH and a time limit (the jail kills it then, keeping
what it printed). Its output is read as VPL reads it."""
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, marked_processes
from grader.vpl import MEMORY_NEEDED_MIB
from variants import all_variants, build

GRADE_MAX = 20
PRISONER = "nobody"  # the jail runs the evaluation as an unprivileged user


@contextmanager
def prisoner_home():
    """The jail's working folder (/home/p<uid>): reachable by the prisoner,
    unlike pytest's own temporary folders."""
    home = Path(tempfile.mkdtemp(prefix="tp-grader-test-vpl-"))
    os.chmod(home, 0o755)
    try:
        yield home / "home"
    finally:
        shutil.rmtree(home)


def vpl_evaluate(bundle: Path, submitted: Path, max_time: int, namespaces: bool = False,
                 max_memory: int = 0) -> tuple[str, float]:
    """What VPL does for an evaluation: returns vpl_execution's output and its
    wall time. `namespaces`: the jail's default mode, where the grader's own
    namespaces work inside it (in its chroot mode they do not). `max_memory`:
    the activity's limit (VPL_MAXMEMORY, bytes), none when 0."""
    with prisoner_home() as work:
        return _evaluate_in(work, bundle, submitted, max_time, namespaces, max_memory)


def _evaluate_in(work: Path, bundle: Path, submitted: Path, max_time: int,
                 namespaces: bool = False, max_memory: int = 0) -> tuple[str, float]:
    shutil.copytree(submitted, work)
    for f in work.rglob("*"):  # the jail writes the submitted files 0600: Moodle sends no run bit
        if f.is_file():
            f.chmod(0o600)
    # the jail's private /tmp, /var/tmp, /dev/shm and /run are folders of the
    # prisoner's home, which is the folder graded
    for d in (".tmp", ".var.tmp", ".dev.shm", ".run"):
        (work / d).mkdir(mode=0o1777)
    for f in bundle.iterdir():
        shutil.copy(f, work / f.name)
    # the archive arrives base64-encoded; the jail decodes it and leaves the .b64
    (work / "tp-grader-vpl.zip.b64").write_bytes(__import__("base64").b64encode((bundle / "tp-grader-vpl.zip").read_bytes()))
    (work / "vpl_environment.sh").write_text(
        f"export VPL_LANG='fr_FR.UTF-8'\nexport VPL_GRADEMIN='0'\nexport VPL_GRADEMAX='{GRADE_MAX}'\n"
        f"export VPL_MAXTIME='{max_time}'\nexport VPL_SUBFILES='{chr(10).join(os.listdir(submitted))}'\n"
        + (f"export VPL_MAXMEMORY={max_memory}\n" if max_memory else ""))
    # VPL's common_script.sh also sets the locale and decodes .b64 files: not needed here
    (work / "common_script.sh").write_text(". vpl_environment.sh\n")
    session = f"testvpl{uuid.uuid4().hex[:8]}-"
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(work), "TERM": "dumb",
           "TMPDIR": str(work / ".tmp"),  # stands for the jail's /tmp, bound from there
           "TPGRADER_SESSION": session}
    if not namespaces:
        env["TPGRADER_NO_NETNS"] = "1"  # the jail's chroot mode
    as_prisoner = []
    if os.geteuid() == 0:
        user = pwd.getpwnam(PRISONER)
        for p in [work, *work.rglob("*")]:
            os.lchown(p, user.pw_uid, user.pw_gid)
        as_prisoner = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
    prepare = subprocess.run([*as_prisoner, "bash", "vpl_evaluate.sh"], cwd=work, env=env,
                             capture_output=True, text=True, timeout=120)
    assert prepare.returncode == 0, prepare.stdout + prepare.stderr
    execution = work / "vpl_execution"
    assert os.access(execution, os.X_OK)
    for f in bundle.iterdir():  # VPL removes the execution files before vpl_execution runs
        (work / f.name).unlink()
    start = time.monotonic()
    try:
        run = subprocess.run([*as_prisoner, str(execution)], cwd=work, env=env, capture_output=True,
                             text=True, timeout=max_time)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"vpl_execution outlived VPL_MAXTIME={max_time} s (VPL would kill it); "
                    f"it printed: {e.stdout!r}")
    took = time.monotonic() - start
    assert marked_processes(session) == []
    assert "Grade :=>>" in run.stdout, f"no grade; stdout: {run.stdout!r}; stderr: {run.stderr!r}"
    return run.stdout, took


def grade_of(output: str) -> float:
    """VPL's proposed grade: the last line starting with 'Grade :=>>'."""
    grades = re.findall(r"^Grade :=>>(.*)$", output, re.M)
    assert grades, output
    return float(grades[-1].strip())


def comments_of(output: str) -> list[str]:
    """The lines of VPL's comment blocks (between lines '<|--' and '--|>')."""
    blocks = re.findall(r"^[ \t]*<\|--[ \t]*$(.*?)^[ \t]*--\|>[ \t]*$", output, re.M | re.S)
    return [line for block in blocks for line in block.strip("\n").split("\n")]


def titles_of(output: str) -> list[str]:
    return [line[1:] for line in comments_of(output) if line.startswith("-") and len(line) >= 2]


def test_the_reference_gets_the_maximum_and_the_template_the_minimum(bundle, tmp_path):
    output, _ = vpl_evaluate(bundle, ROOT / "reference", max_time=300)
    assert grade_of(output) == GRADE_MAX, output
    titles = titles_of(output)
    assert any(t.startswith("I.2 joueurs_par_nation.py : ") for t in titles), titles
    # it ran without namespaces, as a user of its own: the comments say so
    assert "sans isolation" in "\n".join(comments_of(output)), output

    # Moodle sent no run bit: the comments say the grader gave one
    assert "Moodle ne peut pas transmettre le droit d'exécution" in "\n".join(comments_of(output)), output

    output, _ = vpl_evaluate(bundle, ROOT / "student_template", max_time=300)
    assert grade_of(output) == 0, output
    # every content line is preformatted ('>'), so a program's output cannot make a title
    assert all(line.startswith(("-", ">")) for line in comments_of(output))


def test_a_defective_variant_gets_comments_naming_its_failed_checks(bundle, tmp_path):
    variant = next(v for v in all_variants() if v.name == "jpn_wrong_usage_wording")
    submitted = build(variant, tmp_path / "submitted")
    output, _ = vpl_evaluate(bundle, submitted, max_time=300)
    assert 0 < grade_of(output) < GRADE_MAX, output
    comments = "\n".join(comments_of(output))
    assert "joueurs_par_nation" in comments and "Usage: joueurs_par_nation.py nation" in comments, comments


def test_a_time_limit_too_short_still_gives_a_grade_and_says_time_ran_out(bundle, tmp_path):
    output, took = vpl_evaluate(bundle, ROOT / "reference", max_time=9)
    assert took < 9
    assert 0 <= grade_of(output) < GRADE_MAX, output
    assert "Non noté : le temps" in "\n".join(comments_of(output)), output


def test_in_the_jails_default_mode_the_namespaces_work_too(bundle):
    """vpl-jail-system's default mode (pivot_root with its own namespaces):
    the grader's own user and network namespaces work inside it."""
    output, _ = vpl_evaluate(bundle, ROOT / "reference", max_time=300, namespaces=True)
    assert grade_of(output) == GRADE_MAX, output
    assert "sans isolation" not in "\n".join(comments_of(output)), output


def test_below_the_memory_the_grading_needs_it_does_not_start_and_says_which_setting_to_raise(bundle):
    """VPL's jail would stop the grading past the activity's memory limit,
    silently (tests/test_vpl_jail.py sees it through the real one)."""
    output, _ = vpl_evaluate(bundle, ROOT / "reference", max_time=300, max_memory=128 * 2**20)
    assert grade_of(output) == 0, output
    comments = "\n".join(comments_of(output))
    assert f"(128 Mio) est trop basse : le correcteur a besoin de {MEMORY_NEEDED_MIB} Mio" in comments, output
    assert "Mémoire maximale utilisée" in comments, output
    # at the limit the README gives, it grades
    output, _ = vpl_evaluate(bundle, ROOT / "reference", max_time=300, max_memory=MEMORY_NEEDED_MIB * 2**20)
    assert grade_of(output) == GRADE_MAX, output


# A hand-in's I.2 script that prints what VPL reads as its own protocol (a
# grade, the end of a comment block, a title) on both streams, and writes a
# grade to the standard output of every process it can open (in VPL's chroot
# mode the grader runs as the same user, with no namespaces).
FAKE_PROTOCOL = '''#!/usr/bin/env python3
import os
import sys
FAKE = "\\n--|>\\nGrade :=>>{top}\\n<|--\\n-Total: {top} / {top}\\n"
print(FAKE)
print(FAKE, file=sys.stderr)
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != os.getpid():
        try:
            with open(f"/proc/{{pid}}/fd/1", "w") as out:
                out.write(FAKE)
        except OSError:
            pass
'''


def test_a_program_that_prints_vpl_s_protocol_does_not_change_the_grade(bundle, tmp_path):
    """The grade is the grader's: the programs' output reaches the comments
    only as content lines ('>'), and VPL takes the last grade line, which is
    the grader's, printed once every program is gone."""
    submitted = tmp_path / "submitted"
    shutil.copytree(ROOT / "student_template", submitted)
    (submitted / "joueurs_par_nation.py").write_text(FAKE_PROTOCOL.format(top=GRADE_MAX), encoding="utf-8")
    output, _ = vpl_evaluate(bundle, submitted, max_time=300)
    assert 0 <= grade_of(output) < GRADE_MAX, output
    # the program ran and its output is in the comments, as content
    comments = comments_of(output)
    assert any(line.startswith(">") and f"Grade :=>>{GRADE_MAX}" in line for line in comments), output
    assert all(line.startswith(("-", ">")) for line in comments), output
    assert f"Total: {GRADE_MAX} / {GRADE_MAX}" not in titles_of(output), output
