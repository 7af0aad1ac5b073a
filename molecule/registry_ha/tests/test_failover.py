"""Failover of the HA registry profile, run from the controller against the lab hosts.

Real VRRP between ha-reg1 and ha-reg2 (keepalived from Debian), real Distribution on S3 (moto on
ha-s3), real clients on ha-client. Failures are real: `docker kill` of a whole host, `docker stop`
of a host, `docker stop` of the registry container inside a host. The client's probe
(benchmarks/failover/probe.py) measures the time from the failure to the first answer from the
other node through the VIP; the times are printed and bounded.

The tests run in file order and share the lab: each leaves both nodes healthy.
"""

import base64
import json

import pytest

from conftest import CLIENT, CLUSTER, CREDS, LOAD_BALANCED, NODES, SHARED_DIR, VIP, converge, playbook
from lab import Cluster, recap, run, wait_for

IMAGE = "docker://%s:5000/lab/sample:1" % VIP
# Bounds for one failover in this lab. The benchmark checks the 2 s / 3 s goals on medians over
# many trials; these catch a failover that is broken or far too slow (kubekey's takes 20-25 s).
NODE_LOSS_BOUND = 5.0
PROCESS_DEATH_BOUND = 6.0
# How long a recovered node is watched for taking the VIP back (it must not: nopreempt).
WATCH_SECONDS = 8.0
MEASURED = []


def measure(kind, failure):
    result = CLUSTER.measure(failure)
    result["kind"] = kind
    MEASURED.append(result)
    print("\n[failover] %-24s %s -> %s: %.2f s from the failure (%.2f s without any answer)"
          % (kind, result["old"], result["new"], result["from_failure"], result["back"] - result["last_ok"]))
    return result


def pull_through_vip(after):
    CLUSTER.on(CLIENT, "rm", "-rf", "/root/pulled")
    CLUSTER.on(CLIENT, "skopeo", "copy", "--quiet", "--src-tls-verify=false", "--src-creds", CREDS, IMAGE, "dir:/root/pulled",
               timeout=120)
    files = CLUSTER.on(CLIENT, "sh", "-c", "ls /root/pulled | wc -l").stdout.strip()
    assert int(files) >= 3, "the pull after %s left only %s files" % (after, files)


def recover(node, start):
    """Bring ``node`` back; the VIP must stay where it is (nopreempt: no second interruption)."""
    holder = CLUSTER.master()
    start(node)
    CLUSTER.wait_healthy([node])
    CLUSTER.watch_no_flap(holder, WATCH_SECONDS)


@pytest.fixture(scope="module", autouse=True)
def both_nodes_healthy():
    CLUSTER.wait_healthy(seconds=60)
    yield
    if MEASURED:
        print("\n[failover] summary (failure -> first answer from the other node through the VIP):")
        for item in MEASURED:
            print("[failover]   %-24s %.2f s" % (item["kind"], item["from_failure"]))


def test_one_cluster_config_with_distinct_priorities():
    configs = {node: CLUSTER.on(node, "cat", "/etc/keepalived/keepalived.conf").stdout for node in NODES}
    vrids = {node: [line.split()[1] for line in text.splitlines() if "virtual_router_id" in line] for node, text in configs.items()}
    priorities = {node: [line.split()[1] for line in text.splitlines() if line.strip().startswith("priority")]
                  for node, text in configs.items()}
    assert vrids["ha-reg1"] == vrids["ha-reg2"] and len(vrids["ha-reg1"]) == 1
    assert priorities == {"ha-reg1": ["200"], "ha-reg2": ["190"]}
    for text in configs.values():
        assert "    version 3\n    advert_int 0.2\n    nopreempt\n" in text
        # The registry container's death reaches keepalived from Docker's events.
        assert "    track_file {\n        registry\n    }\n" in text
        assert "auth_pass" not in text
    assert len(CLUSTER.holders()) == 1


