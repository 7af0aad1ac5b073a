# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy
import os
import subprocess
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from ansible_collections.anchorage.registry.plugins.module_utils._distribution import (
    HEADER,
    MASK,
    build_config,
    canonical,
    config_errors,
    masked,
    masked_diff,
    parse,
    render,
    secret_values,
    storage_with_defaults,
    tls_pair_errors,
)

FILESYSTEM = {"filesystem": {"rootdirectory": "/var/lib/registry"}}

DRIVERS = {
    "filesystem": {"rootdirectory": "/var/lib/registry", "maxthreads": 100},
    "s3": {
        "accesskey": "AKIA", "secretkey": "s3-secret", "sessiontoken": "s3-session", "region": "us-east-1",
        "regionendpoint": "http://127.0.0.1:9000", "forcepathstyle": True, "accelerate": False,
        "bucket": "registry", "encrypt": True, "keyid": "kms-key", "secure": False, "skipverify": True,
        "v4auth": True, "chunksize": 10485760, "multipartcopychunksize": 33554432,
        "multipartcopymaxconcurrency": 100, "multipartcopythresholdsize": 33554432,
        "rootdirectory": "/s3/prefix", "storageclass": "STANDARD", "useragent": "anchorage",
        "usedualstack": False, "objectacl": "private", "loglevel": "off", "usefipsendpoint": False,
    },
    "azure": {
        "accountname": "acct", "accountkey": "azure-key", "container": "registry", "realm": "core.windows.net",
        "credentials": {"type": "client_secret", "clientid": "id", "tenantid": "tenant", "secret": "azure-cred"},
        "rootdirectory": "/az", "serviceurl": "https://acct.blob.core.windows.net",
        "copy_status_poll_max_retry": 5, "copy_status_poll_delay": "100ms", "max_retries": 10, "retry_delay": "100ms",
    },
    "gcs": {
        "bucket": "registry", "keyfile": "/etc/gcs.json", "rootdirectory": "/gcs", "chunksize": 5242880,
        "credentials": {
            "type": "service_account", "project_id": "p", "private_key_id": "k", "private_key": "gcs-key",
            "client_email": "c@example.com", "client_id": "c", "auth_uri": "http://example.com/auth",
            "token_uri": "http://example.com/token", "auth_provider_x509_cert_url": "http://example.com/a",
            "client_x509_cert_url": "http://example.com/c",
        },
    },
    "swift": {
        "username": "swift-user", "password": "swift-password", "authurl": "https://keystone.example:5000/v3",
        "tenant": "registry", "tenantid": 12345, "domain": "default", "domainid": "d1", "tenantdomain": "default",
        "tenantdomainid": "d1", "trustid": "t1", "region": "RegionOne", "authversion": 3, "container": "registry",
        "prefix": "/swift/prefix", "endpointtype": "internal", "insecureskipverify": False, "chunksize": 20971520,
        "secretkey": "swift-tempurl-key", "accesskey": "hp-access", "tempurlcontainerkey": True,
        "tempurlmethods": ["GET", "HEAD"],
    },
    "oss": {
        "accesskeyid": "LTAI", "accesskeysecret": "oss-secret", "region": "oss-cn-hangzhou",
        "endpoint": "oss-cn-hangzhou-internal.aliyuncs.com", "internal": True, "bucket": "registry", "encrypt": True,
        "secure": True, "chunksize": 10485760, "rootdirectory": "/oss",
    },
    "inmemory": None,
}


def errors_for(**sections):
    sections.setdefault("storage", copy.deepcopy(FILESYSTEM))
    return config_errors(build_config(sections))


def assert_one_error(errors, start):
    assert len(errors) == 1, errors
    assert errors[0].startswith(start), errors


# --- storage ----------------------------------------------------------------------------------

@pytest.mark.parametrize("driver", sorted(DRIVERS))
def test_every_documented_driver_parameter_is_accepted(driver):
    storage = {driver: copy.deepcopy(DRIVERS[driver])}
    assert errors_for(storage=storage) == []


@pytest.mark.parametrize("driver, key", [
    ("filesystem", "rootdir"), ("s3", "regon"), ("azure", "acountname"), ("gcs", "bukket"),
    ("swift", "authurI"), ("oss", "accesskey"),
])
def test_unknown_driver_parameter_is_named_with_its_path(driver, key):
    storage = {driver: dict(copy.deepcopy(DRIVERS[driver]), **{key: "x"})}
    assert_one_error(errors_for(storage=storage), "storage.%s.%s: unknown key" % (driver, key))


@pytest.mark.parametrize("driver, missing", [
    ("s3", "bucket"), ("s3", "region"), ("azure", "container"), ("azure", "accountname"), ("gcs", "bucket"),
    ("swift", "username"), ("swift", "password"), ("swift", "authurl"), ("swift", "container"),
    ("oss", "accesskeyid"), ("oss", "accesskeysecret"), ("oss", "region"), ("oss", "bucket"),
])
def test_required_driver_parameters(driver, missing):
    params = copy.deepcopy(DRIVERS[driver])
    del params[missing]
    assert_one_error(errors_for(storage={driver: params}), "storage.%s.%s: is required" % (driver, missing))


