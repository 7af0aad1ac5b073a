#!/usr/bin/env bash
# ansible-test sanity needs the collection at .../ansible_collections/anchorage/registry and only
# the files a release would hold: copy exactly those (tracked and new, not ignored) there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.build/sanity/ansible_collections/anchorage/registry"
rm -rf "$dest"
mkdir -p "$dest"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [[ -e "$f" ]] && printf '%s\0' "$f"
done | xargs -0 cp --parents -t "$dest")
cd "$dest"
# --venv installs each test's pinned requirements (from PyPI) instead of pulling a container.
ansible-test sanity --venv --python "${ANSIBLE_TEST_PYTHON:-3.11}" --color no "$@"
