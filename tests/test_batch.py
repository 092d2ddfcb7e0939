"""Grading a class (grader/batch.py): a generated class of 40 hand-ins in
Moodle's layout and as Moodle's zip, the class CSV, the filled worksheet, the
summary page (rendered in a real headless browser where Chromium is
installed), the similarity report, resuming, and the Gradescope bundle."""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import ROOT, marked_processes
from grader.similarity import THRESHOLD, similar_pairs
from variants import SUBMISSIONS, build_class

CLASS_SIZE = 40
EXERCISE = "joueurs_par_nation"  # one exercise keeps the class quick; the machinery is the same
ARTIFACTS = ROOT / "tests" / "artifacts"


def run_batch(*args, env=None) -> subprocess.CompletedProcess:
    """The command, run to its end; no process it started is left."""
    session = f"testbatch{uuid.uuid4().hex[:8]}-"
    proc = subprocess.run([sys.executable, "-m", "grader", *args, "--lang", "en"], cwd=ROOT,
                          capture_output=True, text=True, timeout=1800,
                          env={**os.environ, **(env or {}), "TPGRADER_SESSION": session})
    assert marked_processes(session) == []
    return proc


def moodle_worksheet(roster: list[dict], path: Path, extra: int = 2) -> list[list[str]]:
    """A worksheet as Moodle gives it: every participant, those who handed
    nothing in included."""
    header = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
              "Grade can be changed", "Last modified (submission)", "Last modified (grade)",
              "Feedback comments"]
    rows = [header]
    for r in roster:
        rows.append([f"Participant {r['participant']}", r["name"], f"p{r['participant']}@univ.fr",
                     "Submitted for grading", "", "20,00", "Yes", "Monday, 23 November 2026, 10:00 AM", "-", ""])
    for i in range(extra):
        rows.append([f"Participant {9000 + i}", f"Absent {i}", f"absent{i}@univ.fr", "No submission",
                     "", "20,00", "Yes", "-", "-", ""])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    return rows


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    roster = build_class(base / "submissions", CLASS_SIZE)
    worksheet = base / "grades.csv"
    sheet = moodle_worksheet(roster, worksheet)
    out = base / "results"
    proc = run_batch("--batch", str(base / "submissions"), "--out", str(out), "--worksheet", str(worksheet),
                     "--exercise", EXERCISE, "--jobs", "2")
    return {"roster": roster, "sheet": sheet, "out": out, "proc": proc, "base": base,
            "worksheet": worksheet}


def test_a_class_is_graded_in_one_command(graded_class):
    proc, out, roster = graded_class["proc"], graded_class["out"], graded_class["roster"]
    assert proc.returncode == 0, proc.stderr
    assert f"[{CLASS_SIZE}/{CLASS_SIZE}]" in proc.stderr  # the progress, without a terminal
    assert "Class results" in proc.stdout
    with open(out / "class.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["participant"] for r in rows] == [r["participant"] for r in sorted(
        roster, key=lambda r: r["name"].lower())]
    by_id = {r["participant"]: r for r in rows}
    for r in roster:
        row = by_id[r["participant"]]
        assert (out / row["feedback"]).is_file()
        report = json.loads((out / "students" / Path(row["feedback"]).parent.name / "report.json").read_text())
        assert report["student"]["participant"] == r["participant"]
        if r["variant"] == "reference" or r["variant"].startswith("alt_"):
            assert row["total"] == row["max_total"] != "0", r
        if r["variant"] == "student_template":
            assert row["total"] == "0", r
        if r["variant"].startswith("jpn_"):  # loses points in this exercise
            assert float(row["total"]) < float(row["max_total"]), r


