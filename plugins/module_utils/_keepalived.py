# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""keepalived.conf from typed options: check, resolve interfaces, render, read back.

Checks, resolution and rendering are pure functions of the options and the host's addresses
(the ``addresses`` option, else ``ip -json address show`` on the host); ``KeepalivedConfig``
describes the file to the shared pipeline (``_config_file``), which probes the host, runs
``keepalived --config-test`` and writes. Given the addresses, the checks need nothing from the
host: the role runs them on the controller. The role reads live configs back with
``parse_settings`` (through the ``keepalived_settings`` filter) to keep a cluster's router ids
and passwords.
"""

from __future__ import annotations

import ipaddress
import json
import os
import pwd
import re
import tempfile

from ansible_collections.anchorage.registry.plugins.module_utils._checks import number_errors, unique_errors
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import RELOAD, ConfigFormat, Invalid

HEADER = "# Managed by anchorage.registry (keepalived_config). Local edits are replaced.\n"

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
# What keepalived reads as one word inside a quoted string: no quotes, no line breaks.
_BAD_IN_QUOTES = re.compile(r"[\"\n\r]")
_PASSWORD = re.compile(r"^[A-Za-z0-9_.:@%+=/-]{1,8}$")
NOTIFY_KEYS = ("notify_master", "notify_backup", "notify_fault", "notify_stop", "notify")
# (option, lowest, highest, unit, whole number) of the numbers keepalived range-checks.
# Priorities a VRRP router that does not own the address may have (255 is the owner's).
PRIORITY = (1, 254)
SCRIPT_NUMBERS = (("interval", 1, 4294, "seconds", True), ("timeout", 1, 4294, "seconds", True), ("fall", 1, 1000000, "", True),
                  ("rise", 1, 1000000, "", True), ("weight", -254, 254, "", True))
_INSTANCE_NUMBERS = (("virtual_router_id", 1, 255, "", True), ("priority", PRIORITY[0], PRIORITY[1], "", True),
                     ("preempt_delay", 0, 1000, "seconds", False))
_TRACK_FILE_NUMBERS = (("weight", -254, 254, "", True),)


def parse_addresses(ip_json):
    """``{ifname: [ip_interface, ...]}`` from the output of ``ip -json address show``."""
    result = {}
    for link in json.loads(ip_json or "[]"):
        name = link.get("ifname")
        if not name:
            continue
        addrs = result.setdefault(name, [])
        for info in link.get("addr_info", []):
            if info.get("family") not in ("inet", "inet6") or "local" not in info:
                continue
            addrs.append(ipaddress.ip_interface("%s/%s" % (info["local"], info.get("prefixlen", 32))))
    return result


def given_addresses(addresses):
    """``(addresses, errors)``: the ``addresses`` option (``{ifname: [CIDR, ...]}``) as ``parse_addresses`` gives them."""
    result = {}
    errors = []
    if not isinstance(addresses, dict):
        return result, ["addresses: must map interface names to lists of addresses in CIDR form"]
    for name, texts in sorted(addresses.items()):
        if not isinstance(texts, list):
            errors.append("addresses.%s: must be a list of addresses in CIDR form (e.g. [10.0.0.11/24])" % name)
            continue
        result[name] = []
        for index, text in enumerate(texts):
            try:
                result[name].append(ipaddress.ip_interface(str(text)))
            except ValueError:
                errors.append("addresses.%s[%d]: %r is not an address in CIDR form (e.g. 10.0.0.11/24)" % (name, index, text))
    return result, errors


def address_texts(addresses):
    """``parse_addresses``'s result as the ``addresses`` option takes it: ``{ifname: ["10.0.0.11/24", ...]}``."""
    return {name: [addr.with_prefixlen for addr in addrs] for name, addrs in addresses.items()}


def _vip(text):
    """An ``ip_interface`` for a VIP written as CIDR (or a bare address: /32, /128)."""
    return ipaddress.ip_interface(text)


