# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""ganesha.conf for nfs-ganesha: NFSv4-only exports of directories to listed clients.

``GaneshaConfig`` describes the file to the shared pipeline (``_config_file``). nfs-ganesha has no
checker of its own, and it starts even when it refuses a block (it logs the error and exports
nothing), so every value is checked here, naming the option, before anything is written.
Ranges and words are those of nfs-ganesha 4.3's ganesha-export-config(8) and
ganesha-core-config(8).
"""

from __future__ import annotations

import ipaddress
import posixpath
import re

from ansible_collections.anchorage.registry.plugins.module_utils._checks import number_errors, port_errors, unique_errors
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import RESTART, CheckedFormat

HEADER = "# Managed by anchorage.registry (ganesha_config). Local edits are replaced.\n"

ACCESS_TYPES = ("RW", "RO", "MDONLY", "MDONLY_RO", "None")
SQUASH = ("root_squash", "root_id_squash", "all_squash", "no_root_squash")
SECTYPES = ("sys", "krb5", "krb5i", "krb5p")

# Paths are written in double quotes: no quote, backslash or control character inside.
_PATH = re.compile(r'^/[^"\\\x00-\x1f\x7f]*$')
# A host name, optionally with ganesha's wildcards (* and ?) in its labels.
_WILDCARD_NAME = re.compile(r"^[A-Za-z0-9*?](?:[A-Za-z0-9*?-]*[A-Za-z0-9*?])?(?:\.[A-Za-z0-9*?](?:[A-Za-z0-9*?-]*[A-Za-z0-9*?])?)*$")
_NETGROUP = re.compile(r"^@[A-Za-z0-9_][A-Za-z0-9_.-]*$")
# uid and gid as ganesha reads Anonymous_Uid and Anonymous_Gid.
_ID_LOW, _ID_HIGH = -2147483648, 4294967295


def path_errors(value, where, root=False):
    """An absolute, normalised directory path ganesha reads in quotes; ``root``: "/" allowed."""
    if not isinstance(value, str) or not _PATH.match(value):
        return ["%s: %r must be an absolute path without quotes, backslashes or control characters" % (where, value)]
    if posixpath.normpath(value) != value:
        return ["%s: %r is not a normalised path (write %s)" % (where, value, posixpath.normpath(value))]
    if value == "/" and not root:
        return ["%s: '/' cannot be exported; give the directory below it" % where]
    return []


def client_errors(value, where):
    """One entry of a CLIENT block: an IP address, a CIDR network, a host name (ganesha's * and ?
    wildcards allowed), or @netgroup. Every host ("*", 0.0.0.0/0) is refused: list the clients."""
    if not isinstance(value, str) or not value:
        return ["%s: give an IP address, a CIDR network, a host name or @netgroup" % where]
    everyone = ["%s: %r lets every host in; list the registry nodes' addresses or their network" % (where, value)]
    if value.strip("*?.") == "":
        return everyone
    if "/" in value or ":" in value or re.match(r"^[0-9.]+$", value):
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return ["%s: %r is not an IP address or CIDR network" % (where, value)]
        return everyone if network.prefixlen == 0 else []
    if _NETGROUP.match(value) or _WILDCARD_NAME.match(value):
        return []
    return ["%s: %r is not an IP address, a CIDR network, a host name or @netgroup" % (where, value)]


def _export_errors(export, where):
    errors = number_errors(export["export_id"], where + ".export_id", 1, 65535)
    errors += path_errors(export["path"], where + ".path")
    errors += path_errors(export["pseudo"], where + ".pseudo")
    if not export["clients"]:
        errors.append("%s.clients: give at least one client (the registry nodes' addresses)" % where)
    for index, client in enumerate(export["clients"] or []):
        errors += client_errors(client, "%s.clients[%d]" % (where, index))
    if not export["sectype"]:
        errors.append("%s.sectype: give at least one of %s" % (where, ", ".join(SECTYPES)))
    for key in ("anonymous_uid", "anonymous_gid"):
        if export[key] is not None:
            errors += number_errors(export[key], "%s.%s" % (where, key), _ID_LOW, _ID_HIGH)
    return errors


def check(params):
    """Every problem in the options, each starting with the option's path."""
    errors = port_errors(params["port"], "port")
    errors += number_errors(params["lease_lifetime"], "lease_lifetime", 0, 120, "seconds")
    errors += number_errors(params["grace_period"], "grace_period", 0, 180, "seconds")
    if not errors and params["grace_period"] < params["lease_lifetime"]:
        # RFC 8881 8.4.2.1: a grace period shorter than the lease leaves clients no time to reclaim.
        errors.append("grace_period: %d is shorter than lease_lifetime (%d): clients could not reclaim their locks"
                      % (params["grace_period"], params["lease_lifetime"]))
    if not params["exports"]:
        errors.append("exports: give at least one export")
    for index, export in enumerate(params["exports"] or []):
        errors += _export_errors(export, "exports[%d]" % index)
    errors += unique_errors(params["exports"] or [], "exports", "export_id")
    errors += unique_errors(params["exports"] or [], "exports", "pseudo")
    return errors


def _export_lines(export):
    lines = [
        "EXPORT {",
        "    Export_Id = %d;" % export["export_id"],
        '    Path = "%s";' % export["path"],
        '    Pseudo = "%s";' % export["pseudo"],
        "    Protocols = 4;",
        "    Transports = TCP;",
        "    SecType = %s;" % ", ".join(export["sectype"]),
        # Hosts that no CLIENT block lists get nothing.
        "    Access_Type = None;",
        "    FSAL {",
        "        Name = VFS;",
        "    }",
        "    CLIENT {",
        # Unquoted: ganesha refuses a quoted client ("Expected a client, got a double quoted string").
        "        Clients = %s;" % ", ".join(export["clients"]),
        "        Access_Type = %s;" % export["access_type"],
        "        Squash = %s;" % export["squash"],
    ]
    for key, word in (("anonymous_uid", "Anonymous_Uid"), ("anonymous_gid", "Anonymous_Gid")):
        if export[key] is not None:
            lines.append("        %s = %d;" % (word, export[key]))
    return lines + ["    }", "}"]


def render(params):
    """The whole ganesha.conf."""
    lines = [
        "NFS_CORE_PARAM {",
        # NFSv4 only: no NLM, MOUNT or rpcbind registration needed.
        "    Protocols = 4;",
        "    NFS_Port = %d;" % params["port"],
        "}",
        "",
        "NFSV4 {",
        "    Lease_Lifetime = %d;" % params["lease_lifetime"],
        "    Grace_Period = %d;" % params["grace_period"],
        "}",
    ]
    for export in params["exports"]:
        lines += [""] + _export_lines(export)
    return HEADER + "\n".join(lines) + "\n"


class GaneshaConfig(CheckedFormat):
    """ganesha.conf for the ganesha_config module: the module owns the whole file."""

    # Exports could be reloaded with SIGHUP, NFS_CORE_PARAM and NFSV4 only by a restart.
    signal = RESTART

    check = staticmethod(check)
    text = staticmethod(render)

    def report(self, wanted, outcome):
        return {"pseudo_paths": [export["pseudo"] for export in wanted["exports"]]}