def test_exactly_one_driver():
    two = dict(FILESYSTEM, inmemory=None)
    assert errors_for(storage=two) == ["storage: configure only one storage driver, got filesystem, inmemory"]
    none = {"delete": {"enabled": True}}
    assert_one_error(errors_for(storage=none), "storage: one storage driver is required")


def test_unknown_driver_is_named():
    # rados, a driver of Distribution 2.4, is gone from 2.8.
    errors = errors_for(storage={"rados": {"poolname": "registry"}})
    assert errors[0].startswith("storage.rados: unknown storage driver or key (drivers: azure, filesystem, gcs, "
                                "inmemory, oss, s3, swift;")
    assert errors[1].startswith("storage: one storage driver is required")


def test_inmemory_takes_no_parameters():
    assert errors_for(storage={"inmemory": {}}) == []
    assert_one_error(errors_for(storage={"inmemory": {"size": 1}}), "storage.inmemory: the inmemory driver takes no")
    # Written as an empty mapping, so a second run compares equal.
    assert build_config({"storage": {"inmemory": None}})["storage"] == {"inmemory": {}}


def test_storage_sub_sections():
    storage = dict(
        FILESYSTEM,
        delete={"enabled": True},
        redirect={"disable": True},
        cache={"blobdescriptor": "inmemory", "blobdescriptorsize": 10000},
        maintenance={"uploadpurging": {"enabled": True, "age": "168h", "interval": "24h", "dryrun": False},
                     "readonly": {"enabled": False}},
        tag={"concurrencylimit": 8},
    )
    assert errors_for(storage=storage) == []


@pytest.mark.parametrize("patch, start", [
    ({"maintenance": {"uploadpurging": {"age": "1 week"}}}, "storage.maintenance.uploadpurging.age: '1 week' is not a duration"),
    ({"maintenance": {"readonly": {"enabled": "yes"}}}, "storage.maintenance.readonly.enabled: must be a boolean"),
    ({"maintenance": {"readonly": {"enable": True}}}, "storage.maintenance.readonly.enable: unknown key"),
    ({"delete": {"enabled": True, "dryrun": True}}, "storage.delete.dryrun: unknown key"),
    ({"cache": {"blobdescriptor": "memcached"}}, "storage.cache.blobdescriptor: 'memcached' is not one of"),
    ({"tag": {"concurrencylimit": -1}}, "storage.tag.concurrencylimit: -1 is below the minimum 0"),
    ({"redirect": {"disabled": True}}, "storage.redirect.disabled: unknown key"),
])
def test_storage_sub_section_errors(patch, start):
    assert_one_error(errors_for(storage=dict(FILESYSTEM, **patch)), start)


def test_swift_rootdirectory_is_refused_for_prefix():
    storage = {"swift": dict(DRIVERS["swift"], rootdirectory="/registry")}
    assert errors_for(storage=storage) == [
        "storage.swift.rootdirectory: the swift driver ignores rootdirectory; its object name prefix is storage.swift.prefix"]


@pytest.mark.parametrize("driver, key, value, start", [
    ("swift", "chunksize", (1 << 20) - 1, "storage.swift.chunksize: 1048575 is below the minimum 1048576"),
    ("oss", "chunksize", (5 << 20) - 1, "storage.oss.chunksize: 5242879 is below the minimum 5242880"),
    ("swift", "authversion", 4, "storage.swift.authversion: 4 is not one of 0, 1, 2, 3"),
    ("swift", "endpointtype", "private", "storage.swift.endpointtype: 'private' is not one of"),
    ("oss", "secure", "yes", "storage.oss.secure: must be a boolean"),
])
def test_swift_and_oss_values(driver, key, value, start):
    assert_one_error(errors_for(storage={driver: dict(DRIVERS[driver], **{key: value})}), start)


def test_s3_and_gcs_chunk_sizes():
    small = dict(DRIVERS["s3"], chunksize=1024)
    assert_one_error(errors_for(storage={"s3": small}), "storage.s3.chunksize: 1024 is below the minimum 5242880")
    odd = dict(DRIVERS["gcs"], chunksize=5242881)
    assert_one_error(errors_for(storage={"gcs": odd}), "storage.gcs.chunksize: 5242881 must be a multiple of 262144")


# --- proxy ------------------------------------------------------------------------------------

