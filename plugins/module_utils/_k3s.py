# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""k3s / RKE2 ``registries.yaml``: the keys k3s reads, checked; our entries merged in. And the
config drop-in that turns on their embedded registry mirror (Spegel).

The schema follows the Go types k3s loads the file into (rancher/wharfie
pkg/registries: ``Mirror``, ``AuthConfig``, ``TLSConfig``, ``RegistryConfig``). k3s reads
the file with a non-strict YAML decoder, so a misspelt key (``auth.token`` from an old
docs example) is silently ignored there; here it is an error naming its path.

The embedded mirror shares between nodes the images of every registry with an entry in
``mirrors`` (no endpoint needed, ``"*"`` for all); ``embedded-registry: true`` is a server option
(an agent refuses to start with it), read from ``config.yaml.d/*.yaml`` after ``config.yaml``.
"""

from __future__ import annotations

import re
import traceback

from ansible_collections.anchorage.registry.plugins.module_utils._checks import unchecked_regexes, url_errors
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import RESTART, CheckedFormat, ConfigFormat, Invalid, Merged
from ansible_collections.anchorage.registry.plugins.module_utils._owned_entries import merge_map, state_path
from ansible_collections.anchorage.registry.plugins.module_utils._registry_hosts import rewrite_errors, upstream_errors
from ansible_collections.anchorage.registry.plugins.module_utils._schema import BOOL, join_path, list_of, map_of, mapping, string, validate

try:
    import yaml
    HAS_YAML = True
    YAML_IMPORT_ERROR = None
except ImportError:  # reported by the module through missing_required_lib
    HAS_YAML = False
    YAML_IMPORT_ERROR = traceback.format_exc()

SECTIONS = ("mirrors", "configs")
HEADER = ("# k3s / RKE2 private registries. anchorage.registry owns the entries listed in\n"
          "# %s and keeps every other entry.\n")
_TOKEN_HINT = " (k3s has no auth.token: use identity_token, or username and password)"


def _endpoint_errors(value, where):
    """A mirror endpoint: http(s)://host[:port][/path], or host[:port][/path] (k3s then uses HTTPS)."""
    return url_errors(value, where, bare=True)


_AUTH = mapping({"username": string(), "password": string(), "auth": string(), "identity_token": string()})
_TLS = mapping({"ca_file": string(), "cert_file": string(), "key_file": string(), "insecure_skip_verify": BOOL})
# Empty (``docker.io:``) is how k3s's docs list a registry for the embedded mirror alone.
_MIRROR = dict(mapping({"endpoint": list_of(string(check=_endpoint_errors)), "rewrite": map_of(string())}),
               type=["object", "null"])
_CONFIG = mapping({"auth": _AUTH, "tls": _TLS})
SCHEMA = {"mirrors": map_of(_MIRROR), "configs": map_of(_CONFIG)}


def _config_errors(config, where):
    # A tls or auth that is not a mapping has its error from the schema already.
    errors = []
    tls = config.get("tls") if isinstance(config.get("tls"), dict) else {}
    if bool(tls.get("cert_file")) != bool(tls.get("key_file")):
        errors.append("%s.tls: cert_file and key_file go together (k3s refuses one without the other)" % where)
    auth = config.get("auth") if isinstance(config.get("auth"), dict) else {}
    if bool(auth.get("username")) != bool(auth.get("password")):
        errors.append("%s.auth: username and password go together" % where)
    return errors


def section_errors(section, value):
    """Errors in our ``mirrors`` or ``configs`` argument, each naming its key path."""
    errors = [message + _TOKEN_HINT if re.search(r"\.auth\.token: unknown key", message) else message
              for message in validate(value, SCHEMA[section], section)]
    if not isinstance(value, dict):
        return errors
    for key, item in value.items():
        where = join_path(section, key)
        errors.extend(upstream_errors(key, where))
        if not isinstance(item, dict):
            continue
        if section == "mirrors":
            rewrite = item.get("rewrite")
            if isinstance(rewrite, dict):
                errors.extend(rewrite_errors(rewrite, join_path(where, "rewrite")))
        else:
            errors.extend(_config_errors(item, where))
    return errors


def parse(text, path):
    """registries.yaml as a dict ({} when absent or empty); ValueError naming the file otherwise."""
    if text is None or not text.strip():
        return {}
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        # Not str(exc): PyYAML quotes the offending line, which may hold a password.
        mark = getattr(exc, "problem_mark", None)
        where = " at line %d, column %d" % (mark.line + 1, mark.column + 1) if mark else ""
        raise ValueError("%s is not valid YAML%s: %s" % (path, where, getattr(exc, "problem", None) or "parse error"))
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ValueError("%s must be a YAML mapping (mirrors:, configs:), not a %s; fix or remove it first"
                         % (path, type(doc).__name__))
    for section in SECTIONS:
        if not isinstance(doc.get(section, {}), dict):
            raise ValueError("%s: %s must be a mapping" % (path, section))
    return doc


def others_warnings(doc, owned):
    """What k3s would silently ignore in entries other writers put in the file."""
    warnings = []
    for section in SECTIONS:
        others = dict((k, v) for k, v in doc.get(section, {}).items() if k not in owned.get(section, []))
        warnings.extend(section_errors(section, others))
    return warnings


def merge(doc, wanted, state):
    """(new registries.yaml dict, new state, ["section.key" taken over from another writer]).

    The state's ``sections`` lists the sections we added to the file, while we own an entry in
    them: one we emptied goes with our last entry, where another writer's (even empty) stays.
    """
    new_doc = dict(doc)
    new_state = {"sections": []}
    taken = []
    for section in SECTIONS:
        merged, owned, took = merge_map(doc.get(section, {}), wanted[section], state.get(section, []))
        created = section not in doc or section in state.get("sections", [])
        if merged or (section in doc and not created):
            new_doc[section] = merged
        else:
            new_doc.pop(section, None)
        if owned and created:
            new_state["sections"].append(section)
        new_state[section] = owned
        taken.extend(join_path(section, key) for key in took)
    return new_doc, new_state, taken


def render(doc, path):
    return HEADER % state_path(path) + yaml.safe_dump(doc, default_flow_style=False, sort_keys=False)


def shared_errors(names, enabled, option="embedded_registry_mirrors"):
    """Errors in the registries listed for the embedded mirror only, each naming its place."""
    if not names:
        return []
    if not enabled:
        return ["%s: needs embedded_registry true (an entry without endpoints only makes the embedded "
                "registry share that registry's images)" % option]
    return [error for index, name in enumerate(names) for error in upstream_errors(name, "%s[%d]" % (option, index))]


def shared_mirrors(current, wanted, owned, names):
    """The empty ``mirrors`` entries the embedded registry needs: one per name in ``names`` that has
    no entry, neither ours (``wanted``) nor another writer's in ``current`` (which serves as well)."""
    return dict((name, {}) for name in names if name not in wanted and (name not in current or name in owned))


def secrets(configs):
    """Credential values in a configs section (ours or another writer's), to mask in the diff."""
    auths = [entry.get("auth") for entry in configs.values() if isinstance(entry, dict)]
    return [str(auth[key]) for auth in auths if isinstance(auth, dict)
            for key in ("password", "auth", "identity_token") if auth.get(key)]


class K3sRegistries(ConfigFormat):
    """registries.yaml for the k3s_registries module: our mirrors and configs among others'."""

    signal = RESTART  # k3s and RKE2 read registries.yaml at start only
    private = True  # registry credentials
    owns_entries = True
    libraries = (("PyYAML", HAS_YAML, YAML_IMPORT_ERROR),)

    def __init__(self, shared=()):
        # Registries listed for the embedded mirror alone (node_trust's embedded_registry_mirrors).
        self.shared = shared

    def secrets(self, params):
        return secrets(params["configs"] or {})

    def build(self, params, facts):
        errors, unchecked = unchecked_regexes(section_errors("mirrors", params["mirrors"])
                                              + section_errors("configs", params["configs"]))
        if errors:
            raise Invalid(errors)
        return {"mirrors": params["mirrors"], "configs": params["configs"], "unchecked": unchecked}

    def warnings(self, wanted):
        return wanted["unchecked"]

    def parse(self, text, path):
        return parse(text, path)

    def file_secrets(self, doc):
        # The file's own credentials (old ones, other writers') would otherwise show in the diff.
        return secrets(doc.get("configs") or {})

    def merge(self, doc, wanted, owned):
        owned = owned or {}
        mirrors = dict(wanted["mirrors"])
        mirrors.update(shared_mirrors(doc.get("mirrors", {}), mirrors, owned.get("mirrors", []), self.shared))
        new_doc, new_state, taken = merge(doc, dict(wanted, mirrors=mirrors), owned)
        warnings = ["%s was set by another writer; it is replaced and owned by this module from now on" % key
                    for key in taken]
        warnings.extend("%s (an entry this module does not own): k3s ignores it silently" % warning
                        for warning in others_warnings(new_doc, new_state))
        return Merged(new_doc, new_state, warnings, report={"owned": new_state, "taken_over": taken})

    def render(self, doc, path):
        return render(doc, path)

    def report(self, wanted, outcome):
        return outcome.report


EMBEDDED_REGISTRY_HEADER = ("# Written by anchorage.registry node_trust (embedded_registry), which owns this file:\n"
                            "# the embedded registry mirror (Spegel) of k3s / RKE2 servers.\n")


class EmbeddedRegistry(CheckedFormat):
    """The k3s / RKE2 server config drop-in for node_trust: ``embedded-registry: true``, the file
    owned whole (removed, not emptied, when the option is off)."""

    signal = RESTART  # k3s and RKE2 read their config at start only

    @staticmethod
    def check(params):
        return []  # a bool, checked by the argument spec

    @staticmethod
    def text(params):
        return EMBEDDED_REGISTRY_HEADER + "embedded-registry: true\n"


# The first release of each minor with the embedded registry mirror, and with ``"*"`` shared by it
# (k3s and RKE2 release notes; every minor after 1.29 has both). An older k3s skips the
# ``embedded-registry`` it does not know with a warning in its log and starts without the mirror.
EMBEDDED_REGISTRY_SINCE = {(1, 26): 13, (1, 27): 10, (1, 28): 6, (1, 29): 1}
SHARED_WILDCARD_SINCE = {(1, 26): 15, (1, 27): 12, (1, 28): 8, (1, 29): 3}
_VERSION = re.compile(r"^(k3s|rke2) version v(\d+)\.(\d+)\.(\d+)(\S*)")


def _has(version, since):
    major, minor, patch = version
    if (major, minor) in since:
        return patch >= since[(major, minor)]
    return (major, minor) > max(since)


def _since(since):
    return ", ".join("v%d.%d.%d" % (key + (patch,)) for key, patch in sorted(since.items())) + " or later"


def embedded_registry_version(output, wildcard):
    """``(error, warning)`` for the ``--version`` output of a k3s or RKE2 server that is to run the
    embedded registry mirror: an error when that release has no mirror, a warning when it cannot
    share ``"*"`` (``wildcard``: it is listed) or when the output names no version."""
    match = _VERSION.match(output or "")
    if not match:
        return None, "the k3s/RKE2 version was not checked: --version printed %r" % (output or "").strip()[:80]
    name = match.group(1)
    version = tuple(int(match.group(index)) for index in (2, 3, 4))
    found = "%s v%d.%d.%d%s" % ((name,) + version + (match.group(5),))
    if not _has(version, EMBEDDED_REGISTRY_SINCE):
        return ("%s on this node has no embedded registry mirror (it would ignore embedded-registry): it needs %s"
                % (found, _since(EMBEDDED_REGISTRY_SINCE))), None
    if wildcard and not _has(version, SHARED_WILDCARD_SINCE):
        return None, ('%s shares "*" from %s: until then list the registries to share by name'
                      % (found, _since(SHARED_WILDCARD_SINCE)))
    return None, None
