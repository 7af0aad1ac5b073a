# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.filter.node_trust_plan import FilterModule, node_trust_plan


def test_the_filter_is_registered():
    assert FilterModule().filters() == {"node_trust_plan": node_trust_plan}


def test_a_plan_comes_back_for_a_good_list():
    result = node_trust_plan([{"host": "10.0.0.5:5000", "insecure": True, "mirrors": ["docker.io"]}], "/ca")
    assert result["docker"] == {"insecure_registries": ["10.0.0.5:5000"], "registry_mirrors": ["http://10.0.0.5:5000"],
                                "auths": {}}


def test_a_bad_list_is_a_filter_error_naming_each_place():
    with pytest.raises(AnsibleFilterError) as raised:
        node_trust_plan([{"host": "http://10.0.0.5:5000"}, {"host": "reg", "ca_file": "ca.pem"}], "/ca", {"ca.pem": "x"})
    assert "node_trust_registries[0].host" in str(raised.value)
    assert "node_trust_registries[1].ca_file: is not PEM" in str(raised.value)