def test_proxy_rules():
    good = {"remoteurl": "https://registry-1.docker.io", "username": "u", "password": "p", "ttl": "168h",
            "exec": {"command": "docker-credential-x", "lifetime": "1h"}}
    assert errors_for(proxy=good) == []
    assert errors_for(proxy={"remoteurl": "http://127.0.0.1:5000", "ttl": "0"}) == []
    assert_one_error(errors_for(proxy={"username": "u"}), "proxy.remoteurl: is required")
    assert_one_error(errors_for(proxy={"remoteurl": "registry-1.docker.io"}), "proxy.remoteurl: 'registry-1.docker.io' is not a URL with a scheme")
    assert_one_error(errors_for(proxy={"remoteurl": "ftp://mirror"}), "proxy.remoteurl: 'ftp://mirror': the scheme must be http:// or https://")
    assert_one_error(errors_for(proxy={"remoteurl": "https://r", "ttl": "7d"}), "proxy.ttl: '7d' is not a duration")
    assert_one_error(errors_for(proxy={"remoteurl": "https://r", "exec": {"lifetime": "1h"}}), "proxy.exec.command: is required")


def test_typed_sections_drop_unset_suboptions():
    # Ansible fills every unset suboption of http and proxy with None.
    config = build_config({"storage": FILESYSTEM, "proxy": {"remoteurl": "https://r", "username": None,
                                                            "password": None, "exec": None, "ttl": None}})
    assert config["proxy"] == {"remoteurl": "https://r"}
    assert "http" not in build_config({"storage": FILESYSTEM, "http": {"addr": None, "tls": None}})


# --- http -------------------------------------------------------------------------------------

@pytest.mark.parametrize("addr", [":5000", "127.0.0.1:5000", "[::1]:5000", "registry.local:65535", ":1"])
def test_http_addr_accepted(addr):
    assert errors_for(http={"addr": addr}) == []


@pytest.mark.parametrize("addr, start", [
    (":0", "http.addr: port '0' must be a number from 1 to 65535"),
    (":65536", "http.addr: port '65536' must be a number from 1 to 65535"),
    ("5000", "http.addr: '5000' must be HOST:PORT"),
    ("localhost:http", "http.addr: port 'http' must be a number"),
    ("::1:5000", "http.addr: '::1:5000': write an IPv6 host in brackets"),
])
def test_http_addr_rejected(addr, start):
    assert_one_error(errors_for(http={"addr": addr}), start)


def test_unix_socket_addr_is_a_path():
    assert errors_for(http={"net": "unix", "addr": "/run/registry.sock"}) == []


def test_tls_certificate_and_key_together():
    assert errors_for(http={"tls": {"certificate": "/c", "key": "/k", "minimumtls": "tls1.2",
                                    "clientcas": ["/ca"], "clientauth": "verify-client-cert-if-given",
                                    "ciphersuites": ["TLS_AES_128_GCM_SHA256"]}}) == []
    assert_one_error(errors_for(http={"tls": {"certificate": "/c"}}),
                     "http.tls: certificate and key must be given together (got only certificate)")
    assert_one_error(errors_for(http={"tls": {"key": "/k"}}),
                     "http.tls: certificate and key must be given together (got only key)")
    assert_one_error(errors_for(http={"tls": {"clientcas": ["/ca"]}}), "http.tls: needs certificate and key")
    assert errors_for(http={"tls": {"letsencrypt": {"cachefile": "/c", "email": "a@b.c", "hosts": ["r"]}}}) == []
    assert_one_error(errors_for(http={"tls": {"certificate": "/c", "key": "/k", "minimumtls": "tls1.4"}}),
                     "http.tls.minimumtls: 'tls1.4' is not one of")


def test_http_other_keys():
    http = {"addr": ":5000", "prefix": "/reg/", "host": "https://r.example:5000", "secret": "s",
            "relativeurls": False, "draintimeout": "60s", "headers": {"X-Content-Type-Options": ["nosniff"]},
            "debug": {"addr": "localhost:5001", "prometheus": {"enabled": True, "path": "/metrics"}},
            "http2": {"disabled": False}, "h2c": {"enabled": False}}
    assert errors_for(http=http) == []
    assert_one_error(errors_for(http={"prefix": "reg"}), "http.prefix: 'reg' must start and end with a slash")
    assert_one_error(errors_for(http={"debug": {"addr": ":99999"}}), "http.debug.addr: port '99999'")
    assert_one_error(errors_for(http={"headers": {"X-A": "nosniff"}}), "http.headers.X-A: must be a list")
    assert_one_error(errors_for(http={"draintimeout": "60"}), "http.draintimeout: '60' is not a duration")


# --- other sections ---------------------------------------------------------------------------

