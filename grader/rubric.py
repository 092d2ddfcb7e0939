"""Points per check, read from rubric.toml (editable by instructors)."""
from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RUBRIC_FILE = Path(__file__).parent / "rubric.toml"


class RubricError(Exception):
    pass


def load_rubric(path: Path = RUBRIC_FILE) -> dict[str, dict[str, float]]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RubricError(f"{path}: {e}") from None
    rubric = {}
    for exercise, checks in data.items():
        if not isinstance(checks, dict):
            raise RubricError(f"{path}: [{exercise}] must be a table of check = points")
        for key, points in checks.items():
            if not isinstance(points, (int, float)) or points < 0:
                raise RubricError(f"{path}: {exercise}.{key} must be a number >= 0")
        rubric[exercise] = {k: float(v) for k, v in checks.items()}
    return rubric
