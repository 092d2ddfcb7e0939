"""./grade.sh DIR [--json FILE] [--lang fr|en] [--exercise KEY ...] [--details]
   ./grade.sh DIR --all-checks [--seed N] [--rubric FILE]
   ./grade.sh DIR --watch
   ./grade.sh --batch SUBMISSIONS --out RESULTS [--jobs N] [--force] [--worksheet grades.csv]
              [--unprotected] [--shard K/N]
   ./grade.sh --merge PART1 PART2 ... --out RESULTS [--worksheet grades.csv]
   ./grade.sh --gradescope-bundle OUT.zip
   ./grade.sh --vpl-bundle DIR [--vpl-python python3.10]
   ./grade.sh --github-classroom DIR

Exit status: 0 whenever grading ran (whatever the score); 2 for a bad
command line, a folder that cannot be graded, or other people's code that
nothing would protect the user from, without --unprotected (protection.py);
3 if the grader itself broke; 128 + the signal when stopped (130: Ctrl-C,
143: SIGTERM, 129: SIGHUP)."""
from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Optional

from . import i18n
from .command import catch_early_stops, command_error as _error, command_name, early_stop
from .i18n import _

_STARTED = time.monotonic()  # --time-limit counts from the command's start
# --time-limit: the time kept for stopping the grading's programs and removing
# their folders once the limit has come (the sweep takes well under a second)
CLEAN_UP_SECONDS = 1.5


def _parser() -> argparse.ArgumentParser:
    from .submission import exercise_scripts

    p = argparse.ArgumentParser(
        prog=command_name(),
        description=_("Grades a submission of the Python system programming lab."))
    p.add_argument("submission", nargs="?",
                   help=_("the folder holding your scripts (or a .zip / .tar.gz of them)"))
    p.add_argument("--json", metavar="FILE", help=_("also write the report as JSON to FILE"))
    p.add_argument("--lang", choices=i18n.LANGUAGES, default=None,
                   help=_("language of the report (default: fr)"))
    # no choices: a lab (--lab, read after parsing) may have exercises of its own
    p.add_argument("--exercise", action="append", metavar="KEY",
                   help=_("grade only this exercise (repeatable): {keys}").format(
                       keys=", ".join(exercise_scripts())))
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help=_("exercises graded at the same time (default: the number of cores + 1); "
                          "with --batch, hand-ins graded at the same time (default: three per core)"))
    p.add_argument("--no-color", action="store_true", help=_("no colours in the report"))
    p.add_argument("--details", action="store_true",
                   help=_("show every failed check in full, also those whose cause is told once "
                          "for several checks"))
    p.add_argument("--watch", action="store_true",
                   help=_("grade, then grade again each exercise whose scripts you save, until Ctrl-C"))
    p.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                   help=_("stop the grading after SECONDS: the exercises not graded by then get 0, "
                          "and the report says so"))
    batch = p.add_argument_group(_("instructors"))
    batch.add_argument("--all-checks", action="store_true",
                       help=_("run every check, also those the rubric keeps for grading time (a student's "
                              "own run leaves them out; --batch and the platforms run them all)"))
    batch.add_argument("--withhold-hidden", action="store_true",
                       help=_("with --all-checks: a failed check kept for grading time shows its title "
                              "only, not what it ran (for a platform whose log students read)"))
    batch.add_argument("--seed", type=int, default=None, metavar="N",
                       help=_("the grading seed: other generated files, 'today's, nations and random "
                              "draws, the same for the same N (default: the rubric's seed, else the "
                              "public draws students see)"))
    batch.add_argument("--lab", metavar="FILE",
                       help=_("grade against another version of the lab: a lab file (TOML) with its "
                              "data file, scripts and wordings (default: the statement of 2021, "
                              "labs/2021.toml)"))
    batch.add_argument("--rubric", metavar="FILE",
                       help=_("grade with this rubric (points, visibility, seed) instead of the "
                              "grader's rubric.toml"))
    batch.add_argument("--batch", metavar="SUBMISSIONS",
                       help=_("grade a whole class: a folder of hand-ins, or Moodle's \"Download all "
                              "submissions\" zip"))
    batch.add_argument("--unprotected", action="store_true",
                       help=_("grade other people's code (--batch, or files of another user) even where "
                              "their programs would run with your rights: not root, and no sandbox "
                              "namespaces on this machine"))
    batch.add_argument("--shard", metavar="K/N",
                       help=_("with --batch: grade only the K-th of N parts of the class (split by student, "
                              "the same on every machine); --merge puts the parts together"))
    batch.add_argument("--merge", metavar="PART", nargs="+",
                       help=_("put together the folders of the N shards of a class (--batch ... --shard K/N) "
                              "into --out: the class's files, as one --batch would write them"))
    batch.add_argument("--out", metavar="RESULTS", help=_("with --batch: the folder for the results"))
    batch.add_argument("--force", action="store_true",
                       help=_("with --batch: grade again the hand-ins already graded"))
    batch.add_argument("--worksheet", metavar="CSV",
                       help=_("with --batch: Moodle's offline grading worksheet, to fill in"))
    batch.add_argument("--gradescope-bundle", metavar="ZIP",
                       help=_("write the Gradescope autograder zip (setup.sh, run_autograder)"))
    batch.add_argument("--vpl-bundle", metavar="DIR",
                       help=_("write the execution files of a Moodle VPL activity into DIR "
                              "(vpl_evaluate.sh and the grader's archive)"))
    batch.add_argument("--vpl-python", metavar="PYTHON",
                       help=_("with --vpl-bundle: a Python interpreter of the VPL server's version, whose pip "
                              "fetches the grader's dependencies (default: this one)"))
    batch.add_argument("--github-classroom", metavar="DIR",
                       help=_("write GitHub Classroom's autograding into DIR, a checkout of the "
                              "assignment's template repository: .github/workflows/classroom.yml and "
                              "the grader it installs, .github/tp-grader.zip"))
    batch.add_argument("--student-kit", metavar="DIR",
                       help=_("write the students' kit into DIR (and DIR.zip): the grader in one file that a "
                              "plain python3 runs, the lab's template and data file, and a README in French; "
                              "no solution, no grading seed (--lab and --rubric as for a grading)"))
    batch.add_argument("--sandbox", action="store_true",
                       help=_("say what the sandboxes get on this machine, run as you run it now (what "
                              "protects you from the programs graded), and exit"))
    batch.add_argument("--vpl", action="store_true",
                       help=_("print the report as VPL reads it (Grade :=>>, comments), scaled to "
                              "VPL_GRADEMIN..VPL_GRADEMAX (the VPL bundle uses it)"))
    return p


