# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""manifest_apply with the real kubernetes client, over HTTP, against kmock (see kube_apiserver_mock)."""

from __future__ import annotations

import base64
import copy
import json
import os
import subprocess
import sys

import pytest

from ansible_collections.anchorage.registry.plugins.modules import manifest_apply

from kube_apiserver_mock import Running

LABELS = {"app.kubernetes.io/managed-by": "anchorage.registry", "anchorage.registry/deployment": "demo"}
SELECTOR = "app.kubernetes.io/managed-by=anchorage.registry,anchorage.registry/deployment=demo"
PASSWORD = "pa55-in-a-secret"


@pytest.fixture
def apiserver():
    with Running() as running:
        yield running


def meta(name, namespace="demo", labels=None):
    data = {"name": name, "labels": dict(LABELS if labels is None else labels)}
    if namespace:
        data["namespace"] = namespace
    return data


def manifests(config="a", with_service=True):
    objects = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": meta("demo", None)},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("demo-config"), "data": {"config.json": config}},
        {"apiVersion": "v1", "kind": "Secret", "metadata": meta("demo"), "type": "Opaque",
         "data": {"password": base64.b64encode(PASSWORD.encode()).decode()}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta("demo"), "spec": {
            "replicas": 1, "selector": {"matchLabels": {"app": "demo"}},
            "template": {"metadata": {"labels": {"app": "demo"}, "annotations": {"config": config}},
                         "spec": {"containers": [{"name": "zot", "image": "ghcr.io/project-zot/zot:v2.1.20"}]}}}},
    ]
    if with_service:
        objects.append({"apiVersion": "v1", "kind": "Service", "metadata": meta("demo"), "spec": {
            "type": "NodePort", "selector": {"app": "demo"}, "ports": [{"port": 5000, "nodePort": 30500}]}})
    return objects


def apply(run_module, apiserver, objects, check_mode=False, diff=True, **extra):
    args = dict({"manifests": objects, "host": apiserver.url, "prune": True, "prune_selector": SELECTOR,
                 "wait_timeout": 10, "wait_sleep": 1}, **extra)
    return run_module(manifest_apply, args, check_mode=check_mode, diff=diff)


def actions(result):
    return [(item["kind"], item["action"]) for item in result["results"]]


def names(apiserver, plural):
    return sorted(obj["metadata"]["name"] for obj in apiserver.objects(plural))


def test_create_then_nothing_to_do(run_module, apiserver):
    first = apply(run_module, apiserver, manifests())
    assert first["changed"] is True, first
    assert actions(first) == [("Namespace", "created"), ("Secret", "created"), ("ConfigMap", "created"),
                              ("Service", "created"), ("Deployment", "created")]
    assert first["rollout"] == {"apps/v1 Deployment demo/demo": "1/1 updated, 1 available, 1 total; 1/1 pods ready"}
    assert names(apiserver, "configmaps") == ["demo-config"] and names(apiserver, "deployments") == ["demo"]
    patches = apiserver.requests("PATCH")
    assert len(patches) == 5
    assert all(r.params.get("fieldManager") == "anchorage.registry" and "dryRun" not in r.params for r in patches)
    assert all(r.headers["Content-Type"] == "application/apply-patch+yaml" for r in patches)
    second = apply(run_module, apiserver, manifests())
    assert second["changed"] is False
    assert set(item["action"] for item in second["results"]) == {"unchanged"}
    assert second["diff"] == [] and second["pruned"] == []


def test_update_changes_only_what_changed(run_module, apiserver):
    apply(run_module, apiserver, manifests("a"))
    result = apply(run_module, apiserver, manifests("b"))
    assert result["changed"] is True
    assert dict(actions(result)) == {"Namespace": "unchanged", "Secret": "unchanged", "ConfigMap": "updated",
                                     "Service": "unchanged", "Deployment": "updated"}
    diff = dict((entry["after_header"], entry) for entry in result["diff"])
    assert "config.json: a" in diff["v1 ConfigMap demo/demo-config"]["before"]
    assert "config.json: b" in diff["v1 ConfigMap demo/demo-config"]["after"]
    stored = apiserver.objects("configmaps")[0]
    assert stored["data"] == {"config.json": "b"}


