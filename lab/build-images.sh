#!/usr/bin/env bash
# Build the lab images without pulling from any registry.
#
#   anchorage-lab/host:bookworm     Debian 12 with systemd as PID 1, python3 and a Docker
#                                   engine: what molecule and `make demo` run roles against.
#   anchorage-lab/registry:2.8.2    CNCF Distribution from Debian's docker-registry package,
#                                   laid out like upstream registry:2 (port 5000,
#                                   /etc/docker/registry/config.yml, /var/lib/registry).
#   .lab/artifacts/registry-2.8.2.tar   `docker save` of the registry image: the offline
#                                   archive the registry role installs from.
#
# Where `docker pull` works, debian:bookworm is used as the base instead of debootstrap.
# Images that already exist are kept: the script is cheap to run again.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
state="${ANCHORAGE_LAB_STATE:-$here/../.lab}"
mkdir -p "$state/artifacts" "$state/cache"
state="$(cd "$state" && pwd)"

HOST_IMAGE="${ANCHORAGE_LAB_HOST_IMAGE:-anchorage-lab/host:bookworm}"
REGISTRY_IMAGE="${ANCHORAGE_LAB_REGISTRY_IMAGE:-anchorage-lab/registry:2.8.2}"
REGISTRY_ARCHIVE="$state/artifacts/registry-2.8.2.tar"

# debootstrap gets the minimal set (a long --include list trips over its package ordering);
# the rest is installed with apt inside the image build.
BASE_PACKAGES=python3,systemd,systemd-sysv,iproute2,procps,ca-certificates,curl
# What every lab host carries: what systemd, ansible, a registry node and a client need.
HOST_PACKAGES="python3-apt python3-requests dbus iputils-ping docker.io skopeo apache2-utils"

log() { printf '[lab] %s\n' "$*" >&2; }

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# The machine's own Debian mirror, read from its apt sources (never written into the repo).
debian_mirror() {
  local uri
  uri="$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
          | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)"
  if [[ -z "$uri" ]]; then
    uri="$(grep -hsE '^deb ' /etc/apt/sources.list 2>/dev/null \
            | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)"
  fi
  [[ -n "$uri" ]] || { log "no Debian mirror found in the apt config"; exit 1; }
  printf '%s\n' "$uri"
}

build_host_image() {
  if image_exists "$HOST_IMAGE"; then
    log "$HOST_IMAGE already built"
    return
  fi
  local ctx="$state/cache/host-ctx"
  rm -rf "$ctx"
  mkdir -p "$ctx"
  if timeout 60 docker pull -q debian:bookworm >/dev/null 2>&1; then
    log "building $HOST_IMAGE from debian:bookworm"
    printf 'FROM debian:bookworm\n' >"$ctx/Dockerfile"
  else
    command -v debootstrap >/dev/null || { log "debootstrap is missing (apt-get install debootstrap)"; exit 1; }
    local rootfs="$state/cache/host-rootfs"
    rm -rf "$rootfs"
    log "debootstrap of bookworm into $rootfs (about a minute)"
    debootstrap --variant=minbase --include="$BASE_PACKAGES" bookworm "$rootfs" "$(debian_mirror)" \
      >"$state/cache/debootstrap.log" 2>&1 || { tail -n 30 "$state/cache/debootstrap.log" >&2; exit 1; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb
    tar -C "$rootfs" -c . | docker import - anchorage-lab/host-rootfs:bookworm >/dev/null
    rm -rf "$rootfs"
    printf 'FROM anchorage-lab/host-rootfs:bookworm\n' >"$ctx/Dockerfile"
  fi
  cat >>"$ctx/Dockerfile" <<EOF
# Package lists stay in the image, as on any installed host: check mode needs them.
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      $(tr ',' ' ' <<<"$BASE_PACKAGES") $HOST_PACKAGES && apt-get clean
EOF
  cat >>"$ctx/Dockerfile" <<'EOF'
# Units that cannot work in a container, or that would race the test harness.
RUN systemctl mask getty.target systemd-logind.service systemd-udevd.service \
      systemd-firstboot.service systemd-remount-fs.service console-getty.service \
    && systemctl enable docker.service \
    && rm -f /etc/machine-id /var/lib/dbus/machine-id && : >/etc/machine-id
STOPSIGNAL SIGRTMIN+3
CMD ["/lib/systemd/systemd"]
EOF
  docker build -q -t "$HOST_IMAGE" "$ctx" >/dev/null
  log "built $HOST_IMAGE"
}

build_registry_image() {
  if ! image_exists "$REGISTRY_IMAGE"; then
    local ctx="$state/cache/registry-ctx"
    rm -rf "$ctx"
    mkdir -p "$ctx"
    if timeout 60 docker pull -q registry:2 >/dev/null 2>&1; then
      log "using upstream registry:2 as $REGISTRY_IMAGE"
      docker tag registry:2 "$REGISTRY_IMAGE"
    else
      log "building $REGISTRY_IMAGE from Debian's docker-registry package"
      # The binary comes from Debian's package; libc and CA certificates from the host image,
      # so the result is a small image with nothing but what the registry needs.
      (cd "$ctx" && apt-get download docker-registry >/dev/null 2>&1) \
        || { apt-get update -qq && (cd "$ctx" && apt-get download docker-registry >/dev/null); }
      dpkg-deb -x "$ctx"/docker-registry_*.deb "$ctx/pkg"
      local cid
      cid="$(docker create "$HOST_IMAGE")"
      mkdir -p "$ctx/root/bin" "$ctx/root/etc/docker/registry" "$ctx/root/var/lib/registry" "$ctx/root/tmp"
      for f in /lib/x86_64-linux-gnu/libc.so.6 /lib64/ld-linux-x86-64.so.2 /etc/ssl/certs/ca-certificates.crt; do
        mkdir -p "$ctx/root$(dirname "$f")"
        docker cp -L "$cid:$f" "$ctx/root$f"
      done
      docker rm "$cid" >/dev/null
      cp "$ctx/pkg/usr/bin/docker-registry" "$ctx/root/bin/registry"
      printf 'hosts: files dns\n' >"$ctx/root/etc/nsswitch.conf"
      # Upstream registry:2's default config.
      cat >"$ctx/root/etc/docker/registry/config.yml" <<'EOF'
version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
EOF
      cat >"$ctx/Dockerfile" <<'EOF'
FROM scratch
COPY root/ /
VOLUME ["/var/lib/registry"]
EXPOSE 5000
ENTRYPOINT ["/bin/registry"]
CMD ["serve", "/etc/docker/registry/config.yml"]
EOF
      docker build -q -t "$REGISTRY_IMAGE" "$ctx" >/dev/null
    fi
    log "built $REGISTRY_IMAGE"
  else
    log "$REGISTRY_IMAGE already built"
  fi
  if [[ ! -s "$REGISTRY_ARCHIVE" ]]; then
    docker save -o "$REGISTRY_ARCHIVE.tmp" "$REGISTRY_IMAGE"
    mv "$REGISTRY_ARCHIVE.tmp" "$REGISTRY_ARCHIVE"
    log "saved $REGISTRY_ARCHIVE"
  fi
}

build_host_image
build_registry_image
# The lab stand-in of Harbor's offline installer (built from the images above).
bash "$here/build-harbor-standin.sh"
