#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: containerd_config
short_description: Point containerd's CRI registry at a hosts.toml directory (config_path)
version_added: 0.1.0
description:
  - Sets C(config_path) of the CRI plugin's registry table in containerd's C(config.toml), keeping every
    other key, table and comment as it is.
  - The table is C(plugins."io.containerd.grpc.v1.cri".registry) in config C(version = 2) (containerd 1.x)
    and C(plugins."io.containerd.cri.v1.images".registry) in C(version = 3) (containerd 2.x). An absent or
    empty file gets the version that the installed C(containerd --version) reads.
  - Fails without writing when the file is not TOML, has no C(version) (containerd then reads it as
    version 1), asks for version 3 from containerd 1.x, or sets C(registry.mirrors) in the same table
    (containerd refuses C(mirrors) next to C(config_path)).
  - containerd reads this file at start only, so RV(restart_required) says when it must be restarted. Files
    under the C(config_path) directory need no restart (M(anchorage.registry.containerd_hosts)).
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.config_file
  - anchorage.registry.config_file.FILE
  - ansible.builtin.files
requirements:
  - tomlkit on the managed node (Debian and Ubuntu package C(python3-tomlkit))
options:
  path:
    description: containerd's configuration file.
    type: path
    default: /etc/containerd/config.toml
  config_path:
    description: The directory of per-registry C(hosts.toml) files.
    type: str
    default: /etc/containerd/certs.d
seealso:
  - module: anchorage.registry.containerd_hosts
"""

EXAMPLES = r"""
- name: Make the CRI plugin read /etc/containerd/certs.d
  anchorage.registry.containerd_config:
    config_path: /etc/containerd/certs.d
  register: containerd_config

- name: Restart containerd when config.toml changed
  ansible.builtin.systemd_service:
    name: containerd
    state: restarted
  when: containerd_config.restart_required
"""

RETURN = r"""
reload_required:
  description: Always false; containerd has no reload.
  returned: always
  type: bool
restart_required:
  description: config.toml changed; containerd must be restarted to read it.
  returned: always
  type: bool
version:
  description: The config version edited (2 or 3).
  returned: always
  type: int
previous_config_path:
  description: The C(config_path) the file had before, or null.
  returned: always
  type: str
backup_file:
  description: The copy of the previous file, when O(backup=true) and the file changed.
  returned: changed and backup requested
  type: str
"""

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import file_options, run
from ansible_collections.anchorage.registry.plugins.module_utils._containerd import ContainerdConfig


def main():
    run(ContainerdConfig(), file_options(
        path=dict(type="path", default="/etc/containerd/config.toml"),
        config_path=dict(type="str", default="/etc/containerd/certs.d"),
    ), add_file_common_args=True, supports_check_mode=True)


if __name__ == "__main__":
    main()
