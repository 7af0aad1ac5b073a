# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""haproxy.cfg for the registry load balancer: checks, rendering, and the module on temp files.

HAProxy's own test (haproxy -c) runs on the lab hosts in molecule registry_ha, where the
load_balancer role installs Debian's haproxy; here it runs too when this machine has haproxy.
"""

from __future__ import annotations

import os
import shutil

import pytest
import yaml

from ansible_collections.anchorage.registry.plugins.module_utils._haproxy import HEADER, check, render
from ansible_collections.anchorage.registry.plugins.modules import haproxy_config

SERVERS = [{"name": "reg1", "address": "10.0.0.11:5001"}, {"name": "reg2", "address": "10.0.0.12:5001"}]
PARAMS = {"name": "registry", "bind": [":5000"], "servers": SERVERS,
          "check_path": "/v2/", "check_status_codes": [200, 401], "check_interval": 250, "check_fall": 2, "check_rise": 2,
          "connect_timeout": 500, "client_timeout": 1200, "server_timeout": 1200, "retries": 2}


def test_render_balances_over_checked_nodes_with_long_timeouts():
    assert render(PARAMS) == HEADER + """\
global
    log /dev/log local0
    user haproxy
    group haproxy
    stats socket /run/haproxy/admin.sock mode 660 level admin

defaults
    mode http
    log global
    option httplog
    option dontlognull
    option redispatch
    retries 2
    timeout connect 500ms
    timeout client 1200s
    timeout server 1200s
    timeout http-request 60s
    timeout check 250ms

frontend registry
    bind :5000
    default_backend registry

backend registry
    balance roundrobin
    option httpchk GET /v2/
    http-check expect rstatus ^(200|401)$
    default-server check inter 250ms fastinter 250ms downinter 250ms fall 2 rise 2
    server reg1 10.0.0.11:5001
    server reg2 10.0.0.12:5001
"""


@pytest.mark.parametrize("changes, expected", [
    ({"bind": []}, "bind: give at least one HOST:PORT"),
    ({"bind": ["5000"]}, "bind[0]: '5000' must be HOST:PORT"),
    ({"servers": []}, "servers: give at least one registry node"),
    ({"servers": [{"name": "a b", "address": "10.0.0.11:5001"}]}, "servers[0].name: 'a b' must be letters"),
    ({"servers": [{"name": "a", "address": "10.0.0.11"}]}, "servers[0].address: '10.0.0.11' needs a port"),
    ({"servers": [{"name": "a", "address": "http://10.0.0.11:5001"}]}, "servers[0].address: 'http://10.0.0.11:5001' is a URL"),
    ({"servers": [{"name": "a", "address": "10.0.0.11:1"}, {"name": "a", "address": "10.0.0.12:1"}]}, "servers[1].name: 'a' is listed twice"),
    ({"check_path": "v2 x"}, "check_path: 'v2 x' must be an absolute URL path"),
    ({"check_status_codes": [200, 99]}, "check_status_codes[1]: 99 is outside 100-599"),
    ({"check_interval": 0}, "check_interval: 0 is outside 10-60000 ms"),
    ({"check_fall": 0}, "check_fall: 0 is outside 1-100"),
    ({"connect_timeout": 70000}, "connect_timeout: 70000 is outside 10-60000 ms"),
    ({"client_timeout": -1}, "client_timeout: -1 is outside 1-86400 seconds"),
    ({"retries": 11}, "retries: 11 is outside 0-10"),
])
def test_bad_options_are_named(changes, expected):
    errors = check(dict(PARAMS, **changes))
    assert any(error.startswith(expected) for error in errors), errors


def _args(path, **changes):
    args = dict(PARAMS)
    args.update(path=str(path), mode="0644", validate=shutil.which("haproxy") is not None)
    args.update(changes)
    return args


def test_the_module_writes_once_then_reports_nothing_to_do(run_module, tmp_path):
    path = tmp_path / "haproxy.cfg"
    result = run_module(haproxy_config, _args(path))
    assert result["changed"] and result["reload_required"] and not result["restart_required"]
    assert path.read_text() == render(PARAMS)
    again = run_module(haproxy_config, _args(path))
    assert not again["changed"] and not again["reload_required"]


def test_bad_input_writes_nothing(run_module, tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text("# live\n")
    result = run_module(haproxy_config, _args(path, retries=-1))
    assert result["failed"] and result["errors"] == ["retries: -1 is outside 0-10"]
    assert path.read_text() == "# live\n"


def test_haproxy_own_test_refuses_what_it_cannot_run(run_module, tmp_path):
    if not shutil.which("haproxy"):
        pytest.skip("haproxy is not installed here; molecule registry_ha runs haproxy -c on the lab hosts")
    path = tmp_path / "haproxy.cfg"
    # Passes the module's checks; HAProxy refuses a host name it cannot resolve.
    result = run_module(haproxy_config, _args(path, servers=[{"name": "a", "address": "no-such-host.invalid:5001"}]))
    assert result["failed"] and result["msg"].startswith("haproxy -c rejected the new %s" % path), result
    assert not path.exists()


def test_the_role_removes_only_files_that_start_with_this_header():
    # roles/load_balancer removes haproxy_config's file on absent only when it starts with the role's copy of the header.
    path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "roles", "load_balancer", "vars", "main.yml")
    with open(path) as handle:
        header = yaml.safe_load(handle)["__load_balancer_config_header"]
    assert HEADER.startswith(header) and len(header) > len("# Managed by anchorage.registry")
