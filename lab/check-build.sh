#!/usr/bin/env bash
# `ansible-galaxy collection build` must give a tarball that installs and whose plugins load.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build/release"
rm -rf "$out"
mkdir -p "$out/collections"
ansible-galaxy collection build --force --output-path "$out" "$root" >/dev/null
tarball="$(ls "$out"/anchorage-registry-*.tar.gz)"
ansible-galaxy collection install --force --offline --no-deps -p "$out/collections" "$tarball" >/dev/null
installed="$out/collections/ansible_collections/anchorage/registry"
for gone in lab benchmarks .ci Makefile; do
  [[ ! -e "$installed/$gone" ]] || { echo "build: $gone must not ship in the tarball"; exit 1; }
done
export ANSIBLE_COLLECTIONS_PATH="$out/collections"
modules="$(ls "$installed/plugins/modules" | sed -n 's/\.py$//p')"
for m in $modules; do
  ansible-doc -t module "anchorage.registry.$m" >/dev/null
done
for r in $(ls "$installed/roles"); do
  ansible-doc -t role "anchorage.registry.$r" >/dev/null
done
# A module from the installed tarball runs for real (on localhost, writing to a temp dir).
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
ansible localhost -i localhost, -c local -e "ansible_python_interpreter=$(command -v python)" -m anchorage.registry.registry_config \
  -a "path=$tmp/config.yml storage={'inmemory':{}}" >/dev/null
grep -q inmemory "$tmp/config.yml"
echo "build: $(basename "$tarball") installs; $(wc -w <<<"$modules") modules and $(ls "$installed/roles" | wc -l) roles load; registry_config runs"