def interfaces_for(address, addresses, ignore=()):
    """Names of the interfaces whose subnet holds ``address`` (addresses in ``ignore`` skipped).

    Link-local and host-scoped networks (``lo``) never count: a VIP is never put there.
    """
    names = []
    for name, addrs in sorted(addresses.items()):
        for addr in addrs:
            if addr.ip in ignore or addr.ip.is_loopback or addr.ip.is_link_local:
                continue
            if addr.ip.version == address.version and address in addr.network:
                names.append(name)
                break
    return names


def _number_errors(where, item, numbers):
    """``number_errors`` for each of ``numbers`` set in ``item`` (unset: keepalived's default)."""
    return [error for key, low, high, unit, whole in numbers if item.get(key) is not None
            for error in number_errors(item[key], "%s.%s" % (where, key), low, high, unit, whole)]


def advert_int_errors(where, value, version):
    if value is None:
        return []
    if version == 2:
        if value != int(value) or not 1 <= value <= 255:
            return ["%s: VRRPv2 sends adverts in whole seconds (1-255), got %r; use version 3 for sub-second adverts" % (where, value)]
    elif not 0.01 <= value <= 40.95 or abs(round(value * 100) - value * 100) > 1e-6:
        return ["%s: VRRPv3 takes 0.01-40.95 seconds in steps of 0.01, got %r" % (where, value)]
    return []


def _command_errors(where, value):
    if value is not None and (not value.strip() or _BAD_IN_QUOTES.search(value)):
        return ["%s: must be a non-empty command without double quotes or line breaks" % where]
    return []


def _name_errors(where, name):
    if not name or not _NAME.match(name):
        return ["%s.name: %r must be letters, digits, '_', '.', '-'" % (where, name)]
    return []


def check_scripts(scripts):
    """Errors in the ``scripts`` option (names, commands, timers)."""
    errors = []
    for index, script in enumerate(scripts or []):
        where = "scripts[%d]" % index
        errors.extend(_name_errors(where, script.get("name")))
        errors.extend(_command_errors(where + ".command", script.get("command")))
        errors.extend(_number_errors(where, script, SCRIPT_NUMBERS))
    return errors + unique_errors(scripts, "scripts", "name")


def check_track_files(track_files):
    """Errors in the ``track_files`` option (names, absolute paths, weights)."""
    errors = []
    for index, track in enumerate(track_files or []):
        where = "track_files[%d]" % index
        errors.extend(_name_errors(where, track.get("name")))
        path = track.get("path") or ""
        if not path.startswith("/") or _BAD_IN_QUOTES.search(path) or " " in path:
            errors.append("%s.path: %r must be an absolute path without spaces, double quotes or line breaks" % (where, path))
        errors.extend(_number_errors(where, track, _TRACK_FILE_NUMBERS))
    return errors + unique_errors(track_files, "track_files", "name")


def _reference_errors(where, key, names, known, option):
    return ["%s.%s[%d]: %r is not in %s (known: %s)" % (where, key, index, name, option, ", ".join(sorted(known)) or "none")
            for index, name in enumerate(names or []) if name not in known]


def _check_vips(errors, where, instance):
    vips = []
    for index, text in enumerate(instance.get("vips") or []):
        try:
            vips.append(_vip(text))
        except ValueError:
            errors.append("%s.vips[%d]: %r is not an IP address in CIDR form (e.g. 10.0.0.100/24)" % (where, index, text))
    if not instance.get("vips"):
        errors.append("%s.vips: give at least one virtual IP" % where)
    families = {vip.version for vip in vips}
    if len(families) > 1:
        errors.append("%s.vips: mixes IPv4 and IPv6; use one instance per address family" % where)
    if 6 in families and instance.get("version") == 2:
        errors.append("%s.vips: IPv6 needs VRRP version 3" % where)
    return vips


