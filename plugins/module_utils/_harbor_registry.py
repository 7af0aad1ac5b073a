# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Harbor registry endpoints (``harbor_registry``): the upstreams of replication and proxy caches.

A no-op costs one request: ``GET /registries?q=name=<name>``. Harbor never gives a stored
secret back (it answers ``*****``), so a secret is compared only as set or not set, and sent
again on every run with ``credential.update_secret: always``. An endpoint's type is fixed
when Harbor creates it.
"""

from __future__ import annotations

from ansible_collections.anchorage.registry.plugins.module_utils._checks import url_errors
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import (
    MASK,
    ApiObject,
    registry_name_errors,
)

# Harbor's adapters (src/pkg/reg/model: RegistryType*); the Harbor a playbook talks to may have fewer.
TYPES = ["harbor", "docker-hub", "docker-registry", "huawei-SWR", "google-gcr", "aws-ecr", "azure-acr", "ali-acr",
         "jfrog-artifactory", "quay", "gitlab", "dtr", "tencent-tcr", "github-ghcr", "volcengine-cr"]
REPLACED = MASK + " (replaced)"
# The managed fields, in the order the diff shows them.
FIELDS = ("type", "url", "insecure", "description", "credential_type", "access_key", "access_secret")

CREDENTIAL_SPEC = dict(
    type=dict(type="str", choices=["basic", "oauth"], default="basic"),
    access_key=dict(type="str", no_log=False),
    access_secret=dict(type="str", no_log=True),
    update_secret=dict(type="str", choices=["on_create", "always"], default="on_create"),
)

REGISTRY_SPEC = dict(
    name=dict(type="str", required=True),
    type=dict(type="str", choices=TYPES),
    url=dict(type="str"),
    insecure=dict(type="bool"),
    description=dict(type="str"),
    credential=dict(type="dict", options=CREDENTIAL_SPEC),
)


def registry_errors(params):
    errors = registry_name_errors(params.get("name"), "name")
    if params.get("state") != "absent":
        errors.extend("%s: needed with state=present" % key for key in ("type", "url") if params.get(key) is None)
    if params.get("url") is not None:
        errors.extend(url_errors(params["url"], "url"))
    credential = params.get("credential") or {}
    if credential.get("access_secret") and not credential.get("access_key"):
        errors.append("credential.access_key: needed with credential.access_secret")
    return errors


def options(params):
    """The managed fields the options set, flat as Harbor's ``RegistryUpdate`` names them."""
    credential = params.get("credential")
    given = {"type": params.get("type"), "url": params.get("url"), "insecure": params.get("insecure"),
             "description": params.get("description")}
    if given["url"] is not None:
        given["url"] = given["url"].strip().rstrip("/")  # how Harbor stores it
    if credential is not None:
        given.update(credential_type=credential.get("type"), access_key=credential.get("access_key"),
                     access_secret=MASK if credential.get("access_secret") else None)
    return dict((key, value) for key, value in given.items() if value is not None)


def registry_view(registry):
    """The managed fields of a live endpoint (the secret as set or not: Harbor gives back ``*****``)."""
    credential = registry.get("credential") or {}
    return {
        "name": registry.get("name"), "type": registry.get("type"), "url": (registry.get("url") or "").rstrip("/"),
        "insecure": bool(registry.get("insecure")), "description": registry.get("description") or "",
        "credential_type": credential.get("type") or "", "access_key": credential.get("access_key") or "",
        "access_secret": MASK if credential.get("access_secret") else "",
    }


def wanted_view(params, before):
    view = dict(before) if before else {"name": params["name"], "insecure": False, "description": ""}
    view.update(options(params))
    credential = params.get("credential") or {}
    if before and credential.get("access_secret") and credential.get("update_secret") == "always":
        view["access_secret"] = REPLACED
    return view


def create_body(params):
    """The ``Registry`` of ``POST /registries``."""
    body = {"name": params["name"], "type": params["type"], "url": options(params)["url"],
            "insecure": bool(params.get("insecure")), "description": params.get("description") or ""}
    credential = params.get("credential")
    if credential is not None:
        body["credential"] = {"type": credential["type"], "access_key": credential.get("access_key") or "",
                              "access_secret": credential.get("access_secret") or ""}
    return body


def update_body(params, changes):
    """The ``RegistryUpdate`` of ``PUT /registries/{id}``: only the fields that change."""
    wanted = options(params)
    body = dict((key, wanted[key]) for key in changes if key != "access_secret")
    if "access_secret" in changes:
        body["access_secret"] = params["credential"]["access_secret"]
    return body


def registry_refusals(before, after):
    if "type" in after and after["type"] != before.get("type"):
        return ["type: registry endpoint %r is of type %s; Harbor cannot change an endpoint's type: delete it "
                "(state: absent) and create it again" % (after["name"], before.get("type"))]
    return []


class Registry(ApiObject):
    kind = "registry"

    def fields(self, params):
        return ["name"] + [key for key in FIELDS if key in options(params)]

    def errors(self, params):
        return registry_errors(params)

    def read(self, client, params):
        return client.registry(params["name"]), None

    def view(self, live, context):
        return registry_view(live)

    def wanted(self, params, context, before):
        return wanted_view(params, before)

    def refusals(self, before, after):
        return registry_refusals(before, after)

    def identity(self, live):
        return live["id"]

    def create(self, client, params, context):
        return client.create("/registries", create_body(params))

    def update(self, client, params, live, context, changes):
        client.request("PUT", "/registries/%d" % live["id"], body=update_body(params, changes))

    def delete(self, client, live):
        client.request("DELETE", "/registries/%d" % live["id"])
