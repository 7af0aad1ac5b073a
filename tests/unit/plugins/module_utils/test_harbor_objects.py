# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pure parts of _harbor_robot, _harbor_gc, _harbor_system, _harbor_replication, _harbor_retention."""

from __future__ import annotations

import json

from ansible_collections.anchorage.registry.plugins.module_utils import _harbor_gc as gc
from ansible_collections.anchorage.registry.plugins.module_utils import _harbor_replication as replication
from ansible_collections.anchorage.registry.plugins.module_utils import _harbor_retention as retention
from ansible_collections.anchorage.registry.plugins.module_utils import _harbor_robot as robot
from ansible_collections.anchorage.registry.plugins.module_utils import _harbor_system as system
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import plan


def params_of(spec, **options):
    params = dict((key, None) for key in spec)
    params.update(state="present")
    params.update(options)
    return params


PULL = [{"kind": "project", "namespace": None, "access": [{"resource": "repository", "action": "pull"}]}]


# --- robots ---------------------------------------------------------------------------------------

def test_robot_stored_name_and_create_body():
    params = params_of(robot.ROBOT_SPEC, name="ci", project="team-a", permissions=PULL, duration=7)
    assert robot.stored_name(params) == "team-a+ci" and robot.stored_name(dict(params, project=None)) == "ci"
    assert robot.create_body(params) == {"name": "ci", "level": "project", "duration": 7, "permissions": [
        {"kind": "project", "namespace": "team-a", "access": [{"resource": "repository", "action": "pull"}]}]}
    system_robot = robot.create_body(params_of(robot.ROBOT_SPEC, name="ci", secret="Abcdefg1", permissions=[
        {"kind": "system", "namespace": None, "access": [{"resource": "project", "action": "list"}]}]))
    assert system_robot["level"] == "system" and system_robot["secret"] == "Abcdefg1"
    assert system_robot["permissions"][0]["namespace"] == "/"


def test_robot_permissions_compare_in_any_order_without_effect():
    live = [{"kind": "project", "namespace": "b", "access": [{"resource": "tag", "action": "list", "effect": "allow"},
                                                             {"resource": "repository", "action": "pull"}]},
            {"kind": "project", "namespace": "a", "access": [{"resource": "repository", "action": "pull"}]}]
    given = [{"kind": "project", "namespace": "a", "access": [{"resource": "repository", "action": "pull"}]},
             {"kind": "project", "namespace": "b", "access": [{"resource": "repository", "action": "pull"},
                                                              {"resource": "tag", "action": "list"}]}]
    assert robot.normal_permissions(live) == robot.normal_permissions(given)
    assert robot.normal_permissions(live)[0]["namespace"] == "a"


def test_robot_plan_never_touches_the_secret_unless_asked():
    live = {"id": 3, "name": "robot$team-a+ci", "level": "project", "duration": 30, "disable": False,
            "description": "", "permissions": [{"kind": "project", "namespace": "team-a",
                                                "access": [{"resource": "repository", "action": "pull"}]}]}
    names = {"name": "ci", "project": "team-a"}
    params = params_of(robot.ROBOT_SPEC, name="ci", project="team-a", permissions=PULL, rotate_secret=False)
    assert plan(robot.Robot(), params, live, names)[0] == []
    changes, before, after = plan(robot.Robot(), dict(params, rotate_secret=True, duration=-1), live, names)
    assert changes == ["duration", "secret"] and before["secret"] == "*****" and after["secret"] == "***** (replaced)"
    body = robot.update_body(live, robot.wanted_view(dict(params, duration=-1), robot.robot_view(live, names)))
    assert body["name"] == "robot$team-a+ci" and body["level"] == "project" and body["duration"] == -1
    assert "secret" not in body


def test_robot_errors_name_the_options():
    good = params_of(robot.ROBOT_SPEC, name="ci", project="team-a", permissions=PULL)
    assert robot.robot_errors(good) == []
    bad = dict(good, name="robot$ci", project="A", duration=-2, secret="abcdefgh")
    assert [error.partition(":")[0] for error in robot.robot_errors(bad)] == ["name", "project", "duration", "secret"]
    assert robot.robot_errors(dict(good, permissions=None, state="absent")) == []


# --- garbage collection ---------------------------------------------------------------------------

def test_gc_view_reads_only_its_own_parameters():
    live = {"id": 1, "schedule": {"type": "Custom", "cron": "0 0 2  * * 6"},
            "job_parameters": json.dumps({"delete_untagged": True, "workers": 4, "redis_url_reg": "redis://:pw@r"})}
    assert gc.gc_view(live) == {"schedule": "0 0 2 * * 6", "delete_untagged": True, "workers": 4}
    assert gc.gc_view({}) == gc.gc_view(None) == gc.gc_view({"schedule": {"type": "None"}}) == {"schedule": "none"}
    assert gc.gc_view(dict(live, job_parameters="not json"))["workers"] == 1


