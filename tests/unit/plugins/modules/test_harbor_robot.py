# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""harbor_robot over HTTP against the Harbor double, every exchange checked by Prism (conftest.py)."""

from __future__ import annotations

import json

from ansible_collections.anchorage.registry.plugins.modules import harbor_robot
from harbor_double import DEVELOPER

PULL_PUSH = [{"access": [{"resource": "repository", "action": "push"}, {"resource": "repository", "action": "pull"}]}]
GIVEN = "Given-Secret-42"


def methods(result):
    return [call["method"] for call in result["requests"]]


def ci(harbor, **options):
    return harbor.args(**dict(dict(name="ci", project="team-a", duration=90, permissions=PULL_PUSH), **options))


def test_project_robot_create_noop_update_remove(run_module, harbor):
    harbor.double.add_project("team-a")
    for index in range(30):  # other robots: the lookup must not depend on how many there are
        harbor.double.add_robot("other-%02d" % index, project="team-a")
    created = run_module(harbor_robot, ci(harbor))
    assert created["changed"] is True and created["changes"] == ["created"]
    stored = harbor.double.robot_named("ci", "team-a")
    assert created["robot_id"] == stored["id"] and created["robot_name"] == "robot$team-a+ci"
    assert created["secret"] == stored["secret"] and len(created["secret"]) >= 8  # given back this once
    assert stored["level"] == "project" and stored["duration"] == 90
    assert stored["permissions"] == [{"kind": "project", "namespace": "team-a", "access": [
        {"resource": "repository", "action": "pull"}, {"resource": "repository", "action": "push"}]}]

    secret = stored["secret"]
    harbor.double.requests[:] = []
    again = run_module(harbor_robot, ci(harbor))
    assert again["changed"] is False and again["changes"] == [] and again["secret"] is None
    # The project by name (for its id), then the robot by name: two requests however many robots there are.
    assert harbor.double.requests == [("GET", "/api/v2.0/projects/team-a"), ("GET", "/api/v2.0/robots")]
    assert stored["secret"] == secret and again["robot_name"] == "robot$team-a+ci"

    longer = run_module(harbor_robot, ci(harbor, duration=-1), diff=True)
    assert longer["changed"] is True and longer["changes"] == ["duration"] and methods(longer) == ["GET", "GET", "PUT"]
    assert longer["diff"]["before"]["duration"] == 90 and longer["diff"]["after"]["duration"] == -1
    assert stored["duration"] == -1 and stored["secret"] == secret and longer["secret"] is None
    assert len(stored["permissions"][0]["access"]) == 2  # the rest sent whole, unchanged

    removed = run_module(harbor_robot, harbor.args(name="ci", project="team-a", state="absent"))
    assert removed["changed"] is True and removed["changes"] == ["deleted"]
    assert harbor.double.robot_named("ci", "team-a") is None and removed["robot_id"] is None
    assert methods(removed) == ["GET", "GET", "DELETE"]
    gone = run_module(harbor_robot, harbor.args(name="ci", project="team-a", state="absent"))
    assert gone["changed"] is False and methods(gone) == ["GET", "GET"]


def test_system_robot_with_a_given_secret_costs_one_request(run_module, harbor):
    harbor.double.add_project("team-a")
    harbor.double.add_robot("puller", project="team-a")  # a project robot of the same name is another robot
    args = harbor.args(name="puller", secret=GIVEN, disable=False, permissions=[
        {"namespace": "*", "access": [{"resource": "repository", "action": "pull"}]},
        {"kind": "system", "access": [{"resource": "project", "action": "list"}]}])
    created = run_module(harbor_robot, args)
    assert created["changed"] is True and created["secret"] is None  # the one given is not returned
    stored = harbor.double.robot_named("puller")
    assert stored["level"] == "system" and stored["secret"] == GIVEN and stored["duration"] == 30
    assert [p["namespace"] for p in stored["permissions"]] == ["*", "/"]
    harbor.double.requests[:] = []
    again = run_module(harbor_robot, args)
    assert again["changed"] is False and harbor.double.requests == [("GET", "/api/v2.0/robots")]

    off = run_module(harbor_robot, dict(args, disable=True))
    assert off["changes"] == ["disable"] and stored["disable"] is True and stored["secret"] == GIVEN


