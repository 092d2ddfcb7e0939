"""Moodle VPL (Virtual Programming Lab): ./grade.sh --vpl-bundle DIR.

VPL's protocol (jcrodriguez-dis/moodle-mod_vpl, jail/default_scripts/
default_evaluate.sh and common_script.sh): the activity's execution files are
copied beside the submitted files; VPL runs `vpl_evaluate.sh` there, which
loads `vpl_environment.sh` (`. common_script.sh`: VPL_GRADEMIN, VPL_GRADEMAX,
VPL_MAXTIME...) and must leave an executable `vpl_execution`. VPL then runs
`vpl_execution` and reads its output: the last line starting with
`Grade :=>>` is the proposed grade; comments are blocks between a line `<|--`
and a line `--|>`, in which a line starting with `-` is a title.

The bundle is two execution files: `vpl_evaluate.sh`, and
`tp-grader-vpl.zip`, the grader with its dependencies (VPL's jail may have
no network, so nothing is installed there), built for one Python version
(--vpl-python: the interpreter whose pip installs them).
VPL removes the execution files before `vpl_execution` runs (unless marked
"keep when running"), so `vpl_evaluate.sh` unpacks the archive into /tmp;
`vpl_execution` runs `python3 -m grader . --vpl --time-limit ...`, which
prints the report below. VPL keeps what was printed when its time limit
kills a program; the grader's own limit stops it before.
In the jail the grader is not root and may have no namespaces: it degrades
as for a student without them, and the comments say so (the notes)."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Optional, Sequence

from .bundling import BundleError, compile_bytecode, grader_wheel, installed_files, pip, version_of
from .feedback import visible
from .i18n import N_, _
from .report import cause_label, cause_text, exercise_scores, feedback_text, shared_causes, withheld_text
from .rubric import VISIBLE, rubric_for_bundle
from .kit.result import CheckResult

ARCHIVE = "tp-grader-vpl.zip"
# Under VPL a student cannot set a file's run bit (Moodle sends none, the jail
# writes files 0600): vpl_execution gives each submitted file its own, and
# "Runs as ./script.py" judges the rest, the first line (#!) included.
RUN_BIT_NOTE = N_("Moodle cannot send a file's run bit: the grader gave one to each file you submitted, so "
                  "\"Runs as ./script.py\" checks its first line (#!/usr/bin/env python3) and that it starts.")

# VPL's jail adds up, once a second, the peak resident memory of every
# process of the evaluation, and stops it (no grade, no comment) past its
# limit: the activity's "Maximum memory used", or the server's own MAXMEMORY
# (vpl-jail-system 5.0.1 applies that one while an evaluation runs). Each
# worker that grades an exercise is a fork of the grader and counts all it
# inherited, 45 MiB: two of them, not one per core. Measured with
# bench/jail_memory.py (docs/INSTRUCTORS.md, "Moodle VPL").
WORKERS = 2
# Below this activity limit vpl_execution does not start the grading, and the
# comments say which setting to raise (the peaks measured are 300-340 MiB;
# the rest is for the programs of a hand-in that need more than the lab's).
MEMORY_NEEDED_MIB = 512

# Leaves VPL_MAXTIME's last seconds to the grader's own start (Python, the
# imports) and to its clean-up once the time limit stopped the grading.
SPARE_SECONDS = 3

VPL_EVALUATE = """#!/bin/bash
# tp-grader for Moodle VPL (written by ./grade.sh --vpl-bundle; see grader/vpl.py).
# Execution files of the activity: this script and @ARCHIVE@ (the grader and
# its dependencies, for Python @PYTHON@). VPL removes the execution files
# before vpl_execution runs, so the archive is unpacked here, into /tmp; then
# vpl_execution grades the submitted files of this folder and prints the
# grade and the comments.
. common_script.sh
problem=""
lib=""
if ! python=$(command -v python3); then
    problem="python3 est introuvable sur le serveur d'exécution (à installer dans la prison de VPL)"
