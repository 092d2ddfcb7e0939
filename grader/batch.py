"""Grading a whole class:  ./grade.sh --batch SUBMISSIONS --out RESULTS

SUBMISSIONS is a folder of hand-ins (one folder or archive per student) or the
zip that Moodle's "Download all submissions" gives (one folder per
participant, `Full Name_12345_assignsubmission_file_`). Every hand-in is
graded by the one grading command (`python -m grader HAND_IN --json ...`,
exercises one after the other), `jobs` hand-ins at a time, each in its own
process: one that is slow or broken costs its own time limits and nothing
else. RESULTS gets, per student, `students/KEY/report.json` (the JSON report),
`report.txt` and `feedback.html`; for the class `class.csv`, `summary.html`,
`similarity.csv`, and, given Moodle's grading worksheet, `worksheet.csv`
filled in. A hand-in whose files have not changed since it was graded is not
graded again (unless `force`)."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from .harness.leftovers import temp_folder_prefix
from .i18n import _, current_language
from .intake import extract_archive, is_archive
from .paths import PROJECT_DIR
from .protection import DECIDED
from .report import exercise_name
from .draws import grading_seed
from .rubric import RUBRIC_FILE, active_rubric_file, load_rubric
from .lab import DEFAULT_LAB_FILE, active_lab
from .submission import JUNK_DIRS, SubmissionError, exercise_scripts, lab_scripts

# Moodle names each participant's folder "Full Name_12345_assignsubmission_file_"
MOODLE_FOLDER = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assign(?:submission|feedback)_(?P<plugin>[a-z]+)_?$")
STUDENT_TIME_LIMIT = 15 * 60  # seconds for one hand-in, whatever it does
CLASS_ARCHIVE_LIMITS = {"files": 200_000, "bytes": 4 * 2**30}


@dataclass
class Student:
    key: str  # its folder in RESULTS/students
    name: str
    participant: Optional[str]  # Moodle's participant number
    source: Path  # what was handed in: a folder or an archive


@dataclass
class Graded:
    student: Student
    report: dict
    reused: bool  # graded before, files unchanged
    seconds: float


# ---------------------------------------------------------------------------
# Finding the students


def find_students(submissions: Path, workdir: Path) -> list[Student]:
    """The hand-ins in `submissions` (a folder, or an archive extracted into
    `workdir`), in name order."""
    if submissions.is_file():
        if not is_archive(submissions):
            raise SubmissionError(_("{path}: neither a folder nor an archive (.zip, .tar.gz) of your "
                                    "scripts").format(path=submissions))
        extract_archive(submissions, workdir, CLASS_ARCHIVE_LIMITS)
        submissions = workdir
    if not submissions.is_dir():
        raise SubmissionError(_("{path}: no such file or folder").format(path=submissions))
    entries = _entries(submissions)
    # a zip of the class folder: its one folder holds the hand-ins
    while len(entries) == 1 and entries[0].is_dir() and not MOODLE_FOLDER.match(entries[0].name) \
            and not any(e.name.lower() in _lab_scripts() for e in entries[0].iterdir()):
        entries = _entries(entries[0])
    students: dict[str, Student] = {}
    for entry in entries:
        m = MOODLE_FOLDER.match(entry.name)
        if m:
            name, participant = m.group("name"), m.group("id")
            key = f"{participant}_{_slug(name)}"
            if key in students and m.group("plugin") != "file":
                continue  # the online text beside the files: the files are the hand-in
        else:
            if entry.is_file() and not is_archive(entry):
                continue  # a stray file beside the hand-ins
            name, participant = re.sub(r"\.(zip|tgz|tar(\.\w+)?)$", "", entry.name), None
            key = _slug(name)
        students[key] = Student(key, name, participant, entry)
    return sorted(students.values(), key=class_order)


def class_order(student: Student) -> tuple[str, str]:
    """The order of the class's files: by name, then key (two of one name)."""
    return student.name.lower(), student.key


def _entries(folder: Path) -> list[Path]:
    return sorted(e for e in folder.iterdir()
                  if not e.name.startswith(".") and e.name.lower() not in JUNK_DIRS and not e.is_symlink())


def _lab_scripts() -> set[str]:
    return set(lab_scripts())


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("_") or "student"


def fingerprint(source: Path) -> str:
    """A hash of every file handed in (names and contents)."""
    h = hashlib.sha256()
    files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
    for f in files:
        h.update(str(f.relative_to(source) if f != source else f.name).encode() + b"\0")
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"(unreadable)")
    return h.hexdigest()


