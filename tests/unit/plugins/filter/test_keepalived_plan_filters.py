# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The keepalived role's plan filters: thin wrappers over _keepalived_plan (tested there)."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.filter.keepalived_addresses import FilterModule as Addresses
from ansible_collections.anchorage.registry.plugins.filter.keepalived_cluster import FilterModule as Cluster
from ansible_collections.anchorage.registry.plugins.filter.keepalived_host_instances import FilterModule as HostInstances
from ansible_collections.anchorage.registry.plugins.filter.keepalived_scripts import FilterModule as Scripts
from ansible_collections.anchorage.registry.plugins.filter.keepalived_track_files import FilterModule as TrackFiles

keepalived_cluster = Cluster().filters()["keepalived_cluster"]
keepalived_host_instances = HostInstances().filters()["keepalived_host_instances"]
keepalived_scripts = Scripts().filters()["keepalived_scripts"]
keepalived_track_files = TrackFiles().filters()["keepalived_track_files"]
keepalived_addresses = Addresses().filters()["keepalived_addresses"]

INSTANCES = [{"name": "REGISTRY", "version": 2}]
KINDS = {"http": {"url": "", "status_codes": [200], "reject_pattern": ""}}
TIMERS = {"interval": 1, "timeout": 1, "fall": 2, "rise": 2}


def test_cluster_then_host_instances():
    cluster = keepalived_cluster(INSTANCES, {"REGISTRY": {"virtual_router_id": 12, "auth_pass": "livepass", "version": 2}}, 3)
    assert cluster == {"REGISTRY": {"virtual_router_id": 12, "auth_pass": "livepass"}}
    assert keepalived_host_instances(INSTANCES, cluster, ("a", "b"), "b", {"state": "BACKUP"}, 200, 10) == [
        {"name": "REGISTRY", "version": 2, "state": "BACKUP", "priority": 190, "virtual_router_id": 12, "auth_pass": "livepass",
         "track_files": []}]


def test_errors_are_filter_errors():
    with pytest.raises(AnsibleFilterError, match="no free virtual_router_id"):
        keepalived_cluster([{"name": "I%d" % number, "virtual_router_id": number} for number in range(1, 256)] + [{"name": "X"}], {}, 3)
    with pytest.raises(AnsibleFilterError, match=r"^keepalived_cluster_hosts: \['a', 'b'\] does not list c$"):
        keepalived_host_instances(INSTANCES, {}, ["a", "b"], "c", {}, 200, 10)
    with pytest.raises(AnsibleFilterError, match="^keepalived_host_instances: the cluster has no instance 'REGISTRY'$"):
        keepalived_host_instances(INSTANCES, {}, ["a"], "a", {}, 200, 10)
    with pytest.raises(AnsibleFilterError, match="^keepalived_checks: web of kind http need a url$"):
        keepalived_scripts([{"name": "web", "kind": "http"}], KINDS, "/bin/check", TIMERS)


def test_scripts():
    assert keepalived_scripts([{"name": "web", "kind": "http", "url": "http://127.0.0.1/a b"}], KINDS, "/bin/check", TIMERS)[0]["command"] == (
        "/bin/check -c 200 -t 1 'http://127.0.0.1/a b'")


def test_track_files():
    assert keepalived_track_files([{"name": "registry", "container": "reg"}], "/d") == [{"name": "registry", "path": "/d/reg.down", "weight": 0}]
    with pytest.raises(AnsibleFilterError, match=r"^keepalived_checks\[0\]\.container: 'a b' is not a container name"):
        keepalived_track_files([{"name": "registry", "container": "a b"}], "/d")


def test_addresses_as_the_module_takes_them():
    ip_json = ('[{"ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1", "prefixlen": 8}]},'
               ' {"ifname": "eth0", "addr_info": [{"family": "inet", "local": "10.0.0.11", "prefixlen": 24},'
               ' {"family": "inet", "local": "10.0.0.100", "prefixlen": 24}, {"family": "inet6", "local": "fd00::11", "prefixlen": 64}]}]')
    assert keepalived_addresses(ip_json) == {"lo": ["127.0.0.1/8"], "eth0": ["10.0.0.11/24", "10.0.0.100/24", "fd00::11/64"]}
    with pytest.raises(AnsibleFilterError, match="^keepalived_addresses takes the output of ip -json address show"):
        keepalived_addresses("not json")
