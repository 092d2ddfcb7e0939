"""The check writers' kit (grader/kit/), piece by piece, fed made-up runs:
no program is started. What a failure shows of a run, the causes a run's
output gives, the timeline, the loose matching of the statement's wordings,
the check decorator; and the kit's place: a check module loads neither the
runner nor the workers."""
import re
import subprocess
import sys

import pytest

from conftest import ROOT
from grader import i18n
from grader.harness import RunResult
from grader.kit import CheckFailed, check
from grader.kit.causes import cause_of, cause_of_run, fail_if_cause
from grader.kit.evidence import fail_run, show_run, stuck_cause
from grader.kit.timeline import Timeline
from grader.kit.wording import file_error_wording_ok, folded_text, usage_pattern


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


def run(**fields) -> RunResult:
    return RunResult(**{"command": "./joueurs_par_nation.py br", "stdout": "", "stderr": "", "status": 0,
                        "script": "joueurs_par_nation.py", "args": ("br",), **fields})


def test_a_failure_shows_both_streams_and_how_the_program_ended():
    assert show_run(run(stdout="Neymar\n", stderr="", status=0)) == (
        "stdout:\nNeymar\nstderr:\n(nothing)\nexit status: 0")
    assert show_run(run(stdout="CHRONO\n", terminal=True, status=None, signal=9)) == (
        "terminal:\nCHRONO\nkilled by signal 9 (SIGKILL)")
    shown = show_run(run(timed_out=True, duration=5.0, status=None,
                         stopped_while=((123, "joueurs_par_nation.py", "keyboard"),)))
    assert shown.endswith("the program did not finish within 5 s and was stopped; at that moment "
                          "it was waiting for the keyboard (input())"), shown


def test_a_failure_of_a_run_carries_its_evidence():
    r = run(stdout="Neymar\n", status=0)
    with pytest.raises(CheckFailed) as failed:
        fail_run(r, "One player too many.", expected="(nothing)", hint="Look at the filter.")
    f = failed.value.feedback
    assert (f.summary, f.command, f.actual, f.expected, f.hint) == (
        "One player too many.", "./joueurs_par_nation.py br", show_run(r), "(nothing)", "Look at the filter.")
    with pytest.raises(CheckFailed) as failed:  # what the check gives comes first
        fail_run(r, "Wrong.", command="./joueurs_par_nation.py fr", actual="(hidden)")
    assert (failed.value.feedback.command, failed.value.feedback.actual) == ("./joueurs_par_nation.py fr", "(hidden)")


def test_a_program_stopped_at_its_time_limit_is_told_why():
    sleeping = stuck_cause(run(timed_out=True, duration=5.0, stopped_while=((1, "joueurs_par_nation.py",
                                                                              "sleeping"),)))
    assert sleeping.key == "sleeping:joueurs_par_nation.py" and "time.sleep" in sleeping.hint
    looping = stuck_cause(run(timed_out=True, duration=5.0, stopped_while=((1, "python3", "running"),)))
    assert looping.key == "loop:joueurs_par_nation.py" and "while" in looping.hint
    assert stuck_cause(run(timed_out=True, duration=5.0)) is None  # nothing seen: nothing said


def test_the_causes_a_run_shows():
    eof = ("Traceback (most recent call last):\n  File \"joueurs_par_nation.py\", line 3, in <module>\n"
           "EOFError: EOF when reading a line\n")
    keyboard = cause_of_run(run(stderr=eof, status=1))
    assert keyboard.key == "keyboard:joueurs_par_nation.py" and "input()" in keyboard.hint
    # the usage line when given an extra argument: extra arguments are to be ignored
    extra = cause_of_run(run(args=("br", "fr"), stderr="Usage: joueurs_par_nation.py nation\n", status=1))
    assert extra.key == "rejects_extra:joueurs_par_nation.py", extra
    # the same line with no argument is what the statement asks: no cause
    assert cause_of_run(run(args=(), stderr="Usage: joueurs_par_nation.py nation\n", status=1)) is None
    assert cause_of("", (), eof, 1, True) is None  # no lab script: nothing to say of it
    with pytest.raises(CheckFailed) as failed:
        fail_if_cause(run(stderr=eof, status=1), context="the setting")
    feedback = failed.value.feedback
    assert feedback.cause == keyboard and feedback.command == "./joueurs_par_nation.py br"
    assert feedback.context == "the setting" and "EOFError" in feedback.actual


