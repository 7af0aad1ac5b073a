# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: by_role_variable
short_description: Module errors prefixed with the role variable each refused key came from
version_added: 0.1.0
description:
  - A role checks its input by running its modules in check mode on the controller before any host is
    touched. Their errors name the module's keys (C(health.storagedriver.interval)); this filter puts the
    role variable that key came from in front, so the message starts C(registry_health) followed by the
    module's own message.
  - The first pattern of O(owners) that matches the start of an error names its variable; an error no
    pattern matches is kept as it is.
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: owners
options:
  _input:
    description: The module's errors (its C(errors) result).
    type: list
    elements: str
    required: true
  owners:
    description: C([pattern, variable]) pairs, most specific first; patterns are Python regular expressions.
    type: list
    elements: list
    required: true
"""

EXAMPLES = r"""
- name: Name the role variable each refused key comes from
  ansible.builtin.fail:
    msg: "{{ ansible_failed_result.errors | anchorage.registry.by_role_variable([['^health\\b', 'registry_health']]) | join('; ') }}"
"""

RETURN = r"""
_value:
  description: The errors, each with its role variable in front when a pattern matched.
  type: list
  elements: str
  sample: ["registry_health: health.storagedriver.interval: '-10s' must not be negative"]
"""

from ansible_collections.anchorage.registry.plugins.module_utils._role_input import by_variable


class FilterModule(object):
    def filters(self):
        return {"by_role_variable": by_variable}
