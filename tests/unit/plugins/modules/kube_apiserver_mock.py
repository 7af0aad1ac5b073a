# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A Kubernetes API server for tests: kmock's emulator over real HTTP on 127.0.0.1, in a thread.

No real API server can run on the lab machines. kmock (``KubernetesEmulator``) serves discovery
(k3s' built-in resources), GET, LIST, POST, PATCH and DELETE of objects kept in memory. It does
not know server-side apply, dry runs or controllers, so ``ApiServer`` adds, as simply as can be
and no more:

- ``PATCH`` with ``application/apply-patch+yaml`` creates the object when it is missing and
  otherwise merges the applied fields into it (mappings merge, lists and scalars replace); it
  bumps ``metadata.generation`` when ``spec`` changes and ``resourceVersion`` on every change;
- ``dryRun=All`` on apply and delete answers as if it were done and stores nothing;
- a namespaced object in a namespace that does not exist is refused with 404, as the real
  server does; Namespaces are listed (with an equality ``labelSelector``), which kmock's URL
  parser cannot do (such a request is not in the request log);
- with ``rollout="ready"``, applying a Deployment or a StatefulSet marks it rolled out and adds
  one Ready pod per replica (what its controller and the kubelet would do); with
  ``rollout="stuck"`` the pods stay in ImagePullBackOff;
- the custom resources the zot role can render (Prometheus Operator's ServiceMonitor, k3s'
  HelmChartConfig) are known to discovery, as if their CRDs were installed.

What real server-side apply does beyond that (field ownership, removal of fields a manager no
longer applies, conflicts) is not emulated; docs/zot.md says so.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import threading

import aiohttp.web
import kmock

SERVER_TIMEOUT = 10
# kmock's URL parser takes /api/v1/namespaces/NAME for a namespace prefix, not an object.
NAMESPACE_PATH = re.compile(r"^/api/v1/namespaces/([^/]+)$")
NAMESPACE_LIST = "/api/v1/namespaces"
NAMESPACES = kmock.resource("", "v1", "namespaces")


def merge(base, patch):
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = dict(base)
    for key, value in patch.items():
        merged[key] = merge(base.get(key), value) if key in base else copy.deepcopy(value)
    return merged


def _status(code, reason, message):
    return aiohttp.web.json_response({"apiVersion": "v1", "kind": "Status", "metadata": {}, "status": "Failure",
                                      "code": code, "reason": reason, "message": message}, status=code)


class ApiServer(kmock.KubernetesEmulator):
    """kmock's emulator plus the server-side apply, dry run and rollout behaviour described above."""

    def __attrs_post_init__(self):
        super().__attrs_post_init__()
        self.rollout = "ready"
        self.versions = itertools.count(100)

    def key(self, resource, namespace, name):
        return (resource, namespace, name)

    def live(self, key):
        if key in self.objects and not self.objects[key].deleted:
            return copy.deepcopy(self.objects[key].raw)
        return None

    async def _handle(self, request):
        method = str(getattr(request.method, "value", request.method)).upper()
        content_type = request.headers.get("Content-Type", "")
        dry_run = request.params.get("dryRun") == "All"
        namespace_object = NAMESPACE_PATH.match(request.url.path)
        if namespace_object:
            key = (NAMESPACES, None, namespace_object.group(1))
        elif request.resource is not None and request.name:
            key = self.key(request.resource, request.namespace, request.name)
        else:
            return await super()._handle(request)
        if method == "PATCH" and "apply-patch" in content_type:
            return await self._apply(request, key, dry_run)
        found = self.live(key)
        if method == "DELETE" and dry_run or namespace_object and method in ("GET", "DELETE"):
            if found is None:
                return _status(404, "NotFound", "%s %r not found" % (key[0].plural, key[2]))
            if method == "DELETE" and not dry_run:
                self.objects[key].delete()
            return aiohttp.web.json_response(found)
        return await super()._handle(request)

    async def __call__(self, raw_request):
        # Before kmock parses the path (it cannot parse this one); not in the request log.
        if raw_request.path == NAMESPACE_LIST and raw_request.method == "GET":
            return self._namespaces(raw_request.query.get("labelSelector") or "")
        return await super().__call__(raw_request)

    def _namespaces(self, selector):
        wanted = dict(part.split("=", 1) for part in selector.split(",") if part)
        items = [obj for obj in (self.live(key) for key in list(self.objects) if key[0] == NAMESPACES) if obj
                 and all((obj["metadata"].get("labels") or {}).get(key) == value for key, value in wanted.items())]
        return aiohttp.web.json_response({"apiVersion": "v1", "kind": "NamespaceList", "metadata": {}, "items": items})

    def _namespace_exists(self, name):
        return self.live((NAMESPACES, None, name)) is not None

    async def _apply(self, request, key, dry_run):
        body = json.loads(request.body)
        resource, namespace, name = key
        if namespace and not self._namespace_exists(namespace):
            return _status(404, "NotFound", 'namespaces "%s" not found' % namespace)
        async with self._lock:
            current = self.live(key)
            if current is None:
                result = copy.deepcopy(body)
                meta = result.setdefault("metadata", {})
                meta.update(uid="uid-%s" % name, generation=1, creationTimestamp="2026-01-01T00:00:00Z")
            else:
                result = merge(current, body)
                if result.get("spec") != current.get("spec"):
                    result["metadata"]["generation"] = current["metadata"].get("generation", 1) + 1
            changed = result != current
            if changed:
                result["metadata"]["resourceVersion"] = str(next(self.versions))
            if not dry_run and changed:
                if current is None:
                    self.objects[key] = result
                else:
                    self.objects[key].create(result)
                if result.get("kind") in ("Deployment", "StatefulSet"):
                    self._controller(resource, namespace, result)
        return aiohttp.web.json_response(self.live(key) if not dry_run else result)

    def _controller(self, resource, namespace, deployment):
        """What the Deployment (or StatefulSet) controller and the kubelet would do, at once."""
        replicas = deployment["spec"].get("replicas", 1)
        ready = self.rollout == "ready"
        revision = "%s-%s" % (deployment["metadata"]["name"], deployment["metadata"]["generation"])
        status = {"observedGeneration": deployment["metadata"]["generation"], "replicas": replicas,
                  "updatedReplicas": replicas, "availableReplicas": replicas if ready else 0,
                  "readyReplicas": replicas if ready else 0}
        if deployment["kind"] == "StatefulSet":
            status.update(currentRevision=revision, updateRevision=revision)
        self.objects[self.key(resource, namespace, deployment["metadata"]["name"])].create(
            dict(deployment, status=status))
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        pods = kmock.resource("", "v1", "pods")
        prefix = deployment["metadata"]["name"] + "-"
        for (res, ns, name), obj in list(self.objects.items()):
            if res == pods and ns == namespace and name.startswith(prefix) and not obj.deleted:
                obj.delete()
        for number in range(replicas):
            name = "%s-%d-%s" % (deployment["metadata"]["name"], deployment["metadata"]["generation"], number)
            if ready:
                pod_status = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
            else:
                pod_status = {"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}],
                              "containerStatuses": [{"name": "zot", "state": {"waiting": {"reason": "ImagePullBackOff"}}}]}
            self.objects[pods, namespace, name] = {
                "apiVersion": "v1", "kind": "Pod", "status": pod_status,
                "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)}}


class Running(object):
    """An ``ApiServer`` on a free port of 127.0.0.1, served by an event loop in a daemon thread."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="kmock", daemon=True)
        self.thread.start()
        self._call(self._start())

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(SERVER_TIMEOUT)

    async def _start(self):
        self.api = ApiServer()
        self.api.resources.load_bundled()
        for resource, kind in (("monitoring.coreos.com/v1/servicemonitors", "ServiceMonitor"),
                               ("helm.cattle.io/v1/helmchartconfigs", "HelmChartConfig")):
            self.api.resources[resource].kind = kind
            self.api.resources[resource].namespaced = True
            self.api.resources[resource].verbs = {"get", "list", "create", "update", "patch", "delete"}
        await self.api.__aenter__()
        self.server = kmock.Server(self.api)
        await self.server.__aenter__()
        self.url = str(self.server.url).rstrip("/")

    async def _stop(self):
        await self.server.__aexit__(None, None, None)
        await self.api.__aexit__(None, None, None)

    def add_namespace(self, name):
        """A namespace that exists before the test (kube-system on a real cluster)."""
        self.api.objects[NAMESPACES, None, name] = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}

    def objects(self, plural, namespace=None):
        """Live objects of one resource (by plural), as dicts."""
        return [copy.deepcopy(obj.raw) for (res, ns, _name), obj in list(self.api.objects.items())
                if res.plural == plural and not obj.deleted and (namespace is None or ns == namespace)]

    def requests(self, method=None):
        found = []
        for request in list(self.api):
            name = str(getattr(request.method, "value", request.method)).upper()
            if method is None or name == method:
                found.append(request)
        return found

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self):
        try:
            self._call(self._stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(SERVER_TIMEOUT)
