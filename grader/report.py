"""The score report: a text report for the terminal and a JSON report (a
superset of Gradescope's results.json). Both render a failed check's feedback
with the same function, `feedback_text`."""
from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from .feedback import Cause, Feedback, left_out, visible
from .i18n import _
from .lab import active_lab
from .rubric import VISIBLE
from .kit.result import CheckResult
from .submission import exercise_scripts

# Two exercises of one section (II.1) are told apart in a class table's narrow columns.
_SECTION_MATES = {"chrono": "chrono", "multiChrono": "multi"}


def exercise_name(exercise: str) -> str:
    """The statement's section and the exercise's scripts: `I.4 a.py, b.py`."""
    return f"{active_lab().exercises[exercise].section} {', '.join(exercise_scripts()[exercise])}"


def short_name(exercise: str) -> str:
    """A class table's column title: the section, `II.1 multi` where two share it."""
    exercises = active_lab().exercises
    if exercise not in exercises:
        return exercise
    section = exercises[exercise].section
    if sum(ex.section == section for ex in exercises.values()) == 1:
        return section
    return f"{section} {_SECTION_MATES.get(exercise, exercise)}"


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


# The terminal report's budgets (without --details): a failed check's block,
# and the whole report, in lines. Past them, blocks are cut where they say
# least (see fit_blocks) and the last failures shrink to their summary line.
CHECK_LINES = 30
REPORT_LINES = 200


def feedback_text(fb: Feedback, brief: bool = False, lines: int = CHECK_LINES - 1) -> str:
    """A failed check, explained: what was run, in which setting, what was
    expected, what came out (with a diff where it helps), and a hint.
    `brief`: the terminal report's view, the check's brief context and
    output where it gives them, within `lines` (see fit_blocks; the
    report's block adds one line: the check's title, or a cause's cost)."""
    head = [fb.summary]
    if fb.command:
        head.append(_("Command run:") + f" {fb.command}")
    context = (fb.brief_context or fb.context) if brief else fb.context
    actual = (fb.brief_actual or fb.actual) if brief else fb.actual
    blocks: list[tuple[str, list[str]]] = []  # (title, lines)
    if context:
        blocks.append((_("Setting:"), context.split("\n")))
    if fb.expected is not None:
        blocks.append((_("Expected:"), fb.expected.split("\n")))
    if actual is not None:
        blocks.append((_("Got:"), actual.split("\n")))
    # A diff helps when there is output to compare, in the layout of `expected`.
    if fb.expected and fb.diff_actual and fb.diff_actual.strip() and "|" not in fb.diff_actual:
        diff = list(difflib.unified_diff(fb.expected.split("\n"), fb.diff_actual.rstrip("\n").split("\n"),
                                         _("expected"), _("got"), lineterm="", n=1))
        if diff:
            blocks.append((_("Difference (- expected, + got):"), diff[2:]))
    tail = [_("Hint:") + " " + fb.hint] if fb.hint else []
    if brief:
        blocks = fit_blocks(blocks, lines - len(head) - len(tail) - len(blocks))
    parts = head + [title + "\n" + _indent("\n".join(lines)) for title, lines in blocks] + tail
    return "\n".join(parts)


def fit_blocks(blocks: list[tuple[str, list[str]]], room: int) -> list[tuple[str, list[str]]]:
    """Cut the longest blocks until their lines fit in `room`: every block
    longer than a common level is cut to it (so that no block, the output
    least of all, shrinks to nothing while another stays whole); each cut
    block keeps its first lines and its last ones (where a program's output
    stops), with one line saying how many are left out."""
    sizes = [len(lines) for _t, lines in blocks]
    floor = 3  # a cut block keeps at least its first line, the marker and its last line
    if sum(sizes) > room:
        level = max(sizes)
        while level > floor and sum(min(size, level) for size in sizes) > room:
            level -= 1
        sizes = [min(size, level) for size in sizes]
    fitted = []
    for (title, lines), size in zip(blocks, sizes):
        if size < len(lines):
            keep = size - 1
            first = keep // 3 or 1
            last = keep - first
            left = len(lines) - first - last
            lines = [*lines[:first], left_out(left), *(lines[-last:] if last else [])]
        fitted.append((title, lines))
    return fitted


