# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""manifest_apply's render mode (GitOps): real files in a temporary directory; the same objects
as apply mode sends to kmock."""

from __future__ import annotations

import os
import stat

import pytest
import yaml

from ansible_collections.anchorage.registry.plugins.module_utils._kube_apply import normalize
from ansible_collections.anchorage.registry.plugins.module_utils._kube_render import HEADER
from ansible_collections.anchorage.registry.plugins.modules import manifest_apply

from kube_apiserver_mock import Running
from test_manifest_apply import PASSWORD, SELECTOR, manifests


def render(run_module, directory, objects, check_mode=False, **extra):
    args = dict({"manifests": objects, "render_dir": str(directory), "prune_selector": SELECTOR}, **extra)
    return run_module(manifest_apply, args, check_mode=check_mode, diff=True)


def without_secret(objects):
    return [obj for obj in objects if obj["kind"] != "Secret"]


def test_render_writes_a_kustomization_in_apply_order_and_a_rerun_changes_no_byte(run_module, tmp_path, tree):
    out = tmp_path / "gitops" / "demo"
    first = render(run_module, out, without_secret(manifests()))
    assert first["changed"] is True
    files = tree(out)
    assert sorted(files) == ["configmap-demo-config.yaml", "deployment-demo.yaml", "kustomization.yaml",
                             "namespace-demo.yaml", "service-demo.yaml"]
    assert yaml.safe_load(files["kustomization.yaml"])["resources"] == [
        "namespace-demo.yaml", "configmap-demo-config.yaml", "service-demo.yaml", "deployment-demo.yaml"]
    assert all(text.startswith(HEADER) for text in files.values())
    again = render(run_module, out, without_secret(manifests()))
    assert again["changed"] is False and tree(out) == files
    assert set(item["action"] for item in again["files"]) == {"unchanged"}


def test_render_and_apply_produce_the_same_objects(run_module, tmp_path):
    objects = manifests()
    render(run_module, tmp_path, objects, render_secrets="plain")
    rendered = [yaml.safe_load((tmp_path / name).read_text())
                for name in yaml.safe_load((tmp_path / "kustomization.yaml").read_text())["resources"]]
    with Running() as apiserver:
        result = run_module(manifest_apply, {"manifests": objects, "host": apiserver.url, "wait_timeout": 10,
                                             "wait_sleep": 1}, diff=False)
        assert result["changed"] is True
        live = [normalize(apiserver.objects(plural)[0]) for plural in
                ("namespaces", "secrets", "configmaps", "services", "deployments")]
    for obj in live:
        obj.pop("status", None)
        for key in ("uid", "generation", "creationTimestamp"):
            obj["metadata"].pop(key, None)
    assert rendered == live


def test_a_dropped_object_is_removed_and_other_files_are_left_alone(run_module, tmp_path):
    render(run_module, tmp_path, without_secret(manifests()))
    (tmp_path / "README.md").write_text("ours, not the module's\n")
    (tmp_path / "extra.yaml").write_text("kind: ConfigMap\n")
    result = render(run_module, tmp_path, without_secret(manifests(with_service=False)))
    assert {"file": str(tmp_path / "service-demo.yaml"), "action": "removed"} in result["files"]
    assert not (tmp_path / "service-demo.yaml").exists()
    assert (tmp_path / "README.md").exists() and (tmp_path / "extra.yaml").exists()


def test_check_mode_writes_nothing(run_module, tmp_path):
    result = render(run_module, tmp_path / "new", without_secret(manifests()), check_mode=True)
    assert result["changed"] is True and not (tmp_path / "new").exists()


def test_secrets_are_refused_by_default_and_nothing_is_written(run_module, tmp_path):
    result = render(run_module, tmp_path / "out", manifests())
    assert result["failed"] is True
    assert result["msg"].startswith("manifests[2]: v1 Secret demo/demo: render_secrets is none, so no Secret is "
                                    "written in plain text; reference an existing Secret instead")
    assert not (tmp_path / "out").exists()
    assert PASSWORD not in str(result)


def test_separate_secrets_go_to_their_own_directory_private_and_masked_in_the_diff(run_module, tmp_path):
    out, apart = tmp_path / "gitops", tmp_path / "to-seal"
    result = render(run_module, out, manifests(), render_secrets="separate", render_secrets_dir=str(apart))
    assert sorted(os.listdir(apart)) == ["secret-demo.yaml"]
    assert "secret-demo.yaml" not in yaml.safe_load((out / "kustomization.yaml").read_text())["resources"]
    assert stat.S_IMODE(os.stat(apart / "secret-demo.yaml").st_mode) == 0o600
    assert PASSWORD not in str(result) and "cGE1NS1pbi1hLXNlY3JldA" not in str(result)
    secret_diff = [item for item in result["diff"] if item["after_header"].endswith("secret-demo.yaml")][0]
    assert "********" in secret_diff["after"]
    inside = render(run_module, out, manifests(), render_secrets="separate", render_secrets_dir=str(out / "s"))
    assert inside["msg"] == "render_secrets_dir: must be outside render_dir (it is not part of the kustomization)"


def test_argocd_application_and_flux_kustomization_beside_the_directory(run_module, tmp_path):
    out = tmp_path / "zot"
    render(run_module, out, without_secret(manifests()),
           argocd={"repo_url": "https://git.example.com/infra.git", "path": "gitops/zot", "revision": "main"},
           flux={"source": "infra", "path": "gitops/zot"})
    app = yaml.safe_load((out / "argocd-application.yaml").read_text())
    assert app["spec"]["source"] == {"repoURL": "https://git.example.com/infra.git", "path": "gitops/zot",
                                     "targetRevision": "main"}
    assert app["spec"]["destination"]["namespace"] == "demo" and app["metadata"]["name"] == "zot"
    flux = yaml.safe_load((out / "flux-kustomization.yaml").read_text())
    assert flux["spec"]["path"] == "./gitops/zot" and flux["spec"]["sourceRef"] == {"kind": "GitRepository", "name": "infra"}
    resources = yaml.safe_load((out / "kustomization.yaml").read_text())["resources"]
    assert "argocd-application.yaml" not in resources and "flux-kustomization.yaml" not in resources


@pytest.mark.parametrize("extra, message", [
    ({"argocd": {"repo_url": "https://git.example.com/infra.git"}}, "argocd: needs path"),
    ({"flux": {"path": "x"}}, "flux: needs source"),
])
def test_incomplete_gitops_wrappers_are_refused(run_module, tmp_path, extra, message):
    result = render(run_module, tmp_path / "out", without_secret(manifests()), **extra)
    assert result["failed"] is True and result["msg"] == message and not (tmp_path / "out").exists()


# --- state=absent ------------------------------------------------------------------------------

def with_claim(objects):
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": dict(objects[1]["metadata"], name="demo-data"),
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}
    return objects + [claim]


def remove(run_module, out, check_mode=False, **extra):
    args = dict({"state": "absent", "render_dir": str(out), "prune_selector": SELECTOR}, **extra)
    return run_module(manifest_apply, args, check_mode=check_mode, diff=True)


def test_absent_removes_the_files_of_the_objects_and_keeps_the_data_listed(run_module, tmp_path):
    out, apart = tmp_path / "gitops", tmp_path / "to-seal"
    separate = {"render_secrets": "separate", "render_secrets_dir": str(apart)}
    argocd = {"repo_url": "https://git.example.com/infra.git", "path": "gitops"}
    render(run_module, out, with_claim(manifests()), argocd=argocd, **separate)
    (out / "README.md").write_text("ours, not the module's\n")
    result = remove(run_module, out, **separate)
    assert result["changed"] is True
    assert sorted(os.listdir(out)) == ["README.md", "argocd-application.yaml", "kustomization.yaml",
                                       "namespace-demo.yaml", "persistentvolumeclaim-demo-data.yaml"]
    assert os.listdir(apart) == []
    # Argo CD (or Flux), pruning, deletes what the kustomization no longer lists.
    assert yaml.safe_load((out / "kustomization.yaml").read_text())["resources"] == [
        "namespace-demo.yaml", "persistentvolumeclaim-demo-data.yaml"]
    secret_diff = [item for item in result["diff"] if item["before_header"].endswith("secret-demo.yaml")][0]
    assert "********" in secret_diff["before"] and PASSWORD not in str(result)
    again = remove(run_module, out, **separate)
    assert again["changed"] is False and set(item["action"] for item in again["files"]) == {"unchanged"}


def test_absent_without_keep_data_leaves_an_empty_kustomization_and_check_mode_removes_nothing(run_module, tmp_path, tree):
    out = tmp_path / "gitops"
    render(run_module, out, with_claim(without_secret(manifests())))
    before = tree(out)
    preview = remove(run_module, out, check_mode=True, keep_data=False)
    assert preview["changed"] is True and tree(out) == before
    assert sorted(item["file"] for item in preview["files"] if item["action"] == "removed") == sorted(
        str(out / name) for name in before if name != "kustomization.yaml")
    remove(run_module, out, keep_data=False)
    assert sorted(os.listdir(out)) == ["kustomization.yaml"]
    assert yaml.safe_load((out / "kustomization.yaml").read_text())["resources"] == []


def test_absent_on_a_directory_that_never_held_the_set_changes_nothing(run_module, tmp_path):
    result = remove(run_module, tmp_path / "never")
    assert result["changed"] is False and result["files"] == [] and not (tmp_path / "never").exists()


def test_a_secret_no_longer_rendered_leaves_the_separate_directory(run_module, tmp_path):
    out, apart = tmp_path / "gitops", tmp_path / "to-seal"
    render(run_module, out, manifests(), render_secrets="separate", render_secrets_dir=str(apart))
    result = render(run_module, out, without_secret(manifests()), render_secrets="separate", render_secrets_dir=str(apart))
    assert {"file": str(apart / "secret-demo.yaml"), "action": "removed"} in result["files"]
    assert os.listdir(apart) == []
