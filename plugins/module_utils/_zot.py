# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""zot's config.json: every key zot reads, the checks ``zot verify`` makes, our defaults, rendering.

zot loads its config with viper's ``UnmarshalExact``: keys are matched without regard to case,
values are decoded weakly (``weak_values``), empty mappings vanish (``viper_view``), an unknown
key is fatal, and ``validateConfiguration`` then checks how keys combine. The schema below lists
the keys of zot's config structs (pkg/api/config, pkg/extensions/config at commit 6d19b445,
v2.1.20 plus 25 commits); ``check_config`` repeats the rules of zot's ``LoadConfiguration`` and
``validateConfiguration``, with Go's own rules where Python's differ (RE2, doublestar globs,
``path.Clean``, CEL). What zot accepts but cannot use (a sync URL without a scheme) is a warning
(``config_warnings``). Everything is pure; ``ZotConfig`` describes the file to the shared
pipeline (``_config_file``), which writes it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import posixpath
import re

from ansible_collections.anchorage.registry.plugins.module_utils._cel import (
    DYN_MAP, STRUCT, cel_errors, expression_warnings)
from ansible_collections.anchorage.registry.plugins.module_utils._checks import (
    duration_errors, parse_duration, port_errors, regex_errors, unchecked_regexes, url_errors)
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import RESTART, ConfigFormat, Invalid
from ansible_collections.anchorage.registry.plugins.module_utils._schema import (
    BOOL,
    COUNT,
    DURATION,
    INT,
    STRINGS,
    deep_merge,
    join_path,
    list_of,
    map_of,
    mapping,
    string,
    validate,
)

# Config sections in the order zot's Config struct declares them (the order we render).
SECTIONS = ("distSpecVersion", "storage", "http", "log", "extensions", "scheduler", "cluster")
ACTIONS = ("read", "create", "update", "delete")
# A documented "behaviour action" (examples/README.md): deletes by digest fail on collisions.
BEHAVIOUR_ACTIONS = ("detectManifestCollision",)
CLOUD_DRIVERS = ("s3", "gcs", "azure")
CACHE_DRIVERS = ("dynamodb", "redis")
DOCKER_COMPAT = "docker2s2"
DIST_SPEC_VERSION = "1.1.1"
# log.ParseLevel accepts exactly these, in any case.
LOG_LEVELS = ("debug", "trace", "info", "warn", "warning", "error", "fatal", "panic")
# Keys whose values zot itself masks when it logs its config (config.isSensitiveConfigMapKey), and
# the secrets it does not mask (bind passwords, account keys, the cluster hash key).
SENSITIVE_KEYS = ("accesskey", "secretkey", "password", "secret", "token", "clientsecret",
                  "sessionhashkey", "sessionencryptkey", "sentinelpassword", "authorization",
                  "apikey", "bearer", "xapikey", "bindpassword", "accountkey", "connectionstring",
                  "sessiontoken", "hashkey")
MIN_BACKGROUND_INTERVAL = 2 * 3600.0


# --- small checks used by the schema -----------------------------------------------------------

def glob_errors(pattern, where):
    """Why doublestar's ``ValidatePattern`` (zot's glob library, '/' separator) refuses ``pattern``."""
    problem = _glob_problem(pattern)
    return ["%s: %r %s (doublestar.ValidatePattern)" % (where, pattern, problem)] if problem else []


def _glob_problem(pattern):
    # doublestar v4's rules: '\\' escapes the next byte; a class '[...]' (optionally '[^' or '[!')
    # must hold at least one character and be closed; '{' and '}' must balance.
    depth = 0
    index = 0
    size = len(pattern)
    while index < size:
        char = pattern[index]
        if char == "\\":
            index += 1
            if index >= size:
                return "ends with an unfinished escape"
        elif char == "[":
            index += 1
            if index < size and pattern[index] in "^!":
                index += 1
            if index >= size:
                return "has a '[' without a closing ']'"
            if pattern[index] == "]":
                return "has an empty character class '[]'"
            while index < size and pattern[index] != "]":
                index += 2 if pattern[index] == "\\" else 1
            if index >= size:
                return "has a '[' without a closing ']'"
        elif char == "{":
            depth += 1
        elif char == "}":
            if not depth:
                return "has a '}' without an opening '{'"
            depth -= 1
        index += 1
    if depth:
        return "has a '{' without a closing '}'"
    return None


def _non_negative(value, where):
    return duration_errors(value, where, non_negative=True)


def _time_window(value, where):
    if value == "":
        return []
    parts = value.split("-")
    if len(parts) != 2:
        return ["%s: %r must be HH:MM-HH:MM (UTC), e.g. 01:00-05:00" % (where, value)]
    minutes = []
    for part in parts:
        match = re.match(r"^\s*([0-9]{1,2}):([0-9]{2})\s*$", part)  # time.Parse("15:04"): ASCII digits
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            return ["%s: %r: %r is not a 24h time HH:MM" % (where, value, part.strip())]
        minutes.append(int(match.group(1)) * 60 + int(match.group(2)))
    if minutes[0] == minutes[1]:
        return ["%s: %r: the window's start and end must differ" % (where, value)]
    return []


def _port(value, where):
    # validateHTTP: http.port is a string, empty or strconv.ParseInt 0-65535 (0: the kernel picks).
    return [] if value == "" else port_errors(value, where, low=0)


def _actions(values, where):
    allowed = ACTIONS + BEHAVIOUR_ACTIONS
    bad = [value for value in values if value not in allowed]
    if bad:
        return ["%s: %s: unknown action%s; actions are %s (and the behaviour action %s)"
                % (where, ", ".join(repr(b) for b in bad), "s" if len(bad) > 1 else "",
                   ", ".join(ACTIONS), BEHAVIOUR_ACTIONS[0])]
    return []


def _above_zero(value, where):
    return [] if 0 < value < float("inf") else ["%s: %r must be above 0" % (where, value)]


def go_path_clean(path):
    """Go's ``path.Clean``: like posixpath.normpath, except that a leading '//' becomes '/'."""
    if not path:
        return "."
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def _metrics_path(value, where):
    # validateMetricsConfig: the path must equal path.Clean(path), start with '/', not be / or /v2.
    if go_path_clean(value) != value:
        return ["%s: %r is not a clean path (path.Clean gives %r)" % (where, value, go_path_clean(value))]
    if not value.startswith("/"):
        return ["%s: %r must start with /" % (where, value)]
    if value in ("/", "/v2"):
        return ["%s: %r is taken by the registry API; use e.g. /metrics" % (where, value)]
    return []


