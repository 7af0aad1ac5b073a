# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Apply a set of manifests with server-side apply, prune what is no longer rendered, wait.

The pure parts (ordering, selectors, normalising objects for comparison, masking Secrets,
readiness of Deployments and pods) are plain functions; ``Cluster`` is the only code that talks
to the API server, through the official client's ``DynamicClient``; ``run`` is the module.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import os
import time

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.anchorage.registry.plugins.module_utils._k8s_auth import (
    HAS_KUBERNETES,
    KUBERNETES_IMPORT_ERROR,
    api_client,
    readable_no_log_values,
)

try:
    from kubernetes.dynamic import DynamicClient
    from kubernetes.dynamic.exceptions import DynamicApiError, NotFoundError, ResourceNotFoundError
except ImportError:
    pass  # HAS_KUBERNETES is False; run() reports it

try:
    import yaml
    HAS_YAML = True
except ImportError:
    HAS_YAML = False

FIELD_MANAGER = "anchorage.registry"
MASK = "********"
# What prune looks at unless told otherwise. Namespaces and PersistentVolumeClaims are left out
# on purpose: pruning them deletes data.
DEFAULT_PRUNE_KINDS = (
    "v1/ConfigMap", "v1/Secret", "v1/Service", "v1/ServiceAccount", "apps/v1/Deployment",
    "apps/v1/StatefulSet", "apps/v1/DaemonSet", "networking.k8s.io/v1/Ingress", "policy/v1/PodDisruptionBudget",
    # Custom resources, skipped where their CRD is not installed.
    "monitoring.coreos.com/v1/ServiceMonitor", "helm.cattle.io/v1/HelmChartConfig",
)
# What state=absent deletes too unless keep_data: the claims, then the Namespaces (deleting one
# deletes everything in it).
DATA_KINDS = ("v1/PersistentVolumeClaim", "v1/Namespace")
# Dependencies first (Helm's install order, shortened); kinds not listed go before workloads.
APPLY_ORDER = (
    "Namespace", "ResourceQuota", "LimitRange", "PodDisruptionBudget", "ServiceAccount", "Secret", "ConfigMap",
    "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "Role", "ClusterRole", "RoleBinding",
    "ClusterRoleBinding", "Service", None, "DaemonSet", "Deployment", "StatefulSet", "Job", "CronJob",
    "Ingress",
)
VOLATILE_METADATA = ("resourceVersion", "generation", "managedFields", "creationTimestamp", "uid", "selfLink")


# --- pure helpers ------------------------------------------------------------------------------

def group_of(api_version):
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def identity(obj, default_namespace=None, namespaced=True):
    """``(group, kind, namespace, name)``: one object, whatever version of its API is used."""
    meta = obj.get("metadata") or {}
    namespace = (meta.get("namespace") or default_namespace) if namespaced else None
    return (group_of(obj.get("apiVersion", "")), obj.get("kind"), namespace, meta.get("name"))


def describe(obj):
    meta = obj.get("metadata") or {}
    where = "%s/" % meta["namespace"] if meta.get("namespace") else ""
    return "%s %s %s%s" % (obj.get("apiVersion"), obj.get("kind"), where, meta.get("name"))


def parse_selector(text):
    """A label selector (``a=b,c!=d,e,!f,g in (h,i),j notin (k)``) as ``[(key, op, values)]``."""
    requirements = []
    text = (text or "").strip()
    while text:
        depth = 0
        for index, char in enumerate(text):
            depth += char == "("
            depth -= char == ")"
            if char == "," and depth == 0:
                part, text = text[:index].strip(), text[index + 1:].strip()
                break
        else:
            part, text = text.strip(), ""
        requirements.append(_requirement(part))
    return requirements


def _requirement(part):
    for word, op in ((" notin ", "notin"), (" in ", "in")):
        if word in part:
            key, values = part.split(word, 1)
            values = values.strip()
            if not (values.startswith("(") and values.endswith(")")):
                raise ValueError("%r: values of %s go in parentheses" % (part, op))
            return key.strip(), op, [v.strip() for v in values[1:-1].split(",") if v.strip()]
    for token, op in (("!=", "!="), ("==", "="), ("=", "=")):
        if token in part:
            key, value = part.split(token, 1)
            if not key.strip():
                raise ValueError("%r has no key" % part)
            return key.strip(), op, [value.strip()]
    if part.startswith("!"):
        return part[1:].strip(), "!exists", []
    if not part:
        raise ValueError("empty requirement in the selector")
    return part, "exists", []


