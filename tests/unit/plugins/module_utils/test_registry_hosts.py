# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import base64

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import Invalid
from ansible_collections.anchorage.registry.plugins.module_utils._registry_hosts import (
    normalise,
    plan,
    rewrite_errors,
)

CA_DIR = "/etc/anchorage/registry-ca"


def test_rewrites_go_cannot_compile_are_refused():
    errors = rewrite_errors({"^(?!x)": "y", "(a)\\1": "z", "([": "w", "^rancher/(.*)": "mirror/$1"}, "m.rewrite")
    assert len(errors) == 3
    assert errors[0].startswith("m.rewrite.^(?!x): '^(?!x)' is not a Go regular expression: invalid perl operator")
    assert errors[2].startswith("m.rewrite.([: '([' is not a Go regular expression: missing ]")
    assert rewrite_errors({1: "x"}, "m.rewrite") == ["m.rewrite.1: a rewrite pattern must be a string"]


def test_every_problem_is_reported_with_its_place():
    registries = [
        {"host": "https://a.example"},
        {"host": "b.example", "insecure": True, "ca": "x"},
        {"host": "c.example", "username": "u"},
        {"host": "d.example", "mirrors": ["docker.io", {"upstream": "ghcr.io", "path": "v2/x"}, "http://q"]},
        {"host": "e.example", "token": "t"},
        {"host": "f.example", "ca": "x", "ca_file": "/ca.pem"},
        "g.example",
    ]
    _result, errors = normalise(registries, {"/ca.pem": "x"})
    text = "\n".join(errors)
    assert "node_trust_registries[0].host: 'https://a.example' is a URL" in text
    assert "node_trust_registries[1]: an insecure registry is plain HTTP" in text
    assert "node_trust_registries[2]: username and password go together" in text
    assert "node_trust_registries[3].mirrors[1].path: 'v2/x' must be an absolute URL path" in text
    assert "node_trust_registries[3].mirrors[2]: 'http://q' is a URL" in text
    assert "node_trust_registries[4].token: unknown key" in text
    assert "node_trust_registries[5]: give either ca (PEM text) or ca_file" in text
    assert "node_trust_registries[6]: must be a mapping" in text


def test_duplicate_hosts_and_bad_ca_are_refused():
    _result, errors = normalise([{"host": "a.example"}, {"host": "A.example"}])
    assert errors == ["node_trust_registries[1].host: 'A.example' is listed twice (first at node_trust_registries[0].host)"]
    _result, errors = normalise([{"host": "a.example", "ca_file": "files/ca.pem"}], {"files/ca.pem": "nope"})
    assert errors == ["node_trust_registries[0].ca_file: is not PEM: no -----BEGIN CERTIFICATE----- block found"]
    _result, errors = normalise([{"host": "a.example", "ca_file": "files/ca.pem"}])
    assert "the content of ca_file 'files/ca.pem' was not read" in errors[0]
    _result, errors = normalise({"host": "a.example"})
    assert errors == ["node_trust_registries: must be a list of registries, got dict"]


def test_plan_for_an_http_mirror_and_an_https_registry_with_ca_and_credentials(ca_pem):
    result = plan([
        {"host": "10.0.0.5:5000", "insecure": True,
         "mirrors": ["docker.io", {"upstream": "quay.io", "path": "/v2/quay-proxy/"}]},
        {"host": "Reg.Example:5443", "ca": ca_pem, "username": "robot", "password": "s3cret",
         "mirrors": [{"upstream": "*"},
                     {"upstream": "registry-1.docker.io", "path": "/v2", "rewrite": {"^rancher/(.*)": "mirror/rancher/$1"}}]},
    ], CA_DIR)
    ca_path = "/etc/anchorage/registry-ca/reg.example:5443/ca.crt"
    assert result["certificates"] == [{"host": "reg.example:5443", "pem": ca_pem.replace("\r", "")}]
    assert result["k3s"] == {
        "mirrors": {
            "10.0.0.5:5000": {"endpoint": ["http://10.0.0.5:5000"]},
            "docker.io": {"endpoint": ["http://10.0.0.5:5000", "https://reg.example:5443"],
                          "rewrite": {"^rancher/(.*)": "mirror/rancher/$1"}},
            "quay.io": {"endpoint": ["http://10.0.0.5:5000/v2/quay-proxy"]},
            "*": {"endpoint": ["https://reg.example:5443"]},
        },
        "configs": {"reg.example:5443": {"auth": {"username": "robot", "password": "s3cret"},
                                         "tls": {"ca_file": ca_path}}},
    }
    header = {"authorization": "Basic " + base64.b64encode(b"robot:s3cret").decode()}
    assert result["containerd_hosts"] == [
        {"name": "10.0.0.5:5000", "server": "http://10.0.0.5:5000",
         "hosts": [{"url": "http://10.0.0.5:5000", "capabilities": ["pull", "resolve", "push"]}]},
        {"name": "reg.example:5443", "server": "https://reg.example:5443",
         "hosts": [{"url": "https://reg.example:5443", "capabilities": ["pull", "resolve", "push"],
                    "ca": [ca_path], "header": header}]},
        {"name": "docker.io", "hosts": [
            {"url": "http://10.0.0.5:5000", "capabilities": ["pull", "resolve"]},
            {"url": "https://reg.example:5443", "capabilities": ["pull", "resolve"], "ca": [ca_path], "header": header},
        ]},
        {"name": "quay.io", "hosts": [{"url": "http://10.0.0.5:5000/v2/quay-proxy", "capabilities": ["pull", "resolve"],
                                       "override_path": True}]},
        {"name": "_default", "hosts": [{"url": "https://reg.example:5443", "capabilities": ["pull", "resolve"],
                                        "ca": [ca_path], "header": header}]},
    ]
    assert result["docker"] == {"insecure_registries": ["10.0.0.5:5000"],
                                "registry_mirrors": ["http://10.0.0.5:5000", "https://reg.example:5443"],
                                "auths": {"reg.example:5443": {"auth": base64.b64encode(b"robot:s3cret").decode()}}}
    assert result["warnings"] == []


