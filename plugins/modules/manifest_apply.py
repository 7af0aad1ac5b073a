#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: manifest_apply
short_description: Server-side apply a set of Kubernetes manifests, prune what is gone, wait for rollout
version_added: 0.1.0
description:
  - Applies every manifest in O(manifests) with server-side apply under one field manager
    (O(field_manager)), namespaces and configuration first, workloads after, Ingresses last.
  - With O(prune), deletes the objects that carry the labels of O(prune_selector) and are no longer
    in O(manifests) (kinds in O(prune_kinds); Namespaces and PersistentVolumeClaims are never pruned
    unless listed there).
  - With O(state=absent), applies nothing and deletes every object of O(prune_kinds) that carries the labels of
    O(prune_selector) (the objects of earlier runs too), and with O(keep_data=false) the PersistentVolumeClaims and
    Namespaces that carry them as well.
  - With O(wait), waits until every applied Deployment and StatefulSet has rolled out and its pods are Ready, up to
    O(wait_timeout) seconds, and fails with the pods' problems (for example C(ImagePullBackOff)) when
    they are not.
  - Check mode is a server-side dry run (C(dryRun=All)). The API server validates and defaults each
    object without storing it, and the result says what would be created, updated or pruned. Objects
    in a namespace that does not exist yet cannot be dry-run and are shown as they would be created.
  - C(changed) and the diff compare the live object with what the server returns for the apply,
    without status, resource versions and managed fields. Secret values are masked in the diff.
  - Connects like M(kubernetes.core.k8s), with the same options and C(K8S_AUTH_*) environment variables.
  - With O(render_dir) (GitOps), talks to no cluster and writes the same objects into that directory instead, one
    file each (C(<kind>-<name>.yaml), sorted keys) and a C(kustomization.yaml) listing them in apply order, byte for
    byte the same on every run, so a re-run leaves git clean. Files it wrote before and no longer renders are
    removed; other files are left alone. O(argocd) and O(flux) add an Argo CD Application or a Flux Kustomization
    for the directory beside it (not in the kustomization). Secrets follow O(render_secrets).
  - With O(render_dir) and O(state=absent), removes the files of the objects O(state=absent) would delete, from
    O(render_dir) and O(render_secrets_dir), and keeps its C(kustomization.yaml) listing the files that remain (and the
    Argo CD and Flux files), so that Argo CD or Flux, pruning, deletes those objects from the cluster.
author:
  - anchorage.registry contributors (@anchorage-registry)
requirements:
  - kubernetes (the official Python client)
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.k8s_auth
attributes:
  check_mode:
    details: A server-side dry run; the API server must be reachable. With O(render_dir), nothing is written.
  diff_mode:
    details: Secret values are masked, in the cluster's objects and in rendered files alike.
  safe_file_operations:
    support: full
    details: Only O(render_dir) (and O(render_secrets_dir)) are written, each file atomically; otherwise the API server stores the objects.
  action_group:
    description: Use C(group/anchorage.registry.k8s) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - anchorage.registry.k8s
