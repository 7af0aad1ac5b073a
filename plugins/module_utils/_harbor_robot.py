# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Harbor robot accounts (``harbor_robot``): system or project level, permissions, duration, secret.

A no-op costs one request for a system robot (``GET /robots?q=Level=system,name=<name>``) and
two for a project robot (the project by name for its id, then ``q=Level=project,ProjectID=<id>,
name=<project>+<name>``, the name Harbor stores). Harbor gives a robot's secret back only when it
creates the robot and when it refreshes the secret (``PATCH /robots/{id}``), so the secret is
never compared: it is set on create (``secret``, or one Harbor generates, returned once) and
replaced only on request (``rotate_secret``). A robot's level and project are fixed.
"""

from __future__ import annotations

import re

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import (
    MASK,
    ApiObject,
    exact_query,
    owning_project,
)
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_project import _NAME

MAX_NAME = 255
REPLACED = MASK + " (replaced)"
OPTIONAL = ("description", "duration", "disable", "permissions")
# Harbor's rule for a robot secret (src/common/utils: IsValidSec).
_SECRET = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9]).{8,128}$")

ACCESS_SPEC = dict(
    resource=dict(type="str", required=True),
    action=dict(type="str", required=True),
)

PERMISSION_SPEC = dict(
    kind=dict(type="str", choices=["project", "system"], default="project"),
    namespace=dict(type="str"),
    access=dict(type="list", elements="dict", options=ACCESS_SPEC, required=True),
)

ROBOT_SPEC = dict(
    name=dict(type="str", required=True),
    project=dict(type="str"),
    description=dict(type="str"),
    duration=dict(type="int"),
    disable=dict(type="bool"),
    permissions=dict(type="list", elements="dict", options=PERMISSION_SPEC),
    secret=dict(type="str", no_log=True),
    rotate_secret=dict(type="bool", default=False),
)


def stored_name(params):
    """The name Harbor stores (and filters on): ``<project>+<name>`` for a project robot."""
    return "%s+%s" % (params["project"], params["name"]) if params.get("project") else params["name"]


def _namespace(permission, project):
    if permission.get("namespace"):
        return permission["namespace"]
    if permission.get("kind") == "system":
        return "/"
    return project


def permission_errors(permissions, project):
    errors = []
    for index, permission in enumerate(permissions):
        where = "permissions[%d]" % index
        if project is not None and (permission.get("kind") != "project" or _namespace(permission, project) != project):
            errors.append("%s: a robot of project %r has the permissions of that project only (kind project, "
                          "namespace %s)" % (where, project, project))
        if project is None and permission.get("kind") == "project" and not permission.get("namespace"):
            errors.append("%s.namespace: give the project's name, or * for every project" % where)
        if not permission.get("access"):
            errors.append("%s.access: give at least one resource and action" % where)
    return errors


def robot_errors(params):
    errors = []
    name = params.get("name")
    if isinstance(name, str) and "$" in name:
        errors.append("name: %r: give the name without Harbor's prefix (robot$) or project (project+)" % name)
    elif not isinstance(name, str) or not _NAME.match(name) or len(name) > MAX_NAME:
        errors.append("name: %r is not a Harbor robot name (lower-case letters and digits, with single '.', '_' or "
                      "'-' between them)" % (name,))
    project = params.get("project")
    if project is not None and not _NAME.match(project):
        errors.append("project: %r is not a Harbor project name" % (project,))
    duration = params.get("duration")
    if duration is not None and duration != -1 and duration < 1:
        errors.append("duration: %r must be -1 (never expires) or a number of days above 0" % (duration,))
    secret = params.get("secret")
    if secret is not None and not _SECRET.match(secret):
        errors.append("secret: Harbor wants 8-128 characters with at least one upper-case letter, one lower-case "
                      "letter and one digit")
    if params.get("state") != "absent":
        if params.get("permissions") is None:
            errors.append("permissions: needed with state=present (what the robot may do)")
        else:
            errors.extend(permission_errors(params["permissions"], project))
    return errors


def normal_permissions(permissions, project=None):
    """Permissions in one order, namespaces filled in, ``effect`` left out (Harbor's default: allow)."""
    normal = []
    for permission in permissions or []:
        access = sorted(set((item.get("resource"), item.get("action")) for item in permission.get("access") or []))
        normal.append({"kind": permission.get("kind") or "project", "namespace": _namespace(permission, project),
                       "access": [{"resource": resource, "action": action} for resource, action in access]})
    return sorted(normal, key=lambda item: (item["kind"], item["namespace"]))


def robot_view(robot, names):
    """The managed fields of a live robot; ``names``: the ``name`` and ``project`` it was found by."""
    return {"name": names["name"], "project": names.get("project"), "description": robot.get("description") or "",
            "duration": robot.get("duration"), "disable": bool(robot.get("disable")),
            "permissions": normal_permissions(robot.get("permissions")), "secret": MASK}


def wanted_view(params, before):
    view = dict(before) if before else {"name": params["name"], "project": params.get("project")}
    for key in OPTIONAL:
        if params.get(key) is not None:
            view[key] = params[key]
    if params.get("permissions") is not None:
        view["permissions"] = normal_permissions(params["permissions"], params.get("project"))
    view["secret"] = REPLACED if before else MASK
    return view


def create_body(params):
    """The ``RobotCreate`` of ``POST /robots``."""
    body = {"name": params["name"], "level": "project" if params.get("project") else "system",
            "permissions": normal_permissions(params["permissions"], params.get("project"))}
    for key in ("description", "duration", "disable", "secret"):
        if params.get(key) is not None:
            body[key] = params[key]
    return body


def update_body(live, after):
    """The ``Robot`` of ``PUT /robots/{id}``: Harbor wants its name and level unchanged, and the rest whole."""
    return {"id": live["id"], "name": live["name"], "level": live["level"], "description": after["description"],
            "duration": after["duration"], "disable": after["disable"], "permissions": after["permissions"]}


class Robot(ApiObject):
    kind = "robot"

    def __init__(self):
        self.secret = None
        self.full_name = None

    def fields(self, params):
        keys = ["name", "project"] + [key for key in OPTIONAL if params.get(key) is not None]
        return keys + (["secret"] if params.get("rotate_secret") else [])

    def errors(self, params):
        return robot_errors(params)

    def read(self, client, params):
        terms = ["Level=system"]
        if params.get("project"):
            project = owning_project(client, params)
            if project is None:
                return None, None
            terms = ["Level=project", "ProjectID=%d" % project["project_id"]]
        name = stored_name(params)
        _s, _h, data = client.request("GET", "/robots", query={"q": ",".join(terms + [exact_query("name", name)])})
        # Harbor answers the name with its prefix (robot_name_prefix, robot$ by default) in front.
        found = [item for item in data or [] if isinstance(item, dict) and (item.get("name") or "").endswith(name)]
        if found:
            self.full_name = found[0]["name"]
        return (found[0] if found else None), {"name": params["name"], "project": params.get("project")}

    def view(self, live, context):
        return robot_view(live, context)

    def wanted(self, params, context, before):
        return wanted_view(params, before)

    def identity(self, live):
        return live["id"]

    def create(self, client, params, context):
        _status, headers, data = client.request("POST", "/robots", body=create_body(params), ok=(201,))
        self.full_name = data.get("name")
        if params.get("secret") is None:
            self.secret = data.get("secret")  # generated by Harbor, given back this once
        return data.get("id")

    def update(self, client, params, live, context, changes):
        if [key for key in changes if key != "secret"]:
            after = wanted_view(params, robot_view(live, params))
            client.request("PUT", "/robots/%d" % live["id"], body=update_body(live, after))
        if "secret" in changes:
            given = params.get("secret")
            _s, _h, data = client.request("PATCH", "/robots/%d" % live["id"], body={"secret": given} if given else {})
            if given is None:
                self.secret = (data or {}).get("secret")

    def delete(self, client, live):
        client.request("DELETE", "/robots/%d" % live["id"])
        self.full_name = None

    def report(self):
        return {"robot_name": self.full_name, "secret": self.secret}
