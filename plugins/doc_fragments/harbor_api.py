# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):
    """The Harbor API connection options (argument spec: ``module_utils._harbor_api.HARBOR_API_SPEC``)."""

    DOCUMENTATION = r"""
attributes:
  check_mode:
    details: Only reads; the result and the diff say what would change.
  safe_file_operations:
    support: N/A
    details: Writes no files; Harbor stores the object.
  action_group:
    description: Use C(group/anchorage.registry.harbor) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - anchorage.registry.harbor
options:
  api_url:
    description:
      - Harbor's URL, for example V(https://harbor.example.com); the modules add C(/api/v2.0).
    type: str
    required: true
  api_username:
    description:
      - User for HTTP basic authentication, Harbor's admin (or another system administrator) or a
        robot account, written as Harbor names it (V(robot$ci), or V(robot$project+name) for a project robot).
      - A robot account needs the permissions of what the module changes (for example C(registry) and C(project)
        at system level).
    type: str
    required: true
  api_password:
    description: Password of O(api_username), or the robot account's secret.
    type: str
    required: true
  validate_certs:
    description: Verify Harbor's TLS certificate.
    type: bool
    default: true
  ca_path:
    description: A PEM file with the CA certificates that signed Harbor's certificate.
    type: path
  timeout:
    description: Seconds to wait for each HTTP request.
    type: int
    default: 30
notes:
  - Set the connection options once for every Harbor module with C(module_defaults) and
    C(group/anchorage.registry.harbor).
  - Objects are looked up by name, so a run that changes nothing costs the same few requests however many
    objects Harbor holds. RV(requests) lists them.
  - Errors name the HTTP method, the path, the status, Harbor's error codes and messages, and Harbor's
    C(X-Request-Id), which its logs carry too.
"""
