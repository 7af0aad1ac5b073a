# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: keepalived_cluster
short_description: Router ids and VRRPv2 passwords a keepalived cluster shares
version_added: 0.1.0
description:
  - For each VRRP instance of the P(anchorage.registry.keepalived#role) role, the C(virtual_router_id) and
    C(auth_pass) every node must use. A value given in the instance wins, else the one read back from a
    node (the output of P(anchorage.registry.keepalived_settings#filter)), else a new one, once for the
    cluster (run it with C(run_once)).
  - A new router id is one no other instance uses (given or live), picked at random from 1-255; a new
    password (VRRPv2 only) is 8 random letters and digits.
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: live, version
options:
  _input:
    description: The instances (C(keepalived_instances)), each with at least a C(name).
    type: list
    elements: dict
    required: true
  live:
    description: Settings read back from the nodes' live C(keepalived.conf) files.
    type: dict
    required: true
  version:
    description: VRRP version of an instance that gives none (C(keepalived_vrrp_version)).
    type: int
    required: true
"""

EXAMPLES = r"""
- name: Keep the cluster's router ids and passwords
  ansible.builtin.set_fact:
    cluster: "{{ keepalived_instances | anchorage.registry.keepalived_cluster(live_texts | anchorage.registry.keepalived_settings, 3) }}"
  run_once: true
  no_log: true
"""

RETURN = r"""
_value:
  description: Per instance name, C(virtual_router_id) (int) and C(auth_pass) (string, or null with VRRPv3).
  type: dict
  sample:
    REGISTRY: {virtual_router_id: 51, auth_pass: null}
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.module_utils._keepalived_plan import cluster_shared


def keepalived_cluster(instances, live, version):
    try:
        return cluster_shared(instances, live, version)
    except ValueError as exc:
        raise AnsibleFilterError(str(exc))


class FilterModule(object):
    def filters(self):
        return {"keepalived_cluster": keepalived_cluster}
