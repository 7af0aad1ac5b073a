"""Push and pull a ~200 MB image through the registry the role deployed and through the same
registry binary started by hand on the same lab host; print both and their ratio (goal >= 0.9).

    cd /work/main && make venv lab-images && .venv/bin/python benchmarks/registry_throughput/run.py [TRIALS]
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import _registry_lab as lab  # noqa: E402

HOST = "bench-reg"
HAND_PORT = 5001
HAND_CONFIG = """version: 0.1
storage:
  filesystem:
    rootdirectory: /var/lib/by-hand
  delete:
    enabled: true
http:
  addr: :%d
""" % HAND_PORT


def empty_both():
    """Empty storage before each trial, so every push uploads every blob (skopeo would otherwise
    reuse blobs it knows the registry holds)."""
    lab.sh("docker", "exec", HOST, "sh", "-c",
           # The by-hand process first: pkill also sees the container's process on this host.
           "pkill -x registry; rm -rf /var/lib/by-hand; docker stop anchorage-registry >/dev/null "
           "&& rm -rf /var/lib/anchorage/registry/* && docker start anchorage-registry >/dev/null")
    lab.sh("docker", "exec", "-d", HOST, "/root/registry", "serve", "/root/by-hand.yml")
    ip = lab.address(HOST)
    lab.wait_for_registry(ip)
    lab.wait_for_registry(ip, HAND_PORT)


def install_by_hand():
    """The image's own /bin/registry, run directly on the lab host (no container, no port proxy)."""
    with tempfile.TemporaryDirectory() as tmp:
        cid = lab.sh("docker", "create", lab.REGISTRY_IMAGE).strip()
        try:
            lab.sh("docker", "cp", "%s:/bin/registry" % cid, os.path.join(tmp, "registry"))
        finally:
            lab.sh("docker", "rm", cid)
        with open(os.path.join(tmp, "by-hand.yml"), "w") as handle:
            handle.write(HAND_CONFIG)
        for name in ("registry", "by-hand.yml"):
            lab.sh("docker", "cp", os.path.join(tmp, name), "%s:/root/%s" % (HOST, name))


def main():
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    lab.sample_image()
    print("sample image: %.0f MB in %d layers; %d trials each" % (lab.sample_mb(), lab.LAYERS, trials))
    try:
        lab.start_hosts([HOST])
        lab.deploy({HOST: {}})
        install_by_hand()
        ip = lab.address(HOST)
        targets = {"deployed (role, container)": "%s:5000" % ip, "by hand (same binary)": "%s:%d" % (ip, HAND_PORT)}
        times = {label: {"push": [], "pull": []} for label in targets}
        for trial in range(trials):
            empty_both()
            # Alternate the order so neither side always runs on a warmer page cache.
            order = list(targets.items()) if trial % 2 == 0 else list(reversed(list(targets.items())))
            for label, base in order:
                repo = "%s/bench/sample:1" % base
                times[label]["push"].append(lab.push(repo))
                times[label]["pull"].append(lab.pull(repo))
        medians = {}
        for label in targets:
            medians[label] = {op: lab.summary("%s %s" % (op, label), times[label][op]) for op in ("push", "pull")}
        deployed, by_hand = medians["deployed (role, container)"], medians["by hand (same binary)"]
        for op in ("push", "pull"):
            print("ratio %s throughput deployed/by-hand: %.2f (goal >= 0.9)" % (op, by_hand[op] / deployed[op]))
    finally:
        lab.remove_hosts([HOST])


if __name__ == "__main__":
    main()