def test_prune_deletes_what_is_no_longer_rendered_and_nothing_else(run_module, apiserver):
    apply(run_module, apiserver, manifests())
    # Objects apply must never touch: a PVC of this deployment (not a prune kind), another
    # deployment's Service, an unlabelled ConfigMap.
    extra = [
        {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta("demo-data"),
         "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": meta("other", labels=dict(
            LABELS, **{"anchorage.registry/deployment": "other"})), "spec": {"ports": [{"port": 1}]}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("hand-made", labels={}), "data": {}},
    ]
    run_module(manifest_apply, {"manifests": extra, "host": apiserver.url, "wait": False})
    result = apply(run_module, apiserver, manifests(with_service=False))
    assert result["changed"] is True
    assert result["pruned"] == ["v1 Service demo/demo"]
    assert ("Service", "pruned") in actions(result)
    assert names(apiserver, "services") == ["other"]
    assert names(apiserver, "persistentvolumeclaims") == ["demo-data"]
    assert names(apiserver, "configmaps") == ["demo-config", "hand-made"]
    pruned = [entry for entry in result["diff"] if entry["before_header"] == "v1 Service demo/demo"][0]
    assert pruned["after_header"] == "v1 Service demo/demo (absent)" and pruned["after"] == ""


def test_check_mode_on_an_empty_cluster_stores_nothing(run_module, apiserver):
    result = apply(run_module, apiserver, manifests(), check_mode=True)
    assert result["changed"] is True
    assert set(item["action"] for item in result["results"]) == {"created"}
    assert len(result["diff"]) == 5 and result["rollout"] == {}
    assert apiserver.objects("configmaps") == [] and apiserver.objects("namespaces") == []
    patches = apiserver.requests("PATCH")
    # Only the Namespace could be dry-run; the objects in it cannot exist yet on the server.
    assert len(patches) == 1 and patches[0].params.get("dryRun") == "All"


def test_check_mode_is_a_server_side_dry_run(run_module, apiserver):
    apply(run_module, apiserver, manifests("a"))
    before = apiserver.objects("configmaps")
    sent = len(apiserver.requests("PATCH"))
    result = apply(run_module, apiserver, manifests("b", with_service=False), check_mode=True)
    assert result["changed"] is True
    assert dict(actions(result))["ConfigMap"] == "updated" and result["pruned"] == ["v1 Service demo/demo"]
    assert apiserver.objects("configmaps") == before
    assert names(apiserver, "services") == ["demo"]
    new = apiserver.requests("PATCH")[sent:]
    assert len(new) == 4 and all(r.params.get("dryRun") == "All" for r in new)
    assert all(r.params.get("dryRun") == "All" for r in apiserver.requests("DELETE"))
    # And check mode on an unchanged set predicts no change.
    assert apply(run_module, apiserver, manifests("a"), check_mode=True)["changed"] is False


def test_rollout_timeout_fails_with_the_pods_problem(run_module, apiserver):
    apiserver.api.rollout = "stuck"
    result = apply(run_module, apiserver, manifests(), wait_timeout=2, wait_sleep=1)
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"].startswith("not ready after 2s: apps/v1 Deployment demo/demo: 1/1 updated, 0 available")
    assert "zot waiting: ImagePullBackOff" in result["msg"]


def test_no_wait_returns_at_once(run_module, apiserver):
    apiserver.api.rollout = "stuck"
    result = apply(run_module, apiserver, manifests(), wait=False)
    assert result["changed"] is True and "failed" not in result and result["rollout"] == {}


def test_secret_values_never_show(run_module, apiserver):
    apply(run_module, apiserver, manifests())
    objects = manifests()
    objects[2]["data"]["password"] = base64.b64encode(b"a-new-password-9").decode()
    result = apply(run_module, apiserver, objects)
    shown = json.dumps(result)
    for value in (PASSWORD, "a-new-password-9", objects[2]["data"]["password"], manifests()[2]["data"]["password"]):
        assert value not in shown
    secret_diff = [entry for entry in result["diff"] if entry["after_header"] == "v1 Secret demo/demo"][0]
    assert "password: '******** (changed)'" in secret_diff["after"]


@pytest.mark.parametrize("objects, extra, message", [
    ([{"kind": "ConfigMap", "metadata": {"name": "x"}}], {}, "manifests[0]: apiVersion missing"),
    ([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "demo"}}], {},
     "manifests[0]: v1 ConfigMap demo/x does not carry the prune selector's labels, so a later run could not prune it"),
    (None, {"prune_kinds": ["ConfigMap"]}, "prune_kinds: 'ConfigMap' is not API_VERSION/KIND (e.g. v1/ConfigMap, apps/v1/Deployment)"),
    (None, {"prune_selector": "env in a"}, "prune_selector: 'env in a': values of in go in parentheses"),
    (None, {"wait_timeout": 0}, "wait_timeout: must be at least 1 second"),
])
def test_bad_input_applies_nothing(run_module, apiserver, objects, extra, message):
    result = apply(run_module, apiserver, objects if objects is not None else manifests(), **extra)
    assert result["failed"] is True and result["msg"] == message
    assert list(apiserver.api) == []  # not one request reached the API server


