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

from ansible_collections.anchorage.registry.plugins.module_utils import _cel, _zot

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
     "compile: ERROR: <input>:1:8: undeclared reference to 'request.method' (in container '')"),
    ("CompileAccessControl: undeclared function", condition('req.path.glob("a")'),
     "http.accessControl.repositories.**.policies[0].conditions[0].expression: 'req.path.glob(\"a\")' does not "
     "compile: ERROR: <input>:1:14: undeclared reference to 'glob' (in container '')"),
    ("CompileAccessControl: a macro's variable does not leak", condition('[1].all(x, x > 0) && x == 1'),
     "http.accessControl.repositories.**.policies[0].conditions[0].expression: '[1].all(x, x > 0) && x == 1' does not "
     "compile: ERROR: <input>:1:22: undeclared reference to 'x' (in container '')"),
    ("CompileAccessControl: a type error (Env.Compile checks types)", condition('req.method == "GET" && 1 + "a"'),
     "http.accessControl.repositories.**.policies[0].conditions[0].expression: 'req.method == \"GET\" && 1 + \"a\"' "
     "does not compile: ERROR: <input>:1:26: found no matching overload for '_+_' applied to '(int, string)'"),
    ("cel.NewExpression: env.Program with OptOptimize evaluates a constant conversion",
     condition('req.time > timestamp("2024-01-01")'),
     "http.accessControl.repositories.**.policies[0].conditions[0].expression: 'req.time > timestamp(\"2024-01-01\")' "
     "does not compile: failed to create CEL program: timestamp(\"2024-01-01\"): String to Timestamp conversion failed"),
    ("cel.NewExpression: env.Program compiles a constant matches() pattern (MatchesRegexOptimization)",
     condition('req.repository.matches("^team-(?=a)")'),
     "http.accessControl.repositories.**.policies[0].conditions[0].expression: 'req.repository.matches("
     "\"^team-(?=a)\")' does not compile: failed to create CEL program: matches: '^team-(?=a)' is not a Go regular "
     "expression: invalid perl operator: (?="),
    ("CompileAccessControl: HomogeneousAggregateLiterals", condition('req.method in ["GET", 1]'),
     "http.accessControl.repositories.**.policies[0].conditions[0].expression: 'req.method in [\"GET\", 1]' "
     "does not compile: ERROR: <input>:1:23: expected type 'string' but found 'int'"),
    ("CompileAccessControl: an empty condition", condition(''),
     "http.accessControl.repositories.**.policies[0].conditions[0].expression: an empty CEL expression does not compile"),
    ("cel.NewClaimProcessor: claims and vars only", {"storage": {"rootDirectory": "/z"}, "http": {"auth": {"bearer": {
        "oidc": [{"issuer": "https://i", "audiences": ["zot"], "claimMapping": {"username": "token.sub"}}]}}}},
     "http.auth.bearer.oidc[0].claimMapping.username: 'token.sub' does not compile: ERROR: <input>:1:6: undeclared "
     "reference to 'token.sub' (in container '')"),
    ("cel.NewClaimProcessor: validations WithOutputType(types.BoolType)", {"storage": {"rootDirectory": "/z"}, "http": {
        "auth": {"bearer": {"oidc": [{"issuer": "https://i", "audiences": ["zot"], "claimMapping": {"validations": [
            {"expression": "claims.email_verified", "message": "verified"}]}}]}}}},
     "http.auth.bearer.oidc[0].claimMapping.validations[0].expression: 'claims.email_verified' does not compile: "
     "CEL expression output type mismatch: expected bool, got dyn"),
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


REQUEST = {"req": _cel.DYN_MAP}
CLAIMS = {"claims": _cel.STRUCT, "vars": _cel.STRUCT}