@pytest.mark.parametrize("sections, start", [
    ({"health": {"storagedriver": {"enabled": True, "interval": "ten seconds"}}}, "health.storagedriver.interval"),
    ({"health": {"tcp": [{"addr": "redis:6379", "timeout": "3"}]}}, "health.tcp[0].timeout"),
    ({"health": {"http": [{"uri": "http://x/", "interval": "1 m"}]}}, "health.http[0].interval"),
    ({"health": {"file": [{"file": "/down", "interval": "x"}]}}, "health.file[0].interval"),
    ({"notifications": {"endpoints": [{"name": "n", "url": "http://x/", "timeout": "1"}]}},
     "notifications.endpoints[0].timeout"),
    ({"notifications": {"endpoints": [{"name": "n", "url": "http://x/", "backoff": "soon"}]}},
     "notifications.endpoints[0].backoff"),
    ({"redis": {"addrs": ["r:6379"], "dialtimeout": "10"}}, "redis.dialtimeout"),
    ({"redis": {"addr": "r:6379", "pool": {"idletimeout": "5 min"}}}, "redis.pool.idletimeout"),
    ({"middleware": {"storage": [{"name": "cloudfront", "options": {
        "baseurl": "https://d.cloudfront.net/", "privatekey": "/pk", "keypairid": "k", "duration": "3000"}}]}},
     "middleware.storage[0].options.duration"),
])
def test_durations_are_go_durations(sections, start):
    errors = errors_for(**sections)
    assert len(errors) == 1 and errors[0].startswith(start + ": ") and "is not a duration" in errors[0], errors


def test_full_sections_accepted():
    sections = {
        "log": {"level": "info", "formatter": "json", "fields": {"service": "registry"},
                "accesslog": {"disabled": True},
                "hooks": [{"type": "mail", "disabled": True, "levels": ["panic"],
                           "options": {"smtp": {"addr": "mail:25", "username": "u", "password": "smtp-pw",
                                                "insecure": True}, "from": "a@b", "to": ["c@d"]}}]},
        "auth": {"htpasswd": {"realm": "r", "path": "/etc/docker/registry/htpasswd"}},
        "middleware": {"registry": [{"name": "custom", "options": {"anything": {"goes": 1}}}],
                       "storage": [{"name": "redirect", "options": {"baseurl": "https://cdn.example/"}}]},
        "reporting": {"bugsnag": {"apikey": "bugsnag-key", "releasestage": "prod", "endpoint": "e"},
                      "newrelic": {"licensekey": "nr-key", "name": "registry", "verbose": False}},
        "notifications": {"events": {"includereferences": True}, "endpoints": [{
            "name": "listener", "disabled": False, "url": "https://listener/event",
            "headers": {"Authorization": ["Bearer notify-token"]}, "timeout": "1s", "threshold": 10,
            "backoff": "1s", "ignoredmediatypes": ["application/octet-stream"],
            "ignore": {"mediatypes": ["application/octet-stream"], "actions": ["pull"]}}]},
        "redis": {"addrs": ["redis:6379"], "password": "redis-pw", "db": 0, "dialtimeout": "10ms",
                  "readtimeout": "10ms", "writetimeout": "10ms", "maxidleconns": 16, "poolsize": 64,
                  "connmaxidletime": "300s", "tls": {"certificate": "/c", "key": "/k", "rootcas": ["/ca"]}},
        "health": {"storagedriver": {"enabled": True, "interval": "10s", "threshold": 3},
                   "file": [{"file": "/down", "interval": "10s"}],
                   "http": [{"uri": "http://x/", "headers": {"Authorization": ["Basic health-cred"]},
                             "statuscode": 200, "timeout": "3s", "interval": "10s", "threshold": 3}],
                   "tcp": [{"addr": "redis:6379", "timeout": "3s", "interval": "10s", "threshold": 3}]},
        "validation": {"disabled": False, "manifests": {
            "urls": {"allow": ["^https?://([^/]+\\.)*example\\.com/"], "deny": ["^https?://www\\.example\\.com/"]},
            "indexes": {"platforms": "list", "platformlist": [{"architecture": "amd64", "os": "linux"}]}}},
        "compatibility": {"schema1": {"signingkeyfile": "/etc/registry/key.json", "enabled": True}},
        "catalog": {"maxentries": 1000},
        "tags": {"maxtags": 100},
    }
    assert errors_for(**sections) == []


def test_redis_2_8_spelling():
    assert errors_for(redis={"addr": "redis:6379", "password": "p", "db": 0, "dialtimeout": "10ms",
                             "pool": {"maxidle": 16, "maxactive": 64, "idletimeout": "300s"},
                             "tls": {"enabled": False}}) == []
    assert_one_error(errors_for(redis={"addr": "a:1", "addrs": ["b:2"]}), "redis: give addrs (Distribution 3) or addr")


def test_redis_cache_needs_redis():
    storage = dict(FILESYSTEM, cache={"blobdescriptor": "redis"})
    assert_one_error(errors_for(storage=storage), "storage.cache.blobdescriptor: 'redis' needs the redis section")
    assert errors_for(storage=storage, redis={"addrs": ["redis:6379"]}) == []


