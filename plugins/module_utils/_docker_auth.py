# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Docker registry logins: our entries of ``auths`` merged into the client's ``config.json``.

dockerd keeps no credentials (daemon.json cannot hold them): the docker CLI reads
``~/.docker/config.json`` on every command and sends the matching ``auths.<host>.auth``
(base64 of ``user:password``), as ``docker login`` writes it. So a change needs no restart.
Other entries and keys (``credHelpers``, ``proxies``...) stay; the entries we added are
recorded next to the file (``_owned_entries``), so a registry that leaves the list is logged out.
"""

from __future__ import annotations

import json

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import ConfigFormat, Merged
from ansible_collections.anchorage.registry.plugins.module_utils._docker_daemon import json_object
from ansible_collections.anchorage.registry.plugins.module_utils._owned_entries import merge_map

AUTHS = "auths"


def parse(text, path):
    """config.json as a dict ({} when absent or empty); ValueError naming the file otherwise."""
    doc = json_object(text, path)
    if not isinstance(doc.get(AUTHS, {}), dict):
        raise ValueError("%s: auths must be an object" % path)
    return doc


def secrets(auths):
    """The credential values of an auths object (ours or another writer's), to mask."""
    return [str(entry[key]) for entry in auths.values() if isinstance(entry, dict)
            for key in ("auth", "password", "identitytoken", "registrytoken") if entry.get(key)]


class DockerAuths(ConfigFormat):
    """The docker CLI's config.json: our registries' logins among others' entries."""

    signal = None  # the CLI reads the file on every command
    private = True  # credentials
    owns_entries = True

    def secrets(self, params):
        return secrets(params["auths"])

    def build(self, params, facts):
        return {AUTHS: params["auths"]}

    def parse(self, text, path):
        return parse(text, path)

    def file_secrets(self, doc):
        return secrets(doc.get(AUTHS) or {})

    def merge(self, doc, wanted, owned):
        auths, new_owned, taken = merge_map(doc.get(AUTHS, {}), wanted[AUTHS], (owned or {}).get(AUTHS, []))
        new_doc = dict(doc)
        if auths or AUTHS in doc:
            new_doc[AUTHS] = auths
        warnings = ["auths.%s was set by another writer (docker login); it is replaced and owned by this module "
                    "from now on" % key for key in taken]
        if doc.get("credsStore") and wanted[AUTHS]:
            warnings.append("credsStore is set: the docker CLI asks %r for credentials and ignores auths"
                            % doc["credsStore"])
        return Merged(new_doc, {AUTHS: new_owned}, warnings, report={"owned": new_owned})

    def render(self, doc, path):
        return json.dumps(doc, indent="\t") + "\n"

    def report(self, wanted, outcome):
        return outcome.report
