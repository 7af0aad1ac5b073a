"""Lab hosts, a ~200 MB sample image and skopeo timings for the registry benchmarks.

Shared by registry_throughput/run.py and pull_through_cache/run.py. Every host is a lab
container on the `anchorage-bench` network (systemd and a Docker engine inside, as in molecule);
every client call is skopeo on this machine addressing a lab container; every wait is bounded.
"""

import os
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATE = os.path.join(ROOT, ".lab", "bench")
NETWORK = "anchorage-bench"
HOST_IMAGE = "anchorage-lab/host:bookworm"
REGISTRY_IMAGE = "anchorage-lab/registry:2.8.2"
REGISTRY_ARCHIVE = os.path.join(ROOT, ".lab", "artifacts", "registry-2.8.2.tar")
SAMPLE = os.path.join(STATE, "sample-200m.tar")
LAYERS = 4
LAYER_MB = 50


def sh(*argv, timeout=600, **kwargs):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    if done.returncode != 0:
        raise SystemExit("%s exited %d:\n%s%s" % (" ".join(argv), done.returncode, done.stdout[-2000:], done.stderr[-2000:]))
    return done.stdout


def start_hosts(names):
    subprocess.run(["docker", "network", "create", NETWORK], capture_output=True, check=False)
    for name in names:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
        sh("docker", "run", "-d", "--name", name, "--hostname", name, "--network", NETWORK,
           "--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN", "--cap-add", "NET_RAW",
           "--security-opt", "seccomp=unconfined", "--cgroupns=host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
           "--tmpfs", "/run", "--tmpfs", "/run/lock", "--tmpfs", "/tmp", HOST_IMAGE)
    for name in names:
        deadline = time.monotonic() + 90
        while subprocess.run(["docker", "exec", name, "systemctl", "is-system-running"],
                             capture_output=True, text=True, check=False, timeout=10).stdout.strip() not in ("running", "degraded"):
            if time.monotonic() > deadline:
                raise SystemExit("%s: systemd did not come up" % name)
            time.sleep(1)


def remove_hosts(names):
    for name in names:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
    subprocess.run(["docker", "network", "rm", NETWORK], capture_output=True, check=False)


def address(name):
    return sh("docker", "inspect", "-f", "{{(index .NetworkSettings.Networks \"%s\").IPAddress}}" % NETWORK, name).strip()


def deploy(hosts_vars):
    """Run ansible-playbook anchorage.registry.registry; ``hosts_vars`` maps host to its variables."""
    lines = ["all:", "  vars:", "    ansible_connection: community.docker.docker",
             "    ansible_python_interpreter: /usr/bin/python3", "    ansible_become: false",
             "    registry_image: %s" % REGISTRY_IMAGE, "    registry_image_archive: %s" % REGISTRY_ARCHIVE,
             "  children:", "    registry:", "      hosts:"]
    for host, variables in hosts_vars.items():
        lines.append("        %s: %s" % (host, variables or "{}"))
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as inventory:
        inventory.write("\n".join(lines) + "\n")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"))
    env.pop("AWS_CA_BUNDLE", None)
    try:
        sh(os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "-i", inventory.name, "anchorage.registry.registry",
           env=env, timeout=900)
    finally:
        os.unlink(inventory.name)


def sample_image():
    """A ~200 MB image of LAYERS incompressible layers (docker-archive), built once and cached."""
    if os.path.exists(SAMPLE):
        return SAMPLE
    os.makedirs(STATE, exist_ok=True)
    with tempfile.TemporaryDirectory() as ctx:
        steps = ["FROM scratch"]
        for index in range(LAYERS):
            with open(os.path.join(ctx, "layer%d.bin" % index), "wb") as handle:
                for _ in range(LAYER_MB):
                    handle.write(os.urandom(1024 * 1024))
            steps.append("COPY layer%d.bin /layer%d.bin" % (index, index))
        with open(os.path.join(ctx, "Dockerfile"), "w") as handle:
            handle.write("\n".join(steps) + "\n")
        sh("docker", "build", "-q", "-t", "anchorage-bench/sample:200m", ctx)
    sh("docker", "save", "-o", SAMPLE + ".tmp", "anchorage-bench/sample:200m")
    os.rename(SAMPLE + ".tmp", SAMPLE)
    return SAMPLE


def wait_for_registry(ip, port=5000, seconds=60):
    deadline = time.monotonic() + seconds
    while subprocess.run(["curl", "-sf", "--max-time", "2", "-o", "/dev/null", "http://%s:%d/v2/" % (ip, port)],
                         check=False, timeout=10).returncode:
        if time.monotonic() > deadline:
            raise SystemExit("%s:%d did not answer on /v2/" % (ip, port))
        time.sleep(0.5)


def timed(*argv):
    start = time.monotonic()
    sh(*argv)
    return time.monotonic() - start


def push(url_repo, archive=None):
    """Seconds to push the sample to docker://url_repo over plain HTTP."""
    return timed("skopeo", "copy", "-q", "--dest-tls-verify=false",
                 "docker-archive:%s" % (archive or SAMPLE), "docker://" + url_repo)


def pull(url_repo):
    """Seconds to pull docker://url_repo into a fresh directory."""
    with tempfile.TemporaryDirectory() as target:
        return timed("skopeo", "copy", "-q", "--src-tls-verify=false", "docker://" + url_repo, "dir:" + target)


def sample_mb():
    return os.path.getsize(SAMPLE) / 1e6


def summary(label, seconds):
    med = statistics.median(seconds)
    print("%-34s median %6.2f s  (min %.2f, max %.2f, %d trials)  %7.1f MB/s"
          % (label, med, min(seconds), max(seconds), len(seconds), sample_mb() / med))
    return med
