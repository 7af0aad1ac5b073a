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

import hashlib
import hmac
import os
import traceback

try:
    import yaml
    HAS_YAML = True
    YAML_IMPORT_ERROR = None
except ImportError:
    HAS_YAML = False
    YAML_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.anchorage.registry.plugins.module_utils._checks import listen_errors, url_errors
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import RESTART, ConfigFormat, Invalid
from ansible_collections.anchorage.registry.plugins.module_utils._files import text_diff
from ansible_collections.anchorage.registry.plugins.module_utils._schema import (
    BOOL,
    DURATION,
    INT,
    STRINGS,
    drop_none,
    list_of,
    map_of,
    mapping,
    string,
    validate,
)

MASK = "********"
HEADER = "# Managed by anchorage.registry.registry_config: local edits are overwritten.\n"
CONFIG_VERSION = "0.1"

# Top-level sections in the order Distribution's own Configuration struct declares them.
SECTIONS = (
    "log", "storage", "auth", "middleware", "reporting", "http", "notifications", "redis",
    "health", "proxy", "compatibility", "validation", "catalog", "tags",
)
STORAGE_DRIVERS = ("azure", "filesystem", "gcs", "inmemory", "s3")
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


def _inmemory_errors(value, where):
    return [] if value in (None, {}) else ["%s: the inmemory driver takes no parameters" % where]


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
        "skipverify": BOOL, "v4auth": BOOL, "chunksize": dict(INT, min=5242880),
        "multipartcopychunksize": INT, "multipartcopymaxconcurrency": dict(INT, min=1),
        "multipartcopythresholdsize": INT, "rootdirectory": string(), "storageclass": string(),
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
        "copy_status_poll_max_retry": INT, "copy_status_poll_delay": DURATION,
        "max_retries": INT, "retry_delay": DURATION,
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
        "uploadpurging": mapping({"enabled": BOOL, "age": DURATION, "interval": DURATION, "dryrun": BOOL}),
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
        "baseurl": string(check=_url), "privatekey": string(), "keypairid": string(), "duration": DURATION,
        "ipfilteredby": string(choices=["none", "aws", "awsregion"]), "awsregion": string(),
        "updatefrequency": DURATION, "iprangesurl": string(check=_url),
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
    "host": string(check=_url), "secret": SECRET, "relativeurls": BOOL, "draintimeout": DURATION,
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
        "timeout": DURATION, "threshold": dict(INT, min=0), "backoff": DURATION,
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
    "dialtimeout": DURATION, "readtimeout": DURATION, "writetimeout": DURATION,
    "maxretries": INT, "minretrybackoff": DURATION, "maxretrybackoff": DURATION,
    "poolfifo": BOOL, "poolsize": dict(INT, min=0), "pooltimeout": DURATION,
    "minidleconns": dict(INT, min=0), "maxidleconns": dict(INT, min=0), "maxactiveconns": dict(INT, min=0),
    "connmaxidletime": DURATION, "connmaxlifetime": DURATION, "maxredirects": INT,
    "readonly": BOOL, "routebylatency": BOOL, "routerandomly": BOOL,
    "pool": mapping({"maxidle": dict(INT, min=0), "maxactive": dict(INT, min=0), "idletimeout": DURATION}),
    "tls": mapping({"enabled": BOOL, "certificate": string(), "key": string(), "rootcas": STRINGS}),
})

_CHECK_TIMING = {"timeout": DURATION, "interval": DURATION, "threshold": dict(INT, min=0)}
HEALTH = mapping({
    "storagedriver": mapping({"enabled": BOOL, "interval": DURATION, "threshold": dict(INT, min=0)},
                             required=["enabled"]),
    "file": list_of(mapping({"file": string(), "interval": DURATION}, required=["file"])),
    "http": list_of(mapping(dict(_CHECK_TIMING, uri=string(check=_url), headers=SECRET_HEADERS,
                            statuscode=dict(INT, min=100, max=599)), required=["uri"])),
    "tcp": list_of(mapping(dict(_CHECK_TIMING, addr=string(check=listen_errors)), required=["addr"])),
})

PROXY = mapping({
    "remoteurl": string(check=_url), "username": string(), "password": SECRET,
    "exec": mapping({"command": string(), "lifetime": DURATION}, required=["command"]),
    "ttl": DURATION,
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


def walk_secrets(value, schema, replace):
    """A copy of ``value`` where every value the schema marks secret is ``replace(value)``."""
    if schema.get("secret") and value is not None:
        return replace(value)
    if isinstance(value, dict):
        fields = schema.get("fields", {})
        return dict(
            (key, walk_secrets(item, fields.get(key, schema.get("values", {})), replace))
            for key, item in value.items()
        )
    if isinstance(value, list):
        return [walk_secrets(item, schema.get("items", {}), replace) for item in value]
    return value


def secret_values(data):
    """Every secret string in ``data`` (for ``AnsibleModule.no_log_values``)."""
    found = []

    def collect(value):
        found.extend(value if isinstance(value, list) else [value])
        return value

    walk_secrets(data, SCHEMA, collect)
    return [str(value) for value in found if value not in (None, "")]


def masked(data):
    """``data`` with every secret replaced by a fixed mask (for the ``config`` result)."""
    return walk_secrets(data, SCHEMA, lambda value: MASK)


def diff_masker(key):
    """A replace function tagging each secret with a keyed digest: equal secrets show equal
    tags, a changed secret shows a different tag, and without ``key`` (random, never returned)
    the tag reveals nothing about the secret."""
    def replace(value):
        tag = hmac.new(key, repr(value).encode("utf-8"), hashlib.sha256).hexdigest()[:8]
        return "%s (%s)" % (MASK, tag)
    return replace


def masked_diff(path, before_text, data):
    """A --diff dict whose both sides are canonical renderings with secrets tagged, never shown."""
    replace = diff_masker(os.urandom(16))
    after = render(walk_secrets(data, SCHEMA, replace))
    if before_text is None:
        before = None
    else:
        old = parse(before_text)
        if old is None:
            before = "# (not a YAML mapping: %d bytes not shown)\n" % len(before_text)
        else:
            before = render(walk_secrets(old, SCHEMA, replace))
    return text_diff(path, before, after)


class DistributionConfig(ConfigFormat):
    """config.yml for the registry_config module: the module owns the whole file."""

    signal = RESTART
    private = True  # http.secret, storage keys
    libraries = (("PyYAML", HAS_YAML, YAML_IMPORT_ERROR),)
    summary = "Invalid Distribution configuration"

    def secrets(self, params):
        return secret_values(build_config(params))

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
