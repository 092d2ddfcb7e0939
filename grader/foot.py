"""The football exercises' model: what the lab's data file (`foot_2020.txt`)
holds, which players a nation selects, and how a student's output lines are
read. The fields of a line, and which of them is the nation, the name, the
club and the birth year, are the lab's (grader/lab.py).

Output lines are accepted in both layouts of the statement and their mixes:
`Neymar, PSG, 29`, `Neymar      | PSG              | 29 ans`,
`Neymar, PSG, 29 ans`. Any of `,` `|` `;` or plain blanks separate the fields
(the most tolerant reading; docs/LAB.md names the first two)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from .i18n import _
from .lab import active_lab

FOOT_FILE = active_lab().data.name


@dataclass(frozen=True)
class Player:
    name: str
    club: str
    year: int
    nation: str  # the key field: what a script selects on
    line: str  # the line of the file, without its end of line

    def age(self, today_year: int) -> int:
        return today_year - self.year

    def expected_line(self, today_year: int) -> str:
        """The statement's first layout, used to show what was expected."""
        return active_lab().data.layouts[0].format(name=self.name, club=self.club, age=self.age(today_year))


def parse_foot(text: str) -> list[Player]:
    data = active_lab().data
    name, club, year, nation = (data.index(role) for role in ("name", "club", "birth_year", "key"))
    players = []
    for line in text.split("\n"):
        if not line:
            continue
        fields = line.split(data.separator)
        players.append(Player(fields[name], fields[club], int(fields[year]), fields[nation], line))
    return players


def players_of(text: str, nation: str) -> list[Player]:
    """The players whose nation field is exactly `nation`, in file order."""
    return [p for p in parse_foot(text) if p.nation == nation]


_SEP = r"(?:\s*[,|;]\s*|\s+)"


def layout() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The places of a player line in the lab's order (name, club, age), and
    the words its layouts write after the age (`ans`), which may be left out."""
    layouts = active_lab().data.layouts
    order = tuple(re.findall(r"\{(\w+)\}", layouts[0]))
    units = sorted({m.group(1) for text in layouts for m in [re.search(r"\{age\}\s*([^\W\d_]+)", text)] if m})
    return order, tuple(units)


def line_matches(line: str, player: Player, today_year: int) -> bool:
    """Any separator (`,` `|` `;` or blanks) between the places, in the
    lab's order; a unit after the age if the statement writes one."""
    order, units = layout()
    unit = r"(?:\s*(?:" + "|".join(map(re.escape, units)) + "))?" if units else ""
    values = {"name": re.escape(player.name), "club": re.escape(player.club),
              "age": str(player.age(today_year)) + unit}
    pattern = r"\s*" + _SEP.join(values[place] for place in order) + r"\s*[.|]?\s*"
    return re.fullmatch(pattern, line) is not None


def output_lines(stdout: str) -> list[str]:
    """The non-blank lines a program printed (blank lines are free)."""
    return [ln.rstrip() for ln in stdout.split("\n") if ln.strip()]


def first_mismatch(lines: list[str], expected: list[Player], today_year: int) -> Optional[int]:
    """Index of the first line that is not the expected player (or where one
    is missing or in excess), None when the output is right."""
    for i, player in enumerate(expected):
        if i >= len(lines) or not line_matches(lines[i], player, today_year):
            return i
    if len(lines) > len(expected):
        return len(expected)
    return None


def named_player(line: str, everyone: Sequence[Player]) -> Optional[Player]:
    """The player of the file a printed line names, in any layout: the line
    starts with the player's name, then a character that is not a letter or
    a digit, or ends there (`Neymar, PSG, 29`, `Neymar:PSG:a:1992:br`, a
    wrong age or club too). The longest name wins (`Di Maria` over `Di`)."""
    text = line.strip()
    best = None
    for p in everyone:
        if text.startswith(p.name) and (len(text) == len(p.name) or not text[len(p.name)].isalnum()):
            if best is None or len(p.name) > len(best.name):
                best = p
    return best


def spelled_out(raw_lines: Sequence[str], everyone: Sequence[Player]) -> Optional[tuple[int, int, str]]:
    """(first, last, text) of the first run of output lines of one character
    each (an empty line is a printed '\\n') that spells a name of the file:
    `print(c)` in a loop over the characters of a line, or a list extended
    with a string (`lst += line`) then printed item by item. None if none."""
    names = [p.name for p in everyone if len(p.name) >= 3]
    i = 0
    while i < len(raw_lines):
        if len(raw_lines[i]) > 1:
            i += 1
            continue
        j = i
        while j < len(raw_lines) and len(raw_lines[j]) <= 1:
            j += 1
        run = raw_lines[i:j]
        text = "".join(run)
        if sum(len(c) == 1 for c in run) >= 4 and any(n in text for n in names):
            while not raw_lines[j - 1]:  # the empty lines after it are the output's end
                j -= 1
            return i, j - 1, text
        i = j
    return None