@pytest.mark.parametrize("auth, start", [
    ({"htpasswd": {"realm": "r", "path": "/p"}, "silly": {"realm": "r", "service": "s"}},
     "auth: configure only one authentication provider, got htpasswd, silly"),
    ({"htpasswd": {"realm": "r"}}, "auth.htpasswd.path: is required"),
    ({"htpasswd": {"realm": "r", "path": "/p", "file": "/q"}}, "auth.htpasswd.file: unknown key"),
    ({"token": {"realm": "https://t/", "service": "s", "issuer": "i"}}, "auth.token: needs rootcertbundle or jwks"),
    ({"token": {"realm": "https://t/", "service": "s", "issuer": "i", "jwks": "/j", "signingalgorithms": ["none"]}},
     "auth.token.signingalgorithms[0]: 'none' is not one of"),
    ({"ldap": {}}, "auth.ldap: unknown key"),
])
def test_auth_rules(auth, start):
    errors = errors_for(auth=auth)
    assert errors and errors[0].startswith(start), errors


def test_middleware_options():
    cloudfront = {"name": "cloudfront", "options": {"baseurl": "https://d.cloudfront.net/", "privatekey": "/pk",
                                                    "keypairid": "k", "duration": "3000s", "ipfilteredby": "awsregion",
                                                    "awsregion": "us-east-1", "updatefrequency": "12h",
                                                    "iprangesurl": "https://ip-ranges.amazonaws.com/ip-ranges.json"}}
    assert errors_for(middleware={"storage": [cloudfront]}) == []
    bad = {"name": "cloudfront", "options": {"baseurl": "https://d/", "privatekey": "/pk", "keypairid": "k",
                                             "regon": "x"}}
    assert_one_error(errors_for(middleware={"storage": [bad]}), "middleware.storage[0].options.regon: unknown key")
    assert_one_error(errors_for(middleware={"storage": [{"name": "redirect", "options": {}}]}),
                     "middleware.storage[0].options.baseurl: is required")
    assert_one_error(errors_for(middleware={"storage": [{"options": {}}]}), "middleware.storage[0].name: is required")


def test_log_rules():
    assert_one_error(errors_for(log={"level": "verbose"}), "log.level: 'verbose' is not one of")
    assert_one_error(errors_for(log={"formatter": "xml"}), "log.formatter: 'xml' is not one of")
    assert_one_error(errors_for(log={"accesslog": {"enabled": True}}), "log.accesslog.enabled: unknown key")


def test_whole_file_unknown_top_level_key():
    data = parse("version: 0.1\nloglevel: debug\nstorage:\n  inmemory:\n")
    assert_one_error(config_errors(data), "loglevel: unknown key")
    assert_one_error(config_errors({"version": "0.2", "storage": {"inmemory": None}}), "version: '0.2' is not one of")


# --- rendering ----------------------------------------------------------------------------------

def test_render_is_exact_and_ordered():
    data = build_config({
        "http": {"secret": "s", "addr": ":5000", "headers": {"X-Content-Type-Options": ["nosniff"]}},
        "storage": {"delete": {"enabled": True}, "filesystem": {"rootdirectory": "/var/lib/registry"}},
        "log": {"level": "info"},
    })
    assert render(data) == HEADER + (
        "version: 0.1\n"
        "log:\n"
        "  level: info\n"
        "storage:\n"
        "  delete:\n"
        "    enabled: true\n"
        "  filesystem:\n"
        "    rootdirectory: /var/lib/registry\n"
        "http:\n"
        "  addr: :5000\n"
        "  headers:\n"
        "    X-Content-Type-Options:\n"
        "    - nosniff\n"
        "  secret: s\n"
    )


def test_render_does_not_depend_on_input_order():
    one = build_config({"storage": {"filesystem": {"rootdirectory": "/r", "maxthreads": 100}, "delete": {"enabled": True}},
                        "http": {"addr": ":5000", "secret": "s"}})
    two = build_config({"http": {"secret": "s", "addr": ":5000"},
                        "storage": {"delete": {"enabled": True}, "filesystem": {"maxthreads": 100, "rootdirectory": "/r"}}})
    assert render(one) == render(two)
    assert list(canonical(one)) == ["version", "storage", "http"]


def test_render_parses_back_to_the_same_data():
    data = build_config({"storage": {"s3": copy.deepcopy(DRIVERS["s3"])}, "proxy": {"remoteurl": "https://r", "ttl": "0"},
                         "http": {"addr": ":5000", "headers": {"X-Yes": ["on", "yes", "0.1"]}}})
    assert parse(render(data)) == data
    assert yaml.safe_load(render(data))["version"] == 0.1


def test_parse_rejects_non_mappings():
    assert parse("- a\n- b\n") is None
    assert parse("storage: [unclosed\n") is None


# --- secrets ------------------------------------------------------------------------------------

def secrets_config(secret="http-secret"):
    return build_config({
        "storage": {"s3": copy.deepcopy(DRIVERS["s3"])},
        "http": {"addr": ":5000", "secret": secret},
        "proxy": {"remoteurl": "https://r", "username": "hub-user", "password": "hub-password"},
        "redis": {"addrs": ["r:6379"], "password": "redis-pw"},
        "notifications": {"endpoints": [{"name": "n", "url": "http://x/", "headers": {"Authorization": ["Bearer t0k"]}}]},
        "reporting": {"bugsnag": {"apikey": "bugsnag-key"}},
    })


