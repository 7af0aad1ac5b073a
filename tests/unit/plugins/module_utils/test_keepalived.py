# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import ipaddress
import json
import os

import pytest
import yaml

from ansible_collections.anchorage.registry.plugins.module_utils._keepalived import (
    HEADER,
    address_texts,
    cluster_settings,
    given_addresses,
    interfaces_for,
    parse_addresses,
    parse_settings,
    render,
    resolve,
)

# `ip -json address show` on a lab VM (trimmed to the keys the parser reads, plus one
# interface without addresses and one veth with only a link-local address).
IP_JSON = json.dumps([
    {"ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1", "prefixlen": 8},
                                   {"family": "inet6", "local": "::1", "prefixlen": 128}]},
    {"ifname": "ifb0", "addr_info": []},
    {"ifname": "eth0", "addr_info": [{"family": "inet", "local": "192.0.2.2", "prefixlen": 24},
                                     {"family": "inet6", "local": "fd00::2", "prefixlen": 64},
                                     {"family": "inet6", "local": "fe80::fc:ff:fe00:1", "prefixlen": 64}]},
    {"ifname": "eth1", "addr_info": [{"family": "inet", "local": "10.20.0.5", "prefixlen": 16}]},
    {"ifname": "veth1", "addr_info": [{"family": "inet6", "local": "fe80::1", "prefixlen": 64}]},
    {"ifname": "vlan9", "addr_info": [{"family": "inet", "local": "10.20.9.1", "prefixlen": 24}]},
])
ADDRESSES = parse_addresses(IP_JSON)


def instance(**overrides):
    base = {"name": "REGISTRY", "vips": ["192.0.2.100/24"], "virtual_router_id": 51, "priority": 200,
            "state": "BACKUP", "version": 3, "advert_int": 0.5, "nopreempt": True, "unicast_peers": [],
            "track_scripts": []}
    base.update(overrides)
    return base


SCRIPT = {"name": "registry", "command": "/usr/local/libexec/anchorage/keepalived-check-http -c 200,401 http://127.0.0.1:5000/v2/",
          "interval": 1, "timeout": 1, "fall": 2, "rise": 2, "weight": None, "init_fail": True}


def errors_of(instances, scripts=None, addresses=None):
    return resolve(instances, scripts or [], ADDRESSES if addresses is None else addresses)[1]


def test_parse_addresses_keeps_every_family_and_skips_empty_links():
    assert ADDRESSES["eth0"] == [ipaddress.ip_interface("192.0.2.2/24"), ipaddress.ip_interface("fd00::2/64"),
                                 ipaddress.ip_interface("fe80::fc:ff:fe00:1/64")]
    assert ADDRESSES["ifb0"] == []
    assert parse_addresses("") == {}


def test_interface_is_found_from_the_vip_subnet():
    assert interfaces_for(ipaddress.ip_address("192.0.2.100"), ADDRESSES) == ["eth0"]
    assert interfaces_for(ipaddress.ip_address("fd00::100"), ADDRESSES) == ["eth0"]
    # Loopback and link-local networks never carry a VIP.
    assert interfaces_for(ipaddress.ip_address("127.0.0.5"), ADDRESSES) == []
    assert interfaces_for(ipaddress.ip_address("fe80::99"), ADDRESSES) == []
    # Nested subnets: both interfaces hold 10.20.9.7.
    assert interfaces_for(ipaddress.ip_address("10.20.9.7"), ADDRESSES) == ["eth1", "vlan9"]


def test_resolve_fills_the_interface_and_drops_own_unicast_address():
    resolved, errors = resolve([instance(unicast_peers=["192.0.2.2", "192.0.2.3", "192.0.2.3", "192.0.2.4"])], [], ADDRESSES)
    assert errors == []
    assert resolved[0]["interface"] == "eth0"
    assert resolved[0]["unicast_peers"] == ["192.0.2.3", "192.0.2.4"]