def selector_matches(obj_labels, requirements):
    obj_labels = obj_labels or {}
    for key, op, values in requirements:
        present = key in obj_labels
        value = obj_labels.get(key)
        if op == "exists" and not present or op == "!exists" and present:
            return False
        if op in ("=", "in") and (not present or value not in values):
            return False
        if op in ("!=", "notin") and present and value in values:
            return False
    return True


def manifest_errors(manifests, default_namespace, requirements):
    """Problems with the manifests themselves, each naming the list index."""
    errors = []
    seen = {}
    for index, obj in enumerate(manifests):
        where = "manifests[%d]" % index
        if not isinstance(obj, dict):
            errors.append("%s: must be a mapping (one Kubernetes object)" % where)
            continue
        missing = [key for key in ("apiVersion", "kind") if not obj.get(key)]
        if not (obj.get("metadata") or {}).get("name"):
            missing.append("metadata.name")
        if missing:
            errors.append("%s: %s missing" % (where, ", ".join(missing)))
            continue
        key = identity(obj, default_namespace)
        if key in seen:
            errors.append("%s: %s is also manifests[%d]" % (where, describe(obj), seen[key]))
        seen[key] = index
        if requirements and not selector_matches((obj.get("metadata") or {}).get("labels"), requirements):
            errors.append("%s: %s does not carry the prune selector's labels, so a later run could not prune it"
                          % (where, describe(obj)))
    return errors


def kind_refs_errors(kind_refs):
    """prune_kinds entries that are not API_VERSION/KIND."""
    return ["prune_kinds: %r is not API_VERSION/KIND (e.g. v1/ConfigMap, apps/v1/Deployment)" % kind_ref
            for kind_ref in kind_refs if kind_ref.count("/") not in (1, 2) or not kind_ref.rpartition("/")[2]]


def absent_kinds(params):
    """The kinds state=absent deletes: prune_kinds, and the data kinds unless keep_data."""
    kinds = list(params["prune_kinds"])
    if not params["keep_data"]:
        kinds.extend(kind for kind in DATA_KINDS if kind not in kinds)
    return kinds


def absent_errors(params):
    """state=absent deletes by the selector alone: manifests would suggest otherwise."""
    if params["manifests"]:
        return ["manifests: state absent deletes what prune_selector selects (prune_kinds) and applies nothing; "
                "leave manifests empty"]
    return []


def sort_manifests(manifests):
    """Manifests in apply order (namespaces and config before workloads, Ingress last), stable."""
    unknown = APPLY_ORDER.index(None)

    def rank(item):
        kind = item[1].get("kind")
        return (APPLY_ORDER.index(kind) if kind in APPLY_ORDER else unknown, item[0])

    return [obj for _index, obj in sorted(enumerate(manifests), key=rank)]


def normalize(obj):
    """``obj`` without what the server changes on its own (status, versions, managedFields)."""
    if obj is None:
        return None
    obj = copy.deepcopy(obj)
    obj.pop("status", None)
    meta = obj.get("metadata") or {}
    for key in VOLATILE_METADATA:
        meta.pop(key, None)
    annotations = meta.get("annotations") or {}
    annotations.pop("deployment.kubernetes.io/revision", None)
    if "annotations" in meta and not annotations:
        meta.pop("annotations")
    return obj


def masked(obj, other=None):
    """A Secret with every value replaced by MASK, marked where it differs from ``other``."""
    if not obj or obj.get("kind") != "Secret":
        return obj
    obj = copy.deepcopy(obj)
    other_data = secret_strings(other) if other else {}
    for field in ("data", "stringData"):
        for key in list((obj.get(field) or {}).keys()):
            changed = other is not None and other_data.get(key) != secret_strings(obj).get(key)
            obj[field][key] = MASK + (" (changed)" if changed else "")
    return obj


def secret_strings(obj):
    """A Secret's values as text (data decoded, stringData as is)."""
    values = {}
    if not obj:
        return values
    for key, value in (obj.get("data") or {}).items():
        try:
            values[key] = base64.b64decode(value).decode("utf-8")
        except (binascii.Error, ValueError, TypeError):
            values[key] = value
    values.update(obj.get("stringData") or {})
    return values


def secret_values(manifests):
    """Every secret string (encoded and decoded) in the manifests, for no_log masking."""
    found = set()
    for obj in manifests:
        if isinstance(obj, dict) and obj.get("kind") == "Secret":
            found.update(value for value in (obj.get("data") or {}).values() if value)
            found.update(value for value in secret_strings(obj).values() if value)
    return found


