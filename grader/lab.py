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
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

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
# What the wine programs print, as a lab words it (CONTRACT.md III.2); the
# wordings of NUMBERED_MESSAGES hold {n}, where the number goes.
WINE_MESSAGES = ("waiting", "order", "remaining", "sold_out", "received", "unavailable", "failed")
NUMBERED_MESSAGES = ("order", "remaining", "received")
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
    key: str  # CONTRACT.md's exercise key, the rubric's section
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
# Reading a lab file


class _Lines:
    """Where a key of the file is written, to name its line in an error."""

    _HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(?:#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\"'.-]+?)\s*=")

    def __init__(self, text: str):
        self.tables: dict[str, int] = {}
        self.keys: dict[str, int] = {}
        table = ""
        for number, line in enumerate(text.splitlines(), 1):
            header = self._HEADER.match(line)
            if header:
                table = header.group(1).replace('"', "").replace(" ", "")
                self.tables.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                name = key.group(1).strip("\"'")
                self.keys.setdefault(f"{table}.{name}" if table else name, number)

    def of(self, dotted: str) -> Optional[int]:
        """The line of a key, else of its table (the nearest one written)."""
        while dotted:
            if dotted in self.keys:
                return self.keys[dotted]
            if dotted in self.tables:
                return self.tables[dotted]
            dotted = dotted.rpartition(".")[0]
        return None


class _Reader:
    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = _Lines(text)

    def error(self, where: str, message: str) -> LabError:
        line = self.lines.of(where)
        at = f", line {line}" if line else ""
        return LabError(f"{self.path}{at}: {message}")

    def table(self, data: dict, where: str, known: set[str], required: set[str]) -> dict:
        for key in data:
            if key not in known:
                dotted = f"{where}.{key}" if where else key
                raise self.error(dotted, f"unknown key '{dotted}' (known here: {', '.join(sorted(known))})")
        for key in sorted(required - set(data)):
            dotted = f"{where}.{key}" if where else key
            raise self.error(where, f"missing key '{dotted}'")
        return data

    def text(self, data: dict, key: str, where: str) -> str:
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{where}.{key}", f"'{where}.{key}' must be a text, not empty")
        return value

    def texts(self, data: dict, key: str, where: str) -> tuple[str, ...]:
        value = data[key]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise self.error(f"{where}.{key}", f"'{where}.{key}' must be a list of texts")
        return tuple(value)


def read_lab(path: Path) -> Lab:
    path = Path(path).resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise LabError(f"{path}: {e.strerror or e}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:  # its message names the line
        raise LabError(f"{path}: {e}") from None
    r = _Reader(path, text)
    top = r.table(raw, "", {"name", "rubric", "today", "data", *EXERCISE_ROLES},
                  {"name", "today", "data"})
    name = r.text(top, "name", "")
    today = top["today"]
    if isinstance(today, date) and not isinstance(today, datetime):
        today = datetime(today.year, today.month, today.day, 10, 0)
    if not isinstance(today, datetime):
        raise r.error("today", "'today' must be a date (2021-06-15) or a date and time")
    rubric = None
    if "rubric" in top:
        rubric = (path.parent / r.text(top, "rubric", "")).resolve()
        if not rubric.is_file():
            raise r.error("rubric", f"the rubric {rubric} does not exist")
    data = _read_data(r, top["data"])
    exercises = {}
    for key, roles in EXERCISE_ROLES.items():
        if key in top:
            exercises[key] = _read_exercise(r, key, roles, top[key], data)
    if not exercises:
        raise r.error("", "the lab has no exercise: add a table such as [joueurs_par_nation]")
    for key, needed in NEEDS.items():
        if key in exercises and needed not in exercises:
            raise r.error(key, f"[{key}] needs [{needed}]: its checks run {needed}'s script")
    seen: dict[str, str] = {}
    for key, ex in exercises.items():
        for role, script in ex.scripts.items():
            if script in seen:
                raise r.error(f"{key}.{role}", f"'{key}.{role}' is {script}, already the script of "
                                               f"{seen[script]}: two scripts cannot share a name")
            seen[script] = f"{key}.{role}"
        if data.name in ex.scripts.values():
            raise r.error(key, f"the data file {data.name} cannot be a script")
    return Lab(path, name, data, today, exercises, rubric)


def _read_data(r: _Reader, raw: Any) -> DataFile:
    if not isinstance(raw, dict):
        raise r.error("data", "[data] must be a table")
    known = {"file", "fixture", "fields", "separator", "layouts", "samples", "invented", *DATA_ROLES}
    d = r.table(raw, "data", known, known - {"separator", "samples", "invented"})
    fields = r.texts(d, "fields", "data")
    if len(set(fields)) != len(fields):
        raise r.error("data.fields", "two fields of 'data.fields' have the same name")
    roles = {role: r.text(d, role, "data") for role in DATA_ROLES}
    for role, field in roles.items():
        if field not in fields:
            raise r.error(f"data.{role}", f"'data.{role}' is '{field}', which is not one of "
                                          f"data.fields ({', '.join(fields)})")
    if len(set(roles.values())) != len(roles):
        raise r.error("data", "key, name, club and birth_year must be four different fields")
    separator = r.text(d, "separator", "data") if "separator" in d else ":"
    fixture = (r.path.parent / r.text(d, "fixture", "data")).resolve()
    if not fixture.is_file():
        raise r.error("data.fixture", f"the fixture {fixture} does not exist")
    if fixture.name != d["file"]:
        raise r.error("data.fixture", f"the fixture is copied beside the scripts as it is named: "
                                      f"name it {d['file']}, not {fixture.name}")
    layouts = r.texts(d, "layouts", "data")
    for layout in layouts:
        places = re.findall(r"\{(\w*)\}", layout)
        if sorted(places) != sorted(LAYOUT_PLACES):
            raise r.error("data.layouts", f"the layout '{layout}' must hold {{name}}, {{club}} "
                                          "and {age}, once each")
        if places != re.findall(r"\{(\w*)\}", layouts[0]):
            raise r.error("data.layouts", "every layout must give {name}, {club} and {age} in the "
                                          "same order (the grader reads the places in that order)")
    samples = d.get("samples", {})
    if not isinstance(samples, dict):
        raise r.error("data.samples", "[data.samples] must be a table: field = [values]")
    for field in samples:
        if field not in fields:
            raise r.error(f"data.samples.{field}", f"'data.samples.{field}': {field} is not one of "
                                                   f"data.fields ({', '.join(fields)})")
        where = f"data.samples.{field}"
        for value in r.texts(samples, field, "data.samples"):
            if separator in value or "\n" in value or value != value.strip():
                raise r.error(where, f"'{where}': '{value}' cannot hold the separator '{separator}', "
                                     "an end of line, or blanks at its ends (a generated line must "
                                     "keep its fields)")
            if field == roles["birth_year"] and not (value.isascii() and value.isdigit()):
                raise r.error(where, f"'{where}': '{value}' is not a year (generated birth years are "
                                     "drawn between the lowest and the highest of these)")
    invented = r.texts(d, "invented", "data") if d.get("invented", []) != [] else ()
    for field in invented:
        if field not in (roles["name"], roles["club"]):
            raise r.error("data.invented", f"'data.invented': {field} is not the name or the club "
                                           f"field ({roles['name']}, {roles['club']}): only they may "
                                           "hold invented words")
    name = r.text(d, "file", "data")
    if "/" in name:
        raise r.error("data.file", "'data.file' is a file name, without a folder")
    data = DataFile(name, fixture, fields, separator, roles, layouts,
                    {f: tuple(v) for f, v in samples.items()}, tuple(invented))
    _check_fixture(r, data)
    return data


def _check_fixture(r: _Reader, data: DataFile) -> None:
    """Every line of the fixture has the lab's fields, and a birth year."""
    text = data.fixture.read_text(encoding="utf-8")
    year = data.index("birth_year")
    for number, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        parts = line.split(data.separator)
        if len(parts) != len(data.fields) or not parts[year].strip().isdigit():
            raise r.error("data.fixture", f"line {number} of {data.fixture.name} does not have "
                                          f"the fields {data.separator.join(data.fields)}: {line}")


def _read_exercise(r: _Reader, key: str, roles: tuple[str, ...], raw: Any, data: DataFile) -> Exercise:
    if not isinstance(raw, dict):
        raise r.error(key, f"[{key}] must be a table")
    texts = {"example", "usage", "file_error"} if key in FOOTBALL_EXERCISES else set()
    commands = {f"{role}_args" for role in roles if role in COMMAND_PLACEHOLDERS}
    figures = {"stock", "delay", "order_range", "messages"} if key == "wine_bottles" else set()
    d = r.table(raw, key, {"section", "args", *roles, *texts, *commands, *figures},
                {"section", *roles, *texts, *figures})
    scripts = {}
    for role in roles:
        script = r.text(d, role, key)
        if "/" in script or not script.endswith(".py"):
            raise r.error(f"{key}.{role}", f"'{key}.{role}' must be a file name ending in .py")
        scripts[role] = script
    args = tuple(d.get("args", []))
    if not all(isinstance(a, str) and a for a in args):
        raise r.error(f"{key}.args", f"'{key}.args' must be a list of texts")
    for text_key in ("example", "usage", "file_error"):
        if text_key in d:
            r.text(d, text_key, key)
    if "example" in d:
        _check_example(r, f"{key}.example", d["example"], data)
    usage, file_error = d.get("usage"), d.get("file_error")
    if usage is not None and "{script}" not in usage:
        raise r.error(f"{key}.usage", f"'{key}.usage' must hold {{script}}, where the script's name goes")
    if file_error is not None and "{file}" not in file_error:
        raise r.error(f"{key}.file_error", f"'{key}.file_error' must hold {{file}}, where "
                                           f"{data.name} goes")
    role_args = {}
    for role in roles:
        if f"{role}_args" not in d:
            continue
        where = f"{key}.{role}_args"
        given = d[f"{role}_args"]
        if not isinstance(given, list) or not all(isinstance(a, str) and a for a in given):
            raise r.error(where, f"'{where}' must be a list of texts")
        allowed = COMMAND_PLACEHOLDERS[role]
        for arg in given:
            for placeholder in re.findall(r"\{[^}]*\}", arg):
                if placeholder not in allowed:
                    raise r.error(where, f"'{where}': {placeholder} is not a placeholder the grader "
                                         f"fills in here ({', '.join(allowed)})")
            rest = re.sub("|".join(map(re.escape, allowed)), "", arg)
            if "{" in rest or "}" in rest:  # '{port' would reach the program as it is
                raise r.error(where, f"'{where}': '{arg}' holds a brace that is not part of "
                                     f"{' or '.join(allowed)}")
        role_args[role] = tuple(given)
    if any("{port}" in a for a in role_args.get("server", ())) and not any(
            "{port}" in a for a in role_args.get("client", ())):
        # the grader then starts the server on a port of its own choosing:
        # a client not told that port cannot reach it
        where = f"{key}.client_args" if "client_args" in d else f"{key}.server_args"
        raise r.error(where, f"'{key}.client_args' must hold {{port}}, since server_args does: the "
                             "grader starts the server on a free port of its choosing and the client "
                             'is told it only there (client_args = ["{port}", "{quantity}"])')
    if figures:
        for name, low in (("stock", 1), ("delay", 0.1)):
            value = d[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low or (
                    name == "stock" and not isinstance(value, int)):
                raise r.error(f"{key}.{name}", f"'{key}.{name}' must be a "
                                               + ("whole number >= 1" if name == "stock" else "number of seconds > 0"))
    order_range = _read_order_range(r, d, key) if figures else None
    messages = _read_messages(r, d, key) if figures else None
    return Exercise(key, r.text(d, "section", key), scripts, args, d.get("example"), usage, file_error,
                    role_args, d.get("stock"), float(d["delay"]) if "delay" in d else None,
                    order_range, messages)


def _check_example(r: _Reader, where: str, nation: str, data: DataFile) -> None:
    """The statement's example run must select players of the fixture: two
    at least, so that the blank-line check sees the gap between two of them."""
    column = data.index("key")
    nations = [fields[column] for fields in data.fixture_lines()]
    count = nations.count(nation)
    if count < 2:
        known = ", ".join(sorted(n for n in set(nations) if nations.count(n) >= 2))
        raise r.error(where, f"'{where}' is '{nation}', which has {count} player(s) in the fixture "
                             f"{data.fixture.name}: the example run needs two at least, to be judged "
                             f"(nations with two or more: {known})")


def _read_order_range(r: _Reader, d: dict, key: str) -> tuple[int, int]:
    value = d["order_range"]
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or not 1 <= value[0] <= value[1]):
        raise r.error(f"{key}.order_range", f"'{key}.order_range' must be [low, high], two whole "
                                            "numbers with 1 <= low <= high: the client orders in [low, high]")
    return value[0], value[1]


def _read_messages(r: _Reader, d: dict, key: str) -> dict[str, tuple[str, ...]]:
    where = f"{key}.messages"
    raw = d["messages"]
    if not isinstance(raw, dict):
        raise r.error(where, f"[{where}] must be a table: message = \"wording\" or [\"wording\", ...]")
    table = r.table(raw, where, set(WINE_MESSAGES), set(WINE_MESSAGES))
    messages = {}
    for name in WINE_MESSAGES:
        wordings = (r.text(table, name, where),) if isinstance(table[name], str) else r.texts(table, name, where)
        for wording in wordings:
            placeholders = re.findall(r"\{[^}]*\}", wording)
            wanted = ["{n}"] if name in NUMBERED_MESSAGES else []
            if placeholders != wanted:
                raise r.error(f"{where}.{name}", f"'{where}.{name}': '{wording}' must hold "
                              + ("{n} once, where the number goes" if wanted else "no {placeholder}"))
            if not re.search(r"[^\W\d_]", wording.replace("{n}", "")):
                raise r.error(f"{where}.{name}", f"'{where}.{name}': '{wording}' needs a word the "
                                                 "grader can recognise the message by")
        messages[name] = wordings
    return messages


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
    fixture = f"bundled/fixtures/{lab.data.fixture.name}"  # in the wheel's package data
    text = lab.path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(\s*fixture\s*=\s*).*$", lambda m: f'{m.group(1)}"{fixture}"', text, count=1)
    text = re.sub(r"(?m)^rubric\s*=.*\n?", "", text)
    return {f"labs/{BUNDLED_LAB_FILE.name}": text.encode("utf-8"),
            f"labs/{fixture}": lab.data.fixture.read_bytes()}
