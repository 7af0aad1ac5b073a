# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import tomllib

from ansible_collections.anchorage.registry.plugins.modules import containerd_config

DEBIAN = ('version = 2\n\n[plugins]\n  [plugins."io.containerd.grpc.v1.cri"]\n'
          '    [plugins."io.containerd.grpc.v1.cri".cni]\n      bin_dir = "/usr/lib/cni"\n')


def test_check_mode_then_write_then_no_op(run_module, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(DEBIAN)
    check = run_module(containerd_config, {"path": str(path)}, check_mode=True, diff=True)
    assert check["changed"] is True and check["restart_required"] is True and check["version"] == 2
    assert path.read_text() == DEBIAN
    assert 'config_path = "/etc/containerd/certs.d"' in check["diff"]["after"]
    first = run_module(containerd_config, {"path": str(path), "backup": True})
    assert first["changed"] is True and first["previous_config_path"] is None
    assert tomllib.loads(path.read_text())["plugins"]["io.containerd.grpc.v1.cri"]["registry"] == {
        "config_path": "/etc/containerd/certs.d"}
    assert open(first["backup_file"]).read() == DEBIAN
    second = run_module(containerd_config, {"path": str(path)})
    assert second["changed"] is False and second["restart_required"] is False


def test_an_absent_file_is_created_for_the_installed_containerd(run_module, tmp_path):
    """Debian's containerd 1.6 is installed here: a new file is version 2."""
    path = tmp_path / "containerd" / "config.toml"
    result = run_module(containerd_config, {"path": str(path), "config_path": "/etc/containerd/certs.d"})
    assert result["changed"] is True and result["version"] == 2
    assert tomllib.loads(path.read_text())["version"] == 2


def test_refusals_leave_the_file_untouched(run_module, tmp_path):
    path = tmp_path / "config.toml"
    text = 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["https://m"]\n'
    path.write_text(text)
    result = run_module(containerd_config, {"path": str(path)})
    assert result["failed"] is True and "containerd refuses `mirrors` next to config_path" in result["msg"]
    assert result["msg"].startswith("path: ")
    assert path.read_text() == text
    result = run_module(containerd_config, {"path": str(path), "config_path": "relative/dir"})
    assert result["failed"] is True and result["msg"].startswith("config_path: 'relative/dir' must be an absolute")
