# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy
import glob
import json
import os

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils import _zot

# zot's own examples/ (upstream commit 6d19b445), kept beside the checkout in ../shared/reference/zot.
HERE = os.path.dirname(os.path.realpath(__file__))  # <checkout>/tests/unit/plugins/module_utils
REFERENCE = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "reference", "zot"))
# Files in zot's examples/ that are not config.json but files a config points at.
SECRET_FILES = {
    "config-ldap-credentials.json": "ldap_credentials",
    "config-openid-github-credentials.json": "openid_credentials",
    "config-openid-gitlab-credentials.json": "openid_credentials",
    "config-openid-google-credentials.json": "openid_credentials",
    "config-openid-oidc-credentials.json": "openid_credentials",
    "sessionKeys.json": "session_keys",
    "sync-auth-filepath.json": "sync_credentials",
    "sync-oauth2-signing.json": "oauth2_signing",
}
EXAMPLES = sorted(glob.glob(os.path.join(REFERENCE, "*.json")))
if not EXAMPLES:
    # Else the example test below would parametrize zero cases and the run would pass.
    pytest.fail(f"no zot example configs in {REFERENCE}: put zot's examples/*.json there", pytrace=False)

S3 = {"name": "s3", "regionendpoint": "http://minio.minio.svc:9000", "region": "us-east-1", "bucket": "zot",
      "secure": False, "skipverify": True}
REDIS = {"name": "redis", "url": "redis://redis:6379"}


def build(**params):
    config, errors, notes, _warnings = _zot.build_config(params)
    assert errors == []
    return config, notes


def errors_for(**params):
    config, errors, _notes, _warnings = _zot.build_config(params)
    return errors or _zot.check_config(config)


def one_error(**params):
    errors = errors_for(**params)
    assert len(errors) == 1, errors
    return errors[0]


def sync(*registries, **extra):
    return {"sync": dict(extra, registries=list(registries))}


# --- zot's own examples: the typed options must not be a cage ------------------------------------

def test_reference_directory_holds_zots_examples():
    assert len(EXAMPLES) == 63
    assert set(SECRET_FILES) <= set(os.path.basename(path) for path in EXAMPLES)


@pytest.mark.parametrize("path", EXAMPLES, ids=os.path.basename)
def test_every_zot_example_passes_as_it_is(path):
    with open(path) as handle:
        data = json.load(handle)
    name = os.path.basename(path)
    if name in SECRET_FILES:
        assert _zot.check_secret_file(SECRET_FILES[name], data) == []
        return
    config, errors = _zot.canonical_keys(data, _zot.CONFIG_SCHEMA)
    assert errors == []
    assert _zot.check_config(config) == []
    # Built through the module's path too (our defaults only fill what is missing).
    built, errors, _notes, _warnings = _zot.build_config({"config": data, "docker_compat": False})
    assert errors == [] and _zot.check_config(built) == []
    assert contains(built, config)


def contains(big, small):
    """Every key and value of ``small`` is in ``big`` (which may have more keys)."""
    if isinstance(small, dict):
        return isinstance(big, dict) and all(key in big and contains(big[key], value) for key, value in small.items())
    return big == small


def test_a_copy_of_an_example_with_one_typo_is_refused():
    with open(os.path.join(REFERENCE, "config-sync.json")) as handle:
        data = json.load(handle)
    broken = copy.deepcopy(data)
    broken["extensions"]["sync"]["registries"][0]["onDemnd"] = True
    config, errors = _zot.canonical_keys(broken, _zot.CONFIG_SCHEMA)
    found = _zot.check_config(config)
    assert len(found) == 1 and found[0].startswith("extensions.sync.registries[0].onDemnd: unknown key")


# --- building ------------------------------------------------------------------------------------

