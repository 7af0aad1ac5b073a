# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.filter.node_trust_input_errors import FilterModule as InputErrorsFilter
from ansible_collections.anchorage.registry.plugins.filter.node_trust_batches import FilterModule, node_trust_batches
from ansible_collections.anchorage.registry.plugins.module_utils._node_trust import batch_size, batches, input_errors, units_to_apply


def test_batch_size_is_a_number_or_a_share_of_at_least_one_node():
    assert batch_size(3, 10) == 3 and batch_size("3", 10) == 3
    assert batch_size("25%", 10) == 2 and batch_size("25 %", 100) == 25 and batch_size("1%", 10) == 1
    assert batch_size("100%", 7) == 7
    for bad in (0, -1, "0%", "101%", "a", "2.5", True, None, "%"):
        with pytest.raises(ValueError, match="^node_trust_restart_batch: "):
            batch_size(bad, 10)


def test_batches_hold_only_the_hosts_that_restart_that_runtime_in_play_order():
    results = {
        "n1": {"restart_units": ["containerd"], "reload_units": []},
        "n2": {"restart_units": [], "reload_units": []},
        "n3": {"restart_units": [], "reload_units": ["docker"]},
        "n4": {"restart_units": ["k3s", "containerd"], "reload_units": []},
        "n5": {},
        "n6": {"skipped": True, "restart_units": None},
    }
    assert batches(results, 2, ["docker", "containerd"]) == [["n1", "n3"], ["n4"]]
    assert batches(results, "20%", ["docker", "containerd"]) == [["n1"], ["n3"], ["n4"]]
    assert batches(results, 1, ["k3s", "k3s-agent"]) == [["n4"]]
    assert batches({}, "25%", []) == []


def test_units_come_from_the_writers_flags_not_from_changed():
    files = {"docker": {"changed": True, "reload_required": False},
             "containerd_config": {"changed": True, "restart_required": True},
             "k3s": {"restart_required": True, "units": ["k3s"]}, "rke2": {"restart_required": False, "units": ["rke2-agent"]}}
    assert units_to_apply(files) == (["containerd", "k3s"], [])


def test_the_filter_names_the_variable():
    assert FilterModule().filters() == {"node_trust_batches": node_trust_batches}
    with pytest.raises(AnsibleFilterError, match="node_trust_restart_batch: '0%'"):
        node_trust_batches({}, "0%", [])


def test_the_input_check_gives_one_message_per_bad_value_of_any_host():
    assert InputErrorsFilter().filters() == {"node_trust_input_errors": input_errors}
    assert input_errors({"node_trust_wait_timeout": [300, "60"], "node_trust_restart_batch": ["25%", 2]}) == []
    errors = input_errors({"node_trust_wait_timeout": [300, 0, 7200], "node_trust_restart_batch": ["0", "25%", "0"]})
    assert errors == ["node_trust_wait_timeout: 0 is outside 1-3600 seconds",
                      "node_trust_wait_timeout: 7200 is outside 1-3600 seconds",
                      "node_trust_restart_batch: '0' is neither a number of nodes (1 or more) nor a share of them "
                      "from 1% to 100% (e.g. 25%)"]
    assert input_errors({}) == []
