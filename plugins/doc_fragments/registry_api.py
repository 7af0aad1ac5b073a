# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):
    """The OCI Distribution API connection options (argument spec: ``module_utils._oci.REGISTRY_API_SPEC``)."""

    DOCUMENTATION = r"""
attributes:
  action_group:
    description: Use C(group/anchorage.registry.registry_api) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - anchorage.registry.registry_api
options:
  url:
    description: The registry's base URL, for example C(https://registry.example.com) or C(http://10.0.0.5:5000).
    type: str
    required: true
  username:
    description: User for Basic authentication or for the token server.
    type: str
  password:
    description: Password (or token) of O(username).
    type: str
  validate_certs:
    description: Verify the registry's (and the token server's) TLS certificate.
    type: bool
    default: true
  ca_path:
    description: A PEM file with the CA certificates to trust.
    type: path
  timeout:
    description: Seconds to wait for each HTTP request.
    type: int
    default: 30
"""
