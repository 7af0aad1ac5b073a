# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""harbor_project over HTTP against the Harbor double, every exchange checked by Prism (conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import HarborClient, HarborError
from ansible_collections.anchorage.registry.plugins.modules import harbor_project
from harbor_double import ADMIN, DEVELOPER, ROBOT

GIB = 1 << 30


def methods(result):
    return [call["method"] for call in result["requests"]]


def test_create_noop_update_remove(run_module, harbor):
    args = harbor.args(name="team-a", storage_limit=20 * GIB, auto_scan=True)
    created = run_module(harbor_project, args)
    assert created["changed"] is True and created["changes"] == ["created"]
    project = harbor.double.project_named("team-a")
    assert created["project_id"] == project["project_id"]
    assert project["metadata"] == {"public": "false", "auto_scan": "true"}
    assert harbor.double.quota_of(project["project_id"])["storage"] == 20 * GIB

    harbor.double.requests[:] = []
    again = run_module(harbor_project, args)
    assert again["changed"] is False and again["changes"] == []
    # The project by name, then its quota: the same two requests however many projects there are.
    assert harbor.double.requests == [("GET", "/api/v2.0/projects/team-a"), ("GET", "/api/v2.0/quotas")]
    assert again["project"] == {"name": "team-a", "storage_limit": 20 * GIB, "auto_scan": True}

    changed = run_module(harbor_project, dict(args, storage_limit=-1))
    assert changed["changed"] is True and changed["changes"] == ["storage_limit"]
    assert methods(changed) == ["GET", "GET", "PUT"]  # only the quota: the metadata did not change
    assert harbor.double.quota_of(project["project_id"])["storage"] == -1
    assert project["metadata"]["auto_scan"] == "true"

    public = run_module(harbor_project, harbor.args(name="team-a", public=True))
    assert public["changes"] == ["public"] and project["metadata"]["public"] == "true"
    assert methods(public) == ["GET", "PUT"]  # no quota read when storage_limit is not managed

    removed = run_module(harbor_project, harbor.args(name="team-a", state="absent"))
    assert removed["changed"] is True and removed["changes"] == ["deleted"]
    assert harbor.double.project_named("team-a") is None and removed["project_id"] is None
    gone = run_module(harbor_project, harbor.args(name="team-a", state="absent"))
    assert gone["changed"] is False and methods(gone) == ["GET"]


def test_check_mode_changes_nothing_and_says_what_would(run_module, harbor):
    would = run_module(harbor_project, harbor.args(name="team-b", public=True), check_mode=True, diff=True)
    assert would["changed"] is True and would["changes"] == ["created"]
    assert would["diff"] == {"before": {}, "after": {"name": "team-b", "public": True}}
    assert harbor.double.projects == {} and set(methods(would)) == {"GET"}

    harbor.double.add_project("team-b", {"public": "false"}, storage_limit=GIB)
    update = run_module(harbor_project, harbor.args(name="team-b", public=True, storage_limit=2 * GIB), check_mode=True)
    assert update["changed"] is True and update["changes"] == ["public", "storage_limit"]
    assert harbor.double.project_named("team-b")["metadata"]["public"] == "false"
    assert harbor.double.quota_of(harbor.double.project_named("team-b")["project_id"])["storage"] == GIB
    remove = run_module(harbor_project, harbor.args(name="team-b", state="absent"), check_mode=True)
    assert remove["changed"] is True and harbor.double.project_named("team-b") is not None
    assert set(methods(update) + methods(remove)) == {"GET"}


def test_diff_shows_the_managed_fields(run_module, harbor):
    harbor.double.add_project("team-c", {"public": "true", "auto_scan": "false"}, storage_limit=GIB)
    result = run_module(harbor_project, harbor.args(name="team-c", auto_scan=True, storage_limit=GIB), diff=True)
    assert result["diff"] == {
        "before": {"name": "team-c", "auto_scan": False, "storage_limit": GIB},
        "after": {"name": "team-c", "auto_scan": True, "storage_limit": GIB},
    }
    removed = run_module(harbor_project, harbor.args(name="team-c", state="absent"), diff=True)
    assert removed["diff"] == {"before": {"name": "team-c", "public": True, "auto_scan": True, "registry_name": None},
                               "after": {}}


def test_proxy_cache_bound_to_an_endpoint_by_name(run_module, harbor):
    hub = harbor.double.add_registry("hub")
    harbor.double.add_registry("other", "quay", "https://quay.io")
    args = harbor.args(name="dockerhub", public=True, registry_name="hub")
    created = run_module(harbor_project, args)
    assert created["changed"] is True
    assert harbor.double.project_named("dockerhub")["registry_id"] == hub
    again = run_module(harbor_project, args, diff=True)
    assert again["changed"] is False and again["diff"]["before"]["registry_name"] == "hub"
    assert methods(again) == ["GET", "GET"]

    moved = run_module(harbor_project, dict(args, registry_name="other"))
    assert moved["failed"] is True and moved["msg"].startswith("registry_name: project 'dockerhub' is a proxy cache of ")
    harbor.double.add_project("plain")
    refused = run_module(harbor_project, harbor.args(name="plain", registry_name="hub"))
    assert "is not a proxy cache" in refused["msg"] and methods(refused) == ["GET", "GET"]
    missing = run_module(harbor_project, harbor.args(name="x", registry_name="nowhere"))
    assert missing["failed"] is True and missing["msg"].startswith("registry_name: Harbor has no registry endpoint")


