"""`pip install .` (not editable) gives a `tp-grader` command that works from
any folder: every file the grader reads is in the package."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, grade_dir

# not needed to build the package, and slow to copy
LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", "tests")


def test_an_installed_wheel_grades_the_reference_from_another_folder(tmp_path):
    source = tmp_path / "source"  # pip builds in the tree it installs: not in the checkout
    shutil.copytree(ROOT, source, ignore=LEFT_OUT, symlinks=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                              "--disable-pip-version-check", str(source)],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-2000:]
    shutil.rmtree(source)  # the installed grader must not lean on its source

    package = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import grader, os; "
                                   "print(os.path.dirname(grader.__file__))"],
                                  capture_output=True, text=True, check=True, cwd=tmp_path).stdout.strip())
    assert package.is_relative_to(venv)
    assert (package / "fixtures" / "foot_2020.txt").read_bytes() == (ROOT / "fixtures" / "foot_2020.txt").read_bytes()
    assert not list(package.parent.glob("reference")) and not list(package.rglob("wine_bottles_server.py"))
    # the labs and their fixtures, without another lab's solutions
    assert (package / "labs" / "2021.toml").is_file() and (package / "labs" / "2019-nba.toml").is_file()
    assert (package / "labs" / "2019-nba" / "fixtures" / "nba_2019.txt").is_file()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc, report = grade_dir(ROOT / "reference", command=[str(venv / "bin" / "tp-grader")], cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    assert report["score"] == report["max_score"] > 0, [t["name"] for t in report["tests"] if t["status"] != "passed"]
    # its messages name it as the user typed it
    env = {k: v for k, v in os.environ.items() if k != "TPGRADER_COMMAND"}
    missing = subprocess.run(["tp-grader", "nope", "--lang", "en"], cwd=elsewhere, capture_output=True, text=True,
                             timeout=120, env=dict(env, PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}"))
    assert missing.stderr.startswith("tp-grader: cannot grade nope: "), missing.stderr
    # the platform bundles and the kit are built from the source tree: an
    # installed grader says so in one line, and writes nothing
    for option in ("--gradescope-bundle", "--vpl-bundle", "--student-kit", "--github-classroom"):
        target = elsewhere / option.strip("-")
        refused = subprocess.run([str(venv / "bin" / "tp-grader"), option, str(target), "--lang", "en"],
                                 cwd=elsewhere, capture_output=True, text=True, timeout=120, env=env)
        assert refused.returncode == 2 and refused.stdout == "", (option, refused.stdout, refused.stderr)
        assert refused.stderr.startswith("tp-grader: the ") and refused.stderr.count("\n") == 1, refused.stderr
        assert "(git clone), not from an installed tp-grader" in refused.stderr, refused.stderr
        assert not target.exists(), option
