# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: keepalived_addresses
short_description: A host's addresses per interface, from ip -json address show, for anchorage.registry.keepalived_config
version_added: 0.1.0
description:
  - Turns the output of C(ip -json address show) into the
    O(anchorage.registry.keepalived_config#module:addresses) option - per interface, its IPv4 and IPv6 addresses
    in CIDR form, in the interface's order (its own address first).
  - The P(anchorage.registry.keepalived#role) role reads them once per host and hands them to the module, so that its
    check runs on the controller.
author:
  - anchorage.registry contributors (@anchorage-registry)
options:
  _input:
    description: The JSON text C(ip -json address show) printed.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Read this host's addresses
  ansible.builtin.command:
    argv: [ip, -json, address, show]
  register: ip_addresses
  changed_when: false
  check_mode: false

- name: Keep them as keepalived_config takes them
  ansible.builtin.set_fact:
    host_addresses: "{{ ip_addresses.stdout | anchorage.registry.keepalived_addresses }}"
"""

RETURN = r"""
_value:
  description: Per interface name, its addresses in CIDR form.
  type: dict
  sample:
    lo: [127.0.0.1/8, "::1/128"]
    eth0: [172.28.30.11/24]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.module_utils._keepalived import address_texts, parse_addresses


def keepalived_addresses(ip_json):
    try:
        return address_texts(parse_addresses(ip_json))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError("keepalived_addresses takes the output of ip -json address show: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"keepalived_addresses": keepalived_addresses}
