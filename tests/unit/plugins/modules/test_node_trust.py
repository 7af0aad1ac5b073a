# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""node_trust: every writer in one call, on real files under a temporary root."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import tomllib

import pytest
import yaml
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils import _runtimes
from ansible_collections.anchorage.registry.plugins.modules import node_trust

PASSWORD = "node-trust-unit-secret"
EVERY_RUNTIME = ["docker", "containerd", "k3s", "rke2-agent"]


def registries(ca_pem):
    return [
        {"host": "10.0.0.5:5000", "insecure": True, "mirrors": ["docker.io"]},
        {"host": "reg.example:5443", "ca_file": "files/ca.pem", "username": "robot", "password": PASSWORD,
         "mirrors": ["*"]},
    ]


def args(root, ca_pem, **overrides):
    result = {"registries": registries(ca_pem), "ca_files": {"files/ca.pem": ca_pem}, "runtimes": EVERY_RUNTIME,
              "root": str(root), "containerd_config_version": 2, "system_trust": True}
    result.update(overrides)
    return result


def test_check_mode_then_every_file_in_one_call_then_no_op(run_module, tmp_path, ca_pem):
    tmp_path = tmp_path / "node"  # the module's own temporary files go to tmp_path
    check = run_module(node_trust, args(tmp_path, ca_pem), check_mode=True, diff=True)
    assert check["changed"] is True and not tmp_path.exists()
    assert check["restart_units"] == ["containerd", "k3s", "rke2-agent"] and check["reload_units"] == ["docker"]
    first = run_module(node_trust, args(tmp_path, ca_pem), diff=True)
    assert first["changed"] is True and first["trust_store_changed"] is True
    assert sorted(first["files"]) == ["ca", "containerd_config", "containerd_hosts", "docker", "docker_auth", "k3s", "rke2"]
    assert first["files"]["k3s"]["units"] == ["k3s"] and first["files"]["rke2"]["units"] == ["rke2-agent"]
    daemon = json.loads((tmp_path / "etc/docker/daemon.json").read_text())
    assert daemon == {"insecure-registries": ["10.0.0.5:5000"], "registry-mirrors": ["http://10.0.0.5:5000"]}
    # Paths inside the files are the node's, not under root.
    hosts = tomllib.loads((tmp_path / "etc/containerd/certs.d/_default/hosts.toml").read_text())
    assert hosts["host"]["https://reg.example:5443"]["ca"] == "/etc/anchorage/registry-ca/reg.example:5443/ca.crt"
    config = tomllib.loads((tmp_path / "etc/containerd/config.toml").read_text())
    assert config["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["config_path"] == "/etc/containerd/certs.d"
    k3s = yaml.safe_load((tmp_path / "etc/rancher/k3s/registries.yaml").read_text())
    assert k3s["configs"]["reg.example:5443"]["auth"] == {"username": "robot", "password": PASSWORD}
    assert stat.S_IMODE(os.stat(str(tmp_path / "etc/rancher/rke2/registries.yaml")).st_mode) == 0o600
    assert (tmp_path / "etc/docker/certs.d/reg.example:5443/ca.crt").read_text() == ca_pem
    assert (tmp_path / "usr/local/share/ca-certificates/anchorage-registry/reg.example_5443.crt").exists()
    second = run_module(node_trust, args(tmp_path, ca_pem), diff=True)
    assert second["changed"] is False and second["restart_units"] == [] and second["reload_units"] == []
    assert second["trust_store_changed"] is False


def test_passwords_and_headers_never_leave_the_module(run_module, tmp_path, ca_pem):
    tmp_path = tmp_path / "node"  # the module's own temporary files go to tmp_path
    header = base64.b64encode(("robot:" + PASSWORD).encode()).decode()
    for check_mode in (True, False):
        result = json.dumps(run_module(node_trust, args(tmp_path, ca_pem), check_mode=check_mode, diff=True))
        assert PASSWORD not in result and header not in result


def test_bad_input_names_the_option_and_writes_nothing(run_module, tmp_path, ca_pem):
    tmp_path = tmp_path / "node"  # the module's own temporary files go to tmp_path
    bad = [{"host": "http://10.0.0.5:5000"}, {"host": "reg.example", "ca": "not a certificate"}]
    result = run_module(node_trust, args(tmp_path, ca_pem, registries=bad))
    assert result["failed"] is True
    assert result["errors"][0].startswith("registries[0].host: 'http://10.0.0.5:5000' is a URL")
    assert result["errors"][1].startswith("registries[1].ca: is not PEM")
    assert not tmp_path.exists()


def test_a_live_file_it_must_not_edit_is_named_by_its_option(run_module, tmp_path, ca_pem):
    tmp_path = tmp_path / "node"  # the module's own temporary files go to tmp_path
    (tmp_path / "etc/docker").mkdir(parents=True)
    (tmp_path / "etc/docker/daemon.json").write_text('{"log-level": ')
    result = run_module(node_trust, args(tmp_path, ca_pem, runtimes=["docker"]))
    assert result["failed"] is True
    assert result["msg"].startswith("docker_daemon_json: %s/etc/docker/daemon.json is not valid JSON" % tmp_path)


def test_a_refused_hosts_toml_leaves_every_file_untouched_even_those_written_before_it(run_module, tmp_path, ca_pem):
    root = tmp_path / "node"
    daemon = root / "etc/docker/daemon.json"
    daemon.parent.mkdir(parents=True)
    daemon.write_text('{"log-level": "info"}')
    theirs = root / "etc/containerd/certs.d/docker.io"  # another tool's directory, for a mirror we want
    theirs.mkdir(parents=True)
    before = sorted(str(path) for path in root.rglob("*"))
    result = run_module(node_trust, args(root, ca_pem, runtimes=["docker", "containerd"]))
    assert result["failed"] is True
    assert result["msg"].startswith("containerd_hosts_dir: %s exists and was not created by anchorage.registry" % theirs)
    # daemon.json and the CA files come first in the order of writing: neither was written.
    assert daemon.read_text() == '{"log-level": "info"}'
    assert sorted(str(path) for path in root.rglob("*")) == before


def other_writers_files(root):
    """What other tools wrote on the node before node_trust ran: daemon.json, k3s's registries.yaml
    and config.toml (RKE2's directory, root's config.json and the CA directories are not there)."""
    files = {
        "etc/docker/daemon.json": '{"log-level": "info", "insecure-registries": ["other.example:5000"]}',
        "etc/rancher/k3s/registries.yaml": "mirrors:\n  gcr.io:\n    endpoint: [https://other.example]\n",
        "etc/containerd/config.toml": "# the image's\nversion = 2\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_absent_removes_what_it_created_and_leaves_other_writers_files_without_our_entries(run_module, tmp_path, ca_pem, tree):
    root = tmp_path / "node"  # the module's own temporary files go to tmp_path
    other_writers_files(root)
    before = tree(root)
    first = run_module(node_trust, args(root, ca_pem))
    assert first["changed"] is True and first["removed_directories"] == []
    record = json.loads((root / "var/lib/anchorage/node_trust/created.json").read_text())
    assert record["created"] == ["/etc/anchorage", "/etc/anchorage/registry-ca", "/etc/containerd/certs.d",
                                 "/etc/docker/certs.d", "/etc/rancher/rke2", "/etc/rancher/rke2/registries.yaml",
                                 "/root", "/root/.docker", "/root/.docker/config.json", "/usr",
                                 "/usr/local", "/usr/local/share", "/usr/local/share/ca-certificates",
                                 "/usr/local/share/ca-certificates/anchorage-registry", "/var", "/var/lib",
                                 "/var/lib/anchorage", "/var/lib/anchorage/node_trust"]
    converged = tree(root)
    check = run_module(node_trust, args(root, ca_pem, state="absent"), check_mode=True, diff=True)
    assert tree(root) == converged
    absent = run_module(node_trust, args(root, ca_pem, state="absent"), diff=True)
    # What check mode said is what absent did: the same files and directories removed, the same
    # services to restart and reload, each removal shown as such in --diff.
    for result in (check, absent):
        assert result["changed"] is True and result["trust_store_changed"] is True
        assert result["restart_units"] == ["k3s", "rke2-agent"] and result["reload_units"] == ["docker"]
        assert result["files"]["docker_auth"]["removed"] == [
            str(root / "root/.docker/config.json"), str(root / "root/.docker/.config.json.anchorage-owned.json")]
        assert result["files"]["rke2"]["removed"][0] == str(root / "etc/rancher/rke2/registries.yaml")
        assert "removed" not in result["files"]["k3s"] and "removed" not in result["files"]["docker"]
        removals = [diff["after_header"] for diff in result["diff"] if diff["after_header"].endswith(" (absent)")]
        assert "%s (absent)" % (root / "root/.docker/config.json") in removals
        assert "%s (absent)" % (root / "root/.docker") in removals
        assert PASSWORD not in json.dumps(result)
    assert absent["removed_directories"] == check["removed_directories"]
    assert sorted(absent["removed_directories"]) == sorted(
        str(root / name) for name in ("etc/anchorage", "etc/anchorage/registry-ca", "etc/containerd/certs.d",
                                      "etc/docker/certs.d", "etc/rancher/rke2", "root", "root/.docker", "usr",
                                      "usr/local", "usr/local/share", "usr/local/share/ca-certificates", "var",
                                      "var/lib", "var/lib/anchorage", "var/lib/anchorage/node_trust"))
    after = tree(root)
    # Every path as before; the other writers' files keep everything but our entries (daemon.json
    # keeps the lists emptied, for dockerd's reload; config.toml its config_path).
    assert sorted(after) == sorted(before)
    assert json.loads(after["etc/docker/daemon.json"]) == {"log-level": "info", "insecure-registries": ["other.example:5000"],
                                                           "registry-mirrors": []}
    assert yaml.safe_load(after["etc/rancher/k3s/registries.yaml"]) == {
        "mirrors": {"gcr.io": {"endpoint": ["https://other.example"]}}}
    assert after["etc/containerd/config.toml"].startswith("# the image's\n")
    again = run_module(node_trust, args(root, ca_pem, state="absent"), diff=True)
    assert again["changed"] is False and again["removed_directories"] == [] and tree(root) == after


def test_only_the_runtimes_writers_run(run_module, tmp_path, ca_pem, tree):
    root = tmp_path / "node"
    first = run_module(node_trust, args(root, ca_pem, runtimes=["docker"]))
    assert sorted(first["files"]) == ["ca", "docker", "docker_auth"] and first["restart_units"] == []
    assert not (root / "etc/containerd").exists() and not (root / "etc/anchorage").exists()
    absent = run_module(node_trust, args(root, ca_pem, runtimes=["docker"], state="absent"))
    assert absent["changed"] is True and absent["reload_units"] == ["docker"]
    # daemon.json was created, but its emptied lists stay: a reload forgets only keys in the file.
    assert tree(root) == {"etc": None, "etc/docker": None,
                          "etc/docker/daemon.json": '{\n  "insecure-registries": [],\n  "registry-mirrors": []\n}\n'}


def test_nothing_wanted_creates_no_empty_file(run_module, tmp_path, ca_pem):
    root = tmp_path / "node"
    result = run_module(node_trust, args(root, ca_pem, registries=[], runtimes=["docker", "k3s"]))
    assert result["changed"] is False and not root.exists()


def test_a_file_it_created_stays_while_another_writer_has_entries_in_it(run_module, tmp_path, ca_pem, tree):
    root = tmp_path / "node"
    run_module(node_trust, args(root, ca_pem, runtimes=["docker"]))
    config = root / "root/.docker/config.json"
    written = json.loads(config.read_text())
    written["auths"]["other.example"] = {"auth": "b3RoZXI6b3RoZXItc2VjcmV0"}  # docker login, after us
    config.write_text(json.dumps(written))
    absent = run_module(node_trust, args(root, ca_pem, runtimes=["docker"], state="absent"))
    assert "removed" not in absent["files"]["docker_auth"]
    assert json.loads(config.read_text()) == {"auths": {"other.example": {"auth": "b3RoZXI6b3RoZXItc2VjcmV0"}}}
    # The record goes with absent: what is left is the node's.
    assert sorted(tree(root)) == ["etc", "etc/docker", "etc/docker/daemon.json", "root", "root/.docker",
                                  "root/.docker/config.json"]
    assert run_module(node_trust, args(root, ca_pem, runtimes=["docker"], state="absent"))["changed"] is False


def test_a_login_leaving_the_list_takes_the_config_json_it_created_along(run_module, tmp_path, ca_pem, tree):
    root = tmp_path / "node"
    run_module(node_trust, args(root, ca_pem, runtimes=["docker"], system_trust=False))
    no_login = args(root, ca_pem, runtimes=["docker"], system_trust=False, registries=registries(ca_pem)[:1])
    result = run_module(node_trust, no_login, diff=True)
    assert result["files"]["docker_auth"]["removed"][0] == str(root / "root/.docker/config.json")
    # The registry with the login had the only CA: Docker's certs.d, which the module made, goes too.
    assert result["removed_directories"] == [str(root / "root/.docker"), str(root / "root"), str(root / "etc/docker/certs.d")]
    assert sorted(tree(root)) == ["etc", "etc/docker", "etc/docker/.daemon.json.anchorage-owned.json", "etc/docker/daemon.json",
                                  "var", "var/lib", "var/lib/anchorage", "var/lib/anchorage/node_trust",
                                  "var/lib/anchorage/node_trust/created.json"]
    record = json.loads((root / "var/lib/anchorage/node_trust/created.json").read_text())["created"]
    assert record == ["/etc", "/etc/docker", "/etc/docker/daemon.json", "/var", "/var/lib", "/var/lib/anchorage",
                      "/var/lib/anchorage/node_trust"]
    assert run_module(node_trust, no_login)["changed"] is False


def test_a_damaged_record_is_named_and_nothing_is_written(run_module, tmp_path, ca_pem, tree):
    root = tmp_path / "node"
    record = root / "var/lib/anchorage/node_trust/created.json"
    record.parent.mkdir(parents=True)
    record.write_text('{"created": "/etc"}')
    result = run_module(node_trust, args(root, ca_pem))
    assert result["failed"] is True and result["msg"] == "record: %s is damaged; delete it (what it listed is then kept, " \
        "as another writer's)" % record
    assert sorted(tree(root)) == ["var", "var/lib", "var/lib/anchorage", "var/lib/anchorage/node_trust",
                                  "var/lib/anchorage/node_trust/created.json"]


def test_runtimes_are_detected_when_not_given(run_module, tmp_path, ca_pem):
    detect = args(tmp_path / "node", ca_pem)
    del detect["runtimes"]
    result = run_module(node_trust, detect, check_mode=True)
    assert result["runtimes"] == _runtimes.runtimes()["runtimes"]
    assert result["python_libraries"] == _runtimes.libraries() and result["missing_libraries"] == []


def test_the_invocation_logged_on_the_node_masks_only_the_secrets(run_module, tmp_path, monkeypatch, ca_pem):
    logged = []
    monkeypatch.setattr("syslog.syslog", lambda *args: logged.append(args[-1]))
    run_module(node_trust, args(tmp_path / "node", ca_pem), diff=True)
    (invocation,) = [line for line in logged if line.startswith("Invoked with")]
    assert PASSWORD not in invocation and "reg.example:5443" in invocation and "'username': 'robot'" in invocation


def test_a_missing_library_leaves_only_the_files_needing_it_alone(run_module, tmp_path, monkeypatch, ca_pem):
    monkeypatch.setattr(_runtimes, "libraries", lambda: {"yaml": False, "tomlkit": True})
    result = run_module(node_trust, args(tmp_path / "node", ca_pem))
    assert result["missing_libraries"] == ["yaml"] and "k3s" not in result["files"] and "docker" in result["files"]
    assert not (tmp_path / "node/etc/rancher").exists() and (tmp_path / "node/etc/docker/daemon.json").exists()


def test_absent_on_a_node_lacking_a_library_keeps_the_record_for_the_call_after_it_came(run_module, tmp_path, monkeypatch,
                                                                                        ca_pem, tree):
    root = tmp_path / "node"
    run_module(node_trust, args(root, ca_pem, runtimes=["k3s"]))
    monkeypatch.setattr(_runtimes, "libraries", lambda: {"yaml": False, "tomlkit": True})
    first = run_module(node_trust, args(root, ca_pem, runtimes=["k3s"], state="absent"))
    assert first["missing_libraries"] == ["yaml"] and (root / "var/lib/anchorage/node_trust/created.json").exists()
    monkeypatch.undo()
    second = run_module(node_trust, args(root, ca_pem, runtimes=["k3s"], state="absent"))
    assert second["files"]["k3s"]["removed"][0] == str(root / "etc/rancher/k3s/registries.yaml")
    assert second["restart_units"] == ["k3s"] and tree(root) == {}


@pytest.fixture(scope="module")
def client_pair(tmp_path_factory):
    root = tmp_path_factory.mktemp("client")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=node",
                    "-keyout", str(root / "client.key"), "-out", str(root / "client.cert")], check=True, capture_output=True)
    return (root / "client.cert").read_text(), (root / "client.key").read_text()


