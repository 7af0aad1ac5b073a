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
is rendered when it finds a problem. Pure functions: no I/O, no cluster access.
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re

from ansible_collections.anchorage.registry.plugins.module_utils._htpasswd import HAS_BCRYPT
from ansible_collections.anchorage.registry.plugins.module_utils._zot import check_secret_file, lookup as _get

MANAGED_BY = "anchorage.registry"
DEPLOYMENT_LABEL = "anchorage.registry/deployment"
CONFIG_PATH = "/etc/zot/config.json"
BCRYPT_COST = 10
NODE_PORT_RANGE = (30000, 32767)
SERVICE_TYPES = ("NodePort", "ClusterIP", "LoadBalancer")
ACCESS_MODES = ("ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany")
ARCHES = ("", "amd64", "arm64")
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
_BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

DEFAULT_SPEC = {
    "name": "zot",
    "namespace": "zot-registry",
    "create_namespace": True,
    "image": "ghcr.io/project-zot/zot",
    "image_tag": "v2.1.20",
    "image_pull_policy": "IfNotPresent",
    "arch": "",
    "replicas": 1,
    "resources": {},
    "node_selector": {},
    "tolerations": [],
    "pod_annotations": {},
    "env": {},
    "persistence": True,
    "pvc_size": "10Gi",
    "pvc_storage_class": "",
    "pvc_access_mode": "ReadWriteOnce",
    "service_type": "NodePort",
    "service_port": 5000,
    "node_port": 30500,
    "ingress": False,
    "ingress_class_name": "",
    "ingress_host": "",
    "ingress_tls_secret": "",
    "ingress_annotations": {},
    "ingress_large_uploads": True,
    "htpasswd_users": [],
    "htpasswd_secret": "",
    "htpasswd_secret_key": "htpasswd",
    "sync_credentials": {},
    "s3_access_key": "",
    "s3_secret_key": "",
    "s3_region": "",
    "s3_credentials_secret": "",
    "s3_credentials_keys": {"access_key": "AWS_ACCESS_KEY_ID", "secret_key": "AWS_SECRET_ACCESS_KEY",
                            "region": "AWS_REGION"},
    "tls_secret": "",
}


def with_defaults(spec):
    """The spec with every missing (or None) key taken from DEFAULT_SPEC."""
    merged = dict(DEFAULT_SPEC)
    merged.update((key, value) for key, value in (spec or {}).items() if value is not None)
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


def _user_errors(users):
    errors = []
    seen = set()
    for index, user in enumerate(users or []):
        name = (user or {}).get("name") or ""
        where = "htpasswd_users[%d]" % index
        if not name or ":" in name or "\n" in name:
            errors.append("%s.name: must be non-empty, without ':' or line breaks" % where)
        elif name in seen:
            errors.append("%s.name: %r is listed twice" % (where, name))
        seen.add(name)
        if not (user or {}).get("password"):
            errors.append("%s.password: must not be empty" % where)
    return errors


def _service_errors(spec):
    errors = []
    if spec["service_type"] not in SERVICE_TYPES:
        errors.append("service_type: %r is not one of %s" % (spec["service_type"], ", ".join(SERVICE_TYPES)))
    if not isinstance(spec["service_port"], int) or not 1 <= spec["service_port"] <= 65535:
        errors.append("service_port: %r is not a port (1-65535)" % (spec["service_port"],))
    node_port = spec["node_port"]
    if spec["service_type"] != "ClusterIP" and node_port not in (0, None):
        low, high = NODE_PORT_RANGE
        if isinstance(node_port, bool) or not isinstance(node_port, int) or not low <= node_port <= high:
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
    errors = _user_errors(spec["htpasswd_users"])
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
        if spec["pvc_access_mode"] not in ACCESS_MODES:
            errors.append("pvc_access_mode: %r is not one of %s" % (spec["pvc_access_mode"], ", ".join(ACCESS_MODES)))
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


def spec_errors(spec, config):
    """Everything wrong with ``spec`` (already through ``with_defaults``) for this ``config``."""
    errors = []
    for key in ("name", "namespace"):
        if not isinstance(spec[key], str) or not _DNS_LABEL.match(spec[key]):
            errors.append("%s: %r must be a DNS label (lower-case letters, digits, '-', at most 63)" % (key, spec[key]))
    for key in ("image", "image_tag"):
        if not spec[key]:
            errors.append("%s: must not be empty" % key)
    if spec["arch"] not in ARCHES:
        errors.append("arch: %r is not one of amd64, arm64 (or empty for any)" % spec["arch"])
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

def _bcrypt_salt(seed):
    """A bcrypt salt derived from ``seed`` (public data), so a password hashes the same every run."""
    raw = base64.b64encode(hashlib.sha256(seed.encode("utf-8")).digest()[:16]).decode("ascii")[:22]
    table = dict(zip(_B64_ALPHABET, _BCRYPT_ALPHABET))
    return ("$2b$%02d$" % BCRYPT_COST + "".join(table[char] for char in raw)).encode("ascii")


def htpasswd_text(users, seed):
    """htpasswd lines (bcrypt, ``$2y$`` as htpasswd -B writes) that are the same on every run.

    The salt comes from ``seed`` (namespace and deployment) and the user name: unique per user
    and site, stable across runs, so the Secret (and the pods) change only when a password does.
    """
    import bcrypt  # only called when HAS_BCRYPT

    lines = []
    for user in users:
        salt = _bcrypt_salt("anchorage.registry/zot/%s/%s" % (seed, user["name"]))
        hashed = bcrypt.hashpw(user["password"].encode("utf-8"), salt).decode("ascii")
        lines.append("%s:$2y$%s\n" % (user["name"], hashed[4:]))
    return "".join(lines)


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
        keys = dict(DEFAULT_SPEC["s3_credentials_keys"], **(spec["s3_credentials_keys"] or {}))
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


def zot_manifests(config_json, spec):
    """``(manifests, errors)``: everything to apply for ``spec``, or the reasons it cannot be."""
    spec = with_defaults(spec)
    try:
        config = json.loads(config_json)
    except ValueError as exc:
        return [], ["config: not JSON: %s" % exc]
    if not isinstance(config, dict):
        return [], ["config: must be a JSON object"]
    errors = spec_errors(spec, config)
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
