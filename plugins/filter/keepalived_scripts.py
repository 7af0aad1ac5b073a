# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: keepalived_scripts
short_description: HTTP health checks as scripts for anchorage.registry.keepalived_config
version_added: 0.1.0
description:
  - Turns the P(anchorage.registry.keepalived#role) role's C(keepalived_checks) into the
    O(anchorage.registry.keepalived_config#module:scripts) option, one C(vrrp_script) per check running the
    role's C(keepalived-check-http) with the check's status codes, timeout, reject pattern, TLS settings
    and URL. The checks start failed (C(init_fail)).
  - An argument with spaces is single-quoted, so that keepalived passes it as one argument. One with a
    quote, a backslash or a control character is refused, naming it - keepalived before and after 2.3.2
    read those differently.
  - Every problem is reported at once, each naming the check (C(keepalived_checks[1].url)) or the role
    variable (C(keepalived_check_interval) 1-4294 seconds, C(keepalived_check_timeout) 1-4294 seconds,
    C(keepalived_check_fall) and C(keepalived_check_rise) 1-1000000; C(status_codes) 100-599).
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: kinds, command, defaults
options:
  _input:
    description: The health checks (C(keepalived_checks)).
    type: list
    elements: dict
    required: true
  kinds:
    description: Per check kind, the default C(url), C(status_codes) and C(reject_pattern).
    type: dict
    required: true
  command:
    description: Path of C(keepalived-check-http) on the hosts.
    type: path
    required: true
  defaults:
    description: The C(interval), C(timeout), C(fall) and C(rise) of a check that gives none.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: The health checks' scripts
  ansible.builtin.set_fact:
    scripts: >-
      {{ [{'name': 'registry', 'url': 'http://127.0.0.1:5000/v2/'}] | anchorage.registry.keepalived_scripts(
           kinds={'distribution': {'url': '', 'status_codes': [200, 401], 'reject_pattern': ''}},
           command='/usr/local/libexec/anchorage/keepalived-check-http',
           defaults={'interval': 1, 'timeout': 1, 'fall': 2, 'rise': 2}) }}
"""

RETURN = r"""
_value:
  description: The scripts, each with C(name), C(command), C(init_fail), C(interval), C(timeout), C(fall), C(rise), C(weight).
  type: list
  elements: dict
  sample:
    - name: registry
      command: /usr/local/libexec/anchorage/keepalived-check-http -c 200,401 -t 1 http://127.0.0.1:5000/v2/
      init_fail: true
      interval: 1
      timeout: 1
      fall: 2
      rise: 2
      weight: null
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.module_utils._keepalived_plan import health_scripts


def keepalived_scripts(checks, kinds, command, defaults):
    try:
        return health_scripts(checks, kinds, command, defaults)
    except ValueError as exc:
        raise AnsibleFilterError(str(exc))


class FilterModule(object):
    def filters(self):
        return {"keepalived_scripts": keepalived_scripts}