def test_the_worksheet_keeps_every_row_and_column_with_grade_and_feedback_filled(graded_class):
    sheet, out = graded_class["sheet"], graded_class["out"]
    raw = (out / "worksheet.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # as it came
    filled = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(filled) == len(sheet) and filled[0] == sheet[0]
    grade, feedback = sheet[0].index("Grade"), sheet[0].index("Feedback comments")
    with open(out / "class.csv", encoding="utf-8") as f:
        totals = {r["participant"]: (float(r["total"]), float(r["max_total"])) for r in csv.DictReader(f)}
    for before, after in zip(sheet[1:], filled[1:]):
        untouched = [i for i in range(len(before)) if i not in (grade, feedback)]
        assert [after[i] for i in untouched] == [before[i] for i in untouched]
        participant = before[0].split()[-1]
        if participant in totals:
            score, top = totals[participant]
            assert float(after[grade]) == pytest.approx(round(score / top * 20, 2))
            assert after[feedback].startswith("Total:")
        else:  # handed nothing in: left as it was
            assert after[grade] == before[grade] and after[feedback] == before[feedback]


def test_resuming_grades_only_what_changed(graded_class):
    base, out = graded_class["base"], graded_class["out"]
    first = graded_class["roster"][0]
    target = next(p for p in first["folder"].rglob("joueurs_par_nation.py"))
    target.write_text(target.read_text() + "\n# changed\n")
    proc = run_batch("--batch", str(base / "submissions"), "--out", str(out), "--exercise", EXERCISE,
                     "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("(already graded)") == CLASS_SIZE - 1


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(f.relative_to(folder)): f.read_bytes() for f in sorted(folder.rglob("*")) if f.is_file()}


def test_a_class_graded_as_three_shards_and_merged_is_the_one_batch(graded_class, tmp_path):
    """--shard K/N on three "machines" (three commands, each given the whole
    class), then --merge: each hand-in graded once, and the same files as
    one --batch, byte for byte: class.csv, the worksheet, summary.html, the
    similarity over the whole class, every student's folder."""
    base, out, worksheet = graded_class["base"], graded_class["out"], graded_class["worksheet"]
    # the one batch as the class is now (other tests touched a hand-in): nothing graded again
    proc = run_batch("--batch", str(base / "submissions"), "--out", str(out), "--worksheet", str(worksheet),
                     "--exercise", EXERCISE, "--jobs", "2")
    assert proc.returncode == 0 and proc.stderr.count("(already graded)") == CLASS_SIZE, proc.stderr
    parts = [tmp_path / f"part{k}" for k in (1, 2, 3)]
    for k, part in enumerate(parts, 1):
        proc = run_batch("--batch", str(base / "submissions"), "--out", str(part), "--shard", f"{k}/3",
                         "--exercise", EXERCISE, "--jobs", "2")
        assert proc.returncode == 0, proc.stderr
        assert "(already graded)" not in proc.stderr  # graded here, not reused
    graded = [sorted(p.name for p in (part / "students").iterdir()) for part in parts]
    everyone = sorted(p.name for p in (out / "students").iterdir())
    assert sorted(sum(graded, [])) == everyone  # each hand-in once, in one shard
    assert all(len(keys) >= CLASS_SIZE // 6 for keys in graded), [len(k) for k in graded]  # a real split
    merged = tmp_path / "merged"
    proc = run_batch("--merge", *map(str, parts), "--out", str(merged), "--worksheet", str(worksheet))
    assert proc.returncode == 0, proc.stderr
    assert "Class results (40 hand-ins" in proc.stdout
    ours, theirs = files_under(merged), files_under(out)
    assert sorted(ours) == sorted(theirs)
    different = [name for name in ours if ours[name] != theirs[name]]
    # a student's files differ only where a grading's wall time shows: the
    # report's execution_time, "Graded in 0.4 s." of report.txt
    assert all(name.startswith("students/") and name.endswith(("report.json", "report.txt"))
               for name in different), different
    for name in ("class.csv", "similarity.csv", "summary.html", "worksheet.csv"):
        assert ours[name] == theirs[name], name
    for name in different:
        if name.endswith("report.json"):
            a, b = (json.loads(x[name]) for x in (ours, theirs))
            a.pop("execution_time"), b.pop("execution_time")
            assert a == b, name
        if name.endswith("report.txt"):
            a, b = ([ln for ln in x[name].decode().splitlines() if not ln.startswith("Graded in ")]
                    for x in (ours, theirs))
            assert a == b, name


@pytest.mark.parametrize("which, said", [
    ([1, 2], "shard 3/3 is missing"),
    ([1, 1, 2, 3], "are both shard 1/3"),
])
def test_shards_that_are_not_the_whole_class_are_a_one_line_error(graded_class, tmp_path, which, said):
    base = graded_class["base"]
    for k in (1, 2, 3):  # shards of 3 hand-ins: quick
        archive = zip_class(base / "submissions", tmp_path / "three.zip", count=3)
        proc = run_batch("--batch", str(archive), "--out", str(tmp_path / f"part{k}"), "--shard", f"{k}/3",
                         "--exercise", EXERCISE)
        assert proc.returncode == 0, proc.stderr
    proc = run_batch("--merge", *[str(tmp_path / f"part{k}") for k in which], "--out", str(tmp_path / "m"))
    assert proc.returncode == 2 and said in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    for options, said in [(["--batch", str(archive), "--out", str(tmp_path / "x"), "--shard", "4/3"], "1 <= K <= N"),
                          ([str(archive), "--shard", "1/3"], "--shard K/N goes with --batch"),
                          (["--merge", str(tmp_path / "part1"), "--batch", str(archive), "--out", str(tmp_path / "y")],
                           "--merge puts graded shards together"),
                          (["--merge", str(tmp_path / "part1")], "--merge needs --out"),
                          (["--merge", str(archive), "--out", str(tmp_path / "z")], "is not the folder of a shard")]:
        bad = run_batch(*options)
        assert bad.returncode == 2 and said in bad.stderr and len(bad.stderr.strip().splitlines()) == 1, (
            options, bad.stderr)


def zip_class(submissions: Path, archive: Path, first: int = 0, count: int = 10**6) -> Path:
    """Moodle's "Download all submissions" zip of (some of) the class."""
    with zipfile.ZipFile(archive, "w") as z:
        for folder in sorted(submissions.iterdir())[first:first + count]:
            for f in sorted(folder.rglob("*")):
                info = zipfile.ZipInfo(str(f.relative_to(submissions)) + ("/" if f.is_dir() else ""))
                info.external_attr = (f.stat().st_mode & 0xFFFF) << 16
                z.writestr(info, b"" if f.is_dir() else f.read_bytes())
    return archive


def test_moodle_zip_of_the_class_is_the_same_class(graded_class, tmp_path):
    """The whole class as Moodle's zip: the same students, the same files
    (nothing to grade again: they were graded from the folders), the same CSV."""
    base, out = graded_class["base"], graded_class["out"]
    before = (out / "class.csv").read_text(encoding="utf-8")
    proc = run_batch("--batch", str(zip_class(base / "submissions", tmp_path / "all.zip")), "--out", str(out),
                     "--exercise", EXERCISE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("(already graded)") == CLASS_SIZE
    assert (out / "class.csv").read_text(encoding="utf-8") == before


def test_a_moodle_zip_is_graded_to_the_same_scores(graded_class, tmp_path):
    base = graded_class["base"]
    archive = zip_class(base / "submissions", tmp_path / "some.zip", count=6)
    out = tmp_path / "results"
    proc = run_batch("--batch", str(archive), "--out", str(out), "--exercise", EXERCISE)
    assert proc.returncode == 0, proc.stderr
    with open(out / "class.csv", encoding="utf-8") as f:
        zipped = {r["participant"]: r["total"] for r in csv.DictReader(f)}
    with open(graded_class["out"] / "class.csv", encoding="utf-8") as f:
        before = {r["participant"]: r["total"] for r in csv.DictReader(f)}
    assert len(zipped) == 6 and all(zipped[p] == before[p] for p in zipped)
    forced = run_batch("--batch", str(archive), "--out", str(out), "--exercise", EXERCISE, "--force")
    assert forced.returncode == 0 and forced.stderr.count("(already graded)") == 0


def test_the_similarity_report_lists_pairs_above_the_threshold(graded_class):
    with open(graded_class["out"] / "similarity.csv", encoding="utf-8") as f:
        assert all(float(p["alike"]) >= THRESHOLD for p in csv.DictReader(f))


def test_a_copy_with_names_comments_and_layout_changed_is_still_alike():
    solutions = {name: (SUBMISSIONS / name / "joueurs_par_nation.py").read_text(encoding="utf-8")
                 for name in ("alt_csv_percent", "alt_with_open_fstring", "alt_aligned_readline",
                              "alt_readlines_endswith")}
    solutions["reference"] = (ROOT / "reference" / "joueurs_par_nation.py").read_text(encoding="utf-8")
    copy = solutions["alt_csv_percent"]
    for old, new in (("lecteur", "rd"), ("annee_courante", "an"), ("nation", "pays"), ("nom", "joueur")):
        copy = copy.replace(old, new)
    copy = copy.replace("# version avec", "# ma version perso avec").replace("\n", "\n\n")
    solutions["copy"] = copy
    pairs = similar_pairs({k: {"joueurs_par_nation.py": v} for k, v in solutions.items()})
    found = {frozenset((p.first, p.second)): p.score for p in pairs if p.exercise == "joueurs_par_nation"}
    assert found.get(frozenset(("alt_csv_percent", "copy")), 0) >= 0.9
    assert all(pair == frozenset(("alt_csv_percent", "copy")) for pair in found), found


def test_bad_batch_input_is_a_one_line_error(tmp_path):
    for args in (["--batch", str(tmp_path / "nope"), "--out", str(tmp_path / "r")],
                 ["--batch", str(tmp_path)],
                 ["--batch", str(tmp_path), "--out", str(tmp_path / "r"), "--worksheet", str(tmp_path / "x.csv")]):
        (tmp_path / "x.csv").write_text("a,b\n1,2\n")
        proc = run_batch(*args)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, args


def _png_pixels_with(png: bytes, rgb: tuple[int, int, int]) -> int:
    """How many pixels of a (non-interlaced, 8-bit RGB/RGBA) PNG have `rgb`."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        kind, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(data[:4], "big"), int.from_bytes(data[4:8], "big")
            channels = {2: 3, 6: 4}[data[9]]
            assert data[8] == 8 and data[12] == 0
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw, stride, count = zlib.decompress(idat), width * channels, 0
    prev = bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        count += sum(1 for x in range(0, stride, channels) if tuple(line[x:x + 3]) == rgb)
        prev = line
    return count


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_the_summary_renders_in_a_browser_with_its_histogram(graded_class):
    page = graded_class["out"] / "summary.html"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={graded_class['base'] / 'chromium-profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120).stdout
    assert 'id="histogram"' in dom and dom.count('class="bar"') == 10
    assert dom.count("<tr>") > CLASS_SIZE  # the students' table, among others
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "class-summary.png"
    shot.unlink(missing_ok=True)
    subprocess.run([CHROMIUM, *flags, "--window-size=1000,700", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.is_file()
    # the bars are drawn (#3367d6, the .bar colour): a few hundred pixels at least
    assert _png_pixels_with(shot.read_bytes(), (0x33, 0x67, 0xD6)) > 500


def test_gradescope_bundle_grades_a_submission(tmp_path):
    bundle = tmp_path / "autograder.zip"
    proc = run_batch("--gradescope-bundle", str(bundle))
    assert proc.returncode == 0, proc.stderr
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        assert {"setup.sh", "run_autograder", "grade.sh"} <= set(names)
        assert not any(n.startswith(("reference/", "tests/")) for n in names)
        z.extractall(root / "source")
    for info in zipfile.ZipFile(bundle).infolist():  # zipfile does not restore modes
        mode = (info.external_attr >> 16) & 0o777
        if mode:
            os.chmod(root / "source" / info.filename, mode)
    shutil.copytree(ROOT / "reference", root / "submission")
    # the bundle builds its own virtual environment, as on Gradescope (pointed
    # at the checkout's .venv, it rebuilt it from the bundle whenever
    # pyproject.toml had changed since .venv was made)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "TPGRADER_VENV": str(tmp_path / "venv"),
           "TPGRADER_SESSION": "testgradescope-"}
    subprocess.run(["bash", str(root / "source" / "run_autograder"), ], env=env, timeout=600, check=True)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == results["max_score"] > 0
    assert {"name", "score", "max_score", "output", "visibility"} <= set(results["tests"][0])
    # and each exercise's score (a key Gradescope ignores, for the instructor's export)
    assert sum(e["score"] for e in results["exercises"]) == results["score"] and len(results["exercises"]) == 6
    # a hand-in that cannot be graded still gets a results.json, with the reason
    shutil.rmtree(root / "submission")
    (root / "submission").write_text("not a folder")
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, timeout=600, check=True)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "submission" in results["output"]


CLUSTER = ROOT / "examples" / "cluster"


def test_the_slurm_example_grades_a_class_as_its_job_array_would(graded_class, tmp_path):
    """examples/cluster/: each task of the array run as SLURM would run it
    (bash, SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT set), then the
    merge job. No SLURM here: the scripts' own commands are what is tried."""
    text = (CLUSTER / "grade-shard.sbatch").read_text(encoding="utf-8")
    assert "#SBATCH --array=1-4" in text  # K from 1: --shard K/N wants 1 <= K <= N
    archive = zip_class(graded_class["base"] / "submissions", tmp_path / "class.zip", count=6)
    session = f"testbatch{uuid.uuid4().hex[:8]}-"
    env = {**os.environ, "GRADER": str(ROOT), "SUBMISSIONS": str(archive), "RESULTS": str(tmp_path / "results"),
           "SLURM_ARRAY_TASK_COUNT": "3", "TPGRADER_SESSION": session}
    for k in (1, 2, 3):
        proc = subprocess.run(["bash", str(CLUSTER / "grade-shard.sbatch"), "--exercise", EXERCISE, "--lang", "en"],
                              env={**env, "SLURM_ARRAY_TASK_ID": str(k)}, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
    proc = subprocess.run(["bash", str(CLUSTER / "merge.sbatch"), "--lang", "en"], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "results" / "class" / "class.csv", encoding="utf-8") as f:
        merged = {r["participant"]: r["total"] for r in csv.DictReader(f)}
    with open(graded_class["out"] / "class.csv", encoding="utf-8") as f:
        whole = {r["participant"]: r["total"] for r in csv.DictReader(f)}
    assert len(merged) == 6 and all(merged[p] == whole[p] for p in merged)
    assert marked_processes(session) == []
    submit = (CLUSTER / "submit.sh").read_text(encoding="utf-8")
    assert "--dependency=\"afterok:$shards\"" in submit and "sbatch --parsable grade-shard.sbatch" in submit


def test_the_github_actions_example_is_valid_for_github():
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is not installed: GitHub's workflow "
                                                   "schema is not checked")
    workflow = ROOT / "examples" / "github-actions" / "grade-class.yml"
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(workflow)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = workflow.read_text(encoding="utf-8")
    assert '--shard "$SHARD"' in text and "SHARD: ${{ matrix.shard }}/${{ strategy.job-total }}" in text
    assert "--merge parts/shard-*" in text and "needs: grade" in text
