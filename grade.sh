#!/usr/bin/env bash
# Grade a submission folder:  ./grade.sh DIR [--json FILE] [--lang en]
# Works from any directory; the first run installs the grader in .venv/.
set -eu
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/scripts/bootstrap.sh"
exec "$TPGRADER_PY" -m grader "$@"
