# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A stateful test double of Harbor's v2.0 API, and Prism in front of it validating every exchange.

Harbor's images cannot be had on the lab machines. ``HarborDouble`` serves, on 127.0.0.1 in a
thread, exactly the endpoints the harbor_* modules use, with Harbor's bodies, status codes and
rules as its handlers (src/server/v2.0/handler) have them: 201 with ``Location`` on create, 409
on a name taken, 404, 401 without valid Basic credentials, 403 for what needs a system admin,
412 for what is still in use, ``X-Request-Id`` on every answer, Harbor's ``q`` filter, credentials
masked as ``*****``. What it does not do: everything else (501, which Prism turns into an
error), projects' members, repositories, robot permissions beyond admin or not.

``Prism`` runs ``prism proxy`` (lab/prism, pinned) with Harbor's own swagger.yaml, ``--errors``:
a request or a response that does not match the spec is answered 422 or 500 instead of being
passed on, and every mismatch (warnings too, such as an undeclared status) is logged;
``violations()`` reads them. Prism matches paths without the spec's ``basePath``, so it is given
the same spec with ``basePath`` (/api/v2.0) written in front of every path.
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import os
import re
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError
from urllib.parse import parse_qs, unquote, unquote_plus, urlsplit
from urllib.request import urlopen

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
SWAGGER = os.path.join(os.path.dirname(ROOT), "shared", "reference", "harbor", "swagger.yaml")
PRISM = os.path.join(ROOT, "lab", "prism", "node_modules", ".bin", "prism")
PRISM_START_TIMEOUT = 90.0
BASE = "/api/v2.0"
TIME = "2026-12-01T09:00:00.000Z"
ADMIN = ("admin", "Harbor12345")
ROBOT = ("robot$automation", "robot-secret-7f3a")
DEVELOPER = ("dev", "dev-password-1")
PROJECT_NAME = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")


class Answer(Exception):
    """An error answer: ``status`` and Harbor's ``{"errors": [{"code", "message"}]}``."""

    def __init__(self, status, code, message):
        super(Answer, self).__init__(message)
        self.status, self.code, self.message = status, code, message


def _bool_text(value):
    return "true" if value else "false"


