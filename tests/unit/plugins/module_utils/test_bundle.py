# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The offline bundle's parts: file names, the Packages index, the package directory apt reads.

Packages are real ``.deb`` files built with ``dpkg-deb --build``; the index is read back with
real ``apt-get`` (``--simulate``, its own directories: the machine's packages are not touched).
"""

from __future__ import annotations

import os
import subprocess

import pytest

from debs import build_deb, control_of

from ansible_collections.anchorage.registry.plugins.module_utils._bundle import (
    BundleError,
    apt_options,
    build_manifest,
    bundle_file,
    deb_fields,
    missing_packages,
    package_index,
    packages_stanza,
    read_packages_index,
    sha256_file,
    simulated_installs,
    write_repository,
)


@pytest.fixture
def debs(tmp_path):
    directory = tmp_path / "debs"
    directory.mkdir()
    return [build_deb(directory, "anchorage-app", "1:1.0-1", depends="anchorage-lib (>= 2)"),
            build_deb(directory, "anchorage-lib", "2.0")]


def test_deb_file_names():
    assert deb_fields("/x/keepalived_1%3a2.2.7-1+b2_amd64.deb") == ("keepalived", "1:2.2.7-1+b2", "amd64")
    with pytest.raises(BundleError, match="not a name_version_architecture.deb"):
        deb_fields("keepalived.deb")


def test_packages_stanza_points_apt_at_the_file():
    stanza = packages_stanza("Package: a\nVersion: 1\n", "a_1_all.deb", 10, "ab" * 32)
    assert stanza == "Package: a\nVersion: 1\nFilename: ./a_1_all.deb\nSize: 10\nSHA256: %s\n" % ("ab" * 32)


def test_missing_packages_reads_dpkg_query():
    out = "docker.io installed\nkeepalived not-installed\npython3-yaml:amd64 installed\n"
    assert missing_packages(out, ["docker.io", "keepalived", "python3-yaml", "skopeo"]) == ["keepalived", "skopeo"]


def test_index_reads_back_what_the_stanzas_say():
    stanzas = [packages_stanza("Package: a\nVersion: 1:1\nArchitecture: amd64\nDescription: x\n more\n", "a_1%3a1_amd64.deb",
                               10, "ab" * 32),
               packages_stanza("Package: b\nVersion: 2\nArchitecture: all\n", "b_2_all.deb", 20, "cd" * 32)]
    assert read_packages_index("\n".join(stanzas)) == {
        ("a", "1:1", "amd64"): {"file": "a_1%3a1_amd64.deb", "sha256": "ab" * 32, "size": 10},
        ("b", "2", "all"): {"file": "b_2_all.deb", "sha256": "cd" * 32, "size": 20}}


def test_simulated_installs_in_apts_order():
    out = ("NOTE: This is only a simulation!\nInst libfoo [1.0-1] (1.2-1 Debian:12.8/stable [amd64])\n"
           "Inst keepalived (1:2.2.7-1+b2 localhost [amd64])\nConf libfoo (1.2-1 Debian:12.8/stable [amd64])\n")
    assert simulated_installs(out) == [("libfoo", "1.2-1", "amd64"), ("keepalived", "1:2.2.7-1+b2", "amd64")]


def test_repository_is_the_same_for_the_same_packages(debs, tmp_path):
    directory = tmp_path / "bundle" / "packages" / "all"
    first = write_repository(debs, control_of, str(directory))
    assert first["changed"] is True and first["sha256"] == sha256_file(str(directory / "Packages"))
    assert first["size"] == os.path.getsize(str(directory / "Packages"))
    assert [(d["package"], d["version"], d["file"]) for d in first["debs"]] == [
        ("anchorage-app", "1:1.0-1", "anchorage-app_1%3a1.0-1_all.deb"), ("anchorage-lib", "2.0", "anchorage-lib_2.0_all.deb")]
    assert sorted(os.listdir(str(directory))) == ["Packages", "anchorage-app_1%3a1.0-1_all.deb", "anchorage-lib_2.0_all.deb"]
    assert all(sha256_file(str(directory / d["file"])) == d["sha256"] for d in first["debs"])
    os.utime(debs[0], (1, 1))  # a newer download of the same file changes nothing
    again = write_repository(list(reversed(debs)), control_of, str(directory))
    assert again == dict(first, changed=False)


def test_repository_drops_packages_no_longer_downloaded_and_mends_damaged_ones(debs, tmp_path):
    directory = tmp_path / "packages" / "all"
    write_repository(debs, control_of, str(directory))
    (directory / "anchorage-app_1%3a1.0-1_all.deb").write_bytes(b"damaged")
    kept = write_repository(debs[:1], control_of, str(directory))
    assert kept["changed"] is True and [d["package"] for d in kept["debs"]] == ["anchorage-app"]
    assert sorted(os.listdir(str(directory))) == ["Packages", "anchorage-app_1%3a1.0-1_all.deb"]
    assert sha256_file(str(directory / "anchorage-app_1%3a1.0-1_all.deb")) == sha256_file(debs[0])
    assert list(read_packages_index((directory / "Packages").read_text())) == [("anchorage-app", "1:1.0-1", "all")]


def test_check_mode_writes_nothing(debs, tmp_path):
    directory = tmp_path / "bundle" / "packages" / "all"
    planned = write_repository(debs, control_of, str(directory), check_mode=True)
    assert planned["changed"] is True and not (tmp_path / "bundle").exists()


def test_apt_resolves_dependencies_from_the_index_alone(debs, tmp_path):
    directory = tmp_path / "packages" / "all"
    write_repository(debs, control_of, str(directory))
    host = tmp_path / "host"  # what a host receives first: the index, no package file
    host.mkdir()
    (host / "Packages").write_bytes((directory / "Packages").read_bytes())
    root = tmp_path / "apt"
    options = apt_options(str(root), str(host))
    subprocess.run(["apt-get", "-q"] + options + ["update"], check=True, capture_output=True, timeout=120)
    done = subprocess.run(["apt-get", "-q", "--simulate"] + options + ["install", "anchorage-app"], capture_output=True, check=False,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert simulated_installs(done.stdout) == [("anchorage-lib", "2.0", "all"), ("anchorage-app", "1:1.0-1", "all")]


def test_manifest_lists_checksums_and_missing_images(debs, tmp_path):
    root = tmp_path / "bundle"
    repository = write_repository(debs, control_of, str(root / "packages" / "all"))
    (root / "images").mkdir()
    (root / "images" / "registry.tar").write_bytes(b"image")
    image = {"name": "registry", "file": "images/registry.tar", "format": "docker-archive", "reference": "r:1",
             "source": "docker://r:1"}
    manifest = build_manifest(str(root), {"all": dict(repository, requested=["anchorage-app"])}, [image])
    assert manifest["packages"]["all"]["file"] == package_index("all") == "packages/all/Packages"
    assert manifest["packages"]["all"]["sha256"] == sha256_file(str(root / "packages" / "all" / "Packages"))
    assert manifest["packages"]["all"]["debs"] == repository["debs"]
    assert manifest["images"][0]["sha256"] == sha256_file(str(root / "images" / "registry.tar"))
    missing = dict(image, name="zot", file="images/zot.tar")
    assert build_manifest(str(root), {}, [missing], check_mode=True)["images"][0]["sha256"] is None
    with pytest.raises(BundleError, match="images/zot.tar \\(zot\\) is missing"):
        build_manifest(str(root), {}, [missing])


def test_manifest_lists_other_files_by_name(tmp_path):
    root = tmp_path / "bundle"
    (root / "files").mkdir(parents=True)
    (root / "files" / "harbor-offline-installer-v2.16.0.tgz").write_bytes(b"installer")
    installer = {"name": "harbor-installer", "file": "files/harbor-offline-installer-v2.16.0.tgz",
                 "source": "https://example.org/harbor-offline-installer-v2.16.0.tgz"}
    manifest = build_manifest(str(root), {}, [], [installer])
    assert manifest["files"] == [dict(installer, sha256=sha256_file(str(root / installer["file"])), size=9)]
    missing = dict(installer, name="other", file="files/other.tgz")
    with pytest.raises(BundleError, match="^files: files/other.tgz \\(other\\) is missing$"):
        build_manifest(str(root), {}, [], [installer, missing])


@pytest.mark.parametrize("source", ["https://example.org/v2.16.0/harbor-offline-installer-v2.16.0.tgz?download=1",
                                    "/srv/harbor-offline-installer-v2.16.0.tgz"])
def test_a_file_keeps_its_name_in_the_bundle(source):
    assert bundle_file(source) == "files/harbor-offline-installer-v2.16.0.tgz"
