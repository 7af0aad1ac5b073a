# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""bundle_manifest and bundle_install on real files, with real dpkg-deb packages.

bundle_install's real installation changes the machine it runs on: the airgap molecule scenario
runs it on a lab host. Here: everything up to apt (nothing missing, a checksum that does not
match, check mode).
"""

from __future__ import annotations

import json
import os

from debs import build_deb

from ansible_collections.anchorage.registry.plugins.module_utils._bundle import sha256_file
from ansible_collections.anchorage.registry.plugins.modules import bundle_install, bundle_manifest


def _bundle_args(tmp_path):
    debs = tmp_path / "cache"
    debs.mkdir()
    build_deb(debs, "anchorage-app", "1.0")
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
    assert manifest["packages"]["amd64"]["sha256"] == sha256_file(str(tmp_path / "bundle" / "packages" / "amd64.tar"))
    assert manifest["images"][0]["file"] == "images/registry.tar" and manifest["images"][0]["format"] == "docker-archive"
    assert manifest["files"] == []
    again = run_module(bundle_manifest, args)
    assert again["changed"] is False and again["packages_rebuilt"] == []


def test_manifest_names_an_empty_download_directory(run_module, tmp_path):
    args = dict(_bundle_args(tmp_path), directories={"arm64": str(tmp_path / "nothing")})
    result = run_module(bundle_manifest, args)
    assert result["failed"] is True and result["msg"].startswith("directories.arm64: ")


def test_install_does_nothing_when_everything_is_installed(run_module, tmp_path):
    result = run_module(bundle_install, {"archive": str(tmp_path / "absent.tar"), "sha256": "0" * 64,
                                         "names": ["dpkg", "apt"]})
    assert result["changed"] is False and result["missing"] == [] and "failed" not in result


def test_install_refuses_an_archive_that_does_not_match(run_module, tmp_path):
    args = _bundle_args(tmp_path)
    run_module(bundle_manifest, args)
    archive = str(tmp_path / "bundle" / "packages" / "amd64.tar")
    wrong = run_module(bundle_install, {"archive": archive, "sha256": "0" * 64, "names": ["dpkg", "anchorage-app"],
                                        "label": "anchorage_bundle packages/amd64.tar"})
    assert wrong["failed"] is True and wrong["missing"] == ["anchorage-app"] and wrong["installed"] == []
    assert wrong["msg"].startswith("anchorage_bundle packages/amd64.tar: sha256 is %s, the bundle's manifest says" % (
        sha256_file(archive)))
    planned = run_module(bundle_install, {"archive": archive, "sha256": sha256_file(archive), "names": ["anchorage-app"]},
                         check_mode=True)
    assert planned["changed"] is True and planned["missing"] == ["anchorage-app"] and planned["installed"] == []


def test_manifest_names_other_files_after_their_source(run_module, tmp_path):
    args = _bundle_args(tmp_path)
    (tmp_path / "bundle" / "files").mkdir()
    (tmp_path / "bundle" / "files" / "installer.tgz").write_bytes(b"an installer")
    args["files"] = [{"name": "harbor-installer", "source": "https://example.org/dl/installer.tgz"}]
    result = run_module(bundle_manifest, args)
    assert result["manifest"]["files"] == [{
        "name": "harbor-installer", "file": "files/installer.tgz", "source": "https://example.org/dl/installer.tgz",
        "sha256": sha256_file(str(tmp_path / "bundle" / "files" / "installer.tgz")), "size": 12}]