def _log_level(value, where):
    # log.ParseLevel: case-insensitive; an empty level is refused too.
    if value.lower() in LOG_LEVELS:
        return []
    return ["%s: %r is not a log level zot knows (%s; case does not matter)" % (where, value, ", ".join(LOG_LEVELS))]


# --- the schema --------------------------------------------------------------------------------

GC_DURATION = {"type": "duration", "check": _non_negative}
GLOBS = list_of(string(check=glob_errors))
REGEXES = list_of(string(check=regex_errors))
ACTION_LIST = list_of(string(), check=_actions)
TLS = mapping({"cert": string(), "key": string(), "cacert": string()})
# zot reads ports as strings; its loader also takes numbers.
# http.port is a Go string (a number decodes into it weakly); ldap.port a Go int. zot checks the
# range of http.port only; the LDAP port's range is ours (a dial to port 70000 fails at each login).
PORT = {"type": "str", "check": _port}
LDAP_PORT = {"type": "int", "check": _port}

_KEEP = {
    "pulledWithin": GC_DURATION,
    "pushedWithin": GC_DURATION,
    "mostRecentlyPushedCount": COUNT,
    "mostRecentlyPulledCount": COUNT,
}
RETENTION = mapping({
    "dryRun": BOOL,
    "delay": GC_DURATION,
    "policies": list_of(mapping({
        "repositories": GLOBS,
        "deleteReferrers": BOOL,
        "deleteUntagged": BOOL,
        "keepTags": list_of(mapping(dict(_KEEP, patterns=REGEXES))),
        "keepUntagged": mapping(dict(_KEEP)),
    })),
})

# The keys of storageDriver go to Distribution's drivers (lower-cased by zot's loader); they are
# checked per driver in ``_driver_errors``. Bool-ish driver keys also take "true"/"false".
_DRIVER_BOOL = {"type": ["bool", "str"]}
_DRIVER_INT = {"type": ["int", "str"]}
DRIVER_KEYS = {
    "s3": {
        "accesskey": string(), "secretkey": string(), "sessiontoken": string(), "region": string(),
        "regionendpoint": string(), "forcepathstyle": _DRIVER_BOOL, "accelerate": _DRIVER_BOOL,
        "bucket": string(), "encrypt": _DRIVER_BOOL, "keyid": string(), "secure": _DRIVER_BOOL,
        "skipverify": _DRIVER_BOOL, "v4auth": _DRIVER_BOOL, "chunksize": _DRIVER_INT,
        "multipartcopychunksize": _DRIVER_INT, "multipartcopymaxconcurrency": _DRIVER_INT,
        "multipartcopythresholdsize": _DRIVER_INT, "rootdirectory": string(), "storageclass": string(),
        "useragent": string(), "usedualstack": _DRIVER_BOOL, "objectacl": string(), "loglevel": string(),
        "usefipsendpoint": _DRIVER_BOOL, "redirectendpoint": string(), "maxconcurrency": _DRIVER_INT,
    },
    "gcs": {
        "bucket": string(), "keyfile": string(), "credentials": mapping({}, extra=True), "rootdirectory": string(),
        "chunksize": _DRIVER_INT, "useragent": string(), "maxconcurrency": _DRIVER_INT,
    },
    "azure": {
        "accountname": string(), "accountkey": string(), "container": string(), "connectionstring": string(),
        "credentials": mapping({"type": string(choices=["client_secret", "shared_key", "default_credentials"]),
                                "clientid": string(), "tenantid": string(), "secret": string()}),
        "realm": string(), "rootdirectory": string(), "serviceurl": string(), "max_retries": _DRIVER_INT,
        "retry_delay": string(), "skipverify": _DRIVER_BOOL, "maxconcurrency": _DRIVER_INT,
        "copy_status_poll_max_retry": _DRIVER_INT, "copy_status_poll_delay": string(),
    },
}
DRIVER = mapping({"name": string(choices=list(CLOUD_DRIVERS))}, required=["name"], extra=True)
# dynamodb takes table names and a region/endpoint; redis takes a url or go-redis options.
CACHE = mapping({"name": string(choices=list(CACHE_DRIVERS))}, required=["name"], extra=True)

_STORE = {
    "rootDirectory": string(),
    "maxRepos": COUNT,
    "dedupe": BOOL,
    "remoteCache": BOOL,
    "redirectBlobURL": BOOL,
    "gc": BOOL,
    "commit": BOOL,
    "gcDelay": GC_DURATION,
    "gcInterval": GC_DURATION,
    "gcTimeWindow": string(check=_time_window),
    "retention": RETENTION,
    "storageDriver": DRIVER,
    "cacheDriver": CACHE,
}
STORAGE = mapping(dict(_STORE, subPaths=map_of(mapping(dict(_STORE))), fastRestart=BOOL))


def _condition(value, where):
    # api.CompileAccessControl: cel.NewExpression(WithCompile, WithDynMapVariables("req")), no output
    # type; the access controller runs EvaluateBoolean on it at each request.
    return cel_errors(value, where, {"req": DYN_MAP}, evaluated_as="EvaluateBoolean")


# cel.NewClaimProcessor (OIDC bearer, at zot serve's start): WithCompile, WithStructVariables("claims", "vars").
_CLAIM_VARIABLES = {"claims": STRUCT, "vars": STRUCT}


def _claim_variable(value, where):
    return cel_errors(value, where, _CLAIM_VARIABLES)


def _claim_validation(value, where):
    # Validations alone are compiled WithOutputType(types.BoolType): dyn (claims.x) is refused.
    return cel_errors(value, where, _CLAIM_VARIABLES, output="bool")


def _claim_username(value, where):
    # An empty username takes the processor's default expression.
    return cel_errors(value, where, _CLAIM_VARIABLES, evaluated_as="EvaluateString") if value else []


def _claim_groups(value, where):
    # An empty groups expression means no groups.
    return cel_errors(value, where, _CLAIM_VARIABLES, evaluated_as="EvaluateStringSlice") if value else []


