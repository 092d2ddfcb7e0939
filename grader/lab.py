"""The lab: what one year's statement fixes and the checks read, from a lab
file (TOML). `grader/labs/2021.toml` describes the statement of 2021 (the
lab's statement, in French) and is the default.

A lab file holds the data file (its name, its fields in order, which field
is the nation, the name, the club and the birth year, the statement's own
copy), the "today" of the statement's examples, and per exercise its
section, its scripts, the arguments the statement gives them, its example
and its wordings; for the wine pair, its command lines, stock, delay, order
range and messages. Only what the grader honours is accepted: an unknown key
is an error, named with its line, as are a missing key, two scripts of the
same name, an example nation the fixture has too few players of, and wine
command lines the grader cannot fill in or that keep the client from the
server's port.

The active lab is process-global, like the rubric (`use_lab`): set once per
command, before the workers fork; they inherit it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional


LABS_DIR = Path(__file__).parent / "labs"
# The statement of 2021: the grader's messages are written in its terms.
STATEMENT_LAB_FILE = LABS_DIR / "2021.toml"
# A platform bundle built with --lab carries that lab here, and its grader
# grades it by default (lab_files_for_bundle); a checkout has none.
BUNDLED_LAB_FILE = LABS_DIR / "bundled.toml"
DEFAULT_LAB_FILE = BUNDLED_LAB_FILE if BUNDLED_LAB_FILE.is_file() else STATEMENT_LAB_FILE

# The exercises the grader has checks for, in the report's order, and the
# scripts each needs, by role (a check names a script by its role).
EXERCISE_ROLES: dict[str, tuple[str, ...]] = {
    "joueurs_par_nation": ("script",),
    "joueurs_nation": ("producer", "consumer"),
    "bottles_of_beer2": ("script",),
    "chrono": ("script",),
    "multiChrono": ("script",),
    "wine_bottles": ("server", "client"),
}
# The football exercises read the data file: the statement gives each an
# example run and the wordings of its usage and file errors.
FOOTBALL_EXERCISES = ("joueurs_par_nation", "joueurs_nation")
# An exercise whose checks run another exercise's script (multiChrono execs chrono.py).
NEEDS = {"multiChrono": "chrono"}
# The wine programs' command lines may hold these placeholders, which the
# grader fills in: the server's port (it chooses one) and the client's order.
COMMAND_PLACEHOLDERS = {"server": ("{port}",), "client": ("{port}", "{quantity}")}
# What the wine programs print, as a lab words it (docs/LAB.md III.2); the
# wordings of NUMBERED_MESSAGES hold {n}, where the number goes.
WINE_MESSAGES = ("waiting", "order", "remaining", "sold_out", "received", "unavailable", "failed")
NUMBERED_MESSAGES = ("order", "remaining", "received")
# The lab file's table of the instructor's own exercises: [own.KEY], with
# these keys and, for each script, `role = "file.py"` (script = "wc.py").
OWN_TABLE = "own"
OWN_KEYS = ("section", "checks", "args", "usage")
# What a player line of the data file must say, whatever the lab calls it.
DATA_ROLES = ("key", "name", "club", "birth_year")
# The places a layout of a player line may hold.
LAYOUT_PLACES = ("name", "club", "age")


class LabError(Exception):
    """A lab file the grader cannot use: one line, naming the file and, where
    it can, the line."""


@dataclass(frozen=True)
class DataFile:
    name: str  # as the student's scripts open it: foot_2020.txt
    fixture: Path  # the statement's own copy
    fields: tuple[str, ...]  # in the order of a line
    separator: str
    roles: dict[str, str]  # DATA_ROLES -> a field name
    layouts: tuple[str, ...]  # "{name}, {club}, {age}", ...
    given_samples: dict[str, tuple[str, ...]]  # field -> values generated files draw from
    # The name and club fields whose generated values also include invented
    # words (accents, spaces, hyphens, apostrophes inside): 2021's both.
    invented: tuple[str, ...] = ()

    def samples(self, field: str) -> tuple[str, ...]:
        """The values a generated file draws for `field`: the lab's
        `[data.samples]`, else those of the fixture, in their order there."""
        if field in self.given_samples:
            return self.given_samples[field]
        column = self.index(field) if field in self.fields else None
        seen: dict[str, None] = {}
        for line in self.fixture.read_text(encoding="utf-8").split("\n"):
            if line and column is not None:
                seen.setdefault(line.split(self.separator)[column], None)
        return tuple(seen)

    def birth_years(self) -> tuple[int, int]:
        """A generated birth year is drawn between these two: the lowest and
        the highest of the birth year's samples (the fixture's by default)."""
        years = [int(y) for y in self.samples(self.roles["birth_year"])]
        return min(years), max(years)

    def fixture_lines(self) -> list[list[str]]:
        """The fixture's player lines, each as its fields."""
        return [line.split(self.separator)
                for line in self.fixture.read_text(encoding="utf-8").split("\n") if line]

    def index(self, role_or_field: str) -> int:
        """The position in a line of a field, or of the field that plays a role."""
        return self.fields.index(self.roles.get(role_or_field, role_or_field))


