# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: keepalived_track_files
short_description: The track files of the health checks' containers for anchorage.registry.keepalived_config
version_added: 0.1.0
description:
  - For each of the P(anchorage.registry.keepalived#role) role's C(keepalived_checks) that names a C(container), a
    O(anchorage.registry.keepalived_config#module:track_files) entry named after the check, at
    O(directory)C(/<container>.down), with weight 0.
  - The role's watcher of Docker's events writes 1 to that file when the container dies and 0 when it starts;
    keepalived reads it at once (inotify) and puts the instances tracking the check in FAULT.
  - A container name that is not one Docker allows is refused, naming the check (C(keepalived_checks[0].container)).
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: directory
options:
  _input:
    description: The health checks (C(keepalived_checks)).
    type: list
    elements: dict
    required: true
  directory:
    description: Directory of the state files on the hosts.
    type: path
    required: true
"""

EXAMPLES = r"""
- name: The track files of the checks' containers
  ansible.builtin.set_fact:
    track_files: >-
      {{ [{'name': 'registry', 'container': 'anchorage-registry'}]
         | anchorage.registry.keepalived_track_files('/var/lib/anchorage/keepalived') }}
"""

RETURN = r"""
_value:
  description: The track files, each with C(name), C(path) and C(weight).
  type: list
  elements: dict
  sample:
    - name: registry
      path: /var/lib/anchorage/keepalived/anchorage-registry.down
      weight: 0
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.module_utils._keepalived_plan import container_tracks


def keepalived_track_files(checks, directory):
    try:
        return container_tracks(checks, directory)
    except ValueError as exc:
        raise AnsibleFilterError(str(exc))


class FilterModule(object):
    def filters(self):
        return {"keepalived_track_files": keepalived_track_files}
