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
import ipaddress

from ansible_collections.anchorage.registry.plugins.module_utils._ca_certificates import (
    CLIENT_CERT_FILE,
    CLIENT_KEY_FILE,
    certs_d_path,
    normalise_certificates,
    normalise_key,
    private_key_errors,
)
from ansible_collections.anchorage.registry.plugins.module_utils._checks import (
    duration_errors,
    host_errors,
    pem_errors,
    regex_errors,
    unique_errors,
    url_errors,
)
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import Invalid
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


def _address_errors(value, where):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return ["%s: %r is not an IP address (the one /etc/hosts maps the registry's name to)" % (where, value)]
    return []


def _dial_timeout_errors(value, where):
    return duration_errors(value, where, positive=True)


def _server_errors(value, where):
    return url_errors(value, where)


_MIRROR_SCHEMA = {
    "type": ["str", "object"],
    "fields": {
        "upstream": {"type": "str", "check": upstream_errors},
        "path": {"type": "str", "check": _path_errors},
        "rewrite": {"type": "object", "values": {"type": "str"}},
        "capabilities": {"type": "list", "items": {"type": "str", "choices": ["pull", "resolve", "push"]}},
        "server": {"type": "str", "check": _server_errors},
        "fallback": {"type": "bool"},
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
        "client_cert": {"type": "str"},
        "client_key": {"type": "str"},
        "skip_verify": {"type": "bool"},
        "dial_timeout": {"type": "str", "check": _dial_timeout_errors},
        "headers": {"type": "object", "values": {"type": "str"}},
        "address": {"type": "str", "check": _address_errors},
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
    return {"upstream": upstream, "path": path, "rewrite": dict(item.get("rewrite") or {}),
            "capabilities": list(item.get("capabilities") or MIRROR_CAPABILITIES),
            "server": item.get("server"), "fallback": item.get("fallback", True) is not False}


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


def _name(host):
    """The host without its port (an IPv6 address keeps its brackets)."""
    if host.startswith("["):
        return host[:host.index("]") + 1]
    return host.split(":", 1)[0]


def _is_ip(name):
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _registry_errors(item, path, ca_files):
    errors = validate(item, REGISTRY_SCHEMA, path)
    if not isinstance(item, dict):
        return errors
    errors.extend(_mirror_errors(item.get("mirrors"), path))
    if errors:
        return errors
    if item.get("ca") and item.get("ca_file"):
        errors.append("%s: give either ca (PEM text) or ca_file (a file on the controller), not both" % path)
    if item.get("address") and (item["host"].startswith("[") or _is_ip(_name(item["host"]))):
        errors.append("%s: address maps a registry name in /etc/hosts, but %s is already an address"
                      % (path, item["host"]))
    if item.get("insecure") and item.get("skip_verify"):
        errors.append("%s: an insecure registry is plain HTTP: skip_verify (HTTPS without verification) has no "
                      "use there" % path)
    if item.get("insecure") and (item.get("ca") or item.get("ca_file")):
        errors.append("%s: an insecure registry is plain HTTP, so a CA has no use there" % path)
    if bool(item.get("username")) != bool(item.get("password")):
        errors.append("%s: username and password go together" % path)
    if bool(item.get("client_cert")) != bool(item.get("client_key")):
        errors.append("%s: client_cert and client_key go together (a registry asking for a client certificate "
                      "needs both)" % path)
    elif item.get("client_cert") and item.get("insecure"):
        errors.append("%s: an insecure registry is plain HTTP, so a client certificate has no use there" % path)
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
        if not item_errors and item.get("client_cert"):
            item_errors = (pem_errors(item["client_cert"], join_path(where, "client_cert"))
                           + private_key_errors(item["client_key"], join_path(where, "client_key")))
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
            "client_cert": normalise_certificates(item["client_cert"]) if item.get("client_cert") else None,
            "client_key": normalise_key(item["client_key"]) if item.get("client_key") else None,
            "skip_verify": bool(item.get("skip_verify")),
            "dial_timeout": item.get("dial_timeout"),
            "headers": dict(item.get("headers") or {}),
            "address": item.get("address"),
            "mirrors": [_mirror(m) for m in item.get("mirrors") or []],
        })
    return result, errors + unique_errors(registries, path, "host", fold=True)


def _basic_auth(registry):
    token = "%s:%s" % (registry["username"], registry["password"])
    return "Basic " + base64.b64encode(token.encode("utf-8")).decode("ascii")


