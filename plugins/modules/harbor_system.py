#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: harbor_system
short_description: Change Harbor's system configuration over Harbor's API
version_added: 0.1.0
description:
  - Manages the settings of Harbor's system configuration that its API holds (Administration, Configuration);
    the authentication mode and its LDAP, OIDC, UAA or HTTP auth proxy settings, self-registration, who may
    create projects, per-project quotas, robot accounts' defaults, audit logs, the banner message...
  - Only the settings given are compared and changed; the others are left as they are.
  - A run that changes nothing costs one request.
  - The settings of Harbor's C(harbor.yml) (hostname, database, storage) are not here; see
    M(anchorage.registry.harbor_config).
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.harbor_api
  - anchorage.registry.attributes
attributes:
  idempotent:
    details: Not with O(update_secrets=always), which sends the secrets on every run.
  safe_file_operations:
    support: N/A
    details: Writes no files; Harbor stores its configuration.
options:
  settings:
    description:
      - The settings, by the names of Harbor's API, with values of the types it gives them. Unknown names and
        wrong types are refused by name.
      - "Strings: V(auth_mode) (V(db_auth), V(ldap_auth), V(uaa_auth), V(http_auth), V(oidc_auth)),
        V(project_creation_restriction) (V(everyone), V(adminonly)), V(ldap_url), V(ldap_base_dn), V(ldap_search_dn),
        V(ldap_filter), V(ldap_uid), V(ldap_group_base_dn), V(ldap_group_admin_dn), V(ldap_group_attribute_name),
        V(ldap_group_search_filter), V(ldap_group_membership_attribute), V(oidc_name), V(oidc_endpoint),
        V(oidc_client_id), V(oidc_groups_claim), V(oidc_admin_group), V(oidc_group_filter), V(oidc_scope),
        V(oidc_user_claim), V(oidc_extra_redirect_parms), V(uaa_client_id), V(uaa_endpoint),
        V(http_authproxy_endpoint), V(http_authproxy_tokenreview_endpoint), V(http_authproxy_admin_groups),
        V(http_authproxy_admin_usernames), V(http_authproxy_server_certificate), V(robot_name_prefix),
        V(audit_log_forward_endpoint), V(banner_message), V(disabled_audit_log_event_types)."
      - "Booleans: V(primary_auth_mode), V(self_registration), V(read_only), V(ldap_verify_cert),
        V(ldap_group_attach_parallel), V(oidc_verify_cert), V(oidc_auto_onboard), V(oidc_logout), V(uaa_verify_cert),
        V(http_authproxy_verify_cert), V(http_authproxy_skip_search), V(notification_enable),
        V(quota_per_project_enable), V(skip_audit_log_database), V(scanner_skip_update_pulltime)."
      - "Whole numbers: V(ldap_scope) and V(ldap_group_search_scope) (V(0) base, V(1) one level, V(2) subtree),
        V(ldap_timeout) (seconds), V(token_expiration) and V(session_timeout) (minutes), V(robot_token_duration)
        (days), V(storage_per_project) (bytes, V(-1) for no limit)."
      - "Secrets, masked in logs, results and diffs: V(ldap_search_password), V(oidc_client_secret),
        V(uaa_client_secret). Harbor never gives them back, so they are not compared: they are sent with any other
        change of the same run, and on every run with O(update_secrets=always)."
      - A setting that Harbor's environment fixes (C(CONFIG_OVERWRITE_JSON), shown not editable) is refused.
    type: dict
    required: true
  update_secrets:
    description:
      - V(with_changes) sends the secrets in O(settings) only together with another setting that changes;
        V(always) sends them on every run (and reports a change), to rotate them.
    type: str
    choices: [with_changes, always]
    default: with_changes
notes:
  - Needs a system administrator.
  - Harbor refuses to change V(auth_mode) once users other than its admin exist.
"""

EXAMPLES = r"""
- name: LDAP users, projects created by administrators only, no self-registration
  anchorage.registry.harbor_system:
    api_url: https://harbor.example.com
    api_username: admin
    api_password: "{{ harbor_admin_password }}"
    settings:
      auth_mode: ldap_auth
      ldap_url: ldaps://ldap.example.com
      ldap_base_dn: ou=people,dc=example,dc=com
      ldap_search_dn: cn=harbor,ou=services,dc=example,dc=com
      ldap_search_password: "{{ vault_ldap_password }}"
      ldap_uid: uid
      ldap_scope: 2
      self_registration: false
      project_creation_restriction: adminonly
"""

RETURN = r"""
system:
  description: The settings given, after the run (as they would be, in check mode), secrets as V(*****).
  returned: always
  type: dict
  sample: {auth_mode: ldap_auth, ldap_search_password: "*****", self_registration: false}
changes:
  description: The names of the settings that changed (would change, in check mode), secrets sent included.
  returned: always
  type: list
  elements: str
  sample: [auth_mode, ldap_search_password, ldap_url]
requests:
  description: Every request made to Harbor, in order.
  returned: always
  type: list
  elements: dict
  sample:
    - {method: GET, path: /api/v2.0/configurations, status: 200}
    - {method: PUT, path: /api/v2.0/configurations, status: 200}
"""

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import HARBOR_API_SPEC, run
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_system import SYSTEM_SPEC, System, secret_values
from ansible_collections.anchorage.registry.plugins.module_utils._module import SecretMaskingModule


def main():
    module = SecretMaskingModule(secret_values, argument_spec=dict(HARBOR_API_SPEC, **SYSTEM_SPEC),
                                 supports_check_mode=True)
    run(module, System())


if __name__ == "__main__":
    main()
