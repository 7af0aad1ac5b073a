# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Harbor's harbor.yml (installer v2.16, ``_version: 2.15.0``): schema, checks, rendering, masking.

Harbor's ``prepare`` reads harbor.yml with a plain ``yaml.safe_load`` and few checks: a misspelt
key is ignored, a missing section crashes it with a traceback, and many mistakes (an unknown
storage driver, ``s3`` without a bucket, a port out of range, a newline in a password) are
accepted and only break a component later. Every key of the template is listed here, with the
checks prepare applies and the ones it lacks, each message naming the option.

Facts read from goharbor/harbor ``make/photon/prepare`` (``utils/configs.py``, ``models.py``,
``utils/registry.py``, the templates) at v2.16, and from the storage drivers of the registry it
ships (goharbor/distribution ``release/2.8``).
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import ipaddress
import json
import os
import re
import traceback

try:
    import yaml
    HAS_YAML = True
    YAML_IMPORT_ERROR = None
except ImportError:
    HAS_YAML = False
    YAML_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.anchorage.registry.plugins.module_utils._checks import (
    host_errors,
    pem_errors,
    port_errors,
    url_errors,
)
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import RESTART, ConfigFormat, Invalid
from ansible_collections.anchorage.registry.plugins.module_utils._distribution import PERIOD, SPAN
from ansible_collections.anchorage.registry.plugins.module_utils._schema import (
    BOOL,
    COUNT,
    INT,
    MASK,
    STRINGS,
    deep_merge,
    drop_none,
    list_of,
    map_of,
    mapping,
    masked_diff,
    marked_secrets,
    string,
    validate,
    walk_secrets,
)

HEADER = ("# Managed by anchorage.registry.harbor_config: local edits are overwritten.\n"
          "# Harbor reads it only through prepare: run prepare, then docker compose up -d, after a change.\n")
#: The ``_version`` of installer v2.16's template (v2.16 has no config migration of its own).
CONFIG_VERSION = "2.15.0"

# Top-level keys in the template's order; the module's option for ``_version`` is config_version.
SECTIONS = (
    "hostname", "http", "https", "ip_family", "internal_tls", "external_url", "harbor_admin_password",
    "database", "data_volume", "storage_service", "trivy", "jobservice", "notification", "log", "_version",
    "external_database", "redis", "external_redis", "uaa", "proxy", "metric", "trace", "upload_purging",
    "cache", "core",
)
OPTION_NAMES = {"_version": "config_version"}
STORAGE_DRIVERS = ("filesystem", "azure", "gcs", "s3", "swift", "oss")  # prepare's own list and order
LOG_LEVELS = ("debug", "info", "warning", "error", "fatal")
# The template's values: prepare crashes without these sections (or keys), so they are filled in.
DEFAULTS = {
    "jobservice": {"max_job_workers": 10, "max_job_duration_hours": 24, "job_loggers": ["STD_OUTPUT", "FILE"],
                   "logger_sweeper_duration": 1},
    "notification": {"webhook_job_max_retry": 3, "webhook_job_http_client_timeout": 3},
    "log": {"level": "info", "local": {"rotate_count": 50, "rotate_size": "200M", "location": "/var/log/harbor"}},
}
# Passwords of the template, left in by mistake more often than chosen.
TEMPLATE_PASSWORDS = {"harbor_admin_password": "Harbor12345", "database.password": "root123"}
# What prepare compares with to tell the https placeholders from real paths.
PLACEHOLDER_PATHS = ("/your/certificate/path", "/your/private/key/path")
# Files internal_tls.dir must hold (prepare's InternalTLS; the Trivy pair only with --with-trivy,
# the database pair only without external_database).
INTERNAL_TLS_FILES = ("proxy", "core", "job_service", "registryctl", "registry", "portal")
INTERNAL_TLS_DB = "harbor_db"
HARBOR_UID = 10000  # prepare's DEFAULT_UID: the user Harbor's containers run as

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_KEY_BLOCK = re.compile(r"-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----\s*(.*?)\s*-----END \1-----", re.S)
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@]*)@")
_UNREADABLE = object()


def _at(where, message):
    return ["%s: %s" % (where, message)]


# --- value checks (the _checks contract: messages start with the option's path) ----------------

def _secret_errors(value, where):
    # prepare writes passwords into env files line by line: a newline ends the value and adds a line.
    if _CONTROL.search(value):
        return _at(where, "holds a control character (newline, tab, ...): prepare writes it into env files, "
                          "where it would end the value or add a line")
    return []


