#!/usr/bin/env bash
# The execution environment's build context (execution-environment.yml, ansible-builder v3): the
# release tarball `make build` made (lab/check-build.sh) where the definition expects it,
# `ansible-builder create`, and the Python libraries and system packages the build's
# introspection will find in the installed collection.
# The image is not built: its base image cannot be pulled on these machines.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build/ee"
rm -rf "$out"
mkdir -p "$out/collections"
cp "$(ls "$root"/.build/release/anchorage-registry-*.tar.gz)" "$out/anchorage-registry.tar.gz"
ansible-builder create --file "$root/execution-environment.yml" --context "$out/context" \
  --output-filename Containerfile >/dev/null
[[ -s "$out/context/_build/collections/anchorage-registry.tar.gz" ]] || { echo "ee: the tarball is not in the context"; exit 1; }
grep -q 'ansible-galaxy collection install' "$out/context/Containerfile"

# What the build stage's introspection collects from the installed collection.
ANSIBLE_COLLECTIONS_PATH="$out/collections" ansible-galaxy collection install --force --offline --no-deps \
  -p "$out/collections" "$out/anchorage-registry.tar.gz" >/dev/null
ansible-builder introspect --sanitize --write-pip "$out/requirements.txt" --write-bindep "$out/bindep.txt" \
  "$out/collections" >/dev/null
# It leaves out what ansible-core itself requires (PyYAML), which the image has anyway.
core_requires=" $(python -c 'import importlib.metadata as m, re; print(" ".join(re.split("[ ;<>=!~]", r)[0].lower() for r in m.requires("ansible-core")))') "
while read -r requirement; do
  name="${requirement%%[<>=]*}"
  [[ "$core_requires" == *" ${name,,} "* ]] && continue
  grep -q -i "^$name\b" "$out/requirements.txt" || { echo "ee: introspection misses $requirement"; cat "$out/requirements.txt"; exit 1; }
done < <(grep -v -E '^\s*(#|$)' "$root/meta/ee-requirements.txt")
echo "ee: build context in ${out#"$root"/}/context; the image gets $(grep -c . "$out/requirements.txt") Python requirements and $(grep -c . "$out/bindep.txt") bindep lines from the collection"
