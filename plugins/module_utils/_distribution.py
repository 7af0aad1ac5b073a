# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""CNCF Distribution's config.yml: schema, cross-key rules, rendering, secret masking.

Distribution (2.8 and 3.x) parses its config with a non-strict YAML decoder: a misspelt key
is silently ignored. Every key documented in its configuration reference is listed here, so
anything else is rejected with its full path before a file is written.

Schema nodes may carry ``"secret": True``: such values are masked in results and diffs.
"""

from __future__ import annotations

import os
import traceback

try:
    import yaml
    HAS_YAML = True
    YAML_IMPORT_ERROR = None
except ImportError:
    HAS_YAML = False
    YAML_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.anchorage.registry.plugins.module_utils._checks import duration_errors, listen_errors, url_errors
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import RESTART, ConfigFormat, Invalid
from ansible_collections.anchorage.registry.plugins.module_utils._schema import (
    BOOL,
    DURATION,
    INT,
    MASK,
    STRINGS,
    deep_merge,
    drop_none,
    list_of,
    map_of,
    mapping,
    marked_secrets,
    string,
    validate,
    walk_secrets,
)
from ansible_collections.anchorage.registry.plugins.module_utils._schema import masked_diff as schema_masked_diff
HEADER = "# Managed by anchorage.registry.registry_config: local edits are overwritten.\n"
CONFIG_VERSION = "0.1"

# Top-level sections in the order Distribution's own Configuration struct declares them.
SECTIONS = (
    "log", "storage", "auth", "middleware", "reporting", "http", "notifications", "redis",
    "health", "proxy", "compatibility", "validation", "catalog", "tags",
)
STORAGE_DRIVERS = ("azure", "filesystem", "gcs", "inmemory", "oss", "s3", "swift")
AUTH_PROVIDERS = ("htpasswd", "silly", "token")
# Sections the module declares with suboptions (so http.secret and proxy.password are no_log):
# Ansible hands them over with every unset key as None.
TYPED_SECTIONS = ("http", "proxy")


SECRET = string(secret=True)
HEADERS = map_of(STRINGS)
SECRET_HEADERS = map_of(list_of(string(), secret=True))


def _url(value, where):
    # Any http(s) URL, query included: a notification endpoint may carry one.
    return url_errors(value, where, query=True)


def _prefix_errors(value, where):
    if not (value.startswith("/") and value.endswith("/")):
        return ["%s: %r must start and end with a slash, e.g. /registry/" % (where, value)]
    return []


def _chunk_errors(multiple, minimum):
    def check(value, where):
        if value < minimum or value % multiple:
            return ["%s: %d must be a multiple of %d and at least %d" % (where, value, multiple, minimum)]
        return []
    return check


def _swift_rootdirectory_errors(value, where):
    # Distribution 2.8's configuration.md example shows it, but the swift driver has no such
    # parameter and ignores it: objects would land at the container's root.
    return ["%s: the swift driver ignores rootdirectory; its object name prefix is storage.swift.prefix" % where]


def _inmemory_errors(value, where):
    return [] if value in (None, {}) else ["%s: the inmemory driver takes no parameters" % where]


def _not_negative(value, where):
    return duration_errors(value, where, non_negative=True)


def _positive(value, where):
    return duration_errors(value, where, positive=True)


# Distribution reads no duration that may be negative: a negative health check interval panics
# Go's ticker at start (0 means its 10s default); a negative timeout or draintimeout means none.
SPAN = dict(DURATION, check=_not_negative)
# Upload purging sleeps its interval in a loop and purges uploads older than its age: 0 would
# spin, or purge uploads still in progress.
PERIOD = dict(DURATION, check=_positive)
# S3's multipart limits, which Distribution's s3 driver enforces at start.
S3_PART = dict(INT, min=5 << 20, max=5 << 30)
# The swift driver turns a tenant (id) given as a number, as an environment variable gives it, into a string.
TENANT = {"type": ["str", "int"]}


def _purging_errors(value, where):
    # Distribution 2.8 panics at start ("age missing") unless all three come together.
    missing = [key for key in ("age", "interval", "dryrun") if key not in value]
    if value.get("enabled") is False or not missing:
        return []
    return ["%s: Distribution needs age, interval and dryrun together (missing %s), or enabled: false"
            % (where, ", ".join(missing))]


_HOOK = mapping({
    "type": string(choices=["mail"]),
    "disabled": BOOL,
    "levels": list_of(string(choices=["panic", "fatal", "error", "warn", "warning", "info", "debug"])),
    "options": mapping({
        "smtp": mapping({"addr": string(), "username": string(), "password": SECRET, "insecure": BOOL}),
        "from": string(),
        "to": STRINGS,
    }),
})

LOG = mapping({
    "accesslog": mapping({"disabled": BOOL}),
    "level": string(choices=["error", "warn", "info", "debug"]),
    "formatter": string(choices=["text", "json", "logstash"]),
    "fields": mapping({}, extra=True),
    "hooks": list_of(_HOOK),
})

_DRIVERS = {
    "filesystem": mapping({"rootdirectory": string(), "maxthreads": dict(INT, min=25)}),
    "s3": mapping({
        "accesskey": string(), "secretkey": SECRET, "sessiontoken": SECRET,
        "region": string(), "regionendpoint": string(check=_url), "forcepathstyle": BOOL,
        "accelerate": BOOL, "bucket": string(), "encrypt": BOOL, "keyid": string(), "secure": BOOL,
        "skipverify": BOOL, "v4auth": BOOL, "chunksize": S3_PART,
        "multipartcopychunksize": S3_PART, "multipartcopymaxconcurrency": dict(INT, min=1),
        "multipartcopythresholdsize": dict(INT, min=0, max=5 << 30), "rootdirectory": string(), "storageclass": string(),
        "useragent": string(), "usedualstack": BOOL, "objectacl": string(), "loglevel": string(),
        "usefipsendpoint": BOOL,
    }, required=["region", "bucket"]),
    "azure": mapping({
        "accountname": string(), "accountkey": SECRET, "container": string(),
        "credentials": mapping({
            "type": string(choices=["client_secret", "shared_key", "default_credentials"]),
            "clientid": string(), "tenantid": string(), "secret": SECRET,
        }),
        "connectionstring": SECRET, "realm": string(), "rootdirectory": string(), "serviceurl": string(check=_url),
        "copy_status_poll_max_retry": dict(INT, min=0), "copy_status_poll_delay": SPAN,
        "max_retries": dict(INT, min=0), "retry_delay": SPAN,
    }, required=["accountname", "container"]),
    "gcs": mapping({
        "bucket": string(), "keyfile": string(),
        "credentials": mapping({
            "type": string(), "project_id": string(), "private_key_id": string(), "private_key": SECRET,
            "client_email": string(), "client_id": string(), "auth_uri": string(), "token_uri": string(),
            "auth_provider_x509_cert_url": string(), "client_x509_cert_url": string(),
        }),
        "rootdirectory": string(), "chunksize": dict(INT, check=_chunk_errors(256 * 1024, 256 * 1024)),
        "disablekeepalives": BOOL,
    }, required=["bucket"]),
    # Distribution 2.8's OpenStack Swift and Alibaba Cloud OSS drivers (gone in 3.0): the keys their
    # FromParameters read, the ones they require, and their minimum chunk sizes.
    "swift": mapping({
        "username": string(), "password": SECRET, "authurl": string(check=_url), "tenant": TENANT,
        "tenantid": TENANT, "domain": string(), "domainid": string(), "tenantdomain": string(),
        "tenantdomainid": string(), "trustid": string(), "region": string(),
        "authversion": dict(INT, choices=[0, 1, 2, 3]), "container": string(), "prefix": string(),
        "endpointtype": string(choices=["public", "internal", "admin"]), "insecureskipverify": BOOL,
        "chunksize": dict(INT, min=1 << 20), "secretkey": SECRET, "accesskey": string(),
        "tempurlcontainerkey": BOOL, "tempurlmethods": STRINGS,
        "rootdirectory": {"type": "any", "check": _swift_rootdirectory_errors},
    }, required=["username", "password", "authurl", "container"]),
    "oss": mapping({
        "accesskeyid": string(), "accesskeysecret": SECRET, "region": string(), "endpoint": string(),
        "internal": BOOL, "bucket": string(), "encrypt": BOOL, "secure": BOOL,
        "chunksize": dict(INT, min=5 << 20), "rootdirectory": string(),
    }, required=["accesskeyid", "accesskeysecret", "region", "bucket"]),
    "inmemory": {"type": "any", "check": _inmemory_errors},
}

STORAGE = mapping(dict(_DRIVERS, **{
    "delete": mapping({"enabled": BOOL}),
    "redirect": mapping({"disable": BOOL}),
    "cache": mapping({
        "blobdescriptor": string(choices=["inmemory", "redis"]),
        "blobdescriptorsize": dict(INT, min=0),
    }),
    "maintenance": mapping({
        "uploadpurging": mapping({"enabled": BOOL, "age": PERIOD, "interval": PERIOD, "dryrun": BOOL},
                                 check=_purging_errors),
        "readonly": mapping({"enabled": BOOL}),
    }),
    "tag": mapping({"concurrencylimit": dict(INT, min=0)}),
}), extra=True)

_SIGNING = ["EdDSA", "HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
            "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"]

AUTH = mapping({
    "silly": mapping({"realm": string(), "service": string()}, required=["realm", "service"]),
    "token": mapping({
        "realm": string(), "service": string(), "issuer": string(), "rootcertbundle": string(), "jwks": string(),
        "autoredirect": BOOL, "autoredirectpath": string(), "signingalgorithms": list_of(string(choices=_SIGNING)),
    }, required=["realm", "service", "issuer"]),
    "htpasswd": mapping({"realm": string(), "path": string()}, required=["realm", "path"]),
})

_MIDDLEWARE = list_of(mapping({"name": string(), "disabled": BOOL, "options": mapping({}, extra=True)}, required=["name"]))
MIDDLEWARE = mapping({"registry": _MIDDLEWARE, "repository": _MIDDLEWARE, "storage": _MIDDLEWARE})
# Options of the storage middlewares Distribution documents; others take free-form options.
MIDDLEWARE_OPTIONS = {
    "cloudfront": mapping({
        "baseurl": string(check=_url), "privatekey": string(), "keypairid": string(), "duration": PERIOD,
        "ipfilteredby": string(choices=["none", "aws", "awsregion"]), "awsregion": string(),
        "updatefrequency": PERIOD, "iprangesurl": string(check=_url),
    }, required=["baseurl", "privatekey", "keypairid"]),
    "redirect": mapping({"baseurl": string(check=_url)}, required=["baseurl"]),
}

REPORTING = mapping({
    "bugsnag": mapping({"apikey": SECRET, "releasestage": string(), "endpoint": string()}, required=["apikey"]),
    "newrelic": mapping({"licensekey": SECRET, "name": string(), "verbose": BOOL}, required=["licensekey"]),
})

_CIPHERS = [
    "TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
]

HTTP = mapping({
    "addr": string(), "net": string(choices=["tcp", "unix"]), "prefix": string(check=_prefix_errors),
    "host": string(check=_url), "secret": SECRET, "relativeurls": BOOL, "draintimeout": SPAN,
    "tls": mapping({
        "certificate": string(), "key": string(), "clientcas": STRINGS,
        "clientauth": string(choices=["request-client-cert", "require-any-client-cert",
                                      "verify-client-cert-if-given", "require-and-verify-client-cert"]),
        "minimumtls": string(choices=["tls1.0", "tls1.1", "tls1.2", "tls1.3"]),
        "ciphersuites": list_of(string(choices=_CIPHERS)),
        "letsencrypt": mapping({"cachefile": string(), "email": string(), "hosts": STRINGS, "directoryurl": string(check=_url)},
                               required=["cachefile", "email"]),
    }),
    "debug": mapping({"addr": string(check=listen_errors), "prometheus": mapping({"enabled": BOOL, "path": string()})},
                     required=["addr"]),
    "headers": HEADERS,
    "http2": mapping({"disabled": BOOL}),
    "h2c": mapping({"enabled": BOOL}),
})

NOTIFICATIONS = mapping({
    "events": mapping({"includereferences": BOOL}),
    "endpoints": list_of(mapping({
        "name": string(), "disabled": BOOL, "url": string(check=_url), "headers": SECRET_HEADERS,
        "timeout": SPAN, "threshold": dict(INT, min=0), "backoff": SPAN,
        "ignoredmediatypes": STRINGS,
        "ignore": mapping({"mediatypes": STRINGS, "actions": list_of(string(choices=["pull", "push", "delete", "mount"]))}),
    }, required=["name", "url"])),
})

# Distribution 2.8 (addr, pool) and 3.x (go-redis UniversalOptions, inlined) spellings.
REDIS = mapping({
    "addr": string(check=listen_errors), "addrs": list_of(string(check=listen_errors)),
    "username": string(), "password": SECRET, "db": dict(INT, min=0), "clientname": string(),
    "protocol": dict(INT, choices=[2, 3]), "mastername": string(),
    "sentinelusername": string(), "sentinelpassword": SECRET,
    "dialtimeout": SPAN, "readtimeout": SPAN, "writetimeout": SPAN,
    "maxretries": INT, "minretrybackoff": SPAN, "maxretrybackoff": SPAN,
    "poolfifo": BOOL, "poolsize": dict(INT, min=0), "pooltimeout": SPAN,
    "minidleconns": dict(INT, min=0), "maxidleconns": dict(INT, min=0), "maxactiveconns": dict(INT, min=0),
    "connmaxidletime": SPAN, "connmaxlifetime": SPAN, "maxredirects": INT,
    "readonly": BOOL, "routebylatency": BOOL, "routerandomly": BOOL,
    "pool": mapping({"maxidle": dict(INT, min=0), "maxactive": dict(INT, min=0), "idletimeout": SPAN}),
    "tls": mapping({"enabled": BOOL, "certificate": string(), "key": string(), "rootcas": STRINGS}),
})

_CHECK_TIMING = {"timeout": SPAN, "interval": SPAN, "threshold": dict(INT, min=0)}
HEALTH = mapping({
    "storagedriver": mapping({"enabled": BOOL, "interval": SPAN, "threshold": dict(INT, min=0)},
                             required=["enabled"]),
    "file": list_of(mapping({"file": string(), "interval": SPAN}, required=["file"])),
    "http": list_of(mapping(dict(_CHECK_TIMING, uri=string(check=_url), headers=SECRET_HEADERS,
                            statuscode=dict(INT, min=100, max=599)), required=["uri"])),
    "tcp": list_of(mapping(dict(_CHECK_TIMING, addr=string(check=listen_errors)), required=["addr"])),
})

PROXY = mapping({
    "remoteurl": string(check=_url), "username": string(), "password": SECRET,
    "exec": mapping({"command": string(), "lifetime": SPAN}, required=["command"]),
    "ttl": SPAN,
}, required=["remoteurl"])

VALIDATION = mapping({
    "enabled": BOOL,
    "disabled": BOOL,
    "manifests": mapping({
        "urls": mapping({"allow": STRINGS, "deny": STRINGS}),
        "indexes": mapping({
            "platforms": string(choices=["all", "none", "list"]),
            "platformlist": list_of(mapping({"architecture": string(), "os": string()}, required=["architecture", "os"])),
        }),
    }),
})

COMPATIBILITY = mapping({"schema1": mapping({"signingkeyfile": string(), "enabled": BOOL})})

SCHEMA = mapping({
    "version": string(choices=[CONFIG_VERSION]),
    "log": LOG,
    "storage": STORAGE,
    "auth": AUTH,
    "middleware": MIDDLEWARE,
    "reporting": REPORTING,
    "http": HTTP,
    "notifications": NOTIFICATIONS,
    "redis": REDIS,
    "health": HEALTH,
    "proxy": PROXY,
    "compatibility": COMPATIBILITY,
    "validation": VALIDATION,
    "catalog": mapping({"maxentries": dict(INT, min=1)}),
    "tags": mapping({"maxtags": dict(INT, min=1)}),
}, required=["storage"])


def storage_with_defaults(storage, pull_through=False):
    """The ``storage`` section a role writes: ``storage`` merged (recursively) over what the role needs.

    The role's verification deletes its test image, which needs ``delete.enabled`` (a pull-through
    cache is never pushed to); with no driver given, the filesystem driver on /var/lib/registry,
    where the role mounts its data directory.
    """
    base = {} if pull_through else {"delete": {"enabled": True}}
    if not any(driver in (storage or {}) for driver in STORAGE_DRIVERS):
        base["filesystem"] = {"rootdirectory": "/var/lib/registry"}
    return deep_merge(base, storage or {})


def build_config(sections):
    """The config dict from the module's section options (None or {} means "leave out").

    Typed sections (suboptions) arrive with every unset key as None: those are dropped.
    """
    data = {"version": CONFIG_VERSION}
    for name in SECTIONS:
        value = sections.get(name)
        if name in TYPED_SECTIONS and isinstance(value, dict):
            value = drop_none(value)
        if value not in (None, {}):
            data[name] = value
    if "storage" in data:
        data["storage"] = _normalise_inmemory(data["storage"])
    return data


def _normalise_inmemory(storage):
    if isinstance(storage, dict) and "inmemory" in storage and storage["inmemory"] is None:
        return dict(storage, inmemory={})
    return storage


def _one_of(value, names, path, what):
    """Errors unless exactly one of ``names`` is a key of ``value``."""
    present = sorted(key for key in value if key in names)
    if len(present) > 1:
        return ["%s: configure only one %s, got %s" % (path, what, ", ".join(present))]
    if not present:
        return ["%s: one %s is required (one of %s)" % (path, what, ", ".join(names))]
    return []


def _storage_errors(storage):
    others = sorted(set(STORAGE["fields"]) - set(STORAGE_DRIVERS))
    errors = [
        "storage.%s: unknown storage driver or key (drivers: %s; other keys: %s)"
        % (key, ", ".join(STORAGE_DRIVERS), ", ".join(others))
        for key in sorted(storage, key=str) if key not in STORAGE["fields"]
    ]
    return errors + _one_of(storage, STORAGE_DRIVERS, "storage", "storage driver")


def _auth_errors(auth):
    errors = _one_of(auth, AUTH_PROVIDERS, "auth", "authentication provider")
    token = auth.get("token")
    if isinstance(token, dict) and not (token.get("rootcertbundle") or token.get("jwks")):
        errors.append("auth.token: needs rootcertbundle or jwks to verify tokens")
    return errors


def _http_errors(http):
    errors = []
    if http.get("net", "tcp") == "tcp" and isinstance(http.get("addr"), str):
        errors.extend(listen_errors(http["addr"], "http.addr"))
    tls = http.get("tls")
    if isinstance(tls, dict):
        has_cert, has_key = bool(tls.get("certificate")), bool(tls.get("key"))
        if has_cert != has_key:
            errors.append("http.tls: certificate and key must be given together (got only %s)"
                          % ("certificate" if has_cert else "key"))
        elif not has_cert and "letsencrypt" not in tls:
            errors.append("http.tls: needs certificate and key (or letsencrypt)")
    return errors


def _middleware_errors(middleware):
    errors = []
    entries = middleware.get("storage")
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        schema = MIDDLEWARE_OPTIONS.get(entry.get("name")) if isinstance(entry, dict) else None
        if schema:
            errors.extend(validate(entry.get("options") or {}, schema, "middleware.storage[%d].options" % index))
    return errors


def _redis_errors(redis, storage):
    errors = []
    if "addr" in redis and "addrs" in redis:
        errors.append("redis: give addrs (Distribution 3) or addr (Distribution 2.8), not both")
    cache = storage.get("cache")
    if isinstance(cache, dict) and cache.get("blobdescriptor") == "redis" and not redis:
        errors.append("storage.cache.blobdescriptor: 'redis' needs the redis section")
    return errors


def config_errors(data):
    """Every problem in ``data`` (a whole config.yml as a dict), each naming its key path."""
    # The schema lets unknown storage keys through: the storage rule names them as drivers.
    errors = validate(data, SCHEMA)

    def section(name):
        value = data.get(name)
        return value if isinstance(value, dict) else {}

    if "storage" in data and isinstance(data["storage"], dict):
        errors.extend(_storage_errors(data["storage"]))
    if section("auth"):
        errors.extend(_auth_errors(section("auth")))
    errors.extend(_http_errors(section("http")))
    errors.extend(_middleware_errors(section("middleware")))
    errors.extend(_redis_errors(section("redis"), section("storage")))
    return errors


def tls_pair_errors(tls, openssl, run):
    """Errors for ``http.tls`` files Distribution could not load at start (``tls.LoadX509KeyPair``).

    Only files present at their paths on this host are read: a path found nowhere here is one
    inside the registry's container, proved by the registry role's trial start instead.
    ``openssl``: its path (None: the pairing is left to that start); ``run``: ``run_command``.
    """
    paths = dict((key, tls.get(key)) for key in ("certificate", "key") if isinstance(tls.get(key), str))
    if len(paths) < 2 or not all(os.path.exists(path) for path in paths.values()):
        return []
    unreadable = ["http.tls.%s: %s is not a readable file" % (key, path)
                  for key, path in sorted(paths.items()) if not (os.path.isfile(path) and os.access(path, os.R_OK))]
    if unreadable or not openssl:
        return unreadable
    public = {}
    for key, command in (("certificate", ["x509", "-noout", "-pubkey", "-in"]), ("key", ["pkey", "-pubout", "-in"])):
        rc, out, err = run([openssl] + command + [paths[key]])
        if rc != 0:
            reason = (err.strip() or "openssl exited with %d" % rc).splitlines()[0]
            return ["http.tls.%s: %s is not a PEM %s: %s" % (key, paths[key], key, reason)]
        public[key] = out.strip()
    if public["certificate"] != public["key"]:
        return ["http.tls.key: %s is not the private key of http.tls.certificate %s (Distribution would not start)"
                % (paths["key"], paths["certificate"])]
    return []


def _sorted(value):
    if isinstance(value, dict):
        return dict((key, _sorted(value[key])) for key in sorted(value, key=str))
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def canonical(data):
    """``data`` with a stable key order: version, sections as Distribution declares them, then
    any other key (only found in files written by others) sorted; nested keys sorted."""
    order = ("version",) + SECTIONS
    keys = [key for key in order if key in data] + sorted((key for key in data if key not in order), key=str)
    return dict((key, _sorted(data[key])) for key in keys)


def render(data):
    """The config.yml text for ``data``: deterministic for equal data."""
    body = canonical(data)
    if body.get("version") == CONFIG_VERSION:
        body["version"] = float(CONFIG_VERSION)  # written as 0.1, like upstream's examples
    return HEADER + yaml.safe_dump(body, default_flow_style=False, sort_keys=False, allow_unicode=True, width=1000)


def parse(text):
    """The data in a config.yml text (version as a string), or None when it is not a YAML mapping."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    if "version" in data:
        data["version"] = str(data["version"])
    return data