def test_a_client_certificate_reaches_every_runtime_and_its_key_never_the_output(run_module, tmp_path, ca_pem,
                                                                                 client_pair):
    cert, key = client_pair
    root = tmp_path / "node"
    mtls = registries(ca_pem)
    mtls[1].update(client_cert=cert, client_key=key)
    result = run_module(node_trust, args(root, ca_pem, registries=mtls), diff=True)
    body = "".join(key.strip().splitlines()[1:-1])
    assert body[:40] not in json.dumps(result)
    for certs_d in ("etc/docker/certs.d", "etc/anchorage/registry-ca"):
        directory = root / certs_d / "reg.example:5443"
        assert (directory / "client.cert").read_text() == cert
        assert stat.S_IMODE(os.stat(str(directory / "client.key")).st_mode) == 0o600
    hosts = tomllib.loads((root / "etc/containerd/certs.d/reg.example:5443/hosts.toml").read_text())
    assert hosts["host"]["https://reg.example:5443"]["client"] == [[
        "/etc/anchorage/registry-ca/reg.example:5443/client.cert", "/etc/anchorage/registry-ca/reg.example:5443/client.key"]]
    k3s = yaml.safe_load((root / "etc/rancher/k3s/registries.yaml").read_text())
    assert k3s["configs"]["reg.example:5443"]["tls"] == {
        "ca_file": "/etc/anchorage/registry-ca/reg.example:5443/ca.crt",
        "cert_file": "/etc/anchorage/registry-ca/reg.example:5443/client.cert",
        "key_file": "/etc/anchorage/registry-ca/reg.example:5443/client.key"}
    # A new key: the diff says the file changed, and shows neither key.
    new_key = subprocess.run(["openssl", "genrsa", "2048"], check=True, capture_output=True, text=True).stdout
    mtls[1]["client_key"] = new_key
    rotated = run_module(node_trust, args(root, ca_pem, registries=mtls), diff=True)
    assert rotated["changed"] is True
    shown = json.dumps(rotated)
    assert body[:40] not in shown and "".join(new_key.strip().splitlines()[1:-1])[:40] not in shown


