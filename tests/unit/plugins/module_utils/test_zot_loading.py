# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A corpus of configs zot accepts and refuses, each case naming the zot code that decides it.

zot at commit 6d19b445: pkg/cli/server/root.go (LoadConfiguration, applyDefaultValues,
validateConfiguration and its helpers), pkg/log (ParseLevel), pkg/api (CompileAccessControl),
pkg/cel (NewExpression, NewClaimProcessor), viper 1.21 and go-viper/mapstructure 2 (weak
decoding), doublestar v4 (ValidatePattern), Go's path.Clean and strconv. The real zot binary
could not be built on these machines (the Go module proxy refuses zot's module), so these
cases were not run through ``zot verify``; each one follows the named source.
"""

from __future__ import annotations

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils import _zot
from ansible_collections.anchorage.registry.plugins.module_utils._cel import cel_errors

HTPASSWD = {"auth": {"htpasswd": {"path": "/etc/zot/htpasswd"}}}


def load(config):
    """``(errors, warnings)`` of a whole config, through the module's own path."""
    built, errors, _notes, loading = _zot.build_config({"config": config, "docker_compat": False})
    errors = errors or _zot.check_config(built)
    return errors, loading + (_zot.config_warnings(built) if not errors else [])


def condition(expression):
    return {"http": dict(HTPASSWD, accessControl={"repositories": {"**": {"policies": [
        {"users": ["a"], "actions": ["read"], "conditions": [{"expression": expression}]}]}}}),
        "storage": {"rootDirectory": "/z"}}


ACCEPTED = [
    # (zot function, config)
    ("log.ParseLevel: any case", {"storage": {"rootDirectory": "/z"}, "log": {"level": "WARNING"}}),
    ("log.ParseLevel: trace", {"storage": {"rootDirectory": "/z"}, "log": {"level": "trace"}}),
    ("mapstructure weak decoding: 'true' to bool", {"storage": {"rootDirectory": "/z", "dedupe": "true"}}),
    ("mapstructure weak decoding: 1 to bool", {"storage": {"rootDirectory": "/z", "gc": 1}}),
    ("mapstructure weak decoding: '5' to int", {"storage": {"rootDirectory": "/z", "maxRepos": "5"}}),
    ("mapstructure weak decoding: '0x10' (strconv.ParseInt base 0)", {"storage": {"rootDirectory": "/z", "maxRepos": "0x10"}}),
    ("mapstructure weak decoding: a number to a string", {"storage": {"rootDirectory": "/z"}, "http": {"port": 5000}}),
    ("validateHTTP: port 0 lets the kernel pick", {"storage": {"rootDirectory": "/z"}, "http": {"port": "0"}}),
    ("validateSync: sync with no registries", {"storage": {"rootDirectory": "/z"}, "extensions": {"sync": {"enable": True}}}),
    ("validateSyncRegistry: no urls", {"storage": {"rootDirectory": "/z"}, "extensions": {"sync": {"registries": [{"onDemand": True}]}}}),
    ("doublestar.ValidatePattern: escaped brace", {"storage": {"rootDirectory": "/z", "retention": {"policies": [{"repositories": ["a\\{"]}]}}}),
    ("doublestar.ValidatePattern: negated class", {"storage": {"rootDirectory": "/z", "retention": {"policies": [{"repositories": ["[!a]*"]}]}}}),
    ("doublestar.ValidatePattern: a ']' after a class is a literal",
     {"storage": {"rootDirectory": "/z", "retention": {"policies": [{"repositories": ["[a]]"]}]}}}),
    ("validateMetricsConfig: path.Clean keeps /metrics", {"storage": {"rootDirectory": "/z"}, "extensions": {"metrics": {"prometheus": {"path": "/metrics"}}}}),
    ("CompileAccessControl: req and ext.Strings", condition('req.method == "GET" && req.path.lowerAscii().startsWith("/v2")')),
    ("CompileAccessControl: macros bind their variable", condition('req.headers.exists(h, h == "x-ci")')),
    ("CompileAccessControl: ext.Sets", condition('sets.contains(["a", "b"], [req.method])')),
    ("applyDefaultValues: every extension empty turns metrics, search, ui on",
     {"storage": {"rootDirectory": "/z"}, "extensions": {"search": {}, "ui": {}}}),
    ("gctimewindow.parseGCTimeWindow: spaces around each time", {"storage": {"rootDirectory": "/z", "gcTimeWindow": " 1:00 - 05:30 "}}),
]

REFUSED = [
    # (zot function, config, the start of our one message)
    ("log.ParseLevel: 'disabled' is not a level", {"storage": {"rootDirectory": "/z"}, "log": {"level": "disabled"}},
     "log.level: 'disabled' is not a log level zot knows"),
    ("log.ParseLevel: an empty level", {"storage": {"rootDirectory": "/z"}, "log": {"level": ""}},
     "log.level: '' is not a log level zot knows"),
    ("mapstructure weak decoding: strconv.ParseBool", {"storage": {"rootDirectory": "/z", "dedupe": "yes"}},
     "storage.dedupe: 'yes' is not a boolean (strconv.ParseBool"),
    ("mapstructure weak decoding: strconv.ParseInt", {"storage": {"rootDirectory": "/z", "maxRepos": "5 "}},
     "storage.maxRepos: '5 ' is not a whole number (strconv.ParseInt)"),
    ("validateHTTP: port above 65535", {"storage": {"rootDirectory": "/z"}, "http": {"port": "65536"}},
     "http.port: '65536' is not a port number"),
    ("doublestar.ValidatePattern: unbalanced brace", {"storage": {"rootDirectory": "/z"}, "http": {"accessControl": {
        "repositories": {"{a,b": {"anonymousPolicy": ["read"]}}}}},
     "http.accessControl.repositories: '{a,b' has a '{' without a closing '}'"),
    ("doublestar.ValidatePattern: a '}' without '{'", {"storage": {"rootDirectory": "/z", "retention": {"policies": [
        {"repositories": ["a}"]}]}}}, "storage.retention.policies[0].repositories[0]: 'a}' has a '}' without an opening '{'"),
    ("doublestar.ValidatePattern: empty class", {"storage": {"rootDirectory": "/z"}, "extensions": {"sync": {
        "registries": [{"urls": ["https://r"], "content": [{"prefix": "[]a"}]}]}}},
     "extensions.sync.registries[0].content[0].prefix: '[]a' has an empty character class"),
    ("doublestar.ValidatePattern: empty negated class", {"storage": {"rootDirectory": "/z", "retention": {"policies": [
        {"repositories": ["[^]"]}]}}}, "storage.retention.policies[0].repositories[0]: '[^]' has an empty character class"),
    ("validateMetricsConfig: path.Clean('//metrics') is '/metrics'", {"storage": {"rootDirectory": "/z"},
     "extensions": {"metrics": {"prometheus": {"path": "//metrics"}}}},
     "extensions.metrics.prometheus.path: '//metrics' is not a clean path (path.Clean gives '/metrics')"),
    ("validateMetricsConfig: an empty path cleans to '.'", {"storage": {"rootDirectory": "/z"},
     "extensions": {"metrics": {"prometheus": {"path": ""}}}},
     "extensions.metrics.prometheus.path: '' is not a clean path (path.Clean gives '.')"),
    ("validateMetricsConfig: ErrInvalidMetricsPathPrefix", {"storage": {"rootDirectory": "/z"},
     "extensions": {"metrics": {"prometheus": {"path": "metrics"}}}},
     "extensions.metrics.prometheus.path: 'metrics' must start with /"),
    ("CompileAccessControl: syntax error", condition('req.method =='), "http.accessControl.repositories.**.policies[0]"
     ".conditions[0].expression: 'req.method ==' is not a CEL expression"),
    ("CompileAccessControl: undeclared variable", condition('request.method == "GET"'),
     "http.accessControl.repositories.**.policies[0].conditions[0].expression: 'request.method == \"GET\"' does not "
     "compile: undeclared reference to 'request' (declared: req)"),
    ("CompileAccessControl: undeclared function", condition('req.path.glob("a")'),
     "http.accessControl.repositories.**.policies[0].conditions[0].expression: 'req.path.glob(\"a\")' does not "
     "compile: undeclared reference to function 'glob'"),
    ("CompileAccessControl: a macro's variable does not leak", condition('[1].all(x, x > 0) && x == 1'),
     "http.accessControl.repositories.**.policies[0].conditions[0].expression: '[1].all(x, x > 0) && x == 1' does not "
     "compile: undeclared reference to 'x'"),
    ("CompileAccessControl: an empty condition", condition(''),
     "http.accessControl.repositories.**.policies[0].conditions[0].expression: an empty CEL expression does not compile"),
    ("cel.NewClaimProcessor: claims and vars only", {"storage": {"rootDirectory": "/z"}, "http": {"auth": {"bearer": {
        "oidc": [{"issuer": "https://i", "audiences": ["zot"], "claimMapping": {"username": "token.sub"}}]}}}},
     "http.auth.bearer.oidc[0].claimMapping.username: 'token.sub' does not compile: undeclared reference to 'token'"),
    ("cel.NewClaimProcessor: ErrOIDCEmptyValidationMsg", {"storage": {"rootDirectory": "/z"}, "http": {"auth": {"bearer": {
        "oidc": [{"issuer": "https://i", "audiences": ["zot"], "claimMapping": {"validations": [
            {"expression": "claims.aud == 'zot'"}]}}]}}}},
     "http.auth.bearer.oidc[0].claimMapping.validations[0].message: is required"),
    ("validateStorageConfigSection: sync without enable is on, even with no registries",
     {"storage": {"rootDirectory": "/z", "dedupe": False, "storageDriver": {"name": "s3", "bucket": "b", "region": "r"}},
      "extensions": {"sync": {"downloadDir": ""}}},
     "storage: sync with s3 storage needs extensions.sync.downloadDir"),
    ("gctimewindow.parseTimeOfDay: minutes need two digits", {"storage": {"rootDirectory": "/z", "gcTimeWindow": "1:0-2:00"}},
     "storage.gcTimeWindow: '1:0-2:00': '1:0' is not a 24h time HH:MM"),
]


@pytest.mark.parametrize("rule, config", ACCEPTED, ids=[case[0] for case in ACCEPTED])
def test_zot_accepts(rule, config):
    errors, _warnings = load(config)
    assert errors == [], rule


@pytest.mark.parametrize("rule, config, message", REFUSED, ids=[case[0] for case in REFUSED])
def test_zot_refuses(rule, config, message):
    errors, _warnings = load(config)
    assert len(errors) == 1 and errors[0].startswith(message), (rule, errors)


def test_viper_drops_an_empty_extension_when_others_have_settings():
    # Seed 002 wrote metrics: {} and search: {} next to lint: {enable: true}: viper drops the empty
    # mappings, so the struct has no Metrics or Search and applyDefaultValues does not bring them back.
    config = {"storage": {"rootDirectory": "/z"}, "extensions": {"metrics": {}, "search": {}, "lint": {"enable": True}}}
    errors, warnings = load(config)
    assert errors == []
    assert warnings == [
        "extensions.metrics: an empty mapping is dropped by zot's loader (viper) when other extensions have "
        "settings, so metrics stays off; write {enable: true}",
        "extensions.search: an empty mapping is dropped by zot's loader (viper) when other extensions have "
        "settings, so search stays off; write {enable: true}"]
    # ... and with the UI, which needs search, zot refuses to start.
    config["extensions"]["ui"] = {"enable": True}
    assert load(config)[0] == ["extensions.ui: the UI needs extensions.search enabled"]


def test_empty_extensions_alone_are_turned_on_by_apply_default_values():
    view = _zot.viper_view({"storage": {"rootDirectory": "/z"}, "extensions": {"metrics": {}, "sync": {}, "lint": {}}})
    assert view["extensions"] == {"metrics": {}}  # sync and lint are not among those it recreates


def test_weak_values_come_out_typed():
    built, errors, _notes, _warnings = _zot.build_config({"config": {"storage": {
        "rootDirectory": "/z", "dedupe": "false", "gc": "1", "maxRepos": "010"}, "http": {"port": 5000}}})
    assert errors == []
    assert built["storage"] == {"rootDirectory": "/z", "dedupe": False, "gc": True, "maxRepos": 8}
    assert built["http"]["port"] == "5000"


def test_go_helpers():
    assert [_zot.go_path_clean(p) for p in ("", "//a", "/a/../b/", "a//b/.")] == [".", "/a", "/b", "a/b"]
    assert [_zot.go_parse_int(t) for t in ("0x1f", "-010", "0b11", "1_000", "+7")] == [31, -8, 3, 1000, 7]
    for text in ("", " 1", "1e3", "9223372036854775808"):
        with pytest.raises(ValueError):
            _zot.go_parse_int(text)


def test_optional_syntax_is_reported_as_not_checked_rather_than_refused():
    # zot enables cel.OptionalTypes; cel-python's grammar has no .? syntax.
    built, errors, _notes, _warnings = _zot.build_config({"config": condition("req.?tls.orValue(false)")})
    assert errors == [] and _zot.check_config(built) == [
        "http.accessControl.repositories.**.policies[0].conditions[0].expression: not checked: cel-python does "
        "not parse the optional-field syntax (.? [?)"]


def test_cel_checker_declarations():
    assert cel_errors('type(req.x) == string && has(req.y) && size(req.z) > 0', "c", ("req",)) == []
    assert cel_errors('base64.decode(req.b) == b"x"', "c", ("req",)) == []
    assert cel_errors('sets.union([1], [2])', "c", ("req",)) == [
        "c: 'sets.union([1], [2])' does not compile: undeclared reference to function 'sets.union' (declared: req)"]
