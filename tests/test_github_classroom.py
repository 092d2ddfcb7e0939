"""GitHub Classroom: the workflow that --github-classroom writes
(grader/github_classroom.py), checked against GitHub's workflow schema, then
run the way GitHub Actions and Classroom's grading actions would run it, in a
clean checkout of a student repository laid out like student_template/."""
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, marked_processes

from grader.github_classroom import GRADER_ZIP, VENDORED, WORKFLOW, exercise_points, write_workflow
from grader.report import exercise_name
from grader.rubric import load_rubric
from grader.submission import exercise_scripts

JOB = "run-autograding-tests"
CHECKOUT = "actions/checkout@v4"
COMMAND_GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
UPLOAD = "actions/upload-artifact@v4"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A checkout of the template repository with what --github-classroom writes."""
    dest = tmp_path_factory.mktemp("template")
    assert write_workflow(dest) == [dest / WORKFLOW, dest / GRADER_ZIP]
    return dest


def load_workflow(path: Path) -> dict:
    """The workflow as GitHub reads it: YAML 1.2 (ruamel.yaml, which
    check-jsonschema uses, where installed), else the block-style subset of
    YAML the generator writes."""
    text = path.read_text(encoding="utf-8")
    data = _load_subset(text)
    try:
        from ruamel.yaml import YAML
    except ImportError:
        return data
    full = json.loads(json.dumps(YAML(typ="safe", pure=True).load(text)))
    assert full == data  # the small reader below reads it as a YAML parser does
    return full


def _load_subset(text: str):
    """Block mappings and sequences, plain (strings, integers, booleans),
    'single' and "double" quoted scalars, comments: enough for the generated
    workflow."""
    lines = []
    for raw in text.splitlines():
        line = _strip_comment(raw).rstrip()
        if line.strip():
            lines.append((len(line) - len(line.lstrip(" ")), line.strip()))

    def scalar(s: str):
        if s.startswith('"'):
            return json.loads(s)
        if s.startswith("'"):
            return s[1:-1].replace("''", "'")
        if s in ("true", "false"):
            return s == "true"
        return int(s) if re.fullmatch(r"-?\d+", s) else s

    def block(i: int, indent: int):
        if lines[i][1].startswith("- "):
            items = []
            while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
                rest = lines[i][1][2:]
                if re.match(r"""("[^"]*"|'[^']*'|[^\s"'][^:]*):( |$)""", rest):
                    lines[i] = (indent + 2, rest)  # "- key: value" opens a mapping
                    value, i = block(i, indent + 2)
                else:
                    value, i = scalar(rest), i + 1
                items.append(value)
            return items, i
        mapping = {}
        while i < len(lines) and lines[i][0] == indent and not lines[i][1].startswith("- "):
            m = re.match(r"""("[^"]*"|'[^']*'|[^"'][^:]*):(?: (.*))?$""", lines[i][1])
            assert m, f"not in the subset: {lines[i][1]}"
            key, value = scalar(m.group(1)), m.group(2)
            i += 1
            if value is None and i < len(lines) and lines[i][0] > indent:
                mapping[key], i = block(i, lines[i][0])
            elif value is None:
                mapping[key] = None
            else:
                mapping[key] = scalar(value)
        return mapping, i

    data, end = block(0, 0)
    assert end == len(lines), f"not in the subset: {lines[end][1]}"
    return data


def _strip_comment(line: str) -> str:
    quote = None
    for k, c in enumerate(line):
        if quote:
            quote = None if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c == "#" and (k == 0 or line[k - 1] == " "):
            return line[:k]
    return line


def test_workflow_is_valid_for_github(template, tmp_path):
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is not installed (pip install "
                        "check-jsonschema): GitHub's workflow schema is not checked")
    workflow = template / WORKFLOW

    def check(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                               "vendor.github-workflows", str(path)],
                              capture_output=True, text=True, timeout=120)

    proc = check(workflow)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the validator does reject a workflow GitHub would refuse (a job with no runs-on)
    broken = tmp_path / "broken.yml"
    broken.write_text(workflow.read_text().replace("    runs-on: ubuntu-latest\n", ""))
    assert check(broken).returncode != 0


def test_workflow_has_a_step_per_exercise_worth_its_points(template):
    wf = load_workflow(template / WORKFLOW)
    assert wf["name"] == "Autograding Tests"  # the names Classroom looks for
    assert list(wf["jobs"]) == [JOB]
    assert wf["on"] == ["push", "workflow_dispatch", "repository_dispatch"]
    steps = wf["jobs"][JOB]["steps"]
    assert steps[0]["uses"] == CHECKOUT and steps[1]["uses"].startswith("actions/setup-python@")
    assert "pip install" in steps[2]["run"] and f"./{GRADER_ZIP}" in steps[2]["run"]
    graders = [s for s in steps if s.get("uses") == COMMAND_GRADER]
    rubric = load_rubric()
    assert [(s["id"], s["with"]["max-score"]) for s in graders] == [
        (e, sum(rubric[e].values())) for e in exercise_scripts()]
    assert [s["with"]["test-name"] for s in graders] == [exercise_name(e) for e in exercise_scripts()]
    assert sum(exercise_points().values()) == sum(sum(c.values()) for c in rubric.values())
    upload = next(s for s in steps if s.get("uses") == UPLOAD)
    assert upload["if"] == "always()" and upload["with"]["path"] == "classroom-report.json"
    assert steps.index(graders[-1]) < steps.index(upload) < len(steps) - 1
    assert steps[-1]["uses"] == REPORTER
    assert steps[-1]["with"]["runners"] == ",".join(exercise_scripts())


