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
  backup:
    description: Keep a timestamped copy of the previous file when it changes.
    type: bool
    default: false
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

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.anchorage.registry.plugins.module_utils import _containerd
from ansible_collections.anchorage.registry.plugins.module_utils._files import apply_text, read_text


def installed_major(module):
    """containerd's major version, or None when containerd is not on this node."""
    binary = module.get_bin_path("containerd")
    if not binary:
        return None
    rc, out, err = module.run_command([binary, "--version"])
    return _containerd.binary_major(out) if rc == 0 else None


def run(module):
    params = module.params
    path = params["path"]
    if not params["config_path"].startswith("/"):
        module.fail_json(msg="config_path: %r must be an absolute directory path" % params["config_path"])
    before = read_text(path)
    try:
        after, version, previous = _containerd.set_config_path(before, params["config_path"],
                                                               installed_major(module), path)
    except ValueError as exc:
        module.fail_json(msg="path: %s" % exc)
    result = apply_text(module, path, after, backup=params["backup"],
                        file_args=module.load_file_common_arguments(params))
    result.update(restart_required=result["content_changed"], version=version, previous_config_path=previous)
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", default="/etc/containerd/config.toml"),
            config_path=dict(type="str", default="/etc/containerd/certs.d"),
            backup=dict(type="bool", default=False),
        ),
        add_file_common_args=True,
        supports_check_mode=True,
    )
    if not _containerd.HAS_TOMLKIT:
        module.fail_json(msg=missing_required_lib("tomlkit"), exception=_containerd.TOMLKIT_IMPORT_ERROR)
    run(module)


if __name__ == "__main__":
    main()
