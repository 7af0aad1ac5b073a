#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: registry_htpasswd
short_description: Manage bcrypt users in a registry's htpasswd file
version_added: 0.1.0
description:
  - Adds, updates and removes users in an htpasswd file with bcrypt hashes (C($2y$), as C(htpasswd -B)
    writes them), the only format CNCF Distribution's C(htpasswd) auth accepts. zot reads the same format.
  - A user whose existing hash already verifies the given password is kept byte for byte (no re-hash),
    so a second run changes nothing. Lines of users not listed are kept in place unless O(exclusive=true).
  - Passwords and hashes are never returned or logged; the diff shows user names with masked hashes.
  - Bad input fails naming the user before anything is written; an empty password or one longer than
    the 72 bytes bcrypt uses, a name with C(:) or a line break, starting with C(#) or with blanks around it,
    a user listed twice.
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.config_file
  - anchorage.registry.config_file.FILE
  - ansible.builtin.files
attributes:
  check_mode:
    details: Verifies existing hashes to report what would change; computes no new hash and writes nothing.
options:
  path:
    description: The htpasswd file.
    type: path
    required: true
  users:
    description: The users to manage.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The user name.
        type: str
        required: true
      password:
        description: The password (required when O(users[].state=present)).
        type: str
      state:
        description: Whether the user should be in the file.
        type: str
        choices: [present, absent]
        default: present
  exclusive:
    description: Remove every user not listed in O(users).
    type: bool
    default: false
  cost:
    description: The bcrypt cost (4 to 31) for new hashes. Existing hashes that verify keep their cost.
    type: int
    default: 10
notes:
  - Distribution 2.8 and 3.x re-read the htpasswd file when its modification time changes, so no restart
    is needed (RV(restart_required) is always false); this was checked against Distribution 2.8.2.
    The file is replaced atomically (a new inode) - in a container, mount its directory, not the file
    itself, or the container keeps seeing the old file.
  - A new file gets mode C(0600) unless O(mode) is given.
requirements:
  - bcrypt (Python library) on the target
author:
  - anchorage.registry contributors (@anchorage-registry)
"""

EXAMPLES = r"""
- name: Exactly these registry users
  anchorage.registry.registry_htpasswd:
    path: /etc/anchorage/registry/htpasswd
    mode: "0640"
    exclusive: true
    users:
      - name: admin
        password: "{{ registry_admin_password }}"
      - name: ci
        password: "{{ registry_ci_password }}"
  no_log: true

- name: Remove a user, keep the others
  anchorage.registry.registry_htpasswd:
    path: /etc/anchorage/registry/htpasswd
    users:
      - name: former-colleague
        state: absent
"""

RETURN = r"""
reload_required:
  description: Always false; Distribution re-reads the file when it changes.
  returned: always
  type: bool
users_added:
  description: Users that were (or would be) added.
  returned: always
  type: list
  elements: str
  sample: [ci]
users_updated:
  description: Users whose password hash was (or would be) replaced.
  returned: always
  type: list
  elements: str
  sample: [admin]
users_removed:
  description: Users that were (or would be) removed.
  returned: always
  type: list
  elements: str
  sample: []
restart_required:
  description: Always false; Distribution re-reads the file when it changes.
  returned: always
  type: bool
  sample: false
backup_file:
  description: The backup of the previous file.
  returned: when O(backup=true) and the file changed
  type: str
  sample: /etc/anchorage/registry/htpasswd.12345.2026-11-22@10:00:00~
"""

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import file_options, run
from ansible_collections.anchorage.registry.plugins.module_utils._htpasswd import HtpasswdFile


def main():
    run(HtpasswdFile(), file_options(
        path=dict(type="path", required=True),
        users=dict(type="list", elements="dict", required=True, options=dict(
            name=dict(type="str", required=True),
            password=dict(type="str", no_log=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        )),
        exclusive=dict(type="bool", default=False),
        cost=dict(type="int", default=10),
    ), add_file_common_args=True, supports_check_mode=True)


if __name__ == "__main__":
    main()