def _admin_password_errors(value, where):
    # Harbor core's requireValidSecret (src/server/v2.0/handler/user.go): the API refuses any other
    # password, so a weak one set at the first start could never be changed back to by the role.
    errors = _secret_errors(value, where)
    if errors or not value:  # an empty one is refused as missing
        return errors
    if not (8 <= len(value) <= 128 and re.search(r"[a-z]", value) and re.search(r"[A-Z]", value)
            and re.search(r"[0-9]", value)):
        return _at(where, "must be 8-128 characters with at least one upper-case letter, one lower-case letter and "
                          "one digit: Harbor's API refuses any other password")
    return []


def _absolute_errors(value, where):
    if not value.startswith("/"):
        return _at(where, "%r must be an absolute path" % value)
    return []


def _hostname_errors(value, where):
    errors = host_errors(value, where)
    if errors:
        return errors
    if not value.endswith("]") and ":" in value:
        return _at(where, "%r has a port: give the port in http.port or https.port" % value)
    name = value.strip("[]").lower()
    if name == "reg.mydomain.com":
        return _at(where, "'reg.mydomain.com' is the template's placeholder: give the name clients reach Harbor at")
    try:
        address = ipaddress.ip_address(name)
        local = address.is_loopback or address.is_unspecified
    except ValueError:
        local = name == "localhost" or name.endswith(".localhost")
    if local:
        return _at(where, "%r is reachable from this host only: docker clients and Harbor's token service "
                          "need a name or address others reach it at" % value)
    return []


def _hours_errors(value, where):
    # prepare's PurgeUpload rule: "<n>h", n a whole number of at least 2.
    match = re.match(r"^([0-9]+)h$", value)
    if not match or int(match.group(1)) < 2:
        return _at(where, "%r must be whole hours, at least 2h (e.g. 24h): prepare refuses anything else" % value)
    return []


def _level_errors(value, where):
    if value in LOG_LEVELS:
        return []
    fixed = "warning" if value.lower() == "warn" else value.lower()
    hint = " (write %r: prepare refuses capitals)" % fixed if fixed in LOG_LEVELS else ""
    return _at(where, "%r is not one of %s%s" % (value, ", ".join(LOG_LEVELS), hint))


def _rotate_size_errors(value, where):
    if not re.match(r"^[0-9]+[kMG]?$", value):
        return _at(where, "%r is not a logrotate size: a number of bytes, optionally followed by k, M or G "
                          "(e.g. 200M)" % value)
    return []


def _security_check_errors(value, where):
    kinds = value.split(",")
    unknown = [kind for kind in kinds if kind not in ("vuln", "config", "secret")]
    if unknown or len(set(kinds)) != len(kinds):
        return _at(where, "%r must be a comma-separated list of vuln, config and secret, each once" % value)
    return []


def _loggers_errors(value, where):
    if not value or len(set(value)) != len(value):
        return _at(where, "needs at least one of STD_OUTPUT, FILE, DB, each once")
    return []


def _db_index_errors(value, where):
    # prepare keeps only truthy values: 0 would silently become the default index.
    if value < 1:
        return _at(where, "%r: index 0 is Harbor core's, and prepare ignores 0 here (the default is used)" % value)
    return []


def _idle_conns_errors(value, where):
    if value == 0:
        return _at(where, "0 is replaced by prepare's default (2): give -1 to keep no idle connections")
    return []


def _proxy_url_errors(value, where):
    # Proxy URLs may carry credentials (they are masked); the rest must be an http(s) URL.
    return url_errors(_USERINFO.sub(r"\1", value), where, path=False)


def _version_errors(value, where):
    if not re.match(r"^[0-9]+\.[0-9]+\.[0-9]+$", value):
        return _at(where, "%r is not a harbor.yml version such as %s (prepare migrate reads it)" % (value, CONFIG_VERSION))
    return []


def _storage_class_errors(value, where):
    if value.upper() not in ("STANDARD", "REDUCED_REDUNDANCY", "NONE"):
        return _at(where, "%r is not one of STANDARD, REDUCED_REDUNDANCY, NONE" % value)
    return []


def _multiple_of(unit):
    def check(value, where):
        if value <= 0 or value % unit:
            return _at(where, "%d must be a positive multiple of %d" % (value, unit))
        return []
    return check


