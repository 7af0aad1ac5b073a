#!/usr/bin/env bash
# Install and start what the lab needs on a Debian 12 machine: a Docker engine, debootstrap to
# build images without pulling, and the registry clients the tests and benchmarks use.
# Does nothing that is already done; only installs when run as root.
set -euo pipefail

log() { printf '[lab] %s\n' "$*" >&2; }

PACKAGES=(docker.io debootstrap skopeo docker-registry apache2-utils keepalived haproxy openssl)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    log "missing packages: ${missing[*]} (run as root, or install them)"
    exit 1
  fi
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The lab only needs these binaries; their own services must not hold ports or VIPs here.
  for unit in docker-registry keepalived; do
    if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
      systemctl disable --now "$unit" >/dev/null 2>&1 || true
    fi
  done
fi

if ! docker info >/dev/null 2>&1; then
  if [[ $(id -u) -ne 0 ]]; then
    log "no Docker engine answers and this is not root: start dockerd first"
    exit 1
  fi
  if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
    systemctl start docker
  else
    # No systemd on the VM: run the engine in the background (it ends with the session).
    log "starting dockerd"
    nohup dockerd >/var/log/anchorage-dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { log "dockerd did not come up: see /var/log/anchorage-dockerd.log"; exit 1; }
fi
log "Docker engine $(docker version -f '{{.Server.Version}}') is up"