def _parse_output_line(line: str) -> Optional[tuple[str, str, Optional[int]]]:
    parts = [p.strip() for p in re.split(r"[,|;]", line)]
    if len(parts) < 3:
        return None
    order, _units = layout()
    name, club, age = (parts[order.index(place)] for place in ("name", "club", "age"))
    m = re.match(r"(-?\d+)", age)
    return name, club, int(m.group(1)) if m else None


def around_the_list(lines: list[str], expected: list[Player], everyone: list[Player],
                    today_year: int, unchanged: bool = False) -> list[str]:
    """The lines printed before or after a right list of players (a title, an
    end message), or [] when the list is not right or nothing surrounds it.
    `unchanged`: the players are the file's lines (I.4's producer)."""
    named = [i for i, ln in enumerate(lines) if named_player(ln, everyone) is not None]
    if not expected or not named:
        return []
    inside = lines[named[0]:named[-1] + 1]
    if (inside != [p.line for p in expected] if unchanged
            else first_mismatch(inside, expected, today_year) is not None):
        return []
    return lines[:named[0]] + lines[named[-1] + 1:]


def diagnose(lines: list[str], expected: list[Player], everyone: list[Player],
             nation: str, today_year: int, file_text: str) -> str:
    """A hint that names the likely cause of a wrong player list."""
    parsed = [_parse_output_line(ln) for ln in lines]
    names = [p[0] for p in parsed if p]
    ages = [p[2] for p in parsed if p]
    if (len(parsed) == len(expected) and all(parsed) and names == [p.name for p in expected]
            and None not in ages):
        deltas = {a - p.age(today_year) for a, p in zip(ages, expected)}
        if len(deltas) == 1 and deltas != {0}:
            return _("The players are right but every age is off by {delta}: compute the age from "
                     "the current year given by the datetime module, never from a year written in "
                     "your program (the grader's 'today' is in {year}).").format(
                delta=deltas.pop(), year=today_year)
    if (len(parsed) == len(expected) and all(parsed) and names == [p.name for p in expected]
            and any(q[1] != p.club for q, p in zip(parsed, expected))):
        data = active_lab().data
        # the same other field of the line printed where the club goes, for every player
        where = {i for q, p in zip(parsed, expected)
                 for i, value in enumerate(p.line.split(data.separator)) if value.strip() == q[1]}
        wrong = sorted(i for i in where if i != data.index("club")
                       and all(p.line.split(data.separator)[i].strip() == q[1] for q, p in zip(parsed, expected)))
        if wrong:
            return _("The names are right, but where the club goes the program printed field {wrong} "
                     "of the line ({field}): the club is field {club} ({fields}).").format(
                wrong=wrong[0] + 1, field=data.fields[wrong[0]], club=data.index("club") + 1,
                fields=data.separator.join(data.fields))
    by_name = {}
    for p in everyone:
        by_name.setdefault(p.name, p)
    if not expected and lines and not any(n in by_name for n in names):
        return _("For a nation with no player, print nothing at all: no message either.")
    intruders = [by_name[n] for n in names if n in by_name and by_name[n].nation != nation]
    printed_nations = {by_name[n].nation for n in names if n in by_name}
    if intruders and len(printed_nations) == 1:
        return _("Every player printed is of nation '{other}', not '{wanted}': use the nation "
                 "given on the command line (sys.argv[1]), not one written in the program.").format(
            other=printed_nations.pop(), wanted=nation)
    if intruders:
        p = intruders[0]
        return _("{name} ({nation}) is not of nation '{wanted}' but was printed: the nation is the "
                 "5th field and must be equal to the argument. Testing whether the line contains "
                 "the argument ('in', find) also matches the other fields, here: {line}").format(
            name=p.name, nation=p.nation, wanted=nation, line=p.line)
    last = everyone[-1] if everyone else None
    if (last is not None and not file_text.endswith("\n") and expected and expected[-1] is last
            and names == [p.name for p in expected[:-1]]):
        return _("Only the last player of the file is missing, and the file's last line has no "
                 "'\\n' at its end: code that expects one there (line[:-1] cuts a letter of the "
                 "nation, endswith(nation + '\\n') does not match) misses it. Remove the end of "
                 "line only when it is there (rstrip('\\n'), strip()).")
    if sorted(names) == sorted(p.name for p in expected) and names != [p.name for p in expected]:
        return _("The right players, in another order: print them in the order of the file.")
    return _("Compare your output line by line with the expected one: one line per player of the "
             "nation, in file order, each with the name, the club and the age.")
