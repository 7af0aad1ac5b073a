#!/usr/bin/env python3
"""How fast the registry VIP moves: the keepalived role's defaults against conventional timers.

    make venv lab-images && .venv/bin/python benchmarks/failover/run.py [--trials 5] [--soak SECONDS] [--keep]

Builds its own lab (containers ha-bench-reg1, ha-bench-reg2, ha-bench-client on a network of its
own, 172.28.39.0/24), deploys the anchorage.registry.registry_ha playbook on a shared directory,
then for each configuration and each failure runs several trials:

  node loss       `docker kill` of the host holding the VIP (no goodbye, like a power cut)
  process death   `docker stop` of the registry container on that host (the host stays up)

A trial measures, with a client polling the VIP every 20 ms, the time from the failure to the
first answer through the VIP from the other node, two ways: from the command that causes the
failure (which on a loaded machine includes starting `docker` clients, twice for a process death:
`docker exec` then the node's own `docker stop`), and from the last answer the old node gave,
which is what a client sees. The goals apply to the second; both are printed. Meanwhile a second client pulls an image through the VIP
without pause (manifest and blobs, one request at a time, a retry 0.5 s after a failure): each
trial prints how many of its requests failed. Configurations:

  defaults        the role as shipped: VRRPv3, advert_int 0.2 s, the registry container's death
                  from Docker's events, an HTTP check every 1 s with fall 2 for hangs
  conventional    VRRPv2 with advert_int 1 s and only an HTTP check every 5 s, fall 3 (common
                  role defaults)

Prints min / median / max per configuration and failure, the ratio conventional/defaults, and
whether the defaults meet the goals (median node loss <= 1.0 s, process death <= 1.5 s); exits 1
when they do not.

--soak SECONDS first runs, with the defaults, SECONDS of two clients pulling through the VIP
without pause while the CPUs of both nodes are kept busy (per node --burners busy loops, each
ending by itself). It counts VIP moves (keepalived entering MASTER, from its journal) and failed
requests, prints both last and exits 1 unless both are 0 (--trials 0: the soak alone). Sends
traffic only to its own containers.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from lab import Cluster, ansible_playbook, run  # noqa: E402

NETWORK = "anchorage-ha-bench"
SUBNET = "172.28.39.0/24"
VIP = "172.28.39.100"
NODES = {"ha-bench-reg1": "172.28.39.11", "ha-bench-reg2": "172.28.39.12"}
CLIENT = ("ha-bench-client", "172.28.39.30")
HOST_IMAGE = "anchorage-lab/host:bookworm"
REGISTRY_IMAGE = "anchorage-lab/registry:2.8.2"
ARCHIVE = os.path.join(ROOT, ".lab", "artifacts", "registry-2.8.2.tar")
# SYS_NICE: keepalived's VRRP process raises its priority (keepalived_vrrp_priority), as root can on a host.
LAB_FLAGS = ["--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN", "--cap-add", "NET_RAW", "--cap-add", "SYS_NICE",
             "--security-opt", "seccomp=unconfined", "--cgroupns=host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
             "--tmpfs", "/run", "--tmpfs", "/run/lock", "--tmpfs", "/tmp"]
CONFIGS = [
    ("defaults", []),
    ("conventional", ["-e", "keepalived_vrrp_version=2", "-e", "keepalived_advert_int=1", "-e", "registry_ha_container_events=false",
                      "-e", "keepalived_check_interval=5", "-e", "keepalived_check_fall=3"]),
]
GOALS = {"node loss": 1.0, "process death": 1.5}
# The image the playbook pushed through the VIP: what the clients pull.
REPOSITORY = "anchorage/verify-ha"


def log(text):
    print("[bench] %s" % text, flush=True)


def inventory(directory):
    hosts = {name: {"registry_http_headers": {"X-Anchorage-Node": [name]}} for name in NODES}
    data = {"all": {
        # The lab hosts are entered as root and have no sudo.
        "vars": {"ansible_connection": "community.docker.docker", "ansible_python_interpreter": "/usr/bin/python3",
                 "anchorage_become": False},
        "children": {"registry_ha": {"hosts": hosts, "vars": {
            "registry_ha_vip": VIP + "/24",
            "registry_image": REGISTRY_IMAGE,
            "registry_image_archive": ARCHIVE,
            "registry_ha_shared_filesystem": True,
            "registry_data_dir": "/srv/registry-shared",
            "registry_storage": {"filesystem": {"rootdirectory": "/var/lib/registry"}},
        }}},
    }}
    path = os.path.join(directory, "inventory.json")
    with open(path, "w") as handle:
        json.dump(data, handle)
    return path


def ansible_env():
    env = dict(os.environ)
    env["ANSIBLE_COLLECTIONS_PATH"] = os.path.join(ROOT, ".build", "collections")
    env["PATH"] = os.path.join(ROOT, ".venv", "bin") + os.pathsep + env.get("PATH", "")
    return env


def create_lab(shared):
    if run(["docker", "network", "inspect", NETWORK], check=False).returncode != 0:
        run(["docker", "network", "create", "--subnet", SUBNET, NETWORK])
    for name, address in list(NODES.items()) + [CLIENT]:
        volume = ["-v", "%s:/srv/registry-shared:rw" % shared] if name in NODES else []
        run(["docker", "run", "-d", "--name", name, "--hostname", name, "--network", NETWORK, "--ip", address]
            + LAB_FLAGS + volume + [HOST_IMAGE])
    for name in list(NODES) + [CLIENT[0]]:
        run(["docker", "exec", name, "sh", "-c", "for i in $(seq 1 60); do systemctl is-system-running --wait "
             ">/dev/null 2>&1 && exit 0; sleep 1; done; systemctl is-system-running"], check=False, timeout=90)
    run(["docker", "cp", os.path.join(HERE, "probe.py"), CLIENT[0] + ":/root/probe.py"])


def destroy_lab():
    for name in list(NODES) + [CLIENT[0]]:
        run(["docker", "rm", "-f", name], check=False)
    run(["docker", "network", "rm", NETWORK], check=False)


def deploy(inventory_path, extra):
    started = time.monotonic()
    done = ansible_playbook(inventory_path, "anchorage.registry.registry_ha", *extra, timeout=1800, env=ansible_env())
    if done.returncode != 0:
        raise SystemExit("deploy failed:\n%s\n%s" % (done.stdout[-4000:], done.stderr[-2000:]))
    log("deployed in %.0f s" % (time.monotonic() - started))


def trial(cluster, failure):
    cluster.wait_healthy()
    master = cluster.master()
    if failure == "node loss":
        result = cluster.measure(lambda: cluster.kill_node(master))
        cluster.start_node(master)
    else:
        result = cluster.measure(lambda: cluster.stop_registry(master))
        cluster.start_registry(master)
    if result["new"] != cluster.other(master):
        raise AssertionError("after %s on %s the answers came from %s" % (failure, master, result["new"]))
    cluster.wait_healthy([master])
    return result["from_failure"], result["back"] - result["last_ok"], result["failed_requests"]


def soak(cluster, seconds, burners):
    """VIP moves and failed requests over ``seconds`` of pull load with busy CPUs."""
    cluster.wait_healthy()
    since = time.time()
    cluster.burn(seconds + 5, burners)
    pullers = [cluster.puller(seconds) for _ in range(2)]
    counts = [cluster.pulled(process, seconds + 60) for process in pullers]
    return {"seconds": seconds, "burners per node": burners, "vip_moves": cluster.vip_moves(since),
            "pulls": sum(item["pulls"] for item in counts), "requests": sum(item["requests"] for item in counts),
            "failed": sum(item["failed"] for item in counts), "failed_at": [item["failed_at"] for item in counts]}


def summary(times):
    return min(times), statistics.median(times), max(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=5, help="trials per configuration and failure (default 5)")
    parser.add_argument("--soak", type=int, metavar="SECONDS", help="first, with the defaults: count VIP moves and failed pulls under load")
    parser.add_argument("--burners", type=int, default=1, help="busy loops per node during --soak (default 1)")
    parser.add_argument("--keep", action="store_true", help="leave the lab running afterwards")
    parser.add_argument("--json", help="also write the measurements to this file")
    args = parser.parse_args()
    if not 0 <= args.trials <= 50 or not (args.trials or args.soak):
        parser.error("--trials must be 1-50 (0 only with --soak)")
    if args.soak is not None and not 10 <= args.soak <= 7200:
        parser.error("--soak must be 10-7200 seconds")
    if not 0 <= args.burners <= 4:
        parser.error("--burners must be 0-4")

    work = tempfile.mkdtemp(prefix="anchorage-failover-bench.")
    shared = os.path.join(work, "shared")
    os.mkdir(shared)
    destroy_lab()
    results = {}
    try:
        log("creating the lab")
        create_lab(shared)
        inventory_path = inventory(work)
        cluster = Cluster(NODES, CLIENT[0], VIP, repository=REPOSITORY)
        for name, extra in CONFIGS if args.trials else CONFIGS[:1]:
            log("deploying the %s configuration" % name)
            deploy(inventory_path, extra)
            if args.soak and name == "defaults":
                log("soak: %d s of pull load, %d busy loop(s) per node" % (args.soak, args.burners))
                results["soak"] = soak(cluster, args.soak, args.burners)
                log("soak: %(vip_moves)d VIP moves, %(failed)d failed of %(requests)d requests" % results["soak"])
            for failure in GOALS if args.trials else ():
                times, commands = [], []
                for number in range(1, args.trials + 1):
                    from_command, seen, failed = trial(cluster, failure)
                    times.append(seen)
                    commands.append(from_command)
                    log("%-12s %-13s trial %d: %.2f s from the last answer (%.2f s from the command), %d failed request(s) of the pulling client"
                        % (name, failure, number, seen, from_command, failed))
                results[(name, failure)] = times
                results[(name, failure + " from the command")] = commands
    finally:
        if args.keep:
            log("lab kept: %s, %s (shared directory %s)" % (", ".join(NODES), CLIENT[0], shared))
        else:
            destroy_lab()
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({key if isinstance(key, str) else "%s/%s" % key: value for key, value in results.items()}, handle, indent=2)
    met = True
    if args.trials:
        met = failover_table(results, args.trials)
    if args.soak:
        found = results["soak"]
        print()
        print("soak: %(seconds)d s, %(burners per node)d busy loop(s) per node, %(pulls)d pulls (%(requests)d requests)" % found)
        ok = found["vip_moves"] == 0 and found["failed"] == 0
        met = met and ok
        print("VIP moves %d, failed requests %d; goal 0 and 0: %s" % (found["vip_moves"], found["failed"], "met" if ok else "MISSED"))
    return 0 if met else 1


def failover_table(results, trials):
    """Print min / median / max per failure and configuration; whether the defaults meet the goals."""
    print()
    print("failover time: last answer from the old node -> first answer from the other node through the VIP")
    print("(from the command causing the failure in brackets; %d trials each)" % trials)
    print("%-13s %-14s %7s %7s %7s   %s" % ("failure", "configuration", "min", "median", "max", "(median from the command)"))
    met = True
    for failure, goal in GOALS.items():
        for name, _ in CONFIGS:
            low, middle, high = summary(results[(name, failure)])
            print("%-13s %-14s %6.2fs %6.2fs %6.2fs   (%.2fs)" % (failure, name, low, middle, high,
                                                              statistics.median(results[(name, failure + " from the command")])))
        ours = statistics.median(results[("defaults", failure)])
        theirs = statistics.median(results[("conventional", failure)])
        ok = ours <= goal
        met = met and ok
        print("%-13s conventional/defaults median ratio %.1fx; goal median <= %.1f s: %s"
              % (failure, theirs / ours, goal, "met" if ok else "MISSED"))
    return met


if __name__ == "__main__":
    sys.exit(main())