def _language_from(argv: list[str]) -> str:
    """--lang is needed before argparse runs, so that its messages are translated."""
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return i18n.DEFAULT_LANGUAGE


def _use_lab_rubric_and_seed(args) -> str:
    """--lab, --rubric and --seed, for the whole command (and the processes it
    forks); an error message, or ''. The lab comes first: the check modules
    read it when they are imported."""
    from .check_files import CheckFileError, check_own_files
    from .draws import set_grading_seed
    from .lab import LabError, active_lab, use_lab
    from .rubric import RubricError, read_rubric, use_rubric
    if args.seed is not None and args.seed < 0:
        return _("--seed must be 0 or more")
    try:
        lab = use_lab(Path(args.lab)) if args.lab else active_lab()
    except LabError as e:
        return _("bad lab file: {error}").format(error=e)
    missing = [ex for ex in args.exercise or [] if ex not in lab.exercises]
    if missing:
        return _("{exercises}: not an exercise of the lab {lab} (its exercises: {keys})").format(
            exercises=", ".join(missing), lab=args.lab or lab.path.name, keys=", ".join(lab.exercises))
    try:
        if args.rubric or lab.rubric:
            use_rubric(Path(args.rubric or lab.rubric))
        rubric = read_rubric()
    except RubricError as e:
        return _("bad rubric: {error}").format(error=e)
    set_grading_seed(args.seed if args.seed is not None else rubric.seed)
    try:
        check_own_files(rubric)  # the lab's own exercises: their checks, read now
    except CheckFileError as e:
        return _("bad check file: {error}").format(error=e)
    return ""


def _stop_seen() -> Optional[int]:
    """The signal that stopped the command, None if none did."""
    signum = early_stop()
    if signum is not None:
        return signum
    leftovers = sys.modules.get(f"{__package__}.harness.leftovers")  # the command's session, if it began
    return leftovers.stop_signal() if leftovers is not None and leftovers.stop_requested() else None


def main(argv=None) -> int:
    try:
        return _command(argv)
    except BaseException:
        # A stop raises its exception (SystemExit early, then Stopped) in
        # whatever Python code runs, and it may come up as another: raised in
        # a class's __set_name__ (a module being imported), Python turns it
        # into a RuntimeError. A stop it still is: said in one line.
        signum = _stop_seen()
        if signum is None:
            raise
        return _error(_("interrupted"), 128 + signum)


