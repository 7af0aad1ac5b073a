# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""harbor_system over HTTP against the Harbor double, every exchange checked by Prism (conftest.py)."""

from __future__ import annotations

import json

from ansible_collections.anchorage.registry.plugins.modules import harbor_system
from harbor_double import CONFIGURATION, DEVELOPER

LDAP_PASSWORD = "ldap-Bind-pw-93"
LDAP = {"auth_mode": "ldap_auth", "ldap_url": "ldaps://ldap.example.com", "ldap_base_dn": "ou=people,dc=example",
        "ldap_search_dn": "cn=harbor,dc=example", "ldap_search_password": LDAP_PASSWORD, "ldap_scope": 1}


def methods(result):
    return [call["method"] for call in result["requests"]]


def test_change_noop_and_only_the_settings_given(run_module, harbor):
    changed = run_module(harbor_system, harbor.args(settings=dict(LDAP, self_registration=False)), diff=True)
    assert changed["changed"] is True and methods(changed) == ["GET", "PUT"]
    # self_registration is already false: not sent; the password goes with the LDAP settings that change.
    assert changed["changes"] == ["auth_mode", "ldap_base_dn", "ldap_scope", "ldap_search_dn", "ldap_search_password",
                                  "ldap_url"]
    config = harbor.double.configuration
    assert config["auth_mode"] == "ldap_auth" and config["ldap_scope"] == 1
    assert harbor.double.configuration_secrets == {"ldap_search_password": LDAP_PASSWORD}
    assert changed["diff"]["before"]["ldap_search_password"] == "*****"
    assert changed["diff"]["after"]["ldap_search_password"] == "***** (sent)"
    assert changed["diff"]["before"]["auth_mode"] == "db_auth" and set(changed["diff"]["after"]) == set(LDAP) | {
        "self_registration"}
    untouched = dict((key, value) for key, value in CONFIGURATION.items() if key not in LDAP)
    assert dict((key, config[key]) for key in untouched) == untouched

    harbor.double.requests[:] = []
    again = run_module(harbor_system, harbor.args(settings=dict(LDAP, self_registration=False)))
    assert again["changed"] is False and harbor.double.requests == [("GET", "/api/v2.0/configurations")]
    assert again["system"]["ldap_search_password"] == "*****"

    one = run_module(harbor_system, harbor.args(settings={"project_creation_restriction": "adminonly"}))
    assert one["changes"] == ["project_creation_restriction"] and config["project_creation_restriction"] == "adminonly"
    assert config["auth_mode"] == "ldap_auth"


def test_update_secrets_always_sends_them_again(run_module, harbor):
    run_module(harbor_system, harbor.args(settings=LDAP))
    rotated = run_module(harbor_system, harbor.args(settings=dict(LDAP, ldap_search_password="New-bind-pw-2"),
                                                    update_secrets="always"))
    assert rotated["changed"] is True and rotated["changes"] == ["ldap_search_password"]
    assert harbor.double.configuration_secrets["ldap_search_password"] == "New-bind-pw-2"
    kept = run_module(harbor_system, harbor.args(settings=dict(LDAP, ldap_search_password="ignored-Pw-3")))
    assert kept["changed"] is False and harbor.double.configuration_secrets["ldap_search_password"] == "New-bind-pw-2"


def test_check_mode_changes_nothing(run_module, harbor):
    would = run_module(harbor_system, harbor.args(settings=LDAP), check_mode=True, diff=True)
    assert would["changed"] is True and "auth_mode" in would["changes"] and methods(would) == ["GET"]
    assert harbor.double.configuration == CONFIGURATION and harbor.double.configuration_secrets == {}


def test_secrets_stay_out_of_the_logged_invocation_and_the_result(run_module, harbor, monkeypatch):
    logged = []
    monkeypatch.setattr("syslog.syslog", lambda *args: logged.append(args[-1]))
    settings = dict(LDAP, oidc_client_secret="oidc-Secret-77")
    result = run_module(harbor_system, harbor.args(settings=settings), diff=True)
    assert result["changed"] is True
    invocation = [line for line in logged if line.startswith("Invoked with")]
    assert len(invocation) == 1 and "ldaps://ldap.example.com" in invocation[0]  # the rest stays readable
    for secret in (LDAP_PASSWORD, "oidc-Secret-77", harbor.args()["api_password"]):
        assert secret not in invocation[0] and secret not in json.dumps(result)


def test_a_setting_fixed_by_the_environment_is_refused(run_module, harbor):
    harbor.double.fixed_settings.add("self_registration")
    refused = run_module(harbor_system, harbor.args(settings={"self_registration": True, "read_only": True}))
    assert refused["failed"] is True and methods(refused) == ["GET"]
    assert refused["msg"] == "settings.self_registration: Harbor's environment fixes it (editable: false), the API " \
                             "cannot change it"
    same = run_module(harbor_system, harbor.args(settings={"self_registration": False}))
    assert same["changed"] is False  # what it is fixed to is fine


def test_api_errors_are_readable(run_module, harbor):
    forbidden = run_module(harbor_system, dict(harbor.args(settings={"read_only": True}), api_username=DEVELOPER[0],
                                               api_password=DEVELOPER[1]))
    assert forbidden["msg"].startswith("GET /api/v2.0/configurations: 403 FORBIDDEN forbidden (X-Request-Id: ")
    del harbor.double.configuration["banner_message"]  # an older Harbor, without the setting
    older = run_module(harbor_system, harbor.args(settings={"banner_message": "hello"}))
    assert older["msg"].startswith("PUT /api/v2.0/configurations: 400 BAD_REQUEST invalid config, cannot set config "
                                   "item banner_message (X-Request-Id: ")


def test_bad_input_names_the_option_and_sends_nothing(run_module, harbor):
    for settings, message in [
        ({}, "settings: give at least one setting"),
        ({"auth_mod": "db_auth"}, "settings.auth_mod: not a setting of Harbor's configuration API"),
        ({"auth_mode": "ldap"}, "settings.auth_mode: 'ldap' is not one of db_auth, ldap_auth"),
        ({"self_registration": "yes"}, "settings.self_registration: 'yes' is not a boolean"),
        ({"ldap_timeout": 0}, "settings.ldap_timeout: 0 is below 1"),
        ({"storage_per_project": True}, "settings.storage_per_project: True is not a whole number"),
        ({"ldap_scope": 3}, "settings.ldap_scope: 3 is not one of 0, 1, 2"),
        ({"ldap_search_password": 1234567}, "settings.ldap_search_password: the value is not a string"),
    ]:
        result = run_module(harbor_system, harbor.args(settings=settings))
        assert result["failed"] is True and result["msg"].startswith(message), result["msg"]
    assert harbor.double.requests == []