@pytest.mark.parametrize("expression", [
    # cel.OptionalTypes (latest): the optional syntax and functions, version 2's unwrap, first and last.
    'req.?tls.orValue(false) && req[?"x"].hasValue() && [?req.?y].size() == 0',
    'optional.unwrap([optional.of(1)]) == [optional.none()].unwrapOpt() && [1].first().value() == 1',
    # cel.CrossTypeNumericComparisons(true): ordering across int, uint and double.
    '1 < 2.0 && 2u >= 1 && 3.5 > 3u && duration("1s") <= duration("2s")',
    # ext.Strings (latest), ext.Encoders, ext.Sets (list(T) against list(T); dyn fits any T).
    'req.path.lowerAscii().split("/").join("-").reverse() != strings.quote("x")',
    'base64.decode(req.b) == b"x" && base64.encode(b"x") == "eA=="',
    'sets.contains(["a"], [req.method]) || sets.intersects([1], [2]) || sets.equivalent([1u], [1u])',
    # Standard macros, including the three-argument map.
    '[1, 2].map(x, x > 0, x * 2).exists_one(y, y == 2) && type(req.x) == string && has(req.y.z)',
    # HomogeneousAggregateLiterals exempts the literals inside a format call.
    'req.f.format([1, "a", [2, "b"]]) != ""',
])
def test_new_expression_accepts(expression):
    assert _cel.cel_errors(expression, "c", REQUEST) == []


@pytest.mark.parametrize("expression, message", [
    # Env.Compile type-checks: what a parser alone let through.
    ('1 + "a"', "found no matching overload for '_+_' applied to '(int, string)'"),
    ('req.method.startsWith(1)', "found no matching overload for 'startsWith' applied to '(dyn, int)'"),
    ('1 == 1.0', "found no matching overload for '_==_' applied to '(int, double)'"),
    ('sets.contains([1], ["a"])', "found no matching overload for 'sets.contains' applied to '(list(int), list(string))'"),
    ('sets.union([1], [2])', "1:11: undeclared reference to 'union' (in container '')"),
    ('math.greatest(1, 2)', "1:14: undeclared reference to 'greatest' (in container '')"),
    # cel-go #1300 (before v0.31) dropped duration(int); cel-cpp still has it.
    ('duration(1) > duration("0s")', "found no matching overload for 'duration' applied to '(int)'"),
    # ValidateHomogeneousAggregateLiterals: lists stop at the first mismatch, maps check every entry.
    ('[1, "a", 2.0].size() > 0', "1:5: expected type 'int' but found 'string'"),
    ('req.x in [req.y, "a"]', "1:18: expected type 'dyn' but found 'string'"),
    ('{"a": 1, 2: "b"}.size() > 0', "1:10: expected type 'string' but found 'int'; ERROR: <input>:1:13: expected "
     "type 'int' but found 'string'"),
    ('[[1], ["a"]].size() > 0', "1:7: expected type 'list(int)' but found 'list(string)'"),
])
def test_new_expression_refuses(expression, message):
    errors = _cel.cel_errors(expression, "c", REQUEST)
    assert len(errors) == 1 and errors[0].startswith("c: %r does not compile: ERROR: <input>:" % expression), errors
    assert errors[0].endswith(message), errors


def test_a_syntax_error_is_not_a_cel_expression_and_the_message_is_one_line():
    assert _cel.cel_errors("req.method ==\n  && true", "c", REQUEST) == [
        "c: 'req.method ==\\n  && true' is not a CEL expression: ERROR: <input>:2:3: Syntax error: extraneous input "
        "'&&' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
        "BYTES, IDENTIFIER}"]


def test_claim_processor_output_types():
    # NewClaimProcessor compiles validations WithOutputType(types.BoolType), compared as the same type.
    assert _cel.cel_errors("claims.email_verified == true", "v", CLAIMS, output="bool") == []
    assert _cel.cel_errors("claims.org in vars.allowedOrgs", "v", CLAIMS, output="bool") == []
    assert _cel.cel_errors("claims.email_verified", "v", CLAIMS, output="bool") == [
        "v: 'claims.email_verified' does not compile: CEL expression output type mismatch: expected bool, got dyn"]
    # google.protobuf.Struct is map(string, dyn) to the checker; req is not declared there.
    assert _cel.cel_errors("claims.iss + '/' + claims.sub", "u", CLAIMS, evaluated_as="EvaluateString") == []
    assert _cel.cel_errors("req.x", "u", CLAIMS)[0].endswith("undeclared reference to 'req.x' (in container '')")


