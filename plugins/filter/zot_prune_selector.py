# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: zot_prune_selector
short_description: The label selector of every object one zot deployment applies
version_added: 0.1.0
description:
  - Returns the label selector that P(anchorage.registry.zot_manifests#filter) returns as C(prune_selector), from the
    deployment spec alone (no config.json needed), for M(anchorage.registry.manifest_apply)'s O(anchorage.registry.manifest_apply#module:state=absent).
  - The spec is the one of the P(anchorage.registry.zot_manifests#filter) filter (the role's variables without C(zot_)).
author:
  - anchorage.registry contributors (@anchorage-registry)
options:
  _input:
    description: The deployment spec (its C(name)).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Delete what the zot deployment applied
  anchorage.registry.manifest_apply:
    state: absent
    namespace: zot-registry
    prune_selector: "{{ {'name': 'zot'} | anchorage.registry.zot_prune_selector }}"
"""

RETURN = r"""
_value:
  description: A label selector.
  type: str
  sample: app.kubernetes.io/managed-by=anchorage.registry,anchorage.registry/deployment=zot
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.filter.zot_manifests import role_settings
from ansible_collections.anchorage.registry.plugins.module_utils._manifests import prune_selector, with_defaults


def zot_prune_selector(spec):
    if not isinstance(spec, dict):
        raise AnsibleFilterError("zot_prune_selector: the spec must be a mapping")
    return prune_selector(with_defaults(spec, role_settings()))


class FilterModule(object):
    def filters(self):
        return {"zot_prune_selector": zot_prune_selector}
