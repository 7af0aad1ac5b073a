# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The site verification's planning and summary (pure), and the removal of empty repositories."""

from __future__ import annotations

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils._verify import (
    failures,
    plan,
    remove_empty_repository,
    rows,
    summary,
)

DIGEST = "sha256:8c5839abcc0fe892b1d996ea7f965c44212c2f753a750f586ab5afc6f79dfd60"
DATA = "/var/lib/anchorage/registry"


def lab_rows():
    s3 = {"s3": {"bucket": "registry", "region": "us-east-1"}}
    hosts = [
        {"name": "up", "addresses": ["up", ""], "settings": {"port": "5000", "data_dir": DATA}},
        {"name": "cache", "addresses": ["cache", "10.0.0.9"],
         "settings": {"port": 5000, "data_dir": DATA, "proxy": {"remoteurl": "http://up:5000"}}},
        {"name": "reg1", "addresses": ["reg1"], "settings": {"port": 5000, "users": ["admin"], "storage": s3,
                                                             "repository": "anchorage/verify-reg1", "data_dir": DATA}},
        {"name": "reg2", "addresses": ["reg2"], "settings": {"port": 5000, "users": ["admin"], "storage": s3,
                                                             "repository": "anchorage/verify-reg2", "data_dir": DATA}},
    ]
    return rows(hosts, [{"address": "10.0.0.100", "nodes": ["reg1", "reg2"]}])


NODES = [
    {"name": "docker1", "runtimes": ["docker"], "registries": [
        {"host": "10.0.0.100:5000", "insecure": True, "username": "admin"},
        {"host": "cache:5000", "insecure": True, "mirrors": ["docker.io", "quay.io"]}]},
    {"name": "ctrd1", "runtimes": ["containerd"], "registries": [
        {"host": "10.0.0.100:5000", "insecure": True, "username": "admin"},
        {"host": "cache:5000", "insecure": True, "mirrors": ["docker.io", "*", {"upstream": "gcr.io", "path": "/g"}]},
        {"host": "elsewhere:5000"}]},
    {"name": "k3s1", "runtimes": ["k3s"], "registries": [{"host": "cache:5000", "mirrors": ["docker.io"]}]},
]


def test_rows_from_role_variables():
    up, cache, reg1, _reg2, vip = lab_rows()
    assert up == {"name": "up", "endpoints": ["up:5000"], "url": "http://127.0.0.1:5000", "validate_certs": False,
                  "auth": "none", "storage": "filesystem", "filesystem_root": DATA, "cleanup": True, "proxy": "",
                  "repository": "anchorage/verify"}
    # A cache is never pushed to: the role leaves delete off.
    assert cache["proxy"] == "http://up:5000" and cache["cleanup"] is False and cache["endpoints"][1] == "10.0.0.9:5000"
    assert reg1["auth"] == "htpasswd (1 user)" and reg1["storage"] == "s3 (registry)" and reg1["filesystem_root"] is None
    assert vip["name"] == "VIP of reg1, reg2" and vip["endpoints"] == ["10.0.0.100:5000"]
    assert vip["url"] == "http://10.0.0.100:5000" and vip["repository"] == "anchorage/verify-ha"


def test_rows_tls_and_filesystem_below_the_mount():
    [row] = rows([{"name": "r", "addresses": ["r"], "settings": {
        "port": 5443, "tls": True, "verify_url": "https://r.example:5443", "data_dir": "/srv/reg/",
        "storage": {"filesystem": {"rootdirectory": "/var/lib/registry/images"}}}}])
    assert row["url"] == "https://r.example:5443" and row["validate_certs"] is True
    assert row["filesystem_root"] == "/srv/reg/images"
    [local] = rows([{"name": "r", "addresses": ["r"], "settings": {"port": 5443, "tls": True, "data_dir": DATA}}])
    assert local["url"] == "https://127.0.0.1:5443" and local["validate_certs"] is False


