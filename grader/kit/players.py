"""Check bodies for player lists: the expected players, the diff, the
causes of a wrong list, and the generated data files."""
from __future__ import annotations

import shlex
from dataclasses import replace
from datetime import datetime
from typing import Callable, Optional, Sequence

from hypothesis import example, given, seed, settings

from grader import draws
from grader.feedback import Cause, fail
from grader.foot import (around_the_list, diagnose, first_mismatch, FOOT_FILE, line_matches, named_player,
                         output_lines, parse_foot, Player, spelled_out)
from grader.harness import MissingScript, RunResult, Sandbox, UnreadableScript
from grader.i18n import _
from grader.kit.causes import USAGE_LINE, fail_if_cause, usage_names
from grader.kit.evidence import (BRIEF_FILE_LINES, PROBE_TIMEOUT, brief_run, fail_if_stuck,
                                 fail_if_traceback, fail_run, raw_index, readable_diff, show_run)
from grader.kit.fakes import CONSUMER, PRODUCER
from grader.lab import active_lab
from grader.strategies import EXPLICIT_CASES, foot_cases, FootCase, GENERATED_FILES, PROPERTY_SETTINGS


def diff_lines(lines: Sequence[str], expected: Sequence[Player], year: int) -> str:
    """The output to diff with the expected lines: every line that is accepted
    as a player of `expected` (in either layout of the statement) shown in the
    expected layout, so that the diff marks only what costs points; blank
    lines and trailing blanks are left out (they are free)."""
    shown = []
    for ln in lines:
        match = next((p for p in expected if line_matches(ln, p, year)), None)
        shown.append(match.expected_line(year) if match else ln)
    return "\n".join(shown)


def diff_note(lines: Sequence[str], expected: Sequence[Player], year: int) -> str:
    """What the student should know to read the diff of diff_lines: the right
    lines printed in another layout are shown in the expected one."""
    shown = diff_lines(lines, expected, year)
    # (the report shows no diff of lines in the aligned layout, with `|`)
    if expected and shown != "\n".join(lines) and "|" not in shown:
        return " " + _("(In the difference, your right lines are shown in the layout of the "
                       "expected ones: your layout is accepted.)")
    return ""


def check_players(sandbox: Sandbox, script: str, args: Sequence[str], file_text: str,
                  nation: str, context: Optional[str] = None) -> RunResult:
    """The program prints one line per player of `nation` (name, club, age),
    in file order, in either layout of the statement."""
    r = sandbox.run(script, list(args))
    fail_if_stuck(r)
    fail_if_cause(r, context)
    everyone = parse_foot(file_text)
    expected = [p for p in everyone if p.nation == nation]
    year = sandbox.today.year
    fail_if_traceback(r, _("Read the traceback from its last line up: it names the error and the "
                           "line of your program."), context=context)
    lines = output_lines(r.stdout)
    bad = first_mismatch(lines, expected, year)
    if bad is not None:
        exp_lines = [p.expected_line(year) for p in expected]
        shown = dict(command=r.command, context=context,
                     expected="\n".join(exp_lines) if exp_lines else _("(nothing)"),
                     actual=show_run(r), brief_context=brief_setting(context, file_text, expected, r))
        cause = list_cause(sandbox, r, file_text, nation)
        if cause:
            fail(cause.summary, hint=cause.hint, cause=cause, brief_actual=brief_run(r), **shown)
        extra = around_the_list(lines, expected, everyone, year)
        if extra:
            cause = around_cause(r.script, sandbox.script_name(r.script), extra)
            fail(cause.summary, hint=cause.hint, cause=cause, diff_actual=diff_lines(lines, expected, year),
                 brief_actual=brief_run(r, raw_index(r.stdout, bad) - 3), **shown)
        got = lines[bad] if bad < len(lines) else _("(no line)")
        want = exp_lines[bad] if bad < len(exp_lines) else _("(end of the list)")
        fail(_("Line {n} of the output is wrong: expected `{want}`, got `{got}`.").format(
                n=bad + 1, want=want, got=got),
             diff_actual=readable_diff(shown["expected"], diff_lines(lines, expected, year))
             if exp_lines else None,
             brief_actual=brief_run(r, raw_index(r.stdout, bad) - 3),
             hint=diagnose(lines, expected, everyone, nation, year, file_text) + diff_note(
                 lines, expected, year), **shown)
    if not expected and r.status != 0:
        fail_run(r, _("For a nation with no player, the program must print nothing and end with status 0."),
                 context=context, expected=_("stdout: (nothing)\nexit status: 0"),
                 hint=_("No player is not an error: print nothing, and do not call sys.exit with a "
                        "non-zero status."))
    return r