@dataclass
class CauseGroup:
    """One cause behind several failed checks: the report tells it once."""
    number: int
    cause: Cause
    results: list[CheckResult]  # the failed checks it cost, in report order

    @property
    def points(self) -> float:
        return sum(r.max_score for r in self.results)


def shared_causes(results: Sequence[CheckResult]) -> dict[str, CauseGroup]:
    """Cause key -> its group, for the causes shared by two checks or more
    (a cause behind one check is told with that check)."""
    by_key: dict[str, list[CheckResult]] = {}
    for r in results:
        if not r.passed and r.feedback is not None and r.feedback.cause is not None:
            by_key.setdefault(r.feedback.cause.key, []).append(r)
    groups: dict[str, CauseGroup] = {}
    for key, failed in by_key.items():
        if len(failed) >= 2:
            groups[key] = CauseGroup(len(groups) + 1, failed[0].feedback.cause, failed)
    return groups


def cause_label(cause: Cause) -> str:
    """The cause in a few words, for the line of each check it cost."""
    kind, _sep, what = cause.key.partition(":")
    labels = {
        "missing": _("{what} is missing"),
        "unreadable": _("Python cannot read {what}"),
        "unwritten": _("{what} is not written yet"),
        "wants_args": _("{what} wants arguments that the statement does not give"),
        "rejects_extra": _("{what} refuses extra arguments"),
        "keyboard": _("{what} waits for the keyboard (input())"),
        "no_listen": _("the server never listens"),
        "producer_without_nation": _("{what} starts the producer without the nation"),
        "grader": _("the grader failed (not your fault)"),
    }
    if kind == "crash":  # crash:FILE:LINE:ERROR
        file, line, error = (what.rsplit(":", 2) + ["", ""])[:3]
        return _("{file} crashes ({error}, line {line})").format(file=file, error=error, line=line)
    if kind in labels:
        return labels[kind].format(what=what)
    first = cause.summary.split(". ")[0].rstrip(".")
    return first if len(first) <= 90 else first[:87] + "..."