def private_key_errors(text, where):
    """A PEM private key nginx can load without a passphrase."""
    match = _KEY_BLOCK.search(text or "")
    if not match:
        return _at(where, "is not a PEM private key: no -----BEGIN PRIVATE KEY----- block found")
    if match.group(1).startswith("ENCRYPTED"):
        return _at(where, "is an encrypted key: nginx cannot ask for its passphrase")
    try:
        base64.b64decode("".join(match.group(2).split()), validate=True)
    except (binascii.Error, ValueError):
        return _at(where, "has a %s block that is not valid base64" % match.group(1))
    return []


# --- the schema ---------------------------------------------------------------------------------

def _secret(**extra):
    return string(secret=True, check=_secret_errors, **extra)


SECRET = _secret()
PATH = string(check=_absolute_errors)
PORT = dict(INT, check=port_errors)
HOST = string(check=host_errors)
MIB = 1 << 20


def _fields(*pairs):
    # (name, schema) pairs: the order is the template's, which render keeps.
    return dict(pairs)


# Go's database/sql: a negative idle count means none (-1 says so), open connections <= 0 no limit
# (0 says so), and lifetimes <= 0 no limit (0 says so): other negatives are refused as mistakes.
_DB_TUNING = (
    ("max_idle_conns", dict(INT, min=-1, check=_idle_conns_errors)), ("max_open_conns", COUNT),
    ("conn_max_lifetime", SPAN), ("conn_max_idle_time", SPAN),
)

# Storage drivers of Harbor's registry (Distribution 2.8.3, goharbor's release/2.8 branch).
DRIVERS = {
    "filesystem": mapping({"rootdirectory": PATH, "maxthreads": dict(INT, min=25)}),
    "azure": mapping({"accountname": string(), "accountkey": SECRET, "container": string(), "realm": string()},
                     required=["accountname", "accountkey", "container"]),
    "gcs": mapping({
        "bucket": string(), "keyfile": PATH,
        "credentials": mapping({
            "type": string(), "project_id": string(), "private_key_id": string(), "private_key": string(secret=True),
            "client_email": string(), "client_id": string(), "auth_uri": string(), "token_uri": string(),
            "auth_provider_x509_cert_url": string(), "client_x509_cert_url": string(),
        }),
        "rootdirectory": string(), "chunksize": dict(INT, check=_multiple_of(256 * 1024)),
        "maxconcurrency": dict(INT, min=25),
    }, required=["bucket"]),
    "s3": mapping({
        "accesskey": SECRET, "secretkey": SECRET, "region": string(), "regionendpoint": string(check=url_errors),
        "bucket": string(), "encrypt": BOOL, "keyid": string(), "secure": BOOL, "skipverify": BOOL, "v4auth": BOOL,
        "chunksize": dict(INT, min=5 * MIB, max=5 << 30), "multipartcopychunksize": dict(INT, min=5 * MIB, max=5 << 30),
        "multipartcopymaxconcurrency": dict(INT, min=1), "multipartcopythresholdsize": dict(INT, min=0, max=5 << 30),
        "rootdirectory": string(), "storageclass": string(check=_storage_class_errors), "useragent": string(),
        "objectacl": string(choices=["private", "public-read", "public-read-write", "authenticated-read",
                                     "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control"]),
    }, required=["region", "bucket"]),
    "swift": mapping({
        "username": string(), "password": SECRET, "authurl": string(check=url_errors), "tenant": string(),
        "tenantid": string(), "domain": string(), "domainid": string(), "tenantdomain": string(),
        "tenantdomainid": string(), "trustid": string(), "region": string(), "authversion": dict(INT, choices=[0, 1, 2, 3]),
        "container": string(), "prefix": string(), "endpointtype": string(choices=["public", "internal", "admin"]),
        "insecureskipverify": BOOL, "chunksize": dict(INT, min=MIB), "secretkey": SECRET, "accesskey": SECRET,
        "tempurlcontainerkey": BOOL, "tempurlmethods": STRINGS,
    }, required=["username", "password", "authurl", "container"]),
    "oss": mapping({
        "accesskeyid": SECRET, "accesskeysecret": SECRET, "region": string(), "bucket": string(), "internal": BOOL,
        "encrypt": BOOL, "secure": BOOL, "chunksize": dict(INT, min=5 * MIB), "rootdirectory": string(),
        "endpoint": string(),
    }, required=["accesskeyid", "accesskeysecret", "region", "bucket"]),
}

