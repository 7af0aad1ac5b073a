#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: harbor_replication
short_description: Create, change or remove a Harbor replication rule over Harbor's API
version_added: 0.1.0
description:
  - Manages one replication rule of Harbor by name (Administration, Replications), which pushes this Harbor's
    artifacts to a registry endpoint (M(anchorage.registry.harbor_registry)) or pulls the endpoint's into this Harbor;
    its filters, its trigger (manual, on a schedule, or on every push here), its destination namespace, whether it
    overwrites and whether it is enabled.
  - Compares the rule Harbor holds with the options and changes only the fields that differ. Options left out are
    not managed; a new rule gets the defaults said below.
  - A run that changes nothing costs two requests (the endpoint and the rule, each by name), however many rules and
    endpoints Harbor holds.
  - Does not start a replication; Harbor runs it on its trigger.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.harbor_api
  - anchorage.registry.attributes
options:
  name:
    description: The rule's name in Harbor, without commas (Harbor's API cannot look such a name up).
    type: str
    required: true
  direction:
    description:
      - V(push) copies from this Harbor to the endpoint, V(pull) from the endpoint into this Harbor. Required with
        O(state=present).
    type: str
    choices: [push, pull]
  registry_name:
    description: The registry endpoint on the other side, by name; it must exist. Required with O(state=present).
    type: str
  description:
    description: Free text shown in Harbor.
    type: str
  dest_namespace:
    description:
      - The namespace (project) the artifacts go to; left empty, the one they come from. Empty for a new rule.
    type: str
  filters:
    description:
      - Which artifacts are replicated, compared as a whole (filters left out are removed). None for a new rule
        (everything).
    type: dict
    suboptions:
      name:
        description: Repositories by name, Harbor's doublestar pattern, for example V(library/**).
        type: str
      tag:
        description: Tags, a doublestar pattern, for example V(v*).
        type: str
      tag_decoration:
        description: Whether O(filters.tag) selects or leaves out what matches. V(matches) when left out.
        type: str
        choices: [matches, excludes]
      labels:
        description: Harbor labels the artifacts carry.
        type: list
        elements: str
      label_decoration:
        description: Whether O(filters.labels) selects or leaves out what carries them. V(matches) when left out.
        type: str
        choices: [matches, excludes]
      resource:
        description: V(image) for container images only, V(artifact) for every kind of artifact.
        type: str
        choices: [image, artifact]
  trigger:
    description: When the rule runs. Manual for a new rule.
    type: dict
    suboptions:
      type:
        description:
          - V(manual) (from Harbor's UI or API), V(scheduled) (on O(trigger.cron)), or V(event_based) (on every push
            to, and deletion in, this Harbor; O(direction=push) only).
        type: str
        choices: [manual, scheduled, event_based]
        default: manual
      cron:
        description: Harbor's cron (six fields, seconds first), for example V(0 0 3 * * *); with V(scheduled) only.
        type: str
  override:
    description: Overwrite artifacts of the same name at the destination. On for a new rule.
    type: bool
  enabled:
    description: The rule runs on its trigger. On for a new rule.
    type: bool
  replicate_deletion:
    description: Deletions are replicated too (with O(trigger.type=event_based)). Off for a new rule.
    type: bool
  state:
    description: V(absent) deletes the rule (Harbor refuses while it runs).
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Kubekey's HA pair kept in step, and a pull of Docker Hub's library
  module_defaults:
    group/anchorage.registry.harbor:
      api_url: https://harbor-1.example.com
      api_username: admin
      api_password: "{{ harbor_admin_password }}"
  block:
    - name: Everything pushed here goes to the other node at once
      anchorage.registry.harbor_replication:
        name: to-harbor-2
        direction: push
        registry_name: harbor-2
        trigger:
          type: event_based
        replicate_deletion: true

    - name: Nightly pull of the official images' release tags
      anchorage.registry.harbor_replication:
        name: library-from-hub
        direction: pull
        registry_name: docker-hub
        dest_namespace: dockerhub
        filters:
          name: library/**
          tag: "*-rc*"
          tag_decoration: excludes
          resource: image
        trigger:
          type: scheduled
          cron: "0 0 3 * * *"
"""

RETURN = r"""
replication:
  description: The managed fields after the run (as they would be, in check mode); empty once deleted.
  returned: always
  type: dict
  sample: {name: to-harbor-2, direction: push, registry_name: harbor-2, trigger: {type: event_based}}
replication_id:
  description: The rule's id; null once deleted, and for a rule check mode would create.
  returned: always
  type: int
  sample: 4
changes:
  description: V(created), V(deleted), or the names of the fields that changed (would change, in check mode).
  returned: always
  type: list
  elements: str
  sample: [filters]
requests:
  description: Every request made to Harbor, in order.
  returned: always
  type: list
  elements: dict
  sample:
    - {method: GET, path: /api/v2.0/registries, status: 200}
    - {method: GET, path: /api/v2.0/replication/policies, status: 200}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import HARBOR_API_SPEC, STATE_SPEC, run
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_replication import REPLICATION_SPEC, Replication


def main():
    module = AnsibleModule(argument_spec=dict(HARBOR_API_SPEC, **dict(REPLICATION_SPEC, **STATE_SPEC)),
                           supports_check_mode=True)
    run(module, Replication())


if __name__ == "__main__":
    main()
