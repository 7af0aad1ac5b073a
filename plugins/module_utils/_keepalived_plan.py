# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""The keepalived role's plan: role variables in, ``keepalived_config`` options out.

Pure functions behind the role's filters. ``cluster_shared`` keeps what every node must share
(router ids, VRRPv2 passwords), ``host_instances`` gives one host its instances and priorities,
``health_scripts`` turns health checks into ``vrrp_script`` commands and ``container_tracks``
their containers into ``track_file`` entries. Errors raise ``ValueError`` with every message,
each starting with the role variable it is about.
"""

from __future__ import annotations

import random
import re
import string

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.anchorage.registry.plugins.module_utils._checks import number_errors
from ansible_collections.anchorage.registry.plugins.module_utils._keepalived import PRIORITY, SCRIPT_NUMBERS, advert_int_errors

_PASSWORD_CHARS = string.ascii_letters + string.digits
_PASSWORD_LENGTH = 8
# keepalived splits a script line on spaces; a word in single quotes keeps its spaces (and # or
# ! inside the line's double quotes are no comment). Quotes and backslashes inside a word have no
# spelling both keepalived generations read alike: before 2.3.2 a script line is unescaped twice,
# from 2.3.2 on once (keepalived's af7aa8bf); a double quote also ends the config's own string.
_UNQUOTABLE = re.compile(r"['\"\\\x00-\x1f\x7f]")
_BARE = re.compile(r"^[^ ]+$")
# Docker's container names; also a systemd instance name and a file name.
_CONTAINER = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")


def _numeric(value):
    """A number as Jinja may hand it over (``-e keepalived_advert_int=1`` is the string "1")."""
    if isinstance(value, str):
        for kind in (int, float):
            try:
                return kind(value.strip())
            except ValueError:
                pass
    return value


def cluster_shared(instances, live, default_version, rng=None):
    """``{name: {virtual_router_id, auth_pass}}`` for every instance of the cluster.

    A value given in ``instances`` wins, else the one read back from a node (``live``, from
    ``_keepalived.cluster_settings``), else a new one: a router id no other instance uses, and a
    VRRPv2 password. A password given with version 3 is passed on, so that the module refuses it
    by name.
    """
    rng = rng or random.SystemRandom()
    used = set(int(instance.get("virtual_router_id") or 0) for instance in instances)
    used.update(found.get("virtual_router_id") for found in live.values())
    shared = {}
    for instance in instances:
        found = live.get(instance["name"], {})
        vrid = int(instance.get("virtual_router_id") or found.get("virtual_router_id") or 0)
        if not vrid:
            free = [number for number in range(1, 256) if number not in used]
            if not free:
                raise ValueError("keepalived_instances: no free virtual_router_id (1-255) for %s" % instance["name"])
            vrid = rng.choice(free)
        used.add(vrid)
        password = instance.get("auth_pass")
        # A null version is no version 2.
        if int(instance.get("version", default_version) or 0) == 2:
            password = (password or found.get("auth_pass")
                        or "".join(rng.choice(_PASSWORD_CHARS) for dummy in range(_PASSWORD_LENGTH)))
        shared[instance["name"]] = {"virtual_router_id": vrid, "auth_pass": password}
    return shared


def _priority(base, step, position, index, count):
    """The priority of the host at ``position`` for the instance at ``index``.

    Rotating by the instance's index spreads several instances' masters over the nodes.
    """
    return int(base) - int(step) * ((position + index) % count)


def host_instances(instances, shared, hosts, host, defaults, priority_base, priority_step, tracks=None):
    """This host's instances: ``defaults``, then the instance's own keys, then ``shared``.

    ``host`` must be one of ``hosts`` (the role asserts it first, by name). ``tracks`` are the
    track files of the checks' containers (``container_tracks``, named after their checks): an
    instance that tracks a check tracks its container's file too.
    """
    if host not in hosts:
        raise ValueError("keepalived_cluster_hosts: %s does not list %s" % (list(hosts), host))
    priority_base, priority_step = _numeric(priority_base), _numeric(priority_step)
    errors = advert_int_errors("keepalived_advert_int", _numeric(defaults.get("advert_int")), _numeric(defaults.get("version")))
    errors += number_errors(priority_base, "keepalived_priority_base", PRIORITY[0], PRIORITY[1])
    errors += number_errors(priority_step, "keepalived_priority_step", 0, PRIORITY[1] - PRIORITY[0])
    if not errors and priority_base - priority_step * (len(hosts) - 1) < PRIORITY[0]:
        errors.append("keepalived_priority_step: %d x %d hosts below keepalived_priority_base %d leaves the last host priority %d, outside %d-%d"
                      % (priority_step, len(hosts) - 1, priority_base, priority_base - priority_step * (len(hosts) - 1), PRIORITY[0], PRIORITY[1]))
    if errors:
        raise ValueError("; ".join(errors))
    tracked = set(track["name"] for track in tracks or [])
    position = hosts.index(host)
    result = []
    for index, instance in enumerate(instances):
        merged = dict(defaults, priority=_priority(priority_base, priority_step, position, index, len(hosts)))
        merged.update(instance)
        merged.update(shared[instance["name"]])
        merged["track_files"] = [name for name in merged.get("track_scripts") or [] if name in tracked]
        result.append(merged)
    return result


def container_tracks(checks, directory):
    """A ``track_file`` per check that names a ``container``: ``directory/<container>.down``.

    The role's watcher of the engine's events writes 1 there when the container dies and 0 when
    it starts, so keepalived gives the VIPs away at once instead of at the next failed check.
    """
    errors = ["keepalived_checks[%d].container: %r is not a container name (letters, digits, '_', '.', '-')" % (index, check["container"])
              for index, check in enumerate(checks) if check.get("container") and not _CONTAINER.match(check["container"])]
    if errors:
        raise ValueError("; ".join(errors))
    return [{"name": check["name"], "path": "%s/%s.down" % (directory.rstrip("/"), check["container"]), "weight": 0}
            for check in checks if check.get("container")]


def argument_error(value):
    """Why ``value`` cannot be one argument of a keepalived script, or None."""
    if _UNQUOTABLE.search(value):
        return ("%r holds a quote, a backslash or a control character, which keepalived reads differently "
                "before and after 2.3.2 (percent-encode it in a URL, match it with . in a pattern)" % value)
    return None


def command_line(argv):
    """The script line keepalived splits back into ``argv`` (see ``argument_error``)."""
    return " ".join(word if _BARE.match(word) else "'%s'" % word for word in argv)


def _check_command(where, check, kind, command, timeout):
    """keepalived-check-http's argv as ``[(source, word), ...]``, ``source`` naming a variable or None."""
    url = check.get("url") or kind["url"]
    reject = check.get("reject_pattern", kind["reject_pattern"])
    ca_file = check.get("ca_file") or ""
    # A loopback URL rarely matches the certificate's names: skip the check unless asked for.
    insecure = url.startswith("https:") and not ca_file and not boolean(check.get("validate_certs", False), strict=False)
    codes = ",".join(str(code) for code in check.get("status_codes", kind["status_codes"]))
    argv = [(None, command), (None, "-c"), (None, codes), (None, "-t"), (None, str(timeout))]
    if reject:
        argv += [(None, "-r"), (where + ".reject_pattern", reject)]
    if insecure:
        argv.append((None, "-k"))
    if ca_file:
        argv += [(None, "-a"), (where + ".ca_file", ca_file)]
    return argv + [(where + ".url", url)]


