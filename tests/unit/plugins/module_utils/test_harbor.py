# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy
import os
import subprocess

import pytest
import yaml

from ansible_collections.anchorage.registry.plugins.module_utils import _harbor
from ansible_collections.anchorage.registry.plugins.module_utils._harbor import (
    build_config,
    config_errors,
    file_errors,
    render,
)
from ansible_collections.anchorage.registry.plugins.module_utils._schema import drop_none
from ansible_collections.anchorage.registry.plugins.modules import harbor_config

# Installer v2.16's harbor.yml.tmpl (goharbor/harbor c50c7ddd), kept beside the checkout in ../shared/reference/harbor.
HERE = os.path.dirname(os.path.realpath(__file__))  # <checkout>/tests/unit/plugins/module_utils
TEMPLATE = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "reference", "harbor",
                                         "harbor.yml.tmpl"))
if not os.path.isfile(TEMPLATE):
    pytest.fail("no %s: put installer v2.16's harbor.yml.tmpl there" % TEMPLATE, pytrace=False)

BASE = {"hostname": "harbor.example", "harbor_admin_password": "Admin-Secret-1",
        "database": {"password": "db-secret-2"}, "data_volume": "/data", "config_version": "2.15.0"}
S3 = {"region": "us-east-1", "bucket": "harbor", "accesskey": "AKIA1", "secretkey": "s3-secret-3"}
EXTERNAL_DB = {"harbor": {"host": "db.example", "port": 5432, "db_name": "registry", "username": "harbor",
                          "password": "ext-db-secret", "ssl_mode": "require"}}


def params(**changes):
    return dict(copy.deepcopy(BASE), **changes)


