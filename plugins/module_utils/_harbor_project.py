# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Harbor projects (``harbor_project``): public or private, storage quota, auto-scan, proxy cache.

A no-op costs at most three requests, whatever Harbor holds: the registry endpoint by name
(only with ``registry_name``), the project by name, its quota (only with ``storage_limit``).
Harbor's update of a project (``PUT /projects/{id}``) changes its metadata only; the storage
limit is the project's quota (``PUT /quotas/{id}``), and the proxy-cache endpoint is fixed when
the project is created.
"""

from __future__ import annotations

import re

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import (
    ApiObject,
    HarborError,
    registry_name_errors,
)

# Harbor's rule for project names: lower case letters and digits, single . _ - between them.
_NAME = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
MAX_NAME = 255
FLAGS = ("public", "auto_scan")  # the managed metadata, "true"/"false" strings in Harbor
OPTIONAL = FLAGS + ("storage_limit", "registry_name")

PROJECT_SPEC = dict(
    name=dict(type="str", required=True),
    public=dict(type="bool"),
    auto_scan=dict(type="bool"),
    storage_limit=dict(type="int"),
    registry_name=dict(type="str"),
)


def project_errors(params):
    errors = []
    name = params.get("name")
    if not isinstance(name, str) or not _NAME.match(name) or len(name) > MAX_NAME:
        errors.append("name: %r is not a Harbor project name (1-%d lower-case letters and digits, with single "
                      "'.', '_' or '-' between them)" % (name, MAX_NAME))
    limit = params.get("storage_limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or (limit < 1 and limit != -1)):
        errors.append("storage_limit: %r must be -1 (no limit) or a number of bytes above 0" % (limit,))
    if params.get("registry_name") is not None:
        errors.extend(registry_name_errors(params["registry_name"], "registry_name"))
    return errors


def _flag(value):
    return "true" if value else "false"


def project_view(project, quota, registry):
    """The managed fields of a live project; ``registry``: the endpoint looked up by name, or None.

    ``storage_limit`` is left out when Harbor keeps no quota for the project.
    """
    metadata = project.get("metadata") or {}
    view = dict((flag, metadata.get(flag) == "true") for flag in FLAGS)
    view["name"] = project.get("name")
    registry_id = project.get("registry_id") or None
    if registry_id is None:
        view["registry_name"] = None
    elif registry is not None and registry.get("id") == registry_id:
        view["registry_name"] = registry.get("name")
    else:
        view["registry_name"] = "(registry id %d)" % registry_id
    hard = (quota or {}).get("hard") or {}
    if "storage" in hard:
        view["storage_limit"] = hard["storage"]
    return view


def wanted_view(params, before):
    """``before`` (or a new project's defaults) with the options given."""
    view = dict(before) if before else {"name": params["name"], "public": False, "auto_scan": False,
                                        "registry_name": None}
    for key in OPTIONAL:
        if params.get(key) is not None:
            view[key] = params[key]
    return view


def create_body(params, registry):
    """The ``ProjectReq`` of ``POST /projects``."""
    body = {"project_name": params["name"]}
    metadata = dict((flag, _flag(params[flag])) for flag in FLAGS if params.get(flag) is not None)
    if metadata:
        body["metadata"] = metadata
    if params.get("storage_limit") is not None:
        body["storage_limit"] = params["storage_limit"]
    if registry is not None:
        body["registry_id"] = registry["id"]
    return body


def metadata_body(params, changes):
    """The ``ProjectReq`` of ``PUT /projects/{id}`` for the metadata that changes, or None."""
    metadata = dict((flag, _flag(params[flag])) for flag in FLAGS if flag in changes)
    return {"metadata": metadata} if metadata else None


def project_refusals(before, after):
    """What Harbor cannot change in an existing project, by option."""
    errors = []
    if "storage_limit" in after and "storage_limit" not in before:
        errors.append("storage_limit: Harbor keeps no quota for project %r (per-project quotas are off in its "
                      "configuration)" % after["name"])
    if "registry_name" in after and after["registry_name"] != before.get("registry_name"):
        now = before.get("registry_name")
        errors.append("registry_name: project %r is %s; Harbor binds a proxy-cache project to its endpoint only when "
                      "it creates the project: delete it (state: absent) and create it again"
                      % (after["name"], "a proxy cache of %s" % now if now else "not a proxy cache"))
    return errors


class Project(ApiObject):
    kind = "project"

    def fields(self, params):
        return ["name"] + [key for key in OPTIONAL if params.get(key) is not None]

    def errors(self, params):
        return project_errors(params)

    def read(self, client, params):
        registry = None
        present = params.get("state") != "absent"
        if present and params.get("registry_name") is not None:
            registry = client.registry(params["registry_name"])
            if registry is None:
                raise HarborError("registry_name: Harbor has no registry endpoint named %r (create it first, with "
                                  "anchorage.registry.harbor_registry)" % params["registry_name"])
        project = client.project(params["name"])
        quota = None
        if project is not None and present and params.get("storage_limit") is not None:
            quota = client.project_quota(project["project_id"])
        return project, {"registry": registry, "quota": quota}

    def view(self, live, context):
        return project_view(live, context["quota"], context["registry"])

    def wanted(self, params, context, before):
        return wanted_view(params, before)

    def refusals(self, before, after):
        return project_refusals(before, after)

    def identity(self, live):
        return live["project_id"]

    def create(self, client, params, context):
        return client.create("/projects", create_body(params, context["registry"]))

    def update(self, client, params, live, context, changes):
        body = metadata_body(params, changes)
        if body:
            client.request("PUT", "/projects/%d" % live["project_id"], body=body)
        if "storage_limit" in changes:
            client.request("PUT", "/quotas/%d" % context["quota"]["id"],
                           body={"hard": {"storage": params["storage_limit"]}})

    def delete(self, client, live):
        client.request("DELETE", "/projects/%d" % live["project_id"])