def test_an_unknown_kind_fails_naming_it(run_module, apiserver):
    objects = manifests()[:2] + [{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": meta("w")}]
    result = apply(run_module, apiserver, objects)
    assert result["failed"] is True
    assert result["msg"].startswith("apply failed after demo-config:") and "Widget" in result["msg"]
    assert [item["name"] for item in result["results"]] == ["demo", "demo-config"]


def test_kubeconfig_mapping_and_context(run_module, apiserver):
    kubeconfig = {
        "apiVersion": "v1", "kind": "Config", "current-context": "elsewhere",
        "clusters": [{"name": "mock", "cluster": {"server": apiserver.url}},
                     {"name": "nowhere", "cluster": {"server": "http://127.0.0.1:9"}}],
        "users": [{"name": "u", "user": {"token": "kubeconfig-token"}}],
        "contexts": [{"name": "lab", "context": {"cluster": "mock", "user": "u"}},
                     {"name": "elsewhere", "context": {"cluster": "nowhere", "user": "u"}}],
    }
    result = run_module(manifest_apply, {"manifests": manifests()[:2], "kubeconfig": kubeconfig, "context": "lab"})
    assert result["changed"] is True
    assert all(r.headers.get("Authorization") == "Bearer kubeconfig-token" for r in apiserver.requests("PATCH"))
    assert "kubeconfig-token" not in json.dumps(result)
    # Only the credentials are masked: "v1", the names and the server stay readable.
    assert [(item["apiVersion"], item["name"]) for item in result["results"]] == [("v1", "demo"), ("v1", "demo-config")]
    assert result["invocation"]["module_args"]["kubeconfig"]["clusters"][0] == kubeconfig["clusters"][0]


def kubeconfig_elsewhere(token="kubeconfig-token"):
    """A kubeconfig whose only cluster is a closed port, with a bearer token."""
    return {"apiVersion": "v1", "kind": "Config", "current-context": "elsewhere",
            "clusters": [{"name": "elsewhere-cluster", "cluster": {"server": "http://127.0.0.1:9"}}],
            "users": [{"name": "elsewhere-user", "user": {"token": token}}],
            "contexts": [{"name": "elsewhere", "context": {"cluster": "elsewhere-cluster", "user": "elsewhere-user"}}]}


def authorizations(apiserver):
    return set(r.headers.get("Authorization") for r in apiserver.requests())


def test_host_and_api_key_override_the_kubeconfig(run_module, apiserver):
    # The client's token refresh used to put the kubeconfig's server and token back.
    args = {"manifests": manifests()[:1], "kubeconfig": kubeconfig_elsewhere(), "host": apiserver.url, "wait": False}
    assert run_module(manifest_apply, args)["changed"] is True
    assert authorizations(apiserver) == {"Bearer kubeconfig-token"}
    sent = len(apiserver.requests())
    assert run_module(manifest_apply, dict(args, api_key="option-token"))["changed"] is False
    assert set(r.headers.get("Authorization") for r in apiserver.requests()[sent:]) == {"Bearer option-token"}


def test_basic_auth_and_impersonation_reach_the_api_server(run_module, apiserver):
    result = run_module(manifest_apply, {"manifests": manifests()[:2], "host": apiserver.url, "username": "zoë",
                                         "password": "s3cret-pw", "impersonate_user": "deployer",
                                         "impersonate_groups": ["registry-admins", "system:authenticated"]})
    assert result["changed"] is True
    basic = "Basic %s" % base64.b64encode("zoë:s3cret-pw".encode("utf-8")).decode()
    assert authorizations(apiserver) == {basic}
    for request in apiserver.requests():
        assert request.headers["Impersonate-User"] == "deployer"
        # One header line per group, as the API server reads them.
        assert request._raw_request.headers.getall("Impersonate-Group") == ["registry-admins", "system:authenticated"]
    assert "s3cret-pw" not in json.dumps(result)


def test_proxy_and_its_headers(run_module, apiserver):
    # kmock is the proxy; the API server's address is a closed loopback port the proxy never reaches,
    # so nothing leaves 127.0.0.0/8 even if the proxy were skipped.
    result = run_module(manifest_apply, {"manifests": manifests()[:1], "host": "http://127.0.0.2:9", "wait": False,
                                         "proxy": apiserver.url, "proxy_headers": {"proxy_basic_auth": "p:proxy-pw"}})
    assert result["changed"] is True, result
    requests = apiserver.requests()
    assert requests and all(r.headers["Host"] == "127.0.0.2:9" for r in requests)
    proxy_auth = "Basic %s" % base64.b64encode(b"p:proxy-pw").decode()
    assert all(r.headers["Proxy-Authorization"] == proxy_auth for r in requests)
    assert "proxy-pw" not in json.dumps(result)


def test_no_proxy_goes_direct(run_module, apiserver):
    result = run_module(manifest_apply, {"manifests": manifests()[:1], "host": apiserver.url, "wait": False,
                                         "proxy": "http://127.0.0.1:9", "no_proxy": "localhost,127.0.0.0/8"})
    assert result["changed"] is True, result


@pytest.mark.parametrize("extra, message", [
    ({"username": "me"}, "username, password: set both or neither"),
    ({"impersonate_groups": ["g"]}, "impersonate_groups: needs impersonate_user (the API server refuses groups without a user)"),
])
def test_connection_options_that_cannot_work_fail_first(run_module, apiserver, extra, message):
    result = apply(run_module, apiserver, manifests(), **extra)
    assert result["failed"] is True and result["msg"] == message
    assert list(apiserver.api) == []


def test_no_credential_in_the_targets_log(run_module, apiserver, monkeypatch):
    logged = []
    monkeypatch.setattr("syslog.syslog", lambda *args: logged.append(args[-1]))
    kubeconfig = kubeconfig_elsewhere("kubeconfig-token-7")
    result = run_module(manifest_apply, {"manifests": manifests()[:1], "kubeconfig": kubeconfig, "host": apiserver.url,
                                         "password": "pw-in-log", "username": "me", "wait": False,
                                         "proxy_headers": {"proxy_basic_auth": "u:proxy-pw-in-log"}})
    assert result["changed"] is True
    invocation = [line for line in logged if line.startswith("Invoked with")]
    # Ansible masks the mapping's other strings ("v1"...) in this line too; the result shows them.
    assert len(invocation) == 1 and "kubeconfig=NOT_LOGGING_PARAMETER" in invocation[0]
    assert "host=%s" % apiserver.url in invocation[0]
    for secret in ("kubeconfig-token-7", "pw-in-log", "proxy-pw-in-log"):
        assert secret not in " ".join(logged) and secret not in json.dumps(result)


def test_no_secret_value_in_the_targets_log(run_module, apiserver, monkeypatch):
    logged = []
    monkeypatch.setattr("syslog.syslog", lambda *args: logged.append(args[-1]))
    objects = manifests()[:3]
    objects[2]["stringData"] = {"token": "string-data-in-log-9"}
    result = run_module(manifest_apply, {"manifests": objects, "host": apiserver.url, "wait": False})
    assert result["changed"] is True, result
    invocation = [line for line in logged if line.startswith("Invoked with")]
    assert len(invocation) == 1 and "demo-config" in invocation[0]  # the rest stays readable
    encoded = base64.b64encode(PASSWORD.encode()).decode()
    for secret in (PASSWORD, encoded, "string-data-in-log-9"):
        assert secret not in invocation[0] and secret not in json.dumps(result)


def test_objects_are_not_modified_in_place(run_module, apiserver):
    objects = manifests()
    kept = copy.deepcopy(objects)
    apply(run_module, apiserver, objects)
    assert objects == kept


PLAY = """
- hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    # What a kubernetes.core user already has; the same mapping serves this collection's group.
    group/kubernetes.core.k8s: &k8s_connection
      host: %(url)s
      api_key: play-token
    group/anchorage.registry.k8s: *k8s_connection
  tasks:
    - name: Apply with the group's connection
      anchorage.registry.manifest_apply:
        manifests:
          - {apiVersion: v1, kind: Namespace, metadata: {name: demo}}
          - {apiVersion: v1, kind: ConfigMap, metadata: {name: from-play, namespace: demo}, data: {a: b}}
        wait: false
    - name: Read it back with kubernetes.core and the same connection
      kubernetes.core.k8s_info:
        kind: ConfigMap
        namespace: demo
        name: from-play
      register: found
    - name: Both saw the same object
      ansible.builtin.assert:
        that: "found.resources | map(attribute='data') | list == [{'a': 'b'}]"
"""


def test_module_defaults_of_kubernetes_core_carry_over(apiserver, tmp_path):
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAY % {"url": apiserver.url})
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(root, ".build", "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING="0")
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,",
                           str(playbook)], cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert authorizations(apiserver) == {"Bearer play-token"}
    assert names(apiserver, "configmaps") == ["from-play"]


def test_prune_also_looks_in_the_namespaces_it_is_given(run_module, apiserver):
    apiserver.add_namespace("kube-system")
    elsewhere = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("demo-elsewhere", "kube-system"),
                 "data": {"a": "b"}}
    assert apply(run_module, apiserver, manifests() + [elsewhere])["changed"] is True
    kept = apply(run_module, apiserver, manifests())
    assert kept["pruned"] == [] and "demo-elsewhere" in names(apiserver, "configmaps")
    pruned = apply(run_module, apiserver, manifests(), prune_namespaces=["kube-system"])
    assert pruned["pruned"] == ["v1 ConfigMap kube-system/demo-elsewhere"]
    assert names(apiserver, "configmaps") == ["demo-config"]