def test_defaults_and_the_order_of_sections():
    config, notes = build(extensions={"search": {"enable": True}})
    assert list(config) == ["distSpecVersion", "storage", "http", "log", "extensions"]
    assert config["storage"] == {"rootDirectory": "/var/lib/registry"}
    assert config["http"] == {"address": "0.0.0.0", "port": "5000", "compat": ["docker2s2"]}
    assert config["log"] == {"level": "info"}
    assert any(note.startswith('http.compat: ["docker2s2"]') and "manifest invalid" in note for note in notes)
    assert _zot.check_config(config) == []
    assert _zot.render(config).endswith("}\n") and json.loads(_zot.render(config)) == config


def test_docker_compat_off_and_explicit_compat_kept():
    config, _notes = build(docker_compat=False)
    assert "compat" not in config["http"]
    config, notes = build(http={"compat": []})
    assert config["http"]["compat"] == [] and not any("compat" in note for note in notes)


def test_sections_merge_over_a_whole_config():
    base = {"storage": {"rootDirectory": "/data", "gc": False}, "http": {"port": "8080"}}
    config, _notes = build(config=base, storage={"gc": True, "gcDelay": "2h"}, http={"address": "127.0.0.1"})
    assert config["storage"] == {"rootDirectory": "/data", "gc": True, "gcDelay": "2h"}
    assert config["http"]["port"] == "8080" and config["http"]["address"] == "127.0.0.1"


def test_keys_match_without_case_and_come_out_spelt_as_documented():
    config, _notes = build(storage={"rootdirectory": "/r", "GCDELAY": "1h", "Retention": {"Policies": [
        {"Repositories": ["**"], "KeepTags": [{"MostRecentlyPushedCount": 1}]}]}})
    assert config["storage"] == {"rootDirectory": "/r", "gcDelay": "1h", "retention": {"policies": [
        {"repositories": ["**"], "keepTags": [{"mostRecentlyPushedCount": 1}]}]}}


def test_two_spellings_of_one_key_are_refused():
    _config, errors, _notes, _warnings = _zot.build_config({"storage": {"gcDelay": "1h", "gcdelay": "2h"}})
    assert errors == ["storage.gcDelay: 'gcdelay' and another spelling of it are the same key to zot (keys ignore case)"]


def test_s3_without_cache_driver_gets_dedupe_off_and_says_why():
    config, notes = build(storage={"storageDriver": S3})
    assert config["storage"]["dedupe"] is False
    assert any(note.startswith("storage.dedupe: false") for note in notes)
    assert _zot.check_config(config) == []
    config, notes = build(storage={"storageDriver": S3, "cacheDriver": REDIS})
    assert "dedupe" not in config["storage"] and _zot.check_config(config) == []


def test_secret_values_are_found_for_masking():
    config, _notes = build(storage={"storageDriver": dict(S3, accesskey="AKIA1", secretkey="very-secret")},
                           http={"auth": {"apikey": True}})
    assert _zot.secret_values(config) == {"AKIA1", "very-secret"}


# --- the rules -----------------------------------------------------------------------------------

def test_s3_with_explicit_dedupe_and_no_cache_driver_is_refused():
    message = one_error(storage={"storageDriver": S3, "dedupe": True})
    assert message.startswith("storage: dedupe with s3 storage needs a cacheDriver (dynamodb or redis)")
    assert errors_for(storage={"storageDriver": S3, "dedupe": True, "remoteCache": False}) == []
    assert errors_for(storage={"storageDriver": S3, "dedupe": True, "cacheDriver": REDIS}) == []


def test_a_raw_config_with_s3_and_zots_default_dedupe_is_refused():
    config, _errors = _zot.canonical_keys({"storage": {"rootDirectory": "/z", "storageDriver": S3}}, _zot.CONFIG_SCHEMA)
    assert _zot.check_config(config)[0].startswith("storage: dedupe with s3 storage needs a cacheDriver")


def test_cache_driver_rules():
    assert one_error(storage={"cacheDriver": {"name": "dynamodb", "region": "x"}, "remoteCache": True}) == (
        "storage.cacheDriver: local storage takes only a redis cacheDriver")
    assert errors_for(storage={"cacheDriver": REDIS, "remoteCache": True, "dedupe": True}) == []
    assert one_error(storage={"storageDriver": S3, "cacheDriver": {"name": "boltdb"}}) == (
        "storage.cacheDriver.name: 'boltdb' is not one of 'dynamodb', 'redis'")