_CEL_MAPPING = mapping({
    "variables": list_of(mapping({"name": string(), "expression": string(check=_claim_variable)}, required=["name"])),
    "validations": list_of(mapping({"expression": string(check=_claim_validation), "message": string()},
                                   required=["message"])),
    "username": string(check=_claim_username),
    "groups": string(check=_claim_groups),
})
AUTH = mapping({
    "failDelay": COUNT,
    "htpasswd": mapping({"path": string()}),
    "ldap": mapping({
        "credentialsFile": string(), "port": LDAP_PORT, "insecure": BOOL,
        "startTLS": BOOL, "skipVerify": BOOL, "subtreeSearch": BOOL, "address": string(),
        "userGroupAttribute": string(), "baseDN": string(), "userAttribute": string(), "userFilter": string(),
        "cacert": string(),
    }),
    "bearer": mapping({
        "realm": string(), "service": string(), "cert": string(),
        "upstreamTokenEndpoint": mapping({"realm": string(), "service": string(), "allowInsecureHttp": BOOL}),
        "oidc": list_of(mapping({
            "issuer": string(), "audiences": STRINGS, "claimMapping": _CEL_MAPPING,
            "certificateAuthority": string(), "certificateAuthorityFile": string(),
            "skipIssuerVerification": BOOL,
        })),
        "awsSecretsManager": mapping({"region": string(), "secretName": string(), "refreshInterval": GC_DURATION}),
    }),
    "openid": mapping({
        "providers": map_of(mapping({
            "credentialsFile": string(), "name": string(), "clientid": string(), "clientsecret": string(),
            "keypath": string(), "issuer": string(), "authurl": string(), "tokenurl": string(), "scopes": STRINGS,
            "claimMapping": mapping({"username": string(), "groups": string()}),
        })),
        "callbackAllowOrigins": STRINGS,
    }),
    "apikey": BOOL,
    "sessionKeysFile": string(),
    "sessionDriver": mapping({"name": string(choices=["redis", "local"])}, required=["name"], extra=True),
    "secureSession": BOOL,
    "mtls": mapping({
        "identityAttributes": STRINGS, "uriSanPattern": string(check=regex_errors), "uriSanIndex": COUNT,
        "dnsSanIndex": COUNT, "emailSanIndex": COUNT,
    }),
})
_POLICY = mapping({
    "users": STRINGS, "groups": STRINGS, "actions": ACTION_LIST,
    "conditions": list_of(mapping({"expression": string(check=_condition), "message": string()})),
})
ACCESS_CONTROL = mapping({
    "repositories": map_of(mapping({
        "policies": list_of(_POLICY),
        "defaultPolicy": ACTION_LIST,
        "anonymousPolicy": ACTION_LIST,
    })),
    "adminPolicy": _POLICY,
    "groups": map_of(mapping({"users": STRINGS})),
    "metrics": mapping({"users": STRINGS, "anonymousPolicy": ACTION_LIST}),
})
HTTP = mapping({
    "address": string(),
    "externalUrl": string(),
    "port": PORT,
    "allowOrigin": string(),
    "readTimeout": DURATION,
    "writeTimeout": DURATION,
    "tls": TLS,
    "auth": AUTH,
    "accessControl": ACCESS_CONTROL,
    "realm": string(),
    "ratelimit": mapping({
        "rate": dict(INT, min=1),
        "methods": list_of(mapping({"method": string(), "rate": dict(INT, min=1)}, required=["method"])),
    }),
    "compat": list_of(string(choices=[DOCKER_COMPAT])),
})
LOG = mapping({"level": string(check=_log_level), "output": string(), "audit": string()})

SYNC_REGISTRY = mapping({
    "urls": STRINGS,
    "pollInterval": GC_DURATION,
    "content": list_of(mapping({
        "prefix": string(check=glob_errors),
        "tags": mapping({"regex": string(check=regex_errors), "excludeRegex": string(check=regex_errors), "semver": BOOL}),
        "destination": string(),
        "stripPrefix": BOOL,
    }, required=["prefix"])),
    "tlsVerify": BOOL,
    "onDemand": BOOL,
    "manifestCheckInterval": GC_DURATION,
    "certDir": string(),
    "maxRetries": COUNT,
    "retryDelay": GC_DURATION,
    "maxRetryDelay": GC_DURATION,
    "onlySigned": BOOL,
    "syncLegacyCosignTags": BOOL,
    "credentialHelper": string(choices=["", "ecr", "gcp", "oauth2"]),
    "oauth2CredentialHelper": mapping({
        "tokenURL": string(), "assertionFile": string(), "signingFile": string(), "grantType": string(),
        "clientID": string(), "clientSecretFile": string(), "scopes": STRINGS, "username": string(),
        "audience": string(), "subjectTokenType": string(), "requestedTokenType": string(),
    }),
    "preserveDigest": BOOL,
    "syncTimeout": GC_DURATION,
    "reqConcurrent": dict(INT, min=1),
    "reqPerSec": {"type": "number", "check": _above_zero},
    "disableHTTP2": BOOL,
    "maxIdleConnsPerHost": dict(INT, min=1),
})
_ENABLE = {"enable": BOOL}
EXTENSIONS = mapping({
    "search": mapping(dict(_ENABLE, cve=mapping({
        "updateInterval": GC_DURATION,
        "trivy": mapping({
            "dbRepository": string(), "javaDBRepository": string(), "vulnSeveritySources": STRINGS,
            "sbom": mapping({"enable": BOOL, "format": string(choices=["spdx-json", "cyclonedx"])}),
        }),
    }))),
    "sync": mapping(dict(_ENABLE, credentialsFile=string(), downloadDir=string(), registries=list_of(SYNC_REGISTRY))),
    "metrics": mapping(dict(_ENABLE, prometheus=mapping({"path": string(check=_metrics_path)}))),
    "scrub": mapping(dict(_ENABLE, interval=GC_DURATION)),
    "lint": mapping(dict(_ENABLE, mandatoryAnnotations=STRINGS)),
    "ui": mapping(dict(_ENABLE)),
    "mgmt": mapping(dict(_ENABLE)),
    "apikey": mapping(dict(_ENABLE)),
    "trust": mapping(dict(_ENABLE, cosign=BOOL, notation=BOOL)),
    "events": mapping(dict(_ENABLE, sinks=list_of(mapping({
        "type": string(choices=["http", "nats"]), "address": string(), "channel": string(), "timeout": DURATION,
        "proxy": string(), "headers": map_of(string()),
        "credentials": mapping({"username": string(), "password": string(), "file": string(), "token": string()}),
        "tlsConfig": mapping({"caCertFile": string(), "certFile": string(), "keyFile": string()}),
    }, required=["type"])))),
})