def health_scripts(checks, kinds, command, defaults):
    """One ``keepalived_config`` script per health check, running ``command`` (keepalived-check-http).

    ``kinds`` is what each check kind asks of the service (url, status_codes, reject_pattern);
    ``defaults`` holds the timers a check does not give (interval, timeout, fall, rise).
    """
    problem = argument_error(command)
    errors = ["keepalived_check_command: " + problem] if problem else []
    for key, low, high, unit, whole in SCRIPT_NUMBERS:
        if key in defaults:
            errors += number_errors(_numeric(defaults[key]), "keepalived_check_" + key, low, high, unit, whole)
    scripts = []
    without_url = []
    for index, check in enumerate(checks):
        where = "keepalived_checks[%d]" % index
        kind = kinds.get(check.get("kind", "distribution"))
        if kind is None:
            errors.append("%s.kind: %r is not one of %s" % (where, check.get("kind"), ", ".join(sorted(kinds))))
            continue
        if not (check.get("url") or kind["url"]):
            without_url.append(check["name"])
            continue
        for position, code in enumerate(check.get("status_codes") or []):
            errors += number_errors(_numeric(code), "%s.status_codes[%d]" % (where, position), 100, 599)
        timeout = check.get("timeout", defaults["timeout"])
        argv = _check_command(where, check, kind, command, timeout)
        for source, word in argv:
            problem = source and argument_error(word)
            if problem:
                errors.append("%s: %s" % (source, problem))
        scripts.append({"name": check["name"], "command": command_line([word for dummy, word in argv]), "init_fail": True,
                        "interval": check.get("interval", defaults["interval"]), "timeout": timeout,
                        "fall": check.get("fall", defaults["fall"]), "rise": check.get("rise", defaults["rise"]),
                        "weight": check.get("weight")})
    if without_url:
        errors.insert(0, "keepalived_checks: %s of kind http need a url" % ", ".join(without_url))
    if errors:
        raise ValueError("; ".join(errors))
    return scripts
