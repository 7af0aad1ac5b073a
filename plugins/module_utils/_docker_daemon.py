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
import re

from ansible_collections.anchorage.registry.plugins.module_utils._owned_entries import merge_list
from ansible_collections.anchorage.registry.plugins.module_utils._registry_hosts import host_error

INSECURE = "insecure-registries"
MIRRORS = "registry-mirrors"
KEYS = (INSECURE, MIRRORS)
_MIRROR = re.compile(r"^https?://(?P<host>[^/?#@]+)/?$")


def parse(text, path):
    """daemon.json as a dict ({} when absent or empty); ValueError naming the file otherwise."""
    if text is None or not text.strip():
        return {}
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ValueError("%s is not valid JSON (%s); fix or remove it first" % (path, exc))
    if not isinstance(doc, dict):
        raise ValueError("%s must hold a JSON object, not %s" % (path, type(doc).__name__))
    for key in KEYS:
        value = doc.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError("%s: %s must be a list of strings" % (path, key))
    return doc


def insecure_error(entry):
    """An insecure-registries entry is a host[:port] or a CIDR range."""
    if "/" in entry and "://" not in entry:
        try:
            ipaddress.ip_network(entry, strict=False)
            return None
        except ValueError:
            return "%r is neither a host[:port] nor a CIDR range" % entry
    return host_error(entry)


def mirror_error(url):
    """A Docker Hub mirror is scheme://host[:port]: dockerd 20.10 refuses a path, query,
    fragment or credentials in it."""
    match = _MIRROR.match(url)
    if not match:
        return "%r must be http:// or https:// plus a host[:port], with no path (Docker only mirrors Docker Hub)" % url
    return host_error(match.group("host"))


def option_errors(insecure, mirrors):
    errors = []
    for index, entry in enumerate(insecure):
        message = insecure_error(entry)
        if message:
            errors.append("insecure_registries[%d]: %s" % (index, message))
    for index, url in enumerate(mirrors):
        message = mirror_error(url)
        if message:
            errors.append("registry_mirrors[%d]: %s" % (index, message))
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
