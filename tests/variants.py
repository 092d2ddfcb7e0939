"""Defective and alternative submissions under tests/submissions/.

A variant is a folder holding only the files it changes (relative to the
reference solution, or to the folder named by `base`) and a `variant.toml`:

    description = "usage message printed on stdout"
    base = "reference"                 # optional: reference (default) or student_template
    seed = 2027                        # optional: graded with this grading seed (--seed)
    lab = "2019-nba"                   # optional: a variant of another lab (labs/LAB.toml,
                                       # its base under labs/LAB/), graded with --lab
    hostile = true                     # optional: hostile code, graded by test_hostile.py only
                                       # (hostile_home_attack: test_as_a_user.py),
                                       # which fills in @PROJECT@, @HAND_IN@ and @PORT@
    remove = ["joueurs_par_nation.py"] # optional: files of the base to delete
    [expect]
    loses = "joueurs_par_nation"       # the one exercise that must lose points;
                                       # absent: every exercise keeps full marks
    failing = ["usage_error"]          # checks that must fail (the others of the
                                       # exercise may pass or fail); for a correct
                                       # variant, checks worth no points that must fail

`build(variant, dest)` lays the submission out in `dest` for grading."""
from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


@dataclass
class Variant:
    name: str
    path: Path
    description: str
    base: str = "reference"
    remove: list[str] = field(default_factory=list)
    loses: Optional[str] = None
    failing: list[str] = field(default_factory=list)
    hostile: bool = False
    seed: Optional[int] = None
    lab: Optional[str] = None

    def grading_options(self) -> list[str]:
        """The grader's options this variant is graded with."""
        return ([] if self.seed is None else ["--seed", str(self.seed)]) + (
            [] if self.lab is None else ["--lab", str(self.lab_file())])

    def lab_file(self) -> Path:
        from grader.lab import DEFAULT_LAB_FILE
        return DEFAULT_LAB_FILE if self.lab is None else ROOT / "labs" / f"{self.lab}.toml"

    def base_folder(self) -> Path:
        return ROOT / self.base if self.lab is None else ROOT / "labs" / self.lab / self.base


def load(path: Path) -> Variant:
    meta = tomllib.loads((path / "variant.toml").read_text(encoding="utf-8"))
    expect = meta.get("expect", {})
    return Variant(path.name, path, meta["description"], meta.get("base", "reference"),
                   meta.get("remove", []), expect.get("loses"), expect.get("failing", []),
                   meta.get("hostile", False), meta.get("seed"), meta.get("lab"))


def all_variants() -> list[Variant]:
    return [load(p) for p in sorted(SUBMISSIONS.iterdir()) if (p / "variant.toml").is_file()]


def touched_exercises(variant: Variant) -> list[str]:
    """The exercises whose scripts the variant changes or removes."""
    from grader.lab import read_lab
    changed = {f.name for f in variant.path.iterdir() if f.name != "variant.toml"} | set(variant.remove)
    return [ex for ex, scripts in read_lab(variant.lab_file()).scripts().items() if changed & set(scripts)]


def build(variant: Variant, dest: Path, fill: Optional[dict[str, str]] = None) -> Path:
    """`fill`: placeholder -> text, written into the variant's files."""
    shutil.copytree(variant.base_folder(), dest)
    for name in variant.remove:
        (dest / name).unlink()
    for f in variant.path.iterdir():
        if f.name != "variant.toml":
            shutil.copy2(f, dest / f.name)
            if fill:
                text = (dest / f.name).read_text(encoding="utf-8")
                for placeholder, value in fill.items():
                    text = text.replace(placeholder, value)
                (dest / f.name).write_text(text, encoding="utf-8")
    return dest


FIRST_NAMES = ["Camille", "Léa", "Hugo", "Chloé", "Lucas", "Inès", "Nathan", "Zoé", "Théo", "Manon",
               "Noah", "Jade", "Louis", "Anaïs", "Yanis", "Élise", "Sacha", "Maël", "Lina", "Jules"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
              "Leroy", "Moreau", "Simon", "Laurent", "Lefèbvre", "Michel", "Garcia", "D'Avila"]


def build_class(dest: Path, size: int, first_participant: int = 4100) -> list[dict]:
    """A class of `size` hand-ins in the layout of Moodle's "Download all
    submissions" (`Full Name_12345_assignsubmission_file_`): the reference,
    the template and every non-hostile variant in turn, some as an uploaded
    zip. Returns what each one is: {participant, name, folder, variant}."""
    import zipfile
    variants = [v.name for v in all_variants() if not v.hostile and v.lab is None]  # one lab a class
    dest.mkdir(parents=True, exist_ok=True)
    roster = []
    for i in range(size):
        # one in ten hands in the reference, one in ten the template
        # (the variants taken seven apart, so that every exercise has some)
        kind = {0: "reference", 1: "student_template"}.get(i % 10) or variants[(7 * i) % len(variants)]
        name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i * 7) % len(LAST_NAMES)]}"
        participant = str(first_participant + i)
        folder = dest / f"{name}_{participant}_assignsubmission_file_"
        hand_in = dest / f".build-{participant}"
        if kind in ("reference", "student_template"):
            shutil.copytree(ROOT / kind, hand_in)
        else:
            build(load(SUBMISSIONS / kind), hand_in)
        if i % 5 == 4:  # uploaded as a zip of a folder
            folder.mkdir()
            with zipfile.ZipFile(folder / "TP_python.zip", "w") as z:
                for f in sorted(hand_in.rglob("*")):
                    info = zipfile.ZipInfo(f"TP_python/{f.relative_to(hand_in)}")
                    info.external_attr = (f.stat().st_mode & 0xFFFF) << 16
                    z.writestr(info, f.read_bytes())
            shutil.rmtree(hand_in)
        else:
            hand_in.rename(folder)
        roster.append({"participant": participant, "name": name, "folder": folder, "variant": kind})
    return roster


if __name__ == "__main__":
    # python tests/variants.py NAME DEST: lay a variant out, to grade it by hand.
    build(load(SUBMISSIONS / sys.argv[1]), Path(sys.argv[2]))
