# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""hosts.toml rendering and config.toml editing, checked by a real containerd (Debian's 1.6).

Each real check starts a private containerd (its own root, state and socket in a temp dir),
and registries are CNCF Distribution on loopback (conftest ``distribution``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import tomllib

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils import _oci
from ansible_collections.anchorage.registry.plugins.module_utils._containerd import (
    binary_major,
    config_version,
    entry_errors,
    has_secrets,
    render_hosts_toml,
    set_config_path,
)
from ansible_collections.anchorage.registry.plugins.module_utils._ca_certificates import certs_d_path
from ansible_collections.anchorage.registry.plugins.module_utils._registry_hosts import plan
from ansible_collections.anchorage.registry.plugins.modules import node_trust

DEBIAN_CONFIG = """version = 2

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "/etc/cni/net.d"
  [plugins."io.containerd.internal.v1.opt"]
    path = "/var/lib/containerd/opt"
"""
START_TIMEOUT = 10.0
FETCH_TIMEOUT = 60


def ctr_works():
    return shutil.which("containerd") and shutil.which("ctr")


class Containerd(object):
    """A private containerd: ``ctr(*args)`` runs ctr against it; ``plugin_status(name)``."""

    def __init__(self, root, config_text):
        self.root = root
        self.socket = str(root / "containerd.sock")
        (root / "config.toml").write_text(config_text)
        self.log = open(str(root / "containerd.log"), "wb")
        self.process = subprocess.Popen(["containerd", "--config", str(root / "config.toml")],
                                        stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while not os.path.exists(self.socket):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("containerd did not start:\n" + (root / "containerd.log").read_text())
            time.sleep(0.05)

    def ctr(self, *args):
        return subprocess.run(["ctr", "--address", self.socket, "--namespace", "anchorage-unit"] + list(args),
                              capture_output=True, text=True, timeout=FETCH_TIMEOUT, check=False)

    def plugin_status(self, plugin_type, name):
        for line in self.ctr("plugins", "ls").stdout.splitlines():
            fields = line.split()
            if fields[:2] == [plugin_type, name]:
                return fields[-1]
        return None

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def containerd(tmp_path_factory):
    """``start(extra_config="")`` -> a running private :class:`Containerd`."""
    if not ctr_works():
        pytest.fail("containerd and ctr are missing: install Debian's containerd package")
    running = []

    def start(extra_config=""):
        root = tmp_path_factory.mktemp("ctd")
        text = ('version = 2\nroot = "%s"\nstate = "%s"\n[grpc]\n  address = "%s"\n%s'
                % (root / "root", root / "state", root / "containerd.sock", extra_config))
        running.append(Containerd(root, text))
        return running[-1]

    yield start
    for daemon in running:
        daemon.stop()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA and a server certificate for 127.0.0.1 signed by it (openssl)."""
    root = tmp_path_factory.mktemp("pki")

    def run(*args):
        subprocess.run(["openssl"] + list(args), check=True, capture_output=True, cwd=str(root))

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=anchorage unit CA",
        "-keyout", "ca.key", "-out", "ca.crt")
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr")
    (root / "ext.cnf").write_text("subjectAltName = IP:127.0.0.1\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
        "-extfile", "ext.cnf", "-out", "server.crt")
    return root


# ---------------------------------------------------------------- hosts.toml rendering


def test_render_matches_containerds_format():
    entry = {"name": "reg:5443", "server": "https://reg:5443",
             "hosts": [{"url": "http://mirror:5000/v2/hub", "capabilities": ["pull", "resolve"], "override_path": True,
                        "skip_verify": False, "ca": ["/a.crt", "/b.crt"], "header": {"authorization": "Basic dTpw"}},
                       {"url": "https://reg:5443", "ca": ["/ca/reg:5443/ca.crt"], "capabilities": None}]}
    text = render_hosts_toml(entry)
    assert text.startswith("# Written by anchorage.registry")
    assert tomllib.loads(text) == {
        "server": "https://reg:5443",
        "host": {
            "http://mirror:5000/v2/hub": {"capabilities": ["pull", "resolve"], "ca": ["/a.crt", "/b.crt"],
                                          "skip_verify": False, "override_path": True,
                                          "header": {"authorization": "Basic dTpw"}},
            "https://reg:5443": {"ca": "/ca/reg:5443/ca.crt"},
        },
    }
    # containerd tries the hosts in file order.
    assert text.index("http://mirror:5000/v2/hub") < text.index('[host."https://reg:5443"]')
    assert has_secrets(entry) and not has_secrets({"name": "x", "hosts": [{"url": "http://m"}]})


def test_strings_are_escaped_for_toml():
    text = render_hosts_toml({"name": "_default", "hosts": [{"url": "https://m", "header": {"x-q": 'a "b" \\ c\n'}}]})
    assert tomllib.loads(text)["host"]["https://m"]["header"]["x-q"] == 'a "b" \\ c\n'


def test_entry_errors_name_their_place():
    errors = entry_errors([
        {"name": "../etc", "server": None, "hosts": None},
        {"name": "docker.io", "server": "ftp://x", "hosts": [{"url": "reg:5000"}]},
        {"name": "docker.io", "server": None, "hosts": None},
    ])
    assert errors[0].startswith("registries[0].name: '../etc' has a path")
    assert errors[1].startswith("registries[0].hosts: give at least one host")
    assert errors[2] == "registries[1].server: 'ftp://x': the scheme must be http:// or https://"
    assert errors[3].startswith("registries[1].hosts[0].url:")
    assert errors[4].startswith("registries[2].hosts: give at least one host")
    assert errors[5] == "registries[2].name: 'docker.io' is listed twice (first at registries[1].name)"


def test_hosts_toml_from_the_plan_is_used_by_containerd_for_real(
        containerd, distribution, htpasswd_distribution, pki, tmp_path):
    plain = distribution()
    secure = htpasswd_distribution({"robot": "s3cret"}, http={"tls": {"certificate": str(pki / "server.crt"),
                                                                      "key": str(pki / "server.key")}})
    image = dict(_oci.build_image(), tag="1")
    _oci.push(_oci.Registry(plain.url), "library/nt-demo", image)
    _oci.push(_oci.Registry(plain.url), "quay-proxy/nt/demo", image)
    _oci.push(_oci.Registry(secure.url, "robot", "s3cret", ca_path=str(pki / "ca.crt")), "library/nt-demo", image)

    ca_dir = tmp_path / "ca"
    result = plan([
        {"host": plain.address, "insecure": True, "mirrors": ["docker.io", {"upstream": "quay.io", "path": "/v2/quay-proxy"}]},
        {"host": secure.address, "ca": (pki / "ca.crt").read_text(), "username": "robot", "password": "s3cret",
         "mirrors": ["*"]},
    ], str(ca_dir))
    for item in result["certificates"]:
        os.makedirs(os.path.dirname(certs_d_path(str(ca_dir), item["host"])))
        with open(certs_d_path(str(ca_dir), item["host"]), "w") as handle:
            handle.write(item["pem"])
    hosts_dir = tmp_path / "certs.d"
    for entry in result["containerd_hosts"]:
        (hosts_dir / entry["name"]).mkdir(parents=True)
        (hosts_dir / entry["name"] / "hosts.toml").write_text(render_hosts_toml(entry))

    daemon = containerd()
    without_ca = tmp_path / "without-ca" / secure.address
    without_ca.mkdir(parents=True)
    (without_ca / "hosts.toml").write_text(render_hosts_toml({"name": secure.address, "hosts": [{"url": secure.url}]}))
    refused = daemon.ctr("content", "fetch", "--hosts-dir", str(without_ca.parent), "%s/library/nt-demo:1" % secure.address)
    assert refused.returncode != 0 and "certificate signed by unknown authority" in refused.stderr
    (without_ca / "hosts.toml").write_text('server = "%s"\n' % secure.url)
    server_only = daemon.ctr("content", "fetch", "--hosts-dir", str(without_ca.parent), "%s/library/nt-demo:1" % secure.address)
    assert "invalid `host` tree" in server_only.stderr  # why entry_errors insists on [host] tables
    for ref in ("docker.io/library/nt-demo:1",          # plain-HTTP mirror of Docker Hub
                "quay.io/nt/demo:1",                    # mirror at a path, override_path
                "%s/library/nt-demo:1" % secure.address,  # HTTPS with our CA and basic auth
                "ghcr.io/library/nt-demo:1"):            # _default: every other registry
        done = daemon.ctr("content", "fetch", "--hosts-dir", str(hosts_dir), ref)
        assert done.returncode == 0, (ref, done.stderr)
    assert "ns=docker.io" in plain.log() and "/v2/quay-proxy/nt/demo/manifests/1" in plain.log()
    assert "ns=ghcr.io" in secure.log()


def test_a_registry_requiring_client_certificates_is_pulled_from_with_ours_and_refuses_others(
        containerd, distribution, pki, run_module, tmp_path):
    """mTLS for real: Distribution with http.tls.clientcas, node_trust's files, containerd's fetch."""
    def openssl(*args):
        subprocess.run(["openssl"] + list(args), check=True, capture_output=True, cwd=str(pki))

    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=node", "-keyout", "node.key", "-out", "node.csr")
    openssl("x509", "-req", "-in", "node.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-out", "node.crt")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=stranger",
            "-keyout", "stranger.key", "-out", "stranger.crt")
    # The image goes in through a plain registry on the same storage (pushing needs a client certificate too).
    storage = {"filesystem": {"rootdirectory": str(tmp_path / "data")}}
    _oci.push(_oci.Registry(distribution(storage=storage).url), "library/nt-demo", dict(_oci.build_image(), tag="1"))
    secure = distribution(storage=storage, http={"tls": {"certificate": str(pki / "server.crt"),
                                                         "key": str(pki / "server.key"), "clientcas": [str(pki / "ca.crt")]}})
    daemon = containerd()

    def fetch(cert, key):
        registry = {"host": secure.address, "ca": (pki / "ca.crt").read_text()}
        if cert:
            registry.update(client_cert=(pki / cert).read_text(), client_key=(pki / key).read_text())
        node = tmp_path / (cert or "none")
        result = run_module(node_trust, {
            "registries": [registry], "runtimes": ["containerd"], "containerd_config_version": 2,
            "ca_dir": str(node / "ca"), "containerd_hosts_dir": str(node / "certs.d"),
            "containerd_config": str(node / "config.toml"), "docker_certs_dir": str(node / "docker"),
            "system_trust_dir": str(node / "trust")})
        assert not result.get("failed"), result
        return daemon.ctr("content", "fetch", "--hosts-dir", str(node / "certs.d"), "%s/library/nt-demo:1" % secure.address)

    assert fetch("node.crt", "node.key").returncode == 0
    for cert, key in ((None, None), ("stranger.crt", "stranger.key")):
        refused = fetch(cert, key)
        assert refused.returncode != 0 and "bad certificate" in refused.stderr + secure.log(), refused.stderr


# ---------------------------------------------------------------- config.toml


def test_binary_major_reads_every_vendor_spelling():
    assert binary_major("containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3") == 1
    assert binary_major("containerd containerd.io 1.7.25 bcc810d6b9066471b0b6fa75f557a15a1cbf31bb") == 1
    assert binary_major("containerd github.com/containerd/containerd/v2 v2.1.4 75cb2b7193e4e490e9fbdc236c0e811ccaba3376") == 2
    assert binary_major("") is None


def test_config_path_is_added_to_debians_file_keeping_everything_else():
    text, version, before = set_config_path(DEBIAN_CONFIG, "/etc/containerd/certs.d", 1, "/c.toml")
    assert (version, before) == (2, None)
    data = tomllib.loads(text)
    assert data["plugins"]["io.containerd.grpc.v1.cri"]["registry"] == {"config_path": "/etc/containerd/certs.d"}
    assert data["plugins"]["io.containerd.grpc.v1.cri"]["cni"] == {"bin_dir": "/usr/lib/cni", "conf_dir": "/etc/cni/net.d"}
    assert data["plugins"]["io.containerd.internal.v1.opt"] == {"path": "/var/lib/containerd/opt"}
    assert set_config_path(text, "/etc/containerd/certs.d", 1, "/c.toml") == (text, 2, "/etc/containerd/certs.d")


def test_comments_and_other_registry_keys_survive():
    text = ('version = 3\n# keep me\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/old"\n'
            '  # auth stays\n[plugins."io.containerd.cri.v1.images".registry.configs."r".auth]\n  username = "u"\n')
    new, version, before = set_config_path(text, "/new", 2, "/c.toml")
    assert (version, before) == (3, "/old")
    assert new == text.replace('"/old"', '"/new"')


def test_an_empty_file_gets_the_version_of_the_installed_containerd():
    new, version, _before = set_config_path(None, "/d", 2, "/c.toml")
    assert version == 3 and tomllib.loads(new) == {
        "version": 3, "plugins": {"io.containerd.cri.v1.images": {"registry": {"config_path": "/d"}}}}
    assert tomllib.loads(set_config_path("", "/d", 1, "/c.toml")[0])["version"] == 2


@pytest.mark.parametrize("text, major, words", [
    ("[plugins\n", 1, "/c.toml is not valid TOML"),
    ('[plugins.cri]\nx = 1\n', 1, "has no `version` key, so containerd reads it as version 1"),
    ("version = 4\n", 2, "version = 4 is not one this module edits"),
    ("version = 3\n", 1, "version = 3 needs containerd 2.0 or later, but containerd 1.x is installed"),
    ("", None, "is empty and `containerd --version` could not be read"),
    ('version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\nendpoint = ["https://m"]\n',
     1, "containerd refuses `mirrors` next to config_path"),
])
def test_configs_that_cannot_be_edited_are_refused(text, major, words):
    with pytest.raises(ValueError) as raised:
        set_config_path(text, "/d", major, "/c.toml")
    assert words in str(raised.value)


def test_config_version_accepts_only_2_and_3():
    assert config_version({"version": 2}, None, "/c") == 2
    with pytest.raises(ValueError):
        config_version({"version": True}, None, "/c")


def test_the_edited_config_is_what_containerd_reads(containerd, tmp_path):
    """containerd loads the CRI plugin with our config_path; with `mirrors` next to it, it refuses."""
    hosts = str(tmp_path / "certs.d")
    text, _version, _before = set_config_path(DEBIAN_CONFIG, hosts, 1, "/c.toml")
    daemon = containerd(text.replace("version = 2\n", "", 1))
    assert daemon.plugin_status("io.containerd.grpc.v1", "cri") == "ok"
    dump = subprocess.run(["containerd", "--config", str(daemon.root / "config.toml"), "config", "dump"],
                          capture_output=True, text=True, check=True).stdout
    assert tomllib.loads(dump)["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["config_path"] == hosts
    clash = containerd('[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "%s"\n'
                       '  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n'
                       '    endpoint = ["https://m"]\n' % hosts)
    assert clash.plugin_status("io.containerd.grpc.v1", "cri") == "error"
