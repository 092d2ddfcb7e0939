"""Points per check, read from rubric.toml (editable by instructors).

A check is `key = points`, or `key = { points = N, visibility = "hidden" }`
to keep it out of a student's own runs (Gradescope's values, see
VISIBILITIES). A top-level `seed = N` is the grading seed (grader/draws.py).
An instructor keeps a rubric of their own with --rubric FILE: it replaces
this one for the whole command (`use_rubric`)."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RUBRIC_FILE = Path(__file__).parent / "rubric.toml"

# Gradescope's visibility values; anything but "visible" is kept for grading
# time: a student's own run leaves it out.
VISIBLE = "visible"
VISIBILITIES = (VISIBLE, "after_due_date", "after_published", "hidden")

_active_file = RUBRIC_FILE


class RubricError(Exception):
    pass


@dataclass(frozen=True)
class Rubric:
    points: dict[str, dict[str, float]]  # exercise -> check -> points
    visibility: dict[str, dict[str, str]]  # exercise -> check -> visibility (every check)
    seed: Optional[int]  # the grading seed this rubric sets, if any

    def visibility_of(self, exercise: str, key: str) -> str:
        return self.visibility.get(exercise, {}).get(key, VISIBLE)

    def kept_for_grading(self, exercises) -> dict[str, float]:
        """Exercise -> points of its checks that a student's own run leaves
        out (those not visible), for the exercises given that have some."""
        kept = {}
        for exercise in exercises:
            points = sum(p for key, p in self.points.get(exercise, {}).items()
                         if self.visibility_of(exercise, key) != VISIBLE)
            if points:
                kept[exercise] = points
        return kept


def use_rubric(path: Path) -> None:
    """Every later reading of the rubric, in this process and those it forks,
    reads `path` (checked at once: a bad file is an error before grading)."""
    global _active_file
    read_rubric(Path(path))
    _active_file = Path(path).resolve()


def active_rubric_file() -> Path:
    return _active_file


def read_rubric(path: Optional[Path] = None) -> Rubric:
    path = Path(path or _active_file)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RubricError(f"{path}: {e}") from None
    points: dict[str, dict[str, float]] = {}
    visibility: dict[str, dict[str, str]] = {}
    seed = data.pop("seed", None)
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        raise RubricError(f"{path}: seed must be a whole number >= 0")
    for exercise, checks in data.items():
        if not isinstance(checks, dict):
            raise RubricError(f"{path}: [{exercise}] must be a table of check = points")
        points[exercise], visibility[exercise] = {}, {}
        for key, value in checks.items():
            shown = VISIBLE
            if isinstance(value, dict):
                unknown = set(value) - {"points", "visibility"}
                if unknown or "points" not in value:
                    raise RubricError(f"{path}: {exercise}.{key} must be a number, or "
                                      "{ points = N, visibility = \"...\" }")
                shown = value.get("visibility", VISIBLE)
                if shown not in VISIBILITIES:
                    raise RubricError(f"{path}: {exercise}.{key}: visibility must be one of "
                                      + ", ".join(VISIBILITIES))
                value = value["points"]
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise RubricError(f"{path}: {exercise}.{key} must be a number >= 0")
            points[exercise][key] = float(value)
            visibility[exercise][key] = shown
    return Rubric(points, visibility, seed)


def load_rubric(path: Optional[Path] = None) -> dict[str, dict[str, float]]:
    """Exercise -> check -> points."""
    return read_rubric(path).points


def rubric_for_bundle() -> str:
    """The rubric a platform bundle carries as its grader/rubric.toml: the
    active one (--rubric), with the grading seed (--seed) written in."""
    from .draws import grading_seed
    text = _active_file.read_text(encoding="utf-8")
    seed = grading_seed()
    if seed is not None and seed != read_rubric(_active_file).seed:  # --seed
        import re
        text = re.sub(r"(?m)^seed\s*=.*\n?", "", text)  # top-level keys only start a line
        text = f"seed = {seed}  # the grading seed (--seed)\n" + text
    return text
