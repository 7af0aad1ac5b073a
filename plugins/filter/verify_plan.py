# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: verify_plan
short_description: What each node pulls, through which registry and runtime, to verify a deployment
version_added: 0.1.0
description:
  - Matches every node's C(node_trust_registries) entries with the registries of the inventory and says which
    image each node pulls directly and through each mirror, with Docker or containerd, and what cannot be pulled
    (and why).
  - A pull-through cache is checked with the test image of its upstream when the inventory deploys that upstream.
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: nodes
options:
  _input:
    description: The rows of P(anchorage.registry.verify_rows#filter).
    type: list
    elements: dict
    required: true
  nodes:
    description: One mapping per node, with C(name), C(registries) (its C(node_trust_registries)) and C(runtimes).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: What each node pulls
  ansible.builtin.set_fact:
    plan: "{{ rows | anchorage.registry.verify_plan([{'name': 'node1', 'registries': node_trust_registries, 'runtimes': ['docker']}]) }}"
"""

RETURN = r"""
_value:
  description:
    - C(rows) (for each row name, C(mirrors) and C(nodes) configured for it), C(caches) (for each cache, the
      repository its upstream holds the test image in, or null), C(pulls) (for each node, a list of C(registry),
      C(image), C(runtime) and C(how)), C(notes) (for each node, what is not pulled and why) and C(digest) (the
      test image's manifest digest).
  type: dict
"""

from ansible_collections.anchorage.registry.plugins.module_utils._verify import plan


class FilterModule(object):
    def filters(self):
        return {"verify_plan": plan}
