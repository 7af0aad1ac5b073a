"""The node_trust role's no-op re-run on 8 lab nodes against one `ping` round trip, in one run.

    .venv/bin/python benchmarks/node_trust_scale/run.py [--rounds N] [--connection ssh|docker] [--keep]

Starts 8 lab host containers (anchorage-lab/host:bookworm, systemd, Docker and containerd)
named nt-bench-1..8, installs what the role needs (and an SSH server) and runs the role once
(not timed). Then it times the role's re-run, which must change nothing, and floor-one.yml, a
single `ping` round trip (the least any role that touches a node costs), each on nt-bench-1
alone and on all 8 nodes with Ansible's default forks (5), --rounds times, and prints the
median times with the CPU time of the controller (ansible-playbook and its workers) and of the
nodes' containers. Last it prints the two figures with their goals: the role's no-op on 8 nodes
over one ping on 8 nodes (goal <= 1.5) and the controller CPU per extra node,
(CPU on 8 nodes - CPU on 1) / 7 (goal <= 0.2 s).

Nodes are reached over SSH by default, as real nodes are, with pipelining and a fresh
ControlPersist directory per run, so every run pays its own handshakes as a new AWX job does.
--connection docker uses `docker exec` instead (community.docker.docker), the lab's shortcut;
the CPU dockerd and runc spend on it is then counted nowhere. The containers go away at the end
unless --keep. No registry is contacted: a no-op run only reads the nodes' files.
"""

import argparse
import os
import re
import resource
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
# What is timed, in order: the role, then what one round trip alone costs.
PLAYBOOKS = {"playbook.yml": "node_trust no-op re-run", "floor-one.yml": "floor: 1 ping round trip"}
RATIO_GOAL = 1.5
CPU_PER_NODE_GOAL = 0.2
BOOT_TIMEOUT = 300
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


def node_address(node):
    return run(["docker", "inspect", "-f", '{{(index .NetworkSettings.Networks "%s").IPAddress}}' % NETWORK, node]).stdout.strip()


def write_inventories(workdir):
    """Two inventories of the same nodes: over docker exec (to prepare them, or --connection
    docker) and over SSH with a key made for this run."""
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=bench CA",
         "-keyout", os.path.join(workdir, "ca.key"), "-out", os.path.join(workdir, "ca.crt")])
    key = os.path.join(workdir, "id_ed25519")
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "nt-bench", "-f", key])
    ssh_args = "'-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'"
    host_vars = {
        "docker": lambda node: "ansible_connection=community.docker.docker",
        "ssh": lambda node: "ansible_connection=ssh ansible_host=%s ansible_user=root ansible_ssh_private_key_file=%s "
                            "ansible_ssh_common_args=%s" % (node_address(node), key, ssh_args),
    }
    paths = {}
    for connection, node_vars in host_vars.items():
        paths[connection] = os.path.join(workdir, "%s.ini" % connection)
        with open(paths[connection], "w") as handle:
            handle.write("[nodes]\n")
            for node in NODES:
                handle.write("%s %s\n" % (node, node_vars(node)))
            handle.write("\n[nodes:vars]\nansible_python_interpreter=/usr/bin/python3\n"
                         "bench_ca_file=%s\nbench_ssh_public_key=%s\n" % (os.path.join(workdir, "ca.crt"), key + ".pub"))
    return paths


def environment(control_dir):
    env = dict(os.environ)
    env.pop("AWS_CA_BUNDLE", None)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": os.path.join(ROOT, ".build", "collections"),
        "ANSIBLE_PIPELINING": "true",
        "ANSIBLE_HOST_KEY_CHECKING": "false",
        "ANSIBLE_FORCE_COLOR": "false",
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default",
        # SSH's ControlPersist sockets live here: one directory per run, so no run reuses another's.
        "ANSIBLE_SSH_CONTROL_PATH_DIR": control_dir,
    })
    return env


def node_cpu_seconds(nodes):
    """CPU time the nodes' containers have used so far (cgroup v1 cpuacct or v2 cpu.stat), or None."""
    total = 0.0
    for node in nodes:
        cid = run(["docker", "inspect", "-f", "{{.Id}}", node]).stdout.strip()
        v1 = "/sys/fs/cgroup/cpuacct/docker/%s/cpuacct.usage" % cid
        v2 = "/sys/fs/cgroup/system.slice/docker-%s.scope/cpu.stat" % cid
        if os.path.exists(v1):
            with open(v1) as handle:
                total += int(handle.read()) / 1e9
        elif os.path.exists(v2):
            with open(v2) as handle:
                total += int(dict(line.split() for line in handle)["usage_usec"]) / 1e6
        else:
            return None
    return total


