# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""zot's Kubernetes manifests from a checked config.json and a deployment spec.

``zot_manifests(config_json, spec)`` returns Namespace, Secret, ConfigMap, PersistentVolumeClaim,
Deployment (or, for zot's scale-out cluster, a StatefulSet with a headless Service), Service,
PodDisruptionBudget, Ingress, ServiceMonitor and Traefik's HelmChartConfig as plain dicts, ready
for ``manifest_apply``. Every file the config names (htpasswd, credentials files, session keys,
TLS and CA files) must be mounted at exactly that path, so the config stays the one source of truth.
``spec_errors`` checks the spec against the config first; nothing
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

from ansible_collections.anchorage.registry.plugins.module_utils._ca_certificates import private_key_errors
from ansible_collections.anchorage.registry.plugins.module_utils._checks import number_errors, pem_errors
from ansible_collections.anchorage.registry.plugins.module_utils._htpasswd import HAS_BCRYPT, entry_line, hash_password, user_errors
from ansible_collections.anchorage.registry.plugins.module_utils._zot import (
    check_secret_file, extension_enabled, metrics_path, render as render_config, viper_view, lookup as _get)

MANAGED_BY = "anchorage.registry"
DEPLOYMENT_LABEL = "anchorage.registry/deployment"
CONFIG_PATH = "/etc/zot/config.json"
BCRYPT_COST = 10
NODE_PORT_RANGE = (30000, 32767)
# zot_config checks a cluster section whose hashKey is this stand-in of the right length; the
# real key (a secret: never in a module's arguments or results) goes into the Secret's copy here.
HASH_KEY_STAND_IN = "0" * 16
ROLE_PREFIX = "zot_"
INGRESS_CONTROLLERS = ("traefik", "nginx")
PROBES = ("startup_probe", "liveness_probe", "readiness_probe")
PROBE_HANDLERS = ("httpGet", "tcpSocket", "exec", "grpc")
PROBE_NUMBERS = (("initialDelaySeconds", 0), ("periodSeconds", 1), ("timeoutSeconds", 1), ("successThreshold", 1),
                 ("failureThreshold", 1), ("terminationGracePeriodSeconds", 1))
# Prometheus' durations (model.ParseDuration), as a ServiceMonitor's interval takes them.
_PROMETHEUS_DURATION = re.compile(r"^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$")
S3_ENV = (("access_key", "AWS_ACCESS_KEY_ID"), ("secret_key", "AWS_SECRET_ACCESS_KEY"), ("region", "AWS_REGION"))

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_NAME = re.compile(r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
# ingress-nginx's sizes (nginx's own syntax: bytes, k, m or g).
_NGINX_SIZE = re.compile(r"^[0-9]+[kKmMgG]?$")
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
    errors.extend(number_errors(spec["host_port"], "host_port", 0, 65535))
    node_port = spec["node_port"]
    if spec["service_type"] != "ClusterIP" and node_port not in (0, None):
        low, high = NODE_PORT_RANGE
        if number_errors(node_port, "node_port", low, high):
            errors.append("node_port: %r is outside Kubernetes' NodePort range %d-%d (0 lets Kubernetes pick one)"
                          % (node_port, low, high))
    return errors


def ingress_controller(spec):
    """Which controller's settings the Ingress gets: the one named, else the class if it is one we know."""
    if spec["ingress_controller"]:
        return spec["ingress_controller"]
    return spec["ingress_class_name"] if spec["ingress_class_name"] in INGRESS_CONTROLLERS else "none"


def _ingress_errors(spec):
    errors = number_errors(spec["ingress_timeout"], "ingress_timeout", 1, 86400, "seconds")
    if not spec["ingress"]:
        return errors
    host = spec["ingress_host"]
    if host and not _DNS_NAME.match(host):
        errors.append("ingress_host: %r is not a DNS name (no scheme, port or path)" % host)
    if spec["ingress_tls_secret"] and not host:
        errors.append("ingress_tls_secret: TLS on the Ingress needs ingress_host")
    if not _NGINX_SIZE.match(str(spec["ingress_body_size"])) or isinstance(spec["ingress_body_size"], bool):
        errors.append("ingress_body_size: %r is not a size such as 0 (no limit), 1g or 500m" % (spec["ingress_body_size"],))
    if spec["traefik_helm_chart_config"] and ingress_controller(spec) != "traefik":
        errors.append("traefik_helm_chart_config: the Ingress is not handled by Traefik (ingress_controller or "
                      "ingress_class_name traefik)")
    return errors


def config_files(config):
    """``[(key, path)]``: every file the config names that zot reads, by its config key."""
    found = []

    def add(where, value):
        if isinstance(value, str) and value:
            found.append((where, value))

    auth = _get(config, "http", "auth") or {}
    add("http.auth.htpasswd.path", _get(auth, "htpasswd", "path"))
    add("http.auth.ldap.credentialsFile", _get(auth, "ldap", "credentialsFile"))
    add("http.auth.ldap.cacert", _get(auth, "ldap", "cacert"))
    add("http.auth.sessionKeysFile", auth.get("sessionKeysFile"))
    add("http.auth.bearer.cert", _get(auth, "bearer", "cert"))
    for index, oidc in enumerate(_get(auth, "bearer", "oidc") or []):
        add("http.auth.bearer.oidc[%d].certificateAuthorityFile" % index, (oidc or {}).get("certificateAuthorityFile"))
    for name, provider in sorted((_get(auth, "openid", "providers") or {}).items()):
        add("http.auth.openid.providers.%s.credentialsFile" % name, (provider or {}).get("credentialsFile"))
    for key in ("cert", "key", "cacert"):
        add("http.tls.%s" % key, _get(config, "http", "tls", key))
        add("cluster.tls.%s" % key, _get(config, "cluster", "tls", key))
    add("extensions.sync.credentialsFile", _get(config, "extensions", "sync", "credentialsFile"))
    for index, registry in enumerate(_get(config, "extensions", "sync", "registries") or []):
        helper = (registry or {}).get("oauth2CredentialHelper") or {}
        for key in ("assertionFile", "signingFile", "clientSecretFile"):
            add("extensions.sync.registries[%d].oauth2CredentialHelper.%s" % (index, key), helper.get(key))
    for index, sink in enumerate(_get(config, "extensions", "events", "sinks") or []):
        add("extensions.events.sinks[%d].credentials.file" % index, _get(sink, "credentials", "file"))
        for key in ("caCertFile", "certFile", "keyFile"):
            add("extensions.events.sinks[%d].tlsConfig.%s" % (index, key), _get(sink, "tlsConfig", key))
    return found


def _covered(path, mount_paths):
    return any(path == mount or path.startswith(mount.rstrip("/") + "/") for mount in mount_paths)


def _file_errors(spec, config):
    errors = []
    for index, entry in enumerate(spec["secret_files"]):
        where = "secret_files[%d]" % index
        if not isinstance(entry, dict) or sorted(entry) != ["key", "path", "secret"]:
            errors.append("%s: must be {path, secret, key}: the file at path comes from key of Secret secret" % where)
        elif not posixpath.isabs(str(entry["path"])) or not _DNS_NAME.match(str(entry["secret"])):
            errors.append("%s: path must be absolute and secret a Secret's name" % where)
    if errors:
        return errors
    extra_mounts = [mount.get("mountPath", "") for mount in spec["extra_volume_mounts"] if isinstance(mount, dict)]
    provided = set(path for _volume, _key, path in _file_mounts(spec, config))
    for where, path in config_files(config):
        if where.startswith("http.tls.") or where in ("http.auth.htpasswd.path", "extensions.sync.credentialsFile"):
            continue  # mounted from tls_secret, htpasswd_* and sync_credentials (checked in _auth_errors)
        if path not in provided and not _covered(path, extra_mounts):
            errors.append("%s is %r: zot reads that file but nothing mounts it there; add a secret_files entry "
                          "{path: %s, secret: <Secret>, key: <key>} or an extra_volume_mounts entry" % (where, path, path))
    names = [volume.get("name") for volume in spec["extra_volumes"] if isinstance(volume, dict)]
    if len(names) != len(spec["extra_volumes"]) or len(set(names)) != len(names):
        errors.append("extra_volumes: each entry must be a Kubernetes volume with its own name")
    for index, mount in enumerate(spec["extra_volume_mounts"]):
        if not isinstance(mount, dict) or mount.get("name") not in names or not mount.get("mountPath"):
            errors.append("extra_volume_mounts[%d]: needs a name from extra_volumes and a mountPath" % index)
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
    errors.extend(_tls_errors(spec, config))
    return errors


def _tls_errors(spec, config):
    """http.tls and where its files come from: an existing Secret, or the role's own from a certificate (given,
    or generated: with tls_generate the certificate may not be issued yet, and is not checked then)."""
    tls = _get(config, "http", "tls") or {}
    given = bool(spec["tls_certificate"] or spec["tls_key"])
    own = given or spec["tls_generate"]
    if (tls.get("cert") or tls.get("key")) and not (spec["tls_secret"] or own):
        return ["http.tls: the config serves TLS; give tls_certificate and tls_key, or tls_secret naming a "
                "kubernetes.io/tls Secret to mount"]
    if (spec["tls_secret"] or own) and not (tls.get("cert") and tls.get("key")):
        return ["%s: the config has no http.tls.cert and http.tls.key to mount it at"
                % ("tls_secret" if spec["tls_secret"] else "tls_generate" if not given else "tls_certificate")]
    if not own:
        return []
    if spec["tls_secret"]:
        return ["tls_certificate/tls_key, tls_secret: give a certificate and its key, or an existing Secret, not both"]
    errors = []
    if given:
        errors = pem_errors(spec["tls_certificate"], "tls_certificate") + private_key_errors(spec["tls_key"], "tls_key")
    if tls.get("cacert"):
        errors.append("http.tls.cacert: the Secret made of tls_certificate holds tls.crt and tls.key only; give the "
                      "clients' CA as ca.crt of a tls_secret instead")
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


def shares_state(config):
    """Whether zot replicas behind one Service share their state: cloud storage and a remote cache.

    With a storageDriver every replica sees the same blobs, but its metadata (repository and tag
    index, dedupe cache, sessions) lives in a local BoltDB unless a remote cacheDriver (redis or
    dynamodb) is used with remoteCache on (applyDefaultValues: on with dedupe on cloud storage)."""
    storage = viper_view(config).get("storage") or {}
    driver = bool(storage.get("storageDriver"))
    remote_cache = storage.get("remoteCache", driver and storage.get("dedupe", True))
    return driver and bool(storage.get("cacheDriver")) and bool(remote_cache)


def _storage_errors(spec, config):
    errors = []
    root = _get(config, "storage", "rootDirectory") or ""
    if not posixpath.isabs(root):
        errors.append("storage.rootDirectory: %r must be an absolute path inside the container" % root)
    if spec["persistence"]:
        errors.extend(_quantity_errors("pvc_size", spec["pvc_size"]))
    replicas = spec["replicas"]
    if number_errors(replicas, "replicas", 0, 100):
        errors.append("replicas: %r must be a whole number from 0 to 100" % (replicas,))
    elif replicas > 1 and not spec["cluster"]:
        if not shares_state(config):
            errors.append("replicas: %d zot replicas behind one Service must share their state, which zot does only "
                          "with cloud storage and a remote cache: storage.storageDriver (s3, gcs or azure) and "
                          "storage.cacheDriver (redis or dynamodb, remoteCache on); or set cluster: true for zot's "
                          "scale-out cluster (a StatefulSet, each member owning its repositories)" % replicas)
        elif spec["persistence"] and spec["pvc_access_mode"] != "ReadWriteMany":
            errors.append("replicas: %d replicas cannot share a %s volume; set persistence false (the bucket keeps "
                          "the images) or use ReadWriteMany" % (replicas, spec["pvc_access_mode"]))
    errors.extend(number_errors(spec["pdb_max_unavailable"], "pdb_max_unavailable", 1, 100))
    return errors


def cluster_members(spec, config):
    """The member addresses of zot's scale-out cluster: each StatefulSet pod by its stable name."""
    port = _get(config, "http", "port") or "5000"
    return ["%s-%d.%s.%s.svc.%s:%s" % (spec["name"], index, headless_name(spec), spec["namespace"], spec["cluster_domain"], port)
            for index in range(spec["replicas"])]


def headless_name(spec):
    return spec["name"] + "-headless"


def _cluster_errors(spec, config):
    cluster = config.get("cluster")
    if not spec["cluster"]:
        return ["cluster: the config has a cluster section; set cluster: true so that members run as a StatefulSet "
                "with stable names"] if cluster else []
    if not _DNS_NAME.match(str(spec["cluster_domain"])):
        return ["cluster_domain: %r is not a DNS name" % (spec["cluster_domain"],)]
    if not isinstance(cluster, dict):
        return ["cluster: true needs the config's cluster section (members and hashKey), which the role builds"]
    expected = cluster_members(spec, config)
    if cluster.get("members") != expected:
        return ["cluster.members: must be the StatefulSet's pods, %s" % ", ".join(expected)]
    if len(str(spec["cluster_hash_key"]).encode("utf-8")) != 16:
        return ["cluster_hash_key: must be exactly 16 bytes (zot's siphash key)"]
    return []


def _probe_errors(spec):
    errors = []
    for key in PROBES:
        probe = spec[key]
        if not probe:
            continue
        handlers = [handler for handler in PROBE_HANDLERS if handler in probe] if isinstance(probe, dict) else []
        if len(handlers) != 1:
            errors.append("%s: a probe needs exactly one of %s (e.g. {tcpSocket: {port: http}, periodSeconds: 10})"
                          % (key, ", ".join(PROBE_HANDLERS)))
            continue
        # The API server's ranges (validation of core/v1 Probe): delays from 0, the rest from 1.
        for field, low in PROBE_NUMBERS:
            if field in probe:
                errors.extend(number_errors(probe[field], "%s.%s" % (key, field), low, 86400, "seconds" if "Seconds" in field else ""))
    return errors


def _pod_errors(spec, config):
    errors = _probe_errors(spec)
    taken = [key for key in spec["pod_labels"] if key in labels(spec)]
    if taken:
        errors.append("pod_labels: %s are set by the role (selector and prune labels)" % ", ".join(sorted(taken)))
    for index, name in enumerate(spec["image_pull_secrets"]):
        if not isinstance(name, str) or not _DNS_NAME.match(name):
            errors.append("image_pull_secrets[%d]: %r is not a Secret name" % (index, name))
    for key in ("service_account", "priority_class_name"):
        if spec[key] and not _DNS_NAME.match(str(spec[key])):
            errors.append("%s: %r is not a valid name" % (key, spec[key]))
    if spec["strategy"] == "RollingUpdate" and spec["persistence"] and spec["pvc_access_mode"] == "ReadWriteOncePod":
        errors.append("strategy: RollingUpdate starts the new pod before the old one stops, and a ReadWriteOncePod "
                      "volume cannot be mounted by both; use Recreate")
    if spec["strategy"] and spec["cluster"]:
        errors.append("strategy: a StatefulSet (cluster: true) always rolls one member at a time")
    if spec["service_monitor"] and not extension_enabled(config, "metrics"):
        errors.append("service_monitor: the config does not enable extensions.metrics")
    interval = str(spec["service_monitor_interval"])
    if not _PROMETHEUS_DURATION.match(interval) or interval.strip("0") in ("", "s", "ms"):
        errors.append("service_monitor_interval: %r is not a Prometheus duration above 0 (e.g. 30s, 1m)" % interval)
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
    if errors:
        return errors
    errors.extend(_file_errors(spec, config))
    errors.extend(_cluster_errors(spec, config))
    errors.extend(_pod_errors(spec, config))
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


def _object(spec, api_version, kind, name, body, namespaced=True, annotations=None, namespace=None, extra_labels=None):
    """One Kubernetes object with this deployment's labels; ``body`` holds spec, data...."""
    meta = {"name": name, "labels": dict(extra_labels or {}, **labels(spec))}
    if namespaced:
        meta["namespace"] = namespace or spec["namespace"]
    if annotations:
        meta["annotations"] = dict(annotations)
    return dict({"apiVersion": api_version, "kind": kind, "metadata": meta}, **body)


def tls_secret_name(spec):
    """The kubernetes.io/tls Secret zot's http.tls files come from: the one named, else the role's own
    (made of tls_certificate and tls_key)."""
    return spec["tls_secret"] or spec["name"] + "-server-tls"


def _tls_data(spec):
    """The role's kubernetes.io/tls Secret's data (the keys Kubernetes requires), when a certificate is given."""
    if not spec["tls_certificate"]:
        return {}
    return {"tls.crt": spec["tls_certificate"], "tls.key": spec["tls_key"]}


def _encoded(data):
    return dict((key, base64.b64encode(value.encode("utf-8")).decode("ascii")) for key, value in sorted(data.items()))


def _checksum(data):
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def _secret_data(spec, config, config_json):
    """The Secret's string data: the files the config names, S3 credentials for the env, and
    config.json itself when it holds the cluster's hash key."""
    data = {}
    if config.get("cluster"):
        data["config.json"] = config_json
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
    for entry in spec["secret_files"]:
        mounts.append(("file-" + entry["secret"], entry["key"], entry["path"]))
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


def _probes(spec, config):
    """The container's probes: zot's health endpoints, unless the spec gives its own."""
    scheme = "HTTPS" if _get(config, "http", "tls", "cert") else "HTTP"
    # zot serves /startupz, /livez and /readyz before its auth middleware: the probes work with
    # htpasswd, LDAP or OpenID on and need no credentials (zot >= 2.1.6).
    return {
        "startupProbe": spec["startup_probe"] or _probe("/startupz", scheme, 5, 60),
        "livenessProbe": spec["liveness_probe"] or _probe("/livez", scheme, 10, 3),
        "readinessProbe": spec["readiness_probe"] or _probe("/readyz", scheme, 5, 3),
    }


def _scrape_annotations(spec, config):
    if spec["service_monitor"] or not extension_enabled(config, "metrics"):
        return {}
    return {"prometheus.io/scrape": "true", "prometheus.io/port": str(_get(config, "http", "port") or 5000),
            "prometheus.io/path": metrics_path(config),
            "prometheus.io/scheme": "https" if _get(config, "http", "tls", "cert") else "http"}


def _spread(spec):
    """Replicas on different nodes where the scheduler can: a topology spread over hostnames."""
    if spec["replicas"] <= 1 or not spec["topology_spread"]:
        return []
    return [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway",
             "labelSelector": {"matchLabels": selector_labels(spec)}}]


def _pod_spec(spec, config, secret_name, data_claim):
    port = int(_get(config, "http", "port") or 5000)
    # With a cluster section config.json holds the hash key: it comes from the Secret then.
    in_secret = bool(config.get("cluster"))
    mounts = [{"name": "secret" if in_secret else "config", "mountPath": CONFIG_PATH, "subPath": "config.json",
               "readOnly": True},
              {"name": "data", "mountPath": config["storage"]["rootDirectory"]}]
    volumes = [] if in_secret else [{"name": "config", "configMap": {"name": spec["name"] + "-config"}}]
    if data_claim and not spec["cluster"]:
        volumes.append({"name": "data", "persistentVolumeClaim": {"claimName": data_claim}})
    elif not data_claim:
        volumes.append({"name": "data", "emptyDir": {}})
    secret_volumes = {"secret": secret_name, "htpasswd": spec["htpasswd_secret"], "tls": tls_secret_name(spec)}
    secret_volumes.update(("file-" + entry["secret"], entry["secret"]) for entry in spec["secret_files"])
    files = [("secret", "config.json", None)] if in_secret else []
    for volume, key, path in files + _file_mounts(spec, config):
        if path:
            mounts.append({"name": volume, "mountPath": path, "subPath": key, "readOnly": True})
        if not any(item["name"] == volume for item in volumes):
            volumes.append({"name": volume, "secret": {"secretName": secret_volumes[volume], "defaultMode": 0o440}})
    mounts.extend(spec["extra_volume_mounts"])
    volumes.extend(spec["extra_volumes"])
    container_port = {"name": "http", "containerPort": port, "protocol": "TCP"}
    if spec["host_port"]:
        container_port["hostPort"] = spec["host_port"]
    container = dict({
        "name": "zot",
        "image": "%s:%s" % (spec["image"], spec["image_tag"]),
        "imagePullPolicy": spec["image_pull_policy"],
        "args": ["serve", CONFIG_PATH],
        "ports": [container_port],
        "volumeMounts": mounts,
        "securityContext": {"allowPrivilegeEscalation": False},
    }, **_probes(spec, config))
    env = _env(spec, secret_name)
    if env:
        container["env"] = env
    if spec["resources"]:
        container["resources"] = spec["resources"]
    pod = {"containers": [container], "volumes": volumes}
    node_selector = dict(spec["node_selector"] or {})
    if spec["arch"]:
        node_selector["kubernetes.io/arch"] = spec["arch"]
    optional = (
        ("nodeSelector", node_selector), ("tolerations", spec["tolerations"]), ("affinity", spec["affinity"]),
        ("topologySpreadConstraints", _spread(spec)), ("priorityClassName", spec["priority_class_name"]),
        ("serviceAccountName", spec["service_account"]),
        ("imagePullSecrets", [{"name": name} for name in spec["image_pull_secrets"]]),
    )
    pod.update((key, value) for key, value in optional if value)
    return pod


def _template(spec, config, config_json, secret_data, secret_name, data_claim):
    annotations = {"anchorage.registry/config-sha256": hashlib.sha256(config_json.encode("utf-8")).hexdigest()}
    if secret_data:
        annotations["anchorage.registry/secret-sha256"] = _checksum(secret_data)
    if _tls_data(spec):
        # A renewed certificate rolls the pods once: a subPath mount never sees a Secret change.
        annotations["anchorage.registry/tls-sha256"] = _checksum(_tls_data(spec))
    annotations.update(_scrape_annotations(spec, config))
    annotations.update(spec["pod_annotations"] or {})
    return {
        "metadata": {"labels": dict(spec["pod_labels"], **labels(spec)), "annotations": annotations},
        "spec": _pod_spec(spec, config, secret_name, data_claim),
    }


def _strategy(spec, data_claim):
    rolling = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}
    if spec["strategy"] == "RollingUpdate":
        return rolling
    if spec["strategy"] == "Recreate":
        return {"type": "Recreate"}
    # One volume that only one node can mount (ReadWriteOnce) must be released before the new
    # pod starts: Recreate. Shared storage can roll one pod at a time.
    single_writer = data_claim and spec["pvc_access_mode"] != "ReadWriteMany"
    return {"type": "Recreate"} if single_writer or spec["replicas"] <= 1 else rolling


