import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import uuid
import zipfile
from pathlib import Path
from typing import Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def english():
    """The grader's messages in English for a test that calls it in-process
    (French is the default; a test must not depend on one run before it)."""
    from grader.i18n import current_language, set_language
    before = current_language()
    set_language("en")
    yield
    set_language(before)


def grade_dir(path: Path, *extra: str, lang: str = "en", env: Optional[dict] = None,
              command: Optional[list[str]] = None, cwd: Path = ROOT) -> tuple[subprocess.CompletedProcess, dict]:
    """Grade a folder through the command line, as a student would; returns
    the finished process and the JSON report. Asserts that no process started
    by the grading survives it. `command`: the grader's command (default:
    this checkout's `python -m grader`)."""
    session = f"test{uuid.uuid4().hex[:8]}-"
    with tempfile.TemporaryDirectory(prefix="tp-grader-test-") as tmp:
        out = Path(tmp) / "report.json"
        proc = subprocess.run([*(command or [sys.executable, "-m", "grader"]), str(path), "--json", str(out),
                               "--lang", lang, *extra],
                              cwd=cwd, capture_output=True, text=True, timeout=600,
                              env={**os.environ, **(env or {}), "TPGRADER_SESSION": session})
        report = json.loads(out.read_text()) if out.exists() else None
    assert marked_processes(session) == []
    return proc, report


def as_typed_in_a_terminal() -> None:
    """preexec_fn of a grader the tests stop with signals: the default
    dispositions of a command typed in a terminal (a suite started in the
    background, or under nohup, would pass SIG_IGN on to it)."""
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def marked_processes(session: str = "") -> list[str]:
    """Every process on the machine started by a grader sandbox whose marker
    starts with `session` (zombies cannot be read, so are not included)."""
    import psutil

    from grader.harness import RUN_MARKER
    found = []
    for p in psutil.process_iter():
        try:
            marker = p.environ().get(RUN_MARKER)
            if marker is not None and marker.startswith(session):
                found.append(f"{p.pid} {p.status()} {' '.join(p.cmdline())}")
        except psutil.Error:
            pass
    return found


def exercise_scores(report: dict) -> dict[str, tuple[float, float]]:
    return {e["id"]: (e["score"], e["max_score"]) for e in report["exercises"]}


def failure_blocks(text: str) -> list[tuple[str, int]]:
    """The failed checks' blocks of a terminal report (without --details):
    (first line, lines) of each, from its `x ...` or `[N] ...` line to the
    blank line after it."""
    lines = text.rstrip("\n").split("\n")
    found, start = [], None
    for i, line in enumerate(lines + [""]):
        if start is None and (line.startswith("x ") or re.match(r"\[\d+\] ", line)):
            start = i
        elif start is not None and not line.strip():
            found.append((lines[start], i - start))
            start = None
    return found


def report_too_long(text: str, report_lines: int = 200, block_lines: int = 30) -> list[str]:
    """What makes a terminal report longer than a screen allows: over
    `report_lines` in all, or a failed check's block over `block_lines`."""
    lines = text.rstrip("\n").split("\n")
    found = [f"the report has {len(lines)} lines"] if len(lines) > report_lines else []
    return found + [f"{n} lines from {first[:80]!r}" for first, n in failure_blocks(text) if n > block_lines]


@pytest.fixture(scope="session", autouse=True)
def nothing_left_behind():
    """After the whole suite: no process of the tests' gradings (their
    markers start with "test"), no sandbox folder of theirs. What was there
    before the suite started (another suite on the machine, or one killed
    half-way) is not this suite's to answer for."""
    def leftovers() -> dict[str, str]:
        processes = {line.split()[0]: line for line in marked_processes("test")}  # pid: description
        return processes | {str(p): str(p) for p in Path(tempfile.gettempdir()).glob("tp-grader-test*")}
    before = leftovers()
    yield
    assert [what for key, what in leftovers().items() if key not in before] == []


@pytest.fixture(scope="session")
def teaching_assistant():
    """A non-root user with a home of their own and a root-owned copy of the
    grader, who installed it on first use (tests/nonroot.py): made once, for
    the few tests that grade as them; removed with their home at the end."""
    from nonroot import make_teaching_assistant, remove_teaching_assistant, why_no_teaching_assistant
    reason = why_no_teaching_assistant()
    if reason:
        pytest.skip(f"no teaching assistant: {reason}")
    ta = make_teaching_assistant()
    yield ta
    remove_teaching_assistant(ta)


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    """The Moodle VPL execution files, as ./grade.sh --vpl-bundle writes them
    (test_vpl.py, test_vpl_jail.py)."""
    out = tmp_path_factory.mktemp("vpl-bundle")
    proc = subprocess.run([sys.executable, "-m", "grader", "--vpl-bundle", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["tp-grader-vpl.zip", "vpl_evaluate.sh"]
    names = zipfile.ZipFile(out / "tp-grader-vpl.zip").namelist()
    assert "grader/fixtures/foot_2020.txt" in names and "grader/checks/pytest.ini" in names
    # pytest finds its plugins (pytest-timeout, the checks' last guard) through their metadata
    assert any(re.match(r"pytest_timeout-.*\.dist-info/entry_points\.txt$", n) for n in names)
    assert not any(n.startswith(("reference/", "tests/")) for n in names)
    # compiled once, here: no evaluation compiles the grader and its dependencies again
    assert any(re.match(r"grader/__pycache__/runner\.cpython-\d+\.pyc$", n) for n in names)
    return out
