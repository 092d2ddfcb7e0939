"""The generated foot_2020.txt files are valid per CONTRACT.md, and the traps
the checks rely on are really generated."""
from hypothesis import given, settings

from grader.foot import parse_foot
from grader.lab import active_lab
from grader.strategies import EXPLICIT_CASES, foot_cases


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


def test_explicit_cases_cover_the_traps():
    texts = [c for c in EXPLICIT_CASES]
    # a last line without newline that belongs to the nation asked for
    assert any(not c.text.endswith("\n") and c.text.rsplit(":", 1)[1] == c.nation for c in texts)
    # the nation code inside another field of a player of another nation
    assert any(any(c.nation in ln.rsplit(":", 1)[0] and not ln.endswith(":" + c.nation)
                   for ln in c.text.split("\n") if ln) for c in texts)
    # a nation with no player
    assert any(all(p.nation != c.nation for p in parse_foot(c.text)) for c in texts)
