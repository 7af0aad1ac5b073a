#!/usr/bin/env bash
# The collection's docs as the docsite sees them: the guides' RST pages are current, antsibull-docs
# finds nothing wrong in the plugin and extra docs, and the docsite builds with no warning of ours.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
site="$root/.build/docsite"

python "$root/lab/docsite.py" --check
# antsibull-docs finds the collection by its ansible_collections/<namespace>/<name> path.
(cd "$root/.build/collections/ansible_collections/anchorage/registry" &&
  antsibull-docs lint-collection-docs --plugin-docs .)

rm -rf "$site"
mkdir -p "$site"
antsibull-docs sphinx-init --use-current --fail-on-error --dest-dir "$site" anchorage.registry >/dev/null
# No docs site can be reached from these machines: no intersphinx inventories, so references into
# ansible-core's and other collections' docs stay unresolved, and only those may warn.
echo 'intersphinx_mapping = {}' >>"$site/conf.py"
sed -i 's/ -W --keep-going$/ -w warnings.log/' "$site/build.sh"
grep -q -- '-w warnings.log' "$site/build.sh"
"$site/build.sh" >"$site/build.log" 2>&1 || { cat "$site/build.log"; exit 1; }
ours="$(grep -v -E "undefined label: '(common_return_values|ansible_configuration_settings|ansible_collections\.(ansible\.builtin|community\.[a-z_]+|kubernetes\.core)\.[^']+)'" "$site/warnings.log" || true)"
if [[ -n "$ours" ]]; then
  echo "docsite: warnings of ours:"
  echo "$ours"
  exit 1
fi
echo "docs-lint: guides current, antsibull-docs lint clean, docsite built ($(grep -c . "$site/warnings.log" || true) warnings, all references to docs outside the collection)"
