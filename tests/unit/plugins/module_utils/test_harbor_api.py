# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pure parts of _harbor_api, _harbor_project and _harbor_registry (no HTTP here)."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote_plus, urlencode

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils import _harbor_project as project
from ansible_collections.anchorage.registry.plugins.module_utils import _harbor_registry as registry
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import (
    connection_errors,
    error_text,
    exact_query,
    location_id,
    plan,
)

GIB = 1 << 30


def project_params(**options):
    params = dict((key, None) for key in project.PROJECT_SPEC)
    params.update(state="present", **options)
    return params


def registry_params(**options):
    params = dict((key, None) for key in registry.REGISTRY_SPEC)
    params.update(state="present", name="hub", type="docker-hub", url="https://hub.docker.com")
    params.update(options)
    return params


# --- the client's pure helpers --------------------------------------------------------------------

@pytest.mark.parametrize("name", ["hub", "docker hub", "a+b", "100%", "~fuzzy", "[x]", "{y}", "(z)", "\\back", "123"])
def test_exact_query_reaches_harbor_as_the_name(name):
    # What Harbor does with it: the query string decoded, q decoded again (Go's QueryUnescape), a
    # leading \\ dropped.
    q = parse_qs(urlencode({"q": exact_query("name", name)}))["q"][0]
    key, _sep, value = unquote_plus(q).partition("=")
    assert key == "name" and "," not in unquote_plus(q)
    assert (value[1:] if value.startswith("\\") else value) == name
    if name[0] in "~[{(":
        assert value.startswith("\\")  # an exact match, not a pattern


def test_error_text_reads_harbor_errors_and_falls_back_to_the_body():
    body = b'{"errors":[{"code":"CONFLICT","message":"project a already exists"},{"code":"X","message":"y"}]}'
    assert error_text(body) == "CONFLICT project a already exists; X y"
    assert error_text(b"<html>bad gateway</html>") == "<html>bad gateway</html>"
    assert error_text(b"") == "(no error body)"


def test_location_id():
    assert location_id("/api/v2.0/projects/12") == 12
    assert location_id("/api/v2.0/projects/team-a") is None and location_id(None) is None


def test_connection_errors_name_the_options():
    good = {"api_url": "https://harbor.example", "api_username": "robot$ci", "timeout": 30}
    assert connection_errors(good) == []
    errors = connection_errors(dict(good, api_url="harbor.example", api_username="", timeout=0))
    assert [error.split(":")[0] for error in errors] == ["api_url", "timeout", "api_username"]


# --- projects -------------------------------------------------------------------------------------

def test_project_errors():
    assert project.project_errors(project_params(name="team-a.b_c", storage_limit=-1, registry_name="hub")) == []
    errors = project.project_errors(project_params(name="-bad", storage_limit=-2, registry_name=""))
    assert [error.split(":")[0] for error in errors] == ["name", "storage_limit", "registry_name"]
    assert project.project_errors(project_params(name="a" * 256))[0].startswith("name:")
    assert project.project_errors(project_params(name="ok", storage_limit=True))[0].startswith("storage_limit:")


def test_project_view_reads_harbor_strings_quota_and_endpoint():
    live = {"project_id": 4, "name": "cache", "registry_id": 3, "metadata": {"public": "true", "retention_id": "9"}}
    quota = {"id": 8, "hard": {"storage": GIB}}
    view = project.project_view(live, quota, {"id": 3, "name": "hub"})
    assert view == {"name": "cache", "public": True, "auto_scan": False, "registry_name": "hub", "storage_limit": GIB}
    assert project.project_view(live, None, None)["registry_name"] == "(registry id 3)"
    assert "storage_limit" not in project.project_view(live, None, None)  # no quota kept


def test_project_plan_changes_only_what_differs():
    params = project_params(name="cache", public=False, storage_limit=GIB)
    live = {"project_id": 4, "name": "cache", "metadata": {"public": "true", "auto_scan": "true"}}
    context = {"registry": None, "quota": {"id": 8, "hard": {"storage": GIB}}}
    changes, before, after = plan(project.Project(), params, live, context)
    assert changes == ["public"]
    assert before == {"name": "cache", "public": True, "storage_limit": GIB}
    assert after == {"name": "cache", "public": False, "storage_limit": GIB}
    assert project.metadata_body(params, changes) == {"metadata": {"public": "false"}}
    assert project.metadata_body(params, ["storage_limit"]) is None