CONFIG_SCHEMA = mapping({
    "distSpecVersion": string(),
    "goVersion": string(), "commit": string(), "releaseTag": string(), "binaryType": string(),
    "storage": STORAGE,
    "http": HTTP,
    "log": LOG,
    "extensions": EXTENSIONS,
    "scheduler": mapping({"numWorkers": dict(INT, min=1)}),
    "cluster": mapping({"members": STRINGS, "hashKey": string(), "tls": TLS}),
})

# Files zot reads next to config.json (credentialsFile, sessionKeysFile, signingFile).
_CREDENTIALS = mapping({"username": string(), "password": string()}, required=["username", "password"])
SECRET_FILE_SCHEMAS = {
    "sync_credentials": map_of(_CREDENTIALS),
    "ldap_credentials": mapping({"bindDN": string(), "bindPassword": string()}, required=["bindDN", "bindPassword"]),
    "openid_credentials": mapping({"clientid": string(), "clientsecret": string()}, required=["clientid", "clientsecret"]),
    "session_keys": mapping({"hashKey": string(), "encryptKey": string()}, required=["hashKey"]),
    "oauth2_signing": mapping({
        "privateKeyFile": string(), "algorithm": string(), "keyId": string(), "issuer": string(), "subject": string(),
        "audience": string(),
    }, required=["privateKeyFile"]),
}


# --- keys without case, as viper reads them ----------------------------------------------------

def canonical_keys(value, schema, path=""):
    """``(copy of value with every known key spelt as in the schema, errors)``.

    zot (viper) matches keys without regard to case: ``rootdirectory`` is ``rootDirectory``.
    Two spellings of one key in one mapping are an error (zot would keep one of them at random).
    Free-form maps (subPaths routes, repository globs, driver options) keep their keys.
    """
    errors = []
    if isinstance(value, dict) and schema:
        fields = schema.get("fields", {})
        by_lower = dict((name.lower(), name) for name in fields)
        out = {}
        for key, item in value.items():
            name = by_lower.get(key.lower(), key) if isinstance(key, str) else key
            if name in out:
                errors.append("%s: %r and another spelling of it are the same key to zot (keys ignore case)"
                              % (join_path(path, name), key))
                continue
            sub = fields.get(name, schema.get("values"))
            out[name], more = canonical_keys(item, sub, join_path(path, name))
            errors.extend(more)
        return out, errors
    if isinstance(value, list) and schema and "items" in schema:
        out = []
        for index, item in enumerate(value):
            converted, more = canonical_keys(item, schema["items"], join_path(path, index))
            out.append(converted)
            errors.extend(more)
        return out, errors
    return value, errors


# --- values and empty mappings, as viper and mapstructure load them ---------------------------

# strconv.ParseBool's spellings; mapstructure's weak decoding also takes "" as false.
_GO_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_GO_FALSE = ("0", "f", "F", "FALSE", "false", "False", "")
_INT64 = (-(1 << 63), (1 << 63) - 1)


def go_parse_int(text):
    """``strconv.ParseInt(text, 0, 64)``: base from the prefix (0x, 0o, 0b, a leading 0 is octal)."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or body != body.strip():
        raise ValueError(text)
    if len(body) > 1 and body[0] == "0" and body[1] not in "xXoObB":
        body = "0o" + body[1:]
    value = int(("-" if text[:1] == "-" else "") + body, 0)
    if not _INT64[0] <= value <= _INT64[1]:
        raise ValueError(text)
    return value


def _go_float_text(value):
    # strconv.FormatFloat(f, 'f', -1, 64): the shortest digits, never an exponent.
    text = repr(float(value))
    if "e" in text or "E" in text:
        from decimal import Decimal
        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text


def _weak_scalar(value, kind):
    """``(value, problem)``: ``value`` as mapstructure's weak decoding turns it into ``kind``."""
    if isinstance(value, bool):
        number = int(value)
    elif isinstance(value, (int, float)):
        number = value
    else:
        number = None
    if kind == "bool":
        if isinstance(value, str):
            if value in _GO_TRUE or value in _GO_FALSE:
                return value in _GO_TRUE, None
            return value, "%r is not a boolean (strconv.ParseBool: true, false, 1, 0, t, f)" % value
        return (number != 0, None) if number is not None else (value, None)
    if kind in ("int", "duration"):
        if isinstance(value, str):
            if kind == "duration":
                return value, None  # StringToTimeDurationHookFunc: time.ParseDuration, checked later
            try:
                return go_parse_int(value or "0"), None
            except ValueError:
                return value, "%r is not a whole number (strconv.ParseInt)" % value
        if number is None:
            return value, None
        whole = int(number)  # mapstructure truncates floats
        return ("%dns" % whole if kind == "duration" else whole), None
    if kind == "number" and isinstance(value, str):
        try:
            return float(value), None
        except ValueError:
            return value, "%r is not a number (strconv.ParseFloat)" % value
    if kind == "str" and number is not None:
        if isinstance(value, bool):
            return ("1" if value else "0"), None
        return (str(value) if isinstance(value, int) else _go_float_text(value)), None
    return value, None


def weak_values(value, schema, path=""):
    """``(value, errors, warnings)``: ``value`` decoded as zot's loader does (viper's weak typing).

    ``"true"`` is a bool and ``"5"`` an int where the struct field is one; numbers become strings
    in string fields; a bare number in a duration field is nanoseconds (said in a warning); a
    single value stands for a one-element list. ``value`` has its keys canonical already.
    """
    if not schema:
        return value, [], []
    where = path or "(top level)"
    kind = schema.get("type", "any")
    if kind == "list" and value is not None and not isinstance(value, list):
        value = [] if value == {} else [value]
    if kind == "object" and value == []:
        value = {}
    errors, warnings = [], []
    if isinstance(value, dict) and kind == "object":
        out = {}
        for key, item in value.items():
            sub = schema.get("fields", {}).get(key, schema.get("values"))
            out[key], more, notes = weak_values(item, sub, join_path(path, key))
            errors.extend(more)
            warnings.extend(notes)
        return out, errors, warnings
    if isinstance(value, list) and kind == "list":
        out = []
        for index, item in enumerate(value):
            converted, more, notes = weak_values(item, schema.get("items"), join_path(path, index))
            out.append(converted)
            errors.extend(more)
            warnings.extend(notes)
        return out, errors, warnings
    if isinstance(kind, str) and value is not None and not isinstance(value, (dict, list)):
        converted, problem = _weak_scalar(value, kind)
        if problem:
            errors.append("%s: %s" % (where, problem))
        elif kind == "duration" and not isinstance(value, str):
            warnings.append("%s: %r is a number, which zot reads as nanoseconds (%s); write a unit (e.g. %ss)"
                            % (where, value, converted, int(value)))
        return converted, errors, warnings
    return value, errors, warnings


