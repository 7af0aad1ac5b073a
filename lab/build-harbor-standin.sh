#!/usr/bin/env bash
# Build the lab stand-in of Harbor's offline installer, without pulling from any registry:
#
#   .lab/artifacts/harbor-offline-installer-v2.16.0.tgz   laid out like the real archive:
#     harbor/prepare, install.sh, harbor.yml.tmpl, LICENSE, harbor.v2.16.0.tar.gz (`docker save`
#     of the component images below). Scripts from lab/harbor-standin/.
#
#   anchorage-lab/harbor-registry:v2.16.0  the lab's CNCF Distribution image (anchorage-lab/registry:2.8.2)
#   anchorage-lab/harbor-db:v2.16.0        Debian's PostgreSQL 15 (db.sh)
#   anchorage-lab/harbor-redis:v2.16.0     Debian's redis-server 7.0
#   anchorage-lab/harbor-nginx:v2.16.0     Debian's nginx 1.22 (nginx-light)
#   anchorage-lab/harbor-core:v2.16.0      stand-in: only /api/v2.0/health (core.py)
#   anchorage-lab/harbor-prepare:v2.16.0   stand-in of goharbor/prepare (prepare.py)
#
# The four Debian-based images are one flattened layer (the lab's debootstrap rootfs with the
# packages), so the archive holds it once. Rebuilt only when lab/harbor-standin/ or this script
# changed (a checksum in the archive's stamp file); needs lab/build-images.sh's images.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
state="${ANCHORAGE_LAB_STATE:-$here/../.lab}"
mkdir -p "$state/artifacts" "$state/cache"
state="$(cd "$state" && pwd)"

VERSION=v2.16.0
ROOTFS_IMAGE=anchorage-lab/host-rootfs:bookworm
REGISTRY_IMAGE="${ANCHORAGE_LAB_REGISTRY_IMAGE:-anchorage-lab/registry:2.8.2}"
BASE_IMAGE="anchorage-lab/harbor-standin-base:$VERSION"
ARCHIVE="$state/artifacts/harbor-offline-installer-$VERSION.tgz"
STAMP="$ARCHIVE.sha256"

log() { printf '[lab] %s\n' "$*" >&2; }

inputs_sum="$(find "$0" "$here/harbor-standin" -maxdepth 1 -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -d' ' -f1)"
if [[ -s "$ARCHIVE" && "$(cat "$STAMP" 2>/dev/null)" == "$inputs_sum" ]]; then
  log "$ARCHIVE already built"
  exit 0
fi
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
docker build -q -t "$BASE_IMAGE-layered" "$ctx" >/dev/null
cid="$(docker create "$BASE_IMAGE-layered" true)"
docker export "$cid" | docker import - "$BASE_IMAGE" >/dev/null
docker rm "$cid" >/dev/null
docker rmi "$BASE_IMAGE-layered" >/dev/null

build() {  # build NAME DOCKERFILE-LINES...: an image that is BASE_IMAGE plus settings only
  printf '%s\n' "FROM $BASE_IMAGE" "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "${@:2}" \
    | docker build -q -t "anchorage-lab/harbor-$1:$VERSION" - >/dev/null
}
build db 'ENTRYPOINT ["/usr/local/bin/db.sh"]'
build redis 'ENTRYPOINT ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/var/lib/redis", "--appendonly", "yes"]'
build nginx 'ENTRYPOINT ["nginx", "-g", "daemon off;"]'
build core 'ENTRYPOINT ["python3", "-u", "/usr/local/bin/core.py"]'
build prepare 'ENTRYPOINT ["python3", "/usr/local/bin/prepare.py"]'
docker tag "$REGISTRY_IMAGE" "anchorage-lab/harbor-registry:$VERSION"

tree="$state/cache/harbor-standin-tree"
rm -rf "$tree"
mkdir -p "$tree/harbor"
cp "$here"/harbor-standin/{prepare,install.sh,harbor.yml.tmpl} "$tree/harbor/"
cp "$here/../LICENSE" "$tree/harbor/LICENSE"
log "saving the images into harbor.$VERSION.tar.gz"
docker save "anchorage-lab/harbor-"{registry,db,redis,nginx,core,prepare}":$VERSION" \
  | gzip -1 >"$tree/harbor/harbor.$VERSION.tar.gz"
tar -C "$tree" -czf "$ARCHIVE.tmp" harbor
mv "$ARCHIVE.tmp" "$ARCHIVE"
printf '%s\n' "$inputs_sum" >"$STAMP"
rm -rf "$tree" "$ctx"
log "built $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1))"
