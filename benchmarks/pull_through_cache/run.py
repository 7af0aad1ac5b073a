"""Pull the same ~200 MB image directly from the upstream, then twice through a pull-through
cache deployed by the role, on a fresh cache: cold (fetched from the upstream) then warm (served
from the cache); print warm/cold (goal <= 0.2) and, last, cold/direct (goal <= 1.1).

A cache earns its keep against a remote upstream, so the upstream's outgoing link is shaped
(tc tbf on the lab host, default 100mbit, like a good internet link); RATE "none" leaves it at
lab-network speed.

    cd /work/main && make venv lab-images && .venv/bin/python benchmarks/pull_through_cache/run.py [ROUNDS [RATE]]
"""

import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import _registry_lab as lab  # noqa: E402

UPSTREAM, CACHE = "bench-upstream", "bench-cache"


def empty_cache():
    """Start each round on a fresh cache: blobs are shared by digest across repositories."""
    lab.sh("docker", "exec", CACHE, "sh", "-c",
           "docker stop anchorage-registry >/dev/null && rm -rf /var/lib/anchorage/registry/* "
           "&& docker start anchorage-registry >/dev/null")
    lab.wait_for_registry(lab.address(CACHE))


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    rate = sys.argv[2] if len(sys.argv) > 2 else "100mbit"
    lab.sample_image()
    print("sample image: %.0f MB in %d layers" % (lab.sample_mb(), lab.LAYERS))
    try:
        lab.start_hosts([UPSTREAM, CACHE])
        lab.deploy({UPSTREAM: {}})
        upstream = lab.address(UPSTREAM)
        if rate != "none":
            lab.sh("docker", "exec", UPSTREAM, "tc", "qdisc", "add", "dev", "eth0", "root",
                   "tbf", "rate", rate, "burst", "256kbit", "latency", "400ms")
        print("upstream link: %s" % ("lab network, unshaped" if rate == "none" else rate))
        # An open upstream, as Docker Hub is for public images.
        lab.deploy({CACHE: {"registry_proxy": {"remoteurl": "http://%s:5000" % upstream}}})
        cache = lab.address(CACHE)
        direct, cold, warm = [], [], []
        for index in range(rounds):
            empty_cache()
            lab.push("%s:5000/library/sample-%d:1" % (upstream, index))
            direct.append(lab.pull("%s:5000/library/sample-%d:1" % (upstream, index)))
            cold.append(lab.pull("%s:5000/library/sample-%d:1" % (cache, index)))
            warm.append(lab.pull("%s:5000/library/sample-%d:1" % (cache, index)))
        direct_median = lab.summary("direct pull (from the upstream)", direct)
        cold_median = lab.summary("cold pull (through the cache)", cold)
        warm_median = lab.summary("warm pull (from the cache)", warm)
        print("ratio warm/cold: %.2f (median of rounds %.2f; goal <= 0.2)"
              % (warm_median / cold_median, statistics.median([w / c for w, c in zip(warm, cold)])))
        print("ratio cold/direct: %.2f (median of rounds %.2f; goal <= 1.1)"
              % (cold_median / direct_median, statistics.median([c / d for c, d in zip(cold, direct)])))
    finally:
        lab.remove_hosts([UPSTREAM, CACHE])


if __name__ == "__main__":
    main()
