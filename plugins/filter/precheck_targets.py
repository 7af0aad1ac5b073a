# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: precheck_targets
short_description: What a node_trust host asks of its registries in the precheck
version_added: 0.1.0
description:
  - From C(node_trust_registries), each registry's base URL (C(http://) with C(insecure), else C(https://)) with
    the CA to trust (C(ca), or the text of C(ca_file) from O(ca_files)), and each registry's host name, without
    port or brackets, to resolve.
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: ca_files
options:
  _input:
    description: The node_trust role's C(node_trust_registries).
    type: list
    elements: dict
    required: true
  ca_files:
    description: The text of each C(ca_file), by path, read on the controller by the caller.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: What to ask
  ansible.builtin.set_fact:
    targets: "{{ node_trust_registries | anchorage.registry.precheck_targets({}) }}"
"""

RETURN = r"""
_value:
  description: C(registries) (C(url), C(ca)), as M(anchorage.registry.precheck_facts) takes them, and C(names).
  type: dict
  sample: {registries: [{url: "https://reg1:5000", ca: "-----BEGIN CERTIFICATE-----..."}], names: [reg1]}
"""

from ansible_collections.anchorage.registry.plugins.module_utils._precheck import targets


class FilterModule(object):
    def filters(self):
        return {"precheck_targets": targets}