def credential_secrets(registries):
    """Every password, client key and header value in the (unchecked) list, and the authorization
    headers made from the passwords, to mask."""
    values = []
    for item in registries if isinstance(registries, list) else []:
        if isinstance(item, dict) and isinstance(item.get("client_key"), str) and item["client_key"]:
            values.append(item["client_key"])
        if isinstance(item, dict) and isinstance(item.get("headers"), dict):
            values.extend(str(value) for value in item["headers"].values() if value)
        if isinstance(item, dict) and isinstance(item.get("password"), str) and item["password"]:
            values.append(item["password"])
            if isinstance(item.get("username"), str) and item["username"]:
                values.append(_basic_auth(item))
    return values


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
        if registry["skip_verify"]:
            config.setdefault("tls", {})["insecure_skip_verify"] = True
        if registry["client_cert"]:
            config.setdefault("tls", {}).update(cert_file=certs_d_path(ca_dir, registry["host"], CLIENT_CERT_FILE),
                                                key_file=certs_d_path(ca_dir, registry["host"], CLIENT_KEY_FILE))
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
    if registry["skip_verify"]:
        host["skip_verify"] = True
    if registry["dial_timeout"]:
        host["dial_timeout"] = registry["dial_timeout"]
    if registry["ca"]:
        host["ca"] = [certs_d_path(ca_dir, registry["host"])]
    if registry["client_cert"]:
        host["client"] = [[certs_d_path(ca_dir, registry["host"], CLIENT_CERT_FILE),
                           certs_d_path(ca_dir, registry["host"], CLIENT_KEY_FILE)]]
    header = dict(registry["headers"])
    if registry["username"]:
        header["authorization"] = _basic_auth(registry)
    if header:
        host["header"] = header
    return host


def _containerd(registries, ca_dir):
    """(hosts.toml entries, errors): one per registry (used directly) and one per mirrored upstream.

    The upstream's ``server`` is where containerd falls back to after its mirrors: the namespace
    itself unless a mirror gives ``server``; ``fallback: false`` makes the mirror the server, so
    nothing else is tried (``_default`` has no upstream of its own to fall back to anyway)."""
    entries = {}
    errors = []
    for registry in registries:
        direct = _containerd_host(registry, registry["url"], ca_dir, DIRECT_CAPABILITIES)
        entries[registry["host"]] = {"name": registry["host"], "server": registry["url"], "hosts": [direct]}
    for registry in registries:
        for mirror in registry["mirrors"]:
            name = "_default" if mirror["upstream"] == "*" else mirror["upstream"]
            url = registry["url"] + mirror["path"]
            host = _containerd_host(registry, url, ca_dir, mirror["capabilities"])
            if mirror["path"]:
                host["override_path"] = True
            entry = entries.setdefault(name, {"name": name, "hosts": []})
            entry["hosts"].append(host)
            server = mirror["server"] if mirror["fallback"] else url
            if server:
                if entry.get("server", server) != server:
                    errors.append("%s is given two servers to fall back to: %s and %s (server, fallback)"
                                  % (mirror["upstream"], entry["server"], server))
                entry["server"] = server
    return list(entries.values()), errors


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
        # Docker's insecure-registries is plain HTTP or HTTPS without verification alike.
        "insecure_registries": [r["host"] for r in registries if r["insecure"] or r["skip_verify"]],
        "registry_mirrors": mirrors,
        # The docker CLI's logins (config.json), as `docker login` writes them.
        "auths": dict((r["host"], {"auth": _basic_auth(r)[len("Basic "):]}) for r in registries if r["username"]),
    }, warnings


def _certificates(registry):
    """The registry_ca entry of a registry: its CA and client certificate, those it has."""
    entry = {"host": registry["host"], "pem": registry["ca"]}
    if registry["client_cert"]:
        entry.update(client_cert=registry["client_cert"], client_key=registry["client_key"])
    return entry


def plan(registries, ca_dir, ca_files=None, path="node_trust_registries"):
    """Everything the node_trust role writes, per runtime; raises Invalid listing every problem,
    each message starting with ``path`` (the list's option or variable)."""
    normalised, errors = normalise(registries, ca_files, path)
    if errors:
        raise Invalid(errors)
    k3s, errors = _k3s(normalised, ca_dir)
    containerd, containerd_errors = _containerd(normalised, ca_dir)
    errors.extend(containerd_errors)
    if errors:
        raise Invalid(["%s: %s" % (path, error) for error in errors])
    docker, warnings = _docker(normalised)
    return {
        "certificates": [_certificates(r) for r in normalised if r["ca"] or r["client_cert"]],
        "containerd_hosts": containerd,
        "docker": docker,
        "k3s": k3s,
        # /etc/hosts lines, once per name.
        "etc_hosts": [{"address": address, "name": name} for name, address in dict(
            (_name(r["host"]), r["address"]) for r in normalised if r["address"]).items()],
        "warnings": warnings,
    }