def test_docker_cannot_mirror_at_a_path_and_says_so():
    result = plan([{"host": "harbor.example", "mirrors": [{"upstream": "docker.io", "path": "/v2/hub-proxy"}]}], CA_DIR)
    assert result["docker"]["registry_mirrors"] == []
    assert "https://harbor.example/v2/hub-proxy" in result["warnings"][0]


def test_conflicting_rewrites_and_bad_entries_raise_one_error_listing_all():
    with pytest.raises(Invalid, match="rewrite '\\^a' for docker.io is given twice"):
        plan([{"host": "a.example", "mirrors": [{"upstream": "docker.io", "rewrite": {"^a": "x"}}]},
              {"host": "b.example", "mirrors": [{"upstream": "docker.io", "rewrite": {"^a": "y"}}]}], CA_DIR)
    with pytest.raises(Invalid) as raised:
        plan([{"host": "http://a"}, {"host": "b/c"}], CA_DIR)
    assert "[0].host" in str(raised.value) and "[1].host" in str(raised.value)


def test_an_empty_list_plans_nothing():
    assert plan([], CA_DIR) == {"certificates": [], "containerd_hosts": [],
                                "docker": {"insecure_registries": [], "registry_mirrors": [], "auths": {}},
                                "k3s": {"mirrors": {}, "configs": {}}, "etc_hosts": [], "warnings": []}


def test_hosts_toml_options_reach_containerd_k3s_and_docker():
    result = plan([
        {"host": "reg.example:5443", "skip_verify": True, "dial_timeout": "5s", "headers": {"X-Site": "east"},
         "mirrors": [{"upstream": "docker.io", "capabilities": ["pull"], "server": "https://registry-1.docker.io"},
                     {"upstream": "quay.io", "fallback": False}]},
    ], CA_DIR)
    hosts = dict((entry["name"], entry) for entry in result["containerd_hosts"])
    assert hosts["reg.example:5443"]["hosts"][0] == {
        "url": "https://reg.example:5443", "capabilities": ["pull", "resolve", "push"], "skip_verify": True,
        "dial_timeout": "5s", "header": {"X-Site": "east"}}
    assert hosts["docker.io"]["server"] == "https://registry-1.docker.io"
    assert hosts["docker.io"]["hosts"][0]["capabilities"] == ["pull"]
    # No fallback: the mirror is the server too, so containerd tries nothing else.
    assert hosts["quay.io"]["server"] == "https://reg.example:5443"
    assert result["k3s"]["configs"]["reg.example:5443"] == {"tls": {"insecure_skip_verify": True}}
    assert result["docker"]["insecure_registries"] == ["reg.example:5443"]


def test_bad_hosts_toml_options_name_their_place():
    with pytest.raises(Invalid) as raised:
        plan([{"host": "a.example", "dial_timeout": "five", "mirrors": [{"upstream": "docker.io", "server": "hub"}]},
              {"host": "b.example", "insecure": True, "skip_verify": True}], CA_DIR)
    errors = raised.value.errors
    assert errors[0].startswith("node_trust_registries[0].dial_timeout: ")
    assert errors[1].startswith("node_trust_registries[0].mirrors[0].server: 'hub' is not a URL")
    assert errors[2].startswith("node_trust_registries[1]: an insecure registry is plain HTTP: skip_verify")
    with pytest.raises(Invalid, match="docker.io is given two servers to fall back to"):
        plan([{"host": "a.example", "mirrors": [{"upstream": "docker.io", "server": "https://x.example"}]},
              {"host": "b.example", "mirrors": [{"upstream": "docker.io", "fallback": False}]}], CA_DIR)