# ---------------------------------------------------------------------------
# Grading


def default_class_jobs() -> int:
    """Hand-ins graded at once. Each is graded with --jobs 1 (the least CPU)
    and keeps a core about 40% busy, mostly waiting on its programs: three
    per core keep them all busy (a class of 40 on 2 cores: 116 s with 5 at
    once, 105 s with 6; bench/bench.py --class)."""
    return 3 * (os.cpu_count() or 1)


def grade_class(submissions: Path, out: Path, *, jobs: Optional[int] = None, force: bool = False,
                worksheet: Optional[Path] = None, exercises: Optional[list[str]] = None,
                progress: Optional[Callable[[Graded, int, int], None]] = None,
                start: Optional[Callable[[int], None]] = None,
                shard: Optional[tuple[int, int]] = None) -> list[Graded]:
    """Grade every hand-in into `out` (`exercises`: only those) and write the
    class's files there; `start(count)` then `progress(graded, done, count)`
    as each one ends. `shard` (K, N): only the K-th of N parts of the class
    (shards.py), whose folders --merge puts together."""
    from .shards import in_shard, write_shard_record
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=temp_folder_prefix("class-")) as tmp:
        students = find_students(submissions, Path(tmp))
        if shard is not None:
            class_size = len(students)
            students = [s for s in students if in_shard(s.key, shard)]
            write_shard_record(out, shard, class_size, [s.key for s in students], exercises)
        if start:
            start(len(students))
        done: list[Graded] = []
        launcher = Launcher()
        pool = ThreadPoolExecutor(jobs or default_class_jobs())
        try:
            hide = os.pathsep.join(str(p.resolve()) for p in (submissions, Path(tmp), out))
            futures = [pool.submit(grade_student, s, out, force, hide, exercises, launcher) for s in students]
            for future in as_completed(futures):
                graded = future.result()
                done.append(graded)
                if progress:
                    progress(graded, len(done), len(students))
        except BaseException:
            # stopped (or broken): start no more gradings, wait for none; the
            # command's session kills those running (harness/leftovers.py)
            launcher.stop()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        order = {s.key: i for i, s in enumerate(students)}
        done.sort(key=lambda g: order[g.student.key])
        texts = scripts_of_hand_ins(done, out)  # while the hand-ins are there to read
        write_class_files(done, out, worksheet, texts)
    return done


class ClassStopped(Exception):
    """The class grading was stopped: this hand-in's grading is not to be
    started, or its result not to be kept."""


