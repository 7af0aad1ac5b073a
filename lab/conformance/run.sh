#!/usr/bin/env bash
# The OCI Distribution Specification's conformance suite (opencontainers/distribution-spec, the
# version go.mod pins) against CNCF Distribution configured as the registry role configures it:
# config.yml and htpasswd written by registry_config and registry_htpasswd with the role's defaults
# (deploy.yml), served on loopback by Debian's Distribution 2.8.2, the program the lab's registry
# image runs, with htpasswd auth. Spec 1.1, the suite's default (CONFORMANCE_VERSIONS="1.1 1.0" adds
# 1.0; each takes about 5 minutes on two cores, most of it Distribution checking the bcrypt hash on
# every request). Each part's result must be the one expected.yml records (docs/conformance.md
# explains them), so a part that starts failing, or starts passing, fails the run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/.build/conformance"
mkdir -p "$out"
export GOPATH="$root/.build/go" GOMODCACHE="$root/.build/go/pkg/mod" GOFLAGS=-modcacherw

binary="$out/conformance"
if [[ ! -x "$binary" || "$here/go.mod" -nt "$binary" || "$here/go.sum" -nt "$binary" ]]; then
  start=$(date +%s)
  (cd "$here" && go build -o "$binary" github.com/opencontainers/distribution-spec/conformance)
  echo "conformance: built the suite in $(( $(date +%s) - start )) s"
fi

run="$(mktemp -d)"
registry_pid=""
cleanup() {
  if [[ -n "$registry_pid" ]]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  rm -rf "$run"
}
trap cleanup EXIT
port="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
password="$(python -c 'import secrets; print(secrets.token_urlsafe(18))')"
ansible-playbook "$here/deploy.yml" -e "conformance_dir=$run" -e "conformance_port=$port" \
  -e "conformance_password=$password" >"$out/deploy.log"
# Distribution panics at start when AWS_CA_BUNDLE is set (these machines set it).
env -u AWS_CA_BUNDLE /usr/bin/docker-registry serve "$run/config.yml" >"$out/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 100); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" || true)"
  [[ "$code" == 401 ]] && break
  kill -0 "$registry_pid" 2>/dev/null || { cat "$out/registry.log"; exit 1; }
  sleep 0.1
done
[[ "$code" == 401 ]] || { echo "conformance: the registry on 127.0.0.1:$port answers /v2/ with $code, not 401"; exit 1; }

for version in ${CONFORMANCE_VERSIONS:-1.1}; do
  results="$out/results-$version"
  rm -rf "$results"
  # The suite exits non-zero whenever a part fails; expected.yml decides.
  env OCI_VERSION="$version" OCI_REGISTRY="127.0.0.1:$port" OCI_TLS=disabled OCI_USERNAME=conformance \
    OCI_PASSWORD="$password" OCI_REPO1="conformance-$version/repo1" OCI_REPO2="conformance-$version/repo2" \
    OCI_RESULTS_DIR="$results" OCI_LOG=error "$binary" >"$out/summary-$version.txt" 2>&1 || true
  [[ -s "$results/results.yaml" ]] || { cat "$out/summary-$version.txt"; exit 1; }
done
python "$here/compare.py" "$here/expected.yml" $(printf "$out/results-%s/results.yaml " ${CONFORMANCE_VERSIONS:-1.1})