def dump(obj):
    if obj is None:
        return ""
    if HAS_YAML:
        return yaml.safe_dump(obj, default_flow_style=False, sort_keys=True)
    return json.dumps(obj, indent=2, sort_keys=True) + "\n"


def diff_entry(obj, before, after):
    label = describe(obj)
    return {
        "before": dump(masked(before, after)),
        "after": dump(masked(after, before)),
        "before_header": label if before is not None else "%s (absent)" % label,
        "after_header": label if after is not None else "%s (absent)" % label,
    }


def deployment_progress(deployment):
    """``(done, text)`` as ``kubectl rollout status`` reads a Deployment."""
    spec = deployment.get("spec") or {}
    status = deployment.get("status") or {}
    meta = deployment.get("metadata") or {}
    wanted = spec.get("replicas", 1)
    generation = meta.get("generation")
    if generation is not None and status.get("observedGeneration", 0) < generation:
        return False, "waiting for the controller to see generation %s" % generation
    for condition in status.get("conditions") or []:
        if condition.get("type") == "Progressing" and condition.get("reason") == "ProgressDeadlineExceeded":
            return False, "progress deadline exceeded: %s" % condition.get("message", "")
    updated = status.get("updatedReplicas", 0)
    total = status.get("replicas", 0)
    available = status.get("availableReplicas", 0)
    text = "%d/%d updated, %d available, %d total" % (updated, wanted, available, total)
    return updated >= wanted and total <= updated and available >= updated, text


def statefulset_progress(statefulset):
    """``(done, text)`` as ``kubectl rollout status`` reads a StatefulSet (RollingUpdate)."""
    spec = statefulset.get("spec") or {}
    status = statefulset.get("status") or {}
    generation = (statefulset.get("metadata") or {}).get("generation")
    if generation is not None and status.get("observedGeneration", 0) < generation:
        return False, "waiting for the controller to see generation %s" % generation
    wanted = spec.get("replicas", 1)
    ready = status.get("readyReplicas", 0)
    updated = status.get("updatedReplicas", 0)
    revision_done = status.get("updateRevision") == status.get("currentRevision")
    text = "%d/%d updated, %d ready" % (updated, wanted, ready)
    return ready >= wanted and updated >= wanted and revision_done, text


def pod_ready(pod):
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return False
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def pod_problems(pod):
    """Why a pod is not ready, from its containers' states (ImagePullBackOff, CrashLoopBackOff...)."""
    problems = []
    for status in (pod.get("status") or {}).get("containerStatuses") or []:
        for state in ("waiting", "terminated"):
            detail = (status.get("state") or {}).get(state)
            if detail and detail.get("reason"):
                problems.append("%s %s: %s" % (status.get("name"), state, detail["reason"]))
    return problems


# --- talking to the API server -----------------------------------------------------------------

def api_error_text(exc):
    """The API server's own message from an error, not the client's whole HTTP dump."""
    body = getattr(exc, "body", None)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        message = json.loads(body).get("message")
    except (TypeError, ValueError, AttributeError):
        message = None
    status = getattr(exc, "status", None)
    return "%s %s" % (status or "", message or getattr(exc, "summary", lambda: str(exc))())


class Cluster(object):
    """The few API calls the module makes, through the official client's DynamicClient."""

    def __init__(self, client, cache_file, field_manager, force_conflicts):
        self.dynamic = DynamicClient(client, cache_file=cache_file)
        self.field_manager = field_manager
        self.force_conflicts = force_conflicts
        self._resources = {}

    def resource(self, api_version, kind):
        key = (api_version, kind)
        if key not in self._resources:
            self._resources[key] = self.dynamic.resources.get(api_version=api_version, kind=kind)
        return self._resources[key]

    @staticmethod
    def _json(response):
        return json.loads(response.data.decode("utf-8"))

    def get(self, resource, name, namespace):
        try:
            return self._json(self.dynamic.get(resource, name=name, namespace=namespace, serialize=False))
        except NotFoundError:
            return None

    def apply(self, resource, obj, namespace, dry_run):
        kwargs = {"field_manager": self.field_manager, "serialize": False}
        if self.force_conflicts:
            kwargs["force_conflicts"] = True
        if dry_run:
            kwargs["dry_run"] = "All"
        response = self.dynamic.server_side_apply(resource, body=obj, namespace=namespace, **kwargs)
        return self._json(response)

    def list(self, resource, namespace, selector):
        response = self.dynamic.get(resource, namespace=namespace, label_selector=selector, serialize=False)
        return self._json(response).get("items") or []

    def delete(self, resource, name, namespace, dry_run):
        kwargs = {"serialize": False, "propagation_policy": "Background"}
        if dry_run:
            kwargs["dry_run"] = "All"
        self.dynamic.delete(resource, name=name, namespace=namespace, **kwargs)


