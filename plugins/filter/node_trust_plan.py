# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: node_trust_plan
short_description: Check a list of registries and turn it into each container runtime's settings
version_added: 0.1.0
description:
  - Validates the C(node_trust_registries) list of the P(anchorage.registry.node_trust#role) role (host syntax,
    CA certificates, credentials, mirrors, rewrites) and returns the arguments of the modules that write
    k3s/RKE2 C(registries.yaml), containerd C(hosts.toml), Docker C(daemon.json) and the CA files.
  - Every problem in the list is reported at once, each naming its place (C(node_trust_registries[1].host)).
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: ca_dir, ca_files
options:
  _input:
    description:
      - The registries, each a mapping with C(host) (C(name[:port]) or C(ip[:port]); a scheme or path is
        refused), C(insecure) (plain HTTP), C(ca) (PEM text) or C(ca_file) (read by the caller, see O(ca_files)),
        C(username), C(password) and C(mirrors) (upstream names such as C(docker.io), C(*), or mappings with
        C(upstream), C(path) and C(rewrite)).
    type: list
    elements: dict
    required: true
  ca_dir:
    description: The node directory that holds C(<host>/ca.crt) for containerd and k3s to point at.
    type: str
    required: true
  ca_files:
    description: The content of every C(ca_file) named in the list, keyed by that C(ca_file) value.
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: What each runtime gets
  ansible.builtin.set_fact:
    plan: "{{ node_trust_registries | anchorage.registry.node_trust_plan('/etc/anchorage/registry-ca') }}"
"""

RETURN = r"""
_value:
  description:
    - C(certificates) (list of C(host), C(pem)), C(containerd_hosts) (the O(anchorage.registry.containerd_hosts#module:registries)
      list), C(docker) (C(insecure_registries), C(registry_mirrors), C(auths)), C(k3s) (C(mirrors), C(configs)), C(etc_hosts) (C(address), C(name)) and
      C(warnings) (list of strings).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import Invalid
from ansible_collections.anchorage.registry.plugins.module_utils._registry_hosts import plan


def node_trust_plan(registries, ca_dir, ca_files=None):
    try:
        return plan(registries, ca_dir, ca_files or {})
    except Invalid as exc:
        raise AnsibleFilterError(exc.message)


class FilterModule(object):
    def filters(self):
        return {"node_trust_plan": node_trust_plan}