_REDIS_INDEXES = tuple((name, dict(INT, check=_db_index_errors)) for name in (
    "registry_db_index", "jobservice_db_index", "trivy_db_index", "harbor_db_index", "cache_layer_db_index"))

SCHEMA = mapping({
    "hostname": string(check=_hostname_errors),
    "http": mapping({"port": PORT}),
    "https": mapping({"port": PORT, "certificate": PATH, "private_key": PATH, "strong_ssl_ciphers": BOOL},
                     required=["certificate", "private_key"]),
    "ip_family": mapping({"ipv6": mapping({"enabled": BOOL}), "ipv4": mapping({"enabled": BOOL})}),
    "internal_tls": mapping({"enabled": BOOL, "dir": PATH, "strong_ssl_ciphers": BOOL}),
    "external_url": string(check=lambda value, where: url_errors(value, where, path=False)),
    "harbor_admin_password": string(secret=True, check=_admin_password_errors),
    "database": mapping(_fields(("password", SECRET), *_DB_TUNING), required=["password"]),
    "data_volume": PATH,
    "storage_service": mapping(dict(DRIVERS, ca_bundle=PATH, redirect=mapping({"disable": BOOL}))),
    "trivy": mapping({
        "ignore_unfixed": BOOL, "skip_update": BOOL, "skip_java_db_update": BOOL, "db_repository": string(),
        "java_db_repository": string(), "offline_scan": BOOL, "security_check": string(check=_security_check_errors),
        "insecure": BOOL, "timeout": PERIOD, "github_token": SECRET,
    }),
    "jobservice": mapping({
        "max_job_workers": dict(INT, min=1), "max_job_duration_hours": dict(INT, min=24),
        "job_loggers": list_of(string(choices=["STD_OUTPUT", "FILE", "DB"]), check=_loggers_errors),
        "logger_sweeper_duration": COUNT,
    }, required=["max_job_workers", "job_loggers", "logger_sweeper_duration"]),
    "notification": mapping({"webhook_job_max_retry": COUNT, "webhook_job_http_client_timeout": dict(INT, min=1)},
                            required=["webhook_job_max_retry", "webhook_job_http_client_timeout"]),
    "log": mapping({
        "level": string(check=_level_errors),
        "local": mapping({"rotate_count": COUNT, "rotate_size": string(check=_rotate_size_errors), "location": PATH}),
        "external_endpoint": mapping({"protocol": string(choices=["tcp", "udp"]), "host": HOST, "port": PORT},
                                     required=["protocol", "host", "port"]),
    }, required=["level", "local"]),
    "_version": string(check=_version_errors),
    "external_database": mapping({"harbor": mapping(_fields(
        ("host", HOST), ("port", PORT), ("db_name", string()), ("username", string()), ("password", SECRET),
        ("ssl_mode", string(choices=["disable", "allow", "prefer", "require", "verify-ca", "verify-full"])),
        *_DB_TUNING
    ), required=["host", "port", "db_name", "username", "password", "ssl_mode"])}, required=["harbor"]),
    "redis": mapping(_fields(*_REDIS_INDEXES)),
    "external_redis": mapping(_fields(
        ("host", string()), ("password", SECRET), ("username", string()), ("sentinel_master_set", string()),
        ("tlsOptions", mapping({"enable": BOOL, "rootCA": PATH})), *_REDIS_INDEXES[:3],
        ("idle_timeout_seconds", dict(INT, min=1)), *_REDIS_INDEXES[3:]
    ), required=["host"]),
    "uaa": mapping({"ca_file": PATH}),
    "proxy": mapping({
        "http_proxy": string(check=_proxy_url_errors), "https_proxy": string(check=_proxy_url_errors),
        "no_proxy": string(), "components": list_of(string(choices=["core", "jobservice", "registry", "trivy"])),
    }),
    "metric": mapping({"enabled": BOOL, "port": PORT, "path": string()}, required=["enabled", "port", "path"]),
    "trace": mapping({
        "enabled": BOOL, "sample_rate": {"type": "number", "min": 0, "max": 1}, "namespace": string(),
        "attributes": map_of(string()),
        "jaeger": mapping({"endpoint": string(check=url_errors), "username": string(), "password": SECRET,
                           "agent_host": HOST, "agent_port": PORT}),
        "otel": mapping({"endpoint": HOST, "url_path": string(), "compression": BOOL, "insecure": BOOL,
                         "timeout": dict(INT, min=1)}, required=["endpoint", "url_path"]),
    }),
    "upload_purging": mapping({"enabled": BOOL, "age": string(check=_hours_errors),
                               "interval": string(check=_hours_errors), "dryrun": BOOL}),
    "cache": mapping({"enabled": BOOL, "expire_hours": dict(INT, min=1)}),
    "core": mapping({"quota_update_provider": string(choices=["db", "redis"])}),
}, required=["hostname", "harbor_admin_password", "data_volume"])


