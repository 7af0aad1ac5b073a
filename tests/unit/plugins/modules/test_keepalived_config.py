# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""keepalived_config on real temp files, this host's real interfaces and the real keepalived -t.

The VIP is an unused address in the subnet of one of this machine's interfaces: the module only
writes a file and runs keepalived's config test, which adds no address and sends no packet.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import stat
import subprocess

import pytest

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.modules import keepalived_config

KEEPALIVED = shutil.which("keepalived") or "/usr/sbin/keepalived"


def _host_subnet():
    """(interface, a free VIP in CIDR form, a free second VIP) on an interface of this host."""
    links = json.loads(subprocess.run(["ip", "-json", "address", "show"], check=True, capture_output=True, text=True).stdout)
    local = {info["local"] for link in links for info in link.get("addr_info", [])}
    for link in sorted(links, key=lambda item: item["ifname"]):
        for info in link.get("addr_info", []):
            if info.get("family") != "inet" or info.get("scope") == "host":
                continue
            network = ipaddress.ip_interface("%s/%s" % (info["local"], info["prefixlen"])).network
            if network.prefixlen > 29:
                continue
            free = [str(host) for host in reversed(list(network.hosts())[-16:]) if str(host) not in local]
            return link["ifname"], "%s/%d" % (free[0], network.prefixlen), "%s/%d" % (free[1], network.prefixlen)
    pytest.fail("this machine has no IPv4 interface with a subnet to put a test VIP in")


@pytest.fixture(scope="module")
def subnet():
    if not os.access(KEEPALIVED, os.X_OK):
        pytest.fail("keepalived is missing: install Debian's keepalived package (make host-deps)")
    if os.geteuid() != 0:
        pytest.fail("keepalived --config-test needs root")
    return _host_subnet()


@pytest.fixture
def check_script(tmp_path):
    """A health-check script keepalived accepts: owned by root, not writable by others."""
    directory = tmp_path / "libexec"
    directory.mkdir(mode=0o755)
    os.chmod(str(tmp_path), 0o755)
    script = directory / "check"
    script.write_text("#!/bin/sh\nexit 0\n")
    os.chmod(str(script), 0o755)
    return str(script)


def args_for(path, subnet, **overrides):
    vip = subnet[1]
    args = {
        "path": str(path),
        "mode": "0640",
        "script_user": "root",
        "instances": [{"name": "REGISTRY", "vips": [vip], "virtual_router_id": 51, "priority": 200,
                       "advert_int": 0.5, "nopreempt": True}],
    }
    args.update(overrides)
    return args


def test_writes_a_tested_config_with_the_interface_found_then_stays_unchanged(run_module, tmp_path, subnet, check_script):
    path = tmp_path / "keepalived" / "keepalived.conf"
    script = {"name": "registry", "command": check_script + " --flag", "interval": 1, "fall": 2, "rise": 2, "init_fail": True}
    args = args_for(path, subnet, vrrp_priority=-20, scripts=[script])
    args["instances"][0]["track_scripts"] = ["registry"]
    result = run_module(keepalived_config, args)
    assert result["changed"] and result["reload_required"]
    assert result["config_test"] == "passed"
    assert result["instances"][0]["interface"] == subnet[0]
    text = path.read_text()
    assert "    interface %s\n" % subnet[0] in text
    assert "        %s dev %s\n" % (subnet[1], subnet[0]) in text
    assert 'script "%s --flag"' % check_script in text
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o640

    again = run_module(keepalived_config, args)
    assert not again["changed"] and not again["reload_required"]
    assert again["config_test"] == "unchanged"


def test_check_mode_writes_nothing_and_diff_shows_the_new_file(run_module, tmp_path, subnet):
    path = tmp_path / "keepalived.conf"
    result = run_module(keepalived_config, args_for(path, subnet), check_mode=True, diff=True)
    assert result["changed"] and result["reload_required"]
    assert result["config_test"] == "passed"
    assert not path.exists()
    assert result["diff"]["before"] == ""
    assert "virtual_router_id 51" in result["diff"]["after"]


