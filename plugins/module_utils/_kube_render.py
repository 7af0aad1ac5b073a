# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""GitOps: manifests written into a directory with a kustomization.yaml instead of applied.

The same objects ``manifest_apply`` would apply, one file each (``<kind>-<name>.yaml``), in
apply order in ``kustomization.yaml``, dumped with sorted keys so that a re-run rewrites nothing
and leaves git clean. Optionally an Argo CD ``Application`` and a Flux ``Kustomization`` pointing
at the directory, beside it (not among its resources: they are applied once, or by an app of
apps). Secrets are never written in plain text unless asked: ``none`` refuses them (reference
existing Secrets instead), ``separate`` writes them to a directory of their own (to seal or
apply apart), ``plain`` writes them with the rest. A file this module wrote and no longer
renders (it starts with ``HEADER``) is removed; other files are left alone. ``state=absent``
removes the files of the objects the prune selector and kinds pick, in both directories, and
keeps the kustomization listing what remains, so that Argo CD or Flux deletes them too.
"""

from __future__ import annotations

import os
import posixpath

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.anchorage.registry.plugins.module_utils._files import apply_text, read_text, remove_file
from ansible_collections.anchorage.registry.plugins.module_utils._kube_apply import (
    absent_kinds, describe, group_of, input_errors, kind_refs_errors, masked, parse_selector, selector_matches,
    sort_manifests)

try:
    import yaml
    HAS_YAML = True
except ImportError:
    HAS_YAML = False

HEADER = "# Written by anchorage.registry.manifest_apply (render mode): edit the inventory, not this file.\n"
KUSTOMIZATION = "kustomization.yaml"
SECRETS = ("none", "separate", "plain")

if HAS_YAML:
    class _Dumper(yaml.SafeDumper):
        """Sorted keys, block style, multi-line strings (config.json) as literal blocks."""

    def _text(dumper, value):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _text)


def dump(obj):
    return HEADER + yaml.dump(obj, Dumper=_Dumper, sort_keys=True, default_flow_style=False, allow_unicode=True,
                              width=4096)


def file_names(manifests):
    """``[(file name, object)]`` in apply order: ``<kind>-<name>.yaml``, the namespace added where
    two objects would share a name."""
    ordered = sort_manifests(manifests)
    plain = ["%s-%s.yaml" % (obj["kind"].lower(), obj["metadata"]["name"]) for obj in ordered]
    names = []
    for name, obj in zip(plain, ordered):
        if plain.count(name) > 1:
            namespace = obj["metadata"].get("namespace") or "cluster"
            name = "%s-%s-%s.yaml" % (obj["kind"].lower(), namespace, obj["metadata"]["name"])
        names.append((name, obj))
    return names


def kustomization(files):
    return {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": list(files)}


def argocd_application(settings, namespace, default_name):
    """An Argo CD Application syncing the directory (automated, prune, self-heal, server-side apply)."""
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": settings.get("name") or default_name, "namespace": settings.get("namespace") or "argocd"},
        "spec": {
            "project": settings.get("project") or "default",
            "source": {"repoURL": settings["repo_url"], "path": settings["path"],
                       "targetRevision": settings.get("revision") or "HEAD"},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": namespace},
            "syncPolicy": {"automated": {"prune": True, "selfHeal": True},
                           "syncOptions": ["ServerSideApply=true"]},
        },
    }


def flux_kustomization(settings, namespace, default_name):
    """A Flux Kustomization applying the directory from a GitRepository."""
    path = settings["path"]
    return {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": settings.get("name") or default_name, "namespace": settings.get("namespace") or "flux-system"},
        "spec": {
            "interval": settings.get("interval") or "10m",
            "path": path if path.startswith("./") else "./" + path.lstrip("/"),
            "prune": True,
            "wait": True,
            "sourceRef": {"kind": "GitRepository", "name": settings["source"]},
            "targetNamespace": namespace,
        },
    }


def _inside(path, directory):
    path, directory = posixpath.normpath(path), posixpath.normpath(directory)
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def render_errors(manifests, params):
    """Why these manifests cannot be rendered with these options (nothing is written then)."""
    errors = []
    mode = params["render_secrets"]
    secrets = [(index, obj) for index, obj in enumerate(manifests) if obj.get("kind") == "Secret"]
    if mode == "none":
        errors.extend("manifests[%d]: %s: render_secrets is none, so no Secret is written in plain text; reference an "
                      "existing Secret instead, or set render_secrets to separate (a directory of its own, to seal or "
                      "apply apart) or plain" % (index, describe(obj)) for index, obj in secrets)
    where = params.get("render_secrets_dir")
    if mode == "separate" and secrets and not where:
        errors.append("render_secrets_dir: separate Secrets need a directory of their own")
    elif mode == "separate" and where:
        if _inside(where, params["render_dir"]) or _inside(params["render_dir"], where):
            errors.append("render_secrets_dir: must be outside render_dir (it is not part of the kustomization)")
    for option, keys in (("argocd", ("repo_url", "path")), ("flux", ("source", "path"))):
        given = params.get(option) or {}
        missing = [key for key in keys if given and not given.get(key)]
        if missing:
            errors.append("%s: needs %s" % (option, " and ".join(missing)))
    return errors


def planned_files(manifests, params):
    """``{directory: {file name: (text, secret)}}``: every file the directory (and the Secrets') will hold;
    ``secret`` is the Secret object a file holds, else None."""
    main, apart = {}, {}
    resources = []
    separate = params["render_secrets"] == "separate"
    for name, obj in file_names(manifests):
        secret = obj.get("kind") == "Secret"
        if secret and separate:
            apart[name] = (dump(obj), obj)
            continue
        main[name] = (dump(obj), obj if secret else None)
        resources.append(name)
    main[KUSTOMIZATION] = (dump(kustomization(resources)), None)
    namespaces = sorted(set(obj["metadata"].get("namespace") for obj in manifests if obj["metadata"].get("namespace")))
    namespace = namespaces[0] if len(namespaces) == 1 else params.get("namespace") or "default"
    default_name = os.path.basename(os.path.normpath(params["render_dir"]))
    if params.get("argocd"):
        main["argocd-application.yaml"] = (dump(argocd_application(params["argocd"], namespace, default_name)), None)
    if params.get("flux"):
        main["flux-kustomization.yaml"] = (dump(flux_kustomization(params["flux"], namespace, default_name)), None)
    planned = {params["render_dir"]: main}
    if apart or separate and params.get("render_secrets_dir"):
        # Also when no Secret is left: the files of those no longer rendered go.
        planned[params["render_secrets_dir"]] = apart
    return planned


def _ours(path):
    text = read_text(path) if os.path.isfile(path) else None
    return text is not None and text.startswith(HEADER)


def _load(path):
    """The object a file of ours holds, or None (not ours, not a mapping)."""
    if not _ours(path):
        return None
    obj = yaml.safe_load(read_text(path))
    return obj if isinstance(obj, dict) else None


def _remove(module, path, outcome):
    """Remove one file of ours; a Secret's values masked in the diff. Adds to ``outcome``."""
    old = yaml.safe_load(read_text(path))
    removed = remove_file(module, path)
    if isinstance(old, dict) and old.get("kind") == "Secret" and "diff" in removed:
        removed["diff"]["before"] = dump(masked(old))
    outcome["files"].append({"file": path, "action": "removed"})
    outcome["changed"] = True
    if "diff" in removed:
        outcome["diffs"].append(removed["diff"])


def write(module, manifests, params):
    """Write the planned files, remove ours that are no longer planned; a result for exit_json."""
    outcome = {"changed": False, "files": [], "diffs": []}
    for directory, files in sorted(planned_files(manifests, params).items()):
        for name, (text, secret) in sorted(files.items()):
            path = os.path.join(directory, name)
            existed = os.path.exists(path)
            before = read_text(path)
            # A Secret's file is 0600; the others keep what they have.
            private = module.load_file_common_arguments({"mode": "0600"}, path=path) if secret else None
            _record(outcome, path, apply_text(module, path, text, file_args=private), before, existed, secret)
        for name in sorted(os.listdir(directory)) if os.path.isdir(directory) else []:
            path = os.path.join(directory, name)
            if name.endswith(".yaml") and name not in files and _ours(path):
                _remove(module, path, outcome)
    return outcome


def _record(outcome, path, written, before, existed, secret=None):
    """Add one written file (``apply_text``'s result) to ``outcome``; a Secret's values masked in the diff."""
    if secret is not None and "diff" in written:
        old = yaml.safe_load(before) if before else None
        written["diff"].update(before=dump(masked(old, secret)) if old else "", after=dump(masked(secret, old)))
    action = "unchanged" if not written["content_changed"] else ("updated" if existed else "created")
    outcome["files"].append({"file": path, "action": action})
    outcome["changed"] = outcome["changed"] or written["changed"]
    if written["content_changed"] and "diff" in written:
        outcome["diffs"].append(written["diff"])


def remove(module, params):
    """state=absent: remove the files of the objects the selector and kinds pick from both directories;
    the kustomization (ours) then lists the files that remain."""
    requirements = parse_selector(params["prune_selector"])
    kinds = set((group_of(ref.rpartition("/")[0]), ref.rpartition("/")[2]) for ref in absent_kinds(params))
    outcome = {"changed": False, "files": [], "diffs": []}
    removed = set()
    for directory in [params["render_dir"], params.get("render_secrets_dir")]:
        for name in sorted(os.listdir(directory)) if directory and os.path.isdir(directory) else []:
            path = os.path.join(directory, name)
            obj = _load(path) if name.endswith(".yaml") and name != KUSTOMIZATION else None
            if (obj and (group_of(obj.get("apiVersion") or ""), obj.get("kind")) in kinds
                    and selector_matches((obj.get("metadata") or {}).get("labels"), requirements)):
                _remove(module, path, outcome)
                removed.add(path)
    path = os.path.join(params["render_dir"], KUSTOMIZATION)
    listed = _load(path)
    if listed is not None:
        before = read_text(path)
        resources = [name for name in listed.get("resources") or []
                     if os.path.join(params["render_dir"], name) not in removed]
        _record(outcome, path, apply_text(module, path, dump(kustomization(resources))), before, True)
    return outcome


def run(module):
    """The manifest_apply module's render mode: check everything, then write the directory."""
    if not HAS_YAML:
        module.fail_json(msg=missing_required_lib("PyYAML"))
    params = module.params
    manifests = params["manifests"]
    absent = params["state"] == "absent"
    errors = input_errors(module) or (kind_refs_errors(params["prune_kinds"]) if absent else render_errors(manifests, params))
    if errors:
        module.fail_json(msg="; ".join(errors), errors=errors)
    outcome = remove(module, params) if absent else write(module, manifests, params)
    result = {"changed": outcome["changed"], "files": outcome["files"], "results": [], "pruned": [], "rollout": {}}
    if module._diff:
        result["diff"] = outcome["diffs"]
    return result
