"""Hypothesis strategies for valid data files of the lab (`foot_2020.txt`),
as CONTRACT.md defines them: lines `nom:club:poste:annee:nation`, no empty
line; names and clubs may hold spaces (not at their ends), accents, hyphens,
apostrophes; the last line may or may not end with a newline. The fields and
their order are the lab's (grader/lab.py): a field that is not the nation,
the name, the club or the birth year takes the values of `[data.samples]`,
else those of the lab's fixture.

Real names and clubs are mixed in on purpose: several hold a nation code
inside them ("Manchester City" holds "it", "Frenkie de Jong" holds "de",
"Sporting CP" holds "ng"), which catches a test like `nation in line`."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from .lab import DataFile, active_lab

NATIONS = active_lab().data.samples(active_lab().data.roles["key"])
REAL_NAMES = [
    "Frenkie de Jong", "Bernardo Silva", "N'Golo Kante", "Di Maria", "Pierre-Emerick Aubameyang",
    "Müller", "Agüero", "Jesus Navas", "Ferland Mendy", "Alexander-Arnold", "Ndiaye",
    "Sergio Ramos", "Marc-André ter Stegen", "Dani Olmo", "Mbappé",
]
REAL_CLUBS = [
    "Manchester City", "Barcelona", "Arsenal", "Benfica", "Sporting CP", "Valencia", "Real Madrid",
    "Estudiantes", "Inter Milan", "PSG", "Bayern Munich", "Stade Brestois", "Atalanta",
    "Borussia Mönchengladbach", "Olympique de Marseille",
]
_LETTERS = "abcdefghijklmnopqrstuvwxyzéèêëàâîïôöüçñ"


def _word():
    return st.builds(
        lambda first, rest: first.upper() + rest,
        st.sampled_from(_LETTERS), st.text(alphabet=_LETTERS, min_size=1, max_size=7),
    )


@st.composite
def _compound(draw):
    """Words joined by a space, a hyphen or an apostrophe: never at the ends."""
    words = draw(st.lists(_word(), min_size=1, max_size=3))
    text = words[0]
    for w in words[1:]:
        text += draw(st.sampled_from([" ", "-", "'"])) + w
    return text


names = st.one_of(st.sampled_from(REAL_NAMES), _compound())
clubs = st.one_of(st.sampled_from(REAL_CLUBS), _compound())


def _field_values(data: DataFile) -> list:
    """A strategy per field of a line, in the lab's order."""
    by_role = {"name": names, "club": clubs, "birth_year": st.integers(1950, 2012).map(str),
               "key": st.sampled_from(NATIONS)}
    roles = {field: role for role, field in data.roles.items()}
    return [by_role[roles[f]] if f in roles else st.sampled_from(data.samples(f)) for f in data.fields]


@st.composite
def player_lines(draw):
    data = active_lab().data
    return data.separator.join(draw(values) for values in _field_values(data))


def nation_of(line: str) -> str:
    data = active_lab().data
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
def foot_cases(draw) -> FootCase:
    lines = draw(st.lists(player_lines(), min_size=1, max_size=10))
    # Usually a nation of the file, sometimes one that is absent.
    present = sorted({nation_of(ln) for ln in lines})
    nation = draw(st.one_of(st.sampled_from(present), st.sampled_from(present),
                            st.sampled_from(NATIONS)))
    final_newline = draw(st.booleans())
    day = draw(st.dates(min_value=date(2022, 1, 1), max_value=date(2099, 12, 31)))
    text = "\n".join(lines) + ("\n" if final_newline else "")
    return FootCase(text, nation, datetime(day.year, day.month, day.day, 10, 0))


# Cases every submission meets, whatever hypothesis draws: the traps of the
# exercise, each on a small file. Written as lines of 2021's file
# (nom:club:poste:annee:nation); `in_lab_layout` writes them in the lab's.
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


EXPLICIT_CASES = [case_in_lab_layout(case, active_lab().data) for case in _EXPLICIT_CASES_2021]

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

# Deterministic (same examples on every run), no example database written to
# disk, no shrinking (each example runs a program: a failing one is shown as it
# was generated, and files are kept short so that it reads well).
PROPERTY_SETTINGS = settings(
    max_examples=8,
    derandomize=True,
    database=None,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),
    report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