def test_a_vip_held_on_the_master_still_finds_its_interface():
    # On the master keepalived has added the VIP after the interface's own address.
    addresses = parse_addresses(json.dumps([{"ifname": "eth0", "addr_info": [
        {"family": "inet", "local": "198.51.100.11", "prefixlen": 24},
        {"family": "inet", "local": "198.51.100.100", "prefixlen": 24}]}]))
    resolved, errors = resolve([instance(vips=["198.51.100.100/24"])], [], addresses)
    assert errors == [] and resolved[0]["interface"] == "eth0"
    # Alone on an interface it would vouch for its own subnet: that does not count.
    addresses = parse_addresses(json.dumps([{"ifname": "eth0", "addr_info": [{"family": "inet", "local": "198.51.100.11", "prefixlen": 24}]},
                                            {"ifname": "eth1", "addr_info": [{"family": "inet", "local": "203.0.113.5", "prefixlen": 24},
                                                                             {"family": "inet", "local": "198.51.100.100", "prefixlen": 32}]}]))
    assert errors_of([instance(vips=["198.51.100.100/24"])], addresses=addresses) == []
    assert resolve([instance(vips=["198.51.100.100/24"])], [], addresses)[0][0]["interface"] == "eth0"


@pytest.mark.parametrize("overrides, expected", [
    ({"vips": ["203.0.113.10/24"]}, "instances[0].vips[0]: 203.0.113.10/24 is outside every interface's subnet"),
    ({"vips": ["10.20.9.7/24"]}, "several interfaces (eth1, vlan9); set instances[0].interface"),
    ({"vips": ["192.0.2.2/24"]}, "instances[0].vips[0]: 192.0.2.2/24 is the address of interface 'eth0' on this host, not a free virtual IP"),
    ({"vips": ["192.0.2.100/24"], "interface": "eth1"}, "is not in the subnet of interface 'eth1' (it is in eth0's)"),
    ({"interface": "eth7"}, "instances[0].interface: 'eth7' does not exist"),
    ({"vips": ["192.0.2.300/24"]}, "instances[0].vips[0]: '192.0.2.300/24' is not an IP address"),
    ({"vips": []}, "instances[0].vips: give at least one virtual IP"),
    ({"vips": ["192.0.2.100/24", "fd00::100/64"]}, "mixes IPv4 and IPv6"),
    ({"vips": ["fd00::100/64"], "version": 2, "advert_int": 1}, "IPv6 needs VRRP version 3"),
    ({"vips": ["192.0.2.100/24", "10.20.0.100/16"]}, "sit on different interfaces (eth0, eth1)"),
    ({"priority": 255}, "instances[0].priority: 255 is outside 1-254"),
    ({"priority": 0}, "instances[0].priority: 0 is outside 1-254"),
    ({"virtual_router_id": 256}, "instances[0].virtual_router_id: 256 is outside 1-255"),
    ({"version": 2, "advert_int": 0.5}, "instances[0].advert_int: VRRPv2 sends adverts in whole seconds"),
    ({"advert_int": 0.005}, "instances[0].advert_int: VRRPv3 takes 0.01-40.95"),
    ({"advert_int": 0.125}, "in steps of 0.01"),
    ({"state": "MASTER"}, "instances[0].state: nopreempt and preempt_delay only work with state BACKUP"),
    ({"auth_pass": "secret"}, "instances[0].auth_pass: VRRP version 3 has no authentication"),
    ({"version": 2, "advert_int": 1, "auth_pass": "toolongpassword"}, "instances[0].auth_pass: must be 1-8 characters"),
    ({"version": 2, "advert_int": 1, "auth_pass": "a#b"}, "instances[0].auth_pass: must be 1-8 characters"),
    ({"track_scripts": ["nosuch"]}, "instances[0].track_scripts[0]: 'nosuch' is not in scripts (known: none)"),
    ({"notify_master": "relative/script"}, "instances[0].notify_master: must start with an absolute path"),
    ({"notify_fault": '/bin/echo "x"'}, "instances[0].notify_fault: must be a non-empty command without double quotes"),
    ({"unicast_peers": ["192.0.2.2"]}, "instances[0].unicast_peers: every peer is an address of this host"),
    ({"unicast_peers": ["fd00::5"]}, "instances[0].unicast_peers[0]: fd00::5 is not of the VIPs' address family"),
    ({"unicast_peers": ["node2"]}, "instances[0].unicast_peers[0]: 'node2' is not an IP address"),
    ({"unicast_src_ip": "10.20.0.5"}, "instances[0].unicast_src_ip: 10.20.0.5 is not an address of interface 'eth0'"),
    ({"name": "two words"}, "instances[0].name: 'two words' must be letters"),
    ({"preempt_delay": 2000, "nopreempt": False}, "instances[0].preempt_delay: 2000 is outside 0-1000 seconds"),
])
def test_bad_instances_are_rejected_naming_the_option(overrides, expected):
    errors = errors_of([instance(**overrides)])
    assert any(expected in error for error in errors), errors


