import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def grade_dir(path: Path, *extra: str, lang: str = "en") -> tuple[subprocess.CompletedProcess, dict]:
    """Grade a folder through the command line, as a student would; returns
    the finished process and the JSON report."""
    with tempfile.TemporaryDirectory(prefix="tp-grader-test-") as tmp:
        out = Path(tmp) / "report.json"
        proc = subprocess.run([sys.executable, "-m", "grader", str(path), "--json", str(out),
                               "--lang", lang, *extra],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)
        report = json.loads(out.read_text()) if out.exists() else None
    return proc, report


def exercise_scores(report: dict) -> dict[str, tuple[float, float]]:
    return {e["id"]: (e["score"], e["max_score"]) for e in report["exercises"]}
