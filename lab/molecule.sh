#!/usr/bin/env bash
# Every molecule scenario given (make molecule [SCENARIO=name]), one after the other. A failing
# scenario does not stop the others; each one's output is kept in .build/molecule/<name>.log, and
# the run ends with one line per scenario (result, seconds) and, for each that failed, its failed
# tests and tasks: the last thing a CI log shows.
#   bash lab/molecule.sh SCENARIO...
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
logs="$root/.build/molecule"
mkdir -p "$logs"
cd "$root"

results=()
failed=()
for scenario in "$@"; do
  echo "=== molecule scenario $scenario"
  start=$(date +%s)
  molecule test -s "$scenario" 2>&1 | tee "$logs/$scenario.log"
  status=${PIPESTATUS[0]}
  seconds=$(( $(date +%s) - start ))
  if [[ $status -eq 0 ]]; then
    results+=("$(printf '%-12s passed  %5d s' "$scenario" "$seconds")")
  else
    results+=("$(printf '%-12s FAILED  %5d s' "$scenario" "$seconds")")
    failed+=("$scenario")
  fi
done

echo
echo "=== molecule summary"
printf '%s\n' "${results[@]}"
for scenario in "${failed[@]}"; do
  echo
  echo "=== what failed in $scenario (all of it: $logs/$scenario.log)"
  python3 "$root/lab/molecule_failures.py" "$logs/$scenario.log"
done
[[ ${#failed[@]} -eq 0 ]]