def errors_for(**changes):
    return config_errors(build_config(params(**changes)))


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A real self-signed certificate and key made by openssl: {"cert": path, "key": path}."""
    root = tmp_path_factory.mktemp("pki")
    files = {"cert": str(root / "harbor.crt"), "key": str(root / "harbor.key")}
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "2", "-subj", "/CN=harbor.example", "-keyout", files["key"], "-out", files["cert"]],
                   check=True, capture_output=True)
    return files


def test_the_base_options_pass_and_prepares_crash_sections_get_the_templates_values():
    data = build_config(params())
    assert config_errors(data) == []
    template = yaml.safe_load(open(TEMPLATE).read())
    for section in ("jobservice", "notification", "log"):
        assert data[section] == template[section], section


def test_a_partly_given_section_keeps_the_rest_of_the_defaults():
    data = build_config(params(log={"level": "debug", "local": {"location": "/srv/log"}},
                               jobservice={"max_job_workers": 4, "job_loggers": ["DB"]}))
    assert data["log"] == {"level": "debug", "local": {"rotate_count": 50, "rotate_size": "200M",
                                                       "location": "/srv/log"}}
    assert data["jobservice"] == {"max_job_workers": 4, "max_job_duration_hours": 24, "job_loggers": ["DB"],
                                  "logger_sweeper_duration": 1}
    assert _harbor.DEFAULTS["log"]["local"]["location"] == "/var/log/harbor"  # not changed by the merge


# Every check prepare applies, then what prepare accepts silently or crashes on: (changes, first words).
PREPARE_CHECKS = [
    ({"hostname": "127.0.0.1"}, "hostname: '127.0.0.1' is reachable from this host only"),
    ({"hostname": "reg.mydomain.com"}, "hostname: 'reg.mydomain.com' is the template's placeholder"),
    ({"https": {"certificate": "/etc/harbor/h.crt"}}, "https.private_key: is required"),
    ({"https": {"private_key": "/etc/harbor/h.key"}}, "https.certificate: is required"),
    ({"https": {"certificate": "/your/certificate/path", "private_key": "/etc/h.key"}},
     "https.certificate: '/your/certificate/path' is the template's placeholder"),
    ({"https": {"certificate": "/etc/h.crt", "private_key": "/your/private/key/path"}},
     "https.private_key: '/your/private/key/path' is the template's placeholder"),
    ({"log": {"external_endpoint": {"protocol": "tcp", "host": "syslog.example"}}},
     "log.external_endpoint.port: is required"),
    ({"log": {"external_endpoint": {"protocol": "tcp", "port": 5140}}}, "log.external_endpoint.host: is required"),
    ({"log": {"external_endpoint": {"protocol": "http", "host": "s", "port": 5140}}},
     "log.external_endpoint.protocol: 'http' is not one of 'tcp', 'udp'"),
    ({"upload_purging": {"enabled": True, "age": "1h"}}, "upload_purging.age: '1h' must be whole hours, at least 2h"),
    ({"upload_purging": {"enabled": True, "interval": "90m"}}, "upload_purging.interval: '90m' must be whole hours"),
    ({"upload_purging": {"age": "2.5h"}}, "upload_purging.age: '2.5h' must be whole hours"),
    ({"cache": {"enabled": True, "expire_hours": 0}}, "cache.expire_hours: 0 is below the minimum 1"),
    ({"trace": {"enabled": True}}, "trace: enabled needs exactly one exporter, jaeger or otel"),
    ({"trace": {"enabled": True, "jaeger": {"endpoint": "http://j:14268/api/traces"},
                "otel": {"endpoint": "o:4318", "url_path": "/v1/traces"}}}, "trace: enabled needs exactly one exporter"),
    ({"trace": {"enabled": True, "jaeger": {"endpoint": "http://j:14268/api/traces", "agent_host": "j"}}},
     "trace.jaeger: give endpoint (collector) or agent_host (agent), exactly one"),
    ({"trace": {"enabled": True, "jaeger": {"username": "u"}}}, "trace.jaeger: give endpoint (collector) or agent_host"),
    ({"trace": {"enabled": True, "otel": {"endpoint": "o:4318"}}}, "trace.otel.url_path: is required"),
    ({"core": {"quota_update_provider": "memory"}}, "core.quota_update_provider: 'memory' is not one of 'db', 'redis'"),
]

ACCEPTED_OR_CRASHED_BY_PREPARE = [
    ({"hostname": "localhost"}, "hostname: 'localhost' is reachable from this host only"),
    ({"hostname": "[::1]"}, "hostname: '[::1]' is reachable from this host only"),
    ({"hostname": "0.0.0.0"}, "hostname: '0.0.0.0' is reachable from this host only"),
    ({"hostname": "https://harbor.example"}, "hostname: 'https://harbor.example' is a URL"),
    ({"hostname": "harbor.example/registry"}, "hostname: 'harbor.example/registry' has a path"),
    ({"hostname": "harbor.example:8443"}, "hostname: 'harbor.example:8443' has a port: give the port in http.port"),
    ({"storage_service": {"minio": {"bucket": "b"}}}, "storage_service.minio: unknown key (known keys here: azure, "),
    ({"storage_service": {"s3": dict(S3, bucket=None)}}, "storage_service.s3.bucket: is required"),
    ({"storage_service": {"s3": {"bucket": "b"}}}, "storage_service.s3.region: is required"),
    ({"storage_service": {"azure": {"accountname": "a", "container": "c"}}}, "storage_service.azure.accountkey: is required"),
    ({"storage_service": {"gcs": {"keyfile": "/etc/gcs.json"}}}, "storage_service.gcs.bucket: is required"),
    ({"storage_service": {"swift": {"username": "u", "password": "p", "container": "c"}}},
     "storage_service.swift.authurl: is required"),
    ({"storage_service": {"oss": {"accesskeyid": "i", "accesskeysecret": "s", "region": "r"}}},
     "storage_service.oss.bucket: is required"),
    ({"storage_service": {"s3": dict(S3, regon="eu")}}, "storage_service.s3.regon: unknown key"),
    ({"storage_service": {"filesystem": {"maxthreads": 100}, "s3": S3}},
     "storage_service: configure only one storage driver, got filesystem, s3 (prepare would silently use filesystem)"),
    ({"storage_service": {"filesystem": {"rootdirectory": "storage"}}},
     "storage_service.filesystem.rootdirectory: 'storage' must be an absolute path"),
    ({"storage_service": {"ca_bundle": "ca.crt"}}, "storage_service.ca_bundle: 'ca.crt' must be an absolute path"),
    ({"http": {"port": 70000}}, "http.port: 70000 is not a port number (1-65535)"),
    ({"https": {"port": 0, "certificate": "/c", "private_key": "/k"}}, "https.port: 0 is not a port number"),
    ({"http": {"port": 443}, "https": {"certificate": "/c", "private_key": "/k"}}, "https.port: 443 is http.port too"),
    ({"log": {"external_endpoint": {"protocol": "udp", "host": "s", "port": 65536}}},
     "log.external_endpoint.port: 65536 is not a port number"),
    ({"metric": {"enabled": True, "port": -1, "path": "/metrics"}}, "metric.port: -1 is not a port number"),
    ({"metric": {"enabled": True, "path": "/metrics"}}, "metric.port: is required"),
    ({"harbor_admin_password": ""}, "harbor_admin_password: is required"),
    ({"harbor_admin_password": "no-upper-case-1"}, "harbor_admin_password: must be 8-128 characters with at least one"),
    ({"harbor_admin_password": "Short-1"}, "harbor_admin_password: must be 8-128 characters"),
    ({"harbor_admin_password": "No-Digits-Here"}, "harbor_admin_password: must be 8-128 characters"),
    ({"data_volume": "data"}, "data_volume: 'data' must be an absolute path"),
    ({"log": {"local": {"location": "logs"}}}, "log.local.location: 'logs' must be an absolute path"),
    ({"log": {"level": "INFO"}},
     "log.level: 'INFO' is not one of debug, info, warning, error, fatal (write 'info': prepare refuses capitals)"),
    ({"log": {"level": "warn"}}, "log.level: 'warn' is not one of debug, info, warning, error, fatal (write 'warning'"),
    ({"log": {"level": "trace"}}, "log.level: 'trace' is not one of debug, info, warning, error, fatal"),
    ({"log": {"local": {"rotate_size": "200MB"}}}, "log.local.rotate_size: '200MB' is not a logrotate size"),
    ({"database": None}, "database: is required unless external_database is given"),
    ({"database": {"max_idle_conns": 10}}, "database.password: is required"),
    ({"database": {"password": "p", "max_idle_conns": 0}}, "database.max_idle_conns: 0 is replaced by prepare's default"),
    ({"database": {"password": "p", "conn_max_lifetime": "5 min"}}, "database.conn_max_lifetime: '5 min' is not a duration"),
    ({"external_database": {"harbor": dict(EXTERNAL_DB["harbor"], ssl_mode=None)}},
     "external_database.harbor.ssl_mode: is required"),
    ({"external_database": {"harbor": dict(EXTERNAL_DB["harbor"], ssl_mode="on")}},
     "external_database.harbor.ssl_mode: 'on' is not one of"),
    ({"external_database": {"harbor": dict(EXTERNAL_DB["harbor"], port=99999)}},
     "external_database.harbor.port: 99999 is not a port number"),
    ({"external_database": {"harbor": dict(EXTERNAL_DB["harbor"], password="two words")}},
     "external_database.harbor.password: Harbor core puts it unquoted into a PostgreSQL keyword/value connection"),
    ({"external_database": {"harbor": dict(EXTERNAL_DB["harbor"], username="a\\b")}},
     "external_database.harbor.username: Harbor core puts it unquoted"),
    ({"database": {"password": "'quoted"}}, "database.password: Harbor core puts it unquoted"),
    ({"jobservice": {"max_job_duration_hours": 12}}, "jobservice.max_job_duration_hours: 12 is below the minimum 24"),
    ({"jobservice": {"max_job_workers": 0}}, "jobservice.max_job_workers: 0 is below the minimum 1"),
    ({"jobservice": {"job_loggers": ["FILE", "FILE"]}}, "jobservice.job_loggers: needs at least one of STD_OUTPUT"),
    ({"jobservice": {"job_loggers": ["SYSLOG"]}}, "jobservice.job_loggers[0]: 'SYSLOG' is not one of"),
    ({"notification": {"webhook_job_http_client_timeout": 0}},
     "notification.webhook_job_http_client_timeout: 0 is below the minimum 1"),
    ({"redis": {"registry_db_index": 0}}, "redis.registry_db_index: 0: index 0 is Harbor core's"),
    ({"redis": {"trivy_db_index": 3}, "external_redis": {"host": "redis.example:6379"}},
     "redis: give the database indexes in external_redis"),
    ({"external_redis": {"host": "r1:26379,r2:26379"}}, "external_redis.host: several hosts are Sentinels"),
    ({"external_redis": {"host": "r1:26379,bad host", "sentinel_master_set": "m"}},
     "external_redis.host[1]: 'bad host' is not a host name"),
    ({"external_redis": {"host": "redis.example:6379", "tlsOptions": {"enable": True}}},
     "external_redis.tlsOptions.rootCA: is required when tlsOptions.enable is true"),
    ({"external_redis": {"host": "redis.example:6379", "password": "#hash"}},
     "external_redis.password: prepare copies this value unquoted into the registry's config.yml"),
    ({"external_redis": {"password": "p"}}, "external_redis.host: is required"),
    ({"storage_service": {"s3": dict(S3, secretkey="ab: cd")}},
     "storage_service.s3.secretkey: prepare copies this value unquoted"),
    ({"storage_service": {"gcs": {"bucket": "b", "credentials": {"private_key": "-----BEGIN\nMIIE\n"}}}},
     "storage_service.gcs.credentials: prepare copies this value unquoted"),
    ({"storage_service": {"s3": dict(S3, storageclass="GLACIER")}}, "storage_service.s3.storageclass: 'GLACIER'"),
    ({"storage_service": {"gcs": {"bucket": "b", "chunksize": 1000}}},
     "storage_service.gcs.chunksize: 1000 must be a positive multiple of 262144"),
    ({"external_url": "harbor.example"}, "external_url: 'harbor.example' is not a URL with a scheme"),
    ({"external_url": "https://harbor.example/harbor"}, "external_url: 'https://harbor.example/harbor' must be"),
    ({"proxy": {"http_proxy": "proxy.example:3128"}}, "proxy.http_proxy: 'proxy.example:3128' is not a URL"),
    ({"proxy": {"components": ["core", "portal"]}}, "proxy.components[1]: 'portal' is not one of"),
    ({"trivy": {"security_check": "vuln,license"}}, "trivy.security_check: 'vuln,license' must be a comma-separated"),
    ({"trivy": {"timeout": "5 minutes"}}, "trivy.timeout: '5 minutes' is not a duration"),
    ({"trivy": {"timeout": "0s"}}, "trivy.timeout: '0s' must be above 0"),
    ({"database": {"password": "p", "conn_max_lifetime": "-5m"}}, "database.conn_max_lifetime: '-5m' must not be negative"),
    ({"database": {"password": "p", "conn_max_idle_time": "-1s"}}, "database.conn_max_idle_time: '-1s' must not be negative"),
    ({"database": {"password": "p", "max_open_conns": -1}}, "database.max_open_conns: -1 is below the minimum 0"),
    ({"database": {"password": "p", "max_idle_conns": -2}}, "database.max_idle_conns: -2 is below the minimum -1"),
    ({"trace": {"sample_rate": 2}}, "trace.sample_rate: 2 is above the maximum 1"),
    ({"internal_tls": {"enabled": True}}, "internal_tls.dir: is required when internal_tls.enabled is true"),
    ({"config_version": "v2.15"}, "_version: 'v2.15' is not a harbor.yml version such as 2.15.0"),
]


@pytest.mark.parametrize("changes, expected", PREPARE_CHECKS + ACCEPTED_OR_CRASHED_BY_PREPARE)
def test_each_check_names_its_option(changes, expected):
    errors = errors_for(**changes)
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_unknown_keys_are_refused_by_their_path():
    data = build_config(params())
    data["harbour"] = {}
    data["database"]["pasword"] = "x"
    assert config_errors(data) == [
        "database.pasword: unknown key (known keys here: conn_max_idle_time, conn_max_lifetime, max_idle_conns, "
        "max_open_conns, password)",
        "harbour: unknown key (known keys here: %s)" % ", ".join(sorted(_harbor.SECTIONS)),
    ]


def test_an_empty_storage_driver_is_refused_not_made_filesystem():
    assert errors_for(storage_service={"s3": {}}) == ["storage_service.s3.region: is required",
                                                      "storage_service.s3.bucket: is required"]
    assert errors_for(storage_service={"s3": None, "redirect": {"disable": True}}) == []


@pytest.mark.parametrize("option, changes", [
    ("harbor_admin_password", {"harbor_admin_password": "line\nbreak"}),
    ("database.password", {"database": {"password": "bell\x07"}}),
    ("external_database.harbor.password", {"external_database": {"harbor": dict(EXTERNAL_DB["harbor"], password="a\x00")},
                                           "database": None}),
    ("external_redis.password", {"external_redis": {"host": "r:6379", "password": "p\x7f"}}),
    ("storage_service.s3.secretkey", {"storage_service": {"s3": dict(S3, secretkey="s\x1b")}}),
    ("trivy.github_token", {"trivy": {"github_token": "ghp_\n"}}),
    ("trace.jaeger.password", {"trace": {"jaeger": {"endpoint": "http://j:14268", "password": "p\r"}}}),
])
def test_a_control_character_in_any_password_is_refused(option, changes):
    errors = errors_for(**changes)
    assert any(error.startswith("%s: holds a control character (newline, tab, ...)" % option) for error in errors), errors


def test_values_prepare_copies_faithfully_pass():
    ok = params(
        storage_service={"s3": dict(S3, accesskey="12345", regionendpoint="http://10.0.0.2:9000", secure=False,
                                    chunksize=10485760), "ca_bundle": "/data/ca.crt", "redirect": {"disable": True}},
        external_redis={"host": "r1:26379,r2:26379", "sentinel_master_set": "mymaster", "password": "p@ss:w/rd",
                        "tlsOptions": {"enable": True, "rootCA": "/etc/redis-ca.crt"}, "registry_db_index": 1},
        database={"password": "no-spaces!$%", "max_idle_conns": -1, "conn_max_idle_time": "0"},
        proxy={"http_proxy": "http://user:proxy-pass@proxy.example:3128", "components": ["core", "jobservice"]},
        trace={"enabled": True, "sample_rate": 0.5, "otel": {"endpoint": "otel.example:4318", "url_path": "/v1/traces"},
               "attributes": {"application": "harbor"}},
        metric={"enabled": True, "port": 9090, "path": "/metrics"},
        upload_purging={"enabled": True, "age": "168h", "interval": "24h", "dryrun": False},
        cache={"enabled": True, "expire_hours": 24}, core={"quota_update_provider": "redis"},
        log={"level": "warning", "external_endpoint": {"protocol": "udp", "host": "syslog.example", "port": 514}},
        hostname="[fd00::10]", external_url="https://harbor.example:8443",
    )
    assert config_errors(build_config(ok)) == []


def test_secrets_include_storage_keys_tokens_and_proxy_passwords():
    data = build_config(params(
        storage_service={"swift": {"username": "u", "password": "swift-pass", "authurl": "https://keystone.example/v3",
                                   "container": "c", "secretkey": "swift-secret", "accesskey": "swift-access"}},
        external_redis={"host": "r:6379", "password": "redis-pass"}, trivy={"github_token": "ghp_token"},
        proxy={"https_proxy": "http://user:proxy-pass@proxy.example:3128"},
        trace={"jaeger": {"endpoint": "http://j:14268", "password": "jaeger-pass"}},
        external_database=EXTERNAL_DB))
    assert sorted(_harbor.secret_values(data)) == sorted([
        "Admin-Secret-1", "db-secret-2", "swift-pass", "swift-secret", "swift-access", "redis-pass", "ghp_token",
        "proxy-pass", "jaeger-pass", "ext-db-secret"])
    masked = _harbor.masked(data)
    assert masked["storage_service"]["swift"]["password"] == "********" and masked["storage_service"]["swift"]["username"] == "u"
    assert masked["harbor_admin_password"] == "********"
    s3 = _harbor.secret_values(build_config(params(storage_service={"s3": S3})))
    oss = _harbor.secret_values(build_config(params(storage_service={"oss": {
        "accesskeyid": "oss-id", "accesskeysecret": "oss-secret", "region": "r", "bucket": "b"}})))
    assert {"AKIA1", "s3-secret-3"} <= set(s3) and {"oss-id", "oss-secret"} <= set(oss)


def test_the_templates_passwords_are_warned_about():
    data = build_config(params(harbor_admin_password="Harbor12345", database={"password": "root123"}))
    assert _harbor.config_warnings(data) == [
        "database.password is the template's default password: choose another before any real use",
        "harbor_admin_password is the template's default password: choose another before any real use",
    ]
    assert _harbor.config_warnings(build_config(params())) == []


def test_render_is_deterministic_in_the_templates_order():
    data = build_config(params(cache={"expire_hours": 24, "enabled": True},
                               database={"conn_max_lifetime": "5m", "password": "p"}))
    shuffled = dict(reversed(list(data.items())))
    text = render(data)
    assert text == render(shuffled) and text.startswith(_harbor.HEADER)
    body = yaml.safe_load(text)
    assert list(body) == [name for name in _harbor.SECTIONS if name in data]
    assert list(body["database"]) == ["password", "conn_max_lifetime"]
    assert list(body["cache"]) == ["enabled", "expire_hours"]
    assert _harbor.parse(text) == data and _harbor.parse("- a list") is None and _harbor.parse("a: [") is None


# --- files on the target ------------------------------------------------------------------------

def test_certificate_and_key_files_are_read_and_must_be_pem(pki, tmp_path):
    good = {"https": {"certificate": pki["cert"], "private_key": pki["key"]}}
    assert file_errors(good) == []
    swapped = {"https": {"certificate": pki["key"], "private_key": pki["cert"]}}
    assert file_errors(swapped) == [
        "https.certificate (%s): holds a PRIVATE KEY: give only the certificate, never a key" % pki["key"],
        "https.private_key (%s): is not a PEM private key: no -----BEGIN PRIVATE KEY----- block found" % pki["cert"],
    ]
    missing = str(tmp_path / "absent.crt")
    assert file_errors({"https": {"certificate": missing, "private_key": pki["key"]}}) == [
        "https.certificate: cannot read %s on the target: No such file or directory" % missing]
    encrypted = tmp_path / "enc.key"
    encrypted.write_text("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n")
    assert file_errors({"https": {"certificate": pki["cert"], "private_key": str(encrypted)}}) == [
        "https.private_key (%s): is an encrypted key: nginx cannot ask for its passphrase" % encrypted]
    broken = tmp_path / "broken.key"
    broken.write_text("-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n")
    assert file_errors({"https": {"private_key": str(broken)}}) == [
        "https.private_key (%s): has a PRIVATE KEY block that is not valid base64" % broken]
    # The template's placeholders are config_errors' to report, not read here.
    assert file_errors({"https": {"certificate": "/your/certificate/path", "private_key": "/your/private/key/path"}}) == []


def test_the_ca_bundle_is_read_as_prepare_does(pki, tmp_path):
    bundle = tmp_path / "ca.crt"
    bundle.write_text(open(pki["cert"]).read())
    os.chmod(str(bundle), 0o640)
    data = {"data_volume": str(tmp_path), "storage_service": {"ca_bundle": str(bundle)}}
    if os.stat(str(bundle)).st_uid != _harbor.HARBOR_UID:
        assert file_errors(data) == [
            "storage_service.ca_bundle: %s must be readable by others, or owned by uid 10000 and readable by it: "
            "prepare refuses it" % bundle]
    os.chmod(str(bundle), 0o644)
    assert file_errors(data) == []
    # /data/... is inside the data volume, as prepare's container sees it.
    assert file_errors({"data_volume": str(tmp_path), "storage_service": {"ca_bundle": "/data/ca.crt"}}) == []
    assert file_errors({"data_volume": str(tmp_path), "storage_service": {"ca_bundle": "/data/other.crt"}}) == [
        "storage_service.ca_bundle: cannot read %s on the target: No such file or directory" % (tmp_path / "other.crt")]
    bundle.write_text("not a certificate")
    assert file_errors(data) == [
        "storage_service.ca_bundle (%s): is not PEM: no -----BEGIN CERTIFICATE----- block found" % bundle]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the file to uid 10000")
def test_a_ca_bundle_owned_by_harbors_user_needs_only_the_owners_read_bit(pki, tmp_path):
    bundle = tmp_path / "ca.crt"
    bundle.write_text(open(pki["cert"]).read())
    os.chown(str(bundle), _harbor.HARBOR_UID, _harbor.HARBOR_UID)
    os.chmod(str(bundle), 0o400)
    assert file_errors({"data_volume": "/data", "storage_service": {"ca_bundle": str(bundle)}}) == []
    os.chmod(str(bundle), 0o044)
    assert file_errors({"data_volume": "/data", "storage_service": {"ca_bundle": str(bundle)}})[0].endswith(
        "must be readable by others, or owned by uid 10000 and readable by it: prepare refuses it")


def test_other_files_named_in_harbor_yml(pki, tmp_path):
    not_pem = tmp_path / "uaa.crt"
    not_pem.write_text("nope")
    data = {
        "uaa": {"ca_file": str(not_pem)},
        "external_redis": {"host": "r:6379", "tlsOptions": {"enable": True, "rootCA": pki["cert"]}},
        "storage_service": {"gcs": {"bucket": "b", "keyfile": str(tmp_path / "gcs.json")}},
        "internal_tls": {"enabled": True, "dir": str(tmp_path / "tls")},
    }
    assert file_errors(data) == [
        "storage_service.gcs.keyfile: cannot read %s on the target: No such file or directory" % (tmp_path / "gcs.json"),
        "uaa.ca_file (%s): is not PEM: no -----BEGIN CERTIFICATE----- block found" % not_pem,
        "internal_tls.dir: %s is not a directory on the target" % (tmp_path / "tls"),
    ]


def test_the_internal_tls_directory_must_hold_every_pair(tmp_path):
    tls = tmp_path / "tls"
    tls.mkdir()
    for name in _harbor.INTERNAL_TLS_FILES:
        for ext in (".crt", ".key"):
            (tls / (name + ext)).write_text("x")
    data = {"internal_tls": {"enabled": True, "dir": str(tls)}}
    assert file_errors(data) == ["internal_tls.dir: %s lacks harbor_db.crt, harbor_db.key" % tls]
    assert file_errors(dict(data, external_database=EXTERNAL_DB)) == []  # no database pair then
    assert file_errors({"internal_tls": {"enabled": False, "dir": "/nowhere"}}) == []


# --- the upstream template, through the module ------------------------------------------------------

def test_the_templates_values_go_through_the_module_and_come_back_the_same(run_module, pki, tmp_path):
    template = yaml.safe_load(open(TEMPLATE).read())
    assert template["hostname"] == "reg.mydomain.com" and template["_version"] == _harbor.CONFIG_VERSION
    # What prepare itself refuses in the template: its placeholders.
    template["hostname"] = "harbor.example"
    template["https"].update(certificate=pki["cert"], private_key=pki["key"])
    path = tmp_path / "harbor.yml"
    args = dict((_harbor.OPTION_NAMES.get(key, key), value) for key, value in template.items())
    result = run_module(harbor_config, dict(args, path=str(path)))
    assert not result.get("failed"), result
    assert result["changed"] is True and result["restart_required"] is True
    written = yaml.safe_load(path.read_text())
    expected = drop_none(template)  # proxy's empty http_proxy, https_proxy, no_proxy mean "none" to prepare too
    expected["database"]["conn_max_idle_time"] = "0"  # a Go duration, written as a string
    assert written == expected
    assert list(written) == list(expected)
    for section, value in expected.items():
        if isinstance(value, dict):
            assert list(written[section]) == list(value), section
    assert run_module(harbor_config, dict(args, path=str(path)))["changed"] is False


def test_the_prepare_checksum_leaves_the_admin_password_out():
    # Harbor reads harbor_admin_password at its first start only: changing it alone needs no prepare.
    first = _harbor.prepare_checksum(_harbor.build_config(params()))
    assert first == _harbor.prepare_checksum(_harbor.build_config(params(harbor_admin_password="Other-Admin-2")))
    assert first != _harbor.prepare_checksum(_harbor.build_config(params(database={"password": "other-db"})))
