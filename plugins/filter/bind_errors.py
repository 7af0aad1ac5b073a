# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: bind_errors
short_description: Why a service could not bind its address and port on a host
version_added: 0.1.0
description:
  - Given the listeners M(anchorage.registry.precheck_facts) reports, one message per reason the service
    could not bind O(address) and O(port) there, each starting with the option it names.
  - The address must be one of O(host_addresses), or empty, C(0.0.0.0) or C(::) (every address).
  - The port must be free on that address, or held by our own service (C(ours)), which a redeploy takes over.
    A socket on every address collides with any address, and any address with a socket on every address.
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: address, port, host_addresses, where_address, where_port
options:
  _input:
    description: The listeners, each C(address), C(port), C(pid), C(command) and C(ours).
    type: list
    elements: dict
    required: true
  address:
    description: The address to bind; empty for every address.
    type: str
    required: true
  port:
    description: The port to bind.
    type: int
    required: true
  host_addresses:
    description: The host's own addresses.
    type: list
    elements: str
    required: true
  where_address:
    description: The option the address comes from, in messages.
    type: str
    required: true
  where_port:
    description: The option the port comes from, in messages.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Check that the registry can listen where it should
  ansible.builtin.assert:
    that: errors | length == 0
    fail_msg: "{{ errors | join('; ') }}"
  vars:
    errors: >-
      {{ host.listeners | anchorage.registry.bind_errors(registry_bind_address, registry_port,
           ansible_all_ipv4_addresses + ansible_all_ipv6_addresses, 'registry_bind_address', 'registry_port') }}
"""

RETURN = r"""
_value:
  description: One message per problem; empty when the address and port can be bound.
  type: list
  elements: str
  sample: ["registry_port: 5000 is taken on 0.0.0.0 by nginx (pid 412)"]
"""

from ansible_collections.anchorage.registry.plugins.module_utils._precheck import bind_errors


class FilterModule(object):
    def filters(self):
        return {"bind_errors": bind_errors}