class Applier(object):
    """One run: apply, prune, wait; collects the results and diffs."""

    def __init__(self, cluster, params, check_mode, diff):
        self.cluster = cluster
        self.params = params
        self.check_mode = check_mode
        self.want_diff = diff
        self.results = []
        self.diffs = []
        self.warnings = []
        self.new_namespaces = set()

    def _record(self, obj, action, before, after):
        meta = obj.get("metadata") or {}
        self.results.append({"apiVersion": obj.get("apiVersion"), "kind": obj.get("kind"),
                             "namespace": meta.get("namespace"), "name": meta.get("name"), "action": action})
        if self.want_diff and action != "unchanged":
            self.diffs.append(diff_entry(obj, before, after))

    def apply_all(self, manifests):
        applied = []
        for obj in sort_manifests(manifests):
            resource = self.cluster.resource(obj["apiVersion"], obj["kind"])
            obj = copy.deepcopy(obj)
            namespace = None
            if resource.namespaced:
                namespace = obj["metadata"].get("namespace") or self.params.get("namespace") or "default"
                obj["metadata"]["namespace"] = namespace
            else:
                obj["metadata"].pop("namespace", None)
            name = obj["metadata"]["name"]
            before = normalize(self.cluster.get(resource, name, namespace))
            if self.check_mode and namespace in self.new_namespaces:
                # The namespace does not exist yet, so the server cannot dry-run objects in it:
                # show the manifest as it would be created.
                after = normalize(obj)
            else:
                after = normalize(self.cluster.apply(resource, obj, namespace, self.check_mode))
            if obj["kind"] == "Namespace" and before is None:
                self.new_namespaces.add(name)
            action = "created" if before is None else ("unchanged" if before == after else "updated")
            self._record(obj, action, before, after)
            applied.append((resource, obj))
        return applied

    def prune(self, applied, kinds):
        requirements = parse_selector(self.params["prune_selector"])
        wanted = set(identity(obj, namespaced=resource.namespaced) for resource, obj in applied)
        namespaces = sorted(set(obj["metadata"]["namespace"] for resource, obj in applied if resource.namespaced)
                            or [self.params.get("namespace") or "default"])
        # Namespaces an object of this set may have been applied to before, though none is now.
        extra = sorted(set(self.params.get("prune_namespaces") or []) - set(namespaces))
        pruned = []
        for kind_ref in kinds:
            api_version, _sep, kind = kind_ref.rpartition("/")
            try:
                resource = self.cluster.resource(api_version, kind)
            except ResourceNotFoundError:
                continue
            for namespace in namespaces + extra if resource.namespaced else [None]:
                try:
                    items = self.cluster.list(resource, namespace, self.params["prune_selector"])
                except DynamicApiError as exc:
                    if namespace not in extra or getattr(exc, "status", None) != 403:
                        raise
                    self.warnings.append("prune: not allowed to list %s in %s; nothing pruned there" % (kind, namespace))
                    continue
                for item in items:
                    item.setdefault("apiVersion", api_version)
                    item.setdefault("kind", kind)
                    meta = item.get("metadata") or {}
                    if (not selector_matches(meta.get("labels"), requirements) or meta.get("deletionTimestamp")
                            or identity(item, namespaced=resource.namespaced) in wanted):
                        continue
                    self.cluster.delete(resource, meta["name"], namespace, self.check_mode)
                    self._record(item, "pruned", normalize(item), None)
                    pruned.append(describe(item))
        return pruned

    def wait(self, applied, timeout, sleep, clock=time.monotonic, pause=time.sleep):
        workloads = [(resource, obj) for resource, obj in applied if obj["kind"] in ("Deployment", "StatefulSet")
                     and group_of(obj["apiVersion"]) == "apps"]
        deadline = clock() + timeout
        pending = list(workloads)
        report = {}
        # Bounded twice: by the deadline and by a number of rounds.
        for _round in range(int(timeout / max(sleep, 0.01)) + 2):
            still = []
            for resource, obj in pending:
                done, text = self._workload_ready(resource, obj)
                report[describe(obj)] = text
                if not done:
                    still.append((resource, obj))
            pending = still
            if not pending or clock() >= deadline:
                break
            pause(min(sleep, max(deadline - clock(), 0)))
        return [describe(obj) for _resource, obj in pending], report

    def _workload_ready(self, resource, obj):
        meta = obj["metadata"]
        live = self.cluster.get(resource, meta["name"], meta["namespace"])
        if live is None:
            return False, "not found"
        done, text = (statefulset_progress if obj["kind"] == "StatefulSet" else deployment_progress)(live)
        wanted = (live.get("spec") or {}).get("replicas", 1)
        match = ((live.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        selector = ",".join("%s=%s" % item for item in sorted(match.items()))
        pods = [pod for pod in self.cluster.list(self.cluster.resource("v1", "Pod"), meta["namespace"], selector)
                if selector_matches((pod.get("metadata") or {}).get("labels"), parse_selector(selector))]
        ready = [pod for pod in pods if pod_ready(pod)]
        text = "%s; %d/%d pods ready" % (text, len(ready), wanted)
        problems = [problem for pod in pods if not pod_ready(pod) for problem in pod_problems(pod)]
        if problems:
            text += " (%s)" % "; ".join(problems)
        return done and len(ready) >= wanted, text


def input_errors(module):
    """Mask the manifests' Secrets for no_log; the problems with the manifests and the prune selector."""
    params = module.params
    module.no_log_values.update(secret_values(params["manifests"] or []))
    try:
        requirements = parse_selector(params["prune_selector"]) if params["prune_selector"] else []
    except ValueError as exc:
        return ["prune_selector: %s" % exc]
    if not requirements and (params["prune"] or params["state"] == "absent"):
        # An empty selector selects every object of the namespace.
        return ["prune_selector: must not be empty with prune or state absent (it would select every object)"]
    if params["state"] == "absent":
        return absent_errors(params)
    return manifest_errors(params["manifests"], params.get("namespace"), requirements)


def connect(module, field_manager=FIELD_MANAGER, force_conflicts=False):
    """A Cluster for the module's connection options (it fails the module when they do not work)."""
    try:
        client = api_client(module.params)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    return Cluster(client, os.path.join(module.tmpdir, "discovery.json"), field_manager, force_conflicts)


def run(module):
    """The manifest_apply module's work."""
    if not HAS_KUBERNETES:
        module.fail_json(msg=missing_required_lib("kubernetes"), exception=KUBERNETES_IMPORT_ERROR)
    params = module.params
    manifests = params["manifests"]
    module.no_log_values = readable_no_log_values(module.no_log_values, module.argument_spec, params)
    errors = input_errors(module)
    for option in ("wait_timeout", "wait_sleep"):
        if params[option] < 1:
            errors.append("%s: must be at least 1 second" % option)
    errors.extend(kind_refs_errors(params["prune_kinds"]))
    if errors:
        module.fail_json(msg="; ".join(errors), errors=errors)
    cluster = connect(module, params["field_manager"], params["force_conflicts"])
    applier = Applier(cluster, params, module.check_mode, module._diff)
    result = {"changed": False, "results": applier.results, "pruned": [], "rollout": {}}
    absent = params["state"] == "absent"
    step = "apply"
    try:
        # state=absent: nothing applied, so everything the selector finds goes.
        applied = [] if absent else applier.apply_all(manifests)
        if params["prune"] or absent:
            step = "prune"
            result["pruned"] = applier.prune(applied, absent_kinds(params) if absent else params["prune_kinds"])
        result["changed"] = any(item["action"] != "unchanged" for item in applier.results)
        if params["wait"] and not module.check_mode:
            step = "wait"
            pending, report = applier.wait(applied, params["wait_timeout"], params["wait_sleep"])
            result["rollout"] = report
            if pending:
                if module._diff:
                    result["diff"] = applier.diffs
                module.fail_json(msg="not ready after %ds: %s" % (params["wait_timeout"], "; ".join(
                    "%s: %s" % (name, report[name]) for name in pending)), **result)
    except (DynamicApiError, ResourceNotFoundError) as exc:
        last = applier.results[-1]["name"] if applier.results else None
        result["changed"] = any(item["action"] != "unchanged" for item in applier.results)
        hint = ""
        if getattr(exc, "status", None) == 409 and step == "apply":
            hint = " (another field manager owns these fields; set force_conflicts to take them over)"
        module.fail_json(msg="%s failed%s: %s%s" % (
            step, " after %s" % last if last else "", api_error_text(exc), hint), **result)
    for warning in applier.warnings:
        module.warn(warning)
    if module._diff:
        result["diff"] = applier.diffs
    return result