def test_a_change_is_reported_with_a_diff_and_a_backup(run_module, tmp_path, subnet):
    path = tmp_path / "keepalived.conf"
    run_module(keepalived_config, args_for(path, subnet))
    args = args_for(path, subnet, backup=True)
    args["instances"][0]["priority"] = 150
    result = run_module(keepalived_config, args, diff=True)
    assert result["changed"] and result["reload_required"]
    assert "priority 200" in result["diff"]["before"] and "priority 150" in result["diff"]["after"]
    assert "priority 200" in open(result["backup_file"]).read()
    assert "priority 150" in path.read_text()


def test_the_vrrpv2_password_never_appears_in_the_result(run_module, tmp_path, subnet):
    path = tmp_path / "keepalived.conf"
    args = args_for(path, subnet)
    args["instances"][0].update(version=2, advert_int=1, auth_pass="Zq8xW2pL")
    result = run_module(keepalived_config, args, diff=True)
    assert result["changed"]
    assert "auth_pass Zq8xW2pL" in path.read_text()
    assert "Zq8xW2pL" not in json.dumps(result)


def test_a_changed_vrrpv2_password_hides_the_old_one_too(run_module, tmp_path, subnet):
    path = tmp_path / "keepalived.conf"
    args = args_for(path, subnet)
    args["instances"][0].update(version=2, advert_int=1, auth_pass="Old1pass")
    run_module(keepalived_config, args)
    args["instances"][0].update(auth_pass="New2pass")
    result = run_module(keepalived_config, args, diff=True)
    assert result["changed"] and "auth_pass New2pass" in path.read_text()
    assert "Old1pass" not in json.dumps(result) and "New2pass" not in json.dumps(result)


def test_a_new_file_without_mode_is_private_and_an_existing_one_keeps_its_mode(run_module, tmp_path, subnet):
    path = tmp_path / "keepalived.conf"
    run_module(keepalived_config, args_for(path, subnet, mode=None))
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    os.chmod(str(path), 0o640)
    args = args_for(path, subnet, mode=None)
    args["instances"][0].update(priority=150)
    assert run_module(keepalived_config, args)["reload_required"]
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o640


def test_a_mode_change_alone_does_not_ask_for_a_reload(run_module, tmp_path, subnet):
    path = tmp_path / "keepalived.conf"
    run_module(keepalived_config, args_for(path, subnet))
    result = run_module(keepalived_config, args_for(path, subnet, mode="0600"))
    assert result["changed"] and not result["reload_required"]
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600


@pytest.mark.parametrize("change, expected", [
    (lambda a, s: a["instances"][0].update(vips=["203.0.113.77/24"]), "instances[0].vips[0]: 203.0.113.77/24 is outside every interface's subnet"),
    (lambda a, s: a["instances"][0].update(priority=255), "instances[0].priority: 255 is outside 1-254"),
    (lambda a, s: a["instances"].append(dict(a["instances"][0], name="OTHER", vips=[s[2]])),
     "instances[1].virtual_router_id: 51 is also instances[0]'s"),
    (lambda a, s: a["instances"][0].update(auth_pass="secret"), "instances[0].auth_pass: VRRP version 3 has no authentication"),
    (lambda a, s: a.update(script_user="no-such-user-here"), "script_user: user 'no-such-user-here' does not exist"),
    (lambda a, s: a.update(vrrp_priority=-21), "vrrp_priority: -21 is outside -20-19"),
])
def test_bad_input_fails_naming_the_option_and_writes_nothing(run_module, tmp_path, subnet, change, expected):
    path = tmp_path / "keepalived.conf"
    path.write_text("# the live config\n")
    args = args_for(path, subnet)
    change(args, subnet)
    result = run_module(keepalived_config, args)
    assert result["failed"]
    assert expected in result["msg"]
    assert path.read_text() == "# the live config\n"


