"""The foot_2020.txt cases a generated-files check meets with no grading seed
(the public draw students see in their reports), drawn without running any
program: the check's own body runs with the harness's two calls replaced by
recorders. Hypothesis derandomizes from the body's source, so these are the
very cases of a grading.

    python tests/public_cases.py   # prints the answers table of the
                                   # jpn_hardcodes_public_answers variant
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader import draws  # noqa: E402
from grader.kit import players  # noqa: E402
from grader.foot import players_of  # noqa: E402
from grader.strategies import FootCase  # noqa: E402


def generated_cases(check_function, seed=None) -> list[FootCase]:
    """The cases `check_function` (a generated-files check) meets under
    `seed` (None: the public draw)."""
    seen: list[FootCase] = []
    current = {}

    def with_foot_file(_sandbox, text, today):
        current.update(text=text, today=today)

    def check_players(_sandbox, _script, args, *_rest, **_kw):
        seen.append(FootCase(current["text"], args[0], current["today"]))

    saved = draws.grading_seed()
    draws.set_grading_seed(seed)
    try:
        with mock.patch.object(players, "with_foot_file", with_foot_file), \
             mock.patch.object(players, "check_players", check_players):
            check_function(sandbox=None)
    finally:
        draws.set_grading_seed(saved)
    return seen


def answer_key(text: str, nation: str, year: int) -> str:
    """How the variant looks a case up: the file's digest, the nation, the year."""
    return f"{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}:{nation}:{year}"


def public_answers() -> dict[str, list[str]]:
    from grader.checks.joueurs_par_nation import test_generated_files
    return {answer_key(c.text, c.nation, c.today.year):
            [f"{p.name}, {p.club}, {c.today.year - p.year}" for p in players_of(c.text, c.nation)]
            for c in generated_cases(test_generated_files)}


if __name__ == "__main__":
    import pprint
    pprint.pprint(public_answers(), width=110, sort_dicts=False)
