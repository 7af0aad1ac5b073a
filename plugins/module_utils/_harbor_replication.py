# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Harbor replication rules (``harbor_replication``): push to or pull from a registry endpoint.

A no-op costs at most two requests, whatever Harbor holds: the endpoint by name (only with
``registry_name``) and the rule by name (``GET /replication/policies?q=name=<name>``). A rule
has one side on a registry endpoint and the other on this Harbor, which Harbor answers as
registry id 0 and takes as a side left out. ``PUT /replication/policies/{id}`` replaces the whole
rule, so an update sends every field, the unmanaged ones as Harbor holds them.
"""

from __future__ import annotations

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import (
    ApiObject,
    HarborError,
    exact_query,
    registry_name_errors,
)

DECORATIONS = ["matches", "excludes"]
FLAGS = ("override", "enabled", "replicate_deletion")
OPTIONAL = ("direction", "registry_name", "description", "dest_namespace", "filters", "trigger") + FLAGS

FILTERS_SPEC = dict(
    name=dict(type="str"),
    tag=dict(type="str"),
    tag_decoration=dict(type="str", choices=DECORATIONS),
    labels=dict(type="list", elements="str"),
    label_decoration=dict(type="str", choices=DECORATIONS),
    resource=dict(type="str", choices=["image", "artifact"]),
)

TRIGGER_SPEC = dict(
    type=dict(type="str", choices=["manual", "scheduled", "event_based"], default="manual"),
    cron=dict(type="str"),
)

REPLICATION_SPEC = dict(
    name=dict(type="str", required=True),
    direction=dict(type="str", choices=["push", "pull"]),
    registry_name=dict(type="str"),
    description=dict(type="str"),
    dest_namespace=dict(type="str"),
    filters=dict(type="dict", options=FILTERS_SPEC),
    trigger=dict(type="dict", options=TRIGGER_SPEC),
    override=dict(type="bool"),
    enabled=dict(type="bool"),
    replicate_deletion=dict(type="bool"),
)


def replication_errors(params):
    errors = []
    if not isinstance(params.get("name"), str) or not params["name"].strip():
        errors.append("name: give the replication rule's name")
    elif "," in params["name"]:
        errors.append("name: %r has a comma, which Harbor's API cannot look a name up by" % params["name"])
    if params.get("state") == "absent":
        return errors
    errors.extend("%s: needed with state=present" % key for key in ("direction", "registry_name")
                  if params.get(key) is None)
    if params.get("registry_name") is not None:
        errors.extend(registry_name_errors(params["registry_name"], "registry_name"))
    trigger = params.get("trigger") or {}
    if trigger.get("type") == "scheduled" and len((trigger.get("cron") or "").split()) != 6:
        errors.append("trigger.cron: %r is not Harbor's cron (6 fields, seconds first: '0 0 3 * * *' is 03:00 every "
                      "day), needed with trigger.type=scheduled" % (trigger.get("cron"),))
    if trigger.get("type") != "scheduled" and trigger.get("cron") is not None:
        errors.append("trigger.cron: only with trigger.type=scheduled")
    if trigger.get("type") == "event_based" and params.get("direction") == "pull":
        errors.append("trigger.type: event_based replicates what is pushed here: only with direction=push")
    filters = params.get("filters") or {}
    for key, pattern in (("tag_decoration", "tag"), ("label_decoration", "labels")):
        if filters.get(key) is not None and filters.get(pattern) is None:
            errors.append("filters.%s: only with filters.%s" % (key, pattern))
    return errors


def normal_filters(filters):
    """The filters options, without the ones left out, decorations filled in."""
    view = dict((key, value) for key, value in (filters or {}).items() if value is not None)
    if "tag" in view:
        view.setdefault("tag_decoration", "matches")
    if "labels" in view:
        view["labels"] = sorted(view["labels"])
        view.setdefault("label_decoration", "matches")
    return view


def filters_view(filters):
    """Harbor's ``[{type, value, decoration}]`` as the filters options."""
    view = {}
    for item in filters or []:
        kind, value = item.get("type"), item.get("value")
        if kind == "name" or kind == "resource":
            view[kind] = value
        elif kind == "tag":
            view.update(tag=value, tag_decoration=item.get("decoration") or "matches")
        elif kind == "label":
            view.update(labels=sorted(value or []), label_decoration=item.get("decoration") or "matches")
    return view