@pytest.mark.parametrize("change, message", [
    ({"client_key": "KEY"}, "registries[1]: client_cert and client_key go together"),
    ({"client_cert": "CERT", "client_key": "not a key"}, "registries[1].client_key: is not one PEM private key"),
])
def test_bad_client_certificates_are_refused_before_anything_is_written(run_module, tmp_path, ca_pem, client_pair,
                                                                        change, message):
    cert, _key = client_pair
    bad = registries(ca_pem)
    bad[1].update({name: cert if value == "CERT" else value for name, value in change.items()})
    result = run_module(node_trust, args(tmp_path / "node", ca_pem, registries=bad))
    assert result["failed"] is True and result["errors"][0].startswith(message), result["errors"]
    assert not (tmp_path / "node").exists()


def test_docker_nodes_are_logged_in_keeping_other_logins_and_never_showing_the_password(run_module, tmp_path, ca_pem):
    root = tmp_path / "node"
    config = root / "root/.docker/config.json"
    config.parent.mkdir(parents=True)
    config.write_text('{"auths": {"other.example": {"auth": "b3RoZXI6b3RoZXItc2VjcmV0"}}, "credHelpers": {}}')
    result = run_module(node_trust, args(root, ca_pem, runtimes=["docker"]), diff=True)
    assert result["files"]["docker_auth"]["changed"] is True and result["reload_units"] == ["docker"]
    written = json.loads(config.read_text())
    assert written["credHelpers"] == {} and written["auths"]["other.example"] == {"auth": "b3RoZXI6b3RoZXItc2VjcmV0"}
    assert written["auths"]["reg.example:5443"] == {"auth": base64.b64encode(("robot:" + PASSWORD).encode()).decode()}
    shown = json.dumps(result)
    assert base64.b64encode(("robot:" + PASSWORD).encode()).decode() not in shown and "b3RoZXI6b3RoZXItc2VjcmV0" not in shown
    again = run_module(node_trust, args(root, ca_pem, runtimes=["docker"]))
    assert again["changed"] is False
    out = run_module(node_trust, args(root, ca_pem, runtimes=["docker"], registries=registries(ca_pem)[:1]))
    assert json.loads(config.read_text())["auths"] == {"other.example": {"auth": "b3RoZXI6b3RoZXItc2VjcmV0"}}
    assert out["files"]["docker_auth"]["changed"] is True