def test_rotate_secret_refreshes_it_and_returns_the_new_one(run_module, harbor):
    harbor.double.add_project("team-a")
    run_module(harbor_robot, ci(harbor))
    stored = harbor.double.robot_named("ci", "team-a")
    old = stored["secret"]
    rotated = run_module(harbor_robot, ci(harbor, rotate_secret=True), diff=True)
    assert rotated["changed"] is True and rotated["changes"] == ["secret"] and methods(rotated) == ["GET", "GET", "PATCH"]
    assert rotated["secret"] == stored["secret"] != old
    assert rotated["diff"]["before"]["secret"] == "*****" and rotated["diff"]["after"]["secret"] == "***** (replaced)"

    chosen = run_module(harbor_robot, ci(harbor, rotate_secret=True, secret=GIVEN, description="CI of team A"))
    assert chosen["changes"] == ["description", "secret"] and methods(chosen) == ["GET", "GET", "PUT", "PATCH"]
    assert stored["secret"] == GIVEN and stored["description"] == "CI of team A" and chosen["secret"] is None


def test_check_mode_changes_nothing_and_returns_no_secret(run_module, harbor):
    harbor.double.add_project("team-a")
    would = run_module(harbor_robot, ci(harbor), check_mode=True, diff=True)
    assert would["changed"] is True and would["changes"] == ["created"] and would["secret"] is None
    assert harbor.double.robots == {} and set(methods(would)) == {"GET"}
    assert would["diff"]["before"] == {} and would["diff"]["after"]["permissions"][0]["namespace"] == "team-a"

    run_module(harbor_robot, ci(harbor))
    stored = dict(harbor.double.robot_named("ci", "team-a"))
    for options in ({"rotate_secret": True}, {"duration": 7}, {"state": "absent"}):
        result = run_module(harbor_robot, ci(harbor, **options), check_mode=True)
        assert result["changed"] is True and result["secret"] is None and set(methods(result)) == {"GET"}
    assert harbor.double.robot_named("ci", "team-a") == stored


def test_secrets_stay_out_of_the_logged_invocation_and_the_result(run_module, harbor, monkeypatch):
    harbor.double.add_project("team-a")
    logged = []
    monkeypatch.setattr("syslog.syslog", lambda *args: logged.append(args[-1]))
    result = run_module(harbor_robot, ci(harbor, secret=GIVEN, rotate_secret=True), diff=True)
    assert result["changed"] is True and harbor.double.robot_named("ci", "team-a")["secret"] == GIVEN
    invocation = [line for line in logged if line.startswith("Invoked with")]
    assert len(invocation) == 1 and "team-a" in invocation[0]
    for secret in (GIVEN, harbor.args()["api_password"]):
        assert secret not in invocation[0] and secret not in json.dumps(result)


def test_api_errors_are_readable(run_module, harbor):
    missing = run_module(harbor_robot, ci(harbor))
    assert missing["failed"] is True and missing["msg"].startswith("project: Harbor has no project named 'team-a'")
    harbor.double.add_project("team-a")
    forbidden = run_module(harbor_robot, dict(ci(harbor), api_username=DEVELOPER[0], api_password=DEVELOPER[1]))
    assert forbidden["msg"].startswith("POST /api/v2.0/robots: 403 FORBIDDEN forbidden (X-Request-Id: double-")
    harbor.double.add_project("team-b")
    wrong = run_module(harbor_robot, harbor.args(name="x", permissions=[
        {"namespace": "nowhere", "access": [{"resource": "repository", "action": "pull"}]}]))
    assert wrong["msg"].startswith("POST /api/v2.0/robots: 404 NOT_FOUND project nowhere not found (X-Request-Id: ")


def test_bad_input_names_the_option_and_sends_nothing(run_module, harbor):
    for options, message in [
        ({"name": "robot$ci"}, "name: 'robot$ci': give the name without Harbor's prefix"),
        ({"name": "CI"}, "name: 'CI' is not a Harbor robot name"),
        ({"project": "Team A"}, "project: 'Team A' is not a Harbor project name"),
        ({"duration": 0}, "duration: 0 must be -1 (never expires) or a number of days above 0"),
        ({"secret": "short"}, "secret: Harbor wants 8-128 characters"),
        ({"permissions": None}, "permissions: needed with state=present"),
        ({"permissions": [{"namespace": "team-b", "access": [{"resource": "repository", "action": "pull"}]}]},
         "permissions[0]: a robot of project 'team-a' has the permissions of that project only"),
        ({"project": None, "permissions": [{"access": [{"resource": "repository", "action": "pull"}]}]},
         "permissions[0].namespace: give the project's name, or * for every project"),
        ({"permissions": [{"access": []}]}, "permissions[0].access: give at least one resource and action"),
    ]:
        result = run_module(harbor_robot, ci(harbor, **options))
        assert result["failed"] is True and result["msg"].startswith(message), result["msg"]
        assert "short" not in json.dumps(result.get("invocation", {}))
    assert harbor.double.requests == []