@dataclass(frozen=True)
class Exercise:
    key: str  # docs/LAB.md's exercise key, the rubric's section
    section: str  # the statement's numbering: "I.2"
    scripts: dict[str, str]  # role -> file name, in the roles' order
    args: tuple[str, ...]  # what the statement passes its scripts: ("nation",) or ()
    example: Optional[str]  # the argument of the statement's example run
    usage: Optional[str]  # "Usage: {script} nation"
    file_error: Optional[str]  # "{file} : Pb ouverture"
    # A wine program's own command line, when the statement gives it one:
    # role -> ("{port}", "{quantity}"); the client's port is the server's,
    # given to it or found in the kernel.
    role_args: dict[str, tuple[str, ...]]
    # The wine server's stock and its wait before answering (seconds): the
    # statement's figures, which the grader's messages write as {stock} and
    # {delay} (filled in by in_lab_terms). None for the other exercises.
    stock: Optional[int] = None
    delay: Optional[float] = None
    # The wine client's order is drawn in [low, high] (the messages write
    # {low}, {high}, {low-1} and {high+1}); what the programs print, by
    # WINE_MESSAGES key: the wordings the grader accepts, the first shown.
    order_range: Optional[tuple[int, int]] = None
    messages: Optional[dict[str, tuple[str, ...]]] = None
    # An exercise of the instructor's own ([own.KEY] in the lab file): the
    # file of its checks, written with the kit (check_files.py). None: the
    # grader's own checks, grader/checks/KEY.py.
    checks: Optional[Path] = None

    def script(self, role: str = "script") -> str:
        return self.scripts[role]

    def args_of(self, role: str) -> tuple[str, ...]:
        """The statement's arguments of the script of `role`."""
        return self.role_args.get(role, self.args)


@dataclass(frozen=True)
class Lab:
    path: Path
    name: str
    data: DataFile
    today: datetime  # the "today" of the statement's examples
    exercises: dict[str, Exercise]  # in the grader's order
    rubric: Optional[Path]  # the lab's own rubric, if it names one

    def scripts(self) -> dict[str, list[str]]:
        """Exercise -> the scripts a student writes for it."""
        return {key: list(ex.scripts.values()) for key, ex in self.exercises.items()}

    def all_scripts(self) -> list[str]:
        return [s for ex in self.exercises.values() for s in ex.scripts.values()]

    def exercise_of(self, script: str) -> Optional[Exercise]:
        return next((ex for ex in self.exercises.values() if script in ex.scripts.values()), None)

    def renamings(self, source: "Lab") -> list[tuple[str, str]]:
        """What a text written in `source`'s terms (the grader's messages are
        written in 2021's) says in this lab's: its usage lines, example runs,
        file error, scripts, wine messages, data file and year; longest first."""
        pairs: dict[str, str] = {}
        for key, theirs in source.exercises.items():
            mine = self.exercises.get(key)
            if mine is None:
                continue
            for role, script in theirs.scripts.items():
                new = mine.scripts[role]
                if theirs.usage and mine.usage:
                    pairs[theirs.usage.format(script=script)] = mine.usage.format(script=new)
                if theirs.example and mine.example:
                    pairs[f"{script} {theirs.example}"] = f"{new} {mine.example}"
                pairs[script] = new
            if theirs.file_error and mine.file_error:
                pairs[theirs.file_error.format(file=source.data.name)] = mine.file_error.format(
                    file=self.data.name)
        # the wine messages without a number (numbered_message_renamings does the others)
        pairs.update((old, new) for old, new in self._message_pairs(source) if "{n}" not in old)
        pairs[source.data.name] = self.data.name
        pairs[f" {source.today.year})"] = f" {self.today.year})"  # "(in 2021)" of the examples' titles
        return sorted(((a, b) for a, b in pairs.items() if a != b), key=lambda pair: -len(pair[0]))

    def _message_pairs(self, source: "Lab") -> list[tuple[str, str]]:
        """(source's wording, this lab's) of each wine message, both shown."""
        theirs, mine = (lab.exercises.get("wine_bottles") for lab in (source, self))
        if theirs is None or mine is None:
            return []
        return [(theirs.messages[name][0], mine.messages[name][0]) for name in WINE_MESSAGES]

    def numbered_message_renamings(self, source: "Lab") -> list[tuple[re.Pattern, str]]:
        """The messages with a number as source's texts write them, with N,
        {n}, 0, {stock}-N or ... in place of the number, and with or without
        the words after it (`Commande de N`): a pattern whose group `n` is
        that number, and this lab's wording to put it in."""
        renamings = []
        for theirs, mine in self._message_pairs(source):
            if "{n}" not in theirs or theirs == mine:
                continue
            before, after = theirs.split("{n}", 1)
            number = r"(?P<n>[\w{}+.-]+)"
            if before:
                pattern = re.escape(before) + number + (f"(?:{re.escape(after)})?" if after else "")
            else:
                pattern = r"(?<![\w{}+.-])" + number + re.escape(after)
            renamings.append((re.compile(pattern), mine))
        return renamings

    def statement_args(self, script: str) -> tuple[str, ...]:
        """The arguments the statement gives `script`: their names, or the
        placeholders of the wine programs' command lines ({port})."""
        ex = self.exercise_of(script)
        if ex is None:
            return ()
        role = next(r for r, s in ex.scripts.items() if s == script)
        return ex.args_of(role)


