# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: keepalived_settings
short_description: Read a cluster's VRRP router ids and passwords back from live keepalived.conf files
version_added: 0.1.0
description:
  - Parses one or more C(keepalived.conf) texts and returns, per C(vrrp_instance) name, the
    C(virtual_router_id), C(version) and C(auth_pass) found. With several texts (one per node)
    the first text that has a value wins.
  - The keepalived role uses it so that router ids and passwords generated once for a cluster
    are kept on later runs, from any node that still has them.
author:
  - anchorage.registry contributors (@anchorage-registry)
options:
  _input:
    description: A keepalived.conf text, or a list of them.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Router ids and passwords the nodes already use
  ansible.builtin.set_fact:
    live_vrrp: "{{ groups['keepalived'] | map('extract', hostvars, ['conf', 'content']) | map('b64decode') | anchorage.registry.keepalived_settings }}"
"""

RETURN = r"""
_value:
  description: "Per instance name: C(virtual_router_id) (int or null), C(version) (int or null), C(auth_pass) (string or null)."
  type: dict
  sample:
    REGISTRY: {virtual_router_id: 51, version: 3, auth_pass: null}
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.module_utils._keepalived import cluster_settings


def keepalived_settings(texts):
    if isinstance(texts, str):
        texts = [texts]
    try:
        texts = [str(text) for text in texts]
    except TypeError:
        raise AnsibleFilterError("keepalived_settings takes a keepalived.conf text or a list of them")
    return cluster_settings(texts)


class FilterModule(object):
    def filters(self):
        return {"keepalived_settings": keepalived_settings}
