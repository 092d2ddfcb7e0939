"""The students' kit (./grade.sh --student-kit DIR): built as an instructor
builds it, from a rubric that has a grading seed and a check kept for
grading time; searched for anything of the solutions or the tests; and run
as a student runs it: a user who is not root, the kit alone in their home,
a plain python3 with nothing installed."""
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, marked_processes
from nonroot import BASE_PYTHON, new_user, remove_user, why_no_teaching_assistant
from variants import SUBMISSIONS, build, load

NBA_LAB = ROOT / "labs" / "2019-nba.toml"
SEED = 987654321  # the instructor's grading seed: never in the kit
KEPT = ("joueurs_par_nation", "generated_files")  # kept for grading time in that rubric
# So many lines of code in a row of a solution make a file hold its code
# (three are common to any two of the lab's scripts: their imports, the data
# file's name).
SHARED_LINES = 4
TEXT_SUFFIXES = (".py", ".md", ".txt", ".toml", ".html", ".po", ".ini", ".cfg", ".json", "")


def build_kit(dest: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", "--student-kit", str(dest), "--lang", "en", *options],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """The statement's lab's kit, from an instructor's rubric with a seed and a kept check."""
    out = tmp_path_factory.mktemp("kit")
    text = (ROOT / "grader" / "rubric.toml").read_text(encoding="utf-8")
    text, found = re.subn(r"(?m)^generated_files = 5", 'generated_files = { points = 5, visibility = "hidden" }',
                          text, count=1)
    assert found
    rubric = out / "rubric.toml"
    rubric.write_text(f"seed = {SEED}\n" + text, encoding="utf-8")
    proc = build_kit(out / "kit", "--rubric", str(rubric))
    assert proc.returncode == 0, proc.stderr
    assert f"{out / 'kit'}.zip" in proc.stdout
    return out / "kit"


def kit_files(kit: Path) -> dict[str, bytes]:
    """Every file of the kit, the archives opened (the .pyz, the .zip, and
    any archive inside them): path -> bytes."""
    found: dict[str, bytes] = {}

    def add(name: str, data: bytes) -> None:
        found[name] = data
        if name.endswith((".zip", ".pyz", ".whl")):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for member in z.namelist():
                    if not member.endswith("/"):
                        add(f"{name}!{member}", z.read(member))

    for f in sorted(kit.rglob("*")):
        if f.is_file():
            add(str(f.relative_to(kit.parent)), f.read_bytes())
    archive = kit.parent / f"{kit.name}.zip"
    add(archive.name, archive.read_bytes())
    return found


def code_lines(text: str) -> list[str]:
    """A program's lines that say something (no blank line, no comment), stripped."""
    lines = [ln.strip() for ln in text.splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def solutions() -> list[Path]:
    """The reference solutions of every lab."""
    return sorted(p for p in [*(ROOT / "reference").rglob("*.py"), *(ROOT / "labs").glob("*/reference/*.py")])


def test_the_kit_holds_the_grader_the_template_the_data_file_and_a_french_readme(kit):
    assert sorted(p.name for p in kit.iterdir()) == ["LISEZMOI.md", "tp-grader.pyz", "tp_python"]
    template = {p.name: p.read_bytes() for p in (ROOT / "student_template").iterdir()}
    given = {p.name: p.read_bytes() for p in (kit / "tp_python").iterdir()}
    assert given == {**template, "foot_2020.txt": (ROOT / "fixtures" / "foot_2020.txt").read_bytes()}
    assert os.access(kit / "tp-grader.pyz", os.X_OK)
    readme = (kit / "LISEZMOI.md").read_text(encoding="utf-8")
    for said in ("python3 tp-grader.pyz tp_python", "--watch", "Ce que la correction finale ajoute",
                 "ni les solutions ni la graine", "foot_2020.txt"):
        assert said in readme, said
    with zipfile.ZipFile(f"{kit}.zip") as z:  # the same, in one archive
        assert sorted(n for n in z.namelist() if not n.endswith("/")) == sorted(
            str(p.relative_to(kit.parent)) for p in kit.rglob("*") if p.is_file())


def test_every_package_of_the_kit_runs_on_python_3_9(kit):
    """pip takes a package's newest version from a folder of wheels
    (--find-links, as on this machine) whatever Python it needs."""
    from packaging.specifiers import SpecifierSet
    needs = {name.split("!")[-1].split("/")[1]: re.search(r"(?m)^Requires-Python: *(.*)$", data.decode())
             for name, data in kit_files(kit).items() if name.endswith(".dist-info/METADATA")}
    assert any(n.startswith("pytest-") for n in needs) and any(n.startswith("psutil-") for n in needs)
    too_new = {n: m.group(1) for n, m in needs.items() if m and not SpecifierSet(m.group(1)).contains("3.9.0")}
    assert too_new == {}


def test_the_kit_keeps_the_kept_checks_and_not_the_seed(kit):
    files = kit_files(kit)
    rubric = files["kit/tp-grader.pyz!lib/grader/rubric.toml"].decode()
    assert 'generated_files = { points = 5, visibility = "hidden" }' in rubric
    assert not re.search(r"(?m)^seed", rubric)
    assert not [name for name, data in files.items() if str(SEED).encode() in data]


def test_no_file_of_the_kit_holds_a_solution_or_a_test(kit):
    files = kit_files(kit)
    # no file of the tests (their variants are solutions with one bug) nor
    # of the solutions, whole; the template's own files aside
    template = {hashlib.sha256(p.read_bytes()).digest() for p in (ROOT / "student_template").iterdir()}
    forbidden = {}
    for f in [*(ROOT / "tests").rglob("*"), *solutions()]:
        if f.is_file() and "__pycache__" not in f.parts and f.stat().st_size >= 50:
            digest = hashlib.sha256(f.read_bytes()).digest()
            if digest not in template:
                forbidden[digest] = f
    same = {name: str(forbidden[hashlib.sha256(data).digest()].relative_to(ROOT))
            for name, data in files.items() if hashlib.sha256(data).digest() in forbidden}
    assert same == {}
    # nor SHARED_LINES lines of code in a row of a solution, anywhere
    texts = {name: "\n".join(code_lines(data.decode("utf-8", "replace"))) + "\n"
             for name, data in files.items() if Path(name.split("!")[-1]).suffix in TEXT_SUFFIXES}
    for solution in solutions():
        lines = code_lines(solution.read_text(encoding="utf-8"))
        runs = {"\n".join(lines[i:i + SHARED_LINES]) + "\n" for i in range(max(len(lines) - SHARED_LINES + 1, 0))}
        held = [(name, str(solution.relative_to(ROOT))) for name, text in texts.items()
                if any(run in text for run in runs)]
        assert held == []
    names = [n.split("!")[-1] for n in files]
    assert not [n for n in names if re.match(r"lib/(tests|reference|bench)/", n) or "/reference/" in n
                or "submissions/" in n], names


@pytest.fixture(scope="module")
def student():
    """A student: a user who is not root, their home holding nothing of the grader."""
    reason = why_no_teaching_assistant()
    if reason:
        pytest.skip(f"no student user: {reason}")
    user = new_user("tpst")
    yield user
    remove_user(user[0], user[1], user[3])


def run_as(user, args: list[str], **env: str) -> subprocess.CompletedProcess:
    name, uid, gid, home = user
    session = f"test{uuid.uuid4().hex[:8]}-"
    proc = subprocess.run(args, cwd=home, user=uid, group=gid, extra_groups=[], capture_output=True, text=True,
                          timeout=900, env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "USER": name,
                                            "LANG": "C.UTF-8", "TPGRADER_SESSION": session, **env})
    assert marked_processes(session) == []
    return proc


def give(user, source: Path, name: str) -> Path:
    _name, uid, gid, home = user
    dest = home / name
    shutil.copytree(source, dest, symlinks=True)
    for path in [dest, *dest.rglob("*")]:
        os.lchown(path, uid, gid)
    return dest


def grade_with_kit(user, kit: Path, folder: Path) -> tuple[subprocess.CompletedProcess, dict]:
    report = user[3] / "report.json"
    proc = run_as(user, [BASE_PYTHON, str(kit / "tp-grader.pyz"), str(folder), "--json", str(report),
                         "--lang", "en", "--no-color"])
    data = json.loads(report.read_text()) if report.exists() else None
    report.unlink(missing_ok=True)
    return proc, data


def failed(report: dict) -> set[tuple[str, str]]:
    return {(t["exercise"], t["check"]) for t in report["tests"] if t["status"] != "passed"}


def test_a_student_runs_the_kit_with_a_plain_python3(kit, student):
    home = student[3]
    their_kit = give(student, kit, "kit")
    start = time.monotonic()
    proc, report = grade_with_kit(student, their_kit, their_kit / "tp_python")
    first_run = time.monotonic() - start
    assert proc.returncode == 0 and report is not None, proc.stderr[-3000:]
    assert report["score"] == 0 < report["max_score"], failed(report)
    print(f"a student's first run of the kit (the template): {first_run:.1f} s")
    # the grader came out of the kit, into their cache, theirs
    unpacked = list((home / ".cache" / "tp-grader").glob("kit-*"))
    assert len(unpacked) == 1 and (unpacked[0] / "grader" / "cli.py").is_file(), unpacked
    assert unpacked[0].stat().st_uid == student[1]
    # a correct hand-in: full marks, the kept check left out and said
    proc, report = grade_with_kit(student, their_kit, give(student, ROOT / "reference", "tp_done"))
    assert proc.returncode == 0 and report is not None, proc.stderr[-3000:]
    assert report["score"] == report["max_score"] > 0, failed(report)
    assert report["kept_for_grading"] == {KEPT[0]: 5.0}
    assert KEPT not in {(t["exercise"], t["check"]) for t in report["tests"]}
    assert "more points are kept for grading time" in proc.stdout
    # a hand-in with one bug loses the points of that check, and those only
    variant = load(SUBMISSIONS / "jpn_wrong_usage_wording")
    built = build(variant, Path(f"/tmp/tp-grader-test-kit-{uuid.uuid4().hex[:8]}") / "hand_in")
    try:
        proc, report = grade_with_kit(student, their_kit, give(student, built, "tp_bug"))
    finally:
        shutil.rmtree(built.parent)
    assert proc.returncode == 0 and report is not None, proc.stderr[-3000:]
    assert failed(report) == {(variant.loses, check) for check in variant.failing}


def test_a_kit_of_another_lab_grades_that_lab_with_no_option(tmp_path):
    proc = build_kit(tmp_path / "kit", "--lab", str(NBA_LAB))
    assert proc.returncode == 0, proc.stderr
    nba = NBA_LAB.parent / "2019-nba"
    given = {p.name: p.read_bytes() for p in (tmp_path / "kit" / "tp_python").iterdir()}
    assert given == {**{p.name: p.read_bytes() for p in (nba / "student_template").iterdir()},
                     "nba_2019.txt": (nba / "fixtures" / "nba_2019.txt").read_bytes()}
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("PYTHONPATH", None)
    for folder, full in ((nba / "reference", True), (tmp_path / "kit" / "tp_python", False)):
        report = tmp_path / "report.json"
        done = subprocess.run([BASE_PYTHON, str(tmp_path / "kit" / "tp-grader.pyz"), str(folder), "--json",
                               str(report), "--lang", "en"], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        data = json.loads(report.read_text())
        assert {t["exercise"] for t in data["tests"]} == {"joueurs_par_nation", "joueurs_nation", "wine_bottles"}
        assert (data["score"] == data["max_score"]) if full else (data["score"] == 0 < data["max_score"]), \
            failed(data)


PYENV = Path(os.environ.get("PYENV_ROOT", "/root/.pyenv")) / "versions"


def pyenv_python(version: str) -> Path:
    """pyenv's python `version` (3.9: the newest 3.9.x), or skip."""
    found = sorted(PYENV.glob(f"{version}.*/bin/python3"), key=lambda p: [int(x) for x in p.parts[-3].split(".")])
    if not found:
        pytest.skip(f"no Python {version} here (pyenv: {PYENV})")
    return found[-1]


@pytest.mark.parametrize("version", ["3.9", "3.10", "3.12", "3.13"])
def test_the_kit_grades_with_every_python_from_3_9(kit, tmp_path, version):
    """Its dependencies are pip's choice for 3.9; the same files serve the later ones."""
    python = pyenv_python(version)
    report = tmp_path / "report.json"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([str(python), str(kit / "tp-grader.pyz"), str(ROOT / "reference"), "--json", str(report),
                           "--lang", "en"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(report.read_text())
    assert data["score"] == data["max_score"] > 0, failed(data)


def test_an_older_python_is_told_in_words(kit, tmp_path):
    python = pyenv_python("3.8")
    done = subprocess.run([str(python), str(kit / "tp-grader.pyz"), str(ROOT / "reference")], cwd=tmp_path,
                          env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("tp-grader : il faut Python 3.9 ou plus récent (celui-ci est 3.8) : essayez python3.9 "
                           "ou une version plus récente\n"), done.stderr
    assert not (tmp_path / "cache").exists()  # nothing unpacked