# Extensions applyDefaultValues creates when every extension mapping was empty (so none reached
# the struct): a config like {"extensions": {"metrics": {}}} turns metrics on.
_EMPTY_EXTENSIONS_ON = ("metrics", "search", "scrub", "trust", "ui")


def _drop_empty(value):
    # viper flattens mappings into keys: an empty mapping has none and vanishes, with parents it
    # leaves empty. Lists are values as they are.
    if not isinstance(value, dict):
        return value
    kept = {}
    for key, item in value.items():
        item = _drop_empty(item)
        if not (isinstance(item, dict) and not item):
            kept[key] = item
    return kept


def viper_view(config):
    """The config as zot's struct sees it after loading: empty mappings gone, then the
    extensions applyDefaultValues brings back (see _EMPTY_EXTENSIONS_ON)."""
    view = _drop_empty(config)
    extensions = config.get("extensions")
    if isinstance(extensions, dict) and "extensions" not in view:
        view["extensions"] = dict((name, {}) for name in _EMPTY_EXTENSIONS_ON if name in extensions)
    return view


def dropped_extensions(config, view):
    """Warnings for extensions written as an empty mapping that zot's loader drops (so: off)."""
    extensions = config.get("extensions")
    if not isinstance(extensions, dict):
        return []
    kept = view.get("extensions") or {}
    return ["extensions.%s: an empty mapping is dropped by zot's loader (viper) when other extensions "
            "have settings, so %s stays off; write {enable: true}" % (name, name)
            for name, item in extensions.items() if item == {} and name not in kept]


def lookup(mapping, *keys):
    """``mapping[k1][k2]...`` or None when a level is missing or not a mapping."""
    for key in keys:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(key)
    return mapping


def _enabled(section):
    """zot's rule for extensions: present means on unless ``enable: false``."""
    return isinstance(section, dict) and section.get("enable", True) is not False


def extension_enabled(config, name):
    """Whether zot runs extension ``name`` with ``config`` (after its loader, see viper_view)."""
    return _enabled(lookup(viper_view(config), "extensions", name))


def metrics_path(config):
    """The path zot serves Prometheus metrics at (applyDefaultValues: /metrics unless set)."""
    return lookup(viper_view(config), "extensions", "metrics", "prometheus", "path") or "/metrics"


def _seconds(value, default=0.0):
    try:
        return parse_duration(value) if isinstance(value, str) else default
    except ValueError:
        return default


# --- cross-key rules (zot's validateConfiguration, plus ours) ----------------------------------

def _driver_params(driver):
    """``(options lower-cased as Distribution's driver reads them, duplicate keys)``."""
    params = {}
    duplicates = []
    for key, value in driver.items():
        lower = key.lower() if isinstance(key, str) else key
        if lower == "name":
            continue
        if lower in params:
            duplicates.append(key)
        params[lower] = value
    return params, duplicates


def _driver_errors(path, driver):
    if not isinstance(driver, dict) or driver.get("name") not in CLOUD_DRIVERS:
        return []
    params, duplicates = _driver_params(driver)
    errors = ["%s: %r is given twice (driver options ignore case)" % (join_path(path, key), key) for key in duplicates]
    # Unknown options are passed on and ignored by the driver: a warning, not an error
    # (zot's own config-gcs.json example carries one).
    errors.extend(validate(params, mapping(DRIVER_KEYS[driver["name"]], extra=True), path))
    if driver["name"] == "s3":
        if not params.get("bucket"):
            errors.append("%s: the s3 driver needs a bucket" % path)
        if not params.get("region") and not params.get("regionendpoint"):
            errors.append("%s: the s3 driver needs a region (or a regionendpoint such as a MinIO URL)" % path)
    elif driver["name"] == "gcs" and not params.get("bucket"):
        errors.append("%s: the gcs driver needs a bucket" % path)
    return errors


def _driver_warnings(path, driver):
    if not isinstance(driver, dict) or driver.get("name") not in CLOUD_DRIVERS:
        return []
    known = DRIVER_KEYS[driver["name"]]
    params = _driver_params(driver)[0]
    return ["%s.%s: not an option of the %s driver (known: %s); the driver ignores it"
            % (path, key, driver["name"], ", ".join(sorted(known))) for key in params if key not in known]


def _store_errors(path, store, sync_on, download_dir, subpath):
    errors = []
    driver = store.get("storageDriver")
    cache = store.get("cacheDriver")
    errors.extend(_driver_errors(join_path(path, "storageDriver"), driver))
    if store.get("redirectBlobURL") and not driver:
        errors.append("%s: redirectBlobURL works only with a storageDriver (s3, gcs, azure)" % join_path(path, "redirectBlobURL"))
    if driver and sync_on and not download_dir:
        errors.append("%s: sync with %s storage needs extensions.sync.downloadDir (a local directory where images "
                      "are staged before they are moved to the bucket)" % (path, driver.get("name")))
    # zot's defaults: dedupe true at the top level (false on subPaths); remoteCache follows
    # dedupe on cloud storage unless it is set.
    dedupe = store.get("dedupe", not subpath)
    remote_cache = store.get("remoteCache", bool(dedupe and driver))
    if dedupe and driver and remote_cache and not cache:
        errors.append("%s: dedupe with %s storage needs a cacheDriver (dynamodb or redis) shared by every zot "
                      "replica; set dedupe: false, remoteCache: false or add a cacheDriver (zot refuses to start: "
                      "'dedupe set to true with remote storage and database, but no remote database configured')"
                      % (path, driver.get("name")))
    if cache and remote_cache:
        name = cache.get("name")
        if subpath and (name != "dynamodb" or not driver):
            errors.append("%s: on a subPath the only cacheDriver is dynamodb, with a storageDriver" % join_path(path, "cacheDriver"))
        elif not driver and name != "redis":
            errors.append("%s: local storage takes only a redis cacheDriver" % join_path(path, "cacheDriver"))
    if store.get("gc", not subpath) and subpath and "gcDelay" in store and _seconds(store["gcDelay"], 1) <= 0:
        errors.append("%s: gcDelay must be above 0 when gc is on" % join_path(path, "gcDelay"))
    return errors


