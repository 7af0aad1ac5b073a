#!/usr/bin/env bash
# Build the lab stand-ins of Harbor's offline installer, one per version, without pulling from any
# registry (two versions, so that molecule/harbor upgrades one to the other):
#
#   .lab/artifacts/harbor-offline-installer-<version>.tgz   laid out like the real archive:
#     harbor/prepare, install.sh, harbor.yml.tmpl, LICENSE, harbor.<version>.tar.gz (`docker save`
#     of the component images below). Scripts from lab/harbor-standin/, with the version written in.
#
#   anchorage-lab/harbor-registry:<version>  the lab's CNCF Distribution image (anchorage-lab/registry:2.8.2)
#   anchorage-lab/harbor-db:<version>        Debian's PostgreSQL 15 (db.sh)
#   anchorage-lab/harbor-redis:<version>     Debian's redis-server 7.0
#   anchorage-lab/harbor-nginx:<version>     Debian's nginx 1.22 (nginx-light)
#   anchorage-lab/harbor-core:<version>      stand-in: health and the admin user (core.py)
#   anchorage-lab/harbor-prepare:<version>   stand-in of goharbor/prepare (prepare.py: prepare, migrate)
#
# ANCHORAGE_HARBOR_STANDIN_VERSIONS lists them as <version>:<harbor.yml _version> (the _version its
# template has and its migrate converts to). The four Debian-based images of every version are one
# flattened layer (the lab's debootstrap rootfs with the packages), built once for all versions;
# each version's images add settings and a version label only, so that their ids differ and an
# upgrade recreates every container. Each archive is rebuilt only when lab/harbor-standin/ or this
# script changed (a checksum in its stamp file); needs lab/build-images.sh's images.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
state="${ANCHORAGE_LAB_STATE:-$here/../.lab}"
mkdir -p "$state/artifacts" "$state/cache"
state="$(cd "$state" && pwd)"

read -r -a VERSIONS <<<"${ANCHORAGE_HARBOR_STANDIN_VERSIONS:-v2.14.0:2.14.0 v2.16.0:2.15.0}"
ROOTFS_IMAGE=anchorage-lab/host-rootfs:bookworm
REGISTRY_IMAGE="${ANCHORAGE_LAB_REGISTRY_IMAGE:-anchorage-lab/registry:2.8.2}"
BASE_IMAGE=anchorage-lab/harbor-standin-base

log() { printf '[lab] %s\n' "$*" >&2; }

inputs_sum="$(find "$0" "$here/harbor-standin" -maxdepth 1 -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -d' ' -f1)"
archive() { printf '%s\n' "$state/artifacts/harbor-offline-installer-$1.tgz"; }
todo=()
for entry in "${VERSIONS[@]}"; do
  a="$(archive "${entry%%:*}")"
  if [[ -s "$a" && "$(cat "$a.sha256" 2>/dev/null)" == "$inputs_sum" ]]; then
    log "$a already built"
  else
    todo+=("$entry")
  fi
done
[[ ${#todo[@]} -gt 0 ]] || exit 0
for image in "$ROOTFS_IMAGE" "$REGISTRY_IMAGE"; do
  docker image inspect "$image" >/dev/null 2>&1 || { log "$image is missing: run lab/build-images.sh"; exit 1; }
done

ctx="$state/cache/harbor-standin-ctx"
rm -rf "$ctx"
mkdir -p "$ctx"
cp "$here"/harbor-standin/{core.py,db.sh,prepare.py} "$ctx/"
# The JIT's LLVM (a third of the size) is not needed with jit=off; docs and package lists go too.
cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $ROOTFS_IMAGE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      postgresql-15 redis-server nginx-light python3-yaml \\
    && apt-get clean && rm -rf /var/lib/apt/lists/* /usr/share/doc /usr/share/man /usr/share/locale \\
      /usr/lib/x86_64-linux-gnu/libLLVM* /usr/lib/postgresql/15/lib/llvmjit* /usr/lib/postgresql/15/lib/bitcode \\
      /var/lib/postgresql/15 /etc/postgresql/15
COPY core.py db.sh prepare.py /usr/local/bin/
DOCKERFILE
log "building the Harbor stand-in images (Debian's postgresql-15, redis-server, nginx-light)"
# The flattened base of every version, tagged with the inputs' checksum: built once for them all.
base="$BASE_IMAGE:${inputs_sum:0:16}"
if ! docker image inspect "$base" >/dev/null 2>&1; then
  docker build -q -t "$base-layered" "$ctx" >/dev/null
  cid="$(docker create "$base-layered" true)"
  docker export "$cid" | docker import - "$base" >/dev/null
  docker rm "$cid" >/dev/null
  docker rmi "$base-layered" >/dev/null
fi

build() {  # build VERSION CONFIG-VERSION NAME FROM DOCKERFILE-LINES...: FROM plus settings and the version label
  printf '%s\n' "FROM $4" "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    "ENV HARBOR_CONFIG_VERSION=$2" "LABEL org.opencontainers.image.version=$1" "${@:5}" \
    | docker build -q -t "anchorage-lab/harbor-$3:$1" - >/dev/null
}
for entry in "${todo[@]}"; do
  version="${entry%%:*}" config_version="${entry#*:}"
  a="$(archive "$version")"
  build "$version" "$config_version" db "$base" 'ENTRYPOINT ["/usr/local/bin/db.sh"]'
  build "$version" "$config_version" redis "$base" \
    'ENTRYPOINT ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/var/lib/redis", "--appendonly", "yes"]'
  build "$version" "$config_version" nginx "$base" 'ENTRYPOINT ["nginx", "-g", "daemon off;"]'
  build "$version" "$config_version" core "$base" 'ENTRYPOINT ["python3", "-u", "/usr/local/bin/core.py"]'
  build "$version" "$config_version" prepare "$base" 'ENTRYPOINT ["python3", "/usr/local/bin/prepare.py"]'
  build "$version" "$config_version" registry "$REGISTRY_IMAGE"

  tree="$state/cache/harbor-standin-tree"
  rm -rf "$tree"
  mkdir -p "$tree/harbor"
  cp "$here"/harbor-standin/{prepare,install.sh,harbor.yml.tmpl} "$tree/harbor/"
  sed -i "s/^VERSION=v[0-9.]*/VERSION=$version/" "$tree/harbor/prepare" "$tree/harbor/install.sh"
  sed -i "s/^_version: .*/_version: $config_version/" "$tree/harbor/harbor.yml.tmpl"
  cp "$here/../LICENSE" "$tree/harbor/LICENSE"
  log "saving the images into harbor.$version.tar.gz"
  docker save "anchorage-lab/harbor-"{registry,db,redis,nginx,core,prepare}":$version" \
    | gzip -1 >"$tree/harbor/harbor.$version.tar.gz"
  tar -C "$tree" -czf "$a.tmp" harbor
  mv "$a.tmp" "$a"
  printf '%s\n' "$inputs_sum" >"$a.sha256"
  rm -rf "$tree"
  log "built $a ($(du -h "$a" | cut -f1))"
done
rm -rf "$ctx"
