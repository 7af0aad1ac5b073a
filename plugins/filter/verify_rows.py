# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: verify_rows
short_description: What the verification checks of each registry host and VIP
version_added: 0.1.0
description:
  - Turns the registry role's variables of every registry host, and every keepalived VIP in front of some of
    them, into the rows the C(anchorage.registry.verify) playbook checks and prints.
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: vips
options:
  _input:
    description:
      - One mapping per registry host, with C(name) (its inventory name), C(addresses) (the names and addresses nodes
        may reach it by) and C(settings) (C(port), C(tls), C(users), C(storage), C(proxy), C(repository),
        C(data_dir) and C(verify_url), from the registry role's variables of the same names).
    type: list
    elements: dict
    required: true
  vips:
    description: One mapping per VIP, with C(address) (no prefix length) and C(nodes) (inventory names behind it).
    type: list
    elements: dict
    default: []
"""

EXAMPLES = r"""
- name: The rows to check
  ansible.builtin.set_fact:
    rows: >-
      {{ [{'name': 'reg1', 'addresses': ['reg1', '10.0.0.5'], 'settings': {'port': 5000, 'data_dir': '/var/lib/anchorage/registry'}}]
         | anchorage.registry.verify_rows }}
"""

RETURN = r"""
_value:
  description:
    - One mapping per row, with C(name), C(endpoints) (C(host:port) names), C(url) (where the check connects, from
      the registry host), C(validate_certs), C(auth), C(storage), C(filesystem_root), C(cleanup), C(proxy) and
      C(repository).
  type: list
  elements: dict
"""

from ansible_collections.anchorage.registry.plugins.module_utils._verify import rows


class FilterModule(object):
    def filters(self):
        return {"verify_rows": rows}