def secret_values(data):
    """Every secret string in ``data`` (for ``AnsibleModule.no_log_values``)."""
    return marked_secrets(data, SCHEMA)


def masked(data):
    """``data`` with every secret replaced by a fixed mask (for the ``config`` result)."""
    return walk_secrets(data, SCHEMA, lambda value: MASK)


def masked_diff(path, before_text, data):
    """A --diff dict whose both sides are canonical renderings with secrets tagged, never shown."""
    return schema_masked_diff(path, before_text, data, SCHEMA, render, parse)


class DistributionConfig(ConfigFormat):
    """config.yml for the registry_config module: the module owns the whole file."""

    signal = RESTART
    private = True  # http.secret, storage keys
    libraries = (("PyYAML", HAS_YAML, YAML_IMPORT_ERROR),)
    summary = "Invalid Distribution configuration"

    def secrets(self, params):
        return secret_values(build_config(params))

    def probe(self, module):
        http = module.params.get("http") or {}
        errors = tls_pair_errors(http.get("tls") or {}, module.get_bin_path("openssl"), module.run_command)
        if errors:
            raise Invalid(errors, self.summary)
        return {}

    def build(self, params, facts):
        data = build_config(params)
        errors = config_errors(data)
        if errors:
            raise Invalid(errors, self.summary)
        return data

    def parse(self, text, path):
        return None if text is None else parse(text)

    def same(self, doc, new_doc):
        # Same data, other formatting: keep the file as it is (no rewrite, no restart).
        return doc is not None and doc == new_doc

    def render(self, doc, path):
        return render(doc)

    def diff(self, path, before, after, merged):
        return masked_diff(path, before, parse(after))

    def report(self, wanted, outcome):
        return {"config": masked(canonical(wanted))}
