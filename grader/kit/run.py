"""A run that carries its own evidence, as check50's run object does: start
a program in the sandbox, then say what it must do. The first expectation it
does not meet fails the check with the command as the student would type
it, the setting, what was expected, what came out and the check's hint, all
filled in by the run:

    r = Run(sandbox, "wc.py", ["poeme.txt"], setting="poeme.txt holds ...",
            expected="4 14 66 poeme.txt")
    r.ends().no_traceback(HINT).succeeds(HINT)
    if numbers(r.stdout) != [4, 14, 66]:
        r.fail("The counts are not the file's.", hint=HINT)

Each expectation returns the run, so that they chain. The hints are the
check's: only it knows what the statement asks."""
from __future__ import annotations

from typing import Optional, Sequence

from grader.harness import RunResult, Sandbox
from grader.harness.sandbox import DEFAULT_TIMEOUT
from grader.i18n import _
from grader.kit.causes import fail_if_cause
from grader.kit.evidence import fail_if_stuck, fail_if_traceback, fail_run


class Run:
    def __init__(self, sandbox: Sandbox, script: str, args: Sequence[str] = (), *,
                 stdin: Optional[str] = None, setting: Optional[str] = None,
                 expected: Optional[str] = None, timeout: float = DEFAULT_TIMEOUT):
        """Run `script ARGS` to its end (or its time limit). `setting`: what
        the check made different from a plain run (a file removed...);
        `expected`: what the statement wants to see, shown with any failure."""
        self.result: RunResult = sandbox.run(script, args, stdin=stdin, timeout=timeout)
        self.setting = setting
        self.expected = expected

    @property
    def stdout(self) -> str:
        return self.result.stdout

    @property
    def stderr(self) -> str:
        return self.result.stderr

    @property
    def status(self) -> Optional[int]:
        return self.result.status

    def fail(self, summary: str, **fields) -> None:
        """Fail the check with this run's evidence; `fields` as for
        evidence.fail_run (hint, expected, cause...), which they override."""
        fields.setdefault("context", self.setting)
        fields.setdefault("expected", self.expected)
        fail_run(self.result, summary, **fields)

    def ends(self) -> "Run":
        """It ended by itself in time, and its output shows no reason that
        explains more than this check (it waited for the keyboard, it is not
        written yet...: causes.cause_of_run)."""
        fail_if_stuck(self.result, context=self.setting)
        fail_if_cause(self.result, self.setting, self.expected)
        return self

    def no_traceback(self, hint: str) -> "Run":
        """Python did not stop on an error. `hint`: what to do about an error
        the grader cannot explain better."""
        fail_if_traceback(self.result, hint, context=self.setting)
        return self

    def succeeds(self, hint: str) -> "Run":
        if self.status != 0:
            self.fail(_("The program ended with exit status {status}, which means an error; here it "
                        "should succeed (status 0).").format(status=self.status), hint=hint)
        return self

    def fails(self, hint: str) -> "Run":
        """It reports an error by its exit status (not 0)."""
        if self.status == 0:
            self.fail(_("The program ended with exit status 0, which means success; here it should "
                        "report an error with another status."), hint=hint)
        return self

    def nothing_on_stdout(self, hint: str) -> "Run":
        if self.stdout.strip():
            self.fail(_("The program wrote on the standard output (stdout); here nothing belongs "
                        "there: an error message goes to the error output (stderr)."), hint=hint)
        return self

    def message_on_stderr(self, hint: str, naming: Optional[str] = None) -> "Run":
        """A message on stderr, that holds `naming` when it is given."""
        if not self.stderr.strip():
            self.fail(_("The program wrote nothing on the error output (stderr)."), hint=hint)
        if naming is not None and naming not in self.stderr:
            self.fail(_("The message on stderr does not name {name}.").format(name=naming), hint=hint)
        return self