options:
  manifests:
    description:
      - Kubernetes objects (each with C(apiVersion), C(kind) and C(metadata.name)).
      - Required with O(state=present); not used with O(state=absent), which refuses them.
    type: list
    elements: dict
  state:
    description:
      - V(present) applies O(manifests).
      - V(absent) applies nothing and deletes what O(prune_selector) selects (see the description); O(prune_selector) is
        required then, and O(prune_namespaces) are looked in too, besides O(namespace).
    type: str
    choices: [present, absent]
    default: present
  keep_data:
    description:
      - With O(state=absent), keep the PersistentVolumeClaims and Namespaces O(prune_selector) selects. V(false) deletes
        them too, after the other kinds; deleting a Namespace deletes everything in it.
    type: bool
    default: true
  namespace:
    description: Namespace for namespaced objects that do not name one. Default C(default).
    type: str
  field_manager:
    description: Field manager name for server-side apply.
    type: str
    default: anchorage.registry
  force_conflicts:
    description: Take over fields another field manager owns instead of failing with a conflict.
    type: bool
    default: false
  prune:
    description: Delete objects matching O(prune_selector) that are not in O(manifests).
    type: bool
    default: false
  prune_selector:
    description:
      - Label selector of the objects this set owns, for example
        C(app.kubernetes.io/managed-by=anchorage.registry,anchorage.registry/deployment=zot).
      - Required with O(prune); every manifest must then carry these labels.
    type: str
  prune_kinds:
    description:
      - Kinds O(prune) looks at, as C(API_VERSION/KIND), in the namespaces of O(manifests). A kind the cluster does
        not know (a CRD not installed) is skipped.
    type: list
    elements: str
    default:
      - v1/ConfigMap
      - v1/Secret
      - v1/Service
      - v1/ServiceAccount
      - apps/v1/Deployment
      - apps/v1/StatefulSet
      - apps/v1/DaemonSet
      - networking.k8s.io/v1/Ingress
      - policy/v1/PodDisruptionBudget
      - monitoring.coreos.com/v1/ServiceMonitor
      - helm.cattle.io/v1/HelmChartConfig
  prune_namespaces:
    description:
      - Namespaces O(prune) also looks in, besides those of O(manifests), for objects of this set applied
        there before (for example C(kube-system) for a HelmChartConfig that is no longer rendered). Where listing
        is forbidden there, nothing is pruned in it and a warning says so.
    type: list
    elements: str
    default: []
  wait:
    description: Wait for applied Deployments and StatefulSets to roll out with all pods Ready. Never in check mode.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for the rollout before failing.
    type: int
    default: 300
  wait_sleep:
    description: Seconds between checks while waiting.
    type: int
    default: 2
  render_dir:
    description:
      - Write the manifests into this directory (created when missing) instead of applying them; see the description.
      - O(prune), O(wait) and the connection options are then not used.
    type: path
  render_secrets:
    description:
      - What render mode does with Secrets. V(none) refuses them (nothing is written); reference existing Secrets
        (synced from Vault, sealed elsewhere) instead. V(separate) writes them, mode C(0600), to O(render_secrets_dir),
        outside the kustomization, to seal (kubeseal) or apply apart. V(plain) writes them in O(render_dir) and lists
        them in the kustomization.
    type: str
    choices: [none, separate, plain]
    default: none
  render_secrets_dir:
    description: Where V(separate) Secrets go; must not be inside O(render_dir).
    type: path
  argocd:
    description:
      - Also write C(argocd-application.yaml) in O(render_dir), an Argo CD Application (automated sync with prune,
        self-heal and server-side apply) for the directory.
    type: dict
    suboptions:
      repo_url:
        description: The Git repository holding O(render_dir).
        type: str
      path:
        description: The path of O(render_dir) in that repository.
        type: str
      revision:
        description: Branch, tag or commit (C(HEAD) if not given).
        type: str
      project:
        description: Argo CD project (C(default) if not given).
        type: str
      namespace:
        description: Argo CD's namespace (C(argocd) if not given).
        type: str
      name:
        description: The Application's name (the directory's name if not given).
        type: str
  flux:
    description: Also write C(flux-kustomization.yaml) in O(render_dir), a Flux Kustomization (prune, wait) for the directory.
    type: dict
    suboptions:
      source:
        description: The Flux GitRepository holding O(render_dir).
        type: str
      path:
        description: The path of O(render_dir) in that repository.
        type: str
      namespace:
        description: Flux's namespace (C(flux-system) if not given).
        type: str
      interval:
        description: Reconcile interval (C(10m) if not given).
        type: str
      name:
        description: The Kustomization's name (the directory's name if not given).
        type: str
notes:
  - Server-side apply needs Kubernetes 1.22 or newer.
  - Tested against a mock API server (kmock) with the real kubernetes client, not against a live cluster.
seealso:
  - module: anchorage.registry.zot_config
  - module: kubernetes.core.k8s
"""

EXAMPLES = r"""
- name: Apply zot's manifests, prune what this deployment no longer renders, wait for the rollout
  anchorage.registry.manifest_apply:
    kubeconfig: ~/.kube/config
    manifests: "{{ zot_manifests }}"
    prune: true
    prune_selector: app.kubernetes.io/managed-by=anchorage.registry,anchorage.registry/deployment=zot
    wait_timeout: 600

- name: Show what would change (server-side dry run)
  anchorage.registry.manifest_apply:
    manifests:
      - apiVersion: v1
        kind: ConfigMap
        metadata: {name: demo, namespace: default}
        data: {key: value}
  check_mode: true
  diff: true

