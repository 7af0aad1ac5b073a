#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: harbor_registry
short_description: Create, change or remove a Harbor registry endpoint over Harbor's API
version_added: 0.1.0
description:
  - Manages one registry endpoint of Harbor by name (Administration, Registries), the upstream of
    replication rules and of proxy-cache projects (M(anchorage.registry.harbor_project)).
  - Compares the endpoint Harbor holds with the options and changes only the fields that differ. Options
    left out are not managed.
  - A run that changes nothing costs one request, however many endpoints Harbor holds.
  - Harbor never gives a stored secret back, so O(credential.access_secret) is compared only as set or not
    set; see O(credential.update_secret). Secrets are masked in the diff and the result.
  - An endpoint's O(type) cannot change; delete the endpoint and create it again.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.harbor_api
  - anchorage.registry.attributes
attributes:
  idempotent:
    details: Not with O(credential.update_secret=always), which sends the secret again on every run.
options:
  name:
    description: The endpoint's name in Harbor, without commas (Harbor's API cannot look such a name up).
    type: str
    required: true
  type:
    description:
      - The kind of registry (Harbor's adapter). Required with O(state=present).
      - The Harbor in use may offer fewer (C(GET /api/v2.0/replication/adapters) lists them).
    type: str
    choices: [harbor, docker-hub, docker-registry, huawei-SWR, google-gcr, aws-ecr, azure-acr, ali-acr,
              jfrog-artifactory, quay, gitlab, dtr, tencent-tcr, github-ghcr, volcengine-cr]
  url:
    description:
      - The registry's URL, for example V(https://hub.docker.com) or V(https://ghcr.io). Required with
        O(state=present). Harbor stores it without a trailing V(/).
    type: str
  insecure:
    description: Harbor does not verify the registry's certificate. Off for a new endpoint.
    type: bool
  description:
    description: Free text shown in Harbor.
    type: str
  credential:
    description: How Harbor logs in to the registry. Left out, the endpoint's credential is not managed.
    type: dict
    suboptions:
      type:
        description: V(basic) (user and password or token) or V(oauth).
        type: str
        choices: [basic, oauth]
        default: basic
      access_key:
        description: The user (or key id) Harbor logs in with.
        type: str
      access_secret:
        description: The password or token of O(credential.access_key).
        type: str
      update_secret:
        description:
          - V(on_create) sends O(credential.access_secret) when the endpoint is created or has no secret yet;
            V(always) sends it again on every run (and reports a change), to rotate it.
        type: str
        choices: [on_create, always]
        default: on_create
  state:
    description: V(absent) deletes the endpoint (Harbor refuses while a project or replication rule uses it).
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Registry endpoints of the lab's Harbor
  module_defaults:
    group/anchorage.registry.harbor:
      api_url: https://harbor.example.com
      api_username: robot$automation
      api_password: "{{ harbor_robot_secret }}"
  block:
    - name: Docker Hub, logged in to get past its anonymous pull limits
      anchorage.registry.harbor_registry:
        name: docker-hub
        type: docker-hub
        url: https://hub.docker.com
        credential:
          access_key: anchorage
          access_secret: "{{ dockerhub_token }}"

    - name: GitHub's registry, anonymous
      anchorage.registry.harbor_registry:
        name: ghcr
        type: github-ghcr
        url: https://ghcr.io
"""

RETURN = r"""
registry:
  description: The managed fields after the run (the secret as V(*****)); empty once deleted.
  returned: always
  type: dict
  sample: {name: docker-hub, type: docker-hub, url: "https://hub.docker.com", access_key: anchorage, access_secret: "*****"}
registry_id:
  description: The endpoint's id; null once deleted, and for an endpoint check mode would create.
  returned: always
  type: int
  sample: 3
changes:
  description: V(created), V(deleted), or the names of the fields that changed (would change, in check mode).
  returned: always
  type: list
  elements: str
  sample: [url]
requests:
  description: Every request made to Harbor, in order.
  returned: always
  type: list
  elements: dict
  sample:
    - {method: GET, path: /api/v2.0/registries, status: 200}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import HARBOR_API_SPEC, STATE_SPEC, run
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_registry import REGISTRY_SPEC, Registry


def main():
    module = AnsibleModule(argument_spec=dict(HARBOR_API_SPEC, **dict(REGISTRY_SPEC, **STATE_SPEC)),
                           supports_check_mode=True)
    run(module, Registry())


if __name__ == "__main__":
    main()