def _resolve_interface(errors, where, instance, vips, addresses):
    """The interface to use: the given one (checked), else the one whose subnet holds the VIPs."""
    given = instance.get("interface")
    if given and given not in addresses:
        errors.append("%s.interface: %r does not exist on this host (it has %s)" % (where, given, ", ".join(sorted(addresses))))
        return given
    vip_ips = {vip.ip for vip in vips}
    # keepalived adds VIPs after an interface's own address: a first address is the host's own.
    owned = {addrs[0].ip: name for name, addrs in addresses.items() if addrs}
    found = None
    for index, vip in enumerate(vips):
        names = interfaces_for(vip.ip, addresses, ignore=vip_ips)
        if vip.ip in owned:
            errors.append("%s.vips[%d]: %s is the address of interface %r on this host, not a free virtual IP" % (where, index, vip, owned[vip.ip]))
        elif not names:
            errors.append("%s.vips[%d]: %s is outside every interface's subnet on this host; a VRRP address must share a subnet with an interface"
                          % (where, index, vip))
        elif given and given not in names:
            errors.append("%s.vips[%d]: %s is not in the subnet of interface %r (it is in %s's)" % (where, index, vip, given, ", ".join(names)))
        elif not given and len(names) > 1:
            errors.append("%s.vips[%d]: %s is in the subnet of several interfaces (%s); set %s.interface" % (where, index, vip, ", ".join(names), where))
        elif not given:
            if found and names[0] != found:
                errors.append("%s.vips: the addresses sit on different interfaces (%s, %s); set %s.interface" % (where, found, names[0], where))
            found = found or names[0]
    return given or found


def _check_unicast(errors, where, instance, vips, addresses, interface):
    """Checked unicast settings; the host's own addresses are dropped from the peers."""
    local = {addr.ip for addrs in addresses.values() for addr in addrs}
    family = vips[0].version if vips else None
    peers = []
    for index, text in enumerate(instance.get("unicast_peers") or []):
        try:
            peer = ipaddress.ip_address(text)
        except ValueError:
            errors.append("%s.unicast_peers[%d]: %r is not an IP address" % (where, index, text))
            continue
        if family and peer.version != family:
            errors.append("%s.unicast_peers[%d]: %s is not of the VIPs' address family" % (where, index, peer))
        elif peer not in local and str(peer) not in peers:
            peers.append(str(peer))
    src = instance.get("unicast_src_ip")
    if src:
        try:
            src_ip = ipaddress.ip_address(src)
        except ValueError:
            errors.append("%s.unicast_src_ip: %r is not an IP address" % (where, src))
        else:
            own = [addr.ip for addr in addresses.get(interface, [])]
            if src_ip not in own:
                errors.append("%s.unicast_src_ip: %s is not an address of interface %r" % (where, src, interface))
    if instance.get("unicast_peers") and not peers:
        errors.append("%s.unicast_peers: every peer is an address of this host; list the other nodes" % where)
    return peers


def _check_instance(errors, where, instance, script_names, track_names):
    version = instance.get("version")
    errors.extend(_name_errors(where, instance.get("name")))
    errors.extend(_number_errors(where, instance, _INSTANCE_NUMBERS))
    errors.extend(advert_int_errors(where + ".advert_int", instance.get("advert_int"), version))
    if instance.get("state") == "MASTER" and (instance.get("nopreempt") or instance.get("preempt_delay")):
        errors.append("%s.state: nopreempt and preempt_delay only work with state BACKUP (keepalived ignores them on a MASTER)" % where)
    password = instance.get("auth_pass")
    if password is not None:
        if version != 2:
            errors.append("%s.auth_pass: VRRP version 3 has no authentication; drop auth_pass or use version 2" % where)
        elif not _PASSWORD.match(password):
            errors.append("%s.auth_pass: must be 1-8 characters from A-Z a-z 0-9 _ . : @ %% + = / - (VRRPv2 carries 8 bytes; # and ! start comments)" % where)
    errors.extend(_reference_errors(where, "track_scripts", instance.get("track_scripts"), script_names, "scripts"))
    errors.extend(_reference_errors(where, "track_files", instance.get("track_files"), track_names, "track_files"))
    for key in NOTIFY_KEYS:
        errors.extend(_command_errors("%s.%s" % (where, key), instance.get(key)))
        if instance.get(key) is not None and not instance[key].startswith("/"):
            errors.append("%s.%s: must start with an absolute path" % (where, key))


