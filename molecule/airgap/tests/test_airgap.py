"""Checks of the airgap scenario, run from the controller against the lab hosts.

The hosts sit on a Docker --internal network: what they have came from the bundle. Pulls run on
airgap-client over that network with real clients (skopeo, containerd's ctr, docker after node_trust).
"""

import hashlib
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


def bundled_version(manifest, name):
    return next(deb["version"] for deb in manifest["packages"]["amd64"]["debs"] if deb["package"] == name)


def only_the_index_stays(host, manifest):
    """The host kept the bundle's package index, the package files copied for it are gone."""
    assert host.check_output("ls -A /var/cache/anchorage-bundle").split() == ["Packages"]
    assert host.file("/var/cache/anchorage-bundle/Packages").sha256sum == manifest["packages"]["amd64"]["sha256"]
    assert host.run("ls -d /tmp/anchorage-bundle-*").rc != 0  # apt's temp directory


def test_packages_came_from_the_bundle(server, manifest):
    for name in ("docker.io", "python3-yaml", "python3-bcrypt"):
        package = server.package(name)
        assert package.is_installed and package.version == bundled_version(manifest, name), name
    assert server.service("docker").is_running
    only_the_index_stays(server, manifest)


def test_keepalived_came_from_the_bundle_and_holds_the_vip(server, manifest):
    package = server.package("keepalived")
    assert package.is_installed and package.version == bundled_version(manifest, "keepalived")
    assert server.service("keepalived").is_running
    # keepalived becomes MASTER a few adverts after its start (the registry check passing first).
    held = server.run("for i in $(seq 50); do ip -o address show to 172.28.40.100 | grep -q . && exit 0; sleep 0.2; done; exit 1")
    assert held.rc == 0, server.check_output("ip -o address show")


def test_client_got_tomlkit_from_the_bundle(client, manifest):
    package = client.package("python3-tomlkit")
    assert package.is_installed and package.version == bundled_version(manifest, "python3-tomlkit")
    only_the_index_stays(client, manifest)


def test_registry_answers_through_the_vip(client):
    status = client.check_output("curl -s -m 5 -o /dev/null -w '%%{http_code}' %s", "http://172.28.40.100:5000/v2/")
    assert status == "401"


def test_zot_image_is_in_k3s_airgap_images_dir(client, manifest):
    entry = next(image for image in manifest["images"] if image["name"] == "zot")
    placed = client.file("/var/lib/rancher/k3s/agent/images/anchorage-zot.tar")
    assert placed.is_file and placed.mode == 0o644 and placed.user == "root"
    assert placed.sha256sum == entry["sha256"] and entry["format"] == "oci-archive"
    # An OCI layout skopeo reads, its image named as the Deployment asks for it.
    inspected = json.loads(client.check_output("skopeo inspect oci-archive:%s", placed.path))
    assert inspected["Os"] == "linux" and inspected["Architecture"] == "amd64"
    index = json.loads(client.check_output("tar -xOf %s index.json", placed.path))
    assert [m["annotations"]["org.opencontainers.image.ref.name"] for m in index["manifests"]] == [
        "docker.io/anchorage-lab/registry:2.8.2"]


def test_containerd_imports_zot_image_under_the_deployments_name(client):
    # containerd's import, as k3s runs it on the directory's archives (k3s itself cannot run here).
    imported = client.run("ctr -n airgap-k3s images import --all-platforms /var/lib/rancher/k3s/agent/images/anchorage-zot.tar")
    assert imported.rc == 0, imported.stderr
    assert "docker.io/anchorage-lab/registry:2.8.2" in client.check_output("ctr -n airgap-k3s images ls -q").split()
    client.run("ctr -n airgap-k3s images rm docker.io/anchorage-lab/registry:2.8.2")


def test_bundle_holds_harbor_installer(manifest):
    # The harbor role's use of it runs in prepare (its checks, on the controller).
    entry = next(item for item in manifest["files"] if item["name"] == "harbor-installer")
    assert entry["file"] == "files/harbor-offline-installer-v2.16.0.tgz"
    with open(os.path.join(BUNDLE, entry["file"]), "rb") as handle:
        assert entry["sha256"] == hashlib.sha256(handle.read()).hexdigest()


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