def filters_body(view):
    body = []
    if "name" in view:
        body.append({"type": "name", "value": view["name"]})
    if "tag" in view:
        body.append({"type": "tag", "value": view["tag"], "decoration": view["tag_decoration"]})
    if "labels" in view:
        body.append({"type": "label", "value": view["labels"], "decoration": view["label_decoration"]})
    if "resource" in view:
        body.append({"type": "resource", "value": view["resource"]})
    return body


def normal_trigger(trigger):
    view = {"type": (trigger or {}).get("type") or "manual"}
    cron = ((trigger or {}).get("trigger_settings") or {}).get("cron") or (trigger or {}).get("cron")
    if view["type"] == "scheduled" and cron:
        view["cron"] = " ".join(cron.split())
    return view


def _remote(policy):
    """``(direction, the endpoint's side)`` of a live rule."""
    source = policy.get("src_registry") or {}
    if source.get("id"):
        return "pull", source
    return "push", policy.get("dest_registry") or {}


def replication_view(policy, registry):
    direction, remote = _remote(policy)
    if registry is not None and registry.get("id") == remote.get("id"):
        registry_name = registry["name"]
    else:
        registry_name = remote.get("name") or "(registry id %s)" % remote.get("id")
    return {"name": policy.get("name"), "direction": direction, "registry_name": registry_name,
            "description": policy.get("description") or "", "dest_namespace": policy.get("dest_namespace") or "",
            "filters": filters_view(policy.get("filters")), "trigger": normal_trigger(policy.get("trigger")),
            "override": bool(policy.get("override")), "enabled": bool(policy.get("enabled")),
            "replicate_deletion": bool(policy.get("replicate_deletion"))}


def wanted_view(params, before):
    view = dict(before) if before else {"name": params["name"], "description": "", "dest_namespace": "",
                                        "filters": {}, "trigger": {"type": "manual"}, "override": True,
                                        "enabled": True, "replicate_deletion": False}
    for key in OPTIONAL:
        if params.get(key) is not None:
            view[key] = params[key]
    if params.get("filters") is not None:
        view["filters"] = normal_filters(params["filters"])
    if params.get("trigger") is not None:
        view["trigger"] = normal_trigger(params["trigger"])
    return view


def policy_body(view, registry_id):
    """The ``ReplicationPolicy`` of a create or an update, from the whole wanted view."""
    trigger = {"type": view["trigger"]["type"]}
    if "cron" in view["trigger"]:
        trigger["trigger_settings"] = {"cron": view["trigger"]["cron"]}
    body = {"name": view["name"], "description": view["description"], "dest_namespace": view["dest_namespace"],
            "filters": filters_body(view["filters"]), "trigger": trigger}
    body.update((flag, view[flag]) for flag in FLAGS)
    body["src_registry" if view["direction"] == "pull" else "dest_registry"] = {"id": registry_id}
    return body


class Replication(ApiObject):
    kind = "replication"

    def fields(self, params):
        return ["name"] + [key for key in OPTIONAL if params.get(key) is not None]

    def errors(self, params):
        return replication_errors(params)

    def read(self, client, params):
        registry = None
        if params.get("state") != "absent":
            registry = client.registry(params["registry_name"])
            if registry is None:
                raise HarborError("registry_name: Harbor has no registry endpoint named %r (create it first, with "
                                  "anchorage.registry.harbor_registry)" % params["registry_name"])
        _s, _h, data = client.request("GET", "/replication/policies",
                                      query={"q": exact_query("name", params["name"])})
        found = [item for item in data or [] if isinstance(item, dict) and item.get("name") == params["name"]]
        return (found[0] if found else None), {"registry": registry}

    def view(self, live, context):
        return replication_view(live, context["registry"])

    def wanted(self, params, context, before):
        return wanted_view(params, before)

    def identity(self, live):
        return live["id"]

    def create(self, client, params, context):
        return client.create("/replication/policies", policy_body(wanted_view(params, None), context["registry"]["id"]))

    def update(self, client, params, live, context, changes):
        after = wanted_view(params, replication_view(live, context["registry"]))
        client.request("PUT", "/replication/policies/%d" % live["id"], body=policy_body(after, context["registry"]["id"]))

    def delete(self, client, live):
        client.request("DELETE", "/replication/policies/%d" % live["id"])
