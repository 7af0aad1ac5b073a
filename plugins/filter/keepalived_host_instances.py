# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: keepalived_host_instances
short_description: One host's VRRP instances for anchorage.registry.keepalived_config
version_added: 0.1.0
description:
  - Turns the P(anchorage.registry.keepalived#role) role's instances into one host's
    O(anchorage.registry.keepalived_config#module:instances) option - O(defaults), then each instance's own
    keys, then the values the cluster shares (from P(anchorage.registry.keepalived_cluster#filter)).
  - "An instance without a priority gets O(priority_base) - O(priority_step) x the host's position in O(hosts),
    rotated by the instance's position in the list, so several instances' masters are spread over the nodes."
  - The role-wide numbers are checked first, each error naming its role variable - C(keepalived_advert_int) for the
    VRRP version, C(keepalived_priority_base) and C(keepalived_priority_step) (1-254 for every host).
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: cluster, hosts, host, defaults, priority_base, priority_step
options:
  _input:
    description: The instances (C(keepalived_instances)).
    type: list
    elements: dict
    required: true
  cluster:
    description: What the cluster shares, per instance name (P(anchorage.registry.keepalived_cluster#filter)).
    type: dict
    required: true
  hosts:
    description: The cluster's hosts in priority order (C(keepalived_cluster_hosts)).
    type: list
    elements: str
    required: true
  host:
    description: This host, one of O(hosts).
    type: str
    required: true
  defaults:
    description: Keys every instance gets unless it gives them (state, version, advert_int, nopreempt, track_scripts).
    type: dict
    required: true
  priority_base:
    description: Priority of the first host.
    type: int
    required: true
  priority_step:
    description: Priority difference between consecutive hosts.
    type: int
    required: true
  tracks:
    description:
      - The track files of the checks' containers (P(anchorage.registry.keepalived_track_files#filter)), named after
        their checks. An instance tracks the file of every check in its C(track_scripts).
    type: list
    elements: dict
    default: []
"""

EXAMPLES = r"""
- name: This host's instances
  ansible.builtin.set_fact:
    instances: >-
      {{ keepalived_instances | anchorage.registry.keepalived_host_instances(cluster=cluster,
           hosts=ansible_play_hosts_all, host=inventory_hostname, defaults={'state': 'BACKUP'},
           priority_base=200, priority_step=10) }}
  no_log: true
"""

RETURN = r"""
_value:
  description: The instances, each with its C(priority), C(virtual_router_id), C(auth_pass) and C(track_files).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.module_utils._keepalived_plan import host_instances


def keepalived_host_instances(instances, cluster, hosts, host, defaults, priority_base, priority_step, tracks=None):
    try:
        return host_instances(instances, cluster, list(hosts), host, defaults, priority_base, priority_step, tracks)
    except ValueError as exc:
        raise AnsibleFilterError(str(exc))
    except KeyError as exc:
        raise AnsibleFilterError("keepalived_host_instances: the cluster has no instance %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"keepalived_host_instances": keepalived_host_instances}
