# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The keepalived role's plan filters: thin wrappers over _keepalived_plan (tested there)."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.filter.keepalived_cluster import FilterModule as Cluster
from ansible_collections.anchorage.registry.plugins.filter.keepalived_host_instances import FilterModule as HostInstances
from ansible_collections.anchorage.registry.plugins.filter.keepalived_scripts import FilterModule as Scripts

keepalived_cluster = Cluster().filters()["keepalived_cluster"]
keepalived_host_instances = HostInstances().filters()["keepalived_host_instances"]
keepalived_scripts = Scripts().filters()["keepalived_scripts"]

INSTANCES = [{"name": "REGISTRY", "version": 2}]
KINDS = {"http": {"url": "", "status_codes": [200], "reject_pattern": ""}}
TIMERS = {"interval": 1, "timeout": 1, "fall": 2, "rise": 2}


def test_cluster_then_host_instances():
    cluster = keepalived_cluster(INSTANCES, {"REGISTRY": {"virtual_router_id": 12, "auth_pass": "livepass", "version": 2}}, 3)
    assert cluster == {"REGISTRY": {"virtual_router_id": 12, "auth_pass": "livepass"}}
    assert keepalived_host_instances(INSTANCES, cluster, ("a", "b"), "b", {"state": "BACKUP"}, 200, 10) == [
        {"name": "REGISTRY", "version": 2, "state": "BACKUP", "priority": 190, "virtual_router_id": 12, "auth_pass": "livepass"}]


def test_errors_are_filter_errors():
    with pytest.raises(AnsibleFilterError, match="no free virtual_router_id"):
        keepalived_cluster([{"name": "I%d" % number, "virtual_router_id": number} for number in range(1, 256)] + [{"name": "X"}], {}, 3)
    with pytest.raises(AnsibleFilterError, match=r"^keepalived_host_instances: c is not one of the hosts \['a', 'b'\]$"):
        keepalived_host_instances(INSTANCES, {}, ["a", "b"], "c", {}, 200, 10)
    with pytest.raises(AnsibleFilterError, match="^keepalived_host_instances: the cluster has no instance 'REGISTRY'$"):
        keepalived_host_instances(INSTANCES, {}, ["a"], "a", {}, 200, 10)
    with pytest.raises(AnsibleFilterError, match="^keepalived_checks: web of kind http need a url$"):
        keepalived_scripts([{"name": "web", "kind": "http"}], KINDS, "/bin/check", TIMERS)


def test_scripts():
    assert keepalived_scripts([{"name": "web", "kind": "http", "url": "http://127.0.0.1/a b"}], KINDS, "/bin/check", TIMERS)[0]["command"] == (
        "/bin/check -c 200 -t 1 'http://127.0.0.1/a b'")