def play(inventory, playbook, limit=None):
    """Run a playbook; return (seconds, {host: changed count}, controller CPU s, nodes' CPU s)."""
    argv = [os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "-i", inventory, os.path.join(HERE, playbook)]
    if limit:
        argv += ["--limit", limit]
    nodes = NODES[:1] if limit == NODES[0] else NODES
    control_dir = tempfile.mkdtemp(prefix="nt-bench-cp.")
    try:
        nodes_before, children_before = node_cpu_seconds(nodes), resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        done = run(argv, timeout=PLAY_TIMEOUT, env=environment(control_dir))
        seconds = time.monotonic() - started
        nodes_after, children_after = node_cpu_seconds(nodes), resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        # Ends the run's SSH masters with their sockets.
        for socket in os.listdir(control_dir):
            run(["ssh", "-o", "ControlPath=" + os.path.join(control_dir, socket), "-O", "exit", "nt-bench"], check=False)
        shutil.rmtree(control_dir, ignore_errors=True)
    changed = dict((host, int(count)) for host, count in re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", done.stdout, re.M))
    controller_cpu = sum(getattr(children_after, field) - getattr(children_before, field) for field in ("ru_utime", "ru_stime"))
    nodes_cpu = None if nodes_before is None or nodes_after is None else nodes_after - nodes_before
    return seconds, changed, controller_cpu, nodes_cpu


def timed_noop(inventory, playbook, limit, rounds):
    """Medians over the rounds of: wall time, the controller's CPU time, the nodes' CPU time."""
    samples = []
    for _ in range(rounds):
        seconds, changed, controller_cpu, nodes_cpu = play(inventory, playbook, limit)
        expected = NODES[:1] if limit == NODES[0] else NODES
        if sorted(changed) != sorted(expected):
            raise SystemExit("the play recap does not list exactly %s: %s" % (expected, changed))
        if any(changed.values()):
            raise SystemExit("the re-run changed something, so it is not a no-op: %s" % changed)
        samples.append((seconds, controller_cpu, nodes_cpu))
    return [statistics.median(column) if None not in column else None for column in zip(*samples)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per size (median is reported)")
    parser.add_argument("--connection", choices=("ssh", "docker"), default="ssh", help="how Ansible reaches the nodes")
    parser.add_argument("--keep", action="store_true", help="leave the lab containers running")
    args = parser.parse_args()
    if not os.path.exists(os.path.join(ROOT, ".build", "collections", "ansible_collections", "anchorage", "registry")):
        raise SystemExit("run `make venv` first (it links the collection where Ansible finds it)")
    workdir = tempfile.mkdtemp(prefix="nt-bench.")
    try:
        start_lab()
        inventories = write_inventories(workdir)
        play(inventories["docker"], "setup.yml")
        inventory = inventories[args.connection]
        play(inventory, "playbook.yml")
        results = dict((playbook, (timed_noop(inventory, playbook, NODES[0], args.rounds),
                                   timed_noop(inventory, playbook, "nodes", args.rounds)))
                       for playbook in PLAYBOOKS)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            remove_lab()
    cores = os.cpu_count()
    print("median of %d runs over %s, default forks, %d cores shared by the controller and every node"
          % (args.rounds, args.connection, cores))
    for playbook, title in PLAYBOOKS.items():
        print("%s:" % title)
        for label, (wall, controller_cpu, nodes_cpu) in zip(("1 node ", "8 nodes"), results[playbook]):
            busy = "" if nodes_cpu is None else ", nodes %5.2f s; CPU busy %3.0f%%" % (
                nodes_cpu, 100 * (controller_cpu + nodes_cpu) / (wall * cores))
            print("  %s: %6.2f s  CPU: controller %5.2f s%s" % (label, wall, controller_cpu, busy))
        (one, one_cpu, _nodes), (eight, eight_cpu, _nodes) = results[playbook]
        print("  controller CPU per extra node: %.2f s" % ((eight_cpu - one_cpu) / (len(NODES) - 1)))
    role, floor = results["playbook.yml"][1], results["floor-one.yml"][1]
    role_one = results["playbook.yml"][0]
    print("node_trust no-op on 8 nodes / one ping on 8 nodes: %.2f (goal <= %.1f)" % (role[0] / floor[0], RATIO_GOAL))
    print("node_trust controller CPU per extra node: %.2f s (goal <= %.1f s)"
          % ((role[1] - role_one[1]) / (len(NODES) - 1), CPU_PER_NODE_GOAL))
    return 0


if __name__ == "__main__":
    sys.exit(main())