def _root_errors(storage):
    stores = [("storage", storage)] + [
        ("storage.subPaths[%r]" % route, sub) for route, sub in sorted((storage.get("subPaths") or {}).items())
        if isinstance(sub, dict)]
    errors = []
    for index, (name, store) in enumerate(stores):
        for other_name, other in stores[index + 1:]:
            kind = (store.get("storageDriver") or {}).get("name", "local")
            if kind != (other.get("storageDriver") or {}).get("name", "local"):
                continue
            first = posixpath.normpath(store.get("rootDirectory") or ".")
            second = posixpath.normpath(other.get("rootDirectory") or ".")
            if first.lower() == second.lower():
                errors.append("%s.rootDirectory: the same directory as %s.rootDirectory (%s)" % (other_name, name, first))
            elif first.startswith(second.rstrip("/") + "/") or second.startswith(first.rstrip("/") + "/"):
                errors.append("%s.rootDirectory and %s.rootDirectory: one lies inside the other (%s, %s)"
                              % (name, other_name, first, second))
    return errors


def _sync_errors(config):
    errors = []
    registries = lookup(config, "extensions", "sync", "registries") or []
    compat = lookup(config, "http", "compat") or []
    for index, registry in enumerate(registries):
        if not isinstance(registry, dict):
            continue
        path = "extensions.sync.registries[%d]" % index
        if "retryDelay" not in registry:
            for key in ("maxRetries", "maxRetryDelay"):
                if key in registry:
                    errors.append("%s.%s: needs retryDelay as well" % (path, key))
        elif "maxRetryDelay" in registry and _seconds(registry["maxRetryDelay"]) < _seconds(registry["retryDelay"]):
            errors.append("%s.maxRetryDelay: must be at least retryDelay" % path)
        if _seconds(registry.get("manifestCheckInterval")) > 0 and not registry.get("onDemand"):
            errors.append("%s.manifestCheckInterval: works only with onDemand: true" % path)
        if registry.get("preserveDigest") and not compat:
            errors.append("%s.preserveDigest: needs http.compat (e.g. [%s])" % (path, DOCKER_COMPAT))
        errors.extend(_oauth2_errors(path, registry))
        for number, content in enumerate(registry.get("content") or []):
            if (isinstance(content, dict) and content.get("stripPrefix") and content.get("destination") == "/"
                    and "/*" not in content.get("prefix", "")):
                errors.append("%s.content[%d]: stripPrefix with destination '/' needs a glob in prefix (e.g. repo/**)"
                              % (path, number))
    return errors


def _oauth2_errors(path, registry):
    if registry.get("credentialHelper") != "oauth2":
        return []
    where = path + ".oauth2CredentialHelper"
    helper = registry.get("oauth2CredentialHelper") or {}
    if not helper:
        return ["%s: credentialHelper oauth2 needs this section" % where]
    errors = []
    if not str(helper.get("tokenURL", "")).strip():
        errors.append("%s.tokenURL: is required" % where)
    sources = [key for key in ("assertionFile", "signingFile") if str(helper.get(key, "")).strip()]
    if len(sources) != 1:
        errors.append("%s: give exactly one of assertionFile and signingFile" % where)
    exchange = helper.get("grantType") == "urn:ietf:params:oauth:grant-type:token-exchange"
    exchange_keys = [key for key in ("audience", "subjectTokenType", "requestedTokenType") if helper.get(key)]
    if not exchange and exchange_keys:
        errors.append("%s: %s only go with the token-exchange grantType" % (where, ", ".join(exchange_keys)))
    if exchange and not helper.get("audience"):
        errors.append("%s.audience: is required with the token-exchange grantType" % where)
    return errors


def _auth_kinds(config):
    """Which authentication methods the config turns on (zot's Is*AuthEnabled)."""
    auth = lookup(config, "http", "auth") or {}
    tls = lookup(config, "http", "tls") or {}
    kinds = []
    if lookup(auth, "htpasswd", "path"):
        kinds.append("htpasswd")
    if isinstance(auth.get("ldap"), dict):
        kinds.append("ldap")
    if any(name in ("google", "gitlab", "oidc", "github") for name in lookup(auth, "openid", "providers") or {}):
        kinds.append("openid")
    if auth.get("apikey"):
        kinds.append("apikey")
    bearer = auth.get("bearer")
    if isinstance(bearer, dict) and bearer.get("realm") and bearer.get("service") and (
            bearer.get("cert") or bearer.get("awsSecretsManager")):
        kinds.append("bearer")
    if isinstance(bearer, dict) and any(
            isinstance(item, dict) and item.get("issuer") and item.get("audiences") for item in bearer.get("oidc") or []):
        kinds.append("bearer")
    if tls.get("cert") and tls.get("key") and tls.get("cacert"):
        kinds.append("mtls")
    return kinds


def _only_anonymous(access):
    admin = access.get("adminPolicy") or {}
    if admin.get("actions") or admin.get("users"):
        return False
    anonymous = False
    for policy_group in (access.get("repositories") or {}).values():
        if not isinstance(policy_group, dict):
            continue
        if policy_group.get("defaultPolicy"):
            return False
        if policy_group.get("anonymousPolicy"):
            anonymous = True
        for policy in policy_group.get("policies") or []:
            if isinstance(policy, dict) and (policy.get("actions") or policy.get("users")):
                return False
    return anonymous


def _only_metrics_anonymous(access):
    admin = access.get("adminPolicy") or {}
    return (not (admin.get("actions") or admin.get("users") or admin.get("groups"))
            and not access.get("repositories") and not access.get("groups")
            and "read" in (lookup(access, "metrics", "anonymousPolicy") or []))


