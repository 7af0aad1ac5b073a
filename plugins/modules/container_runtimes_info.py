#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: container_runtimes_info
short_description: Find a node's container runtimes and the Python libraries this collection's config modules need
version_added: 0.1.0
description:
  - Reports which of Docker, containerd, k3s (server or agent) and RKE2 (server or agent) the node has, from their
    systemd unit files (C(docker.service), C(containerd.service), C(k3s.service), C(k3s-agent.service),
    C(rke2-server.service), C(rke2-agent.service)) along systemd's unit search path; a unit linked to
    C(/dev/null) is masked and does not count.
  - On a Docker host without a kubelet, containerd only serves Docker, which pulls images itself and never reads
    containerd's registry settings; it is then reported in RV(not_configured), not in RV(runtimes). With a
    C(kubelet.service) it is a runtime of its own (the kubelet pulls through containerd's CRI plugin).
  - Reports whether PyYAML (M(anchorage.registry.k3s_registries)) and tomlkit
    (M(anchorage.registry.containerd_config)) can be imported by the node's Python.
  - Reads a few directory entries instead of asking systemctl about every unit, so it costs little on every run.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.attributes.INFO
options: {}
"""

EXAMPLES = r"""
- name: Find the container runtimes
  anchorage.registry.container_runtimes_info:
  register: node

- name: Install tomlkit where containerd_config needs it
  ansible.builtin.package:
    name: python3-tomlkit
  when: "'containerd' in node.runtimes and not node.python_libraries.tomlkit"
"""

RETURN = r"""
runtimes:
  description:
    - Runtimes to configure, among C(docker), C(containerd), C(k3s), C(k3s-agent), C(rke2-server), C(rke2-agent).
  returned: always
  type: list
  elements: str
  sample: [docker]
not_configured:
  description: Runtimes that are installed but not to configure (containerd as Docker's backend).
  returned: always
  type: list
  elements: str
  sample: [containerd]
masked:
  description: Runtimes whose unit is masked.
  returned: always
  type: list
  elements: str
python_libraries:
  description: Whether each library can be imported (C(yaml), C(tomlkit)).
  returned: always
  type: dict
  sample: {"yaml": true, "tomlkit": false}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils import _runtimes


def main():
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    module.exit_json(changed=False, python_libraries=_runtimes.libraries(), **_runtimes.runtimes())


if __name__ == "__main__":
    main()
