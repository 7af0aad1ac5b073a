# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""harbor_retention over HTTP against the Harbor double, every exchange checked by Prism (conftest.py)."""

from __future__ import annotations

from ansible_collections.anchorage.registry.plugins.modules import harbor_retention
from harbor_double import DEVELOPER

RULES = [{"template": "latestPushedK", "params": {"latestPushedK": 10}},
         {"template": "always", "tag_selectors": [{"pattern": "release-*"}],
          "scope_selectors": {"repository": [{"pattern": "team-a/**"}]}}]
MIDNIGHT = "0 0 0 * * *"


def methods(result):
    return [call["method"] for call in result["requests"]]


def team_a(harbor, **options):
    return harbor.args(**dict(dict(project="team-a", rules=RULES, schedule=MIDNIGHT), **options))


def test_create_noop_update_remove(run_module, harbor):
    pid = harbor.double.add_project("team-a")
    created = run_module(harbor_retention, team_a(harbor))
    assert created["changed"] is True and created["changes"] == ["created"]
    project = harbor.double.projects[pid]
    policy = harbor.double.retentions[created["retention_id"]]
    assert project["metadata"]["retention_id"] == str(policy["id"])
    assert policy["trigger"]["settings"] == {"cron": MIDNIGHT} and policy["scope"] == {"level": "project", "ref": pid}
    assert [rule["template"] for rule in policy["rules"]] == ["latestPushedK", "always"]
    assert policy["rules"][0]["params"] == {"latestPushedK": 10}
    assert policy["rules"][0]["tag_selectors"][0]["pattern"] == "**"  # every tag, when left out
    assert policy["rules"][1]["scope_selectors"]["repository"][0] == {"kind": "doublestar", "decoration": "repoMatches",
                                                                      "pattern": "team-a/**"}

    harbor.double.requests[:] = []
    again = run_module(harbor_retention, team_a(harbor))
    assert again["changed"] is False and again["changes"] == []
    assert harbor.double.requests == [("GET", "/api/v2.0/projects/team-a"),
                                      ("GET", "/api/v2.0/retentions/%d" % policy["id"])]

    hand = run_module(harbor_retention, harbor.args(project="team-a", schedule="none"), diff=True)
    assert hand["changes"] == ["schedule"] and methods(hand) == ["GET", "GET", "PUT"]
    assert hand["diff"] == {"before": {"project": "team-a", "schedule": MIDNIGHT},
                            "after": {"project": "team-a", "schedule": "none"}}
    assert policy["trigger"]["settings"] == {"cron": ""} and len(policy["rules"]) == 2  # the rules kept

    fewer = run_module(harbor_retention, harbor.args(project="team-a", rules=RULES[:1]))
    assert fewer["changes"] == ["rules"] and [rule["template"] for rule in policy["rules"]] == ["latestPushedK"]

    removed = run_module(harbor_retention, harbor.args(project="team-a", state="absent"))
    assert removed["changed"] is True and removed["changes"] == ["deleted"] and methods(removed) == ["GET", "GET", "DELETE"]
    assert harbor.double.retentions == {} and "retention_id" not in project["metadata"]
    gone = run_module(harbor_retention, harbor.args(project="team-a", state="absent"))
    assert gone["changed"] is False and methods(gone) == ["GET"]


def test_a_proxy_cache_policy_is_found_and_changed(run_module, harbor):
    """Harbor gives a proxy-cache project a policy when it creates it; the module updates that one."""
    hub = harbor.double.add_registry("hub")
    harbor.double.create_project(True, {}, {}, {"project_name": "dockerhub", "registry_id": hub})
    rid = int(harbor.double.project_named("dockerhub")["metadata"]["retention_id"])
    kept = [{"template": "nDaysSinceLastPull", "params": {"nDaysSinceLastPull": 7},
             "tag_selectors": [{"pattern": "**", "extras": '{"untagged":true}'}]}]
    same = run_module(harbor_retention, harbor.args(project="dockerhub", rules=kept, schedule=MIDNIGHT))
    assert same["changed"] is False and same["retention_id"] == rid
    longer = [dict(kept[0], params={"nDaysSinceLastPull": 30})]
    changed = run_module(harbor_retention, harbor.args(project="dockerhub", rules=longer))
    assert changed["changes"] == ["rules"] and list(harbor.double.retentions) == [rid]
    assert harbor.double.retentions[rid]["rules"][0]["params"] == {"nDaysSinceLastPull": 30}


def test_check_mode_changes_nothing(run_module, harbor):
    harbor.double.add_project("team-a")
    would = run_module(harbor_retention, team_a(harbor), check_mode=True, diff=True)
    assert would["changed"] is True and harbor.double.retentions == {} and methods(would) == ["GET"]
    assert would["diff"]["after"]["schedule"] == MIDNIGHT and len(would["diff"]["after"]["rules"]) == 2
    run_module(harbor_retention, team_a(harbor))
    before = repr(harbor.double.retentions)
    for options in ({"schedule": "none"}, {"rules": []}):
        result = run_module(harbor_retention, team_a(harbor, **options), check_mode=True)
        assert result["changed"] is True and set(methods(result)) == {"GET"}
    remove = run_module(harbor_retention, harbor.args(project="team-a", state="absent"), check_mode=True)
    assert remove["changed"] is True and repr(harbor.double.retentions) == before


def test_api_errors_are_readable(run_module, harbor):
    missing = run_module(harbor_retention, team_a(harbor))
    assert missing["failed"] is True and missing["msg"].startswith("project: Harbor has no project named 'team-a'")
    harbor.double.add_project("team-a")
    forbidden = run_module(harbor_retention, dict(team_a(harbor), api_username=DEVELOPER[0], api_password=DEVELOPER[1]))
    assert forbidden["msg"].startswith("POST /api/v2.0/retentions: 403 FORBIDDEN forbidden (X-Request-Id: ")
    many = run_module(harbor_retention, team_a(harbor, rules=RULES * 8))
    assert many["msg"].startswith("POST /api/v2.0/retentions: 400 BAD_REQUEST the number of rules must be less than 15")


def test_bad_input_names_the_option_and_sends_nothing(run_module, harbor):
    for options, message in [
        ({"project": "Team A"}, "project: 'Team A' is not a Harbor project name"),
        ({"schedule": "0 0 * * *"}, "schedule: '0 0 * * *' is not Harbor's cron"),
        ({"rules": [{"template": "latestPushedK"}]}, "rules[0].params: template latestPushedK takes {latestPushedK: "),
        ({"rules": [{"template": "always", "params": {"x": 1}}]}, "rules[0].params: template always takes none"),
        ({"rules": [{"template": "latestPulledN", "params": {"latestPulledN": 0}}]},
         "rules[0].params.latestPulledN: 0 is not a whole number above 0"),
        ({"state": "absent"}, "rules, schedule: have no effect with state=absent"),
        ({"rules": [{"template": "newest"}]}, "value of template must be one of"),
    ]:
        result = run_module(harbor_retention, team_a(harbor, **options))
        assert result["failed"] is True and message in result["msg"], result["msg"]
    assert harbor.double.requests == []