class Launcher:
    """Starts the gradings of a class; once stopped, it starts no more and
    keeps no result of those it had started, which the stop kills."""

    def __init__(self):
        self._lock = threading.Lock()
        self.stopped = False

    def run(self, command: list[str], timeout: float, **popen) -> subprocess.CompletedProcess:
        with self._lock:  # a grading starts before the stop, or not at all
            if self.stopped:
                raise ClassStopped()
            proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)
        with proc:
            try:
                out, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.terminate()  # the grading stops its programs itself (its session)
                try:
                    proc.communicate(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()  # what it leaves, the class's session removes at the end
                    proc.communicate()
                raise
        if self.stopped:
            raise ClassStopped()
        return subprocess.CompletedProcess(command, proc.returncode, out, err)

    def stop(self) -> None:
        with self._lock:
            self.stopped = True


# Each student's lab scripts as graded, kept beside the report: the
# similarity of a class put together from shards (--merge) reads them there.
SCRIPTS_FILE = "scripts.json"


def scripts_of_hand_ins(graded: list[Graded], out: Path) -> dict[str, dict[str, str]]:
    """Student key -> {lab script -> its text} of every hand-in that can be
    read, each also written into out/students/KEY/scripts.json."""
    from .intake import open_hand_in
    from .similarity import scripts_of
    texts = {}
    for g in graded:
        try:
            with open_hand_in(g.student.source) as h:
                texts[g.student.key] = scripts_of(h.root, h.aliases)
        except SubmissionError:
            continue
        (out / "students" / g.student.key / SCRIPTS_FILE).write_text(
            json.dumps(texts[g.student.key], ensure_ascii=False, indent=1, sort_keys=True) + "\n",
            encoding="utf-8")
    return texts


def write_class_files(graded: list[Graded], out: Path, worksheet: Optional[Path],
                      texts: dict[str, dict[str, str]]) -> None:
    """class.csv, similarity.csv (over `texts`: student key -> its scripts),
    summary.html and the filled worksheet, from the graded students."""
    from .html import summary_page
    from .similarity import similar_pairs

    write_class_csv(graded, out / "class.csv")
    pairs = similar_pairs(texts)
    names = {g.student.key: g.student.name for g in graded}
    with open(out / "similarity.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["exercise", "student", "other_student", "alike", "shared_runs"])
        for p in pairs:
            w.writerow([p.exercise, names[p.first], names[p.second], p.score, p.shared])
    reports = [g.report for g in graded]
    links = [f"students/{g.student.key}/feedback.html" for g in graded]
    (out / "summary.html").write_text(summary_page(reports, links, pairs), encoding="utf-8")
    if worksheet is not None:
        fill_worksheet(worksheet, graded, out / "worksheet.csv")


def grade_student(student: Student, out: Path, force: bool = False, hide: str = "",
                  exercises: Optional[list[str]] = None, launcher: Optional[Launcher] = None) -> Graded:
    """Grade one hand-in into out/students/KEY; `hide`: folders its programs
    must not see (the class's other hand-ins, the results)."""
    folder = out / "students" / student.key
    folder.mkdir(parents=True, exist_ok=True)
    # the files and what they were graded on
    stamp = " ".join([fingerprint(student.source), ",".join(exercises or ["all"]), current_language(),
                      *grading_options(), rubric_digest()])
    report_file = folder / "report.json"
    if not force and report_file.is_file() and _read(folder / "fingerprint") == stamp:
        report = json.loads(report_file.read_text(encoding="utf-8"))
        return Graded(student, report, True, 0.0)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=temp_folder_prefix("student-")) as tmp:
        json_file = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "grader", str(student.source), "--json", str(json_file),
               "--jobs", "1", "--lang", current_language(), "--no-color", "--all-checks",
               *grading_options(),
               *[a for ex in exercises or [] for a in ("--exercise", ex)]]
        retry = False  # a grading that broke or was killed is tried again by the next run
        try:
            proc = (launcher or Launcher()).run(cmd, STUDENT_TIME_LIMIT, cwd=PROJECT_DIR,
                                                env={**os.environ, "TPGRADER_HIDE": hide, DECIDED: "1"})
            text, error = proc.stdout, proc.stderr.strip()
            report = json.loads(json_file.read_text(encoding="utf-8")) if proc.returncode == 0 else None
            if proc.returncode < 0:
                error = "\n".join(filter(None, [error, _("the grading was killed by signal {signal}").format(
                    signal=signal.Signals(-proc.returncode).name)]))
            retry = report is None
        except subprocess.TimeoutExpired:
            text, error, report = "", _("the grading took over {minutes} minutes and was stopped").format(
                minutes=STUDENT_TIME_LIMIT // 60), None
    if report is None:
        report = not_graded_report(error or _("the grading failed"), exercises)
        text = error + "\n"
    report["student"] = {"name": student.name, "participant": student.participant, "key": student.key}
    (folder / "report.txt").write_text(text, encoding="utf-8")
    report_file.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    from .html import feedback_page
    (folder / "feedback.html").write_text(feedback_page(report), encoding="utf-8")
    if retry:
        (folder / "fingerprint").unlink(missing_ok=True)
    else:
        (folder / "fingerprint").write_text(stamp + "\n", encoding="utf-8")
    return Graded(student, report, False, time.monotonic() - started)


def grading_options() -> list[str]:
    """The options of the rubric and the seed this command grades with, for
    the grading of each hand-in."""
    options = []
    if active_lab().path != DEFAULT_LAB_FILE.resolve():
        options += ["--lab", str(active_lab().path)]
    if active_rubric_file() != RUBRIC_FILE:
        options += ["--rubric", str(active_rubric_file())]
    if grading_seed() is not None:
        options += ["--seed", str(grading_seed())]
    return options


def rubric_digest() -> str:
    """In a hand-in's fingerprint: graded with other points, or against
    another lab, it is graded again."""
    digest = hashlib.sha256(active_rubric_file().read_bytes())
    lab = active_lab()
    for f in (lab.path, lab.data.fixture):
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def not_graded_report(reason: str, wanted: Optional[list[str]] = None) -> dict:
    """The report of a hand-in that could not be graded at all: zero out of
    the total of the exercises `wanted` (default: all), and why."""
    rubric = load_rubric()
    exercises = [{"id": ex, "name": exercise_name(ex), "score": 0.0, "max_score": float(sum(rubric[ex].values()))}
                 for ex in exercise_scripts() if ex in rubric and (not wanted or ex in wanted)]
    return {"score": 0.0, "max_score": sum(e["max_score"] for e in exercises), "execution_time": 0.0,
            "output": reason, "exercises": exercises, "tests": []}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


# ---------------------------------------------------------------------------
# The class's files


def exercise_ids(graded: list[Graded]) -> list[str]:
    seen = {e["id"] for g in graded for e in g.report.get("exercises", [])}
    return [ex for ex in exercise_scripts() if ex in seen]


def write_class_csv(graded: list[Graded], path: Path) -> None:
    exercises = exercise_ids(graded)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["participant", "name", *exercises, "total", "max_total", "feedback"])
        for g in graded:
            by_id = {e["id"]: e["score"] for e in g.report.get("exercises", [])}
            w.writerow([g.student.participant or "", g.student.name,
                        *[_number(by_id.get(ex, 0)) for ex in exercises],
                        _number(g.report["score"]), _number(g.report["max_score"]),
                        f"students/{g.student.key}/feedback.html"])


