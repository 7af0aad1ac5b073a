"""The node_trust role's no-op re-run on 1 lab node and on 8, in one run.

    .venv/bin/python benchmarks/node_trust_scale/run.py [--rounds N] [--keep]

Starts 8 lab host containers (anchorage-lab/host:bookworm, systemd, Docker and containerd)
named nt-bench-1..8, installs what the role needs and runs it once (not timed). Then it times
the role's re-run, which must change nothing, on nt-bench-1 alone and on all 8 nodes with
Ansible's default forks (5), each --rounds times, and prints the median times, their ratio
(goal: at most 2.0) and the time per node. For scale it also times floor.yml, as many `ping`
round trips as the role makes, on 1 and 8 nodes: what the lab's connection costs whatever the
role does. The containers go away at the end unless --keep. No registry is contacted: a no-op
run only reads the nodes' files.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
IMAGE = "anchorage-lab/host:bookworm"
NETWORK = "nt-bench"
NODES = ["nt-bench-%d" % index for index in range(1, 9)]
SYSTEMD_FLAGS = ["--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN", "--cap-add", "NET_RAW",
                 "--security-opt", "seccomp=unconfined", "--cgroupns=host",
                 "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw", "--tmpfs", "/run", "--tmpfs", "/run/lock", "--tmpfs", "/tmp"]
BOOT_TIMEOUT = 120
PLAY_TIMEOUT = 900


def run(argv, timeout=120, check=True, **kwargs):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and done.returncode != 0:
        raise SystemExit("%s exited %d:\n%s\n%s" % (" ".join(argv), done.returncode, done.stdout[-4000:], done.stderr[-4000:]))
    return done


def remove_lab():
    run(["docker", "rm", "-f"] + NODES, check=False)
    run(["docker", "network", "rm", NETWORK], check=False)


def start_lab():
    remove_lab()
    run(["docker", "network", "create", NETWORK])
    for node in NODES:
        run(["docker", "run", "-d", "--name", node, "--hostname", node, "--network", NETWORK] + SYSTEMD_FLAGS + [IMAGE])
    deadline = time.monotonic() + BOOT_TIMEOUT
    for node in NODES:
        while True:
            state = run(["docker", "exec", node, "systemctl", "is-system-running"], check=False).stdout.strip()
            if state in ("running", "degraded"):
                break
            if time.monotonic() > deadline:
                raise SystemExit("%s did not boot within %ss (systemd says %r)" % (node, BOOT_TIMEOUT, state))
            time.sleep(1)


def write_inventory(workdir):
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=bench CA",
         "-keyout", os.path.join(workdir, "ca.key"), "-out", os.path.join(workdir, "ca.crt")])
    path = os.path.join(workdir, "inventory.ini")
    with open(path, "w") as handle:
        handle.write("[nodes]\n")
        for node in NODES:
            handle.write("%s ansible_connection=community.docker.docker ansible_python_interpreter=/usr/bin/python3\n" % node)
        handle.write("\n[nodes:vars]\nbench_ca_file=%s\n" % os.path.join(workdir, "ca.crt"))
    return path


def environment():
    env = dict(os.environ)
    env.pop("AWS_CA_BUNDLE", None)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": os.path.join(ROOT, ".build", "collections"),
        "ANSIBLE_PIPELINING": "true",
        "ANSIBLE_HOST_KEY_CHECKING": "false",
        "ANSIBLE_FORCE_COLOR": "false",
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default",
    })
    return env


def play(inventory, playbook, limit=None):
    """Run a playbook; return (seconds, {host: changed count})."""
    argv = [os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "-i", inventory, os.path.join(HERE, playbook)]
    if limit:
        argv += ["--limit", limit]
    started = time.monotonic()
    done = run(argv, timeout=PLAY_TIMEOUT, env=environment())
    seconds = time.monotonic() - started
    changed = dict((host, int(count)) for host, count in re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", done.stdout, re.M))
    return seconds, changed


def timed_noop(inventory, playbook, limit, rounds):
    times = []
    for _ in range(rounds):
        seconds, changed = play(inventory, playbook, limit)
        if any(changed.values()):
            raise SystemExit("the re-run changed something, so it is not a no-op: %s" % changed)
        times.append(seconds)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per size (median is reported)")
    parser.add_argument("--keep", action="store_true", help="leave the lab containers running")
    args = parser.parse_args()
    if not os.path.exists(os.path.join(ROOT, ".build", "collections", "ansible_collections", "anchorage", "registry")):
        raise SystemExit("run `make venv` first (it links the collection where Ansible finds it)")
    workdir = tempfile.mkdtemp(prefix="nt-bench.")
    try:
        start_lab()
        inventory = write_inventory(workdir)
        play(inventory, "setup.yml")
        results = dict((playbook, (timed_noop(inventory, playbook, NODES[0], args.rounds),
                                   timed_noop(inventory, playbook, "nodes", args.rounds)))
                       for playbook in ("playbook.yml", "floor.yml"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            remove_lab()
    print("median of %d runs, default forks; load average now %s" % (args.rounds, os.getloadavg()[0]))
    for playbook, title in (("playbook.yml", "node_trust no-op re-run"), ("floor.yml", "floor: 5 ping round trips")):
        one, eight = results[playbook]
        print("%s:" % title)
        print("  1 node : %6.2f s" % one)
        print("  8 nodes: %6.2f s  (%.2f s per node)" % (eight, eight / len(NODES)))
        print("  ratio 8/1: %.2f%s" % (eight / one, " (goal <= 2.0)" if playbook == "playbook.yml" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