# --- options -> data ------------------------------------------------------------------------------

def _clean(name, value):
    """A section as the file holds it: unset typed keys (None) dropped; a storage driver given
    empty (``s3: {}``) is kept, so that it is refused rather than silently become filesystem."""
    if name != "storage_service" or not isinstance(value, dict):
        return drop_none(value)
    drivers = dict((key, drop_none(item)) for key, item in value.items() if key in DRIVERS and item is not None)
    cleaned = drop_none(dict((key, item) for key, item in value.items() if key not in DRIVERS))
    cleaned.update(drivers)
    return cleaned


def build_config(params):
    """The harbor.yml data from the module's options, prepare's defaults filled in."""
    data = {}
    for name in SECTIONS:
        value = _clean(name, params.get(OPTION_NAMES.get(name, name)))
        if value is not None and value != {}:
            data[name] = value
    for name, default in DEFAULTS.items():
        given = data.get(name, {})
        data[name] = deep_merge(copy.deepcopy(default), given) if isinstance(given, dict) else given
    return data


# --- checks across keys -----------------------------------------------------------------------

def _section(data, *keys):
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _unquoted_errors(key, value, where):
    """prepare writes storage parameters and the Redis credentials into the registry's config.yml
    as ``key: value`` without quoting: refuse a value that would read back as something else."""
    text = "" if value is None else "true" if value is True else str(value)
    try:
        loaded = yaml.safe_load("%s: %s" % (key, text))
    except yaml.YAMLError:
        loaded = None
    got = loaded.get(key, _UNREADABLE) if isinstance(loaded, dict) and len(loaded) == 1 else _UNREADABLE
    # Distribution reads most string parameters with fmt.Sprint: digits read as a number are fine.
    digits = isinstance(value, str) and isinstance(got, int) and not isinstance(got, bool) and str(got) == value
    if got != value and not digits:
        return _at(where, "prepare copies this value unquoted into the registry's config.yml, where it would read "
                          "back differently (YAML syntax such as ': ', ' #', a leading quote, bracket or *)")
    return []


def _dsn_errors(value, where):
    # Harbor core builds "host=... user=... password=... dbname=..." without quoting (src/common/dao/pgsql.go).
    if isinstance(value, str) and (re.search(r"\s", value) or "\\" in value or value.startswith("'")):
        return _at(where, "Harbor core puts it unquoted into a PostgreSQL keyword/value connection string: "
                          "it must not hold spaces or backslashes, nor start with a quote")
    return []


def _storage_errors(storage):
    errors = []
    drivers = [name for name in STORAGE_DRIVERS if name in storage]
    if len(drivers) > 1:
        errors.append("storage_service: configure only one storage driver, got %s (prepare would silently use %s)"
                      % (", ".join(drivers), drivers[0]))
    for name in drivers:
        for key, value in sorted(_section(storage, name).items()):
            errors.extend(_unquoted_errors(key, value, "storage_service.%s.%s" % (name, key)))
    return errors


def _redis_errors(data):
    errors = []
    redis = _section(data, "external_redis")
    if redis and "redis" in data:
        errors.append("redis: give the database indexes in external_redis: prepare ignores external_redis "
                      "whenever redis is set")
    hosts = redis.get("host")
    if isinstance(hosts, str) and hosts:
        for index, host in enumerate(hosts.split(",")):
            errors.extend(host_errors(host, "external_redis.host" if "," not in hosts else
                                      "external_redis.host[%d]" % index))
        if "," in hosts and not redis.get("sentinel_master_set"):
            errors.append("external_redis.host: several hosts are Sentinels: give sentinel_master_set too")
    if _section(redis, "tlsOptions").get("enable") and not _section(redis, "tlsOptions").get("rootCA"):
        errors.append("external_redis.tlsOptions.rootCA: is required when tlsOptions.enable is true "
                      "(prepare copies it into every component's trust store)")
    for key in ("username", "password", "sentinel_master_set"):
        if isinstance(redis.get(key), str):
            errors.extend(_unquoted_errors(key, redis[key], "external_redis.%s" % key))
    return errors