# --- state=absent ------------------------------------------------------------------------------

def absent(run_module, apiserver, check_mode=False, **extra):
    args = dict({"state": "absent", "host": apiserver.url, "namespace": "demo", "prune_selector": SELECTOR}, **extra)
    return run_module(manifest_apply, args, check_mode=check_mode, diff=True)


def with_data(run_module, apiserver):
    """The set applied, plus its PVC and an object of another deployment in the same namespace."""
    apply(run_module, apiserver, manifests())
    run_module(manifest_apply, {"host": apiserver.url, "wait": False, "manifests": [
        {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta("demo-data"),
         "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("other", labels=dict(
            LABELS, **{"anchorage.registry/deployment": "other"})), "data": {}}]})


def test_absent_deletes_what_the_selector_finds_keeps_the_data_and_a_rerun_changes_nothing(run_module, apiserver):
    with_data(run_module, apiserver)
    result = absent(run_module, apiserver)
    assert result["changed"] is True
    assert sorted(result["pruned"]) == ["apps/v1 Deployment demo/demo", "v1 ConfigMap demo/demo-config",
                                        "v1 Secret demo/demo", "v1 Service demo/demo"]
    assert names(apiserver, "deployments") == [] and names(apiserver, "secrets") == []
    assert names(apiserver, "configmaps") == ["other"]
    assert names(apiserver, "persistentvolumeclaims") == ["demo-data"] and names(apiserver, "namespaces") == ["demo"]
    assert PASSWORD not in str(result)
    again = absent(run_module, apiserver)
    assert again["changed"] is False and again["pruned"] == []