def test_two_instances_with_one_router_id_on_one_interface_are_rejected():
    errors = errors_of([instance(), instance(name="OTHER", vips=["192.0.2.101/24"])])
    assert errors == ["instances[1].virtual_router_id: 51 is also instances[0]'s on eth0; one router id per interface and address family"]
    # The same id on another interface, or for the other address family, is a different router.
    assert errors_of([instance(), instance(name="OTHER", vips=["10.20.0.100/16"])]) == []
    assert errors_of([instance(), instance(name="SIX", vips=["fd00::100/64"])]) == []


def test_instance_names_must_differ():
    errors = errors_of([instance(), instance(virtual_router_id=52, vips=["192.0.2.101/24"])])
    assert errors == ["instances[1].name: 'REGISTRY' is listed twice (first at instances[0].name)"]


def test_no_instances_is_an_error():
    assert errors_of([]) == ["instances: give at least one VRRP instance"]


@pytest.mark.parametrize("overrides, expected", [
    ({"name": "bad name"}, "scripts[0].name: 'bad name' must be letters"),
    ({"command": 'sh -c "exit 1"'}, "scripts[0].command: must be a non-empty command without double quotes"),
    ({"command": "  "}, "scripts[0].command: must be a non-empty command"),
    ({"interval": 0}, "scripts[0].interval: 0 is outside 1-4294"),
    ({"fall": 0}, "scripts[0].fall: 0 is outside 1-1000000"),
    ({"weight": 300}, "scripts[0].weight: 300 is outside -254-254"),
])
def test_bad_scripts_are_rejected_naming_the_option(overrides, expected):
    errors = errors_of([instance()], [dict(SCRIPT, **overrides)])
    assert any(expected in error for error in errors), errors


def test_script_names_must_differ():
    errors = errors_of([instance()], [SCRIPT, dict(SCRIPT)])
    assert errors == ["scripts[1].name: 'registry' is listed twice (first at scripts[0].name)"]


def test_render_writes_every_option_keepalived_needs():
    resolved, errors = resolve([instance(track_scripts=["registry"], unicast_peers=["192.0.2.3"], unicast_src_ip="192.0.2.2",
                                         notify_master="/usr/local/bin/became master", notify="/usr/local/bin/log-vrrp")],
                               [SCRIPT], ADDRESSES)
    assert errors == []
    assert render(resolved, [SCRIPT], router_id="reg1", script_user="keepalived_script") == HEADER + """\
global_defs {
    router_id reg1
    enable_script_security
    script_user keepalived_script
}

vrrp_script registry {
    script "/usr/local/libexec/anchorage/keepalived-check-http -c 200,401 http://127.0.0.1:5000/v2/"
    interval 1
    timeout 1
    fall 2
    rise 2
    init_fail
}

vrrp_instance REGISTRY {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 200
    version 3
    advert_int 0.5
    nopreempt
    unicast_src_ip 192.0.2.2
    unicast_peer {
        192.0.2.3
    }
    virtual_ipaddress {
        192.0.2.100/24 dev eth0
    }
    track_script {
        registry
    }
    notify_master "/usr/local/bin/became master"
    notify "/usr/local/bin/log-vrrp"
}
"""


TRACK = {"name": "registry", "path": "/var/lib/anchorage/keepalived/anchorage-registry.down", "weight": 0}


def test_render_a_track_file_with_weight_0_which_keepalived_does_not_default_to():
    resolved, errors = resolve([instance(track_files=["registry"])], [], ADDRESSES, [TRACK])
    assert errors == []
    text = render(resolved, track_files=[TRACK])
    assert ('\ntrack_file registry {\n    file "/var/lib/anchorage/keepalived/anchorage-registry.down"\n    weight 0\n}\n'
            '\nvrrp_instance REGISTRY {\n') in text
    assert "    track_file {\n        registry\n    }\n}\n" in text


@pytest.mark.parametrize("tracks, tracked, expected", [
    ([dict(TRACK, path="relative/file")], ["registry"], "track_files[0].path: 'relative/file' must be an absolute path"),
    ([dict(TRACK, path='/a "b"')], ["registry"], "track_files[0].path: '/a \"b\"' must be an absolute path"),
    ([dict(TRACK, weight=255)], ["registry"], "track_files[0].weight: 255 is outside -254-254"),
    ([dict(TRACK, name="a b")], [], "track_files[0].name: 'a b' must be letters"),
    ([TRACK, TRACK], ["registry"], "track_files[1].name: 'registry' is listed twice"),
    ([TRACK], ["other"], "instances[0].track_files[0]: 'other' is not in track_files (known: registry)"),
])
def test_bad_track_files_are_rejected_naming_the_option(tracks, tracked, expected):
    errors = resolve([instance(track_files=tracked)], [], ADDRESSES, tracks)[1]
    assert any(error.startswith(expected) for error in errors), errors


