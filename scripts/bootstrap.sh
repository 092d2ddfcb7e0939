# Sourced by grade.sh and run-tests.sh: makes sure the project's virtual
# environment exists and is up to date, then sets TPGRADER_PY to its python.
# The venv is (re)built when pyproject.toml changes; a lock keeps two first
# runs started at once from building it together.
_tp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_tp_venv="${TPGRADER_VENV:-$_tp_root/.venv}"
_tp_stamp="$_tp_venv/.tp-grader-stamp"
_tp_want="$(cksum < "$_tp_root/pyproject.toml")"

_tp_build_venv() {
    local base_python="${TPGRADER_BASE_PYTHON:-$(command -v python3 || true)}"
    if [ -z "$base_python" ]; then
        echo "tp-grader: python3 (3.9 or newer) is needed and was not found on PATH" >&2
        return 1
    fi
    echo "tp-grader: first run, installing into $_tp_venv (this takes a minute)..." >&2
    rm -rf "$_tp_venv"
    "$base_python" -m venv "$_tp_venv" || {
        echo "tp-grader: could not create a virtual environment (on Debian/Ubuntu: apt-get install python3-venv)" >&2
        return 1
    }
    local log="$_tp_venv/install.log"
    if ! "$_tp_venv/bin/python" -m pip install --disable-pip-version-check -q -e "$_tp_root" >"$log" 2>&1; then
        echo "tp-grader: installing the dependencies failed; see $log" >&2
        tail -n 5 "$log" >&2
        return 1
    fi
    printf '%s\n' "$_tp_want" > "$_tp_stamp"
}

if [ "$(cat "$_tp_stamp" 2>/dev/null)" != "$_tp_want" ]; then
    mkdir -p "$(dirname "$_tp_venv")"
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$_tp_venv.lock"
        flock 9
    fi
    # Someone else may have built it while we waited for the lock.
    if [ "$(cat "$_tp_stamp" 2>/dev/null)" != "$_tp_want" ]; then
        _tp_build_venv || exit 1
    fi
    if command -v flock >/dev/null 2>&1; then
        flock -u 9
        exec 9>&-
    fi
fi
TPGRADER_PY="$_tp_venv/bin/python"
