#!/usr/bin/env bash
# The supported ansible-core minors (meta/runtime.yml: requires_ansible ">=2.17.0", up to the newest
# on PyPI), each in a venv of its own under .build/matrix on a controller Python it supports (pyenv's
# CPythons). `make unit` and `make sanity` already run 2.19 on Python 3.11 (requirements/controller.txt).
# Unit tests on every other minor. ansible-test sanity installs its own pinned tools per version and
# takes minutes: in full on the newest minor only; on the oldest, validate-modules (the docs and
# argument specs as that core reads them) and, on the modules' oldest target Python (3.8, README),
# compile and import. A failing version does not stop the others; the run fails at the end.
#   bash lab/version-matrix.sh [CORE...]   e.g. bash lab/version-matrix.sh 2.21.5
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
# The checkout as the collection, as make sets it up (make venv); Distribution panics on AWS_CA_BUNDLE.
export ANSIBLE_COLLECTIONS_PATH="$root/.build/collections" PYTHONPATH="$root/.build/collections"
unset AWS_CA_BUNDLE

# core     ansible (kubernetes.core for the unit tests)  controller Python  sanity
matrix="
2.17.14   10.7.0    3.11  oldest
2.18.19   11.13.0   3.12  none
2.20.10   13.8.0    3.12  none
2.21.5    14.5.0    3.13  full
"
# The modules' oldest target Python, checked with the oldest core (2.20 dropped Python 3.8 targets).
target_python=3.8

# The controller's libraries and the unit tests' at the versions requirements/ pins, less the
# ansible and ansible-core pins (and extras, which a constraints file cannot hold).
mkdir -p "$root/.build/matrix"
pins() { grep -h -E '^[A-Za-z0-9_.-]+==' "$@" | grep -v -E '^(ansible|ansible-core)=='; }
constraints="$root/.build/matrix/constraints.txt"
controller="$root/.build/matrix/controller.txt"
pins "$root/requirements/controller.txt" "$root/requirements/test.txt" >"$constraints"
pins "$root/requirements/controller.txt" >"$controller"

python_bin() {
  local found
  found="$(ls -d "$pyenv_root/versions/$1".* 2>/dev/null | sort -V | tail -n 1)"
  [[ -x "$found/bin/python" ]] || { echo "matrix: no CPython $1 in $pyenv_root/versions (pyenv versions)" >&2; return 1; }
  echo "$found/bin/python"
}

only=" $* "
summary=()
failed=0
while read -r core ansible py sanity; do
  [[ -n "$core" ]] || continue
  [[ "$only" == "  " || "$only" == *" $core "* ]] || continue
  venv="$root/.build/matrix/core-$core"
  # Rebuilt when a pin changes.
  wanted="$(cat "$constraints" "$controller" "$root/requirements/unit.txt" | sha256sum | cut -d' ' -f1) $ansible"
  if [[ "$(cat "$venv/.stamp" 2>/dev/null)" != "$wanted" ]]; then
    rm -rf "$venv"
    "$(python_bin "$py")" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet -c "$constraints" -r "$controller" -r "$root/requirements/unit.txt" \
      "ansible-core==$core" "ansible==$ansible"
    echo "$wanted" >"$venv/.stamp"
  fi
  start=$(date +%s)
  echo "=== ansible-core $core on Python $py: unit tests"
  status=passed
  (cd "$root" && PATH="$venv/bin:$PATH" "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/unit) || status=FAILED
  result="units $status in $(( $(date +%s) - start )) s"
  [[ "$status" == passed ]] || failed=1
  sanity_run() {
    # Outside the checkout (lab/run-sanity.sh says why).
    PATH="$venv/bin:$PATH" TMPDIR="${TMPDIR:-/tmp}/anchorage-matrix-$core" bash "$root/lab/run-sanity.sh" "$@" || status=FAILED
  }
  start=$(date +%s)
  status=passed
  case "$sanity" in
    full)
      echo "=== ansible-core $core on Python $py: sanity"
      ANSIBLE_TEST_PYTHON="$py" sanity_run ;;
    oldest)
      echo "=== ansible-core $core on Python $py: validate-modules; compile and import on Python $target_python"
      ANSIBLE_TEST_PYTHON="$py" sanity_run --test validate-modules
      PATH="$(dirname "$(python_bin "$target_python")"):$PATH" ANSIBLE_TEST_PYTHON="$target_python" \
        sanity_run --test compile --test import ;;
  esac
  [[ "$sanity" == none ]] || result="$result, sanity $status in $(( $(date +%s) - start )) s"
  [[ "$status" == passed ]] || failed=1
  summary+=("ansible-core $core on Python $py: $result")
done <<<"$matrix"
printf 'matrix: %s\n' "${summary[@]}"
exit "$failed"
