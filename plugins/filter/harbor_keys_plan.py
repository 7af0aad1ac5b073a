# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: harbor_keys_plan
short_description: The secret key and token key pair every node of one shared Harbor gets
version_added: 0.1.0
description:
  - Harbor's prepare keeps C(<data_volume>/secret/keys/secretkey), C(secret/core/private_key.pem) and
    C(secret/registry/root.crt) when they exist and makes new ones otherwise. Nodes sharing one database and
    storage behind one address need the same three.
  - From what each node holds, returns the keys to copy to every node (those one or more nodes hold), or
    none when no node holds any (they are made once), and an error for a node holding only some of them or
    other ones than another node. Errors name nodes, never keys.
author:
  - anchorage.registry contributors (@anchorage-registry)
options:
  _input:
    description: Per node, per file (C(keys/secretkey), C(core/private_key.pem), C(registry/root.crt)), its content, empty or null when missing.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Choose the keys every node gets
  ansible.builtin.set_fact:
    plan: "{{ {'harbor1': {'keys/secretkey': 'abc...'}, 'harbor2': {}} | anchorage.registry.harbor_keys_plan }}"
  no_log: true
"""

RETURN = r"""
_value:
  description: C(keys) (file to content; empty when new ones must be made) and C(errors).
  type: dict
"""

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_keys import keys_plan


class FilterModule(object):
    def filters(self):
        return {"harbor_keys_plan": keys_plan}
