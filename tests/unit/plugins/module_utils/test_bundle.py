# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The offline bundle's parts: file names, the Packages index, the archive, the repository apt reads.

Packages are real ``.deb`` files built with ``dpkg-deb --build``; the index is read back with
real ``apt-get`` (``--simulate``, its own directories: the machine's packages are not touched).
"""

from __future__ import annotations

import os
import subprocess
import tarfile

import pytest

from debs import build_deb, control_of

from ansible_collections.anchorage.registry.plugins.module_utils._bundle import (
    BundleError,
    apt_options,
    build_manifest,
    bundle_file,
    deb_fields,
    missing_packages,
    packages_stanza,
    sha256_file,
    unpack_repository,
    write_packages_archive,
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


def test_archive_is_the_same_bytes_for_the_same_packages(debs, tmp_path):
    path = str(tmp_path / "bundle" / "packages" / "all.tar")
    first = write_packages_archive(debs, control_of, path)
    assert first["changed"] is True and first["sha256"] == sha256_file(path)
    assert [(d["package"], d["version"]) for d in first["debs"]] == [("anchorage-app", "1:1.0-1"), ("anchorage-lib", "2.0")]
    os.utime(debs[0], (1, 1))  # a newer download of the same file changes nothing
    again = write_packages_archive(list(reversed(debs)), control_of, path)
    assert again["changed"] is False and again["sha256"] == first["sha256"]
    with tarfile.open(path) as tar:
        assert tar.getnames() == ["Packages", "anchorage-app_1%3a1.0-1_all.deb", "anchorage-lib_2.0_all.deb"]
        assert {member.mtime for member in tar.getmembers()} == {0}


def test_check_mode_writes_nothing(debs, tmp_path):
    path = tmp_path / "bundle" / "packages" / "all.tar"
    planned = write_packages_archive(debs, control_of, str(path), check_mode=True)
    assert planned["changed"] is True and not (tmp_path / "bundle").exists()


def test_apt_resolves_dependencies_from_the_unpacked_archive(debs, tmp_path):
    archive = str(tmp_path / "all.tar")
    write_packages_archive(debs, control_of, archive)
    root = tmp_path / "apt"
    root.mkdir()
    unpack_repository(archive, str(root))
    options = apt_options(str(root))
    subprocess.run(["apt-get", "-q"] + options + ["update"], check=True, capture_output=True, timeout=120)
    done = subprocess.run(["apt-get", "-q", "--simulate"] + options + ["install", "anchorage-app"], capture_output=True, check=False,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Inst anchorage-lib (2.0" in done.stdout and "Inst anchorage-app (1:1.0-1" in done.stdout


def test_unpacking_refuses_paths(tmp_path):
    archive = tmp_path / "evil.tar"
    with tarfile.open(str(archive), "w") as tar:
        (tmp_path / "x").write_text("x")
        tar.add(str(tmp_path / "x"), arcname="../x_1_all.deb")
    root = tmp_path / "apt"
    root.mkdir()
    with pytest.raises(BundleError, match="'../x_1_all.deb' is not a package file"):
        unpack_repository(str(archive), str(root))


def test_manifest_lists_checksums_and_missing_images(debs, tmp_path):
    root = tmp_path / "bundle"
    archive = write_packages_archive(debs, control_of, str(root / "packages" / "all.tar"))
    (root / "images").mkdir()
    (root / "images" / "registry.tar").write_bytes(b"image")
    image = {"name": "registry", "file": "images/registry.tar", "format": "docker-archive", "reference": "r:1",
             "source": "docker://r:1"}
    manifest = build_manifest(str(root), {"all": dict(archive, requested=["anchorage-app"])}, [image])
    assert manifest["packages"]["all"]["file"] == "packages/all.tar"
    assert manifest["packages"]["all"]["sha256"] == sha256_file(str(root / "packages" / "all.tar"))
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
