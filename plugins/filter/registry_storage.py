# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: registry_storage
short_description: The registry role's storage section, merged over what the role needs
version_added: 0.1.0
description:
  - Merges C(registry_storage) (recursively) over C(delete.enabled=true), which the role's verification
    needs to delete its test image (not for a pull-through cache, which is never pushed to), and, when no
    storage driver is given, the filesystem driver on C(/var/lib/registry), where the role mounts its data
    directory.
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: pull_through
options:
  _input:
    description: The C(storage) section as the user gave it.
    type: dict
    required: true
  pull_through:
    description: The registry is a pull-through cache (C(registry_proxy) is set).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: The storage section
  ansible.builtin.set_fact:
    storage: "{{ {'s3': {'bucket': 'images', 'region': 'eu-west-1'}} | anchorage.registry.registry_storage }}"
"""

RETURN = r"""
_value:
  description: The storage section to write.
  type: dict
  sample: {"delete": {"enabled": true}, "s3": {"bucket": "images", "region": "eu-west-1"}}
"""

from ansible_collections.anchorage.registry.plugins.module_utils._distribution import storage_with_defaults


class FilterModule(object):
    def filters(self):
        return {"registry_storage": storage_with_defaults}