def test_secret_values_and_masking():
    data = secrets_config()
    assert sorted(secret_values(data)) == sorted(
        ["s3-secret", "s3-session", "http-secret", "hub-password", "redis-pw", "Bearer t0k", "bugsnag-key"])
    shown = masked(data)
    assert shown["http"] == {"addr": ":5000", "secret": MASK}
    assert shown["storage"]["s3"]["secretkey"] == MASK and shown["storage"]["s3"]["accesskey"] == "AKIA"
    assert shown["proxy"] == {"remoteurl": "https://r", "username": "hub-user", "password": MASK}
    assert shown["notifications"]["endpoints"][0]["headers"] == {"Authorization": MASK}
    assert data["http"]["secret"] == "http-secret"  # masking copies


def test_azure_and_gcs_secrets():
    azure = build_config({"storage": {"azure": copy.deepcopy(DRIVERS["azure"])}})
    assert sorted(secret_values(azure)) == ["azure-cred", "azure-key"]
    gcs = build_config({"storage": {"gcs": copy.deepcopy(DRIVERS["gcs"])}})
    assert secret_values(gcs) == ["gcs-key"]


def test_swift_and_oss_secrets():
    swift = build_config({"storage": {"swift": copy.deepcopy(DRIVERS["swift"])}})
    assert sorted(secret_values(swift)) == ["swift-password", "swift-tempurl-key"]
    oss = build_config({"storage": {"oss": copy.deepcopy(DRIVERS["oss"])}})
    assert secret_values(oss) == ["oss-secret"]
    assert masked(oss)["storage"]["oss"] == dict(DRIVERS["oss"], accesskeysecret=MASK)


def test_masked_diff_never_shows_secrets_but_shows_a_changed_one():
    before = render(secrets_config("old-secret"))
    diff = masked_diff("/etc/registry/config.yml", before, secrets_config("new-secret"))
    text = diff["before"] + diff["after"]
    for secret in secret_values(secrets_config("old-secret")) + ["new-secret"]:
        assert secret not in text
    changed = [line for line in diff["after"].splitlines() if line not in diff["before"].splitlines()]
    assert len(changed) == 1 and changed[0].startswith("  secret: '%s (" % MASK), changed
    same = masked_diff("/c", before, secrets_config("old-secret"))
    assert same["before"] == same["after"]


def test_masked_diff_of_new_and_unparsable_files():
    assert masked_diff("/c", None, secrets_config())["before_header"] == "/c (absent)"
    assert masked_diff("/c", "password: [oops", secrets_config())["before"] == "# (not a YAML mapping: 15 bytes not shown)\n"


# --- the real registry reads what we render --------------------------------------------------

def test_distribution_starts_with_a_rendered_config_and_applies_it(distribution, tmp_path, free_port):
    registry = distribution(
        storage={"filesystem": {"rootdirectory": str(tmp_path / "data"), "maxthreads": 100},
                 "delete": {"enabled": True}, "redirect": {"disable": True},
                 "cache": {"blobdescriptor": "inmemory"},
                 "maintenance": {"uploadpurging": {"enabled": True, "age": "168h", "interval": "24h", "dryrun": False},
                                 "readonly": {"enabled": False}}},
        log={"level": "debug", "formatter": "json", "fields": {"service": "anchorage-test"},
             "accesslog": {"disabled": False}},
        http={"secret": "a-test-secret", "relativeurls": True, "draintimeout": "1s",
              "headers": {"X-Anchorage-Test": ["rendered"]},
              "debug": {"addr": "127.0.0.1:%d" % free_port, "prometheus": {"enabled": True, "path": "/metrics"}}},
        health={"storagedriver": {"enabled": True, "interval": "10s", "threshold": 3},
                "file": [{"file": str(tmp_path / "maintenance-flag"), "interval": "10s"}]},
        notifications={"endpoints": [{"name": "nowhere", "disabled": True, "url": "http://127.0.0.1:9/",
                                      "timeout": "1s", "threshold": 3, "backoff": "1s"}]},
        validation={"disabled": True},
        compatibility={"schema1": {"enabled": False}},
    )
    with urllib.request.urlopen(registry.url + "/v2/", timeout=5) as response:
        assert response.status == 200
        assert response.headers["X-Anchorage-Test"] == "rendered"
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % free_port, timeout=5) as response:
        assert b"registry_" in response.read()
    assert '"service":"anchorage-test"' in registry.log()