def _trace_errors(trace):
    errors = []
    jaeger, otel = _section(trace, "jaeger"), _section(trace, "otel")
    if trace.get("enabled") and bool(jaeger) == bool(otel):
        errors.append("trace: enabled needs exactly one exporter, jaeger or otel")
    if jaeger and bool(jaeger.get("endpoint")) == bool(jaeger.get("agent_host")):
        errors.append("trace.jaeger: give endpoint (collector) or agent_host (agent), exactly one")
    return errors


def config_errors(data):
    """Every problem in ``data`` (a whole harbor.yml as a dict), each naming its key path."""
    errors = validate(data, SCHEMA)
    https = _section(data, "https")
    for key, placeholder in zip(("certificate", "private_key"), PLACEHOLDER_PATHS):
        if https.get(key) == placeholder:
            errors.append("https.%s: %r is the template's placeholder: give the real path" % (key, placeholder))
    http_port = _section(data, "http").get("port", 80)
    if https and https.get("port", 443) == http_port:
        errors.append("https.port: %r is http.port too: give them different ports" % http_port)
    if "database" not in data and "external_database" not in data:
        errors.append("database: is required unless external_database is given (the password of Harbor's "
                      "own PostgreSQL)")
    if _section(data, "internal_tls").get("enabled") and not _section(data, "internal_tls").get("dir"):
        errors.append("internal_tls.dir: is required when internal_tls.enabled is true")
    errors.extend(_dsn_errors(_section(data, "database").get("password"), "database.password"))
    for key in ("username", "password", "db_name"):
        errors.extend(_dsn_errors(_section(data, "external_database", "harbor").get(key),
                                  "external_database.harbor.%s" % key))
    errors.extend(_storage_errors(_section(data, "storage_service")))
    errors.extend(_redis_errors(data))
    errors.extend(_trace_errors(_section(data, "trace")))
    return errors


def config_warnings(data):
    """Accepted but doubtful: the template's own passwords."""
    found = {"harbor_admin_password": data.get("harbor_admin_password"),
             "database.password": _section(data, "database").get("password")}
    return ["%s is the template's default password: choose another before any real use" % name
            for name, value in sorted(found.items()) if value == TEMPLATE_PASSWORDS[name]]


# --- files on the target --------------------------------------------------------------------

def _read(path, where):
    """``(text, [])`` or ``(None, [message])``."""
    try:
        with open(path, "r", errors="replace") as handle:
            return handle.read(), []
    except (IOError, OSError) as exc:
        return None, _at(where, "cannot read %s on the target: %s" % (path, exc.strerror or exc))


def _pem_file_errors(path, where, check=pem_errors):
    text, errors = _read(path, where)
    return errors or check(text, "%s (%s)" % (where, path))


def _ca_bundle_errors(path, data_volume):
    where = "storage_service.ca_bundle"
    # prepare reads /data/... inside its container, where the data volume is mounted; else the host's path.
    host_path = os.path.join(data_volume, path[len("/data/"):]) if path.startswith("/data/") else path
    try:
        info = os.stat(host_path)
    except OSError as exc:
        return _at(where, "cannot read %s on the target: %s" % (host_path, exc.strerror))
    readable = info.st_mode & 0o400 if info.st_uid == HARBOR_UID else info.st_mode & 0o004
    if not readable:
        return _at(where, "%s must be readable by others, or owned by uid %d and readable by it: prepare refuses it"
                   % (host_path, HARBOR_UID))
    return _pem_file_errors(host_path, where)


def _internal_tls_errors(tls_dir, external_database):
    where = "internal_tls.dir"
    if not os.path.isdir(tls_dir):
        return _at(where, "%s is not a directory on the target" % tls_dir)
    names = INTERNAL_TLS_FILES + (() if external_database else (INTERNAL_TLS_DB,))
    missing = [name + ext for name in names for ext in (".crt", ".key")
               if not os.path.isfile(os.path.join(tls_dir, name + ext))]
    if missing:
        return _at(where, "%s lacks %s" % (tls_dir, ", ".join(missing)))
    return []


