# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""harbor_replication over HTTP against the Harbor double, every exchange checked by Prism (conftest.py)."""

from __future__ import annotations

from ansible_collections.anchorage.registry.plugins.modules import harbor_registry, harbor_replication
from harbor_double import DEVELOPER

FILTERS = {"name": "library/**", "tag": "*-rc*", "tag_decoration": "excludes", "labels": ["stable", "approved"],
           "resource": "image"}
NIGHTLY = {"type": "scheduled", "cron": "0 0 3 * * *"}


def methods(result):
    return [call["method"] for call in result["requests"]]


def pull(harbor, **options):
    return harbor.args(**dict(dict(name="library-from-hub", direction="pull", registry_name="hub",
                                   dest_namespace="dockerhub", filters=FILTERS, trigger=NIGHTLY), **options))


def test_create_noop_update_remove(run_module, harbor):
    hub = harbor.double.add_registry("hub")
    for index in range(30):  # other rules: the lookup must not depend on how many there are
        harbor.double.add_policy("other-%02d" % index, hub)
    created = run_module(harbor_replication, pull(harbor))
    assert created["changed"] is True and created["changes"] == ["created"]
    stored = harbor.double.policy_named("library-from-hub")
    assert created["replication_id"] == stored["id"]
    assert stored["src_registry_id"] == hub and stored["dest_registry_id"] == 0
    assert stored["trigger"] == {"type": "scheduled", "trigger_settings": {"cron": "0 0 3 * * *"}}
    assert stored["filters"] == [{"type": "name", "value": "library/**"},
                                 {"type": "tag", "value": "*-rc*", "decoration": "excludes"},
                                 {"type": "label", "value": ["approved", "stable"], "decoration": "matches"},
                                 {"type": "resource", "value": "image"}]
    assert stored["override"] is True and stored["enabled"] is True and stored["dest_namespace"] == "dockerhub"

    harbor.double.requests[:] = []
    again = run_module(harbor_replication, pull(harbor, filters=dict(FILTERS, labels=["approved", "stable"])))
    assert again["changed"] is False and again["changes"] == []
    assert harbor.double.requests == [("GET", "/api/v2.0/registries"), ("GET", "/api/v2.0/replication/policies")]

    off = run_module(harbor_replication, pull(harbor, enabled=False), diff=True)
    assert off["changed"] is True and off["changes"] == ["enabled"] and methods(off) == ["GET", "GET", "PUT"]
    assert off["diff"]["before"]["enabled"] is True and off["diff"]["after"]["enabled"] is False
    assert stored["enabled"] is False and stored["filters"][1]["decoration"] == "excludes"  # the rest kept

    fewer = run_module(harbor_replication, pull(harbor, filters={"name": "library/**"}))
    assert fewer["changes"] == ["filters"] and stored["filters"] == [{"type": "name", "value": "library/**"}]

    removed = run_module(harbor_replication, harbor.args(name="library-from-hub", state="absent"))
    assert removed["changed"] is True and harbor.double.policy_named("library-from-hub") is None
    assert methods(removed) == ["GET", "DELETE"]
    gone = run_module(harbor_replication, harbor.args(name="library-from-hub", state="absent"))
    assert gone["changed"] is False and methods(gone) == ["GET"]


def test_direction_and_endpoint_can_change(run_module, harbor):
    hub = harbor.double.add_registry("hub")
    peer = harbor.double.add_registry("harbor-2", "harbor", "https://harbor-2.example")
    harbor.double.add_policy("sync", hub, direction="pull")
    push = run_module(harbor_replication, harbor.args(name="sync", direction="push", registry_name="harbor-2",
                                                      trigger={"type": "event_based"}, replicate_deletion=True))
    assert push["changes"] == ["direction", "registry_name", "replicate_deletion", "trigger"]
    stored = harbor.double.policy_named("sync")
    assert (stored["src_registry_id"], stored["dest_registry_id"]) == (0, peer)
    assert stored["trigger"] == {"type": "event_based"} and stored["replicate_deletion"] is True


def test_check_mode_changes_nothing(run_module, harbor):
    harbor.double.add_registry("hub")
    would = run_module(harbor_replication, pull(harbor), check_mode=True, diff=True)
    assert would["changed"] is True and harbor.double.policies == {} and set(methods(would)) == {"GET"}
    assert would["diff"]["before"] == {} and would["diff"]["after"]["trigger"] == NIGHTLY
    run_module(harbor_replication, pull(harbor))
    stored = dict(harbor.double.policy_named("library-from-hub"))
    for options in ({"override": False}, {"state": "absent"}):
        result = run_module(harbor_replication, pull(harbor, **options), check_mode=True)
        assert result["changed"] is True and set(methods(result)) == {"GET"}
    assert harbor.double.policy_named("library-from-hub") == stored


def test_api_errors_are_readable(run_module, harbor):
    missing = run_module(harbor_replication, pull(harbor))
    assert missing["failed"] is True and missing["msg"].startswith("registry_name: Harbor has no registry endpoint "
                                                                   "named 'hub'")
    hub = harbor.double.add_registry("hub")
    forbidden = run_module(harbor_replication, dict(pull(harbor), api_username=DEVELOPER[0], api_password=DEVELOPER[1]))
    assert forbidden["msg"].startswith("GET /api/v2.0/registries: 403 FORBIDDEN forbidden (X-Request-Id: ")
    pid = harbor.double.add_policy("busy", hub, running=True)
    used = run_module(harbor_registry, harbor.args(name="hub", state="absent"))
    assert "412 PRECONDITION the registry %d is referenced by replication policies" % hub in used["msg"]
    busy = run_module(harbor_replication, harbor.args(name="busy", state="absent"))
    assert busy["msg"].startswith("DELETE /api/v2.0/replication/policies/%d: 412 PRECONDITION the policy %d has "
                                  "running executions" % (pid, pid))


def test_bad_input_names_the_option_and_sends_nothing(run_module, harbor):
    for options, message in [
        ({"name": "a,b"}, "name: 'a,b' has a comma"),
        ({"direction": None}, "direction: needed with state=present"),
        ({"registry_name": None}, "registry_name: needed with state=present"),
        ({"trigger": {"type": "scheduled", "cron": "0 3 * * *"}}, "trigger.cron: '0 3 * * *' is not Harbor's cron"),
        ({"trigger": {"cron": "0 0 3 * * *"}}, "trigger.cron: only with trigger.type=scheduled"),
        ({"trigger": {"type": "event_based"}}, "trigger.type: event_based replicates what is pushed here"),
        ({"filters": {"label_decoration": "excludes"}}, "filters.label_decoration: only with filters.labels"),
        ({"filters": {"resource": "chart"}}, "value of resource must be one of"),
    ]:
        args = dict((key, value) for key, value in pull(harbor, **options).items() if value is not None)
        result = run_module(harbor_replication, args)
        assert result["failed"] is True and message in result["msg"], result["msg"]
    assert harbor.double.requests == []
