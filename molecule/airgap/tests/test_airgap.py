"""Checks of the airgap scenario, run from the controller against the lab hosts.

The hosts sit on a Docker --internal network: what they have came from the bundle. Pulls run on
airgap-client over that network with real clients (skopeo, containerd's ctr, docker after node_trust).
"""

import json
import os
import subprocess
import sys

import pytest
import testinfra

ADMIN = ("admin", "molecule-airgap-secret")
BUNDLE = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "anchorage-bundle")
MODULE = os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "plugins", "modules", "images.py")


def lab_host(name):
    return testinfra.get_host("docker://" + name)


@pytest.fixture(scope="module")
def server():
    return lab_host("airgap-registry")


@pytest.fixture(scope="module")
def client():
    return lab_host("airgap-client")


@pytest.fixture(scope="module")
def manifest():
    with open(os.path.join(BUNDLE, "manifest.json")) as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def address(server):
    return server.interface("eth0").addresses[0]


def test_packages_came_from_the_bundle(server, manifest):
    bundled = dict((deb["package"], deb["version"]) for deb in manifest["packages"]["amd64"]["debs"])
    for name in ("docker.io", "python3-yaml", "python3-bcrypt"):
        package = server.package(name)
        assert package.is_installed and package.version == bundled[name], name
    assert server.service("docker").is_running
    # The copied archive and apt's temp directory are gone.
    assert not server.file("/var/cache/anchorage-bundle-packages-amd64.tar").exists
    assert server.run("ls -d /tmp/anchorage-bundle-*").rc != 0


def test_no_way_out(server, client):
    for host in (server, client):
        assert host.run("curl -sS -m 5 -o /dev/null http://%s/", "deb.debian.org").rc != 0


@pytest.mark.parametrize("repository", ["library/registry:2.8.2", "mirror/registry:2.8.2"])
def test_seeded_images_pull_with_skopeo(client, address, repository):
    done = client.run("skopeo copy --src-tls-verify=false --src-creds %s:%s docker://%s:5000/%s dir:/tmp/pulled-%s",
                      ADMIN[0], ADMIN[1], address, repository, repository.split("/")[0])
    assert done.rc == 0, done.stderr


def test_seeded_image_pulls_with_containerd(client, address):
    done = client.run("ctr -n airgap images pull --plain-http --user %s:%s %s:5000/library/registry:2.8.2",
                      ADMIN[0], ADMIN[1], address)
    assert done.rc == 0, done.stderr
    assert "%s:5000/library/registry:2.8.2" % address in client.check_output("ctr -n airgap images ls -q")


def test_seeded_image_pulls_with_docker(client, address):
    login = client.run("echo %s | docker login --username %s --password-stdin %s:5000", ADMIN[1], ADMIN[0], address)
    assert login.rc == 0, login.stderr
    done = client.run("docker pull %s:5000/mirror/registry:2.8.2", address)
    assert done.rc == 0, done.stderr
    client.run("docker logout %s:5000", address)


def test_seeding_again_uploads_nothing(address):
    archive = "docker-archive:%s/images/registry.tar" % BUNDLE
    args = {"url": "http://%s:5000" % address, "username": ADMIN[0], "password": ADMIN[1],
            "images": [{"source": archive, "destination": "library/registry:2.8.2"},
                       {"source": archive, "destination": "mirror/registry:2.8.2"}]}
    path = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "images-args.json")
    with open(path, "w") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
    done = subprocess.run([sys.executable, MODULE, path], capture_output=True, text=True, timeout=120, check=False,
                          env=dict(os.environ, PYTHONPATH=os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], ".build", "collections")))
    result = json.loads(done.stdout)
    assert result["changed"] is False, result
    assert result["summary"] == dict(result["summary"], images=2, present=2, copied=0, bytes_uploaded=0)
    assert result["requests"] == 2
