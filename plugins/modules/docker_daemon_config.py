#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: docker_daemon_config
short_description: Merge insecure registries and registry mirrors into Docker's daemon.json
version_added: 0.1.0
description:
  - Adds entries to C(insecure-registries) and C(registry-mirrors) in C(daemon.json) without touching any
    other key, nor entries other tools wrote in those two lists.
  - The entries it added are recorded in C(.daemon.json.anchorage-owned.json) next to the file. An entry it
    added and that is no longer passed is removed; an entry that was already there is never removed.
  - The file is rewritten only when its content changes. Before writing, the new file is checked with
    C(dockerd --validate --config-file) when the engine has that flag (Docker 23.0 and later); older engines
    only get this module's own checks.
  - dockerd applies both keys on SIGHUP (C(systemctl reload docker)), so RV(reload_required) is all a change
    needs. dockerd only reloads keys present in the file, so a list this module empties stays as C([]).
  - A C(daemon.json) that is not a JSON object makes the module fail without writing anything.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.config_file
  - anchorage.registry.config_file.FILE
  - anchorage.registry.config_file.VALIDATE
  - ansible.builtin.files
options:
  path:
    description: The daemon configuration file.
    type: path
    default: /etc/docker/daemon.json
  insecure_registries:
    description:
      - Registries reached over plain HTTP (or HTTPS without verification), as C(host[:port]) or a CIDR range.
    type: list
    elements: str
    default: []
  registry_mirrors:
    description:
      - Docker Hub mirrors, as C(http://host[:port]) or C(https://host[:port]). Docker mirrors no other
        registry, and takes no path after the host.
    type: list
    elements: str
    default: []
notes:
  - Registry credentials do not belong in C(daemon.json); use M(community.docker.docker_login).
  - CA certificates for HTTPS registries go in C(/etc/docker/certs.d/<host:port>/ca.crt)
    (M(anchorage.registry.registry_ca)).
seealso:
  - module: anchorage.registry.registry_ca
"""

EXAMPLES = r"""
- name: Let Docker pull from our plain-HTTP registry and use it as a Docker Hub mirror
  anchorage.registry.docker_daemon_config:
    insecure_registries:
      - 10.0.0.5:5000
    registry_mirrors:
      - http://10.0.0.5:5000
  register: daemon_json

- name: Apply it without stopping containers
  ansible.builtin.systemd_service:
    name: docker
    state: reloaded
  when: daemon_json.reload_required
"""

RETURN = r"""
reload_required:
  description: The file's content changed; C(systemctl reload docker) (SIGHUP) applies it.
  returned: always
  type: bool
restart_required:
  description: Always false; both keys this module writes are reloaded by SIGHUP.
  returned: always
  type: bool
insecure_registries:
  description: The whole C(insecure-registries) list in the file afterwards, others' entries included.
  returned: always
  type: list
  elements: str
registry_mirrors:
  description: The whole C(registry-mirrors) list in the file afterwards, others' entries included.
  returned: always
  type: list
  elements: str
owned:
  description: The entries this module now owns, per key.
  returned: always
  type: dict
  sample: {"insecure-registries": ["10.0.0.5:5000"], "registry-mirrors": []}
config_test:
  description:
    - C(passed) when C(dockerd --validate) accepted new content, C(skipped) when the engine lacks the flag
      (before Docker 23.0) or has no C(dockerd), C(unchanged) when nothing changed, C(disabled) when
      O(validate=false).
  returned: always
  type: str
backup_file:
  description: The copy of the previous file, when O(backup=true) and the file changed.
  returned: changed and backup requested
  type: str
"""

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import file_options, run
from ansible_collections.anchorage.registry.plugins.module_utils._docker_daemon import DockerDaemon


def main():
    run(DockerDaemon(), file_options(
        path=dict(type="path", default="/etc/docker/daemon.json"),
        validate=True,
        insecure_registries=dict(type="list", elements="str", default=[]),
        registry_mirrors=dict(type="list", elements="str", default=[]),
    ), add_file_common_args=True, supports_check_mode=True)


if __name__ == "__main__":
    main()
