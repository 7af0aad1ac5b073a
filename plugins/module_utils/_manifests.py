# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""zot's Kubernetes manifests from a checked config.json and a deployment spec.

``zot_manifests(config_json, spec)`` returns Namespace, Secret, ConfigMap, PersistentVolumeClaim,
Deployment, Service and Ingress as plain dicts, ready for ``manifest_apply``. Every file the
config names (htpasswd, sync credentials, TLS) is mounted at exactly that path, so the config
stays the one source of truth. ``spec_errors`` checks the spec against the config first; nothing
is rendered when it finds a problem. The spec's keys, defaults and choices are the zot role's
options (``settings``, see ``spec_settings``): the role's meta/argument_specs.yml declares them
once. Pure functions: no I/O, no cluster access.
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re

from ansible_collections.anchorage.registry.plugins.module_utils._checks import number_errors
from ansible_collections.anchorage.registry.plugins.module_utils._htpasswd import HAS_BCRYPT, entry_line, hash_password, user_errors
from ansible_collections.anchorage.registry.plugins.module_utils._zot import check_secret_file, lookup as _get

MANAGED_BY = "anchorage.registry"
DEPLOYMENT_LABEL = "anchorage.registry/deployment"
CONFIG_PATH = "/etc/zot/config.json"
BCRYPT_COST = 10
NODE_PORT_RANGE = (30000, 32767)
ROLE_PREFIX = "zot_"
# ingress-nginx reads these per Ingress: no body limit, 20-minute proxy timeouts, no request
# buffering (seed 001 pushed 1.2 GB layers). Traefik has no body limit and sets its timeouts on
# the entry point, not per Ingress (see docs/zot.md).
LARGE_UPLOAD_ANNOTATIONS = {
    "nginx.ingress.kubernetes.io/proxy-body-size": "0",
    "nginx.ingress.kubernetes.io/proxy-read-timeout": "1200",
    "nginx.ingress.kubernetes.io/proxy-send-timeout": "1200",
    "nginx.ingress.kubernetes.io/proxy-request-buffering": "off",
}
S3_ENV = (("access_key", "AWS_ACCESS_KEY_ID"), ("secret_key", "AWS_SECRET_ACCESS_KEY"), ("region", "AWS_REGION"))

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_NAME = re.compile(r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def spec_settings(argument_specs):
    """``{key: option}`` from the zot role's parsed meta/argument_specs.yml: ``zot_<key>`` is ``<key>``."""
    options = argument_specs["argument_specs"]["main"]["options"]
    return dict((name[len(ROLE_PREFIX):], option) for name, option in options.items())


def with_defaults(spec, settings):
    """The spec with every missing (or None) key taken from the role's defaults in ``settings``.

    A partial ``s3_credentials_keys`` keeps the default key names it leaves out.
    """
    merged = dict((key, option.get("default")) for key, option in settings.items())
    merged.update((key, value) for key, value in (spec or {}).items() if value is not None)
    given = merged["s3_credentials_keys"]
    if isinstance(given, dict):
        merged["s3_credentials_keys"] = dict(settings["s3_credentials_keys"]["default"], **given)
    return merged


def selector_labels(spec):
    """The labels that select this deployment's pods."""
    return {"app.kubernetes.io/name": "zot", "app.kubernetes.io/instance": spec["name"]}


def labels(spec):
    """Labels on every object: the selector's two, plus who manages it (the prune selector)."""
    return dict(selector_labels(spec), **{"app.kubernetes.io/managed-by": MANAGED_BY, DEPLOYMENT_LABEL: spec["name"]})


def prune_selector(spec):
    """The label selector matching everything this deployment applies (for manifest_apply)."""
    return "app.kubernetes.io/managed-by=%s,%s=%s" % (MANAGED_BY, DEPLOYMENT_LABEL, spec["name"])


# --- checks ------------------------------------------------------------------------------------

def _quantity_errors(where, value):
    if isinstance(value, bool) or not _QUANTITY.match(str(value)):
        return ["%s: %r is not a Kubernetes quantity (e.g. 500m, 256Mi, 200Gi)" % (where, value)]
    return []


def _resources_errors(resources):
    if not isinstance(resources, dict):
        return ["resources: must be a mapping with requests and limits"]
    errors = []
    for section, amounts in resources.items():
        if section not in ("requests", "limits"):
            errors.append("resources.%s: unknown key (known: limits, requests)" % section)
        elif not isinstance(amounts, dict):
            errors.append("resources.%s: must be a mapping such as {cpu: 100m, memory: 256Mi}" % section)
        else:
            for name, value in amounts.items():
                errors.extend(_quantity_errors("resources.%s.%s" % (section, name), value))
    return errors


def _choice_errors(spec, settings):
    errors = []
    for key, option in settings.items():
        choices = option.get("choices")
        if choices and spec[key] not in choices:
            errors.append("%s: %r is not one of %s%s" % (key, spec[key], ", ".join(choice for choice in choices if choice),
                                                         " (or empty for any)" if "" in choices else ""))
    return errors


def _service_errors(spec):
    # A Service's ports are numbers; a string such as "5000" is refused by the API server.
    errors = number_errors(spec["service_port"], "service_port", 1, 65535)
    node_port = spec["node_port"]
    if spec["service_type"] != "ClusterIP" and node_port not in (0, None):
        low, high = NODE_PORT_RANGE
        if number_errors(node_port, "node_port", low, high):
            errors.append("node_port: %r is outside Kubernetes' NodePort range %d-%d (0 lets Kubernetes pick one)"
                          % (node_port, low, high))
    return errors


def _ingress_errors(spec):
    if not spec["ingress"]:
        return []
    errors = []
    host = spec["ingress_host"]
    if host and not _DNS_NAME.match(host):
        errors.append("ingress_host: %r is not a DNS name (no scheme, port or path)" % host)
    if spec["ingress_tls_secret"] and not host:
        errors.append("ingress_tls_secret: TLS on the Ingress needs ingress_host")
    return errors


def _auth_errors(spec, config):
    errors = user_errors(spec["htpasswd_users"], "htpasswd_users")
    path = _get(config, "http", "auth", "htpasswd", "path")
    given = bool(spec["htpasswd_users"]) or bool(spec["htpasswd_secret"])
    if spec["htpasswd_users"] and spec["htpasswd_secret"]:
        errors.append("htpasswd_users, htpasswd_secret: give one of them, not both")
    if path and not given:
        errors.append("http.auth.htpasswd.path is %r but neither htpasswd_users nor htpasswd_secret provides it" % path)
    if given and not path:
        errors.append("htpasswd_users/htpasswd_secret: the config has no http.auth.htpasswd.path to mount it at")
    credentials_file = _get(config, "extensions", "sync", "credentialsFile")
    if spec["sync_credentials"]:
        errors.extend("sync_credentials: %s" % error for error in check_secret_file("sync_credentials", spec["sync_credentials"]))
        if not credentials_file:
            errors.append("sync_credentials: the config has no extensions.sync.credentialsFile to mount them at")
    elif credentials_file:
        errors.append("extensions.sync.credentialsFile is %r but sync_credentials is empty" % credentials_file)
    tls = _get(config, "http", "tls") or {}
    if (tls.get("cert") or tls.get("key")) and not spec["tls_secret"]:
        errors.append("http.tls: the config serves TLS; tls_secret must name a kubernetes.io/tls Secret to mount")
    if spec["tls_secret"] and not (tls.get("cert") and tls.get("key")):
        errors.append("tls_secret: the config has no http.tls.cert and http.tls.key to mount it at")
    return errors


def _s3_errors(spec, config):
    errors = []
    inline = [key for key in ("s3_access_key", "s3_secret_key") if spec[key]]
    if inline and spec["s3_credentials_secret"]:
        errors.append("s3_access_key/s3_secret_key, s3_credentials_secret: give inline keys or a Secret, not both")
    if len(inline) == 1:
        errors.append("s3_access_key, s3_secret_key: give both or neither")
    wanted = inline or spec["s3_credentials_secret"] or spec["s3_region"]
    if wanted and _get(config, "storage", "storageDriver", "name") != "s3":
        errors.append("s3_*: S3 credentials are set but storage.storageDriver is not s3")
    keys = spec["s3_credentials_keys"] or {}
    for key in keys:
        if key not in dict(S3_ENV):
            errors.append("s3_credentials_keys.%s: unknown key (known: access_key, region, secret_key)" % key)
    return errors


def _storage_errors(spec, config):
    errors = []
    root = _get(config, "storage", "rootDirectory") or ""
    if not posixpath.isabs(root):
        errors.append("storage.rootDirectory: %r must be an absolute path inside the container" % root)
    if spec["persistence"]:
        errors.extend(_quantity_errors("pvc_size", spec["pvc_size"]))
    replicas = spec["replicas"]
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
        errors.append("replicas: %r must be a whole number, 0 or more" % (replicas,))
    elif replicas > 1:
        if not _get(config, "storage", "storageDriver") and not config.get("cluster"):
            errors.append("replicas: %d zot replicas need shared cloud storage (storage.storageDriver with a "
                          "cacheDriver) or a scale-out cluster section; on a volume each replica keeps its own "
                          "database" % replicas)
        elif spec["persistence"] and spec["pvc_access_mode"] != "ReadWriteMany":
            errors.append("replicas: %d replicas cannot share a %s volume; set persistence false (S3 keeps the "
                          "images) or use ReadWriteMany" % (replicas, spec["pvc_access_mode"]))
    return errors


def spec_errors(spec, config, settings):
    """Everything wrong with ``spec`` (already through ``with_defaults``) for this ``config``."""
    errors = []
    for key in ("name", "namespace"):
        if not isinstance(spec[key], str) or not _DNS_LABEL.match(spec[key]):
            errors.append("%s: %r must be a DNS label (lower-case letters, digits, '-', at most 63)" % (key, spec[key]))
    for key in ("image", "image_tag"):
        if not spec[key]:
            errors.append("%s: must not be empty" % key)
    errors.extend(_choice_errors(spec, settings))
    errors.extend(_resources_errors(spec["resources"]))
    for name in spec["env"] or {}:
        if not _ENV_NAME.match(str(name)):
            errors.append("env.%s: not a valid environment variable name" % name)
        elif name in dict((env, None) for _key, env in S3_ENV) and (spec["s3_access_key"] or spec["s3_credentials_secret"]):
            errors.append("env.%s: set by the S3 credentials options already" % name)
    errors.extend(_service_errors(spec))
    errors.extend(_ingress_errors(spec))
    errors.extend(_auth_errors(spec, config))
    errors.extend(_s3_errors(spec, config))
    errors.extend(_storage_errors(spec, config))
    return errors


# --- rendering ---------------------------------------------------------------------------------

def htpasswd_text(users, seed):
    """htpasswd lines (bcrypt, ``$2y$`` as htpasswd -B writes) that are the same on every run.

    The salt comes from ``seed`` (namespace and deployment) and the user name: unique per user
    and site, stable across runs, so the Secret (and the pods) change only when a password does.
    """
    return "".join(entry_line(user["name"], hash_password(user["password"], BCRYPT_COST,
                                                          "anchorage.registry/zot/%s/%s" % (seed, user["name"])))
                   for user in users)


def _object(spec, api_version, kind, name, body, namespaced=True, annotations=None):
    """One Kubernetes object with this deployment's labels; ``body`` holds spec, data...."""
    meta = {"name": name, "labels": labels(spec)}
    if namespaced:
        meta["namespace"] = spec["namespace"]
    if annotations:
        meta["annotations"] = dict(annotations)
    return dict({"apiVersion": api_version, "kind": kind, "metadata": meta}, **body)


def _secret_data(spec, config):
    """The Secret's string data: the files the config names, and S3 credentials for the env."""
    data = {}
    if spec["htpasswd_users"]:
        data["htpasswd"] = htpasswd_text(spec["htpasswd_users"], "%s/%s" % (spec["namespace"], spec["name"]))
    if spec["sync_credentials"]:
        data["sync-credentials.json"] = json.dumps(spec["sync_credentials"], indent=2, sort_keys=True) + "\n"
    if spec["s3_access_key"]:
        data["AWS_ACCESS_KEY_ID"] = spec["s3_access_key"]
        data["AWS_SECRET_ACCESS_KEY"] = spec["s3_secret_key"]
    if spec["s3_region"] and not spec["s3_credentials_secret"]:
        data["AWS_REGION"] = spec["s3_region"]
    return data


def _file_mounts(spec, config):
    """``[(volume, key, path)]``: which Secret key is mounted at which path the config names."""
    mounts = []
    htpasswd = _get(config, "http", "auth", "htpasswd", "path")
    if htpasswd:
        if spec["htpasswd_secret"]:
            mounts.append(("htpasswd", spec["htpasswd_secret_key"], htpasswd))
        else:
            mounts.append(("secret", "htpasswd", htpasswd))
    credentials = _get(config, "extensions", "sync", "credentialsFile")
    if credentials:
        mounts.append(("secret", "sync-credentials.json", credentials))
    tls = _get(config, "http", "tls") or {}
    for key, secret_key in (("cert", "tls.crt"), ("key", "tls.key"), ("cacert", "ca.crt")):
        if tls.get(key):
            mounts.append(("tls", secret_key, tls[key]))
    return mounts


def _env(spec, secret_name):
    env = []
    if spec["s3_credentials_secret"]:
        keys = spec["s3_credentials_keys"]
        for option, variable in S3_ENV:
            if option == "region" and spec["s3_region"]:
                env.append({"name": variable, "value": spec["s3_region"]})
                continue
            env.append({"name": variable, "valueFrom": {"secretKeyRef": {
                "name": spec["s3_credentials_secret"], "key": keys[option], "optional": option == "region"}}})
    elif spec["s3_access_key"] or spec["s3_region"]:
        for option, variable in S3_ENV:
            if spec["s3_" + option]:
                env.append({"name": variable, "valueFrom": {"secretKeyRef": {"name": secret_name, "key": variable}}})
    env.extend({"name": str(name), "value": str(value)} for name, value in sorted((spec["env"] or {}).items()))
    return env


def _probe(path, scheme, period, failures):
    return {
        "httpGet": {"path": path, "port": "http", "scheme": scheme},
        "periodSeconds": period,
        "timeoutSeconds": 3,
        "failureThreshold": failures,
    }


def _pod_spec(spec, config, secret_name, data_claim):
    scheme = "HTTPS" if _get(config, "http", "tls", "cert") else "HTTP"
    port = int(_get(config, "http", "port") or 5000)
    mounts = [{"name": "config", "mountPath": CONFIG_PATH, "subPath": "config.json", "readOnly": True},
              {"name": "data", "mountPath": config["storage"]["rootDirectory"]}]
    volumes = [{"name": "config", "configMap": {"name": spec["name"] + "-config"}}]
    if data_claim:
        volumes.append({"name": "data", "persistentVolumeClaim": {"claimName": data_claim}})
    else:
        volumes.append({"name": "data", "emptyDir": {}})
    secret_volumes = {"secret": secret_name, "htpasswd": spec["htpasswd_secret"], "tls": spec["tls_secret"]}
    used = []
    for volume, key, path in _file_mounts(spec, config):
        mounts.append({"name": volume, "mountPath": path, "subPath": key, "readOnly": True})
        if volume not in used:
            used.append(volume)
            volumes.append({"name": volume, "secret": {"secretName": secret_volumes[volume], "defaultMode": 0o440}})
    container = {
        "name": "zot",
        "image": "%s:%s" % (spec["image"], spec["image_tag"]),
        "imagePullPolicy": spec["image_pull_policy"],
        "args": ["serve", CONFIG_PATH],
        "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
        "volumeMounts": mounts,
        # zot serves /startupz, /livez and /readyz before its auth middleware: the probes work
        # with htpasswd, LDAP or OpenID on and need no credentials (zot >= 2.1.6).
        "startupProbe": _probe("/startupz", scheme, 5, 60),
        "livenessProbe": _probe("/livez", scheme, 10, 3),
        "readinessProbe": _probe("/readyz", scheme, 5, 3),
        "securityContext": {"allowPrivilegeEscalation": False},
    }
    env = _env(spec, secret_name)
    if env:
        container["env"] = env
    if spec["resources"]:
        container["resources"] = spec["resources"]
    pod = {"containers": [container], "volumes": volumes}
    node_selector = dict(spec["node_selector"] or {})
    if spec["arch"]:
        node_selector["kubernetes.io/arch"] = spec["arch"]
    if node_selector:
        pod["nodeSelector"] = node_selector
    if spec["tolerations"]:
        pod["tolerations"] = spec["tolerations"]
    return pod


def _deployment(spec, config, config_json, secret_data, secret_name, data_claim):
    annotations = {"anchorage.registry/config-sha256": hashlib.sha256(config_json.encode("utf-8")).hexdigest()}
    if secret_data:
        blob = json.dumps(secret_data, sort_keys=True).encode("utf-8")
        annotations["anchorage.registry/secret-sha256"] = hashlib.sha256(blob).hexdigest()
    annotations.update(spec["pod_annotations"] or {})
    # One volume that only one node can mount (ReadWriteOnce) must be released before the new
    # pod starts: Recreate. Shared storage can roll one pod at a time.
    single_writer = data_claim and spec["pvc_access_mode"] != "ReadWriteMany"
    strategy = {"type": "Recreate"} if single_writer or spec["replicas"] <= 1 else {
        "type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}
    return _object(spec, "apps/v1", "Deployment", spec["name"], {"spec": {
        "replicas": spec["replicas"],
        "revisionHistoryLimit": 5,
        "selector": {"matchLabels": selector_labels(spec)},
        "strategy": strategy,
        "template": {
            "metadata": {"labels": labels(spec), "annotations": annotations},
            "spec": _pod_spec(spec, config, secret_name, data_claim),
        },
    }})


def _service(spec):
    port = {"name": "http", "port": spec["service_port"], "targetPort": "http", "protocol": "TCP"}
    if spec["service_type"] != "ClusterIP" and spec["node_port"]:
        port["nodePort"] = spec["node_port"]
    return _object(spec, "v1", "Service", spec["name"], {"spec": {
        "type": spec["service_type"], "selector": selector_labels(spec), "ports": [port]}})


def _ingress(spec):
    annotations = {}
    if spec["ingress_large_uploads"] and "traefik" not in spec["ingress_class_name"]:
        annotations.update(LARGE_UPLOAD_ANNOTATIONS)
    annotations.update(spec["ingress_annotations"] or {})
    rule = {"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
        "service": {"name": spec["name"], "port": {"name": "http"}}}}]}}
    if spec["ingress_host"]:
        rule["host"] = spec["ingress_host"]
    body = {"rules": [rule]}
    if spec["ingress_class_name"]:
        body["ingressClassName"] = spec["ingress_class_name"]
    if spec["ingress_tls_secret"]:
        body["tls"] = [{"hosts": [spec["ingress_host"]], "secretName": spec["ingress_tls_secret"]}]
    return _object(spec, "networking.k8s.io/v1", "Ingress", spec["name"], {"spec": body}, annotations=annotations)