def test_a_registry_address_goes_in_a_managed_block_of_etc_hosts(run_module, tmp_path, ca_pem):
    root = tmp_path / "node"
    hosts = root / "etc/hosts"
    hosts.parent.mkdir(parents=True)
    hosts.write_text("127.0.0.1 localhost\n10.0.0.1 other")  # another writer's line, without a final newline
    unmapped = run_module(node_trust, args(root, ca_pem, runtimes=[]))
    assert unmapped["files"]["etc_hosts"]["changed"] is False and hosts.read_text().endswith("other")
    mapped = registries(ca_pem)
    mapped[1]["address"] = "10.0.0.9"
    first = run_module(node_trust, args(root, ca_pem, runtimes=[], registries=mapped), diff=True)
    assert first["changed"] is True and first["restart_units"] == [] and first["reload_units"] == []
    assert hosts.read_text() == ("127.0.0.1 localhost\n10.0.0.1 other\n# BEGIN anchorage.registry node_trust\n"
                                 "10.0.0.9 reg.example\n# END anchorage.registry node_trust\n")
    assert run_module(node_trust, args(root, ca_pem, runtimes=[], registries=mapped))["changed"] is False
    run_module(node_trust, args(root, ca_pem, runtimes=[]))
    assert hosts.read_text() == "127.0.0.1 localhost\n10.0.0.1 other\n"
    # No file and nothing to map: no empty /etc/hosts is made.
    assert "etc_hosts" not in run_module(node_trust, args(tmp_path / "bare", ca_pem, runtimes=[]))["files"]