def test_sync_on_s3_needs_download_dir():
    message = one_error(storage={"storageDriver": S3},
                        extensions=sync({"urls": ["https://ghcr.io"], "onDemand": True}))
    assert message.startswith("storage: sync with s3 storage needs extensions.sync.downloadDir")
    assert errors_for(storage={"storageDriver": S3},
                      extensions=sync({"urls": ["https://ghcr.io"]}, downloadDir="/tmp/zot/sync")) == []
    # Sync switched off: no download directory needed.
    assert errors_for(storage={"storageDriver": S3}, extensions=sync({"urls": ["https://ghcr.io"]}, enable=False)) == []


def test_sync_on_s3_subpath_needs_download_dir_too():
    storage = {"subPaths": {"/a": {"rootDirectory": "/a", "storageDriver": S3}}}
    message = one_error(storage=storage, extensions=sync({"urls": ["https://ghcr.io"]}))
    assert message.startswith("storage.subPaths['/a']: sync with s3 storage needs extensions.sync.downloadDir")


def test_sync_url_without_a_scheme_is_accepted_as_zot_does_with_a_warning():
    # validateSyncRegistry checks no URL: zot starts, and sync fails later.
    config, _notes = build(extensions=sync({"urls": ["registry-1.docker.io"], "onDemand": True}))
    assert _zot.check_config(config) == []
    assert _zot.config_warnings(config) == [
        "extensions.sync.registries[0].urls[0]: 'registry-1.docker.io' is not a URL with a scheme: write it as "
        "https://registry-1.docker.io or http://registry-1.docker.io (zot accepts it, but sync cannot reach it)"]
    config, _notes = build(extensions=sync({"onDemand": True}))
    assert _zot.check_config(config) == [] and _zot.config_warnings(config) == [
        "extensions.sync.registries[0].urls: no URL: zot accepts the entry but has nothing to sync from"]


def test_sync_urls_as_a_string_are_one_url_as_mapstructure_reads_them():
    # mapstructure's weak decoding (viper's default) makes a single value a one-element list.
    config, _notes = build(extensions=sync({"urls": "https://ghcr.io"}))
    assert config["extensions"]["sync"]["registries"][0]["urls"] == ["https://ghcr.io"]
    assert _zot.check_config(config) == []


def test_sync_retry_rules():
    assert one_error(extensions=sync({"urls": ["https://gcr.io"], "maxRetries": 2})) == (
        "extensions.sync.registries[0].maxRetries: needs retryDelay as well")
    assert one_error(extensions=sync({"urls": ["https://gcr.io"], "retryDelay": "5m", "maxRetryDelay": "1m"})) == (
        "extensions.sync.registries[0].maxRetryDelay: must be at least retryDelay")
    assert errors_for(extensions=sync({"urls": ["https://gcr.io"], "maxRetries": 2, "retryDelay": "5m"})) == []
    assert one_error(extensions=sync({"urls": ["https://gcr.io"], "retryDelay": "5 minutes"})).startswith(
        "extensions.sync.registries[0].retryDelay: '5 minutes' is not a duration")


def test_sync_other_rules():
    assert one_error(extensions=sync({"urls": ["https://gcr.io"], "manifestCheckInterval": "1h"})) == (
        "extensions.sync.registries[0].manifestCheckInterval: works only with onDemand: true")
    assert one_error(extensions=sync({"urls": ["https://gcr.io"], "preserveDigest": True}), docker_compat=False) == (
        "extensions.sync.registries[0].preserveDigest: needs http.compat (e.g. [docker2s2])")
    assert errors_for(extensions=sync({"urls": ["https://gcr.io"], "preserveDigest": True})) == []
    assert one_error(extensions=sync({"urls": ["https://gcr.io"], "content": [
        {"prefix": "library", "destination": "/", "stripPrefix": True}]})) == (
        "extensions.sync.registries[0].content[0]: stripPrefix with destination '/' needs a glob in prefix (e.g. repo/**)")
    assert one_error(extensions=sync({"urls": ["https://gcr.io"], "content": [{"prefix": "lib[rary/**"}]})) == (
        "extensions.sync.registries[0].content[0].prefix: 'lib[rary/**' has a '[' without a closing ']' "
        "(doublestar.ValidatePattern)")
    assert one_error(extensions=sync({"urls": ["https://gcr.io"], "content": [
        {"prefix": "**", "tags": {"regex": "(?=v)1"}}]})).startswith(
        "extensions.sync.registries[0].content[0].tags.regex: '(?=v)1' is not a Go regular expression")
    assert one_error(extensions=sync({"urls": ["https://gcr.io"], "credentialHelper": "oauth2"})) == (
        "extensions.sync.registries[0].oauth2CredentialHelper: credentialHelper oauth2 needs this section")


