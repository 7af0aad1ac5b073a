# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""harbor_registry over HTTP against the Harbor double, every exchange checked by Prism (conftest.py)."""

from __future__ import annotations

import json

from ansible_collections.anchorage.registry.plugins.modules import harbor_registry
from harbor_double import DEVELOPER

SECRET = "dckr-pat-0123456789abcdef"


def methods(result):
    return [call["method"] for call in result["requests"]]


def hub(harbor, **options):
    return harbor.args(**dict(dict(name="hub", type="docker-hub", url="https://hub.docker.com/",
                                   credential={"access_key": "anchorage", "access_secret": SECRET}), **options))


def test_create_noop_update_remove(run_module, harbor):
    for index in range(30):  # more than one page of Harbor's list: the lookup must not depend on it
        harbor.double.add_registry("mirror-%02d" % index, "docker-registry", "https://mirror-%02d.example" % index)
    created = run_module(harbor_registry, hub(harbor))
    assert created["changed"] is True and created["changes"] == ["created"]
    stored = harbor.double.registry_named("hub")
    assert created["registry_id"] == stored["id"]
    assert stored["url"] == "https://hub.docker.com"  # Harbor drops the trailing slash; so does the comparison
    assert stored["credential"] == {"type": "basic", "access_key": "anchorage", "access_secret": SECRET}

    harbor.double.requests[:] = []
    again = run_module(harbor_registry, hub(harbor))
    assert again["changed"] is False and harbor.double.requests == [("GET", "/api/v2.0/registries")]
    assert again["registry"]["access_secret"] == "*****"

    moved = run_module(harbor_registry, hub(harbor, description="Docker Hub, logged in", insecure=True))
    assert moved["changed"] is True and moved["changes"] == ["description", "insecure"]
    assert stored["description"] == "Docker Hub, logged in" and stored["insecure"] is True
    assert stored["credential"]["access_secret"] == SECRET  # not sent again, so kept

    removed = run_module(harbor_registry, harbor.args(name="hub", state="absent"))
    assert removed["changed"] is True and harbor.double.registry_named("hub") is None
    assert methods(removed) == ["GET", "DELETE"]
    gone = run_module(harbor_registry, harbor.args(name="hub", state="absent"))
    assert gone["changed"] is False and methods(gone) == ["GET"]


def test_check_mode_and_diff_mask_the_secret(run_module, harbor):
    would = run_module(harbor_registry, hub(harbor), check_mode=True, diff=True)
    assert would["changed"] is True and harbor.double.registries == {} and methods(would) == ["GET"]
    assert would["diff"] == {"before": {}, "after": {
        "name": "hub", "type": "docker-hub", "url": "https://hub.docker.com", "credential_type": "basic",
        "access_key": "anchorage", "access_secret": "*****"}}
    run_module(harbor_registry, hub(harbor))
    key = run_module(harbor_registry, hub(harbor, credential={"access_key": "other", "access_secret": SECRET}),
                     check_mode=True, diff=True)
    assert key["changes"] == ["access_key"] and harbor.double.registry_named("hub")["credential"]["access_key"] == "anchorage"
    assert key["diff"]["before"]["access_key"] == "anchorage" and key["diff"]["after"]["access_key"] == "other"
    assert SECRET not in json.dumps(would) + json.dumps(key)


def test_update_secret_always_sends_it_again(run_module, harbor):
    run_module(harbor_registry, hub(harbor))
    rotated = run_module(harbor_registry, hub(harbor, credential={"access_key": "anchorage", "access_secret": "new-token-2",
                                                                  "update_secret": "always"}), diff=True)
    assert rotated["changed"] is True and rotated["changes"] == ["access_secret"]
    assert rotated["diff"]["after"]["access_secret"] == "***** (replaced)"
    assert harbor.double.registry_named("hub")["credential"]["access_secret"] == "new-token-2"
    kept = run_module(harbor_registry, hub(harbor, credential={"access_key": "anchorage", "access_secret": "ignored"}))
    assert kept["changed"] is False  # on_create: a stored secret is left alone


def test_secret_is_masked_in_the_logged_invocation_and_the_result(run_module, harbor, monkeypatch):
    logged = []
    monkeypatch.setattr("syslog.syslog", lambda *args: logged.append(args[-1]))
    result = run_module(harbor_registry, hub(harbor), diff=True)
    assert result["changed"] is True
    invocation = [line for line in logged if line.startswith("Invoked with")]
    assert len(invocation) == 1 and "anchorage" in invocation[0] and "hub.docker.com" in invocation[0]
    for secret in (SECRET, harbor.args()["api_password"]):
        assert secret not in invocation[0] and secret not in json.dumps(result)


def test_type_cannot_change(run_module, harbor):
    run_module(harbor_registry, hub(harbor))
    refused = run_module(harbor_registry, hub(harbor, type="quay"))
    assert refused["failed"] is True
    assert refused["msg"].startswith("type: registry endpoint 'hub' is of type docker-hub; Harbor cannot change")
    assert methods(refused) == ["GET"]


def test_api_errors_are_readable(run_module, harbor):
    forbidden = run_module(harbor_registry, dict(hub(harbor), api_username=DEVELOPER[0], api_password=DEVELOPER[1]))
    assert forbidden["failed"] is True
    assert forbidden["msg"].startswith("GET /api/v2.0/registries: 403 FORBIDDEN forbidden (X-Request-Id: double-")
    rid = harbor.double.add_registry("hub")
    harbor.double.add_project("dockerhub", registry_id=rid)
    busy = run_module(harbor_registry, harbor.args(name="hub", state="absent"))
    assert busy["msg"] == ("DELETE /api/v2.0/registries/%d: 412 PRECONDITION the registry %d is referenced by proxy "
                           "cache project, can not be deleted (X-Request-Id: %s)"
                           % (rid, rid, busy["msg"].rsplit(": ", 1)[-1].rstrip(")")))


def test_bad_input_names_the_option_and_sends_nothing(run_module, harbor):
    for options, message in [
        ({"url": "hub.docker.com"}, "url: 'hub.docker.com' is not a URL with a scheme"),
        ({"url": "https://user:pw@hub.docker.com"}, "url: 'https://user:pw@hub.docker.com' carries credentials"),
        ({"name": "a,b"}, "name: 'a,b' has a comma"),
        ({"credential": {"access_secret": SECRET}}, "credential.access_key: needed with credential.access_secret"),
        ({"type": "nexus"}, "value of type must be one of"),
        ({"url": None}, "url: needed with state=present"),
    ]:
        result = run_module(harbor_registry, hub(harbor, **options))
        assert result["failed"] is True and message in result["msg"], result["msg"]
        assert SECRET not in json.dumps(result)
    assert harbor.double.requests == []