elif have=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])') && [ "$have" != "@PYTHON@" ]; then
    problem="le correcteur a été préparé pour Python @PYTHON@ et le serveur a Python $have : refaites le paquet avec ./grade.sh --vpl-bundle DOSSIER --vpl-python python$have"
elif ! lib=$(mktemp -d "${TMPDIR:-/tmp}/tp-grader-vpl-XXXXXX"); then
    problem="pas de dossier temporaire dans ${TMPDIR:-/tmp}"
elif ! "$python" -m zipfile -e @ARCHIVE@ "$lib" 2>/dev/null; then
    problem="@ARCHIVE@ ne se décompresse pas : est-il bien parmi les fichiers d'exécution ?"
fi
{
    echo '#!/bin/bash'
    cat vpl_environment.sh    # VPL_GRADEMIN, VPL_GRADEMAX, VPL_MAXTIME: as VPL's own scripts do
    printf 'python=%q\nlib=%q\nproblem=%q\n' "$python" "$lib" "$problem"
    cat <<'RUN'
cannot_grade() {  # say why, with the lowest grade
    echo '<|--'
    echo "-tp-grader : la correction n'a pas pu se faire"
    echo "> $1"
    echo "> (à signaler à votre enseignant)"
    echo '--|>'
    echo "Grade :=>>${VPL_GRADEMIN:-0}"
    exit 0
}
[ -z "$problem" ] || cannot_grade "$problem"
# The submitted files only (VPL_SUBFILES), in a folder of their own: the
# folder VPL runs in also holds the jail's private /tmp, /var/tmp, /dev/shm
# and /run (.tmp, .var.tmp, .dev.shm, .run) and what is left of the
# execution files. Moodle sends no run bit (the jail writes files 0600):
# each submitted file gets its owner's.
hand_in=$(mktemp -d "${TMPDIR:-/tmp}/tp-grader-vpl-hand-in-XXXXXX") || cannot_grade "pas de dossier temporaire"
trap 'rm -rf "$lib" "$hand_in"' EXIT
while IFS= read -r f; do
    case "$f" in ""|/*|*..*) continue ;; esac
    [ -f "$f" ] || continue
    mkdir -p -- "$hand_in/$(dirname -- "$f")" && cp -- "$f" "$hand_in/$f" && chmod u+rwx -- "$hand_in/$f"
done <<< "${VPL_SUBFILES:-}"
[ -n "$(ls -A "$hand_in")" ] || cannot_grade "VPL n'a nommé aucun fichier rendu (VPL_SUBFILES est vide)"
# where the jail applies the activity's memory limit, it would stop the grading past it without a word
if [ "${VPL_MAXMEMORY:-0}" -gt 0 ] 2>/dev/null && [ "$VPL_MAXMEMORY" -lt $(( @MEMORY@ * 1048576 )) ]; then
    cannot_grade "la limite de mémoire de l'activité ($(( VPL_MAXMEMORY / 1048576 )) Mio) est trop basse : le correcteur a besoin de @MEMORY@ Mio (Options d'exécution > Limites des ressources > Mémoire maximale utilisée)"
fi
limit=$(( ${VPL_MAXTIME:-20} - @SPARE@ ))
[ "$limit" -ge 5 ] || limit=5
TPGRADER_VPL_RUN_BIT=1 PYTHONPATH="$lib" PYTHONDONTWRITEBYTECODE=1 "$python" -m grader "$hand_in" --vpl \\
    --all-checks --lang fr --no-color --time-limit "$limit" --jobs @WORKERS@ \\
    || cannot_grade "le correcteur s'est arrêté avec le statut $? (son message est au-dessus)"
RUN
} > vpl_execution
chmod +x vpl_execution
"""


def write_bundle(dest: Path, python: Optional[str] = None) -> list[Path]:
    """Write VPL's execution files into `dest`: vpl_evaluate.sh and the
    archive of the grader with its dependencies, installed by pip for the
    interpreter `python` (a command or a path; default: this one), whose
    version the jail's python3 must have. Returns the files written."""
    python = shutil.which(python) if python else sys.executable
    if not python:
        raise BundleError(_("no such Python interpreter"))
    version = version_of(python)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tp-grader-vpl-bundle-") as tmp:
        work = Path(tmp)
        wheel = grader_wheel(work, rubric_for_bundle())
        # installed by that interpreter's own pip, so that the dependencies
        # (and their markers: tomli below 3.11...) are the ones it needs
        pip(python, "install", "--target", str(work / "lib"), "--only-binary=:all:", str(wheel))
        compile_bytecode(python, work / "lib")  # no evaluation compiles them again
        archive = dest / ARCHIVE
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
            for f in installed_files(work / "lib"):
                z.write(f, f.relative_to(work / "lib"))
    script = dest / "vpl_evaluate.sh"
    script.write_text(VPL_EVALUATE.replace("@ARCHIVE@", ARCHIVE).replace("@PYTHON@", version)
                      .replace("@SPARE@", str(SPARE_SECONDS)).replace("@MEMORY@", str(MEMORY_NEEDED_MIB))
                      .replace("@WORKERS@", str(WORKERS)), encoding="utf-8")
    script.chmod(0o755)
    return [script, archive]


# ---------------------------------------------------------------------------
# The report, as VPL reads it

def vpl_report(results: list[CheckResult], notes: Sequence[str] = (),
               grade_min: float = 0.0, grade_max: float = 10.0) -> str:
    """The comments (a title per exercise with its score, then its failed
    checks with their cause and hint; a cause shared by several checks told
    once; how the grading ran) and the grade, scaled to grade_min..grade_max."""
    scores = exercise_scores(results)
    total, total_max = sum(e.score for e in scores), sum(e.max_score for e in scores)
    groups = shared_causes(results)
    group_of = {id(r): g for g in groups.values() for r in g.results}
    lines = ["<|--", "-" + _("Total: {score} / {max}").format(score=_fmt(total), max=_fmt(total_max))]
    for e in scores:
        lines.append(f"-{e.name} : {_fmt(e.score)} / {_fmt(e.max_score)}")
        for r in (r for r in results if r.exercise == e.id and not r.passed):
            group = group_of.get(id(r))
            head = f"x {_(r.title)} (0/{_fmt(r.max_score)})"
            if group is not None:
                lines.append(_content(f"{head} -> [{group.number}] {cause_label(group.cause)}"))
            elif r.visibility != VISIBLE:  # the student reads this at once: no details
                lines.append(_content(f"{head} {withheld_text()}"))
            else:
                lines.append(_content(head))
                lines += [_content("    " + line) for line in feedback_text(r.feedback).split("\n")]
    for g in groups.values():
        first, *rest = cause_text(g).split("\n")
        lines.append(f"-[{g.number}] {visible(first)}")
        lines += [_content(line) for line in rest]
    if notes:
        lines.append("-" + _("How the grading ran"))
        lines += [_content(note) for note in notes]
    lines.append("--|>")
    scaled = grade_min + (grade_max - grade_min) * (total / total_max if total_max else 0.0)
    lines.append(f"Grade :=>>{round(scaled, 2):g}")
    return "\n".join(lines) + "\n"


def _content(line: str) -> str:
    # '>': a line VPL shows as it is (a program's output may start with '-',
    # which would make it a title, or be "--|>", which would end the block);
    # its control characters written as text (feedback.visible)
    return "> " + visible(line)


def _fmt(x: float) -> str:
    return f"{x:g}"


def grade_range() -> tuple[float, float]:
    """The activity's grade range, from VPL's environment (its defaults, as in
    default_evaluate.sh, when unset)."""
    def number(name: str, default: float) -> float:
        try:
            return float(os.environ.get(name, "").replace(",", "."))
        except ValueError:
            return default
    return number("VPL_GRADEMIN", 0.0), number("VPL_GRADEMAX", 10.0)