def cause_text(group: CauseGroup, brief: bool = False) -> str:
    """A shared cause, told once: what it is, what it cost, and the details
    of the first check it made fail (the others: --details). `brief`: as
    for feedback_text."""
    first = group.results[0].feedback
    exercises = sorted({exercise_name(r.exercise) for r in group.results},
                       key=lambda n: [exercise_name(r.exercise) for r in group.results].index(n))
    shown = Feedback(group.cause.summary, command=first.command, context=first.context,
                     actual=first.actual, hint=group.cause.hint or first.hint,
                     brief_context=first.brief_context, brief_actual=first.brief_actual)
    cost = _("It cost {n} checks ({points} points) of {exercises}, marked [{number}] above.").format(
        n=len(group.results), points=_fmt(group.points), exercises=", ".join(exercises),
        number=group.number)
    lines = feedback_text(shown, brief).split("\n")
    return "\n".join([lines[0], cost, *lines[1:]])


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
                color: bool = False, notes: Sequence[str] = (), details: bool = False,
                kept: Optional[dict[str, float]] = None, withhold_hidden: bool = False) -> str:
    """The terminal report: scores, each exercise's checks, then what went
    wrong. A cause shared by several checks is told once, and each check it
    cost points to it; `details` also shows every failed check in full.
    `kept`: exercise -> points of the checks this run left out, kept for
    grading time (a student's run): the totals say they cover the others.
    `withhold_hidden`: a failed check kept for grading time shows its title
    only (a platform's log that students read)."""
    st = _Style(color)
    # what comes from the hand-in (its folder's name, what its programs
    # printed, quoted in causes and feedback) is shown through visible()
    out = [st.bold(_("tp-grader: {path}").format(path=visible(str(submission))))]
    out += [f"{_('Note:')} {note}" for note in notes]
    out.append("")
    scores = exercise_scores(results)
    width = max([len(e.name) for e in scores] + [10])
    for e in scores:
        mark = st.ok("OK") if e.score == e.max_score else st.bad("--")
        out.append(f"  {mark}  {e.name:<{width}}  {_fmt(e.score):>4} / {_fmt(e.max_score)}")
    total = sum(e.score for e in scores)
    total_max = sum(e.max_score for e in scores)
    out.append(f"      {_('Total'):<{width}}  {st.bold(_fmt(total)):>4} / {_fmt(total_max)}"
               + (" " + _("(visible checks only)") if kept else ""))
    out.append("")
    groups = shared_causes(results)
    group_of = {id(r): g for g in groups.values() for r in g.results}
    for e in scores:
        out.append(st.bold(e.name))
        for r in (r for r in results if r.exercise == e.id):
            mark = st.ok("[x]") if r.passed else st.bad("[ ]")
            line = f"  {mark} {_(r.title)}  ({_fmt(r.score)}/{_fmt(r.max_score)})"
            group = group_of.get(id(r))
            if group is not None:
                line += st.bad(f"  -> [{group.number}] {visible(cause_label(group.cause))}")
            out.append(line)
        out.append("")
    failed = [r for r in results if not r.passed]
    if failed:
        out.append(st.bold(_("What went wrong")))
        out.append("")
        # each failure's block: (its full lines, its line when the report runs out of room)
        sections: list[tuple[list[str], list[str]]] = []
        for g in groups.values():
            first, *rest = visible(cause_text(g, brief=not details)).split("\n")
            label = st.bad(f"[{g.number}] ") + st.bold(first)
            sections.append(([label, _indent("\n".join(rest), "    "), ""],
                             [label, "    " + rest[0], ""]))
        for r in failed:
            if id(r) in group_of and not details:
                continue
            title = st.bad("x ") + st.bold(f"{exercise_name(r.exercise)}: {_(r.title)}")
            if withhold_hidden and r.visibility != VISIBLE:
                sections.append(([title, "  " + withheld_text(), ""],) * 2)
            else:
                sections.append(([title, _indent(visible(feedback_text(r.feedback, brief=not details)), "  "), ""],
                                 [title, "  " + visible(r.feedback.summary), ""]))
        # Past REPORT_LINES, the last failures shrink to their summary line
        # (the first ones, in report order, keep their evidence).
        room = REPORT_LINES - len(out) - (0 if details else 1) - (1 if kept else 0) - 1
        shown = [full for full, _short in sections]
        i = len(sections) - 1
        while not details and i >= 0 and sum(_line_count(block) for block in shown) > room:
            shown[i] = sections[i][1]
            i -= 1
        for block in shown:
            out.extend(block)
        if not details:
            out.append(_("Every check's own details: add --details."))
    else:
        out.append(st.ok(_("Every check passed.")))
    if kept:
        out.append(kept_line(kept))
    out.append(_("Graded in {seconds:.1f} s.").format(seconds=duration))
    return "\n".join(out) + "\n"


def _line_count(block: list[str]) -> int:
    return sum(part.count("\n") + 1 for part in block)


def withheld_text() -> str:
    return _("A check kept for grading time: what it ran is not shown.")


def kept_line(kept: dict[str, float]) -> str:
    """What a student's run left out: how many points, in which exercises."""
    return _("{points} more points are kept for grading time, in checks this run does not show: "
             "{exercises}.").format(points=_fmt(sum(kept.values())),
                                   exercises=", ".join(f"{exercise_name(ex)} ({_fmt(p)})"
                                                       for ex, p in kept.items()))


def json_report(results: list[CheckResult], duration: float, notes: Sequence[str] = (),
                kept: Optional[dict[str, float]] = None) -> dict:
    """`kept`: as for text_report (the points left out of a student's run)."""
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
                "cause": r.feedback.cause.key if not r.passed and r.feedback.cause else None,
                "visibility": r.visibility,
            }
            for r in results
        ],
        "causes": [
            {"key": key, "summary": g.cause.summary, "hint": g.cause.hint,
             "tests": [f"{exercise_name(r.exercise)}: {_(r.title)}" for r in g.results]}
            for key, g in shared_causes(results).items()
        ],
        **({"kept_for_grading": kept} if kept else {}),
        **({"timing": [{"exercise": r.exercise, "check": r.key, "wall": round(r.duration, 3),
                        "cpu": round(r.cpu, 3), "cpu_programs": round(r.cpu_programs, 3)} for r in results]}
           if os.environ.get("TPGRADER_TIMING") else {}),  # bench/bench.py --per-check
    }


def write_json(path: Path, report: dict) -> None:
    Path(path).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_json(path: Path) -> Optional[dict]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
