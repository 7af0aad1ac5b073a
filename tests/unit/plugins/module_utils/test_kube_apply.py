# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import base64

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils import _kube_apply as kube


def cm(name, namespace="ns", labels=None, **data):
    meta = {"name": name, "namespace": namespace}
    if labels is not None:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}


def test_selectors():
    requirements = kube.parse_selector("app=zot, tier!=db,owner,!legacy,env in (a, b),zone notin (x)")
    assert requirements == [("app", "=", ["zot"]), ("tier", "!=", ["db"]), ("owner", "exists", []),
                            ("legacy", "!exists", []), ("env", "in", ["a", "b"]), ("zone", "notin", ["x"])]
    good = {"app": "zot", "owner": "me", "env": "a", "zone": "y"}
    assert kube.selector_matches(good, requirements)
    for change in ({"app": "x"}, {"tier": "db"}, {"legacy": "1"}, {"env": "c"}, {"zone": "x"}):
        assert not kube.selector_matches(dict(good, **change), requirements), change
    assert not kube.selector_matches({"app": "zot", "env": "a"}, requirements)  # owner missing
    assert kube.parse_selector("") == [] and kube.selector_matches(None, [])
    with pytest.raises(ValueError):
        kube.parse_selector("env in a,b")
    with pytest.raises(ValueError):
        kube.parse_selector("=x")


def test_apply_order_is_dependencies_first_and_stable():
    manifests = [
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}},
        {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}},
        cm("b"), cm("a"),
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}},
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}},
    ]
    assert [(o["kind"], o["metadata"]["name"]) for o in kube.sort_manifests(manifests)] == [
        ("Namespace", "ns"), ("Secret", "s"), ("ConfigMap", "b"), ("ConfigMap", "a"), ("Widget", "w"),
        ("Deployment", "d"), ("Ingress", "i")]


def test_manifest_errors_name_the_index():
    requirements = kube.parse_selector("owner=me")
    errors = kube.manifest_errors([cm("a", labels={"owner": "me"}), "text", {"kind": "ConfigMap", "metadata": {}},
                                   cm("a", labels={"owner": "me"}), cm("b", labels={"owner": "you"})], None, requirements)
    assert errors == [
        "manifests[1]: must be a mapping (one Kubernetes object)",
        "manifests[2]: apiVersion, metadata.name missing",
        "manifests[3]: v1 ConfigMap ns/a is also manifests[0]",
        "manifests[4]: v1 ConfigMap ns/b does not carry the prune selector's labels, so a later run could not prune it",
    ]
    # One object seen through two versions of its API is the same object.
    same = [{"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h", "namespace": "n"}},
            {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h", "namespace": "n"}}]
    assert len(kube.manifest_errors(same, None, [])) == 1


def test_normalize_drops_what_the_server_owns():
    live = cm("a", x="1")
    live["metadata"].update(resourceVersion="5", uid="u", generation=2, creationTimestamp="t", managedFields=[{}],
                            annotations={"deployment.kubernetes.io/revision": "3"})
    live["status"] = {"ready": True}
    assert kube.normalize(live) == cm("a", x="1")
    assert kube.normalize(None) is None


def test_secrets_are_masked_and_marked_when_they_change():
    def secret(**values):
        return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                "data": dict((k, base64.b64encode(v.encode()).decode()) for k, v in values.items())}

    before, after = secret(a="old", b="same"), secret(a="new", b="same")
    assert kube.masked(after, before)["data"] == {"a": "******** (changed)", "b": "********"}
    assert kube.masked(after)["data"] == {"a": "********", "b": "********"}
    assert kube.secret_values([after, cm("x", y="1")]) == {"new", "same", after["data"]["a"], after["data"]["b"]}
    entry = kube.diff_entry(after, before, after)
    assert "new" not in entry["after"] and after["data"]["a"] not in entry["after"]
    assert entry["after_header"] == "v1 Secret s" and kube.diff_entry(after, None, after)["before_header"] == "v1 Secret s (absent)"


def test_deployment_progress():
    def deployment(generation=2, observed=2, wanted=2, **status):
        return {"metadata": {"generation": generation}, "spec": {"replicas": wanted},
                "status": dict(status, observedGeneration=observed)}

    assert kube.deployment_progress(deployment(observed=1))[0] is False
    assert kube.deployment_progress(deployment(updatedReplicas=2, replicas=3, availableReplicas=2))[0] is False
    assert kube.deployment_progress(deployment(updatedReplicas=2, replicas=2, availableReplicas=1))[0] is False
    assert kube.deployment_progress(deployment(updatedReplicas=2, replicas=2, availableReplicas=2)) == (
        True, "2/2 updated, 2 available, 2 total")
    stalled = deployment(conditions=[{"type": "Progressing", "reason": "ProgressDeadlineExceeded", "message": "m"}])
    assert kube.deployment_progress(stalled) == (False, "progress deadline exceeded: m")


def test_pods():
    ready = {"status": {"conditions": [{"type": "Ready", "status": "True"}]}}
    assert kube.pod_ready(ready)
    assert not kube.pod_ready(dict(ready, metadata={"deletionTimestamp": "t"}))
    waiting = {"status": {"containerStatuses": [{"name": "zot", "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}
    assert kube.pod_problems(waiting) == ["zot waiting: CrashLoopBackOff"]