def test_given_addresses_are_read_as_the_host_would_list_them():
    assert given_addresses(address_texts(ADDRESSES)) == (ADDRESSES, [])
    assert given_addresses({"eth0": ["10.0.0.11/24", "nonsense"], "eth1": "10.0.0.12/24"})[1] == [
        "addresses.eth0[1]: 'nonsense' is not an address in CIDR form (e.g. 10.0.0.11/24)",
        "addresses.eth1: must be a list of addresses in CIDR form (e.g. [10.0.0.11/24])",
    ]


def test_render_the_vrrp_process_priority():
    resolved = resolve([instance()], [], ADDRESSES)[0]
    assert render(resolved, vrrp_priority=-20).startswith(HEADER + "global_defs {\n    vrrp_priority -20\n    enable_script_security\n}\n")


def test_render_vrrpv2_with_password_and_preempt_delay():
    resolved, errors = resolve([instance(version=2, advert_int=1.0, auth_pass="s3cret", nopreempt=False, preempt_delay=30.0,
                                         vips=["192.0.2.100"])], [], ADDRESSES)
    assert errors == []
    text = render(resolved)
    assert "    advert_int 1\n    preempt_delay 30\n    authentication {\n        auth_type PASS\n        auth_pass s3cret\n    }\n" in text
    # A bare address is a /32 on the interface whose subnet holds it.
    assert "        192.0.2.100/32 dev eth0\n" in text
    lines = text.splitlines()
    assert "    nopreempt" not in lines
    assert not [line for line in lines if line.startswith(("    script_user", "    router_id"))]


def test_settings_read_back_from_a_rendered_config():
    resolved = resolve([instance(version=2, advert_int=1, auth_pass="Ab3dEf7h"),
                        instance(name="SECOND", virtual_router_id=52, vips=["192.0.2.101/24"])], [SCRIPT], ADDRESSES)[0]
    assert parse_settings(render(resolved, [SCRIPT])) == {
        "REGISTRY": {"virtual_router_id": 51, "auth_pass": "Ab3dEf7h", "version": 2},
        "SECOND": {"virtual_router_id": 52, "auth_pass": None, "version": 3},
    }


def test_settings_read_back_from_a_hand_written_config():
    text = """
    ! Configuration File for keepalived
    global_defs { router_id LVS_DEVEL }
    vrrp_script chk { script "/bin/true" }
    vrrp_instance VI_1 {   # the old one
        state MASTER
        interface eth0
        virtual_router_id 31
        authentication {
            auth_type PASS
            auth_pass "k8s-test"
        }
        virtual_ipaddress { 10.0.0.100 }
        track_script { chk }
    }
    vrrp_instance VI_2 { virtual_router_id x }
    """
    assert parse_settings(text) == {
        "VI_1": {"virtual_router_id": 31, "auth_pass": "k8s-test", "version": None},
        "VI_2": {"virtual_router_id": None, "auth_pass": None, "version": None},
    }
    assert parse_settings("") == {}
    assert parse_settings("vrrp_instance") == {}


def test_cluster_settings_take_the_first_node_that_has_a_value():
    node1 = "vrrp_instance A {\n virtual_router_id 7\n}\n"
    node2 = "vrrp_instance A {\n virtual_router_id 9\n version 2\n authentication {\n auth_pass pw\n }\n}\nvrrp_instance B {\n virtual_router_id 8\n}\n"
    assert cluster_settings([node1, "", node2]) == {
        "A": {"virtual_router_id": 7, "auth_pass": "pw", "version": 2},
        "B": {"virtual_router_id": 8, "auth_pass": None, "version": None},
    }
    assert cluster_settings([]) == {}


def test_the_role_removes_only_files_that_start_with_this_header():
    # roles/keepalived removes keepalived_config's file on absent only when it starts with the role's copy of the header.
    path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "roles", "keepalived", "vars", "main.yml")
    with open(path) as handle:
        header = yaml.safe_load(handle)["__keepalived_config_header"]
    assert HEADER.startswith(header) and len(header) > len("# Managed by anchorage.registry")
