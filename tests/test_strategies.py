"""The generated foot_2020.txt files are valid per docs/LAB.md, and the traps
the checks rely on are really generated; a lab's generated files hold that
lab's values (its fixture's, or its [data.samples])."""
from pathlib import Path

import pytest
from hypothesis import given, settings

from grader.foot import parse_foot
from grader.lab import DEFAULT_LAB_FILE, active_lab, read_lab
from grader.strategies import EXPLICIT_CASES, _EXPLICIT_CASES_2021, explicit_cases, foot_cases

NBA = read_lab(Path(__file__).resolve().parent.parent / "labs" / "2019-nba.toml").data


@settings(max_examples=300, deadline=None, database=None)
@given(case=foot_cases())
def test_generated_files_are_valid(case):
    assert case.text and "\n\n" not in case.text and not case.text.startswith("\n")
    for line in case.text.rstrip("\n").split("\n"):
        fields = line.split(":")
        assert len(fields) == 5
        name, club, position, year, nation = fields
        for f in (name, club):
            assert f and f == f.strip() and not set(f) & set(",|:\"\n")
        assert position in active_lab().data.samples("poste") and year.isdigit() and len(year) == 4
        assert nation.isalpha() and nation.islower()
    assert case.today.year >= 2022  # another "today" than the statement's
    parse_foot(case.text)


def test_the_default_lab_keeps_the_hand_written_traps_of_2021():
    assert EXPLICIT_CASES == _EXPLICIT_CASES_2021


def nba_values(field: str) -> set[str]:
    column = NBA.fields.index(field)
    return {fields[column] for fields in NBA.fixture_lines()}


@settings(max_examples=300, deadline=None, database=None)
@given(case=foot_cases(NBA))
def test_a_2019_generated_file_holds_only_2019_values(case):
    """Issue 22: a basketball lab's files drew football names, clubs and
    birth years (`N'Golo Kante:2.06:Chelsea:1991:fr`)."""
    low, high = min(map(int, nba_values("annee_naissance"))), max(map(int, nba_values("annee_naissance")))
    assert (low, high) == (1984, 2000)
    for line in case.text.rstrip("\n").split("\n"):
        name, height, club, year, nation = line.split(":")
        assert name in nba_values("prenom_nom") and club in nba_values("club"), line
        assert height in NBA.given_samples["taille"] and low <= int(year) <= high, line
        assert nation in NBA.given_samples["nation"], line
    assert case.nation in NBA.given_samples["nation"]


def test_the_2019_traps_are_lines_of_its_fixture():
    lines = {":".join(fields) for fields in NBA.fixture_lines()}
    cases = explicit_cases(NBA)
    assert len(cases) == 4
    for case in cases:
        assert set(case.text.rstrip("\n").split("\n")) <= lines, case.text
    football = {"Kante", "Chelsea", "PSG", "Neymar", "Manchester"}
    assert not any(word in case.text for case in cases for word in football)


@pytest.mark.parametrize("data", [read_lab(DEFAULT_LAB_FILE).data, NBA], ids=["2021", "2019-nba"])
def test_explicit_cases_cover_the_traps(data):
    key = data.index("key")

    def fields(case):
        return [line.split(data.separator) for line in case.text.split("\n") if line]
    cases = explicit_cases(data)
    # a last line without newline that belongs to the nation asked for
    assert any(not c.text.endswith("\n") and fields(c)[-1][key] == c.nation for c in cases)
    # the nation code inside the name or club of a player of another nation, and players of it
    inside = (data.index("name"), data.index("club"))
    assert any(any(p[key] != c.nation and any(c.nation in p[i] for i in inside) for p in fields(c))
               and any(p[key] == c.nation for p in fields(c)) for c in cases)
    # accents, an apostrophe, a hyphen and a space inside names or clubs
    for kind in (lambda v: not v.isascii(), lambda v: "'" in v, lambda v: "-" in v, lambda v: " " in v):
        assert any(any(kind(p[i]) for p in fields(c) for i in inside) for c in cases)
    # a nation with no player
    assert any(all(p[key] != c.nation for p in fields(c)) for c in cases)


def _drawn(data, examples: int = 30) -> list:
    """The cases a derandomized check body meets: its first `examples`."""
    from grader.strategies import PROPERTY_SETTINGS
    seen = []

    def body(case):
        seen.append(case)
    settings(PROPERTY_SETTINGS, max_examples=examples)(given(case=foot_cases(data))(body))()
    return seen


@pytest.mark.parametrize("data", [None, NBA], ids=["2021", "2019-nba"])
def test_strategies_made_once_draw_the_files_that_strategies_made_afresh_drew(data, monkeypatch):
    """Issue 28: the strategies of a lab's fields and lines are made at their
    first use, not at each draw (a draw cost 9 ms of the grader's CPU, now
    3 ms). Each student meets the very files they met before."""
    import grader.strategies as strategies
    once = _drawn(data)
    monkeypatch.setattr(strategies, "_made_once", lambda _data, _what, make: make())
    assert _drawn(data) == once
    assert len({c.text for c in once}) > 20  # files, not one file again and again