def test_an_address_for_a_registry_given_by_address_is_refused(run_module, tmp_path, ca_pem):
    result = run_module(node_trust, args(tmp_path / "node", ca_pem, registries=[
        {"host": "10.0.0.5:5000", "insecure": True, "address": "10.0.0.9"}, {"host": "reg.example", "address": "vip"}]))
    assert result["errors"][0].startswith("registries[0]: address maps a registry name in /etc/hosts")
    assert result["errors"][1].startswith("registries[1].address: 'vip' is not an IP address")


DROPIN = "etc/rancher/k3s/config.yaml.d/50-anchorage-registry.yaml"


def test_the_embedded_registry_drop_in_goes_to_servers_and_the_shared_entries_to_every_node(run_module, tmp_path, ca_pem):
    root = tmp_path / "node"
    other_writers_files(root)
    on = args(root, ca_pem, embedded_registry=True, embedded_registry_mirrors=["registry.k8s.io", "gcr.io"])
    check = run_module(node_trust, on, check_mode=True, diff=True)
    assert check["changed"] is True and not (root / DROPIN).exists()
    first = run_module(node_trust, on, diff=True)
    for result in (check, first):
        # k3s restarts once for its two files; the agent has only registries.yaml.
        assert result["restart_units"] == ["containerd", "k3s", "rke2-agent"]
        assert result["files"]["k3s_config"]["units"] == ["k3s"] and "rke2_config" not in result["files"]
    assert yaml.safe_load((root / DROPIN).read_text()) == {"embedded-registry": True}
    assert stat.S_IMODE(os.stat(str(root / DROPIN)).st_mode) == 0o644
    assert not (root / "etc/rancher/rke2/config.yaml.d").exists()  # rke2-agent would refuse the option
    k3s = yaml.safe_load((root / "etc/rancher/k3s/registries.yaml").read_text())
    rke2 = yaml.safe_load((root / "etc/rancher/rke2/registries.yaml").read_text())
    # gcr.io keeps the other tool's entry, which the embedded registry serves as well.
    assert k3s["mirrors"]["registry.k8s.io"] == {} and k3s["mirrors"]["gcr.io"] == {"endpoint": ["https://other.example"]}
    assert rke2["mirrors"]["registry.k8s.io"] == {} and rke2["mirrors"]["gcr.io"] == {}
    assert k3s["mirrors"]["docker.io"] == {"endpoint": ["http://10.0.0.5:5000"]}
    again = run_module(node_trust, on)
    assert again["changed"] is False and again["restart_units"] == []
    off_check = run_module(node_trust, args(root, ca_pem), check_mode=True, diff=True)
    off = run_module(node_trust, args(root, ca_pem), diff=True)
    for result in (off_check, off):
        assert result["files"]["k3s_config"]["removed"] == [str(root / DROPIN)]
        assert str(root / "etc/rancher/k3s/config.yaml.d") in result["removed_directories"]
        assert result["restart_units"] == ["k3s", "rke2-agent"]
    assert "registry.k8s.io" not in yaml.safe_load((root / "etc/rancher/k3s/registries.yaml").read_text())["mirrors"]
    assert run_module(node_trust, args(root, ca_pem))["changed"] is False


