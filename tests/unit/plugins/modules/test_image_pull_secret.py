# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""image_pull_secret with the real kubernetes client, over HTTP, against kmock (see kube_apiserver_mock)."""

from __future__ import annotations

import base64
import json

import kubernetes_validate
import pytest

from ansible_collections.anchorage.registry.plugins.module_utils._pull_secrets import dockerconfigjson, registry_key
from ansible_collections.anchorage.registry.plugins.modules import image_pull_secret, manifest_apply

from kube_apiserver_mock import Running

PASSWORD = "pull-Secret-pa55"
REGISTRIES = [{"server": "https://registry.example.com:5000/", "username": "puller", "password": PASSWORD}]


@pytest.fixture
def apiserver():
    with Running() as running:
        namespaces = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}} for name in ("apps", "batch")]
        accounts = [{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "apps"},
                     "imagePullSecrets": [{"name": "existing"}]},
                    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "batch"}}]
        running.seed = lambda run_module: run_module(manifest_apply, {"manifests": namespaces + accounts, "host": running.url,
                                                                      "wait": False}, diff=False)
        yield running


def args(apiserver, **extra):
    return dict({"name": "registry-pull", "namespaces": ["apps", "batch"], "registries": REGISTRIES,
                 "host": apiserver.url}, **extra)


def test_secrets_in_each_namespace_then_nothing_to_do(run_module, apiserver):
    apiserver.seed(run_module)
    first = run_module(image_pull_secret, args(apiserver, service_account="default"), diff=True)
    assert first["changed"] is True, first
    assert [(item["namespace"], item["action"]) for item in first["results"]] == [("apps", "created"), ("batch", "created")]
    assert first["attached"] == ["apps/default", "batch/default"]
    secrets = apiserver.objects("secrets")
    assert len(secrets) == 2 and all(secret["type"] == "kubernetes.io/dockerconfigjson" for secret in secrets)
    for version in ("1.25", "1.37"):
        kubernetes_validate.validate(secrets[0], version, strict=True)
    config = json.loads(base64.b64decode(secrets[0]["data"][".dockerconfigjson"]))
    assert config == {"auths": {"registry.example.com:5000": {
        "username": "puller", "password": PASSWORD, "auth": base64.b64encode(b"puller:" + PASSWORD.encode()).decode()}}}
    accounts = dict((obj["metadata"]["namespace"], obj) for obj in apiserver.objects("serviceaccounts"))
    assert accounts["apps"]["imagePullSecrets"] == [{"name": "existing"}, {"name": "registry-pull"}]
    assert accounts["batch"]["imagePullSecrets"] == [{"name": "registry-pull"}]
    assert PASSWORD not in json.dumps(first) and base64.b64encode(PASSWORD.encode()).decode() not in json.dumps(first)
    again = run_module(image_pull_secret, args(apiserver, service_account="default"), diff=True)
    assert again["changed"] is False and again["attached"] == []


def test_check_mode_stores_nothing(run_module, apiserver):
    apiserver.seed(run_module)
    result = run_module(image_pull_secret, args(apiserver, service_account="default"), check_mode=True)
    assert result["changed"] is True and result["attached"] == ["apps/default", "batch/default"]
    assert apiserver.objects("secrets") == []
    assert all("imagePullSecrets" not in obj or obj["imagePullSecrets"] == [{"name": "existing"}]
               for obj in apiserver.objects("serviceaccounts"))


def test_bad_input_is_refused_before_any_request(run_module, apiserver):
    result = run_module(image_pull_secret, args(apiserver, namespaces=["Apps"], registries=[
        {"server": "registry.example.com/path", "username": "u", "password": PASSWORD}]))
    assert result["failed"] is True
    assert result["errors"] == ["namespaces[0]: 'Apps' is not a namespace name",
                                "registries[0].server: 'registry.example.com/path' has a path: give only the host and "
                                "port (registry.example.com)"]
    assert list(apiserver.api) == [] and PASSWORD not in json.dumps(result)


def test_the_same_credentials_give_the_same_bytes_and_docker_hub_its_own_key():
    assert dockerconfigjson(REGISTRIES) == dockerconfigjson([dict(REGISTRIES[0])])
    assert registry_key("docker.io") == "https://index.docker.io/v1/"
    assert registry_key("http://10.0.0.5:30500") == "10.0.0.5:30500"
