#!/usr/bin/env bash
# Grade a submission folder:  ./grade.sh DIR [--json FILE] [--lang en]
# Works from any directory; the first run installs the grader in .venv/.
set -eu
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/scripts/bootstrap.sh"
# the grader's messages name the command as the user typed it
export TPGRADER_COMMAND="$0"
exec "$TPGRADER_PY" -m grader "$@"