def test_the_grader_archive_is_the_grader(template, tmp_path):
    """What the workflow pip-installs: this checkout's project, whole, but
    for solutions (the 2019 lab's reference and template, in grader/labs/)."""
    archive = zipfile.ZipFile(template / GRADER_ZIP)
    files = [f for name in VENDORED for f in [ROOT / name, *(ROOT / name).rglob("*")]]
    expected = {f"tp-grader/{f.relative_to(ROOT).as_posix()}" for f in files
                if f.is_file() and not {"__pycache__", "reference", "student_template"} & set(f.relative_to(ROOT).parts)}
    assert "tp-grader/grader/labs/2019-nba/fixtures/nba_2019.txt" in expected
    assert set(archive.namelist()) == expected
    assert archive.read("tp-grader/grader/rubric.toml") == (ROOT / "grader" / "rubric.toml").read_bytes()
    # the same grader gives the same bytes (nothing for git to commit again)
    again = tmp_path / "again"
    again.mkdir()
    write_workflow(again)
    assert (again / GRADER_ZIP).read_bytes() == (template / GRADER_ZIP).read_bytes()


def test_the_grader_archive_builds(template, tmp_path):
    """pip can build what the workflow installs (as on GitHub's runner, it
    fetches its build tools from PyPI, or from pip's cache)."""
    zipfile.ZipFile(template / GRADER_ZIP).extractall(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--disable-pip-version-check", "-q", "-w", str(tmp_path / "dist"),
                           str(tmp_path / "tp-grader")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = (tmp_path / "dist").glob("tp_grader-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"grader/github_classroom.py", "grader/rubric.toml", "grader/fixtures/foot_2020.txt",
            "grader/checks/pytest.ini", "grader/locale/fr/LC_MESSAGES/grader.po"} <= names


def _student_repository(template: Path, source: str, where: Path) -> Path:
    """A clean checkout of a student repository made from the template:
    the template's files (student_template/'s names, taken from `source`)
    and the template's .github/, committed, then cloned as actions/checkout
    would."""
    origin = where / "origin"
    origin.mkdir()
    for f in sorted((ROOT / "student_template").iterdir()):
        shutil.copy2(ROOT / source / f.name, origin / f.name)
    shutil.copytree(template / ".github", origin / ".github")
    git = ["git", "-c", "user.name=student", "-c", "user.email=student@example.org"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "my work"]):
        subprocess.run(git + args, cwd=origin, check=True, capture_output=True)
    checkout = where / "checkout"
    subprocess.run(["git", "clone", "-q", str(origin), str(checkout)], check=True, capture_output=True)
    return checkout


@pytest.mark.parametrize("source, full_marks", [("reference", True), ("student_template", False)])
def test_classroom_grades_a_student_repository(template, tmp_path, source, full_marks):
    checkout = _student_repository(template, source, tmp_path)
    steps = load_workflow(checkout / WORKFLOW)["jobs"][JOB]["steps"]
    # The install step's equivalent: `python` is this environment's, with this
    # checkout's grader first on its path (the runner's pip-installed copy is
    # the same code).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (bin_dir / "python").chmod(0o755)
    path = f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    session = f"test{uuid.uuid4().hex[:8]}-"
    installed = {"PYTHONPATH": str(ROOT), "TPGRADER_SESSION": session}

    # Each test step, as autograding-command-grader runs it: its command in
    # /bin/sh, in the repository, with only these variables; all of
    # max-score if it exits with 0, else 0.
    results, logs = {}, {}
    for step in steps:
        if step.get("uses") != COMMAND_GRADER:
            continue
        w = step["with"]
        env = {"PATH": path, "HOME": os.environ.get("HOME", "/tmp"), "FORCE_COLOR": "true",
               "DOTNET_CLI_HOME": "/tmp", "DOTNET_NOLOGO": "true", **installed}
        proc = subprocess.run(w["command"], shell=True, cwd=checkout, env=env, capture_output=True,
                              text=True, timeout=60 * float(w.get("timeout", 10)))
        max_score = int(str(w.get("max-score", 0)))
        status = "pass" if proc.returncode == 0 else "fail"
        results[step["id"]] = {"status": status, "max_score": max_score,
                               "tests": [{"name": w["test-name"], "status": status,
                                          "score": max_score if status == "pass" else 0}]}
        logs[step["id"]] = proc.stdout + proc.stderr
        assert w["test-name"] in proc.stdout, logs[step["id"]]  # the exercise's report is in the log

    # The whole report: a run step (bash), whose JSON the artifact keeps.
    whole = next(s for s in steps if "--json" in s.get("run", ""))
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", whole["run"]],
                          cwd=checkout, env={**os.environ, "PATH": path, **installed},
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    upload = next(s for s in steps if s.get("uses") == UPLOAD)
    report = json.loads((checkout / upload["with"]["path"]).read_text())
    assert "Total" in proc.stdout

    # The reporter: each runner's result from <ID>_RESULTS, the points added up.
    reporter = steps[-1]
    assert reporter["uses"] == REPORTER
    runners = [r for r in re.split(r"[\s,]", reporter["with"]["runners"]) if r]
    for r in runners:
        assert reporter["env"][f"{r.upper()}_RESULTS"].replace(" ", "") == "${{steps.%s.outputs.result}}" % r
    total = sum(t["score"] for r in runners for t in results[r]["tests"])
    max_total = sum(results[r]["max_score"] for r in runners)
    assert max_total == report["max_score"] == sum(sum(c.values()) for c in load_rubric().values())
    if full_marks:
        assert {r: results[r]["status"] for r in runners} == {r: "pass" for r in runners}, logs
        assert total == max_total and report["score"] == report["max_score"]
    else:
        assert {r: results[r]["status"] for r in runners} == {r: "fail" for r in runners}, logs
        assert total == 0 and report["score"] == 0
    assert marked_processes(session) == []
