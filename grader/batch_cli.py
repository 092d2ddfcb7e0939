"""The command line of a class grading (./grade.sh --batch ...): a progress
bar with the count done and the time left, then a summary table."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from .feedback import visible
from .i18n import _
from .command import command_error as _error


def run_batch(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn

    from .batch import Graded, grade_class
    from .submission import SubmissionError

    if not args.out:
        return _error(_("--batch needs --out RESULTS: the folder for the results"), 2)
    shard = None
    if args.shard:
        from .shards import parse_shard
        try:
            shard = parse_shard(args.shard)
        except ValueError as e:
            return _error(str(e), 2)
    submissions, out = Path(args.batch), Path(args.out)
    if not submissions.exists():
        return _error(_("cannot grade {path}: {reason}").format(
            path=submissions, reason=_("no such file or folder")), 2)
    worksheet, problem = _worksheet(args)
    if problem:
        return _error(problem, 2)
    from .protection import refuse_unprotected
    if refuse_unprotected(args.batch, None, args.unprotected):
        return 2
    console = Console(stderr=True)
    live = console.is_terminal
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn(_("left")), TimeRemainingColumn(), console=console,
                   disable=not live)
    task = None
    started = time.monotonic()

    def start(count: int) -> None:
        nonlocal task
        task = bar.add_task(_("grading"), total=count)
        if not live:
            print(_("{n} hand-ins to grade").format(n=count), file=sys.stderr, flush=True)

    def progress(g: Graded, done: int, count: int) -> None:
        bar.advance(task)
        if not live:
            elapsed = time.monotonic() - started
            left = elapsed / done * (count - done)
            print(_("[{done}/{count}] {name}: {score} / {max}{reused}, about {left:.0f} s left").format(
                done=done, count=count, name=visible(g.student.name), score=f"{g.report['score']:g}",
                max=f"{g.report['max_score']:g}", left=left,
                reused=_(" (already graded)") if g.reused else ""), file=sys.stderr, flush=True)

    try:
        with bar:
            graded = grade_class(submissions, out, jobs=args.jobs, force=args.force, worksheet=worksheet,
                                 exercises=args.exercise, progress=progress, start=start, shard=shard)
    except SubmissionError as e:
        return _error(_("cannot grade {path}: {reason}").format(path=submissions, reason=e), 2)
    if not graded and shard is None:  # a shard of a small class may have none
        return _error(_("no hand-in found in {path}").format(path=submissions), 2)
    _say_results(graded, time.monotonic() - started, args.no_color, out, worksheet)
    return 0


def _worksheet(args):
    """(--worksheet's path or None, an error message or ''): a bad worksheet
    is said at once, not after an hour of grading."""
    from .batch import read_worksheet
    from .submission import SubmissionError
    worksheet = Path(args.worksheet) if args.worksheet else None
    if worksheet is not None:
        try:
            read_worksheet(worksheet)
        except (OSError, SubmissionError, UnicodeDecodeError) as e:
            return None, _("cannot use the worksheet {file}: {reason}").format(file=worksheet, reason=e)
    return worksheet, ""


def run_merge(args) -> int:
    """--merge PART... --out RESULTS: the shards' folders put together."""
    from .shards import merge_classes
    from .submission import SubmissionError
    if not args.out:
        return _error(_("--merge needs --out RESULTS: the folder for the class's results"), 2)
    worksheet, problem = _worksheet(args)
    if problem:
        return _error(problem, 2)
    started = time.monotonic()
    try:
        graded = merge_classes([Path(p) for p in args.merge], Path(args.out), worksheet)
    except (OSError, SubmissionError) as e:
        return _error(_("cannot merge the shards: {reason}").format(reason=e), 2)
    _say_results(graded, time.monotonic() - started, args.no_color, args.out, worksheet)
    return 0


def _say_results(graded, seconds: float, no_color: bool, out, worksheet) -> None:
    """The class's table, then where its files are."""
    _results_table(graded, seconds, no_color)
    print(_("Results in {out}: summary.html, class.csv, similarity.csv{worksheet}, students/*/").format(
        out=out, worksheet=", worksheet.csv" if worksheet else ""))


def _results_table(graded, seconds: float, no_color: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .report import short_name
    table = Table(title=_("Class results ({n} hand-ins, {seconds:.0f} s)").format(
        n=len(graded), seconds=seconds))
    exercises = [e["id"] for e in graded[0].report.get("exercises", [])] if graded else []
    table.add_column(_("Student"))
    for ex in exercises:
        table.add_column(short_name(ex), justify="right")
    table.add_column(_("Total"), justify="right")
    for g in graded:
        by_id = {e["id"]: e["score"] for e in g.report.get("exercises", [])}
        # a folder's name as it is: no rich markup read in it, its control characters as text
        table.add_row(Text(visible(g.student.name)), *[f"{by_id.get(ex, 0):g}" for ex in exercises],
                      f"{g.report['score']:g} / {g.report['max_score']:g}")
    Console(no_color=no_color, width=max(100, Console().width)).print(table)
