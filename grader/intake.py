"""What a student hands in, made gradable.

Real hand-ins are messy: a .zip or .tar.gz instead of a folder, the scripts
one or two folders down, `__MACOSX` and editor junk beside them, a name in
another case (`Joueurs_Par_Nation.py`). `open_hand_in(path)` finds the lab's
scripts in whatever was given and returns a `HandIn`: the folder to grade,
which file stands for which script of the lab, and notes for the report that
say what was done. Nothing of the student's is changed: an archive is
extracted into a temporary folder, removed by `HandIn.close()`.

What cannot be graded at all (a path that does not exist or cannot be read,
a file that is neither a folder nor an archive, an archive that is broken or
unsafe) raises SubmissionError, with a reason the command line shows in one
line."""
from __future__ import annotations

import os
import shutil
import stat
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .harness.leftovers import temp_folder_prefix
from .i18n import _
from .submission import JUNK_DIRS, lab_scripts, SubmissionError

MAX_DEPTH = 3  # scripts deeper than this are not looked for
ARCHIVE_LIMITS = {"files": 2000, "bytes": 50 * 1024 * 1024}


@dataclass
class HandIn:
    root: Path  # the folder graded
    aliases: dict[str, Path] = field(default_factory=dict)  # lab script -> the file standing for it
    notes: list[str] = field(default_factory=list)
    _tmp: Optional[tempfile.TemporaryDirectory] = None

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "HandIn":
        return self

    def __exit__(self, *exc):
        self.close()


def open_hand_in(path: Path) -> HandIn:
    path = Path(path)
    if not path.exists():
        raise SubmissionError(_("{path}: no such file or folder").format(path=path))
    if not os.access(path, os.R_OK):
        raise SubmissionError(_("{path}: cannot be read").format(path=path))
    if path.is_dir():
        if not os.access(path, os.X_OK):
            raise SubmissionError(_("{path}: the folder cannot be opened").format(path=path))
        archive = _lone_archive(path)
        if archive is None:
            return _locate(path, HandIn(path.resolve()))
        path = archive  # a folder that holds only an archive (what Moodle keeps of an upload)
    if is_archive(path):
        tmp = tempfile.TemporaryDirectory(prefix=temp_folder_prefix("hand-in-"))
        try:
            extract_archive(path, Path(tmp.name))
        except BaseException:
            tmp.cleanup()
            raise
        hand_in = HandIn(Path(tmp.name), _tmp=tmp)
        hand_in.notes.append(_("graded the files of the archive {archive}").format(archive=path.name))
        return _locate(Path(tmp.name), hand_in)
    raise SubmissionError(_("{path}: neither a folder nor an archive (.zip, .tar.gz) of your "
                            "scripts").format(path=path))


# ---------------------------------------------------------------------------
# Archives


def _lone_archive(folder: Path) -> Optional[Path]:
    """The archive to grade when `folder` holds no lab script but archives:
    the largest of them (a hand-in uploaded twice keeps its latest, fullest)."""
    files = _candidates(folder)
    if any(f.name.lower() in lab_scripts() for f in files):
        return None
    archives = [p for p in folder.rglob("*")
                if p.is_file() and not p.is_symlink()
                and p.name.lower().endswith((".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"))
                and not any(part.lower() in JUNK_DIRS for part in p.relative_to(folder).parts)
                and len(p.relative_to(folder).parts) <= MAX_DEPTH]
    archives = [a for a in archives if is_archive(a)]
    return max(archives, key=lambda a: a.stat().st_size) if archives else None


def is_archive(path: Path) -> bool:
    return zipfile.is_zipfile(path) or tarfile.is_tarfile(path)