def stderr_hint(r: RunResult, args: Sequence[str]) -> str:
    """Why a program printed an error instead of players, from its message."""
    usage = USAGE_LINE.search(r.output)
    if r.script == CONSUMER and usage and PRODUCER in usage_names(usage.group(0)):
        return _("The usage line is the producer's: your consumer started joueurs_nation_subproc.py "
                 "without the nation. Pass it sys.argv[1].")
    if "usage" in r.stderr.lower():
        if len(args) > 1:
            return _("The program was given the nation and extra arguments, which must be ignored: "
                     "test len(sys.argv) < 2 (a missing nation), not len(sys.argv) != 2.")
        return _("A usage message although the nation was given: if it comes from "
                 "joueurs_nation_subproc.py, your consumer started it without the nation.")
    if len(args) > 1 and r.status:
        return _("The program was given the nation and extra arguments ({args}) and stopped with "
                 "this message: extra arguments must be ignored, only a missing nation is an error "
                 "(test len(sys.argv) < 2, not len(sys.argv) != 2).").format(args=" ".join(args[1:]))
    return _("Read the message on stderr: it says what went wrong.")


def around_cause(script: str, name: str, extra: Sequence[str]) -> Cause:
    """The players printed right, with text before or after them: one cause
    for every player check of `script` it costs."""
    return Cause(f"around_list:{script}",
                 _("{script} prints {lines} besides the players.").format(
                     script=name, lines=", ".join(f"`{ln.strip()}`" for ln in extra[:3])),
                 _("The statement prints the players only, one per line, with nothing before or "
                   "after them (no title, no closing message)."))


def check_lines_unchanged(sandbox: Sandbox, script: str, args: Sequence[str], file_text: str,
                          nation: str, context: Optional[str] = None) -> None:
    """The producer prints the file's lines of `nation` unchanged, in order
    (blank lines and trailing blanks are free)."""
    r = sandbox.run(script, list(args))
    fail_if_stuck(r)
    fail_if_cause(r, context)
    fail_if_traceback(r, _("Read the traceback from its last line up: it names the error and the "
                           "line of your program."), context=context)
    players = [p for p in parse_foot(file_text) if p.nation == nation]
    expected = [p.line for p in players]
    lines = output_lines(r.stdout)
    if lines != expected:
        shown = dict(command=r.command, context=context,
                     expected="\n".join(expected) if expected else _("(nothing)"), actual=show_run(r),
                     brief_context=brief_setting(context, file_text, players, r))
        cause = list_cause(sandbox, r, file_text, nation)
        if cause:
            fail(cause.summary, hint=cause.hint, cause=cause, brief_actual=brief_run(r), **shown)
        bad = next((i for i, (ln, e) in enumerate(zip(lines, expected)) if ln != e),
                   min(len(lines), len(expected)))
        extra = around_the_list(lines, players, parse_foot(file_text), sandbox.today.year, unchanged=True)
        if extra:
            cause = around_cause(r.script, sandbox.script_name(r.script), extra)
            fail(cause.summary, hint=cause.hint, cause=cause, diff_actual="\n".join(lines),
                 brief_actual=brief_run(r, raw_index(r.stdout, bad) - 3), **shown)
        if len(lines) == len(expected) and all(
                ln.startswith(e.split(":")[0]) for ln, e in zip(lines, expected)):
            hint = _("The right players, but their lines were changed: print each line exactly as "
                     "it is in the file (nom:club:poste:annee:nation), only without its '\\n'.")
        elif any(ln.rsplit(":", 1)[-1].strip() != nation for ln in lines):
            hint = _("Some printed lines are not of nation '{nation}': the nation is the 5th field "
                     "and must equal the argument.").format(nation=nation)
        elif lines == expected[:-1] and not file_text.endswith("\n"):
            hint = _("The file's last line, which has no '\\n' at its end, is missing: code that "
                     "expects one there misses it (line[:-1] cuts a letter of the nation, "
                     "endswith(nation + '\\n') does not match). Remove the end of line only when it "
                     "is there (rstrip('\\n'), strip()).")
        else:
            hint = _("Print each line of the nation exactly as it is in the file (nom:club:poste:"
                     "annee:nation), in file order.")
        fail(_("The lines printed are not the file's lines of nation '{nation}'.").format(nation=nation),
             diff_actual=readable_diff(shown["expected"], "\n".join(lines)),
             brief_actual=brief_run(r, raw_index(r.stdout, bad) - 3), hint=hint, **shown)