def _command(argv) -> int:
    catch_early_stops()  # already done by command.main; again for a caller of main() (tests, the kit)
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _language_from(argv)
    i18n.set_language(lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)
    args = _parser().parse_args(argv)
    if args.jobs is not None and args.jobs < 1:
        return _error(_("--jobs must be 1 or more"), 2)
    if args.shard and not args.batch:
        return _error(_("--shard K/N goes with --batch: it grades one part of a class"), 2)
    if args.merge and (args.batch or args.submission):
        return _error(_("--merge puts graded shards together: give it their folders and --out, "
                        "not hand-ins to grade"), 2)
    problem = _use_lab_rubric_and_seed(args)
    if problem:
        return _error(problem, 2)
    if args.sandbox:
        from .harness.namespaces import describe
        print(describe())
        return 0
    if args.gradescope_bundle:
        from .gradescope import write_bundle
        from .paths import is_checkout
        if not is_checkout():  # the bundle carries grade.sh and the source tree
            return _error(_("the Gradescope bundle is made from a copy of tp-grader's source (git clone), "
                            "not from an installed tp-grader"), 2)
        try:
            write_bundle(Path(args.gradescope_bundle))
        except OSError as e:
            return _error(_("cannot write {file}: {reason}").format(file=args.gradescope_bundle,
                                                                    reason=e.strerror), 2)
        print(_("Gradescope autograder written to {file}").format(file=args.gradescope_bundle))
        return 0

    if args.vpl_bundle:
        from .paths import is_checkout
        from .vpl import BundleError, write_bundle
        if not is_checkout():  # its wheel is built from the source tree
            return _error(_("the VPL bundle is made from a copy of tp-grader's source (git clone), "
                            "not from an installed tp-grader"), 2)
        try:
            written = write_bundle(Path(args.vpl_bundle), args.vpl_python)
        except (OSError, BundleError) as e:
            return _error(_("cannot write the VPL bundle into {folder}: {reason}").format(
                folder=args.vpl_bundle, reason=getattr(e, "strerror", None) or e), 2)
        print(_("VPL execution files written: {files}").format(files=", ".join(str(f) for f in written)))
        return 0
    if args.student_kit:
        from .paths import is_checkout
        from .student_kit import BundleError, write_kit
        if not is_checkout():  # the kit's grader is built from the source tree
            return _error(_("the students' kit is made from a copy of tp-grader's source (git clone), "
                            "not from an installed tp-grader"), 2)
        try:
            written = write_kit(Path(args.student_kit))
        except (OSError, BundleError) as e:
            return _error(_("cannot write the students' kit into {folder}: {reason}").format(
                folder=args.student_kit, reason=getattr(e, "strerror", None) or e), 2)
        print(_("Students' kit written: {files}").format(files=", ".join(str(f) for f in written)))
        return 0
    if args.github_classroom:
        from .github_classroom import write_workflow
        from .paths import is_checkout
        from .rubric import RubricError
        if not is_checkout():  # the workflow installs a copy of the source tree
            return _error(_("the GitHub Classroom workflow is made from a copy of tp-grader's source "
                            "(git clone), not from an installed tp-grader"), 2)
        try:
            written = write_workflow(Path(args.github_classroom), lang=args.lang or i18n.DEFAULT_LANGUAGE)
        except (OSError, ValueError, RubricError) as e:
            return _error(_("cannot write the GitHub Classroom workflow into {folder}: {reason}").format(
                folder=args.github_classroom, reason=getattr(e, "strerror", None) or e), 2)
        print(_("GitHub Classroom workflow written: {files}").format(files=", ".join(str(f) for f in written)))
        print(_("Commit and push its .github/ folder; add no autograding test to the assignment in "
                "GitHub Classroom."))
        return 0
    if args.time_limit is not None and args.time_limit <= 0:
        return _error(_("--time-limit must be more than 0"), 2)

    from .harness.leftovers import command_session, stop_signal
    from .protection import refuse_unprotected
    try:
        # whatever stops the grading (Ctrl-C, SIGTERM, a closed terminal),
        # nothing it started outlives this block
        with command_session():
            if args.batch:
                from .batch_cli import run_batch
                return run_batch(args)
            if args.merge:
                from .batch_cli import run_merge
                return run_merge(args)
            # VPL's jail, made for one evaluation, holds nothing of anyone's
            # (and a stop there would give every student the lowest grade)
            if not args.vpl and refuse_unprotected(None, args.submission, args.unprotected):
                return 2
            if args.watch:
                return _watch(args)
            return _grade_one(args)
    except KeyboardInterrupt:  # Ctrl-C, SIGTERM, SIGHUP (see leftovers.Stopped)
        return _error(_("interrupted"), 128 + stop_signal())


