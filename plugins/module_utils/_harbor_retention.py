# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Harbor tag retention (``harbor_retention``): the retention policy of one project, its rules and schedule.

A no-op costs two requests: the project by name, whose ``retention_id`` metadata names its
policy, and ``GET /retentions/{id}``. Harbor keeps at most one policy per project (a proxy
cache gets one when it is created); ``POST /retentions`` binds a new one to the project,
``PUT`` replaces the whole policy, ``DELETE`` removes it. Rules are kept in their order (Harbor's
priority) and compared as a whole.
"""

from __future__ import annotations

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import ApiObject, owning_project
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_project import _NAME

NONE = "none"
# Harbor's rule templates (src/pkg/retention/policy/rule/index) and the parameter each one takes.
TEMPLATES = {"always": None, "latestPushedK": "latestPushedK", "latestPulledN": "latestPulledN",
             "nDaysSinceLastPush": "nDaysSinceLastPush", "nDaysSinceLastPull": "nDaysSinceLastPull"}

TAG_SELECTOR_SPEC = dict(
    kind=dict(type="str", choices=["doublestar"], default="doublestar"),
    decoration=dict(type="str", choices=["matches", "excludes"], default="matches"),
    pattern=dict(type="str", required=True),
    extras=dict(type="str"),
)

REPOSITORY_SELECTOR_SPEC = dict(
    kind=dict(type="str", choices=["doublestar"], default="doublestar"),
    decoration=dict(type="str", choices=["repoMatches", "repoExcludes"], default="repoMatches"),
    pattern=dict(type="str", required=True),
)

RULE_SPEC = dict(
    template=dict(type="str", required=True, choices=sorted(TEMPLATES)),
    params=dict(type="dict"),
    tag_selectors=dict(type="list", elements="dict", options=TAG_SELECTOR_SPEC),
    scope_selectors=dict(type="dict", options=dict(
        repository=dict(type="list", elements="dict", options=REPOSITORY_SELECTOR_SPEC))),
    disabled=dict(type="bool", default=False),
)

RETENTION_SPEC = dict(
    project=dict(type="str", required=True),
    rules=dict(type="list", elements="dict", options=RULE_SPEC),
    schedule=dict(type="str"),
)

EVERYTHING = [{"kind": "doublestar", "decoration": "matches", "pattern": "**", "extras": ""}]
EVERY_REPOSITORY = {"repository": [{"kind": "doublestar", "decoration": "repoMatches", "pattern": "**"}]}


def retention_errors(params):
    errors = []
    if not isinstance(params.get("project"), str) or not _NAME.match(params["project"]):
        errors.append("project: %r is not a Harbor project name" % (params.get("project"),))
    schedule = params.get("schedule")
    if schedule is not None and schedule != NONE and len(schedule.split()) != 6:
        errors.append("schedule: %r is not Harbor's cron (6 fields, seconds first: '0 0 0 * * *' is every midnight) "
                      "nor none" % schedule)
    for index, rule in enumerate(params.get("rules") or []):
        where = "rules[%d]" % index
        wanted = TEMPLATES.get(rule.get("template"))
        given = sorted((rule.get("params") or {}).keys())
        if given != ([wanted] if wanted else []):
            errors.append("%s.params: template %s takes %s" % (where, rule.get("template"),
                                                               "{%s: <number>}" % wanted if wanted else "none"))
        elif wanted:
            value = rule["params"][wanted]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                errors.append("%s.params.%s: %r is not a whole number above 0" % (where, wanted, value))
    if params.get("state") == "absent" and (params.get("rules") is not None or schedule is not None):
        errors.append("rules, schedule: have no effect with state=absent")
    return errors


def normal_rule(rule):
    """A rule as compared: Harbor's ids, priority and defaults left out or filled in."""
    tags = [{"kind": s.get("kind") or "doublestar", "decoration": s.get("decoration") or "matches",
             "pattern": s.get("pattern"), "extras": s.get("extras") or ""} for s in rule.get("tag_selectors") or []]
    scope = dict((key, [{"kind": s.get("kind") or "doublestar", "decoration": s.get("decoration") or "repoMatches",
                         "pattern": s.get("pattern")} for s in selectors or []])
                 for key, selectors in (rule.get("scope_selectors") or {}).items() if selectors is not None)
    return {"template": rule.get("template"), "params": dict(rule.get("params") or {}), "disabled": bool(rule.get("disabled")),
            "tag_selectors": tags or list(EVERYTHING), "scope_selectors": scope or dict(EVERY_REPOSITORY)}


def retention_view(policy, project):
    cron = (((policy or {}).get("trigger") or {}).get("settings") or {}).get("cron")
    return {"project": project["name"], "rules": [normal_rule(rule) for rule in (policy or {}).get("rules") or []],
            "schedule": " ".join(cron.split()) if cron else NONE}


def wanted_view(params, before):
    view = dict(before) if before else {"project": params["project"], "rules": [], "schedule": NONE}
    if params.get("rules") is not None:
        view["rules"] = [normal_rule(rule) for rule in params["rules"]]
    if params.get("schedule") is not None:
        view["schedule"] = " ".join(params["schedule"].split()) if params["schedule"] != NONE else NONE
    return view


def policy_body(view, project_id, policy_id=None):
    """The ``RetentionPolicy`` of ``POST /retentions`` or ``PUT /retentions/{id}``."""
    body = {"algorithm": "or", "scope": {"level": "project", "ref": project_id},
            "rules": [dict(rule, action="retain", priority=index) for index, rule in enumerate(view["rules"])],
            "trigger": {"kind": "Schedule", "settings": {"cron": "" if view["schedule"] == NONE else view["schedule"]},
                        "references": {}}}
    if policy_id is not None:
        body["id"] = policy_id
    return body


class Retention(ApiObject):
    kind = "retention"

    def fields(self, params):
        return ["project"] + [key for key in ("rules", "schedule") if params.get(key) is not None]

    def errors(self, params):
        return retention_errors(params)

    def read(self, client, params):
        project = owning_project(client, params)
        if project is None:
            return None, None
        retention_id = (project.get("metadata") or {}).get("retention_id")
        if not retention_id:
            return None, {"project": project}
        _s, _h, policy = client.request("GET", "/retentions/%d" % int(retention_id))
        return policy, {"project": project}

    def view(self, live, context):
        return retention_view(live, context["project"])

    def wanted(self, params, context, before):
        return wanted_view(params, before)

    def identity(self, live):
        return live["id"]

    def create(self, client, params, context):
        return client.create("/retentions", policy_body(wanted_view(params, None), context["project"]["project_id"]))

    def update(self, client, params, live, context, changes):
        after = wanted_view(params, retention_view(live, context["project"]))
        client.request("PUT", "/retentions/%d" % live["id"],
                       body=policy_body(after, context["project"]["project_id"], live["id"]))

    def delete(self, client, live):
        client.request("DELETE", "/retentions/%d" % live["id"])