def file_errors(data):
    """Checks of the files harbor.yml names, on the host prepare runs on (the target)."""
    def path(*keys):
        value = data
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value if isinstance(value, str) and value.startswith("/") else None

    errors = []
    if path("https", "certificate") and path("https", "certificate") not in PLACEHOLDER_PATHS:
        errors.extend(_pem_file_errors(path("https", "certificate"), "https.certificate"))
    if path("https", "private_key") and path("https", "private_key") not in PLACEHOLDER_PATHS:
        errors.extend(_pem_file_errors(path("https", "private_key"), "https.private_key", private_key_errors))
    if path("storage_service", "ca_bundle") and path("data_volume"):
        errors.extend(_ca_bundle_errors(path("storage_service", "ca_bundle"), path("data_volume")))
    if path("storage_service", "gcs", "keyfile"):
        errors.extend(_read(path("storage_service", "gcs", "keyfile"), "storage_service.gcs.keyfile")[1])
    for keys in (("uaa", "ca_file"), ("external_redis", "tlsOptions", "rootCA")):
        if path(*keys):
            errors.extend(_pem_file_errors(path(*keys), ".".join(keys)))
    if _section(data, "internal_tls").get("enabled") is True and path("internal_tls", "dir"):
        errors.extend(_internal_tls_errors(path("internal_tls", "dir"), "external_database" in data))
    return errors


# --- text -------------------------------------------------------------------------------------

def _ordered(value, schema):
    if isinstance(value, dict):
        fields = schema.get("fields", {})
        keys = [key for key in fields if key in value] + sorted((key for key in value if key not in fields), key=str)
        return dict((key, _ordered(value[key], fields.get(key, schema.get("values", {})))) for key in keys)
    if isinstance(value, list):
        return [_ordered(item, schema.get("items", {})) for item in value]
    return value


def canonical(data):
    """``data`` in the template's key order (keys only others wrote come last, sorted)."""
    return _ordered(data, SCHEMA)


def render(data):
    """The harbor.yml text for ``data``: deterministic for equal data."""
    return HEADER + yaml.safe_dump(canonical(data), default_flow_style=False, sort_keys=False, allow_unicode=True,
                                   width=1000)


def parse(text):
    """The data in a harbor.yml text, or None when it is not a YAML mapping."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def prepare_checksum(data):
    """SHA-256 of ``data`` but the admin password, which Harbor reads at its first start only."""
    kept = dict((key, value) for key, value in data.items() if key != "harbor_admin_password")
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode("utf-8")).hexdigest()


def secret_values(data):
    """Every secret string in ``data``, the passwords inside proxy URLs included."""
    found = marked_secrets(data, SCHEMA)
    for key in ("http_proxy", "https_proxy"):
        url = _section(data, "proxy").get(key)
        match = _USERINFO.match(url) if isinstance(url, str) else None
        if match and ":" in match.group(2):
            found.append(match.group(2).split(":", 1)[1])
    return found


def masked(data):
    """``data`` with every secret replaced by a fixed mask (for the ``config`` result)."""
    return walk_secrets(data, SCHEMA, lambda value: MASK)


class HarborConfig(ConfigFormat):
    """harbor.yml for the harbor_config module: the module owns the whole file."""

    signal = RESTART  # prepare, then docker compose up -d
    private = True  # the admin and database passwords
    libraries = (("PyYAML", HAS_YAML, YAML_IMPORT_ERROR),)
    summary = "Invalid Harbor configuration"

    def secrets(self, params):
        return secret_values(build_config(params))

    def probe(self, module):
        # Without a path the module runs where the files harbor.yml names are not (the controller).
        if module.params.get("path") is None:
            return {}
        return {"file_errors": file_errors(build_config(module.params))}

    def build(self, params, facts):
        data = build_config(params)
        errors = config_errors(data) + facts.get("file_errors", [])
        if errors:
            raise Invalid(errors, self.summary)
        return data

    def warnings(self, wanted):
        return config_warnings(wanted)

    def parse(self, text, path):
        return None if text is None else parse(text)

    def file_secrets(self, doc):
        return secret_values(doc) if isinstance(doc, dict) else []

    def same(self, doc, new_doc):
        # Same data, other formatting: keep the file as it is (no prepare, no restart).
        return doc is not None and doc == new_doc

    def render(self, doc, path):
        return render(doc)

    def diff(self, path, before, after, merged):
        return masked_diff(path, before, parse(after), SCHEMA, render, parse)

    def report(self, wanted, outcome):
        return {"config": masked(canonical(wanted)), "prepare_checksum": prepare_checksum(wanted)}
