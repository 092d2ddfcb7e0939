#!/usr/bin/env bash
# The grader's own test suite:  ./run-tests.sh [pytest options]
set -eu
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/scripts/bootstrap.sh"
cd "$here"
# the tests' own tools (pyproject.toml's "test" extra), once per virtual environment
if ! "$TPGRADER_PY" -c "import check_jsonschema, xdist" 2>/dev/null; then
    _tp_install test >"$(dirname "$TPGRADER_PY")/../install-test.log" 2>&1 \
        || echo "run-tests: the test extra could not be installed (see install-test.log); its tests are skipped"
fi
"$TPGRADER_PY" -m grader.harness.namespaces || true  # one line: what sandboxes get on this machine
# a checkout the user cannot write to: no .pytest_cache in it
[ -w "$here" ] || set -- -p no:cacheprovider "$@"
# the tests side by side (pytest-xdist): one worker per core and one more, as
# they spend much of their time waiting on the programs they run; a test that
# judges the whole machine runs alone (tests/conftest.py). `-n 0` (or
# TPGRADER_TEST_WORKERS=0): one after another.
if "$TPGRADER_PY" -c "import xdist" 2>/dev/null; then
    set -- -n "${TPGRADER_TEST_WORKERS:-$(( $(nproc) + 1 ))}" --dist loadgroup "$@"
fi
exec "$TPGRADER_PY" -m pytest "$@"