def test_plan_pulls_by_runtime():
    planned = plan(lab_rows(), NODES)
    assert planned["digest"] == DIGEST and planned["caches"] == {"cache": "anchorage/verify"}
    # Docker: logged in to the VIP by node_trust, docker.io only as a mirror.
    assert planned["pulls"]["docker1"] == [
        {"registry": "VIP of reg1, reg2", "image": "10.0.0.100:5000/anchorage/verify-ha:latest", "runtime": "docker",
         "how": "direct"},
        {"registry": "cache", "image": "cache:5000/anchorage/verify:latest", "runtime": "docker", "how": "direct"},
        {"registry": "cache", "image": "docker.io/anchorage/verify:latest", "runtime": "docker", "how": "mirror of docker.io"},
    ]
    assert planned["notes"]["docker1"] == ["cache:5000: Docker mirrors docker.io only, not quay.io"]
    assert [(p["registry"], p["image"]) for p in planned["pulls"]["ctrd1"]] == [
        ("VIP of reg1, reg2", "10.0.0.100:5000/anchorage/verify-ha:latest"),
        ("cache", "cache:5000/anchorage/verify:latest"),
        ("cache", "docker.io/anchorage/verify:latest"),
    ]
    assert planned["notes"]["ctrd1"] == ["cache:5000: *: the catch-all mirror is not pulled",
                                         "cache:5000: gcr.io: a path or rewrite mirror is not pulled",
                                         "elsewhere:5000: not a registry of this inventory"]
    assert planned["pulls"]["k3s1"] == [] and "k3s and RKE2 are not pulled" in planned["notes"]["k3s1"][0]
    assert planned["rows"]["cache"] == {"mirrors": ["docker.io", "quay.io"], "nodes": ["docker1", "ctrd1", "k3s1"]}
    assert planned["rows"]["up"] == {"mirrors": [], "nodes": []}


def test_docker_with_credentials_pulls_directly_and_not_through_a_mirror():
    entry = {"host": "10.0.0.100:5000", "insecure": True, "username": "admin", "mirrors": ["docker.io"]}
    planned = plan(lab_rows(), [{"name": "d", "runtimes": ["docker"], "registries": [entry]}])
    assert [pull["how"] for pull in planned["pulls"]["d"]] == ["direct"]
    assert planned["notes"]["d"] == ["10.0.0.100:5000: Docker sends no credentials to a mirror: docker.io is not pulled through it"]
    unlogged = plan(lab_rows(), [{"name": "d", "runtimes": ["docker"], "registries": [entry], "docker_config": False}])
    assert unlogged["pulls"]["d"] == []
    assert unlogged["notes"]["d"] == ["10.0.0.100:5000: Docker is not logged in to it (node_trust_docker_config_json is empty)"]


def test_plan_cache_of_an_upstream_not_deployed_here():
    [cache] = rows([{"name": "hub", "addresses": ["hub"], "settings": {
        "data_dir": DATA, "proxy": {"remoteurl": "https://registry-1.docker.io"}}}])
    planned = plan([cache], [{"name": "n", "runtimes": ["docker"], "registries": [{"host": "hub:5000", "mirrors": ["docker.io"]}]}])
    assert planned["caches"] == {"hub": None} and planned["pulls"]["n"] == []
    assert planned["notes"]["n"] == ["hub:5000: cache of https://registry-1.docker.io, an upstream this inventory "
                                     "does not deploy: nothing known to pull"]