def _claim_spec(spec):
    claim = {"accessModes": [spec["pvc_access_mode"]], "resources": {"requests": {"storage": str(spec["pvc_size"])}}}
    if spec["pvc_storage_class"]:
        claim["storageClassName"] = spec["pvc_storage_class"]
    return claim


def _workload(spec, config, config_json, secret_data, secret_name, data_claim):
    template = _template(spec, config, config_json, secret_data, secret_name, data_claim)
    body = {"replicas": spec["replicas"], "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector_labels(spec)}, "template": template}
    if not spec["cluster"]:
        body["strategy"] = _strategy(spec, data_claim)
        return _object(spec, "apps/v1", "Deployment", spec["name"], {"spec": body})
    # zot's cluster: members find each other by their stable names at start, so every pod starts
    # at once (Parallel) and is in DNS before it is ready (the headless Service publishes it).
    body.update(serviceName=headless_name(spec), podManagementPolicy="Parallel", updateStrategy={"type": "RollingUpdate"})
    if data_claim:
        body["volumeClaimTemplates"] = [{"metadata": {"name": "data", "labels": labels(spec)}, "spec": _claim_spec(spec)}]
    return _object(spec, "apps/v1", "StatefulSet", spec["name"], {"spec": body})


def _service(spec):
    port = {"name": "http", "port": spec["service_port"], "targetPort": "http", "protocol": "TCP"}
    if spec["service_type"] != "ClusterIP" and spec["node_port"]:
        port["nodePort"] = spec["node_port"]
    return _object(spec, "v1", "Service", spec["name"], {"spec": {
        "type": spec["service_type"], "selector": selector_labels(spec), "ports": [port]}})


def _headless_service(spec, config):
    port = int(_get(config, "http", "port") or 5000)
    return _object(spec, "v1", "Service", headless_name(spec), {"spec": {
        "clusterIP": "None", "publishNotReadyAddresses": True, "selector": selector_labels(spec),
        "ports": [{"name": "http", "port": port, "targetPort": "http", "protocol": "TCP"}]}})


def _disruption_budget(spec):
    return _object(spec, "policy/v1", "PodDisruptionBudget", spec["name"], {"spec": {
        "maxUnavailable": spec["pdb_max_unavailable"], "selector": {"matchLabels": selector_labels(spec)}}})


def _ingress(spec):
    annotations = {}
    if spec["ingress_large_uploads"] and ingress_controller(spec) == "nginx":
        # ingress-nginx reads these per Ingress: body limit, proxy timeouts, no request buffering
        # (seed 001 pushed 1.2 GB layers).
        timeout = str(spec["ingress_timeout"])
        annotations.update({
            "nginx.ingress.kubernetes.io/proxy-body-size": str(spec["ingress_body_size"]),
            "nginx.ingress.kubernetes.io/proxy-read-timeout": timeout,
            "nginx.ingress.kubernetes.io/proxy-send-timeout": timeout,
            "nginx.ingress.kubernetes.io/proxy-request-buffering": "off",
        })
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


def _traefik_helm_chart_config(spec):
    """k3s' packaged Traefik: entry point timeouts are static configuration, set through its
    HelmChartConfig (Traefik has no body size limit; v3 reads for at most 60 s by default)."""
    timeout = "%ds" % spec["ingress_timeout"]
    transport = {"respondingTimeouts": {"readTimeout": timeout, "writeTimeout": timeout, "idleTimeout": "600s"}}
    values = {"ports": {"web": {"transport": transport}, "websecure": {"transport": transport}}}
    return _object(spec, "helm.cattle.io/v1", "HelmChartConfig", "traefik", {"spec": {
        "valuesContent": json.dumps(values, indent=2, sort_keys=True) + "\n"}}, namespace="kube-system")


def _service_monitor(spec, config):
    endpoint = {"port": "http", "path": metrics_path(config), "interval": spec["service_monitor_interval"],
                "scheme": "https" if _get(config, "http", "tls", "cert") else "http"}
    return _object(spec, "monitoring.coreos.com/v1", "ServiceMonitor", spec["name"], {"spec": {
        "selector": {"matchLabels": selector_labels(spec)}, "namespaceSelector": {"matchNames": [spec["namespace"]]},
        "endpoints": [endpoint]}})


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
    if spec["cluster"]:
        config["cluster"]["hashKey"] = spec["cluster_hash_key"]
        config_json = render_config(config)
    manifests = []
    if spec["create_namespace"]:
        manifests.append(_object(spec, "v1", "Namespace", spec["namespace"], {}, namespaced=False,
                                 annotations=spec["namespace_annotations"], extra_labels=spec["namespace_labels"]))
    secret_name = spec["name"]
    secret_data = _secret_data(spec, config, config_json)
    if secret_data:
        manifests.append(_object(spec, "v1", "Secret", secret_name, {"type": "Opaque", "data": _encoded(secret_data)}))
    if _tls_data(spec):
        tls = {"type": "kubernetes.io/tls", "data": _encoded(_tls_data(spec))}
        manifests.append(_object(spec, "v1", "Secret", tls_secret_name(spec), tls))
    if not config.get("cluster"):
        manifests.append(_object(spec, "v1", "ConfigMap", spec["name"] + "-config", {"data": {"config.json": config_json}}))
    data_claim = None
    if spec["persistence"]:
        data_claim = spec["name"] + "-data"
        if not spec["cluster"]:
            manifests.append(_object(spec, "v1", "PersistentVolumeClaim", data_claim, {"spec": _claim_spec(spec)}))
    manifests.append(_workload(spec, config, config_json, secret_data, secret_name, data_claim))
    manifests.append(_service(spec))
    if spec["cluster"]:
        manifests.append(_headless_service(spec, config))
    if spec["replicas"] > 1 and spec["pdb"]:
        manifests.append(_disruption_budget(spec))
    if spec["ingress"]:
        manifests.append(_ingress(spec))
        if spec["traefik_helm_chart_config"]:
            manifests.append(_traefik_helm_chart_config(spec))
    if spec["service_monitor"]:
        manifests.append(_service_monitor(spec, config))
    return manifests, []
