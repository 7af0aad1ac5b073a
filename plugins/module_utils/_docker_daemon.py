# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Docker's daemon.json: merge our registry entries into a file other tools write too.

Only ``insecure-registries`` and ``registry-mirrors`` are touched. dockerd applies both on
SIGHUP (moby daemon/reload.go, ``reloadRegistryConfig``) but only for keys present in the
file: a key that disappears keeps its old value until a restart. So a list we empty stays
in the file as ``[]``, and a reload is always enough.
"""

from __future__ import annotations

import ipaddress
import json
import os

from ansible_collections.anchorage.registry.plugins.module_utils._checks import host_errors, url_errors
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import RELOAD, ConfigFormat, Invalid, Merged
from ansible_collections.anchorage.registry.plugins.module_utils._owned_entries import merge_list

INSECURE = "insecure-registries"
MIRRORS = "registry-mirrors"
KEYS = (INSECURE, MIRRORS)


def json_object(text, path):
    """A JSON file holding an object (daemon.json, the CLI's config.json) as a dict ({} when absent
    or empty); ValueError naming the file otherwise."""
    if text is None or not text.strip():
        return {}
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ValueError("%s is not valid JSON (%s); fix or remove it first" % (path, exc))
    if not isinstance(doc, dict):
        raise ValueError("%s must hold a JSON object, not %s" % (path, type(doc).__name__))
    return doc


def parse(text, path):
    """daemon.json as a dict ({} when absent or empty); ValueError naming the file otherwise."""
    doc = json_object(text, path)
    for key in KEYS:
        value = doc.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError("%s: %s must be a list of strings" % (path, key))
    return doc


def _insecure_errors(entry, where):
    """An insecure-registries entry is a host[:port] or a CIDR range."""
    if "/" in entry and "://" not in entry:
        try:
            ipaddress.ip_network(entry, strict=False)
            return []
        except ValueError:
            return ["%s: %r is neither a host[:port] nor a CIDR range" % (where, entry)]
    return host_errors(entry, where)


def option_errors(insecure, mirrors):
    errors = []
    for index, entry in enumerate(insecure):
        errors.extend(_insecure_errors(entry, "insecure_registries[%d]" % index))
    for index, url in enumerate(mirrors):
        # dockerd 20.10 refuses a path, query, fragment or credentials in a Docker Hub mirror.
        errors.extend(url_errors(url, "registry_mirrors[%d]" % index, path=False))
    return errors


def merge(doc, wanted, state):
    """(new daemon.json dict, new state) for ``wanted`` = {key: [entries]}."""
    new_doc = dict(doc)
    new_state = {}
    for key in KEYS:
        merged, owned = merge_list(doc.get(key, []), wanted[key], state.get(key, []))
        if merged or key in doc:
            new_doc[key] = merged
        new_state[key] = owned
    return new_doc, new_state


def render(doc):
    return json.dumps(doc, indent=2) + "\n"


def validate_command_result(rc, out, err):
    """Read ``dockerd --validate``: (engine has --validate, error text or None)."""
    text = (out + err).strip()
    if rc != 0 and "unknown flag: --validate" in text:
        # Engines before 23.0 (e.g. Debian 12's 20.10) have no --validate.
        return False, None
    if rc != 0:
        return True, text or "dockerd --validate exited with %d" % rc
    return True, None


class DockerDaemon(ConfigFormat):
    """daemon.json for the docker_daemon_config module: our registry entries among others' keys."""

    signal = RELOAD  # dockerd re-reads insecure-registries and registry-mirrors on SIGHUP
    owns_entries = True

    def build(self, params, facts):
        errors = option_errors(params["insecure_registries"], params["registry_mirrors"])
        if errors:
            raise Invalid(errors)
        return {INSECURE: params["insecure_registries"], MIRRORS: params["registry_mirrors"]}

    def parse(self, text, path):
        return parse(text, path)

    def merge(self, doc, wanted, owned):
        new_doc, new_state = merge(doc, wanted, owned or {})
        return Merged(new_doc, new_state, report={
            "insecure_registries": new_doc.get(INSECURE, []),
            "registry_mirrors": new_doc.get(MIRRORS, []),
            "owned": new_state,
        })

    def render(self, doc, path):
        return render(doc)

    def test(self, module, text, path, merged):
        """``dockerd --validate`` on the candidate, where the engine has it."""
        dockerd = module.get_bin_path("dockerd")
        if not dockerd:
            return False, None
        candidate = os.path.join(module.tmpdir, "daemon.json")
        with open(candidate, "w") as handle:
            handle.write(text)
        rc, out, err = module.run_command([dockerd, "--validate", "--config-file", candidate])
        ran, error = validate_command_result(rc, out, err)
        return ran, error and "dockerd --validate rejected the new %s (nothing written): %s" % (path, error)

    def report(self, wanted, outcome):
        return outcome.report
