"""Watching and breaking a keepalived registry cluster of lab containers, from the controller.

Shared by the benchmark (run.py) and the registry_ha molecule scenario's tests. Everything is a
real `docker` command against the lab's own containers; every wait is bounded.
"""

import json
import os
import subprocess
import time

# keepalived writes its live state to /tmp/keepalived.data on SIGUSR1 (its logs would also hold
# the states of a node's previous runs: the journal survives a container restart).
_DUMP_STATE = """
rm -f /tmp/keepalived.data
kill -USR1 "$(cat /run/keepalived.pid 2>/dev/null)" 2>/dev/null || exit 0
for _ in 1 2 3 4 5 6 7 8 9 10; do
  sed -n '/VRRP Instance = %s/,/ State = /p' /tmp/keepalived.data 2>/dev/null | grep ' State = ' && exit 0
  sleep 0.1
done
"""


def run(argv, timeout=120, check=True, **kwargs):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and done.returncode != 0:
        raise AssertionError("%s exited %d:\n%s\n%s" % (" ".join(argv), done.returncode, done.stdout, done.stderr))
    return done


def ansible_playbook(inventory, playbook, *args, timeout=900, env=None):
    """ansible-playbook PLAYBOOK on INVENTORY with ARGS; its CompletedProcess, whatever its exit code."""
    env = dict(os.environ if env is None else env)
    env.pop("AWS_CA_BUNDLE", None)  # Distribution panics at start with it; nothing here needs it
    return subprocess.run(["ansible-playbook", "-i", inventory, playbook] + list(args), capture_output=True, text=True,
                          timeout=timeout, env=env, check=False)


def recap(output):
    """{host: {"ok": n, "changed": n, "failed": n, ...}} from a PLAY RECAP."""
    hosts = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[1] == ":" and "changed=" in line:
            hosts[parts[0]] = dict((key, int(value)) for key, value in (item.split("=") for item in parts[2:] if "=" in item))
    return hosts


