# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: node_trust_batch_errors
short_description: What is wrong with a node_trust_restart_batch value, if anything
version_added: 0.1.0
description:
  - The M(anchorage.registry.node_trust) role checks C(node_trust_restart_batch) with this filter before any host is
    touched - a number of nodes of 1 or more, or a share of them from C(1%) to C(100%).
author:
  - anchorage.registry contributors (@anchorage-registry)
options:
  _input:
    description: The value.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Check the share
  ansible.builtin.assert:
    that: node_trust_restart_batch | anchorage.registry.node_trust_batch_errors | length == 0
"""

RETURN = r"""
_value:
  description: Empty for a good value, else one message starting with C(node_trust_restart_batch).
  type: list
  elements: str
"""

from ansible_collections.anchorage.registry.plugins.module_utils._node_trust import batch_size


def node_trust_batch_errors(share):
    try:
        batch_size(share, 1)
    except ValueError as exc:
        return [str(exc)]
    return []


class FilterModule(object):
    def filters(self):
        return {"node_trust_batch_errors": node_trust_batch_errors}
