# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: node_trust_batches
short_description: Group the nodes whose runtimes must restart into batches that restart together
version_added: 0.1.0
description:
  - The M(anchorage.registry.node_trust) role restarts containerd and reloads Docker on at most a share of the
    play's nodes at once (C(node_trust_restart_batch)), and k3s/RKE2 one node at a time; this filter makes the
    groups, in play order.
  - A share that is neither a number of nodes nor a percentage fails, naming C(node_trust_restart_batch).
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: share, runtimes
options:
  _input:
    description:
      - Every host of the play, mapped to its M(anchorage.registry.node_trust) result (its C(restart_units) and
        C(reload_units) count; a host without them restarts nothing).
    type: dict
    required: true
  share:
    description: How many nodes at once - a number (C(3)) or a share of the play's nodes (C(25%), at least one node).
    type: raw
    required: true
  runtimes:
    description: The units that count (C([docker, containerd]), C([k3s, k3s-agent, rke2-server, rke2-agent])).
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Restart containerd, a quarter of the nodes at a time
  ansible.builtin.include_tasks: restart.yml
  loop: "{{ results_by_host | anchorage.registry.node_trust_batches('25%', ['docker', 'containerd']) }}"
"""

RETURN = r"""
_value:
  description: The batches, each a list of host names.
  type: list
  elements: list
  sample: [["node1", "node2"], ["node3"]]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.module_utils._node_trust import batches


def node_trust_batches(units_by_host, share, runtimes):
    try:
        return batches(units_by_host, share, runtimes)
    except ValueError as exc:
        raise AnsibleFilterError(str(exc))


class FilterModule(object):
    def filters(self):
        return {"node_trust_batches": node_trust_batches}
