#!/usr/bin/env bash
# The local lab: a registry host and a client host (systemd containers with their own Docker
# engine) on one network. `up` deploys the registry with the collection, pushes and pulls an
# image through it with skopeo from the client, and reports; running it again changes nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state="$root/.lab/demo"
network=anchorage-demo
hosts=(demo-registry demo-client)
image="${ANCHORAGE_LAB_HOST_IMAGE:-anchorage-lab/host:bookworm}"
archive="$root/.lab/artifacts/registry-2.8.2.tar"

log() { printf '\n== %s\n' "$*"; }

start_host() {
  local name="$1"
  if [[ "$(docker inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" == "true" ]]; then
    return
  fi
  docker rm -f "$name" >/dev/null 2>&1 || true
  # systemd as PID 1 without --privileged (it fails on these machines): the capabilities
  # systemd and dockerd need, one by one.
  docker run -d --name "$name" --hostname "$name" --network "$network" \
    --cap-add SYS_ADMIN --cap-add NET_ADMIN --cap-add NET_RAW \
    --security-opt seccomp=unconfined --cgroupns=host \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock --tmpfs /tmp \
    --label io.anchorage.lab=demo "$image" >/dev/null
}

wait_for_systemd() {
  local name="$1" i
  for i in $(seq 1 60); do
    case "$(docker exec "$name" systemctl is-system-running 2>/dev/null || true)" in
      running|degraded) return ;;
    esac
    sleep 1
  done
  echo "$name: systemd did not come up" >&2
  exit 1
}

up() {
  mkdir -p "$state"
  docker network inspect "$network" >/dev/null 2>&1 || docker network create --label io.anchorage.lab=demo "$network" >/dev/null
  for h in "${hosts[@]}"; do start_host "$h"; done
  for h in "${hosts[@]}"; do wait_for_systemd "$h"; done

  # The demo admin password is made once and kept, like any secret the collection keeps.
  [[ -s "$state/admin-password" ]] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$state/admin-password")
  password="$(cat "$state/admin-password")"
  cat >"$state/inventory.yml" <<INV
all:
  vars:
    ansible_connection: community.docker.docker
    ansible_python_interpreter: /usr/bin/python3
    # Lab hosts are entered as root through docker exec: no sudo there, none needed (the
    # collection's playbooks use become unless anchorage_become is false).
    anchorage_become: false
  children:
    registry:
      hosts:
        demo-registry:
      vars:
        registry_image: anchorage-lab/registry:2.8.2
        registry_image_archive: $archive
        registry_htpasswd_users:
          - {name: admin, password: "{{ lookup('ansible.builtin.file', '$state/admin-password') }}"}
INV

  log "Deploying the registry with ansible-playbook anchorage.registry.registry"
  { ansible-playbook -i "$state/inventory.yml" anchorage.registry.registry; echo $? >"$state/last-run.rc"; } \
    | tee "$state/last-run.log" | grep -E '^(changed|fatal|failed)|^demo-' || true
  [[ "$(cat "$state/last-run.rc")" == 0 ]] || { echo "the playbook failed: see $state/last-run.log" >&2; exit 1; }
  changed="$(awk '/PLAY RECAP/{f=1;next} f && /changed=/{sub(/.*changed=/,""); sub(/ .*/,""); s+=$0} END{print s+0}' "$state/last-run.log")"

  log "Pushing and pulling an image from demo-client with skopeo"
  docker cp "$archive" demo-client:/root/sample-image.tar
  docker exec demo-client skopeo copy -q --dest-tls-verify=false --dest-creds "admin:$password" \
    docker-archive:/root/sample-image.tar docker://demo-registry:5000/demo/registry:2.8.2
  docker exec demo-client rm -rf /root/pulled
  docker exec demo-client skopeo copy -q --src-tls-verify=false --src-creds "admin:$password" \
    docker://demo-registry:5000/demo/registry:2.8.2 dir:/root/pulled
  pushed="$(docker exec demo-client skopeo inspect --tls-verify=false --creds "admin:$password" \
    --format '{{.Digest}}' docker://demo-registry:5000/demo/registry:2.8.2)"
  pulled="sha256:$(docker exec demo-client sha256sum /root/pulled/manifest.json | cut -d' ' -f1)"
  [[ "$pushed" == "$pulled" ]] || { echo "pulled digest $pulled differs from pushed $pushed" >&2; exit 1; }
  echo "pushed and pulled back demo/registry:2.8.2 ($pushed)"

  ip="$(docker inspect -f "{{(index .NetworkSettings.Networks \"$network\").IPAddress}}" demo-registry)"
  log "The registry"
  echo "url:          http://$ip:5000 (from the lab network: http://demo-registry:5000)"
  echo "user:         admin (password in $state/admin-password)"
  echo "repositories: $(docker exec demo-client curl -s -u "admin:$password" http://demo-registry:5000/v2/_catalog)"
  for repo in $(docker exec demo-client curl -s -u "admin:$password" http://demo-registry:5000/v2/_catalog \
                | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["repositories"]))'); do
    echo "  $repo: $(docker exec demo-client curl -s -u "admin:$password" "http://demo-registry:5000/v2/$repo/tags/list")"
  done
  if [[ "$changed" == 0 ]]; then
    echo "result:       nothing changed (the lab was already in this state)"
  else
    echo "result:       $changed change(s) made; run 'make demo' again and it changes nothing"
  fi
}

down() {
  for h in "${hosts[@]}"; do docker rm -f "$h" >/dev/null 2>&1 || true; done
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$state"
  echo "demo lab removed"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