def test_gc_plan_and_body():
    params = params_of(gc.GC_SPEC, schedule="0 0 2 * * 6", workers=2)
    changes, _before, after = plan(gc.GarbageCollection(), params, {}, None)
    assert changes == ["schedule", "workers"] and after == {"schedule": "0 0 2 * * 6", "workers": 2}
    assert gc.schedule_body(gc.wanted_view(params, {"schedule": "none"})) == {
        "schedule": {"type": "Custom", "cron": "0 0 2 * * 6"}, "parameters": {"delete_untagged": False, "workers": 2}}
    assert gc.schedule_body({"schedule": "none"}) == {"schedule": {"type": "None"}}
    assert gc.gc_errors(params) == [] and gc.gc_errors(dict(params, schedule="@daily"))[0].startswith("schedule:")


# --- system configuration -------------------------------------------------------------------------

def test_system_secrets_go_with_other_changes_only():
    live = {"auth_mode": {"value": "db_auth", "editable": True}, "ldap_url": {"value": "", "editable": False}}
    secret = params_of(system.SYSTEM_SPEC, settings={"ldap_search_password": "pw"}, update_secrets="with_changes")
    assert plan(system.System(), secret, live, None)[0] == []
    both = dict(secret, settings={"ldap_search_password": "pw", "auth_mode": "ldap_auth"})
    changes, before, after = plan(system.System(), both, live, None)
    assert changes == ["auth_mode", "ldap_search_password"] and after["ldap_search_password"] == "***** (sent)"
    assert plan(system.System(), dict(secret, update_secrets="always"), live, None)[0] == ["ldap_search_password"]
    assert system.secret_values(both) == ["pw", None, None]


def test_system_refusals_and_errors():
    fixed = system.fixed_settings({"ldap_url": {"value": "", "editable": False}, "read_only": {"value": False}})
    assert fixed == {"ldap_url"}
    assert system.system_refusals(fixed, {"ldap_url": ""}, {"ldap_url": ""}) == []
    assert system.system_refusals(fixed, {"ldap_url": ""}, {"ldap_url": "ldap://x"})[0].startswith("settings.ldap_url:")
    errors = system.system_errors({"settings": {"read_only": 1, "ldap_timeout": "5", "nope": 1}})
    assert [error.partition(":")[0] for error in errors] == ["settings.ldap_timeout", "settings.nope", "settings.read_only"]


# --- replication ----------------------------------------------------------------------------------

def test_replication_filters_round_trip():
    given = {"name": "library/**", "tag": "v*", "tag_decoration": None, "labels": ["b", "a"], "label_decoration": None,
             "resource": None}
    view = replication.normal_filters(given)
    assert view == {"name": "library/**", "tag": "v*", "tag_decoration": "matches", "labels": ["a", "b"],
                    "label_decoration": "matches"}
    assert replication.filters_view(replication.filters_body(view)) == view


def test_replication_view_and_body_sides():
    pull = {"id": 4, "name": "r", "src_registry": {"id": 3, "name": "hub"}, "dest_registry": {"id": 0, "name": "Local"},
            "trigger": {"type": "scheduled", "trigger_settings": {"cron": "0 0 3 * * *"}}, "enabled": True}
    view = replication.replication_view(pull, {"id": 3, "name": "hub"})
    assert view["direction"] == "pull" and view["registry_name"] == "hub"
    assert view["trigger"] == {"type": "scheduled", "cron": "0 0 3 * * *"}
    body = replication.policy_body(dict(view, direction="push"), 3)
    assert body["dest_registry"] == {"id": 3} and "src_registry" not in body
    assert body["trigger"] == {"type": "scheduled", "trigger_settings": {"cron": "0 0 3 * * *"}}


# --- retention ------------------------------------------------------------------------------------

def test_retention_rules_normalised_and_body():
    live_rule = {"id": 1, "priority": 0, "action": "retain", "template": "latestPushedK", "disabled": False,
                 "params": {"latestPushedK": 5},
                 "tag_selectors": [{"kind": "doublestar", "decoration": "matches", "pattern": "**"}],
                 "scope_selectors": {"repository": [{"kind": "doublestar", "decoration": "repoMatches", "pattern": "**"}]}}
    given = {"template": "latestPushedK", "params": {"latestPushedK": 5}, "tag_selectors": None,
             "scope_selectors": None, "disabled": False}
    assert retention.normal_rule(live_rule) == retention.normal_rule(given)
    view = retention.wanted_view({"project": "p", "rules": [given], "schedule": "none"}, None)
    body = retention.policy_body(view, 7, 9)
    assert body["scope"] == {"level": "project", "ref": 7} and body["id"] == 9
    assert body["trigger"]["settings"] == {"cron": ""} and body["rules"][0]["action"] == "retain"


def test_retention_errors():
    good = params_of(retention.RETENTION_SPEC, project="p", rules=[{"template": "always", "params": None}])
    assert retention.retention_errors(good) == []
    bad = dict(good, rules=[{"template": "nDaysSinceLastPush", "params": {"nDaysSinceLastPush": True}}], schedule="x")
    assert [error.partition(":")[0] for error in retention.retention_errors(bad)] == [
        "schedule", "rules[0].params.nDaysSinceLastPush"]