def resolve(instances, scripts, addresses, track_files=()):
    """Check everything and fill in what the host decides.

    Returns ``(resolved_instances, errors)``. Each resolved instance gains ``interface`` (from
    the VIPs' subnet when not given) and ``unicast_peers`` without the host's own addresses.
    Nothing is written by the caller when ``errors`` is not empty.
    """
    errors = check_scripts(scripts) + check_track_files(track_files)
    script_names = {script.get("name") for script in scripts or []}
    track_names = {track.get("name") for track in track_files or []}
    resolved = []
    routers = {}
    if not instances:
        errors.append("instances: give at least one VRRP instance")
    for index, instance in enumerate(instances or []):
        where = "instances[%d]" % index
        _check_instance(errors, where, instance, script_names, track_names)
        vips = _check_vips(errors, where, instance)
        interface = _resolve_interface(errors, where, instance, vips, addresses) if vips else instance.get("interface")
        peers = _check_unicast(errors, where, instance, vips, addresses, interface)
        key = (instance.get("virtual_router_id"), interface, vips[0].version if vips else None)
        if key in routers:
            errors.append("%s.virtual_router_id: %r is also instances[%d]'s on %s; one router id per interface and address family"
                          % (where, key[0], routers[key], interface))
        routers.setdefault(key, index)
        resolved.append(dict(instance, interface=interface, unicast_peers=peers))
    return resolved, errors + unique_errors(instances, "instances", "name")


def _number(value):
    """``1`` for 1.0, ``0.5`` for 0.5: keepalived reads both, and diffs stay stable."""
    return ("%d" % value) if float(value) == int(value) else ("%.2f" % value).rstrip("0")


def _render_script(script):
    lines = ["vrrp_script %s {" % script["name"], '    script "%s"' % script["command"]]
    for key in ("interval", "timeout", "fall", "rise", "weight"):
        if script.get(key) is not None:
            lines.append("    %s %s" % (key, script[key]))
    if script.get("init_fail"):
        lines.append("    init_fail")
    lines.append("}")
    return lines


def _render_track_file(track):
    # keepalived's own default weight is 1 (a priority change); 0 means FAULT on a non-zero value.
    return ["track_file %s {" % track["name"], '    file "%s"' % track["path"], "    weight %d" % track.get("weight", 0), "}"]


def _render_instance(instance):
    lines = ["vrrp_instance %s {" % instance["name"], "    state %s" % instance.get("state", "BACKUP"),
             "    interface %s" % instance["interface"], "    virtual_router_id %d" % instance["virtual_router_id"],
             "    priority %d" % instance["priority"]]
    if instance.get("version") is not None:
        lines.append("    version %d" % instance["version"])
    if instance.get("advert_int") is not None:
        lines.append("    advert_int %s" % _number(instance["advert_int"]))
    if instance.get("nopreempt"):
        lines.append("    nopreempt")
    if instance.get("preempt_delay"):
        lines.append("    preempt_delay %s" % _number(instance["preempt_delay"]))
    if instance.get("auth_pass"):
        lines += ["    authentication {", "        auth_type PASS", "        auth_pass %s" % instance["auth_pass"], "    }"]
    if instance.get("unicast_src_ip"):
        lines.append("    unicast_src_ip %s" % instance["unicast_src_ip"])
    if instance.get("unicast_peers"):
        lines += ["    unicast_peer {"] + ["        %s" % peer for peer in instance["unicast_peers"]] + ["    }"]
    lines.append("    virtual_ipaddress {")
    for text in instance["vips"]:
        lines.append("        %s dev %s" % (_vip(text).with_prefixlen, instance["interface"]))
    lines.append("    }")
    if instance.get("track_scripts"):
        lines += ["    track_script {"] + ["        %s" % name for name in instance["track_scripts"]] + ["    }"]
    if instance.get("track_files"):
        lines += ["    track_file {"] + ["        %s" % name for name in instance["track_files"]] + ["    }"]
    for key in NOTIFY_KEYS:
        if instance.get(key):
            lines.append('    %s "%s"' % (key, instance[key]))
    lines.append("}")
    return lines


