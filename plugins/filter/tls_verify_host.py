# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: tls_verify_host
short_description: The name to verify a TLS registry at that its certificate holds
version_added: 0.1.0
description:
  - Reads the subjectAltName extension as C(openssl x509 -noout -ext subjectAltName) prints it and returns
    the first IPv4 address of O(answering_ips) the certificate holds (no name resolution needed), else the
    first of O(host_names) it names, else an empty string.
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: answering_ips, host_names
options:
  _input:
    description: The output of C(openssl x509 -noout -ext subjectAltName).
    type: str
    required: true
  answering_ips:
    description: The IPv4 addresses the registry answers on from its own host.
    type: list
    elements: str
    required: true
  host_names:
    description: The host's inventory name, FQDN and short name.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Where the verification connects
  ansible.builtin.set_fact:
    verify_host: "{{ sans.stdout | anchorage.registry.tls_verify_host(['127.0.0.1'], [inventory_hostname]) }}"
"""

RETURN = r"""
_value:
  description: An address or name from the certificate; empty when the certificate holds none of them.
  type: str
  sample: 10.0.0.5
"""

from ansible_collections.anchorage.registry.plugins.module_utils._ca_certificates import verify_host


class FilterModule(object):
    def filters(self):
        return {"tls_verify_host": verify_host}
