# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: range_errors
short_description: Role variables (ports, timeouts) outside their range, one message each
version_added: 0.1.0
description:
  - A role's argument spec holds types, not ranges. The numbers a role uses itself (no module receives
    them) are checked with this filter, before any host is touched.
  - Each message starts with the variable's name, as the modules' own errors start with their option's path.
  - A string of digits (a templated value) counts as the number it spells.
author:
  - anchorage.registry contributors (@anchorage-registry)
options:
  _input:
    description: The numbers, each C(name), C(value), C(low), C(high) and optionally C(unit).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Check the numbers
  ansible.builtin.assert:
    that: errors | length == 0
    fail_msg: "{{ errors | join('; ') }}"
    quiet: true
  vars:
    errors: "{{ [{'name': 'registry_port', 'value': registry_port, 'low': 1, 'high': 65535}] | anchorage.registry.range_errors }}"
"""

RETURN = r"""
_value:
  description: One message per number out of its range; empty when all are in range.
  type: list
  elements: str
  sample: ["registry_port: 70000 is outside 1-65535"]
"""

from ansible_collections.anchorage.registry.plugins.module_utils._role_input import range_errors


class FilterModule(object):
    def filters(self):
        return {"range_errors": range_errors}
