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

import glob
import json
import os
import re
import traceback

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import (
    RESTART,
    ConfigFormat,
    Invalid,
    Merged,
    TreeFormat,
)
from ansible_collections.anchorage.registry.plugins.module_utils._files import read_text
from ansible_collections.anchorage.registry.plugins.module_utils._checks import (
    duration_errors,
    host_errors,
    unique_errors,
    url_errors,
)

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
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_VERSION = re.compile(r"\bv?(\d+)\.(\d+)\.(\d+)")


def entry_errors(entries):
    """Errors in the ``registries`` option, each naming its place."""
    errors = []
    for index, entry in enumerate(entries):
        where = "registries[%d]" % index
        # A certs.d directory: a registry host[:port], or _default for every registry.
        errors.extend(host_errors(entry["name"], where + ".name", also=("_default",)))
        if entry.get("server"):
            errors.extend(url_errors(entry["server"], where + ".server"))
        if not entry.get("hosts"):
            # containerd 1.6 drops a hosts.toml without [host] tables ("invalid `host` tree").
            errors.append("%s.hosts: give at least one host (list the server itself as one); containerd 1.6 "
                          "ignores a hosts.toml without [host] tables" % where)
        for position, host in enumerate(entry.get("hosts") or []):
            errors.extend(url_errors(host["url"], "%s.hosts[%d].url" % (where, position)))
            if host.get("dial_timeout"):
                errors.extend(duration_errors(host["dial_timeout"], "%s.hosts[%d].dial_timeout" % (where, position),
                                              positive=True))
    return errors + unique_errors(entries, "registries", "name")


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
    for key in ("capabilities", "ca", "client", "skip_verify", "override_path", "dial_timeout"):
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


class ContainerdHosts(TreeFormat):
    """certs.d/<namespace>/hosts.toml for the containerd_hosts module: one managed directory each."""

    signal = None  # containerd reads hosts.toml on every pull
    tree_option = "registries"

    def secrets(self, params):
        return [value for entry in params["registries"] for host in entry["hosts"]
                for value in (host.get("header") or {}).values()]

    def build(self, params, facts):
        entries = params["registries"]
        errors = entry_errors(entries)
        if errors:
            raise Invalid(errors)
        files = {}
        for entry in entries:
            mode = "0600" if has_secrets(entry) else "0644"
            files[entry["name"]] = {HOSTS_FILE: (render_hosts_toml(entry), mode)}
        return {"destinations": [(params["path"], "tree", files)]}

    def file_secrets(self, doc):
        # Headers in the files already there (old credentials) would otherwise show in the diff.
        values = []
        for root, layout, files in doc:
            for existing in glob.glob(os.path.join(root, "*", HOSTS_FILE)):
                values.extend(header_values(read_text(existing) or ""))
        return values


class ContainerdConfig(ConfigFormat):
    """config.toml for the containerd_config module: only the CRI registry's config_path is ours."""

    signal = RESTART  # the CRI plugin reads config_path at start
    libraries = (("tomlkit", HAS_TOMLKIT, TOMLKIT_IMPORT_ERROR),)

    def __init__(self, version=None):
        #: The config version an absent or empty file gets, when given instead of read from the binary.
        self.version = version

    def probe(self, module):
        """containerd's major version (which config version an empty file gets); None without containerd."""
        if self.version:
            return {"major": 2 if self.version == 3 else 1}  # a containerd that reads that version
        binary = module.get_bin_path("containerd")
        if not binary:
            return {"major": None}
        rc, out, err = module.run_command([binary, "--version"])
        return {"major": binary_major(out) if rc == 0 else None}

    def build(self, params, facts):
        if not params["config_path"].startswith("/"):
            raise Invalid("config_path: %r must be an absolute directory path" % params["config_path"])
        return {"config_path": params["config_path"], "major": facts["major"], "path": params["path"]}

    def merge(self, doc, wanted, owned):
        text, version, previous = set_config_path(doc, wanted["config_path"], wanted["major"], wanted["path"])
        return Merged(text, report={"version": version, "previous_config_path": previous})

    def render(self, doc, path):
        return doc

    def report(self, wanted, outcome):
        return outcome.report
