#!/usr/bin/env bash
# The grader's own test suite:  ./run-tests.sh [pytest options]
set -eu
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/scripts/bootstrap.sh"
cd "$here"
"$TPGRADER_PY" -m grader.isolation || true  # one line: what sandboxes get on this machine
exec "$TPGRADER_PY" -m pytest "$@"
