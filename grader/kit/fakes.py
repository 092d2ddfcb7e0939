"""The grader's stand-in programs (grader/fakes/) and the lab's examples
that checks need."""
from __future__ import annotations

import re

from grader.harness import Sandbox
from grader.lab import active_lab
from grader.paths import FAKES_DIR


def write_fake(sandbox: Sandbox, script: str, fake: str, **constants) -> None:
    """The one way a check puts the grader's program `fake` (grader/fakes/) in the sandbox as
    `script`, each of `constants` written in place of the fake's line
    `NAME = ...` (the fakes follow the lab that way)."""
    text = (FAKES_DIR / fake).read_text(encoding="utf-8")
    for name, value in constants.items():
        text, found = re.subn(rf"(?m)^{name} = .*$", lambda _m: f"{name} = {value!r}", text, count=1)
        if not found:
            raise ValueError(f"{fake} has no line {name} = ...")
    sandbox.write(script, text, mode=0o755)


def write_reference_producer(sandbox: Sandbox) -> None:
    """The grader's producer of I.4 (fakes/), reading the lab's data file."""
    lab = active_lab()
    ex = lab.exercises["joueurs_nation"]
    write_fake(sandbox, ex.script("producer"), "joueurs_nation_subproc.py", FICHIER=lab.data.name,
               SEPARATEUR=lab.data.separator, CHAMPS=len(lab.data.fields), NATION=lab.data.index("key"),
               USAGE=ex.usage, ERREUR=ex.file_error)


def example_nation(exercise: str) -> str:
    """The nation of the statement's example run of `exercise`."""
    return active_lab().exercises[exercise].example


def second_nation(exercise: str) -> str:
    """Another nation of the statement's examples, for the runs that are not
    the example's (extra arguments): I.4's, which differs from I.2's."""
    lab = active_lab().exercises
    return (lab.get("joueurs_nation") or lab[exercise]).example


_I4 = active_lab().exercises.get("joueurs_nation")  # a lab may leave it out
PRODUCER = _I4.script("producer") if _I4 else None
CONSUMER = _I4.script("consumer") if _I4 else None