def extract_archive(archive: Path, dest: Path, limits: Optional[dict] = None) -> None:
    """Extract regular files and folders only, nothing outside `dest`, within
    `limits` (default ARCHIVE_LIMITS: one hand-in); anything else is an unsafe
    archive."""
    limits = limits or ARCHIVE_LIMITS
    def safe_name(name: str) -> Path:
        target = (dest / name).resolve()
        if not str(target).startswith(str(dest.resolve()) + os.sep):
            raise SubmissionError(_("{archive}: unsafe archive (a file would land outside it: {name})")
                                  .format(archive=archive.name, name=name))
        return target

    count = size = 0

    def account(n: int) -> None:
        nonlocal count, size
        count, size = count + 1, size + n
        if count > limits["files"] or size > limits["bytes"]:
            raise SubmissionError(_("{archive}: too large to be a hand-in (over {files} files or "
                                    "{mib} MiB)").format(archive=archive.name, files=limits["files"],
                                                         mib=limits["bytes"] // 2**20))

    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as z:
                for info in z.infolist():
                    target = safe_name(info.filename)
                    mode = info.external_attr >> 16
                    if info.is_dir():
                        target.mkdir(parents=True, exist_ok=True)
                        continue
                    if stat.S_ISLNK(mode):
                        continue  # a link in a hand-in is never the work itself
                    account(info.file_size)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(info) as src, open(target, "wb") as out:
                        shutil.copyfileobj(src, out)
                    if mode & 0o111:
                        target.chmod(0o755)
        else:
            with tarfile.open(archive) as t:
                for member in t.getmembers():
                    target = safe_name(member.name)
                    if member.isdir():
                        target.mkdir(parents=True, exist_ok=True)
                    elif member.isfile():
                        account(member.size)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with t.extractfile(member) as src, open(target, "wb") as out:
                            shutil.copyfileobj(src, out)
                        target.chmod(0o755 if member.mode & 0o111 else 0o644)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as e:
        raise SubmissionError(_("{archive}: the archive cannot be read ({error})").format(
            archive=archive.name, error=e)) from None


# ---------------------------------------------------------------------------
# Finding the scripts


def _candidates(top: Path) -> list[Path]:
    """Python files under `top`, MAX_DEPTH folders down at most, junk left out."""
    found = []
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        depth = len(here.relative_to(top).parts)
        dirnames[:] = sorted(d for d in dirnames
                             if d.lower() not in JUNK_DIRS and not d.startswith(".") and depth < MAX_DEPTH)
        found += [here / f for f in sorted(filenames)
                  if f.lower().endswith(".py") and not f.startswith(".")
                  and not (here / f).is_symlink()]  # a link may lead to what the student may not read
    return found


def _locate(top: Path, hand_in: HandIn) -> HandIn:
    """Choose the folder that holds most of the lab's scripts, and map each
    script of the lab to the file that stands for it (exact name first,
    then the same name in another case; in the chosen folder first)."""
    files = _candidates(top)
    by_folder: dict[Path, int] = {}
    for f in files:
        if f.name.lower() in lab_scripts():
            by_folder[f.parent] = by_folder.get(f.parent, 0) + 1
    if by_folder:
        # most scripts; then the shallowest
        root = max(by_folder, key=lambda d: (by_folder[d], -len(d.parts)))
    else:
        root = top
    hand_in.root = root.resolve()
    if root != top:
        hand_in.notes.append(_("graded the folder {folder}, where the scripts are").format(
            folder=root.relative_to(top)))
    for script in lab_scripts():
        if (root / script).is_file():
            continue
        matches = [f for f in files if f.name.lower() == script]
        exact = [f for f in matches if f.name == script]
        here = [f for f in matches if f.parent == root]
        chosen = (exact or here or matches or [None])[0]
        if chosen is None:
            continue
        hand_in.aliases[script] = chosen.resolve()
        hand_in.notes.append(_("{found} was taken as {script}").format(
            found=os.path.relpath(chosen, top), script=script))
    if not by_folder:
        hand_in.notes.append(_("no script of the lab was found here: they are named {names}").format(
            names=", ".join(lab_scripts())))
    return hand_in