@pytest.mark.parametrize("expression, evaluated_as, kind", [
    # Expression.EvaluateBoolean (authz, validations), EvaluateString (username),
    # EvaluateStringSlice (groups): a static type they cannot convert fails at every evaluation.
    ("req.method", "EvaluateBoolean", None),
    ("req.?tls", "EvaluateBoolean", "optional_type(dyn)"),
    ("size(req.x)", "EvaluateBoolean", "int"),
    ("claims.groups", "EvaluateStringSlice", None),
    ("claims.groups.map(g, 'team-' + g)", "EvaluateStringSlice", None),
    ("['a', 'b']", "EvaluateStringSlice", None),
    ("[1]", "EvaluateStringSlice", "list(int)"),
    ("claims.sub.size()", "EvaluateString", "int"),
])
def test_a_result_type_zot_cannot_evaluate_is_a_warning(expression, evaluated_as, kind):
    found = _cel.cel_errors(expression, "e", dict(REQUEST, **CLAIMS), evaluated_as=evaluated_as)
    if kind is None:
        assert found == []
        return
    assert found == ["e: zot accepts it, but %r has type %s and zot evaluates it with %s, which fails every time" % (
        expression, kind, evaluated_as)]
    assert _cel.expression_warnings(found) == ([], found)


def test_a_condition_zot_accepts_but_cannot_use_warns_through_the_module_path():
    # CompileAccessControl compiles without an output type, so zot verify accepts it.
    built, errors, _notes, _warnings = _zot.build_config({"config": condition("size(req.repository)")})
    found = _zot.check_config(built)
    assert errors == [] and _cel.expression_warnings(found) == ([], [
        "http.accessControl.repositories.**.policies[0].conditions[0].expression: zot accepts it, but "
        "'size(req.repository)' has type int and zot evaluates it with EvaluateBoolean, which fails every time"])


@pytest.mark.parametrize("expression, message", [
    # ext.Strings' stringFormatValidatorV2: a literal format string against a literal argument list.
    ('"%d".format(["a"]) == req.x', "1:14: error during formatting: decimal clause can only be used on ints, uints, "
     "and doubles, was given string"),
    ('"%s".format([[1, req.f, optional.none()]]) == ""', "1:38: error during formatting: string clause can only be "
     "used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given "
     "optional_type"),
    ('"%s %s".format(["a"]) == ""', "1:15: index 1 out of range"),
    ('"%s".format(["a", "b"]) == ""', "1:12: too many arguments supplied to string.format (expected 1, got 2)"),
    ('"%z".format([1]) == ""', '1:12: could not parse formatting clause: unrecognized formatting clause "z"'),
    ('"%.101f".format([1.0]) == ""', "1:16: could not parse formatting clause: error while parsing precision: "
     "precision 101 exceeds maximum allowed precision 100"),
])
def test_a_literal_format_string_is_checked_against_its_arguments(expression, message):
    assert _cel.cel_errors(expression, "c", REQUEST) == ["c: %r does not compile: ERROR: <input>:%s" % (
        expression, message)]


def test_format_accepts_what_its_clauses_take():
    assert _cel.cel_errors('"%s %d %.2f %x %o %b %e %%".format([[1], 2, 3.0, b"a", 4u, true, 5]) != ""', "c",
                           REQUEST) == []
    assert _cel.cel_errors('"%d".format([req.x]) != "" && req.f.format(["a"]) != ""', "c", REQUEST) == []


def test_without_the_library_nothing_is_refused(monkeypatch):
    monkeypatch.setattr(_cel, "HAS_CEL", False)
    found = _cel.cel_errors("1 + 'a'", "c", REQUEST)
    assert found == ["c: not checked: the Python library cel-expr-python is not installed (it has wheels for CPython "
                     "3.11 and newer)"]
    assert _cel.expression_warnings(found) == ([], found)