def _number(x: float) -> str:
    return f"{x:g}"


def feedback_comment(report: dict) -> str:
    """A few lines for Moodle's "Feedback comments": the score per exercise and
    the checks that failed (the feedback page has the details)."""
    lines = [_("Total: {score} / {max}").format(score=_number(report["score"]), max=_number(report["max_score"]))]
    for e in report.get("exercises", []):
        lines.append(f"{e['name']}: {_number(e['score'])} / {_number(e['max_score'])}")
    failed = [t["name"] for t in report.get("tests", []) if t["status"] == "failed" and t["max_score"]]
    if failed:
        lines.append(_("To work on: {checks}").format(checks="; ".join(failed)))
    if report.get("output") and not report.get("tests"):
        lines.append(report["output"])
    return "\n".join(lines)


# Moodle's worksheet, in the languages it is downloaded in
WORKSHEET_COLUMNS = {
    "id": ("identifier", "identifiant"),
    "grade": ("grade", "note"),
    "max": ("maximum grade", "note maximale"),
    "feedback": ("feedback comments", "commentaires de feedback", "feedback"),
}


@dataclass
class Worksheet:
    rows: list[list[str]]  # the header first
    columns: dict[str, Optional[int]]  # WORKSHEET_COLUMNS key -> index
    delimiter: str
    newline: str
    bom: bool


def read_worksheet(path: Path) -> Worksheet:
    """Moodle's offline grading worksheet, as it is (SubmissionError if it
    does not look like one)."""
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    try:
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise SubmissionError(_("{path}: the worksheet is empty").format(path=path))
    header = [h.strip().lower() for h in rows[0]]
    columns = {k: next((i for i, h in enumerate(header) if h in names), None)
               for k, names in WORKSHEET_COLUMNS.items()}
    if columns["id"] is None or columns["grade"] is None:
        raise SubmissionError(_("{path}: no Identifier and Grade columns: is it Moodle's grading "
                                "worksheet?").format(path=path))
    return Worksheet(rows, columns, delimiter, "\r\n" if "\r\n" in text else "\n",
                     raw.startswith(b"\xef\xbb\xbf"))


def fill_worksheet(worksheet: Path, graded: list[Graded], out: Path) -> tuple[int, int]:
    """Copy Moodle's offline grading worksheet to `out` with the grade (out of
    its "Maximum Grade", else the grader's points) and the feedback comments
    filled in for every participant graded; every other cell, row and column
    is kept as it was. Returns (rows filled, rows in all)."""
    sheet = read_worksheet(worksheet)
    col = sheet.columns
    by_participant = {g.student.participant: g for g in graded if g.student.participant}
    filled = 0
    for row in sheet.rows[1:]:
        m = re.search(r"\d+", row[col["id"]]) if len(row) > col["id"] else None
        g = by_participant.get(m.group(0)) if m else None
        if g is None or len(row) <= col["grade"]:
            continue
        report = g.report
        scale = _scale(row[col["max"]] if col["max"] is not None and len(row) > col["max"] else "")
        grade = report["score"] if scale is None or not report["max_score"] else \
            report["score"] / report["max_score"] * scale
        row[col["grade"]] = f"{grade:.2f}"
        if col["feedback"] is not None and len(row) > col["feedback"]:
            row[col["feedback"]] = feedback_comment(report)
        filled += 1
    with open(out, "w", newline="", encoding="utf-8-sig" if sheet.bom else "utf-8") as f:
        csv.writer(f, delimiter=sheet.delimiter, lineterminator=sheet.newline).writerows(sheet.rows)
    return filled, len(sheet.rows) - 1


def _scale(text: str) -> Optional[float]:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None
