"""The score report: a text report for the terminal and a JSON report (a
superset of Gradescope's results.json). Both render a failed check's feedback
with the same function, `feedback_text`."""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from .feedback import Feedback
from .i18n import _
from .runner import CheckResult
from .submission import EXERCISE_SCRIPTS

SECTIONS = {
    "joueurs_par_nation": "I.2", "joueurs_nation": "I.4", "bottles_of_beer2": "II.2",
    "chrono": "II.1", "multiChrono": "II.1", "wine_bottles": "III.2",
}


SHORT_NAMES = {
    "joueurs_par_nation": "I.2", "joueurs_nation": "I.4", "bottles_of_beer2": "II.2",
    "chrono": "II.1 chrono", "multiChrono": "II.1 multi", "wine_bottles": "III.2",
}


def exercise_name(exercise: str) -> str:
    return f"{SECTIONS[exercise]} {', '.join(EXERCISE_SCRIPTS[exercise])}"


@dataclass
class ExerciseScore:
    id: str
    name: str
    score: float
    max_score: float


def exercise_scores(results: list[CheckResult]) -> list[ExerciseScore]:
    scores: dict[str, ExerciseScore] = {}
    for r in results:
        e = scores.setdefault(r.exercise, ExerciseScore(r.exercise, exercise_name(r.exercise), 0.0, 0.0))
        e.score += r.score
        e.max_score += r.max_score
    return list(scores.values())


def _indent(text: str, prefix: str = "    | ") -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


def feedback_text(fb: Feedback) -> str:
    """A failed check, explained: what was run, in which setting, what was
    expected, what came out (with a diff where it helps), and a hint."""
    parts = [fb.summary]
    if fb.command:
        parts.append(_("Command run:") + f" {fb.command}")
    if fb.context:
        parts.append(_("Setting:") + "\n" + _indent(fb.context))
    if fb.expected is not None:
        parts.append(_("Expected:") + "\n" + _indent(fb.expected))
    if fb.actual is not None:
        parts.append(_("Got:") + "\n" + _indent(fb.actual))
    # A diff helps when there is output to compare, in the layout of `expected`.
    if fb.expected and fb.diff_actual and fb.diff_actual.strip() and "|" not in fb.diff_actual:
        diff = list(difflib.unified_diff(fb.expected.split("\n"), fb.diff_actual.rstrip("\n").split("\n"),
                                         _("expected"), _("got"), lineterm="", n=1))
        if diff:
            parts.append(_("Difference (- expected, + got):") + "\n" + _indent("\n".join(diff[2:])))
    if fb.hint:
        parts.append(_("Hint:") + " " + fb.hint)
    return "\n".join(parts)


def _fmt(x: float) -> str:
    return f"{x:g}"


class _Style:
    def __init__(self, color: bool):
        self.color = color

    def _c(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def ok(self, t):
        return self._c("32", t)

    def bad(self, t):
        return self._c("31", t)

    def bold(self, t):
        return self._c("1", t)


def text_report(results: list[CheckResult], submission: str, duration: float,
                color: bool = False, notes: Sequence[str] = ()) -> str:
    st = _Style(color)
    out = [st.bold(_("tp-grader: {path}").format(path=submission))]
    out += [f"{_('Note:')} {note}" for note in notes]
    out.append("")
    scores = exercise_scores(results)
    width = max([len(e.name) for e in scores] + [10])
    for e in scores:
        mark = st.ok("OK") if e.score == e.max_score else st.bad("--")
        out.append(f"  {mark}  {e.name:<{width}}  {_fmt(e.score):>4} / {_fmt(e.max_score)}")
    total = sum(e.score for e in scores)
    total_max = sum(e.max_score for e in scores)
    out.append(f"      {_('Total'):<{width}}  {st.bold(_fmt(total)):>4} / {_fmt(total_max)}")
    out.append("")
    for e in scores:
        out.append(st.bold(e.name))
        for r in (r for r in results if r.exercise == e.id):
            mark = st.ok("[x]") if r.passed else st.bad("[ ]")
            out.append(f"  {mark} {_(r.title)}  ({_fmt(r.score)}/{_fmt(r.max_score)})")
        out.append("")
    failed = [r for r in results if not r.passed]
    if failed:
        out.append(st.bold(_("What went wrong, check by check")))
        out.append("")
        for r in failed:
            out.append(st.bad("x ") + st.bold(f"{exercise_name(r.exercise)}: {_(r.title)}"))
            out.append(_indent(feedback_text(r.feedback), "  "))
            out.append("")
    else:
        out.append(st.ok(_("Every check passed.")))
    out.append(_("Graded in {seconds:.1f} s.").format(seconds=duration))
    return "\n".join(out) + "\n"


def json_report(results: list[CheckResult], duration: float, notes: Sequence[str] = ()) -> dict:
    scores = exercise_scores(results)
    return {
        "score": sum(e.score for e in scores),
        "max_score": sum(e.max_score for e in scores),
        "execution_time": round(duration, 3),
        "output": "\n".join(notes),  # Gradescope shows it above the tests
        "exercises": [e.__dict__ for e in scores],
        "tests": [
            {
                "name": f"{exercise_name(r.exercise)}: {_(r.title)}",
                "exercise": r.exercise,
                "check": r.key,
                "score": r.score,
                "max_score": r.max_score,
                "status": "passed" if r.passed else "failed",
                "output": "" if r.passed else feedback_text(r.feedback),
                "visibility": "visible",
            }
            for r in results
        ],
    }


def write_json(path: Path, report: dict) -> None:
    Path(path).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_json(path: Path) -> Optional[dict]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