def test_an_rke2_server_gets_its_drop_in_and_absent_takes_it_out(run_module, tmp_path, ca_pem, tree):
    root = tmp_path / "node"
    on = args(root, ca_pem, runtimes=["rke2-server"], embedded_registry=True)
    first = run_module(node_trust, on)
    assert first["restart_units"] == ["rke2-server"]
    assert (root / "etc/rancher/rke2/config.yaml.d/50-anchorage-registry.yaml").exists()
    absent = run_module(node_trust, dict(on, state="absent"))
    assert absent["restart_units"] == ["rke2-server"] and tree(root) == {}


def test_a_drop_in_at_its_path_is_the_modules_and_goes_when_off(run_module, tmp_path, ca_pem):
    root = tmp_path / "node"
    (root / DROPIN).parent.mkdir(parents=True)
    (root / DROPIN).write_text("embedded-registry: true\n")
    result = run_module(node_trust, args(root, ca_pem, runtimes=["k3s"]))
    assert result["files"]["k3s_config"]["removed"] == [str(root / DROPIN)] and "k3s" in result["restart_units"]
    # The directory was there before the module: it stays.
    assert (root / DROPIN).parent.is_dir()


def stand_in_server(root, unit, version):
    """A unit file under ``root`` whose ExecStart program answers ``--version`` as k3s does."""
    program = root / "usr/local/bin" / unit.split("-")[0]
    program.parent.mkdir(parents=True, exist_ok=True)
    program.write_text('#!/bin/sh\n[ "$1" = --version ] && printf "%s version %s (0123abcd)\\ngo version go1.22.5\\n"\n'
                       % (unit.split("-")[0], version))
    program.chmod(0o755)
    service = root / "etc/systemd/system" / (unit + ".service")
    service.parent.mkdir(parents=True, exist_ok=True)
    service.write_text("[Service]\nExecStart=/usr/local/bin/%s \\\n    server\n" % unit.split("-")[0])