def check_blank_lines(sandbox: Sandbox, script: str, args: Sequence[str], file_text: str,
                      context: Optional[str] = None) -> None:
    """No blank line between two player lines (a `print()` of a line that
    still ends with '\\n'): a layout slip, which the player checks let pass.
    Only the empty lines that stand between two player lines count: text
    printed before or after the list is the player checks' business. With
    no player line printed there is nothing to judge: the check fails with
    the cause the player checks name (docs/LAB.md)."""
    r = sandbox.run(script, list(args))
    fail_if_stuck(r)
    everyone = parse_foot(file_text)
    expected = [p for p in everyone if p.nation == args[0]]
    year = sandbox.today.year
    raw = [ln.rstrip() for ln in r.stdout.split("\n")]
    named = [i for i, ln in enumerate(raw) if named_player(ln, everyone) is not None]
    if not named:
        fail_if_cause(r, context)
        fail_if_traceback(r, _("Read the traceback from its last line up: it names the error and "
                               "the line of your program."), context=context)
        cause = list_cause(sandbox, r, file_text, args[0])
        fail_run(r, cause.summary if cause else _("No player line was printed: there is no layout to judge."),
                 context=context, brief_actual=brief_run(r),
                 hint=cause.hint if cause else None, cause=cause)
    between = raw[named[0]:named[-1] + 1]
    blanks = between.count("")
    if blanks:
        unchanged = script == PRODUCER
        want = [p.line if unchanged else p.expected_line(year) for p in expected]
        printed = [named_player(raw[i], everyone) for i in named]
        # a diff when the players are the expected ones, their lines in the
        # expected layout: it then marks the blank lines only
        diff = None
        if [p.name for p in printed] == [p.name for p in expected]:
            diff = "\n".join(ln if unchanged or not ln else diff_lines([ln], expected, year)
                             for ln in between)
        first_blank = named[0] + between.index("")
        fail_run(r, _("{n} blank line(s) between the lines printed: the statement prints them one after "
                      "the other.").format(n=blanks),
                 context=context, expected="\n".join(want) if want else None, diff_actual=diff,
                 brief_actual=brief_run(r, first_blank - 4),
                 hint=_("A line read from a file (or from a pipe) still ends with '\\n', and print() "
                        "adds one more: remove it before printing (line.rstrip('\\n'), strip()), or "
                        "print(line, end=''). A '\\n' at the end of the text given to print() does "
                        "the same."))


def brief_setting(context: Optional[str], file_text: str, expected: Sequence[Player],
                  r: RunResult) -> Optional[str]:
    """The setting with a long generated file cut to the lines that matter:
    the players expected and those the program printed. None when the
    setting shows no such file."""
    listing = file_text.rstrip("\n")
    lines = listing.split("\n")
    if not context or len(lines) <= BRIEF_FILE_LINES or listing not in context:
        return None
    everyone = parse_foot(file_text)
    printed = {p.line for p in (named_player(ln, everyone) for ln in output_lines(r.stdout)) if p}
    kept = [ln for ln in lines if ln in printed or ln in {p.line for p in expected}]
    marker = _("[... {n} other lines of the file, of other players: --details shows them]").format(
        n=len(lines) - len(kept))
    return context.replace(listing, "\n".join(kept + [marker]), 1)