def test_keepalived_config_test_rejects_an_insecure_script_and_the_live_file_stays(run_module, tmp_path, subnet, check_script,
                                                                                   monkeypatch):
    # Passes the module's own checks; keepalived refuses a script that others may rewrite.
    os.chmod(check_script, 0o777)
    path = tmp_path / "keepalived.conf"
    path.write_text("# the live config\n")
    args = args_for(path, subnet, scripts=[{"name": "registry", "command": check_script}])
    args["instances"][0]["track_scripts"] = ["registry"]
    result = run_module(keepalived_config, args)
    assert result["failed"]
    assert result["msg"].startswith("keepalived --config-test rejected the new %s" % path)
    assert str(path) in result["msg"] and "keepalived." not in result["msg"].replace("keepalived --config-test", "").replace(str(path), "")
    assert path.read_text() == "# the live config\n"
    # In check mode the real run's earlier tasks may still fix what the test refuses: a warning.
    # (recorded at the source: other tests may have sent module warnings to the display)
    warned = []
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, text, **kwargs: warned.append(text))
    check = run_module(keepalived_config, args, check_mode=True)
    assert check["changed"] and check["config_test"] == "skipped"
    assert [text for text in warned if text.startswith("config test inconclusive in check mode")]
    assert path.read_text() == "# the live config\n"
    # validate=false is the opt-out for keepalived versions whose test misbehaves.
    result = run_module(keepalived_config, dict(args, validate=False))
    assert result["changed"] and result["config_test"] == "disabled"


def test_scripts_run_by_an_unprivileged_user_pass_the_test(run_module, tmp_path, subnet, check_script):
    # keepalived 2.2.7 kills its own config test when scripts run as non-root
    # (acassen/keepalived#2617); the module tests that config again with root as script user.
    path = tmp_path / "keepalived.conf"
    args = args_for(path, subnet, script_user="nobody", scripts=[{"name": "registry", "command": check_script}])
    args["instances"][0]["track_scripts"] = ["registry"]
    result = run_module(keepalived_config, args)
    assert result["changed"] and result["config_test"] == "passed", result
    assert "    script_user nobody\n" in path.read_text()


def test_argument_spec_rejects_unknown_keys_and_bad_choices(run_module, tmp_path, subnet):
    path = tmp_path / "keepalived.conf"
    args = args_for(path, subnet)
    args["instances"][0]["virtual_router"] = 5
    result = run_module(keepalived_config, args)
    assert result["failed"] and "virtual_router" in result["msg"]
    args = args_for(path, subnet)
    args["instances"][0]["version"] = 4
    result = run_module(keepalived_config, args)
    assert result["failed"] and "version" in result["msg"]
    assert not path.exists()


def test_given_addresses_replace_the_hosts_so_the_check_runs_anywhere(run_module, tmp_path):
    # An interface this machine does not have: the interface can only come from the option.
    path = tmp_path / "keepalived.conf"
    args = {"path": str(path), "validate": False, "addresses": {"lab0": ["198.51.100.11/24", "198.51.100.100/24"]},
            "instances": [{"name": "REGISTRY", "vips": ["198.51.100.100/24"], "virtual_router_id": 51, "priority": 200}]}
    result = run_module(keepalived_config, args, check_mode=True)
    assert result["changed"] and result["instances"][0]["interface"] == "lab0"
    assert not path.exists()
    args["addresses"] = {"lab0": ["198.51.100.11"], "lab1": ["not-an-address"]}
    args["instances"][0]["vips"] = ["203.0.113.100/24"]
    result = run_module(keepalived_config, args, check_mode=True)
    assert result["failed"]
    assert result["errors"] == ["addresses.lab1[0]: 'not-an-address' is not an address in CIDR form (e.g. 10.0.0.11/24)"]


def test_a_track_file_passes_keepalived_own_test_only_where_its_directory_exists(run_module, tmp_path, subnet):
    state = tmp_path / "state"
    state.mkdir()
    path = tmp_path / "keepalived.conf"
    args = args_for(path, subnet, track_files=[{"name": "registry", "path": str(state / "anchorage-registry.down")}])
    args["instances"][0]["track_files"] = ["registry"]
    result = run_module(keepalived_config, args)
    assert result["changed"] and result["config_test"] == "passed", result
    assert '    file "%s/anchorage-registry.down"\n    weight 0\n' % state in path.read_text()
    missing = args_for(tmp_path / "other.conf", subnet, track_files=[{"name": "registry", "path": str(tmp_path / "none" / "x.down")}])
    missing["instances"][0]["track_files"] = ["registry"]
    result = run_module(keepalived_config, missing)
    # keepalived --config-test accepts it, and keepalived would drop the file at start: the module refuses.
    assert result["failed"] and result["msg"] == (
        "track_files[0].path: the directory %s does not exist on this host (keepalived would drop the track file)" % (tmp_path / "none"))
    assert not (tmp_path / "other.conf").exists()