def zot_manifests(config_json, spec, settings):
    """``(manifests, errors)``: everything to apply for ``spec``, or the reasons it cannot be."""
    spec = with_defaults(spec, settings)
    try:
        config = json.loads(config_json)
    except ValueError as exc:
        return [], ["config: not JSON: %s" % exc]
    if not isinstance(config, dict):
        return [], ["config: must be a JSON object"]
    errors = spec_errors(spec, config, settings)
    if spec["htpasswd_users"] and not HAS_BCRYPT:
        errors.append("htpasswd_users: hashing passwords needs the Python library bcrypt on the controller")
    if errors:
        return [], errors
    manifests = []
    if spec["create_namespace"]:
        manifests.append(_object(spec, "v1", "Namespace", spec["namespace"], {}, namespaced=False))
    secret_name = spec["name"]
    secret_data = _secret_data(spec, config)
    if secret_data:
        manifests.append(_object(spec, "v1", "Secret", secret_name, {"type": "Opaque", "data": dict(
            (key, base64.b64encode(value.encode("utf-8")).decode("ascii")) for key, value in sorted(secret_data.items()))}))
    manifests.append(_object(spec, "v1", "ConfigMap", spec["name"] + "-config", {"data": {"config.json": config_json}}))
    data_claim = None
    if spec["persistence"]:
        data_claim = spec["name"] + "-data"
        claim = {"accessModes": [spec["pvc_access_mode"]], "resources": {"requests": {"storage": str(spec["pvc_size"])}}}
        if spec["pvc_storage_class"]:
            claim["storageClassName"] = spec["pvc_storage_class"]
        manifests.append(_object(spec, "v1", "PersistentVolumeClaim", data_claim, {"spec": claim}))
    manifests.append(_deployment(spec, config, config_json, secret_data, secret_name, data_claim))
    manifests.append(_service(spec))
    if spec["ingress"]:
        manifests.append(_ingress(spec))
    return manifests, []
