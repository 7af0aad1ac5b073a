# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import base64
import json
import ssl
import urllib.request

from certificates import self_signed

from ansible_collections.anchorage.registry.plugins.modules import registry_verify

PASSWORD = "verify-admin-password"
DIGEST = "sha256:8c5839abcc0fe892b1d996ea7f965c44212c2f753a750f586ab5afc6f79dfd60"


def test_verify_reports_and_never_changes(run_module, htpasswd_distribution):
    registry = htpasswd_distribution({"admin": PASSWORD})
    args = {"url": registry.url, "username": "admin", "password": PASSWORD, "timeout": 10}
    first = run_module(registry_verify, args)
    assert first["changed"] is False and first["match"] is True
    assert first["pushed_digest"] == first["pulled_digest"] == DIGEST
    assert first["api_version"] == "registry/2.0" and first["cleanup"] == "skipped"
    assert first["elapsed"] >= 0 and first["steps"][0] == {"step": "ping", "method": "GET", "path": "/v2/", "status": 200}
    second = run_module(registry_verify, args)
    assert second["changed"] is False and second["pulled_digest"] == DIGEST
    assert PASSWORD not in json.dumps(first) + json.dumps(second)


def test_check_mode_only_pings_and_pulls(run_module, htpasswd_distribution):
    registry = htpasswd_distribution({"admin": PASSWORD})
    args = {"url": registry.url, "username": "admin", "password": PASSWORD, "timeout": 10}
    fresh = run_module(registry_verify, args, check_mode=True)
    assert "failed" not in fresh and fresh["changed"] is False
    assert fresh["pulled_digest"] is None and "is not in the registry" in fresh["msg"]
    assert {s["method"] for s in fresh["steps"]} == {"GET"}
    run_module(registry_verify, args)
    after_push = run_module(registry_verify, args, check_mode=True)
    assert after_push["match"] is True and after_push["pulled_digest"] == DIGEST
    assert {s["method"] for s in after_push["steps"]} == {"GET"}


def test_failures_name_step_and_status(run_module, htpasswd_distribution):
    registry = htpasswd_distribution({"admin": PASSWORD})
    wrong = run_module(registry_verify, {"url": registry.url, "username": "admin", "password": "not-it"})
    assert wrong["failed"] is True
    assert wrong["msg"] == "ping: 401 UNAUTHORIZED authentication required"
    assert wrong["steps"] == [{"step": "ping", "method": "GET", "path": "/v2/", "status": 401}]
    missing = run_module(registry_verify, {"url": registry.url, "username": "admin", "password": PASSWORD,
                                           "push": False, "tag": "never-pushed"})
    assert missing["failed"] is True and missing["msg"].startswith("pull: anchorage/verify:never-pushed is not in")


def test_cleanup_reported(run_module, distribution, htpasswd_distribution, tmp_path):
    enabled = htpasswd_distribution({"admin": PASSWORD}, storage={"filesystem": {"rootdirectory": str(tmp_path / "a")},
                                                                  "delete": {"enabled": True}})
    args = {"username": "admin", "password": PASSWORD, "cleanup": True, "repository": "team/app-check", "tag": "t1"}
    result = run_module(registry_verify, dict(args, url=enabled.url))
    assert result["cleanup"] == "deleted" and result["changed"] is False
    disabled = distribution()
    result = run_module(registry_verify, dict(args, url=disabled.url, username=None, password=None))
    assert "failed" not in result and result["cleanup"] == "unsupported"


def catalog(registry, auth=None):
    request = urllib.request.Request(registry.url + "/v2/_catalog")
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(("%s:%s" % auth).encode()).decode())
    return json.loads(urllib.request.urlopen(request, timeout=10).read())["repositories"]


