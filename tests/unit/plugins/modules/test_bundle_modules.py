# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""bundle_manifest and bundle_install on real files, with real dpkg-deb packages.

bundle_install's real installation changes the machine it runs on: the airgap molecule scenario
runs it on a lab host. Here: everything up to apt's installation (nothing missing, check mode's
plan from real apt against this machine's package database, an index or a package file that
does not match, a package file not copied).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile

import pytest

from debs import build_deb

from ansible_collections.anchorage.registry.plugins.module_utils._bundle import sha256_file
from ansible_collections.anchorage.registry.plugins.modules import bundle_install, bundle_manifest


def _bundle_args(tmp_path):
    debs = tmp_path / "cache"
    debs.mkdir()
    build_deb(debs, "anchorage-app", "1.0", depends="anchorage-lib")
    build_deb(debs, "anchorage-lib", "2.0")
    root = tmp_path / "bundle"
    (root / "images").mkdir(parents=True)
    (root / "images" / "registry.tar").write_bytes(b"an image archive")
    return {"path": str(root), "packages": ["anchorage-app"], "directories": {"amd64": str(debs)},
            "images": [{"name": "registry", "reference": "anchorage-lab/registry:2.8.2", "source": "docker-archive:/x.tar"}]}


def test_manifest_written_once_and_check_mode_writes_nothing(run_module, tmp_path):
    args = _bundle_args(tmp_path)
    planned = run_module(bundle_manifest, args, check_mode=True)
    assert planned["changed"] is True and planned["packages_rebuilt"] == ["amd64"]
    assert sorted(os.listdir(args["path"])) == ["images"]
    first = run_module(bundle_manifest, args, diff=True)
    assert first["changed"] is True and "anchorage-app" in first["diff"]["after"]
    manifest = json.loads((tmp_path / "bundle" / "manifest.json").read_text())
    assert manifest == first["manifest"]
    assert manifest["packages"]["amd64"]["sha256"] == sha256_file(str(tmp_path / "bundle" / "packages" / "amd64" / "Packages"))
    assert manifest["images"][0]["file"] == "images/registry.tar" and manifest["images"][0]["format"] == "docker-archive"
    assert manifest["files"] == []
    again = run_module(bundle_manifest, args)
    assert again["changed"] is False and again["packages_rebuilt"] == []


def test_manifest_names_an_empty_download_directory(run_module, tmp_path):
    args = dict(_bundle_args(tmp_path), directories={"arm64": str(tmp_path / "nothing")})
    result = run_module(bundle_manifest, args)
    assert result["failed"] is True and result["msg"].startswith("directories.arm64: ")


def test_install_does_nothing_when_everything_is_installed(run_module, tmp_path):
    result = run_module(bundle_install, {"repository": str(tmp_path / "absent"), "sha256": "0" * 64,
                                         "names": ["dpkg", "apt"]})
    assert result["changed"] is False and result["missing"] == [] and result["debs"] == [] and "failed" not in result


@pytest.fixture
def host_copy(tmp_path):
    """``(files=())`` -> a directory with what the role puts on a host: the bundle's index for amd64
    and ``files`` of its packages. Outside tmp_path: apt reads it as its _apt user, as the role's
    /var/cache/anchorage-bundle."""
    host = tempfile.mkdtemp(prefix="anchorage-unit-bundle-")
    os.chmod(host, 0o755)

    def copy(files=()):
        for name in ("Packages",) + tuple(files):
            shutil.copyfile(str(tmp_path / "bundle" / "packages" / "amd64" / name), os.path.join(host, name))
        return host

    yield copy
    shutil.rmtree(host)


