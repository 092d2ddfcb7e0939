"""A class split across machines, then put together again.

    ./grade.sh --batch SUBMISSIONS --out part1 --shard 1/3     # on machine 1 (2/3, 3/3 on the others)
    ./grade.sh --merge part1 part2 part3 --out results

The split is by student key (a hash of it, the same on every machine), so
that N machines given the same hand-ins and K = 1..N grade each hand-in
once, with no scheduler of ours: a SLURM job array or a CI matrix starts
them. Each shard's folder holds its students' folders (report, feedback
page, the scripts graded) and `shard.json`, which says which part it is of
which class and with what it was graded. The merge checks that the parts
are the N parts of one class graded alike, copies the students' folders,
and writes the class's files from them: class.csv, the worksheet,
summary.html and the similarity over the whole class, as one --batch would."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Optional

from .i18n import _
from .submission import SubmissionError

SHARD_FILE = "shard.json"


def parse_shard(text: str) -> tuple[int, int]:
    """`K/N` -> (K, N), with 1 <= K <= N; ValueError, said, otherwise."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise ValueError(_("--shard K/N: K and N whole numbers, 1 <= K <= N (--shard 2/4), not {text}").format(
            text=text))
    return int(m.group(1)), int(m.group(2))


def in_shard(key: str, shard: tuple[int, int]) -> bool:
    """Whether the student `key` is graded by shard K of N."""
    k, n = shard
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % n == k - 1


def _written_with() -> dict:
    """What the class's files are written with: the merge's must be the
    shards' (the lab orders the exercises, the language writes the pages)."""
    from .batch import rubric_digest
    from .i18n import current_language
    return {"rubric_and_lab": rubric_digest(), "language": current_language()}


def write_shard_record(out: Path, shard: tuple[int, int], class_size: int, keys: list[str],
                       exercises: Optional[list[str]]) -> None:
    from .draws import grading_seed
    (out / SHARD_FILE).write_text(json.dumps({
        "shard": list(shard), "class_size": class_size, "students": keys,
        "graded_with": {**_written_with(), "seed": grading_seed(), "exercises": sorted(exercises or [])},
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def merge_classes(parts: list[Path], out: Path, worksheet: Optional[Path] = None):
    """Put the shards' folders `parts` together into `out` and write the
    class's files there; the students (batch.Graded), in the class's order.
    SubmissionError, one line, when the parts are not all of one class."""
    from .batch import SCRIPTS_FILE, Graded, Student, class_order, write_class_files

    records = []
    for part in parts:
        record_file = part / SHARD_FILE
        if not record_file.is_file():
            raise SubmissionError(_("{folder} is not the folder of a shard (--batch ... --shard K/N): it has "
                                    "no {file}").format(folder=part, file=SHARD_FILE))
        try:
            records.append((part, json.loads(record_file.read_text(encoding="utf-8"))))
        except (OSError, ValueError) as e:
            raise SubmissionError(f"{record_file}: {e}") from None
    _check_parts(records)
    out.mkdir(parents=True, exist_ok=True)
    graded, texts = [], {}
    for part, record in records:
        for key in record["students"]:
            folder = part / "students" / key
            report_file = folder / "report.json"
            if not report_file.is_file():
                raise SubmissionError(_("{file} is missing: was the grading of shard {shard} stopped? Grade it "
                                        "again (a hand-in already graded is not graded twice)").format(
                                            file=report_file, shard="/".join(map(str, record["shard"]))))
            target = out / "students" / key
            if folder.resolve() != target.resolve():
                shutil.copytree(folder, target, dirs_exist_ok=True)
            report = json.loads(report_file.read_text(encoding="utf-8"))
            who = report.get("student", {})
            student = Student(key, who.get("name", key), who.get("participant"), target)
            graded.append(Graded(student, report, True, 0.0))
            scripts = target / SCRIPTS_FILE
            if scripts.is_file():
                texts[key] = json.loads(scripts.read_text(encoding="utf-8"))
    graded.sort(key=lambda g: class_order(g.student))
    write_class_files(graded, out, worksheet, texts)
    return graded


def _check_parts(records: list[tuple[Path, dict]]) -> None:
    """The parts are the N shards of one class, each once, graded alike and
    with this command's lab and rubric."""
    counts = {tuple(r["shard"])[1] for _p, r in records}
    sizes = {r["class_size"] for _p, r in records}
    if len(counts) > 1 or len(sizes) > 1:
        raise SubmissionError(_("the folders are shards of different splits or classes: {parts}").format(
            parts=", ".join(f"{p} ({'/'.join(map(str, r['shard']))} of {r['class_size']})" for p, r in records)))
    n, size = counts.pop(), sizes.pop()
    seen: dict[int, Path] = {}
    first_part, first = records[0]
    for part, record in records:
        k = record["shard"][0]
        if k in seen:
            raise SubmissionError(_("{first} and {second} are both shard {shard}").format(
                first=seen[k], second=part, shard=f"{k}/{n}"))
        seen[k] = part
        if record["graded_with"] != first["graded_with"]:
            raise SubmissionError(_("{folder} and {other} were graded differently (lab, rubric, seed, "
                                    "exercises or language): {theirs}; {ours}").format(
                                        folder=part, other=first_part, theirs=record["graded_with"],
                                        ours=first["graded_with"]))
        theirs = {name: v for name, v in record["graded_with"].items() if name in _written_with()}
        if theirs != _written_with():
            raise SubmissionError(_("{folder} was graded with another lab, rubric or language than this "
                                    "merge's: give --merge the --lab, --rubric and --lang of the shards").format(
                                        folder=part))
    missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in seen]
    if missing:
        raise SubmissionError(_("shard {missing} is missing: give --merge the folders of all {n} shards").format(
            missing=", ".join(missing), n=n))
    keys = [key for _p, r in records for key in r["students"]]
    if len(keys) != size or len(set(keys)) != size:
        raise SubmissionError(_("the shards hold {got} hand-ins, but the class has {size}: were they given "
                                "the same hand-ins?").format(got=len(set(keys)), size=size))