def test_failures_read_from_registered_results():
    pull = {"registry": "cache", "image": "docker.io/anchorage/verify:latest", "runtime": "docker", "how": "mirror of docker.io"}
    hosts = [
        {"inventory_hostname": "up", "__verify_push": {"match": True, "changed": False},
         "__verify_cleanup": {"results": [{"item": {"url": "http://127.0.0.1:5000"}, "cleanup": "deleted"}]}},
        {"inventory_hostname": "cache", "__verify_cache": {"msg": "pull manifest: 404 MANIFEST_UNKNOWN", "failed": False},
         "__verify_push": {"skipped": True, "msg": "Conditional result was False"}},
        {"inventory_hostname": "reg1", "__verify_vip": {"msg": "ping: cannot reach"}},
        {"inventory_hostname": "docker1", "__verify_pulls": {"results": [
            dict(item=pull, rc=0, stdout="cache:5000/anchorage/verify@" + DIGEST, stderr=""),
            dict(item=pull, rc=0, stdout="docker.io/anchorage/verify@sha256:other", stderr=""),
            dict(item=pull, rc=1, stdout="", stderr="manifest unknown\n"),
            {"item": pull, "skipped": True}]}},
    ]
    assert failures(lab_rows(), hosts) == [
        {"registry": "cache", "message": "pull through the cache: pull manifest: 404 MANIFEST_UNKNOWN"},
        {"registry": "VIP of reg1, reg2", "message": "through the VIP: ping: cannot reach"},
        {"registry": "cache", "message": "docker1: docker pull docker.io/anchorage/verify:latest (mirror of docker.io): "
                                         "the digest is not " + DIGEST},
        {"registry": "cache", "message": "docker1: docker pull docker.io/anchorage/verify:latest (mirror of docker.io): "
                                         "manifest unknown"},
    ]


def test_summary_table():
    result = summary(lab_rows(), NODES, [{"inventory_hostname": "reg2", "__verify_push": {"msg": "ping: 401"}}])
    header, rule, up, cache, reg1, reg2, vip = result["table"]
    assert [cell.strip() for cell in header.split("|")] == [
        "registry", "endpoint", "auth", "storage", "mirrors", "nodes configured", "result"]
    # Columns line up: every separator at the same place on every line.
    assert len({tuple(i for i, char in enumerate(line) if char in "|+") for line in [header, rule, up]}) == 1
    assert [cell.strip() for cell in cache.split("|")] == [
        "cache", "cache:5000", "none", "filesystem", "cache of http://up:5000, for docker.io, for quay.io",
        "docker1, ctrd1, k3s1", "ok"]
    assert [cell.strip() for cell in up.split("|")][-3:] == ["-", "-", "ok"]
    assert reg2.endswith("FAILED: push and pull: ping: 401") and reg1.endswith("| ok")
    assert [cell.strip() for cell in vip.split("|")][:2] == ["VIP of reg1, reg2", "10.0.0.100:5000"]
    assert result["failures"] == [{"registry": "reg2", "message": "push and pull: ping: 401"}]


def test_remove_empty_repository(tmp_path):
    repositories = tmp_path / "docker" / "registry" / "v2" / "repositories"
    (repositories / "anchorage" / "verify" / "_layers" / "sha256" / "aa").mkdir(parents=True)
    (repositories / "anchorage" / "verify" / "_uploads").mkdir()
    (repositories / "team" / "app" / "_layers" / "sha256" / "bb").mkdir(parents=True)
    (repositories / "team" / "app" / "_layers" / "sha256" / "bb" / "link").write_text("sha256:bb")
    (repositories / "team" / "check" / "_manifests").mkdir(parents=True)
    assert remove_empty_repository(str(tmp_path), "anchorage/verify") == "removed"
    assert sorted(p.name for p in repositories.iterdir()) == ["team"]
    assert remove_empty_repository(str(tmp_path), "anchorage/verify") == "absent"
    assert remove_empty_repository(str(tmp_path), "team/app") == "kept"
    assert remove_empty_repository(str(tmp_path), "team/check") == "removed"
    # team/ still holds app: only empty parents go.
    assert (repositories / "team" / "app" / "_layers" / "sha256" / "bb" / "link").exists()
    with pytest.raises(ValueError, match="leaves the storage's repositories directory"):
        remove_empty_repository(str(tmp_path), "../../../../etc")
