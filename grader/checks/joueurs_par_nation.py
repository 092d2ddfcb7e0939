"""I.2 joueurs_par_nation.py nation"""
from grader.i18n import N_
from grader.kit import check, fakes, launch, players
from grader.lab import active_lab


EX = "joueurs_par_nation"
SCRIPT = active_lab().exercises[EX].script()
EXAMPLE = fakes.example_nation(EX)  # br
OTHER = fakes.second_nation(EX)  # fr


@check(EX, "launch", N_("Runs as ./joueurs_par_nation.py"))
def test_launch(sandbox):
    launch.check_launch(sandbox, SCRIPT, [[EXAMPLE], []])


@check(EX, "transcript", N_("The statement's example: ./joueurs_par_nation.py br (in 2021)"))
def test_transcript(sandbox, foot_text):
    players.check_players(sandbox, SCRIPT, [EXAMPLE], foot_text, EXAMPLE)


@check(EX, "usage_error", N_("No argument: a message on stderr, nothing on stdout, non-zero status"))
def test_usage_error(sandbox):
    launch.check_usage_error(sandbox, SCRIPT)


@check(EX, "usage_wording", N_("No argument: the message is `Usage: joueurs_par_nation.py nation`"))
def test_usage_wording(sandbox):
    launch.check_usage_wording(sandbox, SCRIPT)


@check(EX, "missing_file", N_("foot_2020.txt missing: a message on stderr, no traceback"))
def test_missing_file(sandbox):
    launch.check_file_error(sandbox, SCRIPT, "missing")


@check(EX, "missing_file_wording", N_("foot_2020.txt missing: the message is `foot_2020.txt : Pb ouverture`"))
def test_missing_file_wording(sandbox):
    launch.check_file_error_wording(sandbox, SCRIPT)


@check(EX, "unreadable_file", N_("foot_2020.txt unreadable (chmod 000): a message on stderr, no traceback"))
def test_unreadable_file(sandbox):
    launch.check_file_error(sandbox, SCRIPT, "unreadable")


@check(EX, "extra_args", N_("Extra arguments are ignored"))
def test_extra_args(sandbox, foot_text):
    players.check_players(sandbox, SCRIPT, [OTHER, "en", "trop"], foot_text, OTHER)


@check(EX, "blank_lines", N_("No blank line between the players (./joueurs_par_nation.py br)"))
def test_blank_lines(sandbox, foot_text):
    players.check_blank_lines(sandbox, SCRIPT, [EXAMPLE], foot_text)


@check(EX, "generated_files", N_("Generated files and another 'today': right players, ages and order; none for an absent nation"), timeout=120)
def test_generated_files(sandbox):
    def body(case):
        players.with_foot_file(sandbox, case.text, case.today)
        players.check_players(sandbox, SCRIPT, [case.nation], case.text, case.nation,
                             context=case.describe())
    players.for_each_foot_case(body)
