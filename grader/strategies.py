"""Hypothesis strategies for valid data files of the lab (`foot_2020.txt`),
as docs/LAB.md defines them: lines `nom:club:poste:annee:nation`, no empty
line; names and clubs may hold spaces (not at their ends), accents, hyphens,
apostrophes; the last line may or may not end with a newline. The fields and
their order are the lab's (grader/lab.py), and so are their values: each
field draws from the lab's `[data.samples]`, else from its fixture (a
basketball lab's files hold basketball players); the birth year is drawn
between the lowest and the highest of its samples; the name and club fields
the lab lists in `data.invented` mix invented words with the samples.

2021's samples mix real names and clubs in on purpose: several hold a nation
code inside them ("Manchester City" holds "it", "Frenkie de Jong" holds
"de", "Sporting CP" holds "ng"), which catches a test like `nation in line`.
The explicit cases (EXPLICIT_CASES) set each trap on a small file, made of
values the lab can draw."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Optional

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from .lab import DataFile, active_lab

_LETTERS = "abcdefghijklmnopqrstuvwxyzéèêëàâîïôöüçñ"


_WORDS = st.lists(st.builds(lambda first, rest: first.upper() + rest,
                            st.sampled_from(_LETTERS), st.text(alphabet=_LETTERS, min_size=1, max_size=7)),
                  min_size=1, max_size=3)
_JOINS = st.sampled_from([" ", "-", "'"])


@st.composite
def _compound(draw):
    """Words joined by a space, a hyphen or an apostrophe: never at the ends."""
    words = draw(_WORDS)
    text = words[0]
    for w in words[1:]:
        text += draw(_JOINS) + w
    return text


def field_values(data: DataFile, field: str):
    """What a generated line holds in `field`: the lab's samples (the
    fixture's by default), a year between the lowest and the highest of
    them for the birth year, invented words too where the lab says so."""
    def make():
        if field == data.roles["birth_year"]:
            return st.integers(*data.birth_years()).map(str)
        values = st.sampled_from(data.samples(field))
        return st.one_of(values, _compound()) if field in data.invented else values
    return _made_once(data, field, make)


@st.composite
def player_lines(draw, data: Optional[DataFile] = None):
    data = data or active_lab().data
    return data.separator.join(draw(field_values(data, f)) for f in data.fields)


def _made_once(data: DataFile, what: str, make):
    """The strategy `make()` for this lab's data file, made at its first use
    only: a strategy made afresh at each draw is checked afresh by
    hypothesis, which cost more than the draw itself (the same values are
    drawn either way)."""
    made = _STRATEGIES.get((id(data), what))
    if made is None or made[0] is not data:
        made = _STRATEGIES[(id(data), what)] = (data, make())
    return made[1]


# (id of a lab's DataFile, what) -> (that DataFile, the strategy); the
# DataFile is kept so that its id stays its own.
_STRATEGIES: dict = {}
_DAYS = st.dates(min_value=date(2022, 1, 1), max_value=date(2099, 12, 31))


def nation_of(line: str, data: Optional[DataFile] = None) -> str:
    data = data or active_lab().data
    return line.split(data.separator)[data.index("key")]


@dataclass(frozen=True)
class FootCase:
    """One generated situation: a file, the nation asked for, the day it runs."""
    text: str
    nation: str
    today: datetime

    def describe(self) -> str:
        end = "" if self.text.endswith("\n") else "\n(no newline at the end of the last line)"
        return f"{active_lab().data.name}:\n{self.text.rstrip(chr(10))}{end}\ntoday = {self.today.date()}"


@st.composite
def foot_cases(draw, data: Optional[DataFile] = None) -> FootCase:
    data = data or active_lab().data
    lines = draw(_made_once(data, "lines", lambda: st.lists(player_lines(data), min_size=1, max_size=10)))
    # Usually a nation of the file, sometimes one that is absent.
    present = sorted({nation_of(ln, data) for ln in lines})
    nation = draw(st.one_of(st.sampled_from(present), st.sampled_from(present),
                            st.sampled_from(data.samples(data.roles["key"]))))
    final_newline = draw(st.booleans())
    day = draw(_DAYS)
    text = "\n".join(lines) + ("\n" if final_newline else "")
    return FootCase(text, nation, datetime(day.year, day.month, day.day, 10, 0))


# Cases every submission meets, whatever hypothesis draws: the traps of the
# exercise, each on a small file. Written as lines of 2021's file
# (nom:club:poste:annee:nation); `in_lab_layout` writes them in the lab's,
# for a lab that can draw their values (explicit_cases).
_EXPLICIT_CASES_2021 = [
    # the last line has no newline and is a player of the nation asked for
    FootCase("Neymar:PSG:a:1992:br\nLloris:Spurs Tottenham:g:1986:fr\nMarquinhos:PSG:d:1994:br",
             "br", datetime(2030, 3, 1, 10, 0)),
    # the nation code occurs in a club and in a name of other nations
    FootCase("Foden:Manchester City:mo:2000:en\nVerratti:PSG:md:1992:it\n"
             "Frenkie de Jong:Barcelona:md:1997:nl\nKroos:Real Madrid:md:1990:de\n"
             "Chiesa:Juventus:a:1997:it\n", "it", datetime(2040, 12, 31, 10, 0)),
    # accents, apostrophes, hyphens and spaces inside the fields
    FootCase("N'Golo Kante:Chelsea:md:1991:fr\nMarc-André ter Stegen:Barcelona:g:1992:de\n"
             "Müller:Bayern Munich:mo:1989:de\nJoão Félix:Atlético de Madrid:a:1999:pt\n",
             "de", datetime(2025, 1, 1, 10, 0)),
    # a nation with no player: nothing printed, exit status 0
    FootCase("Neymar:PSG:a:1992:br\nLloris:Spurs Tottenham:g:1986:fr\n", "ar",
             datetime(2022, 6, 1, 10, 0)),
]


def in_lab_layout(line: str, data: DataFile) -> str:
    """A line of 2021's file (nom:club:poste:annee:nation) with its fields in
    the lab's order: the name, club, birth year and nation by their role,
    another field by its name if 2021's file has it, else the first of the
    lab's sample values (the 2021 lab leaves every line as it is)."""
    if not line:
        return line
    roles = {field: role for role, field in data.roles.items()}
    of_2021 = dict(zip(("nom", "club", "poste", "annee", "nation"), line.split(":")))
    by_role = {"name": of_2021["nom"], "club": of_2021["club"], "birth_year": of_2021["annee"],
               "key": of_2021["nation"]}
    return data.separator.join(by_role[roles[f]] if f in roles else of_2021.get(f) or data.samples(f)[0]
                               for f in data.fields)