def list_cause(sandbox: Sandbox, r: RunResult, file_text: str, nation: str) -> Optional[Cause]:
    """Why a program's list of the players of `nation` is wrong in a way that
    every player check of the script meets, told once: it spells lines out
    one character per line, prints every player of the file, or prints no
    player line (the blank-line check then fails with the same cause). None
    otherwise."""
    everyone = parse_foot(file_text)
    expected = [p for p in everyone if p.nation == nation]
    script = sandbox.script_name(r.script)
    raw = r.stdout.split("\n")
    spelled = spelled_out(raw, everyone)
    if spelled:
        first, last, text = spelled
        return Cause(f"characters:{r.script}",
                     _("{script} prints each character on a line of its own. Lines {first} to "
                       "{last} of its output spell `{text}`.").format(
                         script=script, first=first + 1, last=last + 1,
                         text=text if len(text) <= 70 else text[:67] + "..."),
                     _("That is print(c) in a loop over the characters of a line instead of "
                       "print(line), or a list extended with a string (lst += line adds the "
                       "line's characters one by one: use lst.append(line)), then printed item "
                       "by item."))
    named = [p for p in (named_player(ln, everyone) for ln in raw) if p]
    if named == everyone and any(p.nation != nation for p in everyone):
        return Cause(f"every_line:{r.script}",
                     _("{script} prints every player of {file}, whatever their nation.").format(
                         script=script, file=FOOT_FILE),
                     _every_line_of_consumer(sandbox, nation, everyone) if r.script == CONSUMER else
                     _("Print a line only when its nation (field {n}) equals the argument: the "
                       "print() goes inside the if, indented under it.").format(
                         n=active_lab().data.index("key") + 1))
    if not expected or named:
        return None
    lines = output_lines(r.stdout)
    if lines:
        example = expected[0].line if r.script == PRODUCER else expected[0].expected_line(sandbox.today.year)
        return Cause(f"no_player_line:{r.script}",
                     _("{script} printed {n} line(s), none of which starts with the name of a player "
                       "of {file}; the first is `{first}`.").format(
                         script=script, n=len(lines), file=FOOT_FILE, first=lines[0].strip()),
                     _("Print one line per player of the nation, starting with the player's name, "
                       "as in `{example}`.").format(example=example))
    if r.stderr.strip():
        message = r.stderr.strip().split("\n")[-1]
        return Cause(f"stderr:{r.script}:{message}",
                     _("Nothing was printed on stdout, and this on stderr: {message}").format(
                         message=message),
                     stderr_hint(r, r.args))
    if r.script == CONSUMER:
        return _consumer_silence(sandbox, nation, expected)
    return _probe_selection(sandbox, r.script, nation, expected, everyone)


def _probe_selection(sandbox: Sandbox, script: str, nation: str, expected: Sequence[Player],
                     everyone: Sequence[Player]) -> Cause:
    """Why a script that reads the file printed nothing for a nation that
    has players: it is run again with, in place of the nation, the nation
    followed by '\\n' (a comparison with the last field that keeps the
    end of line), then the value of each other field of a player's line (a
    comparison with the wrong field): what makes it print names the cause."""
    data = active_lab().data
    key = data.index("key")
    sample = expected[0]
    values = sample.line.split(data.separator)
    name = sandbox.script_name(script)
    fields = _("field {n} ({field})")

    def named_by(arg: str) -> list[Player]:
        """The players it prints when given `arg`."""
        out = sandbox.run(script, [arg], timeout=PROBE_TIMEOUT)
        return [p for p in (named_player(ln, everyone) for ln in output_lines(out.stdout)) if p]

    tried = []
    if key == len(values) - 1:
        tried.append(_("`{nation}` followed by a newline character").format(nation=nation))
        got = named_by(nation + "\n")
        if got and all(p.nation == nation for p in got):
            return Cause(f"end_of_line:{script}",
                         _("{script} compares the argument with the nation field while it still ends "
                           "with '\\n'. Given `{nation}` it printed nothing; given `{nation}` followed "
                           "by a newline character, it printed the players of {nation}.").format(script=name, nation=nation),
                         _("A line read from a file ends with '\\n', so its last field is 'fr\\n', "
                           "not 'fr': remove the end of line before splitting the line "
                           "(line.rstrip('\\n'), or strip())."))
    for i, value in enumerate(values):
        if i == key or not value.strip():
            continue
        tried.append(f"`{value}`")
        got = named_by(value)
        if got and all(any(q.line.split(data.separator)[i] == value for q in everyone if q.name == p.name)
                       for p in got):
            return Cause(f"compares_field:{script}:{i + 1}",
                         _("{script} compares the argument with {wrong} instead of {right}.").format(
                             script=name, wrong=fields.format(n=i + 1, field=data.fields[i]),
                             right=fields.format(n=key + 1, field=data.fields[key]))
                         + " " + _("Given the nation `{nation}` it printed nothing, but given "
                                   "`{value}` ({command}), the {field} of {player}, it printed the "
                                   "players whose {field} is {value}.").format(
                             nation=nation, value=value, field=data.fields[i], player=sample.name,
                             command=shlex.join(["./" + name, value])),
                         _("Take the nation from field {n} of each line ({layout}) and compare it with "
                           "sys.argv[1], for example: {names} = line.rstrip('\\n').split('{sep}')").format(
                             n=key + 1, layout=data.separator.join(data.fields),
                             names=", ".join(data.fields), sep=data.separator))
    return Cause(f"selects_nothing:{script}",
                 _("{script} printed nothing, although {file} has {n} player(s) of nation "
                   "'{nation}'. It printed no player either when given, in place of the nation, {tried} "
                   "(the other fields of {player}'s line).").format(
                     script=name, file=FOOT_FILE, n=len(expected), nation=nation,
                     tried=", ".join(tried), player=sample.name),
                 _("It selects no line at all: check that it reads {file} line by line, splits "
                   "each line on '{sep}' and compares field {n} (the nation) with sys.argv[1].").format(
                     file=FOOT_FILE, sep=data.separator, n=key + 1))


