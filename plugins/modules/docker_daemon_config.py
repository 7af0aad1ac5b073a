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
  validate:
    description:
      - Check the new file with C(dockerd --validate) before writing it, when the engine supports it.
    type: bool
    default: true
  backup:
    description: Keep a timestamped copy of the previous file when it changes.
    type: bool
    default: false
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
validated:
  description: Whether C(dockerd --validate) checked the new file (false when nothing changed or the engine lacks it).
  returned: always
  type: bool
backup_file:
  description: The copy of the previous file, when O(backup=true) and the file changed.
  returned: changed and backup requested
  type: str
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils import _docker_daemon
from ansible_collections.anchorage.registry.plugins.module_utils._owned_entries import load, save


def dockerd_check(module, text):
    """Run ``dockerd --validate`` on ``text``; (checked, error or None)."""
    dockerd = module.get_bin_path("dockerd")
    if not dockerd:
        return False, None
    candidate = os.path.join(module.tmpdir, "daemon.json")
    with open(candidate, "w") as handle:
        handle.write(text)
    rc, out, err = module.run_command([dockerd, "--validate", "--config-file", candidate])
    return _docker_daemon.validate_command_result(rc, out, err)


def run(module):
    params = module.params
    path = params["path"]
    wanted = {
        _docker_daemon.INSECURE: params["insecure_registries"],
        _docker_daemon.MIRRORS: params["registry_mirrors"],
    }
    errors = _docker_daemon.option_errors(params["insecure_registries"], params["registry_mirrors"])
    if errors:
        module.fail_json(msg="; ".join(errors))
    before, doc, state = load(module, path, _docker_daemon.parse)
    new_doc, new_state = _docker_daemon.merge(doc, wanted, state)
    after = _docker_daemon.render(new_doc) if new_doc != doc else None
    validated = False
    if after is not None and params["validate"]:
        validated, error = dockerd_check(module, after)
        if error:
            module.fail_json(msg="dockerd --validate rejected the new %s (nothing written): %s" % (path, error))
    result = save(module, path, before, after, new_state, backup=params["backup"],
                  file_args=module.load_file_common_arguments(params))
    result.update(
        reload_required=result["content_changed"],
        restart_required=False,
        insecure_registries=new_doc.get(_docker_daemon.INSECURE, []),
        registry_mirrors=new_doc.get(_docker_daemon.MIRRORS, []),
        owned=new_state,
        validated=validated,
    )
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", default="/etc/docker/daemon.json"),
            insecure_registries=dict(type="list", elements="str", default=[]),
            registry_mirrors=dict(type="list", elements="str", default=[]),
            validate=dict(type="bool", default=True),
            backup=dict(type="bool", default=False),
        ),
        add_file_common_args=True,
        supports_check_mode=True,
    )
    run(module)


if __name__ == "__main__":
    main()