def render(instances, scripts=None, router_id=None, script_user=None, track_files=None, vrrp_priority=None):
    """The whole keepalived.conf for resolved instances (see ``resolve``)."""
    lines = ["global_defs {"]
    if router_id:
        lines.append("    router_id %s" % router_id)
    if vrrp_priority is not None:
        lines.append("    vrrp_priority %d" % vrrp_priority)
    # Scripts run only when they and their directories are not writable by others.
    lines.append("    enable_script_security")
    if script_user:
        lines.append("    script_user %s" % script_user)
    lines.append("}")
    for script in scripts or []:
        lines += [""] + _render_script(script)
    for track in track_files or []:
        lines += [""] + _render_track_file(track)
    for instance in instances:
        lines += [""] + _render_instance(instance)
    return HEADER + "\n".join(lines) + "\n"


def _tokens(text):
    """keepalived.conf as a flat list of words and braces, comments (# and !) removed."""
    words = []
    for line in (text or "").splitlines():
        line = re.split(r"[#!]", line, maxsplit=1)[0]
        words.extend(re.findall(r'"[^"]*"|[{}]|[^\s{}"]+', line))
    return words


def parse_settings(text):
    """What a cluster must share, read back from a live keepalived.conf.

    Returns ``{instance_name: {"virtual_router_id": int|None, "auth_pass": str|None,
    "version": int|None}}``; unreadable parts are skipped, never guessed.
    """
    settings = {}
    words = _tokens(text)
    depth = 0
    current = None
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else "{"
        if word == "{":
            depth += 1
        elif word == "}":
            depth = max(depth - 1, 0)
            current = current if depth else None
        elif following in ("{", "}"):
            continue
        elif depth == 0 and word == "vrrp_instance":
            current = settings.setdefault(following, {"virtual_router_id": None, "auth_pass": None, "version": None})
        elif current is not None and depth == 1 and word in ("virtual_router_id", "version") and following.isdigit():
            current[word] = int(following)
        elif current is not None and depth == 2 and word == "auth_pass":
            current["auth_pass"] = following.strip('"')
    return settings


def cluster_settings(texts):
    """Settings per instance name from several nodes' configs: the first node that has one wins."""
    merged = {}
    for text in texts:
        for name, found in parse_settings(text).items():
            entry = merged.setdefault(name, {"virtual_router_id": None, "auth_pass": None, "version": None})
            for key, value in found.items():
                if entry[key] is None and value is not None:
                    entry[key] = value
    return merged