def test_the_timeline_puts_steps_in_their_order_on_the_programs_clock():
    t = Timeline(scale=10)
    t.note("the server started", at=t.t0 + 0.2)
    t.note("client 1 connected", at=t.t0 + 0.1)
    lines = t.text().split("\n")
    assert "10 times faster" in lines[0]
    assert re.match(r"t=\s+1\.0 s \(real 0\.10 s\)  client 1 connected$", lines[1]), lines
    assert re.match(r"t=\s+2\.0 s \(real 0\.20 s\)  the server started$", lines[2]), lines


def test_the_statements_wordings_are_matched_loosely():
    pattern = usage_pattern("Usage: {script} nation", "joueurs_par_nation.py")
    for said in ("Usage: joueurs_par_nation.py nation", "usage : ./joueurs_par_nation nation",
                 "USAGE: /home/me/tp/joueurs_par_nation.py NATION"):
        assert re.search(pattern, folded_text(said)), said
    assert not re.search(pattern, folded_text("Argument 'nation' manquant !"))
    assert file_error_wording_ok("foot_2020.txt : Problème à l'ouverture.")
    assert not file_error_wording_ok("foot_2020.txt introuvable")


def test_a_check_is_a_pytest_test_with_its_rubric_key():
    @check("joueurs_par_nation", "launch", "Runs as ./joueurs_par_nation.py", timeout=7)
    def test_something():
        pass
    marks = {m.name: m for m in test_something.pytestmark}
    assert marks["check"].kwargs == {"exercise": "joueurs_par_nation", "key": "launch",
                                     "title": "Runs as ./joueurs_par_nation.py"}
    assert marks["timeout"].args[0] >= 7


