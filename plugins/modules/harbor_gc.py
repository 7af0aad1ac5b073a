#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: harbor_gc
short_description: Set or remove Harbor's garbage collection schedule over Harbor's API
version_added: 0.1.0
description:
  - Manages the schedule of Harbor's garbage collection (Administration, Clean Up), which frees the storage of
    deleted artifacts; when it runs, whether it also deletes untagged artifacts, and with how many workers.
  - Compares the schedule Harbor holds with the options and changes it only when they differ. Options left out
    are not managed.
  - A run that changes nothing costs one request.
  - Does not start a garbage collection; Harbor runs it on the schedule.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.harbor_api
  - anchorage.registry.attributes
options:
  schedule:
    description:
      - When garbage collection runs, in Harbor's cron format (six fields, seconds first), for example
        V(0 0 2 * * 6) for 02:00 every Saturday; or V(none), which removes the schedule.
    type: str
    required: true
  delete_untagged:
    description: Delete untagged artifacts too. Off when a schedule is first set.
    type: bool
  workers:
    description: Workers that delete blobs in parallel, 1 to 5. One when a schedule is first set.
    type: int
notes:
  - Needs a system administrator (or a robot with the C(garbage-collection) permission).
"""

EXAMPLES = r"""
- name: Garbage collection every Saturday at 02:00, untagged artifacts too, three workers
  anchorage.registry.harbor_gc:
    api_url: https://harbor.example.com
    api_username: admin
    api_password: "{{ harbor_admin_password }}"
    schedule: "0 0 2 * * 6"
    delete_untagged: true
    workers: 3

- name: No scheduled garbage collection
  anchorage.registry.harbor_gc:
    api_url: https://harbor.example.com
    api_username: admin
    api_password: "{{ harbor_admin_password }}"
    schedule: none
"""

RETURN = r"""
gc:
  description: The managed fields after the run (as they would be, in check mode).
  returned: always
  type: dict
  sample: {schedule: "0 0 2 * * 6", delete_untagged: true, workers: 3}
changes:
  description: The names of the fields that changed (would change, in check mode).
  returned: always
  type: list
  elements: str
  sample: [workers]
requests:
  description: Every request made to Harbor, in order.
  returned: always
  type: list
  elements: dict
  sample:
    - {method: GET, path: /api/v2.0/system/gc/schedule, status: 200}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import HARBOR_API_SPEC, run
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_gc import GC_SPEC, GarbageCollection


def main():
    module = AnsibleModule(argument_spec=dict(HARBOR_API_SPEC, **GC_SPEC), supports_check_mode=True)
    run(module, GarbageCollection())


if __name__ == "__main__":
    main()
