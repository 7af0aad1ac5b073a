# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible.module_utils.basic import AnsibleModule
from module_args import patch_module_args

from ansible_collections.anchorage.registry.plugins.module_utils._managed_dirs import (
    MARKER,
    NotManaged,
    check_managed,
    managed_subdirs,
    read_marker,
    sync_dir,
    sync_tree,
)


@pytest.fixture
def make_module(tmp_path):
    """A real AnsibleModule (no options), in or out of check mode."""

    def make(check_mode=False, diff=True):
        args = {"_ansible_check_mode": check_mode, "_ansible_diff": diff, "_ansible_remote_tmp": str(tmp_path / "tmp")}
        with patch_module_args(args):
            return AnsibleModule(argument_spec={}, supports_check_mode=True)

    return make


def snapshot(root):
    """Every path under root with its content (files) or None (directories)."""
    found = {}
    for base, dirs, files in os.walk(str(root)):
        for name in dirs:
            found[os.path.relpath(os.path.join(base, name), str(root))] = None
        for name in files:
            path = os.path.join(base, name)
            with open(path) as handle:
                found[os.path.relpath(path, str(root))] = handle.read()
    return found


def test_a_new_directory_gets_its_files_and_a_marker_listing_them(make_module, tmp_path):
    directory = tmp_path / "certs.d" / "reg.example:5000"
    result = sync_dir(make_module(), str(directory), {"hosts.toml": ("a\n", "0600"), "ca.crt": ("b\n", "0644")})
    assert result["changed"] is True
    assert (directory / "hosts.toml").read_text() == "a\n"
    assert stat.S_IMODE((directory / "hosts.toml").stat().st_mode) == 0o600
    assert stat.S_IMODE((directory / "ca.crt").stat().st_mode) == 0o644
    assert read_marker(str(directory)) == ["ca.crt", "hosts.toml"]
    assert json.loads((directory / MARKER).read_text())["managed_by"] == "anchorage.registry"
    assert [d["after_header"] for d in result["diff"]] == [str(directory / "ca.crt"), str(directory / "hosts.toml")]
    again = sync_dir(make_module(), str(directory), {"hosts.toml": ("a\n", "0600"), "ca.crt": ("b\n", "0644")})
    assert again["changed"] is False


def test_check_mode_reports_but_writes_nothing(make_module, tmp_path):
    directory = tmp_path / "reg"
    result = sync_dir(make_module(check_mode=True), str(directory), {"hosts.toml": ("a\n", "0644")})
    assert result["changed"] is True and not directory.exists()


def test_a_file_we_stop_writing_is_removed_and_others_files_stay(make_module, tmp_path):
    directory = tmp_path / "reg"
    sync_dir(make_module(), str(directory), {"hosts.toml": ("a\n", "0644"), "ca.crt": ("b\n", "0644")})
    (directory / "client.cert").write_text("theirs")
    result = sync_dir(make_module(), str(directory), {"hosts.toml": ("a\n", "0644")})
    assert result["changed"] is True and result["removed"] == [str(directory / "ca.crt")]
    assert sorted(os.listdir(str(directory))) == [MARKER, "client.cert", "hosts.toml"]
    assert read_marker(str(directory)) == ["hosts.toml"]


def test_taking_a_directory_apart_keeps_files_we_did_not_write(make_module, tmp_path):
    directory = tmp_path / "reg"
    sync_dir(make_module(), str(directory), {"hosts.toml": ("a\n", "0644")})
    (directory / "client.cert").write_text("theirs")
    check = sync_dir(make_module(check_mode=True), str(directory), {})
    assert check["changed"] is True and (directory / "hosts.toml").exists()
    result = sync_dir(make_module(), str(directory), {})
    assert result["changed"] is True and result["left"] == [str(directory / "client.cert")]
    assert os.listdir(str(directory)) == ["client.cert"]


def test_a_directory_without_our_marker_is_refused(make_module, tmp_path):
    directory = tmp_path / "theirs"
    directory.mkdir()
    (directory / "hosts.toml").write_text("server = 'x'\n")
    with pytest.raises(NotManaged, match="was not created by anchorage.registry"):
        check_managed(str(directory))
    with pytest.raises(NotManaged):
        sync_dir(make_module(), str(directory), {"hosts.toml": ("ours\n", "0644")})
    assert (directory / "hosts.toml").read_text() == "server = 'x'\n"


def test_a_damaged_marker_is_refused(tmp_path):
    (tmp_path / MARKER).write_text("{not json")
    with pytest.raises(ValueError, match="is not a marker this collection wrote"):
        read_marker(str(tmp_path))
    (tmp_path / MARKER).write_text(json.dumps({"files": ["../../etc/passwd"]}))
    with pytest.raises(ValueError, match="lists unexpected entries"):
        read_marker(str(tmp_path))


def test_sync_tree_prunes_only_marked_directories(make_module, tmp_path):
    root = tmp_path / "certs.d"
    sync_tree(make_module(), str(root), {"a": {"hosts.toml": ("a\n", "0644")}, "b": {"hosts.toml": ("b\n", "0644")}})
    (root / "theirs").mkdir()
    (root / "theirs" / "hosts.toml").write_text("theirs\n")
    assert managed_subdirs(str(root)) == ["a", "b"]
    result = sync_tree(make_module(), str(root), {"a": {"hosts.toml": ("a2\n", "0644")}})
    assert result["changed"] is True
    assert sorted(os.listdir(str(root))) == ["a", "theirs"]
    assert (root / "a" / "hosts.toml").read_text() == "a2\n"
    assert str(root / "b") in result["removed"]


def test_sync_tree_refuses_before_writing_anything(make_module, tmp_path):
    root = tmp_path / "certs.d"
    sync_tree(make_module(), str(root), {"a": {"hosts.toml": ("a\n", "0644")}})
    (root / "theirs").mkdir()
    before = snapshot(root)
    with pytest.raises(NotManaged):
        sync_tree(make_module(), str(root), {"new": {"hosts.toml": ("n\n", "0644")}, "theirs": {"hosts.toml": ("x\n", "0644")}})
    assert snapshot(root) == before