def test_cleanup_leaves_no_repository(run_module, htpasswd_distribution, tmp_path):
    root = tmp_path / "storage"
    registry = htpasswd_distribution({"admin": PASSWORD}, storage={"filesystem": {"rootdirectory": str(root)},
                                                                   "delete": {"enabled": True}})
    args = {"url": registry.url, "username": "admin", "password": PASSWORD, "cleanup": True}
    # Without filesystem_root the API cleanup leaves the empty directories, and the catalog lists them.
    unlinked = run_module(registry_verify, args)
    assert unlinked["cleanup"] == "deleted" and unlinked["repository_directory"] == "skipped"
    assert [s["step"] for s in unlinked["steps"]][-2:] == ["cleanup blob", "cleanup blob"]
    assert catalog(registry, ("admin", PASSWORD)) == ["anchorage/verify"]
    other = run_module(registry_verify, dict(args, repository="anchorage/keep", cleanup=False))
    assert other["repository_directory"] == "skipped"
    result = run_module(registry_verify, dict(args, filesystem_root=str(root)))
    assert result["cleanup"] == "deleted" and result["repository_directory"] == "removed" and result["changed"] is False
    # The test image's repository is gone; another repository under the same parent stays.
    assert catalog(registry, ("admin", PASSWORD)) == ["anchorage/keep"]
    kept = run_module(registry_verify, dict(args, repository="anchorage/keep", cleanup=False, push=False,
                                            filesystem_root=str(root)))
    assert kept["repository_directory"] == "skipped" and kept["match"] is True


def test_require_auth(run_module, distribution, htpasswd_distribution):
    secured = htpasswd_distribution({"admin": PASSWORD})
    result = run_module(registry_verify, {"url": secured.url, "username": "admin", "password": PASSWORD,
                                          "require_auth": True})
    assert result["anonymous_status"] == 401 and result["match"] is True
    open_registry = distribution()
    refused = run_module(registry_verify, {"url": open_registry.url, "require_auth": True})
    assert refused["failed"] is True and refused["anonymous_status"] == 200
    assert refused["msg"] == "anonymous ping: 200 without credentials; the registry should refuse them (401)"
    assert run_module(registry_verify, {"url": open_registry.url})["anonymous_status"] == 200


def test_over_https_one_tls_context_serves_every_check(run_module, htpasswd_distribution, tmp_path, monkeypatch):
    _key, _certificate, cert_path, key_path = self_signed(tmp_path, "registry")
    registry = htpasswd_distribution({"admin": PASSWORD}, http={"tls": {"certificate": cert_path, "key": key_path}},
                                     storage={"filesystem": {"rootdirectory": str(tmp_path / "data")},
                                              "delete": {"enabled": True}})
    made = []
    create_default_context = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **kw: made.append(a) or create_default_context(*a, **kw))
    result = run_module(registry_verify, {"url": registry.url, "username": "admin", "password": PASSWORD,
                                          "ca_path": cert_path, "require_auth": True, "cleanup": True})
    assert result["match"] is True and result["anonymous_status"] == 401 and result["cleanup"] == "deleted"
    # The anonymous check, the verification and the cleanup: one endpoint, one context (the CA read once).
    assert len(made) == 1


DOCKER_DIGEST = "sha256:34e3f5ac663d5f44a11f53cf58c3159065a7ef8de09c6471cd829aebe2b73d48"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


def test_docker_format_with_catalog_and_cleanup(run_module, htpasswd_distribution, tmp_path):
    root = tmp_path / "storage"
    registry = htpasswd_distribution({"admin": PASSWORD}, storage={"filesystem": {"rootdirectory": str(root)},
                                                                   "delete": {"enabled": True}})
    args = {"url": registry.url, "username": "admin", "password": PASSWORD, "manifest_format": "docker", "catalog": True}
    kept = run_module(registry_verify, args)
    assert kept["match"] is True and kept["pulled_digest"] == DOCKER_DIGEST and kept["media_type"] == DOCKER_MANIFEST
    assert kept["tags"] == ["latest"] and kept["changed"] is False
    assert [s["step"] for s in kept["steps"]][-2:] == ["catalog", "tags list"]
    listed = run_module(registry_verify, args, check_mode=True)
    assert listed["match"] is True and {s["method"] for s in listed["steps"]} == {"GET"} and listed["tags"] == ["latest"]
    # The default format over the Docker one is a mismatch, named.
    oci = run_module(registry_verify, dict(args, manifest_format="oci", push=False))
    assert oci["failed"] is True and "manifest: served as %s" % DOCKER_MANIFEST in oci["msg"]
    cleaned = run_module(registry_verify, dict(args, cleanup=True, filesystem_root=str(root)))
    assert cleaned["cleanup"] == "deleted" and cleaned["repository_directory"] == "removed"
    assert catalog(registry, ("admin", PASSWORD)) == []
    refused = run_module(registry_verify, dict(args, manifest_format="schema1"))
    assert refused["failed"] is True and "manifest_format" in refused["msg"]
