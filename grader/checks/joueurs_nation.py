"""I.4 joueurs_nation_subproc.py (producer) and joueurs_nation_parent.py (consumer)

The consumer's own checks (launch, usage, file error, generated files, its
part of the extra arguments, blank lines) run it with the grader's producer
(fakes/joueurs_nation_subproc.py, the reference's) in place of the student's,
so that a bug of the producer costs points in the producer's checks only. The
statement's end-to-end example (parent_transcript) runs the student's pair;
parent_delegates puts a recording stand-in in place of the producer."""
import json

import pytest

from grader import draws
from grader.feedback import fail
from grader.foot import FOOT_FILE, around_the_list, first_mismatch, output_lines, parse_foot
from grader.i18n import N_, _
from grader.kit import causes, check, crashes, evidence, fakes, launch, players
from grader.lab import active_lab
from grader.strategies import in_lab_layout


EX = "joueurs_nation"
SUBPROC = fakes.PRODUCER
PARENT = fakes.CONSUMER
EXAMPLE = fakes.example_nation(EX)  # fr
PRODUCER_LOG = ".tpgrader-producer-calls"
# Generated files of the producer's and the consumer's checks, after the
# explicit cases (which set every trap of the line reading): 4, not the 8 of
# joueurs_par_nation's check, which explores that same reading first. Here
# they show the filter and the ages on files the scripts have not met; each
# costs a run (two for the consumer) and a hypothesis draw, and the 4 are the
# first 4 of the 8 there were until issue 28.
I4_GENERATED_FILES = 4


def with_reference_producer(sandbox) -> str:
    """Put the grader's producer in place of the student's; returns the
    setting to show."""
    fakes.write_reference_producer(sandbox)
    return _("joueurs_nation_subproc.py is the grader's own producer here (it prints the file's "
             "lines of the nation unchanged, as the statement asks), so that this check judges "
             "your consumer alone: your producer has checks of its own.")


@pytest.fixture
def consumer(sandbox):
    """The sandbox with the grader's producer in place, and the setting to show."""
    return sandbox, with_reference_producer(sandbox)


# --- the producer ---------------------------------------------------------


@check(EX, "subproc_launch", N_("Runs as ./joueurs_nation_subproc.py"))
def test_subproc_launch(sandbox):
    launch.check_launch(sandbox, SUBPROC, [[EXAMPLE], []])


@check(EX, "subproc_transcript", N_("./joueurs_nation_subproc.py fr prints the file's fr lines unchanged"))
def test_subproc_transcript(sandbox, foot_text):
    players.check_lines_unchanged(sandbox, SUBPROC, [EXAMPLE], foot_text, EXAMPLE)


@check(EX, "subproc_blank_lines", N_("Producer: no blank line between the lines it prints (./joueurs_nation_subproc.py fr)"))
def test_subproc_blank_lines(sandbox, foot_text):
    players.check_blank_lines(sandbox, SUBPROC, [EXAMPLE], foot_text)


@check(EX, "subproc_usage_error", N_("Producer without argument: a message on stderr, nothing on stdout, non-zero status"))
def test_subproc_usage_error(sandbox):
    launch.check_usage_error(sandbox, SUBPROC)


@check(EX, "subproc_usage_wording", N_("Producer without argument: the message is `Usage: joueurs_nation_subproc.py nation`"))
def test_subproc_usage_wording(sandbox):
    launch.check_usage_wording(sandbox, SUBPROC)


@check(EX, "subproc_file_error", N_("Producer, foot_2020.txt missing or unreadable: a message on stderr, no traceback"))
def test_subproc_file_error(sandbox):
    launch.check_file_error(sandbox, SUBPROC, "unreadable")
    launch.check_file_error(sandbox, SUBPROC, "missing")


@check(EX, "subproc_generated_files", N_("Producer, generated files: the right lines, unchanged, in order"), timeout=120)
def test_subproc_generated_files(sandbox):
    def body(case):
        players.with_foot_file(sandbox, case.text, case.today)
        players.check_lines_unchanged(sandbox, SUBPROC, [case.nation], case.text, case.nation,
                                     context=case.describe())
    players.for_each_foot_case(body, generated=I4_GENERATED_FILES)


# --- the consumer ---------------------------------------------------------


@check(EX, "parent_launch", N_("Runs as ./joueurs_nation_parent.py"))
def test_parent_launch(consumer):
    sandbox, _note = consumer
    launch.check_launch(sandbox, PARENT, [[EXAMPLE], []])


@check(EX, "parent_transcript", N_("The statement's example: ./joueurs_nation_parent.py fr (in 2021)"))
def test_parent_transcript(sandbox, foot_text):
    players.check_players(sandbox, PARENT, [EXAMPLE], foot_text, EXAMPLE, context=_(
        "your two scripts together, as in the statement: joueurs_nation_parent.py runs your "
        "joueurs_nation_subproc.py"))


@check(EX, "parent_usage_error", N_("Consumer without argument: a message on stderr, nothing on stdout, non-zero status"))
def test_parent_usage_error(consumer):
    sandbox, note = consumer
    launch.check_usage_error(sandbox, PARENT, context=note)


@check(EX, "parent_usage_wording", N_("Consumer without argument: the message is `Usage: joueurs_nation_parent.py nation`"))
def test_parent_usage_wording(consumer):
    sandbox, note = consumer
    launch.check_usage_wording(sandbox, PARENT, context=note)


@check(EX, "parent_file_error", N_("Consumer, foot_2020.txt missing: the producer's message reaches stderr, no traceback"))
def test_parent_file_error(consumer):
    sandbox, note = consumer
    launch.check_file_error(sandbox, PARENT, "missing", note=note, silent_hint=_(
        "The producer writes the message on its stderr; it reaches the user when the consumer "
        "leaves the producer's stderr alone (no stderr=subprocess.PIPE), or reads it and writes "
        "it on its own stderr."))


