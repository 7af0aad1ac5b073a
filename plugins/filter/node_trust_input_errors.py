# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: node_trust_input_errors
short_description: What is wrong with the node_trust role's own numbers, for every value the play's hosts give them
version_added: 0.1.0
description:
  - The anchorage.registry.node_trust role checks its numbers with this filter once per play, on the controller,
    before any host is touched - C(node_trust_wait_timeout) from 1 to 3600 seconds, and C(node_trust_restart_batch) a
    number of nodes of 1 or more, or a share of them from C(1%) to C(100%).
  - Once per play, not once per host - each host's task would load the filter again.
author:
  - anchorage.registry contributors (@anchorage-registry)
options:
  _input:
    description: Each variable's name with the list of the values the hosts give it (each value once).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Check the numbers of every host
  ansible.builtin.assert:
    that: errors | length == 0
    fail_msg: "{{ errors | join('; ') }}"
    quiet: true
  vars:
    errors: "{{ {'node_trust_wait_timeout': [300, 0], 'node_trust_restart_batch': ['25%']} | anchorage.registry.node_trust_input_errors }}"
"""

RETURN = r"""
_value:
  description: One message per value out of its range, each starting with the variable's name; empty when all are good.
  type: list
  elements: str
  sample: ["node_trust_wait_timeout: 0 is outside 1-3600 seconds"]
"""

from ansible_collections.anchorage.registry.plugins.module_utils._node_trust import input_errors


class FilterModule(object):
    def filters(self):
        return {"node_trust_input_errors": input_errors}
