"""Checks of the registry scenario, run from the controller against the lab hosts.

Every client action happens on reg-client over the lab network with real clients
(skopeo, docker); host restarts and upstream outages are real `docker restart/stop` calls.
"""

import json
import subprocess
import time

import pytest
import testinfra

ADMIN = "admin:molecule-admin-secret"
SAMPLE = "docker-archive:/root/sample-image.tar"


def lab_host(name):
    return testinfra.get_host("docker://" + name)


@pytest.fixture(scope="module")
def server():
    return lab_host("reg-server")


@pytest.fixture(scope="module")
def client():
    return lab_host("reg-client")


def container_state(host):
    out = host.check_output("docker inspect anchorage-registry")
    return json.loads(out)[0]


def wait_for_registry(client, name, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        code = client.run("curl -s -o /dev/null -w '%%{http_code}' http://%s:5000/v2/", name).stdout
        if code in ("200", "401"):
            return
        time.sleep(1)
    raise AssertionError("%s did not answer on /v2/ within %ss" % (name, seconds))


@pytest.mark.parametrize("name", ["reg-server", "reg-upstream", "reg-proxy"])
def test_idempotence_run_did_not_restart_the_container(name):
    host = lab_host(name)
    first_start = host.file("/root/registry-started-at").content_string.strip()
    assert container_state(host)["State"]["StartedAt"] == first_start


def test_container_runs_with_restart_policy(server):
    state = container_state(server)
    assert state["State"]["Running"]
    assert state["HostConfig"]["RestartPolicy"]["Name"] == "always"
    assert server.service("docker").is_enabled


def test_default_network_mode_is_the_hosts_stack(server):
    state = container_state(server)
    assert state["HostConfig"]["NetworkMode"] == "host" and not state["HostConfig"]["PortBindings"]
    assert "registry" in server.check_output("ss -Hltnp 'sport = :5000'")


def test_bind_address_limits_where_the_registry_listens():
    proxy = lab_host("reg-proxy")
    address = proxy.interface("eth0").addresses[0]
    listening = proxy.check_output("ss -Hltn 'sport = :5000'").split()
    assert "%s:5000" % address in listening and "*:5000" not in listening
    assert proxy.run("curl -s http://127.0.0.1:5000/v2/").rc != 0


def test_bridge_network_mode_publishes_the_port():
    upstream = lab_host("reg-upstream")
    state = container_state(upstream)
    assert state["HostConfig"]["NetworkMode"] == "bridge"
    assert state["HostConfig"]["PortBindings"] == {"5000/tcp": [{"HostIp": "0.0.0.0", "HostPort": "5000"}]}
    assert "docker-proxy" in upstream.check_output("ss -Hltnp 'sport = :5000'")


@pytest.mark.parametrize(
    "path,mode",
    [
        ("/etc/anchorage/registry", 0o750),
        ("/etc/anchorage/registry/config.yml", 0o640),
        ("/etc/anchorage/registry/htpasswd", 0o640),
        ("/etc/anchorage/registry/http-secret", 0o600),
        ("/var/lib/anchorage/registry", 0o750),
    ],
)
def test_file_modes(server, path, mode):
    f = server.file(path)
    assert f.exists
    assert f.user == "root"
    assert f.mode == mode


def test_htpasswd_is_bcrypt_and_secret_not_in_clear(server):
    entry = server.file("/etc/anchorage/registry/htpasswd").content_string
    assert entry.startswith("admin:$2y$")
    assert "molecule-admin-secret" not in entry


def test_anonymous_push_is_refused(client):
    cmd = client.run(
        "skopeo copy --dest-tls-verify=false %s docker://reg-server:5000/lab/anonymous:1", SAMPLE
    )
    assert cmd.rc != 0
    assert "unauthorized" in cmd.stderr.lower() or "401" in cmd.stderr


def test_skopeo_push_and_pull_back(client):
    client.check_output(
        "skopeo copy --dest-tls-verify=false --dest-creds %s %s docker://reg-server:5000/lab/sample:1",
        ADMIN,
        SAMPLE,
    )
    pushed = json.loads(
        client.check_output(
            "skopeo inspect --tls-verify=false --creds %s docker://reg-server:5000/lab/sample:1", ADMIN
        )
    )
    client.check_output("rm -rf /root/pulled")
    client.check_output(
        "skopeo copy --src-tls-verify=false --src-creds %s docker://reg-server:5000/lab/sample:1 dir:/root/pulled",
        ADMIN,
    )
    pulled = client.check_output("sha256sum /root/pulled/manifest.json").split()[0]
    assert pushed["Digest"] == "sha256:" + pulled


def test_docker_client_push_and_pull(client):
    client.check_output("docker load -i /root/sample-image.tar")
    client.check_output("docker tag anchorage-lab/registry:2.8.2 reg-server:5000/lab/docker-client:1")
    client.check_output("docker login -u admin -p molecule-admin-secret reg-server:5000")
    client.check_output("docker push reg-server:5000/lab/docker-client:1")
    client.check_output("docker rmi reg-server:5000/lab/docker-client:1")
    client.check_output("docker pull reg-server:5000/lab/docker-client:1")
    client.check_output("docker logout reg-server:5000")


def test_pull_through_cache_serves_and_survives_upstream_loss(client):
    client.check_output(
        "skopeo copy --dest-tls-verify=false %s docker://reg-upstream:5000/library/sample:1", SAMPLE
    )
    # Never pushed to reg-proxy: it must fetch it from reg-upstream.
    client.check_output("rm -rf /root/via-proxy")
    client.check_output(
        "skopeo copy --src-tls-verify=false docker://reg-proxy:5000/library/sample:1 dir:/root/via-proxy"
    )
    subprocess.run(["docker", "stop", "reg-upstream"], check=True, capture_output=True)
    try:
        client.check_output("rm -rf /root/via-proxy")
        client.check_output(
            "skopeo copy --src-tls-verify=false docker://reg-proxy:5000/library/sample:1 dir:/root/via-proxy"
        )
    finally:
        subprocess.run(["docker", "start", "reg-upstream"], check=True, capture_output=True)
    wait_for_registry(client, "reg-upstream")


def test_data_survives_restarting_the_host(client):
    subprocess.run(["docker", "restart", "reg-server"], check=True, capture_output=True)
    wait_for_registry(client, "reg-server")
    out = client.check_output(
        "skopeo inspect --tls-verify=false --creds %s docker://reg-server:5000/lab/sample:1", ADMIN
    )
    assert json.loads(out)["Name"].endswith("lab/sample")
