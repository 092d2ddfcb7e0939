"""Reading a lab file (TOML) into a Lab (lab.py), each key checked: an error
names the file, the line and what is wrong (LabError)."""
from __future__ import annotations

import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .lab import (COMMAND_PLACEHOLDERS, DATA_ROLES, EXERCISE_ROLES, FOOTBALL_EXERCISES, LAYOUT_PLACES, NEEDS,
                  NUMBERED_MESSAGES, OWN_KEYS, OWN_TABLE, WINE_MESSAGES, DataFile, Exercise, Lab, LabError)


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
    top = r.table(raw, "", {"name", "rubric", "today", "data", OWN_TABLE, *EXERCISE_ROLES},
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
    exercises.update(_read_own_exercises(r, top.get(OWN_TABLE, {})))
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


def _read_own_exercises(r: _Reader, raw: Any) -> dict[str, Exercise]:
    """[own.KEY] tables: exercises of the instructor's own, graded by the
    checks of the file each names (`checks`, relative to the lab file)."""
    if not isinstance(raw, dict):
        raise r.error(OWN_TABLE, f"'{OWN_TABLE}' must hold tables: [{OWN_TABLE}.wc], one per exercise")
    exercises = {}
    for key, table in raw.items():
        where = f"{OWN_TABLE}.{key}"
        if key in EXERCISE_ROLES:
            raise r.error(where, f"[{where}]: {key} is an exercise the grader has its own checks for; "
                                 "give yours another name")
        if not re.fullmatch(r"[A-Za-z_]\w*", key):
            raise r.error(where, f"[{where}]: an exercise's name is letters, digits and _ (it is the "
                                 "rubric's section)")
        if not isinstance(table, dict):
            raise r.error(where, f"[{where}] must be a table")
        for needed in ("section", "checks"):
            if needed not in table:
                raise r.error(where, f"missing key '{where}.{needed}'")
        scripts = {}
        for role, script in table.items():
            if role in OWN_KEYS:
                continue
            if not isinstance(script, str) or "/" in script or not script.endswith(".py"):
                raise r.error(f"{where}.{role}", f"'{where}.{role}' must be a script's file name ending in "
                                                 f".py (the keys of [{where}] are {', '.join(OWN_KEYS)} "
                                                 "and one per script: script = \"wc.py\")")
            scripts[role] = script
        if not scripts:
            raise r.error(where, f"[{where}] names no script: add one, as script = \"{key}.py\"")
        checks = (r.path.parent / r.text(table, "checks", where)).resolve()
        if checks.suffix != ".py" or not checks.is_file():
            raise r.error(f"{where}.checks", f"'{where}.checks': {checks} is not a Python file")
        args = tuple(table.get("args", []))
        if not all(isinstance(a, str) and a for a in args):
            raise r.error(f"{where}.args", f"'{where}.args' must be a list of texts")
        usage = r.text(table, "usage", where) if "usage" in table else None
        if usage is not None and "{script}" not in usage:
            raise r.error(f"{where}.usage", f"'{where}.usage' must hold {{script}}, where the script's "
                                            "name goes")
        exercises[key] = Exercise(key, r.text(table, "section", where), scripts, args, None, usage, None, {},
                                  checks=checks)
    return exercises


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
