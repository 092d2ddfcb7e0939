"""The grading seed: everything the grader draws follows it.

With no seed (a student's run, and the default) every draw is the public one:
the same generated foot_2020.txt files, "today"s, nations and client seeds
on every machine. An instructor's seed (--seed N, or `seed = N` in a rubric)
draws other ones, the same for the same seed, so that a hand-in tuned to the
public runs' answers does not pass at grading time. The statement's own
transcripts (2021, its fixture, its nations) never change.

The seed is set once per command, before the workers fork; they inherit it."""
from __future__ import annotations

import random
from datetime import datetime
from typing import Optional

_seed: Optional[int] = None


def set_grading_seed(seed: Optional[int]) -> None:
    global _seed
    _seed = seed


def grading_seed() -> Optional[int]:
    return _seed


def _rng(purpose: str) -> random.Random:
    # a str seed is hashed with SHA-512: the same on every machine and run
    return random.Random(f"{_seed}:{purpose}")


def hypothesis_seed(purpose: str) -> Optional[str]:
    """The seed of a hypothesis test (None: the public draw, derandomized)."""
    return None if _seed is None else f"{_seed}:{purpose}"


def today(public: datetime, purpose: str) -> datetime:
    """`public`, or with a seed another day between 2022 and 2099 (10:00)."""
    if _seed is None:
        return public
    day = datetime(2022, 1, 1).toordinal() + _rng(purpose).randrange(78 * 365)
    return datetime.fromordinal(day).replace(hour=10)


def choice(public, choices, purpose: str):
    """`public`, or with a seed one of `choices`."""
    return public if _seed is None else _rng(purpose).choice(list(choices))


def client_seed(public: int) -> int:
    """The seed given to a wine client's random module in place of `public`."""
    return public if _seed is None else _rng(f"client:{public}").randrange(1, 10**6)