def _auth_errors(config):
    errors = []
    auth = lookup(config, "http", "auth") or {}
    access = lookup(config, "http", "accessControl")
    if isinstance(access, dict) and not _auth_kinds(config) and not (
            _only_anonymous(access) or _only_metrics_anonymous(access)):
        errors.append("http.accessControl: policies for users (defaultPolicy, policies, adminPolicy) need "
                      "authentication (http.auth.htpasswd, ldap, openid, bearer or mTLS); without it only "
                      "anonymousPolicy entries are allowed")
    for pattern in (access or {}).get("repositories") or {}:
        errors.extend(glob_errors(pattern, "http.accessControl.repositories"))
    ldap = auth.get("ldap")
    if isinstance(ldap, dict):
        for key in ("userAttribute", "address", "baseDN"):
            if not ldap.get(key):
                errors.append("http.auth.ldap.%s: is required" % key)
    for name, provider in (lookup(auth, "openid", "providers") or {}).items():
        where = "http.auth.openid.providers.%s" % name
        if not isinstance(provider, dict):
            continue
        if name not in ("google", "gitlab", "oidc", "github"):
            errors.append("%s: unknown provider (known: github, gitlab, google, oidc)" % where)
            continue
        needs = ["scopes"] + ([] if provider.get("credentialsFile") else ["clientid"])
        needs += [] if name == "github" else ["issuer"]
        for key in needs:
            if not provider.get(key):
                errors.append("%s.%s: is required%s" % (where, key, "" if key != "clientid" else " (or credentialsFile)"))
    errors.extend(_bearer_errors(auth.get("bearer")))
    driver = lookup(auth, "sessionDriver", "name")
    if driver == "redis" and auth.get("sessionKeysFile"):
        errors.append("http.auth.sessionKeysFile: not supported with the redis sessionDriver")
    errors.extend(_mtls_errors(config, auth.get("mtls")))
    return errors


def _bearer_errors(bearer):
    if not isinstance(bearer, dict):
        return []
    errors = []
    if bearer.get("cert") and bearer.get("awsSecretsManager"):
        errors.append("http.auth.bearer: give cert or awsSecretsManager, not both")
    upstream = bearer.get("upstreamTokenEndpoint")
    if isinstance(upstream, dict):
        if not (upstream.get("realm") and upstream.get("service")):
            errors.append("http.auth.bearer.upstreamTokenEndpoint: realm and service go together")
        else:
            where = "http.auth.bearer.upstreamTokenEndpoint.realm"
            realm_errors = url_errors(upstream["realm"], where, query=True)
            if not realm_errors and upstream["realm"].lower().startswith("http:") and not upstream.get("allowInsecureHttp"):
                realm_errors = ["%s: must use https unless allowInsecureHttp is true" % where]
            errors.extend(realm_errors)
    secrets = bearer.get("awsSecretsManager")
    if isinstance(secrets, dict):
        for key in ("region", "secretName"):
            if not secrets.get(key):
                errors.append("http.auth.bearer.awsSecretsManager.%s: is required" % key)
    return errors


_IDENTITY_ATTRIBUTES = ("commonname", "cn", "subject", "dn", "email", "rfc822name", "uri", "url", "dnsname", "dns")


def _mtls_errors(config, mtls):
    if not isinstance(mtls, dict):
        return []
    errors = []
    if "mtls" not in _auth_kinds(config):
        errors.append("http.auth.mtls: needs http.tls with cert, key and cacert")
    attributes = [str(item).strip().lower() for item in mtls.get("identityAttributes") or []]
    bad = [item for item in mtls.get("identityAttributes") or [] if str(item).strip().lower() not in _IDENTITY_ATTRIBUTES]
    if bad:
        errors.append("http.auth.mtls.identityAttributes: unknown %s (known: CommonName, Subject, Email, URI, DNSName)"
                      % ", ".join(repr(item) for item in bad))
    if not {"uri", "url"} & set(attributes):
        for key in ("uriSanPattern", "uriSanIndex", "dnsSanIndex", "emailSanIndex"):
            if mtls.get(key):
                errors.append("http.auth.mtls.%s: works only with the URI identity attribute" % key)
    return errors


def _extension_errors(config):
    errors = []
    extensions = config.get("extensions") or {}
    if not isinstance(extensions, dict):
        return errors
    search = extensions.get("search")
    if _enabled(extensions.get("ui")) and not _enabled(search):
        errors.append("extensions.ui: the UI needs extensions.search enabled")
    storage = config.get("storage") or {}
    stores = [storage] + [sub for sub in (storage.get("subPaths") or {}).values() if isinstance(sub, dict)]
    if _enabled(search) and isinstance(search.get("cve"), dict) and any(s.get("storageDriver") for s in stores):
        errors.append("extensions.search.cve: CVE scanning does not work with cloud storage (storageDriver); "
                      "remove cve or the storageDriver")
    return errors


def _cluster_errors(config):
    cluster = config.get("cluster")
    if not isinstance(cluster, dict):
        return []
    errors = []
    if not cluster.get("members"):
        errors.append("cluster.members: a scale-out cluster needs at least one member")
    # validateClusterConfig: Go's len() counts bytes (siphash takes a 128-bit key).
    if len((cluster.get("hashKey") or "").encode("utf-8")) != 16:
        errors.append("cluster.hashKey: must be exactly 16 bytes (16 ASCII characters)")
    return errors


def check_config(config):
    """Every error ``zot verify`` would report for ``config`` (keys canonical, values decoded).

    The types are checked on ``config`` as written; the rules across keys on what zot's struct
    holds after loading (``viper_view``: empty mappings dropped).
    """
    errors = validate(config, CONFIG_SCHEMA)
    if not _drop_empty(config):
        # LoadConfiguration: "failed to load config due to the absence of any key:value pair".
        errors.append("(top level): the config has no key with a value; zot needs at least storage.rootDirectory")
    if errors:
        return errors
    config = viper_view(config)
    storage = config.get("storage") or {}
    sync = lookup(config, "extensions", "sync")
    # applyDefaultValues: a sync section without enable is on, with or without registries.
    sync_on = _enabled(sync)
    download_dir = sync.get("downloadDir") if sync_on else None
    errors.extend(_store_errors("storage", storage, sync_on, download_dir, False))
    for route, sub in sorted((storage.get("subPaths") or {}).items()):
        errors.extend(_store_errors("storage.subPaths[%r]" % route, sub, sync_on, download_dir, True))
    errors.extend(_root_errors(storage))
    errors.extend(_sync_errors(config))
    errors.extend(_auth_errors(config))
    errors.extend(_extension_errors(config))
    errors.extend(_cluster_errors(config))
    return errors


