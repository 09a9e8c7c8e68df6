#!/usr/bin/env bash
# Run the test suite on every supported CPython (3.9 to 3.13) found on this machine.
#
#   ci/test-pythons.sh [PYTEST ARGS...]
#
# Each interpreter gets its own virtualenv with `.[test]` installed in editable mode
# (kept between runs under $CTXLINT_PYTHONS_VENVS, default ~/.cache/ctxlint/pythons;
# reinstalled when pyproject.toml or the checkout changes). Without arguments pytest runs, in
# parallel, the tests whose outcome depends on the interpreter: the gate (it reads the
# names each CPython compiles), every fixture through the rules, the robustness cases
# (recursion and nesting limits differ per version), and the runtime proofs of the
# traces, cancellation and lifecycle rules (asyncio and contextvars semantics change
# between versions). Everything else runs once, on the main interpreter, from .ci/run;
# this keeps CI within its time budget.
# CTXLINT_PYTHONS chooses the versions (default: all five).
# An absent interpreter is skipped with a notice; any failure makes the exit status 1.

set -u

repo="$(cd "$(dirname "$0")/.." && pwd)"
venvs="${CTXLINT_PYTHONS_VENVS:-${XDG_CACHE_HOME:-$HOME/.cache}/ctxlint/pythons}"
versions="${CTXLINT_PYTHONS:-3.9 3.10 3.11 3.12 3.13}"
if [ "$#" -eq 0 ]; then
    set -- -m "not slow and not fuzz" \
        tests/test_gate.py tests/test_fixtures.py tests/test_robustness.py \
        tests/test_traces.py tests/test_cancellation.py tests/test_lifecycle.py
fi

# The interpreter for version $1 (e.g. 3.12), if one is installed and runs.
find_python() {
    local candidate
    for candidate in \
        "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$1".*/bin/python"$1" \
        /usr/local/bin/python"$1" \
        /usr/bin/python"$1"; do
        if [ -x "$candidate" ] && "$candidate" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$1'.split('.'))))" 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

failed=()
tested=()
for version in $versions; do
    if ! python="$(find_python "$version")"; then
        echo "ci/test-pythons: Python $version not found on this machine: skipped"
        continue
    fi
    venv="$venvs/py$version"
    stamp="$venv/.ctxlint-pyproject.sha256"
    # an editable install points at one checkout: another clone must reinstall
    wanted="$( (cat "$repo/pyproject.toml"; echo "$repo") | sha256sum | cut -d' ' -f1)"
    if [ ! -x "$venv/bin/python" ]; then
        "$python" -m venv "$venv" || { failed+=("$version (virtualenv)"); continue; }
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        echo "ci/test-pythons: Python $version: installing .[test] into $venv"
        if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$repo[test]"; then
            failed+=("$version (install)")
            continue
        fi
        echo "$wanted" > "$stamp"
    fi
    echo "ci/test-pythons: Python $version ($python): pytest $*"
    started=$SECONDS
    if (cd "$repo" && HYPOTHESIS_STORAGE_DIRECTORY="$venv/.hypothesis" \
            "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"); then
        tested+=("$version ($((SECONDS - started))s)")
    else
        failed+=("$version")
    fi
done

echo "ci/test-pythons: passed on: ${tested[*]:-none}"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "ci/test-pythons: FAILED on: ${failed[*]}"
    exit 1
fi
