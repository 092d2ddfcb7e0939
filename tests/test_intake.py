"""Messy hand-ins (grader/intake.py): archives, scripts a folder or two down,
junk beside them, names in another case; and what cannot be graded at all."""
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, exercise_scores, grade_dir
from grader.intake import open_hand_in
from grader.submission import Submission, SubmissionError

REFERENCE = ROOT / "reference"


def lay_out(dest: Path, files: dict[str, str]) -> Path:
    """files: path in the hand-in -> name of the reference script it holds."""
    for rel, script in files.items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REFERENCE / script, target)
    return dest


def zip_folder(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w") as z:
        for p in sorted(folder.rglob("*")):
            info = zipfile.ZipInfo(str(p.relative_to(folder)) + ("/" if p.is_dir() else ""))
            info.external_attr = (p.stat().st_mode & 0xFFFF) << 16
            z.writestr(info, b"" if p.is_dir() else p.read_bytes())
    return archive


def test_scripts_two_folders_down_beside_junk_are_found(tmp_path):
    top = lay_out(tmp_path / "hand_in", {
        "TP Python/tp/joueurs_par_nation.py": "joueurs_par_nation.py",
        "TP Python/tp/chrono.py": "chrono.py",
        "__MACOSX/TP Python/tp/._chrono.py": "chrono.py",
        "TP Python/old/chrono.py": "multiChrono.py",  # fewer scripts there: not the root
    })
    with open_hand_in(top) as h:
        assert h.root == (top / "TP Python" / "tp").resolve()
        assert h.aliases == {}
        assert any("TP Python/tp" in n for n in h.notes)


def test_a_name_in_another_case_or_another_folder_stands_for_the_script(tmp_path):
    top = lay_out(tmp_path / "hand_in", {
        "Joueurs_Par_Nation.py": "joueurs_par_nation.py",
        "chrono.py": "chrono.py",
        "partie3/wine_bottles_server.py": "wine_bottles_server.py",
    })
    with open_hand_in(top) as h:
        assert h.root == top.resolve()
        assert h.aliases == {"joueurs_par_nation.py": (top / "Joueurs_Par_Nation.py").resolve(),
                             "wine_bottles_server.py": (top / "partie3" / "wine_bottles_server.py").resolve()}


def test_links_are_not_followed(tmp_path):
    top = tmp_path / "hand_in"
    top.mkdir()
    (top / "chrono.py").symlink_to("/etc/passwd")
    with open_hand_in(top) as h:
        assert h.aliases == {}
        assert Submission(h.root, h.aliases).resolve("chrono.py") is None


def test_an_archive_is_extracted_and_removed_afterwards(tmp_path):
    folder = lay_out(tmp_path / "src", {"tp/chrono.py": "chrono.py"})
    for archive in (zip_folder(folder, tmp_path / "tp.zip"), tmp_path / "tp.tar.gz"):
        if archive.suffix == ".gz":
            with tarfile.open(archive, "w:gz") as t:
                t.add(folder / "tp", arcname="tp")
        with open_hand_in(archive) as h:
            extracted = h.root
            assert (h.root / "chrono.py").is_file() and os.access(h.root / "chrono.py", os.X_OK)
        assert not extracted.exists()


@pytest.mark.parametrize("name", ["../evil.py", "/tmp/evil.py"])
def test_an_archive_that_writes_outside_itself_is_refused(tmp_path, name):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(name, "print('x')\n")
    with pytest.raises(SubmissionError, match="evil.py"):
        open_hand_in(archive)
    assert not (tmp_path / "evil.py").exists()


def test_what_cannot_be_graded_is_a_one_line_error(tmp_path):
    (tmp_path / "notes.txt").write_text("not a hand-in\n")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 truncated")
    for path in ("nope", "notes.txt", "broken.zip"):
        with pytest.raises(SubmissionError):
            open_hand_in(tmp_path / path)


@pytest.mark.alone  # every hand-in folder of the machine: another test's grading of a zip has one
def test_a_zipped_hand_in_is_graded_on_its_merits(tmp_path):
    folder = lay_out(tmp_path / "src", {
        "Mon TP/joueurs_par_nation.py": "joueurs_par_nation.py",
        "__MACOSX/Mon TP/._joueurs_par_nation.py": "joueurs_par_nation.py",
    })
    proc, report = grade_dir(zip_folder(folder, tmp_path / "tp.zip"), "--exercise", "joueurs_par_nation")
    assert proc.returncode == 0, proc.stderr
    score, max_score = exercise_scores(report)["joueurs_par_nation"]
    assert score == max_score > 0
    assert "Mon TP" in report["output"] and "Mon TP" in proc.stdout
    assert not list(Path("/tmp").glob("tp-grader-hand-in-*"))


def test_a_misnamed_script_loses_only_its_launch_check(tmp_path):
    top = lay_out(tmp_path / "hand_in", {"Chrono.py": "chrono.py"})
    proc, report = grade_dir(top, "--exercise", "chrono")
    failed = [t["check"] for t in report["tests"] if t["status"] == "failed"]
    assert failed == ["launch"], [t["output"] for t in report["tests"] if t["status"] == "failed"]
    assert "mv Chrono.py chrono.py" in proc.stdout


def test_bad_paths_are_refused_in_one_line(tmp_path):
    import subprocess
    import sys
    (tmp_path / "notes.txt").write_text("x")
    for path in (tmp_path / "nope", tmp_path / "notes.txt"):
        p = subprocess.run([sys.executable, "-m", "grader", str(path)], cwd=ROOT, capture_output=True,
                           text=True, timeout=60)
        assert p.returncode == 2 and p.stderr.count("\n") == 1 and "Traceback" not in p.stderr


def test_a_folder_holding_only_an_archive_is_graded_through_it(tmp_path):
    """What Moodle's "download all submissions" gives for a student who
    uploaded a zip: a folder with that zip in it."""
    src = lay_out(tmp_path / "src", {"tp/chrono.py": "chrono.py"})
    folder = tmp_path / "Jean Dupont_12345_assignsubmission_file_"
    folder.mkdir()
    zip_folder(src, folder / "TP.zip")
    with open_hand_in(folder) as h:
        assert (h.root / "chrono.py").is_file()
        assert any("TP.zip" in n for n in h.notes)