def user_exists(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _public(instance):
    """A resolved instance as the module returns it (never the password)."""
    return {key: value for key, value in instance.items() if key != "auth_pass" and value not in (None, [], "")}


# keepalived 2.2.7 (Debian 12) kills its own config test with SIGTERM whenever scripts run as a
# non-root user (acassen/keepalived#2587 and #2617, fixed in 2.2.8).
_KILLED_BY_2_2_7 = (-15, 143)


def config_test(module, text, path, root_text=None):
    """Run ``keepalived --config-test`` on ``text`` in a temp file.

    Returns ``(ran, problem)``: ``ran`` is False when keepalived is not installed, ``problem``
    an error text or None. keepalived reads the host's interfaces and script files while it
    tests, so this is only meaningful on the target host: exactly where the module runs. When
    the test is killed by keepalived 2.2.7's script-user bug it runs again on ``root_text``
    (the same config with scripts run as root); the caller checks the user exists.
    """
    binary = module.get_bin_path("keepalived")
    if not binary:
        return False, "the keepalived binary is not installed"
    rc, report = None, ""
    for candidate in (text, root_text):
        if candidate is None:
            break
        fd, tmp_path = tempfile.mkstemp(prefix="keepalived.", suffix=".conf", dir=module.tmpdir)
        module.add_cleanup_file(tmp_path)
        with os.fdopen(fd, "w") as handle:
            handle.write(candidate)
        rc, out, err = module.run_command([binary, "--config-test", "--use-file", tmp_path])
        report = "\n".join(part.strip() for part in (err, out) if part.strip()).replace(tmp_path, path)
        if rc not in _KILLED_BY_2_2_7:
            break
    if rc == 0:
        return True, None
    return True, "keepalived --config-test rejected the new %s (rc %d): %s" % (path, rc, report or "no message")


class KeepalivedConfig(ConfigFormat):
    """keepalived.conf for the keepalived_config module: the module owns the whole file."""

    signal = RELOAD
    private = True  # the VRRPv2 password

    def secrets(self, params):
        return [instance.get("auth_pass") for instance in params["instances"] or []]

    def probe(self, module):
        """The host's addresses (given, else listed on the host); the script user."""
        if module.params["addresses"] is not None:
            addresses, errors = given_addresses(module.params["addresses"])
            if errors:
                raise Invalid(errors)
        else:
            ip_bin = module.get_bin_path("ip", required=True)
            rc, out, err = module.run_command([ip_bin, "-json", "address", "show"])
            if rc != 0:
                raise Invalid("cannot list this host's addresses with ip -json address show: %s" % err.strip())
            addresses = parse_addresses(out)
        user = (module.params["script_user"] or "").split()
        if user and not user_exists(user[0]):
            problem = "script_user: user %r does not exist on this host" % user[0]
            if not module.check_mode:
                raise Invalid(problem)
            module.warn(problem + " (yet: create it before the real run)")
        return {"addresses": addresses}

    def build(self, params, facts):
        instances, errors = resolve(params["instances"], params["scripts"], facts["addresses"], params["track_files"])
        if params["vrrp_priority"] is not None:
            errors = number_errors(params["vrrp_priority"], "vrrp_priority", -20, 19) + errors
        if errors:
            raise Invalid(errors)
        return {"instances": instances, "scripts": params["scripts"], "router_id": params["router_id"],
                "script_user": params["script_user"], "track_files": params["track_files"], "vrrp_priority": params["vrrp_priority"]}

    def file_secrets(self, doc):
        # The live file's VRRPv2 passwords would otherwise show in the diff's "before".
        return [found["auth_pass"] for found in parse_settings(doc or "").values()]

    def render(self, doc, path):
        return render(doc["instances"], doc["scripts"], doc["router_id"], doc["script_user"], doc["track_files"], doc["vrrp_priority"])

    def test(self, module, text, path, merged):
        doc = merged.doc
        # keepalived's own test accepts it, but at start it drops a track file whose directory is missing.
        missing = ["track_files[%d].path: the directory %s does not exist on this host (keepalived would drop the track file)"
                   % (index, os.path.dirname(track["path"])) for index, track in enumerate(doc["track_files"] or [])
                   if not os.path.isdir(os.path.dirname(track["path"]))]
        if missing:
            return True, "; ".join(missing)
        root_text = (render(doc["instances"], doc["scripts"], doc["router_id"], "root", doc["track_files"], doc["vrrp_priority"])
                     if doc["scripts"] else None)
        ran, problem = config_test(module, text, path, root_text)
        if problem and not ran:
            problem = "validate=true needs keepalived on the host: %s" % problem
        return ran, problem

    def report(self, wanted, outcome):
        return {"instances": [_public(instance) for instance in wanted["instances"]]}