def case_in_lab_layout(case: FootCase, data: DataFile) -> FootCase:
    return replace(case, text="\n".join(in_lab_layout(line, data) for line in case.text.split("\n")))


def _drawable(line: str, data: DataFile) -> bool:
    """Whether a generated file of the lab could hold this line (in its layout)."""
    low, high = data.birth_years()
    for field, value in zip(data.fields, line.split(data.separator)):
        if field == data.roles["birth_year"]:
            if not low <= int(value) <= high:
                return False
        elif field not in data.invented and value not in data.samples(field):
            return False
    return True


def explicit_cases(data: DataFile) -> list[FootCase]:
    """The traps, each on a small file: 2021's own cases where the lab can
    draw every value of them (2021's lab, or a copy with other scripts), else
    the same traps set with players of the lab's fixture."""
    cases = [case_in_lab_layout(case, data) for case in _EXPLICIT_CASES_2021]
    if all(_drawable(line, data) for case in cases for line in case.text.split("\n") if line):
        return cases
    return _traps_from_fixture(data)


def _traps_from_fixture(data: DataFile) -> list[FootCase]:
    """2021's four traps with the fixture's players: the last line, without
    its newline, of the nation asked; a nation code inside the name or club of
    players of other nations; accents, apostrophes, hyphens and spaces inside
    the fields; a nation with no player. A trap the fixture cannot set is
    left out."""
    key = data.index("key")
    players = data.fixture_lines()
    order = list(dict.fromkeys(p[key] for p in players))  # the fixture's nations
    of = {n: [p for p in players if p[key] == n] for n in order}
    candidates = list(dict.fromkeys([*data.samples(data.roles["key"]), *order]))

    def text(lines: list[list[str]], newline: bool = True) -> str:
        return "\n".join(data.separator.join(p) for p in lines) + ("\n" if newline else "")

    def others(nation: str) -> list[list[str]]:
        return [p for p in players if p[key] != nation]

    cases = []
    pairs = [n for n in order if len(of[n]) >= 2 and others(n)]
    if pairs:
        nation = pairs[0]
        cases.append(FootCase(text([of[nation][0], others(nation)[0], of[nation][1]], newline=False),
                              nation, datetime(2030, 3, 1, 10, 0)))
    inside = (data.index("name"), data.index("club"))

    def intruders(nation: str) -> list[list[str]]:  # its code inside their name or club
        return [p for p in others(nation) if any(nation in p[i] for i in inside)][:3]
    with_players = [n for n in candidates if of.get(n)]
    nation = max(with_players, key=lambda n: len(intruders(n)), default=None)
    if nation is not None and intruders(nation):
        own = of[nation][:2]
        mixed = [p for pair in zip(intruders(nation), own + [None] * 3) for p in pair if p is not None]
        cases.append(FootCase(text(mixed + own[len(intruders(nation)):]), nation,
                              datetime(2040, 12, 31, 10, 0)))
    kinds = (lambda v: not v.isascii(), lambda v: "'" in v, lambda v: "-" in v, lambda v: " " in v)
    chosen: list[list[str]] = []
    for kind in kinds:
        found = next((p for p in players if p not in chosen and any(kind(p[i]) for i in inside)), None)
        if found:
            chosen.append(found)
    if chosen:
        nations = [p[key] for p in chosen]
        nation = max(dict.fromkeys(nations), key=nations.count)
        if nations.count(nation) < 2:
            chosen += [p for p in of[nation] if p not in chosen][:1]
        cases.append(FootCase(text(chosen), nation, datetime(2025, 1, 1, 10, 0)))
    if len(order) >= 2:
        few = [of[order[0]][0], of[order[1]][0]]
        absent = next((n for n in candidates if n not in (order[0], order[1])), None)
        if absent:
            cases.append(FootCase(text(few), absent, datetime(2022, 6, 1, 10, 0)))
    return cases


EXPLICIT_CASES = explicit_cases(active_lab().data)


def _without_local_constants() -> None:
    """hypothesis (6.131 and later) mixes into what it draws the literals of
    every loaded module it calls local, that is outside site-packages: the
    generated files then depended on which check modules a process had
    loaded (a worker or --jobs 1) and on where the grader is installed (a
    checkout or a wheel). With none, the draws depend on the seed only. A
    private name of hypothesis: where it is missing, nothing is mixed in."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
    except ImportError:  # pragma: no cover (an older hypothesis: no constants)
        return
    if hasattr(providers, "_get_local_constants"):
        none = Constants()
        providers._get_local_constants = lambda: none


_without_local_constants()

# Generated files a check runs by default, after the explicit cases. Each is
# a program run or two, and a hypothesis draw (~20 ms of the grader's CPU).
GENERATED_FILES = 8

# Deterministic (same examples on every run), no example database written to
# disk, no shrinking (each example runs a program: a failing one is shown as it
# was generated, and files are kept short so that it reads well).
PROPERTY_SETTINGS = settings(
    max_examples=GENERATED_FILES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),
    report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
