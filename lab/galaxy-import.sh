#!/usr/bin/env bash
# Galaxy's own import checks on the release tarball, as Galaxy and Automation Hub run them:
# metadata, role READMEs, docs through ansible-doc, changelog, and ansible-lint with the
# collection's dependencies present. Any warning or error fails the run.
#   lab/galaxy-import.sh IMPORTER_VENV   (made by `make galaxy-import` from requirements/galaxy-importer.txt)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${1:?usage: $0 IMPORTER_VENV}"
work="$root/.build/galaxy-import"
rm -rf "$work"
mkdir -p "$work/out" "$work/home"
ansible-galaxy collection build --force --output-path "$work/out" "$root" >/dev/null
tarball="$(ls "$work/out"/anchorage-registry-*.tar.gz)"
# Only the tarball and the importer's venv: no PYTHONPATH or collections path leading back to the
# checkout, and an empty Ansible home instead of ~/.ansible (which could hold an older copy).
env -u PYTHONPATH -u ANSIBLE_COLLECTIONS_PATH -u VIRTUAL_ENV \
  PATH="$venv/bin:$PATH" \
  ANSIBLE_HOME="$work/home" \
  GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP="$work/home/tmp" \
  GALAXY_IMPORTER_CONFIG="$root/lab/galaxy-importer.cfg" \
  "$venv/bin/python" -m galaxy_importer.main "$tarball" | tee "$work/import.log"
if grep -E '^(WARNING|ERROR)' "$work/import.log" >/dev/null; then
  echo "galaxy-import: $(grep -cE '^(WARNING|ERROR)' "$work/import.log") warnings or errors (above)" >&2
  exit 1
fi
