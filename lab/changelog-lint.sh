#!/usr/bin/env bash
# The changelog fragments lint clean and release: `antsibull-changelog release` runs for real on a
# copy of the collection (it rewrites changelog.yaml, writes CHANGELOG.rst and removes the
# fragments), so the checkout is never touched.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(sed -n 's/^version: *//p' "$root/galaxy.yml")"

(cd "$root" && antsibull-changelog lint)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# antsibull-changelog finds the new plugins with ansible-doc, which needs the collection at
# ansible_collections/<namespace>/<name>, and only that copy on the collection path.
copy="$tmp/ansible_collections/anchorage/registry"
mkdir -p "$copy"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  case "$f" in lab/*|benchmarks/*|molecule/*|.ci/*) continue ;; esac
  [[ -e "$f" ]] && printf '%s\0' "$f"
done | xargs -0 cp --parents -t "$copy")
(cd "$copy" && ANSIBLE_COLLECTIONS_PATH="$tmp" antsibull-changelog release --version "$version" --date "$(date -u +%F)")
changelog="$copy/CHANGELOG.rst"
for section in "Release Summary" "Minor Changes" "New Modules" "New Roles"; do
  grep -q "^$section$" "$changelog" || { echo "changelog: no '$section' section in the $version release"; cat "$changelog"; exit 1; }
done
left="$(find "$copy/changelogs/fragments" -name '*.yml' | wc -l)"
[[ "$left" -eq 0 ]] || { echo "changelog: $left fragments left after the release"; exit 1; }
echo "changelog-lint: fragments lint clean; $version releases with $(grep -c '^- ' "$changelog") entries ($(grep -c '' "$changelog") lines of CHANGELOG.rst)"