def test_push_and_pull_through_the_vip():
    CLUSTER.on(CLIENT, "skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--dest-creds", CREDS,
               "docker-archive:/root/sample-image.tar", IMAGE, timeout=180)
    pull_through_vip("the push")


def test_node_trust_points_the_client_at_the_vip():
    # node_trust told the client's Docker engine that the VIP serves plain HTTP, and logged it in.
    daemon = json.loads(CLUSTER.on(CLIENT, "cat", "/etc/docker/daemon.json").stdout)
    assert "%s:5000" % VIP in daemon["insecure-registries"]
    logins = json.loads(CLUSTER.on(CLIENT, "cat", "/root/.docker/config.json").stdout)["auths"]
    assert base64.b64decode(logins["%s:5000" % VIP]["auth"]).decode() == CREDS
    CLUSTER.on(CLIENT, "docker", "pull", "%s:5000/lab/sample:1" % VIP, timeout=180)
    CLUSTER.on(CLIENT, "docker", "rmi", "%s:5000/lab/sample:1" % VIP)


def test_the_verify_playbook_checks_both_nodes_the_vip_and_the_client():
    done = playbook("anchorage.registry.verify")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    # The summary table: its header, then one row per registry.
    rows = [line.strip().strip('",').strip() for line in done.stdout.splitlines() if " | " in line]
    assert [row.split("|")[0].strip() for row in rows[1:]] == ["ha-reg1", "ha-reg2", "VIP of ha-reg1, ha-reg2"], rows
    assert all(row.endswith("| ok") for row in rows[1:]), rows
    assert "ha-client" in rows[-1]
    # The client's Docker pulled from the VIP (logged in), and nothing of the test image is left there.
    assert "docker pull %s:5000/anchorage/verify-ha:latest (direct)" % VIP in done.stdout
    assert "anchorage/verify-ha" not in CLUSTER.on(CLIENT, "docker", "images", "--format", "{{.Repository}}").stdout


@pytest.mark.parametrize("kind, failure", [
    ("node loss (docker kill)", CLUSTER.kill_node),   # gone without a goodbye, like a power cut
    ("graceful stop", CLUSTER.stop_node),             # keepalived leaves with priority 0
])
def test_losing_the_master_node_moves_the_vip(kind, failure):
    master = CLUSTER.master()
    result = measure(kind, lambda: failure(master))
    assert result["old"] == master and result["new"] == CLUSTER.other(master)
    assert CLUSTER.holders() == [CLUSTER.other(master)]
    pull_through_vip(kind)
    assert result["from_failure"] <= NODE_LOSS_BOUND
    recover(master, CLUSTER.start_node)


def test_registry_process_death_moves_the_vip():
    master = CLUSTER.master()
    result = measure("registry process death", lambda: CLUSTER.stop_registry(master))
    assert result["new"] == CLUSTER.other(master)
    # The node is up: keepalived itself gave the VIP away because the health check failed.
    assert CLUSTER.running(master) and CLUSTER.holders() == [CLUSTER.other(master)]
    assert wait_for("FAULT on %s" % master, lambda: CLUSTER.vrrp_state(master) == "FAULT", 10)
    pull_through_vip("registry process death")
    assert result["from_failure"] <= PROCESS_DEATH_BOUND
    recover(master, CLUSTER.start_registry)


def test_check_mode_after_failovers_reports_no_change():
    # The VIP now sits on another node than after converge: the wanted state is the same.
    done = converge("--check", "--diff")
    assert done.returncode == 0, done.stdout[-3000:]
    totals = recap(done.stdout)
    assert set(totals) >= set(NODES + (CLIENT,))
    assert all(item["changed"] == 0 and item["failed"] == 0 for item in totals.values()), totals


