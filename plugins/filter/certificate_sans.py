# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: certificate_sans
short_description: The subjectAltNames of a server certificate, and the options that give bad ones
version_added: 0.1.0
description:
  - Turns host names and addresses into C(DNS:name) and C(IP:address) entries for
    M(community.crypto.openssl_csr), each once, in the order given.
  - A value of a strict source (C(_input[].strict)) that is neither a DNS name (the leftmost label may be C(*))
    nor an IP address is an error starting with that source's option (C(option[i]) for a list);
    other sources (host facts) drop such values silently.
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: _input
options:
  _input:
    description: The sources, each C(option) (its name in messages), C(values) (a string or a list) and C(strict).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: The names the certificate holds
  ansible.builtin.set_fact:
    plan: >-
      {{ [{'option': 'certificates_extra_sans', 'values': certificates_extra_sans, 'strict': true},
          {'option': 'ansible_all_ipv4_addresses', 'values': ansible_all_ipv4_addresses}]
         | anchorage.registry.certificate_sans }}
"""

RETURN = r"""
_value:
  description: C(sans), the entries, and C(errors), one message per bad value of a strict source.
  type: dict
  sample: {sans: ["DNS:reg1", "IP:10.0.0.5"], errors: ["certificates_extra_sans[1]: 'a b' is neither a DNS name nor an IP address"]}
"""

from ansible_collections.anchorage.registry.plugins.module_utils._certificates import certificate_sans


class FilterModule(object):
    def filters(self):
        return {"certificate_sans": certificate_sans}