def test_unknown_access_control_action():
    message = one_error(http={"auth": {"htpasswd": {"path": "/etc/zot/htpasswd"}}, "accessControl": {
        "repositories": {"**": {"anonymousPolicy": ["read"], "policies": [{"users": ["a"], "actions": ["read", "push"]}]}}}})
    assert message == ("http.accessControl.repositories.**.policies[0].actions: 'push': unknown action; actions are "
                       "read, create, update, delete (and the behaviour action detectManifestCollision)")


def test_actions_everywhere_are_checked():
    for access in ({"adminPolicy": {"users": ["a"], "actions": ["admin"]}},
                   {"repositories": {"**": {"defaultPolicy": ["write"]}}},
                   {"metrics": {"users": ["a"], "anonymousPolicy": ["scrape"]}}):
        errors = errors_for(http={"auth": {"htpasswd": {"path": "/h"}}, "accessControl": access})
        assert len(errors) == 1 and "unknown action" in errors[0], errors
    assert errors_for(http={"auth": {"htpasswd": {"path": "/h"}}, "accessControl": {"repositories": {
        "**": {"defaultPolicy": ["read", "delete", "detectManifestCollision"]}}}}) == []


def test_user_policies_need_authentication():
    access = {"repositories": {"**": {"anonymousPolicy": ["read"], "defaultPolicy": ["read"]}}}
    assert one_error(http={"accessControl": access}).startswith(
        "http.accessControl: policies for users (defaultPolicy, policies, adminPolicy) need authentication")
    assert errors_for(http={"accessControl": {"repositories": {"**": {"anonymousPolicy": ["read", "create"]}}}}) == []
    assert errors_for(http={"accessControl": access, "auth": {"htpasswd": {"path": "/h"}}}) == []


def test_unparsable_retention_rules():
    policy = {"repositories": ["**"], "keepTags": [{"pushedWithin": "2 weeks"}]}
    assert one_error(storage={"retention": {"policies": [policy]}}).startswith(
        "storage.retention.policies[0].keepTags[0].pushedWithin: '2 weeks' is not a duration")
    assert one_error(storage={"retention": {"policies": [{"repositories": ["**"], "keepTags": [
        {"mostRecentlyPushedCount": "one"}]}]}}) == (
        "storage.retention.policies[0].keepTags[0].mostRecentlyPushedCount: 'one' is not a whole number "
        "(strconv.ParseInt)")
    assert one_error(storage={"retention": {"policies": [{"repositories": ["{a,b"]}]}}) == (
        "storage.retention.policies[0].repositories[0]: '{a,b' has a '{' without a closing '}' "
        "(doublestar.ValidatePattern)")
    assert one_error(storage={"retention": {"policies": [{"keepTags": [{"patterns": ["v(1"]}]}]}}).startswith(
        "storage.retention.policies[0].keepTags[0].patterns[0]: 'v(1' is not a Go regular expression: missing )")
    assert one_error(storage={"retention": {"policies": [{"keepTag": [{}]}]}}).startswith(
        "storage.retention.policies[0].keepTag: unknown key (known keys here: deleteReferrers, deleteUntagged, keepTags")