class HarborDouble(object):
    """Harbor's state in memory, served over HTTP; ``requests`` records every request received."""

    def __init__(self):
        self.users = {ADMIN[0]: (ADMIN[1], True), ROBOT[0]: (ROBOT[1], True), DEVELOPER[0]: (DEVELOPER[1], False)}
        self.lock = threading.Lock()
        self.reset()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self):
        self.projects = {}
        self.quotas = {}
        self.registries = {}
        self.requests = []
        self.ids = itertools.count(1)
        self.request_ids = itertools.count(1)
        self.wrong_project_bodies = False  # answer a project_id that is not an integer (the spec's check)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # --- seeding, without requests (the benchmark's thousand projects) ----------------------------

    def add_registry(self, name, type_="docker-hub", url="https://hub.docker.com", credential=None):
        rid = next(self.ids)
        self.registries[rid] = {"id": rid, "name": name, "type": type_, "url": url, "insecure": False,
                                "description": "", "status": "healthy", "credential": dict(
                                    {"type": "basic", "access_key": "", "access_secret": ""}, **(credential or {})),
                                "creation_time": TIME, "update_time": TIME}
        return rid

    def add_project(self, name, metadata=None, storage_limit=-1, registry_id=None):
        pid = next(self.ids)
        meta = dict({"public": "false"}, **(metadata or {}))
        self.projects[pid] = {"project_id": pid, "name": name, "owner_id": 1, "owner_name": "admin", "metadata": meta,
                              "registry_id": registry_id or 0, "repo_count": 0}
        qid = next(self.ids)
        self.quotas[qid] = {"id": qid, "project_id": pid, "storage": storage_limit}
        return pid

    def project_named(self, name):
        return next((p for p in self.projects.values() if p["name"] == name), None)

    def registry_named(self, name):
        return next((r for r in self.registries.values() if r["name"] == name), None)

    def quota_of(self, pid):
        return next((q for q in self.quotas.values() if q["project_id"] == pid), None)

    # --- answers ----------------------------------------------------------------------------------

    def _project_json(self, project):
        body = {
            "project_id": str(project["project_id"]) if self.wrong_project_bodies else project["project_id"],
            "owner_id": project["owner_id"], "name": project["name"], "creation_time": TIME,
            "update_time": TIME, "deleted": False, "owner_name": project["owner_name"], "togglable": True,
            "current_user_role_id": 1, "current_user_role_ids": [1], "repo_count": project["repo_count"],
            "metadata": dict(project["metadata"]),
            "cve_allowlist": {"id": 0, "project_id": project["project_id"], "items": [],
                              "creation_time": TIME, "update_time": TIME},
        }
        if project["registry_id"]:  # go-swagger leaves a zero registry_id out
            body["registry_id"] = project["registry_id"]
        return body

    def _registry_json(self, registry):
        body = copy.deepcopy(registry)
        if body["credential"]["access_secret"]:
            body["credential"]["access_secret"] = "*****"  # Harbor never gives a secret back
        return body

    def _quota_json(self, quota):
        project = self.projects[quota["project_id"]]
        return {"id": quota["id"], "ref": {"id": project["project_id"], "name": project["name"], "owner_name": "admin"},
                "hard": {"storage": quota["storage"]}, "used": {"storage": 0},
                "creation_time": TIME, "update_time": TIME}

    def _user(self, headers):
        scheme, _sep, value = (headers.get("Authorization") or "").partition(" ")
        try:
            name, _sep, password = base64.b64decode(value).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            name = password = None
        if scheme.lower() != "basic" or name not in self.users or self.users[name][0] != password:
            raise Answer(401, "UNAUTHORIZED", "unauthorized")
        return name, self.users[name][1]

    def _project(self, key, headers):
        by_name = (headers.get("X-Is-Resource-Name") or "").lower() == "true"
        project = self.project_named(key) if by_name or not key.isdigit() else self.projects.get(int(key))
        if project is None:
            raise Answer(404, "NOT_FOUND", "project %s not found" % key)
        return project

    def _registry(self, rid):
        if int(rid) not in self.registries:
            raise Answer(404, "NOT_FOUND", "registry %s not found" % rid)
        return self.registries[int(rid)]

    @staticmethod
    def _admin(admin):
        if not admin:
            raise Answer(403, "FORBIDDEN", "forbidden")

    def handle(self, method, target, headers, raw):
        """``(status, extra headers, body or None)`` for one request."""
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        self.requests.append((method, path))
        if not path.startswith(BASE + "/"):
            raise Answer(404, "NOT_FOUND", "no such path")
        path = path[len(BASE):]
        body = json.loads(raw.decode("utf-8")) if raw else None
        _name, admin = self._user(headers)
        for verb, pattern, action in self.ROUTES:
            match = re.match(pattern + "$", path)
            if verb == method and match:
                return action(self, admin, headers, query, body, *match.groups())
        return 501, {}, {"errors": [{"code": "NOT_IMPLEMENTED", "message": "%s %s is not in the double" % (method, path)}]}

    # projects

    def get_project(self, admin, headers, query, body, key):
        return 200, {}, self._project_json(self._project(unquote(key), headers))

    def create_project(self, admin, headers, query, body):
        name = body.get("project_name") or ""
        if not PROJECT_NAME.match(name):
            raise Answer(400, "BAD_REQUEST", "project name is not in lower case or contains illegal characters")
        if self.project_named(name):
            raise Answer(409, "CONFLICT", "project %s already exists" % name)
        registry_id = body.get("registry_id")
        if registry_id is not None:
            if not admin:
                raise Answer(403, "FORBIDDEN", "Only system admin can create proxy cache project")
            if registry_id not in self.registries:
                raise Answer(400, "BAD_REQUEST", "failed to get the registry %d" % registry_id)
        limit = body.get("storage_limit")
        if limit in (None, 0) or not admin:
            limit = -1  # Harbor's default storage_per_project
        elif limit < -1:
            raise Answer(400, "BAD_REQUEST", "invalid value for resource storage")
        metadata = dict(body.get("metadata") or {})
        metadata.setdefault("public", _bool_text(body.get("public")))
        if metadata["public"] not in ("true", "false"):
            raise Answer(400, "BAD_REQUEST", "metadata.public should only be 'true' or 'false'")
        pid = self.add_project(name, metadata, limit, registry_id)
        if registry_id is not None:
            self.projects[pid]["metadata"]["retention_id"] = str(next(self.ids))  # Harbor's 7-day default policy
        return 201, {"Location": "%s/projects/%d" % (BASE, pid)}, None

    def update_project(self, admin, headers, query, body, key):
        project = self._project(unquote(key), headers)
        self._admin(admin)
        project["metadata"].update(dict((k, v) for k, v in (body.get("metadata") or {}).items() if v is not None))
        return 200, {}, None

    def delete_project(self, admin, headers, query, body, key):
        project = self._project(unquote(key), headers)
        self._admin(admin)
        if project["repo_count"]:
            raise Answer(412, "PRECONDITION", "the project contains repositories, can not be deleted")
        del self.projects[project["project_id"]]
        quota = self.quota_of(project["project_id"])
        del self.quotas[quota["id"]]
        return 200, {}, None

    def list_quotas(self, admin, headers, query, body):
        reference_id = (query.get("reference_id") or [""])[0]
        found = [q for q in self.quotas.values() if (query.get("reference") or [""])[0] == "project"
                 and str(q["project_id"]) == reference_id]
        return 200, {"X-Total-Count": str(len(found))}, [self._quota_json(q) for q in found]

    def update_quota(self, admin, headers, query, body, qid):
        self._admin(admin)
        if int(qid) not in self.quotas:
            raise Answer(404, "NOT_FOUND", "quota %s not found" % qid)
        storage = (body.get("hard") or {}).get("storage")
        if not isinstance(storage, int) or (storage < 1 and storage != -1):
            raise Answer(400, "BAD_REQUEST", "invalid value for resource storage")
        self.quotas[int(qid)]["storage"] = storage
        return 200, {}, None

    # registries

    @staticmethod
    def _matches(registry, q):
        """Harbor's q (src/lib/q): decoded again, split at commas; k=v exact, k=~v fuzzy."""
        for param in unquote_plus(q).split(","):  # Go's url.QueryUnescape
            key, sep, value = param.partition("=")
            if not sep or not key or not value:
                raise Answer(400, "BAD_REQUEST", 'the query string must contain "=" and the key/value cannot be empty')
            if value.startswith("~"):
                if value[1:] not in str(registry.get(key)):
                    return False
            elif str(registry.get(key)) != (value[1:] if value.startswith("\\") else value):
                return False
        return True

    def list_registries(self, admin, headers, query, body):
        self._admin(admin)
        q = (query.get("q") or [""])[0]
        found = [r for r in sorted(self.registries.values(), key=lambda r: r["id"]) if not q or self._matches(r, q)]
        page, size = int((query.get("page") or ["1"])[0]), int((query.get("page_size") or ["10"])[0])
        shown = found[(page - 1) * size:page * size]
        return 200, {"X-Total-Count": str(len(found))}, [self._registry_json(r) for r in shown]

    @staticmethod
    def _url(url):
        url = (url or "").strip().rstrip("/")  # lib.ValidateHTTPURL
        if not url:
            raise Answer(400, "BAD_REQUEST", "empty string")
        return url if "://" in url else "http://" + url

    def create_registry(self, admin, headers, query, body):
        self._admin(admin)
        if self.registry_named(body.get("name")):
            raise Answer(409, "CONFLICT", "registry %s already exists" % body.get("name"))
        rid = self.add_registry(body["name"], body.get("type"), self._url(body.get("url")), body.get("credential"))
        self.registries[rid].update(insecure=bool(body.get("insecure")), description=body.get("description") or "")
        return 201, {"Location": "%s/registries/%d" % (BASE, rid)}, None

    def get_registry(self, admin, headers, query, body, rid):
        self._admin(admin)
        return 200, {}, self._registry_json(self._registry(rid))

    def update_registry(self, admin, headers, query, body, rid):
        self._admin(admin)
        registry = self._registry(rid)
        other = self.registry_named(body.get("name"))
        if other and other is not registry:
            raise Answer(409, "CONFLICT", "registry %s already exists" % body["name"])
        for key in ("name", "description", "insecure"):
            if body.get(key) is not None:
                registry[key] = body[key]
        if body.get("url") is not None:
            registry["url"] = self._url(body["url"])
        for key, field in (("credential_type", "type"), ("access_key", "access_key"), ("access_secret", "access_secret")):
            if body.get(key) is not None:
                registry["credential"][field] = body[key]
        return 200, {}, None

    def delete_registry(self, admin, headers, query, body, rid):
        self._admin(admin)
        registry = self._registry(rid)
        if any(p["registry_id"] == registry["id"] for p in self.projects.values()):
            raise Answer(412, "PRECONDITION", "the registry %d is referenced by proxy cache project, can not be deleted"
                         % registry["id"])
        del self.registries[registry["id"]]
        return 200, {}, None

    ROUTES = [
        ("GET", r"/projects/([^/]+)", get_project),
        ("POST", r"/projects", create_project),
        ("PUT", r"/projects/([^/]+)", update_project),
        ("DELETE", r"/projects/([^/]+)", delete_project),
        ("GET", r"/quotas", list_quotas),
        ("PUT", r"/quotas/(\d+)", update_quota),
        ("GET", r"/registries", list_registries),
        ("POST", r"/registries", create_registry),
        ("GET", r"/registries/(\d+)", get_registry),
        ("PUT", r"/registries/(\d+)", update_registry),
        ("DELETE", r"/registries/(\d+)", delete_registry),
    ]