def test_a_check_module_loads_neither_the_runner_nor_the_workers():
    loaded = subprocess.run([sys.executable, "-c", "import sys, grader.checks.wine_bottles, "
                             "grader.checks.joueurs_nation; print(' '.join(sorted(sys.modules)))"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert loaded.returncode == 0, loaded.stderr
    modules = set(loaded.stdout.split())
    assert {"grader.kit", "grader.kit.wine.scenarios"} <= modules
    assert not {"grader.runner", "grader.workers", "grader.report"} & modules


# ---------------------------------------------------------------------------
# The player-line reader (grader/foot.py), which the player checks judge by

NEYMAR = "Neymar:PSG:attaquant:1992:br"


def test_a_player_line_is_read_in_any_of_the_layouts_the_statement_leaves_free():
    from grader.foot import line_matches, parse_foot
    [player] = parse_foot(NEYMAR + "\n")
    assert (player.name, player.club, player.year, player.nation) == ("Neymar", "PSG", 1992, "br")
    for printed in ("Neymar, PSG, 29", "Neymar | PSG | 29 ans", "Neymar;PSG;29", "  Neymar  PSG  29 ",
                    "Neymar, PSG, 29 ans."):
        assert line_matches(printed, player, 2021), printed
    for printed in ("Neymar, PSG, 28", "PSG, Neymar, 29", "Neymar, PSG", "Neymar, PSG, 29, br", NEYMAR):
        assert not line_matches(printed, player, 2021), printed


def test_the_first_wrong_line_and_the_player_a_line_names():
    from grader.foot import first_mismatch, named_player, output_lines, parse_foot
    everyone = parse_foot(NEYMAR + "\nDi:Club:milieu:1990:ar\nDi Maria:PSG:milieu:1988:ar\n")
    neymar, _di, di_maria = everyone
    assert output_lines("Neymar, PSG, 29\n\n  \nDi Maria, PSG, 33\n") == ["Neymar, PSG, 29", "Di Maria, PSG, 33"]
    assert first_mismatch(["Neymar, PSG, 29", "Di Maria, PSG, 33"], [neymar, di_maria], 2021) is None
    assert first_mismatch(["Neymar, PSG, 29"], [neymar, di_maria], 2021) == 1  # one missing
    assert first_mismatch(["Neymar, PSG, 29", "Di Maria, PSG, 33", "fin"], [neymar, di_maria], 2021) == 2
    assert named_player("Di Maria, PSG, 32", everyone) is di_maria  # the longest name, a wrong age
    assert named_player(NEYMAR, everyone) is neymar and named_player("Neymarco", everyone) is None


# ---------------------------------------------------------------------------
# The wine programs' messages, read with case, accents and spacing free


def test_the_server_log_is_read_from_the_statements_messages_written_loosely():
    from grader.kit.wine.messages import ServerLog
    log = ServerLog.parse("Serveur en attente de commande\ncommande de 60 bouteille(s)\n"
                          "RESTE EN STOCK :  240 bouteilles\nServeur en attente\n"
                          "Commande de 240\nReste en stock : 0 bouteille(s)\nPlus de stock !\n")
    assert log.values("order") == [60, 240] and log.values("remaining") == [240, 0]
    assert log.values("waiting") == [0, 0] and log.sold_out
    assert not ServerLog.parse("Commande reçue\nstock : 240\n").events


def test_a_clients_three_outcomes_are_recognised():
    from grader.kit.wine.messages import ANSWER, FAILED, RECEIVED, UNAVAILABLE, Message, folded
    assert Message.number(RECEIVED.search(folded("12 bouteille(s) reçue(s)"))) == 12
    assert RECEIVED.search(folded("12 Bouteilles Reçues"))
    assert UNAVAILABLE.search(folded("Service non disponible !")) and FAILED.search(folded("Échec de la commande"))
    for printed in ("12 bouteille(s) reçue(s)", "Service non disponible", "Echec commande",
                    "Traceback (most recent call last):"):
        assert re.search(ANSWER, printed), printed
    assert not re.search(ANSWER, "Commande de 12 bouteille(s) envoyée")


# ---------------------------------------------------------------------------
# The run object (grader/kit/run.py): each expectation fails with the run's
# evidence, its setting and what was expected


class FakeSandbox:
    """Gives back a made-up run: no program is started."""
    def __init__(self, **fields):
        self.fields = fields

    def run(self, script, args, **_options):
        return run(command=" ".join(["./" + script, *args]), script=script, args=tuple(args), **self.fields)


def test_a_run_object_fails_with_its_command_setting_and_expected_output():
    from grader.kit.run import Run
    r = Run(FakeSandbox(stdout="4 14 67 poeme.txt\n"), "wc.py", ["poeme.txt"], setting="poeme.txt: 4 lines",
            expected="4 14 62 poeme.txt")
    assert r.ends().no_traceback("-").succeeds("-") is r  # met: the run, to chain
    with pytest.raises(CheckFailed) as failed:
        r.fail("Wrong counts.", hint="Count characters, not bytes.")
    f = failed.value.feedback
    assert (f.command, f.context, f.expected, f.hint) == ("./wc.py poeme.txt", "poeme.txt: 4 lines",
                                                           "4 14 62 poeme.txt", "Count characters, not bytes.")
    assert "4 14 67 poeme.txt" in f.actual and "exit status: 0" in f.actual


@pytest.mark.parametrize("fields, expectation, said", [
    ({"status": 1}, lambda r: r.succeeds("h"), "exit status 1, which means an error"),
    ({"status": 0}, lambda r: r.fails("h"), "exit status 0, which means success"),
    ({"stdout": "usage\n", "status": 1}, lambda r: r.nothing_on_stdout("h"), "wrote on the standard output"),
    ({"status": 1}, lambda r: r.message_on_stderr("h"), "wrote nothing on the error output"),
    ({"stderr": "fichier absent\n", "status": 1}, lambda r: r.message_on_stderr("h", naming="x.txt"),
     "does not name x.txt"),
    ({"stderr": 'Traceback (most recent call last):\n  File "wc.py", line 3, in <module>\n'
                "FileNotFoundError: [Errno 2] No such file or directory: 'x.txt'\n", "status": 1},
     lambda r: r.no_traceback("h"), "crashed with a Python traceback"),
    ({"timed_out": True, "status": None, "duration": 5.0}, lambda r: r.ends(), "did not finish within 5"),
])
def test_each_expectation_of_a_run_fails_when_it_is_not_met(fields, expectation, said):
    from grader.kit.run import Run
    r = Run(FakeSandbox(**fields), "wc.py", ["x.txt"], setting="x.txt does not exist")
    with pytest.raises(CheckFailed) as failed:
        expectation(r)
    f = failed.value.feedback
    assert said in f.summary and f.command == "./wc.py x.txt" and f.context == "x.txt does not exist", f
