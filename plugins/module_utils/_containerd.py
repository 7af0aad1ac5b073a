# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""containerd registry hosts: ``certs.d/<namespace>/hosts.toml`` and ``config_path``.

hosts.toml (containerd docs/hosts.md) is re-read on every pull, so writing it needs no
restart. The CRI plugin only looks there when its ``registry.config_path`` is set in
config.toml; that setting is read at start, so changing it needs a restart. Its table is
``plugins."io.containerd.grpc.v1.cri".registry`` in config version 2 (containerd 1.x)
and ``plugins."io.containerd.cri.v1.images".registry`` in version 3 (containerd 2.x).
"""

from __future__ import annotations

import json
import re
import traceback

from ansible_collections.anchorage.registry.plugins.module_utils._registry_hosts import host_error

try:
    import tomlkit
    HAS_TOMLKIT = True
    TOMLKIT_IMPORT_ERROR = None
except ImportError:  # reported by the module through missing_required_lib
    HAS_TOMLKIT = False
    TOMLKIT_IMPORT_ERROR = traceback.format_exc()

HOSTS_FILE = "hosts.toml"
HEADER = "# Written by anchorage.registry; the .anchorage-managed marker lists the files it owns here.\n"
REGISTRY_TABLE = {
    2: ("plugins", "io.containerd.grpc.v1.cri", "registry"),
    3: ("plugins", "io.containerd.cri.v1.images", "registry"),
}
_URL = re.compile(r"^https?://(?P<host>[^/?#@]+)(?P<path>/[^?#]*)?$")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_VERSION = re.compile(r"\bv?(\d+)\.(\d+)\.(\d+)")


def name_error(name):
    """A certs.d directory: a registry host[:port], or _default for every registry."""
    return None if name == "_default" else host_error(name)


def url_error(url):
    match = _URL.match(url)
    if not match:
        return "%r must be an http:// or https:// URL (a path is allowed, with override_path)" % url
    return host_error(match.group("host"))


def entry_errors(entries):
    """Errors in the ``registries`` option, each naming its place."""
    errors = []
    seen = set()
    for index, entry in enumerate(entries):
        where = "registries[%d]" % index
        message = name_error(entry["name"])
        if message:
            errors.append("%s.name: %s" % (where, message))
        if entry["name"] in seen:
            errors.append("%s.name: %s is listed twice" % (where, entry["name"]))
        seen.add(entry["name"])
        if entry.get("server"):
            message = url_error(entry["server"])
            if message:
                errors.append("%s.server: %s" % (where, message))
        if not entry.get("hosts"):
            # containerd 1.6 drops a hosts.toml without [host] tables ("invalid `host` tree").
            errors.append("%s.hosts: give at least one host (list the server itself as one); containerd 1.6 "
                          "ignores a hosts.toml without [host] tables" % where)
        for position, host in enumerate(entry.get("hosts") or []):
            message = url_error(host["url"])
            if message:
                errors.append("%s.hosts[%d].url: %s" % (where, position, message))
    return errors


def _toml(value):
    """A TOML value for a string, bool or list of strings (JSON string escapes are valid TOML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[%s]" % ", ".join(_toml(item) for item in value)
    return json.dumps(value, ensure_ascii=False)


def _host_lines(host):
    """One [host."url"] table; its header sub-table last, as TOML requires."""
    table = "host.%s" % _toml(host["url"])
    lines = ["", "[%s]" % table]
    for key in ("capabilities", "ca", "skip_verify", "override_path"):
        value = host.get(key)
        if value is None or value == []:
            continue
        if key == "ca" and len(value) == 1:
            value = value[0]
        lines.append("  %s = %s" % (key, _toml(value)))
    header = host.get("header") or {}
    if header:
        lines.append("  [%s.header]" % table)
        lines.extend("    %s = %s" % (_toml(key), _toml(header[key])) for key in sorted(header))
    return lines


def render_hosts_toml(entry):
    """hosts.toml text for one namespace: the server (the fallback), then each [host."url"]."""
    lines = ["server = %s" % _toml(entry["server"])] if entry.get("server") else []
    for host in entry["hosts"]:
        lines.extend(_host_lines(host))
    return HEADER + "\n".join(lines).lstrip("\n") + "\n"


def has_secrets(entry):
    """hosts.toml carrying a header (credentials) must not be world-readable."""
    return any(host.get("header") for host in entry["hosts"])


def header_values(text):
    """Every header value in a hosts.toml (credentials, maybe), to mask."""
    if not HAS_TOMLKIT:
        # Without a TOML parser: the quoted values under any header table.
        values, in_header = [], False
        for line in text.splitlines():
            if line.strip().startswith("["):
                in_header = line.strip().rstrip("]").endswith("header")
            elif in_header:
                values.extend(_QUOTED.findall(line.partition("=")[2]))
        return values
    try:
        doc = tomlkit.parse(text).unwrap()
    except tomlkit.exceptions.ParseError:  # someone else's broken file: containerd cannot read it either
        return []
    hosts = [host for host in (doc.get("host") or {}).values() if isinstance(host, dict)]
    tables = [doc.get("header")] + [host.get("header") for host in hosts]
    values = []
    for table in tables:
        for value in (table or {}).values() if isinstance(table, dict) else []:
            values.extend(str(item) for item in (value if isinstance(value, list) else [value]))
    return values


def binary_major(version_output):
    """containerd's major version from ``containerd --version``; None when it cannot be read."""
    match = _VERSION.search(version_output or "")
    return int(match.group(1)) if match else None


def config_version(doc, major, path):
    """The config.toml version to edit; ValueError when it cannot or must not be edited."""
    version = doc.get("version")
    if version is None:
        if len(doc):
            raise ValueError("%s has no `version` key, so containerd reads it as version 1, which this module "
                             "does not edit: migrate it (containerd config migrate) or add version = 2" % path)
        if major is None:
            raise ValueError("%s is empty and `containerd --version` could not be read: write version = 2 or 3 into it"
                             % path)
        return 3 if major >= 2 else 2
    if isinstance(version, bool) or version not in REGISTRY_TABLE:
        raise ValueError("%s: version = %s is not one this module edits (2 or 3)" % (path, version))
    if version == 3 and major is not None and major < 2:
        raise ValueError("%s: version = 3 needs containerd 2.0 or later, but containerd %d.x is installed"
                         % (path, major))
    return int(version)


def set_config_path(text, config_path, major, path):
    """(new config.toml text, config version, old config_path) with ``config_path`` set.

    Every other key, comment and table is kept as it was (tomlkit round-trips the file).
    """
    try:
        doc = tomlkit.parse(text or "")
    except tomlkit.exceptions.ParseError as exc:
        raise ValueError("%s is not valid TOML: %s" % (path, exc))
    version = config_version(doc, major, path)
    if "version" not in doc:
        # Only an empty file has no version (config_version refuses the rest).
        doc.add("version", version)
    keys = REGISTRY_TABLE[version]
    table = doc
    for depth, key in enumerate(keys):
        if key not in table:
            # Intermediate tables print no header of their own; the registry table does.
            table[key] = tomlkit.table(is_super_table=depth < len(keys) - 1)
        table = table[key]
    if "mirrors" in table:
        raise ValueError("%s sets %s.mirrors: containerd refuses `mirrors` next to config_path; move those "
                         "mirrors to hosts.toml (containerd_hosts) first" % (path, ".".join(keys)))
    before = table.get("config_path")
    before = None if before is None else str(before)
    if before == config_path:
        return text, version, before
    table["config_path"] = config_path
    return tomlkit.dumps(doc), version, before