def test_check_mode_says_which_package_files_the_host_needs(run_module, tmp_path, host_copy):
    args = _bundle_args(tmp_path)
    manifest = run_module(bundle_manifest, args)["manifest"]["packages"]["amd64"]
    no_index = run_module(bundle_install, {"repository": str(tmp_path / "absent"), "sha256": manifest["sha256"],
                                           "names": ["anchorage-app"], "label": "anchorage_bundle packages/amd64"},
                          check_mode=True)
    assert no_index["changed"] is True and no_index["debs"] == [] and "failed" not in no_index
    assert no_index["msg"] == "would install anchorage-app from anchorage_bundle packages/amd64"
    host = host_copy()
    planned = run_module(bundle_install, {"repository": host, "sha256": manifest["sha256"], "names": ["dpkg", "anchorage-app"]},
                         check_mode=True)
    assert planned["changed"] is True and planned["missing"] == ["anchorage-app"] and planned["installed"] == []
    # apt's order, from the index: the dependency first; this machine has neither.
    by_file = {deb["file"]: deb for deb in manifest["debs"]}
    assert planned["debs"] == [by_file["anchorage-lib_2.0_all.deb"], by_file["anchorage-app_1.0_all.deb"]]
    assert sorted(os.listdir(host)) == ["Packages"]


def test_install_refuses_an_index_that_does_not_match(run_module, tmp_path, host_copy):
    args = _bundle_args(tmp_path)
    run_module(bundle_manifest, args)
    host = host_copy()
    wrong = run_module(bundle_install, {"repository": host, "sha256": "0" * 64, "names": ["dpkg", "anchorage-app"],
                                        "label": "anchorage_bundle packages/amd64"})
    assert wrong["failed"] is True and wrong["missing"] == ["anchorage-app"] and wrong["installed"] == []
    assert wrong["msg"] == ("anchorage_bundle packages/amd64/Packages: sha256 is %s, the bundle's manifest says %s: "
                            "nothing installed" % (sha256_file(os.path.join(host, "Packages")), "0" * 64))


def test_install_refuses_a_package_file_that_does_not_match_or_is_not_there(run_module, tmp_path, host_copy):
    args = _bundle_args(tmp_path)
    manifest = run_module(bundle_manifest, args)["manifest"]["packages"]["amd64"]
    install = {"sha256": manifest["sha256"], "names": ["anchorage-app"], "label": "anchorage_bundle packages/amd64"}
    host = host_copy(["anchorage-app_1.0_all.deb", "anchorage-lib_2.0_all.deb"])
    with open(os.path.join(host, "anchorage-lib_2.0_all.deb"), "ab") as handle:
        handle.write(b"damaged")
    damaged = run_module(bundle_install, dict(install, repository=host))
    lib = next(deb for deb in manifest["debs"] if deb["package"] == "anchorage-lib")
    assert damaged["failed"] is True and damaged["installed"] == []
    assert damaged["msg"].startswith("anchorage_bundle packages/amd64/anchorage-lib_2.0_all.deb: sha256 is ")
    assert damaged["msg"].endswith(", the bundle's manifest says %s: nothing installed" % lib["sha256"])
    # Refused: the package files are gone, the checked index stays for the next run.
    assert sorted(os.listdir(host)) == ["Packages"]
    shutil.copyfile(str(tmp_path / "bundle" / "packages" / "amd64" / "anchorage-lib_2.0_all.deb"),
                    os.path.join(host, "anchorage-lib_2.0_all.deb"))
    lacking = run_module(bundle_install, dict(install, repository=host))
    assert lacking["failed"] is True
    assert lacking["msg"] == "anchorage_bundle packages/amd64/anchorage-app_1.0_all.deb: not on the host: nothing installed"
    assert run_module(bundle_install, dict(install, repository=host), check_mode=True)["missing"] == ["anchorage-app"]


def test_manifest_names_other_files_after_their_source(run_module, tmp_path):
    args = _bundle_args(tmp_path)
    (tmp_path / "bundle" / "files").mkdir()
    (tmp_path / "bundle" / "files" / "installer.tgz").write_bytes(b"an installer")
    args["files"] = [{"name": "harbor-installer", "source": "https://example.org/dl/installer.tgz"}]
    result = run_module(bundle_manifest, args)
    assert result["manifest"]["files"] == [{
        "name": "harbor-installer", "file": "files/installer.tgz", "source": "https://example.org/dl/installer.tgz",
        "sha256": sha256_file(str(tmp_path / "bundle" / "files" / "installer.tgz")), "size": 12}]