def test_project_create_body_is_a_project_req():
    params = project_params(name="cache", public=True, auto_scan=False, storage_limit=GIB, registry_name="hub")
    assert project.create_body(params, {"id": 3, "name": "hub"}) == {
        "project_name": "cache", "metadata": {"public": "true", "auto_scan": "false"},
        "storage_limit": GIB, "registry_id": 3}
    assert project.create_body(project_params(name="plain"), None) == {"project_name": "plain"}
    changes, before, after = plan(project.Project(), project_params(name="plain"), None, {})
    assert (changes, before, after) == (["created"], {}, {"name": "plain"})


def test_project_refusals():
    assert project.project_refusals({"name": "p", "registry_name": "hub"}, {"name": "p", "registry_name": "hub"}) == []
    moved = project.project_refusals({"name": "p", "registry_name": "hub"}, {"name": "p", "registry_name": "quay"})
    assert moved[0].startswith("registry_name: project 'p' is a proxy cache of hub;")
    plain = project.project_refusals({"name": "p", "registry_name": None}, {"name": "p", "registry_name": "hub"})
    assert "is not a proxy cache" in plain[0]
    assert project.project_refusals({"name": "p"}, {"name": "p", "storage_limit": 1})[0].startswith("storage_limit:")


# --- registry endpoints ---------------------------------------------------------------------------

def test_registry_errors():
    assert registry.registry_errors(registry_params()) == []
    errors = registry.registry_errors(registry_params(name="a,b", url="ftp://x", credential={"access_secret": "s"}))
    assert [error.split(":")[0] for error in errors] == ["name", "url", "credential.access_key"]
    assert registry.registry_errors(registry_params(type=None, url=None)) == [
        "type: needed with state=present", "url: needed with state=present"]
    assert registry.registry_errors(registry_params(type=None, url=None, state="absent")) == []


def test_registry_view_masks_and_normalises():
    live = {"id": 3, "name": "hub", "type": "docker-hub", "url": "https://hub.docker.com/", "insecure": False,
            "credential": {"type": "basic", "access_key": "me", "access_secret": "*****"}}
    assert registry.registry_view(live) == {
        "name": "hub", "type": "docker-hub", "url": "https://hub.docker.com", "insecure": False, "description": "",
        "credential_type": "basic", "access_key": "me", "access_secret": "*****"}
    assert registry.registry_view(dict(live, credential=None))["access_secret"] == ""


def test_registry_plan_and_update_body():
    live = {"id": 3, "name": "hub", "type": "docker-hub", "url": "https://hub.docker.com", "insecure": False,
            "credential": {"type": "basic", "access_key": "me", "access_secret": ""}}
    credential = {"type": "basic", "access_key": "me", "access_secret": "token", "update_secret": "on_create"}
    params = registry_params(url="https://hub.docker.com/", credential=credential)
    changes, before, after = plan(registry.Registry(), params, live, None)
    assert changes == ["access_secret"]  # none stored yet
    assert before["access_secret"] == "" and after["access_secret"] == "*****"
    assert registry.update_body(params, changes) == {"access_secret": "token"}

    live["credential"]["access_secret"] = "*****"
    assert plan(registry.Registry(), params, live, None)[0] == []
    rotate = registry_params(credential=dict(credential, update_secret="always"), description="d")
    changes, _before, after = plan(registry.Registry(), rotate, live, None)
    assert changes == ["access_secret", "description"] and after["access_secret"] == "***** (replaced)"
    assert registry.update_body(rotate, changes) == {"access_secret": "token", "description": "d"}


def test_registry_create_body_is_a_registry():
    credential = {"type": "basic", "access_key": "me", "access_secret": "token"}
    params = registry_params(url="https://hub.docker.com/ ", credential=credential)
    assert registry.create_body(params) == {
        "name": "hub", "type": "docker-hub", "url": "https://hub.docker.com", "insecure": False, "description": "",
        "credential": {"type": "basic", "access_key": "me", "access_secret": "token"}}
    assert "credential" not in registry.create_body(registry_params())


def test_registry_type_cannot_change():
    assert registry.registry_refusals({"type": "quay"}, {"name": "hub", "type": "quay"}) == []
    assert registry.registry_refusals({"type": "quay"}, {"name": "hub", "type": "harbor"})[0].startswith("type:")
