# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.anchorage.registry.plugins.modules import container_runtimes_info


def test_this_machine_has_docker_with_containerd_as_its_backend(run_module):
    """The lab machines carry Debian's docker.io and containerd (units in /lib/systemd/system), no kubelet."""
    result = run_module(container_runtimes_info, {}, check_mode=True)
    assert result["changed"] is False
    assert result["runtimes"] == ["docker"] and result["not_configured"] == ["containerd"]
    assert result["python_libraries"] == {"yaml": True, "tomlkit": True}
