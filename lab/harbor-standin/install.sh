#!/bin/bash
# Lab stand-in for Harbor's install.sh, in the same order as the real one: load the images,
# prepare, `docker compose down -v`, `up -d`. The role anchorage.registry.harbor never runs it.
set -euo pipefail
cd "$(dirname "$0")"
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
VERSION=v2.16.0  # the builder writes each version's
[ -f harbor.$VERSION.tar.gz ] && docker load -i harbor.$VERSION.tar.gz
./prepare "$@"
"${compose[@]}" down -v
"${compose[@]}" up -d