def test_gc_durations():
    assert one_error(storage={"gcDelay": "-1h"}) == "storage.gcDelay: '-1h' must not be negative"
    assert one_error(storage={"gcInterval": "daily"}).startswith("storage.gcInterval: 'daily' is not a duration")
    # A bare number decodes into time.Duration as nanoseconds: accepted, written with its unit, warned.
    config, errors, _notes, warnings = _zot.build_config({"storage": {"gcDelay": 3600}})
    assert errors == [] and _zot.check_config(config) == [] and config["storage"]["gcDelay"] == "3600ns"
    assert warnings == ["storage.gcDelay: 3600 is a number, which zot reads as nanoseconds (3600ns); write a unit "
                        "(e.g. 3600s)"]
    assert one_error(storage={"gcTimeWindow": "01:00-01:00"}) == (
        "storage.gcTimeWindow: '01:00-01:00': the window's start and end must differ")
    assert one_error(storage={"gcTimeWindow": "1am-5am"}).startswith("storage.gcTimeWindow: '1am-5am': '1am' is not")
    assert errors_for(storage={"gcTimeWindow": "22:00-04:30"}) == []
    assert one_error(storage={"subPaths": {"/a": {"rootDirectory": "/a", "gc": True, "gcDelay": "0s"}}}) == (
        "storage.subPaths['/a'].gcDelay: gcDelay must be above 0 when gc is on")


def test_root_directories_must_not_overlap():
    assert one_error(storage={"rootDirectory": "/data", "subPaths": {"/a": {"rootDirectory": "/data/a"}}}) == (
        "storage.rootDirectory and storage.subPaths['/a'].rootDirectory: one lies inside the other (/data, /data/a)")
    assert one_error(storage={"rootDirectory": "/data", "subPaths": {"/a": {"rootDirectory": "/data/"}}}) == (
        "storage.subPaths['/a'].rootDirectory: the same directory as storage.rootDirectory (/data)")
    assert errors_for(storage={"rootDirectory": "/data", "subPaths": {"/a": {"rootDirectory": "/data2"}}}) == []


def test_storage_driver_checks():
    assert one_error(storage={"storageDriver": {"name": "filesystem"}, "dedupe": False}) == (
        "storage.storageDriver.name: 'filesystem' is not one of 's3', 'gcs', 'azure'")
    assert one_error(storage={"storageDriver": {"name": "s3", "region": "us-east-1"}}) == (
        "storage.storageDriver: the s3 driver needs a bucket")
    assert one_error(storage={"storageDriver": {"name": "s3", "bucket": "b"}}) == (
        "storage.storageDriver: the s3 driver needs a region (or a regionendpoint such as a MinIO URL)")
    assert one_error(storage={"storageDriver": dict(S3, secure=[1])}) == (
        "storage.storageDriver.secure: must be a boolean or a string, got list")
    assert one_error(storage={"redirectBlobURL": True}) == (
        "storage.redirectBlobURL: redirectBlobURL works only with a storageDriver (s3, gcs, azure)")


def test_unknown_driver_options_warn_instead_of_failing():
    config, _notes = build(storage={"storageDriver": dict(S3, regionendpont="http://x")})
    assert _zot.check_config(config) == []
    warnings = _zot.config_warnings(config)
    assert len(warnings) == 1 and warnings[0].startswith(
        "storage.storageDriver.regionendpont: not an option of the s3 driver (known: accelerate, accesskey")


def test_extension_rules():
    assert one_error(extensions={"ui": {"enable": True}}) == "extensions.ui: the UI needs extensions.search enabled"
    assert one_error(extensions={"ui": {"enable": "true"}, "search": {"enable": False}}) == (
        "extensions.ui: the UI needs extensions.search enabled")
    assert errors_for(extensions={"ui": {"enable": False}}) == []
    assert one_error(storage={"storageDriver": S3}, extensions={"search": {"cve": {"updateInterval": "2h"}}}).startswith(
        "extensions.search.cve: CVE scanning does not work with cloud storage")
    assert one_error(extensions={"metrics": {"prometheus": {"path": "/v2"}}}) == (
        "extensions.metrics.prometheus.path: '/v2' is taken by the registry API; use e.g. /metrics")
    assert one_error(extensions={"metrics": {"prometheus": {"path": "/metrics/"}}}) == (
        "extensions.metrics.prometheus.path: '/metrics/' is not a clean path (path.Clean gives '/metrics')")