@pytest.fixture
def warned(monkeypatch):
    """The warnings of the module calls since the test began or last emptied the list."""
    result = []
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, text, **kwargs: result.append(text))
    return result


def test_an_old_server_release_is_refused_the_embedded_registry_before_anything_is_written(run_module, tmp_path, ca_pem, tree, warned):
    root = tmp_path / "node"
    stand_in_server(root, "k3s", "v1.28.5+k3s1")
    before = tree(root)
    on = args(root, ca_pem, embedded_registry=True)
    for check_mode in (True, False):
        result = run_module(node_trust, on, check_mode=check_mode)
        assert result["failed"] is True and result["msg"] == (
            "embedded_registry: k3s v1.28.5+k3s1 on this node has no embedded registry mirror (it would ignore "
            "embedded-registry): it needs v1.26.13, v1.27.10, v1.28.6, v1.29.1 or later")
        assert tree(root) == before
    stand_in_server(root, "k3s", "v1.29.2+k3s1")
    shared = run_module(node_trust, dict(on, embedded_registry_mirrors=["*"]))
    assert shared["changed"] is True and (root / DROPIN).exists()
    assert warned == ['embedded_registry: k3s v1.29.2+k3s1 shares "*" from v1.26.15, v1.27.12, v1.28.8, '
                      'v1.29.3 or later: until then list the registries to share by name (k3s)']


