# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""``kubernetes.io/dockerconfigjson`` Secrets for workloads to pull from private registries.

What ``kubectl create secret docker-registry`` makes (seed 003), as an idempotent object: the
same credentials give the same Secret byte for byte, applied with server-side apply in each
namespace; optionally its name is added to a ServiceAccount's ``imagePullSecrets`` (the names
already there are kept). The pure parts build and check; ``run`` talks to the API server through
``_kube_apply``'s Cluster and Applier.
"""

from __future__ import annotations

import base64
import json
import re

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.anchorage.registry.plugins.module_utils._checks import host_errors
from ansible_collections.anchorage.registry.plugins.module_utils._k8s_auth import (
    HAS_KUBERNETES, KUBERNETES_IMPORT_ERROR, readable_no_log_values)
from ansible_collections.anchorage.registry.plugins.module_utils._kube_apply import Applier, api_error_text, connect

try:
    from kubernetes.dynamic.exceptions import DynamicApiError, ResourceNotFoundError
except ImportError:
    pass  # HAS_KUBERNETES is False; run() reports it

MANAGED_BY = "anchorage.registry"
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def registry_key(server):
    """The key in ``auths``: the registry's host[:port], as docker login writes it (Docker Hub's own URL)."""
    host = re.sub(r"^[a-z]+://", "", server.strip()).rstrip("/")
    if host in ("docker.io", "index.docker.io", "registry-1.docker.io"):
        return "https://index.docker.io/v1/"
    return host


def dockerconfigjson(registries):
    """The ``.dockerconfigjson`` text, the same for the same credentials (keys sorted, compact)."""
    auths = {}
    for entry in registries:
        token = base64.b64encode(("%s:%s" % (entry["username"], entry["password"])).encode("utf-8")).decode("ascii")
        item = {"username": entry["username"], "password": entry["password"], "auth": token}
        if entry.get("email"):
            item["email"] = entry["email"]
        auths[registry_key(entry["server"])] = item
    return json.dumps({"auths": auths}, sort_keys=True, separators=(",", ":"))


def secret_manifest(name, namespace, registries):
    text = dockerconfigjson(registries)
    return {
        "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/dockerconfigjson",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app.kubernetes.io/managed-by": MANAGED_BY}},
        "data": {".dockerconfigjson": base64.b64encode(text.encode("utf-8")).decode("ascii")},
    }


def secret_values(params):
    """What to mask: passwords, the auth tokens and the Secret's encoded data."""
    registries = params.get("registries") or []
    found = set()
    for entry in registries:
        if isinstance(entry, dict) and entry.get("password"):
            found.add(entry["password"])
            found.add(base64.b64encode(("%s:%s" % (entry.get("username"), entry["password"])).encode("utf-8")).decode("ascii"))
    if registries and all(isinstance(entry, dict) and entry.get("password") and entry.get("server") for entry in registries):
        text = dockerconfigjson(registries)
        found.update((text, base64.b64encode(text.encode("utf-8")).decode("ascii")))
    return found


def param_errors(params):
    errors = []
    if not _DNS_NAME.match(params["name"] or ""):
        errors.append("name: %r is not a Secret name" % params["name"])
    if not params["namespaces"]:
        errors.append("namespaces: give at least one namespace")
    for index, namespace in enumerate(params["namespaces"]):
        if not _DNS_LABEL.match(namespace or ""):
            errors.append("namespaces[%d]: %r is not a namespace name" % (index, namespace))
    if not params["registries"]:
        errors.append("registries: give at least one registry")
    seen = set()
    for index, entry in enumerate(params["registries"]):
        where = "registries[%d]" % index
        key = registry_key(entry["server"])
        errors.extend(host_errors(key, where + ".server") if key != "https://index.docker.io/v1/" else [])
        if key in seen:
            errors.append("%s.server: %s is given twice" % (where, key))
        seen.add(key)
        if not entry["username"] or not entry["password"]:
            errors.append("%s: username and password must not be empty" % where)
    if params["service_account"] and not _DNS_NAME.match(params["service_account"]):
        errors.append("service_account: %r is not a ServiceAccount name" % params["service_account"])
    return errors


def with_pull_secret(service_account, name):
    """``imagePullSecrets`` with ``name`` added after the entries already there, or None if it is there."""
    current = list(((service_account or {}).get("imagePullSecrets")) or [])
    if any(item.get("name") == name for item in current):
        return None
    return current + [{"name": name}]


def run(module):
    """The image_pull_secret module's work."""
    if not HAS_KUBERNETES:
        module.fail_json(msg=missing_required_lib("kubernetes"), exception=KUBERNETES_IMPORT_ERROR)
    params = module.params
    module.no_log_values = readable_no_log_values(module.no_log_values, module.argument_spec, params)
    errors = param_errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors), errors=errors)
    cluster = connect(module)
    applier = Applier(cluster, dict(params, namespace=None), module.check_mode, module._diff)
    manifests = [secret_manifest(params["name"], namespace, params["registries"]) for namespace in params["namespaces"]]
    attached = []
    try:
        applier.apply_all(manifests)
        if params["service_account"]:
            accounts = cluster.resource("v1", "ServiceAccount")
            for namespace in params["namespaces"]:
                live = cluster.get(accounts, params["service_account"], namespace)
                wanted = with_pull_secret(live, params["name"])
                if wanted is None:
                    continue
                if live is None:
                    module.fail_json(msg="service_account: %s/%s does not exist" % (namespace, params["service_account"]),
                                     results=applier.results)
                if not module.check_mode:
                    cluster.dynamic.patch(accounts, body={"imagePullSecrets": wanted}, name=params["service_account"],
                                          namespace=namespace, content_type="application/merge-patch+json")
                attached.append("%s/%s" % (namespace, params["service_account"]))
    except (DynamicApiError, ResourceNotFoundError) as exc:
        module.fail_json(msg="apply failed: %s" % api_error_text(exc), results=applier.results)
    result = {
        "changed": bool(attached) or any(item["action"] != "unchanged" for item in applier.results),
        "results": applier.results,
        "attached": attached,
    }
    if module._diff:
        result["diff"] = applier.diffs
    return result
