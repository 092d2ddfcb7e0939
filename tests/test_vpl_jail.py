"""The Moodle VPL bundle graded by VPL's own execution server
(vpl-jail-system 5.0.1, tests/vpl_jail.py), driven as Moodle drives it, in
both of its modes: the files arrive as Moodle sends them (mode 0600, no run
bit, the jail's private /tmp and the archive's .b64 beside them), and the
memory limit is the one the README asks for: the activity's, and the
server's own, which is the one it enforces while an evaluation runs (see
vpl_jail.JailServer). Where the server cannot run (not root, no
overlayfs...), skipped with the reason; tests/test_vpl.py's stand-in still
runs there."""
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from grader.vpl import MEMORY_NEEDED_MIB
from variants import all_variants, build
from vpl_jail import JailServer, why_no_jail

pytestmark = pytest.mark.skipif(bool(why_no_jail()), reason=why_no_jail() or "")

# the files the activity asks for ("Requested files"): the lab's scripts
REQUESTED = sorted(p.name for p in (ROOT / "student_template").glob("*.py"))
GRADE_MAX = 100  # the client's activity: 0..100


@pytest.fixture(scope="module", params=["namespaces", "chroot"])
def jail(request, tmp_path_factory):
    with JailServer(tmp_path_factory.mktemp(f"vpl-jail-{request.param}"),
                    namespaces=request.param == "namespaces", max_memory_mib=MEMORY_NEEDED_MIB) as server:
        yield server


def evaluate(jail: JailServer, bundle: Path, hand_in: Path, max_memory_mib: int) -> dict:
    """An evaluation that ended as Moodle needs: the server said "retrieve:"
    (Moodle then fetches the grade and the comments), not "timeout" nor
    "outofmemory" (then Moodle shows only that word, and keeps no result)."""
    result = jail.evaluate(bundle, hand_in, REQUESTED, max_memory_mib)
    assert "retrieve:" in result["monitor_messages"], said(result)
    return result


def said(result: dict) -> str:
    """What to show when an assertion fails: the grade, the monitor's
    messages, and the comments (or the raw output, when there are none)."""
    return (f"grade {result['grade']}; monitor {result['monitor_messages']}\n"
            + (result["comments"] or result["execution"][-3000:] or result["compilation"][-3000:]))


def test_the_jail_gives_the_reference_the_maximum_the_template_0_and_a_defective_hand_in_between(
        jail, bundle, tmp_path):
    reference = evaluate(jail, bundle, ROOT / "reference", MEMORY_NEEDED_MIB)
    assert reference["grade"] == GRADE_MAX, said(reference)
    assert "Moodle ne peut pas transmettre le droit d'exécution" in reference["comments"], said(reference)
    # the comments say which sandbox the programs had: namespaces in the default mode only
    assert ("sans isolation" in reference["comments"]) == (not jail.namespaces), said(reference)

    template = evaluate(jail, bundle, ROOT / "student_template", MEMORY_NEEDED_MIB)
    assert template["grade"] == 0, said(template)

    variant = next(v for v in all_variants() if v.name == "jpn_wrong_usage_wording")
    defective = evaluate(jail, bundle, build(variant, tmp_path / variant.name), MEMORY_NEEDED_MIB)
    assert 0 < defective["grade"] < GRADE_MAX, said(defective)
    comments = defective["comments"]
    # the failed check is named, with what was expected
    assert "joueurs_par_nation" in comments and "Usage: joueurs_par_nation.py nation" in comments, said(defective)


def test_below_the_memory_it_needs_the_comments_say_which_setting_to_raise(jail, bundle):
    """Moodle's default limit (128 MB) is below what the grading takes: the
    server would stop it silently (its monitor says "outofmemory", then
    nothing: no grade, no comment). The grading does not start, and says so."""
    result = evaluate(jail, bundle, ROOT / "reference", 128)
    assert result["grade"] == 0, said(result)
    assert f"le correcteur a besoin de {MEMORY_NEEDED_MIB} Mio" in result["comments"], said(result)
    assert "Mémoire maximale utilisée" in result["comments"], said(result)


def test_a_program_that_takes_more_memory_than_the_jail_allows_stops_the_evaluation(jail, bundle, tmp_path):
    """What the README tells instructors a student then sees: the server
    says "outofmemory" (Moodle shows "Mémoire insuffisante: 512MiB" for a
    moment) and keeps no result: no grade, no comment. (The grading itself,
    in the test above, stayed below that limit.)"""
    hand_in = tmp_path / "hungry"
    shutil.copytree(ROOT / "reference", hand_in)
    script = hand_in / "joueurs_par_nation.py"
    script.write_text("#!/usr/bin/env python3\nimport time\nkept = b'x' * (700 * 2**20)\ntime.sleep(5)\n"
                      + script.read_text())
    result = jail.evaluate(bundle, hand_in, REQUESTED, MEMORY_NEEDED_MIB)
    assert f"message:outofmemory:{MEMORY_NEEDED_MIB}MiB" in result["monitor_messages"], said(result)
    assert "retrieve:" not in result["monitor_messages"], said(result)