def test_an_rke2_server_that_cannot_say_its_release_is_a_warning(run_module, tmp_path, ca_pem, warned):
    root = tmp_path / "node"
    on = args(root, ca_pem, runtimes=["rke2-server"], embedded_registry=True)
    run_module(node_trust, on, check_mode=True)
    assert warned == ["embedded_registry: the rke2-server version was not checked: no rke2-server.service unit file"]
    stand_in_server(root, "rke2-server", "v1.30.8+rke2r1")
    del warned[:]
    run_module(node_trust, on, check_mode=True)
    assert warned == []
    (root / "usr/local/bin/rke2").unlink()
    run_module(node_trust, on, check_mode=True)
    assert warned == ["embedded_registry: the rke2-server version was not checked: its unit's ExecStart names no program here"]
    # Without root, the node's own unit files (this machine has no RKE2).
    del warned[:]
    run_module(node_trust, {key: value for key, value in on.items() if key != "root"}, check_mode=True)
    assert warned == ["embedded_registry: the rke2-server version was not checked: no rke2-server.service unit file"]
    # validate: false (the role's check on the controller) asks nothing.
    del warned[:]
    run_module(node_trust, dict(on, validate=False), check_mode=True)
    assert warned == []


def test_embedded_registry_input_is_refused_naming_the_option_before_anything_is_written(run_module, tmp_path, ca_pem):
    root = tmp_path / "node"
    alone = run_module(node_trust, args(root, ca_pem, embedded_registry_mirrors=["registry.k8s.io"]))
    assert alone["failed"] is True and alone["msg"].startswith("embedded_registry_mirrors: needs embedded_registry true")
    bad = run_module(node_trust, args(root, ca_pem, embedded_registry=True, embedded_registry_mirrors=["https://ghcr.io"]))
    assert bad["failed"] is True and bad["errors"][0].startswith("embedded_registry_mirrors[0]: 'https://ghcr.io' is a URL")
    assert not root.exists()


def test_an_embedded_registry_with_nothing_listed_says_the_node_takes_no_part(run_module, tmp_path, ca_pem, warned):
    run_module(node_trust, args(tmp_path / "node", ca_pem, registries=[], runtimes=["k3s"], embedded_registry=True))
    assert any("takes no part in the embedded registry mirror" in warning for warning in warned), warned