def test_absent_without_keep_data_deletes_the_claim_then_the_namespace(run_module, apiserver):
    with_data(run_module, apiserver)
    result = absent(run_module, apiserver, keep_data=False)
    assert result["pruned"][-2:] == ["v1 PersistentVolumeClaim demo/demo-data", "v1 Namespace demo"]
    assert names(apiserver, "persistentvolumeclaims") == [] and names(apiserver, "namespaces") == []


def test_absent_in_check_mode_says_what_would_go_and_deletes_nothing(run_module, apiserver):
    with_data(run_module, apiserver)
    result = absent(run_module, apiserver, check_mode=True, keep_data=False)
    assert result["changed"] is True and len(result["pruned"]) == 6
    assert all(request.params.get("dryRun") == "All" for request in apiserver.requests("DELETE"))
    gone = [entry for entry in result["diff"] if entry["before_header"] == "v1 Secret demo/demo"][0]
    assert gone["after_header"] == "v1 Secret demo/demo (absent)" and "********" in gone["before"]
    assert PASSWORD not in str(result)
    assert names(apiserver, "deployments") == ["demo"] and names(apiserver, "persistentvolumeclaims") == ["demo-data"]


@pytest.mark.parametrize("extra, message", [
    ({"manifests": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("x")}]},
     "manifests: state absent deletes what prune_selector selects (prune_kinds) and applies nothing; leave manifests empty"),
    ({"prune_selector": None}, "prune_selector: must not be empty with prune or state absent (it would select every object)"),
    ({"prune_selector": " "}, "prune_selector: must not be empty with prune or state absent (it would select every object)"),
])
def test_absent_refuses_what_it_would_not_do_and_sends_nothing(run_module, apiserver, extra, message):
    result = absent(run_module, apiserver, **extra)
    assert result["failed"] is True and result["msg"] == message
    assert list(apiserver.api) == []
