# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.filter.keepalived_settings import FilterModule

keepalived_settings = FilterModule().filters()["keepalived_settings"]

NODE1 = "vrrp_instance REGISTRY {\n    virtual_router_id 74\n    version 3\n}\n"
NODE2 = "vrrp_instance REGISTRY {\n    virtual_router_id 12\n}\nvrrp_instance OTHER {\n    virtual_router_id 13\n}\n"


def test_one_text_or_a_list_of_texts():
    assert keepalived_settings(NODE1) == {"REGISTRY": {"virtual_router_id": 74, "auth_pass": None, "version": 3}}
    assert keepalived_settings([NODE1, NODE2]) == {
        "REGISTRY": {"virtual_router_id": 74, "auth_pass": None, "version": 3},
        "OTHER": {"virtual_router_id": 13, "auth_pass": None, "version": None},
    }
    assert keepalived_settings([]) == {}


def test_something_else_is_an_error():
    with pytest.raises(AnsibleFilterError):
        keepalived_settings(5)
