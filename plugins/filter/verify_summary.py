# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: verify_summary
short_description: The summary table of a deployment's verification
version_added: 0.1.0
description:
  - One line per registry and VIP, with its endpoint, authentication, storage, mirrors, the nodes configured for
    it and the result of every check made on it, read from what the checks registered.
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: nodes, hosts
options:
  _input:
    description: The rows of P(anchorage.registry.verify_rows#filter).
    type: list
    elements: dict
    required: true
  nodes:
    description: The nodes, as P(anchorage.registry.verify_plan#filter) takes them.
    type: list
    elements: dict
    required: true
  hosts:
    description:
      - "The variables of every host the checks ran on (C(groups.all | map('extract', hostvars))): the results they
        registered are read, each failure attributed to its registry."
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Print the summary
  ansible.builtin.debug:
    msg: "{{ (rows | anchorage.registry.verify_summary(nodes, groups.all | map('extract', hostvars))).table }}"
"""

RETURN = r"""
_value:
  description: C(table) (the table's lines, the header first) and C(failures) (each with C(registry) and C(message)).
  type: dict
"""

from ansible_collections.anchorage.registry.plugins.module_utils._verify import summary


class FilterModule(object):
    def filters(self):
        return {"verify_summary": summary}
