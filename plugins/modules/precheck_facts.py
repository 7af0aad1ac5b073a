#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: precheck_facts
short_description: Read what a host offers a registry, changing nothing
version_added: 0.1.0
description:
  - Reads the TCP sockets listening on O(ports) from C(/proc/net/tcp) and C(/proc/net/tcp6), with the process
    holding each, and whether that process is one of O(containers) (in its cgroup, or the C(docker-proxy) that
    publishes its port).
  - Reads the free space of the filesystem holding each of O(paths) (its nearest existing parent), the memory
    and CPUs, the clock, the Docker engine's and Compose's versions, what each of O(names) resolves to, and the
    answer of each of O(registries) on C(/v2/), trusting its CA.
  - The precheck playbook turns every host's facts into one table of problems with the
    C(anchorage.registry.precheck_problems) filter; the registry role asks the
    C(anchorage.registry.bind_errors) filter whether its address and port can be bound.
  - Run as root to see the process of every socket.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.attributes.INFO
options:
  ports:
    description: TCP ports to report listeners on.
    type: list
    elements: int
    default: []
  containers:
    description: Names of our own containers; a port one of them holds is reported with C(ours) in RV(listeners).
    type: list
    elements: str
    default: []
  paths:
    description: Directories whose filesystem's free space to report (they need not exist yet).
    type: list
    elements: path
    default: []
  names:
    description: Host names to resolve.
    type: list
    elements: str
    default: []
  registries:
    description: Registries to ask for C(/v2/).
    type: list
    elements: dict
    default: []
    suboptions:
      url:
        description: The registry's base URL, C(https://reg1.example:5000).
        type: str
        required: true
      ca:
        description: PEM text of the CA to trust; empty for the system store.
        type: str
        default: ""
  timeout:
    description: Seconds to wait for each registry.
    type: int
    default: 5
"""

EXAMPLES = r"""
- name: Read the registry host
  anchorage.registry.precheck_facts:
    ports: [5000]
    containers: [anchorage-registry]
    paths: [/var/lib/anchorage/registry]
  register: host
"""

RETURN = r"""
listeners:
  description: Listening sockets on O(ports).
  returned: always
  type: list
  elements: dict
  sample: [{address: 0.0.0.0, port: 5000, pid: 812, command: registry, ours: true}]
disks:
  description: Free and total bytes for each of O(paths), with the existing directory measured.
  returned: always
  type: list
  elements: dict
  sample: [{path: /var/lib/anchorage/registry, checked: /var/lib, free_bytes: 1073741824, total_bytes: 8589934592}]
memory_bytes:
  description: Total memory.
  returned: always
  type: int
cpus:
  description: CPUs the host has.
  returned: always
  type: int
time:
  description: The host's clock, seconds since the epoch.
  returned: always
  type: float
versions:
  description: The Docker engine's and Compose's versions, null when absent.
  returned: always
  type: dict
  sample: {engine: 20.10.24, compose: 1.29.2}
names:
  description: The addresses each of O(names) resolves to (empty when it does not).
  returned: always
  type: dict
registries:
  description: For each of O(registries), the C(/v2/) URL asked, the HTTP status, or the error.
  returned: always
  type: list
  elements: dict
  sample: [{url: "https://reg1:5000/v2/", status: 401, error: null}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils import _precheck


def main():
    module = AnsibleModule(
        argument_spec={
            "ports": {"type": "list", "elements": "int", "default": []},
            "containers": {"type": "list", "elements": "str", "default": []},
            "paths": {"type": "list", "elements": "path", "default": []},
            "names": {"type": "list", "elements": "str", "default": []},
            "registries": {"type": "list", "elements": "dict", "default": [], "options": {
                "url": {"type": "str", "required": True},
                "ca": {"type": "str", "default": ""},
            }},
            "timeout": {"type": "int", "default": 5},
        },
        supports_check_mode=True,
    )
    module.exit_json(changed=False, **_precheck.probe(module, module.params))


if __name__ == "__main__":
    main()