def _watch(args) -> int:
    """--watch: grade, then each exercise whose scripts change (watch.py)."""
    from .intake import open_hand_in
    from .runner import GraderBug, grade
    from .submission import SubmissionError
    from .watch import watch

    if not args.submission:
        return _error(_("which folder? {command} DIR --watch").format(command=command_name()), 2)
    folder = Path(args.submission)
    if not folder.is_dir():
        return _error(_("--watch needs a folder (not an archive): {path}").format(path=args.submission), 2)

    def grade_exercises(exercises):
        try:
            hand_in = open_hand_in(folder)  # again each time: a script may have been added
        except SubmissionError as e:
            print(_("cannot grade {path}: {reason}").format(path=args.submission, reason=e), flush=True)
            return []
        try:
            return grade(hand_in.root, exercises, jobs=args.jobs, aliases=hand_in.aliases,
                         visible_only=not args.all_checks)[0]
        except GraderBug as e:
            print(_("the grader is broken, please tell your instructor: {error}").format(error=e), flush=True)
            return []
        finally:
            hand_in.close()

    try:
        watch(folder, grade_exercises, say=lambda line: print(line, flush=True), wanted=args.exercise)
    except (OSError, RuntimeError) as e:  # the folder removed, no inotify watch left...
        return _error(_("cannot watch {folder}: {reason}").format(folder=args.submission, reason=e), 2)
    return 0


def _grade_one(args) -> int:
    from .intake import open_hand_in
    from .report import json_report, text_report, write_json
    from .rubric import read_rubric
    from .runner import GraderBug, grade
    from .submission import SubmissionError, exercise_scripts

    if not args.submission:
        return _error(_("which folder? {command} DIR (or --batch SUBMISSIONS --out RESULTS)").format(command=command_name()), 2)
    if args.json:
        target_dir = Path(args.json).resolve().parent
        if not target_dir.is_dir():
            return _error(_("cannot write {file}: no folder {folder}").format(
                file=args.json, folder=target_dir), 2)
    try:
        hand_in = open_hand_in(Path(args.submission))
    except SubmissionError as e:
        return _error(_("cannot grade {path}: {reason}").format(
            path=args.submission, reason=e), 2)
    # a student's own run leaves out the checks kept for grading time; the
    # platforms (VPL here, the others pass --all-checks) grade with them all
    all_checks = args.all_checks or args.vpl
    start = time.monotonic()
    # the time limit covers the clean-up after it too
    until = None if args.time_limit is None else _STARTED + args.time_limit - CLEAN_UP_SECONDS
    try:
        results, notes = grade(hand_in.root, args.exercise, jobs=args.jobs, aliases=hand_in.aliases,
                               until=until, visible_only=not all_checks)
        notes = hand_in.notes + notes
    except GraderBug as e:
        return _error(_("the grader is broken, please tell your instructor: {error}").format(error=e), 3)
    except Exception as e:  # never a traceback for the student
        if os.environ.get("TPGRADER_DEBUG"):
            traceback.print_exc()
        return _error(_("the grader is broken, please tell your instructor: {error}").format(
            error=f"{type(e).__name__}: {e}"), 3)
    finally:
        hand_in.close()
    duration = time.monotonic() - start
    # what the student's run left out, said at the end of the report
    kept = {} if all_checks else read_rubric().kept_for_grading(
        [ex for ex in exercise_scripts() if not args.exercise or ex in args.exercise])
    color = sys.stdout.isatty() and not args.no_color and not os.environ.get("NO_COLOR")
    if args.vpl:
        from .vpl import RUN_BIT_NOTE, grade_range, vpl_report
        if os.environ.get("TPGRADER_VPL_RUN_BIT"):  # vpl_execution gave the submitted files theirs
            notes = [*notes, _(RUN_BIT_NOTE)]
        sys.stdout.write(vpl_report(results, notes, *grade_range()))
    else:
        sys.stdout.write(text_report(results, args.submission, duration, color=color, notes=notes,
                                     details=args.details, kept=kept,
                                     withhold_hidden=args.withhold_hidden))
    if args.json:
        try:
            write_json(Path(args.json), json_report(results, duration, notes, kept=kept))
        except OSError as e:
            return _error(_("cannot write {file}: {reason}").format(file=args.json, reason=e.strerror), 2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