def wait_for(what, predicate, seconds, step=0.5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("%s: not within %ss" % (what, seconds))


class Cluster(object):
    """Registry nodes sharing a VIP, and a client container that runs probe.py."""

    def __init__(self, nodes, client, vip, port=5000, header="X-Anchorage-Node", instance="REGISTRY",
                 container="anchorage-registry", probe="/root/probe.py", repository=None, credentials=None):
        self.nodes = tuple(nodes)
        self.client = client
        self.vip = vip
        self.url = "http://%s:%d/v2/" % (vip, port)
        self.port = port
        self.header = header
        self.instance = instance
        self.container = container
        self.probe = probe
        # With a repository, measure() also runs a client pulling it through the VIP.
        self.repository = repository
        self.credentials = credentials

    def on(self, node, *argv, **kwargs):
        return run(["docker", "exec", node] + list(argv), **kwargs)

    def running(self, node):
        return run(["docker", "inspect", "-f", "{{.State.Running}}", node], check=False).stdout.strip() == "true"

    def holders(self):
        """The running nodes that hold the VIP."""
        return [node for node in self.nodes if self.running(node)
                and self.on(node, "ip", "-o", "address", "show", "to", self.vip, check=False).stdout.strip()]

    def answering(self, count=20):
        """The nodes that answered ``count`` requests through the VIP, one name per answer (from ``header``)."""
        # HAProxy passes header names in lower case.
        script = ("for i in $(seq %d); do curl -s -o /dev/null -D - --max-time 2 %s | tr -d '\\r'"
                  " | grep -i '^%s:' | cut -d ' ' -f 2; done" % (count, self.url, self.header))
        return self.on(self.client, "sh", "-c", script).stdout.split()

    def vrrp_state(self, node):
        """keepalived's live state of the instance on the node (MASTER, BACKUP, FAULT) or None."""
        out = self.on(node, "sh", "-c", _DUMP_STATE % self.instance, check=False).stdout
        return out.split("=", 1)[1].strip() if " State = " in out else None

    def healthy(self, node):
        """The node runs, its registry answers locally, and keepalived is BACKUP or MASTER."""
        if not self.running(node):
            return False
        code = self.on(node, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                       "http://127.0.0.1:%d/v2/" % self.port, check=False).stdout
        return code in ("200", "401") and self.vrrp_state(node) in ("BACKUP", "MASTER")

    def wait_healthy(self, nodes=None, seconds=120):
        for node in nodes or self.nodes:
            wait_for("%s healthy" % node, lambda node=node: self.healthy(node), seconds)

    def master(self, seconds=30):
        found = wait_for("exactly one node holds the VIP", lambda: self.holders() if len(self.holders()) == 1 else None, seconds)
        return found[0]

    def other(self, node):
        return [item for item in self.nodes if item != node][0]

    def puller(self, seconds):
        """A client pulling ``repository`` through the VIP for ``seconds`` (probe.py pull), once it pulled once."""
        argv = ["docker", "exec", self.client, "python3", self.probe, "pull", "http://%s:%d" % (self.vip, self.port),
                self.repository, str(seconds)] + ([self.credentials] if self.credentials else [])
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        if process.stdout.readline().strip() != "ready":
            process.kill()
            raise AssertionError("the pulling client could not pull %s through the VIP" % self.repository)
        return process

    @staticmethod
    def pulled(process, seconds):
        """The pulling client's counts once it ends: pulls, requests, failed, failed_at."""
        try:
            line = process.stdout.readline()
            assert line, "the pulling client ended without its counts (exit %s)" % process.wait(timeout=seconds)
            return json.loads(line)
        finally:
            process.wait(timeout=seconds)

    def measure(self, failure, limit=60, pull_seconds=8, outage=False):
        """Run ``failure()`` while the client probes the VIP (and, with a repository, pulls through it).

        Returns the probe's result (``old``, ``new``: the nodes that answered before and after;
        ``last_ok``, ``gone``, ``back``: times) plus ``from_failure``: seconds from the call of
        ``failure`` to the first answer from the other node through the VIP, and with a
        repository ``failed_requests``: the requests the pulling client saw fail meanwhile. With
        ``outage`` (behind a load balancer every node answers in turn) the first answer after the
        answers stopped counts, from whichever node.
        """
        puller = self.puller(pull_seconds) if self.repository else None
        probe = subprocess.Popen(["docker", "exec", self.client, "python3", self.probe, self.url, self.header, str(limit)]
                                 + (["outage"] if outage else []), stdout=subprocess.PIPE, text=True)
        try:
            ready = probe.stdout.readline().strip()
            assert ready == "ready", "the probe saw no steady answers through the VIP"
            failed_at = time.time()
            failure()
            result = json.loads(probe.stdout.readline())
            probe.wait(timeout=limit)
            if puller:
                result["failed_requests"] = self.pulled(puller, pull_seconds + 30)["failed"]
        finally:
            for process in (probe, puller):
                if process and process.poll() is None:
                    process.kill()
                    process.wait(timeout=10)
        assert result["new"], "no node answered through the VIP after the failure: %s" % result
        result["from_failure"] = result["back"] - failed_at
        return result

    def burn(self, seconds, count=1):
        """``count`` busy loops in every node, each ending by itself after ``seconds``."""
        for node in self.nodes:
            for _ in range(count):
                run(["docker", "exec", "-d", node, "timeout", str(int(seconds)), "sh", "-c", "while :; do :; done"])

    def vip_moves(self, since):
        """How often a node became MASTER since the epoch time ``since``, from keepalived's journal."""
        moves = 0
        for node in self.nodes:
            out = self.on(node, "journalctl", "-u", "keepalived", "--no-pager", "-o", "cat", "--since", "@%d" % int(since),
                          check=False).stdout
            moves += sum(1 for line in out.splitlines() if "Entering MASTER STATE" in line)
        return moves

    def kill_node(self, node):
        run(["docker", "kill", node])

    def stop_node(self, node):
        run(["docker", "stop", node])

    def start_node(self, node):
        run(["docker", "start", node])

    def stop_registry(self, node):
        self.on(node, "docker", "stop", self.container)

    def start_registry(self, node):
        self.on(node, "docker", "start", self.container)

    def watch_no_flap(self, expected, seconds):
        """The VIP stays on ``expected`` alone for ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            held = self.holders()
            assert held == [expected], "the VIP is on %s, expected it to stay on %s" % (held, expected)
            time.sleep(0.25)