def test_warnings_for_what_zot_changes_or_ignores():
    config, _notes = build(extensions={"search": {"cve": {"updateInterval": "30m"}}, "scrub": {"interval": "1h"}},
                           storage={"gc": False, "gcDelay": "1h"})
    assert _zot.config_warnings(config) == [
        "extensions.search.cve.updateInterval: 30m is below zot's minimum; zot raises it to 2h",
        "extensions.scrub.interval: 1h is below zot's minimum; zot raises it to 2h",
        "storage.gcDelay: ignored because storage.gc is false",
    ]


def test_http_and_log_values():
    assert one_error(http={"port": "80a"}) == "http.port: '80a' is not a port number (0-65535)"
    assert one_error(http={"port": 70000}) == "http.port: '70000' is not a port number (0-65535)"
    assert errors_for(http={"port": 5000}) == []
    assert one_error(log={"level": "verbose"}) == (
        "log.level: 'verbose' is not a log level zot knows (debug, trace, info, warn, warning, error, fatal, panic; "
        "case does not matter)")
    assert one_error(http={"compat": ["docker2"]}) == "http.compat[0]: 'docker2' is not one of 'docker2s2'"


def test_authentication_section_rules():
    assert one_error(http={"auth": {"ldap": {"address": "ldap.example.com", "baseDN": "dc=example"}}}) == (
        "http.auth.ldap.userAttribute: is required")
    assert one_error(http={"auth": {"openid": {"providers": {"keycloak": {"clientid": "a", "scopes": ["x"]}}}}}) == (
        "http.auth.openid.providers.keycloak: unknown provider (known: github, gitlab, google, oidc)")
    assert one_error(http={"auth": {"openid": {"providers": {"oidc": {"credentialsFile": "/c", "scopes": ["openid"]}}}}}) == (
        "http.auth.openid.providers.oidc.issuer: is required")
    assert one_error(http={"auth": {"mtls": {"identityAttributes": ["CommonName"]}}}) == (
        "http.auth.mtls: needs http.tls with cert, key and cacert")
    assert one_error(http={"auth": {"bearer": {"realm": "r", "service": "s", "upstreamTokenEndpoint": {
        "realm": "http://auth/token", "service": "s"}}}}) == (
        "http.auth.bearer.upstreamTokenEndpoint.realm: must use https unless allowInsecureHttp is true")


def test_cluster_rules():
    assert one_error(cluster={"members": ["a:8080"], "hashKey": "short"}) == (
        "cluster.hashKey: must be exactly 16 bytes (16 ASCII characters)")
    assert errors_for(cluster={"members": ["a:8080", "b:8080"], "hashKey": "loremipsumdolors"}) == []


def test_an_empty_config_is_refused():
    # LoadConfiguration: "failed to load config due to the absence of any key:value pair".
    expected = ["(top level): the config has no key with a value; zot needs at least storage.rootDirectory"]
    assert _zot.check_config({}) == expected
    assert _zot.check_config({"storage": {}, "extensions": {"sync": {}}}) == expected


def test_secret_files():
    assert _zot.check_secret_file("sync_credentials", {"ghcr.io": {"username": "u"}}) == [
        "ghcr.io.password: is required"]
    assert _zot.check_secret_file("sync_credentials", {"ghcr.io": {"username": "u", "password": "p", "token": "t"}}) == [
        "ghcr.io.token: unknown key (known keys here: password, username)"]
    assert _zot.check_secret_file("ldap_credentials", {"binddn": "cn=x", "bindpassword": "p"}) == []


def test_glob_helper():
    assert _zot.glob_errors("a/**", "p") == [] and _zot.glob_errors("{a,b}/[0-9]*", "p") == []
    assert _zot.glob_errors("a\\", "p") == ["p: 'a\\\\' ends with an unfinished escape (doublestar.ValidatePattern)"]
