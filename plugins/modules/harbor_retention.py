#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: harbor_retention
short_description: Set or remove the tag retention policy of a Harbor project over Harbor's API
version_added: 0.1.0
description:
  - Manages the tag retention policy of one Harbor project (the project's Policy, Tag Retention), the rules that
    say which artifacts are kept when retention runs, and when it runs. Artifacts no rule keeps are deleted.
  - Compares the policy Harbor holds with the options and changes it only when they differ. Options left out are
    not managed.
  - A run that changes nothing costs two requests (the project, and its policy by the project's C(retention_id)).
  - Does not start a retention run; Harbor runs it on O(schedule).
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.harbor_api
  - anchorage.registry.attributes
options:
  project:
    description: The project's name; it must exist (M(anchorage.registry.harbor_project)).
    type: str
    required: true
  rules:
    description:
      - What is kept, compared as a whole and in order (at most 15 rules; an artifact any rule keeps is kept).
        None for a new policy.
    type: list
    elements: dict
    suboptions:
      template:
        description:
          - V(latestPushedK) keeps the K most recently pushed, V(latestPulledN) the N most recently pulled,
            V(nDaysSinceLastPush) / V(nDaysSinceLastPull) what was pushed / pulled in the last N days, V(always)
            everything selected.
        type: str
        required: true
        choices: [always, latestPulledN, latestPushedK, nDaysSinceLastPull, nDaysSinceLastPush]
      params:
        description:
          - "The template's number, under the template's name, for example V({latestPushedK: 10}); none for
            V(always)."
        type: dict
      tag_selectors:
        description: The tags the rule looks at. Every tag (V(**)) when left out.
        type: list
        elements: dict
        suboptions:
          kind:
            description: The pattern's kind.
            type: str
            choices: [doublestar]
            default: doublestar
          decoration:
            description: Select the tags that match, or those that do not.
            type: str
            choices: [matches, excludes]
            default: matches
          pattern:
            description: A doublestar pattern, for example V(release-*) or V(**).
            type: str
            required: true
          extras:
            description: Harbor's extra settings as JSON text, for example V({"untagged":true}) to include untagged artifacts.
            type: str
      scope_selectors:
        description: The repositories the rule looks at. Every repository (V(**)) when left out.
        type: dict
        suboptions:
          repository:
            description: One repository selector.
            type: list
            elements: dict
            suboptions:
              kind:
                description: The pattern's kind.
                type: str
                choices: [doublestar]
                default: doublestar
              decoration:
                description: Select the repositories that match, or those that do not.
                type: str
                choices: [repoMatches, repoExcludes]
                default: repoMatches
              pattern:
                description: A doublestar pattern, for example V(team-a/**).
                type: str
                required: true
      disabled:
        description: The rule is kept but not applied.
        type: bool
        default: false
  schedule:
    description:
      - When retention runs, in Harbor's cron format (six fields, seconds first), for example V(0 0 0 * * *) for every
        midnight; or V(none), to run it only by hand. None for a new policy.
    type: str
  state:
    description: V(absent) removes the project's policy.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Keep the ten latest pushes of every repository, and release tags for ever; clean up nightly
  anchorage.registry.harbor_retention:
    api_url: https://harbor.example.com
    api_username: admin
    api_password: "{{ harbor_admin_password }}"
    project: team-a
    schedule: "0 0 0 * * *"
    rules:
      - template: latestPushedK
        params: {latestPushedK: 10}
      - template: always
        tag_selectors:
          - pattern: "release-*"
"""

RETURN = r"""
retention:
  description: The managed fields after the run (as they would be, in check mode); empty once removed.
  returned: always
  type: dict
  sample: {project: team-a, schedule: "0 0 0 * * *"}
retention_id:
  description: The policy's id; null once removed, and for a policy check mode would create.
  returned: always
  type: int
  sample: 9
changes:
  description: V(created), V(deleted), or the names of the fields that changed (would change, in check mode).
  returned: always
  type: list
  elements: str
  sample: [rules]
requests:
  description: Every request made to Harbor, in order.
  returned: always
  type: list
  elements: dict
  sample:
    - {method: GET, path: /api/v2.0/projects/team-a, status: 200}
    - {method: GET, path: /api/v2.0/retentions/9, status: 200}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import HARBOR_API_SPEC, STATE_SPEC, run
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_retention import RETENTION_SPEC, Retention


def main():
    module = AnsibleModule(argument_spec=dict(HARBOR_API_SPEC, **dict(RETENTION_SPEC, **STATE_SPEC)),
                           supports_check_mode=True)
    run(module, Retention())


if __name__ == "__main__":
    main()