# ---------------------------------------------------------------------------
# The active lab

_active: Optional[Lab] = None


def use_lab(path: Path) -> Lab:
    """Every later reading of the lab, in this process and those it forks,
    reads `path` (read at once: a bad file is an error before grading)."""
    global _active
    _active = read_lab(path)
    return _active


def active_lab() -> Lab:
    global _active
    if _active is None:
        _active = read_lab(DEFAULT_LAB_FILE)
    return _active


_renaming: Optional[tuple[Lab, Optional[re.Pattern], dict[str, str], list]] = None


def in_lab_terms(text: str) -> str:
    """`text`, written in the terms of 2021's statement (its script names,
    data file, wordings), in the active lab's. 2021's lab leaves it as it is."""
    global _renaming
    lab = active_lab()
    if _renaming is None or _renaming[0] is not lab:
        pairs = (dict(lab.renamings(read_lab(STATEMENT_LAB_FILE)))
                 if lab.path != STATEMENT_LAB_FILE.resolve() else {})

        def bounded(old: str) -> str:  # a whole name, not part of a longer one
            return ((r"(?<![\w.])" if old[0].isalnum() or old[0] == "_" else "") + re.escape(old)
                    + (r"(?![\w])" if old[-1].isalnum() or old[-1] == "_" else ""))
        pattern = re.compile("|".join(bounded(old) for old in pairs)) if pairs else None
        numbered = (lab.numbered_message_renamings(read_lab(STATEMENT_LAB_FILE))
                    if lab.path != STATEMENT_LAB_FILE.resolve() else [])
        _renaming = (lab, pattern, pairs, numbered)
    _lab, pattern, pairs, numbered = _renaming
    wine = lab.exercises.get("wine_bottles")
    if "{" in text and wine is not None:
        # the wine figures, written {stock}, {delay}, {low}, {high}, {low-1}
        # and {high+1} in the grader's messages
        low, high = wine.order_range
        for figure, value in (("{stock}", wine.stock), ("{delay}", f"{wine.delay:g}"), ("{low}", low),
                              ("{high}", high), ("{low-1}", low - 1), ("{high+1}", high + 1)):
            text = text.replace(figure, str(value))
    for message, wording in numbered:
        text = message.sub(lambda m: wording.replace("{n}", m.group("n")), text)
    return pattern.sub(lambda m: pairs[m.group(0)], text) if pattern else text


def lab_files_for_bundle() -> dict[str, bytes]:
    """The files a platform bundle adds to its copy of the package (paths
    relative to the package's folder) so that its grader grades the active
    lab by default: none for 2021's. The lab's rubric is not named: the
    bundle carries the active rubric itself (rubric.rubric_for_bundle)."""
    lab = active_lab()
    if lab.path == STATEMENT_LAB_FILE.resolve():
        return {}
    from .lab_file import _Lines
    fixture = f"bundled/fixtures/{lab.data.fixture.name}"  # in the wheel's package data
    text = lab.path.read_text(encoding="utf-8")
    files = {f"labs/{fixture}": lab.data.fixture.read_bytes()}
    # the check files of the lab's own exercises, beside the fixture; their
    # `checks =` lines found as the lab file's errors find a key's line
    lines, where = text.split("\n"), _Lines(text).keys
    for key, ex in lab.exercises.items():
        if ex.checks is not None:
            checks = f"bundled/checks/{ex.checks.name}"
            files[f"labs/{checks}"] = ex.checks.read_bytes()
            lines[where[f"{OWN_TABLE}.{key}.checks"] - 1] = f'checks = "{checks}"'
    text = re.sub(r"(?m)^(\s*fixture\s*=\s*).*$", lambda m: f'{m.group(1)}"{fixture}"', "\n".join(lines), count=1)
    text = re.sub(r"(?m)^rubric\s*=.*\n?", "", text)
    files[f"labs/{BUNDLED_LAB_FILE.name}"] = text.encode("utf-8")
    return files


# read_lab lives in lab_file.py, which reads a file into this module's classes.
from .lab_file import read_lab  # noqa: E402
