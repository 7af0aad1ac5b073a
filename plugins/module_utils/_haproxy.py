# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""haproxy.cfg for a registry load balancer: one frontend, one backend of registry nodes.

``HaproxyConfig`` describes the file to the shared pipeline (``_config_file``): checks naming the
option, the rendered text, ``haproxy -c`` on the candidate, and a reload when it changed.
"""

from __future__ import annotations

import os
import re
import tempfile

from ansible_collections.anchorage.registry.plugins.module_utils._checks import host_errors, listen_errors, number_errors, unique_errors
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import RELOAD, CheckedFormat

HEADER = "# Managed by anchorage.registry (haproxy_config). Local edits are replaced.\n"

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]*$")
_PATH = re.compile(r"^/[A-Za-z0-9_.~/%:@+-]*$")
# (option, lowest, highest, unit): milliseconds for the fast timers, seconds for the long ones.
_NUMBERS = (("check_interval", 10, 60000, "ms"), ("check_fall", 1, 100, ""), ("check_rise", 1, 100, ""),
            ("connect_timeout", 10, 60000, "ms"), ("client_timeout", 1, 86400, "seconds"),
            ("server_timeout", 1, 86400, "seconds"), ("retries", 0, 10, ""))


def check(params):
    """Every problem in the options, each starting with the option's path."""
    errors = []
    if not _NAME.match(params["name"] or ""):
        errors.append("name: %r must be letters, digits, '_', '.', ':', '-'" % params["name"])
    if not params["bind"]:
        errors.append("bind: give at least one HOST:PORT (e.g. :5000)")
    for index, value in enumerate(params["bind"] or []):
        errors.extend(listen_errors(value, "bind[%d]" % index))
    if not params["servers"]:
        errors.append("servers: give at least one registry node")
    for index, server in enumerate(params["servers"] or []):
        where = "servers[%d]" % index
        if not _NAME.match(server["name"] or ""):
            errors.append("%s.name: %r must be letters, digits, '_', '.', ':', '-'" % (where, server["name"]))
        address = server["address"] or ""
        problems = host_errors(address, where + ".address")
        if not problems and not re.search(r":[0-9]+$", address):
            problems = ["%s.address: %r needs a port (e.g. 10.0.0.11:5000)" % (where, address)]
        errors.extend(problems)
    errors.extend(unique_errors(params["servers"] or [], "servers", "name"))
    if not _PATH.match(params["check_path"] or ""):
        errors.append("check_path: %r must be an absolute URL path without spaces or quotes" % params["check_path"])
    for index, code in enumerate(params["check_status_codes"] or []):
        errors.extend(number_errors(code, "check_status_codes[%d]" % index, 100, 599))
    if not params["check_status_codes"]:
        errors.append("check_status_codes: give at least one healthy status code")
    for key, low, high, unit in _NUMBERS:
        errors.extend(number_errors(params[key], key, low, high, unit))
    return errors


def render(params):
    """The whole haproxy.cfg."""
    name = params["name"]
    codes = "|".join(str(code) for code in params["check_status_codes"])
    interval = params["check_interval"]
    lines = [
        "global",
        "    log /dev/log local0",
        "    user haproxy",
        "    group haproxy",
        "    stats socket /run/haproxy/admin.sock mode 660 level admin",
        "",
        "defaults",
        "    mode http",
        "    log global",
        "    option httplog",
        "    option dontlognull",
        # A request whose connection to a backend fails goes to another one (a node just lost).
        "    option redispatch",
        "    retries %d" % params["retries"],
        "    timeout connect %dms" % params["connect_timeout"],
        # Long enough for a 1.2 GB layer on a slow link, in both directions.
        "    timeout client %ds" % params["client_timeout"],
        "    timeout server %ds" % params["server_timeout"],
        "    timeout http-request 60s",
        "    timeout check %dms" % interval,
        "",
        "frontend %s" % name,
    ]
    lines += ["    bind %s" % value for value in params["bind"]]
    lines += [
        "    default_backend %s" % name,
        "",
        "backend %s" % name,
        "    balance roundrobin",
        "    option httpchk GET %s" % params["check_path"],
        "    http-check expect rstatus ^(%s)$" % codes,
        "    default-server check inter %dms fastinter %dms downinter %dms fall %d rise %d"
        % (interval, interval, interval, params["check_fall"], params["check_rise"]),
    ]
    lines += ["    server %s %s" % (server["name"], server["address"]) for server in params["servers"]]
    return HEADER + "\n".join(lines) + "\n"


def config_test(module, text, path):
    """``(ran, problem)``: ``haproxy -c`` on ``text`` in a temp file; ran is False without haproxy."""
    binary = module.get_bin_path("haproxy")
    if not binary:
        return False, "validate=true needs haproxy on the host: the haproxy binary is not installed"
    fd, tmp_path = tempfile.mkstemp(prefix="haproxy.", suffix=".cfg", dir=module.tmpdir)
    module.add_cleanup_file(tmp_path)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    rc, out, err = module.run_command([binary, "-c", "-q", "-f", tmp_path])
    if rc == 0:
        return True, None
    report = "\n".join(part.strip() for part in (err, out) if part.strip()).replace(tmp_path, path)
    return True, "haproxy -c rejected the new %s (rc %d): %s" % (path, rc, report or "no message")


class HaproxyConfig(CheckedFormat):
    """haproxy.cfg for the haproxy_config module: the module owns the whole file."""

    signal = RELOAD

    check = staticmethod(check)
    text = staticmethod(render)

    def test(self, module, text, path, merged):
        return config_test(module, text, path)