def _producer_alone(sandbox: Sandbox, nation: str) -> tuple[str, Optional[list[str]]]:
    """The command that runs the producer in the sandbox (the student's or
    the grader's) alone, and the lines it prints (None: it cannot run)."""
    try:
        sent = output_lines(sandbox.run(PRODUCER, [nation], timeout=PROBE_TIMEOUT).stdout)
        producer = sandbox.script_name(PRODUCER)
    except (MissingScript, UnreadableScript):
        sent, producer = None, PRODUCER
    return shlex.join(["./" + producer, nation]), sent


def _every_line_of_consumer(sandbox: Sandbox, nation: str, everyone: Sequence[Player]) -> str:
    """Why the consumer printed every player: what the producer sends it."""
    command, sent = _producer_alone(sandbox, nation)
    if sent == [p.line for p in everyone]:
        return _("`{command}`, run alone, prints every line of the file too: the producer's checks "
                 "say why.").format(command=command)
    return _("The consumer must print what the producer sends, and only that: `{command}`, run "
             "alone, does not print every line of the file, so the consumer prints players it was "
             "not sent (does it read {file} itself?).").format(command=command, file=FOOT_FILE)


def _consumer_silence(sandbox: Sandbox, nation: str, expected: Sequence[Player]) -> Cause:
    """Why the consumer printed nothing: what the producer in the sandbox
    (the student's or the grader's) prints when run alone."""
    consumer = sandbox.script_name(CONSUMER)
    command, sent = _producer_alone(sandbox, nation)
    if sent == [p.line for p in expected]:
        return Cause(f"nothing_printed:{CONSUMER}:producer_right",
                     _("{consumer} printed nothing, although `{command}`, run alone, prints the {n} "
                       "line(s) of nation '{nation}'.").format(
                         consumer=consumer, command=command, n=len(expected), nation=nation),
                     _("Read what the producer writes: start it with stdout=subprocess.PIPE, then "
                       "for each line of its output (for line in proc.stdout) print the name, the "
                       "club and the age on the consumer's own stdout."))
    if not sent:
        return Cause(f"nothing_printed:{CONSUMER}:producer_silent",
                     _("{consumer} printed nothing, and `{command}`, run alone, prints nothing "
                       "either: the consumer had no line to print.").format(
                         consumer=consumer, command=command),
                     _("The producer's checks say why it prints nothing: fix it first."))
    return Cause(f"nothing_printed:{CONSUMER}:producer_wrong",
                 _("{consumer} printed nothing; `{command}`, run alone, prints {n} line(s) that are "
                   "not the file's lines of nation '{nation}' (the first: `{first}`).").format(
                     consumer=consumer, command=command, n=len(sent), nation=nation, first=sent[0]),
                 _("The producer's checks say what is wrong with its lines: fix it first."))


def with_foot_file(sandbox: Sandbox, text: str, today: datetime) -> None:
    sandbox.write(FOOT_FILE, text)
    sandbox.today = today


def for_each_foot_case(body: Callable[[FootCase], None], generated: int = GENERATED_FILES) -> None:
    """Run `body(case)` on the explicit foot_2020.txt cases, then on
    `generated` generated ones (hypothesis, deterministic: fewer are the first
    of the same draw); the first failure fails the check."""
    purpose = f"{body.__module__}.{body.__qualname__}"
    prop = settings(PROPERTY_SETTINGS, max_examples=generated)(given(case=foot_cases())(body))
    for i, case in enumerate(EXPLICIT_CASES):
        # the trap stays, its day follows the grading seed
        prop = example(case=replace(case, today=draws.today(case.today, f"{purpose}:{i}")))(prop)
    if draws.hypothesis_seed(purpose) is not None:  # else derandomized: the public draw
        prop = seed(draws.hypothesis_seed(purpose))(prop)
    prop()