STAND_IN_NATIONS = ["uy", "jp", "ma", "cm", "mx", "us", "ci", "dk", "se", "ch", "gh", "kr"]
# What the stand-in producer prints (2021's layout, written in the lab's): players of no data file.
STAND_IN_LINES = ["Zébulon Sonde-{nation}:FC Témoin:a:1990:{nation}",
                  "O'Leary Fantôme:Club Fictif {nation}:md:2003:{nation}"]


@check(EX, "parent_delegates", N_("The consumer runs joueurs_nation_subproc.py with the nation and prints what it sends"))
def test_parent_delegates(sandbox):
    """Put a stand-in producer in place of the student's: the consumer must
    show the stand-in's players, so it reads them from the producer, and the
    stand-in must have received the nation."""
    sandbox.script_name(SUBPROC)  # a missing producer is reported as such
    # a nation of no generated file, so that no other line can pass for these
    nation = draws.choice("uy", STAND_IN_NATIONS, "parent_delegates")
    lines = [in_lab_layout(line, active_lab().data) for line in STAND_IN_LINES]
    fakes.write_fake(sandbox, SUBPROC, "fake_subproc.py", LINES=lines,
                      USAGE=active_lab().exercises[EX].usage.format(script=SUBPROC))
    fake_text = "".join(line.replace("{nation}", nation) + "\n" for line in lines)
    context = _("joueurs_nation_subproc.py was replaced by a stand-in producer that prints these "
                "lines for the nation it is given:\n{lines}").format(lines=fake_text.rstrip())
    r = sandbox.run(PARENT, [nation])
    evidence.fail_if_stuck(r)
    log = sandbox.file(PRODUCER_LOG)
    calls = [json.loads(ln) for ln in log.read_text().splitlines()] if log.exists() else []
    if not calls:
        causes.fail_if_cause(r, context)  # not written yet, waiting for the keyboard...
        evidence.fail_if_traceback(r, _("Read the traceback from its last line up: it names the "
                                      "error and the line of your program."), context=context)
        evidence.fail_run(r, _("Your consumer never ran joueurs_nation_subproc.py."),
                          context=context, cause=crashes.crash_cause(r.script, r.output),
                          hint=_("The consumer must start the producer with subprocess (Popen or run), for "
                                 "example ['./joueurs_nation_subproc.py', nation], and read its output; it must "
                                 "not read foot_2020.txt itself."))
    if not any(c[:1] == [nation] for c in calls):
        fail(_("Your consumer ran joueurs_nation_subproc.py without giving it the nation."),
             command=r.command, context=context,
             expected=_("arguments received by the producer: {args}").format(args=[nation]),
             actual=_("arguments received by the producer: {args}").format(
                 args=", ".join(str(c) for c in calls)),
             hint=_("Pass the nation (sys.argv[1]) as the producer's argument."))
    sent = parse_foot(fake_text)  # the stand-in's players
    year = sandbox.today.year
    lines = output_lines(r.stdout)
    real = {p.name for p in parse_foot(sandbox.file(FOOT_FILE).read_text(encoding="utf-8"))}
    if any(ln.split(",")[0].split("|")[0].strip() in real for ln in lines):
        hint = _("Your consumer prints players of foot_2020.txt that the producer did not send: it "
                 "must print what it reads from the producer, not read the file itself.")
    else:
        hint = _("Print one line per line sent by the producer: name, club and age.")
    extra = around_the_list(lines, sent, sent, year)
    if extra:
        cause = players.around_cause(PARENT, sandbox.script_name(PARENT), extra)
        evidence.fail_run(r, cause.summary, context=context,
                          expected="\n".join(p.expected_line(year) for p in sent),
                          hint=cause.hint, cause=cause)
    if first_mismatch(lines, sent, year) is not None:
        # a crash explains the missing players: the report tells it once,
        # with every check it cost
        evidence.fail_if_traceback(r, _("Read the traceback from its last line up: it names the "
                                      "error and the line of your program."), context=context)
        evidence.fail_run(r, _("Your consumer does not print the players that the producer sent."),
                          context=context,
                          expected="\n".join(p.expected_line(year) for p in sent), hint=hint)


@check(EX, "parent_generated_files", N_("Consumer, generated files and another 'today': right players, ages and order"), timeout=120)
def test_parent_generated_files(consumer):
    sandbox, note = consumer

    def body(case):
        players.with_foot_file(sandbox, case.text, case.today)
        players.check_players(sandbox, PARENT, [case.nation], case.text, case.nation,
                             context=case.describe() + "\n" + note)
    players.for_each_foot_case(body, generated=I4_GENERATED_FILES)


@check(EX, "parent_blank_lines", N_("Consumer: no blank line between the players (./joueurs_nation_parent.py fr)"))
def test_parent_blank_lines(consumer, foot_text):
    sandbox, note = consumer
    players.check_blank_lines(sandbox, PARENT, [EXAMPLE], foot_text, context=note)


@check(EX, "extra_args", N_("Extra arguments are ignored by both scripts"))
def test_extra_args(sandbox, foot_text):
    """The producer as it is; then the consumer with the grader's producer."""
    players.check_lines_unchanged(sandbox, SUBPROC, [EXAMPLE, "en", "trop"], foot_text, EXAMPLE)
    note = with_reference_producer(sandbox)
    players.check_players(sandbox, PARENT, [EXAMPLE, "en", "trop"], foot_text, EXAMPLE, context=note)