def config_warnings(config):
    """What zot would silently change or ignore at start, and what it accepts but cannot use."""
    warnings = dropped_extensions(config, viper_view(config))
    for index, registry in enumerate(lookup(config, "extensions", "sync", "registries") or []):
        if not isinstance(registry, dict):
            continue
        where = "extensions.sync.registries[%d].urls" % index
        if not registry.get("urls"):
            warnings.append("%s: no URL: zot accepts the entry but has nothing to sync from" % where)
        for number, url in enumerate(registry.get("urls") or []):
            warnings.extend("%s (zot accepts it, but sync cannot reach it)" % problem
                            for problem in url_errors(url, "%s[%d]" % (where, number)))
    for path in (("extensions", "search", "cve", "updateInterval"), ("extensions", "scrub", "interval")):
        value = lookup(config, *path)
        if isinstance(value, str) and _seconds(value, MIN_BACKGROUND_INTERVAL) < MIN_BACKGROUND_INTERVAL:
            warnings.append("%s: %s is below zot's minimum; zot raises it to 2h" % (".".join(path), value))
    storage = config.get("storage") or {}
    warnings.extend(_driver_warnings("storage.storageDriver", storage.get("storageDriver")))
    for route, sub in sorted((storage.get("subPaths") or {}).items()):
        if isinstance(sub, dict):
            warnings.extend(_driver_warnings("storage.subPaths[%r].storageDriver" % route, sub.get("storageDriver")))
    if storage.get("gc") is False:
        for key in ("gcDelay", "gcInterval", "gcTimeWindow"):
            if key in storage:
                warnings.append("storage.%s: ignored because storage.gc is false" % key)
    if storage.get("cacheDriver") and storage.get("remoteCache") is False:
        warnings.append("storage.cacheDriver: ignored because storage.remoteCache is false")
    return warnings


def check_secret_file(kind, data):
    """Errors in one of the files zot reads next to config.json (see SECRET_FILE_SCHEMAS)."""
    schema = SECRET_FILE_SCHEMAS[kind]
    data, errors = canonical_keys(data, schema)
    return errors + validate(data, schema)


# --- building from the module's options --------------------------------------------------------

def build_config(params):
    """``(config, errors, notes, warnings)``: sections merged over ``params['config']``, decoded as
    zot's loader decodes them (``weak_values``), with our defaults.

    ``notes`` lists each default we chose, so the module can say what it decided and why;
    ``warnings`` what the loader reads differently from how it is written.
    """
    errors = []
    config, more = canonical_keys(copy.deepcopy(params.get("config") or {}), CONFIG_SCHEMA)
    errors.extend(more)
    for name in SECTIONS[1:]:
        value = params.get(name)
        if value is None:
            continue
        value, more = canonical_keys(copy.deepcopy(value), CONFIG_SCHEMA["fields"][name], name)
        errors.extend(more)
        config[name] = deep_merge(config.get(name) or {}, value) if isinstance(value, dict) else value
    config, more, warnings = weak_values(config, CONFIG_SCHEMA)
    errors.extend(more)
    notes = []

    def default(path, value, why):
        parent = config
        for key in path[:-1]:
            parent = parent.setdefault(key, {})
            if not isinstance(parent, dict):
                return
        if path[-1] not in parent:
            parent[path[-1]] = value
            notes.append("%s: %s (%s)" % (".".join(path), json.dumps(value), why))

    default(("distSpecVersion",), DIST_SPEC_VERSION, "the OCI distribution-spec version zot serves")
    default(("storage", "rootDirectory"), "/var/lib/registry", "where the data volume is mounted")
    default(("http", "address"), "0.0.0.0", "reachable from outside the container")
    default(("http", "port"), "5000", "the port the seeds and zot's chart use")
    default(("log", "level"), "info", "zot's own default is debug")
    storage = config.get("storage")
    if isinstance(storage, dict) and storage.get("storageDriver") and not storage.get("cacheDriver"):
        default(("storage", "dedupe"), False,
                "cloud storage without a cacheDriver: zot refuses to start with dedupe on")
    if params.get("docker_compat", True):
        default(("http", "compat"), [DOCKER_COMPAT],
                "docker push of Docker-format images fails with 'manifest invalid' without it")
    return order_config(config), errors, notes, warnings


def order_config(config):
    """The config with top-level sections in zot's order (the rest keep theirs, after)."""
    ordered = dict((name, config[name]) for name in SECTIONS if name in config)
    ordered.update((key, value) for key, value in config.items() if key not in ordered)
    return ordered


def render(config):
    """config.json text: two-space indent, keys in the order given, a final newline."""
    return json.dumps(config, indent=2, ensure_ascii=False) + "\n"


def secret_values(value, key=None):
    """String values of keys zot treats as sensitive (for Ansible's no_log masking)."""
    found = set()
    if isinstance(value, dict):
        for name, item in value.items():
            found |= secret_values(item, name)
    elif isinstance(value, list):
        for item in value:
            found |= secret_values(item, key)
    elif isinstance(value, str) and value and isinstance(key, str):
        if key.lower().replace("_", "").replace("-", "") in SENSITIVE_KEYS:
            found.add(value)
    return found


class ZotConfig(ConfigFormat):
    """zot's config.json for the zot_config module: built, checked, returned, optionally written."""

    # zot reloads some keys on a file *write* event; Ansible replaces files by rename, which its
    # watcher can miss, and address, port, TLS and storage need a restart anyway.
    signal = RESTART
    private = True  # S3 keys
    summary = "invalid zot config"

    def secrets(self, params):
        return secret_values(build_config(params)[0])

    def build(self, params, facts):
        config, errors, notes, loading = build_config(params)
        if not errors:
            errors = check_config(config)
        errors, unchecked = unchecked_regexes(errors)
        errors, uncompiled = expression_warnings(errors)
        if errors:
            raise Invalid(errors, self.summary)
        return {"config": config, "notes": notes, "unchecked": unchecked + uncompiled + loading}

    def warnings(self, wanted):
        return wanted["unchecked"] + config_warnings(wanted["config"])

    def render(self, doc, path):
        return render(doc["config"])

    def report(self, wanted, outcome):
        text = render(wanted["config"])
        return {
            "config": wanted["config"],
            "json": text,
            "checksum": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "defaults_applied": wanted["notes"],
        }
