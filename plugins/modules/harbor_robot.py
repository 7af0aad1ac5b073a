#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: harbor_robot
short_description: Create, change or remove a Harbor robot account over Harbor's API
version_added: 0.1.0
description:
  - Manages one robot account of Harbor by name, at system level or, with O(project), at the level of one
    project; its permissions, duration, description, and whether it is disabled.
  - Compares the robot Harbor holds with the options and changes only the fields that differ. Options
    left out are not managed.
  - A run that changes nothing costs one request for a system robot and two for a project robot, however many
    robots Harbor holds.
  - Harbor gives a robot's secret back only when it creates the robot or refreshes its secret. The module
    returns it then, in RV(secret), and never compares it; a run that changes nothing never changes it.
    O(rotate_secret=true) replaces it.
  - A robot's level and project cannot change; a robot of another project is another robot.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.harbor_api
  - anchorage.registry.attributes
attributes:
  check_mode:
    details: Only reads; the result and the diff say what would change, and no secret is returned.
  idempotent:
    details: Not with O(rotate_secret=true), which replaces the secret on every run.
options:
  name:
    description:
      - The robot's name, without Harbor's prefix (V(robot$)) and without the project (Harbor names a robot
        V(ci) of project V(team-a) C(robot$team-a+ci)).
    type: str
    required: true
  project:
    description:
      - A project robot of this project, which must exist. Left out, a system robot.
    type: str
  description:
    description: Free text shown in Harbor.
    type: str
  duration:
    description:
      - Days the robot's secret is valid from the robot's creation, V(-1) for ever.
      - A new robot left without it gets Harbor's C(robot_token_duration) (30 days by default).
    type: int
  disable:
    description: The robot cannot log in. A new robot is enabled.
    type: bool
  permissions:
    description:
      - What the robot may do. Required with O(state=present); compared as a whole (order does not matter).
      - A project robot has one entry, of its own project.
    type: list
    elements: dict
    suboptions:
      kind:
        description: V(project) (the resources of a project) or V(system) (system resources, system robots only).
        type: str
        choices: [project, system]
        default: project
      namespace:
        description:
          - The project's name, or V(*) for every project. A project robot's own project when left out; V(/) for
            O(permissions[].kind=system).
        type: str
      access:
        description: "Resources and actions, for example V({resource: repository, action: pull})."
        type: list
        elements: dict
        required: true
        suboptions:
          resource:
            description: Harbor's resource, for example V(repository), V(artifact), V(tag), V(helm-chart).
            type: str
            required: true
          action:
            description: Harbor's action, for example V(pull), V(push), V(list), V(read), V(delete).
            type: str
            required: true
  secret:
    description:
      - The secret to give the robot when it is created, or when O(rotate_secret=true) replaces it; left out, Harbor
        generates one and the module returns it once, in RV(secret).
      - 8 to 128 characters, with at least one upper-case letter, one lower-case letter and one digit.
    type: str
  rotate_secret:
    description:
      - Replace the secret of an existing robot (with O(secret), or one Harbor generates, returned in RV(secret)),
        on every run where it is true.
    type: bool
    default: false
  state:
    description: V(absent) deletes the robot.
    type: str
    choices: [present, absent]
    default: present
notes:
  - RV(secret) is in the task's result; register it, and set C(no_log) on the task so that the controller's
    output and callbacks do not show it.
"""

EXAMPLES = r"""
- name: Robot accounts of the lab's Harbor
  module_defaults:
    group/anchorage.registry.harbor:
      api_url: https://harbor.example.com
      api_username: admin
      api_password: "{{ harbor_admin_password }}"
  block:
    - name: A CI robot that pushes to team-a, valid for 90 days
      anchorage.registry.harbor_robot:
        name: ci
        project: team-a
        duration: 90
        permissions:
          - access:
              - {resource: repository, action: pull}
              - {resource: repository, action: push}
      register: ci_robot
      no_log: true

    - name: Keep its secret in the vault (only a new robot or a rotated secret returns one)
      ansible.builtin.debug:
        msg: "{{ ci_robot.robot_name }} was given a new secret"
      when: ci_robot.secret

    - name: A system robot that pulls from every project, with a secret from the vault, never expiring
      anchorage.registry.harbor_robot:
        name: puller
        duration: -1
        secret: "{{ vault_puller_secret }}"
        permissions:
          - namespace: "*"
            access:
              - {resource: repository, action: pull}
"""

RETURN = r"""
robot:
  description: The managed fields after the run (the secret as V(*****)); empty once deleted.
  returned: always
  type: dict
  sample: {name: ci, project: team-a, duration: 90,
           permissions: [{kind: project, namespace: team-a, access: [{resource: repository, action: pull}]}]}
robot_id:
  description: The robot's id; null once deleted, and for a robot check mode would create.
  returned: always
  type: int
  sample: 7
robot_name:
  description: The robot's full name, as it logs in (C(api_username) of the other Harbor modules); null when unknown.
  returned: always
  type: str
  sample: robot$team-a+ci
secret:
  description:
    - The secret Harbor generated, when this run created the robot or replaced its secret without O(secret);
      null otherwise (Harbor never gives it back later).
  returned: always
  type: str
changes:
  description: V(created), V(deleted), or the names of the fields that changed (would change, in check mode).
  returned: always
  type: list
  elements: str
  sample: [duration]
requests:
  description: Every request made to Harbor, in order.
  returned: always
  type: list
  elements: dict
  sample:
    - {method: GET, path: /api/v2.0/projects/team-a, status: 200}
    - {method: GET, path: /api/v2.0/robots, status: 200}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import HARBOR_API_SPEC, STATE_SPEC, run
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_robot import ROBOT_SPEC, Robot


def main():
    module = AnsibleModule(argument_spec=dict(HARBOR_API_SPEC, **dict(ROBOT_SPEC, **STATE_SPEC)),
                           supports_check_mode=True)
    run(module, Robot())


if __name__ == "__main__":
    main()