def _handler(double):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as Prism's client expects

        def _serve(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with double.lock:
                try:
                    status, headers, body = double.handle(self.command, self.path, self.headers, raw)
                except Answer as answer:
                    status, headers, body = answer.status, {}, {"errors": [{"code": answer.code,
                                                                            "message": answer.message}]}
                request_id = self.headers.get("X-Request-Id") or "double-%d" % next(double.request_ids)
            data = json.dumps(body).encode("utf-8") if body is not None else b""
            self.send_response(status)
            self.send_header("X-Request-Id", request_id)
            for name, value in headers.items():
                self.send_header(name, value)
            if data:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, *args):
            pass

    return Handler


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spec_for_prism(target):
    """Harbor's swagger.yaml as JSON at ``target``, with ``basePath`` in front of every path."""
    with open(SWAGGER) as handle:
        spec = yaml.safe_load(handle)
    base = spec.pop("basePath")
    spec["paths"] = dict((base + path, item) for path, item in spec["paths"].items())
    with open(target, "w") as handle:
        json.dump(spec, handle)
    return target


class Prism(object):
    """``prism proxy`` of Harbor's spec in front of ``upstream`` on a free loopback ``port``."""

    def __init__(self, workdir, upstream, port):
        if not os.access(PRISM, os.X_OK):
            raise RuntimeError("%s is missing: run `make prism` (npm ci in lab/prism)" % PRISM)
        spec = spec_for_prism(os.path.join(workdir, "harbor-swagger.json"))
        self.log_path = os.path.join(workdir, "prism.log")
        self.url = "http://127.0.0.1:%d" % port
        self.offset = 0
        self.syncs = 0
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [PRISM, "proxy", spec, upstream, "--errors", "-p", str(port), "-h", "127.0.0.1"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + PRISM_START_TIMEOUT
        while "Prism is listening" not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("Prism did not start:\n%s" % self.log()[-3000:])
            time.sleep(0.2)
        self.mark()

    def log(self):
        with open(self.log_path, errors="replace") as handle:
            return handle.read()

    def sync(self):
        """Until Prism has logged everything about the requests answered so far.

        Prism writes its log asynchronously. A request for a path the spec lacks (answered 404
        and logged as an error, after everything before it) marks the end.
        """
        self.syncs += 1
        marker = "/anchorage-sync-%d" % self.syncs
        try:
            urlopen(self.url + marker, timeout=10)
        except HTTPError:
            pass
        deadline = time.monotonic() + 10
        while not any(marker in line and "terminated with error" in line for line in self.log().splitlines()):
            if time.monotonic() > deadline:
                raise AssertionError("Prism did not log %s within 10 s" % marker)
            time.sleep(0.02)

    def mark(self):
        """Forget what Prism logged so far."""
        self.sync()
        self.offset = len(self.log())

    def violations(self):
        """Prism's log lines since the last mark about a request or response off the spec."""
        self.sync()
        lines = self.log()[self.offset:].splitlines()
        return [line for line in lines if ("Violation" in line or "terminated with error" in line)
                and "/anchorage-sync-" not in line]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
