# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""One list of registries, checked once and turned into what each container runtime reads.

The ``node_trust`` role takes a single ``node_trust_registries`` list. ``plan()`` validates
it (host syntax, CA PEM, credentials, mirrors, rewrites) and returns, for every runtime,
the arguments of the module that writes its files:

* k3s / RKE2 ``registries.yaml``: ``mirrors`` and ``configs`` (configs keyed by the
  endpoint host, as k3s looks them up);
* containerd ``certs.d/<namespace>/hosts.toml`` entries (``*`` becomes ``_default``);
* Docker ``insecure-registries`` and ``registry-mirrors`` (Docker only mirrors Docker Hub);
* the CA certificates to install.
"""

from __future__ import annotations

import base64

from ansible_collections.anchorage.registry.plugins.module_utils._ca_certificates import (
    certs_d_path,
    normalise_certificates,
)
from ansible_collections.anchorage.registry.plugins.module_utils._checks import (
    host_errors,
    pem_errors,
    regex_errors,
    unique_errors,
)
from ansible_collections.anchorage.registry.plugins.module_utils._schema import join_path, validate

# Names that reach Docker Hub; containerd and k3s both call its namespace docker.io.
_DOCKER_HUB_ALIASES = ("index.docker.io", "registry-1.docker.io")
# Capabilities of a registry used directly, and of a mirror that only serves pulls.
DIRECT_CAPABILITIES = ["pull", "resolve", "push"]
MIRROR_CAPABILITIES = ["pull", "resolve"]


def upstream_errors(value, where):
    """A registry host, or ``*`` (every registry without an entry of its own)."""
    return host_errors(value, where, also=("*",))


def _path_errors(value, where):
    if not value.startswith("/") or "?" in value or "#" in value or "//" in value:
        return ["%s: %r must be an absolute URL path such as /v2/dockerhub-proxy (no query, no //)" % (where, value)]
    return []


def rewrite_errors(rewrites, path):
    """k3s compiles each key as a Go regular expression; reject what Go cannot compile."""
    errors = []
    for pattern in rewrites:
        where = join_path(path, str(pattern))
        if isinstance(pattern, str):
            errors.extend(regex_errors(pattern, where))
        else:
            errors.append("%s: a rewrite pattern must be a string" % where)
    return errors


_MIRROR_SCHEMA = {
    "type": ["str", "object"],
    "fields": {
        "upstream": {"type": "str", "check": upstream_errors},
        "path": {"type": "str", "check": _path_errors},
        "rewrite": {"type": "object", "values": {"type": "str"}},
    },
    "required": ["upstream"],
}

REGISTRY_SCHEMA = {
    "type": "object",
    "fields": {
        "host": {"type": "str", "check": host_errors},
        "insecure": {"type": "bool"},
        "ca": {"type": "str"},
        "ca_file": {"type": "str"},
        "username": {"type": "str"},
        "password": {"type": "str"},
        "mirrors": {"type": "list", "items": _MIRROR_SCHEMA},
    },
    "required": ["host"],
}


def _mirror(item):
    """A mirrors[] element (a bare upstream name or a mapping) as a mapping."""
    if isinstance(item, str):
        item = {"upstream": item}
    upstream = item["upstream"].lower()
    if upstream in _DOCKER_HUB_ALIASES:
        upstream = "docker.io"
    path = (item.get("path") or "").rstrip("/")
    if path == "/v2":
        # Both containerd and k3s treat /v2 as the default API root.
        path = ""
    return {"upstream": upstream, "path": path, "rewrite": dict(item.get("rewrite") or {})}


def _mirror_errors(mirrors, path):
    """What the schema cannot say about mirrors[]: bare upstream names, and Go rewrites."""
    errors = []
    for index, mirror in enumerate(mirrors if isinstance(mirrors, list) else []):
        where = join_path(join_path(path, "mirrors"), index)
        if isinstance(mirror, str):
            errors.extend(upstream_errors(mirror, where))
        elif isinstance(mirror, dict) and isinstance(mirror.get("rewrite"), dict):
            errors.extend(rewrite_errors(mirror["rewrite"], join_path(where, "rewrite")))
    return errors


def _registry_errors(item, path, ca_files):
    errors = validate(item, REGISTRY_SCHEMA, path)
    if not isinstance(item, dict):
        return errors
    errors.extend(_mirror_errors(item.get("mirrors"), path))
    if errors:
        return errors
    if item.get("ca") and item.get("ca_file"):
        errors.append("%s: give either ca (PEM text) or ca_file (a file on the controller), not both" % path)
    if item.get("insecure") and (item.get("ca") or item.get("ca_file")):
        errors.append("%s: an insecure registry is plain HTTP, so a CA has no use there" % path)
    if bool(item.get("username")) != bool(item.get("password")):
        errors.append("%s: username and password go together" % path)
    if item.get("ca_file") and item["ca_file"] not in ca_files:
        errors.append("%s: the content of ca_file %r was not read" % (join_path(path, "ca_file"), item["ca_file"]))
    return errors


def normalise(registries, ca_files=None, path="node_trust_registries"):
    """Validate the list; return (registries as uniform mappings, errors)."""
    ca_files = ca_files or {}
    if not isinstance(registries, list):
        return [], ["%s: must be a list of registries, got %s" % (path, type(registries).__name__)]
    errors = []
    result = []
    for index, item in enumerate(registries):
        where = join_path(path, index)
        item_errors = _registry_errors(item, where, ca_files)
        ca = None if item_errors else item.get("ca") or ca_files.get(item.get("ca_file"))
        if ca:
            item_errors = pem_errors(ca, join_path(where, "ca_file" if item.get("ca_file") else "ca"))
        if item_errors:
            errors.extend(item_errors)
            continue
        if ca:
            ca = normalise_certificates(ca)
        host = item["host"].lower()
        insecure = bool(item.get("insecure"))
        result.append({
            "host": host,
            "url": "%s://%s" % ("http" if insecure else "https", host),
            "insecure": insecure,
            "ca": ca or None,
            "username": item.get("username") or None,
            "password": item.get("password") or None,
            "mirrors": [_mirror(m) for m in item.get("mirrors") or []],
        })
    return result, errors + unique_errors(registries, path, "host", fold=True)


def _basic_auth(registry):
    token = "%s:%s" % (registry["username"], registry["password"])
    return "Basic " + base64.b64encode(token.encode("utf-8")).decode("ascii")


def _k3s(registries, ca_dir):
    mirrors = {}
    configs = {}
    errors = []
    for registry in registries:
        if registry["insecure"]:
            # Without a scheme k3s uses HTTPS; only an http:// endpoint gives plain HTTP.
            mirrors.setdefault(registry["host"], {"endpoint": []})["endpoint"].append(registry["url"])
        config = {}
        if registry["username"]:
            config["auth"] = {"username": registry["username"], "password": registry["password"]}
        if registry["ca"]:
            config["tls"] = {"ca_file": certs_d_path(ca_dir, registry["host"])}
        if config:
            configs[registry["host"]] = config
        for mirror in registry["mirrors"]:
            entry = mirrors.setdefault(mirror["upstream"], {"endpoint": []})
            entry["endpoint"].append(registry["url"] + mirror["path"])
            for pattern, replacement in mirror["rewrite"].items():
                rewrite = entry.setdefault("rewrite", {})
                if rewrite.get(pattern, replacement) != replacement:
                    errors.append("rewrite %r for %s is given twice with different replacements"
                                  % (pattern, mirror["upstream"]))
                rewrite[pattern] = replacement
    return {"mirrors": mirrors, "configs": configs}, errors


def _containerd_host(registry, url, ca_dir, capabilities):
    host = {"url": url, "capabilities": capabilities}
    if registry["ca"]:
        host["ca"] = [certs_d_path(ca_dir, registry["host"])]
    if registry["username"]:
        host["header"] = {"authorization": _basic_auth(registry)}
    return host


def _containerd(registries, ca_dir):
    """hosts.toml entries: one per registry (used directly) and one per mirrored upstream."""
    entries = {}
    for registry in registries:
        direct = _containerd_host(registry, registry["url"], ca_dir, DIRECT_CAPABILITIES)
        entries[registry["host"]] = {"name": registry["host"], "server": registry["url"], "hosts": [direct]}
    for registry in registries:
        for mirror in registry["mirrors"]:
            name = "_default" if mirror["upstream"] == "*" else mirror["upstream"]
            host = _containerd_host(registry, registry["url"] + mirror["path"], ca_dir, MIRROR_CAPABILITIES)
            if mirror["path"]:
                host["override_path"] = True
            entries.setdefault(name, {"name": name, "hosts": []})["hosts"].append(host)
    return list(entries.values())


def _docker(registries):
    mirrors = []
    warnings = []
    for registry in registries:
        for mirror in registry["mirrors"]:
            if mirror["upstream"] != "docker.io":
                continue
            if mirror["path"]:
                warnings.append("Docker cannot use %s%s as a Docker Hub mirror (dockerd takes no path after "
                                "the host); it is left out of registry-mirrors" % (registry["url"], mirror["path"]))
            else:
                mirrors.append(registry["url"])
    return {
        "insecure_registries": [r["host"] for r in registries if r["insecure"]],
        "registry_mirrors": mirrors,
    }, warnings


def plan(registries, ca_dir, ca_files=None):
    """Everything the node_trust role writes, per runtime; raises ValueError listing every problem."""
    normalised, errors = normalise(registries, ca_files)
    if errors:
        raise ValueError("; ".join(errors))
    k3s, errors = _k3s(normalised, ca_dir)
    if errors:
        raise ValueError("node_trust_registries: " + "; ".join(errors))
    docker, warnings = _docker(normalised)
    return {
        "certificates": [{"host": r["host"], "pem": r["ca"]} for r in normalised if r["ca"]],
        "containerd_hosts": _containerd(normalised, ca_dir),
        "docker": docker,
        "k3s": k3s,
        "warnings": warnings,
    }
