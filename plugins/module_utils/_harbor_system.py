# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Harbor's system configuration (``harbor_system``): only the settings given are compared and changed.

A no-op costs one request, ``GET /configurations`` (each setting as ``{value, editable}``);
a change is one ``PUT /configurations`` with the settings that differ. The settings and their
types are those of the spec's ``Configurations``. Harbor never gives its secrets back (the LDAP
search password, the OIDC and UAA client secrets), so they cannot be compared: they are sent
with any other change, so that a new LDAP or OIDC endpoint gets its secret too, and on every
run with ``update_secrets: always``. A setting Harbor's environment fixes (``editable: false``)
is refused, by name.
"""

from __future__ import annotations

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import MASK, ApiObject

REPLACED = MASK + " (sent)"
SECRETS = ("ldap_search_password", "oidc_client_secret", "uaa_client_secret")
BOOLEANS = ("primary_auth_mode", "ldap_group_attach_parallel", "ldap_verify_cert", "read_only", "self_registration",
            "uaa_verify_cert", "http_authproxy_verify_cert", "http_authproxy_skip_search", "oidc_verify_cert",
            "oidc_auto_onboard", "oidc_logout", "notification_enable", "quota_per_project_enable",
            "skip_audit_log_database", "scanner_skip_update_pulltime")
# The whole numbers and their least values (-1 for no storage limit).
INTEGERS = {"ldap_group_search_scope": 0, "ldap_scope": 0, "ldap_timeout": 1, "token_expiration": 1,
            "robot_token_duration": 1, "storage_per_project": -1, "session_timeout": 1}
STRINGS = ("auth_mode", "ldap_base_dn", "ldap_filter", "ldap_group_base_dn", "ldap_group_admin_dn",
           "ldap_group_attribute_name", "ldap_group_search_filter", "ldap_search_dn", "ldap_uid", "ldap_url",
           "ldap_group_membership_attribute", "project_creation_restriction", "uaa_client_id", "uaa_endpoint",
           "http_authproxy_endpoint", "http_authproxy_tokenreview_endpoint", "http_authproxy_admin_groups",
           "http_authproxy_admin_usernames", "http_authproxy_server_certificate", "oidc_name", "oidc_endpoint",
           "oidc_client_id", "oidc_groups_claim", "oidc_admin_group", "oidc_group_filter", "oidc_scope",
           "oidc_user_claim", "oidc_extra_redirect_parms", "robot_name_prefix", "audit_log_forward_endpoint",
           "banner_message", "disabled_audit_log_event_types") + SECRETS
CHOICES = {
    "auth_mode": ("db_auth", "ldap_auth", "uaa_auth", "http_auth", "oidc_auth"),
    "project_creation_restriction": ("everyone", "adminonly"),
    "ldap_scope": (0, 1, 2),  # base, one level, subtree
    "ldap_group_search_scope": (0, 1, 2),
}

SYSTEM_SPEC = dict(
    settings=dict(type="dict", required=True),
    update_secrets=dict(type="str", choices=["with_changes", "always"], default="with_changes"),
)


def secret_values(params):
    """The secret values among the settings (masked wherever Ansible would show them)."""
    settings = params.get("settings") or {}
    return [settings.get(key) for key in SECRETS]


def setting_errors(key, value):
    where = "settings.%s" % key
    if key in BOOLEANS:
        return [] if isinstance(value, bool) else ["%s: %r is not a boolean" % (where, value)]
    if key in INTEGERS:
        if isinstance(value, bool) or not isinstance(value, int):
            return ["%s: %r is not a whole number" % (where, value)]
        if value < INTEGERS[key]:
            return ["%s: %r is below %d" % (where, value, INTEGERS[key])]
    elif key in STRINGS:
        if not isinstance(value, str):
            return ["%s: %s is not a string" % (where, "the value" if key in SECRETS else repr(value))]
    else:
        return ["%s: not a setting of Harbor's configuration API (see the module's documentation)" % where]
    if key in CHOICES and value not in CHOICES[key]:
        return ["%s: %r is not one of %s" % (where, value, ", ".join(str(choice) for choice in CHOICES[key]))]
    return []


def system_errors(params):
    settings = params.get("settings") or {}
    if not settings:
        return ["settings: give at least one setting"]
    errors = []
    for key in sorted(settings):
        errors.extend(setting_errors(key, settings[key]))
    return errors


def system_view(live):
    """Every setting Harbor answered, by value; the secrets, which it never answers, as ``*****``."""
    view = dict((key, item.get("value")) for key, item in (live or {}).items() if isinstance(item, dict))
    view.update((key, MASK) for key in SECRETS)
    return view


def wanted_view(params, before):
    settings = params["settings"]
    view = dict(before)
    view.update((key, value) for key, value in settings.items() if key not in SECRETS)
    others_change = any(before.get(key) != view[key] for key in settings if key not in SECRETS)
    if others_change or params.get("update_secrets") == "always":
        view.update((key, REPLACED) for key in settings if key in SECRETS)
    return view


def fixed_settings(live):
    """The settings Harbor's environment fixes (``editable: false``)."""
    return set(key for key, item in (live or {}).items() if isinstance(item, dict) and item.get("editable") is False)


def system_refusals(fixed, before, after):
    return ["settings.%s: Harbor's environment fixes it (editable: false), the API cannot change it" % key
            for key in sorted(after) if key in fixed and before.get(key) != after[key]]


class System(ApiObject):
    kind = "system"
    has_id = False

    def __init__(self):
        self.fixed = set()

    def fields(self, params):
        return sorted(params["settings"])

    def errors(self, params):
        return system_errors(params)

    def read(self, client, params):
        _s, _h, data = client.request("GET", "/configurations")
        self.fixed = fixed_settings(data)
        return data or {}, None

    def view(self, live, context):
        return system_view(live)

    def wanted(self, params, context, before):
        return wanted_view(params, before)

    def refusals(self, before, after):
        return system_refusals(self.fixed, before, after)

    def identity(self, live):
        return None

    def update(self, client, params, live, context, changes):
        client.request("PUT", "/configurations", body=dict((key, params["settings"][key]) for key in changes))
