# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.filter.zot_manifests import FilterModule, zot_manifests
from ansible_collections.anchorage.registry.plugins.filter.zot_prune_selector import FilterModule as ZotPruneSelector
from ansible_collections.anchorage.registry.plugins.filter.zot_prune_selector import zot_prune_selector
from ansible_collections.anchorage.registry.plugins.module_utils._zot import build_config, render

CONFIG = render(build_config({})[0])


def test_the_filter_is_registered():
    assert FilterModule().filters() == {"zot_manifests": zot_manifests}


def test_manifests_and_the_selector_that_owns_them():
    result = zot_manifests(CONFIG, {"name": "mirror", "namespace": "registry"})
    assert [obj["kind"] for obj in result["manifests"]] == [
        "Namespace", "ConfigMap", "PersistentVolumeClaim", "Deployment", "Service"]
    assert result["prune_selector"] == "app.kubernetes.io/managed-by=anchorage.registry,anchorage.registry/deployment=mirror"
    assert all(obj["metadata"].get("namespace", "registry") == "registry" for obj in result["manifests"])


def test_every_problem_is_one_filter_error():
    with pytest.raises(AnsibleFilterError) as raised:
        zot_manifests(CONFIG, {"node_port": 40000, "pvc_size": "lots"})
    assert str(raised.value) == (
        "zot deployment: zot_node_port: 40000 is outside Kubernetes' NodePort range 30000-32767 (0 lets Kubernetes "
        "pick one); zot_pvc_size: 'lots' is not a Kubernetes quantity (e.g. 500m, 256Mi, 200Gi)")
    with pytest.raises(AnsibleFilterError):
        zot_manifests(CONFIG, "name=zot")


def test_the_selector_without_a_config_is_the_one_the_manifests_carry():
    assert ZotPruneSelector().filters() == {"zot_prune_selector": zot_prune_selector}
    spec = {"name": "mirror", "namespace": "registry"}
    assert zot_prune_selector(spec) == zot_manifests(CONFIG, spec)["prune_selector"]
    assert zot_prune_selector({}) == "app.kubernetes.io/managed-by=anchorage.registry,anchorage.registry/deployment=zot"
    with pytest.raises(AnsibleFilterError):
        zot_prune_selector("name=zot")
