"""What the day2 scenario leaves behind, read from the lab hosts after side_effect.yml."""

import pytest
import testinfra


def lab_host(name):
    return testinfra.get_host("docker://" + name)


@pytest.mark.parametrize("path", ["/etc/anchorage/pki/ca.key", "/etc/anchorage/pki/hosts/d2-reg/server.key",
                                  "/etc/anchorage/registry/tls/server.key"])
def test_private_keys_are_private(path):
    key = lab_host("d2-reg").file(path)
    assert key.exists and key.mode == 0o600 and key.user == "root"


def test_the_client_reaches_the_registry_trusting_only_the_ca():
    client = lab_host("d2-client")
    code = client.check_output("curl -s -o /dev/null -w '%%{http_code}' --cacert %s https://d2-reg:5000/v2/",
                               "/etc/docker/certs.d/d2-reg:5000/ca.crt")
    assert code == "200"
    # Without the CA the same request fails: the trust comes from our CA, not from the system store.
    assert client.run("curl -s -o /dev/null https://d2-reg:5000/v2/").rc != 0


def test_the_fresh_host_serves_the_restored_repository():
    client = lab_host("d2-client")
    assert '"day2/sample"' in client.check_output("curl -s http://d2-fresh:5000/v2/_catalog")


def test_nfs_ganesha_serves_nfsv4_and_starts_at_boot():
    server = lab_host("d2-nfs")
    ganesha = server.service("nfs-ganesha")
    assert ganesha.is_running and ganesha.is_enabled
    assert server.socket("tcp://2049").is_listening
