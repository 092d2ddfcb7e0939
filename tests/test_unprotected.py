"""Other people's code where nothing protects the user (grader/protection.py):
not root and no sandbox namespaces, a class grading (--batch) or a folder of
another user's files stops before any program runs, in one line, unless
--unprotected is given; a student's own folder is graded as before; as root
nothing is said.

The decision is tested in-process (the user's uid, root or not, and the
namespace probe are monkeypatched); the end-to-end tests run the command
through `Grader`, which pretends here (as root) that the grader is not root:
given a real non-root user's command and uid, the same tests hold as they are."""
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT, marked_processes
from grader import protection
from grader.harness import namespaces
from grader.i18n import current_language, set_language

EXERCISE = "joueurs_par_nation"
NOBODY = 65534


# ---------------------------------------------------------------------------
# The decision, in-process


@pytest.fixture
def not_root(monkeypatch):
    """The grader as a user who is not root, on a machine with no namespaces
    for its sandboxes (the probe must not be asked again: it says why)."""
    monkeypatch.setattr(protection, "_root", lambda: False)
    monkeypatch.setattr(namespaces, "probe", lambda: "unshare: Operation not permitted")


def own_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "joueurs_par_nation.py").write_text("print('hello')\n")
    return path


def decide(capsys, batch=None, submission=None, allowed=False) -> tuple[bool, list[str]]:
    stop = protection.refuse_unprotected(batch, None if submission is None else str(submission), allowed)
    out, err = capsys.readouterr()
    assert out == ""
    return stop, err.splitlines()


def test_a_class_without_protection_stops_in_one_line(not_root, english, capsys, tmp_path):
    stop, lines = decide(capsys, batch=str(tmp_path))
    assert stop
    assert lines == ["python -m grader: not protected: the programs of the class's hand-ins would run with your rights, "
                     "since this machine gives the sandboxes no namespaces (unshare: Operation not permitted) "
                     "and you are not root: they could read, change or delete your files. Grade as root, in a "
                     "virtual machine or a container, or add --unprotected to go on anyway."]


def test_with_the_option_the_same_line_is_a_warning(not_root, english, capsys, tmp_path):
    stop, lines = decide(capsys, batch=str(tmp_path), allowed=True)
    assert not stop
    assert lines == ["python -m grader: warning, not protected (--unprotected): the programs of the class's hand-ins "
                     "run with your rights, since this machine gives the sandboxes no namespaces (unshare: "
                     "Operation not permitted) and you are not root: they can read, change or delete your files."]


def test_the_line_in_french(not_root, capsys, tmp_path):
    before = current_language()
    set_language("fr")
    try:
        stop, lines = decide(capsys, batch=str(tmp_path))
    finally:
        set_language(before)
    assert stop and len(lines) == 1
    assert lines[0].startswith("python -m grader: sans protection : les programmes des rendus de la promotion "
                               "tourneraient avec vos droits")
    assert "ajoutez --unprotected pour continuer malgré tout." in lines[0]


def test_a_students_own_folder_is_graded_without_a_word(monkeypatch, english, capsys, tmp_path):
    monkeypatch.setattr(protection, "_root", lambda: False)
    # the user's own work: not even the probe is needed
    monkeypatch.setattr(namespaces, "probe", lambda: pytest.fail("probed for the user's own work"))
    folder = own_folder(tmp_path / "mine")
    assert decide(capsys, submission=folder) == (False, [])
    archive = tmp_path / "mine.tar.gz"
    with tarfile.open(archive, "w:gz") as t:
        t.add(folder, "mine")
    assert decide(capsys, submission=archive) == (False, [])


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_a_folder_or_archive_holding_another_users_files_stops(not_root, english, capsys, tmp_path):
    folder = own_folder(tmp_path / "theirs")
    os.chown(folder / "joueurs_par_nation.py", NOBODY, NOBODY)  # one file is enough
    stop, lines = decide(capsys, submission=folder)
    assert stop and len(lines) == 1
    assert lines[0].startswith(f"python -m grader: not protected: the programs of {folder} (files of another user, "
                               f"uid {NOBODY}) would run with your rights")
    assert decide(capsys, submission=folder, allowed=True)[0] is False
    archive = tmp_path / "theirs.zip"
    archive.write_bytes(b"")
    os.chown(archive, NOBODY, NOBODY)
    assert decide(capsys, submission=archive)[0]
    # what the grader does not look into (an editor's folder, a cache) does not count
    os.chown(folder / "joueurs_par_nation.py", 0, 0)
    (folder / "__pycache__").mkdir()
    os.chown(folder / "__pycache__", NOBODY, NOBODY)
    assert decide(capsys, submission=folder) == (False, [])


