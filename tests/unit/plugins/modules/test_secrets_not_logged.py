# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""No secret given to a config-writing module reaches the invocation record logged on the target.

Ansible writes that record through syslog when the journal's Python bindings are missing (as
here) and through journald otherwise, from the same masked text; syslog is captured at the source.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.anchorage.registry.plugins.modules import (
    containerd_hosts,
    harbor_config,
    k3s_registries,
    registry_config,
    registry_htpasswd,
    zot_config,
)

S3 = {"region": "us-east-1", "bucket": "images", "accesskey": "AKIAREADABLE", "secretkey": "s3-secret-key-1"}

CASES = [
    pytest.param(registry_config, lambda tmp: {
        "path": str(tmp / "config.yml"), "storage": {"s3": S3},
        "http": {"addr": ":5000", "secret": "http-secret-2"},
        "redis": {"addr": "redis:6379", "password": "redis-password-3"},
    }, ["s3-secret-key-1", "http-secret-2", "redis-password-3"], "AKIAREADABLE", id="registry_config"),
    pytest.param(zot_config, lambda tmp: {
        "path": str(tmp / "config.json"),
        "storage": {"rootDirectory": "/var/lib/registry", "storageDriver": dict(S3, name="s3")},
    }, ["s3-secret-key-1", "AKIAREADABLE"], "'bucket': 'images'", id="zot_config"),  # zot counts access keys as secret
    pytest.param(k3s_registries, lambda tmp: {
        "path": str(tmp / "registries.yaml"),
        "mirrors": {"docker.io": {"endpoint": ["https://reg.example:5443"]}},
        "configs": {"reg.example:5443": {"auth": {"username": "robot", "password": "k3s-password-4"},
                                         "tls": {"ca_file": "/etc/ca-readable.crt"}}},
    }, ["k3s-password-4"], "/etc/ca-readable.crt", id="k3s_registries"),
    pytest.param(containerd_hosts, lambda tmp: {
        "path": str(tmp / "certs.d"),
        "registries": [{"name": "reg.example:5443", "hosts": [
            {"url": "https://reg.example:5443", "header": {"authorization": "Basic aGVhZGVyLTU="}}]}],
    }, ["Basic aGVhZGVyLTU="], "reg.example:5443", id="containerd_hosts"),
    pytest.param(registry_htpasswd, lambda tmp: {
        "path": str(tmp / "htpasswd"), "users": [{"name": "readable-user", "password": "htpasswd-password-6"}],
    }, ["htpasswd-password-6"], "readable-user", id="registry_htpasswd"),
    pytest.param(harbor_config, lambda tmp: {
        "path": str(tmp / "harbor.yml"), "hostname": "harbor.example", "harbor_admin_password": "Harbor-Admin-7",
        "database": {"password": "harbor-db-8"}, "storage_service": {"s3": S3},
        "proxy": {"https_proxy": "http://proxy-user:harbor-proxy-9@proxy.example:3128"},
    }, ["Harbor-Admin-7", "harbor-db-8", "s3-secret-key-1", "AKIAREADABLE", "harbor-proxy-9"], "'bucket': 'images'",
        id="harbor_config"),  # Harbor's access keys count as secret too
]


@pytest.mark.parametrize("module, make_args, secrets, readable", CASES)
def test_secrets_are_masked_and_the_rest_stays_readable(run_module, tmp_path, monkeypatch, module, make_args,
                                                        secrets, readable):
    logged = []
    monkeypatch.setattr("syslog.syslog", lambda *args: logged.append(args[-1]))
    result = run_module(module, make_args(tmp_path), diff=True)
    assert not result.get("failed"), result
    invocation = [line for line in logged if line.startswith("Invoked with")]
    assert len(invocation) == 1 and readable in invocation[0]
    for secret in secrets:
        assert secret not in invocation[0], "%s logged" % secret
        assert secret not in json.dumps(result), "%s in the result" % secret


@pytest.mark.parametrize("module, make_args, secrets, readable", CASES)
def test_a_refusal_by_the_argument_spec_masks_the_secrets_too(run_module, tmp_path, module, make_args, secrets, readable):
    # Ansible's own option checks fail before the invocation is logged; the result still carries it.
    result = run_module(module, dict(make_args(tmp_path), no_such_option=True))
    assert result["failed"] and "no_such_option" in result["msg"]
    for secret in secrets:
        assert secret not in json.dumps(result), "%s in the refusal" % secret
