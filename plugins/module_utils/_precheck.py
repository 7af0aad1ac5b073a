# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""What a host offers a registry, read without changing anything, and the problems found in it.

``probe_*`` read the host (``/proc``, ``statvfs``, the engine's CLI, the resolver, ``/v2/``);
everything else is pure: ``parse_proc_net`` reads the kernel's socket tables, ``bind_errors``
says whether a registry can bind its address and port (the registry role's preflight and the
precheck playbook both ask it), ``problems`` turns every host's facts into one list of rows,
``table`` prints them.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import time
from urllib.error import HTTPError

from ansible_collections.anchorage.registry.plugins.module_utils._checks import port_errors
from ansible_collections.anchorage.registry.plugins.module_utils._http import Opener

WILDCARDS = ("", "0.0.0.0", "::")
_LISTEN = "0A"


# --- listening sockets ------------------------------------------------------------------------

def _hex_address(text, ipv6):
    """An address as /proc/net/tcp{,6} prints it: 32-bit words in host (little-endian) order."""
    raw = bytes.fromhex(text)
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    address = ipaddress.ip_address(words if ipv6 else words[:4])
    # An IPv4-mapped address (::ffff:127.0.0.1) holds that IPv4 address.
    return str(getattr(address, "ipv4_mapped", None) or address)


def parse_proc_net(text, ipv6=False):
    """The listening TCP sockets of a /proc/net/tcp (or tcp6) text: ``[{address, port, inode}]``."""
    sockets = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10 or fields[3] != _LISTEN:
            continue
        address, port = fields[1].split(":")
        sockets.append({"address": _hex_address(address, ipv6), "port": int(port, 16), "inode": fields[9]})
    return sockets


def _overlaps(wanted, held):
    """Whether binding ``wanted`` collides with a socket bound to ``held`` (the wildcard takes every address)."""
    return wanted in WILDCARDS or held in WILDCARDS or wanted == held


def bind_errors(listeners, address, port, host_addresses, where_address, where_port):
    """Messages when ``address:port`` cannot be bound: an address the host lacks, a port another holds.

    ``listeners``: ``[{address, port, command, pid, ours}]``; ``ours``: held by our own service
    (a redeploy takes it over). ``host_addresses``: the host's own addresses.
    """
    errors = []
    address = (address or "").strip("[]")
    if address not in WILDCARDS and address not in host_addresses:
        errors.append("%s: %s is not an address of this host (it has %s); give one of them, or 0.0.0.0 or :: for all"
                      % (where_address, address, ", ".join(host_addresses) or "none"))
    for held in listeners:
        if held["port"] == int(port) and not held.get("ours") and _overlaps(address, held["address"]):
            errors.append("%s: %s is taken on %s by %s" % (where_port, port, held["address"] or "*", _holder(held)))
    return errors


def _holder(held):
    if held.get("pid"):
        return "%s (pid %s)" % (held.get("command") or "a process", held["pid"])
    return "a process this user cannot see"


# --- the host, read only ------------------------------------------------------------------------

def _read(path, default=""):
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")
    except (IOError, OSError):
        return default


def _socket_owners():
    """Socket inode -> pid, from every process's fds (all of them when run as root)."""
    owners = {}
    for pid in (entry for entry in os.listdir("/proc") if entry.isdigit()):
        try:
            fds = os.listdir("/proc/%s/fd" % pid)
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink("/proc/%s/fd/%s" % (pid, fd))
            except OSError:
                continue
            if target.startswith("socket:["):
                owners.setdefault(target[8:-1], pid)
    return owners


def probe_listeners(ports, ours):
    """Listening sockets on ``ports``; ``ours``: ``{ids, ips}`` of our containers (their cgroups, docker-proxy targets)."""
    found = parse_proc_net(_read("/proc/net/tcp")) + parse_proc_net(_read("/proc/net/tcp6"), ipv6=True)
    found = [item for item in found if item["port"] in ports]
    owners = _socket_owners() if found else {}
    listeners = []
    for item in found:
        pid = owners.get(item["inode"])
        cmdline = _read("/proc/%s/cmdline" % pid).split("\0") if pid else []
        listeners.append({
            "address": item["address"], "port": item["port"], "pid": int(pid) if pid else None,
            "command": os.path.basename(cmdline[0]) if cmdline and cmdline[0] else None,
            "ours": bool(pid) and is_ours(_read("/proc/%s/cgroup" % pid), cmdline, ours),
        })
    return listeners


def is_ours(cgroup_text, cmdline, ours):
    """Held by our container: its process is in the container's cgroup, or docker-proxy forwards to it."""
    if any(container_id and container_id in cgroup_text for container_id in ours.get("ids", [])):
        return True
    if cmdline and os.path.basename(cmdline[0]) == "docker-proxy" and "-container-ip" in cmdline:
        target = cmdline[cmdline.index("-container-ip") + 1:][:1]
        return bool(target) and target[0] in ours.get("ips", [])
    return False


def probe_containers(module, names):
    """``{ids, ips}`` of the running containers among ``names`` (none when Docker is absent)."""
    ours = {"ids": [], "ips": []}
    docker = module.get_bin_path("docker") if names else None
    for name in names if docker else []:
        rc, out, dummy = module.run_command([docker, "inspect", "--format",
                                             "{{.Id}} {{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", name])
        if rc == 0 and out.split():
            words = out.split()
            ours["ids"].append(words[0])
            ours["ips"].extend(words[1:])
    return ours


def probe_disk(path):
    """Free and total bytes of the filesystem holding ``path`` (or its nearest existing parent)."""
    probe = os.path.abspath(path)
    while not os.path.exists(probe):
        probe = os.path.dirname(probe)
    stat = os.statvfs(probe)
    return {"path": path, "checked": probe, "free_bytes": stat.f_bavail * stat.f_frsize,
            "total_bytes": stat.f_blocks * stat.f_frsize}


def memory_bytes(meminfo_text):
    match = re.search(r"^MemTotal:\s+(\d+) kB", meminfo_text, re.M)
    return int(match.group(1)) * 1024 if match else None


def probe_versions(module):
    """The Docker engine's and Compose's versions, None where absent."""
    versions = {"engine": None, "compose": None}
    docker = module.get_bin_path("docker")
    if docker:
        rc, out, dummy = module.run_command([docker, "version", "--format", "{{.Server.Version}}"])
        versions["engine"] = out.strip() if rc == 0 and out.strip() else None
        rc, out, dummy = module.run_command([docker, "compose", "version", "--short"])
        versions["compose"] = out.strip().lstrip("v") if rc == 0 and out.strip() else None
    compose = module.get_bin_path("docker-compose")
    if compose and not versions["compose"]:
        rc, out, dummy = module.run_command([compose, "version", "--short"])
        versions["compose"] = out.strip() if rc == 0 and out.strip() else None
    return versions


def probe_names(names):
    resolved = {}
    for name in names:
        try:
            resolved[name] = sorted(set(info[4][0] for info in socket.getaddrinfo(name, None)))
        except (socket.gaierror, UnicodeError):
            resolved[name] = []
    return resolved


def probe_registry(url, ca, timeout):
    """GET ``url``/v2/ trusting only ``ca`` (PEM text; empty: the system store): ``{url, status, error}``."""
    target = url.rstrip("/") + "/v2/"
    try:
        response = Opener(ca_data=ca or None, follow_redirects="none", use_proxy=False).open("GET", target, timeout=timeout)
        return {"url": target, "status": response.status, "error": None}
    except HTTPError as error:
        return {"url": target, "status": error.code, "error": None}
    except Exception as error:  # pylint: disable=broad-except
        return {"url": target, "status": None, "error": str(getattr(error, "reason", error))}


def probe(module, params):
    """Everything the precheck asks of one host."""
    ours = probe_containers(module, params["containers"])
    return {
        "listeners": probe_listeners(set(params["ports"]), ours),
        "disks": [probe_disk(path) for path in params["paths"]],
        "memory_bytes": memory_bytes(_read("/proc/meminfo")),
        "cpus": os.cpu_count(),
        "time": time.time(),
        "versions": probe_versions(module),
        "names": probe_names(params["names"]),
        "registries": [probe_registry(item["url"], item.get("ca") or "", params["timeout"])
                       for item in params["registries"]],
    }


# --- what to ask ---------------------------------------------------------------------------------

def targets(registries, ca_files):
    """node_trust_registries -> ``{registries: [{url, ca}], names}``: each registry's /v2/ and host name.

    ``ca_files``: the controller files the entries' ``ca_file`` name, already read (``{path: text}``).
    """
    asked, names = [], []
    for item in registries:
        host = item["host"]
        asked.append({"url": "%s://%s" % ("http" if item.get("insecure") else "https", host),
                      "ca": item.get("ca") or ca_files.get(item.get("ca_file") or "", "")})
        name = host[1:].split("]", 1)[0] if host.startswith("[") else host.rsplit(":", 1)[0] if ":" in host else host
        if name not in names:
            names.append(name)
    return {"registries": asked, "names": names}


# --- the problems -------------------------------------------------------------------------------

def _version(text):
    return tuple(int(part) for part in re.findall(r"\d+", text or "")[:3])


def _row(host, check, blocking, detail):
    return {"host": host, "check": check, "severity": "blocking" if blocking else "warning", "detail": detail}


def problems(hosts, max_skew, unreachable=()):
    """One row per problem over every host.

    ``hosts``: ``{name: {facts, minimums, binds: [{address, port, where_address, where_port}],
    free_ports, host_addresses, need_engine, need_compose}}`` (``free_ports``: ``precheck_ports``); ``minimums``: ``{memory_mb, cpus, free_disk_mb,
    engine, compose}``; ``max_skew``: seconds a host's clock may differ from the median of all;
    ``unreachable``: hosts that could not be read.
    """
    rows = [_row(name, "reach", True, "could not be read (unreachable or failed)") for name in sorted(unreachable)]
    times = sorted(item["facts"]["time"] for item in hosts.values())
    median = times[len(times) // 2] if times else 0
    for name, item in sorted(hosts.items()):
        facts, minimums = item["facts"], item["minimums"]
        for index, port in enumerate(item.get("free_ports", [])):
            where = "precheck_ports[%d]" % index
            errors = port_errors(port, where) or bind_errors(facts["listeners"], "", port, [], "", where)
            rows.extend(_row(name, "port", True, error) for error in errors)
        for bind in item.get("binds", []):
            rows.extend(_row(name, "port", True, error) for error in bind_errors(
                facts["listeners"], bind["address"], bind["port"], item["host_addresses"],
                bind["where_address"], bind["where_port"]))
        for disk in facts["disks"]:
            if disk["free_bytes"] < minimums["free_disk_mb"] * 1024 * 1024:
                rows.append(_row(name, "disk", True, "%s: %d MiB free on %s, fewer than %d MiB" % (
                    disk["path"], disk["free_bytes"] // 1048576, disk["checked"], minimums["free_disk_mb"])))
        if facts["memory_bytes"] is not None and facts["memory_bytes"] < minimums["memory_mb"] * 1048576:
            rows.append(_row(name, "memory", True, "%d MiB, fewer than %d MiB" % (
                facts["memory_bytes"] // 1048576, minimums["memory_mb"])))
        if facts["cpus"] is not None and facts["cpus"] < minimums["cpus"]:
            rows.append(_row(name, "cpu", True, "%d CPUs, fewer than %d" % (facts["cpus"], minimums["cpus"])))
        for tool, key in (("engine", "need_engine"), ("compose", "need_compose")):
            rows.extend(_version_rows(name, tool, facts["versions"][tool], minimums[tool], item.get(key, False)))
        skew = facts["time"] - median
        if abs(skew) > max_skew:
            rows.append(_row(name, "time", True, "clock %+.0f s off the other hosts' (more than %s s): TLS and tokens fail"
                             % (skew, max_skew)))
        for wanted, addresses in sorted(facts["names"].items()):
            if not addresses:
                rows.append(_row(name, "names", True, "%s does not resolve here" % wanted))
        for answer in facts["registries"]:
            if answer["status"] not in (200, 401):
                rows.append(_row(name, "registry", True, "%s: %s" % (
                    answer["url"], answer["error"] or "HTTP %s, not 200 or 401" % answer["status"])))
    return rows


def _version_rows(host, tool, found, minimum, needed):
    label = "Docker engine" if tool == "engine" else "Docker Compose"
    if not found:
        return [_row(host, tool, True, "%s not found" % label)] if needed else []
    if _version(found) < _version(minimum):
        return [_row(host, tool, needed, "%s %s, older than %s" % (label, found, minimum))]
    return []


def table(rows):
    """The rows as an aligned text table (``no problem`` when there is none)."""
    if not rows:
        return ["no problem"]
    columns = ("host", "check", "severity", "detail")
    widths = [max(len(column), *(len(str(row[column])) for row in rows)) for column in columns]
    lines = ["  ".join(column.upper().ljust(width) for column, width in zip(columns, widths)).rstrip()]
    for row in rows:
        lines.append("  ".join(str(row[column]).ljust(width) for column, width in zip(columns, widths)).rstrip())
    return lines
