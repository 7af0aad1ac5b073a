#!/bin/bash
# Lab stand-in for Harbor's install.sh, in the same order as the real one: load the images,
# prepare, `docker compose down -v`, `up -d`. The role anchorage.registry.harbor never runs it.
set -euo pipefail
cd "$(dirname "$0")"
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
[ -f harbor.v2.16.0.tar.gz ] && docker load -i harbor.v2.16.0.tar.gz
./prepare "$@"
"${compose[@]}" down -v
"${compose[@]}" up -d
