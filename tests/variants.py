"""Defective and alternative submissions under tests/submissions/.

A variant is a folder holding only the files it changes (relative to the
reference solution, or to the folder named by `base`) and a `variant.toml`:

    description = "usage message printed on stdout"
    base = "reference"                 # optional: reference (default) or student_template
    hostile = true                     # optional: hostile code, graded by test_hostile.py only,
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


def load(path: Path) -> Variant:
    meta = tomllib.loads((path / "variant.toml").read_text(encoding="utf-8"))
    expect = meta.get("expect", {})
    return Variant(path.name, path, meta["description"], meta.get("base", "reference"),
                   meta.get("remove", []), expect.get("loses"), expect.get("failing", []),
                   meta.get("hostile", False))


def all_variants() -> list[Variant]:
    return [load(p) for p in sorted(SUBMISSIONS.iterdir()) if (p / "variant.toml").is_file()]


def touched_exercises(variant: Variant) -> list[str]:
    """The exercises whose scripts the variant changes or removes."""
    from grader.submission import EXERCISE_SCRIPTS
    changed = {f.name for f in variant.path.iterdir() if f.name != "variant.toml"} | set(variant.remove)
    return [ex for ex, scripts in EXERCISE_SCRIPTS.items() if changed & set(scripts)]


def build(variant: Variant, dest: Path, fill: Optional[dict[str, str]] = None) -> Path:
    """`fill`: placeholder -> text, written into the variant's files."""
    shutil.copytree(ROOT / variant.base, dest)
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


if __name__ == "__main__":
    # python tests/variants.py NAME DEST: lay a variant out, to grade it by hand.
    build(load(SUBMISSIONS / sys.argv[1]), Path(sys.argv[2]))
