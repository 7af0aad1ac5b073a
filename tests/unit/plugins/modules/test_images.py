# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The images module against real Distribution processes, with sources made by real skopeo.

A two-platform image (amd64 and arm64, sharing a base layer) is written as an OCI layout here;
skopeo turns it into the sources the module reads: a docker-archive, an OCI layout of its own
and an image in a source registry. What the target holds is read back with skopeo.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import subprocess
import tarfile
import urllib.request

import pytest

from ansible_collections.anchorage.registry.plugins.modules import images
from harbor_double import ADMIN

PASSWORD = "images-admin-password"
SOURCE_PASSWORD = "images-source-password"
INDEX_TYPE = "application/vnd.oci.image.index.v1+json"
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"


def _digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _layer(name, size):
    """A gzip layer of one file whose content depends on ``name`` only."""
    content = b"".join(hashlib.sha256(("%s-%d" % (name, i)).encode()).digest() for i in range(size // 32))
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.size, info.mtime = len(content), 0
        tar.addfile(info, io.BytesIO(content))
    return raw.getvalue(), gzip.compress(raw.getvalue(), mtime=0)


def _write_blob(layout, data):
    digest = _digest(data)
    (layout / "blobs" / "sha256" / digest.split(":")[1]).write_bytes(data)
    return {"digest": digest, "size": len(data)}


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """``{"hand": layout, "archive": docker-archive, "layout": skopeo's layout, "index": digest}``."""
    root = tmp_path_factory.mktemp("image-sources")
    hand = root / "hand"
    (hand / "blobs" / "sha256").mkdir(parents=True)
    (hand / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    base_tar, base = _layer("base.bin", 192 * 1024)
    children = []
    for arch in ("amd64", "arm64"):
        arch_tar, arch_layer = _layer("%s.bin" % arch, 64 * 1024)
        config = json.dumps({"architecture": arch, "os": "linux", "config": {"Cmd": ["/bin/true"]},
                             "rootfs": {"type": "layers", "diff_ids": [_digest(base_tar), _digest(arch_tar)]}}).encode()
        layers = [dict(_write_blob(hand, blob), mediaType="application/vnd.oci.image.layer.v1.tar+gzip")
                  for blob in (base, arch_layer)]
        manifest = json.dumps({"schemaVersion": 2, "mediaType": MANIFEST_TYPE, "layers": layers, "config": dict(
            _write_blob(hand, config), mediaType="application/vnd.oci.image.config.v1+json")}).encode()
        children.append(dict(_write_blob(hand, manifest), mediaType=MANIFEST_TYPE,
                             platform={"architecture": arch, "os": "linux"}))
    index = json.dumps({"schemaVersion": 2, "mediaType": INDEX_TYPE, "manifests": children}).encode()
    top = dict(_write_blob(hand, index), mediaType=INDEX_TYPE, annotations={"org.opencontainers.image.ref.name": "1.0"})
    (hand / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [top]}))

    def skopeo(*args):
        subprocess.run(["skopeo", "--insecure-policy"] + list(args), check=True, capture_output=True, timeout=120)

    skopeo("copy", "--all", "oci:%s:1.0" % hand, "oci:%s:1.0" % (root / "layout"))
    skopeo("copy", "--override-arch", "amd64", "oci:%s:1.0" % hand, "docker-archive:%s:example/app:1.0" % (root / "app.tar"))
    return {"hand": hand, "archive": root / "app.tar", "layout": root / "layout", "index": top["digest"],
            "skopeo": skopeo}


def _args(registry, items, **options):
    return dict(options, url=registry.url, images=items, timeout=10)


def _raw(registry, reference, *extra):
    done = subprocess.run(["skopeo", "inspect", "--raw", "--tls-verify=false"] + list(extra)
                          + ["docker://%s/%s" % (registry.address, reference)], capture_output=True, timeout=60, check=False)
    assert done.returncode == 0 or b"manifest unknown" in done.stderr, done.stderr
    return done.stdout if done.returncode == 0 else None


def _catalog(registry):
    with urllib.request.urlopen(registry.url + "/v2/_catalog", timeout=10) as response:
        return json.loads(response.read())["repositories"]


def test_docker_archive_copied_then_nothing_uploaded(run_module, distribution, sources, tmp_path):
    target = distribution()
    args = _args(target, [{"source": "docker-archive:%s" % sources["archive"]}])
    first = run_module(images, args)
    assert first["changed"] is True, first
    image = first["images"][0]
    assert image["status"] == "copied" and image["destination"] == "example/app:1.0"
    # The archive's config and both uncompressed layers, as docker save stores them.
    with tarfile.open(str(sources["archive"])) as tar:
        entry = json.loads(tar.extractfile("manifest.json").read())[0]
        archived = sum(tar.getmember(name).size for name in [entry["Config"]] + entry["Layers"])
    assert image["blobs_uploaded"] == 3 and image["bytes_uploaded"] == archived
    assert first["summary"]["images"] == 1 and first["summary"]["bytes_uploaded"] == archived
    # A real client pulls it back: every blob is served and matches its digest.
    sources["skopeo"]("copy", "--src-tls-verify=false", "docker://%s/example/app:1.0" % target.address,
                      "dir:%s" % (tmp_path / "pulled"))
    assert _digest((tmp_path / "pulled" / "manifest.json").read_bytes()) == image["digest"]

    second = run_module(images, args)
    assert second["changed"] is False
    assert second["images"][0]["status"] == "present" and second["images"][0]["digest"] == image["digest"]
    assert second["summary"]["bytes_uploaded"] == 0 and second["requests"] == 1  # one HEAD of the tag


def test_multi_arch_layout_keeps_its_digests(run_module, distribution, sources):
    target = distribution()
    items = [{"source": "oci:%s:1.0" % sources["layout"], "destination": "team/app"},
             {"source": "oci:%s" % sources["layout"], "destination": "other/app:1.0"}]
    first = run_module(images, _args(target, items))
    assert first["changed"] is True, first
    one, two = first["images"]
    assert one["digest"] == two["digest"] == sources["index"]
    assert one["manifests_pushed"] == 3 and one["media_type"] == INDEX_TYPE
    # 3 distinct layers and 2 configs, uploaded once; the second repository mounts them.
    assert one["blobs_uploaded"] == 5 and one["blobs_present"] == 1
    assert two["blobs_uploaded"] == 0 and two["bytes_uploaded"] == 0 and two["blobs_mounted"] == 5
    assert _digest(_raw(target, "team/app:1.0")) == sources["index"]
    for arch in ("amd64", "arm64"):
        manifest = _raw(target, "other/app:1.0", "--override-arch", arch)
        assert manifest is not None and json.loads(manifest)["schemaVersion"] == 2
    children = [child["digest"] for child in json.loads(_raw(target, "team/app:1.0"))["manifests"]]
    assert all(_raw(target, "team/app@" + digest) for digest in children)

    again = run_module(images, _args(target, items))
    assert again["changed"] is False and again["summary"]["present"] == 2
    assert again["summary"]["bytes_uploaded"] == 0 and again["requests"] == 2


def test_registry_source_check_mode_then_copy(run_module, distribution, htpasswd_distribution, sources):
    source = htpasswd_distribution({"reader": SOURCE_PASSWORD})
    sources["skopeo"]("copy", "--all", "--dest-tls-verify=false", "--dest-creds", "reader:%s" % SOURCE_PASSWORD,
                      "oci:%s:1.0" % sources["hand"], "docker://%s/src/app:1.0" % source.address)
    target = htpasswd_distribution({"admin": PASSWORD})
    item = {"source": "docker://%s/src/app:1.0" % source.address, "destination": "mirror/app",
            "source_username": "reader", "source_password": SOURCE_PASSWORD, "source_plain_http": True}
    args = _args(target, [item], username="admin", password=PASSWORD)

    planned = run_module(images, args, check_mode=True)
    assert planned["changed"] is True and planned["images"][0]["status"] == "would copy"
    assert planned["summary"]["bytes_uploaded"] > 0 and planned["images"][0]["manifests_pushed"] == 3
    assert _raw(target, "mirror/app:1.0", "--creds", "admin:%s" % PASSWORD) is None

    copied = run_module(images, args)
    assert copied["changed"] is True and copied["images"][0]["digest"] == sources["index"]
    assert copied["summary"]["bytes_uploaded"] == planned["summary"]["bytes_uploaded"]
    assert _digest(_raw(target, "mirror/app:1.0", "--creds", "admin:%s" % PASSWORD)) == sources["index"]
    again = run_module(images, args, check_mode=True)
    assert again["changed"] is False and again["summary"]["bytes_uploaded"] == 0
    assert PASSWORD not in json.dumps([planned, copied, again]) and SOURCE_PASSWORD not in json.dumps(copied)


def test_a_new_tag_of_present_content_uploads_nothing(run_module, distribution, sources):
    target = distribution()
    run_module(images, _args(target, [{"source": "oci:%s" % sources["layout"], "destination": "team/app:1.0"}]))
    retag = run_module(images, _args(target, [{"source": "oci:%s" % sources["layout"], "destination": "team/app:stable"}]))
    image = retag["images"][0]
    assert retag["changed"] is True and image["bytes_uploaded"] == 0 and image["manifests_pushed"] == 1
    assert _digest(_raw(target, "team/app:stable")) == sources["index"]


def test_bad_items_are_named_and_nothing_is_sent(run_module, distribution, sources, tmp_path):
    target = distribution()
    items = [
        {"source": "docker-archive:%s" % sources["archive"]},  # fine, but nothing may be copied
        {"source": "docker://registry.example/Bad Name:1"},
        {"source": "docker-archive:%s" % (tmp_path / "missing.tar")},
        {"source": "oci:%s" % sources["layout"]},
        {"source": "oci:%s:2.0" % sources["layout"], "destination": "team/app"},
        {"source": "alpine:3.20"},
        {"source": "docker-archive:%s" % sources["archive"], "destination": "registry.example:5000/team/app"},
    ]
    result = run_module(images, _args(target, items))
    assert result["failed"] is True
    assert [error.split(":")[0] for error in result["errors"]] == [
        "images[1].source", "images[2].source", "images[3].destination", "images[4].source",
        "images[5].source", "images[6].destination"]
    assert "missing.tar: no such archive" in result["errors"][1]
    assert "holds no image named 2.0 (it holds 1.0)" in result["errors"][3]
    assert _catalog(target) == []


def test_harbor_projects_created_once(run_module, htpasswd_distribution, harbor, sources):
    # Distribution stands in for Harbor's registry, the Harbor double behind Prism for its API.
    target = htpasswd_distribution({ADMIN[0]: ADMIN[1]})
    args = _args(target, [{"source": "docker-archive:%s" % sources["archive"], "destination": "seeded/app:1.0"}],
                 username=ADMIN[0], password=ADMIN[1], harbor_projects=True, harbor_api_url=harbor.prism.url)
    planned = run_module(images, args, check_mode=True)
    assert planned["harbor_projects_created"] == ["seeded"] and harbor.double.project_named("seeded") is None
    first = run_module(images, args)
    assert first["harbor_projects_created"] == ["seeded"]
    assert harbor.double.project_named("seeded")["metadata"]["public"] == "false"
    again = run_module(images, args)
    assert again["changed"] is False and again["harbor_projects_created"] == []
    unscoped = run_module(images, dict(args, images=[{"source": "docker-archive:%s" % sources["archive"],
                                                      "destination": "app"}]))
    assert unscoped["failed"] is True and "app: Harbor needs project/repository destinations" in unscoped["msg"]