def test_protected_nothing_is_said(monkeypatch, capsys, tmp_path):
    # as root: each sandbox runs as a uid of its own, nothing to probe
    monkeypatch.setattr(protection, "_root", lambda: True)
    monkeypatch.setattr(namespaces, "probe", lambda: pytest.fail("probed as root"))
    assert decide(capsys, batch=str(tmp_path)) == (False, [])
    # not root, with namespaces
    monkeypatch.setattr(protection, "_root", lambda: False)
    monkeypatch.setattr(namespaces, "probe", lambda: None)
    assert decide(capsys, batch=str(tmp_path)) == (False, [])


def test_a_class_grading_decides_once_for_its_hand_ins(not_root, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv(protection.DECIDED, "1")
    assert decide(capsys, batch=str(tmp_path)) == (False, [])


def test_the_probe_is_the_kernels_answer_and_kept(monkeypatch):
    monkeypatch.setattr(namespaces, "_unavailable", None)
    monkeypatch.setenv("TPGRADER_NO_NETNS", "1")
    assert namespaces.probe() == "TPGRADER_NO_NETNS is set"
    monkeypatch.delenv("TPGRADER_NO_NETNS")
    calls = []

    class Refused:
        def __init__(self, workdir):
            calls.append(workdir)
            raise namespaces.NamespacesUnavailable("unshare: Operation not permitted")
    monkeypatch.setattr(namespaces, "Namespaces", Refused)
    assert namespaces.probe() == "unshare: Operation not permitted"
    assert namespaces.probe() == "unshare: Operation not permitted"
    assert len(calls) == 1 and not calls[0].exists()  # asked once; its folder removed


# ---------------------------------------------------------------------------
# End to end: the command, as a user whom nothing protects

# The grader's command as root, told it is not: root's own protection (a uid
# per sandbox) stays on, so what the hand-ins run harms nothing here.
PRETEND_NOT_ROOT = ("import sys, grader.protection as p; p._root = lambda: False; "
                    "from grader.cli import main; sys.exit(main())")


@dataclass
class Grader:
    """Runs the grader's command line (`command`, then the arguments, from
    `cwd`) as a user (`uid`: the owner of "their own" hand-ins) on a machine
    with no namespaces for sandboxes. The default: this checkout's grader, as
    root pretending not to be. A real non-root user: their command (e.g.
    setpriv ... their venv's python -m grader) and their uid."""
    command: list = field(default_factory=lambda: [sys.executable, "-c", PRETEND_NOT_ROOT])
    uid: int = 0
    env: dict = field(default_factory=dict)
    cwd: Path = ROOT

    def __call__(self, *args: str) -> subprocess.CompletedProcess:
        session = f"test{uuid.uuid4().hex[:8]}-"
        proc = subprocess.run([*self.command, *args, "--lang", "en"], cwd=self.cwd, capture_output=True, text=True,
                              timeout=600, env={**os.environ, **self.env, "TPGRADER_NO_NETNS": "1",
                                                "TPGRADER_SESSION": session})
        assert marked_processes(session) == []
        return proc


@pytest.fixture
def grader() -> Grader:
    return Grader()


@pytest.fixture
def place():
    """A folder for the hand-ins and the results, with `marks/`, where every
    student program of these hand-ins writes a file as it starts; both
    writable by all (the grader may run as another user than the tests, and
    as root the programs run as a uid of their own)."""
    top = Path(tempfile.mkdtemp(prefix="unprotected-"))
    try:
        top.chmod(0o1777)
        (top / "marks").mkdir(mode=0o1777)
        (top / "marks").chmod(0o1777)
        yield top
    finally:
        shutil.rmtree(top)


def hand_in(folder: Path, marks: Path, owner: int) -> Path:
    folder.mkdir(parents=True)
    script = folder / "joueurs_par_nation.py"
    script.write_text(f"import os\nopen(os.path.join({str(marks)!r}, 'ran-{folder.name}'), 'w').close()\n"
                      "print('Neymar')\n")
    if owner != os.geteuid():
        for p in (folder, script):
            os.chown(p, owner, owner)
    return folder


def ran(marks: Path) -> list[str]:
    return sorted(p.name for p in marks.iterdir())


def test_a_class_stops_unless_told_to_go_on(grader, place):
    marks = place / "marks"
    hand_in(place / "class" / "alice", marks, grader.uid)
    hand_in(place / "class" / "bob", marks, grader.uid)
    out = place / "results"
    proc = grader("--batch", str(place / "class"), "--out", str(out), "--exercise", EXERCISE)
    assert proc.returncode == 2
    [line] = proc.stderr.splitlines()
    assert line.startswith("python -m grader: not protected: the programs of the class's hand-ins would run with "
                           "your rights") and "add --unprotected to go on anyway" in line, line
    assert proc.stdout == ""
    assert ran(marks) == [] and not out.exists()  # nothing ran, nothing written

    proc = grader("--batch", str(place / "class"), "--out", str(out), "--exercise", EXERCISE, "--unprotected")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("python -m grader: warning, not protected (--unprotected): the programs of the "
                               "class's hand-ins run with your rights")
    assert [l for l in lines if "protected" in l] == lines[:1]  # said once, not by each hand-in's grading
    assert ran(marks) == ["ran-alice", "ran-bob"]
    assert sorted(p.name for p in (out / "students").iterdir()) == ["alice", "bob"]


def test_a_students_own_folder_is_graded_with_no_stop(grader, place):
    folder = hand_in(place / "mine", place / "marks", grader.uid)
    proc = grader(str(folder), "--exercise", EXERCISE)
    assert proc.returncode == 0, proc.stderr
    assert "protected" not in proc.stderr
    assert "Graded in" in proc.stdout
    assert ran(place / "marks") == ["ran-mine"]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the files to another user")
def test_another_users_folder_stops_unless_told_to_go_on(grader, place):
    other = NOBODY if grader.uid != NOBODY else NOBODY - 1
    folder = hand_in(place / "theirs", place / "marks", other)
    proc = grader(str(folder), "--exercise", EXERCISE)
    assert proc.returncode == 2
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"python -m grader: not protected: the programs of {folder} (files of another user, "
                           f"uid {other}) would run with your rights"), line
    assert proc.stdout == "" and ran(place / "marks") == []
    proc = grader(str(folder), "--exercise", EXERCISE, "--unprotected")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("python -m grader: warning, not protected (--unprotected)")
    assert ran(place / "marks") == ["ran-theirs"]


@pytest.mark.skipif(os.geteuid() != 0, reason="root's own protection: a uid per sandbox")
def test_as_root_a_class_is_graded_and_nothing_said(place):
    marks = place / "marks"
    hand_in(place / "class" / "alice", marks, 0)
    root = Grader(command=[sys.executable, "-m", "grader"])
    proc = root("--batch", str(place / "class"), "--out", str(place / "results"), "--exercise", EXERCISE)
    assert proc.returncode == 0, proc.stderr
    assert "protected" not in proc.stderr
    assert ran(marks) == ["ran-alice"]
