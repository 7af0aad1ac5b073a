#!/usr/bin/env bash
# ansible-test sanity needs the collection at .../ansible_collections/anchorage/registry and only
# the collection's files: copy those (tracked and new, not ignored) there, less the lab and
# benchmark tooling that galaxy.yml keeps out of the release.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# Outside the checkout: inside it, ansible-test would ask the checkout's git for the file list.
dest="${TMPDIR:-/tmp}/anchorage-sanity/ansible_collections/anchorage/registry"
rm -rf "$dest"
mkdir -p "$dest"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  case "$f" in lab/*|benchmarks/*|.ci/*) continue ;; esac
  [[ -e "$f" ]] && printf '%s\0' "$f"
done | xargs -0 cp --parents -t "$dest")
# ansible-test's venvs bootstrap pip with a script from a host these machines cannot reach; give
# it our stand-in and a pip wheel from PyPI under the cache names it looks for.
pip_version="$(python - <<'PY'
import re, inspect
from ansible_test._internal import python_requirements as pr
print(re.search(r"pip='([0-9.]+)'", inspect.getsource(pr)).group(1))
PY
)"
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
if [[ ! -s "$cache/get_pip_${pip_version//./_}.py" ]]; then
  python -m pip download --quiet --no-deps --only-binary=:all: -d "$cache" "pip==$pip_version"
  cp "$root/lab/ansible-test-pip-bootstrap.py" "$cache/get_pip_${pip_version//./_}.py"
fi
cd "$dest"
# --venv installs each test's pinned requirements (from PyPI) instead of pulling a container.
ansible-test sanity --venv --python "${ANSIBLE_TEST_PYTHON:-3.11}" --color no "$@"