- name: One connection for the Kubernetes modules of kubernetes.core and anchorage.registry
  module_defaults:
    group/kubernetes.core.k8s: &k8s_connection
      host: https://10.0.0.10:6443
      api_key: "{{ k8s_token }}"
      ca_cert: /etc/anchorage/k8s-ca.pem
    group/anchorage.registry.k8s: *k8s_connection
  block:
    - name: Apply one ConfigMap
      anchorage.registry.manifest_apply:
        manifests:
          - {apiVersion: v1, kind: ConfigMap, metadata: {name: demo, namespace: default}, data: {a: b}}
    - name: Read it back with kubernetes.core
      kubernetes.core.k8s_info:
        kind: ConfigMap
        name: demo
        namespace: default

- name: GitOps - write the manifests for Argo CD instead of applying them (existing Secrets only)
  anchorage.registry.manifest_apply:
    manifests: "{{ zot_manifests }}"
    render_dir: "{{ playbook_dir }}/gitops/zot"
    argocd:
      repo_url: https://git.example.com/platform/cluster.git
      path: gitops/zot

- name: Delete every object of the zot deployment, the PVC and the Namespace too (the data goes)
  anchorage.registry.manifest_apply:
    state: absent
    keep_data: false
    namespace: zot-registry
    prune_selector: app.kubernetes.io/managed-by=anchorage.registry,anchorage.registry/deployment=zot

- name: Act as another user and group (the token's account must be allowed to impersonate them)
  anchorage.registry.manifest_apply:
    kubeconfig: ~/.kube/config
    impersonate_user: deployer
    impersonate_groups: [registry-admins]
    manifests: "{{ zot_manifests }}"
"""

RETURN = r"""
results:
  description: One entry per object applied or pruned, in order.
  returned: always
  type: list
  elements: dict
  sample:
    - {apiVersion: v1, kind: ConfigMap, namespace: zot-registry, name: zot-config, action: updated}
pruned:
  description: Objects deleted (or that would be, in check mode) by O(prune) or O(state=absent).
  returned: always
  type: list
  elements: str
files:
  description: With O(render_dir), each file written, left as it was or removed, with its action.
  returned: with O(render_dir)
  type: list
  elements: dict
  sample:
    - {file: gitops/zot/deployment-zot.yaml, action: unchanged}
rollout:
  description: The last state seen of each Deployment and StatefulSet waited for.
  returned: always
  type: dict
  sample: {"apps/v1 Deployment zot-registry/zot": "1/1 updated, 1 available, 1 total; 1/1 pods ready"}
"""

from ansible_collections.anchorage.registry.plugins.module_utils._k8s_auth import K8S_AUTH_SPEC
from ansible_collections.anchorage.registry.plugins.module_utils._kube_apply import (
    DEFAULT_PRUNE_KINDS,
    FIELD_MANAGER,
    run,
    secret_values,
)
from ansible_collections.anchorage.registry.plugins.module_utils._kube_render import SECRETS
from ansible_collections.anchorage.registry.plugins.module_utils._kube_render import run as render
from ansible_collections.anchorage.registry.plugins.module_utils._module import SecretMaskingModule


def main():
    # Secret manifests' values are masked before the invocation is logged on the target.
    module = SecretMaskingModule(
        lambda params: secret_values(params.get("manifests") or []),
        argument_spec=dict(
            K8S_AUTH_SPEC,
            manifests=dict(type="list", elements="dict"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            keep_data=dict(type="bool", default=True),
            namespace=dict(type="str"),
            field_manager=dict(type="str", default=FIELD_MANAGER),
            force_conflicts=dict(type="bool", default=False),
            prune=dict(type="bool", default=False),
            prune_selector=dict(type="str"),
            prune_kinds=dict(type="list", elements="str", default=list(DEFAULT_PRUNE_KINDS)),
            prune_namespaces=dict(type="list", elements="str", default=[]),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=300),
            wait_sleep=dict(type="int", default=2),
            render_dir=dict(type="path"),
            render_secrets=dict(type="str", choices=list(SECRETS), default="none"),
            render_secrets_dir=dict(type="path"),
            argocd=dict(type="dict", options=dict(
                repo_url=dict(type="str"), path=dict(type="str"), revision=dict(type="str"), project=dict(type="str"),
                namespace=dict(type="str"), name=dict(type="str"))),
            flux=dict(type="dict", options=dict(
                source=dict(type="str"), path=dict(type="str"), namespace=dict(type="str"), interval=dict(type="str"),
                name=dict(type="str"))),
        ),
        required_if=[("prune", True, ["prune_selector"]), ("state", "present", ["manifests"]),
                     ("state", "absent", ["prune_selector"])],
        supports_check_mode=True,
    )
    module.exit_json(**(render(module) if module.params["render_dir"] else run(module)))


if __name__ == "__main__":
    main()
