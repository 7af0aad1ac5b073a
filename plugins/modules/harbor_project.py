#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: harbor_project
short_description: Create, change or remove a Harbor project over Harbor's API
version_added: 0.1.0
description:
  - Manages one Harbor project by name, its visibility (public or private), storage quota, automatic
    vulnerability scan, and proxy cache of a registry endpoint (M(anchorage.registry.harbor_registry)) given by name.
  - Compares the project Harbor holds with the options and changes only the fields that differ. Options
    left out are not managed; a new project gets Harbor's defaults for them.
  - A run that changes nothing costs three requests at most, however many projects Harbor holds.
  - Harbor makes a project a proxy cache only when it creates it, so a different O(registry_name) for an
    existing project is refused; delete the project and create it again.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.harbor_api
  - anchorage.registry.attributes
options:
  name:
    description: The project's name (lower-case letters, digits, and single V(.), V(_) or V(-) between them).
    type: str
    required: true
  public:
    description: Anyone may pull from the project, without logging in. A new project is private.
    type: bool
  storage_limit:
    description:
      - The project's storage quota in bytes, V(-1) for no limit. A new project gets Harbor's default.
      - Needs per-project quotas on in Harbor's configuration (the default).
    type: int
  auto_scan:
    description: Scan every image pushed to the project for vulnerabilities. Off for a new project.
    type: bool
  registry_name:
    description:
      - Make the project a proxy cache of the registry endpoint of this name, which must exist.
      - Only when the project is created; Harbor cannot bind an existing project to an endpoint.
    type: str
  state:
    description: V(absent) deletes the project (Harbor refuses while it holds repositories).
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Projects on the Harbor of the lab
  module_defaults:
    group/anchorage.registry.harbor:
      api_url: https://harbor.example.com
      api_username: admin
      api_password: "{{ harbor_admin_password }}"
      ca_path: /etc/anchorage/ca.crt
  block:
    - name: A private project of 20 GiB with scans on push
      anchorage.registry.harbor_project:
        name: team-a
        storage_limit: 21474836480
        auto_scan: true

    - name: A public proxy cache of Docker Hub
      anchorage.registry.harbor_project:
        name: dockerhub
        public: true
        registry_name: docker-hub

    - name: An old project goes
      anchorage.registry.harbor_project:
        name: legacy
        state: absent
"""

RETURN = r"""
project:
  description: The managed fields after the run (as they would be, in check mode); empty once deleted.
  returned: always
  type: dict
  sample: {name: team-a, public: false, storage_limit: 21474836480, auto_scan: true}
project_id:
  description: The project's id; null once deleted, and for a project check mode would create.
  returned: always
  type: int
  sample: 12
changes:
  description: V(created), V(deleted), or the names of the fields that changed (would change, in check mode).
  returned: always
  type: list
  elements: str
  sample: [storage_limit]
requests:
  description: Every request made to Harbor, in order.
  returned: always
  type: list
  elements: dict
  sample:
    - {method: GET, path: /api/v2.0/projects/team-a, status: 200}
    - {method: GET, path: /api/v2.0/quotas, status: 200}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import HARBOR_API_SPEC, STATE_SPEC, run
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_project import PROJECT_SPEC, Project


def main():
    module = AnsibleModule(argument_spec=dict(HARBOR_API_SPEC, **dict(PROJECT_SPEC, **STATE_SPEC)),
                           supports_check_mode=True)
    run(module, Project())


if __name__ == "__main__":
    main()
