# Sourced by grade.sh and run-tests.sh: makes sure the project's virtual
# environment exists and is up to date, then sets TPGRADER_PY to its python.
# The venv is (re)built when pyproject.toml changes; a lock keeps two first
# runs started at once from building it together.
#
# Where: TPGRADER_VENV if set; else CHECKOUT/.venv when the user can write to
# the checkout; else (a checkout of another user's, or read-only) a venv of
# the user's own, one per checkout: ~/.cache/tp-grader/venv-<checksum of its path>.
# Nothing is ever written into the checkout by the install: the venv gets the
# dependencies and a .pth naming the checkout, not `pip install -e` (which
# writes tp_grader.egg-info into the checkout).
_tp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -n "${TPGRADER_VENV:-}" ]; then
    _tp_venv="$TPGRADER_VENV"
elif [ -w "$_tp_root" ]; then
    _tp_venv="$_tp_root/.venv"
else
    if [ -z "${XDG_CACHE_HOME:-}" ] && [ -z "${HOME:-}" ]; then
        echo "tp-grader: $_tp_root is not writable and HOME is not set: set TPGRADER_VENV to a folder of yours" >&2
        exit 1
    fi
    _tp_venv="${XDG_CACHE_HOME:-$HOME/.cache}/tp-grader/venv-$(printf '%s' "$_tp_root" | cksum | cut -d' ' -f1)"
fi
_tp_stamp="$_tp_venv/.tp-grader-stamp"
_tp_want="$(cksum < "$_tp_root/pyproject.toml")"

# _tp_install [EXTRA...]: pyproject.toml's dependencies (and those of the
# extras named) into the venv, and the checkout on its sys.path.
_tp_install() {
    local py="$_tp_venv/bin/python" req="$_tp_venv/requirements.txt" site
    if ! "$py" "$_tp_root/scripts/requirements.py" "$_tp_root/pyproject.toml" "$@" > "$req"; then
        # a Python < 3.11 whose pip is too old to carry tomli
        "$py" -m pip install --disable-pip-version-check -q tomli &&
            "$py" "$_tp_root/scripts/requirements.py" "$_tp_root/pyproject.toml" "$@" > "$req" || return 1
    fi
    "$py" -m pip install --disable-pip-version-check -q -r "$req" || return 1
    site="$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" || return 1
    printf '%s\n' "$_tp_root" > "$site/tp-grader-checkout.pth"
    # the command `pip install -e` used to make
    printf '#!%s\nimport sys\nfrom grader.command import main\nsys.exit(main())\n' "$py" > "$_tp_venv/bin/tp-grader"
    chmod +x "$_tp_venv/bin/tp-grader"
}

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
    if ! _tp_install >"$log" 2>&1; then
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