def test_a_robot_account_works_and_credentials_stay_out_of_logs(run_module, harbor, monkeypatch):
    logged = []
    monkeypatch.setattr("syslog.syslog", lambda *args: logged.append(args[-1]))
    result = run_module(harbor_project, harbor.args(user=ROBOT, name="robot-made"))
    assert result["changed"] is True and harbor.double.project_named("robot-made")
    invocation = [line for line in logged if line.startswith("Invoked with")]
    assert len(invocation) == 1 and "robot$automation" in invocation[0]
    assert ROBOT[1] not in invocation[0] and ROBOT[1] not in json.dumps(result)


def test_api_errors_are_readable(run_module, harbor):
    wrong = run_module(harbor_project, dict(harbor.args(name="team-d"), api_password="not-it"))
    assert wrong["failed"] is True
    assert wrong["msg"].startswith("GET /api/v2.0/projects/team-d: 401 UNAUTHORIZED unauthorized (X-Request-Id: double-")
    harbor.double.add_project("team-d")
    forbidden = run_module(harbor_project, harbor.args(user=DEVELOPER, name="team-d", public=True))
    assert forbidden["msg"].startswith("PUT /api/v2.0/projects/%d: 403 FORBIDDEN forbidden (X-Request-Id: "
                                       % harbor.double.project_named("team-d")["project_id"])
    harbor.double.project_named("team-d")["repo_count"] = 2
    busy = run_module(harbor_project, harbor.args(name="team-d", state="absent"))
    assert "412 PRECONDITION the project contains repositories, can not be deleted" in busy["msg"]
    assert busy["requests"][-1]["status"] == 412 and harbor.double.project_named("team-d")

    client = HarborClient(harbor.prism.url, *ADMIN)
    with pytest.raises(HarborError) as taken:
        client.create("/projects", {"project_name": "team-d"})
    assert str(taken.value).startswith("POST /api/v2.0/projects: 409 CONFLICT project team-d already exists")
    assert taken.value.status == 409


def test_bad_input_names_the_option_and_sends_nothing(run_module, harbor):
    for options, message in [
        ({"name": "Team A"}, "name: 'Team A' is not a Harbor project name"),
        ({"name": "ok", "storage_limit": 0}, "storage_limit: 0 must be -1 (no limit) or a number of bytes above 0"),
        ({"name": "ok", "registry_name": "a,b"}, "registry_name: 'a,b' has a comma"),
        ({"name": "ok", "api_url": "harbor.example"}, "api_url: 'harbor.example' is not a URL with a scheme"),
        ({"name": "ok", "timeout": 0}, "timeout: 0 is outside 1-3600 seconds"),
    ]:
        result = run_module(harbor_project, dict(harbor.args(), **options))
        assert result["failed"] is True and result["msg"].startswith(message), result["msg"]
    assert harbor.double.requests == []


def test_unreachable_harbor_is_named(run_module, harbor):
    from harbor_double import free_port

    result = run_module(harbor_project, dict(harbor.args(name="x"), api_url="http://127.0.0.1:%d" % free_port()))
    assert result["failed"] is True and result["msg"].startswith("GET /api/v2.0/projects/x: cannot reach http://127.0.0.1:")


def test_prism_fails_a_response_off_the_spec(run_module, harbor):
    """The harness can fail: a wrong body from the double is turned into a 500 by Prism and logged."""
    harbor.double.add_project("team-e")
    harbor.double.wrong_project_bodies = True
    result = run_module(harbor_project, harbor.args(name="team-e"))
    assert result["failed"] is True and result["msg"].startswith("GET /api/v2.0/projects/team-e: 500 ")
    assert "Request/Response not valid" in result["msg"] and harbor.prism.violations()
    harbor.prism.mark()


def test_prism_fails_a_request_off_the_spec(harbor):
    client = HarborClient(harbor.prism.url, *ADMIN)
    with pytest.raises(HarborError) as refused:  # Harbor's metadata values are strings, not booleans
        client.create("/projects", {"project_name": "team-f", "metadata": {"public": True}})
    assert refused.value.status == 422 and harbor.double.requests == []
    assert harbor.prism.violations()
    harbor.prism.mark()


def test_module_defaults_group_sets_the_connection_once(harbor, tmp_path):
    """group/anchorage.registry.harbor in meta/runtime.yml, through a real ansible-playbook run."""
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
    playbook = tmp_path / "play.yml"
    playbook.write_text(json.dumps([{
        "hosts": "localhost", "gather_facts": False,
        "module_defaults": {"group/anchorage.registry.harbor": dict(harbor.args(), timeout=10)},
        "tasks": [
            {"anchorage.registry.harbor_registry": {"name": "hub", "type": "docker-hub", "url": "https://hub.docker.com"}},
            {"anchorage.registry.harbor_project": {"name": "dockerhub", "registry_name": "hub"}},
        ],
    }]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(root, ".build", "collections"),
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    done = subprocess.run([os.path.join(root, ".venv", "bin", "ansible-playbook"), "-c", "local",
                           "-e", "ansible_python_interpreter=" + sys.executable, str(playbook)],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "changed=2" in done.stdout
    assert harbor.double.project_named("dockerhub")["registry_id"] == harbor.double.registry_named("hub")["id"]
