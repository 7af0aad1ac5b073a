#!/usr/bin/env bash
# The local lab (examples/lab/inventory.yml): an HA Distribution pair on S3 (moto) behind a VIP,
# an upstream standing in for Docker Hub and a pull-through cache of it, a Docker node and a
# containerd node. `up` runs `ansible-playbook anchorage.registry.site` on it, whose last play
# checks everything end to end and prints the summary; then says how many tasks changed and how
# many services restarted. Run it again: 0 and 0.
#   lab/demo.sh up | down | hosts | services
# `hosts` only starts the lab (and S3); `services` prints one line per service and container with
# its start (benchmarks/site_rerun compares two of them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state="$root/.lab/demo"
inventory="$root/examples/lab/inventory.yml"
network=anchorage-demo
subnet=172.28.41.0/24
gateway=172.28.41.1
hosts=(demo-upstream demo-reg1 demo-reg2 demo-cache demo-docker demo-containerd)
image="${ANCHORAGE_LAB_HOST_IMAGE:-anchorage-lab/host:bookworm}"
moto_wheels="$root/.lab/cache/moto-wheels"
moto_venv="$root/.lab/moto-venv"

log() { printf '\n== %s\n' "$*"; }

start_host() {
  local name="$1"
  if [[ "$(docker inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" == "true" ]]; then
    return
  fi
  docker rm -f "$name" >/dev/null 2>&1 || true
  # systemd as PID 1 without --privileged (it fails on these machines): the capabilities
  # systemd, dockerd and keepalived need, one by one.
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

# S3 for the HA pair: moto in a venv of its own on this machine, listening on the lab network's
# gateway only. Its wheels are downloaded once (PyPI), then installed offline.
start_s3() {
  if curl -sf --max-time 2 -o /dev/null "http://$gateway:9000/"; then
    return
  fi
  if ! "$moto_venv/bin/python" -c "import moto.server" 2>/dev/null; then
    "$root/.venv/bin/python" -m pip download --quiet --dest "$moto_wheels" "moto[s3]==5.2.5" "flask<4" "flask-cors<7"
    python3 -m venv "$moto_venv"
    "$moto_venv/bin/pip" install --quiet --no-index --find-links "$moto_wheels" "moto[s3]==5.2.5" "flask<4" "flask-cors<7"
  fi
  # The server outlives this script (its PID is kept for `down`), so it must not inherit any
  # descriptor beyond stdio: under `flock LOCK make demo` it would hold the lab lock for ever.
  (
    for fd in /proc/self/fd/*; do
      n="${fd##*/}"
      if ((n > 2)); then eval "exec $n>&-"; fi
    done 2>/dev/null
    exec setsid env -u AWS_CA_BUNDLE "$moto_venv/bin/python" -m moto.server -H "$gateway" -p 9000
  ) >"$state/moto.log" 2>&1 </dev/null &
  echo $! >"$state/moto.pid"
  local i
  for i in $(seq 1 30); do
    if curl -sf --max-time 2 -o /dev/null "http://$gateway:9000/"; then
      curl -sf -X PUT -o /dev/null "http://$gateway:9000/registry"
      return
    fi
    sleep 1
  done
  echo "moto did not answer on $gateway:9000: see $state/moto.log" >&2
  exit 1
}

lab_hosts() {
  mkdir -p "$state"
  docker network inspect "$network" >/dev/null 2>&1 \
    || docker network create --label io.anchorage.lab=demo --subnet "$subnet" --gateway "$gateway" \
         --ip-range 172.28.41.128/25 "$network" >/dev/null
  for h in "${hosts[@]}"; do start_host "$h"; done
  for h in "${hosts[@]}"; do wait_for_systemd "$h"; done
  # The containerd node: containerd alone, as on a Kubernetes node (the image has Docker too).
  docker exec demo-containerd systemctl mask --now docker.socket docker.service >/dev/null 2>&1
  start_s3
}

# One line per service and container of every host, with what changes when it restarts.
services() {
  local h
  for h in "${hosts[@]}"; do
    docker exec "$h" sh -c '
      for unit in docker containerd keepalived; do
        echo "$unit $(systemctl show --property=MainPID,NRestarts --value "$unit" | paste -sd " ")"
      done
      docker ps -q 2>/dev/null | xargs -r docker inspect -f "{{.Name}} {{.State.StartedAt}}"' | sed "s/^/$h /"
  done
}

up() {
  lab_hosts
  services >"$state/services-before"
  log "Deploying everything with ansible-playbook anchorage.registry.site"
  { ansible-playbook -i "$inventory" anchorage.registry.site; echo $? >"$state/last-run.rc"; } \
    | tee "$state/last-run.log" | grep -E '^(fatal|failed):' || true
  # The verification's table, as the playbook printed it (a JSON list of lines).
  sed -n '/^TASK \[Summary\]/,/^$/p' "$state/last-run.log" | sed -n 's/^ *"\(.*\)",\{0,1\}$/\1/p' | grep -v '^msg":' || true
  if [[ "$(cat "$state/last-run.rc")" != 0 ]]; then
    echo "the playbook failed: see $state/last-run.log" >&2
    exit 1
  fi
  services >"$state/services-after"
  changed="$(awk '/PLAY RECAP/{f=1;next} f && /changed=/{sub(/.*changed=/,""); sub(/ .*/,""); s+=$0} END{print s+0}' "$state/last-run.log")"
  restarted="$(diff "$state/services-before" "$state/services-after" | grep -c '^>' || true)"
  log "The lab"
  echo "VIP:      http://172.28.41.100:5000 (user admin, password in $state/admin-password)"
  echo "cache:    http://demo-cache:5000 (docker.io on both nodes is mirrored through it)"
  if [[ "$changed" == 0 && "$restarted" == 0 ]]; then
    echo "result:   0 changed, 0 restarts: nothing changed (the lab was already in this state)"
  else
    echo "result:   $changed change(s), $restarted service(s) or container(s) started; run 'make demo' again: 0 and 0"
  fi
}

down() {
  for h in "${hosts[@]}"; do docker rm -f "$h" >/dev/null 2>&1 || true; done
  docker network rm "$network" >/dev/null 2>&1 || true
  if [[ -s "$state/moto.pid" ]]; then
    kill "$(cat "$state/moto.pid")" 2>/dev/null || true
  fi
  rm -rf "$state"
  echo "demo lab removed"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  hosts) lab_hosts ;;
  services) services ;;
  *) echo "usage: $0 up|down|hosts|services" >&2; exit 2 ;;
esac
