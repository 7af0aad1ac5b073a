# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import os
import stat
import tomllib

from ansible_collections.anchorage.registry.plugins.modules import containerd_hosts

AUTH = "Basic do-not-show-this-header"


def registries():
    return [
        {"name": "10.0.0.5:5000", "server": "http://10.0.0.5:5000",
         "hosts": [{"url": "http://10.0.0.5:5000", "capabilities": ["pull", "resolve", "push"]}]},
        {"name": "docker.io", "hosts": [{"url": "https://reg.example:5443", "capabilities": ["pull", "resolve"],
                                         "ca": ["/ca/reg.example:5443/ca.crt"], "header": {"authorization": AUTH}}]},
    ]


def test_check_mode_then_write_then_no_op(run_module, tmp_path):
    root = tmp_path / "certs.d"
    check = run_module(containerd_hosts, {"path": str(root), "registries": registries()}, check_mode=True, diff=True)
    assert check["changed"] is True and check["restart_required"] is False
    assert not root.exists()
    assert len(check["diff"]) == 2
    first = run_module(containerd_hosts, {"path": str(root), "registries": registries()})
    assert first["changed"] is True
    hub = tomllib.loads((root / "docker.io" / "hosts.toml").read_text())
    assert hub["host"]["https://reg.example:5443"]["header"] == {"authorization": AUTH}
    assert stat.S_IMODE(os.stat(str(root / "docker.io" / "hosts.toml")).st_mode) == 0o600  # it holds credentials
    assert stat.S_IMODE(os.stat(str(root / "10.0.0.5:5000" / "hosts.toml")).st_mode) == 0o644
    second = run_module(containerd_hosts, {"path": str(root), "registries": registries()})
    assert second["changed"] is False


def test_header_values_are_masked_in_the_output(run_module, tmp_path):
    result = run_module(containerd_hosts, {"path": str(tmp_path), "registries": registries()}, diff=True)
    assert "do-not-show-this-header" not in json.dumps(result)


def test_old_header_values_are_masked_when_they_change_or_leave(run_module, tmp_path):
    root = tmp_path / "certs.d"
    old = registries()
    old[1]["hosts"][0]["header"] = {"authorization": "Basic old-credential-Zx9"}
    run_module(containerd_hosts, {"path": str(root), "registries": old})
    rotated = run_module(containerd_hosts, {"path": str(root), "registries": registries()}, diff=True)
    assert rotated["changed"] is True and "old-credential-Zx9" not in json.dumps(rotated)
    # Masked alike, the old and new header would make both sides equal: --diff would print nothing.
    (hub,) = [d for d in rotated["diff"] if d["before"] != d["after"]]
    assert hub["after_header"] == str(root / "docker.io" / "hosts.toml") and "********" in hub["after"]
    removed = run_module(containerd_hosts, {"path": str(root), "registries": registries()[:1]}, diff=True)
    assert removed["changed"] is True and "do-not-show-this-header" not in json.dumps(removed)


def test_a_registry_leaving_the_list_leaves_the_disk_and_others_dirs_stay(run_module, tmp_path):
    root = tmp_path / "certs.d"
    (root / "quay.io").mkdir(parents=True)
    (root / "quay.io" / "hosts.toml").write_text("# theirs\n")
    run_module(containerd_hosts, {"path": str(root), "registries": registries()})
    check = run_module(containerd_hosts, {"path": str(root), "registries": registries()[:1]}, check_mode=True)
    assert check["changed"] is True and (root / "docker.io").exists()
    result = run_module(containerd_hosts, {"path": str(root), "registries": registries()[:1]})
    assert result["changed"] is True and str(root / "docker.io") in result["removed"]
    assert sorted(os.listdir(str(root))) == ["10.0.0.5:5000", "quay.io"]
    assert (root / "quay.io" / "hosts.toml").read_text() == "# theirs\n"


def test_a_directory_someone_else_made_is_refused_before_any_write(run_module, tmp_path):
    root = tmp_path / "certs.d"
    (root / "docker.io").mkdir(parents=True)
    result = run_module(containerd_hosts, {"path": str(root), "registries": registries()})
    assert result["failed"] is True
    assert result["msg"].startswith("registries: %s exists and was not created by anchorage.registry" % (root / "docker.io"))
    assert os.listdir(str(root)) == ["docker.io"] and os.listdir(str(root / "docker.io")) == []


def test_bad_entries_fail_naming_their_place(run_module, tmp_path):
    result = run_module(containerd_hosts, {"path": str(tmp_path), "registries": [
        {"name": "https://docker.io", "hosts": [{"url": "ftp://m"}]}, {"name": "_default", "hosts": []}]})
    assert result["failed"] is True
    assert "registries[0].name: 'https://docker.io' is a URL" in result["msg"]
    assert "registries[0].hosts[0].url: 'ftp://m': the scheme must be http:// or https://" in result["msg"]
    assert "registries[1].hosts: give at least one host" in result["msg"]
    assert os.listdir(str(tmp_path)) == []
