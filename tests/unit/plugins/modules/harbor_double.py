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
masked as ``*****``; robot accounts (a secret given back only on create and refresh), the GC
schedule and the system configuration (secrets never given back, settings fixed by the
environment not editable). What it does not do: everything else (501, which Prism answers
with a mock of its own, so ``violations()`` counts it), projects' members, repositories,
robot permissions beyond admin or not.

``Prism`` runs ``prism proxy`` (lab/prism, pinned) with Harbor's own swagger.yaml, ``--errors``:
a request or a response that does not match the spec is answered 422 or 500 instead of being
passed on, and every mismatch (warnings too, such as an undeclared status) is logged;
``violations()`` reads them. Prism matches paths without the spec's ``basePath``, so it is given
the same spec with ``basePath`` (/api/v2.0) written in front of every path, and with the maps
that Harbor's go-swagger server reads as ``map[string]interface{}`` (``additionalProperties:
{type: object}``: GC parameters, retention rules' params) open to any value, as Harbor's own UI sends booleans and
numbers there.
"""

from __future__ import annotations

import base64
import calendar
import copy
import itertools
import json
import os
import re
import socket
import subprocess
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError
from urllib.parse import parse_qs, unquote, unquote_plus, urlsplit
from urllib.request import urlopen

import yaml

from processes import stop_process

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
ROBOT_PREFIX = "robot$"  # Harbor's robot_name_prefix default
ROBOT_DEFAULT_DAYS = 30  # Harbor's robot_token_duration default
# The system configuration a fresh Harbor answers (src/lib/config/metadata), and its secrets,
# which Harbor takes but never gives back.
CONFIGURATION = {
    "auth_mode": "db_auth", "primary_auth_mode": False, "project_creation_restriction": "everyone",
    "read_only": False, "self_registration": False, "token_expiration": 30, "robot_token_duration": 30,
    "robot_name_prefix": ROBOT_PREFIX, "notification_enable": True, "quota_per_project_enable": True,
    "storage_per_project": -1, "session_timeout": 60, "banner_message": "",
    "ldap_url": "", "ldap_base_dn": "", "ldap_search_dn": "", "ldap_filter": "", "ldap_uid": "cn", "ldap_scope": 2,
    "ldap_timeout": 5, "ldap_verify_cert": True, "ldap_group_base_dn": "", "ldap_group_search_filter": "",
    "ldap_group_attribute_name": "", "ldap_group_search_scope": 2, "ldap_group_admin_dn": "",
    "ldap_group_membership_attribute": "memberof",
    "oidc_name": "", "oidc_endpoint": "", "oidc_client_id": "", "oidc_groups_claim": "", "oidc_admin_group": "",
    "oidc_scope": "", "oidc_user_claim": "", "oidc_verify_cert": True, "oidc_auto_onboard": False,
    "oidc_group_filter": "", "oidc_extra_redirect_parms": "", "oidc_logout": False, "ldap_group_attach_parallel": False,
    "uaa_client_id": "", "uaa_endpoint": "", "uaa_verify_cert": True, "http_authproxy_endpoint": "",
    "http_authproxy_tokenreview_endpoint": "", "http_authproxy_admin_groups": "", "http_authproxy_admin_usernames": "",
    "http_authproxy_verify_cert": True, "http_authproxy_skip_search": False, "http_authproxy_server_certificate": "",
    "audit_log_forward_endpoint": "", "skip_audit_log_database": False, "scanner_skip_update_pulltime": False,
    "disabled_audit_log_event_types": "",
}
CONFIGURATION_SECRETS = ("ldap_search_password", "oidc_client_secret", "uaa_client_secret")
ROBOT_SECRET = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9]).{8,128}$")  # Harbor's IsValidSec


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
        self.errors = []  # tracebacks of requests the double failed on, kept across reset()
        self.reset()
        self.server = _Server(("127.0.0.1", 0), _handler(self))
        self.server.errors = self.errors
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self):
        self.projects = {}
        self.quotas = {}
        self.registries = {}
        self.robots = {}
        self.policies = {}  # replication rules
        self.retentions = {}
        self.gc_schedule = None  # {"type", "cron", "parameters"} once set
        self.configuration = dict(CONFIGURATION)
        self.configuration_secrets = {}
        self.fixed_settings = set()  # set by Harbor's environment (CONFIG_OVERWRITE_JSON): not editable
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

    def add_robot(self, name, project=None, permissions=None, duration=ROBOT_DEFAULT_DAYS, description="",
                  disable=False, secret="Robot-secret-1"):
        """A robot account; ``name`` without prefix, ``project`` its project's name for a project robot."""
        rid = next(self.ids)
        pid = self.project_named(project)["project_id"] if project else 0
        self.robots[rid] = {"id": rid, "name": "%s+%s" % (project, name) if project else name, "project_id": pid,
                            "level": "project" if project else "system", "description": description,
                            "duration": duration, "disable": disable, "secret": secret,
                            "permissions": copy.deepcopy(permissions or [])}
        return rid

    def add_policy(self, name, registry_id, direction="push", **fields):
        """A replication rule of the endpoint ``registry_id``; ``fields``: the rest of a ReplicationPolicy."""
        pid = next(self.ids)
        self.policies[pid] = dict({"id": pid, "name": name, "description": "", "dest_namespace": "", "filters": [],
                                   "trigger": {"type": "manual"}, "override": True, "enabled": True,
                                   "replicate_deletion": False, "src_registry_id": 0, "dest_registry_id": 0},
                                  **fields)
        self.policies[pid]["%s_registry_id" % ("src" if direction == "pull" else "dest")] = registry_id
        return pid

    def add_retention(self, project, rules, cron=""):
        """A retention policy bound to ``project``; ``rules``: templates and params, selecting everything."""
        everything = {"tag_selectors": [{"kind": "doublestar", "decoration": "matches", "pattern": "**",
                                         "extras": '{"untagged":true}'}],
                      "scope_selectors": {"repository": [{"kind": "doublestar", "decoration": "repoMatches",
                                                          "pattern": "**"}]}}
        rid = next(self.ids)
        pid = self.project_named(project)["project_id"]
        self.retentions[rid] = {"id": rid, "algorithm": "or", "scope": {"level": "project", "ref": pid},
                                "trigger": {"kind": "Schedule", "settings": {"cron": cron}, "references": {}},
                                "rules": [dict(everything, id=index + 1, priority=0, disabled=False, action="retain",
                                               **rule) for index, rule in enumerate(rules)]}
        self.projects[pid]["metadata"]["retention_id"] = str(rid)
        return rid

    def policy_named(self, name):
        return next((p for p in self.policies.values() if p["name"] == name), None)

    def robot_named(self, name, project=None):
        full = "%s+%s" % (project, name) if project else name
        return next((r for r in self.robots.values() if r["name"] == full), None)

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

    @staticmethod
    def _expires_at(robot):
        if robot["duration"] == -1:
            return -1
        return calendar.timegm(time.strptime(TIME, "%Y-%m-%dT%H:%M:%S.000Z")) + robot["duration"] * 86400

    def _robot_json(self, robot):
        # Harbor leaves the secret out of every answer but create's and refresh's.
        return {"id": robot["id"], "name": ROBOT_PREFIX + robot["name"], "description": robot["description"],
                "level": robot["level"], "duration": robot["duration"], "editable": True, "disable": robot["disable"],
                "expires_at": self._expires_at(robot), "permissions": copy.deepcopy(robot["permissions"]),
                "creator_type": "local", "creator_ref": 1, "creation_time": TIME, "update_time": TIME}

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
        if registry_id is not None:  # Harbor gives a proxy cache a policy: what was not pulled for 7 days goes
            self.add_retention(name, [{"template": "nDaysSinceLastPull", "params": {"nDaysSinceLastPull": 7}}],
                               cron="0 0 0 * * *")
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

    # robot accounts

    @staticmethod
    def _keywords(q):
        """Harbor's q as exact ``{key: value}`` (the robot list reads no patterns here)."""
        found = {}
        for param in unquote_plus(q).split(","):
            key, sep, value = param.partition("=")
            if not sep or not key or not value:
                raise Answer(400, "BAD_REQUEST", 'the query string must contain "=" and the key/value cannot be empty')
            found[key] = value[1:] if value.startswith("\\") else value
        return found

    def list_robots(self, admin, headers, query, body):
        # No admin check: project members list their project's robots, and the spec has no 403 here.
        keywords = self._keywords((query.get("q") or [""])[0]) if query.get("q") else {}
        project_id = None
        level = keywords.pop("Level", None)
        if level == "system":
            project_id = 0
        elif level == "project":
            if "ProjectID" not in keywords:
                raise Answer(400, "BAD_REQUEST", "must with project ID when to query project robots")
            project_id = int(keywords.pop("ProjectID"))
        elif level is not None:
            raise Answer(400, "BAD_REQUEST", "bad request error level input: %s" % level)
        found = [r for r in sorted(self.robots.values(), key=lambda r: r["id"])
                 if (project_id is None or r["project_id"] == project_id)
                 and all(str(r.get(key)) == value for key, value in keywords.items())]
        return 200, {"X-Total-Count": str(len(found))}, [self._robot_json(r) for r in found]

    def _robot_fields(self, body, robot):
        """Check and apply what a create or an update may set (Harbor's robot handler's checks)."""
        duration = body.get("duration")
        if duration is None or duration == 0:
            duration = ROBOT_DEFAULT_DAYS
        if duration < -1:
            raise Answer(400, "BAD_REQUEST", "bad request error duration input: %d, duration must be -1 or a positive "
                         "integer" % duration)
        level = robot["level"]
        permissions = body.get("permissions") or []
        if level == "project":
            project = robot["name"].split("+", 1)[0]
            if len(permissions) != 1 or permissions[0].get("kind") != "project" \
                    or permissions[0].get("namespace") != project:
                raise Answer(400, "BAD_REQUEST", "bad request permission")
        for permission in permissions:
            if permission.get("kind") == "project" and permission.get("namespace") != "*" \
                    and not self.project_named(permission.get("namespace")):
                raise Answer(404, "NOT_FOUND", "project %s not found" % permission.get("namespace"))
        robot.update(duration=duration, description=body.get("description") or "", disable=bool(body.get("disable")),
                     permissions=copy.deepcopy(permissions))

    @staticmethod
    def _robot_secret(body):
        secret = (body or {}).get("secret")
        if not secret:
            return "Gen-%s" % base64.b32encode(os.urandom(10)).decode("ascii").lower()[:16] + "A1"
        if not ROBOT_SECRET.match(secret):
            raise Answer(400, "BAD_REQUEST", "the secret must be longer than 8 chars with at least 1 uppercase letter, "
                         "1 lowercase letter and 1 number")
        return secret

    def create_robot(self, admin, headers, query, body):
        self._admin(admin)
        name, level = body.get("name") or "", body.get("level")
        if not PROJECT_NAME.match(name):
            raise Answer(400, "BAD_REQUEST", "robot name is not in lower case or contains illegal characters")
        if level not in ("system", "project"):
            raise Answer(400, "BAD_REQUEST", "bad request error level input: %s" % level)
        robot = {"level": level, "name": name, "project_id": 0}
        if level == "project":
            namespace = ((body.get("permissions") or [{}])[0]).get("namespace") or ""
            project = self.project_named(namespace)
            if project is None:
                raise Answer(400, "BAD_REQUEST", "bad request permission")
            robot.update(name="%s+%s" % (namespace, name), project_id=project["project_id"])
        if any(r["name"] == robot["name"] for r in self.robots.values()):
            raise Answer(409, "CONFLICT", "robot account %s already exists" % robot["name"])
        self._robot_fields(body, robot)
        robot["secret"] = self._robot_secret(body)
        robot["id"] = next(self.ids)
        self.robots[robot["id"]] = robot
        return 201, {"Location": "%s/robots/%d" % (BASE, robot["id"])}, {
            "id": robot["id"], "name": ROBOT_PREFIX + robot["name"], "secret": robot["secret"],
            "creation_time": TIME, "expires_at": self._expires_at(robot)}

    def _robot(self, rid):
        if int(rid) not in self.robots:
            raise Answer(404, "NOT_FOUND", "robot %s not found" % rid)
        return self.robots[int(rid)]

    def update_robot(self, admin, headers, query, body, rid):
        self._admin(admin)
        robot = self._robot(rid)
        if body.get("level") != robot["level"] or body.get("name") != ROBOT_PREFIX + robot["name"]:
            raise Answer(400, "BAD_REQUEST", "cannot update the level or name of robot")
        self._robot_fields(body, robot)
        return 200, {}, None

    def refresh_robot_secret(self, admin, headers, query, body, rid):
        self._admin(admin)
        robot = self._robot(rid)
        robot["secret"] = self._robot_secret(body)
        return 200, {}, {"secret": robot["secret"]}

    def delete_robot(self, admin, headers, query, body, rid):
        self._admin(admin)
        del self.robots[self._robot(rid)["id"]]
        return 200, {}, None

    # replication rules

    LOCAL = {"id": 0, "name": "Local", "type": "harbor", "url": "http://core:8080", "insecure": True,
             "status": "healthy", "creation_time": TIME, "update_time": TIME}

    def _policy_json(self, policy):
        body = dict((key, copy.deepcopy(value)) for key, value in policy.items()
                    if key != "running" and not key.endswith("_registry_id"))
        for side in ("src", "dest"):
            rid = policy["%s_registry_id" % side]
            body["%s_registry" % side] = self._registry_json(self.registries[rid]) if rid else dict(self.LOCAL)
        body.update(creation_time=TIME, update_time=TIME)
        return body

    def list_policies(self, admin, headers, query, body):
        self._admin(admin)
        q = (query.get("q") or [""])[0]
        found = [p for p in sorted(self.policies.values(), key=lambda p: p["id"]) if not q or self._matches(p, q)]
        return 200, {"X-Total-Count": str(len(found))}, [self._policy_json(p) for p in found]

    def _policy_fields(self, body, policy):
        """Harbor's checks of a rule (src/controller/replication/model: Validate), then its fields."""
        sides = dict((side, ((body.get("%s_registry" % side) or {}).get("id") or 0)) for side in ("src", "dest"))
        if bool(sides["src"]) == bool(sides["dest"]):
            raise Answer(400, "BAD_REQUEST", "either src registry or dest registry should be empty")
        for rid in sides.values():
            if rid:
                self._registry(rid)
        trigger = body.get("trigger") or {"type": "manual"}
        if trigger.get("type") not in ("manual", "scheduled", "event_based"):
            raise Answer(400, "BAD_REQUEST", "invalid trigger type")
        if trigger["type"] == "scheduled" and len(((trigger.get("trigger_settings") or {}).get("cron") or "").split()) != 6:
            raise Answer(400, "BAD_REQUEST", "invalid cron string for scheduled trigger")
        if trigger["type"] == "event_based" and sides["src"]:
            raise Answer(400, "BAD_REQUEST", "the event based trigger is not supported for pull based replication")
        for item in body.get("filters") or []:
            if item.get("type") not in ("name", "tag", "label", "resource"):
                raise Answer(400, "BAD_REQUEST", "invalid filter type %s" % item.get("type"))
        policy.update(name=body["name"], description=body.get("description") or "",
                      dest_namespace=body.get("dest_namespace") or "", filters=copy.deepcopy(body.get("filters") or []),
                      trigger=copy.deepcopy(trigger), override=bool(body.get("override")),
                      enabled=bool(body.get("enabled")), replicate_deletion=bool(body.get("replicate_deletion")),
                      src_registry_id=sides["src"], dest_registry_id=sides["dest"])

    def create_policy(self, admin, headers, query, body):
        self._admin(admin)
        if not body.get("name"):
            raise Answer(400, "BAD_REQUEST", "name is required")
        if self.policy_named(body["name"]):
            raise Answer(409, "CONFLICT", "policy %s already exists" % body["name"])
        policy = {"id": next(self.ids)}
        self._policy_fields(body, policy)
        self.policies[policy["id"]] = policy
        return 201, {"Location": "%s/replication/policies/%d" % (BASE, policy["id"])}, None

    def _policy(self, pid):
        if int(pid) not in self.policies:
            raise Answer(404, "NOT_FOUND", "policy %s not found" % pid)
        return self.policies[int(pid)]

    def update_policy(self, admin, headers, query, body, pid):
        self._admin(admin)
        policy = self._policy(pid)
        other = self.policy_named(body.get("name"))
        if other and other is not policy:
            raise Answer(409, "CONFLICT", "policy %s already exists" % body["name"])
        self._policy_fields(body, policy)
        return 200, {}, None

    def delete_policy(self, admin, headers, query, body, pid):
        self._admin(admin)
        policy = self._policy(pid)
        if policy.get("running"):
            raise Answer(412, "PRECONDITION", "the policy %d has running executions, can not be deleted" % policy["id"])
        del self.policies[policy["id"]]
        return 200, {}, None

    # tag retention

    TEMPLATES = ("always", "latestPushedK", "latestPulledN", "nDaysSinceLastPush", "nDaysSinceLastPull")

    def _retention_fields(self, body, policy):
        """Harbor's checks of a policy (src/pkg/retention/policy: Valid), then its rules, trigger and scope."""
        scope = body.get("scope") or {}
        if scope.get("level") != "project" or scope.get("ref") not in self.projects:
            raise Answer(400, "BAD_REQUEST", "invalid scope")
        rules = copy.deepcopy(body.get("rules") or [])
        for index, rule in enumerate(rules):
            if rule.get("template") not in self.TEMPLATES or rule.get("action") != "retain":
                raise Answer(400, "BAD_REQUEST", "invalid rule template or action")
            if len(rule.get("scope_selectors", {}).get("repository") or []) != 1 or len(rule.get("tag_selectors") or []) < 1:
                raise Answer(400, "BAD_REQUEST", "invalid rule: one repository selector and tag selectors needed")
            rule["id"] = index + 1
        if len(rules) > 15:
            raise Answer(400, "BAD_REQUEST", "the number of rules must be less than 15")
        trigger = body.get("trigger") or {}
        cron = (trigger.get("settings") or {}).get("cron") or ""
        if trigger.get("kind") != "Schedule" or (cron and len(cron.split()) != 6):
            raise Answer(400, "BAD_REQUEST", "invalid cron string %s" % cron)
        policy.update(algorithm=body.get("algorithm") or "or", rules=rules, scope=dict(scope),
                      trigger={"kind": "Schedule", "settings": {"cron": cron}, "references": {}})

    def create_retention(self, admin, headers, query, body):
        self._admin(admin)
        project = self.projects.get((body.get("scope") or {}).get("ref"))
        if project is not None and project["metadata"].get("retention_id"):
            raise Answer(400, "BAD_REQUEST", "project %s already has a retention policy" % project["name"])
        policy = {"id": next(self.ids)}
        self._retention_fields(body, policy)
        self.retentions[policy["id"]] = policy
        project["metadata"]["retention_id"] = str(policy["id"])
        return 201, {"Location": "%s/retentions/%d" % (BASE, policy["id"])}, None

    def _retention(self, rid):
        if int(rid) not in self.retentions:
            # Harbor would answer 404, which the spec does not declare here; 500 is declared.
            raise Answer(500, "UNKNOWN", "retention policy %s not found" % rid)
        return self.retentions[int(rid)]

    def get_retention(self, admin, headers, query, body, rid):
        self._admin(admin)
        return 200, {}, copy.deepcopy(self._retention(rid))

    def update_retention(self, admin, headers, query, body, rid):
        self._admin(admin)
        policy = self._retention(rid)
        if (body.get("scope") or {}).get("ref") != policy["scope"]["ref"]:
            raise Answer(400, "BAD_REQUEST", "the scope of a retention policy cannot change")
        self._retention_fields(body, policy)
        return 200, {}, None

    def delete_retention(self, admin, headers, query, body, rid):
        self._admin(admin)
        policy = self._retention(rid)
        del self.retentions[policy["id"]]
        self.projects[policy["scope"]["ref"]]["metadata"].pop("retention_id", None)
        return 200, {}, None

    # the GC schedule

    def get_gc_schedule(self, admin, headers, query, body):
        self._admin(admin)
        if self.gc_schedule is None:
            # Harbor 2.x answered an empty GCHistory; newer ones answer no body, which Prism takes
            # for a response off the spec (it declares a GCHistory). The module reads both as none.
            return 200, {}, {}
        # Harbor adds its own parameters to the job's (the Redis URL with its password among them).
        parameters = dict(self.gc_schedule["parameters"], redis_url_reg="redis://:redis-pw@redis:6379/1",
                          time_window=2)
        return 200, {}, {"id": 1, "job_name": "GARBAGE_COLLECTION", "job_kind": "SCHEDULE",
                         "job_parameters": json.dumps(parameters), "job_status": "", "deleted": False,
                         "schedule": {"type": self.gc_schedule["type"], "cron": self.gc_schedule["cron"],
                                      "next_scheduled_time": TIME},
                         "creation_time": TIME, "update_time": TIME}

    def update_gc_schedule(self, admin, headers, query, body):
        self._admin(admin)
        schedule = body.get("schedule") or {}
        parameters = dict(body.get("parameters") or {})
        kind, cron = schedule.get("type"), schedule.get("cron") or ""
        if kind == "None":
            self.gc_schedule = None
            return 200, {}, None
        if kind not in ("Hourly", "Daily", "Weekly", "Custom"):
            raise Answer(400, "BAD_REQUEST", "invalid schedule type: %s" % kind)
        if len(cron.split()) != 6:
            raise Answer(400, "BAD_REQUEST", "invalid cron string for scheduled gc: %s, error: expected exactly 6 "
                         "fields" % cron)
        workers = parameters.get("workers")
        if workers is not None and (not isinstance(workers, int) or not 0 < workers <= 5):
            raise Answer(400, "BAD_REQUEST", "Error: Invalid number of workers:%s. Workers must be greater than 0 and "
                         "less than or equal to 5." % workers)
        self.gc_schedule = {"type": kind, "cron": cron, "parameters": parameters}
        return 200, {}, None

    # the system configuration

    def get_configurations(self, admin, headers, query, body):
        self._admin(admin)
        return 200, {}, dict((key, {"value": value, "editable": key not in self.fixed_settings})
                             for key, value in self.configuration.items())

    def update_configurations(self, admin, headers, query, body):
        self._admin(admin)
        for key, value in body.items():
            if key in CONFIGURATION_SECRETS:
                continue
            if key not in self.configuration:
                raise Answer(400, "BAD_REQUEST", "invalid config, cannot set config item %s" % key)
            if key in self.fixed_settings:
                raise Answer(403, "FORBIDDEN", "the configuration item %s is not editable" % key)
            if type(value) is not type(self.configuration[key]):
                raise Answer(400, "BAD_REQUEST", "invalid value of %s: %r" % (key, value))
        if body.get("auth_mode") not in (None, "db_auth", "ldap_auth", "uaa_auth", "http_auth", "oidc_auth"):
            raise Answer(400, "BAD_REQUEST", "invalid auth_mode %s" % body["auth_mode"])
        for key, value in body.items():
            (self.configuration_secrets if key in CONFIGURATION_SECRETS else self.configuration)[key] = value
        return 200, {}, None

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
        if any(registry["id"] in (p["src_registry_id"], p["dest_registry_id"]) for p in self.policies.values()):
            raise Answer(412, "PRECONDITION", "the registry %d is referenced by replication policies, can not be "
                         "deleted" % registry["id"])
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
        ("GET", r"/replication/policies", list_policies),
        ("POST", r"/replication/policies", create_policy),
        ("PUT", r"/replication/policies/(\d+)", update_policy),
        ("DELETE", r"/replication/policies/(\d+)", delete_policy),
        ("POST", r"/retentions", create_retention),
        ("GET", r"/retentions/(\d+)", get_retention),
        ("PUT", r"/retentions/(\d+)", update_retention),
        ("DELETE", r"/retentions/(\d+)", delete_retention),
        ("GET", r"/robots", list_robots),
        ("POST", r"/robots", create_robot),
        ("PUT", r"/robots/(\d+)", update_robot),
        ("PATCH", r"/robots/(\d+)", refresh_robot_secret),
        ("DELETE", r"/robots/(\d+)", delete_robot),
        ("GET", r"/system/gc/schedule", get_gc_schedule),
        ("PUT", r"/system/gc/schedule", update_gc_schedule),
        ("GET", r"/configurations", get_configurations),
        ("PUT", r"/configurations", update_configurations),
    ]


class _Server(ThreadingHTTPServer):
    """Keeps the traceback of a request the double failed on: its client only sees the socket close."""

    errors = None

    def handle_error(self, request, client_address):
        self.errors.append(traceback.format_exc())


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
            if self.close_connection:
                # As Go's server does: without it Prism's keep-alive agent pools the socket the
                # double closes, and its next request on it fails ("socket hang up").
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

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
    spec["definitions"]["Schedule"]["properties"]["parameters"]["additionalProperties"] = {}
    spec["definitions"]["RetentionRule"]["properties"]["params"]["additionalProperties"] = {}
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
        # An upstream 501 (not in the double) is answered with Prism's own mock: a violation too.
        return [line for line in lines if ("Violation" in line or "terminated with error" in line
                                           or "has returned 501" in line) and "/anchorage-sync-" not in line]

    def stop(self):
        stop_process(self.process)