def test_a_directory_that_is_not_shared_is_refused():
    for node in NODES:
        CLUSTER.on(node, "mkdir", "-p", "/srv/registry-local")
    done = converge("-e", "registry_data_dir=/srv/registry-local", *SHARED_DIR)
    assert done.returncode != 0
    # Long messages may be wrapped by the output callback, and land on stdout or stderr.
    output = " ".join((done.stdout + done.stderr).split())
    assert "ha-reg2 does not see the file ha-reg1 wrote in /srv/registry-local: that directory is not shared" in output, output[-3000:]
    # The check stopped the play on every node before anything was deployed.
    assert all(item["changed"] == 0 for item in recap(done.stdout).values()), recap(done.stdout)
    # The probe's marker is removed even though the check failed.
    for node in NODES:
        assert CLUSTER.on(node, "ls", "-A", "/srv/registry-local").stdout.split() == []
    for node in NODES:
        assert CLUSTER.on(node, "docker", "inspect", "-f", "{{.State.Running}}", "anchorage-registry").stdout.strip() == "true"


# A client pulling the sample through the VIP while the load-balanced variant loses a backend or a node.
PULLING = Cluster(NODES, CLIENT, VIP, repository="lab/sample:1", credentials=CREDS)


def test_load_balanced_shared_filesystem_variant_serves_from_both_nodes():
    # The same profile on a directory both nodes mount (a bind mount of one host directory,
    # standing in for NFS), with the load balancer: the playbook pushes through the VIP and pulls
    # from every node.
    done = converge("-e", "registry_data_dir=/srv/registry-shared", *(SHARED_DIR + LOAD_BALANCED))
    assert done.returncode == 0, done.stdout[-3000:]
    CLUSTER.wait_healthy(seconds=60)
    assert sorted(set(CLUSTER.answering())) == list(NODES)
    # One push whose requests HAProxy spreads over both registries: the shared http.secret and
    # storage let either finish an upload the other started.
    CLUSTER.on(CLIENT, "skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--dest-creds", CREDS,
               "docker-archive:/root/sample-image.tar", "docker://%s:5000/lab/spread:1" % VIP, timeout=180)
    for node in NODES:
        log = run(["docker", "exec", node, "sh", "-c", "docker logs anchorage-registry 2>&1 | grep -c 'lab/spread/blobs/uploads'"],
                  check=False).stdout.strip()
        assert int(log or 0) > 0, "%s served no upload request of the push" % node
    test_push_and_pull_through_the_vip()


def test_a_dead_backend_leaves_the_rotation_and_comes_back_without_moving_the_vip():
    master = CLUSTER.master()
    puller = PULLING.puller(20)
    CLUSTER.stop_registry(master)
    # Within the check's 2 x 250 ms (plus this machine's noise): only the other node answers.
    assert wait_for("only %s answers" % CLUSTER.other(master),
                    lambda: set(CLUSTER.answering(6)) == {CLUSTER.other(master)}, 5, step=0.1)
    assert CLUSTER.holders() == [master], "the VIP moved although HAProxy on %s still balances" % master
    CLUSTER.start_registry(master)
    assert wait_for("both nodes answer again", lambda: sorted(set(CLUSTER.answering(6))) == list(NODES), 30, step=0.5)
    counts = PULLING.pulled(puller, 60)
    print("\n[failover] dead backend: %d pulls, %d failed requests" % (counts["pulls"], counts["failed"]))
    assert counts["failed"] <= 1, counts
    CLUSTER.watch_no_flap(master, 4)


def test_node_loss_behind_the_load_balancer_costs_a_puller_at_most_one_request():
    master = CLUSTER.master()
    result = PULLING.measure(lambda: CLUSTER.kill_node(master), outage=True)
    result["kind"] = "node loss, balanced"
    MEASURED.append(result)
    print("\n[failover] node loss, balanced: %.2f s from the failure, %d failed request(s) of the pulling client"
          % (result["from_failure"], result["failed_requests"]))
    assert result["from_failure"] <= NODE_LOSS_BOUND
    assert result["failed_requests"] <= 1, result
    pull_through_vip("node loss behind the load balancer")
    CLUSTER.start_node(master)
    CLUSTER.wait_healthy([master])
    CLUSTER.watch_no_flap(CLUSTER.other(master), 4)
