# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils._certificates import certificate_sans, san


@pytest.mark.parametrize("value, expected", [
    ("Reg1.Example.NET", "DNS:reg1.example.net"),
    ("*.registry.example", "DNS:*.registry.example"),
    ("10.0.0.5", "IP:10.0.0.5"),
    ("fd00::1", "IP:fd00::1"),
    ("[fd00::0:1]", "IP:fd00::1"),
    ("a b", None),
    ("https://reg1", None),
    ("-reg1", None),
    ("reg1..example", None),
    ("a.*.example", None),
    ("", None),
    (5000, None),
])
def test_one_value_becomes_a_dns_name_or_an_ip_address(value, expected):
    assert san(value) == expected


def test_sans_keep_order_and_appear_once_and_facts_never_fail():
    plan = certificate_sans([
        {"option": "inventory_hostname", "values": "reg1"},
        {"option": "ansible_hostname", "values": "reg1"},
        {"option": "ansible_fqdn", "values": "bad_name_from_dhcp"},
        {"option": "certificates_vip", "values": "", "strict": True},
        {"option": "ansible_all_ipv4_addresses", "values": ["10.0.0.5", "127.0.0.1"]},
        {"option": "certificates_extra_sans", "values": ["registry.example", "10.0.0.5"], "strict": True},
    ])
    assert plan == {"sans": ["DNS:reg1", "IP:10.0.0.5", "IP:127.0.0.1", "DNS:registry.example"], "errors": []}


def test_bad_user_values_name_their_option_and_index():
    plan = certificate_sans([
        {"option": "certificates_vip", "values": "10.0.0.300", "strict": True},
        {"option": "certificates_extra_sans", "values": ["ok.example", "not a name", "http://x"], "strict": True},
    ])
    assert plan["sans"] == ["DNS:ok.example"]
    assert plan["errors"] == [
        "certificates_vip: '10.0.0.300' is neither a DNS name nor an IP address",
        "certificates_extra_sans[1]: 'not a name' is neither a DNS name nor an IP address",
        "certificates_extra_sans[2]: 'http://x' is neither a DNS name nor an IP address",
    ]