@pytest.fixture
def swift_auth():
    """A loopback stand-in for Swift's v1 auth and container HEAD: what Distribution's swift driver
    asks at start. ``(url, requests)``; each request is (method, path, headers)."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status, headers):
            requests.append((self.command, self.path, dict(self.headers)))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            if self.path == "/auth/v1.0":
                storage_url = "http://127.0.0.1:%d/v1/AUTH_anchorage" % self.server.server_port
                self._answer(200, {"X-Storage-Url": storage_url, "X-Auth-Token": "swift-token"})
            else:
                self._answer(404, {})

        def do_HEAD(self):
            found = self.path == "/v1/AUTH_anchorage/registry"
            self._answer(204 if found else 404, {"X-Container-Object-Count": "0", "X-Container-Bytes-Used": "0"})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d/auth/v1.0" % server.server_port, requests
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_distribution_reads_a_rendered_swift_config(distribution, swift_auth):
    # Debian's Distribution 2.8.2 has the swift driver (not oss): it authenticates with the rendered
    # credentials and finds the container before it listens.
    authurl, requests = swift_auth
    registry = distribution(storage={"swift": {
        "username": "swift-user", "password": "swift-password", "authurl": authurl, "authversion": 1,
        "container": "registry", "prefix": "/anchorage", "chunksize": 1 << 20,
    }})
    with urllib.request.urlopen(registry.url + "/v2/", timeout=5) as response:
        assert response.status == 200
    auth = [headers for method, path, headers in requests if path == "/auth/v1.0"]
    assert auth and auth[0]["X-Auth-User"] == "swift-user" and auth[0]["X-Auth-Key"] == "swift-password"
    heads = [headers for method, path, headers in requests if method == "HEAD"]
    assert heads and heads[0]["X-Auth-Token"] == "swift-token", requests


# --- what Distribution needs at start, not only at parse -------------------------------------

REGISTRY_BINARY = "/usr/bin/docker-registry"  # Debian's Distribution 2.8.2, as in conftest.py
PURGING = {"enabled": True, "age": "168h", "interval": "24h", "dryrun": False}


def with_purging(**purging):
    return {"filesystem": {"rootdirectory": "/var/lib/registry"}, "maintenance": {"uploadpurging": purging}}


@pytest.mark.parametrize("sections, start", [
    ({"health": {"storagedriver": {"enabled": True, "interval": "-10s"}}}, "health.storagedriver.interval"),
    ({"health": {"file": [{"file": "/down", "interval": "-1s"}]}}, "health.file[0].interval"),
    ({"health": {"http": [{"uri": "http://x/", "interval": "-1m"}]}}, "health.http[0].interval"),
    ({"health": {"tcp": [{"addr": "redis:6379", "timeout": "-3s"}]}}, "health.tcp[0].timeout"),
    ({"http": {"draintimeout": "-5s"}}, "http.draintimeout"),
    ({"notifications": {"endpoints": [{"name": "n", "url": "http://x/", "backoff": "-1s"}]}},
     "notifications.endpoints[0].backoff"),
    ({"redis": {"addr": "r:6379", "pool": {"idletimeout": "-5m"}}}, "redis.pool.idletimeout"),
    ({"proxy": {"remoteurl": "https://hub.example", "ttl": "-1h"}}, "proxy.ttl"),
])
def test_negative_durations_are_refused(sections, start):
    errors = errors_for(**sections)
    assert len(errors) == 1 and errors[0].startswith(start + ": ") and "must not be negative" in errors[0], errors


def test_zero_is_distributions_default_and_accepted():
    assert errors_for(health={"storagedriver": {"enabled": True, "interval": "0"}}, http={"draintimeout": "0s"}) == []


@pytest.mark.parametrize("purging, start, words", [
    (dict(PURGING, interval="0s"), "storage.maintenance.uploadpurging.interval", "must be above 0"),
    (dict(PURGING, age="-1h"), "storage.maintenance.uploadpurging.age", "must be above 0"),
    ({"enabled": True, "age": "168h"}, "storage.maintenance.uploadpurging", "missing interval, dryrun"),
    ({"dryrun": True}, "storage.maintenance.uploadpurging", "missing age, interval"),
])
def test_upload_purging_rules(purging, start, words):
    errors = errors_for(storage=with_purging(**purging))
    assert len(errors) == 1 and errors[0].startswith(start + ": ") and words in errors[0], errors


def test_upload_purging_switched_off_needs_nothing_else():
    assert errors_for(storage=with_purging(enabled=False)) == []


@pytest.mark.parametrize("key, value", [
    ("chunksize", (5 << 30) + 1), ("multipartcopychunksize", 1024), ("multipartcopythresholdsize", -1),
])
def test_s3_part_sizes_in_the_drivers_range(key, value):
    storage = {"s3": dict(DRIVERS["s3"], **{key: value})}
    assert_one_error(errors_for(storage=storage), "storage.s3.%s" % key)


def start_refused(tmp_path, sections, seconds=10):
    """Run the real registry on a config our checks refuse: its exit code and log."""
    sections = dict(sections, http=dict(sections.get("http") or {}, addr="127.0.0.1:0"))
    sections.setdefault("storage", {"filesystem": {"rootdirectory": str(tmp_path / "data")}})
    config = build_config(sections)
    (tmp_path / "config.yml").write_text(render(config))
    env = dict((key, value) for key, value in os.environ.items() if key != "AWS_CA_BUNDLE")
    try:
        done = subprocess.run([REGISTRY_BINARY, "serve", str(tmp_path / "config.yml")], env=env,
                              capture_output=True, text=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError("Distribution kept running on a config we refuse:\n%s" % exc.stderr)
    return config_errors(config), done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("sections, start, logged", [
    ({"health": {"storagedriver": {"enabled": True, "interval": "-10s"}}},
     "health.storagedriver.interval", "non-positive interval"),
    ({"health": {"file": [{"file": "/nonexistent", "interval": "-1s"}]}}, "health.file[0].interval", "non-positive interval"),
    ({"storage": {"filesystem": {"rootdirectory": "/nonexistent"},
                  "maintenance": {"uploadpurging": {"enabled": True, "interval": "24h", "dryrun": False}}}},
     "storage.maintenance.uploadpurging", "age missing"),
])
def test_what_we_refuse_the_real_registry_cannot_start_with(tmp_path, sections, start, logged):
    errors, code, log = start_refused(tmp_path, sections)
    assert errors and errors[0].startswith(start + ": "), errors
    assert code != 0 and logged in log, (code, log)


def run_command(args):
    """What ``AnsibleModule.run_command`` returns, for a real command."""
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout, done.stderr


def openssl(*args):
    return run_command(["openssl"] + list(args))


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A self-signed certificate, its key, and a key of another pair."""
    root = tmp_path_factory.mktemp("tls")
    for name in ("server", "other"):
        assert openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                       "-out", str(root / (name + ".key")))[0] == 0
    assert openssl("req", "-x509", "-new", "-key", str(root / "server.key"), "-subj", "/CN=127.0.0.1",
                   "-days", "2", "-out", str(root / "server.crt"))[0] == 0
    return root


def test_tls_pair_that_matches_passes(tls_files):
    tls = {"certificate": str(tls_files / "server.crt"), "key": str(tls_files / "server.key")}
    assert tls_pair_errors(tls, "/usr/bin/openssl", run_command) == []


def test_tls_key_of_another_pair_is_refused_and_the_registry_agrees(tls_files, tmp_path):
    tls = {"certificate": str(tls_files / "server.crt"), "key": str(tls_files / "other.key")}
    errors = tls_pair_errors(tls, "/usr/bin/openssl", run_command)
    assert len(errors) == 1 and errors[0].startswith("http.tls.key: ") and "not the private key" in errors[0], errors
    code, log = start_refused(tmp_path, {"http": {"tls": tls}})[1:]
    assert code != 0 and "private key does not match public key" in log, log


def test_tls_files_that_are_not_pem_or_not_files(tls_files, tmp_path):
    (tmp_path / "empty.crt").write_text("")
    tls = {"certificate": str(tmp_path / "empty.crt"), "key": str(tls_files / "server.key")}
    assert_one_error(tls_pair_errors(tls, "/usr/bin/openssl", run_command), "http.tls.certificate")
    tls = {"certificate": str(tmp_path), "key": str(tls_files / "server.key")}
    assert tls_pair_errors(tls, "/usr/bin/openssl", run_command) == [
        "http.tls.certificate: %s is not a readable file" % tmp_path]


def test_tls_paths_not_on_this_host_are_left_to_the_trial_start(tls_files):
    # The registry role's paths are inside the container; without openssl nothing is paired.
    tls = {"certificate": "/etc/docker/registry/tls/server.crt", "key": "/etc/docker/registry/tls/server.key"}
    assert tls_pair_errors(tls, "/usr/bin/openssl", run_command) == []
    tls = {"certificate": str(tls_files / "server.crt"), "key": str(tls_files / "other.key")}
    assert tls_pair_errors(tls, None, run_command) == []


@pytest.mark.parametrize("storage, pull_through, expected", [
    ({}, False, {"delete": {"enabled": True}, "filesystem": {"rootdirectory": "/var/lib/registry"}}),
    ({"s3": {"bucket": "b", "region": "r"}}, False, {"delete": {"enabled": True}, "s3": {"bucket": "b", "region": "r"}}),
    ({"delete": {"enabled": False}, "filesystem": {"maxthreads": 50}}, False,
     {"delete": {"enabled": False}, "filesystem": {"maxthreads": 50}}),
    ({}, True, {"filesystem": {"rootdirectory": "/var/lib/registry"}}),
])
def test_the_role_storage_keeps_what_the_verification_needs(storage, pull_through, expected):
    assert storage_with_defaults(storage, pull_through) == expected
    assert config_errors(build_config({"storage": storage_with_defaults(storage, pull_through)})) == []
